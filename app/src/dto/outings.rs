//! Outings and groups as their pages show them: the list of coming sessions, one session with
//! its places, waitlist and the participants the viewer may see, and the forms that create an
//! outing and sign a client up.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    ids::{ClientId, UserId},
    outings::{Attendance, OutingKind, SignupStatus},
    scheduling::Recurrence,
};

/// Sessions per page of the list.
pub const LIST_PAGE: u64 = 20;
/// Later sessions of the same group shown on a session's page.
pub const LATER_SESSIONS: u64 = 5;

/// The outing form as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutingForm {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub place: String,
    pub meeting_point: String,
    /// `YYYY-MM-DD`, local: the first session.
    pub date: String,
    pub start: String,
    pub end: String,
    /// `once`, `weekly` or `every_other_week`.
    pub recurrence: String,
    /// The last date of a recurring group.
    pub until: String,
    pub capacity: String,
    /// What a participant pays, in euros.
    pub cost: String,
    pub reimbursed: String,
    pub accessibility: String,
    pub closes_days: String,
    pub hold_hours: String,
    /// The guides who lead it, as `leaders[<user id>] = on`.
    pub leaders: BTreeMap<String, String>,
    /// A checkbox: tell every guide by e-mail (those who want to hear of new outings).
    pub announce: String,
}

/// What the outing form offers: the guides who may lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutingChoices {
    pub today: NaiveDate,
    pub guides: Vec<(UserId, String)>,
    /// The viewer is a guide and so leads what they plan.
    pub leads_own: Option<UserId>,
}

/// One coming session in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub session_id: i64,
    pub kind: OutingKind,
    pub title: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: u32,
    pub confirmed: u32,
    pub waiting: u32,
    pub free: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutingList {
    pub sessions: Vec<SessionRow>,
    /// The cursor of the next page (`<starts_at as unix seconds>-<id>`), when there is one.
    pub next: Option<String>,
    pub may_plan: bool,
}

/// What is the same for every session of an outing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutingView {
    pub id: i64,
    pub kind: OutingKind,
    pub title: String,
    pub description: String,
    pub place: String,
    pub meeting_point: String,
    pub cost_cents: u32,
    pub reimbursed: String,
    pub accessibility: String,
    pub recurrence: Recurrence,
    pub hold_hours: u32,
    pub leaders: Vec<String>,
}

/// One sign-up as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantView {
    pub signup_id: i64,
    pub client_id: ClientId,
    pub name: String,
    pub status: SignupStatus,
    /// Place on the waitlist, from 1, while waiting.
    pub position: Option<u32>,
    pub needs_ride: bool,
    pub pickup_place: Option<String>,
    pub own_transport: Option<String>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// The viewer may cancel it or confirm an offer (the client's guide, a coordinator).
    pub may_change: bool,
    /// Marked by a leader on the day.
    pub attendance: Option<Attendance>,
}

/// A driver's offer of seats for a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverView {
    pub driver_id: UserId,
    pub name: String,
    pub seats: u32,
    pub from_place: String,
}

/// One's own hours and kilometres for a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkView {
    pub minutes: u32,
    pub km_tenths: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPage {
    pub session_id: i64,
    pub outing: OutingView,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: u32,
    pub confirmed: u32,
    pub offered: u32,
    pub waiting: u32,
    pub free: u32,
    pub ride_seats: u32,
    pub free_ride_seats: u32,
    /// When sign-up closes.
    pub closes_at: DateTime<Utc>,
    pub signup_open: bool,
    /// The participants the viewer may see: all of them for leaders and coordinators, only
    /// their own clients for other guides. Others are counted, never named.
    pub participants: Vec<ParticipantView>,
    pub sees_everyone: bool,
    /// Leads it or coordinates: may reorder the waitlist and confirm without a ride seat.
    pub may_manage: bool,
    /// The clients the viewer may sign up here (their own, not yet signed up).
    pub my_clients: Vec<(ClientId, String)>,
    /// A client chosen beforehand (from the client's card), when the viewer may sign them up.
    pub chosen: Option<(ClientId, String)>,
    /// Later sessions of the same group.
    pub later: Vec<(i64, DateTime<Utc>)>,
    /// The cars offered (drivers are staff, so every viewer sees their names).
    pub drivers: Vec<DriverView>,
    /// The viewer's own offer of seats, if any.
    pub my_car: Option<DriverView>,
    /// The viewer may offer seats (a guide, while the session is still to come).
    pub may_drive: bool,
    /// The viewer may see pickups: a driver their own car's, leaders and coordinators all.
    pub may_see_pickups: bool,
    /// The session's day has come: attendance and hours may be written.
    pub day_has_come: bool,
    /// The viewer led or drove for it and may write their hours and kilometres.
    pub may_record_work: bool,
    pub my_work: Option<WorkView>,
    /// A client council's agenda before the meeting and memo after.
    pub agenda: Option<String>,
    pub memo: Option<String>,
}

/// Offering seats, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SeatsForm {
    pub session_id: i64,
    pub seats: String,
    /// Where the driver sets off (a place name, for the pickup order).
    pub from_place: String,
}

/// A session's agenda and memo, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotesForm {
    pub session_id: i64,
    pub agenda: String,
    pub memo: String,
}

/// Hours and kilometres, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkForm {
    pub session_id: i64,
    pub hours: String,
    pub km: String,
}

/// A participant to pick up, as the pickup list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiderView {
    pub signup_id: i64,
    pub name: String,
    pub pickup_place: String,
    /// The coordinator put them in this car (else it is the proposal).
    pub pinned: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopView {
    pub place: String,
    pub pickup_at: DateTime<Utc>,
    /// A link that opens the place in a map app.
    pub map_url: Option<String>,
    pub riders: Vec<RiderView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteView {
    pub driver: DriverView,
    pub leaves_at: DateTime<Utc>,
    pub stops: Vec<StopView>,
    pub arrives_at: DateTime<Utc>,
}

/// A session's pickups: every car for leaders and coordinators, one's own for a driver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupsPage {
    pub session_id: i64,
    pub title: String,
    pub meeting_point: String,
    pub starts_at: DateTime<Utc>,
    pub routes: Vec<RouteView>,
    /// Riders for whom no seat is left (shown to leaders and coordinators).
    pub unplaced: Vec<RiderView>,
    /// May put a rider in another car (leaders, coordinators).
    pub may_adjust: bool,
    pub drivers: Vec<DriverView>,
}

/// Signing a client up, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    pub session_id: i64,
    pub client_id: String,
    /// A checkbox: `on` when the client needs a ride.
    pub needs_ride: String,
    pub pickup_place: String,
    /// A checkbox: sign up for this and every later session of the group.
    pub whole_series: String,
    /// A checkbox: the client agreed to take part and to the leaders seeing their name.
    pub consent: String,
}

/// What signing up did: for each session, the status it gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedUp {
    pub session_id: i64,
    pub statuses: Vec<SignupStatus>,
}

/// An outing session the client came to, for their card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendedOuting {
    pub session_id: i64,
    pub kind: OutingKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
}

/// Attended sessions shown on a client's card, latest first.
pub const CARD_OUTINGS: u64 = 10;
