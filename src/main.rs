//! The command line: parse arguments, run one subcommand, print problems once, set the exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use nenpo::error::Diagnostic;
use nenpo::pdf::Origin;
use nenpo::scaffold::{self, Kind};
use nenpo::serve::{Event, Serve, ServeOptions};
use nenpo::site::Strictness;
use nenpo::BuildOptions;

/// Build a bilingual annual-report website from Markdown pages and TOML records.
///
/// Run it in the site folder (the one with config.toml, content/ and themes/).
/// The result in public/ works on any web server, under any sub-path, or opened
/// straight from disk (public/index.html), search included.
#[derive(Parser)]
#[command(name = "nenpo", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the whole site into public/ (or --output DIR). Nothing is replaced unless all is well.
    Build {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        target: Target,
        /// Public address of the site (e.g. https://example.org/report), used only for
        /// canonical links, hreflang alternates and sitemap.xml. Overrides config.toml.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Build the site and print the report as a PDF per language: public/<lang>/report.pdf,
    /// linked with its size from every page's footer.
    ///
    /// Needs Chromium (Debian: apt-get install chromium), which prints each language's print
    /// page offline: only the site's own files are loaded. `nenpo build` never needs it: it keeps
    /// the PDFs of the previous output as long as the print pages they were made from are
    /// unchanged, and drops them (and the footer link) otherwise.
    Pdf {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        target: Target,
        /// Public address of the site (e.g. https://example.org/report): links to the site's
        /// other files (the pages in another language) lead there from the PDF.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Check everything a build checks (content, records, templates, translations, links)
    /// without writing anything. Exits with 0 only when all is well.
    Check {
        #[command(flatten)]
        common: Common,
        /// Also ask the web about every link out of the site (http, https): HEAD, then GET, a
        /// few at a time; answers are kept a day in .nenpo-cache/external-links. Never part of
        /// `build`, which makes no network request.
        #[arg(long)]
        external: bool,
    },
    /// Preview the site on http://127.0.0.1:PORT/, rebuilt and reloaded on every change.
    ///
    /// Builds the site into a temporary folder (never public/), serves it, and rebuilds it
    /// whenever a file in content/, themes/, templates/, static/ or config.toml changes. The open
    /// browser tab reloads by itself; when a change breaks the build, the errors are printed here
    /// and shown over the page, and the last good version stays served. Stop with Ctrl-C.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Port to listen on; 0 picks a free one.
        #[arg(long, short, value_name = "N", default_value_t = 0)]
        port: u16,
        /// Folder for the served site (never public/, which stays what you published).
        /// By default a temporary folder, removed when serve stops.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Print the time each stage of each (re)build took
        #[arg(long)]
        timings: bool,
    },
    /// Start a new site: write a starter report into DIR (new or empty) that builds at once.
    Init {
        /// The folder to create the site in.
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// The site's languages, the default one first, e.g. ja,en or en,zh-Hans.
        #[arg(
            long,
            value_name = "CODES",
            value_delimiter = ',',
            default_value = "ja,en"
        )]
        languages: Vec<String>,
        /// Start a series of yearly editions with this one (e.g. 2024): the pages go in
        /// content/2024/, and `nenpo new edition 2025` adds the next year.
        #[arg(long, value_name = "NAME")]
        editions: Option<String>,
    },
    /// Which translation is out of date with its original, what changed, and the round trip
    /// with translators' tools (XLIFF, PO). Without a subcommand: the status per language and
    /// page, record file and interface strings (see docs/translations.md).
    Translations {
        #[command(subcommand)]
        action: Option<TranslationsAction>,
        /// Exit with 1 when a translation is out of date or missing (for CI).
        #[arg(long)]
        check: bool,
        /// Only this language.
        #[arg(long, value_name = "LANG")]
        to: Option<String>,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".", global = true)]
        root: PathBuf,
    },
    /// Create a new page or section in every language, ready to edit.
    New {
        #[command(subcommand)]
        what: New,
    },
}

#[derive(Subcommand)]
enum New {
    /// Create content/SECTION/NAME.<lang>.md for each language, after the section's last page
    /// (in a series of editions: content/<latest edition>/SECTION/NAME.<lang>.md).
    Page {
        /// SECTION/NAME, e.g. pharmaceuticals/new-approvals (lower-case letters, digits, hyphens);
        /// in a series, within the latest edition unless it starts with an edition (2023/…).
        #[arg(value_name = "SECTION/NAME")]
        path: String,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
    /// Create the next edition of a series from the latest one (content/NAME/), with titles and
    /// numbers marked [TO UPDATE]; `check` lists the marks left.
    Edition {
        /// The edition's folder name, usually its year, e.g. 2022.
        #[arg(value_name = "NAME")]
        name: String,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
    /// Create content/NAME/_index.<lang>.md for each language, after the last section (in a
    /// series of editions: content/<latest edition>/NAME/_index.<lang>.md).
    Section {
        /// NAME or PARENT/NAME, e.g. clinical-trials (lower-case letters, digits, hyphens); in a
        /// series, within the latest edition unless it starts with an edition (2023/…).
        #[arg(value_name = "NAME")]
        name: String,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum TranslationsAction {
    /// Show, block by block, what changed in the original of PAGE since it was translated.
    Diff {
        /// A page in any language (content/2021/a.ja.md, 2021/a), a record file, `i18n` or
        /// `config.toml`.
        #[arg(value_name = "PAGE")]
        page: String,
        /// Only this language.
        #[arg(long, value_name = "LANG")]
        to: Option<String>,
    },
    /// Record the current original of PAGE (or of everything) as translated.
    Done {
        #[arg(value_name = "PAGE", required_unless_present = "all")]
        page: Option<String>,
        /// Every page, record and interface string.
        #[arg(long, conflicts_with = "page")]
        all: bool,
        /// Only this language.
        #[arg(long, value_name = "LANG")]
        to: Option<String>,
    },
    /// Write every text to translate into LANG to FILE (XLIFF 1.2 or gettext PO).
    Export {
        #[arg(long, value_name = "LANG")]
        to: String,
        #[arg(long, value_enum, default_value_t = ExchangeFormat::Xliff)]
        format: ExchangeFormat,
        /// Only the texts out of date or missing.
        #[arg(long)]
        only_outdated: bool,
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Write the translations of an XLIFF or PO file back into the pages, records and strings.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExchangeFormat {
    Xliff,
    Po,
}

#[derive(Args)]
struct Common {
    /// The site folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Report a page or record text missing in one language as a warning, not an error.
    #[arg(long)]
    allow_missing_translations: bool,
    /// Make every warning an error (for CI): `[TO UPDATE]` marks, placeholder text from `init`
    /// and `new`, missing translations, drafts, skipped files. Also `[build] strict = true`.
    #[arg(long)]
    strict: bool,
}

/// Where a command that publishes the site writes it, and what it reports.
#[derive(Args)]
struct Target {
    /// Folder to write the site to.
    #[arg(long, short, value_name = "DIR", default_value = "public")]
    output: PathBuf,
    /// Print the time each stage took.
    #[arg(long)]
    timings: bool,
}

impl Common {
    fn options(&self) -> BuildOptions {
        let mut options = BuildOptions::new(&self.root);
        options.strict = Strictness {
            allow_missing_translations: self.allow_missing_translations,
            warnings_are_errors: self.strict,
            external_links: false,
        };
        options
    }

    /// The options of a command that writes the site into `output` (relative to the site folder,
    /// shown as given: "public", not "./public"), once the output guard has let it through.
    fn build_options(
        &self,
        output: PathBuf,
        base_url: Option<String>,
    ) -> Result<(BuildOptions, PathBuf), Diagnostic> {
        let mut options = self.options();
        let output = if output.is_absolute() || self.root == std::path::Path::new(".") {
            output
        } else {
            self.root.join(output)
        };
        nenpo::write::check_output(&options.root, &output)?;
        options.output = Some(output.clone());
        options.base_url = base_url;
        Ok((options, output))
    }
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            common,
            target,
            base_url,
        } => {
            let (options, output) = match common.build_options(target.output, base_url) {
                Ok(both) => both,
                Err(refused) => return refuse(&refused),
            };
            run(&options, target.timings, Some(&output))
        }
        Command::Pdf {
            common,
            target,
            base_url,
        } => {
            let (mut options, output) = match common.build_options(target.output, base_url) {
                Ok(both) => both,
                Err(refused) => return refuse(&refused),
            };
            options.pdf = nenpo::pdf::Mode::Make;
            run(&options, target.timings, Some(&output))
        }
        Command::Check { common, external } => {
            let mut options = common.options();
            options.output = None;
            options.strict.external_links = external;
            run(&options, false, None)
        }
        Command::Serve {
            common,
            port,
            output,
            timings,
        } => {
            if let Some(out) = &output {
                let out = if out.is_absolute() {
                    out.clone()
                } else {
                    common.root.join(out)
                };
                if let Err(refused) = nenpo::write::check_output(&common.root, &out) {
                    return refuse(&refused);
                }
            }
            serve(common.options(), port, output, timings)
        }
        Command::Init {
            dir,
            languages,
            editions,
        } => init(&dir, &languages, editions.as_deref()),
        Command::Translations {
            action,
            check,
            to,
            root,
        } => translations(&root, action, check, to.as_deref()),
        Command::New {
            what: New::Edition { name, root },
        } => new_edition(&root, &name),
        Command::New { what } => {
            let (root, kind, path) = match &what {
                New::Page { path, root } => (root, Kind::Page, path),
                New::Section { name, root } => (root, Kind::Section, name),
                New::Edition { .. } => unreachable!("handled above"),
            };
            new(root, kind, path)
        }
    }
}

/// Exit code of a command refused before it touched anything (an unsafe output folder).
const REFUSED: u8 = 2;

fn refuse(problem: &Diagnostic) -> ExitCode {
    eprint!("{}", problem.render(color()));
    ExitCode::from(REFUSED)
}

/// Colours on stderr only when it is a terminal and NO_COLOR is unset.
fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A spinner on a terminal; hidden when stderr is piped or in CI.
fn spinner(message: &'static str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner().with_message(message);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(80));
    bar
}

fn run(options: &BuildOptions, timings: bool, output: Option<&std::path::Path>) -> ExitCode {
    let color = color();
    let bar = spinner(if options.pdf == nenpo::pdf::Mode::Make {
        "Building the site and printing the PDFs…"
    } else if output.is_some() {
        "Building the site…"
    } else {
        "Checking the site…"
    });
    let result = nenpo::build(options);
    bar.finish_and_clear();
    match result {
        Ok(mut summary) => {
            print_all(&summary.warnings, color);
            if timings {
                for (stage, took) in &summary.timings {
                    eprintln!("{stage:>8}: {:>7.1} ms", took.as_secs_f64() * 1000.0);
                }
            }
            println!("{}", summary.line(output));
            for listed in &summary.pdfs {
                let how = match &listed.origin {
                    Origin::Printed => "printed".to_string(),
                    Origin::Kept => "kept (its print page is unchanged)".to_string(),
                    Origin::CopyOf(path) => format!("a copy of {path}, the latest edition's"),
                };
                let size = nenpo::pdf::size(listed.bytes);
                println!("  {}: {size}, {how}", listed.path);
            }
            // The new site is in place and reported; the previous one is still being removed.
            if let Some(removal) = summary.removal.take() {
                let (took, warning) = removal.wait();
                print_all(warning.as_slice(), color);
                if let Some(took) = took.filter(|_| timings) {
                    eprintln!(
                        "{:>8}: {:>7.1} ms (the previous site's removal, after the summary)",
                        "removal",
                        took.as_secs_f64() * 1000.0
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_all(&diags.0, color);
            eprint!("{}", tally(&diags.0));
            eprintln!(
                "{}",
                if output.is_some() {
                    "Nothing was written (the previous site is unchanged)."
                } else {
                    "Fix them and run again."
                }
            );
            ExitCode::FAILURE
        }
    }
}

/// `2 errors in 2 files:` and one line per file, in the order the problems were printed.
fn tally(diags: &[Diagnostic]) -> String {
    let mut files: Vec<(&str, usize)> = Vec::new();
    for d in diags.iter().filter(|d| d.is_error()) {
        match files.last_mut() {
            Some((file, n)) if *file == d.file => *n += 1,
            _ => files.push((&d.file, 1)),
        }
    }
    let total: usize = files.iter().map(|(_, n)| n).sum();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut text = format!(
        "{} in {}:\n",
        plural(total, "error"),
        plural(files.len(), "file")
    );
    for (file, n) in files {
        text.push_str(&format!("  {file}: {}\n", plural(n, "error")));
    }
    text
}

fn serve(build: BuildOptions, port: u16, output: Option<PathBuf>, timings: bool) -> ExitCode {
    let color = color();
    let server = match Serve::bind(ServeOptions {
        build,
        port,
        output,
    }) {
        Ok(server) => server,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let stopper = server.stopper();
    if let Err(e) = ctrlc::set_handler(move || stopper.stop()) {
        eprintln!("warning: Ctrl-C will not stop the server cleanly: {e}");
    }
    let mut report = |event: Event| match event {
        Event::Serving { url, output } => {
            println!("Serving on {url}");
            println!("(built into {}; press Ctrl-C to stop)", output.display());
        }
        Event::Built {
            summary,
            changed,
            full,
        } => {
            print_all(&summary.warnings, color);
            if timings {
                for (stage, took) in &summary.timings {
                    eprintln!("{stage:>12}: {:>7.1} ms", took.as_secs_f64() * 1000.0);
                }
            }
            if changed.is_empty() {
                println!("{}", summary.line(None).replacen("Checked", "Built", 1));
            } else {
                let how = match (&summary.incremental, full) {
                    (Some(done), _) => format!(
                        "re-rendered {} of {} pages, wrote {} files",
                        done.rendered,
                        summary.pages.iter().map(|(_, n)| n).sum::<usize>(),
                        done.written
                    ),
                    (None, Some(why)) => format!("everything rebuilt: {why}"),
                    (None, None) => "everything rebuilt".to_string(),
                };
                println!(
                    "Rebuilt in {} ms after a change to {} ({how})",
                    summary.elapsed.as_millis(),
                    files_list(changed)
                );
            }
        }
        Event::Failed {
            diagnostics,
            changed,
        } => {
            print_all(&diagnostics.0, color);
            eprint!("{}", tally(&diagnostics.0));
            eprintln!(
                "{}The browser shows these errors; the last good version stays served. Fix them and save.",
                if changed.is_empty() {
                    String::new()
                } else {
                    format!("After a change to {}: ", files_list(changed))
                }
            );
        }
        Event::WatchProblem(message) => eprintln!("warning: {message}"),
    };
    match server.run(&mut report) {
        Ok(()) => {
            println!("Stopped.");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `a, b, c and 4 more`.
fn files_list(files: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text = files[..files.len().min(SHOWN)].join(", ");
    if files.len() > SHOWN {
        text.push_str(&format!(" and {} more", files.len() - SHOWN));
    }
    text
}

fn init(dir: &std::path::Path, languages: &[String], edition: Option<&str>) -> ExitCode {
    match scaffold::init(dir, languages, edition) {
        Ok(files) => {
            println!(
                "Created a site in {} ({} files)",
                dir.display(),
                files.len()
            );
            let cd = if dir == std::path::Path::new(".") {
                String::new()
            } else {
                format!("cd {} && ", dir.display())
            };
            println!("Next: {cd}nenpo serve   (then edit config.toml and the files in content/)");
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{}", d.render(color()));
            ExitCode::FAILURE
        }
    }
}

fn new(root: &std::path::Path, kind: Kind, path: &str) -> ExitCode {
    match scaffold::create(root, kind, path) {
        Ok(files) => {
            for file in &files {
                println!("Created {file}");
            }
            println!("Next: replace the titles and write the text in each file, then run `nenpo serve` to see the result.");
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{}", d.render(color()));
            ExitCode::FAILURE
        }
    }
}

fn new_edition(root: &std::path::Path, name: &str) -> ExitCode {
    match scaffold::edition::create(root, name) {
        Ok(files) => {
            for file in &files {
                let verb = if file == nenpo::config::CONFIG_FILE
                    || file == nenpo::translations::state::LOCK_FILE
                {
                    "Updated"
                } else {
                    "Created"
                };
                println!("{verb} {file}");
            }
            println!("Next: fill in this edition's text and numbers where `[TO UPDATE]` marks them; `nenpo check` lists the marks left.");
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{}", d.render(color()));
            ExitCode::FAILURE
        }
    }
}

fn translations(
    root: &std::path::Path,
    action: Option<TranslationsAction>,
    check: bool,
    to: Option<&str>,
) -> ExitCode {
    use nenpo::translations as t;
    let failed = |diags: Vec<Diagnostic>| {
        print_all(&diags, color());
        ExitCode::FAILURE
    };
    match action {
        None => match t::report(root, to) {
            Ok((text, fails)) => {
                print!("{text}");
                if check && fails {
                    eprintln!("Some translations are out of date or missing: `nenpo translations diff PAGE` shows what changed.");
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(d) => failed(d),
        },
        Some(TranslationsAction::Diff { page, to }) => match t::diff(root, &page, to.as_deref()) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(d) => failed(d),
        },
        Some(TranslationsAction::Done { page, all: _, to }) => {
            match t::done(root, page.as_deref(), to.as_deref()) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(d) => failed(d),
            }
        }
        Some(TranslationsAction::Export {
            to,
            format,
            only_outdated,
            file,
        }) => {
            let format = match format {
                ExchangeFormat::Xliff => t::Format::Xliff,
                ExchangeFormat::Po => t::Format::Po,
            };
            let started = std::time::Instant::now();
            match t::export(root, &to, format, only_outdated, &file) {
                Ok(n) => {
                    println!(
                        "Exported {n} texts to translate into {to} to {} in {} ms",
                        file.display(),
                        started.elapsed().as_millis()
                    );
                    ExitCode::SUCCESS
                }
                Err(d) => failed(d),
            }
        }
        Some(TranslationsAction::Import { file }) => {
            let started = std::time::Instant::now();
            match t::import::run(root, &file) {
                Ok(done) => {
                    println!(
                        "Imported {} translated texts ({} changed, {} files written) in {} ms",
                        done.units,
                        done.changed,
                        done.files.len(),
                        started.elapsed().as_millis()
                    );
                    for f in &done.files {
                        println!("  {f}");
                    }
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    print_all(&d, color());
                    eprintln!("Nothing was written.");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn print_all(diags: &[Diagnostic], color: bool) {
    for d in diags {
        eprint!("{}", d.render(color));
    }
}

/// glibc gives every thread that allocates its own heap ("arena", up to 8 per core), and memory
/// freed in one is not reused by the others: the model is built by one set of threads and the
/// index by another, so a large site peaked at ~660 MiB where two arenas make it ~550 MiB
/// (10,000 pages per language).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
