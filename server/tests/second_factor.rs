//! The second factor, its recovery codes, one's own password and sessions, over HTTP on both
//! databases: admins and coordinators are sent to set one up and refused everything else until
//! they have; a code is asked after the password (and after a reset link), taken once, counted
//! like a password; a recovery code works once and is told by e-mail; an admin can take a lost
//! one away from someone else, never from themselves.

mod common;

use app::backend::entities::{audit_event, recovery_code, second_factor};
use chrono::{Duration, Utc};
use common::{TestServer, browser, call, demo, post_as, post_from, refused, user_id};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// A server on each database with the demo's people, asking admins and coordinators for a
/// second factor as a real installation does.
async fn strict_servers() -> Vec<TestServer> {
    let mut all = Vec::new();
    for db in app::backend::testing::databases().await {
        assert!(app::backend::demo::seed(&db.conn).await.unwrap());
        all.push(TestServer::start_with(db, &["--require-second-factor", "true"]).await);
    }
    all
}

/// Signs in with the demo password; the answer says where the browser goes next.
async fn password_step(server: &TestServer, email: &str) -> (reqwest::Client, String) {
    let client = browser();
    let response = post_as(
        &client,
        server,
        "/api/sign-in",
        &[("email", email), ("password", app::backend::demo::DEMO_PASSWORD), ("next", "/today")],
    )
    .await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    (client, location)
}

async fn status(client: &reqwest::Client, server: &TestServer) -> serde_json::Value {
    let response = call(client, server, "/api/settings/second-factor", &[]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Sets up an authenticator app for the signed-in `client` and returns its secret (as shown)
/// and the recovery codes shown once.
async fn set_up(client: &reqwest::Client, server: &TestServer) -> (String, Vec<String>) {
    assert_eq!(post_as(client, server, "/api/settings/second-factor/begin", &[]).await.status(), 302);
    let secret = status(client, server).await["setup"]["secret"].as_str().unwrap().to_owned();
    let code = app::backend::testing::app_code(&secret, Utc::now());
    let response = post_as(client, server, "/api/settings/second-factor/confirm", &[("code", &code)]).await;
    assert_eq!(response.headers()["location"], "/settings/second-factor?on=1#codes");
    let page = client
        .get(server.at("/settings/second-factor?on=1"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let codes: Vec<String> = page
        .split("<li><code>")
        .skip(1)
        .map(|rest| rest.split("</code>").next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes shown once: {page}");
    (secret, codes)
}

async fn events(server: &TestServer, account: i64, action: &str) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq("authentication"))
        .filter(audit_event::Column::EntityId.eq(account.to_string()))
        .filter(audit_event::Column::Action.eq(action))
        .count(&server.db.conn)
        .await
        .unwrap()
}

async fn code_step(client: &reqwest::Client, server: &TestServer, code: &str) -> reqwest::Response {
    call(client, server, "/api/sign-in/code", &[("code", code.into())]).await
}

#[tokio::test]
async fn a_coordinator_without_a_second_factor_sets_one_up_before_anything_else() {
    for server in strict_servers().await {
        let backend = server.db.backend;
        let coordinator = user_id(&server, demo::COORDINATOR).await;
        let (client, location) = password_step(&server, demo::COORDINATOR).await;
        assert_eq!(location, "/today", "{backend}: no factor yet, so signed in at once");

        // Every page leads to the setup; every server function but the setup's is refused.
        let page = client.get(server.at("/clients")).header("accept", "text/html").send().await.unwrap();
        assert_eq!(page.status(), 303, "{backend}");
        assert_eq!(page.headers()["location"], "/settings/second-factor");
        let list = call(&client, &server, "/api/clients/list", &[]).await;
        assert_eq!(list.status(), 403, "{backend}");
        assert_eq!(list.json::<serde_json::Value>().await.unwrap(), serde_json::json!("SecondFactorNeeded"));
        let setup_page = client
            .get(server.at("/settings/second-factor"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(setup_page.status(), 200, "{backend}");

        let (secret, _codes) = set_up(&client, &server).await;
        // The secret is sealed at rest: the row holds neither it nor its bytes in base32.
        let row = second_factor::Entity::find_by_id(coordinator).one(&server.db.conn).await.unwrap().unwrap();
        let compact: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(row.sealed_secret.starts_with("v1:") && !row.sealed_secret.contains(&compact));
        assert_eq!(
            recovery_code::Entity::find()
                .filter(recovery_code::Column::UserId.eq(coordinator))
                .count(&server.db.conn)
                .await
                .unwrap(),
            10
        );
        assert_eq!(events(&server, coordinator, "second_factor_on").await, 1, "{backend}");
        assert!(
            server
                .wait_for_mail(
                    |m| m.to.contains(demo::COORDINATOR) && m.subject.contains("tunnistautuminen otettiin")
                )
                .await
                .text
                .contains("tunnistussovelluksesta")
        );

        // Now the work opens, and the factor cannot be turned off by a coordinator.
        assert_eq!(call(&client, &server, "/api/clients/list", &[]).await.status(), 200, "{backend}");
        let off = call(
            &client,
            &server,
            "/api/settings/second-factor/off",
            &[("password", app::backend::demo::DEMO_PASSWORD.into())],
        )
        .await;
        assert_eq!(refused(off).await, [("password".to_owned(), "SecondFactorRequired".to_owned())]);
    }
}

#[tokio::test]
async fn the_code_is_asked_after_the_password_taken_once_and_wrong_ones_are_counted() {
    for server in strict_servers().await {
        let backend = server.db.backend;
        let guide = user_id(&server, demo::GUIDE).await;
        let first = server.signed_in(demo::GUIDE).await;
        let (secret, codes) = set_up(&first, &server).await;

        // The password alone now leads to the code, and gives no access meanwhile.
        let (client, location) = password_step(&server, demo::GUIDE).await;
        assert_eq!(location, "/sign-in/code", "{backend}");
        assert_eq!(call(&client, &server, "/api/visits/agenda", &[]).await.status(), 401, "{backend}");

        // A wrong code: refused in the person's language, in the trail.
        let wrong = code_step(&client, &server, "000000").await;
        assert_eq!(refused(wrong).await, [("code".to_owned(), "WrongCode".to_owned())], "{backend}");
        assert_eq!(events(&server, guide, "second_factor_failed").await, 1);
        let page =
            post_from(&client, &server, "/sign-in/code", "/api/sign-in/code", &[("code", "111111")]).await;
        assert_eq!(page.status(), 302, "a form post goes back to its page");
        let back = page.headers()["location"].to_str().unwrap().to_owned();
        assert!(back.starts_with(&server.at("/sign-in/code")), "{back}");
        let html =
            client.get(&back).header("accept", "text/html").send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Koodi ei kelpaa"), "{backend}: {html}");

        // The next step's code (the setup used this one) signs in and goes where asked.
        let next_code = app::backend::testing::app_code(&secret, Utc::now() + Duration::seconds(30));
        let ok = post_as(&client, &server, "/api/sign-in/code", &[("code", &next_code)]).await;
        assert_eq!(ok.headers()["location"], "/today", "{backend}");
        assert_eq!(call(&client, &server, "/api/visits/agenda", &[]).await.status(), 200, "{backend}");

        // The same code again, in another sign-in: refused, it was taken.
        let (other, _) = password_step(&server, demo::GUIDE).await;
        assert_eq!(code_step(&other, &server, &next_code).await.status(), 422, "{backend}: no replay");

        // A recovery code works once, with a mail saying so.
        let (third, _) = password_step(&server, demo::GUIDE).await;
        let recovery = codes[3].to_uppercase();
        assert_eq!(
            post_as(&third, &server, "/api/sign-in/code", &[("code", &recovery)]).await.headers()["location"],
            "/today"
        );
        assert_eq!(events(&server, guide, "recovery_code_used").await, 1, "{backend}");
        let mail =
            server.wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.subject.contains("varakoodilla")).await;
        assert!(mail.text.contains("jäljellä 9"), "{}", mail.text);
        let (fourth, _) = password_step(&server, demo::GUIDE).await;
        assert_eq!(code_step(&fourth, &server, &codes[3]).await.status(), 422, "{backend}: used up");

        // Five wrong codes in a row pause the account's codes.
        let (fifth, _) = password_step(&server, demo::GUIDE).await;
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(code_step(&fifth, &server, "123456").await.status().as_u16());
        }
        assert_eq!(statuses.last(), Some(&429), "{backend}: {statuses:?}");
    }
}

#[tokio::test]
async fn a_reset_link_does_not_skip_the_second_factor() {
    for server in strict_servers().await {
        let backend = server.db.backend;
        let client = server.signed_in(demo::SOCIAL_WORKER).await;
        set_up(&client, &server).await;
        let asker = browser();
        post_as(&asker, &server, "/api/accounts/request-reset", &[("email", demo::SOCIAL_WORKER)]).await;
        let mail = server
            .wait_for_mail(|m| m.to.contains(demo::SOCIAL_WORKER) && m.text.contains("/password-reset/"))
            .await;
        let token =
            mail.link(&format!("{}/password-reset/", server.url)).rsplit('/').next().unwrap().to_owned();
        let new = "kolme karhua ja kaksi kettua";
        let response = post_as(
            &asker,
            &server,
            "/api/accounts/set-password",
            &[("token", &token), ("purpose", "password_reset"), ("password", new), ("password_again", new)],
        )
        .await;
        assert_eq!(response.headers()["location"], "/sign-in/code", "{backend}");
        assert_eq!(call(&asker, &server, "/api/referrals/list", &[]).await.status(), 401, "{backend}");
    }
}

#[tokio::test]
async fn an_admin_takes_away_a_lost_factor_from_someone_else_never_their_own() {
    for server in strict_servers().await {
        let backend = server.db.backend;
        let guide = user_id(&server, demo::GUIDE).await;
        let guides_phone = server.signed_in(demo::GUIDE).await;
        set_up(&guides_phone, &server).await;

        let (admin, _) = password_step(&server, demo::ADMIN).await;
        set_up(&admin, &server).await;
        let admin_id = user_id(&server, demo::ADMIN).await;
        let own =
            call(&admin, &server, "/api/accounts/reset-second-factor", &[("id", admin_id.to_string())]).await;
        assert_eq!(own.status(), 403, "{backend}: never one's own");

        let coordinator = {
            let (client, _) = password_step(&server, demo::COORDINATOR).await;
            set_up(&client, &server).await;
            client
        };
        let by_coordinator =
            call(&coordinator, &server, "/api/accounts/reset-second-factor", &[("id", guide.to_string())])
                .await;
        assert_eq!(by_coordinator.status(), 403, "{backend}: admins only");

        let reset =
            post_as(&admin, &server, "/api/accounts/reset-second-factor", &[("id", &guide.to_string())])
                .await;
        assert_eq!(reset.headers()["location"], format!("/admin/users/{guide}?second_factor_reset=1"));
        assert!(second_factor::Entity::find_by_id(guide).one(&server.db.conn).await.unwrap().is_none());
        assert_eq!(
            call(&guides_phone, &server, "/api/visits/agenda", &[]).await.status(),
            401,
            "{backend}: signed out"
        );
        assert_eq!(events(&server, guide, "second_factor_reset").await, 1);
        server
            .wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.subject.contains("uudelleen käyttöön"))
            .await;
        let (_, location) = password_step(&server, demo::GUIDE).await;
        assert_eq!(location, "/today", "{backend}: the password alone again, until a new app is set up");
    }
}

#[tokio::test]
async fn a_password_is_changed_with_the_current_one_and_other_sessions_end() {
    for server in strict_servers().await {
        let backend = server.db.backend;
        let guide = user_id(&server, demo::GUIDE).await;
        let phone = server.signed_in(demo::GUIDE).await;
        let laptop = server.signed_in(demo::GUIDE).await;
        let new = "kolme karhua ja kaksi kettua";

        let wrong = call(
            &laptop,
            &server,
            "/api/settings/password",
            &[("current_password", "väärä".into()), ("password", new.into()), ("password_again", new.into())],
        )
        .await;
        assert_eq!(refused(wrong).await, [("current_password".to_owned(), "WrongPassword".to_owned())]);
        assert_eq!(events(&server, guide, "password_change_refused").await, 1, "{backend}");
        let weak = call(
            &laptop,
            &server,
            "/api/settings/password",
            &[
                ("current_password", app::backend::demo::DEMO_PASSWORD.into()),
                ("password", "salasana".into()),
                ("password_again", "salasana2".into()),
            ],
        )
        .await;
        let fields = refused(weak).await;
        assert!(fields.contains(&("password_again".to_owned(), "PasswordsDiffer".to_owned())), "{fields:?}");

        let changed = post_as(
            &laptop,
            &server,
            "/api/settings/password",
            &[
                ("current_password", app::backend::demo::DEMO_PASSWORD),
                ("password", new),
                ("password_again", new),
            ],
        )
        .await;
        assert_eq!(changed.headers()["location"], "/settings?password_changed=1#password", "{backend}");
        assert_eq!(
            call(&laptop, &server, "/api/visits/agenda", &[]).await.status(),
            200,
            "{backend}: this one goes on"
        );
        assert_eq!(
            call(&phone, &server, "/api/visits/agenda", &[]).await.status(),
            401,
            "{backend}: others end"
        );
        assert_eq!(events(&server, guide, "password_changed").await, 1);
        server
            .wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.subject.contains("salasanasi vaihdettiin"))
            .await;
        let old = call(
            &browser(),
            &server,
            "/api/sign-in",
            &[("email", demo::GUIDE.into()), ("password", app::backend::demo::DEMO_PASSWORD.into())],
        )
        .await;
        assert_eq!(old.status(), 401, "{backend}");
    }
}

#[tokio::test]
async fn a_person_sees_their_sessions_and_ends_one_but_nobody_elses() {
    for server in strict_servers().await {
        let backend = server.db.backend;
        let guide = user_id(&server, demo::GUIDE).await;
        let phone = server.signed_in(demo::GUIDE).await;
        let laptop = server.signed_in(demo::GUIDE).await;
        let other = server.signed_in(demo::GUIDE_2).await;

        let rows: Vec<serde_json::Value> =
            call(&laptop, &server, "/api/settings/sessions", &[]).await.json().await.unwrap();
        assert_eq!(rows.len(), 2, "{backend}: {rows:?}");
        assert_eq!(rows.iter().filter(|r| r["this_one"] == true).count(), 1);
        let phone_handle =
            rows.iter().find(|r| r["this_one"] == false).unwrap()["handle"].as_str().unwrap().to_owned();
        assert!(rows.iter().all(|r| r["address"] == "127.0.0.1"), "{rows:?}");

        // Someone else cannot end it, whatever they type.
        let theirs =
            call(&other, &server, "/api/settings/sessions/end", &[("handle", phone_handle.clone())]).await;
        assert_eq!(theirs.status(), 404, "{backend}");
        assert_eq!(call(&phone, &server, "/api/visits/agenda", &[]).await.status(), 200);

        let ended =
            post_as(&laptop, &server, "/api/settings/sessions/end", &[("handle", &phone_handle)]).await;
        assert_eq!(ended.headers()["location"], "/settings?session_ended=1#sessions", "{backend}");
        assert_eq!(call(&phone, &server, "/api/visits/agenda", &[]).await.status(), 401, "{backend}");
        assert_eq!(call(&laptop, &server, "/api/visits/agenda", &[]).await.status(), 200, "{backend}");
        assert_eq!(events(&server, guide, "session_ended").await, 1);
        let newest = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("session_ended"))
            .order_by_desc(audit_event::Column::Id)
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(newest.actor_id, Some(guide));
    }
}
