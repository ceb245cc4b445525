//! Clients: the list (scoped by role) and the client card.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{
        AppError,
        clients::{get_client, list_clients},
        guidance::{DecideTransfer, EndGuidance, RequestTransfer, UpdateGuidancePlan},
        guides::list_guides,
        referrals::{RecordFirstContact, WithdrawConsent},
        visits::client_visits,
    },
    domain::{ids::ClientId, referrals::ContactChannel, roles::Role},
    i18n::*,
    ui::{
        components::{
            ErrorNotice, ErrorPage, OkNotice, TextField, action_error, loaded, require_user, validation_text,
        },
        explain::{ClockBadge, channel_text, status_text},
        pages::staff::language_name,
    },
};

#[component]
pub fn ClientListPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(user) = require_user() else {
        return ().into_any();
    };
    let query = use_query_map().get_untracked();
    let search = query.get("search").unwrap_or_default();
    let after: Option<ClientId> = query.get("after").and_then(|a| a.parse().ok()).map(ClientId);
    let clients = Resource::new_blocking(
        {
            let search = search.clone();
            move || (after, search.clone())
        },
        |(after, search)| list_clients(after, search, None),
    );
    let title = if user.roles.has(Role::Coordinator) {
        t_string!(i18n, clients.all_title).to_string()
    } else {
        t_string!(i18n, clients.my_title).to_string()
    };
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <form class="form form--inline" method="get" action="/clients" role="search">
            <div class="field">
                <label for="client-search">{t!(i18n, clients.search_label)}</label>
                <input id="client-search" type="search" name="search" value=search.clone() maxlength="100" />
            </div>
            <button class="button button--secondary" type="submit">{t!(i18n, clients.search_submit)}</button>
        </form>
        {loaded(clients, move |page| {
            let search = search.clone();
            match page.rows {
                rows if rows.is_empty() => view! { <p>{t!(i18n, clients.none)}</p> }.into_any(),
                rows => view! {
                    <ul class="list">
                        {rows.into_iter().map(|client| view! {
                            <li class="card">
                                <a href=format!("/clients/{}", client.id)><strong>{client.display_name}</strong></a>
                                <div class="muted">{client.municipality}</div>
                            </li>
                        }).collect_view()}
                    </ul>
                    {page.next.map(|next| {
                        let search = form_urlencoded::byte_serialize(search.as_bytes()).collect::<String>();
                        view! { <p><a class="button button--secondary" href=format!("/clients?search={search}&after={next}")>{t!(i18n, clients.more)}</a></p> }
                    })}
                }.into_any(),
            }
        })}
    }
    .into_any()
}

/// How to reach the client the way that suits them: call, text, WhatsApp (or a letter).
pub fn contact_links(phone: &str, channel: ContactChannel) -> Vec<(String, ContactChannel)> {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    // WhatsApp wants the international form without "+": 040… → 35840…
    let international = if let Some(rest) = digits.strip_prefix('+') {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("358{rest}")
    } else {
        digits.clone()
    };
    let mut links =
        vec![(format!("tel:{digits}"), ContactChannel::Call), (format!("sms:{digits}"), ContactChannel::Sms)];
    if channel == ContactChannel::WhatsApp {
        links.insert(0, (format!("https://wa.me/{international}"), ContactChannel::WhatsApp));
    }
    links
}

#[component]
pub fn ClientPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let id: Option<ClientId> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let query = use_query_map().get_untracked();
    let notice = [
        ("accepted", t_string!(i18n, client.accepted)),
        ("contact", t_string!(i18n, client.contact_recorded)),
        ("saved", t_string!(i18n, client.saved)),
        ("ended", t_string!(i18n, client.ended)),
        ("transfer_requested", t_string!(i18n, client.transfer_requested)),
        ("transfer_decided", t_string!(i18n, client.transfer_decided)),
        ("consent_withdrawn", t_string!(i18n, client.consent_withdrawn)),
    ]
    .into_iter()
    .find(|(key, _)| query.get(key).is_some())
    .map(|(_, text)| text.to_string());
    let visits_after: Option<i64> = query.get("visits_after").and_then(|a| a.parse().ok());
    let client = Resource::new_blocking(move || id, get_client);
    // A resource of its own (a call made inside the card's Suspend could run twice while the
    // card resolves), asked only once the card is allowed: a refused card is one refusal in
    // the audit trail, not one per part of the page.
    let visits = Resource::new_blocking(
        move || (id, visits_after),
        move |(id, after)| async move {
            match client.await {
                Ok(_) => client_visits(id, after, None).await.map(Some),
                Err(_) => Ok(None),
            }
        },
    );
    let first_contact = ServerAction::<RecordFirstContact>::new();
    let update_plan = ServerAction::<UpdateGuidancePlan>::new();
    let end = ServerAction::<EndGuidance>::new();
    let request = ServerAction::<RequestTransfer>::new();
    let decide = ServerAction::<DecideTransfer>::new();
    let withdraw = ServerAction::<WithdrawConsent>::new();
    let error = action_error(first_contact)
        .or(action_error(update_plan))
        .or(action_error(end))
        .or(action_error(request))
        .or(action_error(decide))
        .or(action_error(withdraw));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let notice = notice.clone();
                let error = error.clone();
                Suspend::new(async move {
                    let client = match client.await {
                        Err(error) => return view! { <ErrorPage error=error /> }.into_any(),
                        Ok(client) => client,
                    };
                    let locale = i18n.get_locale_untracked();
                    let may = client.may.clone();
                    let (visits, more_visits) = match visits.await {
                        Ok(Some(page)) if client.guide_name.is_some() => (page.rows, page.next),
                        _ => (Vec::new(), None),
                    };
                    let guides = if may.decide_transfer && client.pending_transfer.is_some() {
                        list_guides().await.map(|o| o.guides).unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                    let field = |name: &str| error.as_ref().and_then(|e| e.field(name));
                    let (review_error, end_error, reason_error) = (field("review_due"), field("planned_end"), field("reason"));
                    view! {
                        <Title text=client.display_name.clone() />
                        <h1>{client.display_name.clone()}</h1>
                        <p class="muted">{client.municipality.clone()}</p>
                        {notice.map(|text| view! { <OkNotice text=text /> })}
                        <ErrorNotice error=error.clone() />
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
                        {client.phone.clone().map(|phone| {
                            let links = contact_links(&phone, client.contact_channel);
                            view! {
                                <section class="card" aria-labelledby="contact-heading">
                                    <h2 id="contact-heading">{t!(i18n, client.contact_heading)}</h2>
                                    <p>{t!(i18n, client.prefers)}": "{channel_text(client.contact_channel, locale)}</p>
                                    <p class="actions">
                                        {links.into_iter().map(|(href, kind)| view! {
                                            <a class="button button--secondary" href=href>{channel_text(kind, locale)}</a>
                                        }).collect_view()}
                                    </p>
                                    {client.pickup_address.clone().map(|a| view! { <p>{t!(i18n, client.pickup)}": "{a}</p> })}
                                    <p class="muted">{t!(i18n, client.languages)}": "{client.languages.iter().map(|l| language_name(locale, l)).collect::<Vec<_>>().join(", ")}</p>
                                </section>
                            }
                        })}
                        {may.view_goals.then(|| view! {
                            <p><a class="button button--secondary" href=format!("/clients/{}/goals", client.id)>{t!(i18n, goals.open_from_card)}</a></p>
                            <p><a class="button button--secondary" href=format!("/clients/{}/review", client.id)>{t!(i18n, reviews.open_from_card)}</a></p>
                            <p><a class="button button--secondary" href=format!("/clients/{}/ending", client.id)>{t!(i18n, endings.open_from_card)}</a></p>
                        })}
                        {(may.sign_up_for_outing || !client.outings.is_empty()).then(|| view! {
                            <section aria-labelledby="outings-heading">
                                <h2 id="outings-heading">{t!(i18n, outings.client_heading)}</h2>
                                {may.sign_up_for_outing.then(|| view! {
                                    <p><a class="button button--secondary" href=format!("/outings?client={}", client.id)>{t!(i18n, outings.sign_up_from_card)}</a></p>
                                })}
                                {(!client.outings.is_empty()).then(|| view! {
                                    <ul>
                                        {client.outings.iter().map(|o| view! {
                                            <li>
                                                <a href=format!("/outings/sessions/{}", o.session_id)>{o.title.clone()}</a>" · "{crate::words::moment_text(o.starts_at, locale)}
                                                // A step of the client's goal may have been taken there.
                                                {may.view_goals.then(|| view! {
                                                    " · "<a href=format!("/clients/{}/goals?outing={}", client.id, o.session_id)>{t!(i18n, outings.goal_step)}<span class="visually-hidden">": "{o.title.clone()}</span></a>
                                                })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                })}
                            </section>
                        })}
                        {(may.plan_visit || !visits.is_empty()).then(|| view! {
                            <section aria-labelledby="visits-heading">
                                <h2 id="visits-heading">{t!(i18n, visits.client_heading)}</h2>
                                {may.plan_visit.then(|| view! {
                                    <p><a class="button" href=format!("/visits/new?client={}", client.id)>{t!(i18n, visits.new_title)}</a></p>
                                })}
                                <ul class="list">
                                    {visits.clone().into_iter().map(|v| view! { <crate::ui::pages::visits::VisitCard visit=v show_date=true /> }).collect_view()}
                                </ul>
                                {more_visits.map(|next| view! {
                                    <p><a class="button button--secondary" href=format!("/clients/{}?visits_after={next}#visits-heading", client.id)>{t!(i18n, visits.more)}</a></p>
                                })}
                            </section>
                        })}
                        {client.referral.clone().map(|r| view! {
                            <section class="card" aria-labelledby="referral-heading">
                                <h2 id="referral-heading">{t!(i18n, client.referral_heading)}</h2>
                                <p><ClockBadge clock=r.clock /></p>
                                <p>{status_text(r.status, locale)}" · "<a href=format!("/referrals/{}", r.id)>{t!(i18n, client.open_referral)}</a></p>
                                {r.first_contact_channel.map(|c| view! { <p>{t!(i18n, client.first_contact_by)}": "{channel_text(c, locale)}</p> })}
                                {may.record_first_contact.then(|| view! {
                                    <ActionForm action=first_contact attr:class="form">
                                        <input type="hidden" name="id" value=r.id.to_string() />
                                        <fieldset class="field">
                                            <legend>{t!(i18n, client.first_contact_legend)}</legend>
                                            {[ContactChannel::Call, ContactChannel::Sms, ContactChannel::WhatsApp, ContactChannel::Meeting, ContactChannel::Letter].into_iter().enumerate().map(|(i, c)| view! {
                                                <label class="check">
                                                    <input type="radio" name="channel" value=c.as_str() checked=i == 0 />
                                                    {channel_text(c, locale)}
                                                </label>
                                            }).collect_view()}
                                        </fieldset>
                                        <button class="button" type="submit">{t!(i18n, client.record_first_contact)}</button>
                                    </ActionForm>
                                })}
                            </section>
                        })}
                        {client.period.clone().map(|period| view! {
                            <section class="card" aria-labelledby="period-heading">
                                <h2 id="period-heading">{t!(i18n, client.period_heading)}</h2>
                                <dl class="facts">
                                    <dt>{t!(i18n, client.started)}</dt><dd>{crate::words::sent_moment_text(&period.started_at, locale)}</dd>
                                    <dt>{t!(i18n, client.review_due)}</dt><dd>{crate::words::sent_day_text(&period.review_due, locale)}</dd>
                                    <dt>{t!(i18n, client.planned_end)}</dt><dd>{crate::words::sent_day_text(&period.planned_end, locale)}</dd>
                                </dl>
                                {may.edit_plan.then(|| view! {
                                    <details>
                                        <summary>{t!(i18n, client.edit_plan)}</summary>
                                        <ActionForm action=update_plan attr:class="form" attr:novalidate=true>
                                            <input type="hidden" name="client_id" value=client.id.to_string() />
                                            <TextField name="review_due" label=t_string!(i18n, client.review_due).to_string() kind="date"
                                                value=Some(period.review_due.clone()) error=review_error />
                                            <TextField name="planned_end" label=t_string!(i18n, client.planned_end).to_string() kind="date"
                                                value=Some(period.planned_end.clone()) error=end_error />
                                            <button class="button" type="submit">{t!(i18n, client.save_plan)}</button>
                                        </ActionForm>
                                    </details>
                                })}
                            </section>
                        })}
                        {match client.pending_transfer.clone() {
                            Some(transfer) => view! {
                                <section class="card" aria-labelledby="transfer-heading">
                                    <h2 id="transfer-heading">{t!(i18n, client.transfer_pending)}</h2>
                                    <p>{transfer.reason.clone()}</p>
                                    <p class={if transfer.earlier_transfers > 0 { "badge badge--warn" } else { "badge" }}>
                                        {t!(i18n, transfers.earlier, count = move || transfer.earlier_transfers)}
                                    </p>
                                    {may.decide_transfer.then(|| view! {
                                        <ActionForm action=decide attr:class="form">
                                            <input type="hidden" name="id" value=transfer.id.to_string() />
                                            <input type="hidden" name="approve" value="true" />
                                            <div class="field">
                                                <label for="to-guide">{t!(i18n, client.new_guide)}</label>
                                                <select id="to-guide" name="to_guide">
                                                    {guides.iter().filter(|g| Some(&g.name) != client.guide_name.as_ref()).map(|g| view! {
                                                        <option value=g.id.to_string()>{format!("{} ({}/{})", g.name, g.caseload, g.max_caseload)}</option>
                                                    }).collect_view()}
                                                </select>
                                            </div>
                                            <button class="button" type="submit">{t!(i18n, client.approve_transfer)}</button>
                                        </ActionForm>
                                        <ActionForm action=decide>
                                            <input type="hidden" name="id" value=transfer.id.to_string() />
                                            <input type="hidden" name="approve" value="false" />
                                            <button class="button button--secondary" type="submit">{t!(i18n, client.reject_transfer)}</button>
                                        </ActionForm>
                                    })}
                                </section>
                            }.into_any(),
                            None => may.request_transfer.then(|| view! {
                                <details class="card">
                                    <summary>{t!(i18n, client.request_transfer)}</summary>
                                    <p class="muted">{t!(i18n, client.transfer_hint)}</p>
                                    <ActionForm action=request attr:class="form" attr:novalidate=true>
                                        <input type="hidden" name="client_id" value=client.id.to_string() />
                                        <div class="field">
                                            <label for="transfer-reason">{t!(i18n, client.transfer_reason)}</label>
                                            {reason_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                            <textarea id="transfer-reason" name="reason" maxlength=crate::domain::text::REASON.to_string()></textarea>
                                        </div>
                                        <button class="button button--secondary" type="submit">{t!(i18n, client.send_transfer_request)}</button>
                                    </ActionForm>
                                </details>
                            }).into_any(),
                        }}
                        {may.end.then(|| view! {
                            <details class="card">
                                <summary>{t!(i18n, client.end_heading)}</summary>
                                <ActionForm action=end attr:class="form" attr:novalidate=true>
                                    <input type="hidden" name="client_id" value=client.id.to_string() />
                                    <div class="field">
                                        <label for="end-reason">{t!(i18n, client.end_reason)}</label>
                                        <textarea id="end-reason" name="reason" maxlength=crate::domain::text::REASON.to_string()></textarea>
                                    </div>
                                    <button class="button button--danger" type="submit">{t!(i18n, client.end)}</button>
                                </ActionForm>
                            </details>
                        })}
                        {client.social_worker_name.clone().map(|name| view! {
                            <p>{t!(i18n, clients.social_worker)}": "{name}</p>
                        })}
                        {(!client.consents.is_empty()).then(|| view! {
                            <section aria-labelledby="consent-heading">
                                <h2 id="consent-heading">{t!(i18n, client.consents_heading)}</h2>
                                <ul class="list">
                                    {client.consents.clone().into_iter().map(|c| view! {
                                        <li class="card">
                                            <div>{t!(i18n, client.consent_given)}" "{crate::words::sent_moment_text(&c.given_at, locale)}{c.valid_until.clone().map(|d| format!(" – {}", crate::words::sent_day_text(&d, locale)))}</div>
                                            {(!c.shared_with.is_empty()).then(|| view! { <div class="muted">{c.shared_with.clone()}</div> })}
                                            {match c.withdrawn_at.clone() {
                                                Some(at) => view! { <div class="badge badge--warn">{t!(i18n, client.consent_withdrawn_at)}" "{crate::words::sent_moment_text(&at, locale)}</div> }.into_any(),
                                                None => may.manage_consent.then(|| view! {
                                                    <ActionForm action=withdraw>
                                                        <input type="hidden" name="id" value=c.id.to_string() />
                                                        <button class="button button--secondary" type="submit">{t!(i18n, client.withdraw_consent)}</button>
                                                    </ActionForm>
                                                }).into_any(),
                                            }}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        })}
                        {may.read_audit.then(|| view! {
                            <p><a href=format!("/clients/{}/audit", client.id)>{t!(i18n, audit.client_report_link)}</a></p>
                        })}
                    }.into_any()
                })
            }}
        </Suspense>
    }
    .into_any()
}
