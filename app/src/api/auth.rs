//! Signing in and out.

pub use crate::dto::auth::*;

use leptos::prelude::*;

use super::AppError;

#[server(endpoint = "sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    use crate::{backend::auth, domain::navigation::same_site_path};

    let kept = SignInKept { email: email.clone(), next: next.clone() };
    super::request::serve_visitor(async move |visitor| {
        let context = super::request::request();
        // Nothing longer than an address can be is looked up, and no endless password
        // reaches the hasher; both answer as a wrong password would.
        let result = if email.chars().count() > crate::domain::text::EMAIL
            || password.chars().count() > crate::domain::accounts::PASSWORD_MAX_CHARS
        {
            Err(AppError::InvalidCredentials)
        } else {
            auth::check_credentials(&visitor.db, &email, password, context.origin(), visitor.now).await
        };
        super::request::keep_form_on_error("sign-in", &result, &kept).await;
        let account = result?;
        let session = context.session.clone().ok_or_else(|| AppError::internal("no session layer"))?;
        let next = if next.is_empty() { "/" } else { same_site_path(&next) };
        let target = auth::after_password(
            &visitor.db,
            &session,
            &account,
            context.origin(),
            &context.device,
            next,
            visitor.now,
        )
        .await?;
        leptos_axum::redirect(&target);
        Ok(())
    })
    .await
}

/// The second step of signing in: a code from the authenticator app, or a recovery code. A
/// wrong one is counted like a wrong password (five in a quarter of an hour pause the
/// account's codes), is in the audit trail, and answers in the person's language.
#[server(endpoint = "sign-in/code")]
pub async fn sign_in_code(code: String) -> Result<(), AppError> {
    use crate::backend::{
        audit::{self, AuthEvent},
        auth, second_factor, throttle,
    };

    super::request::serve_visitor(async move |visitor| {
        let context = super::request::request();
        let session = context.session.clone().ok_or_else(|| AppError::internal("no session layer"))?;
        let Some((awaiting, account)) = auth::awaiting_code(&visitor.db, &session, visitor.now).await? else {
            return Err(AppError::Unauthorized);
        };
        let origin = audit::Origin { actor: Some(account.id), ..context.origin() };
        let keys = [(format!("second-factor:{}", account.id), crate::domain::sign_in::PER_ACCOUNT)];
        let attempt = match throttle::attempt(&visitor.db, &keys, visitor.now).await? {
            Ok(ids) => ids,
            Err(over) => {
                audit::record_auth(
                    &visitor.db,
                    AuthEvent::SignInPaused,
                    Some(account.id),
                    origin,
                    visitor.now,
                )
                .await?;
                return Err(AppError::RateLimited {
                    retry_after_secs: over.wait.num_seconds().max(1) as u64,
                });
            }
        };
        let state = super::request::state()?;
        let passed = if code.chars().count() > 64 {
            None
        } else {
            second_factor::check(
                &visitor.db,
                &state.settings.secret_key,
                &visitor.mailing,
                &account,
                &code,
                visitor.now,
            )
            .await?
        };
        let Some(passed) = passed else {
            audit::record_auth(
                &visitor.db,
                AuthEvent::SecondFactorFailed,
                Some(account.id),
                origin,
                visitor.now,
            )
            .await?;
            tracing::warn!("wrong second-factor code");
            return Err(AppError::invalid("code", crate::domain::validation::ValidationCode::WrongCode));
        };
        throttle::forget(&visitor.db, &attempt).await?;
        if let second_factor::Passed::Recovery { .. } = passed {
            audit::record_auth(
                &visitor.db,
                AuthEvent::RecoveryCodeUsed,
                Some(account.id),
                origin,
                visitor.now,
            )
            .await?;
        }
        auth::start_session(&visitor.db, &session, &account, origin, &context.device, visitor.now).await?;
        leptos_axum::redirect(&awaiting.next);
        Ok(())
    })
    .await
}

#[server(endpoint = "sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    super::request::serve_visitor(async move |visitor| {
        let context = super::request::request();
        if let Some(session) = &context.session {
            let user = context.user.as_ref().map(|u| u.id);
            crate::backend::auth::end_session(&visitor.db, session, user, context.origin(), visitor.now)
                .await?;
        }
        // The offline copy of the agenda (see public/sw.js) leaves with the person.
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(
                axum::http::HeaderName::from_static("clear-site-data"),
                axum::http::HeaderValue::from_static("\"storage\""),
            );
        }
        leptos_axum::redirect("/sign-in?signed_out=1");
        Ok(())
    })
    .await
}
