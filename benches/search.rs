//! Search benchmark: on synthetic bilingual sites of 1,000 and 10,000 pages per language, the
//! index stage's time (median of three builds, the rest of the build not counted) and the size
//! of each language's index; then, in headless Chromium from file://, what a first and a second
//! query transfer (`tests/browser/bench-search.mjs --transfer`: the client, meta, shards and
//! fragments each query loads, raw and gzipped).
//!
//! Run: `cargo bench --bench search` (or `cargo bench --bench search -- 1000` for one size).
//! The transfer needs the browser tests' packages (`npm ci --prefix tests/browser`) and Chromium.

#[path = "synthetic/mod.rs"]
#[allow(dead_code)] // the Zola and Hugo layouts of the corpus are for the build benchmark
mod synthetic;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use nenpo::{build, BuildOptions};

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
        let site = dir.path().join("site");
        synthetic::write_nenpo(&site, pages);
        let out = dir.path().join("public");
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
        println!(
            "{pages} pages per language: index stage {:.0} ms (median of {RUNS}; both languages)",
            index_times[RUNS / 2].as_secs_f64() * 1000.0
        );
        for lang in ["ja", "en"] {
            let (bytes, files) = size_of(&out.join("search").join(lang));
            println!(
                "  {lang}: index {:.1} MB in {files} files",
                bytes as f64 / 1e6
            );
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
