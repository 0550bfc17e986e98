//! The four record kinds of content.md §2, each read from its front matter.

use super::{COMMON_KEYS, Context, read_date, read_org_ref};
use crate::dates::DateValue;
use crate::diag::{Diagnostic, Pos};
use crate::enums::{Fee, NoticeKind, ProblemStatus, ProjectStatus, ServiceKind};
use crate::pipeline::load::{ContentFile, Section};
use crate::privacy::PiiKind;
use crate::yaml::{Fields, Node};
use jiff::civil::Date;

const MEETING_KEYS: &[&str] = &[
    "kind",
    "theme",
    "location",
    "host",
    "recorder",
    "attendance",
    "participants",
    "decisions",
];
const NOTICE_KEYS: &[&str] = &[
    "kind",
    "category",
    "publicity",
    "contact",
    "series",
    "round",
    "withdrawn",
];
const PROBLEM_KEYS: &[&str] = &[
    "id",
    "source",
    "meeting",
    "location",
    "responsible",
    "measures",
    "deadline",
    "status",
    "progress",
    "echo",
];
const SERVICE_KEYS: &[&str] = &["kind", "provider", "items", "items_from"];
const ITEM_KEYS: &[&str] = &[
    "name",
    "category",
    "provider",
    "target",
    "location",
    "hours",
    "contact",
    "fee",
    "description",
    "org",
    "status",
    "budget",
    "funding",
    "beneficiaries",
];

pub fn allowed_keys(section: Section) -> (Vec<&'static str>, &'static str) {
    let (own, what): (&[&str], _) = match section {
        Section::Meetings => (MEETING_KEYS, "会议记录"),
        Section::Notices => (NOTICE_KEYS, "公示公告"),
        Section::Problems => (PROBLEM_KEYS, "问题墙条目"),
        Section::Services => (SERVICE_KEYS, "清单"),
        Section::Pages => (&[], "页面"),
    };
    (COMMON_KEYS.iter().chain(own).copied().collect(), what)
}

#[derive(Debug, Clone)]
pub struct Attendance {
    pub expected: u32,
    pub present: u32,
    pub on_leave: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Votes {
    pub for_: u32,
    pub against: u32,
    pub abstain: u32,
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub item: String,
    pub decision: String,
    pub votes: Option<Votes>,
}

#[derive(Debug, Clone)]
pub struct Meeting {
    pub kind: String,
    pub theme: Option<String>,
    pub location: Option<String>,
    pub host: Option<String>,
    pub recorder: Option<String>,
    pub attendance: Option<Attendance>,
    pub participants: Vec<String>,
    pub decisions: Vec<Decision>,
}

#[derive(Debug, Clone)]
pub struct Publicity {
    pub start: Date,
    pub end: Date,
    pub working_days: Option<u32>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct NoticeContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Withdrawn {
    pub date: Date,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: NoticeKind,
    pub category: Option<String>,
    pub publicity: Option<Publicity>,
    pub contact: Option<NoticeContact>,
    pub series: Option<String>,
    pub round: Option<u32>,
    pub withdrawn: Option<Withdrawn>,
}

#[derive(Debug, Clone)]
pub struct Responsible {
    pub unit: String,
    pub person: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Progress {
    pub date: Date,
    pub text: String,
}

#[derive(Debug, Clone, Copy)]
pub struct Evaluation {
    pub satisfied: u32,
    pub basically: u32,
    pub unsatisfied: u32,
}

impl Evaluation {
    pub fn total(&self) -> u32 {
        self.satisfied
            .saturating_add(self.basically)
            .saturating_add(self.unsatisfied)
    }
}

#[derive(Debug, Clone)]
pub struct Echo {
    pub date: Date,
    pub result: String,
    pub evaluation: Option<Evaluation>,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub id: String,
    pub id_pos: Pos,
    pub source: Option<String>,
    /// The meeting's slug as written, and where, for the existence check.
    pub meeting: Option<(String, Pos)>,
    pub location: Option<String>,
    pub responsible: Responsible,
    pub measures: Vec<String>,
    pub deadline: Date,
    pub status: ProblemStatus,
    pub progress: Vec<Progress>,
    pub echo: Option<Echo>,
}

#[derive(Debug, Clone)]
pub struct ServiceItem {
    pub name: String,
    pub category: Option<String>,
    pub provider: Option<String>,
    pub target: Option<String>,
    pub location: Option<String>,
    pub hours: Option<String>,
    pub contact: Option<String>,
    pub fee: Option<Fee>,
    pub description: Option<String>,
    pub org: Option<String>,
    pub status: Option<ProjectStatus>,
    pub budget: Option<f64>,
    pub funding: Option<String>,
    pub beneficiaries: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct ServiceList {
    pub kind: ServiceKind,
    pub provider: Option<String>,
    pub items: Vec<ServiceItem>,
}

fn count(f: &Fields, key: &str, diags: &mut Vec<Diagnostic>) -> Option<u32> {
    f.int(key, 0, diags)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// An enumerated value, code or label; the message lists the choices.
fn enum_field<T>(
    f: &Fields,
    key: &str,
    what: &str,
    parse: fn(&str) -> Option<T>,
    choices: fn() -> String,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let node = f.get(key)?;
    let value = node.scalar().and_then(parse);
    if value.is_none() {
        diags.push(f.invalid(
            node,
            format!(
                "{what}「{}」不是可用的值",
                node.scalar().unwrap_or_default()
            ),
            &format!("可以写：{}", choices()),
        ));
    }
    value
}

pub fn read_meeting(f: &Fields, ctx: &Context, diags: &mut Vec<Diagnostic>) -> Option<Meeting> {
    let kinds = &ctx.config.meeting_kinds;
    let kind = f.req_str(
        "kind",
        "会议类型",
        &format!(
            "例如 kind: {}",
            kinds.first().map_or("党员大会", String::as_str)
        ),
        diags,
    );
    if let (Some(k), Some(node)) = (&kind, f.get("kind"))
        && !kinds.contains(k)
    {
        diags.push(f.invalid(
            node,
            format!("会议类型「{k}」不在允许的类型里"),
            &format!("可以写：{}", kinds.join("、")),
        ));
    }
    let attendance = f
        .map(
            "attendance",
            &["expected", "present", "on_leave"],
            "attendance ",
            diags,
        )
        .and_then(|a| {
            let expected = count(&a, "expected", diags);
            let present = count(&a, "present", diags);
            let on_leave = count(&a, "on_leave", diags);
            if !a.has("expected") {
                diags.push(a.missing("expected", "应到人数", "例如 expected: 35"));
            }
            if !a.has("present") {
                diags.push(a.missing("present", "实到人数", "例如 present: 32"));
            }
            let (expected, present) = (expected?, present?);
            if present > expected
                && let Some(node) = a.get("present")
            {
                diags.push(a.invalid(
                    node,
                    format!("实到人数 {present} 超过了应到人数 {expected}"),
                    "实到人数不能多于应到人数",
                ));
                return None;
            }
            if let Some(leave) = on_leave
                && leave.saturating_add(present) > expected
                && let Some(node) = a.get("on_leave")
            {
                diags.push(a.invalid(
                    node,
                    format!("实到 {present} 人加请假 {leave} 人超过了应到人数 {expected}"),
                    "核对应到、实到和请假人数",
                ));
            }
            Some(Attendance {
                expected,
                present,
                on_leave,
            })
        });
    let mut decisions = Vec::new();
    for node in f
        .seq(
            "decisions",
            "写成列表，每项 {item: 议题, decision: 决定}",
            diags,
        )
        .unwrap_or_default()
    {
        let Some(d) = Fields::read(f.file, node, &["item", "decision", "votes"], "议题 ", diags)
        else {
            continue;
        };
        let item = d.req_str("item", "议题", "例如 item: 3号楼加装电梯方案", diags);
        let decision = d.req_str("decision", "决定", "例如 decision: 同意，报街道备案", diags);
        let votes = d
            .map("votes", &["for", "against", "abstain"], "votes ", diags)
            .map(|v| Votes {
                for_: count(&v, "for", diags).unwrap_or(0),
                against: count(&v, "against", diags).unwrap_or(0),
                abstain: count(&v, "abstain", diags).unwrap_or(0),
            });
        if let (Some(item), Some(decision)) = (item, decision) {
            decisions.push(Decision {
                item,
                decision,
                votes,
            });
        }
    }
    Some(Meeting {
        kind: kind?,
        theme: f.str("theme", diags),
        location: f.str("location", diags),
        host: f.str("host", diags),
        recorder: f.str("recorder", diags),
        attendance,
        participants: f.str_list("participants", diags).unwrap_or_default(),
        decisions,
    })
}

pub fn read_notice(f: &Fields, ctx: &Context, diags: &mut Vec<Diagnostic>) -> Option<Notice> {
    if !f.has("kind") {
        diags.push(f.missing(
            "kind",
            "公告类型",
            &format!("可以写：{}", NoticeKind::choices()),
        ));
    }
    let kind = enum_field(
        f,
        "kind",
        "公告类型",
        NoticeKind::parse,
        NoticeKind::choices,
        diags,
    );
    let publicity = read_publicity(f, ctx, diags);
    if kind == Some(NoticeKind::Publicity) && publicity.is_none() && !f.has("publicity") {
        diags.push(f.missing(
            "publicity",
            "公示期",
            "公示必须写明公示期，例如 publicity: {start: 2026-11-16, working_days: 5}",
        ));
    }
    if kind.is_some_and(|k| k != NoticeKind::Publicity)
        && let Some(pos) = f.key_pos("publicity")
    {
        diags.push(f.file.warning(
            "W-PUBLICITY",
            pos,
            "只有公示（kind: publicity）才有公示期，这里的 publicity 不会显示",
            "删除 publicity，或把 kind 改为 publicity",
        ));
    }
    let contact = f
        .map(
            "contact",
            &["name", "phone", "address", "email"],
            "contact ",
            diags,
        )
        .map(|c| NoticeContact {
            name: c.str("name", diags),
            phone: c.str("phone", diags),
            address: c.str("address", diags),
            email: c.str("email", diags),
        });
    if kind == Some(NoticeKind::Publicity)
        && contact.is_none()
        && let Some(pos) = f.key_pos("title")
    {
        diags.push(f.file.warning(
            "W-NO-CONTACT",
            pos,
            "公示没有写意见反馈的联系方式（contact）",
            "加上 contact: {name: 联系人, phone: 电话, address: 地点}，方便居民提出意见",
        ));
    }
    let series = f.str("series", diags);
    let round = f
        .int("round", 1, diags)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    if series.is_some() && round.is_none() && !f.has("round") {
        diags.push(f.missing("round", "轮次", "同一系列的公示要写明第几轮，例如 round: 1"));
    }
    if series.is_none()
        && let Some(pos) = f.key_pos("round")
    {
        diags.push(f.file.warning(
            "W-ROUND",
            pos,
            "写了 round 却没有 series，轮次不会生效",
            "加上 series: 系列名称",
        ));
    }
    let withdrawn = f
        .map("withdrawn", &["date", "reason"], "withdrawn ", diags)
        .and_then(|w| {
            let date = read_date(&w, "date", diags);
            if !w.has("date") {
                diags.push(w.missing("date", "撤回日期", "例如 date: 2026-11-10"));
            }
            let reason = w.req_str(
                "reason",
                "撤回原因",
                "撤回必须公开说明原因，例如 reason: 经核实不符合条件",
                diags,
            );
            Some(Withdrawn {
                date: date?,
                reason: reason?,
            })
        });
    Some(Notice {
        kind: kind?,
        category: f.str("category", diags),
        publicity,
        contact,
        series,
        round,
        withdrawn,
    })
}

fn read_publicity(f: &Fields, ctx: &Context, diags: &mut Vec<Diagnostic>) -> Option<Publicity> {
    let p = f.map(
        "publicity",
        &["start", "end", "working_days"],
        "publicity ",
        diags,
    )?;
    if !p.has("start") {
        diags.push(p.missing("start", "公示开始日期", "例如 start: 2026-11-16"));
    }
    let start = read_date(&p, "start", diags);
    let end = read_date(&p, "end", diags);
    let working_days = p
        .int("working_days", 1, diags)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX).min(3650));
    let start = start?;
    match (end, working_days, p.has("end"), p.has("working_days")) {
        (_, _, true, true) => {
            diags.push(p.invalid(
                p.get("working_days")?,
                "end 和 working_days 只能写一个".into(),
                "用结束日期就写 end，按工作日计算就写 working_days",
            ));
            None
        }
        (Some(end), None, _, _) => {
            if end < start {
                diags.push(p.invalid(
                    p.get("end")?,
                    format!("公示结束日期 {end} 早于开始日期 {start}"),
                    "结束日期不能早于开始日期",
                ));
                return None;
            }
            Some(Publicity {
                start,
                end,
                working_days: None,
            })
        }
        (None, Some(n), _, _) => match ctx.calendar.nth_working_day(start, n) {
            Ok(end) => Some(Publicity {
                start,
                end,
                working_days: Some(n),
            }),
            Err(_) if ctx.calendar.incomplete => None,
            Err(uncovered) => {
                let years: Vec<String> = ctx
                    .calendar
                    .covered_years()
                    .iter()
                    .map(|y| y.to_string())
                    .collect();
                diags.push(p.invalid(
                    p.get("working_days")?,
                    format!("公示期跨到了 {} 年，程序里没有这一年的法定节假日安排", uncovered.0),
                    &format!("在网站根目录的 holidays.yaml 里写上 {} 年的 holidays 和 workdays（已内置：{}），或改用 end 写结束日期", uncovered.0, years.join("、")),
                ));
                None
            }
        },
        (None, None, false, false) => {
            diags.push(p.missing(
                "end",
                "公示结束日期",
                "写 end: 2026-11-25，或 working_days: 5（按工作日计算）",
            ));
            None
        }
        _ => None,
    }
}

pub fn read_problem(
    f: &Fields,
    raised: Option<DateValue>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Problem> {
    let id = f.req_str("id", "编号", "例如 id: 2026-017", diags);
    if let (Some(id), Some(node)) = (&id, f.get("id"))
        && !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        diags.push(f.invalid(
            node,
            format!("编号「{id}」只能用英文字母、数字和 -"),
            "例如 id: 2026-017",
        ));
    }
    let responsible = match f.map("responsible", &["unit", "person"], "responsible ", diags) {
        Some(r) => {
            let unit = r.req_str("unit", "责任单位", "例如 unit: 物业服务中心", diags);
            unit.map(|unit| Responsible {
                unit,
                person: r.str("person", diags),
            })
        }
        None => {
            if !f.has("responsible") {
                diags.push(f.missing(
                    "responsible",
                    "责任主体",
                    "例如 responsible: {unit: 物业服务中心, person: 王经理}",
                ));
            }
            None
        }
    };
    let measures = f.str_list("measures", diags);
    match &measures {
        None if !f.has("measures") => diags.push(f.missing(
            "measures",
            "整改措施",
            "至少写一条，例如 measures: [更换电梯曳引机]",
        )),
        Some(m) if m.is_empty() => {
            if let Some(node) = f.get("measures") {
                diags.push(f.invalid(
                    node,
                    "整改措施至少要写一条".into(),
                    "例如 measures: [更换电梯曳引机]",
                ));
            }
        }
        _ => {}
    }
    if !f.has("deadline") {
        diags.push(f.missing(
            "deadline",
            "完成时限",
            "问题墙条目必须写明完成时限，例如 deadline: 2026-12-31",
        ));
    }
    let deadline = read_date(f, "deadline", diags);
    let raised_day = raised.map(|d| d.day);
    if let (Some(deadline), Some(raised), Some(node)) = (deadline, raised_day, f.get("deadline"))
        && deadline < raised
    {
        diags.push(f.invalid(
            node,
            format!("完成时限 {deadline} 早于上墙日期 {raised}"),
            "完成时限不能早于 date",
        ));
    }
    if !f.has("status") {
        diags.push(f.missing(
            "status",
            "办理状态",
            &format!("可以写：{}", ProblemStatus::choices()),
        ));
    }
    let status = enum_field(
        f,
        "status",
        "办理状态",
        ProblemStatus::parse,
        ProblemStatus::choices,
        diags,
    );
    let progress = read_progress(f, raised_day, diags);
    let echo = read_echo(f, raised_day, status, diags);
    let meeting = f
        .str("meeting", diags)
        .map(|m| (m, f.get("meeting").map_or(f.pos, |n| n.pos)));
    Some(Problem {
        id: id?,
        id_pos: f.get("id").map_or(f.pos, |n| n.pos),
        source: f.str("source", diags),
        meeting,
        location: f.str("location", diags),
        responsible: responsible?,
        measures: measures.filter(|m| !m.is_empty())?,
        deadline: deadline?,
        status: status?,
        progress,
        echo: match (status, echo) {
            (Some(s), Some(e)) if s.is_closed() => Some(e),
            _ => None,
        },
    })
}

fn read_progress(f: &Fields, raised: Option<Date>, diags: &mut Vec<Diagnostic>) -> Vec<Progress> {
    let mut out: Vec<Progress> = Vec::new();
    for node in f
        .seq("progress", "写成列表，每项 {date: 日期, text: 进展}", diags)
        .unwrap_or_default()
    {
        let Some(p) = Fields::read(f.file, node, &["date", "text"], "办理进展 ", diags) else {
            continue;
        };
        if !p.has("date") {
            diags.push(p.missing("date", "进展日期", "例如 date: 2026-11-10"));
        }
        let date = read_date(&p, "date", diags);
        let text = p.req_str(
            "text",
            "进展内容",
            "例如 text: 已联系维保单位现场检查",
            diags,
        );
        let (Some(date), Some(text)) = (date, text) else {
            continue;
        };
        let date_node = p.get("date").unwrap_or(node);
        if let Some(raised) = raised
            && date < raised
        {
            diags.push(p.invalid(
                date_node,
                format!("进展日期 {date} 早于上墙日期 {raised}"),
                "办理进展不能早于问题上墙的 date",
            ));
        }
        if let Some(prev) = out.last()
            && date < prev.date
        {
            diags.push(p.invalid(
                date_node,
                format!("进展日期 {date} 早于上一条 {}", prev.date),
                "办理进展按日期先后排列",
            ));
        }
        out.push(Progress { date, text });
    }
    out
}

fn read_echo(
    f: &Fields,
    raised: Option<Date>,
    status: Option<ProblemStatus>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Echo> {
    let closed = status.is_some_and(ProblemStatus::is_closed);
    if status.is_some() && !closed {
        if let Some(pos) = f.key_pos("echo")
            && f.has("echo")
        {
            diags.push(f.file.error(
                "E-ECHO-FORBIDDEN",
                pos,
                "问题还在办理中，不能写回音壁结果（echo）",
                "办结后把 status 改为 resolved、unresolvable 或 referred，再写 echo",
            ));
        }
        return None;
    }
    if closed && !f.has("echo") {
        let help = match status {
            Some(ProblemStatus::Unresolvable) => {
                "无法解决也要公开说明原因，例如 echo: {date: 2026-11-10, result: 因产权原因无法实施}"
            }
            Some(ProblemStatus::Referred) => {
                "写明转给了谁，例如 echo: {date: 2026-11-10, result: 已转区住建委办理}"
            }
            _ => "写明办理结果，例如 echo: {date: 2026-11-10, result: 已更换路灯12盏}",
        };
        diags.push(f.missing("echo", "回音壁办理结果", help));
        return None;
    }
    let e = f.map("echo", &["date", "result", "evaluation"], "echo ", diags)?;
    if !e.has("date") {
        diags.push(e.missing("date", "办结日期", "例如 date: 2026-11-10"));
    }
    let date = read_date(&e, "date", diags);
    if let (Some(date), Some(raised), Some(node)) = (date, raised, e.get("date"))
        && date < raised
    {
        diags.push(e.invalid(
            node,
            format!("办结日期 {date} 早于上墙日期 {raised}"),
            "办结日期不能早于 date",
        ));
    }
    let result = e.req_str("result", "办理结果", "例如 result: 已更换路灯12盏", diags);
    let evaluation = e
        .map(
            "evaluation",
            &["satisfied", "basically", "unsatisfied"],
            "evaluation ",
            diags,
        )
        .map(|v| Evaluation {
            satisfied: count(&v, "satisfied", diags).unwrap_or(0),
            basically: count(&v, "basically", diags).unwrap_or(0),
            unsatisfied: count(&v, "unsatisfied", diags).unwrap_or(0),
        });
    Some(Echo {
        date: date?,
        result: result?,
        evaluation,
    })
}

pub fn read_service(
    file: &ContentFile,
    f: &Fields,
    ctx: &Context,
    allow: &[PiiKind],
    diags: &mut Vec<Diagnostic>,
) -> Option<ServiceList> {
    if !f.has("kind") {
        diags.push(f.missing(
            "kind",
            "清单类型",
            &format!("可以写：{}", ServiceKind::choices()),
        ));
    }
    let kind = enum_field(
        f,
        "kind",
        "清单类型",
        ServiceKind::parse,
        ServiceKind::choices,
        diags,
    );
    if let Some(node) = f.get("items_from") {
        if f.has("items") {
            diags.push(f.invalid(
                node,
                "items 和 items_from 只能写一个".into(),
                "条目写在表格里就删除 items，写在 front matter 里就删除 items_from",
            ));
            return None;
        }
        let items = super::items_from::read(file, f, node, ctx, kind, allow, diags)?;
        return Some(ServiceList {
            kind: kind?,
            provider: f.str("provider", diags),
            items,
        });
    }
    let mut items = Vec::new();
    match f.seq("items", "写成列表，每项至少有 name", diags) {
        Some([]) => {
            diags.push(f.invalid(
                f.get("items")?,
                "清单至少要有一项".into(),
                "例如 items: [{name: 老年助餐}]",
            ));
        }
        Some(nodes) => {
            for node in nodes {
                if let Some(item) = read_item(f, node, ctx, kind, diags) {
                    items.push(item);
                }
            }
        }
        None => {
            if !f.has("items") {
                diags.push(f.missing(
                    "items",
                    "清单条目",
                    "例如 items: [{name: 老年助餐, fee: 低偿}]",
                ));
            }
        }
    }
    if items.is_empty() {
        return None;
    }
    Some(ServiceList {
        kind: kind?,
        provider: f.str("provider", diags),
        items,
    })
}

fn read_item(
    f: &Fields,
    node: &Node,
    ctx: &Context,
    kind: Option<ServiceKind>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ServiceItem> {
    let i = Fields::read(f.file, node, ITEM_KEYS, "清单条目 ", diags)?;
    let name = i.req_str("name", "名称", "例如 name: 老年助餐", diags);
    if kind.is_some_and(|k| k != ServiceKind::Projects) {
        for key in ["status", "budget", "funding", "beneficiaries"] {
            if let Some(pos) = i.key_pos(key) {
                diags.push(f.file.warning(
                    "W-PROJECT-FIELD",
                    pos,
                    format!("`{key}` 只用于项目清单（kind: projects）"),
                    "删除这个字段，或把清单类型改为 projects",
                ));
            }
        }
    }
    let budget = i.number("budget", diags);
    if let (Some(b), Some(node)) = (budget, i.get("budget"))
        && b < 0.0
    {
        diags.push(i.invalid(
            node,
            "预算不能是负数".into(),
            "写预算金额（万元），例如 budget: 12.5",
        ));
    }
    Some(ServiceItem {
        name: name?,
        category: i.str("category", diags),
        provider: i.str("provider", diags),
        target: i.str("target", diags),
        location: i.str("location", diags),
        hours: i.str("hours", diags),
        contact: i.str("contact", diags),
        fee: enum_field(&i, "fee", "收费方式", Fee::parse, Fee::choices, diags),
        description: i.str("description", diags),
        org: read_org_ref(&i, "org", ctx, diags),
        status: enum_field(
            &i,
            "status",
            "项目状态",
            ProjectStatus::parse,
            ProjectStatus::choices,
            diags,
        ),
        budget,
        funding: i.str("funding", diags),
        beneficiaries: i
            .int("beneficiaries", 0, diags)
            .map(|n| u64::try_from(n).unwrap_or(0)),
    })
}
