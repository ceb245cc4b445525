//! The HTTP surface: Leptos pages and server functions, static files, health, and the
//! middleware stack (request ids and tracing, security headers, same-origin writes, sessions,
//! the signed-in user, compression).

use std::sync::Arc;

use app::backend::{AppState, auth, request::provide_request_context, session_store::DbSessionStore};
use axum::{Router, middleware, routing::get};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::TraceLayer,
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

use crate::{
    config::Config,
    feeds, health,
    security::{self, SecuritySettings},
};

/// The session cookie's name: with HTTPS the `__Host-` prefix binds it to this exact origin
/// (Secure, Path=/, no Domain); plain-HTTP development cannot use the prefix.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https { "__Host-rinnalla_session" } else { "rinnalla_session" }
}

pub fn router(state: AppState, config: &Config) -> anyhow::Result<Router> {
    let https = config.uses_https();
    let settings = Arc::new(SecuritySettings { public_origin: config.public_origin()?, https });
    let routes = generate_route_list(app::App);
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
                .layer(sessions)
                .layer(middleware::from_fn_with_state(state.clone(), auth::current_user)),
        )
        .route("/healthz", get(health::healthz))
        .route("/calendar/{file}", get(feeds::calendar))
        .with_state(state);

    let request_id = axum::http::HeaderName::from_static("x-request-id");
    Ok(router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let id = request
                    .extensions()
                    .get::<RequestId>()
                    .and_then(|id| id.header_value().to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!(
                    "request",
                    request_id = id,
                    method = %request.method(),
                    path = request.uri().path(),
                )
            }))
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(middleware::from_fn_with_state(settings.clone(), security::security_headers))
            .layer(middleware::from_fn_with_state(settings, security::same_origin_writes))
            .layer(CompressionLayer::new()),
    ))
}
