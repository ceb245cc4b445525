//! The outbox survives a crash: the server is killed (SIGKILL) after messages were committed
//! but before they were sent; after a restart every committed message is delivered exactly
//! once. Runs the real binary against a real SMTP server process, on SQLite and PostgreSQL.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::smtp::SmtpSink;
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};

const INVITATIONS: usize = 25;

fn start(database_url: &str, sink: &SmtpSink, sender: bool, mail_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["serve", "--demo"])
        .env("DATABASE_URL", database_url)
        .env("RINNALLA_LISTEN", "127.0.0.1:0")
        .env("RINNALLA_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("RINNALLA_SMTP_HOST", "127.0.0.1")
        .env("RINNALLA_SMTP_PORT", sink.port.to_string())
        .env("RINNALLA_SMTP_SECURITY", "none")
        .env("RINNALLA_OUTBOX_SENDER", sender.to_string())
        .env("RINNALLA_OUTBOX_POLL_SECS", "1")
        .env("RINNALLA_MAIL_DIR", mail_dir)
        .env_remove("RINNALLA_PUBLIC_URL")
        .env_remove("RINNALLA_ENV")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line)
            && event["fields"]["message"] == "listening"
        {
            std::thread::spawn(move || for _ in lines {});
            let url = event["fields"]["url"].as_str().unwrap().to_owned();
            return (child, url);
        }
    }
    kill(&mut child, "KILL");
    panic!("the server did not start");
}

async fn invite_many(url: &str) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let post = |path: &str, form: Vec<(&str, String)>| {
        client
            .post(format!("{url}{path}"))
            .header("origin", url)
            .header("accept", "application/json")
            .form(&form)
            .send()
    };
    let signed_in = post(
        "/api/sign-in",
        vec![
            ("email", "koordinaattori@rinnalla.example".into()),
            ("password", app::backend::demo::DEMO_PASSWORD.into()),
        ],
    )
    .await
    .unwrap();
    assert!(signed_in.status().is_success());
    for i in 0..INVITATIONS {
        let response = post(
            "/api/accounts/invite",
            vec![
                ("form[name]", format!("Kutsuttu {i}")),
                ("form[email]", format!("kutsuttu.{i}@kunta.example")),
                ("form[phone]", String::new()),
                ("form[locale]", "fi".into()),
                ("form[roles][guide]", "on".into()),
            ],
        )
        .await
        .unwrap();
        assert!(response.status().is_success(), "invitation {i}: {}", response.status());
    }
}

fn kill(child: &mut Child, signal: &str) {
    Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
    child.wait().unwrap();
}

async fn crash_and_recover(database_url: &str, backend: &str) {
    let sink = SmtpSink::start();
    let mail_dir = tempfile::tempdir().unwrap();

    // Messages are committed, then the server dies before sending any of them.
    let (mut server, url) = start(database_url, &sink, false, mail_dir.path());
    invite_many(&url).await;
    kill(&mut server, "KILL");
    let db = Database::connect(database_url).await.unwrap();
    // Every message committed before the crash: the invitations, and any first-contact
    // escalations the demo data's waiting referrals caused.
    let committed = app::backend::entities::outbox_message::Entity::find().count(&db).await.unwrap() as usize;
    let invitations = app::backend::entities::outbox_message::Entity::find()
        .filter(app::backend::entities::outbox_message::Column::Kind.eq("invitation"))
        .count(&db)
        .await
        .unwrap() as usize;
    assert_eq!(invitations, INVITATIONS, "every invitation committed its e-mail");
    assert!(sink.received().is_empty(), "nothing was sent before the crash");

    // Restarted, the server delivers what was committed.
    let (mut server, _) = start(database_url, &sink, true, mail_dir.path());
    let deadline = Instant::now() + Duration::from_secs(60);
    while sink.received().len() < committed && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A few more polls: anything sent twice would arrive now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    kill(&mut server, "TERM");

    let ids = sink.message_ids();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    let delivered = unique.len();
    let duplicated = ids.len() - unique.len();
    let lost = committed.saturating_sub(delivered);
    println!(
        "crash test ({backend}): committed {committed}, delivered {delivered}, duplicated {duplicated}, lost {lost}"
    );
    assert_eq!(duplicated, 0, "{backend}: duplicated");
    assert_eq!(lost, 0, "{backend}: lost");
    db.close().await.ok();
}

#[tokio::test]
async fn committed_messages_survive_a_kill_and_are_delivered_exactly_once_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("crash.db").display());
    crash_and_recover(&url, "sqlite").await;
}

#[tokio::test]
async fn committed_messages_survive_a_kill_and_are_delivered_exactly_once_postgres() {
    let Some(admin_url) = app::backend::testing::postgres_url() else {
        println!("TEST_DATABASE_URL not set: PostgreSQL crash test skipped");
        return;
    };
    let name = format!("rtest_crash_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(admin_url.as_str()).await.unwrap();
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    crash_and_recover(&format!("{base}/{name}"), "postgres").await;
    admin.execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)")).await.unwrap();
}
