//! Authorization and audit, enforced end to end: every server function is listed with what
//! guards it, each guarded one answers as the one policy decides for every role, and every
//! function that touches client data leaves an audit event.

mod common;

use std::{
    collections::BTreeSet,
    sync::atomic::{AtomicI64, Ordering},
};

use app::{
    api::{Access, ENDPOINTS},
    backend::entities::{
        audit_event, client, consent, ending, goal, goal_step, guidance_period, outing_driver,
        outing_session, outing_signup, proposal, referral, reward_rule, reward_scheme, transfer, user, visit,
    },
    domain::{
        ids::UserId,
        policy::{Actor, Resource, can},
        roles::{Role, RoleSet},
    },
};
use common::{TestServer, call, demo, demo_servers};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

#[test]
fn every_server_function_is_listed_and_answers_post_only() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| {
            assert_eq!(method, axum::http::Method::POST, "{path} must not answer GET");
            path.trim_start_matches("/api/").to_owned()
        })
        .collect();
    let listed: BTreeSet<String> = ENDPOINTS.iter().map(|e| e.path.to_owned()).collect();
    assert_eq!(registered, listed, "api::ENDPOINTS must list exactly the server functions");
    assert_eq!(listed.len(), ENDPOINTS.len(), "no endpoint is listed twice");
}

/// The demo world plus what the checks need: a client that neither the demo guide nor the
/// demo social worker has, and an invited account still without a password.
struct World {
    server: TestServer,
    coordinator: i64,
    other_guide: i64,
    /// A guide with room for more clients, to propose.
    free_guide: i64,
    other_social_worker: i64,
    other_client: i64,
    pending: i64,
    dead_message: i64,
    /// Each caller's authenticator secret, once their setup has been read.
    app_secrets: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

async fn world(server: TestServer) -> World {
    let users = user::Entity::find().all(&server.db.conn).await.unwrap();
    let id_of = |email: &str| users.iter().find(|u| u.email == email).unwrap().id;
    let other_guide = id_of(demo::GUIDE_2);
    let coordinator = id_of(demo::COORDINATOR);
    let free_guide = id_of(demo::FREE_GUIDE);
    let other_social_worker = id_of(demo::SOCIAL_WORKER_2);
    let now = chrono::Utc::now();
    let other_client = client::ActiveModel {
        display_name: Set("Outi".into()),
        municipality: Set("Alavus".into()),
        guide_id: Set(Some(other_guide)),
        referred_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&server.db.conn)
    .await
    .unwrap()
    .id;
    let form = app::api::accounts::AccountForm {
        name: "Pentti Odottaja".into(),
        email: "pending@rinnalla.example".into(),
        locale: "fi".into(),
        roles: [("guide".to_owned(), "on".to_owned())].into(),
        ..Default::default()
    };
    let account = app::backend::accounts::parse_form(&form).unwrap();
    let pending = app::backend::accounts::create(&server.db.conn, &account, None, now).await.unwrap().id;
    let dead_message = app::backend::entities::outbox_message::ActiveModel {
        kind: Set("invitation".into()),
        idempotency_key: Set("invitation:dead".into()),
        to_name: Set("Pentti Odottaja".into()),
        to_address: Set("pending@rinnalla.example".into()),
        locale: Set("fi".into()),
        subject: Set("Kutsu Rinnallaan".into()),
        text_body: Set("...".into()),
        html_body: Set("...".into()),
        attachments: Set("[]".into()),
        status: Set("dead".into()),
        attempts: Set(12),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&server.db.conn)
    .await
    .unwrap()
    .id;
    World {
        server,
        coordinator,
        other_guide,
        free_guide,
        other_social_worker,
        other_client,
        pending,
        dead_message,
        app_secrets: Default::default(),
    }
}

/// How far a fresh case has come. Every fixture that changes something gets a case of its own,
/// so what one allowed call changes never makes the next caller's answer differ.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// Referred by the other social worker, waiting in the queue.
    Submitted,
    /// Proposed to the other guide, who has not answered.
    Proposed,
    /// The other guide's client, before first contact.
    Active,
    /// As `Active`, with a transfer asked for.
    TransferAsked,
}

struct Case {
    client: i64,
    referral: i64,
    consent: i64,
    proposal: Option<i64>,
    transfer: Option<i64>,
}

async fn case(world: &World, stage: Stage) -> Case {
    let db = &world.server.db.conn;
    let now = chrono::Utc::now();
    let guide = matches!(stage, Stage::Active | Stage::TransferAsked).then_some(world.other_guide);
    let client = client::ActiveModel {
        display_name: Set("Testi".into()),
        municipality: Set("Lapua".into()),
        guide_id: Set(None),
        referred_by: Set(Some(world.other_social_worker)),
        contact_channel: Set("call".into()),
        languages: Set("fi".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let consent = consent::ActiveModel {
        client_id: Set(client),
        purpose: Set("experience_guidance".into()),
        shared_with: Set("Kokemusohjaaja".into()),
        given_at: Set(now),
        recorded_by: Set(Some(world.other_social_worker)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let status = match stage {
        Stage::Submitted => "submitted",
        Stage::Proposed => "guide_proposed",
        Stage::Active | Stage::TransferAsked => "accepted",
    };
    let referral = referral::ActiveModel {
        client_id: Set(client),
        referred_by: Set(Some(world.other_social_worker)),
        needs: Set("substance_use".into()),
        client_words: Set("Haluan jonkun mukaan virastoon.".into()),
        urgent: Set(false),
        status: Set(status.into()),
        submitted_at: Set(now),
        first_contact_due: Set(now + chrono::Duration::days(7)),
        guide_id: Set(guide),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let proposal = if stage == Stage::Proposed {
        let row = proposal::ActiveModel {
            referral_id: Set(referral),
            guide_id: Set(world.other_guide),
            milli_score: Set(500),
            explanation: Set("[]".into()),
            chosen_by: Set("coordinator".into()),
            proposed_at: Set(now),
            response: Set("pending".into()),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        Some(row.id)
    } else {
        None
    };
    if let Some(guide) = guide {
        app::backend::guidance::start_period(db, client, guide, Some(referral), now).await.unwrap();
    }
    let transfer = if stage == Stage::TransferAsked {
        let row = transfer::ActiveModel {
            client_id: Set(client),
            from_guide: Set(world.other_guide),
            reason: Set("Kemiat eivät kohdanneet".into()),
            requested_by: Set(Some(world.other_guide)),
            requested_at: Set(now),
            status: Set("pending".into()),
            earlier_transfers: Set(0),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        Some(row.id)
    } else {
        None
    };
    Case { client, referral, consent, proposal, transfer }
}

/// A client whose guidance with the other guide ended, with the summary made at the ending:
/// the period is closed and the client has no guide, as holding an ending leaves them.
async fn ended_of(world: &World) -> i64 {
    let case = case(world, Stage::Active).await;
    let db = &world.server.db.conn;
    let now = chrono::Utc::now();
    let period = guidance_period::Entity::find()
        .filter(guidance_period::Column::ClientId.eq(case.client))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut closed: guidance_period::ActiveModel = period.clone().into();
    closed.ended_at = Set(Some(now));
    closed.update(db).await.unwrap();
    let mut without_guide: client::ActiveModel =
        client::Entity::find_by_id(case.client).one(db).await.unwrap().unwrap().into();
    without_guide.guide_id = Set(None);
    without_guide.update(db).await.unwrap();
    ending::ActiveModel {
        client_id: Set(case.client),
        period_id: Set(period.id),
        held_on: Set(now.date_naive()),
        summary_text: Set(Some("Yhteenveto".into())),
        summary_made_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    case.client
}

/// A day of its own for each booking the fixtures make, so that no two of them clash.
fn fresh_day() -> chrono::NaiveDate {
    static NEXT: AtomicI64 = AtomicI64::new(30);
    chrono::Utc::now().date_naive() + chrono::Days::new(NEXT.fetch_add(1, Ordering::Relaxed) as u64)
}

/// A planned visit of a fresh case of the other guide's, starting `from_now` from now, with
/// `social_worker` taking part.
async fn visit_of(world: &World, from_now: chrono::Duration, social_worker: Option<i64>) -> (i64, Resource) {
    let case = case(world, Stage::Active).await;
    let now = chrono::Utc::now();
    let row = visit::ActiveModel {
        client_id: Set(case.client),
        guide_id: Set(world.other_guide),
        social_worker_id: Set(social_worker),
        kind: Set(if social_worker.is_some() { "review" } else { "home_visit" }.into()),
        starts_at: Set(now + from_now),
        ends_at: Set(now + from_now + chrono::Duration::hours(1)),
        zone: Set("Europe/Helsinki".into()),
        place: Set("Lapua".into()),
        status: Set("planned".into()),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&world.server.db.conn)
    .await
    .unwrap();
    let resource = Resource::Visit {
        guide: UserId(world.other_guide),
        client_guide: Some(UserId(world.other_guide)),
        driver: None,
        social_worker: social_worker.map(UserId),
        referred_by: Some(UserId(world.other_social_worker)),
    };
    (row.id, resource)
}

/// A goal with one open step, of a fresh case of the other guide's.
async fn goal_of(world: &World) -> (i64, i64) {
    let case = case(world, Stage::Active).await;
    let db = &world.server.db.conn;
    let now = chrono::Utc::now();
    let goal = goal::ActiveModel {
        client_id: Set(case.client),
        referral_id: Set(Some(case.referral)),
        words: Set("Käyn kaupassa yksin".into()),
        status: Set("active".into()),
        set_on: Set(now.date_naive() - chrono::Days::new(1)),
        position: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let step = goal_step::ActiveModel {
        goal_id: Set(goal),
        words: Set("Kauppalista valmiiksi".into()),
        position: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    (goal, step)
}

/// A reward scheme in points with one way to earn, of a fresh case of the other guide's.
async fn scheme_of(world: &World) -> (i64, i64) {
    let case = case(world, Stage::Active).await;
    let db = &world.server.db.conn;
    let now = chrono::Utc::now();
    let scheme = reward_scheme::ActiveModel {
        client_id: Set(case.client),
        unit: Set("points".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let rule = reward_rule::ActiveModel {
        scheme_id: Set(scheme),
        position: Set(0),
        what: Set("Tiskit tehty".into()),
        amount: Set(5),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    (case.client, rule)
}

/// A session of a fresh outing led by the other guide, ten days from now, with five places.
async fn session_of(world: &World) -> i64 {
    let now = chrono::Utc::now();
    let start = now + chrono::Duration::days(10);
    let outing = app::domain::outings::NewOuting {
        kind: app::domain::outings::OutingKind::Outing,
        title: "Makkaranpaisto laavulla".into(),
        description: String::new(),
        place: "Kuortane".into(),
        meeting_point: String::new(),
        capacity: 5,
        cost_cents: 0,
        reimbursed: String::new(),
        accessibility: String::new(),
        closes_days: 1,
        hold_hours: 24,
        recurrence: app::domain::scheduling::Recurrence::Once,
        sessions: vec![app::domain::scheduling::Slot { start, end: start + chrono::Duration::hours(2) }],
    };
    app::backend::outings::insert(&world.server.db.conn, &outing, &[world.other_guide], None, now)
        .await
        .unwrap()
        .1
}

/// A sign-up of a fresh case of the other guide's, in a session of its own, as `status`.
async fn signup_of(world: &World, status: &str, needs_ride: bool) -> i64 {
    let case = case(world, Stage::Active).await;
    let session = session_of(world).await;
    let now = chrono::Utc::now();
    outing_signup::ActiveModel {
        session_id: Set(session),
        client_id: Set(case.client),
        status: Set(status.into()),
        queue: Set(1),
        needs_ride: Set(needs_ride),
        pickup_place: Set(needs_ride.then(|| "Alavus".to_owned())),
        offer_expires_at: Set((status == "offered").then(|| now + chrono::Duration::hours(5))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&world.server.db.conn)
    .await
    .unwrap()
    .id
}

/// A confirmed rider of the other guide's session, with the other guide driving two seats.
async fn rider_of(world: &World) -> i64 {
    let signup = signup_of(world, "confirmed", true).await;
    let row = outing_signup::Entity::find_by_id(signup).one(&world.server.db.conn).await.unwrap().unwrap();
    outing_driver::ActiveModel {
        session_id: Set(row.session_id),
        driver_id: Set(world.other_guide),
        seats: Set(2),
        from_place: Set("Seinäjoki".into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&world.server.db.conn)
    .await
    .unwrap();
    signup
}

/// The session of `signup` began an hour ago: its day has come.
async fn begun(world: &World, signup: i64) {
    let row = outing_signup::Entity::find_by_id(signup).one(&world.server.db.conn).await.unwrap().unwrap();
    let start = chrono::Utc::now() - chrono::Duration::hours(1);
    outing_session::Entity::update_many()
        .col_expr(outing_session::Column::StartsAt, sea_orm::sea_query::Expr::value(start))
        .col_expr(
            outing_session::Column::EndsAt,
            sea_orm::sea_query::Expr::value(start + chrono::Duration::hours(2)),
        )
        .filter(outing_session::Column::Id.eq(row.session_id))
        .exec(&world.server.db.conn)
        .await
        .unwrap();
}

fn own_account() -> Resource {
    Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: true }
}

/// The code the caller's authenticator app shows `ahead` seconds from now, for the setup they
/// began (read as they read it, from their own settings).
async fn own_app_code(world: &World, caller: &str, ahead: i64) -> String {
    if caller == "anonymous" {
        return "123456".into();
    }
    let known = world.app_secrets.lock().unwrap().get(caller).cloned();
    let secret = match known {
        Some(secret) => secret,
        None => {
            let client = world.server.signed_in(caller).await;
            let status: serde_json::Value =
                call(&client, &world.server, "/api/settings/second-factor", &[]).await.json().await.unwrap();
            let secret = status["setup"]["secret"].as_str().map(str::to_owned).unwrap_or_else(|| {
                panic!("{caller}: a setup begun before it is confirmed: {status}");
            });
            world.app_secrets.lock().unwrap().insert(caller.to_owned(), secret.clone());
            secret
        }
    };
    app::backend::testing::app_code(&secret, chrono::Utc::now() + chrono::Duration::seconds(ahead))
}

/// The handle of a new session of the caller's own (signed in on another device just now).
async fn another_own_session(world: &World, caller: &str) -> String {
    use app::backend::entities::session;
    if caller == "anonymous" {
        return "0".repeat(24);
    }
    let ids = || async {
        session::Entity::find()
            .all(&world.server.db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect::<BTreeSet<_>>()
    };
    let before = ids().await;
    let _phone = world.server.signed_in(caller).await;
    let new = ids().await.difference(&before).next().cloned().expect("the new session");
    app::backend::session_store::handle_of(&new)
}

/// A request for each endpoint, aimed at another person's record, and the resource the
/// policy sees for it. A new endpoint without a line here fails the test.
async fn fixture(world: &World, path: &str, caller: &str) -> (Vec<(&'static str, String)>, Resource) {
    let guide_account = Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: false };
    let other_client = Resource::Client { guide: Some(UserId(world.other_guide)), referred_by: None };
    let referred_by = Some(UserId(world.other_social_worker));
    let guided_by = Some(UserId(world.other_guide));
    let id = |n: i64| n.to_string();
    let account_form = |email: String| {
        vec![
            ("form[name]", "Jussi Koski".to_owned()),
            ("form[email]", email),
            ("form[phone]", String::new()),
            ("form[locale]", "fi".to_owned()),
            ("form[roles][guide]", "on".to_owned()),
        ]
    };
    match path {
        "accounts/list" => (vec![], Resource::Nothing),
        "accounts/get" => (vec![("id", world.other_guide.to_string())], Resource::Nothing),
        "accounts/invite" => (account_form(format!("new.{}", caller)), guide_account),
        "accounts/reinvite" => (vec![("id", world.pending.to_string())], guide_account),
        "accounts/update" => {
            let mut form = account_form(demo::GUIDE_2.to_owned());
            form.push(("id", world.other_guide.to_string()));
            (form, guide_account)
        }
        "accounts/set-active" => {
            (vec![("id", world.other_guide.to_string()), ("active", "true".into())], guide_account)
        }
        "audit/list" => (vec![("query[before]", String::new())], Resource::Nothing),
        "audit/client" => (vec![("client_id", world.other_client.to_string())], Resource::Nothing),
        "outbox/list" => (vec![], Resource::Nothing),
        // Each allowed retry puts the dead message back; the policy check comes first.
        "outbox/retry" => (vec![("id", world.dead_message.to_string())], Resource::Nothing),
        "settings/notifications" => (vec![], own_account()),
        "settings/notifications/save" => (vec![("email[visit_reminder]", "on".into())], own_account()),
        "settings/second-factor" | "settings/second-factor/begin" | "settings/sessions" => {
            (vec![], own_account())
        }
        // The caller's own app: the code it shows now (the setup begun just before), and the
        // next step's for new recovery codes (the setup took this one).
        "settings/second-factor/confirm" => {
            (vec![("code", own_app_code(world, caller, 0).await)], own_account())
        }
        "settings/second-factor/recovery-codes" => {
            (vec![("code", own_app_code(world, caller, 30).await)], own_account())
        }
        "settings/second-factor/off" => {
            (vec![("password", app::backend::demo::DEMO_PASSWORD.into())], own_account())
        }
        // The same password again keeps the demo's sign-ins working for the rest of the test.
        "settings/password" => (
            vec![
                ("current_password", app::backend::demo::DEMO_PASSWORD.into()),
                ("password", app::backend::demo::DEMO_PASSWORD.into()),
                ("password_again", app::backend::demo::DEMO_PASSWORD.into()),
            ],
            own_account(),
        ),
        "settings/sessions/end" => {
            (vec![("handle", another_own_session(world, caller).await)], own_account())
        }
        "accounts/reset-second-factor" => (vec![("id", world.other_guide.to_string())], guide_account),
        "topics/list" => (vec![], Resource::Nothing),
        "referrals/submit" => (
            vec![
                ("form[display_name]", "Testi".into()),
                ("form[place]", "Seinäjoki".into()),
                ("form[languages][fi]", "on".into()),
                ("form[needs][loneliness]", "on".into()),
                ("form[consent]", "on".into()),
            ],
            Resource::Nothing,
        ),
        "referrals/list" | "referrals/batch-preview" | "referrals/batch-apply" => (vec![], Resource::Nothing),
        "referrals/get" => {
            let case = case(world, Stage::Proposed).await;
            (
                vec![("id", id(case.referral))],
                Resource::Referral {
                    referred_by,
                    guides: vec![UserId(world.other_guide)],
                    named_guide: None,
                },
            )
        }
        "referrals/ranking" => {
            let case = case(world, Stage::Submitted).await;
            (
                vec![("id", id(case.referral))],
                Resource::Referral { referred_by, guides: vec![], named_guide: None },
            )
        }
        "referrals/propose" => {
            let case = case(world, Stage::Submitted).await;
            let form = vec![
                ("id", id(case.referral)),
                ("guide_id", id(world.free_guide)),
                ("chosen_by", "coordinator".into()),
            ];
            (form, Resource::Referral { referred_by, guides: vec![], named_guide: None })
        }
        "referrals/introductions" => {
            let case = case(world, Stage::Submitted).await;
            let form = vec![("id", id(case.referral)), ("guides[0]", id(world.free_guide))];
            (form, Resource::Referral { referred_by, guides: vec![], named_guide: None })
        }
        "referrals/first-contact" => {
            let case = case(world, Stage::Active).await;
            (
                vec![("id", id(case.referral)), ("channel", "call".into())],
                Resource::Client { guide: guided_by, referred_by },
            )
        }
        // A proposal waiting for the other guide, so that their list is not empty.
        "proposals/mine" => {
            case(world, Stage::Proposed).await;
            (vec![], Resource::Nothing)
        }
        "proposals/respond" => {
            let case = case(world, Stage::Proposed).await;
            let form = vec![
                ("id", id(case.proposal.unwrap())),
                ("accept", "false".into()),
                ("reason", "Ei tilaa juuri nyt".into()),
            ];
            (form, Resource::Proposal { guide: UserId(world.other_guide) })
        }
        "consents/withdraw" => {
            let case = case(world, Stage::Submitted).await;
            (vec![("id", id(case.consent))], Resource::Client { guide: None, referred_by })
        }
        "guidance/update" => {
            let case = case(world, Stage::Active).await;
            let today = chrono::Utc::now().date_naive();
            let form = vec![
                ("client_id", id(case.client)),
                ("planned_end", (today + chrono::Days::new(150)).to_string()),
                ("review_due", (today + chrono::Days::new(60)).to_string()),
            ];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        "guidance/end" => {
            let case = case(world, Stage::Active).await;
            let form = vec![("client_id", id(case.client)), ("reason", "Tavoitteet saavutettu".into())];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        "transfers/request" => {
            let case = case(world, Stage::Active).await;
            let form = vec![("client_id", id(case.client)), ("reason", "Kemiat eivät kohdanneet".into())];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        // A transfer waiting, so that the list is not empty.
        "transfers/list" => {
            case(world, Stage::TransferAsked).await;
            (vec![], Resource::Nothing)
        }
        "transfers/decide" => {
            let case = case(world, Stage::TransferAsked).await;
            (vec![("id", id(case.transfer.unwrap())), ("approve", "false".into())], Resource::Nothing)
        }
        "guides/list" => (vec![], Resource::Nothing),
        "guides/profile" => (vec![("id", id(world.other_guide))], guide_account),
        "guides/profile/save" => {
            let form = vec![
                ("id", id(world.other_guide)),
                ("form[place]", "Lapua".into()),
                ("form[max_caseload]", "4".into()),
                ("form[topics][substance_use]", "on".into()),
                ("form[introduction]", "Moi, olen Jussi.".into()),
            ];
            (form, guide_account)
        }
        "clients/list" => (vec![], Resource::Nothing),
        "clients/get" => (vec![("id", world.other_client.to_string())], other_client),
        "visits/choices" | "visits/for-client" => {
            let case = case(world, Stage::Active).await;
            (vec![("client_id", id(case.client))], Resource::Client { guide: guided_by, referred_by })
        }
        "visits/book" => {
            let case = case(world, Stage::Active).await;
            let form = vec![
                ("form[client_id]", id(case.client)),
                ("form[kind]", "home_visit".into()),
                ("form[date]", fresh_day().to_string()),
                ("form[start]", "10:00".into()),
                ("form[end]", "11:30".into()),
                ("form[place]", "Lapua".into()),
            ];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        // Today's meeting with the coordinator in it, so that their agenda shows a client.
        "visits/agenda" => {
            visit_of(world, chrono::Duration::zero(), Some(world.coordinator)).await;
            (vec![], Resource::Nothing)
        }
        "visits/get" => {
            let (visit, resource) = visit_of(world, chrono::Duration::days(2), None).await;
            (vec![("id", id(visit))], resource)
        }
        "visits/outcome" => {
            let (visit, resource) = visit_of(world, chrono::Duration::hours(-2), None).await;
            let form = vec![
                ("id", id(visit)),
                ("outcome", "done".into()),
                ("hours", "1,5".into()),
                ("km", "12".into()),
            ];
            (form, resource)
        }
        "visits/cancel" => {
            let (visit, resource) = visit_of(world, chrono::Duration::days(3), None).await;
            (vec![("id", id(visit)), ("scope", "one".into())], resource)
        }
        "visits/reschedule" => {
            let (visit, resource) = visit_of(world, chrono::Duration::days(3), None).await;
            let form = vec![
                ("id", id(visit)),
                ("date", fresh_day().to_string()),
                ("start", "12:00".into()),
                ("end", "13:00".into()),
            ];
            (form, resource)
        }
        "goals/for-client" => {
            let case = case(world, Stage::Active).await;
            (vec![("client_id", id(case.client))], Resource::Client { guide: guided_by, referred_by })
        }
        "goals/add" => {
            let case = case(world, Stage::Active).await;
            let form = vec![
                ("client_id", id(case.client)),
                ("form[words]", "Saan postit avattua".into()),
                ("form[step_1]", "Avaan yhden kirjeen".into()),
            ];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        "goals/change" => {
            let (goal, _) = goal_of(world).await;
            (
                vec![("id", id(goal)), ("change", "pause".into())],
                Resource::Client { guide: guided_by, referred_by },
            )
        }
        "goals/rate" => {
            let (goal, _) = goal_of(world).await;
            (vec![("id", id(goal)), ("face", "4".into())], Resource::Client { guide: guided_by, referred_by })
        }
        "goals/steps/add" => {
            let (goal, _) = goal_of(world).await;
            (
                vec![("id", id(goal)), ("words", "Maksan laskun".into())],
                Resource::Client { guide: guided_by, referred_by },
            )
        }
        "goals/steps/mark" => {
            let (_, step) = goal_of(world).await;
            (
                vec![("id", id(step)), ("done", "true".into())],
                Resource::Client { guide: guided_by, referred_by },
            )
        }
        "feedback/screen" => {
            let (visit, resource) = visit_of(world, chrono::Duration::days(3), None).await;
            (vec![("visit", id(visit))], resource)
        }
        "feedback/give" => {
            // Under way now: feedback is given from the visit's start to the same evening.
            let (visit, resource) = visit_of(world, chrono::Duration::minutes(-30), None).await;
            (vec![("visit", id(visit)), ("answers[got_help]", "happy".into())], resource)
        }
        "feedback/results" => (vec![], Resource::Nothing),
        "reviews/for-client" => {
            let case = case(world, Stage::Active).await;
            (vec![("client_id", id(case.client))], Resource::Client { guide: guided_by, referred_by })
        }
        "reviews/hold" => {
            let case = case(world, Stage::Active).await;
            let form = vec![("client_id", id(case.client)), ("form[outcome]", "continue".into())];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        "endings/for-client" => {
            let case = case(world, Stage::Active).await;
            (vec![("client_id", id(case.client))], Resource::Client { guide: guided_by, referred_by })
        }
        "endings/hold" => {
            let case = case(world, Stage::Active).await;
            let form =
                vec![("client_id", id(case.client)), ("form[what_helped]", "Se että joku tuli".into())];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        "endings/summary" => {
            let client = ended_of(world).await;
            (vec![("client_id", id(client))], Resource::Client { guide: None, referred_by })
        }
        "rewards/scheme" => {
            let case = case(world, Stage::Active).await;
            let form = vec![
                ("client_id", id(case.client)),
                ("form[unit]", "points".into()),
                ("form[lines][earn_1_what]", "Tiskit tehty".into()),
                ("form[lines][earn_1_amount]", "5".into()),
            ];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        "rewards/entry" => {
            let (client, rule) = scheme_of(world).await;
            let form = vec![("client_id", id(client)), ("kind", "earned".into()), ("line", id(rule))];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        "outings/choices" | "outings/list" => (vec![], Resource::Nothing),
        "outings/create" => {
            let day = (chrono::Utc::now() + chrono::Duration::days(20)).date_naive().to_string();
            // The form names the leader by id: a name made once per fixture call.
            let leader: &'static str = format!("form[leaders][{}]", world.other_guide).leak();
            let form = vec![
                ("form[kind]", "outing".into()),
                ("form[title]", "Teatteriin".into()),
                ("form[place]", "Seinäjoki".into()),
                ("form[date]", day),
                ("form[start]", "18:00".into()),
                ("form[end]", "21:00".into()),
                ("form[capacity]", "8".into()),
                (leader, "on".into()),
            ];
            (form, Resource::Nothing)
        }
        "outings/session" => {
            let signup = signup_of(world, "confirmed", false).await;
            let session =
                outing_signup::Entity::find_by_id(signup).one(&world.server.db.conn).await.unwrap().unwrap();
            (vec![("session_id", id(session.session_id))], Resource::Nothing)
        }
        "outings/sign-up" => {
            let case = case(world, Stage::Active).await;
            let session = session_of(world).await;
            let form = vec![
                ("form[session_id]", id(session)),
                ("form[client_id]", id(case.client)),
                ("form[consent]", "on".into()),
            ];
            (form, Resource::Client { guide: guided_by, referred_by })
        }
        "outings/cancel" => {
            let signup = signup_of(world, "confirmed", false).await;
            (vec![("signup_id", id(signup))], Resource::Client { guide: guided_by, referred_by })
        }
        "outings/confirm" => {
            let signup = signup_of(world, "offered", false).await;
            (vec![("signup_id", id(signup))], Resource::Client { guide: guided_by, referred_by })
        }
        "outings/move-up" => {
            let signup = signup_of(world, "waiting", false).await;
            let form =
                vec![("signup_id", id(signup)), ("reason", "Ensimmäinen retki, tärkeä aloitus".into())];
            (form, Resource::Outing { leaders: vec![UserId(world.other_guide)], drivers: vec![] })
        }
        "outings/own-transport" => {
            let signup = signup_of(world, "waiting", true).await;
            let form = vec![("signup_id", id(signup)), ("note", "Taksi Kelan kyytinä".into())];
            (form, Resource::Outing { leaders: vec![UserId(world.other_guide)], drivers: vec![] })
        }
        "outings/seats" => {
            let session = session_of(world).await;
            let form = vec![
                ("form[session_id]", id(session)),
                ("form[seats]", "3".into()),
                ("form[from_place]", "Lapua".into()),
            ];
            (form, Resource::Nothing)
        }
        "outings/seats-withdraw" => {
            // The caller's own car, to take back.
            let session = session_of(world).await;
            let caller = user::Entity::find()
                .filter(user::Column::Email.eq(caller))
                .one(&world.server.db.conn)
                .await
                .unwrap();
            if let Some(caller) = caller {
                outing_driver::ActiveModel {
                    session_id: Set(session),
                    driver_id: Set(caller.id),
                    seats: Set(2),
                    from_place: Set("Lapua".into()),
                    created_at: Set(chrono::Utc::now()),
                    ..Default::default()
                }
                .insert(&world.server.db.conn)
                .await
                .unwrap();
            }
            (vec![("session_id", id(session))], Resource::Nothing)
        }
        "outings/pickups" => {
            let signup = rider_of(world).await;
            let session =
                outing_signup::Entity::find_by_id(signup).one(&world.server.db.conn).await.unwrap().unwrap();
            let resource = Resource::Outing {
                leaders: vec![UserId(world.other_guide)],
                drivers: vec![UserId(world.other_guide)],
            };
            (vec![("session_id", id(session.session_id))], resource)
        }
        "outings/assign" => {
            let signup = rider_of(world).await;
            let resource = Resource::Outing {
                leaders: vec![UserId(world.other_guide)],
                drivers: vec![UserId(world.other_guide)],
            };
            (vec![("signup_id", id(signup)), ("driver", id(world.other_guide))], resource)
        }
        "outings/attendance" => {
            let signup = signup_of(world, "confirmed", false).await;
            begun(world, signup).await;
            let form = vec![("signup_id", id(signup)), ("attendance", "attended".into())];
            (form, Resource::Outing { leaders: vec![UserId(world.other_guide)], drivers: vec![] })
        }
        "outings/work" => {
            let signup = signup_of(world, "confirmed", false).await;
            begun(world, signup).await;
            let session =
                outing_signup::Entity::find_by_id(signup).one(&world.server.db.conn).await.unwrap().unwrap();
            let form = vec![
                ("form[session_id]", id(session.session_id)),
                ("form[hours]", "3".into()),
                ("form[km]", "40".into()),
            ];
            (form, Resource::Outing { leaders: vec![UserId(world.other_guide)], drivers: vec![] })
        }
        "outings/notes" => {
            let session = session_of(world).await;
            let form = vec![("form[session_id]", id(session)), ("form[agenda]", "1. Kuulumiset".into())];
            (form, Resource::Outing { leaders: vec![UserId(world.other_guide)], drivers: vec![] })
        }
        "mileage/month" => (vec![("guide", id(world.other_guide))], guide_account),
        "calendar/status" | "calendar/new-link" | "calendar/revoke" => (vec![], own_account()),
        other => panic!("no fixture for the endpoint {other}: add one to tests/policy.rs"),
    }
}

async fn actor(world: &World, email: &str) -> Actor {
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&world.server.db.conn)
        .await
        .unwrap()
        .unwrap();
    let roles = app::backend::auth::roles_of(&world.server.db.conn, account.id).await.unwrap();
    Actor { user_id: UserId(account.id), roles }
}

#[tokio::test]
async fn every_guarded_server_function_answers_as_the_policy_decides() {
    for server in demo_servers().await {
        let world = world(server).await;
        for email in [demo::ADMIN, demo::COORDINATOR, demo::SOCIAL_WORKER, demo::GUIDE] {
            let client = world.server.signed_in(email).await;
            let actor = actor(&world, email).await;
            for endpoint in ENDPOINTS {
                let Access::Policy(action) = endpoint.access else { continue };
                let (form, resource) = fixture(&world, endpoint.path, email).await;
                let expected = can(&actor, action, &resource).is_allowed();
                let response = call(&client, &world.server, &format!("/api/{}", endpoint.path), &form).await;
                let status = response.status();
                if expected {
                    assert!(
                        status.is_success() || status.is_redirection(),
                        "{}: {email} may {}: got {status}: {}",
                        world.server.db.backend,
                        endpoint.path,
                        response.text().await.unwrap()
                    );
                } else {
                    assert_eq!(status, 403, "{}: {email} may not {}", world.server.db.backend, endpoint.path);
                }
            }
        }
    }
}

#[tokio::test]
async fn guarded_server_functions_refuse_anonymous_callers() {
    for server in demo_servers().await {
        let world = world(server).await;
        for endpoint in ENDPOINTS.iter().filter(|e| e.access != Access::Public) {
            let (form, _) = fixture(&world, endpoint.path, "anonymous").await;
            let response =
                call(&common::browser(), &world.server, &format!("/api/{}", endpoint.path), &form).await;
            assert_eq!(response.status(), 401, "{} without signing in", endpoint.path);
        }
    }
}

async fn client_events(world: &World, outcome: &str) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq("client"))
        .filter(audit_event::Column::Outcome.eq(outcome))
        .count(&world.server.db.conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_client_data_function_writes_the_audit_trail() {
    for server in demo_servers().await {
        let world = world(server).await;
        let guide = world.server.signed_in(demo::GUIDE).await;
        // Whoever of these the policy lets make the call makes it: the fixtures aim at the
        // other guide's and the other social worker's records.
        let mut callers = Vec::new();
        for email in [demo::COORDINATOR, demo::GUIDE_2, demo::SOCIAL_WORKER_2] {
            callers.push((actor(&world, email).await, world.server.signed_in(email).await));
        }
        for endpoint in ENDPOINTS.iter().filter(|e| e.client_data) {
            let Access::Policy(action) = endpoint.access else { panic!("client data is always guarded") };
            let (form, resource) = fixture(&world, endpoint.path, "audit").await;
            let path = format!("/api/{}", endpoint.path);
            let (_, caller) = callers
                .iter()
                .find(|(actor, _)| can(actor, action, &resource).is_allowed())
                .unwrap_or_else(|| panic!("nobody in the fixtures may call {path}"));

            let before = client_events(&world, "allowed").await;
            let response = call(caller, &world.server, &path, &form).await;
            assert!(
                response.status().is_success(),
                "{path}: {}: {}",
                response.status(),
                response.text().await.unwrap()
            );
            let after = client_events(&world, "allowed").await;
            assert!(
                after > before,
                "{}: {path} read client data without an audit event",
                world.server.db.backend
            );
            let last = audit_event::Entity::find()
                .filter(audit_event::Column::Entity.eq("client"))
                .order_by_desc(audit_event::Column::Id)
                .one(&world.server.db.conn)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(last.action, action.as_str(), "{path}");
            assert!(last.actor_id.is_some() && last.request_id.is_some(), "who and which request");

            // The demo guide may not touch the other guide's client: a refused attempt is
            // audited too.
            if matches!(resource, Resource::Client { .. }) {
                let (form, _) = fixture(&world, endpoint.path, "audit").await;
                let denied_before = client_events(&world, "denied").await;
                let refused = call(&guide, &world.server, &path, &form).await;
                assert_eq!(refused.status(), 403, "{path}");
                assert_eq!(
                    client_events(&world, "denied").await,
                    denied_before + 1,
                    "{path}: denied attempt"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_guide_who_types_another_guides_client_address_is_refused_and_recorded() {
    for server in demo_servers().await {
        let world = world(server).await;
        let guide = world.server.signed_in(demo::GUIDE).await;
        let response = guide
            .get(world.server.at(&format!("/clients/{}", world.other_client)))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
        let html = response.text().await.unwrap();
        assert!(html.contains("Ei oikeutta"), "a clear 'not allowed' page");
        assert!(!html.contains("Outi"), "nothing of the client leaks");
        let denied = audit_event::Entity::find()
            .filter(audit_event::Column::Outcome.eq("denied"))
            .filter(audit_event::Column::EntityId.eq(world.other_client.to_string()))
            .count(&world.server.db.conn)
            .await
            .unwrap();
        assert_eq!(denied, 1, "{}", world.server.db.backend);
    }
}

#[tokio::test]
async fn the_client_list_shows_each_role_only_its_own_and_audits_each_row() {
    for server in demo_servers().await {
        let world = world(server).await;
        let guide = world.server.signed_in(demo::GUIDE).await;
        let response = call(&guide, &world.server, "/api/clients/list", &[]).await;
        let clients =
            response.json::<app::dto::Page<app::api::clients::ClientListItem>>().await.unwrap().rows;
        let names: Vec<_> = clients.iter().map(|c| c.display_name.as_str()).collect();
        assert_eq!(names, vec!["Matti"], "the demo guide has one client");
        let all = client::Entity::find().all(&world.server.db.conn).await.unwrap();
        let sami = actor(&world, demo::SOCIAL_WORKER).await.user_id.0;
        let referred: BTreeSet<i64> =
            all.iter().filter(|c| c.referred_by == Some(sami)).map(|c| c.id).collect();
        let social_worker = world.server.signed_in(demo::SOCIAL_WORKER).await;
        let clients = call(&social_worker, &world.server, "/api/clients/list", &[])
            .await
            .json::<app::dto::Page<app::api::clients::ClientListItem>>()
            .await
            .unwrap()
            .rows;
        let listed: BTreeSet<i64> = clients.iter().map(|c| c.id.0).collect();
        assert!(referred.len() > 1 && !referred.contains(&world.other_client));
        assert_eq!(listed, referred, "the ones the social worker referred, not Outi");
        let coordinator = world.server.signed_in(demo::COORDINATOR).await;
        let clients = call(&coordinator, &world.server, "/api/clients/list", &[])
            .await
            .json::<app::dto::Page<app::api::clients::ClientListItem>>()
            .await
            .unwrap()
            .rows;
        assert_eq!(clients.len(), all.len(), "coordinators see every client");
        assert_eq!(
            client_events(&world, "allowed").await as usize,
            1 + referred.len() + all.len(),
            "one read per listed client"
        );
    }
}
