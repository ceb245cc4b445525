//! The mid-point review on each test database: the meeting is put in the guide's and the
//! social worker's calendars two weeks before the review date, for the date itself, at the
//! first hour that clashes with nobody, with an invitation to each; once per review date.

mod common;

use app::backend::{
    entities::{guidance_period, outbox_message, visit},
    visits,
};
use app::domain::time::HELSINKI;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::{TestServer, call, client_named, demo, demo_servers};
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

        let propose = |now| visits::propose_review_meetings(&server.db.conn, &server.url, now);
        assert_eq!(propose(local(2027, 4, 27, 10, 0)).await.unwrap(), 0, "{backend}: 15 days before");
        assert!(review_meetings(&server, matti.id).await.is_empty());

        let two_weeks_before = local(2027, 4, 28, 10, 0);
        assert_eq!(propose(two_weeks_before).await.unwrap(), 1, "{backend}");
        let meetings = review_meetings(&server, matti.id).await;
        let [meeting] = meetings.as_slice() else { panic!("{backend}: one meeting, got {meetings:?}") };
        // On the due date, right after the guide's visit at the same place.
        assert_eq!(
            (meeting.starts_at, meeting.ends_at),
            (local(2027, 5, 12, 10, 30), local(2027, 5, 12, 11, 30))
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
        assert!(invitation.subject.contains("2027-05-12"), "{backend}: {}", invitation.subject);
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
