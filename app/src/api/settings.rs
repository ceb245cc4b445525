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
