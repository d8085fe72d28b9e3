//! Images of the content: where a Markdown image points (checked: inside `content/`, existing,
//! with alt text), its `<img>` mark-up with width and height, and smaller variants of large
//! raster images (resized with the `image` crate, cached between builds, WebP when smaller).
//!
//! An image is written once, at its content path from the site root (`activities/photo.jpg`),
//! and every language's pages point at that one copy.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics};
use crate::fs;
use crate::load::Asset;
use crate::parse::markdown::escape_attr;

/// Alt text that marks an image as decorative: it is written with `alt=""`, and screen readers
/// skip it. Every other image needs words that say what it shows.
pub const DECORATIVE: &str = "decorative";

/// Widths of the smaller variants, in pixels. A phone of 390 CSS px at 3× takes 1200.
const VARIANT_WIDTHS: &[u32] = &[480, 800, 1200, 1600];

/// How wide an image is shown: the column of text, or the whole screen when that is narrower.
const SIZES: &str = "(max-width: 46rem) calc(100vw - 2rem), 44rem";

/// Where resized variants are kept between builds, under the site folder.
pub const CACHE_DIR: &str = ".nenpo-cache/images";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
}

impl Format {
    fn of(rel: &str) -> Option<Format> {
        let ext = rel.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "png" => Format::Png,
            "jpg" | "jpeg" => Format::Jpeg,
            "gif" => Format::Gif,
            "webp" => Format::Webp,
            "svg" => Format::Svg,
            _ => return None,
        })
    }

    /// Resized in this format (GIF and WebP sources become PNG).
    fn variant(self) -> Option<(image::ImageFormat, &'static str)> {
        match self {
            Format::Jpeg => Some((image::ImageFormat::Jpeg, "jpg")),
            Format::Png | Format::Gif | Format::Webp => Some((image::ImageFormat::Png, "png")),
            Format::Svg => None,
        }
    }
}

/// A smaller copy of an image.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Output path from the site root: `activities/photo.480w.jpg`.
    pub rel: String,
    pub width: u32,
    pub height: u32,
    /// The same size as WebP, when that is smaller (filled in by `render_variants`).
    pub webp: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Image {
    pub path: PathBuf,
    /// Relative to `content/`, with `/`.
    pub rel: String,
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Variant>,
}

/// Every image among the content's files, by path relative to `content/`.
#[derive(Debug, Default)]
pub struct Images {
    by_rel: BTreeMap<String, Image>,
    /// Images refused (unreadable, damaged, too large): the path and (why, help), reported
    /// where they are used, with the address the page or record wrote.
    refused: BTreeMap<String, Refusal>,
}

/// Why an image is refused and how to fix it: (why, following "the image `…`"; help).
type Refusal = (String, String);

/// The variants made of one image: each with its bytes, and its WebP bytes when smaller.
type Made = Vec<(Variant, Vec<u8>, Option<Vec<u8>>)>;

/// An image as templates see it (an image of a record): addresses from the site root, which a
/// template prefixes with `root`; `srcset` lists the smaller variants (the original, at its own
/// width, completes the set), `webp` the same sizes as WebP when every one is smaller.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ImageView {
    pub src: String,
    /// Empty for a decorative image.
    pub alt: String,
    pub width: u32,
    pub height: u32,
    pub srcset: Vec<VariantUrl>,
    pub webp: Option<Vec<VariantUrl>>,
}

/// One address of a `srcset`, with its width in pixels.
#[derive(Clone, Debug, serde::Serialize)]
pub struct VariantUrl {
    pub url: String,
    pub width: u32,
}

/// A file that the writer copies or writes.
pub enum ImageOutput {
    Copy(PathBuf),
    Bytes(Vec<u8>),
}

pub fn is_image(rel: &Path) -> bool {
    Format::of(&fs::display_path(Path::new(""), rel)).is_some()
}

impl Images {
    /// Reads every image in `assets`, in parallel: its size, and (raster images) all of its
    /// pixels, so that a damaged file is found now and not by a reader. An image of more than
    /// `max_megapixels` million pixels is refused before it is decoded.
    pub fn scan(assets: &[Asset], max_megapixels: u32) -> Images {
        let found: Vec<(String, Result<Image, Refusal>)> = assets
            .par_iter()
            .filter(|a| is_image(&a.rel))
            .map(|a| {
                let rel = fs::display_path(Path::new(""), &a.rel);
                (rel.clone(), read_image(&a.path, &rel, max_megapixels))
            })
            .collect();
        let mut images = Images::default();
        for (rel, result) in found {
            match result {
                Ok(image) => {
                    images.by_rel.insert(rel, image);
                }
                Err(refused) => {
                    images.refused.insert(rel, refused);
                }
            }
        }
        images
    }

    pub fn is_empty(&self) -> bool {
        self.by_rel.is_empty()
    }

    /// The image `src` of a content file in `page_dir` (relative to `content/`): checked (inside
    /// `content/`, readable, with alt text), with its size and variants, its addresses from the
    /// site root. Errors are (message, help).
    pub fn resolve(
        &self,
        page_dir: &str,
        src: &str,
        alt: &str,
    ) -> Result<ImageView, (String, String)> {
        let rel = content_path(page_dir, src)?;
        if let Some((why, help)) = self.refused.get(&rel) {
            return Err((format!("the image `{src}` {why}"), help.clone()));
        }
        let Some(image) = self.by_rel.get(&rel) else {
            return Err((
                format!("the image `{src}` does not exist (looked for content/{rel})"),
                "check the file name; an image path is relative to the Markdown file, e.g. `![A chart of …](chart.png)` beside it".into(),
            ));
        };
        let alt = alt.trim();
        if alt.is_empty() {
            return Err((
                format!("the image `{src}` has no alt text"),
                format!("say what the image shows in the brackets: `![Visitors at the open day]({src})`, or write `![{DECORATIVE}]({src})` for an image that only decorates"),
            ));
        }
        let sized = |rel: &str, width: u32| VariantUrl {
            url: url_path(rel),
            width,
        };
        let webp: Option<Vec<VariantUrl>> = if image.variants.is_empty() {
            None
        } else {
            image
                .variants
                .iter()
                .map(|v| v.webp.as_deref().map(|w| sized(w, v.width)))
                .collect()
        };
        Ok(ImageView {
            src: url_path(&image.rel),
            alt: if alt == DECORATIVE { "" } else { alt }.to_string(),
            width: image.width,
            height: image.height,
            srcset: image
                .variants
                .iter()
                .map(|v| sized(&v.rel, v.width))
                .collect(),
            webp,
        })
    }

    /// The mark-up of `![alt](src)` on a page whose content file lies in `page_dir` (relative to
    /// `content/`) and whose path to the site root is `root`. Errors are (message, help).
    pub fn img_html(
        &self,
        page_dir: &str,
        root: &str,
        src: &str,
        alt: &str,
    ) -> Result<String, (String, String)> {
        let image = self.resolve(page_dir, src, alt)?;
        let src_url = format!("{root}{}", image.src);
        let srcset = |set: &[VariantUrl]| -> String {
            set.iter()
                .map(|v| format!("{root}{} {}w", v.url, v.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut html = String::new();
        if let Some(webp) = &image.webp {
            html.push_str(&format!(
                "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{SIZES}\">",
                escape_attr(&srcset(webp))
            ));
        }
        html.push_str(&format!(
            "<img src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\"",
            escape_attr(&src_url),
            escape_attr(&image.alt),
            image.width,
            image.height
        ));
        if !image.srcset.is_empty() {
            let mut set = srcset(&image.srcset);
            set.push_str(&format!(", {src_url} {}w", image.width));
            html.push_str(&format!(
                " srcset=\"{}\" sizes=\"{SIZES}\"",
                escape_attr(&set)
            ));
        }
        html.push_str(" loading=\"lazy\" decoding=\"async\">");
        if image.webp.is_some() {
            html.push_str("</picture>");
        }
        Ok(html)
    }

    /// Resizes every image's variants, reusing the copies in `cache` (under the site folder)
    /// made by an earlier build of the same source bytes. Returns output path → file.
    pub fn render_variants(
        &mut self,
        cache: &Path,
        diags: &mut Diagnostics,
    ) -> Vec<(String, ImageOutput)> {
        let results: Vec<(String, Result<Made, String>)> = self
            .by_rel
            .par_iter()
            .filter(|(_, image)| !image.variants.is_empty())
            .map(|(rel, image)| (rel.clone(), variants_of(image, cache)))
            .collect();
        let mut out = Vec::new();
        for (rel, image) in &self.by_rel {
            out.push((rel.clone(), ImageOutput::Copy(image.path.clone())));
        }
        for (rel, result) in results {
            match result {
                Ok(made) => {
                    let image = self.by_rel.get_mut(&rel).expect("scanned");
                    // WebP only when every size is smaller as WebP: one <source> holds them all.
                    let all_webp = made.iter().all(|(_, _, w)| w.is_some());
                    image.variants.clear();
                    for (mut v, bytes, webp) in made {
                        if let (true, Some(webp)) = (all_webp, webp) {
                            let webp_rel = format!(
                                "{}.webp",
                                v.rel.rsplit_once('.').map_or(v.rel.as_str(), |p| p.0)
                            );
                            out.push((webp_rel.clone(), ImageOutput::Bytes(webp)));
                            v.webp = Some(webp_rel);
                        }
                        out.push((v.rel.clone(), ImageOutput::Bytes(bytes)));
                        image.variants.push(v);
                    }
                }
                Err(why) => {
                    let image = self.by_rel.get_mut(&rel).expect("scanned");
                    image.variants.clear();
                    diags.push(
                        Diagnostic::warning(
                            format!("content/{rel}"),
                            format!("no smaller copies were made: {why}"),
                        )
                        .help("the image is used at its full size; save it again to fix it"),
                    );
                }
            }
        }
        out
    }
}

/// The size of an image and the variants it will get; a raster image is decoded whole (and
/// refused, before decoding, when larger than `max_megapixels`). Errors are (why, help), `why`
/// following "the image `…`".
fn read_image(path: &Path, rel: &str, max_megapixels: u32) -> Result<Image, Refusal> {
    let unreadable = |e: String| {
        (
            format!("cannot be read: {e}"),
            "save it again as PNG, JPEG, GIF, WebP or SVG".to_string(),
        )
    };
    let format = Format::of(rel).ok_or_else(|| unreadable("not an image".into()))?;
    let (width, height) = match format {
        Format::Svg => {
            svg_size(&std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?)
                .ok_or_else(|| unreadable("the SVG has no width and height or viewBox".into()))?
        }
        _ => {
            let (width, height) =
                image::image_dimensions(path).map_err(|e| unreadable(e.to_string()))?;
            check_pixels(width, height, max_megapixels)?;
            decode_whole(path, width, height)?;
            (width, height)
        }
    };
    let variants = match format.variant() {
        Some((_, ext)) => VARIANT_WIDTHS
            .iter()
            .filter(|w| **w < width)
            .map(|&w| Variant {
                rel: format!("{}.{w}w.{ext}", rel.rsplit_once('.').map_or(rel, |p| p.0)),
                width: w,
                height: ((height as u64 * w as u64 + width as u64 / 2) / width as u64).max(1)
                    as u32,
                webp: None,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Image {
        path: path.to_path_buf(),
        rel: rel.to_string(),
        width,
        height,
        variants,
    })
}

/// Refuses an image of more than `max_megapixels` million pixels.
fn check_pixels(width: u32, height: u32, max_megapixels: u32) -> Result<(), Refusal> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels <= u64::from(max_megapixels) * 1_000_000 {
        return Ok(());
    }
    Err((
        format!(
            "is {width}×{height} pixels ({:.1} megapixels), more than the limit of {max_megapixels} megapixels",
            pixels as f64 / 1e6
        ),
        "make it smaller (a page shows an image at most 1600 pixels wide), or raise `max_megapixels` under `[images]` in config.toml".into(),
    ))
}

/// Decodes every pixel of a raster image (of the size its header gives), so that a file cut
/// short or damaged is refused. The JPEG decoder fills a file cut short with grey: its end
/// marker must be there too.
fn decode_whole(path: &Path, width: u32, height: u32) -> Result<(), Refusal> {
    let damaged = |why: String| {
        (
            format!("is damaged: {why}"),
            "save it again from the original: the file is incomplete or broken".to_string(),
        )
    };
    let bytes = std::fs::read(path).map_err(|e| damaged(e.to_string()))?;
    let mut reader = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| damaged(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Room for the pixels as the widest format holds them (RGBA, 32-bit floats).
    limits.max_alloc = Some(u64::from(width) * u64::from(height) * 16 + (64 << 20));
    reader.limits(limits);
    if reader.format() == Some(image::ImageFormat::Jpeg) {
        // The end-of-image marker after the last scan (a thumbnail's comes before it; bytes
        // some cameras add after the end are fine). Scan data never holds these two bytes.
        let last = |marker: u8| bytes.windows(2).rposition(|w| w == [0xFF, marker]);
        if !matches!((last(0xDA), last(0xD9)), (Some(scan), Some(end)) if end > scan) {
            return Err(damaged("the JPEG data ends before its end marker".into()));
        }
    }
    reader.decode().map_err(|e| damaged(e.to_string()))?;
    Ok(())
}

/// The variants of one image, from the cache or made now (and then cached).
fn variants_of(image: &Image, cache: &Path) -> Result<Made, String> {
    let bytes = std::fs::read(&image.path).map_err(|e| e.to_string())?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    let key = format!("{:016x}", hasher.finish());
    let format = Format::of(&image.rel)
        .and_then(Format::variant)
        .ok_or("not resizable")?;
    let mut decoded: Option<image::DynamicImage> = None;
    let mut out = Vec::new();
    for v in &image.variants {
        let base = cache.join(format!("{key}-{}", v.width));
        let main_path = base.with_extension(format.1);
        let webp_path = base.with_extension("webp");
        let no_webp_path = base.with_extension("no-webp");
        if let Ok(main) = std::fs::read(&main_path) {
            let webp = std::fs::read(&webp_path).ok();
            if webp.is_some() || no_webp_path.exists() {
                out.push((v.clone(), main, webp));
                continue;
            }
        }
        if decoded.is_none() {
            decoded = Some(image::load_from_memory(&bytes).map_err(|e| e.to_string())?);
        }
        let source = decoded.as_ref().expect("decoded above");
        let resized = source.resize_exact(v.width, v.height, image::imageops::FilterType::Lanczos3);
        let mut main = Vec::new();
        match format.0 {
            image::ImageFormat::Jpeg => {
                let rgb = resized.to_rgb8();
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut main, 82)
                    .encode_image(&rgb)
                    .map_err(|e| e.to_string())?;
            }
            f => resized
                .write_to(&mut std::io::Cursor::new(&mut main), f)
                .map_err(|e| e.to_string())?,
        }
        let mut webp = Vec::new();
        let webp = match resized.to_rgba8().write_to(
            &mut std::io::Cursor::new(&mut webp),
            image::ImageFormat::WebP,
        ) {
            Ok(()) if webp.len() < main.len() => Some(webp),
            _ => None,
        };
        // The cache is only an aid: a build that cannot write it still succeeds.
        let _ = fs::write(&main_path, &main);
        let _ = match &webp {
            Some(w) => fs::write(&webp_path, w),
            None => fs::write(&no_webp_path, b""),
        };
        out.push((v.clone(), main, webp));
    }
    Ok(out)
}

/// `width`/`height` of the root `<svg>`, or its viewBox.
fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let value = &tag[at..at + tag[at..].find('"')?];
        value.trim_end_matches("px").trim().parse().ok()
    };
    match (attr("width"), attr("height")) {
        (Some(w), Some(h)) if w > 0.0 && h > 0.0 => Some((w.round() as u32, h.round() as u32)),
        _ => {
            let at = tag.find(" viewBox=\"")? + 10;
            let value = &tag[at..at + tag[at..].find('"')?];
            let parts: Vec<f64> = value
                .split([' ', ','])
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.parse().ok())
                .collect();
            (parts.len() == 4 && parts[2] > 0.0 && parts[3] > 0.0)
                .then(|| (parts[2].round() as u32, parts[3].round() as u32))
        }
    }
}

/// `src` of a Markdown image, relative to the page's folder, as a path from `content/`.
fn content_path(page_dir: &str, src: &str) -> Result<String, (String, String)> {
    let outside = || {
        (
            format!("the image `{src}` is outside the site"),
            "put the image in content/, beside the page, and write its path relative to the page: `![…](photo.jpg)`; the site makes no request to other addresses".to_string(),
        )
    };
    if src.contains("://") || src.starts_with('/') || src.starts_with("data:") || src.contains('\\')
    {
        return Err(outside());
    }
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let mut parts: Vec<&str> = page_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(outside());
                }
            }
            p => parts.push(p),
        }
    }
    let decoded = percent_encoding::percent_decode_str(&parts.join("/"))
        .decode_utf8_lossy()
        .into_owned();
    Ok(decoded)
}

/// A content path as a URL path (spaces and the like percent-encoded).
fn url_path(rel: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?');
    percent_encoding::utf8_percent_encode(rel, SET).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A photo-like test image (a gradient with noise) in `format`.
    fn encoded(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104729)) % 37;
            image::Rgb([(x % 256) as u8, (y % 256) as u8, (n * 6) as u8])
        });
        let mut bytes = Vec::new();
        image::DynamicImage::ImageRgb8(picture)
            .write_to(&mut std::io::Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    #[test]
    fn images_cut_short_are_damaged_whole_ones_pass() {
        let dir = tempfile::tempdir().unwrap();
        for (format, name) in [
            (image::ImageFormat::Png, "a.png"),
            (image::ImageFormat::Jpeg, "a.jpg"),
            (image::ImageFormat::Gif, "a.gif"),
            (image::ImageFormat::WebP, "a.webp"),
        ] {
            let bytes = encoded(format, 300, 200);
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let image = read_image(&path, name, 40).unwrap();
            assert_eq!((image.width, image.height), (300, 200));
            std::fs::write(&path, &bytes[..bytes.len() * 2 / 3]).unwrap();
            let (why, _) = read_image(&path, name, 40)
                .err()
                .unwrap_or_else(|| panic!("{name} cut short passed"));
            assert!(
                why.starts_with("is damaged") || why.starts_with("cannot be read"),
                "{name}: {why}"
            );
        }
    }

    #[test]
    fn an_image_over_the_limit_is_refused_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.png");
        std::fs::write(&path, encoded(image::ImageFormat::Png, 1500, 1000)).unwrap();
        let (why, help) = read_image(&path, "big.png", 1).err().unwrap();
        assert_eq!(
            why,
            "is 1500×1000 pixels (1.5 megapixels), more than the limit of 1 megapixels"
        );
        assert!(help.contains("max_megapixels"), "{help}");
        assert!(read_image(&path, "big.png", 2).is_ok());
    }

    #[test]
    fn paths_are_relative_to_the_page_and_stay_inside() {
        assert_eq!(content_path("a/b", "c.png").unwrap(), "a/b/c.png");
        assert_eq!(content_path("a/b", "../c.png").unwrap(), "a/c.png");
        assert_eq!(content_path("", "img/c.png").unwrap(), "img/c.png");
        assert!(content_path("a", "../../c.png").is_err());
        assert!(content_path("a", "https://example.org/c.png").is_err());
        assert!(content_path("a", "/etc/c.png").is_err());
    }

    #[test]
    fn svg_sizes_from_attributes_or_view_box() {
        assert_eq!(
            svg_size("<svg width=\"960\" height=\"540\">"),
            Some((960, 540))
        );
        assert_eq!(
            svg_size("<svg viewBox=\"0 0 300 150\" xmlns=\"x\">"),
            Some((300, 150))
        );
        assert_eq!(svg_size("<svg>"), None);
    }
}
