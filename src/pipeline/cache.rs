//! The build cache: a build whose inputs equal the last successful build's, into an output that
//! is still exactly as that build left it, has nothing to do, and says so.
//!
//! The key is the SHA-256 of everything a build reads: the bytes of every file of `site.yaml`,
//! `holidays.yaml`, `content/`, `static/`, `themes/`, `templates/` and `ledger/` (with their
//! names), the binary (its version, size and time: a new build of the program is a new key),
//! the options (`--drafts`, `--base-url`) and the day the build treats as today in the site's
//! time zone (with `--now`, the exact instant it names, since feeds carry it). The output is
//! intact when every file in it has the name, size and modification time it had when that build
//! finished. One record a site and output folder, in `.gongkai/cache/build/` at the site root;
//! deleting it is always safe, the next build is then a full one.

use crate::dates::Today;
use crate::diag::{Diagnostic, Severity};
use crate::pipeline::build::Options;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// Where the records live, below the site root.
pub const DIR: &str = ".gongkai/cache/build";

/// Folders and files below the site root that a build reads.
const INPUT_DIRS: [&str; 5] = ["content", "static", "themes", "templates", "ledger"];
const INPUT_FILES: [&str; 2] = ["site.yaml", "holidays.yaml"];

/// Bumped when what a record holds, or what the key covers, changes.
const FORMAT: u32 = 1;

/// What the last successful build into an output left, as stored.
#[derive(Serialize, Deserialize)]
struct Record {
    format: u32,
    /// The key of its inputs.
    input: String,
    /// The digest of the output's file names, sizes and times when it finished.
    output: String,
    records: usize,
    files: usize,
    /// Its warnings, shown again by a build that finds nothing to do.
    warnings: Vec<Warning>,
}

#[derive(Serialize, Deserialize)]
struct Warning {
    code: String,
    message: String,
    help: String,
    file: String,
    line: u32,
    column: u32,
    source_line: Option<String>,
}

/// What a build that has nothing to do reports: the last build's figures and warnings.
pub struct Unchanged {
    pub records: usize,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
}

/// The key of a build's inputs, or none when it cannot be made (no readable `site.yaml`, a bad
/// `--now`, an unknown binary): such a build is never skipped.
pub fn input_key(opts: &Options, output: &Path) -> Option<String> {
    let site_yaml = std::fs::read_to_string(opts.root.join("site.yaml")).ok()?;
    let config = crate::pipeline::config::load_site(
        &crate::diag::SourceFile::new("site.yaml", site_yaml.as_str()),
        opts.base_url.as_deref(),
    )
    .ok()?;
    let mut h = Sha256::new();
    let field = |h: &mut Sha256, bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(&mut h, format!("gongkai build cache {FORMAT}").as_bytes());
    field(&mut h, env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe().ok()?;
    let exe_meta = std::fs::metadata(exe).ok()?;
    field(&mut h, &exe_meta.len().to_le_bytes());
    field(&mut h, &nanos(exe_meta.modified().ok()?).to_le_bytes());
    field(&mut h, &[u8::from(opts.drafts)]);
    field(&mut h, opts.base_url.as_deref().unwrap_or("").as_bytes());
    field(&mut h, output.as_os_str().as_encoded_bytes());
    match &opts.now {
        Some(now) => {
            let today = Today::parse(now, &config.tz)?;
            field(&mut h, today.day.to_string().as_bytes());
            field(&mut h, today.instant.to_string().as_bytes());
        }
        None => field(
            &mut h,
            Today::from_clock(&config.tz).day.to_string().as_bytes(),
        ),
    }
    for (rel, digest) in input_files(&opts.root) {
        field(&mut h, rel.as_bytes());
        field(&mut h, &digest);
    }
    Some(crate::digest::hex(&h.finalize()))
}

/// Every input file's name below the root and the SHA-256 of its bytes (empty for a folder,
/// a marker for a file that cannot be read), in name order; read in parallel.
fn input_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<(String, Option<PathBuf>)> = Vec::new();
    for name in INPUT_FILES {
        let path = root.join(name);
        if path.is_file() {
            found.push((name.to_string(), Some(path)));
        }
    }
    for dir in INPUT_DIRS {
        // Links are followed, as the build's own walk may: a linked file's change must count.
        for entry in walkdir::WalkDir::new(root.join(dir))
            .follow_links(true)
            .sort_by_file_name()
        {
            let Ok(entry) = entry else {
                found.push((format!("{dir}/?unreadable"), None));
                continue;
            };
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            if entry.file_type().is_dir() {
                found.push((format!("{rel}/"), None));
            } else {
                found.push((rel, Some(entry.into_path())));
            }
        }
    }
    found
        .into_par_iter()
        .map(|(rel, path)| {
            let digest = match path {
                None => Vec::new(),
                Some(p) => match std::fs::read(&p) {
                    Ok(bytes) => Sha256::digest(&bytes).to_vec(),
                    Err(_) => b"unreadable".to_vec(),
                },
            };
            (rel, digest)
        })
        .collect()
}

/// The record of the last successful build into `output`.
fn record_path(root: &Path, output: &Path) -> PathBuf {
    let name = crate::digest::sha256_hex(output.as_os_str().as_encoded_bytes());
    root.join(DIR).join(format!("{}.json", &name[..16]))
}

/// What the last build into `output` reported, when its inputs had this key and the output is
/// still as it left it.
pub fn unchanged(root: &Path, output: &Path, key: &str) -> Option<Unchanged> {
    let text = std::fs::read(record_path(root, output)).ok()?;
    let record: Record = serde_json::from_slice(&text).ok()?;
    if record.format != FORMAT || record.input != key || output_digest(output)? != record.output {
        return None;
    }
    let mut warnings = Vec::with_capacity(record.warnings.len());
    for w in record.warnings {
        // A code this binary does not know cannot be shown as it was: build afresh.
        let code = crate::diag::explain::find(&w.code)?.code;
        warnings.push(Diagnostic {
            severity: Severity::Warning,
            code,
            message: w.message,
            help: w.help,
            file: w.file,
            line: w.line,
            column: w.column,
            source_line: w.source_line,
        });
    }
    Some(Unchanged {
        records: record.records,
        files: record.files,
        warnings,
    })
}

/// Notes a successful build: its key, the output as it is now, its figures and warnings.
/// Nothing is noted when a diagnostic is an error (there are none after a success) or the
/// record cannot be written; the next build is then a full one.
pub fn store(
    root: &Path,
    output: &Path,
    key: &str,
    records: usize,
    files: usize,
    diags: &[Diagnostic],
) {
    let path = record_path(root, output);
    // An old record must not outlive the build that replaced its output.
    let _ = std::fs::remove_file(&path);
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return;
    }
    let Some(output_digest) = output_digest(output) else {
        return;
    };
    let record = Record {
        format: FORMAT,
        input: key.to_string(),
        output: output_digest,
        records,
        files,
        warnings: diags
            .iter()
            .map(|d| Warning {
                code: d.code.to_string(),
                message: d.message.clone(),
                help: d.help.clone(),
                file: d.file.clone(),
                line: d.line,
                column: d.column,
                source_line: d.source_line.clone(),
            })
            .collect(),
    };
    let Ok(json) = serde_json::to_vec(&record) else {
        return;
    };
    let Some(dir) = path.parent() else {
        return;
    };
    let tmp = dir.join(format!(".tmp-{}", std::process::id()));
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&tmp, json))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The SHA-256 of every entry's name, kind, size and modification time below `output`, in name
/// order; none when it cannot be read whole.
fn output_digest(output: &Path) -> Option<String> {
    let mut h = Sha256::new();
    for entry in walkdir::WalkDir::new(output).sort_by_file_name() {
        let entry = entry.ok()?;
        let meta = entry.metadata().ok()?;
        let rel = entry.path().strip_prefix(output).ok()?;
        let name = rel.as_os_str().as_encoded_bytes();
        h.update((name.len() as u64).to_le_bytes());
        h.update(name);
        let kind: u8 = if meta.is_dir() {
            1
        } else if meta.is_file() {
            2
        } else {
            3
        };
        h.update([kind]);
        if kind != 1 {
            h.update(meta.len().to_le_bytes());
            h.update(nanos(meta.modified().ok()?).to_le_bytes());
        }
    }
    Some(crate::digest::hex(&h.finalize()))
}

fn nanos(t: std::time::SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}
