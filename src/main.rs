//! The command line: parse arguments, run one subcommand, print problems once, set the exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use nenpo::error::Diagnostic;
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
        /// Folder to write the site to.
        #[arg(long, short, value_name = "DIR", default_value = "public")]
        output: PathBuf,
        /// Public address of the site (e.g. https://example.org/report), used only for
        /// canonical links, hreflang alternates and sitemap.xml. Overrides config.toml.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Print the time each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Check everything a build checks (content, records, templates, translations, links)
    /// without writing anything. Exits with 0 only when all is well.
    Check {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Args)]
struct Common {
    /// The site folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Report a page or record text missing in one language as a warning, not an error.
    #[arg(long)]
    allow_missing_translations: bool,
}

impl Common {
    fn options(&self) -> BuildOptions {
        let mut options = BuildOptions::new(&self.root);
        options.strict = Strictness {
            allow_missing_translations: self.allow_missing_translations,
        };
        options
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            common,
            output,
            base_url,
            timings,
        } => {
            let mut options = common.options();
            let output = if output.is_absolute() {
                output
            } else {
                common.root.join(output)
            };
            options.output = Some(output.clone());
            options.base_url = base_url;
            run(&options, timings, Some(&output))
        }
        Command::Check { common } => {
            let mut options = common.options();
            options.output = None;
            run(&options, false, None)
        }
    }
}

fn run(options: &BuildOptions, timings: bool, output: Option<&std::path::Path>) -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match nenpo::build(options) {
        Ok(summary) => {
            print_all(&summary.warnings, color);
            if timings {
                for (stage, took) in &summary.timings {
                    eprintln!("{stage:>8}: {:>7.1} ms", took.as_secs_f64() * 1000.0);
                }
            }
            println!("{}", summary.line(output));
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_all(&diags.0, color);
            let errors = diags.errors().count();
            eprintln!(
                "{errors} error{} found; {}",
                if errors == 1 { "" } else { "s" },
                if output.is_some() {
                    "nothing was written (the previous site is unchanged)"
                } else {
                    "fix them and run again"
                }
            );
            ExitCode::FAILURE
        }
    }
}

fn print_all(diags: &[Diagnostic], color: bool) {
    for d in diags {
        eprint!("{}", d.render(color));
    }
}
