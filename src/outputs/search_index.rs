//! The search indexes built by the index stage (`crate::search`): every file under
//! `search/<lang>/`. The pages' fragments are streamed: [`add`] holds only their paths, and
//! [`stream`] makes and writes them from the model.

use crate::search::{self, Index};
use crate::site::Site;
use crate::write::{Contents, Output, Stream};

pub fn add(output: &mut Output, index: Index) {
    for (path, bytes) in index.files {
        output.set(path, Contents::Bytes(bytes), "search index");
    }
    for path in index.fragments {
        output.set(path, Contents::Streamed, "search index");
    }
}

/// Makes every page's search fragment and writes it to `to` as soon as it is ready.
pub fn stream(site: &Site, output: &Output, to: &Stream) {
    search::write_fragments(site, |path, bytes| {
        if output.streams(path) {
            to.file(path, bytes);
        }
    });
}
