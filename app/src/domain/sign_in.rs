//! Rules of signing in: how many attempts are allowed before a pause, how many reset links
//! one account or address may ask for, whose address a request comes from, and how long a
//! session lives. Pure: the caller brings the clock, the stored attempts and the headers.

use std::net::{IpAddr, SocketAddr};

use chrono::{DateTime, Duration, Utc};

/// At most `max_attempts` counted attempts within `window`; then wait until the oldest of them
/// leaves the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRule {
    pub max_attempts: usize,
    pub window: Duration,
}

/// Per account: stops guessing one person's password. An attempt counts from the moment it
/// starts (before its password is checked), so parallel guesses cannot all pass the count.
pub const PER_ACCOUNT: ThrottleRule = ThrottleRule { max_attempts: 5, window: Duration::minutes(15) };
/// Per network address: stops one machine trying many accounts.
pub const PER_ADDRESS: ThrottleRule = ThrottleRule { max_attempts: 20, window: Duration::minutes(15) };

/// Reset links mailed to one account: enough for a lost mail or two, never an inbox flood.
pub const RESETS_PER_ACCOUNT: ThrottleRule = ThrottleRule { max_attempts: 3, window: Duration::hours(1) };
/// Reset requests from one address, whichever accounts they name.
pub const RESETS_PER_ADDRESS: ThrottleRule = ThrottleRule { max_attempts: 10, window: Duration::hours(1) };

/// The longest window of any rule: older attempts can be forgotten.
pub const LONGEST_WINDOW: Duration = Duration::hours(1);

/// The client's address behind `trusted_hops` reverse proxies of our own. Each proxy appends
/// the address it was reached from to `X-Forwarded-For`, so the client is the entry written by
/// the outermost trusted proxy: `trusted_hops` from the right. Anything left of it was sent by
/// the client and proves nothing. `None` (use the connection's address) when no proxy is
/// trusted or the header is missing or too short to have passed through them all.
pub fn forwarded_client(forwarded_for: &[&str], trusted_hops: usize) -> Option<IpAddr> {
    if trusted_hops == 0 {
        return None;
    }
    let entries: Vec<&str> = forwarded_for.iter().flat_map(|value| value.split(',')).map(str::trim).collect();
    let entry = entries.get(entries.len().checked_sub(trusted_hops)?)?;
    entry.parse::<IpAddr>().ok().or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// A browser's description in a few words ("Firefox on Android"), for a person's list of their
/// sessions: enough to tell their phone from their office laptop. Order matters, because
/// browsers name each other in their descriptions (Edge says Chrome, Chrome says Safari).
pub fn device_name(user_agent: &str) -> String {
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let browser = BROWSERS
        .iter()
        .find(|(mark, _)| user_agent.contains(mark))
        .map(|(_, name)| *name)
        .or_else(|| user_agent.contains("Safari/").then_some("Safari"));
    let system = SYSTEMS.iter().find(|(mark, _)| user_agent.contains(mark)).map(|(_, name)| *name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} · {system}"),
        (Some(name), None) | (None, Some(name)) => name.to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

/// How long to wait before the next attempt, or `None` when an attempt is allowed now.
pub fn retry_after(rule: ThrottleRule, failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
    let mut recent: Vec<DateTime<Utc>> =
        failures.iter().copied().filter(|at| *at > now - rule.window && *at <= now).collect();
    if recent.len() < rule.max_attempts {
        return None;
    }
    recent.sort();
    // Allowed again when only max_attempts - 1 remain in the window.
    let frees_up_at = recent[recent.len() - rule.max_attempts] + rule.window;
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
    fn a_reset_flood_stops_at_three_an_hour() {
        let requests: Vec<_> = (0..3).map(at).collect();
        assert_eq!(retry_after(RESETS_PER_ACCOUNT, &requests[..2], at(3)), None);
        assert_eq!(retry_after(RESETS_PER_ACCOUNT, &requests, at(3)), Some(Duration::minutes(57)));
        assert_eq!(retry_after(RESETS_PER_ACCOUNT, &requests, at(60)), None);
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn the_client_is_what_the_outermost_trusted_proxy_saw() {
        // The client sent "6.6.6.6" itself; our one proxy appended the address it saw.
        assert_eq!(forwarded_client(&["6.6.6.6, 203.0.113.7"], 1), ip("203.0.113.7"));
        // Two proxies of ours: the second appended the first's address.
        assert_eq!(forwarded_client(&["6.6.6.6, 203.0.113.7, 10.0.0.2"], 2), ip("203.0.113.7"));
        // Several header lines are one list, in order.
        assert_eq!(forwarded_client(&["6.6.6.6", "203.0.113.7"], 1), ip("203.0.113.7"));
        assert_eq!(forwarded_client(&["2001:db8::1"], 1), ip("2001:db8::1"));
        assert_eq!(forwarded_client(&["198.51.100.4:5123"], 1), ip("198.51.100.4"));
    }

    #[test]
    fn no_trusted_proxy_or_a_short_or_broken_header_names_nobody() {
        assert_eq!(forwarded_client(&["203.0.113.7"], 0), None);
        assert_eq!(forwarded_client(&[], 1), None);
        assert_eq!(forwarded_client(&["203.0.113.7"], 2), None);
        assert_eq!(forwarded_client(&["203.0.113.7, unknown"], 1), None);
    }

    #[test]
    fn a_device_is_named_by_its_browser_and_system() {
        let pixel = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
        assert_eq!(device_name(pixel), "Chrome · Android");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(device_name(iphone), "Safari · iPhone");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";
        assert_eq!(device_name(edge), "Edge · Windows");
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(device_name(firefox), "Firefox · Linux");
        assert_eq!(device_name("curl/8.5.0"), "curl/8.5.0");
        assert_eq!(device_name(""), "");
    }

    #[test]
    fn the_absolute_limit_ends_a_session_whatever_its_activity() {
        let limits = DEFAULT_SESSION_LIMITS;
        assert!(!past_absolute_limit(limits, at(0), at(11 * 60 + 59)));
        assert!(past_absolute_limit(limits, at(0), at(12 * 60)));
    }
}
