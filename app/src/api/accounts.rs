//! Staff accounts: the list, invitations, edits, deactivation, and the links that set a
//! password (invitation, reset).

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::domain::{ids::UserId, roles::RoleSet};

/// A staff member as the admin pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub languages: Vec<String>,
    pub locale: String,
    pub roles: RoleSet,
    pub active: bool,
    /// False until an invited person has set their password.
    pub has_password: bool,
}

/// The fields of the invite and edit forms. Checkboxes arrive as `roles[guide]=on`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub locale: String,
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    #[serde(default)]
    pub languages: BTreeMap<String, String>,
}

#[server(endpoint = "accounts/list")]
pub async fn list_accounts() -> Result<Vec<AccountSummary>, AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::accounts::list(&ctx).await
        }
        .await,
    )
}

#[server(endpoint = "accounts/get")]
pub async fn get_account(id: UserId) -> Result<AccountSummary, AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::accounts::get(&ctx, id).await
        }
        .await,
    )
}

/// Creates the account and e-mails the person a link to set their password.
#[server(endpoint = "accounts/invite")]
pub async fn invite_account(form: AccountForm) -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            let result = crate::backend::accounts::invite(&ctx, &form).await;
            crate::backend::request::keep_form_on_error("accounts/invite", &result, &form).await;
            let id = result?;
            leptos_axum::redirect(&format!("/admin/users/{id}?invited=1"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "accounts/update")]
pub async fn update_account(id: UserId, form: AccountForm) -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            let result = crate::backend::accounts::update(&ctx, id, &form).await;
            crate::backend::request::keep_form_on_error("accounts/update", &result, &form).await;
            result?;
            leptos_axum::redirect(&format!("/admin/users/{id}?saved=1"));
            Ok(())
        }
        .await,
    )
}

/// Deactivates (`active = false`) or reactivates an account. Deactivation ends its sessions.
#[server(endpoint = "accounts/set-active")]
pub async fn set_account_active(id: UserId, active: bool) -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::accounts::set_active(&ctx, id, active).await?;
            leptos_axum::redirect(&format!("/admin/users/{id}?saved=1"));
            Ok(())
        }
        .await,
    )
}

/// Sends a new invitation link (the old one stops working).
#[server(endpoint = "accounts/reinvite")]
pub async fn reinvite_account(id: UserId) -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::accounts::reinvite(&ctx, id).await?;
            leptos_axum::redirect(&format!("/admin/users/{id}?invited=1"));
            Ok(())
        }
        .await,
    )
}

/// Whether an invitation or reset link is still good, and whose it is (for the page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub name: String,
    pub email: String,
}

#[server(endpoint = "accounts/link")]
pub async fn check_link(token: String, purpose: String) -> Result<Option<LinkInfo>, AppError> {
    crate::backend::request::finish(
        async move { crate::backend::accounts::check_link(&token, &purpose).await }.await,
    )
}

/// Sets the password from an invitation or reset link and signs the person in.
#[server(endpoint = "accounts/set-password")]
pub async fn set_password(
    token: String,
    purpose: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            crate::backend::accounts::set_password_from_link(&token, &purpose, password, password_again)
                .await?;
            leptos_axum::redirect("/?welcome=1");
            Ok(())
        }
        .await,
    )
}

/// Sends a reset link if the address belongs to an active account; the answer is the same
/// either way, so the form does not reveal who has an account.
#[server(endpoint = "accounts/request-reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            crate::backend::accounts::request_reset(&email).await?;
            leptos_axum::redirect("/password-reset?sent=1");
            Ok(())
        }
        .await,
    )
}
