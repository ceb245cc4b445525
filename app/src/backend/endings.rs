//! The ending held together: its page (the open goals to agree on, the situation and the
//! services to talk through), holding it (the ending's record, each goal's outcome and last
//! face, the period closed and access ended in one transaction), and the summary for the
//! official client record, made then in the referring social worker's language and kept as
//! text, since that is what was pasted into the record. Reading is an audited access like the
//! goals; holding needs the right to end the guidance.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use super::{
    clients,
    ctx::Ctx,
    db::begin_write,
    emails,
    entities::{
        client, ending, ending_factor, ending_service, goal, goal_rating, goal_step, guidance_period,
        ride_leg, user, visit,
    },
    error::stored,
    goals::{authorized, insert_rating},
    guidance::{self, local_date},
};
use crate::{
    domain::{
        ending::{
            self as rules, ClientEvaluation, EndingForm, Factor, FactorForm, GoalOutcome, GoalOutcomeForm,
            ServiceForm, ServiceUsed, SituationFactor,
        },
        goals::GoalStatus,
        ids::{ClientId, GoalId},
        policy::{Action, can},
        ratings::{Face, RatingOccasion},
        summary::{self, DoneVisit, GoalInSummary, SummaryInput},
        time::{HELSINKI, start_of_day},
        visits::{VisitKind, VisitStatus},
    },
    dto::{
        AppError,
        endings::{
            EndingFormData, EndingPage, GoalAtEnding, GoalEnded, HeldEnding, SERVICE_LINES, SummaryPage,
        },
    },
    i18n::Locale,
    words,
};

fn face_of(value: i16) -> Option<Face> {
    u8::try_from(value).ok().and_then(Face::new)
}

const OPEN: [&str; 2] = [GoalStatus::Active.as_str(), GoalStatus::Paused.as_str()];

/// The goals set in `period`'s guidance: those of its referral (a change of guide keeps them),
/// or, for a period without one, those set since it started.
async fn goals_of(
    db: &impl ConnectionTrait,
    period: &guidance_period::Model,
    only_open: bool,
) -> Result<Vec<goal::Model>, AppError> {
    let mut query = goal::Entity::find().filter(goal::Column::ClientId.eq(period.client_id));
    query = match period.referral_id {
        Some(referral) => query.filter(goal::Column::ReferralId.eq(referral)),
        None => query
            .filter(goal::Column::ReferralId.is_null())
            .filter(goal::Column::SetOn.gte(local_date(period.started_at))),
    };
    if only_open {
        query = query.filter(goal::Column::Status.is_in(OPEN));
    }
    Ok(query
        .order_by_asc(goal::Column::SetOn)
        .order_by_asc(goal::Column::Position)
        .order_by_asc(goal::Column::Id)
        .all(db)
        .await?)
}

/// The steps and the faces of `goals`, in two queries.
async fn steps_and_faces(
    db: &impl ConnectionTrait,
    goals: &[goal::Model],
) -> Result<(Vec<goal_step::Model>, Vec<goal_rating::Model>), AppError> {
    if goals.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let ids: Vec<i64> = goals.iter().map(|g| g.id).collect();
    let steps =
        goal_step::Entity::find().filter(goal_step::Column::GoalId.is_in(ids.clone())).all(db).await?;
    let ratings = goal_rating::Entity::find()
        .filter(goal_rating::Column::GoalId.is_in(ids))
        .order_by_asc(goal_rating::Column::RatedOn)
        .order_by_asc(goal_rating::Column::Id)
        .all(db)
        .await?;
    Ok((steps, ratings))
}

/// The latest ending of the client and the period it closed.
async fn latest(
    db: &impl ConnectionTrait,
    client_id: i64,
) -> Result<Option<(ending::Model, guidance_period::Model)>, AppError> {
    let Some(row) = ending::Entity::find()
        .filter(ending::Column::ClientId.eq(client_id))
        .order_by_desc(ending::Column::HeldOn)
        .order_by_desc(ending::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let period = super::error::find::<guidance_period::Entity>(db, row.period_id).await?;
    Ok(Some((row, period)))
}

/// The ending page of a client: the form while guidance is open, and the latest ending held.
pub async fn page(ctx: &Ctx, client_id: ClientId) -> Result<EndingPage, AppError> {
    let client = authorized(ctx, client_id.0, Action::ViewGoals).await?;
    let period = guidance::open_period(&ctx.db, client.id).await?;
    let mut goals = Vec::new();
    if let Some(period) = &period {
        let open = goals_of(&ctx.db, period, true).await?;
        let (steps, ratings) = steps_and_faces(&ctx.db, &open).await?;
        let last: HashMap<i64, Face> =
            ratings.iter().filter_map(|r| Some((r.goal_id, face_of(r.face)?))).collect();
        for g in &open {
            let of_goal = steps.iter().filter(|s| s.goal_id == g.id);
            goals.push(GoalAtEnding {
                id: GoalId(g.id),
                words: g.words.clone(),
                status: stored(&g.status)?,
                last_face: last.get(&g.id).copied(),
                steps_done: of_goal.clone().filter(|s| s.done_on.is_some()).count(),
                steps: of_goal.count(),
            });
        }
    }
    let held = match latest(&ctx.db, client.id).await? {
        Some((row, ended)) => Some(held(&ctx.db, row, &ended).await?),
        None => None,
    };
    let may_hold =
        period.is_some() && can(&ctx.actor, Action::EndGuidance, &clients::resource(&client)).is_allowed();
    Ok(EndingPage {
        client_id: ClientId(client.id),
        client_name: client.display_name,
        today: local_date(ctx.now),
        started_on: period.as_ref().map(|p| local_date(p.started_at)),
        planned_end: period.as_ref().map(|p| p.planned_end),
        goals,
        may_hold,
        held,
    })
}

/// The situation factors and services talked about at an ending, as agreed.
async fn factors_and_services(
    db: &impl ConnectionTrait,
    ending_id: i64,
) -> Result<(Vec<Factor>, Vec<ServiceUsed>), AppError> {
    let factors = ending_factor::Entity::find()
        .filter(ending_factor::Column::EndingId.eq(ending_id))
        .order_by_asc(ending_factor::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(|f| Ok(Factor { factor: stored(&f.factor)?, effect: stored(&f.effect)? }))
        .collect::<Result<_, AppError>>()?;
    let services = ending_service::Entity::find()
        .filter(ending_service::Column::EndingId.eq(ending_id))
        .order_by_asc(ending_service::Column::Position)
        .all(db)
        .await?
        .iter()
        .map(|s| {
            Ok(ServiceUsed {
                kind: stored(&s.kind)?,
                name: s.name.clone(),
                newly_connected: s.newly_connected,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok((factors, services))
}

async fn held(
    db: &impl ConnectionTrait,
    row: ending::Model,
    period: &guidance_period::Model,
) -> Result<HeldEnding, AppError> {
    let (factors, services) = factors_and_services(db, row.id).await?;
    let goals = goals_of(db, period, false).await?;
    let (_, ratings) = steps_and_faces(db, &goals).await?;
    let at_ending: HashMap<i64, Face> = ratings
        .iter()
        .filter(|r| r.occasion == RatingOccasion::Ending.as_str())
        .filter_map(|r| Some((r.goal_id, face_of(r.face)?)))
        .collect();
    let mut ended = Vec::new();
    for g in goals.iter().filter(|g| g.outcome.is_some()) {
        ended.push(GoalEnded {
            words: g.words.clone(),
            outcome: g.outcome.as_deref().map(stored).transpose()?,
            face: at_ending.get(&g.id).copied(),
        });
    }
    Ok(HeldEnding {
        held_on: row.held_on,
        evaluation: ClientEvaluation {
            started_from: row.started_from,
            now_at: row.now_at,
            what_helped: row.what_helped,
        },
        guide_note: row.guide_note,
        social_worker_note: row.social_worker_note,
        goals: ended,
        factors,
        services,
        summary: row.summary_text,
    })
}

/// Holds the ending: checks the whole form first, then in one transaction writes the ending
/// with its factors and services, each open goal's outcome and face, closes the guidance
/// (planned visits cancelled, the guide's access ended) and makes the summary. The social
/// worker is told that it waits, unless they recorded it themselves. Returns whether the
/// actor may still read the client (a guide no longer may).
pub async fn hold(ctx: &Ctx, client_id: ClientId, form: &EndingFormData) -> Result<bool, AppError> {
    let client = authorized(ctx, client_id.0, Action::EndGuidance).await?;
    let period = guidance::open_period(&ctx.db, client.id).await?.ok_or(AppError::Conflict)?;
    let open = goals_of(&ctx.db, &period, true).await?;
    let goal_keys: Vec<(String, String)> =
        open.iter().map(|g| (format!("goal_{}_outcome", g.id), format!("goal_{}_face", g.id))).collect();
    let goal_forms: Vec<GoalOutcomeForm<'_>> = open
        .iter()
        .zip(&goal_keys)
        .map(|(g, (outcome, face))| GoalOutcomeForm {
            goal: GoalId(g.id),
            outcome: form.line(outcome),
            face: form.line(face),
        })
        .collect();
    use strum::IntoEnumIterator;
    let factor_keys: Vec<(SituationFactor, String)> =
        SituationFactor::iter().map(|f| (f, format!("factor_{}", f.as_str()))).collect();
    let factor_forms: Vec<FactorForm<'_>> = factor_keys
        .iter()
        .map(|(factor, key)| FactorForm { factor: *factor, effect: form.line(key) })
        .collect();
    let service_keys: Vec<[String; 3]> = (1..=SERVICE_LINES.max(form_service_lines(form)))
        .map(|n| [format!("service_{n}_kind"), format!("service_{n}_name"), format!("service_{n}_new")])
        .collect();
    let service_forms: Vec<ServiceForm<'_>> = service_keys
        .iter()
        .map(|[kind, name, new]| ServiceForm {
            kind: form.line(kind),
            name: form.line(name),
            newly_connected: form.line(new),
        })
        .collect();
    let typed = EndingForm {
        held_on: &form.held_on,
        started_from: &form.started_from,
        now_at: &form.now_at,
        what_helped: &form.what_helped,
        guide_note: &form.guide_note,
        social_worker_note: &form.social_worker_note,
        goals: &goal_forms,
        factors: &factor_forms,
        services: &service_forms,
    };
    let agreed = rules::parse_ending(&typed, local_date(ctx.now), local_date(period.started_at))
        .map_err(AppError::Validation)?;

    let txn = begin_write(&ctx.db).await?;
    // Closing first decides the race: of two endings sent at once, one finds the period open.
    guidance::close_guidance(&txn, ctx, &client, &period, None).await?;
    let row = ending::ActiveModel {
        id: NotSet,
        client_id: Set(client.id),
        period_id: Set(period.id),
        held_on: Set(agreed.held_on),
        visit_id: Set(None),
        started_from: Set(agreed.evaluation.started_from.clone()),
        now_at: Set(agreed.evaluation.now_at.clone()),
        what_helped: Set(agreed.evaluation.what_helped.clone()),
        guide_note: Set(agreed.guide_note.clone()),
        social_worker_note: Set(agreed.social_worker_note.clone()),
        summary_text: Set(None),
        summary_made_at: Set(None),
        recorded_by: Set(Some(ctx.actor_id())),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
    }
    .insert(&txn)
    .await?;
    for f in &agreed.factors {
        ending_factor::ActiveModel {
            id: NotSet,
            ending_id: Set(row.id),
            factor: Set(f.factor.as_str().to_owned()),
            effect: Set(f.effect.as_str().to_owned()),
        }
        .insert(&txn)
        .await?;
    }
    for (position, s) in agreed.services.iter().enumerate() {
        ending_service::ActiveModel {
            id: NotSet,
            ending_id: Set(row.id),
            position: Set(position as i32),
            kind: Set(s.kind.as_str().to_owned()),
            name: Set(s.name.clone()),
            newly_connected: Set(s.newly_connected),
        }
        .insert(&txn)
        .await?;
    }
    let by_id: HashMap<i64, &goal::Model> = open.iter().map(|g| (g.id, g)).collect();
    for at_end in &agreed.goals {
        let Some(g) = by_id.get(&at_end.goal.0) else { continue };
        let mut update = (*g).clone().into_active_model();
        update.outcome = Set(Some(at_end.outcome.as_str().to_owned()));
        // A goal reached is closed as reached; the others keep their status with the outcome.
        if at_end.outcome == GoalOutcome::Reached {
            update.status = Set(GoalStatus::Reached.as_str().to_owned());
            update.status_changed_at = Set(Some(ctx.now));
        }
        update.updated_at = Set(ctx.now);
        update.update(&txn).await?;
        if let Some(face) = at_end.face {
            let on = agreed.held_on.max(g.set_on);
            insert_rating(&txn, ctx, g.id, face, on, RatingOccasion::Ending, None).await?;
        }
    }
    let social_worker = match client.referred_by {
        Some(id) => user::Entity::find_by_id(id).one(&txn).await?,
        None => None,
    };
    let input = summary_input(&txn, &period, agreed.held_on, &row).await?;
    // In the social worker's language, who pastes it into the record; else the writer's.
    let reader = match &social_worker {
        Some(account) => Some(account.clone()),
        None => user::Entity::find_by_id(ctx.actor_id()).one(&txn).await?,
    };
    let locale: Locale = reader.and_then(|r| r.locale.parse().ok()).unwrap_or_default();
    let text = words::summary_text(&summary::summary(&input), locale);
    let mut update = row.into_active_model();
    update.summary_text = Set(Some(text));
    update.summary_made_at = Set(Some(ctx.now));
    update.update(&txn).await?;
    if let Some(account) = social_worker.filter(|sw| sw.id != ctx.actor_id()) {
        let link = format!("{}/clients/{}/ending#summary", ctx.mailing.origin, client.id);
        let mail = emails::notice(
            emails::Notice::SummaryReady,
            &account,
            &link,
            format!("summary_ready:{}", period.id),
        );
        ctx.mailing.enqueue(&txn, mail, ctx.now).await?;
    }
    txn.commit().await?;
    let after = client::Model { guide_id: None, ..client };
    Ok(can(&ctx.actor, Action::ViewGoals, &clients::resource(&after)).is_allowed())
}

/// The number of service lines a form sent, so that lines added in the browser are read too
/// (the domain refuses more than it allows).
fn form_service_lines(form: &EndingFormData) -> usize {
    form.lines
        .keys()
        .filter_map(|k| k.strip_prefix("service_")?.split('_').next()?.parse::<usize>().ok())
        .max()
        .unwrap_or(0)
        .min(rules::MAX_SERVICES + 1)
}

/// What the summary may say of the guidance `period` ended on `ended_on`: the goals of the
/// whole guidance (a change of guide keeps it), the visits done since it started, and the
/// ending's allowed part. Read inside the ending's transaction, so it holds the ending's faces.
async fn summary_input(
    db: &impl ConnectionTrait,
    period: &guidance_period::Model,
    ended_on: NaiveDate,
    ending: &ending::Model,
) -> Result<SummaryInput, AppError> {
    let mut started = period.started_at;
    if let Some(referral) = period.referral_id {
        let first = guidance_period::Entity::find()
            .filter(guidance_period::Column::ReferralId.eq(referral))
            .order_by_asc(guidance_period::Column::StartedAt)
            .one(db)
            .await?;
        started = first.map_or(started, |p| p.started_at.min(started));
    }
    let started_on = local_date(started);
    let goals =
        goals_of(db, &guidance_period::Model { started_at: started, ..period.clone() }, false).await?;
    let (steps, ratings) = steps_and_faces(db, &goals).await?;
    let mut in_summary = Vec::with_capacity(goals.len());
    for g in &goals {
        let faces: Vec<Face> =
            ratings.iter().filter(|r| r.goal_id == g.id).filter_map(|r| face_of(r.face)).collect();
        let status: GoalStatus = stored(&g.status)?;
        let of_goal = steps.iter().filter(|s| s.goal_id == g.id);
        in_summary.push(GoalInSummary {
            words: g.words.clone(),
            status,
            outcome: g.outcome.as_deref().map(stored).transpose()?,
            first: faces.first().copied(),
            last: if faces.len() > 1 { faces.last().copied() } else { None },
            steps_done: of_goal.clone().filter(|s| s.done_on.is_some()).count() as u32,
            steps: of_goal.count() as u32,
            let_go_because: (status == GoalStatus::Dropped).then(|| g.status_reason.clone()).flatten(),
        });
    }
    let done = visit::Entity::find()
        .filter(visit::Column::ClientId.eq(period.client_id))
        .filter(visit::Column::Status.eq(VisitStatus::Done.as_str()))
        .filter(visit::Column::StartsAt.gte(start_of_day(started_on, HELSINKI)))
        .order_by_asc(visit::Column::StartsAt)
        .all(db)
        .await?;
    let ids: Vec<i64> = done.iter().map(|v| v.id).collect();
    let mut ride_km: HashMap<i64, u32> = HashMap::new();
    // A guidance has tens of visits, a long one a few hundred: one query, well inside limits.
    if !ids.is_empty() {
        for leg in ride_leg::Entity::find().filter(ride_leg::Column::VisitId.is_in(ids)).all(db).await? {
            *ride_km.entry(leg.visit_id).or_default() += u32::try_from(leg.km_tenths).unwrap_or(0);
        }
    }
    let mut visits = Vec::with_capacity(done.len());
    for v in &done {
        let kind: VisitKind = stored(&v.kind)?;
        let booked = (v.ends_at - v.starts_at).num_minutes();
        let minutes = v.minutes.map_or(booked, i64::from);
        visits.push(DoneVisit {
            kind,
            minutes: u32::try_from(minutes).unwrap_or(0),
            ride_km_tenths: ride_km.get(&v.id).copied(),
        });
    }
    let evaluation = ClientEvaluation {
        started_from: ending.started_from.clone(),
        now_at: ending.now_at.clone(),
        what_helped: ending.what_helped.clone(),
    };
    let (factors, services) = factors_and_services(db, ending.id).await?;
    Ok(SummaryInput {
        started_on,
        ended_on,
        goals: in_summary,
        evaluation,
        factors,
        services,
        visits,
        // Group outings are not recorded yet; the summary counts them once they are.
        outings: Vec::new(),
    })
}

/// The summary of the latest ending on its own page, to copy or print.
pub async fn summary_page(ctx: &Ctx, client_id: ClientId) -> Result<SummaryPage, AppError> {
    let client = authorized(ctx, client_id.0, Action::ViewGoals).await?;
    let (row, _) = latest(&ctx.db, client.id).await?.ok_or(AppError::NotFound)?;
    let text = row.summary_text.ok_or(AppError::NotFound)?;
    Ok(SummaryPage {
        client_id: ClientId(client.id),
        client_name: client.display_name,
        held_on: row.held_on,
        text,
    })
}
