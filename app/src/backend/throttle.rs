//! Attempts counted against a limit: sign-ins and reset requests. An attempt is written before
//! the work it stands for (the password check, the mail), and the count and the write happen
//! under one lock on the attempt's keys, so parallel requests cannot all pass the count:
//! the sixth of sixty parallel guesses sees the first five.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    QueryFilter, QuerySelect, Statement,
};

use super::{db, entities::sign_in_failure as attempt};
use crate::domain::sign_in::{LONGEST_WINDOW, ThrottleRule, retry_after};

/// A key (what is counted: "account:…", "address:…") and the rule it is held to.
pub type Key = (String, ThrottleRule);

/// An attempt was refused: the key (its index in the caller's list) that is over its limit,
/// and how long until it is under again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverLimit {
    pub key: usize,
    pub wait: Duration,
}

/// Counts an attempt against every key: refused when any is at its limit (nothing is written
/// then); else one row per key is written and their ids returned, for the caller to take
/// back an attempt that should not count after all (a sign-in that succeeded).
pub async fn attempt(
    conn: &DatabaseConnection,
    keys: &[Key],
    now: DateTime<Utc>,
) -> Result<Result<Vec<i64>, OverLimit>, DbErr> {
    let txn = db::begin_write(conn).await?;
    lock(&txn, keys).await?;
    // The clock is read under the lock: a request that started earlier but got the lock later
    // must still see (and not count as "in the future") the attempts written before it.
    let now = now.max(Utc::now());
    for (index, (key, rule)) in keys.iter().enumerate() {
        let times: Vec<DateTime<Utc>> = attempt::Entity::find()
            .select_only()
            .column(attempt::Column::At)
            .filter(attempt::Column::Key.eq(key.as_str()))
            .filter(attempt::Column::At.gt(now - rule.window))
            .into_tuple()
            .all(&txn)
            .await?;
        if let Some(wait) = retry_after(*rule, &times, now) {
            txn.rollback().await?;
            return Ok(Err(OverLimit { key: index, wait }));
        }
    }
    let mut ids = Vec::with_capacity(keys.len());
    for (key, _) in keys {
        let row = attempt::ActiveModel { id: NotSet, key: Set(key.clone()), at: Set(now) };
        ids.push(attempt::Entity::insert(row).exec(&txn).await?.last_insert_id);
    }
    txn.commit().await?;
    Ok(Ok(ids))
}

/// On SQLite `BEGIN IMMEDIATE` already serializes writers; on PostgreSQL each key gets a
/// transaction-scoped advisory lock, taken in one order so two requests never wait on each other.
async fn lock(txn: &DatabaseTransaction, keys: &[Key]) -> Result<(), DbErr> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut names: Vec<&str> = keys.iter().map(|(key, _)| key.as_str()).collect();
    names.sort_unstable();
    for name in names {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            [name.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Takes back attempts that no longer count.
pub async fn forget(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    if !ids.is_empty() {
        attempt::Entity::delete_many().filter(attempt::Column::Id.is_in(ids.to_vec())).exec(db).await?;
    }
    Ok(())
}

/// Forgets every attempt under `key` (a sign-in that succeeded forgives its account's).
pub async fn forget_key(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    attempt::Entity::delete_many().filter(attempt::Column::Key.eq(key)).exec(db).await?;
    Ok(())
}

/// Forgets attempts older than any rule's window (run now and then).
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
    attempt::Entity::delete_many().filter(attempt::Column::At.lt(now - LONGEST_WINDOW)).exec(db).await?;
    Ok(())
}
