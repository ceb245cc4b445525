//! The guide's proposals: who, why, and an answer: yes, or no with a reason.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::referrals::{RespondToProposal, my_proposals},
    i18n::*,
    ui::{
        components::{ErrorNotice, ErrorPage, OkNotice, action_error, require_user},
        explain::{Reasons, score_text, topic_names},
    },
};

#[component]
pub fn ProposalsPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let proposals = Resource::new_blocking(|| (), |_| my_proposals());
    let respond = ServerAction::<RespondToProposal>::new();
    let error = action_error(respond);
    let declined = use_query_map().get_untracked().get("declined").is_some();
    view! {
        <Title text=t_string!(i18n, proposals.title) />
        <h1>{t!(i18n, proposals.title)}</h1>
        {declined.then(|| view! { <OkNotice text=t_string!(i18n, proposals.declined).to_string() /> })}
        {match error {
            // The one thing a decline can lack: say so plainly.
            Some(e) if e.field("reason").is_some() => view! {
                <div class="notice notice--error" role="alert">{t!(i18n, proposals.reason_required)}</div>
            }.into_any(),
            other => view! { <ErrorNotice error=other /> }.into_any(),
        }}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let locale = i18n.get_locale_untracked();
                match proposals.await {
                    Err(error) => view! { <ErrorPage error=error /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>{t!(i18n, proposals.none)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="list">
                            {list.into_iter().map(|p| {
                                let reason_id = format!("reason-{}", p.id);
                                view! {
                                    <li class="card">
                                        <h2>{p.client_name.clone()}" · "{p.place.clone()}</h2>
                                        <p>{topic_names(&p.topics, &p.needs, locale)}</p>
                                        <blockquote class="client-words">{p.client_words.clone()}</blockquote>
                                        <p class="muted">{t!(i18n, proposals.why)}" "{score_text(p.milli_score)}</p>
                                        <Reasons contributions=p.contributions.clone() topics=p.topics.clone() />
                                        <ActionForm action=respond>
                                            <input type="hidden" name="id" value=p.id.to_string() />
                                            <input type="hidden" name="accept" value="true" />
                                            <button class="button" type="submit">{t!(i18n, proposals.accept)}</button>
                                        </ActionForm>
                                        <ActionForm action=respond attr:class="form" attr:novalidate=true>
                                            <input type="hidden" name="id" value=p.id.to_string() />
                                            <input type="hidden" name="accept" value="false" />
                                            <div class="field">
                                                <label for=reason_id.clone()>{t!(i18n, proposals.decline_reason)}</label>
                                                <textarea id=reason_id name="reason" maxlength=crate::domain::text::REASON.to_string()></textarea>
                                            </div>
                                            <button class="button button--secondary" type="submit">{t!(i18n, proposals.decline)}</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
