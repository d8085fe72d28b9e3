//! Render: Tera templates (built-in ← theme ← the site's own `templates/`) over typed page views.

mod templates;
mod view;

pub use templates::Templates;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::error::{Diagnostic, Diagnostics};
use crate::site::Site;
use view::{language_name, ConfigView, Link, PageView};

/// One rendered HTML file.
pub struct RenderedPage {
    /// Relative to the site root.
    pub path: String,
    pub html: String,
    /// The content file (or generator) it comes from, for messages.
    pub source: String,
}

/// The render stage: loads the templates (with the `record()` function over the site's records)
/// and renders every page. Nothing is rendered when an earlier stage found errors.
pub fn render_site(site: &Site, root: &Path, diags: &mut Diagnostics) -> Vec<RenderedPage> {
    let records_by_language = site
        .records
        .iter()
        .map(|(id, r)| (id.clone(), r.by_lang.clone()))
        .collect();
    let theme = Some(site.config.theme.as_str()).filter(|t| !t.is_empty());
    match Templates::load(root, theme, Arc::new(records_by_language)) {
        Ok(templates) if !diags.has_errors() => render(site, &templates, diags),
        Ok(_) => Vec::new(),
        Err(problems) => {
            diags.extend(problems);
            Vec::new()
        }
    }
}

/// Renders every page, the language chooser and (when the theme has `print.html`) the print page.
pub fn render(site: &Site, templates: &Templates, diags: &mut Diagnostics) -> Vec<RenderedPage> {
    let bases: BTreeMap<&str, Context> = site
        .config
        .languages
        .iter()
        .map(|lang| (lang.as_str(), view::base_context(site, lang)))
        .collect();

    // Each worker copies the shared contexts once and then only replaces `root` and `page`
    // in them: a per-page copy would deep-copy every record for every page.
    let results: Vec<Result<RenderedPage, Diagnostic>> = site
        .pages
        .par_iter()
        .map_init(
            || bases.clone(),
            |contexts, page| {
                let Some(context) = contexts.get_mut(page.lang.as_str()) else {
                    return Err(Diagnostic::error(
                        &page.file,
                        format!("`{}` is not a language of config.toml", page.lang),
                    ));
                };
                context.insert("root", &page.root());
                context.insert("page", &PageView::new(site, page, true));
                let template = view::template_for(page);
                if !templates.has(&template) {
                    return Err(missing_template(page, &template, templates));
                }
                templates
                    .render(&template, context, &page.file)
                    .map(|html| RenderedPage {
                        path: page.url.clone(),
                        html,
                        source: page.file.clone(),
                    })
            },
        )
        .collect();

    let mut out = Vec::with_capacity(results.len() + 4);
    for result in results {
        match result {
            Ok(page) => out.push(page),
            Err(d) => diags.push(d),
        }
    }

    if templates.has("print.html") {
        for lang in &site.config.languages {
            match render_print(site, templates, lang, &bases[lang.as_str()]) {
                Ok(page) => out.push(page),
                Err(d) => diags.push(d),
            }
        }
    }
    match render_language_chooser(site, templates) {
        Ok(page) => out.push(page),
        Err(d) => diags.push(d),
    }
    out
}

/// A page names a template that does not exist: point at its `template` line.
fn missing_template(page: &crate::site::Page, name: &str, templates: &Templates) -> Diagnostic {
    let front = &page.text[..page.body_offset];
    let d = Diagnostic::error(&page.file, format!("the template `{name}` does not exist"))
        .help(format!("use one of: {}", templates.names().join(", ")));
    match front.find(&format!("\"{name}\"")) {
        Some(at) => d.at(&page.text, at + 1..at + 1 + name.len()),
        None => d,
    }
}

/// The whole report in one page per language, in reading order, for printing or saving as PDF.
fn render_print(
    site: &Site,
    templates: &Templates,
    lang: &str,
    base: &Context,
) -> Result<RenderedPage, Diagnostic> {
    let path = format!("{lang}/print/index.html");
    let root = "../../";
    let pages: Vec<PageView> = site
        .pages_in(lang)
        .map(|p| PageView::new(site, p, false))
        .collect();
    let mut context = base.clone();
    context.insert("root", root);
    context.insert("pages", &pages);
    let translations: Vec<Link> = site
        .config
        .languages
        .iter()
        .filter(|l| l.as_str() != lang)
        .map(|l| Link {
            title: language_name(l).to_string(),
            url: format!("{l}/print/index.html"),
            lang: l.clone(),
        })
        .collect();
    context.insert("translations", &translations);
    let html = templates.render("print.html", &context, &format!("the print page ({lang})"))?;
    Ok(RenderedPage {
        path,
        html,
        source: format!("the print page ({lang})"),
    })
}

#[derive(Serialize)]
struct LanguageChoice<'a> {
    code: &'a str,
    name: &'static str,
    title: &'a str,
    description: &'a str,
    url: String,
}

/// `index.html` at the root: a plain list of links, one per language, that works without JavaScript.
fn render_language_chooser(site: &Site, templates: &Templates) -> Result<RenderedPage, Diagnostic> {
    let choices: Vec<LanguageChoice> = site
        .config
        .languages
        .iter()
        .map(|lang| LanguageChoice {
            code: lang,
            name: language_name(lang),
            title: site.config.title.get(lang).map_or("", String::as_str),
            description: site.config.description.get(lang).map_or("", String::as_str),
            url: format!("{lang}/index.html"),
        })
        .collect();
    let mut context = Context::new();
    context.insert("root", "");
    context.insert("lang", &site.config.default_language);
    context.insert(
        "config",
        &ConfigView::new(&site.config, &site.config.default_language),
    );
    context.insert("choices", &choices);
    let html = templates.render(
        "languages.html",
        &context,
        "public/index.html (the language chooser)",
    )?;
    Ok(RenderedPage {
        path: "index.html".into(),
        html,
        source: "the language chooser".into(),
    })
}
