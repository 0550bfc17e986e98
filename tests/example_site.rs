//! The example community at the repository root builds at 2026-11-21 as its authors intended:
//! no errors, only the warnings an example is meant to give (its example domain and sample names,
//! and the three missing periods its 公开目录 was written to show), and the statuses its notices
//! and problems were written to show.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn example_output() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = kept_dir("example-site-");
        let out = dir.join("out");
        let root = repo_root();
        let r = run([
            OsStr::new("--root"),
            root.as_os_str(),
            OsStr::new("build"),
            OsStr::new("--now"),
            OsStr::new(NOW),
            OsStr::new("--output"),
            out.as_os_str(),
        ]);
        r.assert_code(0);
        assert!(
            !r.stderr.contains("error["),
            "the example builds without errors: {}",
            r.describe()
        );
        out
    })
}

fn by_key(out: &Path, file: &str, key: &str) -> BTreeMap<String, Value> {
    read_json(out, file)
        .as_array()
        .unwrap_or_else(|| panic!("{file} is an array"))
        .iter()
        .map(|v| {
            (
                v[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{key} in {v}"))
                    .to_string(),
                v.clone(),
            )
        })
        .collect()
}

#[test]
fn example_checks_without_errors_or_warnings() {
    let root = repo_root();
    let r = run([
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("check"),
        OsStr::new("--now"),
        OsStr::new(NOW),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    r.assert_code(0);
    let diags = parse_diags(&r.stdout);
    // The intended warnings are those of an example: its example.cn address and the names marked
    // 示例 (a real site changes them), and the three periods the 公开目录 shows as missing
    // (site.yaml's catalogue). Every 公示 has an objection contact, no stray fields.
    let found: Vec<(&str, &str, u32)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.file.as_str(), d.line))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "W-PLACEHOLDER",
                "content/problems/2026-002-5hao-dianti.md",
                9
            ),
            ("W-EXAMPLE-DOMAIN", "site.yaml", 6),
            ("W-CATALOGUE-MISSING", "site.yaml", 77),
            ("W-CATALOGUE-MISSING", "site.yaml", 101),
            ("W-CATALOGUE-MISSING", "site.yaml", 106),
            ("W-PLACEHOLDER", "site.yaml", 116),
            ("W-PLACEHOLDER", "site.yaml", 122),
        ],
        "unexpected diagnostics:\n{}",
        list(&diags)
    );
    assert!(
        diags.iter().all(|d| d.severity == "warning"),
        "{}",
        list(&diags)
    );
    let missing: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "W-CATALOGUE-MISSING")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(missing.len(), 3, "{}", list(&diags));
    assert!(
        missing[0].contains("第二网格党支部 2026年10月"),
        "{}",
        missing[0]
    );
    assert!(missing[1].contains("2026年9月") && missing[1].contains("52 天"));
    assert!(missing[2].contains("2026年第二季度") && missing[2].contains("129 天"));
}

#[test]
fn example_publishes_at_least_forty_records() {
    let root = repo_root();
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let r = run([
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("build"),
        OsStr::new("--now"),
        OsStr::new(NOW),
        OsStr::new("--output"),
        out.as_os_str(),
    ]);
    r.assert_code(0);
    let line = r.stdout.lines().last().unwrap_or_default();
    let records: usize = line
        .strip_prefix("已生成 ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("last line says what was written: {line:?}"));
    // 62 Markdown files: _index.md, one draft and one unlisted notice are not records/published.
    assert!(records >= 40, "{records} records");
    assert_eq!(records, 57, "{line}");
    // The same inputs give the same bytes as the shared build.
    let diff = snapshot_diff(&snapshot(example_output()), &snapshot(&out));
    assert!(
        diff.is_empty(),
        "two builds of the example differ: {diff:?}"
    );
}

#[test]
fn example_notices_have_the_intended_statuses() {
    let out = example_output();
    let n = by_key(out, "data/notices.json", "slug");
    let status = |slug: &str| -> (Option<&str>, Option<&str>) {
        let v = n
            .get(slug)
            .unwrap_or_else(|| panic!("{slug} not published: {:?}", n.keys()));
        (v["status"].as_str(), v["status_label"].as_str())
    };
    // 11-17 + 5 working days → 11-23: in its period on 11-21.
    assert_eq!(
        status("2026-11-dangyuan-gongshi"),
        (Some("active"), Some("公示中"))
    );
    assert_eq!(
        n["2026-11-dangyuan-gongshi"]["publicity"]["end"],
        "2026-11-23"
    );
    assert_eq!(n["2026-11-dangyuan-gongshi"]["days_left"], 3);
    assert_eq!(
        status("2026-11-jiazhuang-dianti-fentan-gongshi"),
        (Some("active"), Some("公示中"))
    );
    assert_eq!(
        status("2026-dibao-sanbang"),
        (Some("active"), Some("公示中"))
    );
    assert_eq!(n["2026-dibao-sanbang"]["days_left"], 2);
    // 评先评优公示.md: starts 11-24.
    assert_eq!(
        status("ping-xian-ping-you-gong-shi"),
        (Some("upcoming"), Some("未开始"))
    );
    assert_eq!(status("2026-dibao-yibang"), (Some("ended"), Some("已结束")));
    assert_eq!(status("2026-dibao-erbang"), (Some("ended"), Some("已结束")));
    assert_eq!(
        status("2026-05-zhuanzheng-gongshi"),
        (Some("ended"), Some("已结束"))
    );
    // 09-07 + 10 working days → 09-18.
    assert_eq!(
        status("2026-09-jiazhuang-dianti-gongshi"),
        (Some("ended"), Some("已结束"))
    );
    assert_eq!(
        n["2026-09-jiazhuang-dianti-gongshi"]["publicity"]["end"],
        "2026-09-18"
    );
    assert_eq!(
        status("2026-11-tingche-shoufei-gongshi"),
        (Some("withdrawn"), Some("已撤回"))
    );
    assert!(
        n["2026-11-tingche-shoufei-gongshi"]["withdrawn"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("重复计入"))
    );
    // Announcements, notifications and disclosures have no status.
    for slug in [
        "2026-10-lajifenlei-gonggao",
        "2026-10-weishishi-gongkai",
        "2026-11-minzhu-pingyi-tongzhi",
        "tingshui-1125",
        "2026-11-xiaofang-tongzhi",
        "2026-h1-dangfei-gongkai",
        "2026-q3-caiwu",
    ] {
        assert_eq!(status(slug), (None, None), "{slug}");
    }
    // Not in the exports: the draft, the unlisted (expired 09-30) and the redacted (expired 10-31).
    for gone in [
        "2026-12-daibiao-huiyi-tongzhi",
        "2026-06-zhuxue-gongshi",
        "2026-08-linshi-jiuzhu-gongshi",
    ] {
        assert!(!n.contains_key(gone), "{gone} must not be exported");
    }
    assert_eq!(n.len(), 16);
    assert!(
        !out.join("notices/2026-12-daibiao-huiyi-tongzhi").exists(),
        "draft"
    );
    assert!(
        !out.join("notices/2026-06-zhuxue-gongshi").exists(),
        "unlisted after expiry"
    );
    let redacted = read_out(out, "notices/2026-08-linshi-jiuzhu-gongshi/index.html");
    assert!(redacted.contains("2026年8月临时救助对象公示") && redacted.contains("撤下"));
    // The series page lists its other rounds.
    let sanbang = links(&read_out(out, "notices/2026-dibao-sanbang/index.html"));
    assert!(
        sanbang.iter().any(|l| l == "/notices/2026-dibao-yibang/")
            && sanbang.iter().any(|l| l == "/notices/2026-dibao-erbang/"),
        "{sanbang:?}"
    );
    // The financial bundle publishes its attachment beside the page.
    assert!(out.join("notices/2026-q3-caiwu/caiwu-mingxi.pdf").is_file());
}

#[test]
fn example_problems_have_the_intended_figures() {
    let out = example_output();
    let p = by_key(out, "data/problems.json", "id");
    assert_eq!(p.len(), 15);
    let overdue: Vec<(&str, i64)> = p
        .iter()
        .filter(|(_, v)| v["overdue"] == true)
        .map(|(k, v)| (k.as_str(), v["days_overdue"].as_i64().unwrap_or(-1)))
        .collect();
    // 2026-001 (deadline 11-15), 2026-003 (11-17), 2026-014 (10-31): unclosed and past their deadline.
    assert_eq!(
        overdue,
        [("2026-001", 6), ("2026-003", 4), ("2026-014", 21)]
    );
    let late: Vec<&str> = p
        .iter()
        .filter(|(_, v)| v["on_time"] == false)
        .map(|(k, _)| k.as_str())
        .collect();
    // 2026-006 was closed 09-10, after its 07-31 deadline.
    assert_eq!(late, ["2026-006"]);
    assert_eq!(p["2026-002"]["status"], "in_progress");
    assert_eq!(p["2026-005"]["status"], "resolved"); // written 已办结
    assert_eq!(p["2026-008"]["status"], "unresolvable"); // written 无法解决
    assert_eq!(p["2026-015"]["status"], "referred"); // written 已转办
    assert_eq!(p["2026-010"]["status"], "open"); // written 待办理
    let sat = p["2026-004"]["satisfaction"].as_f64().expect("rated");
    assert!((sat - 67.0 / 76.0).abs() < 1e-3, "(46+21)/76, got {sat}");
    let s = &read_json(out, "data/stats.json")["problems"];
    assert_eq!(s["total"], 15);
    assert_eq!(s["open"], 2);
    assert_eq!(s["in_progress"], 4);
    assert_eq!(s["overdue"], 3);
    assert_eq!(s["closed"], 9);
    assert_eq!(s["closed_on_time"], 8);
    assert_eq!(
        s["ratings"],
        serde_json::json!({"satisfied": 184, "basically": 60, "unsatisfied": 28, "total": 272})
    );
    assert_eq!(s["satisfaction_pct"], "89.7%"); // 244 / 272
    // The October meeting lists the two problems it put on the wall.
    let m = by_key(out, "data/meetings.json", "slug");
    assert_eq!(
        m["2026-10-lianxi"]["problems"],
        serde_json::json!(["2026-001", "2026-012"])
    );
    let page = links(&read_out(out, "meetings/2026-10-lianxi/index.html"));
    assert!(
        page.iter().any(|l| l == "/problems/2026-001/")
            && page.iter().any(|l| l == "/problems/2026-012/")
    );
}

#[test]
fn example_internal_links_all_resolve() {
    let out = example_output();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (path, html) in text_files(out, ".html") {
        for link in links(&html) {
            if !is_internal(&link) {
                continue;
            }
            checked += 1;
            let target = link.split(['#', '?']).next().unwrap_or_default();
            let rel = target.trim_start_matches('/');
            let file = if rel.is_empty() || rel.ends_with('/') {
                out.join(rel).join("index.html")
            } else {
                out.join(rel)
            };
            if !target.starts_with('/') || !file.is_file() {
                broken.push(format!("{path}: {link}"));
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(checked > 1000, "{checked}");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn example_catalogue_shows_every_status() {
    let out = example_output();
    let c = read_json(out, "data/catalogue.json");
    let status = |item: &str, unit: &str, period: &str| -> (String, Value) {
        let it = c["items"]
            .as_array()
            .and_then(|v| v.iter().find(|i| i["id"] == item))
            .unwrap_or_else(|| panic!("item {item}"));
        let u = it["units"]
            .as_array()
            .and_then(|v| v.iter().find(|u| u["id"] == unit))
            .unwrap_or_else(|| panic!("{item}: unit {unit}"));
        let p = u["periods"]
            .as_array()
            .and_then(|v| v.iter().find(|p| p["period"] == period))
            .unwrap_or_else(|| panic!("{item} {unit}: period {period}"));
        (
            p["status"].as_str().unwrap_or_default().to_string(),
            p["days_missing"].clone(),
        )
    };
    // 第二网格 held no 支委会 in October: due 10-31, 21 days before 11-21.
    assert_eq!(
        status("zhiweihui", "grid-2", "2026-10"),
        ("missing".into(), Value::from(21))
    );
    assert_eq!(status("zhiweihui", "grid-1", "2026-10").0, "done");
    assert_eq!(status("zhiweihui", "grid-2", "2026-11").0, "current");
    // 财务收支公开, quarterly with 15 days' grace from the second quarter: nothing by 07-15.
    assert_eq!(
        status("caiwu", "zongzhi", "2026-Q2"),
        ("missing".into(), Value::from(129))
    );
    assert_eq!(status("caiwu", "zongzhi", "2026-Q3").0, "done");
    assert_eq!(status("zuzhi-shenghuohui", "zongzhi", "2026").0, "done");
    assert_eq!(c["summary"]["missing"], 3);
    let html = std::fs::read_to_string(out.join("catalogue/index.html")).expect("catalogue page");
    assert!(
        html.contains("逾期未公开 21天"),
        "the missing 支委会 shows its days"
    );
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    assert!(home.contains("本期应公开") && home.contains("/catalogue/"));
}
