//! A person's own settings: which e-mails they get, and the calendar feed link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        settings::{SaveNotificationSettings, notification_settings},
        visits::{CALENDAR_LINK_FORM, NewCalendarLink, RevokeCalendarLink, calendar_feed_status},
    },
    i18n::*,
    ui::components::{ErrorNotice, OkNotice, action_error, kept, loaded, require_user},
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
