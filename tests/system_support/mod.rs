//! The system packages the tests need (Chromium, fonts, poppler-utils, qpdf, Python readers),
//! set up once per test binary by `tests/setup-system.sh`, the one place that lists them (also
//! run by `.ci/run`): as root it installs what is missing; as another user it fails at once
//! with the one command to run.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// Runs `tests/setup-system.sh` once; panics with its message when something is missing and
/// cannot be installed here.
pub fn ensure() {
    static RESULT: OnceLock<Result<(), String>> = OnceLock::new();
    let result = RESULT.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/setup-system.sh");
        let out = Command::new("bash")
            .arg(&script)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
