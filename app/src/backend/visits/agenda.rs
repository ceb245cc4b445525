//! What a guide sees of visits: one visit with its ride and map link, the client's visits on
//! the client card, and the day's or the week's agenda. Every client shown is an audited read.

use crate::backend::error::stored;
use chrono::{Datelike, Duration};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use std::collections::HashMap;

use super::{clients_of, load, resource, zone_of};
use crate::{
    backend::{
        audit,
        ctx::Ctx,
        entities::{client, ride_leg, visit},
        guidance::load_client,
        people::names,
    },
    domain::{
        ids::ClientId,
        paging, places,
        policy::{Action, Resource, can},
        time::{HELSINKI, start_of_day},
        visits::{VisitKind, VisitStatus},
    },
    dto::{
        AppError, Page,
        visits::{AgendaDay, AgendaView, LegView, VisitMay, VisitView},
    },
};

/// The map link of a visit's address; a call has none.
fn map_url(row: &visit::Model) -> Option<String> {
    if VisitKind::parse(&row.kind).is_ok_and(VisitKind::is_remote) {
        return None;
    }
    places::map_url(&row.place, row.address.as_deref())
}

/// What a visit's view needs besides its row and client, loaded for a whole list at once: its
/// ride's legs and the names of the people in it. Two queries however many visits.
#[derive(Default)]
struct Related {
    legs: HashMap<i64, Vec<LegView>>,
    names: HashMap<i64, String>,
}

impl Related {
    async fn load(ctx: &Ctx, rows: &[visit::Model]) -> Result<Self, AppError> {
        if rows.is_empty() {
            return Ok(Self::default());
        }
        let mut legs: HashMap<i64, Vec<LegView>> = HashMap::new();
        for l in ride_leg::Entity::find()
            .filter(ride_leg::Column::VisitId.is_in(rows.iter().map(|r| r.id)))
            .order_by_asc(ride_leg::Column::VisitId)
            .order_by_asc(ride_leg::Column::Position)
            .all(&ctx.db)
            .await?
        {
            legs.entry(l.visit_id).or_default().push(LegView {
                from: l.from_place,
                to: l.to_place,
                km_tenths: l.km_tenths.max(0) as u32,
                estimated: l.estimated,
            });
        }
        let people: Vec<i64> =
            rows.iter().flat_map(|r| [Some(r.guide_id), r.social_worker_id, r.driver_id]).flatten().collect();
        Ok(Self { legs, names: names(&ctx.db, people).await? })
    }

    fn name(&self, id: Option<i64>) -> Option<String> {
        id.and_then(|id| self.names.get(&id).cloned())
    }
}

fn view(
    ctx: &Ctx,
    row: visit::Model,
    client: &client::Model,
    resource: &Resource,
    related: &Related,
) -> Result<VisitView, AppError> {
    let zone = zone_of(&row);
    let start = row.starts_at.with_timezone(&zone);
    let end = row.ends_at.with_timezone(&zone);
    let legs = related.legs.get(&row.id).cloned().unwrap_or_default();
    let status: VisitStatus = stored(&row.status)?;
    Ok(VisitView {
        id: row.id,
        client_id: ClientId(client.id),
        client_name: client.display_name.clone(),
        kind: stored(&row.kind)?,
        status,
        date: start.format("%Y-%m-%d").to_string(),
        start: start.format("%H:%M").to_string(),
        end: end.format("%H:%M").to_string(),
        place: row.place.clone(),
        address: row.address.clone(),
        pickup_address: client.pickup_address.clone(),
        phone: client.phone.clone(),
        contact_channel: stored(&client.contact_channel)?,
        guide_name: related.name(Some(row.guide_id)).unwrap_or_default(),
        social_worker_name: related.name(row.social_worker_id),
        driver_name: related.name(row.driver_id),
        legs,
        reimbursement: row.reimbursement.as_deref().map(stored).transpose()?,
        ticket_cents: row.ticket_cents.map(|c| c.max(0) as u32),
        outcome_note: row.outcome_note.clone(),
        minutes: row.minutes.map(|m| m.max(0) as u32),
        km_tenths: row.km_tenths.map(|k| k.max(0) as u32),
        excess_reason: row.excess_reason.clone(),
        in_series: row.series_id.is_some(),
        started: row.starts_at <= ctx.now,
        map_url: map_url(&row),
        may: VisitMay {
            change: status == VisitStatus::Planned
                && can(&ctx.actor, Action::ChangeVisit, resource).is_allowed(),
            record: status != VisitStatus::Cancelled
                && can(&ctx.actor, Action::RecordVisitOutcome, resource).is_allowed(),
            goals: status != VisitStatus::Cancelled
                && can(&ctx.actor, Action::ViewGoals, &crate::backend::clients::resource(client))
                    .is_allowed(),
            feedback: can(&ctx.actor, Action::RecordVisitOutcome, resource).is_allowed()
                && crate::domain::feedback::can_give(
                    stored(&row.kind)?,
                    status,
                    row.starts_at,
                    row.ends_at,
                    row.feedback_given,
                    ctx.now,
                ),
        },
    })
}

pub async fn get(ctx: &Ctx, id: i64) -> Result<VisitView, AppError> {
    let (row, client, resource) = load(ctx, id).await?;
    ctx.authorize_client(Action::ViewVisit, client.id, &resource).await?;
    let related = Related::load(ctx, std::slice::from_ref(&row)).await?;
    view(ctx, row, &client, &resource, &related)
}

/// The client's visits for the client card: from a week ago on, soonest first, a page at a
/// time after the visit `after`. Four queries whatever the page holds.
pub async fn for_client(
    ctx: &Ctx,
    client_id: ClientId,
    after: Option<i64>,
    size: u64,
) -> Result<Page<VisitView>, AppError> {
    let (client, client_resource) = load_client(ctx, client_id).await?;
    ctx.authorize_client(Action::ViewClient, client.id, &client_resource).await?;
    let mut query = visit::Entity::find()
        .filter(visit::Column::ClientId.eq(client.id))
        .filter(visit::Column::StartsAt.gte(ctx.now - Duration::days(7)));
    if let Some(after) = after {
        let cursor = visit::Entity::find_by_id(after)
            .filter(visit::Column::ClientId.eq(client.id))
            .one(&ctx.db)
            .await?
            .ok_or(AppError::NotFound)?;
        query = query.filter(
            Condition::any().add(visit::Column::StartsAt.gt(cursor.starts_at)).add(
                Condition::all()
                    .add(visit::Column::StartsAt.eq(cursor.starts_at))
                    .add(visit::Column::Id.gt(cursor.id)),
            ),
        );
    }
    let rows = query
        .order_by_asc(visit::Column::StartsAt)
        .order_by_asc(visit::Column::Id)
        .limit(size + 1)
        .all(&ctx.db)
        .await?;
    let (rows, more) = paging::split(rows, size);
    let next = if more { rows.last().map(|r| r.id) } else { None };
    let related = Related::load(ctx, &rows).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let resource = resource(&row, &client);
        if can(&ctx.actor, Action::ViewVisit, &resource).is_allowed() {
            out.push(view(ctx, row, &client, &resource, &related)?);
        }
    }
    Ok(Page { rows: out, next })
}

/// Today, or this week (Monday to Sunday), `offset` weeks from now: the visits the actor takes
/// part in, as guide, driver or social worker. Every client shown is an audited read.
pub async fn agenda(ctx: &Ctx, week: bool, offset: i32) -> Result<AgendaView, AppError> {
    ctx.authorize(Action::ViewAgenda, &Resource::Nothing, audit::entity::CLIENT, None).await?;
    let today = ctx.now.with_timezone(&HELSINKI).date_naive();
    let offset = offset.clamp(-52, 52);
    let (first, days) = if week {
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        (monday + Duration::weeks(i64::from(offset)), 7)
    } else {
        (today + Duration::days(i64::from(offset)), 1)
    };
    let from = start_of_day(first, HELSINKI);
    let to = start_of_day(first + Duration::days(days), HELSINKI);
    let me = ctx.actor_id();
    let rows = visit::Entity::find()
        .filter(
            Condition::any()
                .add(visit::Column::GuideId.eq(me))
                .add(visit::Column::DriverId.eq(me))
                .add(visit::Column::SocialWorkerId.eq(me)),
        )
        .filter(visit::Column::StartsAt.gte(from))
        .filter(visit::Column::StartsAt.lt(to))
        .order_by_asc(visit::Column::StartsAt)
        .all(&ctx.db)
        .await?;
    let mut shown = Vec::new();
    let mut by_day: Vec<AgendaDay> = (0..days)
        .map(|i| {
            let date = first + Duration::days(i);
            AgendaDay {
                date: date.to_string(),
                weekday: date.weekday().num_days_from_monday() as u8,
                visits: Vec::new(),
            }
        })
        .collect();
    let clients = clients_of(&ctx.db, &rows).await?;
    let related = Related::load(ctx, &rows).await?;
    for row in rows {
        let Some(client) = clients.get(&row.client_id) else { continue };
        // A former guide's visits stay in the database for payroll, not in their agenda.
        let resource = resource(&row, client);
        if !can(&ctx.actor, Action::ViewVisit, &resource).is_allowed() {
            continue;
        }
        let date = row.starts_at.with_timezone(&zone_of(&row)).date_naive();
        let index = (date - first).num_days();
        shown.push(client.id);
        let item = view(ctx, row, client, &resource, &related)?;
        if let Some(day) = usize::try_from(index).ok().and_then(|i| by_day.get_mut(i)) {
            day.visits.push(item);
        }
    }
    shown.sort_unstable();
    shown.dedup();
    ctx.audit_clients(Action::ViewAgenda, &shown).await?;
    Ok(AgendaView { days: by_day, today: today.to_string() })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    #[test]
    fn map_links_encode_the_address_and_calls_have_none() {
        let mut row = visit::Model {
            id: 1,
            client_id: 1,
            guide_id: 1,
            social_worker_id: None,
            kind: "home_visit".into(),
            starts_at: Utc::now(),
            ends_at: Utc::now(),
            zone: "Europe/Helsinki".into(),
            place: "Kuortane".into(),
            address: Some("Kirkkotie 1 & 2".into()),
            status: "planned".into(),
            series_id: None,
            sequence: 0,
            outcome_note: None,
            minutes: None,
            km_tenths: None,
            driver_id: None,
            reimbursement: None,
            ticket_cents: None,
            created_by: None,
            excess_reason: None,
            feedback_given: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(
            map_url(&row).unwrap(),
            "https://www.google.com/maps/search/?api=1&query=Kirkkotie+1+%26+2%2C+Kuortane"
        );
        row.kind = "call".into();
        assert_eq!(map_url(&row), None);
    }
}
