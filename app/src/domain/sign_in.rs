//! Rules of signing in: how many failed attempts are allowed before a pause, and how long a
//! session lives. Pure: the caller brings the clock and the stored failures.

use chrono::{DateTime, Duration, Utc};

/// At most `max_failures` failed attempts within `window`; then wait until the oldest of them
/// leaves the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRule {
    pub max_failures: usize,
    pub window: Duration,
}

/// Per account: stops guessing one person's password.
pub const PER_ACCOUNT: ThrottleRule = ThrottleRule { max_failures: 5, window: Duration::minutes(15) };
/// Per network address: stops one machine trying many accounts.
pub const PER_ADDRESS: ThrottleRule = ThrottleRule { max_failures: 20, window: Duration::minutes(15) };

/// How long to wait before the next attempt, or `None` when an attempt is allowed now.
pub fn retry_after(rule: ThrottleRule, failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
    let mut recent: Vec<DateTime<Utc>> =
        failures.iter().copied().filter(|at| *at > now - rule.window && *at <= now).collect();
    if recent.len() < rule.max_failures {
        return None;
    }
    recent.sort();
    // Allowed again when only max_failures - 1 remain in the window.
    let frees_up_at = recent[recent.len() - rule.max_failures] + rule.window;
    Some(frees_up_at - now)
}

/// Whole minutes to tell the user, never "0 minutes".
pub fn minutes_to_wait(wait: Duration) -> i64 {
    ((wait.num_seconds() + 59) / 60).max(1)
}

/// Session lifetimes: signed out after `idle` without activity, and after `absolute` whatever
/// happens (a stolen session cannot be kept alive forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
}

pub const DEFAULT_SESSION_LIMITS: SessionLimits =
    SessionLimits { idle: Duration::minutes(30), absolute: Duration::hours(12) };

/// Whether a session that signed in at `signed_in_at` is past its absolute lifetime. (The idle
/// limit is the session store's expiry, renewed on every request.)
pub fn past_absolute_limit(limits: SessionLimits, signed_in_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= signed_in_at + limits.absolute
}

/// Invitation links last a day, password-reset links an hour.
pub const INVITATION_VALID_FOR: Duration = Duration::hours(24);
pub const PASSWORD_RESET_VALID_FOR: Duration = Duration::hours(1);

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn allowed_until_the_limit() {
        let failures: Vec<_> = (0..4).map(at).collect();
        assert_eq!(retry_after(PER_ACCOUNT, &failures, at(5)), None);
    }

    #[test]
    fn the_fifth_failure_pauses_until_the_first_leaves_the_window() {
        let failures: Vec<_> = (0..5).map(at).collect();
        assert_eq!(retry_after(PER_ACCOUNT, &failures, at(5)), Some(Duration::minutes(10)));
        assert_eq!(retry_after(PER_ACCOUNT, &failures, at(14)), Some(Duration::minutes(1)));
        assert_eq!(retry_after(PER_ACCOUNT, &failures, at(15)), None);
    }

    #[test]
    fn more_failures_than_the_limit_wait_for_enough_of_them_to_expire() {
        // Seven failures: two must leave the window, so the wait ends with the third.
        let failures: Vec<_> = (0..7).map(at).collect();
        assert_eq!(retry_after(PER_ACCOUNT, &failures, at(7)), Some(Duration::minutes(10)));
    }

    #[test]
    fn old_failures_do_not_count() {
        let failures: Vec<_> = (0..10).map(|m| at(m - 60)).collect();
        assert_eq!(retry_after(PER_ACCOUNT, &failures, at(0)), None);
    }

    #[test]
    fn minutes_round_up_and_are_never_zero() {
        assert_eq!(minutes_to_wait(Duration::seconds(1)), 1);
        assert_eq!(minutes_to_wait(Duration::seconds(61)), 2);
        assert_eq!(minutes_to_wait(Duration::minutes(10)), 10);
    }

    #[test]
    fn the_absolute_limit_ends_a_session_whatever_its_activity() {
        let limits = DEFAULT_SESSION_LIMITS;
        assert!(!past_absolute_limit(limits, at(0), at(11 * 60 + 59)));
        assert!(past_absolute_limit(limits, at(0), at(12 * 60)));
    }
}
