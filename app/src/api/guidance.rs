//! Guidance periods and transfers.

pub use crate::dto::guidance::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::{ClientId, UserId};

#[server(endpoint = "guidance/update")]
pub async fn update_guidance_plan(
    client_id: ClientId,
    planned_end: String,
    review_due: String,
) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::guidance::update_plan(ctx, client_id, &planned_end, &review_due).await?;
        leptos_axum::redirect(&format!("/clients/{client_id}?saved=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "guidance/end")]
pub async fn end_guidance(client_id: ClientId, reason: String) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::guidance::end(ctx, client_id, &reason).await?;
        leptos_axum::redirect(&format!("/clients/{client_id}?ended=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "transfers/request")]
pub async fn request_transfer(client_id: ClientId, reason: String) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::guidance::request_transfer(ctx, client_id, &reason).await?;
        leptos_axum::redirect(&format!("/clients/{client_id}?transfer_requested=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "transfers/list")]
pub async fn pending_transfers() -> Result<Vec<TransferView>, AppError> {
    super::request::serve(async |ctx| crate::backend::guidance::pending_transfers(ctx).await).await
}

/// `approve` "true" with `to_guide`, or "false".
#[server(endpoint = "transfers/decide")]
pub async fn decide_transfer(
    id: i64,
    approve: bool,
    #[server(default)] to_guide: Option<UserId>,
) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let client = crate::backend::guidance::decide_transfer(ctx, id, approve, to_guide).await?;
        leptos_axum::redirect(&format!("/clients/{client}?transfer_decided=1"));
        Ok(())
    })
    .await
}
