//! `gongkai new`: prints the new record's path, or why it was not written.

use super::Status;
use super::print::{say, say_err};
use crate::scaffold::{self, NewError, RecordKind};
use clap::ValueEnum;
use std::path::Path;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// 记录的种类：meeting（会议记录）、notice（公示公告）、problem（问题墙）、service（清单）、page（普通页面）
    #[arg(value_enum, value_name = "种类", hide_possible_values = true)]
    kind: Kind,
    /// 标题，例如 "关于5号楼加装电梯的公示"
    #[arg(value_name = "标题")]
    title: String,
    /// 记录的日期，默认是今天；例如 2026-11-21
    #[arg(long, value_name = "日期")]
    date: Option<String>,
}

/// The kinds as the command line spells them.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Kind {
    Meeting,
    Notice,
    Problem,
    Service,
    Page,
}

impl From<Kind> for RecordKind {
    fn from(kind: Kind) -> RecordKind {
        match kind {
            Kind::Meeting => RecordKind::Meeting,
            Kind::Notice => RecordKind::Notice,
            Kind::Problem => RecordKind::Problem,
            Kind::Service => RecordKind::Service,
            Kind::Page => RecordKind::Page,
        }
    }
}

pub(super) fn run(root: &Path, args: &Args) -> Status {
    let made = scaffold::new_record(
        root,
        args.kind.into(),
        &args.title,
        args.date.as_deref(),
        &mut |warning| say_err(&format!("警告：{warning}")),
    );
    match made {
        Ok(created) => {
            say(&created.path);
            Status::Done
        }
        Err(e) => {
            say_err(&format!("错误：{e}"));
            match e {
                NewError::EmptyTitle | NewError::BadDate { .. } => Status::CommandLine,
                NewError::NoSiteYaml { .. }
                | NewError::ReadSiteYaml(_)
                | NewError::CreateDir { .. }
                | NewError::Exists { .. }
                | NewError::Write { .. } => Status::Failed,
            }
        }
    }
}
