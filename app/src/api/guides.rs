//! Guides: profiles (written by the guide or a coordinator) and caseloads.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, referrals::TopicView};
#[cfg(feature = "ssr")]
use crate::backend::request::finish;
use crate::domain::{availability::WeeklySlot, ids::UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideRow {
    pub id: UserId,
    pub name: String,
    pub place: String,
    pub caseload: u16,
    pub max_caseload: u16,
    pub pending_proposals: u16,
    pub has_car: bool,
    pub topics: Vec<String>,
    pub has_profile: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidesOverview {
    pub guides: Vec<GuideRow>,
    pub topics: Vec<TopicView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideProfileView {
    pub id: UserId,
    pub name: String,
    pub topics: Vec<String>,
    pub place: String,
    pub has_car: bool,
    pub seats: u8,
    pub max_caseload: u16,
    pub gender: Option<String>,
    pub introduction: String,
    pub availability: Vec<WeeklySlot>,
    pub all_topics: Vec<TopicView>,
}

/// The profile form. Availability rows arrive as `slots[0][weekday]`, `slots[0][start]`, ...
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideProfileForm {
    #[serde(default)]
    pub topics: BTreeMap<String, String>,
    pub place: String,
    #[serde(default)]
    pub has_car: String,
    #[serde(default)]
    pub seats: String,
    pub max_caseload: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub introduction: String,
    #[serde(default)]
    pub slots: BTreeMap<String, SlotForm>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotForm {
    #[serde(default)]
    pub weekday: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
}

#[server(endpoint = "guides/list")]
pub async fn list_guides() -> Result<GuidesOverview, AppError> {
    finish(
        async {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::guides::overview(&ctx).await
        }
        .await,
    )
}

#[server(endpoint = "guides/profile")]
pub async fn guide_profile(id: UserId) -> Result<GuideProfileView, AppError> {
    finish(
        async {
            let ctx = crate::backend::request::ctx()?;
            crate::backend::guides::profile(&ctx, id).await
        }
        .await,
    )
}

#[server(endpoint = "guides/profile/save")]
pub async fn save_guide_profile(id: UserId, form: GuideProfileForm) -> Result<(), AppError> {
    let result = async {
        let ctx = crate::backend::request::ctx()?;
        crate::backend::guides::save_profile(&ctx, id, &form).await
    }
    .await;
    crate::backend::request::keep_form_on_error("guides/profile/save", &result, &form).await;
    finish(result)?;
    leptos_axum::redirect(&format!("/guides/{id}?saved=1"));
    Ok(())
}
