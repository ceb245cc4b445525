//! How long a client's personal details are kept after the guidance ends: 12 months by
//! default (configurable), after which they are cleared and only counts stay, so the service
//! can still say how much work was done and how goals went without saying about whom. The
//! official client record lives in the social worker's system; what is kept here after that is
//! only what payroll and statistics need.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Months after the last ending before the details are cleared.
pub const DEFAULT_MONTHS: u32 = 12;

/// Where a client stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Retention {
    /// A guidance period or a referral is open: nothing is due.
    InGuidance,
    /// Closed; the details are cleared on this day.
    KeptUntil(NaiveDate),
    /// The day has come (it was this one): clear them now.
    Due(NaiveDate),
    /// Already cleared.
    Cleared,
}

/// The client's history as retention needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct History {
    /// A guidance period or a referral still open.
    pub open: bool,
    /// The day the last period ended or the last referral was closed, in local time.
    pub last_closed_on: Option<NaiveDate>,
    /// The details were already cleared.
    pub cleared: bool,
}

/// The day details of a guidance closed on `closed_on` are cleared.
pub fn due_on(closed_on: NaiveDate, months: u32) -> NaiveDate {
    closed_on.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// Where the client stands today, keeping details `months` after the last closing. A client who
/// came back (a new referral, a new period) starts over: the clock runs from the latest closing.
pub fn retention(history: History, months: u32, today: NaiveDate) -> Retention {
    if history.cleared {
        return Retention::Cleared;
    }
    if history.open {
        return Retention::InGuidance;
    }
    match history.last_closed_on {
        // Nothing was ever opened or closed (a card made by mistake): clear it at once.
        None => Retention::Due(today),
        Some(closed) => {
            let due = due_on(closed, months);
            if today >= due { Retention::Due(due) } else { Retention::KeptUntil(due) }
        }
    }
}

/// What is cleared: everything that tells who the client is or what their life is like, above
/// all their own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
pub enum Cleared {
    /// Replaced by a neutral placeholder.
    Name,
    Phone,
    PickupAddress,
    Municipality,
    /// Wishes about the guide (gender, language notes).
    GuideWishes,
    /// The needs and the client's words in referrals, and the notes on their timeline.
    ReferralTexts,
    /// What the consents say was shared and with whom; their dates stay.
    ConsentTexts,
    /// Reasons for declines, transfers, exclusions and endings.
    Reasons,
    /// Goals, why they matter, earlier wordings, steps, and the reasons for letting go.
    GoalWords,
    /// What earns and what the rewards are; the amounts stay.
    RewardWords,
    /// Review notes and what was agreed.
    ReviewNotes,
    /// The client's evaluation, the guide's and social worker's notes, the summary text.
    EndingTexts,
    /// Service names; their kinds stay.
    ServiceNames,
    /// Visit places, addresses, ride stops and outcome notes and reasons.
    VisitPlaces,
}

/// What stays: counts and codes, no words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
pub enum Kept {
    /// The card's row itself (with the day it was cleared), so counts have something to
    /// belong to and the audit trail's references stay whole.
    ClientRow,
    /// Dates of referrals, periods and consents, and who the guide and social worker were.
    Dates,
    /// Visits' kinds, times, worked minutes, kilometres and reimbursements: payroll's.
    VisitCounts,
    /// Faces given, steps done and all, goal statuses and outcomes.
    GoalCounts,
    /// Review and ending decisions, situation factors and service kinds.
    Decisions,
    /// Reward ledger amounts and balances.
    LedgerAmounts,
    /// Who read and changed what, when.
    AuditTrail,
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn closed(on: NaiveDate) -> History {
        History { open: false, last_closed_on: Some(on), cleared: false }
    }

    #[test]
    fn details_are_kept_twelve_months_after_the_ending_by_default() {
        let ended = d(2027, 5, 20);
        assert_eq!(due_on(ended, DEFAULT_MONTHS), d(2028, 5, 20));
        assert_eq!(
            retention(closed(ended), DEFAULT_MONTHS, d(2028, 5, 19)),
            Retention::KeptUntil(d(2028, 5, 20))
        );
        assert_eq!(retention(closed(ended), DEFAULT_MONTHS, d(2028, 5, 20)), Retention::Due(d(2028, 5, 20)));
        assert_eq!(retention(closed(ended), DEFAULT_MONTHS, d(2029, 1, 1)), Retention::Due(d(2028, 5, 20)));
    }

    #[test]
    fn the_months_are_configurable_and_month_ends_are_clamped() {
        assert_eq!(due_on(d(2027, 8, 31), 6), d(2028, 2, 29));
        assert_eq!(retention(closed(d(2027, 1, 10)), 3, d(2027, 4, 10)), Retention::Due(d(2027, 4, 10)));
        assert_eq!(retention(closed(d(2027, 1, 10)), 0, d(2027, 1, 10)), Retention::Due(d(2027, 1, 10)));
        assert_eq!(due_on(d(2027, 1, 10), u32::MAX), NaiveDate::MAX, "never, rather than a panic");
    }

    #[test]
    fn nothing_is_due_while_the_client_is_in_guidance_or_already_cleared() {
        let back = History { open: true, ..closed(d(2025, 1, 1)) };
        assert_eq!(retention(back, DEFAULT_MONTHS, d(2027, 1, 1)), Retention::InGuidance);
        let done = History { cleared: true, ..closed(d(2025, 1, 1)) };
        assert_eq!(retention(done, DEFAULT_MONTHS, d(2027, 1, 1)), Retention::Cleared);
        let never = History { open: false, last_closed_on: None, cleared: false };
        assert_eq!(retention(never, DEFAULT_MONTHS, d(2027, 1, 1)), Retention::Due(d(2027, 1, 1)));
    }

    #[test]
    fn the_clients_words_are_cleared_and_only_counts_stay() {
        let cleared: Vec<Cleared> = Cleared::iter().collect();
        for words in
            [Cleared::Name, Cleared::Phone, Cleared::PickupAddress, Cleared::GoalWords, Cleared::EndingTexts]
        {
            assert!(cleared.contains(&words), "{words:?}");
        }
        let kept: Vec<Kept> = Kept::iter().collect();
        assert!(kept.contains(&Kept::VisitCounts), "payroll keeps its numbers");
        assert!(kept.contains(&Kept::GoalCounts), "statistics keep the faces and steps");
    }
}
