//! `nenpo pdf`: the report as an A4 PDF per language, checked the way a reader or an archivist
//! would, with poppler-utils (pdfinfo, pdftotext, pdffonts) and qpdf, which tests/setup-system.sh
//! installs with Chromium and the fonts (as root; otherwise it names the command to run).

mod cli_support;
mod system_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cli_support::{nenpo, read, write};

/// Chromium, the fonts and the PDF tools, installed by `tests/setup-system.sh` when missing (as
/// root), or the test stops at once with the command to run.
macro_rules! need_chromium {
    () => {
        system_support::ensure();
    };
}

/// `pdffonts`: every font of the PDF is embedded as a subset (its name has the `ABCDEF+` tag, the
/// `sub` column says yes) with a Unicode map, and none is a Type 3 font (glyphs drawn as
/// procedures, which Chromium falls back to for CFF-outline fonts and synthesised bold).
fn assert_subset_fonts(lang: &str, pdf: &Path) {
    let fonts = tool("pdffonts", &[], pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{lang}: no font: {fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let (emb, sub, uni) = (
            cols[cols.len() - 5],
            cols[cols.len() - 4],
            cols[cols.len() - 3],
        );
        assert!(
            !row.contains("Type 3"),
            "{lang}: a Type 3 font (are the PDF's fonts installed? apt-get install \
             fonts-morisawa-bizud-gothic fonts-nanum): {row}\n{fonts}"
        );
        assert_eq!(
            (emb, sub, uni),
            ("yes", "yes", "yes"),
            "{lang}: not an embedded subset with a Unicode map: {row}"
        );
        let tag = cols[0].split_once('+').map(|(tag, _)| tag).unwrap_or("");
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
            "{lang}: a font name without a subset tag: {row}"
        );
    }
}

/// The output of a PDF tool; a missing tool fails the test (CI installs them).
fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} ({e}): run tests/setup-system.sh as root"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `nenpo <command> --root <this repository> --output <out>`: the report itself.
fn on_the_report(command: &str, out: &Path) -> Command {
    let mut cmd = nenpo();
    cmd.args([command, "--root"])
        .arg(repo())
        .arg("--output")
        .arg(out);
    cmd
}

/// `Key: value` lines of pdfinfo.
fn info(pdf: &Path) -> BTreeMap<String, String> {
    tool("pdfinfo", &[], pdf)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The outline as (depth, title, page), in order.
fn outline(pdf: &Path) -> Vec<(usize, String, u64)> {
    let json: serde_json::Value =
        serde_json::from_str(&tool("qpdf", &["--json", "--json-key=outlines"], pdf)).unwrap();
    fn walk(items: &serde_json::Value, depth: usize, out: &mut Vec<(usize, String, u64)>) {
        for item in items.as_array().into_iter().flatten() {
            out.push((
                depth,
                item["title"].as_str().unwrap_or_default().to_string(),
                item["destpageposfrom1"].as_u64().unwrap_or(0),
            ));
            walk(&item["kids"], depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(&json["outlines"], 0, &mut out);
    out
}

/// The text of pages `from..=to`.
fn page_text(pdf: &Path, from: u64, to: u64, layout: bool) -> String {
    let (f, l) = (from.to_string(), to.to_string());
    let mut args = vec!["-f", &f, "-l", &l];
    if layout {
        args.push("-layout");
    }
    tool("pdftotext", &args, pdf)
}

/// Text without white space or hyphens: pdftotext joins a word hyphenated at a line's end.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// Every page on the print page, in reading order: its title and its own headings (the text
/// of each h3 in its article).
fn print_pages(html: &str) -> Vec<(String, Vec<String>)> {
    html.split("<article class=\"print-page")
        .skip(1)
        .map(|article| {
            let article = &article[..article.find("</article>").unwrap()];
            let needle = "class=\"print-page__title\">";
            let rest = &article[article.find(needle).unwrap() + needle.len()..];
            let title = unescape(&rest[..rest.find("</h2>").unwrap()]);
            let headings = article
                .split("<h3")
                .skip(1)
                .map(|h| {
                    let inner = &h[h.find('>').unwrap() + 1..h.find("</h3>").unwrap()];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in inner.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    unescape(&text)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            (title, headings)
        })
        .collect()
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Every HTML page of a language but the print page.
fn html_pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().unwrap() != "print" {
                out.extend(html_pages(&path));
            }
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_report_prints_as_one_a4_pdf_per_language_that_reads_in_order() {
    need_chromium!();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let print = || {
        on_the_report("pdf", &out)
            .env("SOURCE_DATE_EPOCH", "1648684800")
            .output()
            .unwrap()
    };
    let said = ok(&print());
    let titles = [
        ("ja", "AMED 令和3年度の主な取組・成果", "PDF版（"),
        (
            "en",
            "AMED FY2021 Key Initiatives and Achievements",
            "Report as PDF, ",
        ),
    ];
    let mut first = BTreeMap::new();
    for (lang, title, link_text) in titles {
        // `ja/report.pdf`, or in a series `ja/2021/report.pdf` (the summary names each).
        let rel = said
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with(&format!("{lang}/")) && l.contains("report.pdf: "))
            .and_then(|l| l.split(':').next())
            .unwrap_or_else(|| panic!("{lang}: no PDF in the summary: {said}"))
            .to_string();
        let pdf = out.join(&rel);
        let bytes = std::fs::read(&pdf).unwrap();
        first.insert(lang, (rel.clone(), bytes.clone()));
        assert!(
            bytes.len() < 5_000_000,
            "{lang}: {} bytes, over 5 MB",
            bytes.len()
        );

        // pdfinfo: title, A4, tagged, the date from SOURCE_DATE_EPOCH (2022-03-31).
        let info = info(&pdf);
        assert_eq!(info["Title"], title, "{info:?}");
        assert!(info["Page size"].contains("(A4)"), "{info:?}");
        assert_eq!(info["Tagged"], "yes", "{info:?}");
        assert!(
            info["CreationDate"].contains("Mar 31 00:00:00 2022"),
            "{info:?}"
        );
        let pages: u64 = info["Pages"].parse().unwrap();
        assert!(pages > 40, "{lang}: only {pages} pages");

        // pdffonts: every font an embedded subset with a Unicode map, none a Type 3 font.
        assert_subset_fonts(lang, &pdf);

        // The outline: the cover, the contents, then a bookmark for every page, sections
        // holding their pages, and under each page first a bookmark for each of its own
        // headings (`##`, an h3 on the print page); each opens the page the title is printed on.
        let marks = outline(&pdf);
        let html = read(&out, &rel.replace("report.pdf", "print/index.html"));
        let print_pages = print_pages(&html);
        let page_titles: Vec<String> = print_pages.iter().map(|(t, _)| t.clone()).collect();
        assert!(page_titles.len() > 40, "{lang}: {page_titles:?}");
        let expected: Vec<(bool, String)> = print_pages
            .iter()
            .flat_map(|(t, headings)| {
                std::iter::once((true, t.clone()))
                    .chain(headings.iter().map(|h| (false, h.clone())))
            })
            .collect();
        let headings = expected.iter().filter(|(page, _)| !page).count();
        assert!(
            headings > page_titles.len(),
            "{lang}: only {headings} headings on the print page"
        );
        let marked: Vec<String> = marks.iter().skip(2).map(|(_, t, _)| squeeze(t)).collect();
        let wanted: Vec<String> = expected.iter().map(|(_, t)| squeeze(t)).collect();
        assert_eq!(
            marked, wanted,
            "{lang}: one bookmark per page and per heading of its own, in order"
        );
        // Page or heading, for each bookmark after the contents.
        let is_page: Vec<bool> = std::iter::repeat_n(true, 2)
            .chain(expected.iter().map(|(page, _)| *page))
            .collect();
        let mut page_depth = 0;
        for (i, (depth, t, _)) in marks.iter().enumerate().skip(2) {
            if is_page[i] {
                page_depth = *depth;
            } else {
                assert_eq!(
                    *depth,
                    page_depth + 1,
                    "{lang}: the heading {t:?} is not right under its page"
                );
            }
        }
        assert_eq!(marks[0].1, title);
        assert!(
            marks
                .iter()
                .enumerate()
                .filter(|(i, (d, _, _))| *d == 1 && is_page[*i])
                .count()
                >= page_titles.len() - 10,
            "{lang}: pages under their sections: {marks:?}"
        );
        for (_, t, page) in marks.iter().skip(2) {
            let text = squeeze(&page_text(&pdf, *page, *page, false));
            let wanted = squeeze(t);
            assert!(
                text.contains(&wanted),
                "{lang}: the bookmark {t:?} opens page {page}, which does not show it"
            );
        }

        // Every page title, in reading order, after the contents.
        let body_from = marks[2].2;
        let text = squeeze(&page_text(&pdf, body_from, pages, false));
        let mut at = 0;
        for t in &page_titles {
            let wanted = squeeze(t);
            match text[at..].find(&wanted) {
                Some(i) => at += i + wanted.len(),
                None => panic!("{lang}: {t:?} is missing or out of reading order"),
            }
        }

        // The contents give each project's page number; the running header of the project's
        // pages is its title.
        let contents = page_text(&pdf, 2, body_from - 1, true);
        // Two-digit entry numbers are whole (a marker in the page's margin would be cut off):
        // the tenth page of the first project with ten.
        let tenth = marks
            .iter()
            .enumerate()
            .filter(|(i, (d, _, _))| *d == 1 && is_page[*i])
            .nth(9)
            .map(|(_, (_, t, _))| t.chars().take(12).collect::<String>())
            .unwrap();
        assert!(
            squeeze(&contents).contains(&squeeze(&format!("10. {tenth}"))),
            "{lang}: \"10. {tenth}\" is not in the contents:\n{contents}"
        );
        let projects: Vec<&(usize, String, u64)> = marks
            .iter()
            .enumerate()
            .filter(|(i, (d, _, _))| {
                *d == 0
                    && is_page[*i]
                    && marks
                        .iter()
                        .enumerate()
                        .skip(i + 1)
                        .find(|(j, _)| is_page[*j])
                        .is_some_and(|(_, (next, _, _))| *next == 1)
            })
            .map(|(_, m)| m)
            .collect();
        assert!(projects.len() >= 6, "{lang}: {projects:?}");
        for (_, t, page) in &projects {
            let line = contents
                .lines()
                .find(|l| l.trim_start().starts_with(t.as_str()))
                .unwrap_or_else(|| panic!("{lang}: {t:?} not in the contents:\n{contents}"));
            assert!(
                line.trim_end().ends_with(&format!(" {page}")),
                "{lang}: the contents give {line:?}, the project starts on page {page}"
            );
            let next = page_text(&pdf, page + 1, page + 1, false);
            assert_eq!(
                next.lines().find(|l| !l.trim().is_empty()).map(str::trim),
                Some(t.as_str()),
                "{lang}: the running header of page {}",
                page + 1
            );
        }

        // Links between pages jump inside the document; no link leads into a temporary folder.
        let qdf = tmp.path().join(format!("{lang}.qdf.pdf"));
        let status = Command::new("qpdf")
            .args(["--qdf", "--object-streams=disable"])
            .arg(&pdf)
            .arg(&qdf)
            .status()
            .expect("qpdf (apt-get install qpdf)");
        assert!(status.success());
        let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
        assert!(!raw.contains("(file:"), "{lang}: a link to a file");
        let internal = raw.matches("/Subtype /Link").count() - raw.matches("/URI").count();
        assert!(
            internal > page_titles.len(),
            "{lang}: {internal} internal links"
        );
        assert!(raw.contains(&format!("/Lang ({lang})")), "{lang}: /Lang");

        // Every page of the site with a footer (but the print page) links to the PDF with its
        // size; the root prefix varies with the page's depth.
        let needle = format!(
            "{rel}\" type=\"application/pdf\">{link_text}{:.1} MB",
            bytes.len() as f64 / 1e6
        );
        let mut linked = 0;
        for page in html_pages(&out.join(lang)) {
            let html = std::fs::read_to_string(&page).unwrap();
            if html.contains("<footer class=\"site-footer\"") {
                assert!(html.contains(&needle), "{} lacks {needle}", page.display());
                linked += 1;
            }
        }
        assert!(
            linked > page_titles.len(),
            "{lang}: {linked} pages link to the PDF"
        );
        assert!(
            !html.contains("report.pdf"),
            "the print page links to its own PDF"
        );

        // AMED is a series of editions: `<lang>/report.pdf` is the latest edition's PDF (an
        // address that follows the newest report, like `<lang>/`), and the archive page links
        // to each edition's PDF with its size.
        assert_ne!(rel, format!("{lang}/report.pdf"), "AMED is a series");
        assert!(
            said.contains(&format!("{lang}/report.pdf: "))
                && said.contains(&format!("a copy of {rel}")),
            "the summary does not list the copy of {rel}: {said}"
        );
        let latest = std::fs::read(out.join(lang).join("report.pdf"))
            .unwrap_or_else(|e| panic!("{lang}/report.pdf: {e}"));
        assert!(latest == bytes, "{lang}/report.pdf is not {rel}");
        let archive = read(&out, &format!("{lang}/archive/index.html"));
        let needle = format!(
            "href=\"../../{rel}\" type=\"application/pdf\">{link_text}{:.1} MB",
            bytes.len() as f64 / 1e6
        );
        assert!(archive.contains(&needle), "the archive lacks {needle}");
    }

    // The same input gives the same bytes.
    ok(&print());
    for (lang, (rel, bytes)) in &first {
        let again = std::fs::read(out.join(rel)).unwrap();
        if again != *bytes {
            if let Some(dir) = std::env::var_os("NENPO_PDF_KEEP") {
                std::fs::write(Path::new(&dir).join(format!("{lang}-1.pdf")), bytes).unwrap();
                std::fs::write(Path::new(&dir).join(format!("{lang}-2.pdf")), &again).unwrap();
            }
        }
        assert!(
            again == *bytes,
            "{lang}: a second `nenpo pdf` printed different bytes"
        );
    }

    // A build of the unchanged report keeps each edition's PDF, the latest one's copy and the
    // archive's links.
    let said = ok(&on_the_report("build", &out).output().unwrap());
    for (lang, (rel, bytes)) in &first {
        assert!(said.contains(&format!("{rel}: ")), "{said}");
        assert!(std::fs::read(out.join(rel)).unwrap() == *bytes, "{rel}");
        assert!(
            std::fs::read(out.join(lang).join("report.pdf")).unwrap() == *bytes,
            "{lang}/report.pdf after a build"
        );
        assert!(read(&out, &format!("{lang}/archive/index.html")).contains(rel.as_str()));
    }
}

#[test]
fn build_keeps_a_pdf_while_its_print_page_is_unchanged_and_drops_it_after_a_change() {
    need_chromium!();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("report");
    ok(&nenpo()
        .arg("init")
        .arg(&site)
        .args(["--languages", "ja,en,zh-Hans,ko"])
        .output()
        .unwrap());
    let run = |cmd: &str| nenpo().current_dir(&site).arg(cmd).output().unwrap();
    let printed = run("pdf");
    let said = ok(&printed);
    // Only Simplified Chinese, set in Noto Sans CJK SC (CFF outlines), has Type 3 fonts, and
    // `nenpo pdf` says so, with the fonts to install.
    let warned = String::from_utf8_lossy(&printed.stderr).into_owned();
    assert!(
        warned.contains("zh-Hans/report.pdf") && warned.contains("Type 3"),
        "{warned}"
    );
    assert!(warned.contains("apt-get install fonts-morisawa-bizud-gothic fonts-nanum"));
    for lang in ["ja", "en", "ko"] {
        assert!(!warned.contains(&format!(" {lang}/report.pdf")), "{warned}");
    }
    let links = [
        ("ja", "PDF版（"),
        ("en", "Report as PDF, "),
        ("zh-Hans", "PDF 版（"),
        ("ko", "PDF 버전 ("),
    ];
    for (lang, text) in links {
        let pdf = site.join("public").join(lang).join("report.pdf");
        assert!(pdf.is_file(), "{lang}: {said}");
        let raw = std::fs::read(&pdf).unwrap();
        assert!(raw.starts_with(b"%PDF-"));
        let home = read(&site, &format!("public/{lang}/index.html"));
        assert!(home.contains(text), "{lang}: no PDF link in {home}");
        // Debian has TrueType fonts with bold faces for Japanese, Latin and Korean; not for
        // Simplified Chinese, which keeps Noto Sans CJK SC as Type 3 (see docs/pdf.md).
        if lang != "zh-Hans" {
            assert_subset_fonts(lang, &pdf);
        }
    }
    let ja = std::fs::read(site.join("public/ja/report.pdf")).unwrap();

    // An unchanged site: build keeps every PDF, byte for byte, and the links.
    let said = ok(&run("build"));
    assert!(said.contains("kept"), "{said}");
    assert_eq!(
        std::fs::read(site.join("public/ja/report.pdf")).unwrap(),
        ja
    );

    // A change to a Japanese page: its PDF is gone with its links; the others stay.
    let page = site.join("content/_index.ja.md");
    let text = std::fs::read_to_string(&page).unwrap();
    write(
        &site,
        "content/_index.ja.md",
        format!("{text}\n追記の段落。\n"),
    );
    ok(&run("build"));
    assert!(!site.join("public/ja/report.pdf").exists());
    assert!(!read(&site, "public/ja/index.html").contains("report.pdf"));
    assert!(site.join("public/en/report.pdf").is_file());
    assert!(read(&site, "public/en/index.html").contains("en/report.pdf"));
}

#[test]
fn without_chromium_pdf_stops_at_once_with_the_command_that_installs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = on_the_report("pdf", &out)
        .env("NENPO_CHROMIUM", tmp.path().join("no-such-chromium"))
        .output()
        .unwrap();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("apt-get install chromium"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
    // `nenpo build` does not need it.
    ok(&on_the_report("build", &out)
        .env("NENPO_CHROMIUM", tmp.path().join("no-such-chromium"))
        .output()
        .unwrap());
    assert!(out.join("ja/index.html").is_file());
    let pdfs = walk_files(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .count();
    assert_eq!(pdfs, 0, "a build made a PDF");
}

#[test]
fn the_browser_that_prints_fetches_nothing_from_the_network() {
    need_chromium!();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("report");
    ok(&nenpo()
        .arg("init")
        .arg(&site)
        .args(["--languages", "en"])
        .output()
        .unwrap());
    // A theme override without the Content-Security-Policy that asks for a stylesheet on the
    // network: Chromium's request is refused, the PDF is made, and a warning names the address.
    let base = std::fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    let base: String = base
        .lines()
        .filter(|l| !l.contains("Content-Security-Policy"))
        .map(|l| {
            if l == "</head>" {
                "<link rel=\"stylesheet\" href=\"https://cdn.example.org/x.css\">\n</head>\n".into()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert!(
        base.contains("cdn.example.org"),
        "base.html has a </head> line"
    );
    write(&site, "templates/base.html", base);
    // A link out, which stays a link in the PDF.
    let home = std::fs::read_to_string(site.join("content/_index.en.md")).unwrap();
    write(
        &site,
        "content/_index.en.md",
        format!("{home}\nSee [the example site](https://example.org/annual).\n"),
    );
    let out = nenpo().current_dir(&site).arg("pdf").output().unwrap();
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nenpo never fetches") && stderr.contains("https://cdn.example.org/x.css"),
        "{stderr}"
    );
    let pdf = site.join("public/en/report.pdf");
    let qdf = tmp.path().join("en.qdf.pdf");
    let status = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&pdf)
        .arg(&qdf)
        .status()
        .expect("qpdf (apt-get install qpdf)");
    assert!(status.success());
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(
        raw.contains("/URI (https://example.org/annual)"),
        "the link out is not clickable in the PDF"
    );
}

#[test]
fn the_browser_that_prints_loads_no_file_outside_the_site_and_leaves_no_folder_behind() {
    need_chromium!();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("report");
    ok(&nenpo()
        .arg("init")
        .arg(&site)
        .args(["--languages", "en"])
        .output()
        .unwrap());
    // A picture of the building user's, outside the site.
    let secret = tmp.path().join("secret.png");
    image::RgbImage::from_pixel(40, 40, image::Rgb([200, 0, 0]))
        .save(&secret)
        .unwrap();
    // A theme override (not raw HTML, which the checker would refuse) that asks for it by
    // `file:` URL and by a path climbing out of the print folder.
    // Without the Content-Security-Policy, which would stop the requests before the engine does.
    let base: String = std::fs::read_to_string(repo().join("themes/default/templates/base.html"))
        .unwrap()
        .lines()
        .filter(|l| !l.contains("Content-Security-Policy"))
        .map(|l| format!("{l}\n"))
        .collect();
    let climb = "../".repeat(20) + secret.to_str().unwrap().trim_start_matches('/');
    let base = base.replacen(
        "</body>",
        &format!(
            "<img src=\"file://{}\" alt=\"\"><img src=\"{climb}\" alt=\"\"></body>",
            secret.display()
        ),
        1,
    );
    assert!(base.contains("secret.png"), "base.html has a </body>");
    write(&site, "templates/base.html", base);
    // What a killed `nenpo pdf` left: a work folder whose lock nobody holds.
    write(&site, ".nenpo-cache/pdf-killed/alive.lock", "");
    write(
        &site,
        ".nenpo-cache/pdf-killed/site/en/print/index.html",
        "old",
    );
    let out = nenpo().current_dir(&site).arg("pdf").output().unwrap();
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nenpo never fetches") && stderr.contains("secret.png"),
        "{stderr}"
    );
    let pdf = site.join("public/en/report.pdf");
    let images = tool("pdfimages", &["-list"], &pdf);
    assert_eq!(
        images.lines().skip(2).count(),
        0,
        "the PDF embeds an image: {images}"
    );
    let left: Vec<_> = std::fs::read_dir(site.join(".nenpo-cache"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pdf-"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}
