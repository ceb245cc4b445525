//! The client's goals and rewards over HTTP, on each test database: a guide sets a goal with
//! three steps on a visit and ticks one; faces reach the chart; a refinement keeps the old
//! words; a goal let go needs the client's reason and is then closed; the reward ledger never
//! goes below zero, and parallel entries leave a balance that is the sum of the entries; bad
//! input is refused with nothing written; after the ending the former guide has no access and
//! nobody can change the goals any more.

mod common;

use app::{
    api::goals::GoalsView,
    backend::entities::{goal, goal_rating, goal_step, goal_wording, reward_entry, reward_scheme, visit},
    domain::{goals::GoalStatus, ratings::RatingOccasion, rewards::RewardUnit},
};
use chrono::{Duration, Utc};
use common::{TestServer, call, client_named, demo, demo_servers, refused};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// A home visit of Matti's with his guide that began an hour ago.
async fn visit_now(server: &TestServer) -> (i64, i64) {
    let matti = client_named(server, "Matti").await;
    let now = Utc::now();
    let id = visit::ActiveModel {
        client_id: Set(matti.id),
        guide_id: Set(matti.guide_id.unwrap()),
        kind: Set("home_visit".into()),
        starts_at: Set(now - Duration::hours(1)),
        ends_at: Set(now),
        zone: Set("Europe/Helsinki".into()),
        place: Set("Seinäjoki".into()),
        status: Set("planned".into()),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&server.db.conn)
    .await
    .unwrap()
    .id;
    (matti.id, id)
}

async fn goals_of(client: &reqwest::Client, server: &TestServer, id: i64, visit: Option<i64>) -> GoalsView {
    let mut form = vec![("client_id", id.to_string())];
    if let Some(visit) = visit {
        form.push(("visit", visit.to_string()));
    }
    let response = call(client, server, "/api/goals/for-client", &form).await;
    assert_eq!(response.status(), 200, "{}", server.db.backend);
    response.json().await.unwrap()
}

async fn add_goal(
    client: &reqwest::Client,
    server: &TestServer,
    matti: i64,
    visit: i64,
) -> reqwest::Response {
    call(
        client,
        server,
        "/api/goals/add",
        &[
            ("client_id", matti.to_string()),
            ("form[words]", "Saan keittiön siistiksi".into()),
            ("form[why]", "Haluan kutsua siskon kahville".into()),
            ("form[step_1]", "Tiskit pois pöydältä".into()),
            ("form[step_2]", "Roskat ulos".into()),
            ("form[step_3]", "Lattia lakaistu".into()),
            ("form[face]", "2".into()),
            ("form[visit]", visit.to_string()),
        ],
    )
    .await
}

#[tokio::test]
async fn a_guide_sets_a_goal_with_three_steps_on_a_visit_and_ticks_one() {
    for server in demo_servers().await {
        let guide = server.signed_in(demo::GUIDE).await;
        let (matti, visit) = visit_now(&server).await;
        let before = goals_of(&guide, &server, matti, Some(visit)).await.goals.len();
        let response = add_goal(&guide, &server, matti, visit).await;
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "{}",
            response.status()
        );

        let view = goals_of(&guide, &server, matti, Some(visit)).await;
        assert_eq!(view.visit.map(|v| v.id), Some(visit));
        assert!(view.may.manage_goals && view.may.manage_rewards);
        assert_eq!(view.goals.len(), before + 1);
        let set = view.goals.iter().find(|g| g.words == "Saan keittiön siistiksi").unwrap();
        assert_eq!(
            set.steps.iter().map(|s| s.words.as_str()).collect::<Vec<_>>(),
            ["Tiskit pois pöydältä", "Roskat ulos", "Lattia lakaistu"]
        );
        assert_eq!(set.ratings.len(), 1, "the face given when the goal was set");
        assert_eq!(set.ratings[0].face.value(), 2);
        assert_eq!(set.ratings[0].occasion, RatingOccasion::Visit);
        assert_eq!(set.chart.points.len(), 1, "the face is drawn");

        // One tap: the step is done, on this visit.
        let step = set.steps[1].id;
        let tick = [("id", step.to_string()), ("done", "true".into()), ("visit", visit.to_string())];
        let response = call(&guide, &server, "/api/goals/steps/mark", &tick).await;
        assert!(response.status().is_success(), "{}", response.status());
        // A second tap on a slow connection changes nothing.
        call(&guide, &server, "/api/goals/steps/mark", &tick).await;
        let row = goal_step::Entity::find_by_id(step.0).one(&server.db.conn).await.unwrap().unwrap();
        assert_eq!(row.done_visit_id, Some(visit), "{}", server.db.backend);
        assert_eq!(row.done_on, Some(Utc::now().with_timezone(&app::domain::time::HELSINKI).date_naive()));

        // The client's face a moment later: better, and the chart joins the two.
        let rate = [("id", set.id.to_string()), ("face", "4".into()), ("visit", visit.to_string())];
        assert!(call(&guide, &server, "/api/goals/rate", &rate).await.status().is_success());
        let view = goals_of(&guide, &server, matti, Some(visit)).await;
        let set = view.goals.iter().find(|g| g.id == set.id).unwrap();
        assert!(set.steps[1].on_this_visit && set.steps[0].done_on.is_none());
        assert_eq!(set.chart.points.len(), 2);
        assert!(!set.chart.line.is_empty(), "two faces are joined by a line");
        assert_eq!(set.chart_text.steps_done, 1);
        assert_eq!(set.chart.steps.len(), 1, "one day with steps done");

        // Taking the tick back (the wrong step was tapped).
        let undo = [("id", step.to_string()), ("done", "false".into())];
        assert!(call(&guide, &server, "/api/goals/steps/mark", &undo).await.status().is_success());
        let row = goal_step::Entity::find_by_id(step.0).one(&server.db.conn).await.unwrap().unwrap();
        assert_eq!((row.done_on, row.done_visit_id), (None, None));
    }
}

#[tokio::test]
async fn refining_keeps_the_old_words_and_a_goal_let_go_is_closed() {
    for server in demo_servers().await {
        let guide = server.signed_in(demo::GUIDE).await;
        let (matti, visit) = visit_now(&server).await;
        add_goal(&guide, &server, matti, visit).await;
        let id = goal::Entity::find()
            .filter(goal::Column::Words.eq("Saan keittiön siistiksi"))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap()
            .id;
        let change = |change: &str, words: &str, reason: &str| {
            vec![
                ("id", id.to_string()),
                ("change", change.to_owned()),
                ("words", words.to_owned()),
                ("reason", reason.to_owned()),
            ]
        };
        // The same words again are no refinement.
        let same =
            call(&guide, &server, "/api/goals/change", &change("refine", " Saan  keittiön siistiksi", ""))
                .await;
        assert_eq!(refused(same).await, [("words".to_owned(), "SameAsBefore".to_owned())]);
        let refined =
            call(&guide, &server, "/api/goals/change", &change("refine", "Keittiön pöytä on vapaa", ""))
                .await;
        assert!(refined.status().is_success());
        let history = goal_wording::Entity::find()
            .filter(goal_wording::Column::GoalId.eq(id))
            .all(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(history.iter().map(|w| w.words.as_str()).collect::<Vec<_>>(), ["Saan keittiön siistiksi"]);

        // Letting go needs the client's reason.
        let without = call(&guide, &server, "/api/goals/change", &change("drop", "", "  ")).await;
        assert_eq!(refused(without).await, [("reason".to_owned(), "Required".to_owned())]);
        let dropped = call(&guide, &server, "/api/goals/change", &change("drop", "", "Muutan pois")).await;
        assert!(dropped.status().is_success());
        let row = goal::Entity::find_by_id(id).one(&server.db.conn).await.unwrap().unwrap();
        assert_eq!(row.status, GoalStatus::Dropped.as_str());
        assert_eq!(row.status_reason.as_deref(), Some("Muutan pois"));
        assert_eq!(row.words, "Keittiön pöytä on vapaa");

        // A closed goal takes no more changes, steps or faces.
        let again = call(&guide, &server, "/api/goals/change", &change("resume", "", "")).await;
        assert_eq!(refused(again).await, [("change".to_owned(), "GoalClosed".to_owned())]);
        let face =
            call(&guide, &server, "/api/goals/rate", &[("id", id.to_string()), ("face", "5".into())]).await;
        assert_eq!(refused(face).await, [("face".to_owned(), "GoalClosed".to_owned())]);
        let view = goals_of(&guide, &server, matti, None).await;
        assert_eq!(view.goals.last().map(|g| g.id.0), Some(id), "closed goals come last");
    }
}

#[tokio::test]
async fn bad_goal_input_is_refused_and_nothing_is_written() {
    for server in demo_servers().await {
        let guide = server.signed_in(demo::GUIDE).await;
        let (matti, _) = visit_now(&server).await;
        let goals_before = goal::Entity::find().count(&server.db.conn).await.unwrap();
        let steps_before = goal_step::Entity::find().count(&server.db.conn).await.unwrap();
        let response = call(
            &guide,
            &server,
            "/api/goals/add",
            &[
                ("client_id", matti.to_string()),
                ("form[words]", "x".repeat(301)),
                ("form[step_1]", "Ensimmäinen".into()),
                ("form[step_2]", "rivi\u{0}".into()),
                ("form[face]", "7".into()),
                ("form[visit]", "huomenna".into()),
            ],
        )
        .await;
        let mut fields = refused(response).await;
        fields.sort();
        assert_eq!(
            fields,
            [
                ("face".to_owned(), "UnknownChoice".to_owned()),
                ("step_2".to_owned(), "ControlCharacter".to_owned()),
                ("visit".to_owned(), "UnknownChoice".to_owned()),
                ("words".to_owned(), "TooLong".to_owned()),
            ]
        );
        // Another client's visit is no visit of Matti's.
        let other_client = app::backend::entities::client::Entity::find()
            .filter(app::backend::entities::client::Column::Id.ne(matti))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap();
        let now = Utc::now();
        let other = visit::ActiveModel {
            client_id: Set(other_client.id),
            guide_id: Set(common::user_id(&server, demo::GUIDE).await),
            kind: Set("call".into()),
            starts_at: Set(now - Duration::days(3)),
            ends_at: Set(now - Duration::days(3) + Duration::hours(1)),
            zone: Set("Europe/Helsinki".into()),
            place: Set(String::new()),
            status: Set("done".into()),
            sequence: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&server.db.conn)
        .await
        .unwrap();
        let response = call(
            &guide,
            &server,
            "/api/goals/add",
            &[
                ("client_id", matti.to_string()),
                ("form[words]", "Käyn kirjastossa".into()),
                ("form[visit]", other.id.to_string()),
            ],
        )
        .await;
        assert_eq!(refused(response).await, [("visit".to_owned(), "UnknownChoice".to_owned())]);
        assert_eq!(goal::Entity::find().count(&server.db.conn).await.unwrap(), goals_before);
        assert_eq!(goal_step::Entity::find().count(&server.db.conn).await.unwrap(), steps_before);
        let unknown = call(
            &guide,
            &server,
            "/api/goals/steps/mark",
            &[("id", "999999".into()), ("done", "yes".into())],
        )
        .await;
        assert_eq!(unknown.status(), 400, "a yes/no that is neither");
    }
}

async fn scheme(client: &reqwest::Client, server: &TestServer, matti: i64, unit: &str) -> reqwest::Response {
    call(
        client,
        server,
        "/api/rewards/scheme",
        &[
            ("client_id", matti.to_string()),
            ("form[unit]", unit.to_owned()),
            ("form[lines][earn_1_what]", "Tiskit tehty".into()),
            ("form[lines][earn_1_amount]", "0,50".into()),
            ("form[lines][earn_2_what]", "Kävin kaupassa".into()),
            ("form[lines][earn_2_amount]", "1".into()),
            ("form[lines][reward_1_what]", "Elokuvalippu".into()),
            ("form[lines][reward_1_amount]", "12".into()),
        ],
    )
    .await
}

#[tokio::test]
async fn the_reward_ledger_never_goes_below_zero_and_its_balance_is_the_sum_of_its_entries() {
    for server in demo_servers().await {
        let guide = server.signed_in(demo::GUIDE).await;
        let matti = client_named(&server, "Matti").await.id;
        // Points cannot be "0,50": the client's wording is kept, the amount refused.
        let response = scheme(&guide, &server, matti, "points").await;
        assert_eq!(refused(response).await, [("earn_1_amount".to_owned(), "InvalidNumber".to_owned())]);
        assert!(scheme(&guide, &server, matti, "cents").await.status().is_success());
        let view = goals_of(&guide, &server, matti, None).await.rewards.expect("a scheme");
        assert_eq!(view.unit, RewardUnit::Cents);
        assert_eq!(view.earning.iter().map(|l| l.amount).collect::<Vec<_>>(), [50, 100]);
        let balance_before = view.balance;
        let (dishes, shop) = (view.earning[0].id, view.earning[1].id);
        let ticket = view.rewards[0].id;
        let entry = |kind: &str, line: i64| {
            vec![("client_id", matti.to_string()), ("kind", kind.to_owned()), ("line", line.to_string())]
        };
        // Buying before enough is saved is refused, and writes nothing.
        if balance_before < 1200 {
            let early = call(&guide, &server, "/api/rewards/entry", &entry("spent", ticket)).await;
            assert_eq!(refused(early).await, [("line".to_owned(), "NotEnoughSaved".to_owned())]);
        }
        // Twenty entries at once: each lands once or is refused as a conflict, never twice.
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(20));
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..20 {
            let form = entry("earned", if i % 2 == 0 { dishes } else { shop });
            let (guide, url, start) = (guide.clone(), server.url.clone(), start.clone());
            attempts.spawn(async move {
                start.wait().await;
                guide
                    .post(format!("{url}/api/rewards/entry"))
                    .header("origin", &url)
                    .header("accept", "application/json")
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
                    .status()
            });
        }
        let statuses = attempts.join_all().await;
        assert!(statuses.iter().all(|s| s.is_success() || *s == 409), "{statuses:?}");
        assert!(statuses.iter().any(|s| s.is_success()));
        let scheme_id = reward_scheme::Entity::find()
            .filter(reward_scheme::Column::ClientId.eq(matti))
            .one(&server.db.conn)
            .await
            .unwrap()
            .unwrap()
            .id;
        let entries = reward_entry::Entity::find()
            .filter(reward_entry::Column::SchemeId.eq(scheme_id))
            .order_by_asc(reward_entry::Column::Seq)
            .all(&server.db.conn)
            .await
            .unwrap();
        let landed = statuses.iter().filter(|s| s.is_success()).count();
        assert!(entries.len() >= landed, "every entry answered as written is in the ledger");
        let mut running: i64 = 0;
        for (i, e) in entries.iter().enumerate() {
            running += if e.kind == "earned" { i64::from(e.amount) } else { -i64::from(e.amount) };
            assert_eq!(e.balance_after, running, "{}: entry {i}", server.db.backend);
            assert!(running >= 0);
        }
        let view = goals_of(&guide, &server, matti, None).await.rewards.unwrap();
        assert_eq!(view.balance as i64, running, "the page shows the ledger's balance");
        assert!(view.entries.len() as u64 <= app::api::goals::LATEST_ENTRIES);
        // Once enough is saved, the ticket can be bought, and the balance goes down by its cost.
        while goals_of(&guide, &server, matti, None).await.rewards.unwrap().balance < 1200 {
            assert!(
                call(&guide, &server, "/api/rewards/entry", &entry("earned", shop))
                    .await
                    .status()
                    .is_success()
            );
        }
        let before = goals_of(&guide, &server, matti, None).await.rewards.unwrap().balance;
        assert!(
            call(&guide, &server, "/api/rewards/entry", &entry("spent", ticket)).await.status().is_success()
        );
        assert_eq!(goals_of(&guide, &server, matti, None).await.rewards.unwrap().balance, before - 1200);
        // The unit stays once the ledger has entries.
        let response = call(
            &guide,
            &server,
            "/api/rewards/scheme",
            &[
                ("client_id", matti.to_string()),
                ("form[unit]", "points".into()),
                ("form[lines][earn_1_what]", "Tiskit tehty".into()),
                ("form[lines][earn_1_amount]", "5".into()),
            ],
        )
        .await;
        assert_eq!(refused(response).await, [("unit".to_owned(), "UnitInUse".to_owned())]);
    }
}

#[tokio::test]
async fn after_the_ending_the_former_guide_sees_nothing_and_nobody_changes_the_goals() {
    for server in demo_servers().await {
        let guide = server.signed_in(demo::GUIDE).await;
        let (matti, visit) = visit_now(&server).await;
        add_goal(&guide, &server, matti, visit).await;
        let goal_id = goals_of(&guide, &server, matti, None).await.goals[0].id;
        let matti_row = client_named(&server, "Matti").await;
        let social_worker_email =
            if matti_row.referred_by == Some(common::user_id(&server, demo::SOCIAL_WORKER).await) {
                demo::SOCIAL_WORKER
            } else {
                demo::SOCIAL_WORKER_2
            };
        let ended = call(
            &guide,
            &server,
            "/api/guidance/end",
            &[("client_id", matti.to_string()), ("reason", "Tavoitteet saavutettu".into())],
        )
        .await;
        assert!(ended.status().is_success() || ended.status().is_redirection(), "{}", ended.status());

        let read = call(&guide, &server, "/api/goals/for-client", &[("client_id", matti.to_string())]).await;
        assert_eq!(read.status(), 403, "{}: the former guide", server.db.backend);
        let rate =
            call(&guide, &server, "/api/goals/rate", &[("id", goal_id.to_string()), ("face", "5".into())])
                .await;
        assert_eq!(rate.status(), 403);

        // The referring social worker keeps the record, read-only now.
        let social_worker = server.signed_in(social_worker_email).await;
        let view = goals_of(&social_worker, &server, matti, None).await;
        assert!(!view.may.manage_goals && !view.may.manage_rewards);
        assert!(view.goals.iter().any(|g| g.id == goal_id));
        let rate = call(
            &social_worker,
            &server,
            "/api/goals/rate",
            &[("id", goal_id.to_string()), ("face", "5".into())],
        )
        .await;
        assert_eq!(rate.status(), 409, "after the ending the goals are the record");
        let faces = goal_rating::Entity::find()
            .filter(goal_rating::Column::GoalId.eq(goal_id.0))
            .count(&server.db.conn)
            .await
            .unwrap();
        assert_eq!(faces, 1, "only the face given when the goal was set");
    }
}
