//! Signing in and out.

use serde::{Deserialize, Serialize};

use crate::domain::{ids::UserId, roles::RoleSet};

/// The signed-in person, as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    pub roles: RoleSet,
    pub locale: String,
    /// An admin or a coordinator who has no second factor yet: only its setup is open to them.
    pub needs_second_factor: bool,
}

/// What the sign-in form keeps after a refused attempt (never the password).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInKept {
    pub email: String,
    pub next: String,
}
