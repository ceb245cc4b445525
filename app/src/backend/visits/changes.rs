//! Changes to booked visits and the e-mails that tell the people taking part: cancelling one
//! visit or the rest of a series, moving a visit to another time, and what happens to the
//! client's coming visits when their guidance ends (cancelled) or passes to another guide
//! (handed over).

use crate::backend::db::begin_write;
use crate::backend::error::find;
use crate::backend::error::stored;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};

use super::{
    booking::{Person, begin, check_free, check_not_past, lock_people},
    feed::entry,
    load, location, participants, user_by_id, zone_of,
};
use crate::{
    backend::{
        calendar::{self, Entry, Method},
        ctx::{Ctx, Mailing},
        emails::{self, VisitFacts},
        entities::{client, outbox_message, visit},
        guidance::load_client,
        outbox,
    },
    domain::{
        booking::parse_times,
        ids::ClientId,
        policy::Action,
        scheduling::{self, Slot},
        validation::{FormErrors, ValidationCode},
        visits::VisitStatus,
    },
    dto::AppError,
};

/// Tells the people taking part (besides the one who made the change) about new, moved or
/// cancelled visits, each with the calendar file. The client is never e-mailed.
pub(super) async fn notify(
    db: &impl ConnectionTrait,
    rows: &[visit::Model],
    actor: i64,
    change: Change,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(first) = rows.first() else { return Ok(()) };
    let recipients: Vec<i64> = participants(first).into_iter().filter(|id| *id != actor).collect();
    notify_people(db, rows, &recipients, change, mailing, now).await
}

/// Sends `recipients` the e-mail of `change` for `rows` (one visit or one series), with the
/// calendar file that adds, moves or removes them.
async fn notify_people(
    db: &impl ConnectionTrait,
    rows: &[visit::Model],
    recipients: &[i64],
    change: Change,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(first) = rows.first() else { return Ok(()) };
    for &id in recipients {
        let Some(account) = user_by_id(db, Some(id)).await? else { continue };
        let locale = account.locale.parse().unwrap_or_default();
        let summary = format!("Rinnalla: {}", emails::kind_name(locale, stored(&first.kind)?));
        let entries: Vec<Entry> =
            rows.iter().map(|row| entry(row, summary.clone(), &mailing.origin)).collect();
        let facts = VisitFacts {
            kind: stored(&first.kind)?,
            starts_at: first.starts_at,
            ends_at: first.ends_at,
            zone: zone_of(first),
            place: &first.place,
            now,
        };
        let link = mailing.link(&format!("/visits/{}", first.id));
        let key = format!("visit:{}:{}:{}:{id}", first.id, change.as_str(), first.sequence);
        let mail = match change {
            Change::Booked | Change::Moved => emails::visit_invitation(
                &account,
                &facts,
                change == Change::Moved,
                &link,
                key,
                calendar::render("Rinnalla", Method::Request, &entries),
            ),
            Change::Cancelled => emails::visit_cancelled(
                &account,
                &facts,
                key,
                calendar::render("Rinnalla", Method::Cancel, &entries),
            ),
        };
        mailing.enqueue(db, mail, now).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    Booked,
    Moved,
    Cancelled,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Booked => "booked",
            Change::Moved => "moved",
            Change::Cancelled => "cancelled",
        }
    }
}

/// The planned visits a cancellation of `row` covers: it alone, or it and the later ones of its
/// series.
async fn cancellation_scope(
    db: &impl ConnectionTrait,
    row: &visit::Model,
    scope: &str,
) -> Result<Vec<visit::Model>, AppError> {
    match (scope, row.series_id) {
        ("one", _) | ("rest", None) => Ok(vec![row.clone()]),
        ("rest", Some(series)) => Ok(visit::Entity::find()
            .filter(visit::Column::SeriesId.eq(series))
            .filter(visit::Column::StartsAt.gte(row.starts_at))
            .filter(visit::Column::Status.eq(VisitStatus::Planned.as_str()))
            .order_by_asc(visit::Column::StartsAt)
            .all(db)
            .await?),
        _ => Err(AppError::invalid("scope", ValidationCode::UnknownChoice)),
    }
}

pub async fn cancel(ctx: &Ctx, id: i64, scope: &str) -> Result<usize, AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ChangeVisit, client.id, &resource).await?;
    if row.status != VisitStatus::Planned.as_str() {
        return Err(AppError::Conflict);
    }
    let txn = begin_write(&ctx.db).await?;
    let rows = cancellation_scope(&txn, &row, scope).await?;
    let mut cancelled = Vec::with_capacity(rows.len());
    for row in rows {
        let sequence = row.sequence + 1;
        let mut active = row.into_active_model();
        active.status = Set(VisitStatus::Cancelled.as_str().to_owned());
        active.sequence = Set(sequence);
        active.updated_at = Set(ctx.now);
        cancelled.push(active.update(&txn).await?);
    }
    notify(&txn, &cancelled, ctx.actor_id(), Change::Cancelled, &ctx.mailing, ctx.now).await?;
    txn.commit().await?;
    Ok(cancelled.len())
}

/// Moves one visit to another time (the same checks as booking) and tells the others.
pub async fn reschedule(ctx: &Ctx, id: i64, date: &str, start: &str, end: &str) -> Result<(), AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ChangeVisit, client.id, &resource).await?;
    if row.status != VisitStatus::Planned.as_str() {
        return Err(AppError::Conflict);
    }
    let mut errors = FormErrors::default();
    let times = parse_times(&mut errors, date, start, end);
    let Some((date, start, minutes)) = times else { return Err(AppError::Validation(errors.into_vec())) };
    let (_, client_resource) = load_client(ctx, ClientId(client.id)).await?;
    check_not_past(ctx, &mut errors, date, client.id, &client_resource).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    let starts_at = scheduling::to_instant(date, start, zone_of(&row))
        .map_err(|code| AppError::invalid("start", code))?;
    let slot = Slot { start: starts_at, end: starts_at + Duration::minutes(i64::from(minutes)) };

    let mut people =
        vec![Person::Staff(row.guide_id, ValidationCode::GuideBusy), Person::Client(row.client_id)];
    let mut lock = vec![row.guide_id];
    if let Some(driver) = row.driver_id.filter(|d| *d != row.guide_id) {
        people.push(Person::Staff(driver, ValidationCode::DriverBusy));
        lock.push(driver);
    }
    let txn = begin(&ctx.db).await?;
    lock_people(&txn, &lock, row.client_id).await?;
    // Read again under the lock: it may have changed while we were checking the form.
    let row = find::<visit::Entity>(&txn, id).await?;
    if row.status != VisitStatus::Planned.as_str() {
        return Err(AppError::Conflict);
    }
    check_free(&txn, &people, &[slot], location(&row.kind, &row.place), &[row.id]).await?;
    let sequence = row.sequence + 1;
    let mut active = row.into_active_model();
    active.starts_at = Set(slot.start);
    active.ends_at = Set(slot.end);
    active.sequence = Set(sequence);
    active.updated_at = Set(ctx.now);
    let moved = active.update(&txn).await?;
    notify(&txn, std::slice::from_ref(&moved), ctx.actor_id(), Change::Moved, &ctx.mailing, ctx.now).await?;
    txn.commit().await?;
    Ok(())
}

// When guidance ends or changes hands, the client's visits follow in the same transaction.

/// The client's planned visits from `now` on, in order.
async fn future_planned(
    db: &impl ConnectionTrait,
    client_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<visit::Model>, AppError> {
    Ok(visit::Entity::find()
        .filter(visit::Column::ClientId.eq(client_id))
        .filter(visit::Column::Status.eq(VisitStatus::Planned.as_str()))
        .filter(visit::Column::StartsAt.gte(now))
        .order_by_asc(visit::Column::StartsAt)
        .all(db)
        .await?)
}

/// Takes back the reminders of `visit` still waiting in the outbox, for everyone or for one
/// person: a reminder queued at noon must not reach a guide who lost the client at two.
async fn withdraw_reminders(db: &impl ConnectionTrait, visit: i64, to: Option<i64>) -> Result<(), AppError> {
    let mut query = outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::IdempotencyKey.starts_with(format!("visit-reminder:{visit}:")))
        .filter(outbox_message::Column::Status.eq(outbox::QUEUED));
    if let Some(person) = to {
        query = query.filter(outbox_message::Column::RecipientId.eq(person));
    }
    query.exec(db).await?;
    Ok(())
}

/// Visits grouped the way they were booked (a series together), so each person gets one
/// e-mail per series rather than one per week.
fn by_series(rows: Vec<visit::Model>) -> Vec<Vec<visit::Model>> {
    let mut groups: Vec<Vec<visit::Model>> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|g| row.series_id.is_some() && g[0].series_id == row.series_id) {
            Some(group) => group.push(row),
            None => groups.push(vec![row]),
        }
    }
    groups
}

/// The guidance has ended (an ending, or the last valid consent withdrawn or run out): the client's planned
/// visits from now on are cancelled, and everyone who had them in their calendar, and the
/// referring social worker, is told (but not the person who ended it). Past visits stay for
/// payroll and the record; the policy already keeps the former guide out of them. Returns how
/// many were cancelled.
pub async fn cancel_after_ending(
    db: &impl ConnectionTrait,
    client: &client::Model,
    actor: Option<i64>,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut cancelled = 0;
    for group in by_series(future_planned(db, client.id, now).await?) {
        let mut rows = Vec::with_capacity(group.len());
        for row in group {
            withdraw_reminders(db, row.id, None).await?;
            let sequence = row.sequence + 1;
            let mut active = row.into_active_model();
            active.status = Set(VisitStatus::Cancelled.as_str().to_owned());
            active.sequence = Set(sequence);
            active.updated_at = Set(now);
            rows.push(active.update(db).await?);
        }
        let mut told = participants(&rows[0]);
        told.extend(client.referred_by);
        told.sort_unstable();
        told.dedup();
        told.retain(|id| Some(*id) != actor);
        notify_people(db, &rows, &told, Change::Cancelled, mailing, now).await?;
        cancelled += rows.len();
    }
    Ok(cancelled)
}

/// A transfer was approved: the client's planned visits from now on pass to the new guide (and
/// a ride the old guide was to drive, to the new guide too). The old guide's calendar gets the
/// cancellation, the new guide's the invitation. Returns how many were handed over.
pub async fn hand_over(
    db: &impl ConnectionTrait,
    client_id: i64,
    from_guide: i64,
    to_guide: i64,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut handed = 0;
    for group in by_series(future_planned(db, client_id, now).await?) {
        let mut rows = Vec::with_capacity(group.len());
        for row in group {
            withdraw_reminders(db, row.id, Some(from_guide)).await?;
            let sequence = row.sequence + 1;
            let driver = row.driver_id;
            let mut active = row.into_active_model();
            active.guide_id = Set(to_guide);
            if driver == Some(from_guide) {
                active.driver_id = Set(Some(to_guide));
            }
            active.sequence = Set(sequence);
            active.updated_at = Set(now);
            rows.push(active.update(db).await?);
        }
        notify_people(db, &rows, &[from_guide], Change::Cancelled, mailing, now).await?;
        notify_people(db, &rows, &[to_guide], Change::Booked, mailing, now).await?;
        handed += rows.len();
    }
    Ok(handed)
}
