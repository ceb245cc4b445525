//! Starts a real server on a free port against a test database, with helpers to act as a
//! browser (form posts with `Origin`, a cookie jar per person).
#![allow(dead_code)]

pub mod smtp;

use app::backend::testing::TestDb;
use clap::Parser;
use server::{Application, cli::Cli};

pub struct TestServer {
    pub url: String,
    /// The metrics address, when the server was started with `--metrics-listen`.
    pub metrics_url: Option<String>,
    pub client: reqwest::Client,
    pub db: TestDb,
    pub mail_dir: tempfile::TempDir,
}

/// The first text/plain part at any depth: a mail with a calendar file is multipart/mixed
/// around a multipart/alternative of text and HTML.
fn plain_text(part: &mailparse::ParsedMail<'_>) -> Option<String> {
    if part.ctype.mimetype == "text/plain" && part.subparts.is_empty() {
        return part.get_body().ok();
    }
    part.subparts.iter().find_map(plain_text)
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap()
}

impl TestServer {
    pub async fn start(db: TestDb) -> Self {
        Self::start_with(db, &[]).await
    }

    pub async fn start_with(db: TestDb, args: &[&str]) -> Self {
        let mail_dir = tempfile::tempdir().unwrap();
        let mail = mail_dir.path().to_str().unwrap().to_owned();
        let mut argv = vec!["server", "--listen", "127.0.0.1:0", "--mail-dir", mail.as_str()];
        argv.extend_from_slice(args);
        // A key of the test's own; the second factor is asked of admins and coordinators only
        // in the tests about it (the others sign in as the demo's people with a password).
        let key = app::backend::secret_box::SecretKey::random_hex();
        if !args.contains(&"--secret-key") {
            argv.extend(["--secret-key", key.as_str()]);
        }
        if !args.contains(&"--require-second-factor") {
            argv.extend(["--require-second-factor", "false"]);
        }
        let config = Cli::try_parse_from(argv).unwrap().config;
        let app = Application::build_with_db(&config, db.conn.clone()).await.expect("app builds");
        let url = format!("http://{}", app.local_addr());
        let metrics_url = app.metrics_addr().map(|address| format!("http://{address}"));
        tokio::spawn(app.serve());
        Self { url, metrics_url, client: browser(), db, mail_dir }
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// A form post as a browser on this site sends it (`Origin`, wants a page back).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        post_as(&self.client, self, path, form).await
    }

    /// The e-mails written so far, oldest first: (headers, plain-text body).
    pub fn mails(&self) -> Vec<Mail> {
        self.raw_mails()
            .iter()
            .map(|raw| {
                let parsed = mailparse::parse_mail(raw.as_bytes()).expect("a valid e-mail");
                let header = |name: &str| {
                    parsed
                        .headers
                        .iter()
                        .find(|h| h.get_key_ref().eq_ignore_ascii_case(name))
                        .map(|h| h.get_value())
                };
                let text = plain_text(&parsed).unwrap_or_else(|| parsed.get_body().unwrap());
                Mail {
                    to: header("To").unwrap_or_default(),
                    subject: header("Subject").unwrap_or_default(),
                    text,
                }
            })
            .collect()
    }

    /// Waits (up to ten seconds) for the outbox sender to deliver a mail that `matches`.
    pub async fn wait_for_mail(&self, matches: impl Fn(&Mail) -> bool) -> Mail {
        for _ in 0..100 {
            if let Some(mail) = self.mails().into_iter().rev().find(|m| matches(m)) {
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no such mail was sent: {:?}", self.mails())
    }

    /// The e-mails written so far, as raw text.
    pub fn raw_mails(&self) -> Vec<String> {
        let mut mails: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(self.mail_dir.path())
            .unwrap()
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let modified = entry.metadata().ok()?.modified().ok()?;
                Some((modified, std::fs::read_to_string(entry.path()).ok()?))
            })
            .collect();
        mails.sort_by_key(|(at, _)| *at);
        mails.into_iter().map(|(_, text)| text).collect()
    }

    /// A browser signed in as `email` with the demo password.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = browser();
        let response = post_as(
            &client,
            self,
            "/api/sign-in",
            &[("email", email), ("password", app::backend::demo::DEMO_PASSWORD), ("next", "/")],
        )
        .await;
        assert_eq!(response.status(), 302, "sign-in of {email}");
        assert_eq!(response.headers()["location"], "/", "sign-in of {email} succeeded");
        client
    }
}

pub async fn post_as(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    post_from(client, server, "/", path, form).await
}

/// A form post from the page at `page` (where the browser returns after a refusal).
pub async fn post_from(
    client: &reqwest::Client,
    server: &TestServer,
    page: &str,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(server.at(path))
        .header("origin", &server.url)
        .header("referer", server.at(page))
        .header("accept", "text/html")
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Calls a server function as a program would (JSON answers, HTTP status codes).
pub async fn call(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    client
        .post(server.at(path))
        .header("origin", &server.url)
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap()
}

/// A server on each test database.
pub async fn servers() -> Vec<TestServer> {
    let mut all = Vec::new();
    for db in app::backend::testing::databases().await {
        all.push(TestServer::start(db).await);
    }
    all
}

/// A server on each test database, with the demo data.
pub async fn demo_servers() -> Vec<TestServer> {
    let mut all = Vec::new();
    for db in app::backend::testing::databases().await {
        assert!(app::backend::demo::seed(&db.conn).await.unwrap());
        all.push(TestServer::start(db).await);
    }
    all
}

/// The id of the account with `email`.
pub async fn user_id(server: &TestServer, email: &str) -> i64 {
    use app::backend::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::find().filter(user::Column::Email.eq(email)).one(&server.db.conn).await.unwrap().unwrap().id
}

/// The client shown as `name`.
pub async fn client_named(server: &TestServer, name: &str) -> app::backend::entities::client::Model {
    use app::backend::entities::client;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    client::Entity::find()
        .filter(client::Column::DisplayName.eq(name))
        .one(&server.db.conn)
        .await
        .unwrap()
        .unwrap()
}

/// A service context acting as the account with `email`, now.
pub async fn ctx_of(server: &TestServer, email: &str) -> app::backend::ctx::Ctx {
    let id = user_id(server, email).await;
    let roles = app::backend::auth::roles_of(&server.db.conn, id).await.unwrap();
    app::backend::ctx::Ctx {
        db: server.db.conn.clone(),
        actor: app::domain::policy::Actor { user_id: app::domain::ids::UserId(id), roles },
        request_id: None,
        now: chrono::Utc::now(),
        mailing: app::backend::ctx::Mailing::detached(server.url.clone()),
    }
}

/// The refused fields of a 422 answer, as (field, code).
pub async fn refused(response: reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    body["Validation"]
        .as_array()
        .unwrap_or_else(|| panic!("a validation error: {body}"))
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

impl Mail {
    /// The first link in the text that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        let start = self.text.find(prefix).unwrap_or_else(|| panic!("no {prefix} link in {}", self.text));
        self.text[start..].split_whitespace().next().unwrap().to_owned()
    }
}

pub mod demo {
    pub const ADMIN: &str = "admin@rinnalla.example";
    pub const COORDINATOR: &str = "koordinaattori@rinnalla.example";
    pub const SOCIAL_WORKER: &str = "sosiaalityo@rinnalla.example";
    pub const GUIDE: &str = "ohjaaja@rinnalla.example";
    pub const GUIDE_2: &str = "ohjaaja2@rinnalla.example";
    pub const SOCIAL_WORKER_2: &str = "sosiaalityo2@rinnalla.example";
    /// A guide with no clients in the demo data.
    pub const FREE_GUIDE: &str = "ari.peltola@rinnalla.example";
}
