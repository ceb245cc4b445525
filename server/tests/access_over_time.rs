//! Access follows the named guide over time, everywhere: after an ending, an approved transfer
//! and a withdrawn consent, the former guide gets 403 from every visit function, their agenda
//! and calendar feed lose the client's visits and no reminder is queued for them; the client's
//! planned visits are cancelled (ending, withdrawal) or handed to the new guide (transfer), who
//! then sees and can record them. On each test database.

mod common;

use app::{
    api::visits::{AgendaView, VisitView},
    backend::{
        entities::{client, consent, outbox_message, transfer, visit},
        visits,
    },
    domain::time::HELSINKI,
};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use common::{TestServer, call, client_named, ctx_of, demo, user_id};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

fn local(days: i64, hour: u32) -> DateTime<Utc> {
    let date = Utc::now().with_timezone(&HELSINKI).date_naive() + Duration::days(days);
    HELSINKI
        .from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap()))
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// Matti's visits with his guide: one that began yesterday and was not recorded yet, one
/// tomorrow at 10 (reminded today), one next week.
struct Visits {
    yesterday: i64,
    tomorrow: i64,
    next_week: i64,
}

async fn book(db: &DatabaseConnection, client: i64, guide: i64, starts_at: DateTime<Utc>) -> i64 {
    let now = Utc::now();
    visit::ActiveModel {
        client_id: Set(client),
        guide_id: Set(guide),
        kind: Set("home_visit".into()),
        starts_at: Set(starts_at),
        ends_at: Set(starts_at + Duration::hours(1)),
        zone: Set("Europe/Helsinki".into()),
        place: Set("Seinäjoki".into()),
        address: Set(Some("Koulukatu 1".into())),
        status: Set("planned".into()),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

async fn matti_visits(db: &DatabaseConnection) -> (client::Model, Visits) {
    let matti = client::Entity::find()
        .filter(client::Column::DisplayName.eq("Matti"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let guide = matti.guide_id.unwrap();
    let visits = Visits {
        yesterday: book(db, matti.id, guide, local(-1, 10)).await,
        tomorrow: book(db, matti.id, guide, local(1, 10)).await,
        next_week: book(db, matti.id, guide, local(7, 12)).await,
    };
    (matti, visits)
}

/// Demo servers that keep their e-mail in the outbox (no sender runs), so what is queued, taken
/// back or never queued can be read there.
async fn demo_servers() -> Vec<TestServer> {
    let mut all = Vec::new();
    for db in app::backend::testing::databases().await {
        assert!(app::backend::demo::seed(&db.conn).await.unwrap());
        all.push(TestServer::start_with(db, &["--outbox-sender", "false"]).await);
    }
    all
}

fn id(n: i64) -> String {
    n.to_string()
}

async fn status_of(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    form: &[(&str, String)],
) -> u16 {
    call(client, server, path, form).await.status().as_u16()
}

/// Every visit function answers 403 to a former guide, for each of the client's visits.
async fn former_guide_is_refused_everywhere(server: &TestServer, former: &reqwest::Client, visits: &Visits) {
    // The client's own visit functions: their list, the booking form's choices, booking.
    let client =
        visit::Entity::find_by_id(visits.tomorrow).one(&server.db.conn).await.unwrap().unwrap().client_id;
    assert_eq!(status_of(former, server, "/api/visits/for-client", &[("client_id", id(client))]).await, 403);
    assert_eq!(status_of(former, server, "/api/visits/choices", &[("client_id", id(client))]).await, 403);
    let date = local(10, 12).with_timezone(&HELSINKI).format("%Y-%m-%d").to_string();
    let form = [
        ("form[client_id]", id(client)),
        ("form[kind]", "home_visit".into()),
        ("form[date]", date),
        ("form[start]", "12:00".into()),
        ("form[end]", "13:00".into()),
        ("form[place]", "Seinäjoki".into()),
    ];
    assert_eq!(status_of(former, server, "/api/visits/book", &form).await, 403);
    for visit in [visits.yesterday, visits.tomorrow, visits.next_week] {
        assert_eq!(
            status_of(former, server, "/api/visits/get", &[("id", id(visit))]).await,
            403,
            "get {visit}"
        );
        let outcome = [
            ("id", id(visit)),
            ("outcome", "done".into()),
            ("hours", "1".into()),
            ("km", "".into()),
            ("note", "".into()),
        ];
        assert_eq!(status_of(former, server, "/api/visits/outcome", &outcome).await, 403, "record {visit}");
        let cancel = [("id", id(visit)), ("scope", "one".into())];
        assert_eq!(status_of(former, server, "/api/visits/cancel", &cancel).await, 403, "cancel {visit}");
        let date = local(14, 12).with_timezone(&HELSINKI).format("%Y-%m-%d").to_string();
        let moved = [("id", id(visit)), ("date", date), ("start", "12:00".into()), ("end", "13:00".into())];
        assert_eq!(status_of(former, server, "/api/visits/reschedule", &moved).await, 403, "move {visit}");
    }
}

async fn agenda_visits(client: &reqwest::Client, server: &TestServer) -> Vec<i64> {
    let mut ids = Vec::new();
    for (week, offset) in [("false", "-1"), ("true", "0"), ("true", "1")] {
        let response =
            call(client, server, "/api/visits/agenda", &[("week", week.into()), ("offset", offset.into())])
                .await;
        assert!(response.status().is_success());
        let agenda: AgendaView = response.json().await.unwrap();
        ids.extend(agenda.days.iter().flat_map(|d| d.visits.iter().map(|v| v.id)));
    }
    ids
}

/// The visits in the person's calendar feed, by their UIDs.
async fn feed_has(server: &TestServer, secret: &str, visit: i64) -> bool {
    let ics = visits::feed(&server.db.conn, secret, &server.url, Utc::now()).await.unwrap();
    ics.contains(&format!("UID:visit-{visit}@"))
}

async fn feed_secret(server: &TestServer, email: &str) -> String {
    let link = visits::new_feed(&ctx_of(server, email).await, 365).await.unwrap();
    link.rsplit('/').next().unwrap().trim_end_matches(".ics").to_owned()
}

/// Reminders that would be queued this afternoon (for tomorrow), to whom, for which visit.
async fn reminders_for(server: &TestServer, visit: i64) -> Vec<String> {
    visits::queue_reminders(&server.db.conn, &server.url, local(0, 14)).await.unwrap();
    outbox_message::Entity::find()
        .filter(outbox_message::Column::IdempotencyKey.starts_with(format!("visit-reminder:{visit}:")))
        .all(&server.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.to_address)
        .collect()
}

async fn status(server: &TestServer, visit: i64) -> visit::Model {
    visit::Entity::find_by_id(visit).one(&server.db.conn).await.unwrap().unwrap()
}

/// Before the change the guide sees everything: the checks below can fail.
async fn guide_sees_all(server: &TestServer, guide: &reqwest::Client, visits: &Visits, secret: &str) {
    for visit in [visits.yesterday, visits.tomorrow, visits.next_week] {
        assert_eq!(status_of(guide, server, "/api/visits/get", &[("id", id(visit))]).await, 200);
        assert!(feed_has(server, secret, visit).await);
    }
    let agenda = agenda_visits(guide, server).await;
    assert!(agenda.contains(&visits.tomorrow) && agenda.contains(&visits.yesterday), "{agenda:?}");
}

#[tokio::test]
async fn after_an_ending_the_former_guide_has_no_visit_and_the_planned_ones_are_cancelled() {
    for server in demo_servers().await {
        let (matti, visits) = matti_visits(&server.db.conn).await;
        let elina = server.signed_in(demo::GUIDE).await;
        let secret = feed_secret(&server, demo::GUIDE).await;
        guide_sees_all(&server, &elina, &visits, &secret).await;
        assert_eq!(reminders_for(&server, visits.tomorrow).await, [demo::GUIDE]);

        let social_worker = server.signed_in(demo::SOCIAL_WORKER).await;
        let end = [("client_id", id(matti.id)), ("reason", "Tavoitteet saavutettu".into())];
        let response = call(&social_worker, &server, "/api/guidance/end", &end).await;
        assert!(response.status().is_success(), "{}", response.status());

        former_guide_is_refused_everywhere(&server, &elina, &visits).await;
        let agenda = agenda_visits(&elina, &server).await;
        for visit in [visits.yesterday, visits.tomorrow, visits.next_week] {
            assert!(!agenda.contains(&visit), "agenda still has {visit}");
            assert!(!feed_has(&server, &secret, visit).await, "feed still has {visit}");
        }
        // Planned visits from now on are cancelled in the same transaction; the past one stays.
        assert_eq!(status(&server, visits.tomorrow).await.status, "cancelled");
        assert_eq!(status(&server, visits.next_week).await.status, "cancelled");
        assert_eq!(status(&server, visits.yesterday).await.status, "planned");
        // The reminder queued at noon is taken back, and no new one is queued.
        assert!(reminders_for(&server, visits.tomorrow).await.is_empty());
        // The guide hears of the cancellations (the social worker ended it, so is not told).
        let told: Vec<String> = outbox_message::Entity::find()
            .filter(
                outbox_message::Column::IdempotencyKey
                    .starts_with(format!("visit:{}:cancelled:", visits.tomorrow)),
            )
            .all(&server.db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.to_address)
            .collect();
        assert_eq!(told, [demo::GUIDE]);
        // The social worker keeps the record.
        assert_eq!(
            status_of(&social_worker, &server, "/api/visits/get", &[("id", id(visits.yesterday))]).await,
            200
        );
    }
}

#[tokio::test]
async fn after_a_transfer_the_new_guide_has_the_visits_and_the_old_guide_none() {
    for server in demo_servers().await {
        let (matti, visits) = matti_visits(&server.db.conn).await;
        let elina = server.signed_in(demo::GUIDE).await;
        let elina_feed = feed_secret(&server, demo::GUIDE).await;
        guide_sees_all(&server, &elina, &visits, &elina_feed).await;
        assert_eq!(reminders_for(&server, visits.tomorrow).await, [demo::GUIDE]);

        let ask = [("client_id", id(matti.id)), ("reason", "Muutan toiselle paikkakunnalle".into())];
        assert!(call(&elina, &server, "/api/transfers/request", &ask).await.status().is_success());
        let pending = transfer::Entity::find()
            .filter(transfer::Column::ClientId.eq(matti.id))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let ari_id = user_id(&server, demo::FREE_GUIDE).await;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let approve = [("id", id(pending.id)), ("approve", "true".into()), ("to_guide", id(ari_id))];
        assert!(call(&coordinator, &server, "/api/transfers/decide", &approve).await.status().is_success());

        former_guide_is_refused_everywhere(&server, &elina, &visits).await;
        let agenda = agenda_visits(&elina, &server).await;
        for visit in [visits.yesterday, visits.tomorrow, visits.next_week] {
            assert!(!agenda.contains(&visit), "old guide's agenda still has {visit}");
            assert!(!feed_has(&server, &elina_feed, visit).await, "old guide's feed still has {visit}");
        }

        // Handed over, not cancelled: the new guide has them, in the agenda and the feed.
        let ari = server.signed_in(demo::FREE_GUIDE).await;
        let ari_feed = feed_secret(&server, demo::FREE_GUIDE).await;
        for visit in [visits.tomorrow, visits.next_week] {
            let row = status(&server, visit).await;
            assert_eq!((row.status.as_str(), row.guide_id), ("planned", ari_id));
            assert!(row.sequence > 0, "calendars see the change");
            let response = call(&ari, &server, "/api/visits/get", &[("id", id(visit))]).await;
            assert_eq!(response.status(), 200);
            let view: VisitView = response.json().await.unwrap();
            assert!(view.may.change && view.may.record);
            assert!(feed_has(&server, &ari_feed, visit).await);
        }
        assert!(agenda_visits(&ari, &server).await.contains(&visits.tomorrow));
        // The old guide's waiting reminder is taken back; the new guide is reminded.
        assert_eq!(reminders_for(&server, visits.tomorrow).await, [demo::FREE_GUIDE]);
        // The old guide's calendar gets the cancellation, the new guide's the invitation.
        let keys: Vec<(String, String)> = outbox_message::Entity::find()
            .filter(
                outbox_message::Column::IdempotencyKey.starts_with(format!("visit:{}:", visits.next_week)),
            )
            .all(&server.db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.idempotency_key.split(':').nth(2).unwrap().to_owned(), m.to_address))
            .collect();
        assert!(keys.contains(&("cancelled".into(), demo::GUIDE.into())), "{keys:?}");
        assert!(keys.contains(&("booked".into(), demo::FREE_GUIDE.into())), "{keys:?}");

        // The visit that began before the transfer stays the old guide's for payroll: the new
        // guide sees it but cannot write hours into it; a coordinator records it.
        assert_eq!(status_of(&ari, &server, "/api/visits/get", &[("id", id(visits.yesterday))]).await, 200);
        let outcome = [
            ("id", id(visits.yesterday)),
            ("outcome", "done".into()),
            ("hours", "1".into()),
            ("km", "".into()),
            ("note", "Käytiin kaupassa".into()),
        ];
        assert_eq!(status_of(&ari, &server, "/api/visits/outcome", &outcome).await, 403);
        let response = call(&coordinator, &server, "/api/visits/outcome", &outcome).await;
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
        assert_eq!(status(&server, visits.yesterday).await.status, "done");
    }
}

#[tokio::test]
async fn after_the_last_consent_is_withdrawn_the_guide_has_no_visit_and_the_planned_ones_are_cancelled() {
    for server in demo_servers().await {
        let (matti, visits) = matti_visits(&server.db.conn).await;
        let elina = server.signed_in(demo::GUIDE).await;
        let secret = feed_secret(&server, demo::GUIDE).await;
        guide_sees_all(&server, &elina, &visits, &secret).await;

        let consent = consent::Entity::find()
            .filter(consent::Column::ClientId.eq(matti.id))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let social_worker = server.signed_in(demo::SOCIAL_WORKER).await;
        let response =
            call(&social_worker, &server, "/api/consents/withdraw", &[("id", id(consent.id))]).await;
        assert!(response.status().is_success(), "{}", response.status());

        former_guide_is_refused_everywhere(&server, &elina, &visits).await;
        for visit in [visits.yesterday, visits.tomorrow, visits.next_week] {
            assert!(!agenda_visits(&elina, &server).await.contains(&visit));
            assert!(!feed_has(&server, &secret, visit).await);
        }
        assert_eq!(status(&server, visits.tomorrow).await.status, "cancelled");
        assert_eq!(status(&server, visits.next_week).await.status, "cancelled");
        assert!(reminders_for(&server, visits.tomorrow).await.is_empty());
    }
}

#[tokio::test]
async fn a_consent_that_runs_out_ends_sharing_as_a_withdrawal_does() {
    for db in app::backend::testing::databases().await {
        // The housekeeping is called directly before any server runs, so that the server's
        // own worker cannot get there first.
        assert!(app::backend::demo::seed(&db.conn).await.unwrap());
        let (matti, visits) = matti_visits(&db.conn).await;
        let consent = consent::Entity::find()
            .filter(consent::Column::ClientId.eq(matti.id))
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        let yesterday = local(-1, 12).with_timezone(&HELSINKI).date_naive();
        let mut lapsed: consent::ActiveModel = consent.into();
        lapsed.valid_until = Set(Some(yesterday));
        lapsed.update(&db.conn).await.unwrap();
        let origin = "http://rinnalla.example";
        let stopped = app::backend::referrals::expire_consents(&db.conn, origin, Utc::now()).await.unwrap();
        assert_eq!(stopped, 1);
        assert_eq!(app::backend::referrals::expire_consents(&db.conn, origin, Utc::now()).await.unwrap(), 0);

        let server = TestServer::start_with(db, &["--outbox-sender", "false"]).await;
        let elina = server.signed_in(demo::GUIDE).await;
        former_guide_is_refused_everywhere(&server, &elina, &visits).await;
        assert_eq!(status(&server, visits.tomorrow).await.status, "cancelled");
        assert_eq!(status(&server, visits.yesterday).await.status, "planned");
        assert_eq!(client_named(&server, "Matti").await.guide_id, None);
    }
}
