//! The client's goals: set in their own words with small steps, ticked when done (with the
//! visit it happened on), refined, paused, let go or reached, and rated with faces. Reading
//! them is an audited access to the client's data like any other; changing them needs open
//! guidance (after the ending they are the record). The page is built in a fixed number of
//! queries, whatever the number of goals, steps and faces.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};

use super::{
    clients,
    ctx::Ctx,
    db::{begin_write, decided_once},
    entities::{
        client, goal, goal_rating, goal_step, goal_step_outing, goal_wording, outing, outing_session,
        outing_signup, visit,
    },
    error::{find, stored},
    guidance::{self, local_date},
    rewards,
};
use crate::{
    domain::{
        goal_chart,
        goals::{self as rules, ChangeForm, GoalChange, GoalForm, GoalStatus, StepDoneForm},
        ids::{ClientId, GoalId, StepId},
        policy::{Action, can},
        ratings::{Face, RatingOccasion},
        text,
        validation::{FormErrors, ValidationCode},
        visits::{VisitKind, VisitStatus},
    },
    dto::{
        AppError,
        goals::{
            GoalPermissions, GoalView, GoalsView, NewGoalForm, OutingContext, RatingView, StepView,
            VisitContext,
        },
    },
};

/// The most steps one goal gathers over time: small steps, not a to-do list.
pub const MAX_STEPS_PER_GOAL: u64 = 30;

/// The client, once the actor may do `action` to their goals (written to the audit trail
/// either way).
pub(super) async fn authorized(ctx: &Ctx, client_id: i64, action: Action) -> Result<client::Model, AppError> {
    let row = find::<client::Entity>(&ctx.db, client_id).await?;
    ctx.authorize_client(action, row.id, &clients::resource(&row)).await?;
    Ok(row)
}

/// The referral of the client's open guidance. Goals and rewards change only while guidance is
/// open: after the ending they are part of the record (`Conflict`).
pub(super) async fn open_referral(
    db: &impl ConnectionTrait,
    client_id: i64,
) -> Result<Option<i64>, AppError> {
    let period = guidance::open_period(db, client_id).await?.ok_or(AppError::Conflict)?;
    Ok(period.referral_id)
}

/// A visit named in a form, as typed: empty is none.
pub(super) fn parse_visit(input: &str) -> Result<Option<i64>, ValidationCode> {
    match input.trim() {
        "" => Ok(None),
        id => id.parse().map(Some).map_err(|_| ValidationCode::UnknownChoice),
    }
}

/// The visit a form names, if it is one of this client's visits that was not cancelled.
pub(super) async fn visit_of(
    db: &impl ConnectionTrait,
    client_id: i64,
    visit: Option<i64>,
) -> Result<Option<visit::Model>, AppError> {
    let Some(id) = visit else { return Ok(None) };
    match visit::Entity::find_by_id(id).one(db).await? {
        Some(v) if v.client_id == client_id && v.status != VisitStatus::Cancelled.as_str() => Ok(Some(v)),
        _ => Err(AppError::invalid("visit", ValidationCode::UnknownChoice)),
    }
}

/// The outing session a form names, if the client came to it (marked attended by a leader).
async fn attended_session(
    db: &impl ConnectionTrait,
    client_id: i64,
    session: Option<i64>,
) -> Result<Option<outing_session::Model>, AppError> {
    let Some(id) = session else { return Ok(None) };
    let came = outing_signup::Entity::find()
        .filter(outing_signup::Column::SessionId.eq(id))
        .filter(outing_signup::Column::ClientId.eq(client_id))
        .filter(outing_signup::Column::Attendance.eq(crate::domain::outings::Attendance::Attended.as_str()))
        .count(db)
        .await?
        > 0;
    match outing_session::Entity::find_by_id(id).one(db).await? {
        Some(session) if came => Ok(Some(session)),
        _ => Err(AppError::invalid("outing", ValidationCode::UnknownChoice)),
    }
}

/// The day something on `visit` happened: the visit's day once it has come, else today.
fn day_of(visit: Option<&visit::Model>, today: NaiveDate) -> NaiveDate {
    visit.map(|v| local_date(v.starts_at)).filter(|day| *day <= today).unwrap_or(today)
}

fn occasion_of(visit: Option<&visit::Model>) -> Result<RatingOccasion, AppError> {
    let kind = visit.map(|v| stored::<VisitKind>(&v.kind)).transpose()?;
    Ok(RatingOccasion::of_visit(kind))
}

/// The goals page: every goal of the client with its steps, faces and chart, and the reward
/// scheme. `visit` is the visit the page was opened from; one that is not the client's is
/// left out rather than refused, since it only sets what the forms record.
pub async fn overview(
    ctx: &Ctx,
    client_id: ClientId,
    visit: Option<i64>,
    outing: Option<i64>,
) -> Result<GoalsView, AppError> {
    let client = authorized(ctx, client_id.0, Action::ViewGoals).await?;
    let today = local_date(ctx.now);
    let open = guidance::open_period(&ctx.db, client.id).await?.is_some();
    let visit = visit_of(&ctx.db, client.id, visit).await.ok().flatten();
    let outing = if visit.is_some() {
        None
    } else {
        attended_session(&ctx.db, client.id, outing).await.ok().flatten()
    };
    let visit_context = match &visit {
        Some(v) => Some(VisitContext { id: v.id, kind: stored(&v.kind)?, date: local_date(v.starts_at) }),
        None => None,
    };
    let goals = goal::Entity::find()
        .filter(goal::Column::ClientId.eq(client.id))
        .order_by_asc(goal::Column::SetOn)
        .order_by_asc(goal::Column::Position)
        .order_by_asc(goal::Column::Id)
        .all(&ctx.db)
        .await?;
    let ids: Vec<i64> = goals.iter().map(|g| g.id).collect();
    let (steps, ratings, wordings, step_outings) = if ids.is_empty() {
        (Vec::new(), Vec::new(), Vec::new(), HashMap::new())
    } else {
        let steps = goal_step::Entity::find()
            .filter(goal_step::Column::GoalId.is_in(ids.clone()))
            .order_by_asc(goal_step::Column::Position)
            .order_by_asc(goal_step::Column::Id)
            .all(&ctx.db)
            .await?;
        let ratings = goal_rating::Entity::find()
            .filter(goal_rating::Column::GoalId.is_in(ids.clone()))
            .order_by_asc(goal_rating::Column::RatedOn)
            .order_by_asc(goal_rating::Column::Id)
            .all(&ctx.db)
            .await?;
        let wordings = goal_wording::Entity::find()
            .filter(goal_wording::Column::GoalId.is_in(ids))
            .order_by_desc(goal_wording::Column::ReplacedAt)
            .order_by_desc(goal_wording::Column::Id)
            .all(&ctx.db)
            .await?;
        let step_outings = outings_of_steps(&ctx.db, &steps).await?;
        (steps, ratings, wordings, step_outings)
    };
    let outing_context = match &outing {
        Some(session) => Some(OutingContext {
            session_id: session.id,
            title: find::<outing::Entity>(&ctx.db, session.outing_id).await?.title,
            date: local_date(session.starts_at),
        }),
        None => None,
    };
    let mut steps_of: HashMap<i64, Vec<goal_step::Model>> = HashMap::new();
    for step in steps {
        steps_of.entry(step.goal_id).or_default().push(step);
    }
    let mut ratings_of: HashMap<i64, Vec<RatingView>> = HashMap::new();
    for rating in ratings {
        let face = u8::try_from(rating.face).ok().and_then(Face::new);
        let Some(face) = face else {
            // The database checks 1 to 5; anything else is broken data.
            return Err(AppError::internal(format!("goal rating {} has face {}", rating.id, rating.face)));
        };
        ratings_of.entry(rating.goal_id).or_default().push(RatingView {
            on: rating.rated_on,
            face,
            occasion: stored(&rating.occasion)?,
        });
    }
    let mut words_of: HashMap<i64, Vec<String>> = HashMap::new();
    for wording in wordings {
        words_of.entry(wording.goal_id).or_default().push(wording.words);
    }
    let mut views = Vec::with_capacity(goals.len());
    for row in goals {
        let status: GoalStatus = stored(&row.status)?;
        let steps: Vec<StepView> = steps_of
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|s| StepView {
                id: StepId(s.id),
                words: s.words,
                done_on: s.done_on,
                on_this_visit: visit.as_ref().is_some_and(|v| s.done_visit_id == Some(v.id)),
                at_outing: step_outings.get(&s.id).map(|(_, title)| title.clone()),
            })
            .collect();
        let ratings = ratings_of.remove(&row.id).unwrap_or_default();
        // A closed goal's picture ends when it closed; an open one's today.
        let until = match (status.is_closed(), row.status_changed_at) {
            (true, Some(at)) => local_date(at),
            _ => today,
        }
        .max(row.set_on);
        let faces: Vec<(NaiveDate, Face)> = ratings.iter().map(|r| (r.on, r.face)).collect();
        let done: Vec<NaiveDate> = steps.iter().filter_map(|s| s.done_on).collect();
        views.push(GoalView {
            id: GoalId(row.id),
            chart: goal_chart::chart(&faces, &done, row.set_on, until),
            chart_text: goal_chart::describe(&faces, &done, row.set_on, until),
            words: row.words,
            why: row.why,
            status,
            status_reason: row.status_reason,
            set_on: row.set_on,
            steps,
            ratings,
            earlier_words: words_of.remove(&row.id).unwrap_or_default(),
        });
    }
    // Open goals first: they are what a visit works on.
    views.sort_by_key(|g| g.status.is_closed());
    let resource = clients::resource(&client);
    let may = |action| open && can(&ctx.actor, action, &resource).is_allowed();
    Ok(GoalsView {
        client_id: ClientId(client.id),
        client_name: client.display_name,
        today,
        visit: visit_context,
        outing: outing_context,
        goals: views,
        rewards: rewards::view(&ctx.db, client.id).await?,
        may: GoalPermissions {
            manage_goals: may(Action::ManageGoals),
            manage_rewards: may(Action::ManageRewards),
        },
    })
}

/// The outing each of `steps` was taken at, by step: the session and the outing's title (two
/// queries, whatever the steps).
async fn outings_of_steps(
    db: &impl ConnectionTrait,
    steps: &[goal_step::Model],
) -> Result<HashMap<i64, (i64, String)>, AppError> {
    let links = goal_step_outing::Entity::find()
        .filter(goal_step_outing::Column::StepId.is_in(steps.iter().map(|s| s.id).collect::<Vec<_>>()))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(HashMap::new());
    }
    let sessions: HashMap<i64, i64> = outing_session::Entity::find()
        .filter(outing_session::Column::Id.is_in(links.iter().map(|l| l.session_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.outing_id))
        .collect();
    let titles: HashMap<i64, String> = outing::Entity::find()
        .filter(outing::Column::Id.is_in(sessions.values().copied().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.title))
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|l| {
            let title = titles.get(sessions.get(&l.session_id)?)?;
            Some((l.step_id, (l.session_id, title.clone())))
        })
        .collect())
}

/// A new goal with its first steps and, if the client gave one, its first face. Set on the
/// visit the form names (its day), or today.
pub async fn add(ctx: &Ctx, client_id: ClientId, form: &NewGoalForm) -> Result<GoalId, AppError> {
    let client = authorized(ctx, client_id.0, Action::ManageGoals).await?;
    let referral = open_referral(&ctx.db, client.id).await?;
    let mut errors = FormErrors::default();
    let steps = form.steps();
    let goal_form = GoalForm { words: &form.words, why: &form.why, steps: &steps, face: &form.face };
    let new = rules::parse_goal(&mut errors, "", &goal_form);
    let visit = errors.check("visit", parse_visit(&form.visit));
    let (Some(new), Some(visit)) = (new, visit) else { return Err(AppError::Validation(errors.into_vec())) };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    let visit = visit_of(&ctx.db, client.id, visit).await?;
    let set_on = day_of(visit.as_ref(), local_date(ctx.now));
    let occasion = occasion_of(visit.as_ref())?;
    let txn = begin_write(&ctx.db).await?;
    let position = goal::Entity::find().filter(goal::Column::ClientId.eq(client.id)).count(&txn).await?;
    let row = goal::ActiveModel {
        id: NotSet,
        client_id: Set(client.id),
        referral_id: Set(referral),
        words: Set(new.words),
        why: Set(new.why),
        status: Set(GoalStatus::Active.as_str().to_owned()),
        status_reason: Set(None),
        status_changed_at: Set(None),
        outcome: Set(None),
        set_on: Set(set_on),
        set_at_visit_id: Set(visit.as_ref().map(|v| v.id)),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        created_by: Set(Some(ctx.actor_id())),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
    }
    .insert(&txn)
    .await?;
    for (i, words) in new.steps.into_iter().enumerate() {
        insert_step(&txn, ctx, row.id, words, i as i32).await?;
    }
    if let Some(face) = new.face {
        insert_rating(&txn, ctx, row.id, face, set_on, occasion, None).await?;
    }
    txn.commit().await?;
    Ok(GoalId(row.id))
}

async fn insert_step(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    goal_id: i64,
    words: String,
    position: i32,
) -> Result<(), AppError> {
    goal_step::ActiveModel {
        id: NotSet,
        goal_id: Set(goal_id),
        words: Set(words),
        position: Set(position),
        done_on: Set(None),
        done_visit_id: Set(None),
        done_by: Set(None),
        created_at: Set(ctx.now),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub(super) async fn insert_rating(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    goal_id: i64,
    face: Face,
    on: NaiveDate,
    occasion: RatingOccasion,
    review_id: Option<i64>,
) -> Result<(), AppError> {
    goal_rating::ActiveModel {
        id: NotSet,
        goal_id: Set(goal_id),
        rated_on: Set(on),
        face: Set(i16::from(face.value())),
        occasion: Set(occasion.as_str().to_owned()),
        review_id: Set(review_id),
        recorded_by: Set(Some(ctx.actor_id())),
        created_at: Set(ctx.now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A goal that may be changed by the actor: authorized for `ManageGoals`, guidance open, and
/// the goal itself still open (`GoalClosed` on `field`).
async fn open_goal(ctx: &Ctx, goal_id: i64, field: &str) -> Result<(goal::Model, GoalStatus), AppError> {
    let row = find::<goal::Entity>(&ctx.db, goal_id).await?;
    authorized(ctx, row.client_id, Action::ManageGoals).await?;
    open_referral(&ctx.db, row.client_id).await?;
    let status: GoalStatus = stored(&row.status)?;
    if status.is_closed() {
        return Err(AppError::invalid(field, ValidationCode::GoalClosed));
    }
    Ok((row, status))
}

/// One more small step for an open goal. Returns the client.
pub async fn add_step(ctx: &Ctx, goal_id: GoalId, words: &str) -> Result<ClientId, AppError> {
    let (goal, _) = open_goal(ctx, goal_id.0, "words").await?;
    let words = text::required_line(words, text::STEP).map_err(|code| AppError::invalid("words", code))?;
    let txn = begin_write(&ctx.db).await?;
    let count = goal_step::Entity::find().filter(goal_step::Column::GoalId.eq(goal.id)).count(&txn).await?;
    if count >= MAX_STEPS_PER_GOAL {
        return Err(AppError::invalid("words", ValidationCode::OutOfRange));
    }
    insert_step(&txn, ctx, goal.id, words, count as i32).await?;
    txn.commit().await?;
    Ok(ClientId(goal.client_id))
}

/// Ticks a step done (on the visit the form names, or none), or takes the tick back when
/// `done` is false (a wrong step tapped). Ticking a step already done changes nothing, so a
/// second tap on a slow connection does no harm. Returns the client.
pub async fn mark_step(
    ctx: &Ctx,
    step_id: StepId,
    done: bool,
    form: &StepDoneForm<'_>,
) -> Result<ClientId, AppError> {
    let step = find::<goal_step::Entity>(&ctx.db, step_id.0).await?;
    let (goal, _) = open_goal(ctx, step.goal_id, "step").await?;
    let today = local_date(ctx.now);
    let update = goal_step::Entity::update_many().filter(goal_step::Column::Id.eq(step.id));
    let txn = begin_write(&ctx.db).await?;
    if done {
        let parsed = rules::parse_step_done(form, today, goal.set_on).map_err(AppError::Validation)?;
        let visit = visit_of(&txn, goal.client_id, parsed.visit).await?;
        let outing = attended_session(&txn, goal.client_id, parsed.outing).await?;
        // Taken at an outing: on its day, unless the form says otherwise.
        let on = match &outing {
            Some(session) if form.done_on.trim().is_empty() => local_date(session.starts_at).max(goal.set_on),
            _ => parsed.on,
        };
        let ticked = update
            .col_expr(goal_step::Column::DoneOn, Expr::value(on))
            .col_expr(goal_step::Column::DoneVisitId, Expr::value(visit.map(|v| v.id)))
            .col_expr(goal_step::Column::DoneBy, Expr::value(Some(ctx.actor_id())))
            .filter(goal_step::Column::DoneOn.is_null())
            .exec(&txn)
            .await?;
        if let (Some(session), 1) = (outing, ticked.rows_affected) {
            goal_step_outing::ActiveModel { step_id: Set(step.id), session_id: Set(session.id) }
                .insert(&txn)
                .await?;
        }
    } else {
        update
            .col_expr(goal_step::Column::DoneOn, Expr::value(Option::<NaiveDate>::None))
            .col_expr(goal_step::Column::DoneVisitId, Expr::value(Option::<i64>::None))
            .col_expr(goal_step::Column::DoneBy, Expr::value(Option::<i64>::None))
            .exec(&txn)
            .await?;
        goal_step_outing::Entity::delete_many()
            .filter(goal_step_outing::Column::StepId.eq(step.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(ClientId(goal.client_id))
}

/// Refines, pauses, resumes, lets go or reaches a goal. The earlier wording goes to the goal's
/// history; the change is decided once against the status it was read in, so two people
/// changing the same goal at once cannot both win. Returns the client.
pub async fn change(ctx: &Ctx, goal_id: GoalId, form: &ChangeForm<'_>) -> Result<ClientId, AppError> {
    let row = find::<goal::Entity>(&ctx.db, goal_id.0).await?;
    authorized(ctx, row.client_id, Action::ManageGoals).await?;
    open_referral(&ctx.db, row.client_id).await?;
    let status: GoalStatus = stored(&row.status)?;
    let (change, next) = rules::parse_change(form, status, &row.words).map_err(AppError::Validation)?;
    let txn = begin_write(&ctx.db).await?;
    apply_change(&txn, ctx, &row, status, &change, next, None).await?;
    txn.commit().await?;
    Ok(ClientId(row.client_id))
}

/// Writes `change` to the goal `row` read in `status`, moving it to `next`; a refinement keeps
/// the old words in the history (with the review it was decided in, if any). Decided once:
/// when the goal changed since it was read, nothing is written (`Conflict`).
pub(super) async fn apply_change(
    txn: &impl ConnectionTrait,
    ctx: &Ctx,
    row: &goal::Model,
    status: GoalStatus,
    change: &GoalChange,
    next: GoalStatus,
    review_id: Option<i64>,
) -> Result<(), AppError> {
    let mut update = goal::Entity::update_many()
        .filter(goal::Column::Id.eq(row.id))
        .filter(goal::Column::Status.eq(status.as_str()))
        .filter(goal::Column::Words.eq(row.words.clone()))
        .col_expr(goal::Column::UpdatedAt, Expr::value(ctx.now));
    if next != status {
        update = update
            .col_expr(goal::Column::Status, Expr::value(next.as_str()))
            .col_expr(goal::Column::StatusChangedAt, Expr::value(Some(ctx.now)));
    }
    match change {
        GoalChange::Refine { words, why } => {
            goal_wording::ActiveModel {
                id: NotSet,
                goal_id: Set(row.id),
                words: Set(row.words.clone()),
                why: Set(row.why.clone()),
                replaced_at: Set(ctx.now),
                replaced_by: Set(Some(ctx.actor_id())),
                review_id: Set(review_id),
            }
            .insert(txn)
            .await?;
            update = update
                .col_expr(goal::Column::Words, Expr::value(words.clone()))
                .col_expr(goal::Column::Why, Expr::value(why.clone()));
        }
        GoalChange::Drop { reason } => {
            update = update.col_expr(goal::Column::StatusReason, Expr::value(Some(reason.clone())));
        }
        GoalChange::Pause | GoalChange::Resume | GoalChange::Reach => {}
    }
    decided_once(update.exec(txn).await?, AppError::Conflict)
}

/// The face the client gives an open goal now, on the visit the form names or off one.
/// Returns the client.
pub async fn rate(ctx: &Ctx, goal_id: GoalId, face: &str, visit: &str) -> Result<ClientId, AppError> {
    let (goal, _) = open_goal(ctx, goal_id.0, "face").await?;
    let mut errors = FormErrors::default();
    let face = errors.check("face", Face::parse(face).and_then(|f| f.ok_or(ValidationCode::Required)));
    let visit = errors.check("visit", parse_visit(visit));
    let (Some(face), Some(visit)) = (face, visit) else {
        return Err(AppError::Validation(errors.into_vec()));
    };
    let visit = visit_of(&ctx.db, goal.client_id, visit).await?;
    let on = day_of(visit.as_ref(), local_date(ctx.now)).max(goal.set_on);
    insert_rating(&ctx.db, ctx, goal.id, face, on, occasion_of(visit.as_ref())?, None).await?;
    Ok(ClientId(goal.client_id))
}
