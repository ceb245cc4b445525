//! The language choice as it travels: a cookie the language form sets and every page reads.

/// The cookie leptos_i18n reads the chosen language from.
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";
/// A year: the choice survives reloads and new visits.
pub const LANGUAGE_COOKIE_MAX_AGE_SECS: i64 = 365 * 24 * 60 * 60;
