//! What a build produces, as the render stage hands it to `emit`: each output file's content by
//! its path, and the sink that takes a file as soon as it is made.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// What goes into one output file.
#[derive(Debug, Clone)]
pub enum Data {
    Bytes(Vec<u8>),
    Copy(PathBuf),
}

/// Output path below the output directory (`notices/a/index.html`) → content.
pub type Files = BTreeMap<String, Data>;

/// Receives each page as soon as it is rendered (and each generated file: feeds, exports, search
/// index), so that a build never holds all of them at once.
pub trait PageSink: Sync {
    fn page(&self, path: String, html: Vec<u8>);
}
