//! `/settings/second-factor`: setting up an authenticator app, the recovery codes shown once,
//! new codes, and turning it off. Admins and coordinators who have none are sent here first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::settings::{
        BeginSecondFactor, ConfirmSecondFactor, RECOVERY_CODES_FORM, RenewRecoveryCodes, SecondFactorView,
        TurnOffSecondFactor, second_factor_status,
    },
    i18n::*,
    ui::components::{ErrorNotice, OkNotice, TextField, action_error, kept, loaded, require_user},
};

fn moment(rfc3339: &str, locale: Locale) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|at| crate::words::moment_text(at.to_utc(), locale))
        .unwrap_or_default()
}

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(user) = require_user() else { return ().into_any() };
    let status = Resource::new_blocking(|| (), |_| second_factor_status());
    let begin = ServerAction::<BeginSecondFactor>::new();
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let off = ServerAction::<TurnOffSecondFactor>::new();
    let query = use_query_map().get_untracked();
    let turned_off = query.get("off").is_some();
    // Shown once, right after they were made: only their hashes are kept.
    let codes: Vec<String> = kept(RECOVERY_CODES_FORM, "codes")
        .map(|codes| codes.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    let errors = [action_error(begin), action_error(confirm), action_error(renew), action_error(off)];
    let field_error = |field: &str| errors.iter().flatten().find_map(|e| e.field(field));
    let code_error = field_error("code");
    let password_error = field_error("password");
    let other_error =
        errors.iter().flatten().find(|e| e.field("code").is_none() && e.field("password").is_none()).cloned();
    view! {
        <Title text=t_string!(i18n, second_factor.title) />
        <h1>{t!(i18n, second_factor.title)}</h1>
        {user.needs_second_factor.then(|| view! {
            <div class="notice notice--warn" role="status">{t!(i18n, second_factor.needed)}</div>
        })}
        {turned_off.then(|| view! { <OkNotice text=t_string!(i18n, second_factor.turned_off).to_string() /> })}
        <ErrorNotice error=other_error />
        {(!codes.is_empty()).then(|| view! {
            <section class="card" id="codes" aria-labelledby="codes-heading">
                <h2 id="codes-heading">{t!(i18n, second_factor.codes_heading)}</h2>
                <p>{t!(i18n, second_factor.codes_hint)}</p>
                <ol class="recovery-codes">
                    {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
                </ol>
                <p><a class="button" href="/">{t!(i18n, second_factor.codes_done)}</a></p>
            </section>
        })}
        {loaded(status, move |view: SecondFactorView| {
            let locale = i18n.get_locale_untracked();
            match (view.on_since.clone(), view.setup.clone()) {
                (Some(since), _) => view! {
                    <p>{t_string!(i18n, second_factor.on_since, day = moment(&since, locale)).to_string()}</p>
                    <p>{t_string!(i18n, second_factor.codes_left, count = view.recovery_codes_left as i64).to_string()}</p>
                    <section class="card" aria-labelledby="renew-heading">
                        <h2 id="renew-heading">{t!(i18n, second_factor.renew_heading)}</h2>
                        <ActionForm action=renew attr:class="form" attr:novalidate=true>
                            <TextField
                                name="code"
                                label=t_string!(i18n, second_factor.app_code_label).to_string()
                                autocomplete="one-time-code"
                                error=code_error
                                max=64
                                required=true
                            />
                            <button class="button" type="submit">{t!(i18n, second_factor.renew_submit)}</button>
                        </ActionForm>
                    </section>
                    {if view.required {
                        view! { <p class="muted">{t!(i18n, second_factor.required_note)}</p> }.into_any()
                    } else {
                        view! {
                            <section class="card" aria-labelledby="off-heading">
                                <h2 id="off-heading">{t!(i18n, second_factor.off_heading)}</h2>
                                <ActionForm action=off attr:class="form" attr:novalidate=true>
                                    <TextField
                                        name="password"
                                        label=t_string!(i18n, second_factor.password_label).to_string()
                                        kind="password"
                                        autocomplete="current-password"
                                        error=password_error
                                        required=true
                                    />
                                    <button class="button button--danger" type="submit">{t!(i18n, second_factor.off_submit)}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }}
                }.into_any(),
                (None, Some(setup)) => view! {
                    <section class="card" id="setup" aria-labelledby="setup-heading">
                        <h2 id="setup-heading">{t!(i18n, second_factor.setup_heading)}</h2>
                        <ol class="setup-steps">
                            <li>{t!(i18n, second_factor.step_install)}</li>
                            <li>
                                {t!(i18n, second_factor.step_scan)}
                                <div class="qr" role="img" aria-label=t_string!(i18n, second_factor.qr_label).to_string() inner_html=setup.qr_svg></div>
                                <p><a class="button button--secondary" href=setup.uri>{t!(i18n, second_factor.open_app)}</a></p>
                                <div class="field">
                                    <label for="app-key">{t!(i18n, second_factor.type_key)}</label>
                                    <input id="app-key" class="copyable secret" readonly value=setup.secret />
                                </div>
                            </li>
                            <li>{t!(i18n, second_factor.step_confirm)}</li>
                        </ol>
                        <ActionForm action=confirm attr:class="form" attr:novalidate=true>
                            <TextField
                                name="code"
                                label=t_string!(i18n, second_factor.app_code_label).to_string()
                                autocomplete="one-time-code"
                                error=code_error
                                max=64
                                required=true
                            />
                            <button class="button" type="submit">{t!(i18n, second_factor.confirm_submit)}</button>
                        </ActionForm>
                        <ActionForm action=begin attr:class="form">
                            <button class="button button--secondary" type="submit">{t!(i18n, second_factor.start_again)}</button>
                        </ActionForm>
                    </section>
                }.into_any(),
                (None, None) => view! {
                    <p>{t!(i18n, second_factor.intro)}</p>
                    <ActionForm action=begin attr:class="form">
                        <button class="button" type="submit">{t!(i18n, second_factor.begin_submit)}</button>
                    </ActionForm>
                }.into_any(),
            }
        })}
    }
    .into_any()
}
