//! Relative links in Markdown, resolved from the page they are on and checked: a content file
//! (`grants.md`, `../about/_index.md#team`, read like an image's path: relative to the Markdown
//! file), a site address as the browser reads it (`../grants/`, `grants/index.html`, relative to
//! the page's address), a file beside the page (`statement.pdf`, published once for every
//! language, or one per language as `statement.ja.pdf`), an anchor on the page (`#team`). A link
//! that leads nowhere is a problem with what it could have meant.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::load::Asset;
use crate::parse::markdown::{lexically_normal, normalise_key, LinkTarget};

/// Every place a relative link may lead, for one build.
pub struct LinkTable<'a> {
    /// Language → content key → page address (`en/report/grants/index.html`).
    urls: &'a HashMap<String, HashMap<String, String>>,
    /// Page address → content key, every language.
    by_url: HashMap<&'a str, &'a str>,
    /// Files under content/ (images and attachments) by path relative to it → size in bytes.
    files: HashMap<String, u64>,
    /// The site's languages, the default first.
    languages: &'a [String],
}

/// The page a link is on.
pub struct From<'a> {
    pub key: &'a str,
    pub lang: &'a str,
    /// Its address (`en/report/grants/index.html`).
    pub url: &'a str,
    /// Its Markdown file's folder under content/ (`report`).
    pub dir: &'a str,
}

impl<'a> LinkTable<'a> {
    pub fn new(
        urls: &'a HashMap<String, HashMap<String, String>>,
        assets: &[Asset],
        languages: &'a [String],
    ) -> Self {
        let by_url = urls
            .values()
            .flat_map(|by_key| by_key.iter().map(|(k, u)| (u.as_str(), k.as_str())))
            .collect();
        let files = assets
            .iter()
            .map(|a| {
                let size = std::fs::metadata(&a.path).map_or(0, |m| m.len());
                (crate::fs::display_path(Path::new(""), &a.rel), size)
            })
            .collect();
        LinkTable {
            urls,
            by_url,
            files,
            languages,
        }
    }

    /// Where `dest` (as written, not `@/`, no scheme) leads from `from`.
    pub fn resolve(&self, from: &From, dest: &str) -> Result<LinkTarget, (String, String)> {
        let (rest, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string()).filter(|a| !a.is_empty())),
            None => (dest, None),
        };
        let path = rest.split('?').next().unwrap_or(rest);
        if path.is_empty() {
            // `#team`: this page.
            return Ok(LinkTarget {
                href: dest.to_string(),
                page: Some((from.key.to_string(), anchor)),
                file: None,
            });
        }
        if path.starts_with('/') {
            return Err((
                format!("the link `{dest}` starts at the server's root"),
                "the site works under any sub-path and from disk: link to a page with its content path, `@/section/page.md`, or relative to this file, `page.md`".into(),
            ));
        }
        let decoded = percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned();
        let last = decoded.rsplit('/').next().unwrap_or("");
        let extension = last.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match extension.as_deref() {
            Some("md") => self.content_page(from, dest, &decoded, anchor),
            None | Some("html" | "htm") => self.address(from, dest, &decoded, anchor),
            Some(_) => self.file(from, dest, &decoded),
        }
    }

    /// `grants.md`: a content file, relative to the Markdown file; leads to the page in the
    /// reader's language.
    fn content_page(
        &self,
        from: &From,
        dest: &str,
        path: &str,
        anchor: Option<String>,
    ) -> Result<LinkTarget, (String, String)> {
        let joined = join(from.dir, path).ok_or_else(|| outside(dest))?;
        let key = normalise_key(&joined);
        let stem_lang = key
            .strip_suffix(".md")
            .and_then(|stem| stem.rsplit_once('.'))
            .filter(|(_, lang)| self.languages.iter().any(|l| l == lang));
        if let Some((stem, lang)) = stem_lang {
            let plain = format!("{stem}.md");
            if self.url_of(from.lang, &plain).is_some() {
                return Err((
                    format!("the link `{dest}` names a language (`{lang}`)"),
                    format!(
                        "leave the language out: `{}` leads to the page in the reader's language",
                        dest.replacen(&format!(".{lang}.md"), ".md", 1)
                    ),
                ));
            }
        }
        match self.url_of(from.lang, &key) {
            Some(url) => Ok(LinkTarget {
                href: relative(from.url, url, anchor.as_deref()),
                page: Some((key, anchor)),
                file: None,
            }),
            None => Err((
                format!(
                    "the link `{dest}` leads to no page (looked for content/{})",
                    with_lang(&key)
                ),
                self.could_mean(path, "the path is relative to this Markdown file"),
            )),
        }
    }

    /// `../grants/`, `grants/index.html`: an address relative to the page's, as the browser
    /// reads it; kept as written when a page is there.
    fn address(
        &self,
        from: &From,
        dest: &str,
        path: &str,
        anchor: Option<String>,
    ) -> Result<LinkTarget, (String, String)> {
        let base = from.url.rsplit_once('/').map_or("", |(dir, _)| dir);
        let mut target = join(base, path).ok_or_else(|| outside(dest))?;
        if path.ends_with('/') || target.is_empty() {
            target = format!("{}/index.html", target.trim_end_matches('/'))
                .trim_start_matches('/')
                .to_string();
        } else if !target.ends_with(".html") && !target.ends_with(".htm") {
            target.push_str("/index.html");
        }
        match self.by_url.get(target.as_str()) {
            Some(key) => Ok(LinkTarget {
                href: dest.to_string(),
                page: Some((key.to_string(), anchor)),
                file: None,
            }),
            None => Err((
                format!("the link `{dest}` leads to {target}, where there is no page"),
                self.could_mean(
                    path,
                    "a link without `.md` is read as an address relative to this page's",
                ),
            )),
        }
    }

    /// `statement.pdf`: a file under content/, relative to the Markdown file, published once;
    /// in the reader's language where there is one per language (`statement.ja.pdf`).
    fn file(&self, from: &From, dest: &str, path: &str) -> Result<LinkTarget, (String, String)> {
        let rel = join(from.dir, path).ok_or_else(|| outside(dest))?;
        let own = rel
            .rsplit_once('.')
            .map(|(stem, ext)| format!("{stem}.{}.{ext}", from.lang));
        let found = own
            .iter()
            .chain(std::iter::once(&rel))
            .find_map(|r| self.files.get(r).map(|size| (r, size)));
        match found {
            Some((rel, size)) => {
                let root = "../".repeat(from.url.matches('/').count());
                let kind = rel
                    .rsplit_once('.')
                    .map_or("", |(_, e)| e)
                    .to_ascii_uppercase();
                Ok(LinkTarget {
                    href: format!("{root}{}", url_path(rel)),
                    page: None,
                    file: Some(format!("{kind}, {}", crate::pdf::size(*size))),
                })
            }
            None => {
                let folder = rel.rsplit_once('/').map_or("", |(d, _)| d);
                let beside: Vec<String> = self
                    .files
                    .keys()
                    .filter(|f| f.rsplit_once('/').map_or("", |(d, _)| d) == folder)
                    .filter(|f| !crate::image::is_image(Path::new(f.as_str())))
                    .map(|f| format!("`{}`", f.rsplit('/').next().unwrap_or(f)))
                    .take(5)
                    .collect();
                Err((
                    format!("the file `{dest}` does not exist (looked for content/{rel})"),
                    if beside.is_empty() {
                        "put the file in content/, beside the page, and write its path relative to the Markdown file".to_string()
                    } else {
                        let mut beside = beside;
                        beside.sort();
                        format!("the files beside it: {}; a file's path is relative to the Markdown file", beside.join(", "))
                    },
                ))
            }
        }
    }

    fn url_of(&self, lang: &str, key: &str) -> Option<&String> {
        std::iter::once(lang)
            .chain(self.languages.iter().map(String::as_str))
            .find_map(|l| self.urls.get(l).and_then(|by_key| by_key.get(key)))
    }

    /// The pages whose name is the link's last part, as `@/` links, or how links are read.
    fn could_mean(&self, path: &str, how: &str) -> String {
        let name = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".html")
            .trim_end_matches(".md");
        let name = if name == "index" || name == "_index" {
            path.trim_end_matches('/').rsplit('/').nth(1).unwrap_or("")
        } else {
            name
        };
        let keys: HashSet<&String> = self.urls.values().flat_map(|m| m.keys()).collect();
        let mut near: Vec<String> = keys
            .into_iter()
            .filter(|k| {
                let k = k.trim_end_matches(".md").trim_end_matches("/_index");
                !name.is_empty() && k.rsplit('/').next().is_some_and(|k| close(k, name))
            })
            .map(|k| format!("`@/{k}`"))
            .collect();
        near.sort();
        near.truncate(3);
        if near.is_empty() {
            format!("{how}; link to a page with its content path, e.g. `@/section/page.md`")
        } else {
            format!("did you mean {}? ({how})", near.join(" or "))
        }
    }
}

/// `a/b` + `../c` → `a/c`; `None` when it climbs out.
fn join(dir: &str, path: &str) -> Option<String> {
    if dir.is_empty() {
        lexically_normal(path)
    } else {
        lexically_normal(&format!("{dir}/{path}"))
    }
}

fn outside(dest: &str) -> (String, String) {
    (
        format!("the link `{dest}` leaves the site"),
        "link to a page with its content path, `@/section/page.md`; a file must be in content/"
            .into(),
    )
}

/// `a/b.md` → `a/b.<lang>.md`, the file that was looked for.
fn with_lang(key: &str) -> String {
    match key.strip_suffix(".md") {
        Some(stem) => format!("{stem}.<lang>.md"),
        None => key.to_string(),
    }
}

/// The address of `to` from the page at `from` (both from the site root).
fn relative(from: &str, to: &str, anchor: Option<&str>) -> String {
    let root = "../".repeat(from.matches('/').count());
    match anchor {
        Some(a) => format!("{root}{to}#{a}"),
        None => format!("{root}{to}"),
    }
}

fn url_path(rel: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?');
    percent_encoding::utf8_percent_encode(rel, SET).to_string()
}

/// Names equal or a typo apart (at most two letters added, dropped or changed), for suggestions.
fn close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    // Levenshtein distance, one row at a time.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()] <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_close_and_other_names_are_not() {
        assert!(close("approvals", "aprovals"));
        assert!(close("grants", "grants"));
        assert!(!close("grants", "about"));
    }

    #[test]
    fn addresses_join_like_a_browser() {
        assert_eq!(join("en/a/b", "../c").as_deref(), Some("en/a/c"));
        assert_eq!(join("", "../c"), None);
        assert_eq!(
            relative("en/a/b/index.html", "en/c/index.html", Some("x")),
            "../../../en/c/index.html#x"
        );
    }
}
