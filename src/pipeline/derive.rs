//! Records + today → what is published, at which URL, with which status: every fact a page
//! shows that is computed rather than typed in.

use crate::dates::{Today, days_between};
use crate::diag::{Diagnostic, Pos};
use crate::enums::{AfterExpiry, NoticeKind, NoticeStatus, ProblemStatus};
use crate::pipeline::config::SiteConfig;
use crate::pipeline::load::Section;
use crate::pipeline::model::{Body, IndexPage, Model, Notice, Problem, Record, Withdrawn};
use crate::slug::slugify;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

pub mod catalogue;
pub mod links;
pub mod wall;

/// Top-level URL segments the build itself uses; a plain page may not take them.
pub const RESERVED: &[&str] = &[
    "notices",
    "meetings",
    "problems",
    "services",
    "echo",
    "org",
    "tags",
    "search",
    "kiosk",
    "data",
    "catalogue",
    "stats",
    "reports",
    "open311",
    "schema",
    "theme",
    "page",
    "changes",
    "404.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
];

/// A 公示's status at a day: withdrawal (once its day has come) overrides the period.
pub fn notice_status(
    start: Date,
    end: Date,
    withdrawn: Option<&Withdrawn>,
    today: Date,
) -> NoticeStatus {
    if withdrawn.is_some_and(|w| w.date <= today) {
        NoticeStatus::Withdrawn
    } else if today < start {
        NoticeStatus::Upcoming
    } else if today <= end {
        NoticeStatus::Active
    } else {
        NoticeStatus::Ended
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoticeFacts {
    pub status: Option<NoticeStatus>,
    /// Active: days to the end, today included (1 on the last day).
    pub days_left: Option<i64>,
    pub days_until_start: Option<i64>,
}

pub fn notice_facts(n: &Notice, today: Date) -> NoticeFacts {
    let Some(p) = n
        .publicity
        .as_ref()
        .filter(|_| n.kind == NoticeKind::Publicity)
    else {
        return NoticeFacts::default();
    };
    let status = notice_status(p.start, p.end, n.withdrawn.as_ref(), today);
    NoticeFacts {
        status: Some(status),
        days_left: (status == NoticeStatus::Active).then(|| days_between(today, p.end) + 1),
        days_until_start: (status == NoticeStatus::Upcoming).then(|| days_between(today, p.start)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ProblemFacts {
    pub overdue: bool,
    pub days_overdue: Option<i64>,
    pub days_to_deadline: Option<i64>,
    /// Closed with the echo dated on or before the deadline; None while open.
    pub on_time: Option<bool>,
    pub satisfaction: Option<f64>,
}

pub fn problem_facts(p: &Problem, today: Date) -> ProblemFacts {
    let closed = p.status.is_closed();
    let overdue = !closed && today > p.deadline;
    let satisfaction = p
        .echo
        .as_ref()
        .and_then(|e| e.evaluation)
        .filter(|ev| ev.total() > 0)
        .map(|ev| f64::from(ev.satisfied + ev.basically) / f64::from(ev.total()));
    ProblemFacts {
        overdue,
        days_overdue: overdue.then(|| days_between(p.deadline, today)),
        days_to_deadline: (!closed && !overdue).then(|| days_between(today, p.deadline)),
        on_time: if closed {
            p.echo.as_ref().map(|e| e.date <= p.deadline)
        } else {
            None
        },
        satisfaction,
    }
}

/// One published record with its place and its facts at today.
#[derive(Debug, Clone)]
pub struct Entry {
    pub rec: Arc<Record>,
    pub slug: String,
    pub url: String,
    pub redacted: bool,
    pub notice: NoticeFacts,
    pub problem: ProblemFacts,
}

impl Entry {
    pub fn section(&self) -> Section {
        self.rec.file.section
    }

    pub fn as_notice(&self) -> Option<&Notice> {
        match &self.rec.body {
            Body::Notice(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_problem(&self) -> Option<&Problem> {
        match &self.rec.body {
            Body::Problem(p) => Some(p),
            _ => None,
        }
    }

    pub fn is_active_notice(&self) -> bool {
        self.notice.status == Some(NoticeStatus::Active)
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct NoticeStats {
    pub total: usize,
    pub active: usize,
    pub upcoming: usize,
    pub ended: usize,
    pub withdrawn: usize,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Ratings {
    pub satisfied: u64,
    pub basically: u64,
    pub unsatisfied: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ProblemStats {
    pub total: usize,
    pub open: usize,
    pub in_progress: usize,
    /// open + in_progress: what is still on the wall.
    pub unclosed: usize,
    pub overdue: usize,
    pub closed: usize,
    pub resolved: usize,
    pub unresolvable: usize,
    pub referred: usize,
    pub closed_on_time: usize,
    pub on_time_rate: Option<f64>,
    pub on_time_rate_pct: Option<String>,
    pub ratings: Ratings,
    pub satisfaction: Option<f64>,
    pub satisfaction_pct: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct MeetingStats {
    pub total: usize,
    pub this_year: usize,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ServiceStats {
    pub lists: usize,
    pub items: usize,
}

/// The figures the home page shows and `data/stats.json` exports.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Stats {
    pub today: String,
    pub notices: NoticeStats,
    pub problems: ProblemStats,
    pub meetings: MeetingStats,
    pub services: ServiceStats,
    /// The problem wall's tables (`/stats/`).
    #[serde(flatten)]
    pub tables: wall::WallTables,
    /// The 公开目录 at today (home page summary).
    pub catalogue: catalogue::Summary,
}

pub fn pct(ratio: f64) -> String {
    let v = (ratio * 1000.0).round() / 10.0;
    if v.fract() == 0.0 {
        format!("{v:.0}%")
    } else {
        format!("{v:.1}%")
    }
}

/// Rounded so exports stay short and stable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub fn compute_stats(entries: &[Entry], today: Date) -> Stats {
    let mut s = Stats {
        today: today.to_string(),
        ..Stats::default()
    };
    for e in entries.iter().filter(|e| !e.redacted) {
        match &e.rec.body {
            Body::Notice(_) => {
                s.notices.total += 1;
                match e.notice.status {
                    Some(NoticeStatus::Active) => s.notices.active += 1,
                    Some(NoticeStatus::Upcoming) => s.notices.upcoming += 1,
                    Some(NoticeStatus::Ended) => s.notices.ended += 1,
                    Some(NoticeStatus::Withdrawn) => s.notices.withdrawn += 1,
                    None => {}
                }
            }
            Body::Problem(p) => {
                let ps = &mut s.problems;
                ps.total += 1;
                match p.status {
                    ProblemStatus::Open => ps.open += 1,
                    ProblemStatus::InProgress => ps.in_progress += 1,
                    ProblemStatus::Resolved => ps.resolved += 1,
                    ProblemStatus::Unresolvable => ps.unresolvable += 1,
                    ProblemStatus::Referred => ps.referred += 1,
                }
                if e.problem.overdue {
                    ps.overdue += 1;
                }
                if e.problem.on_time == Some(true) {
                    ps.closed_on_time += 1;
                }
                if let Some(ev) = p.echo.as_ref().and_then(|x| x.evaluation) {
                    ps.ratings.satisfied += u64::from(ev.satisfied);
                    ps.ratings.basically += u64::from(ev.basically);
                    ps.ratings.unsatisfied += u64::from(ev.unsatisfied);
                }
            }
            Body::Meeting(_) => {
                s.meetings.total += 1;
                if e.rec.date().is_some_and(|d| d.year() == today.year()) {
                    s.meetings.this_year += 1;
                }
            }
            Body::Service(l) => {
                s.services.lists += 1;
                s.services.items += l.items.len();
            }
            Body::Page => {}
        }
    }
    let ps = &mut s.problems;
    ps.unclosed = ps.open + ps.in_progress;
    ps.closed = ps.resolved + ps.unresolvable + ps.referred;
    ps.ratings.total = ps.ratings.satisfied + ps.ratings.basically + ps.ratings.unsatisfied;
    if ps.closed > 0 {
        let rate = ps.closed_on_time as f64 / ps.closed as f64;
        ps.on_time_rate = Some(round4(rate));
        ps.on_time_rate_pct = Some(pct(rate));
    }
    if ps.ratings.total > 0 {
        let rate = (ps.ratings.satisfied + ps.ratings.basically) as f64 / ps.ratings.total as f64;
        ps.satisfaction = Some(round4(rate));
        ps.satisfaction_pct = Some(pct(rate));
    }
    s
}

/// Everything the render stage needs, decided once.
pub struct Site {
    pub config: SiteConfig,
    pub today: Today,
    /// Published records, in content-path order.
    pub entries: Vec<Entry>,
    pub indexes: Vec<IndexPage>,
    /// Content path (`notices/a.md`) → entry.
    pub by_path: HashMap<String, usize>,
    /// Content paths of records that exist but are not published in this build.
    pub unpublished: HashSet<String>,
    /// Meeting entry → problem entries that name it.
    pub meeting_problems: HashMap<usize, Vec<usize>>,
    /// Problem entry → its meeting entry.
    pub problem_meeting: HashMap<usize, usize>,
    pub stats: Stats,
    /// What the publication ledger says of each record; empty where the site keeps none.
    pub history: Arc<crate::ledger::history::SiteHistory>,
    /// The 公开目录 against the records.
    pub catalogue: catalogue::Ledger,
    /// The 年度公开报告 of each year with records, oldest first.
    pub reports: Vec<wall::Report>,
}

/// Why a record is left out of this build (not an error).
fn is_published(r: &Record, config: &SiteConfig, today: Date, drafts: bool) -> bool {
    if r.common.draft && !drafts {
        return false;
    }
    if config.require_approval && r.common.approval.is_none() {
        return false;
    }
    !is_unlisted(r, today)
}

/// Unlisted after expiry: published nowhere, not even in the ledger's history.
pub fn is_unlisted(r: &Record, today: Date) -> bool {
    r.common.after_expiry == AfterExpiry::Unlist && is_expired(r, today)
}

fn is_expired(r: &Record, today: Date) -> bool {
    r.common.expires.is_some_and(|d| today > d)
}

/// The URL path of a record below the site root, without the leading root.
fn record_path(r: &Record, slug: &str) -> String {
    let section = r.file.section;
    if section != Section::Pages {
        return format!("{}/{slug}/", section.dir());
    }
    let mut dirs: Vec<&str> = r.file.dir.split('/').filter(|s| !s.is_empty()).collect();
    if r.file.bundle {
        dirs.pop();
    }
    let mut path: String = dirs.iter().map(|d| format!("{}/", slugify(d))).collect();
    path.push_str(slug);
    path.push('/');
    path
}

/// Most file systems refuse a file or folder name longer than this many bytes.
pub const MAX_SEGMENT_BYTES: usize = 255;

/// A page folder (the slug, or a plain page's folder) or a tag's folder too long to be written:
/// `build` would fail on it, so `check` says so at the record.
fn path_too_long(r: &Record, path: &str) -> Option<Diagnostic> {
    let src = &r.file.source;
    let long = |seg: &str| seg.len() > MAX_SEGMENT_BYTES;
    if let Some(seg) = path.split('/').find(|s| long(s)) {
        // At the `slug:` line when there is one, else at the file's first line (its name).
        let pos = src
            .text
            .lines()
            .position(|l| l.starts_with("slug:"))
            .map_or(Pos::START, |i| Pos::new(crate::diag::to_u32(i + 1), 1));
        return Some(src.error(
            "E-PATH-TOO-LONG",
            pos,
            format!(
                "这条记录的网址有一段太长（{} 个字节，最多 {MAX_SEGMENT_BYTES} 个），生成时无法写入",
                seg.len()
            ),
            "把文件名改短，或者写一个短的 slug，例如 slug: dianti-gongshi",
        ));
    }
    let tag = r.common.tags.iter().find(|t| long(&slugify(t)))?;
    let pos = src
        .text
        .find(tag.as_str())
        .map_or(Pos::START, |at| src.pos_of(at));
    Some(src.error(
        "E-PATH-TOO-LONG",
        pos,
        format!(
            "标签太长（网址 {} 个字节，最多 {MAX_SEGMENT_BYTES} 个），生成时无法写入",
            slugify(tag).len()
        ),
        "标签写成几个字的词，例如 加装电梯",
    ))
}

pub fn slug_of(r: &Record) -> String {
    let raw = match (&r.common.slug, &r.body) {
        (Some(s), _) => s.clone(),
        (None, Body::Problem(p)) => p.id.clone(),
        _ => r.file.stem.clone(),
    };
    let s = slugify(&raw);
    if s.is_empty() {
        "record".to_string()
    } else {
        s
    }
}

pub fn derive(
    model: Model,
    config: SiteConfig,
    today: Today,
    drafts: bool,
    diags: &mut Vec<Diagnostic>,
) -> Site {
    let id_clashes = check_cross_references(&model, diags);
    let day = today.day;
    let mut entries = Vec::new();
    let mut unpublished = HashSet::new();
    let mut seen_urls: BTreeMap<String, &str> = BTreeMap::new();
    let mut url_clashes = Vec::new();
    for r in &model.records {
        let slug = slug_of(r);
        let path = record_path(r, &slug);
        if r.file.section == Section::Pages {
            let top = path.split('/').next().unwrap_or_default();
            if RESERVED.contains(&top) {
                diags.push(r.file.source.error(
                    "E-URL-RESERVED",
                    Pos::START,
                    format!("页面地址 /{path} 与网站自带的栏目重名"),
                    "给页面换一个文件名，或写 slug: 另一个名字",
                ));
                continue;
            }
        } else if slug == "page" {
            diags.push(r.file.source.error(
                "E-URL-RESERVED",
                Pos::START,
                "slug 不能是 page（分页地址要用）",
                "换一个文件名，或写 slug: 另一个名字",
            ));
        }
        if let Some(d) = path_too_long(r, &path) {
            diags.push(d);
            continue;
        }
        let url = format!("{}{path}", config.root);
        if let Some(other) = seen_urls.get(&url) {
            url_clashes.push((r, url.clone(), other.to_string()));
        } else {
            seen_urls.insert(url.clone(), &r.file.source.rel);
        }
        if !is_published(r, &config, day, drafts) {
            unpublished.insert(r.file.rel.clone());
            continue;
        }
        let redacted = r.common.after_expiry == AfterExpiry::Redact && is_expired(r, day);
        let (notice, problem) = match &r.body {
            Body::Notice(n) => (notice_facts(n, day), ProblemFacts::default()),
            Body::Problem(p) => (NoticeFacts::default(), problem_facts(p, day)),
            _ => Default::default(),
        };
        entries.push(Entry {
            rec: r.clone(),
            slug,
            url,
            redacted,
            notice,
            problem,
        });
    }
    for (r, url, other) in url_clashes {
        // A problem whose URL is its id has had its clash told once, as E-ID-CLASH.
        if r.common.slug.is_none() && id_clashes.contains(r.file.rel.as_str()) {
            continue;
        }
        diags.push(r.file.source.error(
            "E-URL-CLASH",
            Pos::START,
            format!("这条记录的网址 {url} 与 {other} 相同"),
            "两条记录不能用同一个网址：改其中一个的文件名，或写不同的 slug",
        ));
    }
    let by_path: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.rec.file.rel.clone(), i))
        .collect();
    // A meeting answers to its slug and to its file name; its slug wins a clash.
    let mut meetings_by_key: HashMap<String, usize> = HashMap::new();
    for pass in 0..2 {
        for (i, e) in entries.iter().enumerate() {
            if e.section() == Section::Meetings {
                let key = meeting_keys(&e.rec)[pass].clone();
                meetings_by_key.entry(key).or_insert(i);
            }
        }
    }
    let mut meeting_problems: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut problem_meeting = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some((m, _)) = e.as_problem().and_then(|p| p.meeting.as_ref())
            && let Some(&mi) = meetings_by_key.get(meeting_key(m).as_str())
        {
            meeting_problems.entry(mi).or_default().push(i);
            problem_meeting.insert(i, mi);
        }
    }
    let mut stats = compute_stats(&entries, day);
    let ledger = catalogue::compute(
        &config,
        &entries,
        &catalogue::known_categories(&model.records),
        day,
        diags,
    );
    stats.tables = wall::wall_tables(&config, &entries);
    stats.catalogue = ledger.summary.clone();
    let reports = wall::reports(&config, &entries, &ledger, day);
    Site {
        config,
        today,
        entries,
        indexes: model.indexes,
        by_path,
        unpublished,
        meeting_problems,
        problem_meeting,
        stats,
        history: Arc::default(),
        catalogue: ledger,
        reports,
    }
}

/// What `meeting:` may say of a meeting: its slug, its file name (with or without `.md`), or its
/// bundle folder's name, normalised the way slugs are.
pub fn meeting_key(written: &str) -> String {
    let w = written.trim();
    let w = w
        .rsplit('/')
        .find(|s| !s.is_empty() && *s != "index.md")
        .unwrap_or(w);
    slugify(w.strip_suffix(".md").unwrap_or(w))
}

/// The keys a meeting record answers to in `meeting:`.
fn meeting_keys(r: &Record) -> [String; 2] {
    [slug_of(r), slugify(&r.file.stem)]
}

/// A file that failed to parse might be the meeting named: by its file name, or a `slug:` line.
fn failed_meeting_named(failed: &[crate::pipeline::load::ContentFile], key: &str) -> bool {
    failed
        .iter()
        .filter(|f| f.section == Section::Meetings)
        .any(|f| {
            slugify(&f.stem) == key
                || f.source.text.lines().any(|l| {
                    l.strip_prefix("slug:")
                        .is_some_and(|v| slugify(v.trim().trim_matches(['"', '\''])) == key)
                })
        })
}

/// Problem ids unique across the site; every `meeting:` names a meeting that exists. Returns the
/// files whose id was already taken.
fn check_cross_references<'m>(model: &'m Model, diags: &mut Vec<Diagnostic>) -> HashSet<&'m str> {
    let mut clashed = HashSet::new();
    let mut ids: HashMap<&str, &str> = HashMap::new();
    let meetings: Vec<&Record> = model
        .records
        .iter()
        .filter(|r| r.file.section == Section::Meetings)
        .map(|r| &**r)
        .collect();
    let meeting_keys: HashSet<String> = meetings.iter().flat_map(|r| meeting_keys(r)).collect();
    for r in &model.records {
        let Body::Problem(p) = &r.body else { continue };
        if let Some(other) = ids.get(p.id.as_str()) {
            diags.push(r.file.source.error(
                "E-ID-CLASH",
                p.id_pos,
                format!("问题编号 {} 已经在 {other} 里用过了", p.id),
                "每个问题的 id 在全站必须唯一，换一个编号",
            ));
            clashed.insert(r.file.rel.as_str());
        } else {
            ids.insert(&p.id, &r.file.source.rel);
        }
        let Some((m, pos)) = &p.meeting else { continue };
        let key = meeting_key(m);
        if meeting_keys.contains(&key) || failed_meeting_named(&model.failed, &key) {
            continue;
        }
        diags.push(r.file.source.error(
            "E-MEETING-REF",
            *pos,
            format!("找不到会议记录「{m}」"),
            closest_meetings(m, &meetings),
        ));
    }
    clashed
}

/// Up to three meetings whose title (or file name) is nearest to what was written, with what to
/// write for each.
fn closest_meetings(written: &str, meetings: &[&Record]) -> String {
    let mut scored: Vec<(f64, &Record)> = meetings
        .iter()
        .map(|r| {
            let by_title = strsim::normalized_levenshtein(written, &r.common.title);
            let by_name = strsim::normalized_levenshtein(&meeting_key(written), &slug_of(r));
            let contains =
                r.common.title.contains(written.trim()) || written.contains(&*r.common.title);
            let score = by_title.max(by_name) + if contains { 1.0 } else { 0.0 };
            (score, *r)
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.file.rel.cmp(&b.1.file.rel))
    });
    let shown: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, r)| format!("「{}」写 meeting: {}", r.common.title, r.file.stem))
        .collect();
    if shown.is_empty() {
        "content/meetings/ 里还没有会议记录；写会议记录的文件名（不带 .md）".to_string()
    } else {
        format!(
            "写会议记录的文件名（不带 .md）。最接近的会议：{}",
            shown.join("；")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::model::{Echo, Evaluation, Responsible};

    fn d(s: &str) -> Date {
        s.parse().expect("date")
    }

    #[test]
    fn notice_status_by_day() {
        let (s, e) = (d("2026-11-16"), d("2026-11-20"));
        assert_eq!(
            notice_status(s, e, None, d("2026-11-15")),
            NoticeStatus::Upcoming
        );
        assert_eq!(
            notice_status(s, e, None, d("2026-11-16")),
            NoticeStatus::Active
        );
        assert_eq!(
            notice_status(s, e, None, d("2026-11-20")),
            NoticeStatus::Active
        );
        assert_eq!(
            notice_status(s, e, None, d("2026-11-21")),
            NoticeStatus::Ended
        );
        let w = Withdrawn {
            date: d("2026-11-18"),
            reason: "x".into(),
        };
        assert_eq!(
            notice_status(s, e, Some(&w), d("2026-11-17")),
            NoticeStatus::Active
        );
        assert_eq!(
            notice_status(s, e, Some(&w), d("2026-11-18")),
            NoticeStatus::Withdrawn
        );
        assert_eq!(
            notice_status(s, e, Some(&w), d("2026-12-30")),
            NoticeStatus::Withdrawn
        );
    }

    fn problem(
        status: ProblemStatus,
        deadline: &str,
        echo: Option<(&str, u32, u32, u32)>,
    ) -> Problem {
        Problem {
            id: "1".into(),
            id_pos: Pos::START,
            source: None,
            meeting: None,
            location: None,
            responsible: Responsible {
                unit: "u".into(),
                person: None,
            },
            measures: vec!["m".into()],
            deadline: d(deadline),
            status,
            progress: vec![],
            echo: echo.map(|(date, s, b, u)| Echo {
                date: d(date),
                result: "r".into(),
                evaluation: Some(Evaluation {
                    satisfied: s,
                    basically: b,
                    unsatisfied: u,
                }),
            }),
        }
    }

    #[test]
    fn overdue_only_while_unclosed_and_after_deadline() {
        let today = d("2026-11-21");
        let p = problem(ProblemStatus::InProgress, "2026-11-10", None);
        let f = problem_facts(&p, today);
        assert!(f.overdue);
        assert_eq!(f.days_overdue, Some(11));
        let on_deadline = problem_facts(&problem(ProblemStatus::Open, "2026-11-21", None), today);
        assert!(!on_deadline.overdue);
        assert_eq!(on_deadline.days_to_deadline, Some(0));
        let closed = problem_facts(
            &problem(
                ProblemStatus::Resolved,
                "2026-11-10",
                Some(("2026-11-12", 1, 1, 2)),
            ),
            today,
        );
        assert!(!closed.overdue);
        assert_eq!(closed.on_time, Some(false));
        assert_eq!(closed.satisfaction, Some(0.5));
    }

    #[test]
    fn stats_percentages() {
        assert_eq!(pct(0.946), "94.6%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(pct(2.0 / 3.0), "66.7%");
    }
}
