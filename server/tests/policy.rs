//! Authorization and audit, enforced end to end: every server function is listed with what
//! guards it, each guarded one answers as the one policy decides for every role, and every
//! function that touches client data leaves an audit event.

mod common;

use std::collections::BTreeSet;

use app::{
    api::{Access, ENDPOINTS},
    backend::entities::{audit_event, client, user},
    domain::{
        ids::UserId,
        policy::{Action, Actor, Resource, can},
        roles::{Role, RoleSet},
    },
};
use common::{TestServer, call, demo, demo_servers};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

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
    other_guide: i64,
    other_client: i64,
    pending: i64,
    dead_message: i64,
}

async fn world(server: TestServer) -> World {
    let users = user::Entity::find().all(&server.db.conn).await.unwrap();
    let id_of = |email: &str| users.iter().find(|u| u.email == email).unwrap().id;
    let other_guide = id_of(demo::GUIDE_2);
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
    World { server, other_guide, other_client, pending, dead_message }
}

fn own_account() -> Resource {
    Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: true }
}

/// A request for each endpoint, aimed at another person's record, and the resource the
/// policy sees for it. A new endpoint without a line here fails the test.
fn fixture(world: &World, path: &str, caller: &str) -> (Vec<(&'static str, String)>, Resource) {
    let guide_account = Resource::Account { roles: RoleSet::new([Role::Guide]), is_self: false };
    let other_client = Resource::Client { guide: Some(UserId(world.other_guide)), referred_by: None };
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
        "audit/list" => (vec![("query[page]", "0".into())], Resource::Nothing),
        "audit/client" => {
            (vec![("client_id", world.other_client.to_string()), ("page", "0".into())], Resource::Nothing)
        }
        "outbox/list" => (vec![], Resource::Nothing),
        // Each allowed retry puts the dead message back; the policy check comes first.
        "outbox/retry" => (vec![("id", world.dead_message.to_string())], Resource::Nothing),
        "settings/notifications" => (vec![], own_account()),
        "settings/notifications/save" => (vec![("email[visit_reminder]", "on".into())], own_account()),
        "clients/list" => (vec![], Resource::Nothing),
        "clients/get" => (vec![("id", world.other_client.to_string())], other_client),
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
                let (form, resource) = fixture(&world, endpoint.path, email);
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
            let (form, _) = fixture(&world, endpoint.path, "anonymous");
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
        let coordinator = world.server.signed_in(demo::COORDINATOR).await;
        let guide = world.server.signed_in(demo::GUIDE).await;
        for endpoint in ENDPOINTS.iter().filter(|e| e.client_data) {
            let Access::Policy(action) = endpoint.access else { panic!("client data is always guarded") };
            let (form, _) = fixture(&world, endpoint.path, "audit");
            let path = format!("/api/{}", endpoint.path);

            let before = client_events(&world, "allowed").await;
            let response = call(&coordinator, &world.server, &path, &form).await;
            assert!(response.status().is_success(), "{path}: {}", response.status());
            let after = client_events(&world, "allowed").await;
            assert!(
                after > before,
                "{}: {path} read client data without an audit event",
                world.server.db.backend
            );
            let last = audit_event::Entity::find()
                .filter(audit_event::Column::Entity.eq("client"))
                .all(&world.server.db.conn)
                .await
                .unwrap()
                .pop()
                .unwrap();
            assert_eq!(last.action, action.as_str());
            assert!(last.actor_id.is_some() && last.request_id.is_some(), "who and which request");

            // The guide may not see the other client: a refused attempt is audited too.
            if action == Action::ViewClient {
                let denied_before = client_events(&world, "denied").await;
                let refused = call(&guide, &world.server, &path, &form).await;
                assert_eq!(refused.status(), 403);
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
        let clients: Vec<app::api::clients::ClientListItem> = response.json().await.unwrap();
        let names: Vec<_> = clients.iter().map(|c| c.display_name.as_str()).collect();
        assert_eq!(names, vec!["Matti"], "the demo guide has one client");
        let social_worker = world.server.signed_in(demo::SOCIAL_WORKER).await;
        let clients: Vec<app::api::clients::ClientListItem> =
            call(&social_worker, &world.server, "/api/clients/list", &[]).await.json().await.unwrap();
        assert_eq!(clients.len(), 3, "the three the social worker referred, not Outi");
        let coordinator = world.server.signed_in(demo::COORDINATOR).await;
        let clients: Vec<app::api::clients::ClientListItem> =
            call(&coordinator, &world.server, "/api/clients/list", &[]).await.json().await.unwrap();
        assert_eq!(clients.len(), 4);
        assert_eq!(client_events(&world, "allowed").await, 1 + 3 + 4, "one read per listed client");
    }
}
