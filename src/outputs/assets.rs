//! Content assets other than images (files beside a page in `content/`), copied into every
//! language's tree. Images are written once: `images.rs`.

use std::path::Path;

use crate::error::Diagnostics;
use crate::fs;
use crate::site::Site;
use crate::write::{Contents, Output};

pub fn add(output: &mut Output, site: &Site, diags: &mut Diagnostics) {
    for asset in site
        .assets
        .iter()
        .filter(|a| !crate::image::is_image(&a.rel))
    {
        let rel = fs::display_path(Path::new(""), &asset.rel);
        let shown = format!("content/{rel}");
        for lang in &site.config.languages {
            if let Err(d) = output.add(
                format!("{lang}/{rel}"),
                Contents::Copy(asset.path.clone()),
                &shown,
            ) {
                diags.push(d);
            }
        }
    }
}
