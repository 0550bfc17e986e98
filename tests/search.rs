//! Search (output.md "Search" and "Kiosk"): builds generated sites with the real binary, then runs
//! the real `theme/search.js` (its DOM-free core, in node, through tests/support/search-harness.cjs)
//! against the index in the output. What each record contains is known here independently, from
//! the generator, so recall and precision are checked against the truth, not against the index.
//!
//! The browser side is tests/browser/search.test.mjs (headless Chromium).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-21";
/// output.md / the issue: a query on a 10,000-record site downloads well under 600 KB.
const BUDGET: usize = 600 * 1024;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// splitmix64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The documented normalization: full-width ASCII → ASCII, A–Z → a–z.
fn norm(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            '\u{3000}' => ' ',
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A published record as the generator wrote it.
#[derive(Clone, Debug)]
struct Rec {
    url: String,
    title: String,
    /// Body paragraphs and every visible field value, each a separate piece of text.
    texts: Vec<String>,
}

impl Rec {
    fn title_has(&self, q: &str) -> bool {
        norm(&self.title).contains(&norm(q))
    }
    fn has(&self, q: &str) -> bool {
        let q = norm(q);
        norm(&self.title).contains(&q) || self.texts.iter().any(|t| norm(t).contains(&q))
    }
}

/// Words for the recall corpus: few, short and overlapping, so that substrings recur across word
/// boundaries (南段|路灯 gives 段路灯; 东段|路口 gives 段路 too) and across records.
const SMALL_WORDS: &[&str] = &[
    "南段", "路灯", "加装", "电梯", "楼道", "清理", "社区", "党员", "幸福", "议事", "维修", "垃圾",
    "分类", "停车", "收费", "长者", "食堂", "银行", "东段", "路口", "灯具", "电缆", "楼栋", "志愿",
    "服务", "公示", "名单", "整改", "居民", "会议",
];
const SMALL_LATIN: &[&str] = &[
    "PDF",
    "pdf文件",
    "12345热线",
    "ＰＤＦ版",
    "3号楼",
    "2026年",
    "Wifi",
];

/// Words for the large corpus: a realistic spread of community-affairs vocabulary.
const LARGE_WORDS: &[&str] = &[
    "社区",
    "党员",
    "居民",
    "党总支",
    "网格",
    "支部",
    "楼栋",
    "小区",
    "物业",
    "业委会",
    "志愿者",
    "老年人",
    "困难家庭",
    "低保",
    "残疾人",
    "退役军人",
    "青少年",
    "加装电梯",
    "楼道堆物",
    "垃圾分类",
    "停车管理",
    "路灯维修",
    "雨污分流",
    "二次供水",
    "消防通道",
    "高空抛物",
    "绿化补种",
    "健身器材",
    "电动自行车",
    "充电设施",
    "助餐点",
    "日间照料",
    "四点半课堂",
    "议事协商",
    "民主评议",
    "双报到",
    "主题党日",
    "党课",
    "支委会",
    "联席会议",
    "公示期",
    "意见反馈",
    "整改措施",
    "完成时限",
    "办理进展",
    "回音壁",
    "满意度",
    "项目清单",
    "服务清单",
    "资源清单",
    "需求清单",
    "财务收支",
    "党费",
    "公共收益",
    "维修资金",
    "施工方案",
    "安全隐患",
    "排查",
    "督办",
    "协调",
    "走访",
    "入户",
    "宣传",
    "培训",
    "登记",
    "申请",
    "审核",
    "审批",
    "公开",
    "通知",
    "公告",
    "报告",
    "方案",
    "计划",
    "总结",
    "评议",
    "表决",
    "通过",
    "同意",
    "反对",
    "弃权",
    "签字",
    "确认",
    "幸福路",
    "和平街",
    "南段",
    "北段",
    "东门",
    "西门",
    "广场",
    "会议室",
    "服务中心",
    "活动室",
    "卫生站",
    "菜场",
    "学校",
    "幼儿园",
    "医院",
    "派出所",
    "街道办",
    "城管",
    "供电所",
    "自来水公司",
    "燃气公司",
    "电信",
    "银行",
    "超市",
    "快递柜",
    "非机动车",
    "机动车",
    "车位",
    "道闸",
    "监控",
    "门禁",
    "照明",
    "屋面防水",
    "外墙",
    "管道",
    "水箱",
    "化粪池",
    "井盖",
    "围墙",
    "台阶",
    "坡道",
    "扶手",
    "无障碍",
    "长者食堂",
    "重阳节",
];
const BOILERPLATE: &str =
    "由社区居委会牵头落实，物业服务中心配合，办理结果在下月会议上通报并公开。";
const LARGE_GLUE: &[&str] = &[
    "的", "和", "在", "对", "由", "将", "已", "按", "把", "为", "与", "及", "后", "前", "中", "上",
    "下", "了",
];

struct Hidden {
    url: String,
    kind: &'static str,
}

/// Writes a site under `root` with `n` published records plus a draft, an unlisted and a redacted
/// one (their text carries MARKERS). Returns the published records and the hidden ones.
fn generate(root: &Path, n: usize, large: bool, seed: u64) -> (Vec<Rec>, Vec<Hidden>) {
    let mut rng = Rng(seed);
    fs::create_dir_all(root.join("content")).unwrap();
    fs::write(
        root.join("site.yaml"),
        "title: 搜索测试站\ncommunity: 测试街道测试社区\nbase_url: https://search.example.cn/\ncontact:\n  phone: 021-5555-0000\norg:\n  - id: zongzhi\n    name: 测试社区党总支\n",
    )
    .unwrap();
    for d in ["notices", "meetings", "problems", "services", "guide"] {
        fs::create_dir_all(root.join("content").join(d)).unwrap();
    }
    let words: &[&str] = if large { LARGE_WORDS } else { SMALL_WORDS };
    let phrase = |rng: &mut Rng, min: usize, max: usize| -> String {
        let k = min + rng.below(max - min + 1);
        let mut s = String::new();
        for j in 0..k {
            if large && j > 0 && rng.chance(40) {
                s.push_str(rng.pick(LARGE_GLUE));
            }
            s.push_str(rng.pick(words));
            if !large && rng.chance(8) {
                s.push_str(rng.pick(SMALL_LATIN));
            }
        }
        s
    };
    let paragraph = |rng: &mut Rng| -> String {
        let clauses = if large {
            4 + rng.below(6)
        } else {
            2 + rng.below(3)
        };
        let mut s = String::new();
        for c in 0..clauses {
            s.push_str(&phrase(rng, 2, if large { 6 } else { 4 }));
            s.push_str(if c + 1 == clauses { "。" } else { "，" });
        }
        s
    };
    let mut recs = Vec::new();
    for i in 0..n {
        let day = 1 + (i * 7919) % 320;
        let date = jiff_free_date(day);
        let mut title = phrase(&mut rng, 2, 4);
        if i % 37 == 3 {
            title = format!(
                "{}加装电梯{}",
                rng.pick(&["3号楼", "5号楼", "幸福里"]),
                rng.pick(&["方案公示", "意见征询", "进展"])
            );
        }
        if i % 41 == 5 {
            title = format!("长者食堂{}", rng.pick(&["开业", "招募志愿者", "价格公示"]));
        }
        let mut paras: Vec<String> = (0..(if large {
            2 + rng.below(4)
        } else {
            1 + rng.below(3)
        }))
            .map(|_| paragraph(&mut rng))
            .collect();
        if large && rng.chance(30) {
            // Boilerplate, as real minutes have: a long query of it matches thousands of records.
            paras.push(BOILERPLATE.to_string());
        }
        let body = paras.join("\n\n");
        let mut texts = paras.clone();
        let tags: Vec<String> = (0..rng.below(3))
            .map(|_| rng.pick(words).to_string())
            .collect();
        let mut fm = String::new();
        writeln!(fm, "title: \"{title}\"").unwrap();
        let (dir, slug) = match i % 5 {
            0 => ("notices", format!("n{i:05}")),
            1 => ("meetings", format!("m{i:05}")),
            2 => ("problems", format!("2026-{i:05}")),
            3 => ("services", format!("s{i:05}")),
            _ => ("guide", format!("p{i:05}")),
        };
        match i % 5 {
            0 => {
                writeln!(fm, "slug: {slug}\ndate: {date}").unwrap();
                let category = phrase(&mut rng, 1, 1);
                if rng.chance(50) {
                    let start = jiff_free_date(day + 1);
                    let end = jiff_free_date(day + 8);
                    writeln!(fm, "kind: publicity\npublicity:\n  start: {start}\n  end: {end}\ncontact:\n  name: 王老师").unwrap();
                } else {
                    writeln!(fm, "kind: announcement").unwrap();
                }
                writeln!(fm, "category: \"{category}\"").unwrap();
                texts.push(category);
            }
            1 => {
                let theme = phrase(&mut rng, 2, 3);
                let item = phrase(&mut rng, 2, 3);
                let decision = phrase(&mut rng, 3, 5);
                let participant = phrase(&mut rng, 1, 2);
                writeln!(
                    fm,
                    "slug: {slug}\ndate: {date}\nkind: 党建联席会议\ntheme: \"{theme}\"\nparticipants:\n  - \"{participant}\"\ndecisions:\n  - item: \"{item}\"\n    decision: \"{decision}\""
                )
                .unwrap();
                texts.extend([theme, item, decision, participant]);
            }
            2 => {
                let unit = phrase(&mut rng, 1, 2);
                let m1 = phrase(&mut rng, 2, 4);
                let m2 = phrase(&mut rng, 2, 4);
                let progress = phrase(&mut rng, 2, 4);
                writeln!(
                    fm,
                    "id: {slug}\ndate: {date}\nresponsible:\n  unit: \"{unit}\"\nmeasures:\n  - \"{m1}\"\n  - \"{m2}\"\ndeadline: {}\nprogress:\n  - date: {}\n    text: \"{progress}\"",
                    jiff_free_date(day + 30),
                    jiff_free_date(day + 1)
                )
                .unwrap();
                texts.extend([slug.clone(), unit, m1, m2, progress]);
                if rng.chance(50) {
                    let result = phrase(&mut rng, 2, 4);
                    writeln!(
                        fm,
                        "status: resolved\necho:\n  date: {}\n  result: \"{result}\"",
                        jiff_free_date(day + 2)
                    )
                    .unwrap();
                    texts.push(result);
                } else {
                    writeln!(fm, "status: in_progress").unwrap();
                }
            }
            3 => {
                let name = phrase(&mut rng, 1, 2);
                let target = phrase(&mut rng, 1, 2);
                let description = phrase(&mut rng, 2, 5);
                writeln!(
                    fm,
                    "slug: {slug}\ndate: {date}\nkind: services\nitems:\n  - name: \"{name}\"\n    target: \"{target}\"\n    description: \"{description}\""
                )
                .unwrap();
                texts.extend([name, target, description]);
            }
            _ => {}
        }
        if !tags.is_empty() {
            writeln!(fm, "tags:").unwrap();
            for t in &tags {
                writeln!(fm, "  - \"{t}\"").unwrap();
            }
            texts.extend(tags);
        }
        let url = if dir == "guide" {
            format!("/guide/{slug}/")
        } else {
            format!("/{dir}/{slug}/")
        };
        fs::write(
            root.join("content").join(dir).join(format!("{slug}.md")),
            format!("---\n{fm}---\n\n{body}\n"),
        )
        .unwrap();
        recs.push(Rec { url, title, texts });
    }
    // Records that must never be found: their words appear nowhere else.
    let hidden = [
        (
            "draft",
            "notices/hidden-draft.md",
            "/notices/hidden-draft/",
            "draft: true\n",
        ),
        (
            "unlisted",
            "notices/hidden-unlisted.md",
            "/notices/hidden-unlisted/",
            "expires: 2026-01-31\nafter_expiry: unlist\n",
        ),
        (
            "redacted",
            "notices/hidden-redacted.md",
            "/notices/hidden-redacted/",
            "expires: 2026-01-31\nafter_expiry: redact\n",
        ),
    ];
    let mut out = Vec::new();
    for (kind, path, url, extra) in hidden {
        fs::write(
            root.join("content").join(path),
            format!("---\ntitle: \"{kind}龘靐齉爩{}\"\ndate: 2026-01-05\nkind: announcement\n{extra}---\n\n龘靐齉爩zqxjv，{}。\n", MARKER_TITLE, MARKER_BODY),
        )
        .unwrap();
        out.push(Hidden {
            url: url.to_string(),
            kind,
        });
    }
    (recs, out)
}

const MARKER_TITLE: &str = "鬱鬯灪";
const MARKER_BODY: &str = "麤纞驫";
const MARKERS: &[&str] = &["龘", "靐", "齉", "爩", "鬱", "鬯", "灪", "麤", "纞", "驫"];

/// 2026-01-01 plus `day - 1` days (the generator never needs more than two years).
fn jiff_free_date(day: usize) -> String {
    const MONTHS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut d = day.max(1) - 1;
    let mut year = 2026;
    loop {
        for (m, len) in MONTHS.iter().enumerate() {
            if d < *len {
                return format!("{year}-{:02}-{:02}", m + 1, d + 1);
            }
            d -= len;
        }
        year += 1;
    }
}

fn build(root: &Path, out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["build", "--now", NOW, "--output"])
        .arg(out)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "build failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// One query's answer from search.js.
#[derive(Debug)]
struct Answer {
    urls: Vec<String>,
    ranks: Vec<u64>,
    kinds: Vec<String>,
    /// Highlighted title / snippet of the first page: [(text, marked)] per result.
    titles: Vec<Vec<(String, bool)>>,
    snippets: Vec<Vec<(String, bool)>>,
    bytes: usize,
    files: Vec<String>,
    /// Whether the search was exact before any record text was checked (false: a long query of
    /// common words stopped at the postings budget; the shown records were checked one by one).
    exact: bool,
}

impl Answer {
    /// The results found by their text (ranks 0 and 1); ranks 2 and 3 are initials matches.
    fn text_matches(&self) -> BTreeSet<&str> {
        self.urls
            .iter()
            .zip(&self.ranks)
            .filter(|(_, r)| **r < 2)
            .map(|(u, _)| u.as_str())
            .collect()
    }
}

fn segments(v: &Value) -> Vec<Vec<(String, bool)>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|segs| {
            segs.as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["text"].as_str().unwrap().to_string(),
                        s["mark"].as_bool().unwrap(),
                    )
                })
                .collect()
        })
        .collect()
}

fn run_queries(out: &Path, queries: &[String]) -> BTreeMap<String, Answer> {
    let qfile = out.join("queries.json");
    fs::write(&qfile, serde_json::to_string(queries).unwrap()).unwrap();
    let o = Command::new("node")
        .arg(repo().join("tests/support/search-harness.cjs"))
        .arg(out.join("theme/search.js"))
        .arg(out)
        .arg(&qfile)
        .output()
        .expect("node (v18+) must be installed to run the search tests");
    assert!(
        o.status.success(),
        "search harness failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let strs = |x: &Value| -> Vec<String> {
        x.as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap_or("").to_string())
            .collect()
    };
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["q"].as_str().unwrap().to_string(),
                Answer {
                    urls: strs(&r["urls"]),
                    ranks: r["ranks"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_u64().unwrap())
                        .collect(),
                    kinds: strs(&r["kinds"]),
                    titles: segments(&r["title"]),
                    snippets: segments(&r["snippet"]),
                    bytes: r["bytes"].as_u64().unwrap() as usize,
                    files: strs(&r["files"]),
                    exact: r["exact"].as_bool().unwrap(),
                },
            )
        })
        .collect()
}

fn is_indexed(c: char) -> bool {
    let c = norm(&c.to_string()).chars().next().unwrap();
    c.is_ascii_lowercase() || c.is_ascii_digit() || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Every substring of `s` of `min..=max` characters made only of indexed characters.
fn substrings(s: &str, min: usize, max: usize, out: &mut BTreeSet<String>) {
    let cs: Vec<char> = s.chars().collect();
    for len in min..=max {
        for w in cs.windows(len) {
            if w.iter().all(|&c| is_indexed(c)) {
                out.insert(w.iter().collect());
            }
        }
    }
}

struct Site {
    _dir: tempfile::TempDir,
    out: PathBuf,
    recs: Vec<Rec>,
    hidden: Vec<Hidden>,
}

fn small_site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    let (mut recs, hidden) = generate(&root, 150, false, 7);
    // The example: 南段|路灯 written together, and the two words apart elsewhere.
    fs::write(
        root.join("content/problems/nanduan.md"),
        "---\ntitle: \"幸福路南段路灯不亮\"\nid: 2026-nd\ndate: 2026-10-15\nresponsible:\n  unit: \"城市管理办公室\"\nmeasures:\n  - \"检修线路\"\ndeadline: 2026-10-20\nstatus: open\n---\n\n夜里南段很黑，东边的路灯也不亮，附件见PDF。\n",
    )
    .unwrap();
    recs.push(Rec {
        url: "/problems/2026-nd/".into(),
        title: "幸福路南段路灯不亮".into(),
        texts: vec![
            "夜里南段很黑，东边的路灯也不亮，附件见PDF。".into(),
            "2026-nd".into(),
            "城市管理办公室".into(),
            "检修线路".into(),
        ],
    });
    build(&root, &out);
    Site {
        _dir: dir,
        out,
        recs,
        hidden,
    }
}

fn check_recall(site: &Site, queries: &BTreeSet<String>) -> usize {
    let list: Vec<String> = queries.iter().cloned().collect();
    let answers = run_queries(&site.out, &list);
    let mut failures = Vec::new();
    let mut nonempty = 0;
    for q in &list {
        let a = &answers[q];
        let want: BTreeSet<&str> = site
            .recs
            .iter()
            .filter(|r| r.has(q))
            .map(|r| r.url.as_str())
            .collect();
        let got: BTreeSet<&str> = a
            .urls
            .iter()
            .map(String::as_str)
            .filter(|u| !a.urls.is_empty() && !u.is_empty())
            .collect();
        // Initials matches (rank ≥ 2) are extra, on purpose, for letter-only queries.
        let got_text: BTreeSet<&str> = a.text_matches();
        if want != got_text {
            let missing: Vec<_> = want.difference(&got_text).collect();
            let extra: Vec<_> = got_text.difference(&want).collect();
            failures.push(format!("{q}: missing {missing:?}, extra {extra:?}"));
            continue;
        }
        assert_eq!(got.len(), a.urls.len(), "{q}: a record listed twice");
        if !want.is_empty() {
            nonempty += 1;
        }
        // Title matches first, and exactly the records whose title has the query.
        for (u, r) in a.urls.iter().zip(&a.ranks) {
            let rec = site.recs.iter().find(|x| &x.url == u);
            if let (Some(rec), true) = (rec, *r < 2) {
                assert_eq!(
                    *r == 0,
                    rec.title_has(q),
                    "{q}: rank {r} for {u} ({})",
                    rec.title
                );
            }
        }
        assert!(
            a.ranks.windows(2).all(|w| w[0] <= w[1]),
            "{q}: not in rank order {:?}",
            a.ranks
        );
        // The highlighted parts of a title hit are the query.
        for (i, segs) in a.titles.iter().enumerate() {
            if a.ranks[i] == 0 {
                let marked: Vec<String> = segs.iter().filter(|s| s.1).map(|s| norm(&s.0)).collect();
                assert!(
                    marked.iter().any(|m| m.contains(&norm(q))),
                    "{q}: title of {} not highlighted: {segs:?}",
                    a.urls[i]
                );
            } else if a.ranks[i] == 1 {
                let marked: Vec<String> = a.snippets[i]
                    .iter()
                    .filter(|s| s.1)
                    .map(|s| norm(&s.0))
                    .collect();
                assert!(
                    marked.iter().any(|m| m.contains(&norm(q))),
                    "{q}: snippet of {} not highlighted: {:?}",
                    a.urls[i],
                    a.snippets[i]
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries wrong:\n{}",
        failures.len(),
        list.len(),
        failures[..failures.len().min(30)].join("\n")
    );
    nonempty
}

#[test]
fn every_substring_finds_every_record_that_contains_it() {
    let site = small_site();
    let mut queries = BTreeSet::new();
    // Every 2–4 character substring of every title, and of the body and fields of every fifth record.
    for (i, r) in site.recs.iter().enumerate() {
        substrings(&r.title, 2, 4, &mut queries);
        if i % 5 == 0 {
            for t in &r.texts {
                substrings(t, 2, 4, &mut queries);
            }
        }
    }
    // Every pair of two characters from the vocabulary, most of which occur nowhere (precision).
    let alphabet: BTreeSet<char> = SMALL_WORDS.iter().flat_map(|w| w.chars()).collect();
    let alphabet: Vec<char> = alphabet.into_iter().take(24).collect();
    for a in &alphabet {
        for b in &alphabet {
            queries.insert(format!("{a}{b}"));
        }
    }
    // Across word boundaries, Latin and digits, full-width and case, whole titles.
    for q in [
        "段路灯",
        "南段路灯",
        "段路",
        "pdf",
        "PDF",
        "ＰＤＦ",
        "Pdf",
        "12345",
        "2345",
        "234",
        "45热线",
        "3号楼",
        "号楼",
        "wifi",
        "WIFI",
        "2026",
        "nd",
    ] {
        queries.insert(q.to_string());
    }
    for r in site.recs.iter().take(40) {
        queries.insert(r.title.clone());
    }
    let n = queries.len();
    let nonempty = check_recall(&site, &queries);
    assert!(n > 2000, "only {n} queries");
    assert!(
        nonempty > 1000,
        "only {nonempty} of {n} queries had any expected record; the corpus is too sparse to test recall"
    );

    // The example, spelled out.
    let a = &run_queries(&site.out, &["段路灯".to_string()])["段路灯"];
    assert_eq!(
        a.urls.first().map(String::as_str),
        Some("/problems/2026-nd/")
    );
    assert_eq!(a.ranks[0], 0);
}

#[test]
fn queries_with_several_terms_need_every_term() {
    let site = small_site();
    let queries: Vec<String> = ["南段 路灯", "路灯，PDF", "社区 党员 服务", "南段 zzzz"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let answers = run_queries(&site.out, &queries);
    for q in &queries {
        let terms: Vec<&str> = q.split([' ', '，']).filter(|t| !t.is_empty()).collect();
        let want: BTreeSet<&str> = site
            .recs
            .iter()
            .filter(|r| terms.iter().all(|t| r.has(t)))
            .map(|r| r.url.as_str())
            .collect();
        let got: BTreeSet<&str> = answers[q].urls.iter().map(String::as_str).collect();
        assert_eq!(got, want, "{q}");
    }
    assert!(
        answers["南段 路灯"]
            .urls
            .contains(&"/problems/2026-nd/".to_string())
    );
    assert!(answers["南段 zzzz"].urls.is_empty());
}

#[test]
fn pinyin_initials_find_titles() {
    let site = small_site();
    // Expected, from the pinyin crate through the library: the titles (with Han characters) one of
    // whose readings contains the letters; rank 2 when the most common reading does, else rank 3.
    let variants = |r: &Rec| -> Vec<String> {
        if !r
            .title
            .chars()
            .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        {
            return Vec::new();
        }
        gongkai::slug::initials_variants(&norm(&r.title))
            .into_iter()
            .map(|v| v.to_ascii_lowercase())
            .collect()
    };
    let mut queries: BTreeSet<String> = ["JZDT", "jzdt", "ZZST", "CZST", "XFLNDLDBL", "DTJZ", "JZ"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for r in site.recs.iter().step_by(7) {
        if let Some(v) = variants(r).first() {
            let mut subs = BTreeSet::new();
            substrings(v, 2, 4, &mut subs);
            queries.extend(
                subs.into_iter()
                    .filter(|q| q.chars().any(|c| c.is_ascii_alphabetic()))
                    .map(|q| q.to_uppercase()),
            );
        }
    }
    let list: Vec<String> = queries.iter().cloned().collect();
    let answers = run_queries(&site.out, &list);
    for q in &list {
        let a = &answers[q];
        let lq = q.to_ascii_lowercase();
        let text: BTreeSet<&str> = site
            .recs
            .iter()
            .filter(|r| r.has(q))
            .map(|r| r.url.as_str())
            .collect();
        let mut want: BTreeMap<&str, u64> = BTreeMap::new();
        for r in &site.recs {
            let v = variants(r);
            if text.contains(r.url.as_str()) || v.is_empty() {
                continue;
            }
            if v[0].contains(&lq) {
                want.insert(&r.url, 2);
            } else if v.iter().any(|x| x.contains(&lq)) {
                want.insert(&r.url, 3);
            }
        }
        let got_text: BTreeSet<&str> = a.text_matches();
        let got: BTreeMap<&str, u64> = a
            .urls
            .iter()
            .zip(&a.ranks)
            .filter(|(_, r)| **r >= 2)
            .map(|(u, r)| (u.as_str(), *r))
            .collect();
        assert_eq!(got_text, text, "{q}: text matches");
        assert_eq!(got, want, "{q}: initials matches");
    }

    let jzdt: BTreeSet<String> = site
        .recs
        .iter()
        .filter(|r| r.title.contains("加装电梯"))
        .map(|r| r.url.clone())
        .collect();
    assert!(jzdt.len() >= 3, "fixture has too few 加装电梯 titles");
    for q in ["JZDT", "jzdt"] {
        let a = &answers[q];
        let first: BTreeSet<String> = a.urls.iter().take(jzdt.len()).cloned().collect();
        assert!(jzdt.is_subset(&a.urls.iter().cloned().collect()), "{q}");
        // 加装电梯 titles first, each highlighted exactly on 加装电梯.
        for (i, segs) in a.titles.iter().enumerate().take(jzdt.len().min(10)) {
            let marked: String = segs.iter().filter(|s| s.1).map(|s| s.0.as_str()).collect();
            if jzdt.contains(&a.urls[i]) {
                assert_eq!(marked, "加装电梯", "{q}: {segs:?}");
            }
        }
        assert!(
            first.iter().filter(|u| jzdt.contains(*u)).count() >= jzdt.len().min(10) / 2,
            "{q}: {first:?}"
        );
    }
    // 长 is a polyphone (zhang / chang): both spellings find 长者食堂, the common one ranked higher.
    let czst: BTreeSet<String> = site
        .recs
        .iter()
        .filter(|r| r.title.contains("长者食堂"))
        .map(|r| r.url.clone())
        .collect();
    assert!(!czst.is_empty());
    for (q, rank) in [("ZZST", 2), ("CZST", 3)] {
        let a = &answers[q];
        for u in &czst {
            let i = a
                .urls
                .iter()
                .position(|x| x == u)
                .unwrap_or_else(|| panic!("{q} misses {u}"));
            assert_eq!(a.ranks[i], rank, "{q} {u}");
        }
    }
    assert!(
        answers["XFLNDLDBL"]
            .urls
            .contains(&"/problems/2026-nd/".to_string())
    );
}

#[test]
fn nothing_hidden_is_in_the_index() {
    let site = small_site();
    // The fixture really produced the three kinds of hidden record: a redacted one has a page, the others not.
    for h in &site.hidden {
        let page = site
            .out
            .join(h.url.trim_start_matches('/'))
            .join("index.html");
        assert_eq!(
            page.exists(),
            h.kind == "redacted",
            "{} page {}",
            h.kind,
            page.display()
        );
    }
    let search = site.out.join("search");
    let mut files = 0;
    let mut tokens = 0;
    for entry in walk(&search) {
        files += 1;
        let bytes = fs::read(&entry).unwrap();
        let name = entry.file_name().unwrap().to_string_lossy().to_string();
        // Record-data chunks (`dN.bin`) are zlib data: what they hold is read inflated.
        let record_data = name.starts_with('d') && name.ends_with(".bin");
        if name.ends_with(".json") || record_data {
            let text = if record_data {
                let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&bytes).unwrap();
                assert!(raw.starts_with(b"[{"), "{}", entry.display());
                String::from_utf8(raw).unwrap()
            } else {
                String::from_utf8(bytes).unwrap()
            };
            for m in MARKERS {
                assert!(!text.contains(m), "{m} in {}", entry.display());
            }
            for h in &site.hidden {
                assert!(
                    !text.contains(&format!("\"{}\"", h.url)),
                    "{} in {}",
                    h.url,
                    entry.display()
                );
            }
            assert!(!text.contains("zqxjv"));
        } else if name.ends_with(".bin") {
            let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(&bytes).unwrap();
            for t in chunk_tokens(&bytes) {
                tokens += 1;
                assert!(
                    !MARKERS.iter().any(|m| t.contains(m)),
                    "token {t} in {}",
                    entry.display()
                );
                assert!(
                    !["zq", "qx", "xj", "jv"].contains(&t.as_str()),
                    "token {t} in {}",
                    entry.display()
                );
            }
        }
    }
    assert!(files > 3 && tokens > 500, "{files} files, {tokens} tokens");
    let qs: Vec<String> = [
        "龘靐",
        "齉爩",
        MARKER_TITLE,
        MARKER_BODY,
        "zqxjv",
        "draft",
        "redacted",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (q, a) in run_queries(&site.out, &qs) {
        assert!(a.urls.is_empty(), "{q} found {:?}", a.urls);
    }
    // …while a published record with the same shape is found.
    let a = &run_queries(&site.out, &["南段路灯".to_string()])["南段路灯"];
    assert!(!a.urls.is_empty());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The token names of a postings chunk (format in src/pipeline/render/search.rs).
fn chunk_tokens(b: &[u8]) -> Vec<String> {
    fn varint(b: &[u8], p: &mut usize) -> usize {
        let (mut v, mut shift) = (0usize, 0);
        loop {
            let x = b[*p];
            *p += 1;
            v |= usize::from(x & 0x7F) << shift;
            if x < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
    let mut p = 0;
    let n = varint(b, &mut p);
    let mut out = Vec::new();
    for _ in 0..n {
        let len = varint(b, &mut p);
        out.push(String::from_utf8(b[p..p + len].to_vec()).unwrap());
        p += len;
        let blen = varint(b, &mut p);
        p += blen;
    }
    assert_eq!(p, b.len(), "chunk not fully parsed");
    out
}

#[test]
fn kinds_and_statuses_come_with_each_hit() {
    let site = small_site();
    let a = &run_queries(&site.out, &["南段路灯".to_string()])["南段路灯"];
    let i = a
        .urls
        .iter()
        .position(|u| u == "/problems/2026-nd/")
        .unwrap();
    assert_eq!(a.kinds[i], "problem");
    for (u, k) in a.urls.iter().zip(&a.kinds) {
        let want = u.split('/').nth(1).unwrap();
        let want = match want {
            "notices" => "notice",
            "meetings" => "meeting",
            "problems" => "problem",
            "services" => "service",
            _ => "page",
        };
        assert_eq!(k, want, "{u}");
    }
}

/// The records containing every term of `q` (terms: runs of indexed characters, two or more long).
fn expected<'a>(texts: &'a [(String, String)], q: &str) -> BTreeSet<&'a str> {
    let nq = norm(q);
    let terms: Vec<&str> = nq
        .split(|c: char| !is_indexed(c))
        .filter(|t| t.chars().count() >= 2)
        .collect();
    texts
        .iter()
        .filter(|(_, t)| !terms.is_empty() && terms.iter().all(|term| t.contains(term)))
        .map(|(u, _)| u.as_str())
        .collect()
}

/// A 10,000-record site: what one query downloads (meta, postings chunks, the first page of
/// results) stays well under 600 KB, whatever the query — and the answers stay exact.
#[test]
fn a_query_on_a_large_site_downloads_little() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    let (recs, _) = generate(&root, 10_000, true, 11);
    build(&root, &out);
    let total: u64 = walk(&out.join("search"))
        .iter()
        .map(|p| fs::metadata(p).unwrap().len())
        .sum();
    let mut queries: Vec<String> = [
        "社区",
        "党员",
        "居民",
        "加装电梯",
        "段路",
        "路灯维修",
        "的和",
        "JZDT",
        "CSSS",
        "pdf",
        "12345",
        "2026",
        "幸福路南段",
        "楼道堆物清理",
        "社区党员居民",
        "会议室 服务中心",
        "垃圾分类和停车管理",
        "的和在",
        BOILERPLATE,
        "社区 党员 居民 服务中心 会议室 公开",
        "物业服务中心配合办理结果",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let fixed = queries.len();
    for r in recs.iter().step_by(997) {
        queries.push(r.title.clone());
        queries.push(r.texts[0].chars().take(24).collect());
    }
    let answers = run_queries(&out, &queries);
    // Every record's text, normalized, one value per line (no term spans two values).
    let texts: Vec<(String, String)> = recs
        .iter()
        .map(|r| {
            (
                r.url.clone(),
                norm(&format!("{}\n{}", r.title, r.texts.join("\n"))),
            )
        })
        .collect();
    let mut worst = (0, String::new());
    for q in &queries {
        let a = &answers[q];
        assert!(a.bytes < BUDGET, "{q}: {} bytes ({:?})", a.bytes, a.files);
        assert!(
            a.files.iter().any(|f| f == "meta.json"),
            "{q}: {:?}",
            a.files
        );
        if a.bytes > worst.0 {
            worst = (a.bytes, q.clone());
        }
        // Initials matches (rank 2, 3) are extra for letter queries; the text matches are exact.
        let got: BTreeSet<&str> = a.text_matches();
        assert_eq!(got, expected(&texts, q), "{q}");
    }
    // Long queries of common words reached the postings budget, and were still answered exactly.
    assert!(
        !answers[BOILERPLATE].exact,
        "the boilerplate query did not reach the postings budget"
    );
    assert!(
        answers[BOILERPLATE].urls.len() > 2000,
        "{}",
        answers[BOILERPLATE].urls.len()
    );
    // The index itself is far bigger than any query's share: the chunking is what keeps it small.
    assert!(total > 10 * BUDGET as u64, "index only {total} bytes");
    // Common words really match thousands of records (the sizes above are for real work).
    assert!(
        answers["社区"].urls.len() > 1000,
        "{}",
        answers["社区"].urls.len()
    );
    for q in queries.iter().skip(fixed) {
        assert!(!answers[q].urls.is_empty(), "{q} found nothing");
    }
    eprintln!(
        "search index {total} bytes; largest query download {} bytes for {}",
        worst.0, worst.1
    );
}
