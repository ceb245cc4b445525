//! The audit trail, for admins: every event with filters, and one client's report.

use serde::{Deserialize, Serialize};

/// One row of the audit pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// UTC, RFC 3339; shown in Helsinki time.
    pub at: String,
    pub actor_name: Option<String>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub outcome: String,
    /// Where an authentication event came from.
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// The next (older) page starts before this event, if there is one.
    pub next: Option<i64>,
}

/// The filter form's fields (all optional; dates as YYYY-MM-DD in Helsinki time).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub entity_id: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub denied_only: String,
    /// Events older than this one (the id the page before gave as `next`); empty: the newest.
    #[serde(default)]
    pub before: String,
}
