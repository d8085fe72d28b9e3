//! Images in Markdown: checked (missing, outside the site, without alt text: errors at
//! file:line:col), written once for every language with width and height, large photos with
//! smaller variants in `srcset` that a rebuild takes from the cache, captions as <figure>.

mod cli_support;

use std::path::Path;

use cli_support::{nenpo, read, write};

/// A photo-like JPEG: smooth gradients with fine noise, as a camera makes (no real photo is
/// shipped; the numbers are what matter).
fn photo(path: &Path, width: u32, height: u32) {
    let mut seed = 12345u32;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let n = (seed >> 24) as i32 / 8 - 16;
        let c = |v: u32| (v as i32 + n).clamp(0, 255) as u8;
        image::Rgb([
            c(x * 255 / width),
            c(y * 255 / height),
            c(((x + y) / 20) % 255),
        ])
    });
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    img.save_with_format(path, image::ImageFormat::Jpeg)
        .unwrap();
}

fn site(dir: &Path, body: &str) {
    write(dir, "config.toml", "default_language = \"ja\"\nlanguages = [\"ja\", \"en\"]\ntheme = \"default\"\n[title]\nja = \"年報\"\nen = \"Report\"\n");
    for lang in ["ja", "en"] {
        write(
            dir,
            &format!("content/_index.{lang}.md"),
            "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
        );
        write(
            dir,
            &format!("content/news/_index.{lang}.md"),
            "+++\ntitle = \"News\"\n+++\n\nNews.\n",
        );
        write(
            dir,
            &format!("content/news/day.{lang}.md"),
            format!("+++\ntitle = \"Day\"\n+++\n\n{body}\n"),
        );
    }
}

fn build(dir: &Path) -> std::process::Output {
    nenpo().args(["build", "--root"]).arg(dir).output().unwrap()
}

#[test]
fn a_large_photo_gets_smaller_variants_once_for_every_language() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    site(
        dir,
        "Text.\n\n![Visitors at the open day](photo.jpg \"The open day\")",
    );
    photo(&dir.join("content/news/photo.jpg"), 4000, 3000);
    let out = build(dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let html = read(dir, "public/en/news/day/index.html");
    let figure = &html[html.find("<figure").unwrap()..html.find("</figure>").unwrap()];
    assert!(
        figure.contains("alt=\"Visitors at the open day\" width=\"4000\" height=\"3000\""),
        "{figure}"
    );
    assert!(
        figure.contains("../../../news/photo.480w.jpg 480w"),
        "{figure}"
    );
    assert!(
        figure.contains("../../../news/photo.1600w.jpg 1600w"),
        "{figure}"
    );
    assert!(figure.contains("sizes="), "{figure}");
    assert!(
        figure.contains("<figcaption>The open day</figcaption>"),
        "{figure}"
    );
    assert!(
        !html.contains("<p><figure"),
        "a figure is not inside a paragraph"
    );
    // One copy for both languages, at the content path.
    assert!(dir.join("public/news/photo.jpg").is_file());
    assert!(
        !dir.join("public/ja/news/photo.jpg").exists()
            && !dir.join("public/en/news/photo.jpg").exists()
    );
    let small = std::fs::metadata(dir.join("public/news/photo.480w.jpg"))
        .unwrap()
        .len();
    let full = std::fs::metadata(dir.join("public/news/photo.jpg"))
        .unwrap()
        .len();
    assert!(
        small * 10 < full,
        "480 px: {small} bytes, 4000 px: {full} bytes"
    );
    assert_eq!(
        image::image_dimensions(dir.join("public/news/photo.480w.jpg")).unwrap(),
        (480, 360)
    );

    // A rebuild takes the variants from the cache: byte for byte the same, and made again only
    // when the cache is gone.
    let cached = std::fs::read_dir(dir.join(".nenpo-cache/images"))
        .unwrap()
        .count();
    assert!(cached >= 4, "{cached} cached files");
    let first = std::fs::read(dir.join("public/news/photo.800w.jpg")).unwrap();
    let marker = dir
        .join(".nenpo-cache/images")
        .read_dir()
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let before = std::fs::metadata(&marker).unwrap().modified().unwrap();
    assert!(build(dir).status.success());
    assert_eq!(
        std::fs::metadata(&marker).unwrap().modified().unwrap(),
        before,
        "the cache was used, not rewritten"
    );
    assert_eq!(
        std::fs::read(dir.join("public/news/photo.800w.jpg")).unwrap(),
        first
    );
}

#[test]
fn image_problems_are_errors_at_their_line_and_column() {
    for (body, expected, fix) in [
        (
            "Intro.\n\n![A chart](nothing.png)",
            "does not exist",
            "check the file name",
        ),
        (
            "Intro.\n\n![A chart](../../../secret.png)",
            "is outside the site",
            "put the image in content/",
        ),
        (
            "Intro.\n\n![A chart](https://example.org/a.png)",
            "is outside the site",
            "no request",
        ),
        ("Intro.\n\n![](small.png)", "has no alt text", "decorative"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        site(dir, body);
        image::RgbImage::new(10, 10)
            .save(dir.join("content/news/small.png"))
            .unwrap();
        let out = build(dir);
        assert!(!out.status.success(), "{body}");
        let err = String::from_utf8_lossy(&out.stderr);
        // Front matter is 3 lines, then a blank line and "Intro.", a blank line: the image is on line 7.
        assert!(
            err.contains("content/news/day.en.md:7:1")
                || err.contains("content/news/day.ja.md:7:1"),
            "{err}"
        );
        assert!(err.contains(expected) && err.contains(fix), "{err}");
        assert!(!dir.join("public").exists(), "nothing was written");
    }
}

#[test]
fn a_decorative_image_has_empty_alt_and_a_small_one_no_variants() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    site(dir, "Intro ![decorative](small.png) text.");
    image::RgbImage::new(300, 100)
        .save(dir.join("content/news/small.png"))
        .unwrap();
    let out = build(dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = read(dir, "public/ja/news/day/index.html");
    assert!(html.contains("<img src=\"../../../news/small.png\" alt=\"\" width=\"300\" height=\"100\" loading=\"lazy\" decoding=\"async\">"), "{html}");
}

/// A page that shows the record `news/people` (a TOML record, or a CSV with its TOML beside it).
fn site_with_record(dir: &Path) {
    site(dir, "Text.");
    for lang in ["ja", "en"] {
        write(
            dir,
            &format!("content/news/day.{lang}.md"),
            "+++\ntitle = \"Day\"\nrecords = [\"news/people\"]\n+++\n\nText.\n",
        );
    }
}

#[test]
fn images_in_a_toml_record_are_checked_sized_and_shown_in_its_table() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    site_with_record(dir);
    photo(&dir.join("content/news/photos/keeper.jpg"), 2000, 1500);
    write(
        dir,
        "content/news/people.toml",
        "title = { ja = \"灯台守\", en = \"Keepers\" }\n\n[[columns]]\nkey = \"name\"\nlabel = { ja = \"名前\", en = \"Name\" }\n\n[[columns]]\nkey = \"photo\"\nlabel = { ja = \"写真\", en = \"Photo\" }\n\n[[rows]]\nname = { ja = \"星野\", en = \"Hoshino\" }\nphoto = { src = \"photos/keeper.jpg\", alt = { ja = \"灯台の前の星野\", en = \"Hoshino by the lighthouse\" } }\n",
    );
    let out = build(dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    for (lang, alt) in [
        ("en", "Hoshino by the lighthouse"),
        ("ja", "灯台の前の星野"),
    ] {
        let html = read(dir, &format!("public/{lang}/news/day/index.html"));
        let table = &html[html.find("<table").unwrap()..html.find("</table>").unwrap()];
        let img = &table[table.find("<img").expect("an image in the table")..];
        let img = &img[..img.find('>').unwrap()];
        assert!(
            img.contains(&format!(
                "src=\"../../../news/photos/keeper.jpg\" alt=\"{alt}\" width=\"2000\" height=\"1500\""
            )),
            "{img}"
        );
        assert!(
            img.contains("../../../news/photos/keeper.480w.jpg 480w"),
            "{img}"
        );
        assert!(
            img.contains("../../../news/photos/keeper.jpg 2000w"),
            "{img}"
        );
        assert!(img.contains("sizes=\"10rem\""), "{img}");
    }
    // One copy for every language, with its variants.
    assert!(dir.join("public/news/photos/keeper.jpg").is_file());
    assert!(dir.join("public/news/photos/keeper.480w.jpg").is_file());
    assert!(!dir.join("public/en/news/photos").exists());
    assert!(!dir.join("public/ja/news/photos").exists());
    // The print page shows the image from its own depth.
    let print = read(dir, "public/en/print/index.html");
    assert!(
        print.contains("src=\"../../news/photos/keeper.jpg\" alt=\"Hoshino by the lighthouse\""),
        "the print page's image"
    );
}

#[test]
fn images_in_a_csv_record_take_their_alt_text_per_language() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    site_with_record(dir);
    write(
        dir,
        "content/news/lamp.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"30\"><rect width=\"40\" height=\"30\"/></svg>",
    );
    write(
        dir,
        "content/news/people.toml",
        "title = { ja = \"灯台守\", en = \"Keepers\" }\n",
    );
    write(
        dir,
        "content/news/people.csv",
        "name.ja,name.en,photo.src,photo.alt.ja,photo.alt.en,years\n星野,Hoshino,lamp.svg,灯台のランプ,The lighthouse lamp,12\n月岡,Tsukioka,lamp.svg,decorative,decorative,3\n",
    );
    let out = build(dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let en = read(dir, "public/en/news/day/index.html");
    assert!(
        en.contains("<img src=\"../../../news/lamp.svg\" alt=\"The lighthouse lamp\" width=\"40\" height=\"30\" loading=\"lazy\""),
        "{en}"
    );
    assert!(
        en.contains("alt=\"\" width=\"40\""),
        "the decorative one: {en}"
    );
    assert!(
        !en.contains("photo.alt"),
        "the alt columns are not columns of the table"
    );
    let ja = read(dir, "public/ja/news/day/index.html");
    assert!(ja.contains("alt=\"灯台のランプ\""), "{ja}");
}

#[test]
fn image_problems_in_records_are_errors_at_the_record_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    site_with_record(dir);
    write(
        dir,
        "content/news/lamp.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"30\"></svg>",
    );
    write(
        dir,
        "content/news/people.toml",
        "title = { ja = \"灯台守\", en = \"Keepers\" }\n\n[[rows]]\nname = \"a\"\nphoto = { src = \"missing.jpg\", alt = \"x\" }\n\n[[rows]]\nname = \"b\"\nphoto = { src = \"../../outside.png\", alt = \"x\" }\n\n[[rows]]\nname = \"c\"\nphoto = { src = \"lamp.svg\" }\n",
    );
    let out = build(dir);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for (at, what) in [
        ("content/news/people.toml:5:17", "does not exist"),
        ("content/news/people.toml:9:17", "outside the site"),
        ("content/news/people.toml:13:17", "has no alt text"),
    ] {
        assert!(err.contains(at), "{at} in {err}");
        assert!(err.contains(what), "{what} in {err}");
    }
    assert!(err.contains("relative to the record's file"), "{err}");
    assert!(err.contains("alt = { ja = "), "{err}");

    // In a CSV: the cell of the path.
    write(
        dir,
        "content/news/people.toml",
        "title = { ja = \"灯台守\", en = \"Keepers\" }\n",
    );
    write(
        dir,
        "content/news/people.csv",
        "name,photo.src,photo.alt\na,lamp.svg,A lamp\nb,gone.png,Gone\n",
    );
    let out = build(dir);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/news/people.csv:3:3"), "{err}");
    assert!(err.contains("the image `gone.png` does not exist"), "{err}");
}
