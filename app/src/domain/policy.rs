//! Who may do what: the whole authorization matrix in one pure function, [`can`]. Every server
//! function and every service that touches personal data asks it; nothing decides access
//! anywhere else. Roles add up: a person with several roles may do what any of them may.

use serde::{Deserialize, Serialize};

use super::{
    ids::UserId,
    roles::{Role, RoleSet},
};

/// The signed-in person asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: UserId,
    pub roles: RoleSet,
}

/// Everything that is authorized. Adding one makes the matrix test ask for its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
pub enum Action {
    /// See the staff list.
    ListAccounts,
    /// Invite a new staff member with the given roles.
    InviteAccount,
    /// Change a staff member's name, e-mail, phone or languages.
    EditAccount,
    /// Change a staff member's roles: never one's own (an admin cannot give themselves client
    /// access), and an admin's only by another admin.
    ChangeRoles,
    /// Deactivate (or reactivate) a staff member's account.
    DeactivateAccount,
    /// Take away someone's lost second factor, for them to set up anew: admins only, never
    /// their own (one's own is turned off from one's settings, with the password).
    ResetSecondFactor,
    /// Read the audit trail of everyone.
    ReadAuditLog,
    /// Read who has seen or changed one client's data.
    ReadClientAuditReport,
    /// List clients (the list is narrowed to the actor's own, see [`client_scope`]).
    ListClients,
    /// Open one client's card.
    ViewClient,
    /// See the e-mail outbox: queued, sent and dead messages.
    ViewOutbox,
    /// Put a dead message back in the queue.
    RetryOutboxMessage,
    /// One's own settings: which optional e-mails one gets, one's password, second factor and
    /// sessions.
    ManageOwnSettings,
    /// Refer a client to experience guidance.
    SubmitReferral,
    /// List referrals (narrowed to the social worker's own; coordinators see the queue).
    ListReferrals,
    /// Open one referral: what a guide needs to decide on a proposal.
    ViewReferral,
    /// See all of a referral: consents, every proposal and answer, the timeline's notes.
    ViewReferralInFull,
    /// Propose a guide for a referral (after seeing the ranking).
    ProposeGuide,
    /// Propose guides for all waiting referrals at once.
    BatchAssign,
    /// See the proposals made to oneself (guides).
    ListOwnProposals,
    /// Accept or decline a proposal made to oneself.
    RespondToProposal,
    /// Record that the guide has reached the client.
    RecordFirstContact,
    /// Change a guidance period's planned end and review date.
    EditGuidancePeriod,
    /// End a guidance period.
    EndGuidance,
    /// Ask to hand a client to another guide.
    RequestTransfer,
    /// Approve or reject a transfer.
    DecideTransfer,
    /// See guides, their profiles and caseloads.
    ViewGuides,
    /// Read guides' introductions written for clients (to choose a guide with the client).
    ViewGuideIntroductions,
    /// Edit a guide's profile.
    EditGuideProfile,
    /// Record or withdraw a client's consent.
    ManageConsent,
    /// Book a visit (or a series) for a client.
    PlanVisit,
    /// Book or move a visit to a day already gone (entering what happened afterwards).
    PlanPastVisit,
    /// Open one visit.
    ViewVisit,
    /// Reschedule or cancel a visit (one occurrence or the rest of its series).
    ChangeVisit,
    /// Record how a visit went: done or no-show, note, hours, kilometres.
    RecordVisitOutcome,
    /// See one's own agenda: today and this week (narrowed to one's own visits).
    ViewAgenda,
    /// See a guide's monthly visits, hours and kilometres.
    ViewMileage,
    /// Export every guide's month for payroll.
    ExportPayroll,
    /// See a client's goals, steps, faces and reward ledger.
    ViewGoals,
    /// Set, refine, pause, let go or reach a goal; add and tick steps; record the client's face.
    ManageGoals,
    /// Set up the client's reward scheme and write what is earned and spent.
    ManageRewards,
    /// See the anonymous feedback clients gave after visits, by month and kind of visit.
    ViewFeedbackResults,
    /// See the outings and groups, and one session's places and waitlist (without names).
    ViewOutings,
    /// Create an outing, a recurring group or a client council.
    PlanOuting,
    /// Run an outing one leads: its sessions, drivers, the waitlist's order, confirming
    /// someone who comes by their own transport.
    ManageOuting,
    /// See the names of everyone signed up for an outing one leads.
    ViewOutingParticipants,
    /// Sign a client up for a session, cancel it, or confirm a place offered to them.
    SignUpForOuting,
    /// Offer seats in one's car for a session (or take the offer back).
    DriveForOuting,
    /// See a session's pickups: a driver their own car's, leaders and coordinators all.
    ViewPickups,
    /// Write one's hours and kilometres for a session one led or drove for.
    RecordOutingWork,
}

impl Action {
    /// The stable name written to the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ListAccounts => "list_accounts",
            Action::InviteAccount => "invite_account",
            Action::EditAccount => "edit_account",
            Action::ChangeRoles => "change_roles",
            Action::DeactivateAccount => "deactivate_account",
            Action::ResetSecondFactor => "reset_second_factor",
            Action::ReadAuditLog => "read_audit_log",
            Action::ReadClientAuditReport => "read_client_audit_report",
            Action::ListClients => "list_clients",
            Action::ViewClient => "view_client",
            Action::ViewOutbox => "view_outbox",
            Action::RetryOutboxMessage => "retry_outbox_message",
            Action::ManageOwnSettings => "manage_own_settings",
            Action::SubmitReferral => "submit_referral",
            Action::ListReferrals => "list_referrals",
            Action::ViewReferral => "view_referral",
            Action::ViewReferralInFull => "view_referral_in_full",
            Action::ProposeGuide => "propose_guide",
            Action::BatchAssign => "batch_assign",
            Action::ListOwnProposals => "list_own_proposals",
            Action::RespondToProposal => "respond_to_proposal",
            Action::RecordFirstContact => "record_first_contact",
            Action::EditGuidancePeriod => "edit_guidance_period",
            Action::EndGuidance => "end_guidance",
            Action::RequestTransfer => "request_transfer",
            Action::DecideTransfer => "decide_transfer",
            Action::ViewGuides => "view_guides",
            Action::ViewGuideIntroductions => "view_guide_introductions",
            Action::EditGuideProfile => "edit_guide_profile",
            Action::ManageConsent => "manage_consent",
            Action::PlanVisit => "plan_visit",
            Action::PlanPastVisit => "plan_past_visit",
            Action::ViewVisit => "view_visit",
            Action::ChangeVisit => "change_visit",
            Action::RecordVisitOutcome => "record_visit_outcome",
            Action::ViewAgenda => "view_agenda",
            Action::ViewMileage => "view_mileage",
            Action::ExportPayroll => "export_payroll",
            Action::ViewFeedbackResults => "view_feedback_results",
            Action::ViewGoals => "view_goals",
            Action::ManageGoals => "manage_goals",
            Action::ManageRewards => "manage_rewards",
            Action::ViewOutings => "view_outings",
            Action::PlanOuting => "plan_outing",
            Action::ManageOuting => "manage_outing",
            Action::ViewOutingParticipants => "view_outing_participants",
            Action::SignUpForOuting => "sign_up_for_outing",
            Action::DriveForOuting => "drive_for_outing",
            Action::ViewPickups => "view_pickups",
            Action::RecordOutingWork => "record_outing_work",
        }
    }
}

/// What the action is done to, with the facts the rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// Nothing in particular (lists, the audit log).
    Nothing,
    /// A staff account: the roles it has or is to have (both, when they change), and whether
    /// it is the actor's own.
    Account { roles: RoleSet, is_self: bool },
    /// A client: their named guide and the social worker who referred them.
    Client { guide: Option<UserId>, referred_by: Option<UserId> },
    /// A referral: who referred it, the guides who may see it (an unanswered proposal, or the
    /// guide of its open period), and the guide of its open period.
    Referral { referred_by: Option<UserId>, guides: Vec<UserId>, named_guide: Option<UserId> },
    /// A proposal made to a guide.
    Proposal { guide: UserId },
    /// A visit: the guide who does (or did) it, the client's named guide *now* (not whoever
    /// was the guide when it was booked), the ride's driver, the social worker taking part, and
    /// who referred the client. Access follows the named guide, so ending, a transfer or a
    /// withdrawn consent (each of which changes or clears it) ends a former guide's access to
    /// every visit at once.
    Visit {
        guide: UserId,
        client_guide: Option<UserId>,
        driver: Option<UserId>,
        social_worker: Option<UserId>,
        referred_by: Option<UserId>,
    },
    /// An outing or group, with the guides who lead it.
    Outing { leaders: Vec<UserId>, drivers: Vec<UserId> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Allow,
    Deny,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }

    fn from(allowed: bool) -> Self {
        if allowed { Decision::Allow } else { Decision::Deny }
    }
}

/// The authorization matrix.
pub fn can(actor: &Actor, action: Action, resource: &Resource) -> Decision {
    Decision::from(actor.roles.iter().any(|role| role_can(role, actor.user_id, action, resource)))
}

fn role_can(role: Role, me: UserId, action: Action, resource: &Resource) -> bool {
    use Action::*;
    use Role::*;
    match (role, action) {
        (Admin | Coordinator, ListAccounts) => true,
        // Admins manage every account but cannot deactivate themselves (someone must remain).
        (Admin, InviteAccount | EditAccount) => true,
        (Admin, DeactivateAccount | ResetSecondFactor) => {
            !matches!(resource, Resource::Account { is_self: true, .. })
        }
        // Separation of duties: nobody changes their own roles.
        (Admin, ChangeRoles) => matches!(resource, Resource::Account { is_self: false, .. }),
        // Coordinators manage guides and social workers, never admins or other coordinators,
        // and never their own account.
        (Coordinator, InviteAccount | EditAccount | DeactivateAccount | ChangeRoles) => match resource {
            Resource::Account { roles, is_self } => {
                !is_self && roles.iter().all(|r| matches!(r, Guide | SocialWorker))
            }
            _ => false,
        },
        (Admin, ReadAuditLog | ReadClientAuditReport | ViewOutbox | RetryOutboxMessage) => true,
        // Everyone manages their own notification settings, and only their own.
        (_, ManageOwnSettings) => !matches!(resource, Resource::Account { is_self: false, .. }),
        // Client data: coordinators all, guides their own clients, social workers the clients
        // they referred. Admins see none by that role alone: minimal access.
        (Coordinator | Guide | SocialWorker, ListClients) => true,
        (Coordinator, ViewClient) => true,
        (Guide, ViewClient) => {
            matches!(resource, Resource::Client { guide: Some(g), .. } if *g == me)
        }
        (SocialWorker, ViewClient) => {
            matches!(resource, Resource::Client { referred_by: Some(s), .. } if *s == me)
        }

        // Referrals: social workers refer and follow their own; coordinators run the queue;
        // a guide sees a referral once it has been proposed to them.
        (SocialWorker | Coordinator, SubmitReferral) => true,
        (SocialWorker | Coordinator, ListReferrals) => true,
        (Coordinator, ViewReferral | ViewReferralInFull | ProposeGuide) => true,
        (SocialWorker, ViewReferral | ViewReferralInFull | ProposeGuide) => referred_by_me(resource, me),
        (Guide, ViewReferral) => {
            matches!(resource, Resource::Referral { guides, .. } if guides.contains(&me))
        }
        // A guide who is only being asked sees what they need to decide; the guide of the open
        // period sees the rest (consents, the history of the referral).
        (Guide, ViewReferralInFull) => {
            matches!(resource, Resource::Referral { named_guide: Some(g), .. } if *g == me)
        }
        (Coordinator, BatchAssign) => true,
        (Guide, ListOwnProposals) => true,
        (Guide, RespondToProposal) => matches!(resource, Resource::Proposal { guide } if *guide == me),

        // The guidance period: the named guide, the referring social worker and coordinators.
        (Coordinator, RecordFirstContact | EditGuidancePeriod | EndGuidance | RequestTransfer) => true,
        (Guide, RecordFirstContact | EndGuidance | RequestTransfer) => guides_client(resource, me),
        (SocialWorker, EditGuidancePeriod | EndGuidance) => referred_by_me(resource, me),
        (Coordinator, DecideTransfer | ViewGuides) => true,
        (Coordinator | SocialWorker, ViewGuideIntroductions) => true,
        (Guide, EditGuideProfile) => matches!(resource, Resource::Account { is_self: true, .. }),
        (Coordinator, EditGuideProfile) => {
            matches!(resource, Resource::Account { roles, .. } if roles.has(Guide))
        }
        (Coordinator, ManageConsent) => true,
        (SocialWorker, ManageConsent) => referred_by_me(resource, me),

        // Visits: coordinators plan and change any; a guide plans for their own clients and
        // changes their own clients' visits; the referring social worker plans and changes their
        // clients' visits (reviews, three-way meetings). Each sees the visits they take part in.
        // A guide's access is decided by the client's named guide now, never by the guide
        // stored on the visit: a former guide sees none of the client's visits. A driver sees
        // the visits they drive while the client is in guidance. Only coordinators enter
        // visits on days already gone, so hours cannot be added to the past unseen.
        (
            Coordinator,
            PlanVisit | PlanPastVisit | ViewVisit | ChangeVisit | RecordVisitOutcome | ExportPayroll,
        ) => true,
        (Guide, PlanVisit) => guides_client(resource, me),
        (SocialWorker, PlanVisit) => referred_by_me(resource, me),
        (Guide, ViewVisit) => matches!(
            resource,
            Resource::Visit { client_guide: Some(g), driver, .. } if *g == me || *driver == Some(me)
        ),
        (SocialWorker, ViewVisit) => matches!(
            resource,
            Resource::Visit { social_worker, referred_by, .. }
                if *social_worker == Some(me) || *referred_by == Some(me)
        ),
        // Changing or recording takes both: the client's guide now, and the visit's own guide,
        // so a new guide cannot rewrite the hours a former guide worked (payroll is theirs).
        (Guide, ChangeVisit | RecordVisitOutcome) => matches!(
            resource,
            Resource::Visit { guide, client_guide: Some(g), .. } if *g == me && *guide == me
        ),
        (SocialWorker, ChangeVisit) => referred_by_me(resource, me),
        (Coordinator | Guide | SocialWorker, ViewAgenda) => true,
        (Coordinator, ViewMileage) => true,
        // Feedback results are for whoever leads the service; guides see them on the notice
        // board the coordinator prints.
        (Coordinator, ViewFeedbackResults) => true,
        (Guide, ViewMileage) => matches!(resource, Resource::Account { is_self: true, .. }),

        // The client's goals and rewards: the people who meet the client about them. The
        // client's guide now (a former guide sees nothing of them), the referring social
        // worker (reviews, the ending) and coordinators. Whether guidance is still open, so
        // that they can be changed, is the service's question, not the matrix's.
        (Coordinator, ViewGoals | ManageGoals | ManageRewards) => true,
        (Guide, ViewGoals | ManageGoals | ManageRewards) => guides_client(resource, me),
        (SocialWorker, ViewGoals | ManageGoals | ManageRewards) => referred_by_me(resource, me),

        // Outings: coordinators and guides see them and plan them (a guide who plans one
        // leads it). Running one, and seeing who is coming, is for its leaders and the
        // coordinators; other guides see only their own clients among the participants (the
        // service shows those by `ViewClient`). Signing up follows the client: their guide now,
        // or a coordinator, so a former guide's sign-ups end with the guidance.
        (Coordinator | Guide, ViewOutings | PlanOuting) => true,
        (Coordinator, ManageOuting | ViewOutingParticipants | SignUpForOuting) => true,
        (Guide, ManageOuting | ViewOutingParticipants) => {
            matches!(resource, Resource::Outing { leaders, .. } if leaders.contains(&me))
        }
        (Guide, SignUpForOuting) => guides_client(resource, me),
        // Any guide with a car may offer seats (drivers are guides: their kilometres are paid
        // with their visits). A driver sees the pickups of their own car (the service shows
        // only those); hours are written by those who led or drove.
        (Guide, DriveForOuting) => true,
        (Coordinator, ViewPickups) => true,
        (Coordinator | Guide, RecordOutingWork) | (Guide, ViewPickups) => matches!(
            resource,
            Resource::Outing { leaders, drivers } if leaders.contains(&me) || drivers.contains(&me)
        ),
        _ => false,
    }
}

/// The referral or client was referred by `me`.
fn referred_by_me(resource: &Resource, me: UserId) -> bool {
    match resource {
        Resource::Client { referred_by, .. }
        | Resource::Referral { referred_by, .. }
        | Resource::Visit { referred_by, .. } => *referred_by == Some(me),
        _ => false,
    }
}

/// `me` is the client's named guide.
fn guides_client(resource: &Resource, me: UserId) -> bool {
    matches!(resource, Resource::Client { guide: Some(g), .. } if *g == me)
}

/// Which clients a list shows the actor: the same rule as [`Action::ViewClient`], in a form a
/// database query can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientScope {
    pub all: bool,
    pub guided_by: Option<UserId>,
    pub referred_by: Option<UserId>,
}

impl ClientScope {
    pub fn is_empty(&self) -> bool {
        !self.all && self.guided_by.is_none() && self.referred_by.is_none()
    }
}

pub fn client_scope(actor: &Actor) -> ClientScope {
    ClientScope {
        all: actor.roles.has(Role::Coordinator),
        guided_by: actor.roles.has(Role::Guide).then_some(actor.user_id),
        referred_by: actor.roles.has(Role::SocialWorker).then_some(actor.user_id),
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;
    use Action::*;

    const ME: UserId = UserId(1);
    const SOMEONE: UserId = UserId(2);

    fn actor(roles: &[Role]) -> Actor {
        Actor { user_id: ME, roles: RoleSet::new(roles.iter().copied()) }
    }

    /// The actor's own resource and another's, for each action.
    fn own_and_other(action: Action) -> (Resource, Resource) {
        match action {
            ListAccounts
            | ReadAuditLog
            | ReadClientAuditReport
            | ListClients
            | ViewOutbox
            | RetryOutboxMessage => (Resource::Nothing, Resource::Nothing),
            ManageOwnSettings | EditGuideProfile => (
                Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: true },
                Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: false },
            ),
            SubmitReferral
            | ListReferrals
            | BatchAssign
            | ListOwnProposals
            | DecideTransfer
            | ViewGuides
            | ViewGuideIntroductions
            | ViewAgenda
            | ExportPayroll
            | ViewFeedbackResults
            | ViewOutings
            | PlanOuting
            | DriveForOuting => (Resource::Nothing, Resource::Nothing),
            ManageOuting | ViewOutingParticipants => (
                Resource::Outing { leaders: vec![ME], drivers: vec![] },
                Resource::Outing { leaders: vec![SOMEONE], drivers: vec![ME] },
            ),
            ViewPickups | RecordOutingWork => (
                Resource::Outing { leaders: vec![SOMEONE], drivers: vec![ME] },
                Resource::Outing { leaders: vec![SOMEONE], drivers: vec![SOMEONE] },
            ),
            ViewMileage => (
                Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: true },
                Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: false },
            ),
            ViewVisit | ChangeVisit | RecordVisitOutcome => (
                Resource::Visit {
                    guide: ME,
                    client_guide: Some(ME),
                    driver: None,
                    social_worker: Some(ME),
                    referred_by: Some(ME),
                },
                Resource::Visit {
                    guide: SOMEONE,
                    client_guide: Some(SOMEONE),
                    driver: Some(SOMEONE),
                    social_worker: Some(SOMEONE),
                    referred_by: Some(SOMEONE),
                },
            ),
            ViewReferral | ViewReferralInFull | ProposeGuide => (
                Resource::Referral { referred_by: Some(ME), guides: vec![ME], named_guide: Some(ME) },
                Resource::Referral {
                    referred_by: Some(SOMEONE),
                    guides: vec![SOMEONE],
                    named_guide: Some(SOMEONE),
                },
            ),
            RespondToProposal => (Resource::Proposal { guide: ME }, Resource::Proposal { guide: SOMEONE }),
            RecordFirstContact | EditGuidancePeriod | EndGuidance | RequestTransfer | ManageConsent
            | PlanVisit | PlanPastVisit | ViewGoals | ManageGoals | ManageRewards | SignUpForOuting => (
                Resource::Client { guide: Some(ME), referred_by: Some(ME) },
                Resource::Client { guide: Some(SOMEONE), referred_by: Some(SOMEONE) },
            ),
            // For accounts, "own" is the actor's own account, "other" a guide's account.
            InviteAccount | EditAccount | DeactivateAccount | ChangeRoles | ResetSecondFactor => (
                Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: true },
                Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: false },
            ),
            ViewClient => (
                Resource::Client { guide: Some(ME), referred_by: Some(ME) },
                Resource::Client { guide: Some(SOMEONE), referred_by: Some(SOMEONE) },
            ),
        }
    }

    /// Expected decisions: (own resource, another's resource) per role, in the order
    /// admin, coordinator, social worker, guide. `Y` allow, `N` deny.
    const Y: bool = true;
    const N: bool = false;
    #[rustfmt::skip]
    fn expected(action: Action) -> [(bool, bool); 4] {
        match action {
            //                        admin   coordinator  social worker  guide
            ListAccounts =>          [(Y, Y), (Y, Y),      (N, N),        (N, N)],
            InviteAccount =>         [(Y, Y), (N, Y),      (N, N),        (N, N)],
            EditAccount =>           [(Y, Y), (N, Y),      (N, N),        (N, N)],
            ChangeRoles =>           [(N, Y), (N, Y),      (N, N),        (N, N)],
            DeactivateAccount =>     [(N, Y), (N, Y),      (N, N),        (N, N)],
            ResetSecondFactor =>     [(N, Y), (N, N),      (N, N),        (N, N)],
            ReadAuditLog =>          [(Y, Y), (N, N),      (N, N),        (N, N)],
            ReadClientAuditReport => [(Y, Y), (N, N),      (N, N),        (N, N)],
            ListClients =>           [(N, N), (Y, Y),      (Y, Y),        (Y, Y)],
            ViewClient =>            [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            ViewOutbox =>            [(Y, Y), (N, N),      (N, N),        (N, N)],
            RetryOutboxMessage =>    [(Y, Y), (N, N),      (N, N),        (N, N)],
            ManageOwnSettings =>     [(Y, N), (Y, N),      (Y, N),        (Y, N)],
            SubmitReferral =>        [(N, N), (Y, Y),      (Y, Y),        (N, N)],
            ListReferrals =>         [(N, N), (Y, Y),      (Y, Y),        (N, N)],
            ViewReferral =>          [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            ViewReferralInFull =>    [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            ProposeGuide =>          [(N, N), (Y, Y),      (Y, N),        (N, N)],
            BatchAssign =>           [(N, N), (Y, Y),      (N, N),        (N, N)],
            ListOwnProposals =>      [(N, N), (N, N),      (N, N),        (Y, Y)],
            RespondToProposal =>     [(N, N), (N, N),      (N, N),        (Y, N)],
            RecordFirstContact =>    [(N, N), (Y, Y),      (N, N),        (Y, N)],
            EditGuidancePeriod =>    [(N, N), (Y, Y),      (Y, N),        (N, N)],
            EndGuidance =>           [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            RequestTransfer =>       [(N, N), (Y, Y),      (N, N),        (Y, N)],
            DecideTransfer =>        [(N, N), (Y, Y),      (N, N),        (N, N)],
            ViewGuides =>            [(N, N), (Y, Y),      (N, N),        (N, N)],
            ViewGuideIntroductions =>[(N, N), (Y, Y),      (Y, Y),        (N, N)],
            EditGuideProfile =>      [(N, N), (Y, Y),      (N, N),        (Y, N)],
            ManageConsent =>         [(N, N), (Y, Y),      (Y, N),        (N, N)],
            PlanVisit =>             [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            PlanPastVisit =>         [(N, N), (Y, Y),      (N, N),        (N, N)],
            ViewVisit =>             [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            ChangeVisit =>           [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            RecordVisitOutcome =>    [(N, N), (Y, Y),      (N, N),        (Y, N)],
            ViewAgenda =>            [(N, N), (Y, Y),      (Y, Y),        (Y, Y)],
            ViewMileage =>           [(N, N), (Y, Y),      (N, N),        (Y, N)],
            ExportPayroll =>         [(N, N), (Y, Y),      (N, N),        (N, N)],
            ViewGoals =>             [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            ManageGoals =>           [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            ManageRewards =>         [(N, N), (Y, Y),      (Y, N),        (Y, N)],
            ViewFeedbackResults =>   [(N, N), (Y, Y),      (N, N),        (N, N)],
            ViewOutings =>           [(N, N), (Y, Y),      (N, N),        (Y, Y)],
            PlanOuting =>            [(N, N), (Y, Y),      (N, N),        (Y, Y)],
            ManageOuting =>          [(N, N), (Y, Y),      (N, N),        (Y, N)],
            ViewOutingParticipants =>[(N, N), (Y, Y),      (N, N),        (Y, N)],
            SignUpForOuting =>       [(N, N), (Y, Y),      (N, N),        (Y, N)],
            DriveForOuting =>        [(N, N), (N, N),      (N, N),        (Y, Y)],
            ViewPickups =>           [(N, N), (Y, Y),      (N, N),        (Y, N)],
            RecordOutingWork =>      [(N, N), (Y, N),      (N, N),        (Y, N)],
        }
    }

    #[test]
    fn the_matrix_every_role_every_action_own_and_other() {
        for action in Action::iter() {
            let (own, other) = own_and_other(action);
            for (role, (own_ok, other_ok)) in Role::ALL.into_iter().zip(expected(action)) {
                let a = actor(&[role]);
                assert_eq!(can(&a, action, &own).is_allowed(), own_ok, "{role:?} {action:?} own");
                assert_eq!(can(&a, action, &other).is_allowed(), other_ok, "{role:?} {action:?} other");
            }
        }
    }

    #[test]
    fn no_roles_no_access() {
        for action in Action::iter() {
            let (own, other) = own_and_other(action);
            assert!(!can(&actor(&[]), action, &own).is_allowed());
            assert!(!can(&actor(&[]), action, &other).is_allowed());
        }
    }

    #[test]
    fn roles_add_up() {
        let both = actor(&[Role::Guide, Role::SocialWorker]);
        let guided = Resource::Client { guide: Some(ME), referred_by: Some(SOMEONE) };
        let referred = Resource::Client { guide: Some(SOMEONE), referred_by: Some(ME) };
        let neither = Resource::Client { guide: Some(SOMEONE), referred_by: Some(SOMEONE) };
        assert!(can(&both, ViewClient, &guided).is_allowed());
        assert!(can(&both, ViewClient, &referred).is_allowed());
        assert!(!can(&both, ViewClient, &neither).is_allowed());
    }

    #[test]
    fn a_client_without_a_guide_is_nobodys_own() {
        let guide = actor(&[Role::Guide]);
        let unassigned = Resource::Client { guide: None, referred_by: Some(SOMEONE) };
        assert!(!can(&guide, ViewClient, &unassigned).is_allowed());
    }

    #[test]
    fn coordinators_cannot_create_or_promote_admins_or_coordinators() {
        let coordinator = actor(&[Role::Coordinator]);
        for roles in [vec![Role::Admin], vec![Role::Coordinator], vec![Role::Guide, Role::Admin]] {
            let target = Resource::Account { roles: RoleSet::new(roles), is_self: false };
            for action in [InviteAccount, EditAccount, DeactivateAccount, ChangeRoles] {
                assert!(!can(&coordinator, action, &target).is_allowed(), "{action:?}");
            }
        }
        let social_worker = Resource::Account { roles: RoleSet::new([Role::SocialWorker]), is_self: false };
        assert!(can(&coordinator, InviteAccount, &social_worker).is_allowed());
    }

    #[test]
    fn nobody_changes_their_own_roles_and_only_an_admin_changes_an_admins() {
        let admin = actor(&[Role::Admin]);
        // An admin adding the coordinator role to their own account: refused, whatever the
        // roles involved.
        for roles in [vec![Role::Admin], vec![Role::Admin, Role::Coordinator]] {
            let own = Resource::Account { roles: RoleSet::new(roles), is_self: true };
            assert!(!can(&admin, ChangeRoles, &own).is_allowed());
            assert!(!can(&actor(&[Role::Admin, Role::Coordinator]), ChangeRoles, &own).is_allowed());
        }
        // Another admin's roles: by an admin yes, by a coordinator never.
        let other_admin = Resource::Account { roles: RoleSet::new([Role::Admin]), is_self: false };
        assert!(can(&admin, ChangeRoles, &other_admin).is_allowed());
        assert!(!can(&actor(&[Role::Coordinator]), ChangeRoles, &other_admin).is_allowed());
        // A coordinator cannot make a guide a coordinator.
        let promoted =
            Resource::Account { roles: RoleSet::new([Role::Guide, Role::Coordinator]), is_self: false };
        assert!(!can(&actor(&[Role::Coordinator]), ChangeRoles, &promoted).is_allowed());
        assert!(can(&admin, ChangeRoles, &promoted).is_allowed());
    }

    #[test]
    fn the_client_list_scope_follows_the_view_rule() {
        assert_eq!(
            client_scope(&actor(&[Role::Guide])),
            ClientScope { all: false, guided_by: Some(ME), referred_by: None }
        );
        assert!(client_scope(&actor(&[Role::Coordinator])).all);
        assert!(client_scope(&actor(&[Role::Admin])).is_empty());
        let sw = client_scope(&actor(&[Role::SocialWorker]));
        assert_eq!(sw.referred_by, Some(ME));
    }

    #[test]
    fn a_driver_sees_the_visit_but_only_its_guide_changes_it() {
        let guide = actor(&[Role::Guide]);
        let driven = Resource::Visit {
            guide: SOMEONE,
            client_guide: Some(SOMEONE),
            driver: Some(ME),
            social_worker: None,
            referred_by: None,
        };
        assert!(can(&guide, ViewVisit, &driven).is_allowed());
        assert!(!can(&guide, ChangeVisit, &driven).is_allowed());
        assert!(!can(&guide, RecordVisitOutcome, &driven).is_allowed());
        // Once the client's guidance has ended, the driver's access ends with it.
        let ended = Resource::Visit {
            guide: SOMEONE,
            client_guide: None,
            driver: Some(ME),
            social_worker: None,
            referred_by: None,
        };
        assert!(!can(&guide, ViewVisit, &ended).is_allowed());
    }

    #[test]
    fn a_former_guide_has_no_access_to_the_clients_visits() {
        let former = actor(&[Role::Guide]);
        for now in [None, Some(SOMEONE)] {
            // The visit is still the former guide's own (payroll), but the client is not.
            let visit = Resource::Visit {
                guide: ME,
                client_guide: now,
                driver: None,
                social_worker: None,
                referred_by: None,
            };
            for action in [ViewVisit, ChangeVisit, RecordVisitOutcome] {
                assert!(!can(&former, action, &visit).is_allowed(), "{action:?} with guide {now:?}");
            }
        }
        // The coordinator and the referring social worker keep the record.
        let ended = Resource::Visit {
            guide: SOMEONE,
            client_guide: None,
            driver: None,
            social_worker: None,
            referred_by: Some(ME),
        };
        assert!(can(&actor(&[Role::SocialWorker]), ViewVisit, &ended).is_allowed());
        assert!(can(&actor(&[Role::Coordinator]), ViewVisit, &ended).is_allowed());
    }

    #[test]
    fn a_new_guide_sees_a_former_guides_visit_but_cannot_rewrite_its_hours() {
        let new = actor(&[Role::Guide]);
        let earlier = Resource::Visit {
            guide: SOMEONE,
            client_guide: Some(ME),
            driver: None,
            social_worker: None,
            referred_by: None,
        };
        assert!(can(&new, ViewVisit, &earlier).is_allowed());
        assert!(!can(&new, RecordVisitOutcome, &earlier).is_allowed());
        assert!(!can(&new, ChangeVisit, &earlier).is_allowed());
        assert!(can(&actor(&[Role::Coordinator]), RecordVisitOutcome, &earlier).is_allowed());
    }

    #[test]
    fn a_guide_only_being_asked_sees_the_referral_but_not_in_full() {
        let guide = actor(&[Role::Guide]);
        let asked = Resource::Referral { referred_by: Some(SOMEONE), guides: vec![ME], named_guide: None };
        assert!(can(&guide, ViewReferral, &asked).is_allowed());
        assert!(!can(&guide, ViewReferralInFull, &asked).is_allowed());
        let named =
            Resource::Referral { referred_by: Some(SOMEONE), guides: vec![ME], named_guide: Some(ME) };
        assert!(can(&guide, ViewReferralInFull, &named).is_allowed());
    }

    #[test]
    fn a_social_worker_invited_to_a_meeting_sees_it_without_having_referred_the_client() {
        let sw = actor(&[Role::SocialWorker]);
        let invited = Resource::Visit {
            guide: SOMEONE,
            client_guide: Some(SOMEONE),
            driver: None,
            social_worker: Some(ME),
            referred_by: None,
        };
        assert!(can(&sw, ViewVisit, &invited).is_allowed());
        assert!(!can(&sw, ChangeVisit, &invited).is_allowed());
    }

    #[test]
    fn action_names_are_unique() {
        let mut names: Vec<_> = Action::iter().map(|a| a.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::iter().count());
    }
}
