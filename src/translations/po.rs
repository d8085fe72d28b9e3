//! gettext PO: one entry per unit (`msgctxt` its id, `msgid` the original, `msgstr` the
//! translation, `fuzzy` when the original changed since), mark-up as `<1>…</1>` and `<2/>`; and
//! reading a translated file back.

use super::inline::{from_tags, to_tags};
use super::status::Status;
use super::{Exported, Incoming};

/// A PO string: `"…"`, or `""` and one line per line of the text.
fn quoted(keyword: &str, text: &str) -> String {
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\t', "\\t")
            .replace('\r', "\\r")
    };
    if !text.contains('\n') {
        return format!("{keyword} \"{}\"\n", escape(text));
    }
    let mut out = format!("{keyword} \"\"\n");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for line in lines {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\\n"),
            None => (line, ""),
        };
        out.push_str(&format!("\"{}{newline}\"\n", escape(body)));
    }
    out
}

pub fn write(units: &[Exported], target: &str, project: &str) -> String {
    let mut out = String::new();
    out.push_str("# Texts to translate, written by `nenpo translations export`; read back by `nenpo translations import`.\n");
    out.push_str(
        "# Keep <1>…</1> and <2/>: they stand for links, emphasis and code of the original.\n",
    );
    out.push_str("msgid \"\"\nmsgstr \"\"\n");
    for header in [
        format!("Project-Id-Version: {project}"),
        "Report-Msgid-Bugs-To: ".to_string(),
        "PO-Revision-Date: 2000-01-01 00:00+0000".to_string(),
        "Last-Translator: nenpo".to_string(),
        "Language-Team: none".to_string(),
        format!("Language: {target}"),
        "MIME-Version: 1.0".to_string(),
        "Content-Type: text/plain; charset=UTF-8".to_string(),
        "Content-Transfer-Encoding: 8bit".to_string(),
        "X-Generator: nenpo".to_string(),
    ] {
        out.push_str(&format!("\"{}\\n\"\n", header.replace('"', "\\\"")));
    }
    for unit in units {
        out.push('\n');
        out.push_str(&format!("#. {}\n", unit.note.replace('\n', " ")));
        if matches!(unit.status, Status::OutOfDate | Status::Extra) {
            out.push_str("#, fuzzy\n");
        }
        out.push_str(&quoted("msgctxt", &unit.id));
        out.push_str(&quoted("msgid", &to_tags(&unit.coded.source)));
        let target = unit
            .coded
            .target
            .as_deref()
            .map(to_tags)
            .unwrap_or_default();
        // gettext wants a translation to begin and end with a newline when its original does.
        let source = to_tags(&unit.coded.source);
        let target = if target.is_empty() {
            target
        } else {
            let mut t = target;
            if source.ends_with('\n') && !t.ends_with('\n') {
                t.push('\n');
            }
            t
        };
        out.push_str(&quoted("msgstr", &target));
    }
    out
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            other => return Err(format!("unknown escape `\\{}`", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

/// The entries of a PO file (the header gives the language).
pub fn read(text: &str) -> Result<Vec<Incoming>, String> {
    let mut out = Vec::new();
    let mut lang = String::new();
    #[derive(Default)]
    struct Entry {
        ctx: Option<String>,
        id: Option<String>,
        msgstr: Option<String>,
        fuzzy: bool,
        obsolete: bool,
        at: usize,
    }
    let mut entry = Entry::default();
    // Which string a continuation line adds to.
    let mut field: Option<&'static str> = None;
    let finish = |e: Entry, out: &mut Vec<Incoming>, lang: &mut String| {
        if e.obsolete {
            return;
        }
        match (e.ctx, e.id) {
            (None, Some(id)) if id.is_empty() => {
                for line in e.msgstr.unwrap_or_default().lines() {
                    if let Some(l) = line.strip_prefix("Language:") {
                        *lang = l.trim().to_string();
                    }
                }
            }
            (Some(ctx), Some(id)) => {
                let target = e.msgstr.unwrap_or_default();
                out.push(Incoming {
                    id: ctx,
                    lang: lang.clone(),
                    source: Some(from_tags(&id)),
                    translated: !e.fuzzy && !target.is_empty(),
                    at: e.at,
                    target: Some(from_tags(
                        target
                            .strip_suffix('\n')
                            .filter(|_| !id.ends_with('\n'))
                            .unwrap_or(&target),
                    )),
                });
            }
            _ => {}
        }
    };
    let mut offset = 0;
    for (n, line) in text.lines().enumerate() {
        let line_start = offset;
        offset += line.len() + 1;
        let at = |m: String| format!("line {}: {m}", n + 1);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            finish(std::mem::take(&mut entry), &mut out, &mut lang);
            field = None;
            continue;
        }
        if let Some(flags) = line.strip_prefix("#,") {
            entry.fuzzy |= flags.split(',').any(|f| f.trim() == "fuzzy");
            continue;
        }
        if line.starts_with("#~") {
            entry.obsolete = true;
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (keyword, rest) = match line.split_once(' ') {
            Some((k, r)) if k.starts_with("msg") => (Some(k), r),
            _ => (None, line),
        };
        let rest = rest.trim();
        let Some(inner) = rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
            return Err(at(format!("`{line}` is not a PO line")));
        };
        let value = unescape(inner).map_err(at)?;
        if let Some(keyword) = keyword {
            if matches!(keyword, "msgctxt") && entry.id.is_some() {
                finish(std::mem::take(&mut entry), &mut out, &mut lang);
            }
            if keyword == "msgctxt" || (keyword == "msgid" && entry.ctx.is_none()) {
                entry.at = line_start;
            }
            field = Some(match keyword {
                "msgctxt" => "ctx",
                "msgid" => "id",
                "msgstr" | "msgstr[0]" => "str",
                "msgid_plural" => "plural",
                other => return Err(at(format!("unknown keyword `{other}`"))),
            });
            let slot = match field {
                Some("ctx") => &mut entry.ctx,
                Some("id") => &mut entry.id,
                Some("str") => &mut entry.msgstr,
                _ => continue,
            };
            *slot = Some(value);
        } else {
            let slot = match field {
                Some("ctx") => &mut entry.ctx,
                Some("id") => &mut entry.id,
                Some("str") => &mut entry.msgstr,
                Some(_) => continue,
                None => return Err(at("a string outside an entry".into())),
            };
            slot.get_or_insert_with(String::new).push_str(&value);
        }
    }
    finish(entry, &mut out, &mut lang);
    Ok(out)
}
