//! Content files other than images (attachments beside a page in `content/`: PDF, XLSX, ZIP …),
//! published once at their path under content/, for every language: a relative link from any
//! language's page leads there (`crate::links`). One per language is simply two files,
//! `statement.ja.pdf` and `statement.en.pdf`. Images are written once too: `images.rs`.

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
        if let Err(d) = output.add(rel, Contents::Copy(asset.path.clone()), &shown) {
            diags.push(d);
        }
    }
}
