//! The audit trail: who did what to which record, when, and whether it was allowed. Append-only
//! (the database refuses updates and deletes). Services write it in the same place they load
//! or change the data, so no caller can forget it.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use super::entities::{audit_event, user};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
        }
    }
}

/// The kinds of record the trail names.
pub mod entity {
    pub const CLIENT: &str = "client";
    pub const ACCOUNT: &str = "account";
    pub const AUDIT_LOG: &str = "audit_log";
    pub const SESSION: &str = "session";
    pub const OUTBOX: &str = "outbox";
    /// Signing in and out, resets, passwords, roles and e-mail addresses: the id is the
    /// account concerned (none for an address nobody has).
    pub const AUTHENTICATION: &str = "authentication";
}

/// What happened to an account's sign-in, as the trail names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthEvent {
    SignedIn,
    /// A wrong password, or an address nobody has, or an inactive account.
    SignInFailed,
    /// Refused without checking the password: too many attempts, or too many at once.
    SignInPaused,
    SignedOut,
    ResetRequested,
    /// More reset links asked for than are mailed; nothing was sent.
    ResetRefused,
    PasswordSet,
    RolesChanged,
    EmailChanged,
    /// A wrong or reused code at the second step of signing in.
    SecondFactorFailed,
    SecondFactorOn,
    SecondFactorOff,
    /// An admin took someone's lost second factor away, for them to set up again.
    SecondFactorReset,
    RecoveryCodeUsed,
    RecoveryCodesRenewed,
    /// Changed from one's own settings, with the current password.
    PasswordChanged,
    /// A wrong current password when changing it.
    PasswordChangeRefused,
    /// One of one's sessions ended from the list of sessions.
    SessionEnded,
}

impl AuthEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthEvent::SignedIn => "sign_in",
            AuthEvent::SignInFailed => "sign_in_failed",
            AuthEvent::SignInPaused => "sign_in_paused",
            AuthEvent::SignedOut => "sign_out",
            AuthEvent::ResetRequested => "password_reset_requested",
            AuthEvent::ResetRefused => "password_reset_refused",
            AuthEvent::PasswordSet => "password_set",
            AuthEvent::RolesChanged => "roles_changed",
            AuthEvent::EmailChanged => "email_changed",
            AuthEvent::SecondFactorFailed => "second_factor_failed",
            AuthEvent::SecondFactorOn => "second_factor_on",
            AuthEvent::SecondFactorOff => "second_factor_off",
            AuthEvent::SecondFactorReset => "second_factor_reset",
            AuthEvent::RecoveryCodeUsed => "recovery_code_used",
            AuthEvent::RecoveryCodesRenewed => "recovery_codes_renewed",
            AuthEvent::PasswordChanged => "password_changed",
            AuthEvent::PasswordChangeRefused => "password_change_refused",
            AuthEvent::SessionEnded => "session_ended",
        }
    }

    /// Failures and refusals are the trail's "denied".
    fn outcome(self) -> Outcome {
        match self {
            AuthEvent::SignInFailed
            | AuthEvent::SignInPaused
            | AuthEvent::ResetRefused
            | AuthEvent::SecondFactorFailed
            | AuthEvent::PasswordChangeRefused => Outcome::Denied,
            _ => Outcome::Allowed,
        }
    }
}

/// Who and where an authentication event comes from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    /// Who did it: the person signing in, or the admin changing someone's roles.
    pub actor: Option<i64>,
    pub request_id: Option<&'a str>,
    pub address: Option<std::net::IpAddr>,
}

/// Appends an authentication event about `account` (when there is one).
pub async fn record_auth(
    db: &impl ConnectionTrait,
    event: AuthEvent,
    account: Option<i64>,
    origin: Origin<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut row = row(&Event {
        at,
        actor: origin.actor,
        action: event.as_str(),
        entity: entity::AUTHENTICATION,
        entity_id: account.map(|id| id.to_string()),
        purpose: None,
        outcome: event.outcome(),
        request_id: origin.request_id,
    });
    row.address = Set(origin.address.map(|a| a.to_string()));
    audit_event::Entity::insert(row).exec_without_returning(db).await?;
    Ok(())
}

/// One event to append.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub at: DateTime<Utc>,
    pub actor: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub purpose: Option<&'a str>,
    pub outcome: Outcome,
    pub request_id: Option<&'a str>,
}

fn row(event: &Event<'_>) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        id: NotSet,
        at: Set(event.at),
        actor_id: Set(event.actor),
        action: Set(event.action.to_owned()),
        entity: Set(event.entity.to_owned()),
        entity_id: Set(event.entity_id.clone()),
        purpose: Set(event.purpose.map(str::to_owned)),
        outcome: Set(event.outcome.as_str().to_owned()),
        request_id: Set(event.request_id.map(str::to_owned)),
        address: Set(None),
    }
}

pub async fn record(db: &impl ConnectionTrait, event: Event<'_>) -> Result<(), DbErr> {
    audit_event::Entity::insert(row(&event)).exec_without_returning(db).await?;
    Ok(())
}

/// Events written by one statement: ten values each, far under SQLite's 32,766 and
/// PostgreSQL's 65,535 bound values.
const EVENTS_PER_STATEMENT: usize = 1_000;

/// One event per record, in as few statements as the databases' limits allow (a list of
/// clients shown is a read of each).
pub async fn record_many(db: &impl ConnectionTrait, events: &[Event<'_>]) -> Result<(), DbErr> {
    for chunk in events.chunks(EVENTS_PER_STATEMENT) {
        audit_event::Entity::insert_many(chunk.iter().map(row)).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Filters of the audit log page; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub actor: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub denied_only: bool,
}

/// An event as the audit pages show it, with the actor's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub purpose: Option<String>,
    pub outcome: String,
    pub address: Option<String>,
}

pub const PAGE_SIZE: u64 = 100;

/// The newest events first (in the order they were appended), a page at a time before the
/// event `before`; and the id the next page starts before, if there is one.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    before: Option<i64>,
) -> Result<(Vec<Entry>, Option<i64>), DbErr> {
    let mut query = audit_event::Entity::find();
    if let Some(before) = before {
        query = query.filter(audit_event::Column::Id.lt(before));
    }
    if let Some(actor) = filter.actor {
        query = query.filter(audit_event::Column::ActorId.eq(actor));
    }
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_event::Column::Entity.eq(entity.as_str()));
    }
    if let Some(id) = &filter.entity_id {
        query = query.filter(audit_event::Column::EntityId.eq(id.as_str()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::At.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_event::Column::At.lt(until));
    }
    if filter.denied_only {
        query = query.filter(audit_event::Column::Outcome.eq(Outcome::Denied.as_str()));
    }
    let events = query.order_by_desc(audit_event::Column::Id).limit(PAGE_SIZE + 1).all(db).await?;
    let (events, more) = crate::domain::paging::split(events, PAGE_SIZE);
    let next = if more { events.last().map(|e| e.id) } else { None };
    let actor_ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
    let names: std::collections::HashMap<i64, String> = if actor_ids.is_empty() {
        Default::default()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(actor_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    };
    let entries = events
        .into_iter()
        .map(|e| Entry {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_name: e.actor_id.and_then(|id| names.get(&id).cloned()),
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            purpose: e.purpose,
            outcome: e.outcome,
            address: e.address,
        })
        .collect();
    Ok((entries, next))
}
