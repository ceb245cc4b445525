//! Requests whose arguments do not parse are the caller's mistake: every server function, for
//! anyone signed in or not, answers them with a 4xx and a readable message (never a 500 or a
//! dropped connection); a browser's form post goes back to its page with the message in the
//! user's language; and the request id in the audit trail is always the server's own.

mod common;

use std::{collections::BTreeSet, sync::Arc, time::Instant};

use app::{
    api::{AppError, ENDPOINTS},
    backend::entities::{audit_event, client, user},
    i18n::Locale,
    ui::components::error_text,
};
use common::{TestServer, browser, demo, demo_servers};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// What an argument takes, as far as the probes care.
#[derive(Clone, Copy, PartialEq)]
enum Arg {
    /// An id: `i64` or one of its newtypes.
    Id,
    /// A page number: `u64`.
    Page,
    /// Weeks from now: `i32`.
    Offset,
    /// Yes or no: `bool`.
    Flag,
    /// Free text.
    Text,
    /// A string the function checks: one of its choices, a date, a time, a number as typed.
    Choice,
    /// A nested form, `name[field]`.
    Form(&'static [Field]),
}

#[derive(Clone, Copy, PartialEq)]
struct Field {
    name: &'static str,
    arg: Arg,
    required: bool,
}

const fn req(name: &'static str, arg: Arg) -> Field {
    Field { name, arg, required: true }
}

const fn opt(name: &'static str, arg: Arg) -> Field {
    Field { name, arg, required: false }
}

use Arg::{Choice, Flag, Form, Id, Offset, Page, Text};

const ACCOUNT: &[Field] = &[
    req("name", Text),
    req("email", Text),
    req("phone", Text),
    req("locale", Choice),
    opt("roles[guide]", Text),
    opt("languages[fi]", Text),
];
// Filters: a value that matches nothing finds nothing.
const AUDIT_QUERY: &[Field] = &[
    opt("actor", Text),
    opt("entity", Text),
    opt("action", Text),
    opt("from", Text),
    opt("until", Text),
    opt("before", Text),
];
const REFERRAL: &[Field] = &[
    req("display_name", Text),
    req("place", Choice),
    opt("languages[fi]", Text),
    opt("needs[debt]", Text),
    opt("client_words", Text),
    opt("consent", Text),
    opt("consent_valid_until", Choice),
];
const GUIDE_PROFILE: &[Field] = &[
    opt("topics[debt]", Text),
    req("place", Choice),
    opt("seats", Choice),
    req("max_caseload", Choice),
    opt("introduction", Text),
    opt("slots[0][weekday]", Choice),
    opt("slots[0][start]", Choice),
];
// Every field of the booking form has a default.
const VISIT: &[Field] = &[
    opt("client_id", Id),
    opt("kind", Choice),
    opt("date", Choice),
    opt("start", Choice),
    opt("end", Choice),
    opt("place", Choice),
    opt("recurrence", Choice),
    opt("stop_1", Choice),
    opt("km_1", Choice),
    opt("driver", Choice),
    opt("reimbursement", Choice),
];

// Every field of the goal form has a default.
const GOAL: &[Field] = &[
    opt("words", Text),
    opt("why", Text),
    opt("step_1", Text),
    opt("step_2", Text),
    opt("step_3", Text),
    opt("face", Choice),
    opt("visit", Choice),
];
const REVIEW: &[Field] = &[
    opt("held_on", Choice),
    opt("outcome", Choice),
    opt("next_review", Choice),
    opt("planned_end", Choice),
    opt("note", Text),
    opt("visit", Choice),
];

// Every field of the ending has a default; the per-goal and per-service fields are lines.
const ENDING: &[Field] = &[
    opt("held_on", Choice),
    opt("started_from", Text),
    opt("now_at", Text),
    opt("what_helped", Text),
    opt("guide_note", Text),
    opt("social_worker_note", Text),
    opt("lines[factor_housing]", Choice),
    opt("lines[service_1_kind]", Choice),
    opt("lines[service_1_name]", Text),
    opt("lines[service_1_new]", Choice),
];

const FEEDBACK: &[Field] = &[
    opt("talked_about_what_matters", Choice),
    opt("got_help", Choice),
    opt("would_continue", Choice),
    opt("lang", Choice),
];

const SCHEME: &[Field] = &[
    opt("unit", Choice),
    opt("lines[earn_1_what]", Text),
    opt("lines[earn_1_amount]", Choice),
    opt("lines[reward_1_what]", Text),
    opt("lines[reward_1_amount]", Choice),
];

const OUTING: &[Field] = &[
    opt("kind", Choice),
    opt("title", Text),
    opt("description", Text),
    opt("place", Text),
    opt("meeting_point", Text),
    opt("date", Choice),
    opt("start", Choice),
    opt("end", Choice),
    opt("recurrence", Choice),
    opt("until", Choice),
    opt("capacity", Choice),
    opt("cost", Choice),
    opt("reimbursed", Text),
    opt("accessibility", Text),
    opt("closes_days", Choice),
    opt("hold_hours", Choice),
    opt("leaders[1]", Text),
    opt("announce", Text),
];
const SIGNUP: &[Field] = &[
    opt("session_id", Id),
    opt("client_id", Choice),
    opt("needs_ride", Text),
    opt("pickup_place", Text),
    opt("whole_series", Text),
    opt("consent", Text),
];
const SEATS: &[Field] = &[opt("session_id", Id), opt("seats", Choice), opt("from_place", Text)];
const NOTES: &[Field] = &[opt("session_id", Id), opt("agenda", Text), opt("memo", Text)];
const WORK: &[Field] = &[opt("session_id", Id), opt("hours", Choice), opt("km", Choice)];

/// A list of arguments, as a constant (a call, even of a `const fn`, is not promoted).
macro_rules! args {
    [$($field:expr),* $(,)?] => {{
        const ARGS: &[Field] = &[$($field),*];
        ARGS
    }};
}

/// Every server function's arguments, as its form names them.
fn arguments(path: &str) -> &'static [Field] {
    match path {
        "language" => args![req("language", Choice), req("next", Text)],
        "sign-in" => args![req("email", Text), req("password", Text), opt("next", Text)],
        "accounts/link" => args![req("token", Text), req("purpose", Choice)],
        "accounts/set-password" => args![
            req("token", Text),
            req("purpose", Choice),
            req("password", Text),
            req("password_again", Text),
        ],
        "accounts/request-reset" => args![req("email", Text)],
        "accounts/get" | "accounts/reinvite" | "outbox/retry" | "referrals/get" | "referrals/ranking"
        | "consents/withdraw" | "guides/profile" | "clients/get" | "visits/get" => args![req("id", Id)],
        "accounts/invite" => args![req("form", Form(ACCOUNT))],
        "accounts/update" => args![req("id", Id), req("form", Form(ACCOUNT))],
        "accounts/set-active" => args![req("id", Id), req("active", Flag)],
        "accounts/reset-second-factor" => args![req("id", Id)],
        "sign-in/code" | "settings/second-factor/confirm" | "settings/second-factor/recovery-codes" => {
            args![req("code", Text)]
        }
        "settings/second-factor/off" => args![req("password", Text)],
        "settings/password" => {
            args![req("current_password", Text), req("password", Text), req("password_again", Text)]
        }
        "settings/sessions/end" => args![req("handle", Text)],
        "audit/list" => args![req("query", Form(AUDIT_QUERY))],
        "audit/client" => args![req("client_id", Id), opt("before", Id)],
        // Lists: continue after a row's id, in pages of at most the cap.
        "clients/list" => args![opt("after", Id), opt("search", Text), opt("size", Page)],
        "referrals/list" | "accounts/list" => args![opt("after", Id), opt("size", Page)],
        "outbox/list" => args![opt("sent_before", Id)],
        // Days the link works: a number, one of the offered periods.
        "calendar/new-link" => args![opt("days", Page)],
        "settings/notifications/save" => args![opt("email[reminder]", Text)],
        "referrals/submit" => args![req("form", Form(REFERRAL))],
        "referrals/propose" => args![req("id", Id), req("guide_id", Id), req("chosen_by", Choice)],
        "referrals/introductions" => args![req("id", Id), req("guides[0]", Id)],
        "referrals/first-contact" => args![req("id", Id), req("channel", Choice)],
        "proposals/respond" => args![req("id", Id), req("accept", Flag), opt("reason", Text)],
        "guidance/update" => {
            args![req("client_id", Id), req("planned_end", Choice), req("review_due", Choice)]
        }
        "guidance/end" | "transfers/request" => args![req("client_id", Id), req("reason", Text)],
        "transfers/decide" => args![req("id", Id), req("approve", Flag), opt("to_guide", Id)],
        "guides/profile/save" => args![req("id", Id), req("form", Form(GUIDE_PROFILE))],
        "visits/choices" => args![req("client_id", Id)],
        "visits/for-client" => args![req("client_id", Id), opt("after", Id), opt("size", Page)],
        "visits/book" => args![req("form", Form(VISIT))],
        "visits/agenda" => args![opt("week", Flag), opt("offset", Offset)],
        "visits/outcome" => args![
            req("id", Id),
            req("outcome", Choice),
            opt("note", Text),
            opt("hours", Choice),
            opt("km", Choice),
            opt("excess_reason", Text),
        ],
        "visits/cancel" => args![req("id", Id), req("scope", Choice)],
        "visits/reschedule" => {
            args![req("id", Id), req("date", Choice), req("start", Choice), req("end", Choice)]
        }
        "mileage/month" => args![opt("guide", Id), opt("month", Choice)],
        "goals/for-client" => args![req("client_id", Id), opt("visit", Id)],
        "goals/add" => args![req("client_id", Id), req("form", Form(GOAL))],
        "goals/change" => args![
            req("id", Id),
            req("change", Choice),
            opt("words", Text),
            opt("why", Text),
            opt("reason", Text),
            opt("visit", Choice),
        ],
        "goals/rate" => args![req("id", Id), opt("face", Choice), opt("visit", Choice)],
        "goals/steps/add" => args![req("id", Id), opt("words", Text), opt("visit", Choice)],
        "goals/steps/mark" => {
            args![req("id", Id), req("done", Flag), opt("done_on", Choice), opt("visit", Choice)]
        }
        "feedback/screen" => args![req("visit", Id)],
        "feedback/give" => args![req("visit", Id), req("answers", Form(FEEDBACK))],
        "reviews/for-client" => args![req("client_id", Id), opt("visit", Id)],
        "reviews/hold" => args![req("client_id", Id), req("form", Form(REVIEW))],
        "endings/for-client" | "endings/summary" => args![req("client_id", Id)],
        "endings/hold" => args![req("client_id", Id), req("form", Form(ENDING))],
        "rewards/scheme" => args![req("client_id", Id), req("form", Form(SCHEME)), opt("visit", Choice)],
        "rewards/entry" => {
            args![req("client_id", Id), req("kind", Choice), req("line", Id), opt("visit", Choice)]
        }
        "outings/create" => args![req("form", Form(OUTING))],
        "outings/list" => args![opt("after", Text)],
        "outings/session" => args![req("session_id", Id), opt("client", Id)],
        "outings/sign-up" => args![req("form", Form(SIGNUP))],
        "outings/cancel" | "outings/confirm" => args![req("signup_id", Id)],
        "outings/move-up" => args![req("signup_id", Id), req("reason", Text)],
        "outings/own-transport" => args![req("signup_id", Id), req("note", Text)],
        "outings/seats" => args![req("form", Form(SEATS))],
        "outings/seats-withdraw" | "outings/pickups" => args![req("session_id", Id)],
        "outings/assign" => args![req("signup_id", Id), req("driver", Id)],
        "outings/attendance" => args![req("signup_id", Id), req("attendance", Choice)],
        "outings/work" => args![req("form", Form(WORK))],
        "outings/notes" => args![req("form", Form(NOTES))],
        "sign-out"
        | "outings/choices"
        | "settings/notifications"
        | "settings/second-factor"
        | "settings/second-factor/begin"
        | "settings/sessions"
        | "topics/list"
        | "referrals/batch-preview"
        | "referrals/batch-apply"
        | "proposals/mine"
        | "transfers/list"
        | "guides/list"
        | "calendar/status"
        | "calendar/revoke"
        | "feedback/results" => &[],
        other => panic!("describe the arguments of {other} in tests/malformed.rs"),
    }
}

/// One argument as sent: its full name (`form[client_id]`), what it takes, and whether the
/// function needs it.
#[derive(Clone)]
struct Leaf {
    name: String,
    arg: Arg,
    required: bool,
}

fn leaves(fields: &[Field], outer: Option<&str>) -> Vec<Leaf> {
    let mut all = Vec::new();
    for field in fields {
        // `roles[guide]` inside `form` is `form[roles][guide]`.
        let name = match (outer, field.name.split_once('[')) {
            (None, _) => field.name.to_owned(),
            (Some(outer), None) => format!("{outer}[{}]", field.name),
            (Some(outer), Some((head, rest))) => format!("{outer}[{head}][{rest}"),
        };
        match field.arg {
            Form(inner) => all.extend(leaves(inner, Some(&name)).into_iter().map(|mut leaf| {
                leaf.required &= field.required;
                leaf
            })),
            arg => all.push(Leaf { name, arg, required: field.required }),
        }
    }
    all
}

/// A well-formed value: ids of nothing there is, choices that are none of the real ones.
fn fine_value(arg: Arg) -> &'static str {
    match arg {
        Id => "2147483647",
        Page | Offset => "0",
        Flag => "false",
        Text => "x",
        Choice => "bogus",
        Form(_) => unreachable!("forms are flattened"),
    }
}

/// Values that cannot be this argument: not a number, too large, a fraction, no such choice.
fn bad_values(leaf: &Leaf) -> Vec<&'static str> {
    let mut values = match leaf.arg {
        Id => vec!["abc", "99999999999999999999"],
        Page => vec!["abc", "-1", "99999999999999999999"],
        Offset => vec!["abc", "99999999999", "1.5"],
        Flag => vec!["perhaps"],
        Text | Choice | Form(_) => vec![],
    };
    // An empty value is no number either (an optional one may read as "none").
    if leaf.required && !values.is_empty() {
        values.push("");
    }
    values
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn form(pairs: &[(String, String)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Exactly this status.
    Status(u16),
    /// Some 4xx: refused, whoever asks.
    Refused,
    /// Well-formed for this function, which may run: anything but a 5xx.
    Answered,
}

struct Probe {
    endpoint: &'static str,
    what: String,
    content_type: &'static str,
    body: Vec<u8>,
    expect: Expect,
}

const FORM_TYPE: &str = "application/x-www-form-urlencoded";

fn probes(endpoint: &'static str) -> Vec<Probe> {
    let leaves = leaves(arguments(endpoint), None);
    let fine: Vec<(String, String)> =
        leaves.iter().map(|l| (l.name.clone(), fine_value(l.arg).to_owned())).collect();
    let needs_some = leaves.iter().any(|l| l.required);
    let mut all = Vec::new();
    let mut add = |what: String, content_type: &'static str, body: Vec<u8>, expect: Expect| {
        all.push(Probe { endpoint, what, content_type, body, expect });
    };
    for (i, leaf) in leaves.iter().enumerate() {
        for bad in bad_values(leaf) {
            let mut pairs = fine.clone();
            pairs[i].1 = bad.to_owned();
            add(format!("{}={bad:?}", leaf.name), FORM_TYPE, form(&pairs), Expect::Status(400));
        }
    }
    // A sign-in that parses checks a password (Argon2, slow by design, most of all in a debug
    // build): those are the sign-in tests' business, not malformed.
    let parses = endpoint != "sign-in";
    // Every argument well-formed; any choice is none of the real ones.
    let has_choice = leaves.iter().any(|l| l.arg == Choice);
    if parses {
        add(
            "well-formed".into(),
            FORM_TYPE,
            form(&fine),
            if has_choice { Expect::Refused } else { Expect::Answered },
        );
    }
    add(
        "an empty body".into(),
        FORM_TYPE,
        vec![],
        if needs_some { Expect::Status(400) } else { Expect::Answered },
    );
    // Bytes that are not UTF-8, sent raw.
    let mut raw = form(&fine);
    raw.extend_from_slice(if raw.is_empty() { b"x=\xff\xfe" } else { b"&x=\xff\xfe\xc3\x28" });
    add("raw bytes that are not UTF-8".into(), FORM_TYPE, raw, Expect::Status(400));
    // The same, percent-encoded in a text: the form is well-formed, the text is not UTF-8.
    if let Some(i) = leaves.iter().position(|l| matches!(l.arg, Text | Choice)).filter(|_| parses) {
        let mut body = form(&fine);
        let at = format!("{}=", encode(&leaves[i].name));
        let start = String::from_utf8_lossy(&body).find(&at).unwrap() + at.len();
        body.splice(start..start, b"%FF%FE".iter().copied());
        add(format!("{} not UTF-8 when decoded", leaves[i].name), FORM_TYPE, body, Expect::Answered);
    }
    let mut large = form(&fine);
    large.extend_from_slice(format!("&note={}", "a".repeat(100_000)).as_bytes());
    add("a body of 100 kB".into(), FORM_TYPE, large, Expect::Status(413));
    let json = br#"{"id": "abc", "client_id": 1, "form": {"name": "x"}}"#.to_vec();
    add("JSON as JSON".into(), "application/json", json.clone(), Expect::Status(400));
    add(
        "JSON as a form".into(),
        FORM_TYPE,
        json,
        if needs_some { Expect::Status(400) } else { Expect::Answered },
    );
    all
}

/// How one caller asks: who, and whether it wants JSON (a program) or text.
#[derive(Clone)]
struct Caller {
    who: &'static str,
    client: reqwest::Client,
    json: bool,
}

struct Answer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

async fn send(caller: &Caller, url: &str, probe: &Probe) -> Result<Answer, String> {
    let mut request = caller
        .client
        .post(format!("{url}/api/{}", probe.endpoint))
        .header("origin", url)
        .header("content-type", probe.content_type)
        .body(probe.body.clone());
    if caller.json {
        request = request.header("accept", "application/json");
    }
    let response = request.send().await.map_err(|e| format!("no answer: {e}"))?;
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = response.bytes().await.map_err(|e| format!("the answer broke off: {e}"))?.to_vec();
    Ok(Answer { status, content_type, body })
}

/// The sentences a refusal may say, in Finnish (no language asked for).
fn refusal_sentences() -> BTreeSet<String> {
    let mut all: BTreeSet<String> = [
        AppError::BadRequest,
        AppError::TooLarge,
        AppError::Unauthorized,
        AppError::InvalidCredentials,
        AppError::Forbidden,
        AppError::NotFound,
        AppError::Conflict,
        AppError::Validation(vec![]),
    ]
    .iter()
    .map(|e| error_text(Locale::fi, e))
    .collect();
    all.extend(
        (1..=60)
            .map(|minutes| error_text(Locale::fi, &AppError::RateLimited { retry_after_secs: minutes * 60 })),
    );
    all
}

/// What is wrong with an answer, if anything.
fn judge(probe: &Probe, caller: &Caller, answer: &Answer, sentences: &BTreeSet<String>) -> Option<String> {
    let status = answer.status;
    let body = String::from_utf8_lossy(&answer.body);
    let fits = match probe.expect {
        Expect::Status(expected) => status == expected,
        Expect::Refused => (400..500).contains(&status),
        Expect::Answered => status < 500,
    };
    if !fits {
        return Some(format!("expected {:?}, got {status}: {body}", probe.expect));
    }
    if !(400..500).contains(&status) {
        return None;
    }
    let expected_error = match probe.expect {
        Expect::Status(400) => Some(AppError::BadRequest),
        Expect::Status(413) => Some(AppError::TooLarge),
        _ => None,
    };
    if caller.json {
        let Ok(error) = serde_json::from_slice::<AppError>(&answer.body) else {
            return Some(format!("{status} is not an encoded AppError: {body}"));
        };
        if error.status() != status || expected_error.is_some_and(|e| e != error) {
            return Some(format!("{status} says {error:?}"));
        }
    } else {
        if !answer.content_type.starts_with("text/plain") {
            return Some(format!("{status} as {}: {body}", answer.content_type));
        }
        let expected = expected_error.map(|e| error_text(Locale::fi, &e));
        if !sentences.contains(body.as_ref()) || expected.is_some_and(|e| e != body) {
            return Some(format!("{status} is not a sentence for people: {body:?}"));
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_refuses_malformed_requests_from_anyone_with_a_4xx() {
    let sentences = Arc::new(refusal_sentences());
    for server in demo_servers().await {
        let started = Instant::now();
        // Programs ask for JSON, the rest get text; every role both ways somewhere.
        let mut callers = vec![Caller { who: "anonymous", client: browser(), json: false }];
        for (who, json) in [
            (demo::ADMIN, true),
            (demo::COORDINATOR, false),
            (demo::SOCIAL_WORKER, true),
            (demo::GUIDE, false),
        ] {
            callers.push(Caller { who, client: server.signed_in(who).await, json });
        }
        let all: Vec<Arc<Probe>> = ENDPOINTS.iter().flat_map(|e| probes(e.path)).map(Arc::new).collect();
        // A well-formed sign-out ends the caller's session: those go last.
        let (last, first): (Vec<_>, Vec<_>) = all.into_iter().partition(|p| p.endpoint == "sign-out");
        let mut work = Vec::new();
        for probes in [first, last] {
            let mut round = Vec::new();
            for probe in &probes {
                for caller in &callers {
                    round.push((caller.clone(), probe.clone()));
                }
            }
            work.push(round);
        }
        let mut failures = Vec::new();
        let mut sent = 0;
        for round in work {
            for batch in round.chunks(24) {
                let mut tasks = tokio::task::JoinSet::new();
                for (caller, probe) in batch.iter().cloned() {
                    let (url, sentences) = (server.url.clone(), sentences.clone());
                    tasks.spawn(async move {
                        let verdict = match send(&caller, &url, &probe).await {
                            Ok(answer) => judge(&probe, &caller, &answer, &sentences),
                            Err(error) => Some(error),
                        };
                        verdict.map(|v| format!("{} {} as {}: {v}", probe.endpoint, probe.what, caller.who))
                    });
                }
                sent += batch.len();
                failures.extend(tasks.join_all().await.into_iter().flatten());
            }
        }
        let health = server.client.get(server.at("/healthz")).send().await.unwrap();
        assert_eq!(health.status(), 200, "{}: the server is well afterwards", server.db.backend);
        println!("{}: {sent} malformed requests in {:?}", server.db.backend, started.elapsed());
        assert!(
            failures.is_empty(),
            "{}: {} of {sent} answers were wrong:\n{}",
            server.db.backend,
            failures.len(),
            failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
        );
    }
}

async fn post_raw(
    client: &reqwest::Client,
    server: &TestServer,
    page: &str,
    path: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    client
        .post(server.at(path))
        .header("origin", &server.url)
        .header("referer", server.at(page))
        .header("accept", "text/html")
        .header("content-type", FORM_TYPE)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Follows the redirect of a refused form post and returns the page it leads to.
async fn page_after(client: &reqwest::Client, response: reqwest::Response, page: &str) -> String {
    assert_eq!(response.status(), 302, "a form post is sent back to its page");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains(page) && location.contains("__err="), "{location}");
    let page = client.get(location).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

#[tokio::test]
async fn a_form_post_that_does_not_parse_goes_back_to_its_page_in_the_users_language() {
    for server in demo_servers().await {
        let too_large = format!("email=a%40b.fi&password={}", "a".repeat(100_000)).into_bytes();
        let cases = [
            ("not UTF-8", b"email=a%40b.fi&password=\xff\xfe".to_vec(), AppError::BadRequest),
            ("without the password", b"email=a%40b.fi".to_vec(), AppError::BadRequest),
            ("over the limit", too_large, AppError::TooLarge),
        ];
        for locale in [Locale::fi, Locale::sv] {
            let client = browser();
            if locale == Locale::sv {
                common::post_as(
                    &client,
                    &server,
                    "/api/language",
                    &[("language", "sv"), ("next", "/sign-in")],
                )
                .await;
            }
            for (what, body, error) in &cases {
                let response = post_raw(&client, &server, "/sign-in", "/api/sign-in", body.clone()).await;
                let html = page_after(&client, response, "/sign-in").await;
                let text = error_text(locale, error);
                assert!(html.contains(&text), "{} {locale:?}, sign-in {what}: {text}", server.db.backend);
            }
        }
        // Signed in, a number that is not one.
        let admin = server.signed_in(demo::ADMIN).await;
        let response =
            post_raw(&admin, &server, "/admin/outbox", "/api/outbox/retry", b"id=abc".to_vec()).await;
        let html = page_after(&admin, response, "/admin/outbox").await;
        assert!(html.contains(&error_text(Locale::fi, &AppError::BadRequest)), "{}", server.db.backend);

        // Anyone else gets the sentence as text, in the language pages would use.
        for (headers, locale) in [
            (vec![], Locale::fi),
            (vec![("accept-language", "sv-FI,sv;q=0.9,en;q=0.8")], Locale::sv),
            (vec![("accept-language", "sv"), ("cookie", "i18n_pref_locale=en")], Locale::en),
        ] {
            let mut request = browser()
                .post(server.at("/api/outbox/retry"))
                .header("origin", &server.url)
                .header("content-type", FORM_TYPE)
                .body("id=abc");
            for (name, value) in &headers {
                request = request.header(*name, *value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 400);
            assert_eq!(
                response.text().await.unwrap(),
                error_text(locale, &AppError::BadRequest),
                "{headers:?}"
            );
        }
        // A 4,000-character note in four-byte characters is no reason to refuse a form.
        let note = "🙂".repeat(4000);
        let body =
            form(&[("id".into(), "abc".into()), ("outcome".into(), "done".into()), ("note".into(), note)]);
        let response = server
            .client
            .post(server.at("/api/visits/outcome"))
            .header("origin", &server.url)
            .header("content-type", FORM_TYPE)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "the id is refused, not the size");
    }
}

#[tokio::test]
async fn the_request_id_is_the_servers_own_and_never_the_clients() {
    for server in demo_servers().await {
        let db = &server.db.conn;
        let guide = server.signed_in(demo::GUIDE).await;
        let guide_id = user::Entity::find()
            .filter(user::Column::Email.eq(demo::GUIDE))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id;
        let not_theirs = client::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.guide_id != Some(guide_id))
            .expect("a client of someone else")
            .id;
        let events_before = audit_event::Entity::find().count(db).await.unwrap();
        let mut ids = Vec::new();
        // A list (an audited read of each client), a refused read (audited as denied), a page.
        for (path, form) in
            [("/api/clients/list", String::new()), ("/api/clients/get", format!("id={not_theirs}"))]
        {
            let response = guide
                .post(server.at(path))
                .header("origin", &server.url)
                .header("accept", "application/json")
                .header("content-type", FORM_TYPE)
                .header("x-request-id", "attacker-chosen")
                .body(form)
                .send()
                .await
                .unwrap();
            assert!(response.status() == 200 || response.status() == 403, "{path}: {}", response.status());
            ids.push(response.headers()["x-request-id"].to_str().unwrap().to_owned());
        }
        let page = guide
            .get(server.at("/clients"))
            .header("accept", "text/html")
            .header("x-request-id", "attacker-chosen")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        ids.push(page.headers()["x-request-id"].to_str().unwrap().to_owned());

        for id in &ids {
            assert!(uuid::Uuid::parse_str(id).is_ok(), "the server's own id: {id}");
        }
        assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "one id per request: {ids:?}");
        let chosen = audit_event::Entity::find()
            .filter(audit_event::Column::RequestId.eq("attacker-chosen"))
            .count(db)
            .await
            .unwrap();
        assert_eq!(chosen, 0, "{}: the client's id never reaches the audit trail", server.db.backend);
        let events = audit_event::Entity::find().all(db).await.unwrap();
        assert!(events.len() as u64 > events_before);
        for id in &ids {
            assert!(
                events.iter().any(|e| e.request_id.as_deref() == Some(id.as_str())),
                "{}: the audit trail names request {id}",
                server.db.backend
            );
        }
    }
}

#[tokio::test]
async fn an_audit_page_before_the_first_event_is_empty_and_a_wild_cursor_is_no_error() {
    for server in demo_servers().await {
        let admin = server.signed_in(demo::ADMIN).await;
        for before in ["1", "0", "-9223372036854775808"] {
            let form = [("query[before]", before.to_owned())];
            let response = common::call(&admin, &server, "/api/audit/list", &form).await;
            assert_eq!(response.status(), 200, "before {before}");
            let list: serde_json::Value = response.json().await.unwrap();
            assert_eq!(list["rows"].as_array().map(Vec::len), Some(0), "before {before}: {list}");
        }
        // Not a number: read as "from the newest", as the form's empty field is.
        for before in ["abc", "99999999999999999999999"] {
            let form = [("query[before]", before.to_owned())];
            let response = common::call(&admin, &server, "/api/audit/list", &form).await;
            assert_eq!(response.status(), 200, "before {before}");
        }
    }
}
