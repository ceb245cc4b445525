//! Staff roles. One person may hold several (a coordinator who also guides).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts and reads the audit trail; sees no client data by this role alone.
    Admin,
    /// Leads the guide team: matches referrals, watches caseloads, plans outings.
    Coordinator,
    /// Refers clients and stays responsible for them.
    SocialWorker,
    /// Experience guide (kokemusohjaaja): meets their own clients.
    Guide,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Coordinator, Role::SocialWorker, Role::Guide];

    /// The stable name stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::SocialWorker => "social_worker",
            Role::Guide => "guide",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }
}

/// A set of roles, kept sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        Self(roles)
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<T: IntoIterator<Item = Role>>(iter: T) -> Self {
        Self::new(iter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn a_role_set_is_sorted_and_without_repeats() {
        let set = RoleSet::new([Role::Guide, Role::Coordinator, Role::Guide]);
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![Role::Coordinator, Role::Guide]);
        assert!(set.has(Role::Guide) && !set.has(Role::Admin));
    }
}
