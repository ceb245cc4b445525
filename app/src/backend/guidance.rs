//! Guidance periods and transfers: one named guide at a time, a planned end and a mid-point
//! review, an ending with a reason, and a hand-over that a coordinator approves with the
//! client's earlier changes of guide in view.

use crate::backend::error::find;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::{
    ctx::Ctx,
    db::{begin_write, decided_once},
    emails,
    entities::{client, guidance_period, referral, referral_event, transfer, user},
    visits,
};
use crate::{
    domain::{
        guidance,
        ids::{ClientId, UserId},
        policy::{Action, Resource},
        referrals::{ReferralStatus, Step, next_status},
        text,
        time::{HELSINKI, parse_date},
        validation::ValidationCode,
    },
    dto::{
        AppError,
        guidance::{PeriodView, TransferView},
    },
};

const PENDING: &str = "pending";
const APPROVED: &str = "approved";
const REJECTED: &str = "rejected";

pub fn local_date(at: DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&HELSINKI).date_naive()
}

/// Starts a period with the default plan and names the guide on the client's card.
pub async fn start_period(
    db: &impl ConnectionTrait,
    client_id: i64,
    guide: i64,
    referral_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (planned_end, review_due) = guidance::default_dates(local_date(now));
    guidance_period::ActiveModel {
        id: NotSet,
        client_id: Set(client_id),
        guide_id: Set(guide),
        referral_id: Set(referral_id),
        started_at: Set(now),
        planned_end: Set(planned_end),
        review_due: Set(review_due),
        ended_at: Set(None),
        ending_reason: Set(None),
        review_proposed_for: Set(None),
    }
    .insert(db)
    .await?;
    set_guide(db, client_id, Some(guide), now).await
}

async fn set_guide(
    db: &impl ConnectionTrait,
    client_id: i64,
    guide: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let row = find::<client::Entity>(db, client_id).await?;
    let mut row = row.into_active_model();
    row.guide_id = Set(guide);
    row.updated_at = Set(now);
    row.update(db).await?;
    Ok(())
}

pub async fn open_period(
    db: &impl ConnectionTrait,
    client_id: i64,
) -> Result<Option<guidance_period::Model>, AppError> {
    Ok(guidance_period::Entity::find()
        .filter(guidance_period::Column::ClientId.eq(client_id))
        .filter(guidance_period::Column::EndedAt.is_null())
        .one(db)
        .await?)
}

pub async fn earlier_transfers(db: &impl ConnectionTrait, client_id: i64) -> Result<u64, AppError> {
    Ok(transfer::Entity::find()
        .filter(transfer::Column::ClientId.eq(client_id))
        .filter(transfer::Column::Status.eq(APPROVED))
        .count(db)
        .await?)
}

async fn name_of(db: &impl ConnectionTrait, id: Option<i64>) -> Result<Option<user::Model>, AppError> {
    match id {
        Some(id) => Ok(user::Entity::find_by_id(id).one(db).await?),
        None => Ok(None),
    }
}

pub async fn period_view(db: &impl ConnectionTrait, client_id: i64) -> Result<Option<PeriodView>, AppError> {
    let Some(period) = open_period(db, client_id).await? else { return Ok(None) };
    Ok(Some(PeriodView {
        id: period.id,
        guide_id: UserId(period.guide_id),
        started_at: period.started_at.to_rfc3339(),
        planned_end: period.planned_end.to_string(),
        review_due: period.review_due.to_string(),
    }))
}

pub async fn pending_transfer(
    db: &impl ConnectionTrait,
    client_id: i64,
) -> Result<Option<TransferView>, AppError> {
    let Some(t) = transfer::Entity::find()
        .filter(transfer::Column::ClientId.eq(client_id))
        .filter(transfer::Column::Status.eq(PENDING))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(transfer_view(db, t).await?))
}

async fn transfer_view(db: &impl ConnectionTrait, t: transfer::Model) -> Result<TransferView, AppError> {
    let client = client::Entity::find_by_id(t.client_id).one(db).await?;
    Ok(TransferView {
        id: t.id,
        client_id: ClientId(t.client_id),
        client_name: client.map(|c| c.display_name).unwrap_or_default(),
        from_guide: name_of(db, Some(t.from_guide)).await?.map(|u| u.name).unwrap_or_default(),
        reason: t.reason,
        requested_by: name_of(db, t.requested_by).await?.map(|u| u.name),
        requested_at: t.requested_at.to_rfc3339(),
        earlier_transfers: earlier_transfers(db, t.client_id).await?,
    })
}

/// A client and the resource the policy judges access to them by.
pub async fn load_client(ctx: &Ctx, id: ClientId) -> Result<(client::Model, Resource), AppError> {
    let row = find::<client::Entity>(&ctx.db, id.0).await?;
    let resource =
        Resource::Client { guide: row.guide_id.map(UserId), referred_by: row.referred_by.map(UserId) };
    Ok((row, resource))
}

/// The client's current referral (the newest not closed), if any.
pub async fn current_referral(
    db: &impl ConnectionTrait,
    client_id: i64,
) -> Result<Option<referral::Model>, AppError> {
    Ok(referral::Entity::find()
        .filter(referral::Column::ClientId.eq(client_id))
        .order_by_desc(referral::Column::SubmittedAt)
        .all(db)
        .await?
        .into_iter()
        .find(|r| ReferralStatus::parse(&r.status).is_some_and(|s| !s.is_closed())))
}

pub async fn update_plan(
    ctx: &Ctx,
    id: ClientId,
    planned_end: &str,
    review_due: &str,
) -> Result<(), AppError> {
    let (client, resource) = load_client(ctx, id).await?;
    ctx.authorize_client(Action::EditGuidancePeriod, client.id, &resource).await?;
    let period = open_period(&ctx.db, client.id).await?.ok_or(AppError::Conflict)?;
    let end = parse_date(planned_end)
        .ok_or_else(|| AppError::invalid("planned_end", ValidationCode::InvalidDate))?;
    let review =
        parse_date(review_due).ok_or_else(|| AppError::invalid("review_due", ValidationCode::InvalidDate))?;
    guidance::check_dates(local_date(period.started_at), end, review)
        .map_err(|(field, code)| AppError::invalid(field, code))?;
    let mut row = period.into_active_model();
    row.planned_end = Set(end);
    row.review_due = Set(review);
    row.update(&ctx.db).await?;
    Ok(())
}

/// Closes an open period, decided inside the caller's transaction: of two endings (or an ending
/// and a transfer) at the same moment, exactly one finds the period still open.
pub async fn close_period(
    db: &impl ConnectionTrait,
    period_id: i64,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let closed = guidance_period::Entity::update_many()
        .col_expr(guidance_period::Column::EndedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(guidance_period::Column::EndingReason, sea_orm::sea_query::Expr::value(reason))
        .filter(guidance_period::Column::Id.eq(period_id))
        .filter(guidance_period::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    decided_once(closed, AppError::Conflict)
}

/// Ends the period with a reason; the client has no named guide until a new referral, and the
/// planned visits from now on are cancelled (the people who had them are told), all in one
/// transaction: access ends everywhere at once.
pub async fn end(ctx: &Ctx, id: ClientId, reason: &str) -> Result<(), AppError> {
    let (client, resource) = load_client(ctx, id).await?;
    ctx.authorize_client(Action::EndGuidance, client.id, &resource).await?;
    let reason =
        text::required_text(reason, text::REASON).map_err(|code| AppError::invalid("reason", code))?;
    let txn = begin_write(&ctx.db).await?;
    let period = open_period(&txn, client.id).await?.ok_or(AppError::Conflict)?;
    close_guidance(&txn, ctx, &client, &period, Some(&reason)).await?;
    txn.commit().await?;
    Ok(())
}

/// Closes the open `period` inside the caller's transaction: the period ends (`reason` is `None`
/// when it was ended together at the ending meeting, whose record says the rest), the client has
/// no named guide, planned visits from now on are cancelled with the people told, and the
/// referral moves to ended.
pub async fn close_guidance(
    txn: &impl ConnectionTrait,
    ctx: &Ctx,
    client: &client::Model,
    period: &guidance_period::Model,
    reason: Option<&str>,
) -> Result<(), AppError> {
    close_period(txn, period.id, reason, ctx.now).await?;
    set_guide(txn, client.id, None, ctx.now).await?;
    visits::cancel_after_ending(txn, client, Some(ctx.actor_id()), &ctx.mailing, ctx.now).await?;
    super::outings::withdraw_client(txn, client.id, &ctx.mailing, ctx.now).await?;
    if let Some(referral) = current_referral(txn, client.id).await?
        && let Some(status) = ReferralStatus::parse(&referral.status).and_then(|s| next_status(s, Step::End))
    {
        let referral_id = referral.id;
        let mut update = referral.into_active_model();
        update.status = Set(status.as_str().to_owned());
        update.updated_at = Set(ctx.now);
        update.update(txn).await?;
        referral_event::ActiveModel {
            id: NotSet,
            referral_id: Set(referral_id),
            event: Set(status.as_str().to_owned()),
            at: Set(ctx.now),
            actor_id: Set(Some(ctx.actor_id())),
            note: Set(reason.map(str::to_owned)),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

pub async fn request_transfer(ctx: &Ctx, id: ClientId, reason: &str) -> Result<(), AppError> {
    let (client, resource) = load_client(ctx, id).await?;
    ctx.authorize_client(Action::RequestTransfer, client.id, &resource).await?;
    let reason =
        text::required_text(reason, text::REASON).map_err(|code| AppError::invalid("reason", code))?;
    // Checked and written under the write lock (SQLite) so two requests cannot both pass.
    let txn = begin_write(&ctx.db).await?;
    let period = open_period(&txn, client.id).await?.ok_or(AppError::Conflict)?;
    if pending_transfer(&txn, client.id).await?.is_some() {
        return Err(AppError::Conflict);
    }
    transfer::ActiveModel {
        id: NotSet,
        client_id: Set(client.id),
        from_guide: Set(period.guide_id),
        to_guide: Set(None),
        reason: Set(reason),
        requested_by: Set(Some(ctx.actor_id())),
        requested_at: Set(ctx.now),
        status: Set(PENDING.to_owned()),
        decided_by: Set(None),
        decided_at: Set(None),
        earlier_transfers: Set(0),
    }
    .insert(&txn)
    .await?;
    Ok(txn.commit().await?)
}

pub async fn pending_transfers(ctx: &Ctx) -> Result<Vec<TransferView>, AppError> {
    ctx.authorize(Action::DecideTransfer, &Resource::Nothing, super::audit::entity::CLIENT, None).await?;
    let rows = transfer::Entity::find()
        .filter(transfer::Column::Status.eq(PENDING))
        .order_by_asc(transfer::Column::RequestedAt)
        .all(&ctx.db)
        .await?;
    ctx.audit_clients(Action::DecideTransfer, &rows.iter().map(|t| t.client_id).collect::<Vec<_>>()).await?;
    let mut out = Vec::new();
    for row in rows {
        out.push(transfer_view(&ctx.db, row).await?);
    }
    Ok(out)
}

/// Approves (to `to_guide`) or rejects a transfer. Approval ends the old period and starts a new
/// one, and hands the client's planned visits to the new guide: the old guide's access ends with
/// it (access follows the named guide). The social worker and both guides are told by e-mail;
/// the new guide introduces themselves to the client. The decision is made inside the
/// transaction that writes it: of two decisions at once, one wins and the other is a conflict.
pub async fn decide_transfer(
    ctx: &Ctx,
    id: i64,
    approve: bool,
    to_guide: Option<UserId>,
) -> Result<ClientId, AppError> {
    ctx.authorize(Action::DecideTransfer, &Resource::Nothing, super::audit::entity::CLIENT, None).await?;
    let txn = begin_write(&ctx.db).await?;
    let row = find::<transfer::Entity>(&txn, id).await?;
    let client_id = row.client_id;
    let earlier = earlier_transfers(&txn, client_id).await? as i32;
    let decided = transfer::Entity::update_many()
        .col_expr(
            transfer::Column::Status,
            sea_orm::sea_query::Expr::value(if approve { APPROVED } else { REJECTED }),
        )
        .col_expr(transfer::Column::DecidedBy, sea_orm::sea_query::Expr::value(ctx.actor_id()))
        .col_expr(transfer::Column::DecidedAt, sea_orm::sea_query::Expr::value(ctx.now))
        .col_expr(transfer::Column::EarlierTransfers, sea_orm::sea_query::Expr::value(earlier))
        .filter(transfer::Column::Id.eq(id))
        .filter(transfer::Column::Status.eq(PENDING))
        .exec(&txn)
        .await?;
    decided_once(decided, AppError::Conflict)?;
    if approve {
        let to = to_guide.ok_or_else(|| AppError::invalid("to_guide", ValidationCode::Required))?;
        if to.0 == row.from_guide {
            return Err(AppError::invalid("to_guide", ValidationCode::UnknownChoice));
        }
        let guide = user::Entity::find_by_id(to.0)
            .one(&txn)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| AppError::invalid("to_guide", ValidationCode::UnknownChoice))?;
        if !super::auth::roles_of(&txn, guide.id).await?.has(crate::domain::roles::Role::Guide) {
            return Err(AppError::invalid("to_guide", ValidationCode::UnknownChoice));
        }
        transfer::Entity::update_many()
            .col_expr(transfer::Column::ToGuide, sea_orm::sea_query::Expr::value(to.0))
            .filter(transfer::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let period = open_period(&txn, client_id).await?.ok_or(AppError::Conflict)?;
        let referral_id = period.referral_id;
        close_period(&txn, period.id, Some("transfer"), ctx.now).await?;
        start_period(&txn, client_id, to.0, referral_id, ctx.now).await?;
        visits::hand_over(&txn, client_id, period.guide_id, to.0, &ctx.mailing, ctx.now).await?;
        if let Some(referral) = current_referral(&txn, client_id).await? {
            let referral_id = referral.id;
            let referred_by = referral.referred_by;
            let mut update = referral.into_active_model();
            update.guide_id = Set(Some(to.0));
            update.updated_at = Set(ctx.now);
            update.update(&txn).await?;
            referral_event::ActiveModel {
                id: NotSet,
                referral_id: Set(referral_id),
                event: Set("transferred".to_owned()),
                at: Set(ctx.now),
                actor_id: Set(Some(ctx.actor_id())),
                note: Set(Some(row.reason.clone())),
            }
            .insert(&txn)
            .await?;
            for (recipient, key) in [(referred_by, "social_worker"), (Some(to.0), "guide")] {
                if let Some(account) = name_of(&txn, recipient).await? {
                    let mail = emails::notice(
                        emails::Notice::TransferApproved,
                        &account,
                        &ctx.mailing.link(&format!("/clients/{client_id}")),
                        format!("transfer:{id}:{key}"),
                    );
                    ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
                }
            }
        }
    }
    txn.commit().await?;
    ctx.audit_clients(Action::DecideTransfer, &[client_id]).await?;
    Ok(ClientId(client_id))
}
