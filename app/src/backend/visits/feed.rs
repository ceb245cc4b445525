//! The calendar feed: a secret link per person that their own calendar subscribes to, showing
//! the visits they take part in, each client only by initials. The link is stored as its
//! SHA-256 only; a new one revokes the old. Also the calendar entry of a visit, which the
//! invitation and cancellation e-mails carry too.

use crate::backend::db::begin_write;
use crate::backend::error::stored;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use super::{actors, clients_of, resource};
use crate::{
    backend::{
        audit,
        calendar::{self, Entry, Method},
        ctx::Ctx,
        emails,
        entities::{calendar_feed, visit},
        tokens,
    },
    domain::{
        calendar::{host_of, initials, link_period},
        policy::{Action, Resource, can},
        visits::VisitStatus,
    },
    dto::AppError,
};

/// The feed link is one's own setting.
async fn authorize_own_feed(ctx: &Ctx) -> Result<(), AppError> {
    let own = Resource::Account { roles: ctx.actor.roles.clone(), is_self: true };
    ctx.authorize(Action::ManageOwnSettings, &own, audit::entity::ACCOUNT, Some(ctx.actor_id().to_string()))
        .await
}

/// How long a link made before links had a period works: the longest period.
const UNDATED_LINK_WORKS: Duration = Duration::days(365);

/// A live link: not revoked, not expired.
fn live(now: DateTime<Utc>) -> Condition {
    Condition::all().add(calendar_feed::Column::RevokedAt.is_null()).add(
        Condition::any().add(calendar_feed::Column::ExpiresAt.gt(now)).add(
            Condition::all()
                .add(calendar_feed::Column::ExpiresAt.is_null())
                .add(calendar_feed::Column::CreatedAt.gt(now - UNDATED_LINK_WORKS)),
        ),
    )
}

/// Until when the person's calendar link works, if they have a live one.
pub async fn feed_status(ctx: &Ctx) -> Result<Option<DateTime<Utc>>, AppError> {
    authorize_own_feed(ctx).await?;
    let link = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::UserId.eq(ctx.actor_id()))
        .filter(live(ctx.now))
        .one(&ctx.db)
        .await?;
    Ok(link.map(|l| l.expires_at.unwrap_or(l.created_at + UNDATED_LINK_WORKS)))
}

/// Ends every calendar link of the person: a reset of their password, a deactivation.
pub async fn revoke_all(db: &impl ConnectionTrait, user_id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    calendar_feed::Entity::update_many()
        .col_expr(calendar_feed::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
        .filter(calendar_feed::Column::UserId.eq(user_id))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A new feed link that works `days` (one of [`LINK_PERIODS`]); any earlier one stops working.
pub async fn new_feed(ctx: &Ctx, days: u32) -> Result<String, AppError> {
    authorize_own_feed(ctx).await?;
    let valid_for = link_period(days).map_err(|code| AppError::invalid("days", code))?;
    let secret = tokens::new_secret();
    let txn = begin_write(&ctx.db).await?;
    revoke_all(&txn, ctx.actor_id(), ctx.now).await?;
    calendar_feed::ActiveModel {
        id: NotSet,
        user_id: Set(ctx.actor_id()),
        token_hash: Set(tokens::hash(&secret)),
        created_at: Set(ctx.now),
        revoked_at: Set(None),
        expires_at: Set(Some(ctx.now + valid_for)),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    ctx.audit_allowed(Action::ManageOwnSettings, audit::entity::ACCOUNT, Some(ctx.actor_id().to_string()))
        .await?;
    Ok(ctx.mailing.link(&format!("/calendar/{secret}.ics")))
}

pub async fn revoke_feed(ctx: &Ctx) -> Result<(), AppError> {
    authorize_own_feed(ctx).await?;
    revoke_all(&ctx.db, ctx.actor_id(), ctx.now).await?;
    ctx.audit_allowed(Action::ManageOwnSettings, audit::entity::ACCOUNT, Some(ctx.actor_id().to_string()))
        .await
}

/// The feed behind a secret link: the person's visits (and outing sessions) from 60 days back
/// to a year ahead, or
/// `NotFound` for an unknown or revoked link (and for a deactivated account). Every client in
/// it is an audited read by the link's owner.
pub async fn feed(
    db: &DatabaseConnection,
    secret: &str,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let Some(link) = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(tokens::hash(secret)))
        .filter(live(now))
        .one(db)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    let mut owner = actors(db, &[link.user_id]).await?;
    let (owner, actor) = owner.remove(&link.user_id).ok_or(AppError::NotFound)?;
    let rows = visit::Entity::find()
        .filter(
            Condition::any()
                .add(visit::Column::GuideId.eq(owner.id))
                .add(visit::Column::DriverId.eq(owner.id))
                .add(visit::Column::SocialWorkerId.eq(owner.id)),
        )
        .filter(visit::Column::StartsAt.gte(now - Duration::days(60)))
        .filter(visit::Column::StartsAt.lt(now + Duration::days(366)))
        .order_by_asc(visit::Column::StartsAt)
        .all(db)
        .await?;
    let locale = owner.locale.parse().unwrap_or_default();
    let by_id = clients_of(db, &rows).await?;
    let mut entries = Vec::with_capacity(rows.len());
    let mut clients = Vec::new();
    for row in &rows {
        // The same rule as the agenda: a former guide's feed loses the client's visits.
        let Some(client) = by_id.get(&row.client_id) else { continue };
        if !can(&actor, Action::ViewVisit, &resource(row, client)).is_allowed() {
            continue;
        }
        clients.push(row.client_id);
        let name = initials(&client.display_name);
        entries.push(entry(
            row,
            format!("{} · {name}", emails::kind_name(locale, stored(&row.kind)?)),
            origin,
        ));
    }
    clients.sort_unstable();
    clients.dedup();
    let events: Vec<audit::Event<'_>> = clients
        .iter()
        .map(|id| audit::Event {
            at: now,
            actor: Some(owner.id),
            action: "calendar_feed",
            entity: audit::entity::CLIENT,
            entity_id: Some(id.to_string()),
            purpose: None,
            outcome: audit::Outcome::Allowed,
            request_id: None,
        })
        .collect();
    audit::record_many(db, &events).await?;
    // The outings the person leads, drives for or has clients in: titles and places only.
    entries.extend(
        crate::backend::outings::calendar_entries(
            db,
            owner.id,
            now - Duration::days(60),
            now + Duration::days(366),
            origin,
        )
        .await?,
    );
    entries.sort_by_key(|e| e.start);
    Ok(calendar::render("Rinnalla", Method::Publish, &entries))
}

/// A visit as a calendar entry. Its uid stays the same and its sequence grows with each change,
/// so a calendar moves or removes the entry it already has instead of adding another.
pub(super) fn entry(row: &visit::Model, summary: String, origin: &str) -> Entry {
    Entry {
        uid: calendar::visit_uid(row.id, host_of(origin)),
        sequence: row.sequence.max(0) as u32,
        start: row.starts_at,
        end: row.ends_at,
        summary,
        location: (!row.place.is_empty()).then(|| row.place.clone()),
        url: Some(format!("{origin}/visits/{}", row.id)),
        cancelled: row.status == VisitStatus::Cancelled.as_str(),
        stamp: row.updated_at,
    }
}
