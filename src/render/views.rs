//! The small, borrowed-then-serialised views templates receive (themes/default/README.md is
//! their documentation; keep the two in step).

use crate::config::SiteConfig;
use crate::derive::{Entry, Site, pct, round4};
use crate::load::Section;
use crate::model::{Body, ServiceItem};
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

pub fn org_ref(config: &SiteConfig, id: Option<&String>) -> Value {
    match id.and_then(|id| config.org_name(id).map(|n| (id, n))) {
        Some((id, name)) => {
            json!({"id": id, "name": name, "url": format!("{}org/{}/", config.root, id)})
        }
        None => Value::Null,
    }
}

pub fn tag_url(config: &SiteConfig, slug: &str) -> String {
    format!("{}tags/{slug}/", config.root)
}

/// Tags a card carries (its page and the exports carry all): every list page copies the cards it
/// shows, and a record with 10,000 tags is on 10,000 tag pages.
const CARD_TAGS: usize = 8;

fn tag_values(config: &SiteConfig, tags: &[String]) -> Vec<Value> {
    tags.iter()
        .map(|t| {
            let slug = crate::slug::slugify(t);
            json!({"name": t, "url": tag_url(config, &slug), "slug": slug})
        })
        .collect()
}

/// A record as lists show it: the card fields of every kind plus the kind's short facts. Long
/// lists (participants, decisions, measures, progress, service items, contact) are left to the
/// record's own page: a big site keeps a card of every record in memory and copies it into every
/// list page it appears on.
pub fn card(site: &Site, e: &Entry, summary: &str) -> Value {
    let config = &site.config;
    let (ty, ty_label) = type_of(e.section());
    let c = &e.rec.common;
    let tags = tag_values(config, &c.tags[..c.tags.len().min(CARD_TAGS)]);
    let mut v = json!({
        "type": ty,
        "type_label": ty_label,
        "slug": e.slug,
        "url": e.url,
        "permalink": config.absolute(&e.url),
        "title": c.title,
        "date": e.rec.date().map(|d| d.to_string()),
        "updated": c.updated.map(|d| d.to_string()),
        "summary": if e.redacted { "" } else { summary },
        "tags": tags,
        "tag_count": c.tags.len(),
        "org": org_ref(config, c.org.as_ref()),
        "redacted": e.redacted,
        "kind": "page",
        "kind_label": "页面",
        "status": Value::Null,
        "status_label": Value::Null,
        "overdue": false,
    });
    extend(&mut v, card_fields(e));
    if e.redacted { redact(v) } else { v }
}

/// A record as its own page and the open-data exports show it: its `card` plus the long lists
/// (emptied, like the rest of the card, when the record is redacted).
pub fn full(site: &Site, e: &Entry, mut card: Value) -> Value {
    extend(&mut card, detail_fields(site, e));
    if e.rec.common.tags.len() > CARD_TAGS {
        card["tags"] = json!(tag_values(&site.config, &e.rec.common.tags));
    }
    if e.redacted { redact(card) } else { card }
}

fn extend(v: &mut Value, more: Value) {
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), more) {
        obj.extend(more);
    }
}

/// The kind's facts a card shows.
fn card_fields(e: &Entry) -> Value {
    match &e.rec.body {
        Body::Notice(n) => {
            let status = e.notice.status;
            json!({
                "kind": n.kind.code(),
                "kind_label": n.kind.label(),
                "category": n.category,
                "publicity": n.publicity.as_ref().filter(|_| status.is_some()).map(|p| json!({
                    "start": p.start.to_string(), "end": p.end.to_string(), "working_days": p.working_days,
                })),
                "status": status.map(|s| s.code()),
                "status_label": status.map(|s| s.label()),
                "days_left": e.notice.days_left,
                "days_until_start": e.notice.days_until_start,
                "series": n.series,
                "round": n.round,
                "withdrawn": n.withdrawn.as_ref().map(|w| json!({"date": w.date.to_string(), "reason": w.reason})),
            })
        }
        Body::Meeting(m) => json!({
            "kind": m.kind,
            "kind_label": m.kind,
            "theme": m.theme,
            "location": m.location,
            "host": m.host,
            "recorder": m.recorder,
            "attendance": m.attendance.as_ref().map(|a| json!({
                "expected": a.expected,
                "present": a.present,
                "on_leave": a.on_leave,
                "rate": (a.expected > 0).then(|| pct(f64::from(a.present) / f64::from(a.expected))),
            })),
            "decision_count": m.decisions.len(),
        }),
        Body::Problem(p) => {
            let f = &e.problem;
            json!({
                "kind": "problem",
                "kind_label": "问题墙",
                "id": p.id,
                "source": p.source,
                "location": p.location,
                "responsible": {"unit": p.responsible.unit, "person": p.responsible.person},
                "deadline": p.deadline.to_string(),
                "status": p.status.code(),
                "status_label": p.status.label(),
                "closed": p.status.is_closed(),
                "overdue": f.overdue,
                "days_overdue": f.days_overdue,
                "days_to_deadline": f.days_to_deadline,
                "echo": p.echo.as_ref().map(|x| json!({
                    "date": x.date.to_string(),
                    "result": x.result,
                    "evaluation": x.evaluation.map(|ev| json!({
                        "satisfied": ev.satisfied, "basically": ev.basically, "unsatisfied": ev.unsatisfied, "total": ev.total(),
                    })),
                })),
                "on_time": f.on_time,
                "satisfaction": f.satisfaction.map(round4),
                "satisfaction_pct": f.satisfaction.map(pct),
            })
        }
        Body::Service(l) => json!({
            "kind": l.kind.code(),
            "kind_label": l.kind.label(),
            "provider": l.provider,
            "item_count": l.items.len(),
        }),
        Body::Page => json!({}),
    }
}

/// The long lists of a record, on its page and in the exports only.
fn detail_fields(site: &Site, e: &Entry) -> Value {
    match &e.rec.body {
        Body::Notice(n) => json!({"contact": n.contact}),
        Body::Meeting(m) => json!({
            "participants": m.participants,
            "decisions": m.decisions.iter().map(|d| json!({
                "item": d.item,
                "decision": d.decision,
                "votes": d.votes.as_ref().map(|v| json!({"for": v.for_, "against": v.against, "abstain": v.abstain})),
            })).collect::<Vec<_>>(),
        }),
        Body::Problem(p) => json!({
            "measures": p.measures,
            "progress": p.progress.iter().map(|x| json!({"date": x.date.to_string(), "text": x.text})).collect::<Vec<_>>(),
        }),
        Body::Service(l) => json!({
            "items": l.items.iter().map(|i| item(&site.config, i)).collect::<Vec<_>>(),
        }),
        Body::Page => json!({}),
    }
}

pub fn item(config: &SiteConfig, i: &ServiceItem) -> Value {
    json!({
        "name": i.name,
        "category": i.category,
        "provider": i.provider,
        "target": i.target,
        "location": i.location,
        "hours": i.hours,
        "contact": i.contact,
        "fee": i.fee.map(|f| f.code()),
        "fee_label": i.fee.map(|f| f.label()),
        "description": i.description,
        "org": org_ref(config, i.org.as_ref()),
        "status": i.status.map(|s| s.code()),
        "status_label": i.status.map(|s| s.label()),
        "budget": i.budget,
        "funding": i.funding,
        "beneficiaries": i.beneficiaries,
    })
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
