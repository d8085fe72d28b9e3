//! Synthetic bilingual sites for benchmarks: realistic Japanese and English Markdown (about 600
//! words a page, headings, lists, tables, internal links), written in nenpo's layout and, for a
//! side-by-side comparison, in Zola's and Hugo's. Deterministic: the same size gives the same files.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::Path;

const JA: &[&str] = &[
    "医薬品",
    "の",
    "実用化",
    "を",
    "推進",
    "する",
    "ため",
    "、",
    "創薬",
    "標的",
    "探索",
    "から",
    "臨床研究",
    "に",
    "至る",
    "まで",
    "大学",
    "や",
    "産業界",
    "と",
    "連携",
    "し",
    "研究開発",
    "を",
    "行う",
    "。",
    "ゲノム",
    "データ基盤",
    "の",
    "整備",
    "と",
    "利活用",
    "により",
    "がん",
    "難病",
    "の",
    "診断",
    "治療",
    "が",
    "進展",
    "した",
    "。",
    "再生医療",
    "iPS細胞",
    "遺伝子治療",
    "医療機器",
    "ヘルスケア",
    "ワクチン",
    "抗菌薬",
    "医師主導治験",
    "承認",
    "薬剤耐性",
    "若手研究者",
    "支援",
];
const EN: &[&str] = &[
    "the",
    "agency",
    "supports",
    "research",
    "and",
    "development",
    "of",
    "pharmaceuticals",
    "from",
    "target",
    "discovery",
    "to",
    "clinical",
    "trials",
    "in",
    "partnership",
    "with",
    "universities",
    "industry",
    "genome",
    "data",
    "infrastructure",
    "cancer",
    "rare",
    "diseases",
    "diagnosis",
    "treatment",
    "regenerative",
    "medicine",
    "iPS",
    "cells",
    "gene",
    "therapy",
    "medical",
    "devices",
    "vaccines",
    "antimicrobial",
    "resistance",
    "investigator-initiated",
    "approval",
    "approved",
    "young",
    "researchers",
    "were",
    "awarded",
    "projects",
    "results",
    "achievements",
    "in",
    "FY2021",
];

/// A small deterministic generator (the exact sequence does not matter, only that it repeats).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.next() % words.len()]
    }
}

pub struct Layout {
    pub sections: usize,
    pub pages_per_section: usize,
}

impl Layout {
    /// Twenty sections (like a report's chapters), however many pages: navigation stays the
    /// same size, so time per page can be compared across sizes.
    pub fn for_pages(pages: usize) -> Self {
        let sections = pages.clamp(1, 20);
        Layout {
            sections,
            pages_per_section: pages.div_ceil(sections),
        }
    }
}

fn sentence(rng: &mut Rng, lang: &str) -> String {
    let words = if lang == "ja" { JA } else { EN };
    let n = 10 + rng.next() % 12;
    let mut s = String::new();
    for i in 0..n {
        let w = rng.pick(words);
        if lang == "en" && i > 0 {
            s.push(' ');
        }
        s.push_str(w);
    }
    if lang == "ja" {
        s + "。"
    } else {
        s + "."
    }
}

/// Markdown body of about 600 words; `link(section, page)` formats an internal link target.
fn body(
    rng: &mut Rng,
    lang: &str,
    layout: &Layout,
    link: &dyn Fn(&str, usize, usize) -> String,
) -> String {
    let mut md = String::new();
    for h in 0..4 {
        let heading = if lang == "ja" {
            format!("取組と成果 {h}")
        } else {
            format!("Initiatives and results {h}")
        };
        writeln!(md, "## {heading}\n").unwrap();
        for _ in 0..2 {
            let para: Vec<String> = (0..4).map(|_| sentence(rng, lang)).collect();
            writeln!(md, "{}\n", para.join(if lang == "ja" { "" } else { " " })).unwrap();
        }
        for _ in 0..3 {
            writeln!(md, "- {}", sentence(rng, lang)).unwrap();
        }
        let (s, p) = (
            rng.next() % layout.sections,
            rng.next() % layout.pages_per_section,
        );
        let label = if lang == "ja" {
            "関連するページ"
        } else {
            "a related page"
        };
        writeln!(md, "\n[{label}]({})\n", link(lang, s, p)).unwrap();
        if h == 1 {
            let head = if lang == "ja" {
                "| 区分 | 件数 | 割合 |"
            } else {
                "| Category | Count | Share |"
            };
            writeln!(md, "{head}\n|---|---:|---:|").unwrap();
            for _ in 0..5 {
                writeln!(
                    md,
                    "| {} | {} | {}% |",
                    rng.pick(if lang == "ja" { JA } else { EN }),
                    rng.next() % 100,
                    rng.next() % 100
                )
                .unwrap();
            }
            md.push('\n');
        }
    }
    md
}

/// Where each file of the corpus goes in a generator's layout.
struct Paths {
    home: fn(&str) -> String,
    section: fn(&str, usize) -> String,
    page: fn(&str, usize, usize) -> String,
    /// The target of an internal link, as the generator's Markdown writes it.
    link: fn(&str, usize, usize) -> String,
    /// Extra front matter of a section (e.g. its sort order).
    section_front: &'static str,
}

/// Writes `files` (site settings and templates) and the corpus under `root`, unless `root`
/// already holds this very corpus (its [`STAMP`] says so). Rewriting an unchanged corpus would
/// delete the tools' outputs with it, and the file system then spends the next runs freeing
/// their blocks (on a disk mounted with `discard`, tens of seconds at 10,000 pages): the runs
/// would measure that rather than the tools.
fn write_site(root: &Path, pages: usize, files: &[(&str, &str)], paths: Paths) {
    let corpus = corpus(pages, files, paths);
    let mut hasher = std::hash::DefaultHasher::new();
    corpus.hash(&mut hasher);
    let stamp = format!("{:016x}\n", hasher.finish());
    if std::fs::read_to_string(root.join(STAMP)).ok().as_deref() == Some(stamp.as_str()) {
        return;
    }
    let _ = std::fs::remove_dir_all(root);
    for (path, text) in &corpus {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::write(root.join(STAMP), stamp).unwrap();
}

/// The file in a corpus folder that identifies its contents (a hash of every path and text).
const STAMP: &str = ".bench-corpus";

/// Every file of the corpus (path under the site folder, text), settings and templates first.
fn corpus(pages: usize, files: &[(&str, &str)], paths: Paths) -> Vec<(String, String)> {
    let layout = Layout::for_pages(pages);
    let mut corpus: Vec<(String, String)> = files
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    let mut w = |path: String, text: String| corpus.push((path, text));
    for lang in ["ja", "en"] {
        w(
            (paths.home)(lang),
            "+++\ntitle = \"Home\"\n+++\n".to_string(),
        );
    }
    let mut rng = Rng(42);
    let mut written = 0;
    for s in 0..layout.sections {
        for lang in ["ja", "en"] {
            let front = format!(
                "+++\ntitle = \"Section {s}\"\nweight = {s}\n{}+++\n",
                paths.section_front
            );
            w((paths.section)(lang, s), front);
        }
        for p in 0..layout.pages_per_section {
            if written == pages {
                break;
            }
            written += 1;
            for lang in ["ja", "en"] {
                let md = body(&mut rng, lang, &layout, &paths.link);
                let text = format!("+++\ntitle = \"Page {s}-{p}\"\nweight = {p}\n+++\n{md}");
                w((paths.page)(lang, s, p), text);
            }
        }
    }
    corpus
}

/// nenpo's layout: config.toml, content/sNNN/_index.<lang>.md and pNNNN.<lang>.md, a small theme.
pub fn write_nenpo(root: &Path, pages: usize) {
    let files = [
        ("config.toml", NENPO_CONFIG),
        ("themes/bench/templates/base.html", BENCH_BASE),
        (
            "themes/bench/templates/page.html",
            "{% extends \"base.html\" %}",
        ),
        ("themes/bench/templates/section.html", BENCH_SECTION),
        (
            "themes/bench/templates/index.html",
            "{% extends \"base.html\" %}",
        ),
    ];
    let paths = Paths {
        home: |lang| format!("content/_index.{lang}.md"),
        section: |lang, s| format!("content/s{s:03}/_index.{lang}.md"),
        page: |lang, s, p| format!("content/s{s:03}/p{p:04}.{lang}.md"),
        link: |_, s, p| format!("@/s{s:03}/p{p:04}.md"),
        section_front: "",
    };
    write_site(root, pages, &files, paths);
}

/// The same corpus in Zola's multilingual layout (the default language without a suffix:
/// `p0000.md`, `p0000.en.md`), with equivalent templates and a search index for each language.
pub fn write_zola(root: &Path, pages: usize) {
    let files = [
        ("config.toml", ZOLA_CONFIG),
        ("templates/base.html", ZOLA_BASE),
        ("templates/page.html", "{% extends \"base.html\" %}"),
        ("templates/section.html", ZOLA_SECTION),
        ("templates/index.html", "{% extends \"base.html\" %}"),
    ];
    let paths = Paths {
        home: |lang| zola_file("_index", lang),
        section: |lang, s| zola_file(&format!("s{s:03}/_index"), lang),
        page: |lang, s, p| zola_file(&format!("s{s:03}/p{p:04}"), lang),
        link: |lang, s, p| format!("@/{}", &zola_file(&format!("s{s:03}/p{p:04}"), lang)[8..]),
        section_front: "sort_by = \"weight\"\n",
    };
    write_site(root, pages, &files, paths);
}

/// `content/<stem>.md` in the default language (ja), `content/<stem>.<lang>.md` in the others.
fn zola_file(stem: &str, lang: &str) -> String {
    if lang == "ja" {
        format!("content/{stem}.md")
    } else {
        format!("content/{stem}.{lang}.md")
    }
}

/// The same corpus in Hugo's multilingual layout (content/<lang>/…), with equivalent templates.
pub fn write_hugo(root: &Path, pages: usize) {
    let files = [
        ("config.toml", HUGO_CONFIG),
        ("layouts/_default/baseof.html", HUGO_BASE),
        (
            "layouts/_default/single.html",
            "{{ define \"main\" }}{{ end }}",
        ),
        ("layouts/_default/list.html", HUGO_LIST),
        ("layouts/index.html", "{{ define \"main\" }}{{ end }}"),
    ];
    let paths = Paths {
        home: |lang| format!("content/{lang}/_index.md"),
        section: |lang, s| format!("content/{lang}/s{s:03}/_index.md"),
        page: |lang, s, p| format!("content/{lang}/s{s:03}/p{p:04}.md"),
        link: |_, s, p| format!("../../s{s:03}/p{p:04}/"),
        section_front: "",
    };
    write_site(root, pages, &files, paths);
}

const NENPO_CONFIG: &str = "default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\ntheme = \"bench\"\n[title]\nja = \"年報\"\nen = \"Annual report\"\n";

const BENCH_SECTION: &str = "{% extends \"base.html\" %}{% block list %}<ul>{% for c in page.children %}<li><a href=\"{{ root }}{{ c.url }}\">{{ c.title }}</a></li>{% endfor %}</ul>{% endblock list %}";

const ZOLA_CONFIG: &str = "base_url = \"/\"\ntitle = \"年報\"\ndefault_language = \"ja\"\ncompile_sass = false\ngenerate_feeds = false\nbuild_search_index = true\n[search]\nindex_format = \"fuse_json\"\n[languages.en]\ntitle = \"Annual report\"\nbuild_search_index = true\n";

const ZOLA_SECTION: &str = "{% extends \"base.html\" %}{% block list %}<ul>{% for c in section.pages %}<li><a href=\"{{ c.permalink }}\">{{ c.title }}</a></li>{% endfor %}</ul>{% endblock list %}";

const ZOLA_BASE: &str = r##"{% if page %}{% set this = page %}{% else %}{% set this = section %}{% endif %}{% if lang == config.default_language %}{% set home_path = "_index.md" %}{% else %}{% set home_path = "_index." ~ lang ~ ".md" %}{% endif %}{% set home = get_section(path=home_path, metadata_only=true) %}<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ this.title }} | {{ config.title }}</title></head>
<body><nav>{% for s in home.subsections %}{% set sec = get_section(path=s, metadata_only=true) %}<a href="{{ sec.permalink }}">{{ sec.title }}</a> {% endfor %}</nav>
{% for t in this.translations %}<a href="{{ t.permalink }}" hreflang="{{ t.lang }}">{{ t.lang }}</a>{% endfor %}
<main><h1>{{ this.title }}</h1><ol>{% for h in this.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a></li>{% endfor %}</ol>
{{ this.content | safe }}{% block list %}{% endblock list %}
{% if page and page.lower %}<a href="{{ page.lower.permalink }}">{{ page.lower.title }}</a>{% endif %}
{% if page and page.higher %}<a href="{{ page.higher.permalink }}">{{ page.higher.title }}</a>{% endif %}</main></body></html>
"##;

const HUGO_CONFIG: &str = "baseURL = \"/\"\nrelativeURLs = true\nuglyURLs = false\ndefaultContentLanguage = \"ja\"\ndefaultContentLanguageInSubdir = true\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n[languages.ja]\ncontentDir = \"content/ja\"\ntitle = \"年報\"\nweight = 1\n[languages.en]\ncontentDir = \"content/en\"\ntitle = \"Annual report\"\nweight = 2\n[markup.goldmark.renderer]\nunsafe = true\n";

const HUGO_LIST: &str = "{{ define \"main\" }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}";

const BENCH_BASE: &str = r##"<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ page.title }} | {{ config.title }}</title></head>
<body><nav>{% for s in sections %}<a href="{{ root }}{{ s.url }}">{{ s.title }}</a> {% endfor %}</nav>
{% for t in page.translations %}<a href="{{ root }}{{ t.url }}" hreflang="{{ t.lang }}">{{ t.lang }}</a>{% endfor %}
<main><h1>{{ page.title }}</h1><ol>{% for h in page.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a></li>{% endfor %}</ol>
{{ page.content | safe }}{% block list %}{% endblock list %}
{% if page.previous %}<a href="{{ root }}{{ page.previous.url }}">{{ page.previous.title }}</a>{% endif %}
{% if page.next %}<a href="{{ root }}{{ page.next.url }}">{{ page.next.title }}</a>{% endif %}</main></body></html>
"##;

const HUGO_BASE: &str = r#"<!DOCTYPE html>
<html lang="{{ .Lang }}"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body><nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Lang }}">{{ .Lang }}</a>{{ end }}
<main><h1>{{ .Title }}</h1>{{ .TableOfContents }}
{{ .Content }}{{ block "main" . }}{{ end }}
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</main></body></html>
"#;
