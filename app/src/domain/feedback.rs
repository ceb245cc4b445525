//! Feedback right after a visit, short and easy: three questions answered with faces on the
//! guide's phone or a tablet before the client is home and has forgotten. The answers are
//! anonymous: only counts are stored, by month (Helsinki time), kind of visit and the guide's
//! team, never which client or visit they came from, nor when within the month. Results are
//! shown back by month and kind of visit, hidden where fewer than [`MIN_GROUP`] answered.
//!
//! Three faces, not five: right after a visit, maybe on a doorstep, the client should answer
//! at a glance; a sad, a neutral and a happy face need no reading and no fine judgement, and
//! three questions × five faces would ask too much. The goals' own scale has five faces
//! because there the change over months is what matters.
//!
//! The team: Rinnalla has no teams in its data, and the guides of one region form one team in
//! practice (the coordinator leads the region's guides). So a guide's team is the region of
//! their home place in the places data, or [`NO_TEAM`] when their profile names no known place.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    time::HELSINKI,
    validation::{FieldError, FormErrors, ValidationCode},
    visits::{VisitKind, VisitStatus, named_enum},
};

/// Fewer answers than this in a group and its results are hidden: with two or three answers a
/// guide could tell who said what.
pub const MIN_GROUP: u32 = 5;
/// How long after a visit's end its feedback can still be given: the same day, not next week.
pub const WINDOW_HOURS: i64 = 12;
/// The team of a guide whose home place is not in the places data.
pub const NO_TEAM: &str = "";

named_enum! {
    /// A face on the feedback scale.
    Smiley {
        Sad = "sad",
        Neutral = "neutral",
        Happy = "happy",
    }
}

impl Smiley {
    /// The number stored in a tally: 1 to 3; 0 stands for a question left unanswered.
    pub fn value(answer: Option<Smiley>) -> u8 {
        match answer {
            None => 0,
            Some(Smiley::Sad) => 1,
            Some(Smiley::Neutral) => 2,
            Some(Smiley::Happy) => 3,
        }
    }

    /// A stored number back; `None` inside for unanswered, outer `None` for no such number.
    pub fn from_value(value: u8) -> Option<Option<Smiley>> {
        match value {
            0 => Some(None),
            1 => Some(Some(Smiley::Sad)),
            2 => Some(Some(Smiley::Neutral)),
            3 => Some(Some(Smiley::Happy)),
            _ => None,
        }
    }
}

named_enum! {
    /// The three questions, in the order asked.
    Question {
        /// "Did we talk about things that matter to you today?"
        TalkedAboutWhatMatters = "talked_about_what_matters",
        /// "Did you get help with your matter?"
        GotHelp = "got_help",
        /// "Would you like to go on meeting?"
        WouldContinue = "would_continue",
    }
}

/// A month in Helsinki time, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// The month an instant falls in, in Helsinki: 23:30 UTC on 31 January is February there.
    pub fn of(at: DateTime<Utc>) -> Month {
        Month::of_date(at.with_timezone(&HELSINKI).date_naive())
    }

    pub fn of_date(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    /// `YYYY-MM` back, as stored.
    pub fn parse(text: &str) -> Option<Month> {
        let date = NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").ok()?;
        (text.trim().len() == 7).then(|| Month::of_date(date))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Whether feedback can be given for a visit now: met in person (a call has no tablet to hand
/// over), not cancelled nor missed, from its start until [`WINDOW_HOURS`] after its end, and
/// once. The visit records only that its feedback was given, not what it said.
pub fn can_give(
    kind: VisitKind,
    status: VisitStatus,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    already_given: bool,
    now: DateTime<Utc>,
) -> bool {
    !kind.is_remote()
        && matches!(status, VisitStatus::Planned | VisitStatus::Done)
        && !already_given
        && now >= starts_at
        && now <= ends_at + Duration::hours(WINDOW_HOURS)
}

/// The form, as sent: each question's face, or empty for no answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeedbackForm<'a> {
    pub talked_about_what_matters: &'a str,
    pub got_help: &'a str,
    pub would_continue: &'a str,
}

/// One client's answers; any question may be left unanswered, but not all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    pub talked_about_what_matters: Option<Smiley>,
    pub got_help: Option<Smiley>,
    pub would_continue: Option<Smiley>,
}

impl Answers {
    pub fn parse(form: &FeedbackForm<'_>) -> Result<Answers, Vec<FieldError>> {
        let mut errors = FormErrors::default();
        let mut face = |field: &str, input: &str| {
            let input = input.trim();
            if input.is_empty() { Some(None) } else { errors.check(field, Smiley::parse(input)).map(Some) }
        };
        let talked = face("talked_about_what_matters", form.talked_about_what_matters);
        let got_help = face("got_help", form.got_help);
        let would_continue = face("would_continue", form.would_continue);
        if let (Some(t), Some(g), Some(w)) = (talked, got_help, would_continue) {
            if t.is_none() && g.is_none() && w.is_none() {
                errors.add("talked_about_what_matters", ValidationCode::Required);
            } else if errors.is_empty() {
                return Ok(Answers { talked_about_what_matters: t, got_help: g, would_continue: w });
            }
        }
        Err(errors.into_vec())
    }

    pub fn get(&self, question: Question) -> Option<Smiley> {
        match question {
            Question::TalkedAboutWhatMatters => self.talked_about_what_matters,
            Question::GotHelp => self.got_help,
            Question::WouldContinue => self.would_continue,
        }
    }

    /// The tallies these answers add one to: exactly one per question (an unanswered one
    /// too), so every question's counts in a group add up to the number who answered.
    pub fn tally_keys(&self, month: Month, kind: VisitKind, team: &str) -> Vec<TallyKey> {
        use strum::IntoEnumIterator;
        Question::iter()
            .map(|question| TallyKey {
                month,
                kind,
                team: team.to_owned(),
                question,
                answer: self.get(question),
            })
            .collect()
    }
}

/// What one stored count is of.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TallyKey {
    pub month: Month,
    pub kind: VisitKind,
    pub team: String,
    pub question: Question,
    /// `None`: left unanswered.
    pub answer: Option<Smiley>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub key: TallyKey,
    pub count: u32,
}

/// Whose results are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Service,
    Team(&'a str),
}

/// How one question was answered in a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub sad: u32,
    pub neutral: u32,
    pub happy: u32,
    pub unanswered: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shown {
    /// Too few answered to show anything, not even how many.
    TooFew,
    Answers {
        respondents: u32,
        questions: Vec<(Question, QuestionResult)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupResult {
    pub month: Month,
    pub kind: VisitKind,
    pub shown: Shown,
}

/// Results by month and kind of visit, oldest first, of months before `this_month` only: a
/// month still open would show one answer's difference between two looks, which tells what that
/// one client said. A group is shown when at least `min_group` answered. For one team it is
/// also hidden when the rest of the service had 1 to `min_group` − 1 answers in it, since the
/// service's result minus this team's would show theirs. (Comparing three or more teams' results
/// with the whole could still uncover a small team's; pages show the service's results, or
/// one team's to its own coordinator.)
pub fn results(tallies: &[Tally], scope: Scope<'_>, this_month: Month, min_group: u32) -> Vec<GroupResult> {
    use std::collections::BTreeMap;
    use strum::IntoEnumIterator;

    // (month, kind) → (this scope's counts by question, respondents in the whole service)
    let mut groups: BTreeMap<(Month, usize), (BTreeMap<usize, QuestionResult>, u32)> = BTreeMap::new();
    let kind_index = |kind: VisitKind| VisitKind::iter().position(|k| k == kind).unwrap_or(0);
    let question_index = |q: Question| Question::iter().position(|x| x == q).unwrap_or(0);
    for tally in tallies.iter().filter(|t| t.key.month < this_month) {
        let group = groups.entry((tally.key.month, kind_index(tally.key.kind))).or_default();
        if tally.key.question == Question::TalkedAboutWhatMatters {
            group.1 += tally.count;
        }
        let in_scope = match scope {
            Scope::Service => true,
            Scope::Team(team) => tally.key.team == team,
        };
        if in_scope {
            let counts = group.0.entry(question_index(tally.key.question)).or_default();
            let slot = match tally.key.answer {
                None => &mut counts.unanswered,
                Some(Smiley::Sad) => &mut counts.sad,
                Some(Smiley::Neutral) => &mut counts.neutral,
                Some(Smiley::Happy) => &mut counts.happy,
            };
            *slot += tally.count;
        }
    }
    let kinds: Vec<VisitKind> = VisitKind::iter().collect();
    let questions: Vec<Question> = Question::iter().collect();
    groups
        .into_iter()
        .filter_map(|((month, kind), (counts, service_total))| {
            let of = |i: usize| counts.get(&i).copied().unwrap_or_default();
            let respondents = (0..questions.len())
                .map(|i| {
                    let c = of(i);
                    c.sad + c.neutral + c.happy + c.unanswered
                })
                .max()
                .unwrap_or(0);
            if respondents == 0 {
                return None;
            }
            let rest = service_total.saturating_sub(respondents);
            let shown = if respondents < min_group || (1..min_group).contains(&rest) {
                Shown::TooFew
            } else {
                Shown::Answers {
                    respondents,
                    questions: questions.iter().enumerate().map(|(i, q)| (*q, of(i))).collect(),
                }
            };
            Some(GroupResult { month, kind: kinds[kind], shown })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use strum::IntoEnumIterator;

    use super::*;

    fn month(text: &str) -> Month {
        Month::parse(text).unwrap()
    }

    fn fields(errors: Vec<FieldError>) -> Vec<(String, ValidationCode)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    /// `n` clients in `team` who all answered the same.
    fn sheets(n: u32, m: &str, kind: VisitKind, team: &str, answers: Answers) -> Vec<Tally> {
        answers.tally_keys(month(m), kind, team).into_iter().map(|key| Tally { key, count: n }).collect()
    }

    const HAPPY: Answers = Answers {
        talked_about_what_matters: Some(Smiley::Happy),
        got_help: Some(Smiley::Happy),
        would_continue: Some(Smiley::Happy),
    };

    #[test]
    fn names_and_stored_numbers_round_trip() {
        for s in Smiley::iter() {
            assert_eq!(Smiley::parse(s.as_str()), Ok(s));
            assert_eq!(Smiley::from_value(Smiley::value(Some(s))), Some(Some(s)));
        }
        assert_eq!(Smiley::from_value(0), Some(None));
        assert_eq!(Smiley::from_value(4), None);
        for q in Question::iter() {
            assert_eq!(Question::parse(q.as_str()), Ok(q));
        }
    }

    #[test]
    fn the_month_is_helsinkis() {
        assert_eq!(Month::of(Utc.with_ymd_and_hms(2027, 1, 31, 22, 30, 0).unwrap()), month("2027-02"));
        assert_eq!(Month::of(Utc.with_ymd_and_hms(2027, 6, 30, 20, 59, 0).unwrap()), month("2027-06"));
        assert_eq!(Month::of(Utc.with_ymd_and_hms(2027, 6, 30, 21, 0, 0).unwrap()), month("2027-07"));
        assert_eq!(month("2027-02").to_string(), "2027-02");
        for bad in ["2027-13", "2027-2", "27-02", "", "2027-02-01"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn feedback_is_given_in_person_right_after_the_visit_and_once() {
        let start = Utc.with_ymd_and_hms(2027, 3, 2, 10, 0, 0).unwrap();
        let end = start + Duration::hours(1);
        let (home, done) = (VisitKind::HomeVisit, VisitStatus::Done);
        assert!(can_give(home, done, start, end, false, end));
        assert!(can_give(home, VisitStatus::Planned, start, end, false, start + Duration::minutes(50)));
        assert!(can_give(home, done, start, end, false, end + Duration::hours(WINDOW_HOURS)));
        assert!(!can_give(
            home,
            done,
            start,
            end,
            false,
            end + Duration::hours(WINDOW_HOURS) + Duration::seconds(1)
        ));
        assert!(!can_give(home, done, start, end, false, start - Duration::minutes(1)));
        assert!(!can_give(home, done, start, end, true, end), "once");
        assert!(!can_give(VisitKind::Call, done, start, end, false, end));
        assert!(!can_give(home, VisitStatus::Cancelled, start, end, false, end));
        assert!(!can_give(home, VisitStatus::NoShow, start, end, false, end));
    }

    #[test]
    fn questions_may_be_skipped_but_not_all() {
        let answers = Answers::parse(&FeedbackForm {
            got_help: "happy",
            would_continue: " sad ",
            ..Default::default()
        });
        assert_eq!(
            answers,
            Ok(Answers {
                talked_about_what_matters: None,
                got_help: Some(Smiley::Happy),
                would_continue: Some(Smiley::Sad)
            })
        );
        assert_eq!(
            fields(Answers::parse(&FeedbackForm::default()).unwrap_err()),
            [("talked_about_what_matters".to_owned(), ValidationCode::Required)]
        );
        assert_eq!(
            fields(Answers::parse(&FeedbackForm { got_help: "5", ..Default::default() }).unwrap_err()),
            [("got_help".to_owned(), ValidationCode::UnknownChoice)]
        );
    }

    #[test]
    fn one_sheet_adds_one_to_each_question_and_nothing_else() {
        let answers = Answers { got_help: None, ..HAPPY };
        let keys = answers.tally_keys(month("2027-03"), VisitKind::Accompaniment, "south_ostrobothnia");
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[1].question, Question::GotHelp);
        assert_eq!(keys[1].answer, None, "unanswered is counted too");
        assert!(keys.iter().all(|k| k.month == month("2027-03") && k.team == "south_ostrobothnia"));
        // The key has room for month, kind, team, question and answer: no client, visit or time.
        let TallyKey { month: _, kind: _, team: _, question: _, answer: _ } = &keys[0];
    }

    #[test]
    fn results_by_month_and_kind_with_small_groups_hidden() {
        let mixed = Answers { talked_about_what_matters: Some(Smiley::Neutral), got_help: None, ..HAPPY };
        let mut tallies = sheets(4, "2027-01", VisitKind::HomeVisit, "a", HAPPY);
        tallies.extend(sheets(2, "2027-01", VisitKind::HomeVisit, "a", mixed));
        tallies.extend(sheets(4, "2027-01", VisitKind::Accompaniment, "a", HAPPY));
        tallies.extend(sheets(9, "2027-03", VisitKind::HomeVisit, "a", HAPPY));
        let results = results(&tallies, Scope::Service, month("2027-03"), MIN_GROUP);
        assert_eq!(results.len(), 2, "March is still open and not shown");
        assert_eq!((results[0].month, results[0].kind), (month("2027-01"), VisitKind::HomeVisit));
        let Shown::Answers { respondents, questions } = &results[0].shown else { panic!("six answered") };
        assert_eq!(*respondents, 6);
        assert_eq!(
            questions[0],
            (Question::TalkedAboutWhatMatters, QuestionResult { neutral: 2, happy: 4, ..Default::default() })
        );
        assert_eq!(
            questions[1],
            (Question::GotHelp, QuestionResult { happy: 4, unanswered: 2, ..Default::default() })
        );
        assert_eq!(questions[2].1.happy, 6);
        assert_eq!((results[1].kind, &results[1].shown), (VisitKind::Accompaniment, &Shown::TooFew));
    }

    #[test]
    fn a_teams_results_are_hidden_when_the_rest_would_give_another_team_away() {
        let mut tallies = sheets(6, "2027-01", VisitKind::HomeVisit, "a", HAPPY);
        tallies.extend(sheets(2, "2027-01", VisitKind::HomeVisit, "b", HAPPY));
        let jan =
            |tallies: &[Tally], scope| results(tallies, scope, month("2027-02"), MIN_GROUP)[0].shown.clone();
        // The service's 8 and team a's 6 would tell team b's 2.
        assert!(matches!(jan(&tallies, Scope::Service), Shown::Answers { respondents: 8, .. }));
        assert_eq!(jan(&tallies, Scope::Team("a")), Shown::TooFew);
        assert_eq!(jan(&tallies, Scope::Team("b")), Shown::TooFew);
        tallies.extend(sheets(3, "2027-01", VisitKind::HomeVisit, "b", HAPPY));
        assert!(matches!(jan(&tallies, Scope::Team("a")), Shown::Answers { respondents: 6, .. }));
        assert!(matches!(jan(&tallies, Scope::Team("b")), Shown::Answers { respondents: 5, .. }));
        assert!(results(&tallies, Scope::Team("c"), month("2027-02"), MIN_GROUP).is_empty());
    }
}
