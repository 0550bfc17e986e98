//! The command line, and the only code that prints or picks an exit status.
//!
//! One file a command: each reads its options, calls the work (`build`, `serve`, `scaffold`,
//! `diag::explain`), and words what comes back for the terminal. `args` puts clap's help and its
//! command-line mistakes into Chinese, `print` holds what several commands say alike, `progress`
//! is a build's progress line. [`run`] alone turns a command's [`Status`] into the exit code.

mod args;
mod build;
mod check;
mod explain;
mod init;
mod new;
mod print;
mod progress;
mod publish;
mod serve;

pub use args::command;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "gongkai",
    version,
    about = "社区党务居务公开网站生成器",
    long_about = "社区党务居务公开网站生成器：把 content/ 里的公示公告、会议记录、问题墙和服务清单生成一个静态网站。",
    override_usage = "gongkai [选项] <命令>",
    after_help = "用 gongkai <命令> --help 查看每个命令的说明；用 gongkai explain 代码 查看某个错误或警告的详细解释。"
)]
pub struct Cli {
    /// 网站所在的目录（放 site.yaml 的那个），默认是当前目录
    #[arg(
        long,
        global = true,
        default_value = ".",
        value_name = "目录",
        hide_default_value = true
    )]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 生成整个网站
    #[command(
        override_usage = "gongkai build [--output 目录] [--now 日期] [--drafts] [--base-url 网址]",
        long_about = "生成整个网站，写入输出目录（默认是网站目录下的 output/）。网站有错误时什么也不写，原来的输出目录保持不变。"
    )]
    Build(build::Args),
    /// 生成网站并在本机预览，文件一改就自动更新
    #[command(
        override_usage = "gongkai serve [--port 端口] [--bind 地址] [--now 日期] [--drafts] [--edit]",
        long_about = "生成网站，在本机用浏览器预览（默认 http://127.0.0.1:1111/）。改动 site.yaml、content/、static/ 等文件后自动重新生成并刷新浏览器；改出错误时在终端和浏览器里显示，继续提供上一次成功生成的网站。加 --edit 时还在 /__gongkai/edit/ 打开编辑台：用表单新建和修改记录，不用自己写字段区。"
    )]
    Serve(serve::Args),
    /// 检查网站的所有错误，不写任何文件
    #[command(
        override_usage = "gongkai check [--now 日期] [--format text|json]",
        long_about = "做 build 的全部检查（还检查站内链接），列出所有错误和警告，不写任何文件。"
    )]
    Check(check::Args),
    /// 新建一条记录，列出这一类记录的所有字段
    #[command(
        override_usage = "gongkai new <种类> <标题> [--date 日期]",
        long_about = "新建一条记录：字段区列出这一类记录的每个字段，带中文说明；打印新文件的路径；不会覆盖已有的文件。"
    )]
    New(new::Args),
    /// 新建一个网站，生成后就能直接使用
    #[command(
        override_usage = "gongkai init <目录>",
        long_about = "在新目录里建一个网站：site.yaml、每类记录各一篇示例和 static/。建好后就能生成；把示例内容换成自己社区的内容再发布。"
    )]
    Init(init::Args),
    /// 解释一个错误或警告代码：什么意思、错误的写法和正确的写法
    #[command(
        override_usage = "gongkai explain <代码> | gongkai explain --all",
        long_about = "解释 check 或 build 报告的错误或警告代码（例如 E-YAML-FULLWIDTH-COLON）：是什么意思，举一个错误的写法和一个正确的写法。"
    )]
    Explain(explain::Args),
    /// 把新增或改动的记录登记为新版本（写入 ledger/ 发布台账），然后生成网站
    #[command(
        override_usage = "gongkai publish [--output 目录] [--now 日期]",
        long_about = "先把每条新增或改动过的记录登记为新的版本（写入网站目录下的 ledger/ 发布台账，每一版都用哈希值前后相连，改动过就能查出来），再生成网站，页面上就会显示第几版和修改记录。网站有错误时什么也不登记。只有这个命令会写 ledger/。"
    )]
    Publish(publish::Args),
}

/// How a command ended, as cli.md's exit status names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Done; warnings may have been printed (exit 0).
    Done,
    /// The site has errors, or a file could not be read or written (exit 1).
    Failed,
    /// The command line was wrong (exit 2).
    CommandLine,
}

/// Reads the command line, runs the command, and gives the process its exit code.
pub fn run() -> ExitCode {
    let status = match args::parse() {
        Ok(cli) => dispatch(cli),
        Err(status) => status,
    };
    match status {
        Status::Done => ExitCode::SUCCESS,
        Status::Failed => ExitCode::from(1),
        Status::CommandLine => ExitCode::from(2),
    }
}

fn dispatch(cli: Cli) -> Status {
    match cli.command {
        Command::Build(args) => build::run(&cli.root, args),
        Command::Serve(args) => serve::run(cli.root, args),
        Command::Check(args) => check::run(&cli.root, args),
        Command::New(args) => new::run(&cli.root, &args),
        Command::Init(args) => init::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Publish(args) => publish::run(&cli.root, args),
    }
}
