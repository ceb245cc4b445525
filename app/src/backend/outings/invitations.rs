//! Calendar invitations for outings, for those who keep their calendar by e-mail rather than
//! by the feed: the leaders named when an outing is planned get its sessions, and a guide whose
//! client is given a place by someone else gets the session, or its removal when someone else
//! cancels the place. Like visits, the person who made the change gets nothing: it is on their
//! screen and in their feed. The files carry the feed's UID for the session, so whoever has both
//! sees one event; the mails never name a participant.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::day::session_entry;
use crate::{
    backend::{
        calendar::{self, Method},
        ctx::Mailing,
        emails::{self, OutingFacts, OutingInvitation},
        entities::{outing, outing_driver, outing_leader, outing_session, user},
        error::stored,
    },
    dto::AppError,
};

/// Mails `recipients` (active accounts only) the calendar file of `sessions`, all of one
/// outing: `why` says what it is to them. Four queries, then one insert per mail.
pub(super) async fn invite(
    db: &impl ConnectionTrait,
    sessions: &[i64],
    recipients: &[i64],
    why: OutingInvitation,
    mailing: &Mailing,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if sessions.is_empty() || recipients.is_empty() {
        return Ok(());
    }
    let rows = outing_session::Entity::find()
        .filter(outing_session::Column::Id.is_in(sessions.to_vec()))
        .order_by_asc(outing_session::Column::StartsAt)
        .all(db)
        .await?;
    let Some(first) = rows.first() else { return Ok(()) };
    let Some(o) = outing::Entity::find_by_id(first.outing_id).one(db).await? else { return Ok(()) };
    let people = user::Entity::find()
        .filter(user::Column::Id.is_in(recipients.to_vec()))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?;
    let mut entries: Vec<_> = rows.iter().map(|s| session_entry(s, &o, &mailing.origin)).collect();
    let method = match why {
        OutingInvitation::Removed => {
            // The event leaves their calendar; a later one ranks above the feed's copy.
            for entry in &mut entries {
                entry.cancelled = true;
                entry.sequence = 1;
                entry.stamp = now;
            }
            Method::Cancel
        }
        OutingInvitation::Leading | OutingInvitation::ClientsPlace => Method::Request,
    };
    let ics = calendar::render("Rinnalla", method, &entries);
    let facts =
        OutingFacts { kind: stored(&o.kind)?, title: &o.title, when: first.starts_at, place: &o.place };
    let link = mailing.link(&format!("/outings/sessions/{}", first.id));
    for person in &people {
        let key =
            format!("outing_invitation:{}:{}:{}:{}", first.id, why.as_str(), person.id, now.timestamp());
        let mail = emails::outing_invitation(person, &facts, rows.len(), why, &link, key, ics.clone());
        mailing.enqueue(db, mail, now).await?;
    }
    Ok(())
}

/// Of `people`, those who still have `session` in their calendar for another reason: they lead
/// the outing or drive for the session. A cancelled place must not remove it from theirs.
pub(super) async fn without_other_reason(
    db: &impl ConnectionTrait,
    session: &outing_session::Model,
    people: &[i64],
) -> Result<Vec<i64>, AppError> {
    let leaders: Vec<i64> = outing_leader::Entity::find()
        .filter(outing_leader::Column::OutingId.eq(session.outing_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.user_id)
        .collect();
    let drivers: Vec<i64> = outing_driver::Entity::find()
        .filter(outing_driver::Column::SessionId.eq(session.id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.driver_id)
        .collect();
    Ok(people.iter().copied().filter(|id| !leaders.contains(id) && !drivers.contains(id)).collect())
}
