//! The PDF stage: one A4 document per language, `{lang}/report.pdf`, printed by headless Chromium
//! from the language's print page (`{lang}/print/index.html`, the theme's `print.html` and its
//! `@media print` styles), then finished by nenpo.
//!
//! `nenpo pdf` ([`Mode::Make`]) writes the print pages and the files they use into a temporary
//! folder and, for each language: opens the print page in Chromium (only files load: any other
//! request is refused), turns links between pages into links inside the document, prints it,
//! reads from the PDF the page on which every page of the report starts, writes those numbers
//! into the contents and prints again (until the numbers stay the same), then writes the outline
//! (a bookmark per section and page, and under each page one per heading of its own), the metadata (title, language, author, subject, a date
//! from `SOURCE_DATE_EPOCH` or the content, never the time of printing) and a file identifier
//! made from the contents, so that the same input gives the same bytes.
//!
//! `nenpo build` ([`Mode::Keep`]) never starts Chromium. Every PDF holds the fingerprint of
//! what it was printed from (the print page's HTML and every stylesheet and image of the site,
//! and nenpo's version): a build keeps the PDF already in the output folder when the new print
//! page has the same fingerprint, and drops it otherwise. The footer link therefore always
//! leads to a PDF of exactly the pages it sits beside; after a change, `nenpo pdf` makes it again.

pub mod chromium;
pub mod document;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::Diagnostic;
use crate::site::{Page, Site};
use document::{Bookmark, Metadata, Pdf};

/// What a build does about the PDFs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Keep the PDF of the previous output when its print page is unchanged; never print.
    #[default]
    Keep,
    /// Print every language's PDF (`nenpo pdf`).
    Make,
}

/// One language's (and edition's) PDF, ready to be written.
pub struct Report {
    pub lang: String,
    pub edition: Option<String>,
    /// Relative to the output folder.
    pub path: String,
    pub bytes: Vec<u8>,
    /// Printed by this build (else kept from the previous output).
    pub made: bool,
    /// Where the output has a copy too: `{lang}/report.pdf` for the latest edition's.
    pub also_at: Option<String>,
}

/// A PDF of the output as the build's summary lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// Relative to the output folder.
    pub path: String,
    pub bytes: u64,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    Printed,
    /// Kept from the previous output: its print page is unchanged.
    Kept,
    /// The same bytes as this PDF of the output (the latest edition's).
    CopyOf(String),
}

/// What every page's footer shows: the PDF's address and size.
#[derive(Serialize, Clone, Debug)]
pub struct Link {
    pub url: String,
    /// `2.4 MB`, in the units of `size()`.
    pub size: String,
}

impl Report {
    /// This PDF and its copy, if any, as the summary lists them.
    pub fn listed(&self) -> Vec<Listed> {
        let bytes = self.bytes.len() as u64;
        let origin = if self.made {
            Origin::Printed
        } else {
            Origin::Kept
        };
        std::iter::once(Listed {
            path: self.path.clone(),
            bytes,
            origin,
        })
        .chain(self.also_at.iter().map(|copy| Listed {
            path: copy.clone(),
            bytes,
            origin: Origin::CopyOf(self.path.clone()),
        }))
        .collect()
    }

    pub fn link(&self) -> Link {
        Link {
            url: self.path.clone(),
            size: size(self.bytes.len() as u64),
        }
    }
}

/// `{lang}/report.pdf`, or in a series of editions `{lang}/{edition}/report.pdf`: beside the
/// print page's folder.
pub fn path_of(lang: &str, edition: Option<&str>) -> String {
    match edition {
        Some(e) => format!("{lang}/{e}/report.pdf"),
        None => format!("{lang}/report.pdf"),
    }
}

/// A file size as readers see it: `2.4 MB`, `830 KB` (SI units, one decimal under 10 MB).
pub fn size(bytes: u64) -> String {
    const KB: f64 = 1000.0;
    let b = bytes as f64;
    if b >= KB * KB * 10.0 {
        format!("{:.0} MB", b / (KB * KB))
    } else if b >= KB * KB {
        format!("{:.1} MB", b / (KB * KB))
    } else {
        format!("{:.0} KB", (b / KB).max(1.0))
    }
}

/// What changes the PDF of a print page: its HTML, the site's stylesheets and images (`files`:
/// path and contents), and nenpo itself. Hex SHA-256.
pub fn fingerprint<'a>(html: &str, files: impl Iterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut hash = Sha256::new();
    hash.update(format!("nenpo {} pdf 1\n", env!("CARGO_PKG_VERSION")));
    hash.update((html.len() as u64).to_le_bytes());
    hash.update(html.as_bytes());
    for (path, bytes) in files {
        hash.update((path.len() as u64).to_le_bytes());
        hash.update(path.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Files whose contents a print page's look depends on.
pub fn shapes_print(path: &str) -> bool {
    let ext = path.rsplit('.').next().unwrap_or_default();
    ["css", "svg", "png", "jpg", "jpeg", "gif", "webp", "avif"].contains(&ext)
}

/// The PDF of the previous output, when it was printed from a print page with this fingerprint.
pub fn previous(out: &Path, job: &Job) -> Option<Report> {
    let path = path_of(job.lang, job.edition);
    let bytes = std::fs::read(out.join(&path)).ok()?;
    (document::fingerprint_of(&bytes).as_deref() == Some(job.fingerprint.as_str())).then(|| {
        Report {
            lang: job.lang.to_string(),
            edition: job.edition.map(str::to_string),
            path,
            bytes,
            made: false,
            also_at: None,
        }
    })
}

/// Where `nenpo pdf` works while it runs, inside the site's cache rather than the system's
/// temporary folder: `.nenpo-cache/pdf-XXXXXX/`, with the print pages and the files they use in
/// `site/` and Chromium's fresh profile in `chromium/`. Removed when dropped; one left by a
/// `nenpo pdf` that was killed (its lock free) is removed by the next one.
pub struct WorkFolder {
    dir: tempfile::TempDir,
    /// Held while the folder is in use; the lock is released when the process ends, however.
    _alive: std::fs::File,
}

const WORK_PREFIX: &str = "pdf-";
const WORK_LOCK: &str = "alive.lock";

impl WorkFolder {
    pub fn new(root: &Path) -> std::io::Result<WorkFolder> {
        let cache = root.join(".nenpo-cache");
        std::fs::create_dir_all(&cache)?;
        remove_stale_work_folders(&cache);
        let dir = tempfile::Builder::new()
            .prefix(WORK_PREFIX)
            .tempdir_in(&cache)?;
        // Locked before it gets its name, so that no other run ever sees it unlocked.
        let fresh = dir.path().join(format!("{WORK_LOCK}.new"));
        let alive = std::fs::File::create(&fresh)?;
        alive.lock()?;
        std::fs::rename(&fresh, dir.path().join(WORK_LOCK))?;
        std::fs::create_dir(dir.path().join("site"))?;
        std::fs::create_dir(dir.path().join("chromium"))?;
        Ok(WorkFolder { dir, _alive: alive })
    }

    /// The print pages and the files they use: the only files Chromium may load.
    pub fn site(&self) -> std::path::PathBuf {
        self.dir.path().join("site")
    }

    /// Chromium's profile.
    pub fn profile(&self) -> std::path::PathBuf {
        self.dir.path().join("chromium")
    }
}

impl Drop for WorkFolder {
    /// Chromium's helper processes may still write into the profile for a moment after the
    /// browser has exited: the removal is tried again until they are done (at most 2 s).
    fn drop(&mut self) {
        for _ in 0..20 {
            match std::fs::remove_dir_all(self.dir.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                _ => return,
            }
        }
    }
}

/// Removes the work folders of runs that were killed: those whose lock nobody holds.
fn remove_stale_work_folders(cache: &Path) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let ours = entry.file_name().to_string_lossy().starts_with(WORK_PREFIX)
            && entry.file_type().is_ok_and(|t| t.is_dir());
        if !ours {
            continue;
        }
        let Ok(lock) = std::fs::File::open(entry.path().join(WORK_LOCK)) else {
            continue;
        };
        if lock.try_lock().is_ok() {
            drop(lock);
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// One print page to make a PDF of.
pub struct Job<'a> {
    pub lang: &'a str,
    pub edition: Option<&'a str>,
    /// The print page, relative to the site root.
    pub print_path: &'a str,
    pub fingerprint: String,
}

/// Prints the PDF of each job's language from `folder`, which holds the print pages
/// (`{lang}/print/index.html`) and the files they use. Also returns a warning for what the
/// pages asked for outside the site (never fetched).
pub fn make(
    site: &Site,
    work: &WorkFolder,
    jobs: &[Job],
) -> Result<(Vec<Report>, Vec<Diagnostic>), Diagnostic> {
    let folder = &work.site();
    let chromium = chromium::find().map_err(engine_missing)?;
    let fail = |lang: &str, message: String| {
        Diagnostic::error(format!("{lang}/report.pdf"), message).help(
            "nenpo drives Chromium to print the PDF; check that `chromium --version` runs, or reinstall it with: apt-get install chromium",
        )
    };
    let mut browser =
        chromium::Browser::launch(&chromium, &work.profile(), folder).map_err(|m| fail("*", m))?;
    let mut reports = Vec::new();
    let mut warnings = Vec::new();
    for job in jobs {
        let lang = job.lang;
        let page = folder.join(job.print_path);
        let (bytes, type3) =
            print_one(&mut browser, site, job, &page).map_err(|m| fail(lang, m))?;
        if !type3.is_empty() {
            warnings.push(
                Diagnostic::warning(
                    path_of(lang, job.edition),
                    format!(
                        "text in {} is embedded as Type 3 fonts, not as subset fonts (still selectable and searchable)",
                        type3.join(", ")
                    ),
                )
                .help(format!(
                    "Chromium embeds only fonts with TrueType outlines and real bold faces as subset fonts; the print style sheet names such fonts for Japanese, Latin and Korean: {FONTS_INSTALL} (Debian has none for Simplified Chinese; docs/pdf.md, Fonts)"
                )),
            );
        }
        let mut refused = std::mem::take(&mut browser.refused);
        if !refused.is_empty() {
            refused.sort();
            refused.dedup();
            warnings.push(
                Diagnostic::warning(
                    job.print_path.to_string(),
                    format!(
                        "the print page asks for {} outside the site, which nenpo never fetches; the PDF was made without: {}",
                        if refused.len() == 1 { "a file" } else { "files" },
                        refused.join(", ")
                    ),
                )
                .help("keep every image and stylesheet inside the site (content/ or static/)"),
            );
        }
        reports.push(Report {
            lang: lang.to_string(),
            edition: job.edition.map(str::to_string),
            path: path_of(lang, job.edition),
            bytes,
            made: true,
            also_at: None,
        });
    }
    Ok((reports, warnings))
}

/// The error of a missing engine: the one command that installs it.
fn engine_missing(message: String) -> Diagnostic {
    Diagnostic::error("nenpo pdf", message).help(format!(
        "install Chromium with `{}` (as root), then run `nenpo pdf` again; `nenpo build` does not need it",
        chromium::INSTALL
    ))
}

/// Checks before a build that the engine is there, so that `nenpo pdf` fails at once without it.
pub fn check_engine() -> Result<(), Diagnostic> {
    chromium::find().map(|_| ()).map_err(engine_missing)
}

/// The fonts `print.css` sets the PDF in (TrueType outlines, real bold faces), on Debian.
pub const FONTS_INSTALL: &str = "apt-get install fonts-morisawa-bizud-gothic fonts-nanum";

/// Prints at most this many times, until the contents' page numbers stay the same.
const MAX_PRINTS: usize = 4;

fn print_one(
    browser: &mut chromium::Browser,
    site: &Site,
    job: &Job,
    page: &Path,
) -> Result<(Vec<u8>, Vec<String>), String> {
    let (lang, edition) = (job.lang, job.edition);
    browser.open(&file_url(page)?)?;
    let contents_title = browser.evaluate(&format!(
        "({PREPARE})({})",
        json!(site.config.base_url.as_deref().unwrap_or(""))
    ))?;
    let mut numbers: BTreeMap<String, u32> = BTreeMap::new();
    let mut pdf = Pdf::parse(&browser.print()?)?;
    for _ in 1..MAX_PRINTS {
        let found: BTreeMap<String, u32> = pdf
            .destination_pages()
            .into_iter()
            .filter(|(name, _)| name.starts_with("p-"))
            .collect();
        if found == numbers {
            break;
        }
        numbers = found;
        browser.evaluate(&format!("({FILL})({})", json!(numbers)))?;
        pdf = Pdf::parse(&browser.print()?)?;
    }
    let config = &site.config;
    let title = config.title.get(lang).map_or("", String::as_str);
    // In a series the edition's label follows the title ("… FY2021") unless the title has it.
    let label = edition.and_then(|e| config.editions.as_ref()?.labels.get(e)?.get(lang));
    let title = match label {
        Some(label) if !title.contains(label.as_str()) => format!("{title} {label}"),
        _ => title.to_string(),
    };
    let title = title.as_str();
    let mut outline = vec![Bookmark {
        title: title.to_string(),
        dest: None,
        page: 1,
        headings: false,
        children: Vec::new(),
    }];
    if let Some(contents) = contents_title.as_str().filter(|t| !t.is_empty()) {
        outline.push(Bookmark {
            title: contents.to_string(),
            dest: None,
            page: 2,
            headings: false,
            children: Vec::new(),
        });
    }
    outline.extend(bookmarks(site, lang, edition));
    let organisation = config
        .extra
        .get("organisation")
        .and_then(|o| o.get(lang).or(Some(o)))
        .and_then(toml::Value::as_str)
        .unwrap_or("");
    let meta = Metadata {
        title,
        author: organisation,
        subject: config.description.get(lang).map_or("", String::as_str),
        lang,
        date: date(site, lang, edition),
        fingerprint: &job.fingerprint,
    };
    let type3 = pdf.type3_fonts();
    Ok((pdf.finish(&meta, &outline)?, type3))
}

/// A bookmark for every page of the language, sections holding their pages; each opens the
/// page's article on the print page (`p-` and its content path) and holds a bookmark for each
/// of the page's own headings (its `##` sections, an `h3` on the print page) before its pages.
fn bookmarks(site: &Site, lang: &str, edition: Option<&str>) -> Vec<Bookmark> {
    fn mark(site: &Site, page: &Page) -> Bookmark {
        Bookmark {
            title: page.front.title.clone(),
            dest: Some(slug(page)),
            page: 1,
            headings: true,
            children: if page.is_section && page.parent.is_some() {
                site.children(page).map(|c| mark(site, c)).collect()
            } else {
                Vec::new()
            },
        }
    }
    let Some(home) = site.page(lang, &crate::site::home_key(edition)) else {
        return Vec::new();
    };
    std::iter::once(mark(site, home))
        .chain(site.children(home).map(|p| mark(site, p)))
        .collect()
}

/// The id of a page's article on the print page (as print.html makes it).
fn slug(page: &Page) -> String {
    format!("p-{}", page.key.replace('/', "-").replace(".md", ""))
}

/// The document's date: `SOURCE_DATE_EPOCH` when set, else the newest `date` of the language's
/// (and edition's) pages, else none (never the time of printing: the same input gives the same file).
fn date(site: &Site, lang: &str, edition: Option<&str>) -> Option<String> {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
    {
        let (days, secs) = (epoch.div_euclid(86_400), epoch.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        return Some(format!(
            "D:{y:04}{m:02}{d:02}{:02}{:02}{:02}Z",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        ));
    }
    site.pages_of(lang, edition)
        .filter_map(|p| p.front.date.as_ref()?.date)
        .map(|d| (d.year, d.month, d.day))
        .max()
        .map(|(y, m, d)| format!("D:{y:04}{m:02}{d:02}000000Z"))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `file:///…` for an absolute path, with anything but plain path characters escaped.
fn file_url(path: &Path) -> Result<String, String> {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let path = std::path::absolute(path).map_err(|e| e.to_string())?;
    let text = path
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))?;
    Ok(format!("file://{}", utf8_percent_encode(text, KEEP)))
}

/// Run in the print page before printing: a link to another page of the report leads to that
/// page's article (and heading) inside the document; a link to another file of the site leads
/// to its public address when the site has a base URL, and is dropped otherwise (an address in a
/// temporary folder means nothing in a PDF); links out stay. Returns the contents' title.
const PREPARE: &str = r#"function (base) {
  const articles = new Map();
  for (const a of document.querySelectorAll('article.print-page[data-url]')) {
    articles.set(new URL(a.getAttribute('data-url'), location.href).href, a.id);
  }
  const rootEl = document.querySelector('[data-root]');
  const siteRoot = new URL(rootEl ? rootEl.getAttribute('data-root') : './', location.href).href;
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (href.startsWith('#')) continue;
    const url = new URL(href, location.href);
    if (url.protocol !== 'file:') continue;
    const hash = decodeURIComponent(url.hash.slice(1));
    url.hash = '';
    let key = url.href;
    if (key.endsWith('/')) key += 'index.html';
    const target = articles.get(key);
    if (target) {
      const inner = hash && document.getElementById(target + '-' + hash) ? target + '-' + hash : target;
      a.setAttribute('href', '#' + inner);
    } else if (base && url.href.startsWith(siteRoot)) {
      a.setAttribute('href', base + '/' + url.href.slice(siteRoot.length) + (hash ? '#' + hash : ''));
    } else {
      a.removeAttribute('href');
    }
  }
  // Each part (data-part) is a named page whose running header is the title of its first
  // article: rules in a constructed style sheet (the page's Content-Security-Policy allows no
  // inline <style>).
  const quote = s => '"' + s.replace(/["\\]/g, '\\$&').replace(/\s+/g, ' ') + '"';
  const rules = [];
  const seen = new Set();
  for (const a of document.querySelectorAll('article[data-part]')) {
    const name = a.getAttribute('data-part');
    if (seen.has(name)) continue;
    seen.add(name);
    const page = 'part-' + name.replace(/[^A-Za-z0-9_-]/g, '_');
    const heading = a.querySelector('.print-page__title');
    const title = heading ? heading.textContent.trim() : '';
    rules.push('@page ' + page + ' { @top-left { content: ' + quote(title) + '; } }');
    rules.push('article[data-part=' + quote(name) + '] { page: ' + page + '; }');
  }
  const sheet = new CSSStyleSheet({ media: 'print' });
  sheet.replaceSync(rules.join('\n'));
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const title = document.getElementById('print-toc-title');
  return title ? title.textContent.trim() : '';
}"#;

/// Run between two prints: the page number of each entry of the contents.
const FILL: &str = r#"function (numbers) {
  for (const el of document.querySelectorAll('[data-toc-page]')) {
    const n = numbers[el.getAttribute('data-toc-page')];
    el.textContent = n === undefined ? '' : String(n);
  }
  return true;
}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_download_link() {
        assert_eq!(size(2_400_000), "2.4 MB");
        assert_eq!(size(830_000), "830 KB");
        assert_eq!(size(12_300_000), "12 MB");
        assert_eq!(size(10), "1 KB");
    }

    #[test]
    fn dates_from_the_epoch() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_000), (2022, 1, 8));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn a_fingerprint_changes_with_the_page_and_its_files() {
        let a = fingerprint("<p>x</p>", std::iter::empty());
        assert_eq!(a, fingerprint("<p>x</p>", std::iter::empty()));
        assert_ne!(a, fingerprint("<p>y</p>", std::iter::empty()));
        let css = || std::iter::once(("style.css", &b"p{}"[..]));
        assert_ne!(a, fingerprint("<p>x</p>", css()));
        assert_eq!(
            fingerprint("<p>x</p>", css()),
            fingerprint("<p>x</p>", css())
        );
    }
}
