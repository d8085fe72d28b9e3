//! The rendered HTML pages, each at its URL; `serve` has its live-reload script inserted here.
//!
//! Content pages are streamed: [`add`] holds only their paths, and [`stream`] renders them in
//! parallel and writes each as soon as it is ready, so that the rendered site is never held
//! whole. The few generated pages (language chooser, print, 404) are held like any other file.

use crate::error::Diagnostics;
use crate::render::{RenderedPage, Renderer, SERVED_CONTENT_SECURITY_POLICY};
use crate::site::Site;
use crate::write::{Contents, Output, Stream};

/// Every content page's path (streamed), then the generated pages; a path that two sources
/// would write is an error naming both.
pub fn add(
    output: &mut Output,
    site: &Site,
    generated: Vec<RenderedPage>,
    inject_html: Option<&str>,
    diags: &mut Diagnostics,
) {
    for page in &site.pages {
        if let Err(d) = output.add(page.url.clone(), Contents::Streamed, &page.file) {
            diags.push(d);
        }
    }
    for page in generated {
        let html = with_injection(page.html, inject_html);
        if let Err(d) = output.add(page.path, Contents::Bytes(html.into_bytes()), &page.source) {
            diags.push(d);
        }
    }
}

/// Renders every content page and writes it to `to` as soon as it is ready; without `to` (a
/// check) the pages are rendered and dropped. A page whose path a later output took over
/// (`Output::set`) is not written.
pub fn stream(
    renderer: &Renderer,
    output: &Output,
    inject_html: Option<&str>,
    to: Option<&Stream>,
    diags: &mut Diagnostics,
) {
    renderer.pages(diags, |page| {
        if let Some(to) = to.filter(|_| output.streams(&page.path)) {
            let html = with_injection(page.html, inject_html);
            to.file(&page.path, html.as_bytes());
        }
    });
}

/// The page with `inject` inserted before its last `</body>` (at the end if it has none), and
/// its Content-Security-Policy relaxed to let that script run: only pages that `serve` serves.
fn with_injection(mut html: String, inject: Option<&str>) -> String {
    if let Some(inject) = inject {
        html = relax_policy(html);
        match html.rfind("</body>") {
            Some(at) => html.insert_str(at, inject),
            None => html.push_str(inject),
        }
    }
    html
}

/// Replaces the content of the page's Content-Security-Policy `<meta>` (the theme's or any other)
/// with the policy of served pages.
fn relax_policy(mut html: String) -> String {
    const META: &str = "http-equiv=\"Content-Security-Policy\"";
    let head_end = html.find("</head>").unwrap_or(html.len());
    let Some(meta) = html[..head_end].find(META) else {
        return html;
    };
    let tag_end = meta + html[meta..].find('>').unwrap_or(0);
    if let Some(content) = html[meta..tag_end].find("content=\"") {
        let start = meta + content + "content=\"".len();
        if let Some(len) = html[start..tag_end].find('"') {
            html.replace_range(start..start + len, SERVED_CONTENT_SECURITY_POLICY);
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::CONTENT_SECURITY_POLICY;

    #[test]
    fn served_pages_get_the_relaxed_policy_and_built_ones_keep_theirs() {
        let page = format!(
            "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\"></head><body></body></html>"
        );
        assert_eq!(with_injection(page.clone(), None), page);
        let served = with_injection(page, Some("<script>reload()</script>"));
        assert!(served.contains(&format!("content=\"{SERVED_CONTENT_SECURITY_POLICY}\">")));
        assert!(!served.contains(CONTENT_SECURITY_POLICY));
        assert!(served.ends_with("<script>reload()</script></body></html>"));
    }
}
