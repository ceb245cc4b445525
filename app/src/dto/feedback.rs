//! Feedback right after a visit: the hand-over screen's facts, the answers as sent, and the
//! results coordinators see.

use serde::{Deserialize, Serialize};

use crate::domain::{
    feedback::{GroupResult, Month},
    visits::VisitKind,
};

/// What the hand-over screen needs, and nothing of the client but the language to ask in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackScreen {
    pub visit_id: i64,
    pub kind: VisitKind,
    /// The client's language among Finnish, Swedish and English, to ask in by default.
    pub client_language: String,
    /// Feedback can be given now: a visit met in person, from its start until the same
    /// evening, once.
    pub open: bool,
    pub already_given: bool,
}

/// The three answers as sent: `sad`, `neutral`, `happy`, or empty for no answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedbackAnswers {
    pub talked_about_what_matters: String,
    pub got_help: String,
    pub would_continue: String,
    /// The language the questions were asked in, for the thank-you screen.
    pub lang: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackResults {
    pub this_month: Month,
    /// How many have answered this month so far, over the whole service: a count only, the
    /// answers are shown once the month is over.
    pub answered_this_month: u32,
    /// Groups of earlier months, newest first.
    pub groups: Vec<GroupResult>,
    pub min_group: u32,
}
