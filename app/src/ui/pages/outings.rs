//! Outings and groups on a phone: the coming sessions, the form that plans an outing or a
//! group, and one session's page with its places, its waitlist in order, the participants the
//! viewer may see and the taps that sign up, cancel, confirm an offered place or move someone
//! up. Plain forms that work without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use strum::IntoEnumIterator;

use crate::{
    api::{
        AppError,
        outings::{
            AssignRider, CancelSignup, ConfirmOffer, ConfirmOwnTransport, CreateOuting, MarkAttendance,
            MoveUp, OfferSeats, ParticipantView, PickupsPage, RecordOutingWork, RiderView, SaveSessionNotes,
            SessionPage, SignUpForOuting, WithdrawSeats, coming_sessions, outing_form_choices,
            outing_pickups, outing_session,
        },
    },
    domain::{
        ids::ClientId,
        outings::{Attendance, DEFAULT_HOLD_HOURS, MAX_CAR_SEATS, OutingKind, SignupStatus},
        text,
        time::HELSINKI,
        visits::{format_minutes, format_tenths},
    },
    i18n::*,
    ui::{
        components::{
            ErrorNotice, ErrorPage, OkNotice, TextArea, TextField, action_error, kept, loaded, require_user,
            validation_text,
        },
        pages::visits::{PlaceList, decimal},
    },
    words::{clock_text, euros_text, moment_text, outing_kind_text, signup_status_text, span_text},
};

const FORM: &str = "outing";
const SIGNUP: &str = "signup";
const SEATS: &str = "seats";
const WORK: &str = "work";

#[component]
pub fn OutingListPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let query = use_query_map().get_untracked();
    let after = query.get("after").unwrap_or_default();
    // From a client's card: the sessions link on with the client chosen.
    let client = query.get("client").filter(|c| c.parse::<i64>().is_ok());
    let data = Resource::new_blocking(move || after.clone(), coming_sessions);
    let locale = crate::ui::components::locale();
    view! {
        <Title text=td_string!(locale, outings.title) />
        <h1>{td_string!(locale, outings.title)}</h1>
        <p class="muted">{td_string!(locale, outings.intro)}</p>
        {loaded(data, move |list| {
            let client = client.clone();
            let suffix = client.map(|c| format!("?client={c}")).unwrap_or_default();
            view! {
                {list.may_plan.then(|| view! { <p><a class="button" href="/outings/new">{td_string!(locale, outings.plan_new)}</a></p> })}
                {if list.sessions.is_empty() {
                    view! { <p>{td_string!(locale, outings.none)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="list">
                            {list.sessions.into_iter().map(|s| view! {
                                <li class="card">
                                    <a href=format!("/outings/sessions/{}{suffix}", s.session_id)><strong>{s.title}</strong></a>
                                    <div>{span_text(s.starts_at, s.ends_at, HELSINKI, locale, chrono::Utc::now())}</div>
                                    <div class="muted">{outing_kind_text(s.kind, locale)}" · "{s.place}</div>
                                    <div>
                                        {td_string!(locale, outings.places_line, free = s.free, capacity = s.capacity)}
                                        {(s.waiting > 0).then(|| view! { " · "{td_string!(locale, outings.waiting_line, count = s.waiting)} })}
                                    </div>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                {list.next.map(|next| view! { <p><a href=format!("/outings?after={next}")>{td_string!(locale, outings.more)}</a></p> })}
            }
        })}
    }
    .into_any()
}

#[component]
pub fn NewOutingPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let choices = Resource::new_blocking(|| (), |_| outing_form_choices());
    let action = ServerAction::<CreateOuting>::new();
    let error = action_error(action);
    let locale = crate::ui::components::locale();
    view! {
        <Title text=td_string!(locale, outings.new_title) />
        <h1>{td_string!(locale, outings.new_title)}</h1>
        <ErrorNotice error=error.clone() />
        {loaded(choices, move |choices| {
            let field = {
                let error = error.clone();
                move |name: &str| error.as_ref().and_then(|e| e.field(name))
            };
            let kind = kept(FORM, "kind").unwrap_or_else(|| OutingKind::Outing.as_str().into());
            let recurrence = kept(FORM, "recurrence").unwrap_or_else(|| "once".into());
            let leader_checked = |id: i64| kept(FORM, &format!("leaders.{id}")).is_some();
            view! {
                <PlaceList />
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <fieldset class="field">
                        <legend>{td_string!(locale, outings.kind)}</legend>
                        {field("kind").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                        {OutingKind::iter().map(|k| view! {
                            <label class="check"><input type="radio" name="form[kind]" value=k.as_str() checked=kind == k.as_str() />{outing_kind_text(k, locale)}</label>
                        }).collect_view()}
                    </fieldset>
                    <TextField name="form[title]" label=td_string!(locale, outings.title_label).to_string() value=kept(FORM, "title") error=field("title") required=true />
                    <TextArea name="form[description]" label=td_string!(locale, outings.description_label).to_string() hint=td_string!(locale, outings.description_hint).to_string() value=kept(FORM, "description") error=field("description") max=text::REASON />
                    <div class="field">
                        <label for="form-place">{td_string!(locale, outings.place_label)}</label>
                        {field("place").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                        <input id="form-place" name="form[place]" list="places" autocomplete="off" maxlength=text::LINE.to_string() value=kept(FORM, "place") />
                    </div>
                    <TextField name="form[meeting_point]" label=td_string!(locale, outings.meeting_point_label).to_string() value=kept(FORM, "meeting_point") error=field("meeting_point") />
                    <TextField name="form[date]" label=td_string!(locale, outings.date_label).to_string() kind="date" value=kept(FORM, "date") error=field("date") required=true />
                    <div class="field-row">
                        <TextField name="form[start]" label=td_string!(locale, outings.start_label).to_string() kind="time" value=kept(FORM, "start") error=field("start") required=true />
                        <TextField name="form[end]" label=td_string!(locale, outings.end_label).to_string() kind="time" value=kept(FORM, "end") error=field("end") required=true />
                    </div>
                    <fieldset class="field">
                        <legend>{td_string!(locale, outings.repeats)}</legend>
                        {field("recurrence").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                        {[("once", td_string!(locale, visits.once)), ("weekly", td_string!(locale, visits.weekly)), ("every_other_week", td_string!(locale, visits.every_other_week)), ("monthly", td_string!(locale, outings.monthly))]
                            .into_iter().map(|(r, words)| view! {
                                <label class="check"><input type="radio" name="form[recurrence]" value=r checked=recurrence == r />{words}</label>
                            }).collect_view()}
                        <TextField name="form[until]" label=td_string!(locale, visits.until).to_string() kind="date" value=kept(FORM, "until") error=field("until") hint=td_string!(locale, outings.until_hint).to_string() />
                    </fieldset>
                    <TextField name="form[capacity]" label=td_string!(locale, outings.capacity_label).to_string() kind="number" value=kept(FORM, "capacity") error=field("capacity") required=true />
                    <TextField name="form[cost]" label=td_string!(locale, outings.cost_label).to_string() value=kept(FORM, "cost") error=field("cost") hint=td_string!(locale, outings.cost_hint).to_string() />
                    <TextField name="form[reimbursed]" label=td_string!(locale, outings.reimbursed_label).to_string() value=kept(FORM, "reimbursed") error=field("reimbursed") hint=td_string!(locale, outings.reimbursed_hint).to_string() />
                    <TextArea name="form[accessibility]" label=td_string!(locale, outings.accessibility_label).to_string() value=kept(FORM, "accessibility") error=field("accessibility") max=text::REASON />
                    <div class="field-row">
                        <TextField name="form[closes_days]" label=td_string!(locale, outings.closes_days_label).to_string() kind="number" value=kept(FORM, "closes_days").or(Some("1".into())) error=field("closes_days") />
                        <TextField name="form[hold_hours]" label=td_string!(locale, outings.hold_hours_label).to_string() kind="number" value=kept(FORM, "hold_hours").or(Some(DEFAULT_HOLD_HOURS.to_string())) error=field("hold_hours") />
                    </div>
                    <fieldset class="field">
                        <legend>{td_string!(locale, outings.leaders)}</legend>
                        {choices.leads_own.map(|_| view! { <span class="field__hint">{td_string!(locale, outings.you_lead)}</span> })}
                        {field("leaders").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                        {choices.guides.iter().filter(|(id, _)| Some(*id) != choices.leads_own).map(|(id, name)| view! {
                            <label class="check"><input type="checkbox" name=format!("form[leaders][{id}]") checked=leader_checked(id.0) />{name.clone()}</label>
                        }).collect_view()}
                    </fieldset>
                    <label class="check"><input type="checkbox" name="form[announce]" checked=kept(FORM, "announce").is_some() />{td_string!(locale, outings.announce_label)}</label>
                    <button class="button" type="submit">{td_string!(locale, outings.create)}</button>
                </ActionForm>
            }
        })}
    }
    .into_any()
}

/// The actions of a session's page, made once so that their errors can be read.
#[derive(Clone, Copy)]
struct Actions {
    sign_up: ServerAction<SignUpForOuting>,
    cancel: ServerAction<CancelSignup>,
    confirm: ServerAction<ConfirmOffer>,
    move_up: ServerAction<MoveUp>,
    own_transport: ServerAction<ConfirmOwnTransport>,
    seats: ServerAction<OfferSeats>,
    withdraw: ServerAction<WithdrawSeats>,
    attendance: ServerAction<MarkAttendance>,
    work: ServerAction<RecordOutingWork>,
    notes: ServerAction<SaveSessionNotes>,
}

#[component]
pub fn OutingSessionPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let id: Option<i64> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let query = use_query_map().get_untracked();
    let client: Option<ClientId> = query.get("client").and_then(|c| c.parse().ok());
    let notice = ["created", "signed", "cancelled", "confirmed", "moved", "seats", "work", "notes"]
        .into_iter()
        .find_map(|k| query.get(k).map(|v| (k, v)));
    let data = Resource::new_blocking(move || (id, client), |(id, client)| outing_session(id, client));
    let actions = Actions {
        sign_up: ServerAction::new(),
        cancel: ServerAction::new(),
        confirm: ServerAction::new(),
        move_up: ServerAction::new(),
        own_transport: ServerAction::new(),
        seats: ServerAction::new(),
        withdraw: ServerAction::new(),
        attendance: ServerAction::new(),
        work: ServerAction::new(),
        notes: ServerAction::new(),
    };
    loaded(data, move |page| view_session(page, actions, notice.clone())).into_any()
}

fn view_session(
    page: SessionPage,
    actions: Actions,
    notice: Option<(&'static str, String)>,
) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let o = page.outing.clone();
    let when = span_text(page.starts_at, page.ends_at, HELSINKI, locale, chrono::Utc::now());
    let notice = notice.map(|(key, value)| match (key, value.as_str()) {
        ("created", _) => td_string!(locale, outings.created).to_string(),
        ("signed", "waiting") => td_string!(locale, outings.signed_waiting).to_string(),
        ("signed", _) => td_string!(locale, outings.signed_confirmed).to_string(),
        ("cancelled", _) => td_string!(locale, outings.cancelled).to_string(),
        ("confirmed", _) => td_string!(locale, outings.confirmed).to_string(),
        ("seats", "0") => td_string!(locale, outings.seats_withdrawn).to_string(),
        ("seats", _) => td_string!(locale, outings.seats_saved).to_string(),
        ("work", _) => td_string!(locale, outings.work_saved).to_string(),
        ("notes", _) => td_string!(locale, outings.notes_saved).to_string(),
        _ => td_string!(locale, outings.moved).to_string(),
    });
    let errors = [
        action_error(actions.cancel),
        action_error(actions.confirm),
        action_error(actions.move_up),
        action_error(actions.own_transport),
        action_error(actions.withdraw),
        action_error(actions.attendance),
    ]
    .into_iter()
    .flatten()
    .next();
    let waiting: Vec<ParticipantView> =
        page.participants.iter().filter(|p| p.status == SignupStatus::Waiting).cloned().collect();
    let in_place: Vec<ParticipantView> =
        page.participants.iter().filter(|p| p.status.holds_place()).cloned().collect();
    let hidden_count = (page.confirmed + page.offered + page.waiting) as usize - page.participants.len();
    view! {
        <Title text=o.title.clone() />
        <h1>{o.title.clone()}</h1>
        {notice.map(|text| view! { <OkNotice text=text /> })}
        <ErrorNotice error=errors />
        <section class="card" aria-labelledby="what-heading">
            <h2 id="what-heading" class="visually-hidden">{td_string!(locale, outings.what)}</h2>
            <p><strong>{when}</strong></p>
            <p class="muted">{outing_kind_text(o.kind, locale)}</p>
            <dl class="facts">
                <dt>{td_string!(locale, outings.place_label)}</dt><dd>{o.place.clone()}</dd>
                {(!o.meeting_point.is_empty()).then(|| view! { <dt>{td_string!(locale, outings.meeting_point_label)}</dt><dd>{o.meeting_point.clone()}</dd> })}
                <dt>{td_string!(locale, outings.cost_label)}</dt>
                <dd>{if o.cost_cents == 0 { td_string!(locale, outings.free_of_charge).to_string() } else { euros_text(o.cost_cents, locale) }}</dd>
                {(!o.reimbursed.is_empty()).then(|| view! { <dt>{td_string!(locale, outings.reimbursed_label)}</dt><dd>{o.reimbursed.clone()}</dd> })}
                {(!o.accessibility.is_empty()).then(|| view! { <dt>{td_string!(locale, outings.accessibility_label)}</dt><dd>{o.accessibility.clone()}</dd> })}
                <dt>{td_string!(locale, outings.leaders)}</dt><dd>{o.leaders.join(", ")}</dd>
            </dl>
            {(!o.description.is_empty()).then(|| view! { <p>{o.description.clone()}</p> })}
        </section>
        <section class="card" aria-labelledby="places-heading">
            <h2 id="places-heading">{td_string!(locale, outings.places_heading)}</h2>
            <p>{td_string!(locale, outings.places_line, free = page.free, capacity = page.capacity)}</p>
            <ul class="facts">
                <li>{td_string!(locale, outings.confirmed_count, count = page.confirmed)}</li>
                <li>{td_string!(locale, outings.offered_count, count = page.offered)}</li>
                <li>{td_string!(locale, outings.waiting_count, count = page.waiting)}</li>
                <li>{td_string!(locale, outings.ride_seats_line, free = page.free_ride_seats, seats = page.ride_seats)}</li>
            </ul>
            <p class="muted">{td_string!(locale, outings.closes_at, at = moment_text(page.closes_at, locale))}" · "{td_string!(locale, outings.hold_line, hours = o.hold_hours)}</p>
        </section>
        <section aria-labelledby="participants-heading">
            <h2 id="participants-heading">{if page.sees_everyone { td_string!(locale, outings.participants) } else { td_string!(locale, outings.your_clients) }}</h2>
            {(!page.sees_everyone && hidden_count > 0).then(|| view! { <p class="muted">{td_string!(locale, outings.others_not_named, count = hidden_count)}</p> })}
            {if in_place.is_empty() && waiting.is_empty() {
                view! { <p class="muted">{td_string!(locale, outings.nobody_yet)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {in_place.into_iter().map(|p| view! { <Participant p=p may_manage=page.may_manage day_has_come=page.day_has_come actions=actions /> }).collect_view()}
                    </ul>
                    {(!waiting.is_empty()).then(|| view! {
                        <h3>{td_string!(locale, outings.waitlist)}</h3>
                        <ol class="list">
                            {waiting.into_iter().map(|p| view! { <Participant p=p may_manage=page.may_manage day_has_come=page.day_has_come actions=actions /> }).collect_view()}
                        </ol>
                    })}
                }.into_any()
            }}
        </section>
        <Notes page=page.clone() action=actions.notes />
        {page.agenda.clone().filter(|_| !(page.may_manage && o.kind == OutingKind::Council)).map(|agenda| view! {
            <section class="card" aria-labelledby="agenda-heading">
                <h2 id="agenda-heading">{td_string!(locale, outings.agenda)}</h2>
                <p class="pre-line">{agenda}</p>
            </section>
        })}
        {page.memo.clone().filter(|_| !(page.may_manage && o.kind == OutingKind::Council)).map(|memo| view! {
            <section class="card" aria-labelledby="memo-heading">
                <h2 id="memo-heading">{td_string!(locale, outings.memo)}</h2>
                <p class="pre-line">{memo}</p>
            </section>
        })}
        <SignUp page=page.clone() action=actions.sign_up />
        <Cars page=page.clone() actions=actions />
        <Work page=page.clone() action=actions.work />
        {(!page.later.is_empty()).then(|| view! {
            <section aria-labelledby="later-heading">
                <h2 id="later-heading">{td_string!(locale, outings.later)}</h2>
                <ul>
                    {page.later.iter().map(|(id, at)| view! { <li><a href=format!("/outings/sessions/{id}")>{moment_text(*at, locale)}</a></li> }).collect_view()}
                </ul>
            </section>
        })}
        <p><a href="/outings">{td_string!(locale, outings.back)}</a></p>
    }
}

#[component]
fn Participant(p: ParticipantView, may_manage: bool, day_has_come: bool, actions: Actions) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let id = p.signup_id.to_string();
    let (id_confirm, id_cancel, id_move, id_own) = (id.clone(), id.clone(), id.clone(), id);
    let offered = p.status == SignupStatus::Offered;
    let waiting = p.status == SignupStatus::Waiting;
    let marks = may_manage && day_has_come && p.status == SignupStatus::Confirmed;
    let attendance = p.attendance;
    let id_mark = p.signup_id.to_string();
    let reason_id = format!("move-up-{}", p.signup_id);
    let note_id = format!("own-transport-{}", p.signup_id);
    view! {
        <li class="card" id=format!("signup-{}", p.signup_id)>
            <strong>{p.name.clone()}</strong>" "
            <span class="badge">{signup_status_text(p.status, locale)}</span>
            {p.position.map(|n| view! { " "<span class="muted">{td_string!(locale, outings.in_line, position = n)}</span> })}
            {p.needs_ride.then(|| view! {
                <div class="muted">{td_string!(locale, outings.needs_ride)}{p.pickup_place.clone().map(|place| format!(": {place}"))}</div>
            })}
            {p.own_transport.clone().map(|note| view! { <div class="muted">{td_string!(locale, outings.own_transport)}": "{note}</div> })}
            {p.offer_expires_at.filter(|_| offered).map(|at| view! {
                <div>{td_string!(locale, outings.offer_until, at = moment_text(at, locale))}</div>
            })}
            {attendance.map(|a| view! { <div><span class="badge">{attendance_text(a, locale)}</span></div> })}
            {marks.then(|| view! {
                <div class="actions" role="group" aria-label=td_string!(locale, outings.attendance)>
                    {[Attendance::Attended, Attendance::NoShow].into_iter().map(|a| {
                        let id_mark = id_mark.clone();
                        let class = if attendance == Some(a) { "button" } else { "button button--secondary" };
                        view! {
                            <ActionForm action=actions.attendance>
                                <input type="hidden" name="signup_id" value=id_mark.clone() />
                                <input type="hidden" name="attendance" value=a.as_str() />
                                <button class=class type="submit" aria-pressed=(attendance == Some(a)).to_string()>{attendance_text(a, locale)}</button>
                            </ActionForm>
                        }
                    }).collect_view()}
                </div>
            })}
            <div class="actions">
                {(p.may_change && offered).then(|| view! {
                    <ActionForm action=actions.confirm>
                        <input type="hidden" name="signup_id" value=id_confirm.clone() />
                        <button class="button" type="submit">{td_string!(locale, outings.confirm_offer)}</button>
                    </ActionForm>
                })}
                {p.may_change.then(|| view! {
                    <ActionForm action=actions.cancel>
                        <input type="hidden" name="signup_id" value=id_cancel.clone() />
                        <button class="button button--secondary" type="submit">
                            {if offered { td_string!(locale, outings.decline_offer) } else { td_string!(locale, outings.cancel) }}
                        </button>
                    </ActionForm>
                })}
            </div>
            {(may_manage && waiting).then(|| view! {
                <details>
                    <summary>{td_string!(locale, outings.move_up)}</summary>
                    <ActionForm action=actions.move_up attr:class="form">
                        <input type="hidden" name="signup_id" value=id_move.clone() />
                        <div class="field">
                            <label for=reason_id.clone()>{td_string!(locale, outings.move_up_reason)}</label>
                            <input id=reason_id.clone() name="reason" maxlength=text::REASON.to_string() />
                        </div>
                        <button class="button" type="submit">{td_string!(locale, outings.move_up)}</button>
                    </ActionForm>
                </details>
            })}
            {(may_manage && p.needs_ride && p.own_transport.is_none() && (waiting || offered)).then(|| view! {
                <details>
                    <summary>{td_string!(locale, outings.confirm_own_transport)}</summary>
                    <ActionForm action=actions.own_transport attr:class="form">
                        <input type="hidden" name="signup_id" value=id_own.clone() />
                        <div class="field">
                            <label for=note_id.clone()>{td_string!(locale, outings.own_transport_note)}</label>
                            <input id=note_id.clone() name="note" maxlength=text::LINE.to_string() />
                        </div>
                        <button class="button" type="submit">{td_string!(locale, outings.confirm_own_transport)}</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

#[component]
fn SignUp(page: SessionPage, action: ServerAction<SignUpForOuting>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let error = action_error(action);
    let field = {
        let error = error.clone();
        move |name: &str| error.as_ref().and_then(|e| e.field(name))
    };
    let mut clients = page.my_clients.clone();
    if let Some(chosen) = page.chosen.clone()
        && !clients.iter().any(|c| c.0 == chosen.0)
    {
        clients.insert(0, chosen);
    }
    if !page.signup_open {
        return view! { <p class="muted">{td_string!(locale, outings.signup_closed)}</p> }.into_any();
    }
    if clients.is_empty() {
        return ().into_any();
    }
    let chosen = kept(SIGNUP, "client_id").or(page.chosen.as_ref().map(|c| c.0.to_string()));
    let series = page.outing.recurrence != crate::domain::scheduling::Recurrence::Once;
    view! {
        <section class="card" aria-labelledby="signup-heading">
            <h2 id="signup-heading">{td_string!(locale, outings.sign_up_heading)}</h2>
            <ErrorNotice error=error.clone() />
            <ActionForm action=action attr:class="form" attr:novalidate=true attr:id="signup-form">
                <input type="hidden" name="form[session_id]" value=page.session_id.to_string() />
                <div class="field">
                    <label for="signup-client">{td_string!(locale, outings.client_label)}</label>
                    {field("client_id").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                    <select id="signup-client" name="form[client_id]">
                        {clients.iter().map(|(id, name)| {
                            let value = id.to_string();
                            view! { <option value=value.clone() selected=chosen.as_deref() == Some(value.as_str())>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <label class="check"><input type="checkbox" name="form[needs_ride]" checked=kept(SIGNUP, "needs_ride").is_some() />{td_string!(locale, outings.needs_ride_label)}</label>
                <TextField name="form[pickup_place]" label=td_string!(locale, outings.pickup_label).to_string() hint=td_string!(locale, outings.pickup_hint).to_string() value=kept(SIGNUP, "pickup_place") error=field("pickup_place") />
                {series.then(|| view! {
                    <label class="check"><input type="checkbox" name="form[whole_series]" checked=kept(SIGNUP, "whole_series").is_some() />{td_string!(locale, outings.whole_series)}</label>
                })}
                <div class="field">
                    {field("consent").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                    <label class="check"><input type="checkbox" name="form[consent]" />{td_string!(locale, outings.consent_label)}</label>
                </div>
                <button class="button" type="submit">{td_string!(locale, outings.sign_up)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

fn attendance_text(attendance: Attendance, locale: Locale) -> &'static str {
    match attendance {
        Attendance::Attended => td_string!(locale, outings.attended),
        Attendance::NoShow => td_string!(locale, outings.no_show),
    }
}

/// The cars offered, the viewer's own offer, and the way to the pickup list.
#[component]
fn Cars(page: SessionPage, actions: Actions) -> impl IntoView {
    let locale = crate::ui::components::locale();
    if page.drivers.is_empty() && !page.may_drive && !page.may_see_pickups {
        return ().into_any();
    }
    let error = action_error(actions.seats);
    let field = {
        let error = error.clone();
        move |name: &str| error.as_ref().and_then(|e| e.field(name))
    };
    let mine = page.my_car.clone();
    let has_car = mine.is_some();
    let seats = kept(SEATS, "seats").or(mine.as_ref().map(|c| c.seats.to_string()));
    let from = kept(SEATS, "from_place").or(mine.as_ref().map(|c| c.from_place.clone()));
    view! {
        <section class="card" id="car" aria-labelledby="cars-heading">
            <h2 id="cars-heading">{td_string!(locale, outings.cars)}</h2>
            {if page.drivers.is_empty() {
                view! { <p class="muted">{td_string!(locale, outings.no_cars)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {page.drivers.iter().map(|d| view! {
                            <li>{d.name.clone()}": "{td_string!(locale, outings.car_line, seats = d.seats, from = d.from_place.clone())}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {page.may_see_pickups.then(|| view! {
                <p><a class="button button--secondary" href=format!("/outings/sessions/{}/pickups", page.session_id)>{td_string!(locale, outings.pickups_link)}</a></p>
            })}
            {page.may_drive.then(|| view! {
                <PlaceList />
                <ErrorNotice error=error.clone() />
                <ActionForm action=actions.seats attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="form[session_id]" value=page.session_id.to_string() />
                    <TextField name="form[seats]" label=td_string!(locale, outings.seats_label).to_string() kind="number" value=seats.clone() error=field("seats")
                        hint=td_string!(locale, outings.seats_hint, max = MAX_CAR_SEATS).to_string() />
                    <div class="field">
                        <label for="form-from_place">{td_string!(locale, outings.from_label)}</label>
                        {field("from_place").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                        <input id="form-from_place" name="form[from_place]" list="places" autocomplete="off" maxlength=text::LINE.to_string() value=from.clone() />
                    </div>
                    <button class="button" type="submit">{if has_car { td_string!(locale, outings.seats_change) } else { td_string!(locale, outings.seats_offer) }}</button>
                </ActionForm>
                {has_car.then(|| view! {
                    <ActionForm action=actions.withdraw>
                        <input type="hidden" name="session_id" value=page.session_id.to_string() />
                        <button class="button button--secondary" type="submit">{td_string!(locale, outings.seats_withdraw)}</button>
                    </ActionForm>
                })}
            })}
        </section>
    }
    .into_any()
}

/// The viewer's hours and kilometres, from the morning of the day on.
#[component]
fn Work(page: SessionPage, action: ServerAction<RecordOutingWork>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    if !(page.may_record_work && page.day_has_come) {
        return ().into_any();
    }
    let error = action_error(action);
    let field = {
        let error = error.clone();
        move |name: &str| error.as_ref().and_then(|e| e.field(name))
    };
    let sep = decimal(locale);
    let hours = kept(WORK, "hours")
        .or(page.my_work.map(|w| format_minutes(w.minutes)))
        .or(Some(format_minutes(((page.ends_at - page.starts_at).num_minutes().max(0)) as u32)));
    let km = kept(WORK, "km").or(page.my_work.map(|w| format_tenths(w.km_tenths, sep)));
    view! {
        <section class="card" id="work" aria-labelledby="work-heading">
            <h2 id="work-heading">{td_string!(locale, outings.work_heading)}</h2>
            <p class="muted">{td_string!(locale, outings.work_hint)}</p>
            <ErrorNotice error=error.clone() />
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="form[session_id]" value=page.session_id.to_string() />
                <div class="field-row">
                    <TextField name="form[hours]" label=td_string!(locale, visits.hours).to_string() value=hours error=field("hours") />
                    <TextField name="form[km]" label=td_string!(locale, visits.km).to_string() value=km error=field("km") />
                </div>
                <button class="button" type="submit">{td_string!(locale, outings.work_save)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// The pickup list: each car's stops in order with times, on the phone.
#[component]
pub fn OutingPickupsPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let id: Option<i64> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let moved = use_query_map().get_untracked().get("moved").is_some();
    let data = Resource::new_blocking(move || id, outing_pickups);
    let assign = ServerAction::<AssignRider>::new();
    loaded(data, move |page| view_pickups(page, assign, moved)).into_any()
}

fn view_pickups(page: PickupsPage, assign: ServerAction<AssignRider>, moved: bool) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let error = action_error(assign);
    let title = td_string!(locale, outings.pickups_title, title = page.title.clone()).to_string();
    let adjust = page.may_adjust.then(|| (page.drivers.clone(), assign));
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        {moved.then(|| view! { <OkNotice text=td_string!(locale, outings.rider_moved).to_string() /> })}
        <ErrorNotice error=error />
        <p>{moment_text(page.starts_at, locale)}{(!page.meeting_point.is_empty()).then(|| format!(" · {}", page.meeting_point))}</p>
        {page.routes.is_empty().then(|| view! { <p class="muted">{td_string!(locale, outings.no_pickups)}</p> })}
        {page.routes.iter().map(|route| view! {
            <section class="card" aria-label=route.driver.name.clone()>
                <h2>{route.driver.name.clone()}</h2>
                <p>{td_string!(locale, outings.leave_at, at = clock_text(route.leaves_at, locale), from = route.driver.from_place.clone())}</p>
                <ol class="list">
                    {route.stops.iter().map(|stop| view! {
                        <li class="stop">
                            <strong>{clock_text(stop.pickup_at, locale)}</strong>" "
                            {match stop.map_url.clone() {
                                Some(url) => view! { <a href=url rel="noopener" target="_blank">{stop.place.clone()}</a> }.into_any(),
                                None => view! { <span>{stop.place.clone()}</span> }.into_any(),
                            }}
                            <ul>
                                {stop.riders.iter().map(|r| view! { <Rider r=r.clone() adjust=adjust.clone() /> }).collect_view()}
                            </ul>
                        </li>
                    }).collect_view()}
                </ol>
                <p>{td_string!(locale, outings.arrive_at, at = clock_text(route.arrives_at, locale))}</p>
            </section>
        }).collect_view()}
        {(!page.unplaced.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="unplaced-heading">
                <h2 id="unplaced-heading">{td_string!(locale, outings.unplaced)}</h2>
                <ul>{page.unplaced.iter().map(|r| view! { <Rider r=r.clone() adjust=adjust.clone() /> }).collect_view()}</ul>
            </section>
        })}
        <p><a href=format!("/outings/sessions/{}", page.session_id)>{td_string!(locale, outings.back_to_session)}</a></p>
    }
}

#[component]
fn Rider(
    r: RiderView,
    adjust: Option<(Vec<crate::api::outings::DriverView>, ServerAction<AssignRider>)>,
) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let select_id = format!("car-{}", r.signup_id);
    view! {
        <li>
            {r.name.clone()}{(!r.pickup_place.is_empty()).then(|| format!(" · {}", r.pickup_place))}
            {r.pinned.then(|| view! { " "<span class="badge">{td_string!(locale, outings.pinned)}</span> })}
            {adjust.map(|(drivers, action)| view! {
                <ActionForm action=action attr:class="form form--inline">
                    <input type="hidden" name="signup_id" value=r.signup_id.to_string() />
                    <div class="field">
                        <label for=select_id.clone()>{td_string!(locale, outings.car_for, name = r.name.clone())}</label>
                        <select id=select_id.clone() name="driver">
                            <option value="0">{td_string!(locale, outings.car_proposed)}</option>
                            {drivers.iter().map(|d| view! { <option value=d.driver_id.to_string()>{d.name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button class="button button--secondary" type="submit">{td_string!(locale, outings.move_rider)}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// A council's agenda before the meeting and its memo after, for its leaders and coordinators.
#[component]
fn Notes(page: SessionPage, action: ServerAction<SaveSessionNotes>) -> impl IntoView {
    let locale = crate::ui::components::locale();
    if !(page.may_manage && page.outing.kind == OutingKind::Council) {
        return ().into_any();
    }
    let error = action_error(action);
    let field = {
        let error = error.clone();
        move |name: &str| error.as_ref().and_then(|e| e.field(name))
    };
    view! {
        <section class="card" id="notes" aria-labelledby="notes-heading">
            <h2 id="notes-heading">{td_string!(locale, outings.notes_heading)}</h2>
            <p class="muted">{td_string!(locale, outings.notes_hint)}</p>
            <ErrorNotice error=error.clone() />
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="form[session_id]" value=page.session_id.to_string() />
                <TextArea name="form[agenda]" label=td_string!(locale, outings.agenda).to_string() value=kept("notes", "agenda").or(page.agenda.clone()) error=field("agenda") max=text::NOTE />
                <TextArea name="form[memo]" label=td_string!(locale, outings.memo).to_string() value=kept("notes", "memo").or(page.memo.clone()) error=field("memo") max=text::NOTE />
                <button class="button" type="submit">{td_string!(locale, outings.notes_save)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
