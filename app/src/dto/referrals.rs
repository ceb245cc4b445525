//! Referrals, proposals and matching: the social worker refers, the coordinator (or the social
//! worker with the client) proposes a guide with the reasons in view, the guide accepts or
//! declines, and the 7-day clock runs until the guide has reached the client.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{
    ids::{ClientId, UserId},
    matching::{Contribution, Exclusion},
    referrals::{ChosenBy, Clock, ContactChannel, ProposalResponse, ReferralStatus, TimelineEvent},
};

/// A lived-experience topic with its names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicView {
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
}

impl TopicView {
    pub fn name(&self, locale: &str) -> &str {
        match locale {
            "sv" => &self.name_sv,
            "en" => &self.name_en,
            _ => &self.name_fi,
        }
    }
}

/// The referral form (done on a phone in two minutes). Checkboxes arrive as `needs[debt]=on`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralForm {
    /// First name or nickname: what the client wants to be called.
    pub display_name: String,
    pub place: String,
    #[serde(default)]
    pub pickup_address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub contact_channel: String,
    #[serde(default)]
    pub languages: BTreeMap<String, String>,
    #[serde(default)]
    pub needs: BTreeMap<String, String>,
    /// What the client wants, in their own words.
    #[serde(default)]
    pub client_words: String,
    #[serde(default)]
    pub urgent: String,
    #[serde(default)]
    pub guide_wishes: String,
    #[serde(default)]
    pub preferred_gender: String,
    #[serde(default)]
    pub needs_rides: String,
    /// The client has agreed to guidance and to sharing what is needed with the guide.
    #[serde(default)]
    pub consent: String,
    #[serde(default)]
    pub consent_shared_with: String,
    #[serde(default)]
    pub consent_valid_until: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralSummary {
    pub id: i64,
    pub client_id: ClientId,
    pub client_name: String,
    pub place: String,
    pub status: ReferralStatus,
    pub urgent: bool,
    /// RFC 3339.
    pub submitted_at: String,
    pub clock: Clock,
    pub guide_name: Option<String>,
    pub referred_by_name: Option<String>,
    pub needs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub event: TimelineEvent,
    pub at: String,
    pub actor_name: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: i64,
    pub guide_id: UserId,
    pub guide_name: String,
    pub milli_score: u32,
    pub contributions: Vec<Contribution>,
    pub chosen_by: ChosenBy,
    pub response: ProposalResponse,
    pub reason: Option<String>,
    pub proposed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    pub id: i64,
    pub purpose: String,
    pub shared_with: String,
    pub given_at: String,
    pub valid_until: Option<String>,
    pub withdrawn_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralDetail {
    pub summary: ReferralSummary,
    pub client_words: String,
    pub languages: Vec<String>,
    /// Only for those who see the referral in full.
    pub contact_channel: Option<ContactChannel>,
    pub guide_wishes: Option<String>,
    pub preferred_gender: Option<String>,
    pub needs_rides: bool,
    pub first_contact_at: Option<String>,
    pub first_contact_channel: Option<ContactChannel>,
    pub timeline: Vec<TimelineEntry>,
    pub proposals: Vec<ProposalView>,
    pub consents: Vec<ConsentView>,
    pub topics: Vec<TopicView>,
    /// What the viewer may do here.
    pub can_propose: bool,
    /// The viewer sees all of it; a guide who is only being asked sees what they need to decide.
    pub in_full: bool,
}

/// A guide who can be proposed, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateView {
    pub guide_id: UserId,
    pub guide_name: String,
    pub place: String,
    pub milli_score: u32,
    pub contributions: Vec<Contribution>,
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotEligibleView {
    pub guide_id: UserId,
    pub guide_name: String,
    pub reasons: Vec<Exclusion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingView {
    pub candidates: Vec<CandidateView>,
    pub not_eligible: Vec<NotEligibleView>,
    pub topics: Vec<TopicView>,
}

/// A guide's introduction, as shown to the client choosing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntroductionView {
    pub guide_id: UserId,
    pub first_name: String,
    pub place: String,
    pub introduction: String,
}

/// One line of a batch proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchLine {
    pub referral_id: i64,
    pub client_name: String,
    pub place: String,
    pub days_waiting: i64,
    pub guide_id: Option<UserId>,
    pub guide_name: Option<String>,
    pub milli_score: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPlan {
    pub lines: Vec<BatchLine>,
    pub placed: usize,
    /// How many a one-by-one assignment in queue order would have placed.
    pub greedy_placed: usize,
}

/// A proposal as the guide sees it: enough about the client to decide, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalForGuide {
    pub id: i64,
    pub referral_id: i64,
    pub client_name: String,
    pub place: String,
    pub needs: Vec<String>,
    pub client_words: String,
    pub milli_score: u32,
    pub contributions: Vec<Contribution>,
    pub proposed_at: String,
    pub topics: Vec<TopicView>,
}
