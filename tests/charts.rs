//! The chart fixture (tests/fixtures/charts: a made-up kite club, one record per chart kind, in
//! ja and en) built end to end: every kind is drawn as an accessible SVG, described in each
//! language, with its table beside it; bars, points and slices counted; negative values below
//! or left of the zero line; round ticks.

use std::path::Path;
use std::process::Command;

fn build() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/charts");
    let run = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

/// The `<svg>` of record `anchor`'s chart on the page.
fn svg<'a>(html: &'a str, anchor: &str) -> &'a str {
    let start = html
        .find(&format!("aria-labelledby=\"{anchor}-chart-title\""))
        .unwrap_or_else(|| panic!("no chart {anchor}"));
    let start = html[..start].rfind("<svg").unwrap();
    &html[start..start + html[start..].find("</svg>").unwrap() + 6]
}

fn numbers_of(svg: &str, element: &str, attr: &str) -> Vec<f64> {
    svg.match_indices(element)
        .filter_map(|(i, _)| {
            let tag = &svg[i..i + svg[i..].find('>').unwrap()];
            let at = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
            tag[at..at + tag[at..].find('"').unwrap()].parse().ok()
        })
        .collect()
}

fn texts(svg: &str, class: &str) -> Vec<String> {
    svg.match_indices(&format!("class=\"{class}\""))
        .map(|(i, _)| {
            let s = &svg[i..];
            s[s.find('>').unwrap() + 1..s.find("</text>").unwrap()].to_string()
        })
        .collect()
}

#[test]
fn every_kind_is_drawn_described_and_beside_its_table() {
    let out = build();
    let page = |lang: &str| {
        std::fs::read_to_string(
            out.path()
                .join(format!("public/{lang}/finances/index.html")),
        )
        .unwrap()
    };
    let (en, ja) = (page("en"), page("ja"));
    let kinds = [
        ("finances-members", "line"),
        ("finances-quarterly-result", "column"),
        ("finances-branch-change", "bar"),
        ("finances-volunteer-hours", "stacked-bar"),
        ("finances-income", "stacked-column"),
        ("finances-spending", "donut"),
    ];
    for (anchor, kind) in kinds {
        for html in [&en, &ja] {
            let svg = svg(html, anchor);
            assert!(
                svg.starts_with(&format!("<svg class=\"chart chart--{kind}\"")),
                "{svg}"
            );
            assert!(svg.contains("role=\"img\""));
            assert!(svg.contains(&format!("aria-describedby=\"{anchor}-chart-desc\"")));
            assert!(
                html.contains(&format!("<table id=\"{anchor}\">")),
                "the table stays"
            );
        }
        println!("{kind}: {} bytes (en)", svg(&en, anchor).len());
    }

    // A line: six points per series, two series; the trend in words.
    let line = svg(&en, "finances-members");
    assert_eq!(line.matches("chart-marker chart-series-0").count(), 6 + 1);
    assert_eq!(line.matches("chart-marker chart-series-1").count(), 6 + 1);
    assert!(
        line.contains("Adults rose from 120 in “2018” to 151 in “2023”, up 31."),
        "{line}"
    );
    assert!(svg(&ja, "finances-members").contains("子どもは「2018」の45から「2023」の70へ25増加。"));

    // Columns: four, the second below the zero line; round ticks.
    let column = svg(&en, "finances-quarterly-result");
    let ys = numbers_of(column, "<rect class=\"chart-bar", "y");
    let zero = numbers_of(column, "<line class=\"chart-axis\"", "y1")[0];
    assert_eq!(ys.len(), 4);
    assert!(
        ys[1] >= zero - 1.0 && ys[0] < zero && ys[2] < zero,
        "{ys:?} {zero}"
    );
    assert_eq!(
        texts(column, "chart-tick"),
        ["-100,000", "0", "100,000", "200,000", "300,000"]
    );
    assert!(column.contains("Result: highest “Q4” (231,000), lowest “Q2” (-64,000)."));

    // Bars: the negative one ends at the zero line.
    let bar = svg(&en, "finances-branch-change");
    let xs = numbers_of(bar, "<rect class=\"chart-bar", "x");
    let ws = numbers_of(bar, "<rect class=\"chart-bar", "width");
    let zero = numbers_of(bar, "<line class=\"chart-axis\"", "x1")[0] - 0.5;
    assert!(
        (xs[1] + ws[1] - zero).abs() < 0.2 && xs[0] == zero,
        "{xs:?} {ws:?}"
    );
    // The long branch name wraps onto lines of its own, never cut.
    assert!(texts(bar, "chart-label").len() >= 5);

    // Stacked bars: three rows of three parts, the second and third patterned; totals.
    let stacked = svg(&en, "finances-volunteer-hours");
    assert_eq!(
        stacked
            .matches("<rect class=\"chart-bar chart-series-0\"")
            .count(),
        3 + 1
    );
    assert_eq!(
        stacked
            .matches("fill=\"url(#finances-volunteer-hours-pattern-2)\"")
            .count(),
        3 + 1
    );
    assert!(texts(stacked, "chart-value") == ["520", "375", "350"]);
    assert!(stacked.contains("Totals: highest “North Cape” (520), lowest “Old Harbour” (350)."));
    let columns = svg(&ja, "finances-income");
    assert!(
        columns.contains("合計：最大は「2023」（1,270）、最小は「2021」（930）。"),
        "{columns}"
    );

    // A donut: five slices, each labelled with its value and share.
    let donut = svg(&en, "finances-spending");
    assert_eq!(donut.matches("chart-slice").count(), 5);
    assert!(donut.contains(">380 (36%)</text>") && donut.contains(">45 (4%)</text>"));
    assert!(donut.contains("Largest share: “Materials (bamboo, paper, string)”, 380 (36%); smallest: “Office costs”, 45 (4%)."));
    assert!(svg(&ja, "finances-spending").contains("合計1,070の内訳を5区分で示すドーナツグラフ。"));
}
