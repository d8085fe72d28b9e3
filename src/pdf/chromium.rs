//! A small blocking client of Chromium's DevTools protocol over `--remote-debugging-pipe`: the
//! browser reads commands from its fd 3 and writes answers and events to its fd 4, each message a
//! JSON text ended by a NUL byte. Only what printing needs: open a page, answer its requests
//! (files only: every other request is failed, so the browser never reaches the network), run a
//! script, print to PDF.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

/// The one command that installs the engine, in every message about a missing Chromium.
pub const INSTALL: &str = "apt-get install chromium";

/// Longest wait for one answer of the browser (a long report prints in a few seconds).
const TIMEOUT: Duration = Duration::from_secs(120);

/// Flags for a browser that prints and does nothing else: no network services, no first-run
/// work, no profile of the user's (a fresh temporary one), and every host name unresolvable.
const FLAGS: [&str; 14] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--disable-default-apps",
    "--mute-audio",
    "--font-render-hinting=none",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-pipe",
];

/// Where Chromium is: `NENPO_CHROMIUM` when set, else `chromium` (Debian) or `chromium-browser`
/// on the PATH. `Err` holds a message naming the command that installs it.
pub fn find() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("NENPO_CHROMIUM") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "NENPO_CHROMIUM names {}, which is not a file; unset it or install Chromium: {INSTALL}",
                path.display()
            ))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| OsString::from("/usr/bin"));
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(format!(
        "`nenpo pdf` prints the report with Chromium, which is not installed; install it with: {INSTALL}"
    ))
}

/// A running headless Chromium with one page open.
pub struct Browser {
    child: Child,
    to_browser: std::io::PipeWriter,
    from_browser: Receiver<Value>,
    /// Events read while waiting for an answer, handled in order.
    events: VecDeque<Value>,
    next_id: u64,
    session: String,
    /// The folder whose files pages may load (resolved): the print pages' copy of the site.
    allowed: PathBuf,
    /// Requests to anything but a file, refused: (URL, count).
    pub refused: Vec<String>,
}

impl Browser {
    /// Starts Chromium with its profile in `profile` (an empty folder) and opens a blank page
    /// that may load only the files inside `allowed`.
    pub fn launch(chromium: &Path, profile: &Path, allowed: &Path) -> Result<Browser, String> {
        let allowed = allowed
            .canonicalize()
            .map_err(|e| format!("cannot find the folder to print from: {e}"))?;
        let (from_us, to_browser) =
            std::io::pipe().map_err(|e| format!("cannot create a pipe to Chromium: {e}"))?;
        let (from_browser, to_us) =
            std::io::pipe().map_err(|e| format!("cannot create a pipe from Chromium: {e}"))?;
        let mut command = Command::new(chromium);
        command
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let (child_reads, child_writes): (std::os::fd::OwnedFd, std::os::fd::OwnedFd) =
            (from_us.into(), to_us.into());
        pass_pipes(&mut command, &child_reads, &child_writes)?;
        let child = command.spawn().map_err(|e| {
            format!(
                "cannot start {}: {e}; install Chromium with: {INSTALL}",
                chromium.display()
            )
        })?;
        // The child has its own copies now; with ours closed, the reader sees the end of the
        // pipe when the browser exits.
        drop(command);
        drop((child_reads, child_writes));
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(from_browser);
            let mut message = Vec::new();
            loop {
                message.clear();
                match reader.read_until(0, &mut message) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if message.last() == Some(&0) {
                            message.pop();
                        }
                        if let Ok(value) = serde_json::from_slice::<Value>(&message) {
                            if send.send(value).is_err() {
                                break;
                            }
                        }
                    }
                }
            }
        });
        let mut browser = Browser {
            child,
            to_browser,
            from_browser: receive,
            events: VecDeque::new(),
            next_id: 0,
            session: String::new(),
            allowed,
            refused: Vec::new(),
        };
        let target =
            browser.call_browser("Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"].as_str().unwrap_or_default().to_string();
        let attached = browser.call_browser(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        browser.session = attached["sessionId"]
            .as_str()
            .ok_or("Chromium did not open a page")?
            .to_string();
        browser.call("Page.enable", json!({}))?;
        browser.call(
            "Fetch.enable",
            json!({ "patterns": [{ "urlPattern": "*" }] }),
        )?;
        Ok(browser)
    }

    /// Opens `url` (a file) and waits until it and its fonts are loaded.
    pub fn open(&mut self, url: &str) -> Result<(), String> {
        self.events.clear();
        let answer = self.call("Page.navigate", json!({ "url": url }))?;
        if let Some(error) = answer["errorText"].as_str() {
            return Err(format!("Chromium could not open {url}: {error}"));
        }
        self.wait_for_event("Page.loadEventFired")?;
        self.evaluate("document.fonts.ready.then(() => true)")?;
        Ok(())
    }

    /// Runs `script` in the page (awaiting a promise) and returns its value.
    pub fn evaluate(&mut self, script: &str) -> Result<Value, String> {
        let answer = self.call(
            "Runtime.evaluate",
            json!({ "expression": script, "awaitPromise": true, "returnByValue": true }),
        )?;
        if let Some(exception) = answer.get("exceptionDetails") {
            return Err(format!(
                "a script in the print page failed: {}",
                exception["exception"]["description"]
                    .as_str()
                    .or(exception["text"].as_str())
                    .unwrap_or("unknown error")
            ));
        }
        Ok(answer["result"]["value"].clone())
    }

    /// Prints the open page with its own @page rules (size, margins, margin boxes), tagged.
    pub fn print(&mut self) -> Result<Vec<u8>, String> {
        let answer = self.call(
            "Page.printToPDF",
            json!({
                "preferCSSPageSize": true,
                "printBackground": true,
                "displayHeaderFooter": false,
                "generateTaggedPDF": true,
                // An outline from the headings: nenpo takes the headings of each page from it.
                "generateDocumentOutline": true,
                "paperWidth": 8.27,
                "paperHeight": 11.69,
                "transferMode": "ReturnAsBase64",
            }),
        )?;
        let data = answer["data"].as_str().ok_or("Chromium printed no PDF")?;
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("Chromium's PDF could not be decoded: {e}"))
    }

    /// A command to the page.
    fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let session = self.session.clone();
        self.send(Some(&session), method, params)
    }

    /// A command to the browser itself.
    fn call_browser(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.send(None, method, params)
    }

    fn send(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        self.write(session, id, method, params)?;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline, method)?;
            if message["id"].as_u64() == Some(id) {
                if let Some(error) = message.get("error") {
                    return Err(format!(
                        "Chromium refused {method}: {}",
                        error["message"].as_str().unwrap_or("unknown error")
                    ));
                }
                return Ok(message["result"].clone());
            }
            if message.get("method").is_some() {
                self.events.push_back(message);
            }
        }
    }

    fn write(
        &mut self,
        session: Option<&str>,
        id: u64,
        method: &str,
        params: Value,
    ) -> Result<(), String> {
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .map_err(|e| format!("Chromium stopped listening ({e})"))
    }

    /// The next message; requests the page makes are answered on the way.
    fn receive(&mut self, deadline: Instant, waiting_for: &str) -> Result<Value, String> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.from_browser.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "Chromium did not answer {waiting_for} within {} s",
                        TIMEOUT.as_secs()
                    ))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.try_wait().ok().flatten();
                    return Err(format!(
                        "Chromium exited while nenpo waited for {waiting_for}{}",
                        status.map(|s| format!(" ({s})")).unwrap_or_default()
                    ));
                }
            };
            if message["method"] == "Fetch.requestPaused" {
                self.answer_request(&message)?;
                continue;
            }
            return Ok(message);
        }
    }

    /// Files inside the allowed folder load; anything else (another file of the computer, the
    /// network) fails at once and is remembered.
    fn answer_request(&mut self, event: &Value) -> Result<(), String> {
        let params = &event["params"];
        let request = params["requestId"].clone();
        let url = params["request"]["url"].as_str().unwrap_or_default();
        self.next_id += 1;
        let id = self.next_id;
        let session = self.session.clone();
        let allowed = match url.strip_prefix("file://") {
            Some(rest) => file_inside(rest, &self.allowed),
            None => url.starts_with("data:") || url == "about:blank",
        };
        if allowed {
            self.write(
                Some(&session),
                id,
                "Fetch.continueRequest",
                json!({ "requestId": request }),
            )
        } else {
            self.refused.push(url.to_string());
            self.write(
                Some(&session),
                id,
                "Fetch.failRequest",
                json!({ "requestId": request, "errorReason": "BlockedByClient" }),
            )
        }
    }

    fn wait_for_event(&mut self, name: &str) -> Result<Value, String> {
        if let Some(at) = self.events.iter().position(|e| e["method"] == name) {
            let event = self.events.remove(at).unwrap_or_default();
            self.events.drain(..at);
            return Ok(event);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline, name)?;
            if message["method"] == name {
                return Ok(message);
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.write(None, u64::MAX, "Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `rest`, a `file://` URL without its scheme, names a file inside `allowed` (a
/// resolved folder) once links and `..` are resolved, and none of its hidden files.
fn file_inside(rest: &str, allowed: &Path) -> bool {
    // `file://localhost/…` or `file:///…`; a file on another host is never inside.
    let Some(path) = rest
        .strip_prefix("localhost")
        .or(Some(rest))
        .filter(|p| p.starts_with('/'))
    else {
        return false;
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let Ok(path) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return false;
    };
    // Links resolved; a file that does not exist (which fails to load by itself) is judged by
    // its path as written.
    let path = Path::new(path.as_ref());
    let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    real.strip_prefix(allowed).is_ok_and(|inside| {
        inside.components().all(|c| {
            matches!(c, std::path::Component::Normal(name) if !name.to_string_lossy().starts_with('.'))
        })
    })
}

/// Makes `read` the child's fd 3 and `write` its fd 4, as `--remote-debugging-pipe` expects.
/// The descriptors must stay open until the command is spawned.
#[cfg(unix)]
fn pass_pipes(
    command: &mut Command,
    read: &std::os::fd::OwnedFd,
    write: &std::os::fd::OwnedFd,
) -> Result<(), String> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let (read_fd, write_fd) = (read.as_raw_fd(), write.as_raw_fd());
    // SAFETY: between fork and exec only async-signal-safe calls (dup, dup2, fcntl) are made,
    // and no memory is allocated.
    unsafe {
        command.pre_exec(move || {
            // Out of the way first, in case one of them already is fd 3 or 4.
            let r = libc::dup(read_fd);
            let w = libc::dup(write_fd);
            if r < 0 || w < 0 || libc::dup2(r, 3) < 0 || libc::dup2(w, 4) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            for fd in [3, 4] {
                let flags = libc::fcntl(fd, libc::F_GETFD);
                libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC);
            }
            Ok(())
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn pass_pipes<T>(_: &mut Command, _: &T, _: &T) -> Result<(), String> {
    Err("`nenpo pdf` drives Chromium through pipes, which it supports on Linux and other Unix systems only".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_printed_folder_load() {
        let site = tempfile::tempdir().unwrap();
        let allowed = site.path().join("site");
        std::fs::create_dir_all(allowed.join("ja/print")).unwrap();
        std::fs::write(allowed.join("style.css"), "").unwrap();
        std::fs::write(site.path().join("secret.png"), "").unwrap();
        std::fs::write(allowed.join(".env"), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(site.path().join("secret.png"), allowed.join("link.png"))
            .unwrap();
        let allowed = allowed.canonicalize().unwrap();
        let url = |p: &Path| format!("{}", p.display());
        let inside = |rest: &str| file_inside(rest, &allowed);
        assert!(inside(&url(&allowed.join("style.css"))));
        assert!(inside(&format!(
            "localhost{}",
            url(&allowed.join("style.css"))
        )));
        assert!(inside(&format!(
            "{}?v=1#x",
            url(&allowed.join("ja/print/missing.png"))
        )));
        assert!(!inside(&url(&allowed.join("../secret.png"))));
        assert!(!inside(&url(&allowed.join("ja/print/../../../secret.png"))));
        assert!(!inside(&url(&allowed.join("ja/../../secret-missing.png"))));
        assert!(!inside(&url(&allowed.join(".env"))));
        assert!(!inside("/etc/passwd"));
        assert!(!inside("/etc/%70asswd"));
        assert!(!inside(&format!(
            "otherhost{}",
            url(&allowed.join("style.css"))
        )));
        #[cfg(unix)]
        assert!(!inside(&url(&allowed.join("link.png"))));
    }
}
