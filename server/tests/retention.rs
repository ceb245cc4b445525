//! The retention timer on each test database: a client whose guidance closed more than the
//! configured months ago has every personal text cleared, in every table, while the rows, the
//! counts and the numbers stay; a client still in guidance, or closed more recently, keeps
//! everything. Every text column of the schema is accounted for, so a new column that holds a
//! client's words cannot slip past the clearing unnoticed.

mod common;

use app::backend::{
    entities::{client, ending, goal, goal_rating, goal_step, reward_entry, ride_leg, visit},
    retention,
};
use chrono::{Duration, Utc};
use common::{TestServer, client_named, demo_servers};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, Statement};

/// Every text column of every table, from the database's own catalogue.
async fn text_columns(server: &TestServer) -> Vec<(String, String)> {
    let db = &server.db.conn;
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'seaql_%' \
             AND (upper(p.type) = 'TEXT' OR upper(p.type) LIKE '%CHAR%')"
        }
        _ => {
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE 'seaql_%' \
             AND data_type IN ('text', 'character varying')"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    let mut out: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.try_get::<String>("", "t").unwrap(), r.try_get::<String>("", "c").unwrap()))
        .collect();
    out.sort();
    out
}

/// How each text column of a table that holds client data is treated by retention: cleared
/// (`true`) or kept because it holds a code, a status or staff data (`false`). Tables without
/// client data (accounts, sessions, settings, topics) are listed as not about clients.
const CLIENT_TEXT: &[(&str, &[(&str, bool)])] = &[
    (
        "clients",
        &[
            ("display_name", true),
            ("municipality", true),
            ("phone", true),
            ("pickup_address", true),
            ("languages", true),
            ("preferred_gender", true),
            ("guide_wishes", true),
            ("contact_channel", false),
        ],
    ),
    ("consents", &[("shared_with", true), ("purpose", false)]),
    (
        "referrals",
        &[("needs", true), ("client_words", true), ("status", false), ("first_contact_channel", false)],
    ),
    ("referral_events", &[("note", true), ("event", false)]),
    ("proposals", &[("reason", true), ("explanation", true), ("chosen_by", false), ("response", false)]),
    ("transfers", &[("reason", true), ("status", false)]),
    ("guide_exclusions", &[("reason", true)]),
    ("guidance_periods", &[("ending_reason", true)]),
    (
        "goals",
        &[("words", true), ("why", true), ("status_reason", true), ("status", false), ("outcome", false)],
    ),
    ("goal_steps", &[("words", true)]),
    ("goal_wordings", &[("words", true), ("why", true)]),
    ("goal_ratings", &[("occasion", false)]),
    ("reviews", &[("note", true), ("outcome", false)]),
    ("review_goal_decisions", &[("words", true), ("reason", true), ("note", true), ("decision", false)]),
    ("reward_schemes", &[("unit", false)]),
    ("reward_rules", &[("what", true)]),
    ("rewards", &[("what", true)]),
    ("reward_entries", &[("kind", false)]),
    (
        "endings",
        &[
            ("started_from", true),
            ("now_at", true),
            ("what_helped", true),
            ("guide_note", true),
            ("social_worker_note", true),
            ("summary_text", true),
        ],
    ),
    ("ending_factors", &[("factor", false), ("effect", false)]),
    ("ending_services", &[("name", true), ("kind", false)]),
    (
        "visits",
        &[
            ("place", true),
            ("address", true),
            ("outcome_note", true),
            ("excess_reason", true),
            ("kind", false),
            ("zone", false),
            ("status", false),
            ("reimbursement", false),
        ],
    ),
    ("ride_legs", &[("from_place", true), ("to_place", true)]),
    (
        "outing_signups",
        &[
            ("pickup_place", true),
            ("own_transport", true),
            ("moved_up_reason", true),
            ("status", false),
            ("attendance", false),
        ],
    ),
];

/// Tables that hold no client's details: staff accounts, their settings and second factors,
/// sessions, the
/// topic list, anonymous feedback counts, e-mails (deleted whole by age) and the audit trail
/// (ids only).
const NOT_ABOUT_CLIENTS: &[&str] = &[
    "users",
    "user_roles",
    "account_tokens",
    "sessions",
    "sign_in_failures",
    "notification_settings",
    "calendar_feeds",
    "second_factors",
    "recovery_codes",
    "guide_profiles",
    "topics",
    "feedback_tallies",
    "outbox_messages",
    "audit_events",
    // Outings and their sessions, leaders, drivers and staff hours: the group's own plan, no
    // client's details (who took part is in outing_signups).
    "outings",
    "outing_sessions",
    "outing_leaders",
    "outing_drivers",
    "outing_work",
];

#[tokio::test]
async fn every_text_column_is_either_cleared_kept_as_a_code_or_not_about_clients() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        for (table, column) in text_columns(&server).await {
            if NOT_ABOUT_CLIENTS.contains(&table.as_str()) {
                continue;
            }
            let known = CLIENT_TEXT
                .iter()
                .find(|(t, _)| *t == table)
                .is_some_and(|(_, columns)| columns.iter().any(|(c, _)| *c == column));
            assert!(known, "{backend}: {table}.{column} holds text: say whether retention clears it");
        }
    }
}

/// Written into the rows of the client whose details are due, and of one still in guidance.
const DUE: &str = "POISTUVA";
const KEPT: &str = "SAILYVA";

/// Writes `mark` into every column retention clears, in every row of the client's.
async fn mark(server: &TestServer, client_id: i64, mark: &str) {
    let db = &server.db.conn;
    let owned = |table: &str| -> String {
        match table {
            "clients" => format!("id = {client_id}"),
            "referral_events" | "proposals" => {
                format!("referral_id IN (SELECT id FROM referrals WHERE client_id = {client_id})")
            }
            "goal_steps" | "goal_wordings" => {
                format!("goal_id IN (SELECT id FROM goals WHERE client_id = {client_id})")
            }
            "reward_rules" | "rewards" => {
                format!("scheme_id IN (SELECT id FROM reward_schemes WHERE client_id = {client_id})")
            }
            "review_goal_decisions" => {
                format!("review_id IN (SELECT id FROM reviews WHERE client_id = {client_id})")
            }
            "ending_services" => {
                format!("ending_id IN (SELECT id FROM endings WHERE client_id = {client_id})")
            }
            "ride_legs" => format!("visit_id IN (SELECT id FROM visits WHERE client_id = {client_id})"),
            _ => format!("client_id = {client_id}"),
        }
    };
    for (table, columns) in CLIENT_TEXT {
        for (column, cleared) in columns.iter() {
            if !cleared {
                continue;
            }
            // The mark alone: some columns are short (a gender wish).
            let sql = format!("UPDATE {table} SET {column} = '{mark}' WHERE {}", owned(table));
            db.execute_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
        }
    }
}

/// The columns in which `mark` is left anywhere in the schema, as `table.column`.
async fn marks_left(server: &TestServer, mark: &str) -> Vec<String> {
    let db = &server.db.conn;
    let mut left = Vec::new();
    for (table, column) in text_columns(server).await {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} LIKE '%{mark}%'");
        let row =
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        if row.try_get::<i64>("", "n").unwrap() > 0 {
            left.push(format!("{table}.{column}"));
        }
    }
    left
}

async fn counts(server: &TestServer, client_id: i64) -> [u64; 6] {
    let db = &server.db.conn;
    let goals: Vec<i64> = goal::Entity::find()
        .filter(goal::Column::ClientId.eq(client_id))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|g| g.id)
        .collect();
    let visits: Vec<i64> = visit::Entity::find()
        .filter(visit::Column::ClientId.eq(client_id))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    [
        goals.len() as u64,
        goal_step::Entity::find()
            .filter(goal_step::Column::GoalId.is_in(goals.clone()))
            .count(db)
            .await
            .unwrap(),
        goal_rating::Entity::find().filter(goal_rating::Column::GoalId.is_in(goals)).count(db).await.unwrap(),
        visits.len() as u64,
        ride_leg::Entity::find().filter(ride_leg::Column::VisitId.is_in(visits)).count(db).await.unwrap(),
        ending::Entity::find().filter(ending::Column::ClientId.eq(client_id)).count(db).await.unwrap(),
    ]
}

#[tokio::test]
async fn details_are_cleared_months_after_the_ending_and_the_counts_stay() {
    for server in demo_servers().await {
        let backend = server.db.backend;
        let db = &server.db.conn;
        app::backend::demo::seed_goals(db).await.unwrap();
        app::backend::demo::seed_ending(db, &server.url).await.unwrap();
        let tarja = client_named(&server, "Tarja").await;
        let matti = client_named(&server, "Matti").await;
        mark(&server, tarja.id, DUE).await;
        mark(&server, matti.id, KEPT).await;
        let matti_marked = marks_left(&server, KEPT).await;
        assert!(matti_marked.contains(&"clients.display_name".to_owned()), "{backend}: {matti_marked:?}");
        let before = counts(&server, tarja.id).await;
        assert!(before.iter().all(|&n| n > 0), "{backend}: the demo gives Tarja rows everywhere: {before:?}");
        let km_before: i32 = visit::Entity::find()
            .filter(visit::Column::ClientId.eq(tarja.id))
            .all(db)
            .await
            .unwrap()
            .iter()
            .filter_map(|v| v.km_tenths)
            .sum();

        // Two days after her ending: nothing is due yet, with the default twelve months.
        let run = retention::run(db, 12, Utc::now()).await.unwrap();
        assert_eq!(run.cleared, 0, "{backend}");
        assert!(marks_left(&server, DUE).await.len() > 20, "{backend}: her marks are all there");

        // Thirteen months on (Matti is still in guidance).
        let later = Utc::now() + Duration::days(400);
        let run = retention::run(db, 12, later).await.unwrap();
        assert_eq!((run.cleared, run.failed), (1, 0), "{backend}");
        let cleared = client::Entity::find_by_id(tarja.id).one(db).await.unwrap().unwrap();
        assert_eq!(cleared.display_name, retention::placeholder_name(tarja.id));
        assert!(cleared.anonymised_at.is_some(), "{backend}");
        assert_eq!(counts(&server, tarja.id).await, before, "{backend}: the rows and counts stay");
        let km_after: i32 = visit::Entity::find()
            .filter(visit::Column::ClientId.eq(tarja.id))
            .all(db)
            .await
            .unwrap()
            .iter()
            .filter_map(|v| v.km_tenths)
            .sum();
        assert_eq!(km_after, km_before, "{backend}: payroll's kilometres stay");
        let entries = reward_entry::Entity::find().count(db).await.unwrap();

        // None of her marks is left in any text column of any table; Matti, still in
        // guidance, keeps every one of his.
        assert_eq!(marks_left(&server, DUE).await, Vec::<String>::new(), "{backend}");
        assert_eq!(marks_left(&server, KEPT).await, matti_marked, "{backend}");

        // Once cleared, a later run leaves her be, and the ledger is untouched.
        assert_eq!(retention::run(db, 12, later).await.unwrap().cleared, 0, "{backend}");
        assert_eq!(reward_entry::Entity::find().count(db).await.unwrap(), entries);
    }
}
