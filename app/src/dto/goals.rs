//! The client's goals and reward scheme as pages show them, and the forms that change them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{
    goal_chart::{Chart, ChartText},
    goals::GoalStatus,
    ids::{ClientId, GoalId, StepId},
    ratings::{Face, RatingOccasion},
    rewards::{EntryKind, RewardUnit},
    visits::VisitKind,
};

/// Everything on the goals page of one client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalsView {
    pub client_id: ClientId,
    pub client_name: String,
    /// Today in Helsinki: the latest day a step can be marked done on.
    pub today: NaiveDate,
    /// The visit the page was opened from: steps ticked and faces given here belong to it.
    pub visit: Option<VisitContext>,
    /// The outing the page was opened from (one the client came to): steps ticked here were
    /// taken there.
    pub outing: Option<OutingContext>,
    /// Active and paused goals first, then the closed ones, each in the order they were set.
    pub goals: Vec<GoalView>,
    pub rewards: Option<RewardsView>,
    pub may: GoalPermissions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitContext {
    pub id: i64,
    pub kind: VisitKind,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutingContext {
    pub session_id: i64,
    pub title: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalPermissions {
    /// Set and change goals, tick steps, record faces: the viewer may, and guidance is open.
    pub manage_goals: bool,
    pub manage_rewards: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalView {
    pub id: GoalId,
    pub words: String,
    pub why: Option<String>,
    pub status: GoalStatus,
    /// The client's reason for letting it go.
    pub status_reason: Option<String>,
    pub set_on: NaiveDate,
    pub steps: Vec<StepView>,
    pub ratings: Vec<RatingView>,
    /// Earlier wordings, newest first.
    pub earlier_words: Vec<String>,
    pub chart: Chart,
    pub chart_text: ChartText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub id: StepId,
    pub words: String,
    pub done_on: Option<NaiveDate>,
    /// Done on the visit the page was opened from.
    pub on_this_visit: bool,
    /// The title of the outing the step was taken at, if it was.
    pub at_outing: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingView {
    pub on: NaiveDate,
    pub face: Face,
    pub occasion: RatingOccasion,
}

/// The client's reward scheme: its lines in their words, the balance, and the latest entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardsView {
    pub unit: RewardUnit,
    pub balance: u64,
    pub earning: Vec<LineView>,
    pub rewards: Vec<RewardLineView>,
    /// The latest entries, newest first (at most [`LATEST_ENTRIES`]).
    pub entries: Vec<EntryView>,
    pub entry_count: u64,
}

/// How many ledger entries the page shows.
pub const LATEST_ENTRIES: u64 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub id: i64,
    pub what: String,
    pub amount: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardLineView {
    pub id: i64,
    pub what: String,
    pub cost: u32,
    /// Saved toward it, and still missing (0: it can be bought now).
    pub saved: u64,
    pub missing: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub kind: EntryKind,
    pub amount: u32,
    pub balance_after: u64,
    pub on: NaiveDate,
    /// What was earned or bought, in the client's words.
    pub what: Option<String>,
}

/// A new goal with its first small steps, as typed on the goals page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewGoalForm {
    pub words: String,
    pub why: String,
    pub step_1: String,
    pub step_2: String,
    pub step_3: String,
    /// The face the client gives the goal now, or empty.
    pub face: String,
    /// The visit the goal is set on, or empty.
    pub visit: String,
}

impl NewGoalForm {
    pub fn steps(&self) -> Vec<String> {
        vec![self.step_1.clone(), self.step_2.clone(), self.step_3.clone()]
    }
}

/// The reward scheme's form: its unit and lines keyed as the domain names them
/// (`earn_1_what`, `earn_1_amount`, `reward_1_what`, `reward_1_amount`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SchemeFormData {
    pub unit: String,
    pub lines: BTreeMap<String, String>,
}

/// Lines of each kind on the scheme's form; more can be added by saving and coming back.
pub const SCHEME_FORM_LINES: usize = 5;
