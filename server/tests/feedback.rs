//! Feedback right after a visit, on each test database: the guide's hand-over screen, answers
//! counted anonymously (only month, kind of visit and team), once per visit; parallel answers
//! all counted; bad input refused with nothing counted; the coordinator's count of this
//! month's answers moves, and nobody else reads the results.

mod common;

use app::{
    api::feedback::{FeedbackResults, FeedbackScreen},
    backend::entities::{feedback_tally, visit},
};
use chrono::{Duration, Utc};
use common::{TestServer, call, client_named, demo, demo_servers, refused};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

/// A home visit of Matti's with his guide that began half an hour ago.
async fn visit_now(server: &TestServer) -> i64 {
    let matti = client_named(server, "Matti").await;
    let now = Utc::now();
    visit::ActiveModel {
        client_id: Set(matti.id),
        guide_id: Set(matti.guide_id.unwrap()),
        kind: Set("home_visit".into()),
        starts_at: Set(now - Duration::minutes(30)),
        ends_at: Set(now + Duration::minutes(30)),
        zone: Set("Europe/Helsinki".into()),
        place: Set("Seinäjoki".into()),
        status: Set("planned".into()),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&server.db.conn)
    .await
    .unwrap()
    .id
}

async fn counted(server: &TestServer) -> i64 {
    feedback_tally::Entity::find()
        .filter(feedback_tally::Column::Question.eq("got_help"))
        .all(&server.db.conn)
        .await
        .unwrap()
        .iter()
        .map(|t| i64::from(t.answers))
        .sum()
}

async fn results(client: &reqwest::Client, server: &TestServer) -> FeedbackResults {
    let response = call(client, server, "/api/feedback/results", &[]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn answers(visit: i64, talked: &str, help: &str, go_on: &str) -> Vec<(&'static str, String)> {
    vec![
        ("visit", visit.to_string()),
        ("answers[talked_about_what_matters]", talked.to_owned()),
        ("answers[got_help]", help.to_owned()),
        ("answers[would_continue]", go_on.to_owned()),
        ("answers[lang]", "sv".to_owned()),
    ]
}

#[tokio::test]
async fn answers_are_counted_once_and_anonymously_and_the_coordinator_sees_the_count() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let guide = server.signed_in(demo::GUIDE).await;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let before = results(&coordinator, &server).await.answered_this_month;
        let visit = visit_now(&server).await;

        let screen = call(&guide, &server, "/api/feedback/screen", &[("visit", visit.to_string())]).await;
        assert_eq!(screen.status(), 200, "{backend}");
        let screen: FeedbackScreen = screen.json().await.unwrap();
        assert!(screen.open && !screen.already_given, "{backend}: {screen:?}");

        // Bad input: nothing answered, or a face that does not exist; nothing counted.
        let empty = call(&guide, &server, "/api/feedback/give", &answers(visit, "", "", "")).await;
        assert_eq!(refused(empty).await, [("talked_about_what_matters".to_owned(), "Required".to_owned())]);
        let odd = call(&guide, &server, "/api/feedback/give", &answers(visit, "happy", "grin", "")).await;
        assert_eq!(refused(odd).await, [("got_help".to_owned(), "UnknownChoice".to_owned())]);
        assert_eq!(counted(&server).await, 0, "{backend}");

        let given =
            call(&guide, &server, "/api/feedback/give", &answers(visit, "happy", "neutral", "")).await;
        assert!(given.status().is_success(), "{backend}: {}", given.status());
        let rows = feedback_tally::Entity::find().all(&server.db.conn).await.unwrap();
        let mut seen: Vec<(String, i16, i32)> =
            rows.iter().map(|t| (t.question.clone(), t.face, t.answers)).collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("got_help".into(), 2, 1),
                ("talked_about_what_matters".into(), 3, 1),
                ("would_continue".into(), 0, 1)
            ],
            "{backend}: one count per question, an unanswered one too"
        );
        assert!(rows.iter().all(|t| t.visit_kind == "home_visit" && t.month.len() == 7), "{backend}");
        let row = visit::Entity::find_by_id(visit).one(&server.db.conn).await.unwrap().unwrap();
        assert!(row.feedback_given, "{backend}");

        // Once per visit: a second sending counts nothing.
        let again = call(&guide, &server, "/api/feedback/give", &answers(visit, "sad", "sad", "sad")).await;
        assert_eq!(again.status(), 409, "{backend}");
        assert_eq!(counted(&server).await, 1, "{backend}");

        // Ten clients answering at once on ten visits are all counted.
        let mut visits = Vec::new();
        for _ in 0..10 {
            visits.push(visit_now(&server).await);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for visit in visits {
            let (guide, url) = (guide.clone(), server.url.clone());
            tasks.spawn(async move {
                guide
                    .post(format!("{url}/api/feedback/give"))
                    .header("origin", &url)
                    .header("accept", "application/json")
                    .form(&answers(visit, "happy", "happy", "happy"))
                    .send()
                    .await
                    .unwrap()
                    .status()
            });
        }
        while let Some(status) = tasks.join_next().await {
            assert!(status.unwrap().is_success(), "{backend}");
        }
        assert_eq!(counted(&server).await, 11, "{backend}");

        let now = results(&coordinator, &server).await;
        assert_eq!(now.answered_this_month, before + 11, "{backend}");
        assert!(now.groups.iter().all(|g| g.month < now.this_month), "{backend}: this month's answers wait");
        let refused = call(&guide, &server, "/api/feedback/results", &[]).await;
        assert_eq!(refused.status(), 403, "{backend}");
    }
}
