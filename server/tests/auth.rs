//! Signing in and out, sessions, rate limits, and the links that set a password.

mod common;

use common::{TestServer, browser, call, demo, demo_servers, post_as, post_from};
use sea_orm::EntityTrait;

async fn page(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = client.get(server.at(path)).header("accept", "text/html").send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("rinnalla_session="))
        .map(str::to_owned)
}

#[tokio::test]
async fn each_role_signs_in_and_gets_its_own_navigation() {
    for server in demo_servers().await {
        for (email, has, lacks) in [
            (demo::ADMIN, vec!["Henkilöstö", "Lokitiedot"], vec!["/clients\""]),
            (demo::COORDINATOR, vec!["Asiakkaat", "Henkilöstö"], vec!["Lokitiedot"]),
            (demo::SOCIAL_WORKER, vec!["Asiakkaat"], vec!["Henkilöstö", "Lokitiedot"]),
            (demo::GUIDE, vec!["Asiakkaat"], vec!["Henkilöstö", "Lokitiedot"]),
        ] {
            let client = server.signed_in(email).await;
            let (status, html) = page(&client, &server, "/").await;
            assert_eq!(status, 200);
            assert!(html.contains("Kirjaudu ulos"), "{email} sees the sign-out button");
            for word in has {
                assert!(html.contains(word), "{} {email}: menu has {word}", server.db.backend);
            }
            for word in lacks {
                assert!(!html.contains(word), "{} {email}: menu lacks {word}", server.db.backend);
            }
        }
    }
}

#[tokio::test]
async fn a_wrong_password_gets_one_answer_for_every_kind_of_wrong() {
    for server in demo_servers().await {
        for (email, password) in
            [(demo::GUIDE, "wrong password"), ("nobody@rinnalla.example", app::backend::demo::DEMO_PASSWORD)]
        {
            let client = browser();
            let response = post_from(
                &client,
                &server,
                "/sign-in",
                "/api/sign-in",
                &[("email", email), ("password", password)],
            )
            .await;
            assert_eq!(response.status(), 302);
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            assert!(location.contains("__err="), "{location}");
            let (_, html) = page(&client, &server, &location.replace(&server.url, "")).await;
            assert!(html.contains("Sähköposti tai salasana on väärin."), "{}", server.db.backend);
            // The typed address is kept for the form, the password never.
            assert!(html.contains(&format!("value=\"{email}\"")), "the e-mail is kept");
        }
    }
}

#[tokio::test]
async fn repeated_failures_pause_the_account_with_a_message_in_the_users_language() {
    for server in demo_servers().await {
        let client = browser();
        post_as(&client, &server, "/api/language", &[("language", "sv"), ("next", "/sign-in")]).await;
        for _ in 0..5 {
            post_from(
                &client,
                &server,
                "/sign-in",
                "/api/sign-in",
                &[("email", demo::GUIDE), ("password", "nope")],
            )
            .await;
        }
        // Even the right password waits now.
        let response = post_from(
            &client,
            &server,
            "/sign-in",
            "/api/sign-in",
            &[("email", demo::GUIDE), ("password", app::backend::demo::DEMO_PASSWORD)],
        )
        .await;
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let (_, html) = page(&client, &server, &location.replace(&server.url, "")).await;
        assert!(html.contains("För många försök. Försök igen om 15 minuter."), "{}", server.db.backend);

        // Another account from another address is not paused.
        let json = call(
            &browser(),
            &server,
            "/api/sign-in",
            &[("email", demo::COORDINATOR.into()), ("password", app::backend::demo::DEMO_PASSWORD.into())],
        )
        .await;
        assert!(json.status().is_success(), "{}", json.status());
    }
}

#[tokio::test]
async fn sign_in_starts_a_new_session_id_and_sign_out_ends_it() {
    for server in demo_servers().await {
        let client = browser();
        // A refused attempt gives the browser an anonymous session (it keeps the typed e-mail).
        let refused =
            post_as(&client, &server, "/api/sign-in", &[("email", demo::GUIDE), ("password", "x")]).await;
        let before = session_cookie(&refused).expect("an anonymous session");
        let signed = post_as(
            &client,
            &server,
            "/api/sign-in",
            &[("email", demo::GUIDE), ("password", app::backend::demo::DEMO_PASSWORD)],
        )
        .await;
        let after = session_cookie(&signed).expect("a session cookie at sign-in");
        assert_ne!(before.split(';').next(), after.split(';').next(), "the session id changes at sign-in");
        assert!(
            after.contains("HttpOnly") && after.contains("SameSite=Lax") && after.contains("Path=/"),
            "{after}"
        );

        let (status, _) = page(&client, &server, "/clients").await;
        assert_eq!(status, 200);
        let out = post_as(&client, &server, "/api/sign-out", &[]).await;
        assert_eq!(out.headers()["location"], "/sign-in?signed_out=1");
        let response = client.get(server.at("/clients")).header("accept", "text/html").send().await.unwrap();
        assert_eq!(response.status(), 302, "signed out: the page sends to sign-in");
        assert_eq!(response.headers()["location"], "/sign-in?next=/clients");
        let signed_in = app::backend::entities::session::Entity::find()
            .all(&server.db.conn)
            .await
            .unwrap()
            .into_iter()
            .filter(|s| s.user_id.is_some())
            .count();
        assert_eq!(signed_in, 0, "{}: no signed-in session remains", server.db.backend);
    }
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_bound_and_secure() {
    let db = app::backend::testing::sqlite().await;
    app::backend::demo::seed(&db.conn).await.unwrap();
    let server = TestServer::start_with(db, &["--public-url", "https://rinnalla.example.fi"]).await;
    let response = call(
        &browser(),
        &server,
        "/api/sign-in",
        &[("email", demo::GUIDE.into()), ("password", app::backend::demo::DEMO_PASSWORD.into())],
    )
    .await;
    let cookie = session_cookie(&response).expect("session cookie");
    assert!(cookie.starts_with("__Host-rinnalla_session="), "{cookie}");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn deactivating_an_account_ends_its_sessions_at_once() {
    for server in demo_servers().await {
        let guide = server.signed_in(demo::GUIDE).await;
        assert_eq!(page(&guide, &server, "/clients").await.0, 200);
        let admin = server.signed_in(demo::ADMIN).await;
        let guide_id = app::backend::entities::user::Entity::find()
            .all(&server.db.conn)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.email == demo::GUIDE)
            .unwrap()
            .id;
        let response = post_as(
            &admin,
            &server,
            "/api/accounts/set-active",
            &[("id", &guide_id.to_string()), ("active", "false")],
        )
        .await;
        assert_eq!(response.status(), 302);
        let after = guide.get(server.at("/clients")).header("accept", "text/html").send().await.unwrap();
        assert_eq!(after.status(), 302, "{}: the guide is signed out", server.db.backend);
        let again = call(
            &browser(),
            &server,
            "/api/sign-in",
            &[("email", demo::GUIDE.into()), ("password", app::backend::demo::DEMO_PASSWORD.into())],
        )
        .await;
        assert_eq!(again.status(), 401, "a deactivated account cannot sign in");
    }
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_lifetime_whatever_its_activity() {
    for server in demo_servers().await {
        let guide = server.signed_in(demo::GUIDE).await;
        assert_eq!(page(&guide, &server, "/clients").await.0, 200);
        // Move the sign-in 13 hours back, as if the session had been kept alive all day.
        let sessions = app::backend::entities::session::Entity::find().all(&server.db.conn).await.unwrap();
        for session in sessions.into_iter().filter(|s| s.user_id.is_some()) {
            let mut data: serde_json::Value = serde_json::from_str(&session.data).unwrap();
            let signed_in_at = data["signed_in"]["signed_in_at"].as_i64().unwrap();
            data["signed_in"]["signed_in_at"] = (signed_in_at - 13 * 3600).into();
            let mut row: app::backend::entities::session::ActiveModel = session.into();
            row.data = sea_orm::ActiveValue::Set(data.to_string());
            sea_orm::ActiveModelTrait::update(row, &server.db.conn).await.unwrap();
        }
        let response = guide.get(server.at("/clients")).header("accept", "text/html").send().await.unwrap();
        assert_eq!(response.status(), 302, "{}: signed out after 12 hours", server.db.backend);
    }
}

#[tokio::test]
async fn an_invited_person_sets_a_password_once_and_is_signed_in() {
    for server in demo_servers().await {
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let response = post_as(
            &coordinator,
            &server,
            "/api/accounts/invite",
            &[
                ("form[name]", "Ville Vieras"),
                ("form[email]", "Ville.Vieras@Kunta.fi"),
                ("form[phone]", "040 777 1234"),
                ("form[locale]", "sv"),
                ("form[roles][guide]", "on"),
                ("form[languages][sv]", "on"),
            ],
        )
        .await;
        assert_eq!(response.status(), 302);
        let location = response.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/admin/users/") && location.ends_with("?invited=1"), "{location}");

        let mail = server.wait_for_mail(|m| m.subject == "Inbjudan till Rinnalla").await;
        assert_eq!(mail.to, "\"Ville Vieras\" <Ville.Vieras@Kunta.fi>");
        assert_eq!(mail.subject, "Inbjudan till Rinnalla", "in the invitee's language");
        assert!(mail.text.contains("Kaisa Mäkelä har bjudit in dig"), "{}", mail.text);
        let link = mail.link(&format!("{}/invitation/", server.url));
        let path = link.replace(&server.url, "");
        let token = path.trim_start_matches("/invitation/").to_owned();

        let invitee = browser();
        let (status, html) = page(&invitee, &server, &path).await;
        assert_eq!(status, 200);
        assert!(html.contains("Ville Vieras"), "the page names the account");

        let weak = post_as(
            &invitee,
            &server,
            "/api/accounts/set-password",
            &[
                ("token", &token),
                ("purpose", "invitation"),
                ("password", "salasana1"),
                ("password_again", "salasana1"),
            ],
        )
        .await;
        assert!(
            weak.headers()["location"].to_str().unwrap().contains("__err="),
            "a weak password is refused"
        );

        let strong = "punainen tupa ja perunamaa";
        let set = post_as(
            &invitee,
            &server,
            "/api/accounts/set-password",
            &[("token", &token), ("purpose", "invitation"), ("password", strong), ("password_again", strong)],
        )
        .await;
        assert_eq!(set.headers()["location"], "/?welcome=1", "{}", server.db.backend);
        let (_, home) = page(&invitee, &server, "/").await;
        assert!(home.contains("Ville Vieras"), "signed in after setting the password");

        // The link works once.
        let (_, dead) = page(&browser(), &server, &path).await;
        assert!(dead.contains("Linkki ei ole enää voimassa"));
        // And the address signs in whatever its capitals.
        let json = call(
            &browser(),
            &server,
            "/api/sign-in",
            &[("email", "ville.vieras@kunta.fi".into()), ("password", strong.into())],
        )
        .await;
        assert!(json.status().is_success());
    }
}

#[tokio::test]
async fn a_password_reset_link_changes_the_password_and_ends_other_sessions() {
    for server in demo_servers().await {
        let old_session = server.signed_in(demo::GUIDE).await;
        let asker = browser();
        let response =
            post_as(&asker, &server, "/api/accounts/request-reset", &[("email", "OHJAAJA@rinnalla.example")])
                .await;
        assert_eq!(response.headers()["location"], "/password-reset?sent=1");
        // An unknown address gets the same answer and no mail.
        let unknown =
            post_as(&browser(), &server, "/api/accounts/request-reset", &[("email", "nobody@x.fi")]).await;
        assert_eq!(unknown.headers()["location"], "/password-reset?sent=1");
        let queued =
            app::backend::entities::outbox_message::Entity::find().all(&server.db.conn).await.unwrap();
        assert!(queued.iter().all(|m| m.to_address != "nobody@x.fi"));

        let mail = server.wait_for_mail(|m| m.subject == "Salasanan vaihto Rinnallassa").await;
        let link = mail.link(&format!("{}/password-reset/", server.url));
        let token = link.rsplit('/').next().unwrap().to_owned();
        let new = "vihreä omena ja sininen järvi";
        let set = post_as(
            &asker,
            &server,
            "/api/accounts/set-password",
            &[("token", &token), ("purpose", "password_reset"), ("password", new), ("password_again", new)],
        )
        .await;
        assert_eq!(set.headers()["location"], "/?welcome=1");
        let stale =
            old_session.get(server.at("/clients")).header("accept", "text/html").send().await.unwrap();
        assert_eq!(stale.status(), 302, "{}: the other session ended", server.db.backend);
        let old_password = call(
            &browser(),
            &server,
            "/api/sign-in",
            &[("email", demo::GUIDE.into()), ("password", app::backend::demo::DEMO_PASSWORD.into())],
        )
        .await;
        assert_eq!(old_password.status(), 401);
    }
}
