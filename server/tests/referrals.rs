//! From referral to a named guide, through the real server on each test database: the social
//! worker refers, the coordinator proposes with the reasons in view, the guide answers, the
//! first contact stops the clock; declines, transfers and a withdrawn consent.

mod common;

use app::{
    api::{
        clients::ClientCard,
        guidance::TransferView,
        referrals::{ProposalForGuide, RankingView, ReferralDetail},
    },
    backend::entities::{client, guidance_period, outbox_message, referral, user},
    domain::{
        matching::Exclusion,
        referrals::{ESCALATION_DAYS, Urgency},
    },
};
use common::{TestServer, call, demo, demo_servers};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

async fn user_id(server: &TestServer, email: &str) -> i64 {
    user::Entity::find().filter(user::Column::Email.eq(email)).one(&server.db.conn).await.unwrap().unwrap().id
}

async fn email_of(server: &TestServer, id: i64) -> String {
    user::Entity::find_by_id(id).one(&server.db.conn).await.unwrap().unwrap().email
}

async fn referral_of(server: &TestServer, name: &str) -> referral::Model {
    let client = client::Entity::find()
        .filter(client::Column::DisplayName.eq(name))
        .one(&server.db.conn)
        .await
        .unwrap()
        .unwrap();
    referral::Entity::find()
        .filter(referral::Column::ClientId.eq(client.id))
        .order_by_desc(referral::Column::Id)
        .one(&server.db.conn)
        .await
        .unwrap()
        .unwrap()
}

async fn json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    form: &[(&str, String)],
) -> T {
    let response = call(client, server, path, form).await;
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.unwrap()
}

async fn expect_status(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    form: &[(&str, String)],
    status: u16,
) {
    let response = call(client, server, path, form).await;
    assert_eq!(response.status().as_u16(), status, "{path} {form:?}: {}", response.text().await.unwrap());
}

fn id(n: i64) -> String {
    n.to_string()
}

#[tokio::test]
async fn a_referral_reaches_a_named_guide_and_the_clock_stops_at_first_contact() {
    for server in demo_servers().await {
        let social_worker = server.signed_in(demo::SOCIAL_WORKER).await;
        let form = [
            ("form[display_name]", "Toivo".to_owned()),
            ("form[place]", "Kauhava".to_owned()),
            ("form[phone]", "040 123 4567".to_owned()),
            ("form[contact_channel]", "sms".to_owned()),
            ("form[languages][fi]", "on".to_owned()),
            ("form[needs][debt]", "on".to_owned()),
            ("form[client_words]", "Haluan saada laskut järjestykseen.".to_owned()),
            ("form[consent]", "on".to_owned()),
            ("form[consent_shared_with]", "Ohjaaja: tarpeet ja puhelinnumero".to_owned()),
        ];
        let response = call(&social_worker, &server, "/api/referrals/submit", &form).await;
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "{}",
            response.status()
        );
        let row = referral_of(&server, "Toivo").await;
        assert_eq!(row.status, "submitted");
        assert_eq!((row.first_contact_due - row.submitted_at).num_days(), 7, "a week for first contact");

        // The coordinators are told, without a word about the client's needs.
        let coordinator_mail = server.wait_for_mail(|m| m.to.contains(demo::COORDINATOR)).await;
        assert!(!coordinator_mail.text.contains("laskut") && !coordinator_mail.text.contains("Toivo"));

        // The coordinator sees the candidates best first, each score made of its reasons.
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let ranking: RankingView =
            json(&coordinator, &server, "/api/referrals/ranking", &[("id", id(row.id))]).await;
        assert!(ranking.candidates.len() >= 2, "{ranking:?}");
        for pair in ranking.candidates.windows(2) {
            assert!(pair[0].milli_score >= pair[1].milli_score, "best first");
        }
        for candidate in &ranking.candidates {
            let sum: u32 = candidate.contributions.iter().map(|c| c.milli_points).sum();
            assert_eq!(
                sum, candidate.milli_score,
                "{}: the reasons add up to the score",
                candidate.guide_name
            );
        }
        // Merja lives in Kauhava and knows debt from her own life: she leads.
        assert_eq!(ranking.candidates[0].guide_name, "Merja Hautala");
        let guide = ranking.candidates[0].guide_id;

        // Another social worker sees nothing of it.
        let other_social_worker = server.signed_in(demo::SOCIAL_WORKER_2).await;
        expect_status(&other_social_worker, &server, "/api/referrals/get", &[("id", id(row.id))], 403).await;

        let propose =
            [("id", id(row.id)), ("guide_id", guide.to_string()), ("chosen_by", "coordinator".into())];
        let response = call(&coordinator, &server, "/api/referrals/propose", &propose).await;
        assert!(response.status().is_success() || response.status().is_redirection());
        assert_eq!(referral_of(&server, "Toivo").await.status, "guide_proposed");

        // Only the guide asked sees the proposal, and answers it.
        let guide_email = email_of(&server, guide.0).await;
        let proposed_guide = server.signed_in(&guide_email).await;
        let other_guide = server.signed_in(demo::GUIDE).await;
        let mine: Vec<ProposalForGuide> = json(&proposed_guide, &server, "/api/proposals/mine", &[]).await;
        let proposal = mine.iter().find(|p| p.referral_id == row.id).expect("the guide sees the proposal");
        assert_eq!(proposal.client_words, "Haluan saada laskut järjestykseen.");
        let others: Vec<ProposalForGuide> = json(&other_guide, &server, "/api/proposals/mine", &[]).await;
        assert!(others.iter().all(|p| p.referral_id != row.id));
        expect_status(&other_guide, &server, "/api/referrals/get", &[("id", id(row.id))], 403).await;
        let answer = [("id", id(proposal.id)), ("accept", "true".into())];
        expect_status(&other_guide, &server, "/api/proposals/respond", &answer, 403).await;
        let response = call(&proposed_guide, &server, "/api/proposals/respond", &answer).await;
        assert!(response.status().is_success() || response.status().is_redirection());

        // The client card names the guide; the period runs six months with a review half-way.
        let card: ClientCard =
            json(&social_worker, &server, "/api/clients/get", &[("id", id(row.client_id))]).await;
        assert_eq!(card.guide_name.as_deref(), Some("Merja Hautala"));
        let period = guidance_period::Entity::find()
            .filter(guidance_period::Column::ClientId.eq(row.client_id))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let months = |to: chrono::NaiveDate| {
            let from = period.started_at.date_naive();
            (to.signed_duration_since(from).num_days() as f64 / 30.44).round() as i64
        };
        assert_eq!((months(period.review_due), months(period.planned_end)), (3, 6));
        server.wait_for_mail(|m| m.to.contains(demo::SOCIAL_WORKER)).await;

        // The guide reaches the client by text message: the clock stops, once.
        let contact = [("id", id(row.id)), ("channel", "sms".into())];
        expect_status(&other_guide, &server, "/api/referrals/first-contact", &contact, 403).await;
        let response = call(&proposed_guide, &server, "/api/referrals/first-contact", &contact).await;
        assert!(response.status().is_success() || response.status().is_redirection());
        expect_status(&proposed_guide, &server, "/api/referrals/first-contact", &contact, 409).await;
        let detail: ReferralDetail =
            json(&social_worker, &server, "/api/referrals/get", &[("id", id(row.id))]).await;
        assert_eq!(detail.summary.clock.days_left, None, "the clock has stopped");
        assert_eq!(detail.summary.clock.urgency, Urgency::Reached);
        assert_eq!(detail.first_contact_channel.map(|c| c.as_str()), Some("sms"));
        let events: Vec<&str> = detail.timeline.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(events, ["submitted", "guide_proposed", "guide_accepted", "first_contact"]);
        assert!(detail.timeline.iter().all(|e| e.actor_name.is_some()), "each step says who");
    }
}

#[tokio::test]
async fn a_decline_needs_a_reason_and_returns_the_referral_to_the_queue_without_that_guide() {
    for server in demo_servers().await {
        let row = referral_of(&server, "Pekka").await;
        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let ranking: RankingView =
            json(&coordinator, &server, "/api/referrals/ranking", &[("id", id(row.id))]).await;
        let first = ranking.candidates[0].guide_id;
        let propose =
            [("id", id(row.id)), ("guide_id", first.to_string()), ("chosen_by", "coordinator".into())];
        call(&coordinator, &server, "/api/referrals/propose", &propose).await;
        let guide = server.signed_in(&email_of(&server, first.0).await).await;
        let mine: Vec<ProposalForGuide> = json(&guide, &server, "/api/proposals/mine", &[]).await;
        let proposal = mine.iter().find(|p| p.referral_id == row.id).unwrap().id;

        let silent = [("id", id(proposal)), ("accept", "false".into()), ("reason", "  ".into())];
        expect_status(&guide, &server, "/api/proposals/respond", &silent, 422).await;
        assert_eq!(referral_of(&server, "Pekka").await.status, "guide_proposed", "nothing changed");

        let decline =
            [("id", id(proposal)), ("accept", "false".into()), ("reason", "Kalenteri on täynnä".into())];
        let response = call(&guide, &server, "/api/proposals/respond", &decline).await;
        assert!(response.status().is_success() || response.status().is_redirection());
        assert_eq!(referral_of(&server, "Pekka").await.status, "submitted", "back in the queue");
        expect_status(&guide, &server, "/api/proposals/respond", &decline, 409).await;
        expect_status(&guide, &server, "/api/referrals/get", &[("id", id(row.id))], 403).await;

        let again: RankingView =
            json(&coordinator, &server, "/api/referrals/ranking", &[("id", id(row.id))]).await;
        assert!(again.candidates.iter().all(|c| c.guide_id != first), "not asked again");
        let not_eligible = again.not_eligible.iter().find(|n| n.guide_id == first).unwrap();
        assert!(not_eligible.reasons.contains(&Exclusion::ExcludedForClient));
        assert_eq!(again.candidates[0].guide_id, ranking.candidates[1].guide_id, "the next one leads");
    }
}

#[tokio::test]
async fn a_transfer_is_decided_by_a_coordinator_and_the_old_guide_keeps_no_access() {
    for server in demo_servers().await {
        let matti = referral_of(&server, "Matti").await;
        let client_id = [("id", id(matti.client_id))];
        let elina = server.signed_in(demo::GUIDE).await;
        json::<ClientCard>(&elina, &server, "/api/clients/get", &client_id).await;

        let ask = [("client_id", id(matti.client_id)), ("reason", "".into())];
        expect_status(&elina, &server, "/api/transfers/request", &ask, 422).await;
        let ask = [("client_id", id(matti.client_id)), ("reason", "Muutan toiselle paikkakunnalle".into())];
        let response = call(&elina, &server, "/api/transfers/request", &ask).await;
        assert!(response.status().is_success() || response.status().is_redirection());
        expect_status(&elina, &server, "/api/transfers/request", &ask, 409).await;
        expect_status(&elina, &server, "/api/transfers/list", &[], 403).await;

        let coordinator = server.signed_in(demo::COORDINATOR).await;
        let pending: Vec<TransferView> = json(&coordinator, &server, "/api/transfers/list", &[]).await;
        let transfer = pending.iter().find(|t| t.client_id.0 == matti.client_id).unwrap();
        assert_eq!(transfer.earlier_transfers, 0);
        assert_eq!(transfer.from_guide, "Elina Niemi");

        let new_guide = user_id(&server, demo::FREE_GUIDE).await;
        let approve = [("id", id(transfer.id)), ("approve", "true".into()), ("to_guide", id(new_guide))];
        expect_status(&elina, &server, "/api/transfers/decide", &approve, 403).await;
        let response = call(&coordinator, &server, "/api/transfers/decide", &approve).await;
        assert!(response.status().is_success() || response.status().is_redirection());

        // Access follows the named guide: Elina no longer sees Matti, Ari does.
        expect_status(&elina, &server, "/api/clients/get", &client_id, 403).await;
        expect_status(&elina, &server, "/api/referrals/get", &[("id", id(matti.id))], 403).await;
        let ari = server.signed_in(demo::FREE_GUIDE).await;
        let card: ClientCard = json(&ari, &server, "/api/clients/get", &client_id).await;
        assert_eq!(card.guide_name.as_deref(), Some("Ari Peltola"));
        json::<ReferralDetail>(&ari, &server, "/api/referrals/get", &[("id", id(matti.id))]).await;
        // The social worker and the new guide are told; one open period at a time.
        server.wait_for_mail(|m| m.to.contains(demo::SOCIAL_WORKER)).await;
        server.wait_for_mail(|m| m.to.contains(demo::FREE_GUIDE)).await;
        let open = guidance_period::Entity::find()
            .filter(guidance_period::Column::ClientId.eq(matti.client_id))
            .filter(guidance_period::Column::EndedAt.is_null())
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(open, 1);

        // The next request shows the coordinator that Matti has changed guide once already.
        let ask = [("client_id", id(matti.client_id)), ("reason", "Aikataulut eivät sovi".into())];
        call(&ari, &server, "/api/transfers/request", &ask).await;
        let pending: Vec<TransferView> = json(&coordinator, &server, "/api/transfers/list", &[]).await;
        let next = pending.iter().find(|t| t.client_id.0 == matti.client_id).unwrap();
        assert_eq!(next.earlier_transfers, 1);
    }
}

#[tokio::test]
async fn withdrawing_the_consent_stops_sharing_with_the_guide() {
    for server in demo_servers().await {
        let liisa = referral_of(&server, "Liisa").await;
        let client_id = [("id", id(liisa.client_id))];
        let jussi = server.signed_in(demo::GUIDE_2).await;
        let card: ClientCard = json(&jussi, &server, "/api/clients/get", &client_id).await;
        let consent = card.consents[0].id;
        expect_status(&jussi, &server, "/api/consents/withdraw", &[("id", id(consent))], 403).await;

        let social_worker = server.signed_in(demo::SOCIAL_WORKER).await;
        let response = call(&social_worker, &server, "/api/consents/withdraw", &[("id", id(consent))]).await;
        assert!(response.status().is_success() || response.status().is_redirection());
        expect_status(&social_worker, &server, "/api/consents/withdraw", &[("id", id(consent))], 409).await;

        expect_status(&jussi, &server, "/api/clients/get", &client_id, 403).await;
        expect_status(&jussi, &server, "/api/referrals/get", &[("id", id(liisa.id))], 403).await;
        let card: ClientCard = json(&social_worker, &server, "/api/clients/get", &client_id).await;
        assert_eq!(card.guide_name, None);
        assert!(card.consents[0].withdrawn_at.is_some());
        assert_eq!(referral_of(&server, "Liisa").await.status, "ended");
    }
}

#[tokio::test]
async fn a_referral_with_bad_input_is_refused_field_by_field_and_nothing_is_written() {
    for server in demo_servers().await {
        let clients_before = client::Entity::find().count(&server.db.conn).await.unwrap();
        let social_worker = server.signed_in(demo::SOCIAL_WORKER).await;
        let form = [
            ("form[display_name]", "".to_owned()),
            ("form[place]", "Atlantis".to_owned()),
            ("form[consent_valid_until]", "31.2.2027".to_owned()),
        ];
        let response = call(&social_worker, &server, "/api/referrals/submit", &form).await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.unwrap();
        for field in ["display_name", "place", "languages", "needs", "consent", "consent_valid_until"] {
            assert!(body.contains(field), "{field} is named: {body}");
        }
        assert_eq!(client::Entity::find().count(&server.db.conn).await.unwrap(), clients_before);
    }
}

#[tokio::test]
async fn coordinators_are_reminded_on_days_three_and_six_once_each() {
    for server in demo_servers().await {
        let db = &server.db.conn;
        let now = chrono::Utc::now();
        // The server's housekeeping may have queued them already; either way, once.
        app::backend::referrals::escalate_waiting(db, &server.url, now).await.unwrap();
        // Demo referrals without first contact have waited 0-8 days; each has one reminder per
        // escalation day it has passed, to each coordinator (the demo has one).
        let open = referral::Entity::find()
            .filter(referral::Column::FirstContactAt.is_null())
            .all(db)
            .await
            .unwrap();
        let expected: usize = open
            .iter()
            .map(|r| ESCALATION_DAYS.iter().filter(|d| (now - r.submitted_at).num_days() >= **d).count())
            .sum();
        assert!(expected >= 4, "the demo has referrals past both days");
        assert_eq!(app::backend::referrals::escalate_waiting(db, &server.url, now).await.unwrap(), 0, "once");
        let reminders = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("first_contact_overdue"))
            .count(db)
            .await
            .unwrap();
        assert_eq!(reminders as usize, expected);
    }
}
