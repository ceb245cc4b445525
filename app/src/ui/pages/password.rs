//! Setting a password from an invitation or reset link, and asking for a reset link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::accounts::{RequestPasswordReset, SetPassword, check_link},
    i18n::*,
    ui::components::{ErrorNotice, ErrorPage, OkNotice, TextField, action_error, kept},
};

#[component]
pub fn RequestResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestPasswordReset>::new();
    let sent = use_query_map().get_untracked().get("sent").is_some();
    view! {
        <Title text=t_string!(i18n, reset.request_title) />
        <h1>{t!(i18n, reset.request_title)}</h1>
        {sent.then(|| view! { <OkNotice text=t_string!(i18n, reset.sent).to_string() /> })}
        <ErrorNotice error=action_error(action) />
        <p>{t!(i18n, reset.request_intro)}</p>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <TextField
                name="email"
                label=t_string!(i18n, fields.email).to_string()
                kind="email"
                autocomplete="email"
                value=kept("accounts/request-reset", "email")
                required=true
            />
            <button class="button" type="submit">{t!(i18n, reset.request_submit)}</button>
        </ActionForm>
    }
}

/// `/invitation/:token` and `/password-reset/:token`.
#[component]
pub fn SetPasswordPage(purpose: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let token = use_params_map().get_untracked().get("token").unwrap_or_default();
    let link = Resource::new_blocking(
        {
            let token = token.clone();
            move || token.clone()
        },
        move |token| check_link(token, purpose.to_owned()),
    );
    let action = ServerAction::<SetPassword>::new();
    let error = action_error(action);
    let invitation = purpose == "invitation";
    let title = if invitation {
        t_string!(i18n, reset.invitation_title).to_string()
    } else {
        t_string!(i18n, reset.new_password_title).to_string()
    };
    view! {
        <Title text=title.clone() />
        <Suspense fallback=|| ()>
            {move || {
                let token = token.clone();
                let title = title.clone();
                let error = error.clone();
                Suspend::new(async move {
                    match link.await {
                        Err(error) => view! { <ErrorPage error=error /> }.into_any(),
                        Ok(None) => {
                            view! {
                                <h1>{t!(i18n, reset.link_dead_title)}</h1>
                                <p>{t!(i18n, reset.link_dead)}</p>
                                <p><a href="/password-reset">{t!(i18n, reset.ask_new_link)}</a></p>
                            }
                                .into_any()
                        }
                        Ok(Some(info)) => {
                            let password_error = error.as_ref().and_then(|e| e.field("password"));
                            let again_error = error.as_ref().and_then(|e| e.field("password_again"));
                            view! {
                                <h1>{title}</h1>
                                <p>{t!(i18n, reset.for_whom, name = info.name.clone(), email = info.email.clone())}</p>
                                <ErrorNotice error=error.clone() />
                                <ActionForm action=action attr:class="form" attr:novalidate=true>
                                    <input type="hidden" name="token" value=token />
                                    <input type="hidden" name="purpose" value=purpose />
                                    <input type="text" name="username" autocomplete="username" value=info.email hidden=true readonly=true />
                                    <TextField
                                        name="password"
                                        label=t_string!(i18n, fields.new_password).to_string()
                                        kind="password"
                                        autocomplete="new-password"
                                        hint=t_string!(i18n, reset.password_hint).to_string()
                                        error=password_error
                                        required=true
                                    />
                                    <TextField
                                        name="password_again"
                                        label=t_string!(i18n, fields.password_again).to_string()
                                        kind="password"
                                        autocomplete="new-password"
                                        error=again_error
                                        required=true
                                    />
                                    <button class="button" type="submit">{t!(i18n, reset.save_password)}</button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
