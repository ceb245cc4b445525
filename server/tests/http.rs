//! The HTTP surface of a running server: health, security headers, 404s, and the rules for
//! state-changing requests.

mod common;

use common::{TestServer, demo, servers};

#[tokio::test]
async fn healthz_checks_the_database() {
    for server in servers().await {
        let response = server.client.get(server.at("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{}", server.db.backend);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["database"], "ok");
    }
}

#[tokio::test]
async fn healthz_reports_an_unreachable_database() {
    let server = TestServer::start(app::backend::testing::sqlite().await).await;
    server.db.conn.clone().close().await.unwrap();
    let response = server.client.get(server.at("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_fresh_script_nonce() {
    let server = TestServer::start(app::backend::testing::sqlite().await).await;
    let response = server.client.get(server.at("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers.contains_key("x-request-id"));

    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP")
        .to_owned();
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the nonce");

    let second = server.client.get(server.at("/")).send().await.unwrap();
    let second_csp = second.headers()["content-security-policy"].to_str().unwrap();
    assert!(!second_csp.contains(&nonce), "every response gets a new nonce");
}

#[tokio::test]
async fn an_unknown_page_is_a_404_page() {
    let server = TestServer::start(app::backend::testing::sqlite().await).await;
    let response = server.client.get(server.at("/no/such/page")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Sivua ei löytynyt"));
}

#[tokio::test]
async fn the_language_form_sets_a_lasting_cookie_and_returns_to_the_page() {
    let server = TestServer::start(app::backend::testing::sqlite().await).await;
    let response = server.post_form("/api/language", &[("language", "sv"), ("next", "/somewhere?x=1")]).await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/somewhere?x=1");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("i18n_pref_locale=sv;"), "{cookie}");
    assert!(cookie.contains("Max-Age=31536000") && cookie.contains("Path=/"), "{cookie}");

    let html = server.client.get(server.at("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("lang=\"sv\""), "the next page is in Swedish");
    assert!(html.contains("Välkommen till Rinnalla"));
}

#[tokio::test]
async fn the_language_form_never_redirects_to_another_site() {
    let server = TestServer::start(app::backend::testing::sqlite().await).await;
    let response =
        server.post_form("/api/language", &[("language", "en"), ("next", "//evil.example/")]).await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/");
}

#[tokio::test]
async fn an_unknown_language_is_refused_without_setting_a_cookie() {
    let server = TestServer::start(app::backend::testing::sqlite().await).await;
    let response = server.post_form("/api/language", &[("language", "de"), ("next", "/")]).await;
    assert!(response.headers().get("set-cookie").is_none());
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.contains("__err="), "the error travels back to the page: {location}");
}

#[tokio::test]
async fn a_cross_origin_post_is_refused() {
    let server = TestServer::start(app::backend::testing::sqlite().await).await;
    let response = server
        .client
        .post(server.at("/api/language"))
        .header("origin", "https://evil.example")
        .form(&[("language", "sv"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("set-cookie").is_none());

    let without_origin = server
        .client
        .post(server.at("/api/language"))
        .form(&[("language", "sv"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(without_origin.status(), 403);
}

#[tokio::test]
async fn state_changing_server_functions_do_not_answer_get() {
    let server = TestServer::start(app::backend::testing::sqlite().await).await;
    let response = server.client.get(server.at("/api/language?language=sv&next=/")).send().await.unwrap();
    assert!(response.headers().get("set-cookie").is_none());
    assert_eq!(response.status(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_server_starting_in_the_process_never_holds_up_a_page() {
    // A server's start works out the app's routes, which stops resources loading in the whole
    // process meanwhile; a page rendered by another server at that moment used to wait for ever.
    let db = app::backend::testing::sqlite().await;
    assert!(app::backend::demo::seed(&db.conn).await.unwrap());
    let server = TestServer::start(db).await;
    let coordinator = server.signed_in(demo::COORDINATOR).await;
    let starting = tokio::spawn(async {
        for _ in 0..8 {
            drop(TestServer::start(app::backend::testing::sqlite().await).await);
        }
    });
    while !starting.is_finished() {
        let page = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            coordinator.get(server.at("/clients")).header("accept", "text/html").send(),
        )
        .await
        .expect("the page answers while other servers start")
        .unwrap();
        assert_eq!(page.status(), 200);
        page.text().await.unwrap();
    }
    starting.await.unwrap();
}
