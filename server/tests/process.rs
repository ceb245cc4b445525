//! The server binary as an operator runs it: it migrates at start, refuses to start on a
//! database it cannot migrate, answers health checks, and stops cleanly on SIGTERM.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

fn server(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("DATABASE_URL", database_url)
        .env("RINNALLA_LISTEN", "127.0.0.1:0")
        .env("RINNALLA_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env_remove("RINNALLA_PUBLIC_URL")
        .env_remove("RINNALLA_ENV");
    command
}

/// Reads the JSON log until the "listening" line and returns the URL it names.
fn wait_until_listening(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line)
            && event["fields"]["message"] == "listening"
        {
            // Keep draining the log so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return event["fields"]["url"].as_str().expect("url field").to_owned();
        }
    }
    panic!("the server did not start listening");
}

fn wait_for_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not exit in time");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn migrates_serves_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("fresh/rinnalla.db").display());
    let mut child = server(&url).stdout(Stdio::piped()).spawn().unwrap();
    let base = wait_until_listening(&mut child);

    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(dir.path().join("fresh/rinnalla.db").is_file(), "the SQLite file and folder were created");

    let status = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(status.success());
    let exit = wait_for_exit(&mut child, Duration::from_secs(20));
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");
}

#[test]
fn refuses_to_start_when_the_database_cannot_be_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_database = dir.path().join("garbage.db");
    std::fs::write(&not_a_database, b"this is not a SQLite database, it is a text file").unwrap();
    let url = format!("sqlite://{}?mode=rw", not_a_database.display());
    let mut child = server(&url).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let exit = wait_for_exit(&mut child, Duration::from_secs(30));
    assert!(!exit.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("database could not be opened and migrated"), "{stderr}");
}

/// The server's peak resident memory so far (VmHWM), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM in /proc status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn sixty_parallel_wrong_passwords_are_mostly_refused_and_the_memory_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("rinnalla.db").display());
    let mut child = server(&url)
        .env("RINNALLA_MAIL_DIR", dir.path().join("mail"))
        .arg("serve")
        .arg("--demo")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let base = wait_until_listening(&mut child);
    let before = peak_rss_kib(child.id());

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..60 {
        let base = base.clone();
        tasks.spawn(async move {
            reqwest::Client::new()
                .post(format!("{base}/api/sign-in"))
                .header("origin", &base)
                .header("accept", "application/json")
                .form(&[("email", "ohjaaja@rinnalla.example"), ("password", "väärä arvaus")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses = tasks.join_all().await;
    let after = peak_rss_kib(child.id());
    let failures = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    println!(
        "60 parallel wrong passwords: {failures} failures, {refused} refused; server peak RSS {} MiB before, {} MiB after",
        before / 1024,
        after / 1024
    );
    Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    wait_for_exit(&mut child, Duration::from_secs(20));
    assert_eq!(failures, 5, "{statuses:?}");
    assert_eq!(failures + refused, 60, "{statuses:?}");
    // Sixty hashes at once would take 60 × 19 MiB; the gate lets a few run.
    assert!(after - before < 200 * 1024, "peak grew by {} MiB", (after - before) / 1024);
}

#[test]
fn the_demo_is_refused_in_production() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("rinnalla.db").display());
    let mut child = server(&url)
        .env("RINNALLA_ENV", "production")
        .env("RINNALLA_PUBLIC_URL", "https://rinnalla.example")
        .env("RINNALLA_ALLOW_FILE_MAIL", "true")
        .arg("serve")
        .arg("--demo")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let exit = wait_for_exit(&mut child, Duration::from_secs(30));
    assert!(!exit.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("--demo (RINNALLA_DEMO) is refused when RINNALLA_ENV=production"), "{stderr}");
    assert!(!dir.path().join("rinnalla.db").exists(), "refused before touching the database");
}
