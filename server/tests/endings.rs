//! Ending the guidance together, on each test database: bad input writes nothing; holding it
//! closes the period, cancels what was planned and ends the guide's access; the summary for
//! the official record has AVAIN's four parts in the social worker's language and none of the
//! private notes; the social worker is told when the guide held it; a second ending is refused.

mod common;

use app::api::endings::{EndingPage, SummaryPage};
use app::backend::entities::{client, ending, goal, goal_rating, guidance_period, outbox_message, visit};
use common::{TestServer, call, client_named, demo, demo_servers, refused};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn ending_page(client: &reqwest::Client, server: &TestServer, id: i64) -> EndingPage {
    let response = call(client, server, "/api/endings/for-client", &[("client_id", id.to_string())]).await;
    assert_eq!(response.status(), 200, "{}", server.db.backend);
    response.json().await.unwrap()
}

async fn add_goal(client: &reqwest::Client, server: &TestServer, of: i64, words: &str) -> i64 {
    let form = [
        ("client_id", of.to_string()),
        ("form[words]", words.to_owned()),
        ("form[step_1]", "Ensimmäinen pieni askel".to_owned()),
        ("form[face]", "2".to_owned()),
    ];
    let response = call(client, server, "/api/goals/add", &form).await;
    assert!(response.status().is_success() || response.status().is_redirection(), "{}", response.status());
    goal::Entity::find()
        .filter(goal::Column::ClientId.eq(of))
        .filter(goal::Column::Words.eq(words))
        .one(&server.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn line(name: String, value: &str) -> (&'static str, String) {
    (Box::leak(format!("form[lines][{name}]").into_boxed_str()), value.to_owned())
}

async fn endings(server: &TestServer) -> u64 {
    ending::Entity::find().count(&server.db.conn).await.unwrap()
}

async fn open_period(server: &TestServer, of: i64) -> Option<guidance_period::Model> {
    guidance_period::Entity::find()
        .filter(guidance_period::Column::ClientId.eq(of))
        .filter(guidance_period::Column::EndedAt.is_null())
        .one(&server.db.conn)
        .await
        .unwrap()
}

const GUIDE_NOTE: &str = "Oma huomio: Matti väsyy iltapäivisin";
const SOCIAL_WORKER_NOTE: &str = "Sosiaalityön huomio: toimeentulotuki haettu";

#[tokio::test]
async fn the_ending_held_with_the_social_worker_ends_the_guidance_and_makes_the_summary() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let matti = client_named(&server, "Matti").await;
        let guide = server.signed_in(demo::GUIDE).await;
        let kitchen = add_goal(&guide, &server, matti.id, "Saan keittiön siistiksi").await;
        let shop = add_goal(&guide, &server, matti.id, "Käyn kaupassa itse").await;
        // A visit still planned, which the ending cancels.
        let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
        let planned = visit::ActiveModel {
            client_id: Set(matti.id),
            guide_id: Set(matti.guide_id.unwrap()),
            kind: Set("home_visit".into()),
            starts_at: Set(tomorrow),
            ends_at: Set(tomorrow + chrono::Duration::hours(1)),
            zone: Set("Europe/Helsinki".into()),
            place: Set("Seinäjoki".into()),
            status: Set("planned".into()),
            sequence: Set(0),
            created_at: Set(chrono::Utc::now()),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let planned = planned.insert(&server.db.conn).await.unwrap();

        let social_worker = server.signed_in(demo::SOCIAL_WORKER).await;
        let page = ending_page(&social_worker, &server, matti.id).await;
        assert!(page.may_hold, "{backend}: the referring social worker holds it with the client");
        assert!(page.held.is_none());
        let goals: Vec<i64> = page.goals.iter().map(|g| g.id.0).collect();
        assert_eq!(goals, [kitchen, shop], "{backend}: the open goals to agree on");
        assert_eq!(page.goals[0].last_face.map(|f| f.value()), Some(2));

        let form = vec![
            ("client_id", matti.id.to_string()),
            ("form[started_from]", "En käynyt ulkona ollenkaan.".to_owned()),
            ("form[now_at]", "Käyn kaupassa joka viikko.".to_owned()),
            ("form[what_helped]", "Että joku tuli mukaan.".to_owned()),
            ("form[guide_note]", GUIDE_NOTE.to_owned()),
            ("form[social_worker_note]", SOCIAL_WORKER_NOTE.to_owned()),
            line(format!("goal_{kitchen}_outcome"), "reached"),
            line(format!("goal_{kitchen}_face"), "5"),
            line(format!("goal_{shop}_outcome"), "partly_reached"),
            line(format!("goal_{shop}_face"), "4"),
            line("factor_housing".into(), "helped"),
            line("factor_money".into(), "hindered"),
            line("service_1_kind".into(), "kela"),
            line("service_1_name".into(), "Toimeentulotuki"),
            line("service_1_new".into(), "on"),
        ];

        // Bad input first: every wrong field named, nothing written, the guidance still open.
        let mut bad = form.clone();
        bad.retain(|(name, _)| !name.contains(&format!("goal_{shop}_outcome")));
        bad.push(line("service_1_kind".into(), "spa"));
        bad.retain(|(name, value)| !(name.contains("service_1_kind") && value == "kela"));
        bad.push(("form[what_helped]", "x".repeat(5000)));
        bad.retain(|(name, value)| !(*name == "form[what_helped]" && value.len() < 100));
        let errors = refused(call(&social_worker, &server, "/api/endings/hold", &bad).await).await;
        let mut fields: Vec<String> = errors.into_iter().map(|(field, _)| field).collect();
        fields.sort();
        let mut expected =
            vec![format!("goal_{shop}_outcome"), "service_1_kind".into(), "what_helped".into()];
        expected.sort();
        assert_eq!(fields, expected, "{backend}");
        assert_eq!(endings(&server).await, 0, "{backend}");
        assert!(open_period(&server, matti.id).await.is_some(), "{backend}: still open");

        let held = call(&social_worker, &server, "/api/endings/hold", &form).await;
        assert!(
            held.status().is_success() || held.status().is_redirection(),
            "{backend}: {}",
            held.text().await.unwrap()
        );

        // The guidance is closed: no open period, no guide, the planned visit cancelled.
        assert!(open_period(&server, matti.id).await.is_none(), "{backend}: the period is closed");
        let after = client::Entity::find_by_id(matti.id).one(&server.db.conn).await.unwrap().unwrap();
        assert_eq!(after.guide_id, None, "{backend}");
        let planned = visit::Entity::find_by_id(planned.id).one(&server.db.conn).await.unwrap().unwrap();
        assert_eq!(planned.status, "cancelled", "{backend}");
        let kitchen_row = goal::Entity::find_by_id(kitchen).one(&server.db.conn).await.unwrap().unwrap();
        assert_eq!(
            (kitchen_row.status.as_str(), kitchen_row.outcome.as_deref()),
            ("reached", Some("reached")),
            "{backend}"
        );
        let shop_row = goal::Entity::find_by_id(shop).one(&server.db.conn).await.unwrap().unwrap();
        assert_eq!(
            (shop_row.status.as_str(), shop_row.outcome.as_deref()),
            ("active", Some("partly_reached"))
        );
        let faces = goal_rating::Entity::find()
            .filter(goal_rating::Column::Occasion.eq("ending"))
            .filter(goal_rating::Column::GoalId.is_in([kitchen, shop]))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(faces, 2, "{backend}: each goal's face at the ending");

        // The summary, in the social worker's Finnish, with the four parts and no notes.
        let response =
            call(&social_worker, &server, "/api/endings/summary", &[("client_id", matti.id.to_string())])
                .await;
        assert_eq!(response.status(), 200, "{backend}");
        let summary: SummaryPage = response.json().await.unwrap();
        let text = summary.text;
        for part in [
            "1. Asiakkaan tavoitteet ja niiden toteutuminen",
            "2. Asiakkaan tilanteeseen vaikuttavat tekijät",
            "3. Palvelut",
            "4. Työmenetelmät",
        ] {
            assert!(text.lines().any(|l| l == part), "{backend}: no part {part:?} in\n{text}");
        }
        assert!(text.contains("Saan keittiön siistiksi"), "{backend}: {text}");
        assert!(text.contains("saavutettiin osittain"), "{backend}: {text}");
        assert!(text.contains("Että joku tuli mukaan."), "{backend}: the client's words: {text}");
        assert!(text.contains("Asuminen: auttoi"), "{backend}: {text}");
        assert!(text.contains("Kela: Toimeentulotuki (uusi yhteys ohjauksen aikana)"), "{backend}: {text}");
        for private in [GUIDE_NOTE, SOCIAL_WORKER_NOTE, "Liisa", "Elina", demo::GUIDE] {
            assert!(!text.contains(private), "{backend}: {private:?} is not for the record: {text}");
        }
        let page = ending_page(&social_worker, &server, matti.id).await;
        let held = page.held.expect("the ending held");
        assert_eq!(held.summary.as_deref(), Some(text.as_str()));
        assert_eq!(held.guide_note.as_deref(), Some(GUIDE_NOTE), "{backend}: the notes stay on the page");
        assert!(!page.may_hold, "{backend}: nothing open to end");

        // She held it herself: nobody is told.
        let told = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("summary_ready"))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(told, 0, "{backend}");

        // The guide's access ended with the guidance, on every page of the client's.
        for path in ["/api/endings/for-client", "/api/goals/for-client", "/api/endings/summary"] {
            let response = call(&guide, &server, path, &[("client_id", matti.id.to_string())]).await;
            assert_eq!(response.status(), 403, "{backend}: {path} after the ending");
        }

        // Sent again: refused, nothing more written.
        let again = call(&social_worker, &server, "/api/endings/hold", &form).await;
        assert_eq!(again.status(), 409, "{backend}");
        assert_eq!(endings(&server).await, 1, "{backend}");
    }
}

#[tokio::test]
async fn the_guide_holds_the_ending_and_the_social_worker_is_told_the_summary_waits() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let liisa = client_named(&server, "Liisa").await;
        let guide = server.signed_in(demo::GUIDE_2).await;
        let form = [
            ("client_id", liisa.id.to_string()),
            ("form[what_helped]", "Kun joku lähti mukaan.".to_owned()),
            ("form[guide_note]", GUIDE_NOTE.to_owned()),
        ];
        let held = common::post_from(
            &guide,
            &server,
            &format!("/clients/{}/ending", liisa.id),
            "/api/endings/hold",
            &form.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(held.status(), 302, "{backend}: {}", held.text().await.unwrap());
        assert_eq!(held.headers()["location"], "/today?ended=1", "{backend}: the guide no longer sees her");

        let mail = server
            .wait_for_mail(|m| m.to.contains(demo::SOCIAL_WORKER) && m.text.contains("/ending#summary"))
            .await;
        assert!(mail.link(&server.url).ends_with(&format!("/clients/{}/ending#summary", liisa.id)));
        assert!(!mail.text.contains(GUIDE_NOTE), "{backend}: the mail says only that it waits");

        let social_worker = server.signed_in(demo::SOCIAL_WORKER).await;
        let response =
            call(&social_worker, &server, "/api/endings/summary", &[("client_id", liisa.id.to_string())])
                .await;
        let summary: SummaryPage = response.json().await.unwrap();
        assert!(summary.text.contains("Kun joku lähti mukaan."), "{backend}: {}", summary.text);
        assert!(!summary.text.contains(GUIDE_NOTE), "{backend}");
    }
}

#[tokio::test]
async fn the_demo_has_one_ended_guidance_with_its_summary() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let db = &server.db.conn;
        app::backend::demo::seed_goals(db).await.unwrap();
        app::backend::demo::seed_ending(db, &server.url).await.unwrap();
        app::backend::demo::seed_ending(db, &server.url).await.unwrap();
        assert_eq!(endings(&server).await, 1, "{backend}: seeded once");
        let tarja = client_named(&server, "Tarja").await;
        assert_eq!(tarja.guide_id, None, "{backend}: her guidance ended");
        assert!(open_period(&server, tarja.id).await.is_none());
        let social_worker = server.signed_in(demo::SOCIAL_WORKER).await;
        let page = ending_page(&social_worker, &server, tarja.id).await;
        let summary = page.held.and_then(|h| h.summary).expect("the summary");
        assert!(summary.contains("Pääsen kirjastoon ja takaisin bussilla"), "{backend}: {summary}");
        assert!(summary.contains("Kyydit: 2 kertaa"), "{backend}: the rides are counted: {summary}");
        assert!(!summary.contains("lukupiirissä."), "{backend}: the guide's note stays out: {summary}");
    }
}
