//! The e-mail outbox, for admins.

use serde::{Deserialize, Serialize};

use crate::domain::outbox::MessageKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessageRow {
    pub id: i64,
    pub kind: MessageKind,
    pub to_address: String,
    pub attempts: i32,
    /// RFC 3339 instants, shown in Helsinki time.
    pub created_at: String,
    pub next_attempt_at: String,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxSummary {
    pub transport: String,
    pub queued: u64,
    pub sent: u64,
    pub dead: u64,
    pub dead_rows: Vec<OutboxMessageRow>,
    pub queued_rows: Vec<OutboxMessageRow>,
    pub sent_rows: Vec<OutboxMessageRow>,
    /// The next page of sent messages starts before this one, if there are more.
    pub sent_next: Option<i64>,
}
