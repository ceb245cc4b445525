//! The e-mail outbox, for admins.

pub use crate::dto::outbox::*;

use leptos::prelude::*;

use super::AppError;

/// The outbox: counts, the dead and the waiting, and a page of the sent before `sent_before`.
#[server(endpoint = "outbox/list")]
pub async fn outbox_overview(#[server(default)] sent_before: Option<i64>) -> Result<OutboxSummary, AppError> {
    super::request::serve(async |ctx| {
        let transport = super::request::state()?.outbox.transport.describe();
        crate::backend::outbox_admin::overview(ctx, transport, sent_before).await
    })
    .await
}

#[server(endpoint = "outbox/retry")]
pub async fn retry_outbox_message(id: i64) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::outbox_admin::retry(ctx, id).await?;
        leptos_axum::redirect("/admin/outbox?retried=1");
        Ok(())
    })
    .await
}
