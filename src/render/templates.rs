//! Loading templates: built-in defaults, overridden by the theme's, overridden by the site's own
//! `templates/`; and turning Tera's errors into located diagnostics.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error as _;
use std::path::Path;
use std::sync::Arc;

use tera::ast::{Expr, ExprVal, Node};
use tera::{Context, Tera};

use super::limits;
use super::strings::{Strings, TranslateFunction};
use crate::error::Diagnostic;
use crate::fs;
use crate::theme::{self, ThemeFile};

/// Defaults that make a site build with no theme at all.
const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("builtin/base.html")),
    ("index.html", include_str!("builtin/index.html")),
    ("section.html", include_str!("builtin/section.html")),
    ("page.html", include_str!("builtin/page.html")),
    ("languages.html", include_str!("builtin/languages.html")),
    ("archive.html", include_str!("builtin/archive.html")),
];

/// Every record in every language: id → language → value.
pub type RecordsByLanguage = BTreeMap<String, BTreeMap<String, serde_json::Value>>;

/// `record(id="glossary/common", lang="en")`: a record in any language, e.g. to show a glossary
/// term beside its translation. `records` in the context holds the page's language only. In a
/// series, `edition="2020"` reads the record of that edition (`record(id, lang, edition=…)`).
struct RecordFunction(Arc<RecordsByLanguage>, Arc<BTreeSet<String>>);

thread_local! {
    /// A record with errors of its own that the page being rendered asked for: its failure to
    /// render is a consequence, not another error.
    static READ_BROKEN: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The records a template may read besides `page.records` (which is part of the page): through
/// the `records` global and the `record()` function, in the template itself, its parents and what
/// it includes or imports. Found from the parsed templates: a literal id (`records.projects`,
/// `records["glossary/common"]`, `record(id="projects", …)`) is that record; any other use
/// (`records[id]`, a loop over `records`, `record(id=id)`) counts as reading every record.
/// Incremental rebuilds use it to re-render exactly the pages that read an edited record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordReads {
    pub all: bool,
    /// Ids as templates name them: within an edition, without the edition's folder.
    pub ids: BTreeSet<String>,
    /// Whether it calls `series()`, which reads the key figures of pages across editions.
    pub series: bool,
}

impl RecordReads {
    /// Whether a page rendered with this template may show record `id` (its full id: in a
    /// series of editions `2021/projects` is read as `projects`).
    pub fn reads(&self, id: &str) -> bool {
        self.all
            || self.ids.contains(id)
            || id
                .match_indices('/')
                .any(|(at, _)| self.ids.contains(&id[at + 1..]))
    }

    fn add(&mut self, other: &RecordReads) {
        self.all |= other.all;
        self.series |= other.series;
        self.ids.extend(other.ids.iter().cloned());
    }
}

impl tera::Function for RecordFunction {
    fn call(
        &self,
        args: &std::collections::HashMap<String, serde_json::Value>,
    ) -> tera::Result<serde_json::Value> {
        let arg = |name: &str| {
            args.get(name)
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| tera::Error::msg(format!("record() needs `{name}=\"…\"`")))
        };
        let (id, lang) = (arg("id")?, arg("lang")?);
        let edition = args.get("edition").and_then(serde_json::Value::as_str);
        let full = match edition {
            Some(e) => format!("{e}/{id}"),
            None => id.to_string(),
        };
        let id = full.as_str();
        if self.1.contains(id) {
            READ_BROKEN.with(|r| *r.borrow_mut() = Some(id.to_string()));
        }
        self.0
            .get(id)
            .and_then(|by_lang| by_lang.get(lang))
            .cloned()
            .ok_or_else(|| {
                tera::Error::msg(format!("record(): there is no record `{id}` in `{lang}`"))
            })
    }
}

pub struct Templates {
    /// One Tera per language: `t()` knows the language it renders for.
    by_lang: BTreeMap<String, Tera>,
    /// Name → (shown path, text), to locate render errors.
    sources: BTreeMap<String, (String, Arc<str>)>,
    /// What loading skipped with a warning (editor leftovers in `templates/`), for the caller to
    /// report: a warning is never dropped.
    pub warnings: Vec<Diagnostic>,
    /// Name → the records it reads (with its parents, includes and imports).
    reads: BTreeMap<String, RecordReads>,
    /// The interface strings, for the words of `series()`'s charts on a rebuild.
    strings: Arc<Strings>,
}

impl Templates {
    /// Loads templates from `theme` (its files, if the site has a theme) and the site's
    /// `templates/` under `root`. Every syntax error is reported. `records` (id → language →
    /// record) backs `record(id, lang)`, `strings` backs `t(key)`.
    pub fn load(
        root: &Path,
        theme: Option<&[ThemeFile]>,
        records: Arc<RecordsByLanguage>,
        broken_records: Arc<BTreeSet<String>>,
        strings: Arc<Strings>,
        figures: Arc<super::series::Figures>,
        languages: &[String],
    ) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, (String, Arc<str>)> = BUILT_IN
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    (format!("(built-in) {name}"), Arc::from(*text)),
                )
            })
            .collect();
        let mut problems = Vec::new();
        for (name, file) in theme
            .map(|t| theme::part(t, "templates").collect::<Vec<_>>())
            .unwrap_or_default()
        {
            match file.text() {
                Ok(text) => {
                    sources.insert(name.to_string(), (file.shown.clone(), text));
                }
                Err(d) => problems.push(d),
            }
        }
        let (files, walk_problems) = fs::files_under(root, &root.join("templates"));
        let (walk_errors, warnings): (Vec<_>, Vec<_>) =
            walk_problems.into_iter().partition(Diagnostic::is_error);
        problems.extend(walk_errors);
        for (path, rel) in files {
            let name = fs::display_path(Path::new(""), &rel);
            let shown = fs::display_path(root, &path);
            match fs::read_text(&path, &shown) {
                Ok(text) => {
                    sources.insert(name, (shown, text));
                }
                Err(d) => problems.push(d),
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which turns every relative URL into `..&#x2F;`.
        tera.set_escape_fn(escape_html);
        // One parse of every template; only when that fails is each file parsed alone, so that
        // every syntax error is reported, each with its file.
        let added =
            tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_ref())));
        if added.is_err() || !problems.is_empty() {
            for (name, (shown, text)) in &sources {
                if let Err(e) = tera::Template::new(name, None, text) {
                    problems.push(located(
                        shown,
                        text,
                        &e,
                        "fix the template syntax (Tera: {{ … }}, {% … %})",
                    ));
                }
            }
            if !problems.is_empty() {
                problems.extend(warnings);
                return Err(problems);
            }
            if let Err(e) = added {
                return Err(vec![Diagnostic::error("templates", chain(&e)).help(
                    "a template extends or includes a template that does not exist; check the names",
                )]);
            }
        }
        if let Some(cycle) = limits::include_cycle(&tera) {
            let (shown, _) = &sources[&cycle[0]];
            let chain = cycle
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(" includes ");
            return Err(vec![Diagnostic::error(
                shown,
                format!("the template `{}` includes itself: {chain}", cycle[0]),
            )
            .help("an include of itself never ends: take the include out, or write the repeated part as a macro whose recursion ends")]);
        }
        limits::add_guards(&mut tera);
        tera.register_function("record", RecordFunction(records, broken_records.clone()));
        let reads = sources
            .keys()
            .map(|name| (name.clone(), closure_reads(&tera, name)))
            .collect();
        let by_lang = languages
            .iter()
            .map(|lang| {
                let mut t = tera.clone();
                t.register_function(
                    "t",
                    TranslateFunction {
                        strings: strings.clone(),
                        lang: lang.clone(),
                    },
                );
                let words = crate::chart::Words::of(&strings, lang);
                t.register_function("chart", crate::chart::ChartFunction(words.clone()));
                t.register_function(
                    "series",
                    super::series::SeriesFunction(figures.clone(), words),
                );
                t.register_function(
                    "number",
                    crate::numbers::NumberFunction { lang: lang.clone() },
                );
                (lang.clone(), t)
            })
            .collect();
        Ok(Templates {
            by_lang,
            sources,
            warnings,
            reads,
            strings,
        })
    }

    /// Replaces what `record()` and `series()` read (a renderer over another version of the
    /// site: an incremental rebuild).
    pub fn set_site_data(
        &mut self,
        records: Arc<RecordsByLanguage>,
        broken_records: Arc<BTreeSet<String>>,
        figures: Arc<super::series::Figures>,
    ) {
        for (lang, tera) in self.by_lang.iter_mut() {
            tera.register_function(
                "record",
                RecordFunction(records.clone(), broken_records.clone()),
            );
            tera.register_function(
                "series",
                super::series::SeriesFunction(
                    figures.clone(),
                    crate::chart::Words::of(&self.strings, lang),
                ),
            );
        }
    }

    /// The records a page rendered with template `name` may read besides its own `records`.
    pub fn record_reads(&self, name: &str) -> RecordReads {
        self.reads.get(name).cloned().unwrap_or(RecordReads {
            all: true,
            ids: BTreeSet::new(),
            series: true,
        })
    }

    /// Names of the page templates (partials left out).
    pub fn names(&self) -> Vec<&str> {
        self.sources
            .keys()
            .map(String::as_str)
            .filter(|n| !n.contains('/'))
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Renders `name`; errors name the template, where in it, and the content file being rendered.
    pub fn render(
        &self,
        name: &str,
        context: &Context,
        rendering: &str,
    ) -> Result<String, Diagnostic> {
        if !self.has(name) {
            return Err(Diagnostic::error(
                rendering,
                format!("the template `{name}` does not exist"),
            )
            .help(format!("use one of: {}", self.names().join(", "))));
        }
        // Every context has `lang`; the language chooser renders in the default (first) one.
        let lang = context.get("lang").and_then(|v| v.as_str()).unwrap_or("");
        let tera = match self
            .by_lang
            .get(lang)
            .or_else(|| self.by_lang.values().next())
        {
            Some(tera) => tera,
            None => return Err(Diagnostic::error(rendering, "the site has no language")),
        };
        READ_BROKEN.with(|r| r.borrow_mut().take());
        let rendered = match limits::limited(|| tera.render(name, context)) {
            Ok(rendered) => rendered,
            Err((_, why)) => {
                let (shown, _) = &self.sources[name];
                return Err(Diagnostic::error(
                    shown.as_str(),
                    format!("{why} (while rendering {rendering})"),
                )
                .help("fix the template, or the content it goes through"));
            }
        };
        if let (Err(_), Some(id)) = (&rendered, READ_BROKEN.with(|r| r.borrow_mut().take())) {
            let (shown, _) = &self.sources[name];
            return Err(Diagnostic::warning(
                shown.as_str(),
                format!("{rendering} is not rendered: it shows the record `{id}`, which has errors of its own"),
            )
            .help("fix the record's errors (reported at the record)"));
        }
        rendered.map_err(|e| {
            let message = format!("{} (while rendering {rendering})", chain(&e));
            let (shown, text) = self.culprit(name, &message);
            let mut located = None;
            if let Some(var) = missing_variable(&message) {
                // The variable may sit in a parent template or an include: look there too.
                let candidates = std::iter::once((shown, text)).chain(self.sources.values().map(|(s, t)| (s.as_str(), t)));
                located = candidates
                    .filter_map(|(s, t)| find_expression(t, &var).map(|at| (s, t, at..at + var.len())))
                    .next();
            }
            let help = "check the variable and filter names in the template; see docs/templates.md for the variables every page has";
            match located {
                Some((shown, text, span)) => Diagnostic::error(shown, message).at(text, span).help(help),
                None => Diagnostic::error(shown, message).help(help),
            }
        })
    }

    /// The template an error message names last (the innermost), falling back to `name`.
    fn culprit(&self, name: &str, message: &str) -> (&str, &Arc<str>) {
        let named = message
            .rsplit('\'')
            .find(|part| self.sources.contains_key(*part))
            .unwrap_or(name);
        let (shown, text) = &self.sources[named];
        (shown, text)
    }
}

/// What template `name` reads of the records, with everything it extends, includes or imports.
fn closure_reads(tera: &Tera, name: &str) -> RecordReads {
    let mut reads = RecordReads::default();
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_string()];
    while let Some(next) = todo.pop() {
        if !seen.insert(next.clone()) {
            continue;
        }
        let Ok(template) = tera.get_template(&next) else {
            // Unknown here means unknown to Tera too: rendering reports it.
            continue;
        };
        todo.extend(template.parents.iter().cloned());
        todo.extend(template.imported_macro_files.iter().map(|(f, _)| f.clone()));
        let mut found = Found::default();
        found.nodes(&template.ast, false);
        reads.add(&found.reads);
        todo.extend(found.includes);
    }
    reads
}

/// Reads and includes found in one template's syntax tree.
#[derive(Default)]
struct Found {
    reads: RecordReads,
    includes: Vec<String>,
}

impl Found {
    /// `in_macro`: macros see only their arguments, so `records` there is not the global.
    fn nodes(&mut self, nodes: &[Node], in_macro: bool) {
        for node in nodes {
            match node {
                Node::VariableBlock(_, e) => self.expr(e, in_macro),
                Node::MacroDefinition(_, m, _) => {
                    for default in m.args.values().flatten() {
                        self.expr(default, true);
                    }
                    self.nodes(&m.body, true);
                }
                Node::Include(_, names, _) => self.includes.extend(names.iter().cloned()),
                Node::Set(_, set) => self.expr(&set.value, in_macro),
                Node::FilterSection(_, section, _) => {
                    self.args(&section.filter.args, in_macro);
                    self.nodes(&section.body, in_macro);
                }
                Node::Block(_, block, _) => self.nodes(&block.body, in_macro),
                Node::Forloop(_, l, _) => {
                    self.expr(&l.container, in_macro);
                    self.nodes(&l.body, in_macro);
                    if let Some(body) = &l.empty_body {
                        self.nodes(body, in_macro);
                    }
                }
                Node::If(i, _) => {
                    for (_, condition, body) in &i.conditions {
                        self.expr(condition, in_macro);
                        self.nodes(body, in_macro);
                    }
                    if let Some((_, body)) = &i.otherwise {
                        self.nodes(body, in_macro);
                    }
                }
                Node::Super
                | Node::Text(_)
                | Node::Extends(..)
                | Node::ImportMacro(..)
                | Node::Raw(..)
                | Node::Break(_)
                | Node::Continue(_)
                | Node::Comment(..) => {}
            }
        }
    }

    fn args(&mut self, args: &std::collections::HashMap<String, Expr>, in_macro: bool) {
        for e in args.values() {
            self.expr(e, in_macro);
        }
    }

    fn expr(&mut self, e: &Expr, in_macro: bool) {
        for filter in &e.filters {
            self.args(&filter.args, in_macro);
        }
        self.val(&e.val, in_macro);
    }

    fn val(&mut self, v: &ExprVal, in_macro: bool) {
        match v {
            ExprVal::Ident(ident) if !in_macro => self.ident(ident),
            ExprVal::Test(test) => {
                if !in_macro {
                    self.ident(&test.ident);
                }
                for e in &test.args {
                    self.expr(e, in_macro);
                }
            }
            ExprVal::Math(m) => {
                self.expr(&m.lhs, in_macro);
                self.expr(&m.rhs, in_macro);
            }
            ExprVal::Logic(l) => {
                self.expr(&l.lhs, in_macro);
                self.expr(&l.rhs, in_macro);
            }
            ExprVal::In(i) => {
                self.expr(&i.lhs, in_macro);
                self.expr(&i.rhs, in_macro);
            }
            ExprVal::MacroCall(call) => self.args(&call.args, in_macro),
            ExprVal::FunctionCall(call) => {
                self.reads.series |= call.name == "series";
                if call.name == "record" {
                    match call.args.get("id") {
                        Some(Expr {
                            val: ExprVal::String(id),
                            filters,
                            ..
                        }) if filters.is_empty() => {
                            self.reads.ids.insert(id.clone());
                        }
                        _ => self.reads.all = true,
                    }
                }
                self.args(&call.args, in_macro);
            }
            ExprVal::Array(items) => {
                for e in items {
                    self.expr(e, in_macro);
                }
            }
            ExprVal::StringConcat(concat) => {
                for v in &concat.values {
                    self.val(v, in_macro);
                }
            }
            ExprVal::Ident(_)
            | ExprVal::String(_)
            | ExprVal::Int(_)
            | ExprVal::Float(_)
            | ExprVal::Bool(_) => {}
        }
    }

    /// `records.projects.x`, `records["glossary/common"]`: that record; `records`, `records[id]`
    /// or the whole context: every record.
    fn ident(&mut self, ident: &str) {
        if ident.starts_with("__tera_context") {
            self.reads.all = true;
            return;
        }
        let Some(rest) = ident.strip_prefix("records") else {
            return;
        };
        if let Some(rest) = rest.strip_prefix('.') {
            let id = rest.split(['.', '[']).next().unwrap_or("");
            self.reads.ids.insert(id.to_string());
        } else if let Some(rest) = rest.strip_prefix('[') {
            let quoted = rest
                .strip_prefix('"')
                .map(|r| (r, '"'))
                .or_else(|| rest.strip_prefix('\'').map(|r| (r, '\'')))
                .or_else(|| rest.strip_prefix('`').map(|r| (r, '`')));
            match quoted.and_then(|(r, q)| r.split_once(q)) {
                Some((id, _)) => {
                    self.reads.ids.insert(id.to_string());
                }
                None => self.reads.all = true,
            }
        } else if rest.is_empty() {
            self.reads.all = true;
        }
        // Anything else (`records_shown`) is another variable.
    }
}

fn escape_html(input: &str) -> String {
    crate::parse::markdown::escape_attr(input)
}

/// Tera's error and its causes, joined: the useful part is usually in a cause.
fn chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

fn located(shown: &str, text: &Arc<str>, e: &tera::Error, help: &str) -> Diagnostic {
    let message = chain(e);
    let d = Diagnostic::error(shown, first_line(&message)).help(help);
    match position(&message).and_then(|(line, col)| offset_of(text, line, col)) {
        Some(at) => d.at(text, at..at + 1),
        None => d,
    }
}

fn first_line(message: &str) -> String {
    // Tera repeats the source excerpt; our own report quotes the line, so keep the words only.
    let mut out: Vec<&str> = Vec::new();
    for line in message.lines() {
        let t = line.trim();
        if t.starts_with("-->")
            || t.starts_with('|')
            || t.chars().next().is_some_and(|c| c.is_ascii_digit())
            || t.is_empty()
        {
            continue;
        }
        out.push(t.trim_start_matches("= "));
    }
    out.join(" ")
}

/// `--> 3:5` in a pest error message.
fn position(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find("--> ")? + 4..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let (line, col) = rest[..end].split_once(':')?;
    Some((line.parse().ok()?, col.parse().ok()?))
}

fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let line_text = text[start..].lines().next().unwrap_or("");
    let within: usize = line_text
        .chars()
        .take(col.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    Some(start + within)
}

/// Where `var` is used inside a `{{ }}` or `{% %}` tag of `text`.
fn find_expression(text: &str, var: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(var) {
        let at = from + i;
        let after = text[at + var.len()..].chars().next();
        let whole = !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let open = text[..at].rfind(['{']).unwrap_or(0);
        let close = text[..at].rfind(['}']).map_or(0, |c| c + 1);
        if whole && open >= close && at > 0 {
            return Some(at);
        }
        from = at + var.len();
    }
    None
}

/// The name in "Variable `x.y` not found in context".
fn missing_variable(message: &str) -> Option<String> {
    let rest = &message[message.find("Variable `")? + 10..];
    Some(rest[..rest.find('`')?].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pest_positions_become_offsets() {
        assert_eq!(position("Failed  --> 3:5\n  |"), Some((3, 5)));
        assert_eq!(offset_of("ab\ncd\nxyz", 3, 2), Some(7));
    }

    fn reads_of(templates: &[(&str, &str)], name: &str) -> RecordReads {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.to_vec()).unwrap();
        closure_reads(&tera, name)
    }

    #[test]
    fn record_reads_follow_parents_includes_and_literal_ids() {
        let templates = [
            ("base.html", "{% block main %}{% endblock main %}{% include \"nav.html\" %}"),
            ("nav.html", "{% for p in records[\"projects\"].projects %}{{ p.title }}{% endfor %}"),
            ("m.html", "{% macro list(records) %}{% for r in records %}{{ r }}{% endfor %}{% endmacro list %}"),
            ("page.html", "{% extends \"base.html\" %}{% import \"m.html\" as m %}{% block main %}{{ m::list(records=page.records) }}{{ records.glossary.title }}{% set r = record(id=\"a/b\", lang=\"en\") %}{{ r.x }}{% endblock main %}"),
            ("any.html", "{% set id = \"x\" %}{% if records[id] is defined %}{{ records[id].title }}{% endif %}"),
            ("fn.html", "{% set id = \"x\" %}{% set r = record(id=id, lang=lang) %}{{ r.title }}"),
            ("none.html", "{{ page.records | length }}{{ records_count }}"),
        ];
        let page = reads_of(&templates, "page.html");
        assert!(!page.all);
        assert_eq!(
            page.ids.iter().map(String::as_str).collect::<Vec<_>>(),
            ["a/b", "glossary", "projects"]
        );
        assert!(reads_of(&templates, "any.html").all);
        assert!(reads_of(&templates, "fn.html").all);
        assert_eq!(reads_of(&templates, "none.html"), RecordReads::default());
    }

    #[test]
    fn missing_variables_are_named() {
        assert_eq!(
            missing_variable("Variable `page.titel` not found in context while rendering")
                .as_deref(),
            Some("page.titel")
        );
    }
}
