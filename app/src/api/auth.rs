//! Signing in and out.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::domain::{ids::UserId, roles::RoleSet};

/// The signed-in person, as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    pub roles: RoleSet,
    pub locale: String,
}

/// What the sign-in form keeps after a refused attempt (never the password).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInKept {
    pub email: String,
    pub next: String,
}

#[server(endpoint = "sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            use crate::backend::{auth, request};
            use crate::domain::navigation::same_site_path;

            let state = request::state()?;
            let context = request::request();
            let now = chrono::Utc::now();
            // Nothing longer than an address can be is looked up, and no endless password
            // reaches the hasher; both answer as a wrong password would.
            let result = if email.chars().count() > crate::domain::text::EMAIL
                || password.chars().count() > crate::domain::accounts::PASSWORD_MAX_CHARS
            {
                Err(AppError::InvalidCredentials)
            } else {
                auth::check_credentials(&state.db, &email, password, context.client_address, now).await
            };
            let kept = SignInKept { email: email.clone(), next: next.clone() };
            request::keep_form_on_error("sign-in", &result, &kept).await;
            let account = result?;
            let session = context.session.ok_or_else(|| AppError::internal("no session layer"))?;
            auth::start_session(&session, &account, now).await?;
            let target = if next.is_empty() { "/" } else { same_site_path(&next) };
            leptos_axum::redirect(target);
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            use crate::backend::{auth, request};
            if let Some(session) = request::request().session {
                auth::end_session(&session).await?;
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
        }
        .await,
    )
}
