//! The browser suite (tests/browser/*.test.mjs: search, theme, accessibility, Lighthouse) run by
//! `cargo test`, so that one command runs every test. It builds the real report, a starter site
//! of `nenpo init` (ja, en, zh-Hans), the editions fixture and the chart fixture first, each into its own folder, and points the suite at
//! them; the suite opens them from file:// in headless Chromium.
//!
//! What the suite needs is set up here when it is missing: the npm packages (`npm ci`), and the
//! system packages (Chromium, CJK fonts) through `tests/setup-system.sh`, which installs them when
//! run as root and otherwise fails at once with the one command to run.

mod system_support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn run_setup(what: &str, cmd: &mut Command) -> Result<(), String> {
    eprintln!("browser tests: {what}");
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{what}` failed ({s})")),
        Err(e) => Err(format!("`{what}` could not start: {e}")),
    }
}

/// Installs what is missing, or says what to run.
fn set_up(browser: &Path) -> Result<(), String> {
    system_support::ensure();
    if !browser.join("node_modules/playwright-core").is_dir() {
        run_setup(
            "npm ci --prefix tests/browser",
            Command::new("npm")
                .args([
                    "ci",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    "--prefix",
                ])
                .arg(browser),
        )
        .map_err(|e| format!("{e}; Node.js and npm are needed (apt-get install nodejs npm)"))?;
    }
    Ok(())
}

/// A starter site from `nenpo init` in three languages, built into `out`.
fn starter_site(repo: &Path, out: &Path) -> PathBuf {
    let dir = repo.join("target/browser-starter");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let init = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .arg("init")
        .arg(&dir)
        .args(["--languages", "ja,en,zh-Hans"])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "nenpo init failed:\n{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let build = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["build", "--root"])
        .arg(&dir)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the starter site does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    out.to_path_buf()
}

#[test]
fn browser_suite_passes_on_the_built_report() {
    // Before the builds, so that a machine without the packages stops at once.
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if let Err(e) = set_up(&browser) {
        panic!("{e}");
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let site = repo.join("target/browser-site");
    let build = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["build", "--root"])
        .arg(&repo)
        .arg("--output")
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the report does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );

    let starter = starter_site(&repo, &repo.join("target/browser-starter-site"));

    let editions = repo.join("target/browser-editions-site");
    let build = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["build", "--root"])
        .arg(repo.join("tests/fixtures/editions"))
        .arg("--output")
        .arg(&editions)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the editions fixture does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let charts = repo.join("target/browser-charts-site");
    let build = Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["build", "--root"])
        .arg(repo.join("tests/fixtures/charts"))
        .arg("--output")
        .arg(&charts)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the chart fixture does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let out = Command::new("node")
        .arg("--test")
        .current_dir(&browser)
        .env("SITE_DIR", &site)
        .env("STARTER_DIR", &starter)
        .env("EDITIONS_DIR", &editions)
        .env("CHARTS_DIR", &charts)
        .env("STARTER_SRC", repo.join("target/browser-starter"))
        .env("NENPO_BIN", env!("CARGO_BIN_EXE_nenpo"))
        .env("SCREENSHOTS_DIR", repo.join("target/screenshots"))
        .env("REQUIRE_SITE", "1")
        .output()
        .expect("node is needed for the browser tests");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "browser tests failed (see the output above)"
    );
    let skipped = stdout
        .lines()
        .any(|l| l.starts_with("# skipped") && l.trim() != "# skipped 0");
    assert!(!skipped, "no browser test may be skipped:\n{stdout}");
}
