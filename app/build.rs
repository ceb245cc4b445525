//! Generates the typed translation module from `locales/{fi,sv,en}.json`. A key used in the
//! code but missing from Finnish (the default) is a compile error; a key missing from Swedish
//! or English is caught by the `every_locale_has_every_key` test.
use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    let config = Config::new("fi")?
        .add_locales(["sv", "en"])?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.rerun_if_locales_changed();
    translations.emit_diagnostics();
    translations.generate_i18n_module(out)?;
    Ok(())
}
