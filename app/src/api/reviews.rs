//! The mid-point review: its pre-filled page, and holding it. Reviews fall under the goals'
//! access: whoever may read a client's goals reads their reviews, and whoever may change the
//! goals (while guidance is open) holds one.

pub use crate::dto::reviews::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::ClientId;

/// The review page of `client_id`, opened from the review meeting `visit` if given.
#[server(endpoint = "reviews/for-client")]
pub async fn client_review(
    client_id: ClientId,
    #[server(default)] visit: Option<i64>,
) -> Result<ReviewPage, AppError> {
    super::request::serve(async |ctx| crate::backend::reviews::page(ctx, client_id, visit).await).await
}

/// Holds the review and returns to the page, where it shows among the reviews held.
#[server(endpoint = "reviews/hold")]
pub async fn hold_review(client_id: ClientId, form: ReviewFormData) -> Result<(), AppError> {
    super::request::serve_form("review", &form, async |ctx| {
        crate::backend::reviews::hold(ctx, client_id, &form).await
    })
    .await?;
    let visit = form.visit.trim().parse::<i64>().map(|v| format!("?visit={v}")).unwrap_or_default();
    leptos_axum::redirect(&format!("/clients/{client_id}/review{visit}#held"));
    Ok(())
}
