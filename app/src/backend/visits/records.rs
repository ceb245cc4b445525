//! The "done" form: after a visit the guide records whether it happened, a note, the hours
//! and the kilometres; more than the visit and its travel explain needs a reason.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter,
};

use super::{guide_profile_of, load};
use crate::{
    backend::{
        ctx::Ctx,
        entities::{ride_leg, visit},
    },
    domain::{
        policy::Action,
        text,
        validation::{FormErrors, ValidationCode},
        visits::{self as rules, VisitKind, VisitStatus},
    },
    dto::AppError,
};

/// What the "done" form sends, as typed.
pub struct Recorded<'a> {
    pub outcome: &'a str,
    pub note: &'a str,
    pub hours: &'a str,
    pub km: &'a str,
    pub excess_reason: &'a str,
}

/// What the visit and its travel explain (see [`rules::explained`]): its booked length, its
/// ride's legs, and the road distance between the guide's home town and the place.
async fn explained(db: &impl ConnectionTrait, row: &visit::Model) -> Result<rules::Explained, AppError> {
    let booked = (row.ends_at - row.starts_at).num_minutes().clamp(0, i64::from(u32::MAX)) as u32;
    let ride: u32 = ride_leg::Entity::find()
        .filter(ride_leg::Column::VisitId.eq(row.id))
        .all(db)
        .await?
        .iter()
        .map(|l| l.km_tenths.max(0) as u32)
        .fold(0, u32::saturating_add);
    let home = guide_profile_of(db, row.guide_id).await?.map(|p| p.place).unwrap_or_default();
    let trip = rules::estimate_leg_tenths(&home, &row.place);
    let remote = VisitKind::parse(&row.kind).is_ok_and(VisitKind::is_remote);
    Ok(rules::explained(booked, remote, ride, trip))
}

/// The "done" form: done or no-show, with the note, the hours and the kilometres. Hours or
/// kilometres well beyond what the visit and its travel explain need a reason, which payroll
/// shows the coordinator.
pub async fn record_outcome(ctx: &Ctx, id: i64, form: &Recorded<'_>) -> Result<(), AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::RecordVisitOutcome, client.id, &resource).await?;
    if row.status == VisitStatus::Cancelled.as_str() {
        return Err(AppError::Conflict);
    }
    let mut errors = FormErrors::default();
    let status = errors.check(
        "outcome",
        match VisitStatus::parse(form.outcome) {
            Ok(s @ (VisitStatus::Done | VisitStatus::NoShow)) => Ok(s),
            Ok(_) => Err(ValidationCode::UnknownChoice),
            Err(code) => Err(code),
        },
    );
    let minutes = errors.check("hours", rules::parse_hours(form.hours));
    let km_tenths = errors.check("km", rules::parse_km(form.km));
    let note = errors.check("note", text::multi_line(form.note, text::NOTE));
    let reason = errors.check("excess_reason", text::multi_line(form.excess_reason, text::REASON));
    if row.starts_at > ctx.now {
        // Only what has happened can be recorded.
        errors.add("outcome", ValidationCode::NotYet);
    }
    let (Some(status), Some(minutes), Some(km_tenths), Some(note), Some(reason)) =
        (status, minutes, km_tenths, note, reason)
    else {
        return Err(AppError::Validation(errors.into_vec()));
    };
    let km_tenths = km_tenths.unwrap_or(0);
    let beyond = explained(&ctx.db, &row).await?.exceeded_by(minutes, km_tenths);
    if beyond && reason.is_empty() {
        errors.add("excess_reason", ValidationCode::ExcessNeedsReason);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    let mut active = row.into_active_model();
    active.status = Set(status.as_str().to_owned());
    active.outcome_note = Set((!note.is_empty()).then_some(note));
    active.minutes = Set(Some(minutes as i32));
    active.km_tenths = Set(Some(km_tenths as i32));
    // A reason is kept only while there is something beyond to explain.
    active.excess_reason = Set((beyond && !reason.is_empty()).then_some(reason));
    active.updated_at = Set(ctx.now);
    active.update(&ctx.db).await?;
    Ok(())
}
