//! Time in the users' zone. Instants are stored in UTC; people see and type Helsinki wall-clock
//! time, which moves by an hour at the end of March and of October.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::validation::ValidationCode;

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

/// The years a date typed into Rinnalla may have. Nothing here happens before the service
/// existed or centuries ahead, and the window keeps date arithmetic far from chrono's limits.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// `YYYY-MM-DD` with a four-digit year inside [`YEARS`], or `None`. chrono alone would also
/// take signed and six-digit years (`+20260-01-01`), which no person means.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let input = input.trim();
    let shaped = input.len() == 10
        && input
            .bytes()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(input, "%Y-%m-%d").ok().filter(|date| YEARS.contains(&date.year()))
}

/// A month as typed, `YYYY-MM` → its first day; empty means the month of `today`.
pub fn parse_month(input: &str, today: NaiveDate) -> Result<NaiveDate, ValidationCode> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(today.with_day(1).unwrap_or(today));
    }
    NaiveDate::parse_from_str(&format!("{input}-01"), "%Y-%m-%d").map_err(|_| ValidationCode::InvalidDate)
}

/// The first day of the month after the one starting on `first`.
pub fn next_month(first: NaiveDate) -> NaiveDate {
    first.checked_add_months(chrono::Months::new(1)).unwrap_or(first)
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

    #[test]
    fn refuses_signed_long_and_far_years() {
        for input in [
            "+2026-11-23",
            "-2026-11-23",
            "202611-01-01",
            "+20260-01-01",
            "1999-12-31",
            "2101-01-01",
            "2026-1-1",
            "２０２６-11-23",
        ] {
            assert_eq!(parse_date(input), None, "{input}");
        }
        assert_eq!(parse_date("2000-01-01"), NaiveDate::from_ymd_opt(2000, 1, 1));
        assert_eq!(parse_date("2100-12-31"), NaiveDate::from_ymd_opt(2100, 12, 31));
    }

    #[test]
    fn months_parse_and_default_to_this_month() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_month("", today), Ok(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()));
        assert_eq!(parse_month("2026-02", today), Ok(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()));
        assert_eq!(parse_month("2026-13", today), Err(ValidationCode::InvalidDate));
        assert_eq!(
            next_month(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }

    #[test]
    fn a_month_is_trimmed_and_anything_but_a_year_and_month_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_month(" 2026-02 ", today), Ok(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()));
        assert_eq!(parse_month("   ", today), Ok(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()));
        for input in ["2026-00", "2026-02-01", "02/2026", "2026", "marraskuu"] {
            assert_eq!(parse_month(input, today), Err(ValidationCode::InvalidDate), "{input}");
        }
    }

    #[test]
    fn the_next_month_starts_on_its_first_day() {
        let first = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        assert_eq!(next_month(first(2026, 1)), first(2026, 2));
        assert_eq!(next_month(first(2028, 2)), first(2028, 3));
        assert_eq!(next_month(NaiveDate::MAX), NaiveDate::MAX, "no month after the last one");
    }

    proptest::proptest! {
        #[test]
        fn any_input_parses_to_a_date_in_the_window_or_to_nothing(input in "\\PC{0,16}") {
            if let Some(date) = parse_date(&input) {
                proptest::prop_assert!(YEARS.contains(&date.year()));
            }
        }
    }
}
