//! The mid-point review as its page shows it: what happened since the start or the last
//! review, the open goals to decide on, and the reviews held before; and the form that holds
//! one.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::goals::VisitContext;
use crate::domain::{
    goals::GoalStatus,
    ids::{ClientId, GoalId},
    ratings::Face,
    reviews::{GoalDecisionKind, ReviewOutcome},
    rewards::RewardUnit,
    visits::VisitKind,
};

/// How many visit notes since the last review the page shows, newest first.
pub const LATEST_NOTES: u64 = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewPage {
    pub client_id: ClientId,
    pub client_name: String,
    pub today: NaiveDate,
    /// The review meeting the page was opened from.
    pub visit: Option<VisitContext>,
    /// The open period's plan; `None` after the ending, when only earlier reviews are shown.
    pub plan: Option<PlanView>,
    pub since: Option<SinceView>,
    /// The open goals, each with what to decide.
    pub goals: Vec<GoalToReview>,
    /// Reviews held before, newest first.
    pub held: Vec<HeldReview>,
    /// The viewer may hold the review: guidance is open and they may change the goals.
    pub may_hold: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub started_on: NaiveDate,
    pub planned_end: NaiveDate,
    pub review_due: NaiveDate,
}

/// What happened since the start or the last review, to talk about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinceView {
    pub from: NaiveDate,
    /// The last review, when there was one (else `from` is the start).
    pub after_review: bool,
    pub visits_held: u64,
    pub visits_missed: u64,
    /// Steps done, newest first: the goal's words, the step's and the day.
    pub steps_done: Vec<StepDone>,
    /// The latest notes of visits held, newest first (at most [`LATEST_NOTES`]).
    pub notes: Vec<VisitNote>,
    pub rewards: Option<(RewardUnit, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDone {
    pub goal: String,
    pub step: String,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitNote {
    pub on: NaiveDate,
    pub kind: VisitKind,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalToReview {
    pub id: GoalId,
    pub words: String,
    pub status: GoalStatus,
    /// The client's latest face for it, if any.
    pub last_face: Option<Face>,
    pub steps_done: usize,
    pub steps: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldReview {
    pub held_on: NaiveDate,
    pub outcome: ReviewOutcome,
    /// `None`: the next meeting is the ending.
    pub next_review: Option<NaiveDate>,
    pub planned_end: NaiveDate,
    pub note: Option<String>,
    pub decisions: Vec<DecisionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    /// The goal's words when it was reviewed.
    pub goal: String,
    pub decision: GoalDecisionKind,
    /// New words, or the client's reason for letting it go.
    pub words: Option<String>,
    pub face: Option<Face>,
    pub note: Option<String>,
}

/// The review's form: overall fields, and per goal `goal_{id}_decision`, `_words`, `_reason`,
/// `_face` and `_note` in `goals`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewFormData {
    pub held_on: String,
    pub outcome: String,
    pub next_review: String,
    pub planned_end: String,
    pub note: String,
    pub visit: String,
    pub goals: BTreeMap<String, String>,
}

impl ReviewFormData {
    /// The value typed for one goal's field, or empty.
    pub fn goal_field(&self, goal: GoalId, name: &str) -> &str {
        self.goals.get(&format!("goal_{goal}_{name}")).map_or("", String::as_str)
    }
}
