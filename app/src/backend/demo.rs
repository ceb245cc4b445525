//! Demo data for trying Rinnalla: staff in South Ostrobothnia (one account per role, a second
//! social worker, eight guides with profiles), clients with guides, and referrals waiting in
//! the queue at different ages so the matching and the 7-day clock have something to show.
//! Only written into an empty database.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};

use super::{
    accounts,
    entities::{client, consent, guide_profile, referral, referral_event, user},
    guidance, passwords,
};
use crate::{
    domain::{availability::WeeklySlot, referrals::first_contact_due},
    dto::{AppError, accounts::AccountForm},
};

mod ending;
mod goals;
mod outings;
mod people;

pub use ending::seed_ending;
pub use goals::seed_goals;
pub use outings::seed_outings;
use people::{CLIENTS, GUIDES};

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "Kokeile-Rinnallaa-2026";

#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub role: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub locale: &'static str,
    pub languages: &'static [&'static str],
}

const fn account(
    role: &'static str,
    name: &'static str,
    email: &'static str,
    locale: &'static str,
    languages: &'static [&'static str],
) -> DemoAccount {
    DemoAccount { role, name, email, locale, languages }
}

pub const ACCOUNTS: [DemoAccount; 13] = [
    account("admin", "Anna Aaltonen", "admin@rinnalla.example", "fi", &["fi", "en"]),
    account("coordinator", "Kaisa Mäkelä", "koordinaattori@rinnalla.example", "fi", &["fi", "sv", "en"]),
    account("social_worker", "Sami Laine", "sosiaalityo@rinnalla.example", "fi", &["fi", "en"]),
    account("guide", "Elina Niemi", "ohjaaja@rinnalla.example", "fi", &["fi", "en"]),
    account("guide", "Jussi Koski", "ohjaaja2@rinnalla.example", "sv", &["fi", "sv"]),
    account("social_worker", "Hanna Rinne", "sosiaalityo2@rinnalla.example", "fi", &["fi"]),
    account("guide", "Merja Hautala", "merja.hautala@rinnalla.example", "fi", &["fi"]),
    account("guide", "Ari Peltola", "ari.peltola@rinnalla.example", "fi", &["fi"]),
    account("guide", "Leila Ahmed", "leila.ahmed@rinnalla.example", "en", &["fi", "ar", "en"]),
    account("guide", "Tuomas Salo", "tuomas.salo@rinnalla.example", "fi", &["fi"]),
    account("guide", "Sari Kangas", "sari.kangas@rinnalla.example", "fi", &["fi", "en"]),
    account("guide", "Mikko Ranta", "mikko.ranta@rinnalla.example", "fi", &["fi", "sv"]),
    account("guide", "Outi Järvinen", "outi.jarvinen@rinnalla.example", "fi", &["fi", "ru"]),
];

/// Fills an empty database; returns `false` (and writes nothing) when accounts exist already.
pub async fn seed(db: &DatabaseConnection) -> Result<bool, AppError> {
    if user::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let now = Utc::now();
    let turn = passwords::turn()?;
    let hash = passwords::hash(&turn, DEMO_PASSWORD.to_owned()).await?;
    let txn = db.begin().await?;
    let mut ids = std::collections::HashMap::new();
    for (i, demo) in ACCOUNTS.iter().enumerate() {
        let form = AccountForm {
            name: demo.name.to_owned(),
            email: demo.email.to_owned(),
            phone: format!("040 555 01{i:02}"),
            locale: demo.locale.to_owned(),
            roles: [(demo.role.to_owned(), "on".to_owned())].into(),
            languages: demo.languages.iter().map(|l| ((*l).to_owned(), "on".to_owned())).collect(),
        };
        let account = accounts::parse_form(&form)?;
        ids.insert(demo.email, accounts::create(&txn, &account, Some(hash.clone()), now).await?.id);
    }
    for guide in &GUIDES {
        let slots: Vec<WeeklySlot> =
            guide.slots.iter().map(|&(weekday, start, end)| WeeklySlot { weekday, start, end }).collect();
        guide_profile::ActiveModel {
            user_id: Set(ids[guide.email]),
            topics: Set(guide.topics.to_owned()),
            place: Set(guide.place.to_owned()),
            has_car: Set(guide.car),
            seats: Set(if guide.car { 3 } else { 0 }),
            max_caseload: Set(guide.max),
            gender: Set(Some(guide.gender.to_owned())),
            introduction: Set(guide.introduction.to_owned()),
            availability: Set(serde_json::to_string(&slots)?),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    for seed in &CLIENTS {
        let submitted = now - Duration::days(seed.days_ago) - Duration::hours(2);
        let referrer = ids[seed.referred_by];
        let row = client::ActiveModel {
            id: NotSet,
            display_name: Set(seed.name.to_owned()),
            municipality: Set(seed.place.to_owned()),
            guide_id: Set(None),
            referred_by: Set(Some(referrer)),
            created_at: Set(submitted),
            updated_at: Set(submitted),
            phone: Set(Some("040 555 0199".to_owned())),
            pickup_address: Set(seed.rides.then(|| "Kotiosoite kerrotaan ensitapaamisessa".to_owned())),
            contact_channel: Set(
                if seed.languages.starts_with("ar") { "whatsapp" } else { "call" }.to_owned()
            ),
            languages: Set(seed.languages.to_owned()),
            preferred_gender: Set(None),
            guide_wishes: Set(None),
            needs_rides: Set(seed.rides),
            anonymised_at: Set(None),
        }
        .insert(&txn)
        .await?;
        consent::ActiveModel {
            id: NotSet,
            client_id: Set(row.id),
            purpose: Set("experience_guidance".to_owned()),
            shared_with: Set("Kokemusohjaaja ja koordinaattori: tarpeet ja yhteystiedot".to_owned()),
            given_at: Set(submitted),
            valid_until: Set(None),
            withdrawn_at: Set(None),
            recorded_by: Set(Some(referrer)),
        }
        .insert(&txn)
        .await?;
        let guide = seed.guide.map(|email| ids[email]);
        let status = if guide.is_some() { "active" } else { "submitted" };
        let referral = referral::ActiveModel {
            id: NotSet,
            client_id: Set(row.id),
            referred_by: Set(Some(referrer)),
            needs: Set(seed.needs.to_owned()),
            client_words: Set(seed.words.to_owned()),
            urgent: Set(seed.urgent),
            status: Set(status.to_owned()),
            submitted_at: Set(submitted),
            first_contact_due: Set(first_contact_due(submitted)),
            first_contact_at: Set(guide.map(|_| submitted + Duration::days(2))),
            first_contact_channel: Set(guide.map(|_| "call".to_owned())),
            guide_id: Set(guide),
            updated_at: Set(submitted),
        }
        .insert(&txn)
        .await?;
        referral_event::ActiveModel {
            id: NotSet,
            referral_id: Set(referral.id),
            event: Set("submitted".to_owned()),
            at: Set(submitted),
            actor_id: Set(Some(referrer)),
            note: Set(None),
        }
        .insert(&txn)
        .await?;
        if let Some(guide) = guide {
            guidance::start_period(&txn, row.id, guide, Some(referral.id), submitted + Duration::days(1))
                .await?;
        }
    }
    txn.commit().await?;
    Ok(true)
}

/// A day of visits around the moment the demo starts, so that "Today" has something to show
/// and to record: for Elina and Matti two visits that have begun (one a ride to the social
/// insurance office and the pharmacy), a call later, and a review meeting with the social
/// worker in two days; for Jussi and Liisa a ride to the A-clinic tomorrow. Only the demo server
/// adds these (the tests build their own).
pub async fn seed_visits(db: &DatabaseConnection) -> Result<(), AppError> {
    use chrono::{DurationRound, TimeZone};

    use super::entities::{ride_leg, visit};
    use crate::domain::time::{HELSINKI, start_of_day};

    if visit::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let quarter = Duration::minutes(15);
    let midnight = start_of_day(now.with_timezone(&HELSINKI).date_naive(), HELSINKI);
    let begun = |ago: Duration| (now - ago).duration_trunc(quarter).unwrap_or(now - ago).max(midnight);
    let id_of = |email: &'static str| async move {
        user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(db)
            .await?
            .map(|u| u.id)
            .ok_or(AppError::NotFound)
    };
    let client_of = |name: &'static str| async move {
        client::Entity::find()
            .filter(client::Column::DisplayName.eq(name))
            .one(db)
            .await?
            .ok_or(AppError::NotFound)
    };
    let (elina, jussi, sami) = (
        id_of("ohjaaja@rinnalla.example").await?,
        id_of("ohjaaja2@rinnalla.example").await?,
        id_of("sosiaalityo@rinnalla.example").await?,
    );
    let (matti, liisa) = (client_of("Matti").await?, client_of("Liisa").await?);
    let in_two_days = HELSINKI
        .from_local_datetime(
            &(now.with_timezone(&HELSINKI).date_naive() + Duration::days(2))
                .and_hms_opt(13, 0, 0)
                .unwrap_or_default(),
        )
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now + Duration::days(2));
    let tomorrow = in_two_days - Duration::days(1) - Duration::hours(3);
    struct Planned {
        client: i64,
        guide: i64,
        social_worker: Option<i64>,
        kind: &'static str,
        start: chrono::DateTime<Utc>,
        minutes: i64,
        place: &'static str,
        address: Option<&'static str>,
        legs: &'static [(&'static str, &'static str, i32)],
    }
    let visit = |client, guide, kind, start, minutes, place| Planned {
        client,
        guide,
        social_worker: None,
        kind,
        start,
        minutes,
        place,
        address: None,
        legs: &[],
    };
    let plan = [
        Planned {
            address: Some("Kelan toimisto, Kauppakatu"),
            legs: &[("Koti", "Kela", 42), ("Kela", "Apteekki", 11), ("Apteekki", "Koti", 38)],
            ..visit(matti.id, elina, "accompaniment", begun(Duration::hours(3)), 75, "Seinäjoki")
        },
        visit(matti.id, elina, "home_visit", begun(Duration::minutes(90)), 60, "Seinäjoki"),
        visit(
            matti.id,
            elina,
            "call",
            now.duration_trunc(quarter).unwrap_or(now) + Duration::hours(3),
            20,
            "",
        ),
        Planned {
            social_worker: Some(sami),
            address: Some("Sosiaalitoimisto, Koulukatu 21"),
            ..visit(matti.id, elina, "review", in_two_days, 60, "Seinäjoki")
        },
        Planned {
            address: Some("A-klinikka"),
            legs: &[("Lapua", "Seinäjoki", 290), ("Seinäjoki", "Lapua", 290)],
            ..visit(liisa.id, jussi, "accompaniment", tomorrow, 120, "Seinäjoki")
        },
    ];
    let txn = db.begin().await?;
    for Planned { client: client_id, guide, social_worker, kind, start, minutes, place, address, legs } in
        plan
    {
        let row = visit::ActiveModel {
            id: NotSet,
            client_id: Set(client_id),
            guide_id: Set(guide),
            social_worker_id: Set(social_worker),
            kind: Set(kind.to_owned()),
            starts_at: Set(start),
            ends_at: Set(start + Duration::minutes(minutes)),
            zone: Set(HELSINKI.name().to_owned()),
            place: Set(place.to_owned()),
            address: Set(address.map(str::to_owned)),
            status: Set("planned".to_owned()),
            series_id: Set(None),
            sequence: Set(0),
            outcome_note: Set(None),
            minutes: Set(None),
            km_tenths: Set(None),
            driver_id: Set((!legs.is_empty()).then_some(guide)),
            reimbursement: Set((!legs.is_empty()).then(|| "allowance".to_owned())),
            ticket_cents: Set(None),
            created_by: Set(Some(guide)),
            excess_reason: Set(None),
            feedback_given: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        for (position, (from, to, km_tenths)) in legs.iter().enumerate() {
            ride_leg::ActiveModel {
                id: NotSet,
                visit_id: Set(row.id),
                position: Set(position as i32),
                from_place: Set((*from).to_owned()),
                to_place: Set((*to).to_owned()),
                km_tenths: Set(*km_tenths),
                estimated: Set(false),
            }
            .insert(&txn)
            .await?;
        }
    }
    Ok(txn.commit().await?)
}
