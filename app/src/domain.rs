//! Pure rules of the domain: no I/O, no clock, no database. Compiled for the server and the
//! browser alike and unit-tested here.

pub mod accounts;
pub mod availability;
pub mod booking;
pub mod calendar;
pub mod ending;
pub mod feedback;
pub mod goal_chart;
pub mod goals;
pub mod guidance;
pub mod ids;
pub mod languages;
pub mod matching;
pub mod navigation;
pub mod outbox;
pub mod outings;
pub mod paging;
pub mod places;
pub mod policy;
pub mod ratings;
pub mod referrals;
pub mod retention;
pub mod reviews;
pub mod rewards;
pub mod roles;
pub mod scheduling;
pub mod second_factor;
pub mod sign_in;
pub mod summary;
pub mod text;
pub mod time;
pub mod validation;
pub mod visits;
