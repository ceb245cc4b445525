//! Sessions kept in the app's own database (sea-orm), so one connection pool serves
//! everything and several server instances share sessions. The signed-in user's id is copied
//! into its own column, so all of a person's sessions can be ended at once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::OnConflict,
};
use tower_sessions::{
    ExpiredDeletion, SessionStore,
    session::{Id, Record},
    session_store::{Error, Result},
};

use super::{db::write_turn, entities::session};

/// Where the signed-in user's id sits in the session data (see `auth::SignedIn`).
fn user_id_of(record: &Record) -> Option<i64> {
    record.data.get(super::auth::SIGNED_IN_KEY)?.get("user_id")?.as_i64()
}

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn backend(error: sea_orm::DbErr) -> Error {
    Error::Backend(error.to_string())
}

fn to_chrono(at: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond()).unwrap_or_default()
}

fn row(record: &Record) -> Result<session::ActiveModel> {
    let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
    Ok(session::ActiveModel {
        id: Set(record.id.to_string()),
        user_id: Set(user_id_of(record)),
        data: Set(data),
        expires_at: Set(to_chrono(record.expiry_date)),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A new id until one is free (a collision of 128 random bits is theoretical, but a
        // store must not overwrite someone else's session).
        loop {
            let exists = session::Entity::find_by_id(record.id.to_string())
                .one(&self.db)
                .await
                .map_err(backend)?
                .is_some();
            if !exists {
                break;
            }
            record.id = Id::default();
        }
        let _turn = write_turn(&self.db).await.map_err(backend)?;
        session::Entity::insert(row(record)?).exec_without_returning(&self.db).await.map_err(backend)?;
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        // Every request saves its session (it expires after inactivity): in turn with the
        // other writers.
        let _turn = write_turn(&self.db).await.map_err(backend)?;
        session::Entity::insert(row(record)?)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([
                        session::Column::UserId,
                        session::Column::Data,
                        session::Column::ExpiresAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let found = session::Entity::find_by_id(id.to_string())
            .filter(session::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some(found) = found else { return Ok(None) };
        let data = serde_json::from_str(&found.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(found.expires_at.timestamp())
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let _turn = write_turn(&self.db).await.map_err(backend)?;
        session::Entity::delete_by_id(id.to_string()).exec(&self.db).await.map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> Result<()> {
        let _turn = write_turn(&self.db).await.map_err(backend)?;
        session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(Utc::now()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Ends every session of one person (deactivation, password change).
pub async fn end_all_sessions_of(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i64,
) -> std::result::Result<(), sea_orm::DbErr> {
    session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(())
}

/// How many of one person's sessions their list shows, newest first: more than anyone has
/// open (each ends after its idle time), few enough for one page.
pub const LISTED_AT_MOST: u64 = 50;

/// A session's handle: names it in its owner's list and in "end this one" without being its
/// id, which is the secret in the cookie.
pub fn handle_of(id: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("rinnalla-session:{id}").as_bytes());
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// One person's live sessions (id and what it keeps), most recently renewed first.
pub async fn sessions_of(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> std::result::Result<Vec<(String, super::auth::SignedIn)>, sea_orm::DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    let rows = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::ExpiresAt)
        .limit(LISTED_AT_MOST)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let data: serde_json::Value = serde_json::from_str(&row.data).ok()?;
            let signed_in = serde_json::from_value(data.get(super::auth::SIGNED_IN_KEY)?.clone()).ok()?;
            Some((row.id, signed_in))
        })
        .collect())
}

/// Ends the session of `user_id` with this handle; whether there was one.
pub async fn end_by_handle(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i64,
    handle: &str,
    now: DateTime<Utc>,
) -> std::result::Result<bool, sea_orm::DbErr> {
    let Some((id, _)) =
        sessions_of(db, user_id, now).await?.into_iter().find(|(id, _)| handle_of(id) == handle)
    else {
        return Ok(false);
    };
    let deleted = session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}
