//! The e-mail outbox (admins): what waits, what was given up, what went; retry a dead one.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::outbox::{OutboxMessageRow, RetryOutboxMessage, outbox_overview},
    i18n::*,
    ui::components::{ErrorNotice, OkNotice, action_error, loaded, require_user},
    words::message_kind_text,
};

#[component]
fn MessageList(
    #[prop(into)] heading: String,
    rows: Vec<OutboxMessageRow>,
    retry: Option<ServerAction<RetryOutboxMessage>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <h2>{heading}</h2>
        {if rows.is_empty() {
            view! { <p class="muted">{t!(i18n, outbox.none)}</p> }.into_any()
        } else {
            view! {
                <ul class="list">
                    {rows.into_iter().map(|row| view! {
                        <li class="card">
                            <strong>{message_kind_text(row.kind, locale)}</strong>
                            <div>{row.to_address.clone()}</div>
                            <div class="muted">
                                {t!(i18n, outbox.created)}": "{crate::words::sent_moment_text(&row.created_at, locale)}
                                {row.sent_at.as_ref().map(|at| format!(" · {}", crate::words::sent_moment_text(at, locale)))}
                            </div>
                            <div class="muted">{t!(i18n, outbox.attempts)}": "{row.attempts}</div>
                            {row.last_error.clone().map(|error| view! { <div class="field__error">{error}</div> })}
                            {retry.map(|action| view! {
                                <ActionForm action=action>
                                    <input type="hidden" name="id" value=row.id.to_string() />
                                    <button class="button button--secondary" type="submit">{t!(i18n, outbox.retry)}</button>
                                </ActionForm>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let query = use_query_map().get_untracked();
    let sent_before: Option<i64> = query.get("sent_before").and_then(|b| b.parse().ok());
    let overview = Resource::new_blocking(move || sent_before, outbox_overview);
    let retry = ServerAction::<RetryOutboxMessage>::new();
    let error = action_error(retry);
    let retried = query.get("retried").is_some();
    view! {
        <Title text=t_string!(i18n, outbox.title) />
        <h1>{t!(i18n, outbox.title)}</h1>
        {retried.then(|| view! { <OkNotice text=t_string!(i18n, outbox.retried).to_string() /> })}
        <ErrorNotice error=error />
        {loaded(overview, move |o| {
            view! {
                <p>{t!(i18n, outbox.summary, queued = o.queued, sent = o.sent, dead = o.dead)}</p>
                <p class="muted">{t!(i18n, outbox.transport)}": "{o.transport.clone()}</p>
                <MessageList heading=t_string!(i18n, outbox.dead_heading).to_string() rows=o.dead_rows retry=Some(retry) />
                <MessageList heading=t_string!(i18n, outbox.queued_heading).to_string() rows=o.queued_rows retry=None />
                <MessageList heading=t_string!(i18n, outbox.sent_heading).to_string() rows=o.sent_rows retry=None />
                {o.sent_next.map(|next| view! {
                    <p><a class="button button--secondary" href=format!("/admin/outbox?sent_before={next}#sent")>{t!(i18n, outbox.older)}</a></p>
                })}
            }.into_any()
        })}
    }
    .into_any()
}
