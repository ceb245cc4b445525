//! Feedback right after a visit: the guide hands the phone to the client, who answers three
//! questions with faces. Only counts are written (`feedback_tallies`, by month, kind of visit
//! and the guide's team), and the visit records only that its feedback was given, so no answer
//! can be traced to a client or a visit. Coordinators read the results by month and kind.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict},
};

use super::{guide_profile_of, load};
use crate::{
    backend::{
        ctx::Ctx,
        db::{begin_write, decided_once},
        entities::{feedback_tally, visit},
        error::stored,
    },
    domain::{
        feedback::{
            self as rules, Answers, FeedbackForm, MIN_GROUP, Month, NO_TEAM, Scope, Smiley, Tally, TallyKey,
        },
        languages::Languages,
        places,
        policy::{Action, Resource},
        visits::{VisitKind, VisitStatus},
    },
    dto::{
        AppError,
        feedback::{FeedbackAnswers, FeedbackResults, FeedbackScreen},
    },
};

fn open(row: &visit::Model, now: DateTime<Utc>) -> Result<bool, AppError> {
    let kind: VisitKind = stored(&row.kind)?;
    let status: VisitStatus = stored(&row.status)?;
    Ok(rules::can_give(kind, status, row.starts_at, row.ends_at, row.feedback_given, now))
}

/// The hand-over screen of a visit: for whoever records the visit (its guide).
pub async fn screen(ctx: &Ctx, id: i64) -> Result<FeedbackScreen, AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::RecordVisitOutcome, client.id, &resource).await?;
    let languages = Languages::from_stored(&client.languages);
    let client_language =
        ["fi", "sv", "en"].into_iter().find(|code| languages.contains(code)).unwrap_or("fi").to_owned();
    Ok(FeedbackScreen {
        visit_id: row.id,
        kind: stored(&row.kind)?,
        client_language,
        open: open(&row, ctx.now)?,
        already_given: row.feedback_given,
    })
}

/// The team a guide's answers count for: the region of their home place.
async fn team_of(db: &impl ConnectionTrait, guide: i64) -> Result<String, AppError> {
    let home = guide_profile_of(db, guide).await?.map(|p| p.place).unwrap_or_default();
    Ok(places::index_of(home.trim())
        .and_then(places::get)
        .map_or_else(|| NO_TEAM.to_owned(), |p| p.region.clone()))
}

/// Adds the client's answers to the month's counts and marks the visit's feedback given, in one
/// transaction; a second sending (a double tap, a second client on the same phone) is refused
/// with nothing counted twice.
pub async fn give(ctx: &Ctx, id: i64, form: &FeedbackAnswers) -> Result<(), AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::RecordVisitOutcome, client.id, &resource).await?;
    if !open(&row, ctx.now)? {
        return Err(AppError::Conflict);
    }
    let answers = Answers::parse(&FeedbackForm {
        talked_about_what_matters: &form.talked_about_what_matters,
        got_help: &form.got_help,
        would_continue: &form.would_continue,
    })
    .map_err(AppError::Validation)?;
    let team = team_of(&ctx.db, row.guide_id).await?;
    let keys = answers.tally_keys(Month::of(ctx.now), stored(&row.kind)?, &team);
    let txn = begin_write(&ctx.db).await?;
    let marked = visit::Entity::update_many()
        .col_expr(visit::Column::FeedbackGiven, Expr::value(true))
        .filter(visit::Column::Id.eq(row.id))
        .filter(visit::Column::FeedbackGiven.eq(false))
        .exec(&txn)
        .await?;
    decided_once(marked, AppError::Conflict)?;
    for key in keys {
        let tally = feedback_tally::ActiveModel {
            month: sea_orm::ActiveValue::Set(key.month.to_string()),
            visit_kind: sea_orm::ActiveValue::Set(key.kind.as_str().to_owned()),
            team: sea_orm::ActiveValue::Set(key.team.clone()),
            question: sea_orm::ActiveValue::Set(key.question.as_str().to_owned()),
            face: sea_orm::ActiveValue::Set(i16::from(Smiley::value(key.answer))),
            answers: sea_orm::ActiveValue::Set(1),
        };
        // One statement per count, so parallel answers add up rather than overwrite.
        feedback_tally::Entity::insert(tally)
            .on_conflict(
                OnConflict::columns([
                    feedback_tally::Column::Month,
                    feedback_tally::Column::VisitKind,
                    feedback_tally::Column::Team,
                    feedback_tally::Column::Question,
                    feedback_tally::Column::Face,
                ])
                .value(
                    feedback_tally::Column::Answers,
                    Expr::col((feedback_tally::Entity, feedback_tally::Column::Answers)).add(1),
                )
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The service's results for coordinators: earlier months by kind of visit, hidden below
/// [`MIN_GROUP`] answers, and how many have answered this month so far.
pub async fn results(ctx: &Ctx) -> Result<FeedbackResults, AppError> {
    ctx.authorize(Action::ViewFeedbackResults, &Resource::Nothing, "feedback", None).await?;
    // Months × kinds × teams × questions × faces: a few thousand rows for years of a region.
    let rows = feedback_tally::Entity::find().all(&ctx.db).await?;
    let this_month = Month::of(ctx.now);
    let mut tallies = Vec::with_capacity(rows.len());
    let mut answered_this_month = 0u32;
    for row in rows {
        let (Some(month), Some(answer)) =
            (Month::parse(&row.month), u8::try_from(row.face).ok().and_then(Smiley::from_value))
        else {
            return Err(AppError::internal(format!("feedback tally {} {} is broken", row.month, row.face)));
        };
        let question = stored(&row.question)?;
        let count = u32::try_from(row.answers).unwrap_or(0);
        if month == this_month && question == rules::Question::TalkedAboutWhatMatters {
            answered_this_month += count;
        }
        tallies.push(Tally {
            key: TallyKey { month, kind: stored(&row.visit_kind)?, team: row.team, question, answer },
            count,
        });
    }
    let mut groups = rules::results(&tallies, Scope::Service, this_month, MIN_GROUP);
    groups.reverse();
    Ok(FeedbackResults { this_month, answered_this_month, groups, min_group: MIN_GROUP })
}
