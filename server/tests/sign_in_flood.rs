//! Sixty wrong passwords for one account at the same moment. Alone in its own test binary:
//! the password gate is one per process, and this test fills it on purpose.

mod common;

use app::backend::entities::{audit_event, sign_in_failure};
use common::{TestServer, browser, call, demo, demo_servers, user_id};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

async fn auth_events(server: &TestServer, account: i64) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq("authentication"))
        .filter(audit_event::Column::EntityId.eq(account.to_string()))
        .order_by_asc(audit_event::Column::Id)
        .all(&server.db.conn)
        .await
        .unwrap()
}

fn count(events: &[audit_event::Model], action: &str) -> usize {
    events.iter().filter(|e| e.action == action).count()
}

/// `n` wrong passwords for `email` at the same moment: each answer's status and Retry-After.
pub async fn parallel_wrong_passwords(
    server: &TestServer,
    email: &str,
    n: usize,
) -> Vec<(u16, Option<String>)> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (url, origin, email) = (server.at("/api/sign-in"), server.url.clone(), email.to_owned());
        tasks.spawn(async move {
            let response = browser()
                .post(url)
                .header("origin", origin)
                .header("accept", "application/json")
                .form(&[("email", email.as_str()), ("password", "väärä arvaus")])
                .send()
                .await
                .unwrap();
            let wait = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
            (response.status().as_u16(), wait)
        });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn sixty_parallel_wrong_passwords_make_at_most_five_failures_and_the_rest_are_refused() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let guide = user_id(&server, demo::GUIDE).await;
        let answers = parallel_wrong_passwords(&server, demo::GUIDE, 60).await;
        let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
        let failures = statuses.iter().filter(|s| **s == 401).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!(failures, 5, "{backend}: processed as failures: {statuses:?}");
        assert_eq!(failures + refused, 60, "{backend}: every other answer is a refusal: {statuses:?}");
        // Every refusal says when to come back.
        for (_, wait) in answers.iter().filter(|(status, _)| *status == 429) {
            let wait: u64 = wait.as_deref().expect("Retry-After").parse().unwrap();
            assert!(wait >= 1, "{backend}: Retry-After {wait}");
        }
        let counted = sign_in_failure::Entity::find()
            .filter(sign_in_failure::Column::Key.eq(format!("account:{}", demo::GUIDE)))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(counted as usize, failures, "{backend}: the stored failures are the processed ones");

        // The right password now waits too, and the trail holds every attempt.
        let right = call(
            &browser(),
            &server,
            "/api/sign-in",
            &[("email", demo::GUIDE.into()), ("password", app::backend::demo::DEMO_PASSWORD.into())],
        )
        .await;
        assert_eq!(right.status(), 429, "{backend}: paused");
        let events = auth_events(&server, guide).await;
        assert_eq!(count(&events, "sign_in_failed"), failures, "{backend}");
        assert_eq!(count(&events, "sign_in_paused"), refused + 1, "{backend}");
        assert!(events.iter().all(|e| e.address.as_deref() == Some("127.0.0.1") && e.request_id.is_some()));
    }
}
