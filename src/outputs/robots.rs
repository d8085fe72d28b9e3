//! `robots.txt`: everything allowed, and the sitemap's address when there is a base URL.

use crate::site::Site;
use crate::write::{Contents, Output};

pub fn add(output: &mut Output, site: &Site) {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = &site.config.base_url {
        text.push_str(&format!("Sitemap: {base}/sitemap.xml\n"));
    }
    output.set(
        "robots.txt".into(),
        Contents::Bytes(text.into_bytes()),
        "robots.txt",
    );
}
