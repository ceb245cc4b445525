//! A referral's life: its statuses and the steps between them, and the 7-day clock to first
//! contact ("I ask for help once and then I stay silent": a referral that waits must be
//! impossible to forget).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{validation::ValidationCode, visits::named_enum};

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Waiting for a guide to be proposed (again, after a decline).
    Submitted,
    /// A guide has been asked and has not answered yet.
    GuideProposed,
    /// The guide said yes; the guidance period has begun.
    Accepted,
    /// The first meeting of client, guide and social worker has been held.
    FirstMeetingHeld,
    Active,
    Ended,
    /// Not taken on (e.g. the client did not want guidance after all).
    Declined,
    /// Taken back by the social worker.
    Withdrawn,
}

impl ReferralStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralStatus::Submitted => "submitted",
            ReferralStatus::GuideProposed => "guide_proposed",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::FirstMeetingHeld => "first_meeting_held",
            ReferralStatus::Active => "active",
            ReferralStatus::Ended => "ended",
            ReferralStatus::Declined => "declined",
            ReferralStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        use strum::IntoEnumIterator;
        Self::iter().find(|s| s.as_str() == name)
    }

    /// Still waiting for a guide: on the coordinator's queue.
    pub fn is_waiting(self) -> bool {
        matches!(self, ReferralStatus::Submitted | ReferralStatus::GuideProposed)
    }

    pub fn is_closed(self) -> bool {
        matches!(self, ReferralStatus::Ended | ReferralStatus::Declined | ReferralStatus::Withdrawn)
    }
}

impl std::str::FromStr for ReferralStatus {
    type Err = ValidationCode;

    fn from_str(text: &str) -> Result<Self, ValidationCode> {
        Self::parse(text).ok_or(ValidationCode::UnknownChoice)
    }
}

/// The steps a referral takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    ProposeGuide,
    /// The proposed guide declined: back to the queue.
    GuideDeclined,
    GuideAccepted,
    HoldFirstMeeting,
    Activate,
    End,
    Decline,
    Withdraw,
}

/// The status after `step`, or `None` when the step is not possible from `from`.
pub fn next_status(from: ReferralStatus, step: Step) -> Option<ReferralStatus> {
    use ReferralStatus::*;
    match (from, step) {
        (Submitted, Step::ProposeGuide) => Some(GuideProposed),
        (GuideProposed, Step::GuideDeclined) => Some(Submitted),
        (GuideProposed, Step::GuideAccepted) => Some(Accepted),
        (Accepted, Step::HoldFirstMeeting) => Some(FirstMeetingHeld),
        (Accepted | FirstMeetingHeld, Step::Activate) => Some(Active),
        (Accepted | FirstMeetingHeld | Active, Step::End) => Some(Ended),
        (Submitted | GuideProposed, Step::Decline) => Some(Declined),
        (Submitted | GuideProposed | Accepted, Step::Withdraw) => Some(Withdrawn),
        _ => None,
    }
}

/// First contact is due this long after submission.
pub const FIRST_CONTACT_WITHIN: Duration = Duration::days(7);
/// From this many days of waiting the queue marks a referral for attention.
pub const ATTENTION_AFTER_DAYS: i64 = 3;
/// Coordinators are e-mailed on these days of waiting without first contact.
pub const ESCALATION_DAYS: [i64; 2] = [3, 6];

pub fn first_contact_due(submitted_at: DateTime<Utc>) -> DateTime<Utc> {
    submitted_at + FIRST_CONTACT_WITHIN
}

/// How a waiting referral is marked on the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    /// Under three days.
    OnTime,
    /// Three days or more: needs attention.
    Attention,
    /// Past the 7-day deadline.
    Overdue,
    /// The guide has reached the client: the clock has stopped.
    Reached,
}

/// The clock of one referral at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Whole days since submission (or until first contact, when that happened).
    pub days_waiting: i64,
    /// Whole days until the deadline; negative when overdue; `None` once reached.
    pub days_left: Option<i64>,
    pub urgency: Urgency,
}

pub fn clock(
    submitted_at: DateTime<Utc>,
    first_contact_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Clock {
    let due = first_contact_due(submitted_at);
    match first_contact_at {
        Some(reached) => Clock {
            days_waiting: (reached - submitted_at).num_days(),
            days_left: None,
            urgency: Urgency::Reached,
        },
        None => {
            let days_waiting = (now - submitted_at).num_days();
            let left = due - now;
            // Days begun count: a fresh referral has 7 days left, its last day 1, and the first
            // day past the deadline is -1 ("a day late").
            let day = Duration::days(1).num_seconds();
            let days_left = if left <= Duration::zero() {
                -((-left).num_days()) - 1
            } else {
                (left.num_seconds() + day - 1) / day
            };
            let urgency = if now >= due {
                Urgency::Overdue
            } else if days_waiting >= ATTENTION_AFTER_DAYS {
                Urgency::Attention
            } else {
                Urgency::OnTime
            };
            Clock { days_waiting, days_left: Some(days_left), urgency }
        }
    }
}

/// The escalation e-mails due by `now` for a referral still without first contact: the days of
/// [`ESCALATION_DAYS`] that have passed. Each is sent once (the outbox's idempotency key names
/// the referral and the day).
pub fn escalations_due(
    submitted_at: DateTime<Utc>,
    first_contact_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<i64> {
    if first_contact_at.is_some() {
        return Vec::new();
    }
    ESCALATION_DAYS.iter().copied().filter(|day| now >= submitted_at + Duration::days(*day)).collect()
}

/// How the guide reached the client the first time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "lowercase")]
pub enum ContactChannel {
    Call,
    Sms,
    WhatsApp,
    Letter,
    Meeting,
}

impl ContactChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactChannel::Call => "call",
            ContactChannel::Sms => "sms",
            ContactChannel::WhatsApp => "whatsapp",
            ContactChannel::Letter => "letter",
            ContactChannel::Meeting => "meeting",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        use strum::IntoEnumIterator;
        Self::iter().find(|c| c.as_str() == name)
    }
}

impl std::str::FromStr for ContactChannel {
    type Err = ValidationCode;

    fn from_str(text: &str) -> Result<Self, ValidationCode> {
        Self::parse(text).ok_or(ValidationCode::UnknownChoice)
    }
}

named_enum! {
    /// What the referral's timeline records: every status it reaches, and the steps between
    /// that are not statuses of their own.
    TimelineEvent {
        Submitted = "submitted",
        GuideProposed = "guide_proposed",
        Accepted = "accepted",
        FirstMeetingHeld = "first_meeting_held",
        Active = "active",
        Ended = "ended",
        Declined = "declined",
        Withdrawn = "withdrawn",
        GuideAccepted = "guide_accepted",
        GuideDeclined = "guide_declined",
        /// The guide reached the client; the note says by which channel.
        FirstContact = "first_contact",
        /// The client moved to another guide.
        Transferred = "transferred",
    }
}

impl From<ReferralStatus> for TimelineEvent {
    fn from(status: ReferralStatus) -> Self {
        match status {
            ReferralStatus::Submitted => TimelineEvent::Submitted,
            ReferralStatus::GuideProposed => TimelineEvent::GuideProposed,
            ReferralStatus::Accepted => TimelineEvent::Accepted,
            ReferralStatus::FirstMeetingHeld => TimelineEvent::FirstMeetingHeld,
            ReferralStatus::Active => TimelineEvent::Active,
            ReferralStatus::Ended => TimelineEvent::Ended,
            ReferralStatus::Declined => TimelineEvent::Declined,
            ReferralStatus::Withdrawn => TimelineEvent::Withdrawn,
        }
    }
}

named_enum! {
    /// Where a proposal of a guide stands.
    ProposalResponse {
        /// The guide has not answered yet.
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        /// Made void: consent withdrawn or the referral closed before the guide answered.
        Cancelled = "cancelled",
    }
}

named_enum! {
    /// Who chose the proposed guide: the coordinator, the social worker, or the client
    /// themselves from the shortlist.
    ChosenBy {
        Coordinator = "coordinator",
        SocialWorker = "social_worker",
        Client = "client",
    }
}

/// The codes of a stored list, "loneliness,housing": a referral's needs, a guide's topics.
/// Blanks around and between the commas are dropped.
pub fn stored_codes(stored: &str) -> Vec<String> {
    stored.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

/// The boxes ticked in a group of checkboxes, which a form sends as code and value: an unticked
/// box comes with an empty value or not at all.
pub fn ticked(boxes: &BTreeMap<String, String>) -> Vec<String> {
    boxes.iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k.clone()).collect()
}

/// "Liisa" of "Liisa Mäkelä": enough to talk about someone one has not yet met (a guide asked
/// to take a client on, a client choosing among guides).
pub fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use strum::IntoEnumIterator;

    use super::*;

    fn t(day: i64, hour: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap() + Duration::days(day) + Duration::hours(hour)
    }

    #[test]
    fn statuses_round_trip() {
        for status in ReferralStatus::iter() {
            assert_eq!(ReferralStatus::parse(status.as_str()), Some(status));
        }
        for channel in ContactChannel::iter() {
            assert_eq!(ContactChannel::parse(channel.as_str()), Some(channel));
        }
    }

    #[test]
    fn the_happy_path_and_a_decline_back_to_the_queue() {
        use ReferralStatus::*;
        assert_eq!(next_status(Submitted, Step::ProposeGuide), Some(GuideProposed));
        assert_eq!(next_status(GuideProposed, Step::GuideDeclined), Some(Submitted));
        assert_eq!(next_status(GuideProposed, Step::GuideAccepted), Some(Accepted));
        assert_eq!(next_status(Accepted, Step::HoldFirstMeeting), Some(FirstMeetingHeld));
        assert_eq!(next_status(FirstMeetingHeld, Step::Activate), Some(Active));
        assert_eq!(next_status(Active, Step::End), Some(Ended));
    }

    #[test]
    fn closed_referrals_take_no_steps() {
        for closed in [ReferralStatus::Ended, ReferralStatus::Declined, ReferralStatus::Withdrawn] {
            for step in [Step::ProposeGuide, Step::GuideAccepted, Step::End, Step::Withdraw, Step::Activate] {
                assert_eq!(next_status(closed, step), None, "{closed:?} {step:?}");
            }
        }
        assert_eq!(
            next_status(ReferralStatus::Submitted, Step::GuideAccepted),
            None,
            "accept needs a proposal"
        );
    }

    #[test]
    fn the_clock_marks_three_days_and_overdue() {
        let submitted = t(0, 0);
        assert_eq!(
            clock(submitted, None, t(1, 0)),
            Clock { days_waiting: 1, days_left: Some(6), urgency: Urgency::OnTime }
        );
        assert_eq!(clock(submitted, None, t(3, 0)).urgency, Urgency::Attention);
        assert_eq!(clock(submitted, None, submitted + Duration::minutes(1)).days_left, Some(7));
        assert_eq!(clock(submitted, None, t(6, 23)).days_left, Some(1), "the last day");
        assert_eq!(clock(submitted, None, t(7, 0)).days_left, Some(-1), "due now: late from here");
        let overdue = clock(submitted, None, t(7, 1));
        assert_eq!((overdue.urgency, overdue.days_left), (Urgency::Overdue, Some(-1)));
        assert_eq!(clock(submitted, None, t(9, 1)).days_left, Some(-3));
    }

    #[test]
    fn first_contact_stops_the_clock() {
        let c = clock(t(0, 0), Some(t(2, 5)), t(20, 0));
        assert_eq!(c, Clock { days_waiting: 2, days_left: None, urgency: Urgency::Reached });
        assert!(escalations_due(t(0, 0), Some(t(2, 5)), t(20, 0)).is_empty());
    }

    #[test]
    fn escalations_come_on_day_three_and_six() {
        assert!(escalations_due(t(0, 0), None, t(2, 23)).is_empty());
        assert_eq!(escalations_due(t(0, 0), None, t(3, 0)), vec![3]);
        assert_eq!(escalations_due(t(0, 0), None, t(6, 1)), vec![3, 6]);
        assert_eq!(first_contact_due(t(0, 0)), t(7, 0));
    }

    #[test]
    fn stored_codes_are_split_at_commas() {
        assert_eq!(stored_codes("loneliness,housing"), ["loneliness", "housing"]);
        assert_eq!(stored_codes(" loneliness , ,housing,"), ["loneliness", "housing"], "blanks dropped");
        assert_eq!(stored_codes("work"), ["work"]);
    }

    #[test]
    fn nothing_stored_is_no_codes() {
        assert!(stored_codes("").is_empty());
        assert!(stored_codes(" , ,").is_empty());
    }

    #[test]
    fn only_ticked_boxes_count() {
        let boxes: BTreeMap<String, String> =
            [("sv", "on"), ("fi", "on"), ("en", "")].map(|(k, v)| (k.to_owned(), v.to_owned())).into();
        assert_eq!(ticked(&boxes), ["fi", "sv"], "in code order");
        assert!(ticked(&BTreeMap::new()).is_empty());
        let none: BTreeMap<String, String> = [("fi".to_owned(), String::new())].into();
        assert!(ticked(&none).is_empty(), "an unticked box is not a choice");
    }

    #[test]
    fn the_first_name_is_the_first_word() {
        assert_eq!(first_name("Liisa Mäkelä"), "Liisa");
        assert_eq!(first_name("  Aino   Maria Virtanen "), "Aino");
        assert_eq!(first_name("Matti"), "Matti");
    }

    #[test]
    fn no_name_gives_no_first_name() {
        assert_eq!(first_name(""), "");
        assert_eq!(first_name(" \t "), "");
    }
}
