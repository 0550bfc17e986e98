//! Every page of output.md as data (`Job`), planned from the derived site alone: what goes where,
//! with which template, and which records each list shows. Nothing here renders; `pages` turns
//! a job into HTML when a build or a browser asks for it.

use super::views;
use super::views::page::{KindCount, ListExtra, TagCount, TypeCount, UnitRef, UnitView};
use super::{date_desc, page_path, paginate, shortlink};
use crate::enums::ServiceKind;
use crate::pipeline::derive::{Entry, Site};
use crate::pipeline::load::{ContentFile, Section};
use crate::pipeline::model::Body;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Service lists on one page of `/services/` (or `paginate`, if more): a community has a few
/// dozen, shown on one page; a district's hundreds are paginated.
const SERVICE_CARDS: usize = 40;

/// Rows on one page of an organisation unit or a tag: a row is a line, not a card, so more fit
/// than `paginate` cards.
const ROWS_PER_PAGE: usize = 100;

/// One page to render: where it goes, with which template, and what its context is made of.
pub struct Job {
    pub out: String,
    pub(super) template: &'static str,
    pub(super) url: String,
    pub(super) title: String,
    pub(super) section: &'static str,
    pub(super) kind: PageKind,
}

pub(super) enum PageKind {
    Record(usize),
    /// One page of a paginated list; the pages of one list share the list.
    List {
        items: Arc<[usize]>,
        number: usize,
        range: std::ops::Range<usize>,
        base_url: Arc<str>,
        /// The folder whose `_index.md` text the page shows as `intro`.
        intro: Option<&'static str>,
        extra: Arc<ListExtra>,
        per_page: usize,
        grouping: Grouping,
    },
    Tags(Vec<TagCount>),
    Home,
    Kiosk,
    /// `/catalogue/`: the 公开目录 at today.
    Catalogue,
    /// `/stats/`: the problem wall's tables.
    Stats,
    /// `/reports/YEAR/`: the index of the year's report in `site.reports`.
    Report(usize),
    /// Only the site-wide context (search page, 404).
    Plain,
    /// A record taken down after publication (`site.history.tombstones[i]`).
    Tombstone(usize),
    /// One page of `/changes/`: the ledger's rows in `range`.
    Changes {
        number: usize,
        range: std::ops::Range<usize>,
    },
}

/// Rows a page of `/changes/` shows.
pub(super) const CHANGES_PER_PAGE: usize = 50;

/// How a list page groups the items of its slice under headings.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Grouping {
    None,
    /// `groups`: service lists by kind (`/services/`).
    ServiceKind,
    /// `records`: an organisation unit's records by section (`/org/ID/`).
    Section,
}

/// The orders the section lists and the home page show records in.
pub(super) struct Lists {
    pub(super) notices: Vec<usize>,
    pub(super) meetings: Vec<usize>,
    /// Problems still on the wall: overdue first, then by deadline.
    pub(super) wall: Vec<usize>,
    /// Closed problems, newest result first.
    pub(super) echo: Vec<usize>,
    pub(super) services: Vec<usize>,
    /// Notices in their 公示期, ending soonest first.
    pub(super) active: Vec<usize>,
}

/// The pages of one build and what they are made of.
pub struct Plan {
    pub jobs: Vec<Job>,
    by_out: HashMap<String, usize>,
    pub(super) lists: Lists,
    /// A 公示 series' rounds in order: (round, entry).
    pub(super) series_members: HashMap<String, Vec<(u32, usize)>>,
    /// Plain pages by the folder they sit in.
    pub(super) folder_pages: HashMap<String, Vec<usize>>,
    /// Per entry: its short permalink's code (`/p/CODE.html`), for the kinds that print.
    pub(super) short: Vec<Option<String>>,
}

impl Job {
    /// The theme's template that renders this page.
    pub fn template(&self) -> &'static str {
        self.template
    }
}

impl Plan {
    /// The page that goes to `out` (`notices/a/index.html`), if the site has one.
    pub fn job(&self, out: &str) -> Option<&Job> {
        self.by_out.get(out).map(|&i| &self.jobs[i])
    }
}

fn parent_of(f: &ContentFile) -> &str {
    let dir = f.dir.as_str();
    if f.bundle {
        dir.rsplit_once('/').map_or("", |(p, _)| p)
    } else {
        dir
    }
}

/// Every page of the site, in a stable order: a pure function of the derived site.
pub fn plan(site: &Site) -> Plan {
    let entries = &site.entries;
    let idx = |pred: &dyn Fn(&Entry) -> bool| -> Vec<usize> {
        (0..entries.len()).filter(|&i| pred(&entries[i])).collect()
    };
    let sorted = |mut v: Vec<usize>, cmp: &dyn Fn(&Entry, &Entry) -> std::cmp::Ordering| {
        v.sort_by(|&a, &b| cmp(&entries[a], &entries[b]));
        v
    };
    let mut series_members: HashMap<String, Vec<(u32, usize)>> = HashMap::new();
    let mut folder_pages: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, o) in entries.iter().enumerate() {
        if let Some(on) = o.as_notice()
            && let Some(series) = &on.series
        {
            series_members
                .entry(series.clone())
                .or_default()
                .push((on.round.unwrap_or(0), j));
        }
        if o.section() == Section::Pages {
            folder_pages
                .entry(parent_of(&o.rec.file).to_string())
                .or_default()
                .push(j);
        }
    }
    for members in series_members.values_mut() {
        members.sort();
    }
    let lists = Lists {
        notices: sorted(idx(&|e| e.section() == Section::Notices), &|a, b| {
            b.is_active_notice()
                .cmp(&a.is_active_notice())
                .then_with(|| date_desc(a, b))
        }),
        meetings: sorted(idx(&|e| e.section() == Section::Meetings), &date_desc),
        wall: sorted(
            idx(&|e| e.as_problem().is_some_and(|p| !p.status.is_closed())),
            &|a, b| {
                let (pa, pb) = (a.as_problem(), b.as_problem());
                b.problem
                    .overdue
                    .cmp(&a.problem.overdue)
                    .then_with(|| pa.map(|p| p.deadline).cmp(&pb.map(|p| p.deadline)))
                    .then_with(|| a.slug.cmp(&b.slug))
            },
        ),
        echo: sorted(
            idx(&|e| e.as_problem().is_some_and(|p| p.status.is_closed())),
            &|a, b| {
                let d = |e: &Entry| e.as_problem().and_then(|p| p.echo.as_ref()).map(|x| x.date);
                d(b).cmp(&d(a)).then_with(|| a.slug.cmp(&b.slug))
            },
        ),
        services: sorted(idx(&|e| e.section() == Section::Services), &date_desc),
        active: sorted(idx(&|e| e.is_active_notice()), &|a, b| {
            let end = |e: &Entry| {
                e.as_notice()
                    .and_then(|n| n.publicity.as_ref())
                    .map(|p| p.end)
            };
            end(a).cmp(&end(b)).then_with(|| a.slug.cmp(&b.slug))
        }),
    };
    let jobs = pages(site, &lists);
    let by_out = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| (j.out.clone(), i))
        .collect();
    Plan {
        jobs,
        by_out,
        lists,
        series_members,
        folder_pages,
        short: shortlink::codes(site),
    }
}

fn pages(site: &Site, lists: &Lists) -> Vec<Job> {
    let root = site.config.root.as_str();
    let mut jobs = Vec::new();
    // Every record's place in `date_desc` order, so that the many tag and unit lists sort by
    // a number instead of comparing dates and slugs again (ties keep the entries' order, as
    // a stable sort by `date_desc` would).
    let mut newest_first: Vec<usize> = (0..site.entries.len()).collect();
    newest_first.sort_by(|&a, &b| date_desc(&site.entries[a], &site.entries[b]));
    let mut rank = vec![0; newest_first.len()];
    for (r, &i) in newest_first.iter().enumerate() {
        rank[i] = r;
    }
    for (i, e) in site.entries.iter().enumerate() {
        let (template, section) = match &e.rec.body {
            Body::Notice(_) => ("notice.html", "notices"),
            Body::Meeting(_) => ("meeting.html", "meetings"),
            Body::Problem(_) => ("problem.html", "problems"),
            Body::Service(_) => ("service.html", "services"),
            Body::Page => ("page.html", ""),
        };
        jobs.push(Job {
            out: page_path(&e.url, root),
            template,
            url: e.url.clone(),
            title: e.rec.common.title.clone(),
            section,
            kind: PageKind::Record(i),
        });
    }
    let list = |jobs: &mut Vec<Job>,
                items: Vec<usize>,
                base: &str,
                template: &'static str,
                title: &str,
                section: &'static str,
                intro: Option<&'static str>,
                extra: ListExtra,
                per_page: usize,
                grouping: Grouping| {
        let base_url: Arc<str> = format!("{root}{base}").into();
        let items: Arc<[usize]> = items.into();
        let extra = Arc::new(extra);
        for (url, number, range) in paginate(items.len(), &base_url, per_page) {
            jobs.push(Job {
                out: page_path(&url, root),
                template,
                url,
                title: title.to_string(),
                section,
                kind: PageKind::List {
                    items: items.clone(),
                    number,
                    range,
                    base_url: base_url.clone(),
                    intro,
                    extra: extra.clone(),
                    per_page,
                    grouping,
                },
            });
        }
    };
    let per_page = site.config.paginate;
    let l = &lists;
    for (items, section, template, title) in [
        (&l.notices, "notices", "notices.html", "公示公告"),
        (&l.meetings, "meetings", "meetings.html", "会议记录"),
        (&l.wall, "problems", "problems.html", "问题墙"),
        (&l.echo, "echo", "echo.html", "回音壁"),
    ] {
        // The 回音壁 has no introduction of its own in output.md.
        let intro = (section != "echo").then_some(section);
        let base = format!("{section}/");
        list(
            &mut jobs,
            items.clone(),
            &base,
            template,
            title,
            section,
            intro,
            ListExtra::Nothing {},
            per_page,
            Grouping::None,
        );
    }
    // Service lists by kind, then newest first; paginated like the other lists, each page
    // grouping its slice by kind, and a table of contents of every kind pointing at the page
    // where the kind begins.
    let mut services = l.services.clone();
    let kind_rank = |i: usize| match &site.entries[i].rec.body {
        Body::Service(s) => ServiceKind::ALL.iter().position(|k| *k == s.kind),
        _ => None,
    };
    services.sort_by_key(|&i| kind_rank(i));
    let services_url = format!("{root}services/");
    let services_per_page = per_page.max(SERVICE_CARDS);
    let kinds: Vec<KindCount> = ServiceKind::ALL
        .iter()
        .enumerate()
        .filter_map(|(rank, k)| {
            let first = services.iter().position(|&i| kind_rank(i) == Some(rank))?;
            let count = services
                .iter()
                .filter(|&&i| kind_rank(i) == Some(rank))
                .count();
            let page = super::page_url(&services_url, first / services_per_page + 1);
            Some(KindCount {
                kind: k.code(),
                kind_label: k.label(),
                count,
                url: format!("{page}#kind-{}", k.code()),
            })
        })
        .collect();
    list(
        &mut jobs,
        services,
        "services/",
        "services.html",
        "服务清单",
        "services",
        Some("services"),
        ListExtra::Services { kinds },
        services_per_page,
        Grouping::ServiceKind,
    );

    // Tags: members arrive in index order, so a tag repeated on one record is the last member.
    // A large site repeats a few hundred tags thousands of times: each is slugged once.
    let mut slugs: HashMap<&str, String> = HashMap::new();
    let mut tags: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, e) in site.entries.iter().enumerate() {
        for t in &e.rec.common.tags {
            let slug = slugs
                .entry(t.as_str())
                .or_insert_with(|| crate::slug::slugify(t))
                .clone();
            let entry = tags.entry(slug).or_insert_with(|| (t.clone(), Vec::new()));
            if entry.1.last() != Some(&i) {
                entry.1.push(i);
            }
        }
    }
    let tag_count = |slug: &str, name: &str, count: usize| TagCount {
        name: name.to_string(),
        slug: slug.to_string(),
        url: views::tag_url(&site.config, slug),
        count,
    };
    let mut tag_counts: Vec<TagCount> = tags
        .iter()
        .map(|(slug, (name, v))| tag_count(slug, name, v.len()))
        .collect();
    tag_counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.slug.cmp(&b.slug)));
    jobs.push(Job {
        out: "tags/index.html".into(),
        template: "tags.html",
        url: format!("{root}tags/"),
        title: "标签".into(),
        section: "",
        kind: PageKind::Tags(tag_counts),
    });
    for (slug, (name, mut members)) in tags {
        members.sort_unstable_by_key(|&i| rank[i]);
        let tag = tag_count(&slug, &name, members.len());
        list(
            &mut jobs,
            members,
            &format!("tags/{slug}/"),
            "tag.html",
            &format!("标签：{name}"),
            "",
            None,
            ListExtra::Tag { tag },
            per_page.max(ROWS_PER_PAGE),
            Grouping::None,
        );
    }

    // Organisation units: every record that names the unit, by section, in one pass.
    const SECTIONS: [Section; 5] = [
        Section::Notices,
        Section::Meetings,
        Section::Problems,
        Section::Services,
        Section::Pages,
    ];
    let mut by_unit: HashMap<&str, [Vec<usize>; 5]> = HashMap::new();
    for (i, e) in site.entries.iter().enumerate() {
        let mut units: Vec<&str> = e.rec.common.org.as_deref().into_iter().collect();
        if let Body::Service(l) = &e.rec.body {
            units.extend(l.items.iter().filter_map(|it| it.org.as_deref()));
        }
        units.sort_unstable();
        units.dedup();
        let s = SECTIONS.iter().position(|s| *s == e.section()).unwrap_or(4);
        for unit in units {
            by_unit.entry(unit).or_default()[s].push(i);
        }
    }
    for (id, unit) in &site.config.org_index {
        let unit_ref = |id: &str| UnitRef {
            id: id.to_string(),
            name: site.config.org_name(id).map(str::to_string),
            url: format!("{root}org/{id}/"),
        };
        let mut children: Vec<UnitRef> = unit.children.iter().map(|c| unit_ref(c)).collect();
        children.sort_by(|a, b| a.id.cmp(&b.id));
        let members = by_unit.remove(id.as_str()).unwrap_or_default();
        // Paginated: the sections one after another, each page grouping its slice by section;
        // `record_counts` gives every section's whole count.
        let mut items = Vec::new();
        let mut counts = Vec::new();
        for (section, mut members) in SECTIONS.into_iter().zip(members) {
            if members.is_empty() {
                continue;
            }
            members.sort_unstable_by_key(|&i| rank[i]);
            let (ty, label) = views::type_of(section);
            counts.push(TypeCount {
                type_: ty,
                type_label: label,
                count: members.len(),
            });
            items.extend(members);
        }
        let unit = UnitView {
            id: id.clone(),
            name: unit.name.clone(),
            url: format!("{root}org/{id}/"),
            parent: unit.parent.as_deref().map(unit_ref),
            children,
        };
        let title = unit.name.clone();
        list(
            &mut jobs,
            items,
            &format!("org/{id}/"),
            "org.html",
            &title,
            "",
            None,
            ListExtra::Unit {
                unit,
                record_counts: counts,
            },
            per_page.max(ROWS_PER_PAGE),
            Grouping::Section,
        );
    }

    for (out, template, url, title, section, kind) in [
        (
            "index.html",
            "home.html",
            root.to_string(),
            site.config.title.clone(),
            "home",
            PageKind::Home,
        ),
        (
            "kiosk/index.html",
            "kiosk.html",
            format!("{root}kiosk/"),
            "自助查询".into(),
            "",
            PageKind::Kiosk,
        ),
        (
            "search/index.html",
            "search.html",
            format!("{root}search/"),
            "搜索".into(),
            "search",
            PageKind::Plain,
        ),
        (
            "404.html",
            "404.html",
            format!("{root}404.html"),
            "页面不存在".into(),
            "",
            PageKind::Plain,
        ),
        (
            "catalogue/index.html",
            "catalogue.html",
            format!("{root}catalogue/"),
            "公开目录".into(),
            "catalogue",
            PageKind::Catalogue,
        ),
        (
            "stats/index.html",
            "stats.html",
            format!("{root}stats/"),
            "数据统计".into(),
            "stats",
            PageKind::Stats,
        ),
    ] {
        jobs.push(Job {
            out: out.into(),
            template,
            url,
            title,
            section,
            kind,
        });
    }

    // The publication ledger's pages, where the site keeps one.
    let history = &site.history;
    if history.kept {
        let base_url = format!("{root}changes/");
        for (url, number, range) in paginate(history.changes.len(), &base_url, CHANGES_PER_PAGE) {
            jobs.push(Job {
                out: page_path(&url, root),
                template: "changes.html",
                url,
                title: "修改记录".into(),
                section: "",
                kind: PageKind::Changes { number, range },
            });
        }
        for (t, removed) in history.tombstones.iter().enumerate() {
            jobs.push(Job {
                out: page_path(&removed.url, root),
                template: "tombstone.html",
                url: removed.url.clone(),
                title: removed.title.clone(),
                section: "",
                kind: PageKind::Tombstone(t),
            });
        }
    }
    for (i, r) in site.reports.iter().enumerate() {
        jobs.push(Job {
            out: format!("reports/{}/index.html", r.year),
            template: "report.html",
            url: format!("{root}reports/{}/", r.year),
            title: format!("{}年度公开报告", r.year),
            section: "reports",
            kind: PageKind::Report(i),
        });
    }
    jobs
}
