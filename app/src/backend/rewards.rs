//! The reward scheme a client designs, and its ledger. The ledger is append-only: each entry
//! carries the balance after it and its place (`seq`, unique per scheme), written in the
//! transaction that read the balance before it, so the balance is always the sum of the entries
//! and two entries written from the same balance cannot both land.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{
    ctx::Ctx,
    db::begin_write,
    entities::{reward, reward_entry, reward_rule, reward_scheme},
    error::stored,
    goals::{authorized, open_referral},
    guidance::local_date,
};
use crate::{
    domain::{
        ids::ClientId,
        policy::Action,
        rewards::{self as rules, EntryKind, LineForm, SchemeForm},
        validation::ValidationCode,
    },
    dto::{
        AppError,
        goals::{EntryView, LATEST_ENTRIES, LineView, RewardLineView, RewardsView, SchemeFormData},
    },
};

async fn scheme_of(
    db: &impl ConnectionTrait,
    client_id: i64,
) -> Result<Option<reward_scheme::Model>, AppError> {
    Ok(reward_scheme::Entity::find()
        .filter(reward_scheme::Column::ClientId.eq(client_id))
        .filter(reward_scheme::Column::EndedAt.is_null())
        .order_by_desc(reward_scheme::Column::Id)
        .one(db)
        .await?)
}

async fn latest_entry(
    db: &impl ConnectionTrait,
    scheme_id: i64,
) -> Result<Option<reward_entry::Model>, AppError> {
    Ok(reward_entry::Entity::find()
        .filter(reward_entry::Column::SchemeId.eq(scheme_id))
        .order_by_desc(reward_entry::Column::Seq)
        .one(db)
        .await?)
}

fn amount(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// The client's scheme as the goals page shows it, or `None` when they have not made one.
/// Five queries, whatever the length of the ledger.
pub async fn view(db: &impl ConnectionTrait, client_id: i64) -> Result<Option<RewardsView>, AppError> {
    let Some(scheme) = scheme_of(db, client_id).await? else { return Ok(None) };
    // Retired lines too: old entries still name what they were for.
    let earning = reward_rule::Entity::find()
        .filter(reward_rule::Column::SchemeId.eq(scheme.id))
        .order_by_asc(reward_rule::Column::Position)
        .order_by_asc(reward_rule::Column::Id)
        .all(db)
        .await?;
    let rewards = reward::Entity::find()
        .filter(reward::Column::SchemeId.eq(scheme.id))
        .order_by_asc(reward::Column::Position)
        .order_by_asc(reward::Column::Id)
        .all(db)
        .await?;
    let entries = reward_entry::Entity::find()
        .filter(reward_entry::Column::SchemeId.eq(scheme.id))
        .order_by_desc(reward_entry::Column::Seq)
        .limit(LATEST_ENTRIES)
        .all(db)
        .await?;
    let entry_count =
        reward_entry::Entity::find().filter(reward_entry::Column::SchemeId.eq(scheme.id)).count(db).await?;
    let balance = entries.first().map_or(0, |e| u64::try_from(e.balance_after).unwrap_or(0));
    let rule_words: HashMap<i64, &str> = earning.iter().map(|r| (r.id, r.what.as_str())).collect();
    let reward_words: HashMap<i64, &str> = rewards.iter().map(|r| (r.id, r.what.as_str())).collect();
    let mut entry_views = Vec::with_capacity(entries.len());
    for e in &entries {
        let what = match (e.rule_id, e.reward_id) {
            (Some(id), _) => rule_words.get(&id),
            (_, Some(id)) => reward_words.get(&id),
            _ => None,
        };
        entry_views.push(EntryView {
            kind: stored(&e.kind)?,
            amount: amount(e.amount),
            balance_after: u64::try_from(e.balance_after).unwrap_or(0),
            on: e.happened_on,
            what: what.map(|w| (*w).to_owned()),
        });
    }
    Ok(Some(RewardsView {
        unit: stored(&scheme.unit)?,
        balance,
        earning: earning
            .iter()
            .filter(|r| r.retired_at.is_none())
            .map(|r| LineView { id: r.id, what: r.what.clone(), amount: amount(r.amount) })
            .collect(),
        rewards: rewards
            .iter()
            .filter(|r| r.retired_at.is_none())
            .map(|r| {
                let (saved, missing) = rules::toward(balance, amount(r.cost));
                RewardLineView { id: r.id, what: r.what.clone(), cost: amount(r.cost), saved, missing }
            })
            .collect(),
        entries: entry_views,
        entry_count,
    }))
}

/// The lines of one kind from the form's map, `{prefix}_{n}_what` / `_amount` from 1 up; one
/// past the most the domain takes, so that it can say so.
fn line_forms<'a>(form: &'a SchemeFormData, prefix: &str) -> Vec<LineForm<'a>> {
    let get =
        |n: usize, part: &str| form.lines.get(&format!("{prefix}_{n}_{part}")).map_or("", String::as_str);
    (1..=rules::MAX_LINES + 1).map(|n| LineForm { what: get(n, "what"), amount: get(n, "amount") }).collect()
}

/// Sets up the client's scheme, or changes its lines. A line kept as it was keeps its identity
/// (entries point at it); a line left out is retired, never deleted, so the ledger still says
/// what each entry was for. The unit cannot change once the ledger has entries.
pub async fn save_scheme(ctx: &Ctx, client_id: ClientId, form: &SchemeFormData) -> Result<(), AppError> {
    let client = authorized(ctx, client_id.0, Action::ManageRewards).await?;
    open_referral(&ctx.db, client.id).await?;
    let earning = line_forms(form, "earn");
    let reward_lines = line_forms(form, "reward");
    let scheme =
        rules::parse_scheme(&SchemeForm { unit: &form.unit, earning: &earning, rewards: &reward_lines })
            .map_err(AppError::Validation)?;
    let txn = begin_write(&ctx.db).await?;
    let row = match scheme_of(&txn, client.id).await? {
        Some(row) if row.unit == scheme.unit.as_str() => row,
        Some(row) => {
            if latest_entry(&txn, row.id).await?.is_some() {
                return Err(AppError::invalid("unit", ValidationCode::UnitInUse));
            }
            let mut active = row.into_active_model();
            active.unit = Set(scheme.unit.as_str().to_owned());
            active.update(&txn).await?
        }
        None => {
            reward_scheme::ActiveModel {
                id: NotSet,
                client_id: Set(client.id),
                unit: Set(scheme.unit.as_str().to_owned()),
                created_by: Set(Some(ctx.actor_id())),
                created_at: Set(ctx.now),
                ended_at: Set(None),
            }
            .insert(&txn)
            .await?
        }
    };
    save_rules(&txn, row.id, &scheme.earning, ctx.now).await?;
    save_rewards(&txn, row.id, &scheme.rewards, ctx.now).await?;
    txn.commit().await?;
    Ok(())
}

async fn save_rules(
    db: &impl ConnectionTrait,
    scheme_id: i64,
    lines: &[rules::Line],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut current: Vec<reward_rule::Model> = reward_rule::Entity::find()
        .filter(reward_rule::Column::SchemeId.eq(scheme_id))
        .filter(reward_rule::Column::RetiredAt.is_null())
        .all(db)
        .await?;
    for (position, line) in lines.iter().enumerate() {
        let position = position as i32;
        let same = current.iter().position(|r| r.what == line.what && amount(r.amount) == line.amount);
        match same {
            Some(i) => {
                let mut kept = current.swap_remove(i).into_active_model();
                kept.position = Set(position);
                kept.update(db).await?;
            }
            None => {
                reward_rule::ActiveModel {
                    id: NotSet,
                    scheme_id: Set(scheme_id),
                    position: Set(position),
                    what: Set(line.what.clone()),
                    amount: Set(line.amount as i32),
                    retired_at: Set(None),
                }
                .insert(db)
                .await?;
            }
        }
    }
    for gone in current {
        let mut retired = gone.into_active_model();
        retired.retired_at = Set(Some(now));
        retired.update(db).await?;
    }
    Ok(())
}

async fn save_rewards(
    db: &impl ConnectionTrait,
    scheme_id: i64,
    lines: &[rules::Line],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut current: Vec<reward::Model> = reward::Entity::find()
        .filter(reward::Column::SchemeId.eq(scheme_id))
        .filter(reward::Column::RetiredAt.is_null())
        .all(db)
        .await?;
    for (position, line) in lines.iter().enumerate() {
        let position = position as i32;
        let same = current.iter().position(|r| r.what == line.what && amount(r.cost) == line.amount);
        match same {
            Some(i) => {
                let mut kept = current.swap_remove(i).into_active_model();
                kept.position = Set(position);
                kept.update(db).await?;
            }
            None => {
                reward::ActiveModel {
                    id: NotSet,
                    scheme_id: Set(scheme_id),
                    position: Set(position),
                    what: Set(line.what.clone()),
                    cost: Set(line.amount as i32),
                    retired_at: Set(None),
                }
                .insert(db)
                .await?;
            }
        }
    }
    for gone in current {
        let mut retired = gone.into_active_model();
        retired.retired_at = Set(Some(now));
        retired.update(db).await?;
    }
    Ok(())
}

/// Writes one entry: something earned (`line` is a way to earn) or a reward bought (`line` is
/// a reward), today, for the line's amount. Spending more than is saved is refused
/// (`NotEnoughSaved`); an entry written at the same moment from the same balance loses on the
/// unique `seq` and is answered `Conflict`, so nothing is counted twice.
pub async fn record(ctx: &Ctx, client_id: ClientId, kind: &str, line: i64) -> Result<(), AppError> {
    let client = authorized(ctx, client_id.0, Action::ManageRewards).await?;
    open_referral(&ctx.db, client.id).await?;
    let kind = EntryKind::parse(kind).map_err(|code| AppError::invalid("kind", code))?;
    let scheme = scheme_of(&ctx.db, client.id).await?.ok_or(AppError::NotFound)?;
    let unknown = || AppError::invalid("line", ValidationCode::UnknownChoice);
    let (rule_id, reward_id, amount) = match kind {
        EntryKind::Earned => {
            let rule = reward_rule::Entity::find_by_id(line).one(&ctx.db).await?;
            let rule =
                rule.filter(|r| r.scheme_id == scheme.id && r.retired_at.is_none()).ok_or_else(unknown)?;
            (Some(rule.id), None, amount(rule.amount))
        }
        EntryKind::Spent => {
            let found = reward::Entity::find_by_id(line).one(&ctx.db).await?;
            let found =
                found.filter(|r| r.scheme_id == scheme.id && r.retired_at.is_none()).ok_or_else(unknown)?;
            (None, Some(found.id), amount(found.cost))
        }
    };
    let txn = begin_write(&ctx.db).await?;
    let last = latest_entry(&txn, scheme.id).await?;
    let balance = last.as_ref().map_or(0, |e| u64::try_from(e.balance_after).unwrap_or(0));
    let after = rules::after(balance, kind, amount).map_err(|code| AppError::invalid("line", code))?;
    reward_entry::ActiveModel {
        id: NotSet,
        scheme_id: Set(scheme.id),
        seq: Set(last.map_or(1, |e| e.seq + 1)),
        kind: Set(kind.as_str().to_owned()),
        amount: Set(amount as i32),
        balance_after: Set(i64::try_from(after).unwrap_or(i64::MAX)),
        happened_on: Set(local_date(ctx.now)),
        rule_id: Set(rule_id),
        reward_id: Set(reward_id),
        step_id: Set(None),
        recorded_by: Set(Some(ctx.actor_id())),
        recorded_at: Set(ctx.now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}
