//! The 公开目录, the statistics and the yearly reports as templates and exports see them:
//! `/catalogue/`, `/stats/`, `/reports/YEAR/`, `data/catalogue.json`, `data/report-YEAR.json`.
//! One value per fact, shared by the page and its export, so the two never disagree.

use super::views;
use crate::config::catalogue::CatalogueItem;
use crate::derive::Site;
use crate::derive::catalogue::{ItemLedger, PeriodState, UnitLedger, unit_name};
use crate::enums::{NoticeKind, PeriodStatus, ServiceKind};
use crate::load::Section;
use serde_json::{Value, json};

/// How the records are referred to: pages link them by title, exports give their URLs.
#[derive(Clone, Copy, PartialEq)]
pub enum For {
    Page,
    Export,
}

fn match_value(item: &CatalogueItem) -> Value {
    let m = &item.matcher;
    let section = m.section;
    let (_, section_label) = views::type_of(section);
    let kind_label = m.kind.as_deref().map(|k| match section {
        Section::Notices => NoticeKind::parse(k).map_or(k, |x| x.label()),
        Section::Services => ServiceKind::parse(k).map_or(k, |x| x.label()),
        _ => k,
    });
    let mut parts = vec![section_label.to_string()];
    parts.extend(kind_label.map(str::to_string));
    parts.extend(m.category.as_ref().map(|c| format!("类别：{c}")));
    parts.extend(m.tag.as_ref().map(|t| format!("标签：{t}")));
    json!({
        "section": section.dir(), "kind": m.kind, "category": m.category, "tag": m.tag,
        "label": parts.join(" · "),
    })
}

fn period_value(site: &Site, item: &CatalogueItem, ps: &PeriodState, to: For) -> Value {
    let records: Vec<Value> = ps
        .records
        .iter()
        .map(|&i| {
            let e = &site.entries[i];
            match to {
                For::Export => json!(site.config.absolute(&e.url)),
                For::Page => json!({
                    "url": e.url, "title": e.rec.common.title,
                    "date": e.rec.date().map(|d| d.to_string()),
                }),
            }
        })
        .collect();
    json!({
        "period": ps.period.key(item.every),
        "label": ps.period.label(item.every),
        "start": ps.period.start.to_string(),
        "end": ps.period.end.to_string(),
        "due": ps.due.to_string(),
        "status": ps.status.code(),
        "status_label": ps.status.label(),
        "records": records,
        "days_missing": ps.days_missing,
    })
}

fn unit_ref(site: &Site, unit: &str) -> Value {
    let c = &site.config;
    json!({
        "id": (!unit.is_empty()).then_some(unit),
        "name": unit_name(c, unit),
        "url": (!unit.is_empty()).then(|| format!("{}org/{unit}/", c.root)),
    })
}

fn unit_value(site: &Site, item: &CatalogueItem, ul: &UnitLedger, to: For) -> Value {
    let mut v = unit_ref(site, &ul.unit);
    let count = |s: PeriodStatus| ul.periods.iter().filter(|p| p.status == s).count();
    v["done"] = json!(count(PeriodStatus::Done));
    v["current"] = json!(count(PeriodStatus::Current));
    v["missing"] = json!(count(PeriodStatus::Missing));
    // Newest first: the period an inspector asks about is the latest.
    v["periods"] = Value::Array(
        ul.periods
            .iter()
            .rev()
            .map(|ps| period_value(site, item, ps, to))
            .collect(),
    );
    v
}

fn item_head(item: &CatalogueItem, il: &ItemLedger) -> Value {
    json!({
        "id": item.id, "name": item.name,
        "every": item.every.code(), "every_label": item.every.label(),
        "within_days": item.within_days,
        "match": match_value(item),
        "from": il.from.map(|d| d.to_string()),
        "preset": item.preset,
    })
}

/// The whole catalogue: the context of `/catalogue/` and, with URLs, `data/catalogue.json`.
/// The due days (`YYYY-MM-DD`, sorted) of the periods whose window holds today and that are still
/// owed (`current`) or already published (`done`): the summaries' script (home, `/catalogue/`)
/// takes each out of 本期应公开 as it passes, a still-owed one into 逾期.
pub fn open_dues(site: &Site, status: PeriodStatus) -> Vec<String> {
    let today = site.today.day;
    let mut dues: Vec<String> = site
        .catalogue
        .items
        .iter()
        .flat_map(|il| il.units.iter().flat_map(|u| u.periods.iter()))
        .filter(|p| p.status == status && p.period.start <= today && today <= p.due)
        .map(|p| p.due.to_string())
        .collect();
    dues.sort();
    dues
}

pub fn catalogue(site: &Site, to: For) -> Value {
    let items: Vec<Value> = site
        .catalogue
        .items
        .iter()
        .map(|il| {
            let item = &site.config.catalogue.items[il.item];
            let mut v = item_head(item, il);
            v["units"] = Value::Array(
                il.units
                    .iter()
                    .map(|ul| unit_value(site, item, ul, to))
                    .collect(),
            );
            v
        })
        .collect();
    let mut out = json!({
        "today": site.today.day.to_string(),
        "summary": site.catalogue.summary,
        "items": items,
    });
    if to == For::Page {
        out["dues"] = json!(open_dues(site, PeriodStatus::Current));
        out["done_dues"] = json!(open_dues(site, PeriodStatus::Done));
        // Every missing period in one list, longest overdue first: what the inspector reads first.
        let mut missing = Vec::new();
        for il in &site.catalogue.items {
            let item = &site.config.catalogue.items[il.item];
            for ul in &il.units {
                for ps in ul
                    .periods
                    .iter()
                    .filter(|p| p.status == PeriodStatus::Missing)
                {
                    missing.push((
                        ps.days_missing.unwrap_or(0),
                        json!({
                            "item": item.id, "item_name": item.name, "unit": unit_ref(site, &ul.unit),
                            "period": period_value(site, item, ps, to),
                        }),
                    ));
                }
            }
        }
        missing.sort_by_key(|m| std::cmp::Reverse(m.0));
        out["missing"] = Value::Array(missing.into_iter().map(|(_, v)| v).collect());
    }
    out
}

/// What one unit owes: the items it is listed under, with their periods (for its org page).
pub fn unit_catalogue(site: &Site, unit: &str) -> Value {
    let items: Vec<Value> = site
        .catalogue
        .items
        .iter()
        .filter_map(|il| {
            let item = &site.config.catalogue.items[il.item];
            let ul = il.units.iter().find(|u| u.unit == unit)?;
            let mut v = item_head(item, il);
            v["unit"] = unit_value(site, item, ul, For::Page);
            Some(v)
        })
        .collect();
    Value::Array(items)
}

/// The context of `/stats/`.
pub fn stats(site: &Site) -> Value {
    let root = &site.config.root;
    let reports: Vec<Value> = site
        .reports
        .iter()
        .rev()
        .map(|r| json!({"year": r.year, "url": format!("{root}reports/{}/", r.year)}))
        .collect();
    let mut v = json!(site.stats);
    v["reports"] = Value::Array(reports);
    v
}

/// The report of one year: the context of `/reports/YEAR/` and `data/report-YEAR.json`.
pub fn report(site: &Site, index: usize) -> Value {
    json!(site.reports[index])
}
