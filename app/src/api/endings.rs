//! Ending the guidance together: the ending's page, holding it, and the summary for the
//! official client record. Endings fall under the goals' access for reading; holding one ends
//! the guidance and needs that right.

pub use crate::dto::endings::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::ClientId;

/// The ending page of `client_id`: the form while guidance is open, and the latest ending.
#[server(endpoint = "endings/for-client")]
pub async fn client_ending(client_id: ClientId) -> Result<EndingPage, AppError> {
    super::request::serve(async |ctx| crate::backend::endings::page(ctx, client_id).await).await
}

/// Holds the ending. Whoever may still read the client lands on the summary; a guide, whose
/// access ended with the guidance, lands on their day with a word that it is done.
#[server(endpoint = "endings/hold")]
pub async fn hold_ending(client_id: ClientId, form: EndingFormData) -> Result<(), AppError> {
    let still_sees = super::request::serve_form("ending", &form, async |ctx| {
        crate::backend::endings::hold(ctx, client_id, &form).await
    })
    .await?;
    if still_sees {
        leptos_axum::redirect(&format!("/clients/{client_id}/ending#summary"));
    } else {
        leptos_axum::redirect("/today?ended=1");
    }
    Ok(())
}

/// The summary of the latest ending, on its own to copy or print.
#[server(endpoint = "endings/summary")]
pub async fn ending_summary(client_id: ClientId) -> Result<SummaryPage, AppError> {
    super::request::serve(async |ctx| crate::backend::endings::summary_page(ctx, client_id).await).await
}
