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
    // Only served pages carry the policy that lets the reload script reach the server; no page,
    // served or built, allows inline script. The script is a file of the served site.
    assert!(
        page.contains("script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'"),
        "{page}"
    );
    assert!(!page.contains("unsafe-inline"), "{page}");
    assert!(
        page.contains("<script src=\"/__nenpo/reload.js\""),
        "{page}"
    );
    let (status, script) = served.get("/__nenpo/reload.js");
    assert_eq!(status, 200);
    assert!(script.contains("/* nenpo serve: live reload."), "{script}");
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
        if entry.extension().is_some_and(|e| e == "html") {
            // The built-in templates carry the strict policy, once, before anything it governs.
            assert_eq!(
                text.matches("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; base-uri 'none'; form-action 'none'\">").count(),
                1,
                "{}",
                entry.display()
            );
            assert!(!text.contains("unsafe-inline"), "{}", entry.display());
        }
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

// ---- a dev server that cannot be stalled, and that keeps watching ----

/// A raw HTTP/1.1 GET (so that the test controls the `Host` header): (status line, whole answer).
fn raw_get(url: &str, path: &str, host: &str) -> (String, String) {
    use std::io::Write;
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    (answer.lines().next().unwrap_or("").to_string(), answer)
}

#[test]
fn an_edit_made_while_the_first_build_runs_or_right_after_it_is_picked_up() {
    for round in 0..3 {
        let dir = site("site");
        let served = Served::start(dir.path());
        // No settling: the first page, then the edit at once.
        let (status, _) = served.get("/en/reports/approvals/");
        assert_eq!(status, 200);
        write(
            dir.path(),
            "content/reports/approvals.en.md",
            format!("+++\ntitle = \"Approvals\"\n+++\n\n## Approvals {{#approvals}}\n\nRound {round}.\n"),
        );
        served.wait_for(
            "/en/reports/approvals/",
            &format!("Round {round}."),
            Duration::from_secs(3),
        );
    }
}

#[test]
fn watching_survives_the_content_folder_being_deleted_and_restored() {
    let dir = site("site");
    let served = Served::start(dir.path());
    settle();
    let content = dir.path().join("content");
    let kept = tempfile::tempdir().unwrap();
    let copy = kept.path().join("content");
    // As `git checkout` of another branch and back does: the folder goes, then comes again.
    std::fs::rename(&content, &copy).unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while !served.stderr().contains("there is no content folder") {
        assert!(Instant::now() < deadline, "{}", served.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::rename(&copy, &content).unwrap();
    served.wait_for(
        "/en/reports/approvals/",
        "Approvals",
        Duration::from_secs(3),
    );
    settle();
    // Edits inside the restored folder are still seen.
    write(
        dir.path(),
        "content/reports/approvals.en.md",
        "+++\ntitle = \"Approvals\"\n+++\n\n## Approvals {#approvals}\n\nAfter the checkout.\n",
    );
    served.wait_for(
        "/en/reports/approvals/",
        "After the checkout.",
        Duration::from_secs(3),
    );
}

#[test]
fn stalled_clients_never_block_the_others() {
    use std::io::Write;
    let clients: usize = std::env::var("NENPO_SERVE_CLIENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let dir = site("site");
    // A file far larger than a socket's buffers, for a client that asks and never reads.
    write(dir.path(), "static/big.bin", vec![7u8; 32 << 20]);
    let served = Served::start(dir.path());
    let addr = served
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut stalled = std::net::TcpStream::connect(&addr).unwrap();
    write!(stalled, "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    // One that sends half a request and waits, and many open tabs waiting for a reload.
    let mut half = std::net::TcpStream::connect(&addr).unwrap();
    write!(half, "GET / HTTP/1.1\r\nHo").unwrap();
    let (version, _) = served.events(0);
    let polls: Vec<_> = (0..100)
        .map(|_| {
            let mut poll = std::net::TcpStream::connect(&addr).unwrap();
            write!(
                poll,
                "GET /__nenpo/events?v={version} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            )
            .unwrap();
            poll
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // Live-reload connections are bounded: the ones above the bound are told to retry at once.
    let (status, _) = raw_get(
        &served.url,
        &format!("/__nenpo/events?v={version}"),
        "127.0.0.1",
    );
    assert!(status.contains(" 503 "), "{status}");

    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let url = served.url.clone();
            std::thread::spawn(move || {
                let asked = Instant::now();
                let path = if i % 2 == 0 {
                    "/"
                } else {
                    "/en/reports/approvals/"
                };
                let (status, body) = raw_get(&url, path, "127.0.0.1");
                (status, body.contains("<html"), asked.elapsed())
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for thread in threads {
        let (status, html, took) = thread.join().unwrap();
        assert!(status.contains(" 200 "), "{status}");
        assert!(html);
        slowest = slowest.max(took);
    }
    eprintln!(
        "{clients} concurrent clients answered with 2 stalled clients and 100 waiting reloads; slowest {} ms, all in {} ms",
        slowest.as_millis(),
        started.elapsed().as_millis()
    );
    // Blocked behind a stalled client, an answer would wait for its 10-second timeout; a bound
    // well below that and well above a loaded machine's delays tells the two apart.
    assert!(
        slowest < Duration::from_secs(5),
        "slowest answer {slowest:?}"
    );
    drop((stalled, half, polls));
}

#[test]
fn only_requests_to_this_machine_are_answered_and_redirects_stay_on_the_site() {
    let dir = site("site");
    let served = Served::start(dir.path());
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        let (status, _) = raw_get(&served.url, "/", host);
        assert!(status.contains(" 403 "), "{host}: {status}");
    }
    let port = served.url.rsplit(':').next().unwrap().trim_end_matches('/');
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, _) = raw_get(&served.url, "/", &host);
        assert!(status.contains(" 200 "), "{host}: {status}");
    }
    let (status, answer) = raw_get(&served.url, "//en", "127.0.0.1");
    assert!(status.contains(" 301 "), "{status}");
    assert!(answer.contains("\r\nLocation: /en/\r\n"), "{answer}");
}

#[cfg(unix)]
#[test]
fn a_killed_serve_leaves_its_temporary_folder_to_the_next_one() {
    let dir = site("site");
    let mut first = Served::start(dir.path());
    let temp = first.output.parent().unwrap().to_path_buf();
    first.child.kill().unwrap(); // SIGKILL: no chance to clean up
    first.child.wait().unwrap();
    assert!(temp.is_dir());
    let second = Served::start(dir.path());
    assert!(!temp.exists(), "{} is left", temp.display());
    assert!(second.output.is_dir());
}

// ---- incremental rebuilds ----

/// Replaces `from` with `to` in a file of the site (it must be there).
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let text = cli_support::read(root, rel);
    assert!(text.contains(from), "{rel} has no `{from}`");
    write(root, rel, text.replacen(from, to, 1));
}

/// Every file under `dir`: relative path → bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&p).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// Builds `root` afresh with `nenpo build` and checks that the served folder `served` holds the
/// same files, byte for byte; returns the served files.
fn assert_served_equals_build(
    root: &Path,
    served: &Path,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    let built = tempfile::tempdir().unwrap();
    let out = built.path().join("site");
    let status = run(root, &["build", "--output", out.to_str().unwrap()]);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let (served_tree, built_tree) = (tree(served), tree(&out));
    assert_eq!(
        served_tree.keys().collect::<Vec<_>>(),
        built_tree.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &built_tree {
        assert!(
            served_tree[path] == *bytes,
            "{path} differs from the build's:\n{}",
            String::from_utf8_lossy(&served_tree[path])
        );
    }
    served_tree
}

/// After a series of edits, each rebuilt incrementally (only the pages that show what changed)
/// or, for a template, fully, the served folder is byte for byte what `nenpo build` writes from
/// the same sources: the live-reload script is added as pages are sent, never written.
#[test]
fn after_a_series_of_edits_the_served_site_equals_a_build_byte_for_byte() {
    let dir = site("incremental");
    let root = dir.path();
    let served = Served::start(root);
    settle();
    let rebuilt = |expected: &str| {
        let line = served.line_with("Rebuilt in ", Duration::from_secs(10));
        assert!(line.contains(expected), "expected `{expected}`: {line}");
    };

    // Page text: that page only (7 pages per language).
    edit(
        root,
        "content/orchards/apples.en.md",
        "bore fruit again",
        "bore more fruit",
    );
    rebuilt("(re-rendered 1 of 14 pages");
    served.wait_for(
        "/en/orchards/apples/",
        "bore more fruit",
        Duration::from_secs(5),
    );

    // A section title shown in the navigation of every page of its language, and in its twin's
    // language switch.
    edit(
        root,
        "content/orchards/_index.en.md",
        "title = \"Orchards\"",
        "title = \"Orchard reports\"",
    );
    rebuilt("(re-rendered 8 of 14 pages");
    served.wait_for(
        "/en/mills/cider/",
        "Orchard reports",
        Duration::from_secs(5),
    );

    // A record number read through the `records` global by the home page template: both homes.
    edit(root, "content/harvest.toml", "tonnes = 120", "tonnes = 125");
    rebuilt("(re-rendered 2 of 14 pages");
    served.wait_for("/ja/", "125", Duration::from_secs(5));

    // A record read through record() by every section, and named by the cider pages.
    edit(
        root,
        "content/mills/output.toml",
        "litres = 3000",
        "litres = 3200",
    );
    rebuilt("(re-rendered 6 of 14 pages");
    served.wait_for("/en/orchards/", "Output: 3200", Duration::from_secs(5));

    // The heading a link points at: the linked page; the linking pages keep their own text.
    edit(
        root,
        "content/orchards/pears.en.md",
        "## Pears harvest {#pears}",
        "## The pear harvest {#pears}",
    );
    rebuilt("(re-rendered 1 of 14 pages");

    // A page title: the page, its twin (language switch), its section's listing, its
    // neighbours (previous: pears, next: the mills section) — and nothing else.
    edit(
        root,
        "content/orchards/plums.en.md",
        "title = \"Plums\"",
        "title = \"Damsons\"",
    );
    rebuilt("(re-rendered 5 of 14 pages");
    served.wait_for("/en/orchards/", "Damsons", Duration::from_secs(5));

    // A broken edit builds nothing; its fix is built with it.
    edit(
        root,
        "content/orchards/pears.en.md",
        "weight = 2",
        "weight = \"two\"",
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !served.stderr().contains("pears.en.md") {
        assert!(Instant::now() < deadline, "{}", served.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    edit(
        root,
        "content/orchards/pears.en.md",
        "weight = \"two\"\n+++\n",
        "weight = 2\n+++\n\nMended.\n",
    );
    rebuilt("(re-rendered 1 of 14 pages");

    // A page that renders but breaks the print page (this site's print-page-extras.html fails
    // on a page titled "Boom"): the pages already written are put back, nothing changes.
    let (before, _) = served.events(0);
    edit(
        root,
        "content/orchards/apples.en.md",
        "title = \"Apples\"",
        "title = \"Boom\"",
    );
    let (failed, errors) = served.events(before);
    assert!(failed > before);
    let errors = errors.expect("the print page's error");
    assert!(errors.contains("no_such_variable"), "{errors}");
    let (_, page) = served.get("/en/orchards/apples/");
    assert!(!page.contains("Boom"), "rolled back: {page}");
    assert!(page.contains("bore more fruit"));
    edit(
        root,
        "content/orchards/apples.en.md",
        "title = \"Boom\"",
        "title = \"Apples\"",
    );
    // Back to what is served: nothing to render.
    rebuilt("(re-rendered 0 of 14 pages");

    // A template: everything.
    edit(
        root,
        "templates/partials/section-figures.html",
        "<p class=\"mill-output\">",
        "<p class=\"mill-output mill\">",
    );
    rebuilt("everything rebuilt");
    // And incremental again after it.
    edit(
        root,
        "content/mills/cider.ja.md",
        "サイダーの生産量です。",
        "サイダーの生産量（架空）です。",
    );
    rebuilt("(re-rendered 1 of 14 pages");

    let served_tree = assert_served_equals_build(root, &served.output);
    // Served pages carry the reload script, files do not.
    let (_, page) = served.get("/en/orchards/");
    assert!(page.contains("/__nenpo/events"));
    assert!(!String::from_utf8_lossy(&served_tree["en/orchards/index.html"]).contains("__nenpo"));
}

/// The same in a series of editions: a key figure of an older edition, read by `series()` on
/// the newer ones; a record of one edition; the glossary whose abbreviations are marked up in the
/// pages of its edition.
#[test]
fn in_a_series_of_editions_incremental_rebuilds_equal_a_build() {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editions"),
        root,
    );
    let served = Served::start(root);
    settle();
    let rebuilt = || {
        let line = served.line_with("Rebuilt in ", Duration::from_secs(10));
        assert!(line.contains("(re-rendered "), "not incremental: {line}");
    };
    edit(
        root,
        "content/2020/activities/_index.en.md",
        "value = \"1,240\"",
        "value = \"1,250\"",
    );
    rebuilt();
    edit(
        root,
        "content/2021/activities/nights.toml",
        "visitors = 690",
        "visitors = 695",
    );
    rebuilt();
    edit(
        root,
        "content/2021/glossary/terms.toml",
        "abbr = { ja = \"LHS\", en = \"LHS\" }",
        "abbr = { ja = \"SSLS\", en = \"SSLS\" }",
    );
    rebuilt();

    assert_served_equals_build(root, &served.output);
}

// ---- nothing but the served folder, and nobody holds a place for ever ----

#[cfg(unix)]
#[test]
fn a_link_in_the_served_folder_that_leads_out_of_it_is_not_followed() {
    let dir = site("site");
    let served = Served::start(dir.path());
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "id_rsa", "SECRET-KEY");
    write(outside.path(), "index.html", "<html>SECRET-PAGE</html>");
    std::os::unix::fs::symlink(outside.path(), served.output.join("leak")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("id_rsa"),
        served.output.join("id_rsa.txt"),
    )
    .unwrap();
    for path in ["/leak/id_rsa", "/leak/", "/leak", "/id_rsa.txt"] {
        let (status, answer) = raw_get(&served.url, path, "127.0.0.1");
        assert!(status.contains(" 404 "), "{path}: {status}");
        assert!(!answer.contains("SECRET"), "{path}: {answer}");
    }
    let (status, _) = raw_get(&served.url, "/", "127.0.0.1");
    assert!(status.contains(" 200 "), "{status}");
}

#[test]
fn clients_that_send_their_request_slowly_do_not_keep_the_others_out() {
    use std::io::Write;
    let dir = site("site");
    let served = Served::start(dir.path());
    let addr = served
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    // As many clients as the server answers at once, each sending its head a byte at a time.
    let mut slow: Vec<std::net::TcpStream> = (0..512)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(&addr).unwrap();
            write!(stream, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n").unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    let dribble = std::thread::spawn(move || {
        // One more byte from each every half second, for longer than the head's deadline.
        while started.elapsed() < Duration::from_secs(12) {
            for stream in &mut slow {
                let _ = stream.write_all(b"X");
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        slow
    });
    // Within the deadline (5 s) and a margin, the server has let them go and answers others.
    let status_of_a_get = || {
        use std::io::Read;
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        // A 503 may come, and the connection close, before the request is written.
        let _ = write!(stream, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    };
    let answered = loop {
        let status = status_of_a_get();
        if status.contains(" 200 ") {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still {status} after {:?}",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    eprintln!("answered after {answered:?} with 512 slow clients");
    drop(dribble.join().unwrap());
}

#[test]
fn an_out_of_date_translation_is_listed_over_the_served_page_until_it_is_done() {
    let dir = site("site");
    let root = dir.path();
    assert!(run(root, &["translations", "done", "--all"])
        .status
        .success());
    let served = Served::start(root);
    settle();
    let (_, page) = served.get("/en/reports/approvals/");
    assert!(page.contains("data-outdated=\"[]\""), "{page}");
    let ja = std::fs::read_to_string(root.join("content/reports/approvals.ja.md")).unwrap();
    let body = ja.rsplit("+++\n").next().unwrap();
    let last = body.trim_end().lines().last().unwrap().to_string();
    write(
        root,
        "content/reports/approvals.ja.md",
        ja.replacen(&last, &format!("{last}（改訂）"), 1),
    );
    served.wait_for(
        "/en/reports/approvals/",
        "content/reports/approvals.en.md",
        Duration::from_secs(10),
    );
    let (_, page) = served.get("/en/reports/approvals/");
    assert!(
        page.contains("data-outdated=\"[&quot;content/reports/approvals.en.md&quot;]\""),
        "{page}"
    );
    assert!(page.contains("class=\"translation-notice\""), "{page}");
    let (_, other) = served.get("/ja/reports/approvals/");
    assert!(other.contains("data-outdated=\"[&quot;content/reports/approvals.en.md&quot;]\""));
    assert!(!other.contains("class=\"translation-notice\""));
    // Recorded as translated: translations.lock changes, and the list is gone.
    assert!(run(root, &["translations", "done", "reports/approvals"])
        .status
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, page) = served.get("/en/reports/approvals/");
        if page.contains("data-outdated=\"[]\"") && !page.contains("translation-notice") {
            break;
        }
        assert!(Instant::now() < deadline, "still listed: {page}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
