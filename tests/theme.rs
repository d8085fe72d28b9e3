//! Static HTML checks of the built report that need no browser: every page links to its twins in
//! the other languages through the language switch, and they link back; every page names its
//! languages in their own words; no template or client branches on a language code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn built_report() -> (tempfile::TempDir, PathBuf) {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let build = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["build", "--root"])
        .arg(&repo)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    (tmp, out)
}

fn html_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                out.push(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

/// `hreflang` → `href` of the language switch's links.
fn switch_links(html: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(start) = html.find("<nav class=\"lang-switch\"") else {
        return out;
    };
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    for a in nav.split("<a href=\"").skip(1) {
        let href = &a[..a.find('"').unwrap()];
        let lang_at = a.find("hreflang=\"").unwrap() + 10;
        let lang = &a[lang_at..lang_at + a[lang_at..].find('"').unwrap()];
        out.insert(lang.to_string(), href.to_string());
    }
    out
}

/// `ja/a/index.html` + `../../en/a/index.html` → `en/a/index.html`.
fn resolve(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for p in href.split('/') {
        match p {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[test]
fn every_page_links_to_its_twins_and_they_link_back() {
    let (_tmp, site) = built_report();
    let languages = ["ja", "en"];
    let mut checked = 0;
    let mut problems = Vec::new();
    for path in html_files(&site) {
        let Some((lang, rest)) = path.split_once('/') else {
            continue;
        };
        if !languages.contains(&lang) {
            continue;
        }
        let html = std::fs::read_to_string(site.join(&path)).unwrap();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{path}");
        // A redirect (an alias, the language home of a series) leads to a page that has them.
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        let links = switch_links(&html);
        for other in languages.iter().filter(|l| **l != lang) {
            let Some(href) = links.get(*other) else {
                problems.push(format!("{path}: no link to {other}"));
                continue;
            };
            let target = resolve(&path, href);
            if target != format!("{other}/{rest}") {
                problems.push(format!("{path}: the {other} link leads to {target}"));
                continue;
            }
            let twin = std::fs::read_to_string(site.join(&target)).unwrap_or_default();
            if resolve(
                &target,
                switch_links(&twin).get(lang).map_or("", String::as_str),
            ) != path
            {
                problems.push(format!("{target}: does not link back to {path}"));
            }
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 110, "{checked} twin links checked");
}

#[test]
fn no_template_or_search_client_branches_on_a_language_code() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut stack = vec![
        repo.join("themes"),
        repo.join("templates"),
        repo.join("src/render/builtin"),
    ];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            for (i, line) in text.lines().enumerate() {
                let l = line.replace(' ', "");
                if l.contains("lang==")
                    || l.contains("lang===")
                    || l.contains("lang!=\"")
                    || l.contains("lang!='")
                {
                    found.push(format!("{}:{}: {}", p.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "branches on a language code:\n{}",
        found.join("\n")
    );
}

/// The report is edition 2021 of its series: every page it had before (`ja/x/index.html`) is still
/// there, as a redirect to the page's address in the edition (`ja/2021/x/index.html`).
#[test]
fn every_address_from_before_editions_leads_to_its_page() {
    let (_tmp, site) = built_report();
    let mut checked = 0;
    for path in html_files(&site) {
        let Some((lang, rest)) = path.split_once('/') else {
            continue;
        };
        let Some(old) = rest.strip_prefix("2021/") else {
            continue;
        };
        // The data page (every table's downloads) came with editions: it had no address before.
        if old == "data/index.html" {
            continue;
        }
        let redirect = std::fs::read_to_string(site.join(format!("{lang}/{old}")))
            .unwrap_or_else(|_| panic!("{lang}/{old} is gone (the page is now at {path})"));
        let target = resolve(&format!("{lang}/{old}"), {
            let at = redirect.find("url=").expect("a meta refresh") + 4;
            &redirect[at..at + redirect[at..].find('"').unwrap()]
        });
        assert_eq!(target, path, "{lang}/{old}");
        assert!(redirect.contains("rel=\"canonical\""), "{lang}/{old}");
        checked += 1;
    }
    assert!(checked >= 112, "{checked} earlier addresses checked");
}
