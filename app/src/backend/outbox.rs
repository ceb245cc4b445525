//! The outbox: e-mail is written here in the same database transaction as the change that
//! causes it, so a change is never saved without its message or the other way round; a sender
//! inside the server delivers it, retrying with backoff for a day.
//!
//! Several server instances may drain one PostgreSQL outbox: a sender claims due messages with
//! `FOR UPDATE SKIP LOCKED` and a lease (`claimed_until`) that outlasts a delivery attempt, so
//! no two senders hold the same message. SQLite serialises writers, which gives the same.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use lettre::message::Mailbox;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict},
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use super::{
    entities::{notification_setting, outbox_message},
    mail::{Attachment, Mail, MailTransport, build_message},
};
use crate::domain::outbox::{DEFAULT_RETRY, MessageKind, Retry, RetryPolicy, next_attempt};

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const DEAD: &str = "dead";

/// Who a message goes to. `user_id` lets the outbox respect the person's settings.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub user_id: Option<i64>,
    pub name: String,
    pub address: String,
    pub locale: String,
}

/// A message to write to the outbox. The idempotency key names the event it tells about
/// (`invitation:<token id>`), so enqueueing it twice sends it once.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub kind: MessageKind,
    pub key: String,
    pub recipient: Recipient,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    Queued,
    /// A message with this key exists already; nothing was written.
    Duplicate,
    /// The recipient has turned this optional kind of e-mail off.
    OptedOut,
}

/// Whether `user_id` gets `kind` by e-mail (mandatory kinds always; others unless turned off).
pub async fn wants_email(db: &impl ConnectionTrait, user_id: i64, kind: MessageKind) -> Result<bool, DbErr> {
    if kind.is_mandatory() {
        return Ok(true);
    }
    let setting =
        notification_setting::Entity::find_by_id((user_id, kind.as_str().to_owned())).one(db).await?;
    Ok(setting.is_none_or(|s| s.by_email))
}

/// Writes a message to the outbox, inside the caller's transaction.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    message: Outgoing,
    now: DateTime<Utc>,
) -> Result<Enqueued, DbErr> {
    if let Some(user_id) = message.recipient.user_id
        && !wants_email(db, user_id, message.kind).await?
    {
        return Ok(Enqueued::OptedOut);
    }
    let attachments =
        serde_json::to_string(&message.attachments).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = outbox_message::ActiveModel {
        id: NotSet,
        kind: Set(message.kind.as_str().to_owned()),
        idempotency_key: Set(message.key),
        recipient_id: Set(message.recipient.user_id),
        to_name: Set(message.recipient.name),
        to_address: Set(message.recipient.address),
        locale: Set(message.recipient.locale),
        subject: Set(message.subject),
        text_body: Set(message.text),
        html_body: Set(message.html),
        attachments: Set(attachments),
        status: Set(QUEUED.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
    };
    let inserted = outbox_message::Entity::insert(row)
        .on_conflict(OnConflict::column(outbox_message::Column::IdempotencyKey).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(if inserted == 0 { Enqueued::Duplicate } else { Enqueued::Queued })
}

/// The sender's settings.
#[derive(Clone)]
pub struct Sender {
    pub transport: Arc<dyn MailTransport>,
    pub from: Mailbox,
    pub retry: RetryPolicy,
    /// How long a claim holds; longer than any delivery attempt can take.
    pub lease: Duration,
    pub batch: u64,
    /// Woken when a message is enqueued, so it goes out at once.
    pub wakeup: Waker,
}

/// Wakes the sender so that what was just queued goes out at once, not at the next poll.
#[derive(Clone, Debug, Default)]
pub struct Waker(Arc<Notify>);

impl Waker {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits until woken (or returns at once when woken since the last wait).
    pub async fn woken(&self) {
        self.0.notified().await;
    }
}

impl Sender {
    pub fn new(transport: Arc<dyn MailTransport>, from: Mailbox) -> Self {
        Self {
            transport,
            from,
            retry: DEFAULT_RETRY,
            lease: Duration::minutes(10),
            batch: 50,
            wakeup: Waker::default(),
        }
    }
}

/// What one drain did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: u32,
    pub retrying: u32,
    pub dead: u32,
}

/// Claims up to `batch` due messages for this sender.
async fn claim(
    db: &DatabaseConnection,
    sender: &Sender,
    now: DateTime<Utc>,
) -> Result<Vec<outbox_message::Model>, DbErr> {
    // On SQLite the claim takes the write lock at BEGIN, so two senders never read the same due
    // rows and then race to mark them.
    let txn = super::db::begin_write(db).await?;
    let mut due = outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.eq(QUEUED))
        .filter(outbox_message::Column::NextAttemptAt.lte(now))
        .filter(
            outbox_message::Column::ClaimedUntil.is_null().or(outbox_message::Column::ClaimedUntil.lt(now)),
        )
        .order_by_asc(outbox_message::Column::NextAttemptAt)
        .order_by_asc(outbox_message::Column::Id)
        .limit(sender.batch);
    if txn.get_database_backend() == DbBackend::Postgres {
        // Rows another sender is claiming right now are skipped, not waited for.
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = due.all(&txn).await?;
    if !rows.is_empty() {
        outbox_message::Entity::update_many()
            .col_expr(outbox_message::Column::ClaimedUntil, Expr::value(now + sender.lease))
            .filter(outbox_message::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(rows)
}

/// Hash of the idempotency key: the stable Message-ID of the message.
fn message_id(key: &str) -> String {
    let digest = format!("{:x}", Sha256::digest(key.as_bytes()));
    format!("{}.rinnalla", &digest[..32])
}

fn mail_of(row: &outbox_message::Model) -> Mail {
    Mail {
        to_name: row.to_name.clone(),
        to_address: row.to_address.clone(),
        subject: row.subject.clone(),
        text: row.text_body.clone(),
        html: row.html_body.clone(),
        attachments: serde_json::from_str(&row.attachments).unwrap_or_default(),
    }
}

/// Sends every due message once: the drain step the worker repeats, and tests call directly.
/// `now` is the clock for this round (due times, retry times, the sent time).
pub async fn drain(
    db: &DatabaseConnection,
    sender: &Sender,
    now: DateTime<Utc>,
) -> Result<DrainReport, DbErr> {
    let mut report = DrainReport::default();
    for row in claim(db, sender, now).await? {
        let result = match build_message(&sender.from, &mail_of(&row), &message_id(&row.idempotency_key)) {
            Ok(message) => sender.transport.send(message).await,
            Err(error) => Err(error),
        };
        let attempts = row.attempts + 1;
        let update = outbox_message::Entity::update_many()
            .col_expr(outbox_message::Column::Attempts, Expr::value(attempts))
            .col_expr(outbox_message::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(outbox_message::Column::Id.eq(row.id));
        match result {
            Ok(()) => {
                let update = if MessageKind::parse(&row.kind).is_some_and(MessageKind::carries_secret_link) {
                    cleared(update)
                } else {
                    update
                };
                update
                    .col_expr(outbox_message::Column::Status, Expr::value(SENT))
                    .col_expr(outbox_message::Column::SentAt, Expr::value(now))
                    .col_expr(outbox_message::Column::LastError, Expr::value(Option::<String>::None))
                    .exec(db)
                    .await?;
                tracing::info!(id = row.id, kind = %row.kind, "e-mail sent");
                report.sent += 1;
            }
            Err(error) => {
                let retry = next_attempt(sender.retry, attempts as u32, row.created_at, now, rand::random());
                let update =
                    update.col_expr(outbox_message::Column::LastError, Expr::value(error.to_string()));
                match retry {
                    Retry::At(at) => {
                        update
                            .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(at))
                            .exec(db)
                            .await?;
                        tracing::warn!(id = row.id, %error, retry_at = %at, "e-mail not sent; will retry");
                        report.retrying += 1;
                    }
                    Retry::GiveUp => {
                        update.col_expr(outbox_message::Column::Status, Expr::value(DEAD)).exec(db).await?;
                        tracing::error!(id = row.id, %error, "e-mail given up after a day of retries");
                        report.dead += 1;
                    }
                }
            }
        }
    }
    Ok(report)
}

/// What a sent message keeps once its body is cleared: who, what kind, the subject, when.
const CLEARED: &str = "";

fn cleared(
    update: sea_orm::UpdateMany<outbox_message::Entity>,
) -> sea_orm::UpdateMany<outbox_message::Entity> {
    update
        .col_expr(outbox_message::Column::TextBody, Expr::value(CLEARED))
        .col_expr(outbox_message::Column::HtmlBody, Expr::value(CLEARED))
        .col_expr(outbox_message::Column::Attachments, Expr::value("[]"))
}

/// Clears the bodies (and attachments) of messages sent more than `keep_days` ago: they may
/// name times, places and meetings, and the outbox is not a mail archive. The rows stay for
/// the outbox page (recipient, kind, subject, when) until retention deletes them.
pub async fn clear_sent_bodies(
    db: &impl ConnectionTrait,
    keep_days: u32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let before = now - Duration::days(i64::from(keep_days));
    let update = outbox_message::Entity::update_many()
        .filter(outbox_message::Column::Status.eq(SENT))
        .filter(outbox_message::Column::SentAt.lt(before))
        .filter(
            sea_orm::Condition::any()
                .add(outbox_message::Column::TextBody.ne(CLEARED))
                .add(outbox_message::Column::Attachments.ne("[]")),
        );
    Ok(cleared(update).exec(db).await?.rows_affected)
}

/// Puts a dead message back in the queue for one more try now.
pub async fn retry_dead(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let result = outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value(QUEUED))
        .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(now))
        .filter(outbox_message::Column::Id.eq(id))
        .filter(outbox_message::Column::Status.eq(DEAD))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The outbox as the admin page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

pub async fn count(db: &impl ConnectionTrait, status: &str) -> Result<u64, DbErr> {
    outbox_message::Entity::find().filter(outbox_message::Column::Status.eq(status)).count(db).await
}

/// The newest messages of a status (before the message `before`), newest first.
pub async fn latest(
    db: &impl ConnectionTrait,
    status: &str,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<OutboxRow>, DbErr> {
    let mut query = outbox_message::Entity::find().filter(outbox_message::Column::Status.eq(status));
    if let Some(before) = before {
        query = query.filter(outbox_message::Column::Id.lt(before));
    }
    Ok(query
        .order_by_desc(outbox_message::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| OutboxRow {
            id: m.id,
            kind: m.kind,
            to_address: m.to_address,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            created_at: m.created_at,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
            last_error: m.last_error,
        })
        .collect())
}
