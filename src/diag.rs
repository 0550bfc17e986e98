//! Diagnostics: collected, never thrown, and rendered for people (text) or tools (JSON).

use serde::Serialize;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};
use unicode_width::UnicodeWidthStr;

pub mod explain;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A 1-based line and column (in characters) inside a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    pub fn new(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    /// What is wrong, in Chinese.
    pub message: String,
    /// What to write instead, in Chinese; shown under the caret.
    pub help: String,
    /// Path relative to the site root, `/`-separated.
    pub file: String,
    pub line: u32,
    pub column: u32,
    #[serde(skip)]
    pub source_line: Option<String>,
}

/// One source file as diagnostics need it: its display path and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub rel: String,
    pub text: Arc<str>,
    /// Where each line starts (byte offsets), made on first use: a file with thousands of
    /// diagnostics must not be scanned from its start for each one.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(rel: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            rel: rel.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The text of a 1-based line, without its line break (as `str::lines` gives it).
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let starts = self.line_starts();
        let start = *starts.get(index)?;
        if start >= self.text.len() {
            return None;
        }
        let end = starts.get(index + 1).map_or(self.text.len(), |e| e - 1);
        let line = self.text.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// Line and column of a byte offset into the text.
    pub fn pos_of(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let line_start = starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .text
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        Pos::new(to_u32(line), to_u32(col))
    }

    pub fn diag(
        &self,
        severity: Severity,
        code: &'static str,
        pos: Pos,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message: mask_personal(&message.into()),
            help: mask_personal(&help.into()),
            // A personal number in a file or folder name is not echoed either.
            file: mask_personal(&self.rel),
            line: pos.line.max(1),
            column: pos.col.max(1),
            source_line: self
                .line_text(pos.line)
                .map(|line| clip_line(&mask_personal(line))),
        }
    }

    pub fn error(
        &self,
        code: &'static str,
        pos: Pos,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        self.diag(Severity::Error, code, pos, message, help)
    }

    pub fn warning(
        &self,
        code: &'static str,
        pos: Pos,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        self.diag(Severity::Warning, code, pos, message, help)
    }
}

/// What went wrong with a file, a folder or a port, in Chinese: the system's own words are English.
pub fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let said = match e.kind() {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已经存在",
        K::AddrInUse => "端口已被别的程序占用",
        K::AddrNotAvailable => "本机没有这个地址",
        K::InvalidData => "内容不是有效的文本",
        K::Interrupted => "操作被中断",
        K::OutOfMemory => "内存不足",
        K::StorageFull | K::QuotaExceeded => "磁盘空间已满",
        K::ReadOnlyFilesystem => "磁盘是只读的",
        K::InvalidFilename => "文件名不合法或太长",
        K::NotADirectory => "路径中有一段不是文件夹",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::ResourceBusy | K::ExecutableFileBusy => "文件正被别的程序使用",
        K::CrossesDevices => "不能跨磁盘移动",
        K::TooManyLinks => "链接太多",
        _ => "",
    };
    match (said, e.raw_os_error()) {
        ("", Some(code)) => format!("系统错误（代码 {code}）"),
        ("", None) => "系统错误".to_string(),
        (said, _) => said.to_string(),
    }
}

pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A diagnostic never shows a personal number whole (content.md §4), whatever it is about: not
/// in its message, not in the source line it quotes, not in the path it names. Masks keep the
/// shape, so carets stay aligned.
fn mask_personal(line: &str) -> String {
    crate::privacy::mask_text(line)
}

/// A 10 MB line must not be echoed back whole.
fn clip_line(line: &str) -> String {
    const MAX: usize = 200;
    if line.chars().count() <= MAX {
        line.to_string()
    } else {
        let mut s: String = line.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// Every diagnostic of a run.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, line, column, then severity; exact duplicates removed; at most
    /// [`MAX_PER_FILE`] of one file, and a line counting the rest.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, b.code, &b.message))
        });
        self.items.dedup();
        cap_per_file(self.items)
    }
}

/// More diagnostics than this of one file are not listed: a file with thousands of the same
/// mistake would bury the others, and printing each would take longer than fixing them.
pub const MAX_PER_FILE: usize = 50;

/// The first [`MAX_PER_FILE`] diagnostics of each file (sorted), then one counting the rest: an
/// error (`E-MORE`) when an error is among them, else a warning (`W-MORE`).
fn cap_per_file(items: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out = Vec::with_capacity(items.len().min(4096));
    for group in items.chunk_by(|a, b| a.file == b.file) {
        let (listed, rest) = group.split_at(group.len().min(MAX_PER_FILE));
        out.extend_from_slice(listed);
        let Some(first) = rest.first() else {
            continue;
        };
        let errors = rest
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = rest.len() - errors;
        let (severity, code) = if errors > 0 {
            (Severity::Error, "E-MORE")
        } else {
            (Severity::Warning, "W-MORE")
        };
        out.push(Diagnostic {
            severity,
            code,
            message: format!(
                "这个文件还有 {} 个问题没有列出（{errors} 个错误、{warnings} 个警告），只列出了前 {MAX_PER_FILE} 个",
                rest.len()
            ),
            help: "先改正上面列出的问题，再运行 gongkai check 查看其余的".to_string(),
            file: first.file.clone(),
            line: first.line,
            column: first.column,
            source_line: first.source_line.clone(),
        });
    }
    out
}

/// The rustc-like text form of cli.md.
pub fn render_text(d: &Diagnostic) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message);
    let _ = writeln!(out, "  --> {}:{}:{}", d.file, d.line, d.column);
    let gutter = d.line.to_string().len().max(2);
    let pad = " ".repeat(gutter);
    match &d.source_line {
        Some(src) => {
            let before: String = src
                .chars()
                .take(usize::try_from(d.column.saturating_sub(1)).unwrap_or(0))
                .collect();
            let indent = " ".repeat(before.width());
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{:>gutter$} | {}", d.line, src);
            let _ = writeln!(out, "{pad} | {indent}^ {}", d.help);
        }
        None if !d.help.is_empty() => {
            let _ = writeln!(out, "{pad} = {}", d.help);
        }
        None => {}
    }
    out
}

pub fn render_json(ds: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(ds).unwrap_or_else(|_| "[]".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_positions_as_str_lines_gives_them() {
        for text in ["", "a", "a\n", "a\r\nb\n\nc", "\n\n", "电梯\n异响\r\n"] {
            let f = SourceFile::new("a.md", text);
            for (i, expected) in text.lines().enumerate() {
                assert_eq!(
                    f.line_text(to_u32(i + 1)),
                    Some(expected),
                    "{text:?} line {i}"
                );
            }
            assert_eq!(
                f.line_text(to_u32(text.lines().count() + 1)),
                None,
                "{text:?}"
            );
            assert_eq!(f.line_text(0), None);
            for offset in 0..=text.len() {
                let Some(before) = text.get(..offset) else {
                    continue;
                };
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
                assert_eq!(
                    f.pos_of(offset),
                    Pos::new(to_u32(line), to_u32(col)),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn pos_of_counts_characters_not_bytes() {
        let f = SourceFile::new("a.md", "---\ntitle: 电梯 x\n");
        let offset = "---\ntitle: 电梯 ".len();
        assert_eq!(f.pos_of(offset), Pos::new(2, 11));
    }

    #[test]
    fn text_form_matches_cli_spec_shape() {
        let f = SourceFile::new(
            "content/problems/2026-017.md",
            "---\ntitle: 3号楼电梯异响\n",
        );
        let d = f.error(
            "E-FIELD-MISSING",
            Pos::new(2, 1),
            "缺少必填字段 `deadline`（完成时限）",
            "问题墙条目必须写明完成时限，例如 deadline: 2026-12-31",
        );
        let text = render_text(&d);
        assert_eq!(
            text,
            "error[E-FIELD-MISSING]: 缺少必填字段 `deadline`（完成时限）\n  --> content/problems/2026-017.md:2:1\n   |\n 2 | title: 3号楼电梯异响\n   | ^ 问题墙条目必须写明完成时限，例如 deadline: 2026-12-31\n"
        );
    }

    #[test]
    fn caret_is_aligned_under_wide_characters() {
        let f = SourceFile::new("a.md", "标题: x");
        let d = f.error("E", Pos::new(1, 5), "m", "h");
        let text = render_text(&d);
        // 标题 is four columns wide, then ": " — the caret sits under `x`.
        assert!(text.contains("\n   |       ^ h\n"), "{text}");
    }

    #[test]
    fn quoted_lines_mask_personal_numbers() {
        let f = SourceFile::new("a.md", "titel: 张三 13812345678\n");
        let d = f.error("E-FIELD-UNKNOWN", Pos::new(1, 1), "m", "h");
        let line = d.source_line.unwrap_or_default();
        assert!(!line.contains("13812345678"), "{line}");
        assert_eq!(
            line.chars().count(),
            "titel: 张三 13812345678".chars().count()
        );
    }

    #[test]
    fn long_lines_are_clipped() {
        let long = "x".repeat(10_000);
        let f = SourceFile::new("a.md", long.as_str());
        let d = f.error("E", Pos::new(1, 1), "m", "h");
        assert!(
            d.source_line
                .as_ref()
                .is_some_and(|s| s.chars().count() == 201)
        );
    }

    #[test]
    fn sorted_by_file_then_line() {
        let a = SourceFile::new("b.md", "x\ny\n");
        let b = SourceFile::new("a.md", "x\ny\n");
        let mut ds = Diagnostics::new();
        ds.push(a.error("E1", Pos::new(2, 1), "m", ""));
        ds.push(a.error("E2", Pos::new(1, 1), "m", ""));
        ds.push(b.warning("W", Pos::new(2, 1), "m", ""));
        let sorted = ds.into_sorted();
        let order: Vec<_> = sorted.iter().map(|d| (d.file.as_str(), d.line)).collect();
        assert_eq!(order, vec![("a.md", 2), ("b.md", 1), ("b.md", 2)]);
    }

    #[test]
    fn at_most_fifty_of_a_file_and_a_line_counting_the_rest() {
        let text = "x\n".repeat(200);
        let a = SourceFile::new("a.md", text.as_str());
        let b = SourceFile::new("b.md", text.as_str());
        let mut ds = Diagnostics::new();
        for line in 1..=120 {
            ds.push(a.warning("W-IMAGE-ALT", Pos::new(line, 1), "m", ""));
        }
        ds.push(a.error("E-LINK", Pos::new(130, 1), "m", ""));
        for line in 1..=MAX_PER_FILE + 1 {
            ds.push(b.warning("W-IMAGE-ALT", Pos::new(to_u32(line), 1), "m", ""));
        }
        let sorted = ds.into_sorted();
        let of = |f: &str| sorted.iter().filter(|d| d.file == f).collect::<Vec<_>>();
        let a_list = of("a.md");
        assert_eq!(a_list.len(), MAX_PER_FILE + 1);
        let more = a_list[MAX_PER_FILE];
        assert_eq!(
            (more.code, more.severity, more.line),
            ("E-MORE", Severity::Error, 51)
        );
        assert!(
            more.message
                .contains("还有 71 个问题没有列出（1 个错误、70 个警告）"),
            "{}",
            more.message
        );
        let b_list = of("b.md");
        assert_eq!(b_list.len(), MAX_PER_FILE + 1);
        assert_eq!(b_list[MAX_PER_FILE].code, "W-MORE");
        assert!(b_list[MAX_PER_FILE].message.contains("还有 1 个问题"));
    }
}
