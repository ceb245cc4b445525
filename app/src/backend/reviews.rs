//! The mid-point review: its page, pre-filled from what happened since the start or the last
//! review (visits held and missed, steps done, visit notes, the reward balance), and holding
//! it: per goal the client's face, the guide's note and a decision; overall the outcome, the
//! planned end and the next review date. Reading is an audited access like the goals; holding
//! needs open guidance and the right to change the goals. The page is built in a fixed number
//! of queries, whatever the number of goals, visits and reviews.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, LockType},
};

use super::{
    clients,
    ctx::Ctx,
    db::{begin_write, decided_once},
    entities::{
        goal, goal_rating, goal_step, goal_wording, guidance_period, review, review_goal_decision, visit,
    },
    error::stored,
    goals::{apply_change, authorized, insert_rating, parse_visit, visit_of},
    guidance::{self, local_date},
    rewards,
};
use crate::{
    domain::{
        goals::{GoalChange, GoalStatus},
        ids::{ClientId, GoalId},
        policy::{Action, Resource, can},
        ratings::{Face, RatingOccasion},
        reviews::{self as rules, GoalDecision, GoalDecisionForm, NextReview, ReviewContext, ReviewForm},
        time::{HELSINKI, start_of_day},
        validation::ValidationCode,
        visits::VisitStatus,
    },
    dto::{
        AppError,
        goals::VisitContext,
        reviews::{
            DecisionView, GoalToReview, HeldReview, LATEST_NOTES, PlanView, ReviewFormData, ReviewPage,
            SinceView, StepDone, VisitNote,
        },
    },
};

fn face_of(value: Option<i16>) -> Option<Face> {
    value.and_then(|v| u8::try_from(v).ok()).and_then(Face::new)
}

/// The review page of a client, opened from `visit` (the review meeting) if given.
pub async fn page(ctx: &Ctx, client_id: ClientId, visit: Option<i64>) -> Result<ReviewPage, AppError> {
    let client = authorized(ctx, client_id.0, Action::ViewGoals).await?;
    let today = local_date(ctx.now);
    let period = guidance::open_period(&ctx.db, client.id).await?;
    let visit = visit_of(&ctx.db, client.id, visit).await.ok().flatten();
    let visit_context = match &visit {
        Some(v) => Some(VisitContext { id: v.id, kind: stored(&v.kind)?, date: local_date(v.starts_at) }),
        None => None,
    };
    let reviews = review::Entity::find()
        .filter(review::Column::ClientId.eq(client.id))
        .order_by_desc(review::Column::HeldOn)
        .order_by_desc(review::Column::Id)
        .all(&ctx.db)
        .await?;
    let goals = goal::Entity::find()
        .filter(goal::Column::ClientId.eq(client.id))
        .order_by_asc(goal::Column::SetOn)
        .order_by_asc(goal::Column::Position)
        .order_by_asc(goal::Column::Id)
        .all(&ctx.db)
        .await?;
    let goal_ids: Vec<i64> = goals.iter().map(|g| g.id).collect();
    let review_ids: Vec<i64> = reviews.iter().map(|r| r.id).collect();
    let (decisions, wordings) = if review_ids.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let decisions = review_goal_decision::Entity::find()
            .filter(review_goal_decision::Column::ReviewId.is_in(review_ids.clone()))
            .order_by_asc(review_goal_decision::Column::Id)
            .all(&ctx.db)
            .await?;
        // A goal refined in a review had, in that review, the words its history keeps.
        let wordings = goal_wording::Entity::find()
            .filter(goal_wording::Column::ReviewId.is_in(review_ids))
            .all(&ctx.db)
            .await?;
        (decisions, wordings)
    };
    let words_then: HashMap<(i64, i64), &str> =
        wordings.iter().filter_map(|w| Some(((w.review_id?, w.goal_id), w.words.as_str()))).collect();
    let (steps, ratings) = if goal_ids.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let steps = goal_step::Entity::find()
            .filter(goal_step::Column::GoalId.is_in(goal_ids.clone()))
            .all(&ctx.db)
            .await?;
        let ratings = goal_rating::Entity::find()
            .filter(goal_rating::Column::GoalId.is_in(goal_ids))
            .order_by_asc(goal_rating::Column::RatedOn)
            .order_by_asc(goal_rating::Column::Id)
            .all(&ctx.db)
            .await?;
        (steps, ratings)
    };
    let words: HashMap<i64, &str> = goals.iter().map(|g| (g.id, g.words.as_str())).collect();
    let mut last_face: HashMap<i64, Face> = HashMap::new();
    let mut review_faces: HashMap<(i64, i64), Face> = HashMap::new();
    for r in &ratings {
        if let Some(face) = face_of(Some(r.face)) {
            last_face.insert(r.goal_id, face);
            if let Some(review) = r.review_id {
                review_faces.insert((review, r.goal_id), face);
            }
        }
    }

    let plan = period.as_ref().map(|p| PlanView {
        started_on: local_date(p.started_at),
        planned_end: p.planned_end,
        review_due: p.review_due,
    });
    let since = match &period {
        Some(p) => Some(since(ctx, &client, p, &reviews, &goals, &steps).await?),
        None => None,
    };
    let mut to_review = Vec::new();
    for g in &goals {
        let status: GoalStatus = stored(&g.status)?;
        if status.is_closed() {
            continue;
        }
        let of_goal = steps.iter().filter(|s| s.goal_id == g.id);
        to_review.push(GoalToReview {
            id: GoalId(g.id),
            words: g.words.clone(),
            status,
            last_face: last_face.get(&g.id).copied(),
            steps_done: of_goal.clone().filter(|s| s.done_on.is_some()).count(),
            steps: of_goal.count(),
        });
    }
    let mut held = Vec::with_capacity(reviews.len());
    for r in &reviews {
        let mut views = Vec::new();
        for d in decisions.iter().filter(|d| d.review_id == r.id) {
            views.push(DecisionView {
                goal: words_then
                    .get(&(r.id, d.goal_id))
                    .or_else(|| words.get(&d.goal_id))
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                decision: stored(&d.decision)?,
                words: d.words.clone().or(d.reason.clone()),
                face: review_faces.get(&(r.id, d.goal_id)).copied(),
                note: d.note.clone(),
            });
        }
        held.push(HeldReview {
            held_on: r.held_on,
            outcome: stored(&r.outcome)?,
            next_review: r.next_review,
            planned_end: r.planned_end,
            note: r.note.clone(),
            decisions: views,
        });
    }
    let may_hold =
        period.is_some() && can(&ctx.actor, Action::ManageGoals, &clients::resource(&client)).is_allowed();
    Ok(ReviewPage {
        client_id: ClientId(client.id),
        client_name: client.display_name,
        today,
        visit: visit_context,
        plan,
        since,
        goals: to_review,
        held,
        may_hold,
    })
}

/// What happened in the open period since its start or its last review.
async fn since(
    ctx: &Ctx,
    client: &super::entities::client::Model,
    period: &guidance_period::Model,
    reviews: &[review::Model],
    goals: &[goal::Model],
    steps: &[goal_step::Model],
) -> Result<SinceView, AppError> {
    let last = reviews.iter().find(|r| r.period_id == period.id);
    let from = last.map_or_else(|| local_date(period.started_at), |r| r.held_on);
    let visits = visit::Entity::find()
        .filter(visit::Column::ClientId.eq(client.id))
        .filter(visit::Column::StartsAt.gte(start_of_day(from, HELSINKI)))
        .filter(visit::Column::StartsAt.lt(ctx.now))
        .filter(visit::Column::Status.is_in([VisitStatus::Done.as_str(), VisitStatus::NoShow.as_str()]))
        .order_by_desc(visit::Column::StartsAt)
        .all(&ctx.db)
        .await?;
    let held = visits.iter().filter(|v| v.status == VisitStatus::Done.as_str()).count() as u64;
    let missed = visits.len() as u64 - held;
    let goal_words: HashMap<i64, &str> = goals.iter().map(|g| (g.id, g.words.as_str())).collect();
    let mut steps_done: Vec<StepDone> = steps
        .iter()
        .filter_map(|s| {
            let on = s.done_on.filter(|on| *on >= from)?;
            Some(StepDone { goal: goal_words.get(&s.goal_id)?.to_string(), step: s.words.clone(), on })
        })
        .collect();
    steps_done.sort_by_key(|s| std::cmp::Reverse(s.on));
    // A note is shown to whoever may read that visit: the policy decides here as on its page.
    let mut notes = Vec::new();
    for v in visits.iter().filter(|v| v.outcome_note.is_some()) {
        if notes.len() as u64 >= LATEST_NOTES {
            break;
        }
        let resource = Resource::Visit {
            guide: crate::domain::ids::UserId(v.guide_id),
            client_guide: client.guide_id.map(crate::domain::ids::UserId),
            driver: v.driver_id.map(crate::domain::ids::UserId),
            social_worker: v.social_worker_id.map(crate::domain::ids::UserId),
            referred_by: client.referred_by.map(crate::domain::ids::UserId),
        };
        if !can(&ctx.actor, Action::ViewVisit, &resource).is_allowed() {
            continue;
        }
        notes.push(VisitNote {
            on: local_date(v.starts_at),
            kind: stored(&v.kind)?,
            note: v.outcome_note.clone().unwrap_or_default(),
        });
    }
    let rewards = rewards::view(&ctx.db, client.id).await?.map(|r| (r.unit, r.balance));
    Ok(SinceView {
        from,
        after_review: last.is_some(),
        visits_held: held,
        visits_missed: missed,
        steps_done,
        notes,
        rewards,
    })
}

/// Holds the review: checks the whole form first, then writes the review, each goal's
/// decision, face and note, the goals' changes and the period's new dates in one transaction.
/// A second review of the same period on the same day (a form sent twice) is refused.
pub async fn hold(ctx: &Ctx, client_id: ClientId, form: &ReviewFormData) -> Result<(), AppError> {
    let client = authorized(ctx, client_id.0, Action::ManageGoals).await?;
    let period = guidance::open_period(&ctx.db, client.id).await?.ok_or(AppError::Conflict)?;
    let open: Vec<goal::Model> = goal::Entity::find()
        .filter(goal::Column::ClientId.eq(client.id))
        .filter(goal::Column::Status.is_in([GoalStatus::Active.as_str(), GoalStatus::Paused.as_str()]))
        .order_by_asc(goal::Column::Id)
        .all(&ctx.db)
        .await?;
    let forms: Vec<GoalDecisionForm<'_>> = open
        .iter()
        .map(|g| {
            let id = GoalId(g.id);
            GoalDecisionForm {
                goal: id,
                current_words: &g.words,
                decision: form.goal_field(id, "decision"),
                words: form.goal_field(id, "words"),
                reason: form.goal_field(id, "reason"),
                face: form.goal_field(id, "face"),
                note: form.goal_field(id, "note"),
            }
        })
        .collect();
    let today = local_date(ctx.now);
    let context =
        ReviewContext { today, period_start: local_date(period.started_at), planned_end: period.planned_end };
    let typed = ReviewForm {
        held_on: &form.held_on,
        outcome: &form.outcome,
        next_review: &form.next_review,
        planned_end: &form.planned_end,
        note: &form.note,
        goals: &forms,
    };
    let parsed = rules::parse_review(&typed, &context);
    let visit = parse_visit(&form.visit).map_err(|code| AppError::invalid("visit", code));
    let (review, visit) = match (parsed, visit) {
        (Ok(review), Ok(visit)) => (review, visit),
        (Err(mut errors), Err(AppError::Validation(more))) => {
            errors.extend(more);
            return Err(AppError::Validation(errors));
        }
        (Err(errors), _) => return Err(AppError::Validation(errors)),
        (_, Err(error)) => return Err(error),
    };
    let visit = visit_of(&ctx.db, client.id, visit).await?;

    let txn = begin_write(&ctx.db).await?;
    let mut current = guidance_period::Entity::find_by_id(period.id);
    if txn.get_database_backend() == DbBackend::Postgres {
        current = current.lock(LockType::Update);
    }
    // The form was checked against this plan: changed or ended meanwhile, nothing is written.
    let current = current.one(&txn).await?;
    if current.is_none_or(|p| {
        p.ended_at.is_some() || p.planned_end != period.planned_end || p.started_at != period.started_at
    }) {
        return Err(AppError::Conflict);
    }
    let same_day = review::Entity::find()
        .filter(review::Column::PeriodId.eq(period.id))
        .filter(review::Column::HeldOn.eq(review.held_on))
        .count(&txn)
        .await?;
    if same_day > 0 {
        return Err(AppError::invalid("held_on", ValidationCode::ReviewHeld));
    }
    let row = review::ActiveModel {
        id: NotSet,
        client_id: Set(client.id),
        period_id: Set(period.id),
        held_on: Set(review.held_on),
        visit_id: Set(visit.as_ref().map(|v| v.id)),
        outcome: Set(review.outcome.as_str().to_owned()),
        next_review: Set(match review.next_review {
            Some(NextReview::On(date)) => Some(date),
            _ => None,
        }),
        planned_end: Set(review.planned_end),
        note: Set(review.note.clone()),
        recorded_by: Set(Some(ctx.actor_id())),
        created_at: Set(ctx.now),
    }
    .insert(&txn)
    .await?;
    let by_id: HashMap<i64, &goal::Model> = open.iter().map(|g| (g.id, g)).collect();
    for reviewed in &review.goals {
        let Some(goal_row) = by_id.get(&reviewed.goal.0) else { continue };
        let (words, reason) = match &reviewed.decision {
            GoalDecision::Continue => (None, None),
            GoalDecision::Refine { words } => (Some(words.clone()), None),
            GoalDecision::Drop { reason } => (None, Some(reason.clone())),
        };
        review_goal_decision::ActiveModel {
            id: NotSet,
            review_id: Set(row.id),
            goal_id: Set(goal_row.id),
            decision: Set(reviewed.decision.kind().as_str().to_owned()),
            words: Set(words),
            reason: Set(reason),
            note: Set(reviewed.note.clone()),
        }
        .insert(&txn)
        .await?;
        let status: GoalStatus = stored(&goal_row.status)?;
        let change = match &reviewed.decision {
            GoalDecision::Continue => None,
            // The client's why stays with the goal's new words.
            GoalDecision::Refine { words } => {
                Some((GoalChange::Refine { words: words.clone(), why: goal_row.why.clone() }, status))
            }
            GoalDecision::Drop { reason } => {
                Some((GoalChange::Drop { reason: reason.clone() }, GoalStatus::Dropped))
            }
        };
        if let Some((change, next)) = change {
            apply_change(&txn, ctx, goal_row, status, &change, next, Some(row.id)).await?;
        }
        if let Some(face) = reviewed.face {
            let on = review.held_on.max(goal_row.set_on);
            insert_rating(&txn, ctx, goal_row.id, face, on, RatingOccasion::Review, Some(row.id)).await?;
        }
    }
    let moved = guidance_period::Entity::update_many()
        .col_expr(guidance_period::Column::PlannedEnd, Expr::value(review.planned_end))
        .col_expr(guidance_period::Column::ReviewDue, Expr::value(review.review_due()))
        .filter(guidance_period::Column::Id.eq(period.id))
        .filter(guidance_period::Column::EndedAt.is_null())
        .exec(&txn)
        .await?;
    decided_once(moved, AppError::Conflict)?;
    txn.commit().await?;
    Ok(())
}
