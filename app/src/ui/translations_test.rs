//! Every language has every key: a Swedish or English user never meets a Finnish fallback.
use std::collections::BTreeSet;

fn keys(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                keys(child, &path, out);
            }
        }
        serde_json::Value::String(text) => {
            assert!(!text.trim().is_empty(), "{prefix} is empty");
            out.insert(prefix.to_owned());
        }
        other => panic!("{prefix}: a translation must be text, found {other}"),
    }
}

fn locale_keys(locale: &str) -> BTreeSet<String> {
    let path = format!("{}/locales/{locale}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = BTreeSet::new();
    keys(&json, "", &mut out);
    out
}

#[test]
fn every_locale_has_every_key() {
    let finnish = locale_keys("fi");
    assert!(!finnish.is_empty());
    for locale in ["sv", "en"] {
        let other = locale_keys(locale);
        let missing: Vec<_> = finnish.difference(&other).collect();
        let extra: Vec<_> = other.difference(&finnish).collect();
        assert!(missing.is_empty(), "{locale} lacks {missing:?}");
        assert!(extra.is_empty(), "{locale} has keys Finnish lacks: {extra:?}");
    }
}

#[test]
fn the_locale_files_are_the_locales_the_app_offers() {
    use crate::i18n::{I18nLocaleTrait, Locale};
    let offered: BTreeSet<&str> = Locale::get_all().iter().map(|l| l.as_str()).collect();
    let dir = format!("{}/locales", env!("CARGO_MANIFEST_DIR"));
    let files: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_owned))
        .collect();
    assert_eq!(offered, files.iter().map(String::as_str).collect());
    assert_eq!(Locale::default().as_str(), "fi", "Finnish is the default");
}
