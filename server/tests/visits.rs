//! The guide's day through the real server, on each test database: no double booking under 50
//! concurrent attempts, clashes and travel refused with their reasons, a weekly series at the
//! same local time across the spring change, the calendar feed's round trip and its revocation,
//! the "done" form, the month's hours and kilometres, invitations with calendar files, and the
//! day-before reminders.

mod common;

use app::{
    api::visits::{MileageView, VisitView},
    backend::{
        calendar,
        ctx::Ctx,
        entities::{client, outbox_message, ride_leg, user, visit},
        visits,
    },
    domain::{ids::UserId, policy::Actor, time::HELSINKI},
};
use chrono::{Datelike, TimeZone, Utc};
use common::{TestServer, call, demo, demo_servers};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

async fn user_id(server: &TestServer, email: &str) -> i64 {
    user::Entity::find().filter(user::Column::Email.eq(email)).one(&server.db.conn).await.unwrap().unwrap().id
}

async fn client_id(server: &TestServer, name: &str) -> i64 {
    client::Entity::find()
        .filter(client::Column::DisplayName.eq(name))
        .one(&server.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn booking(
    client: i64,
    kind: &str,
    date: &str,
    start: &str,
    end: &str,
    place: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("form[client_id]", client.to_string()),
        ("form[kind]", kind.to_owned()),
        ("form[date]", date.to_owned()),
        ("form[start]", start.to_owned()),
        ("form[end]", end.to_owned()),
        ("form[place]", place.to_owned()),
    ]
}

/// The refused fields of a 422 answer.
async fn refused(response: reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    body["Validation"]
        .as_array()
        .unwrap_or_else(|| panic!("a validation error: {body}"))
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

async fn ctx_of(server: &TestServer, email: &str) -> Ctx {
    let id = user_id(server, email).await;
    let roles = app::backend::auth::roles_of(&server.db.conn, id).await.unwrap();
    Ctx {
        db: server.db.conn.clone(),
        actor: Actor { user_id: UserId(id), roles },
        request_id: None,
        now: Utc::now(),
        mailing: app::backend::ctx::Mailing::detached(server.url.clone()),
    }
}

#[tokio::test]
async fn fifty_concurrent_bookings_of_one_guides_slot_exactly_one_wins() {
    for server in demo_servers().await {
        let guide = user_id(&server, demo::GUIDE).await;
        // Fifty clients of the same guide, so only the guide's time is contested.
        let now = Utc::now();
        let mut clients = Vec::new();
        for i in 0..50 {
            let row = client::ActiveModel {
                display_name: Set(format!("Asiakas {i}")),
                municipality: Set("Seinäjoki".into()),
                guide_id: Set(Some(guide)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&server.db.conn)
            .await
            .unwrap();
            clients.push(row.id);
        }
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        // All fifty start together and race for the same guide at the same time.
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(clients.len()));
        let mut attempts = tokio::task::JoinSet::new();
        for &c in &clients {
            let form = booking(c, "home_visit", "2027-01-12", "10:00", "11:00", "Seinäjoki");
            let (coordinator, url, start) = (coordinator.clone(), server.url.clone(), start.clone());
            attempts.spawn(async move {
                start.wait().await;
                coordinator
                    .post(format!("{url}/api/visits/book"))
                    .header("origin", &url)
                    .header("accept", "application/json")
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
            });
        }
        let responses = attempts.join_all().await;
        let mut won = 0;
        let mut lost = 0;
        for response in responses {
            if response.status().is_success() {
                won += 1;
            } else {
                assert_eq!(refused(response).await, [("start".to_owned(), "GuideBusy".to_owned())]);
                lost += 1;
            }
        }
        println!("{}: 50 concurrent bookings of one slot: {won} won, {lost} refused", server.db.backend);
        assert_eq!((won, lost), (1, 49), "{}", server.db.backend);
        let stored = visit::Entity::find()
            .filter(visit::Column::GuideId.eq(guide))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(stored, 1, "{}: exactly one visit was written", server.db.backend);
    }
}

#[tokio::test]
async fn clashes_and_too_little_travel_time_are_refused_and_back_to_back_is_fine() {
    for server in demo_servers().await {
        let matti = client_id(&server, "Matti").await;
        let guide = server.signed_in(demo::GUIDE).await;
        let book = |form: Vec<(&'static str, String)>| {
            let (guide, server) = (&guide, &server);
            async move { call(guide, server, "/api/visits/book", &form).await }
        };
        let first = book(booking(matti, "home_visit", "2027-01-13", "10:00", "11:00", "Seinäjoki")).await;
        assert!(first.status().is_success(), "{}", first.text().await.unwrap());
        // Overlapping: the guide (and the client) are already there.
        let overlap = book(booking(matti, "meeting", "2027-01-13", "10:30", "11:30", "Seinäjoki")).await;
        assert_eq!(refused(overlap).await, [("start".to_owned(), "GuideBusy".to_owned())]);
        // Back to back at the same place.
        let next = book(booking(matti, "meeting", "2027-01-13", "11:00", "12:00", "Seinäjoki")).await;
        assert!(next.status().is_success(), "{}", next.text().await.unwrap());
        // Kauhajoki is some 50 km away: starting there at 12:15 leaves no time to drive.
        let far = book(booking(matti, "accompaniment", "2027-01-13", "12:15", "13:00", "Kauhajoki")).await;
        assert_eq!(refused(far).await, [("start".to_owned(), "NoTimeToTravel".to_owned())]);
        // A phone call needs no travel.
        let call_ok = book(booking(matti, "call", "2027-01-13", "12:15", "12:30", "")).await;
        assert!(call_ok.status().is_success(), "{}", call_ok.text().await.unwrap());
        // The spring-forward gap: 03:30 does not exist on 2027-03-28 in Helsinki.
        let gap = book(booking(matti, "call", "2027-03-28", "03:30", "04:30", "")).await;
        assert_eq!(refused(gap).await, [("start".to_owned(), "NonexistentLocalTime".to_owned())]);
        // Bad input: every field says what is wrong, and nothing is written.
        let before = visit::Entity::find().count(&server.db.conn).await.unwrap();
        let bad = book(booking(matti, "party", "2027-13-01", "25:00", "10:00", "")).await;
        let fields: Vec<String> = refused(bad).await.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["kind", "date", "start"]);
        assert_eq!(visit::Entity::find().count(&server.db.conn).await.unwrap(), before);
    }
}

#[tokio::test]
async fn a_weekly_series_keeps_its_local_time_across_the_spring_change_and_can_be_cut_short() {
    for server in demo_servers().await {
        let matti = client_id(&server, "Matti").await;
        let guide = server.signed_in(demo::GUIDE).await;
        let mut form = booking(matti, "home_visit", "2027-03-15", "10:00", "11:30", "Seinäjoki");
        form.push(("form[recurrence]", "weekly".into()));
        form.push(("form[until]", "2027-04-12".into()));
        let response = call(&guide, &server, "/api/visits/book", &form).await;
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
        let rows = visit::Entity::find()
            .filter(visit::Column::ClientId.eq(matti))
            .order_by_asc(visit::Column::StartsAt)
            .all(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(rows.len(), 5);
        for row in &rows {
            let local = row.starts_at.with_timezone(&HELSINKI);
            assert_eq!(local.format("%H:%M").to_string(), "10:00", "{}", row.starts_at);
            assert_eq!(row.series_id, Some(rows[0].id));
        }
        // 10:00 is 08:00 UTC in winter and 07:00 UTC in summer.
        assert_eq!(rows[1].starts_at, Utc.with_ymd_and_hms(2027, 3, 22, 8, 0, 0).unwrap());
        assert_eq!(rows[2].starts_at, Utc.with_ymd_and_hms(2027, 3, 29, 7, 0, 0).unwrap());

        // Cancel the third and the rest.
        let response = call(
            &guide,
            &server,
            "/api/visits/cancel",
            &[("id", rows[2].id.to_string()), ("scope", "rest".into())],
        )
        .await;
        assert!(response.status().is_success());
        let statuses: Vec<String> = visit::Entity::find()
            .filter(visit::Column::ClientId.eq(matti))
            .order_by_asc(visit::Column::StartsAt)
            .all(&server.db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.status)
            .collect();
        assert_eq!(statuses, ["planned", "planned", "cancelled", "cancelled", "cancelled"]);
    }
}

#[tokio::test]
async fn the_calendar_feed_parses_back_to_the_same_instants_and_a_revoked_link_is_404() {
    for server in demo_servers().await {
        let matti = client_id(&server, "Matti").await;
        let guide = server.signed_in(demo::GUIDE).await;
        let mut form = booking(matti, "home_visit", "2027-10-18", "10:00", "11:00", "Seinäjoki");
        form.push(("form[recurrence]", "weekly".into()));
        form.push(("form[until]", "2027-11-01".into()));
        assert!(call(&guide, &server, "/api/visits/book", &form).await.status().is_success());
        let rows = visit::Entity::find()
            .filter(visit::Column::ClientId.eq(matti))
            .filter(visit::Column::StartsAt.gt(Utc.with_ymd_and_hms(2027, 10, 1, 0, 0, 0).unwrap()))
            .order_by_asc(visit::Column::StartsAt)
            .all(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(rows.len(), 3, "across the autumn change on 2027-10-31");
        // Cancel the middle one: it stays in the feed, marked cancelled.
        call(
            &guide,
            &server,
            "/api/visits/cancel",
            &[("id", rows[1].id.to_string()), ("scope", "one".into())],
        )
        .await;

        let ctx = ctx_of(&server, demo::GUIDE).await;
        let link = visits::new_feed(&ctx, 365).await.unwrap();
        let path = link.strip_prefix(&server.url).unwrap();
        let response = reqwest::get(server.at(path)).await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
        let ics = response.text().await.unwrap();
        let events = calendar::parse(&ics).expect("the feed parses");
        for (i, row) in rows.iter().enumerate() {
            let event = events
                .iter()
                .find(|e| e.uid == calendar::visit_uid(row.id, "127.0.0.1"))
                .unwrap_or_else(|| panic!("visit {} in the feed: {ics}", row.id));
            assert_eq!((event.start, event.end), (row.starts_at, row.ends_at));
            assert_eq!(event.cancelled, i == 1);
            assert_eq!(event.sequence, u32::from(i == 1));
            assert!(event.summary.contains("M."), "initials, not the name: {}", event.summary);
            assert!(!event.summary.contains("Matti"));
        }
        assert_eq!(rows[2].starts_at.with_timezone(&HELSINKI).format("%H:%M").to_string(), "10:00");

        // A new link revokes the old one; revoking leaves none.
        let second = visits::new_feed(&ctx, 365).await.unwrap();
        assert_eq!(reqwest::get(server.at(path)).await.unwrap().status(), 404);
        let second_path = second.strip_prefix(&server.url).unwrap();
        assert_eq!(reqwest::get(server.at(second_path)).await.unwrap().status(), 200);
        visits::revoke_feed(&ctx).await.unwrap();
        assert_eq!(reqwest::get(server.at(second_path)).await.unwrap().status(), 404);
        assert_eq!(reqwest::get(server.at("/calendar/not-a-link.ics")).await.unwrap().status(), 404);
    }
}

#[tokio::test]
async fn a_guide_records_a_visit_and_the_month_adds_up_for_payroll() {
    for server in demo_servers().await {
        let guide_id = user_id(&server, demo::GUIDE).await;
        let matti = client_id(&server, "Matti").await;
        let guide = server.signed_in(demo::GUIDE).await;
        // A ride today, booked from an hour ago: Seinäjoki → Lapua → Seinäjoki.
        let local_now = Utc::now().with_timezone(&HELSINKI);
        let start = (local_now - chrono::Duration::hours(1)).max(
            HELSINKI.from_local_datetime(&local_now.date_naive().and_hms_opt(0, 0, 0).unwrap()).unwrap(),
        );
        let end = start + chrono::Duration::minutes(50);
        let mut form = booking(
            matti,
            "accompaniment",
            &start.format("%Y-%m-%d").to_string(),
            &start.format("%H:%M").to_string(),
            &end.format("%H:%M").to_string(),
            "Lapua",
        );
        form.extend([
            ("form[stop_1]", "Seinäjoki".to_owned()),
            ("form[stop_2]", "Lapua".to_owned()),
            ("form[stop_3]", "Seinäjoki".to_owned()),
            ("form[km_2]", "24,5".to_owned()),
        ]);
        let response = call(&guide, &server, "/api/visits/book", &form).await;
        if end.date_naive() != start.date_naive() {
            return; // Just before midnight the visit would run into tomorrow; nothing to test.
        }
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
        let row = visit::Entity::find()
            .filter(visit::Column::ClientId.eq(matti))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let legs = ride_leg::Entity::find()
            .filter(ride_leg::Column::VisitId.eq(row.id))
            .order_by_asc(ride_leg::Column::Position)
            .all(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(legs.len(), 2);
        assert!(legs[0].estimated && !legs[1].estimated);
        assert_eq!(legs[1].km_tenths, 245);
        assert_eq!(row.driver_id, Some(guide_id), "the guide drives by default");

        let shown: VisitView = call(&guide, &server, "/api/visits/get", &[("id", row.id.to_string())])
            .await
            .json()
            .await
            .unwrap();
        assert!(shown.may.record && shown.may.change);
        assert!(shown.map_url.unwrap().contains("Lapua"));

        // Bad hours are refused and nothing changes.
        let bad = call(
            &guide,
            &server,
            "/api/visits/outcome",
            &[("id", row.id.to_string()), ("outcome", "done".into()), ("hours", "paljon".into())],
        )
        .await;
        assert_eq!(refused(bad).await, [("hours".to_owned(), "InvalidNumber".to_owned())]);
        let ok = call(
            &guide,
            &server,
            "/api/visits/outcome",
            &[
                ("id", row.id.to_string()),
                ("outcome", "done".into()),
                ("note", "Asiat hoituivat".into()),
                ("hours", "1,5".into()),
                ("km", "52,5".into()),
            ],
        )
        .await;
        assert!(ok.status().is_success(), "{}", ok.text().await.unwrap());

        let month: MileageView = call(&guide, &server, "/api/mileage/month", &[]).await.json().await.unwrap();
        assert_eq!(month.rows.len(), 1);
        assert_eq!((month.totals.visits, month.totals.minutes, month.totals.km_tenths), (1, 90, 525));
        // 52.5 km at the default 0.52 €/km.
        assert_eq!(month.totals.allowance_cents, 2730);
        assert!(!month.may_export);

        let csv_path = format!("/payroll/{}.csv", month.month);
        assert_eq!(guide.get(server.at(&csv_path)).send().await.unwrap().status(), 403);
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let response = coordinator.get(server.at(&csv_path)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
        let csv = response.text().await.unwrap();
        let elina = csv.lines().find(|l| l.starts_with("Elina Niemi,")).unwrap_or_else(|| panic!("{csv}"));
        // The last column holds reasons for hours or kilometres beyond the visit: none here.
        assert!(elina.ends_with(",1,0,1.50,52.5,27.30,0.00,0.00,27.30,"), "{elina}");
        assert!(!csv.contains("Matti"), "no client data in payroll");
    }
}

#[tokio::test]
async fn a_three_way_meeting_invites_the_social_worker_with_a_calendar_file() {
    for server in demo_servers().await {
        let matti = client_id(&server, "Matti").await;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let form = booking(matti, "three_way", "2027-02-03", "13:00", "14:00", "Seinäjoki");
        let response = call(&coordinator, &server, "/api/visits/book", &form).await;
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
        let row = visit::Entity::find()
            .filter(visit::Column::ClientId.eq(matti))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.social_worker_id, Some(user_id(&server, demo::SOCIAL_WORKER).await));
        for to in [demo::SOCIAL_WORKER, demo::GUIDE] {
            let mail = server.wait_for_mail(|m| m.to.contains(to) && m.subject.contains("ke 3.2.")).await;
            assert!(!mail.text.contains("Matti"), "no client name in e-mail: {}", mail.text);
        }
        let raw = server
            .raw_mails()
            .into_iter()
            .find(|m| m.contains(demo::SOCIAL_WORKER) && m.contains("text/calendar"))
            .expect("an .ics attachment");
        let parsed = mailparse::parse_mail(raw.as_bytes()).unwrap();
        let ics =
            parsed.subparts.iter().find(|p| p.ctype.mimetype == "text/calendar").unwrap().get_body().unwrap();
        assert!(ics.contains("METHOD:REQUEST"));
        let events = calendar::parse(&ics).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].start, row.starts_at);

        // Moving it tells both again, with a higher SEQUENCE.
        let response = call(
            &coordinator,
            &server,
            "/api/visits/reschedule",
            &[
                ("id", row.id.to_string()),
                ("date", "2027-02-04".into()),
                ("start", "13:00".into()),
                ("end", "14:00".into()),
            ],
        )
        .await;
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
        server.wait_for_mail(|m| m.to.contains(demo::SOCIAL_WORKER) && m.subject.contains("to 4.2.")).await;
        // The client is never e-mailed, and a guide of another client is not either.
        assert!(server.mails().iter().all(|m| !m.to.contains(demo::GUIDE_2)));
    }
}

#[tokio::test]
async fn the_day_before_the_guide_is_reminded_with_the_clients_channel_once() {
    for server in demo_servers().await {
        let matti = client_id(&server, "Matti").await;
        let guide = server.signed_in(demo::GUIDE).await;
        let form = booking(matti, "home_visit", "2027-05-12", "10:00", "11:00", "Seinäjoki");
        assert!(call(&guide, &server, "/api/visits/book", &form).await.status().is_success());
        let before_noon = HELSINKI.with_ymd_and_hms(2027, 5, 11, 9, 0, 0).unwrap().with_timezone(&Utc);
        let afternoon = HELSINKI.with_ymd_and_hms(2027, 5, 11, 13, 0, 0).unwrap().with_timezone(&Utc);
        assert_eq!(visits::queue_reminders(&server.db.conn, &server.url, before_noon).await.unwrap(), 0);
        assert_eq!(visits::queue_reminders(&server.db.conn, &server.url, afternoon).await.unwrap(), 1);
        assert_eq!(
            visits::queue_reminders(&server.db.conn, &server.url, afternoon).await.unwrap(),
            0,
            "once"
        );
        let reminder = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("visit_reminder"))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(reminder.to_address, demo::GUIDE);
        assert!(
            reminder.text_body.contains("Soitto"),
            "the client's channel, in Finnish: {}",
            reminder.text_body
        );
    }
}

#[tokio::test]
async fn a_booked_visits_invitation_leaves_at_once_not_at_the_next_poll() {
    for db in app::backend::testing::databases().await {
        assert!(app::backend::demo::seed(&db.conn).await.unwrap());
        // An hour between looks at the outbox: within the wait below, only the wake-up that the
        // booking itself gives the sender can deliver the invitation.
        let server = TestServer::start_with(db, &["--outbox-poll-secs", "3600"]).await;
        let matti = client_id(&server, "Matti").await;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let form = booking(matti, "three_way", "2027-03-03", "13:00", "14:00", "Seinäjoki");
        let response = call(&coordinator, &server, "/api/visits/book", &form).await;
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
        server.wait_for_mail(|m| m.to.contains(demo::SOCIAL_WORKER) && m.subject.contains("ke 3.3.")).await;
    }
}

#[tokio::test]
async fn a_visits_day_and_times_are_written_in_the_readers_language_on_the_page_and_in_the_mail() {
    // Tuesday to Thursday, 7-9 December 2027: next year's days carry their year until 2027
    // comes, then read exactly as people write this year's.
    let this_year = Utc::now().with_timezone(&HELSINKI).year();
    let year = |y: &'static str| -> &'static str { if this_year == 2027 { "" } else { y } };
    let cases = [
        ("fi", "2027-12-07", format!("ti 7.12.{} klo 18.45–20.00", year("2027"))),
        ("sv", "2027-12-08", format!("ons 8.12{} kl. 18.45–20.00", year(".2027"))),
        ("en", "2027-12-09", format!("Thu 9 Dec{}, 18:45–20:00", year(" 2027"))),
    ];
    for server in demo_servers().await {
        let backend = server.db.backend;
        let matti = client_id(&server, "Matti").await;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let guide = server.signed_in(demo::GUIDE).await;
        let guide_account = user::Entity::find_by_id(user_id(&server, demo::GUIDE).await)
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        for (language, date, expected) in &cases {
            // The e-mail is written in the language of the account, the page in the browser's.
            let mut account: user::ActiveModel = guide_account.clone().into();
            account.locale = Set((*language).to_owned());
            account.update(&server.db.conn).await.unwrap();
            let form = booking(matti, "home_visit", date, "18:45", "20:00", "Seinäjoki");
            let response = call(&coordinator, &server, "/api/visits/book", &form).await;
            assert!(response.status().is_success(), "{backend}: {}", response.text().await.unwrap());
            let booked = visit::Entity::find()
                .filter(visit::Column::ClientId.eq(matti))
                .order_by_desc(visit::Column::Id)
                .one(&server.db.conn)
                .await
                .unwrap()
                .unwrap();

            let mail = server
                .wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.subject.contains(expected.as_str()))
                .await;
            assert!(
                mail.text.contains(&format!("{expected} (Seinäjoki)")),
                "{backend} {language}: {}",
                mail.text
            );

            // The guide picks the page's language with the switch, as in the footer.
            let switched =
                common::post_as(&guide, &server, "/api/language", &[("language", language), ("next", "/")])
                    .await;
            assert!(switched.status().is_redirection(), "{backend}");
            let page = guide.get(server.at(&format!("/visits/{}", booked.id))).send().await.unwrap();
            assert_eq!(page.status(), 200);
            let html = page.text().await.unwrap();
            assert!(
                html.contains(expected.as_str()),
                "{backend} {language}: the visit page shows {expected}"
            );
        }

        // A call has no place: its e-mail says nothing of one, never "()".
        let mut account: user::ActiveModel = guide_account.clone().into();
        account.locale = Set("fi".to_owned());
        account.update(&server.db.conn).await.unwrap();
        let form = booking(matti, "call", "2027-12-10", "9:05", "9:30", "");
        let response = call(&coordinator, &server, "/api/visits/book", &form).await;
        assert!(response.status().is_success(), "{backend}: {}", response.text().await.unwrap());
        let mail =
            server.wait_for_mail(|m| m.to.contains(demo::GUIDE) && m.subject.contains("pe 10.12.")).await;
        assert!(mail.text.contains("klo 9.05–9.30."), "{backend}: {}", mail.text);
        assert!(!mail.text.contains("()"), "{backend}: {}", mail.text);
    }
}
