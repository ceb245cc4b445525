//! The server half: application state, the database, the request context, and one service
//! module per aggregate. Nothing here is compiled into the WebAssembly.

pub mod accounts;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod calendar;
pub mod clients;
pub mod ctx;
pub mod db;
pub mod demo;
pub mod emails;
pub mod endings;
pub mod entities;
pub mod error;
pub mod goals;
pub mod guidance;
pub mod guides;
pub mod mail;
pub mod outbox;
pub mod outbox_admin;
pub mod outings;
pub mod passwords;
pub mod people;
pub mod referrals;
pub mod retention;
pub mod reviews;
pub mod rewards;
pub mod second_factor;
pub mod secret_box;
pub mod seed;
pub mod session_store;
pub mod settings;
pub mod state;
pub mod throttle;
pub mod tokens;
pub mod visits;

#[cfg(any(test, feature = "test-support"))]
pub mod testing;

pub use error::{JobError, find};
pub use state::{AppState, Settings};
