//! `serve`: build into a private folder, serve it on 127.0.0.1, rebuild when a source changes, and
//! reload (or show the errors in) the open browser tab.
//!
//! The served folder holds exactly what `build` writes: the live-reload script is added to each
//! HTML page as it is sent (with the version of the site the page belongs to), never written.
//!
//! The first build, and any build after a change to config, templates, themes, interface
//! strings, static files or assets, or after a page or record was added or removed, is a full
//! build swapped in whole (`write::Staging`). An edit to existing pages or records is an
//! incremental rebuild (`crate::incremental`): only the pages whose render inputs changed are
//! rendered, and each changed file is replaced whole in place (`write::Patch`), so that a reader
//! never gets a half-written file; open pages are told to reload once every file is in place
//! (a reader may see some new pages and some old ones, each whole, for those few milliseconds;
//! a rebuild that fails after writing puts the old ones back).
//! A build that fails writes nothing, so the last good site stays served while the errors are
//! shown in the terminal and as an overlay in the browser; the changes that led to it are kept
//! and built again with the next change.
//!
//! The library does not print: what happens is reported to the caller as [`Event`]s.

mod http;

use std::fs::File;
use std::net::TcpStream;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use http::{Body, Listener, Request, Slot};
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::error::Diagnostics;
use crate::incremental::{Memory, Rebuilt};
use crate::parse::markdown::escape_attr;
use crate::render::SERVED_CONTENT_SECURITY_POLICY;
use crate::{BuildOptions, Summary};

/// The URL path of the live-reload endpoint (long-poll; answers JSON).
pub const EVENTS_PATH: &str = "/__nenpo/events";
/// Folders whose changes trigger a rebuild (with `config.toml`).
pub const WATCHED_DIRS: [&str; 5] = ["content", "themes", "templates", "static", "i18n"];
/// An editor's save is often several file events (write, rename, chmod) within a millisecond or
/// two: events are gathered until none came for `QUIET`, at most for `GATHER`, then built once.
const QUIET: Duration = Duration::from_millis(8);
const GATHER: Duration = Duration::from_millis(100);
/// How long the events endpoint holds a request open when nothing changes.
const LONG_POLL: Duration = Duration::from_secs(20);
/// Live-reload requests held open at once (one per open tab); more are told 503 and retry.
pub const MAX_LIVE_RELOAD: usize = 64;

/// What to serve.
pub struct ServeOptions {
    /// Root, translation strictness (output and injected HTML are set by `serve`).
    pub build: BuildOptions,
    /// 0 picks a free port.
    pub port: u16,
    /// Where the served site is written; `None` uses a fresh folder in the OS temp dir, removed
    /// on exit.
    pub output: Option<PathBuf>,
}

/// What `serve` reports while it runs.
pub enum Event<'a> {
    /// The first build is done (or failed) and the server answers at `url`.
    Serving { url: &'a str, output: &'a Path },
    /// A (re)build succeeded; `changed` lists the files that caused it (empty for the first one).
    /// `full` says why a change needed a full build (`None`: the first build, or incremental, as
    /// `summary.incremental` tells).
    Built {
        summary: &'a Summary,
        changed: &'a [String],
        full: Option<&'a str>,
    },
    /// A (re)build failed; the last good site is still served.
    Failed {
        diagnostics: &'a Diagnostics,
        changed: &'a [String],
    },
    /// A file watch could not be set up.
    WatchProblem(String),
}

enum Message {
    /// Paths changed; `true` when a file is being written (its close comes later).
    Changed(Vec<PathBuf>, bool),
    /// Files written and closed.
    Closed(Vec<PathBuf>),
    WatchError(String),
    Stop,
}

/// Stops a running [`Serve`] from another thread (e.g. a Ctrl-C handler).
#[derive(Clone)]
pub struct Stopper(Sender<Message>);

impl Stopper {
    pub fn stop(&self) {
        let _ = self.0.send(Message::Stop);
    }
}

/// The state the browser polls for.
#[derive(Default)]
struct Status {
    /// Bumped by every build, good or bad.
    version: u64,
    /// The rendered errors of the last build, when it failed.
    errors: Option<String>,
    /// The pages whose translation is out of date in the last good build (`page (lang)`).
    outdated: Vec<String>,
    stopping: bool,
}

#[derive(Default)]
struct Shared {
    status: Mutex<Status>,
    changed: Condvar,
    /// Live-reload requests now waiting.
    polls: Arc<AtomicUsize>,
}

impl Shared {
    fn update(&self, f: impl FnOnce(&mut Status)) {
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut status);
        self.changed.notify_all();
    }
}

/// A bound server, ready to [`run`](Serve::run).
pub struct Serve {
    build: BuildOptions,
    root: PathBuf,
    out: PathBuf,
    /// Removed when `Serve` is dropped.
    _temp: Option<tempfile::TempDir>,
    /// Held while this `serve` runs: a temporary folder whose lock is free belongs to a `serve`
    /// that was killed, and the next `serve` removes it.
    _alive: Option<File>,
    http: Arc<Listener>,
    url: String,
    shared: Arc<Shared>,
    tx: Sender<Message>,
    rx: Receiver<Message>,
    /// What the last good build leaves for incremental rebuilds.
    memory: Option<Memory>,
    /// Changed sources not yet built successfully (kept when a build fails).
    pending: std::collections::BTreeSet<String>,
}

impl Serve {
    /// Binds 127.0.0.1:`port` and prepares the output folder. Nothing is built yet.
    pub fn bind(options: ServeOptions) -> Result<Serve, String> {
        let root = options.build.root.clone();
        if !root.join(crate::config::CONFIG_FILE).is_file() {
            return Err(format!(
                "{} has no config.toml; run nenpo in the site folder or pass --root DIR",
                root.display()
            ));
        }
        // Watch events carry absolute paths: compare them with an absolute root, also when
        // the site folder was given as `.`.
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot resolve {}: {e}", root.display()))?;
        let mut build = options.build;
        build.root = root.clone();
        let mut alive = None;
        let (out, temp) = match options.output {
            Some(out) => {
                let out = if out.is_absolute() {
                    out
                } else {
                    root.join(out)
                };
                if same_path(&out, &root.join("public")) {
                    return Err("serve never writes to public/: its pages carry the live-reload script. Leave --output out (a temporary folder is used) or name another folder".into());
                }
                crate::write::check_output(&root, &out).map_err(|d| d.to_string())?;
                (out, None)
            }
            None => {
                remove_stale_temp_folders();
                let temp = tempfile::Builder::new()
                    .prefix(TEMP_PREFIX)
                    .tempdir()
                    .map_err(|e| format!("cannot create a temporary folder for the site: {e}"))?;
                alive = Some(
                    hold_alive_lock(temp.path())
                        .map_err(|e| format!("cannot lock the temporary folder: {e}"))?,
                );
                (temp.path().join("site"), Some(temp))
            }
        };
        let http = Listener::bind(options.port).map_err(|e| {
            format!(
                "cannot listen on 127.0.0.1:{}: {e}; choose another --port, or leave it out to use a free one",
                options.port
            )
        })?;
        let port = http.port();
        let (tx, rx) = mpsc::channel();
        Ok(Serve {
            build,
            root,
            out,
            _temp: temp,
            _alive: alive,
            http: Arc::new(http),
            url: format!("http://127.0.0.1:{port}/"),
            shared: Arc::default(),
            tx,
            rx,
            memory: None,
            pending: Default::default(),
        })
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn stopper(&self) -> Stopper {
        Stopper(self.tx.clone())
    }

    /// Builds, serves and rebuilds on change until stopped. Returns once everything is shut down.
    pub fn run(mut self, report: &mut dyn FnMut(Event)) -> Result<(), String> {
        // The watcher runs before the first build, so that an edit made while it runs is seen.
        let tx = self.tx.clone();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            let _ = match res {
                Ok(event)
                    if matches!(
                        event.kind,
                        EventKind::Access(AccessKind::Close(AccessMode::Write))
                    ) =>
                {
                    tx.send(Message::Closed(event.paths))
                }
                // The build itself opens and reads every file: reading is not a change.
                Ok(event) if matches!(event.kind, EventKind::Access(_)) => Ok(()),
                Ok(event) => {
                    let writing = matches!(
                        event.kind,
                        EventKind::Create(CreateKind::File)
                            | EventKind::Modify(ModifyKind::Data(_))
                    );
                    tx.send(Message::Changed(event.paths, writing))
                }
                Err(e) => tx.send(Message::WatchError(e.to_string())),
            };
        })
        .map_err(|e| format!("cannot watch the site folder: {e}"))?;
        let mut watched = Vec::new();
        self.watch_new(&mut watcher, &mut watched, report);

        self.rebuild(&[], report);
        let stop_http = self.http.stopper();
        let http_thread = {
            let (http, out, shared) = (self.http.clone(), self.out.clone(), self.shared.clone());
            std::thread::spawn(move || {
                http.run(Arc::new(
                    move |request: &Request, stream: &mut TcpStream| {
                        answer(request, stream, &out, &shared)
                    },
                ))
            })
        };
        report(Event::Serving {
            url: &self.url,
            output: &self.out,
        });

        while let Ok(message) = self.rx.recv() {
            match message {
                Message::Stop => break,
                Message::WatchError(e) => report(Event::WatchProblem(e)),
                // A file closed with no change seen before it: nothing to build.
                Message::Closed(_) => {}
                Message::Changed(paths, writing) => {
                    let mut changed: Vec<String> = Vec::new();
                    // Files being written: the build waits for them to be closed (or for
                    // `GATHER`), so that it never reads half a save.
                    let mut open: std::collections::HashSet<PathBuf> = Default::default();
                    // Watched folders deleted, restored or replaced (`git checkout`): their
                    // watches point at what is gone and are set up again.
                    let mut replaced: Vec<PathBuf> = Vec::new();
                    let mut add =
                        |paths: Vec<PathBuf>,
                         writing: bool,
                         open: &mut std::collections::HashSet<PathBuf>| {
                            if writing {
                                open.extend(paths.iter().filter(|p| self.is_source(p)).cloned());
                            }
                            replaced
                                .extend(paths.iter().filter(|p| self.is_watched_dir(p)).cloned());
                            changed.extend(
                                paths
                                    .iter()
                                    .filter(|p| self.is_source(p))
                                    .map(|p| crate::fs::display_path(&self.root, p)),
                            )
                        };
                    add(paths, writing, &mut open);
                    let mut stop = false;
                    let until = Instant::now() + GATHER;
                    while let Some(left) = until.checked_duration_since(Instant::now()) {
                        let wait = if open.is_empty() {
                            left.min(QUIET)
                        } else {
                            left
                        };
                        match self.rx.recv_timeout(wait) {
                            Ok(Message::Changed(more, writing)) => add(more, writing, &mut open),
                            Ok(Message::Closed(closed)) => {
                                for path in closed {
                                    open.remove(&path);
                                }
                            }
                            Ok(Message::WatchError(e)) => report(Event::WatchProblem(e)),
                            Ok(Message::Stop) => {
                                stop = true;
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    if stop {
                        break;
                    }
                    changed.sort();
                    changed.dedup();
                    if changed.is_empty() {
                        continue;
                    }
                    for dir in replaced {
                        let _ = watcher.unwatch(&dir);
                        watched.retain(|w| *w != dir);
                    }
                    self.watch_new(&mut watcher, &mut watched, report);
                    self.rebuild(&changed, report);
                }
            }
        }

        drop(watcher);
        self.shared.update(|s| s.stopping = true);
        stop_http();
        let _ = http_thread.join();
        Ok(())
    }

    /// Brings the served folder up to date with the changes so far (all of them for the first
    /// build): incrementally when the last good build allows it, else fully. On failure the
    /// previous site stays in place and the changes are kept for the next try.
    fn rebuild(&mut self, changed: &[String], report: &mut dyn FnMut(Event)) {
        let version = self
            .shared
            .status
            .lock()
            .map(|s| s.version + 1)
            .unwrap_or(1);
        self.pending.extend(changed.iter().cloned());
        let pending: Vec<String> = self.pending.iter().cloned().collect();
        let mut full = None;
        let mut result = None;
        if let (Some(memory), false) = (self.memory.as_mut(), pending.is_empty()) {
            match memory.rebuild(&pending) {
                Ok(Rebuilt::Done(summary)) => result = Some(Ok(*summary)),
                Ok(Rebuilt::NeedsFull(why)) => full = Some(why),
                Err(diagnostics) => result = Some(Err(diagnostics)),
            }
        }
        let result = result.unwrap_or_else(|| {
            let mut options = self.build.clone();
            options.output = Some(self.out.clone());
            crate::build_keeping(&options, Some(&mut self.memory))
        });
        match result {
            Ok(summary) => {
                self.pending.clear();
                self.shared.update(|s| {
                    s.version = version;
                    s.errors = None;
                    s.outdated = summary.outdated.clone();
                });
                report(Event::Built {
                    summary: &summary,
                    changed,
                    full: full.as_deref(),
                });
            }
            Err(diagnostics) => {
                let text: String = diagnostics.0.iter().map(|d| d.render(false)).collect();
                self.shared.update(|s| {
                    s.version = version;
                    s.errors = Some(text);
                });
                report(Event::Failed {
                    diagnostics: &diagnostics,
                    changed,
                });
            }
        }
    }

    /// Watches the root itself (for config.toml and new folders) and each source folder that
    /// exists and is not watched yet.
    fn watch_new(
        &self,
        watcher: &mut RecommendedWatcher,
        watched: &mut Vec<PathBuf>,
        report: &mut dyn FnMut(Event),
    ) {
        let mut wanted = vec![(self.root.clone(), RecursiveMode::NonRecursive)];
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            if path.is_dir() {
                wanted.push((path, RecursiveMode::Recursive));
            }
        }
        for (path, mode) in wanted {
            if watched.contains(&path) {
                continue;
            }
            match watcher.watch(&path, mode) {
                Ok(()) => watched.push(path),
                Err(e) => report(Event::WatchProblem(format!(
                    "cannot watch {}: {e}",
                    path.display()
                ))),
            }
        }
    }

    /// Whether `path` is one of the watched folders itself (`content/`, …).
    fn is_watched_dir(&self, path: &Path) -> bool {
        path.parent() == Some(self.root.as_path())
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| WATCHED_DIRS.contains(&n))
    }

    /// Whether a changed path is a source of the site (not an editor's backup or swap file).
    fn is_source(&self, path: &Path) -> bool {
        if path.starts_with(&self.out) {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let names: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let Some(first) = names.first() else {
            return false;
        };
        let in_scope = (names.len() == 1
            && (first == crate::config::CONFIG_FILE
                || first == crate::translations::state::LOCK_FILE))
            || WATCHED_DIRS.contains(&first.as_str());
        in_scope && !names.iter().any(|n| crate::fs::skipped(n).is_some())
    }
}

const TEMP_PREFIX: &str = "nenpo-serve-";
const ALIVE_LOCK: &str = ".serve-lock";

/// Locks a file in `temp` for as long as the returned file is open. The lock is taken before the
/// file gets its name, so that no other `serve` ever sees it unlocked.
fn hold_alive_lock(temp: &Path) -> std::io::Result<File> {
    let fresh = temp.join(format!("{ALIVE_LOCK}.new"));
    let file = File::create(&fresh)?;
    file.lock()?;
    std::fs::rename(&fresh, temp.join(ALIVE_LOCK))?;
    Ok(file)
}

/// Removes the temporary folders of `serve`s that were killed (SIGKILL, power loss) before they
/// could remove them: those whose lock nobody holds.
fn remove_stale_temp_folders() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let ours = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
            && entry.file_type().is_ok_and(|t| t.is_dir());
        if !ours {
            continue;
        }
        let Ok(lock) = File::open(entry.path().join(ALIVE_LOCK)) else {
            continue;
        };
        if lock.try_lock().is_ok() {
            drop(lock);
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn same_path(a: &Path, b: &Path) -> bool {
    let plain = |p: &Path| -> PathBuf {
        p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect()
    };
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => plain(a) == plain(b),
    }
}

/// The script added before `</body>` of every served page. It long-polls [`EVENTS_PATH`]: a newer
/// good build reloads the page; a failed build shows its errors over the (last good) page.
pub fn reload_script(version: u64) -> String {
    reload_script_listing(version, &[])
}

/// [`reload_script`], which also lists `outdated` (the pages whose translation is out of date)
/// in a small box in a corner of the page, for the editor's eyes only (`build` never writes it).
pub fn reload_script_listing(version: u64, outdated: &[String]) -> String {
    let outdated = serde_json::to_string(outdated).unwrap_or_else(|_| "[]".into());
    // `</` cannot end the script early: JSON may escape the slash.
    let outdated = outdated.replace("</", "<\\/");
    format!(
        r#"<script>/* nenpo serve: live reload */
(function () {{
  var version = {version};
  function overlay(text) {{
    var box = document.getElementById("__nenpo_overlay");
    if (!box) {{
      box = document.createElement("div");
      box.id = "__nenpo_overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5em;background:rgba(20,20,20,.94);color:#f5f5f5;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
      var head = document.createElement("p");
      head.style.cssText = "margin:0 0 1em;color:#ff8a80;font-weight:bold";
      head.textContent = "The site could not be rebuilt. The page below is the last version that built. Fix the problem, save, and this page updates by itself.";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap";
      box.appendChild(head);
      box.appendChild(pre);
      document.body.appendChild(box);
    }}
    box.lastChild.textContent = text;
  }}
  function poll() {{
    fetch("{EVENTS_PATH}?v=" + version, {{ cache: "no-store" }})
      .then(function (r) {{ return r.json(); }})
      .then(function (s) {{
        if (s.errors) {{ version = s.version; overlay(s.errors); poll(); }}
        else if (s.version !== version) {{ location.reload(); }}
        else {{ poll(); }}
      }})
      .catch(function () {{ setTimeout(poll, 1000); }});
  }}
  var outdated = {outdated};
  if (outdated.length) {{
    var note = document.createElement("details");
    note.id = "__nenpo_outdated";
    note.style.cssText = "position:fixed;right:1em;bottom:1em;z-index:2147483646;max-width:40em;max-height:50vh;overflow:auto;padding:.5em 1em;background:#fff8e1;color:#3e2723;border:1px solid #ffb300;font:13px/1.5 system-ui,sans-serif";
    var sum = document.createElement("summary");
    sum.textContent = "nenpo serve: " + outdated.length + " translation(s) out of date (nenpo translations diff PAGE)";
    note.appendChild(sum);
    var list = document.createElement("ul");
    outdated.forEach(function (page) {{ var li = document.createElement("li"); li.textContent = page; list.appendChild(li); }});
    note.appendChild(list);
    document.body.appendChild(note);
  }}
  poll();
}})();
</script>
"#
    )
}

/// A served HTML page with the live-reload script of site version `version` inserted before its
/// last `</body>` (at the end if it has none), and its Content-Security-Policy relaxed to let that
/// script run. Only what `serve` sends is changed so: the files stay as `build` writes them.
fn with_reload_script(html: Vec<u8>, version: u64, outdated: &[String]) -> Vec<u8> {
    let mut html = match String::from_utf8(html) {
        Ok(text) => relax_policy(text).into_bytes(),
        Err(e) => e.into_bytes(),
    };
    let script = reload_script_listing(version, outdated);
    let at = html
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(html.len());
    html.splice(at..at, script.into_bytes());
    html
}

/// Replaces the content of the page's Content-Security-Policy `<meta>` (the theme's or any other)
/// with the policy of served pages.
fn relax_policy(mut html: String) -> String {
    const META: &str = "http-equiv=\"Content-Security-Policy\"";
    let head_end = html.find("</head>").unwrap_or(html.len());
    let Some(meta) = html[..head_end].find(META) else {
        return html;
    };
    let tag_end = meta + html[meta..].find('>').unwrap_or(0);
    if let Some(content) = html[meta..tag_end].find("content=\"") {
        let start = meta + content + "content=\"".len();
        if let Some(len) = html[start..tag_end].find('"') {
            html.replace_range(start..start + len, SERVED_CONTENT_SECURITY_POLICY);
        }
    }
    html
}

/// Routes one request: the live-reload endpoint or a file of the served folder.
fn answer(
    request: &Request,
    stream: &mut TcpStream,
    out: &Path,
    shared: &Shared,
) -> std::io::Result<()> {
    if request.target.starts_with(EVENTS_PATH) {
        if shared.polls.load(std::sync::atomic::Ordering::SeqCst) >= MAX_LIVE_RELOAD {
            // The script waits a second and asks again.
            return http::plain(
                stream,
                503,
                "Too many open tabs are waiting for a reload.\n",
            );
        }
        let _slot = Slot::take(&shared.polls);
        answer_events(request, stream, shared)
    } else {
        answer_file(request, stream, out, shared)
    }
}

/// `GET /__nenpo/events?v=N`: answers as soon as the build version differs from `N` (or after
/// a while), with `{"version": …, "errors": null | "…"}`.
fn answer_events(
    request: &Request,
    stream: &mut TcpStream,
    shared: &Shared,
) -> std::io::Result<()> {
    let seen: Option<u64> = request
        .target
        .split_once("v=")
        .and_then(|(_, v)| v.split('&').next())
        .and_then(|v| v.parse().ok());
    let deadline = Instant::now() + LONG_POLL;
    let mut status = shared.status.lock().unwrap_or_else(|e| e.into_inner());
    while Some(status.version) == seen && !status.stopping {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        status = shared
            .changed
            .wait_timeout(status, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    let body = serde_json::json!({ "version": status.version, "errors": status.errors });
    drop(status);
    http::respond(
        stream,
        200,
        &[
            ("Content-Type", "application/json; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ],
        Body::Bytes(body.to_string().into_bytes()),
        false,
    )
}

enum Target {
    File(PathBuf),
    Redirect(String),
    NotFound,
}

/// Maps a URL path to a file of the served folder: `/` and folders to their `index.html`.
fn resolve(out: &Path, url: &str) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Target::NotFound;
    };
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| {
        !matches!(c, Component::Normal(_)) || c.as_os_str().to_string_lossy().contains('\\')
    }) {
        return Target::NotFound;
    }
    let file = out.join(rel);
    if file.is_dir() {
        if !path.ends_with('/') {
            // Built from the checked path, never from the raw one: `//evil.example` must not
            // become a redirect to another site.
            return Target::Redirect(format!("/{}/", path.trim_start_matches('/')));
        }
        let index = file.join("index.html");
        return if index.is_file() {
            Target::File(index)
        } else {
            Target::NotFound
        };
    }
    if file.is_file() {
        Target::File(file)
    } else {
        Target::NotFound
    }
}

fn answer_file(
    request: &Request,
    stream: &mut TcpStream,
    out: &Path,
    shared: &Shared,
) -> std::io::Result<()> {
    let head_only = match request.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => return http::plain(stream, 405, "Only GET and HEAD.\n"),
    };
    let no_store = ("Cache-Control", "no-store");
    // The version before the page: a page newer than its version only reloads once more.
    let (version, outdated) = shared
        .status
        .lock()
        .map(|s| (s.version, s.outdated.clone()))
        .unwrap_or_default();
    match resolve(out, &request.target) {
        Target::File(path) if content_type(&path).starts_with("text/html") => {
            match std::fs::read(&path) {
                Ok(html) => http::respond(
                    stream,
                    200,
                    &[("Content-Type", content_type(&path)), no_store],
                    Body::Bytes(with_reload_script(html, version, &outdated)),
                    head_only,
                ),
                Err(_) => not_found(stream, shared, head_only),
            }
        }
        Target::File(path) => match File::open(&path).and_then(|f| Ok((f.metadata()?.len(), f))) {
            Ok((length, file)) => http::respond(
                stream,
                200,
                &[("Content-Type", content_type(&path)), no_store],
                Body::File(file, length),
                head_only,
            ),
            Err(_) => not_found(stream, shared, head_only),
        },
        Target::Redirect(to) => http::respond(
            stream,
            301,
            &[("Location", &to), no_store],
            Body::Bytes(Vec::new()),
            head_only,
        ),
        Target::NotFound => not_found(stream, shared, head_only),
    }
}

/// A 404 page that still live-reloads, and that shows the errors while the site does not build
/// (before the first good build there is no site to show).
fn not_found(stream: &mut TcpStream, shared: &Shared, head_only: bool) -> std::io::Result<()> {
    let (version, errors) = shared
        .status
        .lock()
        .map(|s| (s.version, s.errors.clone()))
        .unwrap_or((0, None));
    let text = match &errors {
        Some(errors) => format!(
            "<h1>The site does not build yet</h1>\n<pre>{}</pre>",
            escape_attr(errors)
        ),
        None => "<h1>Not found</h1>\n<p>No page at this address. <a href=\"/\">Home</a></p>".into(),
    };
    // The page itself has no version of the site: any good build reloads it.
    let script = reload_script(if errors.is_some() { version } else { 0 });
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body>\n{text}\n{script}</body></html>\n"
    );
    http::respond(
        stream,
        404,
        &[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ],
        Body::Bytes(html.into_bytes()),
        head_only,
    )
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::CONTENT_SECURITY_POLICY;

    #[test]
    fn urls_map_to_files_and_folders_to_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("ja/a")).unwrap();
        std::fs::write(out.join("index.html"), "root").unwrap();
        std::fs::write(out.join("ja/a/index.html"), "a").unwrap();
        assert!(matches!(resolve(out, "/"), Target::File(p) if p == out.join("index.html")));
        assert!(
            matches!(resolve(out, "/ja/a/?x=1"), Target::File(p) if p == out.join("ja/a/index.html"))
        );
        assert!(matches!(resolve(out, "/ja/a"), Target::Redirect(to) if to == "/ja/a/"));
        std::fs::create_dir_all(out.join("evil.example")).unwrap();
        assert!(
            matches!(resolve(out, "//evil.example"), Target::Redirect(to) if to == "/evil.example/")
        );
        assert!(matches!(resolve(out, "/../etc/passwd"), Target::NotFound));
        assert!(matches!(
            resolve(out, "/ja/%2e%2e/%2e%2e/x"),
            Target::NotFound
        ));
        assert!(matches!(resolve(out, "/nope.html"), Target::NotFound));
    }

    #[test]
    fn served_pages_get_the_relaxed_policy_and_the_script() {
        let page = format!(
            "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\"></head><body></body></html>"
        );
        let served = String::from_utf8(with_reload_script(page.into_bytes(), 1, &[])).unwrap();
        assert!(served.contains(&format!("content=\"{SERVED_CONTENT_SECURITY_POLICY}\">")));
        assert!(!served.contains(CONTENT_SECURITY_POLICY));
        assert!(served.ends_with("</script>\n</body></html>"), "{served}");
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let html = with_reload_script(b"<body>x</body>\n".to_vec(), 3, &[]);
        let html = String::from_utf8(html).unwrap();
        assert!(html.starts_with("<body>x<script>"), "{html}");
        assert!(html.ends_with("</script>\n</body>\n"), "{html}");
        assert!(html.contains("var version = 3;"));
    }

    #[test]
    fn the_script_polls_the_events_endpoint_with_its_version() {
        let script = reload_script(7);
        assert!(script.contains("var version = 7;"));
        assert!(script.contains(EVENTS_PATH));
    }
}
