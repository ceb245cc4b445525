//! One-time tokens for invitation and password-reset links: 256 random bits in the link, only
//! their SHA-256 stored, single use, short-lived.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};

use super::entities::account_token;
use crate::dto::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    PasswordReset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// The SHA-256 of a secret, as stored.
pub fn hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// 256 random bits, URL-safe: the secret that goes into a link.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
}

/// Creates a token for `user_id` and returns its id and the secret that goes into the link.
pub async fn issue(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: Purpose,
    valid_for: Duration,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(i64, String), AppError> {
    let secret = new_secret();
    let token = account_token::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        token_hash: Set(hash(&secret)),
        expires_at: Set(now + valid_for),
        used_at: Set(None),
        created_at: Set(now),
        created_by: Set(created_by),
    }
    .insert(db)
    .await?;
    Ok((token.id, secret))
}

/// The live token behind `secret` (right purpose, unused, unexpired), without using it up.
pub async fn find_live(
    db: &impl ConnectionTrait,
    secret: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Option<account_token::Model>, AppError> {
    Ok(account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(hash(secret)))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?)
}

/// Uses the token up, so its link never works again. A conditional update that succeeds once:
/// of two requests racing with the same link, exactly one finds it unused (the other gets
/// `NotFound`, as for any dead link).
pub async fn use_up(
    db: &impl ConnectionTrait,
    token: account_token::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let used = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(account_token::Column::Id.eq(token.id))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    super::db::decided_once(used, AppError::NotFound)
}

/// Ends any earlier live tokens of the same purpose (a new invitation replaces the old one).
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
