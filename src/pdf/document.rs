//! What nenpo does to the PDF Chromium prints: reads the page on which each named destination
//! lies (for the contents' page numbers), and writes the outline, the metadata and a stable file
//! identifier, so that the same input gives the same bytes.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};

/// The Info key that holds the fingerprint of the print page a PDF was made from.
pub const FINGERPRINT_KEY: &str = "NenpoFingerprint";

/// One bookmark: a title, the named destination it opens, and the bookmarks under it.
#[derive(Debug, Clone)]
pub struct Bookmark {
    pub title: String,
    /// A named destination (an element id the print page links to); `None` opens `page`.
    pub dest: Option<String>,
    /// The page (1-based) opened when `dest` is `None`.
    pub page: u32,
    /// Also a bookmark, first under this one, for each heading of the part of the document that
    /// this bookmark opens: the headings one level below the heading with this bookmark's title
    /// in Chromium's document outline (a page's title and its own sections).
    pub headings: bool,
    pub children: Vec<Bookmark>,
}

/// A bookmark ready to write: its destination resolved.
struct Node {
    title: String,
    dest: Option<Object>,
    children: Vec<Node>,
}

/// An entry of the outline Chromium makes from the print page's headings (h1–h6): the
/// heading's text, where it is, and the headings below it.
struct Heading {
    title: String,
    dest: Option<Object>,
    kids: Vec<Heading>,
}

/// The document information nenpo sets.
pub struct Metadata<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub subject: &'a str,
    /// BCP 47.
    pub lang: &'a str,
    /// `D:YYYYMMDDHHmmSSZ`, or none: no date is written rather than the time of printing.
    pub date: Option<String>,
    pub fingerprint: &'a str,
}

/// A PDF read once, to look things up and then finish it.
pub struct Pdf {
    doc: Document,
}

impl Pdf {
    pub fn parse(bytes: &[u8]) -> Result<Pdf, String> {
        Document::load_mem(bytes)
            .map(|doc| Pdf { doc })
            .map_err(|e| format!("the PDF Chromium printed cannot be read: {e}"))
    }

    pub fn page_count(&self) -> u32 {
        self.doc.get_pages().len() as u32
    }

    /// The page (1-based) of every named destination.
    pub fn destination_pages(&self) -> BTreeMap<String, u32> {
        let page_numbers: BTreeMap<ObjectId, u32> = self
            .doc
            .get_pages()
            .into_iter()
            .map(|(n, id)| (id, n))
            .collect();
        self.named_destinations()
            .into_iter()
            .filter_map(|(name, dest)| {
                let page = match dest.first() {
                    Some(Object::Reference(id)) => page_numbers.get(id).copied(),
                    _ => None,
                }?;
                Some((name, page))
            })
            .collect()
    }

    /// The fonts that Chromium embedded as Type 3 fonts (glyphs drawn as procedures, never
    /// subset fonts): their family names, sorted. Chromium does so for fonts with CFF outlines
    /// (Noto Sans CJK) and for bold synthesised from a regular face.
    pub fn type3_fonts(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type3"))
            .map(|font| {
                let descriptor = font
                    .get(b"FontDescriptor")
                    .ok()
                    .and_then(|d| self.doc.dereference(d).ok())
                    .and_then(|(_, d)| d.as_dict().ok());
                let family = descriptor
                    .and_then(|d| d.get(b"FontFamily").ok())
                    .and_then(|f| lopdf::decode_text_string(f).ok());
                let name = descriptor
                    .and_then(|d| d.get(b"FontName").and_then(Object::as_name).ok())
                    .map(|n| {
                        let n = String::from_utf8_lossy(n).into_owned();
                        n.split_once('+')
                            .map_or(n.clone(), |(_, rest)| rest.to_string())
                    });
                family
                    .or(name)
                    .unwrap_or_else(|| "an unnamed font".to_string())
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Chromium's named destinations: the catalog's `/Dests` dictionary (name → array).
    fn named_destinations(&self) -> BTreeMap<String, Vec<Object>> {
        let doc = &self.doc;
        let Ok(catalog) = doc.catalog() else {
            return BTreeMap::new();
        };
        let Ok(dests) = catalog.get(b"Dests").and_then(|d| doc.dereference(d)) else {
            return BTreeMap::new();
        };
        let Ok(dests) = dests.1.as_dict() else {
            return BTreeMap::new();
        };
        dests
            .iter()
            .filter_map(|(name, value)| {
                let (_, value) = doc.dereference(value).ok()?;
                let array = match value {
                    Object::Array(a) => a.clone(),
                    Object::Dictionary(d) => d.get(b"D").ok()?.as_array().ok()?.clone(),
                    _ => return None,
                };
                Some((String::from_utf8_lossy(name).into_owned(), array))
            })
            .collect()
    }

    /// Chromium's document outline (printed with `generateDocumentOutline`), and the ids of its
    /// objects, which nenpo's outline replaces.
    fn document_outline(&self) -> (Vec<Heading>, Vec<ObjectId>) {
        fn items(doc: &Document, first: Option<ObjectId>, ids: &mut Vec<ObjectId>) -> Vec<Heading> {
            let mut out = Vec::new();
            let mut next = first;
            while let Some(id) = next {
                // A loop in a broken outline ends the walk.
                if ids.contains(&id) || ids.len() > 100_000 {
                    break;
                }
                ids.push(id);
                let Ok(item) = doc.get_dictionary(id) else {
                    break;
                };
                let dest = item
                    .get(b"Dest")
                    .ok()
                    .or_else(|| item.get(b"A").ok()?.as_dict().ok()?.get(b"D").ok())
                    .and_then(|d| doc.dereference(d).ok())
                    .map(|(_, d)| d.clone());
                let title = item
                    .get(b"Title")
                    .ok()
                    .and_then(|t| lopdf::decode_text_string(t).ok())
                    .unwrap_or_default();
                let child = item.get(b"First").and_then(Object::as_reference).ok();
                let kids = items(doc, child, ids);
                out.push(Heading { title, dest, kids });
                next = item.get(b"Next").and_then(Object::as_reference).ok();
            }
            out
        }
        let mut ids = Vec::new();
        let root = self
            .doc
            .catalog()
            .ok()
            .and_then(|c| c.get(b"Outlines").and_then(Object::as_reference).ok());
        let Some(root) = root else {
            return (Vec::new(), ids);
        };
        ids.push(root);
        let first = self
            .doc
            .get_dictionary(root)
            .ok()
            .and_then(|r| r.get(b"First").and_then(Object::as_reference).ok());
        let headings = items(&self.doc, first, &mut ids);
        (headings, ids)
    }

    /// Writes the outline, the metadata and the file identifier, and returns the finished file.
    pub fn finish(mut self, meta: &Metadata, outline: &[Bookmark]) -> Result<Vec<u8>, String> {
        let dests = self.named_destinations();
        let pages = self.doc.get_pages();
        let explicit = |b: &Bookmark| -> Option<Object> {
            match &b.dest {
                Some(name) => dests.get(name).cloned().map(Object::Array),
                None => pages.get(&b.page).map(|id| {
                    Object::Array(vec![
                        Object::Reference(*id),
                        Object::Name(b"XYZ".to_vec()),
                        Object::Null,
                        Object::Null,
                        Object::Null,
                    ])
                }),
            }
        };
        let (headings, chromium_ids) = self.document_outline();
        for id in chromium_ids {
            self.doc.objects.remove(&id);
        }
        // Chromium's headings in document order, at the level of the page titles (the
        // shallowest level where a page's title appears, so that a section's heading that
        // happens to have a page's title is not taken for it); each bookmark that wants its
        // headings takes those of the next heading with its title.
        fn flatten<'h>(items: &'h [Heading], depth: usize, out: &mut Vec<(usize, &'h Heading)>) {
            for h in items {
                out.push((depth, h));
                flatten(&h.kids, depth + 1, out);
            }
        }
        fn wanted(items: &[Bookmark], out: &mut std::collections::BTreeSet<String>) {
            for b in items {
                if b.headings {
                    out.insert(squeeze(&b.title));
                }
                wanted(&b.children, out);
            }
        }
        let mut all = Vec::new();
        flatten(&headings, 0, &mut all);
        let mut titles = std::collections::BTreeSet::new();
        wanted(outline, &mut titles);
        let level = all
            .iter()
            .filter(|(_, h)| titles.contains(&squeeze(&h.title)))
            .map(|(d, _)| *d)
            .min();
        let order: Vec<&Heading> = all
            .iter()
            .filter(|(d, _)| Some(*d) == level)
            .map(|(_, h)| *h)
            .collect();
        let mut at = 0;
        fn resolve(
            items: &[Bookmark],
            explicit: &dyn Fn(&Bookmark) -> Option<Object>,
            order: &[&Heading],
            at: &mut usize,
        ) -> Vec<Node> {
            items
                .iter()
                .map(|b| {
                    let mut children = Vec::new();
                    if b.headings {
                        let wanted = squeeze(&b.title);
                        if let Some(i) = order[*at..]
                            .iter()
                            .position(|h| squeeze(&h.title) == wanted)
                        {
                            let heading = order[*at + i];
                            *at += i + 1;
                            children.extend(heading.kids.iter().map(|k| Node {
                                title: k.title.split_whitespace().collect::<Vec<_>>().join(" "),
                                dest: k.dest.clone(),
                                children: Vec::new(),
                            }));
                        }
                    }
                    children.extend(resolve(&b.children, explicit, order, at));
                    Node {
                        title: b.title.clone(),
                        dest: explicit(b),
                        children,
                    }
                })
                .collect()
        }
        let nodes = resolve(outline, &explicit, &order, &mut at);
        let root_id = self.doc.new_object_id();
        let (first, last, count) = self.add_bookmarks(&nodes, root_id);
        let mut root = Dictionary::new();
        root.set("Type", Object::Name(b"Outlines".to_vec()));
        if let (Some(first), Some(last)) = (first, last) {
            root.set("First", Object::Reference(first));
            root.set("Last", Object::Reference(last));
            root.set("Count", Object::Integer(count));
        }
        self.doc.objects.insert(root_id, Object::Dictionary(root));

        let catalog_id = self
            .doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .map_err(|e| format!("the PDF Chromium printed has no catalog: {e}"))?;
        let catalog = self
            .doc
            .get_object_mut(catalog_id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| format!("the PDF Chromium printed has no catalog: {e}"))?;
        catalog.set("Outlines", Object::Reference(root_id));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        catalog.set("Lang", text(meta.lang));

        let producer = self
            .doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .ok()
            .and_then(|id| self.doc.get_dictionary(id).ok())
            .and_then(|info| info.get(b"Producer").ok().cloned());
        let mut info = Dictionary::new();
        info.set("Title", text(meta.title));
        if !meta.author.is_empty() {
            info.set("Author", text(meta.author));
        }
        if !meta.subject.is_empty() {
            info.set("Subject", text(meta.subject));
        }
        info.set(
            "Creator",
            text(&format!("nenpo {}", env!("CARGO_PKG_VERSION"))),
        );
        if let Some(producer) = producer {
            info.set("Producer", producer);
        }
        if let Some(date) = &meta.date {
            info.set("CreationDate", text(date));
            info.set("ModDate", text(date));
        }
        info.set(FINGERPRINT_KEY, text(meta.fingerprint));
        // The old Info dictionary (with the time of printing) is replaced in place.
        let info_id = match self.doc.trailer.get(b"Info").and_then(Object::as_reference) {
            Ok(id) => id,
            Err(_) => self.doc.new_object_id(),
        };
        self.doc.objects.insert(info_id, Object::Dictionary(info));
        self.doc.trailer.set("Info", Object::Reference(info_id));

        stable_node_ids(&mut self.doc);
        let mut out = Vec::new();
        self.doc
            .save_to(&mut out)
            .map_err(|e| format!("the PDF could not be written: {e}"))?;
        // A file identifier from the contents (as `qpdf --deterministic-id` does): the same
        // document always has the same one. It is written into the saved file's trailer.
        let id: [u8; 16] = Sha256::digest(&out)[..16].try_into().unwrap_or_default();
        self.doc.trailer.set(
            "ID",
            Object::Array(vec![
                Object::String(id.to_vec(), StringFormat::Hexadecimal),
                Object::String(id.to_vec(), StringFormat::Hexadecimal),
            ]),
        );
        out.clear();
        self.doc
            .save_to(&mut out)
            .map_err(|e| format!("the PDF could not be written: {e}"))?;
        Ok(out)
    }

    /// Adds `items` under `parent`; returns the first, the last and the count of visible items.
    fn add_bookmarks(
        &mut self,
        items: &[Node],
        parent: ObjectId,
    ) -> (Option<ObjectId>, Option<ObjectId>, i64) {
        let ids: Vec<ObjectId> = items.iter().map(|_| self.doc.new_object_id()).collect();
        let mut count = 0;
        for (i, item) in items.iter().enumerate() {
            let mut dict = Dictionary::new();
            dict.set("Title", text(&item.title));
            dict.set("Parent", Object::Reference(parent));
            if i > 0 {
                dict.set("Prev", Object::Reference(ids[i - 1]));
            }
            if let Some(next) = ids.get(i + 1) {
                dict.set("Next", Object::Reference(*next));
            }
            if let Some(d) = &item.dest {
                dict.set("Dest", d.clone());
            }
            let (first, last, under) = self.add_bookmarks(&item.children, ids[i]);
            if let (Some(first), Some(last)) = (first, last) {
                dict.set("First", Object::Reference(first));
                dict.set("Last", Object::Reference(last));
                // Open: the projects show their pages.
                dict.set("Count", Object::Integer(under));
            }
            count += 1 + under;
            self.doc.objects.insert(ids[i], Object::Dictionary(dict));
        }
        (ids.first().copied(), ids.last().copied(), count)
    }
}

/// Chromium names the elements of the structure tree that others refer to (a table's header
/// cells) after its DOM node ids, `node00000401`: numbers that depend on what else the browser
/// did before, so two prints of one page may differ. They are renumbered 1, 2, 3… in their
/// order: the name tree that lists them stays sorted, and every reference follows.
fn stable_node_ids(doc: &mut Document) {
    fn is_node_id(bytes: &[u8]) -> bool {
        bytes.len() > 4 && bytes.starts_with(b"node") && bytes[4..].iter().all(u8::is_ascii_digit)
    }
    fn visit(object: &mut Object, f: &mut dyn FnMut(&mut Vec<u8>)) {
        match object {
            Object::String(bytes, _) if is_node_id(bytes) => f(bytes),
            Object::Array(items) => items.iter_mut().for_each(|o| visit(o, f)),
            Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, o)| visit(o, f)),
            Object::Stream(stream) => stream.dict.iter_mut().for_each(|(_, o)| visit(o, f)),
            _ => {}
        }
    }
    let mut ids: Vec<Vec<u8>> = Vec::new();
    for object in doc.objects.values_mut() {
        visit(object, &mut |bytes| ids.push(bytes.clone()));
    }
    // Same-length digit strings: byte order is numeric order.
    ids.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
    ids.dedup();
    let width = ids.len().to_string().len().max(8);
    let renamed: BTreeMap<Vec<u8>, Vec<u8>> = ids
        .into_iter()
        .enumerate()
        .map(|(i, old)| (old, format!("node{:0width$}", i + 1).into_bytes()))
        .collect();
    for object in doc.objects.values_mut() {
        visit(object, &mut |bytes| {
            if let Some(new) = renamed.get(bytes.as_slice()) {
                bytes.clone_from(new);
            }
        });
    }
}

/// A title without its white space, to compare titles however lines were broken.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

/// A PDF text string: ASCII as it is, anything else in UTF-16BE with its byte order mark.
fn text(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xfe, 0xff];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// The fingerprint a PDF written by nenpo holds, found without reading the whole document (a
/// build looks at the previous PDF this way, in about a millisecond).
pub fn fingerprint_of(pdf: &[u8]) -> Option<String> {
    let key = format!("/{FINGERPRINT_KEY}");
    // lopdf writes objects in number order, and the Info dictionary is among the first.
    let at = pdf.windows(key.len()).position(|w| w == key.as_bytes())?;
    let rest = &pdf[at + key.len()..];
    let start = rest.iter().position(|&b| b == b'(')? + 1;
    let len = rest[start..].iter().position(|&b| b == b')')?;
    let value = std::str::from_utf8(&rest[start..start + len]).ok()?;
    value
        .bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_are_ascii_or_utf16() {
        assert_eq!(
            text("AMED"),
            Object::String(b"AMED".to_vec(), StringFormat::Literal)
        );
        assert_eq!(
            text("年報"),
            Object::String(
                vec![0xfe, 0xff, 0x5e, 0x74, 0x58, 0x31],
                StringFormat::Hexadecimal
            )
        );
    }

    #[test]
    fn the_fingerprint_is_found_in_the_bytes() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<</Title (x) /NenpoFingerprint (00ff)>>\nendobj\n";
        assert_eq!(fingerprint_of(pdf).as_deref(), Some("00ff"));
        assert_eq!(fingerprint_of(b"%PDF-1.4\n<</Title (x)>>"), None);
        assert_eq!(fingerprint_of(b"/NenpoFingerprint (not hex)"), None);
    }
}
