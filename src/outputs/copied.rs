//! Files copied into the site as they are (from `content/`, `static/`, a theme's `static/`),
//! checked before they are published: nothing nenpo publishes runs a script when opened. An
//! SVG must pass `parse::svg`; an HTML page, which would escape the pages' rules (raw HTML, the
//! Content-Security-Policy), or a compressed SVG, which cannot be checked, is refused.

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics};
use crate::fs;
use crate::parse::svg;
use crate::write::Output;

/// Kinds of file refused outright, and what to do instead.
fn refused(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "html" | "htm" | "xhtml" | "xht" | "shtml" | "mht" | "mhtml" => {
            "an HTML file would be published as it is, outside the rules of the site's pages (no script, no inline style, nothing loaded from elsewhere): write it as a Markdown page (NAME.LANGUAGE.md), or link to it on its own site"
        }
        "svgz" => "a compressed SVG cannot be checked for scripts: save it as a plain .svg",
        _ => return None,
    })
}

/// Checks every copied file of `output` (each source once, though content assets are copied
/// into every language).
pub fn check(output: &Output, diags: &mut Diagnostics) {
    let sources: BTreeSet<(&std::path::Path, &str)> = output
        .copies()
        .map(|(_, from, shown)| (from, shown))
        .collect();
    let problems: Vec<Diagnostic> = sources
        .into_par_iter()
        .filter_map(|(from, shown)| {
            if let Some(help) = refused(shown) {
                return Some(
                    Diagnostic::error(
                        shown,
                        "this file would be published as it is, and could run scripts when opened",
                    )
                    .help(help),
                );
            }
            if !shown.to_ascii_lowercase().ends_with(".svg") {
                return None;
            }
            let text: Arc<str> = match fs::read_text(from, shown) {
                Ok(text) => text,
                Err(d) => return Some(d),
            };
            svg::check(&text).err().map(|p| {
                Diagnostic::error(shown, p.message)
                    .at(&text, p.span)
                    .help(p.help)
            })
        })
        .collect();
    diags.extend(problems);
}
