//! The HTTP surface: Leptos pages and server functions, static files, health, and the
//! middleware stack (request ids and tracing, security headers, same-origin writes,
//! compression, the server functions' body limit and error answers, sessions, the signed-in
//! user).

use std::sync::{Arc, OnceLock};

use app::{
    api::request::provide_request_context,
    backend::{AppState, auth, session_store::DbSessionStore},
};
use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::HeaderName,
    middleware::{self, Next},
    response::Response,
    routing::get,
};
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::TraceLayer,
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

use crate::{
    api_edge,
    config::Config,
    feeds, health,
    security::{self, SecuritySettings},
};

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The `X-Request-Id` a client sent. The server names every request itself (a fresh UUID):
/// that id goes to the logs, the audit trail and the response, so a client can neither choose
/// nor forge the id of audit events. Its own id is only logged beside it
/// (`client_request_id`), to help match a client's records to ours.
#[derive(Clone, Debug)]
pub struct ClientRequestId(pub String);

async fn set_aside_client_request_id(mut request: Request, next: Next) -> Response {
    // `remove` takes every value of the header, so none is left to be taken for the request's.
    if let Some(value) = request.headers_mut().remove(&REQUEST_ID) {
        let text: String = String::from_utf8_lossy(value.as_bytes()).chars().take(128).collect();
        request.extensions_mut().insert(ClientRequestId(text));
    }
    next.run(request).await
}

/// The session cookie's name: with HTTPS the `__Host-` prefix binds it to this exact origin
/// (Secure, Path=/, no Domain); plain-HTTP development cannot use the prefix.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https { "__Host-rinnalla_session" } else { "rinnalla_session" }
}

/// A request, once begun, runs to its end, even when the browser leaves before the answer.
///
/// Leptos renders a page with tasks of its own beside the request's (a `<Suspense>` checking
/// its children again once a resource has loaded, leptos_i18n's language effect), and they
/// read the page's reactive values. When the browser goes away mid-render, hyper drops the
/// request's future, which disposes the page's reactive owner under those tasks, and they panic
/// ("Tried to access a reactive value that has already been disposed"). In a task of its own
/// the render finishes, and its owner is disposed as Leptos expects: after the page is
/// complete. The session is saved and a server function finishes its work the same way.
async fn run_to_completion(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use tracing::Instrument;
    match tokio::spawn(next.run(request).in_current_span()).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "the request's task failed");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The app's routes, worked out once per process. Working them out stops every resource in the
/// process from loading meanwhile (leptos_server keeps that switch in one process-wide flag),
/// and a page that started rendering then would wait for ever: with several servers in one
/// process, as in the tests, one server's start could hang another's page.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

pub fn router(state: AppState, config: &Config) -> anyhow::Result<Router> {
    let https = config.uses_https();
    let settings = Arc::new(SecuritySettings { public_origin: config.public_origin()?, https });
    let routes = routes();
    let shell = {
        let options = state.leptos_options.clone();
        move || app::shell(options.clone())
    };
    let idle = config.session_limits().idle.num_seconds();
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(session_cookie_name(https))
        .with_secure(https)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::seconds(idle)));

    let router = Router::new()
        .route("/payroll/{file}", get(feeds::payroll))
        .leptos_routes_with_context(&state, routes, provide_request_context, shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            provide_request_context,
            app::shell,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn(run_to_completion))
                .layer(sessions)
                .layer(middleware::from_fn_with_state(state.clone(), auth::current_user)),
        )
        .route("/healthz", get(health::healthz))
        .route("/calendar/{file}", get(feeds::calendar))
        .with_state(state);

    Ok(router.layer(
        ServiceBuilder::new()
            .layer(middleware::from_fn(set_aside_client_request_id))
            .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let id = request
                    .extensions()
                    .get::<RequestId>()
                    .and_then(|id| id.header_value().to_str().ok())
                    .unwrap_or_default();
                let span = tracing::info_span!(
                    "request",
                    request_id = id,
                    client_request_id = tracing::field::Empty,
                    method = %request.method(),
                    path = request.uri().path(),
                );
                if let Some(ClientRequestId(client_id)) = request.extensions().get::<ClientRequestId>() {
                    // Debug-quoted: whatever the client wrote stays one field of the line.
                    span.record("client_request_id", tracing::field::debug(client_id));
                }
                span
            }))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
            // A last line of defence: a handler that panics answers 500 (logged, with the
            // request id) instead of dropping the connection. The end-to-end run fails on any
            // panic in the server's log, so none is meant to reach this.
            .layer(CatchPanicLayer::new())
            .layer(middleware::from_fn_with_state(settings.clone(), security::security_headers))
            .layer(middleware::from_fn_with_state(settings, security::same_origin_writes))
            .layer(CompressionLayer::new())
            // Inside compression, so that the error answers it reads are not compressed yet.
            .layer(DefaultBodyLimit::max(api_edge::BODY_LIMIT))
            .layer(middleware::from_fn(api_edge::server_functions)),
    ))
}
