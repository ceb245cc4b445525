//! Referrals: the social worker's list and form, the coordinator's queue, one referral with the
//! guides proposed for it and why, the introductions a client chooses from, and the batch.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{
        AppError,
        referrals::{
            BatchApply, ProposeGuide, ReferralSummary, SubmitReferral, TopicView, batch_preview,
            get_referral, guide_introductions, list_referrals, list_topics, referral_ranking,
        },
    },
    domain::{
        ids::UserId,
        languages::SPOKEN,
        referrals::{ChosenBy, ContactChannel, ReferralStatus, TimelineEvent},
        roles::Role,
    },
    i18n::*,
    ui::{
        components::{
            ErrorNotice, ErrorPage, OkNotice, TextField, action_error, kept, loaded, require_user,
            validation_text,
        },
        explain::{
            ClockBadge, PlaceSelect, Reasons, channel_text, event_text, exclusion_text, response_text,
            score_text, status_text, topic_names,
        },
        pages::staff::language_name,
    },
};

#[component]
fn ReferralRow(referral: ReferralSummary, topics: Vec<TopicView>, show_referrer: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <li class="card">
            <a href=format!("/referrals/{}", referral.id)><strong>{referral.client_name.clone()}</strong></a>
            {referral.urgent.then(|| view! { <span class="badge badge--danger">{t!(i18n, referrals.urgent)}</span> })}
            <div class="muted">{referral.place.clone()}" · "{topic_names(&topics, &referral.needs, locale)}</div>
            <div>{status_text(referral.status, locale)}{referral.guide_name.clone().map(|g| format!(": {g}"))}</div>
            {show_referrer.then(|| referral.referred_by_name.clone().map(|name| view! { <div class="muted">{t!(i18n, referrals.referred_by)}": "{name}</div> }))}
            <ClockBadge clock=referral.clock />
        </li>
    }
}

#[component]
pub fn ReferralListPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(user) = require_user() else { return ().into_any() };
    let coordinator = user.roles.has(Role::Coordinator);
    let query = use_query_map().get_untracked();
    let after: Option<i64> = query.get("after").and_then(|a| a.parse().ok());
    let data = Resource::new_blocking(
        move || after,
        |after| async move { Ok::<_, AppError>((list_referrals(after, None).await?, list_topics().await?)) },
    );
    let batch = query.get("batch");
    let title = if coordinator {
        t_string!(i18n, referrals.queue_title).to_string()
    } else {
        t_string!(i18n, referrals.my_title).to_string()
    };
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        {batch.map(|n| view! { <OkNotice text=td_string!(i18n.get_locale_untracked(), referrals.batch_done, count = n.parse::<i64>().unwrap_or(0)).to_string() /> })}
        <p class="actions">
            {(!coordinator || user.roles.has(Role::SocialWorker)).then(|| view! { <a class="button" href="/referrals/new">{t!(i18n, referrals.new_referral)}</a> })}
            {coordinator.then(|| view! {
                <a class="button button--secondary" href="/referrals/batch">{t!(i18n, referrals.batch_link)}</a>
                <a class="button button--secondary" href="/transfers">{t!(i18n, transfers.title)}</a>
            })}
        </p>
        {coordinator.then(|| view! { <p class="muted">{t!(i18n, referrals.queue_intro)}</p> })}
        {loaded(data, move |data| match data {
            (page, _) if page.rows.is_empty() => view! { <p>{t!(i18n, referrals.none)}</p> }.into_any(),
            (page, topics) => view! {
                <ul class="list">
                    {page.rows.into_iter().map(|r| view! { <ReferralRow referral=r topics=topics.clone() show_referrer=coordinator /> }).collect_view()}
                </ul>
                {page.next.map(|next| view! {
                    <p><a class="button button--secondary" href=format!("/referrals?after={next}")>{t!(i18n, referrals.more)}</a></p>
                })}
            }.into_any(),
        })}
    }
    .into_any()
}

const FORM: &str = "referrals/submit";

#[component]
pub fn NewReferralPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let action = ServerAction::<SubmitReferral>::new();
    let error = action_error(action);
    let topics = Resource::new_blocking(|| (), |_| list_topics());
    view! {
        <Title text=t_string!(i18n, referrals.new_referral) />
        <h1>{t!(i18n, referrals.new_referral)}</h1>
        <p>{t!(i18n, referrals.form_intro)}</p>
        <ErrorNotice error=error.clone() />
        <Suspense fallback=|| ()>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    match topics.await {
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                        Ok(topics) => view! { <ReferralFormFields topics=topics error=error action=action /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ReferralFormFields(
    topics: Vec<TopicView>,
    error: Option<AppError>,
    action: ServerAction<SubmitReferral>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let field = {
        let error = error.clone();
        move |name: &str| error.as_ref().and_then(|e| e.field(name))
    };
    let checked = |group: &str, code: &str| kept(FORM, &format!("{group}.{code}")).is_some();
    let kept_any = kept(FORM, "display_name").is_some();
    let channel = kept(FORM, "contact_channel").unwrap_or_else(|| "call".into());
    let gender = kept(FORM, "preferred_gender").unwrap_or_default();
    let needs_error = field("needs");
    let languages_error = field("languages");
    let consent_error = field("consent");
    view! {
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <TextField name="form[display_name]" label=t_string!(i18n, referrals.display_name).to_string()
                hint=t_string!(i18n, referrals.display_name_hint).to_string() autocomplete="off"
                value=kept(FORM, "display_name") error=field("display_name") required=true />
            <PlaceSelect name="form[place]" label=t_string!(i18n, referrals.place).to_string()
                selected=kept(FORM, "place").unwrap_or_default() error=field("place") />
            <TextField name="form[phone]" label=t_string!(i18n, fields.phone).to_string() kind="tel" autocomplete="off"
                value=kept(FORM, "phone") error=field("phone") />
            <fieldset class="field">
                <legend>{t!(i18n, referrals.contact_channel)}</legend>
                {[ContactChannel::Call, ContactChannel::Sms, ContactChannel::WhatsApp, ContactChannel::Letter].into_iter().map(|c| view! {
                    <label class="check">
                        <input type="radio" name="form[contact_channel]" value=c.as_str() checked=channel == c.as_str() />
                        {channel_text(c, locale)}
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset class="field">
                <legend>{t!(i18n, referrals.languages)}</legend>
                {languages_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                {SPOKEN.into_iter().map(|code| view! {
                    <label class="check">
                        <input type="checkbox" name=format!("form[languages][{code}]") value="on"
                            checked=if kept_any { checked("languages", code) } else { code == "fi" } />
                        {language_name(locale, code)}
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset class="field">
                <legend>{t!(i18n, referrals.needs)}</legend>
                {needs_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                {topics.iter().map(|topic| view! {
                    <label class="check">
                        <input type="checkbox" name=format!("form[needs][{}]", topic.code) value="on" checked=checked("needs", &topic.code) />
                        {topic.name(locale.as_str()).to_owned()}
                    </label>
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="form-client_words">{t!(i18n, referrals.client_words)}</label>
                <span class="field__hint">{t!(i18n, referrals.client_words_hint)}</span>
                <textarea id="form-client_words" name="form[client_words]" maxlength=crate::domain::text::CLIENT_WORDS.to_string()>{kept(FORM, "client_words")}</textarea>
            </div>
            <label class="check">
                <input type="checkbox" name="form[urgent]" value="on" checked=kept(FORM, "urgent").is_some() />
                {t!(i18n, referrals.urgent_label)}
            </label>
            <label class="check">
                <input type="checkbox" name="form[needs_rides]" value="on" checked=kept(FORM, "needs_rides").is_some() />
                {t!(i18n, referrals.needs_rides)}
            </label>
            <div class="field">
                <label for="form-preferred_gender">{t!(i18n, referrals.preferred_gender)}</label>
                <select id="form-preferred_gender" name="form[preferred_gender]">
                    <option value="" selected=gender.is_empty()>{t!(i18n, referrals.gender_any)}</option>
                    <option value="woman" selected=gender == "woman">{t!(i18n, referrals.gender_woman)}</option>
                    <option value="man" selected=gender == "man">{t!(i18n, referrals.gender_man)}</option>
                </select>
            </div>
            <div class="field">
                <label for="form-guide_wishes">{t!(i18n, referrals.guide_wishes)}</label>
                <textarea id="form-guide_wishes" name="form[guide_wishes]" maxlength=crate::domain::text::GUIDE_WISHES.to_string()>{kept(FORM, "guide_wishes")}</textarea>
            </div>
            <fieldset class="field">
                <legend>{t!(i18n, referrals.consent_legend)}</legend>
                {consent_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                <label class="check">
                    <input type="checkbox" name="form[consent]" value="on" checked=kept(FORM, "consent").is_some() />
                    {t!(i18n, referrals.consent_label)}
                </label>
                <TextField name="form[consent_shared_with]" label=t_string!(i18n, referrals.consent_shared_with).to_string()
                    value=kept(FORM, "consent_shared_with") />
                <TextField name="form[consent_valid_until]" label=t_string!(i18n, referrals.consent_valid_until).to_string()
                    kind="date" value=kept(FORM, "consent_valid_until") error=field("consent_valid_until") />
            </fieldset>
            <button class="button" type="submit">{t!(i18n, referrals.submit)}</button>
        </ActionForm>
    }
}

#[component]
pub fn ReferralPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(user) = require_user() else { return ().into_any() };
    // Recorded with the proposal: who chose the guide.
    let chosen_by =
        if user.roles.has(Role::Coordinator) { ChosenBy::Coordinator } else { ChosenBy::SocialWorker };
    let id: Option<i64> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let query = use_query_map().get_untracked();
    let notice = if query.get("submitted").is_some() {
        Some(t_string!(i18n, referrals.submitted).to_string())
    } else if query.get("proposed").is_some() {
        Some(t_string!(i18n, referrals.proposed).to_string())
    } else {
        None
    };
    let detail = Resource::new_blocking(move || id, get_referral);
    let propose = ServerAction::<ProposeGuide>::new();
    let error = action_error(propose);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let notice = notice.clone();
                let error = error.clone();
                Suspend::new(async move {
                    let detail = match detail.await {
                        Err(error) => return view! { <ErrorPage error=error /> }.into_any(),
                        Ok(detail) => detail,
                    };
                    let locale = i18n.get_locale_untracked();
                    let s = detail.summary.clone();
                    let waiting = s.status == ReferralStatus::Submitted;
                    view! {
                        <Title text=s.client_name.clone() />
                        <p><a href="/referrals">{t!(i18n, referrals.back)}</a></p>
                        <h1>{t!(i18n, referrals.referral_of, name = s.client_name.clone())}</h1>
                        {notice.map(|text| view! { <OkNotice text=text /> })}
                        <ErrorNotice error=error />
                        <p><ClockBadge clock=s.clock /></p>
                        <dl class="facts">
                            <dt>{t!(i18n, referrals.status)}</dt><dd>{status_text(s.status, locale)}</dd>
                            <dt>{t!(i18n, referrals.place)}</dt><dd>{s.place.clone()}</dd>
                            <dt>{t!(i18n, referrals.needs)}</dt><dd>{topic_names(&detail.topics, &s.needs, locale)}</dd>
                            <dt>{t!(i18n, referrals.languages)}</dt><dd>{detail.languages.iter().map(|l| language_name(locale, l)).collect::<Vec<_>>().join(", ")}</dd>
                            {detail.contact_channel.map(|c| view! { <dt>{t!(i18n, referrals.contact_channel)}</dt><dd>{channel_text(c, locale)}</dd> })}
                            {s.guide_name.clone().map(|g| view! { <dt>{t!(i18n, referrals.guide)}</dt><dd>{g}</dd> })}
                            {s.referred_by_name.clone().map(|g| view! { <dt>{t!(i18n, referrals.referred_by)}</dt><dd>{g}</dd> })}
                        </dl>
                        <h2>{t!(i18n, referrals.client_words)}</h2>
                        <blockquote class="client-words">{detail.client_words.clone()}</blockquote>
                        {detail.guide_wishes.clone().map(|w| view! { <p>{t!(i18n, referrals.guide_wishes)}": "{w}</p> })}
                        // A guide who is only being asked has no client card to open yet.
                        {detail.in_full.then(|| view! { <p><a href=format!("/clients/{}", s.client_id)>{t!(i18n, referrals.client_card)}</a></p> })}
                        {(detail.can_propose && waiting).then(|| view! { <Proposals id=id propose=propose chosen_by=chosen_by /> })}
                        {(!detail.proposals.is_empty()).then(|| view! {
                            <h2>{t!(i18n, referrals.proposals_heading)}</h2>
                            <ul class="list">
                                {detail.proposals.clone().into_iter().map(|p| view! {
                                    <li class="card">
                                        <strong>{p.guide_name}</strong>" · "{score_text(p.milli_score)}
                                        <div>{response_text(p.response, locale)}{p.reason.map(|r| format!(": {r}"))}</div>
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                        <h2>{t!(i18n, referrals.timeline)}</h2>
                        <ol class="timeline">
                            {detail.timeline.into_iter().map(|e| view! {
                                <li>
                                    <span class="muted">{crate::words::sent_moment_text(&e.at, locale)}</span>" "
                                    {event_text(e.event, locale)}
                                    {e.actor_name.map(|a| format!(" · {a}"))}
                                    {e.note.map(|n| format!(" · {}", match (e.event, n.as_str()) {
                                        (TimelineEvent::FirstContact, channel) => ContactChannel::parse(channel).map_or(n.clone(), |c| channel_text(c, locale).to_owned()),
                                        (_, "consent_withdrawn") => t_string!(i18n, referrals.consent_withdrawn_note).to_string(),
                                        (_, "consent_expired") => t_string!(i18n, referrals.consent_expired_note).to_string(),
                                        _ => n.clone(),
                                    }))}
                                </li>
                            }).collect_view()}
                        </ol>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// The ranking with reasons, a button to propose each, and a choice of up to three
/// introductions to show the client.
#[component]
fn Proposals(id: i64, propose: ServerAction<ProposeGuide>, chosen_by: ChosenBy) -> impl IntoView {
    let i18n = use_i18n();
    let ranking = Resource::new_blocking(move || id, referral_ranking);
    view! {
        <h2>{t!(i18n, referrals.candidates_heading)}</h2>
        <p class="muted">{t!(i18n, referrals.candidates_intro)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let ranking = match ranking.await {
                    Err(error) => return view! { <ErrorNotice error=Some(error) /> }.into_any(),
                    Ok(r) => r,
                };
                let locale = i18n.get_locale_untracked();
                let top: Vec<_> = ranking.candidates.iter().take(5).cloned().collect();
                let topics = ranking.topics.clone();
                view! {
                    {top.is_empty().then(|| view! { <p class="notice notice--warn">{t!(i18n, referrals.no_candidates)}</p> })}
                    <ol class="list candidates">
                        {top.into_iter().map(|c| {
                            let topics = topics.clone();
                            view! {
                                <li class="card">
                                    <h3>{c.guide_name.clone()}" · "{score_text(c.milli_score)}</h3>
                                    <div class="muted">{c.place.clone()}" · "{topic_names(&topics, &c.topics, locale)}</div>
                                    <Reasons contributions=c.contributions.clone() topics=topics.clone() />
                                    <ActionForm action=propose>
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <input type="hidden" name="guide_id" value=c.guide_id.to_string() />
                                        <input type="hidden" name="chosen_by" value=chosen_by.as_str() />
                                        <button class="button" type="submit">{t!(i18n, referrals.propose, name = c.guide_name.clone())}</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    {(ranking.candidates.len() > 1).then(|| view! {
                        <form method="get" action=format!("/referrals/{id}/introductions") class="form">
                            <fieldset class="field">
                                <legend>{t!(i18n, referrals.introductions_legend)}</legend>
                                {ranking.candidates.iter().take(5).enumerate().map(|(i, c)| view! {
                                    <label class="check">
                                        <input type="checkbox" name="g" value=c.guide_id.to_string() checked=i < 3 />
                                        {c.guide_name.clone()}
                                    </label>
                                }).collect_view()}
                            </fieldset>
                            <button class="button button--secondary" type="submit">{t!(i18n, referrals.show_introductions)}</button>
                        </form>
                    })}
                    {(!ranking.not_eligible.is_empty()).then(|| view! {
                        <details class="card">
                            <summary>{t!(i18n, referrals.not_eligible_heading, count = { let n = ranking.not_eligible.len(); move || n })}</summary>
                            <ul>
                                {ranking.not_eligible.into_iter().map(|n| view! {
                                    <li><strong>{n.guide_name}</strong>": "{n.reasons.iter().map(|r| exclusion_text(r, locale)).collect::<Vec<_>>().join(" ")}</li>
                                }).collect_view()}
                            </ul>
                        </details>
                    })}
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// Up to three guides' introductions, in large type, for the client to choose from.
#[component]
pub fn IntroductionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let id: Option<i64> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let guides: Vec<UserId> = use_query_map()
        .get_untracked()
        .get_all("g")
        .unwrap_or_default()
        .iter()
        .filter_map(|g| g.parse().ok())
        .collect();
    let intros =
        Resource::new_blocking(move || guides.clone(), move |guides| guide_introductions(id, guides));
    let propose = ServerAction::<ProposeGuide>::new();
    view! {
        <Title text=t_string!(i18n, referrals.introductions_title) />
        <p><a href=format!("/referrals/{id}")>{t!(i18n, referrals.back_to_referral)}</a></p>
        <h1>{t!(i18n, referrals.introductions_title)}</h1>
        <p>{t!(i18n, referrals.introductions_intro)}</p>
        <ErrorNotice error=action_error(propose) />
        {loaded(intros, move |intros| {
            view! {
                <ul class="list introductions">
                    {intros.into_iter().map(|intro| view! {
                        <li class="card introduction">
                            <h2>{intro.first_name.clone()}</h2>
                            <p class="muted">{intro.place}</p>
                            <p class="introduction__text">{intro.introduction}</p>
                            <ActionForm action=propose>
                                <input type="hidden" name="id" value=id.to_string() />
                                <input type="hidden" name="guide_id" value=intro.guide_id.to_string() />
                                <input type="hidden" name="chosen_by" value=ChosenBy::Client.as_str() />
                                <button class="button" type="submit">{t!(i18n, referrals.client_chose, name = intro.first_name.clone())}</button>
                            </ActionForm>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
    .into_any()
}

#[component]
pub fn BatchPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let plan = Resource::new_blocking(|| (), |_| batch_preview());
    let apply = ServerAction::<BatchApply>::new();
    view! {
        <Title text=t_string!(i18n, referrals.batch_title) />
        <p><a href="/referrals">{t!(i18n, referrals.back)}</a></p>
        <h1>{t!(i18n, referrals.batch_title)}</h1>
        <p>{t!(i18n, referrals.batch_intro)}</p>
        <ErrorNotice error=action_error(apply) />
        {loaded(plan, move |plan| {
            view! {
                <p>{t!(i18n, referrals.batch_summary, placed = plan.placed, total = plan.lines.len(), greedy = plan.greedy_placed)}</p>
                <div class="table-scroll" tabindex="0" role="region" aria-label=t_string!(i18n, referrals.batch_title)>
                    <table>
                        <thead><tr>
                            <th scope="col">{t!(i18n, referrals.col_client)}</th>
                            <th scope="col">{t!(i18n, referrals.col_waited)}</th>
                            <th scope="col">{t!(i18n, referrals.col_guide)}</th>
                        </tr></thead>
                        <tbody>
                            {plan.lines.into_iter().map(|line| view! {
                                <tr>
                                    <td><a href=format!("/referrals/{}", line.referral_id)>{line.client_name}</a>" · "{line.place}</td>
                                    <td>{line.days_waiting}</td>
                                    <td>{match (line.guide_name, line.milli_score) {
                                        (Some(name), Some(score)) => format!("{name} ({})", score_text(score)),
                                        _ => t_string!(i18n, referrals.batch_none).to_string(),
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(plan.placed > 0).then(|| view! {
                    <ActionForm action=apply>
                        <button class="button" type="submit">{t!(i18n, referrals.batch_apply, count = { let n = plan.placed; move || n })}</button>
                    </ActionForm>
                })}
            }.into_any()
        })}
    }
    .into_any()
}
