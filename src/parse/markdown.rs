//! Markdown → HTML with pulldown-cmark: heading anchors, table of contents, `@/` internal links
//! and `<abbr>` mark-up of glossary abbreviations; and, from the same events, the page's plain
//! text cut at its headings (what the search index reads).

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use super::raw_html::{self, script_scheme, RawSegment};

/// A heading of the page, for its table of contents.
#[derive(Clone, Debug, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// An `@/…` link found in the body, to check its anchor once every page is rendered.
#[derive(Clone, Debug)]
pub struct InternalLink {
    pub key: String,
    pub anchor: Option<String>,
    /// Byte span in the Markdown body.
    pub span: Range<usize>,
}

/// A problem in the body, located by byte span in the body.
#[derive(Debug)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

/// The reader-visible text under one heading (or before the first heading), whitespace collapsed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextSection {
    /// The heading's id; `None` for the text before the first heading.
    pub id: Option<String>,
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
    /// The page's plain text in reading order: the text before the first heading, then one
    /// section per heading. Inline mark-up does not split words; blocks, table cells and list
    /// items are separated by a space; raw HTML, footnote marks and images' URLs are not text.
    pub plain_text: Vec<TextSection>,
    /// Every `id` on the page (headings, footnotes), for anchor checks.
    pub ids: HashSet<String>,
    pub links: Vec<InternalLink>,
    /// Every `http(s)://` link, with its span in the body, for `check --external`.
    pub external: Vec<(String, Range<usize>)>,
    pub problems: Vec<Problem>,
}

/// An abbreviation to mark up as `<abbr title>` where it first appears on a page.
#[derive(Clone, Debug, PartialEq)]
pub struct Abbreviation {
    pub abbr: String,
    pub title: String,
}

/// A heading whose text is still being read: level, explicit id, classes, attributes.
type OpenHeading<'a> = (
    HeadingLevel,
    Option<String>,
    Vec<CowStr<'a>>,
    Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
);

/// Resolves a content key (`projects/pharma.md`) to a URL relative to the current page.
pub type Resolver<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Where a link that is not `@/…` leads (see [`LinkResolver`]).
#[derive(Debug, Default)]
pub struct LinkTarget {
    /// The address written into the HTML.
    pub href: String,
    /// The page (content key) and anchor to check once every page is rendered.
    pub page: Option<(String, Option<String>)>,
    /// A file's kind and size, shown beside the link: `PDF, 1.2 MB`.
    pub file: Option<String>,
}

/// Resolves a relative link (a content file `x.md`, a site address `../x/`, an attachment
/// `statement.pdf`, an anchor `#x`) from the page being rendered, or says why it leads nowhere:
/// (message, help). Links with a scheme (`https:`, `mailto:`) never reach it.
pub type LinkResolver<'a> = dyn Fn(&str) -> Result<LinkTarget, (String, String)> + 'a;

/// Turns an image's `src` and alt text into `<img>` mark-up (`crate::image`), or says what is
/// wrong: (message, help).
pub type ImageRenderer<'a> = dyn Fn(&str, &str) -> Result<String, (String, String)> + 'a;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `body`; `resolve` turns `@/` keys into URLs, `images` writes images, `abbreviations`
/// are marked up once each; raw HTML is checked (`raw_html` false: refused, see [`raw_html`]). An image with a title alone in its paragraph becomes a
/// `<figure>` with the title as `<figcaption>`: `![A chart of visitors](visitors.png "Visitors per year")`.
pub fn render(
    body: &str,
    resolve: &Resolver,
    images: &ImageRenderer,
    abbreviations: &[Abbreviation],
    raw_html: bool,
) -> Rendered {
    let keep = |dest: &str| {
        Ok(LinkTarget {
            href: dest.to_string(),
            ..LinkTarget::default()
        })
    };
    render_linked(body, resolve, &keep, images, abbreviations, raw_html)
}

/// [`render`], with every relative link resolved (and checked) by `links`.
pub fn render_linked(
    body: &str,
    resolve: &Resolver,
    links: &LinkResolver,
    images: &ImageRenderer,
    abbreviations: &[Abbreviation],
    raw_html: bool,
) -> Rendered {
    let mut out = Rendered::default();
    // A NUL is no text (the HTML standard reads it as U+FFFD); likely a file damaged or not text.
    if let Some(at) = body.find('\0') {
        out.problems.push(Problem {
            span: at..at + 1,
            message: "the text holds a NUL character (U+0000)".into(),
            help: "delete it: the file may have been damaged, or saved by a program as something other than text".into(),
        });
    }
    // The raw HTML copied from the body, by the address of its text (which stays put while the
    // event moves, see [`stable`]): (where it starts in the body, the inline tag or HTML block it
    // belongs to). Its place in the page's HTML is noted as the HTML is written.
    let mut raw: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut raw_group = 0usize;
    // Per open link: the file size to show after it.
    let mut link_files: Vec<Option<String>> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut ids = HeadingIds::default();
    let mut abbr_done: HashSet<usize> = HashSet::new();
    // A heading's events are held back until its text (and so its id) is known.
    let mut heading: Option<OpenHeading> = None;
    let mut heading_events: Vec<Event> = Vec::new();
    let mut heading_text = String::new();
    let mut heading_span = 0..0;
    let mut in_link = 0usize;
    let mut in_code = 0usize;
    let mut plain = PlainText::default();
    // An image's alt text is read up to its end: (src, title, span, alt).
    let mut image: Option<(CowStr, CowStr, Range<usize>, String)> = None;
    // Indexes in `events` of figures, whose surrounding paragraph is dropped.
    let mut figures: Vec<usize> = Vec::new();

    for (event, span) in Parser::new_ext(body, options()).into_offset_iter() {
        plain.see(&event, heading.is_some());
        let event = match event {
            // An HTML block's lines are one piece of raw HTML (one group).
            Event::Start(Tag::HtmlBlock) => {
                raw_group += 1;
                event
            }
            Event::Html(text) if !text.is_empty() => {
                let text = stable(text);
                raw.insert(text.as_ptr() as usize, (span.start, raw_group));
                Event::Html(text)
            }
            Event::InlineHtml(text) if !text.is_empty() => {
                raw_group += 1;
                let text = stable(text);
                raw.insert(text.as_ptr() as usize, (span.start, raw_group));
                Event::InlineHtml(text)
            }
            event => event,
        };
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event {
            if let Some(scheme) = script_scheme(dest_url) {
                out.problems.push(Problem {
                    span: span.clone(),
                    message: format!("a `{scheme}` address runs code in the reader's browser"),
                    help: "link to a page (`@/…`) or a web address (https://…); content may not carry scripts".into(),
                });
            }
        }
        if let Some((_, _, _, alt)) = image.as_mut() {
            match event {
                Event::End(TagEnd::Image) => {}
                Event::Text(t) | Event::Code(t) => {
                    alt.push_str(&t);
                    continue;
                }
                _ => continue,
            }
        }
        match event {
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                image = Some((dest_url, title, span, String::new()));
            }
            Event::End(TagEnd::Image) => {
                let Some((src, title, span, alt)) = image.take() else {
                    continue;
                };
                // An address that runs code is reported above; one error is enough.
                let checked = match script_scheme(&src) {
                    Some(_) => Ok(String::new()),
                    None => images(&src, &alt),
                };
                let html = match checked {
                    Ok(img) if !title.is_empty() => {
                        figures.push(events.len());
                        format!(
                            "<figure class=\"figure-image\">{img}<figcaption>{}</figcaption></figure>",
                            escape_attr(&title)
                        )
                    }
                    Ok(img) => img,
                    Err((message, help)) => {
                        out.problems.push(Problem {
                            span,
                            message,
                            help,
                        });
                        String::new()
                    }
                };
                push(
                    &mut heading,
                    &mut heading_events,
                    &mut events,
                    Event::InlineHtml(CowStr::from(html)),
                );
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some((level, id.map(|s| s.to_string()), classes, attrs));
                heading_span = span.clone();
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, explicit, classes, attrs)) = heading.take() else {
                    continue;
                };
                let title = heading_text.trim().to_string();
                let id = match explicit {
                    Some(explicit) => {
                        ids.explicit(explicit, heading_span.clone(), body, &mut out.problems)
                    }
                    None => ids.unique(slugify(&title)),
                };
                plain.start_section(id.clone());
                out.toc.push(Heading {
                    level: level as u8,
                    id: id.clone(),
                    title,
                });
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes,
                    attrs,
                }));
                events.append(&mut heading_events);
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_link += 1;
                let mut file = None;
                let dest_url = match dest_url.strip_prefix("@/") {
                    Some(target) => resolve_link(target, span, resolve, &mut out),
                    None if is_external(&dest_url) => {
                        if dest_url.starts_with("http://") || dest_url.starts_with("https://") {
                            out.external.push((dest_url.to_string(), span));
                        }
                        dest_url
                    }
                    None => match links(&dest_url) {
                        Ok(target) => {
                            if let Some((key, anchor)) = target.page {
                                out.links.push(InternalLink { key, anchor, span });
                            }
                            file = target.file;
                            CowStr::from(target.href)
                        }
                        Err((message, help)) => {
                            out.problems.push(Problem {
                                span,
                                message,
                                help,
                            });
                            CowStr::from("#")
                        }
                    },
                };
                link_files.push(file);
                push(
                    &mut heading,
                    &mut heading_events,
                    &mut events,
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                );
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                push(
                    &mut heading,
                    &mut heading_events,
                    &mut events,
                    Event::End(TagEnd::Link),
                );
                if let Some(file) = link_files.pop().flatten() {
                    push(
                        &mut heading,
                        &mut heading_events,
                        &mut events,
                        Event::InlineHtml(CowStr::from(format!(
                            " <span class=\"file-size\">({})</span>",
                            escape_attr(&file)
                        ))),
                    );
                }
            }
            Event::Start(Tag::Table(alignments)) => {
                // Wide tables scroll inside their own box on a phone, not the page.
                events.push(Event::Html(CowStr::from(
                    "<div class=\"table-wrap\" tabindex=\"0\">",
                )));
                events.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html(CowStr::from("</div>")));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code += 1;
                events.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = in_code.saturating_sub(1);
                events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                out.ids.insert(name.to_string());
                events.push(Event::Start(Tag::FootnoteDefinition(name)));
            }
            Event::Text(text) => {
                if heading.is_some() {
                    heading_text.push_str(&text);
                    heading_events.push(Event::Text(text));
                } else if in_link == 0 && in_code == 0 && !abbreviations.is_empty() {
                    events.extend(mark_abbreviations(text, abbreviations, &mut abbr_done));
                } else {
                    events.push(Event::Text(text));
                }
            }
            Event::Code(code) => {
                if heading.is_some() {
                    heading_text.push_str(&code);
                }
                push(
                    &mut heading,
                    &mut heading_events,
                    &mut events,
                    Event::Code(code),
                );
            }
            other => push(&mut heading, &mut heading_events, &mut events, other),
        }
    }
    out.ids.extend(ids.used);
    out.plain_text = plain.finish();
    // A figure alone in its paragraph replaces the paragraph (a <figure> cannot sit in a <p>).
    let mut drop = HashSet::new();
    for &i in &figures {
        if i > 0
            && matches!(events.get(i - 1), Some(Event::Start(Tag::Paragraph)))
            && matches!(events.get(i + 1), Some(Event::End(TagEnd::Paragraph)))
        {
            drop.insert(i - 1);
            drop.insert(i + 1);
        }
    }
    let events = events
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, e)| e);
    // The HTML is about as long as the Markdown plus its tags: room for that up front spares
    // growing (and copying) it several times.
    out.html.reserve(body.len() + body.len() / 2);
    let mut segments: Vec<RawSegment> = Vec::new();
    let written = Cell::new(0);
    let events = events.inspect(|event| {
        if let Event::Html(text) | Event::InlineHtml(text) = event {
            if let Some(&(at, group)) = raw.get(&(text.as_ptr() as usize)) {
                segments.push(RawSegment {
                    html: written.get(),
                    len: text.len(),
                    body: at,
                    group,
                });
            }
        }
    });
    let writer = CountedWriter {
        out: &mut out.html,
        written: &written,
    };
    let Ok(()) = pulldown_cmark::html::write_html_fmt(writer, events) else {
        unreachable!("writing to a String does not fail")
    };
    check_raw_html(&out.html, &segments, raw_html, body, &mut out.problems);
    // The model holds every page's HTML and text until the end of the build: without the spare
    // capacity left by growing them, a large site needs about a third less memory.
    out.html.shrink_to_fit();
    for section in &mut out.plain_text {
        section.heading.shrink_to_fit();
        section.body.shrink_to_fit();
    }
    out.plain_text.shrink_to_fit();
    out.toc.shrink_to_fit();
    out.links.shrink_to_fit();
    out
}

/// A raw HTML event's text where its address stays the same as the event moves: pulldown-cmark
/// keeps short strings inside the event itself, and those are moved to the heap.
fn stable(text: CowStr) -> CowStr {
    match text {
        CowStr::Inlined(_) => CowStr::Boxed(text.to_string().into_boxed_str()),
        text => text,
    }
}

/// Writes HTML into a String, and tells how much is written so far (where the next event goes).
struct CountedWriter<'a> {
    out: &'a mut String,
    written: &'a Cell<usize>,
}

impl std::fmt::Write for CountedWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.out.push_str(s);
        self.written.set(self.out.len());
        Ok(())
    }
}

/// Checks the raw HTML of the page as the browser reads the page's HTML ([`raw_html`]); on a
/// site without raw HTML, one problem per line is enough (`<b>bold</b>` is one mistake, not two).
fn check_raw_html(
    html: &str,
    segments: &[RawSegment],
    allowed: bool,
    body: &str,
    problems: &mut Vec<Problem>,
) {
    let mut last_turned_off: Option<Range<usize>> = None;
    for (span, message, help) in raw_html::check_page(html, segments, allowed) {
        if message == raw_html::TURNED_OFF {
            let same_line = last_turned_off.as_ref().is_some_and(|last| {
                last.end <= span.start && !body[last.end..span.start].contains('\n')
            });
            last_turned_off = Some(span.clone());
            if same_line {
                continue;
            }
        }
        problems.push(Problem {
            span,
            message,
            help,
        });
    }
    // Problems are reported in the order of the body.
    problems.sort_by_key(|p| p.span.start);
}

/// Collects the plain text of a page from its Markdown events, section by section.
#[derive(Default)]
struct PlainText {
    sections: Vec<TextSection>,
    /// The text being read: a heading's (while inside one) or the current section's body.
    heading: TextBuffer,
    body: TextBuffer,
}

impl PlainText {
    fn see(&mut self, event: &Event, in_heading: bool) {
        let buffer = if in_heading {
            &mut self.heading
        } else {
            &mut self.body
        };
        match event {
            Event::Text(text) | Event::Code(text) => buffer.push(text),
            Event::SoftBreak => buffer.soft_break(),
            Event::HardBreak | Event::Rule => buffer.block_break(),
            Event::Start(tag) if !is_inline(tag) => buffer.block_break(),
            Event::End(tag) if !is_inline_end(tag) => buffer.block_break(),
            _ => {}
        }
        if let Event::Start(Tag::Heading { .. }) = event {
            self.heading = TextBuffer::default();
        }
    }

    /// A heading ended: what follows is the body of a new section.
    fn start_section(&mut self, id: String) {
        self.close_section();
        self.sections.push(TextSection {
            id: Some(id),
            heading: std::mem::take(&mut self.heading).finish(),
            body: String::new(),
        });
    }

    fn close_section(&mut self) {
        let body = std::mem::take(&mut self.body).finish();
        match self.sections.last_mut() {
            Some(section) => section.body = body,
            None => self.sections.push(TextSection {
                id: None,
                heading: String::new(),
                body,
            }),
        }
    }

    fn finish(mut self) -> Vec<TextSection> {
        self.close_section();
        // The text before the first heading is kept only when there is some (or nothing else).
        if self.sections.len() > 1 && self.sections[0].body.is_empty() {
            self.sections.remove(0);
        }
        self.sections
    }
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Text with whitespace collapsed as it is read: runs of white space become one space, a block
/// boundary is a space, and a soft line break between two characters of a script written without
/// spaces (Japanese, Chinese) is nothing, as a browser's line breaking treats it.
#[derive(Default)]
struct TextBuffer {
    text: String,
    pending: Gap,
}

#[derive(Clone, Copy, Default, PartialEq, PartialOrd)]
enum Gap {
    #[default]
    None,
    Soft,
    Space,
}

impl TextBuffer {
    fn push(&mut self, text: &str) {
        // Word by word: a run without white space is copied whole, and only its first
        // character decides how the gap before it is written.
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if c.is_whitespace() {
                self.gap(if c == '\n' || c == '\r' {
                    Gap::Soft
                } else {
                    Gap::Space
                });
                rest = &rest[c.len_utf8()..];
                continue;
            }
            match std::mem::take(&mut self.pending) {
                Gap::None => {}
                Gap::Soft => {
                    let joined =
                        self.text.chars().next_back().is_some_and(is_spaceless) && is_spaceless(c);
                    if !joined && !self.text.is_empty() {
                        self.text.push(' ');
                    }
                }
                Gap::Space => {
                    if !self.text.is_empty() {
                        self.text.push(' ');
                    }
                }
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            self.text.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }

    fn gap(&mut self, gap: Gap) {
        if gap > self.pending {
            self.pending = gap;
        }
    }

    fn soft_break(&mut self) {
        self.gap(Gap::Soft);
    }

    fn block_break(&mut self) {
        self.gap(Gap::Space);
    }

    fn finish(self) -> String {
        self.text
    }
}

/// Characters of scripts written without spaces between words (kana, CJK ideographs, full-width
/// punctuation), where a line break in the source is no word break.
fn is_spaceless(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF00..=0xFF60 | 0x20000..=0x3FFFF)
}

fn push<'a>(
    heading: &mut Option<impl Sized>,
    heading_events: &mut Vec<Event<'a>>,
    events: &mut Vec<Event<'a>>,
    event: Event<'a>,
) {
    if heading.is_some() {
        heading_events.push(event);
    } else {
        events.push(event);
    }
}

/// Turns `@/key#anchor` into a relative URL, recording it for the anchor check.
fn resolve_link<'a>(
    target: &str,
    span: Range<usize>,
    resolve: &Resolver,
    out: &mut Rendered,
) -> CowStr<'a> {
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (target, None),
    };
    if path.split('/').any(|part| part == ".." || part == ".") || path.starts_with('/') {
        let (message, help) = match lexically_normal(path) {
            Some(normal) if !path.starts_with('/') => (
                format!("the link `@/{target}` has `.` or `..` in its path"),
                format!("write the path from content/ without them: `@/{normal}`"),
            ),
            _ => (
                format!("the link `@/{target}` leaves the content folder"),
                "write internal links as a path from content/, e.g. `@/projects/pharma.md`".into(),
            ),
        };
        out.problems.push(Problem {
            span,
            message,
            help,
        });
        return CowStr::from("#");
    }
    let key = normalise_key(path);
    // `@/x.ja.md`: the language belongs to the reader, not to the link.
    let without_language = key
        .strip_suffix(".md")
        .and_then(|stem| stem.rsplit_once('.'))
        .filter(|(_, lang)| crate::config::is_language_tag(lang))
        .map(|(stem, lang)| (format!("{stem}.md"), lang.to_string()));
    if let (None, Some((plain, lang))) = (resolve(&key), &without_language) {
        if resolve(plain).is_some() {
            out.problems.push(Problem {
                span,
                message: format!("the link `@/{target}` names a language (`{lang}`)"),
                help: format!("leave the language out: `@/{plain}` leads to the page in the reader's language"),
            });
            return CowStr::from("#");
        }
    }
    match resolve(&key) {
        Some(url) => {
            out.links.push(InternalLink {
                key,
                anchor: anchor.clone(),
                span,
            });
            match anchor {
                Some(a) => CowStr::from(format!("{url}#{a}")),
                None => CowStr::from(url),
            }
        }
        None => {
            out.problems.push(Problem {
                span,
                message: format!("the link `@/{target}` points to no page"),
                help: format!(
                    "check the path: `@/{path}` should name a file content/{} (language suffix left out)",
                    path.trim_end_matches(".md").to_string() + ".<lang>.md"
                ),
            });
            CowStr::from("#")
        }
    }
}

/// A link that leaves the site: a scheme (`https:`, `mailto:`, `tel:`) or `//host`.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    let scheme = dest.split(':').next().unwrap_or("");
    dest.contains(':')
        && !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `a/../b/./c.md` → `b/c.md`; `None` when the path climbs above its start.
pub fn lexically_normal(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// `a/b/index.md` and `a/b.md` name the same page (a bundle or a plain file).
pub fn normalise_key(path: &str) -> String {
    match path.strip_suffix("/index.md") {
        Some(dir) => format!("{dir}.md"),
        None => path.to_string(),
    }
}

/// Readable, stable ids: Japanese stays Japanese, spaces and punctuation become `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// The ids of a page's headings: each unique, a repeated heading text numbered (`x`, `x-2`,
/// `x-3` …), an explicit `{#id}` given twice a problem at both places.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    /// Per base id, the last number tried: the next heading of the same text starts after it,
    /// so that n identical headings take n tries, not n²/2.
    next: HashMap<String, usize>,
    /// Explicit ids, with the span of the heading that gave each first.
    explicit: HashMap<String, Range<usize>>,
    /// Ids tried, for the test that naming stays linear.
    tries: usize,
}

impl HeadingIds {
    /// `base`, or `base-N` with the first N that is free.
    fn unique(&mut self, base: String) -> String {
        self.tries += 1;
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            *n += 1;
            self.tries += 1;
            let id = format!("{base}-{n}");
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }

    /// An explicit `{#id}`; given twice on the page, a problem at both headings (the second
    /// keeps a numbered id so that the page still renders as the editor sees it).
    fn explicit(
        &mut self,
        id: String,
        span: Range<usize>,
        body: &str,
        problems: &mut Vec<Problem>,
    ) -> String {
        match self.explicit.get(&id) {
            Some(first) => {
                problems.push(Problem {
                    span: first.clone(),
                    message: format!(
                        "the heading id `{id}` is given to this heading and a later one"
                    ),
                    help: format!(
                        "give each heading its own id: rename one of the two `{{#{id}}}`"
                    ),
                });
                problems.push(Problem {
                    span: trim_line(body, span.clone()),
                    message: format!(
                        "the heading id `{id}` is given to an earlier heading and this one"
                    ),
                    help: format!(
                        "give each heading its own id: rename one of the two `{{#{id}}}`"
                    ),
                });
                self.unique(id)
            }
            None => {
                self.explicit.insert(id.clone(), trim_line(body, span));
                self.unique(id)
            }
        }
    }
}

/// A heading's span without its line end.
fn trim_line(body: &str, span: Range<usize>) -> Range<usize> {
    let end = span.start + body[span.clone()].trim_end().len();
    span.start..end
}

fn mark_abbreviations<'a>(
    text: CowStr<'a>,
    abbreviations: &[Abbreviation],
    done: &mut HashSet<usize>,
) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    let mut rest: String = text.to_string();
    loop {
        // The earliest not-yet-marked abbreviation in what is left; the longest wins a tie.
        let hit = abbreviations
            .iter()
            .enumerate()
            .filter(|(i, _)| !done.contains(i))
            .filter_map(|(i, a)| {
                find_word(&rest, &a.abbr).map(|pos| (pos, std::cmp::Reverse(a.abbr.len()), i))
            })
            .min();
        let Some((pos, _, i)) = hit else { break };
        done.insert(i);
        let a = &abbreviations[i];
        if pos > 0 {
            events.push(Event::Text(CowStr::from(rest[..pos].to_string())));
        }
        events.push(Event::Html(CowStr::from(format!(
            "<abbr title=\"{}\">{}</abbr>",
            escape_attr(&a.title),
            escape_attr(&a.abbr)
        ))));
        rest = rest[pos + a.abbr.len()..].to_string();
    }
    if events.is_empty() {
        return vec![Event::Text(text)];
    }
    if !rest.is_empty() {
        events.push(Event::Text(CowStr::from(rest)));
    }
    events
}

/// Position of `word` in `text`, not inside a longer Latin word (so `AMR` does not match `AMRA`).
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let start = from + i;
        let end = start + word.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !is_word(before) && !is_word(after) {
            return Some(start);
        }
        from = end;
    }
    None
}

/// `s` with the five characters that HTML text and attributes cannot hold as they are replaced
/// by entities (also Tera's escape for every `{{ value }}`). They are all ASCII, so the text
/// between them is copied in runs rather than character by character.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut from = 0;
    for (i, byte) in s.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&s[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_the_five_html_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_attr("R&D <b>\"AMED\"</b> l'an 年報 ①"),
            "R&amp;D &lt;b&gt;&quot;AMED&quot;&lt;/b&gt; l&#39;an 年報 ①"
        );
        assert_eq!(escape_attr(""), "");
        assert_eq!(escape_attr("&"), "&amp;");
    }

    fn none(_: &str) -> Option<String> {
        None
    }

    fn no_images(src: &str, _: &str) -> Result<String, (String, String)> {
        Err((format!("no image {src}"), String::new()))
    }

    #[test]
    fn japanese_headings_keep_their_text_as_id() {
        let r = render(
            "## 承認事例\n\n## 承認事例\n\n## Drug Discovery Booster\n",
            &none,
            &no_images,
            &[],
            true,
        );
        let ids: Vec<_> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["承認事例", "承認事例-2", "drug-discovery-booster"]);
        assert!(
            r.html.contains("<h2 id=\"承認事例\">承認事例</h2>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn identical_headings_are_numbered_in_linear_time() {
        // 50,000 headings of one text: each id is found at the first try after the last one's
        // number (quadratic naming took n²/2 tries, 1.25 billion here, and minutes).
        let n = 50_000;
        let body = "## Notes\n\n".repeat(n);
        let mut ids = HeadingIds::default();
        let named: Vec<String> = (0..n).map(|_| ids.unique(slugify("Notes"))).collect();
        assert!(ids.tries <= 2 * n, "{} tries for {n} headings", ids.tries);
        assert_eq!(named[0], "notes");
        assert_eq!(named[n - 1], format!("notes-{n}"));
        let r = render(&body, &none, &no_images, &[], true);
        assert_eq!(r.toc.len(), n);
        assert_eq!(r.ids.len(), n);
        // A numbered id that a heading's own text already took is skipped.
        let r = render("## A 2\n\n## A\n\n## A\n", &none, &no_images, &[], true);
        let ids: Vec<_> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a-2", "a", "a-3"]);
    }

    #[test]
    fn an_explicit_id_given_twice_is_a_problem_at_both_headings() {
        let body = "## Ecosystem {#ecosystem}\n\nText.\n\n## Partners {#ecosystem}\n";
        let r = render(body, &none, &no_images, &[], true);
        let at: Vec<&str> = r.problems.iter().map(|p| &body[p.span.clone()]).collect();
        assert_eq!(
            at,
            ["## Ecosystem {#ecosystem}", "## Partners {#ecosystem}"]
        );
        assert!(r.problems[0].message.contains("`ecosystem`"));
        // The same text twice without ids is no problem: numbered.
        let r = render("## A\n\n## A\n", &none, &no_images, &[], true);
        assert!(r.problems.is_empty());
    }

    #[test]
    fn explicit_ids_win() {
        let r = render("## 承認事例 {#approvals}\n", &none, &no_images, &[], true);
        assert_eq!(r.toc[0].id, "approvals");
        assert_eq!(r.toc[0].title, "承認事例");
    }

    #[test]
    fn internal_links_resolve_and_unknown_ones_are_problems() {
        let resolve = |key: &str| (key == "a/b.md").then(|| "../../ja/a/b/index.html".to_string());
        let r = render(
            "[x](@/a/b.md#top) [y](@/a/c.md) [z](@/../etc.md)",
            &resolve,
            &no_images,
            &[],
            true,
        );
        assert!(
            r.html.contains("href=\"../../ja/a/b/index.html#top\""),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.problems.len(), 2);
        assert_eq!(r.problems[0].span.start, 18);
        assert!(r.problems[1].message.contains("leaves the content folder"));
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let r = render(
            "|a|b|\n|-|-|\n|1|2|\n\n~~old~~ text[^1]\n\n[^1]: note\n",
            &none,
            &no_images,
            &[],
            true,
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("footnote"));
    }

    fn section(id: Option<&str>, heading: &str, body: &str) -> TextSection {
        TextSection {
            id: id.map(String::from),
            heading: heading.into(),
            body: body.into(),
        }
    }

    #[test]
    fn plain_text_is_cut_at_headings() {
        let r = render(
            "Intro *with* **mark-up** & more.\n\n## First {#a}\n\nOne\ntwo\n\n### `Code` part\n\n- x\n- y\n\n|a|b|\n|-|-|\n|1|2,964|\n",
            &none,
            &no_images,
            &[],
            true,
        );
        assert_eq!(
            r.plain_text,
            [
                section(None, "", "Intro with mark-up & more."),
                section(Some("a"), "First", "One two"),
                section(Some("code-part"), "Code part", "x y a b 1 2,964"),
            ]
        );
    }

    #[test]
    fn japanese_line_breaks_do_not_split_words() {
        let r = render(
            "## 承認\n\n全身性強皮症に\n対して<span>リツキシマブ</span>が承認。\nAMED\nです[^1]。\n\n[^1]: 注記\n",
            &none,
            &no_images,
            &[Abbreviation {
                abbr: "AMED".into(),
                title: "日本医療研究開発機構".into(),
            }],
            true,
        );
        assert_eq!(
            r.plain_text,
            [section(
                Some("承認"),
                "承認",
                "全身性強皮症に対してリツキシマブが承認。 AMED です。 注記"
            )]
        );
        assert_eq!(
            render("", &none, &no_images, &[], true).plain_text,
            [section(None, "", "")]
        );
    }

    #[test]
    fn first_abbreviation_only_is_marked() {
        let abbrs = [Abbreviation {
            abbr: "AMR".into(),
            title: "薬剤耐性".into(),
        }];
        let r = render(
            "AMR対策とAMRの研究。\n\n再びAMR。",
            &none,
            &no_images,
            &abbrs,
            true,
        );
        assert_eq!(r.html.matches("<abbr").count(), 1, "{}", r.html);
        assert!(
            r.html
                .contains("<abbr title=\"薬剤耐性\">AMR</abbr>対策とAMRの研究"),
            "{}",
            r.html
        );
    }
}

#[cfg(test)]
mod image_tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    fn images(src: &str, alt: &str) -> Result<String, (String, String)> {
        if src == "missing.png" {
            return Err((
                "the image `missing.png` does not exist".into(),
                "check".into(),
            ));
        }
        Ok(format!("<img src=\"{src}\" alt=\"{alt}\">"))
    }

    #[test]
    fn an_image_with_a_title_alone_in_its_paragraph_is_a_figure() {
        let r = render(
            "Text.\n\n![A *chart*](c.png \"Visitors\")\n",
            &none,
            &images,
            &[],
            true,
        );
        assert!(
            r.html.contains("<figure class=\"figure-image\"><img src=\"c.png\" alt=\"A chart\"><figcaption>Visitors</figcaption></figure>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<p><figure"), "{}", r.html);
    }

    #[test]
    fn an_inline_image_stays_in_its_paragraph() {
        let r = render("See ![icon](i.png) here.\n", &none, &images, &[], true);
        assert!(
            r.html
                .contains("<p>See <img src=\"i.png\" alt=\"icon\"> here.</p>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn a_missing_image_is_a_problem_at_its_span() {
        let body = "Intro.\n\n![x](missing.png)\n";
        let r = render(body, &none, &images, &[], true);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(&body[r.problems[0].span.clone()], "![x](missing.png)");
    }
}
