//! The guide's day on a phone: today and this week, one visit with its one-screen "done" form,
//! booking a visit or a series with its ride, and the month's hours and kilometres. Plain
//! server-rendered pages and forms: they work before and without the WebAssembly.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use strum::IntoEnumIterator;

use crate::{
    api::{
        AppError,
        visits::{
            BookVisit, CancelVisit, RecordOutcome, RescheduleVisit, VisitView, agenda, booking_choices,
            get_visit, mileage,
        },
    },
    domain::{
        ids::{ClientId, UserId},
        text,
        visits::{VisitKind, VisitStatus, format_cents, format_minutes, format_tenths},
    },
    i18n::*,
    ui::{
        components::{
            ErrorNotice, ErrorPage, OkNotice, TextField, action_error, kept, loaded, require_user,
            validation_text,
        },
        explain::{channel_text, visit_kind_text, visit_status_text},
        pages::clients::contact_links,
    },
};

/// The decimal separator of the user's language.
pub(crate) fn decimal(locale: Locale) -> char {
    if locale == Locale::en { '.' } else { ',' }
}

fn weekday_text(weekday: u8, locale: Locale) -> &'static str {
    match weekday {
        0 => td_string!(locale, days.mon),
        1 => td_string!(locale, days.tue),
        2 => td_string!(locale, days.wed),
        3 => td_string!(locale, days.thu),
        4 => td_string!(locale, days.fri),
        5 => td_string!(locale, days.sat),
        _ => td_string!(locale, days.sun),
    }
}

/// The visit's day and times as the reader's language writes them ("ti 1.12. klo 18.45–20.00");
/// without the day (`with_day` false) under a day's heading, where only the times are new.
pub(crate) fn visit_when(visit: &VisitView, locale: Locale, with_day: bool) -> String {
    let time = |t: &str| chrono::NaiveTime::parse_from_str(t, "%H:%M").ok();
    match (crate::domain::time::parse_date(&visit.date), time(&visit.start), time(&visit.end)) {
        (Some(day), Some(start), Some(end)) if with_day => {
            crate::words::day_and_times_text(day, start, end, locale, crate::words::this_year())
        }
        (_, Some(start), Some(end)) => crate::words::times_text(start, end, locale),
        // Never reached with what the server sends; shown as sent rather than hidden.
        _ => format!("{} {}–{}", visit.date, visit.start, visit.end),
    }
}

/// A day in a table: "ti 1.12." / "tis 1.12" / "Tue 1 Dec".
fn short_date(date: &str, locale: Locale) -> String {
    crate::domain::time::parse_date(date)
        .map(|day| crate::words::short_day_text(day, locale, crate::words::this_year()))
        .unwrap_or_else(|| date.to_owned())
}

/// A day's heading in a week: "tiistai 1.12.", "tisdag 1.12", "Tuesday 1 Dec".
fn day_heading(weekday: u8, date: &str, locale: Locale) -> String {
    let day = crate::domain::time::parse_date(date)
        .map(|day| crate::words::day_month_text(day, locale, crate::words::this_year()))
        .unwrap_or_else(|| date.to_owned());
    format!("{} {day}", weekday_text(weekday, locale))
}

/// Places for the place fields: typing offers them, and a place from the list gives travel
/// times between visits.
#[component]
pub(crate) fn PlaceList() -> impl IntoView {
    view! {
        <datalist id="places">
            {crate::domain::places::all().iter().map(|p| view! { <option value=p.name.clone()></option> }).collect_view()}
        </datalist>
    }
}

/// Call, text or WhatsApp the client, and open the place in a map app: the taps a guide on
/// the move needs.
#[component]
fn ReachButtons(visit: VisitView) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let links = visit.phone.as_deref().map(|p| contact_links(p, visit.contact_channel)).unwrap_or_default();
    view! {
        <p class="actions">
            {links.into_iter().map(|(href, kind)| view! {
                <a class="button button--secondary" href=href>{channel_text(kind, locale)}</a>
            }).collect_view()}
            {visit.map_url.map(|href| view! {
                <a class="button button--secondary" href=href rel="noopener noreferrer">{td_string!(locale, visits.map)}</a>
            })}
        </p>
    }
}

/// One visit in a list: time, kind, client, place, the ride's pickup, and the taps.
#[component]
pub fn VisitCard(visit: VisitView, #[prop(default = false)] show_date: bool) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let href = format!("/visits/{}", visit.id);
    let planned = visit.status == VisitStatus::Planned;
    let record = visit.may.record && planned && visit.started;
    let place = [Some(visit.place.clone()).filter(|p| !p.is_empty()), visit.address.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let pickup =
        visit.legs.first().map(|leg| visit.pickup_address.clone().unwrap_or_else(|| leg.from.clone()));
    let when = visit_when(&visit, locale, show_date);
    view! {
        <li class=if planned { "card visit" } else { "card visit visit--closed" }>
            <div class="visit__when">
                <strong>{when}</strong>
                {(!planned).then(|| view! { <span class="badge">{visit_status_text(visit.status, locale)}</span> })}
            </div>
            <a class="visit__title" href=href.clone()>
                {visit_kind_text(visit.kind, locale)}" · "{visit.client_name.clone()}
            </a>
            {(!place.is_empty()).then(|| view! { <div class="muted">{place}</div> })}
            {pickup.map(|p| view! { <div>{td_string!(locale, visits.pickup)}": "{p}</div> })}
            {planned.then(|| view! { <ReachButtons visit=visit.clone() /> })}
            {record.then(|| view! {
                <p><a class="button" href=format!("{href}#done")>{td_string!(locale, visits.record)}</a></p>
            })}
        </li>
    }
}

#[component]
pub fn TodayPage() -> impl IntoView {
    view! { <AgendaPage week=false /> }
}

#[component]
pub fn WeekPage() -> impl IntoView {
    view! { <AgendaPage week=true /> }
}

#[component]
fn AgendaPage(week: bool) -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let query = use_query_map().get_untracked();
    let offset: i32 = query.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let recorded = query.get("recorded").is_some();
    let ended = query.get("ended").is_some();
    let days = Resource::new_blocking(move || (week, offset), |(week, offset)| agenda(week, offset));
    let title = if week { t_string!(i18n, visits.week_title) } else { t_string!(i18n, visits.today_title) };
    let base = if week { "/week" } else { "/today" };
    view! {
        <Title text=title />
        <h1>{title}</h1>
        <nav class="tabs" aria-label=t_string!(i18n, visits.views)>
            <a href="/today" aria-current=(!week && offset == 0).then_some("page")>{t!(i18n, visits.today)}</a>
            <a href="/week" aria-current=(week && offset == 0).then_some("page")>{t!(i18n, visits.this_week)}</a>
        </nav>
        {recorded.then(|| view! { <OkNotice text=t_string!(i18n, visits.recorded).to_string() /> })}
        {ended.then(|| view! { <OkNotice text=t_string!(i18n, endings.ended_notice).to_string() /> })}
        {loaded(days, move |agenda| {
            {
                let locale = i18n.get_locale_untracked();
                let empty = agenda.days.iter().all(|d| d.visits.is_empty());
                view! {
                    {empty.then(|| view! {
                        <p>{if week { td_string!(locale, visits.none_this_week) } else { td_string!(locale, visits.none_today) }}</p>
                    })}
                    {agenda.days.into_iter().filter(|d| !d.visits.is_empty()).map(|day| view! {
                        <section aria-label=day_heading(day.weekday, &day.date, locale)>
                            {week.then(|| view! { <h2 class="day">{day_heading(day.weekday, &day.date, locale)}</h2> })}
                            <ul class="list">
                                {day.visits.into_iter().map(|v| view! { <VisitCard visit=v /> }).collect_view()}
                            </ul>
                        </section>
                    }).collect_view()}
                    <nav class="pager" aria-label=td_string!(locale, visits.other_days)>
                        <a href=format!("{base}?offset={}", offset - 1)>{if week { td_string!(locale, visits.previous_week) } else { td_string!(locale, visits.previous_day) }}</a>
                        <a href=format!("{base}?offset={}", offset + 1)>{if week { td_string!(locale, visits.next_week) } else { td_string!(locale, visits.next_day) }}</a>
                    </nav>
                    <p class="muted"><a href="/mileage">{td_string!(locale, visits.mileage_link)}</a>" · "<a href="/settings#calendar">{td_string!(locale, visits.calendar_link)}</a></p>
                }.into_any()
            }
        })}
    }
    .into_any()
}

#[component]
pub fn VisitPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let id: Option<i64> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let query = use_query_map().get_untracked();
    let booked: Option<usize> = query.get("booked").and_then(|n| n.parse().ok());
    let outside = query.get("outside").is_some();
    let notice = [
        ("cancelled", t_string!(i18n, visits.cancelled)),
        ("rescheduled", t_string!(i18n, visits.rescheduled)),
    ]
    .into_iter()
    .find(|(key, _)| query.get(key).is_some())
    .map(|(_, text)| text.to_string());
    let visit = Resource::new_blocking(move || id, get_visit);
    let outcome = ServerAction::<RecordOutcome>::new();
    let reschedule = ServerAction::<RescheduleVisit>::new();
    let cancel = ServerAction::<CancelVisit>::new();
    let error = action_error(outcome).or(action_error(reschedule)).or(action_error(cancel));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (notice, error) = (notice.clone(), error.clone());
                Suspend::new(async move {
                    let visit = match visit.await {
                        Err(error) => return view! { <ErrorPage error=error /> }.into_any(),
                        Ok(visit) => visit,
                    };
                    let locale = i18n.get_locale_untracked();
                    let sep = decimal(locale);
                    let field = |name: &str| error.as_ref().and_then(|e| e.field(name));
                    let title = format!("{} · {}", visit_kind_text(visit.kind, locale), visit.client_name);
                    let total_km: u32 = visit.legs.iter().map(|l| l.km_tenths).sum();
                    let planned_minutes = minutes_between(&visit.start, &visit.end);
                    let hours_default = kept("outcome", "hours").or_else(|| visit.minutes.map(|m| hours_text(m, sep))).unwrap_or_else(|| hours_text(planned_minutes, sep));
                    let km_default = kept("outcome", "km").or_else(|| visit.km_tenths.map(|k| format_tenths(k, sep))).unwrap_or_else(|| if total_km > 0 { format_tenths(total_km, sep) } else { String::new() });
                    let note_default = kept("outcome", "note").or_else(|| visit.outcome_note.clone()).unwrap_or_default();
                    let (hours_error, km_error, outcome_error, start_error) = (field("hours"), field("km"), field("outcome"), field("start"));
                    let (date_error, end_error) = (field("date"), field("end"));
                    let (note_error, excess_error) = (field("note"), field("excess_reason"));
                    let excess_default = kept("outcome", "excess_reason").or_else(|| visit.excess_reason.clone()).unwrap_or_default();
                    view! {
                        <Title text=title.clone() />
                        <h1>{title}</h1>
                        <p class="lead"><strong>{visit_when(&visit, locale, true)}</strong>
                            " "<span class="badge">{visit_status_text(visit.status, locale)}</span></p>
                        {booked.map(|n| view! { <OkNotice text=td_string!(locale, visits.booked, count = n as i64).to_string() /> })}
                        {outside.then(|| view! { <p class="notice notice--warn" role="status">{td_string!(locale, visits.outside_availability)}</p> })}
                        {notice.map(|text| view! { <OkNotice text=text /> })}
                        <ErrorNotice error=error.clone() />
                        <section class="card" aria-labelledby="where-heading">
                            <h2 id="where-heading">{td_string!(locale, visits.where_heading)}</h2>
                            <dl class="facts">
                                {(!visit.place.is_empty()).then(|| view! { <dt>{td_string!(locale, visits.place)}</dt><dd>{visit.place.clone()}</dd> })}
                                {visit.address.clone().map(|a| view! { <dt>{td_string!(locale, visits.address)}</dt><dd>{a}</dd> })}
                                <dt>{td_string!(locale, visits.guide)}</dt><dd>{visit.guide_name.clone()}</dd>
                                {visit.social_worker_name.clone().map(|n| view! { <dt>{td_string!(locale, visits.social_worker)}</dt><dd>{n}</dd> })}
                            </dl>
                            {(visit.status == VisitStatus::Planned).then(|| view! {
                                <p>{td_string!(locale, visits.prefers)}": "{channel_text(visit.contact_channel, locale)}</p>
                                <ReachButtons visit=visit.clone() />
                            })}
                        </section>
                        {(!visit.legs.is_empty()).then(|| view! {
                            <section class="card" aria-labelledby="ride-heading">
                                <h2 id="ride-heading">{td_string!(locale, visits.ride_heading)}</h2>
                                {visit.pickup_address.clone().map(|p| view! { <p>{td_string!(locale, visits.pickup)}": "{p}</p> })}
                                <ol class="legs">
                                    {visit.legs.iter().map(|leg| view! {
                                        <li>{leg.from.clone()}" → "{leg.to.clone()}": "{format_tenths(leg.km_tenths, sep)}" km"
                                            {leg.estimated.then(|| view! { <span class="muted">" ("{td_string!(locale, visits.estimated)}")"</span> })}</li>
                                    }).collect_view()}
                                </ol>
                                <p>{td_string!(locale, visits.total)}": "{format_tenths(total_km, sep)}" km"
                                    {visit.driver_name.clone().map(|d| format!(" · {}: {d}", td_string!(locale, visits.driver)))}</p>
                            </section>
                        })}
                        {(visit.status != VisitStatus::Planned).then(|| view! {
                            <section class="card" aria-labelledby="outcome-heading">
                                <h2 id="outcome-heading">{td_string!(locale, visits.outcome_heading)}</h2>
                                <dl class="facts">
                                    {visit.minutes.map(|m| view! { <dt>{td_string!(locale, visits.hours)}</dt><dd>{format_minutes(m)}</dd> })}
                                    {visit.km_tenths.map(|k| view! { <dt>{td_string!(locale, visits.km)}</dt><dd>{format_tenths(k, sep)}</dd> })}
                                </dl>
                                {visit.outcome_note.clone().map(|n| view! { <p>{n}</p> })}
                            </section>
                        })}
                        {(visit.may.record && !visit.started).then(|| view! {
                            <p class="muted">{td_string!(locale, visits.record_later)}</p>
                        })}
                        {(visit.may.record && visit.started).then(|| view! {
                            <section class="card" id="done" aria-labelledby="done-heading">
                                <h2 id="done-heading">{td_string!(locale, visits.done_heading)}</h2>
                                <ActionForm action=outcome attr:class="form" attr:novalidate=true>
                                    <input type="hidden" name="id" value=visit.id.to_string() />
                                    <fieldset class="field">
                                        <legend>{td_string!(locale, visits.how_it_went)}</legend>
                                        {outcome_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                        <label class="check"><input type="radio" name="outcome" value="done" checked=visit.status != VisitStatus::NoShow />{td_string!(locale, visits.status_done)}</label>
                                        <label class="check"><input type="radio" name="outcome" value="no_show" checked=visit.status == VisitStatus::NoShow />{td_string!(locale, visits.status_no_show)}</label>
                                    </fieldset>
                                    <div class="field">
                                        <label for="hours">{td_string!(locale, visits.hours)}</label>
                                        <span class="field__hint">{td_string!(locale, visits.hours_hint)}</span>
                                        {hours_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                        <input id="hours" name="hours" inputmode="decimal" maxlength="10" value=hours_default aria-invalid=hours_error.map(|_| "true") />
                                    </div>
                                    <div class="field">
                                        <label for="km">{td_string!(locale, visits.km)}</label>
                                        {km_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                        <input id="km" name="km" inputmode="decimal" maxlength="10" value=km_default aria-invalid=km_error.map(|_| "true") />
                                    </div>
                                    <div class="field">
                                        <label for="note">{td_string!(locale, visits.note)}</label>
                                        <span class="field__hint">{td_string!(locale, visits.note_hint)}</span>
                                        {note_error.map(|code| view! { <span class="field__error" id="note-error">{validation_text(locale, code)}</span> })}
                                        <textarea id="note" name="note" maxlength=text::NOTE.to_string() aria-invalid=note_error.map(|_| "true") aria-describedby=note_error.map(|_| "note-error")>{note_default}</textarea>
                                    </div>
                                    // Asked for when the hours or kilometres go beyond what the visit and its
                                    // travel explain; shown from the start when it was asked or given.
                                    {(excess_error.is_some() || !excess_default.is_empty()).then(|| view! {
                                        <div class="field">
                                            <label for="excess_reason">{td_string!(locale, visits.excess_reason)}</label>
                                            <span class="field__hint">{td_string!(locale, visits.excess_reason_hint)}</span>
                                            {excess_error.map(|code| view! { <span class="field__error" id="excess-error">{validation_text(locale, code)}</span> })}
                                            <textarea id="excess_reason" name="excess_reason" maxlength=text::REASON.to_string() aria-invalid=excess_error.map(|_| "true") aria-describedby=excess_error.map(|_| "excess-error")>{excess_default.clone()}</textarea>
                                        </div>
                                    })}
                                    <button class="button" type="submit">{td_string!(locale, visits.save_outcome)}</button>
                                </ActionForm>
                            </section>
                        })}
                        {visit.may.change.then(|| view! {
                            <details class="card" open=start_error.is_some()>
                                <summary>{td_string!(locale, visits.reschedule)}</summary>
                                <ActionForm action=reschedule attr:class="form" attr:novalidate=true>
                                    <input type="hidden" name="id" value=visit.id.to_string() />
                                    <TextField name="date" label=td_string!(locale, visits.date).to_string() kind="date" value=Some(visit.date.clone()) error=date_error />
                                    <TextField name="start" label=td_string!(locale, visits.start).to_string() kind="time" value=Some(visit.start.clone()) error=start_error />
                                    <TextField name="end" label=td_string!(locale, visits.end).to_string() kind="time" value=Some(visit.end.clone()) error=end_error />
                                    <button class="button" type="submit">{td_string!(locale, visits.move_visit)}</button>
                                </ActionForm>
                            </details>
                            <details class="card">
                                <summary>{td_string!(locale, visits.cancel)}</summary>
                                <ActionForm action=cancel attr:class="form">
                                    <input type="hidden" name="id" value=visit.id.to_string() />
                                    <input type="hidden" name="scope" value="one" />
                                    <button class="button button--danger" type="submit">{td_string!(locale, visits.cancel_one)}</button>
                                </ActionForm>
                                {visit.in_series.then(|| view! {
                                    <ActionForm action=cancel attr:class="form">
                                        <input type="hidden" name="id" value=visit.id.to_string() />
                                        <input type="hidden" name="scope" value="rest" />
                                        <button class="button button--danger" type="submit">{td_string!(locale, visits.cancel_rest)}</button>
                                    </ActionForm>
                                })}
                            </details>
                        })}
                        {visit.may.goals.then(|| view! {
                            <p><a class="button button--secondary" href=format!("/clients/{}/goals?visit={}", visit.client_id, visit.id)>{td_string!(locale, goals.open_from_visit)}</a></p>
                        })}
                        {visit.may.feedback.then(|| view! {
                            <p><a class="button" href=format!("/visits/{}/feedback", visit.id)>{td_string!(locale, feedback.hand_over)}</a></p>
                        })}
                        {(visit.may.goals && visit.kind == crate::domain::visits::VisitKind::Review).then(|| view! {
                            <p><a class="button" href=format!("/clients/{}/review?visit={}", visit.client_id, visit.id)>{td_string!(locale, reviews.open_from_visit)}</a></p>
                        })}
                        <p><a href=format!("/clients/{}", visit.client_id)>{td_string!(locale, visits.to_client)}</a></p>
                    }.into_any()
                })
            }}
        </Suspense>
    }
    .into_any()
}

fn minutes_between(start: &str, end: &str) -> u32 {
    let parse = |t: &str| chrono::NaiveTime::parse_from_str(t, "%H:%M").ok();
    match (parse(start), parse(end)) {
        (Some(s), Some(e)) if e > s => (e - s).num_minutes() as u32,
        _ => 60,
    }
}

/// 90 minutes as "1,5" (the hours field takes decimals).
fn hours_text(minutes: u32, decimal: char) -> String {
    let hundredths = (minutes * 100 + 30) / 60;
    let text = format!("{}{decimal}{:02}", hundredths / 100, hundredths % 100);
    text.trim_end_matches('0').trim_end_matches(decimal).to_owned()
}

const FORM: &str = "visit";

#[component]
pub fn NewVisitPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let client: Option<ClientId> = use_query_map()
        .get_untracked()
        .get("client")
        .or_else(|| kept(FORM, "client_id"))
        .and_then(|c| c.parse().ok());
    let Some(client) = client else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let choices = Resource::new_blocking(move || client, booking_choices);
    let action = ServerAction::<BookVisit>::new();
    let error = action_error(action);
    view! {
        <Title text=t_string!(i18n, visits.new_title) />
        <h1>{t!(i18n, visits.new_title)}</h1>
        <ErrorNotice error=error.clone() />
        <Suspense fallback=|| ()>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    let choices = match choices.await {
                        Err(error) => return view! { <ErrorPage error=error /> }.into_any(),
                        Ok(c) => c,
                    };
                    let locale = i18n.get_locale_untracked();
                    let field = move |name: &str| error.as_ref().and_then(|e| e.field(name));
                    let value = |name: &str, default: &str| Some(kept(FORM, name).unwrap_or_else(|| default.to_owned()));
                    let kind = kept(FORM, "kind").unwrap_or_else(|| VisitKind::HomeVisit.as_str().into());
                    let recurrence = kept(FORM, "recurrence").unwrap_or_else(|| "once".into());
                    let reimbursement = kept(FORM, "reimbursement").unwrap_or_else(|| "allowance".into());
                    let driver = kept(FORM, "driver").unwrap_or_default();
                    let ride_open = (1..=5).any(|i| kept(FORM, &format!("stop_{i}")).is_some_and(|s| !s.is_empty()));
                    let (kind_error, until_error, driver_error) = (field("kind"), field("until"), field("driver"));
                    view! {
                        <p>{t!(i18n, visits.for_client)}" "<strong>{choices.client_name.clone()}</strong>" · "{t!(i18n, visits.guide)}": "{choices.guide_name.clone()}</p>
                        <PlaceList />
                        <ActionForm action=action attr:class="form" attr:novalidate=true>
                            <input type="hidden" name="form[client_id]" value=choices.client_id.to_string() />
                            <fieldset class="field">
                                <legend>{t!(i18n, visits.kind)}</legend>
                                {kind_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                {VisitKind::iter().map(|k| view! {
                                    <label class="check">
                                        <input type="radio" name="form[kind]" value=k.as_str() checked=kind == k.as_str() />
                                        {visit_kind_text(k, locale)}
                                    </label>
                                }).collect_view()}
                                {choices.social_worker_name.clone().map(|n| view! { <span class="field__hint">{t!(i18n, visits.social_worker_invited)}" "{n}</span> })}
                            </fieldset>
                            <TextField name="form[date]" label=t_string!(i18n, visits.date).to_string() kind="date" value=kept(FORM, "date") error=field("date") required=true />
                            <div class="field-row">
                                <TextField name="form[start]" label=t_string!(i18n, visits.start).to_string() kind="time" value=kept(FORM, "start") error=field("start") required=true />
                                <TextField name="form[end]" label=t_string!(i18n, visits.end).to_string() kind="time" value=kept(FORM, "end") error=field("end") required=true />
                            </div>
                            <div class="field">
                                <label for="form-place">{t!(i18n, visits.place)}</label>
                                <span class="field__hint" id="form-place-hint">{t!(i18n, visits.place_hint)}</span>
                                {field("place").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                <input id="form-place" name="form[place]" list="places" autocomplete="off" maxlength=text::LINE.to_string() aria-describedby="form-place-hint"
                                    value=value("place", &choices.client_place) />
                            </div>
                            <TextField name="form[address]" label=t_string!(i18n, visits.address).to_string() value=kept(FORM, "address")
                                hint=t_string!(i18n, visits.address_hint).to_string() error=field("address") />
                            <fieldset class="field">
                                <legend>{t!(i18n, visits.repeats)}</legend>
                                {field("recurrence").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                {[("once", td_string!(locale, visits.once)), ("weekly", td_string!(locale, visits.weekly)), ("every_other_week", td_string!(locale, visits.every_other_week))]
                                    .into_iter().map(|(r, text)| view! {
                                        <label class="check"><input type="radio" name="form[recurrence]" value=r checked=recurrence == r />{text}</label>
                                    }).collect_view()}
                                <TextField name="form[until]" label=t_string!(i18n, visits.until).to_string() kind="date" value=kept(FORM, "until") error=until_error
                                    hint=t_string!(i18n, visits.until_hint).to_string() />
                            </fieldset>
                            <details class="field" open=ride_open || driver_error.is_some()>
                                <summary>{t!(i18n, visits.ride_heading)}</summary>
                                <p class="field__hint">{t!(i18n, visits.ride_hint)}</p>
                                {choices.pickup_address.clone().map(|p| view! { <p class="field__hint">{t!(i18n, visits.pickup)}": "{p}</p> })}
                                {(1..=5).map(|i| {
                                    let stop = format!("stop_{i}");
                                    let km = format!("km_{}", i - 1);
                                    let stop_name = format!("form[stop_{i}]");
                                    let km_name = format!("form[km_{}]", i - 1);
                                    let (stop_error, km_error) = (field(&stop), field(&km));
                                    view! {
                                        {(i > 1).then(|| view! {
                                            <div class="field field--inline">
                                                <label for=format!("form-km_{}", i - 1)>{td_string!(locale, visits.leg_km)}</label>
                                                {km_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                                <input id=format!("form-km_{}", i - 1) name=km_name inputmode="decimal" maxlength="10" value=kept(FORM, &km) />
                                            </div>
                                        })}
                                        <div class="field">
                                            <label for=format!("form-stop_{i}")>{td_string!(locale, visits.stop)}" "{i}</label>
                                            {stop_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                            <input id=format!("form-stop_{i}") name=stop_name list="places" autocomplete="off" maxlength=text::LINE.to_string() value=kept(FORM, &stop) />
                                        </div>
                                    }
                                }).collect_view()}
                                <div class="field">
                                    <label for="form-driver">{t!(i18n, visits.driver)}</label>
                                    {driver_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                    <select id="form-driver" name="form[driver]">
                                        <option value="" selected=driver.is_empty()>{t!(i18n, visits.guide_drives)}</option>
                                        {choices.drivers.iter().map(|(id, name)| view! {
                                            <option value=id.to_string() selected=driver == id.to_string()>{name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <fieldset class="field">
                                    <legend>{t!(i18n, visits.reimbursement)}</legend>
                                    <label class="check"><input type="radio" name="form[reimbursement]" value="allowance" checked=reimbursement == "allowance" />{t!(i18n, visits.allowance)}</label>
                                    <label class="check"><input type="radio" name="form[reimbursement]" value="bus_ticket" checked=reimbursement == "bus_ticket" />{t!(i18n, visits.bus_ticket)}</label>
                                    <TextField name="form[ticket_price]" label=t_string!(i18n, visits.ticket_price).to_string() value=kept(FORM, "ticket_price") error=field("ticket_price") />
                                </fieldset>
                            </details>
                            <button class="button" type="submit">{t!(i18n, visits.book)}</button>
                        </ActionForm>
                    }.into_any()
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn MileagePage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let query = use_query_map().get_untracked();
    let month = query.get("month").unwrap_or_default();
    let guide: Option<UserId> = query.get("guide").and_then(|g| g.parse().ok());
    let data = Resource::new_blocking(move || (guide, month.clone()), |(guide, month)| mileage(guide, month));
    view! {
        <Title text=t_string!(i18n, visits.mileage_title) />
        <h1>{t!(i18n, visits.mileage_title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let view_data = match data.await {
                    Err(error) => return view! { <ErrorPage error=error /> }.into_any(),
                    Ok(v) => v,
                };
                let locale = i18n.get_locale_untracked();
                let sep = decimal(locale);
                let t = view_data.totals.clone();
                let guides = if view_data.may_export {
                    crate::api::guides::list_guides().await.map(|o| o.guides).unwrap_or_default()
                } else {
                    Vec::new()
                };
                view! {
                    <form method="get" action="/mileage" class="form form--inline">
                        <TextField name="month" label=td_string!(locale, visits.month).to_string() kind="month" value=Some(view_data.month.clone()) />
                        {view_data.may_export.then(|| view! {
                            <div class="field">
                                <label for="guide">{td_string!(locale, visits.guide)}</label>
                                <select id="guide" name="guide">
                                    {guides.iter().map(|g| view! {
                                        <option value=g.id.to_string() selected=g.id == view_data.guide_id>{g.name.clone()}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                        })}
                        <button class="button button--secondary" type="submit">{td_string!(locale, visits.show)}</button>
                    </form>
                    <h2>{view_data.guide_name.clone()}" · "{view_data.month.clone()}</h2>
                    <dl class="facts">
                        <dt>{td_string!(locale, visits.visits_count)}</dt><dd>{t.visits}</dd>
                        <dt>{td_string!(locale, visits.outings_count)}</dt><dd>{t.outings}</dd>
                        <dt>{td_string!(locale, visits.hours)}</dt><dd>{format_minutes(t.minutes)}</dd>
                        <dt>{td_string!(locale, visits.km)}</dt><dd>{format_tenths(t.km_tenths, sep)}</dd>
                        <dt>{td_string!(locale, visits.allowance_total)}</dt>
                        <dd>{format_cents(t.allowance_cents, sep)}" € ("{format_cents(u64::from(view_data.rate_cents_per_km), sep)}" €/km)"</dd>
                        <dt>{td_string!(locale, visits.tickets_total)}</dt><dd>{format_cents(t.ticket_cents, sep)}" €"</dd>
                        <dt>{td_string!(locale, visits.total)}</dt><dd><strong>{format_cents(t.reimbursement_cents(), sep)}" €"</strong></dd>
                    </dl>
                    {view_data.may_export.then(|| view! {
                        <p><a class="button button--secondary" href=format!("/payroll/{}.csv", view_data.month) download="">{td_string!(locale, visits.export_csv)}</a></p>
                    })}
                    {if view_data.rows.is_empty() && view_data.outing_rows.is_empty() {
                        view! { <p>{td_string!(locale, visits.no_worked_visits)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll">
                                <table>
                                    <thead><tr>
                                        <th scope="col">{td_string!(locale, visits.date)}</th>
                                        <th scope="col">{td_string!(locale, visits.kind)}</th>
                                        <th scope="col">{td_string!(locale, visits.hours)}</th>
                                        <th scope="col">{td_string!(locale, visits.km)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {view_data.rows.iter().map(|r| view! {
                                            <tr>
                                                <td><a href=format!("/visits/{}", r.visit_id)>{short_date(&r.date, locale)}</a></td>
                                                <td>{visit_kind_text(r.kind, locale)}{(r.status == VisitStatus::NoShow).then(|| format!(" ({})", visit_status_text(VisitStatus::NoShow, locale)))}
                                                    {r.excess_reason.clone().map(|reason| view! { <div class="muted">{td_string!(locale, visits.excess_reason_short)}": "{reason}</div> })}</td>
                                                <td>{format_minutes(r.minutes)}</td>
                                                <td>{format_tenths(r.km_tenths, sep)}</td>
                                            </tr>
                                        }).collect_view()}
                                        {view_data.outing_rows.iter().map(|r| view! {
                                            <tr>
                                                <td><a href=format!("/outings/sessions/{}", r.session_id)>{short_date(&r.date, locale)}</a></td>
                                                <td>{r.title.clone()}</td>
                                                <td>{format_minutes(r.minutes)}</td>
                                                <td>{format_tenths(r.km_tenths, sep)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                }.into_any()
            })}
        </Suspense>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_shown_as_people_type_them() {
        assert_eq!(hours_text(90, ','), "1,5");
        assert_eq!(hours_text(60, ','), "1");
        assert_eq!(hours_text(75, '.'), "1.25");
        assert_eq!(hours_text(20, ','), "0,33");
        assert_eq!(minutes_between("10:00", "11:30"), 90);
        assert_eq!(minutes_between("x", "11:30"), 60);
    }
}
