//! Argument parsing and exit codes only; the work is done by `build` and `scaffold`.

use crate::build::{self, Options, Outcome};
use crate::diag::explain as codes;
use crate::diag::{Diagnostic, Severity, render_json, render_text};
use crate::scaffold;
use crate::serve;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

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

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum NewKind {
    Meeting,
    Notice,
    Problem,
    Service,
    Page,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 生成整个网站
    #[command(
        override_usage = "gongkai build [--output 目录] [--now 日期] [--drafts] [--base-url 网址]",
        long_about = "生成整个网站，写入输出目录（默认是网站目录下的 output/）。网站有错误时什么也不写，原来的输出目录保持不变。"
    )]
    Build {
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
    },
    /// 生成网站并在本机预览，文件一改就自动更新
    #[command(
        override_usage = "gongkai serve [--port 端口] [--bind 地址] [--now 日期] [--drafts] [--edit]",
        long_about = "生成网站，在本机用浏览器预览（默认 http://127.0.0.1:1111/）。改动 site.yaml、content/、static/ 等文件后自动重新生成并刷新浏览器；改出错误时在终端和浏览器里显示，继续提供上一次成功生成的网站。加 --edit 时还在 /__gongkai/edit/ 打开编辑台：用表单新建和修改记录，不用自己写字段区。"
    )]
    Serve {
        /// 端口号，默认 1111
        #[arg(
            long,
            default_value_t = 1111,
            value_name = "端口",
            hide_default_value = true
        )]
        port: u16,
        /// 监听的地址，默认 127.0.0.1（只有本机能访问）
        #[arg(
            long,
            default_value = "127.0.0.1",
            value_name = "地址",
            hide_default_value = true
        )]
        bind: String,
        /// 把“今天”定为这一天：日期（2026-11-21）或带时区的时间
        #[arg(long, value_name = "日期")]
        now: Option<String>,
        /// 连草稿（draft: true）一起预览
        #[arg(long)]
        drafts: bool,
        /// 同时打开编辑台（/__gongkai/edit/）：在浏览器里用表单新建和修改记录；只能在本机地址上使用
        #[arg(long)]
        edit: bool,
    },
    /// 检查网站的所有错误，不写任何文件
    #[command(
        override_usage = "gongkai check [--now 日期] [--format text|json]",
        long_about = "做 build 的全部检查（还检查站内链接），列出所有错误和警告，不写任何文件。"
    )]
    Check {
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
    },
    /// 新建一条记录，列出这一类记录的所有字段
    #[command(
        override_usage = "gongkai new <种类> <标题> [--date 日期]",
        long_about = "新建一条记录：字段区列出这一类记录的每个字段，带中文说明；打印新文件的路径；不会覆盖已有的文件。"
    )]
    New {
        /// 记录的种类：meeting（会议记录）、notice（公示公告）、problem（问题墙）、service（清单）、page（普通页面）
        #[arg(value_enum, value_name = "种类", hide_possible_values = true)]
        kind: NewKind,
        /// 标题，例如 "关于5号楼加装电梯的公示"
        #[arg(value_name = "标题")]
        title: String,
        /// 记录的日期，默认是今天；例如 2026-11-21
        #[arg(long, value_name = "日期")]
        date: Option<String>,
    },
    /// 新建一个网站，生成后就能直接使用
    #[command(
        override_usage = "gongkai init <目录>",
        long_about = "在新目录里建一个网站：site.yaml、每类记录各一篇示例和 static/。建好后就能生成；把示例内容换成自己社区的内容再发布。"
    )]
    Init {
        /// 新网站的目录
        #[arg(value_name = "目录")]
        dir: PathBuf,
    },
    /// 解释一个错误或警告代码：什么意思、错误的写法和正确的写法
    #[command(
        override_usage = "gongkai explain <代码> | gongkai explain --all",
        long_about = "解释 check 或 build 报告的错误或警告代码（例如 E-YAML-FULLWIDTH-COLON）：是什么意思，举一个错误的写法和一个正确的写法。"
    )]
    Explain {
        /// 错误或警告代码，例如 E-FIELD-MISSING
        #[arg(value_name = "代码", required_unless_present = "all")]
        code: Option<String>,
        /// 列出全部代码的说明（使用手册的“全部错误和警告”一页就是用它生成的）
        #[arg(long, conflicts_with = "code")]
        all: bool,
    },
    /// 把新增或改动的记录登记为新版本（写入 ledger/ 发布台账），然后生成网站
    #[command(
        override_usage = "gongkai publish [--output 目录] [--now 日期]",
        long_about = "先把每条新增或改动过的记录登记为新的版本（写入网站目录下的 ledger/ 发布台账，每一版都用哈希值前后相连，改动过就能查出来），再生成网站，页面上就会显示第几版和修改记录。网站有错误时什么也不登记。只有这个命令会写 ledger/。"
    )]
    Publish {
        /// 输出目录（默认：网站目录下的 output/）
        #[arg(long, value_name = "目录")]
        output: Option<PathBuf>,
        /// 登记和生成所依据的“今天”：日期（2026-11-21）或带时区的时间（2026-11-21T09:00:00+08:00）
        #[arg(long, value_name = "日期")]
        now: Option<String>,
    },
}

/// Every help text a person reads, in Chinese: clap's own words (Usage, Options, Commands, the
/// help and version flags) replaced at every level of the command tree.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let cmd = Cli::command().disable_version_flag(true).arg(
        clap::Arg::new("version")
            .short('V')
            .long("version")
            .action(clap::ArgAction::Version)
            .help("显示版本号"),
    );
    localize(cmd)
}

/// clap's own headings end in an ASCII colon (`Options:`), so the template writes each section's
/// heading itself, with a full-width colon, and clap only the lines below it: commands where a
/// command has them, arguments where it takes any, then options (every command has `--help`).
fn help_template(cmd: &clap::Command) -> String {
    let mut t = String::from("{about-with-newline}\n用法：{usage}\n");
    if cmd.has_subcommands() {
        t.push_str("\n命令：\n{subcommands}\n");
    }
    if cmd.get_positionals().next().is_some() {
        t.push_str("\n参数：\n{positionals}\n");
    }
    t.push_str("\n选项：\n{options}{after-help}");
    t
}

fn localize(cmd: clap::Command) -> clap::Command {
    let cmd = cmd
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_value_name("命令")
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help("显示这段帮助"),
        );
    let template = help_template(&cmd);
    cmd.help_template(template).mut_subcommands(localize)
}

/// Reads the command line; a mistake in it is told in Chinese, with exit status 2.
pub fn parse() -> Result<Cli, ExitCode> {
    use clap::FromArgMatches;
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return Err(command_line_error(&e)),
    };
    Cli::from_arg_matches(&matches).map_err(|e| command_line_error(&e))
}

fn command_line_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayVersion => {
            say(&format!("gongkai {}", env!("CARGO_PKG_VERSION")));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let context = |kind: ContextKind| -> String {
        match e.get(kind) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join("、"),
            Some(ContextValue::StyledStr(s)) => s.to_string(),
            Some(ContextValue::StyledStrs(v)) => v
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
            Some(ContextValue::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let arg = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let sub = context(ContextKind::InvalidSubcommand);
    let mut message = match e.kind() {
        ErrorKind::InvalidSubcommand => format!("没有「{sub}」这个命令"),
        ErrorKind::UnknownArgument => format!("不认识「{arg}」这个选项"),
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} 后面缺少值"),
        ErrorKind::InvalidValue => format!("{arg} 的值不能是「{value}」"),
        ErrorKind::ValueValidation => format!("{arg} 的值「{value}」不对"),
        ErrorKind::MissingRequiredArgument => format!("缺少 {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_string()
        }
        ErrorKind::ArgumentConflict => format!("{arg} 不能和别的选项一起用"),
        ErrorKind::TooManyValues => format!("多写了「{value}」"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!("{arg} 的值个数不对"),
        ErrorKind::NoEquals => format!("{arg} 要写成 {arg}=值"),
        ErrorKind::InvalidUtf8 => "命令行里有无法识别的字符".to_string(),
        _ => "命令行写法不对".to_string(),
    };
    let valid = context(ContextKind::ValidValue);
    if !valid.is_empty() {
        message.push_str(&format!("；可以写：{valid}"));
    }
    let suggested = match (
        context(ContextKind::SuggestedSubcommand),
        context(ContextKind::SuggestedArg),
    ) {
        (s, _) if !s.is_empty() => format!("；是不是想写 {s}？"),
        (_, a) if !a.is_empty() => format!("；是不是想写 {a}？"),
        _ => String::new(),
    };
    message.push_str(&suggested);
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "错误：{message}");
    let _ = writeln!(
        err,
        "命令有：build、serve、check、new、init、publish、explain；用 gongkai --help 或 gongkai <命令> --help 查看用法。"
    );
    ExitCode::from(2)
}

fn print_text(diags: &[Diagnostic]) {
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

/// Prints to stdout; a closed pipe (`gongkai check | head`) is not worth a panic.
fn say(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// What `serve` reports, in the words the person at the terminal reads.
fn serve_event(event: serve::Event<'_>) {
    use serve::Event;
    match event {
        Event::Diagnostics(diags) => {
            let mut err = std::io::stderr().lock();
            for d in diags {
                let _ = writeln!(err, "{}", render_text(d));
            }
        }
        Event::Built {
            records,
            pages,
            secs,
        } => say(&format!(
            "已生成 {records} 条记录（{pages} 个页面），用时 {secs:.2} 秒"
        )),
        Event::FirstBuildFailed => eprintln!("网站有错误，改正后会自动重新生成。"),
        Event::Listening { url, exposed } => {
            if exposed {
                eprintln!(
                    "警告：--bind 的地址不是本机回环地址，同一网络里的其他电脑也能打开这个预览网站（包括还没发布的草稿和修改）。只想自己看，就去掉 --bind 或写 --bind 127.0.0.1。"
                );
            }
            say(&format!("网站预览：{url}  （按 Ctrl+C 停止）"));
        }
        Event::Rebuilt { records, pages, ms } => say(&format!(
            "已重新生成 {records} 条记录（{pages} 个页面），用时 {ms} 毫秒"
        )),
        Event::RebuildFailed { errors, ms } => eprintln!(
            "发现 {errors} 个错误（用时 {ms} 毫秒）；浏览器里继续显示上一次成功生成的网站。"
        ),
        Event::PagesFailed { count } => {
            eprintln!("有 {count} 个页面的模板出错；浏览器里继续显示能生成的页面。")
        }
        Event::WatchFailed { path, error } => {
            eprintln!("警告：无法监视 {}：{error}", path.display())
        }
    }
    let _ = std::io::stdout().flush();
}

/// The editor's address on the server whose site is at `url`.
fn editor_url(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let host_end = url[start..].find('/').map_or(url.len(), |i| start + i);
    format!("{}{}", &url[..host_end], serve::EDIT_PREFIX)
}

/// Whether `--bind`'s address is a loopback one (`127.0.0.1`, `::1`, `localhost`).
fn is_loopback(bind: &str) -> bool {
    let bare = bind.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn bad_now(s: &str) -> ExitCode {
    eprintln!("错误：--now 的值「{s}」不是日期；写成 2026-11-21 或 2026-11-21T09:00:00+08:00");
    ExitCode::from(2)
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build {
            output,
            now,
            drafts,
            base_url,
        } => {
            // A malformed --base-url is a command-line mistake (exit 2), not a site error.
            if let Some(u) = &base_url
                && crate::config::split_base_url(u).is_none()
            {
                eprintln!(
                    "错误：--base-url 的值「{u}」不是完整的网址；写成 https://gongkai.xingfuli.cn/ 这样以 http:// 或 https:// 开头的网址"
                );
                return ExitCode::from(2);
            }
            let started = Instant::now();
            let output = output.unwrap_or_else(|| cli.root.join("output"));
            let opts = Options {
                root: cli.root.clone(),
                output: Some(output),
                now,
                drafts,
                base_url,
            };
            let progress = crate::progress::Progress::start();
            let outcome = build::run_with(&opts, &|stage| progress.stage(stage));
            progress.finish();
            match outcome {
                Outcome::BadNow(s) => bad_now(&s),
                Outcome::Failed(diags) => {
                    print_text(&diags);
                    ExitCode::from(1)
                }
                Outcome::Done {
                    diags,
                    records,
                    files,
                    images,
                    kept,
                    unchanged,
                } => {
                    print_text(&diags);
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
                    ExitCode::SUCCESS
                }
            }
        }
        Command::Check { now, format } => {
            let opts = Options {
                root: cli.root.clone(),
                output: None,
                now,
                drafts: false,
                base_url: None,
            };
            let (diags, code) = match build::run(&opts) {
                Outcome::BadNow(s) => return bad_now(&s),
                Outcome::Failed(diags) => (diags, ExitCode::from(1)),
                Outcome::Done { diags, .. } => (diags, ExitCode::SUCCESS),
            };
            match format {
                Format::Json => say(&render_json(&diags)),
                Format::Text => {
                    print_text(&diags);
                    if diags.iter().all(|d| d.severity != Severity::Error) {
                        say("检查通过");
                    }
                }
            }
            code
        }
        Command::Serve {
            port,
            bind,
            now,
            drafts,
            edit,
        } => {
            if edit && !is_loopback(&bind) {
                eprintln!(
                    "错误：--edit 只能在本机回环地址上使用（不写 --bind，或写 --bind 127.0.0.1），因为编辑台可以改动网站的文件；「{bind}」不是本机回环地址。"
                );
                return ExitCode::from(2);
            }
            let editor = edit.then(|| crate::edit::handler(&cli.root, now.clone()));
            let settings = serve::Settings {
                root: cli.root,
                bind,
                port,
                now,
                drafts,
                edit: editor,
            };
            let report = move |event: serve::Event<'_>| {
                let editor_at = match &event {
                    serve::Event::Listening { url, .. } if edit => Some(editor_url(url)),
                    _ => None,
                };
                serve_event(event);
                if let Some(at) = editor_at {
                    say(&format!("编辑台：{at}  （只在这台电脑上能打开）"));
                }
            };
            match serve::run(settings, Arc::new(report)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(serve::ServeError::BadNow(s)) => bad_now(&s),
                Err(serve::ServeError::Bind { addr, error }) => {
                    eprintln!("错误：无法监听 {addr}：{}", crate::diag::io_zh(&error));
                    ExitCode::from(2)
                }
                Err(serve::ServeError::Start(why)) => {
                    eprintln!("错误：{why}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::New { kind, title, date } => {
            scaffold::new_record(&cli.root, kind, &title, date.as_deref())
        }
        Command::Init { dir } => scaffold::init(&dir),
        Command::Explain { all: true, .. } => {
            say(&codes::manual_page());
            ExitCode::SUCCESS
        }
        Command::Explain { code, .. } => explain(code.as_deref().unwrap_or_default()),
        Command::Publish { output, now } => publish(&cli.root, output, now),
    }
}

/// `gongkai explain CODE`: the explanation, or the codes nearest to an unknown one (exit 2).
fn explain(code: &str) -> ExitCode {
    match codes::find(code) {
        Some(entry) => {
            say(&codes::render(entry));
            ExitCode::SUCCESS
        }
        None => {
            let near = codes::nearest(code, 5);
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "错误：没有「{code}」这个代码。");
            if near.is_empty() {
                let _ = writeln!(
                    err,
                    "代码写成 E-FIELD-MISSING 这样，在 check 的输出里 error[…] 或 warning[…] 的方括号中。"
                );
            } else {
                let _ = writeln!(err, "相近的代码：{}", near.join("、"));
            }
            ExitCode::from(2)
        }
    }
}

/// A build's last line (cli.md): what was written and how long it took.
fn summary_line(records: usize, files: usize, started: Instant) -> String {
    format!(
        "已生成 {records} 条记录，共 {files} 个文件，用时 {:.2} 秒",
        started.elapsed().as_secs_f64()
    )
}

/// `gongkai publish`: the ledger first, then the build that shows it.
fn publish(root: &std::path::Path, output: Option<PathBuf>, now: Option<String>) -> ExitCode {
    let started = Instant::now();
    let opts = Options {
        root: root.to_path_buf(),
        output: Some(output.unwrap_or_else(|| root.join("output"))),
        now,
        drafts: false,
        base_url: None,
    };
    let progress = crate::progress::Progress::start();
    let (recorded, outcome) = build::publish(&opts, &|stage| progress.stage(stage));
    progress.finish();
    match outcome {
        Outcome::BadNow(s) => bad_now(&s),
        Outcome::Failed(diags) => {
            print_text(&diags);
            if recorded > 0 {
                say(&format!("已在发布台账登记 {recorded} 条，但网站没有生成"));
            } else {
                say("发布台账没有改动");
            }
            ExitCode::from(1)
        }
        Outcome::Done {
            diags,
            records,
            files,
            ..
        } => {
            print_text(&diags);
            say(&match recorded {
                0 => "没有新增或改动的记录，发布台账没有改动".to_string(),
                n => format!("已在发布台账登记 {n} 条（新版本或撤下）"),
            });
            say(&summary_line(records, files, started));
            ExitCode::SUCCESS
        }
    }
}
