//! XLIFF 1.2: units as `<trans-unit>`s, one `<file>` per page or file, mark-up as `<g>` (paired)
//! and `<x/>` (standalone) inline codes; and reading a translated file back.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::inline::Piece;
use super::{Exported, Incoming};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn ctype(kind: &str) -> &'static str {
    match kind {
        "link" => "link",
        "bold" => "bold",
        "italic" => "italic",
        "image" => "image",
        "strikethrough" => "x-strikethrough",
        "variable" => "x-variable",
        _ => "x-code",
    }
}

fn pieces(out: &mut String, pieces: &[Piece], unit: &Exported) {
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(&escape(t)),
            Piece::Open(n) => out.push_str(&format!(
                "<g id=\"{n}\" ctype=\"{}\">",
                ctype(unit.coded.natives[n].kind)
            )),
            Piece::Close(_) => out.push_str("</g>"),
            Piece::Code(n) => out.push_str(&format!(
                "<x id=\"{n}\" ctype=\"{}\"/>",
                ctype(unit.coded.natives[n].kind)
            )),
        }
    }
}

/// The XLIFF 1.2 document of `units` (in order; a `<file>` per group and source language).
pub fn write(units: &[Exported], target: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n",
    );
    let mut open: Option<(&str, &str)> = None;
    for unit in units {
        if open != Some((&unit.group, &unit.source_lang)) {
            if open.is_some() {
                out.push_str("</body>\n</file>\n");
            }
            out.push_str(&format!(
                "<file original=\"{}\" source-language=\"{}\" target-language=\"{}\" datatype=\"x-nenpo\">\n<body>\n",
                escape(&unit.group),
                escape(&unit.source_lang),
                escape(target)
            ));
            open = Some((&unit.group, &unit.source_lang));
        }
        out.push_str(&format!(
            "<trans-unit id=\"{}\" xml:space=\"preserve\">\n<source>",
            escape(&unit.id)
        ));
        pieces(&mut out, &unit.coded.source, unit);
        out.push_str("</source>\n");
        let state = match unit.status {
            super::status::Status::UpToDate | super::status::Status::NotTracked => "translated",
            super::status::Status::Missing => "new",
            _ => "needs-review-translation",
        };
        out.push_str(&format!("<target state=\"{state}\">"));
        if let Some(target) = &unit.coded.target {
            pieces(&mut out, target, unit);
        }
        out.push_str("</target>\n");
        out.push_str(&format!("<note>{}</note>\n", escape(&unit.note)));
        out.push_str("</trans-unit>\n");
    }
    if open.is_some() {
        out.push_str("</body>\n</file>\n");
    }
    out.push_str("</xliff>\n");
    out
}

/// The units of an XLIFF 1.2 file; `Err` says what is wrong and where.
pub fn read(text: &str) -> Result<Vec<Incoming>, String> {
    let mut reader = Reader::from_str(text);
    let mut units = Vec::new();
    let mut target_lang = String::new();
    let mut current: Option<Incoming> = None;
    // Inside <source> or <target>: the pieces so far and the open <g> numbers.
    let mut within: Option<(bool, Vec<Piece>, Vec<usize>)> = None;
    let position = |reader: &Reader<&[u8]>| {
        let at = reader.buffer_position() as usize;
        let (line, col) = crate::error::line_col(text, at.min(text.len()));
        format!("line {line}, column {col}")
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("{}: {e}", position(&reader)))?;
        let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Option<String> {
            e.attributes()
                .flatten()
                .find(|a| a.key.as_ref() == name)
                .and_then(|a| {
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .ok()
                        .map(|v| v.to_string())
                })
        };
        match event {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e)
                if within.is_some() && matches!(e.local_name().as_ref(), "g" | "x") =>
            {
                let empty = matches!(event, Event::Empty(_));
                let n = attr(e, "id")
                    .and_then(|id| id.parse::<usize>().ok())
                    .ok_or_else(|| {
                        format!(
                            "{}: an inline code without a numeric id in `{}`",
                            position(&reader),
                            current.as_ref().map_or("", |c| c.id.as_str())
                        )
                    })?;
                let (_, pieces, open) = within.as_mut().expect("checked");
                if e.local_name().as_ref() == "x" {
                    pieces.push(Piece::Code(n));
                } else if empty {
                    pieces.push(Piece::Open(n));
                    pieces.push(Piece::Close(n));
                } else {
                    pieces.push(Piece::Open(n));
                    open.push(n);
                }
            }
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "file" => target_lang = attr(&e, "target-language").unwrap_or_default(),
                    "trans-unit" => {
                        current = Some(Incoming {
                            id: attr(&e, "id").unwrap_or_default(),
                            lang: target_lang.clone(),
                            source: None,
                            target: None,
                            translated: false,
                            at: reader.buffer_position() as usize,
                        })
                    }
                    "source" if current.is_some() => within = Some((true, Vec::new(), Vec::new())),
                    "target" if current.is_some() => {
                        if let Some(c) = current.as_mut() {
                            c.translated = matches!(
                                attr(&e, "state").as_deref(),
                                None | Some("translated" | "final" | "signed-off")
                            );
                        }
                        within = Some((false, Vec::new(), Vec::new()))
                    }
                    // Segment marks some tools add: their text counts, the mark does not.
                    "mrk" if within.is_some() => {}
                    other if within.is_some() => {
                        return Err(format!(
                            "{}: `<{}>` in `{}`: only <g> and <x/> inline codes are known",
                            position(&reader),
                            other,
                            current.as_ref().map_or("", |c| c.id.as_str())
                        ))
                    }
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "g" => {
                    if let Some((_, pieces, open)) = within.as_mut() {
                        if let Some(n) = open.pop() {
                            pieces.push(Piece::Close(n));
                        }
                    }
                }
                "source" | "target" => {
                    if let (Some((is_source, pieces, _)), Some(c)) =
                        (within.take(), current.as_mut())
                    {
                        if is_source {
                            c.source = Some(pieces);
                        } else {
                            c.target = Some(pieces);
                        }
                    }
                }
                "trans-unit" => units.extend(current.take()),
                _ => {}
            },
            Event::Text(t) => {
                if let Some((_, pieces, _)) = within.as_mut() {
                    let text = t.xml10_content();
                    push_text(pieces, &text);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, pieces, _)) = within.as_mut() {
                    let name = r.as_ref().to_string();
                    let c = match name.as_str() {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        n => {
                            let code = n
                                .strip_prefix("#x")
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                                .and_then(char::from_u32)
                                .ok_or_else(|| {
                                    format!("{}: unknown entity `&{n};`", position(&reader))
                                })?;
                            code.to_string()
                        }
                    };
                    push_text(pieces, &c);
                }
            }
            Event::CData(t) => {
                if let Some((_, pieces, _)) = within.as_mut() {
                    push_text(pieces, &t.xml10_content());
                }
            }
            _ => {}
        }
    }
    Ok(units)
}

fn push_text(pieces: &mut Vec<Piece>, text: &str) {
    if let Some(Piece::Text(t)) = pieces.last_mut() {
        t.push_str(text);
    } else if !text.is_empty() {
        pieces.push(Piece::Text(text.to_string()));
    }
}
