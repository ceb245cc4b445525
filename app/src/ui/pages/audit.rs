//! The audit trail (admins): all events with filters, and one client's report.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{
        AppError,
        audit::{AuditPage, AuditQuery, client_audit_report, list_audit_events},
    },
    domain::ids::ClientId,
    i18n::*,
    ui::components::{ErrorPage, loaded, require_user},
};

#[component]
fn AuditTable(page: AuditPage, #[prop(into)] older: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        // Scrolls sideways on phones; focusable so keyboards can scroll it too.
        <div class="table-scroll" tabindex="0" role="region" aria-label=t_string!(i18n, audit.title)>
            <table>
                <caption class="visually-hidden">{t!(i18n, audit.title)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, audit.col_time)}</th>
                        <th scope="col">{t!(i18n, audit.col_actor)}</th>
                        <th scope="col">{t!(i18n, audit.col_action)}</th>
                        <th scope="col">{t!(i18n, audit.col_record)}</th>
                        <th scope="col">{t!(i18n, audit.col_outcome)}</th>
                        <th scope="col">{t!(i18n, audit.col_address)}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|row| {
                        let denied = row.outcome == "denied";
                        view! {
                            <tr>
                                <td>{crate::words::sent_moment_text(&row.at, crate::ui::components::locale())}</td>
                                <td>{row.actor_name.clone().or(row.actor_id.map(|id| format!("#{id}"))).unwrap_or_else(|| "-".into())}</td>
                                <td>{row.action}</td>
                                <td>{format!("{} {}", row.entity, row.entity_id.unwrap_or_default())}</td>
                                <td>{if denied { t_string!(i18n, audit.denied).to_string() } else { t_string!(i18n, audit.allowed).to_string() }}</td>
                                <td>{row.address.unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {older.map(|href| view! { <p><a class="button button--secondary" href=href>{t!(i18n, audit.older)}</a></p> })}
    }
}

/// The address of the next (older) page: the same filters, before the page's last event.
fn older_href(base: &str, filters: &[(&str, &str)], next: Option<i64>) -> Option<String> {
    let next = next?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in filters.iter().filter(|(_, v)| !v.is_empty()) {
        query.append_pair(name, value);
    }
    query.append_pair("before", &next.to_string());
    Some(format!("{base}?{}", query.finish()))
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else {
        return ().into_any();
    };
    let params = use_query_map().get_untracked();
    let value = |name: &str| params.get(name).unwrap_or_default();
    let query = AuditQuery {
        actor: value("actor"),
        entity: value("entity"),
        entity_id: value("entity_id"),
        action: value("action"),
        from: value("from"),
        until: value("until"),
        denied_only: value("denied_only"),
        before: value("before"),
    };
    let events = Resource::new_blocking(
        {
            let query = query.clone();
            move || query.clone()
        },
        list_audit_events,
    );
    view! {
        <Title text=t_string!(i18n, audit.title) />
        <h1>{t!(i18n, audit.title)}</h1>
        <form method="get" action="/admin/audit" class="form">
            <div class="field">
                <label for="entity">{t!(i18n, audit.filter_record_kind)}</label>
                <select id="entity" name="entity">
                    <option value="">{t!(i18n, audit.any)}</option>
                    <option value="client" selected=query.entity == "client">{t!(i18n, audit.kind_client)}</option>
                    <option value="account" selected=query.entity == "account">{t!(i18n, audit.kind_account)}</option>
                    <option value="audit_log" selected=query.entity == "audit_log">{t!(i18n, audit.kind_audit_log)}</option>
                    <option value="authentication" selected=query.entity == "authentication">{t!(i18n, audit.kind_authentication)}</option>
                </select>
            </div>
            <div class="field">
                <label for="entity_id">{t!(i18n, audit.filter_record_id)}</label>
                <input id="entity_id" name="entity_id" inputmode="numeric" value=query.entity_id.clone() />
            </div>
            <div class="field">
                <label for="actor">{t!(i18n, audit.filter_actor)}</label>
                <input id="actor" name="actor" inputmode="numeric" value=query.actor.clone() />
            </div>
            <div class="field">
                <label for="from">{t!(i18n, audit.filter_from)}</label>
                <input id="from" name="from" type="date" value=query.from.clone() />
            </div>
            <div class="field">
                <label for="until">{t!(i18n, audit.filter_until)}</label>
                <input id="until" name="until" type="date" value=query.until.clone() />
            </div>
            <label class="check">
                <input type="checkbox" name="denied_only" value="1" checked=!query.denied_only.is_empty() />
                {t!(i18n, audit.filter_denied_only)}
            </label>
            <button class="button" type="submit">{t!(i18n, audit.filter_submit)}</button>
        </form>
        {loaded(events, move |page| {
            let q = &query;
            let filters = [
                ("entity", q.entity.as_str()),
                ("entity_id", q.entity_id.as_str()),
                ("actor", q.actor.as_str()),
                ("action", q.action.as_str()),
                ("from", q.from.as_str()),
                ("until", q.until.as_str()),
                ("denied_only", q.denied_only.as_str()),
            ];
            let older = older_href("/admin/audit", &filters, page.next);
            view! { <AuditTable page=page older=older /> }.into_any()
        })}
    }
    .into_any()
}

#[component]
pub fn ClientAuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else {
        return ().into_any();
    };
    let id: Option<ClientId> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else {
        return view! { <ErrorPage error=AppError::NotFound /> }.into_any();
    };
    let before: Option<i64> = use_query_map().get_untracked().get("before").and_then(|b| b.parse().ok());
    let report = Resource::new_blocking(move || (id, before), |(id, before)| client_audit_report(id, before));
    view! {
        <Title text=t_string!(i18n, audit.client_title) />
        <h1>{t!(i18n, audit.client_title)}</h1>
        <p>{t!(i18n, audit.client_intro, id = id.to_string())}</p>
        {loaded(report, move |page| {
            let older = older_href(&format!("/clients/{id}/audit"), &[], page.next);
            view! { <AuditTable page=page older=older /> }.into_any()
        })}
    }
    .into_any()
}
