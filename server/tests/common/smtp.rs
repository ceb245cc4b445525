//! A real SMTP server process for the tests: Python's aiosmtpd, started and stopped by the test
//! (see `tests/support/smtp_sink.py`). It writes every message it accepts to a folder.

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Option<Child>,
    tls: Option<(PathBuf, PathBuf)>,
    auth: Option<(String, String)>,
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn python() -> String {
    std::env::var("RINNALLA_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

impl SmtpSink {
    /// A plain SMTP server (no TLS, no authentication).
    pub fn start() -> Self {
        Self::start_with(None, None)
    }

    /// With `tls` (certificate and key PEM files) STARTTLS is required; with `auth`, AUTH.
    pub fn start_with(tls: Option<(PathBuf, PathBuf)>, auth: Option<(String, String)>) -> Self {
        let mut sink = Self { port: free_port(), dir: tempfile::tempdir().unwrap(), child: None, tls, auth };
        sink.up();
        sink
    }

    /// Starts the server process (again) on the same port and folder.
    pub fn up(&mut self) {
        assert!(self.child.is_none(), "already running");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let mut command = Command::new(python());
        command
            .arg(script)
            .arg("--port")
            .arg(self.port.to_string())
            .arg("--out")
            .arg(self.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some((cert, key)) = &self.tls {
            command.arg("--tls-cert").arg(cert).arg("--tls-key").arg(key);
        }
        if let Some((user, password)) = &self.auth {
            command.arg("--user").arg(user).arg("--password").arg(password);
        }
        let mut child = command.spawn().expect("python3 with aiosmtpd (scripts/setup installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("ready"), "the SMTP server did not start: {line:?}");
        self.child = Some(child);
    }

    /// Stops the server process; connections to its port are refused until [`SmtpSink::up`].
    pub fn down(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }

    /// The messages received so far, raw.
    pub fn received(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files.into_iter().map(|p| std::fs::read(p).unwrap()).collect()
    }

    /// The Message-ID of every message received, in order.
    pub fn message_ids(&self) -> Vec<String> {
        self.received()
            .iter()
            .map(|raw| {
                let parsed = mailparse::parse_mail(raw).unwrap();
                parsed
                    .headers
                    .iter()
                    .find(|h| h.get_key_ref().eq_ignore_ascii_case("Message-ID"))
                    .map(|h| h.get_value())
                    .expect("every message has a Message-ID")
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.down();
    }
}
