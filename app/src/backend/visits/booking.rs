//! Booking: the choices the booking form offers, and booking a visit or a series of them for
//! the client's guide, with its ride (stops, kilometres, who drives, how it is paid back). The
//! check that nobody is double booked and the insert are one transaction that holds the
//! people's locks.
//!
//! No double booking under concurrency: a booking locks the rows of the people it needs (the
//! guide, the driver, the client) with `SELECT … FOR UPDATE` on PostgreSQL, always in the same
//! order so two bookings cannot deadlock; on SQLite the transaction takes the database's write
//! lock at `BEGIN IMMEDIATE`. Either way the second of two bookings for the same time reads the
//! first one's committed visit before it checks, and is refused. Rescheduling takes the same
//! locks and makes the same checks.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    sea_query::LockType,
};

use super::{
    changes::{Change, notify},
    guide_profile_of, location, user_by_id,
};
use crate::{
    backend::{
        ctx::Ctx,
        db,
        entities::{client, guide_profile, ride_leg, user, user_role, visit},
        guidance::load_client,
    },
    domain::{
        availability::WeeklySlot,
        booking::{self as typed, RideForm},
        ids::{ClientId, UserId},
        places,
        policy::{Action, Resource, can},
        roles::Role,
        scheduling::{self, Booking, Clash, Location, Recurrence, Slot},
        text,
        time::{HELSINKI, parse_date},
        validation::{FormErrors, ValidationCode},
        visits::{self as rules, Reimbursement, VisitKind, VisitStatus},
    },
    dto::{
        AppError,
        visits::{Booked, BookingOptions, VisitForm},
    },
};

/// How far around a new visit other bookings are looked at: longer than any travel buffer.
const NEIGHBOURHOOD: Duration = Duration::hours(12);
/// A series may run at most this far ahead.
const MAX_SERIES_DAYS: i64 = 366;

/// Who and what a new planned visit is, before its ride.
pub(super) struct NewVisit<'a> {
    pub client: i64,
    pub guide: i64,
    pub social_worker: Option<i64>,
    pub kind: VisitKind,
    pub slot: Slot,
    pub place: &'a str,
    pub address: &'a str,
}

/// The row of a planned visit without a ride, in Helsinki time; `created_by` is `None` when
/// the system proposed it.
pub(super) fn planned_visit(
    new: NewVisit<'_>,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> visit::ActiveModel {
    visit::ActiveModel {
        id: NotSet,
        client_id: Set(new.client),
        guide_id: Set(new.guide),
        social_worker_id: Set(new.social_worker),
        kind: Set(new.kind.as_str().to_owned()),
        starts_at: Set(new.slot.start),
        ends_at: Set(new.slot.end),
        zone: Set(HELSINKI.name().to_owned()),
        place: Set(new.place.to_owned()),
        address: Set((!new.address.is_empty()).then(|| new.address.to_owned())),
        status: Set(VisitStatus::Planned.as_str().to_owned()),
        series_id: Set(None),
        sequence: Set(0),
        outcome_note: Set(None),
        minutes: Set(None),
        km_tenths: Set(None),
        driver_id: Set(None),
        reimbursement: Set(None),
        ticket_cents: Set(None),
        created_by: Set(created_by),
        excess_reason: Set(None),
        feedback_given: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

pub(super) fn as_booking(row: &visit::Model) -> Booking {
    Booking {
        id: row.id,
        slot: Slot { start: row.starts_at, end: row.ends_at },
        location: location(&row.kind, &row.place),
    }
}

/// A transaction that may write, locked as the module's notes say.
pub(super) async fn begin(db: &DatabaseConnection) -> Result<db::WriteTransaction, AppError> {
    Ok(db::begin_write(db).await?)
}

/// Locks the people a booking needs, users in id order and then the client, so concurrent
/// bookings wait for each other instead of both passing the check.
pub(super) async fn lock_people(
    txn: &DatabaseTransaction,
    users: &[i64],
    client_id: i64,
) -> Result<(), AppError> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(()); // SQLite: BEGIN IMMEDIATE already holds the write lock.
    }
    let mut ids = users.to_vec();
    ids.sort_unstable();
    ids.dedup();
    user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::Id)
        .lock(LockType::Update)
        .all(txn)
        .await?;
    client::Entity::find_by_id(client_id).lock(LockType::Update).one(txn).await?;
    Ok(())
}

/// Whose time a booking takes, and the code a clash with each gives.
#[derive(Clone, Copy)]
pub(super) enum Person {
    Staff(i64, ValidationCode),
    /// A social worker, whose time is taken by the meetings they attend.
    SocialWorker(i64),
    Client(i64),
}

/// Visits around `from..to` holding the person's time (planned or recorded; not cancelled).
pub(super) async fn planned_around(
    db: &impl ConnectionTrait,
    person: Person,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<visit::Model>, AppError> {
    let who = match person {
        Person::Staff(id, _) => {
            Condition::any().add(visit::Column::GuideId.eq(id)).add(visit::Column::DriverId.eq(id))
        }
        Person::SocialWorker(id) => Condition::all().add(visit::Column::SocialWorkerId.eq(id)),
        Person::Client(id) => Condition::all().add(visit::Column::ClientId.eq(id)),
    };
    Ok(visit::Entity::find()
        .filter(who)
        .filter(visit::Column::Status.is_in(VisitStatus::holding_time()))
        .filter(visit::Column::StartsAt.lt(to + NEIGHBOURHOOD))
        .filter(visit::Column::EndsAt.gt(from - NEIGHBOURHOOD))
        .all(db)
        .await?)
}

/// Refuses `slots` (at `where_`) when any of `people` cannot be there, travel included.
/// `except` are the visits being moved.
pub(super) async fn check_free(
    db: &impl ConnectionTrait,
    people: &[Person],
    slots: &[Slot],
    where_: Location,
    except: &[i64],
) -> Result<(), AppError> {
    let (Some(first), Some(last)) = (slots.first(), slots.last()) else { return Ok(()) };
    let km = |a: u16, b: u16| places::distances().km(a, b);
    for person in people {
        let existing: Vec<Booking> = planned_around(db, *person, first.start, last.end)
            .await?
            .iter()
            .filter(|row| !except.contains(&row.id))
            .map(as_booking)
            .collect();
        for slot in slots {
            let new = Booking { id: 0, slot: *slot, location: where_ };
            if let Some(clash) = scheduling::clashes(&new, &existing, km).first() {
                let code = match (clash, person) {
                    (Clash::NoTimeToTravel { .. }, _) => ValidationCode::NoTimeToTravel,
                    (Clash::Overlap { .. }, Person::Staff(_, code)) => *code,
                    (Clash::Overlap { .. }, Person::Client(_)) => ValidationCode::ClientBusy,
                    (Clash::Overlap { .. }, Person::SocialWorker(_)) => ValidationCode::OutOfRange,
                };
                return Err(AppError::invalid("start", code));
            }
        }
    }
    Ok(())
}

async fn has_role(db: &impl ConnectionTrait, user_id: i64, role: Role) -> Result<bool, AppError> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .filter(user_role::Column::Role.eq(role.as_str()))
        .one(db)
        .await?
        .is_some())
}

async fn drivers(db: &impl ConnectionTrait) -> Result<Vec<(UserId, String)>, AppError> {
    let with_car: Vec<i64> = guide_profile::Entity::find()
        .filter(guide_profile::Column::HasCar.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(with_car))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|u| (UserId(u.id), u.name))
        .collect())
}

pub async fn choices(ctx: &Ctx, client_id: ClientId) -> Result<BookingOptions, AppError> {
    let (client, resource) = load_client(ctx, client_id).await?;
    ctx.authorize_client(Action::PlanVisit, client.id, &resource).await?;
    let guide = user_by_id(&ctx.db, client.guide_id).await?.ok_or(AppError::Conflict)?;
    Ok(BookingOptions {
        client_id,
        client_name: client.display_name,
        client_place: client.municipality,
        pickup_address: client.pickup_address,
        guide_name: guide.name,
        social_worker_name: user_by_id(&ctx.db, client.referred_by).await?.map(|u| u.name),
        drivers: drivers(&ctx.db).await?,
    })
}

/// The ride part of the form: legs, driver and reimbursement, or `None` without stops.
struct Ride {
    legs: Vec<rules::Leg>,
    driver: i64,
    reimbursement: Reimbursement,
    ticket_cents: Option<u32>,
}

/// Reads the ride part of the form (see [`typed::parse_ride`]), then asks the database whether
/// its driver is a guide with a car.
async fn parse_ride(
    db: &impl ConnectionTrait,
    errors: &mut FormErrors,
    form: &VisitForm,
    guide: i64,
) -> Result<Option<Ride>, AppError> {
    let stops = form.stops();
    let ride = RideForm {
        stops: &stops,
        km: &form.leg_km(),
        driver: &form.driver,
        reimbursement: &form.reimbursement,
        ticket_price: &form.ticket_price,
    };
    let Some(ride) = typed::parse_ride(errors, &ride) else { return Ok(None) };
    let driver = ride.driver.unwrap_or(guide);
    let is_driver = has_role(db, driver, Role::Guide).await?
        && guide_profile_of(db, driver).await?.is_some_and(|p| p.has_car);
    if !is_driver && ride.needs_car() {
        errors.add("driver", ValidationCode::NotADriver);
    }
    let (Some(reimbursement), Some(ticket_cents)) = (ride.reimbursement, ride.ticket_cents) else {
        return Ok(None);
    };
    Ok(Some(Ride { legs: ride.legs, driver, reimbursement, ticket_cents }))
}

/// Guides book from today on; a visit on a day already gone is entered by a coordinator, and
/// that entry is written to the audit trail as its own action.
pub(super) async fn check_not_past(
    ctx: &Ctx,
    errors: &mut FormErrors,
    date: NaiveDate,
    client_id: i64,
    client: &Resource,
) -> Result<(), AppError> {
    if date >= ctx.now.with_timezone(&HELSINKI).date_naive() {
        return Ok(());
    }
    if can(&ctx.actor, Action::PlanPastVisit, client).is_allowed() {
        ctx.authorize_client(Action::PlanPastVisit, client_id, client).await
    } else {
        errors.add("date", ValidationCode::InThePast);
        Ok(())
    }
}

/// Books a visit, or every occurrence of a series, for the client's named guide.
pub async fn book(ctx: &Ctx, form: &VisitForm) -> Result<Booked, AppError> {
    let (client, resource) = load_client(ctx, ClientId(form.client_id)).await?;
    ctx.authorize_client(Action::PlanVisit, client.id, &resource).await?;
    // One person: the visit is the named guide's. A client without one has no visits yet.
    let guide = client.guide_id.ok_or(AppError::Conflict)?;

    let mut errors = FormErrors::default();
    let kind = errors.check("kind", VisitKind::parse(&form.kind));
    let times = typed::parse_times(&mut errors, &form.date, &form.start, &form.end);
    let recurrence = errors.check("recurrence", typed::parse_recurrence(&form.recurrence));
    let place = errors.check("place", text::one_line(&form.place, text::LINE)).unwrap_or_default();
    if kind.is_some_and(|k| !k.is_remote()) && place.is_empty() {
        errors.add("place", ValidationCode::Required);
    }
    let address = errors.check("address", text::one_line(&form.address, text::LINE)).unwrap_or_default();
    if let Some((date, ..)) = times {
        check_not_past(ctx, &mut errors, date, client.id, &resource).await?;
    }
    let social_worker = match kind {
        Some(k) if k.with_social_worker() => {
            if client.referred_by.is_none() {
                errors.add("kind", ValidationCode::NoSocialWorker);
            }
            client.referred_by
        }
        _ => None,
    };
    let until = match recurrence {
        Some(Recurrence::Once) | None => times.map(|(date, ..)| date),
        Some(_) => errors.check("until", parse_date(&form.until).ok_or(ValidationCode::InvalidDate)),
    };
    if let (Some((date, ..)), Some(until)) = (times, until)
        && (until < date || (until - date).num_days() > MAX_SERIES_DAYS)
    {
        errors.add("until", ValidationCode::OutOfRange);
    }
    let ride = parse_ride(&ctx.db, &mut errors, form, guide).await?;
    let slots = match (times, recurrence, until) {
        (Some((date, start, minutes)), Some(recurrence), Some(until)) if errors.is_empty() => {
            match scheduling::expand(date, start, minutes, HELSINKI, recurrence, until) {
                Ok(slots) => Some(slots),
                Err((_, code)) => {
                    errors.add("start", code);
                    None
                }
            }
        }
        _ => None,
    };
    let (Some(kind), Some(slots)) = (kind, slots) else {
        return Err(AppError::Validation(errors.into_vec()));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }

    let place = place.as_str();
    let where_ = location(kind.as_str(), place);
    let mut people = vec![Person::Staff(guide, ValidationCode::GuideBusy), Person::Client(client.id)];
    let mut lock = vec![guide];
    if let Some(ride) = &ride
        && ride.driver != guide
        && ride.reimbursement == Reimbursement::Allowance
    {
        people.push(Person::Staff(ride.driver, ValidationCode::DriverBusy));
        lock.push(ride.driver);
    }

    let txn = begin(&ctx.db).await?;
    lock_people(&txn, &lock, client.id).await?;
    check_free(&txn, &people, &slots, where_, &[]).await?;
    let mut rows = Vec::with_capacity(slots.len());
    let mut series = None;
    for slot in &slots {
        let mut row = planned_visit(
            NewVisit { client: client.id, guide, social_worker, kind, slot: *slot, place, address: &address },
            Some(ctx.actor_id()),
            ctx.now,
        );
        row.series_id = Set(series);
        row.driver_id = Set(ride.as_ref().map(|r| r.driver));
        row.reimbursement = Set(ride.as_ref().map(|r| r.reimbursement.as_str().to_owned()));
        row.ticket_cents = Set(ride.as_ref().and_then(|r| r.ticket_cents).map(|c| c as i32));
        let row = row.insert(&txn).await?;
        let row = if slots.len() > 1 && series.is_none() {
            series = Some(row.id);
            let mut first = row.into_active_model();
            first.series_id = Set(series);
            first.update(&txn).await?
        } else {
            row
        };
        if let Some(ride) = &ride {
            for (i, leg) in ride.legs.iter().enumerate() {
                ride_leg::ActiveModel {
                    id: NotSet,
                    visit_id: Set(row.id),
                    position: Set(i as i32),
                    from_place: Set(leg.from.clone()),
                    to_place: Set(leg.to.clone()),
                    km_tenths: Set(leg.km_tenths as i32),
                    estimated: Set(leg.estimated),
                }
                .insert(&txn)
                .await?;
            }
        }
        rows.push(row);
    }
    notify(&txn, &rows, ctx.actor_id(), Change::Booked, &ctx.mailing, ctx.now).await?;
    txn.commit().await?;

    let weekly: Vec<WeeklySlot> = guide_profile_of(&ctx.db, guide)
        .await?
        .and_then(|p| serde_json::from_str(&p.availability).ok())
        .unwrap_or_default();
    let outside_availability =
        slots.iter().filter(|slot| !scheduling::within_availability(slot, HELSINKI, &weekly)).count();
    Ok(Booked { first_visit: rows[0].id, visits: rows.len(), outside_availability })
}
