//! A wellbeing region's worth of data (made by `server seed`'s code, smaller here): every page
//! of the main paths answers on it, a page costs the same number of queries whatever rows it
//! shows, lists come a page at a time, and the audit trail of a long list fits both databases.

mod common;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use app::backend::{
    entities::{client, referral, visit},
    seed::{RegionSize, seed_region},
};
use common::{TestServer, browser, call, post_as};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const PASSWORD: &str = app::backend::demo::DEMO_PASSWORD;

/// One region test at a time. Each starts servers that render pages; run side by side in one
/// test process (one runtime per test), a page render was seen to stall now and then, which a
/// server (one runtime) does not do. They are heavy enough to take turns anyway.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
const GUIDE: &str = "ohjaaja1@alue.example";
const COORDINATOR: &str = "koordinaattori1@alue.example";
const SOCIAL_WORKER: &str = "sosiaalityo1@alue.example";
const ADMIN: &str = "admin@alue.example";

/// A server on each database with a seeded region; the counter counts every statement sent to
/// the database (the outbox sender is off, so only requests send any).
async fn regions(clients: u32, guides: u32, months: u32) -> Vec<(TestServer, Arc<AtomicUsize>)> {
    regions_with(RegionSize { clients, guides, months, seed: 7, visits_per_day: RegionSize::VISITS_PER_DAY })
        .await
}

async fn regions_with(size: RegionSize) -> Vec<(TestServer, Arc<AtomicUsize>)> {
    let mut all = Vec::new();
    for mut db in app::backend::testing::databases().await {
        seed_region(&db.conn, size, chrono::Utc::now()).await.expect("a region is seeded");
        let counter = Arc::new(AtomicUsize::new(0));
        let seen = counter.clone();
        db.conn.set_metric_callback(move |_| {
            seen.fetch_add(1, Ordering::Relaxed);
        });
        // No background work: only the requests below send statements.
        let server =
            TestServer::start_with(db, &["--outbox-sender", "false", "--housekeeping", "false"]).await;
        quiet(&counter).await;
        all.push((server, counter));
    }
    all
}

/// Waits until the server sends nothing for a moment: its first housekeeping round (sessions,
/// retention, reminders) runs at start and would be counted with a page.
async fn quiet(counter: &AtomicUsize) {
    loop {
        let before = counter.load(Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        if counter.load(Ordering::SeqCst) == before {
            return;
        }
    }
}

async fn signed_in(server: &TestServer, email: &str) -> reqwest::Client {
    let client = browser();
    let response =
        post_as(&client, server, "/api/sign-in", &[("email", email), ("password", PASSWORD), ("next", "/")])
            .await;
    assert_eq!(response.headers()["location"], "/", "{email} signs in");
    client
}

async fn page(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = client
        .get(server.at(path))
        .header("accept", "text/html")
        .timeout(std::time::Duration::from_secs(40))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The statements one page load sends: the fewest of three loads, since a background round
/// (sessions, retention) may fall inside one of them and only ever adds.
async fn queries(
    client: &reqwest::Client,
    server: &TestServer,
    counter: &AtomicUsize,
    path: &str,
) -> (usize, String) {
    let mut fewest = usize::MAX;
    let mut html = String::new();
    quiet(counter).await;
    for _ in 0..3 {
        let before = counter.load(Ordering::SeqCst);
        let (status, body) = page(client, server, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        fewest = fewest.min(counter.load(Ordering::SeqCst) - before);
        html = body;
    }
    (fewest, html)
}

/// A client of the first guide with visits on their card: the one with the most of them from a
/// week ago on, or the fewest.
async fn guide_client(server: &TestServer, most: bool) -> i64 {
    let guide = common::user_id(server, GUIDE).await;
    let since = chrono::Utc::now() - chrono::Duration::days(7);
    let visits = visit::Entity::find()
        .filter(visit::Column::GuideId.eq(guide))
        .filter(visit::Column::StartsAt.gte(since))
        .all(&server.db.conn)
        .await
        .unwrap();
    let mine: std::collections::BTreeSet<i64> = client::Entity::find()
        .filter(client::Column::GuideId.eq(guide))
        .all(&server.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut per_client = std::collections::BTreeMap::<i64, usize>::new();
    for v in visits.into_iter().filter(|v| mine.contains(&v.client_id)) {
        *per_client.entry(v.client_id).or_default() += 1;
    }
    let pick = if most {
        per_client.iter().max_by_key(|(_, n)| **n)
    } else {
        per_client.iter().min_by_key(|(_, n)| **n)
    };
    *pick.expect("the guide has clients with visits").0
}

async fn first_guide_client(server: &TestServer) -> i64 {
    guide_client(server, true).await
}

/// Rows shown: list items and table rows.
fn rows(html: &str) -> usize {
    html.matches("<li").count() + html.matches("<tr").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_costs_the_same_queries_whatever_its_rows() {
    let _turn = ONE_AT_A_TIME.lock().await;
    // Two visits on each working day against six, forty clients against four hundred: every
    // page below shows more rows in the larger region, and must not cost more for it.
    let small =
        regions_with(RegionSize { clients: 40, guides: 3, months: 2, seed: 7, visits_per_day: (2, 2) }).await;
    let large =
        regions_with(RegionSize { clients: 400, guides: 6, months: 2, seed: 7, visits_per_day: (6, 6) })
            .await;
    for ((small, small_count), (large, large_count)) in small.iter().zip(&large) {
        let backend = small.db.backend;
        let mut report = Vec::new();
        for (email, paths) in [
            (GUIDE, vec!["/today", "/week", "/clients", "/clients/{client}"]),
            (COORDINATOR, vec!["/clients", "/referrals", "/guides", "/clients/{client}"]),
        ] {
            let (a, b) = (signed_in(small, email).await, signed_in(large, email).await);
            let (small_client, large_client) =
                (guide_client(small, false).await, guide_client(large, true).await);
            for path in paths {
                let (qa, ha) =
                    queries(&a, small, small_count, &path.replace("{client}", &small_client.to_string()))
                        .await;
                let (qb, hb) =
                    queries(&b, large, large_count, &path.replace("{client}", &large_client.to_string()))
                        .await;
                report.push(format!(
                    "{email} {path}: {qa} queries for {} rows, {qb} for {} rows",
                    rows(&ha),
                    rows(&hb)
                ));
                assert!(
                    rows(&hb) > rows(&ha),
                    "{backend}: {email} {path} must show more rows in the larger region"
                );
                assert_eq!(qa, qb, "{backend}: {email} {path} grows with its rows:\n{}", report.join("\n"));
            }
        }
        println!("{backend}:\n{}", report.join("\n"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_the_main_paths_answers_on_a_seeded_region() {
    let _turn = ONE_AT_A_TIME.lock().await;
    for (server, _) in regions(300, 10, 2).await {
        let backend = server.db.backend;
        let client_id = first_guide_client(&server).await;
        let referral_id = referral::Entity::find().one(&server.db.conn).await.unwrap().unwrap().id;
        let visit_id = visit::Entity::find().one(&server.db.conn).await.unwrap().unwrap().id;
        for (email, paths) in [
            (
                GUIDE,
                vec![
                    "/",
                    "/today",
                    "/week",
                    "/clients",
                    "/mileage",
                    "/outings",
                    "/settings",
                    "/proposals",
                    "/profile",
                ],
            ),
            (
                COORDINATOR,
                vec![
                    "/",
                    "/clients",
                    "/referrals",
                    "/guides",
                    "/transfers",
                    "/feedback",
                    "/outings",
                    "/referrals/batch",
                ],
            ),
            (SOCIAL_WORKER, vec!["/", "/clients", "/referrals", "/week"]),
            (ADMIN, vec!["/", "/admin/users", "/admin/audit", "/admin/outbox", "/admin/audit?entity=client"]),
        ] {
            let client = signed_in(&server, email).await;
            for path in paths {
                let (status, body) = page(&client, &server, path).await;
                assert_eq!(status, 200, "{backend}: {email} {path}: {}", &body[..body.len().min(400)]);
            }
        }
        let coordinator = signed_in(&server, COORDINATOR).await;
        for path in [
            format!("/clients/{client_id}"),
            format!("/referrals/{referral_id}"),
            format!("/visits/{visit_id}"),
        ] {
            let (status, _) = page(&coordinator, &server, &path).await;
            assert_eq!(status, 200, "{backend}: {path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_come_a_page_at_a_time_in_a_stable_order_and_every_row_once() {
    let _turn = ONE_AT_A_TIME.lock().await;
    for (server, _) in regions(230, 4, 1).await {
        let backend = server.db.backend;
        let coordinator = signed_in(&server, COORDINATOR).await;
        // The whole client list, page by page: each client once, by name then id, each page
        // at most the size asked (and never more than the cap, however much is asked).
        let mut seen: Vec<(String, i64)> = Vec::new();
        let mut after: Option<i64> = None;
        let mut pages = 0;
        loop {
            let mut form = vec![("size", "40".to_owned())];
            if let Some(after) = after {
                form.push(("after", after.to_string()));
            }
            let page: serde_json::Value =
                call(&coordinator, &server, "/api/clients/list", &form).await.json().await.unwrap();
            let rows = page["rows"].as_array().unwrap();
            assert!(rows.len() <= 40, "{backend}");
            seen.extend(
                rows.iter()
                    .map(|r| (r["display_name"].as_str().unwrap().to_owned(), r["id"].as_i64().unwrap())),
            );
            pages += 1;
            match page["next"].as_i64() {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(pages, 6, "{backend}: 230 clients in pages of 40");
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "{backend}: by name, then id");
        sorted.dedup();
        assert_eq!(sorted.len(), 230, "{backend}: every client once");
        let huge: serde_json::Value =
            call(&coordinator, &server, "/api/clients/list", &[("size", "100000".into())])
                .await
                .json()
                .await
                .unwrap();
        assert_eq!(huge["rows"].as_array().unwrap().len() as u64, app::domain::paging::MAX_PAGE.min(230));

        // The queue: those still waiting for first contact first, then those reached.
        let mut waiting_done = false;
        let mut after: Option<i64> = None;
        let mut queued = 0;
        loop {
            let mut form = vec![("size", "25".to_owned())];
            if let Some(after) = after {
                form.push(("after", after.to_string()));
            }
            let page: serde_json::Value =
                call(&coordinator, &server, "/api/referrals/list", &form).await.json().await.unwrap();
            for row in page["rows"].as_array().unwrap() {
                // The clock counts down until first contact, and stops (no days left) after it.
                let reached = row["clock"]["days_left"].is_null();
                let waiting = !reached;
                assert!(
                    !(waiting && waiting_done),
                    "{backend}: a waiting referral after a reached one: {row}"
                );
                waiting_done |= reached;
                queued += 1;
            }
            match page["next"].as_i64() {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let open = referral::Entity::find()
            .filter(referral::Column::Status.is_in([
                "submitted",
                "guide_proposed",
                "accepted",
                "first_meeting_held",
                "active",
            ]))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(queued, open, "{backend}: every open referral once");

        // A social worker cannot page from someone else's client.
        let worker = signed_in(&server, SOCIAL_WORKER).await;
        let worker_id = common::user_id(&server, SOCIAL_WORKER).await;
        let theirs = client::Entity::find()
            .filter(client::Column::ReferredBy.ne(worker_id))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let probe = call(&worker, &server, "/api/clients/list", &[("after", theirs.id.to_string())]).await;
        assert_eq!(probe.status(), 404, "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_of_a_long_list_fits_both_databases() {
    let _turn = ONE_AT_A_TIME.lock().await;
    for db in app::backend::testing::databases().await {
        let events: Vec<app::backend::audit::Event<'_>> = (0..7_000)
            .map(|n| app::backend::audit::Event {
                at: chrono::Utc::now(),
                actor: Some(1),
                action: "list_clients",
                entity: "client",
                entity_id: Some(n.to_string()),
                purpose: None,
                outcome: app::backend::audit::Outcome::Allowed,
                request_id: None,
            })
            .collect();
        app::backend::audit::record_many(&db.conn, &events).await.expect("written in batches");
        let written = app::backend::entities::audit_event::Entity::find().count(&db.conn).await.unwrap();
        assert_eq!(written, 7_000, "{}", db.backend);
    }
}
