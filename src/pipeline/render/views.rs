//! The template contract: small, typed, borrowed views of the derived site, serialised once
//! into the values templates receive. themes/default/README.md documents them, and its field
//! list is checked against what these types produce (`tests/theme_contract.rs`).

pub mod page;

use crate::ledger::history::RecordHistory;
use crate::pipeline::config::SiteConfig;
use crate::pipeline::derive::links::Attachment;
use crate::pipeline::derive::{Entry, Site, pct, round4};
use crate::pipeline::load::Section;
use crate::pipeline::model::NoticeContact;
use crate::pipeline::model::{Body, ServiceItem};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

pub fn type_of(section: Section) -> (&'static str, &'static str) {
    match section {
        Section::Notices => ("notice", "公示公告"),
        Section::Meetings => ("meeting", "会议记录"),
        Section::Problems => ("problem", "问题墙"),
        Section::Services => ("service", "清单"),
        Section::Pages => ("page", "页面"),
    }
}

/// A date as templates receive it: ISO `YYYY-MM-DD`, written straight from the date.
pub struct Iso(pub jiff::civil::Date);

impl Serialize for Iso {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

fn iso(d: Option<jiff::civil::Date>) -> Option<Iso> {
    d.map(Iso)
}

/// `{id, name, url}` of an organisation unit.
#[derive(Serialize)]
pub struct OrgRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
}

pub fn org_ref<'a>(config: &'a SiteConfig, id: Option<&'a String>) -> Option<OrgRef<'a>> {
    let id = id?;
    Some(OrgRef {
        id,
        name: config.org_name(id)?,
        url: format!("{}org/{}/", config.root, id),
    })
}

pub fn tag_url(config: &SiteConfig, slug: &str) -> String {
    format!("{}tags/{slug}/", config.root)
}

/// Tags a card carries (its page and the exports carry all): every list page copies the cards it
/// shows, and a record with 10,000 tags is on 10,000 tag pages.
const CARD_TAGS: usize = 8;

/// `{name, slug, url}` of a tag a record carries.
#[derive(Serialize)]
pub struct TagRef<'a> {
    pub name: &'a str,
    pub slug: String,
    pub url: String,
}

fn tag_refs<'a>(config: &SiteConfig, tags: &'a [String]) -> Vec<TagRef<'a>> {
    tags.iter()
        .map(|t| {
            let slug = crate::slug::slugify(t);
            TagRef {
                name: t,
                url: tag_url(config, &slug),
                slug,
            }
        })
        .collect()
}

/// A record as lists show it (themes/default/README.md, "Records"): the fields of every kind
/// plus the kind's short facts. Long lists (participants, decisions, measures, progress, service
/// items, contact) are left to the record's own page: a big site keeps a card of every record in
/// memory and copies it into every list page it appears on.
#[derive(Serialize)]
pub struct Card<'a> {
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub type_label: &'static str,
    pub slug: &'a str,
    pub url: &'a str,
    pub permalink: String,
    pub title: &'a str,
    pub date: Option<Iso>,
    pub updated: Option<Iso>,
    pub summary: &'a str,
    pub tags: Vec<TagRef<'a>>,
    pub tag_count: usize,
    pub org: Option<OrgRef<'a>>,
    pub redacted: bool,
    #[serde(flatten)]
    pub facts: CardFacts<'a>,
}

/// The kind's facts a card shows.
#[derive(Serialize)]
#[serde(untagged)]
pub enum CardFacts<'a> {
    Notice(NoticeCard<'a>),
    Meeting(MeetingCard<'a>),
    Problem(ProblemCard<'a>),
    Service(ServiceCard<'a>),
    Page(PageCard),
}

#[derive(Serialize)]
pub struct NoticeCard<'a> {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub category: Option<&'a str>,
    /// Only for a 公示 (a notice with a status).
    pub publicity: Option<PublicityView>,
    pub status: Option<&'static str>,
    pub status_label: Option<&'static str>,
    pub days_left: Option<i64>,
    pub days_until_start: Option<i64>,
    pub series: Option<&'a str>,
    pub round: Option<u32>,
    pub withdrawn: Option<WithdrawnView<'a>>,
    pub overdue: bool,
}

#[derive(Serialize)]
pub struct PublicityView {
    pub start: Iso,
    pub end: Iso,
    pub working_days: Option<u32>,
}

#[derive(Serialize)]
pub struct WithdrawnView<'a> {
    pub date: Iso,
    pub reason: &'a str,
}

#[derive(Serialize)]
pub struct MeetingCard<'a> {
    /// Both the meeting's kind, as written (支部党员大会, 居民议事会 …).
    pub kind: &'a str,
    pub kind_label: &'a str,
    pub theme: Option<&'a str>,
    pub location: Option<&'a str>,
    pub host: Option<&'a str>,
    pub recorder: Option<&'a str>,
    pub attendance: Option<AttendanceView>,
    pub decision_count: usize,
    pub status: Option<&'static str>,
    pub status_label: Option<&'static str>,
    pub overdue: bool,
}

#[derive(Serialize)]
pub struct AttendanceView {
    pub expected: u32,
    pub present: u32,
    pub on_leave: Option<u32>,
    /// A percentage string like `92.3%`; null when none were expected.
    pub rate: Option<String>,
}

#[derive(Serialize)]
pub struct ProblemCard<'a> {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub id: &'a str,
    pub source: Option<&'a str>,
    pub location: Option<&'a str>,
    pub responsible: ResponsibleView<'a>,
    pub deadline: Iso,
    pub status: &'static str,
    pub status_label: &'static str,
    pub closed: bool,
    pub overdue: bool,
    pub days_overdue: Option<i64>,
    pub days_to_deadline: Option<i64>,
    pub echo: Option<EchoView<'a>>,
    pub on_time: Option<bool>,
    pub satisfaction: Option<f64>,
    pub satisfaction_pct: Option<String>,
}

#[derive(Serialize)]
pub struct ResponsibleView<'a> {
    pub unit: &'a str,
    pub person: Option<&'a str>,
}

#[derive(Serialize)]
pub struct EchoView<'a> {
    pub date: Iso,
    pub result: &'a str,
    pub evaluation: Option<EvaluationView>,
}

#[derive(Serialize)]
pub struct EvaluationView {
    pub satisfied: u32,
    pub basically: u32,
    pub unsatisfied: u32,
    pub total: u32,
}

#[derive(Serialize)]
pub struct ServiceCard<'a> {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub provider: Option<&'a str>,
    pub item_count: usize,
    pub status: Option<&'static str>,
    pub status_label: Option<&'static str>,
    pub overdue: bool,
}

#[derive(Serialize)]
pub struct PageCard {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub status: Option<&'static str>,
    pub status_label: Option<&'static str>,
    pub overdue: bool,
}

/// A record's card, as the lists keep it.
pub fn card(site: &Site, e: &Entry, summary: &str) -> Value {
    let config = &site.config;
    let (type_, type_label) = type_of(e.section());
    let c = &e.rec.common;
    let card = Card {
        type_,
        type_label,
        slug: &e.slug,
        url: &e.url,
        permalink: config.absolute(&e.url),
        title: &c.title,
        date: iso(e.rec.date()),
        updated: iso(c.updated),
        summary: if e.redacted { "" } else { summary },
        tags: tag_refs(config, &c.tags[..c.tags.len().min(CARD_TAGS)]),
        tag_count: c.tags.len(),
        org: org_ref(config, c.org.as_ref()),
        redacted: e.redacted,
        facts: card_facts(e),
    };
    let v = to_value(card);
    if e.redacted { redact(v) } else { v }
}

fn card_facts(e: &Entry) -> CardFacts<'_> {
    match &e.rec.body {
        Body::Notice(n) => {
            let status = e.notice.status;
            CardFacts::Notice(NoticeCard {
                kind: n.kind.code(),
                kind_label: n.kind.label(),
                category: n.category.as_deref(),
                publicity: n.publicity.as_ref().filter(|_| status.is_some()).map(|p| {
                    PublicityView {
                        start: Iso(p.start),
                        end: Iso(p.end),
                        working_days: p.working_days,
                    }
                }),
                status: status.map(|s| s.code()),
                status_label: status.map(|s| s.label()),
                days_left: e.notice.days_left,
                days_until_start: e.notice.days_until_start,
                series: n.series.as_deref(),
                round: n.round,
                withdrawn: n.withdrawn.as_ref().map(|w| WithdrawnView {
                    date: Iso(w.date),
                    reason: &w.reason,
                }),
                overdue: false,
            })
        }
        Body::Meeting(m) => CardFacts::Meeting(MeetingCard {
            kind: &m.kind,
            kind_label: &m.kind,
            theme: m.theme.as_deref(),
            location: m.location.as_deref(),
            host: m.host.as_deref(),
            recorder: m.recorder.as_deref(),
            attendance: m.attendance.as_ref().map(|a| AttendanceView {
                expected: a.expected,
                present: a.present,
                on_leave: a.on_leave,
                rate: (a.expected > 0).then(|| pct(f64::from(a.present) / f64::from(a.expected))),
            }),
            decision_count: m.decisions.len(),
            status: None,
            status_label: None,
            overdue: false,
        }),
        Body::Problem(p) => {
            let f = &e.problem;
            CardFacts::Problem(ProblemCard {
                kind: "problem",
                kind_label: "问题墙",
                id: &p.id,
                source: p.source.as_deref(),
                location: p.location.as_deref(),
                responsible: ResponsibleView {
                    unit: &p.responsible.unit,
                    person: p.responsible.person.as_deref(),
                },
                deadline: Iso(p.deadline),
                status: p.status.code(),
                status_label: p.status.label(),
                closed: p.status.is_closed(),
                overdue: f.overdue,
                days_overdue: f.days_overdue,
                days_to_deadline: f.days_to_deadline,
                echo: p.echo.as_ref().map(|x| EchoView {
                    date: Iso(x.date),
                    result: &x.result,
                    evaluation: x.evaluation.map(|ev| EvaluationView {
                        satisfied: ev.satisfied,
                        basically: ev.basically,
                        unsatisfied: ev.unsatisfied,
                        total: ev.total(),
                    }),
                }),
                on_time: f.on_time,
                satisfaction: f.satisfaction.map(round4),
                satisfaction_pct: f.satisfaction.map(pct),
            })
        }
        Body::Service(l) => CardFacts::Service(ServiceCard {
            kind: l.kind.code(),
            kind_label: l.kind.label(),
            provider: l.provider.as_deref(),
            item_count: l.items.len(),
            status: None,
            status_label: None,
            overdue: false,
        }),
        Body::Page => CardFacts::Page(PageCard {
            kind: "page",
            kind_label: "页面",
            status: None,
            status_label: None,
            overdue: false,
        }),
    }
}

/// A record as its own page and the open-data exports show it: its `card` plus the long lists
/// (emptied, like the rest of the card, when the record is redacted).
pub fn full(site: &Site, e: &Entry, mut card: Value) -> Value {
    if let (Some(obj), Value::Object(more)) = (card.as_object_mut(), to_value(details(site, e))) {
        obj.extend(more);
    }
    if e.rec.common.tags.len() > CARD_TAGS {
        card["tags"] = to_value(tag_refs(&site.config, &e.rec.common.tags));
    }
    if e.redacted { redact(card) } else { card }
}

/// The long lists of a record, on its page and in the exports only.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Details<'a> {
    Notice {
        contact: Option<&'a NoticeContact>,
    },
    Meeting {
        participants: &'a [String],
        decisions: Vec<DecisionView<'a>>,
    },
    Problem {
        measures: &'a [String],
        progress: Vec<DatedText<'a>>,
    },
    Service {
        items: Vec<ItemView<'a>>,
    },
    Page {},
}

#[derive(Serialize)]
pub struct DecisionView<'a> {
    pub item: &'a str,
    pub decision: &'a str,
    pub votes: Option<VotesView>,
}

#[derive(Serialize)]
pub struct VotesView {
    #[serde(rename = "for")]
    pub for_: u32,
    pub against: u32,
    pub abstain: u32,
}

/// `{date, text}`: a problem's progress note.
#[derive(Serialize)]
pub struct DatedText<'a> {
    pub date: Iso,
    pub text: &'a str,
}

fn details<'a>(site: &'a Site, e: &'a Entry) -> Details<'a> {
    match &e.rec.body {
        Body::Notice(n) => Details::Notice {
            contact: n.contact.as_ref(),
        },
        Body::Meeting(m) => Details::Meeting {
            participants: &m.participants,
            decisions: m
                .decisions
                .iter()
                .map(|d| DecisionView {
                    item: &d.item,
                    decision: &d.decision,
                    votes: d.votes.as_ref().map(|v| VotesView {
                        for_: v.for_,
                        against: v.against,
                        abstain: v.abstain,
                    }),
                })
                .collect(),
        },
        Body::Problem(p) => Details::Problem {
            measures: &p.measures,
            progress: p
                .progress
                .iter()
                .map(|x| DatedText {
                    date: Iso(x.date),
                    text: &x.text,
                })
                .collect(),
        },
        Body::Service(l) => Details::Service {
            items: l.items.iter().map(|i| item(&site.config, i)).collect(),
        },
        Body::Page => Details::Page {},
    }
}

/// One item of a service list.
#[derive(Serialize)]
pub struct ItemView<'a> {
    pub name: &'a str,
    pub category: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub target: Option<&'a str>,
    pub location: Option<&'a str>,
    pub hours: Option<&'a str>,
    pub contact: Option<&'a str>,
    pub fee: Option<&'static str>,
    pub fee_label: Option<&'static str>,
    pub description: Option<&'a str>,
    pub org: Option<OrgRef<'a>>,
    pub status: Option<&'static str>,
    pub status_label: Option<&'static str>,
    /// 万元.
    pub budget: Option<f64>,
    pub funding: Option<&'a str>,
    pub beneficiaries: Option<u64>,
}

pub fn item<'a>(config: &'a SiteConfig, i: &'a ServiceItem) -> ItemView<'a> {
    ItemView {
        name: &i.name,
        category: i.category.as_deref(),
        provider: i.provider.as_deref(),
        target: i.target.as_deref(),
        location: i.location.as_deref(),
        hours: i.hours.as_deref(),
        contact: i.contact.as_deref(),
        fee: i.fee.map(|f| f.code()),
        fee_label: i.fee.map(|f| f.label()),
        description: i.description.as_deref(),
        org: org_ref(config, i.org.as_ref()),
        status: i.status.map(|s| s.code()),
        status_label: i.status.map(|s| s.label()),
        budget: i.budget,
        funding: i.funding.as_deref(),
        beneficiaries: i.beneficiaries,
    }
}

/// What a record's own page adds to its `full` view: the body, the files, the kind's links to
/// other records, and what paper carries.
#[derive(Serialize)]
pub struct RecordPage<'a> {
    /// The body as HTML; empty when redacted.
    pub content: &'a str,
    pub attachments: &'a [Attachment],
    pub approval: Option<ApprovalView<'a>>,
    #[serde(flatten)]
    pub links: RecordLinks<'a>,
    #[serde(flatten)]
    pub paper: Option<Paper>,
    /// The version of the ledger `print_code` is, when the ledger has recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub print_version: Option<u32>,
    pub ledger: Option<&'a RecordHistory>,
}

#[derive(Serialize)]
pub struct ApprovalView<'a> {
    pub reviewed_by: &'a str,
    pub approved_by: &'a str,
    pub approved_on: Iso,
}

/// A record page's links to other records, by kind (cards are the lists' own values).
#[derive(Serialize)]
#[serde(untagged)]
pub enum RecordLinks<'a> {
    Notice {
        series_rounds: Vec<RoundView<'a>>,
    },
    Meeting {
        problems: Vec<&'a Value>,
    },
    Problem {
        meeting: Option<&'a Value>,
        timeline: Vec<TimelineStep<'a>>,
    },
    Service {
        groups: Vec<ItemGroup<'a>>,
    },
    Page {
        children: Vec<&'a Value>,
    },
}

/// One round of a 公示 series, from that round's card.
#[derive(Serialize)]
pub struct RoundView<'a> {
    pub round: u32,
    pub title: &'a Value,
    pub url: &'a Value,
    pub status: &'a Value,
    pub status_label: &'a Value,
    pub current: bool,
    pub publicity: &'a Value,
    pub withdrawn: &'a Value,
}

/// `{date, label, text}`: raised, each progress note, closed.
#[derive(Serialize)]
pub struct TimelineStep<'a> {
    pub date: Option<Iso>,
    pub label: &'static str,
    pub text: std::borrow::Cow<'a, str>,
}

/// A service list's items under one category (其他 for none).
#[derive(Serialize)]
pub struct ItemGroup<'a> {
    pub category: &'a str,
    pub items: Vec<ItemView<'a>>,
}

/// What paper carries: the QR code of the short address, the address, and the source's code.
#[derive(Serialize)]
pub struct Paper {
    pub qr_svg: String,
    pub short_url: String,
    pub print_code: String,
}

/// A view as a template value. The views hold only strings, numbers and lists, which always
/// serialise.
pub fn to_value(view: impl Serialize) -> Value {
    serde_json::to_value(view).unwrap_or(Value::Null)
}

/// A redacted record keeps only its title, kind and dates (content.md §2).
fn redact(mut card: Value) -> Value {
    const KEEP: &[&str] = &[
        "type",
        "type_label",
        "slug",
        "url",
        "permalink",
        "title",
        "date",
        "updated",
        "kind",
        "kind_label",
        "redacted",
        "publicity",
        "deadline",
        "id",
        "tags",
        "org",
    ];
    if let Some(obj) = card.as_object_mut() {
        for (k, v) in obj.iter_mut() {
            if !KEEP.contains(&k.as_str()) {
                *v = match v {
                    Value::Array(_) => json!([]),
                    Value::Bool(_) => json!(false),
                    _ => Value::Null,
                };
            }
        }
        obj.insert("summary".into(), json!(""));
    }
    card
}
