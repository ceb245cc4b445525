//! People the services look up by role or by id: the coordinators to tell of a new or waiting
//! referral, the guides a client can be matched with, the names shown on a referral.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::{user, user_role};
use crate::{domain::roles::Role, dto::AppError};

/// The active accounts with `role`, by name. A closed account is neither told nor asked.
pub async fn active_users_with_role(
    db: &impl ConnectionTrait,
    role: Role,
) -> Result<Vec<user::Model>, AppError> {
    let ids: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(role.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?)
}

/// The names of the accounts `ids`, closed ones too: what someone did stays signed with their
/// name after they left.
pub async fn names(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<HashMap<i64, String>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}
