//! Clients: the list and the card. Every call is an audited read of client data.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::domain::ids::ClientId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientListItem {
    pub id: ClientId,
    pub display_name: String,
    pub municipality: String,
}

/// The client card: who the client is and, always, who their one named guide is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientCard {
    pub id: ClientId,
    pub display_name: String,
    pub municipality: String,
    pub guide_name: Option<String>,
    pub guide_phone: Option<String>,
    pub social_worker_name: Option<String>,
}

#[server(endpoint = "clients/list")]
pub async fn list_clients() -> Result<Vec<ClientListItem>, AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::clients::list(&ctx).await
        }
        .await,
    )
}

#[server(endpoint = "clients/get")]
pub async fn get_client(id: ClientId) -> Result<ClientCard, AppError> {
    crate::backend::request::finish(
        async move {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::clients::card(&ctx, id).await
        }
        .await,
    )
}
