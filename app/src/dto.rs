//! What crosses the wire: the views pages render, the forms they post, [`AppError`] and
//! [`auth::CurrentUser`]. Below both `api` and `backend`, above `domain` only: services build
//! these and server functions return them, so neither needs the other's types. Pure data and
//! pure parsing; no I/O.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod clients;
pub mod endings;
pub mod error;
pub mod feedback;
pub mod forms;
pub mod goals;
pub mod guidance;
pub mod guides;
pub mod language;
pub mod outbox;
pub mod outings;
pub mod referrals;
pub mod reviews;
pub mod settings;
pub mod visits;

pub use error::AppError;

/// One page of a list and where the next one starts: the id of this page's last row, given
/// back as `after` (see `domain::paging`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub next: Option<i64>,
}
