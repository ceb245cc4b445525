//! Configuration: every setting is an environment variable (or the flag of the same name) with
//! a default that serves a development machine. The README's configuration table lists them.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    /// Friendly defaults: plain HTTP allowed, e-mail written to files.
    Development,
    /// Refuses unsafe settings (non-HTTPS public URL, e-mail to files).
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database: a SQLite file (the default) or a PostgreSQL URL.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/rinnalla.db?mode=rwc")]
    pub database_url: String,

    /// Most connections the pool opens.
    #[arg(long, env = "RINNALLA_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,

    /// Address and port to listen on.
    #[arg(long, env = "RINNALLA_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// The address users reach the app at, used for links in e-mails and the same-origin
    /// check of form posts. Defaults to http://<listen>.
    #[arg(long, env = "RINNALLA_PUBLIC_URL")]
    pub public_url: Option<String>,

    #[arg(long, env = "RINNALLA_ENV", value_enum, default_value = "development")]
    pub environment: Environment,

    /// Log filter, in tracing's EnvFilter syntax.
    #[arg(long, env = "RUST_LOG", default_value = "info,sqlx=warn,sea_orm=warn")]
    pub log: String,

    #[arg(long, env = "RINNALLA_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,

    /// Where the built site (WASM, JS, CSS, assets) is served from; cargo-leptos sets it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Minutes without activity after which a session ends.
    #[arg(long, env = "RINNALLA_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,

    /// Hours after sign-in after which a session ends whatever the activity.
    #[arg(long, env = "RINNALLA_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,

    /// Take the client's address from X-Forwarded-For (only behind a trusted reverse proxy).
    #[arg(long, env = "RINNALLA_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// Where e-mail is written as .eml files (the development mail transport).
    #[arg(long, env = "RINNALLA_MAIL_DIR", default_value = "data/mail")]
    pub mail_dir: PathBuf,

    /// The sender of Rinnalla's e-mails.
    #[arg(long, env = "RINNALLA_MAIL_FROM", default_value = "Rinnalla <noreply@rinnalla.example>")]
    pub mail_from: String,

    /// Seconds to let running requests finish after SIGTERM.
    #[arg(long, env = "RINNALLA_SHUTDOWN_GRACE_SECS", default_value_t = 20)]
    pub shutdown_grace_secs: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("RINNALLA_PUBLIC_URL must be an http(s) URL without a path, got {0:?}")]
    PublicUrl(String),
    #[error("in production RINNALLA_PUBLIC_URL must be set and use https")]
    ProductionNeedsHttps,
    #[error("session lifetimes must be positive, and the idle one shorter than the maximum")]
    SessionLimits,
    #[error("RINNALLA_MAIL_FROM is not a valid address: {0:?}")]
    MailFrom(String),
}

impl Config {
    /// The public origin (scheme://host[:port]) without a trailing slash.
    pub fn public_origin(&self) -> Result<String, ConfigError> {
        let url = match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        };
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| ConfigError::PublicUrl(url.clone()))?;
        if rest.is_empty() || rest.contains('/') {
            return Err(ConfigError::PublicUrl(url));
        }
        Ok(url)
    }

    /// Checks the settings that must hold before the server starts.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let origin = self.public_origin()?;
        if self.environment == Environment::Production && !origin.starts_with("https://") {
            return Err(ConfigError::ProductionNeedsHttps);
        }
        let limits = self.session_limits();
        if limits.idle <= chrono::Duration::zero() || limits.absolute < limits.idle {
            return Err(ConfigError::SessionLimits);
        }
        Ok(())
    }

    pub fn session_limits(&self) -> app::domain::sign_in::SessionLimits {
        app::domain::sign_in::SessionLimits {
            idle: chrono::Duration::minutes(self.session_idle_minutes),
            absolute: chrono::Duration::hours(self.session_max_hours),
        }
    }

    /// Session cookies are `Secure` whenever users reach us over HTTPS.
    pub fn uses_https(&self) -> bool {
        self.public_origin().is_ok_and(|o| o.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    fn parse(args: &[&str]) -> Config {
        let mut all = vec!["server"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).expect("valid arguments").config
    }

    #[test]
    fn public_origin_defaults_to_the_listen_address() {
        let config = parse(&["--listen", "127.0.0.1:4000"]);
        assert_eq!(config.public_origin().unwrap(), "http://127.0.0.1:4000");
    }

    #[test]
    fn public_origin_drops_a_trailing_slash_and_refuses_paths() {
        let config = parse(&["--public-url", "https://rinnalla.example.fi/"]);
        assert_eq!(config.public_origin().unwrap(), "https://rinnalla.example.fi");
        let config = parse(&["--public-url", "https://rinnalla.example.fi/app"]);
        assert!(matches!(config.public_origin(), Err(ConfigError::PublicUrl(_))));
        let config = parse(&["--public-url", "rinnalla.example.fi"]);
        assert!(matches!(config.public_origin(), Err(ConfigError::PublicUrl(_))));
    }

    #[test]
    fn production_refuses_plain_http() {
        let config = parse(&["--environment", "production", "--public-url", "http://x.fi"]);
        assert!(matches!(config.validate(), Err(ConfigError::ProductionNeedsHttps)));
        let config = parse(&["--environment", "production", "--public-url", "https://x.fi"]);
        assert!(config.validate().is_ok());
        assert!(config.uses_https());
    }
}
