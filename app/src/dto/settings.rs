//! A person's own settings.

use serde::{Deserialize, Serialize};

use crate::domain::outbox::MessageKind;

/// One kind of e-mail and whether the person gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationChoice {
    pub kind: MessageKind,
    pub by_email: bool,
    /// Always sent (account access, escalations): shown, not changeable.
    pub mandatory: bool,
}

/// One's own second factor, for the settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorView {
    /// The person's roles require one (admins, coordinators): it cannot be turned off.
    pub required: bool,
    /// When it was turned on (RFC 3339), if it is on.
    pub on_since: Option<String>,
    pub recovery_codes_left: u64,
    /// A setup begun and not yet confirmed: what the app needs.
    pub setup: Option<SecondFactorSetup>,
}

/// What an authenticator app needs to be set up. Shown only to the person, only until they
/// confirm it with a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorSetup {
    /// The secret in groups of four, for typing into the app by hand.
    pub secret: String,
    /// The `otpauth://` address: a phone opens the app with it.
    pub uri: String,
    /// The same address as a QR code, an SVG drawn on the server.
    pub qr_svg: String,
}

/// One of one's own signed-in sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    /// Names the session for "end" without being its secret id.
    pub handle: String,
    /// "Chrome on Android", from the browser's own description.
    pub device: String,
    pub address: Option<String>,
    /// RFC 3339.
    pub signed_in_at: String,
    pub seen_at: String,
    /// The session this page was loaded in.
    pub this_one: bool,
}

/// Where a second-factor form's one-time recovery codes are kept for the page after it.
pub const RECOVERY_CODES_FORM: &str = "second-factor/codes";
