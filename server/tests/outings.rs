//! Outings against real servers on each test database: planning one through its form, a
//! hundred sign-ups at the same moment for ten places, twenty cancellations at once, an offer
//! that passes on when it is not confirmed, what a guide who does not lead sees, the
//! sign-ups that end with the guidance, and the day: seats, pickups, attendance and hours.

mod common;

use app::{
    api::outings::SessionPage,
    backend::{
        entities::{client, outbox_message, outing, outing_session, outing_signup},
        outings,
    },
    domain::{
        outings::{NewOuting, OutingKind},
        scheduling::{Recurrence, Slot},
    },
};
use chrono::{Duration, Utc};
use common::{TestServer, call, client_named, demo, demo_servers, refused, user_id};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// An outing with one session ten days from now, led by the demo guide.
async fn outing_with(server: &TestServer, capacity: u32, hold_hours: u32) -> i64 {
    let leader = user_id(server, demo::GUIDE).await;
    let start = Utc::now() + Duration::days(10);
    let new = NewOuting {
        kind: OutingKind::Outing,
        title: "Makkaranpaisto laavulla".into(),
        description: "Makkaraa ja kahvia nuotiolla.".into(),
        place: "Kuortane".into(),
        meeting_point: "Laavu".into(),
        capacity,
        cost_cents: 0,
        reimbursed: String::new(),
        accessibility: String::new(),
        closes_days: 1,
        hold_hours,
        recurrence: Recurrence::Once,
        sessions: vec![Slot { start, end: start + Duration::hours(2) }],
    };
    outings::insert(&server.db.conn, &new, &[leader], None, Utc::now()).await.unwrap().1
}

/// `n` clients in guidance with the guide `email`.
async fn clients_of(server: &TestServer, email: &str, n: usize) -> Vec<i64> {
    let guide = user_id(server, email).await;
    let now = Utc::now();
    let mut ids = Vec::new();
    for i in 0..n {
        let row = client::ActiveModel {
            display_name: Set(format!("Osallistuja {i}")),
            municipality: Set("Kuortane".into()),
            guide_id: Set(Some(guide)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&server.db.conn)
        .await
        .unwrap();
        ids.push(row.id);
    }
    ids
}

fn signup_form(session: i64, client: i64) -> Vec<(&'static str, String)> {
    vec![
        ("form[session_id]", session.to_string()),
        ("form[client_id]", client.to_string()),
        ("form[consent]", "on".into()),
    ]
}

/// The session's sign-ups in queue order, as (client, status, queue).
async fn line(server: &TestServer, session: i64) -> Vec<(i64, String, i64)> {
    outing_signup::Entity::find()
        .filter(outing_signup::Column::SessionId.eq(session))
        .order_by_asc(outing_signup::Column::Queue)
        .all(&server.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.client_id, s.status, s.queue))
        .collect()
}

fn count(line: &[(i64, String, i64)], status: &str) -> usize {
    line.iter().filter(|(_, s, _)| s == status).count()
}

/// Fires all `forms` at `path` at the same moment, as `client`; returns the statuses.
async fn all_at_once(
    server: &TestServer,
    client: &reqwest::Client,
    path: &str,
    forms: Vec<Vec<(&'static str, String)>>,
) -> Vec<u16> {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(forms.len()));
    let mut attempts = tokio::task::JoinSet::new();
    for form in forms {
        let (client, url, start, path) = (client.clone(), server.url.clone(), start.clone(), path.to_owned());
        attempts.spawn(async move {
            start.wait().await;
            client
                .post(format!("{url}{path}"))
                .header("origin", &url)
                .header("accept", "application/json")
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    attempts.join_all().await
}

#[tokio::test]
async fn a_coordinator_plans_a_weekly_group_and_a_bad_form_names_every_field_and_writes_nothing() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let guide = user_id(&server, demo::GUIDE).await;
        let outings_before = outing::Entity::find().count(&server.db.conn).await.unwrap();
        let bad = vec![
            ("form[kind]", "party".to_owned()),
            ("form[title]", " ".into()),
            ("form[capacity]", "0".into()),
            ("form[date]", "2027-13-01".into()),
            ("form[start]", "18:00".into()),
            ("form[end]", "17:00".into()),
            ("form[cost]", "lots".into()),
        ];
        let mut fields: Vec<String> = refused(call(&coordinator, &server, "/api/outings/create", &bad).await)
            .await
            .into_iter()
            .map(|f| f.0)
            .collect();
        fields.sort();
        for field in ["capacity", "cost", "date", "kind", "leaders", "place", "title"] {
            assert!(fields.contains(&field.to_owned()), "{backend}: {field} in {fields:?}");
        }
        assert_eq!(outing::Entity::find().count(&server.db.conn).await.unwrap(), outings_before, "{backend}");

        let first = (Utc::now() + Duration::days(7)).date_naive();
        let until = first + Duration::days(28);
        let leader = format!("form[leaders][{guide}]");
        let good = vec![
            ("form[kind]", "group".to_owned()),
            ("form[title]", "Pelikerho".into()),
            ("form[place]", "Kuortane".into()),
            ("form[date]", first.to_string()),
            ("form[start]", "17.00".into()),
            ("form[end]", "19.00".into()),
            ("form[recurrence]", "weekly".into()),
            ("form[until]", until.to_string()),
            ("form[capacity]", "8".into()),
            ("form[cost]", "2,50".into()),
            (leader.leak(), "on".into()),
            ("form[announce]", "on".into()),
        ];
        // The other guide has turned optional e-mails off in their settings; the demo guide has not.
        let other = server.signed_in(demo::GUIDE_2).await;
        let off = call(&other, &server, "/api/settings/notifications/save", &[]).await;
        assert!(off.status().is_success() || off.status().is_redirection(), "{backend}: {}", off.status());
        let made = call(&coordinator, &server, "/api/outings/create", &good).await;
        assert!(made.status().is_success() || made.status().is_redirection(), "{backend}: {}", made.status());
        let group = outing::Entity::find()
            .filter(outing::Column::Title.eq("Pelikerho"))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((group.capacity, group.cost_cents), (8, 250), "{backend}");
        let sessions = outing_session::Entity::find()
            .filter(outing_session::Column::OutingId.eq(group.id))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(sessions, 5, "{backend}: weekly for four weeks after the first");
        let announced = |to: &'static str| {
            let server = &server;
            async move {
                outbox_message::Entity::find()
                    .filter(outbox_message::Column::Kind.eq("outing_announced"))
                    .filter(outbox_message::Column::ToAddress.eq(to))
                    .count(&server.db.conn)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(announced(demo::GUIDE).await, 1, "{backend}: announced");
        assert_eq!(announced(demo::GUIDE_2).await, 0, "{backend}: turned off in settings");
        let mail = server.wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.text.contains("Pelikerho")).await;
        assert!(mail.text.contains("/outings/sessions/"), "{backend}: {}", mail.text);
    }
}

#[tokio::test]
async fn a_hundred_simultaneous_sign_ups_for_ten_places_leave_ten_confirmed_and_ninety_waiting_in_order() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let session = outing_with(&server, 10, 24).await;
        let clients = clients_of(&server, demo::GUIDE, 100).await;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let forms = clients.iter().map(|&c| signup_form(session, c)).collect();
        let statuses = all_at_once(&server, &coordinator, "/api/outings/sign-up", forms).await;
        assert!(statuses.iter().all(|s| (200..400).contains(s)), "{backend}: {statuses:?}");

        let line = line(&server, session).await;
        println!(
            "{backend}: 100 simultaneous sign-ups for 10 places: {} confirmed, {} waiting",
            count(&line, "confirmed"),
            count(&line, "waiting")
        );
        assert_eq!((count(&line, "confirmed"), count(&line, "waiting")), (10, 90), "{backend}");
        // Arrival order: one queue number each, 1..=100, and the first ten are the confirmed.
        let queues: Vec<i64> = line.iter().map(|l| l.2).collect();
        assert_eq!(queues, (1..=100).collect::<Vec<_>>(), "{backend}");
        assert!(line[..10].iter().all(|l| l.1 == "confirmed"), "{backend}");
        assert!(line[10..].iter().all(|l| l.1 == "waiting"), "{backend}");

        // Signing the same client up again is refused, and nothing is written twice.
        let again =
            call(&coordinator, &server, "/api/outings/sign-up", &signup_form(session, clients[0])).await;
        assert_eq!(
            refused(again).await,
            [("client_id".to_owned(), "AlreadySignedUp".to_owned())],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn twenty_simultaneous_cancellations_promote_exactly_twenty_offers_in_line() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let session = outing_with(&server, 20, 24).await;
        let clients = clients_of(&server, demo::GUIDE, 60).await;
        let guide = server.signed_in(demo::GUIDE).await;
        for &c in &clients {
            let signed = call(&guide, &server, "/api/outings/sign-up", &signup_form(session, c)).await;
            assert!(signed.status().is_success() || signed.status().is_redirection(), "{backend}");
        }
        let confirmed: Vec<i64> = outing_signup::Entity::find()
            .filter(outing_signup::Column::SessionId.eq(session))
            .filter(outing_signup::Column::Status.eq("confirmed"))
            .all(&server.db.conn)
            .await
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(confirmed.len(), 20, "{backend}");
        let offers_before = offer_mails(&server).await;

        let forms = confirmed.iter().map(|id| vec![("signup_id", id.to_string())]).collect();
        let statuses = all_at_once(&server, &guide, "/api/outings/cancel", forms).await;
        assert!(statuses.iter().all(|s| (200..400).contains(s)), "{backend}: {statuses:?}");

        let line = line(&server, session).await;
        println!("{backend}: 20 simultaneous cancellations: {} offers", count(&line, "offered"));
        assert_eq!(
            (count(&line, "cancelled"), count(&line, "offered"), count(&line, "waiting")),
            (20, 20, 20),
            "{backend}"
        );
        // The offers went to the first twenty waiting, in order.
        let offered: Vec<i64> = line.iter().filter(|l| l.1 == "offered").map(|l| l.2).collect();
        assert_eq!(offered, (21..=40).collect::<Vec<_>>(), "{backend}");
        assert_eq!(offer_mails(&server).await - offers_before, 20, "{backend}: one e-mail per offer");
    }
}

async fn offer_mails(server: &TestServer) -> u64 {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("outing_place_offered"))
        .count(&server.db.conn)
        .await
        .unwrap()
}

async fn signup_id(server: &TestServer, session: i64, client: i64) -> i64 {
    outing_signup::Entity::find()
        .filter(outing_signup::Column::SessionId.eq(session))
        .filter(outing_signup::Column::ClientId.eq(client))
        .one(&server.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_freed_place_is_offered_to_the_guide_and_passes_on_when_not_confirmed_in_time() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let session = outing_with(&server, 1, 2).await;
        let clients = clients_of(&server, demo::GUIDE, 3).await;
        let guide = server.signed_in(demo::GUIDE).await;
        for &c in &clients {
            call(&guide, &server, "/api/outings/sign-up", &signup_form(session, c)).await;
        }
        let [first, second, third] = [clients[0], clients[1], clients[2]];
        let cancel = signup_id(&server, session, first).await;
        call(&guide, &server, "/api/outings/cancel", &[("signup_id", cancel.to_string())]).await;
        let status_of = async |client: i64| {
            outing_signup::Entity::find_by_id(signup_id(&server, session, client).await)
                .one(&server.db.conn)
                .await
                .unwrap()
                .unwrap()
                .status
        };
        assert_eq!(status_of(second).await, "offered", "{backend}");
        // The guide is told by e-mail, with a link to the session and no name.
        let mail = server
            .wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.text.contains("/outings/sessions/"))
            .await;
        assert!(!mail.text.contains("Osallistuja"), "{backend}: {}", mail.text);

        // Two hours later, unconfirmed: it lapses and the third is offered the place.
        let changed =
            outings::pass_on_lapsed_offers(&server.db.conn, &server.url, Utc::now() + Duration::hours(3))
                .await
                .unwrap();
        assert_eq!(changed, 2, "{backend}: one lapse, one offer");
        assert_eq!(status_of(second).await, "lapsed", "{backend}");
        assert_eq!(status_of(third).await, "offered", "{backend}");
        let late = call(
            &guide,
            &server,
            "/api/outings/confirm",
            &[("signup_id", signup_id(&server, session, second).await.to_string())],
        )
        .await;
        assert_eq!(late.status(), 409, "{backend}: a lapsed offer cannot be confirmed");
        let confirmed = call(
            &guide,
            &server,
            "/api/outings/confirm",
            &[("signup_id", signup_id(&server, session, third).await.to_string())],
        )
        .await;
        assert!(confirmed.status().is_success() || confirmed.status().is_redirection(), "{backend}");
        assert_eq!(status_of(third).await, "confirmed", "{backend}");
    }
}

#[tokio::test]
async fn a_guide_who_does_not_lead_sees_only_their_own_clients_and_the_sign_ups_end_with_the_guidance() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let session = outing_with(&server, 1, 24).await;
        let matti = client_named(&server, "Matti").await; // the demo guide's client
        let theirs = clients_of(&server, demo::GUIDE_2, 1).await[0];
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        call(&coordinator, &server, "/api/outings/sign-up", &signup_form(session, matti.id)).await;
        call(&coordinator, &server, "/api/outings/sign-up", &signup_form(session, theirs)).await;

        let page = async |who: &reqwest::Client| -> SessionPage {
            let response =
                call(who, &server, "/api/outings/session", &[("session_id", session.to_string())]).await;
            assert!(response.status().is_success(), "{backend}: {}", response.status());
            response.json().await.unwrap()
        };
        let other = server.signed_in(demo::GUIDE_2).await;
        let seen = page(&other).await;
        let names: Vec<String> = seen.participants.iter().map(|p| p.name.clone()).collect();
        assert_eq!(names, ["Osallistuja 0"], "{backend}: only their own client");
        assert!(!seen.sees_everyone && !seen.may_manage, "{backend}");
        assert_eq!((seen.confirmed, seen.waiting), (1, 1), "{backend}: the others are counted");
        let leader = server.signed_in(demo::GUIDE).await;
        assert_eq!(page(&leader).await.participants.len(), 2, "{backend}: the leader sees everyone");

        // Matti's guidance ends: his place is gone and the waiting client is offered it.
        let ended = call(
            &coordinator,
            &server,
            "/api/guidance/end",
            &[("client_id", matti.id.to_string()), ("reason", "Tavoitteet saavutettu".into())],
        )
        .await;
        assert!(
            ended.status().is_success() || ended.status().is_redirection(),
            "{backend}: {}",
            ended.status()
        );
        let line = line(&server, session).await;
        let of = |client: i64| line.iter().find(|l| l.0 == client).unwrap().1.clone();
        assert_eq!(of(matti.id), "cancelled", "{backend}");
        assert_eq!(of(theirs), "offered", "{backend}");
        let leader_view = page(&leader).await;
        assert!(
            leader_view.participants.iter().all(|p| p.client_id.0 != matti.id),
            "{backend}: no longer named"
        );
    }
}

/// The payroll CSV of this month, as the coordinator downloads it: the row of `name`, by column.
async fn payroll_row(server: &TestServer, name: &str) -> std::collections::HashMap<String, String> {
    let month = Utc::now().with_timezone(&app::domain::time::HELSINKI).format("%Y-%m");
    let coordinator = server.signed_in(demo::COORDINATOR).await;
    let response = coordinator.get(server.at(&format!("/payroll/{month}.csv"))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_owned).collect();
    let row = lines.find(|l| l.starts_with(&format!("{name},"))).unwrap_or_else(|| panic!("{csv}"));
    header.into_iter().zip(row.split(',').map(str::to_owned)).collect()
}

#[tokio::test]
async fn a_driver_offers_seats_picks_up_by_village_and_attendance_and_hours_reach_payroll() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let session = outing_with(&server, 4, 24).await;
        let clients = clients_of(&server, demo::GUIDE, 3).await;
        let leader = server.signed_in(demo::GUIDE).await;
        // Two need a ride from Lapua, one from Alavus. No car yet: a place, but no ride seat.
        for (&c, place) in clients.iter().zip(["Lapua", "Lapua", "Alavus"]) {
            let mut form = signup_form(session, c);
            form.push(("form[needs_ride]", "on".into()));
            form.push(("form[pickup_place]", place.into()));
            call(&leader, &server, "/api/outings/sign-up", &form).await;
        }
        assert_eq!(count(&line(&server, session).await, "waiting"), 3, "{backend}: nobody to drive them");

        // The other guide drives. A bad offer names its fields and writes nothing.
        let driver = server.signed_in(demo::GUIDE_2).await;
        let seats = |n: &str, from: &str| {
            vec![
                ("form[session_id]", session.to_string()),
                ("form[seats]", n.into()),
                ("form[from_place]", from.into()),
            ]
        };
        let bad = refused(call(&driver, &server, "/api/outings/seats", &seats("12", "")).await).await;
        assert_eq!(
            bad,
            [("seats".into(), "OutOfRange".into()), ("from_place".into(), "Required".into())],
            "{backend}"
        );
        assert_eq!(count(&line(&server, session).await, "offered"), 0, "{backend}");
        let offered = call(&driver, &server, "/api/outings/seats", &seats("2", "Seinäjoki")).await;
        assert!(offered.status().is_success() || offered.status().is_redirection(), "{backend}");
        // Two seats: the first two in line are offered places; the third keeps waiting.
        let now = line(&server, session).await;
        assert_eq!(now.iter().map(|l| l.1.as_str()).collect::<Vec<_>>(), ["offered", "offered", "waiting"]);
        for &c in &clients[..2] {
            let id = signup_id(&server, session, c).await;
            call(&leader, &server, "/api/outings/confirm", &[("signup_id", id.to_string())]).await;
        }
        // The coordinator confirms the third with a taxi.
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let taxi = signup_id(&server, session, clients[2]).await;
        call(
            &coordinator,
            &server,
            "/api/outings/own-transport",
            &[("signup_id", taxi.to_string()), ("note", "Taksi".into())],
        )
        .await;
        assert_eq!(count(&line(&server, session).await, "confirmed"), 3, "{backend}");

        // The driver's pickup list: one stop in Lapua with both, in time for the start.
        let pickups = async |who: &reqwest::Client| {
            call(who, &server, "/api/outings/pickups", &[("session_id", session.to_string())]).await
        };
        let list: app::api::outings::PickupsPage = pickups(&driver).await.json().await.unwrap();
        assert_eq!(list.routes.len(), 1, "{backend}");
        let route = &list.routes[0];
        assert_eq!(route.stops.len(), 1, "{backend}: both from one village");
        assert_eq!(route.stops[0].place, "Lapua");
        assert_eq!(route.stops[0].riders.len(), 2);
        assert!(route.leaves_at < route.stops[0].pickup_at && route.arrives_at < list.starts_at);
        assert!(list.unplaced.is_empty() && !list.may_adjust, "{backend}");
        // A guide who neither leads nor drives sees no pickups.
        let stranger = server.signed_in(demo::FREE_GUIDE).await;
        assert_eq!(pickups(&stranger).await.status(), 403, "{backend}");
        // The driver cannot take the seats back while two ride in them.
        let withdraw =
            call(&driver, &server, "/api/outings/seats-withdraw", &[("session_id", session.to_string())])
                .await;
        assert_eq!(refused(withdraw).await, [("seats".into(), "SeatsTaken".into())], "{backend}");

        // Before the day, nobody is marked.
        let came = clients[0];
        let mark = async |who: &reqwest::Client, client: i64, what: &str| {
            let id = signup_id(&server, session, client).await;
            call(
                who,
                &server,
                "/api/outings/attendance",
                &[("signup_id", id.to_string()), ("attendance", what.into())],
            )
            .await
        };
        assert_eq!(
            refused(mark(&leader, came, "attended").await).await,
            [("attendance".into(), "NotTheDayYet".into())]
        );
        // The day comes: the session began an hour ago.
        let start = Utc::now() - Duration::hours(1);
        let mut row: outing_session::ActiveModel =
            outing_session::Entity::find_by_id(session).one(&server.db.conn).await.unwrap().unwrap().into();
        row.starts_at = Set(start);
        row.ends_at = Set(start + Duration::hours(2));
        row.update(&server.db.conn).await.unwrap();
        let first = mark(&leader, came, "attended").await;
        assert!(
            first.status().is_success() || first.status().is_redirection(),
            "{backend}: {}",
            first.status()
        );
        assert_eq!(mark(&driver, clients[1], "no_show").await.status(), 403, "{backend}: the leader marks");
        let marked = mark(&leader, clients[1], "no_show").await;
        assert!(marked.status().is_success() || marked.status().is_redirection(), "{backend}");
        let attendance = |client: i64| {
            let server = &server;
            async move {
                outing_signup::Entity::find_by_id(signup_id(server, session, client).await)
                    .one(&server.db.conn)
                    .await
                    .unwrap()
                    .unwrap()
                    .attendance
            }
        };
        assert_eq!(attendance(came).await.as_deref(), Some("attended"), "{backend}");
        assert_eq!(attendance(clients[1]).await.as_deref(), Some("no_show"), "{backend}");
        let held = outing_session::Entity::find_by_id(session).one(&server.db.conn).await.unwrap().unwrap();
        assert_eq!(held.status, "held", "{backend}");

        // Hours and kilometres: the driver's go to payroll with their visits.
        let name = app::backend::entities::user::Entity::find_by_id(user_id(&server, demo::GUIDE_2).await)
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap()
            .name;
        let before = payroll_row(&server, &name).await;
        let work = |hours: &str, km: &str| {
            vec![
                ("form[session_id]", session.to_string()),
                ("form[hours]", hours.into()),
                ("form[km]", km.into()),
            ]
        };
        assert_eq!(
            refused(call(&driver, &server, "/api/outings/work", &work("", "-3")).await).await,
            [("hours".into(), "Required".into()), ("km".into(), "InvalidNumber".into())],
            "{backend}"
        );
        assert_eq!(call(&stranger, &server, "/api/outings/work", &work("2", "")).await.status(), 403);
        let saved = call(&driver, &server, "/api/outings/work", &work("2,5", "84")).await;
        assert!(saved.status().is_success() || saved.status().is_redirection(), "{backend}");
        let after = payroll_row(&server, &name).await;
        let number =
            |row: &std::collections::HashMap<String, String>, col: &str| -> f64 { row[col].parse().unwrap() };
        assert_eq!(number(&after, "outings") - number(&before, "outings"), 1.0, "{backend}");
        assert!((number(&after, "km") - number(&before, "km") - 84.0).abs() < 1e-9, "{backend}: {after:?}");
        assert!((number(&after, "hours") - number(&before, "hours") - 2.5).abs() < 1e-9, "{backend}");
        // At 0.52 €/km, 84 km more is 43.68 € more.
        let more = number(&after, "km_allowance_eur") - number(&before, "km_allowance_eur");
        assert!((more - 43.68).abs() < 0.011, "{backend}: {more}");
        // Written again, it is corrected, not added.
        call(&driver, &server, "/api/outings/work", &work("2,5", "80")).await;
        let again = payroll_row(&server, &name).await;
        assert!((number(&again, "km") - number(&before, "km") - 80.0).abs() < 1e-9, "{backend}");
    }
}

#[tokio::test]
async fn the_demo_has_an_outing_with_a_waitlist_a_weekly_game_group_and_a_client_council() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let db = &server.db.conn;
        app::backend::demo::seed_goals(db).await.unwrap();
        app::backend::demo::seed_ending(db, &server.url).await.unwrap();
        app::backend::demo::seed_outings(db, &server.url).await.unwrap();
        app::backend::demo::seed_outings(db, &server.url).await.unwrap();
        let all = outing::Entity::find().all(db).await.unwrap();
        let kinds: Vec<&str> = all.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(kinds, ["outing", "group", "council"], "{backend}: seeded once");
        let sessions_of = async |outing_id: i64| {
            outing_session::Entity::find()
                .filter(outing_session::Column::OutingId.eq(outing_id))
                .order_by_asc(outing_session::Column::StartsAt)
                .all(db)
                .await
                .unwrap()
        };
        // The barbecue: three places taken, two waiting in order.
        let barbecue = sessions_of(all[0].id).await;
        let line = line(&server, barbecue[0].id).await;
        assert_eq!(
            line.iter().map(|l| l.1.as_str()).collect::<Vec<_>>(),
            ["confirmed", "confirmed", "confirmed", "waiting", "waiting"],
            "{backend}"
        );
        // Ten Tuesdays of games at 17.00 Helsinki time.
        let games = sessions_of(all[1].id).await;
        assert_eq!(games.len(), 10, "{backend}");
        for s in &games {
            let local = s.starts_at.with_timezone(&app::domain::time::HELSINKI);
            assert_eq!((local.format("%a %H:%M").to_string()), "Tue 17:00", "{backend}");
        }
        // The council meets monthly, with an agenda for the next meeting.
        let council = sessions_of(all[2].id).await;
        assert!(council.len() >= 5, "{backend}: {}", council.len());
        assert!(council[0].agenda.as_deref().is_some_and(|a| a.contains("Kuulumiset")), "{backend}");
        let leader = server.signed_in(demo::GUIDE).await;
        let page: SessionPage =
            call(&leader, &server, "/api/outings/session", &[("session_id", barbecue[0].id.to_string())])
                .await
                .json()
                .await
                .unwrap();
        assert_eq!((page.confirmed, page.waiting, page.free), (3, 2, 0), "{backend}");
        assert_eq!(page.drivers.len(), 1, "{backend}: Jussi drives");
    }
}

#[tokio::test]
async fn a_council_agenda_reaches_the_guides_once_travel_is_paid_at_the_ticket_price_and_calendars_show_it() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let leader_id = user_id(&server, demo::GUIDE).await;
        let start = Utc::now() + Duration::days(5);
        let council = NewOuting {
            kind: OutingKind::Council,
            title: "Asiakasraati".into(),
            description: String::new(),
            place: "Seinäjoki".into(),
            meeting_point: "Kaupungintalo".into(),
            capacity: 10,
            cost_cents: 0,
            reimbursed: "Bussilippu".into(),
            accessibility: String::new(),
            closes_days: 1,
            hold_hours: 24,
            recurrence: Recurrence::Once,
            sessions: vec![Slot { start, end: start + Duration::hours(2) }],
        };
        let session =
            outings::insert(&server.db.conn, &council, &[leader_id], None, Utc::now()).await.unwrap().1;
        // Two of the other guide's clients come; the leader writes the agenda.
        let clients = clients_of(&server, demo::GUIDE_2, 2).await;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        for &c in &clients {
            call(&coordinator, &server, "/api/outings/sign-up", &signup_form(session, c)).await;
        }
        let leader = server.signed_in(demo::GUIDE).await;
        let notes = |agenda: &str| {
            vec![
                ("form[session_id]", session.to_string()),
                ("form[agenda]", agenda.into()),
                ("form[memo]", String::new()),
            ]
        };
        let too_long = "x".repeat(app::domain::text::NOTE + 1);
        assert_eq!(
            refused(call(&leader, &server, "/api/outings/notes", &notes(&too_long)).await).await,
            [("agenda".into(), "TooLong".into())],
            "{backend}"
        );
        let saved =
            call(&leader, &server, "/api/outings/notes", &notes("1. Kuulumiset\n2. Kyydit maaseudulla"))
                .await;
        assert!(saved.status().is_success() || saved.status().is_redirection(), "{backend}");

        // Five days ahead is within the week: one e-mail to the one guide, once.
        assert_eq!(outings::send_council_agendas(&server.db.conn, &server.url, Utc::now()).await.unwrap(), 1);
        assert_eq!(outings::send_council_agendas(&server.db.conn, &server.url, Utc::now()).await.unwrap(), 0);
        let mail =
            server.wait_for_mail(|m| m.to.contains(demo::GUIDE_2) && m.text.contains("2. Kyydit")).await;
        assert!(!mail.text.contains("Osallistuja"), "{backend}: no names: {}", mail.text);

        // The calendars: the leader's and the other guide's (their clients come), not a stranger's.
        for (email, shown) in [(demo::GUIDE, true), (demo::GUIDE_2, true), (demo::FREE_GUIDE, false)] {
            let link =
                app::backend::visits::new_feed(&common::ctx_of(&server, email).await, 365).await.unwrap();
            let ics = reqwest::get(server.at(link.strip_prefix(&server.url).unwrap()))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let events = app::backend::calendar::parse(&ics).unwrap();
            let found = events
                .iter()
                .any(|e| e.summary == "Asiakasraati" && e.start.timestamp() == start.timestamp());
            assert_eq!(found, shown, "{backend}: {email}'s feed");
            assert!(!ics.contains("Osallistuja"), "{backend}");
        }

        // The meeting is held: both came, and their guide pays back two bus tickets.
        let name = app::backend::entities::user::Entity::find_by_id(user_id(&server, demo::GUIDE_2).await)
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap()
            .name;
        let began = Utc::now() - Duration::hours(1);
        let mut row: outing_session::ActiveModel =
            outing_session::Entity::find_by_id(session).one(&server.db.conn).await.unwrap().unwrap().into();
        row.starts_at = Set(began);
        row.ends_at = Set(began + Duration::hours(2));
        row.update(&server.db.conn).await.unwrap();
        let before = payroll_row(&server, &name).await;
        for &c in &clients {
            let id = signup_id(&server, session, c).await;
            call(
                &leader,
                &server,
                "/api/outings/attendance",
                &[("signup_id", id.to_string()), ("attendance", "attended".into())],
            )
            .await;
        }
        let after = payroll_row(&server, &name).await;
        let eur =
            |row: &std::collections::HashMap<String, String>, col: &str| -> f64 { row[col].parse().unwrap() };
        // Two tickets at the default 3.00 €.
        assert!(
            (eur(&after, "council_travel_eur") - eur(&before, "council_travel_eur") - 6.0).abs() < 1e-9,
            "{backend}"
        );
        assert!((eur(&after, "total_eur") - eur(&before, "total_eur") - 6.0).abs() < 1e-9, "{backend}");
    }
}

/// The calendar files mailed to `to` so far, oldest first: each file's METHOD and events.
fn calendar_mails(server: &TestServer, to: &str) -> Vec<(String, Vec<app::backend::calendar::ParsedEvent>)> {
    server
        .raw_mails()
        .iter()
        .filter_map(|raw| {
            let parsed = mailparse::parse_mail(raw.as_bytes()).unwrap();
            let addressed = parsed
                .headers
                .iter()
                .any(|h| h.get_key_ref().eq_ignore_ascii_case("to") && h.get_value().contains(to));
            let ics =
                parsed.subparts.iter().find(|p| p.ctype.mimetype == "text/calendar")?.get_body().unwrap();
            let method = ics.lines().find_map(|l| l.strip_prefix("METHOD:"))?.trim().to_owned();
            addressed.then(|| (method, app::backend::calendar::parse(&ics).unwrap()))
        })
        .collect()
}

/// Waits (up to ten seconds) until `to` has had `n` calendar files.
async fn wait_for_calendar_mails(
    server: &TestServer,
    to: &str,
    n: usize,
) -> Vec<(String, Vec<app::backend::calendar::ParsedEvent>)> {
    for _ in 0..100 {
        let mails = calendar_mails(server, to);
        if mails.len() >= n {
            return mails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{to} had {} calendar mails, not {n}", calendar_mails(server, to).len())
}

#[tokio::test]
async fn leaders_and_guides_get_the_calendar_file_when_someone_else_gives_or_cancels_a_place() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let leader_id = user_id(&server, demo::GUIDE).await;
        let first = (Utc::now() + Duration::days(3)).with_timezone(&app::domain::time::HELSINKI).date_naive();
        let leader = format!("form[leaders][{leader_id}]");
        let form = vec![
            ("form[kind]", "group".to_owned()),
            ("form[title]", "Teatteriryhmä".into()),
            ("form[place]", "Seinäjoki".into()),
            ("form[meeting_point]", "Teatterin aula".into()),
            ("form[date]", first.to_string()),
            ("form[start]", "18.00".into()),
            ("form[end]", "20.00".into()),
            ("form[recurrence]", "weekly".into()),
            ("form[until]", (first + Duration::days(7)).to_string()),
            ("form[capacity]", "5".into()),
            (leader.leak(), "on".into()),
        ];
        let made = call(&coordinator, &server, "/api/outings/create", &form).await;
        assert!(made.status().is_success() || made.status().is_redirection(), "{backend}: {}", made.status());
        let group = outing::Entity::find()
            .filter(outing::Column::Title.eq("Teatteriryhmä"))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let sessions = outing_session::Entity::find()
            .filter(outing_session::Column::OutingId.eq(group.id))
            .order_by_asc(outing_session::Column::StartsAt)
            .all(&server.db.conn)
            .await
            .unwrap();
        let host = app::domain::calendar::host_of(&server.url);
        let uid = |session: i64| format!("outing-session-{session}@{host}");

        // The leader is invited to both sessions, with the feed's UIDs and the meeting point.
        let mails = wait_for_calendar_mails(&server, demo::GUIDE, 1).await;
        let (method, events) = mails.last().unwrap();
        assert_eq!(method, "REQUEST", "{backend}");
        assert_eq!(
            events.iter().map(|e| e.uid.clone()).collect::<Vec<_>>(),
            [uid(sessions[0].id), uid(sessions[1].id)],
            "{backend}"
        );
        assert!(events.iter().all(|e| e.summary == "Teatteriryhmä"), "{backend}");

        // The coordinator gives a client of the other guide a place: their guide gets the session.
        let theirs = clients_of(&server, demo::GUIDE_2, 1).await[0];
        call(&coordinator, &server, "/api/outings/sign-up", &signup_form(sessions[0].id, theirs)).await;
        let mails = wait_for_calendar_mails(&server, demo::GUIDE_2, 1).await;
        let (method, events) = mails.last().unwrap();
        assert_eq!((method.as_str(), events.len()), ("REQUEST", 1), "{backend}");
        assert_eq!(events[0].uid, uid(sessions[0].id), "{backend}");
        // No participant is named, in the text or in the file.
        let raw = server.raw_mails().into_iter().rfind(|m| m.contains(demo::GUIDE_2)).unwrap();
        let parsed = mailparse::parse_mail(raw.as_bytes()).unwrap();
        let bodies: Vec<String> = parsed.parts().map(|p| p.get_body().unwrap_or_default()).collect();
        assert!(bodies.iter().any(|b| b.contains("Teatteriryhmä")), "{backend}: {bodies:?}");
        assert!(bodies.iter().all(|b| !b.contains("Osallistuja")), "{backend}: no names: {bodies:?}");

        // A guide who signs up their own client gets nothing: it is on their screen and feed.
        let own = clients_of(&server, demo::GUIDE_2, 1).await[0];
        let guide_2 = server.signed_in(demo::GUIDE_2).await;
        call(&guide_2, &server, "/api/outings/sign-up", &signup_form(sessions[0].id, own)).await;

        // The coordinator cancels the place: the file that removes it.
        let cancel = signup_id(&server, sessions[0].id, theirs).await;
        call(&coordinator, &server, "/api/outings/cancel", &[("signup_id", cancel.to_string())]).await;
        let mails = wait_for_calendar_mails(&server, demo::GUIDE_2, 2).await;
        assert_eq!(mails.len(), 2, "{backend}: none for their own sign-up");
        let (method, events) = &mails[1];
        assert_eq!(method, "CANCEL", "{backend}");
        assert_eq!(events[0].uid, uid(sessions[0].id), "{backend}");

        // The leader's own client's place, cancelled by the coordinator, stays in the leader's
        // calendar: they still lead it.
        let matti = client_named(&server, "Matti").await;
        call(&coordinator, &server, "/api/outings/sign-up", &signup_form(sessions[0].id, matti.id)).await;
        wait_for_calendar_mails(&server, demo::GUIDE, 2).await;
        let cancel = signup_id(&server, sessions[0].id, matti.id).await;
        call(&coordinator, &server, "/api/outings/cancel", &[("signup_id", cancel.to_string())]).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let methods: Vec<String> = calendar_mails(&server, demo::GUIDE).into_iter().map(|m| m.0).collect();
        assert_eq!(methods, ["REQUEST", "REQUEST"], "{backend}");
        assert!(calendar_mails(&server, demo::FREE_GUIDE).is_empty(), "{backend}");
    }
}

#[tokio::test]
async fn a_step_of_a_goal_is_recorded_as_taken_at_an_outing_the_client_came_to() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let session = outing_with(&server, 4, 24).await;
        let later = outing_with(&server, 4, 24).await;
        let matti = client_named(&server, "Matti").await;
        let guide = server.signed_in(demo::GUIDE).await;
        for s in [session, later] {
            call(&guide, &server, "/api/outings/sign-up", &signup_form(s, matti.id)).await;
        }
        let goal = [
            ("client_id", matti.id.to_string()),
            ("form[words]", "Uskallan mennä ihmisten joukkoon".into()),
            ("form[why]", String::new()),
            ("form[step_1]", "Lähden mukaan retkelle".into()),
            ("form[step_2]", String::new()),
            ("form[step_3]", String::new()),
            ("form[face]", String::new()),
            ("form[visit]", String::new()),
        ];
        let added = call(&guide, &server, "/api/goals/add", &goal).await;
        assert!(added.status().is_success() || added.status().is_redirection(), "{backend}");
        let step = app::backend::entities::goal_step::Entity::find()
            .filter(app::backend::entities::goal_step::Column::Words.eq("Lähden mukaan retkelle"))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        // The goal was set on a visit three days ago.
        let today = Utc::now().with_timezone(&app::domain::time::HELSINKI).date_naive();
        app::backend::entities::goal::Entity::update_many()
            .col_expr(
                app::backend::entities::goal::Column::SetOn,
                sea_orm::sea_query::Expr::value(today - Duration::days(3)),
            )
            .filter(app::backend::entities::goal::Column::Id.eq(step.goal_id))
            .exec(&server.db.conn)
            .await
            .unwrap();
        let tick = |outing: i64| {
            vec![("id", step.id.to_string()), ("done", "true".into()), ("outing", outing.to_string())]
        };
        // Before he came, the outing cannot be named.
        assert_eq!(
            refused(call(&guide, &server, "/api/goals/steps/mark", &tick(session)).await).await,
            [("outing".into(), "UnknownChoice".into())],
            "{backend}"
        );
        // The outing was yesterday, and the leader marked him there.
        let start = Utc::now() - Duration::days(1);
        let mut row: outing_session::ActiveModel =
            outing_session::Entity::find_by_id(session).one(&server.db.conn).await.unwrap().unwrap().into();
        row.starts_at = Set(start);
        row.ends_at = Set(start + Duration::hours(2));
        row.update(&server.db.conn).await.unwrap();
        let signup = signup_id(&server, session, matti.id).await;
        outing_signup::Entity::update_many()
            .col_expr(outing_signup::Column::Attendance, sea_orm::sea_query::Expr::value("attended"))
            .filter(outing_signup::Column::Id.eq(signup))
            .exec(&server.db.conn)
            .await
            .unwrap();

        let page = async |outing: i64| -> app::api::goals::GoalsView {
            let form = [("client_id", matti.id.to_string()), ("outing", outing.to_string())];
            call(&guide, &server, "/api/goals/for-client", &form).await.json().await.unwrap()
        };
        let opened = page(session).await;
        let context = opened.outing.clone().expect("opened from the outing");
        assert_eq!(context.title, "Makkaranpaisto laavulla", "{backend}");
        assert!(page(later).await.outing.is_none(), "{backend}: not one he came to");

        let ticked = call(&guide, &server, "/api/goals/steps/mark", &tick(session)).await;
        assert!(ticked.status().is_success() || ticked.status().is_redirection(), "{backend}");
        let done = app::backend::entities::goal_step::Entity::find_by_id(step.id)
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let day = start.with_timezone(&app::domain::time::HELSINKI).date_naive();
        assert_eq!(done.done_on, Some(day), "{backend}: on the outing's day");
        let view = page(session).await;
        let shown = view.goals.iter().flat_map(|g| &g.steps).find(|s| s.id.0 == step.id).unwrap();
        assert_eq!(shown.at_outing.as_deref(), Some("Makkaranpaisto laavulla"), "{backend}");

        // Taken back, the link goes with the tick.
        let undo = [("id", step.id.to_string()), ("done", "false".into())];
        call(&guide, &server, "/api/goals/steps/mark", &undo).await;
        let view = page(session).await;
        let shown = view.goals.iter().flat_map(|g| &g.steps).find(|s| s.id.0 == step.id).unwrap();
        assert_eq!((shown.done_on, shown.at_outing.clone()), (None, None), "{backend}");
    }
}
