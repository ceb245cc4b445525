//! Server functions: thin. Each one finds the request's context, lets a service authorize
//! (through the one policy) and do the work, and returns DTOs or the typed [`AppError`]. The
//! wire types live in [`crate::dto`] and are re-exported here, area by area.
//! Endpoints are named explicitly; [`ENDPOINTS`] lists every one with what guards it, and the
//! tests fail when a server function is missing from it.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod clients;
pub mod endings;
pub mod feedback;
pub mod goals;
pub mod guidance;
pub mod guides;
pub mod language;
pub mod outbox;
pub mod outings;
pub mod referrals;
#[cfg(feature = "ssr")]
pub mod request;
pub mod reviews;
pub mod settings;
pub mod visits;

pub use crate::dto::{AppError, error, forms};

use crate::domain::policy::Action;

/// What guards an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (signing in, language, links from e-mails).
    Public,
    /// The policy decides with this action.
    Policy(Action),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The path under `/api/`.
    pub path: &'static str,
    pub access: Access,
    /// Reads or changes client data, and so must write the audit trail.
    pub client_data: bool,
}

const fn public(path: &'static str) -> Endpoint {
    Endpoint { path, access: Access::Public, client_data: false }
}

const fn guarded(path: &'static str, action: Action) -> Endpoint {
    Endpoint { path, access: Access::Policy(action), client_data: false }
}

const fn client_data(path: &'static str, action: Action) -> Endpoint {
    Endpoint { path, access: Access::Policy(action), client_data: true }
}

pub const ENDPOINTS: &[Endpoint] = &[
    public("language"),
    public("sign-in"),
    public("sign-out"),
    // The second step of signing in: only a session whose password was right gets past it.
    public("sign-in/code"),
    public("accounts/link"),
    public("accounts/set-password"),
    public("accounts/request-reset"),
    guarded("accounts/list", Action::ListAccounts),
    guarded("accounts/get", Action::ListAccounts),
    guarded("accounts/invite", Action::InviteAccount),
    guarded("accounts/reinvite", Action::InviteAccount),
    guarded("accounts/update", Action::EditAccount),
    guarded("accounts/set-active", Action::DeactivateAccount),
    guarded("accounts/reset-second-factor", Action::ResetSecondFactor),
    guarded("audit/list", Action::ReadAuditLog),
    guarded("audit/client", Action::ReadClientAuditReport),
    guarded("outbox/list", Action::ViewOutbox),
    guarded("outbox/retry", Action::RetryOutboxMessage),
    guarded("settings/notifications", Action::ManageOwnSettings),
    guarded("settings/notifications/save", Action::ManageOwnSettings),
    guarded("settings/second-factor", Action::ManageOwnSettings),
    guarded("settings/second-factor/begin", Action::ManageOwnSettings),
    guarded("settings/second-factor/confirm", Action::ManageOwnSettings),
    guarded("settings/second-factor/recovery-codes", Action::ManageOwnSettings),
    guarded("settings/second-factor/off", Action::ManageOwnSettings),
    guarded("settings/password", Action::ManageOwnSettings),
    guarded("settings/sessions", Action::ManageOwnSettings),
    guarded("settings/sessions/end", Action::ManageOwnSettings),
    public("topics/list"),
    client_data("referrals/submit", Action::SubmitReferral),
    client_data("referrals/list", Action::ListReferrals),
    client_data("referrals/get", Action::ViewReferral),
    client_data("referrals/ranking", Action::ProposeGuide),
    client_data("referrals/propose", Action::ProposeGuide),
    client_data("referrals/introductions", Action::ProposeGuide),
    client_data("referrals/batch-preview", Action::BatchAssign),
    client_data("referrals/batch-apply", Action::BatchAssign),
    client_data("referrals/first-contact", Action::RecordFirstContact),
    client_data("proposals/mine", Action::ListOwnProposals),
    client_data("proposals/respond", Action::RespondToProposal),
    client_data("consents/withdraw", Action::ManageConsent),
    client_data("guidance/update", Action::EditGuidancePeriod),
    client_data("guidance/end", Action::EndGuidance),
    client_data("transfers/request", Action::RequestTransfer),
    client_data("transfers/list", Action::DecideTransfer),
    client_data("transfers/decide", Action::DecideTransfer),
    guarded("guides/list", Action::ViewGuides),
    guarded("guides/profile", Action::EditGuideProfile),
    guarded("guides/profile/save", Action::EditGuideProfile),
    client_data("clients/list", Action::ListClients),
    client_data("clients/get", Action::ViewClient),
    client_data("visits/choices", Action::PlanVisit),
    client_data("visits/book", Action::PlanVisit),
    client_data("visits/agenda", Action::ViewAgenda),
    client_data("visits/get", Action::ViewVisit),
    client_data("visits/for-client", Action::ViewClient),
    client_data("visits/outcome", Action::RecordVisitOutcome),
    client_data("visits/cancel", Action::ChangeVisit),
    client_data("visits/reschedule", Action::ChangeVisit),
    client_data("feedback/screen", Action::RecordVisitOutcome),
    client_data("feedback/give", Action::RecordVisitOutcome),
    guarded("feedback/results", Action::ViewFeedbackResults),
    client_data("goals/for-client", Action::ViewGoals),
    client_data("goals/add", Action::ManageGoals),
    client_data("goals/change", Action::ManageGoals),
    client_data("goals/rate", Action::ManageGoals),
    client_data("goals/steps/add", Action::ManageGoals),
    client_data("goals/steps/mark", Action::ManageGoals),
    client_data("reviews/for-client", Action::ViewGoals),
    client_data("reviews/hold", Action::ManageGoals),
    client_data("endings/for-client", Action::ViewGoals),
    client_data("endings/hold", Action::EndGuidance),
    client_data("endings/summary", Action::ViewGoals),
    client_data("rewards/scheme", Action::ManageRewards),
    client_data("rewards/entry", Action::ManageRewards),
    guarded("outings/choices", Action::PlanOuting),
    guarded("outings/create", Action::PlanOuting),
    guarded("outings/list", Action::ViewOutings),
    client_data("outings/session", Action::ViewOutings),
    client_data("outings/sign-up", Action::SignUpForOuting),
    client_data("outings/cancel", Action::SignUpForOuting),
    client_data("outings/confirm", Action::SignUpForOuting),
    client_data("outings/move-up", Action::ManageOuting),
    client_data("outings/own-transport", Action::ManageOuting),
    guarded("outings/seats", Action::DriveForOuting),
    guarded("outings/seats-withdraw", Action::DriveForOuting),
    client_data("outings/pickups", Action::ViewPickups),
    client_data("outings/assign", Action::ManageOuting),
    client_data("outings/attendance", Action::ManageOuting),
    guarded("outings/work", Action::RecordOutingWork),
    guarded("outings/notes", Action::ManageOuting),
    guarded("mileage/month", Action::ViewMileage),
    guarded("calendar/status", Action::ManageOwnSettings),
    guarded("calendar/new-link", Action::ManageOwnSettings),
    guarded("calendar/revoke", Action::ManageOwnSettings),
];
