//! Diagnostics: every problem a build finds, with the file and the byte span where it arose.
//!
//! A `Diagnostic` keeps the text of its file (shared, not copied) so that it can be shown with
//! line:column and a quoted line with a caret, in the terminal and in `serve`'s browser overlay.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a file where it has one.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user knows it, relative to the site root (`content/a.ja.md`).
    pub file: String,
    /// The whole text of `file`, when a span points into it.
    pub source: Option<Arc<str>>,
    pub span: Option<Range<usize>>,
    pub message: Box<str>,
    /// What to do about it, in plain words.
    pub help: Option<Box<str>>,
    /// A spreadsheet's sheet and cell (`Grants!B7`), for a file that has no text to quote.
    pub cell: Option<Box<str>>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            source: None,
            span: None,
            message: message.into().into_boxed_str(),
            help: None,
            cell: None,
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Points the diagnostic at `span` (byte offsets) inside `source`.
    pub fn at(mut self, source: &Arc<str>, span: Range<usize>) -> Self {
        let end = span.end.min(source.len());
        let start = span.start.min(end);
        self.span = Some(start..end);
        self.source = Some(source.clone());
        self
    }

    /// Points the diagnostic at a cell of a spreadsheet (`sheet`, `B7`).
    pub fn in_cell(mut self, sheet: &str, cell: &str) -> Self {
        self.cell = Some(format!("{sheet}!{cell}").into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    /// The same problem, let pass (e.g. a missing translation under a flag).
    pub fn into_warning(self) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..self
        }
    }

    /// The same problem as an error, under `--strict`: it says why it stops the build.
    pub fn into_strict_error(self) -> Self {
        if self.is_error() {
            return self;
        }
        let why = "`--strict` (or `[build] strict = true`) makes this warning an error";
        Diagnostic {
            severity: Severity::Error,
            help: Some(match self.help {
                Some(help) => format!("{help}; {why}").into(),
                None => why.into(),
            }),
            ..self
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column (in characters) of the start of the span.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let (source, span) = (self.source.as_ref()?, self.span.as_ref()?);
        Some(line_col(source, span.start))
    }

    /// `file:line:col` or just `file`.
    pub fn location(&self) -> String {
        match (self.line_col(), &self.cell) {
            (Some((line, col)), _) => format!("{}:{}:{}", self.file, line, col),
            (None, Some(cell)) => format!("{}:{}", self.file, cell),
            (None, None) => self.file.clone(),
        }
    }

    /// The full report: header, location, the quoted line with a caret, and the help.
    pub fn render(&self, color: bool) -> String {
        let severity = match self.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let mut diag = CsDiagnostic::new(severity).with_message(&self.message);
        let (text, span) = match (&self.source, &self.span) {
            (Some(source), Some(span)) => {
                let (text, span) = shortened(source, span.clone());
                (text, Some(span))
            }
            _ => (String::new(), None),
        };
        let text = text.as_str();
        if let (Some(shown), Some((line, col))) = (&span, self.line_col()) {
            if Some(shown) != self.span.as_ref() {
                diag = diag.with_notes(vec![format!(
                    "the line is long and is shown cut: the problem is at line {line}, column {col}"
                )]);
            }
        }
        if let Some(span) = &span {
            diag = diag.with_labels(vec![Label::primary((), span.clone())]);
        } else {
            diag = diag.with_notes(vec![format!("in {}", self.location())]);
        }
        if let Some(help) = &self.help {
            diag = diag.with_notes(vec![format!("help: {help}")]);
        }
        let file = SimpleFile::new(self.file.as_str(), text);
        let config = term::Config::default();
        if color {
            let mut buffer = term::termcolor::Buffer::ansi();
            if term::emit_to_write_style(&mut buffer, &config, &file, &diag).is_ok() {
                return String::from_utf8_lossy(buffer.as_slice()).into_owned();
            }
        }
        term::emit_into_string(&config, &file, &diag).unwrap_or_else(|_| format!("{self}\n"))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {kind}: {}", self.location(), self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// The known name nearest to `wanted`, when one is close enough to be a slip of the keyboard
/// (`itme` → `item`, `planed` → `planned`): for "did you mean" in a message.
pub fn closest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(wanted, k), k))
        .filter(|(d, k)| *d > 0 && *d <= (k.chars().count().max(wanted.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The longest part of a line that is quoted; longer lines (a 2 MB line of minified data) are
/// cut around the span, with `…` where text was left out.
const QUOTED: usize = 160;

/// The text to quote and the span in it: the file itself, or, when the span's line is too long,
/// the same number of lines with that line cut down (so line numbers stay right).
fn shortened(source: &str, span: Range<usize>) -> (String, Range<usize>) {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    if line_end - line_start <= QUOTED {
        return (source.to_string(), span);
    }
    let end = floor_char_boundary(source, span.end.clamp(start, line_end));
    let end = floor_char_boundary(source, end.min(start + QUOTED / 2));
    let from = floor_char_boundary(source, start.saturating_sub(QUOTED / 4).max(line_start));
    let to = floor_char_boundary(source, (end + QUOTED / 4).min(line_end));
    let lines_before = source[..line_start].matches('\n').count();
    let mut text = "\n".repeat(lines_before);
    if from > line_start {
        text.push('…');
    }
    let offset = text.len() + (start - from);
    text.push_str(&source[from..to]);
    if to < line_end {
        text.push('…');
    }
    text.push('\n');
    // The column shown is counted in the cut line: say where the cut starts.
    (text, offset..offset + (end - start))
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// All the problems of one build, in a stable order.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Every warning made an error (`--strict`).
    pub fn make_strict(&mut self) {
        for d in &mut self.0 {
            if !d.is_error() {
                *d = std::mem::replace(d, Diagnostic::error("", "")).into_strict_error();
            }
        }
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Sorts by file, then position, then message, so that output never depends on thread timing.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (
                &a.file,
                a.span.as_ref().map(|s| s.start),
                &a.message,
                a.severity,
            )
                .cmp(&(
                    &b.file,
                    b.span.as_ref().map(|s| s.start),
                    &b.message,
                    b.severity,
                ))
        });
        self.0
            .dedup_by(|a, b| a.file == b.file && a.span == b.span && a.message == b.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "一行目\n二行目のX";
        let offset = text.find('X').unwrap();
        assert_eq!(line_col(text, offset), (2, 5));
    }

    #[test]
    fn a_very_long_line_is_quoted_shortened() {
        let mut text = String::from("ok = 1\n");
        text.push_str(&"x".repeat(2 << 20));
        let at = text.len();
        text.push_str("BAD");
        text.push_str(&"y".repeat(1 << 20));
        let source: Arc<str> = Arc::from(text);
        let d = Diagnostic::error("content/big.toml", "bad value").at(&source, at..at + 3);
        let rendered = d.render(false);
        assert!(rendered.len() < 2000, "{} bytes", rendered.len());
        assert!(rendered.contains("content/big.toml:2:"), "{rendered}");
        assert!(rendered.contains("2 │ …xxxx"), "{rendered}");
        assert!(rendered.contains("xxxxBADyyyy"), "{rendered}");
        assert!(
            rendered.contains(&format!("line 2, column {}", (2 << 20) + 1)),
            "{rendered}"
        );
        assert_eq!(
            d.location(),
            format!("content/big.toml:2:{}", (2 << 20) + 1)
        );
    }

    #[test]
    fn rendered_diagnostic_quotes_the_line_with_its_location() {
        let source: Arc<str> = Arc::from("+++\ntitel = \"x\"\n+++\n");
        let d = Diagnostic::error("content/a.ja.md", "unknown key `titel`")
            .at(&source, 4..9)
            .help("did you mean `title`?");
        let text = d.render(false);
        assert!(text.contains("content/a.ja.md:2:1"), "{text}");
        assert!(text.contains("titel = \"x\""), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("did you mean `title`?"), "{text}");
    }
}
