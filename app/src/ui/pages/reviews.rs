//! The mid-point review with the client, the guide and the social worker, on a phone or a
//! laptop: what happened since the start or the last review (visits held and missed, steps
//! done, visit notes, the reward balance), then one card per open goal for the client's face,
//! the guide's note and the decision, and the outcome with the next dates. Opened from the
//! review meeting, the form records that meeting. A plain post that works without JavaScript;
//! a refused post shows every field's error with what was typed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::goals::Faces;
use crate::{
    api::{
        AppError,
        reviews::{GoalToReview, HeldReview, HoldReview, ReviewPage, SinceView, client_review},
    },
    domain::{
        ids::ClientId,
        reviews::{GoalDecisionKind, ReviewOutcome},
        text,
    },
    i18n::*,
    ui::components::{
        ErrorNotice, ErrorPage, TextField, action_error, kept, loaded, require_user, validation_text,
    },
    words::{
        amount_text, day_text, face_symbol, face_text, goal_decision_text, goal_status_text,
        review_outcome_text, visit_kind_text,
    },
};

const FORM: &str = "review";

#[component]
pub fn ReviewPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let id: Option<ClientId> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let visit: Option<i64> = use_query_map().get_untracked().get("visit").and_then(|v| v.parse().ok());
    let data = Resource::new_blocking(move || (id, visit), |(id, visit)| client_review(id, visit));
    let hold = ServerAction::<HoldReview>::new();
    loaded(data, move |page| view_page(page, hold)).into_any()
}

fn view_page(data: ReviewPage, hold: ServerAction<HoldReview>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let title = format!("{} · {}", td_string!(locale, reviews.title), data.client_name);
    let error = action_error(hold);
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p class="muted">{td_string!(locale, reviews.intro)}</p>
        {data.visit.map(|v| view! {
            <p class="notice" role="status">{td_string!(locale, reviews.from_visit, date = day_text(v.date, locale))}</p>
            <p><a href=format!("/visits/{}", v.id)>{td_string!(locale, goals.back_to_visit)}</a></p>
        })}
        {data.plan.map(|plan| view! {
            <p>{td_string!(
                locale,
                reviews.plan,
                start = day_text(plan.started_on, locale),
                end = day_text(plan.planned_end, locale),
                review = day_text(plan.review_due, locale)
            )}</p>
        })}
        {data.since.clone().map(|since| view! { <Since since=since /> })}
        <ErrorNotice error=error.clone() />
        {data.may_hold.then(|| view! { <HoldForm data=data.clone() hold=hold error=error.clone() /> })}
        <section id="held" aria-labelledby="held-heading">
            <h2 id="held-heading">{td_string!(locale, reviews.held_heading)}</h2>
            {if data.held.is_empty() {
                view! { <p class="muted">{td_string!(locale, reviews.none_held)}</p> }.into_any()
            } else {
                data.held.iter().cloned().map(|review| view! { <Held review=review /> }).collect_view().into_any()
            }}
        </section>
        <p><a href=format!("/clients/{}/goals", data.client_id)>{td_string!(locale, reviews.to_goals)}</a></p>
        <p><a href=format!("/clients/{}", data.client_id)>{td_string!(locale, goals.back_to_client)}</a></p>
    }
}

/// What happened since the start or the last review, to talk through together.
#[component]
fn Since(since: SinceView) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let heading = if since.after_review {
        td_string!(locale, reviews.since_review, date = day_text(since.from, locale))
    } else {
        td_string!(locale, reviews.since_start, date = day_text(since.from, locale))
    };
    view! {
        <section class="card" aria-labelledby="since-heading">
            <h2 id="since-heading">{heading}</h2>
            <ul class="facts">
                <li>{td_string!(locale, reviews.visits_held, count = since.visits_held as i64)}</li>
                <li>{td_string!(locale, reviews.visits_missed, count = since.visits_missed as i64)}</li>
                <li>{td_string!(locale, reviews.steps_done, count = since.steps_done.len() as i64)}</li>
                {since.rewards.map(|(unit, balance)| view! {
                    <li>{td_string!(locale, reviews.balance, amount = amount_text(unit, balance, locale))}</li>
                })}
            </ul>
            {(!since.steps_done.is_empty()).then(|| view! {
                <h3>{td_string!(locale, reviews.steps_heading)}</h3>
                <ul>
                    {since.steps_done.iter().map(|s| view! {
                        <li>{s.step.clone()}<span class="muted">" · "{s.goal.clone()}" · "{day_text(s.on, locale)}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {(!since.notes.is_empty()).then(|| view! {
                <h3>{td_string!(locale, reviews.notes_heading)}</h3>
                <ul>
                    {since.notes.iter().map(|n| view! {
                        <li><span class="muted">{day_text(n.on, locale)}" · "{visit_kind_text(n.kind, locale)}": "</span>{n.note.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn HoldForm(data: ReviewPage, hold: ServerAction<HoldReview>, error: Option<AppError>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let mine = error.is_some();
    let field = {
        let error = error.clone();
        move |name: &str| if mine { error.as_ref().and_then(|e| e.field(name)) } else { None }
    };
    let value = move |name: &str| if mine { kept(FORM, name) } else { None };
    let visit = data.visit.map(|v| v.id.to_string()).unwrap_or_default();
    // Opened from the meeting, it is held that day (once it has come).
    let held_on = data.visit.map(|v| v.date).filter(|d| *d <= data.today).unwrap_or(data.today);
    let chosen = value("outcome").unwrap_or_else(|| ReviewOutcome::Continue.as_str().to_owned());
    let outcomes = [ReviewOutcome::Continue, ReviewOutcome::ChangePlan, ReviewOutcome::End];
    view! {
        <ActionForm action=hold attr:class="form" attr:novalidate=true attr:id="review-form">
            <input type="hidden" name="client_id" value=data.client_id.to_string() />
            <input type="hidden" name="form[visit]" value=visit />
            <h2>{td_string!(locale, reviews.form_heading)}</h2>
            {data.goals.iter().cloned().map(|goal| view! { <GoalDecision goal=goal mine=mine error=error.clone() /> }).collect_view()}
            <section class="card" aria-labelledby="outcome-heading">
                <h3 id="outcome-heading">{td_string!(locale, reviews.outcome_heading)}</h3>
                <fieldset class="field">
                    <legend>{td_string!(locale, reviews.outcome_legend)}</legend>
                    {field("outcome").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                    {outcomes.into_iter().map(|o| view! {
                        <label class="check"><input type="radio" name="form[outcome]" value=o.as_str() checked=chosen == o.as_str() />{review_outcome_text(o, locale)}</label>
                    }).collect_view()}
                </fieldset>
                <TextField name="form[next_review]" kind="date" label=td_string!(locale, reviews.next_review_label).to_string() hint=td_string!(locale, reviews.next_review_hint).to_string() value=value("next_review") error=field("next_review") />
                <TextField name="form[planned_end]" kind="date" label=td_string!(locale, reviews.planned_end_label).to_string() hint=td_string!(locale, reviews.planned_end_hint).to_string() value=value("planned_end") error=field("planned_end") />
                <TextField name="form[held_on]" kind="date" label=td_string!(locale, reviews.held_on_label).to_string() value=value("held_on").or(Some(held_on.to_string())) error=field("held_on") />
                <div class="field">
                    <label for="review-note">{td_string!(locale, reviews.note_label)}</label>
                    <span class="field__hint" id="review-note-hint">{td_string!(locale, reviews.note_hint)}</span>
                    {field("note").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                    <textarea id="review-note" name="form[note]" aria-describedby="review-note-hint" maxlength=text::NOTE.to_string()>{value("note")}</textarea>
                </div>
            </section>
            <button class="button" type="submit">{td_string!(locale, reviews.hold)}</button>
        </ActionForm>
    }
}

/// One open goal's part of the form: the face, the guide's note, and the decision.
#[component]
fn GoalDecision(goal: GoalToReview, mine: bool, error: Option<AppError>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let key = move |name: &str| format!("goal_{}_{name}", goal.id);
    let name = move |name: &str| format!("form[goals][{}]", key(name));
    let field = {
        let error = error.clone();
        move |name: &str| if mine { error.as_ref().and_then(|e| e.field(&key(name))) } else { None }
    };
    let value = move |name: &str| if mine { kept(FORM, &format!("goals.{}", key(name))) } else { None };
    let chosen = value("decision").unwrap_or_else(|| GoalDecisionKind::Continue.as_str().to_owned());
    let heading = format!("review-goal-{}", goal.id);
    let note_id = format!("review-goal-{}-note", goal.id);
    let decisions = [GoalDecisionKind::Continue, GoalDecisionKind::Refine, GoalDecisionKind::Drop];
    view! {
        <section class="card goal" aria-labelledby=heading.clone()>
            <h3 id=heading.clone()>{goal.words.clone()}</h3>
            <p class="muted">
                <span class="badge">{goal_status_text(goal.status, locale)}</span>" "
                {td_string!(locale, reviews.goal_steps, done = goal.steps_done, all = goal.steps)}
                {goal.last_face.map(|face| view! {
                    " · "{td_string!(locale, reviews.last_face)}" "<span aria-hidden="true">{face_symbol(face)}" "</span>{face_text(face, locale)}
                })}
            </p>
            <Faces legend=td_string!(locale, reviews.face_legend).to_string() name=name("face") none=true error=field("face") value=value("face") />
            <fieldset class="field">
                <legend>{td_string!(locale, reviews.decision_legend)}</legend>
                {field("decision").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                {decisions.into_iter().map(|d| view! {
                    <label class="check"><input type="radio" name=name("decision") value=d.as_str() checked=chosen == d.as_str() />{goal_decision_text(d, locale)}</label>
                }).collect_view()}
            </fieldset>
            <TextField name=name("words") label=td_string!(locale, reviews.new_words_label).to_string() value=value("words").or(Some(goal.words.clone())) error=field("words") max=text::GOAL />
            <TextField name=name("reason") label=td_string!(locale, goals.reason_label).to_string() value=value("reason") error=field("reason") max=text::REASON />
            <div class="field">
                <label for=note_id.clone()>{td_string!(locale, reviews.goal_note_label)}</label>
                {field("note").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                <textarea id=note_id name=name("note") maxlength=text::NOTE.to_string()>{value("note")}</textarea>
            </div>
        </section>
    }
}

#[component]
fn Held(review: HeldReview) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let next = match review.next_review {
        Some(date) => td_string!(locale, reviews.next_on, date = day_text(date, locale)),
        None if review.outcome == ReviewOutcome::End => {
            td_string!(locale, reviews.next_ending_now).to_string()
        }
        None => td_string!(locale, reviews.next_at_ending, date = day_text(review.planned_end, locale)),
    };
    view! {
        <article class="card">
            <h3>{td_string!(locale, reviews.held_on, date = day_text(review.held_on, locale))}</h3>
            <p><strong>{review_outcome_text(review.outcome, locale)}</strong>" · "{next}</p>
            {review.note.clone().map(|note| view! { <p>{note}</p> })}
            <ul>
                {review.decisions.iter().map(|d| view! {
                    <li>
                        <strong>{d.goal.clone()}</strong>": "{goal_decision_text(d.decision, locale)}
                        {d.words.clone().map(|w| view! { " (" {w} ")" })}
                        {d.face.map(|face| view! { " · "<span aria-hidden="true">{face_symbol(face)}" "</span>{face_text(face, locale)} })}
                        {d.note.clone().map(|note| view! { <br /><span class="muted">{note}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </article>
    }
}
