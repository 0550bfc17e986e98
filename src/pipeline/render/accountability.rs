//! The 公开目录, the statistics and the yearly reports as templates and exports see them:
//! `/catalogue/`, `/stats/`, `/reports/YEAR/`, `data/catalogue.json`, `data/report-YEAR.json`.
//! One view per fact, shared by the page and its export, so the two never disagree.

use super::views::{self, Iso};
use crate::enums::{NoticeKind, PeriodStatus, ServiceKind};
use crate::pipeline::config::catalogue::CatalogueItem;
use crate::pipeline::derive::catalogue::{ItemLedger, PeriodState, Summary, UnitLedger, unit_name};
use crate::pipeline::derive::wall::Report;
use crate::pipeline::derive::{Site, Stats};
use crate::pipeline::load::Section;
use serde::Serialize;

/// How the records are referred to: pages link them by title, exports give their URLs.
#[derive(Clone, Copy, PartialEq)]
pub enum For {
    Page,
    Export,
}

/// `catalogue`: the whole 公开目录 at today.
#[derive(Serialize)]
pub struct CatalogueView<'a> {
    pub today: Iso,
    pub summary: &'a Summary,
    pub items: Vec<ItemView<'a>>,
    /// The page's only: the due days its script counts down (`open_dues`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dues: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_dues: Option<Vec<String>>,
    /// The page's only: every missing period, longest overdue first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<Missing<'a>>>,
}

/// A catalogue item with its units' periods: all of its units, or on a unit's page that unit's.
#[derive(Serialize)]
pub struct ItemView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub every: &'static str,
    pub every_label: &'static str,
    pub within_days: u32,
    #[serde(rename = "match")]
    pub matcher: MatchView<'a>,
    /// The first period owed, as written or its default.
    pub from: Option<Iso>,
    pub preset: bool,
    #[serde(flatten)]
    pub units: ItemUnits<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum ItemUnits<'a> {
    All { units: Vec<UnitPeriods<'a>> },
    One { unit: UnitPeriods<'a> },
}

/// What records an item counts, and the same in words (公示公告 · 财务公开 · 类别：…).
#[derive(Serialize)]
pub struct MatchView<'a> {
    pub section: &'static str,
    pub kind: Option<&'a str>,
    pub category: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub label: String,
}

/// A unit owing an item (id and url null for the community itself when the tree has no top unit).
#[derive(Serialize)]
pub struct UnitRef<'a> {
    pub id: Option<&'a str>,
    pub name: &'a str,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct UnitPeriods<'a> {
    #[serde(flatten)]
    pub unit: UnitRef<'a>,
    pub done: usize,
    pub current: usize,
    pub missing: usize,
    /// Newest first.
    pub periods: Vec<PeriodView<'a>>,
}

#[derive(Serialize)]
pub struct PeriodView<'a> {
    pub period: String,
    pub label: String,
    pub start: Iso,
    pub end: Iso,
    pub due: Iso,
    pub status: &'static str,
    pub status_label: &'static str,
    pub records: Vec<RecordRef<'a>>,
    pub days_missing: Option<i64>,
}

/// A record that satisfied a period: linked by title on a page, its absolute URL in an export.
#[derive(Serialize)]
#[serde(untagged)]
pub enum RecordRef<'a> {
    Linked {
        url: &'a str,
        title: &'a str,
        date: Option<Iso>,
    },
    Url(String),
}

#[derive(Serialize)]
pub struct Missing<'a> {
    pub item: &'a str,
    pub item_name: &'a str,
    pub unit: UnitRef<'a>,
    pub period: PeriodView<'a>,
}

/// `stats`: the site's statistics and the years that have a report.
#[derive(Serialize)]
pub struct StatsView<'a> {
    #[serde(flatten)]
    pub stats: &'a Stats,
    pub reports: Vec<ReportLink>,
}

#[derive(Serialize)]
pub struct ReportLink {
    pub year: i16,
    pub url: String,
}

fn match_view(item: &CatalogueItem) -> MatchView<'_> {
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
    MatchView {
        section: section.dir(),
        kind: m.kind.as_deref(),
        category: m.category.as_deref(),
        tag: m.tag.as_deref(),
        label: parts.join(" · "),
    }
}

fn period_view<'a>(
    site: &'a Site,
    item: &CatalogueItem,
    ps: &PeriodState,
    to: For,
) -> PeriodView<'a> {
    let records = ps
        .records
        .iter()
        .map(|&i| {
            let e = &site.entries[i];
            match to {
                For::Export => RecordRef::Url(site.config.absolute(&e.url)),
                For::Page => RecordRef::Linked {
                    url: &e.url,
                    title: &e.rec.common.title,
                    date: e.rec.date().map(Iso),
                },
            }
        })
        .collect();
    PeriodView {
        period: ps.period.key(item.every),
        label: ps.period.label(item.every),
        start: Iso(ps.period.start),
        end: Iso(ps.period.end),
        due: Iso(ps.due),
        status: ps.status.code(),
        status_label: ps.status.label(),
        records,
        days_missing: ps.days_missing,
    }
}

fn unit_ref<'a>(site: &'a Site, unit: &'a str) -> UnitRef<'a> {
    let c = &site.config;
    UnitRef {
        id: (!unit.is_empty()).then_some(unit),
        name: unit_name(c, unit),
        url: (!unit.is_empty()).then(|| format!("{}org/{unit}/", c.root)),
    }
}

fn unit_periods<'a>(
    site: &'a Site,
    item: &CatalogueItem,
    ul: &'a UnitLedger,
    to: For,
) -> UnitPeriods<'a> {
    let count = |s: PeriodStatus| ul.periods.iter().filter(|p| p.status == s).count();
    UnitPeriods {
        unit: unit_ref(site, &ul.unit),
        done: count(PeriodStatus::Done),
        current: count(PeriodStatus::Current),
        missing: count(PeriodStatus::Missing),
        // Newest first: the period an inspector asks about is the latest.
        periods: ul
            .periods
            .iter()
            .rev()
            .map(|ps| period_view(site, item, ps, to))
            .collect(),
    }
}

fn item_view<'a>(item: &'a CatalogueItem, il: &ItemLedger, units: ItemUnits<'a>) -> ItemView<'a> {
    ItemView {
        id: &item.id,
        name: &item.name,
        every: item.every.code(),
        every_label: item.every.label(),
        within_days: item.within_days,
        matcher: match_view(item),
        from: il.from.map(Iso),
        preset: item.preset,
        units,
    }
}

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

/// The whole catalogue: the context of `/catalogue/` and, with URLs, `data/catalogue.json`.
pub fn catalogue(site: &Site, to: For) -> CatalogueView<'_> {
    let items = site
        .catalogue
        .items
        .iter()
        .map(|il| {
            let item = &site.config.catalogue.items[il.item];
            let units = il
                .units
                .iter()
                .map(|ul| unit_periods(site, item, ul, to))
                .collect();
            item_view(item, il, ItemUnits::All { units })
        })
        .collect();
    let page = to == For::Page;
    CatalogueView {
        today: Iso(site.today.day),
        summary: &site.catalogue.summary,
        items,
        dues: page.then(|| open_dues(site, PeriodStatus::Current)),
        done_dues: page.then(|| open_dues(site, PeriodStatus::Done)),
        missing: page.then(|| missing(site)),
    }
}

/// Every missing period in one list, longest overdue first: what the inspector reads first.
fn missing(site: &Site) -> Vec<Missing<'_>> {
    let mut missing = Vec::new();
    for il in &site.catalogue.items {
        let item = &site.config.catalogue.items[il.item];
        for ul in &il.units {
            for ps in ul
                .periods
                .iter()
                .filter(|p| p.status == PeriodStatus::Missing)
            {
                missing.push(Missing {
                    item: &item.id,
                    item_name: &item.name,
                    unit: unit_ref(site, &ul.unit),
                    period: period_view(site, item, ps, For::Page),
                });
            }
        }
    }
    missing.sort_by_key(|m| std::cmp::Reverse(m.period.days_missing.unwrap_or(0)));
    missing
}

/// What one unit owes: the items it is listed under, with their periods (for its org page).
pub fn unit_catalogue<'a>(site: &'a Site, unit: &str) -> Vec<ItemView<'a>> {
    site.catalogue
        .items
        .iter()
        .filter_map(|il| {
            let item = &site.config.catalogue.items[il.item];
            let ul = il.units.iter().find(|u| u.unit == unit)?;
            let unit = unit_periods(site, item, ul, For::Page);
            Some(item_view(item, il, ItemUnits::One { unit }))
        })
        .collect()
}

/// The context of `/stats/`.
pub fn stats(site: &Site) -> StatsView<'_> {
    let root = &site.config.root;
    StatsView {
        stats: &site.stats,
        reports: site
            .reports
            .iter()
            .rev()
            .map(|r| ReportLink {
                year: r.year,
                url: format!("{root}reports/{}/", r.year),
            })
            .collect(),
    }
}

/// The report of one year: the context of `/reports/YEAR/` and `data/report-YEAR.json`.
pub fn report(site: &Site, index: usize) -> &Report {
    &site.reports[index]
}
