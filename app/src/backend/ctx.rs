//! The context services work in, handed to them explicitly (never read from Leptos context):
//! who is asking (already authenticated), under which request id, at what time, on which
//! database, and [`Mailing`]: where links in e-mails point and the sender to wake.
//! Authorization goes through [`Ctx::authorize`] and [`Ctx::authorize_client`], which ask the
//! one policy and write denials (and every client data access) to the audit trail.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::{
    audit::{self, Event, Outcome},
    db,
    outbox::{self, Enqueued, Outgoing, Waker},
};
use crate::{
    domain::policy::{Action, Actor, Resource, can},
    dto::AppError,
};

/// A signed-in person's request.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: DatabaseConnection,
    pub actor: Actor,
    pub request_id: Option<String>,
    pub now: DateTime<Utc>,
    pub mailing: Mailing,
}

/// A request of someone not signed in (a link from an e-mail, a reset request).
#[derive(Clone, Debug)]
pub struct Visitor {
    pub db: DatabaseConnection,
    pub request_id: Option<String>,
    pub now: DateTime<Utc>,
    pub mailing: Mailing,
}

/// What queueing an e-mail needs besides the transaction: where its links point, and the
/// sender to wake once the work that queued it has committed.
#[derive(Clone, Debug)]
pub struct Mailing {
    /// scheme://host[:port] users reach the app at.
    pub origin: String,
    waker: Waker,
    queued: Arc<AtomicBool>,
}

impl Mailing {
    pub fn new(origin: impl Into<String>, waker: Waker) -> Self {
        Self { origin: origin.into(), waker, queued: Arc::default() }
    }

    /// For work whose caller wakes the sender itself (background jobs count what they queued).
    pub fn detached(origin: impl Into<String>) -> Self {
        Self::new(origin, Waker::default())
    }

    /// A link into the app: `path` starts with `/`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Writes `message` to the outbox inside the caller's transaction, and remembers to wake
    /// the sender when the work is done ([`Mailing::wake_if_queued`]); waking before the
    /// commit would let the sender look before the message is there.
    pub async fn enqueue(
        &self,
        db: &impl ConnectionTrait,
        message: Outgoing,
        now: DateTime<Utc>,
    ) -> Result<Enqueued, DbErr> {
        let enqueued = outbox::enqueue(db, message, now).await?;
        if enqueued == Enqueued::Queued {
            self.queued.store(true, Ordering::Release);
        }
        Ok(enqueued)
    }

    /// Something was put back in the queue (a retry): wake the sender when the work is done.
    pub fn requeued(&self) {
        self.queued.store(true, Ordering::Release);
    }

    /// Wakes the sender once if this work queued anything. The server functions' wrapper calls
    /// it after the service returned, its transactions committed.
    pub fn wake_if_queued(&self) {
        if self.queued.swap(false, Ordering::AcqRel) {
            self.waker.wake();
        }
    }
}

impl Ctx {
    pub fn actor_id(&self) -> i64 {
        self.actor.user_id.0
    }

    fn event<'a>(
        &'a self,
        action: Action,
        entity: &'a str,
        id: Option<String>,
        outcome: Outcome,
    ) -> Event<'a> {
        Event {
            at: self.now,
            actor: Some(self.actor_id()),
            action: action.as_str(),
            entity,
            entity_id: id,
            purpose: None,
            outcome,
            request_id: self.request_id.as_deref(),
        }
    }

    /// Allows or refuses `action` on `resource`. A refusal is written to the audit trail.
    pub async fn authorize(
        &self,
        action: Action,
        resource: &Resource,
        entity: &str,
        entity_id: Option<String>,
    ) -> Result<(), AppError> {
        if can(&self.actor, action, resource).is_allowed() {
            return Ok(());
        }
        self.write_audit(&[self.event(action, entity, entity_id, Outcome::Denied)]).await?;
        Err(AppError::Forbidden)
    }

    /// Allows or refuses `action` on one client's data, and writes the access to the audit
    /// trail either way: clients may ask who has seen or changed their data.
    pub async fn authorize_client(
        &self,
        action: Action,
        client_id: i64,
        resource: &Resource,
    ) -> Result<(), AppError> {
        let outcome =
            if can(&self.actor, action, resource).is_allowed() { Outcome::Allowed } else { Outcome::Denied };
        self.write_audit(&[self.event(action, audit::entity::CLIENT, Some(client_id.to_string()), outcome)])
            .await?;
        match outcome {
            Outcome::Allowed => Ok(()),
            Outcome::Denied => Err(AppError::Forbidden),
        }
    }

    /// Writes that `action` was done to each of `client_ids` (a list shown is a read of each).
    pub async fn audit_clients(&self, action: Action, client_ids: &[i64]) -> Result<(), AppError> {
        let events: Vec<Event<'_>> = client_ids
            .iter()
            .map(|id| self.event(action, audit::entity::CLIENT, Some(id.to_string()), Outcome::Allowed))
            .collect();
        self.write_audit(&events).await
    }

    /// Writes a change or read that was allowed (account changes, audit log reads).
    pub async fn audit_allowed(
        &self,
        action: Action,
        entity: &str,
        entity_id: Option<String>,
    ) -> Result<(), AppError> {
        self.write_audit(&[self.event(action, entity, entity_id, Outcome::Allowed)]).await
    }

    /// Writes events on the pool, in the process's turn to write (every request writes one).
    async fn write_audit(&self, events: &[Event<'_>]) -> Result<(), AppError> {
        let _turn = db::write_turn(&self.db).await?;
        Ok(audit::record_many(&self.db, events).await?)
    }
}
