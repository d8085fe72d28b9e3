//! Static files: the theme's `static/` folder (the built-in default theme's when the site has no
//! `themes/default/`), then the site's own `static/`, which overrides it.

use std::path::Path;

use crate::error::Diagnostics;
use crate::fs;
use crate::site::Site;
use crate::theme;
use crate::write::{Contents, Output};

/// The theme's static files only a series of editions loads.
const SERIES_ONLY: &[&str] = &["editions.css", "search-editions.js"];

pub fn add(output: &mut Output, site: &Site, root: &Path, diags: &mut Diagnostics) {
    // A missing theme is reported by the render stage; here it only adds no file.
    let theme = theme::load(root, &site.config.theme)
        .ok()
        .flatten()
        .unwrap_or_default();
    for (rel, file) in theme::part(&theme, "static") {
        // What a series of editions needs (switcher styles, search across editions) is left out
        // of a site that is not one, so that such a site is written exactly as before editions.
        if site.config.editions.is_none() && SERIES_ONLY.contains(&rel) {
            continue;
        }
        let contents = match &file.source {
            theme::Source::Disk(path) => Contents::Copy(path.clone()),
            theme::Source::Embedded(bytes) => Contents::Bytes(bytes.to_vec()),
        };
        output.set(rel.to_string(), contents, &file.shown);
    }
    let (files, problems) = fs::files_under(root, &root.join("static"));
    diags.extend(problems);
    for (path, rel) in files {
        let shown = fs::display_path(root, &path);
        output.set(
            fs::display_path(Path::new(""), &rel),
            Contents::Copy(path),
            &shown,
        );
    }
}
