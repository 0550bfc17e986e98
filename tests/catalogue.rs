//! The 公开目录, the problem-wall tables and the yearly report on a small site whose every figure
//! is worked out by hand below, at two different days.

mod common;

use common::*;
use serde_json::{Value, json};

/// Line 20 is `catalogue:`; the items start at lines 22 (caiwu), 29 (zhiweihui), 35 (dangfei).
const SITE: &str = "\
title: 测试社区公开
community: 测试社区
base_url: https://catalogue.test/
org:
  - id: zz
    name: 测试社区党总支
    children:
      - id: b1
        name: 一支部
        children:
          - id: b1-g1
            name: 一组
      - id: b2
        name: 二支部
meeting_kinds: [支委会, 党员大会]
# 下面是公开目录
#
#
#
catalogue:
  items:
    - id: caiwu
      name: 财务收支公开
      match: {section: notices, category: 财务}
      every: quarter
      within_days: 15
      org: [zz]
      from: 2026-01-01
    - id: zhiweihui
      name: 支委会
      match: {section: meetings, kind: 支委会}
      every: month
      level: 1
      from: 2026-08-01
    - id: dangfei
      name: 党费公开
      match: {section: notices, kind: 公开, tag: 党费}
      every: half_year
      within_days: 30
";

fn notice(site: &TempSite, slug: &str, date: &str, kind: &str, extra: &str) {
    site.write(
        &format!("content/notices/{slug}.md"),
        &format!("---\ntitle: 公告{slug}\ndate: {date}\nkind: {kind}\n{extra}---\n\n正文。\n"),
    );
}

fn meeting(site: &TempSite, slug: &str, date: &str, org: &str) {
    site.write(
        &format!("content/meetings/{slug}.md"),
        &format!(
            "---\ntitle: 支委会{slug}\ndate: {date}\nkind: 支委会\norg: {org}\n---\n\n记录。\n"
        ),
    );
}

/// The 回音壁 entry: its date and the ratings (满意, 基本满意, 不满意), if any.
type Echo<'a> = (&'a str, Option<(u32, u32, u32)>);

#[allow(clippy::too_many_arguments)]
fn problem(
    site: &TempSite,
    id: &str,
    date: &str,
    unit: &str,
    org: Option<&str>,
    source: &str,
    deadline: &str,
    status: &str,
    progress: &[&str],
    echo: Option<Echo>,
) {
    let mut s = format!(
        "---\ntitle: 问题{id}\nid: {id}\ndate: {date}\nsource: {source}\nresponsible:\n  unit: {unit}\nmeasures:\n  - 整改\ndeadline: {deadline}\nstatus: {status}\n"
    );
    if let Some(o) = org {
        s.push_str(&format!("org: {o}\n"));
    }
    if !progress.is_empty() {
        s.push_str("progress:\n");
        for p in progress {
            s.push_str(&format!("  - date: {p}\n    text: 进展\n"));
        }
    }
    if let Some((d, ev)) = echo {
        s.push_str(&format!("echo:\n  date: {d}\n  result: 已处理\n"));
        if let Some((a, b, c)) = ev {
            s.push_str(&format!(
                "  evaluation: {{satisfied: {a}, basically: {b}, unsatisfied: {c}}}\n"
            ));
        }
    }
    s.push_str("---\n\n说明。\n");
    site.write(&format!("content/problems/{id}.md"), &s);
}

fn fixture() -> TempSite {
    let site = TempSite::empty();
    site.write("site.yaml", SITE);
    // 财务: Q1 on 04-10 (in its grace), Q2 on 07-15 (the grace's last day), Q3 on 10-14 by a
    // branch (counts for the 总支 above it); nothing for Q4.
    notice(
        &site,
        "n1",
        "2026-04-10",
        "disclosure",
        "category: 财务\norg: zz\n",
    );
    notice(&site, "n2", "2026-07-15", "disclosure", "category: 财务\n");
    notice(
        &site,
        "n3",
        "2026-10-14",
        "disclosure",
        "category: 财务\norg: b1\n",
    );
    notice(
        &site,
        "n4",
        "2026-03-01",
        "announcement",
        "category: 低保\n",
    );
    // 党费: the earliest matching record decides the first period owed (2026 H2).
    notice(&site, "n5", "2026-07-20", "公开", "tags: [党费]\n");
    // 支委会: b1 twice in August, in September by its group, on 31 October; b2 in August and
    // November only; the 总支's own meeting counts for no branch.
    meeting(&site, "m1", "2026-08-05", "b1");
    meeting(&site, "m2", "2026-08-20", "b1");
    meeting(&site, "m3", "2026-09-10", "b1-g1");
    meeting(&site, "m4", "2026-10-31", "b1");
    meeting(&site, "m5", "2026-08-31", "b2");
    meeting(&site, "m6", "2026-11-01", "b2");
    meeting(&site, "m7", "2026-09-15", "zz");
    problem(
        &site,
        "P1",
        "2026-09-01",
        "物业",
        Some("b1"),
        "居民反映",
        "2026-09-30",
        "resolved",
        &["2026-09-05"],
        Some(("2026-09-20", Some((8, 1, 1)))),
    );
    problem(
        &site,
        "P2",
        "2026-09-10",
        "物业",
        Some("b2"),
        "网格巡查",
        "2026-09-20",
        "resolved",
        &["2026-09-12", "2026-09-15"],
        Some(("2026-10-10", Some((2, 2, 6)))),
    );
    problem(
        &site,
        "P3",
        "2026-10-05",
        "居委会",
        None,
        "居民反映",
        "2026-10-31",
        "in_progress",
        &["2026-10-20"],
        None,
    );
    problem(
        &site,
        "P4",
        "2026-10-20",
        "物业",
        Some("b1-g1"),
        "居民反映",
        "2026-12-31",
        "open",
        &[],
        None,
    );
    problem(
        &site,
        "P5",
        "2026-11-02",
        "居委会",
        Some("b1"),
        "12345热线",
        "2026-11-30",
        "unresolvable",
        &["2026-11-03"],
        Some(("2026-11-10", None)),
    );
    site
}

/// (period, status, days_missing, record slugs) of one unit of one item.
fn periods(c: &Value, item: &str, unit: &str) -> Vec<(String, String, Value, Vec<String>)> {
    let it = c["items"]
        .as_array()
        .and_then(|v| v.iter().find(|i| i["id"] == item))
        .unwrap_or_else(|| panic!("item {item} in {c}"));
    let u = it["units"]
        .as_array()
        .and_then(|v| v.iter().find(|u| u["id"] == unit))
        .unwrap_or_else(|| panic!("unit {unit} of {item}"));
    u["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|p| {
            let slugs = p["records"]
                .as_array()
                .expect("records")
                .iter()
                .map(|r| {
                    let url = r.as_str().expect("url");
                    url.trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
                .collect();
            (
                p["period"].as_str().unwrap_or_default().to_string(),
                p["status"].as_str().unwrap_or_default().to_string(),
                p["days_missing"].clone(),
                slugs,
            )
        })
        .collect()
}

fn p(
    period: &str,
    status: &str,
    days: Value,
    records: &[&str],
) -> (String, String, Value, Vec<String>) {
    (
        period.into(),
        status.into(),
        days,
        records.iter().map(|s| s.to_string()).collect(),
    )
}

#[test]
fn catalogue_at_the_build_day() {
    let site = fixture();
    let out = site.build_ok("out", &[]);
    let c = read_json(&out, "data/catalogue.json");
    let n = Value::Null;
    assert_eq!(
        periods(&c, "caiwu", "zz"),
        [
            p("2026-Q4", "current", n.clone(), &[]),
            p("2026-Q3", "done", n.clone(), &["n3"]),
            p("2026-Q2", "done", n.clone(), &["n2"]),
            p("2026-Q1", "done", n.clone(), &["n1"]),
        ]
    );
    assert_eq!(
        periods(&c, "zhiweihui", "b1"),
        [
            p("2026-11", "current", n.clone(), &[]),
            p("2026-10", "done", n.clone(), &["m4"]),
            p("2026-09", "done", n.clone(), &["m3"]),
            p("2026-08", "done", n.clone(), &["m1", "m2"]),
        ]
    );
    assert_eq!(
        periods(&c, "zhiweihui", "b2"),
        [
            p("2026-11", "done", n.clone(), &["m6"]),
            p("2026-10", "missing", json!(21), &[]),
            p("2026-09", "missing", json!(52), &[]),
            p("2026-08", "done", n.clone(), &["m5"]),
        ]
    );
    assert_eq!(
        periods(&c, "dangfei", "zz"),
        [p("2026-H2", "done", n.clone(), &["n5"])]
    );
    let q4 = &c["items"][0]["units"][0]["periods"][0];
    assert_eq!(
        (&q4["start"], &q4["end"], &q4["due"], &q4["status_label"]),
        (
            &json!("2026-10-01"),
            &json!("2026-12-31"),
            &json!("2027-01-15"),
            &json!("本期中")
        )
    );
    assert_eq!(
        c["summary"],
        json!({"owed_now": 4, "done_now": 2, "periods": 13, "done": 9, "current": 2, "missing": 2})
    );

    let html = read_out(&out, "catalogue/index.html");
    assert!(
        html.contains("逾期未公开（2）"),
        "the missing list heads the page"
    );
    assert!(html.contains("逾期未公开 52天") && html.contains("逾期未公开 21天"));
    assert!(
        html.contains(r#"data-due="2026-11-30" data-state="current""#),
        "b1's November can turn missing in the browser"
    );
    assert!(html.contains("href=\"/meetings/m1/\"") && html.contains("href=\"/meetings/m2/\""));
    let org = read_out(&out, "org/b2/index.html");
    assert!(org.contains("应公开事项（1）") && org.contains("逾期未公开 52天"));
    let home = read_out(&out, "index.html");
    assert!(
        home.contains(r#"data-dues="2026-11-30 2027-01-15""#),
        "{}",
        &home[home.find("data-dues").unwrap_or(0)..][..60.min(home.len())]
    );

    let (_, diags) = site.check();
    let got: Vec<(&str, u32, &str)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.line, d.message.as_str()))
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    for (code, line, _) in &got {
        assert_eq!((*code, *line), ("W-CATALOGUE-MISSING", 29));
    }
    assert!(
        got.iter()
            .any(|d| d.2.contains("二支部 2026年9月") && d.2.contains("已逾期 52 天"))
    );
    assert!(
        got.iter()
            .any(|d| d.2.contains("二支部 2026年10月") && d.2.contains("已逾期 21 天"))
    );
}

#[test]
fn catalogue_two_months_later() {
    let site = fixture();
    let out = site.build_ok("out", &["--now", "2027-01-20"]);
    let c = read_json(&out, "data/catalogue.json");
    let n = Value::Null;
    assert_eq!(
        periods(&c, "caiwu", "zz")[..2],
        [
            p("2027-Q1", "current", n.clone(), &[]),
            p("2026-Q4", "missing", json!(5), &[]),
        ]
    );
    assert_eq!(
        periods(&c, "zhiweihui", "b1")[..3],
        [
            p("2027-01", "current", n.clone(), &[]),
            p("2026-12", "missing", json!(20), &[]),
            p("2026-11", "missing", json!(51), &[]),
        ]
    );
    assert_eq!(
        periods(&c, "zhiweihui", "b2"),
        [
            p("2027-01", "current", n.clone(), &[]),
            p("2026-12", "missing", json!(20), &[]),
            p("2026-11", "done", n.clone(), &["m6"]),
            p("2026-10", "missing", json!(81), &[]),
            p("2026-09", "missing", json!(112), &[]),
            p("2026-08", "done", n.clone(), &["m5"]),
        ]
    );
    assert_eq!(
        periods(&c, "dangfei", "zz"),
        [
            p("2027-H1", "current", n.clone(), &[]),
            p("2026-H2", "done", n.clone(), &["n5"]),
        ]
    );
    assert_eq!(c["summary"]["missing"], 6);
    let (_, diags) = site.check_at("2027-01-20");
    assert_eq!(diags.len(), 6, "{}", list(&diags));
    assert_eq!(
        diags.iter().filter(|d| d.line == 22).count(),
        1,
        "caiwu's Q4"
    );
}

fn row(rows: &Value, key: &str) -> Value {
    rows.as_array()
        .and_then(|v| v.iter().find(|r| r["key"] == key))
        .unwrap_or_else(|| panic!("row {key} in {rows}"))
        .clone()
}

#[test]
fn stats_tables_worked_out_by_hand() {
    let site = fixture();
    let out = site.build_ok("out", &[]);
    let s = read_json(&out, "data/stats.json");
    // 物业: P1 (closed on time after 19 days, first progress after 4), P2 (closed late after 30,
    // progress after 2), P4 (open, not yet due). Ratings 8+2 satisfied, 1+2 basically, 1+6 not.
    let wy = row(&s["by_responsible"], "物业");
    assert_eq!(
        (
            &wy["items"],
            &wy["open"],
            &wy["overdue"],
            &wy["closed"],
            &wy["closed_on_time"]
        ),
        (&json!(3), &json!(1), &json!(0), &json!(2), &json!(1))
    );
    assert_eq!(
        (&wy["on_time_rate"], &wy["on_time_rate_pct"]),
        (&json!(0.5), &json!("50%"))
    );
    assert_eq!(wy["median_days_to_close"], json!(24.5));
    assert_eq!(wy["median_days_to_first_progress"], json!(3.0));
    assert_eq!(
        (&wy["satisfaction"], &wy["satisfaction_pct"]),
        (&json!(0.65), &json!("65%"))
    );
    assert_eq!(wy["ratings"]["total"], 20);
    // 居委会: P3 overdue since 10-31 (progress after 15 days), P5 unresolvable on time after 8
    // days (progress after 1), no ratings.
    let jw = row(&s["by_responsible"], "居委会");
    assert_eq!(
        (
            &jw["items"],
            &jw["open"],
            &jw["overdue"],
            &jw["closed"],
            &jw["on_time_rate_pct"]
        ),
        (&json!(2), &json!(1), &json!(1), &json!(1), &json!("100%"))
    );
    assert_eq!(
        (
            &jw["median_days_to_close"],
            &jw["median_days_to_first_progress"]
        ),
        (&json!(8.0), &json!(8.0))
    );
    assert_eq!(jw["satisfaction"], Value::Null);
    let keys = |rows: &Value| -> Vec<String> {
        rows.as_array()
            .expect("rows")
            .iter()
            .map(|r| r["key"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(keys(&s["by_responsible"]), ["物业", "居委会"]);
    // By unit in the org tree's order; P3 has no org and is the 总支's.
    assert_eq!(keys(&s["by_org"]), ["zz", "b1", "b1-g1", "b2"]);
    let b1 = row(&s["by_org"], "b1");
    assert_eq!(
        (
            &b1["items"],
            &b1["median_days_to_close"],
            &b1["median_days_to_first_progress"],
            &b1["satisfaction_pct"]
        ),
        (&json!(2), &json!(13.5), &json!(2.5), &json!("90%"))
    );
    let b2 = row(&s["by_org"], "b2");
    assert_eq!(
        (&b2["on_time_rate_pct"], &b2["satisfaction_pct"]),
        (&json!("0%"), &json!("40%"))
    );
    assert_eq!(keys(&s["by_source"]), ["居民反映", "12345热线", "网格巡查"]);
    assert_eq!(row(&s["by_source"], "居民反映")["items"], 3);
    assert_eq!(keys(&s["by_month"]), ["2026-09", "2026-10", "2026-11"]);
    let sep = row(&s["by_month"], "2026-09");
    assert_eq!(
        (
            &sep["label"],
            &sep["closed_on_time"],
            &sep["median_days_to_close"]
        ),
        (&json!("2026年9月"), &json!(1), &json!(24.5))
    );
    // The whole wall: closes after 8, 19, 30 days; first progress after 1, 2, 4, 15 days.
    let w = &s["wall"];
    assert_eq!(
        (&w["items"], &w["on_time_rate_pct"]),
        (&json!(5), &json!("66.7%"))
    );
    assert_eq!(
        (
            &w["median_days_to_close"],
            &w["median_days_to_first_progress"]
        ),
        (&json!(19.0), &json!(3.0))
    );
    assert_eq!(w["satisfaction_pct"], "65%");

    let html = read_out(&out, "stats/index.html");
    assert!(
        html.contains("按期办结 ÷ 已办结"),
        "the formula is on the page"
    );
    assert!(html.contains("<th scope=\"row\">物业</th><td>3</td><td>1</td><td>0</td><td>2</td><td>1</td><td>50%</td><td>24.5天</td><td>3天</td><td>65%"), "物业's row");
}

#[test]
fn yearly_report_figures() {
    let site = fixture();
    let out = site.build_ok("out", &[]);
    let r = read_json(&out, "data/report-2026.json");
    assert_eq!(r["year"], 2026);
    assert_eq!(r["records"], 17);
    assert_eq!(r["notices"]["total"], 5);
    let kinds: Vec<(String, u64)> = r["notices"]["by_kind"]
        .as_array()
        .expect("kinds")
        .iter()
        .map(|k| {
            (
                k["key"].as_str().unwrap_or_default().to_string(),
                k["count"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("publicity".into(), 0),
            ("announcement".into(), 1),
            ("notification".into(), 0),
            ("disclosure".into(), 4)
        ]
    );
    assert_eq!(
        r["meetings"]["by_kind"],
        json!([{"key": "支委会", "label": "支委会", "count": 7}])
    );
    let c = &r["catalogue"];
    assert_eq!(
        (
            &c["owed"],
            &c["done"],
            &c["current"],
            &c["missing"],
            &c["rate_pct"]
        ),
        (&json!(13), &json!(9), &json!(2), &json!(2), &json!("81.8%"))
    );
    let zwh = row(
        &json!(c["items"].as_array().map(|v| {
            v.iter()
                .map(|i| {
                    let mut i = i.clone();
                    i["key"] = i["id"].clone();
                    i
                })
                .collect::<Vec<_>>()
        })),
        "zhiweihui",
    );
    assert_eq!(
        (
            &zwh["owed"],
            &zwh["done"],
            &zwh["missing"],
            &zwh["held"],
            &zwh["rate_pct"]
        ),
        (&json!(8), &json!(5), &json!(2), &json!(6), &json!("71.4%"))
    );
    assert_eq!(
        (&r["problems"]["items"], &r["problems"]["closed"]),
        (&json!(5), &json!(3))
    );
    let html = read_out(&out, "reports/2026/index.html");
    assert!(html.contains("2026年度党务居务公开报告"));
    assert!(html.contains("按时公开率 81.8%"));
    assert!(read_out(&out, "sitemap.xml").contains("https://catalogue.test/reports/2026/"));
    assert!(read_out(&out, "sitemap.xml").contains("https://catalogue.test/catalogue/"));
}

#[test]
fn a_category_no_record_uses_is_an_error_at_its_line() {
    let site = fixture();
    site.edit("site.yaml", |s| {
        s.replace("category: 财务}", "category: 财物}")
    });
    let (run, diags) = site.check();
    run.assert_code(1);
    // The other items are still checked: 二支部's two missing 支委会 stay warnings.
    let errors: Vec<&Diag> = diags.iter().filter(|d| d.severity == "error").collect();
    assert_eq!(errors.len(), 1, "{}", list(&diags));
    assert_eq!(diags.len(), 3, "{}", list(&diags));
    let d = errors[0];
    assert_eq!(
        (d.code.as_str(), d.file.as_str(), d.line),
        ("E-CATALOGUE-MATCH", "site.yaml", 24)
    );
    assert!(d.help.contains("财务"), "{}", d.help);
}

#[test]
fn config_mistakes_are_reported_at_their_lines() {
    let site = fixture();
    site.edit("site.yaml", |s| {
        s.replace("  items:\n", "  preset: 三会\n  items:\n")
            .replace("org: [zz]", "org: [zzz]")
            .replace("every: half_year", "every: halfyear")
            .replace("      level: 1\n", "      levl: 1\n")
    });
    let (run, diags) = site.check();
    run.assert_code(1);
    let got: Vec<(&str, u32)> = diags.iter().map(|d| (d.code.as_str(), d.line)).collect();
    assert_eq!(
        got,
        [
            ("E-CATALOGUE-PRESET", 21),
            ("E-CATALOGUE-UNIT", 28),
            ("E-FIELD-UNKNOWN", 34),
            ("E-FIELD-VALUE", 39),
        ],
        "{}",
        list(&diags)
    );
}

#[test]
fn the_preset_owes_by_level_and_a_site_item_replaces_it() {
    let site = fixture();
    site.edit("site.yaml", |s| {
        s.replace("meeting_kinds: [支委会, 党员大会]\n", "")
            .replace("  items:\n", "  preset: 三会一课\n  items:\n")
    });
    let out = site.build_ok("out", &[]);
    let c = read_json(&out, "data/catalogue.json");
    let ids: Vec<&str> = c["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "dangyuan-dahui",
            "zhiweihui",
            "dangke",
            "zhuti-dangri",
            "dangxiaozu",
            "lianxi",
            "zuzhi-shenghuohui",
            "caiwu",
            "dangfei"
        ]
    );
    let units = |id: &str| -> Vec<String> {
        c["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["id"] == id)
            .expect("item")["units"]
            .as_array()
            .expect("units")
            .iter()
            .map(|u| u["id"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(units("dangke"), ["b1", "b2"]);
    assert_eq!(units("dangxiaozu"), ["b1-g1"]);
    assert_eq!(units("lianxi"), ["zz"]);
    // The site's own 支委会 item (from 2026-08) replaced the preset's.
    assert_eq!(periods(&c, "zhiweihui", "b2").len(), 4);
    // 党课: no record counts, so it is owed from the site's first record (2026-03-01, Q1).
    assert_eq!(periods(&c, "dangke", "b1").len(), 4);
    assert_eq!(periods(&c, "dangke", "b2")[3].0, "2026-Q1");
}

#[test]
fn the_default_from_is_the_earliest_record_that_counts_for_an_owing_unit() {
    let site = fixture();
    site.edit("site.yaml", |s| {
        s.replace("      from: 2026-08-01\n", "      from: 2026-08-01\n    - id: dahui\n      name: 党员大会\n      match: {section: meetings, kind: 党员大会}\n      every: quarter\n      level: 1\n")
    });
    // The 总支's own 党员大会 in January counts for no branch, so the branches owe from b1's in
    // September (the third quarter) on: b2 has none.
    for (slug, date, org) in [("d1", "2026-01-10", "zz"), ("d2", "2026-09-01", "b1")] {
        site.write(
            &format!("content/meetings/{slug}.md"),
            &format!("---\ntitle: 党员大会{slug}\ndate: {date}\nkind: 党员大会\norg: {org}\n---\n\n记录。\n"),
        );
    }
    let out = site.build_ok("out", &[]);
    let c = read_json(&out, "data/catalogue.json");
    let n = Value::Null;
    assert_eq!(
        periods(&c, "dahui", "b1"),
        [
            p("2026-Q4", "current", n.clone(), &[]),
            p("2026-Q3", "done", n.clone(), &["d2"])
        ]
    );
    assert_eq!(
        periods(&c, "dahui", "b2"),
        [
            p("2026-Q4", "current", n.clone(), &[]),
            p("2026-Q3", "missing", json!(52), &[])
        ]
    );
}

#[test]
fn the_new_exports_meet_their_published_schemas() {
    let site = fixture();
    let out = site.build_ok("out", &[]);
    for (export, schema) in [
        ("data/catalogue.json", "schema/catalogue.json"),
        ("data/report-2026.json", "schema/report.json"),
        ("data/stats.json", "schema/stats.json"),
    ] {
        let v = jsonschema::options()
            .should_validate_formats(true)
            .build(&read_json(&out, schema))
            .expect("schema compiles");
        let instance = read_json(&out, export);
        let errors: Vec<String> = v
            .iter_errors(&instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert_eq!(errors, Vec::<String>::new(), "{export}");
        // A period with an impossible status must not pass.
        if export == "data/catalogue.json" {
            let mut bad = instance.clone();
            bad["items"][0]["units"][0]["periods"][0]["status"] = json!("late");
            assert!(!v.is_valid(&bad));
        }
    }
}

#[test]
fn with_several_top_units_the_community_is_the_root() {
    let site = TempSite::empty();
    site.write(
        "site.yaml",
        "title: T\ncommunity: 联合社区\nbase_url: https://catalogue.test/\norg:\n  - id: a\n    name: 甲支部\n  - id: b\n    name: 乙支部\ncatalogue:\n  items:\n    - id: gk\n      name: 公开\n      match: {section: notices}\n      every: month\n      from: 2026-09-01\n",
    );
    // September by a unit (counts for the community above it), October without org, none in November.
    notice(&site, "s", "2026-09-03", "disclosure", "org: b\n");
    notice(&site, "o", "2026-10-03", "disclosure", "");
    let out = site.build_ok("out", &[]);
    let c = read_json(&out, "data/catalogue.json");
    let unit = &c["items"][0]["units"][0];
    assert_eq!(
        (&unit["id"], &unit["name"], &unit["url"]),
        (&Value::Null, &json!("联合社区"), &Value::Null)
    );
    let got: Vec<(String, String)> = unit["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap_or_default().into(),
                p["status"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2026-11".to_string(), "current".to_string()),
            ("2026-10".into(), "done".into()),
            ("2026-09".into(), "done".into()),
        ]
    );
}
