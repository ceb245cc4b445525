use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::SignIn,
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
