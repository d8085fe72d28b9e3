//! Parse: front matter, Markdown and records, each from a `&str` so that tests feed literals.

pub mod front_matter;
pub mod markdown;
pub mod raw_html;
pub mod record;
pub mod svg;
pub mod table;
pub mod yaml_front_matter;
