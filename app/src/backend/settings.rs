//! A person's own settings: which optional e-mails they get.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait, sea_query::OnConflict};
use strum::IntoEnumIterator;

use super::{audit::entity, ctx::Ctx, entities::notification_setting};
use crate::{
    domain::{
        outbox::MessageKind,
        policy::{Action, Resource},
    },
    dto::{AppError, settings::NotificationChoice},
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
    let txn = ctx.db.begin().await?;
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
