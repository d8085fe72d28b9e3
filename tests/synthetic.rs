//! The benchmark's synthetic corpus builds, so that `cargo bench` measures a working site.

#[path = "../benches/synthetic/mod.rs"]
#[allow(dead_code)] // the Zola and Hugo layouts of the corpus are for the benchmark only
mod synthetic;

use std::process::Command;

#[test]
fn the_benchmark_corpus_builds_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let pages = 60;
    synthetic::write_nenpo(&site, pages);
    let out = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["build", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    // 20 sections and a home page per language, besides the pages.
    let expected = format!(
        "Built {} pages ({} ja, {} en)",
        2 * (pages + 21),
        pages + 21,
        pages + 21
    );
    assert!(stdout.contains(&expected), "{stdout}");
}
