//! The search index of a built site: a copy of `tests/fixtures/basic` (changed as each case
//! needs) built by the real binary, and what its index files hold.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod cli_support;
use cli_support::basic_site;

fn build(dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .arg("build")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn append(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    let mut s = std::fs::read_to_string(&path).unwrap();
    s.push_str(text);
    std::fs::write(path, s).unwrap();
}

/// What `public/<key>.js` registers, checking it registers under its own key.
fn registered(dir: &Path, key: &str) -> Value {
    let js = std::fs::read_to_string(dir.join("public").join(format!("{key}.js"))).unwrap();
    let head = format!("nenpoSearch({},", serde_json::to_string(key).unwrap());
    let json = js
        .strip_prefix(&head)
        .and_then(|s| s.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("{key}.js: {js}"));
    serde_json::from_str(json).unwrap()
}

/// The fragment of the page whose URL is `url`.
fn fragment(dir: &Path, lang: &str, url: &str) -> Value {
    let meta = registered(dir, &format!("search/{lang}/meta"));
    let bundles = meta["pages"]
        .as_u64()
        .unwrap()
        .div_ceil(meta["bundle"].as_u64().unwrap());
    (0..bundles)
        .flat_map(|n| {
            registered(dir, &format!("search/{lang}/f/{n}"))
                .as_array()
                .unwrap()
                .clone()
        })
        .find(|f| f["url"] == url)
        .unwrap_or_else(|| panic!("no fragment for {url}"))
}

#[test]
fn pages_text_comes_from_the_model_section_by_section_with_records() {
    let dir = basic_site();
    build(dir.path());
    let page = fragment(dir.path(), "ja", "ja/projects/pharma/index.html");
    assert_eq!(page["title"], "医薬品プロジェクト");
    let chunks = page["chunks"].as_array().unwrap();
    let ids: Vec<&str> = chunks.iter().map(|c| c[0].as_str().unwrap()).collect();
    assert_eq!(ids, ["概要", "approvals", "概要-2", "projects-approvals"]);
    // Inline mark-up does not split words; the table's cells and the footnote are text; the
    // footnote's reference mark and the link's URL are not.
    assert_eq!(chunks[0][2], "AMRの研究を進める。AMRは重要である。");
    assert_eq!(chunks[1][2], "薬 件数 A 15 旧 新 注記");
    assert_eq!(chunks[2][2], "デバイス");
    // A record: its title as the heading, its texts and numbers as the body.
    assert_eq!(chunks[3][1], "承認事例");
    let record = chunks[3][2].as_str().unwrap();
    assert!(
        record.contains("ジヌツキシマブ") && record.contains("15"),
        "{record}"
    );
    assert!(
        !record.contains("drug") && !record.contains('3'),
        "settings are not text: {record}"
    );
}

#[test]
fn glossary_aliases_lead_to_the_term_in_either_language() {
    let dir = basic_site();
    append(
        dir.path(),
        "content/glossary/terms.toml",
        "aliases = [\"drug resistance\", \"耐性菌\"]\n",
    );
    build(dir.path());
    let en = registered(dir.path(), "search/en/meta");
    assert_eq!(
        en["aliases"]["drug resist"],
        serde_json::json!(["antimicrobial resistance", "AMR"]),
        "{en}"
    );
    // The Japanese name finds the English term in the English index, and the other way round.
    assert_eq!(
        en["aliases"]["薬剤 剤耐 耐性 性"],
        serde_json::json!(["antimicrobial resistance", "AMR"])
    );
    let ja = registered(dir.path(), "search/ja/meta");
    assert_eq!(
        ja["aliases"]["耐性 性菌 菌"],
        serde_json::json!(["薬剤耐性", "AMR"]),
        "{ja}"
    );
    assert_eq!(
        ja["aliases"]["antimicrobial resistance"],
        serde_json::json!(["薬剤耐性", "AMR"])
    );
    // The term's own name leads to its abbreviation only.
    assert_eq!(
        ja["aliases"]["薬剤 剤耐 耐性 性"],
        serde_json::json!(["AMR"])
    );
}

#[test]
fn an_elasticlunr_index_is_written_when_asked_for() {
    let dir = basic_site();
    build(dir.path());
    assert!(!dir
        .path()
        .join("public/search/ja/elasticlunr.json")
        .exists());
    append(
        dir.path(),
        "config.toml",
        "\n[search]\nformat = \"elasticlunr\"\n",
    );
    build(dir.path());
    for lang in ["ja", "en"] {
        let json: Value = serde_json::from_str(
            &std::fs::read_to_string(
                dir.path()
                    .join(format!("public/search/{lang}/elasticlunr.json")),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(json["ref"], "id");
        assert!(json["documentStore"]["length"].as_u64().unwrap() > 3);
        // The theme's sharded index is still there.
        assert!(dir
            .path()
            .join(format!("public/search/{lang}/meta.js"))
            .exists());
    }
}
