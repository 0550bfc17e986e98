//! `gongkai build`: the whole site into the output folder.

use super::Status;
use super::print::{bad_now, diagnostics, say, say_err, summary_line};
use super::progress::Progress;
use crate::pipeline::build::{self, Options, Outcome};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// 输出目录，默认是网站目录下的 output/
    #[arg(long, value_name = "目录")]
    output: Option<PathBuf>,
    /// 把“今天”定为这一天：日期（2026-11-21）或带时区的时间（2026-11-21T09:00:00+08:00）
    #[arg(long, value_name = "日期")]
    now: Option<String>,
    /// 连草稿（draft: true）一起生成
    #[arg(long)]
    drafts: bool,
    /// 临时替换 site.yaml 里的 base_url，例如 https://gongkai.xingfuli.cn/
    #[arg(long, value_name = "网址")]
    base_url: Option<String>,
}

pub(super) fn run(root: &Path, args: Args) -> Status {
    // A malformed --base-url is a command-line mistake (exit 2), not a site error.
    if let Some(u) = &args.base_url
        && crate::pipeline::config::split_base_url(u).is_none()
    {
        say_err(&format!(
            "错误：--base-url 的值「{u}」不是完整的网址；写成 https://gongkai.xingfuli.cn/ 这样以 http:// 或 https:// 开头的网址"
        ));
        return Status::CommandLine;
    }
    let started = Instant::now();
    let opts = Options {
        root: root.to_path_buf(),
        output: Some(args.output.unwrap_or_else(|| root.join("output"))),
        now: args.now,
        drafts: args.drafts,
        base_url: args.base_url,
    };
    let progress = Progress::start();
    let outcome = build::run_with(&opts, &|stage| progress.stage(stage));
    progress.finish();
    match outcome {
        Outcome::BadNow(s) => bad_now(&s),
        Outcome::Failed(diags) => {
            diagnostics(&diags);
            Status::Failed
        }
        Outcome::Done {
            diags,
            records,
            files,
            images,
            kept,
            unchanged,
        } => {
            diagnostics(&diags);
            // Before the summary, which stays the last line (scripts read it).
            if unchanged {
                say("没有变化，输出保持不变（输入和上次生成时一样，输出目录也没有被改动）");
            } else if kept > 0 {
                say(&format!(
                    "写入有改动的文件 {} 个，其余 {kept} 个和上次一样，保持原样",
                    files.saturating_sub(kept)
                ));
            }
            if images.encoded + images.cached > 0 {
                say(&format!(
                    "图片 {} 张：新处理 {} 张，沿用缓存 {} 张",
                    images.encoded + images.cached,
                    images.encoded,
                    images.cached
                ));
            }
            say(&summary_line(records, files, started));
            Status::Done
        }
    }
}
