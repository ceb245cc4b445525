//! Guides: the roster coordinators see (who guides, where, with how many clients) and each
//! guide's profile, written by the guide or a coordinator, which matching proposes them by.

use crate::backend::error::find;
use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, Func, OnConflict},
};

use super::{
    auth::roles_of,
    ctx::Ctx,
    entities::{guidance_period, guide_profile, proposal, user},
    people::active_users_with_role,
    referrals::{PENDING, topics},
};
use crate::{
    domain::{
        availability::WeeklySlot,
        ids::UserId,
        matching::{gender_name, parse_gender},
        places,
        policy::{Action, Resource},
        referrals::{stored_codes, ticked},
        roles::Role,
        validation::{FormErrors, ValidationCode},
    },
    dto::{
        AppError,
        guides::{GuideProfileForm, GuideProfileView, GuideRow, GuidesOverview},
    },
};

/// An active guide with their profile (none until first saved) and caseload.
pub struct RosterGuide {
    pub account: user::Model,
    pub profile: Option<guide_profile::Model>,
    /// Clients in an open guidance period with the guide.
    pub clients: u16,
    /// Proposals to the guide still waiting for an answer.
    pub pending_proposals: u16,
}

impl RosterGuide {
    /// What counts against the guide's maximum caseload: a proposal waiting for an answer holds
    /// its place, so the last free place is not offered to two clients at once.
    pub fn places_taken(&self) -> u16 {
        self.clients.saturating_add(self.pending_proposals)
    }
}

/// The active guides, by name, with profiles and caseloads, in five queries however many
/// guides there are. The coordinators' guides page and matching both count from here, so the
/// caseload they show and the one matching respects are the same.
pub async fn roster(db: &impl ConnectionTrait) -> Result<Vec<RosterGuide>, AppError> {
    let accounts = active_users_with_role(db, Role::Guide).await?;
    let mut profiles: HashMap<i64, guide_profile::Model> = guide_profile::Entity::find()
        .filter(guide_profile::Column::UserId.is_in(accounts.iter().map(|a| a.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    let clients = per_guide(
        guidance_period::Entity::find()
            .select_only()
            .column(guidance_period::Column::GuideId)
            .column_as(Expr::from(Func::count(Expr::col(guidance_period::Column::Id))), "n")
            .filter(guidance_period::Column::EndedAt.is_null())
            .group_by(guidance_period::Column::GuideId)
            .into_tuple()
            .all(db)
            .await?,
    );
    let pending = per_guide(
        proposal::Entity::find()
            .select_only()
            .column(proposal::Column::GuideId)
            .column_as(Expr::from(Func::count(Expr::col(proposal::Column::Id))), "n")
            .filter(proposal::Column::Response.eq(PENDING))
            .group_by(proposal::Column::GuideId)
            .into_tuple()
            .all(db)
            .await?,
    );
    Ok(accounts
        .into_iter()
        .map(|account| RosterGuide {
            profile: profiles.remove(&account.id),
            clients: clients.get(&account.id).copied().unwrap_or(0),
            pending_proposals: pending.get(&account.id).copied().unwrap_or(0),
            account,
        })
        .collect())
}

/// Counts by guide, as the database grouped them.
fn per_guide(counts: Vec<(i64, i64)>) -> HashMap<i64, u16> {
    counts.into_iter().map(|(guide, n)| (guide, u16::try_from(n).unwrap_or(u16::MAX))).collect()
}

pub async fn overview(ctx: &Ctx) -> Result<GuidesOverview, AppError> {
    ctx.authorize(Action::ViewGuides, &Resource::Nothing, super::audit::entity::ACCOUNT, None).await?;
    let mut rows: Vec<GuideRow> = roster(&ctx.db)
        .await?
        .into_iter()
        .map(|g| {
            let profile = g.profile.as_ref();
            GuideRow {
                id: UserId(g.account.id),
                place: profile.map(|p| p.place.clone()).unwrap_or_default(),
                caseload: g.clients,
                max_caseload: profile.map_or(0, |p| p.max_caseload.max(0) as u16),
                pending_proposals: g.pending_proposals,
                has_car: profile.is_some_and(|p| p.has_car),
                topics: profile.map(|p| stored_codes(&p.topics)).unwrap_or_default(),
                has_profile: profile.is_some(),
                name: g.account.name,
            }
        })
        .collect();
    // Sorted here too: the database's collation may order names otherwise than the page did.
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(GuidesOverview { guides: rows, topics: topics(&ctx.db).await? })
}

async fn account_resource(ctx: &Ctx, id: UserId) -> Result<(user::Model, Resource), AppError> {
    let account = find::<user::Entity>(&ctx.db, id.0).await?;
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
        topics: profile.as_ref().map(|p| stored_codes(&p.topics)).unwrap_or_default(),
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
    let chosen = ticked(&form.topics);
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

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, sea_query::Expr};

    use super::*;
    use crate::backend::{demo, entities::referral, testing};

    fn proposal_to(guide: i64, referral: i64, response: &str) -> proposal::ActiveModel {
        proposal::ActiveModel {
            id: NotSet,
            referral_id: Set(referral),
            guide_id: Set(guide),
            milli_score: Set(0),
            explanation: Set("[]".to_owned()),
            chosen_by: Set("coordinator".to_owned()),
            proposed_by: Set(None),
            proposed_at: Set(Utc::now()),
            response: Set(response.to_owned()),
            reason: Set(None),
            responded_at: Set(None),
        }
    }

    #[tokio::test]
    async fn the_roster_counts_open_guidance_and_waiting_proposals_of_active_guides() {
        for db in testing::databases().await {
            let backend = db.backend;
            assert!(demo::seed(&db.conn).await.unwrap());
            let before = roster(&db.conn).await.unwrap();
            let busy = before.iter().find(|g| g.clients > 0).expect("a demo guide with clients");
            let (busy_id, busy_clients) = (busy.account.id, busy.clients);
            let leaver = before.iter().find(|g| g.account.id != busy_id).unwrap().account.id;
            let any_referral = referral::Entity::find().one(&db.conn).await.unwrap().unwrap().id;
            proposal_to(busy_id, any_referral, PENDING).insert(&db.conn).await.unwrap();
            proposal_to(busy_id, any_referral, "declined").insert(&db.conn).await.unwrap();
            user::Entity::update_many()
                .col_expr(user::Column::Active, Expr::value(false))
                .filter(user::Column::Id.eq(leaver))
                .exec(&db.conn)
                .await
                .unwrap();

            let after = roster(&db.conn).await.unwrap();
            assert_eq!(after.len(), before.len() - 1, "{backend}: a closed account is no guide");
            assert!(after.iter().all(|g| g.account.id != leaver && g.account.active), "{backend}");
            let busy = after.iter().find(|g| g.account.id == busy_id).unwrap();
            assert_eq!(busy.clients, busy_clients, "{backend}");
            assert_eq!(busy.pending_proposals, 1, "{backend}: an answered proposal holds no place");
            assert_eq!(busy.places_taken(), busy_clients + 1, "{backend}");
            let open_periods = guidance_period::Entity::find()
                .filter(guidance_period::Column::EndedAt.is_null())
                .all(&db.conn)
                .await
                .unwrap();
            for guide in &after {
                let clients = open_periods.iter().filter(|p| p.guide_id == guide.account.id).count();
                assert_eq!(usize::from(guide.clients), clients, "{backend}: {}", guide.account.name);
                assert!(guide.profile.is_some(), "{backend}: every demo guide has a profile");
            }
        }
    }
}
