//! The rendered HTML pages, each at its URL.
//!
//! Content pages are streamed: [`add`] holds only their paths, and [`stream`] renders them in
//! parallel and writes each as soon as it is ready, so that the rendered site is never held
//! whole. The few generated pages (language chooser, print, 404) are held like any other file.

use crate::error::Diagnostics;
use crate::render::{RenderedPage, Renderer};
use crate::site::Site;
use crate::write::{Contents, Output, Stream};

/// Every content page's path (streamed), then the generated pages given; a path that two
/// sources would write is an error naming both.
pub fn add(
    output: &mut Output,
    site: &Site,
    generated: Vec<RenderedPage>,
    diags: &mut Diagnostics,
) {
    for page in &site.pages {
        if let Err(d) = output.add(page.url.clone(), Contents::Streamed, &page.file) {
            diags.push(d);
        }
    }
    add_generated(output, generated, diags);
}

/// Generated pages rendered after the others (those that link to the PDFs).
pub fn add_generated(output: &mut Output, generated: Vec<RenderedPage>, diags: &mut Diagnostics) {
    for page in generated {
        if let Err(d) = output.add(
            page.path,
            Contents::Bytes(page.html.into_bytes()),
            &page.source,
        ) {
            diags.push(d);
        }
    }
}

/// Renders every content page and writes it to `to` as soon as it is ready; without `to` (a
/// check) the pages are rendered and dropped. A page whose path a later output took over
/// (`Output::set`) is not written.
pub fn stream(renderer: &Renderer, output: &Output, to: Option<&Stream>, diags: &mut Diagnostics) {
    renderer.pages(diags, |page| {
        if let Some(to) = to.filter(|_| output.streams(&page.path)) {
            to.file(&page.path, page.html.as_bytes());
        }
    });
}
