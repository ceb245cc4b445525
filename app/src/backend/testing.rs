//! Test databases, built by running the real migrations: a fresh SQLite file for every test,
//! and, when `TEST_DATABASE_URL` points at a PostgreSQL server, a fresh schema there too.
//!
//! ```ignore
//! for db in testing::databases().await {
//!     // ... the same assertions on SQLite and on PostgreSQL
//! }
//! ```

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use super::db;

/// A migrated database that is removed when dropped.
pub struct TestDb {
    pub conn: DatabaseConnection,
    /// "sqlite" or "postgres", for assertion messages.
    pub backend: &'static str,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile { url: String, _dir: tempfile::TempDir },
    PostgresSchema { admin_url: String, schema: String },
}

impl std::ops::Deref for TestDb {
    type Target = DatabaseConnection;
    fn deref(&self) -> &DatabaseConnection {
        &self.conn
    }
}

/// Every database the suite runs against: SQLite always, PostgreSQL when configured.
pub async fn databases() -> Vec<TestDb> {
    let mut all = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        all.push(pg);
    }
    all
}

/// A fresh SQLite database in a temporary folder.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    let conn = db::connect_and_migrate(&url, 5).await.expect("migrated SQLite database");
    TestDb { conn, backend: "sqlite", cleanup: Cleanup::SqliteFile { url, _dir: dir } }
}

/// The PostgreSQL server to test against, if `TEST_DATABASE_URL` names one.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|url| url.starts_with("postgres"))
}

/// A fresh schema on the PostgreSQL server of `TEST_DATABASE_URL`, or `None` without one.
pub async fn postgres() -> Option<TestDb> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin_url = postgres_url()?;
    let schema = format!(
        "rtest_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        uuid::Uuid::new_v4().simple()
    );
    let admin = Database::connect(admin_url.as_str()).await.expect("TEST_DATABASE_URL reachable");
    admin.execute_unprepared(&format!("CREATE SCHEMA \"{schema}\"")).await.expect("create test schema");
    admin.close().await.ok();

    let mut options = ConnectOptions::new(admin_url.clone());
    options.max_connections(10).sqlx_logging(false).set_schema_search_path(schema.clone());
    let conn = Database::connect(options).await.expect("connect to test schema");
    {
        use migrations::MigratorTrait;
        migrations::Migrator::up(&conn, None).await.expect("migrated PostgreSQL schema");
    }
    Some(TestDb { conn, backend: "postgres", cleanup: Cleanup::PostgresSchema { admin_url, schema } })
}

impl TestDb {
    /// Another connection pool to the same database, as a second server instance has.
    pub async fn second_pool(&self) -> DatabaseConnection {
        match &self.cleanup {
            Cleanup::SqliteFile { url, .. } => db::connect(url, 5).await.expect("second SQLite pool"),
            Cleanup::PostgresSchema { admin_url, schema } => {
                let mut options = ConnectOptions::new(admin_url.clone());
                options.max_connections(10).sqlx_logging(false).set_schema_search_path(schema.clone());
                Database::connect(options).await.expect("second PostgreSQL pool")
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::PostgresSchema { admin_url, schema } = &self.cleanup {
            // Drop cannot await; a short-lived thread with its own runtime removes the schema.
            let (url, schema) = (admin_url.clone(), schema.clone());
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async move {
                        if let Ok(admin) = Database::connect(url.as_str()).await {
                            // The test's runtime is blocked in this drop, so a task of it that
                            // was inside a transaction (the outbox sender, say) can never
                            // finish it: end the connections still holding locks in the
                            // schema, or the DROP would wait for them for ever.
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "SELECT pg_terminate_backend(l.pid) FROM pg_locks l \
                                     JOIN pg_class c ON c.oid = l.relation \
                                     JOIN pg_namespace n ON n.oid = c.relnamespace \
                                     WHERE n.nspname = '{schema}' AND l.pid <> pg_backend_pid()"
                                ))
                                .await;
                            let _ =
                                admin.execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE")).await;
                            admin.close().await.ok();
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// The code an authenticator app shows at `at` for a secret as the setup page shows it (base32
/// in groups): what a person types, for tests that sign in with a second factor.
pub fn app_code(shown_secret: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    let compact: String = shown_secret.chars().filter(|c| !c.is_whitespace()).collect();
    let secret = data_encoding::BASE32_NOPAD.decode(compact.as_bytes()).expect("a base32 secret");
    let totp = totp_rs::Builder::new().with_secret(secret).build().expect("a secret of 160 bits");
    totp.generate(at.timestamp() as u64).to_string()
}
