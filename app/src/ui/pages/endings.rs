//! The ending with the client, the guide and the social worker, on a phone or a laptop: the
//! client's evaluation in their words, each open goal's outcome and face, what in the situation
//! helped or hindered, the services used, and the notes that stay here. Once held, the page
//! shows what was agreed and the summary for the official client record, ready to copy, with a
//! page of its own to print. A plain post that works without JavaScript; a refused post shows
//! every field's error with what was typed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use strum::IntoEnumIterator;

use super::goals::Faces;
use crate::{
    api::{
        AppError,
        endings::{
            EndingPage, GoalAtEnding, HeldEnding, HoldEnding, SERVICE_LINES, SummaryPage, client_ending,
            ending_summary,
        },
    },
    domain::{
        ending::{FactorEffect, GoalOutcome, ServiceKind, SituationFactor},
        text,
    },
    i18n::*,
    ui::{
        clipboard::CopyText,
        components::{
            ErrorNotice, ErrorPage, TextArea, TextField, action_error, kept, loaded, require_user,
            validation_text,
        },
    },
    words::{
        day_text, effect_text, face_symbol, face_text, factor_text, goal_outcome_text, goal_status_text,
        service_kind_text,
    },
};

const FORM: &str = "ending";

fn client_id() -> Option<crate::domain::ids::ClientId> {
    use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok())
}

#[component]
pub fn EndingPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let Some(id) = client_id() else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let data = Resource::new_blocking(move || id, client_ending);
    let hold = ServerAction::<HoldEnding>::new();
    loaded(data, move |page| view_page(page, hold)).into_any()
}

fn view_page(data: EndingPage, hold: ServerAction<HoldEnding>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let title = format!("{} · {}", td_string!(locale, endings.title), data.client_name);
    let error = action_error(hold);
    let open = data.started_on.is_some();
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p class="muted">{td_string!(locale, endings.intro)}</p>
        {data.started_on.zip(data.planned_end).map(|(start, end)| view! {
            <p>{td_string!(locale, endings.plan, start = day_text(start, locale), end = day_text(end, locale))}</p>
        })}
        <ErrorNotice error=error.clone() />
        {data.may_hold.then(|| view! { <HoldForm data=data.clone() hold=hold error=error.clone() /> })}
        {match data.held.clone() {
            Some(held) => view! { <Held held=held client=data.client_id.to_string() /> }.into_any(),
            None if open => view! { <p class="muted">{td_string!(locale, endings.none_held)}</p> }.into_any(),
            None => view! { <p class="muted">{td_string!(locale, endings.nothing_here)}</p> }.into_any(),
        }}
        <p><a href=format!("/clients/{}", data.client_id)>{td_string!(locale, goals.back_to_client)}</a></p>
    }
}

#[component]
fn HoldForm(data: EndingPage, hold: ServerAction<HoldEnding>, error: Option<AppError>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let mine = error.is_some();
    let field = {
        let error = error.clone();
        move |name: &str| if mine { error.as_ref().and_then(|e| e.field(name)) } else { None }
    };
    let value = move |name: &str| if mine { kept(FORM, name) } else { None };
    let line = move |name: &str| if mine { kept(FORM, &format!("lines.{name}")) } else { None };
    view! {
        <ActionForm action=hold attr:class="form" attr:novalidate=true attr:id="ending-form">
            <input type="hidden" name="client_id" value=data.client_id.to_string() />
            <h2>{td_string!(locale, endings.form_heading)}</h2>
            <section class="card" aria-labelledby="evaluation-heading">
                <h3 id="evaluation-heading">{td_string!(locale, endings.evaluation_heading)}</h3>
                <p class="muted">{td_string!(locale, endings.evaluation_hint)}</p>
                <TextArea name="form[started_from]" label=td_string!(locale, endings.started_from_label).to_string() value=value("started_from") error=field("started_from") max=text::CLIENT_WORDS />
                <TextArea name="form[now_at]" label=td_string!(locale, endings.now_at_label).to_string() value=value("now_at") error=field("now_at") max=text::CLIENT_WORDS />
                <TextArea name="form[what_helped]" label=td_string!(locale, endings.what_helped_label).to_string() value=value("what_helped") error=field("what_helped") max=text::CLIENT_WORDS />
            </section>
            <h3>{td_string!(locale, endings.goals_heading)}</h3>
            {if data.goals.is_empty() {
                view! { <p class="muted">{td_string!(locale, endings.no_open_goals)}</p> }.into_any()
            } else {
                data.goals.iter().cloned().map(|goal| view! { <GoalOutcomeCard goal=goal mine=mine error=error.clone() /> }).collect_view().into_any()
            }}
            <section class="card" aria-labelledby="factors-heading">
                <h3 id="factors-heading">{td_string!(locale, endings.factors_heading)}</h3>
                <p class="muted">{td_string!(locale, endings.factors_hint)}</p>
                {SituationFactor::iter().map(|factor| {
                    let key = format!("factor_{}", factor.as_str());
                    let chosen = line(&key).unwrap_or_default();
                    let id = format!("ending-{key}");
                    let error = field(&key);
                    view! {
                        <div class="field">
                            <label for=id.clone()>{factor_text(factor, locale)}</label>
                            {error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                            <select id=id name=format!("form[lines][{key}]")>
                                <option value="" selected=chosen.is_empty()>{td_string!(locale, endings.effect_none)}</option>
                                {FactorEffect::iter().map(|effect| view! {
                                    <option value=effect.as_str() selected=chosen == effect.as_str()>{effect_text(effect, locale)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
            </section>
            <section class="card" aria-labelledby="services-heading">
                <h3 id="services-heading">{td_string!(locale, endings.services_heading)}</h3>
                <p class="muted">{td_string!(locale, endings.services_hint)}</p>
                {(1..=SERVICE_LINES).map(|n| {
                    let kind_key = format!("service_{n}_kind");
                    let chosen = line(&kind_key).unwrap_or_default();
                    let kind_id = format!("ending-{kind_key}");
                    let new_key = format!("service_{n}_new");
                    let kind_error = field(&kind_key);
                    let new_error = field(&new_key);
                    view! {
                        <fieldset class="field service-line">
                            <legend>{td_string!(locale, endings.service_line, n = n)}</legend>
                            <div class="field">
                                <label for=kind_id.clone()>{td_string!(locale, endings.service_kind_label)}</label>
                                {kind_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                <select id=kind_id name=format!("form[lines][{kind_key}]")>
                                    <option value="" selected=chosen.is_empty()>{td_string!(locale, endings.service_kind_none)}</option>
                                    {ServiceKind::iter().map(|kind| view! {
                                        <option value=kind.as_str() selected=chosen == kind.as_str()>{service_kind_text(kind, locale)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <TextField name=format!("form[lines][service_{n}_name]") label=td_string!(locale, endings.service_name_label).to_string() value=line(&format!("service_{n}_name")) error=field(&format!("service_{n}_name")) />
                            {new_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                            <label class="check">
                                <input type="checkbox" name=format!("form[lines][{new_key}]") checked=line(&new_key).is_some_and(|v| !v.is_empty()) />
                                {td_string!(locale, endings.service_new_label)}
                            </label>
                        </fieldset>
                    }
                }).collect_view()}
            </section>
            <section class="card" aria-labelledby="notes-heading">
                <h3 id="notes-heading">{td_string!(locale, endings.notes_heading)}</h3>
                <p class="muted">{td_string!(locale, endings.notes_hint)}</p>
                <TextArea name="form[guide_note]" label=td_string!(locale, endings.guide_note_label).to_string() value=value("guide_note") error=field("guide_note") max=text::NOTE />
                <TextArea name="form[social_worker_note]" label=td_string!(locale, endings.social_worker_note_label).to_string() value=value("social_worker_note") error=field("social_worker_note") max=text::NOTE />
            </section>
            <TextField name="form[held_on]" kind="date" label=td_string!(locale, endings.held_on_label).to_string() value=value("held_on").or(Some(data.today.to_string())) error=field("held_on") />
            <p class="notice" id="ending-warning">{td_string!(locale, endings.hold_warning)}</p>
            <button class="button" type="submit" aria-describedby="ending-warning">{td_string!(locale, endings.hold)}</button>
        </ActionForm>
    }
}

/// One open goal's part of the form: the client's face and how it went.
#[component]
fn GoalOutcomeCard(goal: GoalAtEnding, mine: bool, error: Option<AppError>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let key = move |name: &str| format!("goal_{}_{name}", goal.id);
    let name = move |name: &str| format!("form[lines][{}]", key(name));
    let field = {
        let error = error.clone();
        move |name: &str| if mine { error.as_ref().and_then(|e| e.field(&key(name))) } else { None }
    };
    let value = move |name: &str| if mine { kept(FORM, &format!("lines.{}", key(name))) } else { None };
    let chosen = value("outcome").unwrap_or_default();
    let heading = format!("ending-goal-{}", goal.id);
    view! {
        <section class="card goal" aria-labelledby=heading.clone()>
            <h4 id=heading.clone()>{goal.words.clone()}</h4>
            <p class="muted">
                <span class="badge">{goal_status_text(goal.status, locale)}</span>" "
                {td_string!(locale, reviews.goal_steps, done = goal.steps_done, all = goal.steps)}
                {goal.last_face.map(|face| view! {
                    " · "{td_string!(locale, reviews.last_face)}" "<span aria-hidden="true">{face_symbol(face)}" "</span>{face_text(face, locale)}
                })}
            </p>
            <Faces legend=td_string!(locale, endings.face_legend).to_string() name=name("face") none=true error=field("face") value=value("face") />
            <fieldset class="field">
                <legend>{td_string!(locale, endings.outcome_legend)}</legend>
                {field("outcome").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                {GoalOutcome::iter().map(|o| view! {
                    <label class="check"><input type="radio" name=name("outcome") value=o.as_str() checked=chosen == o.as_str() />{goal_outcome_text(o, locale)}</label>
                }).collect_view()}
            </fieldset>
        </section>
    }
}

#[component]
fn Held(held: HeldEnding, client: String) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let said = [
        (td_string!(locale, endings.started_from_label), held.evaluation.started_from.clone()),
        (td_string!(locale, endings.now_at_label), held.evaluation.now_at.clone()),
        (td_string!(locale, endings.what_helped_label), held.evaluation.what_helped.clone()),
    ];
    let notes = [
        (td_string!(locale, endings.guide_note_label), held.guide_note.clone()),
        (td_string!(locale, endings.social_worker_note_label), held.social_worker_note.clone()),
    ];
    view! {
        <section id="ending" class="card" aria-labelledby="held-heading">
            <h2 id="held-heading">{td_string!(locale, endings.held_heading, date = day_text(held.held_on, locale))}</h2>
            <h3>{td_string!(locale, endings.client_said)}</h3>
            <dl>
                {said.into_iter().filter_map(|(label, words)| Some((label, words?))).map(|(label, words)| view! {
                    <dt>{label}</dt><dd>{words}</dd>
                }).collect_view()}
            </dl>
            <ul>
                {held.goals.iter().map(|g| view! {
                    <li>
                        <strong>{g.words.clone()}</strong>
                        {g.outcome.map(|o| view! { ": "{goal_outcome_text(o, locale)} })}
                        {g.face.map(|face| view! { " · "<span aria-hidden="true">{face_symbol(face)}" "</span>{face_text(face, locale)} })}
                    </li>
                }).collect_view()}
            </ul>
            {(!held.factors.is_empty()).then(|| view! {
                <h3>{td_string!(locale, endings.factors_heading)}</h3>
                <ul>
                    {held.factors.iter().map(|f| view! { <li>{factor_text(f.factor, locale)}": "{effect_text(f.effect, locale)}</li> }).collect_view()}
                </ul>
            })}
            {(!held.services.is_empty()).then(|| view! {
                <h3>{td_string!(locale, endings.services_heading)}</h3>
                <ul>
                    {held.services.iter().map(|s| view! {
                        <li>
                            {service_kind_text(s.kind, locale)}
                            {s.name.clone().map(|name| view! { ": "{name} })}
                            {s.newly_connected.then(|| view! { " ("{td_string!(locale, endings.service_new)}")" })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <dl>
                {notes.into_iter().filter_map(|(label, note)| Some((label, note?))).map(|(label, note)| view! {
                    <dt>{label}</dt><dd>{note}</dd>
                }).collect_view()}
            </dl>
        </section>
        <section id="summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{td_string!(locale, endings.summary_heading)}</h2>
            {match held.summary {
                Some(summary) => view! {
                    <p class="muted" id="summary-hint">{td_string!(locale, endings.summary_hint)}</p>
                    <SummaryText text=summary />
                    <p><a class="button button--secondary" href=format!("/clients/{client}/ending/summary")>{td_string!(locale, endings.printable)}</a></p>
                }.into_any(),
                None => view! { <p class="muted">{td_string!(locale, endings.summary_cleared)}</p> }.into_any(),
            }}
        </section>
    }
}

/// The summary's text in a box the social worker can select, with the copy button.
#[component]
fn SummaryText(text: String) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let rows = text.lines().count().clamp(6, 40);
    let text_copy = text.clone();
    view! {
        <div class="field">
            <label for="summary-text">{td_string!(locale, endings.summary_label)}</label>
            <textarea id="summary-text" class="summary-text" readonly=true rows=rows.to_string() aria-describedby="summary-hint">{text}</textarea>
        </div>
        <CopyText target="summary-text".to_string() text=text_copy label=td_string!(locale, endings.copy).to_string() done=td_string!(locale, endings.copied).to_string() />
    }
}

/// The summary on its own, for printing: the text and whose it is.
#[component]
pub fn SummaryPrintPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let Some(id) = client_id() else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let data = Resource::new_blocking(move || id, ending_summary);
    loaded(data, move |page: SummaryPage| {
        let locale = crate::ui::components::locale();
        let title = format!("{} · {}", td_string!(locale, endings.summary_heading), page.client_name);
        view! {
            <Title text=title.clone() />
            <h1>{title}</h1>
            <p class="muted">{td_string!(locale, endings.held_heading, date = day_text(page.held_on, locale))}</p>
            <pre class="summary-print">{page.text.clone()}</pre>
            <p class="muted no-print">{td_string!(locale, endings.print_hint)}</p>
            <p class="no-print"><a href=format!("/clients/{}/ending#summary", page.client_id)>{td_string!(locale, endings.to_ending)}</a></p>
        }
    })
    .into_any()
}
