//! Search benchmark: on synthetic bilingual sites of 1,000 and 10,000 pages per language, the
//! index stage's time (median of three builds, the rest of the build not counted; the pages'
//! fragments, made at write time, timed apart) and the size
//! of each language's index; then, in headless Chromium from file://, what a first and a second
//! query transfer (`tests/browser/bench-search.mjs --transfer`: the client, meta, shards and
//! fragments each query loads, raw and gzipped).
//!
//! Run: `cargo bench --bench search` (or `cargo bench --bench search -- 1000` for one size;
//! `--no-transfer` leaves the browser out, to time the index stage alone).
//! The transfer needs the browser tests' packages (`npm ci --prefix tests/browser`) and Chromium.

#[path = "synthetic/mod.rs"]
#[allow(dead_code)] // the Zola and Hugo layouts of the corpus are for the build benchmark
mod synthetic;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use nenpo::error::Diagnostics;
use nenpo::{build, config, load, search, site, BuildOptions};

/// CPU time (user + system) of this process so far: with other work on the machine, wall time
/// of one stage says little, CPU time still compares.
fn cpu_time() -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct it is given.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// The index stage alone on the site's model: (wall, CPU) time, median of [`RUNS`]; then the
/// time to make every page's fragment, which the build does at write time (median wall).
fn index_stage(site_dir: &Path) -> ((Duration, Duration), Duration) {
    let config = config::Config::load(site_dir).expect("config");
    let mut diags = Diagnostics::default();
    let sources = load::load(site_dir, &config, &mut diags);
    let images = nenpo::image::Images::scan(&sources.assets, 40);
    let model = site::build(config, sources, &images, &Default::default(), &mut diags);
    let mut runs: Vec<(Duration, Duration)> = (0..RUNS)
        .map(|_| {
            let (wall, cpu) = (std::time::Instant::now(), cpu_time());
            let index = search::build(&model, &mut diags);
            let run = (wall.elapsed(), cpu_time() - cpu);
            drop(index);
            run
        })
        .collect();
    runs.sort();
    let mut fragments: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let wall = std::time::Instant::now();
            search::write_fragments(&model, |path, bytes| {
                std::hint::black_box((path, bytes));
            });
            wall.elapsed()
        })
        .collect();
    fragments.sort();
    (runs[RUNS / 2], fragments[RUNS / 2])
}

const RUNS: usize = 3;

fn size_of(dir: &Path) -> (u64, usize) {
    let mut bytes = 0;
    let mut files = 0;
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            bytes += entry.metadata().map_or(0, |m| m.len());
            files += 1;
        }
    }
    (bytes, files)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1000, 10000]
    } else {
        sizes
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for pages in sizes {
        let dir = tempfile::tempdir().expect("a temporary folder");
        // SEARCH_BENCH_KEEP=<folder> keeps the corpus and the built site there, to look at.
        let kept =
            std::env::var_os("SEARCH_BENCH_KEEP").map(|k| Path::new(&k).join(pages.to_string()));
        let base = kept.as_deref().unwrap_or(dir.path());
        let site = base.join("site");
        synthetic::write_nenpo(&site, pages);
        let out = base.join("public");
        let mut index_times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let mut options = BuildOptions::new(&site);
                options.output = Some(out.clone());
                let summary = build(&options).expect("the synthetic site builds");
                summary
                    .timings
                    .iter()
                    .find(|(stage, _)| *stage == "index")
                    .map(|(_, t)| *t)
                    .expect("an index stage")
            })
            .collect();
        index_times.sort();
        let ((wall, cpu), fragments) = index_stage(&site);
        println!(
            "{pages} pages per language: index stage {:.0} ms in the build, {:.0} ms alone \
             ({:.0} ms CPU), fragments made at write time {:.0} ms (medians of {RUNS}; both \
             languages; load average {})",
            index_times[RUNS / 2].as_secs_f64() * 1000.0,
            wall.as_secs_f64() * 1000.0,
            cpu.as_secs_f64() * 1000.0,
            fragments.as_secs_f64() * 1000.0,
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .split(' ')
                .next()
                .unwrap_or("?")
        );
        for lang in ["ja", "en"] {
            let (bytes, files) = size_of(&out.join("search").join(lang));
            println!(
                "  {lang}: index {:.1} MB in {files} files",
                bytes as f64 / 1e6
            );
        }
        if std::env::args().any(|a| a == "--no-transfer") {
            continue;
        }
        let status = Command::new("node")
            .arg(repo.join("tests/browser/bench-search.mjs"))
            .arg("--transfer")
            .env("SITE_DIR", &out)
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => println!("  (transfer not measured: bench-search.mjs exited with {s})"),
            Err(e) => println!("  (transfer not measured: cannot run node: {e})"),
        }
    }
}
