//! Opening the database. SQLite is the embedded default; PostgreSQL is for scale. Both run the
//! same migrations, and the server refuses to start when they fail.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, LazyLock, Mutex as StdMutex, PoisonError},
    time::Duration,
};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, Statement,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};
use tokio::sync::{Mutex, OwnedMutexGuard};

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

/// How long a writer waits for its turn, as long as SQLite's own busy timeout: a write that waits
/// for one already holding the turn in its own task (a write on the pool inside a write
/// transaction) fails as SQLite would fail it, instead of waiting for ever.
const WRITE_WAIT: Duration = Duration::from_secs(10);

/// One writer at a time per SQLite file, served in the order they asked.
///
/// SQLite has one write lock per file. A writer that finds it taken waits in SQLite's busy
/// handler, which sleeps longer the longer it has waited (up to 100 ms a try) while newcomers
/// retry within a few milliseconds, so under a steady stream of writes one writer can lose
/// again and again, for seconds. Queuing the process's writers on a fair lock first hands the
/// file's lock over in arrival order instead; the busy timeout still covers writers in other
/// processes. PostgreSQL locks rows, not the database, and has no turns.
static SQLITE_WRITERS: LazyLock<StdMutex<HashMap<PathBuf, Arc<Mutex<()>>>>> = LazyLock::new(Default::default);

/// This process's turn to write to a SQLite file (nothing on PostgreSQL); the turn passes on
/// when it is dropped.
#[must_use]
pub struct WriteTurn {
    _guard: Option<OwnedMutexGuard<()>>,
}

/// Waits for this process's turn to write to `db`. Autocommit writes outside a transaction
/// that run on every request (sessions, the audit trail) take it too; see [`begin_write`].
pub async fn write_turn(db: &DatabaseConnection) -> Result<WriteTurn, DbErr> {
    turn_within(db, WRITE_WAIT).await
}

async fn turn_within(db: &DatabaseConnection, wait: Duration) -> Result<WriteTurn, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(WriteTurn { _guard: None });
    }
    let file = db.get_sqlite_connection_pool().connect_options().get_filename().to_owned();
    let gate = SQLITE_WRITERS.lock().unwrap_or_else(PoisonError::into_inner).entry(file).or_default().clone();
    match tokio::time::timeout(wait, gate.lock_owned()).await {
        Ok(guard) => Ok(WriteTurn { _guard: Some(guard) }),
        Err(_) => Err(DbErr::Custom(format!("no turn to write within {} ms", wait.as_millis()))),
    }
}

/// A transaction that will write. On SQLite it waits for the process's [`WriteTurn`] and then
/// takes the file's write lock at `BEGIN IMMEDIATE`, so what it reads first is still true when
/// it writes (a deferred transaction that read and then writes after another writer committed
/// fails with "database is locked"); on PostgreSQL it is an ordinary transaction, and
/// decisions are made by conditional updates or row locks inside it.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTransaction, DbErr> {
    use sea_orm::TransactionTrait;
    let turn = write_turn(db).await?;
    let txn = db
        .begin_with_options(sea_orm::TransactionOptions {
            isolation_level: None,
            access_mode: None,
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        })
        .await?;
    Ok(WriteTransaction { txn, _turn: turn })
}

/// A transaction holding the turn to write (see [`begin_write`]). Fields drop in order: the
/// transaction ends before the turn passes on.
pub struct WriteTransaction {
    txn: DatabaseTransaction,
    _turn: WriteTurn,
}

impl WriteTransaction {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl std::ops::Deref for WriteTransaction {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
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

#[cfg(test)]
mod write_turn_tests {
    use std::{sync::Arc, time::Duration};

    use sea_orm::ConnectionTrait;
    use tokio::sync::Mutex;

    use super::{begin_write, connect_and_migrate, turn_within, write_turn};
    use crate::backend::testing;

    const INSERT: &str = "INSERT INTO audit_events (at, action, entity, outcome) \
                          VALUES ('2026-12-07 10:00:00+00:00', 'view_client', 'client', 'allowed')";

    #[tokio::test]
    async fn writers_to_one_sqlite_file_take_turns_in_the_order_they_asked() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("turns.db").display());
        // Two pools on one file, as two parts of the server might hold: the turn is the file's.
        let first = connect_and_migrate(&url, 2).await.unwrap();
        let second = super::connect(&url, 2).await.unwrap();

        let holding = begin_write(&first).await.unwrap();
        let served = Arc::new(Mutex::new(Vec::new()));
        let mut writers = Vec::new();
        for n in 0..4 {
            let db = if n % 2 == 0 { second.clone() } else { first.clone() };
            let served = served.clone();
            writers.push(tokio::spawn(async move {
                let _turn = write_turn(&db).await.unwrap();
                db.execute_unprepared(INSERT).await.unwrap();
                served.lock().await.push(n);
            }));
            // Let each writer queue before the next one asks.
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        assert!(served.lock().await.is_empty(), "a writer wrote while the transaction held the turn");
        holding.execute_unprepared(INSERT).await.unwrap();
        holding.commit().await.unwrap();
        for writer in writers {
            writer.await.unwrap();
        }
        assert_eq!(*served.lock().await, vec![0, 1, 2, 3]);

        // Another file is another lock: its writers do not wait for this one's.
        let other_dir = tempfile::tempdir().unwrap();
        let other_url = format!("sqlite://{}?mode=rwc", other_dir.path().join("other.db").display());
        let other = connect_and_migrate(&other_url, 2).await.unwrap();
        let _held = write_turn(&first).await.unwrap();
        let txn = tokio::time::timeout(Duration::from_secs(5), begin_write(&other)).await;
        assert!(txn.is_ok(), "a writer to another file waited for this file's turn");
    }

    #[tokio::test]
    async fn a_write_on_the_pool_inside_a_write_transaction_fails_instead_of_waiting_for_ever() {
        let db = testing::sqlite().await;
        let _holding = begin_write(&db).await.unwrap();
        // As `write_turn`, with a shorter wait than SQLite's busy timeout for the test.
        assert!(turn_within(&db, Duration::from_millis(200)).await.is_err());
    }

    #[tokio::test]
    async fn postgresql_writers_do_not_take_turns() {
        let Some(db) = testing::postgres().await else { return };
        let _holding = begin_write(&db).await.unwrap();
        let second = tokio::time::timeout(Duration::from_secs(5), begin_write(&db)).await;
        assert!(second.is_ok_and(|txn| txn.is_ok()), "a second PostgreSQL transaction waited for the first");
    }
}
