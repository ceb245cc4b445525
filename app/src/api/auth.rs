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
        auth::start_session(&visitor.db, &session, &account, context.origin(), visitor.now).await?;
        let target = if next.is_empty() { "/" } else { same_site_path(&next) };
        leptos_axum::redirect(target);
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
