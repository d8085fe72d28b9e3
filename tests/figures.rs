//! Table records of the fictional cooperative in tests/fixtures/figures (en, ja, de; two
//! editions): numbers written by each language's conventions with their units, computed and
//! stated totals, the previous edition's values beside this one's, and key figures on the home
//! page whose change keeps its unit.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::{read, run, text, write};

/// A copy of the fixture, built; the copy's folder (removed when dropped).
fn built() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    let out = run(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/figures")
}

fn copy(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(from).unwrap();
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            std::fs::copy(entry.path(), to.join(rel)).unwrap();
        }
    }
}

/// The text of a page's tables, tags removed and spaces collapsed.
fn tables(html: &str) -> String {
    let mut out = String::new();
    for part in html.split("<table").skip(1) {
        let table = part.split("</table>").next().unwrap_or("");
        let mut plain = String::new();
        let mut in_tag = false;
        for c in table.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    plain.push(' ');
                }
                '>' => in_tag = false,
                _ if !in_tag => plain.push(c),
                _ => {}
            }
        }
        out.push_str(&plain.split_ascii_whitespace().collect::<Vec<_>>().join(" "));
        out.push('\n');
    }
    out.replace("&amp;", "&")
}

#[test]
fn numbers_are_written_by_each_language_with_their_units_and_totals() {
    let dir = built();
    let page = |lang: &str| {
        tables(&read(
            dir.path(),
            &format!("public/{lang}/2023/finance/index.html"),
        ))
    };
    let (en, de, ja) = (page("en"), page("de"), page("ja"));
    // Currency before the digits in English, after them in German; a stated total that the rows
    // add up to; the previous edition's values and the change, matched by programme.
    assert!(en.contains("Seed stock €460,000 €420,000 +€40,000"), "{en}");
    assert!(
        en.contains("Harbour repairs €276,000 €310,000 -€34,000"),
        "{en}"
    );
    assert!(en.contains("Total €872,250"), "{en}");
    assert!(
        de.contains("Saatgut 460.000\u{a0}€ 420.000\u{a0}€ +40.000\u{a0}€"),
        "{de}"
    );
    assert!(de.contains("Summe 872.250\u{a0}€"), "{de}");
    // Decimals rounded half away from zero, a unit word per language, a percentage, a yen price.
    assert!(en.contains("Q2 980.3\u{a0}t -4.2% ¥175,500"), "{en}");
    assert!(
        de.contains("Q2 980,3\u{a0}t -4,2\u{a0}% 175.500\u{a0}¥"),
        "{de}"
    );
    assert!(ja.contains("第2四半期 980.3トン -4.2% ￥175,500"), "{ja}");
    assert!(en.contains("Total 4,264.8\u{a0}t"), "{en}");
    // An optional figure left empty: a dash, read as "no value".
    assert!(en.contains("Q3 0.0\u{a0}t -100.0% – no value"), "{en}");
    assert!(de.contains("– kein Wert"), "{de}");
    assert!(ja.contains("12件") && ja.contains("合計 19件"), "{ja}");
    assert!(de.contains("Nordbucht 12\u{a0}Fälle"), "{de}");
    // A CSV's rows under its TOML's columns, totalled.
    assert!(
        de.contains("Mai 1.185") && de.contains("Summe 5.445"),
        "{de}"
    );
    let html = read(dir.path(), "public/en/2023/finance/index.html");
    assert!(
        html.contains("<tfoot><tr><th scope=\"row\">Total</th>"),
        "{html}"
    );
    assert!(html.contains("<span class=\"visually-hidden\">no value</span>"));
}

#[test]
fn key_figures_show_on_the_home_page_and_their_change_keeps_its_unit() {
    let dir = built();
    let en = read(dir.path(), "public/en/2023/index.html");
    assert!(
        en.contains("<dd class=\"figure__value\">€1,236,000</dd>"),
        "{en}"
    );
    assert!(
        en.contains("FY2022: €1,150,000 <span class=\"figure__change\">Change +€86,000</span>"),
        "{en}"
    );
    let de = read(dir.path(), "public/de/2023/index.html");
    assert!(de.contains("Veränderung +86.000\u{a0}€"), "{de}");
    let ja = read(dir.path(), "public/ja/2023/index.html");
    assert!(ja.contains("増減 +36人"), "{ja}");
}

#[test]
fn a_stated_total_the_rows_do_not_add_up_to_is_an_error_at_that_line() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    let file = "content/2023/finance/grants.toml";
    let changed = read(dir.path(), file).replace("amount = 136250", "amount = 136205");
    write(dir.path(), file, changed);
    let out = run(dir.path(), &["check"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/2023/finance/grants.toml:15:9"),
        "{stderr}"
    );
    assert!(
        stderr.contains("add up to 872,205, not 872,250"),
        "{stderr}"
    );
}

#[test]
fn a_spreadsheet_is_a_record_and_its_mistakes_name_sheet_and_cell() {
    let dir = built();
    let en = tables(&read(dir.path(), "public/en/2023/finance/index.html"));
    assert!(en.contains("Divers 14 5,210.5"), "{en}");
    assert!(en.contains("Total 27 10,590.8"), "{en}");

    // A letter in a number, and a sheet name misspelt.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Staff").unwrap();
    for (c, h) in ["team.en", "team.ja", "team.de", "people", "hours"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet
        .write_row(1, 0, ["Divers", "潜水班", "Taucher"])
        .unwrap();
    sheet.write_number(1, 3, 14).unwrap();
    sheet.write_number(1, 4, 5210.5).unwrap();
    sheet.write_row(2, 0, ["Office", "事務", "Büro"]).unwrap();
    sheet.write_string(2, 3, "4O").unwrap();
    sheet.write_number(2, 4, 1480.25).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    write(dir.path(), "content/2023/finance/staff.xlsx", &bytes);
    let out = run(dir.path(), &["check"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/2023/finance/staff.xlsx:Staff!D3"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`4O` in the column `people` is not a number"),
        "{stderr}"
    );

    let toml = read(dir.path(), "content/2023/finance/staff.toml")
        .replace("sheet = \"Staff\"", "sheet = \"Staf\"");
    write(dir.path(), "content/2023/finance/staff.toml", toml);
    let out = run(dir.path(), &["check"]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("content/2023/finance/staff.toml:3:9"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `Staff`?"), "{stderr}");
}

/// Runs a Python 3 program (with openpyxl) on the built site; `None` when python3 is absent.
fn python(program: &str, dir: &Path) -> Option<String> {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(program)
        .current_dir(dir)
        .output();
    let out = match out {
        Ok(out) => out,
        Err(_) => {
            eprintln!("SKIPPED: python3 is not installed, the downloads are not read back");
            return None;
        }
    };
    assert!(out.status.success(), "{}", text(&out.stderr));
    Some(text(&out.stdout))
}

#[test]
fn every_table_downloads_as_csv_and_xlsx_that_spreadsheets_read_back() {
    let dir = built();
    let page = read(dir.path(), "public/ja/2023/finance/index.html");
    assert!(page.contains("この表をダウンロード： <a href=\"../../../ja/2023/data/finance-grants.csv\" download type=\"text/csv\">CSV, "), "{page}");
    let csv = std::fs::read(dir.path().join("public/ja/2023/data/finance-grants.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}".as_bytes()),
        "a byte-order mark for Excel"
    );
    // Python's csv module and openpyxl, neither written here, read the files back.
    let program = r#"
import csv, openpyxl
with open("public/ja/2023/data/finance-grants.csv", encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
print(rows[0]); print(rows[1]); print(rows[4]); print(rows[-1])
book = openpyxl.load_workbook("public/de/2023/data/finance-harvest.xlsx")
sheet = book.worksheets[0]
for row in sheet.iter_rows(values_only=True):
    print(row)
print(book.properties.created)
"#;
    let Some(out) = python(program, dir.path()) else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "['プログラム', '金額']", "{out}");
    assert_eq!(lines[1], "['種苗', '460000']", "{out}");
    assert_eq!(lines[2], "['合計', '872250']", "{out}");
    assert_eq!(
        lines[3], "['潮間帯昆布協同組合 年次報告 (2023年度): 受け取った助成金. 出典: 4ページ']",
        "{out}"
    );
    // German labels, numbers as numbers (not text), an empty cell for a figure the source does
    // not give, the total, and the source line.
    assert_eq!(
        lines[4], "('Quartal', 'Ernte', 'Veränderung zum Vorjahr', 'Durchschnittspreis je Tonne')",
        "{out}"
    );
    assert_eq!(lines[5], "('Q1', 1234.5, 8.7, 182000)", "{out}");
    assert_eq!(lines[7], "('Q3', 0, -100, None)", "{out}");
    assert_eq!(lines[9], "('Summe', 4264.75, None, None)", "{out}");
    assert!(lines[11].starts_with("('Jahresbericht der Tidewater-Kelp-Genossenschaft (GJ 2023): Ernte nach Quartal. Quelle: S. 5'"), "{out}");
    assert_eq!(lines[12], "2000-01-01 00:00:00", "{out}");
}

#[test]
fn downloads_are_the_same_bytes_in_two_builds() {
    let a = built();
    let b = built();
    for file in [
        "public/en/2023/data/finance-staff.xlsx",
        "public/en/2023/data/finance-staff.csv",
    ] {
        assert_eq!(
            std::fs::read(a.path().join(file)).unwrap(),
            std::fs::read(b.path().join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn each_edition_has_a_data_page_with_every_table_linked_from_the_footer() {
    let dir = built();
    let data = read(dir.path(), "public/de/2023/data/index.html");
    assert!(data.contains("<h1>Daten und Downloads</h1>"), "{data}");
    for table in [
        "finance-grants",
        "finance-harvest",
        "finance-inspections",
        "finance-staff",
        "finance-visitors",
    ] {
        assert!(
            data.contains(&format!("href=\"../../../de/2023/data/{table}.csv\"")),
            "{table}\n{data}"
        );
        assert!(
            data.contains(&format!("href=\"../../../de/2023/data/{table}.xlsx\"")),
            "{table}\n{data}"
        );
    }
    // Each edition lists its own tables only.
    let earlier = read(dir.path(), "public/en/2022/data/index.html");
    assert!(
        earlier.contains("2022/data/finance-grants.csv") && !earlier.contains("harvest"),
        "{earlier}"
    );
    let home = read(dir.path(), "public/en/2023/index.html");
    assert!(
        home.contains("<li><a href=\"../../en/2023/data/index.html\">Data and downloads</a></li>"),
        "{home}"
    );
}

#[test]
fn a_charted_record_carries_its_rows_in_every_edition_so_far() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    // A site template that shows what a chart of the series would draw from.
    write(
        dir.path(),
        "templates/partials/section-figures.html",
        "{% for r in page.records %}{% if r.editions %}<pre id=\"editions-{{ r.anchor }}\">{% for e in r.editions %}{{ e.label }}:{% for row in e.rows %}{{ row.programme }}={{ row.amount }};{% endfor %}|{% endfor %}</pre>{% endif %}{% endfor %}",
    );
    let out = run(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let de = read(dir.path(), "public/de/2023/finance/index.html");
    assert!(
        de.contains("<pre id=\"editions-finance-grants\">GJ 2022:Saatgut=420000;Hafenreparaturen=310000;Schulungen=95500;|GJ 2023:Saatgut=460000;Hafenreparaturen=276000;Schulungen=136250;|</pre>"),
        "{de}"
    );
    // The earlier edition has no chart: it carries no series.
    let earlier = read(dir.path(), "public/de/2022/finance/index.html");
    assert!(!earlier.contains("<pre id=\"editions-"), "{earlier}");
}
