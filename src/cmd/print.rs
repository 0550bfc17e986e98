//! What several commands say alike: results on stdout, diagnostics and mistakes on stderr.

use super::Status;
use crate::diag::{Diagnostic, Severity, render_text};
use std::io::Write;
use std::time::Instant;

/// Prints a line to stdout; a closed pipe (`gongkai check | head`) is not worth a panic.
pub(super) fn say(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// Prints a line to stderr, where mistakes and warnings go.
pub(super) fn say_err(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Every diagnostic in the text form, then how many errors and warnings there were.
pub(super) fn diagnostics(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}", render_text(d));
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        let _ = writeln!(
            err,
            "发现 {errors} 个错误、{warnings} 个警告；未写入任何文件。"
        );
    } else if warnings > 0 {
        let _ = writeln!(err, "{warnings} 个警告。");
    }
}

/// `--now` that is not a date: a command-line mistake.
pub(super) fn bad_now(s: &str) -> Status {
    say_err(&format!(
        "错误：--now 的值「{s}」不是日期；写成 2026-11-21 或 2026-11-21T09:00:00+08:00"
    ));
    Status::CommandLine
}

/// A build's last line (cli.md): what was written and how long it took.
pub(super) fn summary_line(records: usize, files: usize, started: Instant) -> String {
    format!(
        "已生成 {records} 条记录，共 {files} 个文件，用时 {:.2} 秒",
        started.elapsed().as_secs_f64()
    )
}
