//! Languages people speak, as ISO 639-1 codes: what guides and clients are matched on. The
//! interface itself is in Finnish, Swedish and English; these are the spoken languages.

use serde::{Deserialize, Serialize};

/// The languages offered on forms, most common in Finnish social work first.
pub const SPOKEN: [&str; 10] = ["fi", "sv", "en", "se", "ru", "et", "uk", "ar", "so", "fa"];

/// A set of spoken-language codes, kept in the order of [`SPOKEN`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Languages(Vec<String>);

impl Languages {
    /// Keeps the known codes among `codes`, in the offered order.
    pub fn from_codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> Self {
        let picked: Vec<&str> = codes.into_iter().map(str::trim).collect();
        Self(SPOKEN.iter().filter(|code| picked.contains(code)).map(|c| (*c).to_owned()).collect())
    }

    /// From the stored form, "fi,sv".
    pub fn from_stored(stored: &str) -> Self {
        Self::from_codes(stored.split(','))
    }

    pub fn to_stored(&self) -> String {
        self.0.join(",")
    }

    pub fn contains(&self, code: &str) -> bool {
        self.0.iter().any(|c| c == code)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The language a feedback screen asks in: Finnish, Swedish or English, Finnish otherwise.
pub fn feedback_language(code: &str) -> &'static str {
    match code.trim() {
        "sv" => "sv",
        "en" => "en",
        _ => "fi",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_known_codes_in_the_offered_order() {
        let languages = Languages::from_codes(["en", "xx", "fi", "fi"]);
        assert_eq!(languages.to_stored(), "fi,en");
        assert_eq!(Languages::from_stored(&languages.to_stored()), languages);
        assert!(Languages::from_stored("").is_empty());
    }
}
