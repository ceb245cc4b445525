//! Demo goals and a reward scheme, so that a newcomer sees what they look like: Matti's two
//! goals set at the first three-way meeting five weeks ago, with steps done since and faces
//! that got better; Liisa's goal with a step still to do; and Matti's own reward scheme in
//! cents, with what he has saved so far; and a review held with his social worker a week ago.

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use crate::{
    backend::{
        entities::{
            client, goal, goal_rating, goal_step, guidance_period, referral, review, review_goal_decision,
            reward, reward_entry, reward_rule, reward_scheme,
        },
        guidance::local_date,
    },
    dto::AppError,
};

/// A goal as seeded: words, why, steps with the day each was done (days ago), and faces.
struct Seeded {
    client: &'static str,
    words: &'static str,
    why: Option<&'static str>,
    set_days_ago: i64,
    steps: &'static [(&'static str, Option<i64>)],
    /// (days ago, face, occasion)
    faces: &'static [(i64, i16, &'static str)],
}

const GOALS: [Seeded; 3] = [
    Seeded {
        client: "Matti",
        words: "Käyn itse kaupassa kerran viikossa",
        why: Some("Haluan pärjätä omin avuin ja nähdä ihmisiä."),
        set_days_ago: 35,
        steps: &[
            ("Teen kauppalistan", Some(28)),
            ("Käyn kaupassa ohjaajan kanssa", Some(14)),
            ("Käyn lähikaupassa yksin", None),
        ],
        faces: &[(35, 2, "first_meeting"), (14, 3, "visit"), (2, 4, "visit")],
    },
    Seeded {
        client: "Matti",
        words: "Saan postit avattua",
        why: None,
        set_days_ago: 35,
        steps: &[("Avaan yhden kirjeen päivässä", Some(20)), ("Soitan Kelaan yhdessä ohjaajan kanssa", None)],
        faces: &[(35, 1, "first_meeting"), (14, 3, "visit")],
    },
    Seeded {
        client: "Liisa",
        words: "Menen A-klinikalle sovittuun aikaan",
        why: Some("Haluan, että lapset voivat luottaa minuun."),
        set_days_ago: 25,
        steps: &[("Merkitsen ajan kalenteriin", Some(24)), ("Menen ensimmäiselle käynnille", None)],
        faces: &[(25, 2, "first_meeting")],
    },
];

/// Adds the demo goals once (nothing when goals exist already).
pub async fn seed_goals(db: &DatabaseConnection) -> Result<(), AppError> {
    if goal::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let today = local_date(now);
    let ago = |days: i64| -> NaiveDate { today - Duration::days(days) };
    let txn = db.begin().await?;
    let mut mattis_goals = Vec::new();
    for (position, seeded) in GOALS.iter().enumerate() {
        let Some(client) =
            client::Entity::find().filter(client::Column::DisplayName.eq(seeded.client)).one(&txn).await?
        else {
            continue;
        };
        let referral = referral::Entity::find()
            .filter(referral::Column::ClientId.eq(client.id))
            .order_by_desc(referral::Column::SubmittedAt)
            .one(&txn)
            .await?;
        let row = goal::ActiveModel {
            id: NotSet,
            client_id: Set(client.id),
            referral_id: Set(referral.map(|r| r.id)),
            words: Set(seeded.words.to_owned()),
            why: Set(seeded.why.map(str::to_owned)),
            status: Set("active".to_owned()),
            status_reason: Set(None),
            status_changed_at: Set(None),
            outcome: Set(None),
            set_on: Set(ago(seeded.set_days_ago)),
            set_at_visit_id: Set(None),
            position: Set(position as i32),
            created_by: Set(client.guide_id),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        if seeded.client == "Matti" {
            mattis_goals.push(row.id);
        }
        for (i, (words, done)) in seeded.steps.iter().enumerate() {
            goal_step::ActiveModel {
                id: NotSet,
                goal_id: Set(row.id),
                words: Set((*words).to_owned()),
                position: Set(i as i32),
                done_on: Set(done.map(ago)),
                done_visit_id: Set(None),
                done_by: Set(done.and(client.guide_id)),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        for (days, face, occasion) in seeded.faces {
            goal_rating::ActiveModel {
                id: NotSet,
                goal_id: Set(row.id),
                rated_on: Set(ago(*days)),
                face: Set(*face),
                occasion: Set((*occasion).to_owned()),
                review_id: Set(None),
                recorded_by: Set(client.guide_id),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    if let Some(matti) =
        client::Entity::find().filter(client::Column::DisplayName.eq("Matti")).one(&txn).await?
    {
        seed_rewards(&txn, &matti, now, &ago).await?;
        seed_review(&txn, &matti, &mattis_goals, now, &ago).await?;
    }
    Ok(txn.commit().await?)
}

/// Matti's scheme: cents for the dishes and for a trip to the shop, saving for a cinema ticket.
async fn seed_rewards(
    txn: &sea_orm::DatabaseTransaction,
    matti: &client::Model,
    now: chrono::DateTime<Utc>,
    ago: &impl Fn(i64) -> NaiveDate,
) -> Result<(), AppError> {
    let scheme = reward_scheme::ActiveModel {
        id: NotSet,
        client_id: Set(matti.id),
        unit: Set("cents".to_owned()),
        created_by: Set(matti.guide_id),
        created_at: Set(now - Duration::days(30)),
        ended_at: Set(None),
    }
    .insert(txn)
    .await?;
    let mut rules = Vec::new();
    for (position, (what, amount)) in [("Tiskit tehty", 50), ("Kauppareissu", 100)].into_iter().enumerate() {
        let rule = reward_rule::ActiveModel {
            id: NotSet,
            scheme_id: Set(scheme.id),
            position: Set(position as i32),
            what: Set(what.to_owned()),
            amount: Set(amount),
            retired_at: Set(None),
        }
        .insert(txn)
        .await?;
        rules.push((rule.id, amount));
    }
    reward::ActiveModel {
        id: NotSet,
        scheme_id: Set(scheme.id),
        position: Set(0),
        what: Set("Elokuvalippu".to_owned()),
        cost: Set(1200),
        retired_at: Set(None),
    }
    .insert(txn)
    .await?;
    let mut balance = 0i64;
    for (seq, (rule, days)) in
        [(0, 28), (0, 27), (1, 14), (0, 10), (0, 9), (1, 7), (0, 3)].into_iter().enumerate()
    {
        let (rule_id, amount) = rules[rule];
        balance += i64::from(amount);
        reward_entry::ActiveModel {
            id: NotSet,
            scheme_id: Set(scheme.id),
            seq: Set(seq as i32 + 1),
            kind: Set("earned".to_owned()),
            amount: Set(amount),
            balance_after: Set(balance),
            happened_on: Set(ago(days)),
            rule_id: Set(Some(rule_id)),
            reward_id: Set(None),
            step_id: Set(None),
            recorded_by: Set(matti.guide_id),
            recorded_at: Set(now - Duration::days(days)),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The review Matti, his guide and his social worker held a week ago: both goals go on, with
/// his faces and the guide's notes; the next meeting is the one the plan has.
async fn seed_review(
    txn: &sea_orm::DatabaseTransaction,
    matti: &client::Model,
    goals: &[i64],
    now: chrono::DateTime<Utc>,
    ago: &impl Fn(i64) -> NaiveDate,
) -> Result<(), AppError> {
    let Some(period) = guidance_period::Entity::find()
        .filter(guidance_period::Column::ClientId.eq(matti.id))
        .filter(guidance_period::Column::EndedAt.is_null())
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let held_on = ago(7).max(local_date(period.started_at));
    let row = review::ActiveModel {
        id: NotSet,
        client_id: Set(matti.id),
        period_id: Set(period.id),
        held_on: Set(held_on),
        visit_id: Set(None),
        outcome: Set("continue".to_owned()),
        next_review: Set(Some(period.review_due)),
        planned_end: Set(period.planned_end),
        note: Set(Some(
            "Jatketaan näin. Kauppareissut sujuvat, postit avataan jatkossakin yhdessä.".to_owned(),
        )),
        recorded_by: Set(matti.referred_by),
        created_at: Set(now - Duration::days(7)),
    }
    .insert(txn)
    .await?;
    let notes = ["Matti teki kauppalistan itse ja hoiti kassalla maksun.", "Kirjeet eivät enää kasaannu."];
    for (goal_id, note) in goals.iter().zip(notes) {
        review_goal_decision::ActiveModel {
            id: NotSet,
            review_id: Set(row.id),
            goal_id: Set(*goal_id),
            decision: Set("continue".to_owned()),
            words: Set(None),
            reason: Set(None),
            note: Set(Some(note.to_owned())),
        }
        .insert(txn)
        .await?;
        goal_rating::ActiveModel {
            id: NotSet,
            goal_id: Set(*goal_id),
            rated_on: Set(held_on),
            face: Set(3),
            occasion: Set("review".to_owned()),
            review_id: Set(Some(row.id)),
            recorded_by: Set(matti.referred_by),
            created_at: Set(now - Duration::days(7)),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
