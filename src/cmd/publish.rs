//! `gongkai publish`: the ledger first, then the build that shows it.

use super::Status;
use super::print::{bad_now, diagnostics, say, summary_line};
use super::progress::Progress;
use crate::pipeline::build::{self, Options, Outcome};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// 输出目录（默认：网站目录下的 output/）
    #[arg(long, value_name = "目录")]
    output: Option<PathBuf>,
    /// 登记和生成所依据的“今天”：日期（2026-11-21）或带时区的时间（2026-11-21T09:00:00+08:00）
    #[arg(long, value_name = "日期")]
    now: Option<String>,
}

pub(super) fn run(root: &Path, args: Args) -> Status {
    let started = Instant::now();
    let opts = Options {
        root: root.to_path_buf(),
        output: Some(args.output.unwrap_or_else(|| root.join("output"))),
        now: args.now,
        drafts: false,
        base_url: None,
    };
    let progress = Progress::start();
    let (recorded, outcome) = build::publish(&opts, &|stage| progress.stage(stage));
    progress.finish();
    match outcome {
        Outcome::BadNow(s) => bad_now(&s),
        Outcome::Failed(diags) => {
            diagnostics(&diags);
            if recorded > 0 {
                say(&format!("已在发布台账登记 {recorded} 条，但网站没有生成"));
            } else {
                say("发布台账没有改动");
            }
            Status::Failed
        }
        Outcome::Done {
            diags,
            records,
            files,
            ..
        } => {
            diagnostics(&diags);
            say(&match recorded {
                0 => "没有新增或改动的记录，发布台账没有改动".to_string(),
                n => format!("已在发布台账登记 {n} 条（新版本或撤下）"),
            });
            say(&summary_line(records, files, started));
            Status::Done
        }
    }
}
