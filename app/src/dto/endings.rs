//! The ending as its page shows it: the open goals to agree on, the situation factors and the
//! services to talk through, and after the ending what was said and the summary for the
//! official client record.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{
    ending::{ClientEvaluation, Factor, GoalOutcome, ServiceUsed},
    goals::GoalStatus,
    ids::{ClientId, GoalId},
    ratings::Face,
};

/// How many service lines the form offers; more are added over several endings' worth of
/// talk only rarely, and the domain caps them at `ending::MAX_SERVICES`.
pub const SERVICE_LINES: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndingPage {
    pub client_id: ClientId,
    pub client_name: String,
    pub today: NaiveDate,
    /// The open guidance: when it started and was planned to end. `None` after the ending.
    pub started_on: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    /// The open goals, each to agree on.
    pub goals: Vec<GoalAtEnding>,
    /// The viewer may hold the ending: guidance is open and they may end it.
    pub may_hold: bool,
    /// The latest ending held, if any.
    pub held: Option<HeldEnding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalAtEnding {
    pub id: GoalId,
    pub words: String,
    pub status: GoalStatus,
    pub last_face: Option<Face>,
    pub steps_done: usize,
    pub steps: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldEnding {
    pub held_on: NaiveDate,
    pub evaluation: ClientEvaluation,
    /// For the people at the ending; never in the summary.
    pub guide_note: Option<String>,
    pub social_worker_note: Option<String>,
    pub goals: Vec<GoalEnded>,
    pub factors: Vec<Factor>,
    pub services: Vec<ServiceUsed>,
    /// The summary's text, until retention clears it.
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalEnded {
    pub words: String,
    pub outcome: Option<GoalOutcome>,
    pub face: Option<Face>,
}

/// The summary for the official client record on its own, to copy or print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryPage {
    pub client_id: ClientId,
    pub client_name: String,
    pub held_on: NaiveDate,
    pub text: String,
}

/// The ending's form: the evaluation and the notes, and in `lines` the per-goal, per-factor and
/// per-service fields (`goal_{id}_outcome`, `goal_{id}_face`, `factor_{name}`,
/// `service_{n}_kind`, `service_{n}_name`, `service_{n}_new`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EndingFormData {
    pub held_on: String,
    pub started_from: String,
    pub now_at: String,
    pub what_helped: String,
    pub guide_note: String,
    pub social_worker_note: String,
    pub lines: BTreeMap<String, String>,
}

impl EndingFormData {
    /// The value typed in one of the `lines`, or empty.
    pub fn line(&self, name: &str) -> &str {
        self.lines.get(name).map_or("", String::as_str)
    }
}
