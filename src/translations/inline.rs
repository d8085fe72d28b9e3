//! Inline codes: a unit's text cut into the words a translator writes and the mark-up they must
//! keep (a link's `[`…`](target)`, emphasis, code, images, HTML, `{name}` in interface strings),
//! each numbered, so that an exchange format shows the mark-up as codes the translator can move
//! but cannot edit.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::units::{markdown_options, Markup};

/// One piece of a unit's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// The start of a paired code (a link's text, emphasis) with its number.
    Open(usize),
    Close(usize),
    /// A code that stands alone (inline code, an image, HTML, `{n}`).
    Code(usize),
}

/// What a code stands for in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Native {
    pub open: String,
    /// For a paired code, the mark-up after its text.
    pub close: Option<String>,
    /// A short name of its kind, for the exchange format (`link`, `bold`, `code`).
    pub kind: &'static str,
}

/// A piece before numbering: natives inline.
#[derive(Clone, Debug)]
enum Raw {
    Text(String),
    Open(usize),
    Close(usize),
    Code(Native),
}

/// Cuts `text` into pieces; paired codes are `(open, close)` in `pairs`.
fn cut(text: &str, markup: Markup) -> (Vec<Raw>, Vec<Native>) {
    match markup {
        Markup::Plain => (vec![Raw::Text(text.to_string())], Vec::new()),
        Markup::Template => (cut_template(text), Vec::new()),
        Markup::Markdown => cut_markdown(text),
    }
}

/// `{name}` of an interface string.
fn cut_template(text: &str) -> Vec<Raw> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + len];
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            out.push(Raw::Text(rest[..open + 1].to_string()));
            rest = &rest[open + 1..];
            continue;
        }
        if open > 0 {
            out.push(Raw::Text(rest[..open].to_string()));
        }
        out.push(Raw::Code(Native {
            open: rest[open..=open + len].to_string(),
            close: None,
            kind: "variable",
        }));
        rest = &rest[open + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Raw::Text(rest.to_string()));
    }
    out
}

fn cut_markdown(text: &str) -> (Vec<Raw>, Vec<Native>) {
    let mut out = Vec::new();
    let mut pairs: Vec<Native> = Vec::new();
    // Open pairs: (index in `pairs`, its end in the text).
    let mut open: Vec<usize> = Vec::new();
    let mut pending: Option<(usize, usize)> = None;
    let mut pos = 0;
    // Inside an image (its alt text is part of its code).
    let mut skip_until: Option<usize> = None;
    let emit_text = |out: &mut Vec<Raw>, from: usize, to: usize| {
        if to > from {
            out.push(Raw::Text(text[from..to].to_string()));
        }
    };
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        if let Some(end) = skip_until {
            if range.start < end {
                continue;
            }
            skip_until = None;
        }
        if let Some((pair, start)) = pending.take() {
            let at = range.start.max(start);
            pairs[pair].open = text[start..at].to_string();
            pos = at;
        }
        let kind = match &event {
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => Some("link"),
            _ => None,
        };
        match event {
            Event::Start(Tag::Link { .. }) if kind.is_none() => {
                emit_text(&mut out, pos, range.start);
                pairs.push(Native {
                    open: String::new(),
                    close: Some(String::new()),
                    kind: "link",
                });
                open.push(pairs.len() - 1);
                out.push(Raw::Open(pairs.len() - 1));
                pending = Some((pairs.len() - 1, range.start));
                pos = range.start;
            }
            Event::Start(tag @ (Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) => {
                emit_text(&mut out, pos, range.start);
                pairs.push(Native {
                    open: String::new(),
                    close: Some(String::new()),
                    kind: match tag {
                        Tag::Emphasis => "italic",
                        Tag::Strong => "bold",
                        _ => "strikethrough",
                    },
                });
                open.push(pairs.len() - 1);
                out.push(Raw::Open(pairs.len() - 1));
                pending = Some((pairs.len() - 1, range.start));
                pos = range.start;
            }
            Event::End(
                TagEnd::Link | TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough,
            ) => {
                if let Some(pair) = open.pop() {
                    let end = range.end.max(pos);
                    pairs[pair].close = Some(text[pos..end].to_string());
                    out.push(Raw::Close(pair));
                    pos = end;
                }
            }
            Event::Start(Tag::Image { .. }) | Event::Start(Tag::Link { .. }) => {
                emit_text(&mut out, pos, range.start);
                out.push(Raw::Code(Native {
                    open: text[range.clone()].to_string(),
                    close: None,
                    kind: if kind.is_some() { "link" } else { "image" },
                }));
                pos = range.end;
                skip_until = Some(range.end);
            }
            Event::Code(_)
            | Event::InlineHtml(_)
            | Event::Html(_)
            | Event::FootnoteReference(_)
            | Event::HardBreak
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => {
                emit_text(&mut out, pos, range.start);
                out.push(Raw::Code(Native {
                    open: text[range.clone()].to_string(),
                    close: None,
                    kind: "code",
                }));
                pos = range.end;
            }
            Event::Text(_) | Event::SoftBreak => {
                emit_text(&mut out, pos, range.end);
                pos = pos.max(range.end);
            }
            _ => {}
        }
    }
    emit_text(&mut out, pos, text.len());
    (out, pairs)
}

/// A unit's text as numbered pieces, with what each number stands for.
#[derive(Clone, Debug, Default)]
pub struct Coded {
    pub source: Vec<Piece>,
    /// The current translation's pieces (numbers shared with the source where the mark-up is
    /// the same).
    pub target: Option<Vec<Piece>>,
    pub natives: BTreeMap<usize, Native>,
}

/// Numbers the codes of `source` and of `target` (the same mark-up gets the same number).
pub fn code(source: &str, target: Option<&str>, markup: Markup) -> Coded {
    let mut natives: BTreeMap<usize, Native> = BTreeMap::new();
    let mut number = |raw: Vec<Raw>, pairs: Vec<Native>, reuse: bool| -> Vec<Piece> {
        let mut used = BTreeSet::new();
        let mut pair_numbers = BTreeMap::new();
        let mut find = |native: &Native, natives: &mut BTreeMap<usize, Native>| -> usize {
            if reuse {
                if let Some((&n, _)) = natives
                    .iter()
                    .find(|(n, existing)| *existing == native && !used.contains(*n))
                {
                    used.insert(n);
                    return n;
                }
            }
            let n = natives.len() + 1;
            natives.insert(n, native.clone());
            used.insert(n);
            n
        };
        raw.into_iter()
            .map(|r| match r {
                Raw::Text(t) => Piece::Text(t),
                Raw::Code(native) => Piece::Code(find(&native, &mut natives)),
                Raw::Open(p) => {
                    let n = find(&pairs[p], &mut natives);
                    pair_numbers.insert(p, n);
                    Piece::Open(n)
                }
                Raw::Close(p) => Piece::Close(pair_numbers[&p]),
            })
            .collect()
    };
    let (raw, pairs) = cut(source, markup);
    let source = number(raw, pairs, false);
    let target = target.map(|t| {
        let (raw, pairs) = cut(t, markup);
        number(raw, pairs, true)
    });
    Coded {
        source,
        target,
        natives,
    }
}

/// The text the pieces stand for; `Err(number)` for a number that stands for nothing.
pub fn rebuild(pieces: &[Piece], natives: &BTreeMap<usize, Native>) -> Result<String, usize> {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Open(n) | Piece::Code(n) => out.push_str(&natives.get(n).ok_or(*n)?.open),
            Piece::Close(n) => out.push_str(
                natives
                    .get(n)
                    .ok_or(*n)?
                    .close
                    .as_deref()
                    .unwrap_or_default(),
            ),
        }
    }
    Ok(out)
}

/// The numbers used in `pieces`.
pub fn numbers(pieces: &[Piece]) -> BTreeSet<usize> {
    pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Open(n) | Piece::Code(n) => Some(*n),
            _ => None,
        })
        .collect()
}

/// Every link and image target of a Markdown text.
pub fn targets(text: &str) -> BTreeSet<String> {
    Parser::new_ext(text, markdown_options())
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

/// Pieces as text with `<1>…</1>` and `<2/>` for the codes (the PO form).
pub fn to_tags(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Open(n) => out.push_str(&format!("<{n}>")),
            Piece::Close(n) => out.push_str(&format!("</{n}>")),
            Piece::Code(n) => out.push_str(&format!("<{n}/>")),
        }
    }
    out
}

/// The pieces of a text written with `<1>…</1>` and `<2/>`.
pub fn from_tags(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        plain.push_str(&rest[..at]);
        rest = &rest[at..];
        let tag = rest[1..].find('>').map(|end| &rest[1..=end]);
        let parsed = tag.and_then(|t| {
            let (close, t) = match t.strip_prefix('/') {
                Some(t) => (true, t),
                None => (false, t),
            };
            let (code, t) = match t.strip_suffix('/') {
                Some(t) => (true, t),
                None => (false, t),
            };
            let n: usize = (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())??;
            Some(match (close, code) {
                (false, false) => Piece::Open(n),
                (true, false) => Piece::Close(n),
                (false, true) => Piece::Code(n),
                (true, true) => return None,
            })
        });
        match (parsed, tag) {
            (Some(piece), Some(tag)) => {
                if !plain.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut plain)));
                }
                out.push(piece);
                rest = &rest[tag.len() + 2..];
            }
            _ => {
                plain.push('<');
                rest = &rest[1..];
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Piece::Text(plain));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_keeps_its_target_out_of_the_text() {
        let text = "See [the *approvals*](@/a.md#x) and `code`, ![chart](c.png).";
        let coded = code(text, None, Markup::Markdown);
        assert_eq!(
            to_tags(&coded.source),
            "See <1>the <2>approvals</2></1> and <3/>, <4/>."
        );
        assert_eq!(coded.natives[&1].close.as_deref(), Some("](@/a.md#x)"));
        assert_eq!(rebuild(&coded.source, &coded.natives).unwrap(), text);
        assert_eq!(from_tags(&to_tags(&coded.source)), coded.source);
    }

    #[test]
    fn the_same_link_in_the_translation_has_the_same_number() {
        let coded = code(
            "[承認](@/a.md)の一覧",
            Some("List of [approvals](@/a.md)"),
            Markup::Markdown,
        );
        assert_eq!(
            to_tags(coded.target.as_ref().unwrap()),
            "List of <1>approvals</1>"
        );
        assert_eq!(coded.natives.len(), 1);
    }

    #[test]
    fn interface_variables_are_codes() {
        let coded = code("{n} results of {q", None, Markup::Template);
        assert_eq!(to_tags(&coded.source), "<1/> results of {q");
    }
}
