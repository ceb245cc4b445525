//! Transfers waiting for a coordinator's decision.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::guidance::pending_transfers,
    i18n::*,
    ui::components::{loaded, require_user},
};

#[component]
pub fn TransfersPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let transfers = Resource::new_blocking(|| (), |_| pending_transfers());
    view! {
        <Title text=t_string!(i18n, transfers.title) />
        <h1>{t!(i18n, transfers.title)}</h1>
        {loaded(transfers, move |transfers| match transfers {
            list if list.is_empty() => view! { <p>{t!(i18n, transfers.none)}</p> }.into_any(),
            list => view! {
                <ul class="list">
                    {list.into_iter().map(|t| view! {
                        <li class="card">
                            <a href=format!("/clients/{}", t.client_id)><strong>{t.client_name}</strong></a>
                            <div>{t!(i18n, transfers.from, guide = t.from_guide)}</div>
                            <div class="muted">{crate::words::sent_moment_text(&t.requested_at, crate::ui::components::locale())}{t.requested_by.map(|n| format!(" · {n}"))}</div>
                            <p>{t.reason}</p>
                            <div class={if t.earlier_transfers > 0 { "badge badge--warn" } else { "badge" }}>
                                {t!(i18n, transfers.earlier, count = move || t.earlier_transfers)}
                            </div>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any(),
        })}
    }
    .into_any()
}
