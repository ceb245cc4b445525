//! First contact: the guide records having reached the client, which stops the seven-day
//! clock; until then coordinators are reminded of the referral on days 3 and 6.

use crate::backend::error::find;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::event;
use crate::{
    backend::{
        ctx::Ctx,
        db::{begin_write, decided_once},
        emails,
        entities::referral,
        guidance, outbox,
        people::active_users_with_role,
    },
    domain::{
        ids::ClientId,
        policy::Action,
        referrals::{self as rules, ContactChannel, ReferralStatus},
        roles::Role,
        validation::ValidationCode,
    },
    dto::AppError,
};

/// The guide has reached the client: the 7-day clock stops. Returns the client.
pub async fn record_first_contact(ctx: &Ctx, id: i64, channel: &str) -> Result<ClientId, AppError> {
    let row = find::<referral::Entity>(&ctx.db, id).await?;
    let (client, resource) = guidance::load_client(ctx, ClientId(row.client_id)).await?;
    ctx.authorize_client(Action::RecordFirstContact, client.id, &resource).await?;
    let channel = ContactChannel::parse(channel)
        .ok_or_else(|| AppError::invalid("channel", ValidationCode::UnknownChoice))?;
    if row.first_contact_at.is_some() || client.guide_id.is_none() {
        return Err(AppError::Conflict);
    }
    let txn = begin_write(&ctx.db).await?;
    // The first contact is recorded once, whoever of two taps gets there first.
    let recorded = referral::Entity::update_many()
        .col_expr(referral::Column::FirstContactAt, sea_orm::sea_query::Expr::value(ctx.now))
        .col_expr(referral::Column::FirstContactChannel, sea_orm::sea_query::Expr::value(channel.as_str()))
        .col_expr(referral::Column::UpdatedAt, sea_orm::sea_query::Expr::value(ctx.now))
        .filter(referral::Column::Id.eq(row.id))
        .filter(referral::Column::FirstContactAt.is_null())
        .exec(&txn)
        .await?;
    decided_once(recorded, AppError::Conflict)?;
    event(&txn, id, "first_contact", ctx.now, Some(ctx.actor_id()), Some(channel.as_str().to_owned()))
        .await?;
    txn.commit().await?;
    Ok(ClientId(client.id))
}

/// First-contact escalations: for each referral still without first contact, the e-mails to
/// coordinators due on days 3 and 6 (each once, by its idempotency key). Run by a worker.
pub async fn escalate_waiting(
    db: &DatabaseConnection,
    public_origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let open = referral::Entity::find()
        .filter(referral::Column::FirstContactAt.is_null())
        .filter(referral::Column::Status.is_in([
            ReferralStatus::Submitted.as_str(),
            ReferralStatus::GuideProposed.as_str(),
            ReferralStatus::Accepted.as_str(),
        ]))
        .all(db)
        .await?;
    let coordinators = active_users_with_role(db, Role::Coordinator).await?;
    let mut queued = 0;
    for row in open {
        for day in rules::escalations_due(row.submitted_at, row.first_contact_at, now) {
            for coordinator in &coordinators {
                let link = format!("{public_origin}/referrals/{}", row.id);
                let mail = emails::first_contact_overdue(
                    coordinator,
                    &link,
                    day,
                    format!("first_contact:{}:day{day}:{}", row.id, coordinator.id),
                );
                if outbox::enqueue(db, mail, now).await? == outbox::Enqueued::Queued {
                    queued += 1;
                }
            }
        }
    }
    Ok(queued)
}
