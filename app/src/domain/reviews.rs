//! The mid-point review (väliarviointi): the social worker, the client and the guide meet, the
//! client rates each goal, each goal is continued, refined or let go, and together they decide
//! whether to go on as planned, change the plan, or end. Reviews happen with the client, not
//! about them: the form records what was agreed there. Pure: the page's form in, typed values
//! or field-keyed refusals out.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{
    goals::{self, GoalChange},
    guidance,
    ids::GoalId,
    ratings::Face,
    scheduling::{self, Booking, Location, Slot},
    text,
    time::parse_date,
    validation::{FieldError, FormErrors, ValidationCode},
    visits::named_enum,
};

named_enum! {
    /// What is decided about one goal.
    GoalDecisionKind {
        Continue = "continue",
        /// New words for the goal; the old ones stay in its history.
        Refine = "refine",
        /// Let go, for the client's reason.
        Drop = "drop",
    }
}

named_enum! {
    /// What is decided about the guidance as a whole.
    ReviewOutcome {
        Continue = "continue",
        /// Go on, differently: goals, the way of working, or the planned end.
        ChangePlan = "change_plan",
        /// Move to ending together.
        End = "end",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalDecision {
    Continue,
    Refine { words: String },
    Drop { reason: String },
}

impl GoalDecision {
    pub fn kind(&self) -> GoalDecisionKind {
        match self {
            GoalDecision::Continue => GoalDecisionKind::Continue,
            GoalDecision::Refine { .. } => GoalDecisionKind::Refine,
            GoalDecision::Drop { .. } => GoalDecisionKind::Drop,
        }
    }

    /// What the decision does to the goal, if anything.
    pub fn change(&self) -> Option<GoalChange> {
        match self {
            GoalDecision::Continue => None,
            GoalDecision::Refine { words } => Some(GoalChange::Refine { words: words.clone(), why: None }),
            GoalDecision::Drop { reason } => Some(GoalChange::Drop { reason: reason.clone() }),
        }
    }
}

/// One open goal's part of the review form, with the goal as it stands (from the database).
#[derive(Debug, Clone, Copy)]
pub struct GoalDecisionForm<'a> {
    pub goal: GoalId,
    /// The goal's wording now, so that a refinement says something new.
    pub current_words: &'a str,
    pub decision: &'a str,
    pub words: &'a str,
    pub reason: &'a str,
    pub face: &'a str,
    /// The guide's note on how the goal has gone.
    pub note: &'a str,
}

/// The review form as typed. The goals are the client's open ones (active or paused).
#[derive(Debug, Clone, Copy)]
pub struct ReviewForm<'a> {
    pub held_on: &'a str,
    pub outcome: &'a str,
    /// The next review's day; empty means none before the ending.
    pub next_review: &'a str,
    /// A new planned end, or empty to keep it.
    pub planned_end: &'a str,
    /// What was agreed, in words the client has heard.
    pub note: &'a str,
    pub goals: &'a [GoalDecisionForm<'a>],
}

/// The period the review belongs to, from the database, and today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewContext {
    pub today: NaiveDate,
    pub period_start: NaiveDate,
    pub planned_end: NaiveDate,
}

/// When the client, guide and social worker meet next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextReview {
    On(NaiveDate),
    /// No more reviews: the next time together is the ending.
    AtEnding,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewedGoal {
    pub goal: GoalId,
    pub decision: GoalDecision,
    pub face: Option<Face>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub held_on: NaiveDate,
    pub outcome: ReviewOutcome,
    /// `None` when the outcome is to end: the ending is agreed next.
    pub next_review: Option<NextReview>,
    /// The planned end after the review: the same as before unless a new one was chosen.
    pub planned_end: NaiveDate,
    pub note: Option<String>,
    pub goals: Vec<ReviewedGoal>,
}

impl Review {
    /// The period's review date after this review. "At the ending" is stored as the planned
    /// end, which [`guidance::review_after_plan_change`] then keeps with the end.
    pub fn review_due(&self) -> NaiveDate {
        match self.next_review {
            Some(NextReview::On(date)) => date,
            _ => self.planned_end,
        }
    }
}

/// Reads the review form. Fields: `held_on`, `outcome`, `next_review`, `planned_end`, `note`,
/// and for each goal `goal_{id}_decision`, `goal_{id}_words`, `goal_{id}_reason`,
/// `goal_{id}_face`. When the outcome is to end, the dates are not read: the ending is agreed
/// next. A new planned end lies after today; the next review after today and before the end.
pub fn parse_review(form: &ReviewForm<'_>, context: &ReviewContext) -> Result<Review, Vec<FieldError>> {
    let mut errors = FormErrors::default();
    let held_on =
        errors.check("held_on", goals::happened_on(form.held_on, context.today, context.period_start));
    let outcome = errors.check("outcome", ReviewOutcome::parse(form.outcome));
    let note =
        errors.check("note", text::multi_line(form.note, text::NOTE)).map(|n| (!n.is_empty()).then_some(n));
    let mut planned_end = Some(context.planned_end);
    let mut next_review = None;
    if outcome.is_some_and(|o| o != ReviewOutcome::End) {
        planned_end = errors.check("planned_end", new_planned_end(form.planned_end, context));
        next_review = match (form.next_review.trim(), planned_end) {
            ("", _) => Some(NextReview::AtEnding),
            (input, Some(end)) => {
                errors.check("next_review", next_review_on(input, context.today, end)).map(NextReview::On)
            }
            // The end was refused; the next review is checked against it once it is right.
            (_, None) => None,
        };
    }
    let mut reviewed = Vec::new();
    for goal in form.goals {
        if let Some(r) = reviewed_goal(&mut errors, goal) {
            reviewed.push(r);
        }
    }
    if !errors.is_empty() {
        return Err(errors.into_vec());
    }
    match (held_on, outcome, planned_end, note) {
        (Some(held_on), Some(outcome), Some(planned_end), Some(note)) => {
            Ok(Review { held_on, outcome, next_review, planned_end, note, goals: reviewed })
        }
        _ => Err(errors.into_vec()),
    }
}

fn next_review_on(
    input: &str,
    today: NaiveDate,
    planned_end: NaiveDate,
) -> Result<NaiveDate, ValidationCode> {
    let date = parse_date(input).ok_or(ValidationCode::InvalidDate)?;
    guidance::check_next_review(date, today, planned_end).map(|()| date)
}

/// Empty keeps the planned end; a new one lies after today.
fn new_planned_end(input: &str, context: &ReviewContext) -> Result<NaiveDate, ValidationCode> {
    if input.trim().is_empty() {
        return Ok(context.planned_end);
    }
    let end = parse_date(input).ok_or(ValidationCode::InvalidDate)?;
    if end <= context.today { Err(ValidationCode::NeedsFutureDate) } else { Ok(end) }
}

fn reviewed_goal(errors: &mut FormErrors, form: &GoalDecisionForm<'_>) -> Option<ReviewedGoal> {
    let field = |name: &str| format!("goal_{}_{name}", form.goal);
    let kind = errors.check(&field("decision"), GoalDecisionKind::parse(form.decision));
    let decision = match kind? {
        GoalDecisionKind::Continue => Some(GoalDecision::Continue),
        GoalDecisionKind::Refine => errors
            .check(&field("words"), goals::refined_words(form.words, form.current_words))
            .map(|words| GoalDecision::Refine { words }),
        GoalDecisionKind::Drop => errors
            .check(&field("reason"), text::required_text(form.reason, text::REASON))
            .map(|reason| GoalDecision::Drop { reason }),
    };
    let face = errors.check(&field("face"), Face::parse(form.face));
    let note = errors
        .check(&field("note"), text::multi_line(form.note, text::NOTE))
        .map(|n| (!n.is_empty()).then_some(n));
    Some(ReviewedGoal { goal: form.goal, decision: decision?, face: face?, note: note? })
}

/// How long before the review date the meeting is put in the calendars: two weeks gives the
/// social worker time to keep the slot or move it.
pub const PROPOSE_DAYS_BEFORE: i64 = 14;
/// How long a review meeting is planned to take.
pub const MEETING_MINUTES: i64 = 60;
/// The working day a meeting is proposed in: it starts on the half hour from 9:00 and ends by
/// 15:00, when a social worker's day with clients is usually over.
const FIRST_START: (u32, u32) = (9, 0);
const LAST_END: (u32, u32) = (15, 0);
/// How many working days from the review date a free time is looked for.
const WORKING_DAYS_TRIED: usize = 5;

/// Whether the meeting for a review due on `review_due` is proposed `today`: from two weeks
/// before, until the day itself.
pub fn proposal_due(review_due: NaiveDate, today: NaiveDate) -> bool {
    today <= review_due && review_due - Duration::days(PROPOSE_DAYS_BEFORE) <= today
}

/// The days a review meeting may be proposed on, in order: the review date itself (a weekend
/// moves to the Friday before, or to Monday when that Friday is past), then the working days
/// after it. Never today or earlier: a meeting needs a day's notice, and the job does not know
/// which of today's hours are still to come.
pub fn meeting_days(review_due: NaiveDate, today: NaiveDate) -> Vec<NaiveDate> {
    let tomorrow = today + Duration::days(1);
    let back = match review_due.weekday() {
        Weekday::Sat => 1,
        Weekday::Sun => 2,
        _ => 0,
    };
    let mut day = review_due - Duration::days(back);
    if day < tomorrow {
        day = review_due.max(tomorrow);
    }
    let mut days = Vec::with_capacity(WORKING_DAYS_TRIED);
    while days.len() < WORKING_DAYS_TRIED {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            days.push(day);
        }
        day += Duration::days(1);
    }
    days
}

/// The first meeting slot on `days` that clashes with none of `busy` (each person's bookings,
/// travel included), or `None` when every one is taken.
pub fn first_free_slot(
    days: &[NaiveDate],
    zone: Tz,
    at: Location,
    busy: &[&[Booking]],
    km: impl Fn(u16, u16) -> u16 + Copy,
) -> Option<Slot> {
    let time = |(h, m): (u32, u32)| NaiveTime::from_hms_opt(h, m, 0);
    let (first, last_end) = (time(FIRST_START)?, time(LAST_END)?);
    for day in days {
        let mut start = first;
        while start + Duration::minutes(MEETING_MINUTES) <= last_end {
            if let (Ok(from), Ok(to)) = (
                scheduling::to_instant(*day, start, zone),
                scheduling::to_instant(*day, start + Duration::minutes(MEETING_MINUTES), zone),
            ) {
                let new = Booking { id: 0, slot: Slot { start: from, end: to }, location: at };
                if busy.iter().all(|bookings| scheduling::clashes(&new, bookings, km).is_empty()) {
                    return Some(new.slot);
                }
            }
            start += Duration::minutes(30);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn fields(errors: Vec<FieldError>) -> Vec<(String, ValidationCode)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    fn context() -> ReviewContext {
        ReviewContext { today: d(2027, 2, 10), period_start: d(2026, 11, 23), planned_end: d(2027, 5, 23) }
    }

    fn goal(id: i64, decision: &'static str) -> GoalDecisionForm<'static> {
        GoalDecisionForm {
            goal: GoalId(id),
            current_words: "Käyn kaupassa itse",
            decision,
            words: "",
            reason: "",
            face: "",
            note: "",
        }
    }

    fn form<'a>(outcome: &'a str, goals: &'a [GoalDecisionForm<'a>]) -> ReviewForm<'a> {
        ReviewForm { held_on: "", outcome, next_review: "", planned_end: "", note: "", goals }
    }

    #[test]
    fn names_round_trip() {
        for k in GoalDecisionKind::iter() {
            assert_eq!(GoalDecisionKind::parse(k.as_str()), Ok(k));
        }
        for o in ReviewOutcome::iter() {
            assert_eq!(ReviewOutcome::parse(o.as_str()), Ok(o));
        }
    }

    #[test]
    fn a_review_continues_refines_and_lets_go_of_goals() {
        let goals = [
            GoalDecisionForm { face: "4", ..goal(1, "continue") },
            GoalDecisionForm { words: "Käyn kaupassa itse kerran viikossa", face: "3", ..goal(2, "refine") },
            GoalDecisionForm { reason: "Ei ole enää tärkeää", ..goal(3, "drop") },
        ];
        let review = parse_review(
            &ReviewForm { next_review: "2027-04-01", note: "Jatketaan", ..form("continue", &goals) },
            &context(),
        )
        .unwrap();
        assert_eq!(review.held_on, context().today);
        assert_eq!(review.outcome, ReviewOutcome::Continue);
        assert_eq!(review.next_review, Some(NextReview::On(d(2027, 4, 1))));
        assert_eq!(review.review_due(), d(2027, 4, 1));
        assert_eq!(review.planned_end, context().planned_end);
        assert_eq!(review.note.as_deref(), Some("Jatketaan"));
        let decisions: Vec<_> =
            review.goals.iter().map(|g| (g.goal.0, g.decision.kind(), g.face.map(Face::value))).collect();
        assert_eq!(
            decisions,
            [
                (1, GoalDecisionKind::Continue, Some(4)),
                (2, GoalDecisionKind::Refine, Some(3)),
                (3, GoalDecisionKind::Drop, None)
            ]
        );
        assert_eq!(review.goals[0].decision.change(), None);
        assert_eq!(
            review.goals[2].decision.change(),
            Some(GoalChange::Drop { reason: "Ei ole enää tärkeää".into() })
        );
    }

    #[test]
    fn without_a_next_review_the_next_meeting_is_the_ending() {
        let review = parse_review(&form("continue", &[goal(1, "continue")]), &context()).unwrap();
        assert_eq!(review.next_review, Some(NextReview::AtEnding));
        assert_eq!(review.review_due(), context().planned_end);
    }

    #[test]
    fn changing_the_plan_may_move_the_end_and_the_next_review_must_fit_it() {
        let goals = [goal(1, "continue")];
        let longer = ReviewForm {
            planned_end: "2027-08-31",
            next_review: "2027-06-15",
            ..form("change_plan", &goals)
        };
        let review = parse_review(&longer, &context()).unwrap();
        assert_eq!((review.planned_end, review.review_due()), (d(2027, 8, 31), d(2027, 6, 15)));

        let after_end = ReviewForm { next_review: "2027-06-15", ..form("change_plan", &goals) };
        assert_eq!(
            fields(parse_review(&after_end, &context()).unwrap_err()),
            [("next_review".to_owned(), ValidationCode::OutOfRange)]
        );
        let past =
            ReviewForm { next_review: "2027-02-10", planned_end: "2027-02-01", ..form("continue", &goals) };
        assert_eq!(
            fields(parse_review(&past, &context()).unwrap_err()),
            [("planned_end".to_owned(), ValidationCode::NeedsFutureDate)]
        );
        let today = ReviewForm { next_review: "2027-02-10", ..form("continue", &goals) };
        assert_eq!(
            fields(parse_review(&today, &context()).unwrap_err()),
            [("next_review".to_owned(), ValidationCode::NeedsFutureDate)]
        );
    }

    #[test]
    fn ending_reads_no_dates() {
        let goals = [goal(1, "continue")];
        let end = ReviewForm { next_review: "whenever", planned_end: "2020-01-01", ..form("end", &goals) };
        let review = parse_review(&end, &context()).unwrap();
        assert_eq!((review.outcome, review.next_review), (ReviewOutcome::End, None));
        assert_eq!(review.planned_end, context().planned_end);
    }

    #[test]
    fn every_refused_field_is_named_by_its_goal() {
        let goals = [
            goal(7, ""),
            GoalDecisionForm { words: " Käyn kaupassa  itse", ..goal(8, "refine") },
            GoalDecisionForm { face: "6", ..goal(9, "drop") },
        ];
        let bad = ReviewForm { held_on: "2027-03-01", note: "a\0", ..form("later", &goals) };
        assert_eq!(
            fields(parse_review(&bad, &context()).unwrap_err()),
            [
                ("held_on".to_owned(), ValidationCode::FutureDate),
                ("outcome".to_owned(), ValidationCode::UnknownChoice),
                ("note".to_owned(), ValidationCode::ControlCharacter),
                ("goal_7_decision".to_owned(), ValidationCode::Required),
                ("goal_8_words".to_owned(), ValidationCode::SameAsBefore),
                ("goal_9_reason".to_owned(), ValidationCode::Required),
                ("goal_9_face".to_owned(), ValidationCode::UnknownChoice),
            ]
        );
        let before = ReviewForm { held_on: "2026-11-01", ..form("continue", &[]) };
        assert_eq!(
            fields(parse_review(&before, &context()).unwrap_err()),
            [("held_on".to_owned(), ValidationCode::OutOfRange)]
        );
    }

    fn at(day: NaiveDate, h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
        scheduling::to_instant(day, NaiveTime::from_hms_opt(h, m, 0).unwrap(), crate::domain::time::HELSINKI)
            .unwrap()
    }

    #[test]
    fn the_meeting_is_proposed_from_two_weeks_before_until_the_day() {
        let due = d(2027, 2, 22);
        assert!(!proposal_due(due, d(2027, 2, 7)));
        assert!(proposal_due(due, d(2027, 2, 8)));
        assert!(proposal_due(due, due));
        assert!(!proposal_due(due, d(2027, 2, 23)));
    }

    #[test]
    fn meeting_days_start_at_the_due_date_and_skip_weekends() {
        // Monday 22 February 2027.
        let monday = d(2027, 2, 22);
        assert_eq!(meeting_days(monday, d(2027, 2, 10)), [22, 23, 24, 25, 26].map(|n| d(2027, 2, n)));
        // Saturday the 27th moves to Friday the 26th, or to Monday when Friday is past.
        assert_eq!(meeting_days(d(2027, 2, 27), d(2027, 2, 10))[0], d(2027, 2, 26));
        assert_eq!(meeting_days(d(2027, 2, 27), d(2027, 2, 26))[..2], [d(2027, 3, 1), d(2027, 3, 2)]);
        // A review due today is met tomorrow at the earliest.
        assert_eq!(meeting_days(monday, monday)[0], d(2027, 2, 23));
        for days in [meeting_days(monday, monday), meeting_days(d(2027, 2, 28), d(2027, 2, 1))] {
            assert!(days.iter().all(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)));
        }
    }

    #[test]
    fn the_first_free_half_hour_clashing_with_nobody() {
        let zone = crate::domain::time::HELSINKI;
        let day = d(2027, 2, 22);
        let here = Location::At(3);
        let km = |_: u16, _: u16| 40;
        let booking = |id, (h, m), (h2, m2), location| Booking {
            id,
            slot: Slot { start: at(day, h, m), end: at(day, h2, m2) },
            location,
        };
        let free = first_free_slot(&[day], zone, here, &[&[], &[]], km).unwrap();
        assert_eq!((free.start, free.end), (at(day, 9, 0), at(day, 10, 0)));
        // Back to back at the same place is fine.
        let guide = [booking(1, (9, 0), (10, 0), here)];
        assert_eq!(first_free_slot(&[day], zone, here, &[&guide, &[]], km).unwrap().start, at(day, 10, 0));
        // The social worker is 40 km away at 11:30-12:00: the drive takes 65 minutes either way.
        let social_worker = [booking(2, (11, 30), (12, 0), Location::At(5))];
        let free = first_free_slot(&[day], zone, here, &[&guide, &social_worker], km).unwrap();
        assert_eq!(free.start, at(day, 13, 30));
        // A full day passes to the next one; nothing free on any day is none.
        let full = [booking(4, (8, 0), (16, 0), here)];
        let next = d(2027, 2, 23);
        assert_eq!(first_free_slot(&[day, next], zone, here, &[&full], km).unwrap().start, at(next, 9, 0));
        assert_eq!(first_free_slot(&[day], zone, here, &[&full], km), None);
        // The last start ends by 15:00.
        let until_14 = [booking(5, (8, 0), (14, 0), here)];
        assert_eq!(first_free_slot(&[day], zone, here, &[&until_14], km).unwrap().end, at(day, 15, 0));
    }
}
