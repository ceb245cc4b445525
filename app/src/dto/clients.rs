//! Clients: the list and the card. Every call is an audited read of client data.

use serde::{Deserialize, Serialize};

use crate::domain::{
    ids::ClientId,
    referrals::{ContactChannel, ReferralStatus},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientListItem {
    pub id: ClientId,
    pub display_name: String,
    pub municipality: String,
}

/// The client card: who the client is, how to reach them, and, always, who their one named
/// guide is and how to reach the guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientCard {
    pub id: ClientId,
    pub display_name: String,
    pub municipality: String,
    pub phone: Option<String>,
    pub contact_channel: ContactChannel,
    pub pickup_address: Option<String>,
    pub languages: Vec<String>,
    pub guide_name: Option<String>,
    pub guide_phone: Option<String>,
    pub social_worker_name: Option<String>,
    pub period: Option<super::guidance::PeriodView>,
    pub referral: Option<ClientReferral>,
    pub pending_transfer: Option<super::guidance::TransferView>,
    pub earlier_transfers: u64,
    pub consents: Vec<super::referrals::ConsentView>,
    /// The latest outing sessions the client came to.
    pub outings: Vec<super::outings::AttendedOuting>,
    /// What the viewer may do here (the policy's answers, so the page shows only those forms).
    pub may: ClientPermissions,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientReferral {
    pub id: i64,
    pub status: ReferralStatus,
    pub clock: crate::domain::referrals::Clock,
    pub first_contact_at: Option<String>,
    pub first_contact_channel: Option<ContactChannel>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPermissions {
    pub record_first_contact: bool,
    pub edit_plan: bool,
    pub end: bool,
    pub request_transfer: bool,
    pub decide_transfer: bool,
    pub manage_consent: bool,
    pub read_audit: bool,
    /// Book visits: the client has a named guide and the viewer may plan for them.
    pub plan_visit: bool,
    /// See the client's goals and reward scheme.
    pub view_goals: bool,
    /// Sign the client up for outings and groups.
    pub sign_up_for_outing: bool,
}
