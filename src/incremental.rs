//! Incremental rebuilds for `serve`: after an edit to pages or records, re-render only the pages
//! whose rendering reads something that changed, and update the served folder in place.
//!
//! A [`Memory`] is what a good build leaves behind ([`crate::build_keeping`]): the sources, the
//! model, the loaded templates, and per page a fingerprint of its render inputs
//! ([`Renderer::fingerprints`]). [`Memory::rebuild`] then runs the same stages as a full build on
//! the sources with the edited files read again:
//!
//! - the model is built whole (it is small next to rendering), reusing each unchanged page's
//!   rendered Markdown ([`site::build_reusing`]);
//! - a page is re-rendered when its fingerprint changed: its own text, a twin's title (language
//!   links), its section or children (listings, breadcrumbs), its neighbours (previous/next),
//!   navigation shared by its language, or a record its template reads
//!   ([`crate::render::RecordReads`]: the page's own `records`, and what its template reads of
//!   the `records` global or through `record()`). A link to another page is resolved into the
//!   linking page's Markdown, which is rendered again when the linked page's URL changes;
//! - a language's search index is rebuilt when its inputs changed
//!   ([`search::inputs_hash`]), and only its files that differ are written;
//! - the generated pages (404, language chooser; the print page when its pages or records
//!   changed), sitemap and robots.txt are made again; each file is written only when it differs
//!   ([`write::Patch`]: written beside, renamed over, so that no reader gets half a file).
//!
//! The changed pages are written first, so that they are served as soon as possible, then the
//! print page, the other files and the search index. Should anything after the first page fail,
//! every file written is put back to its previous version ([`write::Patch::rollback`]).
//!
//! Anything else is a full build ([`Rebuilt::NeedsFull`]): an edit to config.toml, templates,
//! themes, interface strings, static files or content assets; a page or record added, removed,
//! made a draft or published; a search index whose set of files changed. A failed rebuild writes
//! nothing and leaves the memory as it was (the last good build).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use crate::error::{Diagnostic, Diagnostics};
use crate::load::Sources;
use crate::render::{RenderedPage, Renderer, Templates};
use crate::site::{self, Site, Strictness};
use crate::{image, outputs, search, write, Summary, Timings};

/// What an incremental rebuild starts from: the last good build of the site.
pub struct Memory {
    root: PathBuf,
    out: PathBuf,
    strict: Strictness,
    sources: Sources,
    images: image::Images,
    site: Site,
    /// `None` only while a rebuild has lent them to its renderer.
    templates: Option<Templates>,
    /// Per page (output path): the fingerprint of what rendered it.
    fingerprints: HashMap<String, u64>,
    /// Per search index (`search/ja`, `search/ja/2021`): the fingerprint of what it was made of.
    search: BTreeMap<String, u64>,
}

/// What [`Memory::rebuild`] did.
pub enum Rebuilt {
    /// The served folder is up to date.
    Done(Box<Summary>),
    /// The change needs a full build; nothing was written. The reason, for the terminal.
    NeedsFull(String),
}

impl Memory {
    /// What a build that wrote `site` into `out` leaves for the next rebuild.
    pub(crate) fn new(
        root: &Path,
        out: &Path,
        strict: &Strictness,
        sources: Sources,
        images: image::Images,
        site: Site,
        templates: Templates,
    ) -> Memory {
        let renderer = Renderer::with_templates(&site, templates);
        let fingerprints = renderer.fingerprints();
        let templates = renderer.into_templates();
        let search = search_hashes(&site);
        Memory {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            strict: strict.clone(),
            sources,
            images,
            site,
            templates: Some(templates),
            fingerprints,
            search,
        }
    }

    /// Brings the served folder up to date after `changed` (paths relative to the site folder,
    /// with `/`), or says that a full build is needed.
    pub fn rebuild(&mut self, changed: &[String]) -> Result<Rebuilt, Diagnostics> {
        let started = Instant::now();
        let mut timings = Timings::default();
        let mut sources = self.sources.clone();
        for rel in changed {
            if let Err(why) = self.read_again(&mut sources, rel) {
                return Ok(Rebuilt::NeedsFull(why));
            }
        }
        timings.lap("load");

        // The files whose text differs from the last good build's.
        let edited: BTreeSet<&str> = sources
            .pages
            .iter()
            .zip(&self.sources.pages)
            .filter(|(new, old)| new.file != old.file || new.text != old.text)
            .map(|(new, _)| new.file.as_str())
            .collect();
        let same_text = |file: &str| !edited.contains(file);
        let mut diags = Diagnostics::default();
        let outdated = crate::translations::outdated_for_build(
            &self.root,
            &self.site.config,
            &sources,
            &mut diags,
        );
        let mut site = site::build_reusing(
            self.site.config.clone(),
            sources.clone(),
            &self.images,
            &self.strict,
            &mut diags,
            Some((&self.site, &same_text)),
        );
        site.outdated = outdated;
        crate::outputs::downloads::prepare(&mut site, &self.root, &mut diags);
        timings.lap("parse");
        if self.strict.warnings_are_errors || self.site.config.build.strict {
            diags.make_strict();
        }
        crate::stop_on_errors(&mut diags)?;
        let urls = |s: &Site| {
            s.pages
                .iter()
                .map(|p| p.url.clone())
                .collect::<BTreeSet<_>>()
        };
        if urls(&site) != urls(&self.site) {
            return Ok(Rebuilt::NeedsFull(
                "a page was added, removed or published".into(),
            ));
        }

        let Some(templates) = self.templates.take() else {
            return Ok(Rebuilt::NeedsFull("no templates in memory".into()));
        };
        let renderer = Renderer::with_templates(&site, templates);
        let fingerprints = renderer.fingerprints();
        timings.lap("fingerprints");
        let stale: BTreeSet<&str> = fingerprints
            .iter()
            .filter(|(url, hash)| self.fingerprints.get(*url) != Some(hash))
            .map(|(url, _)| url.as_str())
            .collect();
        let rendered = Mutex::new(Vec::new());
        renderer.pages_where(
            |page| stale.contains(page.url.as_str()),
            &mut diags,
            |page| {
                rendered
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(page)
            },
        );
        let rendered: Vec<RenderedPage> = rendered.into_inner().unwrap_or_else(|e| e.into_inner());
        timings.lap("render");
        let one = |d: Diagnostic| Diagnostics(vec![d]);
        let patch = if diags.has_errors() {
            Err(Diagnostics::default())
        } else {
            write::Patch::new(&self.root, &self.out).map_err(one)
        };
        let mut patch = match patch {
            Ok(patch) => patch,
            Err(problems) => {
                self.templates = Some(renderer.into_templates());
                diags.extend(problems.0);
                if self.strict.warnings_are_errors || self.site.config.build.strict {
                    diags.make_strict();
                }
                crate::stop_on_errors(&mut diags)?;
                return Err(diags);
            }
        };
        // The changed pages go in first, so that they are served as soon as possible; should
        // anything after them fail, they are rolled back ([`write::Patch::rollback`]).
        let fingerprints_before = std::mem::take(&mut self.fingerprints);
        let search_before = std::mem::take(&mut self.search);
        let undo = |patch: write::Patch, memory: &mut Memory| {
            if patch.rollback() {
                memory.fingerprints = fingerprints_before.clone();
                memory.search = search_before.clone();
            }
            // Else both stay empty: the next rebuild renders and compares every page and index.
        };
        let mut written = Ok(());
        for page in &rendered {
            // A page whose path a later output took over is not written (as in a full build);
            // that is known once the outputs are assembled, below: it is put back then.
            written =
                written.and_then(|()| patch.file(&page.path, page.html.as_bytes()).map(|_| ()));
        }
        timings.lap("write pages");
        let generated = renderer.generated_where(|path| stale.contains(path), &mut diags);
        self.templates = Some(renderer.into_templates());
        timings.lap("generated");
        if let Err(d) = written {
            diags.push(d);
        }
        if diags.has_errors() {
            undo(patch, self);
            diags.sort();
            return Err(diags);
        }

        // The same outputs as a full build; of those, the files made in memory are compared and
        // written, copied files (whose sources did not change) and unchanged pages are not. The
        // search index (the slowest part) comes last.
        let mut output = outputs::assemble(
            &site,
            &self.root,
            generated,
            search::Index::default(),
            Vec::new(),
            &mut diags,
        );
        let files = output.len();
        let mut written = output.patch_into(&mut patch);
        if rendered.iter().any(|page| !output.streams(&page.path)) {
            written = Err(Diagnostic::error(
                "serve",
                "a page's address is also another file's",
            ));
        }
        if let Err(d) = written {
            diags.push(d);
        }
        timings.lap("write rest");
        let search = search_hashes(&site);
        let sets: Vec<(&str, Option<&str>)> = search::index_sets(&site)
            .into_iter()
            .filter(|&(lang, edition)| {
                let prefix = search::index_prefix(lang, edition);
                search_before.get(&prefix) != search.get(&prefix)
            })
            .collect();
        let indexes = if diags.has_errors() {
            Vec::new()
        } else {
            search::build_sets(&site, &sets, &mut diags)
        };
        timings.lap("index");
        if diags.has_errors() {
            undo(patch, self);
            diags.sort();
            return Err(diags);
        }
        for &(lang, edition) in &sets {
            let prefix = format!("{}/", search::index_prefix(lang, edition));
            let new: BTreeSet<&str> = indexes
                .iter()
                .map(|(path, _)| path.as_str())
                .filter(|p| p.starts_with(&prefix))
                .collect();
            let old = files_in(&self.out, &prefix);
            if new.iter().copied().ne(old.iter().map(String::as_str)) {
                undo(patch, self);
                return Ok(Rebuilt::NeedsFull(format!(
                    "the files of the search index {prefix} changed"
                )));
            }
        }
        output = write::Output::default();
        let index = search::Index {
            files: indexes,
            fragments: Vec::new(),
        };
        outputs::search_index::add(&mut output, index);
        if let Err(d) = output.patch_into(&mut patch) {
            undo(patch, self);
            return Err(Diagnostics(vec![d]));
        }
        timings.lap("write index");

        let done = Summary::new(&site, files, started, timings, diags);
        let summary = Summary {
            incremental: Some(crate::Incremental {
                rendered: rendered.len(),
                written: patch.written(),
            }),
            removal: Some(patch.finish()),
            // `serve` never prints; its pages do not link to a PDF.
            ..done
        };
        self.sources = sources;
        self.site = site;
        self.fingerprints = fingerprints;
        self.search = search;
        Ok(Rebuilt::Done(Box::new(summary)))
    }

    /// Reads an edited page or record again into `sources`; `Err` says why a full build is needed.
    fn read_again(&self, sources: &mut Sources, rel: &str) -> Result<(), String> {
        let full = || format!("{rel} is not a page or record that was there before");
        if !rel.starts_with("content/") {
            return Err(format!("{rel} changed"));
        }
        let path = self.root.join(rel);
        if !path.exists() {
            // A file made and gone again (an editor's or `sed -i`'s temporary file) changes
            // nothing; a source or a folder of sources gone is a full build.
            let folder = format!("{rel}/");
            let content = self.root.join(crate::load::CONTENT_DIR);
            let gone = |file: &str| file == rel || file.starts_with(&folder);
            let known = sources.pages.iter().any(|p| gone(&p.file))
                || sources.records.iter().any(|r| gone(&r.file))
                || sources.assets.iter().any(|a| {
                    let file = crate::fs::display_path(&self.root, &content.join(&a.rel));
                    gone(&file)
                });
            if !known {
                return Ok(());
            }
        }
        // Not followed: a source replaced by a link (which may lead out of the site) is a full
        // build, whose walk checks where it leads.
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            return Err(format!("{rel} was removed, added or replaced"));
        }
        let text = crate::fs::read_text(&path, rel).map_err(|_| full())?;
        if let Some(page) = sources.pages.iter_mut().find(|p| p.file == rel) {
            page.text = text;
        } else if let Some(record) = sources.records.iter_mut().find(|r| r.file == rel) {
            record.text = text;
        } else {
            return Err(full());
        }
        Ok(())
    }
}

/// Per search index (by its folder, `search/ja`), the fingerprint of its inputs.
fn search_hashes(site: &Site) -> BTreeMap<String, u64> {
    search::index_sets(site)
        .into_iter()
        .map(|(lang, edition)| {
            let hash = search::inputs_hash(site, lang, edition);
            (search::index_prefix(lang, edition), hash)
        })
        .collect()
}

/// The files under `prefix` (`search/ja/`) of the folder `out`, as output paths.
fn files_in(out: &Path, prefix: &str) -> BTreeSet<String> {
    walkdir::WalkDir::new(out.join(prefix))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| crate::fs::display_path(out, e.path()))
        .collect()
}
