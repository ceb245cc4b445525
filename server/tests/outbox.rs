//! The outbox against a real SMTP server process (aiosmtpd): delivery with the right headers
//! and language, an SMTP server that is down and comes back, STARTTLS with authentication,
//! giving up and retrying by hand, personal settings, and two senders sharing one outbox.

mod common;

use std::{sync::Arc, time::Duration as StdDuration};

use app::{
    backend::{
        accounts, emails,
        entities::{outbox_message, user},
        mail::{SmtpSecurity, SmtpSettings, SmtpTransport},
        outbox::{self, DEAD, Enqueued, Outgoing, QUEUED, SENT, Sender},
        testing,
    },
    domain::outbox::MessageKind,
};
use chrono::{Duration, Utc};
use common::smtp::SmtpSink;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

fn sender(sink: &SmtpSink) -> Sender {
    sender_with(sink, SmtpSecurity::None, None, None)
}

fn sender_with(
    sink: &SmtpSink,
    security: SmtpSecurity,
    ca: Option<Vec<u8>>,
    login: Option<(&str, &str)>,
) -> Sender {
    let settings = SmtpSettings {
        host: if security == SmtpSecurity::None { "127.0.0.1".into() } else { "localhost".into() },
        port: sink.port,
        security,
        username: login.map(|l| l.0.to_owned()),
        password: login.map(|l| l.1.to_owned()),
        timeout: StdDuration::from_secs(5),
        ca_certificate: ca,
    };
    let transport = SmtpTransport::new(&settings).unwrap();
    Sender::new(Arc::new(transport), "Rinnalla <noreply@rinnalla.example>".parse().unwrap())
}

async fn person(db: &DatabaseConnection, name: &str, email: &str, locale: &str) -> user::Model {
    let form = app::api::accounts::AccountForm {
        name: name.into(),
        email: email.into(),
        locale: locale.into(),
        roles: [("guide".to_owned(), "on".to_owned())].into(),
        ..Default::default()
    };
    accounts::create(db, &accounts::parse_form(&form).unwrap(), None, Utc::now()).await.unwrap()
}

fn invitation(account: &user::Model, key: &str) -> Outgoing {
    emails::invitation(account, "Kaisa Mäkelä", "https://rinnalla.example/invitation/abc", key.to_owned())
}

async fn count(db: &DatabaseConnection, status: &str) -> u64 {
    outbox_message::Entity::find().filter(outbox_message::Column::Status.eq(status)).count(db).await.unwrap()
}

fn header(raw: &[u8], name: &str) -> String {
    let parsed = mailparse::parse_mail(raw).unwrap();
    parsed.headers.iter().find(|h| h.get_key_ref().eq_ignore_ascii_case(name)).unwrap().get_value()
}

#[tokio::test]
async fn delivers_with_the_right_headers_in_the_recipients_language() {
    for db in testing::databases().await {
        let sink = SmtpSink::start();
        let aino = person(&db, "Aino Virtanen", "aino@kunta.example", "fi").await;
        let bror = person(&db, "Bror Ek", "bror@kommun.example", "sv").await;
        let now = Utc::now();
        assert_eq!(
            outbox::enqueue(&db.conn, invitation(&aino, "invitation:1"), now).await.unwrap(),
            Enqueued::Queued
        );
        assert_eq!(
            outbox::enqueue(&db.conn, invitation(&bror, "invitation:2"), now).await.unwrap(),
            Enqueued::Queued
        );
        // The same key again is the same message: nothing new is queued.
        assert_eq!(
            outbox::enqueue(&db.conn, invitation(&aino, "invitation:1"), now).await.unwrap(),
            Enqueued::Duplicate
        );

        let report = outbox::drain(&db.conn, &sender(&sink), Utc::now()).await.unwrap();
        assert_eq!(report.sent, 2, "{}", db.backend);
        let received = sink.received();
        assert_eq!(received.len(), 2);
        let finnish = received.iter().find(|m| header(m, "To").contains("aino@kunta.example")).unwrap();
        let swedish = received.iter().find(|m| header(m, "To").contains("bror@kommun.example")).unwrap();
        assert_eq!(header(finnish, "Subject"), "Kutsu Rinnallaan");
        assert_eq!(header(swedish, "Subject"), "Inbjudan till Rinnalla");
        assert_eq!(header(finnish, "From"), "Rinnalla <noreply@rinnalla.example>");
        assert!(header(finnish, "Message-ID").ends_with(".rinnalla@rinnalla.example>"));
        let parsed = mailparse::parse_mail(finnish).unwrap();
        assert_eq!(parsed.ctype.mimetype, "multipart/alternative");
        let kinds: Vec<_> = parsed.subparts.iter().map(|p| p.ctype.mimetype.clone()).collect();
        assert_eq!(kinds, vec!["text/plain", "text/html"]);
        let text = parsed.subparts[0].get_body().unwrap();
        assert!(
            text.contains("Hei Aino Virtanen") && text.contains("https://rinnalla.example/invitation/abc")
        );
        assert_eq!(count(&db, SENT).await, 2);

        // A second drain finds nothing to send.
        let again = outbox::drain(&db.conn, &sender(&sink), Utc::now()).await.unwrap();
        assert_eq!(again.sent, 0);
        assert_eq!(sink.received().len(), 2);
    }
}

#[tokio::test]
async fn messages_wait_while_the_smtp_server_is_down_and_all_go_once_it_is_up() {
    for db in testing::databases().await {
        let mut sink = SmtpSink::start();
        sink.down();
        let aino = person(&db, "Aino Virtanen", "aino@kunta.example", "fi").await;
        let created = Utc::now();
        for i in 0..5 {
            outbox::enqueue(&db.conn, invitation(&aino, &format!("invitation:{i}")), created).await.unwrap();
        }
        let report = outbox::drain(&db.conn, &sender(&sink), created).await.unwrap();
        assert_eq!(report.retrying, 5, "{}", db.backend);
        assert_eq!(count(&db, QUEUED).await, 5, "still queued");
        let failed = outbox_message::Entity::find().all(&db.conn).await.unwrap();
        assert!(
            failed.iter().all(|m| m.attempts == 1 && m.last_error.is_some() && m.next_attempt_at > created)
        );
        // Not due yet: nothing is tried again at once.
        assert_eq!(outbox::drain(&db.conn, &sender(&sink), created).await.unwrap(), Default::default());

        sink.up();
        let later = created + Duration::hours(1);
        let report = outbox::drain(&db.conn, &sender(&sink), later).await.unwrap();
        assert_eq!(report.sent, 5);
        let mut ids = sink.message_ids();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 5, "all delivered, none twice");
        assert_eq!(
            outbox::drain(&db.conn, &sender(&sink), later + Duration::hours(1)).await.unwrap().sent,
            0
        );
    }
}

#[tokio::test]
async fn after_a_day_of_failures_a_message_is_dead_until_retried_by_hand() {
    for db in testing::databases().await {
        let mut sink = SmtpSink::start();
        sink.down();
        let aino = person(&db, "Aino Virtanen", "aino@kunta.example", "fi").await;
        let created = Utc::now();
        outbox::enqueue(&db.conn, invitation(&aino, "invitation:dead"), created).await.unwrap();
        let mut now = created;
        let mut rounds = 0;
        while count(&db, DEAD).await == 0 {
            now += Duration::hours(3);
            outbox::drain(&db.conn, &sender(&sink), now).await.unwrap();
            rounds += 1;
            assert!(rounds < 50, "never gave up");
        }
        assert!(now - created <= Duration::hours(27), "gave up around a day after creation");
        let id = outbox_message::Entity::find().one(&db.conn).await.unwrap().unwrap().id;
        sink.up();
        assert_eq!(outbox::drain(&db.conn, &sender(&sink), now).await.unwrap().sent, 0, "dead stays dead");
        assert!(outbox::retry_dead(&db.conn, id, now).await.unwrap());
        assert_eq!(outbox::drain(&db.conn, &sender(&sink), now).await.unwrap().sent, 1);
        assert_eq!(sink.received().len(), 1);
    }
}

#[tokio::test]
async fn optional_kinds_respect_the_persons_setting_and_account_mail_is_always_sent() {
    use app::backend::entities::notification_setting;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    for db in testing::databases().await {
        let aino = person(&db, "Aino Virtanen", "aino@kunta.example", "fi").await;
        for kind in [MessageKind::VisitReminder, MessageKind::Invitation] {
            notification_setting::ActiveModel {
                user_id: Set(aino.id),
                kind: Set(kind.as_str().to_owned()),
                by_email: Set(false),
            }
            .insert(&db.conn)
            .await
            .unwrap();
        }
        let mut reminder = invitation(&aino, "reminder:1");
        reminder.kind = MessageKind::VisitReminder;
        assert_eq!(outbox::enqueue(&db.conn, reminder, Utc::now()).await.unwrap(), Enqueued::OptedOut);
        assert_eq!(
            outbox::enqueue(&db.conn, invitation(&aino, "invitation:1"), Utc::now()).await.unwrap(),
            Enqueued::Queued,
            "an invitation cannot be turned off"
        );
    }
}

#[tokio::test]
async fn starttls_with_authentication_delivers_and_a_wrong_password_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let sink = SmtpSink::start_with(Some((cert, key)), Some(("rinnalla".into(), "oikea salasana".into())));
    let ca = certified.cert.pem().into_bytes();

    let db = testing::sqlite().await;
    let aino = person(&db, "Aino Virtanen", "aino@kunta.example", "fi").await;
    outbox::enqueue(&db.conn, invitation(&aino, "invitation:tls"), Utc::now()).await.unwrap();

    let wrong = sender_with(&sink, SmtpSecurity::StartTls, Some(ca.clone()), Some(("rinnalla", "väärä")));
    let report = outbox::drain(&db.conn, &wrong, Utc::now()).await.unwrap();
    assert_eq!(report.retrying, 1);
    let untrusted = sender_with(&sink, SmtpSecurity::StartTls, None, Some(("rinnalla", "oikea salasana")));
    let report = outbox::drain(&db.conn, &untrusted, Utc::now() + Duration::hours(1)).await.unwrap();
    assert_eq!(report.retrying, 1, "an unknown certificate is refused");
    assert!(sink.received().is_empty());

    let right = sender_with(&sink, SmtpSecurity::StartTls, Some(ca), Some(("rinnalla", "oikea salasana")));
    let report = outbox::drain(&db.conn, &right, Utc::now() + Duration::hours(2)).await.unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(sink.received().len(), 1);
}

/// Two senders, each with its own connection pool, drain one outbox at the same time, as two
/// server instances would. Every message is delivered exactly once.
#[tokio::test]
async fn two_senders_on_one_outbox_deliver_each_message_once() {
    const MESSAGES: usize = 200;
    for db in testing::databases().await {
        let sink = SmtpSink::start();
        let aino = person(&db, "Aino Virtanen", "aino@kunta.example", "fi").await;
        let now = Utc::now();
        for i in 0..MESSAGES {
            outbox::enqueue(&db.conn, invitation(&aino, &format!("invitation:{i}")), now).await.unwrap();
        }
        let second_pool = db.second_pool().await;
        let mut first = sender(&sink);
        first.batch = 7;
        let mut second = sender(&sink);
        second.batch = 7;
        let run = |conn: DatabaseConnection, sender: Sender| async move {
            let mut sent = 0;
            loop {
                let report = outbox::drain(&conn, &sender, Utc::now()).await.unwrap();
                if report.sent == 0 && report.retrying == 0 {
                    break;
                }
                sent += report.sent;
            }
            sent
        };
        let (a, b) = tokio::join!(run(db.conn.clone(), first), run(second_pool, second));
        println!("{}: {MESSAGES} messages, first sender {a}, second sender {b}", db.backend);
        assert_eq!(a as usize + b as usize, MESSAGES);
        let mut ids = sink.message_ids();
        assert_eq!(ids.len(), MESSAGES, "{}: delivered", db.backend);
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), MESSAGES, "{}: none twice", db.backend);
        assert_eq!(count(&db, SENT).await as usize, MESSAGES);
    }
}
