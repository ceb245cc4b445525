//! Every HTML page says whose it is (`x-rinnalla-person`), so the offline agenda's service
//! worker (public/sw.js) keeps one person's copy and drops it when the session ends or someone
//! else signs in on the same phone.

mod common;

use app::backend::{auth::person_key, demo::DEMO_PASSWORD};
use common::{TestServer, browser, post_as};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const GUIDE: &str = "ohjaaja@rinnalla.example";
const OTHER_GUIDE: &str = "merja.hautala@rinnalla.example";

async fn person_on(client: &reqwest::Client, server: &TestServer, path: &str) -> Option<String> {
    let response = client.get(server.at(path)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    response.headers().get("x-rinnalla-person").map(|v| v.to_str().unwrap().to_owned())
}

async fn user_id(server: &TestServer, email: &str) -> i64 {
    use app::backend::entities::user;
    user::Entity::find().filter(user::Column::Email.eq(email)).one(&server.db.conn).await.unwrap().unwrap().id
}

#[tokio::test]
async fn every_page_names_its_person_and_nobody_when_signed_out() {
    let db = app::backend::testing::sqlite().await;
    assert!(app::backend::demo::seed(&db.conn).await.unwrap());
    let server = TestServer::start(db).await;

    let anonymous = browser();
    assert_eq!(person_on(&anonymous, &server, "/").await.as_deref(), Some(""), "nobody signed in");
    assert_eq!(person_on(&anonymous, &server, "/sign-in").await.as_deref(), Some(""));

    let guide = server.signed_in(GUIDE).await;
    let key = person_key(user_id(&server, GUIDE).await);
    for path in ["/", "/today", "/week", "/sign-in", "/no/such/page"] {
        let response = guide.get(server.at(path)).header("accept", "text/html").send().await.unwrap();
        assert_eq!(response.headers()["x-rinnalla-person"], key.as_str(), "{path}");
    }
    // Opaque: neither the account id nor anything of the session.
    assert_ne!(key, user_id(&server, GUIDE).await.to_string());
    assert_eq!(key.len(), 32);

    let other = server.signed_in(OTHER_GUIDE).await;
    let other_key = person_on(&other, &server, "/today").await.unwrap();
    assert_eq!(other_key, person_key(user_id(&server, OTHER_GUIDE).await));
    assert_ne!(other_key, key, "people differ");

    // Answers that are not pages say nothing: the sign-in redirect, a server function's data.
    let fresh = browser();
    let sign_in =
        post_as(&fresh, &server, "/api/sign-in", &[("email", GUIDE), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(sign_in.status(), 302);
    assert!(sign_in.headers().get("x-rinnalla-person").is_none());
    let redirect = anonymous.get(server.at("/today")).header("accept", "text/html").send().await.unwrap();
    assert!(redirect.status().is_redirection(), "{}", redirect.status());
    assert!(redirect.headers().get("x-rinnalla-person").is_none_or(|v| v.is_empty()));
}
