//! The client's goals and reward scheme: the page's data, and the forms that set goals, add
//! and tick steps, record faces, change a goal, design the scheme and write the ledger. Each
//! form names the visit the page was opened from (or nothing), and returns to the page there.

pub use crate::dto::goals::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::{ClientId, GoalId, StepId};

/// The goals page of `client_id`, opened from `visit` or from an `outing` session if given.
#[server(endpoint = "goals/for-client")]
pub async fn client_goals(
    client_id: ClientId,
    #[server(default)] visit: Option<i64>,
    #[server(default)] outing: Option<i64>,
) -> Result<GoalsView, AppError> {
    super::request::serve(async |ctx| crate::backend::goals::overview(ctx, client_id, visit, outing).await)
        .await
}

/// Where a form of the goals page returns to: the page, opened from the same visit, at `anchor`.
#[cfg(feature = "ssr")]
fn back(client: ClientId, visit: &str, anchor: &str) {
    let visit = visit.trim().parse::<i64>().map(|v| format!("?visit={v}")).unwrap_or_default();
    leptos_axum::redirect(&format!("/clients/{client}/goals{visit}#{anchor}"));
}

#[server(endpoint = "goals/add")]
pub async fn add_goal(client_id: ClientId, form: NewGoalForm) -> Result<(), AppError> {
    let goal = super::request::serve_form("goal", &form, async |ctx| {
        crate::backend::goals::add(ctx, client_id, &form).await
    })
    .await?;
    back(client_id, &form.visit, &format!("goal-{goal}"));
    Ok(())
}

/// `change` is refine (with new `words`), pause, resume, drop (with the client's `reason`) or
/// reach.
#[server(endpoint = "goals/change")]
pub async fn change_goal(
    id: GoalId,
    change: String,
    #[server(default)] words: String,
    #[server(default)] why: String,
    #[server(default)] reason: String,
    #[server(default)] visit: String,
) -> Result<(), AppError> {
    let kept = serde_json::json!({ "id": id.to_string(), "words": words, "why": why, "reason": reason });
    let client = super::request::serve_form("goal_change", &kept, async |ctx| {
        let form =
            crate::domain::goals::ChangeForm { change: &change, words: &words, why: &why, reason: &reason };
        crate::backend::goals::change(ctx, id, &form).await
    })
    .await?;
    back(client, &visit, &format!("goal-{id}"));
    Ok(())
}

/// The client's face for a goal now (1 to 5).
#[server(endpoint = "goals/rate")]
pub async fn rate_goal(
    id: GoalId,
    #[server(default)] face: String,
    #[server(default)] visit: String,
) -> Result<(), AppError> {
    let client =
        super::request::serve(async |ctx| crate::backend::goals::rate(ctx, id, &face, &visit).await).await?;
    back(client, &visit, &format!("goal-{id}"));
    Ok(())
}

#[server(endpoint = "goals/steps/add")]
pub async fn add_step(
    id: GoalId,
    #[server(default)] words: String,
    #[server(default)] visit: String,
) -> Result<(), AppError> {
    let kept = serde_json::json!({ "id": id.to_string(), "words": words });
    let client = super::request::serve_form("step", &kept, async |ctx| {
        crate::backend::goals::add_step(ctx, id, &words).await
    })
    .await?;
    back(client, &visit, &format!("goal-{id}"));
    Ok(())
}

/// Ticks a step done (`done` true, on `visit` or at the `outing` session if given, on
/// `done_on`, the outing's day or today), or takes the tick back (`done` false).
#[server(endpoint = "goals/steps/mark")]
pub async fn mark_step(
    id: StepId,
    done: bool,
    #[server(default)] done_on: String,
    #[server(default)] visit: String,
    #[server(default)] outing: String,
) -> Result<(), AppError> {
    let client = super::request::serve(async |ctx| {
        let form = crate::domain::goals::StepDoneForm { done_on: &done_on, visit: &visit, outing: &outing };
        crate::backend::goals::mark_step(ctx, id, done, &form).await
    })
    .await?;
    match outing.trim().parse::<i64>() {
        Ok(session) => leptos_axum::redirect(&format!("/clients/{client}/goals?outing={session}#step-{id}")),
        Err(_) => back(client, &visit, &format!("step-{id}")),
    }
    Ok(())
}

#[server(endpoint = "rewards/scheme")]
pub async fn save_reward_scheme(
    client_id: ClientId,
    form: SchemeFormData,
    #[server(default)] visit: String,
) -> Result<(), AppError> {
    super::request::serve_form("scheme", &form, async |ctx| {
        crate::backend::rewards::save_scheme(ctx, client_id, &form).await
    })
    .await?;
    back(client_id, &visit, "rewards");
    Ok(())
}

/// `kind` earned (`line` is a way to earn) or spent (`line` is a reward).
#[server(endpoint = "rewards/entry")]
pub async fn record_reward(
    client_id: ClientId,
    kind: String,
    line: i64,
    #[server(default)] visit: String,
) -> Result<(), AppError> {
    super::request::serve(async |ctx| crate::backend::rewards::record(ctx, client_id, &kind, line).await)
        .await?;
    back(client_id, &visit, "rewards");
    Ok(())
}
