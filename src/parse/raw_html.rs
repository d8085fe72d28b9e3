//! Raw HTML inside Markdown: what it may not carry. The page's HTML is read as a whole, as a
//! browser reads it: html5gum's WHATWG tokenizer (positions, character references such as
//! `&#106;avascript:`, case) driven by html5ever's tree construction, which decides, as the HTML
//! standard does, when the tokenizer reads raw text (`<textarea>`, `<noscript>`… in HTML, not in
//! SVG or MathML). Every start tag that raw HTML writes, or helps to write, is checked. Refused,
//! each at its position: anything but comments when the site turns raw HTML off
//! (`[markdown] raw_html = false`); addresses that run code (`javascript:`, `vbscript:`,
//! `data:text/html`) in any attribute that holds an address, and SVG animations that would set
//! one; inline script and style (`<script>`, `on…=` handlers, `<style>`, `style=`), which the
//! pages' Content-Security-Policy would block; elements that could change the whole page
//! (`<base>`, `<meta>`, `<link>`) or embed another document; anything loaded from another site;
//! and raw text or SVG/MathML left open at the end of the page, which would swallow or change
//! what the theme writes after it.

use std::borrow::Cow;
use std::convert::Infallible;
use std::ops::Range;
use std::rc::Rc;

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Tag, TagKind, Token as TreeToken, TokenSink, TokenSinkResult};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts};
use html5ever::{local_name, namespace_url, ns, Attribute, LocalName, QualName};
use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Span, State, Tokenizer};

/// One problem, located in the Markdown body: (span, message, help).
pub type RawProblem = (Range<usize>, String, String);

/// A piece of the page's HTML copied as it is from the Markdown body.
#[derive(Clone, Debug)]
pub struct RawSegment {
    /// Where it starts in the page's HTML.
    pub html: usize,
    pub len: usize,
    /// Where it starts in the Markdown body.
    pub body: usize,
    /// The inline tag or HTML block it belongs to (a block's lines are pieces of one).
    pub group: usize,
}

/// Attributes that hold an address (or, for `srcset`, a list of them).
const ADDRESS_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "ping",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "manifest",
    "itemtype",
];

/// Attributes whose address the browser loads by itself (as opposed to following a link).
const LOADING_ATTRIBUTES: &[&str] = &["src", "srcset", "data", "poster", "background", "lowsrc"];

/// Elements content may not carry, and why.
fn refused_element(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "script" => (
            "runs code in the reader's browser",
            "content may not carry scripts: the theme's script is the only one a page runs",
        ),
        "style" => (
            "is inline style, which the pages' Content-Security-Policy blocks",
            "style content from the theme's stylesheet: give the element a class there",
        ),
        "base" | "meta" | "link" => (
            "would change the whole page, not this content",
            "leave it out: the theme writes the page's <head>",
        ),
        "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "portal" => (
            "embeds another document, which the pages' Content-Security-Policy blocks",
            "link to it instead: <a href=\"…\">…</a> or a Markdown link",
        ),
        _ => return None,
    })
}

/// The scheme of an address that would run script (`javascript:`, `vbscript:`, `data:text/html`),
/// as browsers read it: case, whitespace and control characters ignored.
pub fn script_scheme(url: &str) -> Option<&'static str> {
    let folded: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text/html"]
        .into_iter()
        .find(|scheme| folded.starts_with(scheme))
}

/// An address on another site (`https://…`, `//…`, any `scheme:`), which a page may not load.
fn is_outside(url: &str) -> bool {
    // Browsers read `\` in an address as `/`: `\\host/x` is `//host/x`.
    let url = url.trim().replace('\\', "/");
    if url.starts_with("//") {
        return true;
    }
    match url.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !scheme.contains('/')
        }
        None => false,
    }
}

/// An address that names a file of the computer rather than of the site: `file:`, an absolute
/// path, or a path that climbs with `..`. The PDF is printed from the pages opened as files, so
/// such an address in something loaded would embed any file the building user can read.
fn local_file(url: &str) -> bool {
    let folded: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .map(|c| {
            if c == '\\' {
                '/'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let path = folded.split(['?', '#']).next().unwrap_or("");
    folded.starts_with("file:")
        || (path.starts_with('/') && !path.starts_with("//"))
        || path
            .split('/')
            .any(|segment| segment == ".." || segment == "%2e%2e")
}

/// Whether the attribute `attr` of `tag` makes the browser load its address: `src` and the like,
/// and the `href` of the SVG elements that draw another file.
fn loads(tag: &str, attr: &str) -> bool {
    LOADING_ATTRIBUTES.contains(&attr)
        || (matches!(attr, "href" | "xlink:href") && matches!(tag, "image" | "use" | "feimage"))
}

/// The addresses of an attribute: one, or each candidate of a `srcset`.
fn addresses<'a>(name: &str, value: &'a str) -> Vec<&'a str> {
    if name == "srcset" {
        value
            .split(',')
            .filter_map(|c| c.split_whitespace().next())
            .collect()
    } else {
        vec![value]
    }
}

/// An attribute of a start tag, with its span (name to end of value) in the page's HTML.
struct Attr {
    name: String,
    value: String,
    span: Range<usize>,
}

/// A problem located in the page's HTML: (span, message, help).
type HtmlProblem = (Range<usize>, String, String);

/// The problems of one start tag (its name and attributes as the tokenizer read them).
fn check_tag(name: &str, attrs: &[Attr], tag: &Range<usize>, out: &mut Vec<HtmlProblem>) {
    if let Some((why, help)) = refused_element(name) {
        out.push((
            tag.clone(),
            format!("a `<{name}>` element {why}"),
            help.into(),
        ));
    }
    // SVG's `<animate>`/`<set>` change another attribute as the page runs: animating a link's
    // address (to `javascript:…`) or a handler runs code no attribute of the page shows.
    if matches!(
        name,
        "animate" | "set" | "animatemotion" | "animatetransform"
    ) {
        if let Some(target) = attrs.iter().find(|a| a.name == "attributename") {
            let animated = target.value.trim().to_ascii_lowercase();
            if animated.ends_with("href") || animated.starts_with("on") {
                out.push((
                    target.span.clone(),
                    format!("an SVG animation of `{animated}` could make the element run code in the reader's browser"),
                    "animate another attribute, or leave the animation out".into(),
                ));
            }
        }
    }
    let tag_name = name;
    for attr in attrs {
        let name = attr.name.as_str();
        let at = attr.span.clone();
        if name.starts_with("on") {
            out.push((
                at,
                format!("the attribute `{name}` runs code in the reader's browser"),
                "content may not carry scripts: leave the attribute out".into(),
            ));
            continue;
        }
        if name == "style" {
            out.push((
                at,
                "a `style` attribute is inline style, which the pages' Content-Security-Policy blocks".into(),
                "style content from the theme's stylesheet: give the element a class there".into(),
            ));
            continue;
        }
        if !ADDRESS_ATTRIBUTES.contains(&name) {
            continue;
        }
        let loading = loads(tag_name, name);
        for address in addresses(name, &attr.value) {
            if let Some(scheme) = script_scheme(address) {
                out.push((
                    at.clone(),
                    format!("a `{scheme}` address runs code in the reader's browser"),
                    "link to a page (`@/…`) or a web address (https://…); content may not carry scripts".into(),
                ));
            } else if loading && local_file(address) {
                let shown: String = address.trim().chars().take(60).collect();
                out.push((
                    at.clone(),
                    format!("`{shown}` is a file of this computer, not of the site"),
                    "put the file beside the page (a page bundle, `name/index.<lang>.md`) and use its name, e.g. src=\"chart.png\"".into(),
                ));
            } else if loading && is_outside(address) {
                let shown: String = address.trim().chars().take(60).collect();
                out.push((
                    at.clone(),
                    format!("`{shown}` would be loaded from another site"),
                    "the report works offline and tells no other site who reads it: put the file beside the page and use its name".into(),
                ));
            }
        }
    }
}

/// Checks the HTML of a page, in which `raw` are the pieces copied from the Markdown body
/// (sorted by their place in `html`). Only tags that raw HTML writes, wholly or in part, are
/// checked: the rest is nenpo's own mark-up, checked where it is made. `allowed` is false when
/// the site turns raw HTML off. The problems' spans are in the Markdown body.
pub fn check_page(html: &str, raw: &[RawSegment], allowed: bool) -> Vec<RawProblem> {
    if raw.is_empty() {
        return Vec::new();
    }
    let sink = Sink {
        document: Node::other(),
    };
    // The page's HTML sits inside the theme's `<main>` (or `<article>`, `<div>`): "in body".
    let context = html5ever::interface::create_element(
        &sink,
        QualName::new(None, ns!(html), local_name!("div")),
        Vec::new(),
    );
    let tree = TreeBuilder::new_for_fragment(sink, context, None, TreeBuilderOpts::default());
    let mut reader = Reader {
        html,
        tree: &tree,
        raw,
        allowed,
        next_state: None,
        tag: None,
        open_raw_text: None,
        last_foreign: None,
        turned_off: Vec::new(),
        problems: Vec::new(),
    };
    {
        let emitter = PageEmitter {
            inner: CallbackEmitter::new(&mut reader),
        };
        let Ok(()) = Tokenizer::new_with_emitter(html, emitter).finish();
    }
    if allowed {
        if let Some((name, span)) = reader.open_raw_text.take() {
            if reader.segment_at(span.start).is_some() {
                reader.problems.push((
                    span,
                    format!(
                        "`<{name}>` is not closed: the rest of the page would be read as its text"
                    ),
                    format!("close it with `</{name}>`"),
                ));
            }
        }
        if tree.adjusted_current_node_present_but_not_in_html_namespace() {
            if let Some((name, span)) = reader.last_foreign.take() {
                if reader.segment_at(span.start).is_some() {
                    reader.problems.push((
                        span,
                        format!(
                            "`<{name}>` is not closed: what follows the page would be read as {}",
                            if name == "svg" { "SVG" } else { "MathML" }
                        ),
                        format!("close it with `</{name}>`"),
                    ));
                }
            }
        }
    }
    let problems = std::mem::take(&mut reader.problems);
    problems
        .into_iter()
        .map(|(span, message, help)| (reader.body_span(span), message, help))
        .collect()
}

/// A start tag being read: name, where it starts, attributes so far.
struct OpenTag {
    name: String,
    start: usize,
    attrs: Vec<Attr>,
}

/// Reads the tokenizer's events: checks the start tags raw HTML writes and hands every token to
/// the tree builder, whose answer sets the tokenizer's next state.
struct Reader<'t> {
    html: &'t str,
    tree: &'t TreeBuilder<Handle, Sink>,
    raw: &'t [RawSegment],
    allowed: bool,
    next_state: Option<State>,
    tag: Option<OpenTag>,
    /// The start tag that switched the tokenizer to raw text, until its end tag.
    open_raw_text: Option<(String, Range<usize>)>,
    /// The last `<svg>` or `<math>` start tag.
    last_foreign: Option<(String, Range<usize>)>,
    /// The raw HTML pieces already reported on a site that turns raw HTML off (one each).
    turned_off: Vec<usize>,
    problems: Vec<HtmlProblem>,
}

impl Reader<'_> {
    /// The raw piece that holds `at` in the page's HTML.
    fn segment_at(&self, at: usize) -> Option<&RawSegment> {
        let i = self.raw.partition_point(|s| s.html <= at);
        let segment = self.raw.get(i.checked_sub(1)?)?;
        (at < segment.html + segment.len).then_some(segment)
    }

    /// The first raw piece that `span` of the page's HTML overlaps.
    fn overlapping(&self, span: &Range<usize>) -> Option<&RawSegment> {
        let i = self.raw.partition_point(|s| s.html + s.len <= span.start);
        self.raw
            .get(i)
            .filter(|s| s.html < span.end.max(span.start + 1))
    }

    /// A span of the page's HTML as a span of the Markdown body: where it starts in a raw piece,
    /// there; otherwise (a tag begun in raw HTML and ended in nenpo's mark-up, or the reverse),
    /// the raw piece it overlaps.
    fn body_span(&self, span: Range<usize>) -> Range<usize> {
        if let Some(s) = self.segment_at(span.start) {
            let end = span.end.clamp(span.start, s.html + s.len);
            return s.body + (span.start - s.html)..s.body + (end - s.html);
        }
        match self.overlapping(&span) {
            Some(s) => s.body..s.body + s.len,
            None => 0..0,
        }
    }

    fn turned_off(&mut self, span: Range<usize>) {
        let Some(group) = self.overlapping(&span).map(|s| s.group) else {
            return;
        };
        if !self.turned_off.contains(&group) {
            self.turned_off.push(group);
            let (_, message, help) = turned_off(span.clone());
            self.problems.push((span, message, help));
        }
    }

    fn send(&mut self, token: TreeToken) {
        self.next_state = match self.tree.process_token(token, 1) {
            TokenSinkResult::Continue => None,
            TokenSinkResult::Script(_) => Some(State::Data),
            TokenSinkResult::Plaintext => Some(State::PlainText),
            TokenSinkResult::RawData(RawKind::Rcdata) => Some(State::RcData),
            TokenSinkResult::RawData(RawKind::Rawtext) => Some(State::RawText),
            TokenSinkResult::RawData(RawKind::ScriptData | RawKind::ScriptDataEscaped(_)) => {
                Some(State::ScriptData)
            }
        };
    }

    fn close_start_tag(&mut self, end: usize, self_closing: bool) {
        let Some(tag) = self.tag.take() else { return };
        let span = tag.start..end;
        if self.overlapping(&span).is_some() {
            if self.allowed {
                check_tag(&tag.name, &tag.attrs, &span, &mut self.problems);
            } else {
                self.turned_off(span.clone());
            }
        }
        let attrs = tag
            .attrs
            .iter()
            .map(|a| Attribute {
                name: QualName::new(None, ns!(), LocalName::from(a.name.as_str())),
                value: StrTendril::from_slice(&a.value),
            })
            .collect();
        self.send(TreeToken::TagToken(Tag {
            kind: TagKind::StartTag,
            name: LocalName::from(tag.name.as_str()),
            self_closing,
            attrs,
        }));
        if self.next_state.is_some_and(|s| s != State::Data) {
            self.open_raw_text = Some((tag.name.clone(), span.clone()));
        }
        if matches!(tag.name.as_str(), "svg" | "math") {
            self.last_foreign = Some((tag.name, span));
        }
    }
}

impl Callback<Infallible, usize> for &mut Reader<'_> {
    fn handle_event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) -> Option<Infallible> {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag = Some(OpenTag {
                    name: text(name).to_ascii_lowercase(),
                    start: span.start,
                    attrs: Vec::new(),
                });
            }
            CallbackEvent::AttributeName { name } => {
                if let Some(tag) = self.tag.as_mut() {
                    let name = text(name).to_ascii_lowercase();
                    // A repeated attribute is dropped, as a browser drops it.
                    if tag.attrs.iter().all(|a| a.name != name) {
                        tag.attrs.push(Attr {
                            name,
                            value: String::new(),
                            span: span.start..span.end,
                        });
                    }
                }
            }
            CallbackEvent::AttributeValue { value } => {
                if let Some(attr) = self.tag.as_mut().and_then(|t| t.attrs.last_mut()) {
                    if attr.span.end <= span.start {
                        attr.value = text(value);
                        // The span ends after the closing quote, if the value has one.
                        let bytes = self.html.as_bytes();
                        let quote = span.start.checked_sub(1).map(|i| bytes[i]);
                        let quoted = matches!(quote, Some(b'"' | b'\''))
                            && bytes.get(span.end) == quote.as_ref();
                        attr.span.end = span.end + usize::from(quoted);
                    }
                }
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                self.close_start_tag(span.end, self_closing)
            }
            CallbackEvent::EndTag { name } => {
                let span = span.start..span.end;
                if !self.allowed && self.overlapping(&span).is_some() {
                    self.turned_off(span);
                }
                self.open_raw_text = None;
                self.send(TreeToken::TagToken(Tag {
                    kind: TagKind::EndTag,
                    name: LocalName::from(text(name).to_ascii_lowercase().as_str()),
                    self_closing: false,
                    attrs: Vec::new(),
                }));
            }
            CallbackEvent::String { value } => {
                for (i, part) in value.split(|&b| b == 0).enumerate() {
                    if i > 0 {
                        self.send(TreeToken::NullCharacterToken);
                    }
                    if !part.is_empty() {
                        self.send(TreeToken::CharacterTokens(StrTendril::from_slice(
                            &String::from_utf8_lossy(part),
                        )));
                    }
                }
            }
            CallbackEvent::Comment { value } => {
                self.send(TreeToken::CommentToken(StrTendril::from_slice(
                    &String::from_utf8_lossy(value),
                )));
            }
            // A doctype inside a page is ignored by the browser; errors change nothing.
            CallbackEvent::Doctype { .. } | CallbackEvent::Error(_) => {}
        }
        None
    }
}

/// html5gum's tokenizer, told its next state by the tree builder (through [`Reader`]).
struct PageEmitter<'r, 't> {
    inner: CallbackEmitter<&'r mut Reader<'t>, Infallible, usize>,
}

impl ForwardingEmitter for PageEmitter<'_, '_> {
    type Token = Infallible;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.inner
    }

    fn emit_current_tag(&mut self) -> Option<State> {
        let _ = self.inner.emit_current_tag();
        self.inner.callback_mut().next_state.take()
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&mut self) -> bool {
        self.inner
            .callback_mut()
            .tree
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// A node as the tree builder needs to know it: its name (for namespaces and scopes), a
/// template's contents, whether it is a MathML `<annotation-xml>` that holds HTML. The tree
/// itself is not kept: only how the page is tokenized matters here.
struct Node {
    name: QualName,
    contents: Option<Handle>,
    html_integration_point: bool,
}

type Handle = Rc<Node>;

impl Node {
    fn other() -> Handle {
        Rc::new(Node {
            name: QualName::new(None, ns!(), local_name!("")),
            contents: None,
            html_integration_point: false,
        })
    }
}

struct Sink {
    document: Handle,
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = ();
    type ElemName<'a> = &'a QualName;

    fn finish(self) {}
    fn parse_error(&self, _: Cow<'static, str>) {}
    fn get_document(&self) -> Handle {
        self.document.clone()
    }
    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        &target.name
    }
    fn create_element(&self, name: QualName, _: Vec<Attribute>, flags: ElementFlags) -> Handle {
        Rc::new(Node {
            name,
            contents: flags.template.then(Node::other),
            html_integration_point: flags.mathml_annotation_xml_integration_point,
        })
    }
    fn create_comment(&self, _: StrTendril) -> Handle {
        Node::other()
    }
    fn create_pi(&self, _: StrTendril, _: StrTendril) -> Handle {
        Node::other()
    }
    fn append(&self, _: &Handle, _: NodeOrText<Handle>) {}
    fn append_based_on_parent_node(&self, _: &Handle, _: &Handle, _: NodeOrText<Handle>) {}
    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}
    fn get_template_contents(&self, target: &Handle) -> Handle {
        target.contents.clone().unwrap_or_else(|| target.clone())
    }
    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        Rc::ptr_eq(x, y)
    }
    fn set_quirks_mode(&self, _: QuirksMode) {}
    fn append_before_sibling(&self, _: &Handle, _: NodeOrText<Handle>) {}
    fn add_attrs_if_missing(&self, _: &Handle, _: Vec<Attribute>) {}
    fn remove_from_parent(&self, _: &Handle) {}
    fn reparent_children(&self, _: &Handle, _: &Handle) {}
    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        handle.html_integration_point
    }
    fn allow_declarative_shadow_roots(&self, _: &Handle) -> bool {
        false
    }
}

/// The message of raw HTML on a site that turns it off.
pub const TURNED_OFF: &str =
    "raw HTML is turned off for this site (`[markdown] raw_html = false` in config.toml)";

fn turned_off(span: Range<usize>) -> RawProblem {
    (
        span,
        TURNED_OFF.into(),
        "write it in Markdown instead (**bold**, [a link](…), ![an image](…)); only comments <!-- … --> are allowed".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks `html` as if all of it were raw HTML from the body.
    fn check(html: &str, allowed: bool) -> Vec<RawProblem> {
        let raw = [RawSegment {
            html: 0,
            len: html.len(),
            body: 0,
            group: 0,
        }];
        check_page(html, &raw, allowed)
    }

    fn messages(html: &str) -> Vec<String> {
        check(html, true).into_iter().map(|(_, m, _)| m).collect()
    }

    #[test]
    fn addresses_that_run_code_are_found_as_a_browser_reads_them() {
        for html in [
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href='JavaScript:alert(1)'>x</a>",
            "<a href=javascript:alert(1)>x</a>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\" java\tscript:alert(1)\">x</a>",
            "<form action=\"vbscript:x\"><button formaction=\"javascript:x\">b</button></form>",
            "<svg><a xlink:href=\"javascript:x\">y</a></svg>",
            "<iframe src=\"data:text/html,<script>x</script>\"></iframe>",
            "<img srcset=\"a.png 1x, javascript:x 2x\" alt=\"\">",
        ] {
            let found = messages(html);
            assert!(
                found.iter().any(|m| m.contains("runs code")),
                "{html}: {found:?}"
            );
        }
    }

    #[test]
    fn what_hides_from_a_tag_by_tag_reading_is_found() {
        for html in [
            "x <textarea><p title=\"</textarea><img src=x onerror=alert(1)>\">",
            "<svg><title><img src=x onerror=alert(1)></title></svg>",
            "<svg><style><img src=x onerror=alert(1)></style></svg>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
            "<svg><noscript><img src=x onerror=alert(1)></noscript></svg>",
            "<xmp><p title=\"</xmp><img src=x onerror=alert(1)>\"></p>",
            "<div><![CDATA[><img src=x onerror=alert(1)>]]></div>",
        ] {
            let found = messages(html);
            assert!(
                found.iter().any(|m| m.contains("`onerror`")),
                "{html}: {found:?}"
            );
        }
        let found = messages(
            "<svg><a><animate attributeName=\"href\" values=\"javascript:alert(1)\"/><text y=\"20\">x</text></a></svg>",
        );
        assert!(
            found.iter().any(|m| m.contains("SVG animation of `href`")),
            "{found:?}"
        );
    }

    #[test]
    fn raw_text_or_svg_left_open_is_refused() {
        assert!(messages("<p>a</p><textarea>")[0].contains("`<textarea>` is not closed"));
        assert!(messages("<svg><g>")[0].contains("`<svg>` is not closed"));
        assert!(messages("<svg><g></g></svg><textarea>x</textarea>").is_empty());
    }

    #[test]
    fn only_what_raw_html_writes_is_checked_and_located_in_the_body() {
        // nenpo's own `<a href="javascript:x">` (refused where it is made) is not reported here;
        // the raw tag is, at its place in the body.
        let html = "<p><a href=\"javascript:x\">a</a> <b onclick=\"x()\">b</b></p>";
        let at = html.find("<b ").unwrap();
        let raw = [RawSegment {
            html: at,
            len: html[at..].find('>').unwrap() + 1,
            body: 100,
            group: 0,
        }];
        let problems = check_page(html, &raw, true);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 103..116);
    }

    #[test]
    fn the_span_is_the_attribute() {
        let html = "<p>Read <a title=\"t\"\n   href=\"javascript:go()\">this</a></p>";
        let problems = check(html, true);
        assert_eq!(problems.len(), 1);
        let (span, _, _) = &problems[0];
        assert_eq!(&html[span.clone()], "href=\"javascript:go()\"");
    }

    #[test]
    fn inline_script_and_style_and_outside_loads_are_refused() {
        let found = messages(
            "<script src=\"x.js\"></script><style>p{}</style><p style=\"color:red\" onclick=\"x()\">a</p><img src=\"https://example.org/x.png\" alt=\"x\"><base href=\"/\"><svg><image href=\"https://example.org/y.png\"/></svg>",
        );
        for needle in [
            "`<script>`",
            "`<style>`",
            "`style` attribute",
            "`onclick`",
            "`https://example.org/x.png` would be loaded",
            "`https://example.org/y.png` would be loaded",
            "`<base>`",
        ] {
            assert!(
                found.iter().any(|m| m.contains(needle)),
                "{needle}: {found:?}"
            );
        }
    }

    #[test]
    fn ordinary_raw_html_passes() {
        for html in [
            "<details><summary>More</summary>\n<p>Text <a href=\"https://example.org/\">out</a> <a href=\"#x\">in</a></p></details>",
            "<img src=\"chart.png\" srcset=\"chart.png 1x, chart@2x.png 2x\" alt=\"A chart\">",
            "<!-- a note to editors: <a href=\"javascript:x\"> -->",
            "<sup>1</sup><br><kbd>Ctrl</kbd>",
            "<textarea><a href=\"javascript:x\"></textarea>",
            "<svg viewBox=\"0 0 10 10\"><title>A dot</title><circle cx=\"5\" cy=\"5\" r=\"4\"/><animate attributeName=\"r\" values=\"1;4\" dur=\"1s\"/></svg>",
            "<table><tr><td>1</td></tr></table>",
            "<a href=\"/en/\">home</a> <a href=\"../other/\">next</a>",
            "<svg><use href=\"#icon\"/><image href=\"chart.png\"/></svg>",
        ] {
            assert_eq!(messages(html), Vec::<String>::new(), "{html}");
        }
    }

    #[test]
    fn files_of_the_computer_are_never_loaded() {
        for html in [
            "<img src=\"/etc/ssl/private/key.png\" alt=\"x\">",
            "<img src=\"../../../../home/me/secret.png\" alt=\"x\">",
            "<img src=\"chart/%2e%2e/%2E%2E/x.png\" alt=\"x\">",
            "<img src=\"\\etc\\x.png\" alt=\"x\">",
            "<img src=\"file:///etc/passwd\" alt=\"x\">",
            "<img srcset=\"a.png 1x, /etc/x.png 2x\" alt=\"x\">",
            "<svg><image href=\"file:///home/me/photo.png\"/></svg>",
            "<svg><image xlink:href=\"/home/me/photo.png\"/></svg>",
            "<svg><use href=\"../../../secret.svg#a\"/></svg>",
        ] {
            let found = messages(html);
            assert!(
                found.iter().any(|m| m.contains("a file of this computer")),
                "{html}: {found:?}"
            );
        }
    }

    #[test]
    fn turned_off_everything_but_comments_is_refused_once() {
        assert!(check("<!-- a note -->", false).is_empty());
        let problems = check("<b>bold</b> and <i>italic</i>", false);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 0..3);
        assert!(problems[0].1.contains("turned off"));
    }
}
