//! Walks `content/` and `static/`: every Markdown file split into front matter and body, every
//! other file noted as an asset. Nothing is interpreted here beyond what the layout itself says.

use crate::diag::{Diagnostic, Pos, SourceFile, to_u32};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;
use walkdir::WalkDir;

/// The four record folders; everything else is a plain page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    Meetings,
    Notices,
    Problems,
    Services,
    Pages,
}

impl Section {
    pub fn from_dir(name: &str) -> Section {
        match name {
            "meetings" => Section::Meetings,
            "notices" => Section::Notices,
            "problems" => Section::Problems,
            "services" => Section::Services,
            _ => Section::Pages,
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Section::Meetings => "meetings",
            Section::Notices => "notices",
            Section::Problems => "problems",
            Section::Services => "services",
            Section::Pages => "",
        }
    }
}

/// One Markdown file of `content/`.
#[derive(Debug, Clone)]
pub struct ContentFile {
    pub source: SourceFile,
    /// Path below `content/`, `/`-separated, e.g. `notices/x/index.md`.
    pub rel: String,
    pub section: Section,
    /// `NAME/index.md`: the folder holds the record's attachments.
    pub bundle: bool,
    /// `_index.md`: a section's or the home page's own text.
    pub is_index: bool,
    /// File stem, or a bundle's folder name.
    pub stem: String,
    /// The folder the file is in, below `content/` (`""` at the top).
    pub dir: String,
    pub front_matter: Option<FrontMatter>,
    /// Byte offset of the body within the file text.
    pub body_offset: usize,
}

impl ContentFile {
    /// The Markdown after the front matter: a view of the file's text, not a copy, since every
    /// record of a large site holds its file.
    pub fn body(&self) -> &str {
        self.source.text.get(self.body_offset..).unwrap_or("")
    }
}

#[derive(Debug, Clone)]
pub struct FrontMatter {
    pub text: Span,
    /// False when the opening `---` has no closing one.
    pub closed: bool,
}

/// A part of a file's text that shares the file's buffer rather than copying it: every record of
/// a large site holds its file, and its front matter was a fifth of the file again.
#[derive(Clone)]
pub struct Span {
    all: Arc<str>,
    range: Range<usize>,
}

impl Span {
    fn new(all: Arc<str>, range: Range<usize>) -> Span {
        Span { all, range }
    }

    pub fn as_str(&self) -> &str {
        self.all.get(self.range.clone()).unwrap_or_default()
    }
}

impl std::ops::Deref for Span {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<ContentFile>,
    /// Every non-Markdown file below `content/`, `/`-separated.
    pub content_assets: BTreeSet<String>,
    /// Every file below `static/`, `/`-separated.
    pub static_files: BTreeSet<String>,
    pub diags: Vec<Diagnostic>,
}

/// Markdown files larger than this are refused rather than slowing everything down: the Markdown
/// parser holds a tree of the whole file, which for 16 MB of `*a* ` or of table cells took over
/// 1 GB before the page limits refused it (`markdown::MAX_PAGE_ELEMENTS`). 4 MB is two million
/// Chinese characters, some thousand printed pages.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The Markdown files an earlier load read, with the size and modification time each had, so
/// that `serve` re-reads only the files that changed. Their texts are shared, not copied, so later
/// stages can tell an unchanged file by pointer.
#[derive(Default)]
pub struct FileCache {
    files: HashMap<String, (Stamp, ContentFile)>,
    /// What the last load's walk found.
    listing: Option<Listing>,
    /// Set by `serve` from its file events: the only change since the last load is to the
    /// contents of these Markdown files (paths below `content/`), so the next load need not walk
    /// and stat the whole tree again, which was a third of a rebuild at 10,000 records.
    edited: Option<Vec<String>>,
}

/// The files a walk found: Markdown (path below `content/`, full path), the other files, and
/// the walk's diagnostics (links leading outside the site).
struct Listing {
    markdown: Vec<(String, PathBuf)>,
    content_assets: BTreeSet<String>,
    static_files: BTreeSet<String>,
    diags: Vec<Diagnostic>,
}

impl FileCache {
    /// Tells the next load that only these files' contents changed (paths below `content/`,
    /// `/`-separated). A load that finds one of them not in its last walk walks again.
    pub fn contents_edited(&mut self, rels: Vec<String>) {
        self.edited = Some(rels);
    }
}

type Stamp = (u64, Option<SystemTime>);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()))
}

/// Reads the site's files, reusing what `cache` (kept by `serve`) holds of files that have not
/// changed since, and updating it.
pub fn load(root: &Path, mut cache: Option<&mut FileCache>) -> Loaded {
    let mut loaded = Loaded::default();
    // The files `serve` says were edited, when the last walk knows them all: nothing else is
    // walked, stat-ed or read. Anything else (a new, removed or renamed file) walks again.
    let edited = cache.as_deref_mut().and_then(|c| {
        let edited = c.edited.take()?;
        let listing = c.listing.take()?;
        let known = edited
            .iter()
            .all(|rel| listing.markdown.iter().any(|(r, _)| r == rel));
        known.then_some((edited, listing))
    });
    let (listing, edited) = match edited {
        Some((edited, listing)) => (listing, Some(edited)),
        None => (walk_site(root), None),
    };
    loaded.diags.extend(listing.diags.iter().cloned());
    struct Read {
        stamp: Option<Stamp>,
        file: Option<ContentFile>,
        diags: Vec<Diagnostic>,
        fresh: bool,
    }
    let cached = cache.as_deref();
    let read: Vec<Read> = listing
        .markdown
        .par_iter()
        .map(|(rel, path)| {
            let old = cached.and_then(|c| c.files.get(rel));
            let is_edited = edited.as_ref().is_some_and(|e| e.contains(rel));
            // Told which files were edited, the others are taken as they were without a look at
            // the disk; otherwise a file is taken as it was when its size and time are.
            let stamp = match (&edited, old) {
                (Some(_), Some((old_stamp, _))) if !is_edited => Some(*old_stamp),
                _ => cached.and_then(|_| stamp(path)),
            };
            if let (Some(stamp), Some((old_stamp, file))) = (stamp, old)
                && !is_edited
                && *old_stamp == stamp
            {
                return Read {
                    stamp: Some(stamp),
                    file: Some(file.clone()),
                    diags: Vec::new(),
                    fresh: false,
                };
            }
            let mut diags = Vec::new();
            let file = read_markdown(rel, path, &mut diags);
            Read {
                stamp,
                file,
                diags,
                fresh: true,
            }
        })
        .collect();
    let mut fresh = Vec::new();
    for read in read {
        loaded.diags.extend(read.diags);
        if let Some(file) = read.file {
            if read.fresh
                && let Some(stamp) = read.stamp
            {
                fresh.push((stamp, file.clone()));
            }
            loaded.files.push(file);
        }
    }
    if let Some(FileCache { files, .. }) = cache.as_deref_mut() {
        let present: std::collections::HashSet<&str> =
            loaded.files.iter().map(|f| f.rel.as_str()).collect();
        files.retain(|rel, _| present.contains(rel.as_str()));
        for (stamp, file) in fresh {
            files.insert(file.rel.clone(), (stamp, file));
        }
    }
    match cache {
        Some(c) => {
            loaded.content_assets = listing.content_assets.clone();
            loaded.static_files = listing.static_files.clone();
            c.listing = Some(listing);
        }
        None => {
            loaded.content_assets = listing.content_assets;
            loaded.static_files = listing.static_files;
        }
    }
    loaded.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    loaded
}

/// Walks `content/` and `static/`.
fn walk_site(root: &Path) -> Listing {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut listing = Listing {
        markdown: Vec::new(),
        content_assets: BTreeSet::new(),
        static_files: BTreeSet::new(),
        diags: Vec::new(),
    };
    let content_dir = root.join("content");
    for (rel, path) in walk(&content_dir, root, &canonical_root, &mut listing.diags) {
        if rel.ends_with(".md") {
            listing.markdown.push((rel, path));
        } else {
            listing.content_assets.insert(rel);
        }
    }
    let static_dir = root.join("static");
    for (rel, _) in walk(&static_dir, root, &canonical_root, &mut listing.diags) {
        listing.static_files.insert(rel);
    }
    listing
}

fn site_rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Names the walk leaves out: hidden files and `_`-prefixed ones other than `_index.md`.
pub(crate) fn ignored(name: &str) -> bool {
    (name.starts_with('.') || name.starts_with('_')) && name != "_index.md"
}

/// Every file below `dir` that is not ignored, as (path below `dir`, full path). Links that lead
/// outside the site and link loops are reported and skipped.
fn walk(
    dir: &Path,
    root: &Path,
    canonical_root: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    let mut link_errors = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if ignored(&e.file_name().to_string_lossy()) {
                return false;
            }
            if e.path_is_symlink() {
                let inside = e
                    .path()
                    .canonicalize()
                    .map(|t| t.starts_with(canonical_root))
                    .unwrap_or(false);
                if !inside {
                    link_errors.push(e.path().to_path_buf());
                    return false;
                }
            }
            true
        });
    let mut walk_errors = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = site_rel(dir, e.path());
                out.push((rel, e.path().to_path_buf()));
            }
            Ok(_) => {}
            Err(err) => walk_errors.push(err),
        }
    }
    for path in link_errors {
        let file = SourceFile::new(site_rel(root, &path), "");
        diags.push(file.error(
            "E-LINK-OUTSIDE",
            Pos::START,
            "这个符号链接指向网站目录以外（或指向不存在的位置）",
            "把文件复制到网站目录里，不要用指向外面的链接",
        ));
    }
    for err in walk_errors {
        let path = err
            .path()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.to_path_buf());
        let file = SourceFile::new(site_rel(root, &path), "");
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        let message = if err.loop_ancestor().is_some() {
            "符号链接形成了循环".to_string()
        } else if is_link {
            // A link that cannot be followed at all: it points at itself or round in a circle.
            "符号链接无法打开：形成了循环，或指向不存在的位置".to_string()
        } else {
            format!(
                "无法读取：{}",
                err.io_error()
                    .map_or_else(|| "系统错误".to_string(), crate::diag::io_zh)
            )
        };
        diags.push(file.error(
            "E-READ",
            Pos::START,
            message,
            "检查这个文件或文件夹是否存在、能否打开",
        ));
    }
    out
}

fn read_markdown(rel: &str, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<ContentFile> {
    let empty = SourceFile::new(format!("content/{rel}"), "");
    let too_big = std::fs::metadata(path)
        .map(|m| m.len() > MAX_FILE_BYTES)
        .unwrap_or(false);
    if too_big {
        diags.push(empty.error(
            "E-TOO-LARGE",
            Pos::START,
            "文件太大（超过 4 MB）",
            "把大的附件放到记录的文件夹里，用 attachments 列出",
        ));
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(empty.error(
                "E-READ",
                Pos::START,
                format!("无法读取文件：{}", crate::diag::io_zh(&e)),
                "检查文件权限",
            ));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let pos = Pos::new(to_u32(line), 1);
            diags.push(empty.error(
                "E-ENCODING",
                pos,
                "文件不是 UTF-8 编码的文本",
                "用记事本等编辑器“另存为”UTF-8 编码",
            ));
            return None;
        }
    };
    Some(content_file(rel, text))
}

/// A Markdown file of `content/` (`rel` below it, `/`-separated) from its text, as a load reads
/// it; the 编辑台 checks a would-be file this way without writing it.
pub fn content_file(rel: &str, text: String) -> ContentFile {
    let site_rel_path = format!("content/{rel}");
    let parts: Vec<&str> = rel.split('/').collect();
    let name = parts.last().copied().unwrap_or_default();
    let section = if parts.len() > 1 {
        Section::from_dir(parts[0])
    } else {
        Section::Pages
    };
    // A plain folder's `_index.md` is that folder's own page; elsewhere it is introductory text.
    let folder_page = name == "_index.md" && parts.len() > 1 && section == Section::Pages;
    let is_index = name == "_index.md" && !folder_page;
    let bundle = (name == "index.md" || folder_page) && parts.len() > 1;
    let dir = parts[..parts.len() - 1].join("/");
    let stem = if bundle {
        parts[parts.len() - 2].to_string()
    } else {
        name.strip_suffix(".md").unwrap_or(name).to_string()
    };
    let text: Arc<str> = text.into();
    let (front_matter, body_offset) = split_shared(&text);
    ContentFile {
        source: SourceFile::new(site_rel_path, text),
        rel: rel.to_string(),
        section,
        bundle,
        is_index,
        stem,
        dir,
        front_matter,
        body_offset,
    }
}

impl Loaded {
    /// Puts `text` in place of the file at `rel` (below `content/`), or adds it: what a load
    /// would give once that file were written.
    pub fn overlay(&mut self, rel: &str, text: String) {
        let file = content_file(rel, text);
        match self.files.iter_mut().find(|f| f.rel == rel) {
            Some(old) => *old = file,
            None => self.files.push(file),
        }
        self.content_assets.remove(rel);
    }
}

/// `---\nYAML\n---\nbody`: the YAML and where the body starts. No opening line → no front matter.
pub fn split_front_matter(text: &str) -> (Option<FrontMatter>, usize) {
    match front_matter_range(text) {
        // Only the front matter is copied, as before.
        Some((range, closed, offset)) => {
            let fm = FrontMatter {
                text: Span::new(Arc::from(&text[range.clone()]), 0..range.len()),
                closed,
            };
            (Some(fm), offset)
        }
        None => (None, 0),
    }
}

/// `split_front_matter` of a file's whole text, the front matter a view of it.
fn split_shared(text: &Arc<str>) -> (Option<FrontMatter>, usize) {
    match front_matter_range(text) {
        Some((range, closed, offset)) => {
            let fm = FrontMatter {
                text: Span::new(text.clone(), range),
                closed,
            };
            (Some(fm), offset)
        }
        None => (None, 0),
    }
}

/// Where the front matter's YAML is, whether its closing `---` was found, and the byte offset
/// of the body; `None` when the file does not start with `---`.
fn front_matter_range(text: &str) -> Option<(Range<usize>, bool, usize)> {
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = start + first_line_end;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((yaml_start..offset, true, offset + line.len()));
        }
        offset += line.len();
    }
    // An opening line without a closing one: the whole rest is (broken) front matter.
    Some((yaml_start..text.len(), false, text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\ntitle: x\n---\n正文\n";
        let (fm, off) = split_front_matter(text);
        assert_eq!(
            fm.map(|f| f.text.to_string()),
            Some("title: x\n".to_string())
        );
        assert_eq!(&text[off..], "正文\n");
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let text = "\u{feff}---\r\ntitle: x\r\n---\r\nbody";
        let (fm, off) = split_front_matter(text);
        assert_eq!(
            fm.map(|f| f.text.to_string()),
            Some("title: x\r\n".to_string())
        );
        assert_eq!(&text[off..], "body");
    }

    #[test]
    fn missing_front_matter_and_unclosed() {
        assert!(split_front_matter("# 标题\n").0.is_none());
        let (fm, off) = split_front_matter("---\ntitle: x\n");
        assert_eq!(fm.map(|f| f.closed), Some(false));
        assert_eq!(off, "---\ntitle: x\n".len());
    }

    #[test]
    fn ignores_dot_and_underscore_names() {
        assert!(ignored(".git"));
        assert!(ignored("_draft.md"));
        assert!(!ignored("_index.md"));
        assert!(!ignored("a.md"));
    }

    #[test]
    fn a_load_told_of_edited_files_reads_them_alone_and_walks_for_an_unknown_one() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        let write = |name: &str, body: &str| {
            std::fs::write(
                root.join("content").join(name),
                format!("---\ntitle: t\n---\n{body}\n"),
            )
            .expect("write")
        };
        let body_of = |loaded: &Loaded, rel: &str| {
            loaded
                .files
                .iter()
                .find(|f| f.rel == rel)
                .map(|f| f.body().trim().to_string())
        };
        write("a.md", "a1");
        write("b.md", "b1");
        let mut cache = FileCache::default();
        let first = load(root, Some(&mut cache));
        assert_eq!(body_of(&first, "a.md").as_deref(), Some("a1"));

        // Told that a.md alone changed: a.md is read again; b.md is taken from the cache as it
        // is, without a look at the disk.
        write("a.md", "a2");
        write("b.md", "b2, longer");
        cache.contents_edited(vec!["a.md".into()]);
        let second = load(root, Some(&mut cache));
        assert_eq!(body_of(&second, "a.md").as_deref(), Some("a2"));
        assert_eq!(body_of(&second, "b.md").as_deref(), Some("b1"));

        // A file the last walk did not see: everything is walked and checked again.
        write("c.md", "c1");
        cache.contents_edited(vec!["c.md".into()]);
        let third = load(root, Some(&mut cache));
        assert_eq!(body_of(&third, "c.md").as_deref(), Some("c1"));
        // (A different size: file times are only as fine as the kernel's clock tick.)
        assert_eq!(body_of(&third, "b.md").as_deref(), Some("b2, longer"));
        assert_eq!(third.files.len(), 3);
    }
}
