//! The guidance period: one named guide at a time, a planned end (six months by default) and a
//! mid-point review half-way, both editable. The review date follows the plan when the plan
//! changes, and after a review the next one is chosen in it.

use chrono::{Months, NaiveDate};

use super::validation::ValidationCode;

pub const DEFAULT_LENGTH_MONTHS: u32 = 6;

/// The planned end and the review date of a period starting on `start`.
pub fn default_dates(start: NaiveDate) -> (NaiveDate, NaiveDate) {
    let end = start.checked_add_months(Months::new(DEFAULT_LENGTH_MONTHS)).unwrap_or(start);
    (end, halfway(start, end))
}

pub fn halfway(start: NaiveDate, end: NaiveDate) -> NaiveDate {
    start + (end - start) / 2
}

/// An edited plan: the end after the start, the review between them.
pub fn check_dates(
    start: NaiveDate,
    planned_end: NaiveDate,
    review_due: NaiveDate,
) -> Result<(), (&'static str, ValidationCode)> {
    if planned_end <= start {
        return Err(("planned_end", ValidationCode::EndBeforeStart));
    }
    if review_due < start || review_due > planned_end {
        return Err(("review_due", ValidationCode::OutOfRange));
    }
    Ok(())
}

/// The review date after the plan changed from `old_start..old_end` to `new_start..new_end`:
///
/// 1. a review on the old half-way day (the default) moves to the new half-way day;
/// 2. a review on the old planned end (the ending meeting doubles as the review) moves with the
///    end;
/// 3. a date set by hand that still lies within the new period stays: it was chosen for a
///    reason (a social worker's holiday, a court date);
/// 4. a date set by hand outside the new period is moved to the nearest day inside it, the
///    smallest change to what people chose. The plan's page shows it, and it can be edited.
pub fn review_after_plan_change(
    old_start: NaiveDate,
    old_end: NaiveDate,
    review: NaiveDate,
    new_start: NaiveDate,
    new_end: NaiveDate,
) -> NaiveDate {
    if review == halfway(old_start, old_end) {
        halfway(new_start, new_end)
    } else if review == old_end {
        new_end
    } else if new_start <= new_end {
        review.clamp(new_start, new_end)
    } else {
        // Not a plan (refused by `check_dates`); keep the date rather than panic in clamp.
        review
    }
}

/// The next review, chosen in a held review: after `today` (`NeedsFutureDate`) and before the
/// planned end (`OutOfRange`; on the end day it would be the ending itself).
pub fn check_next_review(
    next: NaiveDate,
    today: NaiveDate,
    planned_end: NaiveDate,
) -> Result<(), ValidationCode> {
    if next <= today {
        Err(ValidationCode::NeedsFutureDate)
    } else if next >= planned_end {
        Err(ValidationCode::OutOfRange)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn six_months_with_a_review_half_way() {
        assert_eq!(
            default_dates(d(2026, 11, 23)),
            (d(2027, 5, 23), d(2026, 11, 23) + (d(2027, 5, 23) - d(2026, 11, 23)) / 2)
        );
        let (end, review) = default_dates(d(2026, 8, 31));
        assert_eq!(end, d(2027, 2, 28), "month ends are clamped");
        assert!(review > d(2026, 11, 25) && review < d(2026, 12, 2));
    }

    #[test]
    fn edited_dates_must_make_sense() {
        let start = d(2026, 11, 23);
        assert!(check_dates(start, d(2027, 3, 1), d(2027, 1, 10)).is_ok());
        assert_eq!(
            check_dates(start, d(2026, 11, 1), d(2026, 11, 23)),
            Err(("planned_end", ValidationCode::EndBeforeStart))
        );
        assert_eq!(
            check_dates(start, d(2027, 3, 1), d(2027, 4, 1)),
            Err(("review_due", ValidationCode::OutOfRange))
        );
    }

    #[test]
    fn a_default_review_moves_half_way_with_the_plan() {
        let (start, end) = (d(2026, 11, 1), d(2027, 5, 1));
        let review = halfway(start, end);
        let longer = d(2027, 11, 1);
        assert_eq!(review_after_plan_change(start, end, review, start, longer), halfway(start, longer));
        let later = d(2026, 12, 1);
        assert_eq!(review_after_plan_change(start, end, review, later, end), halfway(later, end));
    }

    #[test]
    fn a_review_at_the_end_moves_with_the_end() {
        let (start, end) = (d(2026, 11, 1), d(2027, 5, 1));
        assert_eq!(review_after_plan_change(start, end, end, start, d(2027, 6, 15)), d(2027, 6, 15));
        assert_eq!(review_after_plan_change(start, end, end, start, d(2027, 3, 1)), d(2027, 3, 1));
    }

    #[test]
    fn a_review_set_by_hand_stays_inside_and_moves_the_least_from_outside() {
        let (start, end) = (d(2026, 11, 1), d(2027, 5, 1));
        let by_hand = d(2027, 3, 10);
        assert_ne!(by_hand, halfway(start, end));
        assert_eq!(
            review_after_plan_change(start, end, by_hand, start, d(2027, 8, 1)),
            by_hand,
            "still inside"
        );
        assert_eq!(review_after_plan_change(start, end, by_hand, start, d(2027, 3, 1)), d(2027, 3, 1));
        let early = d(2026, 11, 20);
        assert_eq!(review_after_plan_change(start, end, early, d(2026, 12, 1), end), d(2026, 12, 1));
        // Whatever the change, a valid new plan gets a review inside it.
        for new_end in [d(2026, 12, 1), d(2027, 2, 1), d(2027, 9, 1)] {
            for review in [early, by_hand, halfway(start, end), end] {
                let moved = review_after_plan_change(start, end, review, start, new_end);
                assert_eq!(check_dates(start, new_end, moved), Ok(()), "{review} → {moved}");
            }
        }
    }

    #[test]
    fn the_next_review_is_after_today_and_before_the_end() {
        let (today, end) = (d(2027, 2, 1), d(2027, 5, 1));
        assert_eq!(check_next_review(d(2027, 4, 1), today, end), Ok(()));
        assert_eq!(check_next_review(today, today, end), Err(ValidationCode::NeedsFutureDate));
        assert_eq!(check_next_review(d(2027, 1, 1), today, end), Err(ValidationCode::NeedsFutureDate));
        assert_eq!(check_next_review(end, today, end), Err(ValidationCode::OutOfRange));
    }
}
