//! Records from spreadsheets: a CSV beside a TOML record gives it its rows (texts per language
//! in `name.ja` / `name.en` columns, numbers typed); a broken CSV is an error at its line and column.

mod cli_support;

use std::path::Path;

use cli_support::{nenpo, read, write};

fn site(dir: &Path, csv: &str) {
    write(dir, "config.toml", "default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\ntheme = \"default\"\n[title]\nja = \"年報\"\nen = \"Report\"\n");
    for lang in ["ja", "en"] {
        write(
            dir,
            &format!("content/_index.{lang}.md"),
            "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
        );
        write(
            dir,
            &format!("content/data/_index.{lang}.md"),
            "+++\ntitle = \"Data\"\nrecords = [\"data/visitors\"]\n+++\n\nFigures.\n",
        );
    }
    write(dir, "content/data/visitors.toml", "title = { ja = \"来場者数\", en = \"Visitors\" }\n[[columns]]\nkey = \"day\"\nlabel = { ja = \"日\", en = \"Day\" }\n[[columns]]\nkey = \"visitors\"\nlabel = { ja = \"人数\", en = \"Visitors\" }\nnumeric = true\n[chart]\nkind = \"bar\"\nlabel = \"day\"\nvalues = [\"visitors\"]\n");
    write(dir, "content/data/visitors.csv", csv);
}

#[test]
fn a_csv_gives_a_toml_record_its_rows() {
    let tmp = tempfile::tempdir().unwrap();
    site(
        tmp.path(),
        "day.ja,day.en,visitors\n3月,March,120\n6月,June,\"1,185\"\n",
    );
    let out = nenpo()
        .args(["build", "--root"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let en = read(tmp.path(), "public/en/data/index.html");
    assert!(
        en.contains("<caption id=\"data-visitors-caption\">Visitors</caption>"),
        "{en}"
    );
    assert!(
        en.contains(">June</th><td class=\"num\">1,185</td>"),
        "{en}"
    );
    assert!(
        en.contains("<svg"),
        "the chart is drawn from the CSV's numbers"
    );
    let ja = read(tmp.path(), "public/ja/data/index.html");
    assert!(ja.contains(">6月</th>"), "{ja}");
}

#[test]
fn a_short_csv_row_is_an_error_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    site(
        tmp.path(),
        "day.ja,day.en,visitors\n3月,March,120\n6月,June\n",
    );
    let out = nenpo()
        .args(["build", "--root"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("content/data/visitors.csv:3:1") && err.contains("2 cells"),
        "{err}"
    );
}
