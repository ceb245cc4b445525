//! sea-orm entities, written to match the migrations (the migrations are the truth; tests
//! build their databases from them). Entities never cross the wire: services map them to the
//! DTOs in `api`.

pub mod account_token;
pub mod audit_event;
pub mod client;
pub mod notification_setting;
pub mod outbox_message;
pub mod session;
pub mod sign_in_failure;
pub mod user;
pub mod user_role;
