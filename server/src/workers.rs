//! Background work inside the server: housekeeping of expired sessions and old sign-in
//! failures. (The outbox sender joins here.)

use std::time::Duration;

use app::backend::{AppState, auth, session_store::DbSessionStore};
use tower_sessions::ExpiredDeletion;

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(10 * 60);

pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let store = DbSessionStore::new(state.db.clone());
        let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
        loop {
            tick.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "could not delete expired sessions");
            }
            if let Err(error) = auth::prune_sign_in_failures(&state.db, chrono::Utc::now()).await {
                tracing::warn!(%error, "could not prune old sign-in failures");
            }
        }
    });
}
