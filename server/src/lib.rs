//! Rinnalla's server: configuration, database, HTTP routes and middleware, background work
//! and the command line. `main.rs` only parses the command line and calls [`cli::run`].

pub mod api_edge;
pub mod cli;
pub mod config;
pub mod feeds;
pub mod health;
pub mod http;
pub mod metrics;
pub mod security;
pub mod telemetry;
pub mod workers;

use std::net::SocketAddr;

use anyhow::Context as _;
use app::backend::{
    AppState, Settings, db,
    mail::{FileTransport, MailTransport, SmtpTransport},
    outbox::Sender,
};
use leptos::config::get_configuration;
use tokio::net::TcpListener;

use crate::config::Config;

/// A built server: state ready, socket bound. `serve` runs it until shutdown.
pub struct Application {
    listener: TcpListener,
    /// The metrics address's socket and router, when one is configured.
    metrics: Option<(TcpListener, axum::Router)>,
    router: axum::Router,
    pub state: AppState,
    grace: std::time::Duration,
    workers: workers::WorkerSettings,
}

impl Application {
    /// Connects to the database, migrates it (refusing to go on when that fails), and binds the
    /// listen address (port 0 gives a free port, for tests).
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        config.validate()?;
        let db = db::connect_and_migrate(&config.database_url, config.db_max_connections)
            .await
            .context("the database could not be opened and migrated")?;
        Self::build_with_db(config, db).await
    }

    /// As [`Application::build`], with a database the caller has opened and migrated.
    pub async fn build_with_db(config: &Config, db: sea_orm::DatabaseConnection) -> anyhow::Result<Self> {
        config.validate()?;
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        // Without a configured public URL, links point at the address actually bound.
        let mut config = config.clone();
        if config.public_url.is_none() {
            config.public_url = Some(format!("http://{}", listener.local_addr()?));
        }
        let config = &config;
        let mut leptos_options =
            get_configuration(None).context("reading the Leptos options")?.leptos_options;
        leptos_options.site_root = config.site_root.to_string_lossy().as_ref().into();
        leptos_options.site_addr = config.listen;
        // cargo-leptos writes the hashed file names next to the binary when it built them so.
        leptos_options.hash_files = hash_file_exists(&leptos_options.hash_file);
        let from: lettre::message::Mailbox =
            config.mail_from.parse().map_err(|_| config::ConfigError::MailFrom(config.mail_from.clone()))?;
        let transport: std::sync::Arc<dyn MailTransport> = match config.smtp()? {
            Some(smtp) => std::sync::Arc::new(SmtpTransport::new(&smtp).context("the SMTP settings")?),
            None => {
                std::sync::Arc::new(FileTransport::new(config.mail_dir.clone()).with_context(|| {
                    format!("cannot create the mail folder {}", config.mail_dir.display())
                })?)
            }
        };
        tracing::info!(transport = transport.describe(), "e-mail");
        let settings = Settings {
            public_origin: config.public_origin()?,
            session_limits: config.session_limits(),
            trusted_proxies: config.trusted_proxies,
            km_rate_cents: config.km_rate_cents,
            bus_ticket_cents: config.bus_ticket_cents,
            retention_months: config.retention_months,
            sent_mail_days: config.sent_mail_days,
            secret_key: config.secret_key()?,
            second_factor_required: config.require_second_factor,
        };
        let state = AppState {
            leptos_options,
            db,
            settings: std::sync::Arc::new(settings),
            outbox: Sender::new(transport, from),
        };
        let metrics = metrics::Metrics::default();
        let router = http::router(state.clone(), config)?
            .layer(axum::middleware::from_fn_with_state(metrics.clone(), metrics::track));
        let metrics = match config.metrics_listen {
            Some(address) => {
                let listener = TcpListener::bind(address)
                    .await
                    .with_context(|| format!("cannot listen for metrics on {address}"))?;
                Some((listener, metrics::router(metrics, state.clone())))
            }
            None => None,
        };
        let grace = std::time::Duration::from_secs(config.shutdown_grace_secs);
        let workers = workers::WorkerSettings {
            outbox_sender: config.outbox_sender,
            housekeeping: config.housekeeping,
            outbox_poll: std::time::Duration::from_secs(config.outbox_poll_secs.max(1)),
        };
        Ok(Self { listener, metrics, router, state, grace, workers })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound socket has an address")
    }

    /// The metrics address actually bound, when one is configured.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// Serves until SIGTERM or Ctrl-C, then lets running requests finish.
    pub async fn serve(self) -> anyhow::Result<()> {
        let grace = self.grace;
        workers::spawn(self.state.clone(), self.workers.clone());
        if let Some((listener, router)) = self.metrics {
            tracing::info!(address = %listener.local_addr()?, "metrics");
            // Ends with the process; a scrape holds nothing that needs finishing.
            tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, router).await {
                    tracing::error!(%error, "the metrics server failed");
                }
            });
        }
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown_signal(grace))
            .await
            .context("the HTTP server failed")
    }
}

fn hash_file_exists(name: &str) -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .is_some_and(|path| path.is_file())
}

async fn shutdown_signal(grace: std::time::Duration) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!(grace_secs = grace.as_secs(), "shutting down: finishing running requests");
    // If requests do not finish within the grace period, stop anyway.
    tokio::spawn(async move {
        tokio::time::sleep(grace).await;
        tracing::warn!("grace period over; exiting");
        std::process::exit(0);
    });
}
