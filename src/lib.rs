//! nenpo: a static site generator for bilingual annual reports.
//!
//! A build is a pipeline over one model: `config` → `load` (discover and read) → `parse` +
//! `site` (front matter, Markdown, records; URLs, order, translations, links) → `render`
//! (Tera templates) → `search` (the index) → `outputs` (every file) → `write` (the only stage
//! that touches the output folder). Content pages are streamed: rendered in parallel and written
//! into the staging folder as each is ready, never held all at once.

pub mod chart;
pub mod config;
pub mod error;
pub mod external;
pub mod fs;
pub mod image;
pub mod incremental;
pub mod links;
pub mod load;
pub mod numbers;
pub mod outputs;
pub mod parse;
pub mod pdf;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod tables;
pub mod theme;
pub mod translations;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use config::Config;
use error::{Diagnostic, Diagnostics};
use site::Strictness;

/// What to build and how.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The site folder: `config.toml`, `content/`, `themes/`, `templates/`, `static/`.
    pub root: PathBuf,
    /// Where the site goes; `None` checks everything without writing.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from config.toml.
    pub base_url: Option<String>,
    pub strict: Strictness,
    /// Print the PDFs (`nenpo pdf`), or keep those of the previous output (`nenpo build`).
    pub pdf: pdf::Mode,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildOptions {
            output: Some(root.join("public")),
            root,
            base_url: None,
            strict: Strictness::default(),
            pdf: pdf::Mode::default(),
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Summary {
    /// Pages (sections included) per language, in config order.
    pub pages: Vec<(String, usize)>,
    pub records: usize,
    pub files: usize,
    pub elapsed: Duration,
    /// Time per stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    /// Warnings (drafts skipped, translations allowed to be missing, a large index).
    pub warnings: Vec<Diagnostic>,
    /// The previous site's removal, still running after the new site is in place: wait for it
    /// (`Removal::wait`) after reporting the build; dropping the summary waits too.
    pub removal: Option<write::Removal>,
    /// For an incremental rebuild (`serve`), how little it did; `None` for a full build.
    pub incremental: Option<Incremental>,
    /// The PDFs in the output: each edition's, printed by this build or kept from the previous
    /// output, and the copy of the latest edition's.
    pub pdfs: Vec<pdf::Listed>,
    /// The pages whose translation is out of date (`content/a.en.md`), for `serve`'s overlay.
    pub outdated: Vec<String>,
}

impl Summary {
    /// The summary of a build or rebuild of `site` that wrote `files` files: pages per language,
    /// records, time and sorted warnings; no removal, rebuild figures or PDFs yet.
    fn new(
        site: &site::Site,
        files: usize,
        started: Instant,
        timings: Timings,
        mut diags: Diagnostics,
    ) -> Summary {
        diags.sort();
        Summary {
            pages: site
                .config
                .languages
                .iter()
                .map(|l| (l.clone(), site.pages_in(l).count()))
                .collect(),
            records: site.records.len(),
            files,
            elapsed: started.elapsed(),
            timings: timings.stages,
            warnings: diags.0,
            removal: None,
            incremental: None,
            pdfs: Vec::new(),
            outdated: site
                .outdated
                .keys()
                .filter_map(|(lang, key)| site.page(lang, key))
                .map(|page| page.file.clone())
                .collect(),
        }
    }
}

/// What an incremental rebuild re-rendered and wrote.
#[derive(Clone, Copy, Debug)]
pub struct Incremental {
    /// Content pages rendered again (the generated pages are always rendered).
    pub rendered: usize,
    /// Files written because their bytes changed.
    pub written: usize,
}

impl Summary {
    /// The one line printed at the end of a build.
    pub fn line(&self, output: Option<&Path>) -> String {
        let per_lang: Vec<String> = self.pages.iter().map(|(l, n)| format!("{n} {l}")).collect();
        let verb = if output.is_some() { "Built" } else { "Checked" };
        let dest = output
            .map(|o| format!(" → {}", o.display()))
            .unwrap_or_default();
        format!(
            "{verb} {} pages ({}), {} records, {} files in {} ms{dest}",
            self.pages.iter().map(|(_, n)| n).sum::<usize>(),
            per_lang.join(", "),
            self.records,
            self.files,
            self.elapsed.as_millis()
        )
    }
}

/// Runs the whole pipeline. On any error nothing is written and every problem is returned.
pub fn build(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    build_keeping(options, None)
}

/// [`build`]; when it writes a site, `memory` then holds what [`incremental`] rebuilds start
/// from (left as it was when the build fails).
pub fn build_keeping(
    options: &BuildOptions,
    memory: Option<&mut Option<incremental::Memory>>,
) -> Result<Summary, Diagnostics> {
    let started = Instant::now();
    let mut diags = Diagnostics::default();
    let mut timings = Timings::default();

    if options.pdf == pdf::Mode::Make && options.output.is_some() {
        // Without the engine `nenpo pdf` stops before doing anything.
        pdf::check_engine().map_err(|d| Diagnostics(vec![d]))?;
    }
    let mut config = Config::load(&options.root).map_err(|d| Diagnostics(vec![d]))?;
    // `--strict` or `[build] strict = true`: every warning stops the build like an error.
    let strict = options.strict.warnings_are_errors || config.build.strict;
    let stop = |diags: &mut Diagnostics| {
        if strict {
            diags.make_strict();
        }
        stop_on_errors(diags)
    };
    if let Some(url) = &options.base_url {
        config.base_url = Some(url.trim_end_matches('/').to_string()).filter(|u| !u.is_empty());
    }
    let sources = load::load(&options.root, &config, &mut diags);
    timings.lap("load");

    // Images before Markdown: a page's <img> names the resized variants that exist.
    let mut images = image::Images::scan(&sources.assets, config.images.max_megapixels);
    let image_files = images.render_variants(&options.root.join(image::CACHE_DIR), &mut diags);
    timings.lap("images");

    let kept_sources = memory.is_some().then(|| sources.clone());
    let outdated = translations::outdated_for_build(&options.root, &config, &sources, &mut diags);
    let mut site = site::build(config, sources, &images, &options.strict, &mut diags);
    site.outdated = outdated;
    outputs::downloads::prepare(&mut site, &options.root, &mut diags);
    timings.lap("parse");
    if options.strict.external_links {
        let links: Vec<external::ExternalLink> = site
            .pages
            .iter()
            .flat_map(|p| p.external.iter().cloned())
            .collect();
        diags.extend(external::check(&links, &options.root));
        timings.lap("external");
    }

    // The templates (with the print pages, each what its language's PDF is printed from) and
    // the search index only read the model: they are made side by side (the index only from a
    // model without errors, as before).
    let model_ok = !diags.has_errors();
    let ((renderer, prints, template_diags, template_time), (indexes, index_diags, index_time)) =
        rayon::join(
            || {
                let started = Instant::now();
                let mut diags = Diagnostics::default();
                let renderer = render::Renderer::new(&site, &options.root, &mut diags);
                let prints = renderer
                    .as_ref()
                    .map(|r| r.print_pages(&mut diags))
                    .unwrap_or_default();
                (renderer, prints, diags, started.elapsed())
            },
            || {
                let started = Instant::now();
                let mut diags = Diagnostics::default();
                let indexes = model_ok.then(|| search::build(&site, &mut diags));
                (indexes, diags, started.elapsed())
            },
        );
    timings.side_by_side([("templates", template_time), ("index", index_time)]);
    diags.extend(template_diags.0);
    stop(&mut diags)?;
    let (Some(mut renderer), Some(indexes)) = (renderer, indexes) else {
        // Both are missing only when problems were reported, and those stopped above.
        return Err(diags);
    };
    diags.extend(index_diags.0);

    let print_pages: Vec<render::PrintPage> = prints
        .iter()
        .map(|p| render::PrintPage {
            lang: p.lang.clone(),
            edition: p.edition.clone(),
            page: render::RenderedPage {
                path: p.page.path.clone(),
                html: p.page.html.clone(),
                source: p.page.source.clone(),
            },
        })
        .collect();
    let mut output = outputs::assemble(
        &site,
        &options.root,
        prints.into_iter().map(|p| p.page).collect(),
        indexes,
        image_files,
        &mut diags,
    );
    stop(&mut diags)?;
    // The PDFs, then every other page with the footer link to its language's PDF.
    let reports = match &options.output {
        Some(out) => outputs::pdf::add(
            &mut output,
            &site,
            &options.root,
            &print_pages,
            out,
            options.pdf,
            &mut diags,
        )
        .map_err(|d| Diagnostics(vec![d]))?,
        None => Vec::new(),
    };
    drop(print_pages);
    for report in &reports {
        renderer.link_pdf(&report.lang, report.edition.as_deref(), &report.link());
    }
    let pdfs: Vec<pdf::Listed> = reports.iter().flat_map(pdf::Report::listed).collect();
    timings.lap("pdf");
    let generated = renderer.generated_where(|_| false, &mut diags);
    outputs::pages::add_generated(&mut output, generated, &mut diags);
    stop(&mut diags)?;
    let Some(out) = &options.output else {
        outputs::pages::stream(&renderer, &output, None, &mut diags);
        timings.lap("render");
        stop(&mut diags)?;
        return finish(&site, &output, started, timings, diags, pdfs);
    };
    // The content pages are rendered and written into the staging folder as they are ready; the
    // rest follows, then the swap. A failure anywhere drops the staging folder, and with it
    // everything written so far: the previous site stays as it was.
    let one = |d| Diagnostics(vec![d]);
    let mut staging = write::Staging::new(&options.root, out).map_err(one)?;
    output.make_folders(&staging).map_err(one)?;
    let stream = write::Stream::new(&staging);
    outputs::pages::stream(&renderer, &output, Some(&stream), &mut diags);
    timings.lap("render");
    stop(&mut diags)?;
    outputs::search_index::stream(&site, &output, &stream);
    timings.lap("fragments");
    stream.finish().map_err(one)?;
    output.write_into(&staging).map_err(one)?;
    timings.lap("write");
    staging.sync().map_err(one)?;
    timings.lap("sync");
    let removal = staging.commit().map_err(one)?;
    timings.lap("swap");
    let mut summary = finish(&site, &output, started, timings, diags, pdfs)?;
    summary.removal = Some(removal);
    if let (Some(memory), Some(sources)) = (memory, kept_sources) {
        let templates = renderer.into_templates();
        *memory = Some(incremental::Memory::new(
            &options.root,
            out,
            &options.strict,
            sources,
            images,
            site,
            templates,
        ));
    }
    Ok(summary)
}

/// The summary of a build that succeeded.
fn finish(
    site: &site::Site,
    output: &write::Output,
    started: Instant,
    timings: Timings,
    diags: Diagnostics,
    pdfs: Vec<pdf::Listed>,
) -> Result<Summary, Diagnostics> {
    Ok(Summary {
        pdfs,
        ..Summary::new(site, output.len(), started, timings, diags)
    })
}

/// Ends the build after a stage that found errors: every problem, sorted, and nothing written.
pub(crate) fn stop_on_errors(diags: &mut Diagnostics) -> Result<(), Diagnostics> {
    if diags.has_errors() {
        diags.sort();
        return Err(std::mem::take(diags));
    }
    Ok(())
}

/// Time per stage, each measured from the end of the one before.
pub(crate) struct Timings {
    last: Instant,
    pub(crate) stages: Vec<(&'static str, Duration)>,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            last: Instant::now(),
            stages: Vec::new(),
        }
    }
}

impl Timings {
    /// Stages that ran at the same time, each with its own duration; the next stage is measured
    /// from now.
    pub(crate) fn side_by_side<const N: usize>(&mut self, stages: [(&'static str, Duration); N]) {
        self.stages.extend(stages);
        self.last = Instant::now();
    }

    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }
}
