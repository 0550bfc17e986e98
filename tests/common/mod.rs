//! Helpers shared by the integration tests: temporary sites, running the real binary with a time
//! bound, reading `check --format json`, snapshots of output directories and a small HTML scanner.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The "today" most fixtures are designed around (a Saturday).
pub const NOW: &str = "2026-11-21";

/// Generous: the build directory and the CPU are shared with other work.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gongkai")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A directory under target/tmp that lives for the whole test process (shared builds behind a
/// `OnceLock`, which never drop). Ones older than an hour, left by earlier runs, are removed.
pub fn kept_dir(prefix: &str) -> PathBuf {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    if let Ok(entries) = std::fs::read_dir(base) {
        for e in entries.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(3600));
            if old && e.file_name().to_string_lossy().starts_with(prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(base)
        .expect("tmp")
        .keep()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One finished (or killed) run of the binary.
#[derive(Debug)]
pub struct Run {
    /// None when killed by a signal or by the time bound.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
    pub elapsed: Duration,
}

impl Run {
    pub fn panicked(&self) -> bool {
        self.code == Some(101) || self.stderr.contains("panicked")
    }

    /// A one-line summary for assertion messages (stderr clipped: it may echo a 10 MB line).
    pub fn describe(&self) -> String {
        let clip = |s: &str| -> String {
            let c: String = s.chars().take(3000).collect();
            if c.len() < s.len() {
                format!("{c}…")
            } else {
                c
            }
        };
        format!(
            "exit {:?}{} after {:.1}s\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            if self.timed_out { " (TIMED OUT)" } else { "" },
            self.elapsed.as_secs_f64(),
            clip(&self.stdout),
            clip(&self.stderr)
        )
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "unexpected exit status: {}",
            self.describe()
        );
        self
    }
}

/// Runs the binary with `args`, killing it after `timeout`.
pub fn run_with_timeout<I, S>(args: I, timeout: Duration) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let started = Instant::now();
    let mut child = Command::new(bin())
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gongkai");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let mut timed_out = false;
    let status = loop {
        match child.try_wait().expect("wait") {
            Some(status) => break status,
            None if started.elapsed() > timeout => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().expect("wait after kill");
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Run {
        code: if timed_out { None } else { status.code() },
        stdout,
        stderr,
        timed_out,
        elapsed: started.elapsed(),
    }
}

pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_with_timeout(args, DEFAULT_TIMEOUT)
}

/// One entry of `check --format json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Diag {
    pub severity: String,
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub help: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl Diag {
    pub fn is_error(&self) -> bool {
        self.severity == "error"
    }

    pub fn short(&self) -> String {
        format!(
            "{}[{}] {}:{}:{} {} / {}",
            self.severity, self.code, self.file, self.line, self.column, self.message, self.help
        )
    }
}

pub fn parse_diags(stdout: &str) -> Vec<Diag> {
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("check --format json printed no JSON array ({e}):\n{stdout}"))
}

pub fn list(diags: &[Diag]) -> String {
    diags.iter().map(Diag::short).collect::<Vec<_>>().join("\n")
}

/// True when the text has at least one Han character.
pub fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A site in a temporary directory: the site itself is `TMP/site`, so outputs can sit beside it.
pub struct TempSite {
    pub dir: tempfile::TempDir,
}

impl TempSite {
    pub fn empty() -> TempSite {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("site")).expect("mkdir site");
        TempSite { dir }
    }

    /// A copy of `tests/fixtures/NAME`.
    pub fn from_fixture(name: &str) -> TempSite {
        let site = TempSite::empty();
        copy_dir(&fixture(name), &site.root());
        site
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// A path beside the site (not inside it), for output directories.
    pub fn outside(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> &TempSite {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &TempSite {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn remove(&self, rel: &str) -> &TempSite {
        let p = self.path(rel);
        if p.is_dir() {
            std::fs::remove_dir_all(&p).expect("rm -r");
        } else {
            std::fs::remove_file(&p).unwrap_or_else(|e| panic!("rm {rel}: {e}"));
        }
        self
    }

    /// Rewrites a file; panics when the edit changes nothing (a test must not pass on a stale edit).
    pub fn edit(&self, rel: &str, f: impl FnOnce(&str) -> String) -> &TempSite {
        let old = self.read(rel);
        let new = f(&old);
        assert_ne!(old, new, "edit of {rel} changed nothing");
        self.write(rel, &new)
    }

    /// `gongkai --root SITE check --now NOW --format json`.
    pub fn check(&self) -> (Run, Vec<Diag>) {
        self.check_at(NOW)
    }

    pub fn check_at(&self, now: &str) -> (Run, Vec<Diag>) {
        let root = self.root();
        let run = run([
            OsStr::new("--root"),
            root.as_os_str(),
            OsStr::new("check"),
            OsStr::new("--now"),
            OsStr::new(now),
            OsStr::new("--format"),
            OsStr::new("json"),
        ]);
        assert!(
            !run.panicked() && !run.timed_out,
            "check failed badly: {}",
            run.describe()
        );
        let diags = parse_diags(&run.stdout);
        (run, diags)
    }

    /// `gongkai --root SITE build --output OUT --now NOW EXTRA…`.
    pub fn build_into(&self, out: &Path, extra: &[&str]) -> Run {
        let root = self.root();
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("--root"),
            root.as_os_str(),
            OsStr::new("build"),
            OsStr::new("--output"),
            out.as_os_str(),
        ];
        if !extra.contains(&"--now") {
            args.extend([OsStr::new("--now"), OsStr::new(NOW)]);
        }
        args.extend(extra.iter().map(OsStr::new));
        run(args)
    }

    /// Builds into `TMP/NAME`, asserting success; returns the output directory.
    #[track_caller]
    pub fn build_ok(&self, name: &str, extra: &[&str]) -> PathBuf {
        let out = self.outside(name);
        let run = self.build_into(&out, extra);
        run.assert_code(0);
        assert!(
            run.stdout.contains("已生成 "),
            "no summary line: {}",
            run.describe()
        );
        out
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("below");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// Every file (path → bytes) and directory (path + `/` → empty) below `dir`, for byte-identical
/// comparisons.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk output");
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("below")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if entry.file_type().is_dir() {
            out.insert(format!("{rel}/"), Vec::new());
        } else {
            out.insert(rel, std::fs::read(entry.path()).expect("read output file"));
        }
    }
    out
}

/// Names the first differences between two snapshots (empty when equal).
pub fn snapshot_diff(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut diffs = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => diffs.push(format!("only in first: {k}")),
            Some(w) if w != v => diffs.push(format!("differs: {k}")),
            _ => {}
        }
    }
    for k in b.keys() {
        if !a.contains_key(k) {
            diffs.push(format!("only in second: {k}"));
        }
    }
    diffs.truncate(20);
    diffs
}

/// All files below `dir` whose name ends with `ext`, as (path relative to dir, text).
pub fn text_files(dir: &Path, ext: &str) -> Vec<(String, String)> {
    snapshot(dir)
        .into_iter()
        .filter(|(k, _)| k.ends_with(ext))
        .map(|(k, v)| (k, String::from_utf8(v).expect("utf-8 output")))
        .collect()
}

pub fn read_out(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("output file {rel}: {e}"))
}

pub fn read_json(out: &Path, rel: &str) -> serde_json::Value {
    serde_json::from_str(&read_out(out, rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

// ---------------------------------------------------------------------------------------------
// A small HTML scanner: enough to find real tags and their attributes (not text that merely looks
// like markup once escaped).

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    /// Attribute names lower-cased, values with entities decoded.
    pub attrs: Vec<(String, String)>,
    /// For `<script>` and `<style>`: the raw text up to the closing tag.
    pub raw_text: Option<String>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every start tag of a document, in order.
pub fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        i = start + 1;
        if html[start..].starts_with("<!--") {
            i = html[start..]
                .find("-->")
                .map_or(html.len(), |e| start + e + 3);
            continue;
        }
        if !bytes.get(start + 1).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        // Tag name.
        let mut j = start + 1;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-' || bytes[j] == b':')
        {
            j += 1;
        }
        let name = html[start + 1..j].to_ascii_lowercase();
        // Attributes.
        let mut attrs = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                j += 1;
                break;
            }
            let k = j;
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !b"=>/".contains(&bytes[j])
            {
                j += 1;
            }
            let attr = html[k..j].to_ascii_lowercase();
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = String::new();
            if j < bytes.len() && bytes[j] == b'=' {
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                    let q = bytes[j];
                    let v0 = j + 1;
                    let v1 = html[v0..]
                        .find(char::from(q))
                        .map_or(html.len(), |e| v0 + e);
                    value = decode_entities(&html[v0..v1]);
                    j = (v1 + 1).min(html.len());
                } else {
                    let v0 = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = decode_entities(&html[v0..j]);
                }
            }
            if attr.is_empty() {
                j += 1;
                continue;
            }
            attrs.push((attr, value));
        }
        let j = j.min(html.len());
        let mut raw_text = None;
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            let end = html[j..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(html.len(), |e| j + e);
            raw_text = Some(html[j..end].to_string());
            i = end;
        } else {
            i = j;
        }
        out.push(Tag {
            name,
            attrs,
            raw_text,
        });
    }
    out
}

/// Every `href` and `src` value of a document (entities decoded).
pub fn links(html: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .flat_map(|t| {
            t.attrs
                .into_iter()
                .filter(|(k, _)| k == "href" || k == "src")
                .map(|(_, v)| v)
        })
        .collect()
}

/// Links that stay on the site: not another scheme, not a fragment.
pub fn is_internal(url: &str) -> bool {
    let u = url.trim();
    if u.is_empty() || u.starts_with('#') || u.starts_with("//") {
        return false;
    }
    let scheme_end = u.find(':');
    let path_start = u.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(c), Some(p)) => c > p,
        (Some(_), None) => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_reads_real_tags_only() {
        let html = r#"<p>&lt;script&gt;x</p><a href="&#x2F;sq&#x2F;a">a</a><img src=/b onerror="y"><script>var a="<b>";</script><i>"#;
        let t = tags(html);
        let names: Vec<_> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["p", "a", "img", "script", "i"]);
        assert_eq!(t[1].attr("href"), Some("/sq/a"));
        assert_eq!(t[2].attr("onerror"), Some("y"));
        assert_eq!(t[3].raw_text.as_deref(), Some("var a=\"<b>\";"));
        assert!(
            is_internal("/a")
                && is_internal("a/b:c")
                && !is_internal("https://x")
                && !is_internal("mailto:a")
                && !is_internal("#x")
        );
    }
}
