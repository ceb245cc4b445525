//! A wellbeing region's worth of data, for load tests and benchmarks (`server seed`): staff,
//! guides with profiles across the demo region's places, clients and referrals at every stage
//! (waiting for a guide, asked, in guidance, ended), consents, guidance periods, a year of
//! visits with records and rides, goals with steps, and audit history.
//!
//! Deterministic for a given seed and day: the same numbers give the same people, places and
//! calendar (dates are counted from the day it runs). Rows are written in bulk with ids chosen
//! here, in statements sized under both databases' limits on bound values, inside one
//! transaction; on PostgreSQL the id sequences are moved past them afterwards. Only into an
//! empty database, and never in production (every seeded account shares the demo password).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, Statement, TransactionTrait,
};

use super::{
    entities::{
        audit_event, client, consent, goal, goal_step, guidance_period, guide_profile, proposal, referral,
        referral_event, ride_leg, user, user_role, visit,
    },
    passwords,
};
use crate::{
    domain::{
        accounts::email_key, availability::WeeklySlot, guidance::default_dates, places,
        referrals::first_contact_due, time::HELSINKI,
    },
    dto::AppError,
};

/// How big a region to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionSize {
    pub clients: u32,
    pub guides: u32,
    /// Months of visits before today (two weeks ahead are planned too).
    pub months: u32,
    pub seed: u64,
    /// Visits a guide has on a working day, at least and at most.
    pub visits_per_day: (u32, u32),
}

impl RegionSize {
    /// Three to six visits on a working day, as guides have.
    pub const VISITS_PER_DAY: (u32, u32) = (3, 6);
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seeded {
    pub accounts: usize,
    pub clients: usize,
    pub referrals: usize,
    pub periods: usize,
    pub visits: usize,
    pub ride_legs: usize,
    pub goals: usize,
    pub audit_events: usize,
    /// A guide with visits today, a coordinator and a social worker to sign in as.
    pub guide_email: String,
    pub coordinator_email: String,
    pub social_worker_email: String,
}

/// The most values one statement binds: under SQLite's 32,766 and PostgreSQL's 65,535.
const VALUES_PER_STATEMENT: usize = 30_000;

const FIRST_NAMES: &[&str] = &[
    "Aino", "Eino", "Helmi", "Väinö", "Sanna", "Jari", "Pirjo", "Mika", "Tiina", "Timo", "Leena", "Kari",
    "Marja", "Jukka", "Anne", "Petri", "Minna", "Harri", "Riikka", "Ville", "Kaija", "Jouni", "Satu",
    "Tapio", "Heli", "Esa", "Merja", "Pekka", "Outi", "Antti", "Tuula", "Olli", "Elisa", "Markku", "Johanna",
    "Lasse", "Katja", "Reijo", "Noora", "Sami", "Ahmed", "Leila", "Olga", "Ivan", "Fatima", "Erik", "Greta",
    "Johan", "Ulla", "Stig",
];
const LAST_NAMES: &[&str] = &[
    "Mäkelä",
    "Koskinen",
    "Heikkinen",
    "Järvinen",
    "Lehtonen",
    "Saarinen",
    "Niemi",
    "Hautala",
    "Rinne",
    "Peltola",
    "Salo",
    "Kangas",
    "Ranta",
    "Laine",
    "Hakala",
    "Kallio",
    "Ojala",
    "Lahti",
    "Mattila",
    "Huhtala",
    "Luoma",
    "Kivelä",
    "Nurmi",
    "Vainio",
    "Aho",
    "Backman",
    "Holm",
];
const TOPICS: &[&str] = &[
    "mental_health",
    "substance_use",
    "homelessness",
    "long_unemployment",
    "debt",
    "migration",
    "loneliness",
    "family",
    "prison_release",
];
const CLIENT_WORDS: &[&str] = &[
    "Haluaisin päästä kotoa ulos useammin.",
    "Raha-asiat ovat sekaisin, en saa avattua kirjeitä.",
    "Tarvitsen jonkun mukaan Kelaan.",
    "Haluaisin löytää jotain tekemistä päiviin.",
    "Yksin on raskasta, kaipaan juttuseuraa.",
    "Haluan pysyä raittiina ja saada arjen kuntoon.",
];
const NOTES: &[&str] = &[
    "Käytiin kaupassa ja apteekissa. Asiakas maksoi itse.",
    "Kahvilla kirjastossa, puhuttiin viikon suunnitelmista.",
    "Kelan hakemus täytettiin yhdessä, asiakas lähetti sen itse.",
    "Kävelylenkki, asiakas oli hyvällä tuulella.",
    "Soitettiin yhdessä asuntotoimistoon.",
    "Asiakas oli väsynyt, sovittiin uusi aika.",
];
const GOALS: &[&str] = &[
    "Käyn kaupassa itse kerran viikossa",
    "Avaan postini joka maanantai",
    "Menen kirjaston lukupiiriin",
    "Saan velkajärjestelyn vireille",
    "Kävelen puolen tunnin lenkin kolmesti viikossa",
];
const STEPS: &[&str] =
    &["Katsotaan yhdessä aukioloajat", "Tehdään lista", "Käydään kerran yhdessä", "Kokeilen yksin"];
const ENDING_REASONS: &[&str] = &["Tavoitteet saavutettu", "Asiakas muutti", "Yhteinen päätös lopettaa"];

/// Which stage a seeded client is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Waiting for a guide to be proposed.
    Waiting,
    /// A guide has been asked.
    Asked,
    InGuidance,
    Ended,
}

fn stage(rng: &mut StdRng) -> Stage {
    match rng.random_range(0..100) {
        0..5 => Stage::Waiting,
        5..8 => Stage::Asked,
        8..80 => Stage::InGuidance,
        _ => Stage::Ended,
    }
}

/// The demo region's places, by name, biggest towns listed more often (people live there).
fn region_places() -> Vec<&'static str> {
    let mut names: Vec<&'static str> =
        places::all().iter().filter(|p| p.region == "south_ostrobothnia").map(|p| p.name.as_str()).collect();
    for town in ["Seinäjoki", "Seinäjoki", "Seinäjoki", "Lapua", "Kauhajoki", "Kurikka", "Kauhava", "Alavus"]
    {
        if names.contains(&town) {
            names.push(town);
        }
    }
    names
}

struct Batches<'a, C: ConnectionTrait> {
    db: &'a C,
}

impl<C: ConnectionTrait> Batches<'_, C> {
    /// Inserts `rows` in statements of at most [`VALUES_PER_STATEMENT`] bound values.
    async fn insert<A>(&self, rows: Vec<A>, columns: usize) -> Result<usize, AppError>
    where
        A: ActiveModelTrait + Send,
    {
        let n = rows.len();
        let per_statement = (VALUES_PER_STATEMENT / columns.max(1)).max(1);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
            <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(self.db).await?;
        }
        Ok(n)
    }
}

fn at_local(day: NaiveDate, minutes: u32) -> DateTime<Utc> {
    let naive = day.and_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or_default();
    HELSINKI.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// A client's time with one guide: visits fall between `from` and `until`.
#[derive(Clone, Copy)]
struct Assignment {
    client: i64,
    referrer: i64,
    place: usize,
    from: NaiveDate,
    until: NaiveDate,
}

/// Fills an empty database with a region. Refuses (writes nothing) when accounts exist.
pub async fn seed_region(
    db: &DatabaseConnection,
    size: RegionSize,
    now: DateTime<Utc>,
) -> Result<Seeded, AppError> {
    if user::Entity::find().count(db).await? > 0 {
        return Err(AppError::Conflict);
    }
    let mut rng = StdRng::seed_from_u64(size.seed);
    let hash = passwords::hash(&passwords::turn()?, super::demo::DEMO_PASSWORD.to_owned()).await?;
    let today = now.with_timezone(&HELSINKI).date_naive();
    let first_day = today - Duration::days(i64::from(size.months) * 30);
    let last_day = today + Duration::days(14);
    let places = region_places();
    let distances = places::distances();
    let place_index: Vec<u16> = places.iter().map(|p| places::index_of(p).unwrap_or(0)).collect();
    let txn = db.begin().await?;
    let batches = Batches { db: &txn };
    let mut seeded = Seeded::default();

    // Staff: an admin, a coordinator per 60 guides, a social worker per 5, and the guides.
    let guides = size.guides.max(1) as usize;
    let coordinators = guides.div_ceil(60);
    let social_workers = guides.div_ceil(5).max(2);
    let mut users = Vec::new();
    let mut roles = Vec::new();
    let mut next_id = 1i64;
    let mut person = |role: &str, email: String, rng: &mut StdRng, users: &mut Vec<user::ActiveModel>| {
        let id = next_id;
        next_id += 1;
        let name = format!(
            "{} {}",
            FIRST_NAMES.choose(rng).unwrap_or(&"Aino"),
            LAST_NAMES.choose(rng).unwrap_or(&"Laine")
        );
        users.push(user::ActiveModel {
            id: Set(id),
            name: Set(name),
            email_key: Set(email_key(&email)),
            email: Set(email),
            phone: Set(Some(format!("040 {:03} {:04}", id % 1000, rng.random_range(0..10_000)))),
            languages: Set(if rng.random_bool(0.15) { "fi,sv" } else { "fi" }.to_owned()),
            locale: Set(if rng.random_bool(0.1) { "sv" } else { "fi" }.to_owned()),
            password_hash: Set(Some(hash.clone())),
            active: Set(true),
            session_epoch: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
        });
        roles.push(user_role::ActiveModel { user_id: Set(id), role: Set(role.to_owned()) });
        id
    };
    person("admin", "admin@alue.example".into(), &mut rng, &mut users);
    let coordinator_ids: Vec<i64> = (1..=coordinators)
        .map(|n| person("coordinator", format!("koordinaattori{n}@alue.example"), &mut rng, &mut users))
        .collect();
    let worker_ids: Vec<i64> = (1..=social_workers)
        .map(|n| person("social_worker", format!("sosiaalityo{n}@alue.example"), &mut rng, &mut users))
        .collect();
    let guide_ids: Vec<i64> = (1..=guides)
        .map(|n| person("guide", format!("ohjaaja{n}@alue.example"), &mut rng, &mut users))
        .collect();
    seeded.accounts = batches.insert(users, 12).await?;
    batches.insert(roles, 2).await?;
    seeded.guide_email = "ohjaaja1@alue.example".into();
    seeded.coordinator_email = "koordinaattori1@alue.example".into();
    seeded.social_worker_email = "sosiaalityo1@alue.example".into();

    // Guide profiles: a home place, topics, a car for most, one or two working days a week
    // (and the first guide, who the benchmark signs in as, today too).
    let in_guidance_share = 0.72;
    let max_caseload = ((f64::from(size.clients) * in_guidance_share) / guides as f64).ceil() as i32 + 5;
    let mut guide_place = Vec::with_capacity(guides);
    let mut work_days: Vec<Vec<u32>> = Vec::with_capacity(guides);
    let mut profiles = Vec::with_capacity(guides);
    for &id in &guide_ids {
        let place = rng.random_range(0..places.len());
        guide_place.push(place);
        let mut days: Vec<u32> = vec![rng.random_range(0..5)];
        if rng.random_bool(0.5) {
            days.push(rng.random_range(0..5));
        }
        days.sort_unstable();
        days.dedup();
        let slots: Vec<WeeklySlot> =
            days.iter().map(|&d| WeeklySlot { weekday: d as u8, start: 540, end: 960 }).collect();
        let how_many = rng.random_range(1..=3);
        let topics: Vec<&str> = TOPICS.choose_multiple(&mut rng, how_many).copied().collect();
        let car = rng.random_bool(0.7);
        profiles.push(guide_profile::ActiveModel {
            user_id: Set(id),
            topics: Set(topics.join(",")),
            place: Set(places[place].to_owned()),
            has_car: Set(car),
            seats: Set(if car { 3 } else { 0 }),
            max_caseload: Set(max_caseload),
            gender: Set(Some(if rng.random_bool(0.6) { "woman" } else { "man" }.to_owned())),
            introduction: Set("Hei! Minulla on omaa kokemusta, ja tiedän mitä arki voi olla.".to_owned()),
            availability: Set(serde_json::to_string(&slots)?),
            updated_at: Set(now),
        });
        work_days.push(days);
    }
    batches.insert(profiles, 10).await?;

    // Guides by place, nearest first, for giving each client a guide near them.
    let nearest: Vec<Vec<usize>> = (0..places.len())
        .map(|p| {
            let mut order: Vec<usize> = (0..guides).collect();
            order.sort_by_key(|&g| distances.km(place_index[p], place_index[guide_place[g]]));
            order
        })
        .collect();
    let mut caseload = vec![0i32; guides];

    let mut clients = Vec::new();
    let mut consents = Vec::new();
    let mut referrals = Vec::new();
    let mut events = Vec::new();
    let mut proposals = Vec::new();
    let mut periods = Vec::new();
    let mut assignments: Vec<Vec<Assignment>> = vec![Vec::new(); guides];
    let mut active_clients: Vec<(i64, i64, usize)> = Vec::new(); // client, guide, guide index
    let (mut event_id, mut proposal_id, mut period_id) = (1i64, 1i64, 1i64);
    let span_days = (today - first_day).num_days().max(1);
    for n in 0..size.clients as usize {
        let id = n as i64 + 1;
        let stage = stage(&mut rng);
        let place = rng.random_range(0..places.len());
        let referrer = *worker_ids.choose(&mut rng).unwrap_or(&1);
        let submitted = match stage {
            Stage::Waiting | Stage::Asked => now - Duration::hours(rng.random_range(1..8 * 24)),
            Stage::InGuidance => now - Duration::days(rng.random_range(10..span_days.max(11))),
            Stage::Ended => now - Duration::days(rng.random_range(span_days.min(60)..span_days.max(61) + 60)),
        };
        let guide = match stage {
            Stage::InGuidance | Stage::Ended | Stage::Asked => {
                let order = &nearest[place];
                let pick =
                    order.iter().copied().find(|&g| caseload[g] < max_caseload - 5).unwrap_or(order[0]);
                if stage == Stage::InGuidance {
                    caseload[pick] += 1;
                }
                Some(pick)
            }
            Stage::Waiting => None,
        };
        let in_guidance = stage == Stage::InGuidance;
        let name = FIRST_NAMES.choose(&mut rng).unwrap_or(&"Aino");
        clients.push(client::ActiveModel {
            id: Set(id),
            display_name: Set(format!("{name} {}.", (b'A' + (n % 26) as u8) as char)),
            municipality: Set(places[place].to_owned()),
            guide_id: Set(guide.filter(|_| in_guidance).map(|g| guide_ids[g])),
            referred_by: Set(Some(referrer)),
            created_at: Set(submitted),
            updated_at: Set(submitted),
            phone: Set(Some(format!("050 {:03} {:04}", n % 1000, n % 10_000))),
            pickup_address: Set(Some(format!("Kylätie {}", n % 90 + 1))),
            contact_channel: Set(["call", "sms", "whatsapp", "call"]
                .choose(&mut rng)
                .unwrap_or(&"call")
                .to_string()),
            languages: Set(if rng.random_bool(0.1) { "fi,sv" } else { "fi" }.to_owned()),
            preferred_gender: Set(None),
            guide_wishes: Set(None),
            needs_rides: Set(rng.random_bool(0.3)),
            anonymised_at: Set(None),
        });
        consents.push(consent::ActiveModel {
            id: Set(id),
            client_id: Set(id),
            purpose: Set("experience_guidance".to_owned()),
            shared_with: Set("Kokemusohjaaja ja koordinaattori: tarpeet ja yhteystiedot".to_owned()),
            given_at: Set(submitted),
            valid_until: Set(None),
            withdrawn_at: Set(None),
            recorded_by: Set(Some(referrer)),
        });
        let status = match stage {
            Stage::Waiting => "submitted",
            Stage::Asked => "guide_proposed",
            Stage::InGuidance => "active",
            Stage::Ended => "ended",
        };
        let contacted =
            matches!(stage, Stage::InGuidance | Stage::Ended).then(|| submitted + Duration::days(2));
        referrals.push(referral::ActiveModel {
            id: Set(id),
            client_id: Set(id),
            referred_by: Set(Some(referrer)),
            needs: Set(TOPICS.choose_multiple(&mut rng, 2).copied().collect::<Vec<_>>().join(",")),
            client_words: Set(CLIENT_WORDS.choose(&mut rng).unwrap_or(&"").to_string()),
            urgent: Set(rng.random_bool(0.05)),
            status: Set(status.to_owned()),
            submitted_at: Set(submitted),
            first_contact_due: Set(first_contact_due(submitted)),
            first_contact_at: Set(contacted),
            first_contact_channel: Set(contacted.map(|_| "call".to_owned())),
            guide_id: Set(guide.filter(|_| stage != Stage::Asked).map(|g| guide_ids[g])),
            updated_at: Set(submitted),
        });
        let mut event = |kind: &str, at: DateTime<Utc>, actor: i64| {
            events.push(referral_event::ActiveModel {
                id: Set(event_id),
                referral_id: Set(id),
                event: Set(kind.to_owned()),
                at: Set(at),
                actor_id: Set(Some(actor)),
                note: Set(None),
            });
            event_id += 1;
        };
        event("submitted", submitted, referrer);
        if let Some(g) = guide {
            let asked = submitted + Duration::hours(20);
            event("guide_proposed", asked, coordinator_ids[0]);
            let answered = stage != Stage::Asked;
            proposals.push(proposal::ActiveModel {
                id: Set(proposal_id),
                referral_id: Set(id),
                guide_id: Set(guide_ids[g]),
                milli_score: Set(rng.random_range(400..950)),
                explanation: Set("[]".to_owned()),
                chosen_by: Set("coordinator".to_owned()),
                proposed_by: Set(Some(coordinator_ids[0])),
                proposed_at: Set(asked),
                response: Set(if answered { "accepted" } else { "pending" }.to_owned()),
                reason: Set(None),
                responded_at: Set(answered.then(|| asked + Duration::hours(5))),
            });
            proposal_id += 1;
            if answered {
                let started = asked + Duration::hours(6);
                event("guide_accepted", started, guide_ids[g]);
                event("first_contact", submitted + Duration::days(2), guide_ids[g]);
                let started_day = started.with_timezone(&HELSINKI).date_naive();
                let (planned_end, review_due) = default_dates(started_day);
                let ended = (stage == Stage::Ended).then(|| {
                    let lasted = rng.random_range(60..240);
                    (started + Duration::days(lasted)).min(now - Duration::days(1))
                });
                periods.push(guidance_period::ActiveModel {
                    id: Set(period_id),
                    client_id: Set(id),
                    guide_id: Set(guide_ids[g]),
                    referral_id: Set(Some(id)),
                    started_at: Set(started),
                    planned_end: Set(planned_end),
                    review_due: Set(review_due),
                    ended_at: Set(ended),
                    ending_reason: Set(
                        ended.map(|_| ENDING_REASONS.choose(&mut rng).unwrap_or(&"").to_string())
                    ),
                    review_proposed_for: Set(None),
                });
                period_id += 1;
                let until = ended.map_or(last_day, |e| e.with_timezone(&HELSINKI).date_naive());
                assignments[g].push(Assignment {
                    client: id,
                    referrer,
                    place,
                    from: started_day.max(first_day),
                    until,
                });
                if in_guidance {
                    active_clients.push((id, guide_ids[g], g));
                }
            }
        }
    }
    seeded.clients = batches.insert(clients, 17).await?;
    batches.insert(consents, 8).await?;
    seeded.referrals = batches.insert(referrals, 14).await?;
    batches.insert(events, 6).await?;
    batches.insert(proposals, 12).await?;
    seeded.periods = batches.insert(periods, 10).await?;

    // Visits: on each guide's working days, three to six, one after another from 9 o'clock,
    // each with a client whose time with the guide covers the day.
    let mut visits = Vec::new();
    let mut legs = Vec::new();
    let mut audits = Vec::new();
    let (mut visit_id, mut leg_id) = (1i64, 1i64);
    let kinds =
        ["home_visit", "home_visit", "meeting", "accompaniment", "accompaniment", "call", "three_way"];
    let centre = places.iter().position(|p| *p == "Seinäjoki").unwrap_or(0);
    let mut day = first_day;
    while day <= last_day {
        let weekday = day.weekday();
        let weekend = matches!(weekday, Weekday::Sat | Weekday::Sun);
        {
            for (g, days) in work_days.iter().enumerate() {
                // The first guide works today whatever day it is: the benchmark's "today".
                let works = !weekend && days.contains(&weekday.num_days_from_monday());
                if !(works || g == 0 && day == today) {
                    continue;
                }
                let on_day: Vec<&Assignment> =
                    assignments[g].iter().filter(|a| a.from <= day && day <= a.until).collect();
                if on_day.is_empty() {
                    continue;
                }
                let (fewest, most) = size.visits_per_day;
                let count = rng.random_range(fewest.min(most)..=most);
                for slot in 0..count {
                    let a = **on_day.choose(&mut rng).expect("not empty");
                    let kind = *kinds.choose(&mut rng).unwrap_or(&"home_visit");
                    let starts = at_local(day, 540 + slot * 105);
                    let ends = starts + Duration::minutes(75);
                    let past = ends < now;
                    let status = if !past {
                        "planned"
                    } else {
                        match rng.random_range(0..100) {
                            0..85 => "done",
                            85..92 => "no_show",
                            _ => "cancelled",
                        }
                    };
                    let done = status == "done";
                    let ride = kind == "accompaniment" && rng.random_bool(0.6);
                    let km = if ride {
                        2 * u32::from(distances.km(place_index[a.place], place_index[centre])).max(3)
                    } else {
                        0
                    };
                    visits.push(visit::ActiveModel {
                        id: Set(visit_id),
                        client_id: Set(a.client),
                        guide_id: Set(guide_ids[g]),
                        social_worker_id: Set((kind == "three_way").then_some(a.referrer)),
                        kind: Set(kind.to_owned()),
                        starts_at: Set(starts),
                        ends_at: Set(ends),
                        zone: Set("Europe/Helsinki".to_owned()),
                        place: Set(if ride { places[centre] } else { places[a.place] }.to_owned()),
                        address: Set(None),
                        status: Set(status.to_owned()),
                        series_id: Set(None),
                        sequence: Set(0),
                        outcome_note: Set(done.then(|| NOTES.choose(&mut rng).unwrap_or(&"").to_string())),
                        minutes: Set(done.then(|| rng.random_range(60..=120))),
                        km_tenths: Set(done.then_some(km as i32 * 10)),
                        driver_id: Set(ride.then_some(guide_ids[g])),
                        reimbursement: Set(ride.then(|| "allowance".to_owned())),
                        ticket_cents: Set(None),
                        created_by: Set(Some(guide_ids[g])),
                        excess_reason: Set(None),
                        feedback_given: Set(false),
                        created_at: Set(starts - Duration::days(7)),
                        updated_at: Set(starts),
                    });
                    if ride {
                        for (position, (from, to)) in
                            [(places[a.place], places[centre]), (places[centre], places[a.place])]
                                .into_iter()
                                .enumerate()
                        {
                            legs.push(ride_leg::ActiveModel {
                                id: Set(leg_id),
                                visit_id: Set(visit_id),
                                position: Set(position as i32),
                                from_place: Set(from.to_owned()),
                                to_place: Set(to.to_owned()),
                                km_tenths: Set(km as i32 * 5),
                                estimated: Set(true),
                            });
                            leg_id += 1;
                        }
                    }
                    if done {
                        // The guide opened the visit and recorded it: the trail's history.
                        for action in ["view_visit", "record_visit_outcome"] {
                            audits.push(audit_event::ActiveModel {
                                id: sea_orm::ActiveValue::NotSet,
                                at: Set(ends + Duration::minutes(10)),
                                actor_id: Set(Some(guide_ids[g])),
                                action: Set(action.to_owned()),
                                entity: Set("client".to_owned()),
                                entity_id: Set(Some(a.client.to_string())),
                                purpose: Set(None),
                                outcome: Set("allowed".to_owned()),
                                request_id: Set(None),
                                address: Set(None),
                            });
                        }
                    }
                    visit_id += 1;
                }
            }
        }
        day += Duration::days(1);
    }
    seeded.visits = batches.insert(visits, 25).await?;
    seeded.ride_legs = batches.insert(legs, 7).await?;
    seeded.audit_events = batches.insert(audits, 10).await?;

    // Goals in the clients' words with small steps, some taken.
    let mut goals = Vec::new();
    let mut steps = Vec::new();
    let (mut goal_id, mut step_id) = (1i64, 1i64);
    for &(client, guide, _) in &active_clients {
        for position in 0..rng.random_range(1..=2) {
            goals.push(goal::ActiveModel {
                id: Set(goal_id),
                client_id: Set(client),
                referral_id: Set(Some(client)),
                words: Set(GOALS.choose(&mut rng).unwrap_or(&"").to_string()),
                why: Set(None),
                status: Set("active".to_owned()),
                status_reason: Set(None),
                status_changed_at: Set(None),
                outcome: Set(None),
                set_on: Set(today - Duration::days(30)),
                set_at_visit_id: Set(None),
                position: Set(position),
                created_by: Set(Some(guide)),
                created_at: Set(now - Duration::days(30)),
                updated_at: Set(now - Duration::days(30)),
            });
            for (n, words) in STEPS.iter().take(rng.random_range(2..=4)).enumerate() {
                let done = n == 0 || rng.random_bool(0.3);
                steps.push(goal_step::ActiveModel {
                    id: Set(step_id),
                    goal_id: Set(goal_id),
                    words: Set((*words).to_owned()),
                    position: Set(n as i32),
                    done_on: Set(done.then(|| today - Duration::days(20 - n as i64))),
                    done_visit_id: Set(None),
                    done_by: Set(done.then_some(guide)),
                    created_at: Set(now - Duration::days(30)),
                });
                step_id += 1;
            }
            goal_id += 1;
        }
    }
    seeded.goals = batches.insert(goals, 15).await?;
    batches.insert(steps, 8).await?;

    if txn.get_database_backend() == DbBackend::Postgres {
        // Ids were chosen here: the sequences continue after them.
        for table in [
            "users",
            "clients",
            "consents",
            "referrals",
            "referral_events",
            "proposals",
            "guidance_periods",
            "visits",
            "ride_legs",
            "goals",
            "goal_steps",
        ] {
            txn.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                ),
            ))
            .await?;
        }
    }
    txn.commit().await?;
    Ok(seeded)
}

impl std::fmt::Display for Seeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} accounts, {} clients ({} referrals, {} guidance periods), {} visits with {} ride legs, {} goals, {} audit events",
            self.accounts,
            self.clients,
            self.referrals,
            self.periods,
            self.visits,
            self.ride_legs,
            self.goals,
            self.audit_events
        )
    }
}
