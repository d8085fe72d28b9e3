//! `nenpo translations`: on a small site and on the report, an edit of one Japanese paragraph,
//! one record text and one interface string makes exactly those English texts out of date (the
//! page gets its notice, `--check` fails); an export translated in the file as an agency would,
//! then imported, brings everything up to date. PO and XLIFF files are read back by gettext's
//! `msgfmt` and Translate Toolkit (tests/setup-system.sh installs both).

mod cli_support;
mod system_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use cli_support::{nenpo, tree};

fn run(root: &Path, args: &[&str]) -> Output {
    nenpo()
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("run nenpo")
}

fn ok(root: &Path, args: &[&str]) -> String {
    let out = run(root, args);
    assert!(
        out.status.success(),
        "nenpo {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(root: &Path, args: &[&str]) -> (String, String) {
    let out = run(root, args);
    assert!(!out.status.success(), "nenpo {args:?} should have failed");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Replaces the one occurrence of `from` in a file.
fn replace(root: &Path, rel: &str, from: &str, to: &str) {
    let text = read(root, rel);
    assert_eq!(text.matches(from).count(), 1, "`{from}` in {rel}");
    write(root, rel, &text.replacen(from, to, 1));
}

/// A tool nobody here wrote; .ci/run installs it.
fn tool(name: &str, args: &[&str]) {
    system_support::ensure();
    let out = std::process::Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (tests/setup-system.sh installs it): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The starter site of `nenpo init`, with a page of lists, links, emphasis and a table, a CSV
/// record and interface strings of its own.
fn small_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = nenpo().arg("init").arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    let root = dir.path();
    write(
        root,
        "content/activities/notes.ja.md",
        "+++\ntitle = \"覚え書き\"\nweight = 20\n+++\n\n## 公開日について\n\n- [公開日](@/activities/open-days.md)の**来場者**は\n  年々増えています。\n- 詳しくは `visitors.toml` を参照。\n\n| 項目 | 内容 |\n|---|---|\n| 回数 | 年4回 |\n",
    );
    write(
        root,
        "content/activities/notes.en.md",
        "+++\ntitle = \"Notes\"\nweight = 20\n+++\n\n## About the open days\n\n- The **visitors** of the [open days](@/activities/open-days.md)\n  grow every year.\n- See `visitors.toml` for details.\n\n| Item | Detail |\n|---|---|\n| Count | Four a year |\n",
    );
    write(
        root,
        "content/activities/partners.csv",
        "name.ja,name.en,since\n工房A,Workshop A,2020\n工房B,\"Workshop B, Ltd.\",2021\n",
    );
    write(
        root,
        "i18n/ja.toml",
        "# このサイトの言葉\n[search]\nplaceholder = \"例: 公開日\"\n",
    );
    write(
        root,
        "i18n/en.toml",
        "# This site's words\n[search]\nplaceholder = \"e.g. open days\"\n",
    );
    ok(root, &["check"]);
    dir
}

/// What `nenpo translations` says of each page or file in English: `group → description`.
fn status(root: &Path) -> Vec<(String, String)> {
    let out = run(root, &["translations", "--to", "en"]);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .map(|l| {
            let (group, rest) = l.split_once(" (").unwrap();
            let (_, description) = rest.split_once("): ").unwrap();
            (group.to_string(), description.to_string())
        })
        .collect()
}

fn out_of_date(root: &Path) -> Vec<String> {
    status(root)
        .into_iter()
        .filter(|(_, d)| !d.starts_with("up to date"))
        .map(|(g, d)| format!("{g}: {d}"))
        .collect()
}

/// Every HTML file of a built site that carries the translation notice.
fn notices(public: &Path) -> Vec<String> {
    tree(public)
        .into_iter()
        .filter(|(path, bytes)| {
            path.ends_with(".html")
                && String::from_utf8_lossy(bytes).contains("class=\"translation-notice\"")
        })
        .map(|(path, _)| path)
        .collect()
}

/// The XLIFF unit `id` translated: its target replaced by `target` and marked translated.
fn translate_xliff(xliff: &str, id: &str, target: &str) -> String {
    let unit = xliff
        .find(&format!("<trans-unit id=\"{id}\""))
        .unwrap_or_else(|| panic!("no unit {id}"));
    let start = unit + xliff[unit..].find("<target").unwrap();
    let end = start + xliff[start..].find("</target>").unwrap() + "</target>".len();
    format!(
        "{}<target state=\"translated\">{target}</target>{}",
        &xliff[..start],
        &xliff[end..]
    )
}

/// The ids of an XLIFF file's units.
fn xliff_ids(xliff: &str) -> Vec<String> {
    xliff
        .split("<trans-unit id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

/// The state of the XLIFF unit `id`.
fn xliff_state(xliff: &str, id: &str) -> String {
    let unit = xliff.find(&format!("<trans-unit id=\"{id}\"")).unwrap();
    let at = unit + xliff[unit..].find("<target state=\"").unwrap() + "<target state=\"".len();
    xliff[at..at + xliff[at..].find('"').unwrap()].to_string()
}

/// The edits of one test: (file, Japanese before, after) for a paragraph, a record text and an
/// interface string; the ids of the English units they concern; the page that gets the notice.
struct Drift<'a> {
    paragraph: (&'a str, &'a str, &'a str),
    record: (&'a str, &'a str, &'a str),
    string: (&'a str, &'a str, &'a str),
    ids: [&'a str; 3],
    groups: [&'a str; 3],
    notice: &'a str,
    /// The English translations, as XLIFF targets (inline codes as exported).
    translations: [&'a str; 3],
    /// What each shows in its English file afterwards.
    written: [(&'a str, &'a str); 3],
}

fn drift_and_translate(root: &Path, drift: &Drift) {
    assert!(
        out_of_date(root).is_empty(),
        "starts up to date: {:?}",
        out_of_date(root)
    );
    ok(root, &["translations", "--check"]);
    for (file, from, to) in [drift.paragraph, drift.record, drift.string] {
        replace(root, file, from, to);
    }
    let expected: Vec<String> = drift
        .groups
        .iter()
        .map(|g| format!("{g}: out of date: 1 of"))
        .collect();
    let found = out_of_date(root);
    assert_eq!(found.len(), 3, "{found:#?}");
    for (found, expected) in found.iter().zip(&expected) {
        assert!(found.starts_with(expected), "{found} / {expected}");
    }
    let (_, stderr) = fails(root, &["translations", "--check"]);
    assert!(stderr.contains("out of date"), "{stderr}");
    let diff = ok(root, &["translations", "diff", drift.groups[0]]);
    assert!(
        diff.contains(
            &format!("- {}", drift.paragraph.1)
                .chars()
                .take(8)
                .collect::<String>()
        ),
        "{diff}"
    );
    assert!(diff.contains(drift.paragraph.2), "{diff}");
    assert!(diff.starts_with(drift.ids[0]), "{diff}");

    // The build warns, and the notice is on exactly the English page whose original changed.
    let public = root.join("public");
    let built = run(root, &["build", "--output", "public"]);
    assert!(built.status.success(), "{built:?}");
    let warnings = String::from_utf8_lossy(&built.stderr);
    assert_eq!(
        warnings.matches("this translation is out of date").count(),
        1,
        "{warnings}"
    );
    assert_eq!(notices(&public), vec![drift.notice.to_string()]);
    let page = read(&public, drift.notice);
    assert!(page.contains("Read the original"), "{page}");

    // The agency's round trip: export, translate in the file, import.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("to-en.xlf");
    let file_arg = file.to_str().unwrap();
    ok(root, &["translations", "export", "--to", "en", file_arg]);
    let mut xliff = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        xliff.matches("state=\"needs-review-translation\"").count(),
        3,
        "exactly the three changed texts need review"
    );
    for (id, target) in drift.ids.iter().zip(drift.translations) {
        assert_eq!(xliff_state(&xliff, id), "needs-review-translation", "{id}");
        xliff = translate_xliff(&xliff, id, target);
    }
    std::fs::write(&file, &xliff).unwrap();
    let po = dir.path().join("back.po");
    tool("xliff2po", &[file_arg, po.to_str().unwrap()]);
    tool(
        "msgfmt",
        &["--check", "-o", "/dev/null", po.to_str().unwrap()],
    );
    let imported = ok(root, &["translations", "import", file_arg]);
    assert!(imported.contains("3 changed"), "{imported}");
    for (file, text) in drift.written {
        let written = read(root, file);
        assert!(written.contains(text), "{file}:\n{written}");
    }
    assert!(out_of_date(root).is_empty(), "{:?}", out_of_date(root));
    ok(root, &["translations", "--check"]);
    let built = run(root, &["build", "--output", "public"]);
    assert!(built.status.success(), "{built:?}");
    assert!(notices(&public).is_empty());
}

#[test]
fn a_small_site_drifts_and_comes_back_through_xliff() {
    let site = small_site();
    let root = site.path();
    ok(root, &["translations", "done", "--all"]);
    let drift = Drift {
        paragraph: (
            "content/activities/open-days.ja.md",
            "今年度は工房を4回一般に公開しました。",
            "今年度は工房を5回一般に公開しました。",
        ),
        record: ("content/activities/visitors.toml", "\"6月\"", "\"6月（初夏）\""),
        string: ("i18n/ja.toml", "例: 公開日", "例: 公開日、来場者"),
        ids: [
            "content/activities/open-days.md#1",
            "content/activities/visitors.toml#rows[1].day",
            "i18n#search.placeholder",
        ],
        groups: [
            "content/activities/open-days.md",
            "content/activities/visitors.toml",
            "i18n",
        ],
        notice: "en/activities/open-days/index.html",
        translations: [
            "We opened our workshop to the public five times this year. The table and the chart below come from one record, <x id=\"1\" ctype=\"x-code\"/>: every number is written once.",
            "June (early summer)",
            "e.g. open days, visitors",
        ],
        written: [
            (
                "content/activities/open-days.en.md",
                "five times this year. The table and the chart below come from one record, `content/activities/visitors.toml`:",
            ),
            (
                "content/activities/visitors.toml",
                "day = { ja = \"6月（初夏）\", en = \"June (early summer)\" }",
            ),
            ("i18n/en.toml", "# This site's words\n[search]\nplaceholder = \"e.g. open days, visitors\"\n"),
        ],
    };
    drift_and_translate(root, &drift);
}

/// The report's own content: up to date as committed, and the same round trip on a copy.
#[test]
fn the_report_starts_up_to_date_and_drifts_like_any_site() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ok(&repo, &["translations", "--check"]);
    let copy = tempfile::tempdir().unwrap();
    let root = copy.path();
    for part in [
        "config.toml",
        "translations.lock",
        "content",
        "i18n",
        "themes",
        "templates",
    ] {
        let from = repo.join(part);
        if from.is_dir() {
            cli_support::copy_dir(&from, &root.join(part));
        } else {
            std::fs::copy(&from, root.join(part)).unwrap();
        }
    }
    let drift = Drift {
        paragraph: (
            "content/2021/basic-research/outreach.ja.md",
            "脳とこころの研究推進プログラムでは研究者のみならず",
            "脳とこころの研究推進プログラムでは研究者に加えて",
        ),
        record: (
            "content/2021/projects.toml",
            "ja = \"医薬品プロジェクト\"",
            "ja = \"医薬品プロジェクト（統合プロジェクト1）\"",
        ),
        string: ("i18n/ja.toml", "placeholder = \"例: ", "placeholder = \"検索語の例: "),
        ids: [
            "content/2021/basic-research/outreach.md#1",
            "content/2021/projects.toml#projects[0].title",
            "i18n#search.placeholder",
        ],
        groups: [
            "content/2021/basic-research/outreach.md",
            "content/2021/projects.toml",
            "i18n",
        ],
        notice: "en/2021/basic-research/outreach/index.html",
        translations: [
            "In addition to researchers, the Brain and Mind Research Program is promoting outreach to communicate with society by holding research results briefings and symposia for the general public.",
            "Project for Advanced Drug Discovery and Development (integrated project 1)",
            "Search words, e.g. vaccine, genome, approvals",
        ],
        written: [
            (
                "content/2021/basic-research/outreach.en.md",
                "In addition to researchers, the Brain and Mind",
            ),
            (
                "content/2021/projects.toml",
                "en = \"Project for Advanced Drug Discovery and Development (integrated project 1)\"",
            ),
            (
                "i18n/en.toml",
                "placeholder = \"Search words, e.g. vaccine, genome, approvals\"",
            ),
        ],
    };
    drift_and_translate(root, &drift);
}

#[test]
fn export_then_import_unchanged_leaves_every_byte_and_tools_read_both_formats() {
    let site = small_site();
    let root = site.path();
    // Nothing tracked yet: a round trip does not start tracking.
    let untracked = tree(root);
    let scratch = tempfile::tempdir().unwrap();
    let first = scratch.path().join("first.xlf");
    ok(
        root,
        &[
            "translations",
            "export",
            "--to",
            "en",
            first.to_str().unwrap(),
        ],
    );
    ok(root, &["translations", "import", first.to_str().unwrap()]);
    assert_eq!(tree(root), untracked);
    ok(root, &["translations", "done", "--all"]);
    let before = tree(root);
    let dir = tempfile::tempdir().unwrap();
    let po = dir.path().join("en.po");
    let xlf = dir.path().join("en.xlf");
    ok(
        root,
        &[
            "translations",
            "export",
            "--to",
            "en",
            "--format",
            "po",
            po.to_str().unwrap(),
        ],
    );
    ok(
        root,
        &[
            "translations",
            "export",
            "--to",
            "en",
            xlf.to_str().unwrap(),
        ],
    );
    tool(
        "msgfmt",
        &["--check", "-o", "/dev/null", po.to_str().unwrap()],
    );
    let from_po = dir.path().join("from-po.xlf");
    tool(
        "po2xliff",
        &[po.to_str().unwrap(), from_po.to_str().unwrap()],
    );
    let from_xlf = dir.path().join("from-xlf.po");
    tool(
        "xliff2po",
        &[xlf.to_str().unwrap(), from_xlf.to_str().unwrap()],
    );
    let units = read(dir.path(), "en.xlf").matches("<trans-unit ").count();
    assert!(units > 20, "{units}");
    // Translate Toolkit reads every entry of the PO file (and its header as one more).
    let from_po = read(dir.path(), "from-po.xlf");
    assert_eq!(from_po.matches("<trans-unit").count(), units + 1);
    let ours = read(dir.path(), "en.xlf");
    for note in ours.split("<note>").skip(1) {
        let note = &note[..note.find("</note>").unwrap()];
        assert!(from_po.contains(&format!(">{note}</note>")), "{note}");
    }
    assert!(!xliff_ids(&ours).is_empty());
    // Links, emphasis and code are inline codes, never text a translator could edit.
    let xliff = read(dir.path(), "en.xlf");
    assert!(xliff.contains("<g id=\"1\" ctype=\"link\">公開日</g>の<g id=\"2\" ctype=\"bold\">来場者</g>は\n年々増えています。"), "{xliff}");
    assert!(!xliff.contains("@/activities/open-days.md"));
    let po_text = read(dir.path(), "en.po");
    assert!(
        po_text
            .contains("msgid \"\"\n\"<1>公開日</1>の<2>来場者</2>は\\n\"\n\"年々増えています。\""),
        "{po_text}"
    );
    for file in [&po, &xlf] {
        let said = ok(root, &["translations", "import", file.to_str().unwrap()]);
        assert!(said.contains("0 changed"), "{said}");
        assert_eq!(tree(root), before, "import of an unchanged {file:?}");
    }
}

#[test]
fn an_agency_translates_a_po_file_of_what_is_out_of_date() {
    let site = small_site();
    let root = site.path();
    ok(root, &["translations", "done", "--all"]);
    replace(
        root,
        "content/activities/notes.ja.md",
        "- [公開日](@/activities/open-days.md)の**来場者**は\n  年々増えています。",
        "- [公開日](@/activities/open-days.md)の**来場者**は\n  年々大きく増えています。",
    );
    let dir = tempfile::tempdir().unwrap();
    let po = dir.path().join("en.po");
    let po_arg = po.to_str().unwrap();
    ok(
        root,
        &[
            "translations",
            "export",
            "--to",
            "en",
            "--format",
            "po",
            "--only-outdated",
            po_arg,
        ],
    );
    let text = read(dir.path(), "en.po");
    assert_eq!(text.matches("msgctxt").count(), 1, "{text}");
    assert!(
        text.contains("#, fuzzy\nmsgctxt \"content/activities/notes.md#2\""),
        "{text}"
    );
    let old =
        "msgstr \"\"\n\"The <2>visitors</2> of the <1>open days</1>\\n\"\n\"grow every year.\"";
    assert!(text.contains(old), "{text}");
    // The agency: a new translation, the code moved, fuzzy removed.
    let translated = text
        .replace(
            old,
            "msgstr \"The <2>visitors</2> of the <1>open days</1> grow a lot every year.\"",
        )
        .replace("#, fuzzy\n", "");
    std::fs::write(&po, translated).unwrap();
    tool("msgfmt", &["--check", "-o", "/dev/null", po_arg]);
    ok(root, &["translations", "import", po_arg]);
    let page = read(root, "content/activities/notes.en.md");
    assert!(
        page.contains("- The **visitors** of the [open days](@/activities/open-days.md) grow a lot every year.\n- See"),
        "{page}"
    );
    ok(root, &["translations", "--check"]);
    ok(root, &["check"]);
}

#[test]
fn a_broken_link_a_lost_code_or_an_unknown_id_writes_nothing() {
    let site = small_site();
    let root = site.path();
    ok(root, &["translations", "done", "--all"]);
    let dir = tempfile::tempdir().unwrap();
    let po = dir.path().join("en.po");
    let po_arg = po.to_str().unwrap();
    ok(
        root,
        &[
            "translations",
            "export",
            "--to",
            "en",
            "--format",
            "po",
            po_arg,
        ],
    );
    let text = read(dir.path(), "en.po");
    let link = "msgstr \"\"\n\"The <2>visitors</2> of the <1>open days</1>\\n\"";
    assert!(text.contains(link), "{text}");
    let before = tree(root);
    for (broken, named, says) in [
        (
            text.replace(
                link,
                "msgstr \"\"\n\"The <2>visitors</2> of the [open days](https://example.com/)\\n\"",
            ),
            "content/activities/notes.md#2",
            "link target `https://example.com/`",
        ),
        (
            text.replace(
                link,
                "msgstr \"\"\n\"The <2>visitors</2> of the open days\\n\"",
            ),
            "content/activities/notes.md#2",
            "inline code 1",
        ),
        (
            text.replace(
                "msgctxt \"content/activities/notes.md#3\"",
                "msgctxt \"content/activities/gone.md#3\"",
            ),
            "content/activities/gone.md#3",
            "no text of the site has this id",
        ),
    ] {
        // A real change elsewhere in the same file: it is not written either.
        let broken = broken.replace("msgstr \"Notes\"", "msgstr \"Notebook\"");
        std::fs::write(&po, broken).unwrap();
        let (_, stderr) = fails(root, &["translations", "import", po_arg]);
        assert!(stderr.contains(&format!("`{named}`")), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(stderr.contains("Nothing was written."), "{stderr}");
        assert_eq!(tree(root), before);
    }
}

#[test]
fn a_missing_csv_cell_is_exported_as_new_and_imported_into_its_cell() {
    let site = small_site();
    let root = site.path();
    ok(root, &["translations", "done", "--all"]);
    write(
        root,
        "content/activities/partners.csv",
        "name.ja,name.en,since\n工房A,Workshop A,2020\n工房B,\"Workshop B, Ltd.\",2021\n工房C,,2022\n",
    );
    let found = out_of_date(root);
    assert_eq!(
        found,
        vec!["content/activities/partners.csv: 1 missing".to_string()]
    );
    fails(root, &["translations", "--check"]);
    let dir = tempfile::tempdir().unwrap();
    let xlf = dir.path().join("en.xlf");
    let arg = xlf.to_str().unwrap();
    ok(
        root,
        &[
            "translations",
            "export",
            "--to",
            "en",
            "--only-outdated",
            arg,
        ],
    );
    let xliff = read(dir.path(), "en.xlf");
    let id = "content/activities/partners.csv#3.name";
    assert_eq!(xliff_state(&xliff, id), "new");
    std::fs::write(
        &xlf,
        translate_xliff(&xliff, id, "Workshop C, &quot;the third&quot;"),
    )
    .unwrap();
    ok(root, &["translations", "import", arg]);
    assert_eq!(
        read(root, "content/activities/partners.csv"),
        "name.ja,name.en,since\n工房A,Workshop A,2020\n工房B,\"Workshop B, Ltd.\",2021\n工房C,\"Workshop C, \"\"the third\"\"\",2022\n"
    );
    ok(root, &["translations", "--check"]);
}

#[test]
fn a_page_written_first_in_english_is_the_original_of_its_japanese() {
    let site = small_site();
    let root = site.path();
    for lang in ["ja", "en"] {
        replace(
            root,
            &format!("content/activities/notes.{lang}.md"),
            "weight = 20\n",
            "weight = 20\noriginal = \"en\"\n",
        );
    }
    ok(root, &["translations", "done", "--all"]);
    replace(
        root,
        "content/activities/notes.en.md",
        "grow every year",
        "grow year by year",
    );
    // The Japanese page is out of date; an edit of the Japanese changes nothing.
    replace(root, "content/activities/notes.ja.md", "年4回", "年に4回");
    let found = out_of_date(root);
    assert!(
        found.is_empty(),
        "English is not a translation here: {found:?}"
    );
    let ja = run(root, &["translations", "--to", "ja"]);
    let ja = String::from_utf8_lossy(&ja.stdout);
    assert!(
        ja.contains("content/activities/notes.md (en → ja): out of date: 1 of"),
        "{ja}"
    );
    let built = run(root, &["build", "--output", "public"]);
    assert!(built.status.success());
    assert_eq!(
        notices(&root.join("public")),
        vec!["ja/activities/notes/index.html".to_string()]
    );
    // Turned off in config.toml: no notice, the warning stays.
    let config = read(root, "config.toml");
    write(
        root,
        "config.toml",
        &format!("{config}\n[translations]\nnotice = false\n"),
    );
    let built = run(root, &["build", "--output", "public"]);
    assert!(built.status.success());
    assert!(String::from_utf8_lossy(&built.stderr).contains("this translation is out of date"));
    assert!(notices(&root.join("public")).is_empty());
}

#[test]
fn a_new_edition_starts_as_up_to_date_as_the_one_it_copies() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    cli_support::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editions"),
        root,
    );
    ok(root, &["translations", "done", "--all"]);
    let latest = "content/2022/_index.ja.md";
    let text = read(root, latest);
    let body = text.rsplit("+++\n").next().unwrap();
    let first = body.trim_start().lines().next().unwrap().to_string();
    replace(root, latest, &first, &format!("{first}（改訂）"));
    ok(root, &["new", "edition", "2023"]);
    let found = out_of_date(root);
    assert_eq!(
        found.len(),
        2,
        "the page out of date in 2022 and its copy in 2023, nothing else: {found:?}"
    );
    assert!(
        found[0].starts_with("content/2022/_index.md: out of date: 1 of"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with("content/2023/_index.md: out of date: 1 of"),
        "{found:?}"
    );
}

#[test]
fn a_page_not_yet_translated_is_made_from_its_original_on_import() {
    let site = small_site();
    let root = site.path();
    write(
        root,
        "content/activities/plans.ja.md",
        "+++\ntitle = \"計画\"\ndescription = \"来年の計画。\"\nweight = 30\n+++\n\n## 来年\n\n[公開日](@/activities/open-days.md)を増やします。\n",
    );
    ok(root, &["translations", "done", "--all"]);
    let found = out_of_date(root);
    assert_eq!(
        found,
        vec!["content/activities/plans.md: 4 missing".to_string()]
    );
    let dir = tempfile::tempdir().unwrap();
    let xlf = dir.path().join("en.xlf");
    let arg = xlf.to_str().unwrap();
    ok(
        root,
        &[
            "translations",
            "export",
            "--to",
            "en",
            "--only-outdated",
            arg,
        ],
    );
    let mut xliff = read(dir.path(), "en.xlf");
    for (id, target) in [
        ("content/activities/plans.md#title", "Plans"),
        (
            "content/activities/plans.md#description",
            "Next year's plans.",
        ),
        ("content/activities/plans.md#1", "Next year"),
        (
            "content/activities/plans.md#2",
            "We will hold more <g id=\"1\" ctype=\"link\">open days</g>.",
        ),
    ] {
        assert_eq!(xliff_state(&xliff, id), "new");
        xliff = translate_xliff(&xliff, id, target);
    }
    std::fs::write(&xlf, xliff).unwrap();
    ok(root, &["translations", "import", arg]);
    assert_eq!(
        read(root, "content/activities/plans.en.md"),
        "+++\ntitle = \"Plans\"\ndescription = \"Next year's plans.\"\nweight = 30\n+++\n\n## Next year\n\nWe will hold more [open days](@/activities/open-days.md).\n"
    );
    ok(root, &["translations", "--check"]);
    ok(root, &["check"]);
}
