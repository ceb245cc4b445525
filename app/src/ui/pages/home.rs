use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::CurrentUser,
    domain::navigation::{MenuItem, menu},
    i18n::*,
    ui::{components::OkNotice, layout::menu_label},
};

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    match use_context::<CurrentUser>() {
        None => view! {
            <Title text=t_string!(i18n, home.title) />
            <h1>{t!(i18n, home.title)}</h1>
            <p>{t!(i18n, home.intro)}</p>
            <ul>
                <li>{t!(i18n, home.for_guides)}</li>
                <li>{t!(i18n, home.for_social_workers)}</li>
                <li>{t!(i18n, home.for_coordinators)}</li>
            </ul>
            <p><a class="button" href="/sign-in">{t!(i18n, sign_in.title)}</a></p>
        }
        .into_any(),
        Some(user) => {
            let welcome = use_query_map().get_untracked().get("welcome").is_some();
            let locale = i18n.get_locale_untracked();
            let shortcuts: Vec<MenuItem> =
                menu(&user.roles).into_iter().filter(|i| *i != MenuItem::Home).collect();
            view! {
                <Title text=t_string!(i18n, home.dashboard_title) />
                <h1>{t!(i18n, home.hello, name = user.name.clone())}</h1>
                {welcome.then(|| view! { <OkNotice text=t_string!(i18n, home.welcome).to_string() /> })}
                <ul class="list">
                    {shortcuts.into_iter().map(|item| view! {
                        <li><a class="button button--secondary shortcut" href=item.path()>{menu_label(locale, item)}</a></li>
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
    }
}
