//! Referrals, proposals, consent and the first contact. Every function that reads or changes a
//! client's data asks the policy and writes the audit trail here (through `Ctx`), where the
//! data is loaded.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    TransactionTrait,
};

use super::{
    ctx::{Ctx, Mailing},
    db::{begin_write, decided_once},
    emails,
    entities::{
        client, consent, guidance_period, guide_exclusion, guide_profile, proposal, referral, referral_event,
        topic, user, user_role,
    },
    outbox,
};
use crate::{
    domain::{
        accounts::{PersonName, Phone},
        availability::{WeekHours, WeeklySlot},
        ids::{ClientId, UserId},
        languages::{Languages, SPOKEN},
        matching::{self, Contribution, Gender, GuideFacts, ReferralFacts},
        places,
        policy::{Action, Resource, can},
        referrals::{self as rules, ContactChannel, ReferralStatus, Step},
        roles::Role,
        text,
        time::parse_date,
        validation::{FormErrors, ValidationCode},
    },
    dto::{
        AppError,
        referrals::{
            BatchLine, BatchPlan, CandidateView, ConsentView, IntroductionView, NotEligibleView,
            ProposalForGuide, ProposalView, RankingView, ReferralDetail, ReferralForm, ReferralSummary,
            TimelineEntry, TopicView,
        },
    },
};

pub const CHOSEN_BY: [&str; 3] = ["coordinator", "social_worker", "client"];
const PENDING: &str = "pending";
const ACCEPTED: &str = "accepted";
const DECLINED: &str = "declined";
/// A proposal nobody needs to answer any more (the consent was withdrawn).
const CANCELLED: &str = "cancelled";

pub async fn topics(db: &impl ConnectionTrait) -> Result<Vec<TopicView>, AppError> {
    Ok(topic::Entity::find()
        .order_by_asc(topic::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TopicView { code: t.code, name_fi: t.name_fi, name_sv: t.name_sv, name_en: t.name_en })
        .collect())
}

fn codes(stored: &str) -> Vec<String> {
    stored.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

fn ticked(map: &BTreeMap<String, String>) -> Vec<String> {
    map.iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k.clone()).collect()
}

pub fn parse_gender(input: &str) -> Result<Option<Gender>, ValidationCode> {
    match input.trim() {
        "" => Ok(None),
        "woman" => Ok(Some(Gender::Woman)),
        "man" => Ok(Some(Gender::Man)),
        "other" => Ok(Some(Gender::Other)),
        _ => Err(ValidationCode::UnknownChoice),
    }
}

pub fn gender_name(gender: Gender) -> &'static str {
    match gender {
        Gender::Woman => "woman",
        Gender::Man => "man",
        Gender::Other => "other",
    }
}

async fn event(
    db: &impl ConnectionTrait,
    referral_id: i64,
    event: &str,
    at: DateTime<Utc>,
    actor: Option<i64>,
    note: Option<String>,
) -> Result<(), AppError> {
    referral_event::ActiveModel {
        id: NotSet,
        referral_id: Set(referral_id),
        event: Set(event.to_owned()),
        at: Set(at),
        actor_id: Set(actor),
        note: Set(note),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn step(from: &str, step: Step) -> Result<ReferralStatus, AppError> {
    ReferralStatus::parse(from).and_then(|status| rules::next_status(status, step)).ok_or(AppError::Conflict)
}

/// The value, or the refusal of `field`.
fn errors_of<T>(field: &str, result: Result<T, ValidationCode>) -> Result<T, AppError> {
    result.map_err(|code| AppError::invalid(field, code))
}

/// Submits a referral: the client (minimal data), their consent, the referral, its first event
/// and an e-mail to each coordinator, in one transaction.
pub async fn submit(ctx: &Ctx, form: &ReferralForm) -> Result<i64, AppError> {
    ctx.authorize(Action::SubmitReferral, &Resource::Nothing, super::audit::entity::CLIENT, None).await?;
    let known_topics = topics(&ctx.db).await?;
    let mut errors = FormErrors::default();
    let name = errors.check("display_name", PersonName::parse(&form.display_name));
    let place = errors.check(
        "place",
        places::index_of(form.place.trim())
            .map(|_| form.place.trim().to_owned())
            .ok_or(ValidationCode::UnknownPlace),
    );
    let phone = errors.check("phone", Phone::parse_optional(&form.phone));
    let channel = if form.contact_channel.is_empty() { "call" } else { form.contact_channel.as_str() };
    let channel = errors.check(
        "contact_channel",
        ContactChannel::parse(channel)
            .filter(|c| *c != ContactChannel::Meeting)
            .ok_or(ValidationCode::UnknownChoice),
    );
    let languages = Languages::from_codes(ticked(&form.languages).iter().map(String::as_str));
    if languages.is_empty() {
        errors.add("languages", ValidationCode::Required);
    }
    let needs = ticked(&form.needs);
    if needs.is_empty() {
        errors.add("needs", ValidationCode::Required);
    } else if needs.iter().any(|n| !known_topics.iter().any(|t| &t.code == n)) {
        errors.add("needs", ValidationCode::UnknownChoice);
    }
    let gender = errors.check("preferred_gender", parse_gender(&form.preferred_gender));
    if form.consent.is_empty() {
        errors.add("consent", ValidationCode::Required);
    }
    let valid_until = if form.consent_valid_until.trim().is_empty() {
        Some(None)
    } else {
        errors.check(
            "consent_valid_until",
            parse_date(&form.consent_valid_until).map(Some).ok_or(ValidationCode::InvalidDate),
        )
    };
    let client_words = errors.check("client_words", text::multi_line(&form.client_words, text::CLIENT_WORDS));
    let guide_wishes = errors.check("guide_wishes", text::multi_line(&form.guide_wishes, text::GUIDE_WISHES));
    let pickup_address = errors.check("pickup_address", text::one_line(&form.pickup_address, text::LINE));
    let shared_with =
        errors.check("consent_shared_with", text::multi_line(&form.consent_shared_with, text::REASON));
    let (Some(name), Some(place), Some(phone), Some(channel), Some(gender), Some(valid_until)) =
        (name, place, phone, channel, gender, valid_until)
    else {
        return Err(AppError::Validation(errors.into_vec()));
    };
    let (Some(client_words), Some(guide_wishes), Some(pickup_address), Some(shared_with)) =
        (client_words, guide_wishes, pickup_address, shared_with)
    else {
        return Err(AppError::Validation(errors.into_vec()));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }

    let now = ctx.now;
    let txn = ctx.db.begin().await?;
    let client = client::ActiveModel {
        id: NotSet,
        display_name: Set(name.as_str().to_owned()),
        municipality: Set(place),
        guide_id: Set(None),
        referred_by: Set(Some(ctx.actor_id())),
        created_at: Set(now),
        updated_at: Set(now),
        phone: Set(phone.map(|p| p.as_str().to_owned())),
        pickup_address: Set(Some(pickup_address).filter(|a| !a.is_empty())),
        contact_channel: Set(channel.as_str().to_owned()),
        languages: Set(languages.to_stored()),
        preferred_gender: Set(gender.map(|g| gender_name(g).to_owned())),
        guide_wishes: Set(Some(guide_wishes).filter(|w| !w.is_empty())),
        needs_rides: Set(!form.needs_rides.is_empty()),
    }
    .insert(&txn)
    .await?;
    consent::ActiveModel {
        id: NotSet,
        client_id: Set(client.id),
        purpose: Set("experience_guidance".to_owned()),
        shared_with: Set(shared_with),
        given_at: Set(now),
        valid_until: Set(valid_until),
        withdrawn_at: Set(None),
        recorded_by: Set(Some(ctx.actor_id())),
    }
    .insert(&txn)
    .await?;
    let referral = referral::ActiveModel {
        id: NotSet,
        client_id: Set(client.id),
        referred_by: Set(Some(ctx.actor_id())),
        needs: Set(needs.join(",")),
        client_words: Set(client_words),
        urgent: Set(!form.urgent.is_empty()),
        status: Set(ReferralStatus::Submitted.as_str().to_owned()),
        submitted_at: Set(now),
        first_contact_due: Set(rules::first_contact_due(now)),
        first_contact_at: Set(None),
        first_contact_channel: Set(None),
        guide_id: Set(None),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    event(&txn, referral.id, ReferralStatus::Submitted.as_str(), now, Some(ctx.actor_id()), None).await?;
    for coordinator in users_with_role(&txn, Role::Coordinator).await? {
        let link = format!("{}/referrals/{}", ctx.mailing.origin, referral.id);
        let mail = emails::notice(
            emails::Notice::ReferralReceived,
            &coordinator,
            &link,
            format!("referral_received:{}:{}", referral.id, coordinator.id),
        );
        ctx.mailing.enqueue(&txn, mail, now).await?;
    }
    txn.commit().await?;
    ctx.audit_clients(Action::SubmitReferral, &[client.id]).await?;
    Ok(referral.id)
}

async fn users_with_role(db: &impl ConnectionTrait, role: Role) -> Result<Vec<user::Model>, AppError> {
    let ids: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(role.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?)
}

async fn names(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<HashMap<i64, String>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// The guides who may see a referral: those asked and not yet answered, and the client's named
/// guide while the guidance lasts. A guide who declined, was replaced in a transfer or whose
/// period ended sees it no more.
async fn guides_with_access(
    db: &impl ConnectionTrait,
    row: &referral::Model,
) -> Result<Vec<UserId>, AppError> {
    let mut guides: Vec<UserId> = proposal::Entity::find()
        .filter(proposal::Column::ReferralId.eq(row.id))
        .filter(proposal::Column::Response.eq(PENDING))
        .all(db)
        .await?
        .into_iter()
        .map(|p| UserId(p.guide_id))
        .collect();
    let open = ReferralStatus::parse(&row.status).is_some_and(|s| !s.is_closed());
    if let Some(guide) = row.guide_id.filter(|_| open) {
        guides.push(UserId(guide));
    }
    Ok(guides)
}

/// The guide of the referral's open period (accepted, not only asked).
fn named_guide(row: &referral::Model) -> Option<UserId> {
    let in_guidance = ReferralStatus::parse(&row.status).is_some_and(|s| {
        matches!(s, ReferralStatus::Accepted | ReferralStatus::FirstMeetingHeld | ReferralStatus::Active)
    });
    row.guide_id.filter(|_| in_guidance).map(UserId)
}

async fn load(ctx: &Ctx, id: i64) -> Result<(referral::Model, client::Model, Resource), AppError> {
    let row = referral::Entity::find_by_id(id).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    let client = client::Entity::find_by_id(row.client_id).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    let resource = Resource::Referral {
        referred_by: row.referred_by.map(UserId),
        guides: guides_with_access(&ctx.db, &row).await?,
        named_guide: named_guide(&row),
    };
    Ok((row, client, resource))
}

fn summary(
    row: &referral::Model,
    client: &client::Model,
    names: &HashMap<i64, String>,
    now: DateTime<Utc>,
) -> ReferralSummary {
    ReferralSummary {
        id: row.id,
        client_id: ClientId(client.id),
        client_name: client.display_name.clone(),
        place: client.municipality.clone(),
        status: row.status.clone(),
        urgent: row.urgent,
        submitted_at: row.submitted_at.to_rfc3339(),
        clock: rules::clock(row.submitted_at, row.first_contact_at, now),
        guide_name: row.guide_id.and_then(|g| names.get(&g).cloned()),
        referred_by_name: row.referred_by.and_then(|s| names.get(&s).cloned()),
        needs: codes(&row.needs),
    }
}

/// Social workers see the referrals they made, newest first; coordinators see every open
/// referral, longest waiting first (the queue). Each listed client is an audited read.
pub async fn list(ctx: &Ctx) -> Result<Vec<ReferralSummary>, AppError> {
    ctx.authorize(Action::ListReferrals, &Resource::Nothing, super::audit::entity::CLIENT, None).await?;
    let mut query = referral::Entity::find();
    let coordinator = ctx.actor.roles.has(Role::Coordinator);
    if !coordinator {
        query = query.filter(referral::Column::ReferredBy.eq(ctx.actor_id()));
    }
    let mut rows = query.order_by_asc(referral::Column::SubmittedAt).all(&ctx.db).await?;
    if coordinator {
        rows.retain(|r| ReferralStatus::parse(&r.status).is_some_and(|s| !s.is_closed()));
    } else {
        rows.reverse();
    }
    let clients: HashMap<i64, client::Model> = client::Entity::find()
        .filter(client::Column::Id.is_in(rows.iter().map(|r| r.client_id)))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let people: Vec<i64> = rows.iter().flat_map(|r| [r.guide_id, r.referred_by]).flatten().collect();
    let names = names(&ctx.db, people).await?;
    ctx.audit_clients(Action::ListReferrals, &rows.iter().map(|r| r.client_id).collect::<Vec<_>>()).await?;
    Ok(rows
        .iter()
        .filter_map(|r| clients.get(&r.client_id).map(|c| summary(r, c, &names, ctx.now)))
        .collect())
}

fn proposal_view(p: proposal::Model, names: &HashMap<i64, String>) -> ProposalView {
    ProposalView {
        id: p.id,
        guide_id: UserId(p.guide_id),
        guide_name: names.get(&p.guide_id).cloned().unwrap_or_default(),
        milli_score: p.milli_score.max(0) as u32,
        contributions: serde_json::from_str(&p.explanation).unwrap_or_default(),
        chosen_by: p.chosen_by,
        response: p.response,
        reason: p.reason,
        proposed_at: p.proposed_at.to_rfc3339(),
    }
}

pub async fn consents_of(db: &impl ConnectionTrait, client_id: i64) -> Result<Vec<ConsentView>, AppError> {
    Ok(consent::Entity::find()
        .filter(consent::Column::ClientId.eq(client_id))
        .order_by_desc(consent::Column::GivenAt)
        .all(db)
        .await?
        .into_iter()
        .map(|c| ConsentView {
            id: c.id,
            purpose: c.purpose,
            shared_with: c.shared_with,
            given_at: c.given_at.to_rfc3339(),
            valid_until: c.valid_until.map(|d| d.to_string()),
            withdrawn_at: c.withdrawn_at.map(|at| at.to_rfc3339()),
        })
        .collect())
}

/// One referral. A guide who is only being asked sees what they need to decide (first name,
/// place, languages, needs in the client's words, wishes, rides), not the consents, other
/// guides' answers or the notes of the referral's history: least privilege.
pub async fn detail(ctx: &Ctx, id: i64) -> Result<ReferralDetail, AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ViewReferral, client.id, &resource).await?;
    let in_full = can(&ctx.actor, Action::ViewReferralInFull, &resource).is_allowed();
    let events = referral_event::Entity::find()
        .filter(referral_event::Column::ReferralId.eq(id))
        .order_by_asc(referral_event::Column::At)
        .order_by_asc(referral_event::Column::Id)
        .all(&ctx.db)
        .await?;
    let mut proposals = proposal::Entity::find()
        .filter(proposal::Column::ReferralId.eq(id))
        .order_by_desc(proposal::Column::ProposedAt)
        .order_by_desc(proposal::Column::Id)
        .all(&ctx.db)
        .await?;
    if !in_full {
        proposals.retain(|p| p.guide_id == ctx.actor_id());
    }
    let names = names(
        &ctx.db,
        events
            .iter()
            .filter_map(|e| e.actor_id)
            .chain(proposals.iter().map(|p| p.guide_id))
            .chain([row.guide_id, row.referred_by].into_iter().flatten())
            .collect(),
    )
    .await?;
    let can_propose = can(&ctx.actor, Action::ProposeGuide, &resource).is_allowed();
    let mut summary = summary(&row, &client, &names, ctx.now);
    if !in_full {
        summary.client_name = first_name(&client.display_name);
    }
    Ok(ReferralDetail {
        summary,
        client_words: row.client_words.clone(),
        languages: Languages::from_stored(&client.languages).iter().map(str::to_owned).collect(),
        contact_channel: if in_full { client.contact_channel.clone() } else { String::new() },
        guide_wishes: client.guide_wishes.clone(),
        preferred_gender: client.preferred_gender.clone(),
        needs_rides: client.needs_rides,
        first_contact_at: row.first_contact_at.map(|at| at.to_rfc3339()),
        first_contact_channel: row.first_contact_channel.clone(),
        timeline: events
            .into_iter()
            .map(|e| TimelineEntry {
                event: e.event,
                at: e.at.to_rfc3339(),
                actor_name: e.actor_id.and_then(|a| names.get(&a).cloned()),
                // Notes carry other guides' reasons and earlier endings: only in full.
                note: e.note.filter(|_| in_full),
            })
            .collect(),
        proposals: proposals.into_iter().map(|p| proposal_view(p, &names)).collect(),
        consents: if in_full { consents_of(&ctx.db, client.id).await? } else { Vec::new() },
        topics: topics(&ctx.db).await?,
        can_propose,
        in_full,
    })
}

/// "Liisa" of "Liisa Mäkelä": enough to talk about someone one has not yet met.
fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or_default().to_owned()
}

/// Matching's view of the world: bit numbers for topics and languages, every guide's facts.
pub struct World {
    topic_bits: HashMap<String, u32>,
    pub guides: Vec<GuideFacts>,
    guide_names: HashMap<i64, String>,
    guide_places: HashMap<i64, String>,
    guide_topics: HashMap<i64, Vec<String>>,
}

fn language_bits(languages: &Languages) -> u32 {
    SPOKEN
        .iter()
        .enumerate()
        .filter(|(_, code)| languages.contains(code))
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

impl World {
    fn topic_bits(&self, codes: &[String]) -> u64 {
        codes.iter().filter_map(|c| self.topic_bits.get(c)).fold(0, |bits, bit| bits | 1 << bit)
    }
}

/// Active guides with their profiles and caseloads (clients in an open guidance period plus
/// proposals still waiting for an answer).
pub async fn world(db: &DatabaseConnection) -> Result<World, AppError> {
    let topic_bits =
        topics(db).await?.into_iter().take(64).enumerate().map(|(i, t)| (t.code, i as u32)).collect();
    let guide_users = users_with_role(db, Role::Guide).await?;
    let profiles: HashMap<i64, guide_profile::Model> =
        guide_profile::Entity::find().all(db).await?.into_iter().map(|p| (p.user_id, p)).collect();
    let mut caseload: HashMap<i64, u16> = HashMap::new();
    for period in
        guidance_period::Entity::find().filter(guidance_period::Column::EndedAt.is_null()).all(db).await?
    {
        *caseload.entry(period.guide_id).or_default() += 1;
    }
    for pending in proposal::Entity::find().filter(proposal::Column::Response.eq(PENDING)).all(db).await? {
        *caseload.entry(pending.guide_id).or_default() += 1;
    }
    let mut world = World {
        topic_bits,
        guides: Vec::new(),
        guide_names: HashMap::new(),
        guide_places: HashMap::new(),
        guide_topics: HashMap::new(),
    };
    for user in guide_users {
        let profile = profiles.get(&user.id);
        let topics = profile.map(|p| codes(&p.topics)).unwrap_or_default();
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
            caseload: caseload.get(&user.id).copied().unwrap_or(0),
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
        needs: world.topic_bits(&codes(&row.needs)),
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

/// Moves a referral from the status it was read in to `status`, naming `guide`: decided in the
/// caller's transaction by a conditional update, so of two steps taken at once from the same
/// status exactly one goes through and the other is a conflict.
async fn move_on(
    txn: &impl ConnectionTrait,
    row: &referral::Model,
    status: ReferralStatus,
    guide: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let moved = referral::Entity::update_many()
        .col_expr(referral::Column::Status, sea_orm::sea_query::Expr::value(status.as_str()))
        .col_expr(referral::Column::GuideId, sea_orm::sea_query::Expr::value(guide))
        .col_expr(referral::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(referral::Column::Id.eq(row.id))
        .filter(referral::Column::Status.eq(row.status.as_str()))
        .exec(txn)
        .await?;
    decided_once(moved, AppError::Conflict)
}

/// Records a proposal to `guide`, moves the referral on, tells the guide by e-mail. The guide
/// must be eligible (the same hard constraints as the ranking).
async fn make_proposal(
    ctx: &Ctx,
    txn: &impl ConnectionTrait,
    row: referral::Model,
    guide: &GuideFacts,
    contributions: Vec<Contribution>,
    chosen_by: &str,
) -> Result<(), AppError> {
    let status = step(&row.status, Step::ProposeGuide)?;
    let milli_score: u32 = contributions.iter().map(|c| c.milli_points).sum();
    proposal::ActiveModel {
        id: NotSet,
        referral_id: Set(row.id),
        guide_id: Set(guide.id),
        milli_score: Set(milli_score as i32),
        explanation: Set(serde_json::to_string(&contributions)?),
        chosen_by: Set(chosen_by.to_owned()),
        proposed_by: Set(Some(ctx.actor_id())),
        proposed_at: Set(ctx.now),
        response: Set(PENDING.to_owned()),
        reason: Set(None),
        responded_at: Set(None),
    }
    .insert(txn)
    .await?;
    let referral_id = row.id;
    move_on(txn, &row, status, Some(guide.id), ctx.now).await?;
    event(txn, referral_id, status.as_str(), ctx.now, Some(ctx.actor_id()), None).await?;
    if let Some(account) = user::Entity::find_by_id(guide.id).one(txn).await? {
        let link = format!("{}/proposals", ctx.mailing.origin);
        let mail = emails::notice(
            emails::Notice::GuideProposed,
            &account,
            &link,
            format!("guide_proposed:{referral_id}:{}", guide.id),
        );
        ctx.mailing.enqueue(txn, mail, ctx.now).await?;
    }
    Ok(())
}

pub async fn propose(ctx: &Ctx, id: i64, guide: UserId, chosen_by: &str) -> Result<(), AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ProposeGuide, client.id, &resource).await?;
    if !CHOSEN_BY.contains(&chosen_by) {
        return Err(AppError::invalid("chosen_by", ValidationCode::UnknownChoice));
    }
    let world = world(&ctx.db).await?;
    let facts = referral_facts(&ctx.db, &world, &row, &client, ctx.now).await?;
    let candidate = world.guides.iter().find(|g| g.id == guide.0).ok_or(AppError::NotFound)?;
    if !matching::is_eligible(&facts, candidate) {
        return Err(AppError::Conflict);
    }
    let contributions = matching::contributions(&facts, candidate, places::distances());
    let txn = begin_write(&ctx.db).await?;
    make_proposal(ctx, &txn, row, candidate, contributions, chosen_by).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn introductions(ctx: &Ctx, id: i64, guides: &[UserId]) -> Result<Vec<IntroductionView>, AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ProposeGuide, client.id, &resource).await?;
    ctx.authorize(Action::ViewGuideIntroductions, &Resource::Nothing, super::audit::entity::ACCOUNT, None)
        .await?;
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
            first_name: account.name.split_whitespace().next().unwrap_or_default().to_owned(),
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
    ctx.authorize(Action::BatchAssign, &Resource::Nothing, super::audit::entity::CLIENT, None).await?;
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
    let txn = ctx.db.begin().await?;
    let mut proposed_clients = Vec::new();
    for (referral_id, guide_id, _) in &batch.assignment.pairs {
        let Some((row, client)) = batch.waiting.iter().find(|(r, _)| r.id == *referral_id) else { continue };
        let Some(guide) = batch.world.guides.iter().find(|g| g.id == *guide_id) else { continue };
        let facts = batch.facts.iter().find(|f| f.id == *referral_id).ok_or(AppError::NotFound)?;
        let contributions = matching::contributions(facts, guide, places::distances());
        make_proposal(ctx, &txn, row.clone(), guide, contributions, "coordinator").await?;
        proposed_clients.push(client.id);
    }
    txn.commit().await?;
    // Audited after the commit: on SQLite the open transaction holds the only write lock.
    ctx.audit_clients(Action::BatchAssign, &proposed_clients).await?;
    Ok(proposed_clients.len())
}

/// The proposals waiting for the signed-in guide's answer.
pub async fn proposals_for_me(ctx: &Ctx) -> Result<Vec<ProposalForGuide>, AppError> {
    ctx.authorize(Action::ListOwnProposals, &Resource::Nothing, super::audit::entity::CLIENT, None).await?;
    let mine = proposal::Entity::find()
        .filter(proposal::Column::GuideId.eq(ctx.actor_id()))
        .filter(proposal::Column::Response.eq(PENDING))
        .order_by_asc(proposal::Column::ProposedAt)
        .all(&ctx.db)
        .await?;
    let topics = topics(&ctx.db).await?;
    let mut out = Vec::new();
    let mut listed = Vec::new();
    for p in mine {
        let Some(row) = referral::Entity::find_by_id(p.referral_id).one(&ctx.db).await? else {
            continue;
        };
        let Some(client) = client::Entity::find_by_id(row.client_id).one(&ctx.db).await? else {
            continue;
        };
        // Already scoped to the guide by the query; asked again so the policy stays the one judge.
        ctx.authorize(
            Action::ViewReferral,
            &Resource::Referral {
                referred_by: row.referred_by.map(UserId),
                guides: vec![UserId(p.guide_id)],
                named_guide: named_guide(&row),
            },
            super::audit::entity::CLIENT,
            Some(client.id.to_string()),
        )
        .await?;
        listed.push(client.id);
        out.push(ProposalForGuide {
            id: p.id,
            referral_id: row.id,
            client_name: first_name(&client.display_name),
            place: client.municipality,
            needs: codes(&row.needs),
            client_words: row.client_words,
            milli_score: p.milli_score.max(0) as u32,
            contributions: serde_json::from_str(&p.explanation).unwrap_or_default(),
            proposed_at: p.proposed_at.to_rfc3339(),
            topics: topics.clone(),
        });
    }
    ctx.audit_clients(Action::ListOwnProposals, &listed).await?;
    Ok(out)
}

/// The guide's answer. Accepting starts the guidance period and names the guide on the client's
/// card; declining (with a reason) returns the referral to the queue. Returns the client on
/// acceptance.
pub async fn respond(ctx: &Ctx, id: i64, accept: bool, reason: &str) -> Result<Option<ClientId>, AppError> {
    let p = proposal::Entity::find_by_id(id).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    let row = referral::Entity::find_by_id(p.referral_id).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    ctx.authorize(
        Action::RespondToProposal,
        &Resource::Proposal { guide: UserId(p.guide_id) },
        super::audit::entity::CLIENT,
        Some(row.client_id.to_string()),
    )
    .await?;
    if p.response != PENDING {
        return Err(AppError::Conflict);
    }
    let reason = errors_of("reason", text::multi_line(reason, text::REASON))?;
    if !accept && reason.is_empty() {
        return Err(AppError::invalid("reason", ValidationCode::Required));
    }
    let reason = reason.as_str();
    let txn = begin_write(&ctx.db).await?;
    let status = step(&row.status, if accept { Step::GuideAccepted } else { Step::GuideDeclined })?;
    let guide = p.guide_id;
    let referral_id = row.id;
    let client_id = row.client_id;
    let referred_by = row.referred_by;
    // Answered once: the answer is written only if the proposal is still waiting.
    let answered = proposal::Entity::update_many()
        .col_expr(
            proposal::Column::Response,
            sea_orm::sea_query::Expr::value(if accept { ACCEPTED } else { DECLINED }),
        )
        .col_expr(
            proposal::Column::Reason,
            sea_orm::sea_query::Expr::value(Some(reason.to_owned()).filter(|r| !r.is_empty())),
        )
        .col_expr(proposal::Column::RespondedAt, sea_orm::sea_query::Expr::value(ctx.now))
        .filter(proposal::Column::Id.eq(p.id))
        .filter(proposal::Column::Response.eq(PENDING))
        .exec(&txn)
        .await?;
    decided_once(answered, AppError::Conflict)?;
    move_on(&txn, &row, status, accept.then_some(guide), ctx.now).await?;
    event(
        &txn,
        referral_id,
        if accept { "guide_accepted" } else { "guide_declined" },
        ctx.now,
        Some(ctx.actor_id()),
        Some(reason.to_owned()).filter(|r| !r.is_empty()),
    )
    .await?;
    if accept {
        super::guidance::start_period(&txn, client_id, guide, Some(referral_id), ctx.now).await?;
        if let Some(social_worker) = referred_by
            && let Some(account) = user::Entity::find_by_id(social_worker).one(&txn).await?
        {
            let link = format!("{}/referrals/{referral_id}", ctx.mailing.origin);
            let mail = emails::notice(
                emails::Notice::GuideAccepted,
                &account,
                &link,
                format!("guide_accepted:{referral_id}:{guide}"),
            );
            ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
        }
    }
    txn.commit().await?;
    ctx.audit_clients(Action::RespondToProposal, &[client_id]).await?;
    Ok(accept.then_some(ClientId(client_id)))
}

/// The guide has reached the client: the 7-day clock stops. Returns the client.
pub async fn record_first_contact(ctx: &Ctx, id: i64, channel: &str) -> Result<ClientId, AppError> {
    let row = referral::Entity::find_by_id(id).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    let (client, resource) = super::guidance::load_client(ctx, ClientId(row.client_id)).await?;
    ctx.authorize_client(Action::RecordFirstContact, client.id, &resource).await?;
    let channel = ContactChannel::parse(channel)
        .ok_or_else(|| AppError::invalid("channel", ValidationCode::UnknownChoice))?;
    if row.first_contact_at.is_some() || client.guide_id.is_none() {
        return Err(AppError::Conflict);
    }
    let txn = begin_write(&ctx.db).await?;
    // The first contact is recorded once, whoever of two taps gets there first.
    let recorded = referral::Entity::update_many()
        .col_expr(referral::Column::FirstContactAt, sea_orm::sea_query::Expr::value(ctx.now))
        .col_expr(referral::Column::FirstContactChannel, sea_orm::sea_query::Expr::value(channel.as_str()))
        .col_expr(referral::Column::UpdatedAt, sea_orm::sea_query::Expr::value(ctx.now))
        .filter(referral::Column::Id.eq(row.id))
        .filter(referral::Column::FirstContactAt.is_null())
        .exec(&txn)
        .await?;
    decided_once(recorded, AppError::Conflict)?;
    event(&txn, id, "first_contact", ctx.now, Some(ctx.actor_id()), Some(channel.as_str().to_owned()))
        .await?;
    txn.commit().await?;
    Ok(ClientId(client.id))
}

/// Withdraws a consent. Withdrawing stops sharing: when no valid consent is left, the guidance
/// period ends, unanswered proposals are cancelled and the referral is closed, so no guide sees
/// the client any more. The referring social worker and coordinators keep the record, which
/// the social-welfare authority must keep anyway.
pub async fn withdraw_consent(ctx: &Ctx, id: i64) -> Result<ClientId, AppError> {
    let row = consent::Entity::find_by_id(id).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    let (client, resource) = super::guidance::load_client(ctx, ClientId(row.client_id)).await?;
    ctx.authorize_client(Action::ManageConsent, client.id, &resource).await?;
    if row.withdrawn_at.is_some() {
        return Err(AppError::Conflict);
    }
    let txn = begin_write(&ctx.db).await?;
    let withdrawn = consent::Entity::update_many()
        .col_expr(consent::Column::WithdrawnAt, sea_orm::sea_query::Expr::value(ctx.now))
        .filter(consent::Column::Id.eq(row.id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .exec(&txn)
        .await?;
    decided_once(withdrawn, AppError::Conflict)?;
    if !has_valid_consent(&txn, client.id, super::guidance::local_date(ctx.now)).await? {
        stop_sharing(&txn, &client, Some(ctx.actor_id()), CONSENT_WITHDRAWN, &ctx.mailing, ctx.now).await?;
    }
    txn.commit().await?;
    Ok(ClientId(client.id))
}

/// The client has a consent not withdrawn and not run out on `today`.
async fn has_valid_consent(
    db: &impl ConnectionTrait,
    client_id: i64,
    today: chrono::NaiveDate,
) -> Result<bool, AppError> {
    Ok(consent::Entity::find()
        .filter(consent::Column::ClientId.eq(client_id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .any(|c| c.valid_until.is_none_or(|until| until >= today)))
}

const CONSENT_WITHDRAWN: &str = "consent_withdrawn";
const CONSENT_EXPIRED: &str = "consent_expired";

/// No valid consent is left: the period ends, the planned visits are cancelled (the guide and
/// the social worker are told), unanswered proposals are cancelled and the referral closes.
/// `actor` is who withdrew it (`None`: it ran out). `why` is the note on the timeline.
async fn stop_sharing(
    txn: &impl ConnectionTrait,
    client: &client::Model,
    actor: Option<i64>,
    why: &str,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let client_id = client.id;
    if let Some(period) = super::guidance::open_period(txn, client_id).await? {
        super::guidance::close_period(txn, period.id, why, now).await?;
    }
    super::visits::cancel_after_ending(txn, client, actor, mailing, now).await?;
    let mut row =
        client::Entity::find_by_id(client_id).one(txn).await?.ok_or(AppError::NotFound)?.into_active_model();
    row.guide_id = Set(None);
    row.updated_at = Set(now);
    row.update(txn).await?;
    let Some(referral) = super::guidance::current_referral(txn, client_id).await? else { return Ok(()) };
    for p in proposal::Entity::find()
        .filter(proposal::Column::ReferralId.eq(referral.id))
        .filter(proposal::Column::Response.eq(PENDING))
        .all(txn)
        .await?
    {
        let mut p = p.into_active_model();
        p.response = Set(CANCELLED.to_owned());
        p.responded_at = Set(Some(now));
        p.update(txn).await?;
    }
    let status = ReferralStatus::parse(&referral.status)
        .and_then(|s| rules::next_status(s, Step::Withdraw).or_else(|| rules::next_status(s, Step::End)));
    if let Some(status) = status {
        let referral_id = referral.id;
        let mut update = referral.into_active_model();
        update.status = Set(status.as_str().to_owned());
        update.updated_at = Set(now);
        update.update(txn).await?;
        event(txn, referral_id, status.as_str(), now, actor, Some(why.to_owned())).await?;
    }
    Ok(())
}

/// Consents that ran out: a consent with an end date stops sharing on the day after it, as a
/// withdrawal does (the guide's access ends, planned visits are cancelled and their people
/// told). Run by the housekeeping worker; returns how many clients stopped being shared.
pub async fn expire_consents(
    db: &DatabaseConnection,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let today = super::guidance::local_date(now);
    let lapsed: Vec<i64> = consent::Entity::find()
        .filter(consent::Column::WithdrawnAt.is_null())
        .filter(consent::Column::ValidUntil.lt(today))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.client_id)
        .collect();
    let shared = client::Entity::find()
        .filter(client::Column::Id.is_in(lapsed))
        .filter(client::Column::GuideId.is_not_null())
        .all(db)
        .await?;
    // The worker wakes the sender when this returns more than none.
    let mailing = Mailing::detached(origin);
    let mut stopped = 0;
    for client in shared {
        let txn = begin_write(db).await?;
        if has_valid_consent(&txn, client.id, today).await? {
            continue;
        }
        stop_sharing(&txn, &client, None, CONSENT_EXPIRED, &mailing, now).await?;
        txn.commit().await?;
        stopped += 1;
    }
    Ok(stopped)
}

/// First-contact escalations: for each referral still without first contact, the e-mails to
/// coordinators due on days 3 and 6 (each once, by its idempotency key). Run by a worker.
pub async fn escalate_waiting(
    db: &DatabaseConnection,
    public_origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let open = referral::Entity::find()
        .filter(referral::Column::FirstContactAt.is_null())
        .filter(referral::Column::Status.is_in([
            ReferralStatus::Submitted.as_str(),
            ReferralStatus::GuideProposed.as_str(),
            ReferralStatus::Accepted.as_str(),
        ]))
        .all(db)
        .await?;
    let coordinators = users_with_role(db, Role::Coordinator).await?;
    let mut queued = 0;
    for row in open {
        for day in rules::escalations_due(row.submitted_at, row.first_contact_at, now) {
            for coordinator in &coordinators {
                let link = format!("{public_origin}/referrals/{}", row.id);
                let mail = emails::first_contact_overdue(
                    coordinator,
                    &link,
                    day,
                    format!("first_contact:{}:day{day}:{}", row.id, coordinator.id),
                );
                if outbox::enqueue(db, mail, now).await? == outbox::Enqueued::Queued {
                    queued += 1;
                }
            }
        }
    }
    Ok(queued)
}
