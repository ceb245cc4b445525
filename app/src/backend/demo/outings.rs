//! Outings for the demo: a sausage barbecue at the Kuortane lean-to next week with its three
//! places taken and two waiting (one of them needing a ride), Jussi driving from Lapua; the
//! weekly game group at the Lapua library to the end of the season; and the monthly client
//! council with its agenda. Sign-ups and seats go through the same code as real ones
//! (`outings::sign_up`, `outings::offer_seats`), so the waitlist is the one the rules make.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    backend::{
        auth,
        ctx::{Ctx, Mailing},
        entities::{client, outing, outing_session, user},
        outings,
    },
    domain::{
        ids::UserId,
        outings::{NewOuting, OutingKind},
        policy::Actor,
        scheduling::{Recurrence, expand},
        time::HELSINKI,
    },
    dto::{
        AppError,
        outings::{SeatsForm, SignupForm},
    },
};

const COORDINATOR: &str = "koordinaattori@rinnalla.example";
const ELINA: &str = "ohjaaja@rinnalla.example";
const JUSSI: &str = "ohjaaja2@rinnalla.example";
const MERJA: &str = "merja.hautala@rinnalla.example";
const LEILA: &str = "leila.ahmed@rinnalla.example";

async fn ctx_of(db: &DatabaseConnection, email: &str, origin: &str) -> Result<Ctx, AppError> {
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Ctx {
        db: db.clone(),
        actor: Actor { user_id: UserId(account.id), roles: auth::roles_of(db, account.id).await? },
        request_id: None,
        now: Utc::now(),
        mailing: Mailing::detached(origin),
    })
}

/// The first `weekday` on or after `from`.
fn next_weekday(from: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
    from + Duration::days(i64::from(ahead))
}

#[allow(clippy::too_many_arguments)]
fn outing_of(
    kind: OutingKind,
    title: &str,
    description: &str,
    place: &str,
    meeting_point: &str,
    capacity: u32,
    reimbursed: &str,
    accessibility: &str,
    (first, start, minutes, recurrence, until): (NaiveDate, NaiveTime, u32, Recurrence, NaiveDate),
) -> Result<NewOuting, AppError> {
    let sessions = expand(first, start, minutes, HELSINKI, recurrence, until)
        .map_err(|(_, code)| AppError::internal(format!("demo outing times: {code:?}")))?;
    Ok(NewOuting {
        kind,
        title: title.to_owned(),
        description: description.to_owned(),
        place: place.to_owned(),
        meeting_point: meeting_point.to_owned(),
        capacity,
        cost_cents: 0,
        reimbursed: reimbursed.to_owned(),
        accessibility: accessibility.to_owned(),
        closes_days: 1,
        hold_hours: 24,
        recurrence,
        sessions,
    })
}

/// Seeds the outings once (nothing when there are outings already).
pub async fn seed_outings(db: &DatabaseConnection, origin: &str) -> Result<(), AppError> {
    if outing::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let coordinator = ctx_of(db, COORDINATOR, origin).await?;
    let jussi = ctx_of(db, JUSSI, origin).await?;
    let id_of = |ctx: &Ctx| ctx.actor_id();
    let elina = ctx_of(db, ELINA, origin).await?;
    let merja = ctx_of(db, MERJA, origin).await?;
    let leila = ctx_of(db, LEILA, origin).await?;
    let today = Utc::now().with_timezone(&HELSINKI).date_naive();
    let at = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();

    // The barbecue, a week from today, led by Elina and Merja.
    let day = today + Duration::days(7);
    let barbecue = outing_of(
        OutingKind::Outing,
        "Makkaranpaisto laavulla",
        "Paistetaan makkaraa ja juodaan nuotiokahvit Kuortaneen laavulla. Omat eväät saa ottaa mukaan.",
        "Kuortane",
        "Kirkon parkkipaikka",
        3,
        "",
        "Laavulle on 200 metrin hiekkapolku.",
        (day, at(17, 0), 150, Recurrence::Once, day),
    )?;
    let (_, barbecue_session) = outings::insert(
        db,
        &barbecue,
        &[id_of(&elina), id_of(&merja)],
        Some(id_of(&coordinator)),
        Utc::now(),
    )
    .await?;
    outings::offer_seats(
        &jussi,
        &SeatsForm { session_id: barbecue_session, seats: "3".into(), from_place: "Lapua".into() },
    )
    .await?;
    // Three places taken; then two in line, Liisa needing a ride from Lapua.
    for (name, ride) in [
        ("Eino", None),
        ("Helmi", Some("Ähtäri")),
        ("Sirpa", None),
        ("Kalevi", None),
        ("Liisa", Some("Lapua")),
    ] {
        sign_up(&coordinator, barbecue_session, name, ride, false).await?;
    }

    // The game group, every Tuesday for ten weeks, led by Jussi and Leila. Sign-up closes a
    // day before a session, so the first is at least two days off: started on a Monday
    // evening, tomorrow's session would already be closed to the demo's own sign-ups.
    let first = next_weekday(today + Duration::days(2), Weekday::Tue);
    let games = outing_of(
        OutingKind::Group,
        "Peliryhmä",
        "Lautapelejä, korttia ja kahvia. Pelit opetetaan, kenenkään ei tarvitse osata valmiiksi.",
        "Lapua",
        "Kirjaston kokoushuone",
        8,
        "",
        "Esteetön sisäänkäynti kirjaston pääovesta.",
        (first, at(17, 0), 120, Recurrence::Weekly, first + Duration::weeks(9)),
    )?;
    let (_, games_session) =
        outings::insert(db, &games, &[id_of(&jussi), id_of(&leila)], Some(id_of(&coordinator)), Utc::now())
            .await?;
    sign_up(&coordinator, games_session, "Liisa", None, true).await?;
    sign_up(&coordinator, games_session, "Eino", None, false).await?;

    // The client council on the second Wednesday of each month, with the next agenda.
    let mut council_day = next_weekday(today.with_day(1).unwrap_or(today), Weekday::Wed) + Duration::weeks(1);
    // At least two days off, for the same reason as the game group.
    if council_day <= today + Duration::days(1) {
        let next_month = today.with_day(1).unwrap_or(today) + chrono::Months::new(1);
        council_day = next_weekday(next_month, Weekday::Wed) + Duration::weeks(1);
    }
    let council = outing_of(
        OutingKind::Council,
        "Asiakasraati",
        "Kokemusasiantuntijat ja asiakkaat kertovat, mikä palveluissa toimii ja mikä ei. Kahvitarjoilu.",
        "Seinäjoki",
        "Kaupungintalon kokoushuone 2",
        12,
        "Matkat bussilipun hinnalla",
        "Hissi toiseen kerrokseen.",
        (council_day, at(14, 0), 120, Recurrence::Monthly, council_day + Duration::days(150)),
    )?;
    let (_, council_session) =
        outings::insert(db, &council, &[id_of(&merja)], Some(id_of(&coordinator)), Utc::now()).await?;
    outing_session::Entity::update_many()
        .set(outing_session::ActiveModel {
            agenda: sea_orm::ActiveValue::Set(Some(
                "1. Kuulumiset\n2. Kokemusohjaajien kyydit maaseudulla: mikä toimii?\n3. Palautteet syksyn retkistä\n4. Seuraavan kokouksen aihe".into(),
            )),
            ..Default::default()
        })
        .filter(outing_session::Column::Id.eq(council_session))
        .exec(db)
        .await?;
    sign_up(&coordinator, council_session, "Matti", None, true).await?;
    sign_up(&coordinator, council_session, "Helmi", None, true).await?;
    Ok(())
}

async fn sign_up(
    ctx: &Ctx,
    session_id: i64,
    name: &str,
    ride: Option<&str>,
    whole_series: bool,
) -> Result<(), AppError> {
    let client = client::Entity::find()
        .filter(client::Column::DisplayName.eq(name))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let on = |yes: bool| if yes { "on".to_owned() } else { String::new() };
    let form = SignupForm {
        session_id,
        client_id: client.id.to_string(),
        needs_ride: on(ride.is_some()),
        pickup_place: ride.unwrap_or_default().to_owned(),
        whole_series: on(whole_series),
        consent: "on".into(),
    };
    outings::sign_up(ctx, &form).await?;
    Ok(())
}
