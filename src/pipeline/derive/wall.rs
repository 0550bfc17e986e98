//! Accountability figures: the problem wall broken down by 责任主体, unit, source and month
//! (`/stats/`, `data/stats.json`), and the 年度公开报告 of each year (`/reports/YEAR/`).
//! Every figure is a count or a ratio of the records; the formulas are stated on the pages.

use super::catalogue::{Ledger, unit_name};
use super::{Entry, Ratings, pct, round4};
use crate::dates::days_between;
use crate::enums::{NoticeKind, PeriodStatus};
use crate::pipeline::config::SiteConfig;
use crate::pipeline::config::catalogue::root_unit;
use crate::pipeline::model::{Body, Problem};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One row of a problem-wall table.
#[derive(Debug, Clone, Serialize, Default)]
pub struct WallRow {
    /// What the row groups by: the 责任主体, the unit id, the source, or `YYYY-MM`.
    pub key: String,
    pub label: String,
    /// Problems put on the wall.
    pub items: usize,
    /// Not closed: 待办理 + 办理中.
    pub open: usize,
    /// Not closed and past the deadline at today.
    pub overdue: usize,
    /// 已办结 + 无法解决 + 已转办.
    pub closed: usize,
    /// Closed with the echo dated on or before the deadline.
    pub closed_on_time: usize,
    /// closed_on_time ÷ closed.
    pub on_time_rate: Option<f64>,
    pub on_time_rate_pct: Option<String>,
    /// Median over closed problems of (echo date − date) in days.
    pub median_days_to_close: Option<f64>,
    /// Median over problems with progress of (first progress date − date) in days.
    pub median_days_to_first_progress: Option<f64>,
    pub ratings: Ratings,
    /// (satisfied + basically) ÷ all ratings.
    pub satisfaction: Option<f64>,
    pub satisfaction_pct: Option<String>,
}

/// The median; the mean of the two middle values for an even count.
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0
    })
}

#[derive(Default)]
struct Acc {
    row: WallRow,
    to_close: Vec<i64>,
    to_progress: Vec<i64>,
}

impl Acc {
    fn add(&mut self, e: &Entry, p: &Problem) {
        let r = &mut self.row;
        r.items += 1;
        if p.status.is_closed() {
            r.closed += 1;
        } else {
            r.open += 1;
        }
        if e.problem.overdue {
            r.overdue += 1;
        }
        if e.problem.on_time == Some(true) {
            r.closed_on_time += 1;
        }
        let Some(raised) = e.rec.date() else { return };
        if p.status.is_closed()
            && let Some(echo) = &p.echo
        {
            self.to_close.push(days_between(raised, echo.date));
            if let Some(ev) = echo.evaluation {
                r.ratings.satisfied += u64::from(ev.satisfied);
                r.ratings.basically += u64::from(ev.basically);
                r.ratings.unsatisfied += u64::from(ev.unsatisfied);
            }
        }
        if let Some(first) = p.progress.iter().map(|x| x.date).min() {
            self.to_progress.push(days_between(raised, first));
        }
    }

    fn finish(mut self, key: String, label: String) -> WallRow {
        let mut r = self.row;
        r.key = key;
        r.label = label;
        r.ratings.total = r.ratings.satisfied + r.ratings.basically + r.ratings.unsatisfied;
        if r.closed > 0 {
            let rate = r.closed_on_time as f64 / r.closed as f64;
            r.on_time_rate = Some(round4(rate));
            r.on_time_rate_pct = Some(pct(rate));
        }
        if r.ratings.total > 0 {
            let rate = (r.ratings.satisfied + r.ratings.basically) as f64 / r.ratings.total as f64;
            r.satisfaction = Some(round4(rate));
            r.satisfaction_pct = Some(pct(rate));
        }
        r.median_days_to_close = median(&mut self.to_close);
        r.median_days_to_first_progress = median(&mut self.to_progress);
        r
    }
}

/// The tables of `/stats/`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct WallTables {
    /// The whole wall, with its medians.
    pub wall: WallRow,
    pub by_responsible: Vec<WallRow>,
    pub by_org: Vec<WallRow>,
    pub by_source: Vec<WallRow>,
    pub by_month: Vec<WallRow>,
}

fn problems(entries: &[Entry]) -> impl Iterator<Item = (&Entry, &Problem)> {
    entries
        .iter()
        .filter(|e| !e.redacted)
        .filter_map(|e| e.as_problem().map(|p| (e, p)))
}

/// Rows by a key, most items first (ties by key).
fn grouped<'a>(
    rows: impl Iterator<Item = (&'a Entry, &'a Problem)>,
    key: impl Fn(&Entry, &Problem) -> String,
) -> BTreeMap<String, Acc> {
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    for (e, p) in rows {
        groups.entry(key(e, p)).or_default().add(e, p);
    }
    groups
}

fn by_size(groups: BTreeMap<String, Acc>, label: impl Fn(&str) -> String) -> Vec<WallRow> {
    let mut rows: Vec<WallRow> = groups
        .into_iter()
        .map(|(k, acc)| {
            let l = label(&k);
            acc.finish(k, l)
        })
        .collect();
    rows.sort_by(|a, b| b.items.cmp(&a.items).then_with(|| a.key.cmp(&b.key)));
    rows
}

pub fn wall_row<'a>(rows: impl Iterator<Item = (&'a Entry, &'a Problem)>, label: &str) -> WallRow {
    let mut acc = Acc::default();
    for (e, p) in rows {
        acc.add(e, p);
    }
    acc.finish(String::new(), label.to_string())
}

pub fn wall_tables(config: &SiteConfig, entries: &[Entry]) -> WallTables {
    let root = root_unit(&config.org);
    let unknown = "未注明";
    let by_responsible = by_size(
        grouped(problems(entries), |_, p| p.responsible.unit.clone()),
        str::to_string,
    );
    let by_source = by_size(
        grouped(problems(entries), |_, p| {
            p.source.clone().unwrap_or_else(|| unknown.to_string())
        }),
        str::to_string,
    );
    // A problem without `org` is the root's, as in the catalogue; rows in org-tree order.
    let mut org_groups = grouped(problems(entries), |e, _| {
        e.rec.common.org.clone().unwrap_or_else(|| root.to_string())
    });
    let by_org = crate::pipeline::config::catalogue::units_by_level(&config.org)
        .into_iter()
        .filter_map(|(id, _)| {
            let acc = org_groups.remove(id)?;
            Some(acc.finish(id.to_string(), unit_name(config, id).to_string()))
        })
        .collect();
    let by_month = grouped(problems(entries), |e, _| {
        e.rec
            .date()
            .map(|d| format!("{}-{:02}", d.year(), d.month()))
            .unwrap_or_default()
    })
    .into_iter()
    .map(|(k, acc)| {
        let label = match k.split_once('-') {
            Some((y, m)) => format!("{y}年{}月", m.trim_start_matches('0')),
            None => k.clone(),
        };
        acc.finish(k, label)
    })
    .collect();
    WallTables {
        wall: wall_row(problems(entries), "全部"),
        by_responsible,
        by_org,
        by_source,
        by_month,
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct KindCounts {
    pub total: usize,
    pub by_kind: Vec<Count>,
    /// Notices only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_category: Option<Vec<Count>>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ReportItem {
    pub id: String,
    pub name: String,
    pub every: &'static str,
    pub every_label: &'static str,
    pub section: &'static str,
    /// Periods of the year up to today, over every unit that owes the item.
    pub owed: usize,
    pub done: usize,
    pub current: usize,
    pub missing: usize,
    /// Matching records dated in the year that the catalogue counted (meetings held).
    pub held: usize,
    pub rate: Option<f64>,
    pub rate_pct: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ReportCatalogue {
    pub owed: usize,
    pub done: usize,
    pub current: usize,
    pub missing: usize,
    /// done ÷ (done + missing): periods still current are not judged yet.
    pub rate: Option<f64>,
    pub rate_pct: Option<String>,
    pub items: Vec<ReportItem>,
}

/// The 年度公开报告 of one year.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub year: i16,
    pub today: String,
    /// Published records dated in the year.
    pub records: usize,
    pub notices: KindCounts,
    pub meetings: KindCounts,
    pub services: KindCounts,
    pub catalogue: ReportCatalogue,
    /// The problems put on the wall in the year, at today.
    pub problems: WallRow,
}

fn rate(done: usize, missing: usize) -> (Option<f64>, Option<String>) {
    if done + missing == 0 {
        return (None, None);
    }
    let r = done as f64 / (done + missing) as f64;
    (Some(round4(r)), Some(pct(r)))
}

/// One report for each year that has a published record.
pub fn reports(
    config: &SiteConfig,
    entries: &[Entry],
    ledger: &Ledger,
    today: Date,
) -> Vec<Report> {
    let years: BTreeSet<i16> = entries
        .iter()
        .filter(|e| !e.redacted)
        .filter_map(|e| e.rec.date().map(|d| d.year()))
        .collect();
    years
        .into_iter()
        .map(|year| report(config, entries, ledger, today, year))
        .collect()
}

fn counts(items: impl Iterator<Item = (String, String)>) -> Vec<Count> {
    let mut map: BTreeMap<String, Count> = BTreeMap::new();
    for (key, label) in items {
        let c = map.entry(key.clone()).or_insert_with(|| Count {
            key,
            label,
            count: 0,
        });
        c.count += 1;
    }
    let mut v: Vec<Count> = map.into_values().collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

fn report(
    config: &SiteConfig,
    entries: &[Entry],
    ledger: &Ledger,
    today: Date,
    year: i16,
) -> Report {
    let of_year: Vec<&Entry> = entries
        .iter()
        .filter(|e| !e.redacted && e.rec.date().is_some_and(|d| d.year() == year))
        .collect();
    let mut notices = Vec::new();
    let mut meetings = Vec::new();
    let mut services = Vec::new();
    for e in &of_year {
        match &e.rec.body {
            Body::Notice(n) => notices.push(n),
            Body::Meeting(m) => meetings.push(m),
            Body::Service(l) => services.push(l),
            _ => {}
        }
    }
    // Notice kinds in their fixed order, each shown even at zero.
    let notice_kinds = NoticeKind::ALL
        .iter()
        .map(|k| Count {
            key: k.code().into(),
            label: k.label().into(),
            count: notices.iter().filter(|n| n.kind == *k).count(),
        })
        .collect();
    let categories = counts(notices.iter().map(|n| {
        let c = n.category.clone().unwrap_or_else(|| "未分类".into());
        (c.clone(), c)
    }));
    let meeting_kinds = counts(meetings.iter().map(|m| (m.kind.clone(), m.kind.clone())));
    let service_kinds = counts(
        services
            .iter()
            .map(|l| (l.kind.code().to_string(), l.kind.label().to_string())),
    );
    let mut cat = ReportCatalogue::default();
    for il in &ledger.items {
        let item = &config.catalogue.items[il.item];
        let mut ri = ReportItem {
            id: item.id.clone(),
            name: item.name.clone(),
            every: item.every.code(),
            every_label: item.every.label(),
            section: item.matcher.section.dir(),
            ..ReportItem::default()
        };
        let mut held: BTreeSet<usize> = BTreeSet::new();
        for ul in &il.units {
            for ps in ul
                .periods
                .iter()
                .filter(|ps| ps.period.start.year() == year)
            {
                ri.owed += 1;
                match ps.status {
                    PeriodStatus::Done => ri.done += 1,
                    PeriodStatus::Current => ri.current += 1,
                    PeriodStatus::Missing => ri.missing += 1,
                }
            }
            for ps in &ul.periods {
                held.extend(
                    ps.records
                        .iter()
                        .copied()
                        .filter(|&i| entries[i].rec.date().is_some_and(|d| d.year() == year)),
                );
            }
        }
        ri.held = held.len();
        (ri.rate, ri.rate_pct) = rate(ri.done, ri.missing);
        cat.owed += ri.owed;
        cat.done += ri.done;
        cat.current += ri.current;
        cat.missing += ri.missing;
        cat.items.push(ri);
    }
    (cat.rate, cat.rate_pct) = rate(cat.done, cat.missing);
    let year_problems = of_year
        .iter()
        .filter_map(|e| e.as_problem().map(|p| (*e, p)));
    Report {
        year,
        today: today.to_string(),
        records: of_year.len(),
        notices: KindCounts {
            total: notices.len(),
            by_kind: notice_kinds,
            by_category: Some(categories),
        },
        meetings: KindCounts {
            total: meetings.len(),
            by_kind: meeting_kinds,
            by_category: None,
        },
        services: KindCounts {
            total: services.len(),
            by_kind: service_kinds,
            by_category: None,
        },
        catalogue: cat,
        problems: wall_row(year_problems, &format!("{year}年上墙的问题")),
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7.0));
        assert_eq!(median(&mut [9, 1, 4]), Some(4.0));
        assert_eq!(median(&mut [10, 1, 4, 3]), Some(3.5));
    }
}
