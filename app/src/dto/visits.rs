//! Visits: booking (one or a series), the guide's agenda, one visit with its ride, the "done"
//! form, rescheduling and cancelling, the month's hours and kilometres, and the calendar feed
//! link.

use serde::{Deserialize, Serialize};

use crate::domain::{
    ids::{ClientId, UserId},
    referrals::ContactChannel,
    visits::{Reimbursement, VisitKind, VisitStatus},
};

/// The booking form as typed: local dates and times, the ride's stops in order with the
/// kilometres of each leg when typed (empty means "estimate").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VisitForm {
    pub client_id: i64,
    pub kind: String,
    /// `YYYY-MM-DD`, local.
    pub date: String,
    /// `HH:MM`, local.
    pub start: String,
    pub end: String,
    pub place: String,
    pub address: String,
    /// `once`, `weekly` or `every_other_week`.
    pub recurrence: String,
    /// The last date of a series.
    pub until: String,
    pub stop_1: String,
    pub stop_2: String,
    pub stop_3: String,
    pub stop_4: String,
    pub stop_5: String,
    pub km_1: String,
    pub km_2: String,
    pub km_3: String,
    pub km_4: String,
    /// The driver's user id; empty means the guide drives.
    pub driver: String,
    /// `allowance` or `bus_ticket`.
    pub reimbursement: String,
    pub ticket_price: String,
}

impl VisitForm {
    pub fn stops(&self) -> Vec<String> {
        [&self.stop_1, &self.stop_2, &self.stop_3, &self.stop_4, &self.stop_5].into_iter().cloned().collect()
    }

    pub fn leg_km(&self) -> [&str; 4] {
        [&self.km_1, &self.km_2, &self.km_3, &self.km_4]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegView {
    pub from: String,
    pub to: String,
    pub km_tenths: u32,
    pub estimated: bool,
}

/// What the viewer may do with a visit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitMay {
    pub change: bool,
    pub record: bool,
    /// Open the client's goals from the visit, to tick steps and set goals there.
    pub goals: bool,
    /// Hand the phone to the client for the three feedback questions (now, and once).
    pub feedback: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitView {
    pub id: i64,
    pub client_id: ClientId,
    pub client_name: String,
    pub kind: VisitKind,
    pub status: VisitStatus,
    /// Local `YYYY-MM-DD`, `HH:MM`, `HH:MM`.
    pub date: String,
    pub start: String,
    pub end: String,
    pub place: String,
    pub address: Option<String>,
    /// Where to fetch the client, for rides.
    pub pickup_address: Option<String>,
    pub phone: Option<String>,
    pub contact_channel: ContactChannel,
    pub guide_name: String,
    pub social_worker_name: Option<String>,
    pub driver_name: Option<String>,
    pub legs: Vec<LegView>,
    pub reimbursement: Option<Reimbursement>,
    pub ticket_cents: Option<u32>,
    pub outcome_note: Option<String>,
    pub minutes: Option<u32>,
    pub km_tenths: Option<u32>,
    /// Why the recorded hours or kilometres go beyond what the visit explains.
    pub excess_reason: Option<String>,
    /// Part of a recurring series.
    pub in_series: bool,
    /// It has begun: only then can it be recorded.
    pub started: bool,
    /// A link that opens the place in the phone's map app.
    pub map_url: Option<String>,
    pub may: VisitMay,
}

/// One day of the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub weekday: u8,
    pub visits: Vec<VisitView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaView {
    pub days: Vec<AgendaDay>,
    /// The local date of "today", for the heading.
    pub today: String,
}

/// The result of a booking, for the page: the first visit and whether any occurrence falls
/// outside the guide's availability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booked {
    pub first_visit: i64,
    pub visits: usize,
    pub outside_availability: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MileageRow {
    pub visit_id: i64,
    pub date: String,
    pub kind: VisitKind,
    pub status: VisitStatus,
    pub minutes: u32,
    pub km_tenths: u32,
    pub reimbursement: Option<Reimbursement>,
    pub ticket_cents: u32,
    /// The guide's reason for hours or kilometres beyond what the visit explains.
    pub excess_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MileageView {
    pub guide_id: UserId,
    pub guide_name: String,
    /// `YYYY-MM`.
    pub month: String,
    pub rows: Vec<MileageRow>,
    /// Outing sessions led or driven for, with their hours and kilometres.
    pub outing_rows: Vec<OutingWorkRow>,
    pub totals: crate::domain::visits::MonthTotals,
    pub rate_cents_per_km: u32,
    /// The viewer may export every guide's month (coordinators).
    pub may_export: bool,
}

/// One outing session in a guide's month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutingWorkRow {
    pub session_id: i64,
    /// `YYYY-MM-DD`, local.
    pub date: String,
    pub title: String,
    pub minutes: u32,
    pub km_tenths: u32,
}

/// Choices for the booking form: the client, their guide and the guides with a car.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingOptions {
    pub client_id: ClientId,
    pub client_name: String,
    pub client_place: String,
    pub pickup_address: Option<String>,
    pub guide_name: String,
    pub social_worker_name: Option<String>,
    pub drivers: Vec<(UserId, String)>,
}

/// The flash that carries a new feed link to the settings page.
pub const CALENDAR_LINK_FORM: &str = "calendar_link";
