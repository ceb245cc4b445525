//! The e-mail outbox, for admins.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessageRow {
    pub id: i64,
    pub kind: String,
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
}

#[server(endpoint = "outbox/list")]
pub async fn outbox_overview() -> Result<OutboxSummary, AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::outbox_admin::overview(&ctx).await
        }
        .await,
    )
}

#[server(endpoint = "outbox/retry")]
pub async fn retry_outbox_message(id: i64) -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::outbox_admin::retry(&ctx, id).await?;
            leptos_axum::redirect("/admin/outbox?retried=1");
            Ok(())
        }
        .await,
    )
}
