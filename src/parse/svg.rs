//! An SVG file published as it is (from `content/` or `static/`): read as a browser reads it
//! when it is opened on its own, with an XML parser (quick-xml), and refused when it could run
//! a script or load anything from outside the site. Refused, each at its position: `<script>`,
//! `<foreignObject>` (which holds HTML) and elements that embed other documents; `on…`
//! attributes (event handlers); addresses (`href`, `xlink:href`, `src`, CSS `url(…)`, the values
//! an `<animate>` or `<set>` gives an `href`) with a scheme (`javascript:`, `https:`, `file:`…),
//! `//` or a `data:` URL that is not a PNG, JPEG, GIF or WebP image; `@import` in `<style>`;
//! `xml:base`; processing instructions (`<?xml-stylesheet …?>`); a DOCTYPE with declarations
//! (entities could hide any of the above). A file that is not well-formed XML is refused too: a
//! browser would not show it.

use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// One problem: where, what, and how to fix it.
#[derive(Debug)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

const SCRIPT_HELP: &str = "an SVG is published as it is and runs its scripts when opened: remove it (drawings need no script), or export the SVG again without interactivity";
const OUTSIDE_HELP: &str = "an SVG may only refer to its own parts (`#id`) and to files of the site by relative path: embed the image, or put the file in the site";

/// Elements that run code or show another document inside the drawing.
const REFUSED_ELEMENTS: &[&str] = &[
    "script",
    "foreignobject",
    "handler",
    "listener",
    "iframe",
    "embed",
    "object",
    "meta",
    "base",
];

/// Animation elements, which can set an attribute (an `href`, an `on…`) to any value.
const ANIMATIONS: &[&str] = &["set", "animate", "animatemotion", "animatetransform"];

/// The first problem of `text`, an SVG file, if it has one.
pub fn check(text: &str) -> Result<(), Problem> {
    let mut reader = Reader::from_str(text);
    // Text inside `<style>`, where CSS can refer to other files.
    let mut in_style = 0usize;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position() as usize;
            Problem {
                span: at..at + 1,
                message: format!("the SVG is not well-formed XML: {e}"),
                help:
                    "a browser would not show it either: export it again from the drawing program"
                        .into(),
            }
        })?;
        let end = reader.buffer_position() as usize;
        match event {
            Event::Start(element) => {
                element_problem(text, &element)?;
                if local(element.local_name().as_ref()) == "style" {
                    in_style += 1;
                }
            }
            Event::Empty(element) => element_problem(text, &element)?,
            Event::End(element) if local(element.local_name().as_ref()) == "style" => {
                in_style = in_style.saturating_sub(1);
            }
            Event::Text(_) | Event::CData(_) if in_style > 0 => {
                css_problem(&text[start..end], start)?;
            }
            Event::PI(_) => {
                return Err(Problem {
                    span: start..end,
                    message: "a processing instruction (such as `<?xml-stylesheet …?>`) can load other files".into(),
                    help: "remove it; the XML declaration `<?xml version=\"1.0\"?>` alone is fine".into(),
                })
            }
            Event::DocType(doctype) if doctype.contains('[') => {
                return Err(Problem {
                    span: start..end,
                    message: "a DOCTYPE with declarations: its entities could hide scripts or references to other files".into(),
                    help: "remove the DOCTYPE (an SVG needs none)".into(),
                })
            }
            Event::GeneralRef(reference) => {
                let name: &str = &reference;
                if !name.starts_with('#')
                    && !["lt", "gt", "amp", "apos", "quot"].contains(&name)
                {
                    return Err(Problem {
                        span: start..end,
                        message: format!("the entity `&{name};` is not defined"),
                        help: "write the character itself (the file is UTF-8)".into(),
                    });
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Lower-case local name (no prefix).
fn local(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// Where `part`, a slice borrowed from `text`, starts in it.
fn offset(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .checked_sub(text.as_ptr() as usize)
        .filter(|&at| at <= text.len())
        .unwrap_or(0)
}

fn element_problem(text: &str, element: &BytesStart) -> Result<(), Problem> {
    let name = local(element.local_name().as_ref());
    let name_at = offset(text, element.name().as_ref());
    let name_span = name_at..name_at + element.name().as_ref().len();
    if REFUSED_ELEMENTS.contains(&name.as_str()) {
        return Err(Problem {
            span: name_span,
            message: format!(
                "a `<{}>` element can run a script or show another document",
                element.name().as_ref()
            ),
            help: SCRIPT_HELP.into(),
        });
    }
    let mut attributes = Vec::new();
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|e| Problem {
            span: name_span.clone(),
            message: format!("the SVG is not well-formed XML: {e}"),
            help: "export it again from the drawing program".into(),
        })?;
        let key = attribute.key.as_ref();
        let at = offset(text, key);
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| Problem {
                span: at..at + key.len(),
                message: format!("this attribute's value cannot be read: {e}"),
                help: "write the characters themselves (the file is UTF-8)".into(),
            })?;
        attributes.push((
            key.to_ascii_lowercase(),
            local(attribute.key.local_name().as_ref()),
            value.into_owned(),
            at..at + key.len(),
        ));
    }
    // What an animation sets: `attributeName="href"` with `to="javascript:…"`.
    let animates = ANIMATIONS
        .contains(&name.as_str())
        .then(|| {
            attributes
                .iter()
                .find(|(_, local, _, _)| local == "attributename")
        })
        .flatten()
        .map(|(_, _, value, _)| {
            let target = value
                .rsplit(':')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            target
        });
    for (full, local, value, span) in &attributes {
        if local.starts_with("on")
            || (local == "attributename"
                && animates.as_deref().is_some_and(|t| t.starts_with("on")))
        {
            return Err(Problem {
                span: span.clone(),
                message: format!("the attribute `{full}` runs a script"),
                help: SCRIPT_HELP.into(),
            });
        }
        if full == "xml:base" {
            return Err(Problem {
                span: span.clone(),
                message: "`xml:base` changes where every address of the drawing points".into(),
                help: "remove it".into(),
            });
        }
        let animated = matches!(animates.as_deref(), Some("href" | "src"));
        let addresses: Vec<&str> = match local.as_str() {
            "href" | "src" | "action" | "formaction" => vec![value],
            "values" if animated => value.split(';').collect(),
            "to" | "from" | "by" if animated => vec![value],
            _ => Vec::new(),
        };
        for address in addresses.into_iter().chain(css_urls(value)) {
            if let Some(why) = outside(address) {
                return Err(Problem {
                    span: span.clone(),
                    message: why,
                    help: OUTSIDE_HELP.into(),
                });
            }
        }
    }
    Ok(())
}

/// CSS in a `<style>` element, at `at` in the file.
fn css_problem(css: &str, at: usize) -> Result<(), Problem> {
    let lower = css.to_ascii_lowercase();
    if let Some(i) = lower.find("@import") {
        return Err(Problem {
            span: at + i..at + i + "@import".len(),
            message: "`@import` loads another stylesheet".into(),
            help: OUTSIDE_HELP.into(),
        });
    }
    for address in css_urls(css) {
        if let Some(why) = outside(address) {
            let i = offset(css, address);
            return Err(Problem {
                span: at + i..at + i + address.len(),
                message: why,
                help: OUTSIDE_HELP.into(),
            });
        }
    }
    Ok(())
}

/// The addresses of every CSS `url(…)` in `css` (a `style` attribute, a `fill`, a stylesheet),
/// unquoted.
fn css_urls(css: &str) -> Vec<&str> {
    let lower = css.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("url(") {
        let start = from + i + "url(".len();
        let end = css[start..].find(')').map_or(css.len(), |j| start + j);
        found.push(css[start..end].trim().trim_matches(['"', '\'']).trim());
        from = end;
    }
    found
}

/// Why `address` leads out of the site, if it does: a scheme, `//`, or a `data:` URL that is
/// not a raster image. Read as browsers read addresses: whitespace and control characters
/// ignored, `\` as `/`, any case.
fn outside(address: &str) -> Option<String> {
    let folded: String = address
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .map(|c| {
            if c == '\\' {
                '/'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let shown: String = address.trim().chars().take(60).collect();
    if folded.starts_with("//") {
        return Some(format!("`{shown}` refers to another site"));
    }
    let (scheme, rest) = folded.split_once(':')?;
    let is_scheme = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return None;
    }
    if scheme == "data" {
        let image = ["image/png", "image/jpeg", "image/gif", "image/webp"]
            .iter()
            .any(|kind| rest.starts_with(kind) && rest[kind.len()..].starts_with([';', ',']));
        return (!image).then(|| {
            format!("`{shown}` is a data: address that is not a PNG, JPEG, GIF or WebP image")
        });
    }
    Some(match scheme {
        "javascript" | "vbscript" => format!("`{shown}` runs a script"),
        "file" => format!("`{shown}` refers to a file of the computer that opens it"),
        _ => format!("`{shown}` refers to something outside the site"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(svg: &str) -> Option<(String, String)> {
        check(svg)
            .err()
            .map(|p| (svg[p.span.clone()].to_string(), p.message))
    }

    #[test]
    fn drawings_pass() {
        for svg in [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><rect width=\"32\" height=\"32\" fill=\"#12365f\"/></svg>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><defs><linearGradient id=\"g\"/></defs><use xlink:href=\"#g\"/><rect fill=\"url(#g)\" style=\"fill: url('#g')\"/><image href=\"photo.png\"/><image href=\"data:image/png;base64,AAAA\"/><a href=\"../other.html\"><text>A &amp; B &#169;</text></a><style>rect { fill: url(#g) }</style></svg>",
        ] {
            assert!(check(svg).is_ok(), "{svg}: {:?}", check(svg));
        }
    }

    #[test]
    fn scripts_and_outside_references_are_found_where_they_are() {
        for (svg, at, needle) in [
            ("<svg><script>alert(1)</script></svg>", "script", "script"),
            ("<svg xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:script>x</h:script></svg>", "h:script", "script"),
            ("<svg onload=\"alert(1)\"/>", "onload", "runs a script"),
            ("<svg><rect ONCLICK=\"x\"/></svg>", "ONCLICK", "runs a script"),
            ("<svg><foreignObject><div/></foreignObject></svg>", "foreignObject", "another document"),
            ("<svg><a xlink:href=\"&#106;avascript:alert(1)\"><text>x</text></a></svg>", "xlink:href", "runs a script"),
            ("<svg><a href=\" java\tscript:x\"/></svg>", "href", "runs a script"),
            ("<svg><image href=\"file:///etc/passwd\"/></svg>", "href", "file of the computer"),
            ("<svg><image href=\"https://example.org/x.png\"/></svg>", "href", "outside the site"),
            ("<svg><image href=\"//example.org/x.png\"/></svg>", "href", "another site"),
            ("<svg><image href=\"/\\example.org/x.png\"/></svg>", "href", "another site"),
            ("<svg><image href=\"data:image/svg+xml,&lt;svg/&gt;\"/></svg>", "href", "data:"),
            ("<svg><rect style=\"fill:url(https://example.org/p)\"/></svg>", "style", "outside the site"),
            ("<svg><rect fill=\"url(http://x/#p)\"/></svg>", "fill", "outside the site"),
            ("<svg><style>@import 'https://x/a.css';</style></svg>", "@import", "@import"),
            ("<svg><style>rect { fill: url(\"https://x/p\") }</style></svg>", "https://x/p", "outside the site"),
            ("<svg><a><set attributeName=\"href\" to=\"javascript:alert(1)\"/><text>x</text></a></svg>", "to", "runs a script"),
            ("<svg><a><animate attributeName=\"xlink:href\" values=\"#a;javascript:alert(1)\"/></a></svg>", "values", "runs a script"),
            ("<svg><set attributeName=\"onclick\" to=\"alert(1)\"/></svg>", "attributeName", "runs a script"),
            ("<?xml-stylesheet href=\"https://x/s.xsl\" type=\"text/xsl\"?><svg/>", "<?xml-stylesheet href=\"https://x/s.xsl\" type=\"text/xsl\"?>", "processing instruction"),
            ("<!DOCTYPE svg [<!ENTITY s \"x\">]><svg>&s;</svg>", "<!DOCTYPE svg [<!ENTITY s \"x\">]>", "DOCTYPE"),
            ("<svg xml:base=\"https://x/\"/>", "xml:base", "xml:base"),
        ] {
            let (found, message) = problem(svg).unwrap_or_else(|| panic!("passed: {svg}"));
            assert_eq!(found, at, "{svg}: {message}");
            assert!(message.contains(needle), "{svg}: {message}");
        }
    }

    #[test]
    fn a_file_that_is_not_xml_is_refused() {
        let (_, message) = problem("<svg><g></svg>").unwrap();
        assert!(message.contains("not well-formed"), "{message}");
    }
}
