//! Referrals: a social worker asks for a guide for a client, a coordinator proposes a guide,
//! the guide answers, and the guide reaches the client within seven days. The client's consent
//! decides how long any of it may be shared. Every function that reads or changes a client's
//! data asks the policy and writes the audit trail (through `Ctx`) where the data is loaded.
//!
//! - `intake`: the topics, submitting a referral, the list and one referral.
//! - `matching`: which guides fit a referral and why, their introductions, and the batch that
//!   proposes a guide for every waiting referral at once.
//! - `proposals`: proposing a guide, the guide's proposals and their answer.
//! - `first_contact`: the guide has reached the client; reminders to coordinators until then.
//! - `consents`: the client's consents, their withdrawal and their running out.
//!
//! This file holds what they share: a referral loaded with who may see it, its steps and its
//! timeline.

mod consents;
mod first_contact;
mod intake;
mod matching;
mod proposals;

use crate::backend::error::find;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

pub use self::{
    consents::{consents_of, expire_consents, withdraw_consent},
    first_contact::{escalate_waiting, record_first_contact},
    intake::{detail, list, submit, topics},
    matching::{World, batch_apply, batch_preview, introductions, ranking, referral_facts, world},
    proposals::{proposals_for_me, propose, respond},
};
use super::{
    ctx::Ctx,
    entities::{client, proposal, referral, referral_event},
};
// Pure rules kept reachable by their old path.
pub use crate::domain::matching::{gender_name, parse_gender};
use crate::{
    domain::{
        ids::UserId,
        policy::Resource,
        referrals::{self as rules, ProposalResponse, ReferralStatus, Step},
        validation::ValidationCode,
    },
    dto::AppError,
};

/// A proposal waiting for the guide's answer; the guides' roster counts these too.
pub(super) const PENDING: &str = ProposalResponse::Pending.as_str();
const ACCEPTED: &str = ProposalResponse::Accepted.as_str();
const DECLINED: &str = ProposalResponse::Declined.as_str();
/// A proposal nobody needs to answer any more (the consent was withdrawn).
const CANCELLED: &str = ProposalResponse::Cancelled.as_str();

/// A line on the referral's timeline.
async fn event(
    db: &impl ConnectionTrait,
    referral_id: i64,
    event: &str,
    at: DateTime<Utc>,
    actor: Option<i64>,
    note: Option<String>,
) -> Result<(), AppError> {
    referral_event::ActiveModel {
        id: NotSet,
        referral_id: Set(referral_id),
        event: Set(event.to_owned()),
        at: Set(at),
        actor_id: Set(actor),
        note: Set(note),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The status `step` leads to from `from`, or a conflict when the referral is not where the
/// step starts (someone else moved it first).
fn step(from: &str, step: Step) -> Result<ReferralStatus, AppError> {
    ReferralStatus::parse(from).and_then(|status| rules::next_status(status, step)).ok_or(AppError::Conflict)
}

/// The value, or the refusal of `field`.
fn errors_of<T>(field: &str, result: Result<T, ValidationCode>) -> Result<T, AppError> {
    result.map_err(|code| AppError::invalid(field, code))
}

/// The guides who may see a referral: those asked and not yet answered, and the client's named
/// guide while the guidance lasts. A guide who declined, was replaced in a transfer or whose
/// period ended sees it no more.
async fn guides_with_access(
    db: &impl ConnectionTrait,
    row: &referral::Model,
) -> Result<Vec<UserId>, AppError> {
    let mut guides: Vec<UserId> = proposal::Entity::find()
        .filter(proposal::Column::ReferralId.eq(row.id))
        .filter(proposal::Column::Response.eq(PENDING))
        .all(db)
        .await?
        .into_iter()
        .map(|p| UserId(p.guide_id))
        .collect();
    let open = ReferralStatus::parse(&row.status).is_some_and(|s| !s.is_closed());
    if let Some(guide) = row.guide_id.filter(|_| open) {
        guides.push(UserId(guide));
    }
    Ok(guides)
}

/// The guide of the referral's open period (accepted, not only asked).
fn named_guide(row: &referral::Model) -> Option<UserId> {
    let in_guidance = ReferralStatus::parse(&row.status).is_some_and(|s| {
        matches!(s, ReferralStatus::Accepted | ReferralStatus::FirstMeetingHeld | ReferralStatus::Active)
    });
    row.guide_id.filter(|_| in_guidance).map(UserId)
}

/// A referral with its client and who may see it, for the policy to judge.
async fn load(ctx: &Ctx, id: i64) -> Result<(referral::Model, client::Model, Resource), AppError> {
    let row = find::<referral::Entity>(&ctx.db, id).await?;
    let client = find::<client::Entity>(&ctx.db, row.client_id).await?;
    let resource = Resource::Referral {
        referred_by: row.referred_by.map(UserId),
        guides: guides_with_access(&ctx.db, &row).await?,
        named_guide: named_guide(&row),
    };
    Ok((row, client, resource))
}
