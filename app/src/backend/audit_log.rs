//! Reading the audit trail (admins). Reading it is itself recorded.

use super::{
    audit::{self, Entry, Filter, entity},
    ctx::Ctx,
};
use crate::{
    domain::{
        ids::ClientId,
        policy::{Action, Resource},
        time::{HELSINKI, parse_date, start_of_day},
    },
    dto::{
        AppError,
        audit::{AuditPage, AuditQuery, AuditRow},
    },
};

fn row(entry: Entry) -> AuditRow {
    AuditRow {
        at: entry.at.to_rfc3339(),
        actor_name: entry.actor_name,
        actor_id: entry.actor_id,
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entity_id,
        outcome: entry.outcome,
        address: entry.address,
    }
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

pub fn filter_from(query: &AuditQuery) -> Filter {
    Filter {
        actor: query.actor.trim().parse().ok(),
        entity: non_empty(&query.entity),
        entity_id: non_empty(&query.entity_id),
        action: non_empty(&query.action),
        from: parse_date(&query.from).map(|d| start_of_day(d, HELSINKI)),
        // "Until" includes the whole day.
        until: parse_date(&query.until).and_then(|d| d.succ_opt()).map(|d| start_of_day(d, HELSINKI)),
        denied_only: !query.denied_only.is_empty(),
    }
}

pub async fn list(ctx: &Ctx, query: &AuditQuery) -> Result<AuditPage, AppError> {
    ctx.authorize(Action::ReadAuditLog, &Resource::Nothing, entity::AUDIT_LOG, None).await?;
    ctx.audit_allowed(Action::ReadAuditLog, entity::AUDIT_LOG, None).await?;
    let before = query.before.trim().parse().ok();
    let (entries, next) = audit::list(&ctx.db, &filter_from(query), before).await?;
    Ok(AuditPage { rows: entries.into_iter().map(row).collect(), next })
}

pub async fn client_report(ctx: &Ctx, client: ClientId, before: Option<i64>) -> Result<AuditPage, AppError> {
    ctx.authorize(
        Action::ReadClientAuditReport,
        &Resource::Nothing,
        entity::AUDIT_LOG,
        Some(client.to_string()),
    )
    .await?;
    ctx.audit_allowed(Action::ReadClientAuditReport, entity::AUDIT_LOG, Some(client.to_string())).await?;
    let filter = Filter {
        entity: Some(entity::CLIENT.to_owned()),
        entity_id: Some(client.to_string()),
        ..Filter::default()
    };
    let (entries, next) = audit::list(&ctx.db, &filter, before).await?;
    Ok(AuditPage { rows: entries.into_iter().map(row).collect(), next })
}
