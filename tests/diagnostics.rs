//! Bad input, one small site each: `check --format json` must name the mistake (code, file, line,
//! column) in Chinese and exit 1, and `build` must leave a previous output byte-for-byte untouched.
//! Every case starts from `tests/fixtures/minimal` (a valid site) and adds or replaces files.

mod common;

use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

// Files the cases write, and valid templates for them. Line numbers in the cases refer to these
// texts (line 1 is the opening `---`).
const N: &str = "content/notices/bad.md";
const P: &str = "content/problems/bad.md";
const M: &str = "content/meetings/bad.md";
const S: &str = "content/services/bad.md";
const G: &str = "content/guide/bad.md";
const SITE: &str = "site.yaml";

/// 2 title · 3 date · 4 kind · 5 publicity: · 6 start · 7 end · 8 contact: · 9 name · 10 ---
const NOTICE: &str = "---
title: 测试公示
date: 2026-11-16
kind: publicity
publicity:
  start: 2026-11-17
  end: 2026-11-23
contact:
  name: 李四
---

公示内容。
";

/// 2 title · 3 id · 4 date · 5 responsible: · 6 unit · 7 measures: · 8 item · 9 deadline · 10 status · 11 ---
const PROBLEM: &str = "---
title: 楼道堆物
id: 2026-101
date: 2026-11-01
responsible:
  unit: 物业服务中心
measures:
  - 清理堆物
deadline: 2026-11-30
status: open
---

楼道里堆满杂物。
";

/// 2 title · 3 date · 4 kind · 5 attendance: · 6 expected · 7 present · 8 ---
const MEETING: &str = "---
title: 11月支委会
date: 2026-11-05
kind: 支委会
attendance:
  expected: 7
  present: 6
---

会议内容。
";

/// 2 title · 3 date · 4 kind · 5 items: · 6 name · 7 category · 8 ---
const SERVICE: &str = "---
title: 资源清单
date: 2026-01-01
kind: resources
items:
  - name: 会议室
    category: 场地
---

可以借用的资源。
";

/// 2 title · 3 --- · 4 (blank) · 5 first paragraph
const PAGE: &str = "---
title: 办事指南
---

正文第一段。
";

/// site.yaml without its org tree (the minimal fixture's records name `zongzhi` and `grid-1`).
const ORG: &str = "org:
  - id: zongzhi
    name: 总支
    children:
      - id: grid-1
        name: 一网格
";

fn site_yaml(head: &str) -> String {
    format!("{head}{ORG}")
}

/// Replaces exactly one occurrence (a template edit that misses is a broken test).
fn with(template: &str, from: &str, to: &str) -> String {
    assert_eq!(
        template.matches(from).count(),
        1,
        "template edit {from:?} must match once"
    );
    template.replacen(from, to, 1)
}

/// One expected diagnostic.
#[derive(Debug, Clone)]
struct Expect {
    code: &'static str,
    file: &'static str,
    line: u32,
    column: Option<u32>,
    /// Each must appear in the message or the help.
    says: Vec<&'static str>,
}

fn err(code: &'static str, file: &'static str, line: u32, column: u32) -> Expect {
    Expect {
        code,
        file,
        line,
        column: Some(column),
        says: Vec::new(),
    }
}

/// Where a column means nothing (a whole file, a missing field reported at its map).
fn err_line(code: &'static str, file: &'static str, line: u32) -> Expect {
    Expect {
        code,
        file,
        line,
        column: None,
        says: Vec::new(),
    }
}

impl Expect {
    fn says(mut self, s: &'static str) -> Expect {
        self.says.push(s);
        self
    }

    fn matches(&self, d: &Diag) -> bool {
        d.is_error()
            && d.code == self.code
            && d.file == self.file
            && d.line == self.line
            && self.column.is_none_or(|c| d.column == c)
    }
}

/// The minimal fixture built once at NOW: the "previous output" every failed build must leave alone.
fn golden_output() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = kept_dir("diagnostics-golden-");
        let site = TempSite::from_fixture("minimal");
        let out = dir.join("out");
        site.build_into(&out, &[]).assert_code(0);
        out
    })
}

struct Outcome {
    diags: Vec<Diag>,
    json: String,
    build_stderr: String,
}

/// Runs one case: check (JSON) must exit 1 with the expected errors; build must exit 1 and leave
/// the previous output exactly as it was.
fn run_case(setup: impl FnOnce(&TempSite), expects: &[Expect]) -> Outcome {
    let site = TempSite::from_fixture("minimal");
    setup(&site);
    let (run, diags) = site.check();
    assert_eq!(
        run.code,
        Some(1),
        "check must exit 1; diagnostics:\n{}\n{}",
        list(&diags),
        run.describe()
    );
    for e in expects {
        let at: Vec<&Diag> = diags.iter().filter(|d| e.matches(d)).collect();
        assert!(
            !at.is_empty(),
            "expected error[{}] at {}:{}:{:?}; got:\n{}",
            e.code,
            e.file,
            e.line,
            e.column,
            list(&diags)
        );
        let says = |d: &Diag| {
            e.says
                .iter()
                .all(|s| d.message.contains(s) || d.help.contains(s))
        };
        assert!(
            at.iter().any(|d| says(d)),
            "error[{}] at {}:{} should mention {:?}: {}",
            e.code,
            e.file,
            e.line,
            e.says,
            list(&diags)
        );
    }
    for d in &diags {
        assert!(
            is_chinese(&d.message),
            "message not in Chinese: {}",
            d.short()
        );
        assert!(
            d.line >= 1 && d.column >= 1,
            "positions are 1-based: {}",
            d.short()
        );
    }
    // No collateral errors in files the case did not touch.
    let files: Vec<&str> = expects.iter().map(|e| e.file).collect();
    for d in diags.iter().filter(|d| d.is_error()) {
        assert!(
            files.contains(&d.file.as_str()),
            "unexpected error in another file: {}\nall:\n{}",
            d.short(),
            list(&diags)
        );
    }
    // Sorted by file and line.
    let keys: Vec<(&str, u32, u32)> = diags
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.column))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "diagnostics not sorted by file and line");

    // build: a previous output directory stays exactly as it was.
    let out = site.outside("out");
    copy_dir(golden_output(), &out);
    let before = snapshot(&out);
    let build = site.build_into(&out, &[]);
    assert_eq!(build.code, Some(1), "build must fail: {}", build.describe());
    assert!(!build.panicked());
    let first = &expects[0];
    assert!(
        build.stderr.contains(&format!("error[{}]", first.code)),
        "build names the error: {}",
        build.describe()
    );
    let diff = snapshot_diff(&before, &snapshot(&out));
    assert!(
        diff.is_empty(),
        "failed build touched the previous output: {diff:?}"
    );
    let mut beside: Vec<String> = std::fs::read_dir(site.dir.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert!(
        beside
            .iter()
            .all(|n| n == "site" || n == "out" || n == "outside"),
        "leftovers beside the output: {beside:?}"
    );
    Outcome {
        diags,
        json: run.stdout,
        build_stderr: build.stderr,
    }
}

/// One test per kind of mistake: `name(site) { setup } => [expected…];`
macro_rules! cases {
    ($($name:ident($s:ident) $setup:block => [$($e:expr),+ $(,)?];)+) => {$(
        #[test]
        fn $name() {
            run_case(|$s: &TempSite| $setup, &[$($e),+]);
        }
    )+};
}

cases! {
    // ---------------------------------------------------------------- site.yaml
    site_yaml_missing(s) { s.remove(SITE); } => [err_line("E-NO-SITE", SITE, 1)];
    site_yaml_empty(s) { s.write(SITE, ""); } => [err_line("E-SITE-EMPTY", SITE, 1)];
    site_yaml_missing_title(s) {
        s.write(SITE, &site_yaml("community: 测试社区\nbase_url: https://x.cn/\n"));
    } => [err_line("E-FIELD-MISSING", SITE, 1).says("title")];
    site_yaml_missing_community_and_base_url(s) {
        s.write(SITE, &site_yaml("title: 测试\n"));
    } => [err_line("E-FIELD-MISSING", SITE, 1).says("community"), err_line("E-FIELD-MISSING", SITE, 1).says("base_url")];
    site_yaml_unknown_key_suggests_the_nearest(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\npaginat: 5\n"));
    } => [err("E-FIELD-UNKNOWN", SITE, 4, 1).says("paginat").says("`paginate`")];
    site_yaml_unknown_key_far_from_any(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\nwebsite_owner: 张三\n"));
    } => [err("E-FIELD-UNKNOWN", SITE, 4, 1).says("base_url")];
    site_yaml_base_url_without_scheme(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: x.cn/sq\n"));
    } => [err("E-FIELD-VALUE", SITE, 3, 11).says("base_url")];
    site_yaml_base_url_ftp(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: ftp://x.cn/\n"));
    } => [err("E-FIELD-VALUE", SITE, 3, 11)];
    site_yaml_bad_timezone(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\ntimezone: Asia/Beijing\n"));
    } => [err("E-FIELD-VALUE", SITE, 4, 11).says("Asia/Shanghai")];
    site_yaml_duplicate_org_id(s) {
        s.write(SITE, "title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\norg:\n  - id: zongzhi\n    name: 总支\n    children:\n      - id: grid-1\n        name: 一网格\n  - id: grid-1\n    name: 重复\n");
    } => [err("E-FIELD-VALUE", SITE, 10, 9).says("grid-1")];
    site_yaml_org_id_not_ascii(s) {
        s.write(SITE, "title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\norg:\n  - id: Grid_1\n    name: 一网格\n");
    } => [err("E-FIELD-VALUE", SITE, 5, 9)];
    site_yaml_paginate_zero(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\npaginate: 0\n"));
    } => [err("E-FIELD-VALUE", SITE, 4, 11).says("paginate")];
    site_yaml_paginate_not_an_integer(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\npaginate: 二十\n"));
    } => [err("E-FIELD-TYPE", SITE, 4, 11).says("整数")];
    site_yaml_bool_not_a_bool(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\nrequire_approval: 是\n"));
    } => [err("E-FIELD-TYPE", SITE, 4, 19).says("true")];
    site_yaml_meeting_kinds_not_a_list(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\nmeeting_kinds: 党员大会\n"));
    } => [err("E-FIELD-TYPE", SITE, 4, 16)];
    site_yaml_kiosk_unknown_key(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试社区\nbase_url: https://x.cn/\nkiosk:\n  idle_second: 60\n"));
    } => [err("E-FIELD-UNKNOWN", SITE, 5, 3).says("`idle_seconds`")];
    site_yaml_syntax_error(s) {
        s.write(SITE, &site_yaml("title: 测试\ncommunity: 测试: 社区\nbase_url: https://x.cn/\n"));
    } => [err("E-YAML", SITE, 2, 14)];
    site_yaml_not_a_map(s) { s.write(SITE, "- title\n- community\n"); } => [err("E-FIELD-TYPE", SITE, 1, 1)];
    holidays_yaml_impossible_date(s) {
        s.write("holidays.yaml", "2027:\n  holidays: [2027-02-30]\n  workdays: []\n");
    } => [err("E-DATE-IMPOSSIBLE", "holidays.yaml", 2, 14).says("2027年2月没有30日")];
    holidays_yaml_date_in_the_wrong_year(s) {
        s.write("holidays.yaml", "2027:\n  holidays: [2026-10-01]\n");
    } => [err("E-FIELD-VALUE", "holidays.yaml", 2, 14).says("2027")];
    holidays_yaml_unknown_key(s) {
        s.write("holidays.yaml", "2027:\n  holiday: [2027-01-01]\n");
    } => [err("E-FIELD-UNKNOWN", "holidays.yaml", 2, 3).says("`holidays`")];

    // ---------------------------------------------------------------- front matter
    unknown_key_titel_suggests_title(s) {
        s.write(G, &with(PAGE, "title:", "titel:"));
    } => [err("E-FIELD-UNKNOWN", G, 2, 1).says("titel").says("`title`")];
    unknown_key_in_a_problem_suggests_deadline(s) {
        s.write(P, &with(PROBLEM, "deadline:", "dedline:"));
    } => [err("E-FIELD-UNKNOWN", P, 9, 1).says("`deadline`")];
    unknown_key_far_from_any_lists_the_allowed_ones(s) {
        s.write(N, &with(NOTICE, "date:", "zzz_qqq: 1\ndate:"));
    } => [err("E-FIELD-UNKNOWN", N, 3, 1).says("publicity")];
    plain_page_may_not_have_a_kind(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\nkind: 公告\n"));
    } => [err("E-FIELD-UNKNOWN", G, 3, 1).says("kind")];
    crlf_line_endings_keep_positions(s) {
        s.write(G, &with(PAGE, "title:", "titel:").replace('\n', "\r\n"));
    } => [err("E-FIELD-UNKNOWN", G, 2, 1).says("`title`")];
    byte_order_mark_keeps_positions(s) {
        s.write(G, &format!("\u{feff}{}", with(PAGE, "title: 办事指南\n", "title: 办事指南\ndraft: 是\n")));
    } => [err("E-FIELD-TYPE", G, 3, 8)];
    crlf_body_link_keeps_its_line(s) {
        s.write(G, "---\r\ntitle: 办事指南\r\n---\r\n\r\n第一段。\r\n\r\n请看[不存在](nowhere.md)。\r\n");
    } => [err("E-LINK", G, 7, 3)];
    missing_front_matter(s) { s.write(G, "# 办事指南\n\n正文。\n"); } => [err("E-NO-FRONT-MATTER", G, 1, 1)];
    unclosed_front_matter(s) { s.write(G, "---\ntitle: 办事指南\n\n正文。\n"); } => [err("E-FRONT-MATTER-OPEN", G, 1, 1)];
    empty_front_matter(s) { s.write(G, "---\n---\n\n正文。\n"); } => [err_line("E-FIELD-MISSING", G, 2).says("title")];
    front_matter_is_a_list(s) { s.write(G, "---\n- title\n- 办事指南\n---\n"); } => [err("E-FIELD-TYPE", G, 2, 1)];
    yaml_syntax_error_colon_in_value(s) {
        s.write(G, &with(PAGE, "title: 办事指南", "title: 办事: 指南"));
    } => [err("E-YAML", G, 2, 10)];
    yaml_syntax_error_bad_indentation(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\n  summary: 摘要\n"));
    } => [err("E-YAML-INDENT", G, 3, 1).says("`summary`").says("`title`")];
    yaml_syntax_error_unclosed_list(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\ntags: [甲, 乙\nsummary: 摘要\n"));
    } => [err("E-YAML", G, 3, 7).says("「]」").says("tags: [甲, 乙]")];
    yaml_duplicate_key(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\ntitle: 又一个\n"));
    } => [err("E-YAML", G, 3, 1).says("title")];
    yaml_alias_refused(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: &t 办事指南\nsummary: *t\n"));
    } => [err_line("E-YAML", G, 3)];
    title_is_a_list(s) { s.write(G, &with(PAGE, "title: 办事指南", "title: [甲, 乙]")); } => [err("E-FIELD-TYPE", G, 2, 8).says("title")];
    title_is_a_map(s) { s.write(G, &with(PAGE, "title: 办事指南", "title:\n  a: 甲")); } => [err("E-FIELD-TYPE", G, 3, 3).says("title")];
    title_is_empty(s) { s.write(G, &with(PAGE, "title: 办事指南", "title: \"\"")); } => [err_line("E-FIELD-MISSING", G, 2).says("title")];
    draft_is_not_a_bool(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\ndraft: 是\n"));
    } => [err("E-FIELD-TYPE", G, 3, 8).says("draft")];
    tags_is_not_a_list(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\ntags: 低保\n"));
    } => [err("E-FIELD-TYPE", G, 3, 7).says("tags")];
    date_with_month_13(s) { s.write(N, &with(NOTICE, "date: 2026-11-16", "date: 2026-13-01")); } => [err("E-DATE-IMPOSSIBLE", N, 3, 7).says("date").says("没有13月")];
    date_february_30(s) { s.write(N, &with(NOTICE, "date: 2026-11-16", "date: 2026-02-30")); } => [err("E-DATE-IMPOSSIBLE", N, 3, 7).says("2026年2月没有30日")];
    date_with_words(s) { s.write(N, &with(NOTICE, "date: 2026-11-16", "date: 下周一")); } => [err("E-FIELD-TYPE", N, 3, 7).says("2026年11月5日")];
    date_missing(s) { s.write(N, &with(NOTICE, "date: 2026-11-16\n", "")); } => [err_line("E-FIELD-MISSING", N, 2).says("date")];
    updated_is_not_a_date(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\nupdated: 昨天\n"));
    } => [err("E-FIELD-TYPE", G, 3, 10).says("updated")];
    unknown_org_suggests_the_nearest(s) {
        s.write(N, &with(NOTICE, "kind: publicity\n", "kind: publicity\norg: grid-9\n"));
    } => [err("E-FIELD-VALUE", N, 5, 6).says("grid-9").says("grid-1")];
    after_expiry_unknown_value(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\nexpires: 2026-12-31\nafter_expiry: delete\n"));
    } => [err("E-FIELD-VALUE", G, 4, 15).says("redact")];
    privacy_allow_unknown_value(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\nprivacy_allow: [phone]\n"));
    } => [err("E-FIELD-VALUE", G, 3, 17).says("mobile")];
    attachment_without_file(s) {
        s.write(N, &with(NOTICE, "---\n\n", "attachments:\n  - title: 名单\n---\n\n"));
    } => [err_line("E-FIELD-MISSING", N, 11).says("file")];

    // ---------------------------------------------------------------- enumerations
    notice_kind_unknown(s) { s.write(N, &with(NOTICE, "kind: publicity", "kind: 公报")); } => [err("E-FIELD-VALUE", N, 4, 7).says("公报").says("publicity").says("公示")];
    notice_kind_missing(s) { s.write(N, &with(NOTICE, "kind: publicity\n", "")); } => [err_line("E-FIELD-MISSING", N, 2).says("kind")];
    problem_status_unknown(s) { s.write(P, &with(PROBLEM, "status: open", "status: done")); } => [err("E-FIELD-VALUE", P, 10, 9).says("in_progress").says("办理中")];
    service_kind_unknown(s) { s.write(S, &with(SERVICE, "kind: resources", "kind: 菜单")); } => [err("E-FIELD-VALUE", S, 4, 7).says("resources").says("资源清单")];
    fee_unknown(s) {
        s.write(S, &with(SERVICE, "    category: 场地\n", "    category: 场地\n    fee: 免费\n"));
    } => [err("E-FIELD-VALUE", S, 8, 10).says("low_cost").says("无偿")];
    project_status_unknown(s) {
        s.write(S, &with(&with(SERVICE, "kind: resources", "kind: projects"), "    category: 场地\n", "    category: 场地\n    status: 完成\n"));
    } => [err("E-FIELD-VALUE", S, 8, 13).says("accepted").says("已验收")];
    meeting_kind_unknown_lists_the_allowed(s) {
        s.write(M, &with(MEETING, "kind: 支委会", "kind: 茶话会"));
    } => [err("E-FIELD-VALUE", M, 4, 7).says("茶话会").says("党员大会").says("居民代表会议").says("其他")];
    meeting_kind_outside_the_sites_own_list(s) {
        s.edit(SITE, |t| format!("{t}meeting_kinds:\n  - 党建联席会议\n  - 楼组会\n"));
        s.write(M, MEETING);
    } => [err("E-FIELD-VALUE", M, 4, 7).says("楼组会")];
    meeting_kind_missing(s) { s.write(M, &with(MEETING, "kind: 支委会\n", "")); } => [err_line("E-FIELD-MISSING", M, 2).says("kind")];

    // ---------------------------------------------------------------- meetings
    attendance_present_more_than_expected(s) { s.write(M, &with(MEETING, "present: 6", "present: 9")); } => [err("E-FIELD-VALUE", M, 7, 12)];
    attendance_not_an_integer(s) { s.write(M, &with(MEETING, "expected: 7", "expected: 七")); } => [err("E-FIELD-TYPE", M, 6, 13).says("expected")];
    attendance_negative(s) { s.write(M, &with(MEETING, "present: 6", "present: -1")); } => [err("E-FIELD-VALUE", M, 7, 12)];
    attendance_on_leave_too_many(s) { s.write(M, &with(MEETING, "  present: 6\n", "  present: 6\n  on_leave: 3\n")); } => [err("E-FIELD-VALUE", M, 8, 13)];
    votes_with_an_unknown_key(s) {
        s.write(M, &with(MEETING, "  present: 6\n", "  present: 6\ndecisions:\n  - item: 议题\n    decision: 同意\n    votes:\n      agree: 6\n"));
    } => [err("E-FIELD-UNKNOWN", M, 12, 7)];
    participants_not_a_list(s) {
        s.write(M, &with(MEETING, "  present: 6\n", "  present: 6\nparticipants: 物业公司\n"));
    } => [err("E-FIELD-TYPE", M, 8, 15).says("participants")];
    decision_without_decision(s) {
        s.write(M, &with(MEETING, "  present: 6\n", "  present: 6\ndecisions:\n  - item: 议题\n"));
    } => [err_line("E-FIELD-MISSING", M, 9).says("decision")];

    // ---------------------------------------------------------------- notices
    publicity_missing_on_a_gongshi(s) {
        s.write(N, &with(NOTICE, "publicity:\n  start: 2026-11-17\n  end: 2026-11-23\n", ""));
    } => [err_line("E-FIELD-MISSING", N, 2).says("publicity")];
    publicity_end_before_start(s) { s.write(N, &with(NOTICE, "end: 2026-11-23", "end: 2026-11-10")); } => [err("E-FIELD-VALUE", N, 7, 8)];
    publicity_end_and_working_days(s) {
        s.write(N, &with(NOTICE, "  end: 2026-11-23\n", "  end: 2026-11-23\n  working_days: 5\n"));
    } => [err("E-FIELD-VALUE", N, 8, 17)];
    publicity_without_start(s) { s.write(N, &with(NOTICE, "  start: 2026-11-17\n", "")); } => [err_line("E-FIELD-MISSING", N, 6).says("start")];
    publicity_without_end(s) { s.write(N, &with(NOTICE, "  end: 2026-11-23\n", "")); } => [err_line("E-FIELD-MISSING", N, 6).says("end")];
    publicity_not_a_map(s) {
        s.write(N, &with(NOTICE, "publicity:\n  start: 2026-11-17\n  end: 2026-11-23\n", "publicity: 一周\n"));
    } => [err("E-FIELD-TYPE", N, 5, 12)];
    working_days_into_an_uncovered_year(s) {
        s.write(N, &with(NOTICE, "  start: 2026-11-17\n  end: 2026-11-23\n", "  start: 2031-01-06\n  working_days: 5\n"));
    } => [err("E-FIELD-VALUE", N, 7, 17).says("2031").says("holidays.yaml")];
    working_days_running_into_the_next_year(s) {
        s.write(N, &with(NOTICE, "  start: 2026-11-17\n  end: 2026-11-23\n", "  start: 2026-12-28\n  working_days: 10\n"));
    } => [err("E-FIELD-VALUE", N, 7, 17).says("2027")];
    working_days_zero(s) {
        s.write(N, &with(NOTICE, "  end: 2026-11-23\n", "  working_days: 0\n"));
    } => [err("E-FIELD-VALUE", N, 7, 17)];
    withdrawn_without_reason(s) {
        s.write(N, &with(NOTICE, "  name: 李四\n", "  name: 李四\nwithdrawn:\n  date: 2026-11-18\n"));
    } => [err_line("E-FIELD-MISSING", N, 11).says("reason")];
    withdrawn_without_date(s) {
        s.write(N, &with(NOTICE, "  name: 李四\n", "  name: 李四\nwithdrawn:\n  reason: 经核实有误\n"));
    } => [err_line("E-FIELD-MISSING", N, 11).says("date")];
    series_without_round(s) {
        s.write(N, &with(NOTICE, "  name: 李四\n", "  name: 李四\nseries: 2026-dibao\n"));
    } => [err_line("E-FIELD-MISSING", N, 2).says("round")];
    round_zero(s) {
        s.write(N, &with(NOTICE, "  name: 李四\n", "  name: 李四\nseries: 2026-dibao\nround: 0\n"));
    } => [err("E-FIELD-VALUE", N, 11, 8)];
    round_not_an_integer(s) {
        s.write(N, &with(NOTICE, "  name: 李四\n", "  name: 李四\nseries: 2026-dibao\nround: 第一榜\n"));
    } => [err("E-FIELD-TYPE", N, 11, 8)];
    notice_contact_unknown_key(s) { s.write(N, &with(NOTICE, "  name: 李四", "  nmae: 李四")); } => [err("E-FIELD-UNKNOWN", N, 9, 3).says("`name`")];

    // ---------------------------------------------------------------- problems
    problem_without_deadline(s) { s.write(P, &with(PROBLEM, "deadline: 2026-11-30\n", "")); } => [err_line("E-FIELD-MISSING", P, 2).says("deadline")];
    problem_without_responsible(s) { s.write(P, &with(PROBLEM, "responsible:\n  unit: 物业服务中心\n", "")); } => [err_line("E-FIELD-MISSING", P, 2).says("responsible")];
    problem_responsible_without_unit(s) { s.write(P, &with(PROBLEM, "  unit: 物业服务中心", "  person: 王五")); } => [err_line("E-FIELD-MISSING", P, 6).says("unit")];
    problem_without_measures(s) { s.write(P, &with(PROBLEM, "measures:\n  - 清理堆物\n", "")); } => [err_line("E-FIELD-MISSING", P, 2).says("measures")];
    problem_with_no_measure(s) { s.write(P, &with(PROBLEM, "measures:\n  - 清理堆物\n", "measures: []\n")); } => [err("E-FIELD-VALUE", P, 7, 11)];
    problem_without_status(s) { s.write(P, &with(PROBLEM, "status: open\n", "")); } => [err_line("E-FIELD-MISSING", P, 2).says("status")];
    problem_without_id(s) { s.write(P, &with(PROBLEM, "id: 2026-101\n", "")); } => [err_line("E-FIELD-MISSING", P, 2).says("id")];
    problem_id_not_ascii(s) { s.write(P, &with(PROBLEM, "id: 2026-101", "id: 二〇二六-101")); } => [err("E-FIELD-VALUE", P, 3, 5)];
    problem_deadline_before_date(s) { s.write(P, &with(PROBLEM, "deadline: 2026-11-30", "deadline: 2026-10-01")); } => [err("E-FIELD-VALUE", P, 9, 11)];
    problem_deadline_not_a_date(s) { s.write(P, &with(PROBLEM, "deadline: 2026-11-30", "deadline: 年底")); } => [err("E-FIELD-TYPE", P, 9, 11).says("deadline")];
    echo_on_an_open_problem(s) {
        s.write(P, &with(PROBLEM, "status: open\n", "status: open\necho:\n  date: 2026-11-10\n  result: 已清理\n"));
    } => [err("E-ECHO-FORBIDDEN", P, 11, 1)];
    echo_on_a_problem_in_progress(s) {
        s.write(P, &with(PROBLEM, "status: open\n", "status: 办理中\necho:\n  date: 2026-11-10\n  result: 已清理\n"));
    } => [err("E-ECHO-FORBIDDEN", P, 11, 1)];
    resolved_problem_without_echo(s) { s.write(P, &with(PROBLEM, "status: open", "status: resolved")); } => [err_line("E-FIELD-MISSING", P, 2).says("echo")];
    unresolvable_problem_without_echo(s) { s.write(P, &with(PROBLEM, "status: open", "status: 无法解决")); } => [err_line("E-FIELD-MISSING", P, 2).says("echo")];
    referred_problem_without_echo(s) { s.write(P, &with(PROBLEM, "status: open", "status: referred")); } => [err_line("E-FIELD-MISSING", P, 2).says("echo")];
    echo_without_result(s) {
        s.write(P, &with(PROBLEM, "status: open\n", "status: resolved\necho:\n  date: 2026-11-10\n"));
    } => [err_line("E-FIELD-MISSING", P, 12).says("result")];
    echo_before_the_problem(s) {
        s.write(P, &with(PROBLEM, "status: open\n", "status: resolved\necho:\n  date: 2026-10-01\n  result: 已清理\n"));
    } => [err("E-FIELD-VALUE", P, 12, 9)];
    echo_rating_negative(s) {
        s.write(P, &with(PROBLEM, "status: open\n", "status: resolved\necho:\n  date: 2026-11-10\n  result: 已清理\n  evaluation:\n    satisfied: -3\n"));
    } => [err("E-FIELD-VALUE", P, 15, 16)];
    progress_out_of_order(s) {
        s.write(P, &with(PROBLEM, "status: open\n", "status: open\nprogress:\n  - date: 2026-11-10\n    text: 已联系物业\n  - date: 2026-11-05\n    text: 已清理一半\n"));
    } => [err("E-FIELD-VALUE", P, 14, 11)];
    progress_before_the_problem(s) {
        s.write(P, &with(PROBLEM, "status: open\n", "status: open\nprogress:\n  - date: 2026-10-20\n    text: 早于上墙\n"));
    } => [err("E-FIELD-VALUE", P, 12, 11)];
    progress_without_text(s) {
        s.write(P, &with(PROBLEM, "status: open\n", "status: open\nprogress:\n  - date: 2026-11-10\n"));
    } => [err_line("E-FIELD-MISSING", P, 12).says("text")];
    meeting_reference_that_does_not_exist(s) {
        s.write(P, &with(PROBLEM, "date: 2026-11-01\n", "date: 2026-11-01\nmeeting: 2026-10-lianxl\n"));
    } => [err("E-MEETING-REF", P, 5, 10).says("2026-10-lianxl").says("2026-10-lianxi")];
    duplicate_problem_id(s) { s.write(P, &with(PROBLEM, "id: 2026-101", "id: 2026-001")); } => [err("E-ID-CLASH", P, 3, 5).says("2026-001").says("content/problems/2026-001-ludeng.md")];

    // ---------------------------------------------------------------- services
    service_list_with_zero_items(s) {
        s.write(S, &with(SERVICE, "items:\n  - name: 会议室\n    category: 场地\n", "items: []\n"));
    } => [err("E-FIELD-VALUE", S, 5, 8)];
    service_list_without_items(s) {
        s.write(S, &with(SERVICE, "items:\n  - name: 会议室\n    category: 场地\n", ""));
    } => [err_line("E-FIELD-MISSING", S, 2).says("items")];
    service_item_without_name(s) { s.write(S, &with(SERVICE, "  - name: 会议室\n    category: 场地\n", "  - category: 场地\n")); } => [err_line("E-FIELD-MISSING", S, 6).says("name")];
    service_item_unknown_key(s) { s.write(S, &with(SERVICE, "    category: 场地", "    categroy: 场地")); } => [err("E-FIELD-UNKNOWN", S, 7, 5).says("`category`")];
    service_item_unknown_org(s) {
        s.write(S, &with(SERVICE, "    category: 场地\n", "    category: 场地\n    org: grid-7\n"));
    } => [err("E-FIELD-VALUE", S, 8, 10).says("grid-7")];
    service_item_budget_not_a_number(s) {
        s.write(S, &with(&with(SERVICE, "kind: resources", "kind: projects"), "    category: 场地\n", "    category: 场地\n    budget: 十万\n"));
    } => [err("E-FIELD-TYPE", S, 8, 13).says("budget")];

    // ---------------------------------------------------------------- files, attachments, links
    attachment_that_does_not_exist(s) {
        s.write(N, &with(NOTICE, "---\n\n", "attachments:\n  - file: mingdan.pdf\n    title: 名单\n---\n\n"));
    } => [err("E-ATTACHMENT", N, 11, 11).says("mingdan.pdf")];
    attachment_escaping_the_site(s) {
        s.write(N, &with(NOTICE, "---\n\n", "attachments:\n  - file: ../../../etc/passwd\n    title: 名单\n---\n\n"));
    } => [err("E-ATTACHMENT", N, 11, 11).says("超出")];
    attachment_escaping_from_static(s) {
        s.write(N, &with(NOTICE, "---\n\n", "attachments:\n  - file: /../../etc/passwd\n---\n\n"));
    } => [err("E-ATTACHMENT", N, 11, 11)];
    broken_relative_link_in_body(s) {
        s.write(G, "---\ntitle: 办事指南\n---\n\n第一段。\n\n请看[不存在的页面](nowhere.md)。\n");
    } => [err("E-LINK", G, 7, 3).says("nowhere.md")];
    broken_image_in_body(s) {
        s.write(G, "---\ntitle: 办事指南\n---\n\n第一段。\n\n![示意图](images/missing.png)\n");
    } => [err("E-LINK", G, 7, 1).says("missing.png")];
    link_escaping_the_site(s) {
        s.write(G, "---\ntitle: 办事指南\n---\n\n[密码](../../../../etc/passwd)\n");
    } => [err("E-LINK", G, 5, 1)];
    link_to_a_draft(s) {
        s.write("content/notices/draft.md", &with(NOTICE, "kind: publicity\n", "kind: publicity\ndraft: true\n"));
        s.write(G, "---\ntitle: 办事指南\n---\n\n第一段。\n\n见[草稿](../notices/draft.md)。\n");
    } => [err("E-LINK", G, 7, 2)];
    invalid_utf8(s) { s.write_bytes(G, b"---\ntitle: \xe5\x8a\x9e\n---\n\n\xff\xfe\xfd\n"); } => [err("E-ENCODING", G, 5, 1)];
    file_too_large(s) {
        let mut big = String::from("---\ntitle: 大文件\n---\n\n");
        big.push_str(&"很长的一行。\n".repeat(1_000_000));
        s.write(G, &big);
    } => [err_line("E-TOO-LARGE", G, 1)];

    // ---------------------------------------------------------------- URLs
    two_records_with_the_same_url(s) {
        s.write("content/notices/a.md", &with(NOTICE, "kind: publicity\n", "kind: publicity\nslug: same\n"));
        s.write("content/notices/b.md", &with(NOTICE, "kind: publicity\n", "kind: publicity\nslug: same\n"));
    } => [err_line("E-URL-CLASH", "content/notices/b.md", 1).says("content/notices/a.md").says("/notices/same/")];
    chinese_and_pinyin_file_names_with_the_same_url(s) {
        s.write("content/notices/ping-xian.md", NOTICE);
        s.write("content/notices/评先.md", NOTICE);
    } => [err_line("E-URL-CLASH", "content/notices/评先.md", 1).says("content/notices/ping-xian.md")];
    plain_page_named_like_a_reserved_section(s) { s.write("content/search.md", PAGE); } => [err_line("E-URL-RESERVED", "content/search.md", 1)];
    plain_page_inside_a_reserved_folder(s) { s.write("content/data/open.md", PAGE); } => [err_line("E-URL-RESERVED", "content/data/open.md", 1)];
    record_slug_page(s) { s.write(N, &with(NOTICE, "kind: publicity\n", "kind: publicity\nslug: page\n")); } => [err_line("E-URL-RESERVED", N, 1)];

    // ---------------------------------------------------------------- personal information
    id_number_in_body(s) {
        s.write(G, "---\ntitle: 办事指南\n---\n\n联系人身份证号11010519491231002X。\n");
    } => [err("E-PRIVACY", G, 5, 8).says("身份证号")];
    mobile_in_body(s) { s.write(G, "---\ntitle: 办事指南\n---\n\n第一段。\n\n有事请打电话13912345678联系。\n"); } => [err("E-PRIVACY", G, 7, 7).says("手机号")];
    grouped_mobile_in_body(s) { s.write(G, "---\ntitle: 办事指南\n---\n\n电话 139-1234-5678。\n"); } => [err("E-PRIVACY", G, 5, 4).says("手机号")];
    bank_card_in_body(s) { s.write(G, "---\ntitle: 办事指南\n---\n\n卡号6217001234567893\n"); } => [err("E-PRIVACY", G, 5, 3).says("银行卡号")];
    mobile_in_a_front_matter_field(s) {
        s.write(P, &with(PROBLEM, "  unit: 物业服务中心", "  unit: 物业 13912345678"));
    } => [err("E-PRIVACY", P, 6, 12).says("手机号")];
    id_number_in_the_title(s) { s.write(G, &with(PAGE, "title: 办事指南", "title: 张三11010519491231002X")); } => [err("E-PRIVACY", G, 2, 10).says("身份证号")];
    bank_card_in_a_quoted_summary(s) {
        s.write(G, &with(PAGE, "title: 办事指南\n", "title: 办事指南\nsummary: \"卡号 6222021234567890128\"\n"));
    } => [err("E-PRIVACY", G, 3, 14).says("银行卡号")];
    privacy_checked_even_when_the_title_is_missing(s) {
        s.write(G, "---\nsummary: 办事指南\n---\n\n电话13912345678\n");
    } => [
        err_line("E-FIELD-MISSING", G, 2).says("title"),
        err("E-PRIVACY", G, 5, 3),
    ];
    privacy_allow_of_another_type_does_not_help(s) {
        s.write(G, "---\ntitle: 办事指南\nprivacy_allow: [id_number]\n---\n\n电话13912345678\n");
    } => [err("E-PRIVACY", G, 6, 3)];
}

// ---------------------------------------------------------------- symbolic links (unix only)

#[cfg(unix)]
#[test]
fn symlink_pointing_outside_the_site() {
    run_case(
        |s| {
            let outside = s.outside("outside");
            std::fs::create_dir_all(&outside).expect("mkdir");
            std::fs::write(outside.join("secret.md"), PAGE).expect("write");
            std::fs::create_dir_all(s.path("content/guide")).expect("mkdir");
            std::os::unix::fs::symlink(outside.join("secret.md"), s.path("content/guide/link.md"))
                .expect("symlink");
        },
        &[err_line("E-LINK-OUTSIDE", "content/guide/link.md", 1)],
    );
}

#[cfg(unix)]
#[test]
fn symlinked_folder_pointing_outside_the_site() {
    run_case(
        |s| {
            let outside = s.outside("outside");
            std::fs::create_dir_all(&outside).expect("mkdir");
            std::fs::write(outside.join("secret.md"), PAGE).expect("write");
            std::os::unix::fs::symlink(&outside, s.path("content/shared")).expect("symlink");
        },
        &[err_line("E-LINK-OUTSIDE", "content/shared", 1)],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let outcome = run_case(
        |s| {
            std::fs::create_dir_all(s.path("content/guide")).expect("mkdir");
            std::os::unix::fs::symlink("..", s.path("content/guide/loop")).expect("symlink");
        },
        &[err_line("E-READ", "content/guide/loop", 1).says("循环")],
    );
    assert!(outcome.diags.iter().all(|d| d.file == "content/guide/loop"));
}

#[cfg(unix)]
#[test]
fn symlink_to_itself() {
    run_case(
        |s| {
            std::fs::create_dir_all(s.path("content/guide")).expect("mkdir");
            std::os::unix::fs::symlink("self.md", s.path("content/guide/self.md"))
                .expect("symlink");
        },
        &[err_line("E-READ", "content/guide/self.md", 1).says("循环")],
    );
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_site_is_fine() {
    let site = TempSite::from_fixture("minimal");
    std::fs::create_dir_all(site.path("content/guide")).expect("mkdir");
    std::fs::write(site.path("content/guide/real.md"), PAGE).expect("write");
    std::os::unix::fs::symlink(
        site.path("content/guide/real.md"),
        site.path("content/guide/alias.md"),
    )
    .expect("symlink");
    let (run, diags) = site.check();
    assert!(
        !diags.iter().any(|d| d.code == "E-LINK-OUTSIDE"),
        "{}",
        list(&diags)
    );
    // Both files are pages with their own URLs.
    run.assert_code(0);
}

// ---------------------------------------------------------------- personal information: never echoed, allowed when listed

#[test]
fn personal_numbers_are_never_echoed_back() {
    let numbers = [
        "11010519491231002X",
        "13912345678",
        "6217001234567893",
        "6222021234567890128",
    ];
    let outcome = run_case(
        |s| {
            s.write(
                G,
                &format!(
                    "---\ntitle: 办事指南\nsummary: 卡号{}\n---\n\n身份证{}，电话{}，卡号{}。\n",
                    numbers[3], numbers[0], numbers[1], numbers[2]
                ),
            );
        },
        &[
            err("E-PRIVACY", G, 3, 12).says("银行卡号"),
            err("E-PRIVACY", G, 6, 4).says("身份证号"),
            err("E-PRIVACY", G, 6, 25).says("手机号"),
            err("E-PRIVACY", G, 6, 39).says("银行卡号"),
        ],
    );
    assert_eq!(
        outcome
            .diags
            .iter()
            .filter(|d| d.code == "E-PRIVACY")
            .count(),
        4
    );
    let site = TempSite::from_fixture("minimal");
    site.write(
        G,
        &format!(
            "---\ntitle: 办事指南\nsummary: 卡号{}\n---\n\n身份证{}，电话{}，卡号{}。\n",
            numbers[3], numbers[0], numbers[1], numbers[2]
        ),
    );
    let root = site.root();
    let text = run([
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("check"),
        OsStr::new("--now"),
        OsStr::new(NOW),
    ]);
    text.assert_code(1);
    for n in numbers {
        assert!(!outcome.json.contains(n), "JSON output echoes {n}");
        assert!(!outcome.build_stderr.contains(n), "build output echoes {n}");
        assert!(
            !text.stderr.contains(n) && !text.stdout.contains(n),
            "text output echoes {n}"
        );
    }
    // …but says which kind it is and where, with a masked form.
    assert!(
        text.stderr.contains("error[E-PRIVACY]")
            && text.stderr.contains("content/guide/bad.md:6:4"),
        "{}",
        text.describe()
    );
}

#[test]
fn personal_numbers_in_wrongly_typed_fields_are_not_echoed_either() {
    // A number where a date or a status belongs is two mistakes; neither message may repeat it.
    let outcome = run_case(
        |s| {
            s.write(
                G,
                &with(
                    PAGE,
                    "title: 办事指南\n",
                    "title: 办事指南\nupdated: 13912345678\n",
                ),
            );
            s.write(
                P,
                &with(PROBLEM, "status: open", "status: 11010519491231002X"),
            );
        },
        &[
            err("E-FIELD-TYPE", G, 3, 10),
            err("E-PRIVACY", G, 3, 10),
            err("E-FIELD-VALUE", P, 10, 9),
            err("E-PRIVACY", P, 10, 9),
        ],
    );
    for n in ["13912345678", "11010519491231002X"] {
        assert!(
            !outcome.json.contains(n),
            "JSON output echoes {n}:\n{}",
            outcome.json
        );
        assert!(!outcome.build_stderr.contains(n), "text output echoes {n}");
    }
}

#[test]
fn privacy_allow_lets_a_listed_type_pass() {
    let site = TempSite::from_fixture("minimal");
    site.write(G, "---\ntitle: 办事指南\nprivacy_allow: [mobile, 银行卡号]\n---\n\n值班电话13912345678，捐款账户6217001234567893。\n");
    let (run, diags) = site.check();
    assert!(
        !diags.iter().any(|d| d.code == "E-PRIVACY"),
        "{}",
        list(&diags)
    );
    run.assert_code(0);
    let out = site.build_ok("out", &[]);
    assert!(
        read_out(&out, "guide/bad/index.html").contains("13912345678"),
        "an allowed number is published"
    );
}

#[test]
fn contact_phone_and_masked_numbers_are_allowed() {
    let site = TempSite::from_fixture("minimal");
    site.write(
        N,
        &with(
            NOTICE,
            "  name: 李四\n",
            "  name: 李四\n  phone: 13912345678\n",
        ),
    );
    site.write(G, "---\ntitle: 办事指南\n---\n\n联系人手机 138****1234，座机 021-5555-1200，编号 2026-001。\n");
    let (run, diags) = site.check();
    assert!(
        !diags.iter().any(|d| d.code == "E-PRIVACY"),
        "{}",
        list(&diags)
    );
    run.assert_code(0);
}

// ---------------------------------------------------------------- all mistakes of a run

#[test]
fn all_mistakes_are_reported_sorted_by_file_and_line() {
    // Five independent mistakes in three files, written in an order that is not the sorted one.
    let site = TempSite::from_fixture("minimal");
    site.write(S, &with(SERVICE, "kind: resources", "kind: 菜单")); // services/bad.md:4
    let problem = with(PROBLEM, "deadline: 2026-11-30", "deadline: 2026-10-01");
    site.write(P, &with(&problem, "status: open", "status: done")); // problems/bad.md:9 and :10
    site.write(
        G,
        "---\ntitle: 办事指南\ndraft: 是\n---\n\n电话13912345678\n",
    ); // guide/bad.md:3 and :6
    let (run, diags) = site.check();
    run.assert_code(1);
    let got: Vec<(&str, u32, &str)> = diags
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (G, 3, "E-FIELD-TYPE"),
            (G, 6, "E-PRIVACY"),
            (P, 9, "E-FIELD-VALUE"),
            (P, 10, "E-FIELD-VALUE"),
            (S, 4, "E-FIELD-VALUE"),
        ],
        "{}",
        list(&diags)
    );
    // The text form reports the same, in the same order, and counts them.
    let text = run_text_check(&site.root());
    assert_eq!(text.code, Some(1));
    let positions: Vec<&str> = text
        .stderr
        .lines()
        .filter(|l| l.starts_with("  --> "))
        .collect();
    assert_eq!(
        positions,
        [
            "  --> content/guide/bad.md:3:8",
            "  --> content/guide/bad.md:6:3",
            "  --> content/problems/bad.md:9:11",
            "  --> content/problems/bad.md:10:9",
            "  --> content/services/bad.md:4:7",
        ]
    );
    assert!(text.stderr.contains("5 个错误"), "{}", text.describe());
    // build stops on them all, too.
    let build = site.build_into(&site.outside("out"), &[]);
    build.assert_code(1);
    assert_eq!(
        build.stderr.matches("error[").count(),
        5,
        "{}",
        build.describe()
    );
}

fn run_text_check(root: &Path) -> Run {
    run([
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("check"),
        OsStr::new("--now"),
        OsStr::new(NOW),
    ])
}

#[test]
fn text_output_has_the_shape_of_cli_md() {
    let site = TempSite::from_fixture("minimal");
    site.write(G, &with(PAGE, "title:", "titel:"));
    let text = run_text_check(&site.root());
    text.assert_code(1);
    let lines: Vec<&str> = text.stderr.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with("error[E-FIELD-UNKNOWN]: "))
        .unwrap_or_else(|| panic!("no error[E-FIELD-UNKNOWN] line: {}", text.describe()));
    assert!(is_chinese(lines[i]), "{}", lines[i]);
    assert_eq!(lines[i + 1], "  --> content/guide/bad.md:2:1");
    assert_eq!(lines[i + 2].trim_end(), "   |");
    assert_eq!(lines[i + 3], " 2 | titel: 办事指南");
    assert!(
        lines[i + 4].starts_with("   | ^ ") && lines[i + 4].contains("`title`"),
        "{}",
        lines[i + 4]
    );
    assert!(!text.stdout.contains("检查通过"));
    // build prints the same diagnostics.
    let out = site.outside("out");
    let build = site.build_into(&out, &[]);
    build.assert_code(1);
    assert!(
        build.stderr.contains("error[E-FIELD-UNKNOWN]: ")
            && build.stderr.contains("  --> content/guide/bad.md:2:1")
    );
    assert!(!out.exists(), "a failed build creates no output directory");
}

#[test]
fn json_output_has_the_documented_keys() {
    let site = TempSite::from_fixture("minimal");
    site.write(G, &with(PAGE, "title:", "titel:"));
    site.write(N, &with(NOTICE, "contact:\n  name: 李四\n", "")); // a warning: 公示 without contact
    let (run, _) = site.check();
    run.assert_code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let arr = v.as_array().expect("one JSON array");
    assert!(arr.len() >= 2);
    let mut severities = std::collections::BTreeSet::new();
    for d in arr {
        let o = d.as_object().expect("objects");
        for key in ["severity", "code", "message", "file", "line", "column"] {
            assert!(o.contains_key(key), "missing {key} in {d}");
        }
        let sev = o["severity"].as_str().expect("severity is a string");
        assert!(sev == "error" || sev == "warning", "{sev}");
        severities.insert(sev.to_string());
        assert!(
            o["line"].as_u64().is_some_and(|n| n >= 1)
                && o["column"].as_u64().is_some_and(|n| n >= 1)
        );
        let file = o["file"].as_str().expect("file");
        assert!(
            !file.starts_with('/') && !file.contains('\\'),
            "file relative with / separators: {file}"
        );
    }
    assert_eq!(
        severities.into_iter().collect::<Vec<_>>(),
        ["error", "warning"]
    );
    let w = arr
        .iter()
        .find(|d| d["code"] == "W-NO-CONTACT")
        .expect("W-NO-CONTACT warning");
    assert_eq!((w["file"].as_str(), w["line"].as_u64()), (Some(N), Some(2)));
}

#[test]
fn warnings_alone_do_not_fail_a_build() {
    let site = TempSite::from_fixture("minimal");
    site.write(N, &with(NOTICE, "contact:\n  name: 李四\n", ""));
    let (run, diags) = site.check();
    run.assert_code(0);
    assert!(
        diags
            .iter()
            .any(|d| d.code == "W-NO-CONTACT" && d.severity == "warning" && d.file == N),
        "{}",
        list(&diags)
    );
    assert!(diags.iter().all(|d| !d.is_error()));
    let out = site.build_ok("out", &[]);
    assert!(out.join("notices/bad/index.html").is_file());
}

#[test]
fn check_writes_nothing() {
    let site = TempSite::from_fixture("minimal");
    let before = snapshot(site.dir.path());
    let (run, diags) = site.check();
    run.assert_code(0);
    assert!(diags.is_empty(), "{}", list(&diags));
    assert!(run.stdout.contains('['));
    assert!(
        snapshot_diff(&before, &snapshot(site.dir.path())).is_empty(),
        "check wrote files"
    );
}

#[test]
fn holidays_yaml_adds_a_year() {
    // 2031-01-06 is a Monday; with 2031-01-08 a holiday, 5 working days end on Monday 01-13.
    let site = TempSite::from_fixture("minimal");
    site.write(
        N,
        &with(
            NOTICE,
            "  start: 2026-11-17\n  end: 2026-11-23\n",
            "  start: 2031-01-06\n  working_days: 5\n",
        ),
    );
    site.write(
        "holidays.yaml",
        "2031:\n  holidays: [2031-01-08]\n  workdays: []\n",
    );
    let (run, diags) = site.check();
    run.assert_code(0);
    assert!(diags.is_empty(), "{}", list(&diags));
    let out = site.build_ok("out", &[]);
    let notices = read_json(&out, "data/notices.json");
    let bad = notices
        .as_array()
        .expect("array")
        .iter()
        .find(|n| n["slug"] == "bad")
        .expect("notice");
    assert_eq!(bad["publicity"]["end"], "2031-01-13");
}

// ---------------------------------------------------------------- command line: exit 2

#[test]
fn bad_command_line_exits_2() {
    let site = TempSite::from_fixture("minimal");
    let root = site.root().display().to_string();
    for args in [
        vec!["--root", &root, "build", "--frobnicate"],
        vec!["--root", &root, "deploy"],
        vec!["--root", &root, "check", "--format", "xml"],
        vec!["--root", &root, "build", "--output"],
        vec![],
    ] {
        let r = run(&args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.describe());
        assert!(!r.panicked());
    }
    assert!(
        !site.path("output").exists(),
        "a bad command line builds nothing"
    );
}

#[test]
fn bad_now_exits_2() {
    let site = TempSite::from_fixture("minimal");
    let root = site.root().display().to_string();
    let out = site.outside("out");
    let out_s = out.display().to_string();
    for now in ["2026-13-45", "tomorrow", "2026-11-21T25:00:00+08:00", ""] {
        for args in [
            vec!["--root", &root, "build", "--output", &out_s, "--now", now],
            vec!["--root", &root, "check", "--now", now, "--format", "json"],
        ] {
            let r = run(&args);
            assert_eq!(r.code, Some(2), "{args:?}: {}", r.describe());
            assert!(
                is_chinese(&r.stderr),
                "the message is Chinese: {}",
                r.stderr
            );
        }
    }
    assert!(!out.exists(), "nothing written for a bad --now");
    // An RFC 3339 datetime is fine.
    let r = run([
        "--root",
        &root,
        "check",
        "--now",
        "2026-11-21T09:30:00+08:00",
        "--format",
        "json",
    ]);
    r.assert_code(0);
}

#[test]
fn bad_base_url_flag_exits_2() {
    // A malformed --base-url is a mistake on the command line, like a bad --now (cli.md: exit 2),
    // not something wrong at site.yaml:1:1.
    let site = TempSite::from_fixture("minimal");
    let out = site.outside("out");
    let r = site.build_into(&out, &["--base-url", "notaurl"]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(
        r.stderr.contains("--base-url") && is_chinese(&r.stderr),
        "{}",
        r.describe()
    );
    assert!(!out.exists());
}

// ---------------------------------------------------------------- one mistake, one diagnostic

/// Words of the YAML parser's (or clap's) English that must never reach a person.
const LIBRARY_WORDS: &[&str] = &[
    "expected",
    "found",
    "while",
    "scanning",
    "parsing",
    "simple key",
    "mapping",
    "invalid",
    "unexpected",
    "token",
    "scalar",
    "indentation",
    "error",
    "usage",
    "options",
];

fn no_library_english(text: &str) {
    let lower = text.to_lowercase();
    for w in LIBRARY_WORDS {
        assert!(!lower.contains(w), "English word {w:?} in {text:?}");
    }
}

/// A site with exactly one mistake gives exactly one diagnostic: this code, at this file, line and
/// column, saying each of `says` (the character and the fix), in Chinese, with no follow-on
/// error anywhere and the previous output untouched (`run_case`).
macro_rules! one_mistake {
    ($($name:ident($s:ident) $setup:block => $code:literal at $file:expr, $line:literal : $col:literal says [$($say:literal),* $(,)?];)+) => {$(
        #[test]
        fn $name() {
            let expect = err($code, $file, $line, $col)$(.says($say))*;
            let outcome = run_case(|$s: &TempSite| $setup, &[expect]);
            assert_eq!(outcome.diags.len(), 1, "exactly one diagnostic:\n{}", list(&outcome.diags));
            let d = &outcome.diags[0];
            no_library_english(&d.message);
            no_library_english(&d.help);
            assert!(is_chinese(&d.help), "the fix is told in Chinese: {}", d.help);
            // `error[CODE]` is the one English word cli.md's format has.
            no_library_english(&outcome.build_stderr.replace("error[", "["));
        }
    )+};
}

one_mistake! {
    fullwidth_colon_after_a_key(s) {
        s.write(P, &with(PROBLEM, "deadline: 2026-11-30", "deadline：2026-11-30"));
    } => "E-YAML-FULLWIDTH-COLON" at P, 9:9 says ["：", "deadline: 2026-11-30"];
    fullwidth_colon_after_a_nested_key(s) {
        s.write(P, &with(PROBLEM, "  unit: 物业服务中心", "  unit：物业服务中心"));
    } => "E-YAML-FULLWIDTH-COLON" at P, 6:7 says ["：", "unit: 物业服务中心"];
    fullwidth_colon_in_site_yaml(s) {
        s.edit(SITE, |t| t.replacen("title: ", "title：", 1));
    } => "E-YAML-FULLWIDTH-COLON" at SITE, 2:6 says ["：", "title: 测试社区党务居务公开"];
    fullwidth_colon_after_a_chinese_key(s) {
        s.write(P, &with(PROBLEM, "deadline: 2026-11-30", "完成时限：2026-11-30"));
    } => "E-YAML-FULLWIDTH-COLON" at P, 9:5 says ["：", "deadline: 2026-11-30"];
    fullwidth_space_in_indentation(s) {
        s.write(P, &with(PROBLEM, "  unit: 物业服务中心", "　unit: 物业服务中心"));
    } => "E-YAML-FULLWIDTH-SPACE" at P, 6:1 says ["全角空格「　」", "半角空格"];
    fullwidth_space_after_a_colon(s) {
        s.write(P, &with(PROBLEM, "status: open", "status:　open"));
    } => "E-YAML-FULLWIDTH-SPACE" at P, 10:8 says ["全角空格「　」", "status: open"];
    tab_in_indentation(s) {
        s.write(P, &with(PROBLEM, "  unit: 物业服务中心", "\tunit: 物业服务中心"));
    } => "E-YAML-TAB" at P, 6:1 says ["制表符", "空格"];
    tab_in_a_list_item_indentation(s) {
        s.write(P, &with(PROBLEM, "  - 清理堆物", "\t- 清理堆物"));
    } => "E-YAML-TAB" at P, 8:1 says ["制表符"];
    quote_opened_english_closed_chinese(s) {
        s.write(P, &with(PROBLEM, "title: 楼道堆物", "title: \"楼道堆物”"));
    } => "E-YAML-QUOTE-MISMATCH" at P, 2:13 says ["”", "title: \"楼道堆物\""];
    single_quote_closed_chinese(s) {
        s.write(P, &with(PROBLEM, "title: 楼道堆物", "title: '楼道堆物’"));
    } => "E-YAML-QUOTE-MISMATCH" at P, 2:13 says ["’", "title: '楼道堆物'"];
    quote_never_closed(s) {
        s.write(P, &with(PROBLEM, "title: 楼道堆物", "title: \"楼道堆物"));
    } => "E-YAML-QUOTE-UNCLOSED" at P, 2:8 says ["没有结束", "title: \"楼道堆物\""];
    chinese_quotes_used_as_yaml_quotes(s) {
        s.write(P, &with(PROBLEM, "title: 楼道堆物", "title: “楼道: 堆物”"));
    } => "E-YAML-CURLY-QUOTE" at P, 2:8 says ["“", "title: '“楼道: 堆物”'"];
    no_space_after_colon(s) {
        s.write(P, &with(PROBLEM, "title: 楼道堆物", "title:楼道堆物"));
    } => "E-YAML-COLON-SPACE" at P, 2:6 says ["空格", "title: 楼道堆物"];
    key_written_as_its_chinese_name(s) {
        s.write(P, &with(PROBLEM, "deadline: 2026-11-30", "完成时限: 2026-11-30"));
    } => "E-FIELD-CHINESE" at P, 9:1 says ["完成时限", "deadline"];
    nested_key_written_as_its_chinese_name(s) {
        s.write(P, &with(PROBLEM, "  unit: 物业服务中心", "  责任单位: 物业服务中心"));
    } => "E-FIELD-CHINESE" at P, 6:3 says ["责任单位", "unit"];
    key_typed_in_full_width_letters(s) {
        s.write(P, &with(PROBLEM, "deadline: 2026-11-30", "ｄｅａｄｌｉｎｅ: 2026-11-30"));
    } => "E-FIELD-FULLWIDTH" at P, 9:1 says ["全角字母", "deadline"];
    misspelt_key_is_not_also_missing(s) {
        s.write(P, &with(PROBLEM, "deadline:", "dedline:"));
    } => "E-FIELD-UNKNOWN" at P, 9:1 says ["dedline", "`deadline`"];
    day_that_does_not_exist(s) {
        s.write(P, &with(PROBLEM, "deadline: 2026-11-30", "deadline: 2026-11-31"));
    } => "E-DATE-IMPOSSIBLE" at P, 9:11 says ["2026年11月没有31日", "30天"];
    february_29_in_a_common_year(s) {
        s.write(P, &with(PROBLEM, "deadline: 2026-11-30", "deadline: 2027年2月29日"));
    } => "E-DATE-IMPOSSIBLE" at P, 9:11 says ["2027年2月没有29日"];
    broken_meeting_gives_no_error_in_the_problem_naming_it(s) {
        s.edit("content/meetings/2026-10-lianxi.md", |t| t.replacen("theme: ", "theme：", 1));
    } => "E-YAML-FULLWIDTH-COLON" at "content/meetings/2026-10-lianxi.md", 5:6 says ["theme: 路灯整治"];
    meeting_named_wrongly_lists_the_closest(s) {
        s.edit("content/problems/2026-001-ludeng.md", |t| t.replacen("meeting: 2026-10-lianxi", "meeting: 10月联席会议", 1));
    } => "E-MEETING-REF" at "content/problems/2026-001-ludeng.md", 5:10 says ["10月党建联席会议", "meeting: 2026-10-lianxi"];
    nbsp_copied_from_word_in_indentation(s) {
        s.write(P, &with(PROBLEM, "  unit: 物业服务中心", "\u{a0}\u{a0}unit: 物业服务中心"));
    } => "E-YAML-ODD-SPACE" at P, 6:1 says ["不换行空格", "Word"];
    list_item_with_a_chinese_dash(s) {
        s.write(P, &with(PROBLEM, "  - 清理堆物", "  － 清理堆物"));
    } => "E-YAML-LIST-MARKER" at P, 8:3 says ["「－」", "- 清理堆物"];
    english_quotes_inside_english_quotes(s) {
        s.write(P, &with(PROBLEM, "title: 楼道堆物", "title: \"关于\"楼道\"堆物\""));
    } => "E-YAML-QUOTE-INNER" at P, 2:11 says ["提前结束", "title: '\"关于\"楼道\"堆物\"'"];
    closing_fence_typed_with_chinese_dashes(s) {
        s.write(P, &PROBLEM.replacen("status: open\n---", "status: open\n——", 1));
    } => "E-FRONT-MATTER-DASH" at P, 11:1 says ["——", "---"];
    opening_fence_typed_with_full_width_dashes(s) {
        s.write(P, &PROBLEM.replacen("---", "－－－", 1));
    } => "E-FRONT-MATTER-DASH" at P, 1:1 says ["－－－", "---"];
    broken_holidays_yaml_gives_no_error_in_the_notices_counting_on_it(s) {
        s.write("holidays.yaml", "2031：\n  holidays: [2031-01-08]\n");
        s.write(N, &with(NOTICE, "  start: 2026-11-17\n  end: 2026-11-23\n", "  start: 2031-01-06\n  working_days: 5\n"));
    } => "E-YAML-FULLWIDTH-COLON" at "holidays.yaml", 1:5 says ["改成英文冒号", "2031:"];
    dead_root_relative_link(s) {
        s.write(G, &format!("{PAGE}\n请下载[名单](/files/名单.pdf)。\n"));
    } => "E-LINK" at G, 7:4 says ["/files/名单.pdf", "static/"];
    dead_root_relative_link_to_a_page(s) {
        s.write(G, &format!("{PAGE}\n见[公示](/notices/mei-you/)。\n"));
    } => "E-LINK" at G, 7:2 says ["/notices/mei-you/"];
}

#[test]
fn dates_as_people_write_them_are_accepted() {
    for written in [
        "2026-11-3",
        "2026/11/30",
        "2026.11.30",
        "2026年11月30日",
        "２０２６年１１月３０日",
    ] {
        let site = TempSite::from_fixture("minimal");
        site.write(
            P,
            &with(
                PROBLEM,
                "deadline: 2026-11-30",
                &format!("deadline: {written}"),
            ),
        );
        let (run, diags) = site.check();
        assert_eq!(run.code, Some(0), "{written}: {}", list(&diags));
    }
}

#[test]
fn meeting_is_found_by_file_name_with_or_without_md_or_by_slug() {
    for written in [
        "2026-10-lianxi.md",
        "2026-10-lianxi",
        "meetings/2026-10-lianxi.md",
        "lianhui",
    ] {
        let site = TempSite::from_fixture("minimal");
        site.edit("content/meetings/2026-10-lianxi.md", |t| {
            t.replacen("org: zongzhi", "org: zongzhi\nslug: lianhui", 1)
        });
        if written != "2026-10-lianxi" {
            site.edit("content/problems/2026-001-ludeng.md", |t| {
                t.replacen("meeting: 2026-10-lianxi", &format!("meeting: {written}"), 1)
            });
        }
        let (run, diags) = site.check();
        assert_eq!(run.code, Some(0), "{written}: {}", list(&diags));
        let out = site.build_ok("out", &[]);
        let page = read_out(&out, "meetings/lianhui/index.html");
        assert!(
            page.contains("南段路灯不亮"),
            "{written}: the meeting lists its problem"
        );
    }
}

#[test]
fn live_root_relative_links_are_accepted_under_a_base_path() {
    let site = TempSite::from_fixture("minimal");
    site.edit(SITE, |t| {
        t.replacen("base_url: https://x.cn/", "base_url: https://x.cn/sub/", 1)
    });
    site.write("static/files/mingdan.pdf", "%PDF-1.4\n");
    site.write(
        G,
        &format!("{PAGE}\n[名单](/files/mingdan.pdf) [同上](/sub/files/mingdan.pdf) [公示](/notices/bad/) [问题](/problems/2026-001/#a) [列表](/notices/) [标签](/tags/)\n"),
    );
    site.write(N, NOTICE);
    let (run, diags) = site.check();
    assert_eq!(run.code, Some(0), "{}", list(&diags));
    let out = site.build_ok("out", &[]);
    let html = read_out(&out, "guide/bad/index.html");
    assert!(html.contains("href=\"/sub/files/mingdan.pdf\""), "{html}");
}

#[test]
fn sample_text_and_example_domain_are_warnings_at_their_line() {
    let site = TempSite::from_fixture("minimal");
    site.edit(SITE, |t| {
        t.replacen(
            "base_url: https://x.cn/",
            "base_url: https://example.cn/",
            1,
        )
    });
    site.write(N, &with(NOTICE, "  name: 李四", "  name: 示例社区居委会"));
    site.write(P, &with(PROBLEM, "  unit: 物业服务中心", "  unit: 待填写"));
    let (run, diags) = site.check();
    assert_eq!(run.code, Some(0), "{}", list(&diags));
    let found: Vec<(&str, &str, u32, u32)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.file.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        found,
        vec![
            ("W-PLACEHOLDER", N, 9, 9),
            ("W-PLACEHOLDER", P, 6, 9),
            ("W-EXAMPLE-DOMAIN", SITE, 4, 11),
        ],
        "{}",
        list(&diags)
    );
    assert!(
        diags
            .iter()
            .all(|d| d.severity == "warning" && is_chinese(&d.message))
    );
    assert!(
        diags[0].message.contains("示例社区居委会"),
        "{}",
        diags[0].message
    );
}

#[test]
fn a_folder_name_too_long_for_a_file_system_is_found_by_check() {
    let site = TempSite::from_fixture("minimal");
    let long = format!("关于{}的公示", "加装电梯".repeat(15));
    let rel = format!("content/notices/{long}.md");
    site.write(&rel, NOTICE);
    let (run, diags) = site.check();
    assert_eq!(run.code, Some(1), "{}", list(&diags));
    assert_eq!(diags.len(), 1, "{}", list(&diags));
    assert_eq!(
        (diags[0].code.as_str(), diags[0].file.as_str()),
        ("E-PATH-TOO-LONG", rel.as_str())
    );
    assert!(diags[0].help.contains("slug"), "{}", diags[0].help);
}

#[test]
fn a_link_typed_with_chinese_brackets_is_a_warning_at_the_bracket() {
    let site = TempSite::from_fixture("minimal");
    site.write(G, &format!("{PAGE}\n请下载[名单]（mingdan.pdf）。\n"));
    let (run, diags) = site.check();
    assert_eq!(run.code, Some(0), "{}", list(&diags));
    let found: Vec<(&str, &str, u32, u32)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.file.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        found,
        vec![("W-MARKDOWN-FULLWIDTH", G, 7, 8)],
        "{}",
        list(&diags)
    );
    assert!(diags[0].help.contains("[名单](mingdan.pdf)") || diags[0].help.contains("「(」"));
}

#[test]
fn clashes_are_reported_with_every_other_error_in_one_run() {
    let site = TempSite::from_fixture("minimal");
    // A YAML mistake in one file, a problem id used twice, and two notices at one URL.
    site.write(G, &with(PAGE, "title: 办事指南", "title：办事指南"));
    site.write(P, &with(PROBLEM, "id: 2026-101", "id: 2026-001"));
    site.write(N, NOTICE);
    site.write("content/notices/bad/index.md", NOTICE);
    let (run, diags) = site.check();
    assert_eq!(run.code, Some(1), "{}", list(&diags));
    let codes: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.file.as_str()))
        .collect();
    for expected in [
        ("E-YAML-FULLWIDTH-COLON", G),
        ("E-ID-CLASH", P),
        ("E-URL-CLASH", "content/notices/bad/index.md"),
    ] {
        assert!(
            codes.contains(&expected),
            "{expected:?} missing:\n{}",
            list(&diags)
        );
    }
    assert_eq!(diags.len(), 3, "{}", list(&diags));
}

#[test]
fn a_chinese_keyboards_mistakes_do_not_hide_the_files_other_mistakes() {
    let site = TempSite::from_fixture("minimal");
    // Two full-width colons (each followed by a space), a full-width space in the indentation and,
    // on other lines, an impossible date and a status that does not exist: all five in one run.
    let text = PROBLEM
        .replace("date: 2026-11-01", "date: 2026-11-31")
        .replace("responsible:", "responsible： ")
        .replace("  unit: 物业服务中心", "　 unit: 物业服务中心")
        .replace("deadline: 2026-11-30", "deadline： 2026-11-30")
        .replace("status: open", "status: 已经办好");
    site.write(P, &text);
    let (run, diags) = site.check();
    assert_eq!(run.code, Some(1), "{}", list(&diags));
    let found: Vec<(&str, u32)> = diags
        .iter()
        .filter(|d| d.file == P)
        .map(|d| (d.code.as_str(), d.line))
        .collect();
    assert_eq!(
        found,
        vec![
            ("E-DATE-IMPOSSIBLE", 4),
            ("E-YAML-FULLWIDTH-COLON", 5),
            ("E-YAML-FULLWIDTH-SPACE", 6),
            ("E-YAML-FULLWIDTH-COLON", 9),
            ("E-FIELD-VALUE", 10),
        ],
        "{}",
        list(&diags)
    );
    // A mistake that cannot be mended in place (a colon with no space after it, where the
    // key and the value run together) still stops the file at that mistake alone.
    site.write(
        P,
        &with(PROBLEM, "deadline: 2026-11-30", "deadline：2026-11-30"),
    );
    let (_, diags) = site.check();
    let found: Vec<&str> = diags
        .iter()
        .filter(|d| d.file == P)
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(found, vec!["E-YAML-FULLWIDTH-COLON"], "{}", list(&diags));
}

#[test]
fn in_site_yaml_too_a_full_width_colon_does_not_hide_the_files_other_mistakes() {
    let site = TempSite::from_fixture("minimal");
    site.edit(SITE, |t| {
        t.replacen("community: ", "community： ", 1).replacen(
            "  phone: 021-5555-0000",
            "  phone: 021-5555-0000\n  fax: 021-5555-0001",
            1,
        )
    });
    let (run, diags) = site.check();
    assert_eq!(run.code, Some(1), "{}", list(&diags));
    let found: Vec<(&str, u32)> = diags
        .iter()
        .filter(|d| d.file == SITE)
        .map(|d| (d.code.as_str(), d.line))
        .collect();
    // Line 3: the colon; line 7: a key contact does not have, found on the mended text.
    assert_eq!(
        found,
        vec![("E-YAML-FULLWIDTH-COLON", 3), ("E-FIELD-UNKNOWN", 7)],
        "{}",
        list(&diags)
    );
}
