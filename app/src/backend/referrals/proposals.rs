//! Proposals: a coordinator proposes a guide for a referral, the guide sees what they are asked
//! and answers. Accepting starts the guidance; declining puts the referral back in the queue.

use crate::backend::error::find;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::{
    ACCEPTED, DECLINED, PENDING, errors_of, event, load, named_guide, referral_facts, step, topics, world,
};
use crate::{
    backend::{
        audit,
        ctx::Ctx,
        db::{begin_write, decided_once},
        emails,
        entities::{client, proposal, referral, user},
        guidance,
    },
    domain::{
        ids::{ClientId, UserId},
        matching::{self, Contribution, GuideFacts},
        places,
        policy::{Action, Resource},
        referrals::{ChosenBy, ReferralStatus, Step, first_name, stored_codes},
        text,
        validation::ValidationCode,
    },
    dto::{AppError, referrals::ProposalForGuide},
};

/// Moves a referral from the status it was read in to `status`, naming `guide`: decided in the
/// caller's transaction by a conditional update, so of two steps taken at once from the same
/// status exactly one goes through and the other is a conflict.
async fn move_on(
    txn: &impl ConnectionTrait,
    row: &referral::Model,
    status: ReferralStatus,
    guide: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let moved = referral::Entity::update_many()
        .col_expr(referral::Column::Status, sea_orm::sea_query::Expr::value(status.as_str()))
        .col_expr(referral::Column::GuideId, sea_orm::sea_query::Expr::value(guide))
        .col_expr(referral::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(referral::Column::Id.eq(row.id))
        .filter(referral::Column::Status.eq(row.status.as_str()))
        .exec(txn)
        .await?;
    decided_once(moved, AppError::Conflict)
}

/// Records a proposal to `guide`, moves the referral on, tells the guide by e-mail. The guide
/// must be eligible (the same hard constraints as the ranking).
pub(super) async fn make_proposal(
    ctx: &Ctx,
    txn: &impl ConnectionTrait,
    row: referral::Model,
    guide: &GuideFacts,
    contributions: Vec<Contribution>,
    chosen_by: ChosenBy,
) -> Result<(), AppError> {
    let status = step(&row.status, Step::ProposeGuide)?;
    let milli_score: u32 = contributions.iter().map(|c| c.milli_points).sum();
    proposal::ActiveModel {
        id: NotSet,
        referral_id: Set(row.id),
        guide_id: Set(guide.id),
        milli_score: Set(milli_score as i32),
        explanation: Set(serde_json::to_string(&contributions)?),
        chosen_by: Set(chosen_by.as_str().to_owned()),
        proposed_by: Set(Some(ctx.actor_id())),
        proposed_at: Set(ctx.now),
        response: Set(PENDING.to_owned()),
        reason: Set(None),
        responded_at: Set(None),
    }
    .insert(txn)
    .await?;
    let referral_id = row.id;
    move_on(txn, &row, status, Some(guide.id), ctx.now).await?;
    event(txn, referral_id, status.as_str(), ctx.now, Some(ctx.actor_id()), None).await?;
    if let Some(account) = user::Entity::find_by_id(guide.id).one(txn).await? {
        let link = format!("{}/proposals", ctx.mailing.origin);
        let mail = emails::notice(
            emails::Notice::GuideProposed,
            &account,
            &link,
            format!("guide_proposed:{referral_id}:{}", guide.id),
        );
        ctx.mailing.enqueue(txn, mail, ctx.now).await?;
    }
    Ok(())
}

pub async fn propose(ctx: &Ctx, id: i64, guide: UserId, chosen_by: ChosenBy) -> Result<(), AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ProposeGuide, client.id, &resource).await?;
    let world = world(&ctx.db).await?;
    let facts = referral_facts(&ctx.db, &world, &row, &client, ctx.now).await?;
    let candidate = world.guides.iter().find(|g| g.id == guide.0).ok_or(AppError::NotFound)?;
    if !matching::is_eligible(&facts, candidate) {
        return Err(AppError::Conflict);
    }
    let contributions = matching::contributions(&facts, candidate, places::distances());
    let txn = begin_write(&ctx.db).await?;
    make_proposal(ctx, &txn, row, candidate, contributions, chosen_by).await?;
    txn.commit().await?;
    Ok(())
}

/// The proposals waiting for the signed-in guide's answer.
pub async fn proposals_for_me(ctx: &Ctx) -> Result<Vec<ProposalForGuide>, AppError> {
    ctx.authorize(Action::ListOwnProposals, &Resource::Nothing, audit::entity::CLIENT, None).await?;
    let mine = proposal::Entity::find()
        .filter(proposal::Column::GuideId.eq(ctx.actor_id()))
        .filter(proposal::Column::Response.eq(PENDING))
        .order_by_asc(proposal::Column::ProposedAt)
        .all(&ctx.db)
        .await?;
    let topics = topics(&ctx.db).await?;
    let mut out = Vec::new();
    let mut listed = Vec::new();
    for p in mine {
        let Some(row) = referral::Entity::find_by_id(p.referral_id).one(&ctx.db).await? else {
            continue;
        };
        let Some(client) = client::Entity::find_by_id(row.client_id).one(&ctx.db).await? else {
            continue;
        };
        // Already scoped to the guide by the query; asked again so the policy stays the one judge.
        ctx.authorize(
            Action::ViewReferral,
            &Resource::Referral {
                referred_by: row.referred_by.map(UserId),
                guides: vec![UserId(p.guide_id)],
                named_guide: named_guide(&row),
            },
            audit::entity::CLIENT,
            Some(client.id.to_string()),
        )
        .await?;
        listed.push(client.id);
        out.push(ProposalForGuide {
            id: p.id,
            referral_id: row.id,
            client_name: first_name(&client.display_name),
            place: client.municipality,
            needs: stored_codes(&row.needs),
            client_words: row.client_words,
            milli_score: p.milli_score.max(0) as u32,
            contributions: serde_json::from_str(&p.explanation).unwrap_or_default(),
            proposed_at: p.proposed_at.to_rfc3339(),
            topics: topics.clone(),
        });
    }
    ctx.audit_clients(Action::ListOwnProposals, &listed).await?;
    Ok(out)
}

/// The guide's answer. Accepting starts the guidance period and names the guide on the client's
/// card; declining (with a reason) returns the referral to the queue. Returns the client on
/// acceptance.
pub async fn respond(ctx: &Ctx, id: i64, accept: bool, reason: &str) -> Result<Option<ClientId>, AppError> {
    let p = find::<proposal::Entity>(&ctx.db, id).await?;
    let row = find::<referral::Entity>(&ctx.db, p.referral_id).await?;
    ctx.authorize(
        Action::RespondToProposal,
        &Resource::Proposal { guide: UserId(p.guide_id) },
        audit::entity::CLIENT,
        Some(row.client_id.to_string()),
    )
    .await?;
    if p.response != PENDING {
        return Err(AppError::Conflict);
    }
    let reason = errors_of("reason", text::multi_line(reason, text::REASON))?;
    if !accept && reason.is_empty() {
        return Err(AppError::invalid("reason", ValidationCode::Required));
    }
    let reason = reason.as_str();
    let txn = begin_write(&ctx.db).await?;
    let status = step(&row.status, if accept { Step::GuideAccepted } else { Step::GuideDeclined })?;
    let guide = p.guide_id;
    let referral_id = row.id;
    let client_id = row.client_id;
    let referred_by = row.referred_by;
    // Answered once: the answer is written only if the proposal is still waiting.
    let answered = proposal::Entity::update_many()
        .col_expr(
            proposal::Column::Response,
            sea_orm::sea_query::Expr::value(if accept { ACCEPTED } else { DECLINED }),
        )
        .col_expr(
            proposal::Column::Reason,
            sea_orm::sea_query::Expr::value(Some(reason.to_owned()).filter(|r| !r.is_empty())),
        )
        .col_expr(proposal::Column::RespondedAt, sea_orm::sea_query::Expr::value(ctx.now))
        .filter(proposal::Column::Id.eq(p.id))
        .filter(proposal::Column::Response.eq(PENDING))
        .exec(&txn)
        .await?;
    decided_once(answered, AppError::Conflict)?;
    move_on(&txn, &row, status, accept.then_some(guide), ctx.now).await?;
    event(
        &txn,
        referral_id,
        if accept { "guide_accepted" } else { "guide_declined" },
        ctx.now,
        Some(ctx.actor_id()),
        Some(reason.to_owned()).filter(|r| !r.is_empty()),
    )
    .await?;
    if accept {
        guidance::start_period(&txn, client_id, guide, Some(referral_id), ctx.now).await?;
        if let Some(social_worker) = referred_by
            && let Some(account) = user::Entity::find_by_id(social_worker).one(&txn).await?
        {
            let link = format!("{}/referrals/{referral_id}", ctx.mailing.origin);
            let mail = emails::notice(
                emails::Notice::GuideAccepted,
                &account,
                &link,
                format!("guide_accepted:{referral_id}:{guide}"),
            );
            ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
        }
    }
    txn.commit().await?;
    ctx.audit_clients(Action::RespondToProposal, &[client_id]).await?;
    Ok(accept.then_some(ClientId(client_id)))
}
