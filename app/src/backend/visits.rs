//! Visits: booking with no double booking (the check and the insert in one transaction that
//! holds the people's locks), the agenda, the "done" form, rescheduling and cancelling with
//! calendar e-mails, day-before reminders, the month's hours and kilometres, and the secret
//! calendar feed.
//!
//! No double booking under concurrency: a booking locks the rows of the people it needs (the
//! guide, the driver, the client) with `SELECT … FOR UPDATE` on PostgreSQL, always in the same
//! order so two bookings cannot deadlock; on SQLite the transaction takes the database's write
//! lock at `BEGIN IMMEDIATE`. Either way the second of two bookings for the same time reads the
//! first one's committed visit before it checks, and is refused.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::LockType,
};

use super::{
    calendar::{self, Entry, Method},
    ctx::{Ctx, Mailing},
    emails::{self, VisitFacts},
    entities::{calendar_feed, client, guide_profile, outbox_message, ride_leg, user, user_role, visit},
    guidance::load_client,
    outbox, tokens,
};
use crate::{
    domain::{
        availability::WeeklySlot,
        ids::{ClientId, UserId},
        places,
        policy::{Action, Actor, Resource, can},
        roles::Role,
        scheduling::{self, Booking, Clash, Location, Recurrence, Slot},
        text,
        time::{HELSINKI, parse_date, start_of_day},
        validation::{FormErrors, ValidationCode},
        visits::{self as rules, Reimbursement, VisitKind, VisitStatus, WorkedVisit},
    },
    dto::{
        AppError,
        visits::{
            AgendaDay, AgendaView, Booked, BookingOptions, LegView, MileageRow, MileageView, VisitForm,
            VisitMay, VisitView,
        },
    },
};

/// How far around a new visit other bookings are looked at: longer than any travel buffer.
const NEIGHBOURHOOD: Duration = Duration::hours(12);
/// A series may run at most this far ahead.
const MAX_SERIES_DAYS: i64 = 366;

fn zone_of(row: &visit::Model) -> Tz {
    row.zone.parse().unwrap_or(HELSINKI)
}

fn location(kind: &str, place: &str) -> Location {
    if VisitKind::parse(kind).is_ok_and(VisitKind::is_remote) {
        return Location::Remote;
    }
    match places::index_of(place.trim()) {
        Some(index) => Location::At(index),
        None => Location::Unknown,
    }
}

fn as_booking(row: &visit::Model) -> Booking {
    Booking {
        id: row.id,
        slot: Slot { start: row.starts_at, end: row.ends_at },
        location: location(&row.kind, &row.place),
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

fn parse_time(input: &str) -> Result<NaiveTime, ValidationCode> {
    let input = input.trim();
    if input.is_empty() {
        return Err(ValidationCode::Required);
    }
    NaiveTime::parse_from_str(&input.replace('.', ":"), "%H:%M").map_err(|_| ValidationCode::InvalidTime)
}

fn parse_recurrence(input: &str) -> Result<Recurrence, ValidationCode> {
    match input.trim() {
        "" | "once" => Ok(Recurrence::Once),
        "weekly" => Ok(Recurrence::Weekly),
        "every_other_week" => Ok(Recurrence::EveryOtherWeek),
        _ => Err(ValidationCode::UnknownChoice),
    }
}

/// Date, start and end as typed → the minutes between (same day; the end after the start).
fn parse_times(
    errors: &mut FormErrors,
    date: &str,
    start: &str,
    end: &str,
) -> Option<(NaiveDate, NaiveTime, u32)> {
    let date = errors.check("date", parse_date(date).ok_or(ValidationCode::InvalidDate));
    let start = errors.check("start", parse_time(start));
    let end = errors.check("end", parse_time(end));
    let (date, start, end) = (date?, start?, end?);
    if end <= start {
        errors.add("end", ValidationCode::EndBeforeStart);
        return None;
    }
    Some((date, start, (end - start).num_minutes() as u32))
}

async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, AppError> {
    Ok(super::db::begin_write(db).await?)
}

/// Locks the people a booking needs, users in id order and then the client, so concurrent
/// bookings wait for each other instead of both passing the check.
async fn lock_people(txn: &DatabaseTransaction, users: &[i64], client_id: i64) -> Result<(), AppError> {
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
enum Person {
    Staff(i64, ValidationCode),
    Client(i64),
}

/// Visits around `from..to` holding the person's time (planned or recorded; not cancelled).
async fn planned_around(
    db: &impl ConnectionTrait,
    person: Person,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<visit::Model>, AppError> {
    let who = match person {
        Person::Staff(id, _) => {
            Condition::any().add(visit::Column::GuideId.eq(id)).add(visit::Column::DriverId.eq(id))
        }
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
async fn check_free(
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

async fn guide_profile_of(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<guide_profile::Model>, AppError> {
    Ok(guide_profile::Entity::find_by_id(id).one(db).await?)
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

async fn user_by_id(db: &impl ConnectionTrait, id: Option<i64>) -> Result<Option<user::Model>, AppError> {
    match id {
        Some(id) => Ok(user::Entity::find_by_id(id).one(db).await?),
        None => Ok(None),
    }
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

async fn parse_ride(
    db: &impl ConnectionTrait,
    errors: &mut FormErrors,
    form: &VisitForm,
    guide: i64,
) -> Result<Option<Ride>, AppError> {
    for (i, stop) in form.stops().iter().enumerate() {
        errors.check(&format!("stop_{}", i + 1), text::one_line(stop, text::LINE));
    }
    if !errors.is_empty() {
        return Ok(None);
    }
    let mut typed = Vec::new();
    for (i, km) in form.leg_km().into_iter().enumerate() {
        typed.push(errors.check(&format!("km_{}", i + 1), rules::parse_km(km)).flatten());
    }
    let legs = match rules::itinerary(&form.stops(), &typed) {
        Ok(legs) if legs.is_empty() => return Ok(None),
        Ok(legs) => legs,
        Err((leg, code)) => {
            let field = if code == ValidationCode::TooFewStops {
                "stop_2".to_owned()
            } else {
                format!("km_{}", leg + 1)
            };
            errors.add(&field, code);
            return Ok(None);
        }
    };
    let driver = match form.driver.trim() {
        "" => guide,
        id => match id.parse::<i64>() {
            Ok(id) => id,
            Err(_) => {
                errors.add("driver", ValidationCode::UnknownChoice);
                return Ok(None);
            }
        },
    };
    let is_driver = has_role(db, driver, Role::Guide).await?
        && guide_profile_of(db, driver).await?.is_some_and(|p| p.has_car);
    let reimbursement = errors.check(
        "reimbursement",
        if form.reimbursement.trim().is_empty() {
            Ok(Reimbursement::Allowance)
        } else {
            Reimbursement::parse(&form.reimbursement)
        },
    );
    let ticket_cents = errors.check("ticket_price", rules::parse_euros(&form.ticket_price));
    // Going by bus needs no car; any other ride needs a guide with one.
    if !is_driver && reimbursement != Some(Reimbursement::BusTicket) {
        errors.add("driver", ValidationCode::NotADriver);
    }
    let (Some(reimbursement), Some(ticket_cents)) = (reimbursement, ticket_cents) else { return Ok(None) };
    if reimbursement == Reimbursement::BusTicket && ticket_cents.is_none() {
        errors.add("ticket_price", ValidationCode::Required);
    }
    Ok(Some(Ride { legs, driver, reimbursement, ticket_cents }))
}

fn when_text(row: &visit::Model) -> String {
    let zone = zone_of(row);
    let start = row.starts_at.with_timezone(&zone);
    let end = row.ends_at.with_timezone(&zone);
    format!("{} {}–{}", start.format("%Y-%m-%d"), start.format("%H:%M"), end.format("%H:%M"))
}

fn host_of(origin: &str) -> &str {
    origin.split("://").nth(1).unwrap_or(origin).split(['/', ':']).next().unwrap_or("rinnalla")
}

/// "M. K." from "Matti Koski": enough for the guide to know whose visit it is in a calendar
/// that leaves Rinnalla.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect::<Vec<_>>()
        .join(" ")
}

fn entry(row: &visit::Model, summary: String, origin: &str) -> Entry {
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

/// Tells the people taking part (besides the one who made the change) about new, moved or
/// cancelled visits, each with the calendar file. The client is never e-mailed.
async fn notify(
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
        let summary = format!("Rinnalla: {}", emails::kind_name(locale, &first.kind));
        let entries: Vec<Entry> =
            rows.iter().map(|row| entry(row, summary.clone(), &mailing.origin)).collect();
        let when = when_text(first);
        let facts = VisitFacts { kind: &first.kind, when: &when, place: &first.place };
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
enum Change {
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

/// Guides book from today on; a visit on a day already gone is entered by a coordinator, and
/// that entry is written to the audit trail as its own action.
async fn check_not_past(
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
    let times = parse_times(&mut errors, &form.date, &form.start, &form.end);
    let recurrence = errors.check("recurrence", parse_recurrence(&form.recurrence));
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
        let row = visit::ActiveModel {
            id: NotSet,
            client_id: Set(client.id),
            guide_id: Set(guide),
            social_worker_id: Set(social_worker),
            kind: Set(kind.as_str().to_owned()),
            starts_at: Set(slot.start),
            ends_at: Set(slot.end),
            zone: Set(HELSINKI.name().to_owned()),
            place: Set(place.to_owned()),
            address: Set((!address.is_empty()).then(|| address.to_owned())),
            status: Set(VisitStatus::Planned.as_str().to_owned()),
            series_id: Set(series),
            sequence: Set(0),
            outcome_note: Set(None),
            minutes: Set(None),
            km_tenths: Set(None),
            driver_id: Set(ride.as_ref().map(|r| r.driver)),
            reimbursement: Set(ride.as_ref().map(|r| r.reimbursement.as_str().to_owned())),
            ticket_cents: Set(ride.as_ref().and_then(|r| r.ticket_cents).map(|c| c as i32)),
            created_by: Set(Some(ctx.actor_id())),
            excess_reason: Set(None),
            created_at: Set(ctx.now),
            updated_at: Set(ctx.now),
        }
        .insert(&txn)
        .await?;
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

async fn load(ctx: &Ctx, id: i64) -> Result<(visit::Model, client::Model, Resource), AppError> {
    let row = visit::Entity::find_by_id(id).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    let client = client::Entity::find_by_id(row.client_id).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    let resource = resource(&row, &client);
    Ok((row, client, resource))
}

fn map_url(row: &visit::Model) -> Option<String> {
    if VisitKind::parse(&row.kind).is_ok_and(VisitKind::is_remote) {
        return None;
    }
    let query = match (row.address.as_deref(), row.place.as_str()) {
        (Some(address), place) if !place.is_empty() => format!("{address}, {place}"),
        (Some(address), _) => address.to_owned(),
        (None, "") => return None,
        (None, place) => place.to_owned(),
    };
    // The universal maps link opens the phone's map app (or the browser) on both platforms.
    let query: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    Some(format!("https://www.google.com/maps/search/?api=1&query={query}"))
}

async fn view(
    ctx: &Ctx,
    row: visit::Model,
    client: &client::Model,
    resource: &Resource,
) -> Result<VisitView, AppError> {
    let zone = zone_of(&row);
    let start = row.starts_at.with_timezone(&zone);
    let end = row.ends_at.with_timezone(&zone);
    let legs = ride_leg::Entity::find()
        .filter(ride_leg::Column::VisitId.eq(row.id))
        .order_by_asc(ride_leg::Column::Position)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|l| LegView {
            from: l.from_place,
            to: l.to_place,
            km_tenths: l.km_tenths.max(0) as u32,
            estimated: l.estimated,
        })
        .collect();
    let status = VisitStatus::parse(&row.status).unwrap_or(VisitStatus::Planned);
    Ok(VisitView {
        id: row.id,
        client_id: ClientId(client.id),
        client_name: client.display_name.clone(),
        kind: row.kind.clone(),
        status: row.status.clone(),
        date: start.format("%Y-%m-%d").to_string(),
        start: start.format("%H:%M").to_string(),
        end: end.format("%H:%M").to_string(),
        place: row.place.clone(),
        address: row.address.clone(),
        pickup_address: client.pickup_address.clone(),
        phone: client.phone.clone(),
        contact_channel: client.contact_channel.clone(),
        guide_name: user_by_id(&ctx.db, Some(row.guide_id)).await?.map(|u| u.name).unwrap_or_default(),
        social_worker_name: user_by_id(&ctx.db, row.social_worker_id).await?.map(|u| u.name),
        driver_name: user_by_id(&ctx.db, row.driver_id).await?.map(|u| u.name),
        legs,
        reimbursement: row.reimbursement.clone(),
        ticket_cents: row.ticket_cents.map(|c| c.max(0) as u32),
        outcome_note: row.outcome_note.clone(),
        minutes: row.minutes.map(|m| m.max(0) as u32),
        km_tenths: row.km_tenths.map(|k| k.max(0) as u32),
        excess_reason: row.excess_reason.clone(),
        in_series: row.series_id.is_some(),
        started: row.starts_at <= ctx.now,
        map_url: map_url(&row),
        may: VisitMay {
            change: status == VisitStatus::Planned
                && can(&ctx.actor, Action::ChangeVisit, resource).is_allowed(),
            record: status != VisitStatus::Cancelled
                && can(&ctx.actor, Action::RecordVisitOutcome, resource).is_allowed(),
        },
    })
}

pub async fn get(ctx: &Ctx, id: i64) -> Result<VisitView, AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ViewVisit, client.id, &resource).await?;
    view(ctx, row, &client, &resource).await
}

/// The client's visits from a week ago on, for the client card.
pub async fn for_client(ctx: &Ctx, client_id: ClientId) -> Result<Vec<VisitView>, AppError> {
    let (client, client_resource) = load_client(ctx, client_id).await?;
    ctx.authorize_client(Action::ViewClient, client.id, &client_resource).await?;
    let rows = visit::Entity::find()
        .filter(visit::Column::ClientId.eq(client.id))
        .filter(visit::Column::StartsAt.gte(ctx.now - Duration::days(7)))
        .order_by_asc(visit::Column::StartsAt)
        .limit(50)
        .all(&ctx.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let resource = resource(&row, &client);
        if can(&ctx.actor, Action::ViewVisit, &resource).is_allowed() {
            out.push(view(ctx, row, &client, &resource).await?);
        }
    }
    Ok(out)
}

/// Today, or this week (Monday to Sunday), `offset` weeks from now: the visits the actor takes
/// part in, as guide, driver or social worker. Every client shown is an audited read.
pub async fn agenda(ctx: &Ctx, week: bool, offset: i32) -> Result<AgendaView, AppError> {
    ctx.authorize(Action::ViewAgenda, &Resource::Nothing, super::audit::entity::CLIENT, None).await?;
    let today = ctx.now.with_timezone(&HELSINKI).date_naive();
    let offset = offset.clamp(-52, 52);
    let (first, days) = if week {
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        (monday + Duration::weeks(i64::from(offset)), 7)
    } else {
        (today + Duration::days(i64::from(offset)), 1)
    };
    let from = start_of_day(first, HELSINKI);
    let to = start_of_day(first + Duration::days(days), HELSINKI);
    let me = ctx.actor_id();
    let rows = visit::Entity::find()
        .filter(
            Condition::any()
                .add(visit::Column::GuideId.eq(me))
                .add(visit::Column::DriverId.eq(me))
                .add(visit::Column::SocialWorkerId.eq(me)),
        )
        .filter(visit::Column::StartsAt.gte(from))
        .filter(visit::Column::StartsAt.lt(to))
        .order_by_asc(visit::Column::StartsAt)
        .all(&ctx.db)
        .await?;
    let mut shown = Vec::new();
    let mut by_day: Vec<AgendaDay> = (0..days)
        .map(|i| {
            let date = first + Duration::days(i);
            AgendaDay {
                date: date.to_string(),
                weekday: date.weekday().num_days_from_monday() as u8,
                visits: Vec::new(),
            }
        })
        .collect();
    let clients = clients_of(&ctx.db, &rows).await?;
    for row in rows {
        let Some(client) = clients.get(&row.client_id) else { continue };
        // A former guide's visits stay in the database for payroll, not in their agenda.
        let resource = resource(&row, client);
        if !can(&ctx.actor, Action::ViewVisit, &resource).is_allowed() {
            continue;
        }
        let date = row.starts_at.with_timezone(&zone_of(&row)).date_naive();
        let index = (date - first).num_days();
        shown.push(client.id);
        let item = view(ctx, row, client, &resource).await?;
        if let Some(day) = usize::try_from(index).ok().and_then(|i| by_day.get_mut(i)) {
            day.visits.push(item);
        }
    }
    shown.sort_unstable();
    shown.dedup();
    ctx.audit_clients(Action::ViewAgenda, &shown).await?;
    Ok(AgendaView { days: by_day, today: today.to_string() })
}

/// What the "done" form sends, as typed.
pub struct Recorded<'a> {
    pub outcome: &'a str,
    pub note: &'a str,
    pub hours: &'a str,
    pub km: &'a str,
    pub excess_reason: &'a str,
}

/// What the visit and its travel explain (see [`rules::explained`]): its booked length, its
/// ride's legs, and the road distance between the guide's home town and the place.
async fn explained(db: &impl ConnectionTrait, row: &visit::Model) -> Result<rules::Explained, AppError> {
    let booked = (row.ends_at - row.starts_at).num_minutes().clamp(0, i64::from(u32::MAX)) as u32;
    let ride: u32 = ride_leg::Entity::find()
        .filter(ride_leg::Column::VisitId.eq(row.id))
        .all(db)
        .await?
        .iter()
        .map(|l| l.km_tenths.max(0) as u32)
        .fold(0, u32::saturating_add);
    let home = guide_profile_of(db, row.guide_id).await?.map(|p| p.place).unwrap_or_default();
    let trip = rules::estimate_leg_tenths(&home, &row.place);
    let remote = VisitKind::parse(&row.kind).is_ok_and(VisitKind::is_remote);
    Ok(rules::explained(booked, remote, ride, trip))
}

/// The "done" form: done or no-show, with the note, the hours and the kilometres. Hours or
/// kilometres well beyond what the visit and its travel explain need a reason, which payroll
/// shows the coordinator.
pub async fn record_outcome(ctx: &Ctx, id: i64, form: &Recorded<'_>) -> Result<(), AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::RecordVisitOutcome, client.id, &resource).await?;
    if row.status == VisitStatus::Cancelled.as_str() {
        return Err(AppError::Conflict);
    }
    let mut errors = FormErrors::default();
    let status = errors.check(
        "outcome",
        match VisitStatus::parse(form.outcome) {
            Ok(s @ (VisitStatus::Done | VisitStatus::NoShow)) => Ok(s),
            Ok(_) => Err(ValidationCode::UnknownChoice),
            Err(code) => Err(code),
        },
    );
    let minutes = errors.check("hours", rules::parse_hours(form.hours));
    let km_tenths = errors.check("km", rules::parse_km(form.km));
    let note = errors.check("note", text::multi_line(form.note, text::NOTE));
    let reason = errors.check("excess_reason", text::multi_line(form.excess_reason, text::REASON));
    if row.starts_at > ctx.now {
        // Only what has happened can be recorded.
        errors.add("outcome", ValidationCode::NotYet);
    }
    let (Some(status), Some(minutes), Some(km_tenths), Some(note), Some(reason)) =
        (status, minutes, km_tenths, note, reason)
    else {
        return Err(AppError::Validation(errors.into_vec()));
    };
    let km_tenths = km_tenths.unwrap_or(0);
    let beyond = explained(&ctx.db, &row).await?.exceeded_by(minutes, km_tenths);
    if beyond && reason.is_empty() {
        errors.add("excess_reason", ValidationCode::ExcessNeedsReason);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    let mut active = row.into_active_model();
    active.status = Set(status.as_str().to_owned());
    active.outcome_note = Set((!note.is_empty()).then_some(note));
    active.minutes = Set(Some(minutes as i32));
    active.km_tenths = Set(Some(km_tenths as i32));
    // A reason is kept only while there is something beyond to explain.
    active.excess_reason = Set((beyond && !reason.is_empty()).then_some(reason));
    active.updated_at = Set(ctx.now);
    active.update(&ctx.db).await?;
    Ok(())
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
    let txn = ctx.db.begin().await?;
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
    let row = visit::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
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

/// The clients of `rows`, loaded at once.
async fn clients_of(
    db: &impl ConnectionTrait,
    rows: &[visit::Model],
) -> Result<std::collections::HashMap<i64, client::Model>, AppError> {
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
) -> Result<std::collections::HashMap<i64, (user::Model, Actor)>, AppError> {
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

/// `YYYY-MM` → its first day; empty means the month of `today`.
fn parse_month(input: &str, today: NaiveDate) -> Result<NaiveDate, ValidationCode> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(today.with_day(1).unwrap_or(today));
    }
    NaiveDate::parse_from_str(&format!("{input}-01"), "%Y-%m-%d").map_err(|_| ValidationCode::InvalidDate)
}

fn next_month(first: NaiveDate) -> NaiveDate {
    first.checked_add_months(chrono::Months::new(1)).unwrap_or(first)
}

/// The month's worked visits of one guide (done, or a no-show they went to).
async fn worked(
    db: &impl ConnectionTrait,
    guide: i64,
    first: NaiveDate,
) -> Result<Vec<visit::Model>, AppError> {
    Ok(visit::Entity::find()
        .filter(visit::Column::GuideId.eq(guide))
        .filter(visit::Column::Status.is_in([VisitStatus::Done.as_str(), VisitStatus::NoShow.as_str()]))
        .filter(visit::Column::StartsAt.gte(start_of_day(first, HELSINKI)))
        .filter(visit::Column::StartsAt.lt(start_of_day(next_month(first), HELSINKI)))
        .order_by_asc(visit::Column::StartsAt)
        .all(db)
        .await?)
}

fn worked_visit(row: &visit::Model) -> WorkedVisit {
    WorkedVisit {
        minutes: row.minutes.unwrap_or(0).max(0) as u32,
        km_tenths: row.km_tenths.unwrap_or(0).max(0) as u32,
        reimbursement: row.reimbursement.as_deref().and_then(|r| Reimbursement::parse(r).ok()),
        ticket_cents: row.ticket_cents.unwrap_or(0).max(0) as u32,
    }
}

pub async fn mileage(
    ctx: &Ctx,
    guide: Option<UserId>,
    month: &str,
    rate_cents_per_km: u32,
) -> Result<MileageView, AppError> {
    let guide = guide.map_or(ctx.actor_id(), |g| g.0);
    let account = user_by_id(&ctx.db, Some(guide)).await?.ok_or(AppError::NotFound)?;
    let target = Resource::Account {
        roles: crate::domain::roles::RoleSet::new([Role::Guide]),
        is_self: guide == ctx.actor_id(),
    };
    ctx.authorize(Action::ViewMileage, &target, super::audit::entity::ACCOUNT, Some(guide.to_string()))
        .await?;
    let today = ctx.now.with_timezone(&HELSINKI).date_naive();
    let first = parse_month(month, today).map_err(|code| AppError::invalid("month", code))?;
    let rows = worked(&ctx.db, guide, first).await?;
    let totals = rules::month_totals(&rows.iter().map(worked_visit).collect::<Vec<_>>(), rate_cents_per_km);
    Ok(MileageView {
        guide_id: UserId(guide),
        guide_name: account.name,
        month: first.format("%Y-%m").to_string(),
        rows: rows
            .iter()
            .map(|row| {
                let w = worked_visit(row);
                MileageRow {
                    visit_id: row.id,
                    date: row.starts_at.with_timezone(&zone_of(row)).format("%Y-%m-%d").to_string(),
                    kind: row.kind.clone(),
                    status: row.status.clone(),
                    minutes: w.minutes,
                    km_tenths: w.km_tenths,
                    reimbursement: row.reimbursement.clone(),
                    ticket_cents: w.ticket_cents,
                    excess_reason: row.excess_reason.clone(),
                }
            })
            .collect(),
        totals,
        rate_cents_per_km,
        may_export: can(&ctx.actor, Action::ExportPayroll, &Resource::Nothing).is_allowed(),
    })
}

/// Every guide's month as CSV for payroll: one row per guide, no client data.
pub async fn payroll_csv(
    ctx: &Ctx,
    month: &str,
    rate_cents_per_km: u32,
) -> Result<(String, String), AppError> {
    ctx.authorize(Action::ExportPayroll, &Resource::Nothing, super::audit::entity::ACCOUNT, None).await?;
    let today = ctx.now.with_timezone(&HELSINKI).date_naive();
    let first = parse_month(month, today).map_err(|code| AppError::invalid("month", code))?;
    let guide_ids: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(Role::Guide.as_str()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let guides = user::Entity::find()
        .filter(user::Column::Id.is_in(guide_ids))
        .order_by_asc(user::Column::Name)
        .all(&ctx.db)
        .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "guide",
        "email",
        "month",
        "visits",
        "hours",
        "km",
        "km_allowance_eur",
        "bus_tickets_eur",
        "total_eur",
        "reasons_for_excess",
    ];
    out.write_record(header)?;
    let month_text = first.format("%Y-%m").to_string();
    for guide in guides {
        let rows = worked(&ctx.db, guide.id, first).await?;
        let t = rules::month_totals(&rows.iter().map(worked_visit).collect::<Vec<_>>(), rate_cents_per_km);
        // Hours or kilometres beyond what a visit explains, with the guide's reason: dated,
        // so payroll can ask about the right day.
        let reasons = rows
            .iter()
            .filter_map(|row| {
                let reason = row.excess_reason.as_deref()?;
                let date = row.starts_at.with_timezone(&zone_of(row)).format("%Y-%m-%d");
                Some(format!("{date}: {}", reason.replace('\n', " ")))
            })
            .collect::<Vec<_>>()
            .join(" | ");
        out.write_record([
            guide.name.as_str(),
            guide.email.as_str(),
            month_text.as_str(),
            &t.visits.to_string(),
            &format!("{:.2}", f64::from(t.minutes) / 60.0),
            &rules::format_tenths(t.km_tenths, '.'),
            &rules::format_cents(t.allowance_cents, '.'),
            &rules::format_cents(t.ticket_cents, '.'),
            &rules::format_cents(t.reimbursement_cents(), '.'),
            &reasons,
        ])?;
    }
    let bytes = out.into_inner()?;
    Ok((format!("rinnalla-payroll-{month_text}.csv"), String::from_utf8(bytes)?))
}

/// Queues tomorrow's reminders: to the guide (with how the client likes to be contacted) and
/// to the social worker of three-way and review meetings. From noon the day before, once per
/// visit and time (a moved visit is reminded again).
pub async fn queue_reminders(
    db: &DatabaseConnection,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let local = now.with_timezone(&HELSINKI);
    if local.time() < NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN) {
        return Ok(0);
    }
    let tomorrow = local.date_naive() + Duration::days(1);
    let rows = visit::Entity::find()
        .filter(visit::Column::Status.eq(VisitStatus::Planned.as_str()))
        .filter(visit::Column::StartsAt.gte(start_of_day(tomorrow, HELSINKI)))
        .filter(visit::Column::StartsAt.lt(start_of_day(tomorrow + Duration::days(1), HELSINKI)))
        .all(db)
        .await?;
    let clients = clients_of(db, &rows).await?;
    let mut people: Vec<i64> =
        rows.iter().flat_map(|r| [Some(r.guide_id), r.social_worker_id]).flatten().collect();
    people.sort_unstable();
    people.dedup();
    let people = actors(db, &people).await?;
    let mut queued = 0;
    for row in rows {
        let Some(client) = clients.get(&row.client_id) else { continue };
        let when = when_text(&row);
        let facts = VisitFacts { kind: &row.kind, when: &when, place: &row.place };
        let link = format!("{origin}/visits/{}", row.id);
        let mut to = vec![(row.guide_id, true)];
        if VisitKind::parse(&row.kind).is_ok_and(VisitKind::with_social_worker)
            && let Some(sw) = row.social_worker_id
        {
            to.push((sw, false));
        }
        let visit = resource(&row, client);
        for (id, is_guide) in to {
            // The policy decides here too: nobody is reminded of a visit they may not see.
            let Some((account, actor)) = people.get(&id) else { continue };
            if !can(actor, Action::ViewVisit, &visit).is_allowed() {
                continue;
            }
            let channel = is_guide.then(|| emails::channel_name(account, &client.contact_channel));
            let key = format!("visit-reminder:{}:{}:{id}", row.id, row.starts_at.timestamp());
            let mail = emails::visit_reminder(account, &facts, channel.as_deref(), &link, key);
            if outbox::enqueue(db, mail, now).await? == outbox::Enqueued::Queued {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

// The calendar feed: a secret link per person, stored as its SHA-256 only.

/// The feed link is one's own setting.
async fn authorize_own_feed(ctx: &Ctx) -> Result<(), AppError> {
    let own = Resource::Account { roles: ctx.actor.roles.clone(), is_self: true };
    ctx.authorize(
        Action::ManageOwnSettings,
        &own,
        super::audit::entity::ACCOUNT,
        Some(ctx.actor_id().to_string()),
    )
    .await
}

pub async fn feed_status(ctx: &Ctx) -> Result<bool, AppError> {
    authorize_own_feed(ctx).await?;
    Ok(calendar_feed::Entity::find()
        .filter(calendar_feed::Column::UserId.eq(ctx.actor_id()))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .one(&ctx.db)
        .await?
        .is_some())
}

async fn revoke_all(db: &impl ConnectionTrait, user_id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    calendar_feed::Entity::update_many()
        .col_expr(calendar_feed::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
        .filter(calendar_feed::Column::UserId.eq(user_id))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A new feed link; any earlier one stops working.
pub async fn new_feed(ctx: &Ctx) -> Result<String, AppError> {
    authorize_own_feed(ctx).await?;
    let secret = tokens::new_secret();
    let txn = ctx.db.begin().await?;
    revoke_all(&txn, ctx.actor_id(), ctx.now).await?;
    calendar_feed::ActiveModel {
        id: NotSet,
        user_id: Set(ctx.actor_id()),
        token_hash: Set(tokens::hash(&secret)),
        created_at: Set(ctx.now),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    ctx.audit_allowed(
        Action::ManageOwnSettings,
        super::audit::entity::ACCOUNT,
        Some(ctx.actor_id().to_string()),
    )
    .await?;
    Ok(ctx.mailing.link(&format!("/calendar/{secret}.ics")))
}

pub async fn revoke_feed(ctx: &Ctx) -> Result<(), AppError> {
    authorize_own_feed(ctx).await?;
    revoke_all(&ctx.db, ctx.actor_id(), ctx.now).await?;
    ctx.audit_allowed(
        Action::ManageOwnSettings,
        super::audit::entity::ACCOUNT,
        Some(ctx.actor_id().to_string()),
    )
    .await
}

/// The feed behind a secret link: the person's visits from 60 days back to a year ahead, or
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
        .filter(calendar_feed::Column::RevokedAt.is_null())
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
        entries.push(entry(row, format!("{} · {name}", emails::kind_name(locale, &row.kind)), origin));
    }
    clients.sort_unstable();
    clients.dedup();
    let events: Vec<super::audit::Event<'_>> = clients
        .iter()
        .map(|id| super::audit::Event {
            at: now,
            actor: Some(owner.id),
            action: "calendar_feed",
            entity: super::audit::entity::CLIENT,
            entity_id: Some(id.to_string()),
            purpose: None,
            outcome: super::audit::Outcome::Allowed,
            request_id: None,
        })
        .collect();
    super::audit::record_many(db, &events).await?;
    Ok(calendar::render("Rinnalla", Method::Publish, &entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_keep_only_the_first_letters() {
        assert_eq!(initials("Matti Koski"), "M. K.");
        assert_eq!(initials("Åsa"), "Å.");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn map_links_encode_the_address_and_calls_have_none() {
        let mut row = visit::Model {
            id: 1,
            client_id: 1,
            guide_id: 1,
            social_worker_id: None,
            kind: "home_visit".into(),
            starts_at: Utc::now(),
            ends_at: Utc::now(),
            zone: "Europe/Helsinki".into(),
            place: "Kuortane".into(),
            address: Some("Kirkkotie 1 & 2".into()),
            status: "planned".into(),
            series_id: None,
            sequence: 0,
            outcome_note: None,
            minutes: None,
            km_tenths: None,
            driver_id: None,
            reimbursement: None,
            ticket_cents: None,
            created_by: None,
            excess_reason: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(
            map_url(&row).unwrap(),
            "https://www.google.com/maps/search/?api=1&query=Kirkkotie+1+%26+2%2C+Kuortane"
        );
        row.kind = "call".into();
        assert_eq!(map_url(&row), None);
    }

    #[test]
    fn months_parse_and_default_to_this_month() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_month("", today), Ok(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()));
        assert_eq!(parse_month("2026-02", today), Ok(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()));
        assert_eq!(parse_month("2026-13", today), Err(ValidationCode::InvalidDate));
        assert_eq!(
            next_month(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }
}
