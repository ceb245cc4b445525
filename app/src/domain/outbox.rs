//! E-mail that is never lost: what kinds of message exist, which ones a person may turn off,
//! and when a failed delivery is tried again. Pure: the caller brings the clock and the dice.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Every kind of e-mail Rinnalla sends. Stored by [`MessageKind::as_str`], never as free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// A link to set the password of a new account.
    Invitation,
    /// A link to choose a new password.
    PasswordReset,
    /// A social worker's new referral is waiting for a guide (to coordinators).
    ReferralReceived,
    /// A guide has been proposed for a client (to the guide).
    GuideProposed,
    /// The guide accepted: the client has a named guide (to the social worker).
    GuideAccepted,
    /// A transfer to another guide was approved (to the social worker and the new guide).
    TransferApproved,
    /// A referral has waited too long for first contact (to coordinators).
    FirstContactOverdue,
    /// A visit or meeting invitation with a calendar attachment.
    MeetingInvitation,
    /// A reminder the day before a visit.
    VisitReminder,
    /// The ending was held and its summary for the client record waits (to the social worker).
    SummaryReady,
    /// A place on an outing freed up for a client on the waitlist, held for a while (to the
    /// client's guide, who confirms it).
    OutingPlaceOffered,
    /// A new outing or group, announced to the guides who want to hear of them.
    OutingAnnounced,
    /// A client council's agenda, in good time before the meeting (to the participants' guides).
    CouncilAgenda,
    /// The person's own account was changed by someone else: their roles, or their e-mail
    /// address (told to the old address).
    AccountChanged,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Invitation => "invitation",
            MessageKind::PasswordReset => "password_reset",
            MessageKind::ReferralReceived => "referral_received",
            MessageKind::GuideProposed => "guide_proposed",
            MessageKind::GuideAccepted => "guide_accepted",
            MessageKind::TransferApproved => "transfer_approved",
            MessageKind::FirstContactOverdue => "first_contact_overdue",
            MessageKind::MeetingInvitation => "meeting_invitation",
            MessageKind::VisitReminder => "visit_reminder",
            MessageKind::SummaryReady => "summary_ready",
            MessageKind::OutingPlaceOffered => "outing_place_offered",
            MessageKind::OutingAnnounced => "outing_announced",
            MessageKind::CouncilAgenda => "council_agenda",
            MessageKind::AccountChanged => "account_changed",
        }
    }

    pub fn parse(name: &str) -> Option<MessageKind> {
        use strum::IntoEnumIterator;
        MessageKind::iter().find(|kind| kind.as_str() == name)
    }

    /// Messages a person cannot turn off: account access and changes to it, and the
    /// escalations that keep a referral from being forgotten.
    pub fn is_mandatory(self) -> bool {
        matches!(
            self,
            MessageKind::Invitation
                | MessageKind::PasswordReset
                | MessageKind::AccountChanged
                | MessageKind::FirstContactOverdue
        )
    }
}

impl MessageKind {
    /// Messages whose link is itself a key to an account (invitation, reset): their body is
    /// cleared the moment they are sent, so the outbox never keeps a live secret.
    pub fn carries_secret_link(self) -> bool {
        matches!(self, MessageKind::Invitation | MessageKind::PasswordReset)
    }
}

impl std::str::FromStr for MessageKind {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        Self::parse(text).ok_or(())
    }
}

/// How failed deliveries are retried: exponential backoff from `first_delay`, doubling up to
/// `max_delay`, each wait stretched or shrunk by up to half at random (so many failures do not
/// retry in lockstep), and given up `give_up_after` the message was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub give_up_after: Duration,
}

pub const DEFAULT_RETRY: RetryPolicy = RetryPolicy {
    first_delay: Duration::seconds(30),
    max_delay: Duration::hours(2),
    give_up_after: Duration::hours(24),
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    At(DateTime<Utc>),
    /// Past the give-up time: the message is dead until someone retries it by hand.
    GiveUp,
}

/// After the `attempts`-th failed attempt (1 for the first), when to try again. `jitter` is a
/// random number in `[0, 1)`.
pub fn next_attempt(
    policy: RetryPolicy,
    attempts: u32,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
    jitter: f64,
) -> Retry {
    let exponent = attempts.saturating_sub(1).min(20);
    let base = policy.first_delay.num_milliseconds().saturating_mul(1_i64 << exponent);
    let capped = base.min(policy.max_delay.num_milliseconds());
    let factor = 0.5 + jitter.clamp(0.0, 1.0);
    let wait = Duration::milliseconds((capped as f64 * factor) as i64);
    let at = now + wait;
    if at > created_at + policy.give_up_after { Retry::GiveUp } else { Retry::At(at) }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use strum::IntoEnumIterator;

    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    #[test]
    fn kinds_round_trip_and_account_mails_are_mandatory() {
        for kind in MessageKind::iter() {
            assert_eq!(MessageKind::parse(kind.as_str()), Some(kind));
        }
        assert!(MessageKind::Invitation.is_mandatory() && MessageKind::PasswordReset.is_mandatory());
        assert!(!MessageKind::VisitReminder.is_mandatory());
    }

    #[test]
    fn waits_double_from_the_first_delay_up_to_the_cap() {
        let wait = |attempts| match next_attempt(DEFAULT_RETRY, attempts, t0(), t0(), 0.5) {
            Retry::At(at) => at - t0(),
            Retry::GiveUp => panic!("gave up"),
        };
        assert_eq!(wait(1), Duration::seconds(30));
        assert_eq!(wait(2), Duration::seconds(60));
        assert_eq!(wait(5), Duration::seconds(480));
        assert_eq!(wait(12), Duration::hours(2), "capped");
        assert_eq!(wait(40), Duration::hours(2), "no overflow");
    }

    #[test]
    fn jitter_spreads_the_wait_by_half_either_way() {
        let at = |jitter| next_attempt(DEFAULT_RETRY, 3, t0(), t0(), jitter);
        assert_eq!(at(0.0), Retry::At(t0() + Duration::seconds(60)));
        assert_eq!(at(0.999_999), Retry::At(t0() + Duration::milliseconds(179_999)));
    }

    #[test]
    fn gives_up_a_day_after_the_message_was_created() {
        let late = t0() + Duration::hours(23);
        assert_eq!(next_attempt(DEFAULT_RETRY, 20, t0(), late, 0.5), Retry::GiveUp);
        let early = t0() + Duration::hours(1);
        assert!(matches!(next_attempt(DEFAULT_RETRY, 3, t0(), early, 0.5), Retry::At(_)));
    }
}
