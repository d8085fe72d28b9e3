//! Content too deep for a report is an error, not a crash: sections nested past the limit are
//! refused at the first section too deep, in every language, and nothing is written.

mod cli_support;

use cli_support::{basic_site, nenpo, write};

#[test]
fn sections_nested_past_the_limit_are_refused_at_the_first_too_deep() {
    let dir = basic_site();
    let mut folder = String::from("content/projects");
    for _ in 0..40 {
        folder.push_str("/s");
        for lang in ["ja", "en"] {
            write(
                dir.path(),
                &format!("{folder}/_index.{lang}.md"),
                "+++\ntitle = \"S\"\n+++\n",
            );
        }
    }
    let out = nenpo()
        .arg("build")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    let too_deep = format!("content/projects{}/_index", "/s".repeat(32));
    for lang in ["ja", "en"] {
        assert!(
            stderr.contains(&format!("in {too_deep}.{lang}.md")),
            "{stderr}"
        );
    }
    assert_eq!(
        stderr
            .matches("sections are nested 33 deep here; at most 32 levels are allowed")
            .count(),
        2,
        "{stderr}"
    );
    assert!(!dir.path().join("public").exists());
}
