//! `gongkai new` and `gongkai init`, run as the real binary on temporary sites.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

const COMMON: &[&str] = &[
    "title",
    "date",
    "updated",
    "slug",
    "summary",
    "tags",
    "org",
    "draft",
    "attachments",
    "approval",
    "expires",
    "after_expiry",
    "privacy_allow",
    "extra",
];
// content.md §2, per kind, including the keys of nested maps.
const MEETING: &[&str] = &[
    "kind",
    "theme",
    "location",
    "host",
    "recorder",
    "attendance",
    "expected",
    "present",
    "on_leave",
    "participants",
    "decisions",
    "item",
    "decision",
    "votes",
];
const NOTICE: &[&str] = &[
    "kind",
    "category",
    "publicity",
    "start",
    "end",
    "working_days",
    "contact",
    "name",
    "phone",
    "address",
    "email",
    "series",
    "round",
    "withdrawn",
    "reason",
];
const PROBLEM: &[&str] = &[
    "id",
    "source",
    "meeting",
    "location",
    "responsible",
    "unit",
    "person",
    "measures",
    "deadline",
    "status",
    "progress",
    "text",
    "echo",
    "result",
    "evaluation",
];
const SERVICE: &[&str] = &[
    "kind",
    "provider",
    "items",
    "name",
    "category",
    "target",
    "location",
    "hours",
    "contact",
    "fee",
    "description",
    "status",
    "budget",
    "funding",
    "beneficiaries",
];

fn gongkai(args: &[&str], root: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    if let Some(root) = root {
        cmd.arg("--root").arg(root);
    }
    cmd.args(args).output().expect("run gongkai")
}

fn init(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("init")
        .arg(dir)
        .output()
        .expect("run gongkai init")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// A fresh site made by `gongkai init`, in `tmp/site`.
fn init_site() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().expect("temp dir");
    let site = tmp.path().join("site");
    let out = init(&site);
    assert_eq!(code(&out), 0, "init failed: {}", stderr(&out));
    (tmp, site)
}

fn assert_check_passes(site: &Path) {
    let out = gongkai(&["check"], Some(site));
    assert_eq!(code(&out), 0, "check failed:\n{}", stderr(&out));
    assert!(!stderr(&out).contains("error["), "{}", stderr(&out));
}

/// Runs `new`, asserts success, returns the printed path and the file's text.
fn new_record(site: &Path, args: &[&str]) -> (String, String) {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    let out = gongkai(&all, Some(site));
    assert_eq!(code(&out), 0, "new {args:?} failed: {}", stderr(&out));
    let rel = stdout(&out).trim().to_string();
    assert!(
        !rel.contains('\\') && !rel.starts_with('/'),
        "path must be root-relative with /: {rel}"
    );
    let text =
        fs::read_to_string(site.join(&rel)).unwrap_or_else(|e| panic!("{rel} not written: {e}"));
    (rel, text)
}

/// The front matter's lines (between the two `---`).
fn front_matter(text: &str) -> Vec<&str> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("---"), "front matter must open the file");
    lines.take_while(|l| *l != "---").collect()
}

/// `key:` written as a key, set or commented out, at any depth or as a list item.
fn has_key(lines: &[&str], key: &str) -> bool {
    let prefix = format!("{key}:");
    lines.iter().any(|line| {
        let t = line.trim_start();
        let t = t.strip_prefix('#').map_or(t, str::trim_start);
        let t = t.strip_prefix("- ").unwrap_or(t);
        t.starts_with(&prefix)
    })
}

/// `key:` set, not commented out, at the top level.
fn is_set(lines: &[&str], key: &str) -> bool {
    lines.iter().any(|l| l.starts_with(&format!("{key}:")))
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[test]
fn init_builds_clean_and_shows_every_kind() {
    let tmp = TempDir::new().expect("temp dir");
    let site = tmp.path().join("new-site");
    let out = init(&site);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown = format!("cd {} && gongkai serve", site.display());
    assert!(
        stdout(&out).contains(&shown),
        "next steps missing: {}",
        stdout(&out)
    );

    let output = tmp.path().join("out");
    let built = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("--root")
        .arg(&site)
        .arg("build")
        .arg("--output")
        .arg(&output)
        .output()
        .expect("run build");
    assert_eq!(code(&built), 0, "build failed:\n{}", stderr(&built));
    // No error, and no warning but the reminders to replace the sample text and address: the
    // example is what people copy from, and what they must not publish as it is.
    let said = stderr(&built);
    let warnings: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("warning[") || l.starts_with("error["))
        .map(|l| l.split(']').next().unwrap_or_default())
        .collect();
    assert!(
        !warnings.is_empty()
            && warnings
                .iter()
                .all(|w| *w == "warning[W-PLACEHOLDER" || *w == "warning[W-EXAMPLE-DOMAIN"),
        "diagnostics:\n{}",
        stderr(&built)
    );
    assert!(
        warnings.contains(&"warning[W-EXAMPLE-DOMAIN"),
        "{}",
        stderr(&built)
    );

    let problem_ids: Vec<String> = fs::read_dir(site.join("content/problems"))
        .expect("problems dir")
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.get(..8))
                .map(str::to_string)
        })
        .collect();
    assert_eq!(problem_ids.len(), 1, "one example problem");
    for page in [
        "index.html".to_string(),
        "about/index.html".into(),
        "notices/fazhan-duixiang-gongshi/index.html".into(),
        "meetings/dangjian-lianxi-huiyi/index.html".into(),
        format!("problems/{}/index.html", problem_ids[0]),
        "services/fuwu-qingdan/index.html".into(),
        "org/grid-2/index.html".into(),
        "files/weihu-shuoming.txt".into(),
    ] {
        assert!(output.join(&page).is_file(), "{page} not built");
    }
    let json = |name: &str| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(output.join("data").join(name)).expect("export"))
            .expect("JSON")
    };
    assert_eq!(
        json("notices.json")[0]["status"],
        "active",
        "the example 公示 runs today"
    );
    assert_eq!(
        json("problems.json")[0]["overdue"],
        false,
        "the example problem is open, not overdue"
    );
    assert_eq!(
        json("meetings.json")[0]["problems"][0],
        problem_ids[0].as_str(),
        "the problem names the meeting"
    );
    assert!(
        fs::read_to_string(site.join("site.yaml"))
            .expect("site.yaml")
            .contains("base_url: https://example.cn/")
    );
}

#[test]
fn init_refuses_a_non_empty_dir_and_a_file() {
    let tmp = TempDir::new().expect("temp dir");
    let dir = tmp.path().join("busy");
    fs::create_dir(&dir).expect("mkdir");
    fs::write(dir.join("notes.txt"), "别动我").expect("write");
    let out = init(&dir);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("不是空的"), "{}", stderr(&out));
    assert!(!dir.join("site.yaml").exists(), "nothing may be written");
    assert_eq!(
        fs::read_to_string(dir.join("notes.txt")).expect("kept"),
        "别动我"
    );

    let file = tmp.path().join("a-file");
    fs::write(&file, "x").expect("write");
    assert_eq!(code(&init(&file)), 1);
    assert_eq!(fs::read_to_string(&file).expect("kept"), "x");

    // An existing empty directory is fine.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).expect("mkdir");
    assert_eq!(code(&init(&empty)), 0);
    assert!(empty.join("site.yaml").is_file());
}

#[test]
fn new_writes_every_field_of_every_kind_and_checks_clean() {
    let (_tmp, site) = init_site();
    let cases: [(&str, &str, &[&str], &[&str]); 5] = [
        (
            "meeting",
            "content/meetings/2026-11-21-",
            MEETING,
            &["title", "date", "kind", "draft"],
        ),
        (
            "notice",
            "content/notices/2026-11-21-",
            NOTICE,
            &["title", "date", "kind", "publicity", "contact", "draft"],
        ),
        (
            "problem",
            "content/problems/2026-",
            PROBLEM,
            &[
                "title",
                "id",
                "date",
                "responsible",
                "measures",
                "deadline",
                "status",
                "draft",
            ],
        ),
        (
            "service",
            "content/services/2026-11-21-",
            SERVICE,
            &["title", "date", "kind", "items", "draft"],
        ),
        ("page", "content/", &[], &["title", "draft"]),
    ];
    let mut pages = Vec::new();
    for (kind, prefix, own, required) in cases {
        let title = format!("新建{kind}测试");
        let (rel, text) = new_record(&site, &[kind, &title, "--date", "2026-11-21"]);
        assert!(
            rel.starts_with(prefix) && rel.ends_with(".md"),
            "{kind}: {rel}"
        );
        let lines = front_matter(&text);
        for key in COMMON.iter().chain(own) {
            assert!(has_key(&lines, key), "{kind}: `{key}` missing from\n{text}");
        }
        for key in required {
            assert!(
                is_set(&lines, key),
                "{kind}: required `{key}` not filled in\n{text}"
            );
        }
        assert!(
            lines.iter().any(|l| l.starts_with("draft: false ")),
            "{kind}: draft: false expected"
        );
        // Every top-level line carries a Chinese comment.
        for line in lines.iter().filter(|l| !l.starts_with(' ')) {
            let comment = line.rfind(" # ").map(|i| &line[i..]);
            assert!(
                comment.is_some_and(|c| c.chars().any(is_han)),
                "{kind}: no Chinese comment on `{line}`"
            );
        }
        assert!(
            text.contains(&format!("title: \"{title}\"")),
            "{kind}: title not written\n{text}"
        );
        // Where each record is published: problems under their id, pages mirroring their path.
        let stem = rel
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".md");
        pages.push(match kind {
            "problem" => format!("problems/{}/index.html", &stem[..8]),
            "page" => format!("{stem}/index.html"),
            _ => format!(
                "{}/{stem}/index.html",
                rel.split('/').nth(1).unwrap_or_default()
            ),
        });
    }
    assert_check_passes(&site);
    // …and the new records are really published.
    let output = site.join("output");
    let built = gongkai(&["build"], Some(&site));
    assert_eq!(code(&built), 0, "{}", stderr(&built));
    assert!(
        pages.contains(&"xin-jian-page-ce-shi/index.html".to_string()),
        "{pages:?}"
    );
    for page in pages {
        assert!(output.join(&page).is_file(), "{page} not built");
    }
}

#[test]
fn new_refuses_to_overwrite() {
    let (_tmp, site) = init_site();
    let args = ["meeting", "支委会", "--date", "2026-11-21"];
    let (rel, _) = new_record(&site, &args);
    let edited = fs::read_to_string(site.join(&rel)).expect("written") + "\n已经写好的会议内容。\n";
    fs::write(site.join(&rel), &edited).expect("edit");

    let mut all = vec!["new"];
    all.extend_from_slice(&args);
    let again = gongkai(&all, Some(&site));
    assert_eq!(code(&again), 1, "{}", stderr(&again));
    assert!(
        stderr(&again).contains(&rel),
        "the message names the file: {}",
        stderr(&again)
    );
    assert!(
        stdout(&again).trim().is_empty(),
        "no path printed on failure"
    );
    assert_eq!(
        fs::read_to_string(site.join(&rel)).expect("kept"),
        edited,
        "the file must be left as it was"
    );
}

#[test]
fn problem_ids_count_up_per_year() {
    let tmp = TempDir::new().expect("temp dir");
    let site = tmp.path();
    fs::write(
        site.join("site.yaml"),
        "title: 测试\ncommunity: 测试社区\nbase_url: https://example.cn/\n",
    )
    .expect("site");

    let (rel1, text1) = new_record(site, &["problem", "路灯不亮", "--date", "2026-03-02"]);
    assert_eq!(rel1, "content/problems/2026-001-lu-deng-bu-liang.md");
    assert!(text1.contains("\nid: 2026-001"), "{text1}");
    assert!(
        text1.contains("\ndeadline: 2026-04-01"),
        "deadline is 30 days on: {text1}"
    );
    let (rel2, text2) = new_record(site, &["problem", "路灯不亮", "--date", "2026-03-02"]);
    assert_eq!(
        rel2, "content/problems/2026-002-lu-deng-bu-liang.md",
        "same title, next id: no clash"
    );
    assert!(text2.contains("\nid: 2026-002"), "{text2}");

    // The highest id counts, wherever the file is (a bundle here) and however it is named.
    let bundle = site.join("content/problems/old");
    fs::create_dir_all(&bundle).expect("mkdir");
    fs::write(
        bundle.join("index.md"),
        "---\ntitle: 旧问题\nid: \"2026-017\"\ndate: 2026-01-05\nresponsible: {unit: 居委会}\nmeasures: [清理]\n\
         deadline: 2026-02-01\nstatus: open\n---\n",
    )
    .expect("write");
    let (rel3, _) = new_record(site, &["problem", "3号楼漏水", "--date", "2026-05-01"]);
    assert_eq!(rel3, "content/problems/2026-018-3-hao-lou-lou-shui.md");
    let (rel4, text4) = new_record(site, &["problem", "新年第一件", "--date", "2027-01-04"]);
    assert!(
        rel4.starts_with("content/problems/2027-001-"),
        "ids restart each year: {rel4}"
    );
    assert!(text4.contains("\ndate: 2027-01-04"), "{text4}");
    assert_check_passes(site);
}

#[test]
fn titles_with_quotes_colons_and_backslashes_survive() {
    let (_tmp, site) = init_site();
    let title = r#"关于"停水": 3号楼 \ 今晚 #2 的通知'"#;
    let (rel, text) = new_record(&site, &["notice", title, "--date", "2026-11-21"]);
    assert!(
        text.contains(r#"title: "关于\"停水\": 3号楼 \\ 今晚 #2 的通知'""#),
        "{text}"
    );
    let output = site.join("output");
    let built = gongkai(&["build"], Some(&site));
    assert_eq!(code(&built), 0, "{}", stderr(&built));

    let exported: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(output.join("data/notices.json")).expect("export"),
    )
    .expect("JSON");
    let titles: Vec<&str> = exported
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|n| n["title"].as_str())
        .collect();
    assert!(
        titles.contains(&title),
        "exact title not exported: {titles:?}"
    );
    let stem = rel
        .trim_start_matches("content/notices/")
        .trim_end_matches(".md");
    let html = fs::read_to_string(output.join("notices").join(stem).join("index.html"))
        .expect("page built");
    // Compare text, not markup: how the theme escapes quotes is its own business.
    let headings: Vec<String> = html
        .split("<h1>")
        .skip(1)
        .filter_map(|rest| rest.split("</h1>").next())
        .map(common::decode_entities)
        .collect();
    assert!(
        headings.iter().any(|h| h == title),
        "page does not show the exact title: {headings:?}"
    );
}

#[test]
fn bad_dates_and_empty_titles_are_command_line_errors() {
    let (_tmp, site) = init_site();
    let count = || {
        fs::read_dir(site.join("content/notices"))
            .expect("dir")
            .count()
    };
    let before = count();
    for date in ["2026-02-30", "tomorrow", "2026-11-21T09:00:00+08:00"] {
        let out = gongkai(&["new", "notice", "公示", "--date", date], Some(&site));
        assert_eq!(code(&out), 2, "--date {date}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--date") && stderr(&out).contains("2026-11-21"),
            "{}",
            stderr(&out)
        );
    }
    let out = gongkai(
        &["new", "notice", "  ", "--date", "2026-11-21"],
        Some(&site),
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(count(), before, "nothing may be written");
}

#[test]
fn new_without_a_site_says_how_to_make_one() {
    let tmp = TempDir::new().expect("temp dir");
    let out = gongkai(&["new", "page", "关于我们"], Some(tmp.path()));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("site.yaml") && stderr(&out).contains("gongkai init"),
        "{}",
        stderr(&out)
    );
    assert!(
        !tmp.path().join("content").exists(),
        "nothing may be written"
    );
}

#[test]
fn date_defaults_to_today_in_the_site_zone() {
    let (_tmp, site) = init_site();
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("zone");
    let before = jiff::Zoned::now()
        .with_time_zone(tz.clone())
        .date()
        .to_string();
    let (rel, text) = new_record(&site, &["meeting", "党课"]);
    let after = jiff::Zoned::now().with_time_zone(tz).date().to_string();
    // Either side of a midnight that falls during the run.
    let ok = |d: &str| {
        rel.starts_with(&format!("content/meetings/{d}-"))
            && text.contains(&format!("\ndate: {d} "))
    };
    assert!(ok(&before) || ok(&after), "{rel}\n{text}");
    assert!(text.contains("\nkind: 党员大会 "), "{text}");
    assert_check_passes(&site);
}

#[test]
fn new_with_a_broken_site_yaml_warns_and_writes_with_the_defaults() {
    let tmp = TempDir::new().expect("temp dir");
    let site = tmp.path();
    fs::write(site.join("site.yaml"), "title: [\n").expect("write site.yaml");
    let args = ["new", "meeting", "支委会", "--date", "2026-11-21"];
    let out = gongkai(&args, Some(site));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "警告：site.yaml 有错误（运行 gongkai check 查看），这次按默认设置填写\n"
    );
    let rel = stdout(&out).trim().to_string();
    let text = fs::read_to_string(site.join(&rel)).expect("written");
    // The first of the default meeting kinds, as site.yaml could not name its own.
    assert!(text.contains("\nkind: 党员大会 "), "{text}");

    // Refused the second time, after the same warning: both on stderr, in that order.
    let again = gongkai(&args, Some(site));
    assert_eq!(code(&again), 1, "{}", stderr(&again));
    assert_eq!(
        stderr(&again),
        format!(
            "警告：site.yaml 有错误（运行 gongkai check 查看），这次按默认设置填写\n\
             错误：{rel} 已经存在，没有覆盖它；换一个标题或 --date，或者先把原文件改名\n"
        )
    );
    assert!(stdout(&again).is_empty(), "{}", stdout(&again));
}
