//! Files served outside the pages: the calendar feed a phone subscribes to (authorized by the
//! secret in its link, since a calendar app has no session) and the payroll CSV (authorized by
//! the session, through the policy like everything else).

use app::{
    api::AppError,
    backend::{AppState, auth::RequestContext, visits},
};
use axum::{
    Extension,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

fn error_response(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CACHE_CONTROL, "no-store")], error.to_string()).into_response()
}

/// `GET /calendar/{secret}.ics`: 404 for an unknown or revoked link, the feed otherwise.
pub async fn calendar(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(secret) = file.strip_suffix(".ics") else {
        return error_response(&AppError::NotFound);
    };
    match visits::feed(&state.db, secret, &state.settings.public_origin, chrono::Utc::now()).await {
        Ok(ics) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            ics,
        )
            .into_response(),
        Err(error) => error_response(&error),
    }
}

/// `GET /payroll/{YYYY-MM}.csv`: every guide's month, for coordinators.
pub async fn payroll(
    State(state): State<AppState>,
    Extension(request): Extension<RequestContext>,
    Path(file): Path<String>,
) -> Response {
    let Some(user) = request.user else { return error_response(&AppError::Unauthorized) };
    let month = file.strip_suffix(".csv").unwrap_or(&file);
    let ctx = state.ctx(user.actor(), request.request_id);
    match visits::payroll_csv(&ctx, month, state.settings.km_rate_cents, state.settings.bus_ticket_cents)
        .await
    {
        Ok((name, csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            csv,
        )
            .into_response(),
        Err(error) => error_response(&error),
    }
}
