//! Where a form may send the user back to after it has been handled.

/// Returns `target` when it is a path on this site, otherwise `/`. Guards every redirect that
/// takes its destination from the request against being turned into an open redirect
/// (`//evil.example`, `https://evil.example`, `/\evil.example`).
pub fn same_site_path(target: &str) -> &str {
    let is_local = target.starts_with('/')
        && !target.starts_with("//")
        && !target.starts_with("/\\")
        && !target.chars().any(|c| c.is_control());
    if is_local { target } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn keeps_paths_of_this_site() {
        assert_eq!(same_site_path("/"), "/");
        assert_eq!(same_site_path("/guide/today?day=2026-11-23"), "/guide/today?day=2026-11-23");
    }

    #[test]
    fn refuses_other_sites_and_odd_input() {
        for target in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil.example",
            "javascript:alert(1)",
            "/path\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(same_site_path(target), "/", "{target:?}");
        }
    }
}

/// The menu a person gets: what their roles let them open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    Home,
    Today,
    Referrals,
    Proposals,
    Clients,
    Outings,
    Guides,
    MyProfile,
    Mileage,
    Feedback,
    Staff,
    AuditLog,
    Outbox,
    Settings,
}

impl MenuItem {
    pub fn path(self) -> &'static str {
        match self {
            MenuItem::Home => "/",
            MenuItem::Today => "/today",
            MenuItem::Referrals => "/referrals",
            MenuItem::Proposals => "/proposals",
            MenuItem::Clients => "/clients",
            MenuItem::Outings => "/outings",
            MenuItem::Guides => "/guides",
            MenuItem::MyProfile => "/profile",
            MenuItem::Mileage => "/mileage",
            MenuItem::Feedback => "/feedback",
            MenuItem::Staff => "/admin/users",
            MenuItem::AuditLog => "/admin/audit",
            MenuItem::Outbox => "/admin/outbox",
            MenuItem::Settings => "/settings",
        }
    }
}

/// The menu for a signed-in person with `roles`; it follows the policy: an item appears when
/// its page's action is allowed for some resource.
pub fn menu(roles: &super::roles::RoleSet) -> Vec<MenuItem> {
    use super::policy::{Action, Actor, Resource, can};
    use super::roles::RoleSet;
    let actor = Actor { user_id: super::ids::UserId(0), roles: RoleSet::new(roles.iter()) };
    let allowed = |action| can(&actor, action, &Resource::Nothing).is_allowed();
    let mut items = vec![MenuItem::Home];
    // The agenda is for those who take part in visits: guides and social workers.
    if actor.roles.has(super::roles::Role::Guide) || actor.roles.has(super::roles::Role::SocialWorker) {
        items.push(MenuItem::Today);
    }
    if allowed(Action::ListReferrals) {
        items.push(MenuItem::Referrals);
    }
    if allowed(Action::ListOwnProposals) {
        items.push(MenuItem::Proposals);
    }
    if allowed(Action::ListClients) {
        items.push(MenuItem::Clients);
    }
    if allowed(Action::ViewOutings) {
        items.push(MenuItem::Outings);
    }
    if allowed(Action::ViewGuides) {
        items.push(MenuItem::Guides);
    }
    let own_profile = Resource::Account { roles: actor.roles.clone(), is_self: true };
    if actor.roles.has(super::roles::Role::Guide)
        && can(&actor, Action::EditGuideProfile, &own_profile).is_allowed()
    {
        items.push(MenuItem::MyProfile);
    }
    let own = Resource::Account { roles: actor.roles.clone(), is_self: true };
    if can(&actor, Action::ViewMileage, &own).is_allowed() {
        items.push(MenuItem::Mileage);
    }
    if allowed(Action::ViewFeedbackResults) {
        items.push(MenuItem::Feedback);
    }
    if allowed(Action::ListAccounts) {
        items.push(MenuItem::Staff);
    }
    if allowed(Action::ReadAuditLog) {
        items.push(MenuItem::AuditLog);
    }
    if allowed(Action::ViewOutbox) {
        items.push(MenuItem::Outbox);
    }
    if allowed(Action::ManageOwnSettings) {
        items.push(MenuItem::Settings);
    }
    items
}

#[cfg(test)]
mod menu_tests {
    use super::{MenuItem::*, menu};
    use crate::domain::roles::{Role, RoleSet};

    #[test]
    fn each_role_gets_its_own_menu() {
        assert_eq!(
            menu(&RoleSet::new([Role::Guide])),
            vec![Home, Today, Proposals, Clients, Outings, MyProfile, Mileage, Settings]
        );
        assert_eq!(
            menu(&RoleSet::new([Role::SocialWorker])),
            vec![Home, Today, Referrals, Clients, Settings]
        );
        assert_eq!(
            menu(&RoleSet::new([Role::Coordinator])),
            vec![Home, Referrals, Clients, Outings, Guides, Mileage, Feedback, Staff, Settings]
        );
        assert_eq!(menu(&RoleSet::new([Role::Admin])), vec![Home, Staff, AuditLog, Outbox, Settings]);
        assert_eq!(
            menu(&RoleSet::new([Role::Admin, Role::Guide])),
            vec![
                Home, Today, Proposals, Clients, Outings, MyProfile, Mileage, Staff, AuditLog, Outbox,
                Settings
            ]
        );
        assert_eq!(menu(&RoleSet::default()), vec![Home], "no roles, nothing to open");
    }
}
