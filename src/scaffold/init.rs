//! `gongkai init`: the example site in `init/`, with its dates moved relative to today.

use super::{DEFAULT_TZ, write_new};
use crate::dates::Today;
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const INIT_SITE: &str = include_str!("init/site.yaml");
const INIT_INDEX: &str = include_str!("init/_index.md");
const INIT_ABOUT: &str = include_str!("init/about.md");
const INIT_MEETING: &str = include_str!("init/meeting.md");
const INIT_NOTICE: &str = include_str!("init/notice.md");
const INIT_PROBLEM: &str = include_str!("init/problem.md");
const INIT_SERVICE: &str = include_str!("init/service.md");
const INIT_STATIC_NOTE: &str = include_str!("init/weihu-shuoming.txt");

/// The site `init` made, ready to build.
#[derive(Debug)]
pub struct NewSite {
    pub dir: PathBuf,
}

/// Why `init` stopped; files written before a failed write stay, as they were.
#[derive(Debug)]
pub enum InitError {
    NotADirectory(PathBuf),
    NotEmpty(PathBuf),
    ReadDir { dir: PathBuf, error: io::Error },
    Write { path: PathBuf, error: io::Error },
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::NotADirectory(dir) => {
                write!(f, "{} 已经存在，而且不是目录", dir.display())
            }
            InitError::NotEmpty(dir) => write!(
                f,
                "目录 {} 不是空的；gongkai init 只在新目录或空目录里建网站，不会覆盖已有文件",
                dir.display()
            ),
            InitError::ReadDir { dir, error } => {
                write!(
                    f,
                    "无法读取目录 {}：{}",
                    dir.display(),
                    crate::diag::io_zh(error)
                )
            }
            InitError::Write { path, error } => {
                write!(
                    f,
                    "写入 {} 失败：{}",
                    path.display(),
                    crate::diag::io_zh(error)
                )
            }
        }
    }
}

impl std::error::Error for InitError {}

/// Writes the example site into `dir`, which must be new or empty.
pub fn init(dir: &Path) -> Result<NewSite, InitError> {
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotADirectory(dir.to_path_buf()));
    }
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(InitError::NotEmpty(dir.to_path_buf()));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(InitError::ReadDir {
                dir: dir.to_path_buf(),
                error,
            });
        }
    }
    let tz = TimeZone::get(DEFAULT_TZ).unwrap_or(TimeZone::UTC);
    for (rel, text) in init_files(Today::from_clock(&tz).day) {
        let path = dir.join(&rel);
        let written = match path.parent() {
            Some(parent) => fs::create_dir_all(parent).and_then(|()| write_new(&path, &text)),
            None => write_new(&path, &text),
        };
        if let Err(error) = written {
            return Err(InitError::Write { path, error });
        }
    }
    Ok(NewSite {
        dir: dir.to_path_buf(),
    })
}

/// Every file of the example site, as (path under the site, text), with dates set around `today`
/// so that the 公示 is running and the problem is open whenever init is run.
fn init_files(today: Date) -> Vec<(String, String)> {
    let day = |n: i32| today.saturating_add(n.days()).to_string();
    let problem_date = today.saturating_sub(5.days());
    let problem_id = format!("{:04}-001", problem_date.year());
    let vars: Vec<(&str, String)> = vec![
        ("ABOUT_DATE", day(-30)),
        ("SERVICE_DATE", day(-30)),
        ("MEETING_DATE", day(-7)),
        ("PROBLEM_DATE", problem_date.to_string()),
        ("PROBLEM_DEADLINE", day(25)),
        ("PROGRESS_DATE", day(-1)),
        ("NOTICE_DATE", day(-2)),
        ("NOTICE_END", day(4)),
        ("PROBLEM_ID", problem_id.clone()),
    ];
    let f = |tpl: &str| fill(tpl, &vars);
    vec![
        ("site.yaml".into(), INIT_SITE.to_string()),
        (".gitignore".into(), "output/\n.gongkai/\n".into()),
        ("content/_index.md".into(), f(INIT_INDEX)),
        ("content/about.md".into(), f(INIT_ABOUT)),
        (
            "content/meetings/dangjian-lianxi-huiyi.md".into(),
            f(INIT_MEETING),
        ),
        (
            "content/notices/fazhan-duixiang-gongshi.md".into(),
            f(INIT_NOTICE),
        ),
        (
            format!("content/problems/{problem_id}-loudao-duiwu.md"),
            f(INIT_PROBLEM),
        ),
        ("content/services/fuwu-qingdan.md".into(), f(INIT_SERVICE)),
        (
            "static/files/weihu-shuoming.txt".into(),
            INIT_STATIC_NOTE.to_string(),
        ),
    ]
}

/// Replaces each `{{NAME}}` in one pass, so substituted text is never scanned again.
fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            vars.iter()
                .find(|(k, _)| *k == &after[..end])
                .map(|(_, v)| (end, v))
        });
        match value {
            Some((end, v)) => {
                out.push_str(v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).expect("test date")
    }

    #[test]
    fn fill_replaces_once_and_keeps_unknown_markers() {
        let vars = vec![("A", "{{B}}".to_string()), ("B", "b".to_string())];
        assert_eq!(fill("x{{A}}y{{B}}z{{C}}", &vars), "x{{B}}ybz{{C}}");
    }

    #[test]
    fn init_templates_have_no_unfilled_markers() {
        for (rel, text) in init_files(d("2026-01-02")) {
            assert!(!text.contains("{{"), "{rel} still has a marker");
        }
    }

    /// The example site must build without an error, with a running 公示 and an open problem,
    /// whatever day init runs on: year ends, leap days, years the calendar does not know. Its only
    /// warnings are the ones that remind a new site to replace the sample text and address.
    #[test]
    fn init_site_builds_clean_on_any_day() {
        use crate::pipeline::build::{self, Options, Outcome};
        for today in ["2026-01-03", "2026-12-30", "2028-02-29", "2031-07-15"] {
            let tmp = tempfile::tempdir().expect("temp dir");
            for (rel, text) in init_files(d(today)) {
                let path = tmp.path().join("site").join(rel);
                fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
                fs::write(&path, text).expect("write");
            }
            let out = tmp.path().join("out");
            let opts = Options {
                root: tmp.path().join("site"),
                output: Some(out.clone()),
                now: Some(today.into()),
                drafts: false,
                base_url: None,
            };
            match build::run(&opts) {
                Outcome::Done { diags, .. } => {
                    assert!(
                        diags
                            .iter()
                            .all(|d| ["W-PLACEHOLDER", "W-EXAMPLE-DOMAIN"].contains(&d.code)),
                        "{today}: {diags:?}"
                    );
                    assert!(
                        diags.iter().any(|d| d.code == "W-EXAMPLE-DOMAIN"),
                        "{today}"
                    );
                    assert!(diags.iter().any(|d| d.code == "W-PLACEHOLDER"), "{today}");
                }
                Outcome::Failed(diags) => panic!("{today}: {diags:?}"),
                Outcome::BadNow(s) => panic!("{today}: bad now {s}"),
            }
            let json = |name: &str| -> serde_json::Value {
                let text = fs::read_to_string(out.join("data").join(name)).expect("export written");
                serde_json::from_str(&text).expect("valid JSON")
            };
            let notices = json("notices.json");
            assert_eq!(notices[0]["status"], "active", "{today}: {notices}");
            let problems = json("problems.json");
            assert_eq!(problems[0]["status"], "in_progress", "{today}: {problems}");
            assert_eq!(problems[0]["overdue"], false, "{today}: {problems}");
            let meetings = json("meetings.json");
            assert_eq!(
                meetings[0]["problems"][0], problems[0]["id"],
                "{today}: the problem names the meeting"
            );
        }
    }

    #[test]
    fn init_problem_id_follows_the_problem_date_year() {
        let files = init_files(d("2027-01-02"));
        assert!(
            files
                .iter()
                .any(|(rel, _)| rel == "content/problems/2026-001-loudao-duiwu.md")
        );
    }

    #[test]
    fn init_refuses_a_file_and_a_folder_with_anything_in_it() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let file = tmp.path().join("a-file");
        fs::write(&file, "x").expect("file");
        match init(&file) {
            Err(e @ InitError::NotADirectory(_)) => {
                assert!(e.to_string().contains("不是目录"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        let site = init(&tmp.path().join("site")).expect("a new folder");
        assert!(site.dir.join("site.yaml").is_file());
        assert!(
            matches!(init(&site.dir), Err(InitError::NotEmpty(_))),
            "a second init into the same folder"
        );
    }
}
