//! Visits in time: the wall-clock times people type turned into instants, recurring series kept
//! at the same local time across the clock changes, and the rule that nobody (guide, driver or
//! client) is in two places at once, travel included.
//!
//! Times are stored as UTC instants with the IANA zone they were entered in. Two local times
//! need a rule, because Helsinki moves its clocks:
//! - **spring forward** (last Sunday of March, 03:00 → 04:00): 03:00–03:59 does not exist on
//!   that day, and such a time is refused with a message that says so;
//! - **fall back** (last Sunday of October, 04:00 → 03:00): 03:00–03:59 happens twice. We take
//!   the **earlier** instant (still summer time): a visit at "03:30" is at the first 03:30,
//!   which is what a person planning the night before means, and it never moves a visit later
//!   than the person could expect.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{availability::WeeklySlot, validation::ValidationCode};

/// The instant a local wall-clock time means in `zone`, by the rules above.
pub fn to_instant(date: NaiveDate, time: NaiveTime, zone: Tz) -> Result<DateTime<Utc>, ValidationCode> {
    match zone.from_local_datetime(&date.and_time(time)) {
        LocalResult::Single(at) => Ok(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _later) => Ok(earlier.with_timezone(&Utc)),
        LocalResult::None => Err(ValidationCode::NonexistentLocalTime),
    }
}

/// How a visit repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recurrence {
    Once,
    Weekly,
    EveryOtherWeek,
    /// The same weekday in the same week of each month ("the second Wednesday"), as councils
    /// and monthly trips are kept; from a fifth weekday on, the last one of each month.
    Monthly,
}

impl Recurrence {
    /// The occurrence after `current`, for a series that began on `first`.
    fn next(self, first: NaiveDate, current: NaiveDate) -> Option<NaiveDate> {
        use chrono::Datelike;
        match self {
            Recurrence::Once => None,
            Recurrence::Weekly => current.checked_add_days(chrono::Days::new(7)),
            Recurrence::EveryOtherWeek => current.checked_add_days(chrono::Days::new(14)),
            Recurrence::Monthly => {
                let month = current.with_day(1)?.checked_add_months(chrono::Months::new(1))?;
                let week = (first.day() - 1) / 7; // 0 = the first such weekday of the month
                let offset =
                    (7 + first.weekday().num_days_from_monday() - month.weekday().num_days_from_monday()) % 7;
                let day = month.checked_add_days(chrono::Days::new(u64::from(offset + 7 * week)))?;
                if day.month() == month.month() {
                    Some(day)
                } else {
                    day.checked_sub_days(chrono::Days::new(7))
                }
            }
        }
    }
}

/// One planned occurrence: from `start` to `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The occurrences of a series that starts on `first` at local `time` and lasts `minutes`,
/// repeating until `until` (inclusive). Each occurrence is at the same *local* time, so a
/// weekly 10:00 visit stays at 10:00 when the clocks change. An occurrence that falls in the
/// spring-forward gap is refused with its date, so the person can choose another time for the
/// whole series rather than have one visit silently moved.
pub fn expand(
    first: NaiveDate,
    time: NaiveTime,
    minutes: u32,
    zone: Tz,
    recurrence: Recurrence,
    until: NaiveDate,
) -> Result<Vec<Slot>, (NaiveDate, ValidationCode)> {
    if minutes == 0 {
        return Err((first, ValidationCode::EndBeforeStart));
    }
    let mut out = Vec::new();
    let mut date = first;
    loop {
        let start = to_instant(date, time, zone).map_err(|code| (date, code))?;
        out.push(Slot { start, end: start + Duration::minutes(i64::from(minutes)) });
        match recurrence.next(first, date) {
            Some(next) if next <= until => date = next,
            _ => break,
        }
    }
    Ok(out)
}

/// Where a booking happens, as far as travel is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Location {
    /// A phone or video call: no travel before or after.
    Remote,
    /// Somewhere not in the places table.
    Unknown,
    /// A place, as an index into the places table.
    At(u16),
}

/// A commitment of one person's time somewhere: a visit, a ride, a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booking {
    pub id: i64,
    pub slot: Slot,
    pub location: Location,
}

/// Average speed on the region's roads, for the time between two places.
pub const DRIVING_KMH: u32 = 60;
/// Added to every move between two different places: parking, walking in, a few words at the
/// door.
pub const MOVE_MARGIN_MINUTES: i64 = 10;
/// The buffer when one of the places is not known.
pub const UNKNOWN_PLACE_BUFFER_MINUTES: i64 = 30;

/// The time to allow between two bookings `km` kilometres apart (straight line; the estimate
/// scales it by 1.3 for roads), rounded up to five minutes. The same place needs none.
pub fn travel_buffer(km: Option<u16>) -> Duration {
    match km {
        None => Duration::minutes(UNKNOWN_PLACE_BUFFER_MINUTES),
        Some(0) => Duration::zero(),
        Some(km) => {
            let road_km = u32::from(km) * 13 / 10;
            let minutes = i64::from((road_km * 60).div_ceil(DRIVING_KMH)) + MOVE_MARGIN_MINUTES;
            Duration::minutes((minutes + 4) / 5 * 5)
        }
    }
}

/// The time needed between bookings at `a` and `b`, from a distance function (kilometres
/// between two place indexes).
pub fn buffer_between(a: Location, b: Location, km: impl Fn(u16, u16) -> u16) -> Duration {
    match (a, b) {
        (Location::Remote, _) | (_, Location::Remote) => Duration::zero(),
        (Location::At(a), Location::At(b)) if a == b => Duration::zero(),
        (Location::At(a), Location::At(b)) => travel_buffer(Some(km(a, b))),
        _ => travel_buffer(None),
    }
}

/// Why a booking cannot stand next to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Clash {
    /// The two overlap in time.
    Overlap { with: i64 },
    /// They do not overlap, but there is not time to get from one place to the other.
    NoTimeToTravel { with: i64, needed_minutes: i64, free_minutes: i64 },
}

/// The bookings `new` clashes with among `existing` (the same person's), travel included.
/// Back-to-back at one place (the end of one is the start of the next) is fine.
pub fn clashes(new: &Booking, existing: &[Booking], km: impl Fn(u16, u16) -> u16) -> Vec<Clash> {
    let mut out = Vec::new();
    for other in existing.iter().filter(|b| b.id != new.id) {
        let (first, second) = if other.slot.start <= new.slot.start { (other, new) } else { (new, other) };
        if second.slot.start < first.slot.end {
            out.push(Clash::Overlap { with: other.id });
            continue;
        }
        let free = second.slot.start - first.slot.end;
        let needed = buffer_between(first.location, second.location, &km);
        if free < needed {
            out.push(Clash::NoTimeToTravel {
                with: other.id,
                needed_minutes: needed.num_minutes(),
                free_minutes: free.num_minutes(),
            });
        }
    }
    out
}

/// Whether `slot` lies inside one of the weekly slots the guide has said they are available,
/// in `zone`'s local time. A visit outside them is allowed (life happens) but the scheduler
/// warns.
pub fn within_availability(slot: &Slot, zone: Tz, weekly: &[WeeklySlot]) -> bool {
    let start = slot.start.with_timezone(&zone);
    let end = slot.end.with_timezone(&zone);
    let weekday = start.weekday().num_days_from_monday() as u8;
    let start_minute = (start.hour() * 60 + start.minute()) as u16;
    // A visit that runs past midnight ends at "24:00" of its first day at the latest.
    let end_minute = if end.date_naive() == start.date_naive() {
        (end.hour() * 60 + end.minute()) as u16
    } else if end.date_naive() == start.date_naive().succ_opt().unwrap_or(start.date_naive())
        && end.hour() == 0
        && end.minute() == 0
    {
        24 * 60
    } else {
        return false;
    };
    weekly.iter().any(|w| w.weekday == weekday && w.start <= start_minute && end_minute <= w.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::HELSINKI;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn local(at: DateTime<Utc>) -> String {
        at.with_timezone(&HELSINKI).format("%Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn a_monthly_series_keeps_its_weekday_and_week_and_its_local_time() {
        // The second Wednesday: 14 Jan 2026, then 11 Feb, 11 Mar, 8 Apr (summer time from 29 Mar).
        let slots =
            expand(date(2026, 1, 14), time(17, 0), 90, HELSINKI, Recurrence::Monthly, date(2026, 4, 30))
                .unwrap();
        let days: Vec<NaiveDate> =
            slots.iter().map(|s| s.start.with_timezone(&HELSINKI).date_naive()).collect();
        assert_eq!(days, [date(2026, 1, 14), date(2026, 2, 11), date(2026, 3, 11), date(2026, 4, 8)]);
        assert!(slots.iter().all(|s| s.start.with_timezone(&HELSINKI).time() == time(17, 0)));
        // A fifth Thursday (29 Jan 2026) becomes the last Thursday of shorter months.
        let fifth =
            expand(date(2026, 1, 29), time(10, 0), 60, HELSINKI, Recurrence::Monthly, date(2026, 4, 30))
                .unwrap();
        let days: Vec<NaiveDate> =
            fifth.iter().map(|s| s.start.with_timezone(&HELSINKI).date_naive()).collect();
        assert_eq!(days, [date(2026, 1, 29), date(2026, 2, 26), date(2026, 3, 26), date(2026, 4, 30)]);
    }

    #[test]
    fn a_time_in_the_spring_forward_gap_is_refused() {
        // 2026-03-29: at 03:00 EET the clocks jump to 04:00 EEST.
        let day = date(2026, 3, 29);
        assert_eq!(to_instant(day, time(3, 0), HELSINKI), Err(ValidationCode::NonexistentLocalTime));
        assert_eq!(to_instant(day, time(3, 30), HELSINKI), Err(ValidationCode::NonexistentLocalTime));
        assert_eq!(to_instant(day, time(2, 59), HELSINKI), Ok(utc("2026-03-29T00:59:00Z")));
        assert_eq!(to_instant(day, time(4, 0), HELSINKI), Ok(utc("2026-03-29T01:00:00Z")));
    }

    #[test]
    fn an_autumn_time_that_happens_twice_is_the_earlier_one() {
        // 2026-10-25: at 04:00 EEST the clocks go back to 03:00 EET; 03:30 happens twice.
        let day = date(2026, 10, 25);
        assert_eq!(to_instant(day, time(3, 30), HELSINKI), Ok(utc("2026-10-25T00:30:00Z")));
        assert_eq!(to_instant(day, time(2, 30), HELSINKI), Ok(utc("2026-10-24T23:30:00Z")));
        assert_eq!(to_instant(day, time(4, 0), HELSINKI), Ok(utc("2026-10-25T02:00:00Z")));
    }

    #[test]
    fn a_weekly_ten_oclock_stays_at_ten_across_both_changes() {
        let slots =
            expand(date(2026, 3, 19), time(10, 0), 60, HELSINKI, Recurrence::Weekly, date(2026, 11, 5))
                .unwrap();
        assert_eq!(slots.len(), 34);
        for slot in &slots {
            assert!(local(slot.start).ends_with(" 10:00"), "{}", local(slot.start));
            assert!(local(slot.end).ends_with(" 11:00"));
        }
        // Winter 08:00 UTC, summer 07:00 UTC, winter again.
        assert_eq!(slots[0].start, utc("2026-03-19T08:00:00Z"));
        assert_eq!(slots[2].start, utc("2026-04-02T07:00:00Z"));
        let after_autumn = slots.iter().find(|s| s.start > utc("2026-10-26T00:00:00Z")).unwrap();
        assert_eq!(after_autumn.start, utc("2026-10-29T08:00:00Z"));
    }

    #[test]
    fn every_other_week_skips_a_week_and_stops_at_the_last_day() {
        let slots = expand(
            date(2026, 11, 23),
            time(13, 15),
            45,
            HELSINKI,
            Recurrence::EveryOtherWeek,
            date(2026, 12, 21),
        )
        .unwrap();
        let days: Vec<String> = slots.iter().map(|s| local(s.start)).collect();
        assert_eq!(days, ["2026-11-23 13:15", "2026-12-07 13:15", "2026-12-21 13:15"]);
    }

    #[test]
    fn a_series_that_meets_the_gap_is_refused_with_the_date() {
        let refused =
            expand(date(2026, 3, 15), time(3, 30), 30, HELSINKI, Recurrence::Weekly, date(2026, 4, 30));
        assert_eq!(refused, Err((date(2026, 3, 29), ValidationCode::NonexistentLocalTime)));
        let once = expand(date(2026, 3, 15), time(3, 30), 30, HELSINKI, Recurrence::Once, date(2026, 4, 30));
        assert_eq!(once.unwrap().len(), 1);
    }

    const SEINAJOKI: u16 = 1;
    const LAPUA: u16 = 2;

    /// Seinäjoki–Lapua is about 23 km in a straight line.
    fn km(a: u16, b: u16) -> u16 {
        if a == b { 0 } else { 23 }
    }

    fn booking(id: i64, start: &str, end: &str, location: Location) -> Booking {
        Booking { id, slot: Slot { start: utc(start), end: utc(end) }, location }
    }

    #[test]
    fn the_travel_buffer_grows_with_distance_and_is_rounded_up_to_five_minutes() {
        assert_eq!(travel_buffer(Some(0)), Duration::zero());
        // 23 km straight → 29 km by road → 29 min at 60 km/h, + 10 → 39 → 40.
        assert_eq!(travel_buffer(Some(23)), Duration::minutes(40));
        assert_eq!(travel_buffer(Some(1)), Duration::minutes(15));
        assert_eq!(travel_buffer(None), Duration::minutes(UNKNOWN_PLACE_BUFFER_MINUTES));
        assert!(travel_buffer(Some(100)) > travel_buffer(Some(50)));
    }

    #[test]
    fn back_to_back_visits_at_one_place_are_fine_and_overlaps_are_not() {
        let morning = booking(1, "2026-11-24T08:00:00Z", "2026-11-24T09:00:00Z", Location::At(SEINAJOKI));
        let next = booking(2, "2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z", Location::At(SEINAJOKI));
        assert!(clashes(&next, &[morning], km).is_empty());
        let overlapping = booking(3, "2026-11-24T08:59:00Z", "2026-11-24T09:30:00Z", Location::At(SEINAJOKI));
        assert_eq!(
            clashes(&overlapping, &[morning, next], km),
            [Clash::Overlap { with: 1 }, Clash::Overlap { with: 2 }]
        );
        // The booking itself (when it is being moved) does not clash with its old time.
        assert!(clashes(&morning, &[morning], km).is_empty());
    }

    #[test]
    fn there_must_be_time_to_drive_between_places_in_either_order() {
        let in_seinajoki =
            booking(1, "2026-11-24T08:00:00Z", "2026-11-24T09:00:00Z", Location::At(SEINAJOKI));
        let too_soon = booking(2, "2026-11-24T09:30:00Z", "2026-11-24T10:00:00Z", Location::At(LAPUA));
        assert_eq!(
            clashes(&too_soon, &[in_seinajoki], km),
            [Clash::NoTimeToTravel { with: 1, needed_minutes: 40, free_minutes: 30 }]
        );
        let just_in_time = booking(3, "2026-11-24T09:40:00Z", "2026-11-24T10:00:00Z", Location::At(LAPUA));
        assert!(clashes(&just_in_time, &[in_seinajoki], km).is_empty());
        // The same when the new booking comes first.
        let before = booking(4, "2026-11-24T07:00:00Z", "2026-11-24T07:30:00Z", Location::At(LAPUA));
        assert_eq!(clashes(&before, &[in_seinajoki], km).len(), 1);
        // A call needs no travel around it; an unknown place gets the safe default.
        let call = booking(5, "2026-11-24T09:00:00Z", "2026-11-24T09:15:00Z", Location::Remote);
        assert!(clashes(&call, &[in_seinajoki], km).is_empty());
        let unknown = booking(6, "2026-11-24T09:15:00Z", "2026-11-24T09:30:00Z", Location::Unknown);
        assert_eq!(
            clashes(&unknown, &[in_seinajoki], km),
            [Clash::NoTimeToTravel {
                with: 1,
                needed_minutes: UNKNOWN_PLACE_BUFFER_MINUTES,
                free_minutes: 15
            }]
        );
    }

    #[test]
    fn availability_is_judged_in_local_time() {
        // Mondays 09:00-15:00 local.
        let weekly = [WeeklySlot { weekday: 0, start: 540, end: 900 }];
        let inside = Slot { start: utc("2026-11-23T07:00:00Z"), end: utc("2026-11-23T08:00:00Z") };
        assert!(within_availability(&inside, HELSINKI, &weekly), "09:00-10:00 EET");
        let early = Slot { start: utc("2026-11-23T06:30:00Z"), end: utc("2026-11-23T07:30:00Z") };
        assert!(!within_availability(&early, HELSINKI, &weekly), "08:30 EET is before nine");
        // In summer the same local hours are an hour earlier in UTC.
        let summer = Slot { start: utc("2026-06-01T06:00:00Z"), end: utc("2026-06-01T07:00:00Z") };
        assert!(within_availability(&summer, HELSINKI, &weekly), "09:00 EEST on a Monday");
        let tuesday = Slot { start: utc("2026-11-24T07:00:00Z"), end: utc("2026-11-24T08:00:00Z") };
        assert!(!within_availability(&tuesday, HELSINKI, &weekly));
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn any_location() -> impl Strategy<Value = Location> {
            prop_oneof![Just(Location::Remote), Just(Location::Unknown), (0u16..3).prop_map(Location::At)]
        }

        fn any_booking(id: i64) -> impl Strategy<Value = Booking> {
            (0i64..600, 5i64..180, any_location()).prop_map(move |(start, minutes, location)| {
                let start = utc("2026-11-24T06:00:00Z") + Duration::minutes(start);
                Booking { id, slot: Slot { start, end: start + Duration::minutes(minutes) }, location }
            })
        }

        fn spread(a: u16, b: u16) -> u16 {
            a.abs_diff(b) * 20
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            /// Whether two bookings fit together does not depend on which was made first.
            #[test]
            fn clashing_is_symmetric(a in any_booking(1), b in any_booking(2)) {
                prop_assert_eq!(clashes(&a, &[b], spread).is_empty(), clashes(&b, &[a], spread).is_empty());
            }

            /// Bookings that clash with nothing can all be kept: nobody is in two places at once.
            #[test]
            fn accepted_bookings_never_overlap(candidates in proptest::collection::vec(any_booking(0), 1..30)) {
                let mut kept: Vec<Booking> = Vec::new();
                for (i, mut b) in candidates.into_iter().enumerate() {
                    b.id = i as i64;
                    if clashes(&b, &kept, spread).is_empty() {
                        kept.push(b);
                    }
                }
                for x in &kept {
                    for y in kept.iter().filter(|y| y.id != x.id) {
                        prop_assert!(x.slot.end <= y.slot.start || y.slot.end <= x.slot.start);
                    }
                }
            }

            /// Every occurrence of a weekly series is at the same local time, whatever the season.
            #[test]
            fn weekly_series_keep_their_local_time(day in 0u64..365, hour in 5u32..23, minute in 0u32..60) {
                let first = date(2026, 1, 1) + chrono::Days::new(day);
                let until = first + chrono::Days::new(364);
                let slots = expand(first, time(hour, minute), 30, HELSINKI, Recurrence::Weekly, until).unwrap();
                prop_assert_eq!(slots.len(), 53);
                for slot in slots {
                    let at = slot.start.with_timezone(&HELSINKI);
                    prop_assert_eq!((at.hour(), at.minute()), (hour, minute));
                }
            }
        }
    }
}
