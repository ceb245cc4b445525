//! A person's own settings: which e-mails they get.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::settings::{SaveNotificationSettings, notification_settings},
    i18n::*,
    ui::{
        components::{ErrorNotice, ErrorPage, OkNotice, action_error, require_user},
        pages::outbox::kind_name,
    },
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else { return ().into_any() };
    let choices = Resource::new_blocking(|| (), |_| notification_settings());
    let save = ServerAction::<SaveNotificationSettings>::new();
    let error = action_error(save);
    let saved = use_query_map().get_untracked().get("saved").is_some();
    view! {
        <Title text=t_string!(i18n, settings.title) />
        <h1>{t!(i18n, settings.title)}</h1>
        {saved.then(|| view! { <OkNotice text=t_string!(i18n, settings.saved).to_string() /> })}
        <ErrorNotice error=error />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match choices.await {
                    Err(error) => view! { <ErrorPage error=error /> }.into_any(),
                    Ok(choices) => {
                        let locale = i18n.get_locale_untracked();
                        view! {
                            <ActionForm action=save attr:class="form">
                                <fieldset class="field">
                                    <legend>{t!(i18n, settings.email_legend)}</legend>
                                    <p class="field__hint">{t!(i18n, settings.email_hint)}</p>
                                    {choices.into_iter().map(|choice| {
                                        let name = format!("email[{}]", choice.kind);
                                        view! {
                                            <label class="check">
                                                <input type="checkbox" name=name value="on" checked=choice.by_email disabled=choice.mandatory />
                                                {kind_name(locale, &choice.kind)}
                                                {choice.mandatory.then(|| view! { <span class="muted">" ("{t!(i18n, settings.always)}")"</span> })}
                                            </label>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <button class="button" type="submit">{t!(i18n, settings.save)}</button>
                            </ActionForm>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}
