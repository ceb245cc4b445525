//! Clients: the list and the card. Every call is an audited read of client data.

pub use crate::dto::clients::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::ClientId;

#[server(endpoint = "clients/list")]
pub async fn list_clients() -> Result<Vec<ClientListItem>, AppError> {
    super::request::serve(async |ctx| crate::backend::clients::list(ctx).await).await
}

#[server(endpoint = "clients/get")]
pub async fn get_client(id: ClientId) -> Result<ClientCard, AppError> {
    super::request::serve(async |ctx| crate::backend::clients::card(ctx, id).await).await
}
