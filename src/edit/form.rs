//! The form of each record kind: every field of content.md §2 by its key, its Chinese label and
//! its type, in content.md's order (the loader's own key tables, `model::allowed_keys`). The page
//! draws its forms from this; saving reads the form's values back through it.

use crate::enums::{AfterExpiry, Fee, NoticeKind, ProblemStatus, ProjectStatus, ServiceKind};
use crate::pipeline::load::Section;
use crate::privacy::PiiKind;
use serde_json::{Value, json};

/// What a field holds, and so how it is drawn and written.
#[derive(Clone, Copy)]
pub enum Ty {
    /// One line of text.
    Text,
    /// Text that may run over several lines.
    Long,
    Date,
    /// A whole number ≥ 0.
    Int,
    Number,
    Bool,
    /// One of an enumeration's values: (code, Chinese label).
    Enum(fn() -> Vec<(&'static str, &'static str)>),
    /// Any number of an enumeration's values.
    Multi(fn() -> Vec<(&'static str, &'static str)>),
    /// A list of lines of text.
    StrList,
    /// A map of its own fields.
    Obj(&'static [Field]),
    /// A list of maps.
    List(&'static [Field]),
    /// A unit of the site's org tree.
    Org,
    /// One of site.yaml's `meeting_kinds`.
    MeetingKind,
    /// A meeting's file name (slug).
    Meeting,
}

#[derive(Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// A short hint under the field, or "".
    pub help: &'static str,
}

const fn f(key: &'static str, label: &'static str, ty: Ty) -> Field {
    Field {
        key,
        label,
        ty,
        required: false,
        help: "",
    }
}

const fn req(key: &'static str, label: &'static str, ty: Ty) -> Field {
    Field {
        key,
        label,
        ty,
        required: true,
        help: "",
    }
}

const fn hint(field: Field, help: &'static str) -> Field {
    Field { help, ..field }
}

/// The personal numbers a record may allow (`privacy_allow`), as (code, label).
fn pii_kinds() -> Vec<(&'static str, &'static str)> {
    PiiKind::ALL.iter().map(|k| (k.code(), k.label())).collect()
}

const ATTACHMENT: &[Field] = &[
    hint(
        req("file", "文件名", Ty::Text),
        "记录文件夹里的文件名，或 static/ 下的路径（以 / 开头）",
    ),
    req("title", "附件名称", Ty::Text),
];
const APPROVAL: &[Field] = &[
    hint(req("reviewed_by", "审核人", Ty::Text), "含保密审查"),
    req("approved_by", "审批人", Ty::Text),
    req("approved_on", "审批日期", Ty::Date),
];

/// The fields every record shares, in content.md's order; `extra` is not in the form (it is
/// kept as written).
const COMMON: &[Field] = &[
    req("title", "标题", Ty::Text),
    req("date", "日期", Ty::Date),
    hint(
        f("updated", "更新日期", Ty::Date),
        "最近一次实质性修改的日期",
    ),
    hint(
        f("slug", "网址名", Ty::Text),
        "网址里的一段，只用小写字母、数字和 -；不写就用文件名",
    ),
    hint(
        f("summary", "摘要", Ty::Long),
        "不写就取正文第一段（120 字以内）",
    ),
    hint(f("tags", "标签", Ty::StrList), "每行一个标签"),
    f("org", "所属组织", Ty::Org),
    hint(
        f("draft", "草稿（不发布）", Ty::Bool),
        "勾选后这条记录不会发布；有错误的记录只能存为草稿",
    ),
    f("attachments", "附件", Ty::List(ATTACHMENT)),
    hint(
        f("approval", "审核审批", Ty::Obj(APPROVAL)),
        "网站要求审批时必须写全",
    ),
    hint(
        f("expires", "到期日期", Ty::Date),
        "过了这一天，按“到期后”的设置撤下详情",
    ),
    f("after_expiry", "到期后", Ty::Enum(AfterExpiry::code_labels)),
    hint(
        f("privacy_allow", "允许公开的个人信息", Ty::Multi(pii_kinds)),
        "只在确有必要公开时勾选",
    ),
];

const ATTENDANCE: &[Field] = &[
    req("expected", "应到人数", Ty::Int),
    req("present", "实到人数", Ty::Int),
    f("on_leave", "请假人数", Ty::Int),
];
const VOTES: &[Field] = &[
    f("for", "赞成", Ty::Int),
    f("against", "反对", Ty::Int),
    f("abstain", "弃权", Ty::Int),
];
const DECISION: &[Field] = &[
    req("item", "议题", Ty::Text),
    req("decision", "决定", Ty::Long),
    f("votes", "表决情况", Ty::Obj(VOTES)),
];
const MEETING: &[Field] = &[
    req("kind", "会议类型", Ty::MeetingKind),
    hint(f("theme", "会议主题", Ty::Text), "一月一会一主题"),
    f("location", "地点", Ty::Text),
    f("host", "主持人", Ty::Text),
    f("recorder", "记录人", Ty::Text),
    f("attendance", "出席情况", Ty::Obj(ATTENDANCE)),
    hint(
        f("participants", "参加单位", Ty::StrList),
        "共建单位等，每行一个",
    ),
    hint(
        f("decisions", "议定事项（一事一议）", Ty::List(DECISION)),
        "每个议题和它的决定",
    ),
];

const PUBLICITY: &[Field] = &[
    req("start", "开始日期", Ty::Date),
    hint(f("end", "结束日期", Ty::Date), "结束日期和工作日数只写一个"),
    hint(
        f("working_days", "工作日数", Ty::Int),
        "从开始日期起算几个工作日，自动跳过周末和法定节假日",
    ),
];
const CONTACT: &[Field] = &[
    f("name", "联系人", Ty::Text),
    hint(f("phone", "电话", Ty::Text), "可以写手机号"),
    f("address", "地址", Ty::Text),
    f("email", "邮箱", Ty::Text),
];
const WITHDRAWN: &[Field] = &[
    req("date", "撤回日期", Ty::Date),
    req("reason", "撤回原因", Ty::Long),
];
const NOTICE: &[Field] = &[
    req("kind", "类型", Ty::Enum(NoticeKind::code_labels)),
    hint(
        f("category", "分类", Ty::Text),
        "发展党员、低保、评先评优、财务、项目……",
    ),
    hint(
        f("publicity", "公示期", Ty::Obj(PUBLICITY)),
        "公示必填，开始和结束两天都算",
    ),
    hint(
        f("contact", "意见反馈联系方式", Ty::Obj(CONTACT)),
        "公示应当填写",
    ),
    hint(
        f("series", "系列", Ty::Text),
        "同一事项的几轮公示（如三榜公示）写同一个系列名",
    ),
    hint(f("round", "第几轮", Ty::Int), "写了系列时必填"),
    hint(
        f("withdrawn", "撤回", Ty::Obj(WITHDRAWN)),
        "撤回后仍然显示，标明已撤回和原因",
    ),
];

const RESPONSIBLE: &[Field] = &[
    req("unit", "责任单位", Ty::Text),
    f("person", "责任人", Ty::Text),
];
const PROGRESS: &[Field] = &[req("date", "日期", Ty::Date), req("text", "进展", Ty::Long)];
const EVALUATION: &[Field] = &[
    f("satisfied", "满意", Ty::Int),
    f("basically", "基本满意", Ty::Int),
    f("unsatisfied", "不满意", Ty::Int),
];
const ECHO: &[Field] = &[
    req("date", "办结日期", Ty::Date),
    hint(
        req("result", "办理结果", Ty::Long),
        "无法解决的写原因，转办的写转给了谁",
    ),
    hint(
        f("evaluation", "居民评议", Ty::Obj(EVALUATION)),
        "满意、基本满意、不满意的人数",
    ),
];
const PROBLEM: &[Field] = &[
    hint(
        req("id", "编号", Ty::Text),
        "全站唯一，只用字母、数字和 -，例如 2026-017",
    ),
    hint(
        f("source", "来源", Ty::Text),
        "居民反映、网格巡查、党建联席会议、12345热线……",
    ),
    f("meeting", "提出问题的会议", Ty::Meeting),
    f("location", "地点", Ty::Text),
    req("responsible", "责任主体", Ty::Obj(RESPONSIBLE)),
    hint(
        req("measures", "整改措施", Ty::StrList),
        "至少一条，每行一条",
    ),
    hint(req("deadline", "完成时限", Ty::Date), "不早于上墙日期"),
    req("status", "办理状态", Ty::Enum(ProblemStatus::code_labels)),
    hint(
        f("progress", "办理进展", Ty::List(PROGRESS)),
        "按日期先后写，不早于上墙日期",
    ),
    hint(
        f("echo", "回音壁", Ty::Obj(ECHO)),
        "已办结、无法解决、已转办时必填，其他状态不能写",
    ),
];

const ITEM: &[Field] = &[
    req("name", "名称", Ty::Text),
    f("category", "类别", Ty::Text),
    f("provider", "提供方", Ty::Text),
    f("target", "服务对象", Ty::Text),
    f("location", "地点", Ty::Text),
    f("hours", "时间", Ty::Text),
    f("contact", "联系方式", Ty::Text),
    f("fee", "收费", Ty::Enum(Fee::code_labels)),
    f("description", "说明", Ty::Long),
    f("org", "所属组织", Ty::Org),
    hint(
        f(
            "status",
            "状态（项目清单）",
            Ty::Enum(ProjectStatus::code_labels),
        ),
        "只用于项目清单",
    ),
    hint(f("budget", "预算（万元）", Ty::Number), "只用于项目清单"),
    hint(f("funding", "资金来源", Ty::Text), "只用于项目清单"),
    hint(f("beneficiaries", "受益人数", Ty::Int), "只用于项目清单"),
];
const SERVICE: &[Field] = &[
    req("kind", "清单类型", Ty::Enum(ServiceKind::code_labels)),
    hint(f("provider", "提供方", Ty::Text), "社区、共建单位……"),
    hint(
        f("items", "清单条目", Ty::List(ITEM)),
        "至少一条，除非从表格读取",
    ),
    hint(
        f("items_from", "从表格读取条目", Ty::Text),
        "记录文件夹里的 .xlsx、.xls、.ods 或 .csv 文件名；表头写条目的中文或英文名",
    ),
];

/// A record kind's own fields.
fn own(section: Section) -> &'static [Field] {
    match section {
        Section::Meetings => MEETING,
        Section::Notices => NOTICE,
        Section::Problems => PROBLEM,
        Section::Services => SERVICE,
        Section::Pages => &[],
    }
}

/// The form of a kind: content.md's order, shared fields first (as `model::allowed_keys`).
pub fn fields(section: Section) -> Vec<Field> {
    let mut all: Vec<Field> = COMMON.to_vec();
    if section == Section::Pages {
        // A plain page needs no date.
        all[1].required = false;
    } else {
        all[1].label = date_label(section);
    }
    all.extend(own(section).iter().copied());
    all
}

fn date_label(section: Section) -> &'static str {
    match section {
        Section::Meetings => "会议日期",
        Section::Notices => "发布日期",
        Section::Problems => "上墙日期",
        Section::Services => "清单日期",
        Section::Pages => "日期",
    }
}

/// The kinds the 编辑台 offers, with their folder and Chinese name.
pub const KINDS: &[(Section, &str, &str)] = &[
    (Section::Notices, "notices", "公示公告"),
    (Section::Meetings, "meetings", "会议记录"),
    (Section::Problems, "problems", "问题墙"),
    (Section::Services, "services", "清单"),
    (Section::Pages, "pages", "普通页面"),
];

pub fn section_of(name: &str) -> Option<Section> {
    KINDS
        .iter()
        .find(|(_, n, _)| *n == name)
        .map(|(s, _, _)| *s)
}

pub fn section_name(section: Section) -> &'static str {
    KINDS
        .iter()
        .find(|(s, _, _)| *s == section)
        .map_or("pages", |(_, n, _)| n)
}

pub fn section_label(section: Section) -> &'static str {
    KINDS
        .iter()
        .find(|(s, _, _)| *s == section)
        .map_or("普通页面", |(_, _, l)| l)
}

/// The form as the page draws it.
pub fn schema_json(fields: &[Field]) -> Value {
    Value::Array(fields.iter().map(field_json).collect())
}

fn field_json(field: &Field) -> Value {
    let mut v = json!({
        "key": field.key,
        "label": field.label,
        "required": field.required,
        "help": field.help,
    });
    let (ty, choices, sub): (&str, Vec<(&str, &str)>, &[Field]) = match field.ty {
        Ty::Text => ("text", vec![], &[]),
        Ty::Long => ("long", vec![], &[]),
        Ty::Date => ("date", vec![], &[]),
        Ty::Int => ("int", vec![], &[]),
        Ty::Number => ("number", vec![], &[]),
        Ty::Bool => ("bool", vec![], &[]),
        Ty::Enum(c) => ("enum", c(), &[]),
        Ty::Multi(c) => ("multi", c(), &[]),
        Ty::StrList => ("strlist", vec![], &[]),
        Ty::Obj(s) => ("object", vec![], s),
        Ty::List(s) => ("list", vec![], s),
        Ty::Org => ("org", vec![], &[]),
        Ty::MeetingKind => ("meeting_kind", vec![], &[]),
        Ty::Meeting => ("meeting", vec![], &[]),
    };
    v["type"] = json!(ty);
    if !choices.is_empty() {
        v["choices"] = json!(choices);
    }
    if !sub.is_empty() {
        v["fields"] = schema_json(sub);
    }
    v
}

/// A value as the form and the file are compared: the same value written two ways (`办理中` and
/// `in_progress`, `2026-9-5` and `2026-09-05`, `5` and `"5"`) is the same; an empty value is
/// `Null`. A value that cannot be read as its type is kept as written (the check names it).
pub fn normalize(ty: Ty, v: &Value) -> Value {
    match ty {
        Ty::Text | Ty::Long | Ty::Org | Ty::MeetingKind | Ty::Meeting => text(v),
        Ty::Date => match text(v) {
            Value::String(s) => {
                Value::String(crate::dates::parse_date(&s).map_or(s, |d| d.to_string()))
            }
            other => other,
        },
        Ty::Int | Ty::Number => match v {
            Value::Number(_) => v.clone(),
            _ => match text(v) {
                Value::String(s) => {
                    if let Ok(i) = s.parse::<i64>() {
                        json!(i)
                    } else if let Some(n) =
                        s.parse::<f64>().ok().and_then(serde_json::Number::from_f64)
                    {
                        Value::Number(n)
                    } else {
                        Value::String(s)
                    }
                }
                other => other,
            },
        },
        Ty::Bool => match v {
            Value::Bool(true) => Value::Bool(true),
            Value::Bool(false) | Value::Null => Value::Null,
            Value::String(s) if s.trim().is_empty() => Value::Null,
            _ => match crate::yaml::parse_bool(&text_of(v)) {
                Some(true) => Value::Bool(true),
                Some(false) => Value::Null,
                None => text(v),
            },
        },
        Ty::Enum(c) => match text(v) {
            Value::String(s) => Value::String(
                c().iter()
                    .find(|(code, label)| *code == s || *label == s)
                    .map_or(s, |(code, _)| (*code).to_string()),
            ),
            other => other,
        },
        Ty::Multi(c) => {
            let items: Vec<Value> = list_of(v)
                .iter()
                .map(|x| normalize(Ty::Enum(c), x))
                .filter(|x| !x.is_null())
                .collect();
            if items.is_empty() {
                Value::Null
            } else {
                Value::Array(items)
            }
        }
        Ty::StrList => {
            let items: Vec<Value> = list_of(v)
                .iter()
                .map(text)
                .filter(|x| !x.is_null())
                .collect();
            if items.is_empty() {
                Value::Null
            } else {
                Value::Array(items)
            }
        }
        Ty::Obj(sub) => object(sub, v),
        Ty::List(sub) => {
            let Value::Array(items) = v else {
                return if v.is_null() { Value::Null } else { v.clone() };
            };
            let items: Vec<Value> = items
                .iter()
                .map(|x| object(sub, x))
                .filter(|x| !x.is_null())
                .collect();
            if items.is_empty() {
                Value::Null
            } else {
                Value::Array(items)
            }
        }
    }
}

fn object(sub: &[Field], v: &Value) -> Value {
    let Value::Object(map) = v else {
        return if v.is_null() { Value::Null } else { v.clone() };
    };
    let mut out = serde_json::Map::new();
    for field in sub {
        if let Some(x) = map.get(field.key) {
            let x = normalize(field.ty, x);
            if !x.is_null() {
                out.insert(field.key.to_string(), x);
            }
        }
    }
    // Keys the form does not know are kept, so the check can name them.
    for (k, x) in map {
        if !sub.iter().any(|f| f.key == k) && !x.is_null() {
            out.insert(k.clone(), x.clone());
        }
    }
    if out.is_empty() {
        Value::Null
    } else {
        Value::Object(out)
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A scalar as trimmed text; empty is `Null`. Lists and maps are kept as they are.
fn text(v: &Value) -> Value {
    match v {
        Value::Array(_) | Value::Object(_) => v.clone(),
        _ => {
            let s = text_of(v);
            let s = s.trim();
            if s.is_empty() {
                Value::Null
            } else {
                Value::String(s.to_string())
            }
        }
    }
}

/// A list, or a text with one item a line (a `StrList` typed into one box), or one scalar.
fn list_of(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        Value::String(s) => s.lines().map(|l| Value::String(l.to_string())).collect(),
        other => vec![other.clone()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_loader_allows_is_in_the_form_in_its_order() {
        for (section, _, _) in KINDS {
            let (allowed, _) = crate::pipeline::model::allowed_keys(*section);
            let form: Vec<&str> = fields(*section).iter().map(|f| f.key).collect();
            let expected: Vec<&str> = allowed.into_iter().filter(|k| *k != "extra").collect();
            assert_eq!(form, expected, "{section:?}");
        }
    }

    #[test]
    fn the_same_value_written_two_ways_is_the_same() {
        let status = Ty::Enum(ProblemStatus::code_labels);
        assert_eq!(
            normalize(status, &json!("办理中")),
            normalize(status, &json!("in_progress"))
        );
        assert_eq!(normalize(Ty::Date, &json!("2026-9-5")), json!("2026-09-05"));
        assert_eq!(normalize(Ty::Int, &json!("5")), json!(5));
        assert_eq!(normalize(Ty::Bool, &json!(false)), Value::Null);
        assert_eq!(normalize(Ty::Text, &json!("  ")), Value::Null);
        assert_eq!(
            normalize(Ty::StrList, &json!(["a", " ", "b "])),
            json!(["a", "b"])
        );
        assert_eq!(
            normalize(
                Ty::Obj(EVALUATION),
                &json!({"satisfied": "", "basically": null})
            ),
            Value::Null
        );
    }
}
