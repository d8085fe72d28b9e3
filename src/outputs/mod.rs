//! Outputs: every file of the built site besides what the writer does with it. Each output is one
//! module; `assemble` gathers them into the one `Output` the write stage writes.

pub mod assets;
pub mod copied;
pub mod downloads;
pub mod images;
pub mod pages;
pub mod pdf;
pub mod redirects;
pub mod robots;
pub mod search_index;
pub mod sitemap;
pub mod static_files;

use std::path::Path;

use crate::error::Diagnostics;
use crate::render::RenderedPage;
use crate::site::Site;
use crate::write::Output;

/// Every output file: theme and site static files, content assets, pages (content pages by path
/// only: they are streamed, see [`pages::stream`]), redirects (aliases, a series' entry points), search indexes (fragments by path only: see
/// [`search_index::stream`]), robots.txt and the sitemap. Later outputs may replace files of earlier ones (`Output::set`),
/// so the order here is the order of precedence.
pub fn assemble(
    site: &Site,
    root: &Path,
    generated: Vec<RenderedPage>,
    indexes: crate::search::Index,
    image_files: Vec<(String, crate::image::ImageOutput)>,
    diags: &mut Diagnostics,
) -> Output {
    let mut output = Output::default();
    static_files::add(&mut output, site, root, diags);
    images::add(&mut output, image_files, diags);
    assets::add(&mut output, site, diags);
    pages::add(&mut output, site, generated, diags);
    redirects::add(&mut output, site, diags);
    search_index::add(&mut output, indexes);
    downloads::add(&mut output, site);
    robots::add(&mut output, site);
    sitemap::add(&mut output, site);
    copied::check(&output, diags);
    check_case(&output, diags);
    output
}

/// Refuses two output paths that differ only in case (`en/About/` and `en/about/`): on a file
/// system that ignores case (macOS, Windows, some hosts) they are one file, and one of them
/// would be lost when the site is copied there.
fn check_case(output: &Output, diags: &mut Diagnostics) {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for path in output.paths() {
        let folded: String = unicode_normalization::UnicodeNormalization::nfc(path)
            .collect::<String>()
            .to_lowercase();
        match seen.get(folded.as_str()) {
            Some(first) => {
                let (a, b) = (
                    output.source_of(first).unwrap_or(first),
                    output.source_of(path).unwrap_or(path),
                );
                diags.push(
                    crate::error::Diagnostic::error(
                        b,
                        format!(
                            "{a} and this file would be published as {first} and {path}, which are one file where case is ignored (macOS, Windows, many web hosts)"
                        ),
                    )
                    .help("rename one of them so that the names differ by more than case"),
                );
            }
            None => {
                seen.insert(folded, path);
            }
        }
    }
}
