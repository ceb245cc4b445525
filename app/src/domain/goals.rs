//! Goals in the client's own words: "the client is the expert of their own life", so the
//! worker does not define them. A goal says what the client wants, optionally why it matters
//! to them, and is broken into small steps ("stop and slice it up"). The first goals are set
//! together at the first three-way meeting. Later a goal may be refined (its earlier wording is
//! kept in its history), paused, let go with the client's reason, or reached. Pure: the
//! services store what these functions accept.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    ratings::Face,
    text,
    time::parse_date,
    validation::{FieldError, FormErrors, ValidationCode},
    visits::named_enum,
};

/// The most steps one goal is sliced into on one form; more can be added later.
pub const MAX_STEPS: usize = 10;
/// The most goals on the first meeting's form: a few small goals, not a list of everything.
pub const MAX_GOALS: usize = 5;

named_enum! {
    /// Where a goal stands.
    GoalStatus {
        Active = "active",
        /// On hold by the client's choice (an illness, a move): kept, not counted as failed.
        Paused = "paused",
        /// Let go, with the client's reason.
        Dropped = "dropped",
        Reached = "reached",
    }
}

impl GoalStatus {
    /// A dropped or reached goal is not changed any more: a new goal is set instead, so the
    /// record shows what happened to the old one.
    pub fn is_closed(self) -> bool {
        matches!(self, GoalStatus::Dropped | GoalStatus::Reached)
    }
}

named_enum! {
    /// What the form that changes a goal asks for.
    GoalChangeKind {
        Refine = "refine",
        Pause = "pause",
        Resume = "resume",
        Drop = "drop",
        Reach = "reach",
    }
}

/// A change to a goal, read from its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalChange {
    /// New words; the old ones go to the goal's history.
    Refine {
        words: String,
        why: Option<String>,
    },
    Pause,
    Resume,
    /// Let go, in the client's words.
    Drop {
        reason: String,
    },
    Reach,
}

/// The status after `change`. A closed goal refuses every change (`GoalClosed`). Pausing a
/// paused goal or resuming an active one changes nothing and is accepted, so a form sent twice
/// does no harm; a refinement keeps the status.
pub fn next_status(status: GoalStatus, change: &GoalChange) -> Result<GoalStatus, ValidationCode> {
    if status.is_closed() {
        return Err(ValidationCode::GoalClosed);
    }
    Ok(match change {
        GoalChange::Refine { .. } => status,
        GoalChange::Pause => GoalStatus::Paused,
        GoalChange::Resume => GoalStatus::Active,
        GoalChange::Drop { .. } => GoalStatus::Dropped,
        GoalChange::Reach => GoalStatus::Reached,
    })
}

/// The form that changes one goal, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChangeForm<'a> {
    pub change: &'a str,
    /// The new wording, for a refinement.
    pub words: &'a str,
    pub why: &'a str,
    /// The client's reason, for letting the goal go.
    pub reason: &'a str,
}

/// Reads a change of the goal now worded `current_words` with `status`: the change and the
/// status after it. A refinement needs new words (`SameAsBefore` when they are the same, spaces
/// aside); letting go needs the client's reason.
pub fn parse_change(
    form: &ChangeForm<'_>,
    status: GoalStatus,
    current_words: &str,
) -> Result<(GoalChange, GoalStatus), Vec<FieldError>> {
    let mut errors = FormErrors::default();
    let kind = errors.check("change", GoalChangeKind::parse(form.change));
    let change = match kind {
        Some(GoalChangeKind::Refine) => {
            let words = errors.check("words", refined_words(form.words, current_words));
            let why = errors.check("why", optional(form.why, text::REASON));
            words.zip(why).map(|(words, why)| GoalChange::Refine { words, why })
        }
        Some(GoalChangeKind::Pause) => Some(GoalChange::Pause),
        Some(GoalChangeKind::Resume) => Some(GoalChange::Resume),
        Some(GoalChangeKind::Drop) => errors
            .check("reason", text::required_text(form.reason, text::REASON))
            .map(|reason| GoalChange::Drop { reason }),
        Some(GoalChangeKind::Reach) => Some(GoalChange::Reach),
        None => None,
    };
    let change = match change {
        Some(change) if errors.is_empty() => change,
        _ => return Err(errors.into_vec()),
    };
    match next_status(status, &change) {
        Ok(next) => Ok((change, next)),
        Err(code) => {
            errors.add("change", code);
            Err(errors.into_vec())
        }
    }
}

/// New words for a goal: required, and not the words it already has.
pub fn refined_words(input: &str, current_words: &str) -> Result<String, ValidationCode> {
    let words = text::required_line(input, text::GOAL)?;
    if same_words(&words, current_words) { Err(ValidationCode::SameAsBefore) } else { Ok(words) }
}

/// The same words, whatever the spaces between them.
fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

fn optional(input: &str, max: usize) -> Result<Option<String>, ValidationCode> {
    text::multi_line(input, max).map(|t| (!t.is_empty()).then_some(t))
}

/// One goal on a form, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoalForm<'a> {
    pub words: &'a str,
    pub why: &'a str,
    /// The small steps, in order; empty ones are skipped.
    pub steps: &'a [String],
    /// The face the client chose for the goal now, or empty.
    pub face: &'a str,
}

impl GoalForm<'_> {
    fn is_empty(&self) -> bool {
        [self.words, self.why, self.face].iter().all(|s| s.trim().is_empty())
            && self.steps.iter().all(|s| s.trim().is_empty())
    }
}

/// A goal ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGoal {
    pub words: String,
    pub why: Option<String>,
    pub steps: Vec<String>,
    pub face: Option<Face>,
}

/// Reads one goal, adding what is refused to `errors` under `prefix` and the field's name
/// (`goal_1_words`, `goal_1_why`, `goal_1_step_2`, `goal_1_face`). The steps keep their form
/// numbers in the field names, empty ones skipped.
pub fn parse_goal(errors: &mut FormErrors, prefix: &str, form: &GoalForm<'_>) -> Option<NewGoal> {
    let words = errors.check(&format!("{prefix}words"), text::required_line(form.words, text::GOAL));
    let why = errors.check(&format!("{prefix}why"), optional(form.why, text::REASON));
    let mut steps = Some(Vec::new());
    for (i, step) in form.steps.iter().enumerate() {
        match errors.check(&format!("{prefix}step_{}", i + 1), text::one_line(step, text::STEP)) {
            Some(step) if step.is_empty() => {}
            Some(step) => {
                if let Some(steps) = steps.as_mut() {
                    steps.push(step);
                }
            }
            None => steps = None,
        }
    }
    if steps.as_ref().is_some_and(|steps| steps.len() > MAX_STEPS) {
        errors.add(&format!("{prefix}step_{}", MAX_STEPS + 1), ValidationCode::OutOfRange);
        steps = None;
    }
    let face = errors.check(&format!("{prefix}face"), Face::parse(form.face));
    Some(NewGoal { words: words?, why: why?, steps: steps?, face: face? })
}

/// The goals set at the first three-way meeting, as typed.
#[derive(Debug, Clone, Copy)]
pub struct FirstMeetingForm<'a> {
    pub held_on: &'a str,
    /// Goal blocks in order; blocks left wholly empty are skipped.
    pub goals: &'a [GoalForm<'a>],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstGoals {
    pub held_on: NaiveDate,
    pub goals: Vec<NewGoal>,
}

/// Reads the first meeting: held on a day of the period that has come (empty is today), and
/// at least one goal. Fields are named `held_on` and `goal_{n}_…` by the block's number.
pub fn parse_first_meeting(
    form: &FirstMeetingForm<'_>,
    today: NaiveDate,
    period_start: NaiveDate,
) -> Result<FirstGoals, Vec<FieldError>> {
    let mut errors = FormErrors::default();
    let held_on = errors.check("held_on", happened_on(form.held_on, today, period_start));
    let mut goals = Vec::new();
    for (i, goal) in form.goals.iter().enumerate().filter(|(_, g)| !g.is_empty()) {
        if let Some(goal) = parse_goal(&mut errors, &format!("goal_{}_", i + 1), goal) {
            goals.push(goal);
        }
    }
    let blocks = form.goals.iter().filter(|g| !g.is_empty()).count();
    if blocks == 0 {
        errors.add("goal_1_words", ValidationCode::Required);
    } else if blocks > MAX_GOALS {
        errors.add(&format!("goal_{}_words", MAX_GOALS + 1), ValidationCode::OutOfRange);
    }
    match held_on {
        Some(held_on) if errors.is_empty() => Ok(FirstGoals { held_on, goals }),
        _ => Err(errors.into_vec()),
    }
}

/// A day something happened, as typed: empty is `today`; not later than today (`FutureDate`)
/// and not before `earliest` (`OutOfRange`).
pub fn happened_on(input: &str, today: NaiveDate, earliest: NaiveDate) -> Result<NaiveDate, ValidationCode> {
    let date =
        if input.trim().is_empty() { today } else { parse_date(input).ok_or(ValidationCode::InvalidDate)? };
    if date > today {
        Err(ValidationCode::FutureDate)
    } else if date < earliest {
        Err(ValidationCode::OutOfRange)
    } else {
        Ok(date)
    }
}

/// Marking a step done, as typed: the day (empty is today) and the visit it happened on, if any.
#[derive(Debug, Clone, Copy, Default)]
pub struct StepDoneForm<'a> {
    pub done_on: &'a str,
    /// The visit's id, or empty. Whether it is this client's visit is asked of the database.
    pub visit: &'a str,
    /// The outing session's id, or empty: the step was taken at an outing the client came to
    /// (asked of the database too). A step belongs to a visit or to an outing, not both.
    pub outing: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDone {
    pub on: NaiveDate,
    pub visit: Option<i64>,
    pub outing: Option<i64>,
}

/// Reads a step marked done: on a day that has come, not before the goal was set.
pub fn parse_step_done(
    form: &StepDoneForm<'_>,
    today: NaiveDate,
    goal_set_on: NaiveDate,
) -> Result<StepDone, Vec<FieldError>> {
    let mut errors = FormErrors::default();
    let on = errors.check("done_on", happened_on(form.done_on, today, goal_set_on));
    let id = |value: &str| match value.trim() {
        "" => Ok(None),
        id => id.parse::<i64>().map(Some).map_err(|_| ValidationCode::UnknownChoice),
    };
    let visit = errors.check("visit", id(form.visit));
    let outing = errors.check(
        "outing",
        id(form.outing).and_then(|outing| match (outing, visit) {
            (Some(_), Some(Some(_))) => Err(ValidationCode::UnknownChoice),
            _ => Ok(outing),
        }),
    );
    match (on, visit, outing) {
        (Some(on), Some(visit), Some(outing)) => Ok(StepDone { on, visit, outing }),
        _ => Err(errors.into_vec()),
    }
}

/// How far a goal's steps are: done and all.
pub fn steps_done(done_on: &[Option<NaiveDate>]) -> (u32, u32) {
    let done = done_on.iter().filter(|d| d.is_some()).count();
    (done as u32, done_on.len() as u32)
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

    fn steps(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn names_round_trip() {
        for s in GoalStatus::iter() {
            assert_eq!(GoalStatus::parse(s.as_str()), Ok(s));
        }
        for k in GoalChangeKind::iter() {
            assert_eq!(GoalChangeKind::parse(k.as_str()), Ok(k));
        }
    }

    #[test]
    fn a_closed_goal_stays_closed_and_an_open_one_moves_freely() {
        let drop = GoalChange::Drop { reason: "Muutin".into() };
        assert_eq!(next_status(GoalStatus::Active, &GoalChange::Pause), Ok(GoalStatus::Paused));
        assert_eq!(next_status(GoalStatus::Paused, &GoalChange::Resume), Ok(GoalStatus::Active));
        assert_eq!(next_status(GoalStatus::Paused, &drop), Ok(GoalStatus::Dropped));
        assert_eq!(next_status(GoalStatus::Active, &GoalChange::Reach), Ok(GoalStatus::Reached));
        let refine = GoalChange::Refine { words: "x".into(), why: None };
        assert_eq!(next_status(GoalStatus::Paused, &refine), Ok(GoalStatus::Paused));
        // Sent twice: nothing changes and nothing is refused.
        assert_eq!(next_status(GoalStatus::Paused, &GoalChange::Pause), Ok(GoalStatus::Paused));
        for closed in [GoalStatus::Dropped, GoalStatus::Reached] {
            for change in
                [GoalChange::Pause, GoalChange::Resume, GoalChange::Reach, drop.clone(), refine.clone()]
            {
                assert_eq!(next_status(closed, &change), Err(ValidationCode::GoalClosed));
            }
        }
    }

    #[test]
    fn refining_needs_new_words_and_dropping_the_clients_reason() {
        let current = "Käyn kaupassa itse";
        let refine = ChangeForm { change: "refine", words: " Käyn  kaupassa itse ", ..Default::default() };
        assert_eq!(
            fields(parse_change(&refine, GoalStatus::Active, current).unwrap_err()),
            [("words".to_owned(), ValidationCode::SameAsBefore)]
        );
        let refine = ChangeForm { words: "Käyn kaupassa itse kerran viikossa", why: "Oma raha", ..refine };
        assert_eq!(
            parse_change(&refine, GoalStatus::Active, current),
            Ok((
                GoalChange::Refine {
                    words: "Käyn kaupassa itse kerran viikossa".into(),
                    why: Some("Oma raha".into())
                },
                GoalStatus::Active
            ))
        );
        let drop = ChangeForm { change: "drop", reason: "  ", ..Default::default() };
        assert_eq!(
            fields(parse_change(&drop, GoalStatus::Active, current).unwrap_err()),
            [("reason".to_owned(), ValidationCode::Required)]
        );
        let drop = ChangeForm { reason: "En halua enää", ..drop };
        assert_eq!(parse_change(&drop, GoalStatus::Paused, current).map(|(_, s)| s), Ok(GoalStatus::Dropped));
        assert_eq!(
            fields(parse_change(&drop, GoalStatus::Reached, current).unwrap_err()),
            [("change".to_owned(), ValidationCode::GoalClosed)]
        );
        let unknown = ChangeForm { change: "forget", ..Default::default() };
        assert_eq!(
            fields(parse_change(&unknown, GoalStatus::Active, current).unwrap_err()),
            [("change".to_owned(), ValidationCode::UnknownChoice)]
        );
    }

    #[test]
    fn the_first_meeting_sets_goals_with_their_steps_and_faces() {
        let shop = steps(&["Kauppalista", "", "Kauppaan ohjaajan kanssa", "Kauppaan yksin"]);
        let goals = [
            GoalForm {
                words: "Käyn kaupassa itse",
                why: "Haluan päättää mitä syön",
                steps: &shop,
                face: "2",
            },
            GoalForm::default(),
            GoalForm { words: "Soitan siskolle", ..Default::default() },
        ];
        let form = FirstMeetingForm { held_on: "", goals: &goals };
        let first = parse_first_meeting(&form, d(2026, 12, 3), d(2026, 11, 20)).unwrap();
        assert_eq!(first.held_on, d(2026, 12, 3), "empty is today");
        assert_eq!(first.goals.len(), 2);
        assert_eq!(first.goals[0].steps, ["Kauppalista", "Kauppaan ohjaajan kanssa", "Kauppaan yksin"]);
        assert_eq!(first.goals[0].face, Face::new(2));
        assert_eq!(first.goals[0].why.as_deref(), Some("Haluan päättää mitä syön"));
        assert_eq!(
            first.goals[1],
            NewGoal { words: "Soitan siskolle".into(), why: None, steps: vec![], face: None }
        );
    }

    #[test]
    fn every_refused_field_of_the_first_meeting_is_named_by_its_block() {
        let bad_step = steps(&["ok", "a\0b"]);
        let goals = [
            GoalForm { words: "Käyn kaupassa", face: "9", ..Default::default() },
            GoalForm { why: "Ilman sanoja", steps: &bad_step, ..Default::default() },
        ];
        let form = FirstMeetingForm { held_on: "2026-12-24", goals: &goals };
        assert_eq!(
            fields(parse_first_meeting(&form, d(2026, 12, 3), d(2026, 11, 20)).unwrap_err()),
            [
                ("held_on".to_owned(), ValidationCode::FutureDate),
                ("goal_1_face".to_owned(), ValidationCode::UnknownChoice),
                ("goal_2_words".to_owned(), ValidationCode::Required),
                ("goal_2_step_2".to_owned(), ValidationCode::ControlCharacter),
            ]
        );
        let none = FirstMeetingForm { held_on: "2026-11-01", goals: &[GoalForm::default()] };
        assert_eq!(
            fields(parse_first_meeting(&none, d(2026, 12, 3), d(2026, 11, 20)).unwrap_err()),
            [
                ("held_on".to_owned(), ValidationCode::OutOfRange),
                ("goal_1_words".to_owned(), ValidationCode::Required)
            ]
        );
        let many = vec![GoalForm { words: "Pieni", ..Default::default() }; MAX_GOALS + 1];
        let form = FirstMeetingForm { held_on: "", goals: &many };
        assert_eq!(
            fields(parse_first_meeting(&form, d(2026, 12, 3), d(2026, 11, 20)).unwrap_err()),
            [(format!("goal_{}_words", MAX_GOALS + 1), ValidationCode::OutOfRange)]
        );
        let long = steps(&["x"; MAX_STEPS + 1]);
        let goals = [GoalForm { words: "Pieni", steps: &long, ..Default::default() }];
        let form = FirstMeetingForm { held_on: "", goals: &goals };
        assert_eq!(
            fields(parse_first_meeting(&form, d(2026, 12, 3), d(2026, 11, 20)).unwrap_err()),
            [(format!("goal_1_step_{}", MAX_STEPS + 1), ValidationCode::OutOfRange)]
        );
    }

    #[test]
    fn a_step_is_done_on_a_day_that_has_come_maybe_on_a_visit() {
        let (today, set_on) = (d(2027, 1, 15), d(2026, 12, 3));
        assert_eq!(
            parse_step_done(&StepDoneForm { done_on: "", visit: "", outing: "" }, today, set_on),
            Ok(StepDone { on: today, visit: None, outing: None })
        );
        assert_eq!(
            parse_step_done(
                &StepDoneForm { done_on: "2027-01-10", visit: " 42 ", outing: "" },
                today,
                set_on
            ),
            Ok(StepDone { on: d(2027, 1, 10), visit: Some(42), outing: None })
        );
        assert_eq!(
            fields(
                parse_step_done(
                    &StepDoneForm { done_on: "2027-01-16", visit: "x", outing: "" },
                    today,
                    set_on
                )
                .unwrap_err()
            ),
            [
                ("done_on".to_owned(), ValidationCode::FutureDate),
                ("visit".to_owned(), ValidationCode::UnknownChoice)
            ]
        );
        assert_eq!(
            fields(
                parse_step_done(
                    &StepDoneForm { done_on: "2026-12-02", visit: "", outing: "" },
                    today,
                    set_on
                )
                .unwrap_err()
            ),
            [("done_on".to_owned(), ValidationCode::OutOfRange)]
        );
        assert_eq!(
            fields(
                parse_step_done(&StepDoneForm { done_on: "15.1.2027", visit: "", outing: "" }, today, set_on)
                    .unwrap_err()
            ),
            [("done_on".to_owned(), ValidationCode::InvalidDate)]
        );
    }

    #[test]
    fn a_step_is_taken_at_an_outing_or_on_a_visit_not_both() {
        let (today, set_on) = (d(2027, 1, 15), d(2026, 12, 3));
        assert_eq!(
            parse_step_done(&StepDoneForm { done_on: "", visit: "", outing: "7" }, today, set_on),
            Ok(StepDone { on: today, visit: None, outing: Some(7) })
        );
        assert_eq!(
            fields(
                parse_step_done(&StepDoneForm { done_on: "", visit: "3", outing: "7" }, today, set_on)
                    .unwrap_err()
            ),
            [("outing".to_owned(), ValidationCode::UnknownChoice)]
        );
        assert_eq!(
            fields(
                parse_step_done(&StepDoneForm { done_on: "", visit: "", outing: "x" }, today, set_on)
                    .unwrap_err()
            ),
            [("outing".to_owned(), ValidationCode::UnknownChoice)]
        );
    }

    #[test]
    fn steps_are_counted_done_and_all() {
        assert_eq!(steps_done(&[Some(d(2027, 1, 1)), None, Some(d(2027, 1, 9))]), (2, 3));
        assert_eq!(steps_done(&[]), (0, 0));
    }
}
