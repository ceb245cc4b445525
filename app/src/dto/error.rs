//! The error every server function returns. It crosses the wire as JSON, carries no internal
//! detail (those are logged with the request id), and each variant has a translated message.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

pub use crate::domain::validation::{FieldError, ValidationCode};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input was refused; the fields say why, in codes the UI translates.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// Not signed in, or the session has ended.
    #[error("not signed in")]
    Unauthorized,
    /// Wrong e-mail or password; deliberately the same for an unknown e-mail.
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    /// Signed in, but the policy does not allow this.
    #[error("not allowed")]
    Forbidden,
    /// An admin or a coordinator without a second factor: nothing but setting one up is
    /// allowed until they have.
    #[error("a second factor must be set up first")]
    SecondFactorNeeded,
    #[error("not found")]
    NotFound,
    /// Someone else changed the same thing first, or it would collide with another record.
    #[error("conflict")]
    Conflict,
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    /// Something failed on our side; the request id finds it in the log.
    #[error("internal error")]
    Internal { request_id: Option<String> },
    /// The request cannot be this function's arguments: one is missing, not a number, out of
    /// range for its type or no value of its type (a yes/no that is neither), or the body is not
    /// a UTF-8 form. The caller's mistake (a page's own form never sends one); a well-formed
    /// value the function refuses is `Validation`.
    #[error("the request could not be read")]
    BadRequest,
    /// The request's body is larger than any form of the app (`server` sets the limit).
    #[error("the request is too large")]
    TooLarge,
    /// The request did not reach the function (network, bad encoding).
    #[error("request failed: {0}")]
    Request(ServerFnErrorErr),
}

impl AppError {
    pub fn invalid(field: &str, code: ValidationCode) -> Self {
        Self::Validation(vec![FieldError { field: field.to_owned(), code }])
    }

    /// The refusal of `field`, if this is a validation error naming it.
    pub fn field(&self, field: &str) -> Option<ValidationCode> {
        match self {
            Self::Validation(errors) => errors.iter().find(|e| e.field == field).map(|e| e.code),
            _ => None,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Validation(_) => 422,
            Self::Unauthorized | Self::InvalidCredentials => 401,
            Self::Forbidden | Self::SecondFactorNeeded => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::RateLimited { .. } => 429,
            Self::BadRequest => 400,
            Self::TooLarge => 413,
            // Reading the request's body or its arguments failed: the caller's doing.
            Self::Request(
                ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_),
            ) => 400,
            Self::Request(ServerFnErrorErr::UnsupportedRequestMethod(_)) => 405,
            Self::Internal { .. } | Self::Request(_) => 500,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an internal failure with its cause and returns the safe error the user sees. The
    /// log line carries the request id through the request's tracing span; the server
    /// function's wrapper ([`AppError::for_request`]) puts the same id on the answer.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(error = %error, "internal error");
        Self::Internal { request_id: None }
    }
}

impl AppError {
    /// Names the request an internal error happened in, so the user can quote it.
    pub fn for_request(self, id: Option<&str>) -> Self {
        match self {
            Self::Internal { request_id: None } => Self::Internal { request_id: id.map(str::to_owned) },
            other => other,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Arguments that do not parse (only the server reports these) become [`AppError::BadRequest`]:
    /// one typed error the pages translate, without the parser's wording on the wire.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                tracing::info!(error = %value, "the arguments of a server function did not parse");
                Self::BadRequest
            }
            other => Self::Request(other),
        }
    }
}
