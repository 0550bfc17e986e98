//! Builds fixture sites with the real binary and checks the output against output.md and
//! content.md: the page table, statuses and figures in the exports, URLs, publication rules,
//! determinism and safe HTML.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `tests/fixtures/community` built once at `NOW`, shared by the read-only tests below.
fn community() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        // Kept for the whole test process; lives under target/tmp.
        let dir = kept_dir("build-site-");
        let out = dir.join("out");
        build_fixture_at("community", &out, NOW, &[]);
        out
    })
}

fn build_fixture_at(name: &str, out: &Path, now: &str, extra: &[&str]) {
    let root = fixture(name);
    let mut args: Vec<String> = vec![
        "--root".into(),
        root.display().to_string(),
        "build".into(),
        "--output".into(),
        out.display().to_string(),
        "--now".into(),
        now.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let run = run(&args);
    run.assert_code(0);
    assert!(run.stdout.contains("已生成 "), "{}", run.describe());
}

/// The element (from its `open` tag to just before its `close` tag) around the link to `href`.
fn element_around(html: &str, href: &str, open: &str, close: &str) -> String {
    let at = html
        .find(&format!("<a href=\"{href}\">"))
        .unwrap_or_else(|| panic!("no link to {href}"));
    let start = html[..at].rfind(open).expect("element start");
    let end = at + html[at..].find(close).expect("element end");
    html[start..end].to_string()
}

/// A fresh build of the community fixture at `now` into a temporary directory.
fn community_at(now: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    build_fixture_at("community", &out, now, &[]);
    (dir, out)
}

fn by_key(v: Value, key: &str) -> BTreeMap<String, Value> {
    let arr = v
        .as_array()
        .unwrap_or_else(|| panic!("expected a JSON array, got {v}"))
        .clone();
    let mut map = BTreeMap::new();
    for item in arr {
        let k = item[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key} in {item}"))
            .to_string();
        assert!(map.insert(k.clone(), item).is_none(), "duplicate {key} {k}");
    }
    map
}

fn notices(out: &Path) -> BTreeMap<String, Value> {
    by_key(read_json(out, "data/notices.json"), "slug")
}

fn problems(out: &Path) -> BTreeMap<String, Value> {
    by_key(read_json(out, "data/problems.json"), "id")
}

#[track_caller]
fn exists(out: &Path, rel: &str) {
    assert!(out.join(rel).is_file(), "missing output file {rel}");
}

#[track_caller]
fn absent(out: &Path, rel: &str) {
    assert!(!out.join(rel).exists(), "unexpected output {rel}");
}

/// The status fields of one notice in data/notices.json.
#[track_caller]
fn status_of(map: &BTreeMap<String, Value>, slug: &str) -> (Option<String>, Option<String>) {
    let n = map
        .get(slug)
        .unwrap_or_else(|| panic!("notice {slug} not in data/notices.json: {:?}", map.keys()));
    (
        n["status"].as_str().map(str::to_string),
        n["status_label"].as_str().map(str::to_string),
    )
}

#[track_caller]
fn assert_status(map: &BTreeMap<String, Value>, slug: &str, code: &str, label: &str) {
    assert_eq!(
        status_of(map, slug),
        (Some(code.to_string()), Some(label.to_string())),
        "status of {slug}"
    );
}

/// Every `href`/`src` of every HTML page under `out`.
fn all_links(out: &Path) -> Vec<(String, String)> {
    text_files(out, ".html")
        .into_iter()
        .flat_map(|(path, html)| links(&html).into_iter().map(move |l| (path.clone(), l)))
        .collect()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn every_page_of_the_page_table_exists() {
    let out = community();
    for rel in [
        "index.html",
        "404.html",
        "search/index.html",
        "kiosk/index.html",
        "echo/index.html",
        // notices: 14 published (2 per page) → 7 pages
        "notices/index.html",
        "notices/page/2/index.html",
        "notices/page/7/index.html",
        "notices/n-upcoming/index.html",
        "notices/n-starts-today/index.html",
        "notices/n-ends-today/index.html",
        "notices/n-ended/index.html",
        "notices/n-withdrawn/index.html",
        "notices/n-guoqing/index.html",
        "notices/n-tiaoxiu/index.html",
        "notices/n-zhongqiu/index.html",
        "notices/n-buban/index.html",
        "notices/n-gonggao/index.html",
        "notices/ping-xian-ping-you-gong-shi/index.html",
        "notices/2026-q3-caiwu/index.html",
        "notices/jiuzhu-redact/index.html",
        "notices/expires-today/index.html",
        "meetings/index.html",
        "meetings/2026-10-lianxi/index.html",
        "meetings/2026-09-dangri/index.html",
        // problems wall: 3 open items (2 per page) → 2 pages; every item has its page
        "problems/index.html",
        "problems/page/2/index.html",
        "problems/2026-001/index.html",
        "problems/2026-002/index.html",
        "problems/2026-003/index.html",
        "problems/2026-004/index.html",
        "problems/2026-005/index.html",
        "problems/2026-006/index.html",
        "problems/2026-007/index.html",
        "problems/2026-008/index.html",
        "services/index.html",
        "services/fuwu/index.html",
        "services/xiangmu/index.html",
        "services/xu-qiu-qing-dan/index.html",
        "org/zongzhi/index.html",
        "org/grid-1/index.html",
        "org/grid-1-b3/index.html",
        "org/grid-2/index.html",
        "tags/index.html",
        "tags/di-bao/index.html",
        "tags/lu-deng/index.html",
        "tags/dang-wu-gong-kai/index.html",
        // plain pages mirror content paths (Chinese folder and file names become pinyin)
        "about/index.html",
        "guide/weihu/index.html",
        "ban-shi-zhi-nan/zheng-ming-kai-ju/index.html",
        "data/notices.json",
        "data/meetings.json",
        "data/problems.json",
        "data/services.json",
        "data/stats.json",
        // static/ is copied to the output root unchanged
        "files/banshi.txt",
        // an image beside a plain page is published at its path
        "guide/tu.svg",
    ] {
        exists(out, rel);
    }
    // Two meetings fit on one page of 2.
    absent(out, "meetings/page/2/index.html");
    absent(out, "notices/page/8/index.html");
    absent(out, "problems/page/3/index.html");
    absent(out, "notices/page/1/index.html");
    assert_eq!(
        std::fs::read(out.join("files/banshi.txt")).expect("static copy"),
        std::fs::read(fixture("community").join("static/files/banshi.txt")).expect("static source")
    );
    // Every page is complete HTML with the site's language.
    let pages = text_files(out, ".html");
    assert!(pages.len() >= 55, "only {} HTML files", pages.len());
    for (path, html) in &pages {
        assert!(
            html.trim_start()
                .to_ascii_lowercase()
                .starts_with("<!doctype html>"),
            "{path} is not a complete page"
        );
        assert!(html.contains("lang=\"zh-CN\""), "{path} has no lang");
        assert!(
            html.contains("和平里社区党务居务公开") || html.contains("和平街道和平里社区"),
            "{path} lacks the site title"
        );
    }
    // Pages carry their own titles.
    assert!(read_out(out, "about/index.html").contains("关于我们"));
    assert!(read_out(out, "ban-shi-zhi-nan/zheng-ming-kai-ju/index.html").contains("证明开具"));
    assert!(read_out(out, "services/xu-qiu-qing-dan/index.html").contains("居民需求清单"));
    assert!(read_out(out, "org/grid-1-b3/index.html").contains("3号楼党小组"));
}

#[test]
fn list_pages_paginate_and_order() {
    let out = community();
    // 公示中 first: the two active notices fill page 1.
    let first = links(&read_out(out, "notices/index.html"));
    assert!(
        first.iter().any(|l| l == "/notices/n-starts-today/"),
        "{first:?}"
    );
    assert!(
        first.iter().any(|l| l == "/notices/n-ends-today/"),
        "{first:?}"
    );
    assert!(
        first.iter().any(|l| l == "/notices/page/2/"),
        "page 1 must link to page 2"
    );
    let second = links(&read_out(out, "notices/page/2/index.html"));
    assert!(
        !second
            .iter()
            .any(|l| l == "/notices/n-starts-today/" || l == "/notices/n-ends-today/"),
        "{second:?}"
    );
    assert!(
        second.iter().any(|l| l == "/notices/"),
        "page 2 must link back to page 1"
    );
    // Every published notice is on exactly one list page.
    let mut seen = BTreeMap::new();
    for n in 1..=7 {
        let rel = if n == 1 {
            "notices/index.html".to_string()
        } else {
            format!("notices/page/{n}/index.html")
        };
        let html = read_out(out, &rel);
        for slug in notices_on_page(&html) {
            *seen.entry(slug).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 14, "{seen:?}");
    assert!(seen.values().all(|&c| c == 1), "{seen:?}");
    assert!(!seen.contains_key("n-tongzhi") && !seen.contains_key("zhuxue-unlist"));

    // 问题墙: open and in-progress only, overdue first, then by deadline.
    let wall1 = read_out(out, "problems/index.html");
    let p1 = link_index(&wall1, "/problems/2026-001/")
        .expect("2026-001 (overdue since 11-11) on page 1");
    let p3 = link_index(&wall1, "/problems/2026-003/")
        .expect("2026-003 (overdue since 11-20) on page 1");
    assert!(p1 < p3, "overdue items ordered by deadline");
    let wall2 = read_out(out, "problems/page/2/index.html");
    assert!(
        link_index(&wall2, "/problems/2026-002/").is_some(),
        "the item due today comes after the overdue ones"
    );
    for closed in ["2026-004", "2026-005", "2026-006", "2026-007"] {
        let url = format!("/problems/{closed}/");
        assert!(
            link_index(&wall1, &url).is_none() && link_index(&wall2, &url).is_none(),
            "{closed} is closed and not on the wall"
        );
    }
    // 回音壁: closed items, newest echo first (004: 10-31, 005: 10-08, 006: 09-01, 007: 08-20).
    let echo = read_out(out, "echo/index.html");
    let a = link_index(&echo, "/problems/2026-004/").expect("004 on the echo wall");
    let b = link_index(&echo, "/problems/2026-005/").expect("005 on the echo wall");
    assert!(a < b);
    assert!(
        link_index(&echo, "/problems/2026-001/").is_none(),
        "open items are not on the echo wall"
    );
    // Meetings newest first.
    let meetings = read_out(out, "meetings/index.html");
    assert!(
        link_index(&meetings, "/meetings/2026-10-lianxi/").expect("10月")
            < link_index(&meetings, "/meetings/2026-09-dangri/").expect("9月")
    );
}

/// Where a link first appears among a page's links.
fn link_index(html: &str, url: &str) -> Option<usize> {
    links(html).iter().position(|l| l == url)
}

fn notices_on_page(html: &str) -> Vec<String> {
    let mut slugs: Vec<String> = links(html)
        .into_iter()
        .filter_map(|l| l.strip_prefix("/notices/").map(str::to_string))
        .filter(|rest| {
            !rest.is_empty()
                && !rest.starts_with("page/")
                && rest.matches('/').count() == 1
                && rest.ends_with('/')
        })
        .map(|rest| rest.trim_end_matches('/').to_string())
        .collect();
    slugs.sort();
    slugs.dedup();
    slugs
}

#[test]
fn notice_statuses_on_the_build_day() {
    let out = community();
    let n = notices(out);
    // Published, not redacted: 16 files − draft − unlisted − redacted.
    assert_eq!(n.len(), 13, "{:?}", n.keys());
    assert_status(&n, "n-upcoming", "upcoming", "未开始"); // starts tomorrow
    assert_status(&n, "ping-xian-ping-you-gong-shi", "upcoming", "未开始");
    assert_status(&n, "n-starts-today", "active", "公示中"); // first day
    assert_status(&n, "n-ends-today", "active", "公示中"); // last day
    assert_status(&n, "n-ended", "ended", "已结束"); // ended yesterday
    assert_status(&n, "n-withdrawn", "withdrawn", "已撤回"); // would be active, withdrawn overrides
    assert_status(&n, "n-guoqing", "ended", "已结束");
    assert_eq!(n["n-ends-today"]["days_left"], 1);
    assert_eq!(n["n-starts-today"]["days_left"], 7);
    assert_eq!(
        n["n-withdrawn"]["withdrawn"]["reason"],
        "经核实成本测算有误"
    );
    assert_eq!(n["n-withdrawn"]["withdrawn"]["date"], "2026-11-18");
    // Other kinds have no status.
    for slug in ["n-gonggao", "2026-q3-caiwu", "expires-today"] {
        assert_eq!(status_of(&n, slug), (None, None), "{slug}");
        assert!(n[slug]["publicity"].is_null(), "{slug}");
    }
    // Exports carry ISO dates and absolute URLs.
    assert_eq!(n["n-upcoming"]["publicity"]["start"], "2026-11-22");
    assert_eq!(n["n-upcoming"]["publicity"]["end"], "2026-11-28");
    assert_eq!(n["n-upcoming"]["date"], "2026-11-20");
    assert_eq!(n["n-upcoming"]["url"], "https://x.cn/notices/n-upcoming/");
    assert_eq!(n["n-upcoming"]["contact"]["name"], "孙丽");
    assert_eq!(n["n-upcoming"]["category"], "低保");

    let stats = read_json(out, "data/stats.json");
    assert_eq!(stats["today"], "2026-11-21");
    assert_eq!(stats["notices"]["total"], 13);
    assert_eq!(stats["notices"]["active"], 2);
    assert_eq!(stats["notices"]["upcoming"], 2);
    assert_eq!(stats["notices"]["ended"], 5); // n-ended, n-guoqing, n-tiaoxiu, n-zhongqiu, n-buban
    assert_eq!(stats["notices"]["withdrawn"], 1);

    // The pages say the same without JavaScript.
    let withdrawn = read_out(out, "notices/n-withdrawn/index.html");
    assert!(withdrawn.contains("已撤回") && withdrawn.contains("经核实成本测算有误"));
    assert!(read_out(out, "notices/n-upcoming/index.html").contains("未开始"));
    assert!(read_out(out, "notices/n-ends-today/index.html").contains("公示中"));
    // The home page shows the 公示中 notices.
    let home = read_out(out, "index.html");
    assert!(
        link_index(&home, "/notices/n-starts-today/").is_some()
            && link_index(&home, "/notices/n-ends-today/").is_some()
    );
}

#[test]
fn working_day_periods_skip_the_national_day_holiday_and_count_make_up_days() {
    let n = notices(community());
    // 2026-09-28 (Mon) + 5 working days: 9-28, 9-29, 9-30, [10-1…10-7 off], 10-8, 10-9.
    assert_eq!(n["n-guoqing"]["publicity"]["start"], "2026-09-28");
    assert_eq!(n["n-guoqing"]["publicity"]["end"], "2026-10-09");
    assert_eq!(n["n-guoqing"]["publicity"]["working_days"], 5);
    // 2026-10-08 (Thu) + 3: 10-8, 10-9, 10-10 (Saturday, make-up workday).
    assert_eq!(n["n-tiaoxiu"]["publicity"]["end"], "2026-10-10");
    // 2026-09-24 (Thu) + 2: 9-24, [9-25 中秋, weekend], 9-28.
    assert_eq!(n["n-zhongqiu"]["publicity"]["end"], "2026-09-28");
    // 2026-09-19 is a Saturday (not counted); Sunday 9-20 is a make-up workday (1), Monday 9-21 (2).
    assert_eq!(n["n-buban"]["publicity"]["end"], "2026-09-21");
    // Periods given by end date have no working_days.
    assert!(n["n-upcoming"]["publicity"]["working_days"].is_null());
}

#[test]
fn statuses_on_boundary_days() {
    // The day before the period, its first day, its last day and the day after.
    let (_d1, out) = community_at("2026-09-27");
    let n = notices(&out);
    assert_status(&n, "n-guoqing", "upcoming", "未开始");
    assert_eq!(n["n-guoqing"]["days_left"], Value::Null);
    assert_status(&n, "n-zhongqiu", "active", "公示中");
    assert_eq!(n["n-zhongqiu"]["days_left"], 2);
    // Before its expiry an unlisted record is published as usual.
    assert!(
        n.contains_key("zhuxue-unlist"),
        "zhuxue-unlist expires 2026-09-30, published on 09-27"
    );
    assert_status(&n, "zhuxue-unlist", "ended", "已结束");
    assert!(
        problems(&out).contains_key("2026-008"),
        "2026-008 expires 2026-10-01"
    );

    let (_d2, out) = community_at("2026-09-28");
    let n = notices(&out);
    assert_status(&n, "n-guoqing", "active", "公示中");
    assert_eq!(n["n-guoqing"]["days_left"], 12); // 9-28 … 10-09, both included
    assert_status(&n, "n-zhongqiu", "active", "公示中");
    assert_eq!(n["n-zhongqiu"]["days_left"], 1);

    let (_d3, out) = community_at("2026-10-10");
    let n = notices(&out);
    assert_status(&n, "n-guoqing", "ended", "已结束");
    assert_status(&n, "n-tiaoxiu", "active", "公示中");
    assert_eq!(n["n-tiaoxiu"]["days_left"], 1);
    assert!(
        !n.contains_key("zhuxue-unlist"),
        "unlisted the day after expiry"
    );
    assert!(!out.join("notices/zhuxue-unlist").exists());
    assert!(
        !problems(&out).contains_key("2026-008"),
        "redacted the day after expiry"
    );

    let (_d4, out) = community_at("2026-10-31");
    let n = notices(&out);
    assert_status(&n, "n-tiaoxiu", "ended", "已结束");
    // On its expiry day a record is still whole.
    assert!(n.contains_key("jiuzhu-redact"));
    assert!(read_out(&out, "notices/jiuzhu-redact/index.html").contains("REDACTEDBODYTOKEN"));
    exists(&out, "notices/jiuzhu-redact/mingdan.txt");

    let (_d5, out) = community_at("2026-11-01");
    assert!(!notices(&out).contains_key("jiuzhu-redact"));
    assert!(!read_out(&out, "notices/jiuzhu-redact/index.html").contains("REDACTEDBODYTOKEN"));
    absent(&out, "notices/jiuzhu-redact/mingdan.txt");
}

#[test]
fn problem_figures_in_exports() {
    let out = community();
    let p = problems(out);
    assert_eq!(
        p.keys().collect::<Vec<_>>(),
        [
            "2026-001", "2026-002", "2026-003", "2026-004", "2026-005", "2026-006", "2026-007"
        ]
    );
    let facts = |id: &str| {
        let x = &p[id];
        (
            x["status"].clone(),
            x["status_label"].clone(),
            x["overdue"].clone(),
            x["days_overdue"].clone(),
            x["on_time"].clone(),
        )
    };
    use serde_json::json;
    // in progress, deadline 11-11 → 10 days overdue on 11-21
    assert_eq!(
        facts("2026-001"),
        (
            json!("in_progress"),
            json!("办理中"),
            json!(true),
            json!(10),
            Value::Null
        )
    );
    // deadline today → not overdue yet
    assert_eq!(
        facts("2026-002"),
        (
            json!("open"),
            json!("待办理"),
            json!(false),
            Value::Null,
            Value::Null
        )
    );
    // deadline yesterday → 1 day overdue
    assert_eq!(
        facts("2026-003"),
        (
            json!("in_progress"),
            json!("办理中"),
            json!(true),
            json!(1),
            Value::Null
        )
    );
    // closed on the deadline day → on time
    assert_eq!(
        facts("2026-004"),
        (
            json!("resolved"),
            json!("已办结"),
            json!(false),
            Value::Null,
            json!(true)
        )
    );
    // closed a week after the deadline → late
    assert_eq!(
        facts("2026-005"),
        (
            json!("resolved"),
            json!("已办结"),
            json!(false),
            Value::Null,
            json!(false)
        )
    );
    assert_eq!(
        facts("2026-006"),
        (
            json!("referred"),
            json!("已转办"),
            json!(false),
            Value::Null,
            json!(true)
        )
    );
    assert_eq!(
        facts("2026-007"),
        (
            json!("unresolvable"),
            json!("无法解决"),
            json!(false),
            Value::Null,
            json!(true)
        )
    );
    // satisfaction = (satisfied + basically) / all ratings
    assert_eq!(p["2026-004"]["satisfaction"].as_f64(), Some(0.9)); // (8+1)/10
    assert_eq!(p["2026-005"]["satisfaction"].as_f64(), Some(0.5)); // (1+1)/4
    assert!(p["2026-006"]["satisfaction"].is_null(), "no ratings");
    assert!(p["2026-007"]["satisfaction"].is_null(), "zero ratings");
    assert!(p["2026-001"]["satisfaction"].is_null());
    // Details as written.
    assert_eq!(p["2026-001"]["deadline"], "2026-11-11");
    assert_eq!(p["2026-001"]["date"], "2026-10-15");
    assert_eq!(p["2026-001"]["responsible"]["unit"], "城市管理办公室");
    assert_eq!(p["2026-001"]["responsible"]["person"], "王五");
    assert_eq!(p["2026-001"]["measures"], json!(["检修线路", "更换灯具"]));
    assert_eq!(p["2026-001"]["progress"][0]["date"], "2026-10-20");
    assert_eq!(p["2026-001"]["org"], "grid-1");
    assert_eq!(p["2026-001"]["source"], "党建联席会议");
    assert_eq!(p["2026-001"]["url"], "https://x.cn/problems/2026-001/");
    assert_eq!(p["2026-004"]["echo"]["date"], "2026-10-31");
    assert_eq!(p["2026-004"]["echo"]["result"], "已更换破损地砖120平方米");

    let s = &read_json(out, "data/stats.json")["problems"];
    let expect = json!({
        "total": 7, "open": 1, "in_progress": 2, "unclosed": 3, "overdue": 2,
        "closed": 4, "resolved": 2, "unresolvable": 1, "referred": 1, "closed_on_time": 3,
    });
    for (k, v) in expect.as_object().expect("map") {
        assert_eq!(&s[k], v, "stats.problems.{k}");
    }
    assert_eq!(s["on_time_rate"].as_f64(), Some(0.75));
    // ratings of the non-redacted items: 8+1+0 satisfied… (2026-008's 100 ratings are redacted)
    assert_eq!(
        s["ratings"],
        json!({"satisfied": 9, "basically": 2, "unsatisfied": 3, "total": 14})
    );
    let sat = s["satisfaction"].as_f64().expect("site satisfaction");
    assert!((sat - 11.0 / 14.0).abs() < 1e-3, "{sat}");
    assert_eq!(s["satisfaction_pct"], "78.6%");
    let stats = read_json(out, "data/stats.json");
    assert_eq!(stats["meetings"]["total"], 2);
    assert_eq!(stats["services"]["lists"], 3);
    assert_eq!(stats["services"]["items"], 6);

    // The problem page shows the facts without JavaScript.
    let page = read_out(out, "problems/2026-001/index.html");
    assert!(
        page.contains("城市管理办公室")
            && page.contains("检修线路")
            && page.contains("已联系供电所现场查看")
    );
    assert!(page.contains("10"), "days overdue shown");
    let closed = read_out(out, "problems/2026-004/index.html");
    assert!(
        closed.contains("已更换破损地砖120平方米"),
        "the echo result is on the page"
    );
}

#[test]
fn enum_values_are_read_by_code_and_by_label() {
    let out = community();
    let n = notices(out);
    // `kind: 公示` (label) and `kind: publicity` (code) are the same thing.
    assert_eq!(
        (
            n["n-upcoming"]["kind"].as_str(),
            n["n-upcoming"]["kind_label"].as_str()
        ),
        (Some("publicity"), Some("公示"))
    );
    assert_eq!(
        (
            n["n-ended"]["kind"].as_str(),
            n["n-ended"]["kind_label"].as_str()
        ),
        (Some("publicity"), Some("公示"))
    );
    assert_eq!(
        (
            n["n-gonggao"]["kind"].as_str(),
            n["n-gonggao"]["kind_label"].as_str()
        ),
        (Some("announcement"), Some("公告"))
    );
    assert_eq!(
        (
            n["expires-today"]["kind"].as_str(),
            n["expires-today"]["kind_label"].as_str()
        ),
        (Some("announcement"), Some("公告"))
    );
    assert_eq!(n["2026-q3-caiwu"]["kind"], "disclosure");
    let p = problems(out);
    assert_eq!(p["2026-002"]["status"], "open"); // written 待办理
    assert_eq!(p["2026-003"]["status"], "in_progress"); // written 办理中
    assert_eq!(p["2026-006"]["status"], "referred"); // written 已转办
    let services = by_key(read_json(out, "data/services.json"), "slug");
    let fuwu = &services["fuwu"];
    assert_eq!(
        (fuwu["kind"].as_str(), fuwu["kind_label"].as_str()),
        (Some("services"), Some("服务清单"))
    );
    let fees: Vec<(&str, &str)> = fuwu["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["fee"].as_str().unwrap_or("-"),
                i["fee_label"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        fees,
        [("low_cost", "低偿"), ("free", "无偿"), ("free", "无偿")]
    );
    assert_eq!(fuwu["items"][0]["org"], "grid-1");
    let xiangmu = &services["xiangmu"];
    assert_eq!(xiangmu["kind"], "projects");
    assert_eq!(
        (
            xiangmu["items"][0]["status"].as_str(),
            xiangmu["items"][0]["status_label"].as_str()
        ),
        (Some("accepted"), Some("已验收"))
    );
    assert_eq!(
        (
            xiangmu["items"][1]["status"].as_str(),
            xiangmu["items"][1]["status_label"].as_str()
        ),
        (Some("in_progress"), Some("实施中"))
    );
    assert_eq!(xiangmu["items"][0]["budget"].as_f64(), Some(86.5));
    assert_eq!(xiangmu["items"][0]["beneficiaries"], 54);
    assert_eq!(
        (
            services["xu-qiu-qing-dan"]["kind"].as_str(),
            services["xu-qiu-qing-dan"]["kind_label"].as_str()
        ),
        (Some("needs"), Some("需求清单"))
    );
    // /services/ groups lists by kind, 服务清单 before 项目清单 before 需求清单.
    let html = read_out(out, "services/index.html");
    let pos = |s: &str| link_index(&html, s).unwrap_or_else(|| panic!("{s} not on /services/"));
    assert!(
        pos("/services/fuwu/") < pos("/services/xiangmu/")
            && pos("/services/xiangmu/") < pos("/services/xu-qiu-qing-dan/")
    );
    // One list, its items grouped by category.
    let fuwu_page = read_out(out, "services/fuwu/index.html");
    assert!(
        fuwu_page.contains("老年助餐")
            && fuwu_page.contains("法律咨询")
            && fuwu_page.contains("养老")
            && fuwu_page.contains("低偿")
    );
}

#[test]
fn meeting_page_lists_the_problems_that_name_it() {
    let out = community();
    // The September meeting's body links nowhere: the link can only come from the back-reference.
    let dangri = read_out(out, "meetings/2026-09-dangri/index.html");
    assert!(
        links(&dangri).iter().any(|l| l == "/problems/2026-003/"),
        "2026-003 names this meeting"
    );
    assert!(dangri.contains("3号楼楼道堆物"));
    assert!(link_index(&dangri, "/problems/2026-001/").is_none());
    let lianxi = read_out(out, "meetings/2026-10-lianxi/index.html");
    assert!(lianxi.contains("南段人行道破损") && lianxi.contains("南段路灯不亮"));
    let meetings = by_key(read_json(out, "data/meetings.json"), "slug");
    assert_eq!(
        meetings["2026-10-lianxi"]["problems"],
        serde_json::json!(["2026-001", "2026-004"])
    );
    assert_eq!(
        meetings["2026-09-dangri"]["problems"],
        serde_json::json!(["2026-003"])
    );
    assert_eq!(meetings["2026-10-lianxi"]["date"], "2026-10-15");
    assert_eq!(meetings["2026-10-lianxi"]["kind"], "党建联席会议");
    assert_eq!(meetings["2026-10-lianxi"]["attendance"]["present"], 14);
    assert_eq!(
        meetings["2026-10-lianxi"]["decisions"][0]["votes"]["for"],
        14
    );
    assert_eq!(meetings["2026-10-lianxi"]["theme"], "和平路南段环境整治");
}

#[test]
fn org_and_tag_pages_list_their_records() {
    let out = community();
    let grid1 = links(&read_out(out, "org/grid-1/index.html"));
    for l in [
        "/notices/n-ends-today/",
        "/problems/2026-001/",
        "/services/fuwu/",
        "/org/grid-1-b3/",
    ] {
        assert!(
            grid1.iter().any(|x| x == l),
            "org/grid-1 lacks {l}: {grid1:?}"
        );
    }
    let zongzhi = links(&read_out(out, "org/zongzhi/index.html"));
    for l in [
        "/org/grid-1/",
        "/org/grid-2/",
        "/meetings/2026-10-lianxi/",
        "/notices/2026-q3-caiwu/",
    ] {
        assert!(zongzhi.iter().any(|x| x == l), "org/zongzhi lacks {l}");
    }
    // One line per record, carrying the status that the page script keeps current.
    let grid1_html = read_out(out, "org/grid-1/index.html");
    let row = |href: &str| element_around(&grid1_html, href, "<li", "</li>");
    let notice = row("/notices/n-ends-today/");
    assert!(
        notice.contains("datetime=\"2026-11-14\"")
            && notice.contains(
                "data-gk-status=\"publicity\" data-start=\"2026-11-15\" data-end=\"2026-11-21\""
            )
            && notice.contains(">公示中<"),
        "{notice}"
    );
    let problem = row("/problems/2026-001/");
    assert!(
        problem.starts_with("<li class=\"is-overdue\">")
            && problem.contains(">办理中<")
            && problem.contains("data-gk-status=\"problem\" data-deadline=\"2026-11-11\"")
            && problem.contains("已逾期10天"),
        "{problem}"
    );
    assert!(
        !grid1_html.contains("<article"),
        "records are lines, not cards"
    );
    let dibao = links(&read_out(out, "tags/di-bao/index.html"));
    assert!(
        dibao.iter().any(|l| l == "/notices/n-upcoming/")
            && dibao.iter().any(|l| l == "/notices/n-ended/")
    );
    let tags = links(&read_out(out, "tags/index.html"));
    for l in ["/tags/di-bao/", "/tags/lu-deng/", "/tags/dang-wu-gong-kai/"] {
        assert!(tags.iter().any(|x| x == l), "/tags/ lacks {l}");
    }
}

#[test]
fn expired_records_are_redacted_or_unlisted() {
    let out = community();
    let snap = snapshot(out);
    // redact: the page keeps its title and a note, nothing else.
    let page = read_out(out, "notices/jiuzhu-redact/index.html");
    assert!(page.contains("八月临时救助对象公示"), "title stays");
    assert!(
        page.contains("撤下"),
        "a note says the details were taken down"
    );
    assert!(
        !page.contains("mingdan.txt") && !page.contains("救助对象名单"),
        "no attachment"
    );
    let problem = read_out(out, "problems/2026-008/index.html");
    assert!(problem.contains("已过公开期限的问题"));
    absent(out, "notices/jiuzhu-redact/mingdan.txt");
    for (path, bytes) in &snap {
        let text = String::from_utf8_lossy(bytes);
        for token in [
            "REDACTEDBODYTOKEN",
            "REDACTEDATTACHMENTTOKEN",
            "REDACTEDPROBLEMTOKEN",
            "REDACTEDECHOTOKEN",
        ] {
            assert!(
                !text.contains(token),
                "{token} (redacted) appears in {path}"
            );
        }
        if path.starts_with("data/") {
            assert!(
                !text.contains("jiuzhu-redact") && !text.contains("八月临时救助对象公示"),
                "redacted notice in {path}"
            );
            assert!(
                !text.contains("2026-008") && !text.contains("已过公开期限的问题"),
                "redacted problem in {path}"
            );
        }
        // unlist: not published at all.
        assert!(
            !path.contains("zhuxue"),
            "unlisted record published as {path}"
        );
        for token in ["UNLISTTITLE", "UNLISTBODYTOKEN", "zhuxue-unlist", "助学"] {
            assert!(
                !text.contains(token),
                "unlisted record ({token}) appears in {path}"
            );
        }
    }
    assert!(
        !out.join("tags/zhu-xue").exists(),
        "a tag used only by an unlisted record"
    );
    // Expiring today is not expired yet.
    assert!(read_out(out, "notices/expires-today/index.html").contains("STILLVISIBLETOKEN"));
}

#[test]
fn drafts_only_with_the_flag() {
    let out = community();
    absent(out, "notices/n-tongzhi/index.html");
    for (path, bytes) in snapshot(out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("DRAFTBODYTOKEN"),
            "draft text in {path}"
        );
        assert!(
            !String::from_utf8_lossy(&bytes).contains("n-tongzhi"),
            "draft linked from {path}"
        );
    }
    let dir = tempfile::tempdir().expect("tmp");
    let with = dir.path().join("out");
    build_fixture_at("community", &with, NOW, &["--drafts"]);
    assert!(read_out(&with, "notices/n-tongzhi/index.html").contains("DRAFTBODYTOKEN"));
    assert!(notices(&with).contains_key("n-tongzhi"));
}

#[test]
fn pinyin_slugs_for_chinese_file_names() {
    let out = community();
    exists(out, "notices/ping-xian-ping-you-gong-shi/index.html");
    exists(out, "services/xu-qiu-qing-dan/index.html");
    exists(out, "ban-shi-zhi-nan/zheng-ming-kai-ju/index.html");
    let n = notices(out);
    assert_eq!(
        n["ping-xian-ping-you-gong-shi"]["url"],
        "https://x.cn/notices/ping-xian-ping-you-gong-shi/"
    );
    // Every output path is ASCII: URLs go on paper as QR codes.
    for path in snapshot(out).keys() {
        assert!(path.is_ascii(), "non-ASCII output path {path}");
    }
}

#[test]
fn bundle_attachments_and_images_are_published_beside_the_page() {
    let out = community();
    let src = fixture("community").join("content/notices/2026-q3-caiwu");
    for f in ["mingxi.txt", "photo.svg"] {
        assert_eq!(
            std::fs::read(out.join("notices/2026-q3-caiwu").join(f))
                .unwrap_or_else(|e| panic!("{f} not published: {e}")),
            std::fs::read(src.join(f)).expect("source"),
            "{f} copied unchanged"
        );
    }
    let page = read_out(out, "notices/2026-q3-caiwu/index.html");
    let t = tags(&page);
    assert!(
        t.iter()
            .any(|t| t.name == "img" && t.attr("src") == Some("/notices/2026-q3-caiwu/photo.svg")),
        "body image points at its copy"
    );
    assert!(
        t.iter()
            .any(|t| t.name == "a" && t.attr("href") == Some("/notices/2026-q3-caiwu/mingxi.txt")),
        "attachment is linked"
    );
    assert!(page.contains("财务收支明细表"), "attachment title shown");
    // The Markdown source is not published as a file.
    absent(out, "notices/2026-q3-caiwu/index.md");
}

#[test]
fn relative_markdown_links_become_urls() {
    let out = community();
    let lianxi = links(&read_out(out, "meetings/2026-10-lianxi/index.html"));
    for l in [
        "/problems/2026-001/",
        "/problems/2026-004/#jieguo",
        "/about/",
    ] {
        assert!(
            lianxi.iter().any(|x| x == l),
            "meeting body lacks {l}: {lianxi:?}"
        );
    }
    let about = links(&read_out(out, "about/index.html"));
    assert!(
        about
            .iter()
            .any(|x| x == "/ban-shi-zhi-nan/zheng-ming-kai-ju/"),
        "{about:?}"
    );
    assert!(about.iter().any(|x| x == "/files/banshi.txt"), "{about:?}");
    let back = links(&read_out(
        out,
        "ban-shi-zhi-nan/zheng-ming-kai-ju/index.html",
    ));
    assert!(back.iter().any(|x| x == "/about/"), "{back:?}");
    for (path, link) in all_links(out) {
        assert!(
            !link.contains(".md"),
            "{path} still links to Markdown: {link}"
        );
    }
}

#[test]
fn internal_links_resolve_to_published_files() {
    let out = community();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (path, link) in all_links(out) {
        if !is_internal(&link) {
            continue;
        }
        checked += 1;
        let target = link.split(['#', '?']).next().unwrap_or_default();
        let Some(rel) = target.strip_prefix('/') else {
            broken.push(format!("{path}: {link} is not root-relative"));
            continue;
        };
        let rel = percent_decode(rel);
        let file = if rel.is_empty() || rel.ends_with('/') {
            out.join(&rel).join("index.html")
        } else {
            out.join(&rel)
        };
        if !file.is_file() {
            broken.push(format!("{path}: {link}"));
        }
    }
    broken.sort();
    broken.dedup();
    assert!(checked > 500, "only {checked} internal links");
    assert!(
        broken.is_empty(),
        "{} broken internal links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every internal link of every page, and every absolute link to the site, is under `prefix`.
fn assert_links_under(out: &Path, origin: &str, prefix: &str) {
    let mut internal = 0;
    let mut bad = Vec::new();
    for (path, link) in all_links(out) {
        if is_internal(&link) {
            internal += 1;
            if !link.starts_with(prefix) {
                bad.push(format!("{path}: {link}"));
            }
        } else if let Some(rest) = link.strip_prefix(origin)
            && !rest.starts_with(prefix)
        {
            bad.push(format!("{path}: {link}"));
        }
    }
    bad.sort();
    bad.dedup();
    assert!(internal > 500, "only {internal} internal links found");
    assert!(
        bad.is_empty(),
        "{} links outside {prefix}:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn base_url_with_a_sub_path_prefixes_every_internal_link() {
    let site = TempSite::from_fixture("community");
    site.edit("site.yaml", |s| {
        s.replace("base_url: https://x.cn/", "base_url: https://x.cn/sq/")
    });
    let out = site.build_ok("out", &[]);
    assert_links_under(&out, "https://x.cn", "/sq/");
    // The files themselves stay at the output root.
    exists(&out, "notices/n-upcoming/index.html");
    absent(&out, "sq");
    let n = notices(&out);
    assert_eq!(
        n["n-upcoming"]["url"],
        "https://x.cn/sq/notices/n-upcoming/"
    );
    let page = read_out(&out, "notices/2026-q3-caiwu/index.html");
    assert!(
        tags(&page).iter().any(
            |t| t.name == "img" && t.attr("src") == Some("/sq/notices/2026-q3-caiwu/photo.svg")
        )
    );
    let about = links(&read_out(&out, "about/index.html"));
    assert!(
        about.iter().any(|l| l == "/sq/files/banshi.txt"),
        "a root-relative body link gets the prefix: {about:?}"
    );
    assert!(
        about
            .iter()
            .any(|l| l == "/sq/ban-shi-zhi-nan/zheng-ming-kai-ju/")
    );
}

#[test]
fn base_url_flag_overrides_site_yaml() {
    let site = TempSite::from_fixture("community");
    let out = site.build_ok("out", &["--base-url", "https://y.cn/other/"]);
    assert_links_under(&out, "https://y.cn", "/other/");
    let n = notices(&out);
    assert_eq!(
        n["n-upcoming"]["url"],
        "https://y.cn/other/notices/n-upcoming/"
    );
    let page = read_out(&out, "notices/n-upcoming/index.html");
    let canonical = tags(&page)
        .into_iter()
        .find(|t| t.name == "link" && t.attr("rel") == Some("canonical"))
        .expect("canonical link");
    assert_eq!(
        canonical.attr("href"),
        Some("https://y.cn/other/notices/n-upcoming/")
    );
    for (path, bytes) in snapshot(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("https://x.cn"),
            "site.yaml's base_url leaks into {path}"
        );
    }
}

#[test]
fn same_inputs_give_byte_identical_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = dir.path().join("first");
    let b = dir.path().join("second-build");
    build_fixture_at("community", &a, NOW, &[]);
    build_fixture_at("community", &b, NOW, &[]);
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert!(sa.len() > 60);
    let diff = snapshot_diff(&sa, &sb);
    assert!(diff.is_empty(), "two builds differ: {diff:?}");
    // And a rebuild into an existing output replaces it with the same bytes.
    build_fixture_at("community", &a, NOW, &[]);
    assert!(snapshot_diff(&sa, &snapshot(&a)).is_empty());
}

#[test]
fn require_approval_publishes_only_approved_records() {
    let site = TempSite::from_fixture("minimal");
    site.edit("site.yaml", |s| format!("{s}require_approval: true\n"));
    site.edit("content/notices/2026-11-gongshi.md", |s| {
        s.replacen("org: grid-1\n", "org: grid-1\napproval:\n  reviewed_by: 社区党总支（含保密审查）\n  approved_by: 陈红梅\n  approved_on: 2026-11-16\n", 1)
    });
    // Incomplete approval: no approved_on.
    site.edit("content/problems/2026-001-ludeng.md", |s| {
        s.replacen(
            "status: in_progress\n",
            "status: in_progress\napproval:\n  reviewed_by: 甲\n  approved_by: 乙\n",
            1,
        )
    });
    let (run, diags) = site.check();
    run.assert_code(0);
    let unapproved: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "W-UNAPPROVED")
        .map(|d| d.file.as_str())
        .collect();
    assert_eq!(
        unapproved,
        [
            "content/about.md",
            "content/meetings/2026-10-lianxi.md",
            "content/problems/2026-001-ludeng.md",
            "content/services/fuwu.md"
        ],
        "{}",
        list(&diags)
    );
    assert!(diags.iter().all(|d| !d.is_error()), "{}", list(&diags));
    let out = site.build_ok("out", &[]);
    exists(&out, "notices/2026-11-gongshi/index.html");
    for gone in [
        "meetings/2026-10-lianxi",
        "problems/2026-001",
        "services/fuwu",
        "about",
    ] {
        absent(&out, gone);
    }
    assert_eq!(notices(&out).len(), 1);
    assert!(problems(&out).is_empty());
    assert_eq!(read_json(&out, "data/meetings.json"), serde_json::json!([]));
    for (path, bytes) in snapshot(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("南段路灯不亮") && !text.contains("老年助餐"),
            "unapproved record in {path}"
        );
    }
    // Without the gate everything is published.
    site.edit("site.yaml", |s| s.replace("require_approval: true\n", ""));
    let out = site.build_ok("out2", &[]);
    exists(&out, "problems/2026-001/index.html");
    exists(&out, "about/index.html");
}

// ---------------------------------------------------------------------------------------------
// Hostile markup.

const HOSTILE_NOTICE: &str = r#"---
title: "<script>alert('title')</script>公示<img src=x onerror=alert(1)>"
date: 2026-11-16
kind: publicity
category: "\"><script>alert(7)</script>"
summary: "<img src=x onerror=alert(12)>摘要"
publicity:
  start: 2026-11-17
  end: 2026-11-23
contact:
  name: "<svg onload=alert(8)>"
  phone: "javascript:alert(9)"
  address: "<a href=javascript:alert(13)>地址</a>"
tags:
  - "<b onmouseover=alert(6)>标签</b>"
---

正文<script>alert("body")</script>

<script>alert("block")</script>

<img src="x" onerror="alert(2)">

[点我](javascript:alert(3)) [再点](JaVaScRiPt:alert(33)) [实体](java&#x73;cript:alert(35)) <javascript:alert(36)>

[数据](data:text/html,<script>alert(11)</script>) ![图](javascript:alert(37))

<a href="javascript:alert(4)">链接</a> <a href="  javascript:alert(40)">空格</a>

<iframe src="javascript:alert(5)"></iframe><object data="x"></object><embed src="x">

<div onclick="alert(10)">x</div><svg><script>alert(14)</script></svg>

<form action="javascript:alert(15)"><button formaction="javascript:alert(16)">b</button></form>

<style>body{background:url(javascript:alert(17))}</style>
"#;

fn hostile_site(allow_raw_html: bool) -> TempSite {
    let site = TempSite::from_fixture("minimal");
    if allow_raw_html {
        site.edit("site.yaml", |s| format!("{s}allow_raw_html: true\n"));
    }
    site.write("content/notices/2026-11-gongshi.md", HOSTILE_NOTICE);
    site.edit("content/problems/2026-001-ludeng.md", |s| {
        s.replace("  - 检修线路", "  - \"<script>alert(20)</script>检修线路\"")
            .replace(
                "  unit: 城市管理办公室",
                "  unit: \"<img src=x onerror=alert(21)>\"",
            )
    });
    site.edit("content/services/fuwu.md", |s| s.replace("  - name: 老年助餐", "  - name: \"<script>alert(22)</script>老年助餐\"\n    description: \"<iframe src=javascript:alert(23)>\""));
    site.edit("content/meetings/2026-10-lianxi.md", |s| {
        s.replace(
            "    decision: 列入问题墙",
            "    decision: \"<img src=x onerror=alert(24)>\"",
        )
    });
    site.edit("content/about.md", |s| {
        s.replace(
            "title: 关于我们",
            "title: \"关于<script>alert(25)</script>我们\"",
        )
    });
    site
}

fn assert_nothing_executable(out: &Path) {
    let problems = executable_pieces(out);
    assert!(
        problems.is_empty(),
        "{} executable pieces:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Everything in the HTML of `out` that a browser would run or load as script.
fn executable_pieces(out: &Path) -> Vec<String> {
    let pages = text_files(out, ".html");
    assert!(pages.len() > 15);
    let mut problems = Vec::new();
    for (path, html) in &pages {
        for t in tags(html) {
            if ["iframe", "object", "embed", "frame", "frameset", "applet"]
                .contains(&t.name.as_str())
            {
                problems.push(format!("{path}: <{}>", t.name));
            }
            for (k, v) in &t.attrs {
                if k.starts_with("on") {
                    problems.push(format!("{path}: <{} {k}={v:?}>", t.name));
                }
                if k == "srcdoc" {
                    problems.push(format!("{path}: srcdoc"));
                }
                if [
                    "href",
                    "src",
                    "action",
                    "formaction",
                    "xlink:href",
                    "data",
                    "poster",
                    "background",
                ]
                .contains(&k.as_str())
                {
                    let norm: String = v
                        .chars()
                        .filter(|c| !c.is_whitespace() && !c.is_control())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    if norm.starts_with("javascript:")
                        || norm.starts_with("vbscript:")
                        || norm.starts_with("data:text/html")
                    {
                        problems.push(format!("{path}: <{} {k}={v:?}>", t.name));
                    }
                }
            }
            if let Some(raw) = &t.raw_text
                && raw.contains("alert(")
            {
                problems.push(format!("{path}: <{}> runs {raw:?}", t.name));
            }
        }
        if html.to_ascii_lowercase().contains("<script>alert") {
            problems.push(format!("{path}: literal <script>alert"));
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

#[test]
fn hostile_markup_never_becomes_executable() {
    let site = hostile_site(false);
    let out = site.build_ok("out", &[]);
    assert_nothing_executable(&out);
    // The record was published, with its text shown as text.
    let page = read_out(&out, "notices/2026-11-gongshi/index.html");
    assert!(
        page.contains("&lt;script&gt;alert("),
        "the title is shown escaped"
    );
    assert!(page.contains("正文"));
    let about = read_out(&out, "about/index.html");
    assert!(
        about.contains("&lt;script&gt;alert(25)"),
        "page title escaped"
    );
}

#[test]
fn the_hostile_markup_check_is_not_vacuous() {
    // With allow_raw_html the body's raw HTML is passed through as written, so the same check must
    // find it: proof that the scanner above would see executable markup if it were there.
    let site = hostile_site(true);
    let out = site.build_ok("out", &[]);
    let found = executable_pieces(&out);
    let page = "notices/2026-11-gongshi/index.html";
    assert!(
        found
            .iter()
            .any(|p| p.starts_with(page) && p.contains("onclick")),
        "{found:?}"
    );
    // Front matter is never raw: titles, names and tags stay escaped even then.
    assert!(
        !found.iter().any(|p| p.contains("alert(1)")
            || p.contains("alert(8)")
            || p.contains("alert(20)")
            || p.contains("alert(25)")),
        "{found:?}"
    );
}

#[test]
fn raw_html_passes_only_when_allowed() {
    let body = "\n<div class=\"raw-ok\">RAWTOKEN</div>\n\n文字 <kbd class=\"raw-kbd\">Ctrl</kbd>\n";
    let is_raw = |out: &Path| {
        let page = read_out(out, "about/index.html");
        let t = tags(&page);
        (
            t.iter()
                .any(|t| t.name == "div" && t.attr("class") == Some("raw-ok")),
            t.iter().any(|t| t.name == "kbd"),
            page.contains("RAWTOKEN"),
        )
    };
    let site = TempSite::from_fixture("minimal");
    site.edit("content/about.md", |s| format!("{s}{body}"));
    let out = site.build_ok("out", &[]);
    let (div, kbd, text) = is_raw(&out);
    assert!(!div && !kbd, "raw HTML passed without allow_raw_html");
    assert!(
        text,
        "the text of escaped/sanitised HTML may stay, but the record is rendered"
    );

    site.edit("site.yaml", |s| format!("{s}allow_raw_html: true\n"));
    let out = site.build_ok("out2", &[]);
    let (div, kbd, _) = is_raw(&out);
    assert!(div && kbd, "allow_raw_html: true passes raw HTML through");
}

// ---------------------------------------------------------------------------------------------
// Details of single pages.

#[test]
fn notices_list_puts_active_first_then_newest() {
    let out = community();
    let mut order = Vec::new();
    for n in 1..=7 {
        let rel = if n == 1 {
            "notices/index.html".to_string()
        } else {
            format!("notices/page/{n}/index.html")
        };
        let html = read_out(out, &rel);
        // In page order, each notice once.
        for l in links(&html) {
            if let Some(slug) = l
                .strip_prefix("/notices/")
                .and_then(|r| r.strip_suffix('/'))
                && !slug.contains('/')
                && !slug.starts_with("page")
                && !order.iter().any(|s: &String| s == slug)
            {
                order.push(slug.to_string());
            }
        }
    }
    assert_eq!(order.len(), 14, "{order:?}");
    let mut active = order[..2].to_vec();
    active.sort();
    assert_eq!(
        active,
        ["n-ends-today", "n-starts-today"],
        "公示中 first: {order:?}"
    );
    let n = notices(out);
    let date = |slug: &str| -> String {
        if slug == "jiuzhu-redact" {
            return "2026-08-07".into(); // redacted: not in the export
        }
        n[slug]["date"]
            .as_str()
            .unwrap_or_else(|| panic!("{slug} date"))
            .to_string()
    };
    let dates: Vec<String> = order[2..].iter().map(|s| date(s)).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "then newest first: {order:?}");
}

#[test]
fn summary_defaults_to_the_first_paragraph_cut_at_a_sentence_end() {
    let out = community();
    let page = read_out(out, "notices/n-gonggao/index.html");
    let meta = tags(&page)
        .into_iter()
        .find(|t| t.name == "meta" && t.attr("name") == Some("description"))
        .expect("meta description");
    // The paragraph is 126 characters; the last sentence end within 120 is the ！ at 68.
    assert_eq!(
        meta.attr("content"),
        Some(
            "因二次供水设施维修，11月25日8:00至17:00，3号楼临时停水，请居民提前储水。维修完成后将立即恢复供水，给大家带来不便敬请谅解！"
        )
    );
    // A typed summary wins.
    let typed = read_out(out, "about/index.html");
    assert!(typed.contains("和平里社区位于和平街道。"));
}

#[test]
fn record_pages_show_their_dates_attachments_and_home_its_figures() {
    let out = community();
    let caiwu = read_out(out, "notices/2026-q3-caiwu/index.html");
    assert!(
        caiwu.contains("更新于") && caiwu.contains("2026年10月22日"),
        "updated is shown"
    );
    assert!(caiwu.contains("2026年10月20日"), "the date is shown");
    // An attachment under static/ is linked at its published path.
    let about = tags(&read_out(out, "about/index.html"));
    assert!(
        about
            .iter()
            .any(|t| t.name == "a" && t.attr("href") == Some("/files/banshi.txt"))
    );
    assert!(read_out(out, "about/index.html").contains("办事指南文本"));
    // An image beside a plain page.
    let weihu = tags(&read_out(out, "guide/weihu/index.html"));
    assert!(
        weihu
            .iter()
            .any(|t| t.name == "img" && t.attr("src") == Some("/guide/tu.svg"))
    );
    assert_eq!(
        std::fs::read(out.join("guide/tu.svg")).expect("copied"),
        std::fs::read(fixture("community").join("content/guide/tu.svg")).expect("source")
    );
    // The home page: its own text, the wall's figures, the community's contact.
    let home = read_out(out, "index.html");
    assert!(
        home.contains("这里公开社区的公示、问题墙和回音壁。"),
        "the _index.md text"
    );
    assert!(home.contains("78.6%"), "site satisfaction");
    assert!(home.contains("021-6666-0000"), "contact");
    let home_links = links(&home);
    for l in [
        "/problems/2026-001/",
        "/problems/2026-003/",
        "/meetings/2026-10-lianxi/",
        "/services/fuwu/",
    ] {
        assert!(home_links.iter().any(|x| x == l), "home lacks {l}");
    }
}

#[test]
fn now_as_a_datetime_is_read_in_the_site_time_zone() {
    // 16:30 UTC on 11-21 is 00:30 on 11-22 in Asia/Shanghai: n-upcoming has started.
    let (_d, out) = community_at("2026-11-21T16:30:00Z");
    let n = notices(&out);
    assert_status(&n, "n-upcoming", "active", "公示中");
    assert_status(&n, "n-ends-today", "ended", "已结束");
    assert_eq!(read_json(&out, "data/stats.json")["today"], "2026-11-22");
    // With the site on UTC the same instant is still 11-21.
    let site = TempSite::from_fixture("community");
    site.edit("site.yaml", |s| format!("{s}timezone: UTC\n"));
    let out = site.build_ok("out", &["--now", "2026-11-21T16:30:00Z"]);
    let n = notices(&out);
    assert_status(&n, "n-upcoming", "upcoming", "未开始");
    assert_status(&n, "n-ends-today", "active", "公示中");
    assert_eq!(read_json(&out, "data/stats.json")["today"], "2026-11-21");
}

#[test]
fn holidays_yaml_overrides_a_built_in_year() {
    // Without the official holidays, 5 working days from Monday 09-28 end on Friday 10-02, and
    // Saturday 10-10 is no longer a make-up workday.
    let site = TempSite::from_fixture("community");
    site.write("holidays.yaml", "2026:\n  holidays: []\n  workdays: []\n");
    let out = site.build_ok("out", &[]);
    let n = notices(&out);
    assert_eq!(n["n-guoqing"]["publicity"]["end"], "2026-10-02");
    assert_eq!(n["n-tiaoxiu"]["publicity"]["end"], "2026-10-12");
    assert_eq!(n["n-zhongqiu"]["publicity"]["end"], "2026-09-25");
}

#[test]
fn names_starting_with_dot_or_underscore_are_ignored() {
    let site = TempSite::from_fixture("minimal");
    site.write(
        "content/notices/_wip.md",
        "这不是一条记录 [坏链接](nowhere.md)\n",
    );
    site.write("content/.git/HEAD.md", "---\n[\n");
    site.write("content/_drafts/a.md", "---\ntitle: [\n---\n");
    site.write("static/.secret", "secret");
    let (run, diags) = site.check();
    run.assert_code(0);
    assert!(diags.is_empty(), "{}", list(&diags));
    let out = site.build_ok("out", &[]);
    for path in snapshot(&out).keys() {
        assert!(
            !path.contains("wip")
                && !path.contains(".git")
                && !path.contains("drafts")
                && !path.contains(".secret"),
            "{path}"
        );
    }
}

#[test]
fn the_last_line_says_what_was_written() {
    let site = TempSite::from_fixture("community");
    let out = site.outside("out");
    let run = site.build_into(&out, &[]);
    run.assert_code(0);
    let last = run.stdout.lines().last().unwrap_or_default().to_string();
    // cli.md: 已生成 10000 条记录，共 23418 个文件，用时 0.84 秒
    let words: Vec<&str> = last.split(' ').collect();
    assert!(
        words.len() == 7
            && words[0] == "已生成"
            && words[2] == "条记录，共"
            && words[4] == "个文件，用时"
            && words[5].parse::<f64>().is_ok()
            && words[6] == "秒",
        "{last:?}"
    );
    let files = snapshot(&out).keys().filter(|k| !k.ends_with('/')).count();
    assert_eq!(words[3].parse::<usize>().ok(), Some(files), "{last}");
    // 14 published notices, 8 problems, 2 meetings, 3 lists, 3 pages.
    assert_eq!(words[1], "30", "{last}");
}

#[test]
fn phone_numbers_are_dialable_links_and_other_contact_text_stays_text() {
    let site = TempSite::from_fixture("minimal");
    site.edit("content/services/fuwu.md", |s| {
        s.replace(
            "    fee: low_cost\n",
            "    fee: low_cost\n    contact: 021-5555 0104\n  - name: 法律咨询\n    contact: 工作日上午到居委会\n",
        )
    });
    site.edit("content/notices/2026-11-gongshi.md", |s| {
        s.replace("phone: 021-5555-0001", "phone: 139****5678")
    });
    let out = site.build_ok("out", &["--now", "2026-11-21"]);
    let dials = |rel: &str| -> Vec<String> {
        tags(&read_out(&out, rel))
            .iter()
            .filter_map(|t| {
                t.attr("href")
                    .filter(|h| h.starts_with("tel:"))
                    .map(str::to_string)
            })
            .collect()
    };
    let service = read_out(&out, "services/fuwu/index.html");
    assert!(
        service.contains("工作日上午到居委会"),
        "text that is not a number is shown"
    );
    assert_eq!(
        dials("services/fuwu/index.html"),
        ["tel:02155550104", "tel:02155550000"],
        "the item's number and the footer's, without spaces and hyphens"
    );
    // A masked number (the privacy rule's 139****5678) is shown, but there is nothing to dial.
    let notice = read_out(&out, "notices/2026-11-gongshi/index.html");
    assert!(notice.contains("139****5678"));
    assert!(
        !dials("notices/2026-11-gongshi/index.html").contains(&"tel:139****5678".to_string()),
        "{:?}",
        dials("notices/2026-11-gongshi/index.html")
    );
}

#[test]
fn a_record_has_one_card_in_every_section_list_and_its_type_shows_only_where_types_mix() {
    let site = TempSite::from_fixture("minimal");
    for file in [
        "content/notices/2026-11-gongshi.md",
        "content/problems/2026-001-ludeng.md",
    ] {
        site.edit(file, |s| s.replacen("---\n", "---\ntags: [路灯]\n", 1));
    }
    let out = site.build_ok("out", &["--now", "2026-11-21"]);
    let tag_page = tags(&read_out(&out, "tags/index.html"))
        .into_iter()
        .find_map(|t| {
            t.attr("href")
                .filter(|h| h.starts_with("/tags/") && h.len() > 6)
                .map(str::to_string)
        })
        .expect("a tag page");
    let tag_page = format!("{}index.html", tag_page.trim_start_matches('/'));
    // The card of one record, cut out of a list page.
    let card =
        |rel: &str, url: &str| element_around(&read_out(&out, rel), url, "<article", "</article>");
    for (list, url, ty) in [
        (
            "notices/index.html",
            "/notices/2026-11-gongshi/",
            "公示公告",
        ),
        ("problems/index.html", "/problems/2026-001/", "问题墙"),
    ] {
        let in_section = card(list, url);
        assert!(in_section.contains(&format!("<span class=\"chip chip-type\">{ty}</span>")));
        // A tag's list is one line a record (a tag gathers thousands on a large site), with
        // the record's type, since a tag mixes them.
        let row = element_around(&read_out(&out, &tag_page), url, "<li", "</li>");
        assert!(
            row.contains(&format!("<span class=\"chip chip-type\">{ty}</span>")),
            "{row}"
        );
        let class_of_list = |rel: &str| -> String {
            tags(&read_out(&out, rel))
                .into_iter()
                .find(|t| t.name == "ul" && t.attr("class").is_some_and(|c| c.starts_with("cards")))
                .and_then(|t| t.attr("class").map(str::to_string))
                .expect("a list of cards")
        };
        assert!(
            class_of_list(list).contains("cards-one-type"),
            "{list}: one type, chip hidden"
        );
    }
    let css = read_out(&out, "theme/site.css");
    assert!(css.contains(".cards-one-type .chip-type { display: none; }"));
}

#[test]
fn card_html_renders_a_card_of_the_site_and_names_a_url_that_is_none() {
    let site = TempSite::from_fixture("minimal");
    // A site's own 404 page that shows one card at level 4, then one of no record.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}{{ card_html(url=\"/notices/2026-11-gongshi/\", level=4) }}{% endblock content %}",
    );
    let out = site.build_ok("out", &["--now", "2026-11-21"]);
    let page = read_out(&out, "404.html");
    assert!(
        page.contains(r#"<h4 class="card-title"><a href="/notices/2026-11-gongshi/">"#),
        "{page}"
    );
    fails_saying(
        &site,
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}{{ card_html(url=\"/notices/no-such/\", level=4) }}{% endblock content %}",
        "card_html：/notices/no-such/ 不是本站某条记录卡片的 url",
    );
}

/// Writes a site's own `template` and builds: the build fails, says `says`, and writes nothing.
fn fails_saying(site: &TempSite, template: &str, text: &str, says: &str) {
    site.write(template, text);
    let run = site.build_into(&site.outside("broken"), &[]);
    run.assert_code(1);
    assert!(run.stderr.contains(says), "{}", run.describe());
    assert!(!site.outside("broken").exists());
}

#[test]
fn the_page_chrome_comes_from_the_partials_and_marks_the_current_section() {
    let site = TempSite::from_fixture("minimal");
    site.write(
        "templates/partials/header.html",
        "<header data-section=\"{{ section }}\">{% for item in site.nav %}<a href=\"{{ item.url }}\"{% if item.url == nav_url %} aria-current=\"page\"{% elif item.key == section %} aria-current=\"true\"{% endif %}>{{ item.title }}</a>{% endfor %}</header>\n",
    );
    let out = site.build_ok("out", &[]);
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).expect(rel);
    // A list page of its own section: the section's nav item is the current page.
    let notices = read("notices/index.html");
    assert!(
        notices.contains("<header data-section=\"notices\">"),
        "{notices}"
    );
    assert!(
        notices.contains("href=\"/notices/\" aria-current=\"page\""),
        "{notices}"
    );
    // A record in that section shares the chrome of its section, marked as inside it.
    let notice = read("notices/2026-11-gongshi/index.html");
    assert!(
        notice.contains("href=\"/notices/\" aria-current=\"true\""),
        "{notice}"
    );
    assert!(
        !notice.contains("aria-current=\"page\">公示公告"),
        "{notice}"
    );
    // Another section gets its own rendering, not the first one cached.
    let problems = read("problems/index.html");
    assert!(
        problems.contains("<header data-section=\"problems\">"),
        "{problems}"
    );
    assert!(
        problems.contains("href=\"/problems/\" aria-current=\"page\""),
        "{problems}"
    );
    assert!(
        !problems.contains("href=\"/notices/\" aria-current"),
        "{problems}"
    );
    // The default footer partial is still there.
    assert!(notice.contains("class=\"site-footer\""), "{notice}");

    // A partial that fails is reported against the partial, and nothing is written.
    fails_saying(
        &site,
        "templates/partials/footer.html",
        "{{ site.no_such_field.x }}",
        "--> templates/partials/footer.html",
    );
}

/// The kiosk shows a link that leaves the site as a QR code (output.md "Kiosk"): each distinct
/// external URL of the bodies gets one SVG under `qr/`, named by its SHA-256, and its links a
/// `data-qr` naming it; the site's own absolute URLs get none, and a site without such links
/// has no `qr/` folder. (The browser test decodes the code shown with jsQR.)
#[test]
fn links_that_leave_the_site_get_a_qr_code_file() {
    let site = TempSite::from_fixture("minimal");
    let plain = site.build_ok("plain", &[]);
    assert!(!plain.join("qr").exists(), "no external link, no qr/");
    site.edit("content/about.md", |t| {
        format!(
            "{t}\n政策见[中国政府网](https://www.gov.cn/zhengce/)，\
             [加装电梯](https://example.org/居务/?q=电梯)，[镜像](<//cdn.example.org/a b>)，\
             本站[问题墙](https://x.cn/problems/)。\n"
        )
    });
    site.edit("content/notices/2026-11-gongshi.md", |t| {
        format!("{t}\n另见[中国政府网](https://www.gov.cn/zhengce/)。\n")
    });
    let out = site.build_ok("out", &[]);
    let name = |url: &str| {
        let hash = gongkai::digest::sha256_hex(url.as_bytes());
        format!("qr/{}.svg", &hash[..16])
    };
    let urls = [
        "https://www.gov.cn/zhengce/",
        "https://example.org/%E5%B1%85%E5%8A%A1/?q=%E7%94%B5%E6%A2%AF",
        "https://cdn.example.org/a%20b",
    ];
    let about = read_out(&out, "about/index.html");
    for url in urls {
        let file = name(url);
        assert!(
            about.contains(&format!(" data-qr=\"/{file}\"")),
            "{url}: {about}"
        );
        let svg = std::fs::read_to_string(out.join(&file)).expect("QR file written");
        assert_eq!(svg, gongkai::pipeline::render::qr::svg(url), "{url}");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    }
    assert!(
        about.contains("<a href=\"https://x.cn/problems/\" rel=\"noopener\">"),
        "the site's own URL gets no code: {about}"
    );
    let notice = read_out(&out, "notices/2026-11-gongshi/index.html");
    assert!(notice.contains(&format!(" data-qr=\"/{}\"", name(urls[0]))));
    let files: Vec<_> = std::fs::read_dir(out.join("qr"))
        .expect("qr/")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(files.len(), 3, "one file a distinct URL: {files:?}");
}
