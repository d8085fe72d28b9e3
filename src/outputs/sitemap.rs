//! `sitemap.xml`: every page in every language with its hreflang alternates; only with a base
//! URL, since a sitemap needs absolute URLs.

use crate::parse::markdown::escape_attr as esc;
use crate::site::Site;
use crate::write::{Contents, Output};

pub fn add(output: &mut Output, site: &Site) {
    if let Some(xml) = sitemap(site) {
        output.set(
            "sitemap.xml".into(),
            Contents::Bytes(xml.into_bytes()),
            "sitemap",
        );
    }
}

fn sitemap(site: &Site) -> Option<String> {
    let base = site.config.base_url.as_ref()?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for page in &site.pages {
        xml.push_str(&format!(
            "<url><loc>{}</loc>",
            esc(&format!("{base}/{}", page.url))
        ));
        for lang in &site.config.languages {
            if let Some(twin) = site.page(lang, &page.key) {
                xml.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                    esc(&format!("{base}/{}", twin.url))
                ));
            }
        }
        if let Some(default) = site.page(&site.config.default_language, &page.key) {
            xml.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                esc(&format!("{base}/{}", default.url))
            ));
        }
        if let Some(date) = &page.front.date {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}
