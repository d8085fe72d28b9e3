//! Build benchmark: synthetic bilingual sites of 1,000 and 10,000 pages per language, built by
//! the release binary and, side by side on the same corpus, by Hugo (when `hugo` is installed).
//! Reports the median wall time of three runs, the peak memory (max RSS) and the time per stage.
//!
//! Run: `cargo bench --bench build` (or `cargo bench --bench build -- 1000` for one size).

#[path = "synthetic/mod.rs"]
mod synthetic;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 3;

struct Run {
    wall: Duration,
    max_rss_kib: i64,
    stderr: String,
}

/// Runs a command to completion, measuring wall time and the child's own peak memory.
// The child is reaped by wait4 below (which also yields its rusage), not by Child::wait.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> Run {
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
        "the build failed:\n{stderr}"
    );
    Run {
        wall,
        max_rss_kib: usage.ru_maxrss,
        stderr,
    }
}

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.wall);
    runs.swap_remove(runs.len() / 2)
}

fn bench(label: &str, make: impl Fn() -> Command) -> Run {
    measure(&mut make()); // warm the file cache
    let run = median((0..RUNS).map(|_| measure(&mut make())).collect());
    println!(
        "  {label:<6} {:>8.0} ms  {:>7.1} MiB peak",
        run.wall.as_secs_f64() * 1000.0,
        run.max_rss_kib as f64 / 1024.0
    );
    run
}

fn count_html(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count()
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let work = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-sites");
    let nenpo = env!("CARGO_BIN_EXE_nenpo");
    let hugo = Command::new("hugo")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !hugo {
        println!("(hugo is not installed: `apt-get install hugo` to compare)");
    }
    let mut per_page = Vec::new();
    for &pages in &sizes {
        println!("{pages} pages per language ({} pages in all):", pages * 2);
        let site = work.join(format!("nenpo-{pages}"));
        synthetic::write_nenpo(&site, pages);
        let ours = bench("nenpo", || {
            let mut c = Command::new(nenpo);
            c.args(["build", "--timings", "--root"])
                .arg(&site)
                .arg("--output")
                .arg(site.join("public"));
            c
        });
        println!(
            "  nenpo wrote {} HTML files; stages:",
            count_html(&site.join("public"))
        );
        for line in ours.stderr.lines().filter(|l| l.contains(" ms")) {
            println!("    {}", line.trim());
        }
        per_page.push((pages, ours.wall.as_secs_f64() * 1000.0 / (pages * 2) as f64));
        if hugo {
            let hugo_site = work.join(format!("hugo-{pages}"));
            synthetic::write_hugo(&hugo_site, pages);
            let theirs = bench("hugo", || {
                let mut c = Command::new("hugo");
                c.args(["--quiet", "--source"])
                    .arg(&hugo_site)
                    .arg("--destination")
                    .arg(hugo_site.join("public"));
                c
            });
            println!(
                "  hugo wrote {} HTML files",
                count_html(&hugo_site.join("public"))
            );
            println!(
                "  nenpo/hugo wall time: {:.2} (below 1 = nenpo faster)",
                ours.wall.as_secs_f64() / theirs.wall.as_secs_f64()
            );
        }
    }
    for (pages, ms) in &per_page {
        println!("{pages} pages per language: {ms:.3} ms per page");
    }
}
