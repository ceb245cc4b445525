//! The month's hours and kilometres, visits and outing sessions together: one guide's mileage
//! page, and every guide's month as a CSV file for payroll.

use crate::backend::error::stored;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{user_by_id, zone_of};
use crate::{
    backend::{
        audit,
        ctx::Ctx,
        entities::{user, user_role, visit},
        outings::{WorkedOuting, council_travel_in_month, worked_in_month},
    },
    domain::text::spreadsheet_cell,
    domain::{
        ids::UserId,
        policy::{Action, Resource, can},
        roles::Role,
        time::{HELSINKI, next_month, parse_month, start_of_day},
        visits::{self as rules, Reimbursement, VisitStatus, WorkedVisit},
    },
    dto::{
        AppError,
        visits::{MileageRow, MileageView, OutingWorkRow},
    },
};

/// The month's worked visits of one guide (done, or a no-show they went to).
async fn worked(
    db: &impl ConnectionTrait,
    guide: i64,
    first: NaiveDate,
) -> Result<Vec<visit::Model>, AppError> {
    Ok(visit::Entity::find()
        .filter(visit::Column::GuideId.eq(guide))
        .filter(visit::Column::Status.is_in([VisitStatus::Done.as_str(), VisitStatus::NoShow.as_str()]))
        .filter(visit::Column::StartsAt.gte(start_of_day(first, HELSINKI)))
        .filter(visit::Column::StartsAt.lt(start_of_day(next_month(first), HELSINKI)))
        .order_by_asc(visit::Column::StartsAt)
        .all(db)
        .await?)
}

fn worked_visit(row: &visit::Model) -> WorkedVisit {
    WorkedVisit {
        minutes: row.minutes.unwrap_or(0).max(0) as u32,
        km_tenths: row.km_tenths.unwrap_or(0).max(0) as u32,
        reimbursement: row.reimbursement.as_deref().and_then(|r| Reimbursement::parse(r).ok()),
        ticket_cents: row.ticket_cents.unwrap_or(0).max(0) as u32,
        outing: false,
    }
}

fn all_worked(visits: &[visit::Model], outings: &[WorkedOuting]) -> Vec<WorkedVisit> {
    visits.iter().map(worked_visit).chain(outings.iter().map(WorkedOuting::worked)).collect()
}

pub async fn mileage(
    ctx: &Ctx,
    guide: Option<UserId>,
    month: &str,
    rate_cents_per_km: u32,
) -> Result<MileageView, AppError> {
    let guide = guide.map_or(ctx.actor_id(), |g| g.0);
    let account = user_by_id(&ctx.db, Some(guide)).await?.ok_or(AppError::NotFound)?;
    let target = Resource::Account {
        roles: crate::domain::roles::RoleSet::new([Role::Guide]),
        is_self: guide == ctx.actor_id(),
    };
    ctx.authorize(Action::ViewMileage, &target, audit::entity::ACCOUNT, Some(guide.to_string())).await?;
    let today = ctx.now.with_timezone(&HELSINKI).date_naive();
    let first = parse_month(month, today).map_err(|code| AppError::invalid("month", code))?;
    let rows = worked(&ctx.db, guide, first).await?;
    let outings = worked_in_month(&ctx.db, Some(guide), first).await?;
    let totals = rules::month_totals(&all_worked(&rows, &outings), rate_cents_per_km);
    Ok(MileageView {
        guide_id: UserId(guide),
        guide_name: account.name,
        month: first.format("%Y-%m").to_string(),
        rows: rows
            .iter()
            .map(|row| {
                let w = worked_visit(row);
                Ok(MileageRow {
                    visit_id: row.id,
                    date: row.starts_at.with_timezone(&zone_of(row)).format("%Y-%m-%d").to_string(),
                    kind: stored(&row.kind)?,
                    status: stored(&row.status)?,
                    minutes: w.minutes,
                    km_tenths: w.km_tenths,
                    reimbursement: row.reimbursement.as_deref().map(stored).transpose()?,
                    ticket_cents: w.ticket_cents,
                    excess_reason: row.excess_reason.clone(),
                })
            })
            .collect::<Result<_, AppError>>()?,
        outing_rows: outings
            .iter()
            .map(|o| OutingWorkRow {
                session_id: o.session_id,
                date: o.starts_at.with_timezone(&o.zone).format("%Y-%m-%d").to_string(),
                title: o.title.clone(),
                minutes: o.minutes,
                km_tenths: o.km_tenths,
            })
            .collect(),
        totals,
        rate_cents_per_km,
        may_export: can(&ctx.actor, Action::ExportPayroll, &Resource::Nothing).is_allowed(),
    })
}

/// Every guide's month as CSV for payroll: one row per guide, no client data.
pub async fn payroll_csv(
    ctx: &Ctx,
    month: &str,
    rate_cents_per_km: u32,
    bus_ticket_cents: u32,
) -> Result<(String, String), AppError> {
    ctx.authorize(Action::ExportPayroll, &Resource::Nothing, audit::entity::ACCOUNT, None).await?;
    let today = ctx.now.with_timezone(&HELSINKI).date_naive();
    let first = parse_month(month, today).map_err(|code| AppError::invalid("month", code))?;
    let guide_ids: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(Role::Guide.as_str()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let guides = user::Entity::find()
        .filter(user::Column::Id.is_in(guide_ids))
        .order_by_asc(user::Column::Name)
        .all(&ctx.db)
        .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "guide",
        "email",
        "month",
        "visits",
        "outings",
        "hours",
        "km",
        "km_allowance_eur",
        "bus_tickets_eur",
        "council_travel_eur",
        "total_eur",
        "reasons_for_excess",
    ];
    out.write_record(header)?;
    let month_text = first.format("%Y-%m").to_string();
    let mut outings: std::collections::HashMap<i64, Vec<WorkedOuting>> = std::collections::HashMap::new();
    for row in worked_in_month(&ctx.db, None, first).await? {
        outings.entry(row.user_id).or_default().push(row);
    }
    // Council participants' bus tickets, paid back through their guide.
    let council = council_travel_in_month(&ctx.db, first).await?;
    for guide in guides {
        let rows = worked(&ctx.db, guide.id, first).await?;
        let theirs = outings.remove(&guide.id).unwrap_or_default();
        let t = rules::month_totals(&all_worked(&rows, &theirs), rate_cents_per_km);
        let travel = u64::from(council.get(&guide.id).copied().unwrap_or(0)) * u64::from(bus_ticket_cents);
        // Hours or kilometres beyond what a visit explains, with the guide's reason: dated,
        // so payroll can ask about the right day.
        let reasons = rows
            .iter()
            .filter_map(|row| {
                let reason = row.excess_reason.as_deref()?;
                let date = row.starts_at.with_timezone(&zone_of(row)).format("%Y-%m-%d");
                Some(format!("{date}: {}", reason.replace('\n', " ")))
            })
            .collect::<Vec<_>>()
            .join(" | ");
        // Names and reasons are typed by people: never let a spreadsheet run them.
        out.write_record([
            spreadsheet_cell(&guide.name).as_ref(),
            spreadsheet_cell(&guide.email).as_ref(),
            month_text.as_str(),
            &t.visits.to_string(),
            &t.outings.to_string(),
            &format!("{:.2}", f64::from(t.minutes) / 60.0),
            &rules::format_tenths(t.km_tenths, '.'),
            &rules::format_cents(t.allowance_cents, '.'),
            &rules::format_cents(t.ticket_cents, '.'),
            &rules::format_cents(travel, '.'),
            &rules::format_cents(t.reimbursement_cents() + travel, '.'),
            spreadsheet_cell(&reasons).as_ref(),
        ])?;
    }
    let bytes = out.into_inner()?;
    Ok((format!("rinnalla-payroll-{month_text}.csv"), String::from_utf8(bytes)?))
}
