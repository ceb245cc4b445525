//! The client's goals and rewards, on the guide's phone during a visit as much as on a laptop:
//! each open goal with its small steps (a step is ticked with one tap on a big button), the
//! client's faces over time as a picture drawn on the server with the same facts in words, a
//! form to set a new goal with its first steps, and the reward scheme the client designed with
//! its balance and one-tap entries. Every form is a plain post that works without JavaScript
//! and returns here, opened from the same visit.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{
        AppError,
        error::ValidationCode,
        goals::{
            AddGoal, AddStep, ChangeGoal, GoalView, GoalsView, MarkStep, RateGoal, RecordReward, RewardsView,
            SCHEME_FORM_LINES, SaveRewardScheme, client_goals,
        },
    },
    domain::{
        goal_chart::{self, Change, Chart},
        goals::GoalChangeKind,
        ids::ClientId,
        ratings::Face,
        rewards::{EntryKind, RewardUnit},
        text,
    },
    i18n::*,
    ui::components::{
        ErrorNotice, ErrorPage, TextField, action_error, kept, loaded, require_user, validation_text,
    },
    words::{
        amount_text, day_text, entry_kind_text, face_symbol, face_text, goal_status_text, occasion_text,
    },
};

/// The actions of the page, made once and handed to the parts that post to them.
#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddGoal>,
    change: ServerAction<ChangeGoal>,
    rate: ServerAction<RateGoal>,
    step: ServerAction<AddStep>,
    mark: ServerAction<MarkStep>,
    scheme: ServerAction<SaveRewardScheme>,
    reward: ServerAction<RecordReward>,
}

impl Actions {
    fn new() -> Self {
        Self {
            add: ServerAction::new(),
            change: ServerAction::new(),
            rate: ServerAction::new(),
            step: ServerAction::new(),
            mark: ServerAction::new(),
            scheme: ServerAction::new(),
            reward: ServerAction::new(),
        }
    }

    /// The error a refused post sent back, whichever form it was.
    fn error(self) -> Option<AppError> {
        action_error(self.add)
            .or(action_error(self.change))
            .or(action_error(self.rate))
            .or(action_error(self.step))
            .or(action_error(self.mark))
            .or(action_error(self.scheme))
            .or(action_error(self.reward))
    }
}

#[component]
pub fn GoalsPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let id: Option<ClientId> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let query = use_query_map().get_untracked();
    let visit: Option<i64> = query.get("visit").and_then(|v| v.parse().ok());
    let outing: Option<i64> = query.get("outing").and_then(|v| v.parse().ok());
    let data = Resource::new_blocking(
        move || (id, visit, outing),
        |(id, visit, outing)| client_goals(id, visit, outing),
    );
    let actions = Actions::new();
    let error = actions.error();
    loaded(data, move |view| page(view, actions, error.clone())).into_any()
}

fn page(data: GoalsView, actions: Actions, error: Option<AppError>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let title = format!("{} · {}", td_string!(locale, goals.title), data.client_name);
    let visit = data.visit.map(|v| v.id.to_string()).unwrap_or_default();
    let outing = data.outing.as_ref().map(|o| o.session_id.to_string()).unwrap_or_default();
    let (open, closed): (Vec<GoalView>, Vec<GoalView>) =
        data.goals.iter().cloned().partition(|g| !g.status.is_closed());
    let no_goals = data.goals.is_empty();
    let may = data.may;
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        {data.visit.map(|v| view! {
            <p class="notice" role="status">{td_string!(locale, goals.from_visit, date = day_text(v.date, locale))}</p>
            <p><a href=format!("/visits/{}", v.id)>{td_string!(locale, goals.back_to_visit)}</a></p>
        })}
        {data.outing.clone().map(|o| view! {
            <p class="notice" role="status">{td_string!(locale, goals.from_outing, title = o.title.clone(), date = day_text(o.date, locale))}</p>
        })}
        <ErrorNotice error=error.clone() />
        {no_goals.then(|| view! { <p>{td_string!(locale, goals.none)}</p> })}
        {open.into_iter().map(|goal| view! { <GoalCard goal=goal visit=visit.clone() outing=outing.clone() manage=may.manage_goals actions=actions /> }).collect_view()}
        {may.manage_goals.then(|| view! { <NewGoal client=data.client_id visit=visit.clone() first=no_goals actions=actions error=error.clone() /> })}
        {(!closed.is_empty()).then(|| view! {
            <h2>{td_string!(locale, goals.closed_heading)}</h2>
            {closed.into_iter().map(|goal| view! { <GoalCard goal=goal visit=visit.clone() outing=String::new() manage=false actions=actions /> }).collect_view()}
        })}
        <Rewards client=data.client_id rewards=data.rewards.clone() visit=visit.clone() manage=may.manage_rewards actions=actions error=error.clone() />
        <p><a href=format!("/clients/{}", data.client_id)>{td_string!(locale, goals.back_to_client)}</a></p>
    }
}

/// The five faces as radio buttons named `name`, each face with its words; `none` adds "not
/// now" (checked unless `value` is a face).
#[component]
pub(super) fn Faces(
    #[prop(into)] legend: String,
    #[prop(into)] name: String,
    none: bool,
    error: Option<ValidationCode>,
    #[prop(default = None)] value: Option<String>,
) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let chosen = value.unwrap_or_default();
    view! {
        <fieldset class="field faces">
            <legend>{legend}</legend>
            {error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
            <div class="faces__row">
                {none.then(|| view! {
                    <label class="face"><input type="radio" name=name.clone() value="" checked=chosen.is_empty() /><span>{td_string!(locale, goals.face_none)}</span></label>
                })}
                {Face::all().map(|face| view! {
                    <label class="face">
                        <input type="radio" name=name.clone() value=face.value().to_string() checked=chosen == face.value().to_string() />
                        <span class="face__symbol" aria-hidden="true">{face_symbol(face)}</span>
                        <span>{face_text(face, locale)}</span>
                    </label>
                }).collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
fn GoalCard(goal: GoalView, visit: String, outing: String, manage: bool, actions: Actions) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let id = goal.id;
    let heading = format!("goal-{id}-heading");
    let all_steps = goal.steps.len();
    let (step_visit, form_visit) = (visit.clone(), visit.clone());
    view! {
        <section class="card goal" id=format!("goal-{id}") aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{goal.words.clone()}</h2>
            <p class="muted">
                <span class="badge">{goal_status_text(goal.status, locale)}</span>" "
                {td_string!(locale, goals.set_on, date = day_text(goal.set_on, locale))}
            </p>
            {goal.why.clone().map(|why| view! { <p>{why}</p> })}
            {goal.status_reason.clone().map(|reason| view! { <p>{td_string!(locale, goals.reason_shown, reason = reason)}</p> })}
            {(!goal.steps.is_empty()).then(|| view! {
                <h3>{td_string!(locale, goals.steps_heading)}</h3>
                <ol class="steps">
                    {goal.steps.iter().cloned().map(|step| {
                        let done = step.done_on.is_some();
                        let visit = step_visit.clone();
                        let outing = outing.clone();
                        view! {
                            <li class="step" class:step--done=done id=format!("step-{}", step.id)>
                                <span class="step__words">
                                    {done.then(|| view! { <span aria-hidden="true">"✓ "</span> })}
                                    {step.words.clone()}
                                    {step.done_on.map(|on| view! {
                                        <span class="muted">" · "{td_string!(locale, goals.done_on, date = day_text(on, locale))}
                                            {step.at_outing.clone().map(|title| format!(" {}", td_string!(locale, goals.done_at_outing, title = title)))}
                                            {step.on_this_visit.then(|| format!(" {}", td_string!(locale, goals.done_here)))}</span>
                                    })}
                                </span>
                                {manage.then(move || view! {
                                    <ActionForm action=actions.mark attr:class="step__form">
                                        <input type="hidden" name="id" value=step.id.to_string() />
                                        <input type="hidden" name="done" value=(!done).to_string() />
                                        <input type="hidden" name="visit" value=visit.clone() />
                                        <input type="hidden" name="outing" value=outing.clone() />
                                        {if done {
                                            view! { <button class="button button--secondary" type="submit">{td_string!(locale, goals.step_undo)}<span class="visually-hidden">": "{step.words.clone()}</span></button> }.into_any()
                                        } else {
                                            view! { <button class="button" type="submit">{td_string!(locale, goals.step_done)}<span class="visually-hidden">": "{step.words.clone()}</span></button> }.into_any()
                                        }}
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            })}
            <GoalChart goal=goal.clone() steps=all_steps />
            {manage.then(|| { let (v1, v2, v3) = (form_visit.clone(), form_visit.clone(), form_visit.clone()); view! {
                <ActionForm action=actions.rate attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="visit" value=v1 />
                    <Faces legend=td_string!(locale, goals.rate_legend).to_string() name="face" none=false error=None />
                    <button class="button" type="submit">{td_string!(locale, goals.save_change)}</button>
                </ActionForm>
                <details class="more">
                    <summary>{td_string!(locale, goals.add_step)}</summary>
                    <ActionForm action=actions.step attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="visit" value=v2 />
                        <TextField name="words" label=td_string!(locale, goals.new_step_label).to_string() max=text::STEP required=true />
                        <button class="button" type="submit">{td_string!(locale, goals.add_step)}</button>
                    </ActionForm>
                </details>
                <ChangeForm goal=goal.clone() visit=v3 actions=actions />
            }})}
            {(!goal.earlier_words.is_empty()).then(|| view! {
                <details class="more">
                    <summary>{td_string!(locale, goals.earlier_words)}</summary>
                    <ul>{goal.earlier_words.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                </details>
            })}
        </section>
    }
}

#[component]
fn ChangeForm(goal: GoalView, visit: String, actions: Actions) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let id = goal.id;
    // Only the goal whose change was refused shows what was typed and why.
    let mine = kept("goal_change", "id").is_some_and(|kept| kept == id.to_string());
    let error = if mine { action_error(actions.change) } else { None };
    let is_open = error.is_some();
    let field = move |name: &str| error.as_ref().and_then(|e| e.field(name));
    let value = move |name: &str| if mine { kept("goal_change", name) } else { None };
    let choices = [
        (GoalChangeKind::Refine, td_string!(locale, goals.change_refine)),
        (GoalChangeKind::Pause, td_string!(locale, goals.change_pause)),
        (GoalChangeKind::Resume, td_string!(locale, goals.change_resume)),
        (GoalChangeKind::Drop, td_string!(locale, goals.change_drop)),
        (GoalChangeKind::Reach, td_string!(locale, goals.change_reach)),
    ];
    let paused = goal.status == crate::domain::goals::GoalStatus::Paused;
    view! {
        <details class="more" open=is_open>
            <summary>{td_string!(locale, goals.change_heading)}</summary>
            <ActionForm action=actions.change attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="visit" value=visit />
                <fieldset class="field">
                    <legend>{td_string!(locale, goals.change_legend)}</legend>
                    {field("change").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                    {choices.into_iter()
                        .filter(|(kind, _)| if paused { *kind != GoalChangeKind::Pause } else { *kind != GoalChangeKind::Resume })
                        .map(|(kind, label)| view! {
                            <label class="check"><input type="radio" name="change" value=kind.as_str() />{label}</label>
                        }).collect_view()}
                </fieldset>
                <TextField name="words" label=td_string!(locale, goals.new_words_label).to_string() value=value("words").or(Some(goal.words.clone())) error=field("words") max=text::GOAL />
                <TextField name="reason" label=td_string!(locale, goals.reason_label).to_string() value=value("reason") error=field("reason") max=text::REASON />
                <button class="button" type="submit">{td_string!(locale, goals.save_change)}</button>
            </ActionForm>
        </details>
    }
}

/// The picture of one goal's faces and steps over time, and the same in words. The picture is
/// hidden from screen readers: the caption says everything it shows.
#[component]
fn GoalChart(goal: GoalView, steps: usize) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let chart: Chart = goal.chart.clone();
    let facts = goal.chart_text.clone();
    let ratings = if goal.ratings.is_empty() {
        td_string!(locale, goals.chart_none).to_string()
    } else {
        goal.ratings
            .iter()
            .map(|r| {
                format!(
                    "{} {} ({})",
                    day_text(r.on, locale),
                    face_text(r.face, locale),
                    occasion_text(r.occasion, locale)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
            + "."
    };
    let change = match facts.change {
        Change::NotYet => None,
        Change::Same => Some(td_string!(locale, goals.chart_same).to_string()),
        Change::Better(n) => Some(td_string!(locale, goals.chart_better, count = i64::from(n))),
        Change::Worse(n) => Some(td_string!(locale, goals.chart_worse, count = i64::from(n))),
    };
    let caption = td_string!(
        locale,
        goals.chart_caption,
        from = day_text(facts.from, locale),
        to = day_text(facts.to, locale)
    );
    let steps_text = td_string!(locale, goals.chart_steps, done = facts.steps_done, all = steps);
    let point = |v: f64| format!("{v}");
    view! {
        <figure class="chart">
            <svg class="chart__picture" viewBox=Chart::view_box() aria-hidden="true" focusable="false">
                {chart.levels.iter().map(|level| view! {
                    <line class="chart__level" x1=point(goal_chart::LEFT) x2=point(goal_chart::RIGHT) y1=point(level.y) y2=point(level.y) />
                    <text class="chart__face" x="2" y=point(level.y + 4.0)>{face_symbol(level.face)}</text>
                }).collect_view()}
                {(!chart.line.is_empty()).then(|| view! { <polyline class="chart__line" points=chart.line.clone() /> })}
                {chart.points.iter().map(|p| view! { <circle class="chart__point" cx=point(p.x) cy=point(p.y) r="5" /> }).collect_view()}
                {chart.steps.iter().map(|s| view! {
                    <circle class="chart__step" cx=point(s.x) cy=point(s.y) r="7" />
                    <text class="chart__count" x=point(s.x) y=point(s.y + 3.5) text-anchor="middle">{s.count.to_string()}</text>
                }).collect_view()}
            </svg>
            <figcaption>
                <strong>{caption}": "</strong>{ratings}" "{change.unwrap_or_default()}" "{steps_text}
            </figcaption>
        </figure>
    }
}

#[component]
fn NewGoal(
    client: ClientId,
    visit: String,
    first: bool,
    actions: Actions,
    error: Option<AppError>,
) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let mine = action_error(actions.add).is_some();
    let field = move |name: &str| if mine { error.as_ref().and_then(|e| e.field(name)) } else { None };
    let value = |name: &str| kept("goal", name);
    view! {
        <details class="card" id="new-goal" open=first || mine>
            <summary><h2 class="summary-heading">{td_string!(locale, goals.new_heading)}</h2></summary>
            <ActionForm action=actions.add attr:class="form" attr:novalidate=true>
                <input type="hidden" name="client_id" value=client.to_string() />
                <input type="hidden" name="form[visit]" value=visit />
                <TextField name="form[words]" label=td_string!(locale, goals.words_label).to_string() value=value("words") error=field("words") max=text::GOAL required=true />
                <TextField name="form[why]" label=td_string!(locale, goals.why_label).to_string() value=value("why") error=field("why") max=text::REASON />
                <fieldset class="field">
                    <legend>{td_string!(locale, goals.steps_legend)}</legend>
                    <span class="field__hint">{td_string!(locale, goals.steps_hint)}</span>
                    {[("form[step_1]", "step_1", 1), ("form[step_2]", "step_2", 2), ("form[step_3]", "step_3", 3)].into_iter().map(|(name, key, n)| view! {
                        <TextField name=name label=td_string!(locale, goals.step_label, n = n).to_string() value=value(key) error=field(key) max=text::STEP />
                    }).collect_view()}
                </fieldset>
                <Faces legend=td_string!(locale, goals.face_legend).to_string() name="form[face]" none=true error=field("face") value=value("face") />
                <button class="button" type="submit">{td_string!(locale, goals.add_goal)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn Rewards(
    client: ClientId,
    rewards: Option<RewardsView>,
    visit: String,
    manage: bool,
    actions: Actions,
    error: Option<AppError>,
) -> impl IntoView {
    let locale = crate::ui::components::locale();
    if rewards.is_none() && !manage {
        return ().into_any();
    }
    view! {
        <section class="card" id="rewards" aria-labelledby="rewards-heading">
            <h2 id="rewards-heading">{td_string!(locale, goals.rewards_heading)}</h2>
            {match rewards.clone() {
                None => view! { <p class="muted">{td_string!(locale, goals.rewards_intro)}</p> }.into_any(),
                Some(r) => view! { <Ledger client=client rewards=r visit=visit.clone() manage=manage actions=actions /> }.into_any(),
            }}
            {manage.then(|| view! { <SchemeForm client=client rewards=rewards.clone() visit=visit.clone() actions=actions error=error.clone() /> })}
        </section>
    }
    .into_any()
}

#[component]
fn Ledger(
    client: ClientId,
    rewards: RewardsView,
    visit: String,
    manage: bool,
    actions: Actions,
) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let unit = rewards.unit;
    let amount = move |n: u64| amount_text(unit, n, locale);
    let entry_form = move |kind: EntryKind, line: i64, label: String, visit: String| {
        view! {
            <ActionForm action=actions.reward attr:class="step__form">
                <input type="hidden" name="client_id" value=client.to_string() />
                <input type="hidden" name="kind" value=kind.as_str() />
                <input type="hidden" name="line" value=line.to_string() />
                <input type="hidden" name="visit" value=visit />
                <button class="button" type="submit">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <p class="balance">{td_string!(locale, goals.balance)}": "<strong id="reward-balance">{amount(rewards.balance)}</strong></p>
        <h3>{td_string!(locale, goals.earn_heading)}</h3>
        <ul class="list">
            {rewards.earning.iter().map(|line| view! {
                <li class="step">
                    <span class="step__words">{line.what.clone()}" · +"{amount(u64::from(line.amount))}</span>
                    {manage.then(|| entry_form(EntryKind::Earned, line.id, td_string!(locale, goals.earned_button, what = line.what.clone()), visit.clone()))}
                </li>
            }).collect_view()}
        </ul>
        {(!rewards.rewards.is_empty()).then(|| view! {
            <h3>{td_string!(locale, goals.spend_heading)}</h3>
            <ul class="list">
                {rewards.rewards.iter().map(|line| view! {
                    <li class="step">
                        <span class="step__words">{line.what.clone()}" · "{amount(u64::from(line.cost))}
                            {(line.missing > 0).then(|| view! { <span class="muted">" · "{td_string!(locale, goals.missing, amount = amount(line.missing))}</span> })}
                        </span>
                        {(manage && line.missing == 0).then(|| entry_form(EntryKind::Spent, line.id, td_string!(locale, goals.buy, what = line.what.clone()), visit.clone()))}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {(!rewards.entries.is_empty()).then(|| view! {
            <details class="more">
                <summary>{td_string!(locale, goals.ledger_heading)}</summary>
                <ul class="list">
                    {rewards.entries.iter().map(|e| {
                        let sign = if e.kind == EntryKind::Earned { "+" } else { "−" };
                        view! {
                            <li>{day_text(e.on, locale)}" · "{entry_kind_text(e.kind, locale)}" "{sign}{amount(u64::from(e.amount))}
                                {e.what.clone().map(|w| format!(" · {w}"))}" → "{amount(e.balance_after)}</li>
                        }
                    }).collect_view()}
                </ul>
                {(rewards.entry_count > rewards.entries.len() as u64).then(|| view! {
                    <p class="muted">{td_string!(locale, goals.entries_shown, shown = rewards.entries.len(), all = rewards.entry_count)}</p>
                })}
            </details>
        })}
    }
}

#[component]
fn SchemeForm(
    client: ClientId,
    rewards: Option<RewardsView>,
    visit: String,
    actions: Actions,
    error: Option<AppError>,
) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let mine = action_error(actions.scheme).is_some();
    let field = move |name: &str| if mine { error.as_ref().and_then(|e| e.field(name)) } else { None };
    // After a refused post, what was typed; otherwise the scheme as it is.
    let value = move |key: String, current: Option<String>| {
        if mine { kept("scheme", &format!("lines.{key}")) } else { current }
    };
    let unit_error = field("unit");
    let unit = rewards.as_ref().map_or(RewardUnit::Points, |r| r.unit);
    let unit_fixed = rewards.as_ref().is_some_and(|r| r.entry_count > 0);
    let show = |unit: RewardUnit, n: u32| match unit {
        RewardUnit::Points => n.to_string(),
        RewardUnit::Cents => {
            let decimal = if locale == Locale::en { '.' } else { ',' };
            format!("{}{decimal}{:02}", n / 100, n % 100)
        }
    };
    let earning: Vec<(String, String)> = rewards
        .as_ref()
        .map(|r| r.earning.iter().map(|l| (l.what.clone(), show(unit, l.amount))).collect())
        .unwrap_or_default();
    let costs: Vec<(String, String)> = rewards
        .as_ref()
        .map(|r| r.rewards.iter().map(|l| (l.what.clone(), show(unit, l.cost))).collect())
        .unwrap_or_default();
    let lines = move |prefix: &'static str, current: Vec<(String, String)>| {
        (1..=SCHEME_FORM_LINES.max(current.len() + 1))
            .map(|n| {
                let (what, amount) = current.get(n - 1).cloned().unzip();
                let what_key = format!("{prefix}_{n}_what");
                let amount_key = format!("{prefix}_{n}_amount");
                view! {
                    <div class="field-row">
                        <TextField name=format!("form[lines][{what_key}]") label=td_string!(locale, goals.what_label, n = n).to_string() value=value(what_key.clone(), what) error=field(&what_key) max=text::STEP />
                        <TextField name=format!("form[lines][{amount_key}]") label=td_string!(locale, goals.amount_label, n = n).to_string() value=value(amount_key.clone(), amount) error=field(&amount_key) max=12 />
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <details class="more" open=mine>
            <summary>{if rewards.is_some() { td_string!(locale, goals.scheme_edit) } else { td_string!(locale, goals.scheme_new) }}</summary>
            <ActionForm action=actions.scheme attr:class="form" attr:novalidate=true>
                <input type="hidden" name="client_id" value=client.to_string() />
                <input type="hidden" name="visit" value=visit />
                {if unit_fixed {
                    view! { <input type="hidden" name="form[unit]" value=unit.as_str() /> }.into_any()
                } else {
                    view! {
                        <fieldset class="field">
                            <legend>{td_string!(locale, goals.unit_legend)}</legend>
                            {unit_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                            <label class="check"><input type="radio" name="form[unit]" value="points" checked=unit == RewardUnit::Points />{td_string!(locale, goals.unit_points)}</label>
                            <label class="check"><input type="radio" name="form[unit]" value="cents" checked=unit == RewardUnit::Cents />{td_string!(locale, goals.unit_cents)}</label>
                        </fieldset>
                    }.into_any()
                }}
                <fieldset class="field">
                    <legend>{td_string!(locale, goals.earn_legend)}</legend>
                    {lines("earn", earning)}
                </fieldset>
                <fieldset class="field">
                    <legend>{td_string!(locale, goals.reward_legend)}</legend>
                    {lines("reward", costs)}
                </fieldset>
                <button class="button" type="submit">{td_string!(locale, goals.save_scheme)}</button>
            </ActionForm>
        </details>
    }
}
