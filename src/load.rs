//! Walks `content/` and `static/`: every Markdown file split into front matter and body, every
//! other file noted as an asset. Nothing is interpreted here beyond what the layout itself says.

use crate::diag::{Diagnostic, Pos, SourceFile, to_u32};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
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
    pub text: String,
    /// False when the opening `---` has no closing one.
    pub closed: bool,
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

/// Markdown files larger than this are refused rather than slowing everything down.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The Markdown files an earlier load read, with the size and modification time each had, so
/// that `serve` re-reads only the files that changed. Their texts are shared, not copied, so later
/// stages can tell an unchanged file by pointer.
#[derive(Default)]
pub struct FileCache(HashMap<String, (Stamp, ContentFile)>);

type Stamp = (u64, Option<SystemTime>);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()))
}

/// Reads the site's files, reusing what `cache` (kept by `serve`) holds of files that have not
/// changed since, and updating it.
pub fn load(root: &Path, cache: Option<&mut FileCache>) -> Loaded {
    let mut loaded = Loaded::default();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let content_dir = root.join("content");
    let mut markdown = Vec::new();
    for (rel, path) in walk(&content_dir, root, &canonical_root, &mut loaded.diags) {
        if rel.ends_with(".md") {
            markdown.push((rel, path));
        } else {
            loaded.content_assets.insert(rel);
        }
    }
    struct Read {
        stamp: Option<Stamp>,
        file: Option<ContentFile>,
        diags: Vec<Diagnostic>,
        fresh: bool,
    }
    let cached = cache.as_deref();
    let read: Vec<Read> = markdown
        .par_iter()
        .map(|(rel, path)| {
            let stamp = cached.and_then(|_| stamp(path));
            if let (Some(stamp), Some(FileCache(files))) = (stamp, cached)
                && let Some((old, file)) = files.get(rel)
                && *old == stamp
            {
                let file = Some(file.clone());
                let (stamp, diags, fresh) = (Some(stamp), Vec::new(), false);
                return Read {
                    stamp,
                    file,
                    diags,
                    fresh,
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
    if let Some(FileCache(files)) = cache {
        let present: std::collections::HashSet<&str> =
            loaded.files.iter().map(|f| f.rel.as_str()).collect();
        files.retain(|rel, _| present.contains(rel.as_str()));
        for (stamp, file) in fresh {
            files.insert(file.rel.clone(), (stamp, file));
        }
    }
    let static_dir = root.join("static");
    for (rel, _) in walk(&static_dir, root, &canonical_root, &mut loaded.diags) {
        loaded.static_files.insert(rel);
    }
    loaded.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    loaded
}

fn site_rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn ignored(name: &str) -> bool {
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
                    .map_or_else(|| err.to_string(), |e| e.kind().to_string())
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
    let site_rel_path = format!("content/{rel}");
    let empty = SourceFile::new(site_rel_path.clone(), "");
    let too_big = std::fs::metadata(path)
        .map(|m| m.len() > MAX_FILE_BYTES)
        .unwrap_or(false);
    if too_big {
        diags.push(empty.error(
            "E-TOO-LARGE",
            Pos::START,
            "文件太大（超过 16 MB）",
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
                format!("无法读取文件：{}", e.kind()),
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
    let (front_matter, body_offset) = split_front_matter(&text);
    Some(ContentFile {
        source: SourceFile::new(site_rel_path, text),
        rel: rel.to_string(),
        section,
        bundle,
        is_index,
        stem,
        dir,
        front_matter,
        body_offset,
    })
}

/// `---\nYAML\n---\nbody`: the YAML and where the body starts. No opening line → no front matter.
pub fn split_front_matter(text: &str) -> (Option<FrontMatter>, usize) {
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "---" {
        return (None, 0);
    }
    let yaml_start = start + first_line_end;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let fm = FrontMatter {
                text: text[yaml_start..offset].to_string(),
                closed: true,
            };
            return (Some(fm), offset + line.len());
        }
        offset += line.len();
    }
    // An opening line without a closing one: the whole rest is (broken) front matter.
    let fm = FrontMatter {
        text: text[yaml_start..].to_string(),
        closed: false,
    };
    (Some(fm), text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\ntitle: x\n---\n正文\n";
        let (fm, off) = split_front_matter(text);
        assert_eq!(fm.map(|f| f.text), Some("title: x\n".to_string()));
        assert_eq!(&text[off..], "正文\n");
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let text = "\u{feff}---\r\ntitle: x\r\n---\r\nbody";
        let (fm, off) = split_front_matter(text);
        assert_eq!(fm.map(|f| f.text), Some("title: x\r\n".to_string()));
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
}
