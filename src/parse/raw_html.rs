//! Raw HTML inside Markdown: what it may not carry. Read with a WHATWG tokenizer (html5gum), so
//! that attribute values are seen as a browser sees them (quotes, character references such as
//! `&#106;avascript:`, case). Refused, each at its position: anything but comments when the site
//! turns raw HTML off (`[markdown] raw_html = false`); addresses that run code
//! (`javascript:`, `vbscript:`, `data:text/html`) in any attribute that holds an address;
//! inline script and style (`<script>`, `on…=` handlers, `<style>`, `style=`), which the pages'
//! Content-Security-Policy would block; elements that could change the whole page (`<base>`,
//! `<meta>`, `<link>`) or embed another document; and anything loaded from another site.

use std::ops::Range;

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// One problem, located in the checked HTML: (span, message, help).
pub type RawProblem = (Range<usize>, String, String);

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

/// Checks one piece of raw HTML (an inline tag, or the whole text of an HTML block).
/// `allowed` is false when the site turns raw HTML off.
pub fn check(html: &str, allowed: bool) -> Vec<RawProblem> {
    let mut out = Vec::new();
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // `<textarea>`, `<title>`, `<style>`… hold text, not tags, as in a browser.
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        let tag = match token {
            Token::StartTag(tag) => tag,
            Token::EndTag(end) if !allowed => {
                out.push(turned_off(end.span.start..end.span.end));
                return out;
            }
            _ => continue,
        };
        let span = tag.span.start..tag.span.end;
        if !allowed {
            out.push(turned_off(span));
            return out;
        }
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        if let Some((why, help)) = refused_element(&name) {
            out.push((
                span.clone(),
                format!("a `<{name}>` element {why}"),
                help.into(),
            ));
        }
        for (attr, value) in &tag.attributes {
            let attr = String::from_utf8_lossy(attr).to_ascii_lowercase();
            let text = String::from_utf8_lossy(&value.value);
            let at = if value.span.end > value.span.start {
                value.span.start..value.span.end
            } else {
                span.clone()
            };
            if attr.starts_with("on") {
                out.push((
                    at,
                    format!("the attribute `{attr}` runs code in the reader's browser"),
                    "content may not carry scripts: leave the attribute out".into(),
                ));
                continue;
            }
            if attr == "style" {
                out.push((
                    at,
                    "a `style` attribute is inline style, which the pages' Content-Security-Policy blocks".into(),
                    "style content from the theme's stylesheet: give the element a class there".into(),
                ));
                continue;
            }
            if !ADDRESS_ATTRIBUTES.contains(&attr.as_str()) {
                continue;
            }
            for address in addresses(&attr, &text) {
                if let Some(scheme) = script_scheme(address) {
                    out.push((
                        at.clone(),
                        format!("a `{scheme}` address runs code in the reader's browser"),
                        "link to a page (`@/…`) or a web address (https://…); content may not carry scripts".into(),
                    ));
                } else if loads(&name, &attr) && local_file(address) {
                    let shown: String = address.trim().chars().take(60).collect();
                    out.push((
                        at.clone(),
                        format!("`{shown}` is a file of this computer, not of the site"),
                        "put the file beside the page (a page bundle, `name/index.<lang>.md`) and use its name, e.g. src=\"chart.png\"".into(),
                    ));
                } else if loads(&name, &attr) && is_outside(address) {
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
    out
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
            "<script src=\"x.js\"></script><style>p{}</style><p style=\"color:red\" onclick=\"x()\">a</p><img src=\"https://example.org/x.png\" alt=\"x\"><base href=\"/\">",
        );
        for needle in [
            "`<script>`",
            "`<style>`",
            "`style` attribute",
            "`onclick`",
            "another site",
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
