//! A person's own settings: which optional e-mails they get.

use crate::backend::db::begin_write;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::OnConflict};
use strum::IntoEnumIterator;

use super::{audit::entity, ctx::Ctx, entities::notification_setting};
use crate::{
    domain::{
        outbox::MessageKind,
        policy::{Action, Resource},
    },
    dto::{
        AppError,
        settings::{NotificationChoice, SessionRow},
    },
};

fn own(ctx: &Ctx) -> Resource {
    Resource::Account { roles: ctx.actor.roles.clone(), is_self: true }
}

pub async fn notifications(ctx: &Ctx) -> Result<Vec<NotificationChoice>, AppError> {
    ctx.authorize(Action::ManageOwnSettings, &own(ctx), entity::ACCOUNT, Some(ctx.actor_id().to_string()))
        .await?;
    let stored = notification_setting::Entity::find()
        .filter(notification_setting::Column::UserId.eq(ctx.actor_id()))
        .all(&ctx.db)
        .await?;
    Ok(MessageKind::iter()
        .map(|kind| NotificationChoice {
            kind,
            mandatory: kind.is_mandatory(),
            by_email: kind.is_mandatory()
                || stored.iter().find(|s| s.kind == kind.as_str()).is_none_or(|s| s.by_email),
        })
        .collect())
}

/// Saves the ticked kinds as on and the others as off; mandatory kinds stay on whatever the form
/// says.
pub async fn save_notifications(ctx: &Ctx, ticked: &[String]) -> Result<(), AppError> {
    ctx.authorize(Action::ManageOwnSettings, &own(ctx), entity::ACCOUNT, Some(ctx.actor_id().to_string()))
        .await?;
    let txn = begin_write(&ctx.db).await?;
    for kind in MessageKind::iter().filter(|k| !k.is_mandatory()) {
        let row = notification_setting::ActiveModel {
            user_id: sea_orm::ActiveValue::Set(ctx.actor_id()),
            kind: sea_orm::ActiveValue::Set(kind.as_str().to_owned()),
            by_email: sea_orm::ActiveValue::Set(ticked.iter().any(|t| t == kind.as_str())),
        };
        notification_setting::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    notification_setting::Column::UserId,
                    notification_setting::Column::Kind,
                ])
                .update_column(notification_setting::Column::ByEmail)
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    Ok(txn.commit().await?)
}

/// One's own signed-in sessions, this one marked (`current` is this request's session id).
pub async fn sessions(ctx: &Ctx, current: Option<&str>) -> Result<Vec<SessionRow>, AppError> {
    ctx.authorize(Action::ManageOwnSettings, &own(ctx), entity::ACCOUNT, Some(ctx.actor_id().to_string()))
        .await?;
    let at = |secs: i64| chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default().to_rfc3339();
    Ok(super::session_store::sessions_of(&ctx.db, ctx.actor_id(), ctx.now)
        .await?
        .into_iter()
        .map(|(id, signed_in)| SessionRow {
            handle: super::session_store::handle_of(&id),
            device: signed_in.device,
            address: signed_in.address,
            signed_in_at: at(signed_in.signed_in_at),
            seen_at: at(signed_in.seen_at),
            this_one: current == Some(id.as_str()),
        })
        .collect())
}

/// Ends one of one's own sessions (a phone left somewhere); recorded in the audit trail.
pub async fn end_session(ctx: &Ctx, handle: &str) -> Result<(), AppError> {
    ctx.authorize(Action::ManageOwnSettings, &own(ctx), entity::ACCOUNT, Some(ctx.actor_id().to_string()))
        .await?;
    if !super::session_store::end_by_handle(&ctx.db, ctx.actor_id(), handle, ctx.now).await? {
        return Err(AppError::NotFound);
    }
    let origin = super::audit::Origin {
        actor: Some(ctx.actor_id()),
        request_id: ctx.request_id.as_deref(),
        address: None,
    };
    super::audit::record_auth(
        &ctx.db,
        super::audit::AuthEvent::SessionEnded,
        Some(ctx.actor_id()),
        origin,
        ctx.now,
    )
    .await?;
    Ok(())
}
