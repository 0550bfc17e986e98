//! `gongkai serve`: the server runs in `serve`; this says what it reports.

use super::Status;
use super::print::{bad_now, say, say_err};
use crate::diag::render_text;
use crate::serve::{self, Event, ServeError};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct Args {
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
}

pub(super) fn run(root: PathBuf, args: Args) -> Status {
    let Args {
        port,
        bind,
        now,
        drafts,
        edit,
    } = args;
    if edit && !is_loopback(&bind) {
        say_err(&format!(
            "错误：--edit 只能在本机回环地址上使用（不写 --bind，或写 --bind 127.0.0.1），因为编辑台可以改动网站的文件；「{bind}」不是本机回环地址。"
        ));
        return Status::CommandLine;
    }
    let editor = edit.then(|| crate::edit::handler(&root, now.clone()));
    let settings = serve::Settings {
        root,
        bind,
        port,
        now,
        drafts,
        edit: editor,
    };
    let report = move |event: Event<'_>| {
        let editor_at = match &event {
            Event::Listening { url, .. } if edit => Some(editor_url(url)),
            _ => None,
        };
        print_event(event);
        if let Some(at) = editor_at {
            say(&format!("编辑台：{at}  （只在这台电脑上能打开）"));
        }
    };
    match serve::run(settings, Arc::new(report)) {
        Ok(()) => Status::Done,
        Err(ServeError::BadNow(s)) => bad_now(&s),
        Err(ServeError::Bind { addr, error }) => {
            say_err(&format!(
                "错误：无法监听 {addr}：{}",
                crate::diag::io_zh(&error)
            ));
            Status::CommandLine
        }
        Err(ServeError::Start(why)) => {
            say_err(&format!("错误：{why}"));
            Status::Failed
        }
    }
}

/// What `serve` reports, in the words the person at the terminal reads.
fn print_event(event: Event<'_>) {
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
        Event::FirstBuildFailed => say_err("网站有错误，改正后会自动重新生成。"),
        Event::Listening { url, exposed } => {
            if exposed {
                say_err(
                    "警告：--bind 的地址不是本机回环地址，同一网络里的其他电脑也能打开这个预览网站（包括还没发布的草稿和修改）。只想自己看，就去掉 --bind 或写 --bind 127.0.0.1。",
                );
            }
            say(&format!("网站预览：{url}  （按 Ctrl+C 停止）"));
        }
        Event::Rebuilt { records, pages, ms } => say(&format!(
            "已重新生成 {records} 条记录（{pages} 个页面），用时 {ms} 毫秒"
        )),
        Event::RebuildFailed { errors, ms } => say_err(&format!(
            "发现 {errors} 个错误（用时 {ms} 毫秒）；浏览器里继续显示上一次成功生成的网站。"
        )),
        Event::PagesFailed { count } => say_err(&format!(
            "有 {count} 个页面的模板出错；浏览器里继续显示能生成的页面。"
        )),
        Event::WatchFailed { path, error } => {
            say_err(&format!("警告：无法监视 {}：{error}", path.display()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_take_the_editor() {
        for bind in [
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "[::1]",
            "localhost",
            "LocalHost",
        ] {
            assert!(is_loopback(bind), "{bind}");
        }
        for bind in [
            "0.0.0.0",
            "::",
            "192.168.1.5",
            "example.com",
            "localhost.evil",
            "",
        ] {
            assert!(!is_loopback(bind), "{bind}");
        }
    }

    #[test]
    fn the_editor_sits_at_the_servers_root_whatever_the_sites_path() {
        assert_eq!(
            editor_url("http://127.0.0.1:1111/"),
            "http://127.0.0.1:1111/__gongkai/edit/"
        );
        assert_eq!(
            editor_url("http://[::1]:8080/shequ/"),
            "http://[::1]:8080/__gongkai/edit/"
        );
    }
}
