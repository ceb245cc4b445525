//! Reaching the request from a page render or server function: the app state, who is signed
//! in, the request id, and a form's values kept across the redirect after a refused post. The
//! one place that reads Leptos context for the server side: services get what they need in a
//! [`Ctx`] built here.

use axum::http::request::Parts;
use chrono::Utc;
use leptos::prelude::{provide_context, use_context};
use serde::Serialize;

use crate::{
    backend::{
        AppState,
        auth::RequestContext,
        ctx::{Ctx, Visitor},
    },
    dto::{
        AppError,
        auth::CurrentUser,
        forms::{FLASH_KEY, FormFlash},
    },
};

/// The per-response nonce that lets the page's own inline scripts (the hydration loader) run
/// under the Content-Security-Policy; set by the server's security middleware.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// Makes the request's facts available to components and server functions as Leptos context.
pub fn provide_request_context() {
    let Some(parts) = use_context::<Parts>() else {
        return;
    };
    if let Some(CspNonce(nonce)) = parts.extensions.get::<CspNonce>() {
        provide_context(leptos::nonce::Nonce::from_value(nonce.clone()));
    }
    if let Some(request) = parts.extensions.get::<RequestContext>() {
        if let Some(user) = &request.user {
            provide_context(user.clone());
        }
        if let Some(flash) = parts.extensions.get::<FormFlash>() {
            provide_context(flash.clone());
        }
        provide_context(request.clone());
    }
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("the app state is missing from the context"))
}

pub fn request() -> RequestContext {
    use_context::<RequestContext>().unwrap_or_default()
}

/// The context of a signed-in request; `Unauthorized` without one. An admin or a coordinator
/// who still has to set up a second factor gets `SecondFactorNeeded` for everything but that.
pub fn ctx() -> Result<Ctx, AppError> {
    let ctx = ctx_before_second_factor()?;
    if request().user.is_some_and(|user| user.needs_second_factor) {
        return Err(AppError::SecondFactorNeeded);
    }
    Ok(ctx)
}

/// The context of a signed-in request, also for one still to set up a second factor: only for
/// setting it up.
fn ctx_before_second_factor() -> Result<Ctx, AppError> {
    let request = request();
    let user = request.user.ok_or(AppError::Unauthorized)?;
    Ok(state()?.ctx(user.actor(), request.request_id))
}

/// [`serve`] for setting up one's second factor: open to those who must set one up first.
pub async fn serve_second_factor_setup<T>(
    work: impl AsyncFnOnce(&Ctx) -> Result<T, AppError>,
) -> Result<T, AppError> {
    finish(
        async {
            let ctx = ctx_before_second_factor()?;
            let result = work(&ctx).await;
            ctx.mailing.wake_if_queued();
            result
        }
        .await,
    )
}

/// The context of a request from someone who need not be signed in.
pub fn visitor() -> Result<Visitor, AppError> {
    let state = state()?;
    Ok(Visitor {
        db: state.db.clone(),
        request_id: request().request_id,
        now: Utc::now(),
        mailing: state.mailing(),
    })
}

/// A signed-in server function's work: builds its [`Ctx`], runs `work` in it, wakes the
/// e-mail sender when the work queued anything (its transactions have committed by then), and
/// answers as [`finish`] does.
pub async fn serve<T>(work: impl AsyncFnOnce(&Ctx) -> Result<T, AppError>) -> Result<T, AppError> {
    finish(run(work).await)
}

/// [`serve`] for a form post: a refused form keeps what was typed for the page it returns to.
pub async fn serve_form<T, F: Serialize>(
    form_name: &str,
    values: &F,
    work: impl AsyncFnOnce(&Ctx) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let result = run(work).await;
    keep_form_on_error(form_name, &result, values).await;
    finish(result)
}

/// [`serve`] for someone who need not be signed in (links from e-mails, reset requests).
pub async fn serve_visitor<T>(
    work: impl AsyncFnOnce(&Visitor) -> Result<T, AppError>,
) -> Result<T, AppError> {
    finish(
        async {
            let visitor = visitor()?;
            let result = work(&visitor).await;
            visitor.mailing.wake_if_queued();
            result
        }
        .await,
    )
}

async fn run<T>(work: impl AsyncFnOnce(&Ctx) -> Result<T, AppError>) -> Result<T, AppError> {
    let ctx = ctx()?;
    let result = work(&ctx).await;
    ctx.mailing.wake_if_queued();
    result
}

/// The signed-in user, if any.
pub fn current_user() -> Option<CurrentUser> {
    request().user
}

/// After a refused post the browser is sent back to the form; this keeps what was typed (in
/// the server-side session, never in the URL) so the form can show it again.
pub async fn keep_form_on_error<T, F: Serialize>(form: &str, result: &Result<T, AppError>, values: &F) {
    if result.is_err() {
        keep_for_next_page(form, values).await;
    }
}

/// Keeps `values` for the next page load only (a secret shown once, such as a new feed link).
pub async fn keep_for_next_page<F: Serialize>(form: &str, values: &F) {
    let (Some(session), Ok(values)) = (request().session, serde_json::to_value(values)) else {
        return;
    };
    let flash = FormFlash { form: form.to_owned(), values };
    if let Err(error) = session.insert(FLASH_KEY, flash).await {
        tracing::warn!(%error, "could not keep the values for the next page");
    }
}

/// Gives a failed server function its HTTP status (403, 404, 422, ...) for callers that asked
/// for data, and names the request in an internal error. A browser's plain form post keeps the
/// redirect back to its page instead, which carries the error for the page to show.
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    let result = result.map_err(|error| error.for_request(request().request_id.as_deref()));
    if let Err(AppError::RateLimited { retry_after_secs }) = &result
        && let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            axum::http::HeaderValue::from_str(&retry_after_secs.to_string()),
        )
    {
        response.insert_header(axum::http::header::RETRY_AFTER, value);
    }
    if let Err(error) = &result {
        let wants_page = use_context::<Parts>()
            .and_then(|parts| parts.headers.get(axum::http::header::ACCEPT).cloned())
            .and_then(|accept| accept.to_str().ok().map(|a| a.contains("text/html")))
            .unwrap_or(false);
        if !wants_page
            && let (Some(response), Ok(status)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                axum::http::StatusCode::from_u16(error.status()),
            )
        {
            response.set_status(status);
        }
    }
    result
}
