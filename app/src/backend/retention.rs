//! The retention timer: once a client's guidance has been closed for the configured months
//! (12 by default), their personal details are cleared in every table that holds them, while
//! the rows, dates, codes and numbers stay, so counts, payroll figures and statistics still
//! add up. Rinnalla is a working tool; the official record is the social worker's system, and
//! the summary made at the ending went there. The audit trail keeps who saw what (it names the
//! client by id only) and records the clearing itself.
//!
//! Which clients are due is decided by `domain::retention`; this module finds them a chunk at a
//! time (a constant number of queries per chunk), and clears each in a transaction of its own,
//! so that one failure does not stop the run and no client is ever left half cleared.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Value},
};

use super::{
    audit::{self, Event, Outcome, entity},
    db::begin_write,
    entities::{
        client, consent, ending, ending_service, goal, goal_step, goal_wording, guidance_period,
        guide_exclusion, outbox_message, outing_signup, proposal, referral, referral_event, review,
        review_goal_decision, reward, reward_rule, reward_scheme, ride_leg, transfer, visit,
    },
    guidance::local_date,
};
use crate::{
    domain::{
        referrals::ReferralStatus,
        retention::{self as rules, History, Retention},
    },
    dto::AppError,
};

/// Clients looked at per round of queries.
const CHUNK: u64 = 500;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Run {
    /// Clients whose details were cleared.
    pub cleared: u64,
    /// Clients that could not be cleared this time (tried again on the next run).
    pub failed: u64,
    /// Old e-mails deleted from the outbox.
    pub mails_deleted: u64,
}

/// The name a cleared client is shown by: their number, which says nothing of them.
pub fn placeholder_name(client_id: i64) -> String {
    format!("#{client_id}")
}

/// Clears the details of every client whose guidance closed at least `months` ago, and deletes
/// e-mails sent or given up on as long ago (they are how details travelled, not a record).
pub async fn run(db: &DatabaseConnection, months: u32, now: DateTime<Utc>) -> Result<Run, AppError> {
    let today = local_date(now);
    let mut done = Run::default();
    let mut after = 0i64;
    loop {
        // Clients not cleared yet and without a guide: those in guidance are never due.
        let candidates: Vec<i64> = client::Entity::find()
            .select_only()
            .column(client::Column::Id)
            .filter(client::Column::AnonymisedAt.is_null())
            .filter(client::Column::GuideId.is_null())
            .filter(client::Column::Id.gt(after))
            .order_by_asc(client::Column::Id)
            .limit(CHUNK)
            .into_tuple()
            .all(db)
            .await?;
        let Some(&last) = candidates.last() else { break };
        after = last;
        for (client_id, history) in histories(db, &candidates).await? {
            if let Retention::Due(_) = rules::retention(history, months, today) {
                match clear(db, client_id, now).await {
                    Ok(()) => done.cleared += 1,
                    Err(error) => {
                        tracing::warn!(client_id, ?error, "could not clear a client's details");
                        done.failed += 1;
                    }
                }
            }
        }
    }
    if let Some(before) = now.checked_sub_months(chrono::Months::new(months)) {
        done.mails_deleted = outbox_message::Entity::delete_many()
            .filter(outbox_message::Column::Status.is_in(["sent", "dead"]))
            .filter(outbox_message::Column::CreatedAt.lt(before))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(done)
}

/// The retention history of each of `clients`, in two queries.
async fn histories(db: &impl ConnectionTrait, clients: &[i64]) -> Result<Vec<(i64, History)>, AppError> {
    let mut by_client: HashMap<i64, History> = clients
        .iter()
        .map(|&id| (id, History { open: false, last_closed_on: None, cleared: false }))
        .collect();
    let periods = guidance_period::Entity::find()
        .filter(guidance_period::Column::ClientId.is_in(clients.iter().copied()))
        .all(db)
        .await?;
    for p in periods {
        let Some(h) = by_client.get_mut(&p.client_id) else { continue };
        match p.ended_at {
            None => h.open = true,
            Some(ended) => h.last_closed_on = h.last_closed_on.max(Some(local_date(ended))),
        }
    }
    let referrals = referral::Entity::find()
        .filter(referral::Column::ClientId.is_in(clients.iter().copied()))
        .all(db)
        .await?;
    for r in referrals {
        let Some(h) = by_client.get_mut(&r.client_id) else { continue };
        // A referral in the queue or in guidance is open; one that ended, was declined or was
        // withdrawn closed when it last changed.
        let closed = r.status.parse::<ReferralStatus>().map(ReferralStatus::is_closed).unwrap_or(false);
        if closed {
            h.last_closed_on = h.last_closed_on.max(Some(local_date(r.updated_at)));
        } else {
            h.open = true;
        }
    }
    let mut out: Vec<(i64, History)> = by_client.into_iter().collect();
    out.sort_by_key(|(id, _)| *id);
    Ok(out)
}

/// Sets `column` to `value` in every row of `E` matching `filter`.
async fn set<E: EntityTrait>(
    db: &impl ConnectionTrait,
    values: &[(E::Column, Value)],
    filter: sea_orm::sea_query::SimpleExpr,
) -> Result<(), AppError> {
    let mut update = E::update_many().filter(filter);
    for (column, value) in values {
        update = update.col_expr(*column, Expr::value(value.clone()));
    }
    update.exec(db).await?;
    Ok(())
}

fn none() -> Value {
    Value::String(None)
}

fn blank() -> Value {
    Value::String(Some(String::new()))
}

/// Clears one client's details everywhere, in one transaction, per `domain::retention::Cleared`,
/// and records it in the audit trail.
pub async fn clear(db: &DatabaseConnection, client_id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    use sea_orm::sea_query::Query;

    let txn = begin_write(db).await?;
    // Name, phone, pickup address, municipality, languages and wishes.
    set::<client::Entity>(
        &txn,
        &[
            (client::Column::DisplayName, Value::String(Some(placeholder_name(client_id)))),
            (client::Column::Municipality, blank()),
            (client::Column::Phone, none()),
            (client::Column::PickupAddress, none()),
            (client::Column::Languages, blank()),
            (client::Column::PreferredGender, none()),
            (client::Column::GuideWishes, none()),
            (client::Column::AnonymisedAt, Value::ChronoDateTimeUtc(Some(now))),
            (client::Column::UpdatedAt, Value::ChronoDateTimeUtc(Some(now))),
        ],
        client::Column::Id.eq(client_id),
    )
    .await?;
    set::<consent::Entity>(
        &txn,
        &[(consent::Column::SharedWith, blank())],
        consent::Column::ClientId.eq(client_id),
    )
    .await?;

    // The referrals: the needs, the client's words, the timeline's notes, the reasons.
    let referrals = Query::select()
        .column(referral::Column::Id)
        .from(referral::Entity)
        .and_where(referral::Column::ClientId.eq(client_id))
        .to_owned();
    set::<referral::Entity>(
        &txn,
        &[(referral::Column::Needs, blank()), (referral::Column::ClientWords, blank())],
        referral::Column::ClientId.eq(client_id),
    )
    .await?;
    set::<referral_event::Entity>(
        &txn,
        &[(referral_event::Column::Note, none())],
        referral_event::Column::ReferralId.in_subquery(referrals.clone()),
    )
    .await?;
    set::<proposal::Entity>(
        &txn,
        &[
            (proposal::Column::Reason, none()),
            (proposal::Column::Explanation, Value::String(Some("[]".into()))),
        ],
        proposal::Column::ReferralId.in_subquery(referrals),
    )
    .await?;
    set::<transfer::Entity>(
        &txn,
        &[(transfer::Column::Reason, blank())],
        transfer::Column::ClientId.eq(client_id),
    )
    .await?;
    set::<guide_exclusion::Entity>(
        &txn,
        &[(guide_exclusion::Column::Reason, blank())],
        guide_exclusion::Column::ClientId.eq(client_id),
    )
    .await?;
    set::<guidance_period::Entity>(
        &txn,
        &[(guidance_period::Column::EndingReason, none())],
        guidance_period::Column::ClientId.eq(client_id),
    )
    .await?;

    // Goals: the words, why they mattered, earlier wordings, steps, reasons for letting go.
    let goals = Query::select()
        .column(goal::Column::Id)
        .from(goal::Entity)
        .and_where(goal::Column::ClientId.eq(client_id))
        .to_owned();
    set::<goal::Entity>(
        &txn,
        &[(goal::Column::Words, blank()), (goal::Column::Why, none()), (goal::Column::StatusReason, none())],
        goal::Column::ClientId.eq(client_id),
    )
    .await?;
    set::<goal_step::Entity>(
        &txn,
        &[(goal_step::Column::Words, blank())],
        goal_step::Column::GoalId.in_subquery(goals.clone()),
    )
    .await?;
    set::<goal_wording::Entity>(
        &txn,
        &[(goal_wording::Column::Words, blank()), (goal_wording::Column::Why, none())],
        goal_wording::Column::GoalId.in_subquery(goals),
    )
    .await?;

    // The reward scheme's words; the amounts and the ledger stay.
    let schemes = Query::select()
        .column(reward_scheme::Column::Id)
        .from(reward_scheme::Entity)
        .and_where(reward_scheme::Column::ClientId.eq(client_id))
        .to_owned();
    set::<reward_rule::Entity>(
        &txn,
        &[(reward_rule::Column::What, blank())],
        reward_rule::Column::SchemeId.in_subquery(schemes.clone()),
    )
    .await?;
    set::<reward::Entity>(
        &txn,
        &[(reward::Column::What, blank())],
        reward::Column::SchemeId.in_subquery(schemes),
    )
    .await?;

    // Reviews and endings: notes, what was agreed, the client's evaluation, the summary.
    let reviews = Query::select()
        .column(review::Column::Id)
        .from(review::Entity)
        .and_where(review::Column::ClientId.eq(client_id))
        .to_owned();
    set::<review::Entity>(&txn, &[(review::Column::Note, none())], review::Column::ClientId.eq(client_id))
        .await?;
    set::<review_goal_decision::Entity>(
        &txn,
        &[
            (review_goal_decision::Column::Words, none()),
            (review_goal_decision::Column::Reason, none()),
            (review_goal_decision::Column::Note, none()),
        ],
        review_goal_decision::Column::ReviewId.in_subquery(reviews),
    )
    .await?;
    let endings = Query::select()
        .column(ending::Column::Id)
        .from(ending::Entity)
        .and_where(ending::Column::ClientId.eq(client_id))
        .to_owned();
    set::<ending::Entity>(
        &txn,
        &[
            (ending::Column::StartedFrom, none()),
            (ending::Column::NowAt, none()),
            (ending::Column::WhatHelped, none()),
            (ending::Column::GuideNote, none()),
            (ending::Column::SocialWorkerNote, none()),
            (ending::Column::SummaryText, none()),
        ],
        ending::Column::ClientId.eq(client_id),
    )
    .await?;
    set::<ending_service::Entity>(
        &txn,
        &[(ending_service::Column::Name, none())],
        ending_service::Column::EndingId.in_subquery(endings),
    )
    .await?;

    // Outing sign-ups: where they were picked up, how they came, why they were moved up; the
    // statuses and attendance stay.
    set::<outing_signup::Entity>(
        &txn,
        &[
            (outing_signup::Column::PickupPlace, none()),
            (outing_signup::Column::OwnTransport, none()),
            (outing_signup::Column::MovedUpReason, none()),
        ],
        outing_signup::Column::ClientId.eq(client_id),
    )
    .await?;

    // Visits: places, addresses, ride stops, outcome notes and reasons; kinds, times, minutes
    // and kilometres stay for payroll.
    let visits = Query::select()
        .column(visit::Column::Id)
        .from(visit::Entity)
        .and_where(visit::Column::ClientId.eq(client_id))
        .to_owned();
    set::<visit::Entity>(
        &txn,
        &[
            (visit::Column::Place, blank()),
            (visit::Column::Address, none()),
            (visit::Column::OutcomeNote, none()),
            (visit::Column::ExcessReason, none()),
        ],
        visit::Column::ClientId.eq(client_id),
    )
    .await?;
    set::<ride_leg::Entity>(
        &txn,
        &[(ride_leg::Column::FromPlace, blank()), (ride_leg::Column::ToPlace, blank())],
        ride_leg::Column::VisitId.in_subquery(visits),
    )
    .await?;

    audit::record(
        &txn,
        Event {
            at: now,
            actor: None,
            action: "retention_clear",
            entity: entity::CLIENT,
            entity_id: Some(client_id.to_string()),
            purpose: Some("retention"),
            outcome: Outcome::Allowed,
            request_id: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
