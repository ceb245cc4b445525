//! Accounts that hold up: a sign-in throttle that counts before it checks, reset links that
//! cannot flood an inbox, separation of duties on roles and e-mail addresses, sign-ins in the
//! audit trail with their address, and a payroll export no spreadsheet runs.

mod common;

use app::backend::entities::{audit_event, outbox_message, sign_in_failure, user};
use common::{TestServer, browser, call, demo, demo_servers, post_as, user_id};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// Authentication events about `account` (or about nobody), oldest first.
async fn auth_events(server: &TestServer, account: Option<i64>) -> Vec<audit_event::Model> {
    let query = audit_event::Entity::find().filter(audit_event::Column::Entity.eq("authentication"));
    let query = match account {
        Some(id) => query.filter(audit_event::Column::EntityId.eq(id.to_string())),
        None => query.filter(audit_event::Column::EntityId.is_null()),
    };
    query.order_by_asc(audit_event::Column::Id).all(&server.db.conn).await.unwrap()
}

fn count(events: &[audit_event::Model], action: &str) -> usize {
    events.iter().filter(|e| e.action == action).count()
}

async fn wrong_password(server: &TestServer, email: &str) -> reqwest::Response {
    call(&browser(), server, "/api/sign-in", &[("email", email.into()), ("password", "väärä arvaus".into())])
        .await
}

#[tokio::test]
async fn a_success_forgives_the_account_and_an_unknown_address_is_counted_the_same() {
    for server in demo_servers().await {
        for _ in 0..4 {
            assert_eq!(wrong_password(&server, demo::COORDINATOR).await.status(), 401);
        }
        let _ = server.signed_in(demo::COORDINATOR).await;
        // Forgiven: five more wrong ones are failures again before the pause.
        for _ in 0..5 {
            assert_eq!(wrong_password(&server, demo::COORDINATOR).await.status(), 401);
        }
        assert_eq!(wrong_password(&server, demo::COORDINATOR).await.status(), 429);
        // Nobody has this address, and it is paused after the same five.
        for _ in 0..5 {
            assert_eq!(wrong_password(&server, "ei.ketaan@rinnalla.example").await.status(), 401);
        }
        assert_eq!(wrong_password(&server, "ei.ketaan@rinnalla.example").await.status(), 429);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_address_is_what_the_proxy_saw_not_what_the_client_claims() {
    for db in app::backend::testing::databases().await {
        assert!(app::backend::demo::seed(&db.conn).await.unwrap());
        let server = TestServer::start_with(db, &["--trusted-proxies", "1"]).await;
        let guide = user_id(&server, demo::GUIDE).await;
        for claimed in 0..3 {
            let response = browser()
                .post(server.at("/api/sign-in"))
                .header("origin", &server.url)
                .header("accept", "application/json")
                // The client wrote the first entry itself; our proxy appended the second.
                .header("x-forwarded-for", format!("10.9.9.{claimed}, 203.0.113.7"))
                .form(&[("email", demo::GUIDE), ("password", "väärä")])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401);
        }
        let events = auth_events(&server, Some(guide)).await;
        assert_eq!(events.len(), 3);
        assert!(events.iter().all(|e| e.address.as_deref() == Some("203.0.113.7")), "{events:?}");
        let per_address = sign_in_failure::Entity::find()
            .filter(sign_in_failure::Column::Key.eq("address:203.0.113.7"))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(per_address, 3, "{}: one address, whatever the client claimed", server.db.backend);
    }
}

#[tokio::test]
async fn sign_in_and_sign_out_are_in_the_trail_and_admins_filter_for_them() {
    for server in demo_servers().await {
        let guide = user_id(&server, demo::GUIDE).await;
        let client = server.signed_in(demo::GUIDE).await;
        assert_eq!(post_as(&client, &server, "/api/sign-out", &[]).await.status(), 302);
        let events = auth_events(&server, Some(guide)).await;
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["sign_in", "sign_out"], "{}", server.db.backend);
        assert!(
            events.iter().all(|e| e.actor_id == Some(guide) && e.address.as_deref() == Some("127.0.0.1"))
        );

        let admin = server.signed_in(demo::ADMIN).await;
        let html = admin
            .get(server.at("/admin/audit?entity=authentication"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("sign_out") && html.contains("127.0.0.1"), "{html}");
        assert!(!html.contains("list_accounts"), "only authentication events are listed");
    }
}

async fn reset_mails(server: &TestServer, to: &str) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("password_reset"))
        .filter(outbox_message::Column::ToAddress.eq(to))
        .all(&server.db.conn)
        .await
        .unwrap()
}

/// Waits (up to ten seconds) until `n` reset mails to `to` are queued, then a moment more
/// for any that should not come.
async fn settled_reset_mails(server: &TestServer, to: &str, n: usize) -> Vec<outbox_message::Model> {
    for _ in 0..100 {
        if reset_mails(server, to).await.len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    reset_mails(server, to).await
}

#[tokio::test]
async fn ten_reset_requests_queue_three_mails_and_the_first_link_still_works() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let asker = browser();
        for _ in 0..10 {
            let response =
                post_as(&asker, &server, "/api/accounts/request-reset", &[("email", demo::SOCIAL_WORKER)])
                    .await;
            assert_eq!(
                response.headers()["location"],
                "/password-reset?sent=1",
                "{backend}: the same answer"
            );
        }
        let queued = settled_reset_mails(&server, demo::SOCIAL_WORKER, 3).await;
        assert_eq!(queued.len(), 3, "{backend}: at most three mails an hour to one account");
        let social_worker = user_id(&server, demo::SOCIAL_WORKER).await;
        let events = auth_events(&server, Some(social_worker)).await;
        assert_eq!(count(&events, "password_reset_requested"), 3, "{backend}");
        assert_eq!(count(&events, "password_reset_refused"), 7, "{backend}");

        // The address has asked ten times within the hour: the next ask, for anyone, waits.
        let more =
            call(&asker, &server, "/api/accounts/request-reset", &[("email", demo::GUIDE.into())]).await;
        assert_eq!(more.status(), 429, "{backend}");

        // The first link works although two more were sent after it; then the others die.
        let mails = {
            for _ in 0..100 {
                if server.mails().iter().filter(|m| m.to.contains(demo::SOCIAL_WORKER)).count() >= 3 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            server.mails().into_iter().filter(|m| m.to.contains(demo::SOCIAL_WORKER)).collect::<Vec<_>>()
        };
        assert_eq!(mails.len(), 3, "{backend}");
        let tokens: Vec<String> = mails
            .iter()
            .map(|m| {
                m.link(&format!("{}/password-reset/", server.url)).rsplit('/').next().unwrap().to_owned()
            })
            .collect();
        let new = "kolme karhua ja kaksi kettua";
        let set = |token: String| {
            let asker = asker.clone();
            let server = &server;
            async move {
                post_as(
                    &asker,
                    server,
                    "/api/accounts/set-password",
                    &[
                        ("token", &token),
                        ("purpose", "password_reset"),
                        ("password", new),
                        ("password_again", new),
                    ],
                )
                .await
            }
        };
        assert_eq!(set(tokens[0].clone()).await.headers()["location"], "/?welcome=1", "{backend}");
        for later in &tokens[1..] {
            let response = call(
                &browser(),
                &server,
                "/api/accounts/set-password",
                &[
                    ("token", later.clone()),
                    ("purpose", "password_reset".into()),
                    ("password", new.into()),
                    ("password_again", new.into()),
                ],
            )
            .await;
            assert_eq!(response.status(), 404, "{backend}: a used link voids the others");
        }
        let events = auth_events(&server, Some(social_worker)).await;
        assert_eq!(count(&events, "password_set"), 1, "{backend}");
    }
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_is_counted_the_same() {
    for server in demo_servers().await {
        for _ in 0..4 {
            let response =
                post_as(&browser(), &server, "/api/accounts/request-reset", &[("email", "ei.ketaan@x.fi")])
                    .await;
            assert_eq!(response.headers()["location"], "/password-reset?sent=1");
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(reset_mails(&server, "ei.ketaan@x.fi").await.is_empty());
        let events = auth_events(&server, None).await;
        assert_eq!(count(&events, "password_reset_requested"), 3, "{}", server.db.backend);
        assert_eq!(count(&events, "password_reset_refused"), 1, "{}", server.db.backend);
    }
}

fn account_form(name: &str, email: &str, roles: &[&str]) -> Vec<(String, String)> {
    let mut form = vec![
        ("form[name]".to_owned(), name.to_owned()),
        ("form[email]".to_owned(), email.to_owned()),
        ("form[phone]".to_owned(), String::new()),
        ("form[locale]".to_owned(), "fi".to_owned()),
        ("form[languages][fi]".to_owned(), "on".to_owned()),
    ];
    form.extend(roles.iter().map(|role| (format!("form[roles][{role}]"), "on".to_owned())));
    form
}

async fn update(
    client: &reqwest::Client,
    server: &TestServer,
    id: i64,
    form: Vec<(String, String)>,
) -> reqwest::Response {
    let mut form: Vec<(&str, String)> = form.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let id = id.to_string();
    form.push(("id", id));
    call(client, server, "/api/accounts/update", &form).await
}

#[tokio::test]
async fn nobody_changes_their_own_roles() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let admin_id = user_id(&server, demo::ADMIN).await;
        let admin_account = user::Entity::find_by_id(admin_id).one(&server.db.conn).await.unwrap().unwrap();
        let admin = server.signed_in(demo::ADMIN).await;
        // Giving oneself client access is refused and recorded.
        let response = update(
            &admin,
            &server,
            admin_id,
            account_form(&admin_account.name, demo::ADMIN, &["admin", "coordinator"]),
        )
        .await;
        assert_eq!(response.status(), 403, "{backend}");
        let roles = app::backend::auth::roles_of(&server.db.conn, admin_id).await.unwrap();
        assert!(!roles.has(app::domain::roles::Role::Coordinator), "{backend}: nothing changed");
        let denied = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("change_roles"))
            .filter(audit_event::Column::Outcome.eq("denied"))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(denied, 1, "{backend}");
        // The same form without a change of roles saves (one's own name, phone, languages).
        let response =
            update(&admin, &server, admin_id, account_form("Pää Käyttäjä", demo::ADMIN, &["admin"])).await;
        assert!(response.status().is_success() || response.status().is_redirection(), "{backend}");
    }
}

#[tokio::test]
async fn a_new_address_tells_the_old_one_ends_sessions_and_voids_links_and_roles_are_told() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let guide_id = user_id(&server, demo::GUIDE).await;
        let guide_account = user::Entity::find_by_id(guide_id).one(&server.db.conn).await.unwrap().unwrap();
        let guide = server.signed_in(demo::GUIDE).await;
        post_as(&browser(), &server, "/api/accounts/request-reset", &[("email", demo::GUIDE)]).await;
        settled_reset_mails(&server, demo::GUIDE, 1).await;
        let reset =
            server.wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.subject.contains("Salasanan")).await;
        let token =
            reset.link(&format!("{}/password-reset/", server.url)).rsplit('/').next().unwrap().to_owned();

        let admin = server.signed_in(demo::ADMIN).await;
        let new_address = "uusi.osoite@rinnalla.example";
        let response = update(
            &admin,
            &server,
            guide_id,
            account_form(&guide_account.name, new_address, &["guide", "social_worker"]),
        )
        .await;
        assert!(
            response.status().is_redirection() || response.status().is_success(),
            "{backend}: {}",
            response.status()
        );

        // The old address hears of it, the person hears of their roles at the new one.
        let told = server
            .wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.subject.contains("sähköpostiosoite"))
            .await;
        assert!(told.text.contains(new_address), "{backend}: {}", told.text);
        let roles =
            server.wait_for_mail(|m| m.to.contains(new_address) && m.subject.contains("roolit")).await;
        assert!(
            roles.text.contains("Sosiaalityöntekijä") && roles.text.contains("Kokemusohjaaja"),
            "{}",
            roles.text
        );

        // Their session ended, and the link sent before no longer works.
        let after = guide.get(server.at("/clients")).header("accept", "text/html").send().await.unwrap();
        assert_eq!(after.status(), 302, "{backend}: signed out");
        let new = "kolme karhua ja kaksi kettua";
        let stale = call(
            &browser(),
            &server,
            "/api/accounts/set-password",
            &[
                ("token", token),
                ("purpose", "password_reset".into()),
                ("password", new.into()),
                ("password_again", new.into()),
            ],
        )
        .await;
        assert_eq!(stale.status(), 404, "{backend}: the old link is void");

        let admin_id = user_id(&server, demo::ADMIN).await;
        let events = auth_events(&server, Some(guide_id)).await;
        for action in ["email_changed", "roles_changed"] {
            let event = events.iter().find(|e| e.action == action).unwrap_or_else(|| panic!("{action}"));
            assert_eq!(event.actor_id, Some(admin_id), "{backend}: {action} by the admin");
        }
    }
}

#[tokio::test]
async fn a_name_that_is_a_formula_reaches_the_payroll_csv_as_text() {
    for server in demo_servers().await {
        let guide_id = user_id(&server, demo::GUIDE).await;
        let mut row: user::ActiveModel =
            user::Entity::find_by_id(guide_id).one(&server.db.conn).await.unwrap().unwrap().into();
        row.name = sea_orm::Set("=HYPERLINK(\"http://x.example\";\"Palkka\")".to_owned());
        sea_orm::ActiveModelTrait::update(row, &server.db.conn).await.unwrap();
        let month = chrono::Utc::now().with_timezone(&app::domain::time::HELSINKI).format("%Y-%m");
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let csv = coordinator
            .get(server.at(&format!("/payroll/{month}.csv")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://x.example\"\";\"\"Palkka\"\")\""), "{csv}");
        assert!(!csv.lines().any(|line| line.starts_with('=') || line.starts_with("\"=")), "{csv}");
    }
}

#[tokio::test]
async fn a_sent_link_is_not_kept_and_old_sent_mail_loses_its_text() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        post_as(&browser(), &server, "/api/accounts/request-reset", &[("email", demo::GUIDE)]).await;
        let mail =
            server.wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.subject.contains("Salasanan")).await;
        let link = mail.link(&format!("{}/password-reset/", server.url));
        // Sent: the row keeps who, what and when, never the link.
        let mut row = None;
        for _ in 0..100 {
            row = reset_mails(&server, demo::GUIDE).await.into_iter().find(|m| m.status == "sent");
            if row.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let row = row.expect("the reset mail is marked sent");
        assert!(row.text_body.is_empty() && row.html_body.is_empty(), "{backend}: {row:?}");
        let secret = link.rsplit('/').next().unwrap();
        let anywhere = outbox_message::Entity::find().all(&server.db.conn).await.unwrap();
        assert!(anywhere.iter().all(|m| !m.text_body.contains(secret) && !m.html_body.contains(secret)));

        // Other mail keeps its text for the days set, then only the row stays.
        let admin = server.signed_in(demo::ADMIN).await;
        let coordinator_id = user_id(&server, demo::SOCIAL_WORKER_2).await;
        let account = user::Entity::find_by_id(coordinator_id).one(&server.db.conn).await.unwrap().unwrap();
        let response = update(
            &admin,
            &server,
            coordinator_id,
            account_form(&account.name, &account.email, &["social_worker", "guide"]),
        )
        .await;
        assert!(response.status().is_success() || response.status().is_redirection(), "{backend}");
        for _ in 0..100 {
            let queued = outbox_message::Entity::find()
                .filter(outbox_message::Column::Status.eq("queued"))
                .count(&server.db.conn);
            if queued.await.unwrap() == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let with_text = || async {
            outbox_message::Entity::find()
                .filter(outbox_message::Column::Status.eq("sent"))
                .filter(outbox_message::Column::TextBody.ne(""))
                .count(&server.db.conn)
                .await
                .unwrap()
        };
        let before = with_text().await;
        assert!(before > 0, "{backend}: the demo's mails were sent");
        let now = chrono::Utc::now();
        let db = &server.db.conn;
        assert_eq!(
            app::backend::outbox::clear_sent_bodies(db, 30, now + chrono::Duration::days(29)).await.unwrap(),
            0
        );
        let cleared =
            app::backend::outbox::clear_sent_bodies(db, 30, now + chrono::Duration::days(31)).await.unwrap();
        assert_eq!(cleared, before, "{backend}");
        assert_eq!(with_text().await, 0, "{backend}");
    }
}

#[tokio::test]
async fn a_calendar_link_works_for_its_chosen_period_and_ends_at_a_reset_and_a_deactivation() {
    use app::backend::visits;
    for server in demo_servers().await {
        let backend = server.db.backend;
        let ctx = common::ctx_of(&server, demo::GUIDE).await;
        assert!(visits::new_feed(&ctx, 45).await.is_err(), "{backend}: only the offered periods");
        let link = visits::new_feed(&ctx, 30).await.unwrap();
        let secret = link.rsplit('/').next().unwrap().trim_end_matches(".ics").to_owned();
        let feed_at = |days: i64| {
            let (db, secret, url) = (server.db.conn.clone(), secret.clone(), server.url.clone());
            async move { visits::feed(&db, &secret, &url, ctx_now() + chrono::Duration::days(days)).await }
        };
        assert!(feed_at(29).await.is_ok(), "{backend}: within its 30 days");
        assert_eq!(feed_at(31).await.err(), Some(app::dto::AppError::NotFound), "{backend}: expired");
        let until = visits::feed_status(&ctx).await.unwrap().expect("a live link");
        assert!((until - ctx.now - chrono::Duration::days(30)).num_seconds().abs() < 5, "{backend}: {until}");

        // A password reset ends it.
        post_as(&browser(), &server, "/api/accounts/request-reset", &[("email", demo::GUIDE)]).await;
        let mail =
            server.wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.subject.contains("Salasanan")).await;
        let token =
            mail.link(&format!("{}/password-reset/", server.url)).rsplit('/').next().unwrap().to_owned();
        let new = "kolme karhua ja kaksi kettua";
        let set = post_as(
            &browser(),
            &server,
            "/api/accounts/set-password",
            &[("token", &token), ("purpose", "password_reset"), ("password", new), ("password_again", new)],
        )
        .await;
        assert_eq!(set.headers()["location"], "/?welcome=1");
        assert_eq!(
            feed_at(0).await.err(),
            Some(app::dto::AppError::NotFound),
            "{backend}: ended at the reset"
        );

        // So does a deactivation.
        let link = visits::new_feed(&common::ctx_of(&server, demo::GUIDE).await, 365).await.unwrap();
        let path = link.strip_prefix(&server.url).unwrap().to_owned();
        assert_eq!(reqwest::get(server.at(&path)).await.unwrap().status(), 200);
        let admin = server.signed_in(demo::ADMIN).await;
        let guide_id = user_id(&server, demo::GUIDE).await;
        let off = post_as(
            &admin,
            &server,
            "/api/accounts/set-active",
            &[("id", &guide_id.to_string()), ("active", "false")],
        )
        .await;
        assert_eq!(off.status(), 302);
        let reactivate = post_as(
            &admin,
            &server,
            "/api/accounts/set-active",
            &[("id", &guide_id.to_string()), ("active", "true")],
        )
        .await;
        assert_eq!(reactivate.status(), 302);
        assert_eq!(
            reqwest::get(server.at(&path)).await.unwrap().status(),
            404,
            "{backend}: ended at the deactivation"
        );
    }
}

fn ctx_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
