//! Free text as people type it: every field has a maximum length, one-line fields refuse
//! control characters (a NUL breaks PostgreSQL, a bare carriage return breaks calendar files
//! and e-mail headers), and multi-line fields keep only line breaks and tabs, with every kind of
//! line break stored as `\n`. The same limits are the forms' `maxlength`, so a browser stops
//! typing where the server would refuse.
//!
//! Lengths count characters (Unicode scalar values) after trimming and after `\r\n` became
//! `\n`: a browser counts a textarea's line break as one character and sends it as two.

use super::validation::ValidationCode;

/// A person's or client's name as shown.
pub const NAME: usize = 200;
/// A short one-line field: a place, a street address, a pickup address, a phone number.
pub const LINE: usize = 200;
/// An e-mail address (RFC 5321's practical limit).
pub const EMAIL: usize = 254;
/// A reason given for a decision (ending, transfer, decline, hours beyond the visit).
pub const REASON: usize = 1000;
/// A note after a visit.
pub const NOTE: usize = 4000;
/// The client's own words in a referral: what they want help with.
pub const CLIENT_WORDS: usize = 2000;
/// The client's wishes about their guide.
pub const GUIDE_WISHES: usize = 1000;
/// A guide's introduction of themselves, written for clients.
pub const INTRODUCTION: usize = 1500;
/// A goal in the client's words: short on purpose, goals are small ("stop and slice it up").
pub const GOAL: usize = 300;
/// One small step toward a goal, or one thing in a reward scheme (what earns, what it buys).
pub const STEP: usize = 200;

/// One line: trimmed, at most `max` characters, no control characters. Empty is allowed (the
/// caller decides whether the field is required).
pub fn one_line(input: &str, max: usize) -> Result<String, ValidationCode> {
    let text = input.trim();
    if text.chars().any(char::is_control) {
        return Err(ValidationCode::ControlCharacter);
    }
    within(text, max)
}

/// Several lines: trimmed, line breaks stored as `\n`, at most `max` characters, no control
/// characters but line breaks and tabs.
pub fn multi_line(input: &str, max: usize) -> Result<String, ValidationCode> {
    let text = input.trim().replace("\r\n", "\n").replace('\r', "\n");
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ValidationCode::ControlCharacter);
    }
    within(&text, max)
}

/// As [`one_line`], and not empty.
pub fn required_line(input: &str, max: usize) -> Result<String, ValidationCode> {
    let text = one_line(input, max)?;
    if text.is_empty() { Err(ValidationCode::Required) } else { Ok(text) }
}

/// As [`multi_line`], and not empty.
pub fn required_text(input: &str, max: usize) -> Result<String, ValidationCode> {
    let text = multi_line(input, max)?;
    if text.is_empty() { Err(ValidationCode::Required) } else { Ok(text) }
}

fn within(text: &str, max: usize) -> Result<String, ValidationCode> {
    if text.chars().count() > max { Err(ValidationCode::TooLong) } else { Ok(text.to_owned()) }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn one_line_trims_and_refuses_control_characters() {
        assert_eq!(one_line("  Kuortane ", LINE).as_deref(), Ok("Kuortane"));
        assert_eq!(one_line("Liisa\0", NAME), Err(ValidationCode::ControlCharacter));
        assert_eq!(one_line("Kirkko\rtie", LINE), Err(ValidationCode::ControlCharacter));
        assert_eq!(one_line("a\nb", LINE), Err(ValidationCode::ControlCharacter));
        assert_eq!(one_line("", LINE).as_deref(), Ok(""));
        assert_eq!(required_line("  ", LINE), Err(ValidationCode::Required));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(one_line(&"ä".repeat(LINE), LINE).is_ok());
        assert_eq!(one_line(&"ä".repeat(LINE + 1), LINE), Err(ValidationCode::TooLong));
    }

    #[test]
    fn multi_line_keeps_line_breaks_as_newlines_and_counts_them_once() {
        assert_eq!(
            multi_line("eka\r\ntoka\rkolmas\tneljäs", NOTE).as_deref(),
            Ok("eka\ntoka\nkolmas\tneljäs")
        );
        // 2,000 lines typed in a textarea: 3,999 characters as the browser counts, sent with
        // CRLF breaks, within the limit as stored.
        let typed = vec!["x"; 2000].join("\r\n");
        assert_eq!(multi_line(&typed, NOTE).map(|t| t.chars().count()), Ok(3999));
        assert_eq!(multi_line("a\u{7}b", NOTE), Err(ValidationCode::ControlCharacter));
        assert_eq!(multi_line("a\0", NOTE), Err(ValidationCode::ControlCharacter));
        assert_eq!(required_text("\r\n ", REASON), Err(ValidationCode::Required));
    }

    proptest! {
        #[test]
        fn what_is_accepted_fits_and_has_no_control_characters(input in ".{0,300}", max in 0usize..250) {
            if let Ok(text) = one_line(&input, max) {
                prop_assert!(text.chars().count() <= max);
                prop_assert!(!text.chars().any(char::is_control));
            }
            if let Ok(text) = multi_line(&input, max) {
                prop_assert!(text.chars().count() <= max);
                prop_assert!(!text.contains('\r'));
                prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
            }
        }
    }
}

/// A text cell for a CSV file opened in a spreadsheet: one that starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return would be read as a formula (OWASP "CSV injection"), so it gets a
/// leading apostrophe, which spreadsheets show as text and hide. Only for text people typed
/// (names, reasons); the export's own numbers never start so.
pub fn spreadsheet_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod spreadsheet_tests {
    use super::spreadsheet_cell;

    #[test]
    fn a_cell_that_would_be_a_formula_is_kept_as_text() {
        for formula in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(spreadsheet_cell(formula), format!("'{formula}"), "{formula:?}");
        }
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for text in ["Aino Virtanen", "aino@kunta.fi", "2026-11-03: a detour", "", "1 + 1 = 2", "'quoted"] {
            assert_eq!(spreadsheet_cell(text), text);
        }
    }
}
