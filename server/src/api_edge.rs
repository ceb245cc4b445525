//! The edge of the server functions (`/api/`): a request that cannot be a function's arguments
//! is the caller's mistake and gets a 4xx with a readable answer, never a 500.
//!
//! Why here: server_fn reads the body and parses the arguments before the function (and the
//! `finish` that gives its errors their status) runs, and answers every failure of that step
//! with 500. So this middleware
//! - reads the body first, up to [`BODY_LIMIT`]: a larger one answers 413 (`TooLarge`) without
//!   being read further; one that is not UTF-8 or not a URL-encoded form answers 400
//!   (`BadRequest`);
//! - gives every error a server function answers the status its [`AppError`] names
//!   ([`AppError::status`]: 400 for arguments that do not parse, 403, 404, 422, ...);
//! - answers each kind of caller in its own way: a browser's plain form post
//!   (`Accept: text/html`) goes back to its page with the error, as server_fn does it, and the
//!   page shows the message translated; a program that asks for JSON gets the encoded
//!   `AppError` (what the server-function client decodes); anyone else gets the message as
//!   text, in the language pages would use.
//!
//! What was typed is not kept after these refusals: the function never ran, so neither did its
//! `keep_form_on_error`, and a body that does not parse (or was not read, being too large) is
//! nothing a form could be refilled from. The page shows the form as any load of it does, with
//! the message above it. A page's own forms never get here: browsers send UTF-8 forms with the
//! names and choices the form gives, and the longest texts a form takes (a 4,000-character note
//! with its 1,000-character reason) stay under the limit even in four-byte characters.

use app::{
    api::AppError,
    i18n::{I18nLocaleTrait, Locale},
    ui::{components::error_text, language::LANGUAGE_COOKIE},
};
use axum::{
    body::{Body, Bytes},
    extract::{
        FromRequest, Request,
        rejection::{BytesRejection, FailedToBufferBody},
    },
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::server_fn::{
    Decodes,
    error::{FromServerFnError, SERVER_FN_ERROR_HEADER, ServerFnUrlError},
};

/// The largest body a server function reads: every form of the app fits with room to spare.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The encoded `AppError` of a failed server function is small; this only bounds the reading.
const ERROR_BODY_LIMIT: usize = 1024 * 1024;

const FORM: &str = "application/x-www-form-urlencoded";
const TEXT: &str = "text/plain; charset=utf-8";

pub async fn server_functions(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let caller = Caller::of(request.headers());
    let path = request.uri().path().to_owned();
    let (parts, body) = request.into_parts();
    // `Bytes` reads within the `DefaultBodyLimit` the router sets to `BODY_LIMIT`.
    let body = match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(body) => body,
        Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => {
            return caller.refuse(&path, AppError::TooLarge, "the body is over the limit");
        }
        Err(_) => return caller.refuse(&path, AppError::BadRequest, "the body could not be read"),
    };
    if std::str::from_utf8(&body).is_err() {
        return caller.refuse(&path, AppError::BadRequest, "the body is not UTF-8");
    }
    if !body.is_empty() && !is_form(&parts.headers) {
        return caller.refuse(&path, AppError::BadRequest, "the body is not a URL-encoded form");
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    caller.answer(response).await
}

/// Every server function takes a URL-encoded form (server_fn's `PostUrl`), from pages and
/// from the server-function client alike.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case(FORM))
}

/// Who is asking, and so how an error is answered.
struct Caller {
    wants: Wants,
    locale: Locale,
}

enum Wants {
    /// A plain form post: back to the page it came from (home without a `Referer`).
    Page { referer: Option<String> },
    /// The encoded `AppError`.
    Json,
    /// A sentence in the caller's language.
    Text,
}

impl Caller {
    /// The same tests as server_fn and leptos_axum make for their redirect.
    fn of(headers: &HeaderMap) -> Self {
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let wants = if accept.contains("text/html") {
            let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok()).map(str::to_owned);
            Wants::Page { referer }
        } else if accept.contains("application/json") {
            Wants::Json
        } else {
            Wants::Text
        };
        Self { wants, locale: locale_of(headers) }
    }

    /// Answers a request that never reached its server function.
    fn refuse(&self, path: &str, error: AppError, reason: &'static str) -> Response {
        tracing::info!(reason, "refused a server function call");
        match &self.wants {
            Wants::Page { referer } => {
                // As server_fn does: the error rides on the redirect, where the page's action
                // reads it.
                let location = referer
                    .as_deref()
                    .and_then(|referer| ServerFnUrlError::new(path, error).to_url(referer).ok())
                    .map(|url| url.to_string())
                    .or_else(|| referer.clone())
                    .unwrap_or_else(|| "/".to_owned());
                let location = HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/"));
                (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
            }
            Wants::Json => {
                let mut response = (status_of(&error), error.ser()).into_response();
                let headers = response.headers_mut();
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                if let Ok(path) = HeaderValue::from_str(path) {
                    headers.insert(SERVER_FN_ERROR_HEADER, path);
                }
                response
            }
            Wants::Text => self.text(status_of(&error), &error),
        }
    }

    /// A server function's answer: an error gets its own status, and text for a reader.
    /// Redirects (a form post's way back, errors included) pass as they are.
    async fn answer(&self, response: Response) -> Response {
        if response.status().is_redirection() || !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
            return response;
        }
        let (mut parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
            tracing::error!("could not read a server function's error");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let error =
            match <<AppError as FromServerFnError>::Encoder as Decodes<AppError>>::decode(bytes.clone()) {
                Ok(error) => error,
                Err(decode_error) => {
                    tracing::error!(error = %decode_error, "a server function's error is not an AppError");
                    return Response::from_parts(parts, Body::from(bytes));
                }
            };
        parts.status = status_of(&error);
        if matches!(self.wants, Wants::Json) {
            return Response::from_parts(parts, Body::from(bytes));
        }
        // Whatever else the function set (a cookie, say) stays; the body becomes the sentence.
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(TEXT));
        Response::from_parts(parts, Body::from(error_text(self.locale, &error)))
    }

    fn text(&self, status: StatusCode, error: &AppError) -> Response {
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT))], error_text(self.locale, error))
            .into_response()
    }
}

fn status_of(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The language pages would be shown in: the language cookie, then the browser's
/// `Accept-Language` (in the order given), then Finnish.
pub fn locale_of(headers: &HeaderMap) -> Locale {
    let chosen = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|cookie| cookie.trim().split_once('='))
        .find(|(name, _)| *name == LANGUAGE_COOKIE)
        .and_then(|(_, value)| value.parse::<Locale>().ok());
    chosen.unwrap_or_else(|| {
        let accepted: Vec<&str> = headers
            .get_all(header::ACCEPT_LANGUAGE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|languages| languages.split(','))
            .map(|language| language.split(';').next().unwrap_or_default().trim())
            .collect();
        Locale::find_locale(&accepted)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_language_cookie_wins_then_accept_language_then_finnish() {
        assert_eq!(locale_of(&headers(&[])), Locale::fi);
        assert_eq!(locale_of(&headers(&[("accept-language", "de-DE, sv-FI;q=0.9, en;q=0.8")])), Locale::sv);
        assert_eq!(locale_of(&headers(&[("accept-language", "en-GB,en;q=0.9")])), Locale::en);
        assert_eq!(locale_of(&headers(&[("accept-language", "de, fr")])), Locale::fi);
        assert_eq!(
            locale_of(&headers(&[("accept-language", "sv"), ("cookie", "a=b; i18n_pref_locale=en")])),
            Locale::en
        );
        assert_eq!(
            locale_of(&headers(&[("cookie", "i18n_pref_locale=xx"), ("accept-language", "sv")])),
            Locale::sv
        );
    }

    #[test]
    fn only_url_encoded_forms_are_forms() {
        assert!(is_form(&headers(&[("content-type", "application/x-www-form-urlencoded")])));
        assert!(is_form(&headers(&[("content-type", "Application/X-WWW-Form-URLEncoded; charset=UTF-8")])));
        assert!(!is_form(&headers(&[("content-type", "application/json")])));
        assert!(!is_form(&headers(&[("content-type", "multipart/form-data; boundary=x")])));
        assert!(!is_form(&headers(&[])));
    }
}
