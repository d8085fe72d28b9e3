//! Tests of the index stage as a whole: the golden tokenizer fixture the client is checked
//! against, and the files of an index.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::pipeline::{self, Flavour};
use super::tokenize::{tokenize, TOKENIZER};
use super::*;

/// Strings whose tokens the JavaScript client must reproduce exactly
/// (`tests/browser/tokenizer.test.mjs` reads the fixture this test keeps up to date).
const FIXTURE_STRINGS: &[&str] = &[
    "強皮症",
    "全身性強皮症に対してリツキシマブが承認",
    "ゲノム",
    "ゲノム・データ基盤",
    "ゲノム医療",
    "iPS細胞",
    "ｉＰＳ細胞",
    "ＩＰＳ",
    "抗菌薬",
    "ワクチン",
    "医師主導治験",
    "ＡＭＥＤ",
    "AMED",
    "amed",
    "ｱﾒﾄﾞ",
    "ｶﾞﾝ ｹﾞﾉﾑ",
    "令和３年度に15件の承認を達成した。（令和3年３月時点）",
    "COVID-19",
    "ＣＯＶＩＤ－１９",
    "SARS-CoV-2",
    "新型コロナウイルス感染症（COVID-19）",
    "β細胞",
    "抗HER2薬",
    "唾液腺癌",
    "①②③",
    "Ⅱ相",
    "第II相臨床試験",
    "㈱",
    "㍻",
    "ℳ",
    "々",
    "一つ一つ",
    "〇",
    "ヴァ",
    "ゟ",
    "ㇰ",
    "𠮷野家",
    "\u{3099}",
    "approvals",
    "Approved",
    "approval",
    "APPROVING",
    "The studies were conducted by AMED's researchers",
    "children’s hospitals",
    "rock'n'roll",
    "don't",
    "'quoted'",
    "state-of-the-art",
    "e.g. i.e.",
    "naïve café résumé",
    "Straße",
    "ΣΊΣΥΦΟΣ",
    "İstanbul",
    "ǅ",
    "ﬁnance",
    "x²",
    "1,234.5 mg/kg",
    "10%",
    "2021-03-31",
    "<img src=x onerror=alert(1)>",
    "a\u{00A0}b\u{2003}c\u{3000}d",
    "tab\there",
    "line\nbreak",
    "",
    "   ",
    "antimicrobial resistance (AMR)",
    "regenerative medicine",
    "vaccines",
    "generalization",
    "generalizations",
    "oscillators",
    "hopefulness",
    "conditional",
    "relational",
    "triplicate",
    "happily",
    "sky",
    "skies",
    "agreed",
    "feed",
    "bled",
    "hoping",
    "filing",
    "coding",
    "yearly",
    "apology",
    "lay",
    "stay",
    "saying",
    "sized",
    "troubled",
    "hissing",
    "falling",
    "matting",
    "mating",
    "controlling",
    "electricity",
    "effective",
    "predication",
    "knives",
    "ion",
    "by",
    "a",
    "I",
    "ies",
    "eed",
    "ed",
    "ing",
    "s",
    "ss",
    "ational",
    "izer",
    "ousness",
    "alli",
    "enci",
    "anci",
    "abli",
    "entli",
    "eli",
    "ousli",
    "ization",
    "ation",
    "ator",
    "alism",
    "iveness",
    "fulness",
    "aliti",
    "iviti",
    "biliti",
    "logi",
    "icate",
    "ative",
    "alize",
    "iciti",
    "ical",
    "ful",
    "ness",
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "sion",
    "tion",
    "ou",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
    "rate",
    "roll",
    "cease",
    "controll",
    "y",
    "yy",
    "ya",
    "yes",
    "toy",
    "toys",
    "_under_score_",
    "__",
    "a_b",
    "Ⅻ",
    "½",
    "٣",
    "१२३",
    "한국어 검색",
    "中文搜索",
    "🙂 emoji",
    "ガン がん ｶﾞﾝ",
    "コンピューター コンピュータ",
    "ウィルス ウイルス ヴァイオリン",
    "吉崎 歩",
    "吉崎　歩",
    "吉崎・歩",
    "ゲノム･データ",
    "2,964",
    "２，９６４",
    "2,964件",
    "1,2",
    "a, 2",
    "tumour tumor tumours",
    "organisation organization organised",
    "anaemia anemia",
    "oestrogen diarrhoea foetus",
    "analyse analysing",
    "catalogue catalogues",
    "centre centres fibre",
    "behaviour colourful favourite honourable",
    "four hour wise",
    "ーー",
    "ぁぃぅぇぉっゃゅょゎゕゖ",
    "ヵヶヽヾ",
    "岩﨑PD 髙橋 渡邊 𠮷野 醫療機器開發 藥劑耐性 腦梗塞",
    "唾液線癌 神経芽種",
];

fn piped(lang: &str, flavour: Flavour, text: &str) -> Vec<String> {
    let p = pipeline::pipeline(lang, flavour);
    tokenize(text)
        .iter()
        .filter_map(|t| pipeline::run(&p, t))
        .collect()
}

fn fixture_json() -> String {
    // Every old or variant kanji form, in a run of its own and between standard ones.
    let variants: String = super::tokenize::kanji_variant_pairs()
        .map(|(from, _)| from)
        .collect();
    let between: String = super::tokenize::kanji_variant_pairs()
        .map(|(from, _)| format!("医{from}療"))
        .collect();
    let cases: Vec<Value> = FIXTURE_STRINGS
        .iter()
        .copied()
        .chain([variants.as_str(), between.as_str()])
        .map(|s| {
            serde_json::json!({
                "text": s,
                "tokens": tokenize(s),
                "en": piped("en", Flavour::Site, s),
                "en_elasticlunr": piped("en", Flavour::Elasticlunr, s),
                "ja": piped("ja", Flavour::Site, s),
                "alias_key_en": alias_key("en", s),
                "alias_key_ja": alias_key("ja", s),
            })
        })
        .collect();
    let mut json = serde_json::to_string_pretty(&serde_json::json!({
        "tokenizer": TOKENIZER,
        "pipelines": {
            "en": pipeline::pipeline("en", Flavour::Site).queue.iter().map(|f| f.name()).collect::<Vec<_>>(),
            "en_elasticlunr": pipeline::pipeline("en", Flavour::Elasticlunr).queue.iter().map(|f| f.name()).collect::<Vec<_>>(),
            "ja": pipeline::pipeline("ja", Flavour::Site).queue.iter().map(|f| f.name()).collect::<Vec<_>>(),
        },
        "cases": cases,
    }))
    .unwrap();
    json.push('\n');
    json
}

/// The golden fixture must match what this tokenizer produces. Regenerate with
/// `UPDATE_SEARCH_FIXTURE=1 cargo test --release --lib search::`.
#[test]
fn token_fixture_is_up_to_date() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/browser/fixtures/tokens.json"
    );
    let expected = fixture_json();
    if std::env::var_os("UPDATE_SEARCH_FIXTURE").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "{path} is out of date: run UPDATE_SEARCH_FIXTURE=1 cargo test --release --lib search:: and check the diff"
    );
}

/// The client's copy of the kanji variants is the tokenizer's table, pair for pair.
#[test]
fn the_client_folds_the_same_kanji_variants() {
    let client = include_str!("../../themes/default/static/search.js");
    let start = client
        .find("var KANJI_VARIANTS = '")
        .expect("the client's table")
        + 22;
    let table = &client[start..start + client[start..].find('\'').expect("its end")];
    let pairs: String = super::tokenize::kanji_variant_pairs()
        .flat_map(|(from, to)| [from, to])
        .collect();
    assert_eq!(table, pairs);
}

#[test]
fn fixture_strings_are_unique() {
    let set: BTreeSet<&&str> = FIXTURE_STRINGS.iter().collect();
    assert_eq!(set.len(), FIXTURE_STRINGS.len());
}

fn sample_pages() -> Vec<SearchPage<'static>> {
    let section = |id: Option<&'static str>, heading: &'static str, body: &'static str| Section {
        id: id.map(Cow::Borrowed),
        heading: Cow::Borrowed(heading),
        body: Cow::Borrowed(body),
    };
    vec![
        SearchPage {
            url: "ja/pharmaceuticals/approvals/index.html",
            title: "承認事例",
            section: "医薬品プロジェクト",
            sections: vec![
                section(None, "", "令和３年度に15件の承認"),
                section(Some("ssc"), "全身性強皮症", "リツキシマブが承認"),
            ],
        },
        SearchPage {
            url: "ja/index.html",
            title: "ホーム",
            section: "",
            sections: vec![section(None, "", "AMED の年報 \u{2028}")],
        },
    ]
}

fn files_of(pages: &[SearchPage]) -> BTreeMap<String, String> {
    build_index(
        "ja",
        pages,
        &BTreeMap::new(),
        "search/ja",
        SearchFormat::Sharded,
    )
    .unwrap()
    .into_iter()
    .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
    .collect()
}

/// The JSON a script registers, checking it registers under its own path.
fn registered(path: &str, js: &str) -> Value {
    let key = path.strip_suffix(".js").unwrap();
    let head = format!("nenpoSearch({},", serde_json::to_string(key).unwrap());
    let json = js
        .strip_prefix(&head)
        .and_then(|s| s.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("{path}: {js}"));
    serde_json::from_str(json).unwrap()
}

#[test]
fn the_index_is_meta_term_shards_and_bundles_of_fragments() {
    let files = files_of(&sample_pages());
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["search/ja/f/0.js", "search/ja/meta.js", "search/ja/t/0.js"]
    );
    let meta = registered("search/ja/meta.js", &files["search/ja/meta.js"]);
    assert_eq!(meta["format"], format::FORMAT);
    assert_eq!(meta["tokenizer"], TOKENIZER);
    assert_eq!(meta["pages"], 2);
    assert_eq!(meta["shards"].as_array().unwrap().len(), 1);
    // Pages are numbered in URL order: ja/index.html first.
    // Two small pages make one bundle (which could hold more).
    assert!(meta["bundle"].as_u64().unwrap() >= 2, "{meta}");
    let bundle = registered("search/ja/f/0.js", &files["search/ja/f/0.js"]);
    let home = &bundle[0];
    assert_eq!(home["url"], "ja/index.html");
    assert!(files["search/ja/f/0.js"].contains("\\u2028"));
    let approvals = &bundle[1];
    assert_eq!(
        approvals["chunks"],
        serde_json::json!([
            ["", "", "令和３年度に15件の承認"],
            ["ssc", "全身性強皮症", "リツキシマブが承認"]
        ])
    );
    let terms = registered("search/ja/t/0.js", &files["search/ja/t/0.js"]);
    // 承認 is on page 1 only (gap-encoded from 0: "1", then its weight).
    assert!(terms["承認"].as_str().unwrap().starts_with('1'), "{terms}");
    // The section title is indexed, the page's title too.
    assert!(
        terms.get("医薬").is_some() && terms.get("ほむ").is_some(),
        "{terms}"
    );
}

#[test]
fn output_is_deterministic_and_independent_of_input_order() {
    let pages = sample_pages();
    let mut reversed = sample_pages();
    reversed.reverse();
    assert_eq!(files_of(&pages), files_of(&pages));
    assert_eq!(files_of(&pages), files_of(&reversed));
}

#[test]
fn rejects_duplicate_urls_and_bad_language_codes() {
    let mut pages = sample_pages();
    pages[1].url = pages[0].url;
    let err = build_index(
        "ja",
        &pages,
        &BTreeMap::new(),
        "search/ja",
        SearchFormat::Sharded,
    )
    .unwrap_err();
    assert!(err.contains("two pages"), "{err}");
    assert!(build_index("j\"a", &[], &BTreeMap::new(), "x", SearchFormat::Sharded).is_err());
}

#[test]
fn the_elasticlunr_index_is_written_on_request() {
    let files = build_index(
        "ja",
        &sample_pages(),
        &BTreeMap::new(),
        "search/ja",
        SearchFormat::Elasticlunr,
    )
    .unwrap();
    let (_, json) = files
        .iter()
        .find(|(path, _)| path == "search/ja/elasticlunr.json")
        .expect("elasticlunr.json");
    let json: Value = serde_json::from_slice(json).unwrap();
    assert_eq!(json["documentStore"]["length"], 3);
}

#[test]
fn big_shards_split_at_term_boundaries() {
    let words: Vec<String> = (0..4000).map(|i| format!("w{i:04}x")).collect();
    let body = words.join(" ");
    let page = SearchPage {
        url: "en/a/index.html",
        title: "A",
        section: "",
        sections: vec![Section {
            id: None,
            heading: Cow::Borrowed(""),
            body: Cow::Owned(body),
        }],
    };
    let files: BTreeMap<String, String> =
        build_index("en", &[page], &BTreeMap::new(), "s", SearchFormat::Sharded)
            .unwrap()
            .into_iter()
            .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
            .collect();
    let meta = registered("s/meta.js", &files["s/meta.js"]);
    let bounds: Vec<&str> = meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert!(bounds.len() > 1, "{bounds:?}");
    let mut seen = 0;
    for (n, bound) in bounds.iter().enumerate() {
        let path = format!("s/t/{n}.js");
        let shard = registered(&path, &files[&path]);
        let terms: Vec<&String> = shard.as_object().unwrap().keys().collect();
        assert!(terms.iter().all(|t| t.as_str() >= *bound));
        if let Some(next) = bounds.get(n + 1) {
            assert!(terms.iter().all(|t| t.as_str() < *next));
        }
        seen += terms.len();
    }
    assert_eq!(seen, 4000);
}

#[test]
fn fragments_are_bundled_into_at_most_about_a_thousand_files() {
    let text = "本文".repeat(2000);
    let urls: Vec<String> = (0..3000)
        .map(|n| format!("ja/p{n:05}/index.html"))
        .collect();
    let pages: Vec<SearchPage> = urls
        .iter()
        .map(|url| SearchPage {
            url,
            title: "題",
            section: "",
            sections: vec![Section {
                id: None,
                heading: Cow::Borrowed(""),
                body: Cow::Borrowed(&text),
            }],
        })
        .collect();
    let order: Vec<&SearchPage> = pages.iter().collect();
    // 3,000 pages of 12 KB: more than 8 KB each, so a bundle of one page would do, but a
    // thousand files at most means three pages a bundle.
    assert_eq!(format::bundle_size(&order), 3);
    assert_eq!(format::bundle_size(&order[..50]), 1);
    let files = format::fragments("s", &order[..7], 3);
    assert_eq!(files.len(), 3);
    let last = registered("s/f/2.js", std::str::from_utf8(&files[2].1).unwrap());
    assert_eq!(last.as_array().unwrap().len(), 1);
}

#[test]
fn a_record_row_is_searched_as_its_cells_in_column_order_with_their_labels() {
    let record = serde_json::json!({
        "title": "Expenses",
        "note": "Figures in yen.",
        "reference_pages": [3, 4],
        "columns": [
            { "key": "item", "label": "Item" },
            { "key": "events", "label": "Events", "numeric": true },
            { "key": "remuneration", "label": "Remuneration", "numeric": true },
            { "key": "share", "label": "Share" },
        ],
        "rows": [
            { "share": "8.70%", "remuneration": 5000, "item": "Travel", "events": 10500 },
            { "item": "Books", "events": 12.5, "remuneration": null },
        ],
    });
    let mut words = Vec::new();
    record_text(&record, &mut words);
    // serde_json keeps object keys sorted: the order comes from `columns`, not the rows.
    assert_eq!(
        words,
        [
            "Figures in yen.",
            "Item: Travel · Events: 10,500 · Remuneration: 5,000 · Share: 8.70%",
            "Item: Books · Events: 12.5",
        ]
    );
}
