//! Writes a build into a fresh directory beside the output and swaps it in only when all of it
//! was written: a failed build leaves the previous output exactly as it was.
//!
//! A file whose bytes equal the previous output's file of that name is not written again: the
//! previous file is hard-linked into the new directory (copied with its modification time where
//! the file system has no hard links), so it keeps its time, and a sync to a CDN that compares
//! times and sizes uploads only what changed. The previous output is only read, never changed.

use crate::pipeline::output::{Data, Files, PageSink};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The file every output directory gets, so that a later build knows the folder is its own to
/// replace. A folder without it is never replaced, whatever it holds.
pub const MARKER: &str = ".gongkai-output";
const MARKER_TEXT: &str =
    "这个目录由 gongkai 生成，每次生成都会整体替换；不要在这里存放别的文件。\n";

/// Why the output directory cannot be written, in Chinese.
#[derive(Debug)]
pub struct EmitError(pub String);

/// Refuses output directories whose replacement would destroy the site itself.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), EmitError> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let out = absolute(output);
    if root.starts_with(&out) {
        return Err(EmitError(format!(
            "输出目录 {} 包含网站本身，不能用作输出目录",
            output.display()
        )));
    }
    for protected in ["content", "static", "templates", "themes"] {
        if out.starts_with(root.join(protected)) {
            return Err(EmitError(format!("输出目录不能放在网站的 {protected}/ 里")));
        }
    }
    if out.join("site.yaml").exists() {
        return Err(EmitError(format!(
            "{} 里有 site.yaml，看起来是一个网站目录，不能覆盖",
            output.display()
        )));
    }
    if !replaceable(&out) {
        return Err(EmitError(format!(
            "{} 里已有文件，但不是 gongkai 生成的（没有标记文件 {MARKER}），为防误删不会覆盖；换一个空目录作输出目录，或确认里面的文件都不要了再删掉这个目录",
            output.display()
        )));
    }
    Ok(())
}

/// The whole directory is replaced, so it must be missing, empty, or made by gongkai (it has
/// the marker): never a folder of documents, nor another generator's output, given by mistake.
fn replaceable(out: &Path) -> bool {
    match std::fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_none() || out.join(MARKER).is_file(),
        Err(_) => !out.exists(),
    }
}

/// Removes the staging and old folders that builds killed before they finished left beside the
/// output (`.NAME.gongkai-new-PID`, `.NAME.gongkai-old-PID`), unless their process still runs.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = [".gongkai-new-", ".gongkai-old-"].iter().find_map(|infix| {
            file_name
                .strip_prefix(&format!(".{name}{infix}"))
                .and_then(|pid| pid.parse::<u32>().ok())
        }) else {
            continue;
        };
        if pid != std::process::id() && !process_runs(pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether a process runs; where the system cannot tell (no `/proc`), it is assumed to.
fn process_runs(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// The output's path as one name whether or not the folder exists yet: its parent resolved
/// (links and `..` followed) and its own name, so that a build cache record made before the
/// folder existed is found by the next build.
pub fn stable_path(output: &Path) -> PathBuf {
    let out = absolute(output);
    match (out.parent().map(Path::canonicalize), out.file_name()) {
        (Some(Ok(parent)), Some(name)) => parent.join(name),
        _ => out,
    }
}

fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let base = if p.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut out = base;
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Every output path must stay below the output directory.
fn safe_rel(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

pub fn write_site(files: &Files, output: &Path) -> Result<(), EmitError> {
    Staging::new(output)?.finish(files).map(|_| ())
}

/// A fresh directory beside the output that a build writes into while it renders; `finish`
/// swaps it in, and one dropped unfinished is removed, leaving the output as it was.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    pages: AtomicUsize,
    /// How many files were the previous output's, kept as they were.
    kept: AtomicUsize,
    /// The first page that could not be written; `finish` reports it.
    error: Mutex<Option<EmitError>>,
    finished: bool,
}

impl Staging {
    pub fn new(output: &Path) -> Result<Staging, EmitError> {
        let output = absolute(output);
        let parent = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        std::fs::create_dir_all(&parent).map_err(|e| {
            EmitError(format!(
                "无法创建 {}：{}",
                parent.display(),
                crate::diag::io_zh(&e)
            ))
        })?;
        remove_leftovers(&parent, &name);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.gongkai-new-{pid}"));
        let _ = std::fs::remove_dir_all(&dir);
        let failed = |e: std::io::Error| {
            EmitError(format!(
                "写入 {} 失败：{}",
                dir.display(),
                crate::diag::io_zh(&e)
            ))
        };
        std::fs::create_dir_all(&dir).map_err(failed)?;
        let old = parent.join(format!(".{name}.gongkai-old-{pid}"));
        let staging = Staging {
            output,
            dir,
            old,
            // The marker is a file of the output like any other.
            pages: AtomicUsize::new(1),
            kept: AtomicUsize::new(0),
            error: Mutex::new(None),
            finished: false,
        };
        staging.write(MARKER, &Data::Bytes(MARKER_TEXT.as_bytes().to_vec()))?;
        Ok(staging)
    }

    fn write(&self, rel: &str, data: &Data) -> Result<(), EmitError> {
        if !safe_rel(rel) {
            return Err(EmitError(format!("输出路径不安全：{rel}")));
        }
        let io = |p: &Path, e: std::io::Error| {
            EmitError(format!(
                "写入 {} 失败：{}",
                p.display(),
                crate::diag::io_zh(&e)
            ))
        };
        let target = self.dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let previous = self.output.join(rel);
        let same = match data {
            Data::Bytes(b) => same_bytes(&previous, b),
            Data::Copy(src) => same_file_bytes(&previous, src),
        };
        if same && keep(&previous, &target).is_ok() {
            self.kept.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        // A name written twice must not write through a link into the previous output.
        remove_if_present(&target).map_err(|e| io(&target, e))?;
        match data {
            Data::Bytes(b) => std::fs::write(&target, b).map_err(|e| io(&target, e)),
            Data::Copy(src) => std::fs::copy(src, &target)
                .map(|_| ())
                .map_err(|e| io(src, e)),
        }
    }

    /// Writes the remaining files and swaps the directory in; says how many files came before
    /// them (the pages that came through `PageSink`, and the marker) and how many of all were
    /// kept from the previous output.
    pub fn finish(mut self, files: &Files) -> Result<Written, EmitError> {
        if let Some(e) = self.error.lock().ok().and_then(|mut e| e.take()) {
            return Err(e);
        }
        files
            .par_iter()
            .try_for_each(|(rel, data)| self.write(rel, data))?;
        swap(&self.dir, &self.output, &self.old)?;
        self.finished = true;
        Ok(Written {
            pages: self.pages.load(Ordering::Relaxed),
            kept: self.kept.load(Ordering::Relaxed),
        })
    }
}

/// What `Staging::finish` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// The files that came through `PageSink`, and the marker.
    pub pages: usize,
    /// The files of the whole output whose bytes were the previous output's, kept as they were.
    pub kept: usize,
}

/// Whether `path` is a file holding exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    meta.is_file()
        && meta.len() == bytes.len() as u64
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// Whether `path` is a file with the same bytes as the file `src`.
fn same_file_bytes(path: &Path, src: &Path) -> bool {
    let (Ok(old), Ok(new)) = (std::fs::symlink_metadata(path), std::fs::metadata(src)) else {
        return false;
    };
    if !old.is_file() || old.len() != new.len() {
        return false;
    }
    match (std::fs::read(path), std::fs::read(src)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Puts the previous output's file at `target` unchanged: a hard link, or where there can be
/// none, a copy given the previous file's modification time.
fn keep(previous: &Path, target: &Path) -> std::io::Result<()> {
    keep_with(previous, target, |from, to| std::fs::hard_link(from, to))
}

/// `keep`, linking with `link` (a test makes it fail, as across file systems or on FAT).
fn keep_with(
    previous: &Path,
    target: &Path,
    link: impl Fn(&Path, &Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    remove_if_present(target)?;
    if link(previous, target).is_ok() {
        return Ok(());
    }
    let modified = std::fs::metadata(previous)?.modified()?;
    std::fs::copy(previous, target)?;
    std::fs::File::options()
        .write(true)
        .open(target)?
        .set_modified(modified)
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

impl PageSink for Staging {
    fn page(&self, path: String, html: Vec<u8>) {
        match self.write(&path, &Data::Bytes(html)) {
            Ok(()) => {
                self.pages.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                if let Ok(mut first) = self.error.lock() {
                    first.get_or_insert(e);
                }
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn swap(staging: &Path, output: &Path, old: &Path) -> Result<(), EmitError> {
    let _ = std::fs::remove_dir_all(old);
    let had_output = output.exists();
    if had_output {
        std::fs::rename(output, old).map_err(|e| {
            EmitError(format!(
                "无法替换 {}：{}",
                output.display(),
                crate::diag::io_zh(&e)
            ))
        })?;
    }
    if let Err(e) = std::fs::rename(staging, output) {
        if had_output {
            let _ = std::fs::rename(old, output);
        }
        return Err(EmitError(format!(
            "无法替换 {}：{}",
            output.display(),
            crate::diag::io_zh(&e)
        )));
    }
    if had_output {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_file_is_copied_with_its_time_where_it_cannot_be_linked() {
        let dir = tempfile::tempdir().expect("tmp");
        let previous = dir.path().join("previous.html");
        let target = dir.path().join("staging.html");
        std::fs::write(&previous, "同样的字节").expect("write");
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        std::fs::File::options()
            .write(true)
            .open(&previous)
            .and_then(|f| f.set_modified(old))
            .expect("set the time");
        std::fs::write(&target, "stale").expect("write");
        let no_links = |_: &Path, _: &Path| Err(std::io::Error::other("no hard links here"));
        keep_with(&previous, &target, no_links).expect("kept by a copy");
        assert_eq!(
            std::fs::read_to_string(&target).expect("read"),
            "同样的字节"
        );
        let meta = std::fs::metadata(&target).expect("meta");
        assert_eq!(
            meta.modified().expect("time"),
            old,
            "the copy keeps the old time"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let before = std::fs::metadata(&previous).expect("meta");
            assert_ne!(meta.ino(), before.ino(), "a copy, not a link");
        }
        // With links, the same file.
        keep(&previous, &target).expect("kept by a link");
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let linked = std::fs::metadata(&target).expect("meta");
            let before = std::fs::metadata(&previous).expect("meta");
            assert_eq!(linked.ino(), before.ino(), "a hard link");
        }
    }

    #[test]
    fn refuses_paths_that_climb_out() {
        assert!(safe_rel("a/b.html"));
        assert!(!safe_rel("../x"));
        assert!(!safe_rel("a/../../x"));
        assert!(!safe_rel("/etc/x"));
    }

    #[test]
    fn swaps_in_and_replaces_old_output() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("output");
        std::fs::create_dir_all(&out).expect("mkdir");
        std::fs::write(out.join("stale.html"), "old").expect("write");
        let mut files = Files::new();
        files.insert("a/index.html".into(), Data::Bytes(b"new".to_vec()));
        write_site(&files, &out).expect("written");
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).expect("read"),
            "new"
        );
        assert!(!out.join("stale.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn output_may_not_hold_the_site() {
        let dir = tempfile::tempdir().expect("tmp");
        assert!(check_output_dir(dir.path(), dir.path()).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("content/x")).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("output")).is_ok());
        let documents = dir.path().join("documents");
        std::fs::create_dir_all(&documents).expect("mkdir");
        std::fs::write(documents.join("letter.doc"), "x").expect("write");
        assert!(check_output_dir(dir.path(), &documents).is_err());
        // Another generator's site, or a copy of one, is not ours to replace either.
        std::fs::write(documents.join("index.html"), "x").expect("write");
        assert!(check_output_dir(dir.path(), &documents).is_err());
        std::fs::write(documents.join(MARKER), MARKER_TEXT).expect("write");
        assert!(check_output_dir(dir.path(), &documents).is_ok());
        let empty = dir.path().join("empty");
        std::fs::create_dir_all(&empty).expect("mkdir");
        assert!(check_output_dir(dir.path(), &empty).is_ok());
    }

    #[test]
    fn output_carries_the_marker_and_a_killed_builds_leftovers_go() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("site-out");
        // What a build killed mid-way leaves: its staging folder, named with a PID that is gone.
        let dead = dir.path().join(".site-out.gongkai-new-4000000000");
        std::fs::create_dir_all(dead.join("notices")).expect("mkdir");
        let unrelated = dir.path().join(".site-out.keep");
        std::fs::create_dir_all(&unrelated).expect("mkdir");
        write_site(&Files::new(), &out).expect("written");
        assert!(out.join(MARKER).is_file());
        assert!(!dead.exists(), "leftover staging folder kept");
        assert!(unrelated.exists(), "a folder that is not ours removed");
    }
}
