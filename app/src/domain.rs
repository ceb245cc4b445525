//! Pure rules of the domain: no I/O, no clock, no database. Compiled for the server and the
//! browser alike and unit-tested here.

pub mod accounts;
pub mod ids;
pub mod languages;
pub mod navigation;
pub mod outbox;
pub mod policy;
pub mod roles;
pub mod sign_in;
pub mod time;
pub mod validation;
