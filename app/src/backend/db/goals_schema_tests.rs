//! The goals migration on every database: the entities write what it expects, and its rules
//! hold even if a service got them wrong (faces 1 to 5, a ledger that never goes below zero
//! and takes one entry per place, one ending per period, feedback kept as counts only).

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict},
};

use crate::backend::{
    demo,
    entities::{
        client, ending, ending_factor, ending_service, feedback_tally, goal, goal_rating, goal_step,
        goal_wording, guidance_period, review, review_goal_decision, reward, reward_entry, reward_rule,
        reward_scheme, visit,
    },
    testing,
};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, d).unwrap()
}

fn entry(scheme: i64, seq: i32, kind: &str, amount: i32, balance_after: i64) -> reward_entry::ActiveModel {
    reward_entry::ActiveModel {
        id: NotSet,
        scheme_id: Set(scheme),
        seq: Set(seq),
        kind: Set(kind.to_owned()),
        amount: Set(amount),
        balance_after: Set(balance_after),
        happened_on: Set(day(seq as u32 + 1)),
        rule_id: Set(None),
        reward_id: Set(None),
        step_id: Set(None),
        recorded_by: Set(None),
        recorded_at: Set(Utc::now()),
    }
}

fn rating(goal_id: i64, face: i16) -> goal_rating::ActiveModel {
    goal_rating::ActiveModel {
        id: NotSet,
        goal_id: Set(goal_id),
        rated_on: Set(day(5)),
        face: Set(face),
        occasion: Set("first_meeting".to_owned()),
        review_id: Set(None),
        recorded_by: Set(None),
        created_at: Set(Utc::now()),
    }
}

async fn add_answer(db: &DatabaseConnection, face: i16) {
    let row = feedback_tally::ActiveModel {
        month: Set("2027-01".to_owned()),
        visit_kind: Set("home_visit".to_owned()),
        team: Set("south_ostrobothnia".to_owned()),
        question: Set("got_help".to_owned()),
        face: Set(face),
        answers: Set(1),
    };
    feedback_tally::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                feedback_tally::Column::Month,
                feedback_tally::Column::VisitKind,
                feedback_tally::Column::Team,
                feedback_tally::Column::Question,
                feedback_tally::Column::Face,
            ])
            .value(
                feedback_tally::Column::Answers,
                Expr::col((feedback_tally::Entity, feedback_tally::Column::Answers)).add(1),
            )
            .to_owned(),
        )
        .exec(db)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_goals_schema_takes_the_entities_and_keeps_its_rules() {
    for db in testing::databases().await {
        let backend = db.backend;
        let db = &db.conn;
        assert!(demo::seed(db).await.unwrap());
        demo::seed_visits(db).await.unwrap();
        let period = guidance_period::Entity::find()
            .filter(guidance_period::Column::EndedAt.is_null())
            .one(db)
            .await
            .unwrap()
            .expect("a demo client in guidance");
        let client = client::Entity::find_by_id(period.client_id).one(db).await.unwrap().unwrap();
        assert_eq!(client.anonymised_at, None, "{backend}");
        let a_visit = visit::Entity::find().one(db).await.unwrap().expect("demo visits");
        assert!(!a_visit.feedback_given, "{backend}: no feedback until given");
        let now = Utc::now();

        let g = goal::ActiveModel {
            id: NotSet,
            client_id: Set(client.id),
            referral_id: Set(period.referral_id),
            words: Set("Käyn kaupassa itse".to_owned()),
            why: Set(None),
            status: NotSet,
            status_reason: Set(None),
            status_changed_at: Set(None),
            outcome: Set(None),
            set_on: Set(day(5)),
            set_at_visit_id: Set(Some(a_visit.id)),
            position: NotSet,
            created_by: Set(Some(period.guide_id)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
        assert_eq!((g.status.as_str(), g.position), ("active", 0), "{backend}: defaults");
        let step = goal_step::ActiveModel {
            id: NotSet,
            goal_id: Set(g.id),
            words: Set("Kauppalista".to_owned()),
            position: Set(1),
            done_on: Set(Some(day(8))),
            done_visit_id: Set(Some(a_visit.id)),
            done_by: Set(Some(period.guide_id)),
            created_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
        rating(g.id, 3).insert(db).await.unwrap();
        for face in [0, 6] {
            assert!(rating(g.id, face).insert(db).await.is_err(), "{backend}: face {face} is no face");
        }

        let r = review::ActiveModel {
            id: NotSet,
            client_id: Set(client.id),
            period_id: Set(period.id),
            held_on: Set(day(20)),
            visit_id: Set(None),
            outcome: Set("continue".to_owned()),
            next_review: Set(None),
            planned_end: Set(period.planned_end),
            note: Set(Some("Jatketaan".to_owned())),
            recorded_by: Set(None),
            created_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
        let decision = |decision: &str| review_goal_decision::ActiveModel {
            id: NotSet,
            review_id: Set(r.id),
            goal_id: Set(g.id),
            decision: Set(decision.to_owned()),
            words: Set(Some("Käyn kaupassa itse kerran viikossa".to_owned())),
            reason: Set(None),
            note: Set(None),
        };
        decision("refine").insert(db).await.unwrap();
        assert!(decision("drop").insert(db).await.is_err(), "{backend}: one decision per goal and review");
        goal_wording::ActiveModel {
            id: NotSet,
            goal_id: Set(g.id),
            words: Set(g.words.clone()),
            why: Set(None),
            replaced_at: Set(now),
            replaced_by: Set(None),
            review_id: Set(Some(r.id)),
        }
        .insert(db)
        .await
        .unwrap();

        let scheme = reward_scheme::ActiveModel {
            id: NotSet,
            client_id: Set(client.id),
            unit: Set("cents".to_owned()),
            created_by: Set(None),
            created_at: Set(now),
            ended_at: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
        let line = |what: &str, amount: i32| reward_rule::ActiveModel {
            id: NotSet,
            scheme_id: Set(scheme.id),
            position: Set(1),
            what: Set(what.to_owned()),
            amount: Set(amount),
            retired_at: Set(None),
        };
        let rule = line("Tiskit", 20).insert(db).await.unwrap();
        assert!(line("Ei mitään", 0).insert(db).await.is_err(), "{backend}: nothing earns nothing");
        let prize = reward::ActiveModel {
            id: NotSet,
            scheme_id: Set(scheme.id),
            position: Set(1),
            what: Set("Elokuvalippu".to_owned()),
            cost: Set(1250),
            retired_at: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
        let earned = reward_entry::ActiveModel {
            rule_id: Set(Some(rule.id)),
            step_id: Set(Some(step.id)),
            ..entry(scheme.id, 1, "earned", 20, 20)
        };
        earned.insert(db).await.unwrap();
        assert!(
            entry(scheme.id, 1, "earned", 20, 40).insert(db).await.is_err(),
            "{backend}: one entry per place"
        );
        let overspent = reward_entry::ActiveModel {
            reward_id: Set(Some(prize.id)),
            ..entry(scheme.id, 2, "spent", 1250, -1230)
        };
        assert!(overspent.insert(db).await.is_err(), "{backend}: the balance never goes below zero");
        assert!(
            entry(scheme.id, 2, "earned", 0, 20).insert(db).await.is_err(),
            "{backend}: no empty entries"
        );
        assert!(
            reward_rule::Entity::delete_by_id(rule.id).exec(db).await.is_err(),
            "{backend}: a used line is retired, not deleted"
        );

        let end = |period_id: i64| ending::ActiveModel {
            id: NotSet,
            client_id: Set(client.id),
            period_id: Set(period_id),
            held_on: Set(day(30)),
            visit_id: Set(None),
            started_from: Set(Some("En käynyt ulkona".to_owned())),
            now_at: Set(None),
            what_helped: Set(None),
            guide_note: Set(None),
            social_worker_note: Set(None),
            summary_text: Set(None),
            summary_made_at: Set(None),
            recorded_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let e = end(period.id).insert(db).await.unwrap();
        assert!(end(period.id).insert(db).await.is_err(), "{backend}: one ending per period");
        ending_factor::ActiveModel {
            id: NotSet,
            ending_id: Set(e.id),
            factor: Set("housing".to_owned()),
            effect: Set("helped".to_owned()),
        }
        .insert(db)
        .await
        .unwrap();
        ending_service::ActiveModel {
            id: NotSet,
            ending_id: Set(e.id),
            position: Set(1),
            kind: Set("third_sector".to_owned()),
            name: Set(Some("A-kilta".to_owned())),
            newly_connected: Set(true),
        }
        .insert(db)
        .await
        .unwrap();

        add_answer(db, 3).await;
        add_answer(db, 3).await;
        add_answer(db, 0).await;
        let tallies = feedback_tally::Entity::find().all(db).await.unwrap();
        let counts: Vec<(i16, i32)> = tallies.iter().map(|t| (t.face, t.answers)).collect();
        assert_eq!(counts.len(), 2, "{backend}: {counts:?}");
        assert!(counts.contains(&(3, 2)) && counts.contains(&(0, 1)), "{backend}: {counts:?}");

        // A client's card removed takes everything about them with it.
        client::Entity::delete_by_id(client.id).exec(db).await.unwrap();
        assert_eq!(goal::Entity::find().count(db).await.unwrap(), 0, "{backend}");
        assert_eq!(goal_rating::Entity::find().count(db).await.unwrap(), 0, "{backend}");
        assert_eq!(reward_entry::Entity::find().count(db).await.unwrap(), 0, "{backend}");
        assert_eq!(ending::Entity::find().count(db).await.unwrap(), 0, "{backend}");
        assert_eq!(review_goal_decision::Entity::find().count(db).await.unwrap(), 0, "{backend}");
        assert_eq!(
            feedback_tally::Entity::find().count(db).await.unwrap(),
            2,
            "{backend}: counts belong to nobody"
        );
    }
}
