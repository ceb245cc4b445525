//! Guides: caseloads (coordinators) and profiles (the guide, or a coordinator).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{
        AppError,
        guides::{SaveGuideProfile, guide_profile, list_guides},
    },
    domain::{availability::format_time, ids::UserId},
    i18n::*,
    ui::{
        components::{
            ErrorNotice, ErrorPage, OkNotice, TextField, action_error, kept, require_user, validation_text,
        },
        explain::{PlaceSelect, topic_names},
    },
};

#[component]
pub fn GuidesPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let overview = Resource::new_blocking(|| (), |_| list_guides());
    view! {
        <Title text=t_string!(i18n, guides.title) />
        <h1>{t!(i18n, guides.title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let locale = i18n.get_locale_untracked();
                match overview.await {
                    Err(error) => view! { <ErrorPage error=error /> }.into_any(),
                    Ok(o) => view! {
                        <ul class="list">
                            {o.guides.into_iter().map(|g| {
                                let full = g.caseload + g.pending_proposals >= g.max_caseload;
                                view! {
                                    <li class="card">
                                        <a href=format!("/guides/{}", g.id)><strong>{g.name}</strong></a>
                                        <div class="muted">{g.place}" · "{topic_names(&o.topics, &g.topics, locale)}</div>
                                        <div class={if full { "badge badge--warn" } else { "badge" }}>
                                            {t!(i18n, guides.caseload, used = g.caseload, max = g.max_caseload, pending = g.pending_proposals)}
                                        </div>
                                        {(!g.has_profile).then(|| view! { <div class="notice notice--warn">{t!(i18n, guides.no_profile)}</div> })}
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

const FORM: &str = "guides/profile/save";
const WEEKDAYS: usize = 7;

/// `/profile`: the signed-in guide's own profile.
#[component]
pub fn MyProfilePage() -> impl IntoView {
    let Some(user) = require_user() else { return ().into_any() };
    view! { <ProfileForm id=user.id /> }.into_any()
}

/// `/guides/:id`
#[component]
pub fn GuideProfilePage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let id: Option<UserId> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    match id {
        Some(id) => view! { <ProfileForm id=id /> }.into_any(),
        None => view! { <ErrorPage error=AppError::NotFound /> }.into_any(),
    }
}

#[component]
fn ProfileForm(id: UserId) -> impl IntoView {
    let i18n = use_i18n();
    let saved = use_query_map().get_untracked().get("saved").is_some();
    let profile = Resource::new_blocking(move || id, guide_profile);
    let save = ServerAction::<SaveGuideProfile>::new();
    let error = action_error(save);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    let p = match profile.await {
                        Err(error) => return view! { <ErrorPage error=error /> }.into_any(),
                        Ok(p) => p,
                    };
                    let locale = i18n.get_locale_untracked();
                    let field = { let error = error.clone(); move |name: &str| error.as_ref().and_then(|e| e.field(name)) };
                    let kept_any = kept(FORM, "place").is_some();
                    let weekday_names = [
                        t_string!(i18n, days.mon), t_string!(i18n, days.tue), t_string!(i18n, days.wed),
                        t_string!(i18n, days.thu), t_string!(i18n, days.fri), t_string!(i18n, days.sat), t_string!(i18n, days.sun),
                    ];
                    // Four rows: the saved slots and empty ones to add more.
                    let mut rows: Vec<(String, String, String)> = p.availability.iter()
                        .map(|s| (s.weekday.to_string(), format_time(s.start), format_time(s.end))).collect();
                    while rows.len() < p.availability.len().max(3) + 1 { rows.push((String::new(), String::new(), String::new())); }
                    let slots_error = field("slots");
                    view! {
                        <Title text=p.name.clone() />
                        <h1>{t!(i18n, guides.profile_title, name = p.name.clone())}</h1>
                        {saved.then(|| view! { <OkNotice text=t_string!(i18n, guides.saved).to_string() /> })}
                        <ErrorNotice error=error.clone() />
                        <ActionForm action=save attr:class="form" attr:novalidate=true>
                            <input type="hidden" name="id" value=id.to_string() />
                            <fieldset class="field">
                                <legend>{t!(i18n, guides.topics)}</legend>
                                {p.all_topics.iter().map(|t| view! {
                                    <label class="check">
                                        <input type="checkbox" name=format!("form[topics][{}]", t.code) value="on"
                                            checked=if kept_any { kept(FORM, &format!("topics.{}", t.code)).is_some() } else { p.topics.contains(&t.code) } />
                                        {t.name(locale.as_str()).to_owned()}
                                    </label>
                                }).collect_view()}
                            </fieldset>
                            <PlaceSelect name="form[place]" label=t_string!(i18n, guides.place).to_string()
                                selected=kept(FORM, "place").unwrap_or(p.place.clone()) error=field("place") />
                            <label class="check">
                                <input type="checkbox" name="form[has_car]" value="on" checked=if kept_any { kept(FORM, "has_car").is_some() } else { p.has_car } />
                                {t!(i18n, guides.has_car)}
                            </label>
                            <TextField name="form[seats]" label=t_string!(i18n, guides.seats).to_string() kind="number"
                                value=Some(kept(FORM, "seats").unwrap_or(p.seats.to_string())) error=field("seats") />
                            <TextField name="form[max_caseload]" label=t_string!(i18n, guides.max_caseload).to_string() kind="number"
                                value=Some(kept(FORM, "max_caseload").unwrap_or(p.max_caseload.to_string())) error=field("max_caseload") required=true />
                            <div class="field">
                                <label for="form-gender">{t!(i18n, guides.gender)}</label>
                                <select id="form-gender" name="form[gender]">
                                    <option value="" selected=p.gender.is_none()>{t!(i18n, guides.gender_unsaid)}</option>
                                    <option value="woman" selected=p.gender.as_deref() == Some("woman")>{t!(i18n, referrals.gender_woman)}</option>
                                    <option value="man" selected=p.gender.as_deref() == Some("man")>{t!(i18n, referrals.gender_man)}</option>
                                    <option value="other" selected=p.gender.as_deref() == Some("other")>{t!(i18n, guides.gender_other)}</option>
                                </select>
                            </div>
                            <div class="field">
                                <label for="form-introduction">{t!(i18n, guides.introduction)}</label>
                                <span class="field__hint">{t!(i18n, guides.introduction_hint)}</span>
                                {field("introduction").map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                <textarea id="form-introduction" name="form[introduction]" maxlength=crate::domain::text::INTRODUCTION.to_string()>{kept(FORM, "introduction").unwrap_or(p.introduction.clone())}</textarea>
                            </div>
                            <fieldset class="field">
                                <legend>{t!(i18n, guides.availability)}</legend>
                                <span class="field__hint">{t!(i18n, guides.availability_hint)}</span>
                                {slots_error.map(|code| view! { <span class="field__error">{validation_text(locale, code)}</span> })}
                                {rows.into_iter().enumerate().map(|(i, (day, start, end))| {
                                    let names = weekday_names;
                                    view! {
                                        <div class="slot">
                                            <label class="visually-hidden" for=format!("slot-{i}-day")>{t!(i18n, guides.weekday)}</label>
                                            <select id=format!("slot-{i}-day") name=format!("form[slots][{i}][weekday]")>
                                                <option value="">"–"</option>
                                                {(0..WEEKDAYS).map(|d| view! { <option value=d.to_string() selected=day == d.to_string()>{names[d].to_string()}</option> }).collect_view()}
                                            </select>
                                            <label class="visually-hidden" for=format!("slot-{i}-start")>{t!(i18n, guides.from)}</label>
                                            <input id=format!("slot-{i}-start") type="time" name=format!("form[slots][{i}][start]") value=start />
                                            <label class="visually-hidden" for=format!("slot-{i}-end")>{t!(i18n, guides.until)}</label>
                                            <input id=format!("slot-{i}-end") type="time" name=format!("form[slots][{i}][end]") value=end />
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <button class="button" type="submit">{t!(i18n, guides.save)}</button>
                        </ActionForm>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}
