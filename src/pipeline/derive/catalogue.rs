//! The 公开目录 against the records (content.md §6): for each item, each unit that owes it and
//! each period up to today, whether it was published (`done`), may still be (`current`), or was
//! not (`missing`, a warning).
//!
//! Linear in the records: each record is matched against each item once, and each unit's records
//! are assigned to its periods in one pass in date order.

use super::Entry;
use crate::dates::{days_between, zh};
use crate::diag::Diagnostic;
use crate::enums::{Every, PeriodStatus};
use crate::pipeline::config::SiteConfig;
use crate::pipeline::config::catalogue::{CatalogueItem, Match, root_unit};
use crate::pipeline::load::Section;
use crate::pipeline::model::{Body, Record};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// One period of a cadence, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

/// The period of `every` that holds `day`.
pub fn period_of(every: Every, day: Date) -> Period {
    let y = day.year();
    let (first_month, months) = match every {
        Every::Month => (day.month(), 1),
        Every::Quarter => ((day.month() - 1) / 3 * 3 + 1, 3),
        Every::HalfYear => ((day.month() - 1) / 6 * 6 + 1, 6),
        Every::Year => (1, 12),
    };
    let start = date(y, first_month, 1);
    let end = date(y, first_month + months - 1, 1).last_of_month();
    Period { start, end }
}

impl Period {
    /// The period after this one (None past the calendar's end).
    pub fn next(self, every: Every) -> Option<Period> {
        self.end.tomorrow().ok().map(|d| period_of(every, d))
    }

    /// The last day a record still counts for it: its end plus the grace.
    pub fn due(self, within_days: u32) -> Date {
        self.end
            .checked_add(i64::from(within_days).days())
            .unwrap_or(self.end)
    }

    /// `2026-10`, `2026-Q3`, `2026-H2`, `2026`: stable keys for data and anchors.
    pub fn key(self, every: Every) -> String {
        let (y, m) = (self.start.year(), self.start.month());
        match every {
            Every::Month => format!("{y}-{m:02}"),
            Every::Quarter => format!("{y}-Q{}", (m - 1) / 3 + 1),
            Every::HalfYear => format!("{y}-H{}", (m - 1) / 6 + 1),
            Every::Year => format!("{y}"),
        }
    }

    /// `2026年10月`, `2026年第三季度`, `2026年下半年`, `2026年`.
    pub fn label(self, every: Every) -> String {
        let (y, m) = (self.start.year(), self.start.month());
        match every {
            Every::Month => format!("{y}年{m}月"),
            Every::Quarter => {
                let q = ["一", "二", "三", "四"][usize::try_from((m - 1) / 3).unwrap_or(0)];
                format!("{y}年第{q}季度")
            }
            Every::HalfYear => format!("{y}年{}", if m <= 6 { "上半年" } else { "下半年" }),
            Every::Year => format!("{y}年"),
        }
    }
}

/// One (item, unit, period) at today.
#[derive(Debug, Clone)]
pub struct PeriodState {
    pub period: Period,
    pub due: Date,
    pub status: PeriodStatus,
    /// Entries that satisfied it (the first), then others dated in its window that no later
    /// period could take: the page lists them with it.
    pub records: Vec<usize>,
    /// Missing: days from the due day to today.
    pub days_missing: Option<i64>,
}

/// One unit's periods of one item, oldest first.
#[derive(Debug, Clone)]
pub struct UnitLedger {
    pub unit: String,
    pub periods: Vec<PeriodState>,
}

#[derive(Debug, Clone)]
pub struct ItemLedger {
    /// Index into `config.catalogue.items`.
    pub item: usize,
    /// The first period owed, as `from` or its default decided it.
    pub from: Option<Date>,
    pub units: Vec<UnitLedger>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Periods whose window holds today (本期应公开): the ones being owed now.
    pub owed_now: usize,
    /// Of those, already published (已公开).
    pub done_now: usize,
    /// Every period up to today.
    pub periods: usize,
    pub done: usize,
    pub current: usize,
    /// Grace over and nothing published (逾期).
    pub missing: usize,
}

/// The catalogue at today.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub items: Vec<ItemLedger>,
    pub summary: Summary,
}

/// Whether a record is of the kind an item counts (its unit aside).
pub fn matches(m: &Match, r: &Record) -> bool {
    if r.file.section != m.section {
        return false;
    }
    let kind_ok = match (&m.kind, &r.body) {
        (None, _) => true,
        (Some(k), Body::Meeting(x)) => x.kind == *k,
        (Some(k), Body::Notice(x)) => x.kind.code() == k,
        (Some(k), Body::Service(x)) => x.kind.code() == k,
        (Some(_), _) => false,
    };
    let category_ok = match (&m.category, &r.body) {
        (None, _) => true,
        (Some(c), Body::Notice(x)) => x.category.as_deref() == Some(c.as_str()),
        (Some(_), _) => false,
    };
    let tag_ok = m
        .tag
        .as_ref()
        .is_none_or(|t| r.common.tags.iter().any(|x| x == t));
    kind_ok && category_ok && tag_ok
}

/// Assigns dated records (in date order) to the periods from `first` to the one holding
/// `today`: each record to the earliest period still open whose window holds its date.
pub fn assign(
    every: Every,
    within_days: u32,
    first: Period,
    today: Date,
    records: &[(Date, usize)],
) -> Vec<PeriodState> {
    let last = period_of(every, today);
    let mut periods = Vec::new();
    let mut p = Some(first);
    while let Some(cur) = p.filter(|c| c.start <= last.start) {
        periods.push(PeriodState {
            period: cur,
            due: cur.due(within_days),
            status: PeriodStatus::Current,
            records: Vec::new(),
            days_missing: None,
        });
        p = cur.next(every);
    }
    // `lo`: the first period whose window has not closed before the record's date; it only
    // moves forward because records come in date order.
    let mut lo = 0;
    for &(day, entry) in records {
        while lo < periods.len() && periods[lo].due < day {
            lo += 1;
        }
        let mut fallback = None;
        let mut taken = false;
        for ps in periods[lo..].iter_mut() {
            if ps.period.start > day {
                break;
            }
            if ps.records.is_empty() {
                ps.records.push(entry);
                taken = true;
                break;
            }
            fallback.get_or_insert(ps);
        }
        if !taken && let Some(ps) = fallback {
            ps.records.push(entry);
        }
    }
    for ps in &mut periods {
        if !ps.records.is_empty() {
            ps.status = PeriodStatus::Done;
        } else if today > ps.due {
            ps.status = PeriodStatus::Missing;
            ps.days_missing = Some(days_between(ps.due, today));
        }
    }
    periods
}

/// Notice categories that some record uses: the ones a `match` may name.
pub fn known_categories(records: &[Arc<Record>]) -> BTreeSet<&str> {
    records
        .iter()
        .filter_map(|r| match &r.body {
            Body::Notice(n) => n.category.as_deref(),
            _ => None,
        })
        .collect()
}

pub fn compute(
    config: &SiteConfig,
    entries: &[Entry],
    categories: &BTreeSet<&str>,
    today: Date,
    diags: &mut Vec<Diagnostic>,
) -> Ledger {
    let cat = &config.catalogue;
    let mut ledger = Ledger::default();
    let Some(source) = &cat.source else {
        return ledger;
    };
    if cat.items.is_empty() {
        return ledger;
    }
    let root = root_unit(&config.org);
    let site_first = entries.iter().filter_map(|e| e.rec.date()).min();
    for (n, item) in cat.items.iter().enumerate() {
        if let Some(c) = &item.matcher.category
            && !categories.contains(c.as_str())
        {
            let known: Vec<&str> = categories.iter().copied().collect();
            let help = match crate::yaml::nearest(c, &known) {
                Some(k) => format!("是不是想写 `{k}`？"),
                None if known.is_empty() => "还没有任何公示公告写了 category".to_string(),
                None => format!("记录里用到的类别：{}", known.join("、")),
            };
            diags.push(source.error(
                "E-CATALOGUE-MATCH",
                item.matcher.category_pos,
                format!("没有哪条公示公告的 category 是「{c}」"),
                help,
            ));
            continue;
        }
        ledger.items.push(item_ledger(
            config, root, n, item, entries, site_first, today,
        ));
    }
    for il in &ledger.items {
        let item = &cat.items[il.item];
        for ul in &il.units {
            for ps in &ul.periods {
                let s = &mut ledger.summary;
                s.periods += 1;
                let now = ps.period.start <= today && today <= ps.due;
                match ps.status {
                    PeriodStatus::Done => s.done += 1,
                    PeriodStatus::Current => s.current += 1,
                    PeriodStatus::Missing => s.missing += 1,
                }
                if now {
                    s.owed_now += 1;
                    if ps.status == PeriodStatus::Done {
                        s.done_now += 1;
                    }
                }
                if ps.status == PeriodStatus::Missing {
                    diags.push(missing_warning(config, source, item, &ul.unit, ps));
                }
            }
        }
    }
    ledger
}

/// The units a record counts for: its own (the root without `org`) and every unit above it.
fn chain<'a>(config: &'a SiteConfig, root: &'a str, r: &'a Record) -> Vec<&'a str> {
    let mut units = Vec::new();
    let mut at = r.common.org.as_deref().filter(|o| !o.is_empty());
    while let Some(u) = at {
        units.push(u);
        at = config.org_index.get(u).and_then(|e| e.parent.as_deref());
    }
    // The community itself (no unit of the tree) is above every unit.
    if units.is_empty() || root.is_empty() {
        units.push(root);
    }
    units
}

fn item_ledger(
    config: &SiteConfig,
    root: &str,
    n: usize,
    item: &CatalogueItem,
    entries: &[Entry],
    site_first: Option<Date>,
    today: Date,
) -> ItemLedger {
    let owed: HashMap<&str, usize> = item
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.as_str(), i))
        .collect();
    let mut per_unit: Vec<Vec<(Date, usize)>> = vec![Vec::new(); item.units.len()];
    let mut first_match: Option<Date> = None;
    for (i, e) in entries.iter().enumerate() {
        let Some(day) = e.rec.date() else { continue };
        if !matches(&item.matcher, &e.rec) {
            continue;
        }
        let mut counted = false;
        for u in chain(config, root, &e.rec) {
            if let Some(&k) = owed.get(u) {
                per_unit[k].push((day, i));
                counted = true;
            }
        }
        if counted {
            first_match = Some(first_match.map_or(day, |f| f.min(day)));
        }
    }
    // Default `from`: the earliest record that counts for the item (for any unit that owes
    // it); an item nobody has published yet is owed from the site's earliest record.
    let from = item.from.or(first_match).or(site_first);
    let units = item
        .units
        .iter()
        .zip(per_unit)
        .map(|(unit, mut records)| {
            records.sort_unstable();
            let periods = match from {
                Some(f) => assign(
                    item.every,
                    item.within_days,
                    period_of(item.every, f),
                    today,
                    &records,
                ),
                None => Vec::new(),
            };
            UnitLedger {
                unit: unit.clone(),
                periods,
            }
        })
        .collect();
    ItemLedger {
        item: n,
        from,
        units,
    }
}

/// A unit's name for people: the community for the root that is no unit of the tree.
pub fn unit_name<'a>(config: &'a SiteConfig, unit: &str) -> &'a str {
    if unit.is_empty() {
        &config.community
    } else {
        config.org_name(unit).unwrap_or_default()
    }
}

fn missing_warning(
    config: &SiteConfig,
    source: &crate::diag::SourceFile,
    item: &CatalogueItem,
    unit: &str,
    ps: &PeriodState,
) -> Diagnostic {
    let what = match item.matcher.section {
        Section::Meetings => "会议记录",
        Section::Notices => "公示公告",
        Section::Problems => "问题",
        Section::Services => "清单",
        Section::Pages => "页面",
    };
    let org = if unit.is_empty() {
        "不写 org".to_string()
    } else {
        format!("写 org: {unit}")
    };
    source.warning(
        "W-CATALOGUE-MISSING",
        item.pos,
        format!(
            "公开目录「{}」：{} {} 逾期未公开（应在 {} 前公开，已逾期 {} 天）",
            item.name,
            unit_name(config, unit),
            ps.period.label(item.every),
            zh(ps.due),
            ps.days_missing.unwrap_or(0),
        ),
        format!(
            "补发这一期的{what}（日期在 {} 至 {} 之间，{org}）；如果这一期本不需要公开，调整这一事项的 from",
            zh(ps.period.start),
            zh(ps.due),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("date")
    }

    fn p(every: Every, day: &str) -> (String, String) {
        let x = period_of(every, d(day));
        (x.start.to_string(), x.end.to_string())
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn month_ends_including_february() {
        assert_eq!(
            p(Every::Month, "2026-01-31"),
            pair("2026-01-01", "2026-01-31")
        );
        assert_eq!(
            p(Every::Month, "2026-02-01"),
            pair("2026-02-01", "2026-02-28")
        );
        assert_eq!(
            p(Every::Month, "2028-02-29"),
            pair("2028-02-01", "2028-02-29")
        );
        assert_eq!(
            p(Every::Month, "2100-02-15"),
            pair("2100-02-01", "2100-02-28")
        );
        assert_eq!(
            p(Every::Month, "2026-04-30"),
            pair("2026-04-01", "2026-04-30")
        );
        assert_eq!(
            p(Every::Month, "2026-12-31"),
            pair("2026-12-01", "2026-12-31")
        );
    }

    #[test]
    fn quarters_half_years_and_years() {
        assert_eq!(
            p(Every::Quarter, "2026-03-31"),
            pair("2026-01-01", "2026-03-31")
        );
        assert_eq!(
            p(Every::Quarter, "2026-04-01"),
            pair("2026-04-01", "2026-06-30")
        );
        assert_eq!(
            p(Every::Quarter, "2026-09-30"),
            pair("2026-07-01", "2026-09-30")
        );
        assert_eq!(
            p(Every::Quarter, "2026-10-01"),
            pair("2026-10-01", "2026-12-31")
        );
        assert_eq!(
            p(Every::HalfYear, "2026-06-30"),
            pair("2026-01-01", "2026-06-30")
        );
        assert_eq!(
            p(Every::HalfYear, "2026-07-01"),
            pair("2026-07-01", "2026-12-31")
        );
        assert_eq!(
            p(Every::Year, "2026-07-01"),
            pair("2026-01-01", "2026-12-31")
        );
        let q3 = period_of(Every::Quarter, d("2026-08-08"));
        assert_eq!(q3.key(Every::Quarter), "2026-Q3");
        assert_eq!(q3.label(Every::Quarter), "2026年第三季度");
        let q4 = q3.next(Every::Quarter).expect("next");
        assert_eq!(q4.start.to_string(), "2026-10-01");
        let h2 = period_of(Every::HalfYear, d("2026-12-31"));
        assert_eq!(h2.key(Every::HalfYear), "2026-H2");
        assert_eq!(h2.label(Every::HalfYear), "2026年下半年");
        assert_eq!(
            h2.next(Every::HalfYear).map(|x| x.start.to_string()),
            Some("2027-01-01".into())
        );
        assert_eq!(
            period_of(Every::Month, d("2026-10-14")).label(Every::Month),
            "2026年10月"
        );
    }

    #[test]
    fn grace_crosses_the_year_end() {
        let q4 = period_of(Every::Quarter, d("2026-11-01"));
        assert_eq!(q4.due(15).to_string(), "2027-01-15");
        let dec = period_of(Every::Month, d("2026-12-05"));
        assert_eq!(dec.due(31).to_string(), "2027-01-31");
        assert_eq!(dec.due(0).to_string(), "2026-12-31");
        // A record of 2027-01-10 counts for December with a 15-day grace, not for January.
        let got = assign(
            Every::Month,
            15,
            dec,
            d("2027-02-20"),
            &[(d("2027-01-10"), 7)],
        );
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].status, PeriodStatus::Done);
        assert_eq!(got[0].records, [7]);
        assert_eq!(got[1].status, PeriodStatus::Missing);
        assert_eq!(got[1].due.to_string(), "2027-02-15");
        assert_eq!(got[1].days_missing, Some(5));
        assert_eq!(got[2].status, PeriodStatus::Current);
    }

    fn statuses(v: &[PeriodState]) -> Vec<(&'static str, Vec<usize>)> {
        v.iter()
            .map(|s| (s.status.code(), s.records.clone()))
            .collect()
    }

    #[test]
    fn the_fourteenth_of_october_counts_for_the_third_quarter() {
        let q3 = period_of(Every::Quarter, d("2026-07-01"));
        let got = assign(
            Every::Quarter,
            15,
            q3,
            d("2026-11-21"),
            &[(d("2026-10-14"), 1)],
        );
        assert_eq!(statuses(&got), [("done", vec![1]), ("current", vec![])]);
        // A second record in the grace goes on to the fourth quarter.
        let got = assign(
            Every::Quarter,
            15,
            q3,
            d("2026-11-21"),
            &[(d("2026-10-14"), 1), (d("2026-10-15"), 2)],
        );
        assert_eq!(statuses(&got), [("done", vec![1]), ("done", vec![2])]);
        // Without grace the 14 October record is the fourth quarter's and Q3 is missing.
        let got = assign(
            Every::Quarter,
            0,
            q3,
            d("2026-11-21"),
            &[(d("2026-10-14"), 1)],
        );
        assert_eq!(statuses(&got), [("missing", vec![]), ("done", vec![1])]);
        assert_eq!(got[0].days_missing, Some(52));
    }

    #[test]
    fn one_record_satisfies_one_period_only() {
        let jan = period_of(Every::Month, d("2026-01-01"));
        // Two meetings in January: the first satisfies January; the second cannot reach
        // February (no grace), so February is missing and January lists both.
        let got = assign(
            Every::Month,
            0,
            jan,
            d("2026-03-05"),
            &[(d("2026-01-05"), 1), (d("2026-01-20"), 2)],
        );
        assert_eq!(
            statuses(&got),
            [
                ("done", vec![1, 2]),
                ("missing", vec![]),
                ("current", vec![])
            ]
        );
        assert_eq!(got[1].days_missing, Some(5));
    }

    #[test]
    fn last_day_of_grace_is_done_and_the_day_after_is_missing() {
        let q1 = period_of(Every::Quarter, d("2026-02-01"));
        let on_last = assign(
            Every::Quarter,
            10,
            q1,
            d("2026-04-11"),
            &[(d("2026-04-10"), 3)],
        );
        assert_eq!(statuses(&on_last), [("done", vec![3]), ("current", vec![])]);
        let nothing = assign(Every::Quarter, 10, q1, d("2026-04-10"), &[]);
        assert_eq!(nothing[0].status, PeriodStatus::Current);
        let nothing = assign(Every::Quarter, 10, q1, d("2026-04-11"), &[]);
        assert_eq!(nothing[0].status, PeriodStatus::Missing);
        assert_eq!(nothing[0].days_missing, Some(1));
        let late = assign(
            Every::Quarter,
            10,
            q1,
            d("2026-04-20"),
            &[(d("2026-04-11"), 3)],
        );
        assert_eq!(statuses(&late), [("missing", vec![]), ("done", vec![3])]);
    }

    #[test]
    fn from_mid_period_owes_that_whole_period() {
        let first = period_of(Every::Quarter, d("2026-02-15"));
        assert_eq!(first.start.to_string(), "2026-01-01");
        let got = assign(
            Every::Quarter,
            0,
            first,
            d("2026-05-01"),
            &[(d("2026-01-03"), 4)],
        );
        assert_eq!(statuses(&got), [("done", vec![4]), ("current", vec![])]);
        // Records before the first period owed count for nothing.
        let got = assign(
            Every::Quarter,
            0,
            first,
            d("2026-05-01"),
            &[(d("2025-12-30"), 4)],
        );
        assert_eq!(statuses(&got), [("missing", vec![]), ("current", vec![])]);
        // Nothing is owed before the period that holds today begins.
        let later = period_of(Every::Month, d("2026-06-01"));
        assert!(assign(Every::Month, 0, later, d("2026-05-01"), &[]).is_empty());
    }
}
