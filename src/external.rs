//! `nenpo check --external`: every `http(s)://` link of the site's pages asked about on the web,
//! never in a build. HEAD first (cheap), GET where a server refuses HEAD; a few at a time; each
//! answer kept a day in `.nenpo-cache/external-links`, so that a run again soon asks nothing.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::Diagnostic;

/// The cache of answers, under the site folder.
pub const CACHE_FILE: &str = ".nenpo-cache/external-links";
/// How long an answer is kept.
const KEEP: Duration = Duration::from_secs(24 * 60 * 60);
/// Requests at once: few, so that no server sees a burst.
const AT_ONCE: usize = 4;
const TIMEOUT: Duration = Duration::from_secs(15);

/// A link out of the site, where it is written.
#[derive(Clone, Debug)]
pub struct ExternalLink {
    pub url: String,
    pub file: String,
    /// The file's whole text, for the diagnostic's line and column.
    pub text: Arc<str>,
    pub span: Range<usize>,
}

/// What a server answered: `Ok` (2xx, after redirects) or what was wrong.
type Answer = Result<(), String>;

/// Asks about every link (each address once), and returns an error at every place of a link
/// that leads nowhere. `root` is the site folder, where the cache is kept.
pub fn check(links: &[ExternalLink], root: &Path) -> Vec<Diagnostic> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let cache_path = root.join(CACHE_FILE);
    let mut cache = read_cache(&cache_path, now);
    let mut todo: Vec<&str> = links
        .iter()
        .map(|l| l.url.as_str())
        .filter(|u| !cache.contains_key(*u))
        .collect();
    todo.sort_unstable();
    todo.dedup();
    let answers = ask_all(&todo);
    for (url, answer) in answers {
        cache.insert(url, (now, answer));
    }
    write_cache(&cache_path, &cache);
    links
        .iter()
        .filter_map(|l| {
            let (_, answer) = cache.get(&l.url)?;
            let problem = answer.as_ref().err()?;
            Some(
                Diagnostic::error(&l.file, format!("the link `{}` {problem}", l.url))
                    .at(&l.text, l.span.clone())
                    .help("correct the address, or link to where the page has moved; answers are kept a day in .nenpo-cache/external-links (delete it to ask again)"),
            )
        })
        .collect()
}

/// Each address asked by one of a few threads.
fn ask_all(urls: &[&str]) -> Vec<(String, Answer)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .user_agent(concat!(
            "nenpo/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into();
    let next = Mutex::new(urls.iter());
    let answers = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE.min(urls.len()) {
            scope.spawn(|| loop {
                let Some(url) = next.lock().unwrap_or_else(|e| e.into_inner()).next() else {
                    break;
                };
                let answer = ask(&agent, url);
                answers
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((url.to_string(), answer));
            });
        }
    });
    answers.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// HEAD, then GET when HEAD is refused or fails (some servers answer only GET).
fn ask(agent: &ureq::Agent, url: &str) -> Answer {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
        r.map(|response| response.status().as_u16())
            .map_err(|e| format!("cannot be reached ({e})"))
    };
    match status(agent.head(url).call()) {
        Ok(code) if (200..400).contains(&code) => Ok(()),
        _ => match status(agent.get(url).call()) {
            Ok(code) if (200..400).contains(&code) => Ok(()),
            Ok(code) => Err(format!("answers {code}{}", reason(code))),
            Err(e) => Err(e),
        },
    }
}

fn reason(code: u16) -> String {
    ureq::http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

/// `url \t seconds \t ok|problem` lines; answers older than a day are dropped.
fn read_cache(path: &Path, now: u64) -> HashMap<String, (u64, Answer)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\t');
            let (url, when, answer) = (parts.next()?, parts.next()?, parts.next()?);
            let when: u64 = when.parse().ok()?;
            (now.saturating_sub(when) < KEEP.as_secs()).then(|| {
                let answer = if answer == "ok" {
                    Ok(())
                } else {
                    Err(answer.to_string())
                };
                (url.to_string(), (when, answer))
            })
        })
        .collect()
}

/// Saves the cache (a failure only means asking again next time).
fn write_cache(path: &Path, cache: &HashMap<String, (u64, Answer)>) {
    let sorted: BTreeMap<&String, &(u64, Answer)> = cache.iter().collect();
    let mut text = String::new();
    for (url, (when, answer)) in sorted {
        let answer = match answer {
            Ok(()) => "ok".to_string(),
            Err(problem) => problem.replace(['\t', '\n'], " "),
        };
        text.push_str(&format!("{url}\t{when}\t{answer}\n"));
    }
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(path, text);
}
