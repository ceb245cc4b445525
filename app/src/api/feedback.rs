//! Feedback right after a visit: the hand-over screen, the client's answers, and the results.

pub use crate::dto::feedback::*;

use leptos::prelude::*;

use super::AppError;

#[server(endpoint = "feedback/screen")]
pub async fn load_hand_over(visit: i64) -> Result<FeedbackScreen, AppError> {
    super::request::serve(async |ctx| crate::backend::visits::feedback_screen(ctx, visit).await).await
}

/// The client's answers; the screen then thanks them in the language they answered in.
#[server(endpoint = "feedback/give")]
pub async fn give_feedback(visit: i64, answers: FeedbackAnswers) -> Result<(), AppError> {
    super::request::serve(async |ctx| crate::backend::visits::give_feedback(ctx, visit, &answers).await)
        .await?;
    let lang = crate::domain::languages::feedback_language(&answers.lang);
    leptos_axum::redirect(&format!("/visits/{visit}/feedback?lang={lang}&thanks=1"));
    Ok(())
}

#[server(endpoint = "feedback/results")]
pub async fn load_feedback_results() -> Result<FeedbackResults, AppError> {
    super::request::serve(async |ctx| crate::backend::visits::feedback_results(ctx).await).await
}
