//! Day-before reminders of tomorrow's visits, to the guide and to the social worker taking
//! part, queued in the outbox by the background worker.

use crate::backend::error::stored;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{actors, clients_of, resource, zone_of};
use crate::{
    backend::{
        emails::{self, VisitFacts},
        entities::visit,
        outbox,
    },
    domain::{
        policy::{Action, can},
        time::{HELSINKI, start_of_day},
        visits::{VisitKind, VisitStatus},
    },
    dto::AppError,
};

/// Queues tomorrow's reminders: to the guide (with how the client likes to be contacted) and
/// to the social worker of three-way and review meetings. From noon the day before, once per
/// visit and time (a moved visit is reminded again).
pub async fn queue_reminders(
    db: &DatabaseConnection,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let local = now.with_timezone(&HELSINKI);
    if local.time() < NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN) {
        return Ok(0);
    }
    let tomorrow = local.date_naive() + Duration::days(1);
    let rows = visit::Entity::find()
        .filter(visit::Column::Status.eq(VisitStatus::Planned.as_str()))
        .filter(visit::Column::StartsAt.gte(start_of_day(tomorrow, HELSINKI)))
        .filter(visit::Column::StartsAt.lt(start_of_day(tomorrow + Duration::days(1), HELSINKI)))
        .all(db)
        .await?;
    let clients = clients_of(db, &rows).await?;
    let mut people: Vec<i64> =
        rows.iter().flat_map(|r| [Some(r.guide_id), r.social_worker_id]).flatten().collect();
    people.sort_unstable();
    people.dedup();
    let people = actors(db, &people).await?;
    let mut queued = 0;
    for row in rows {
        let Some(client) = clients.get(&row.client_id) else { continue };
        let kind: VisitKind = stored(&row.kind)?;
        let facts = VisitFacts {
            kind,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            zone: zone_of(&row),
            place: &row.place,
            now,
        };
        let link = format!("{origin}/visits/{}", row.id);
        let mut to = vec![(row.guide_id, true)];
        if kind.with_social_worker()
            && let Some(sw) = row.social_worker_id
        {
            to.push((sw, false));
        }
        let visit = resource(&row, client);
        for (id, is_guide) in to {
            // The policy decides here too: nobody is reminded of a visit they may not see.
            let Some((account, actor)) = people.get(&id) else { continue };
            if !can(actor, Action::ViewVisit, &visit).is_allowed() {
                continue;
            }
            let channel = if is_guide {
                Some(emails::channel_name(account, stored(&client.contact_channel)?))
            } else {
                None
            };
            let key = format!("visit-reminder:{}:{}:{id}", row.id, row.starts_at.timestamp());
            let mail = emails::visit_reminder(account, &facts, channel.as_deref(), &link, key);
            if outbox::enqueue(db, mail, now).await? == outbox::Enqueued::Queued {
                queued += 1;
            }
        }
    }
    Ok(queued)
}
