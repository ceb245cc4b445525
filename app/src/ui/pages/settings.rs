//! A person's own settings: which e-mails they get, the calendar feed link, their password,
//! second factor and signed-in sessions.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        settings::{
            ChangePassword, EndOwnSession, SaveNotificationSettings, SessionRow, notification_settings,
            own_sessions, second_factor_status,
        },
        visits::{CALENDAR_LINK_FORM, NewCalendarLink, RevokeCalendarLink, calendar_feed_status},
    },
    i18n::*,
    ui::components::{ErrorNotice, OkNotice, TextField, action_error, kept, loaded, require_user},
    words::message_kind_text,
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let choices = Resource::new_blocking(|| (), |_| notification_settings());
    let save = ServerAction::<SaveNotificationSettings>::new();
    let error = action_error(save);
    let saved = use_query_map().get_untracked().get("saved").is_some();
    let revoked = use_query_map().get_untracked().get("calendar_revoked").is_some();
    let feed = Resource::new_blocking(|| (), |_| calendar_feed_status());
    let new_link = ServerAction::<NewCalendarLink>::new();
    let revoke = ServerAction::<RevokeCalendarLink>::new();
    // The secret link is shown once, right after it is made: only its hash is kept.
    let fresh_link = kept(CALENDAR_LINK_FORM, "link");
    let query = use_query_map().get_untracked();
    let password_changed = query.get("password_changed").is_some();
    let session_ended = query.get("session_ended").is_some();
    let change_password = ServerAction::<ChangePassword>::new();
    let password_error = action_error(change_password);
    let field = |name: &str| password_error.as_ref().and_then(|e| e.field(name));
    let (current_error, new_error, again_error) =
        (field("current_password"), field("password"), field("password_again"));
    let password_notice =
        password_error.clone().filter(|e| !matches!(e, crate::api::AppError::Validation(_)));
    let second_factor = Resource::new_blocking(|| (), |_| second_factor_status());
    let sessions = Resource::new_blocking(|| (), |_| own_sessions());
    let end_session = ServerAction::<EndOwnSession>::new();
    view! {
        <Title text=t_string!(i18n, settings.title) />
        <h1>{t!(i18n, settings.title)}</h1>
        {saved.then(|| view! { <OkNotice text=t_string!(i18n, settings.saved).to_string() /> })}
        <ErrorNotice error=error />
        {loaded(choices, move |choices| {
            {
                let locale = i18n.get_locale_untracked();
                view! {
                    <ActionForm action=save attr:class="form">
                        <fieldset class="field">
                            <legend>{t!(i18n, settings.email_legend)}</legend>
                            <p class="field__hint">{t!(i18n, settings.email_hint)}</p>
                            {choices.into_iter().map(|choice| {
                                let name = format!("email[{}]", choice.kind.as_str());
                                view! {
                                    <label class="check">
                                        <input type="checkbox" name=name value="on" checked=choice.by_email disabled=choice.mandatory />
                                        {message_kind_text(choice.kind, locale)}
                                        {choice.mandatory.then(|| view! { <span class="muted">" ("{t!(i18n, settings.always)}")"</span> })}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                        <button class="button" type="submit">{t!(i18n, settings.save)}</button>
                    </ActionForm>
                }.into_any()
            }
        })}
        <section class="card" id="password" aria-labelledby="password-heading">
            <h2 id="password-heading">{t!(i18n, settings.password_heading)}</h2>
            {password_changed.then(|| view! { <OkNotice text=t_string!(i18n, settings.password_changed).to_string() /> })}
            <ErrorNotice error=password_notice />
            <ActionForm action=change_password attr:class="form" attr:novalidate=true>
                <TextField
                    name="current_password"
                    label=t_string!(i18n, settings.current_password).to_string()
                    kind="password"
                    autocomplete="current-password"
                    error=current_error
                    required=true
                />
                <TextField
                    name="password"
                    label=t_string!(i18n, settings.new_password).to_string()
                    kind="password"
                    autocomplete="new-password"
                    hint=t_string!(i18n, reset.password_hint).to_string()
                    error=new_error
                    required=true
                />
                <TextField
                    name="password_again"
                    label=t_string!(i18n, settings.new_password_again).to_string()
                    kind="password"
                    autocomplete="new-password"
                    error=again_error
                    required=true
                />
                <button class="button" type="submit">{t!(i18n, settings.password_submit)}</button>
            </ActionForm>
        </section>
        <section class="card" id="second-factor" aria-labelledby="second-factor-heading">
            <h2 id="second-factor-heading">{t!(i18n, second_factor.title)}</h2>
            {loaded(second_factor, move |view| {
                let text = if view.on_since.is_some() {
                    t_string!(i18n, settings.second_factor_on).to_string()
                } else {
                    t_string!(i18n, settings.second_factor_off).to_string()
                };
                view! {
                    <p>{text}</p>
                    <p><a class="button button--secondary" href="/settings/second-factor">{t!(i18n, settings.second_factor_manage)}</a></p>
                }
            })}
        </section>
        <section class="card" id="sessions" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{t!(i18n, settings.sessions_heading)}</h2>
            <p>{t!(i18n, settings.sessions_hint)}</p>
            {session_ended.then(|| view! { <OkNotice text=t_string!(i18n, settings.session_ended).to_string() /> })}
            <ErrorNotice error=action_error(end_session) />
            {loaded(sessions, move |rows: Vec<SessionRow>| {
                let locale = i18n.get_locale_untracked();
                let moment = move |at: &str| {
                    chrono::DateTime::parse_from_rfc3339(at)
                        .map(|at| crate::words::moment_text(at.to_utc(), locale))
                        .unwrap_or_default()
                };
                view! {
                    <ul class="session-list">
                        {rows.into_iter().map(|row| {
                            let device = if row.device.is_empty() { t_string!(i18n, settings.unknown_device).to_string() } else { row.device.clone() };
                            let seen = t_string!(i18n, settings.session_seen, at = moment(&row.seen_at)).to_string();
                            let since = t_string!(i18n, settings.session_since, at = moment(&row.signed_in_at)).to_string();
                            view! {
                                <li>
                                    <div>
                                        <strong>{device}</strong>
                                        {row.this_one.then(|| view! { " " <span class="badge">{t!(i18n, settings.this_device)}</span> })}
                                        <br /><span class="muted">{since}" · "{seen}{row.address.map(|a| format!(" · {a}"))}</span>
                                    </div>
                                    {(!row.this_one).then(|| view! {
                                        <ActionForm action=end_session>
                                            <input type="hidden" name="handle" value=row.handle.clone() />
                                            <button class="button button--secondary" type="submit">{t!(i18n, settings.end_session)}</button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
        </section>
        <section class="card" id="calendar" aria-labelledby="calendar-heading">
            <h2 id="calendar-heading">{t!(i18n, settings.calendar_heading)}</h2>
            <p>{t!(i18n, settings.calendar_hint)}</p>
            {revoked.then(|| view! { <OkNotice text=t_string!(i18n, settings.calendar_revoked).to_string() /> })}
            {fresh_link.map(|link| view! {
                <div class="notice notice--ok" role="status">
                    <p>{t!(i18n, settings.calendar_new)}</p>
                    <label for="calendar-link">{t!(i18n, settings.calendar_link)}</label>
                    <input id="calendar-link" class="copyable" readonly value=link.clone() />
                    <p><a class="button button--secondary" href=link.replacen("https://", "webcal://", 1).replacen("http://", "webcal://", 1)>{t!(i18n, settings.calendar_subscribe)}</a></p>
                </div>
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let until = feed.await.ok().flatten();
                    let active = until.is_some();
                    view! {
                        <p class="muted">{match until.as_deref().and_then(crate::domain::time::parse_date) {
                            Some(day) => t_string!(i18n, settings.calendar_on_until, day = crate::words::day_text(day, i18n.get_locale())).to_string(),
                            None => t_string!(i18n, settings.calendar_off).to_string(),
                        }}</p>
                        <ActionForm action=new_link attr:class="form">
                            <div class="field">
                                <label for="calendar-days">{t!(i18n, settings.calendar_period)}</label>
                                <select id="calendar-days" name="days">
                                    {crate::domain::calendar::LINK_PERIODS.iter().map(|days| view! {
                                        <option value=days.to_string() selected=*days == crate::domain::calendar::DEFAULT_LINK_DAYS>
                                            {t_string!(i18n, settings.calendar_days, count = *days).to_string()}
                                        </option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <button class="button" type="submit">{if active { t_string!(i18n, settings.calendar_replace) } else { t_string!(i18n, settings.calendar_create) }}</button>
                        </ActionForm>
                        {active.then(|| view! {
                            <ActionForm action=revoke attr:class="form">
                                <button class="button button--danger" type="submit">{t!(i18n, settings.calendar_revoke)}</button>
                            </ActionForm>
                        })}
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}
