//! The default theme at any depth: a starter site (`nenpo init`, fictional) grows sections nested
//! four deep, and every page kind that lists pages (print contents, breadcrumbs, a section's list
//! of its children, the pager) shows every level, in reading order.

mod cli_support;

use std::path::Path;

use cli_support::{nenpo, read, write};

/// `activities/` (from `init`) gets `level2/`, `level2/level3/`, `level2/level3/level4/`, each a
/// section with one page, in English and Japanese.
fn deep_site(dir: &Path) {
    let init = nenpo()
        .arg("init")
        .arg(dir)
        .args(["--languages", "en,ja"])
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", cli_support::text(&init.stderr));
    let mut folder = String::from("content/activities");
    for depth in 2..=4 {
        folder.push_str(&format!("/level{depth}"));
        for lang in ["en", "ja"] {
            write(
                dir,
                &format!("{folder}/_index.{lang}.md"),
                format!(
                    "+++\ntitle = \"Depth {depth} section ({lang})\"\nweight = 1\n+++\n\nA section at depth {depth}.\n"
                ),
            );
            write(
                dir,
                &format!("{folder}/leaf.{lang}.md"),
                format!(
                    "+++\ntitle = \"Depth {depth} page ({lang})\"\nweight = 1\n+++\n\nA page at depth {depth}.\n"
                ),
            );
        }
    }
    let build = nenpo().current_dir(dir).arg("build").output().unwrap();
    assert!(
        build.status.success(),
        "{}",
        cli_support::text(&build.stderr)
    );
}

/// The print page's table of contents, with everything but the list tags and link texts taken out:
/// `<ol><li>Home</li><li>Activities<ol>…</ol></li></ol>`.
fn contents_outline(html: &str) -> String {
    let start = html
        .find("<nav class=\"toc toc--print\"")
        .expect("contents");
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    let list = &nav[nav.find("<ol>").unwrap()..];
    let mut out = String::new();
    let mut rest = list;
    while let Some(lt) = rest.find('<') {
        let text = rest[..lt].trim();
        out.push_str(text);
        let gt = lt + rest[lt..].find('>').unwrap();
        let tag = &rest[lt + 1..gt];
        let name = tag.split_whitespace().next().unwrap_or("");
        if matches!(name, "ol" | "/ol" | "li" | "/li") {
            out.push_str(&format!("<{name}>"));
        }
        rest = &rest[gt + 1..];
    }
    out
}

#[test]
fn the_print_page_lists_every_level_nested_and_in_reading_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("deep");
    deep_site(&dir);
    let html = read(&dir, "public/en/print/index.html");
    let outline = contents_outline(&html);
    let expected = concat!(
        "<ol><li>Annual Report 2025</li>",
        "<li>Activities<ol>",
        "<li>Depth 2 section (en)<ol>",
        "<li>Depth 2 page (en)</li>",
        "<li>Depth 3 section (en)<ol>",
        "<li>Depth 3 page (en)</li>",
        "<li>Depth 4 section (en)<ol>",
        "<li>Depth 4 page (en)</li>",
        "</ol></li>",
        "</ol></li>",
        "</ol></li>",
        "<li>Open days</li>",
        "</ol></li>",
        "</ol>",
    );
    assert_eq!(outline, expected, "{html}");

    // Every entry leads to its page's article on the print page, and the articles follow the same
    // reading order.
    let mut last = 0;
    for key in [
        "activities-_index",
        "activities-level2-_index",
        "activities-level2-leaf",
        "activities-level2-level3-_index",
        "activities-level2-level3-leaf",
        "activities-level2-level3-level4-_index",
        "activities-level2-level3-level4-leaf",
        "activities-open-days",
    ] {
        assert!(html.contains(&format!("<a href=\"#p-{key}\">")), "{key}");
        let at = html
            .find(&format!("id=\"p-{key}\" aria-labelledby"))
            .unwrap_or_else(|| panic!("no article for {key}"));
        assert!(at > last, "{key} is out of reading order");
        last = at;
    }
    // The Japanese print page has the same shape.
    let ja = contents_outline(&read(&dir, "public/ja/print/index.html"));
    assert_eq!(ja.matches("<ol>").count(), expected.matches("<ol>").count());
    assert!(ja.contains("<li>Depth 4 page (ja)</li>"), "{ja}");
}

#[test]
fn breadcrumbs_section_lists_and_the_pager_work_four_levels_deep() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("deep");
    deep_site(&dir);
    let leaf = read(
        &dir,
        "public/en/activities/level2/level3/level4/leaf/index.html",
    );
    let crumbs = &leaf[leaf
        .find("<nav class=\"breadcrumbs\"")
        .expect("breadcrumbs")..];
    let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
    let mut last = 0;
    let root = "../../../../../../en";
    for (href, title) in [
        ("index.html", "Home"),
        ("activities/index.html", "Activities"),
        ("activities/level2/index.html", "Depth 2 section (en)"),
        (
            "activities/level2/level3/index.html",
            "Depth 3 section (en)",
        ),
        (
            "activities/level2/level3/level4/index.html",
            "Depth 4 section (en)",
        ),
    ] {
        let link = format!("<a href=\"{root}/{href}\">{title}</a>");
        let at = crumbs
            .find(&link)
            .unwrap_or_else(|| panic!("{link} in {crumbs}"));
        assert!(at >= last, "{title} is out of order");
        last = at;
    }
    assert!(crumbs.contains("aria-current=\"page\">Depth 4 page (en)"));
    // Its links resolve: the stylesheet is found from four levels down.
    assert!(
        leaf.contains("href=\"../../../../../../style.css\""),
        "{leaf}"
    );
    // Previous and next follow the reading order across levels.
    assert!(
        leaf.contains(&format!(
            "href=\"{root}/activities/level2/level3/level4/index.html\" rel=\"prev\""
        )),
        "{leaf}"
    );
    assert!(
        leaf.contains(&format!(
            "href=\"{root}/activities/open-days/index.html\" rel=\"next\""
        )),
        "{leaf}"
    );

    let level3 = read(&dir, "public/en/activities/level2/level3/index.html");
    for (href, title) in [
        (
            "../../../../en/activities/level2/level3/leaf/index.html",
            "Depth 3 page (en)",
        ),
        (
            "../../../../en/activities/level2/level3/level4/index.html",
            "Depth 4 section (en)",
        ),
    ] {
        assert!(
            level3.contains(&format!("<a href=\"{href}\">{title}</a>")),
            "{title} listed on its section:\n{level3}"
        );
    }
    // The navigation still marks the top-level section as the way there.
    assert!(
        leaf.contains("aria-current=\"true\">Activities</a>"),
        "{leaf}"
    );
}
