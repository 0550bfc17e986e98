//! `gongkai explain`: what a diagnostic code means, from `diag::explain`'s table.

use super::Status;
use super::print::{say, say_err};
use crate::diag::explain as codes;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// 错误或警告代码，例如 E-FIELD-MISSING
    #[arg(value_name = "代码", required_unless_present = "all")]
    code: Option<String>,
    /// 列出全部代码的说明（使用手册的“全部错误和警告”一页就是用它生成的）
    #[arg(long, conflicts_with = "code")]
    all: bool,
}

/// The explanation, the manual's whole page with `--all`, or the codes nearest to an unknown one
/// (a command-line mistake).
pub(super) fn run(args: &Args) -> Status {
    if args.all {
        say(&codes::manual_page());
        return Status::Done;
    }
    let code = args.code.as_deref().unwrap_or_default();
    match codes::find(code) {
        Some(entry) => {
            say(&codes::render(entry));
            Status::Done
        }
        None => {
            say_err(&format!("错误：没有「{code}」这个代码。"));
            let near = codes::nearest(code, 5);
            if near.is_empty() {
                say_err(
                    "代码写成 E-FIELD-MISSING 这样，在 check 的输出里 error[…] 或 warning[…] 的方括号中。",
                );
            } else {
                say_err(&format!("相近的代码：{}", near.join("、")));
            }
            Status::CommandLine
        }
    }
}
