//! Charts of every kind drawn from records, checked in the SVG: kinds, counts of marks, the
//! zero baseline, round ticks, descriptions in each theme language.

use serde_json::{json, Value as Json};

use super::*;
use crate::render::Strings;

/// The default theme's chart words in `lang`.
fn words(lang: &str) -> Words {
    let dir = tempfile::tempdir().unwrap();
    let strings = Strings::load(dir.path(), None, &[lang.to_string()]).unwrap();
    Words::of(&strings, lang)
}

fn record(kind: &str, values: &[&str], rows: Json) -> Json {
    json!({
        "anchor": "r", "title": "Visitors",
        "columns": [{"key": "day", "label": "Day"}, {"key": "a", "label": "Adults"}, {"key": "b", "label": "Children"}],
        "rows": rows,
        "chart": {"kind": kind, "label": "day", "values": values}
    })
}

/// The values of attribute `name` of every element that starts with `start`.
fn attrs<'a>(svg: &'a str, start: &str, name: &str) -> Vec<&'a str> {
    svg.match_indices(start)
        .filter_map(|(i, _)| {
            let tag = &svg[i..i + svg[i..].find('>').unwrap()];
            let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(&tag[at..at + tag[at..].find('"').unwrap()])
        })
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap()
}

#[test]
fn bars_scale_to_the_largest_value_as_before() {
    let record = json!({
        "anchor": "amr-phase", "title": "開発段階別",
        "columns": [{"key": "phase", "label": "段階"}, {"key": "n", "label": "件数"}],
        "rows": [{"phase": "基礎", "n": 10}, {"phase": "臨床", "n": 5}],
        "chart": {"label": "phase", "values": ["n"]}
    });
    let svg = render(&record, &words("ja")).unwrap();
    assert!(svg.contains("<title id=\"amr-phase-chart-title\">開発段階別</title>"));
    assert!(svg.contains("role=\"img\" aria-labelledby=\"amr-phase-chart-title\" aria-describedby=\"amr-phase-chart-desc\""));
    assert_eq!(
        attrs(&svg, "<rect class=\"chart-bar chart-series-0\"", "width"),
        ["304.0", "152.0"]
    );
    assert_eq!(
        attrs(&svg, "<rect class=\"chart-bar chart-series-0\"", "x"),
        ["0", "0"]
    );
    assert!(svg.contains("<desc id=\"amr-phase-chart-desc\">2項目の横棒グラフ。件数：最大は「基礎」（10）、最小は「臨床」（5）。</desc>"), "{svg}");
}

#[test]
fn a_negative_bar_runs_left_of_the_zero_line() {
    let rows = json!([{"day": "Mon", "a": 120}, {"day": "Tue", "a": -40}]);
    let svg = render(&record("bar", &["a"], rows), &words("en")).unwrap();
    let xs: Vec<f64> = attrs(&svg, "<rect class=\"chart-bar", "x")
        .into_iter()
        .map(num)
        .collect();
    let widths: Vec<f64> = attrs(&svg, "<rect class=\"chart-bar", "width")
        .into_iter()
        .map(num)
        .collect();
    let zero = num(attrs(&svg, "<line class=\"chart-axis\"", "x1")[0]) - 0.5;
    assert!(zero > 0.0);
    assert_eq!(xs[0], zero, "the positive bar starts at zero");
    assert!(
        (xs[1] + widths[1] - zero).abs() < 0.2,
        "the negative bar ends at zero: {xs:?} {widths:?}"
    );
    assert!(
        (widths[0] / widths[1] - 3.0).abs() < 0.05,
        "lengths in proportion"
    );
    assert!(svg.contains(">-40</text>"));
    assert!(
        svg.contains("Adults: highest “Mon” (120), lowest “Tue” (-40)."),
        "{svg}"
    );
}

#[test]
fn columns_stand_on_a_zero_line_with_round_ticks_and_negatives_below() {
    let rows = json!([{"day": "Mon", "a": 120}, {"day": "Tue", "a": -40}, {"day": "Wed", "a": 75}]);
    let svg = render(&record("column", &["a"], rows), &words("en")).unwrap();
    assert!(svg.starts_with("<svg class=\"chart chart--column\""));
    let ticks: Vec<String> = svg
        .match_indices("class=\"chart-tick\"")
        .map(|(i, _)| {
            let s = &svg[i..];
            s[s.find('>').unwrap() + 1..s.find('<').unwrap()].to_string()
        })
        .collect();
    assert_eq!(ticks, ["-50", "0", "50", "100", "150"]);
    let ys: Vec<f64> = attrs(&svg, "<rect class=\"chart-bar", "y")
        .into_iter()
        .map(num)
        .collect();
    let hs: Vec<f64> = attrs(&svg, "<rect class=\"chart-bar", "height")
        .into_iter()
        .map(num)
        .collect();
    assert_eq!(ys.len(), 3, "one column per row");
    let zero = num(attrs(&svg, "<line class=\"chart-axis\"", "y1")[0]);
    assert!((ys[0] + hs[0] - zero).abs() < 1.0, "Mon rises from zero");
    assert!(
        (ys[1] - zero).abs() < 1.0 && ys[1] > ys[0],
        "Tue hangs below zero"
    );
    assert!((hs[0] / hs[1] - 3.0).abs() < 0.05);
}

#[test]
fn a_line_has_a_marker_per_point_a_legend_and_a_trend() {
    let rows = json!([{"day": "2019", "a": 10, "b": 4}, {"day": "2020", "a": 14, "b": 4}, {"day": "2021", "a": 9, "b": 7}]);
    let svg = render(&record("line", &["a", "b"], rows), &words("en")).unwrap();
    assert_eq!(
        svg.matches("<polyline class=\"chart-line").count(),
        2 + 2,
        "two lines and two legend swatches"
    );
    // Three points per series plus one marker per legend entry, each series its own shape.
    assert_eq!(svg.matches("chart-marker chart-series-0").count(), 3 + 1);
    assert_eq!(svg.matches("chart-marker chart-series-1").count(), 3 + 1);
    assert!(svg.contains("<circle class=\"chart-marker chart-series-0\""));
    assert!(svg.contains("<rect class=\"chart-marker chart-series-1\""));
    assert!(
        svg.contains("stroke-dasharray"),
        "the second line is dashed"
    );
    assert!(svg.contains(">Children</text>"), "legend");
    assert!(
        svg.contains("Adults fell from 10 in “2019” to 9 in “2021”, down 1."),
        "{svg}"
    );
    assert!(svg.contains("Children rose from 4 in “2019” to 7 in “2021”, up 3."));
}

#[test]
fn stacked_bars_and_columns_add_up_their_parts_with_patterns() {
    let rows = json!([{"day": "Mon", "a": 30, "b": 10}, {"day": "Tue", "a": 20, "b": 20}]);
    for kind in ["stacked-bar", "stacked-column"] {
        let svg = render(&record(kind, &["a", "b"], rows.clone()), &words("en")).unwrap();
        assert_eq!(
            svg.matches("<rect class=\"chart-bar chart-series-0\"")
                .count(),
            2 + 1,
            "{kind}"
        );
        assert_eq!(
            svg.matches("fill=\"url(#r-pattern-1)\"").count(),
            2 + 1,
            "{kind}"
        );
        assert!(svg.contains("<pattern id=\"r-pattern-1\""));
        assert!(svg.contains(">40</text>"), "the total: {svg}");
        assert!(
            svg.contains("Totals: highest “Mon”, “Tue” (40), lowest “Mon”, “Tue” (40)."),
            "{svg}"
        );
    }
}

#[test]
fn a_donut_has_a_slice_per_row_labelled_with_value_and_share() {
    let record = json!({
        "anchor": "amr", "title": "研究の性格",
        "columns": [{"key": "c", "label": "研究の性格"}, {"key": "n", "label": "課題数"}],
        "rows": [{"c": "医薬品、医療機器、診断", "n": 24}, {"c": "実態把握、病態解明", "n": 24}, {"c": "基盤整備その他", "n": 8}],
        "chart": {"kind": "donut", "label": "c", "values": ["n"]}
    });
    let svg = render(&record, &words("ja")).unwrap();
    assert_eq!(svg.matches("chart-slice").count(), 3);
    assert!(
        svg.contains(">24 (43%)</text>") && svg.contains(">8 (14%)</text>"),
        "{svg}"
    );
    assert!(svg.contains(">56</text>"), "the total in the middle");
    assert!(svg.contains("合計56の内訳を3区分で示すドーナツグラフ。最も大きいのは「医薬品、医療機器、診断」、「実態把握、病態解明」（24、43%）、最も小さいのは「基盤整備その他」（8、14%）。"), "{svg}");
    let en = render(&record, &words("en")).unwrap();
    assert!(en.contains("Donut chart of 3 shares of a total of 56."));
}

#[test]
fn every_theme_language_describes_a_chart_in_its_own_words() {
    let rows = json!([{"day": "2019", "a": 10}, {"day": "2021", "a": 16}]);
    let expected = [
        ("en", "Line chart over 2 points. Adults: highest “2021” (16), lowest “2019” (10). Adults rose from 10 in “2019” to 16 in “2021”, up 6."),
        ("ja", "2時点の折れ線グラフ。Adults：最大は「2021」（16）、最小は「2019」（10）。Adultsは「2019」の10から「2021」の16へ6増加。"),
        ("zh-Hans", "折线图，共2个时间点。Adults：最高为“2021”（16），最低为“2019”（10）。Adults从“2019”的10增至“2021”的16，增加6。"),
        ("ko", "2개 시점의 꺾은선 그래프. Adults: 최고 ‘2021’(16), 최저 ‘2019’(10). Adults: ‘2019’ 10에서 ‘2021’ 16(으)로 6 증가."),
    ];
    for (lang, desc) in expected {
        let svg = render(&record("line", &["a"], rows.clone()), &words(lang)).unwrap();
        assert!(
            svg.contains(&format!("<desc id=\"r-chart-desc\">{desc}</desc>")),
            "{lang}: {svg}"
        );
    }
}

#[test]
fn long_labels_wrap_within_the_drawing() {
    let long = "Regenerative medicine, cell therapy and gene therapy projects started this year";
    let rows = json!([{"day": long, "a": 3}, {"day": "とても長いラベル".repeat(6), "a": 5}]);
    for kind in ["bar", "column", "donut"] {
        let svg = render(&record(kind, &["a"], rows.clone()), &words("en")).unwrap();
        let labels = svg.matches("class=\"chart-label\"").count()
            + svg.matches("class=\"chart-legend\"").count();
        assert!(
            labels >= 4,
            "{kind}: the labels take several lines ({labels})"
        );
        for line in svg
            .split("</text>")
            .filter_map(|t| t.rsplit_once('>').map(|(_, l)| l))
        {
            assert!(text::width(line) <= WIDTH, "{kind}: {line}");
        }
    }
}

#[test]
fn what_a_kind_cannot_draw_is_explained() {
    let rows = json!([{"day": "Mon", "a": 3, "b": 1}]);
    let err = render(&record("donut", &["a", "b"], rows.clone()), &words("en")).unwrap_err();
    assert!(
        err.contains("one whole") && err.contains("values = [\"projects\"]"),
        "{err}"
    );
    let err = render(&record("line", &["a"], rows), &words("en")).unwrap_err();
    assert!(err.contains("at least two rows"), "{err}");
    let rows = json!([{"day": "Mon", "a": 3, "b": -1}]);
    let err = render(&record("stacked-bar", &["a", "b"], rows), &words("en")).unwrap_err();
    assert!(err.contains("cannot be negative"), "{err}");
    let err = render(&record("pie", &["a"], json!([])), &words("en")).unwrap_err();
    assert!(err.contains("\"donut\""), "{err}");
    let bad = json!({"rows": [{"a": "x", "b": "many"}], "chart": {"label": "a", "values": ["b"]}});
    assert!(render(&bad, &words("en"))
        .unwrap_err()
        .contains("is not a number"));
}

#[test]
fn numbers_are_formatted_in_one_place() {
    assert_eq!(format_number(1234567.0), "1,234,567");
    assert_eq!(format_number(-12.5), "-12.5");
}

#[test]
fn labels_too_long_for_their_slot_slant_rather_than_split_mid_word() {
    let months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let rows: Vec<Json> = months
        .iter()
        .enumerate()
        .map(|(i, m)| json!({"day": m, "a": i * 10}))
        .collect();
    let svg = render(&record("column", &["a"], Json::Array(rows)), &words("en")).unwrap();
    assert_eq!(svg.matches("transform=\"rotate(-45").count(), 12, "{svg}");
    for m in months {
        assert!(svg.contains(&format!(">{m}</text>")), "{m} whole");
    }
    let rows = json!([{"day": "Q1", "a": 1}, {"day": "Q2", "a": 2}]);
    let svg = render(&record("column", &["a"], rows), &words("en")).unwrap();
    assert!(!svg.contains("rotate("), "short labels stand upright");
    let rows: Vec<Json> = (1..=12)
        .map(|m| json!({"day": format!("{m}月"), "a": m}))
        .collect();
    let svg = render(&record("column", &["a"], Json::Array(rows)), &words("ja")).unwrap();
    assert!(
        !svg.contains("rotate("),
        "CJK labels wrap between characters"
    );
}
