//! Signing in and out, and knowing who is asking. The `current_user` middleware reads the
//! session on every request, checks it is still good (account active, password unchanged since
//! sign-in, under the absolute lifetime) and hands a [`RequestContext`] to pages and server
//! functions.

use std::net::IpAddr;

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{
    AppState,
    audit::{self, AuthEvent},
    entities::{user, user_role},
    passwords, throttle,
};
use crate::{
    domain::{
        accounts::email_key,
        ids::UserId,
        policy::Actor,
        roles::{Role, RoleSet},
        sign_in,
    },
    dto::{
        AppError,
        auth::CurrentUser,
        forms::{FLASH_KEY, FormFlash},
    },
};

/// What the session keeps about a signed-in person.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    pub user_id: i64,
    /// The account's session epoch at sign-in; a later password change or deactivation raises
    /// it and so ends this session.
    pub epoch: i32,
    pub signed_in_at: i64,
    pub seen_at: i64,
    /// The browser and system, in words ("Chrome on Android"), for the person's list of
    /// sessions.
    #[serde(default)]
    pub device: String,
    /// The address last seen, for the same list.
    #[serde(default)]
    pub address: Option<String>,
}

pub(crate) const SIGNED_IN_KEY: &str = "signed_in";

/// A sign-in halfway: the password was right and the second factor is asked next. Kept in a
/// new session (its id already cycled) for a few minutes; it gives no access to anything.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AwaitingCode {
    pub user_id: i64,
    pub epoch: i32,
    pub at: i64,
    /// Where to go once signed in.
    pub next: String,
}

const AWAITING_CODE_KEY: &str = "awaiting_code";

/// How long the second step may take after the password.
pub const CODE_STEP_LASTS_SECS: i64 = 5 * 60;

/// Who is asking, under which request. Present in every page render and server function.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub user: Option<CurrentUser>,
    pub request_id: Option<String>,
    pub client_address: Option<IpAddr>,
    /// The request's session, to sign in and out.
    pub session: Option<Session>,
    /// The browser and system in words, from `User-Agent`.
    pub device: String,
}

impl RequestContext {
    /// Where an authentication event of this request comes from (no actor yet).
    pub fn origin(&self) -> audit::Origin<'_> {
        audit::Origin {
            actor: self.user.as_ref().map(|u| u.id.0),
            request_id: self.request_id.as_deref(),
            address: self.client_address,
        }
    }
}

/// The roles of a user, from the database.
pub async fn roles_of(db: &impl ConnectionTrait, user_id: i64) -> Result<RoleSet, DbErr> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .iter()
        .filter_map(|row| Role::parse(&row.role))
        .collect())
}

/// Loads the signed-in person for this request, ending a session that is no longer good.
pub async fn current_user(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let now = Utc::now();
    // Built files and icons need no session (and must not write one).
    let path = request.uri().path();
    if path.starts_with("/pkg/") || path.starts_with("/favicon") {
        return next.run(request).await;
    }
    let address = client_address(&request, state.settings.trusted_proxies);
    let user = match resolve(&state, &session, address, now).await {
        Ok(user) => user,
        Err(error) => {
            tracing::error!(%error, "could not load the signed-in user");
            None
        }
    };
    // Always the server's own id: the server sets a fresh one on every request and keeps any
    // id the client sent apart, so the audit trail's request ids are never the client's choice.
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let client_address = address;
    // A page load after a refused form post shows what was typed; take it from the session.
    let is_page_load = request.method() == axum::http::Method::GET
        && request
            .headers()
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if is_page_load && let Some(flash) = take_flash(&session).await {
        request.extensions_mut().insert(flash);
    }
    // An admin or a coordinator without a second factor sees nothing but its setup.
    if is_page_load
        && user.as_ref().is_some_and(|u| u.needs_second_factor)
        && request.uri().path() != SECOND_FACTOR_PAGE
    {
        return axum::response::Redirect::to(SECOND_FACTOR_PAGE).into_response();
    }
    let device = request
        .headers()
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(sign_in::device_name)
        .unwrap_or_default();
    let person = user.as_ref().map(|user| person_key(user.id.0));
    request.extensions_mut().insert(RequestContext {
        user,
        request_id,
        client_address,
        session: Some(session),
        device,
    });
    let mut response = next.run(request).await;
    mark_person(&mut response, person);
    response
}

/// The header naming whose page an HTML answer is: the offline agenda (`public/sw.js`) keeps
/// one person's copy and drops it when a page names someone else or nobody.
pub const PERSON_HEADER: &str = "x-rinnalla-person";

/// An opaque key for a person: a hash of the account id, the same on every sign-in. Neither a
/// secret nor the session id; it only tells one person's pages from another's.
pub fn person_key(user_id: i64) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("rinnalla-person:{user_id}").as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Every HTML page says whose it is (empty when nobody is signed in).
fn mark_person(response: &mut Response, person: Option<String>) {
    let html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && let Ok(value) = axum::http::HeaderValue::from_str(&person.unwrap_or_default()) {
        response.headers_mut().insert(axum::http::HeaderName::from_static(PERSON_HEADER), value);
    }
}

/// Where an admin or a coordinator without a second factor is sent.
pub const SECOND_FACTOR_PAGE: &str = "/settings/second-factor";

async fn resolve(
    state: &AppState,
    session: &Session,
    address: Option<IpAddr>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<CurrentUser>> {
    let Some(mut signed_in) = session.get::<SignedIn>(SIGNED_IN_KEY).await? else {
        return Ok(None);
    };
    let account = user::Entity::find_by_id(signed_in.user_id).one(&state.db).await?;
    let signed_in_at = DateTime::from_timestamp(signed_in.signed_in_at, 0).unwrap_or_default();
    let good = account.as_ref().is_some_and(|a| a.active && a.session_epoch == signed_in.epoch)
        && !sign_in::past_absolute_limit(state.settings.session_limits, signed_in_at, now);
    let Some(account) = account.filter(|_| good) else {
        session.flush().await?;
        return Ok(None);
    };
    // Renewing the idle timer writes the session; once a minute is enough.
    if now.timestamp() - signed_in.seen_at >= 60 {
        signed_in.seen_at = now.timestamp();
        signed_in.address = address.map(|a| a.to_string());
        session.insert(SIGNED_IN_KEY, signed_in).await?;
    }
    let roles = roles_of(&state.db, account.id).await?;
    let needs_second_factor = state.settings.second_factor_required
        && crate::domain::second_factor::required_for(&roles)
        && !super::second_factor::is_on(&state.db, account.id).await?;
    Ok(Some(CurrentUser {
        id: UserId(account.id),
        name: account.name,
        roles,
        locale: account.locale,
        needs_second_factor,
    }))
}

/// The client's address: from `X-Forwarded-For` as the trusted proxies wrote it (see
/// [`sign_in::forwarded_client`]), else the connection's own.
fn client_address(request: &Request, trusted_proxies: usize) -> Option<IpAddr> {
    let forwarded: Vec<&str> =
        request.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    sign_in::forwarded_client(&forwarded, trusted_proxies).or_else(|| {
        request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip())
    })
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor { user_id: self.id, roles: self.roles.clone() }
    }
}

fn throttle_keys(email: &str, address: Option<IpAddr>) -> Vec<throttle::Key> {
    let mut keys = vec![(account_key(email), sign_in::PER_ACCOUNT)];
    if let Some(address) = address {
        keys.push((format!("address:{address}"), sign_in::PER_ADDRESS));
    }
    keys
}

fn account_key(email: &str) -> String {
    format!("account:{}", email_key(email))
}

/// How long a request refused because too many passwords are being checked at once is told
/// to wait (the queue empties within a second or two).
const BUSY_RETRY_SECS: u64 = 5;

/// Checks an e-mail and password. Wrong ones (and unknown e-mails, and inactive accounts) all
/// get the same answer; too many attempts pause further ones, per account and per address.
/// The attempt is counted before its password is checked, and only a few checks run at once:
/// every refusal, whatever its reason, is the same "too many attempts".
pub async fn check_credentials(
    db: &DatabaseConnection,
    email: &str,
    password: String,
    origin: audit::Origin<'_>,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    let account = user::Entity::find()
        .filter(user::Column::EmailKey.eq(email_key(email)))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await?;
    let account_id = account.as_ref().map(|a| a.id);
    let refused = async |retry_after_secs: u64| {
        audit::record_auth(db, AuthEvent::SignInPaused, account_id, origin, now).await?;
        tracing::warn!("sign-in paused");
        Err(AppError::RateLimited { retry_after_secs })
    };
    // A place at the hasher first, so a refusal costs nothing.
    let Ok(turn) = passwords::turn() else {
        return refused(BUSY_RETRY_SECS).await;
    };
    let keys = throttle_keys(email, origin.address);
    let attempts = match throttle::attempt(db, &keys, now).await? {
        Ok(ids) => ids,
        Err(over) => return refused(over.wait.num_seconds().max(1) as u64).await,
    };
    let stored = account.as_ref().and_then(|a| a.password_hash.clone());
    if passwords::verify(&turn, password, stored).await
        && let Some(account) = account
    {
        // A success forgives the account's failures and this attempt from the address (not
        // the address's earlier failures).
        throttle::forget_key(db, &keys[0].0).await?;
        throttle::forget(db, &attempts).await?;
        return Ok(account);
    }
    audit::record_auth(db, AuthEvent::SignInFailed, account_id, origin, now).await?;
    tracing::warn!("failed sign-in");
    Err(AppError::InvalidCredentials)
}

/// Starts a session for `account` under a new session id (no fixation), and writes the
/// sign-in to the audit trail.
pub async fn start_session(
    db: &impl ConnectionTrait,
    session: &Session,
    account: &user::Model,
    origin: audit::Origin<'_>,
    device: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    open_session(session, account, origin.address, device, now).await?;
    let origin = audit::Origin { actor: Some(account.id), ..origin };
    audit::record_auth(db, AuthEvent::SignedIn, Some(account.id), origin, now).await?;
    Ok(())
}

/// Where the browser goes once the password was right: a person with a second factor is asked
/// for a code first (a reset link does not skip it either), everyone else is signed in at once
/// and goes to `next`.
pub async fn after_password(
    db: &impl ConnectionTrait,
    session: &Session,
    account: &user::Model,
    origin: audit::Origin<'_>,
    device: &str,
    next: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    if super::second_factor::is_on(db, account.id).await? {
        await_code(session, account, next, now).await?;
        return Ok(CODE_PAGE.to_owned());
    }
    start_session(db, session, account, origin, device, now).await?;
    Ok(next.to_owned())
}

/// The second step of signing in.
pub const CODE_PAGE: &str = "/sign-in/code";

/// A new session for `account` on this device (a new id), without an audit event: for a
/// person who changed their own password and stays signed in here.
pub async fn open_session(
    session: &Session,
    account: &user::Model,
    address: Option<IpAddr>,
    device: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    session.cycle_id().await?;
    let _ = session.remove_value(AWAITING_CODE_KEY).await?;
    let signed_in = SignedIn {
        user_id: account.id,
        epoch: account.session_epoch,
        signed_in_at: now.timestamp(),
        seen_at: now.timestamp(),
        device: device.to_owned(),
        address: address.map(|a| a.to_string()),
    };
    session.insert(SIGNED_IN_KEY, signed_in).await?;
    Ok(())
}

/// The password was right and a second factor is on: the session (under a new id) remembers
/// that for [`CODE_STEP_LASTS_SECS`] while the code is asked, and gives no access meanwhile.
pub async fn await_code(
    session: &Session,
    account: &user::Model,
    next: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    session.cycle_id().await?;
    let awaiting = AwaitingCode {
        user_id: account.id,
        epoch: account.session_epoch,
        at: now.timestamp(),
        next: next.to_owned(),
    };
    session.insert(AWAITING_CODE_KEY, awaiting).await?;
    Ok(())
}

/// The sign-in waiting for its code, if it has not run out; the account must still be active
/// with the same password.
pub async fn awaiting_code(
    db: &impl ConnectionTrait,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Option<(AwaitingCode, user::Model)>, AppError> {
    let Some(awaiting) = session.get::<AwaitingCode>(AWAITING_CODE_KEY).await? else {
        return Ok(None);
    };
    if now.timestamp() - awaiting.at > CODE_STEP_LASTS_SECS {
        let _ = session.remove_value(AWAITING_CODE_KEY).await?;
        return Ok(None);
    }
    let account = user::Entity::find_by_id(awaiting.user_id)
        .one(db)
        .await?
        .filter(|a| a.active && a.session_epoch == awaiting.epoch);
    Ok(account.map(|account| (awaiting, account)))
}

/// Ends the session: its record is deleted and the cookie cleared.
pub async fn end_session(
    db: &impl ConnectionTrait,
    session: &Session,
    user: Option<UserId>,
    origin: audit::Origin<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    session.flush().await?;
    if let Some(user) = user {
        let origin = audit::Origin { actor: Some(user.0), ..origin };
        audit::record_auth(db, AuthEvent::SignedOut, Some(user.0), origin, now).await?;
    }
    Ok(())
}

/// Takes (and so removes) the form values a refused post kept for the page it returns to.
async fn take_flash(session: &Session) -> Option<FormFlash> {
    session.remove::<FormFlash>(FLASH_KEY).await.ok().flatten()
}

#[cfg(test)]
mod person_key_tests {
    use super::person_key;

    #[test]
    fn a_person_has_one_opaque_key_and_people_differ() {
        assert_eq!(person_key(7), person_key(7));
        assert_ne!(person_key(7), person_key(8));
        assert_eq!(person_key(7).len(), 32);
        assert!(person_key(7).chars().all(|c| c.is_ascii_hexdigit()));
    }
}
