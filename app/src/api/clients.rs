//! Clients: the list and the card. Every call is an audited read of client data.

pub use crate::dto::clients::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::ClientId;

/// A page of the clients the person may see, by name, after the client `after`; `search`
/// narrows to names containing it; `size` within the cap.
#[server(endpoint = "clients/list")]
pub async fn list_clients(
    #[server(default)] after: Option<ClientId>,
    #[server(default)] search: String,
    #[server(default)] size: Option<u32>,
) -> Result<crate::dto::Page<ClientListItem>, AppError> {
    super::request::serve(async |ctx| {
        let size = crate::domain::paging::page_size(size);
        crate::backend::clients::list(ctx, after, &search, size).await
    })
    .await
}

#[server(endpoint = "clients/get")]
pub async fn get_client(id: ClientId) -> Result<ClientCard, AppError> {
    super::request::serve(async |ctx| crate::backend::clients::card(ctx, id).await).await
}
