//! The audit trail, for admins: every event with filters, and one client's report.

pub use crate::dto::audit::*;

use leptos::prelude::*;

use super::AppError;

#[server(endpoint = "audit/list")]
pub async fn list_audit_events(query: AuditQuery) -> Result<AuditPage, AppError> {
    super::request::serve(async |ctx| crate::backend::audit_log::list(ctx, &query).await).await
}

/// Who has seen or changed one client's data.
#[server(endpoint = "audit/client")]
pub async fn client_audit_report(
    client_id: crate::domain::ids::ClientId,
    #[server(default)] before: Option<i64>,
) -> Result<AuditPage, AppError> {
    super::request::serve(async |ctx| crate::backend::audit_log::client_report(ctx, client_id, before).await)
        .await
}
