//! Choosing the interface language. A plain form post, so it works without JavaScript; the
//! choice is kept in a cookie and survives reloads and new visits.

use leptos::prelude::*;

use super::AppError;

/// Sets the language and sends the user back to `next` (a path on this site).
#[server(endpoint = "language")]
pub async fn set_language(language: String, next: String) -> Result<(), AppError> {
    crate::api::request::finish(
        async move {
            use crate::api::error::ValidationCode;
            use crate::domain::navigation::same_site_path;
            use crate::dto::language::{LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE_SECS};
            use crate::i18n::{I18nLocaleTrait, Locale};

            let locale: Locale = language
                .parse()
                .map_err(|()| AppError::invalid("language", ValidationCode::UnknownChoice))?;
            let cookie = format!(
                "{LANGUAGE_COOKIE}={}; Path=/; Max-Age={}; SameSite=Lax",
                locale.as_str(),
                LANGUAGE_COOKIE_MAX_AGE_SECS
            );
            let response = expect_context::<leptos_axum::ResponseOptions>();
            response.append_header(
                axum::http::header::SET_COOKIE,
                axum::http::HeaderValue::from_str(&cookie)
                    .map_err(|_| AppError::Internal { request_id: None })?,
            );
            leptos_axum::redirect(same_site_path(&next));
            Ok(())
        }
        .await,
    )
}
