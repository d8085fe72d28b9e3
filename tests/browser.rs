//! The browser suite (tests/browser/*.test.mjs: search, theme, accessibility, Lighthouse) run by
//! `cargo test`, so that one command runs every test. It builds the real report first, into its
//! own folder, and points the suite at it; the suite opens it from file:// in headless Chromium.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn browser_suite_passes_on_the_built_report() {
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

    let browser = repo.join("tests/browser");
    assert!(
        browser.join("node_modules/playwright-core").is_dir(),
        "the browser tests need their npm packages: npm ci --prefix tests/browser (and Chromium: apt-get install chromium)"
    );
    let out = Command::new("node")
        .arg("--test")
        .current_dir(&browser)
        .env("SITE_DIR", &site)
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
