//! A series of editions, end to end, on `tests/fixtures/editions`: the clearly fictional "Starry
//! Sky Lighthouse Society" (星空灯台保存会) with made-up figures and editions 2020–2022 (a page
//! renamed in 2022 with `series_key`, a page only in 2021–2022, an alias in 2021).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editions")
}

fn fixture() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture_path(), dir.path());
    dir
}

fn nenpo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn build(dir: &Path) -> Output {
    let out = nenpo(dir, &["build"]);
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    out
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join("public").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The text of the page's `<main>` element.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main>");
    let end = html.rfind("</main>").expect("a </main>");
    &html[start..end]
}

/// Every HTML file of the output, by path, with its `<main>`.
fn mains(dir: &Path) -> BTreeMap<String, String> {
    let public = dir.join("public");
    walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(&public)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let html = std::fs::read_to_string(e.path()).unwrap();
            let main = html
                .find("<main")
                .map_or_else(String::new, |_| main_of(&html).to_string());
            (rel, main)
        })
        .collect()
}

/// The `href`s of the links inside the first element with class `class`.
fn links_in(html: &str, class: &str) -> Vec<(String, String)> {
    let at = html
        .find(&format!("class=\"{class}\""))
        .unwrap_or_else(|| panic!("no .{class}"));
    let end = ["</nav>", "</aside>"]
        .iter()
        .filter_map(|close| html[at..].find(close))
        .min()
        .unwrap()
        + at;
    html[at..end]
        .split("<a href=\"")
        .skip(1)
        .map(|a| {
            let href = a[..a.find('"').unwrap()].to_string();
            let text = a[a.find('>').unwrap() + 1..a.find("</a>").unwrap()].to_string();
            (href, text)
        })
        .collect()
}

/// The fixture's config.toml as it was before 2022: latest 2021, no 2022 label.
fn config_2020_2021() -> String {
    let config = std::fs::read_to_string(fixture_path().join("config.toml")).unwrap();
    let config = config.replace("latest = \"2022\"", "latest = \"2021\"");
    let line = config.find("\n2022 = ").expect("the 2022 label");
    let end = config[line + 1..]
        .find('\n')
        .map_or(config.len(), |i| line + 1 + i);
    format!("{}{}", &config[..line], &config[end..])
}

/// The test: build with 2020 and 2021, record every output path and the main text of
/// every page; add 2022; build; every path still exists with the same main text (the entry points
/// that follow the latest edition excepted).
#[test]
fn adding_an_edition_keeps_every_earlier_url_and_main_text() {
    let dir = fixture();
    let root = dir.path();
    std::fs::remove_dir_all(root.join("content/2022")).unwrap();
    write(root, "config.toml", &config_2020_2021());
    build(root);
    let before = mains(root);
    assert!(before.contains_key("ja/2021/activities/volunteers/index.html"));

    copy_dir(
        &fixture_path().join("content/2022"),
        &root.join("content/2022"),
    );
    std::fs::copy(fixture_path().join("config.toml"), root.join("config.toml")).unwrap();
    build(root);
    let after = mains(root);
    assert!(after.contains_key("ja/2022/activities/keepers/index.html"));

    // Entry points that lead to the latest edition or list every edition.
    let follow_latest = |p: &str| {
        p == "index.html"
            || p.ends_with("/archive/index.html")
            || ["ja", "en"]
                .iter()
                .any(|l| p == format!("{l}/index.html") || p == format!("{l}/print/index.html"))
    };
    let mut kept = 0;
    for (path, main) in &before {
        let now = after
            .get(path)
            .unwrap_or_else(|| panic!("{path} is gone after adding 2022"));
        if follow_latest(path) {
            continue;
        }
        assert_eq!(
            now, main,
            "the main text of {path} changed when 2022 was added"
        );
        kept += 1;
    }
    println!(
        "{kept} output paths kept with the same main text (of {} before; {} follow the latest edition)",
        before.len(),
        before.len() - kept
    );
    assert_eq!(
        before.len() - kept,
        7,
        "only the seven entry points follow the latest edition"
    );

    // …while the pages of 2021 now say that a newer edition exists, outside <main>.
    let page = read(root, "ja/2021/activities/volunteers/index.html");
    assert!(page.contains("edition-notice"), "{page}");
    assert!(!main_of(&page).contains("edition-notice"));
}

#[test]
fn urls_entry_points_and_the_archive() {
    let dir = fixture();
    let root = dir.path();
    build(root);
    for path in [
        "ja/2020/index.html",
        "en/2021/activities/open-nights/index.html",
        "ja/2022/activities/keepers/index.html",
        "en/2022/history/index.html",
        "ja/2021/print/index.html",
    ] {
        assert!(root.join("public").join(path).is_file(), "{path}");
    }
    // The 2020 edition has no history page, 2022 no "volunteers" (renamed "keepers").
    assert!(!root.join("public/ja/2020/history").exists());
    assert!(!root.join("public/ja/2022/activities/volunteers").exists());

    // The language home leads to the latest edition's home.
    let home = read(root, "ja/index.html");
    assert!(
        home.contains("<meta http-equiv=\"refresh\" content=\"0; url=../ja/2022/index.html\">"),
        "{home}"
    );
    assert!(
        home.contains("<link rel=\"canonical\" href=\"../ja/2022/index.html\">"),
        "{home}"
    );
    assert!(
        home.contains("<a href=\"../ja/2022/index.html\">星空灯台保存会 令和4年度 年次報告</a>"),
        "{home}"
    );
    let chooser = read(root, "index.html");
    assert!(chooser.contains("href=\"en/2022/index.html\""), "{chooser}");

    // The archive lists every edition, newest first.
    let archive = read(root, "en/archive/index.html");
    let order: Vec<usize> = ["FY2022", "FY2021", "FY2020"]
        .iter()
        .map(|l| archive.find(l).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{archive}");
    assert!(
        archive.contains("href=\"../../en/2020/index.html\""),
        "{archive}"
    );
}

#[test]
fn the_switcher_leads_to_the_same_page_or_the_edition_home() {
    let dir = fixture();
    let root = dir.path();
    build(root);
    let switcher = |path: &str| links_in(&read(root, path), "edition-switch");
    let up = "../../../../";
    // Renamed in 2022: the switcher finds it by its series key, both ways.
    assert_eq!(
        switcher("ja/2021/activities/volunteers/index.html"),
        [
            (
                format!("{up}ja/2022/activities/keepers/index.html"),
                "令和4年度".to_string()
            ),
            (
                format!("{up}ja/2021/activities/volunteers/index.html"),
                "令和3年度".to_string()
            ),
            (
                format!("{up}ja/2020/activities/volunteers/index.html"),
                "令和2年度".to_string()
            ),
        ]
    );
    let from_2022 = switcher("en/2022/activities/keepers/index.html");
    assert_eq!(
        from_2022[2].0,
        format!("{up}en/2020/activities/volunteers/index.html")
    );
    // A page 2020 does not have leads to the 2020 home page.
    let history = switcher("en/2021/history/index.html");
    assert_eq!(
        history[2],
        (
            "../../../en/2020/index.html".to_string(),
            "FY2020".to_string()
        )
    );
    // The current edition is marked.
    assert!(read(root, "en/2021/history/index.html").contains(
        "<a href=\"../../../en/2021/history/index.html\" aria-current=\"page\">FY2021</a>"
    ));
}

#[test]
fn older_editions_carry_a_notice_with_a_link_to_the_latest() {
    let dir = fixture();
    let root = dir.path();
    build(root);
    let notice = links_in(
        &read(root, "en/2020/activities/open-nights/index.html"),
        "edition-notice",
    );
    assert_eq!(
        notice,
        [(
            "../../../../en/2022/activities/open-nights/index.html".to_string(),
            "Read the latest edition (FY2022)".to_string()
        )]
    );
    let page = read(root, "en/2020/activities/open-nights/index.html");
    assert!(page.contains("This is the FY2020 edition, an earlier one."));
    // A page the latest edition does not have leads to the latest home.
    let notice = links_in(
        &read(root, "ja/2021/activities/volunteers/index.html"),
        "edition-notice",
    );
    assert_eq!(
        notice[0].0,
        "../../../../ja/2022/activities/keepers/index.html"
    );
    for latest in [
        "ja/2022/index.html",
        "en/2022/activities/keepers/index.html",
    ] {
        assert!(!read(root, latest).contains("edition-notice"), "{latest}");
    }
}

#[test]
fn aliases_write_redirects_and_a_taken_address_is_an_error() {
    let dir = fixture();
    let root = dir.path();
    build(root);
    let redirect = read(root, "en/open-nights/index.html");
    let target = "../../en/2021/activities/open-nights/index.html";
    assert!(
        redirect.contains(&format!(
            "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
        )),
        "{redirect}"
    );
    assert!(redirect.contains(&format!("<link rel=\"canonical\" href=\"{target}\">")));
    assert!(redirect.contains(&format!("<a href=\"{target}\">Viewing nights</a>")));
    // With a base URL, canonical is absolute.
    let out = nenpo(
        root,
        &["build", "--base-url", "https://lighthouse.example/report"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(root, "ja/open-nights/index.html").contains("<link rel=\"canonical\" href=\"https://lighthouse.example/report/ja/2021/activities/open-nights/index.html\">"));

    // An alias on an address a page has: an error at the alias; the site stays as it was.
    let before = read(root, "ja/2021/index.html");
    let file = "content/2022/history.ja.md";
    write(
        root,
        file,
        "+++\ntitle = \"灯台の歴史\"\nweight = 5\naliases = [\"2021/history\"]\n+++\n歴史。\n",
    );
    let out = nenpo(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/2022/history.ja.md:4:13"), "{err}");
    assert!(
        err.contains("is the address of content/2021/history.ja.md"),
        "{err}"
    );
    assert_eq!(read(root, "ja/2021/index.html"), before);
}

#[test]
fn key_figures_show_the_previous_value_the_change_and_a_series_chart() {
    let dir = fixture();
    let root = dir.path();
    build(root);
    let y2020 = read(root, "en/2020/activities/index.html");
    assert!(
        !y2020.contains("figure__previous"),
        "2020 has no earlier edition"
    );
    let y2021 = read(root, "en/2021/activities/index.html");
    assert!(y2021.contains("<dd class=\"figure__previous\">FY2020: 1,240 <span class=\"figure__change\">Change +340</span></dd>"), "{y2021}");
    assert!(y2021.contains("FY2020: 12 <span class=\"figure__change\">Change +6</span>"));
    assert!(!y2021.contains("<svg"), "two editions: no chart yet");
    let y2022 = read(root, "ja/2022/activities/index.html");
    assert!(
        y2022.contains("令和3年度：1,580人 <span class=\"figure__change\">増減 +435</span>"),
        "{y2022}"
    );
    let chart = &y2022[y2022.find("figure__chart").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    assert!(chart.contains("<desc id=\"series-visitors-chart-desc\">3項目の横棒グラフ。来場者数：最大は「令和4年度」（2,015）、最小は「令和2年度」（1,240）。</desc>"), "{chart}");
}

#[test]
fn record_reads_another_edition() {
    let dir = fixture();
    let root = dir.path();
    write(
        root,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{% set old = record(id=\"activities/nights\", lang=lang, edition=\"2020\") %}<p id=\"old\">{{ old.rows.1.visitors }}</p><p id=\"own\">{{ records[\"activities/nights\"].rows.1.visitors }}</p>{% endblock main %}",
    );
    build(root);
    let page = read(root, "en/2022/activities/open-nights/index.html");
    assert!(
        page.contains("<p id=\"old\">530</p><p id=\"own\">860</p>"),
        "{page}"
    );
}

#[test]
fn links_records_and_neighbours_stay_within_the_edition() {
    let dir = fixture();
    let root = dir.path();
    build(root);
    let home = read(root, "ja/2020/index.html");
    assert!(
        home.contains("href=\"../../ja/2020/activities/open-nights/index.html#programme\""),
        "{home}"
    );
    // The glossary's abbreviations of the edition.
    assert!(
        home.contains("<abbr title=\"星空灯台保存会\">LHS</abbr>"),
        "{home}"
    );
    for edition in ["2020", "2021", "2022"] {
        let page = read(
            root,
            &format!("en/{edition}/activities/open-nights/index.html"),
        );
        // The record of the page's own edition, with the same anchor in every edition.
        assert!(page.contains("id=\"activities-nights\""), "{edition}");
        let mine = match edition {
            "2020" => "530",
            "2021" => "690",
            _ => "860",
        };
        assert!(page.contains(&format!(">{mine}<")), "{edition}: {page}");
        // Previous and next are pages of the same edition.
        for (href, _) in links_in(&page, "pager") {
            assert!(href.contains(&format!("/{edition}/")), "{edition}: {href}");
        }
    }
    // The first page of 2021 has no "previous" in 2020.
    assert!(!read(root, "en/2021/index.html").contains("rel=\"prev\""));
}

#[test]
fn search_has_one_index_per_language_and_edition() {
    let dir = fixture();
    let root = dir.path();
    build(root);
    let public = root.join("public");
    assert!(!public.join("search/ja/meta.js").exists());
    for lang in ["ja", "en"] {
        for edition in ["2020", "2021", "2022"] {
            let folder = public.join(format!("search/{lang}/{edition}"));
            assert!(folder.join("meta.js").is_file(), "{lang}/{edition}");
            let fragments: String = std::fs::read_dir(folder.join("f"))
                .unwrap()
                .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
                .collect();
            assert!(fragments.contains(&format!(
                "{lang}/{edition}/activities/open-nights/index.html"
            )));
            for other in ["2020", "2021", "2022"].iter().filter(|e| **e != edition) {
                assert!(
                    !fragments.contains(&format!("{lang}/{other}/")),
                    "{lang}/{edition} holds {other}"
                );
            }
        }
    }
    let page = read(root, "en/2021/index.html");
    assert!(page.contains("data-search-index=\"search/en/2021\""));
    assert!(
        page.contains("data-search-editions=\"search/en/2020|FY2020;search/en/2022|FY2022;\""),
        "{page}"
    );
    assert!(page.contains("<script src=\"../../search-editions.js\" defer></script>\n<script src=\"../../search.js\" defer></script>"));
}

#[test]
fn sitemap_and_hreflang_cover_every_edition() {
    let dir = fixture();
    let root = dir.path();
    let out = nenpo(root, &["build", "--base-url", "https://lighthouse.example"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sitemap = read(root, "sitemap.xml");
    for edition in ["2020", "2021", "2022"] {
        assert!(sitemap.contains(&format!("<loc>https://lighthouse.example/ja/{edition}/activities/open-nights/index.html</loc><xhtml:link rel=\"alternate\" hreflang=\"ja\" href=\"https://lighthouse.example/ja/{edition}/activities/open-nights/index.html\"/><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://lighthouse.example/en/{edition}/activities/open-nights/index.html\"/>")), "{edition}");
    }
    assert!(
        !sitemap.contains("/ja/open-nights/"),
        "redirects are not in the sitemap"
    );
    let page = read(root, "ja/2020/index.html");
    assert!(page.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"https://lighthouse.example/en/2020/index.html\">"));
}

#[test]
fn new_edition_copies_the_latest_marks_it_and_builds() {
    let dir = fixture();
    let root = dir.path();
    let out = nenpo(root, &["new", "edition", "2023"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Created content/2023/activities/keepers.ja.md"),
        "{stdout}"
    );
    assert!(stdout.contains("Updated config.toml"), "{stdout}");
    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    assert!(config.contains("latest = \"2023\""), "{config}");
    assert!(
        config.contains("2023 = { ja = \"令和5年度\", en = \"FY2023\" }"),
        "{config}"
    );
    let page = std::fs::read_to_string(root.join("content/2023/activities/_index.en.md")).unwrap();
    assert!(
        page.starts_with("+++\ntitle = \"[TO UPDATE] Activities\"\n"),
        "{page}"
    );
    assert!(page.contains("# [TO UPDATE]\nvalue = \"2,015\""), "{page}");
    let record = std::fs::read_to_string(root.join("content/2023/activities/nights.toml")).unwrap();
    assert!(record.contains("# [TO UPDATE]\nvisitors = 860"), "{record}");
    let renamed =
        std::fs::read_to_string(root.join("content/2023/activities/keepers.en.md")).unwrap();
    assert!(
        renamed.contains("series_key = \"activities/volunteers.md\""),
        "{renamed}"
    );

    // It builds at once; `check` lists every mark left, at its place, and exits 0.
    let out = nenpo(root, &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("content/2023/activities/_index.en.md:2:10"),
        "{err}"
    );
    assert!(
        err.contains("content/2023/activities/nights.toml:"),
        "{err}"
    );
    build(root);
    assert!(read(root, "ja/2022/index.html").contains("edition-notice"));
    assert!(read(root, "ja/index.html").contains("url=../ja/2023/index.html"));

    // An edition that exists is refused, and nothing changes.
    let config_before = std::fs::read_to_string(root.join("config.toml")).unwrap();
    let out = nenpo(root, &["new", "edition", "2022"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the edition `2022` exists already"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("config.toml")).unwrap(),
        config_before
    );
}

#[test]
fn new_edition_needs_a_series() {
    let dir = fixture();
    let root = dir.path();
    write(root, "config.toml", "default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\n[title]\nja = \"x\"\nen = \"y\"\n");
    let out = nenpo(root, &["new", "edition", "2023"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the site is not a series of editions"),
        "{}",
        stderr(&out)
    );
    assert!(!root.join("content/2023").exists());
}

#[test]
fn a_page_renamed_onto_another_pages_key_is_an_error() {
    let dir = fixture();
    let root = dir.path();
    write(
        root,
        "content/2022/history.en.md",
        "+++\ntitle = \"History\"\nseries_key = \"activities/volunteers.md\"\n+++\nText.\n",
    );
    let out = nenpo(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/2022/history.en.md:3:15"), "{err}");
    assert!(err.contains("same page of edition 2022"), "{err}");
}

#[test]
fn two_builds_are_byte_identical() {
    let a = fixture();
    let b = fixture();
    build(a.path());
    build(b.path());
    let files = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        let public = dir.join("public");
        walkdir::WalkDir::new(&public)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path()
                        .strip_prefix(&public)
                        .unwrap()
                        .display()
                        .to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    };
    assert!(files(a.path()) == files(b.path()));
}

/// `<title>` of an output page.
fn title_of(dir: &Path, path: &str) -> String {
    let html = read(dir, path);
    let start = html.find("<title>").unwrap() + "<title>".len();
    html[start..start + html[start..].find("</title>").unwrap()].to_string()
}

#[test]
fn every_title_names_its_edition_and_a_title_twice_in_an_edition_is_a_warning() {
    let dir = fixture();
    let root = dir.path();
    let out = build(root);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    // Every page's title, per language, unique across the whole site.
    let mut titles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root.join("public")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(root.join("public")).unwrap();
        let rel = rel.to_string_lossy().replace('\\', "/");
        let Some((lang, rest)) = rel.split_once('/') else {
            continue;
        };
        if !["ja", "en"].contains(&lang) || !rest.starts_with("20") || !rel.ends_with(".html") {
            continue;
        }
        let html = read(root, &rel);
        if html.contains("http-equiv=\"refresh\"") {
            continue; // an alias's redirect
        }
        titles.entry(title_of(root, &rel)).or_default().push(rel);
    }
    let twice: Vec<_> = titles.iter().filter(|(_, pages)| pages.len() > 1).collect();
    assert!(twice.is_empty(), "{twice:?}");
    assert_eq!(
        title_of(root, "en/2021/activities/index.html"),
        "Activities | FY2021 | Starry Sky Lighthouse Society Annual Report"
    );
    assert_eq!(
        title_of(root, "ja/2022/index.html"),
        "令和4年度 | 星空灯台保存会 年次報告"
    );

    // Two pages of one edition with one title: a warning at the second one's title.
    let page =
        std::fs::read_to_string(root.join("content/2022/activities/open-nights.en.md")).unwrap();
    let title = page
        .lines()
        .find(|l| l.starts_with("title"))
        .unwrap()
        .to_string();
    let twin = std::fs::read_to_string(root.join("content/2022/activities/keepers.en.md")).unwrap();
    let twin_title = twin
        .lines()
        .find(|l| l.starts_with("title"))
        .unwrap()
        .to_string();
    write(
        root,
        "content/2022/activities/open-nights.en.md",
        &page.replacen(&title, &twin_title, 1),
    );
    let out = build(root);
    let err = stderr(&out);
    assert!(
        err.contains("warning: the title `")
            && err.contains("is also the title of content/2022/activities/")
            && err.contains(":2:9"),
        "{err}"
    );
    let out = nenpo(root, &["check", "--strict"]);
    assert!(!out.status.success());
}
