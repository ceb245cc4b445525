//! A person's own settings.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;

/// One kind of e-mail and whether the person gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationChoice {
    pub kind: String,
    pub by_email: bool,
    /// Always sent (account access, escalations): shown, not changeable.
    pub mandatory: bool,
}

#[server(endpoint = "settings/notifications")]
pub async fn notification_settings() -> Result<Vec<NotificationChoice>, AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::settings::notifications(&ctx).await
        }
        .await,
    )
}

/// Checkboxes arrive as `email[visit_reminder]=on`; an unticked box sends nothing.
#[server(endpoint = "settings/notifications/save")]
pub async fn save_notification_settings(
    #[server(default)] email: BTreeMap<String, String>,
) -> Result<(), AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            let ticked: Vec<String> = email.into_keys().collect();
            crate::backend::settings::save_notifications(&ctx, &ticked).await?;
            leptos_axum::redirect("/settings?saved=1");
            Ok(())
        }
        .await,
    )
}
