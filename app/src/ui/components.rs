//! Pieces every page uses: translated error messages, form fields, notices, and the guards for
//! pages that need a signed-in user.
//!
//! Forms carry `novalidate`: the server's checks are the one source of validation messages, so
//! they come in the user's chosen language (the browser's own would follow its UI language),
//! and what was typed is kept when a form is refused.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{
    api::{AppError, auth::CurrentUser, error::ValidationCode, forms::FormFlash},
    i18n::*,
};

/// The sentence for a refused field.
pub fn validation_text(locale: Locale, code: ValidationCode) -> String {
    match code {
        ValidationCode::Required => td_string!(locale, errors.required).to_string(),
        ValidationCode::TooLong => td_string!(locale, errors.too_long).to_string(),
        ValidationCode::UnknownChoice => td_string!(locale, errors.unknown_choice).to_string(),
        ValidationCode::InvalidEmail => td_string!(locale, errors.invalid_email).to_string(),
        ValidationCode::InvalidPhone => td_string!(locale, errors.invalid_phone).to_string(),
        ValidationCode::EmailTaken => td_string!(locale, errors.email_taken).to_string(),
        ValidationCode::PasswordTooShort => td_string!(locale, errors.password_too_short).to_string(),
        ValidationCode::PasswordTooLong => td_string!(locale, errors.password_too_long).to_string(),
        ValidationCode::PasswordTooCommon => td_string!(locale, errors.password_too_common).to_string(),
        ValidationCode::PasswordsDiffer => td_string!(locale, errors.passwords_differ).to_string(),
        ValidationCode::InvalidTime => td_string!(locale, errors.invalid_time).to_string(),
        ValidationCode::InvalidDate => td_string!(locale, errors.invalid_date).to_string(),
        ValidationCode::EndBeforeStart => td_string!(locale, errors.end_before_start).to_string(),
        ValidationCode::OutOfRange => td_string!(locale, errors.out_of_range).to_string(),
        ValidationCode::UnknownPlace => td_string!(locale, errors.unknown_place).to_string(),
        ValidationCode::NonexistentLocalTime => td_string!(locale, errors.nonexistent_local_time).to_string(),
        ValidationCode::InvalidNumber => td_string!(locale, errors.invalid_number).to_string(),
        ValidationCode::TooFewStops => td_string!(locale, errors.too_few_stops).to_string(),
        ValidationCode::KmNeeded => td_string!(locale, errors.km_needed).to_string(),
        ValidationCode::GuideBusy => td_string!(locale, errors.guide_busy).to_string(),
        ValidationCode::ClientBusy => td_string!(locale, errors.client_busy).to_string(),
        ValidationCode::DriverBusy => td_string!(locale, errors.driver_busy).to_string(),
        ValidationCode::NoTimeToTravel => td_string!(locale, errors.no_time_to_travel).to_string(),
        ValidationCode::NotADriver => td_string!(locale, errors.not_a_driver).to_string(),
        ValidationCode::NoSocialWorker => td_string!(locale, errors.no_social_worker).to_string(),
        ValidationCode::NotYet => td_string!(locale, errors.not_yet).to_string(),
        ValidationCode::ControlCharacter => td_string!(locale, errors.control_character).to_string(),
        ValidationCode::InThePast => td_string!(locale, errors.in_the_past).to_string(),
        ValidationCode::ExcessNeedsReason => td_string!(locale, errors.excess_needs_reason).to_string(),
        ValidationCode::FutureDate => td_string!(locale, errors.future_date).to_string(),
        ValidationCode::NeedsFutureDate => td_string!(locale, errors.needs_future_date).to_string(),
        ValidationCode::GoalClosed => td_string!(locale, errors.goal_closed).to_string(),
        ValidationCode::SameAsBefore => td_string!(locale, errors.same_as_before).to_string(),
        ValidationCode::NotEnoughSaved => td_string!(locale, errors.not_enough_saved).to_string(),
        ValidationCode::UnitInUse => td_string!(locale, errors.unit_in_use).to_string(),
        ValidationCode::ReviewHeld => td_string!(locale, errors.review_held).to_string(),
        ValidationCode::NotInGuidance => td_string!(locale, errors.not_in_guidance).to_string(),
        ValidationCode::SignupClosed => td_string!(locale, errors.signup_closed).to_string(),
        ValidationCode::AlreadySignedUp => td_string!(locale, errors.already_signed_up).to_string(),
        ValidationCode::SessionFull => td_string!(locale, errors.session_full).to_string(),
        ValidationCode::SeatsTaken => td_string!(locale, errors.seats_taken).to_string(),
        ValidationCode::CarFull => td_string!(locale, errors.car_full).to_string(),
        ValidationCode::NotTheDayYet => td_string!(locale, errors.not_the_day_yet).to_string(),
        ValidationCode::WrongCode => td_string!(locale, errors.wrong_code).to_string(),
        ValidationCode::WrongPassword => td_string!(locale, errors.wrong_password).to_string(),
        ValidationCode::SecondFactorRequired => td_string!(locale, errors.second_factor_required).to_string(),
    }
}

/// The sentence for an error, in the user's language.
pub fn error_text(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::Validation(_) => td_string!(locale, errors.validation).to_string(),
        AppError::Unauthorized => td_string!(locale, errors.unauthorized).to_string(),
        AppError::InvalidCredentials => td_string!(locale, errors.invalid_credentials).to_string(),
        AppError::Forbidden => td_string!(locale, errors.forbidden).to_string(),
        AppError::SecondFactorNeeded => td_string!(locale, errors.second_factor_needed).to_string(),
        AppError::NotFound => td_string!(locale, errors.not_found).to_string(),
        AppError::Conflict => td_string!(locale, errors.conflict).to_string(),
        AppError::RateLimited { retry_after_secs } => {
            let minutes = ((*retry_after_secs as i64) + 59) / 60;
            td_string!(locale, errors.rate_limited, count = minutes.max(1))
        }
        AppError::Internal { request_id } => {
            let id = request_id.clone().unwrap_or_else(|| "-".to_owned());
            td_string!(locale, errors.internal, id = id)
        }
        AppError::BadRequest => td_string!(locale, errors.bad_request).to_string(),
        AppError::TooLarge => td_string!(locale, errors.too_large).to_string(),
        AppError::Request(_) => td_string!(locale, errors.request).to_string(),
    }
}

pub fn locale() -> Locale {
    use_i18n().get_locale_untracked()
}

/// A notice that says what went wrong; screen readers announce it.
#[component]
pub fn ErrorNotice(error: Option<AppError>) -> impl IntoView {
    let locale = locale();
    error.map(|error| {
        view! {
            <div class="notice notice--error" role="alert">
                {error_text(locale, &error)}
            </div>
        }
    })
}

#[component]
pub fn OkNotice(#[prop(into)] text: String) -> impl IntoView {
    view! { <div class="notice notice--ok" role="status">{text}</div> }
}

/// The id of a field from its form name (`form[name]` → `form-name`).
pub fn field_id(name: &str) -> String {
    name.replace('[', "-").replace(']', "")
}

/// A labelled input with its hint and, after a refused post, its error and the value typed.
#[component]
pub fn TextField(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(default = None)] value: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(default = None)] error: Option<ValidationCode>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] required: bool,
    /// The most characters the server takes; by default that of its kind of field.
    #[prop(optional)]
    max: Option<usize>,
) -> impl IntoView {
    let locale = locale();
    let id = field_id(&name);
    let max = max.or(match kind {
        "email" => Some(crate::domain::text::EMAIL),
        "text" | "tel" | "search" => Some(crate::domain::text::LINE),
        _ => None,
    });
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = [hint.as_ref().map(|_| hint_id.clone()), error.map(|_| error_id.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <span class="field__hint" id=hint_id.clone()>{hint}</span> })}
            {error.map(|code| {
                view! { <span class="field__error" id=error_id.clone()>{validation_text(locale, code)}</span> }
            })}
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                maxlength=max.map(|m| m.to_string())
                aria-invalid=error.map(|_| "true")
                aria-describedby=(!described_by.is_empty()).then_some(described_by)
            />
        </div>
    }
}

/// A labelled text area with its hint and, after a refused post, its error and the text typed;
/// the hint and the error are read out with it.
#[component]
pub fn TextArea(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(default = None)] value: Option<String>,
    #[prop(default = None)] error: Option<ValidationCode>,
    #[prop(optional, into)] hint: Option<String>,
    /// The most characters the server takes.
    max: usize,
) -> impl IntoView {
    let locale = locale();
    let id = field_id(&name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = [hint.as_ref().map(|_| hint_id.clone()), error.map(|_| error_id.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <span class="field__hint" id=hint_id.clone()>{hint}</span> })}
            {error.map(|code| {
                view! { <span class="field__error" id=error_id.clone()>{validation_text(locale, code)}</span> }
            })}
            <textarea
                id=id
                name=name
                maxlength=max.to_string()
                aria-invalid=error.map(|_| "true")
                aria-describedby=(!described_by.is_empty()).then_some(described_by)
            >
                {value}
            </textarea>
        </div>
    }
}

/// The kept value of a field of `form` after a refused post.
pub fn kept(form: &str, field: &str) -> Option<String> {
    use_context::<FormFlash>().and_then(|flash| flash.value(form, field))
}

/// The error a refused post to `S` sent back (read from the redirect during rendering).
pub fn action_error<S>(action: ServerAction<S>) -> Option<AppError>
where
    S: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync,
{
    action.value().get_untracked().and_then(Result::err)
}

/// The signed-in user, or a redirect to the sign-in page that comes back here.
pub fn require_user() -> Option<CurrentUser> {
    let user = use_context::<CurrentUser>();
    if user.is_none() {
        redirect_to_sign_in();
    }
    user
}

fn redirect_to_sign_in() {
    #[cfg(feature = "ssr")]
    {
        let location = use_location();
        let here = location.pathname.get_untracked();
        let next: String = url_escape(&here);
        leptos_axum::redirect(&format!("/sign-in?next={next}"));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = use_location;
}

#[cfg(feature = "ssr")]
fn url_escape(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '/' | '-' | '_' | '.' => c.to_string(),
            other => other.to_string().bytes().map(|b| format!("%{b:02X}")).collect(),
        })
        .collect()
}

/// A page's data, loaded during server rendering: `render` shows it, or [`ErrorPage`] says why
/// it could not be loaded (with the right HTTP status). The one shape of every page that loads.
pub fn loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <ErrorPage error=error /> }.into_any(),
                        Ok(value) => render(value).into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// What a page shows when its data could not be loaded: a clear sentence and the right HTTP
/// status; an ended session goes to the sign-in page.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(error.status())
    {
        response.set_status(status);
    }
    if error == AppError::Unauthorized {
        redirect_to_sign_in();
    }
    let i18n = use_i18n();
    let title = match &error {
        AppError::Forbidden => t_string!(i18n, errors.forbidden_title).to_string(),
        AppError::NotFound => t_string!(i18n, not_found.title).to_string(),
        _ => t_string!(i18n, errors.error_title).to_string(),
    };
    let text = error_text(i18n.get_locale_untracked(), &error);
    view! {
        <leptos_meta::Title text=title.clone() />
        <h1>{title}</h1>
        <p>{text}</p>
        <p><a href="/">{t!(i18n, not_found.home_link)}</a></p>
    }
}
