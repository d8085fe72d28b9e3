//! `new`: scaffolds a page or a section in every language of the site, with front matter that
//! builds as it is, ordered after its last sibling. `init`: writes a whole starter site into an
//! empty folder. Neither ever overwrites a file.

pub mod edition;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::load::CONTENT_DIR;
use crate::parse::front_matter;
use crate::theme;

/// What to create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `content/<section>/<name>.<lang>.md`
    Page,
    /// `content/<name>/_index.<lang>.md`
    Section,
}

/// Creates the files of a new page (`path` = `section/name`, or just `name` for the home section)
/// or section (`path` = `name` or `parent/name`). Returns the created files, shown relative to
/// `root`. Nothing is created when any file is in the way.
pub fn create(root: &Path, kind: Kind, path: &str) -> Result<Vec<String>, Diagnostic> {
    let config = Config::load(root)?;
    let path = path.trim().trim_matches('/');
    let path = path.strip_suffix(".md").unwrap_or(path);
    let what = match kind {
        Kind::Page => "page",
        Kind::Section => "section",
    };
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts {
        if !is_kebab(part) {
            return Err(Diagnostic::error(
                format!("{CONTENT_DIR}/{path}"),
                format!("`{part}` is not a valid {what} name"),
            )
            .help("use lower-case ASCII letters, digits and single hyphens, e.g. `drug-approvals`; the name becomes part of the page's address"));
        }
    }
    let (parent, name) = match parts.split_last() {
        Some((name, parent)) => (parent.join("/"), *name),
        None => unreachable!("split yields at least one part"),
    };
    // In a series, a path is within the latest edition (`report/x` → content/2024/report/x),
    // unless it names an edition itself (`2023/report/x`).
    let edition = config.editions.as_ref().and_then(|e| {
        let named = parts.len() > 1 && e.names.iter().any(|n| n == parts[0]);
        (!named).then(|| e.latest.clone())
    });
    let (parent, in_edition) = match &edition {
        Some(latest) if parent.is_empty() => (latest.clone(), String::new()),
        Some(latest) => (format!("{latest}/{parent}"), parent),
        None => (parent.clone(), parent),
    };
    let content = root.join(CONTENT_DIR);
    let parent_dir = if parent.is_empty() {
        content.clone()
    } else {
        content.join(&parent)
    };
    let default = &config.default_language;
    let parent_index = parent_dir.join(format!("_index.{default}.md"));
    if !parent_index.is_file() {
        let shown = shown(root, &parent_index);
        let help = if in_edition.is_empty() {
            match &edition {
                Some(latest) => format!("create the edition's home page {shown} first, or start the edition with nenpo new edition {latest}"),
                None => format!("create the home page {shown} first (see docs/content-model.md)"),
            }
        } else {
            format!("create the section first: nenpo new section {in_edition}")
        };
        let section = match (&edition, in_edition.is_empty()) {
            (Some(latest), true) => format!("(the home of edition {latest})"),
            (_, true) => "(home)".to_string(),
            (_, false) => in_edition.clone(),
        };
        return Err(Diagnostic::error(
            shown.clone(),
            format!("there is no section `{section}` ({shown} does not exist)"),
        )
        .help(help));
    }

    let files: Vec<(String, PathBuf)> = config
        .languages
        .iter()
        .map(|lang| {
            let file = match kind {
                Kind::Page => parent_dir.join(format!("{name}.{lang}.md")),
                Kind::Section => parent_dir.join(name).join(format!("_index.{lang}.md")),
            };
            (lang.clone(), file)
        })
        .collect();
    // Anything already using the name: the files themselves, a bundle or section of that name.
    let mut in_the_way: Vec<PathBuf> = files.iter().map(|(_, f)| f.clone()).collect();
    for lang in &config.languages {
        in_the_way.push(parent_dir.join(name).join(format!("index.{lang}.md")));
        in_the_way.push(parent_dir.join(name).join(format!("_index.{lang}.md")));
        in_the_way.push(parent_dir.join(format!("{name}.{lang}.md")));
    }
    if let Some(existing) = in_the_way.iter().find(|f| f.exists()) {
        return Err(Diagnostic::error(
            shown(root, existing),
            format!("`{path}` already exists; nothing was created"),
        )
        .help(format!(
            "edit the existing files, or choose another name for the new {what}"
        )));
    }

    let weight = last_weight(&parent_dir, default).map_or(10, |w| (w / 10 + 1) * 10);
    let mut created = Vec::new();
    for (lang, file) in &files {
        let text = front_matter_text(lang, kind, weight);
        // Parse what is about to be written, so a scaffold can never fail the build.
        front_matter::split(&shown(root, file), &std::sync::Arc::from(text.as_str()))?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Diagnostic::error(shown(root, dir), format!("cannot create the folder: {e}"))
            })?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(file)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(|e| {
                Diagnostic::error(shown(root, file), format!("cannot create the file: {e}"))
            })?;
        created.push(shown(root, file));
    }
    Ok(created)
}

/// Lower-case ASCII words joined by single hyphens: `drug-approvals`, `fy2021`.
pub fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The largest weight among the pages and sections directly in `dir` (default language files).
fn last_weight(dir: &Path, lang: &str) -> Option<i64> {
    let mut candidates = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            candidates.push(path.join(format!("_index.{lang}.md")));
            candidates.push(path.join(format!("index.{lang}.md")));
        } else if name.ends_with(&format!(".{lang}.md")) && !name.starts_with("_index.") {
            candidates.push(path);
        }
    }
    candidates
        .iter()
        .filter_map(|file| {
            // Regular files only (a FIFO would block).
            let text =
                std::sync::Arc::from(String::from_utf8(crate::fs::read_bytes(file).ok()?).ok()?);
            front_matter::split("", &text).ok().map(|s| s.front.weight)
        })
        .max()
}

/// The placeholder title and text `new page` / `new section` write, per language (English for
/// languages without their own): (title, description, body).
fn new_texts(lang: &str, kind: Kind) -> (&'static str, &'static str, &'static str) {
    match (lang, kind) {
        ("ja", Kind::Page) => (
            "新しいページ（このタイトルを書き換えてください）",
            "一文の要約（検索結果や SNS に使われます）",
            "ここに本文を書きます。",
        ),
        ("ja", Kind::Section) => (
            "新しいセクション（このタイトルを書き換えてください）",
            "一文の要約（検索結果や SNS に使われます）",
            "ここにセクションの概要を書きます。",
        ),
        (_, Kind::Page) => (
            "New page (replace this title)",
            "A one-sentence summary (used by search results and social media)",
            "Write the text here.",
        ),
        (_, Kind::Section) => (
            "New section (replace this title)",
            "A one-sentence summary (used by search results and social media)",
            "Write the section's overview here.",
        ),
    }
}

fn front_matter_text(lang: &str, kind: Kind, weight: i64) -> String {
    let (title, description, body) = new_texts(lang, kind);
    format!(
        "+++\ntitle = \"{title}\"\n# description = \"{description}\"\nweight = {weight}\n+++\n\n{body}\n"
    )
}

/// Every text `init` and `new` write to be replaced (titles and bodies of new pages, the starter
/// home page's request to replace it), in every language they are written in.
fn placeholder_texts() -> &'static [&'static str] {
    static TEXTS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut texts = Vec::new();
        for lang in ["ja", "en"] {
            for kind in [Kind::Page, Kind::Section] {
                let (title, _, body) = new_texts(lang, kind);
                texts.extend([title, body]);
            }
        }
        for starter in STARTERS {
            // The home page's last paragraph asks to be replaced; it names its file after `.
            let last = starter.home.rsplit("\n\n").next().unwrap_or(starter.home);
            texts.push(last.split('`').next().unwrap_or(last).trim_end());
        }
        texts
    })
}

/// Every placeholder text of `init` or `new` left in `text`, as warnings at their place (errors
/// under `--strict`).
pub fn placeholders(file: &str, text: &Arc<str>) -> Vec<Diagnostic> {
    let mut found: Vec<(usize, &str)> = placeholder_texts()
        .iter()
        .flat_map(|p| text.match_indices(p))
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(at, placeholder)| {
            Diagnostic::warning(
                file,
                "placeholder text written by `nenpo init` or `nenpo new`",
            )
            .at(text, at..at + placeholder.len())
            .help("replace it with this page's own text")
        })
        .collect()
}

fn shown(root: &Path, path: &Path) -> String {
    crate::fs::display_path(root, path)
}

/// The words of the starter site in one language. Languages without their own fall back to
/// English text, with the theme's English interface strings copied for translation.
struct Starter {
    lang: &'static str,
    title: &'static str,
    description: &'static str,
    organisation: &'static str,
    home: &'static str,
    section_title: &'static str,
    section_short: &'static str,
    section_description: &'static str,
    section_body: &'static str,
    page_title: &'static str,
    page_description: &'static str,
    page_body: &'static str,
    image_alt: &'static str,
    image_caption: &'static str,
    record_title: &'static str,
    column_month: &'static str,
    column_visitors: &'static str,
    months: [&'static str; 4],
    figure_label: &'static str,
    footer: &'static str,
}

const STARTERS: &[Starter] = &[
    Starter {
        lang: "en",
        title: "Annual Report 2025",
        description: "What the Example Organisation did in 2025: its activities, its figures and what comes next.",
        organisation: "Example Organisation",
        home: "Welcome to our annual report. It tells what we did this year, in a few pages that you can read on any screen, search and print.\n\nReplace this text with your own: it is in `content/_index.en.md`.",
        section_title: "Activities",
        section_short: "Activities",
        section_description: "Our main activities of the year.",
        section_body: "This section gathers the pages about our activities. Each page is a file in `content/activities/`.",
        page_title: "Open days",
        page_description: "Four open days welcomed visitors to our workshop.",
        page_body: "We opened our workshop to the public four times this year. The table and the chart below come from one record, `content/activities/visitors.toml`: every number is written once.",
        image_alt: "Visitors at a long table in a bright workshop",
        image_caption: "An open day in the workshop (sample image)",
        record_title: "Visitors per open day (sample figures)",
        column_month: "Open day",
        column_visitors: "Visitors",
        months: ["March", "June", "September", "December"],
        figure_label: "open days",
        footer: "Sample content written by nenpo init: replace it with your own.",
    },
    Starter {
        lang: "ja",
        title: "2025年度 年報",
        description: "サンプル法人の2025年度の活動、数値、今後の取組をまとめた年報です。",
        organisation: "サンプル法人",
        home: "年報へようこそ。今年度の取組を、どの画面でも読めて、検索でき、印刷もできる数ページにまとめました。\n\nこの文章を書き換えてください。ファイルは `content/_index.ja.md` です。",
        section_title: "活動",
        section_short: "活動",
        section_description: "今年度の主な活動。",
        section_body: "このセクションには活動についてのページを集めています。各ページは `content/activities/` のファイルです。",
        page_title: "公開日",
        page_description: "4回の公開日に多くの来場者を迎えました。",
        page_body: "今年度は工房を4回一般に公開しました。下の表とグラフは一つの記録（`content/activities/visitors.toml`）から作られています。数値は一度だけ書きます。",
        image_alt: "明るい工房の長机を囲む来場者",
        image_caption: "工房の公開日の様子（サンプル画像）",
        record_title: "公開日ごとの来場者数（サンプルの数値）",
        column_month: "公開日",
        column_visitors: "来場者数",
        months: ["3月", "6月", "9月", "12月"],
        figure_label: "公開日",
        footer: "nenpo init が書いたサンプルです。内容を書き換えてください。",
    },
    Starter {
        lang: "zh-Hans",
        title: "2025年度年报",
        description: "示例机构2025年度的活动、数据与下一步工作。",
        organisation: "示例机构",
        home: "欢迎阅读我们的年报。本年报用几页篇幅介绍今年的工作，可在任何屏幕上阅读、搜索和打印。\n\n请替换这段文字，它位于 `content/_index.zh-Hans.md`。",
        section_title: "活动",
        section_short: "活动",
        section_description: "本年度的主要活动。",
        section_body: "本栏目汇集了有关我们活动的页面。每个页面都是 `content/activities/` 中的一个文件。",
        page_title: "开放日",
        page_description: "四个开放日迎来了众多访客。",
        page_body: "今年我们四次向公众开放工作室。下面的表格和图表来自同一份记录 `content/activities/visitors.toml`，每个数字只写一次。",
        image_alt: "明亮的工作室里围坐在长桌旁的访客",
        image_caption: "工作室开放日（示例图片）",
        record_title: "各开放日的访客人数（示例数据）",
        column_month: "开放日",
        column_visitors: "访客人数",
        months: ["3月", "6月", "9月", "12月"],
        figure_label: "开放日",
        footer: "由 nenpo init 生成的示例内容，请替换为您自己的内容。",
    },
    Starter {
        lang: "ko",
        title: "2025년 연차 보고서",
        description: "예시 기관의 2025년 활동, 수치, 그리고 앞으로의 계획.",
        organisation: "예시 기관",
        home: "연차 보고서에 오신 것을 환영합니다. 올해의 활동을 어떤 화면에서도 읽고, 검색하고, 인쇄할 수 있는 몇 쪽으로 정리했습니다.\n\n이 글을 바꿔 쓰세요. 파일은 `content/_index.ko.md`입니다.",
        section_title: "활동",
        section_short: "활동",
        section_description: "올해의 주요 활동.",
        section_body: "이 섹션에는 활동에 관한 페이지가 모여 있습니다. 각 페이지는 `content/activities/`의 파일입니다.",
        page_title: "공개의 날",
        page_description: "네 번의 공개의 날에 많은 방문객을 맞이했습니다.",
        page_body: "올해 작업장을 네 번 일반에 공개했습니다. 아래 표와 차트는 하나의 기록 `content/activities/visitors.toml`에서 만들어집니다. 모든 숫자는 한 번만 씁니다.",
        image_alt: "밝은 작업장의 긴 탁자에 둘러앉은 방문객",
        image_caption: "작업장 공개의 날 (예시 이미지)",
        record_title: "공개의 날별 방문객 수 (예시 수치)",
        column_month: "공개의 날",
        column_visitors: "방문객 수",
        months: ["3월", "6월", "9월", "12월"],
        figure_label: "공개의 날",
        footer: "nenpo init이 만든 예시 내용입니다. 직접 바꿔 쓰세요.",
    },
];

/// Sample visitors per open day in the starter record (fictional).
const SAMPLE_VISITORS: [u32; 4] = [120, 185, 240, 310];

/// The starter site's picture: a drawing of a workshop, small and without text.
const STARTER_IMAGE: &str = include_str!("scaffold/open-day.svg");

fn starter(lang: &str) -> &'static Starter {
    STARTERS
        .iter()
        .find(|s| s.lang == lang)
        .unwrap_or(&STARTERS[0])
}

/// A language code as used in file names and URLs: `ja`, `en`, `zh-Hans`.
fn is_language_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 16
        && code
            .split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `nenpo init`: writes a starter site into `dir` (which must be empty or not exist) with the
/// given languages, the first one the default. Returns the files written, relative to `dir`.
///
/// With `edition` (`--editions 2024`), the site is a series of one edition from the first day:
/// its pages in `content/<edition>/`, `[editions]` in config.toml; `new edition` adds the next.
pub fn init(
    dir: &Path,
    languages: &[String],
    edition: Option<&str>,
) -> Result<Vec<String>, Diagnostic> {
    let shown_dir = dir.display().to_string();
    if let Some(name) = edition {
        if name.contains(',') {
            return Err(Diagnostic::error(&shown_dir, "a series starts with one edition")
                .help(format!("start with the latest: nenpo init --editions {}; add each next one with nenpo new edition", name.rsplit(',').next().unwrap_or(name).trim())));
        }
        if !is_kebab(name) {
            return Err(Diagnostic::error(&shown_dir, format!("`{name}` is not an edition name"))
                .help("name the edition by its year or another folder name: lower-case letters, digits and hyphens, e.g. --editions 2024"));
        }
    }
    if languages.is_empty() {
        return Err(Diagnostic::error(&shown_dir, "no language given")
            .help("name the languages, the default first: nenpo init --languages ja,en"));
    }
    for (i, lang) in languages.iter().enumerate() {
        if !is_language_code(lang) {
            return Err(Diagnostic::error(&shown_dir, format!("`{lang}` is not a language code"))
                .help("use codes such as ja, en, zh-Hans, ko: letters and digits, parts joined by hyphens"));
        }
        if languages[..i].contains(lang) {
            return Err(Diagnostic::error(
                &shown_dir,
                format!("the language `{lang}` is given twice"),
            )
            .help("name each language once"));
        }
    }
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(Diagnostic::error(
                &shown_dir,
                "the folder is not empty; nothing was written",
            )
            .help("run nenpo init in a new or empty folder, e.g. nenpo init my-report"));
        }
    } else if dir.exists() {
        return Err(
            Diagnostic::error(&shown_dir, "this is not a folder; nothing was written")
                .help("give the name of a new folder, e.g. nenpo init my-report"),
        );
    }

    let mut config = starter_config(languages);
    if let Some(name) = edition {
        config.push_str(&format!(
            "\n# A series of yearly editions, each in its own folder content/<edition>/; `nenpo new edition\n# <name>` starts the next one from the latest. A label per edition and language (edit them,\n# e.g. \"FY{name}\" or \"{name}年度\").\n[editions]\nlatest = {}\n\n[editions.label]\n{} = {}\n",
            q(name),
            toml_key(name),
            per_language(languages, |_| name.to_string())
        ));
    }
    // Where the pages go: content/, or the edition's folder.
    let content = match edition {
        Some(name) => format!("content/{name}"),
        None => "content".to_string(),
    };
    let mut files: Vec<(String, String)> = vec![("config.toml".into(), config)];
    let text = |lang: &str, f: fn(&Starter) -> &'static str| f(starter(lang)).to_string();
    for lang in languages {
        let s = starter(lang);
        files.push((
            format!("{content}/_index.{lang}.md"),
            format!(
                "+++\ntitle = {}\ndescription = {}\n+++\n\n{}\n",
                q(s.title),
                q(s.description),
                s.home.replace("`content/", &format!("`{content}/"))
            ),
        ));
        files.push((
            format!("{content}/activities/_index.{lang}.md"),
            format!(
                "+++\ntitle = {}\ndescription = {}\nweight = 10\n[extra]\nshort_title = {}\n[[extra.figures]]\nvalue = \"4\"\nlabel = {}\n+++\n\n{}\n",
                q(s.section_title),
                q(s.section_description),
                q(s.section_short),
                q(s.figure_label),
                s.section_body.replace("`content/", &format!("`{content}/"))
            ),
        ));
        files.push((
            format!("{content}/activities/open-days.{lang}.md"),
            format!(
                "+++\ntitle = {}\ndescription = {}\nweight = 10\nrecords = [\"activities/visitors\"]\n+++\n\n{}\n\n![{}](open-day.svg \"{}\")\n",
                q(s.page_title),
                q(s.page_description),
                s.page_body.replace("`content/", &format!("`{content}/")),
                s.image_alt,
                s.image_caption.replace('"', "'")
            ),
        ));
        if !STARTERS.iter().any(|st| st.lang == lang) {
            let en = theme::DEFAULT_FILES
                .iter()
                .find(|(rel, _)| *rel == "i18n/en.toml")
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            files.push((
                format!("i18n/{lang}.toml"),
                format!("# The interface strings in `{lang}`: copied from English by nenpo init; translate them.\n\n{en}"),
            ));
        }
    }
    files.push((
        format!("{content}/activities/open-day.svg"),
        STARTER_IMAGE.to_string(),
    ));
    files.push((
        format!("{content}/activities/visitors.toml"),
        starter_record(languages, text),
    ));
    files.push((".gitignore".into(), "/public/\n/.nenpo-cache/\n".into()));

    let mut written = Vec::new();
    for (rel, contents) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(shown(dir, parent), format!("cannot create the folder: {e}"))
            })?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, contents.as_bytes()))
            .map_err(|e| Diagnostic::error(rel, format!("cannot create the file: {e}")))?;
        written.push(rel.clone());
    }
    Ok(written)
}

/// A TOML string.
fn q(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// `{ ja = "…", en = "…" }` for every language.
fn per_language(languages: &[String], f: impl Fn(&str) -> String) -> String {
    let parts: Vec<String> = languages
        .iter()
        .map(|l| format!("{} = {}", toml_key(l), q(&f(l))))
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

/// `zh-Hans` is a bare TOML key; anything else is quoted.
fn toml_key(key: &str) -> String {
    if key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        key.to_string()
    } else {
        q(key)
    }
}

fn starter_config(languages: &[String]) -> String {
    let t =
        |f: fn(&Starter) -> &'static str| per_language(languages, |l| f(starter(l)).to_string());
    format!(
        r#"# The site's settings. Every text is written once per language.
# Build with `nenpo build` (into public/), preview with `nenpo serve`.

# The languages of the site; every page exists in each. The default one comes first in the
# language chooser and is the language of the root 404 page.
default_language = "{default}"
languages = [{langs}]
# The theme: "default" is built into nenpo. Override any of its templates by putting a file of
# the same name in templates/ (e.g. templates/partials/footer.html), any interface string in
# i18n/<lang>.toml, any static file in static/.
theme = "default"
# The public address, once the site has one: canonical links, hreflang and sitemap.xml use it.
# base_url = "https://www.example.org/annual-report-2025"

# The report's title, in the browser tab and on the home page.
title = {title}
# One sentence about the report, for search engines and the language chooser.
description = {description}

# Read by the default theme.
[extra]
# The organisation, shown above the home page's title and on the print version.
organisation = {organisation}
# A short name before the title in the header (optional).
# short_name = "EO"
# A picture in the header, a file in static/ (optional), e.g. logo = "logo.svg".
# logo = "logo.svg"
# Number the sections in the navigation.
number_sections = false
# A line in the footer of every page.
footer = {footer}
copyright = "© 2025 {org_en}"
"#,
        default = languages[0],
        langs = languages
            .iter()
            .map(|l| q(l))
            .collect::<Vec<_>>()
            .join(", "),
        title = t(|s| s.title),
        description = t(|s| s.description),
        organisation = t(|s| s.organisation),
        footer = t(|s| s.footer),
        org_en = STARTERS[0].organisation,
    )
}

fn starter_record(
    languages: &[String],
    text: impl Fn(&str, fn(&Starter) -> &'static str) -> String,
) -> String {
    let t = |f: fn(&Starter) -> &'static str| per_language(languages, |l| text(l, f));
    let mut out = format!(
        "# A record: the numbers of the table and the chart on content/activities/open-days.*.md,\n# written once, with texts in every language.\ntitle = {}\n\n[[columns]]\nkey = \"day\"\nlabel = {}\n[[columns]]\nkey = \"visitors\"\nlabel = {}\nnumeric = true\n",
        t(|s| s.record_title),
        t(|s| s.column_month),
        t(|s| s.column_visitors),
    );
    for (i, visitors) in SAMPLE_VISITORS.iter().enumerate() {
        let day = per_language(languages, |l| starter(l).months[i].to_string());
        out.push_str(&format!("\n[[rows]]\nday = {day}\nvisitors = {visitors}\n"));
    }
    out.push_str(&format!(
        "\n[chart]\nkind = \"bar\"\nlabel = \"day\"\nvalues = [\"visitors\"]\ntitle = {}\n",
        t(|s| s.record_title)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_ascii() {
        assert!(is_kebab("drug-approvals"));
        assert!(is_kebab("fy2021"));
        for bad in ["", "Drug", "a_b", "a--b", "-a", "a-", "承認", "a b"] {
            assert!(!is_kebab(bad), "{bad}");
        }
    }

    #[test]
    fn scaffolded_front_matter_parses() {
        for lang in ["ja", "en"] {
            for kind in [Kind::Page, Kind::Section] {
                let text = std::sync::Arc::from(front_matter_text(lang, kind, 30).as_str());
                let split = front_matter::split("x", &text).unwrap();
                assert_eq!(split.front.weight, 30);
                // No key of one site's own convention (provenance is a theme feature a site
                // opts into).
                assert!(split.front.extra.is_empty());
            }
        }
    }
}
