//! The output folder is never a place where an editor loses work: the guard refuses every folder
//! nenpo did not write (exit code 2, nothing changed), the swap leaves a complete old or new site
//! at every instant (also when the build is killed), and concurrent builds never mix.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod cli_support;
use cli_support::basic_site;

fn nenpo(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nenpo"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    nenpo(dir, args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "build failed:\n{}", stderr(out));
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Every file and folder under `dir` (symbolic links not followed) with the bytes of files.
fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}

/// Names in `dir` of temporary folders that builds left behind.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("nenpo-tmp"))
        .collect()
}

// ---- the guard: one test per refused folder; each checks that nothing changed ----

/// Builds the site once (so that public/ exists too), then runs `args` in `cwd`: the command must
/// exit with 2, say `expected`, and leave every file of the site as it was.
fn assert_refused(site: &Path, cwd: &Path, args: &[&str], expected: &str) {
    assert_ok(&run(site, &["build"]));
    let before = tree(site);
    let out = run(cwd, args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} must be refused:\n{err}"
    );
    assert!(err.contains(expected), "expected `{expected}` in:\n{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(tree(site) == before, "{args:?} changed the site folder");
}

#[test]
fn the_content_folder_is_refused() {
    let site = basic_site();
    let s = site.path();
    assert_refused(s, s, &["build", "--output", "content"], "`content/` folder");
}

#[test]
fn a_folder_inside_content_is_refused() {
    let site = basic_site();
    let s = site.path();
    assert_refused(
        s,
        s,
        &["build", "--output", "content/projects/out"],
        "is inside the site's `content/` folder",
    );
}

#[test]
fn the_themes_templates_and_static_folders_are_refused() {
    let site = basic_site();
    let s = site.path();
    write(s, "templates/page.html", "{{ page.content | safe }}");
    write(s, "static/logo.svg", "<svg/>");
    for dir in ["themes", "themes/plain", "templates", "static"] {
        let first = dir.split('/').next().unwrap();
        assert_refused(
            s,
            s,
            &["build", "--output", dir],
            &format!("`{first}/` folder"),
        );
    }
}

#[test]
fn the_site_folder_itself_is_refused() {
    let site = basic_site();
    let s = site.path();
    assert_refused(
        s,
        s,
        &["build", "--output", "."],
        "is the site folder itself",
    );
    let absolute = s.to_str().unwrap();
    assert_refused(
        s,
        s,
        &["build", "--output", absolute],
        "is the site folder itself",
    );
    // `--root` elsewhere, output given as the site's absolute path.
    let other = tempfile::tempdir().unwrap();
    assert_refused(
        s,
        other.path(),
        &["build", "--root", absolute, "--output", absolute],
        "is the site folder itself",
    );
}

#[test]
fn a_folder_that_contains_the_site_is_refused() {
    let outer = tempfile::tempdir().unwrap();
    let site = basic_site();
    let inner = outer.path().join("report");
    std::fs::rename(site.path(), &inner).unwrap();
    assert_refused(
        &inner,
        &inner,
        &["build", "--output", ".."],
        "contains the site folder",
    );
    assert!(inner.join("config.toml").is_file());
}

#[test]
fn a_regular_file_is_refused() {
    let site = basic_site();
    let s = site.path();
    write(s, "README.md", "# my notes\n");
    assert_refused(
        s,
        s,
        &["build", "--output", "README.md"],
        "is a file, not a folder",
    );
}

#[test]
fn the_root_of_the_file_system_is_refused() {
    let site = basic_site();
    let s = site.path();
    assert_refused(
        s,
        s,
        &["build", "--output", "/"],
        "is the root of the file system",
    );
}

#[test]
fn the_home_folder_is_refused_even_when_empty() {
    let site = basic_site();
    let s = site.path();
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_str().unwrap();
    assert_ok(&run(s, &["build"]));
    let before = tree(s);
    let out = nenpo(s, &["build", "--output", home_path])
        .env("HOME", home_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is your home folder"),
        "{}",
        stderr(&out)
    );
    assert!(tree(s) == before);
    assert!(
        tree(home.path()).is_empty(),
        "nothing written into the home folder"
    );
}

#[test]
fn a_folder_with_files_nenpo_did_not_write_is_refused() {
    let site = basic_site();
    let s = site.path();
    write(s, "docs/notes.txt", "mine");
    assert_refused(
        s,
        s,
        &["build", "--output", "docs"],
        "docs holds files nenpo did not write; choose an empty folder or remove it yourself",
    );
    // Outside the site, given as an absolute path, a hidden file alone is enough to refuse.
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), ".git/HEAD", "ref: refs/heads/main\n");
    let target = elsewhere.path().to_str().unwrap();
    let out = run(s, &["build", "--output", target]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(tree(elsewhere.path()).len(), 2, "only .git and .git/HEAD");
}

#[test]
fn a_symbolic_link_is_refused() {
    let site = basic_site();
    let s = site.path();
    let target = tempfile::tempdir().unwrap();
    write(target.path(), "keep.txt", "mine");
    std::os::unix::fs::symlink(target.path(), s.join("linked")).unwrap();
    assert_refused(s, s, &["build", "--output", "linked"], "is a symbolic link");
    assert_eq!(tree(target.path()).len(), 1);
    // A link into the sources is refused as the sources themselves.
    std::os::unix::fs::symlink(s.join("content"), s.join("to-content")).unwrap();
    assert_refused(
        s,
        s,
        &["build", "--output", "to-content/out"],
        "`content/` folder",
    );
}

#[test]
fn serve_goes_through_the_same_guard() {
    let site = basic_site();
    let s = site.path();
    for (dir, expected) in [
        ("content", "`content/` folder"),
        (".", "is the site folder itself"),
        ("themes/plain/static", "`themes/` folder"),
    ] {
        assert_refused(s, s, &["serve", "--port", "0", "--output", dir], expected);
    }
}

#[test]
fn empty_missing_and_nenpo_written_folders_are_accepted() {
    let site = basic_site();
    let s = site.path();
    std::fs::create_dir(s.join("empty")).unwrap();
    for dir in ["empty", "missing/deeper", "public", "public"] {
        assert_ok(&run(s, &["build", "--output", dir]));
        assert!(s.join(dir).join("ja/index.html").is_file(), "{dir}");
        assert!(s.join(dir).join(".nenpo-output").is_file(), "{dir}");
    }
    // The marker (which says what it means) makes the folder nenpo's: all of it is replaced.
    write(s, "public/stray.html", "x");
    assert_ok(&run(s, &["build"]));
    assert!(!s.join("public/stray.html").exists());
    assert!(leftovers(s).is_empty(), "{:?}", leftovers(s));
}

// ---- the swap: a complete old or new site at every instant ----

/// Makes the site big enough that a build spends a measurable time writing.
fn grow(site: &Path, pages: usize, words: &str) {
    for i in 0..pages {
        for (lang, title) in [("ja", "頁"), ("en", "Page")] {
            write(
                site,
                &format!("content/projects/p{i:03}.{lang}.md"),
                &format!(
                    "+++\ntitle = \"{title} {i}\"\nweight = {}\n+++\n{words} {i}\n",
                    i + 10
                ),
            );
        }
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_complete_old_or_new_site() {
    const KILLS: usize = 50;
    let site = basic_site();
    let s = site.path();
    let out = s.join("public");
    grow(s, 40, "first");
    let version = |n: usize| {
        let words = if n.is_multiple_of(2) {
            "first"
        } else {
            "second"
        };
        grow(s, 40, words);
    };
    // The two complete sites, and how long a build of one takes.
    let mut complete = Vec::new();
    let mut took = Duration::ZERO;
    for n in 0..2 {
        version(n);
        let started = Instant::now();
        assert_ok(&run(s, &["build"]));
        took = took.max(started.elapsed());
        complete.push(tree(&out));
    }
    assert!(complete[0] != complete[1]);
    // A simple generator seeded from the clock; the seed is printed so a failure can be replayed.
    let mut seed = std::env::var("NENPO_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("NENPO_KILL_SEED={seed}; one build takes {took:?}");
    let mut random = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    let (mut during_write, mut finished) = (0, 0);
    for kill in 0..KILLS {
        version(kill);
        let delay = Duration::from_micros(random() % (took.as_micros() as u64 + 1));
        let mut child = nenpo(s, &["build"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        }
        if !leftovers(s).is_empty() {
            during_write += 1;
        }
        let now = tree(&out);
        assert!(
            complete.contains(&now),
            "kill {kill} after {delay:?} left a site that is neither the old nor the new one"
        );
    }
    eprintln!(
        "{KILLS} kills: {during_write} while writing, {finished} after the build had finished"
    );
    // The next build removes whatever the killed ones left.
    version(0);
    assert_ok(&run(s, &["build"]));
    assert!(tree(&out) == complete[0]);
    assert!(leftovers(s).is_empty(), "{:?}", leftovers(s));
}

#[test]
fn twenty_rounds_of_two_concurrent_builds_never_mix() {
    let one = basic_site();
    let two = basic_site();
    grow(one.path(), 20, "one");
    grow(two.path(), 30, "two");
    let shared = tempfile::tempdir().unwrap();
    let out = shared.path().join("site");
    let target = out.to_str().unwrap();
    let mut complete = Vec::new();
    for site in [&one, &two] {
        assert_ok(&run(site.path(), &["build", "--output", target]));
        complete.push(tree(&out));
    }
    assert!(complete[0] != complete[1]);
    for round in 0..20 {
        let children: Vec<_> = [&one, &two]
            .iter()
            .map(|site| {
                nenpo(site.path(), &["build", "--output", target])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let result = child.wait_with_output().unwrap();
            assert_ok(&result);
        }
        let now = tree(&out);
        assert!(
            complete.contains(&now),
            "round {round}: the output mixes the two sites"
        );
        assert!(leftovers(shared.path()).is_empty());
    }
}

#[test]
fn a_read_only_old_site_is_replaced_and_removed() {
    use std::os::unix::fs::PermissionsExt;
    let site = basic_site();
    let s = site.path();
    assert_ok(&run(s, &["build"]));
    // An editor (or a tool) made part of the built site read-only.
    let locked = s.join("public/ja");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    write(
        s,
        "content/_index.ja.md",
        "+++\ntitle = \"新しいホーム\"\n+++\n本文\n",
    );
    assert_ok(&run(s, &["build"]));
    assert!(std::fs::read_to_string(s.join("public/ja/index.html"))
        .unwrap()
        .contains("新しいホーム"));
    assert!(leftovers(s).is_empty(), "{:?}", leftovers(s));
}

#[test]
fn an_unwritable_parent_fails_clearly_and_changes_nothing() {
    let site = basic_site();
    let s = site.path();
    assert_ok(&run(s, &["build"]));
    let before = tree(s);
    // A path below a file can never be created, also for root.
    let out = run(s, &["build", "--output", "config.toml/public"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("config.toml/public"),
        "{}",
        stderr(&out)
    );
    assert!(tree(s) == before);
}
