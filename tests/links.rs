//! Every relative reference of a page is resolved and checked: content files (`x.md`), site
//! addresses (`../x/`, `x/index.html`), anchors, and attachments (a file beside a page, published
//! once for every language, its size beside the link). Broken ones are in the bad-input table
//! (tests/cli_support/cases.rs).

mod cli_support;

use cli_support::{read, run, site, text, write};

#[test]
fn relative_links_lead_to_pages_anchors_and_attachments_published_once() {
    let dir = site("site");
    let root = dir.path();
    for (lang, statement) in [("en", "Statement"), ("ja", "決算書")] {
        write(
            root,
            &format!("content/reports/_index.{lang}.md"),
            format!(
                "+++\ntitle = \"Reports\"\nweight = 10\n+++\n\n## Summary {{#summary}}\n\n\
                 [Approvals](approvals.md#approvals), [again](approvals/), [and](approvals/index.html), \
                 [up](#summary), [{statement}](statement.pdf), [budget](budget.docx), [home](../_index.md).\n"
            ),
        );
    }
    write(root, "content/reports/statement.ja.pdf", vec![b'j'; 3_200]);
    write(
        root,
        "content/reports/statement.en.pdf",
        vec![b'e'; 1_500_000],
    );
    write(root, "content/reports/budget.docx", vec![b'x'; 12_000]);
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let en = read(root, "public/en/reports/index.html");
    for link in [
        "href=\"../../en/reports/approvals/index.html#approvals\"",
        "href=\"approvals/\"",
        "href=\"approvals/index.html\"",
        "href=\"#summary\"",
        "href=\"../../en/index.html\"",
        "href=\"../../reports/statement.en.pdf\">Statement</a> <span class=\"file-size\">(PDF, 1.5 MB)</span>",
        "href=\"../../reports/budget.docx\">budget</a> <span class=\"file-size\">(DOCX, 12 KB)</span>",
    ] {
        assert!(en.contains(link), "{link} not in:\n{en}");
    }
    let ja = read(root, "public/ja/reports/index.html");
    assert!(
        ja.contains("href=\"../../reports/statement.ja.pdf\">決算書</a> <span class=\"file-size\">(PDF, 3 KB)</span>"),
        "{ja}"
    );
    assert!(ja.contains("href=\"../../reports/budget.docx\""), "{ja}");
    // Each attachment once, not once per language.
    let published = cli_support::tree(&root.join("public"));
    let copies: Vec<&String> = published
        .keys()
        .filter(|p| p.contains("budget.docx"))
        .collect();
    assert_eq!(copies, ["reports/budget.docx"]);
    assert_eq!(published["reports/statement.en.pdf"].len(), 1_500_000);
}
