//! Clients: the list (scoped by role) and the client card.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::{
        AppError,
        clients::{get_client, list_clients},
    },
    domain::{ids::ClientId, roles::Role},
    i18n::*,
    ui::components::{ErrorPage, require_user},
};

#[component]
pub fn ClientListPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(user) = require_user() else {
        return ().into_any();
    };
    let clients = Resource::new_blocking(|| (), |_| list_clients());
    let title = if user.roles.has(Role::Coordinator) {
        t_string!(i18n, clients.all_title).to_string()
    } else {
        t_string!(i18n, clients.my_title).to_string()
    };
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match clients.await {
                    Err(error) => view! { <ErrorPage error=error /> }.into_any(),
                    Ok(clients) if clients.is_empty() => view! { <p>{t!(i18n, clients.none)}</p> }.into_any(),
                    Ok(clients) => view! {
                        <ul class="list">
                            {clients.into_iter().map(|client| view! {
                                <li class="card">
                                    <a href=format!("/clients/{}", client.id)><strong>{client.display_name}</strong></a>
                                    <div class="muted">{client.municipality}</div>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn ClientPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(user) = require_user() else {
        return ().into_any();
    };
    let id: Option<ClientId> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else {
        return view! { <ErrorPage error=AppError::NotFound /> }.into_any();
    };
    let client = Resource::new_blocking(move || id, get_client);
    let is_admin = user.roles.has(Role::Admin);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match client.await {
                    Err(error) => view! { <ErrorPage error=error /> }.into_any(),
                    Ok(client) => view! {
                        <Title text=client.display_name.clone() />
                        <h1>{client.display_name.clone()}</h1>
                        <p class="muted">{client.municipality.clone()}</p>
                        <section class="card" aria-labelledby="guide-heading">
                            <h2 id="guide-heading">{t!(i18n, clients.guide_heading)}</h2>
                            {match client.guide_name.clone() {
                                Some(name) => view! {
                                    <p><strong>{name}</strong></p>
                                    {client.guide_phone.clone().map(|phone| view! {
                                        <p><a class="button button--secondary" href=format!("tel:{phone}")>{t!(i18n, clients.call)}" "{phone.clone()}</a></p>
                                    })}
                                }.into_any(),
                                None => view! { <p class="notice notice--warn">{t!(i18n, clients.no_guide)}</p> }.into_any(),
                            }}
                        </section>
                        {client.social_worker_name.clone().map(|name| view! {
                            <p>{t!(i18n, clients.social_worker)}": "{name}</p>
                        })}
                        {is_admin.then(|| view! {
                            <p><a href=format!("/clients/{}/audit", client.id)>{t!(i18n, audit.client_report_link)}</a></p>
                        })}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
