//! The request context services work in: who is asking (already authenticated), under which
//! request id, at what time, on which database. Authorization goes through [`Ctx::authorize`]
//! and [`Ctx::authorize_client`], which ask the one policy and write denials (and every client
//! data access) to the audit trail.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::audit::{self, Event, Outcome};
use crate::{
    api::AppError,
    domain::policy::{Action, Actor, Resource, can},
};

#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: DatabaseConnection,
    pub actor: Actor,
    pub request_id: Option<String>,
    pub now: DateTime<Utc>,
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
        audit::record(&self.db, self.event(action, entity, entity_id, Outcome::Denied))
            .await
            .map_err(AppError::internal)?;
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
        audit::record(
            &self.db,
            self.event(action, audit::entity::CLIENT, Some(client_id.to_string()), outcome),
        )
        .await
        .map_err(AppError::internal)?;
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
        audit::record_many(&self.db, &events).await.map_err(AppError::internal)
    }

    /// Writes a change or read that was allowed (account changes, audit log reads).
    pub async fn audit_allowed(
        &self,
        action: Action,
        entity: &str,
        entity_id: Option<String>,
    ) -> Result<(), AppError> {
        audit::record(&self.db, self.event(action, entity, entity_id, Outcome::Allowed))
            .await
            .map_err(AppError::internal)
    }
}
