//! The PDF of each language, `{lang}/report.pdf` (see [`crate::pdf`]): printed by `nenpo pdf`,
//! kept by `nenpo build` from the previous output while its print page is unchanged. In a series
//! each edition has its own, `{lang}/{edition}/report.pdf`, and `{lang}/report.pdf` is a copy of
//! the latest edition's: an address that always leads to the newest report, like `{lang}/` does
//! (a PDF address cannot redirect; a copy is as deterministic as its original).

use std::path::Path;

use crate::error::{Diagnostic, Diagnostics};
use crate::pdf::{self, Job, Mode, Report};
use crate::render::PrintPage;
use crate::site::Site;
use crate::write::{Contents, Output};

/// The PDFs of this build, added to `output`. `prints` are the print pages (as they will be
/// written); `root` is the site folder (`nenpo pdf` prints from its cache); `out` is the output folder the previous PDFs are kept from.
pub fn add(
    output: &mut Output,
    site: &Site,
    root: &Path,
    prints: &[PrintPage],
    out: &Path,
    mode: Mode,
    diags: &mut Diagnostics,
) -> Result<Vec<Report>, Diagnostic> {
    let any_previous = prints.iter().any(|p| {
        out.join(pdf::path_of(&p.lang, p.edition.as_deref()))
            .is_file()
    });
    if prints.is_empty() || (mode == Mode::Keep && !any_previous) {
        // Nothing to print and nothing to keep: no fingerprint is needed.
        return Ok(Vec::new());
    }
    let files = print_files(output)?;
    let jobs: Vec<Job> = prints
        .iter()
        .map(|print| Job {
            lang: &print.lang,
            edition: print.edition.as_deref(),
            print_path: &print.page.path,
            fingerprint: pdf::fingerprint(
                &print.page.html,
                files.iter().map(|(p, b)| (p.as_str(), b.as_slice())),
            ),
        })
        .collect();
    let mut reports = match mode {
        Mode::Keep => jobs
            .iter()
            .filter_map(|job| pdf::previous(out, job))
            .collect(),
        Mode::Make => {
            let work = pdf::WorkFolder::new(root).map_err(|e| {
                Diagnostic::error(
                    ".nenpo-cache",
                    format!("cannot create a folder to print from: {e}"),
                )
                .help("check that the site folder is writable")
            })?;
            output
                .write_to_folder(&work.site(), |p| !p.starts_with("search/"))
                .map_err(|e| {
                    Diagnostic::error(
                        ".nenpo-cache",
                        format!("cannot write the print pages to print from: {e}"),
                    )
                    .help("check that the site folder is writable and the disk not full")
                })?;
            let (reports, warnings) = pdf::make(site, &work, &jobs)?;
            diags.extend(warnings);
            reports
        }
    };
    let latest = site.config.editions.as_ref().map(|e| e.latest.as_str());
    for report in &mut reports {
        output.add(
            report.path.clone(),
            Contents::Bytes(report.bytes.clone()),
            &format!("the PDF ({})", report.lang),
        )?;
        if latest.is_some() && report.edition.as_deref() == latest {
            let copy = pdf::path_of(&report.lang, None);
            output.add(
                copy.clone(),
                Contents::Bytes(report.bytes.clone()),
                &format!("the PDF of the latest edition ({})", report.lang),
            )?;
            report.also_at = Some(copy);
        }
    }
    Ok(reports)
}

/// The stylesheets and images of the output, with their contents, in path order.
fn print_files(output: &Output) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    output
        .files()
        .filter(|(path, _)| pdf::shapes_print(path))
        .filter_map(|(path, contents)| {
            let bytes = match contents {
                Contents::Bytes(b) => Ok(b.clone()),
                Contents::Copy(from) => std::fs::read(from).map_err(|e| {
                    Diagnostic::error(
                        from.display().to_string(),
                        format!("cannot read this file: {e}"),
                    )
                    .help("check that the file exists and is readable")
                }),
                Contents::Streamed => return None,
            };
            Some(bytes.map(|b| (path.to_string(), b)))
        })
        .collect()
}
