//! The client's consents: what was agreed to be shared, with whom and until when. When the
//! last valid consent is withdrawn or runs out, sharing stops: the guide's access ends, planned
//! visits are cancelled and the referral closes.

use crate::backend::error::find;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};

use super::{CANCELLED, PENDING, event};
use crate::{
    backend::{
        ctx::{Ctx, Mailing},
        db::{begin_write, decided_once},
        entities::{client, consent, proposal},
        guidance, visits,
    },
    domain::{
        ids::ClientId,
        policy::Action,
        referrals::{self as rules, ReferralStatus, Step},
    },
    dto::{AppError, referrals::ConsentView},
};

pub async fn consents_of(db: &impl ConnectionTrait, client_id: i64) -> Result<Vec<ConsentView>, AppError> {
    Ok(consent::Entity::find()
        .filter(consent::Column::ClientId.eq(client_id))
        .order_by_desc(consent::Column::GivenAt)
        .all(db)
        .await?
        .into_iter()
        .map(|c| ConsentView {
            id: c.id,
            purpose: c.purpose,
            shared_with: c.shared_with,
            given_at: c.given_at.to_rfc3339(),
            valid_until: c.valid_until.map(|d| d.to_string()),
            withdrawn_at: c.withdrawn_at.map(|at| at.to_rfc3339()),
        })
        .collect())
}

/// Withdraws a consent. Withdrawing stops sharing: when no valid consent is left, the guidance
/// period ends, unanswered proposals are cancelled and the referral is closed, so no guide sees
/// the client any more. The referring social worker and coordinators keep the record, which
/// the social-welfare authority must keep anyway.
pub async fn withdraw_consent(ctx: &Ctx, id: i64) -> Result<ClientId, AppError> {
    let row = find::<consent::Entity>(&ctx.db, id).await?;
    let (client, resource) = guidance::load_client(ctx, ClientId(row.client_id)).await?;
    ctx.authorize_client(Action::ManageConsent, client.id, &resource).await?;
    if row.withdrawn_at.is_some() {
        return Err(AppError::Conflict);
    }
    let txn = begin_write(&ctx.db).await?;
    let withdrawn = consent::Entity::update_many()
        .col_expr(consent::Column::WithdrawnAt, sea_orm::sea_query::Expr::value(ctx.now))
        .filter(consent::Column::Id.eq(row.id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .exec(&txn)
        .await?;
    decided_once(withdrawn, AppError::Conflict)?;
    if !has_valid_consent(&txn, client.id, guidance::local_date(ctx.now)).await? {
        stop_sharing(&txn, &client, Some(ctx.actor_id()), CONSENT_WITHDRAWN, &ctx.mailing, ctx.now).await?;
    }
    txn.commit().await?;
    Ok(ClientId(client.id))
}

/// The client has a consent not withdrawn and not run out on `today`.
async fn has_valid_consent(
    db: &impl ConnectionTrait,
    client_id: i64,
    today: chrono::NaiveDate,
) -> Result<bool, AppError> {
    Ok(consent::Entity::find()
        .filter(consent::Column::ClientId.eq(client_id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .any(|c| c.valid_until.is_none_or(|until| until >= today)))
}

const CONSENT_WITHDRAWN: &str = "consent_withdrawn";
const CONSENT_EXPIRED: &str = "consent_expired";

/// No valid consent is left: the period ends, the planned visits are cancelled (the guide and
/// the social worker are told), unanswered proposals are cancelled and the referral closes.
/// `actor` is who withdrew it (`None`: it ran out). `why` is the note on the timeline.
async fn stop_sharing(
    txn: &impl ConnectionTrait,
    client: &client::Model,
    actor: Option<i64>,
    why: &str,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let client_id = client.id;
    if let Some(period) = guidance::open_period(txn, client_id).await? {
        guidance::close_period(txn, period.id, Some(why), now).await?;
    }
    visits::cancel_after_ending(txn, client, actor, mailing, now).await?;
    crate::backend::outings::withdraw_client(txn, client_id, mailing, now).await?;
    let mut row = find::<client::Entity>(txn, client_id).await?.into_active_model();
    row.guide_id = Set(None);
    row.updated_at = Set(now);
    row.update(txn).await?;
    let Some(referral) = guidance::current_referral(txn, client_id).await? else { return Ok(()) };
    for p in proposal::Entity::find()
        .filter(proposal::Column::ReferralId.eq(referral.id))
        .filter(proposal::Column::Response.eq(PENDING))
        .all(txn)
        .await?
    {
        let mut p = p.into_active_model();
        p.response = Set(CANCELLED.to_owned());
        p.responded_at = Set(Some(now));
        p.update(txn).await?;
    }
    let status = ReferralStatus::parse(&referral.status)
        .and_then(|s| rules::next_status(s, Step::Withdraw).or_else(|| rules::next_status(s, Step::End)));
    if let Some(status) = status {
        let referral_id = referral.id;
        let mut update = referral.into_active_model();
        update.status = Set(status.as_str().to_owned());
        update.updated_at = Set(now);
        update.update(txn).await?;
        event(txn, referral_id, status.as_str(), now, actor, Some(why.to_owned())).await?;
    }
    Ok(())
}

/// Consents that ran out: a consent with an end date stops sharing on the day after it, as a
/// withdrawal does (the guide's access ends, planned visits are cancelled and their people
/// told). Run by the housekeeping worker; returns how many clients stopped being shared.
pub async fn expire_consents(
    db: &DatabaseConnection,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let today = guidance::local_date(now);
    let lapsed: Vec<i64> = consent::Entity::find()
        .filter(consent::Column::WithdrawnAt.is_null())
        .filter(consent::Column::ValidUntil.lt(today))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.client_id)
        .collect();
    let shared = client::Entity::find()
        .filter(client::Column::Id.is_in(lapsed))
        .filter(client::Column::GuideId.is_not_null())
        .all(db)
        .await?;
    // The worker wakes the sender when this returns more than none.
    let mailing = Mailing::detached(origin);
    let mut stopped = 0;
    for client in shared {
        let txn = begin_write(db).await?;
        if has_valid_consent(&txn, client.id, today).await? {
            continue;
        }
        stop_sharing(&txn, &client, None, CONSENT_EXPIRED, &mailing, now).await?;
        txn.commit().await?;
        stopped += 1;
    }
    Ok(stopped)
}
