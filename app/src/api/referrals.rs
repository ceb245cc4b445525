//! Referrals, proposals and matching: the social worker refers, the coordinator (or the social
//! worker with the client) proposes a guide with the reasons in view, the guide accepts or
//! declines, and the 7-day clock runs until the guide has reached the client.

pub use crate::dto::referrals::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::UserId;

#[server(endpoint = "topics/list")]
pub async fn list_topics() -> Result<Vec<TopicView>, AppError> {
    super::request::serve_visitor(async |visitor| crate::backend::referrals::topics(&visitor.db).await).await
}

#[server(endpoint = "referrals/submit")]
pub async fn submit_referral(form: ReferralForm) -> Result<(), AppError> {
    let id = super::request::serve_form("referrals/submit", &form, async |ctx| {
        crate::backend::referrals::submit(ctx, &form).await
    })
    .await?;
    leptos_axum::redirect(&format!("/referrals/{id}?submitted=1"));
    Ok(())
}

/// A page of the referral queue (coordinators) or of one's own referrals, after `after`.
#[server(endpoint = "referrals/list")]
pub async fn list_referrals(
    #[server(default)] after: Option<i64>,
    #[server(default)] size: Option<u32>,
) -> Result<crate::dto::Page<ReferralSummary>, AppError> {
    super::request::serve(async |ctx| {
        crate::backend::referrals::list(ctx, after, crate::domain::paging::page_size(size)).await
    })
    .await
}

#[server(endpoint = "referrals/get")]
pub async fn get_referral(id: i64) -> Result<ReferralDetail, AppError> {
    super::request::serve(async |ctx| crate::backend::referrals::detail(ctx, id).await).await
}

#[server(endpoint = "referrals/ranking")]
pub async fn referral_ranking(id: i64) -> Result<RankingView, AppError> {
    super::request::serve(async |ctx| crate::backend::referrals::ranking(ctx, id).await).await
}

/// Asks `guide_id` to take the referral on. `chosen_by`: "coordinator", "social_worker" or
/// "client" (the client chose from the introductions).
#[server(endpoint = "referrals/propose")]
pub async fn propose_guide(id: i64, guide_id: UserId, chosen_by: String) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let chosen_by = crate::domain::referrals::ChosenBy::parse(&chosen_by)
            .map_err(|code| AppError::invalid("chosen_by", code))?;
        crate::backend::referrals::propose(ctx, id, guide_id, chosen_by).await?;
        leptos_axum::redirect(&format!("/referrals/{id}?proposed=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "referrals/introductions")]
pub async fn guide_introductions(id: i64, guides: Vec<UserId>) -> Result<Vec<IntroductionView>, AppError> {
    super::request::serve(async |ctx| crate::backend::referrals::introductions(ctx, id, &guides).await).await
}

#[server(endpoint = "referrals/batch-preview")]
pub async fn batch_preview() -> Result<BatchPlan, AppError> {
    super::request::serve(async |ctx| crate::backend::referrals::batch_preview(ctx).await).await
}

#[server(endpoint = "referrals/batch-apply")]
pub async fn batch_apply() -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let count = crate::backend::referrals::batch_apply(ctx).await?;
        leptos_axum::redirect(&format!("/referrals?batch={count}"));
        Ok(())
    })
    .await
}

#[server(endpoint = "referrals/first-contact")]
pub async fn record_first_contact(id: i64, channel: String) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let client = crate::backend::referrals::record_first_contact(ctx, id, &channel).await?;
        leptos_axum::redirect(&format!("/clients/{client}?contact=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "proposals/mine")]
pub async fn my_proposals() -> Result<Vec<ProposalForGuide>, AppError> {
    super::request::serve(async |ctx| crate::backend::referrals::proposals_for_me(ctx).await).await
}

/// The guide's answer: `accept` "true" or "false"; a decline says why.
#[server(endpoint = "proposals/respond")]
pub async fn respond_to_proposal(
    id: i64,
    accept: bool,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let client =
        super::request::serve(async |ctx| crate::backend::referrals::respond(ctx, id, accept, &reason).await)
            .await?;
    match client {
        Some(client) => leptos_axum::redirect(&format!("/clients/{client}?accepted=1")),
        None => leptos_axum::redirect("/proposals?declined=1"),
    }
    Ok(())
}

#[server(endpoint = "consents/withdraw")]
pub async fn withdraw_consent(id: i64) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let client = crate::backend::referrals::withdraw_consent(ctx, id).await?;
        leptos_axum::redirect(&format!("/clients/{client}?consent_withdrawn=1"));
        Ok(())
    })
    .await
}
