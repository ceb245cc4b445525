//! Client councils and announcements: the agenda before a meeting and the memo after, the
//! agenda sent in good time to the guides of those coming, travel paid back at the bus-ticket
//! price, and a new outing announced to the guides who want to hear of them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{ENTITY, PLANNED, load};
use crate::{
    backend::{
        ctx::{Ctx, Mailing},
        emails::{self, OutingFacts},
        entities::{client, outing, outing_session, outing_signup, user, user_role},
    },
    domain::{
        outings::{Attendance, OutingKind, SignupStatus},
        policy::Action,
        roles::Role,
        text,
        time::{HELSINKI, next_month, start_of_day},
        validation::FormErrors,
    },
    dto::{AppError, outings::NotesForm},
};

/// The agenda goes to the participants' guides this long before the meeting.
pub const AGENDA_AHEAD: Duration = Duration::days(7);

/// A leader or coordinator writes a session's agenda (before) and memo (after). A changed
/// agenda is sent again.
pub async fn save_notes(ctx: &Ctx, form: &NotesForm) -> Result<i64, AppError> {
    let loaded = load(&ctx.db, form.session_id).await?;
    ctx.authorize(Action::ManageOuting, &loaded.resource(), ENTITY, Some(form.session_id.to_string()))
        .await?;
    let mut errors = FormErrors::default();
    let agenda = errors.check("agenda", text::multi_line(&form.agenda, text::NOTE));
    let memo = errors.check("memo", text::multi_line(&form.memo, text::NOTE));
    if !errors.is_empty() {
        return Err(AppError::Validation(errors.into_vec()));
    }
    let (Some(agenda), Some(memo)) = (agenda, memo) else { return Err(AppError::Forbidden) };
    let agenda = (!agenda.is_empty()).then_some(agenda);
    let changed = agenda != loaded.session.agenda;
    outing_session::Entity::update_many()
        .set(outing_session::ActiveModel {
            agenda_sent_at: if changed { Set(None) } else { sea_orm::ActiveValue::NotSet },
            agenda: Set(agenda),
            memo: Set((!memo.is_empty()).then_some(memo)),
            updated_at: Set(ctx.now),
            ..Default::default()
        })
        .filter(outing_session::Column::Id.eq(form.session_id))
        .exec(&ctx.db)
        .await?;
    Ok(form.session_id)
}

/// Councils meeting within [`AGENDA_AHEAD`] whose agenda has not gone yet: the agenda to the
/// guide of every participant confirmed now, once per version of the agenda. Returns the
/// number of e-mails queued.
pub async fn send_council_agendas(
    db: &impl ConnectionTrait,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let councils: Vec<i64> = outing::Entity::find()
        .filter(outing::Column::Kind.eq(OutingKind::Council.as_str()))
        .all(db)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    let sessions = outing_session::Entity::find()
        .filter(outing_session::Column::OutingId.is_in(councils))
        .filter(outing_session::Column::Status.eq(PLANNED))
        .filter(outing_session::Column::Agenda.is_not_null())
        .filter(outing_session::Column::AgendaSentAt.is_null())
        .filter(outing_session::Column::StartsAt.gt(now))
        .filter(outing_session::Column::StartsAt.lte(now + AGENDA_AHEAD))
        .all(db)
        .await?;
    if sessions.is_empty() {
        return Ok(0);
    }
    let outings: HashMap<i64, outing::Model> = outing::Entity::find()
        .filter(outing::Column::Id.is_in(sessions.iter().map(|s| s.outing_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let signups = outing_signup::Entity::find()
        .filter(outing_signup::Column::SessionId.is_in(sessions.iter().map(|s| s.id).collect::<Vec<_>>()))
        .filter(outing_signup::Column::Status.eq(SignupStatus::Confirmed.as_str()))
        .all(db)
        .await?;
    let guide_of: HashMap<i64, Option<i64>> = client::Entity::find()
        .filter(client::Column::Id.is_in(signups.iter().map(|s| s.client_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.guide_id))
        .collect();
    let guides: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(guide_of.values().flatten().copied().collect::<Vec<_>>()))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mailing = Mailing::detached(origin);
    let mut queued = 0;
    for session in &sessions {
        let (Some(o), Some(agenda)) = (outings.get(&session.outing_id), session.agenda.as_deref()) else {
            continue;
        };
        let facts = OutingFacts {
            kind: OutingKind::Council,
            title: &o.title,
            when: session.starts_at,
            place: &o.place,
        };
        let link = mailing.link(&format!("/outings/sessions/{}", session.id));
        let mut told = HashSet::new();
        for signup in signups.iter().filter(|s| s.session_id == session.id) {
            let Some(guide) = guide_of.get(&signup.client_id).copied().flatten().and_then(|g| guides.get(&g))
            else {
                continue;
            };
            if !told.insert(guide.id) {
                continue; // one e-mail per guide, however many of their clients come
            }
            let key =
                format!("council_agenda:{}:{}:{}", session.id, guide.id, session.updated_at.timestamp());
            mailing.enqueue(db, emails::council_agenda(guide, &facts, agenda, &link, key), now).await?;
            queued += 1;
        }
        outing_session::Entity::update_many()
            .set(outing_session::ActiveModel { agenda_sent_at: Set(Some(now)), ..Default::default() })
            .filter(outing_session::Column::Id.eq(session.id))
            .exec(db)
            .await?;
    }
    Ok(queued)
}

/// A new outing, announced to every active guide but the one who planned it (each may turn
/// these off in their settings). Returns how many were queued.
pub async fn announce(ctx: &Ctx, outing_id: i64, first_session: i64) -> Result<usize, AppError> {
    let o = crate::backend::error::find::<outing::Entity>(&ctx.db, outing_id).await?;
    let session = crate::backend::error::find::<outing_session::Entity>(&ctx.db, first_session).await?;
    let guide_ids: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(Role::Guide.as_str()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .filter(|id| *id != ctx.actor_id())
        .collect();
    let guides = user::Entity::find()
        .filter(user::Column::Id.is_in(guide_ids))
        .filter(user::Column::Active.eq(true))
        .all(&ctx.db)
        .await?;
    let kind = crate::backend::error::stored(&o.kind)?;
    let facts = OutingFacts { kind, title: &o.title, when: session.starts_at, place: &o.place };
    let link = ctx.mailing.link(&format!("/outings/sessions/{first_session}"));
    let mut queued = 0;
    for guide in &guides {
        let key = format!("outing_announced:{outing_id}:{}", guide.id);
        if ctx.mailing.enqueue(&ctx.db, emails::outing_announced(guide, &facts, &link, key), ctx.now).await?
            == crate::backend::outbox::Enqueued::Queued
        {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Bus-ticket travel of council participants in a month, by the guide who pays it back:
/// how many came (three queries).
pub async fn council_travel_in_month(
    db: &impl ConnectionTrait,
    first: NaiveDate,
) -> Result<HashMap<i64, u32>, AppError> {
    let councils: Vec<i64> = outing::Entity::find()
        .filter(outing::Column::Kind.eq(OutingKind::Council.as_str()))
        .all(db)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    let sessions: Vec<i64> = outing_session::Entity::find()
        .filter(outing_session::Column::OutingId.is_in(councils))
        .filter(outing_session::Column::StartsAt.gte(start_of_day(first, HELSINKI)))
        .filter(outing_session::Column::StartsAt.lt(start_of_day(next_month(first), HELSINKI)))
        .all(db)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let mut by_guide = HashMap::new();
    for signup in outing_signup::Entity::find()
        .filter(outing_signup::Column::SessionId.is_in(sessions))
        .filter(outing_signup::Column::Attendance.eq(Attendance::Attended.as_str()))
        .filter(outing_signup::Column::TravelGuideId.is_not_null())
        .all(db)
        .await?
    {
        if let Some(guide) = signup.travel_guide_id {
            *by_guide.entry(guide).or_insert(0) += 1;
        }
    }
    Ok(by_guide)
}
