//! The second factor: an authenticator app (TOTP) with one-time recovery codes. Setting it up
//! takes two steps (a secret shown as a QR code, then a code from the app proves the app has
//! it); only then does it count, and ten recovery codes are shown once. At sign-in a code is
//! taken once: its step must be later than the last one accepted, and the update that records
//! it only succeeds if no parallel request got there first. The rules are in
//! `domain::second_factor`; the secret is sealed with the server's key (`secret_box`); the
//! recovery codes are kept as Argon2id hashes.

use crate::backend::db::begin_write;
use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};

use super::{
    audit::{self, AuthEvent, entity},
    ctx::Ctx,
    emails::{self, SignInChange},
    entities::{recovery_code, second_factor, user},
    passwords,
    secret_box::SecretKey,
};
use crate::{
    domain::{
        policy::{Action, Resource},
        second_factor::{
            RECOVERY_ALPHABET, RECOVERY_CODE_CHARS, RECOVERY_CODES, STEP_SECS, TypedCode, accepted_step,
            otpauth_uri, parse_code, required_for, show_recovery_code, show_secret,
        },
        validation::ValidationCode,
    },
    dto::{
        AppError,
        settings::{SecondFactorSetup, SecondFactorView},
    },
};

/// The name the authenticator app shows for the entry.
pub const ISSUER: &str = "Rinnalla";

/// Bytes of a TOTP secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;

/// What the sealed secret is bound to: its account.
fn sealed_for(user_id: i64) -> String {
    format!("totp:{user_id}")
}

fn app_code(secret: Vec<u8>) -> Result<totp_rs::Totp, AppError> {
    totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .map_err(|e| AppError::internal(format!("totp: {e:?}")))
}

fn open(key: &SecretKey, row: &second_factor::Model) -> Result<Vec<u8>, AppError> {
    key.open(&row.sealed_secret, &sealed_for(row.user_id)).map_err(AppError::internal)
}

/// Whether the person has a second factor that counts (set up and confirmed).
pub async fn is_on(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, AppError> {
    Ok(second_factor::Entity::find_by_id(user_id)
        .filter(second_factor::Column::ConfirmedAt.is_not_null())
        .one(db)
        .await?
        .is_some())
}

fn own(ctx: &Ctx) -> Resource {
    Resource::Account { roles: ctx.actor.roles.clone(), is_self: true }
}

async fn authorize_own(ctx: &Ctx) -> Result<(), AppError> {
    ctx.authorize(Action::ManageOwnSettings, &own(ctx), entity::ACCOUNT, Some(ctx.actor_id().to_string()))
        .await
}

fn origin(ctx: &Ctx) -> audit::Origin<'_> {
    audit::Origin { actor: Some(ctx.actor_id()), request_id: ctx.request_id.as_deref(), address: None }
}

async fn account(ctx: &Ctx, id: i64) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id).one(&ctx.db).await?.ok_or(AppError::NotFound)
}

/// The settings page's view of one's own second factor.
pub async fn status(ctx: &Ctx, key: &SecretKey, required: bool) -> Result<SecondFactorView, AppError> {
    authorize_own(ctx).await?;
    let required = required && required_for(&ctx.actor.roles);
    let Some(row) = second_factor::Entity::find_by_id(ctx.actor_id()).one(&ctx.db).await? else {
        return Ok(SecondFactorView { required, on_since: None, recovery_codes_left: 0, setup: None });
    };
    if let Some(since) = row.confirmed_at {
        let left = unused_codes(ctx.actor_id()).count(&ctx.db).await?;
        return Ok(SecondFactorView {
            required,
            on_since: Some(since.to_rfc3339()),
            recovery_codes_left: left,
            setup: None,
        });
    }
    let me = account(ctx, ctx.actor_id()).await?;
    let secret = data_encoding::BASE32_NOPAD.encode(&open(key, &row)?);
    let uri = otpauth_uri(ISSUER, &me.email, &secret);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(AppError::internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline in the page: the XML declaration belongs to a file, not to HTML.
    let qr_svg = qr_svg.find("<svg").map_or(qr_svg.clone(), |start| qr_svg[start..].to_owned());
    Ok(SecondFactorView {
        required,
        on_since: None,
        recovery_codes_left: 0,
        setup: Some(SecondFactorSetup { secret: show_secret(&secret), uri, qr_svg }),
    })
}

/// Starts setting up (or starts again): a new secret, not yet counting. Refused while one is
/// on: it is turned off (or reset by an admin) first.
pub async fn begin(ctx: &Ctx, key: &SecretKey) -> Result<(), AppError> {
    authorize_own(ctx).await?;
    if is_on(&ctx.db, ctx.actor_id()).await? {
        return Err(AppError::Conflict);
    }
    let mut secret = [0u8; SECRET_BYTES];
    rand::rng().fill(&mut secret[..]);
    let row = second_factor::ActiveModel {
        user_id: Set(ctx.actor_id()),
        sealed_secret: Set(key.seal(&secret, &sealed_for(ctx.actor_id()))),
        created_at: Set(ctx.now),
        confirmed_at: Set(None),
        last_step: Set(0),
    };
    second_factor::Entity::insert(row)
        .on_conflict(
            OnConflict::column(second_factor::Column::UserId)
                .update_columns([
                    second_factor::Column::SealedSecret,
                    second_factor::Column::CreatedAt,
                    second_factor::Column::ConfirmedAt,
                    second_factor::Column::LastStep,
                ])
                .to_owned(),
        )
        .exec_without_returning(&ctx.db)
        .await?;
    Ok(())
}

fn unix(now: DateTime<Utc>) -> u64 {
    now.timestamp().max(0) as u64
}

/// The step an app code is accepted for, if it is right and later than the last one used.
fn app_step(
    key: &SecretKey,
    row: &second_factor::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<u64>, AppError> {
    let totp = app_code(open(key, row)?)?;
    let last = u64::try_from(row.last_step).unwrap_or(0);
    Ok(accepted_step(code, unix(now), last, |step| totp.generate(step * STEP_SECS).to_string()))
}

/// Records `step` as used, unless a parallel request already used it (or a later one).
async fn take_step(db: &impl ConnectionTrait, user_id: i64, step: u64) -> Result<bool, AppError> {
    let step = i64::try_from(step).map_err(AppError::internal)?;
    let updated = second_factor::Entity::update_many()
        .col_expr(second_factor::Column::LastStep, Expr::value(step))
        .filter(second_factor::Column::UserId.eq(user_id))
        .filter(second_factor::Column::LastStep.lt(step))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            (0..RECOVERY_CODE_CHARS)
                .map(|_| RECOVERY_ALPHABET[rng.random_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect()
        })
        .collect()
}

/// Replaces the person's recovery codes with new ones, kept as hashes; returns them as shown.
async fn replace_recovery_codes(
    txn: &impl ConnectionTrait,
    user_id: i64,
    codes: &[String],
    hashes: Vec<String>,
) -> Result<Vec<String>, AppError> {
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(txn).await?;
    let rows = hashes.into_iter().map(|hash| recovery_code::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        code_hash: Set(hash),
        used_at: Set(None),
    });
    recovery_code::Entity::insert_many(rows).exec_without_returning(txn).await?;
    Ok(codes.iter().map(|code| show_recovery_code(code)).collect())
}

fn unused_codes(user_id: i64) -> sea_orm::Select<recovery_code::Entity> {
    recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
}

/// Finishes setting up with a code from the app: from now on it counts. Returns the recovery
/// codes, to be shown this once.
pub async fn confirm(ctx: &Ctx, key: &SecretKey, typed: &str) -> Result<Vec<String>, AppError> {
    authorize_own(ctx).await?;
    let row = second_factor::Entity::find_by_id(ctx.actor_id()).one(&ctx.db).await?;
    let Some(row) = row.filter(|r| r.confirmed_at.is_none()) else {
        return Err(AppError::Conflict);
    };
    let Some(TypedCode::App(code)) = parse_code(typed) else {
        return Err(AppError::invalid("code", ValidationCode::WrongCode));
    };
    let Some(step) = app_step(key, &row, &code, ctx.now)? else {
        audit::record_auth(
            &ctx.db,
            AuthEvent::SecondFactorFailed,
            Some(ctx.actor_id()),
            origin(ctx),
            ctx.now,
        )
        .await?;
        return Err(AppError::invalid("code", ValidationCode::WrongCode));
    };
    let codes = new_recovery_codes();
    let hashes = passwords::hash_all(&passwords::turn()?, codes.clone()).await?;
    let me = account(ctx, ctx.actor_id()).await?;
    let txn = begin_write(&ctx.db).await?;
    if !take_step(&txn, ctx.actor_id(), step).await? {
        return Err(AppError::invalid("code", ValidationCode::WrongCode));
    }
    second_factor::Entity::update_many()
        .col_expr(second_factor::Column::ConfirmedAt, Expr::value(ctx.now))
        .filter(second_factor::Column::UserId.eq(ctx.actor_id()))
        .exec(&txn)
        .await?;
    let shown = replace_recovery_codes(&txn, ctx.actor_id(), &codes, hashes).await?;
    audit::record_auth(&txn, AuthEvent::SecondFactorOn, Some(ctx.actor_id()), origin(ctx), ctx.now).await?;
    let mail =
        emails::sign_in_changed(&me, SignInChange::SecondFactorOn, key_of("second_factor_on", &me, ctx.now));
    ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
    txn.commit().await?;
    Ok(shown)
}

fn key_of(what: &str, account: &user::Model, now: DateTime<Utc>) -> String {
    format!("{what}:{}:{}", account.id, now.timestamp_millis())
}

/// New recovery codes in place of the old ones (all used, or a printout lost), with a code
/// from the app.
pub async fn renew_recovery_codes(ctx: &Ctx, key: &SecretKey, typed: &str) -> Result<Vec<String>, AppError> {
    authorize_own(ctx).await?;
    let row = second_factor::Entity::find_by_id(ctx.actor_id()).one(&ctx.db).await?;
    let Some(row) = row.filter(|r| r.confirmed_at.is_some()) else {
        return Err(AppError::Conflict);
    };
    let step = match parse_code(typed) {
        Some(TypedCode::App(code)) => app_step(key, &row, &code, ctx.now)?,
        _ => None,
    };
    let Some(step) = step else {
        audit::record_auth(
            &ctx.db,
            AuthEvent::SecondFactorFailed,
            Some(ctx.actor_id()),
            origin(ctx),
            ctx.now,
        )
        .await?;
        return Err(AppError::invalid("code", ValidationCode::WrongCode));
    };
    let codes = new_recovery_codes();
    let hashes = passwords::hash_all(&passwords::turn()?, codes.clone()).await?;
    let txn = begin_write(&ctx.db).await?;
    if !take_step(&txn, ctx.actor_id(), step).await? {
        return Err(AppError::invalid("code", ValidationCode::WrongCode));
    }
    let shown = replace_recovery_codes(&txn, ctx.actor_id(), &codes, hashes).await?;
    audit::record_auth(&txn, AuthEvent::RecoveryCodesRenewed, Some(ctx.actor_id()), origin(ctx), ctx.now)
        .await?;
    txn.commit().await?;
    Ok(shown)
}

/// Turns one's own second factor off, with one's password. Refused for those who must have one.
pub async fn turn_off(ctx: &Ctx, password: String, required: bool) -> Result<(), AppError> {
    authorize_own(ctx).await?;
    if required && required_for(&ctx.actor.roles) {
        return Err(AppError::invalid("password", ValidationCode::SecondFactorRequired));
    }
    let me = account(ctx, ctx.actor_id()).await?;
    super::accounts::check_own_password(ctx, &me, password, "password").await?;
    let txn = begin_write(&ctx.db).await?;
    remove(&txn, ctx.actor_id()).await?;
    audit::record_auth(&txn, AuthEvent::SecondFactorOff, Some(ctx.actor_id()), origin(ctx), ctx.now).await?;
    let mail = emails::sign_in_changed(
        &me,
        SignInChange::SecondFactorOff,
        key_of("second_factor_off", &me, ctx.now),
    );
    ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
    txn.commit().await?;
    Ok(())
}

async fn remove(txn: &impl ConnectionTrait, user_id: i64) -> Result<(), AppError> {
    second_factor::Entity::delete_by_id(user_id).exec(txn).await?;
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(txn).await?;
    Ok(())
}

/// An admin takes away someone's lost second factor (a lost phone and lost codes), after
/// making sure in person or by phone that it is them: they set up a new one at their next
/// sign-in. Their sessions end; they are told by e-mail; never one's own.
pub async fn reset_for(ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let target = account(ctx, id).await?;
    let roles = super::auth::roles_of(&ctx.db, id).await?;
    let resource = Resource::Account { roles, is_self: id == ctx.actor_id() };
    ctx.authorize(Action::ResetSecondFactor, &resource, entity::ACCOUNT, Some(id.to_string())).await?;
    let by = account(ctx, ctx.actor_id()).await?.name;
    let txn = begin_write(&ctx.db).await?;
    remove(&txn, id).await?;
    super::session_store::end_all_sessions_of(&txn, id).await?;
    audit::record_auth(&txn, AuthEvent::SecondFactorReset, Some(id), origin(ctx), ctx.now).await?;
    let mail = emails::sign_in_changed(
        &target,
        SignInChange::SecondFactorReset { by: &by },
        key_of("second_factor_reset", &target, ctx.now),
    );
    ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
    txn.commit().await?;
    ctx.audit_allowed(Action::ResetSecondFactor, entity::ACCOUNT, Some(id.to_string())).await
}

/// How a code at sign-in passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    App,
    /// A recovery code, now used; this many are left.
    Recovery {
        left: u64,
    },
}

/// Checks a code typed at the second step of signing in. `None` for a wrong, reused or
/// unreadable code. A recovery code used is told to the person by e-mail.
pub async fn check(
    db: &sea_orm::DatabaseConnection,
    key: &SecretKey,
    mailing: &super::ctx::Mailing,
    account: &user::Model,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Option<Passed>, AppError> {
    let row = second_factor::Entity::find_by_id(account.id).one(db).await?;
    let Some(row) = row.filter(|r| r.confirmed_at.is_some()) else {
        return Ok(None);
    };
    match parse_code(typed) {
        Some(TypedCode::App(code)) => match app_step(key, &row, &code, now)? {
            Some(step) if take_step(db, account.id, step).await? => Ok(Some(Passed::App)),
            _ => Ok(None),
        },
        Some(TypedCode::Recovery(code)) => {
            let stored: Vec<(i64, String)> =
                unused_codes(account.id).all(db).await?.into_iter().map(|c| (c.id, c.code_hash)).collect();
            let Some(id) = passwords::find_match(&passwords::turn()?, code, stored).await else {
                return Ok(None);
            };
            let txn = begin_write(db).await?;
            let used = recovery_code::Entity::update_many()
                .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
                .filter(recovery_code::Column::Id.eq(id))
                .filter(recovery_code::Column::UsedAt.is_null())
                .exec(&txn)
                .await?;
            if used.rows_affected != 1 {
                return Ok(None);
            }
            let left = unused_codes(account.id).count(&txn).await?;
            let mail = emails::sign_in_changed(
                account,
                SignInChange::RecoveryCodeUsed { left },
                key_of("recovery_code_used", account, now),
            );
            mailing.enqueue(&txn, mail, now).await?;
            txn.commit().await?;
            Ok(Some(Passed::Recovery { left }))
        }
        None => Ok(None),
    }
}
