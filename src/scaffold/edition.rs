//! `nenpo new edition <name>`: the next edition of a series, copied from the latest one with every
//! title, description and number marked `[TO UPDATE]`, so that an editor fills in a year instead
//! of rebuilding a structure. The marks keep every value valid: the new edition builds at once,
//! and `check` lists each mark that is left.

use std::path::Path;
use std::sync::Arc;

use crate::config::{self, Config, CONFIG_FILE};
use crate::error::Diagnostic;
use crate::fs;
use crate::load::CONTENT_DIR;

/// The mark `new edition` writes and `check` lists.
pub const MARK: &str = "[TO UPDATE]";

/// Creates `content/<name>/` from the latest edition and makes `<name>` the latest in
/// config.toml. Returns what it created and the labels it gave the edition.
pub fn create(root: &Path, name: &str) -> Result<Vec<String>, Diagnostic> {
    let config = Config::load(root)?;
    let Some(editions) = &config.editions else {
        return Err(Diagnostic::error(CONFIG_FILE, "the site is not a series of editions").help(
            "add `[editions]` with `latest = \"2021\"` and `[editions.label]` to config.toml, and move the content into content/2021/ (see docs/content-model.md)",
        ));
    };
    if !config::is_edition_name(name) {
        return Err(Diagnostic::error(
            format!("{CONTENT_DIR}/{name}"),
            format!("`{name}` cannot be an edition"),
        )
        .help("name an edition with letters, digits and hyphens, usually its year: `nenpo new edition 2022`"));
    }
    let target = root.join(CONTENT_DIR).join(name);
    if editions.names.iter().any(|n| n == name) || target.exists() {
        return Err(Diagnostic::error(
            format!("{CONTENT_DIR}/{name}"),
            format!("the edition `{name}` exists already"),
        )
        .help("name a new edition; nothing was changed"));
    }
    let latest = editions.latest.clone();
    let source = root.join(CONTENT_DIR).join(&latest);

    // The new config first: a config that would not parse changes nothing.
    let config_path = root.join(CONFIG_FILE);
    let text = fs::read_text(&config_path, CONFIG_FILE)?;
    let new_config = config_text(&text, editions, &config.languages, name);
    Config::parse(&Arc::from(new_config.as_str())).map_err(|d| {
        Diagnostic::error(
            CONFIG_FILE,
            format!("config.toml could not be updated: {}", d.message),
        )
        .help("add the edition to [editions.label] and set `latest` by hand")
    })?;

    // The copy is assembled beside its place and then renamed: never half an edition.
    let staging = root.join(CONTENT_DIR).join(format!(".{name}.new"));
    let io = |what: &str, e: std::io::Error| {
        Diagnostic::error(format!("{CONTENT_DIR}/{name}"), format!("{what}: {e}"))
            .help("check the permissions of the content folder; nothing was changed")
    };
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| io("cannot clear the staging folder", e))?;
    }
    let mut created = Vec::new();
    let (files, problems) = fs::files_under(root, &source);
    if let Some(problem) = problems.into_iter().find(Diagnostic::is_error) {
        return Err(problem);
    }
    for (path, rel) in files {
        let to = staging.join(&rel);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io("cannot create a folder", e))?;
        }
        let file_name = rel.to_string_lossy().to_string();
        let marked = if file_name.ends_with(".md") {
            Some(mark_page(&fs::read_text(&path, &file_name)?))
        } else if file_name.ends_with(".toml") {
            Some(mark_numbers(&fs::read_text(&path, &file_name)?))
        } else {
            None
        };
        match marked {
            Some(text) => std::fs::write(&to, text),
            None => std::fs::copy(&path, &to).map(|_| ()),
        }
        .map_err(|e| io("cannot write a file", e))?;
        created.push(format!(
            "{CONTENT_DIR}/{name}/{}",
            fs::display_path(Path::new(""), &rel)
        ));
    }
    std::fs::rename(&staging, &target)
        .map_err(|e| io("cannot move the new edition into place", e))?;
    std::fs::write(&config_path, new_config).map_err(|e| {
        Diagnostic::error(CONFIG_FILE, format!("cannot write config.toml: {e}")).help(format!(
            "content/{name}/ was created; add `{name}` to [editions.label] and set `latest = \"{name}\"` by hand"
        ))
    })?;
    created.sort();
    created.push(CONFIG_FILE.to_string());
    // The copied translations are as up to date as those they were copied from.
    match crate::translations::copy_edition(root, &latest, name) {
        Ok(true) => created.push(crate::translations::state::LOCK_FILE.to_string()),
        Ok(false) => {}
        Err(problems) => {
            let first = problems
                .into_iter()
                .next()
                .map(|d| d.message)
                .unwrap_or_default();
            return Err(Diagnostic::error(
                crate::translations::state::LOCK_FILE,
                format!("the edition was created, but its translations could not be recorded: {first}"),
            )
            .help(format!(
                "fix that, then run `nenpo translations done content/{name}/…` for each page whose translation is up to date"
            )));
        }
    }
    Ok(created)
}

/// config.toml with the new edition's labels after the latest one's and `latest` set to it.
fn config_text(
    text: &str,
    editions: &config::Editions,
    languages: &[String],
    name: &str,
) -> String {
    let latest = &editions.latest;
    let labels: Vec<String> = languages
        .iter()
        .map(|lang| {
            let label = next_label(editions.label(latest, lang), latest, name);
            format!("{} = {}", toml_key(lang), toml_string(&label))
        })
        .collect();
    let line = format!("\n{} = {{ {} }}", toml_key(name), labels.join(", "));
    // After the line of the latest edition's label (the edition tables are written one a line).
    let after = editions
        .spans
        .get(latest)
        .map(|s| {
            text[s.start..]
                .find('\n')
                .map_or(text.len(), |i| s.start + i)
        })
        .unwrap_or(text.len());
    let span = editions.latest_span.clone();
    let mut out = String::with_capacity(text.len() + line.len());
    out.push_str(&text[..span.start]);
    out.push_str(&toml_string(name));
    out.push_str(&text[span.end..after]);
    out.push_str(&line);
    out.push_str(&text[after..]);
    out
}

/// The label of the next edition: the latest's with its year replaced (`FY2021` → `FY2022`), or
/// with its one number moved on by as many years (`令和3年度` → `令和4年度`); else marked.
fn next_label(label: &str, latest: &str, name: &str) -> String {
    if label.contains(latest) {
        return label.replace(latest, name);
    }
    let runs: Vec<(usize, usize)> = number_runs(label);
    if let ([(start, end)], Ok(from), Ok(to)) =
        (runs.as_slice(), latest.parse::<i64>(), name.parse::<i64>())
    {
        if let Ok(n) = label[*start..*end].parse::<i64>() {
            return format!("{}{}{}", &label[..*start], n + (to - from), &label[*end..]);
        }
    }
    format!("{MARK} {name}")
}

fn number_runs(text: &str) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s, text.len()));
    }
    runs
}

fn toml_key(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_string()
    } else {
        toml_string(key)
    }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A page of the new edition: title and description marked, `aliases` left out (they belong to
/// the old page), numbers in front matter marked, and a mark at the top of the text.
fn mark_page(text: &str) -> String {
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        return format!("{MARK}\n\n{text}");
    };
    let Some(end) = rest.find("\n+++") else {
        return text.to_string();
    };
    let (front, body) = (&rest[..end + 1], &rest[end + 1..]);
    let body_start = body.find('\n').map_or(body.len(), |i| i + 1);
    let (close, body) = body.split_at(body_start);
    let mut out = String::from("+++\n");
    for line in front.lines() {
        let trimmed = line.trim_start();
        let key = trimmed.split('=').next().unwrap_or("").trim();
        if key == "aliases" {
            continue;
        }
        if matches!(key, "title" | "description") {
            if let Some(q) = line.find('"') {
                out.push_str(&line[..q + 1]);
                out.push_str(MARK);
                out.push(' ');
                out.push_str(&line[q + 1..]);
                out.push('\n');
                continue;
            }
        }
        if needs_mark(line)
            && !matches!(
                key,
                "weight" | "date" | "draft" | "records" | "series_key" | "template"
            )
        {
            out.push_str(&format!("{}# {MARK}\n", indent(line)));
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(close);
    out.push_str(&format!("\n{MARK}\n\n"));
    out.push_str(body);
    out
}

/// A record of the new edition: a `# [TO UPDATE]` line above every value with a digit in it.
fn mark_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.lines() {
        if needs_mark(line) {
            out.push_str(&format!("{}# {MARK}\n", indent(line)));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A `key = value` line whose value holds a digit.
fn needs_mark(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with('[') {
        return false;
    }
    t.split_once('=')
        .is_some_and(|(_, value)| value.chars().any(|c| c.is_ascii_digit()))
}

fn indent(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// Every `[TO UPDATE]` mark left in `text`, as warnings at their line and column.
pub fn marks(file: &str, text: &Arc<str>) -> Vec<Diagnostic> {
    text.match_indices(MARK)
        .map(|(at, _)| {
            Diagnostic::warning(file, "marked to update for the new edition")
                .at(text, at..at + MARK.len())
                .help("write this edition's text or number, then remove the mark `[TO UPDATE]`")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_move_on() {
        assert_eq!(next_label("FY2021", "2021", "2022"), "FY2022");
        assert_eq!(next_label("令和3年度", "2021", "2022"), "令和4年度");
        assert_eq!(next_label("Third", "2021", "2022"), "[TO UPDATE] 2022");
    }

    #[test]
    fn pages_and_records_are_marked_and_stay_valid() {
        let page = mark_page("+++\ntitle = \"A\"\ndescription = \"B\"\nweight = 3\naliases = [\"x\"]\n[extra]\nvisitors = \"1,240\"\n+++\nText.\n");
        assert_eq!(
            page,
            "+++\ntitle = \"[TO UPDATE] A\"\ndescription = \"[TO UPDATE] B\"\nweight = 3\n[extra]\n# [TO UPDATE]\nvisitors = \"1,240\"\n+++\n\n[TO UPDATE]\n\nText.\n"
        );
        let record = mark_numbers("title = \"T\"\n[[rows]]\nn = 12\n");
        assert_eq!(record, "title = \"T\"\n[[rows]]\n# [TO UPDATE]\nn = 12\n");
    }
}
