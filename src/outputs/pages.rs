//! The rendered HTML pages, each at its URL; `serve` has its live-reload script inserted here.

use crate::error::Diagnostics;
use crate::render::RenderedPage;
use crate::write::{Contents, Output};

pub fn add(
    output: &mut Output,
    rendered: Vec<RenderedPage>,
    inject_html: Option<&str>,
    diags: &mut Diagnostics,
) {
    for page in rendered {
        let mut html = page.html;
        if let Some(inject) = inject_html {
            match html.rfind("</body>") {
                Some(at) => html.insert_str(at, inject),
                None => html.push_str(inject),
            }
        }
        if let Err(d) = output.add(page.path, Contents::Bytes(html.into_bytes()), &page.source) {
            diags.push(d);
        }
    }
}
