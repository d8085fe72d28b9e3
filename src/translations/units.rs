//! Units: every text of the site that exists in several languages, one per place (a block of a
//! page body, a title, a record text, a CSV cell, an interface string), each language's text with
//! the place it is written in (or would be written in, for a missing translation).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use toml_edit::{Item, TableLike, Value};

use crate::config::{Config, CONFIG_FILE};
use crate::error::{Diagnostic, Diagnostics};
use crate::fs;
use crate::load::{self, PageSource, RecordSource, Sources};
use crate::parse::front_matter;

/// How a unit's text is written: what a translator must keep as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markup {
    /// Markdown inline: links, emphasis, code, images, HTML are kept as inline codes.
    Markdown,
    /// An interface string: `{name}` is filled by the template and kept as an inline code.
    Template,
    /// Plain text (titles, record texts).
    Plain,
}

/// How a new text is written into its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// A Markdown block: lines after the first start with `prefix` (the list item's or quote's
    /// indentation); a table cell stays on one line.
    Block { prefix: String, cell: bool },
    /// A TOML string (written with toml_edit's own quoting).
    TomlString,
    /// A CSV cell (quoted where it must be).
    CsvCell,
}

/// Where a text goes in its file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// In place of these bytes.
    Replace(Range<usize>),
    /// Inserted at `at`, between `before` and `after`.
    Insert {
        at: usize,
        before: String,
        after: String,
    },
    /// A key of an interface strings file that does not have it yet (dotted path).
    TomlKey(Vec<String>),
}

/// One language's side of a unit.
#[derive(Clone, Debug)]
pub struct Slot {
    /// The text, `None` where this language has none yet.
    pub text: Option<String>,
    /// The file it is (or will be) written in, shown relative to the site folder.
    pub file: String,
    pub edit: Edit,
    pub encoding: Encoding,
    /// 1-based line of the text in its file (of the place it would go, when missing).
    pub line: usize,
}

#[derive(Clone, Debug)]
pub struct Unit {
    /// Stable id: the language-neutral file and the place in it, `content/2021/a.md#3`,
    /// `content/2021/projects.toml#projects[0].title`, `i18n#search.placeholder`.
    pub id: String,
    /// What it is listed under: the language-neutral page or file (`content/2021/a.md`).
    pub group: String,
    pub markup: Markup,
    /// The language the original is written in.
    pub original: String,
    /// Every language's text, the original's included.
    pub slots: BTreeMap<String, Slot>,
}

impl Unit {
    pub fn original_text(&self) -> Option<&str> {
        self.slots.get(&self.original)?.text.as_deref()
    }
}

/// A file units are written into: its current text, or for a page that does not exist yet the
/// text it is made from (its original's).
#[derive(Clone, Debug)]
pub struct Base {
    pub text: Arc<str>,
    pub exists: bool,
}

/// Every unit of a site, in reading order, with the files they live in.
#[derive(Debug, Default)]
pub struct Catalog {
    pub languages: Vec<String>,
    pub default_language: String,
    pub units: Vec<Unit>,
    pub files: BTreeMap<String, Base>,
    /// Page groups → (language → language-specific page key), for the notice and `diff`.
    pub pages: BTreeMap<String, BTreeMap<String, String>>,
}

/// Reads the site under `root` and lists its units; problems that keep a file from being read
/// are returned (the same a build reports).
pub fn collect(root: &Path) -> Result<Catalog, Vec<Diagnostic>> {
    let config = Config::load(root).map_err(|d| vec![d])?;
    let mut diags = Diagnostics::default();
    let sources = load::load(root, &config, &mut diags);
    if diags.has_errors() {
        diags.sort();
        return Err(diags.0.into_iter().filter(Diagnostic::is_error).collect());
    }
    let mut catalog = from_sources(&config, &sources)?;
    let config_text = fs::read_text(&root.join(CONFIG_FILE), CONFIG_FILE).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    record_units(
        &mut catalog,
        &RecordSource {
            file: CONFIG_FILE.to_string(),
            id: String::new(),
            text: config_text,
            bytes: None,
        },
        &mut problems,
    );
    interface_units(&mut catalog, root, &config, &mut problems);
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(problems)
    }
}

/// The units of content pages and records (no config.toml, no interface strings): what a build
/// needs to know which pages are out of date.
pub fn from_sources(config: &Config, sources: &Sources) -> Result<Catalog, Vec<Diagnostic>> {
    let mut catalog = Catalog {
        languages: config.languages.clone(),
        default_language: config.default_language.clone(),
        ..Catalog::default()
    };
    let mut problems = Vec::new();
    let mut by_key: BTreeMap<&str, Vec<&PageSource>> = BTreeMap::new();
    for page in &sources.pages {
        by_key.entry(&page.key).or_default().push(page);
    }
    // Reading order of the files: sorted by key, as `load` lists them.
    for pages in by_key.values() {
        if let Err(d) = page_units(&mut catalog, pages) {
            problems.push(d);
        }
    }
    for record in &sources.records {
        record_units(&mut catalog, record, &mut problems);
    }
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(problems)
    }
}

/// `content/a.ja.md` → `content/a.md`.
pub fn neutral_file(file: &str, lang: &str) -> String {
    match file.strip_suffix(&format!(".{lang}.md")) {
        Some(stem) => format!("{stem}.md"),
        None => file.to_string(),
    }
}

fn language_file(neutral: &str, lang: &str) -> String {
    format!("{}.{lang}.md", neutral.trim_end_matches(".md"))
}

fn line_of(text: &str, at: usize) -> usize {
    crate::error::line_col(text, at.min(text.len())).0
}

/// Where a unit is in a page's parts: its text and place.
type PlaceIn<'a> = dyn Fn(&PageParts) -> Option<(String, Edit, Encoding)> + 'a;
/// Where a unit a page does not have yet would go.
type FallbackIn<'a> = dyn Fn(&PageParts) -> Option<(Edit, Encoding)> + 'a;

/// A page's translatable parts in one language.
struct PageParts {
    text: Arc<str>,
    title: Option<(String, Range<usize>)>,
    description: Option<(String, Range<usize>)>,
    /// Where a missing description goes: the end of the title's line.
    after_title: usize,
    blocks: Vec<Block>,
    original: Option<(String, Range<usize>)>,
}

fn page_parts(page: &PageSource) -> Result<PageParts, Diagnostic> {
    let split = front_matter::split(&page.file, &page.text)?;
    let body_offset = split.body_offset;
    let text = &page.text;
    // The front matter is between the first line and the closing `+++`.
    let toml_start = text.find('\n').map_or(0, |i| i + 1);
    let toml_end = text[..body_offset]
        .trim_end_matches('\n')
        .rfind('\n')
        .map_or(toml_start, |i| i + 1)
        .max(toml_start);
    let doc = toml_edit::Document::parse(&text[toml_start..toml_end])
        .map_err(|e| Diagnostic::error(&page.file, format!("front matter: {e}")))?;
    let string_at = |key: &str| -> Option<(String, Range<usize>)> {
        let value = doc.as_item().get(key)?.as_value()?;
        let span = value.span()?;
        Some((
            value.as_str()?.to_string(),
            toml_start + span.start..toml_start + span.end,
        ))
    };
    let title = string_at("title");
    let after_title = title.as_ref().map_or(toml_start, |(_, r)| {
        text[r.end..].find('\n').map_or(text.len(), |i| r.end + i)
    });
    Ok(PageParts {
        title,
        description: string_at("description"),
        original: string_at("original"),
        after_title,
        blocks: blocks(&text[body_offset..])
            .into_iter()
            .map(|b| Block {
                range: b.range.start + body_offset..b.range.end + body_offset,
                ..b
            })
            .collect(),
        text: text.clone(),
    })
}

fn page_units(catalog: &mut Catalog, pages: &[&PageSource]) -> Result<(), Diagnostic> {
    let mut parts = BTreeMap::new();
    for page in pages {
        parts.insert(page.lang.clone(), (page, page_parts(page)?));
    }
    // The original: a page says so in its front matter, else the site's default language.
    let mut original = catalog.default_language.clone();
    for (page, p) in parts.values() {
        if let Some((lang, _)) = &p.original {
            let split = front_matter::split(&page.file, &page.text)?;
            if let Some(d) =
                front_matter::check_original(&page.file, &page.text, &split, &catalog.languages)
            {
                return Err(d);
            }
            original = lang.clone();
        }
    }
    let Some((first, source)) = parts.get(&original) else {
        // No original to translate from: the build reports the missing page.
        return Ok(());
    };
    let group = neutral_file(&first.file, &original);
    let mut keys = BTreeMap::new();
    for (lang, (page, p)) in &parts {
        keys.insert(lang.clone(), page.key.clone());
        catalog.files.insert(
            page.file.clone(),
            Base {
                text: p.text.clone(),
                exists: true,
            },
        );
    }
    catalog.pages.insert(group.clone(), keys);
    // A language without the page: it is made from the original's file.
    let slots_of = |place: &PlaceIn<'_>, fallback: &FallbackIn<'_>| -> BTreeMap<String, Slot> {
        let mut slots = BTreeMap::new();
        for lang in &catalog.languages {
            let (file, p, exists) = match parts.get(lang) {
                Some((page, p)) => (page.file.clone(), p, true),
                None => (language_file(&group, lang), source, false),
            };
            let found = if exists { place(p) } else { None };
            let slot = match found {
                Some((text, edit, encoding)) => {
                    let at = match &edit {
                        Edit::Replace(r) => r.start,
                        Edit::Insert { at, .. } => *at,
                        Edit::TomlKey(_) => 0,
                    };
                    Slot {
                        text: Some(text),
                        file,
                        line: line_of(&p.text, at),
                        edit,
                        encoding,
                    }
                }
                None => {
                    let base = if exists { p } else { source };
                    // A new page is made from the original's text: each text at the original's
                    // place in it.
                    let found = if exists {
                        fallback(p)
                    } else {
                        place(source).map(|(_, e, enc)| (e, enc))
                    };
                    let Some((edit, encoding)) = found else {
                        continue;
                    };
                    let at = match &edit {
                        Edit::Replace(r) => r.start,
                        Edit::Insert { at, .. } => *at,
                        Edit::TomlKey(_) => 0,
                    };
                    Slot {
                        text: None,
                        file,
                        line: line_of(&base.text, at),
                        edit,
                        encoding,
                    }
                }
            };
            slots.insert(lang.clone(), slot);
        }
        slots
    };
    let mut units = Vec::new();
    let title = slots_of(
        &|p| {
            p.title
                .clone()
                .map(|(t, r)| (t, Edit::Replace(r), Encoding::TomlString))
        },
        &|_| None,
    );
    units.push(("title".to_string(), Markup::Plain, title));
    if source.description.is_some() {
        let description = slots_of(
            &|p| {
                p.description
                    .clone()
                    .map(|(t, r)| (t, Edit::Replace(r), Encoding::TomlString))
            },
            &|p| {
                Some((
                    Edit::Insert {
                        at: p.after_title,
                        before: "\ndescription = ".into(),
                        after: String::new(),
                    },
                    Encoding::TomlString,
                ))
            },
        );
        units.push(("description".to_string(), Markup::Plain, description));
    }
    let count = parts
        .values()
        .map(|(_, p)| p.blocks.len())
        .max()
        .unwrap_or(0);
    for i in 0..count {
        let slots = slots_of(
            &|p| {
                p.blocks.get(i).map(|b| {
                    (
                        b.text(&p.text),
                        Edit::Replace(b.range.clone()),
                        Encoding::Block {
                            prefix: b.prefix.clone(),
                            cell: b.cell,
                        },
                    )
                })
            },
            &|p| {
                // After the last block: a block of its own, marked up as the original's is.
                let lead = source.blocks.get(i).map(|b| b.lead.clone())?;
                let end = p.text.trim_end().len();
                Some((
                    Edit::Insert {
                        at: end,
                        before: format!("\n\n{lead}"),
                        after: String::new(),
                    },
                    Encoding::Block {
                        prefix: " ".repeat(lead.chars().count()),
                        cell: false,
                    },
                ))
            },
        );
        units.push(((i + 1).to_string(), Markup::Markdown, slots));
    }
    for (place, markup, slots) in units {
        catalog.units.push(Unit {
            id: format!("{group}#{place}"),
            group: group.clone(),
            markup,
            original: original.clone(),
            slots,
        });
    }
    Ok(())
}

/// A block of a Markdown body: the text of a paragraph, heading, list item or table cell.
#[derive(Clone, Debug)]
pub struct Block {
    /// Its inline content (without the `## `, `- `, `| ` around it).
    pub range: Range<usize>,
    /// What continues its lines (the indentation of a list item, `> ` of a quote).
    pub prefix: String,
    /// The text before it on its first line (`## `, `- `).
    pub lead: String,
    pub cell: bool,
}

impl Block {
    /// Its text, with the continuation prefixes removed.
    pub fn text(&self, source: &str) -> String {
        strip_prefix(&source[self.range.clone()], &self.prefix)
    }
}

/// `text` with `prefix` (or, for a lazy continuation line, its leading blanks) removed from every
/// line after the first.
pub fn strip_prefix(text: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(match line.strip_prefix(prefix) {
                Some(rest) => rest,
                None => line.trim_start_matches([' ', '\t']),
            });
        } else {
            out.push_str(line);
        }
    }
    out
}

pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The blocks of a Markdown body, in reading order, from pulldown-cmark's own offsets.
pub fn blocks(body: &str) -> Vec<Block> {
    // Each open container: (is a table cell, the span of its inline content so far); `None`
    // for a container whose text is not translated (code, HTML).
    let mut stack: Vec<Option<(bool, Option<Range<usize>>)>> = Vec::new();
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item) => {
                stack.push(Some((false, None)))
            }
            Event::Start(Tag::TableCell) => stack.push(Some((true, None))),
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => {
                stack.push(None)
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::MetadataBlock(_),
            ) => {
                if let Some(Some((cell, Some(span)))) = stack.pop() {
                    found.push((span, cell));
                }
            }
            Event::Start(
                Tag::List(_)
                | Tag::BlockQuote(_)
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition,
            )
            | Event::End(_)
            | Event::Rule => {}
            // Inline content: it belongs to the innermost open block.
            _ => {
                if let Some(Some((_, span))) = stack.last_mut() {
                    *span = Some(match span.take() {
                        Some(s) => s.start.min(range.start)..s.end.max(range.end),
                        None => range,
                    });
                }
            }
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    found
        .into_iter()
        .map(|(range, cell)| {
            let line_start = body[..range.start].rfind('\n').map_or(0, |i| i + 1);
            let lead = body[line_start..range.start].to_string();
            let prefix = lead
                .chars()
                .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
                .collect();
            Block {
                range,
                prefix,
                lead,
                cell,
            }
        })
        .collect()
}

/// A TOML key as written in a path: bare where it can be.
pub fn key_text(key: &str) -> String {
    toml_edit::Key::new(key).display_repr().to_string()
}

/// Record texts: every table whose keys are all languages of the site, and CSV columns
/// `key.<lang>`.
fn record_units(catalog: &mut Catalog, record: &RecordSource, problems: &mut Vec<Diagnostic>) {
    if record.file.ends_with(".csv") {
        csv_units(catalog, record, problems);
        return;
    }
    let doc = match toml_edit::Document::parse(record.text.as_ref()) {
        Ok(doc) => doc,
        Err(e) => {
            let d = Diagnostic::error(&record.file, format!("TOML: {}", e.message()));
            problems.push(match e.span() {
                Some(span) => d.at(&record.text, span),
                None => d,
            });
            return;
        }
    };
    catalog.files.insert(
        record.file.clone(),
        Base {
            text: record.text.clone(),
            exists: true,
        },
    );
    let Some(root) = doc.as_item().as_table_like() else {
        return;
    };
    let mut found = Vec::new();
    walk_table(root, false, "", &catalog.languages, &mut found);
    for (path, table, inline) in found {
        if let Some(unit) = text_unit(catalog, record, &path, table, inline) {
            catalog.units.push(unit);
        }
    }
}

fn walk_item<'a>(
    item: &'a Item,
    path: &str,
    languages: &[String],
    out: &mut Vec<(String, &'a dyn TableLike, bool)>,
) {
    match item {
        Item::Table(t) => walk_table(t, false, path, languages, out),
        Item::ArrayOfTables(a) => {
            for (i, t) in a.iter().enumerate() {
                walk_table(t, false, &format!("{path}[{i}]"), languages, out);
            }
        }
        Item::Value(v) => walk_value(v, path, languages, out),
        Item::None => {}
    }
}

fn walk_value<'a>(
    value: &'a Value,
    path: &str,
    languages: &[String],
    out: &mut Vec<(String, &'a dyn TableLike, bool)>,
) {
    match value {
        Value::InlineTable(t) => walk_table(t, true, path, languages, out),
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                walk_value(v, &format!("{path}[{i}]"), languages, out);
            }
        }
        _ => {}
    }
}

fn walk_table<'a>(
    table: &'a dyn TableLike,
    inline: bool,
    path: &str,
    languages: &[String],
    out: &mut Vec<(String, &'a dyn TableLike, bool)>,
) {
    let is_text = !table.is_empty()
        && table.iter().all(|(k, v)| {
            languages.iter().any(|l| l == k) && v.as_value().is_some_and(|v| v.as_str().is_some())
        });
    if is_text && !path.is_empty() {
        out.push((path.to_string(), table, inline));
        return;
    }
    for (key, item) in table.iter() {
        let sub = if path.is_empty() {
            key_text(key)
        } else {
            format!("{path}.{}", key_text(key))
        };
        walk_item(item, &sub, languages, out);
    }
}

fn text_unit(
    catalog: &Catalog,
    record: &RecordSource,
    path: &str,
    table: &dyn TableLike,
    inline: bool,
) -> Option<Unit> {
    let original = catalog.default_language.clone();
    table.get(&original)?;
    let last_end = table
        .iter()
        .filter_map(|(_, v)| v.as_value()?.span())
        .map(|s| s.end)
        .max()?;
    let mut slots = BTreeMap::new();
    for lang in &catalog.languages {
        let value = table.get(lang).and_then(Item::as_value);
        let slot = match value.and_then(|v| Some((v.as_str()?.to_string(), v.span()?))) {
            Some((text, span)) => Slot {
                text: Some(text),
                file: record.file.clone(),
                line: line_of(&record.text, span.start),
                edit: Edit::Replace(span),
                encoding: Encoding::TomlString,
            },
            None => {
                let (at, before) = if inline {
                    (last_end, format!(", {} = ", key_text(lang)))
                } else {
                    let eol = record.text[last_end..]
                        .find('\n')
                        .map_or(record.text.len(), |i| last_end + i);
                    (eol, format!("\n{} = ", key_text(lang)))
                };
                Slot {
                    text: None,
                    file: record.file.clone(),
                    line: line_of(&record.text, at),
                    edit: Edit::Insert {
                        at,
                        before,
                        after: String::new(),
                    },
                    encoding: Encoding::TomlString,
                }
            }
        };
        slots.insert(lang.clone(), slot);
    }
    Some(Unit {
        id: format!("{}#{path}", record.file),
        group: record.file.clone(),
        markup: Markup::Plain,
        original,
        slots,
    })
}

/// The raw byte range of every cell of a CSV text, row by row (RFC 4180: `"` quotes, `""` in
/// quotes is one quote).
pub fn csv_cells(text: &str) -> Vec<Vec<Range<usize>>> {
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if quoted && bytes.get(i + 1) == Some(&b'"') => i += 1,
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                row.push(start..i);
                start = i + 1;
            }
            b'\n' if !quoted => {
                let end = if i > start && bytes[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                row.push(start..end);
                rows.push(std::mem::take(&mut row));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() || !row.is_empty() {
        row.push(start..bytes.len());
        rows.push(row);
    }
    rows
}

/// A CSV cell's value.
pub fn csv_value(raw: &str) -> String {
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => raw.to_string(),
    }
}

fn csv_units(catalog: &mut Catalog, record: &RecordSource, problems: &mut Vec<Diagnostic>) {
    let text = &record.text;
    let rows = csv_cells(text);
    let Some(header) = rows.first() else {
        return;
    };
    catalog.files.insert(
        record.file.clone(),
        Base {
            text: text.clone(),
            exists: true,
        },
    );
    // Column key → language → column.
    let mut columns: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut order = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let name = csv_value(&text[cell.clone()]).trim().to_string();
        if let Some((key, lang)) = name.rsplit_once('.') {
            if catalog.languages.iter().any(|l| l == lang) {
                if !columns.contains_key(key) {
                    order.push(key.to_string());
                }
                columns
                    .entry(key.to_string())
                    .or_default()
                    .insert(lang.to_string(), i);
            }
        }
    }
    let original = catalog.default_language.clone();
    for (r, row) in rows.iter().enumerate().skip(1) {
        if row.len() == 1 && row[0].is_empty() {
            continue;
        }
        for key in &order {
            let by_lang = &columns[key];
            if !by_lang.contains_key(&original) {
                continue;
            }
            let mut slots = BTreeMap::new();
            for (lang, &column) in by_lang {
                let Some(cell) = row.get(column) else {
                    problems.push(
                        Diagnostic::error(
                            &record.file,
                            format!("row {r} has no cell for the column `{key}.{lang}`"),
                        )
                        .at(text, row[0].start..row[0].start + 1),
                    );
                    continue;
                };
                let value = csv_value(&text[cell.clone()]);
                slots.insert(
                    lang.clone(),
                    Slot {
                        text: (!value.is_empty()).then_some(value),
                        file: record.file.clone(),
                        line: line_of(text, cell.start),
                        edit: Edit::Replace(cell.clone()),
                        encoding: Encoding::CsvCell,
                    },
                );
            }
            catalog.units.push(Unit {
                id: format!("{}#{r}.{key}", record.file),
                group: record.file.clone(),
                markup: Markup::Plain,
                original: original.clone(),
                slots,
            });
        }
    }
}

/// An interface string as defined in a file: (file, text, where its value is).
type Defined = (String, String, Range<usize>);

/// The group of the interface strings.
pub const INTERFACE: &str = "i18n";

/// Interface strings: the keys the site's own `i18n/<lang>.toml` and its theme folder's
/// `themes/<name>/i18n/<lang>.toml` define (the built-in theme's are nenpo's, not the site's).
fn interface_units(
    catalog: &mut Catalog,
    root: &Path,
    config: &Config,
    problems: &mut Vec<Diagnostic>,
) {
    // Language → key → (file, text, value span); later layers win.
    let mut defined: BTreeMap<String, BTreeMap<String, Defined>> = BTreeMap::new();
    let mut layers = Vec::new();
    if !config.theme.is_empty() {
        layers.push(format!("themes/{}/i18n", config.theme));
    }
    layers.push("i18n".to_string());
    for layer in &layers {
        // Listed as the build lists them: nothing hidden, no link out of the site folder.
        let (files, _) = fs::files_under(root, &root.join(layer));
        for lang in &catalog.languages {
            let shown = format!("{layer}/{lang}.toml");
            let Some((path, _)) = files
                .iter()
                .find(|(_, rel)| rel.to_str() == Some(&format!("{lang}.toml")))
            else {
                continue;
            };
            let text = match fs::read_text(path, &shown) {
                Ok(t) => t,
                Err(d) => {
                    problems.push(d);
                    continue;
                }
            };
            let doc = match toml_edit::Document::parse(text.as_ref()) {
                Ok(doc) => doc,
                Err(e) => {
                    let d = Diagnostic::error(&shown, e.message().to_string());
                    problems.push(match e.span() {
                        Some(span) => d.at(&text, span),
                        None => d,
                    });
                    continue;
                }
            };
            let mut flat = Vec::new();
            if let Some(t) = doc.as_item().as_table_like() {
                flatten(t, "", &mut flat);
            }
            for (key, value, span) in flat {
                defined
                    .entry(lang.clone())
                    .or_default()
                    .insert(key, (shown.clone(), value, span));
            }
            catalog.files.insert(shown, Base { text, exists: true });
        }
    }
    let mut keys: Vec<&String> = defined.values().flat_map(|k| k.keys()).collect();
    keys.sort();
    keys.dedup();
    let original = catalog.default_language.clone();
    let mut units = Vec::new();
    for key in keys {
        if !defined.get(&original).is_some_and(|k| k.contains_key(key)) {
            continue;
        }
        let mut slots = BTreeMap::new();
        for lang in &catalog.languages {
            let slot = match defined.get(lang).and_then(|k| k.get(key)) {
                Some((file, value, span)) => Slot {
                    text: Some(value.clone()),
                    file: file.clone(),
                    line: catalog
                        .files
                        .get(file)
                        .map_or(1, |b| line_of(&b.text, span.start)),
                    edit: Edit::Replace(span.clone()),
                    encoding: Encoding::TomlString,
                },
                None => Slot {
                    text: None,
                    file: format!("i18n/{lang}.toml"),
                    line: 1,
                    edit: Edit::TomlKey(key.split('.').map(str::to_string).collect()),
                    encoding: Encoding::TomlString,
                },
            };
            slots.insert(lang.clone(), slot);
        }
        units.push(Unit {
            id: format!("{INTERFACE}#{key}"),
            group: INTERFACE.to_string(),
            markup: Markup::Template,
            original: original.clone(),
            slots,
        });
    }
    catalog.units.extend(units);
}

fn flatten(table: &dyn TableLike, prefix: &str, out: &mut Vec<(String, String, Range<usize>)>) {
    for (key, item) in table.iter() {
        let full = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        if let Some(t) = item.as_table_like() {
            flatten(t, &full, out);
        } else if let Some(v) = item.as_value() {
            if let (Some(s), Some(span)) = (v.as_str(), v.span()) {
                out.push((full, s.to_string(), span));
            }
        }
    }
}
