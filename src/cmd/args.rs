//! clap in Chinese: every help text, and a mistake in the command line told in Chinese.

use super::print::say;
use super::{Cli, Status};
use std::io::Write;

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
pub(super) fn parse() -> Result<Cli, Status> {
    use clap::FromArgMatches;
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return Err(command_line_error(&e)),
    };
    Cli::from_arg_matches(&matches).map_err(|e| command_line_error(&e))
}

fn command_line_error(e: &clap::Error) -> Status {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp => {
            let _ = e.print();
            return Status::Done;
        }
        ErrorKind::DisplayVersion => {
            say(&format!("gongkai {}", env!("CARGO_PKG_VERSION")));
            return Status::Done;
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
    Status::CommandLine
}
