//! Static files: the theme's `static/` folder, then the site's own `static/`, which overrides it.

use std::path::Path;

use crate::fs;
use crate::site::Site;
use crate::write::{Contents, Output};

pub fn add(output: &mut Output, site: &Site, root: &Path) {
    let mut dirs = Vec::new();
    if !site.config.theme.is_empty() {
        dirs.push(root.join("themes").join(&site.config.theme).join("static"));
    }
    dirs.push(root.join("static"));
    for dir in dirs {
        for (path, rel) in fs::files_under(&dir) {
            let shown = fs::display_path(root, &path);
            output.set(
                fs::display_path(Path::new(""), &rel),
                Contents::Copy(path),
                &shown,
            );
        }
    }
}
