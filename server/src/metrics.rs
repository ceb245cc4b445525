//! The operators' view: Prometheus metrics on an address of their own
//! (`RINNALLA_METRICS_LISTEN`, e.g. `127.0.0.1:9464`), never on the public one, so nothing about
//! the service's traffic is reachable from the internet and no token has to be kept. Requests
//! are counted and timed by route template (`/clients/{id}`, never an id), so the number of
//! series stays fixed; the outbox and the database pool are read at each scrape.

use std::{sync::Arc, time::Instant};

use app::backend::{AppState, entities::outbox_message, outbox};
use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The metrics of one server: shared by the middleware that counts and the scrape that reads.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Latency,
    outbox_messages: Family<StatusLabels, Gauge>,
    outbox_oldest_waiting: Gauge<f64, std::sync::atomic::AtomicU64>,
    pool_connections: Gauge,
    pool_idle: Gauge,
}

fn latency_buckets() -> Histogram {
    // 1 ms to about 8 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 14))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("rinnalla");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by method, route and status",
            requests.clone(),
        );
        let latency: Latency = Family::new_with_constructor(latency_buckets);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its answer's headers, by method and route",
            latency.clone(),
        );
        let outbox_messages = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "outbox_messages",
            "E-mails in the outbox by status: queued (waiting or retrying), dead (given up)",
            outbox_messages.clone(),
        );
        let outbox_oldest_waiting = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "outbox_oldest_queued_age_seconds",
            "Age of the oldest e-mail still waiting to be sent (0 when none waits)",
            outbox_oldest_waiting.clone(),
        );
        let pool_connections = Gauge::default();
        registry.register("db_pool_connections", "Database connections open", pool_connections.clone());
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Database connections open and idle",
            pool_idle.clone(),
        );
        Self {
            registry: Arc::new(registry),
            requests,
            latency,
            outbox_messages,
            outbox_oldest_waiting,
            pool_connections,
            pool_idle,
        }
    }
}

/// The route a request matched, as its template; files and unknown paths in two fixed groups.
fn route_of(request: &Request) -> String {
    match request.extensions().get::<MatchedPath>() {
        Some(path) => path.as_str().to_owned(),
        None if request.uri().path().starts_with("/pkg/") => "/pkg/*".to_owned(),
        None => "other".to_owned(),
    }
}

fn method_of(request: &Request) -> String {
    use axum::http::Method;
    let method = request.method();
    if [Method::GET, Method::POST, Method::HEAD].contains(method) { method.as_str() } else { "other" }
        .to_owned()
}

/// Middleware: counts and times every request.
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let (method, route) = (method_of(&request), route_of(&request));
    let started = Instant::now();
    let response = next.run(request).await;
    metrics
        .latency
        .get_or_create(&RouteLabels { method: method.clone(), route: route.clone() })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels { method, route, status: response.status().as_u16().to_string() })
        .inc();
    response
}

/// The scrape: reads the outbox and the pool, then writes every metric as text.
async fn scrape(State((metrics, state)): State<(Metrics, AppState)>) -> Response {
    match metrics.read_gauges(&state).await {
        Ok(()) => {}
        Err(error) => {
            tracing::warn!(%error, "metrics: the outbox could not be read");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    let mut body = String::new();
    if encode(&mut body, &metrics.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body)
        .into_response()
}

impl Metrics {
    async fn read_gauges(&self, state: &AppState) -> Result<(), sea_orm::DbErr> {
        for status in [outbox::QUEUED, outbox::DEAD] {
            let count = outbox_message::Entity::find()
                .filter(outbox_message::Column::Status.eq(status))
                .count(&state.db)
                .await?;
            self.outbox_messages
                .get_or_create(&StatusLabels { status: status.to_owned() })
                .set(i64::try_from(count).unwrap_or(i64::MAX));
        }
        let oldest: Option<chrono::DateTime<chrono::Utc>> = outbox_message::Entity::find()
            .select_only()
            .column(outbox_message::Column::CreatedAt)
            .filter(outbox_message::Column::Status.eq(outbox::QUEUED))
            .order_by_asc(outbox_message::Column::CreatedAt)
            .into_tuple()
            .one(&state.db)
            .await?;
        let age =
            oldest.map_or(0.0, |at| (chrono::Utc::now() - at).num_milliseconds().max(0) as f64 / 1000.0);
        self.outbox_oldest_waiting.set(age);
        let (size, idle) = pool_use(&state.db);
        self.pool_connections.set(size);
        self.pool_idle.set(idle);
        Ok(())
    }
}

/// Open and idle connections of the database pool.
fn pool_use(db: &sea_orm::DatabaseConnection) -> (i64, i64) {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        sea_orm::DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        _ => (0, 0),
    }
}

/// The metrics address's own router: `GET /metrics` and nothing else.
pub fn router(metrics: Metrics, state: AppState) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state((metrics, state))
}
