//! Static files: the theme's `static/` folder, then the site's own `static/`, which overrides it.

use std::path::Path;

use crate::error::Diagnostics;
use crate::fs;
use crate::site::Site;
use crate::write::{Contents, Output};

pub fn add(output: &mut Output, site: &Site, root: &Path, diags: &mut Diagnostics) {
    let mut dirs = Vec::new();
    if !site.config.theme.is_empty() {
        dirs.push(root.join("themes").join(&site.config.theme).join("static"));
    }
    dirs.push(root.join("static"));
    for dir in dirs {
        let (files, problems) = fs::files_under(root, &dir);
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
}
