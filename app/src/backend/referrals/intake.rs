//! A referral coming in and being looked at: the topics a client can need help with, a social
//! worker submitting a referral (with the client's consent), the referrals each person may
//! see, and one referral with its timeline and proposals.

use crate::backend::db::begin_write;
use crate::backend::error::stored;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{consents_of, event, load};
use crate::{
    backend::{
        audit,
        ctx::Ctx,
        emails,
        entities::{client, consent, proposal, referral, referral_event, topic},
        people::{active_users_with_role, names},
    },
    domain::{
        accounts::{PersonName, Phone},
        ids::{ClientId, UserId},
        languages::Languages,
        matching::{gender_name, parse_gender},
        paging, places,
        policy::{Action, Resource, can},
        referrals::{self as rules, ContactChannel, ReferralStatus, first_name, stored_codes, ticked},
        roles::Role,
        text,
        time::parse_date,
        validation::{FormErrors, ValidationCode},
    },
    dto::{
        AppError, Page,
        referrals::{ProposalView, ReferralDetail, ReferralForm, ReferralSummary, TimelineEntry, TopicView},
    },
};

pub async fn topics(db: &impl ConnectionTrait) -> Result<Vec<TopicView>, AppError> {
    Ok(topic::Entity::find()
        .order_by_asc(topic::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TopicView { code: t.code, name_fi: t.name_fi, name_sv: t.name_sv, name_en: t.name_en })
        .collect())
}

/// Submits a referral: the client (minimal data), their consent, the referral, its first event
/// and an e-mail to each coordinator, in one transaction.
pub async fn submit(ctx: &Ctx, form: &ReferralForm) -> Result<i64, AppError> {
    ctx.authorize(Action::SubmitReferral, &Resource::Nothing, audit::entity::CLIENT, None).await?;
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
    let txn = begin_write(&ctx.db).await?;
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
        anonymised_at: Set(None),
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
    for coordinator in active_users_with_role(&txn, Role::Coordinator).await? {
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

fn summary(
    row: &referral::Model,
    client: &client::Model,
    names: &HashMap<i64, String>,
    now: DateTime<Utc>,
) -> Result<ReferralSummary, AppError> {
    Ok(ReferralSummary {
        id: row.id,
        client_id: ClientId(client.id),
        client_name: client.display_name.clone(),
        place: client.municipality.clone(),
        status: stored(&row.status)?,
        urgent: row.urgent,
        submitted_at: row.submitted_at.to_rfc3339(),
        clock: rules::clock(row.submitted_at, row.first_contact_at, now),
        guide_name: row.guide_id.and_then(|g| names.get(&g).cloned()),
        referred_by_name: row.referred_by.and_then(|s| names.get(&s).cloned()),
        needs: stored_codes(&row.needs),
    })
}

/// After the referral `after` in the order the list is shown (`None`: from the start).
fn after_in_order(row: &referral::Model, newest_first: bool) -> Condition {
    let (later, same_time_later) = if newest_first {
        (referral::Column::SubmittedAt.lt(row.submitted_at), referral::Column::Id.lt(row.id))
    } else {
        (referral::Column::SubmittedAt.gt(row.submitted_at), referral::Column::Id.gt(row.id))
    };
    Condition::any()
        .add(later)
        .add(Condition::all().add(referral::Column::SubmittedAt.eq(row.submitted_at)).add(same_time_later))
}

/// Whether a part of the queue holds referrals whose client has been reached.
#[derive(Clone, Copy)]
enum Reached {
    No,
    Yes,
}

/// One part of the coordinator's queue: open referrals, waiting for first contact or reached,
/// longest waiting first (each part read in order off its own index).
fn queue(reached: Reached) -> sea_orm::Select<referral::Entity> {
    let closed: Vec<&str> = <ReferralStatus as strum::IntoEnumIterator>::iter()
        .filter(|s| s.is_closed())
        .map(ReferralStatus::as_str)
        .collect();
    let first_contact = match reached {
        Reached::No => referral::Column::FirstContactAt.is_null(),
        Reached::Yes => referral::Column::FirstContactAt.is_not_null(),
    };
    referral::Entity::find()
        .filter(referral::Column::Status.is_not_in(closed))
        .filter(first_contact)
        .order_by_asc(referral::Column::SubmittedAt)
        .order_by_asc(referral::Column::Id)
}

/// Social workers see the referrals they made, newest first; coordinators see every open
/// referral: those still waiting for first contact first, longest waiting first, then those
/// reached (the queue). A page at a time after the referral `after`; each listed client is an
/// audited read. At most six queries whatever the page holds.
pub async fn list(ctx: &Ctx, after: Option<i64>, size: u64) -> Result<Page<ReferralSummary>, AppError> {
    ctx.authorize(Action::ListReferrals, &Resource::Nothing, audit::entity::CLIENT, None).await?;
    let coordinator = ctx.actor.roles.has(Role::Coordinator);
    let cursor = match after {
        Some(id) => {
            let row = referral::Entity::find_by_id(id).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
            // A cursor is the actor's own row: never a way to learn where another's sorts.
            if !coordinator && row.referred_by != Some(ctx.actor_id()) {
                return Err(AppError::NotFound);
            }
            Some(row)
        }
        None => None,
    };
    let rows = if coordinator {
        let cursor_reached = cursor.as_ref().is_some_and(|c| c.first_contact_at.is_some());
        let mut rows = Vec::new();
        if !cursor_reached {
            let mut waiting = queue(Reached::No);
            if let Some(c) = &cursor {
                waiting = waiting.filter(after_in_order(c, false));
            }
            rows = waiting.limit(size + 1).all(&ctx.db).await?;
        }
        if (rows.len() as u64) <= size {
            let mut reached = queue(Reached::Yes);
            if let Some(c) = cursor.as_ref().filter(|_| cursor_reached) {
                reached = reached.filter(after_in_order(c, false));
            }
            rows.extend(reached.limit(size + 1 - rows.len() as u64).all(&ctx.db).await?);
        }
        rows
    } else {
        let mut own = referral::Entity::find()
            .filter(referral::Column::ReferredBy.eq(ctx.actor_id()))
            .order_by_desc(referral::Column::SubmittedAt)
            .order_by_desc(referral::Column::Id);
        if let Some(c) = &cursor {
            own = own.filter(after_in_order(c, true));
        }
        own.limit(size + 1).all(&ctx.db).await?
    };
    let (rows, more) = paging::split(rows, size);
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
    let next = if more { rows.last().map(|r| r.id) } else { None };
    Ok(Page {
        rows: rows
            .iter()
            .filter_map(|r| clients.get(&r.client_id).map(|c| summary(r, c, &names, ctx.now)))
            .collect::<Result<_, _>>()?,
        next,
    })
}

fn proposal_view(p: proposal::Model, names: &HashMap<i64, String>) -> Result<ProposalView, AppError> {
    Ok(ProposalView {
        id: p.id,
        guide_id: UserId(p.guide_id),
        guide_name: names.get(&p.guide_id).cloned().unwrap_or_default(),
        milli_score: p.milli_score.max(0) as u32,
        contributions: serde_json::from_str(&p.explanation).unwrap_or_default(),
        chosen_by: stored(&p.chosen_by)?,
        response: stored(&p.response)?,
        reason: p.reason,
        proposed_at: p.proposed_at.to_rfc3339(),
    })
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
    let mut summary = summary(&row, &client, &names, ctx.now)?;
    if !in_full {
        summary.client_name = first_name(&client.display_name);
    }
    Ok(ReferralDetail {
        summary,
        client_words: row.client_words.clone(),
        languages: Languages::from_stored(&client.languages).iter().map(str::to_owned).collect(),
        contact_channel: if in_full { Some(stored(&client.contact_channel)?) } else { None },
        guide_wishes: client.guide_wishes.clone(),
        preferred_gender: client.preferred_gender.clone(),
        needs_rides: client.needs_rides,
        first_contact_at: row.first_contact_at.map(|at| at.to_rfc3339()),
        first_contact_channel: row.first_contact_channel.as_deref().map(stored).transpose()?,
        timeline: events
            .into_iter()
            .map(|e| {
                Ok(TimelineEntry {
                    event: stored(&e.event)?,
                    at: e.at.to_rfc3339(),
                    actor_name: e.actor_id.and_then(|a| names.get(&a).cloned()),
                    // Notes carry other guides' reasons and earlier endings: only in full.
                    note: e.note.filter(|_| in_full),
                })
            })
            .collect::<Result<_, AppError>>()?,
        proposals: proposals.into_iter().map(|p| proposal_view(p, &names)).collect::<Result<_, _>>()?,
        consents: if in_full { consents_of(&ctx.db, client.id).await? } else { Vec::new() },
        topics: topics(&ctx.db).await?,
        can_propose,
        in_full,
    })
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, QuerySelect, QueryTrait, Statement};

    use super::{Reached, queue};

    /// Each part of the queue is read in order off an index and stops after its page, instead
    /// of sorting every referral of a region for each page.
    #[tokio::test]
    async fn a_page_of_the_queue_is_read_in_order_off_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("queue.db").display());
        // One connection, so the statistics below are the ones the plan is made with.
        let db = crate::backend::db::connect_and_migrate(&url, 1).await.unwrap();
        // SQLite plans an empty table as one to scan; tell it the table holds a region's
        // referrals (10,000, about one in eight waiting for first contact), as its statistics
        // would after ANALYZE.
        db.execute_unprepared(
            "ANALYZE; \
             INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES \
               ('referrals', 'referrals_waiting', '10000 1250 1 1'), \
               ('referrals', 'referrals_submission', '10000 1 1 1 1'), \
               ('referrals', 'referrals_status', '10000 2500 1'); \
             ANALYZE sqlite_schema;",
        )
        .await
        .unwrap();
        for reached in [Reached::No, Reached::Yes] {
            let query = queue(reached).limit(51).build(DbBackend::Sqlite);
            let plan = db
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    format!("EXPLAIN QUERY PLAN {}", query.sql),
                    query.values.map(|v| v.0).unwrap_or_default(),
                ))
                .await
                .unwrap()
                .iter()
                .map(|row| row.try_get_by_index::<String>(3).unwrap())
                .collect::<Vec<_>>()
                .join("; ");
            assert!(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "the queue sorts every referral: {plan}");
        }
    }
}
