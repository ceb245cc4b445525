//! Staff accounts (admins and coordinators): the list, inviting, editing roles, deactivating.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{
        AppError,
        accounts::{
            AccountSummary, InviteAccount, ReinviteAccount, ResetSecondFactor, SetAccountActive,
            UpdateAccount, get_account, list_accounts,
        },
    },
    domain::{ids::UserId, languages::SPOKEN, roles::Role},
    i18n::*,
    ui::components::{ErrorNotice, ErrorPage, OkNotice, TextField, action_error, kept, loaded, require_user},
};

pub fn role_name(locale: Locale, role: Role) -> &'static str {
    crate::words::role_text(role, locale)
}

pub fn language_name(locale: Locale, code: &str) -> &'static str {
    match code {
        "fi" => td_string!(locale, spoken.fi),
        "sv" => td_string!(locale, spoken.sv),
        "en" => td_string!(locale, spoken.en),
        "se" => td_string!(locale, spoken.se),
        "ru" => td_string!(locale, spoken.ru),
        "et" => td_string!(locale, spoken.et),
        "uk" => td_string!(locale, spoken.uk),
        "ar" => td_string!(locale, spoken.ar),
        "so" => td_string!(locale, spoken.so),
        _ => td_string!(locale, spoken.fa),
    }
}

#[component]
pub fn StaffListPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else {
        return ().into_any();
    };
    let after: Option<UserId> = use_query_map().get_untracked().get("after").and_then(|a| a.parse().ok());
    let accounts = Resource::new_blocking(move || after, |after| list_accounts(after, None));
    view! {
        <Title text=t_string!(i18n, staff.title) />
        <h1>{t!(i18n, staff.title)}</h1>
        {loaded(accounts, move |page| {
            view! {
                <p><a class="button" href="/admin/users/new">{t!(i18n, staff.invite)}</a></p>
                <ul class="list">
                    {page.rows.into_iter().map(|account| view! { <StaffRow account=account /> }).collect_view()}
                </ul>
                {page.next.map(|next| view! {
                    <p><a class="button button--secondary" href=format!("/admin/users?after={next}")>{t!(i18n, staff.more)}</a></p>
                })}
            }.into_any()
        })}
    }
    .into_any()
}

#[component]
fn StaffRow(account: AccountSummary) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let roles = account.roles.iter().map(|r| role_name(locale, r)).collect::<Vec<_>>().join(", ");
    let status = if !account.active {
        Some(t_string!(i18n, staff.inactive).to_string())
    } else if !account.has_password {
        Some(t_string!(i18n, staff.invited).to_string())
    } else {
        None
    };
    view! {
        <li class="card">
            <a href=format!("/admin/users/{}", account.id)><strong>{account.name}</strong></a>
            <div class="muted">{account.email}</div>
            <div>{roles}</div>
            {status.map(|s| view! { <div class="muted">{s}</div> })}
        </li>
    }
}

/// The fields shared by the invite and edit forms.
#[component]
fn AccountFields(
    form: &'static str,
    account: Option<AccountSummary>,
    error: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let field = |name: &str| error.as_ref().and_then(|e| e.field(name));
    let value = |name: &str, current: Option<String>| kept(form, name).or(current);
    let kept_any = kept(form, "name").is_some();
    let has_role = |role: Role| {
        if kept_any {
            kept(form, &format!("roles.{}", role.as_str())).is_some()
        } else {
            account.as_ref().is_some_and(|a| a.roles.has(role))
        }
    };
    let speaks = |code: &str| {
        if kept_any {
            kept(form, &format!("languages.{code}")).is_some()
        } else {
            account.as_ref().is_some_and(|a| a.languages.iter().any(|l| l == code))
        }
    };
    let current_locale =
        value("locale", account.as_ref().map(|a| a.locale.clone())).unwrap_or_else(|| "fi".into());
    let roles_error = field("roles");
    view! {
        <TextField name="form[name]" label=t_string!(i18n, fields.name).to_string() autocomplete="off"
            value=value("name", account.as_ref().map(|a| a.name.clone())) error=field("name") required=true />
        <TextField name="form[email]" label=t_string!(i18n, fields.email).to_string() kind="email" autocomplete="off"
            value=value("email", account.as_ref().map(|a| a.email.clone())) error=field("email") required=true />
        <TextField name="form[phone]" label=t_string!(i18n, fields.phone).to_string() kind="tel" autocomplete="off"
            value=value("phone", account.as_ref().and_then(|a| a.phone.clone())) error=field("phone")
            hint=t_string!(i18n, fields.phone_hint).to_string() />
        <fieldset class="field">
            <legend>{t!(i18n, fields.roles)}</legend>
            {roles_error.map(|code| view! { <span class="field__error">{crate::ui::components::validation_text(locale, code)}</span> })}
            {Role::ALL.into_iter().map(|role| view! {
                <label class="check">
                    <input type="checkbox" name=format!("form[roles][{}]", role.as_str()) value="on" checked=has_role(role) />
                    {role_name(locale, role)}
                </label>
            }).collect_view()}
        </fieldset>
        <fieldset class="field">
            <legend>{t!(i18n, fields.languages)}</legend>
            {SPOKEN.into_iter().map(|code| view! {
                <label class="check">
                    <input type="checkbox" name=format!("form[languages][{code}]") value="on" checked=speaks(code) />
                    {language_name(locale, code)}
                </label>
            }).collect_view()}
        </fieldset>
        <div class="field">
            <label for="form-locale">{t!(i18n, fields.locale)}</label>
            <select id="form-locale" name="form[locale]">
                {[("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")].into_iter().map(|(code, name)| view! {
                    <option value=code selected=current_locale == code>{name}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn InviteAccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(_) = require_user() else {
        return ().into_any();
    };
    let action = ServerAction::<InviteAccount>::new();
    let error = action_error(action);
    view! {
        <Title text=t_string!(i18n, staff.invite_title) />
        <h1>{t!(i18n, staff.invite_title)}</h1>
        <p>{t!(i18n, staff.invite_intro)}</p>
        <ErrorNotice error=error.clone() />
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <AccountFields form="accounts/invite" account=None error=error />
            <button class="button" type="submit">{t!(i18n, staff.send_invitation)}</button>
        </ActionForm>
    }
    .into_any()
}

#[component]
pub fn EditAccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(me) = require_user() else {
        return ().into_any();
    };
    let id: Option<UserId> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else {
        return view! { <ErrorPage error=AppError::NotFound /> }.into_any();
    };
    let query = use_query_map().get_untracked();
    let notice = if query.get("invited").is_some() {
        Some(t_string!(i18n, staff.invitation_sent).to_string())
    } else if query.get("saved").is_some() {
        Some(t_string!(i18n, staff.saved).to_string())
    } else if query.get("second_factor_reset").is_some() {
        Some(t_string!(i18n, staff.second_factor_was_reset).to_string())
    } else {
        None
    };
    let account = Resource::new_blocking(move || id, get_account);
    let update = ServerAction::<UpdateAccount>::new();
    let set_active = ServerAction::<SetAccountActive>::new();
    let reinvite = ServerAction::<ReinviteAccount>::new();
    let reset_second_factor = ServerAction::<ResetSecondFactor>::new();
    let error = action_error(update)
        .or(action_error(set_active))
        .or(action_error(reinvite))
        .or(action_error(reset_second_factor));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let notice = notice.clone();
                let error = error.clone();
                let me = me.clone();
                Suspend::new(async move {
                    match account.await {
                        Err(error) => view! { <ErrorPage error=error /> }.into_any(),
                        Ok(account) => {
                            let pending = account.active && !account.has_password;
                            let active = account.active;
                            let is_me = account.id == me.id;
                            let admin = me.roles.has(crate::domain::roles::Role::Admin);
                            view! {
                                <Title text=account.name.clone() />
                                <p><a href="/admin/users">{t!(i18n, staff.back)}</a></p>
                                <h1>{account.name.clone()}</h1>
                                {notice.map(|text| view! { <OkNotice text=text /> })}
                                <ErrorNotice error=error.clone() />
                                {(!active).then(|| view! { <p class="notice notice--warn">{t!(i18n, staff.inactive_notice)}</p> })}
                                <ActionForm action=update attr:class="form" attr:novalidate=true>
                                    <input type="hidden" name="id" value=id.to_string() />
                                    <AccountFields form="accounts/update" account=Some(account.clone()) error=error />
                                    <button class="button" type="submit">{t!(i18n, staff.save)}</button>
                                </ActionForm>
                                {pending.then(|| view! {
                                    <h2>{t!(i18n, staff.invitation_heading)}</h2>
                                    <p>{t!(i18n, staff.invitation_pending)}</p>
                                    <ActionForm action=reinvite>
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <button class="button button--secondary" type="submit">{t!(i18n, staff.reinvite)}</button>
                                    </ActionForm>
                                })}
                                {(!is_me).then(|| view! {
                                    <h2>{t!(i18n, staff.access_heading)}</h2>
                                    <ActionForm action=set_active>
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <input type="hidden" name="active" value=(!active).to_string() />
                                        {if active {
                                            view! {
                                                <p>{t!(i18n, staff.deactivate_help)}</p>
                                                <button class="button button--danger" type="submit">{t!(i18n, staff.deactivate)}</button>
                                            }.into_any()
                                        } else {
                                            view! { <button class="button button--secondary" type="submit">{t!(i18n, staff.reactivate)}</button> }.into_any()
                                        }}
                                    </ActionForm>
                                })}
                                {(admin && !is_me).then(|| view! {
                                    <h2>{t!(i18n, staff.second_factor_heading)}</h2>
                                    <p>{t!(i18n, staff.second_factor_help)}</p>
                                    <ActionForm action=reset_second_factor>
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <button class="button button--danger" type="submit">{t!(i18n, staff.second_factor_reset)}</button>
                                    </ActionForm>
                                })}
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}
