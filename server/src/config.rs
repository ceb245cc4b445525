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
pub enum SmtpSecurityArg {
    Starttls,
    Tls,
    None,
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

    /// Where Prometheus scrapes `GET /metrics` (e.g. 127.0.0.1:9464): an address of its own,
    /// never the public one. Unset, no metrics are served.
    #[arg(long, env = "RINNALLA_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

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

    /// How many reverse proxies of our own are in front of the server. The client's address
    /// (for sign-in limits and the audit trail) is then the X-Forwarded-For entry that many
    /// from the right; 0 uses the connection's address and ignores the header.
    #[arg(long, env = "RINNALLA_TRUSTED_PROXIES", default_value_t = 0)]
    pub trusted_proxies: usize,

    /// SMTP server for e-mail. Without it, e-mail is written as .eml files (development).
    #[arg(long, env = "RINNALLA_SMTP_HOST")]
    pub smtp_host: Option<String>,

    /// SMTP port; defaults to 587 for STARTTLS, 465 for TLS, 25 without encryption.
    #[arg(long, env = "RINNALLA_SMTP_PORT")]
    pub smtp_port: Option<u16>,

    #[arg(long, env = "RINNALLA_SMTP_SECURITY", value_enum, default_value = "starttls")]
    pub smtp_security: SmtpSecurityArg,

    #[arg(long, env = "RINNALLA_SMTP_USERNAME")]
    pub smtp_username: Option<String>,

    #[arg(long, env = "RINNALLA_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,

    /// Seconds an SMTP connection or command may take.
    #[arg(long, env = "RINNALLA_SMTP_TIMEOUT_SECS", default_value_t = 30)]
    pub smtp_timeout_secs: u64,

    /// A PEM file of an extra certificate authority to trust for the SMTP server.
    #[arg(long, env = "RINNALLA_SMTP_CA_CERT")]
    pub smtp_ca_cert: Option<PathBuf>,

    /// Allow the .eml file transport in production (for a staging machine without mail).
    #[arg(long, env = "RINNALLA_ALLOW_FILE_MAIL", default_value_t = false)]
    pub allow_file_mail: bool,

    /// Run the outbox sender in this instance (several instances may all run it).
    #[arg(long, env = "RINNALLA_OUTBOX_SENDER", default_value_t = true, action = clap::ArgAction::Set)]
    pub outbox_sender: bool,

    /// Run the housekeeping worker in this instance: expired sessions, retention, first-contact
    /// escalations, reminders, review meetings, lapsed outing places. Safe in every instance
    /// (each step is idempotent); with several, one is enough.
    #[arg(long, env = "RINNALLA_HOUSEKEEPING", default_value_t = true, action = clap::ArgAction::Set)]
    pub housekeeping: bool,

    /// Seconds between looks at the outbox when nothing wakes the sender sooner.
    #[arg(long, env = "RINNALLA_OUTBOX_POLL_SECS", default_value_t = 5)]
    pub outbox_poll_secs: u64,

    /// Where e-mail is written as .eml files (the development mail transport).
    #[arg(long, env = "RINNALLA_MAIL_DIR", default_value = "data/mail")]
    pub mail_dir: PathBuf,

    /// The sender of Rinnalla's e-mails.
    #[arg(long, env = "RINNALLA_MAIL_FROM", default_value = "Rinnalla <noreply@rinnalla.example>")]
    pub mail_from: String,

    /// The kilometre allowance for rides in a guide's own car, in euro cents per kilometre
    /// (set it to the year's tax-free rate of the Finnish Tax Administration).
    #[arg(long, env = "RINNALLA_KM_RATE_CENTS", default_value_t = 52)]
    pub km_rate_cents: u32,

    /// A client council participant's travel is paid back at this bus-ticket price, in euro
    /// cents per meeting attended (set it to the local single-ticket price).
    #[arg(long, env = "RINNALLA_BUS_TICKET_CENTS", default_value_t = 300)]
    pub bus_ticket_cents: u32,

    /// Months a client's personal details are kept after their guidance closed; then they are
    /// cleared and only counts stay (the official record is the social worker's system).
    #[arg(long, env = "RINNALLA_RETENTION_MONTHS", default_value_t = app::domain::retention::DEFAULT_MONTHS)]
    pub retention_months: u32,

    /// Days a sent e-mail keeps its text in the outbox; then only who, what kind, the subject
    /// and when stay. Invitation and reset mails are cleared the moment they are sent.
    #[arg(long, env = "RINNALLA_SENT_MAIL_DAYS", default_value_t = 30)]
    pub sent_mail_days: u32,

    /// The key that seals second-factor secrets in the database: 64 hexadecimal digits (for
    /// example from `openssl rand -hex 32`), kept apart from the database's backups. Required
    /// in production; a development server without it keeps one in RINNALLA_SECRET_KEY_FILE.
    #[arg(long, env = "RINNALLA_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Where a development server keeps its own secret key when RINNALLA_SECRET_KEY is unset.
    #[arg(long, env = "RINNALLA_SECRET_KEY_FILE", default_value = "data/secret.key")]
    pub secret_key_file: PathBuf,

    /// Admins and coordinators must set up a second factor (an authenticator app). Production
    /// refuses `false`; `serve --demo` turns it off, so the demo can be tried without an app.
    #[arg(long, env = "RINNALLA_REQUIRE_SECOND_FACTOR", default_value_t = true, action = clap::ArgAction::Set)]
    pub require_second_factor: bool,

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
    #[error(
        "in production e-mail needs RINNALLA_SMTP_HOST (or RINNALLA_ALLOW_FILE_MAIL=true to write files)"
    )]
    ProductionNeedsSmtp,
    #[error("cannot read RINNALLA_SMTP_CA_CERT {0}: {1}")]
    CaCert(String, String),
    #[error(
        "in production RINNALLA_SECRET_KEY must be set (64 hexadecimal digits, e.g. `openssl rand -hex 32`)"
    )]
    ProductionNeedsSecretKey,
    #[error("RINNALLA_SECRET_KEY must be 64 hexadecimal digits")]
    SecretKey,
    #[error(
        "in production admins and coordinators must have a second factor: RINNALLA_REQUIRE_SECOND_FACTOR cannot be false"
    )]
    ProductionNeedsSecondFactor,
    #[error("cannot read or write the secret key file {0}: {1}")]
    SecretKeyFile(String, String),
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
        if self.environment == Environment::Production && self.smtp_host.is_none() && !self.allow_file_mail {
            return Err(ConfigError::ProductionNeedsSmtp);
        }
        if self.environment == Environment::Production && self.secret_key.is_none() {
            return Err(ConfigError::ProductionNeedsSecretKey);
        }
        if let Some(key) = &self.secret_key {
            app::backend::secret_box::SecretKey::from_hex(key).map_err(|_| ConfigError::SecretKey)?;
        }
        if self.environment == Environment::Production && !self.require_second_factor {
            return Err(ConfigError::ProductionNeedsSecondFactor);
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

    /// The SMTP settings, when an SMTP server is configured.
    pub fn smtp(&self) -> Result<Option<app::backend::mail::SmtpSettings>, ConfigError> {
        use app::backend::mail::{SmtpSecurity, SmtpSettings};
        let Some(host) = &self.smtp_host else { return Ok(None) };
        let security = match self.smtp_security {
            SmtpSecurityArg::Starttls => SmtpSecurity::StartTls,
            SmtpSecurityArg::Tls => SmtpSecurity::Tls,
            SmtpSecurityArg::None => SmtpSecurity::None,
        };
        let port = self.smtp_port.unwrap_or(match security {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        });
        let ca_certificate = match &self.smtp_ca_cert {
            Some(path) => Some(
                std::fs::read(path)
                    .map_err(|e| ConfigError::CaCert(path.display().to_string(), e.to_string()))?,
            ),
            None => None,
        };
        Ok(Some(SmtpSettings {
            host: host.clone(),
            port,
            security,
            username: self.smtp_username.clone(),
            password: self.smtp_password.clone(),
            timeout: std::time::Duration::from_secs(self.smtp_timeout_secs),
            ca_certificate,
        }))
    }

    /// The key that seals second-factor secrets: RINNALLA_SECRET_KEY, or on a development
    /// server a random key kept in its own file (made on first start, readable by its owner
    /// only).
    pub fn secret_key(&self) -> Result<app::backend::secret_box::SecretKey, ConfigError> {
        use app::backend::secret_box::SecretKey;
        if let Some(hex) = &self.secret_key {
            return SecretKey::from_hex(hex).map_err(|_| ConfigError::SecretKey);
        }
        if self.environment == Environment::Production {
            return Err(ConfigError::ProductionNeedsSecretKey);
        }
        let path = &self.secret_key_file;
        let file_error =
            |e: std::io::Error| ConfigError::SecretKeyFile(path.display().to_string(), e.to_string());
        if !path.exists() {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(file_error)?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(file_error)?;
            std::io::Write::write_all(&mut file, SecretKey::random_hex().as_bytes()).map_err(file_error)?;
            tracing::warn!(path = %path.display(), "made a development secret key; set RINNALLA_SECRET_KEY in production");
        }
        let hex = std::fs::read_to_string(path).map_err(file_error)?;
        SecretKey::from_hex(&hex).map_err(|_| ConfigError::SecretKey)
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

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn production_needs_a_secret_key_and_the_second_factor() {
        let base = ["--environment", "production", "--public-url", "https://x.fi", "--allow-file-mail"];
        assert!(matches!(parse(&base).validate(), Err(ConfigError::ProductionNeedsSecretKey)));
        assert!(matches!(parse(&base).secret_key(), Err(ConfigError::ProductionNeedsSecretKey)));
        let mut keyed = base.to_vec();
        keyed.extend(["--secret-key", KEY]);
        assert!(parse(&keyed).validate().is_ok());
        let mut lax = keyed.clone();
        lax.extend(["--require-second-factor", "false"]);
        assert!(matches!(parse(&lax).validate(), Err(ConfigError::ProductionNeedsSecondFactor)));
        let mut short = base.to_vec();
        short.extend(["--secret-key", "abcd"]);
        assert!(matches!(parse(&short).validate(), Err(ConfigError::SecretKey)));
    }

    #[test]
    fn a_development_server_keeps_its_own_key_in_a_file_only_its_owner_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("secret.key");
        let config = parse(&["--secret-key-file", path.to_str().unwrap()]);
        let first = config.secret_key().unwrap();
        let sealed = first.seal(b"secret", "totp:1");
        // The same key on the next start: what was sealed still opens.
        assert_eq!(config.secret_key().unwrap().open(&sealed, "totp:1").unwrap(), b"secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
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
        let config = parse(&[
            "--environment",
            "production",
            "--public-url",
            "https://x.fi",
            "--smtp-host",
            "mail.x.fi",
            "--secret-key",
            KEY,
        ]);
        assert!(config.validate().is_ok());
        assert!(config.uses_https());
    }

    #[test]
    fn production_refuses_the_file_transport_unless_allowed() {
        let base = ["--environment", "production", "--public-url", "https://x.fi", "--secret-key", KEY];
        assert!(matches!(parse(&base).validate(), Err(ConfigError::ProductionNeedsSmtp)));
        let mut allowed = base.to_vec();
        allowed.push("--allow-file-mail");
        assert!(parse(&allowed).validate().is_ok());
        assert!(parse(&[]).validate().is_ok(), "development writes files by default");
    }

    #[test]
    fn smtp_ports_follow_the_security_mode() {
        let port = |args: &[&str]| parse(args).smtp().unwrap().unwrap().port;
        assert_eq!(port(&["--smtp-host", "m"]), 587);
        assert_eq!(port(&["--smtp-host", "m", "--smtp-security", "tls"]), 465);
        assert_eq!(port(&["--smtp-host", "m", "--smtp-security", "none"]), 25);
        assert_eq!(port(&["--smtp-host", "m", "--smtp-port", "2525"]), 2525);
        assert!(parse(&[]).smtp().unwrap().is_none());
    }
}
