//! Argument parsing and exit codes only; the work is done by `build` and `scaffold`.

use crate::build::{self, Options, Outcome};
use crate::diag::{Diagnostic, Severity, render_json, render_text};
use crate::scaffold;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "gongkai",
    version,
    about = "社区党务居务公开网站生成器 — static sites for community disclosures"
)]
pub struct Cli {
    /// The site directory (the one holding site.yaml)
    #[arg(long, global = true, default_value = ".")]
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
    /// Build the whole site
    Build {
        /// Output directory (default: output/ under the root)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Fix "today": a date (2026-11-21) or an RFC 3339 datetime
        #[arg(long)]
        now: Option<String>,
        /// Include records marked draft
        #[arg(long)]
        drafts: bool,
        /// Override site.yaml's base_url
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Build, serve over HTTP and rebuild on changes
    Serve {
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[arg(long)]
        now: Option<String>,
        #[arg(long)]
        drafts: bool,
    },
    /// Every check build makes, writing nothing
    Check {
        #[arg(long)]
        now: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write a new record with every field of its kind
    New {
        #[arg(value_enum)]
        kind: NewKind,
        title: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Create a new site that builds as it is
    Init { dir: PathBuf },
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

fn bad_now(s: &str) -> ExitCode {
    eprintln!("error: --now 的值「{s}」不是日期；写成 2026-11-21 或 2026-11-21T09:00:00+08:00");
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
                    "error: --base-url 的值「{u}」不是完整的网址；写成 https://example.cn/ 这样以 http:// 或 https:// 开头的网址"
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
                } => {
                    print_text(&diags);
                    // Before the summary, which stays the last line (scripts read it).
                    if images.encoded + images.cached > 0 {
                        say(&format!(
                            "图片 {} 张：新处理 {} 张，沿用缓存 {} 张",
                            images.encoded + images.cached,
                            images.encoded,
                            images.cached
                        ));
                    }
                    say(&format!(
                        "built {records} records into {files} files in {:.2} s",
                        started.elapsed().as_secs_f64()
                    ));
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
        } => crate::serve::run(&cli.root, &bind, port, now, drafts),
        Command::New { kind, title, date } => {
            scaffold::new_record(&cli.root, kind, &title, date.as_deref())
        }
        Command::Init { dir } => scaffold::init(&dir),
    }
}
