//! Outings and groups: creating one with its sessions, the list of coming sessions, one
//! session's page, and the sign-ups with their waitlist. The rules of places and offers are
//! `domain::outings`; this module runs them inside the session's lock and writes what they
//! decide.
//!
//! Capacity holds under any timing: every change to a session's sign-ups (signing up,
//! cancelling, confirming, moving up, offers lapsing) runs in one write transaction that first
//! locks the session's row (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite `BEGIN IMMEDIATE`
//! holds the database's write lock), reads the sign-ups, settles the waitlist and writes. The
//! second of two racing sign-ups reads the first one's committed row, so a hundred at the same
//! moment for ten places leave ten confirmed and ninety waiting in the order they got the lock.
//! Sessions are always locked in id order, so two changes to several sessions cannot deadlock.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, Func, LockType},
};

use super::{
    ctx::{Ctx, Mailing},
    db::begin_write,
    emails::{self, Notice, OutingInvitation},
    entities::{client, outing, outing_driver, outing_leader, outing_session, outing_signup, user},
    error::{find, stored},
    guidance::load_client,
    people,
};
use crate::{
    domain::{
        ids::{ClientId, UserId},
        outings::{self as rules, Change, NewOuting, OutingFields, Seat, SignupStatus},
        policy::{Action, Resource, can},
        roles::Role,
        text,
        time::HELSINKI,
        validation::ValidationCode,
    },
    dto::{
        AppError,
        outings::{
            AttendedOuting, CARD_OUTINGS, LATER_SESSIONS, LIST_PAGE, OutingChoices, OutingForm, OutingList,
            OutingView, ParticipantView, SessionPage, SessionRow, SignedUp, SignupForm,
        },
    },
};

mod council;
mod day;
mod invitations;

pub use council::{AGENDA_AHEAD, announce, council_travel_in_month, save_notes, send_council_agendas};
pub use day::{
    WorkedOuting, assign_rider, calendar_entries, mark_attendance, offer_seats, pickups, record_work,
    withdraw_seats, worked_in_month,
};

const PLANNED: &str = "planned";
const ENTITY: &str = "outing";

// ---------------------------------------------------------------------------------------
// Creating an outing.

pub async fn choices(ctx: &Ctx) -> Result<OutingChoices, AppError> {
    ctx.authorize(Action::PlanOuting, &Resource::Nothing, ENTITY, None).await?;
    let guides = people::active_users_with_role(&ctx.db, Role::Guide).await?;
    Ok(OutingChoices {
        today: ctx.now.with_timezone(&HELSINKI).date_naive(),
        guides: guides.into_iter().map(|u| (UserId(u.id), u.name)).collect(),
        leads_own: leads_own(ctx),
    })
}

/// A guide who is not a coordinator leads what they plan.
fn leads_own(ctx: &Ctx) -> Option<UserId> {
    let roles = &ctx.actor.roles;
    (roles.has(Role::Guide) && !roles.has(Role::Coordinator)).then_some(ctx.actor.user_id)
}

/// Creates the outing, its leaders and its sessions; returns the first session's id.
pub async fn create(ctx: &Ctx, form: &OutingForm) -> Result<i64, AppError> {
    ctx.authorize(Action::PlanOuting, &Resource::Nothing, ENTITY, None).await?;
    let fields = OutingFields {
        kind: &form.kind,
        title: &form.title,
        description: &form.description,
        place: &form.place,
        meeting_point: &form.meeting_point,
        date: &form.date,
        start: &form.start,
        end: &form.end,
        recurrence: &form.recurrence,
        until: &form.until,
        capacity: &form.capacity,
        cost: &form.cost,
        reimbursed: &form.reimbursed,
        accessibility: &form.accessibility,
        closes_days: &form.closes_days,
        hold_hours: &form.hold_hours,
    };
    let today = ctx.now.with_timezone(&HELSINKI).date_naive();
    let parsed = rules::parse_outing(&fields, HELSINKI, today);
    let mut leaders: Vec<i64> = Vec::new();
    let mut leader_error = None;
    for (key, value) in &form.leaders {
        if value != "on" {
            continue;
        }
        match key.parse::<i64>() {
            Ok(id) => leaders.push(id),
            Err(_) => leader_error = Some(ValidationCode::UnknownChoice),
        }
    }
    leaders.extend(leads_own(ctx).map(|u| u.0));
    leaders.sort_unstable();
    leaders.dedup();
    if leader_error.is_none() {
        let guides: Vec<i64> =
            people::active_users_with_role(&ctx.db, Role::Guide).await?.iter().map(|u| u.id).collect();
        if leaders.is_empty() {
            leader_error = Some(ValidationCode::Required);
        } else if leaders.iter().any(|id| !guides.contains(id)) {
            leader_error = Some(ValidationCode::UnknownChoice);
        }
    }
    let outing = match (parsed, leader_error) {
        (Ok(outing), None) => outing,
        (Ok(_), Some(code)) => return Err(AppError::invalid("leaders", code)),
        (Err(mut errors), code) => {
            if let Some(code) = code {
                errors.push(crate::domain::validation::FieldError { field: "leaders".into(), code });
            }
            return Err(AppError::Validation(errors));
        }
    };
    let txn = begin_write(&ctx.db).await?;
    let first = insert(&txn, &outing, &leaders, Some(ctx.actor_id()), ctx.now).await?;
    let sessions: Vec<i64> = outing_session::Entity::find()
        .select_only()
        .column(outing_session::Column::Id)
        .filter(outing_session::Column::OutingId.eq(first.0))
        .into_tuple()
        .all(&txn)
        .await?;
    let others: Vec<i64> = leaders.iter().copied().filter(|id| *id != ctx.actor_id()).collect();
    invitations::invite(&txn, &sessions, &others, OutingInvitation::Leading, &ctx.mailing, ctx.now).await?;
    txn.commit().await?;
    ctx.audit_allowed(Action::PlanOuting, ENTITY, Some(first.0.to_string())).await?;
    if checked(&form.announce) {
        announce(ctx, first.0, first.1).await?;
    }
    Ok(first.1)
}

/// Writes an outing with its leaders and sessions; returns its id and its first session's.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: &NewOuting,
    leaders: &[i64],
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(i64, i64), AppError> {
    let row = outing::ActiveModel {
        id: NotSet,
        kind: Set(new.kind.as_str().to_owned()),
        title: Set(new.title.clone()),
        description: Set(new.description.clone()),
        place: Set(new.place.clone()),
        meeting_point: Set(new.meeting_point.clone()),
        capacity: Set(new.capacity as i32),
        cost_cents: Set(new.cost_cents as i32),
        reimbursed: Set(new.reimbursed.clone()),
        accessibility: Set(new.accessibility.clone()),
        closes_days: Set(new.closes_days as i32),
        hold_hours: Set(new.hold_hours as i32),
        recurrence: Set(recurrence_name(new.recurrence).to_owned()),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    outing_leader::Entity::insert_many(leaders.iter().map(|&user_id| outing_leader::ActiveModel {
        id: NotSet,
        outing_id: Set(row.id),
        user_id: Set(user_id),
    }))
    .exec(db)
    .await?;
    let mut first = None;
    for slot in &new.sessions {
        let session = outing_session::ActiveModel {
            id: NotSet,
            outing_id: Set(row.id),
            starts_at: Set(slot.start),
            ends_at: Set(slot.end),
            zone: Set(HELSINKI.name().to_owned()),
            status: Set(PLANNED.to_owned()),
            agenda: Set(None),
            agenda_sent_at: Set(None),
            memo: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        first.get_or_insert(session.id);
    }
    Ok((row.id, first.ok_or_else(|| AppError::internal("an outing without sessions"))?))
}

fn recurrence_name(r: crate::domain::scheduling::Recurrence) -> &'static str {
    use crate::domain::scheduling::Recurrence;
    match r {
        Recurrence::Once => "once",
        Recurrence::Weekly => "weekly",
        Recurrence::EveryOtherWeek => "every_other_week",
        Recurrence::Monthly => "monthly",
    }
}

// ---------------------------------------------------------------------------------------
// The list of coming sessions.

/// `<unix seconds>-<id>` of the last row shown: the next page starts after it.
fn parse_cursor(cursor: &str) -> Result<(DateTime<Utc>, i64), AppError> {
    let bad = || AppError::invalid("after", ValidationCode::OutOfRange);
    let (secs, id) = cursor.split_once('-').ok_or_else(bad)?;
    let at = DateTime::from_timestamp(secs.parse().map_err(|_| bad())?, 0).ok_or_else(bad)?;
    Ok((at, id.parse().map_err(|_| bad())?))
}

/// Coming sessions (not yet ended), soonest first, a page at a time. Five queries whatever
/// the page holds: the sessions, their outings, and the sign-up counts.
pub async fn list(ctx: &Ctx, after: Option<&str>) -> Result<OutingList, AppError> {
    ctx.authorize(Action::ViewOutings, &Resource::Nothing, ENTITY, None).await?;
    let mut query = outing_session::Entity::find()
        .filter(outing_session::Column::Status.eq(PLANNED))
        .filter(outing_session::Column::EndsAt.gt(ctx.now));
    if let Some(cursor) = after.filter(|c| !c.is_empty()) {
        let (at, id) = parse_cursor(cursor)?;
        query = query.filter(
            Condition::any().add(outing_session::Column::StartsAt.gt(at)).add(
                Condition::all()
                    .add(outing_session::Column::StartsAt.eq(at))
                    .add(outing_session::Column::Id.gt(id)),
            ),
        );
    }
    let mut sessions = query
        .order_by_asc(outing_session::Column::StartsAt)
        .order_by_asc(outing_session::Column::Id)
        .limit(LIST_PAGE + 1)
        .all(&ctx.db)
        .await?;
    let more = sessions.len() as u64 > LIST_PAGE;
    sessions.truncate(LIST_PAGE as usize);
    let outings = outings_by_id(&ctx.db, sessions.iter().map(|s| s.outing_id).collect()).await?;
    let counts = counts(&ctx.db, sessions.iter().map(|s| s.id).collect()).await?;
    let mut rows = Vec::with_capacity(sessions.len());
    for s in &sessions {
        let Some(o) = outings.get(&s.outing_id) else { continue };
        let c = counts.get(&s.id).copied().unwrap_or_default();
        let capacity = o.capacity.max(0) as u32;
        rows.push(SessionRow {
            session_id: s.id,
            kind: stored(&o.kind)?,
            title: o.title.clone(),
            place: o.place.clone(),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            capacity,
            confirmed: c.confirmed,
            waiting: c.waiting,
            free: capacity.saturating_sub(c.confirmed + c.offered),
        });
    }
    let next =
        if more { sessions.last().map(|s| format!("{}-{}", s.starts_at.timestamp(), s.id)) } else { None };
    Ok(OutingList {
        sessions: rows,
        next,
        may_plan: can(&ctx.actor, Action::PlanOuting, &Resource::Nothing).is_allowed(),
    })
}

async fn outings_by_id(
    db: &impl ConnectionTrait,
    mut ids: Vec<i64>,
) -> Result<HashMap<i64, outing::Model>, AppError> {
    ids.sort_unstable();
    ids.dedup();
    Ok(outing::Entity::find()
        .filter(outing::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect())
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    confirmed: u32,
    offered: u32,
    waiting: u32,
}

/// Open sign-ups per session and status, in one grouped query.
async fn counts(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<HashMap<i64, Counts>, AppError> {
    let rows: Vec<(i64, String, i64)> = outing_signup::Entity::find()
        .select_only()
        .column(outing_signup::Column::SessionId)
        .column(outing_signup::Column::Status)
        .column_as(Expr::from(Func::count(Expr::col(outing_signup::Column::Id))), "n")
        .filter(outing_signup::Column::SessionId.is_in(ids))
        .filter(outing_signup::Column::Status.is_in(SignupStatus::open()))
        .group_by(outing_signup::Column::SessionId)
        .group_by(outing_signup::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Counts> = HashMap::new();
    for (session, status, n) in rows {
        let entry = out.entry(session).or_default();
        let n = n.max(0) as u32;
        match stored::<SignupStatus>(&status)? {
            SignupStatus::Confirmed => entry.confirmed = n,
            SignupStatus::Offered => entry.offered = n,
            SignupStatus::Waiting => entry.waiting = n,
            SignupStatus::Cancelled | SignupStatus::Lapsed => {}
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// One session.

/// Everything the rules and the page need of a session, loaded in a fixed number of queries.
struct Loaded {
    session: outing_session::Model,
    outing: outing::Model,
    leaders: Vec<i64>,
    signups: Vec<outing_signup::Model>,
    /// The cars offered, by driver id.
    drivers: Vec<outing_driver::Model>,
    ride_seats: u32,
}

impl Loaded {
    fn rules(&self) -> rules::Session {
        rules::Session {
            capacity: self.outing.capacity.max(0) as u32,
            ride_seats: self.ride_seats,
            starts_at: self.session.starts_at,
            hold: Duration::hours(i64::from(self.outing.hold_hours.max(1))),
        }
    }

    fn seats(&self) -> Result<Vec<Seat>, AppError> {
        self.signups.iter().map(seat_of).collect()
    }

    fn resource(&self) -> Resource {
        Resource::Outing {
            leaders: self.leaders.iter().copied().map(UserId).collect(),
            drivers: self.drivers.iter().map(|d| UserId(d.driver_id)).collect(),
        }
    }

    fn closes_at(&self) -> DateTime<Utc> {
        rules::signup_closes_at(self.session.starts_at, self.outing.closes_days.max(0) as u32)
    }
}

fn seat_of(row: &outing_signup::Model) -> Result<Seat, AppError> {
    Ok(Seat {
        id: row.id,
        status: stored(&row.status)?,
        queue: row.queue,
        needs_ride: row.needs_ride,
        own_transport: row.own_transport.is_some(),
        offer_expires_at: row.offer_expires_at,
    })
}

async fn load(db: &impl ConnectionTrait, session_id: i64) -> Result<Loaded, AppError> {
    let session = find::<outing_session::Entity>(db, session_id).await?;
    let outing = find::<outing::Entity>(db, session.outing_id).await?;
    let leaders = outing_leader::Entity::find()
        .filter(outing_leader::Column::OutingId.eq(outing.id))
        .order_by_asc(outing_leader::Column::UserId)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.user_id)
        .collect();
    let signups = outing_signup::Entity::find()
        .filter(outing_signup::Column::SessionId.eq(session_id))
        .order_by_asc(outing_signup::Column::Queue)
        .order_by_asc(outing_signup::Column::Id)
        .all(db)
        .await?;
    let drivers = outing_driver::Entity::find()
        .filter(outing_driver::Column::SessionId.eq(session_id))
        .order_by_asc(outing_driver::Column::DriverId)
        .all(db)
        .await?;
    let ride_seats = drivers.iter().map(|d| d.seats.max(0) as u32).sum();
    Ok(Loaded { session, outing, leaders, signups, drivers, ride_seats })
}

fn outing_view(o: &outing::Model, leaders: Vec<String>) -> Result<OutingView, AppError> {
    Ok(OutingView {
        id: o.id,
        kind: stored(&o.kind)?,
        title: o.title.clone(),
        description: o.description.clone(),
        place: o.place.clone(),
        meeting_point: o.meeting_point.clone(),
        cost_cents: o.cost_cents.max(0) as u32,
        reimbursed: o.reimbursed.clone(),
        accessibility: o.accessibility.clone(),
        recurrence: crate::domain::booking::parse_recurrence(&o.recurrence)
            .map_err(|_| AppError::internal("unknown stored recurrence"))?,
        hold_hours: o.hold_hours.max(0) as u32,
        leaders,
    })
}

/// A session's page. Leaders and coordinators see every participant's name; other guides see
/// only their own clients among them (the rest are counted). Every name shown is an audited
/// read of that client.
pub async fn session_page(
    ctx: &Ctx,
    session_id: i64,
    chosen: Option<ClientId>,
) -> Result<SessionPage, AppError> {
    ctx.authorize(Action::ViewOutings, &Resource::Nothing, ENTITY, Some(session_id.to_string())).await?;
    let loaded = load(&ctx.db, session_id).await?;
    let resource = loaded.resource();
    let sees_everyone = can(&ctx.actor, Action::ViewOutingParticipants, &resource).is_allowed();
    let may_manage = can(&ctx.actor, Action::ManageOuting, &resource).is_allowed();

    let open: Vec<&outing_signup::Model> = loaded
        .signups
        .iter()
        .filter(|s| SignupStatus::parse(&s.status).is_some_and(SignupStatus::is_open))
        .collect();
    let mut client_ids: Vec<i64> = open.iter().map(|s| s.client_id).collect();
    client_ids.extend(chosen.map(|c| c.0));
    let clients: HashMap<i64, client::Model> = client::Entity::find()
        .filter(client::Column::Id.is_in(client_ids))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let client_resource = |c: &client::Model| Resource::Client {
        guide: c.guide_id.map(UserId),
        referred_by: c.referred_by.map(UserId),
    };

    let mut position = 0;
    let mut participants = Vec::new();
    let mut counts = Counts::default();
    for row in &open {
        let status: SignupStatus = stored(&row.status)?;
        match status {
            SignupStatus::Confirmed => counts.confirmed += 1,
            SignupStatus::Offered => counts.offered += 1,
            SignupStatus::Waiting => counts.waiting += 1,
            SignupStatus::Cancelled | SignupStatus::Lapsed => {}
        }
        if status == SignupStatus::Waiting {
            position += 1;
        }
        let Some(client) = clients.get(&row.client_id) else { continue };
        let own = can(&ctx.actor, Action::SignUpForOuting, &client_resource(client)).is_allowed();
        if !(sees_everyone || own) {
            continue;
        }
        participants.push(ParticipantView {
            signup_id: row.id,
            client_id: ClientId(client.id),
            name: client.display_name.clone(),
            status,
            position: (status == SignupStatus::Waiting).then_some(position),
            needs_ride: row.needs_ride,
            pickup_place: row.pickup_place.clone(),
            own_transport: row.own_transport.clone(),
            offer_expires_at: row.offer_expires_at,
            may_change: own,
            attendance: row.attendance.as_deref().map(stored).transpose()?,
        });
    }

    let chosen = chosen
        .and_then(|id| clients.get(&id.0))
        .filter(|c| can(&ctx.actor, Action::SignUpForOuting, &client_resource(c)).is_allowed())
        .map(|c| (ClientId(c.id), c.display_name.clone()));
    let signed: Vec<i64> = open.iter().map(|s| s.client_id).collect();
    let my_clients: Vec<(ClientId, String)> = if ctx.actor.roles.has(Role::Guide) {
        client::Entity::find()
            .filter(client::Column::GuideId.eq(ctx.actor_id()))
            .filter(client::Column::Id.is_not_in(signed))
            .order_by_asc(client::Column::DisplayName)
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|c| (ClientId(c.id), c.display_name))
            .collect()
    } else {
        Vec::new()
    };

    // The names shown are reads of those clients.
    let mut shown: Vec<i64> = participants.iter().map(|p| p.client_id.0).collect();
    shown.extend(chosen.iter().map(|c| c.0.0));
    shown.extend(my_clients.iter().map(|c| c.0.0));
    shown.sort_unstable();
    shown.dedup();
    // Audited under the page's own action, as every list is.
    ctx.audit_clients(Action::ViewOutings, &shown).await?;

    let leader_names = people::names(&ctx.db, loaded.leaders.clone()).await?;
    let mut leaders: Vec<String> =
        loaded.leaders.iter().filter_map(|id| leader_names.get(id).cloned()).collect();
    leaders.sort();
    let later = outing_session::Entity::find()
        .filter(outing_session::Column::OutingId.eq(loaded.outing.id))
        .filter(outing_session::Column::Status.eq(PLANNED))
        .filter(outing_session::Column::StartsAt.gt(loaded.session.starts_at))
        .order_by_asc(outing_session::Column::StartsAt)
        .limit(LATER_SESSIONS)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.starts_at))
        .collect();
    let session_rules = loaded.rules();
    let free = rules::free(&session_rules, &loaded.seats()?);
    let closes_at = loaded.closes_at();
    let day = day::day_parts(ctx, &loaded).await?;
    Ok(SessionPage {
        session_id,
        outing: outing_view(&loaded.outing, leaders)?,
        starts_at: loaded.session.starts_at,
        ends_at: loaded.session.ends_at,
        capacity: session_rules.capacity,
        confirmed: counts.confirmed,
        offered: counts.offered,
        waiting: counts.waiting,
        free: free.places,
        ride_seats: loaded.ride_seats,
        free_ride_seats: free.ride_seats,
        closes_at,
        signup_open: loaded.session.status == PLANNED && ctx.now < closes_at,
        participants,
        sees_everyone,
        may_manage,
        my_clients,
        chosen,
        later,
        drivers: day.drivers,
        my_car: day.my_car,
        may_drive: day.may_drive,
        may_see_pickups: day.may_see_pickups,
        day_has_come: day.day_has_come,
        may_record_work: day.may_record_work,
        my_work: day.my_work,
        agenda: loaded.session.agenda.clone(),
        memo: loaded.session.memo.clone(),
    })
}

// ---------------------------------------------------------------------------------------
// Sign-ups and the waitlist.

/// Locks the sessions' rows, in id order (PostgreSQL; SQLite's write lock is already held).
async fn lock_sessions(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), AppError> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    outing_session::Entity::find()
        .filter(outing_session::Column::Id.is_in(ids))
        .order_by_asc(outing_session::Column::Id)
        .lock(LockType::Update)
        .all(db)
        .await?;
    Ok(())
}

/// Settles a locked session's waitlist: writes what [`rules::settle`] decides and tells the
/// guide of each client offered a place. Returns the session as it is afterwards and how many
/// changes were made.
async fn settle(
    db: &impl ConnectionTrait,
    session_id: i64,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<(Loaded, usize), AppError> {
    let mut loaded = load(db, session_id).await?;
    let changes = rules::settle(&loaded.rules(), &loaded.seats()?, now);
    if changes.is_empty() {
        return Ok((loaded, 0));
    }
    let mut offered = Vec::new();
    for change in &changes {
        let (id, update) = match *change {
            Change::Offer { id, expires_at } => {
                offered.push(id);
                (
                    id,
                    outing_signup::ActiveModel {
                        status: Set(SignupStatus::Offered.as_str().to_owned()),
                        offered_at: Set(Some(now)),
                        offer_expires_at: Set(Some(expires_at)),
                        updated_at: Set(now),
                        ..Default::default()
                    },
                )
            }
            Change::Lapse { id } => (
                id,
                outing_signup::ActiveModel {
                    status: Set(SignupStatus::Lapsed.as_str().to_owned()),
                    offer_expires_at: Set(None),
                    updated_at: Set(now),
                    ..Default::default()
                },
            ),
        };
        outing_signup::Entity::update_many()
            .set(update)
            .filter(outing_signup::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    tell_offered(db, &loaded, &offered, mailing, now).await?;
    let count = changes.len();
    loaded = load(db, session_id).await?;
    Ok((loaded, count))
}

/// "A place has freed up for your client" to each offered client's guide: no name, a link.
async fn tell_offered(
    db: &impl ConnectionTrait,
    loaded: &Loaded,
    offered: &[i64],
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if offered.is_empty() {
        return Ok(());
    }
    let rows: Vec<&outing_signup::Model> =
        loaded.signups.iter().filter(|s| offered.contains(&s.id)).collect();
    let clients: HashMap<i64, Option<i64>> = client::Entity::find()
        .filter(client::Column::Id.is_in(rows.iter().map(|r| r.client_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.guide_id))
        .collect();
    let guide_ids: Vec<i64> = clients.values().flatten().copied().collect();
    let guides: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(guide_ids))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let link = mailing.link(&format!("/outings/sessions/{}", loaded.session.id));
    for row in rows {
        let Some(guide) = clients.get(&row.client_id).copied().flatten().and_then(|g| guides.get(&g)) else {
            continue;
        };
        let key = format!("outing_offer:{}:{}", row.id, now.timestamp());
        mailing.enqueue(db, emails::notice(Notice::OutingPlaceOffered, guide, &link, key), now).await?;
    }
    Ok(())
}

fn checked(value: &str) -> bool {
    matches!(value, "on" | "true" | "1")
}

/// Signs a client up for a session (and, if asked, every later session of the group whose
/// sign-up is still open). Each session: confirmed when a place (and the ride needed) is free,
/// else the end of the waitlist.
pub async fn sign_up(ctx: &Ctx, form: &SignupForm) -> Result<SignedUp, AppError> {
    let mut errors = crate::domain::validation::FormErrors::default();
    let client_id = errors.check(
        "client_id",
        match form.client_id.trim() {
            "" => Err(ValidationCode::Required),
            id => id.parse::<i64>().map_err(|_| ValidationCode::UnknownChoice),
        },
    );
    let pickup = errors.check("pickup_place", text::one_line(&form.pickup_place, text::LINE));
    let needs_ride = checked(&form.needs_ride);
    if needs_ride && pickup.as_deref().is_some_and(str::is_empty) {
        errors.add("pickup_place", ValidationCode::Required);
    }
    if !checked(&form.consent) {
        errors.add("consent", ValidationCode::Required);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    let (Some(client_id), Some(pickup)) = (client_id, pickup) else { return Err(AppError::Forbidden) };
    let (client, resource) = load_client(ctx, ClientId(client_id)).await?;
    ctx.authorize_client(Action::SignUpForOuting, client.id, &resource).await?;
    if client.guide_id.is_none() {
        return Err(AppError::invalid("client_id", ValidationCode::NotInGuidance));
    }
    let first = find::<outing_session::Entity>(&ctx.db, form.session_id).await?;
    let mut sessions = vec![first.id];
    if checked(&form.whole_series) {
        sessions.extend(
            outing_session::Entity::find()
                .filter(outing_session::Column::OutingId.eq(first.outing_id))
                .filter(outing_session::Column::Status.eq(PLANNED))
                .filter(outing_session::Column::StartsAt.gt(first.starts_at))
                .all(&ctx.db)
                .await?
                .iter()
                .map(|s| s.id),
        );
    }

    let txn = begin_write(&ctx.db).await?;
    lock_sessions(&txn, &sessions).await?;
    let mut statuses = Vec::new();
    let mut confirmed = Vec::new();
    for (i, &session_id) in sessions.iter().enumerate() {
        let (loaded, _) = settle(&txn, session_id, &ctx.mailing, ctx.now).await?;
        let open = loaded.session.status == PLANNED && ctx.now < loaded.closes_at();
        let existing = loaded.signups.iter().find(|s| s.client_id == client.id);
        let already =
            existing.is_some_and(|s| SignupStatus::parse(&s.status).is_some_and(SignupStatus::is_open));
        if i == 0 && !open {
            return Err(AppError::invalid("session_id", ValidationCode::SignupClosed));
        }
        if i == 0 && already {
            return Err(AppError::invalid("client_id", ValidationCode::AlreadySignedUp));
        }
        if !open || already {
            continue; // later sessions: skip the closed ones and those already signed up for
        }
        let status = rules::arrival(&loaded.rules(), &loaded.seats()?, needs_ride, ctx.now);
        let queue = loaded.signups.iter().map(|s| s.queue).max().unwrap_or(0) + 1;
        let confirmed_at = (status == SignupStatus::Confirmed).then_some(ctx.now);
        let pickup_place = (needs_ride && !pickup.is_empty()).then(|| pickup.clone());
        match existing {
            Some(row) => {
                let mut row = row.clone().into_active_model();
                row.status = Set(status.as_str().to_owned());
                row.queue = Set(queue);
                row.needs_ride = Set(needs_ride);
                row.pickup_place = Set(pickup_place);
                row.own_transport = Set(None);
                row.moved_up_reason = Set(None);
                row.offered_at = Set(None);
                row.offer_expires_at = Set(None);
                row.confirmed_at = Set(confirmed_at);
                row.cancelled_at = Set(None);
                row.signed_up_by = Set(Some(ctx.actor_id()));
                row.updated_at = Set(ctx.now);
                row.update(&txn).await?;
            }
            None => {
                outing_signup::ActiveModel {
                    id: NotSet,
                    session_id: Set(session_id),
                    client_id: Set(client.id),
                    status: Set(status.as_str().to_owned()),
                    queue: Set(queue),
                    needs_ride: Set(needs_ride),
                    pickup_place: Set(pickup_place),
                    own_transport: Set(None),
                    moved_up_reason: Set(None),
                    driver_id: Set(None),
                    offered_at: Set(None),
                    offer_expires_at: Set(None),
                    confirmed_at: Set(confirmed_at),
                    cancelled_at: Set(None),
                    attendance: Set(None),
                    travel_guide_id: Set(None),
                    signed_up_by: Set(Some(ctx.actor_id())),
                    created_at: Set(ctx.now),
                    updated_at: Set(ctx.now),
                }
                .insert(&txn)
                .await?;
            }
        }
        if status == SignupStatus::Confirmed {
            confirmed.push(session_id);
        }
        statuses.push(status);
    }
    tell_guide(ctx, &txn, &client, &confirmed, OutingInvitation::ClientsPlace).await?;
    txn.commit().await?;
    Ok(SignedUp { session_id: first.id, statuses })
}

/// A sign-up with its client, authorized for `action` (on the client for their guide's
/// actions, on the outing for its leaders').
async fn signup_for(
    ctx: &Ctx,
    signup_id: i64,
    action: Action,
) -> Result<(outing_signup::Model, client::Model), AppError> {
    let signup = find::<outing_signup::Entity>(&ctx.db, signup_id).await?;
    let (client, client_resource) = load_client(ctx, ClientId(signup.client_id)).await?;
    let resource = match action {
        Action::SignUpForOuting => client_resource,
        _ => load(&ctx.db, signup.session_id).await?.resource(),
    };
    ctx.authorize_client(action, client.id, &resource).await?;
    Ok((signup, client))
}

/// Sets a locked sign-up's status when it is still one of `from`; otherwise someone decided
/// first and the answer is `Conflict`.
async fn move_status(
    db: &impl ConnectionTrait,
    id: i64,
    from: &[SignupStatus],
    update: outing_signup::ActiveModel,
) -> Result<(), AppError> {
    let result = outing_signup::Entity::update_many()
        .set(update)
        .filter(outing_signup::Column::Id.eq(id))
        .filter(outing_signup::Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .exec(db)
        .await?;
    super::db::decided_once(result, AppError::Conflict)
}

/// Cancels a sign-up (or declines an offer); the freed place goes to the next in line.
pub async fn cancel(ctx: &Ctx, signup_id: i64) -> Result<i64, AppError> {
    let (signup, client) = signup_for(ctx, signup_id, Action::SignUpForOuting).await?;
    let txn = begin_write(&ctx.db).await?;
    lock_sessions(&txn, &[signup.session_id]).await?;
    let had_place =
        find::<outing_signup::Entity>(&txn, signup.id).await?.status == SignupStatus::Confirmed.as_str();
    move_status(
        &txn,
        signup.id,
        &[SignupStatus::Confirmed, SignupStatus::Offered, SignupStatus::Waiting],
        outing_signup::ActiveModel {
            status: Set(SignupStatus::Cancelled.as_str().to_owned()),
            offer_expires_at: Set(None),
            cancelled_at: Set(Some(ctx.now)),
            updated_at: Set(ctx.now),
            ..Default::default()
        },
    )
    .await?;
    let (loaded, _) = settle(&txn, signup.session_id, &ctx.mailing, ctx.now).await?;
    if had_place {
        let guide: Vec<i64> = client.guide_id.into_iter().filter(|g| *g != ctx.actor_id()).collect();
        let guide = invitations::without_other_reason(&txn, &loaded.session, &guide).await?;
        let why = OutingInvitation::Removed;
        invitations::invite(&txn, &[signup.session_id], &guide, why, &ctx.mailing, ctx.now).await?;
    }
    txn.commit().await?;
    Ok(signup.session_id)
}

/// Mails the client's guide, unless they made the change themselves, the calendar file of
/// `sessions` (inside the caller's transaction).
async fn tell_guide(
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    client: &client::Model,
    sessions: &[i64],
    why: OutingInvitation,
) -> Result<(), AppError> {
    let guide: Vec<i64> = client.guide_id.into_iter().filter(|g| *g != ctx.actor_id()).collect();
    invitations::invite(db, sessions, &guide, why, &ctx.mailing, ctx.now).await
}

/// The guide confirms the place offered to their client, while the offer holds.
pub async fn confirm_offer(ctx: &Ctx, signup_id: i64) -> Result<i64, AppError> {
    let (signup, client) = signup_for(ctx, signup_id, Action::SignUpForOuting).await?;
    let txn = begin_write(&ctx.db).await?;
    lock_sessions(&txn, &[signup.session_id]).await?;
    // An offer that ran out lapses here, before it could be confirmed.
    settle(&txn, signup.session_id, &ctx.mailing, ctx.now).await?;
    move_status(
        &txn,
        signup.id,
        &[SignupStatus::Offered],
        outing_signup::ActiveModel {
            status: Set(SignupStatus::Confirmed.as_str().to_owned()),
            offer_expires_at: Set(None),
            confirmed_at: Set(Some(ctx.now)),
            updated_at: Set(ctx.now),
            ..Default::default()
        },
    )
    .await?;
    tell_guide(ctx, &txn, &client, &[signup.session_id], OutingInvitation::ClientsPlace).await?;
    txn.commit().await?;
    Ok(signup.session_id)
}

/// A leader or coordinator moves a waiting person to the front of the line, with a reason that
/// is kept on the sign-up and in the audit trail.
pub async fn move_up(ctx: &Ctx, signup_id: i64, reason: &str) -> Result<i64, AppError> {
    let reason =
        text::required_text(reason, text::REASON).map_err(|code| AppError::invalid("reason", code))?;
    let (signup, _) = signup_for(ctx, signup_id, Action::ManageOuting).await?;
    let txn = begin_write(&ctx.db).await?;
    lock_sessions(&txn, &[signup.session_id]).await?;
    let loaded = load(&txn, signup.session_id).await?;
    let front = rules::front_of_queue(&loaded.seats()?);
    move_status(
        &txn,
        signup.id,
        &[SignupStatus::Waiting],
        outing_signup::ActiveModel {
            queue: Set(front),
            moved_up_reason: Set(Some(reason)),
            updated_at: Set(ctx.now),
            ..Default::default()
        },
    )
    .await?;
    settle(&txn, signup.session_id, &ctx.mailing, ctx.now).await?;
    txn.commit().await?;
    Ok(signup.session_id)
}

/// A leader or coordinator confirms someone who needs a ride without a ride seat, with a note
/// of how they get there (a taxi, a relative). It still takes a place: the offered one, or a
/// free one.
pub async fn confirm_own_transport(ctx: &Ctx, signup_id: i64, note: &str) -> Result<i64, AppError> {
    let note = text::required_line(note, text::LINE).map_err(|code| AppError::invalid("note", code))?;
    let (signup, client) = signup_for(ctx, signup_id, Action::ManageOuting).await?;
    let txn = begin_write(&ctx.db).await?;
    lock_sessions(&txn, &[signup.session_id]).await?;
    let (loaded, _) = settle(&txn, signup.session_id, &ctx.mailing, ctx.now).await?;
    let current = loaded.signups.iter().find(|s| s.id == signup.id).ok_or(AppError::NotFound)?;
    let status: SignupStatus = stored(&current.status)?;
    let has_place = match status {
        SignupStatus::Offered | SignupStatus::Confirmed => true,
        SignupStatus::Waiting => rules::free(&loaded.rules(), &loaded.seats()?).places > 0,
        SignupStatus::Cancelled | SignupStatus::Lapsed => return Err(AppError::Conflict),
    };
    if !has_place {
        return Err(AppError::invalid("note", ValidationCode::SessionFull));
    }
    move_status(
        &txn,
        signup.id,
        &[status],
        outing_signup::ActiveModel {
            status: Set(SignupStatus::Confirmed.as_str().to_owned()),
            own_transport: Set(Some(note)),
            offer_expires_at: Set(None),
            confirmed_at: Set(Some(ctx.now)),
            updated_at: Set(ctx.now),
            ..Default::default()
        },
    )
    .await?;
    // A ride seat it no longer takes may be someone else's now.
    settle(&txn, signup.session_id, &ctx.mailing, ctx.now).await?;
    if status != SignupStatus::Confirmed {
        tell_guide(ctx, &txn, &client, &[signup.session_id], OutingInvitation::ClientsPlace).await?;
    }
    txn.commit().await?;
    Ok(signup.session_id)
}

/// Offers that ran out pass to the next in line, session by session (the housekeeping worker).
/// Returns how many changes were made.
pub async fn pass_on_lapsed_offers(
    db: &sea_orm::DatabaseConnection,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let sessions: Vec<i64> = outing_signup::Entity::find()
        .select_only()
        .column(outing_signup::Column::SessionId)
        .distinct()
        .filter(outing_signup::Column::Status.eq(SignupStatus::Offered.as_str()))
        .filter(outing_signup::Column::OfferExpiresAt.lte(now))
        .into_tuple()
        .all(db)
        .await?;
    let mailing = Mailing::detached(origin);
    let mut changed = 0;
    for session_id in sessions {
        let txn = begin_write(db).await?;
        lock_sessions(&txn, &[session_id]).await?;
        changed += settle(&txn, session_id, &mailing, now).await?.1;
        txn.commit().await?;
    }
    Ok(changed)
}

/// The latest sessions the client came to, for their card (three queries).
pub async fn attended_by(db: &impl ConnectionTrait, client_id: i64) -> Result<Vec<AttendedOuting>, AppError> {
    let signups = outing_signup::Entity::find()
        .filter(outing_signup::Column::ClientId.eq(client_id))
        .filter(outing_signup::Column::Attendance.eq(rules::Attendance::Attended.as_str()))
        .all(db)
        .await?;
    let sessions = outing_session::Entity::find()
        .filter(outing_session::Column::Id.is_in(signups.iter().map(|s| s.session_id).collect::<Vec<_>>()))
        .order_by_desc(outing_session::Column::StartsAt)
        .limit(CARD_OUTINGS)
        .all(db)
        .await?;
    let outings: HashMap<i64, outing::Model> = outing::Entity::find()
        .filter(outing::Column::Id.is_in(sessions.iter().map(|s| s.outing_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    sessions
        .iter()
        .filter_map(|s| outings.get(&s.outing_id).map(|o| (s, o)))
        .map(|(s, o)| {
            Ok(AttendedOuting {
                session_id: s.id,
                kind: stored(&o.kind)?,
                title: o.title.clone(),
                starts_at: s.starts_at,
            })
        })
        .collect()
}

/// The client's guidance ended or their consent stopped: their sign-ups for sessions still to
/// come are cancelled and each freed place goes to the next in line, inside the caller's
/// transaction. Nobody is left to confirm an offer for them, and no leader should see the name.
pub async fn withdraw_client(
    db: &impl ConnectionTrait,
    client_id: i64,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let coming: Vec<i64> = outing_session::Entity::find()
        .select_only()
        .column(outing_session::Column::Id)
        .filter(outing_session::Column::EndsAt.gt(now))
        .into_tuple()
        .all(db)
        .await?;
    let rows = outing_signup::Entity::find()
        .filter(outing_signup::Column::ClientId.eq(client_id))
        .filter(outing_signup::Column::Status.is_in(SignupStatus::open()))
        .filter(outing_signup::Column::SessionId.is_in(coming))
        .all(db)
        .await?;
    let sessions: Vec<i64> = rows.iter().map(|r| r.session_id).collect();
    lock_sessions(db, &sessions).await?;
    outing_signup::Entity::update_many()
        .set(outing_signup::ActiveModel {
            status: Set(SignupStatus::Cancelled.as_str().to_owned()),
            offer_expires_at: Set(None),
            cancelled_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(outing_signup::Column::Id.is_in(rows.iter().map(|r| r.id).collect::<Vec<_>>()))
        .exec(db)
        .await?;
    for session_id in &sessions {
        settle(db, *session_id, mailing, now).await?;
    }
    Ok(rows.len())
}
