//! The day of an outing: drivers offering seats, who picks up whom, attendance in a tap, and
//! the hours and kilometres of those who led or drove, for the month's mileage and payroll.
//!
//! Every change to seats or to who rides in which car runs under the session's lock, like the
//! sign-ups: ride seats are part of what the waitlist decides by.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use super::{ENTITY, Loaded, PLANNED, load, lock_sessions, settle, signup_for};
use crate::{
    backend::{
        ctx::Ctx,
        db::begin_write,
        entities::{client, outing, outing_driver, outing_session, outing_signup, outing_work},
        error::find,
        people,
    },
    domain::{
        ids::UserId,
        outings::{self as rules, Attendance, Car, Rider, SignupStatus},
        places,
        policy::{Action, Resource, can},
        scheduling::Location,
        text,
        time::{HELSINKI, next_month, start_of_day},
        validation::{FormErrors, ValidationCode},
        visits::{Reimbursement, WorkedVisit, parse_hours, parse_km},
    },
    dto::{
        AppError,
        outings::{DriverView, PickupsPage, RiderView, RouteView, SeatsForm, StopView, WorkForm, WorkView},
    },
};

/// Where a place name is, for travel estimates.
fn location(place: &str) -> Location {
    places::index_of(place.trim()).map_or(Location::Unknown, Location::At)
}

fn zone(session: &outing_session::Model) -> chrono_tz::Tz {
    session.zone.parse().unwrap_or(HELSINKI)
}

/// A confirmed participant who needs a seat in a car (not one coming by their own transport).
fn rides(row: &outing_signup::Model) -> bool {
    row.status == SignupStatus::Confirmed.as_str() && row.needs_ride && row.own_transport.is_none()
}

async fn driver_views(
    db: &impl ConnectionTrait,
    drivers: &[outing_driver::Model],
) -> Result<Vec<DriverView>, AppError> {
    let names = people::names(db, drivers.iter().map(|d| d.driver_id).collect()).await?;
    Ok(drivers
        .iter()
        .map(|d| DriverView {
            driver_id: UserId(d.driver_id),
            name: names.get(&d.driver_id).cloned().unwrap_or_default(),
            seats: d.seats.max(0) as u32,
            from_place: d.from_place.clone(),
        })
        .collect())
}

/// What a session's page shows of the day: the cars, the viewer's own car and hours.
pub(super) struct DayParts {
    pub drivers: Vec<DriverView>,
    pub my_car: Option<DriverView>,
    pub may_drive: bool,
    pub may_see_pickups: bool,
    pub day_has_come: bool,
    pub may_record_work: bool,
    pub my_work: Option<WorkView>,
}

pub(super) async fn day_parts(ctx: &Ctx, loaded: &Loaded) -> Result<DayParts, AppError> {
    let resource = loaded.resource();
    let drivers = driver_views(&ctx.db, &loaded.drivers).await?;
    let me = UserId(ctx.actor_id());
    let my_car = drivers.iter().find(|d| d.driver_id == me).cloned();
    let may_record_work = can(&ctx.actor, Action::RecordOutingWork, &resource).is_allowed();
    let my_work = if may_record_work {
        outing_work::Entity::find()
            .filter(outing_work::Column::SessionId.eq(loaded.session.id))
            .filter(outing_work::Column::UserId.eq(me.0))
            .one(&ctx.db)
            .await?
            .map(|w| WorkView { minutes: w.minutes.max(0) as u32, km_tenths: w.km_tenths.max(0) as u32 })
    } else {
        None
    };
    Ok(DayParts {
        drivers,
        my_car,
        may_drive: can(&ctx.actor, Action::DriveForOuting, &Resource::Nothing).is_allowed()
            && loaded.session.status == PLANNED
            && ctx.now < loaded.session.starts_at,
        may_see_pickups: can(&ctx.actor, Action::ViewPickups, &resource).is_allowed(),
        day_has_come: rules::day_has_come(loaded.session.starts_at, zone(&loaded.session), ctx.now),
        may_record_work,
        my_work,
    })
}

// ---------------------------------------------------------------------------------------
// Seats in cars.

/// A guide offers seats in their car for a session, or changes how many. Fewer seats than the
/// riders already confirmed is refused: the coordinator finds them another way first.
pub async fn offer_seats(ctx: &Ctx, form: &SeatsForm) -> Result<i64, AppError> {
    ctx.authorize(Action::DriveForOuting, &Resource::Nothing, ENTITY, Some(form.session_id.to_string()))
        .await?;
    let mut errors = FormErrors::default();
    let seats = errors.check("seats", rules::parse_seats(&form.seats));
    let from = errors.check("from_place", text::required_line(&form.from_place, text::LINE));
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    let (Some(seats), Some(from)) = (seats, from) else { return Err(AppError::Forbidden) };
    let me = ctx.actor_id();
    let txn = begin_write(&ctx.db).await?;
    lock_sessions(&txn, &[form.session_id]).await?;
    let loaded = load(&txn, form.session_id).await?;
    if loaded.session.status != PLANNED || ctx.now >= loaded.session.starts_at {
        return Err(AppError::invalid("seats", ValidationCode::SignupClosed));
    }
    let mine = loaded.drivers.iter().find(|d| d.driver_id == me);
    let others = loaded.ride_seats - mine.map_or(0, |d| d.seats.max(0) as u32);
    if others + seats < rules::riding(&loaded.seats()?) {
        return Err(AppError::invalid("seats", ValidationCode::SeatsTaken));
    }
    match mine {
        Some(row) => {
            let mut row = row.clone().into_active_model();
            row.seats = Set(seats as i32);
            row.from_place = Set(from);
            row.update(&txn).await?;
        }
        None => {
            outing_driver::ActiveModel {
                id: NotSet,
                session_id: Set(form.session_id),
                driver_id: Set(me),
                seats: Set(seats as i32),
                from_place: Set(from),
                created_at: Set(ctx.now),
            }
            .insert(&txn)
            .await?;
        }
    }
    // A new seat may let the first waiting rider be offered a place.
    settle(&txn, form.session_id, &ctx.mailing, ctx.now).await?;
    txn.commit().await?;
    Ok(form.session_id)
}

/// A driver takes their offer back, while the riders still fit the other cars.
pub async fn withdraw_seats(ctx: &Ctx, session_id: i64) -> Result<i64, AppError> {
    ctx.authorize(Action::DriveForOuting, &Resource::Nothing, ENTITY, Some(session_id.to_string())).await?;
    let me = ctx.actor_id();
    let txn = begin_write(&ctx.db).await?;
    lock_sessions(&txn, &[session_id]).await?;
    let loaded = load(&txn, session_id).await?;
    let Some(mine) = loaded.drivers.iter().find(|d| d.driver_id == me) else {
        return Err(AppError::NotFound);
    };
    if loaded.ride_seats - (mine.seats.max(0) as u32) < rules::riding(&loaded.seats()?) {
        return Err(AppError::invalid("seats", ValidationCode::SeatsTaken));
    }
    outing_driver::Entity::delete_by_id(mine.id).exec(&txn).await?;
    // Riders the coordinator had put in this car go back to the proposal.
    outing_signup::Entity::update_many()
        .set(outing_signup::ActiveModel {
            driver_id: Set(None),
            updated_at: Set(ctx.now),
            ..Default::default()
        })
        .filter(outing_signup::Column::SessionId.eq(session_id))
        .filter(outing_signup::Column::DriverId.eq(me))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(session_id)
}

/// A leader or coordinator puts a rider in a car (`driver` 0: back to the proposal).
pub async fn assign_rider(ctx: &Ctx, signup_id: i64, driver: i64) -> Result<i64, AppError> {
    let (signup, _) = signup_for(ctx, signup_id, Action::ManageOuting).await?;
    let txn = begin_write(&ctx.db).await?;
    lock_sessions(&txn, &[signup.session_id]).await?;
    let loaded = load(&txn, signup.session_id).await?;
    let current = loaded.signups.iter().find(|s| s.id == signup.id).ok_or(AppError::NotFound)?;
    if !rides(current) {
        return Err(AppError::Conflict);
    }
    let chosen = if driver == 0 {
        None
    } else {
        let car = loaded
            .drivers
            .iter()
            .find(|d| d.driver_id == driver)
            .ok_or(AppError::invalid("driver", ValidationCode::UnknownChoice))?;
        let in_car = loaded
            .signups
            .iter()
            .filter(|s| s.id != signup.id && rides(s) && s.driver_id == Some(driver))
            .count();
        if in_car as i64 >= i64::from(car.seats) {
            return Err(AppError::invalid("driver", ValidationCode::CarFull));
        }
        Some(driver)
    };
    outing_signup::Entity::update_many()
        .set(outing_signup::ActiveModel {
            driver_id: Set(chosen),
            updated_at: Set(ctx.now),
            ..Default::default()
        })
        .filter(outing_signup::Column::Id.eq(signup.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(signup.session_id)
}

// ---------------------------------------------------------------------------------------
// Pickups.

/// Who picks up whom, in what order and when: the coordinator's choices kept, the rest
/// proposed by [`rules::plan_pickups_keeping`]. A driver sees their own car; leaders and
/// coordinators every car and the riders left without a seat. The names shown are audited.
pub async fn pickups(ctx: &Ctx, session_id: i64) -> Result<PickupsPage, AppError> {
    let loaded = load(&ctx.db, session_id).await?;
    let resource = loaded.resource();
    ctx.authorize(Action::ViewPickups, &resource, ENTITY, Some(session_id.to_string())).await?;
    let sees_all = can(&ctx.actor, Action::ViewOutingParticipants, &resource).is_allowed();
    let may_adjust = can(&ctx.actor, Action::ManageOuting, &resource).is_allowed();
    let me = ctx.actor_id();

    let cars: Vec<Car> = loaded
        .drivers
        .iter()
        .map(|d| Car { driver: d.driver_id, from: location(&d.from_place), seats: d.seats.max(0) as u32 })
        .collect();
    let riders: Vec<&outing_signup::Model> = loaded.signups.iter().filter(|s| rides(s)).collect();
    let rider = |s: &outing_signup::Model| Rider {
        signup: s.id,
        at: location(s.pickup_place.as_deref().unwrap_or_default()),
    };
    let pinned: Vec<(Rider, i64)> =
        riders.iter().filter_map(|s| s.driver_id.map(|d| (rider(s), d))).collect();
    let free: Vec<Rider> = riders.iter().filter(|s| s.driver_id.is_none()).map(|s| rider(s)).collect();
    let km = |a: u16, b: u16| places::distances().km(a, b);
    let plan = rules::plan_pickups_keeping(
        &cars,
        &pinned,
        &free,
        location(&loaded.outing.place),
        loaded.session.starts_at,
        km,
    );

    let routes: Vec<&rules::Route> = plan.routes.iter().filter(|r| sees_all || r.driver == me).collect();
    let mut shown: Vec<i64> =
        routes.iter().flat_map(|r| r.stops.iter().flat_map(|s| s.riders.iter().copied())).collect();
    if sees_all {
        shown.extend(&plan.unplaced);
    }
    let by_signup: HashMap<i64, &outing_signup::Model> = riders.iter().map(|s| (s.id, *s)).collect();
    let client_ids: Vec<i64> = shown.iter().filter_map(|id| by_signup.get(id)).map(|s| s.client_id).collect();
    let names: HashMap<i64, String> = client::Entity::find()
        .filter(client::Column::Id.is_in(client_ids.clone()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.display_name))
        .collect();
    let mut audited = client_ids;
    audited.sort_unstable();
    audited.dedup();
    ctx.audit_clients(Action::ViewPickups, &audited).await?;

    let rider_view = |id: &i64| {
        by_signup.get(id).map(|s| RiderView {
            signup_id: s.id,
            name: names.get(&s.client_id).cloned().unwrap_or_default(),
            pickup_place: s.pickup_place.clone().unwrap_or_default(),
            pinned: s.driver_id.is_some(),
        })
    };
    let drivers = driver_views(&ctx.db, &loaded.drivers).await?;
    let route_views = routes
        .iter()
        .filter_map(|r| {
            let driver = drivers.iter().find(|d| d.driver_id.0 == r.driver)?.clone();
            let stops = r
                .stops
                .iter()
                .map(|stop| {
                    let riders: Vec<RiderView> = stop.riders.iter().filter_map(rider_view).collect();
                    // A known place by its name; elsewhere the address the rider gave.
                    let place = match stop.at {
                        Location::At(i) => places::get(i).map(|p| p.name.clone()).unwrap_or_default(),
                        _ => riders.first().map(|r| r.pickup_place.clone()).unwrap_or_default(),
                    };
                    StopView {
                        map_url: places::map_url(&place, None),
                        place,
                        pickup_at: stop.pickup_at,
                        riders,
                    }
                })
                .collect();
            Some(RouteView { driver, leaves_at: r.leaves_at, stops, arrives_at: r.arrives_at })
        })
        .collect();
    Ok(PickupsPage {
        session_id,
        title: loaded.outing.title.clone(),
        meeting_point: loaded.outing.meeting_point.clone(),
        starts_at: loaded.session.starts_at,
        routes: route_views,
        unplaced: if sees_all { plan.unplaced.iter().filter_map(rider_view).collect() } else { Vec::new() },
        may_adjust,
        drivers: if may_adjust { drivers } else { Vec::new() },
    })
}

// ---------------------------------------------------------------------------------------
// On the day.

/// A leader marks a confirmed participant as come or not, from the morning of the day on.
/// The first mark makes the session held.
pub async fn mark_attendance(ctx: &Ctx, signup_id: i64, attendance: &str) -> Result<i64, AppError> {
    let attendance = Attendance::parse(attendance)
        .ok_or(AppError::invalid("attendance", ValidationCode::UnknownChoice))?;
    let (signup, client) = signup_for(ctx, signup_id, Action::ManageOuting).await?;
    let session = find::<outing_session::Entity>(&ctx.db, signup.session_id).await?;
    if !rules::day_has_come(session.starts_at, zone(&session), ctx.now) {
        return Err(AppError::invalid("attendance", ValidationCode::NotTheDayYet));
    }
    if session.status == "cancelled" {
        return Err(AppError::Conflict);
    }
    // A council participant who came has their bus-ticket travel paid back through their guide.
    let outing = find::<outing::Entity>(&ctx.db, session.outing_id).await?;
    let is_council = outing.kind == rules::OutingKind::Council.as_str();
    let travel_guide =
        (is_council && attendance == Attendance::Attended).then_some(client.guide_id).flatten();
    let txn = begin_write(&ctx.db).await?;
    let result = outing_signup::Entity::update_many()
        .set(outing_signup::ActiveModel {
            attendance: Set(Some(attendance.as_str().to_owned())),
            travel_guide_id: Set(travel_guide),
            updated_at: Set(ctx.now),
            ..Default::default()
        })
        .filter(outing_signup::Column::Id.eq(signup.id))
        .filter(outing_signup::Column::Status.eq(SignupStatus::Confirmed.as_str()))
        .exec(&txn)
        .await?;
    crate::backend::db::decided_once(result, AppError::Conflict)?;
    outing_session::Entity::update_many()
        .set(outing_session::ActiveModel {
            status: Set("held".to_owned()),
            updated_at: Set(ctx.now),
            ..Default::default()
        })
        .filter(outing_session::Column::Id.eq(session.id))
        .filter(outing_session::Column::Status.eq(PLANNED))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(signup.session_id)
}

/// A leader or driver writes their hours and kilometres for the session (again to correct).
pub async fn record_work(ctx: &Ctx, form: &WorkForm) -> Result<i64, AppError> {
    let loaded = load(&ctx.db, form.session_id).await?;
    ctx.authorize(Action::RecordOutingWork, &loaded.resource(), ENTITY, Some(form.session_id.to_string()))
        .await?;
    let mut errors = FormErrors::default();
    let minutes = errors.check("hours", parse_hours(&form.hours));
    let km = errors.check("km", parse_km(&form.km));
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    let (Some(minutes), Some(km)) = (minutes, km) else { return Err(AppError::Forbidden) };
    if !rules::day_has_come(loaded.session.starts_at, zone(&loaded.session), ctx.now) {
        return Err(AppError::invalid("hours", ValidationCode::NotTheDayYet));
    }
    let me = ctx.actor_id();
    let txn = begin_write(&ctx.db).await?;
    lock_sessions(&txn, &[form.session_id]).await?;
    let existing = outing_work::Entity::find()
        .filter(outing_work::Column::SessionId.eq(form.session_id))
        .filter(outing_work::Column::UserId.eq(me))
        .one(&txn)
        .await?;
    match existing {
        Some(row) => {
            let mut row = row.into_active_model();
            row.minutes = Set(minutes as i32);
            row.km_tenths = Set(km.unwrap_or(0) as i32);
            row.updated_at = Set(ctx.now);
            row.update(&txn).await?;
        }
        None => {
            outing_work::ActiveModel {
                id: NotSet,
                session_id: Set(form.session_id),
                user_id: Set(me),
                minutes: Set(minutes as i32),
                km_tenths: Set(km.unwrap_or(0) as i32),
                created_at: Set(ctx.now),
                updated_at: Set(ctx.now),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(form.session_id)
}

// ---------------------------------------------------------------------------------------
// The month, for mileage and payroll.

/// One outing session worked in a month.
pub struct WorkedOuting {
    pub user_id: i64,
    pub session_id: i64,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub zone: chrono_tz::Tz,
    pub title: String,
    pub minutes: u32,
    pub km_tenths: u32,
}

impl WorkedOuting {
    pub fn worked(&self) -> WorkedVisit {
        WorkedVisit {
            minutes: self.minutes,
            km_tenths: self.km_tenths,
            // Outings are driven in one's own car.
            reimbursement: (self.km_tenths > 0).then_some(Reimbursement::Allowance),
            ticket_cents: 0,
            outing: true,
        }
    }
}

/// The month's outing work, of one person or of everyone, in three queries whatever its rows.
pub async fn worked_in_month(
    db: &impl ConnectionTrait,
    user: Option<i64>,
    first: NaiveDate,
) -> Result<Vec<WorkedOuting>, AppError> {
    let sessions: HashMap<i64, outing_session::Model> = outing_session::Entity::find()
        .filter(outing_session::Column::StartsAt.gte(start_of_day(first, HELSINKI)))
        .filter(outing_session::Column::StartsAt.lt(start_of_day(next_month(first), HELSINKI)))
        .filter(outing_session::Column::Status.ne("cancelled"))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut query = outing_work::Entity::find()
        .filter(outing_work::Column::SessionId.is_in(sessions.keys().copied().collect::<Vec<_>>()));
    if let Some(user) = user {
        query = query.filter(outing_work::Column::UserId.eq(user));
    }
    let work = query.order_by_asc(outing_work::Column::Id).all(db).await?;
    let outing_ids: Vec<i64> =
        work.iter().filter_map(|w| sessions.get(&w.session_id)).map(|s| s.outing_id).collect();
    let titles: HashMap<i64, String> = outing::Entity::find()
        .filter(outing::Column::Id.is_in(outing_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.title))
        .collect();
    let mut rows: Vec<WorkedOuting> = work
        .into_iter()
        .filter_map(|w| {
            let session = sessions.get(&w.session_id)?;
            Some(WorkedOuting {
                user_id: w.user_id,
                session_id: session.id,
                starts_at: session.starts_at,
                zone: zone(session),
                title: titles.get(&session.outing_id).cloned().unwrap_or_default(),
                minutes: w.minutes.max(0) as u32,
                km_tenths: w.km_tenths.max(0) as u32,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r.starts_at, r.session_id));
    Ok(rows)
}

// ---------------------------------------------------------------------------------------
// Calendars.

/// The calendar events of the outing sessions `owner` leads, drives for, or has a confirmed
/// client in, starting in `from..to`: the outing's title and place, never a participant's name.
/// Five queries, whatever the rows.
pub async fn calendar_entries(
    db: &impl ConnectionTrait,
    owner: i64,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
    origin: &str,
) -> Result<Vec<crate::backend::calendar::Entry>, AppError> {
    use sea_orm::{Condition, QuerySelect};

    use crate::backend::entities::outing_leader;

    let led: Vec<i64> = outing_leader::Entity::find()
        .select_only()
        .column(outing_leader::Column::OutingId)
        .filter(outing_leader::Column::UserId.eq(owner))
        .into_tuple()
        .all(db)
        .await?;
    let driven: Vec<i64> = outing_driver::Entity::find()
        .select_only()
        .column(outing_driver::Column::SessionId)
        .filter(outing_driver::Column::DriverId.eq(owner))
        .into_tuple()
        .all(db)
        .await?;
    // Sessions with one of the owner's clients (their named guide now) confirmed in them.
    let with_clients: Vec<i64> = outing_signup::Entity::find()
        .select_only()
        .column(outing_signup::Column::SessionId)
        .filter(outing_signup::Column::Status.eq(SignupStatus::Confirmed.as_str()))
        .filter(
            outing_signup::Column::ClientId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(client::Column::Id)
                    .from(client::Entity)
                    .and_where(client::Column::GuideId.eq(owner))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut sessions: Vec<i64> = driven.into_iter().chain(with_clients).collect();
    sessions.sort_unstable();
    sessions.dedup();
    let rows = outing_session::Entity::find()
        .filter(
            Condition::any()
                .add(outing_session::Column::OutingId.is_in(led))
                .add(outing_session::Column::Id.is_in(sessions)),
        )
        .filter(outing_session::Column::StartsAt.gte(from))
        .filter(outing_session::Column::StartsAt.lt(to))
        .order_by_asc(outing_session::Column::StartsAt)
        .all(db)
        .await?;
    let outings: HashMap<i64, outing::Model> = outing::Entity::find()
        .filter(outing::Column::Id.is_in(rows.iter().map(|r| r.outing_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    Ok(rows.iter().filter_map(|s| outings.get(&s.outing_id).map(|o| session_entry(s, o, origin))).collect())
}

/// A session as a calendar event: the outing's title, meeting point and place, never a
/// participant's name. The feed and the e-mailed invitations share its UID, so whoever has both
/// sees one event.
pub(super) fn session_entry(
    s: &outing_session::Model,
    o: &outing::Model,
    origin: &str,
) -> crate::backend::calendar::Entry {
    let host = crate::domain::calendar::host_of(origin);
    let location = [o.meeting_point.as_str(), o.place.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    crate::backend::calendar::Entry {
        uid: format!("outing-session-{}@{host}", s.id),
        sequence: 0,
        start: s.starts_at,
        end: s.ends_at,
        summary: o.title.clone(),
        location: (!location.is_empty()).then_some(location),
        url: Some(format!("{origin}/outings/sessions/{}", s.id)),
        cancelled: s.status == "cancelled",
        stamp: s.updated_at,
    }
}
