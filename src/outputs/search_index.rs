//! The search indexes built by the index stage (`crate::search`): every file under
//! `search/<lang>/`.

use crate::search::Files;
use crate::write::{Contents, Output};

pub fn add(output: &mut Output, indexes: Files) {
    for (path, bytes) in indexes {
        output.set(path, Contents::Bytes(bytes), "search index");
    }
}
