//! Writes a realistic synthetic community site for benchmarks and load tests:
//!
//! ```text
//! cargo run --release --example synth -- --records 10000 --out /tmp/site [--seed 7]
//! ```
//!
//! Every record kind of content.md appears (meetings, 公示 with both period forms and three-round
//! series, problems with progress and 回音壁 results, service lists, plain pages, bundles with
//! attachments), with Chinese bodies of realistic length and cross-references (problems → the
//! meeting that raised them, bodies → other records). The result builds without errors at
//! `--now 2026-11-21`; the same arguments always give the same files.

use jiff::ToSpan;
use jiff::civil::Date;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// splitmix64: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &'a [&'a T]) -> &'a T {
        let i = usize::try_from(self.next() % items.len() as u64).unwrap_or(0);
        items[i]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭",
    "林", "何", "高", "罗",
];
const GIVEN: &[&str] = &[
    "红梅", "建国", "秀英", "志强", "丽华", "伟", "敏", "海燕", "国庆", "桂兰", "晓东", "春燕",
    "立新", "玉珍", "文博", "静", "卫东", "淑芬",
];
const BUILDINGS: &[&str] = &[
    "1号楼", "3号楼", "5号楼", "7号楼", "9号楼", "12号楼", "15号楼", "18号楼", "21号楼", "23号楼",
];
const PLACES: &[&str] = &[
    "社区党群服务中心二楼会议室",
    "社区党群服务中心一楼议事厅",
    "小区中心广场",
    "幸福路小学报告厅",
    "社区养老服务站活动室",
    "物业服务中心会议室",
];
const TAGS: &[&str] = &[
    "党务公开",
    "居务公开",
    "财务公开",
    "低保",
    "加装电梯",
    "垃圾分类",
    "停车管理",
    "养老服务",
    "助餐",
    "消防安全",
    "环境整治",
    "老旧小区改造",
    "物业管理",
    "志愿服务",
    "主题党日",
    "党员发展",
    "民主评议",
    "议事协商",
    "为民办实事",
    "困难帮扶",
    "文明创建",
    "平安建设",
    "绿化",
    "供水",
    "电动自行车",
    "四点半课堂",
    "双报到",
    "网格治理",
    "项目公开",
    "服务清单",
    "评先评优",
    "防汛",
    "疫苗接种",
    "退役军人",
    "残疾人帮扶",
    "青少年",
];
const MEETING_KINDS: &[&str] = &[
    "党员大会",
    "支委会",
    "党小组会",
    "党课",
    "主题党日",
    "党建联席会议",
    "组织生活会",
    "居民议事会",
    "居民代表会议",
];
const TOPICS: &[&str] = &[
    "加装电梯意见征询",
    "楼道堆物清理",
    "非机动车停放秩序",
    "小区停车收费标准",
    "垃圾分类定时定点投放",
    "老年助餐点运营",
    "二次供水设施改造",
    "路灯维修",
    "健身器材更新",
    "雨污分流改造",
    "消防通道畅通",
    "高空抛物治理",
    "楼顶防水维修",
    "公共收益使用",
    "物业服务质量评议",
    "困难家庭帮扶",
    "四点半课堂志愿者招募",
    "电动自行车充电设施建设",
    "绿化补种",
    "独居老人探访",
];
const SOURCES: &[&str] = &[
    "居民反映",
    "网格巡查",
    "党建联席会议",
    "12345热线",
    "居民议事会",
    "楼组长反映",
    "人大代表接待日",
];
const UNITS: &[&str] = &[
    "幸福里物业服务中心",
    "社区居委会",
    "第一网格党支部",
    "第二网格党支部",
    "第三网格党支部",
    "街道城管中队",
    "区供水公司",
    "区市政养护所",
    "社区养老服务站",
    "街道社区事务受理中心",
];
const CATEGORIES: &[&str] = &[
    "发展党员",
    "低保",
    "评先评优",
    "财务",
    "项目",
    "临时救助",
    "助学",
    "物业",
    "公共收益",
    "党费",
];

const PARA_OPENERS: &[&str] = &[
    "根据街道党工委的统一部署，",
    "为进一步做好党务居务公开工作，",
    "经社区党总支研究，",
    "针对居民近期集中反映的问题，",
    "按照“四议两公开”工作法，",
    "结合本年度为民办实事项目安排，",
    "在前期广泛征求居民意见的基础上，",
    "为方便居民及时了解办理进展，",
];
const SENTENCES: &[&str] = &[
    "社区组织网格员、楼组长和党员志愿者逐户上门走访，共收集意见建议{n}条。",
    "{b}共有住户{n}户，其中六十岁以上老人占比超过四成，出行不便的问题较为突出。",
    "会上，大家围绕{t}充分发表意见，既讲现实困难，也提具体办法。",
    "物业服务中心已制定工作方案，明确责任人和完成时限，并在楼道公示栏张贴。",
    "社区将每周跟踪一次办理进度，办理结果在问题墙和回音壁同步公开，接受居民监督。",
    "对公示内容有异议的，可在公示期内以书面或当面方式向社区反映，社区将认真核实并答复。",
    "项目资金来源为街道为民服务专项经费，具体使用情况将在季度财务公开中列明。",
    "施工期间请居民注意安全，车辆按临时停车指引停放，给大家带来的不便敬请谅解。",
    "本次活动共有{n}名在职党员参加，认领了楼道清洁、助老陪护、政策宣传等志愿服务岗位。",
    "会议要求各网格党支部把{t}列入本月工作重点，党小组长要带头做好邻里的解释工作。",
    "经过前期协调，相关单位已同意在{m}月底前完成整改，届时社区将组织居民代表验收。",
    "评议采取无记名投票方式进行，参加评议的居民代表、党员代表共{n}人。",
    "对于暂时无法解决的问题，社区已向街道和有关部门书面报告，并向反映人说明原因。",
    "居民可通过社区服务热线、网格员微信或到党群服务中心一楼综合受理窗口反映情况。",
    "下一步，社区将结合{t}工作，继续完善居民议事协商机制，推动更多问题在小区内解决。",
    "大家一致认为，{b}的问题由来已久，必须拿出时间表，公开承诺、限时办结。",
    "为保护个人隐私，公示中的姓名已作部分隐去处理，详细材料可到社区查阅。",
    "本季度共收到居民诉求{n}件，已办结的占百分之{p}，其余正在办理中。",
];

/// `d` plus `days` days; the generator's dates stay far from jiff's limits.
fn plus(d: Date, days: u64) -> Date {
    d.checked_add(i64::try_from(days).unwrap_or(0).days())
        .unwrap_or(d)
}

fn person(r: &mut Rng) -> String {
    format!("{}{}", r.pick(SURNAMES), r.pick(GIVEN))
}

fn masked(r: &mut Rng) -> String {
    format!("{}某某", r.pick(SURNAMES))
}

/// An office phone number: never a mobile number, so the privacy check stays quiet.
fn phone(r: &mut Rng) -> String {
    format!("021-5555-{:04}", r.range(1000, 9999))
}

fn sentence(r: &mut Rng, topic: &str) -> String {
    let n = r.range(8, 260).to_string();
    let m = r.range(1, 12).to_string();
    let p = r.range(60, 99).to_string();
    let b = r.pick(BUILDINGS).to_string();
    r.pick(SENTENCES)
        .replace("{n}", &n)
        .replace("{m}", &m)
        .replace("{p}", &p)
        .replace("{b}", &b)
        .replace("{t}", topic)
}

/// Paragraphs of 2–5 sentences: roughly 300 to 1,500 characters in all.
fn paragraphs(r: &mut Rng, topic: &str, count: u64) -> String {
    let mut out = String::new();
    for _ in 0..count {
        out.push_str(r.pick(PARA_OPENERS));
        for _ in 0..r.range(2, 5) {
            out.push_str(&sentence(r, topic));
        }
        out.push_str("\n\n");
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Meeting,
    Notice,
    Problem,
    Service,
    Page,
}

/// A meeting already written, that later problems may name.
struct Meeting {
    slug: String,
    date: Date,
}

struct Synth {
    r: Rng,
    today: Date,
    meetings: Vec<Meeting>,
    /// Records already written (path below `content/`) that later bodies may link to.
    others: Vec<String>,
}

fn yaml_str(s: &str) -> String {
    // Quoted so that colons and leading symbols in generated text never change the YAML.
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Synth {
    fn tags(&mut self) -> String {
        let mut out = String::from("tags:\n");
        let n = self.r.range(1, 3);
        let mut seen = Vec::new();
        for _ in 0..n {
            let t = self.r.pick(TAGS);
            if !seen.contains(&t) {
                seen.push(t);
                let _ = writeln!(out, "  - {t}");
            }
        }
        out
    }

    fn org(&mut self) -> String {
        let grid = self.r.range(1, 8);
        if self.r.chance(50) {
            format!("grid-{grid}")
        } else {
            format!("grid-{grid}-b{}", self.r.range(1, 4))
        }
    }

    /// A sentence linking to an earlier record, relative to a record in `from_dir`.
    fn cross_link(&mut self, from_dir: &str) -> String {
        if self.others.is_empty() || !self.r.chance(60) {
            return String::new();
        }
        let i = usize::try_from(self.r.next() % self.others.len() as u64).unwrap_or(0);
        let up = "../".repeat(from_dir.split('/').filter(|s| !s.is_empty()).count());
        format!("相关情况见[此前的公开内容]({up}{})。\n\n", self.others[i])
    }

    fn meeting(&mut self, date: Date, stem: &str) -> String {
        let r = &mut self.r;
        let topic = r.pick(TOPICS);
        let kind = r.pick(MEETING_KINDS);
        let expected = r.range(9, 140);
        let present = r.range(expected * 2 / 3, expected);
        let on_leave = r.range(0, expected - present);
        let mut fm = format!(
            "title: {}\ndate: {date}\nkind: {kind}\ntheme: {topic}\nlocation: {}\nhost: {}\nrecorder: {}\nattendance:\n  expected: {expected}\n  present: {present}\n  on_leave: {on_leave}\n",
            yaml_str(&format!(
                "{}{}关于{topic}的{kind}",
                r.pick(BUILDINGS),
                date.month()
            )),
            r.pick(PLACES),
            person(r),
            person(r),
        );
        if r.chance(40) {
            fm.push_str("participants:\n  - 幸福里物业服务中心\n  - 幸福路小学党支部\n");
        }
        fm.push_str("decisions:\n");
        for _ in 0..r.range(1, 4) {
            let agree = r.range(present / 2, present);
            let _ = write!(
                fm,
                "  - item: {}\n    decision: {}\n    votes:\n      for: {agree}\n      against: {}\n      abstain: {}\n",
                yaml_str(&format!("关于{}的方案", r.pick(TOPICS))),
                yaml_str(
                    "同意。由社区居委会牵头落实，物业服务中心配合，办理结果在下月会议上通报并公开。"
                ),
                (present - agree) / 2,
                present - agree - (present - agree) / 2,
            );
        }
        let _ = writeln!(fm, "org: {}", self.org());
        fm.push_str(&self.tags());
        let count = self.r.range(2, 5);
        let body = format!(
            "{}{}",
            paragraphs(&mut self.r, topic, count),
            self.cross_link("meetings")
        );
        self.meetings.push(Meeting {
            slug: stem.to_string(),
            date,
        });
        format!("---\n{fm}---\n\n{body}")
    }

    /// One notice; `series` gives (series name, round) for multi-round 公示.
    fn notice(&mut self, date: Date, series: Option<(&str, u64)>, dir: &str) -> String {
        let r = &mut self.r;
        let category = r.pick(CATEGORIES);
        let kind = if series.is_some() {
            "publicity"
        } else {
            r.pick(&[
                "publicity",
                "publicity",
                "announcement",
                "notification",
                "disclosure",
            ])
        };
        let topic = r.pick(TOPICS);
        let title = match (kind, series) {
            (_, Some((_, round))) => format!(
                "{}年{}月{category}民主评议结果公示（第{round}榜）",
                date.year(),
                date.month()
            ),
            ("publicity", _) => format!("关于{topic}的{category}公示"),
            ("announcement", _) => format!("关于{topic}的公告"),
            ("notification", _) => format!("关于开展{topic}工作的通知"),
            _ => format!("{}年{}月{category}情况公开", date.year(), date.month()),
        };
        let mut fm = format!(
            "title: {}\ndate: {date}\nkind: {kind}\ncategory: {category}\n",
            yaml_str(&title)
        );
        if let Some((name, round)) = series {
            let _ = write!(fm, "series: {name}\nround: {round}\n");
        }
        let mut table = String::new();
        if kind == "publicity" {
            let start = plus(date, r.range(1, 3));
            if r.chance(50) && start.year() <= 2026 && start < Date::constant(2026, 12, 1) {
                let _ = write!(
                    fm,
                    "publicity:\n  start: {start}\n  working_days: {}\n",
                    r.range(5, 7)
                );
            } else {
                let end = plus(start, r.range(5, 9));
                let _ = write!(fm, "publicity:\n  start: {start}\n  end: {end}\n");
            }
            let _ = write!(
                fm,
                "contact:\n  name: {}\n  phone: {}\n  address: 幸福里社区党群服务中心一楼综合受理窗口\n",
                yaml_str(&format!("{}（社区民政专干）", person(r))),
                phone(r)
            );
            table.push_str(
                "| 序号 | 姓名 | 所在网格 | 家庭人口 | 评议结果 |\n|---|---|---|---|---|\n",
            );
            for i in 1..=r.range(3, 12) {
                let _ = writeln!(
                    table,
                    "| {i} | {} | 第{}网格 | {} | 同意 |",
                    masked(r),
                    r.range(1, 8),
                    r.range(1, 5)
                );
            }
            table.push('\n');
            if r.chance(3) {
                let _ = write!(
                    fm,
                    "withdrawn:\n  date: {}\n  reason: 申请人主动撤回申请\n",
                    plus(start, 2)
                );
            }
        }
        let _ = writeln!(fm, "org: {}", self.org());
        fm.push_str(&self.tags());
        let count = self.r.range(1, 4);
        let body = format!(
            "{}{table}{}",
            paragraphs(&mut self.r, topic, count),
            self.cross_link(dir)
        );
        format!("---\n{fm}---\n\n{body}")
    }

    fn problem(&mut self, date: Date, id: &str) -> String {
        let today = self.today;
        let r = &mut self.r;
        let topic = r.pick(TOPICS);
        let building = r.pick(BUILDINGS);
        let deadline = plus(date, r.range(14, 120));
        let age = (today - date).get_days();
        // Old problems are mostly closed; recent ones mostly still on the wall.
        let status = if age > 150 || (age > 40 && r.chance(60)) {
            r.pick(&[
                "resolved",
                "resolved",
                "resolved",
                "已办结",
                "unresolvable",
                "referred",
            ])
        } else {
            r.pick(&["open", "in_progress", "办理中"])
        };
        let mut fm = format!(
            "title: {}\nid: {id}\ndate: {date}\nsource: {}\n",
            yaml_str(&format!("{building}{topic}问题")),
            r.pick(SOURCES)
        );
        if let Some(m) = self
            .meetings
            .iter()
            .rev()
            .take(30)
            .find(|m| m.date <= date)
            .filter(|_| r.chance(40))
        {
            let _ = writeln!(fm, "meeting: {}", m.slug);
        }
        let _ = write!(
            fm,
            "location: {building}\nresponsible:\n  unit: {}\n  person: {}\nmeasures:\n",
            r.pick(UNITS),
            person(r)
        );
        for _ in 0..r.range(1, 4) {
            let _ = writeln!(
                fm,
                "  - {}",
                yaml_str(&format!(
                    "{}，{}",
                    r.pick(&[
                        "制定整改方案",
                        "落实专人负责",
                        "每周公示进度",
                        "协调专项资金",
                        "组织居民代表验收"
                    ]),
                    r.pick(&["本月内完成", "两周内完成", "年底前完成", "分两期实施"])
                ))
            );
        }
        let _ = write!(fm, "deadline: {deadline}\nstatus: {status}\n");
        let closed = ["resolved", "已办结", "unresolvable", "referred"].contains(&status);
        let latest = if closed { deadline.min(today) } else { today };
        let mut day = date;
        let mut progress = String::new();
        for _ in 0..r.range(0, 3) {
            let next = plus(day, r.range(3, 20));
            if next >= latest {
                break;
            }
            day = next;
            let _ = writeln!(
                progress,
                "  - date: {day}\n    text: {}",
                yaml_str(&sentence(r, topic))
            );
        }
        if !progress.is_empty() {
            let _ = write!(fm, "progress:\n{progress}");
        }
        if closed {
            let echo = plus(day, r.range(1, 30)).min(today).max(date);
            let result = match status {
                "unresolvable" => {
                    "涉及房屋产权问题，目前不具备整改条件，已向反映人当面说明原因。".to_string()
                }
                "referred" => format!("已转{}办理，社区继续跟踪。", r.pick(UNITS)),
                _ => format!("{topic}问题已整改完毕，居民代表现场验收通过。"),
            };
            let (s, b, u) = (r.range(5, 40), r.range(0, 10), r.range(0, 4));
            let _ = write!(
                fm,
                "echo:\n  date: {echo}\n  result: {}\n  evaluation:\n    satisfied: {s}\n    basically: {b}\n    unsatisfied: {u}\n",
                yaml_str(&result)
            );
        }
        let _ = writeln!(fm, "org: {}", self.org());
        fm.push_str(&self.tags());
        let count = self.r.range(1, 3);
        let body = format!(
            "{}{}",
            paragraphs(&mut self.r, topic, count),
            self.cross_link("problems")
        );
        format!("---\n{fm}---\n\n{body}")
    }

    fn service(&mut self, date: Date) -> String {
        let r = &mut self.r;
        let kind = r.pick(&["services", "resources", "projects", "needs"]);
        let label = match kind {
            "services" => "服务清单",
            "resources" => "资源清单",
            "projects" => "项目清单",
            _ => "需求清单",
        };
        let provider = r.pick(UNITS);
        let mut fm = format!(
            "title: {}\ndate: {date}\nkind: {kind}\nprovider: {provider}\nitems:\n",
            yaml_str(&format!("{}年{provider}{label}", date.year()))
        );
        for _ in 0..r.range(4, 14) {
            let topic = r.pick(TOPICS);
            let _ = write!(
                fm,
                "  - name: {}\n    category: {}\n    target: {}\n    location: {}\n    hours: 周一至周五 9:00—17:00\n    contact: {}\n    fee: {}\n    description: {}\n",
                yaml_str(&format!("{topic}服务")),
                r.pick(&["养老", "助残", "青少年", "环境整治", "党建", "文体"]),
                r.pick(&[
                    "全体居民",
                    "60周岁以上老人",
                    "困难家庭",
                    "在职党员",
                    "中小学生"
                ]),
                r.pick(PLACES),
                phone(r),
                r.pick(&["free", "low_cost", "无偿"]),
                yaml_str(&sentence(r, topic)),
            );
            if kind == "projects" {
                let _ = write!(
                    fm,
                    "    status: {}\n    budget: {}.{}\n    funding: 街道为民服务专项经费\n    beneficiaries: {}\n",
                    r.pick(&["planned", "in_progress", "completed", "已验收"]),
                    r.range(1, 90),
                    r.range(0, 9),
                    r.range(20, 1500)
                );
            }
        }
        fm.push_str(&self.tags());
        let count = self.r.range(1, 2);
        let body = paragraphs(&mut self.r, provider, count);
        format!("---\n{fm}---\n\n{body}")
    }

    fn page(&mut self, date: Date, n: usize) -> String {
        let topic = self.r.pick(TOPICS);
        let mut body = format!("## {topic}办事指南\n\n");
        let count = self.r.range(2, 4);
        body.push_str(&paragraphs(&mut self.r, topic, count));
        body.push_str(
            "1. 携带本人身份证件原件\n2. 到一楼综合受理窗口填写申请表\n3. 材料齐全的当场受理\n\n",
        );
        body.push_str(&self.cross_link("guide"));
        format!(
            "---\ntitle: {}\ndate: {date}\n{}---\n\n{body}",
            yaml_str(&format!("{topic}指南（{n}）")),
            self.tags()
        )
    }
}

const SITE_YAML: &str = "title: 示例街道合成社区党务居务公开
community: 示例街道合成社区
base_url: https://synth.example.cn/
timezone: Asia/Shanghai
paginate: 20
contact:
  phone: 021-5555-0000
  address: 示例路1号 社区党群服务中心
  hours: 周一至周五 8:30—17:00
";

fn site_yaml() -> String {
    let mut s = String::from(SITE_YAML);
    s.push_str("org:\n  - id: zongzhi\n    name: 合成社区党总支\n    children:\n");
    for g in 1..=8 {
        let _ = write!(
            s,
            "      - id: grid-{g}\n        name: 第{g}网格党支部\n        children:\n"
        );
        for b in 1..=4 {
            let _ = write!(
                s,
                "          - id: grid-{g}-b{b}\n            name: 第{g}网格{b}号楼党小组\n"
            );
        }
    }
    s
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

fn generate(records: usize, out: &Path, seed: u64) -> std::io::Result<()> {
    let content = out.join("content");
    if content.exists() {
        std::fs::remove_dir_all(&content)?;
    }
    write(&out.join("site.yaml"), &site_yaml())?;
    write(
        &content.join("_index.md"),
        "---\ntitle: 欢迎访问\n---\n\n本站公开社区党务、居务和财务情况，接受居民监督。\n",
    )?;
    write(
        &out.join("static/files/zhinan.txt"),
        "办事指南（可打印文本）\n",
    )?;
    let mut s = Synth {
        r: Rng(seed),
        today: Date::constant(2026, 11, 21),
        meetings: Vec::new(),
        others: Vec::new(),
    };
    let first = Date::constant(2024, 1, 2);
    let days = (s.today - first).get_days() - 2;
    let mut i = 0;
    while i < records {
        // Dates rise with the index, so earlier records are the ones later ones refer to.
        let offset = i64::try_from(i).unwrap_or(0) * i64::from(days)
            / i64::try_from(records.max(1)).unwrap_or(1);
        let date = first.checked_add(offset.days()).unwrap_or(first);
        let stem = format!("{}-{:05}", date.strftime("%Y-%m"), i);
        let roll = s.r.range(0, 99);
        let kind = match roll {
            0..=19 => Kind::Meeting,
            20..=54 => Kind::Notice,
            55..=90 => Kind::Problem,
            91..=95 => Kind::Service,
            _ => Kind::Page,
        };
        let (rel, text) = match kind {
            Kind::Meeting => (format!("meetings/{stem}.md"), s.meeting(date, &stem)),
            Kind::Notice if s.r.chance(12) && i + 3 <= records => {
                // 三榜公示: three rounds of one process, a week apart.
                for round in 1..=3u64 {
                    let d = plus(date, 7 * (round - 1));
                    let text = s.notice(d, Some((&format!("pingyi-{stem}"), round)), "notices");
                    write(&content.join(format!("notices/{stem}-{round}.md")), &text)?;
                }
                s.others.push(format!("notices/{stem}-1.md"));
                i += 3;
                continue;
            }
            Kind::Notice if s.r.chance(5) => {
                // A bundle with an attachment and an image beside its page.
                let dir = format!("notices/{stem}");
                write(
                    &content.join(format!("{dir}/mingxi.txt")),
                    "收支明细（示例）\n",
                )?;
                write(
                    &content.join(format!("{dir}/chart.svg")),
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n",
                )?;
                let text = s.notice(date, None, &dir).replacen("\n---\n\n", "\nattachments:\n  - file: mingxi.txt\n    title: 收支明细\n---\n\n![支出构成](chart.svg)\n\n", 1);
                (format!("{dir}/index.md"), text)
            }
            Kind::Notice => (
                format!("notices/{stem}.md"),
                s.notice(date, None, "notices"),
            ),
            Kind::Problem => (
                format!("problems/{stem}.md"),
                s.problem(date, &format!("P{stem}")),
            ),
            Kind::Service => (format!("services/{stem}.md"), s.service(date)),
            Kind::Page => (format!("guide/{stem}.md"), s.page(date, i)),
        };
        write(&content.join(&rel), &text)?;
        if kind != Kind::Page {
            s.others.push(rel);
        }
        i += 1;
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut records = 1000usize;
    let mut out: Option<PathBuf> = None;
    let mut seed = 7u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next();
        let parsed = match (a.as_str(), value) {
            ("--records", Some(v)) => v.parse().map(|n| records = n).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|n| seed = n).is_ok(),
            ("--out", Some(v)) => {
                out = Some(PathBuf::from(v));
                true
            }
            _ => false,
        };
        if !parsed {
            eprintln!("usage: synth --records N --out DIR [--seed S]");
            return ExitCode::from(2);
        }
    }
    let Some(out) = out else {
        eprintln!("usage: synth --records N --out DIR [--seed S]");
        return ExitCode::from(2);
    };
    match generate(records, &out, seed) {
        Ok(()) => {
            println!("wrote {records} records into {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
