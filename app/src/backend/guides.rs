//! Guide profiles and caseloads.

use std::collections::HashMap;

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::OnConflict};

use super::{
    auth::roles_of,
    ctx::Ctx,
    entities::{guidance_period, guide_profile, proposal, user},
    referrals::{gender_name, parse_gender, topics},
};
use crate::{
    domain::{
        availability::WeeklySlot,
        ids::UserId,
        places,
        policy::{Action, Resource},
        roles::Role,
        validation::{FormErrors, ValidationCode},
    },
    dto::{
        AppError,
        guides::{GuideProfileForm, GuideProfileView, GuideRow, GuidesOverview},
    },
};

fn codes(stored: &str) -> Vec<String> {
    stored.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

pub async fn overview(ctx: &Ctx) -> Result<GuidesOverview, AppError> {
    ctx.authorize(Action::ViewGuides, &Resource::Nothing, super::audit::entity::ACCOUNT, None).await?;
    let ids: Vec<i64> = super::entities::user_role::Entity::find()
        .filter(super::entities::user_role::Column::Role.eq(Role::Guide.as_str()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let guides = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .all(&ctx.db)
        .await?;
    let profiles: HashMap<i64, guide_profile::Model> =
        guide_profile::Entity::find().all(&ctx.db).await?.into_iter().map(|p| (p.user_id, p)).collect();
    let mut caseload: HashMap<i64, u16> = HashMap::new();
    for p in guidance_period::Entity::find()
        .filter(guidance_period::Column::EndedAt.is_null())
        .all(&ctx.db)
        .await?
    {
        *caseload.entry(p.guide_id).or_default() += 1;
    }
    let mut pending: HashMap<i64, u16> = HashMap::new();
    for p in proposal::Entity::find().filter(proposal::Column::Response.eq("pending")).all(&ctx.db).await? {
        *pending.entry(p.guide_id).or_default() += 1;
    }
    let mut rows: Vec<GuideRow> = guides
        .into_iter()
        .map(|g| {
            let profile = profiles.get(&g.id);
            GuideRow {
                id: UserId(g.id),
                name: g.name,
                place: profile.map(|p| p.place.clone()).unwrap_or_default(),
                caseload: caseload.get(&g.id).copied().unwrap_or(0),
                max_caseload: profile.map_or(0, |p| p.max_caseload.max(0) as u16),
                pending_proposals: pending.get(&g.id).copied().unwrap_or(0),
                has_car: profile.is_some_and(|p| p.has_car),
                topics: profile.map(|p| codes(&p.topics)).unwrap_or_default(),
                has_profile: profile.is_some(),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(GuidesOverview { guides: rows, topics: topics(&ctx.db).await? })
}

async fn account_resource(ctx: &Ctx, id: UserId) -> Result<(user::Model, Resource), AppError> {
    let account = user::Entity::find_by_id(id.0).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    let roles = roles_of(&ctx.db, id.0).await?;
    if !roles.has(Role::Guide) {
        return Err(AppError::NotFound);
    }
    Ok((account, Resource::Account { roles, is_self: ctx.actor.user_id == id }))
}

pub async fn profile(ctx: &Ctx, id: UserId) -> Result<GuideProfileView, AppError> {
    let (account, resource) = account_resource(ctx, id).await?;
    ctx.authorize(Action::EditGuideProfile, &resource, super::audit::entity::ACCOUNT, Some(id.to_string()))
        .await?;
    let profile = guide_profile::Entity::find_by_id(id.0).one(&ctx.db).await?;
    Ok(GuideProfileView {
        id,
        name: account.name,
        topics: profile.as_ref().map(|p| codes(&p.topics)).unwrap_or_default(),
        place: profile.as_ref().map(|p| p.place.clone()).unwrap_or_default(),
        has_car: profile.as_ref().is_some_and(|p| p.has_car),
        seats: profile.as_ref().map_or(0, |p| p.seats.clamp(0, 8) as u8),
        max_caseload: profile.as_ref().map_or(5, |p| p.max_caseload.max(0) as u16),
        gender: profile.as_ref().and_then(|p| p.gender.clone()),
        introduction: profile.as_ref().map(|p| p.introduction.clone()).unwrap_or_default(),
        availability: profile
            .as_ref()
            .and_then(|p| serde_json::from_str(&p.availability).ok())
            .unwrap_or_default(),
        all_topics: topics(&ctx.db).await?,
    })
}

pub const INTRODUCTION_MAX_CHARS: usize = crate::domain::text::INTRODUCTION;

pub async fn save_profile(ctx: &Ctx, id: UserId, form: &GuideProfileForm) -> Result<(), AppError> {
    let (_, resource) = account_resource(ctx, id).await?;
    ctx.authorize(Action::EditGuideProfile, &resource, super::audit::entity::ACCOUNT, Some(id.to_string()))
        .await?;
    let known = topics(&ctx.db).await?;
    let mut errors = FormErrors::default();
    let chosen: Vec<String> =
        form.topics.iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k.clone()).collect();
    if chosen.iter().any(|c| !known.iter().any(|t| &t.code == c)) {
        errors.add("topics", ValidationCode::UnknownChoice);
    }
    if places::index_of(form.place.trim()).is_none() {
        errors.add("place", ValidationCode::UnknownPlace);
    }
    let max = errors.check(
        "max_caseload",
        form.max_caseload
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|m| (1..=40).contains(m))
            .ok_or(ValidationCode::OutOfRange),
    );
    let seats = if form.seats.trim().is_empty() {
        Some(0)
    } else {
        errors.check(
            "seats",
            form.seats.trim().parse::<u8>().ok().filter(|s| *s <= 8).ok_or(ValidationCode::OutOfRange),
        )
    };
    let gender = errors.check("gender", parse_gender(&form.gender));
    let introduction = errors
        .check("introduction", crate::domain::text::multi_line(&form.introduction, INTRODUCTION_MAX_CHARS));
    let mut slots = Vec::new();
    for slot in form.slots.values() {
        if slot.weekday.trim().is_empty() && slot.start.trim().is_empty() && slot.end.trim().is_empty() {
            continue;
        }
        if let Some(slot) = errors.check("slots", WeeklySlot::parse(&slot.weekday, &slot.start, &slot.end)) {
            slots.push(slot);
        }
    }
    slots.sort_by_key(|s| (s.weekday, s.start));
    let (Some(max), Some(seats), Some(gender), Some(introduction)) = (max, seats, gender, introduction)
    else {
        return Err(AppError::Validation(errors.into_vec()));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    let has_car = !form.has_car.is_empty();
    let row = guide_profile::ActiveModel {
        user_id: Set(id.0),
        topics: Set(chosen.join(",")),
        place: Set(form.place.trim().to_owned()),
        has_car: Set(has_car),
        seats: Set(if has_car { i32::from(seats) } else { 0 }),
        max_caseload: Set(i32::from(max)),
        gender: Set(gender.map(|g| gender_name(g).to_owned())),
        introduction: Set(introduction),
        availability: Set(serde_json::to_string(&slots)?),
        updated_at: Set(ctx.now),
    };
    guide_profile::Entity::insert(row)
        .on_conflict(
            OnConflict::column(guide_profile::Column::UserId)
                .update_columns([
                    guide_profile::Column::Topics,
                    guide_profile::Column::Place,
                    guide_profile::Column::HasCar,
                    guide_profile::Column::Seats,
                    guide_profile::Column::MaxCaseload,
                    guide_profile::Column::Gender,
                    guide_profile::Column::Introduction,
                    guide_profile::Column::Availability,
                    guide_profile::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&ctx.db)
        .await?;
    ctx.audit_allowed(Action::EditGuideProfile, super::audit::entity::ACCOUNT, Some(id.to_string())).await
}
