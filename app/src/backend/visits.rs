//! Visits: booking with no double booking, the agenda, the "done" form, rescheduling and
//! cancelling with calendar e-mails, what happens to a client's visits when their guidance ends
//! or passes to another guide, day-before reminders, the month's hours and kilometres for
//! payroll, and the secret calendar feed. One file per use case; this one holds what they
//! share: loading a visit, who may see it, who takes part in it, and the people behind it.

mod agenda;
mod booking;
mod changes;
mod feed;
mod feedback;
mod payroll;
mod records;
mod reminders;
mod review_meetings;

pub use agenda::{agenda, for_client, get};
pub use booking::{book, choices};
pub use changes::{cancel, cancel_after_ending, hand_over, reschedule};
pub use feed::{feed, feed_status, new_feed, revoke_all as revoke_all_feeds, revoke_feed};
pub use feedback::{give as give_feedback, results as feedback_results, screen as feedback_screen};
pub use payroll::{mileage, payroll_csv};
pub use records::{Recorded, record_outcome};
pub use reminders::queue_reminders;
pub use review_meetings::propose_review_meetings;

use crate::backend::error::find;
use std::collections::HashMap;

use chrono_tz::Tz;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{
    ctx::Ctx,
    entities::{client, guide_profile, user, user_role, visit},
};
use crate::{
    domain::{
        ids::UserId,
        places,
        policy::{Actor, Resource},
        roles::Role,
        scheduling::Location,
        time::HELSINKI,
        visits::VisitKind,
    },
    dto::AppError,
};

/// The zone the visit's times were entered in (Helsinki when it cannot be read).
fn zone_of(row: &visit::Model) -> Tz {
    row.zone.parse().unwrap_or(HELSINKI)
}

/// Where a visit happens, for the travel between visits: nowhere for a call, else its place
/// when the places data knows it.
fn location(kind: &str, place: &str) -> Location {
    if VisitKind::parse(kind).is_ok_and(VisitKind::is_remote) {
        return Location::Remote;
    }
    match places::index_of(place.trim()) {
        Some(index) => Location::At(index),
        None => Location::Unknown,
    }
}

/// What the policy judges access to a visit by: the visit's own guide, the client's named guide
/// now (access follows the named guide, whoever was the guide at booking), the driver, the
/// social worker taking part and the referrer.
fn resource(row: &visit::Model, client: &client::Model) -> Resource {
    Resource::Visit {
        guide: UserId(row.guide_id),
        client_guide: client.guide_id.map(UserId),
        driver: row.driver_id.map(UserId),
        social_worker: row.social_worker_id.map(UserId),
        referred_by: client.referred_by.map(UserId),
    }
}

async fn guide_profile_of(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<guide_profile::Model>, AppError> {
    Ok(guide_profile::Entity::find_by_id(id).one(db).await?)
}

async fn user_by_id(db: &impl ConnectionTrait, id: Option<i64>) -> Result<Option<user::Model>, AppError> {
    match id {
        Some(id) => Ok(user::Entity::find_by_id(id).one(db).await?),
        None => Ok(None),
    }
}

/// A visit, its client and what the policy judges access to it by; `NotFound` without either.
async fn load(ctx: &Ctx, id: i64) -> Result<(visit::Model, client::Model, Resource), AppError> {
    let row = find::<visit::Entity>(&ctx.db, id).await?;
    let client = find::<client::Entity>(&ctx.db, row.client_id).await?;
    let resource = resource(&row, &client);
    Ok((row, client, resource))
}

/// The people who take part in a visit and have it in their calendar: the guide, the driver,
/// and the social worker of three-way and review meetings.
fn participants(row: &visit::Model) -> Vec<i64> {
    let mut people = vec![row.guide_id];
    if VisitKind::parse(&row.kind).is_ok_and(VisitKind::with_social_worker)
        && let Some(sw) = row.social_worker_id
    {
        people.push(sw);
    }
    if let Some(driver) = row.driver_id {
        people.push(driver);
    }
    people.sort_unstable();
    people.dedup();
    people
}

/// The clients of `rows`, loaded at once.
async fn clients_of(
    db: &impl ConnectionTrait,
    rows: &[visit::Model],
) -> Result<HashMap<i64, client::Model>, AppError> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r.client_id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(client::Entity::find()
        .filter(client::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

/// The active accounts among `ids` as the policy sees them (for work done on their behalf
/// outside a request: reminders, the calendar feed).
async fn actors(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, (user::Model, Actor)>, AppError> {
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?;
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(users.iter().map(|u| u.id)))
        .all(db)
        .await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let roles =
                roles.iter().filter(|r| r.user_id == u.id).filter_map(|r| Role::parse(&r.role)).collect();
            let actor = Actor { user_id: UserId(u.id), roles };
            (u.id, (u, actor))
        })
        .collect())
}
