//! The integrity of what is recorded and decided, on each test database: guides book from today
//! on (a coordinator enters the past, audited), hours and kilometres beyond what a visit
//! explains need a reason that payroll shows, a recorded visit keeps its time, a guide who is
//! only being asked sees what they need to decide, and every one-time decision (a link, an
//! answer, a transfer) is taken once however many requests race for it.

mod common;

use app::{
    api::{referrals::ReferralDetail, visits::MileageView},
    backend::{
        entities::{account_token, audit_event, guidance_period, proposal, referral, transfer, visit},
        tokens,
    },
    domain::time::HELSINKI,
};
use chrono::{Duration, Utc};
use common::{TestServer, call, client_named, demo, demo_servers, refused, user_id};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn id(n: i64) -> String {
    n.to_string()
}

fn day(days: i64) -> String {
    (Utc::now().with_timezone(&HELSINKI).date_naive() + Duration::days(days)).format("%Y-%m-%d").to_string()
}

fn booking(client: i64, kind: &str, date: &str, start: &str, end: &str) -> Vec<(&'static str, String)> {
    vec![
        ("form[client_id]", id(client)),
        ("form[kind]", kind.to_owned()),
        ("form[date]", date.to_owned()),
        ("form[start]", start.to_owned()),
        ("form[end]", end.to_owned()),
        ("form[place]", "Seinäjoki".to_owned()),
    ]
}

fn ok(response: &reqwest::Response) -> bool {
    response.status().is_success() || response.status().is_redirection()
}

async fn newest_visit(server: &TestServer, client: i64) -> visit::Model {
    let mut rows =
        visit::Entity::find().filter(visit::Column::ClientId.eq(client)).all(&server.db.conn).await.unwrap();
    rows.sort_by_key(|v| v.id);
    rows.pop().unwrap()
}

#[tokio::test]
async fn guides_book_from_today_on_and_a_coordinator_enters_the_past_on_the_record() {
    for server in demo_servers().await {
        let matti = client_named(&server, "Matti").await;
        let elina = server.signed_in(demo::GUIDE).await;
        let yesterday = booking(matti.id, "call", &day(-1), "10:00", "10:15");
        let response = call(&elina, &server, "/api/visits/book", &yesterday).await;
        assert_eq!(refused(response).await, [("date".to_owned(), "InThePast".to_owned())]);
        let response =
            call(&elina, &server, "/api/visits/book", &booking(matti.id, "call", &day(0), "23:30", "23:45"))
                .await;
        assert!(ok(&response), "today is fine: {}", response.status());

        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let response = call(&coordinator, &server, "/api/visits/book", &yesterday).await;
        assert!(ok(&response), "{}", response.text().await.unwrap());
        let entered = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("plan_past_visit"))
            .filter(audit_event::Column::EntityId.eq(matti.id.to_string()))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(entered, 1, "the coordinator's entry of the past is its own audited action");

        // Nor can a guide move a visit into the past.
        let visit = newest_visit(&server, matti.id).await;
        let future = booking(matti.id, "home_visit", &day(3), "12:00", "13:00");
        assert!(ok(&call(&elina, &server, "/api/visits/book", &future).await));
        let planned = newest_visit(&server, matti.id).await;
        assert_ne!(planned.id, visit.id);
        let back =
            [("id", id(planned.id)), ("date", day(-2)), ("start", "12:00".into()), ("end", "13:00".into())];
        let response = call(&elina, &server, "/api/visits/reschedule", &back).await;
        assert_eq!(refused(response).await, [("date".to_owned(), "InThePast".to_owned())]);
    }
}

#[tokio::test]
async fn hours_beyond_what_a_visit_explains_need_a_reason_that_payroll_shows_and_its_time_stays_taken() {
    for server in demo_servers().await {
        let matti = client_named(&server, "Matti").await;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        // A 15-minute call this morning, entered by the coordinator.
        let call_slot = booking(matti.id, "call", &day(-1), "09:00", "09:15");
        assert!(ok(&call(&coordinator, &server, "/api/visits/book", &call_slot).await));
        let visit = newest_visit(&server, matti.id).await;
        let elina = server.signed_in(demo::GUIDE).await;
        let record = |hours: &str, km: &str, reason: &str| {
            vec![
                ("id", id(visit.id)),
                ("outcome", "done".to_owned()),
                ("hours", hours.to_owned()),
                ("km", km.to_owned()),
                ("note", String::new()),
                ("excess_reason", reason.to_owned()),
            ]
        };
        for (hours, km) in [("24", ""), ("0,5", "2000")] {
            let response = call(&elina, &server, "/api/visits/outcome", &record(hours, km, "")).await;
            assert_eq!(
                refused(response).await,
                [("excess_reason".to_owned(), "ExcessNeedsReason".to_owned())]
            );
        }
        assert_eq!(newest_visit(&server, matti.id).await.status, "planned", "nothing was recorded");
        // What a call explains needs no reason.
        assert!(ok(&call(&elina, &server, "/api/visits/outcome", &record("0,5", "", "")).await));
        assert_eq!(newest_visit(&server, matti.id).await.excess_reason, None);
        // Beyond it, with a reason: recorded, and the coordinator sees why.
        let reason = "Puhelun jälkeen lähdin viemään Mattia päivystykseen";
        assert!(ok(&call(&elina, &server, "/api/visits/outcome", &record("3", "40", reason)).await));
        let month = day(-1)[..7].to_owned();
        let response = call(
            &coordinator,
            &server,
            "/api/mileage/month",
            &[("guide", id(visit.guide_id)), ("month", month.clone())],
        )
        .await;
        let mileage: MileageView = response.json().await.unwrap();
        let row = mileage.rows.iter().find(|r| r.visit_id == visit.id).unwrap();
        assert_eq!(row.excess_reason.as_deref(), Some(reason));
        let csv = coordinator
            .get(server.at(&format!("/payroll/{month}.csv")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(csv.contains(&format!("{}: {reason}", day(-1))), "{csv}");

        // A recorded visit keeps blocking its time: the same slot cannot be booked (and paid) twice.
        let response = call(&coordinator, &server, "/api/visits/book", &call_slot).await;
        assert_eq!(refused(response).await, [("start".to_owned(), "GuideBusy".to_owned())]);
    }
}

#[tokio::test]
async fn a_guide_only_being_asked_sees_what_they_need_to_decide_and_introductions_only_of_candidates() {
    for server in demo_servers().await {
        // A waiting referral that a social worker made, with one guide who declined it and
        // now another who is being asked.
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let waiting = referral::Entity::find()
            .filter(referral::Column::Status.eq("submitted"))
            .all(&server.db.conn)
            .await
            .unwrap();
        let mut asked = None;
        for row in &waiting {
            let response = call(
                &coordinator,
                &server,
                "/api/referrals/propose",
                &[
                    ("id", id(row.id)),
                    ("guide_id", id(user_id(&server, demo::FREE_GUIDE).await)),
                    ("chosen_by", "coordinator".into()),
                ],
            )
            .await;
            if ok(&response) {
                asked = Some(row.clone());
                break;
            }
        }
        let row = asked.expect("the free guide can be proposed for some waiting referral");
        let ari = server.signed_in(demo::FREE_GUIDE).await;
        // An earlier guide's decline, with its reason, in the referral's history.
        let other = user_id(&server, demo::GUIDE_2).await;
        proposal::ActiveModel {
            referral_id: Set(row.id),
            guide_id: Set(other),
            milli_score: Set(400),
            explanation: Set("[]".into()),
            chosen_by: Set("coordinator".into()),
            proposed_at: Set(Utc::now() - Duration::days(1)),
            response: Set("declined".into()),
            reason: Set(Some("Asiakas on naapurini".into())),
            ..Default::default()
        }
        .insert(&server.db.conn)
        .await
        .unwrap();

        let response = call(&ari, &server, "/api/referrals/get", &[("id", id(row.id))]).await;
        assert_eq!(response.status(), 200);
        let detail: ReferralDetail = response.json().await.unwrap();
        assert!(!detail.in_full);
        assert!(detail.consents.is_empty(), "no consent details");
        assert!(detail.proposals.iter().all(|p| p.guide_name == "Ari Peltola"), "only one's own proposal");
        assert!(detail.timeline.iter().all(|e| e.note.is_none()), "no notes of the history");
        assert!(!detail.client_words.is_empty() && !detail.languages.is_empty(), "what one needs to decide");
        assert!(!detail.summary.client_name.contains(' '), "first name only");
        // The coordinator sees it all.
        let full: ReferralDetail = call(&coordinator, &server, "/api/referrals/get", &[("id", id(row.id))])
            .await
            .json()
            .await
            .unwrap();
        assert!(full.in_full && !full.consents.is_empty() && full.proposals.len() >= 2);

        // Introductions only of guides who could be proposed: not of any account's id.
        let social_worker = user_id(&server, demo::SOCIAL_WORKER).await;
        let admin = user_id(&server, demo::ADMIN).await;
        for someone in [social_worker, admin] {
            let response = call(
                &coordinator,
                &server,
                "/api/referrals/introductions",
                &[("id", id(row.id)), ("guides[0]", id(someone))],
            )
            .await;
            assert_eq!(refused(response).await, [("guides".to_owned(), "UnknownChoice".to_owned())]);
        }
    }
}

/// Sends `n` copies of the same form post at the same moment and returns their statuses.
async fn race(
    server: &TestServer,
    clients: Vec<reqwest::Client>,
    path: &str,
    forms: Vec<Vec<(&'static str, String)>>,
) -> Vec<u16> {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(forms.len()));
    let mut attempts = tokio::task::JoinSet::new();
    for (client, form) in clients.into_iter().zip(forms) {
        let (url, path, start) = (server.url.clone(), path.to_owned(), start.clone());
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

fn won(statuses: &[u16]) -> usize {
    statuses.iter().filter(|s| (200..400).contains(*s)).count()
}

#[tokio::test]
async fn a_one_time_link_used_twice_at_the_same_moment_works_once() {
    for server in demo_servers().await {
        let ari = user_id(&server, demo::FREE_GUIDE).await;
        let (token, secret) = tokens::issue(
            &server.db.conn,
            ari,
            tokens::Purpose::PasswordReset,
            Duration::hours(1),
            None,
            Utc::now(),
        )
        .await
        .unwrap();
        let form = |password: &str| {
            vec![
                ("token", secret.clone()),
                ("purpose", "password_reset".to_owned()),
                ("password", password.to_owned()),
                ("password_again", password.to_owned()),
            ]
        };
        let statuses = race(
            &server,
            vec![common::browser(), common::browser()],
            "/api/accounts/set-password",
            vec![form("Kaksi kulkijaa metsässä"), form("Kolme kulkijaa järvellä")],
        )
        .await;
        assert_eq!(won(&statuses), 1, "{}: {statuses:?}", server.db.backend);
        assert!(statuses.contains(&404), "the other finds the link used: {statuses:?}");
        let row = account_token::Entity::find_by_id(token).one(&server.db.conn).await.unwrap().unwrap();
        assert!(row.used_at.is_some());
    }
}

#[tokio::test]
async fn two_decisions_on_one_transfer_at_the_same_moment_one_wins() {
    for server in demo_servers().await {
        let matti = client_named(&server, "Matti").await;
        let elina = server.signed_in(demo::GUIDE).await;
        let ask = [("client_id", id(matti.id)), ("reason", "Muutan toiselle paikkakunnalle".into())];
        assert!(ok(&call(&elina, &server, "/api/transfers/request", &ask).await));
        let pending = transfer::Entity::find()
            .filter(transfer::Column::ClientId.eq(matti.id))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let to = [
            user_id(&server, demo::FREE_GUIDE).await,
            user_id(&server, "merja.hautala@rinnalla.example").await,
        ];
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let forms = to
            .iter()
            .map(|g| vec![("id", id(pending.id)), ("approve", "true".to_owned()), ("to_guide", id(*g))])
            .collect();
        let statuses =
            race(&server, vec![coordinator.clone(), coordinator], "/api/transfers/decide", forms).await;
        assert_eq!(won(&statuses), 1, "{}: {statuses:?}", server.db.backend);
        assert!(statuses.contains(&409), "{statuses:?}");
        let open = guidance_period::Entity::find()
            .filter(guidance_period::Column::ClientId.eq(matti.id))
            .filter(guidance_period::Column::EndedAt.is_null())
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(open, 1, "one named guide");
    }
}

#[tokio::test]
async fn a_proposal_answered_twice_at_the_same_moment_is_answered_once() {
    for server in demo_servers().await {
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let ari_id = user_id(&server, demo::FREE_GUIDE).await;
        let waiting = referral::Entity::find()
            .filter(referral::Column::Status.eq("submitted"))
            .all(&server.db.conn)
            .await
            .unwrap();
        let mut proposed = None;
        for row in &waiting {
            let form = [("id", id(row.id)), ("guide_id", id(ari_id)), ("chosen_by", "coordinator".into())];
            if ok(&call(&coordinator, &server, "/api/referrals/propose", &form).await) {
                proposed = Some(row.id);
                break;
            }
        }
        let referral_id = proposed.unwrap();
        let p = proposal::Entity::find()
            .filter(proposal::Column::ReferralId.eq(referral_id))
            .filter(proposal::Column::GuideId.eq(ari_id))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let ari = server.signed_in(demo::FREE_GUIDE).await;
        let accept = vec![("id", id(p.id)), ("accept", "true".to_owned())];
        let decline =
            vec![("id", id(p.id)), ("accept", "false".to_owned()), ("reason", "Ei aikaa".to_owned())];
        let statuses =
            race(&server, vec![ari.clone(), ari], "/api/proposals/respond", vec![accept, decline]).await;
        assert_eq!(won(&statuses), 1, "{}: {statuses:?}", server.db.backend);
        let periods = guidance_period::Entity::find()
            .filter(guidance_period::Column::ReferralId.eq(referral_id))
            .count(&server.db.conn)
            .await
            .unwrap();
        let answer = proposal::Entity::find_by_id(p.id).one(&server.db.conn).await.unwrap().unwrap().response;
        assert_eq!(periods, u64::from(answer == "accepted"), "a period only with an acceptance");
    }
}
