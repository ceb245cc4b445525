//! One guidance already ended, so that a newcomer sees an ending and its summary for the
//! official client record: Tarja, referred by Sami a little over three months ago and guided
//! by Merja, with two goals, the visits and rides they did, and the ending held two days ago
//! with Sami; and Sirpa's and Kalevi's guidance near their planned end, open, to end yourself.
//! The ending goes through the same code as a real one (`endings::hold`), so the
//! demo shows what that code makes, not a hand-written copy of it.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use crate::{
    backend::{
        auth,
        ctx::{Ctx, Mailing},
        endings,
        entities::{client, consent, goal, goal_rating, goal_step, referral, ride_leg, user, visit},
        guidance::{self, local_date},
    },
    domain::{ids::UserId, policy::Actor, time::HELSINKI},
    dto::{AppError, endings::EndingFormData},
};

const SOCIAL_WORKER: &str = "sosiaalityo@rinnalla.example";
const GUIDE: &str = "merja.hautala@rinnalla.example";

/// (words, steps with the day done, days ago, faces (days ago, face))
type SeededGoal = (&'static str, &'static [(&'static str, i64)], &'static [(i64, i16)]);

const GOALS: [SeededGoal; 2] = [
    (
        "Pääsen kirjastoon ja takaisin bussilla",
        &[("Katson bussiaikataulun", 80), ("Menen bussilla ohjaajan kanssa", 60), ("Menen yksin", 20)],
        &[(98, 1), (50, 3)],
    ),
    ("Hoidan vuokran ajallaan", &[("Teen e-laskun vuokrasta", 70)], &[(98, 2), (50, 3)]),
];

/// A client as seeded here.
struct GuidedClient {
    name: &'static str,
    place: &'static str,
    needs: &'static str,
    words: &'static str,
}

const TARJA: GuidedClient = GuidedClient {
    name: "Tarja",
    place: "Seinäjoki",
    needs: "mental_health,loneliness",
    words: "Haluaisin uskaltaa liikkua kaupungilla yksin.",
};

/// Two guidances near their planned end, still open, for trying the ending yourself.
const NEAR_THE_END: [(GuidedClient, &str, SeededGoal); 2] = [
    (
        GuidedClient {
            name: "Sirpa",
            place: "Lapua",
            needs: "loneliness",
            words: "Haluaisin löytää jonkin harrastuksen.",
        },
        "merja.hautala@rinnalla.example",
        (
            "Käyn uimahallissa kerran viikossa",
            &[("Ostan sarjakortin", 60), ("Käyn ensimmäisen kerran", 40)],
            &[(98, 2), (40, 4)],
        ),
    ),
    (
        GuidedClient {
            name: "Kalevi",
            place: "Kauhava",
            needs: "long_unemployment",
            words: "En tiedä, mistä aloittaa työnhaun.",
        },
        "mikko.ranta@rinnalla.example",
        (
            "Teen ansioluettelon",
            &[("Kirjoitan työpaikat ylös", 70), ("Käyn työpajalla", 35)],
            &[(98, 1), (35, 3)],
        ),
    ),
];

/// (days ago, kind, minutes, ride legs in tenths of a kilometre)
const VISITS: [(i64, &str, i64, &[i32]); 6] = [
    (97, "three_way", 60, &[]),
    (90, "home_visit", 90, &[]),
    (80, "accompaniment", 120, &[184, 184]),
    (60, "accompaniment", 150, &[184, 96, 210]),
    (45, "call", 20, &[]),
    (30, "home_visit", 60, &[]),
];

/// A client referred by `social_worker` at `submitted` and guided by `guide` since the next day.
async fn guided_client(
    txn: &impl sea_orm::ConnectionTrait,
    seed: &GuidedClient,
    social_worker: i64,
    guide: i64,
    submitted: DateTime<Utc>,
) -> Result<(client::Model, referral::Model), AppError> {
    let row = client::ActiveModel {
        id: NotSet,
        display_name: Set(seed.name.to_owned()),
        municipality: Set(seed.place.to_owned()),
        guide_id: Set(Some(guide)),
        referred_by: Set(Some(social_worker)),
        created_at: Set(submitted),
        updated_at: Set(submitted),
        phone: Set(Some("040 555 0198".to_owned())),
        pickup_address: Set(None),
        contact_channel: Set("call".to_owned()),
        languages: Set("fi".to_owned()),
        preferred_gender: Set(None),
        guide_wishes: Set(None),
        needs_rides: Set(true),
        anonymised_at: Set(None),
    }
    .insert(txn)
    .await?;
    consent::ActiveModel {
        id: NotSet,
        client_id: Set(row.id),
        purpose: Set("experience_guidance".to_owned()),
        shared_with: Set("Kokemusohjaaja ja koordinaattori: tarpeet ja yhteystiedot".to_owned()),
        given_at: Set(submitted),
        valid_until: Set(None),
        withdrawn_at: Set(None),
        recorded_by: Set(Some(social_worker)),
    }
    .insert(txn)
    .await?;
    let referral = referral::ActiveModel {
        id: NotSet,
        client_id: Set(row.id),
        referred_by: Set(Some(social_worker)),
        needs: Set(seed.needs.to_owned()),
        client_words: Set(seed.words.to_owned()),
        urgent: Set(false),
        status: Set("active".to_owned()),
        submitted_at: Set(submitted),
        first_contact_due: Set(crate::domain::referrals::first_contact_due(submitted)),
        first_contact_at: Set(Some(submitted + Duration::days(2))),
        first_contact_channel: Set(Some("call".to_owned())),
        guide_id: Set(Some(guide)),
        updated_at: Set(submitted),
    }
    .insert(txn)
    .await?;
    guidance::start_period(txn, row.id, guide, Some(referral.id), submitted + Duration::days(1)).await?;
    Ok((row, referral))
}

/// The goals of a demo client, set at the first meeting 98 days ago, with steps and faces.
async fn add_goals(
    txn: &impl sea_orm::ConnectionTrait,
    of: &client::Model,
    referral: i64,
    guide: i64,
    goals: &[SeededGoal],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let day = |days: i64| -> NaiveDate { local_date(now) - Duration::days(days) };
    let at = |days: i64| -> DateTime<Utc> { now - Duration::days(days) };
    for (position, (words, steps, faces)) in goals.iter().enumerate() {
        let row = goal::ActiveModel {
            id: NotSet,
            client_id: Set(of.id),
            referral_id: Set(Some(referral)),
            words: Set((*words).to_owned()),
            why: Set(None),
            status: Set("active".to_owned()),
            status_reason: Set(None),
            status_changed_at: Set(None),
            outcome: Set(None),
            set_on: Set(day(98)),
            set_at_visit_id: Set(None),
            position: Set(position as i32),
            created_by: Set(Some(guide)),
            created_at: Set(at(98)),
            updated_at: Set(at(98)),
        }
        .insert(txn)
        .await?;
        for (i, (step, done)) in steps.iter().enumerate() {
            goal_step::ActiveModel {
                id: NotSet,
                goal_id: Set(row.id),
                words: Set((*step).to_owned()),
                position: Set(i as i32),
                done_on: Set(Some(day(*done))),
                done_visit_id: Set(None),
                done_by: Set(Some(guide)),
                created_at: Set(at(98)),
            }
            .insert(txn)
            .await?;
        }
        for (days, face) in *faces {
            goal_rating::ActiveModel {
                id: NotSet,
                goal_id: Set(row.id),
                rated_on: Set(day(*days)),
                face: Set(*face),
                occasion: Set(if *days == 98 { "first_meeting" } else { "review" }.to_owned()),
                review_id: Set(None),
                recorded_by: Set(Some(guide)),
                created_at: Set(at(*days)),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

async fn account(db: &impl sea_orm::ConnectionTrait, email: &str) -> Result<user::Model, AppError> {
    user::Entity::find().filter(user::Column::Email.eq(email)).one(db).await?.ok_or(AppError::NotFound)
}

/// Adds Tarja's ended guidance and the two near their end, once (nothing when Tarja is there).
pub async fn seed_ending(db: &DatabaseConnection, origin: &str) -> Result<(), AppError> {
    if client::Entity::find().filter(client::Column::DisplayName.eq(TARJA.name)).count(db).await? > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let held_at = now - Duration::days(2);
    let (social_worker, guide) = (account(db, SOCIAL_WORKER).await?, account(db, GUIDE).await?);
    let submitted = now - Duration::days(100);
    let day = |days: i64| -> NaiveDate { local_date(now) - Duration::days(days) };
    let at = |days: i64| -> DateTime<Utc> { now - Duration::days(days) };

    let txn = db.begin().await?;
    let (tarja, referral) = guided_client(&txn, &TARJA, social_worker.id, guide.id, submitted).await?;
    add_goals(&txn, &tarja, referral.id, guide.id, &GOALS, now).await?;
    for (days, kind, minutes, legs) in VISITS {
        let starts = HELSINKI
            .from_local_datetime(&day(days).and_hms_opt(10, 0, 0).unwrap_or_default())
            .earliest()
            .map_or(at(days), |t| t.with_timezone(&Utc));
        let row = visit::ActiveModel {
            id: NotSet,
            client_id: Set(tarja.id),
            guide_id: Set(guide.id),
            social_worker_id: Set((kind == "three_way").then_some(social_worker.id)),
            kind: Set(kind.to_owned()),
            starts_at: Set(starts),
            ends_at: Set(starts + Duration::minutes(minutes)),
            zone: Set(HELSINKI.name().to_owned()),
            place: Set("Seinäjoki".to_owned()),
            address: Set(None),
            status: Set("done".to_owned()),
            series_id: Set(None),
            sequence: Set(0),
            outcome_note: Set(None),
            minutes: Set(Some(minutes as i32)),
            km_tenths: Set((!legs.is_empty()).then(|| legs.iter().sum())),
            driver_id: Set((!legs.is_empty()).then_some(guide.id)),
            reimbursement: Set((!legs.is_empty()).then(|| "allowance".to_owned())),
            ticket_cents: Set(None),
            created_by: Set(Some(guide.id)),
            excess_reason: Set(None),
            feedback_given: Set(false),
            created_at: Set(starts),
            updated_at: Set(starts),
        }
        .insert(&txn)
        .await?;
        for (position, km_tenths) in legs.iter().enumerate() {
            ride_leg::ActiveModel {
                id: NotSet,
                visit_id: Set(row.id),
                position: Set(position as i32),
                from_place: Set(if position == 0 { "Koti" } else { "Asiointi" }.to_owned()),
                to_place: Set(if position + 1 == legs.len() { "Koti" } else { "Asiointi" }.to_owned()),
                km_tenths: Set(*km_tenths),
                estimated: Set(false),
            }
            .insert(&txn)
            .await?;
        }
    }
    for (seed, guide_email, goal) in &NEAR_THE_END {
        let guide = account(&txn, guide_email).await?;
        let (row, referral) = guided_client(&txn, seed, social_worker.id, guide.id, submitted).await?;
        add_goals(&txn, &row, referral.id, guide.id, std::slice::from_ref(goal), now).await?;
    }
    txn.commit().await?;

    let goals = goal::Entity::find()
        .filter(goal::Column::ClientId.eq(tarja.id))
        .order_by_asc(goal::Column::Position)
        .all(db)
        .await?;
    let mut form = EndingFormData {
        started_from: "En uskaltanut lähteä kotoa yksin.".to_owned(),
        now_at: "Käyn kirjastossa bussilla joka viikko.".to_owned(),
        what_helped: "Että Merja tuli ensin mukaan ja sitten odotti puhelimen päässä.".to_owned(),
        guide_note: "Tarja haluaa jatkaa kirjaston lukupiirissä.".to_owned(),
        social_worker_note: "Vuokrarästit maksettu, asumisneuvonta päättyy.".to_owned(),
        ..Default::default()
    };
    for (g, (outcome, face)) in goals.iter().zip([("reached", "5"), ("partly_reached", "4")]) {
        form.lines.insert(format!("goal_{}_outcome", g.id), outcome.to_owned());
        form.lines.insert(format!("goal_{}_face", g.id), face.to_owned());
    }
    for (factor, effect) in [("housing", "hindered"), ("relationships", "helped"), ("own_strength", "helped")]
    {
        form.lines.insert(format!("factor_{factor}"), effect.to_owned());
    }
    for (n, (kind, name, new)) in
        [("money_advice", "Talous- ja velkaneuvonta", "on"), ("third_sector", "Kirjaston lukupiiri", "on")]
            .into_iter()
            .enumerate()
    {
        form.lines.insert(format!("service_{}_kind", n + 1), kind.to_owned());
        form.lines.insert(format!("service_{}_name", n + 1), name.to_owned());
        form.lines.insert(format!("service_{}_new", n + 1), new.to_owned());
    }
    let ctx = Ctx {
        db: db.clone(),
        actor: Actor {
            user_id: UserId(social_worker.id),
            roles: auth::roles_of(db, social_worker.id).await?,
        },
        request_id: None,
        now: held_at,
        mailing: Mailing::detached(origin),
    };
    endings::hold(&ctx, crate::domain::ids::ClientId(tarja.id), &form).await?;
    Ok(())
}
