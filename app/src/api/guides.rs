//! Guides: profiles (written by the guide or a coordinator) and caseloads.

pub use crate::dto::guides::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::UserId;

#[server(endpoint = "guides/list")]
pub async fn list_guides() -> Result<GuidesOverview, AppError> {
    super::request::serve(async |ctx| crate::backend::guides::overview(ctx).await).await
}

#[server(endpoint = "guides/profile")]
pub async fn guide_profile(id: UserId) -> Result<GuideProfileView, AppError> {
    super::request::serve(async |ctx| crate::backend::guides::profile(ctx, id).await).await
}

#[server(endpoint = "guides/profile/save")]
pub async fn save_guide_profile(id: UserId, form: GuideProfileForm) -> Result<(), AppError> {
    super::request::serve_form("guides/profile/save", &form, async |ctx| {
        crate::backend::guides::save_profile(ctx, id, &form).await
    })
    .await?;
    leptos_axum::redirect(&format!("/guides/{id}?saved=1"));
    Ok(())
}
