//! How failures below the services become the errors people see, converted once with `?`.
//!
//! A database error is logged with its cause (the request's tracing span names the request)
//! and answers `Internal`, except a unique violation, which means the record would collide
//! with another one: `Conflict`. Background jobs, which answer nobody, keep their own
//! [`JobError`].

use sea_orm::{DbErr, EntityTrait, PrimaryKeyTrait, SqlErr, TransactionError};

use crate::dto::AppError;

impl From<DbErr> for AppError {
    fn from(error: DbErr) -> Self {
        // Decided by the driver's error code on both databases, never by message text.
        if let Some(SqlErr::UniqueConstraintViolation(detail)) = error.sql_err() {
            tracing::info!(%detail, "a write collided with an existing record");
            return AppError::Conflict;
        }
        AppError::internal(error)
    }
}

impl From<TransactionError<AppError>> for AppError {
    fn from(error: TransactionError<AppError>) -> Self {
        match error {
            TransactionError::Connection(error) => error.into(),
            TransactionError::Transaction(error) => error,
        }
    }
}

/// The failure of a background job (reminders, escalations, housekeeping): logged by the
/// worker that ran it, never shown to anyone.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("{0}")]
    Other(String),
}

impl From<AppError> for JobError {
    fn from(error: AppError) -> Self {
        JobError::Other(error.to_string())
    }
}

/// A domain enum read back from the name it was stored by. A name nothing writes means the
/// data is broken: logged, and answered `Internal`.
pub fn stored<T: std::str::FromStr>(text: &str) -> Result<T, AppError> {
    text.parse()
        .map_err(|_| AppError::internal(format!("unknown stored {} {text:?}", std::any::type_name::<T>())))
}

/// Finds the row with primary key `id`, or answers `NotFound`.
pub async fn find<E>(
    db: &impl sea_orm::ConnectionTrait,
    id: impl Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
) -> Result<E::Model, AppError>
where
    E: EntityTrait,
{
    E::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

/// Failures that can only be ours (a value we built does not serialize, a session store or a
/// hasher fails): logged, and answered `Internal`.
macro_rules! internal_from {
    ($($error:ty),+ $(,)?) => {
        $(impl From<$error> for AppError {
            fn from(error: $error) -> Self {
                AppError::internal(error)
            }
        })+
    };
}

/// Too many passwords are being checked at once: the same answer as any other pause.
impl From<super::passwords::Busy> for AppError {
    fn from(_: super::passwords::Busy) -> Self {
        AppError::RateLimited { retry_after_secs: 5 }
    }
}

internal_from!(
    serde_json::Error,
    tower_sessions::session::Error,
    super::passwords::PasswordError,
    csv::Error,
    csv::IntoInnerError<csv::Writer<Vec<u8>>>,
    std::string::FromUtf8Error,
);
