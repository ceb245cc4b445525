//! The outbox as admins see it: counts, the dead, the waiting and the latest sent; and retrying
//! a dead message by hand.

use super::{
    audit::entity,
    ctx::Ctx,
    outbox::{self, DEAD, OutboxRow, QUEUED, SENT},
};
use crate::backend::error::stored;
use crate::{
    domain::policy::{Action, Resource},
    dto::{
        AppError,
        outbox::{OutboxMessageRow, OutboxSummary},
    },
};

const SHOWN: u64 = 50;

fn row(m: OutboxRow) -> Result<OutboxMessageRow, AppError> {
    Ok(OutboxMessageRow {
        id: m.id,
        kind: stored(&m.kind)?,
        to_address: m.to_address,
        attempts: m.attempts,
        created_at: m.created_at.to_rfc3339(),
        next_attempt_at: m.next_attempt_at.to_rfc3339(),
        sent_at: m.sent_at.map(|at| at.to_rfc3339()),
        last_error: m.last_error,
    })
}

/// `transport` says where the sender delivers (the server's configuration). The dead and the
/// waiting are few; the sent are many and come a page at a time, before the message
/// `sent_before`.
pub async fn overview(
    ctx: &Ctx,
    transport: String,
    sent_before: Option<i64>,
) -> Result<OutboxSummary, AppError> {
    ctx.authorize(Action::ViewOutbox, &Resource::Nothing, entity::OUTBOX, None).await?;
    let db = &ctx.db;
    let rows = |status| async move {
        outbox::latest(db, status, None, SHOWN)
            .await?
            .into_iter()
            .map(row)
            .collect::<Result<Vec<_>, AppError>>()
    };
    let sent = outbox::latest(db, SENT, sent_before, SHOWN + 1).await?;
    let (sent, more) = crate::domain::paging::split(sent, SHOWN);
    let sent_next = if more { sent.last().map(|m| m.id) } else { None };
    Ok(OutboxSummary {
        sent_next,
        transport,
        queued: outbox::count(db, QUEUED).await?,
        sent: outbox::count(db, SENT).await?,
        dead: outbox::count(db, DEAD).await?,
        dead_rows: rows(DEAD).await?,
        queued_rows: rows(QUEUED).await?,
        sent_rows: sent.into_iter().map(row).collect::<Result<Vec<_>, AppError>>()?,
    })
}

pub async fn retry(ctx: &Ctx, id: i64) -> Result<(), AppError> {
    ctx.authorize(Action::RetryOutboxMessage, &Resource::Nothing, entity::OUTBOX, Some(id.to_string()))
        .await?;
    if !outbox::retry_dead(&ctx.db, id, ctx.now).await? {
        return Err(AppError::Conflict);
    }
    ctx.mailing.requeued();
    ctx.audit_allowed(Action::RetryOutboxMessage, entity::OUTBOX, Some(id.to_string())).await?;
    Ok(())
}
