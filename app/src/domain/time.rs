//! Time in the users' zone. Instants are stored in UTC; people see and type Helsinki wall-clock
//! time, which moves by an hour at the end of March and of October.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

pub const HELSINKI: Tz = chrono_tz::Europe::Helsinki;

/// The instant a calendar day begins in `zone` (midnight exists on every day in Helsinki; the
/// clock changes happen at 03:00 and 04:00).
pub fn start_of_day(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::MIN);
    zone.from_local_datetime(&local)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// `2026-11-23 14:05` in `zone`.
pub fn format_local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

/// `YYYY-MM-DD`, or `None`.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_local_midnight_in_winter_and_summer() {
        let winter = start_of_day(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), HELSINKI);
        assert_eq!(winter.to_rfc3339(), "2026-11-22T22:00:00+00:00");
        let summer = start_of_day(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(), HELSINKI);
        assert_eq!(summer.to_rfc3339(), "2026-06-30T21:00:00+00:00");
    }

    #[test]
    fn formats_in_local_time_across_the_autumn_change() {
        // The clocks go back at 04:00 EEST (01:00 UTC): 00:30 UTC is 03:30 EEST and 01:30 UTC
        // is 03:30 EET, the same wall-clock time twice.
        let at = Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap();
        assert_eq!(format_local(at, HELSINKI), "2026-10-25 03:30");
        let before = Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap();
        assert_eq!(format_local(before, HELSINKI), "2026-10-25 03:30");
    }

    #[test]
    fn parses_iso_dates_only() {
        assert_eq!(parse_date(" 2026-11-23 "), NaiveDate::from_ymd_opt(2026, 11, 23));
        assert_eq!(parse_date("23.11.2026"), None);
    }
}
