//! The mid-point review on each test database: the meeting is put in the guide's and the
//! social worker's calendars two weeks before the review date, for the date itself, at the
//! first hour that clashes with nobody, with an invitation to each; once per review date.
//! The review page is pre-filled from what happened since the start, and holding it records
//! each goal's face, note and decision and moves the period's dates, once; bad input writes
//! nothing; someone else's guide may not read it.

mod common;

use app::api::reviews::ReviewPage;
use app::backend::{
    entities::{
        goal, goal_rating, goal_wording, guidance_period, outbox_message, review, review_goal_decision, visit,
    },
    visits,
};
use app::domain::time::HELSINKI;
use app::domain::{goals::GoalStatus, reviews::ReviewOutcome};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::{TestServer, call, client_named, demo, demo_servers, refused};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};

fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    HELSINKI.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

async fn set_review_due(server: &TestServer, client: i64, due: NaiveDate) {
    let period = guidance_period::Entity::find()
        .filter(guidance_period::Column::ClientId.eq(client))
        .filter(guidance_period::Column::EndedAt.is_null())
        .one(&server.db.conn)
        .await
        .unwrap()
        .expect("an open period");
    let mut row = period.into_active_model();
    row.review_due = Set(due);
    row.update(&server.db.conn).await.unwrap();
}

async fn review_meetings(server: &TestServer, client: i64) -> Vec<visit::Model> {
    visit::Entity::find()
        .filter(visit::Column::ClientId.eq(client))
        .filter(visit::Column::Kind.eq("review"))
        .all(&server.db.conn)
        .await
        .unwrap()
}

async fn invitations(server: &TestServer, visit: i64) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("meeting_invitation"))
        .filter(outbox_message::Column::IdempotencyKey.starts_with(format!("visit:{visit}:")))
        .all(&server.db.conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_review_meeting_is_proposed_for_the_due_date_with_an_invitation_to_each() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let matti = client_named(&server, "Matti").await;
        let due = NaiveDate::from_ymd_opt(2027, 5, 12).unwrap(); // a Wednesday
        set_review_due(&server, matti.id, due).await;
        // The guide is with Matti in Seinäjoki until 10:30 that morning.
        let guide = server.signed_in(demo::GUIDE).await;
        let morning = [
            ("form[client_id]", matti.id.to_string()),
            ("form[kind]", "home_visit".into()),
            ("form[date]", "2027-05-12".into()),
            ("form[start]", "09:00".into()),
            ("form[end]", "10:30".into()),
            ("form[place]", "Seinäjoki".into()),
            ("form[recurrence]", "once".into()),
        ];
        let response = call(&guide, &server, "/api/visits/book", &morning).await;
        assert!(response.status().is_success(), "{backend}: {}", response.text().await.unwrap());

        // The social worker has another client's meeting there until noon.
        let liisa = client_named(&server, "Liisa").await;
        visit::ActiveModel {
            client_id: Set(liisa.id),
            guide_id: Set(liisa.guide_id.unwrap()),
            social_worker_id: Set(matti.referred_by),
            kind: Set("three_way".into()),
            starts_at: Set(local(2027, 5, 12, 10, 30)),
            ends_at: Set(local(2027, 5, 12, 12, 0)),
            zone: Set("Europe/Helsinki".into()),
            place: Set("Seinäjoki".into()),
            status: Set("planned".into()),
            sequence: Set(0),
            created_at: Set(Utc::now()),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&server.db.conn)
        .await
        .unwrap();
        let propose = |now| visits::propose_review_meetings(&server.db.conn, &server.url, now);
        assert_eq!(propose(local(2027, 4, 27, 10, 0)).await.unwrap(), 0, "{backend}: 15 days before");
        assert!(review_meetings(&server, matti.id).await.is_empty());

        let two_weeks_before = local(2027, 4, 28, 10, 0);
        assert_eq!(propose(two_weeks_before).await.unwrap(), 1, "{backend}");
        let meetings = review_meetings(&server, matti.id).await;
        let [meeting] = meetings.as_slice() else { panic!("{backend}: one meeting, got {meetings:?}") };
        // On the due date, once both the guide and the social worker are free at that place.
        assert_eq!(
            (meeting.starts_at, meeting.ends_at),
            (local(2027, 5, 12, 12, 0), local(2027, 5, 12, 13, 0))
        );
        assert_eq!(meeting.guide_id, matti.guide_id.unwrap(), "{backend}");
        assert_eq!(meeting.social_worker_id, matti.referred_by, "{backend}");
        assert_eq!((meeting.status.as_str(), meeting.place.as_str()), ("planned", "Seinäjoki"));
        assert_eq!(meeting.created_by, None, "{backend}: proposed, not booked by anyone");
        let mut to: Vec<String> =
            invitations(&server, meeting.id).await.into_iter().map(|m| m.to_address).collect();
        to.sort();
        let mut expected = vec![demo::GUIDE.to_owned(), demo::SOCIAL_WORKER.to_owned()];
        expected.sort();
        assert_eq!(to, expected, "{backend}: the guide and the social worker are invited");
        let invitation = invitations(&server, meeting.id)
            .await
            .into_iter()
            .find(|m| m.to_address == demo::SOCIAL_WORKER)
            .unwrap();
        assert!(invitation.subject.contains("ke 12.5."), "{backend}: {}", invitation.subject);
        assert!(invitation.attachments.contains("METHOD:REQUEST"), "{backend}: a calendar file");

        // Once per review date, however often the worker runs.
        assert_eq!(propose(two_weeks_before).await.unwrap(), 0, "{backend}");
        assert_eq!(propose(local(2027, 5, 3, 10, 0)).await.unwrap(), 0, "{backend}");
        // A new date while the meeting is still planned keeps that meeting.
        set_review_due(&server, matti.id, NaiveDate::from_ymd_opt(2027, 5, 19).unwrap()).await;
        assert_eq!(propose(local(2027, 5, 6, 10, 0)).await.unwrap(), 0, "{backend}");
        // Once it is cancelled, the next review date gets a meeting of its own.
        let mut cancelled = meeting.clone().into_active_model();
        cancelled.status = Set("cancelled".into());
        cancelled.update(&server.db.conn).await.unwrap();
        set_review_due(&server, matti.id, NaiveDate::from_ymd_opt(2027, 5, 29).unwrap()).await; // a Saturday
        assert_eq!(propose(local(2027, 5, 20, 10, 0)).await.unwrap(), 1, "{backend}");
        let planned = visit::Entity::find()
            .filter(visit::Column::ClientId.eq(matti.id))
            .filter(visit::Column::Kind.eq("review"))
            .filter(visit::Column::Status.eq("planned"))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(planned.starts_at, local(2027, 5, 28, 9, 0), "{backend}: the Friday before");
        let invited = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("meeting_invitation"))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert!(invited >= 4, "{backend}");
    }
}

async fn review_page(client: &reqwest::Client, server: &TestServer, id: i64) -> ReviewPage {
    let response = call(client, server, "/api/reviews/for-client", &[("client_id", id.to_string())]).await;
    assert_eq!(response.status(), 200, "{}", server.db.backend);
    response.json().await.unwrap()
}

async fn add_goal(client: &reqwest::Client, server: &TestServer, matti: i64, words: &str) -> i64 {
    let form = [
        ("client_id", matti.to_string()),
        ("form[words]", words.to_owned()),
        ("form[step_1]", "Ensimmäinen pieni askel".to_owned()),
        ("form[face]", "2".to_owned()),
    ];
    let response = call(client, server, "/api/goals/add", &form).await;
    assert!(response.status().is_success() || response.status().is_redirection(), "{}", response.status());
    goal::Entity::find()
        .filter(goal::Column::ClientId.eq(matti))
        .filter(goal::Column::Words.eq(words))
        .one(&server.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn count<E>(server: &TestServer) -> u64
where
    E: EntityTrait,
    E::Model: Sync,
{
    E::find().count(&server.db.conn).await.unwrap()
}

#[tokio::test]
async fn a_review_is_held_with_the_social_worker_and_moves_the_plan() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let matti = client_named(&server, "Matti").await;
        let guide = server.signed_in(demo::GUIDE).await;
        let kitchen = add_goal(&guide, &server, matti.id, "Saan keittiön siistiksi").await;
        let shop = add_goal(&guide, &server, matti.id, "Käyn kaupassa itse").await;

        // The social worker opens it pre-filled: the plan, the goals, nothing held yet.
        let social_worker = server.signed_in(demo::SOCIAL_WORKER).await;
        let page = review_page(&social_worker, &server, matti.id).await;
        assert!(page.may_hold, "{backend}: the referring social worker holds it with the client");
        let plan = page.plan.expect("open guidance");
        let since = page.since.expect("what happened since the start");
        assert_eq!((since.from, since.after_review), (plan.started_on, false), "{backend}");
        let goals: Vec<i64> = page.goals.iter().map(|g| g.id.0).collect();
        assert_eq!(goals, [kitchen, shop], "{backend}");
        assert_eq!(page.goals[0].last_face.map(|f| f.value()), Some(2), "{backend}");
        assert!(page.held.is_empty());

        let next = (chrono::Utc::now().with_timezone(&HELSINKI).date_naive() + chrono::Duration::days(30))
            .to_string();
        let mut form = vec![
            ("client_id", matti.id.to_string()),
            ("form[outcome]", "continue".to_owned()),
            ("form[next_review]", next.clone()),
            ("form[note]", "Jatketaan, kauppa kerran viikossa".to_owned()),
            (
                Box::leak(format!("form[goals][goal_{kitchen}_decision]").into_boxed_str()),
                "continue".to_owned(),
            ),
            (Box::leak(format!("form[goals][goal_{kitchen}_face]").into_boxed_str()), "4".to_owned()),
            (
                Box::leak(format!("form[goals][goal_{kitchen}_note]").into_boxed_str()),
                "Tiskit sujuvat".to_owned(),
            ),
            (Box::leak(format!("form[goals][goal_{shop}_decision]").into_boxed_str()), "refine".to_owned()),
            (
                Box::leak(format!("form[goals][goal_{shop}_words]").into_boxed_str()),
                "Käyn kaupassa itse kerran viikossa".to_owned(),
            ),
        ];

        // Bad input first: every field named, nothing written.
        let mut bad = form.clone();
        bad.push((Box::leak(format!("form[goals][goal_{shop}_face]").into_boxed_str()), "9".to_owned()));
        bad[1].1 = "later".to_owned();
        let before = (count::<review::Entity>(&server).await, count::<goal_rating::Entity>(&server).await);
        let errors = refused(call(&social_worker, &server, "/api/reviews/hold", &bad).await).await;
        assert_eq!(
            errors,
            [
                ("outcome".to_owned(), "UnknownChoice".to_owned()),
                (format!("goal_{shop}_face"), "UnknownChoice".to_owned())
            ],
            "{backend}"
        );
        assert_eq!(
            before,
            (count::<review::Entity>(&server).await, count::<goal_rating::Entity>(&server).await)
        );

        let held = call(&social_worker, &server, "/api/reviews/hold", &form).await;
        assert!(held.status().is_success(), "{backend}: {}", held.text().await.unwrap());
        let row = review::Entity::find()
            .filter(review::Column::ClientId.eq(matti.id))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.outcome, ReviewOutcome::Continue.as_str());
        assert_eq!(row.next_review.map(|d| d.to_string()), Some(next.clone()), "{backend}");
        let period = guidance_period::Entity::find()
            .filter(guidance_period::Column::ClientId.eq(matti.id))
            .filter(guidance_period::Column::EndedAt.is_null())
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(period.review_due.to_string(), next, "{backend}: the next review date is the period's");
        let decisions = review_goal_decision::Entity::find()
            .filter(review_goal_decision::Column::ReviewId.eq(row.id))
            .all(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(decisions.len(), 2, "{backend}");
        let kitchen_decision = decisions.iter().find(|d| d.goal_id == kitchen).unwrap();
        assert_eq!(kitchen_decision.note.as_deref(), Some("Tiskit sujuvat"));
        let face = goal_rating::Entity::find()
            .filter(goal_rating::Column::ReviewId.eq(row.id))
            .all(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(
            face.iter().map(|r| (r.goal_id, r.face, r.occasion.as_str())).collect::<Vec<_>>(),
            [(kitchen, 4, "review")]
        );
        let refined = goal::Entity::find_by_id(shop).one(&server.db.conn).await.unwrap().unwrap();
        assert_eq!(
            (refined.words.as_str(), refined.status.as_str()),
            ("Käyn kaupassa itse kerran viikossa", GoalStatus::Active.as_str())
        );
        let history = goal_wording::Entity::find()
            .filter(goal_wording::Column::GoalId.eq(shop))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((history.words.as_str(), history.review_id), ("Käyn kaupassa itse", Some(row.id)));

        // Sent twice: refused, nothing more written.
        form[8].1 = "Käyn kaupassa itse joka toinen päivä".to_owned();
        let again = call(&social_worker, &server, "/api/reviews/hold", &form).await;
        assert_eq!(refused(again).await, [("held_on".to_owned(), "ReviewHeld".to_owned())], "{backend}");
        assert_eq!(count::<review::Entity>(&server).await, 1);

        // The page now shows it held, and the guide sees it too.
        let page = review_page(&guide, &server, matti.id).await;
        assert_eq!(page.held.len(), 1);
        assert_eq!(page.held[0].decisions.len(), 2);
        let shop_decision = page.held[0].decisions.iter().find(|d| d.decision.as_str() == "refine").unwrap();
        assert_eq!(
            (shop_decision.goal.as_str(), shop_decision.words.as_deref()),
            ("Käyn kaupassa itse", Some("Käyn kaupassa itse kerran viikossa")),
            "{backend}: the words it had then, and the new ones"
        );
        assert!(page.since.unwrap().after_review, "{backend}: counted from the review now");

        // Another guide reads nothing of it.
        let other = server.signed_in(demo::GUIDE_2).await;
        let response =
            call(&other, &server, "/api/reviews/for-client", &[("client_id", matti.id.to_string())]).await;
        assert_eq!(response.status(), 403, "{backend}");
    }
}
