//! Matching a referral with a guide: the world as matching sees it (every active guide with
//! their caseload), the facts of one referral, the ranking of guides with the reasons, the
//! introductions a client chooses among, and the batch that proposes a guide for every waiting
//! referral at once.

use crate::backend::db::begin_write;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{DECLINED, load, proposals::make_proposal, topics};
use crate::{
    backend::{
        audit,
        ctx::Ctx,
        entities::{client, guidance_period, guide_exclusion, guide_profile, proposal, referral, user},
        guides::roster,
    },
    domain::{
        availability::{WeekHours, WeeklySlot},
        ids::UserId,
        languages::Languages,
        matching::{self, GuideFacts, ReferralFacts, language_bits, parse_gender},
        places,
        policy::{Action, Resource},
        referrals::{ReferralStatus, first_name, stored_codes},
        validation::ValidationCode,
    },
    dto::{
        AppError,
        referrals::{BatchLine, BatchPlan, CandidateView, IntroductionView, NotEligibleView, RankingView},
    },
};

/// Matching's view of the world: bit numbers for topics and languages, every guide's facts.
pub struct World {
    topic_bits: HashMap<String, u32>,
    pub guides: Vec<GuideFacts>,
    guide_names: HashMap<i64, String>,
    guide_places: HashMap<i64, String>,
    guide_topics: HashMap<i64, Vec<String>>,
}

impl World {
    fn topic_bits(&self, codes: &[String]) -> u64 {
        codes.iter().filter_map(|c| self.topic_bits.get(c)).fold(0, |bits, bit| bits | 1 << bit)
    }
}

/// Active guides with their profiles and caseloads. Matching counts a proposal still waiting
/// for an answer against the caseload, as a client in an open guidance period is.
pub async fn world(db: &DatabaseConnection) -> Result<World, AppError> {
    let topic_bits =
        topics(db).await?.into_iter().take(64).enumerate().map(|(i, t)| (t.code, i as u32)).collect();
    let roster = roster(db).await?;
    let mut world = World {
        topic_bits,
        guides: Vec::new(),
        guide_names: HashMap::new(),
        guide_places: HashMap::new(),
        guide_topics: HashMap::new(),
    };
    for guide in roster {
        let (user, profile) = (&guide.account, guide.profile.as_ref());
        let topics = profile.map(|p| stored_codes(&p.topics)).unwrap_or_default();
        let slots: Vec<WeeklySlot> =
            profile.and_then(|p| serde_json::from_str(&p.availability).ok()).unwrap_or_default();
        let place_name = profile.map(|p| p.place.clone()).unwrap_or_default();
        world.guides.push(GuideFacts {
            id: user.id,
            active: user.active && profile.is_some(),
            topics: world.topic_bits(&topics),
            languages: language_bits(&Languages::from_stored(&user.languages)),
            place: places::index_of(&place_name).unwrap_or(0),
            has_car: profile.is_some_and(|p| p.has_car),
            caseload: guide.places_taken(),
            max_caseload: profile.map_or(0, |p| p.max_caseload.clamp(0, 200) as u16),
            availability: WeekHours::from_slots(&slots),
            gender: profile.and_then(|p| p.gender.as_deref()).and_then(|g| parse_gender(g).ok().flatten()),
        });
        world.guide_names.insert(user.id, user.name.clone());
        world.guide_places.insert(user.id, place_name);
        world.guide_topics.insert(user.id, topics);
    }
    Ok(world)
}

/// The facts of one referral, as matching sees them.
pub async fn referral_facts(
    db: &impl ConnectionTrait,
    world: &World,
    row: &referral::Model,
    client: &client::Model,
    now: DateTime<Utc>,
) -> Result<ReferralFacts, AppError> {
    let mut excluded: Vec<i64> = guide_exclusion::Entity::find()
        .filter(guide_exclusion::Column::ClientId.eq(client.id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.guide_id)
        .collect();
    // A guide who declined this referral is not asked again.
    excluded.extend(
        proposal::Entity::find()
            .filter(proposal::Column::ReferralId.eq(row.id))
            .filter(proposal::Column::Response.eq(DECLINED))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.guide_id),
    );
    let earlier_guides = guidance_period::Entity::find()
        .filter(guidance_period::Column::ClientId.eq(client.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.guide_id)
        .collect();
    Ok(ReferralFacts {
        id: row.id,
        needs: world.topic_bits(&stored_codes(&row.needs)),
        languages: language_bits(&Languages::from_stored(&client.languages)),
        place: places::index_of(&client.municipality).unwrap_or(0),
        times: None,
        needs_rides: client.needs_rides,
        preferred_gender: client.preferred_gender.as_deref().and_then(|g| parse_gender(g).ok().flatten()),
        excluded,
        earlier_guides,
        days_waiting: (now - row.submitted_at).num_days().max(0) as u32,
        urgent: row.urgent,
    })
}

pub async fn ranking(ctx: &Ctx, id: i64) -> Result<RankingView, AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ProposeGuide, client.id, &resource).await?;
    let world = world(&ctx.db).await?;
    let facts = referral_facts(&ctx.db, &world, &row, &client, ctx.now).await?;
    let ranked = matching::rank(&facts, &world.guides, places::distances());
    let name = |id: &i64| world.guide_names.get(id).cloned().unwrap_or_default();
    Ok(RankingView {
        candidates: ranked
            .proposals
            .into_iter()
            .map(|p| CandidateView {
                guide_id: UserId(p.guide),
                guide_name: name(&p.guide),
                place: world.guide_places.get(&p.guide).cloned().unwrap_or_default(),
                milli_score: p.milli_score,
                contributions: p.contributions,
                topics: world.guide_topics.get(&p.guide).cloned().unwrap_or_default(),
            })
            .collect(),
        not_eligible: ranked
            .excluded
            .into_iter()
            .map(|(guide, reasons)| NotEligibleView {
                guide_id: UserId(guide),
                guide_name: name(&guide),
                reasons,
            })
            .collect(),
        topics: topics(&ctx.db).await?,
    })
}

pub async fn introductions(ctx: &Ctx, id: i64, guides: &[UserId]) -> Result<Vec<IntroductionView>, AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ProposeGuide, client.id, &resource).await?;
    ctx.authorize(Action::ViewGuideIntroductions, &Resource::Nothing, audit::entity::ACCOUNT, None).await?;
    // Only guides who could be proposed for this referral: the introductions are for choosing
    // among them, not a way to look up anyone's name.
    let world = world(&ctx.db).await?;
    let facts = referral_facts(&ctx.db, &world, &row, &client, ctx.now).await?;
    let eligible = |id: UserId| world.guides.iter().any(|g| g.id == id.0 && matching::is_eligible(&facts, g));
    if let Some(other) = guides.iter().find(|g| !eligible(**g)) {
        tracing::info!(guide = other.0, "introduction asked of a guide who cannot be proposed");
        return Err(AppError::invalid("guides", ValidationCode::UnknownChoice));
    }
    let mut out = Vec::new();
    // At most three at a time: more is too much to choose from.
    for guide in guides.iter().take(3) {
        let Some(account) = user::Entity::find_by_id(guide.0).one(&ctx.db).await? else {
            continue;
        };
        let profile = guide_profile::Entity::find_by_id(guide.0).one(&ctx.db).await?;
        out.push(IntroductionView {
            guide_id: *guide,
            first_name: first_name(&account.name),
            place: profile.as_ref().map(|p| p.place.clone()).unwrap_or_default(),
            introduction: profile.map(|p| p.introduction).unwrap_or_default(),
        });
    }
    Ok(out)
}

async fn waiting(ctx: &Ctx) -> Result<Vec<(referral::Model, client::Model)>, AppError> {
    let rows = referral::Entity::find()
        .filter(referral::Column::Status.eq(ReferralStatus::Submitted.as_str()))
        .order_by_asc(referral::Column::SubmittedAt)
        .all(&ctx.db)
        .await?;
    let clients: HashMap<i64, client::Model> = client::Entity::find()
        .filter(client::Column::Id.is_in(rows.iter().map(|r| r.client_id)))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok(rows.into_iter().filter_map(|r| clients.get(&r.client_id).cloned().map(|c| (r, c))).collect())
}

struct Batch {
    waiting: Vec<(referral::Model, client::Model)>,
    facts: Vec<ReferralFacts>,
    world: World,
    assignment: matching::Assignment,
    greedy_placed: usize,
}

async fn compute_batch(ctx: &Ctx) -> Result<Batch, AppError> {
    ctx.authorize(Action::BatchAssign, &Resource::Nothing, audit::entity::CLIENT, None).await?;
    let waiting = waiting(ctx).await?;
    let world = world(&ctx.db).await?;
    let mut facts = Vec::with_capacity(waiting.len());
    for (row, client) in &waiting {
        facts.push(referral_facts(&ctx.db, &world, row, client, ctx.now).await?);
    }
    let distances = places::distances();
    let assignment = matching::assign(&facts, &world.guides, distances);
    let greedy_placed = matching::assign_greedily(&facts, &world.guides, distances).pairs.len();
    Ok(Batch { waiting, facts, world, assignment, greedy_placed })
}

pub async fn batch_preview(ctx: &Ctx) -> Result<BatchPlan, AppError> {
    let batch = compute_batch(ctx).await?;
    ctx.audit_clients(Action::BatchAssign, &batch.waiting.iter().map(|(_, c)| c.id).collect::<Vec<_>>())
        .await?;
    let by_referral: HashMap<i64, (i64, u32)> =
        batch.assignment.pairs.iter().map(|(r, g, s)| (*r, (*g, *s))).collect();
    Ok(BatchPlan {
        placed: batch.assignment.pairs.len(),
        greedy_placed: batch.greedy_placed,
        lines: batch
            .waiting
            .iter()
            .map(|(row, client)| {
                let pick = by_referral.get(&row.id);
                BatchLine {
                    referral_id: row.id,
                    client_name: client.display_name.clone(),
                    place: client.municipality.clone(),
                    days_waiting: (ctx.now - row.submitted_at).num_days(),
                    guide_id: pick.map(|(g, _)| UserId(*g)),
                    guide_name: pick.and_then(|(g, _)| batch.world.guide_names.get(g).cloned()),
                    milli_score: pick.map(|(_, s)| *s),
                }
            })
            .collect(),
    })
}

/// Proposes the batch's guides, all in one transaction (computed afresh, so it matches the
/// state of the database at this moment). Returns how many proposals were made.
pub async fn batch_apply(ctx: &Ctx) -> Result<usize, AppError> {
    let batch = compute_batch(ctx).await?;
    let txn = begin_write(&ctx.db).await?;
    let mut proposed_clients = Vec::new();
    for (referral_id, guide_id, _) in &batch.assignment.pairs {
        let Some((row, client)) = batch.waiting.iter().find(|(r, _)| r.id == *referral_id) else { continue };
        let Some(guide) = batch.world.guides.iter().find(|g| g.id == *guide_id) else { continue };
        let facts = batch.facts.iter().find(|f| f.id == *referral_id).ok_or(AppError::NotFound)?;
        let contributions = matching::contributions(facts, guide, places::distances());
        make_proposal(
            ctx,
            &txn,
            row.clone(),
            guide,
            contributions,
            crate::domain::referrals::ChosenBy::Coordinator,
        )
        .await?;
        proposed_clients.push(client.id);
    }
    txn.commit().await?;
    // Audited after the commit: on SQLite the open transaction holds the only write lock.
    ctx.audit_clients(Action::BatchAssign, &proposed_clients).await?;
    Ok(proposed_clients.len())
}
