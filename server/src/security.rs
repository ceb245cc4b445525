//! Security headers and the same-origin check for state-changing requests.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::api::request::CspNonce;

#[derive(Clone, Debug)]
pub struct SecuritySettings {
    /// scheme://host[:port] users reach the app at.
    pub public_origin: String,
    pub https: bool,
}

/// Sets the security headers on every response; pages get a fresh CSP nonce.
pub async fn security_headers(
    State(settings): State<std::sync::Arc<SecuritySettings>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let is_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Full referrer on our own pages (the no-JavaScript form flow returns to it), nothing to
    // other sites: URLs may name clients.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if settings.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        let policy = if is_asset {
            // Built files carry a content hash in their names: they never change.
            "public, max-age=31536000, immutable"
        } else {
            // Pages may hold personal data: never keep them in a cache.
            "no-store"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Refuses state-changing requests that come from another site (cross-site request forgery):
/// a POST, PUT, PATCH or DELETE must say it comes from this origin.
pub async fn same_origin_writes(
    State(settings): State<std::sync::Arc<SecuritySettings>>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe_method(request.method()) || is_same_origin(request.headers(), &settings) {
        next.run(request).await
    } else {
        tracing::warn!(
            method = %request.method(),
            path = request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "refused a cross-origin write"
        );
        (StatusCode::FORBIDDEN, "Cross-origin request refused").into_response()
    }
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browsers send `Origin` on every POST; `Sec-Fetch-Site` says the same in newer ones. The
/// origin may be the configured public one or the one the request was addressed to (`Host`),
/// which an attacker's page cannot choose.
pub fn is_same_origin(headers: &HeaderMap, settings: &SecuritySettings) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|origin| *origin != "null")
        .map(str::to_owned)
        .or_else(|| {
            let referer = headers.get(header::REFERER)?.to_str().ok()?;
            origin_of(referer)
        });
    let Some(origin) = origin else { return false };
    if origin == settings.public_origin {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (host, origin.split_once("://")) {
        (Some(host), Some((_, origin_host))) => origin_host == host,
        _ => false,
    }
}

/// `https://x.fi/a/b?c` → `https://x.fi`.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SecuritySettings {
        SecuritySettings { public_origin: "https://rinnalla.example.fi".into(), https: true }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn accepts_the_public_origin_and_the_addressed_host() {
        assert!(is_same_origin(&headers(&[("origin", "https://rinnalla.example.fi")]), &settings()));
        assert!(is_same_origin(
            &headers(&[("origin", "http://localhost:3000"), ("host", "localhost:3000")]),
            &settings()
        ));
        assert!(is_same_origin(
            &headers(&[("referer", "https://rinnalla.example.fi/guide/today")]),
            &settings()
        ));
    }

    #[test]
    fn refuses_other_origins_and_requests_without_any() {
        assert!(!is_same_origin(&headers(&[("origin", "https://evil.example")]), &settings()));
        assert!(!is_same_origin(
            &headers(&[("origin", "https://evil.example"), ("host", "rinnalla.example.fi")]),
            &settings()
        ));
        assert!(!is_same_origin(&headers(&[("origin", "null")]), &settings()));
        assert!(!is_same_origin(&headers(&[]), &settings()));
        assert!(!is_same_origin(
            &headers(&[("origin", "https://rinnalla.example.fi"), ("sec-fetch-site", "cross-site")]),
            &settings()
        ));
        assert!(!is_same_origin(
            &headers(&[("referer", "https://rinnalla.example.fi.evil.example/")]),
            &settings()
        ));
    }
}
