//! Clients. Every function that reads or changes a client's data asks the policy and writes
//! the audit trail here, where the data is loaded, so no page or server function can skip it.

use crate::backend::error::stored;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{
    ctx::Ctx,
    entities::{client, user},
};
use crate::{
    domain::{
        ids::{ClientId, UserId},
        paging,
        policy::{Action, Resource, client_scope},
    },
    dto::{
        AppError, Page,
        clients::{ClientCard, ClientListItem, ClientPermissions, ClientReferral},
    },
};

pub(crate) fn resource(row: &client::Model) -> Resource {
    Resource::Client { guide: row.guide_id.map(UserId), referred_by: row.referred_by.map(UserId) }
}

async fn name_of(ctx: &Ctx, id: Option<i64>) -> Result<Option<(String, Option<String>)>, AppError> {
    let Some(id) = id else { return Ok(None) };
    let found = user::Entity::find_by_id(id).one(&ctx.db).await?;
    Ok(found.map(|u| (u.name, u.phone)))
}

/// The clients the actor may see, by name, a page at a time (after the client `after`):
/// coordinators all, guides their own, social workers those they referred; `search` narrows to
/// names containing it. Each listed client is an audited read; three queries whatever the page.
pub async fn list(
    ctx: &Ctx,
    after: Option<ClientId>,
    search: &str,
    size: u64,
) -> Result<Page<ClientListItem>, AppError> {
    ctx.authorize(Action::ListClients, &Resource::Nothing, super::audit::entity::CLIENT, None).await?;
    let scope = client_scope(&ctx.actor);
    let mut query = client::Entity::find();
    if !scope.all {
        // An empty "any" matches nothing: a scope without guide or referrer sees no clients.
        let mut condition = Condition::any();
        if let Some(guide) = scope.guided_by {
            condition = condition.add(client::Column::GuideId.eq(guide.0));
        }
        if let Some(referrer) = scope.referred_by {
            condition = condition.add(client::Column::ReferredBy.eq(referrer.0));
        }
        query = query.filter(condition);
    }
    let search = search.trim().to_lowercase();
    if !search.is_empty() {
        let pattern = format!("%{}%", search.replace(['\\', '%', '_'], ""));
        use sea_orm::sea_query::{Expr, ExprTrait, Func};
        let name = Expr::expr(Func::lower(Expr::col(client::Column::DisplayName)));
        query = query.filter(name.like(pattern));
    }
    if let Some(after) = after {
        // The page goes on from a client the actor may see: a cursor is never a way to learn
        // where someone else's client sorts.
        let row = client::Entity::find_by_id(after.0).one(&ctx.db).await?.ok_or(AppError::NotFound)?;
        if !crate::domain::policy::can(&ctx.actor, Action::ViewClient, &resource(&row)).is_allowed() {
            return Err(AppError::NotFound);
        }
        query = query.filter(
            Condition::any().add(client::Column::DisplayName.gt(row.display_name.clone())).add(
                Condition::all()
                    .add(client::Column::DisplayName.eq(row.display_name))
                    .add(client::Column::Id.gt(row.id)),
            ),
        );
    }
    let rows = query
        .order_by_asc(client::Column::DisplayName)
        .order_by_asc(client::Column::Id)
        .limit(size + 1)
        .all(&ctx.db)
        .await?;
    let (rows, more) = paging::split(rows, size);
    // The query follows the policy's scope; each row is checked again by the one rule.
    let rows: Vec<client::Model> = rows
        .into_iter()
        .filter(|row| crate::domain::policy::can(&ctx.actor, Action::ViewClient, &resource(row)).is_allowed())
        .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    ctx.audit_clients(Action::ListClients, &ids).await?;
    let next = if more { rows.last().map(|r| r.id) } else { None };
    Ok(Page {
        rows: rows
            .into_iter()
            .map(|row| ClientListItem {
                id: ClientId(row.id),
                display_name: row.display_name,
                municipality: row.municipality,
            })
            .collect(),
        next,
    })
}

/// One client's card. A refused attempt is audited too.
pub async fn card(ctx: &Ctx, id: ClientId) -> Result<ClientCard, AppError> {
    let row = client::Entity::find_by_id(id.0).one(&ctx.db).await?;
    let Some(row) = row else {
        return Err(AppError::NotFound);
    };
    ctx.authorize_client(Action::ViewClient, row.id, &resource(&row)).await?;
    let guide = name_of(ctx, row.guide_id).await?;
    let social_worker = name_of(ctx, row.referred_by).await?;
    let resource = resource(&row);
    let may = |action| crate::domain::policy::can(&ctx.actor, action, &resource).is_allowed();
    let referral = match super::guidance::current_referral(&ctx.db, row.id).await? {
        Some(r) => Some(ClientReferral {
            id: r.id,
            status: stored(&r.status)?,
            clock: crate::domain::referrals::clock(r.submitted_at, r.first_contact_at, ctx.now),
            first_contact_at: r.first_contact_at.map(|at| at.to_rfc3339()),
            first_contact_channel: r.first_contact_channel.as_deref().map(stored).transpose()?,
        }),
        None => None,
    };
    let period = super::guidance::period_view(&ctx.db, row.id).await?;
    let has_period = period.is_some();
    Ok(ClientCard {
        id: ClientId(row.id),
        display_name: row.display_name,
        municipality: row.municipality,
        phone: row.phone,
        contact_channel: stored(&row.contact_channel)?,
        pickup_address: row.pickup_address,
        languages: crate::domain::languages::Languages::from_stored(&row.languages)
            .iter()
            .map(str::to_owned)
            .collect(),
        guide_name: guide.as_ref().map(|g| g.0.clone()),
        guide_phone: guide.and_then(|g| g.1),
        social_worker_name: social_worker.map(|s| s.0),
        period,
        pending_transfer: super::guidance::pending_transfer(&ctx.db, row.id).await?,
        earlier_transfers: super::guidance::earlier_transfers(&ctx.db, row.id).await?,
        consents: super::referrals::consents_of(&ctx.db, row.id).await?,
        outings: super::outings::attended_by(&ctx.db, row.id).await?,
        may: ClientPermissions {
            record_first_contact: may(Action::RecordFirstContact)
                && referral.as_ref().is_some_and(|r| r.first_contact_at.is_none())
                && has_period,
            edit_plan: may(Action::EditGuidancePeriod) && has_period,
            end: may(Action::EndGuidance) && has_period,
            request_transfer: may(Action::RequestTransfer) && has_period,
            decide_transfer: may(Action::DecideTransfer),
            manage_consent: may(Action::ManageConsent),
            read_audit: may(Action::ReadClientAuditReport),
            plan_visit: may(Action::PlanVisit) && row.guide_id.is_some(),
            view_goals: may(Action::ViewGoals),
            sign_up_for_outing: may(Action::SignUpForOuting) && row.guide_id.is_some(),
        },
        referral,
    })
}
