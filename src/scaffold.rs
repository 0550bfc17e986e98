//! `gongkai new` and `gongkai init`.

use crate::cli::NewKind;
use std::path::Path;
use std::process::ExitCode;

pub fn new_record(_root: &Path, _kind: NewKind, _title: &str, _date: Option<&str>) -> ExitCode {
    eprintln!("not yet");
    ExitCode::from(2)
}

pub fn init(_dir: &Path) -> ExitCode {
    eprintln!("not yet");
    ExitCode::from(2)
}
