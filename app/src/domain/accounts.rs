//! What a staff account's fields may hold, parsed once at the edge: a value of these types is
//! valid by construction (parse, don't validate). The same functions check a form in the
//! browser and again in the server function.

use serde::{Deserialize, Serialize};

use super::roles::{Role, RoleSet};
use super::validation::ValidationCode;

pub const NAME_MAX_CHARS: usize = 200;
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Long passphrases are welcome; the cap only stops absurd input from reaching the hasher.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A person's name as they want it shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, ValidationCode> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.chars().any(char::is_control) {
            return Err(ValidationCode::ControlCharacter);
        }
        if name.is_empty() {
            Err(ValidationCode::Required)
        } else if name.chars().count() > NAME_MAX_CHARS {
            Err(ValidationCode::TooLong)
        } else {
            Ok(Self(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, kept as written; [`Email::key`] is the lower-cased form that makes
/// addresses unique whatever their capitals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ValidationCode> {
        let email = input.trim();
        if email.is_empty() {
            return Err(ValidationCode::Required);
        }
        if email.chars().count() > super::text::EMAIL {
            return Err(ValidationCode::TooLong);
        }
        let valid = email_address::EmailAddress::parse_with_options(
            email,
            email_address::Options::default().without_display_text().without_domain_literal(),
        )
        .is_ok_and(|parsed| parsed.domain().contains('.'));
        if valid { Ok(Self(email.to_owned())) } else { Err(ValidationCode::InvalidEmail) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key(&self) -> String {
        email_key(&self.0)
    }
}

/// The lookup form of any e-mail input, valid or not (sign-in looks up what was typed).
pub fn email_key(input: &str) -> String {
    input.trim().to_lowercase()
}

/// A phone number for the `tel:` and `sms:` links: digits with an optional leading `+`;
/// spaces, dashes and brackets as people write them are accepted and dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    /// An empty input is no phone at all.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, ValidationCode> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        let mut out = String::new();
        for (i, c) in input.chars().enumerate() {
            match c {
                '+' if i == 0 => out.push('+'),
                '0'..='9' => out.push(c),
                ' ' | '-' | '(' | ')' => {}
                _ => return Err(ValidationCode::InvalidPhone),
            }
        }
        let digits = out.trim_start_matches('+').len();
        if (5..=15).contains(&digits) { Ok(Some(Self(out))) } else { Err(ValidationCode::InvalidPhone) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The roles ticked on a form: at least one, all known.
pub fn parse_roles(inputs: &[String]) -> Result<RoleSet, ValidationCode> {
    let roles = inputs
        .iter()
        .map(|name| Role::parse(name).ok_or(ValidationCode::UnknownChoice))
        .collect::<Result<RoleSet, _>>()?;
    if roles.is_empty() { Err(ValidationCode::Required) } else { Ok(roles) }
}

/// The length rule for a new password. The server also refuses passwords that are easy to
/// guess (see `backend::passwords`), which needs a dictionary the browser need not download.
pub fn check_password_length(password: &str) -> Result<(), ValidationCode> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        Err(ValidationCode::PasswordTooShort)
    } else if chars > PASSWORD_MAX_CHARS {
        Err(ValidationCode::PasswordTooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Aino   Virtanen ").unwrap().as_str(), "Aino Virtanen");
        assert_eq!(PersonName::parse("   "), Err(ValidationCode::Required));
        assert_eq!(PersonName::parse(&"a".repeat(201)), Err(ValidationCode::TooLong));
        assert_eq!(PersonName::parse("Liisa\0"), Err(ValidationCode::ControlCharacter));
        assert_eq!(Email::parse(&format!("{}@kunta.fi", "a".repeat(250))), Err(ValidationCode::TooLong));
        assert!(PersonName::parse(&"ä".repeat(200)).is_ok(), "counted in characters, not bytes");
    }

    #[test]
    fn emails_keep_their_form_and_compare_without_capitals() {
        let email = Email::parse(" Aino.Virtanen@Kunta.fi ").unwrap();
        assert_eq!(email.as_str(), "Aino.Virtanen@Kunta.fi");
        assert_eq!(email.key(), "aino.virtanen@kunta.fi");
        assert_eq!(email_key(" A@B.FI"), "a@b.fi");
    }

    #[test]
    fn bad_emails_are_refused() {
        assert_eq!(Email::parse(""), Err(ValidationCode::Required));
        for bad in ["aino", "aino@", "@kunta.fi", "aino@kunta", "aino virtanen@kunta.fi", "A <a@b.fi>"] {
            assert_eq!(Email::parse(bad), Err(ValidationCode::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn phones_are_written_as_dialable_digits() {
        assert_eq!(Phone::parse_optional("040 123 4567").unwrap().unwrap().as_str(), "0401234567");
        assert_eq!(Phone::parse_optional("+358 (40) 123-4567").unwrap().unwrap().as_str(), "+358401234567");
        assert_eq!(Phone::parse_optional("  ").unwrap(), None);
        for bad in ["040 123 456x", "12", "++358401234567", "0401234567+"] {
            assert_eq!(Phone::parse_optional(bad), Err(ValidationCode::InvalidPhone), "{bad}");
        }
    }

    #[test]
    fn roles_must_be_known_and_at_least_one() {
        let roles = parse_roles(&["guide".into(), "coordinator".into()]).unwrap();
        assert!(roles.has(Role::Guide) && roles.has(Role::Coordinator));
        assert_eq!(parse_roles(&[]), Err(ValidationCode::Required));
        assert_eq!(parse_roles(&["root".into()]), Err(ValidationCode::UnknownChoice));
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert_eq!(check_password_length("lyhyt"), Err(ValidationCode::PasswordTooShort));
        assert_eq!(check_password_length("ääkkösiä"), Ok(()));
        assert_eq!(check_password_length(&"x".repeat(128)), Ok(()));
        assert_eq!(check_password_length(&"x".repeat(129)), Err(ValidationCode::PasswordTooLong));
    }
}
