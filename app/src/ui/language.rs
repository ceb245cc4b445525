//! The language switch and the cookie that remembers the choice.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_i18n::context::CookieOptions;
use leptos_router::hooks::use_location;

use crate::api::language::SetLanguage;
use crate::i18n::*;

/// The cookie leptos_i18n reads to choose the locale during server rendering.
pub use crate::dto::language::{LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE_SECS};

/// The same attributes as the cookie the language form sets, so that the i18n context
/// rewriting it never shortens its life or narrows its path.
pub fn cookie_options() -> CookieOptions<Locale> {
    CookieOptions::default()
        .path("/")
        .max_age(LANGUAGE_COOKIE_MAX_AGE_SECS * 1000)
        .same_site(leptos_use::SameSite::Lax)
}

/// Three buttons, one per language, each written in its own language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let current = i18n.get_locale_untracked();
    let location = use_location();
    // Read once while rendering: the form is server-rendered HTML and never updates in place.
    // (A reactive read could outlive the page's owner when the browser leaves mid-stream.)
    let next = {
        let search = location.search.get_untracked();
        let query = if search.is_empty() { String::new() } else { format!("?{search}") };
        format!("{}{query}", location.pathname.get_untracked())
    };
    let button = move |locale: Locale, label: &'static str| {
        view! {
            <button
                type="submit"
                name="language"
                value=locale.as_str()
                lang=locale.as_str()
                aria-pressed=(locale == current).to_string()
            >
                {label}
            </button>
        }
    };
    view! {
        <form method="post" action=SetLanguage::url()>
            <input type="hidden" name="next" value=next />
            <fieldset class="language-switch">
                <legend>{t!(i18n, language.legend)}</legend>
                {button(Locale::fi, td_string!(Locale::fi, language.fi))}
                {button(Locale::sv, td_string!(Locale::sv, language.sv))}
                {button(Locale::en, td_string!(Locale::en, language.en))}
            </fieldset>
        </form>
    }
}
