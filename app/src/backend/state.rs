//! What every request handler and server function can reach. Handed to server functions
//! through Leptos context, never through globals, so tests build their own.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::{
    ctx::{Ctx, Mailing},
    outbox::Sender,
};
use crate::domain::{policy::Actor, sign_in::SessionLimits};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// The e-mail outbox's sender (transport, sender address, wake-up signal).
    pub outbox: Sender,
}

/// Settings the app needs at run time (the server reads them from its configuration).
#[derive(Debug, Clone)]
pub struct Settings {
    /// scheme://host[:port] users reach the app at; links in e-mails start with it.
    pub public_origin: String,
    pub session_limits: SessionLimits,
    /// How many reverse proxies of our own stand in front of the server: the client's address
    /// is the `X-Forwarded-For` entry the outermost of them wrote (0: the connection's address).
    pub trusted_proxies: usize,
    /// The kilometre allowance for rides in the guide's own car, in cents per kilometre.
    pub km_rate_cents: u32,
    /// A council participant's travel is paid back at this bus-ticket price, in cents.
    pub bus_ticket_cents: u32,
    /// Months a client's details are kept after the guidance closed (`backend::retention`).
    pub retention_months: u32,
    /// Days a sent e-mail keeps its body in the outbox (`outbox::clear_sent_bodies`).
    pub sent_mail_days: u32,
    /// Seals second-factor secrets at rest.
    pub secret_key: super::secret_box::SecretKey,
    /// Admins and coordinators must have a second factor (off only in the demo).
    pub second_factor_required: bool,
}

impl AppState {
    /// What queueing e-mail needs: links to this app, and this app's sender to wake.
    pub fn mailing(&self) -> Mailing {
        Mailing::new(self.settings.public_origin.clone(), self.outbox.wakeup.clone())
    }

    /// The context of a signed-in person's request, now.
    pub fn ctx(&self, actor: Actor, request_id: Option<String>) -> Ctx {
        Ctx { db: self.db.clone(), actor, request_id, now: chrono::Utc::now(), mailing: self.mailing() }
    }
}
