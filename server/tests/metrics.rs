//! The operators' metrics: on their own address only, requests counted by route template (never
//! an id or a made-up path), the outbox's queue and the database pool read at each scrape.

mod common;

use common::{TestServer, browser, demo, post_as};

async fn scrape(server: &TestServer) -> String {
    let url = server.metrics_url.as_ref().expect("a metrics address");
    let response = reqwest::get(format!("{url}/metrics")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    response.text().await.unwrap()
}

/// The value of the sample line that starts with `series` (name and labels, as written).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.trim().split(' ').next()?.parse().ok())
}

#[tokio::test]
async fn requests_the_outbox_and_the_pool_are_measured_on_the_metrics_address_only() {
    for db in app::backend::testing::databases().await {
        assert!(app::backend::demo::seed(&db.conn).await.unwrap());
        let server = TestServer::start_with(
            db,
            &["--metrics-listen", "127.0.0.1:0", "--outbox-sender", "false", "--housekeeping", "false"],
        )
        .await;
        let backend = server.db.backend;
        let client = browser();

        // Not on the public address.
        let public = client.get(server.at("/metrics")).send().await.unwrap();
        assert_eq!(public.status(), 404, "{backend}");

        for _ in 0..3 {
            assert_eq!(client.get(server.at("/healthz")).send().await.unwrap().status(), 200);
        }
        for id in [12_345, 67_890] {
            client.get(server.at(&format!("/clients/{id}"))).send().await.unwrap();
        }
        client.get(server.at("/no/such/page/9f2c")).send().await.unwrap();
        let text = scrape(&server).await;
        assert_eq!(
            sample(&text, r#"rinnalla_http_requests_total{method="GET",route="/healthz",status="200"}"#),
            Some(3.0),
            "{backend}:\n{text}"
        );
        // Two clients, one series: the route's template, never the id or the unknown path.
        assert!(text.contains(r#"route="/clients/{id}""#), "{backend}:\n{text}");
        assert!(!text.contains("12345") && !text.contains("67890") && !text.contains("9f2c"), "{backend}");
        assert!(text.contains(r#"route="other""#), "{backend}: unknown paths in one group");
        assert_eq!(
            sample(&text, r#"rinnalla_http_request_duration_seconds_count{method="GET",route="/healthz"}"#),
            Some(3.0),
            "{backend}"
        );
        assert!(
            sample(&text, "rinnalla_db_pool_connections").is_some_and(|n| n >= 1.0),
            "{backend}:\n{text}"
        );
        assert_eq!(sample(&text, r#"rinnalla_outbox_messages{status="queued"}"#), Some(0.0), "{backend}");
        assert_eq!(sample(&text, "rinnalla_outbox_oldest_queued_age_seconds"), Some(0.0), "{backend}");

        // A reset mail waits in the outbox (the sender is off): the queue shows it, and its age.
        let response =
            post_as(&client, &server, "/api/accounts/request-reset", &[("email", demo::SOCIAL_WORKER)]).await;
        assert_eq!(response.status(), 302, "{backend}");
        let mut queued = None;
        for _ in 0..100 {
            let text = scrape(&server).await;
            queued = sample(&text, r#"rinnalla_outbox_messages{status="queued"}"#);
            if queued == Some(1.0) {
                tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
                let text = scrape(&server).await;
                let age = sample(&text, "rinnalla_outbox_oldest_queued_age_seconds").unwrap();
                assert!(age >= 1.0, "{backend}: the waiting mail's age grows: {age}");
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(queued, Some(1.0), "{backend}: one mail waits");
    }
}
