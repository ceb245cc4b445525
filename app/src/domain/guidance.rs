//! The guidance period: one named guide at a time, a planned end (six months by default) and a
//! mid-point review half-way, both editable.

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
}
