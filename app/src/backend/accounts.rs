//! Staff accounts: listing, inviting, editing, deactivating, and setting a password from an
//! invitation or reset link.

use crate::backend::db::begin_write;
use crate::backend::error::find;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
};

use super::{
    audit::{self, AuthEvent, entity},
    auth::roles_of,
    ctx::{Ctx, Visitor},
    emails,
    entities::{user, user_role},
    passwords, session_store, throttle, tokens,
};
use crate::{
    domain::{
        accounts::{Email, PersonName, Phone, email_key, parse_roles},
        ids::UserId,
        languages::Languages,
        policy::{Action, Resource},
        roles::RoleSet,
        sign_in::{INVITATION_VALID_FOR, PASSWORD_RESET_VALID_FOR, RESETS_PER_ACCOUNT, RESETS_PER_ADDRESS},
        validation::{FormErrors, ValidationCode},
    },
    dto::{
        AppError, Page,
        accounts::{AccountForm, AccountSummary, LinkInfo},
    },
    i18n::{I18nLocaleTrait, Locale},
};

/// A validated account form.
pub struct NewAccount {
    pub name: PersonName,
    pub email: Email,
    pub phone: Option<Phone>,
    pub locale: Locale,
    pub roles: RoleSet,
    pub languages: Languages,
}

pub fn parse_form(form: &AccountForm) -> Result<NewAccount, AppError> {
    let mut errors = FormErrors::default();
    let name = errors.check("name", PersonName::parse(&form.name));
    let email = errors.check("email", Email::parse(&form.email));
    let phone = errors.check("phone", Phone::parse_optional(&form.phone));
    let locale =
        errors.check("locale", form.locale.parse::<Locale>().map_err(|()| ValidationCode::UnknownChoice));
    let ticked: Vec<String> =
        form.roles.iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k.clone()).collect();
    let roles = errors.check("roles", parse_roles(&ticked));
    let languages =
        Languages::from_codes(form.languages.iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k.as_str()));
    match (name, email, phone, locale, roles) {
        (Some(name), Some(email), Some(phone), Some(locale), Some(roles)) if errors.is_empty() => {
            Ok(NewAccount { name, email, phone, locale, roles, languages })
        }
        _ => Err(AppError::Validation(errors.into_vec())),
    }
}

fn summary(account: user::Model, roles: RoleSet) -> AccountSummary {
    AccountSummary {
        id: UserId(account.id),
        languages: Languages::from_stored(&account.languages).iter().map(str::to_owned).collect(),
        has_password: account.password_hash.is_some(),
        name: account.name,
        email: account.email,
        phone: account.phone,
        locale: account.locale,
        roles,
        active: account.active,
    }
}

fn email_taken(error: &sea_orm::DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Inserts an account and its roles in one transaction. The e-mail address must be free.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    account: &NewAccount,
    password_hash: Option<String>,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    let txn = db.begin().await?;
    let inserted = user::ActiveModel {
        id: NotSet,
        name: Set(account.name.as_str().to_owned()),
        email: Set(account.email.as_str().to_owned()),
        email_key: Set(account.email.key()),
        phone: Set(account.phone.as_ref().map(|p| p.as_str().to_owned())),
        languages: Set(account.languages.to_stored()),
        locale: Set(account.locale.as_str().to_owned()),
        password_hash: Set(password_hash),
        active: Set(true),
        session_epoch: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if email_taken(&e) {
            AppError::invalid("email", ValidationCode::EmailTaken)
        } else {
            AppError::internal(e)
        }
    })?;
    set_roles(&txn, inserted.id, &account.roles).await?;
    txn.commit().await?;
    Ok(inserted)
}

async fn set_roles(db: &impl ConnectionTrait, user_id: i64, roles: &RoleSet) -> Result<(), AppError> {
    user_role::Entity::delete_many().filter(user_role::Column::UserId.eq(user_id)).exec(db).await?;
    let rows: Vec<user_role::ActiveModel> = roles
        .iter()
        .map(|role| user_role::ActiveModel { user_id: Set(user_id), role: Set(role.as_str().to_owned()) })
        .collect();
    if !rows.is_empty() {
        user_role::Entity::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(())
}

/// The staff by name, a page at a time after the account `after`: three queries whatever the
/// page holds.
pub async fn list(ctx: &Ctx, after: Option<UserId>, size: u64) -> Result<Page<AccountSummary>, AppError> {
    ctx.authorize(Action::ListAccounts, &Resource::Nothing, entity::ACCOUNT, None).await?;
    let mut query = user::Entity::find();
    if let Some(after) = after {
        let row = find::<user::Entity>(&ctx.db, after.0).await?;
        query = query.filter(sea_orm::Condition::any().add(user::Column::Name.gt(row.name.clone())).add(
            sea_orm::Condition::all().add(user::Column::Name.eq(row.name)).add(user::Column::Id.gt(row.id)),
        ));
    }
    let accounts = query
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .limit(size + 1)
        .all(&ctx.db)
        .await?;
    let (accounts, more) = crate::domain::paging::split(accounts, size);
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(accounts.iter().map(|a| a.id)))
        .all(&ctx.db)
        .await?;
    let next = if more { accounts.last().map(|a| a.id) } else { None };
    Ok(Page {
        rows: accounts
            .into_iter()
            .map(|account| {
                let mine = roles
                    .iter()
                    .filter(|r| r.user_id == account.id)
                    .filter_map(|r| crate::domain::roles::Role::parse(&r.role))
                    .collect();
                summary(account, mine)
            })
            .collect(),
        next,
    })
}

async fn load(ctx: &Ctx, id: UserId) -> Result<(user::Model, RoleSet), AppError> {
    let account = find::<user::Entity>(&ctx.db, id.0).await?;
    let roles = roles_of(&ctx.db, id.0).await?;
    Ok((account, roles))
}

pub async fn get(ctx: &Ctx, id: UserId) -> Result<AccountSummary, AppError> {
    ctx.authorize(Action::ListAccounts, &Resource::Nothing, entity::ACCOUNT, Some(id.to_string())).await?;
    let (account, roles) = load(ctx, id).await?;
    Ok(summary(account, roles))
}

fn account_resource(ctx: &Ctx, id: UserId, roles: RoleSet) -> Resource {
    Resource::Account { roles, is_self: ctx.actor.user_id == id }
}

/// Creates the account without a password and e-mails an invitation link.
pub async fn invite(ctx: &Ctx, form: &AccountForm) -> Result<UserId, AppError> {
    let new = parse_form(form)?;
    let resource = Resource::Account { roles: new.roles.clone(), is_self: false };
    ctx.authorize(Action::InviteAccount, &resource, entity::ACCOUNT, None).await?;
    // The account, its invitation token and the invitation e-mail are saved together or not at all.
    let txn = begin_write(&ctx.db).await?;
    let account = create(&*txn, &new, None, ctx.now).await?;
    queue_invitation(ctx, &txn, &account).await?;
    txn.commit().await?;
    ctx.audit_allowed(Action::InviteAccount, entity::ACCOUNT, Some(account.id.to_string())).await?;
    Ok(UserId(account.id))
}

async fn queue_invitation(
    ctx: &Ctx,
    txn: &impl ConnectionTrait,
    account: &user::Model,
) -> Result<(), AppError> {
    tokens::revoke_all(txn, account.id, tokens::Purpose::Invitation, ctx.now).await?;
    let (token_id, secret) = tokens::issue(
        txn,
        account.id,
        tokens::Purpose::Invitation,
        INVITATION_VALID_FOR,
        Some(ctx.actor_id()),
        ctx.now,
    )
    .await?;
    let inviter =
        user::Entity::find_by_id(ctx.actor_id()).one(txn).await?.map(|u| u.name).unwrap_or_default();
    let link = ctx.mailing.link(&format!("/invitation/{secret}"));
    let mail = emails::invitation(account, &inviter, &link, format!("invitation:{token_id}"));
    ctx.mailing.enqueue(txn, mail, ctx.now).await?;
    Ok(())
}

pub async fn reinvite(ctx: &Ctx, id: UserId) -> Result<(), AppError> {
    let (account, roles) = load(ctx, id).await?;
    ctx.authorize(
        Action::InviteAccount,
        &account_resource(ctx, id, roles),
        entity::ACCOUNT,
        Some(id.to_string()),
    )
    .await?;
    if account.password_hash.is_some() || !account.active {
        return Err(AppError::Conflict);
    }
    let txn = begin_write(&ctx.db).await?;
    queue_invitation(ctx, &txn, &account).await?;
    txn.commit().await?;
    ctx.audit_allowed(Action::InviteAccount, entity::ACCOUNT, Some(id.to_string())).await
}

/// Saves an account form. Roles are a separate decision ([`Action::ChangeRoles`]: never one's
/// own). A new e-mail address is told to the old one, ends the person's sessions and voids
/// their unused links; a change of roles is told to the person. Both go into the audit trail.
pub async fn update(ctx: &Ctx, id: UserId, form: &AccountForm) -> Result<(), AppError> {
    let new = parse_form(form)?;
    let (account, current) = load(ctx, id).await?;
    // Both what the account is and what it would become must be within the actor's reach.
    let both = RoleSet::new(current.iter().chain(new.roles.iter()));
    let resource = account_resource(ctx, id, both);
    ctx.authorize(Action::EditAccount, &resource, entity::ACCOUNT, Some(id.to_string())).await?;
    let roles_change = new.roles != current;
    if roles_change {
        ctx.authorize(Action::ChangeRoles, &resource, entity::ACCOUNT, Some(id.to_string())).await?;
    }
    let email_change = new.email.key() != account.email_key;
    let by = user::Entity::find_by_id(ctx.actor_id()).one(&ctx.db).await?.map(|u| u.name).unwrap_or_default();
    let before = account.clone();

    let txn = begin_write(&ctx.db).await?;
    let epoch = account.session_epoch;
    let mut row = account.into_active_model();
    row.name = Set(new.name.as_str().to_owned());
    row.email = Set(new.email.as_str().to_owned());
    row.email_key = Set(new.email.key());
    row.phone = Set(new.phone.as_ref().map(|p| p.as_str().to_owned()));
    row.languages = Set(new.languages.to_stored());
    row.locale = Set(new.locale.as_str().to_owned());
    row.updated_at = Set(ctx.now);
    if email_change {
        // Whoever holds a session or a link under the old address loses it.
        row.session_epoch = Set(epoch + 1);
    }
    let after = row.update(&txn).await.map_err(|e| {
        if email_taken(&e) {
            AppError::invalid("email", ValidationCode::EmailTaken)
        } else {
            AppError::internal(e)
        }
    })?;
    set_roles(&txn, id.0, &new.roles).await?;
    let origin =
        audit::Origin { actor: Some(ctx.actor_id()), request_id: ctx.request_id.as_deref(), address: None };
    let changed_at = ctx.now.timestamp_millis();
    if email_change {
        session_store::end_all_sessions_of(&txn, id.0).await?;
        tokens::revoke_all(&txn, id.0, tokens::Purpose::PasswordReset, ctx.now).await?;
        tokens::revoke_all(&txn, id.0, tokens::Purpose::Invitation, ctx.now).await?;
        super::visits::revoke_all_feeds(&txn, id.0, ctx.now).await?;
        let mail = emails::email_changed(
            &before,
            new.email.as_str(),
            &by,
            format!("email_changed:{}:{changed_at}", id.0),
        );
        ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
        audit::record_auth(&txn, AuthEvent::EmailChanged, Some(id.0), origin, ctx.now).await?;
    }
    if roles_change {
        let mail =
            emails::roles_changed(&after, &new.roles, &by, format!("roles_changed:{}:{changed_at}", id.0));
        ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
        audit::record_auth(&txn, AuthEvent::RolesChanged, Some(id.0), origin, ctx.now).await?;
    }
    txn.commit().await?;
    ctx.audit_allowed(Action::EditAccount, entity::ACCOUNT, Some(id.to_string())).await
}

pub async fn set_active(ctx: &Ctx, id: UserId, active: bool) -> Result<(), AppError> {
    let (account, roles) = load(ctx, id).await?;
    ctx.authorize(
        Action::DeactivateAccount,
        &account_resource(ctx, id, roles),
        entity::ACCOUNT,
        Some(id.to_string()),
    )
    .await?;
    let txn = begin_write(&ctx.db).await?;
    let epoch = account.session_epoch;
    let mut row = account.into_active_model();
    row.active = Set(active);
    // Deactivation ends every session at once.
    row.session_epoch = Set(if active { epoch } else { epoch + 1 });
    row.updated_at = Set(ctx.now);
    row.update(&txn).await?;
    if !active {
        session_store::end_all_sessions_of(&txn, id.0).await?;
        super::visits::revoke_all_feeds(&txn, id.0, ctx.now).await?;
    }
    txn.commit().await?;
    ctx.audit_allowed(Action::DeactivateAccount, entity::ACCOUNT, Some(id.to_string())).await
}

fn purpose(name: &str) -> Result<tokens::Purpose, AppError> {
    match name {
        "invitation" => Ok(tokens::Purpose::Invitation),
        "password_reset" => Ok(tokens::Purpose::PasswordReset),
        _ => Err(AppError::NotFound),
    }
}

pub async fn check_link(
    visitor: &Visitor,
    secret: &str,
    purpose_name: &str,
) -> Result<Option<LinkInfo>, AppError> {
    let db = &visitor.db;
    let Some(token) = tokens::find_live(db, secret, purpose(purpose_name)?, visitor.now).await? else {
        return Ok(None);
    };
    let account = user::Entity::find_by_id(token.user_id).one(db).await?;
    Ok(account.filter(|a| a.active).map(|a| LinkInfo { name: a.name, email: a.email }))
}

/// Sets a new password from a live link and ends all the person's sessions; returns the
/// account, for the caller to sign them in here. Using one link voids the person's other
/// unused links (a reset request leaves earlier ones alive until then).
pub async fn set_password_from_link(
    visitor: &Visitor,
    secret: &str,
    purpose_name: &str,
    password: String,
    password_again: String,
    origin: audit::Origin<'_>,
) -> Result<user::Model, AppError> {
    let now = visitor.now;
    let token = tokens::find_live(&visitor.db, secret, purpose(purpose_name)?, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let account = user::Entity::find_by_id(token.user_id)
        .one(&visitor.db)
        .await?
        .filter(|a| a.active)
        .ok_or(AppError::NotFound)?;
    if password != password_again {
        return Err(AppError::invalid("password_again", ValidationCode::PasswordsDiffer));
    }
    passwords::check_new_password(&password, &[&account.name, &account.email])
        .map_err(|code| AppError::invalid("password", code))?;
    let turn = passwords::turn()?;
    let hash = passwords::hash(&turn, password).await?;

    let txn = begin_write(&visitor.db).await?;
    tokens::use_up(&txn, token, now).await?;
    tokens::revoke_all(&txn, account.id, tokens::Purpose::PasswordReset, now).await?;
    tokens::revoke_all(&txn, account.id, tokens::Purpose::Invitation, now).await?;
    let epoch = account.session_epoch + 1;
    let mut row = account.into_active_model();
    row.password_hash = Set(Some(hash));
    row.session_epoch = Set(epoch);
    row.updated_at = Set(now);
    let account = row.update(&txn).await?;
    session_store::end_all_sessions_of(&txn, account.id).await?;
    // A reset is what a person does after losing a phone: its calendar subscription ends too.
    super::visits::revoke_all_feeds(&txn, account.id, now).await?;
    let origin = audit::Origin { actor: Some(account.id), ..origin };
    audit::record_auth(&txn, AuthEvent::PasswordSet, Some(account.id), origin, now).await?;
    txn.commit().await?;
    Ok(account)
}

/// Checks a signed-in person's own password before a change to how they sign in (ASVS 7.5.1:
/// a session left open on someone's phone is not enough). Counted like a sign-in attempt, so
/// an open session cannot be used to guess the password either; a wrong one is `field`'s
/// error and an audit event.
pub async fn check_own_password(
    ctx: &Ctx,
    account: &user::Model,
    password: String,
    field: &str,
) -> Result<(), AppError> {
    let origin =
        audit::Origin { actor: Some(ctx.actor_id()), request_id: ctx.request_id.as_deref(), address: None };
    if password.chars().count() > crate::domain::accounts::PASSWORD_MAX_CHARS {
        return Err(AppError::invalid(field, ValidationCode::WrongPassword));
    }
    let turn = passwords::turn()?;
    let keys = [(format!("account:{}", account.email_key), crate::domain::sign_in::PER_ACCOUNT)];
    let attempt = match throttle::attempt(&ctx.db, &keys, ctx.now).await? {
        Ok(ids) => ids,
        Err(over) => {
            audit::record_auth(&ctx.db, AuthEvent::SignInPaused, Some(account.id), origin, ctx.now).await?;
            return Err(AppError::RateLimited { retry_after_secs: over.wait.num_seconds().max(1) as u64 });
        }
    };
    if passwords::verify(&turn, password, account.password_hash.clone()).await {
        throttle::forget(&ctx.db, &attempt).await?;
        return Ok(());
    }
    audit::record_auth(&ctx.db, AuthEvent::PasswordChangeRefused, Some(account.id), origin, ctx.now).await?;
    Err(AppError::invalid(field, ValidationCode::WrongPassword))
}

/// Changes one's own password, with the current one. Every session of the person ends (the
/// caller opens a new one for this device), their unused reset links die, and they are told
/// by e-mail. Returns the account as it is now.
pub async fn change_password(
    ctx: &Ctx,
    current: String,
    password: String,
    password_again: String,
) -> Result<user::Model, AppError> {
    ctx.authorize(
        Action::ManageOwnSettings,
        &Resource::Account { roles: ctx.actor.roles.clone(), is_self: true },
        entity::ACCOUNT,
        Some(ctx.actor_id().to_string()),
    )
    .await?;
    let account =
        user::Entity::find_by_id(ctx.actor_id()).one(&ctx.db).await?.ok_or(AppError::Unauthorized)?;
    // The new password's own faults first: they cost no hash and no attempt.
    let mut errors = FormErrors::default();
    errors.check("password", passwords::check_new_password(&password, &[&account.name, &account.email]));
    if password != password_again {
        errors.add("password_again", ValidationCode::PasswordsDiffer);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    check_own_password(ctx, &account, current, "current_password").await?;
    let hash = passwords::hash(&passwords::turn()?, password).await?;

    let txn = begin_write(&ctx.db).await?;
    tokens::revoke_all(&txn, account.id, tokens::Purpose::PasswordReset, ctx.now).await?;
    let epoch = account.session_epoch + 1;
    let mut row = account.into_active_model();
    row.password_hash = Set(Some(hash));
    row.session_epoch = Set(epoch);
    row.updated_at = Set(ctx.now);
    let account = row.update(&txn).await?;
    session_store::end_all_sessions_of(&txn, account.id).await?;
    let origin =
        audit::Origin { actor: Some(ctx.actor_id()), request_id: ctx.request_id.as_deref(), address: None };
    audit::record_auth(&txn, AuthEvent::PasswordChanged, Some(account.id), origin, ctx.now).await?;
    let mail = emails::sign_in_changed(
        &account,
        emails::SignInChange::PasswordChanged,
        format!("password_changed:{}:{}", account.id, ctx.now.timestamp_millis()),
    );
    ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
    txn.commit().await?;
    Ok(account)
}

/// Asks for a reset link. The request only counts the attempt, the same work whatever the
/// address, and answers; looking the address up and queueing the mail happen after the
/// answer, so neither the answer nor its timing tells who has an account. At most
/// [`RESETS_PER_ACCOUNT`] links an hour go to one account (more requests are answered the
/// same and send nothing); one address asking too often is told to wait.
pub async fn request_reset(
    visitor: &Visitor,
    email: &str,
    origin: audit::Origin<'_>,
) -> Result<(), AppError> {
    let now = visitor.now;
    if email.chars().count() > crate::domain::text::EMAIL {
        return Ok(()); // no account has such an address
    }
    let key = email_key(email);
    // The address first, each ask counted whatever becomes of it; then the account, whose
    // limit is silent (the same answer, no mail).
    if let Some(address) = origin.address {
        let keys = [(format!("reset-address:{address}"), RESETS_PER_ADDRESS)];
        if let Err(over) = throttle::attempt(&visitor.db, &keys, now).await? {
            audit::record_auth(&visitor.db, AuthEvent::ResetRefused, None, origin, now).await?;
            return Err(AppError::RateLimited { retry_after_secs: over.wait.num_seconds().max(1) as u64 });
        }
    }
    let keys = [(format!("reset-account:{key}"), RESETS_PER_ACCOUNT)];
    let allowed = throttle::attempt(&visitor.db, &keys, now).await?.is_ok();
    let db = visitor.db.clone();
    let mailing = visitor.mailing.clone();
    let request_id = origin.request_id.map(str::to_owned);
    let address = origin.address;
    tokio::spawn(async move {
        let origin = audit::Origin { actor: None, request_id: request_id.as_deref(), address };
        match send_reset(&db, &mailing, &key, allowed, origin, now).await {
            Ok(()) => mailing.wake_if_queued(),
            Err(error) => tracing::error!(?error, "could not queue a password reset"),
        }
    });
    Ok(())
}

async fn send_reset(
    db: &DatabaseConnection,
    mailing: &super::ctx::Mailing,
    key: &str,
    allowed: bool,
    origin: audit::Origin<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let account = user::Entity::find()
        .filter(user::Column::EmailKey.eq(key))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await?;
    let event = if allowed { AuthEvent::ResetRequested } else { AuthEvent::ResetRefused };
    let txn = begin_write(db).await?;
    audit::record_auth(&txn, event, account.as_ref().map(|a| a.id), origin, now).await?;
    if let Some(account) = account.filter(|_| allowed) {
        let (token_id, secret) = tokens::issue(
            &txn,
            account.id,
            tokens::Purpose::PasswordReset,
            PASSWORD_RESET_VALID_FOR,
            None,
            now,
        )
        .await?;
        let link = mailing.link(&format!("/password-reset/{secret}"));
        let mail = emails::notice(
            emails::Notice::PasswordReset,
            &account,
            &link,
            format!("password_reset:{token_id}"),
        );
        mailing.enqueue(&txn, mail, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The command line's first admin: an account with the admin role and a one-time link (valid a
/// day) to set the password, printed for the operator.
pub async fn create_admin(
    db: &DatabaseConnection,
    public_origin: &str,
    name: &str,
    email: &str,
) -> Result<String, AppError> {
    let form = AccountForm {
        name: name.to_owned(),
        email: email.to_owned(),
        phone: String::new(),
        locale: "fi".to_owned(),
        roles: [("admin".to_owned(), "on".to_owned())].into(),
        languages: [("fi".to_owned(), "on".to_owned())].into(),
    };
    let new = parse_form(&form)?;
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let account = create(&*txn, &new, None, now).await?;
    let (_, secret) =
        tokens::issue(&txn, account.id, tokens::Purpose::Invitation, INVITATION_VALID_FOR, None, now).await?;
    txn.commit().await?;
    Ok(format!("{public_origin}/invitation/{secret}"))
}
