use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::{SignIn, SignInCode},
    i18n::*,
    ui::components::{ErrorNotice, OkNotice, TextField, action_error, kept},
};

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    let query = use_query_map().get_untracked();
    let next = kept("sign-in", "next").or_else(|| query.get("next")).unwrap_or_default();
    let signed_out = query.get("signed_out").is_some();
    view! {
        <Title text=t_string!(i18n, sign_in.title) />
        <h1>{t!(i18n, sign_in.title)}</h1>
        {signed_out.then(|| view! { <OkNotice text=t_string!(i18n, sign_in.signed_out).to_string() /> })}
        <ErrorNotice error=error />
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="next" value=next />
            <TextField
                name="email"
                label=t_string!(i18n, fields.email).to_string()
                kind="email"
                autocomplete="username"
                value=kept("sign-in", "email")
                required=true
            />
            <TextField
                name="password"
                label=t_string!(i18n, fields.password).to_string()
                kind="password"
                autocomplete="current-password"
                required=true
            />
            <button class="button" type="submit">{t!(i18n, sign_in.submit)}</button>
        </ActionForm>
        <p><a href="/password-reset">{t!(i18n, sign_in.forgot)}</a></p>
    }
}

/// The second step of signing in: a code from the authenticator app, or a recovery code.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignInCode>::new();
    let error = action_error(action);
    let code_error = error.as_ref().and_then(|e| e.field("code"));
    // A wrong code is said next to the field; other errors (paused, session ran out) above.
    let error = error.filter(|_| code_error.is_none());
    view! {
        <Title text=t_string!(i18n, sign_in.code_title) />
        <h1>{t!(i18n, sign_in.code_title)}</h1>
        <ErrorNotice error=error />
        <p>{t!(i18n, sign_in.code_intro)}</p>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <TextField
                name="code"
                label=t_string!(i18n, sign_in.code_label).to_string()
                autocomplete="one-time-code"
                hint=t_string!(i18n, sign_in.code_hint).to_string()
                error=code_error
                max=64
                required=true
            />
            <button class="button" type="submit">{t!(i18n, sign_in.code_submit)}</button>
        </ActionForm>
        <p><a href="/sign-in">{t!(i18n, sign_in.code_start_again)}</a></p>
    }
}
