//! Staff accounts: the list, invitations, edits, deactivation, and the links that set a
//! password (invitation, reset).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{ids::UserId, roles::RoleSet};

/// A staff member as the admin pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub languages: Vec<String>,
    pub locale: String,
    pub roles: RoleSet,
    pub active: bool,
    /// False until an invited person has set their password.
    pub has_password: bool,
}

/// The fields of the invite and edit forms. Checkboxes arrive as `roles[guide]=on`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub locale: String,
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    #[serde(default)]
    pub languages: BTreeMap<String, String>,
}

/// Whether an invitation or reset link is still good, and whose it is (for the page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub name: String,
    pub email: String,
}
