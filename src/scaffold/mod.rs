//! `gongkai new` and `gongkai init`: files a person then edits, which build as they are written.
//!
//! `new` lists every field of a record's kind: required ones filled with a placeholder that passes
//! `gongkai check`, optional ones commented out (the build refuses unknown or empty keys, so a
//! comment is the only way to show a field without setting it). `init` copies the example site in
//! `src/scaffold/init/`, with its dates moved relative to today.
//!
//! Neither prints: each returns what it made or why it could not, and the command layer says so.

mod init;
mod new;

pub use init::{InitError, NewSite, init};
pub use new::{Created, NewError, NewWarning, RecordKind, new_record};
pub(crate) use new::{dated_stem, next_problem_id, short_slug};

use std::fs;
use std::io::{self, Write as _};
use std::path::Path;

const DEFAULT_TZ: &str = "Asia/Shanghai";

/// Creates the file only if it does not exist yet: refusing to overwrite cannot race.
fn write_new(path: &Path, text: &str) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}
