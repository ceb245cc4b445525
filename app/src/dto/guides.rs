//! Guides: profiles (written by the guide or a coordinator) and caseloads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::referrals::TopicView;
use crate::domain::{availability::WeeklySlot, ids::UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideRow {
    pub id: UserId,
    pub name: String,
    pub place: String,
    pub caseload: u16,
    pub max_caseload: u16,
    pub pending_proposals: u16,
    pub has_car: bool,
    pub topics: Vec<String>,
    pub has_profile: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidesOverview {
    pub guides: Vec<GuideRow>,
    pub topics: Vec<TopicView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideProfileView {
    pub id: UserId,
    pub name: String,
    pub topics: Vec<String>,
    pub place: String,
    pub has_car: bool,
    pub seats: u8,
    pub max_caseload: u16,
    pub gender: Option<String>,
    pub introduction: String,
    pub availability: Vec<WeeklySlot>,
    pub all_topics: Vec<TopicView>,
}

/// The profile form. Availability rows arrive as `slots[0][weekday]`, `slots[0][start]`, ...
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideProfileForm {
    #[serde(default)]
    pub topics: BTreeMap<String, String>,
    pub place: String,
    #[serde(default)]
    pub has_car: String,
    #[serde(default)]
    pub seats: String,
    pub max_caseload: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub introduction: String,
    #[serde(default)]
    pub slots: BTreeMap<String, SlotForm>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotForm {
    #[serde(default)]
    pub weekday: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
}
