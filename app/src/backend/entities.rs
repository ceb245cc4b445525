//! sea-orm entities, written to match the migrations (the migrations are the truth; tests
//! build their databases from them). Entities never cross the wire: services map them to the
//! DTOs in `api`.

pub mod account_token;
pub mod audit_event;
pub mod calendar_feed;
pub mod client;
pub mod consent;
pub mod ending;
pub mod ending_factor;
pub mod ending_service;
pub mod feedback_tally;
pub mod goal;
pub mod goal_rating;
pub mod goal_step;
pub mod goal_step_outing;
pub mod goal_wording;
pub mod guidance_period;
pub mod guide_exclusion;
pub mod guide_profile;
pub mod notification_setting;
pub mod outbox_message;
pub mod outing;
pub mod outing_driver;
pub mod outing_leader;
pub mod outing_session;
pub mod outing_signup;
pub mod outing_work;
pub mod proposal;
pub mod recovery_code;
pub mod referral;
pub mod referral_event;
pub mod review;
pub mod review_goal_decision;
pub mod reward;
pub mod reward_entry;
pub mod reward_rule;
pub mod reward_scheme;
pub mod ride_leg;
pub mod second_factor;
pub mod session;
pub mod sign_in_failure;
pub mod topic;
pub mod transfer;
pub mod user;
pub mod user_role;
pub mod visit;
