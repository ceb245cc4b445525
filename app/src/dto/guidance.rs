//! Guidance periods and transfers.

use serde::{Deserialize, Serialize};

use crate::domain::ids::{ClientId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodView {
    pub id: i64,
    pub guide_id: UserId,
    pub started_at: String,
    /// `YYYY-MM-DD`.
    pub planned_end: String,
    pub review_due: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferView {
    pub id: i64,
    pub client_id: ClientId,
    pub client_name: String,
    pub from_guide: String,
    pub reason: String,
    pub requested_by: Option<String>,
    pub requested_at: String,
    /// How many times the client has changed guide before: shown when deciding, because every
    /// change sets a client back.
    pub earlier_transfers: u64,
}
