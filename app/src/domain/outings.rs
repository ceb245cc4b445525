//! Group outings and recurring groups: the places of a session, its ordered waitlist, the
//! offer of a freed place that is held for a while, and the form that creates an outing.
//!
//! The rules, in the words of the people who use them:
//! - A session has `capacity` places. Confirmed participants and open offers take a place;
//!   nobody else does. Capacity is never exceeded.
//! - A client who needs a ride also takes a ride seat (offered by drivers), unless the
//!   coordinator confirmed them with a note (a taxi, a relative drives). A place is never given
//!   to someone whose ride is not there.
//! - The waitlist is ordered by arrival (`queue`, smaller first). When a place frees up, the
//!   first waiting person who can take it is **offered** it, held until `hold` has passed
//!   (never past the start). Their guide confirms for the client. An offer that is not confirmed
//!   in time **lapses**: the person leaves the waitlist (their guide may sign them up again, at
//!   the end) and the place passes to the next. Lapsing rather than keeping the front spot,
//!   because a place held again and again for someone who does not answer is a place the next
//!   person never gets.
//! - A coordinator may move someone to the front, with a reason that is logged.
//!
//! [`settle`] is the one function that decides offers; every change (a cancellation, a new
//! driver, the clock) is followed by it, inside the session's lock.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{
    booking::{parse_recurrence, parse_times},
    scheduling::{self, Location, Recurrence, Slot},
    text,
    time::parse_date,
    validation::{FieldError, FormErrors, ValidationCode},
};

/// What kind of gathering it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum OutingKind {
    /// A one-off outing or a series of trips.
    Outing,
    /// A recurring group (a weekly game group).
    Group,
    /// A client council or co-development group: agenda before, memo after, travel paid at
    /// the bus-ticket price.
    Council,
}

impl std::str::FromStr for OutingKind {
    type Err = ();
    fn from_str(text: &str) -> Result<Self, ()> {
        Self::parse(text).ok_or(())
    }
}

impl std::str::FromStr for SignupStatus {
    type Err = ();
    fn from_str(text: &str) -> Result<Self, ()> {
        Self::parse(text).ok_or(())
    }
}

impl OutingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutingKind::Outing => "outing",
            OutingKind::Group => "group",
            OutingKind::Council => "council",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        use strum::IntoEnumIterator;
        Self::iter().find(|k| k.as_str() == name)
    }
}

/// Where one person's sign-up for one session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum SignupStatus {
    Confirmed,
    /// A freed place is held for them until the offer's time runs out.
    Offered,
    Waiting,
    Cancelled,
    /// An offer that was not confirmed in time.
    Lapsed,
}

impl SignupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SignupStatus::Confirmed => "confirmed",
            SignupStatus::Offered => "offered",
            SignupStatus::Waiting => "waiting",
            SignupStatus::Cancelled => "cancelled",
            SignupStatus::Lapsed => "lapsed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        use strum::IntoEnumIterator;
        Self::iter().find(|k| k.as_str() == name)
    }

    /// Takes one of the session's places.
    pub fn holds_place(self) -> bool {
        matches!(self, SignupStatus::Confirmed | SignupStatus::Offered)
    }

    /// Still taking part or hoping to (may be cancelled).
    pub fn is_open(self) -> bool {
        matches!(self, SignupStatus::Confirmed | SignupStatus::Offered | SignupStatus::Waiting)
    }

    /// The stored names of the statuses that are still open.
    pub fn open() -> [&'static str; 3] {
        [SignupStatus::Confirmed.as_str(), SignupStatus::Offered.as_str(), SignupStatus::Waiting.as_str()]
    }
}

/// Whether a confirmed participant came, as the leader marks it on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Attended,
    NoShow,
}

impl Attendance {
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Attended => "attended",
            Attendance::NoShow => "no_show",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        use strum::IntoEnumIterator;
        Self::iter().find(|k| k.as_str() == name)
    }
}

impl std::str::FromStr for Attendance {
    type Err = ();
    fn from_str(text: &str) -> Result<Self, ()> {
        Self::parse(text).ok_or(())
    }
}

/// Attendance, hours and kilometres are written from the morning of the session's day (in
/// the session's zone) on: a leader marks who came as people arrive, not only afterwards.
pub fn day_has_come(starts_at: DateTime<Utc>, zone: Tz, now: DateTime<Utc>) -> bool {
    now.with_timezone(&zone).date_naive() >= starts_at.with_timezone(&zone).date_naive()
}

/// One sign-up as the waitlist rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub id: i64,
    pub status: SignupStatus,
    /// Arrival order on the waitlist, smaller first.
    pub queue: i64,
    pub needs_ride: bool,
    /// Confirmed by the coordinator with a note about how they get there: takes no ride seat.
    pub own_transport: bool,
    pub offer_expires_at: Option<DateTime<Utc>>,
}

impl Seat {
    /// Takes a driver's seat.
    fn takes_ride_seat(&self) -> bool {
        self.status.holds_place() && self.needs_ride && !self.own_transport
    }
}

/// How many of the session's ride seats are taken.
pub fn riding(seats: &[Seat]) -> u32 {
    seats.iter().filter(|s| s.takes_ride_seat()).count() as u32
}

/// Seats offered in a car: a whole number from 1 to [`MAX_CAR_SEATS`].
pub fn parse_seats(input: &str) -> Result<u32, ValidationCode> {
    match input.trim() {
        "" => Err(ValidationCode::Required),
        text => match text.parse::<u32>() {
            Ok(n) if (1..=MAX_CAR_SEATS).contains(&n) => Ok(n),
            Ok(_) => Err(ValidationCode::OutOfRange),
            Err(_) => Err(ValidationCode::InvalidNumber),
        },
    }
}

/// The facts of one session that the rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    pub capacity: u32,
    /// Seats offered by the session's drivers, beyond their own.
    pub ride_seats: u32,
    pub starts_at: DateTime<Utc>,
    /// How long a freed place is held for the person offered it.
    pub hold: Duration,
}

/// What [`settle`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Hold a place for this waiting person until `expires_at`.
    Offer { id: i64, expires_at: DateTime<Utc> },
    /// This offer was not confirmed in time.
    Lapse { id: i64 },
}

/// Places and ride seats still free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Free {
    pub places: u32,
    pub ride_seats: u32,
}

pub fn free(session: &Session, seats: &[Seat]) -> Free {
    let taken = seats.iter().filter(|s| s.status.holds_place()).count() as u32;
    let riding = riding(seats);
    Free {
        places: session.capacity.saturating_sub(taken),
        ride_seats: session.ride_seats.saturating_sub(riding),
    }
}

/// Offers that ran out lapse; then every free place is offered to the first waiting people who
/// can take it (a ride-needer only while a ride seat is free), in queue order. Nothing is
/// offered once the session has begun.
pub fn settle(session: &Session, seats: &[Seat], now: DateTime<Utc>) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut seats = seats.to_vec();
    for seat in seats.iter_mut() {
        if seat.status == SignupStatus::Offered && seat.offer_expires_at.is_none_or(|at| at <= now) {
            changes.push(Change::Lapse { id: seat.id });
            seat.status = SignupStatus::Lapsed;
        }
    }
    if now >= session.starts_at {
        return changes;
    }
    let mut free = free(session, &seats);
    let expires_at = (now + session.hold).min(session.starts_at);
    let mut waiting: Vec<&Seat> = seats.iter().filter(|s| s.status == SignupStatus::Waiting).collect();
    waiting.sort_by_key(|s| (s.queue, s.id));
    for seat in waiting {
        if free.places == 0 {
            break;
        }
        if seat.needs_ride {
            if free.ride_seats == 0 {
                continue;
            }
            free.ride_seats -= 1;
        }
        free.places -= 1;
        changes.push(Change::Offer { id: seat.id, expires_at });
    }
    changes
}

/// What a new sign-up becomes, after [`settle`] has run: confirmed when a place (and the ride
/// it needs) is free, otherwise waiting. After `settle`, a free place means nobody waiting
/// could take it, so the newcomer passes nobody.
pub fn arrival(session: &Session, seats: &[Seat], needs_ride: bool, now: DateTime<Utc>) -> SignupStatus {
    let free = free(session, seats);
    let fits = free.places > 0 && (!needs_ride || free.ride_seats > 0);
    if fits && now < session.starts_at { SignupStatus::Confirmed } else { SignupStatus::Waiting }
}

/// The queue number that puts someone ahead of every waiting person.
pub fn front_of_queue(seats: &[Seat]) -> i64 {
    seats.iter().filter(|s| s.status.is_open()).map(|s| s.queue).min().unwrap_or(0) - 1
}

/// Applies `changes` to `seats` (what the service writes to the database).
pub fn apply(seats: &mut [Seat], changes: &[Change]) {
    for change in changes {
        match *change {
            Change::Offer { id, expires_at } => {
                if let Some(seat) = seats.iter_mut().find(|s| s.id == id) {
                    seat.status = SignupStatus::Offered;
                    seat.offer_expires_at = Some(expires_at);
                }
            }
            Change::Lapse { id } => {
                if let Some(seat) = seats.iter_mut().find(|s| s.id == id) {
                    seat.status = SignupStatus::Lapsed;
                    seat.offer_expires_at = None;
                }
            }
        }
    }
}

// ----------------------------------------------------------------------------------------
// Pickups: who drives whom, in what order, arriving before the start.

/// A driver's car for one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Car {
    pub driver: i64,
    /// Where the driver sets off.
    pub from: Location,
    /// Seats for participants (the driver's own is not counted).
    pub seats: u32,
}

/// A participant to pick up, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rider {
    pub signup: i64,
    pub at: Location,
}

/// One stop of a car: who gets in there, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub at: Location,
    pub riders: Vec<i64>,
    pub pickup_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub driver: i64,
    /// When the driver should set off.
    pub leaves_at: DateTime<Utc>,
    pub stops: Vec<Stop>,
    pub arrives_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PickupPlan {
    pub routes: Vec<Route>,
    /// Riders for whom no seat was left (the coordinator arranges another way).
    pub unplaced: Vec<i64>,
}

/// Cars arrive this long before the start, to find everyone and walk to the meeting point.
pub const ARRIVE_BEFORE: Duration = Duration::minutes(10);

/// Proposes who picks up whom: riders are grouped by place; the places farthest from the
/// meeting point are placed first, each with the car whose driver starts nearest; a place
/// with more riders than a car's free seats is split across cars. Each car's stops are then
/// visited nearest first from where the driver starts, and the times are counted back from
/// [`ARRIVE_BEFORE`] the start with the same travel estimates as visits. Never more riders in
/// a car than its seats.
pub fn plan_pickups(
    cars: &[Car],
    riders: &[Rider],
    meeting: Location,
    starts_at: DateTime<Utc>,
    km: impl Fn(u16, u16) -> u16 + Copy,
) -> PickupPlan {
    plan_pickups_keeping(cars, &[], riders, meeting, starts_at, km)
}

/// [`plan_pickups`], keeping the riders a coordinator has put in a car there (`pinned`, as
/// rider and driver): the rest are proposed into the seats left. A rider pinned to a driver
/// who no longer drives, or beyond a car's seats, is proposed like the others.
pub fn plan_pickups_keeping(
    cars: &[Car],
    pinned: &[(Rider, i64)],
    riders: &[Rider],
    meeting: Location,
    starts_at: DateTime<Utc>,
    km: impl Fn(u16, u16) -> u16 + Copy,
) -> PickupPlan {
    let travel = |a: Location, b: Location| scheduling::buffer_between(a, b, km);
    let mut left: Vec<u32> = cars.iter().map(|c| c.seats).collect();
    let mut loads: Vec<Vec<(Location, Vec<i64>)>> = vec![Vec::new(); cars.len()];
    let mut free: Vec<Rider> = Vec::new();
    for (rider, driver) in pinned {
        match cars.iter().position(|c| c.driver == *driver) {
            Some(i) if left[i] > 0 => {
                left[i] -= 1;
                load_into(&mut loads[i], rider.at, vec![rider.signup]);
            }
            _ => free.push(*rider),
        }
    }
    free.extend_from_slice(riders);

    // Riders at a known place share a stop; a place not in the data may be anywhere, so each
    // such rider is a stop of their own.
    let mut by_place: BTreeMap<LocationKey, Vec<i64>> = BTreeMap::new();
    let mut groups: Vec<(Location, Vec<i64>)> = Vec::new();
    for rider in &free {
        match rider.at {
            Location::At(_) => by_place.entry(LocationKey(rider.at)).or_default().push(rider.signup),
            other => groups.push((other, vec![rider.signup])),
        }
    }
    groups.extend(by_place.into_iter().map(|(k, v)| (k.0, v)));
    // Farthest first: the long trips decide the cars; ties by place, for a stable proposal.
    groups.sort_by_key(|(at, _)| (std::cmp::Reverse(travel(*at, meeting)), LocationKey(*at)));

    let mut unplaced = Vec::new();
    for (at, mut group) in groups {
        while !group.is_empty() {
            let best = (0..cars.len())
                .filter(|&i| left[i] > 0)
                .min_by_key(|&i| (travel(cars[i].from, at), std::cmp::Reverse(left[i]), i));
            let Some(i) = best else {
                unplaced.append(&mut group);
                break;
            };
            let take = (left[i] as usize).min(group.len());
            let rest = group.split_off(take);
            left[i] -= take as u32;
            load_into(&mut loads[i], at, group);
            group = rest;
        }
    }

    let arrives_at = starts_at - ARRIVE_BEFORE;
    let mut routes = Vec::new();
    for (car, mut load) in cars.iter().zip(loads) {
        if load.is_empty() {
            continue;
        }
        // Nearest first from where the driver is.
        let mut order = Vec::new();
        let mut here = car.from;
        while !load.is_empty() {
            let next = (0..load.len())
                .min_by_key(|&i| (travel(here, load[i].0), LocationKey(load[i].0)))
                .unwrap_or(0);
            let stop = load.remove(next);
            here = stop.0;
            order.push(stop);
        }
        // Count the times back from the arrival.
        let mut stops = Vec::with_capacity(order.len());
        let mut next_at = meeting;
        let mut next_time = arrives_at;
        for (at, riders) in order.into_iter().rev() {
            let pickup_at = next_time - travel(at, next_at);
            stops.push(Stop { at, riders, pickup_at });
            next_at = at;
            next_time = pickup_at;
        }
        stops.reverse();
        let leaves_at = next_time - travel(car.from, next_at);
        routes.push(Route { driver: car.driver, leaves_at, stops, arrives_at });
    }
    PickupPlan { routes, unplaced }
}

/// Adds riders to a car's load: into the stop at the same known place, else a stop of their own.
fn load_into(load: &mut Vec<(Location, Vec<i64>)>, at: Location, riders: Vec<i64>) {
    match load.iter_mut().find(|(place, _)| *place == at && matches!(at, Location::At(_))) {
        Some((_, here)) => here.extend(riders),
        None => load.push((at, riders)),
    }
}

/// An order on places, for grouping and stable ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LocationKey(Location);

impl LocationKey {
    fn rank(&self) -> (u8, u16) {
        match self.0 {
            Location::At(i) => (0, i),
            Location::Unknown => (1, 0),
            Location::Remote => (2, 0),
        }
    }
}

impl PartialOrd for LocationKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LocationKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

// ----------------------------------------------------------------------------------------
// The form that creates an outing or a group.

/// At most this many people in one session.
pub const MAX_CAPACITY: u32 = 200;
/// Seats a driver may offer.
pub const MAX_CAR_SEATS: u32 = 8;
/// A freed place is held at most this long (a week).
pub const MAX_HOLD_HOURS: u32 = 168;
/// How long a freed place is held when the form does not say.
pub const DEFAULT_HOLD_HOURS: u32 = 24;
/// Sign-up closes at most this many days before a session.
pub const MAX_CLOSES_DAYS: u32 = 60;
/// A series runs at most a year ahead.
pub const MAX_SERIES_DAYS: i64 = 366;
/// Cost in cents at most (a theatre trip, not a holiday).
pub const MAX_COST_CENTS: u32 = 100_000;

/// The outing form as typed.
#[derive(Debug, Clone, Copy)]
pub struct OutingFields<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub place: &'a str,
    pub meeting_point: &'a str,
    pub date: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub recurrence: &'a str,
    pub until: &'a str,
    pub capacity: &'a str,
    pub cost: &'a str,
    pub reimbursed: &'a str,
    pub accessibility: &'a str,
    pub closes_days: &'a str,
    pub hold_hours: &'a str,
}

/// An outing ready to be written, with its sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOuting {
    pub kind: OutingKind,
    pub title: String,
    pub description: String,
    pub place: String,
    pub meeting_point: String,
    pub capacity: u32,
    pub cost_cents: u32,
    pub reimbursed: String,
    pub accessibility: String,
    pub closes_days: u32,
    pub hold_hours: u32,
    pub recurrence: Recurrence,
    pub sessions: Vec<Slot>,
}

/// A whole number typed in a field, within `range`; empty is `default` when there is one.
fn whole(
    input: &str,
    range: std::ops::RangeInclusive<u32>,
    default: Option<u32>,
) -> Result<u32, ValidationCode> {
    let input = input.trim();
    if input.is_empty() {
        return default.ok_or(ValidationCode::Required);
    }
    let n: u32 = input.parse().map_err(|_| ValidationCode::InvalidNumber)?;
    if range.contains(&n) { Ok(n) } else { Err(ValidationCode::OutOfRange) }
}

/// Euros as people type them (`12`, `12,50`, `12.5`) → cents; empty is free.
pub fn parse_euros(input: &str) -> Result<u32, ValidationCode> {
    let input = input.trim().trim_end_matches('€').trim();
    if input.is_empty() {
        return Ok(0);
    }
    let normal = input.replace(',', ".");
    let (whole, cents) = match normal.split_once('.') {
        Some((w, c)) if (1..=2).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()) => {
            (w, if c.len() == 1 { format!("{c}0") } else { c.to_owned() })
        }
        Some(_) => return Err(ValidationCode::InvalidNumber),
        None => (normal.as_str(), "00".to_owned()),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 6 {
        return Err(ValidationCode::InvalidNumber);
    }
    let cents = whole.parse::<u32>().map_err(|_| ValidationCode::InvalidNumber)? * 100
        + cents.parse::<u32>().map_err(|_| ValidationCode::InvalidNumber)?;
    if cents > MAX_COST_CENTS { Err(ValidationCode::OutOfRange) } else { Ok(cents) }
}

/// Checks the whole form; every refused field is named. Sessions are expanded at the local
/// time typed, in `zone` (a series keeps its local time across the clock changes; a session in
/// the spring gap is refused on the start field). A recurring group must have an end date
/// within a year; a one-off has one session.
pub fn parse_outing(
    fields: &OutingFields<'_>,
    zone: Tz,
    today: NaiveDate,
) -> Result<NewOuting, Vec<FieldError>> {
    let mut errors = FormErrors::default();
    let kind =
        errors.check("kind", OutingKind::parse(fields.kind.trim()).ok_or(ValidationCode::UnknownChoice));
    let title = errors.check("title", text::required_line(fields.title, text::LINE));
    let description = errors.check("description", text::multi_line(fields.description, text::REASON));
    let place = errors.check("place", text::required_line(fields.place, text::LINE));
    let meeting_point = errors.check("meeting_point", text::one_line(fields.meeting_point, text::LINE));
    let times = parse_times(&mut errors, fields.date, fields.start, fields.end);
    let recurrence = errors.check("recurrence", parse_recurrence(fields.recurrence));
    let capacity = errors.check("capacity", whole(fields.capacity, 1..=MAX_CAPACITY, None));
    let cost_cents = errors.check("cost", parse_euros(fields.cost));
    let reimbursed = errors.check("reimbursed", text::one_line(fields.reimbursed, text::LINE));
    let accessibility = errors.check("accessibility", text::multi_line(fields.accessibility, text::REASON));
    let closes_days = errors.check("closes_days", whole(fields.closes_days, 0..=MAX_CLOSES_DAYS, Some(1)));
    let hold_hours =
        errors.check("hold_hours", whole(fields.hold_hours, 1..=MAX_HOLD_HOURS, Some(DEFAULT_HOLD_HOURS)));

    let mut sessions = None;
    if let (Some((date, start, minutes)), Some(recurrence)) = (times, recurrence) {
        if date < today {
            errors.add("date", ValidationCode::InThePast);
        } else {
            let until = match recurrence {
                Recurrence::Once => Some(date),
                _ => match parse_date(fields.until) {
                    None if fields.until.trim().is_empty() => {
                        errors.add("until", ValidationCode::Required);
                        None
                    }
                    None => {
                        errors.add("until", ValidationCode::InvalidDate);
                        None
                    }
                    Some(until) if until < date => {
                        errors.add("until", ValidationCode::EndBeforeStart);
                        None
                    }
                    Some(until) if (until - date).num_days() > MAX_SERIES_DAYS => {
                        errors.add("until", ValidationCode::OutOfRange);
                        None
                    }
                    Some(until) => Some(until),
                },
            };
            if let Some(until) = until {
                match scheduling::expand(date, start, minutes, zone, recurrence, until) {
                    Ok(slots) => sessions = Some(slots),
                    Err((_, code)) => errors.add("start", code),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors.into_vec());
    }
    let (Some(kind), Some(title), Some(description), Some(place), Some(meeting_point)) =
        (kind, title, description, place, meeting_point)
    else {
        return Err(errors.into_vec());
    };
    let (Some(capacity), Some(cost_cents), Some(reimbursed), Some(accessibility)) =
        (capacity, cost_cents, reimbursed, accessibility)
    else {
        return Err(errors.into_vec());
    };
    let (Some(closes_days), Some(hold_hours), Some(recurrence), Some(sessions)) =
        (closes_days, hold_hours, recurrence, sessions)
    else {
        return Err(errors.into_vec());
    };
    Ok(NewOuting {
        kind,
        title,
        description,
        place,
        meeting_point,
        capacity,
        cost_cents,
        reimbursed,
        accessibility,
        closes_days,
        hold_hours,
        recurrence,
        sessions,
    })
}

/// Sign-up for a session closes `closes_days` days before its start.
pub fn signup_closes_at(starts_at: DateTime<Utc>, closes_days: u32) -> DateTime<Utc> {
    starts_at - Duration::days(i64::from(closes_days))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::domain::time::HELSINKI;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 10, h, m, 0).unwrap()
    }

    fn session(capacity: u32, ride_seats: u32) -> Session {
        Session { capacity, ride_seats, starts_at: at(16, 0), hold: Duration::hours(24) }
    }

    fn seat(id: i64, status: SignupStatus, needs_ride: bool) -> Seat {
        Seat { id, status, queue: id, needs_ride, own_transport: false, offer_expires_at: None }
    }

    #[test]
    fn a_freed_place_goes_to_the_first_waiting_person() {
        let s = session(2, 0);
        let seats = [
            seat(1, SignupStatus::Confirmed, false),
            seat(2, SignupStatus::Cancelled, false),
            seat(3, SignupStatus::Waiting, false),
            seat(4, SignupStatus::Waiting, false),
        ];
        let now = at(8, 0);
        let expires_at = s.starts_at.min(now + s.hold);
        assert_eq!(settle(&s, &seats, now), vec![Change::Offer { id: 3, expires_at }]);
    }

    #[test]
    fn the_hold_never_runs_past_the_start_and_nothing_is_offered_once_begun() {
        let s = Session { hold: Duration::hours(2), ..session(1, 0) };
        let seats = [seat(1, SignupStatus::Waiting, false)];
        assert_eq!(settle(&s, &seats, at(15, 0)), vec![Change::Offer { id: 1, expires_at: at(16, 0) }]);
        assert_eq!(settle(&s, &seats, at(16, 0)), vec![]);
    }

    #[test]
    fn an_offer_not_confirmed_in_time_passes_to_the_next() {
        let s = Session { hold: Duration::hours(2), ..session(1, 0) };
        let mut seats = [seat(1, SignupStatus::Waiting, false), seat(2, SignupStatus::Waiting, false)];
        let first = settle(&s, &seats, at(8, 0));
        apply(&mut seats, &first);
        assert_eq!(seats[0].status, SignupStatus::Offered);
        // Not yet run out: nothing changes.
        assert_eq!(settle(&s, &seats, at(9, 0)), vec![]);
        assert_eq!(seats[0].offer_expires_at, Some(at(10, 0)));
        let later = settle(&s, &seats, at(10, 0));
        assert_eq!(later[0], Change::Lapse { id: 1 });
        assert!(matches!(later[1], Change::Offer { id: 2, .. }));
    }

    #[test]
    fn a_ride_is_needed_before_a_place_is_given_to_someone_who_needs_one() {
        let s = session(2, 0);
        let seats = [
            seat(1, SignupStatus::Confirmed, false),
            seat(2, SignupStatus::Waiting, true),
            seat(3, SignupStatus::Waiting, false),
        ];
        // No ride seat: the second in line gets the place, the first keeps their turn.
        assert!(matches!(settle(&s, &seats, at(8, 0))[..], [Change::Offer { id: 3, .. }]));
        let with_car = Session { ride_seats: 1, ..s };
        assert!(matches!(settle(&with_car, &seats, at(8, 0))[..], [Change::Offer { id: 2, .. }]));
        // Someone confirmed with their own transport takes no ride seat.
        let taxi = [Seat { own_transport: true, ..seat(1, SignupStatus::Confirmed, true) }, seats[1]];
        assert!(matches!(settle(&with_car, &taxi, at(8, 0))[..], [Change::Offer { id: 2, .. }]));
    }

    #[test]
    fn a_newcomer_is_confirmed_only_into_a_free_place_with_its_ride() {
        let s = session(2, 1);
        let now = at(8, 0);
        assert_eq!(arrival(&s, &[], true, now), SignupStatus::Confirmed);
        let one_rider = [seat(1, SignupStatus::Confirmed, true)];
        assert_eq!(arrival(&s, &one_rider, true, now), SignupStatus::Waiting);
        assert_eq!(arrival(&s, &one_rider, false, now), SignupStatus::Confirmed);
        let full = [seat(1, SignupStatus::Confirmed, false), seat(2, SignupStatus::Offered, false)];
        assert_eq!(arrival(&s, &full, false, now), SignupStatus::Waiting);
        assert_eq!(arrival(&s, &[], false, at(16, 0)), SignupStatus::Waiting, "begun");
    }

    #[test]
    fn moving_someone_up_puts_them_first() {
        let seats = [
            seat(5, SignupStatus::Waiting, false),
            seat(6, SignupStatus::Waiting, false),
            seat(1, SignupStatus::Cancelled, false),
        ];
        let front = front_of_queue(&seats);
        assert!(front < 5);
        let s = session(1, 0);
        let moved = [seats[0], Seat { queue: front, ..seats[1] }];
        assert!(matches!(settle(&s, &moved, at(8, 0))[..], [Change::Offer { id: 6, .. }]));
    }

    /// One step of a session's life, as the property test plays it.
    #[derive(Debug, Clone)]
    enum Step {
        SignUp { needs_ride: bool },
        Cancel(usize),
        Confirm(usize),
        Decline(usize),
        MoveUp(usize),
        AddCar(u32),
        Wait(i64),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => any::<bool>().prop_map(|needs_ride| Step::SignUp { needs_ride }),
            2 => (0usize..40).prop_map(Step::Cancel),
            2 => (0usize..40).prop_map(Step::Confirm),
            1 => (0usize..40).prop_map(Step::Decline),
            1 => (0usize..40).prop_map(Step::MoveUp),
            1 => (1u32..4).prop_map(Step::AddCar),
            1 => (1i64..30).prop_map(Step::Wait),
        ]
    }

    /// The invariants after every settled state: no more places or ride seats taken than
    /// there are, and no place left free while someone waiting could take it.
    fn check(s: &Session, seats: &[Seat], now: DateTime<Utc>) -> Result<(), TestCaseError> {
        let taken = seats.iter().filter(|x| x.status.holds_place()).count() as u32;
        prop_assert!(taken <= s.capacity, "{taken} places taken of {}", s.capacity);
        let riding = seats.iter().filter(|x| x.takes_ride_seat()).count() as u32;
        prop_assert!(riding <= s.ride_seats, "{riding} riders for {} seats", s.ride_seats);
        if now < s.starts_at {
            let free = free(s, seats);
            let could = seats
                .iter()
                .any(|x| x.status == SignupStatus::Waiting && (!x.needs_ride || free.ride_seats > 0));
            prop_assert!(!(free.places > 0 && could), "a place is free while someone waits");
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Whatever happens in whatever order (sign-ups, cancellations, confirmations, declined
        /// and lapsed offers, a coordinator moving someone up, cars added, time passing),
        /// capacity and ride seats hold, places never sit idle while someone could take them,
        /// and each round of offers goes to the first eligible waiting people in queue order.
        #[test]
        fn the_waitlist_keeps_its_promises(
            capacity in 1u32..6,
            hold_hours in 1i64..6,
            steps in proptest::collection::vec(step(), 1..60),
        ) {
            let mut s = Session { capacity, ride_seats: 0, starts_at: at(23, 0), hold: Duration::hours(hold_hours) };
            let mut now = at(0, 0);
            let mut seats: Vec<Seat> = Vec::new();
            let mut next_queue = 1;
            for step in steps {
                let pick = |i: usize, seats: &[Seat], want: &[SignupStatus]| {
                    let open: Vec<usize> = (0..seats.len()).filter(|&k| want.contains(&seats[k].status)).collect();
                    (!open.is_empty()).then(|| open[i % open.len()])
                };
                match step {
                    Step::SignUp { needs_ride } => {
                        let pre = settle(&s, &seats, now);
                        apply(&mut seats, &pre);
                        let status = arrival(&s, &seats, needs_ride, now);
                        let id = seats.len() as i64 + 1;
                        seats.push(Seat { id, status, queue: next_queue, needs_ride, own_transport: false, offer_expires_at: None });
                        next_queue += 1;
                    }
                    Step::Cancel(i) => {
                        if let Some(k) = pick(i, &seats, &[SignupStatus::Confirmed, SignupStatus::Offered, SignupStatus::Waiting]) {
                            seats[k].status = SignupStatus::Cancelled;
                        }
                    }
                    Step::Confirm(i) => {
                        if let Some(k) = pick(i, &seats, &[SignupStatus::Offered])
                            && seats[k].offer_expires_at.is_some_and(|t| t > now)
                        {
                            seats[k].status = SignupStatus::Confirmed;
                        }
                    }
                    Step::Decline(i) => {
                        if let Some(k) = pick(i, &seats, &[SignupStatus::Offered]) {
                            seats[k].status = SignupStatus::Cancelled;
                        }
                    }
                    Step::MoveUp(i) => {
                        if let Some(k) = pick(i, &seats, &[SignupStatus::Waiting]) {
                            seats[k].queue = front_of_queue(&seats);
                        }
                    }
                    Step::AddCar(n) => s.ride_seats += n,
                    Step::Wait(minutes) => now += Duration::minutes(minutes * 10),
                }
                let changes = settle(&s, &seats, now);
                // Offers in one round follow the queue among those who could take them.
                let offered: Vec<i64> = changes.iter().filter_map(|c| match c { Change::Offer { id, .. } => Some(*id), _ => None }).collect();
                let mut queue_of: Vec<(i64, i64)> = offered.iter().map(|id| (seats.iter().find(|x| x.id == *id).unwrap().queue, *id)).collect();
                let in_order = queue_of.windows(2).all(|w| w[0].0 <= w[1].0);
                prop_assert!(in_order, "offers out of queue order: {queue_of:?}");
                queue_of.clear();
                apply(&mut seats, &changes);
                check(&s, &seats, now)?;
                for seat in &seats {
                    if seat.status == SignupStatus::Offered {
                        prop_assert!(seat.offer_expires_at.is_some_and(|t| t > now && t <= s.starts_at));
                    }
                }
            }
        }

        /// Cars never carry more than their seats; every rider is placed when the seats are
        /// enough, and nobody when there are no cars; every route reaches the meeting point
        /// before the start, with each leg's travel counted as for visits.
        #[test]
        fn pickups_fit_the_cars_and_arrive_in_time(
            seats in proptest::collection::vec(1u32..5, 0..5),
            car_places in proptest::collection::vec(0u16..30, 5),
            rider_places in proptest::collection::vec(proptest::option::of(0u16..30), 0..18),
            meeting in 0u16..30,
            pins in proptest::collection::vec(proptest::option::of(0i64..6), 18),
        ) {
            let km = |a: u16, b: u16| a.abs_diff(b) * 7;
            let cars: Vec<Car> = seats.iter().enumerate().map(|(i, &n)| Car { driver: i as i64 + 100, from: Location::At(car_places[i]), seats: n }).collect();
            let riders: Vec<Rider> = rider_places.iter().enumerate().map(|(i, p)| Rider { signup: i as i64 + 1, at: p.map_or(Location::Unknown, Location::At) }).collect();
            // Some riders put in a car by the coordinator (driver 105 never drives).
            let pinned: Vec<(Rider, i64)> = riders.iter().enumerate().filter_map(|(i, r)| pins[i].map(|p| (*r, p + 100))).collect();
            let free: Vec<Rider> = riders.iter().enumerate().filter(|(i, _)| pins[*i].is_none()).map(|(_, r)| *r).collect();
            let start = at(16, 0);
            let plan = plan_pickups_keeping(&cars, &pinned, &free, Location::At(meeting), start, km);
            // A car's pinned riders stay in it while they fit.
            for car in &cars {
                let mine: Vec<i64> = pinned.iter().filter(|(_, d)| *d == car.driver).map(|(r, _)| r.signup).collect();
                if mine.len() as u32 <= car.seats {
                    let route = plan.routes.iter().find(|r| r.driver == car.driver);
                    for signup in &mine {
                        prop_assert!(route.is_some_and(|r| r.stops.iter().any(|s| s.riders.contains(signup))), "pinned rider {signup} moved out of car {}", car.driver);
                    }
                }
            }
            let travel = |a, b| scheduling::buffer_between(a, b, km);

            let mut seen: Vec<i64> = plan.unplaced.clone();
            for route in &plan.routes {
                let car = cars.iter().find(|c| c.driver == route.driver).unwrap();
                let carried: usize = route.stops.iter().map(|s| s.riders.len()).sum();
                prop_assert!(carried as u32 <= car.seats, "{carried} in a car of {}", car.seats);
                prop_assert!(carried > 0);
                // Drive it forwards: each stop reached by its pickup time, the meeting point before the start.
                let mut time = route.leaves_at;
                let mut here = car.from;
                for stop in &route.stops {
                    time += travel(here, stop.at);
                    prop_assert!(time <= stop.pickup_at);
                    time = stop.pickup_at;
                    here = stop.at;
                    for r in &stop.riders {
                        let rider = riders.iter().find(|x| x.signup == *r).unwrap();
                        prop_assert_eq!(rider.at, stop.at, "picked up where they are");
                    }
                    seen.extend(&stop.riders);
                }
                time += travel(here, Location::At(meeting));
                prop_assert!(time <= start - ARRIVE_BEFORE, "arrives {time} for a start at {start}");
            }
            seen.sort_unstable();
            let everyone: Vec<i64> = riders.iter().map(|r| r.signup).collect();
            prop_assert_eq!(seen, everyone, "each rider exactly once");
            let total: u32 = seats.iter().sum();
            if total as usize >= riders.len() {
                prop_assert!(plan.unplaced.is_empty(), "seats enough but {:?} unplaced", plan.unplaced);
            } else {
                prop_assert_eq!(plan.unplaced.len(), riders.len() - total as usize);
            }
        }
    }

    #[test]
    fn riders_from_one_village_share_a_car_and_the_farthest_are_fetched_first() {
        // Places on a line, 10 km apart; the meeting point at 0.
        let km = |a: u16, b: u16| a.abs_diff(b) * 10;
        let cars = [Car { driver: 1, from: Location::At(0), seats: 4 }];
        let riders = [
            Rider { signup: 1, at: Location::At(2) },
            Rider { signup: 2, at: Location::At(5) },
            Rider { signup: 3, at: Location::At(2) },
        ];
        let plan = plan_pickups(&cars, &riders, Location::At(0), at(16, 0), km);
        assert!(plan.unplaced.is_empty());
        let route = &plan.routes[0];
        // Nearest first from home: village 2 (both), then village 5, then back to 0.
        assert_eq!(route.stops.len(), 2);
        assert_eq!(route.stops[0].riders, vec![1, 3]);
        assert_eq!(route.stops[1].at, Location::At(5));
        assert!(route.stops[0].pickup_at < route.stops[1].pickup_at);
        assert_eq!(route.arrives_at, at(15, 50));
    }

    #[test]
    fn a_car_offers_one_to_eight_seats() {
        assert_eq!(parse_seats(" 3 "), Ok(3));
        assert_eq!(parse_seats(""), Err(ValidationCode::Required));
        assert_eq!(parse_seats("0"), Err(ValidationCode::OutOfRange));
        assert_eq!(parse_seats("9"), Err(ValidationCode::OutOfRange));
        assert_eq!(parse_seats("kolme"), Err(ValidationCode::InvalidNumber));
    }

    #[test]
    fn attendance_opens_on_the_morning_of_the_day_in_helsinki() {
        let zone = crate::domain::time::HELSINKI;
        // 17.00 Helsinki on 10 December (UTC+2) is 15.00 UTC.
        let start = at(15, 0);
        assert!(!day_has_come(start, zone, at(0, 0) - Duration::minutes(121)));
        // 00.00 Helsinki is 22.00 UTC the day before.
        assert!(day_has_come(start, zone, at(0, 0) - Duration::minutes(119)));
        assert!(day_has_come(start, zone, at(15, 0) + Duration::days(3)));
        assert_eq!(Attendance::parse("no_show"), Some(Attendance::NoShow));
        assert_eq!(Attendance::parse("maybe"), None);
    }

    #[test]
    fn a_rider_the_coordinator_put_in_a_car_stays_there_and_the_rest_fill_the_seats_left() {
        let km = |a: u16, b: u16| a.abs_diff(b) * 10;
        // Car 1 starts at the rider's village; the coordinator put the rider in car 2.
        let cars = [
            Car { driver: 1, from: Location::At(3), seats: 1 },
            Car { driver: 2, from: Location::At(0), seats: 1 },
        ];
        let pinned = [(Rider { signup: 7, at: Location::At(3) }, 2)];
        let others = [Rider { signup: 8, at: Location::At(3) }, Rider { signup: 9, at: Location::At(1) }];
        let plan = plan_pickups_keeping(&cars, &pinned, &others, Location::At(0), at(16, 0), km);
        let car = |d: i64| plan.routes.iter().find(|r| r.driver == d).unwrap();
        assert_eq!(car(2).stops[0].riders, vec![7]);
        // The one seat left goes to the farther of the two.
        assert_eq!(car(1).stops[0].riders, vec![8]);
        assert_eq!(plan.unplaced, vec![9]);
        // Pinned to a driver who no longer drives: proposed like anyone.
        let gone = [(Rider { signup: 7, at: Location::At(3) }, 5)];
        let plan = plan_pickups_keeping(&cars, &gone, &[], Location::At(0), at(16, 0), km);
        assert_eq!(plan.routes.iter().map(|r| r.driver).collect::<Vec<_>>(), vec![1]);
    }

    fn fields<'a>() -> OutingFields<'a> {
        OutingFields {
            kind: "group",
            title: "Pelikerho",
            description: "Lautapelejä ja kahvia.",
            place: "Kuortane",
            meeting_point: "Kirjaston ovi",
            date: "2027-03-01",
            start: "17.00",
            end: "19.00",
            recurrence: "weekly",
            until: "2027-04-05",
            capacity: "8",
            cost: "",
            reimbursed: "Bussilippu",
            accessibility: "",
            closes_days: "",
            hold_hours: "",
        }
    }

    #[test]
    fn a_weekly_group_keeps_its_local_time_across_the_spring_change() {
        let outing = parse_outing(&fields(), HELSINKI, NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()).unwrap();
        assert_eq!(outing.sessions.len(), 6);
        for slot in &outing.sessions {
            assert_eq!(slot.start.with_timezone(&HELSINKI).format("%H:%M").to_string(), "17:00");
        }
        assert_eq!(outing.hold_hours, DEFAULT_HOLD_HOURS);
        assert_eq!(outing.closes_days, 1);
        assert_eq!(outing.cost_cents, 0);
    }

    #[test]
    fn the_form_names_every_refused_field() {
        let bad = OutingFields {
            kind: "party",
            title: " ",
            capacity: "0",
            cost: "12,345",
            until: "",
            hold_hours: "1000",
            start: "3.30",
            date: "2027-03-28",
            ..fields()
        };
        let errors = parse_outing(&bad, HELSINKI, NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()).unwrap_err();
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in ["kind", "title", "capacity", "cost", "until", "hold_hours"] {
            assert!(named.contains(&field), "{field} in {named:?}");
        }
        // The spring gap on a one-off outing is refused on the start.
        let gap =
            OutingFields { recurrence: "once", start: "3.30", end: "5.00", date: "2027-03-28", ..fields() };
        let errors = parse_outing(&gap, HELSINKI, NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError { field: "start".into(), code: ValidationCode::NonexistentLocalTime }]
        );
        let past = OutingFields { recurrence: "once", ..fields() };
        let errors = parse_outing(&past, HELSINKI, NaiveDate::from_ymd_opt(2027, 3, 2).unwrap()).unwrap_err();
        assert_eq!(errors[0].code, ValidationCode::InThePast);
    }

    #[test]
    fn euros_are_read_as_people_write_them() {
        assert_eq!(parse_euros("12"), Ok(1200));
        assert_eq!(parse_euros("12,5"), Ok(1250));
        assert_eq!(parse_euros("3.75 €"), Ok(375));
        assert_eq!(parse_euros(""), Ok(0));
        assert_eq!(parse_euros("1,234"), Err(ValidationCode::InvalidNumber));
        assert_eq!(parse_euros("-3"), Err(ValidationCode::InvalidNumber));
        assert_eq!(parse_euros("5000"), Err(ValidationCode::OutOfRange));
    }
}
