//! Opening the database. SQLite is the embedded default; PostgreSQL is for scale. Both run the
//! same migrations, and the server refuses to start when they fail.

use std::time::Duration;

use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

/// Connects to `url`, creating a SQLite file's folder when needed.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file_path(url)
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| DbErr::Custom(format!("cannot create the folder {}: {e}", parent.display())))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // WAL lets readers go on while one writer writes; the busy timeout makes a second
        // writer wait instead of failing at once.
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    Database::connect(options).await
}

/// Connects and brings the schema up to date.
pub async fn connect_and_migrate(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    use migrations::MigratorTrait;
    let db = connect(url, max_connections).await?;
    migrations::Migrator::up(&db, None).await?;
    Ok(db)
}

/// The file behind a `sqlite:` URL, or `None` for other databases and in-memory SQLite.
fn sqlite_file_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::sqlite_file_path;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(sqlite_file_path("sqlite://data/r.db?mode=rwc"), Some("data/r.db"));
        assert_eq!(sqlite_file_path("sqlite:data/r.db"), Some("data/r.db"));
        assert_eq!(sqlite_file_path("sqlite::memory:"), None);
        assert_eq!(sqlite_file_path("postgres://postgres@127.0.0.1/test"), None);
    }
}

#[cfg(test)]
mod goals_schema_tests;

#[cfg(test)]
mod migration_tests {
    use migrations::MigratorTrait;
    use sea_orm::ConnectionTrait;

    use crate::backend::testing;

    #[tokio::test]
    async fn migrations_go_down_and_up_again_on_every_database() {
        for db in testing::databases().await {
            migrations::Migrator::down(&db.conn, None)
                .await
                .unwrap_or_else(|e| panic!("{}: down: {e}", db.backend));
            assert!(migrations::Migrator::get_applied_migrations(&db.conn).await.unwrap().is_empty());
            migrations::Migrator::up(&db.conn, None)
                .await
                .unwrap_or_else(|e| panic!("{}: up: {e}", db.backend));
            let tables = [
                "goals",
                "reward_entries",
                "feedback_tallies",
                "users",
                "user_roles",
                "sessions",
                "account_tokens",
                "sign_in_failures",
                "audit_events",
                "clients",
                "outing_signups",
                "outing_work",
            ];
            for table in tables {
                db.conn
                    .execute_unprepared(&format!("SELECT COUNT(*) FROM {table}"))
                    .await
                    .unwrap_or_else(|e| panic!("{}: {table}: {e}", db.backend));
            }
        }
    }

    #[tokio::test]
    async fn the_audit_trail_refuses_updates_and_deletes() {
        for db in testing::databases().await {
            db.conn
                .execute_unprepared(
                    "INSERT INTO audit_events (at, action, entity, outcome) \
                     VALUES ('2026-11-23 10:00:00+00:00', 'view_client', 'client', 'allowed')",
                )
                .await
                .unwrap();
            let update = db.conn.execute_unprepared("UPDATE audit_events SET outcome = 'denied'").await;
            assert!(update.is_err(), "{}: an update went through", db.backend);
            let delete = db.conn.execute_unprepared("DELETE FROM audit_events").await;
            assert!(delete.is_err(), "{}: a delete went through", db.backend);
        }
    }
}

/// A transaction that will write. On SQLite it takes the write lock at `BEGIN IMMEDIATE`, so
/// what it reads first is still true when it writes (a deferred transaction that read and then
/// writes after another writer committed fails with "database is locked"); on PostgreSQL it is
/// an ordinary transaction, and decisions are made by conditional updates or row locks inside it.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::TransactionTrait;
    db.begin_with_options(sea_orm::TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
    })
    .await
}

/// The outcome of a conditional update that decides something once (`… WHERE used_at IS NULL`,
/// `WHERE status = 'pending'`): it changed its one row, or someone else decided first and the
/// caller answers `otherwise` (and its transaction rolls back).
pub fn decided_once(
    result: sea_orm::UpdateResult,
    otherwise: crate::dto::AppError,
) -> Result<(), crate::dto::AppError> {
    if result.rows_affected == 1 { Ok(()) } else { Err(otherwise) }
}
