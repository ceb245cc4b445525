//! The mid-point review meeting, put in the calendars by the background worker: two weeks
//! before the period's review date, a visit of kind review with the client, the guide and the
//! referring social worker, on the review date in the first hour from 9:00 that clashes with
//! none of them (travel included), or on the next working days. Both get the invitation with
//! its calendar file through the outbox, as for a meeting a guide books. Proposed once per
//! review date: the period remembers the date it was proposed for, and a held review that sets
//! a new date gets a meeting of its own. A review meeting already planned by hand is kept and
//! none is added.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::{
    actors,
    booking::{NewVisit, Person, as_booking, begin, lock_people, planned_around, planned_visit},
    changes::{Change, notify},
    location,
};
use crate::{
    backend::{
        ctx::Mailing,
        db::decided_once,
        entities::{client, guidance_period, visit},
        guidance::local_date,
    },
    domain::{
        ids::UserId,
        places,
        policy::{Action, Resource, can},
        reviews,
        scheduling::Booking,
        time::{HELSINKI, start_of_day},
        validation::ValidationCode,
        visits::{VisitKind, VisitStatus},
    },
    dto::AppError,
};

/// Periods looked at per run; the rest wait for the next one.
const BATCH: u64 = 200;

/// What became of one period's review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proposal {
    Booked,
    /// A review meeting was already planned, or there is nobody to meet.
    NotNeeded,
    /// Every hour of the days tried clashes with someone: the guide books it by hand.
    NoFreeTime,
    /// Another instance got there first.
    Taken,
}

/// Proposes the review meetings due in the next two weeks. Returns how many were booked.
pub async fn propose_review_meetings(
    db: &DatabaseConnection,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let today = local_date(now);
    let periods = guidance_period::Entity::find()
        .filter(guidance_period::Column::EndedAt.is_null())
        .filter(guidance_period::Column::ReviewDue.gte(today))
        .filter(guidance_period::Column::ReviewDue.lte(today + Duration::days(reviews::PROPOSE_DAYS_BEFORE)))
        .filter(Condition::any().add(guidance_period::Column::ReviewProposedFor.is_null()).add(
            ExprTrait::ne(
                Expr::col(guidance_period::Column::ReviewProposedFor),
                Expr::col(guidance_period::Column::ReviewDue),
            ),
        ))
        .order_by_asc(guidance_period::Column::ReviewDue)
        .order_by_asc(guidance_period::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mailing = Mailing::detached(origin);
    let mut booked = 0;
    for period in periods {
        // One period that fails (a lock timeout, broken data) does not hold up the others.
        match propose(db, &period, &mailing, now).await {
            Ok(Proposal::Booked) => booked += 1,
            Ok(Proposal::NoFreeTime) => {
                tracing::warn!(period = period.id, "no free hour for the review meeting: book it by hand");
            }
            Ok(Proposal::NotNeeded | Proposal::Taken) => {}
            Err(error) => tracing::warn!(period = period.id, ?error, "could not propose the review meeting"),
        }
    }
    Ok(booked)
}

async fn propose(
    db: &DatabaseConnection,
    period: &guidance_period::Model,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<Proposal, AppError> {
    let today = local_date(now);
    let Some(client) = client::Entity::find_by_id(period.client_id).one(db).await? else {
        return Ok(Proposal::NotNeeded);
    };
    let days = reviews::meeting_days(period.review_due, today);
    let (Some(first), Some(last)) = (days.first(), days.last()) else { return Ok(Proposal::NotNeeded) };
    let guide = period.guide_id;
    let social_worker = client.referred_by;

    let txn = begin(db).await?;
    lock_people(&txn, &[Some(guide), social_worker].into_iter().flatten().collect::<Vec<_>>(), client.id)
        .await?;
    // Claim the date first: of two instances, one proposes and the other moves on.
    let claimed = guidance_period::Entity::update_many()
        .col_expr(guidance_period::Column::ReviewProposedFor, Expr::value(Some(period.review_due)))
        .filter(guidance_period::Column::Id.eq(period.id))
        .filter(guidance_period::Column::EndedAt.is_null())
        .filter(guidance_period::Column::ReviewDue.eq(period.review_due))
        .filter(
            Condition::any()
                .add(guidance_period::Column::ReviewProposedFor.is_null())
                .add(guidance_period::Column::ReviewProposedFor.ne(period.review_due)),
        )
        .exec(&txn)
        .await?;
    if decided_once(claimed, AppError::Conflict).is_err() {
        return Ok(Proposal::Taken);
    }
    let outcome =
        book_meeting(&txn, &client, guide, social_worker, &days, mailing, now, (*first, *last)).await?;
    txn.commit().await?;
    Ok(outcome)
}

#[allow(clippy::too_many_arguments)]
async fn book_meeting(
    txn: &sea_orm::DatabaseTransaction,
    client: &client::Model,
    guide: i64,
    social_worker: Option<i64>,
    days: &[chrono::NaiveDate],
    mailing: &Mailing,
    now: DateTime<Utc>,
    (first, last): (chrono::NaiveDate, chrono::NaiveDate),
) -> Result<Proposal, AppError> {
    // A review meeting is three people: without a social worker who may still see the client,
    // the guide and client agree on it themselves.
    let Some(social_worker) = social_worker else { return Ok(Proposal::NotNeeded) };
    let people = actors(txn, &[guide, social_worker]).await?;
    let visit_resource = Resource::Visit {
        guide: UserId(guide),
        client_guide: client.guide_id.map(UserId),
        driver: None,
        social_worker: Some(UserId(social_worker)),
        referred_by: client.referred_by.map(UserId),
    };
    let may_see = |id: i64| {
        people.get(&id).is_some_and(|(_, actor)| can(actor, Action::ViewVisit, &visit_resource).is_allowed())
    };
    if !may_see(guide) || !may_see(social_worker) {
        return Ok(Proposal::NotNeeded);
    }
    // A review meeting already planned from today on is the one.
    let planned = visit::Entity::find()
        .filter(visit::Column::ClientId.eq(client.id))
        .filter(visit::Column::Kind.eq(VisitKind::Review.as_str()))
        .filter(visit::Column::Status.eq(VisitStatus::Planned.as_str()))
        .filter(visit::Column::StartsAt.gte(start_of_day(local_date(now), HELSINKI)))
        .one(txn)
        .await?;
    if planned.is_some() {
        return Ok(Proposal::NotNeeded);
    }
    let (from, to) = (start_of_day(first, HELSINKI), start_of_day(last + Duration::days(1), HELSINKI));
    let mut busy: Vec<Vec<Booking>> = Vec::with_capacity(3);
    for person in [
        Person::Staff(guide, ValidationCode::GuideBusy),
        Person::SocialWorker(social_worker),
        Person::Client(client.id),
    ] {
        busy.push(planned_around(txn, person, from, to).await?.iter().map(as_booking).collect());
    }
    let busy: Vec<&[Booking]> = busy.iter().map(Vec::as_slice).collect();
    let at = location(VisitKind::Review.as_str(), &client.municipality);
    let km = |a: u16, b: u16| places::distances().km(a, b);
    let Some(slot) = reviews::first_free_slot(days, HELSINKI, at, &busy, km) else {
        return Ok(Proposal::NoFreeTime);
    };
    let row = planned_visit(
        NewVisit {
            client: client.id,
            guide,
            social_worker: Some(social_worker),
            kind: VisitKind::Review,
            slot,
            place: &client.municipality,
            address: "",
        },
        None,
        now,
    )
    .insert(txn)
    .await?;
    // Nobody booked it, so everyone taking part is told.
    notify(txn, &[row], 0, Change::Booked, mailing, now).await?;
    Ok(Proposal::Booked)
}
