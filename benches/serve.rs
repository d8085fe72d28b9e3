//! Edit-to-served benchmark for `nenpo serve` on this report: the time from writing an edit to
//! the moment the changed page is served over HTTP with the change, polled as fast as the server
//! answers. Four kinds of edit, alternating round by round:
//!
//! - `page text`: a sentence added to one page (incremental);
//! - `nav title`: a section's short title, shown in the navigation of every page (incremental);
//! - `record`: a figure in `content/projects.toml`, shown on the home page (incremental);
//! - `template`: a comment added to a template override (a full build, for comparison).
//!
//! Reports the median, minimum and maximum per kind, and what `serve` printed for the last
//! rebuild (its own time, pages re-rendered, files written).
//!
//! Run: `cargo bench --bench serve` (`-- 30` for 30 rounds; 15 by default). It works on a copy
//! of the report in a temporary folder; the sources of this tree are never changed.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

struct Edit {
    name: &'static str,
    file: &'static str,
    /// Replaces the first occurrence of `from` in the file with `to(round)`.
    from: &'static str,
    to: fn(usize) -> String,
    /// The page that shows the edit, and what it shows.
    page: &'static str,
    shows: fn(usize) -> String,
}

const EDITS: [Edit; 4] = [
    Edit {
        name: "page text",
        file: "content/{e}pharmaceuticals/achievements.en.md",
        from: "\n+++\n",
        to: |n| format!("\n+++\n\nA sentence added by the benchmark, round {n}.\n"),
        page: "en/{e}pharmaceuticals/achievements/",
        shows: |n| format!("A sentence added by the benchmark, round {n}."),
    },
    Edit {
        name: "nav title",
        file: "content/{e}pharmaceuticals/_index.en.md",
        from: "short_title = \"Pharmaceuticals\"",
        to: |n| format!("short_title = \"Pharmaceuticals {n}\""),
        page: "en/{e}genome-data/",
        shows: |n| format!("Pharmaceuticals {n}<"),
    },
    Edit {
        name: "record",
        file: "content/{e}projects.toml",
        from: "value = \"2,964\"",
        to: |n| format!("value = \"2,964 ({n})\""),
        page: "en/{e}",
        shows: |n| format!("2,964 ({n})"),
    },
    Edit {
        name: "template",
        file: "templates/glossary.html",
        from: "<div class=\"prose\">",
        to: |n| format!("<!-- benchmark round {n} --><div class=\"prose\">"),
        page: "en/{e}glossary/",
        shows: |n| format!("<!-- benchmark round {n} -->"),
    },
];

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(15);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().expect("temporary folder");
    for part in [
        "config.toml",
        "content",
        "templates",
        "i18n",
        "static",
        "themes",
    ] {
        let from = repo.join(part);
        if from.exists() {
            copy(&from, &site.path().join(part));
        }
    }
    // In a series of editions the report lies in content/<edition>/ and is served under it.
    let edition = match std::fs::read_dir(site.path().join("content"))
        .expect("content/")
        .flatten()
        .find(|e| e.path().join("pharmaceuticals").is_dir())
    {
        Some(e) => format!("{}/", e.file_name().to_string_lossy()),
        None => String::new(),
    };
    let at = |path: &str| path.replace("{e}", &edition);
    let served = Served::start(site.path());
    let originals: Vec<String> = EDITS
        .iter()
        .map(|e| std::fs::read_to_string(site.path().join(at(e.file))).expect("read"))
        .collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); EDITS.len()];
    let mut reloads: Vec<Vec<Duration>> = vec![Vec::new(); EDITS.len()];
    let mut printed: Vec<String> = vec![String::new(); EDITS.len()];
    for round in 0..=rounds {
        for (i, edit) in EDITS.iter().enumerate() {
            let text = originals[i].replacen(edit.from, &(edit.to)(round), 1);
            assert_ne!(
                text, originals[i],
                "{}: `{}` not found",
                edit.file, edit.from
            );
            let shows = (edit.shows)(round);
            // Open tabs long-poll the events endpoint: it answers when the rebuild is done.
            let (events, agent) = served.events_after(served.version());
            let poll = std::thread::spawn(move || {
                let _ = agent.get(&events).call();
                Instant::now()
            });
            let started = Instant::now();
            std::fs::write(site.path().join(at(edit.file)), text).expect("write the edit");
            served.wait_for(&at(edit.page), &shows, started);
            let took = started.elapsed();
            let reload = poll.join().expect("events") - started;
            printed[i] = served.line_with("Rebuilt in ");
            // Undo the edit, so that every round starts from the report as it is.
            std::fs::write(site.path().join(at(edit.file)), &originals[i]).expect("undo");
            served.line_with("Rebuilt in ");
            // Round 0 warms up.
            if round > 0 {
                times[i].push(took);
                reloads[i].push(reload);
            }
        }
    }
    println!("nenpo serve on this report, {rounds} rounds: from writing the edit to");
    println!("  served: the changed page served over HTTP with the change;");
    println!("  reload: open tabs told to reload (the whole rebuild done, search index included)");
    println!(
        "{:<10} {:>13} {:>9} {:>9} {:>13}",
        "edit", "served median", "min", "max", "reload median"
    );
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    for (i, edit) in EDITS.iter().enumerate() {
        let t = &mut times[i];
        t.sort();
        let r = &mut reloads[i];
        r.sort();
        println!(
            "{:<10} {:>13} {:>9} {:>9} {:>13}",
            edit.name,
            ms(t[t.len() / 2]),
            ms(t[0]),
            ms(t[t.len() - 1]),
            ms(r[r.len() / 2])
        );
    }
    println!("serve's own report of the last rebuild of each kind:");
    for (i, edit) in EDITS.iter().enumerate() {
        println!("{:<10} {}", edit.name, printed[i]);
    }
    served.stop();
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read_dir") {
            let entry = entry.expect("entry");
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).expect("copy");
    }
}

struct Served {
    child: Child,
    url: String,
    stdout: Receiver<String>,
    agent: ureq::Agent,
}

impl Served {
    fn start(root: &Path) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nenpo"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nenpo serve");
        let (tx, stdout) = mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let mut served = Served {
            child,
            url: String::new(),
            stdout,
            agent,
        };
        let line = served.line_with("Serving on ");
        served.url = line.trim_start_matches("Serving on ").trim().to_string();
        // Let the watcher settle.
        std::thread::sleep(Duration::from_millis(300));
        served
    }

    fn line_with(&self, needle: &str) -> String {
        loop {
            match self.stdout.recv_timeout(Duration::from_secs(30)) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("nenpo serve printed no `{needle}` within 30 s"),
            }
        }
    }

    /// The site's version now (the events endpoint answers at once for an unknown version).
    fn version(&self) -> u64 {
        let url = format!("{}__nenpo/events?v=none", self.url);
        let mut response = self.agent.get(&url).call().expect("GET events");
        let body = response.body_mut().read_to_string().unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&body).expect("events JSON");
        json["version"].as_u64().expect("version")
    }

    /// The long-poll address that answers when the version is no longer `version`.
    fn events_after(&self, version: u64) -> (String, ureq::Agent) {
        let url = format!("{}__nenpo/events?v={version}", self.url);
        (url, self.agent.clone())
    }

    /// Polls `page` until it shows `needle`.
    fn wait_for(&self, page: &str, needle: &str, started: Instant) {
        let url = format!("{}{page}", self.url);
        loop {
            let mut response = self.agent.get(&url).call().expect("GET");
            let body = response.body_mut().read_to_string().unwrap_or_default();
            if body.contains(needle) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{page} did not show `{needle}` within 10 s"
            );
        }
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
