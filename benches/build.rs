//! Build benchmark: synthetic bilingual sites of 1,000 and 10,000 pages per language, built side
//! by side, in one run and alternating, by nenpo (the release binary of this tree), Zola and
//! Hugo, each on the same corpus written in its own layout. Reports each tool's median wall time
//! and peak memory (max RSS, from wait4) over the runs, the ratios to nenpo, nenpo's time per
//! stage (`build --timings`) and its time per page. What is timed is a rebuild in each tool's
//! steady state (see [`WARM_UPS`]), after `sync`, so that no run pays for the disk writes of the
//! one before; the corpus is written once and kept while it is unchanged.
//!
//! Run: `cargo bench --bench build` (or `cargo bench --bench build -- 1000` for one size;
//! `--only nenpo` runs one tool, to iterate on a change without loading the machine with peers).
//! Peers: Zola from `$ZOLA`, else `shared/peers/zola` beside the repository (or an ancestor of
//! it), else `zola` on the PATH; Hugo from `$HUGO`, else `hugo`. An absent peer is skipped with a
//! message. `NENPO_BASELINE=/path/to/nenpo` adds another nenpo binary to the same run, to
//! measure a change against the build before it.

#[path = "synthetic/mod.rs"]
mod synthetic;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Counted runs per tool and size, after [`WARM_UPS`] runs each.
const RUNS: usize = 3;
/// Runs before the counted ones: a first build into an empty folder, then a rebuild (which
/// leaves nenpo's previous site as the spare it recycles from then on).
const WARM_UPS: usize = 2;

struct Run {
    wall: Duration,
    max_rss_kib: i64,
    stderr: String,
}

/// Runs a command to completion, measuring wall time and the child's own peak memory.
// The child is reaped by wait4 below (which also yields its rusage), not by Child::wait.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> Run {
    // Flush what earlier runs (and the corpus writer) left dirty first, so that the kernel's
    // writeback of one tool's output is not timed as part of the next tool's run.
    unsafe { libc::sync() };
    let started = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the build");
    let pid = child.id() as libc::pid_t;
    let mut stderr_pipe = child.stderr.expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr_pipe, &mut s).ok();
        s
    });
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // wait4 gives this child's own resource usage, unlike getrusage(RUSAGE_CHILDREN).
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    assert!(
        waited == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the build failed: {cmd:?}\n{stderr}"
    );
    Run {
        wall,
        max_rss_kib: usage.ru_maxrss,
        stderr,
    }
}

/// One tool on one corpus: how to run it and where it writes.
struct Tool {
    name: &'static str,
    command: Box<dyn Fn() -> Command>,
    output: PathBuf,
    runs: Vec<Run>,
}

impl Tool {
    fn median(&self) -> &Run {
        let mut order: Vec<&Run> = self.runs.iter().collect();
        order.sort_by_key(|r| r.wall);
        order[order.len() / 2]
    }

    fn median_rss_mib(&self) -> f64 {
        let mut rss: Vec<i64> = self.runs.iter().map(|r| r.max_rss_kib).collect();
        rss.sort();
        rss[rss.len() / 2] as f64 / 1024.0
    }
}

fn count_html(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count()
}

fn runs(program: &Path) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The Zola binary: `$ZOLA`, `shared/peers/zola` beside the repository or an ancestor, `zola`.
fn find_zola(repo: &Path) -> Option<PathBuf> {
    let candidates = std::env::var_os("ZOLA")
        .map(PathBuf::from)
        .into_iter()
        .chain(repo.ancestors().map(|a| a.join("shared/peers/zola")))
        .chain(std::iter::once(PathBuf::from("zola")));
    candidates
        .filter(|p| p.components().count() == 1 || p.is_file())
        .find(|p| runs(p))
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let args: Vec<String> = std::env::args().collect();
    let only: Option<String> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned());
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = repo.join("target/bench-sites");
    let nenpo = PathBuf::from(env!("CARGO_BIN_EXE_nenpo"));
    let baseline = std::env::var_os("NENPO_BASELINE").map(PathBuf::from);
    let zola = find_zola(&repo);
    let hugo = std::env::var_os("HUGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("hugo"));
    let hugo = Command::new(&hugo)
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
        .then_some(hugo);
    match &zola {
        Some(z) => println!("zola: {}", z.display()),
        None => println!(
            "(Zola is absent: set ZOLA=/path/to/zola or put it at ../shared/peers/zola; skipped)"
        ),
    }
    if hugo.is_none() {
        println!("(Hugo is absent: `apt-get install hugo` or set HUGO=/path/to/hugo; skipped)");
    }

    let mut per_page = Vec::new();
    for &pages in &sizes {
        println!(
            "\n{pages} pages per language ({} pages in all), median of {RUNS} runs, alternating:",
            pages * 2
        );
        let mut tools = Vec::new();
        let nenpo_site = work.join(format!("nenpo-{pages}"));
        synthetic::write_nenpo(&nenpo_site, pages);
        let nenpo_tool = |name: &'static str, binary: PathBuf, out: &str| {
            let (site, output) = (nenpo_site.clone(), nenpo_site.join(out));
            Tool {
                name,
                output: output.clone(),
                command: Box::new(move || {
                    let mut c = Command::new(&binary);
                    c.args(["build", "--timings", "--root"])
                        .arg(&site)
                        .arg("--output")
                        .arg(&output);
                    c
                }),
                runs: Vec::new(),
            }
        };
        tools.push(nenpo_tool("nenpo", nenpo.clone(), "public"));
        if let Some(b) = &baseline {
            tools.push(nenpo_tool("baseline", b.clone(), "public-baseline"));
        }
        let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
        if let Some(zola) = zola.as_ref().filter(|_| wanted("zola")) {
            let site = work.join(format!("zola-{pages}"));
            synthetic::write_zola(&site, pages);
            let (zola, output) = (zola.clone(), site.join("public"));
            tools.push(Tool {
                name: "zola",
                output: output.clone(),
                command: Box::new(move || {
                    let mut c = Command::new(&zola);
                    c.arg("--root")
                        .arg(&site)
                        .args(["build", "--force", "-o"])
                        .arg(&output);
                    c
                }),
                runs: Vec::new(),
            });
        }
        if let Some(hugo) = hugo.as_ref().filter(|_| wanted("hugo")) {
            let site = work.join(format!("hugo-{pages}"));
            synthetic::write_hugo(&site, pages);
            let (hugo, output) = (hugo.clone(), site.join("public"));
            tools.push(Tool {
                name: "hugo",
                output: output.clone(),
                command: Box::new(move || {
                    let mut c = Command::new(&hugo);
                    c.args(["--quiet", "--source"])
                        .arg(&site)
                        .arg("--destination")
                        .arg(&output);
                    c
                }),
                runs: Vec::new(),
            });
        }
        if let Some(only) = &only {
            tools.retain(|t| t.name == only.as_str());
            assert!(!tools.is_empty(), "--only {only}: no such tool in this run");
        }
        // Two warm-ups each, so that every tool rebuilds in its steady state (file cache warm,
        // its previous output in place, and nenpo's spare site too), then the tools in turn.
        for _ in 0..WARM_UPS {
            for tool in &tools {
                measure(&mut (tool.command)());
            }
        }
        for _ in 0..RUNS {
            for tool in &mut tools {
                let run = measure(&mut (tool.command)());
                tool.runs.push(run);
            }
        }

        let ours = tools[0].median().wall.as_secs_f64();
        println!(
            "  {:<9} {:>10} {:>10} {:>12} {:>8}",
            "tool", "wall ms", "peak MiB", "wall/nenpo", "HTML"
        );
        for tool in &tools {
            let wall = tool.median().wall.as_secs_f64();
            println!(
                "  {:<9} {:>10.0} {:>10.1} {:>12.2} {:>8}",
                tool.name,
                wall * 1000.0,
                tool.median_rss_mib(),
                wall / ours,
                count_html(&tool.output)
            );
        }
        println!("  nenpo's stages (its median run):");
        for line in tools[0]
            .median()
            .stderr
            .lines()
            .filter(|l| l.contains(" ms"))
        {
            println!("    {}", line.trim());
        }
        per_page.push((pages, ours * 1000.0 / (pages * 2) as f64));
    }
    println!();
    for (pages, ms) in &per_page {
        println!("{pages} pages per language: nenpo {ms:.3} ms per page");
    }
}
