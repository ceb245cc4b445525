//! Staff accounts: the list, invitations, edits, deactivation, and the links that set a
//! password (invitation, reset).

pub use crate::dto::accounts::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::UserId;

/// A page of the staff, by name, after the account `after`.
#[server(endpoint = "accounts/list")]
pub async fn list_accounts(
    #[server(default)] after: Option<UserId>,
    #[server(default)] size: Option<u32>,
) -> Result<crate::dto::Page<AccountSummary>, AppError> {
    super::request::serve(async |ctx| {
        crate::backend::accounts::list(ctx, after, crate::domain::paging::page_size(size)).await
    })
    .await
}

#[server(endpoint = "accounts/get")]
pub async fn get_account(id: UserId) -> Result<AccountSummary, AppError> {
    super::request::serve(async |ctx| crate::backend::accounts::get(ctx, id).await).await
}

/// Creates the account and e-mails the person a link to set their password.
#[server(endpoint = "accounts/invite")]
pub async fn invite_account(form: AccountForm) -> Result<(), AppError> {
    let id = super::request::serve_form("accounts/invite", &form, async |ctx| {
        crate::backend::accounts::invite(ctx, &form).await
    })
    .await?;
    leptos_axum::redirect(&format!("/admin/users/{id}?invited=1"));
    Ok(())
}

#[server(endpoint = "accounts/update")]
pub async fn update_account(id: UserId, form: AccountForm) -> Result<(), AppError> {
    super::request::serve_form("accounts/update", &form, async |ctx| {
        crate::backend::accounts::update(ctx, id, &form).await
    })
    .await?;
    leptos_axum::redirect(&format!("/admin/users/{id}?saved=1"));
    Ok(())
}

/// Deactivates (`active = false`) or reactivates an account. Deactivation ends its sessions.
#[server(endpoint = "accounts/set-active")]
pub async fn set_account_active(id: UserId, active: bool) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::accounts::set_active(ctx, id, active).await?;
        leptos_axum::redirect(&format!("/admin/users/{id}?saved=1"));
        Ok(())
    })
    .await
}

/// Sends a new invitation link (the old one stops working).
#[server(endpoint = "accounts/reinvite")]
pub async fn reinvite_account(id: UserId) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::accounts::reinvite(ctx, id).await?;
        leptos_axum::redirect(&format!("/admin/users/{id}?invited=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "accounts/link")]
pub async fn check_link(token: String, purpose: String) -> Result<Option<LinkInfo>, AppError> {
    super::request::serve_visitor(async |visitor| {
        crate::backend::accounts::check_link(visitor, &token, &purpose).await
    })
    .await
}

/// Sets the password from an invitation or reset link and signs the person in.
#[server(endpoint = "accounts/set-password")]
pub async fn set_password(
    token: String,
    purpose: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    super::request::serve_visitor(async |visitor| {
        let account = crate::backend::accounts::set_password_from_link(
            visitor,
            &token,
            &purpose,
            password,
            password_again,
            super::request::request().origin(),
        )
        .await?;
        let context = super::request::request();
        let session = context.session.clone().ok_or_else(|| AppError::internal("no session layer"))?;
        // A reset link proves the mailbox, not the second factor: that is still asked.
        let target = crate::backend::auth::after_password(
            &visitor.db,
            &session,
            &account,
            context.origin(),
            &context.device,
            "/?welcome=1",
            visitor.now,
        )
        .await?;
        leptos_axum::redirect(&target);
        Ok(())
    })
    .await
}

/// Sends a reset link if the address belongs to an active account; the answer is the same
/// either way, so the form does not reveal who has an account.
#[server(endpoint = "accounts/request-reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    super::request::serve_visitor(async |visitor| {
        crate::backend::accounts::request_reset(visitor, &email, super::request::request().origin()).await?;
        leptos_axum::redirect("/password-reset?sent=1");
        Ok(())
    })
    .await
}

/// Takes away someone's lost second factor (admins only, never their own): they set up a new
/// one at their next sign-in, and are told by e-mail.
#[server(endpoint = "accounts/reset-second-factor")]
pub async fn reset_second_factor(id: UserId) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::second_factor::reset_for(ctx, id.0).await?;
        leptos_axum::redirect(&format!("/admin/users/{id}?second_factor_reset=1"));
        Ok(())
    })
    .await
}
