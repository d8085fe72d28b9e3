//! `nenpo serve` through the real binary, on 127.0.0.1 and a free port: it answers pages, picks up
//! edits, keeps the last good site when an edit breaks the build, and stops cleanly. Every wait is
//! bounded.

mod cli_support;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cli_support::{nenpo, run, site, write};

/// A running `nenpo serve`, killed on drop if a test fails before stopping it.
struct Served {
    child: Child,
    url: String,
    output: PathBuf,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

impl Served {
    fn start(root: &Path) -> Served {
        let mut command = nenpo();
        command.args(["serve", "--port", "0", "--root"]).arg(root);
        Served::spawn(command)
    }

    /// As an editor runs it: in the site folder, with the default `--root .`.
    fn start_in(root: &Path) -> Served {
        let mut command = nenpo();
        command.args(["serve", "--port", "0"]).current_dir(root);
        Served::spawn(command)
    }

    fn spawn(mut command: Command) -> Served {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nenpo serve");
        let (tx, stdout) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut served = Served {
            child,
            url: String::new(),
            output: PathBuf::new(),
            stdout,
            stderr,
            agent,
        };
        let line = served.line_with("Serving on ", Duration::from_secs(60));
        served.url = line.trim_start_matches("Serving on ").trim().to_string();
        assert!(
            served.url.starts_with("http://127.0.0.1:") && served.url.ends_with('/'),
            "{line}"
        );
        let line = served.line_with("(built into ", Duration::from_secs(5));
        served.output = PathBuf::from(
            line.trim_start_matches("(built into ")
                .split("; press")
                .next()
                .unwrap(),
        );
        served
    }

    /// Waits for a stdout line containing `needle`.
    fn line_with(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => seen.push(line),
                Err(_) => panic!(
                    "no `{needle}` on stdout within {timeout:?}; stdout: {seen:?}; stderr: {}",
                    self.stderr()
                ),
            }
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// GET `path`: (status, body).
    fn get(&self, path: &str) -> (u16, String) {
        let url = format!("{}{}", self.url, path.trim_start_matches('/'));
        let mut response = self.agent.get(&url).call().expect("GET");
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap())
    }

    /// The events endpoint: (version, errors).
    fn events(&self, seen: u64) -> (u64, Option<String>) {
        let (status, body) = self.get(&format!("__nenpo/events?v={seen}"));
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        (
            json["version"].as_u64().unwrap(),
            json["errors"].as_str().map(str::to_string),
        )
    }

    /// Polls `path` until its body contains `needle`; returns how long it took.
    fn wait_for(&self, path: &str, needle: &str, timeout: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let (_, body) = self.get(path);
            if body.contains(needle) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < timeout,
                "`{needle}` not served at {path} within {timeout:?}; stderr: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Sends SIGINT (what Ctrl-C sends) and waits for the exit.
    #[cfg(unix)]
    fn interrupt(&mut self) -> std::process::ExitStatus {
        let sent = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop after SIGINT");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    /// Stops the server the way a user does, so that it removes its temporary folder; kills it
    /// only if that fails.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            #[cfg(unix)]
            {
                let _ = std::process::Command::new("kill")
                    .args(["-INT", &self.child.id().to_string()])
                    .status();
                let deadline = Instant::now() + Duration::from_secs(5);
                while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Lets the watcher settle after start-up, so that the first edit is not lost.
fn settle() {
    std::thread::sleep(Duration::from_millis(300));
}

#[test]
fn serves_pages_with_the_reload_script_which_build_output_never_has() {
    let dir = site("site");
    let served = Served::start(dir.path());
    let (status, home) = served.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("<html"), "{home}");
    let (status, page) = served.get("/ja/reports/approvals/");
    assert_eq!(status, 200);
    assert!(page.contains("承認事例"), "{page}");
    assert!(page.contains("/__nenpo/events"), "{page}");
    // A folder without its slash is redirected, so that relative links work.
    let (status, page) = served.get("/en/reports/approvals");
    assert_eq!(status, 200);
    assert!(page.contains("Approvals"));
    let (status, _) = served.get("/nope/");
    assert_eq!(status, 404);
    assert!(served.output.is_dir());
    assert!(!served.output.starts_with(dir.path()));
    assert!(!dir.path().join("public").exists());

    let built = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["build", "--output", built.path().to_str().unwrap()],
    );
    assert!(out.status.success());
    for entry in walk(built.path()) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(!text.contains("__nenpo"), "{}", entry.display());
    }
}

#[test]
fn an_edit_is_served_within_two_seconds() {
    let dir = site("site");
    // In the site folder, with a relative root: watch events carry absolute paths.
    let served = Served::start_in(dir.path());
    settle();
    let (version, errors) = served.events(0);
    assert_eq!(errors, None);
    write(
        dir.path(),
        "content/reports/approvals.en.md",
        "+++\ntitle = \"Approvals\"\nweight = 10\n+++\n\n## Approvals {#approvals}\n\nThere were 16 approvals.\n",
    );
    let took = served.wait_for(
        "/en/reports/approvals/",
        "There were 16 approvals.",
        Duration::from_secs(2),
    );
    eprintln!("edit served after {} ms", took.as_millis());
    let (newer, errors) = served.events(version);
    assert!(newer > version);
    assert_eq!(errors, None);
    served.line_with("Rebuilt in ", Duration::from_secs(2));
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_reports_the_error() {
    let dir = site("site");
    let served = Served::start(dir.path());
    settle();
    let (version, _) = served.events(0);
    write(
        dir.path(),
        "content/reports/approvals.ja.md",
        "+++\ntitle = \"承認事例\"\ntitel = \"壊れた\"\n+++\n\n新しい本文\n",
    );
    // The long-poll answers as soon as the failed build is done.
    let (failed, errors) = served.events(version);
    assert!(failed > version);
    let errors = errors.expect("errors reported to the browser");
    assert!(
        errors.contains("content/reports/approvals.ja.md:3:1"),
        "{errors}"
    );
    assert!(errors.contains("titel = \"壊れた\""), "{errors}");
    // The last good page is still served.
    let (status, page) = served.get("/ja/reports/approvals/");
    assert_eq!(status, 200);
    assert!(page.contains("令和3年度の承認は15件。"), "{page}");
    assert!(!page.contains("新しい本文"));
    // And the terminal has the error too.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !served.stderr().contains("approvals.ja.md:3:1") {
        assert!(Instant::now() < deadline, "{}", served.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!served.stderr().contains('\x1b'));

    // Fixing it clears the error and serves the new text.
    write(
        dir.path(),
        "content/reports/approvals.ja.md",
        "+++\ntitle = \"承認事例\"\nrecords = [\"reports/approvals\"]\n+++\n\n## 承認事例 {#approvals}\n\n新しい本文\n",
    );
    served.wait_for(
        "/ja/reports/approvals/",
        "新しい本文",
        Duration::from_secs(2),
    );
    let (_, errors) = served.events(failed);
    assert_eq!(errors, None);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_removes_the_served_folder() {
    let dir = site("site");
    let mut served = Served::start(dir.path());
    assert!(served.output.is_dir());
    let status = served.interrupt();
    assert!(status.success(), "{status:?}; stderr: {}", served.stderr());
    served.line_with("Stopped.", Duration::from_secs(2));
    assert!(!served.output.exists(), "{}", served.output.display());
}

#[test]
fn serve_refuses_to_write_into_public() {
    let dir = site("site");
    let out = nenpo()
        .args(["serve", "--port", "0", "--output", "public", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never writes to public/"));
    assert!(!dir.path().join("public").exists());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
