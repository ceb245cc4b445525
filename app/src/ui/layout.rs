//! The frame of every page: skip link, header with the navigation a person's roles give them,
//! the account area, main content, footer with the language switch.

use leptos::prelude::*;
use leptos_router::components::A;

use super::language::LanguageSwitch;
use crate::{
    api::auth::{CurrentUser, SignOut},
    domain::navigation::{MenuItem, menu},
    i18n::*,
};

pub fn menu_label(locale: Locale, item: MenuItem) -> &'static str {
    match item {
        MenuItem::Home => td_string!(locale, nav.home),
        MenuItem::Today => td_string!(locale, nav.today),
        MenuItem::Mileage => td_string!(locale, nav.mileage),
        MenuItem::Feedback => td_string!(locale, nav.feedback),
        MenuItem::Outings => td_string!(locale, nav.outings),
        MenuItem::Referrals => td_string!(locale, nav.referrals),
        MenuItem::Proposals => td_string!(locale, nav.proposals),
        MenuItem::Clients => td_string!(locale, nav.clients),
        MenuItem::Guides => td_string!(locale, nav.guides),
        MenuItem::MyProfile => td_string!(locale, nav.my_profile),
        MenuItem::Staff => td_string!(locale, nav.staff),
        MenuItem::AuditLog => td_string!(locale, nav.audit),
        MenuItem::Outbox => td_string!(locale, nav.outbox),
        MenuItem::Settings => td_string!(locale, nav.settings),
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let user = use_context::<CurrentUser>();
    let items = user.as_ref().map(|u| menu(&u.roles)).unwrap_or_else(|| vec![MenuItem::Home]);
    // The screen handed to a client shows no menu, no account and no language switch: nothing
    // leads from it to anyone's data.
    let handed_over =
        super::pages::feedback::is_hand_over(&leptos_router::hooks::use_location().pathname.get_untracked());
    if handed_over {
        return view! { <main id="main" class="handed-over" tabindex="-1">{children()}</main> }.into_any();
    }
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="site-header__bar">
                <a class="brand" href="/">{t!(i18n, app_name)}</a>
                // A <details> from the first byte: closed on phones before and after the WASM
                // wakes (nothing moves), opened with a tap even without JavaScript; wide screens
                // show the navigation whatever its state (style/main.css).
                <details class="site-menu">
                    <summary class="menu-button">{t!(i18n, nav.menu)}</summary>
                    <nav id="site-nav" class="site-nav" aria-label=t_string!(i18n, nav.label)>
                        <ul>
                            {items.into_iter().map(|item| view! {
                                <li><A href=item.path()>{menu_label(locale, item)}</A></li>
                            }).collect_view()}
                            {match user.clone() {
                                None => view! { <li><A href="/sign-in">{t!(i18n, sign_in.title)}</A></li> }.into_any(),
                                Some(user) => view! { <li><AccountArea user=user /></li> }.into_any(),
                            }}
                        </ul>
                    </nav>
                </details>
            </div>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <div class="site-footer__inner">
                <p>{t!(i18n, footer.about)}</p>
                <LanguageSwitch />
            </div>
        </footer>
    }
    .into_any()
}

/// Who is signed in, and the sign-out button (a form: signing out changes state).
#[component]
fn AccountArea(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <div class="account">
            <span class="account__name">{user.name}</span>
            <ActionForm action=sign_out>
                <button class="account__sign-out" type="submit">{t!(i18n, nav.sign_out)}</button>
            </ActionForm>
        </div>
    }
}
