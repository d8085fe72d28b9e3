//! Images of the content, once each at their content path from the site root, with their
//! resized variants (`crate::image`): every language's pages point at the same copy.

use crate::error::Diagnostics;
use crate::image::ImageOutput;
use crate::write::{Contents, Output};

pub fn add(output: &mut Output, images: Vec<(String, ImageOutput)>, diags: &mut Diagnostics) {
    for (rel, file) in images {
        let contents = match file {
            ImageOutput::Copy(path) => Contents::Copy(path),
            ImageOutput::Bytes(bytes) => Contents::Bytes(bytes),
        };
        let shown = format!("content/{rel}");
        if let Err(d) = output.add(rel, contents, &shown) {
            diags.push(d);
        }
    }
}
