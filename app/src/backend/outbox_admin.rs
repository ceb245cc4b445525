//! The outbox as admins see it: counts, the dead, the waiting and the latest sent; and retrying
//! a dead message by hand.

use super::{
    audit::entity,
    ctx::Ctx,
    outbox::{self, DEAD, OutboxRow, QUEUED, SENT},
    request,
};
use crate::{
    api::{
        AppError,
        outbox::{OutboxMessageRow, OutboxSummary},
    },
    domain::policy::{Action, Resource},
};

const SHOWN: u64 = 50;

fn row(m: OutboxRow) -> OutboxMessageRow {
    OutboxMessageRow {
        id: m.id,
        kind: m.kind,
        to_address: m.to_address,
        attempts: m.attempts,
        created_at: m.created_at.to_rfc3339(),
        next_attempt_at: m.next_attempt_at.to_rfc3339(),
        sent_at: m.sent_at.map(|at| at.to_rfc3339()),
        last_error: m.last_error,
    }
}

pub async fn overview(ctx: &Ctx) -> Result<OutboxSummary, AppError> {
    ctx.authorize(Action::ViewOutbox, &Resource::Nothing, entity::OUTBOX, None).await?;
    let db = &ctx.db;
    let rows = |status| async move {
        outbox::latest(db, status, SHOWN).await.map(|rows| rows.into_iter().map(row).collect::<Vec<_>>())
    };
    Ok(OutboxSummary {
        transport: request::state()?.outbox.transport.describe(),
        queued: outbox::count(db, QUEUED).await.map_err(AppError::internal)?,
        sent: outbox::count(db, SENT).await.map_err(AppError::internal)?,
        dead: outbox::count(db, DEAD).await.map_err(AppError::internal)?,
        dead_rows: rows(DEAD).await.map_err(AppError::internal)?,
        queued_rows: rows(QUEUED).await.map_err(AppError::internal)?,
        sent_rows: rows(SENT).await.map_err(AppError::internal)?,
    })
}

pub async fn retry(ctx: &Ctx, id: i64) -> Result<(), AppError> {
    ctx.authorize(Action::RetryOutboxMessage, &Resource::Nothing, entity::OUTBOX, Some(id.to_string()))
        .await?;
    if !outbox::retry_dead(&ctx.db, id, ctx.now).await.map_err(AppError::internal)? {
        return Err(AppError::Conflict);
    }
    ctx.audit_allowed(Action::RetryOutboxMessage, entity::OUTBOX, Some(id.to_string())).await?;
    request::state()?.outbox.wakeup.notify_one();
    Ok(())
}
