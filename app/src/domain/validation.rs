//! Why an input was refused, as codes: the UI turns each into a sentence in the user's
//! language, so the rules never carry text.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValidationCode {
    Required,
    TooLong,
    UnknownChoice,
    InvalidEmail,
    InvalidPhone,
    EmailTaken,
    PasswordTooShort,
    PasswordTooLong,
    PasswordTooCommon,
    PasswordsDiffer,
    InvalidTime,
    InvalidDate,
    EndBeforeStart,
    OutOfRange,
    UnknownPlace,
    /// A local time that does not exist that day (the spring clock change skips it).
    NonexistentLocalTime,
    InvalidNumber,
    TooFewStops,
    KmNeeded,
    GuideBusy,
    ClientBusy,
    DriverBusy,
    NoTimeToTravel,
    NotADriver,
    NoSocialWorker,
    NotYet,
    /// A control character (NUL, a bare carriage return, ...) where only text belongs.
    ControlCharacter,
    /// Guides book from today on; an earlier visit is entered by a coordinator.
    InThePast,
    /// More hours or kilometres than the visit and its travel explain, without a reason.
    ExcessNeedsReason,
    /// A date that has not come yet, where only what has happened belongs (a step done, a
    /// meeting held).
    FutureDate,
    /// A date that must come after today (the next review).
    NeedsFutureDate,
    /// A dropped or reached goal is not changed any more; a new goal is set instead.
    GoalClosed,
    /// A refined goal in the same words as before.
    SameAsBefore,
    /// Spending more than has been saved: the balance never goes below zero.
    NotEnoughSaved,
    /// The reward ledger already counts in this unit: changing it would mix points and money.
    UnitInUse,
    /// A review of this period is already recorded for that day (a form sent twice).
    ReviewHeld,
    /// Only a client in guidance (with a named guide) is signed up for outings: their guide
    /// answers for them.
    NotInGuidance,
    /// Sign-up for the session has closed (or it has begun or was cancelled).
    SignupClosed,
    /// The client is already signed up for the session.
    AlreadySignedUp,
    /// No place is free.
    SessionFull,
    /// Fewer seats than the riders already confirmed in them.
    SeatsTaken,
    /// The car has no seat left.
    CarFull,
    /// Not before the session's day.
    NotTheDayYet,
    /// A second-factor code that is wrong, already used, or neither six digits nor a
    /// recovery code.
    WrongCode,
    /// The current password, asked before a change to one's own sign-in, is wrong.
    WrongPassword,
    /// Admins and coordinators cannot turn their second factor off.
    SecondFactorRequired,
}

/// One refused field: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: ValidationCode,
}

/// Collects the errors of a whole form, so the user sees them all at once.
#[derive(Debug, Default)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    /// Keeps the value, or records why `field` was refused.
    pub fn check<T>(&mut self, field: &str, result: Result<T, ValidationCode>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(code) => {
                self.add(field, code);
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, code: ValidationCode) {
        self.0.push(FieldError { field: field.to_owned(), code });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_refused_field() {
        let mut errors = FormErrors::default();
        assert_eq!(errors.check("name", Ok::<_, ValidationCode>("Aino")), Some("Aino"));
        assert_eq!(errors.check::<()>("email", Err(ValidationCode::InvalidEmail)), None);
        errors.add("roles", ValidationCode::Required);
        let all = errors.into_vec();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0], FieldError { field: "email".into(), code: ValidationCode::InvalidEmail });
    }
}
