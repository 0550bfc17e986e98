//! `gongkai check`: every check of a build, nothing written.

use super::Status;
use super::print::{bad_now, diagnostics, say};
use crate::diag::{Severity, render_json};
use crate::pipeline::build::{self, Options, Outcome};
use clap::ValueEnum;
use std::path::Path;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// 把“今天”定为这一天：日期（2026-11-21）或带时区的时间
    #[arg(long, value_name = "日期")]
    now: Option<String>,
    /// 输出格式：text（给人看，默认）或 json（给程序读）
    #[arg(
        long,
        value_enum,
        default_value_t = Format::Text,
        value_name = "格式",
        hide_default_value = true,
        hide_possible_values = true
    )]
    format: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub(super) fn run(root: &Path, args: Args) -> Status {
    let opts = Options {
        root: root.to_path_buf(),
        output: None,
        now: args.now,
        drafts: false,
        base_url: None,
    };
    let (diags, status) = match build::run(&opts) {
        Outcome::BadNow(s) => return bad_now(&s),
        Outcome::Failed(diags) => (diags, Status::Failed),
        Outcome::Done { diags, .. } => (diags, Status::Done),
    };
    match args.format {
        Format::Json => say(&render_json(&diags)),
        Format::Text => {
            diagnostics(&diags);
            if diags.iter().all(|d| d.severity != Severity::Error) {
                say("检查通过");
            }
        }
    }
    status
}
