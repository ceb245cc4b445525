//! The second factor: a code from an authenticator app (TOTP, RFC 6238) or a one-time recovery
//! code. Pure: which roles must have one, how typed codes are read, which 30-second step a
//! code belongs to (never one already used), and how codes and secrets are shown. The HMAC
//! itself comes from the caller (`backend::second_factor`), so this module stays free of keys.

use super::roles::{Role, RoleSet};

/// Seconds per TOTP step, and digits per code: what every authenticator app uses by default.
pub const STEP_SECS: u64 = 30;
pub const DIGITS: usize = 6;
/// Steps either side of now that still count: a phone's clock a little off, a code typed just
/// as it changed. RFC 6238 recommends one.
pub const SKEW_STEPS: u64 = 1;

/// Recovery codes made at a time, and characters in each.
pub const RECOVERY_CODES: usize = 10;
pub const RECOVERY_CODE_CHARS: usize = 16;
/// Letters and digits that cannot be mistaken for each other when read off paper (no 0/o,
/// 1/l/i): 31 symbols, so a 16-character code holds 79 bits.
pub const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// Admins manage every account, coordinators see every client: both must have a second
/// factor. For guides and social workers it is their choice.
pub fn required_for(roles: &RoleSet) -> bool {
    roles.has(Role::Admin) || roles.has(Role::Coordinator)
}

/// What a person typed at the second step of signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedCode {
    /// Six digits from the app.
    App(String),
    /// A recovery code, without its dashes, in lower case.
    Recovery(String),
}

/// Reads a typed code, forgiving spaces, dashes and case (a code read aloud or copied from
/// paper). `None` when it is neither kind.
pub fn parse_code(typed: &str) -> Option<TypedCode> {
    let compact: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect();
    if compact.len() == DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
        return Some(TypedCode::App(compact));
    }
    if compact.len() == RECOVERY_CODE_CHARS && compact.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
        return Some(TypedCode::Recovery(compact));
    }
    None
}

/// The step of a unix time.
pub fn step_of(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// The step `code` was made for, among now and [`SKEW_STEPS`] either side, if it is later than
/// `last_used`: a code that was accepted once (or an older one) is never accepted again, so a
/// code seen over someone's shoulder is worthless once used. `code_for` makes the app's code
/// of a step.
pub fn accepted_step(
    code: &str,
    unix_now: u64,
    last_used: u64,
    code_for: impl Fn(u64) -> String,
) -> Option<u64> {
    let now = step_of(unix_now);
    let earliest = now.saturating_sub(SKEW_STEPS).max(last_used + 1);
    (earliest..=now + SKEW_STEPS).find(|step| same(code_for(*step).as_bytes(), code.as_bytes()))
}

/// Compares without stopping at the first difference, so the time taken tells nothing.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// A recovery code as shown and printed: four groups of four.
pub fn show_recovery_code(code: &str) -> String {
    group(code, 4, "-")
}

/// A base32 secret as shown for typing into an app by hand: groups of four.
pub fn show_secret(base32: &str) -> String {
    group(base32, 4, " ")
}

fn group(text: &str, size: usize, separator: &str) -> String {
    text.as_bytes()
        .chunks(size)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(separator)
}

/// The `otpauth://` address an authenticator app reads (from the QR code, or tapped on the
/// phone itself): the issuer and the person's e-mail name the entry in the app.
pub fn otpauth_uri(issuer: &str, account: &str, base32_secret: &str) -> String {
    let label: String = url_encode(&format!("{issuer}:{account}"));
    format!(
        "otpauth://totp/{label}?secret={base32_secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        url_encode(issuer)
    )
}

fn url_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>().replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test vectors, at 6 digits: the app's codes for those instants.
    fn rfc_code(step: u64) -> String {
        match step {
            1 => "287082",          // 59 s
            37_037_036 => "081804", // 1111111109 s
            37_037_037 => "050471", // 1111111111 s
            _ => "000000",
        }
        .to_owned()
    }

    #[test]
    fn admins_and_coordinators_must_have_a_second_factor_others_may() {
        assert!(required_for(&RoleSet::new([Role::Admin])));
        assert!(required_for(&RoleSet::new([Role::Guide, Role::Coordinator])));
        assert!(!required_for(&RoleSet::new([Role::Guide])));
        assert!(!required_for(&RoleSet::new([Role::SocialWorker])));
        assert!(!required_for(&RoleSet::default()));
    }

    #[test]
    fn typed_codes_are_read_kindly() {
        assert_eq!(parse_code(" 287 082 "), Some(TypedCode::App("287082".into())));
        assert_eq!(parse_code("287-082"), Some(TypedCode::App("287082".into())));
        assert_eq!(parse_code("ABCD-efgh-JKMN-pqrs"), Some(TypedCode::Recovery("abcdefghjkmnpqrs".into())));
        // Too short, too long, letters in an app code, a symbol no recovery code has.
        for typed in ["28708", "2870822", "28708a", "abcd-efgh-jkmn-pqr1", "", "ääää-ääää-ääää-ääää"]
        {
            assert_eq!(parse_code(typed), None, "{typed:?}");
        }
    }

    #[test]
    fn a_code_counts_for_its_step_and_one_either_side() {
        // At 1111111111 s (step 37037037) the code of the step before still counts.
        assert_eq!(accepted_step("081804", 1_111_111_111, 0, rfc_code), Some(37_037_036));
        assert_eq!(accepted_step("050471", 1_111_111_111, 0, rfc_code), Some(37_037_037));
        // Two steps later the old code is refused.
        assert_eq!(accepted_step("081804", 1_111_111_111 + 60, 0, rfc_code), None);
        assert_eq!(accepted_step("287082", 59, 0, rfc_code), Some(1));
        assert_eq!(accepted_step("123456", 59, 0, rfc_code), None);
    }

    #[test]
    fn a_code_is_never_taken_twice_nor_an_older_one_after_a_newer() {
        assert_eq!(accepted_step("050471", 1_111_111_111, 37_037_037, rfc_code), None);
        assert_eq!(accepted_step("081804", 1_111_111_111, 37_037_037, rfc_code), None);
        assert_eq!(accepted_step("050471", 1_111_111_111, 37_037_036, rfc_code), Some(37_037_037));
    }

    #[test]
    fn codes_and_secrets_are_shown_in_groups() {
        assert_eq!(show_recovery_code("abcdefghjkmnpqrs"), "abcd-efgh-jkmn-pqrs");
        assert_eq!(show_secret("JBSWY3DPEHPK3PXPJBSWY3DP"), "JBSW Y3DP EHPK 3PXP JBSW Y3DP");
        // What is shown reads back as the same code.
        assert_eq!(
            parse_code(&show_recovery_code("abcdefghjkmnpqrs")),
            Some(TypedCode::Recovery("abcdefghjkmnpqrs".into()))
        );
    }

    #[test]
    fn the_app_address_names_the_issuer_and_the_person() {
        let uri = otpauth_uri("Rinnalla", "anna.aalto@kunta.fi", "JBSWY3DPEHPK3PXP");
        assert_eq!(
            uri,
            "otpauth://totp/Rinnalla%3Aanna.aalto%40kunta.fi?secret=JBSWY3DPEHPK3PXP&issuer=Rinnalla&algorithm=SHA1&digits=6&period=30"
        );
    }
}
