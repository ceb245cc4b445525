//! A person's own settings.

pub use crate::dto::settings::*;

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::AppError;

#[server(endpoint = "settings/notifications")]
pub async fn notification_settings() -> Result<Vec<NotificationChoice>, AppError> {
    super::request::serve(async |ctx| crate::backend::settings::notifications(ctx).await).await
}

/// Checkboxes arrive as `email[visit_reminder]=on`; an unticked box sends nothing.
#[server(endpoint = "settings/notifications/save")]
pub async fn save_notification_settings(
    #[server(default)] email: BTreeMap<String, String>,
) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let ticked: Vec<String> = email.into_keys().collect();
        crate::backend::settings::save_notifications(ctx, &ticked).await?;
        leptos_axum::redirect("/settings?saved=1");
        Ok(())
    })
    .await
}

/// One's own second factor: on or off, or a setup under way with its QR code.
#[server(endpoint = "settings/second-factor")]
pub async fn second_factor_status() -> Result<SecondFactorView, AppError> {
    super::request::serve_second_factor_setup(async |ctx| {
        let state = super::request::state()?;
        crate::backend::second_factor::status(
            ctx,
            &state.settings.secret_key,
            state.settings.second_factor_required,
        )
        .await
    })
    .await
}

/// Starts setting up an authenticator app (or starts again with a new secret).
#[server(endpoint = "settings/second-factor/begin")]
pub async fn begin_second_factor() -> Result<(), AppError> {
    super::request::serve_second_factor_setup(async |ctx| {
        let state = super::request::state()?;
        crate::backend::second_factor::begin(ctx, &state.settings.secret_key).await?;
        leptos_axum::redirect("/settings/second-factor#setup");
        Ok(())
    })
    .await
}

/// Confirms the app with a code from it. The recovery codes are shown once, on the page the
/// browser goes to next (kept in the server-side session for that one page load).
#[server(endpoint = "settings/second-factor/confirm")]
pub async fn confirm_second_factor(code: String) -> Result<(), AppError> {
    super::request::serve_second_factor_setup(async |ctx| {
        let state = super::request::state()?;
        let codes = crate::backend::second_factor::confirm(ctx, &state.settings.secret_key, &code).await?;
        super::request::keep_for_next_page(
            RECOVERY_CODES_FORM,
            &serde_json::json!({ "codes": codes.join("\n") }),
        )
        .await;
        leptos_axum::redirect("/settings/second-factor?on=1#codes");
        Ok(())
    })
    .await
}

/// New recovery codes in place of the old, with a code from the app.
#[server(endpoint = "settings/second-factor/recovery-codes")]
pub async fn renew_recovery_codes(code: String) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let state = super::request::state()?;
        let codes =
            crate::backend::second_factor::renew_recovery_codes(ctx, &state.settings.secret_key, &code)
                .await?;
        super::request::keep_for_next_page(
            RECOVERY_CODES_FORM,
            &serde_json::json!({ "codes": codes.join("\n") }),
        )
        .await;
        leptos_axum::redirect("/settings/second-factor?renewed=1#codes");
        Ok(())
    })
    .await
}

/// Turns one's own second factor off, with one's password (not for admins and coordinators).
#[server(endpoint = "settings/second-factor/off")]
pub async fn turn_off_second_factor(password: String) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let state = super::request::state()?;
        crate::backend::second_factor::turn_off(ctx, password, state.settings.second_factor_required).await?;
        leptos_axum::redirect("/settings/second-factor?off=1");
        Ok(())
    })
    .await
}

/// Changes one's own password with the current one. Every other session ends; this one goes on
/// under a new id.
#[server(endpoint = "settings/password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let account =
            crate::backend::accounts::change_password(ctx, current_password, password, password_again)
                .await?;
        let context = super::request::request();
        if let Some(session) = &context.session {
            crate::backend::auth::open_session(
                session,
                &account,
                context.client_address,
                &context.device,
                ctx.now,
            )
            .await?;
        }
        leptos_axum::redirect("/settings?password_changed=1#password");
        Ok(())
    })
    .await
}

/// One's own signed-in sessions, this one marked.
#[server(endpoint = "settings/sessions")]
pub async fn own_sessions() -> Result<Vec<SessionRow>, AppError> {
    super::request::serve(async |ctx| {
        let current = super::request::request().session.and_then(|s| s.id()).map(|id| id.to_string());
        crate::backend::settings::sessions(ctx, current.as_deref()).await
    })
    .await
}

/// Ends one of one's own sessions (signed in on a phone that was lost or left behind).
#[server(endpoint = "settings/sessions/end")]
pub async fn end_own_session(handle: String) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::settings::end_session(ctx, &handle).await?;
        leptos_axum::redirect("/settings?session_ended=1#sessions");
        Ok(())
    })
    .await
}
