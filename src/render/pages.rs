//! Every page of output.md as data (`Job`), and the context each page's template receives, built
//! only when that page is rendered. A build renders all of them in parallel; `serve` renders a
//! page when a browser asks for it, so an edit never waits for 18,000 pages.

use super::accountability::{self, For};
use super::card_html::{CardHtml, CardStore};
use super::views;
use super::{
    Cards, Data, Files, PageSink, Rendered, date_desc, exports, feeds, page_path, paginate,
    paginator, qr, search, shortlink, theme,
};
use crate::derive::{Entry, Site};
use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::enums::{PeriodStatus, ServiceKind};
use crate::load::{ContentFile, Section};
use crate::model::Body;
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tera::{Context, Tera};

/// The theme's partials every page gets, rendered once per section (`Prepared::chrome`).
const CHROME_PARTS: [&str; 2] = ["header", "footer"];

/// At most this many cards in one block of the home page; each block links to its full list, so
/// the home page stays light at any size of site (output.md "Page weight").
const HOME_BLOCK: usize = 6;

/// Service lists on one page of `/services/` (or `paginate`, if more): a community has a few
/// dozen, shown on one page; a district's hundreds are paginated.
const SERVICE_CARDS: usize = 40;

/// Rows on one page of an organisation unit or a tag: a row is a line, not a card, so more fit
/// than `paginate` cards.
const ROWS_PER_PAGE: usize = 100;

/// One page to render: where it goes, with which template, and what its context is made of.
pub struct Job {
    pub out: String,
    template: &'static str,
    url: String,
    title: String,
    section: &'static str,
    kind: PageKind,
}

enum PageKind {
    Record(usize),
    /// One page of a paginated list; the pages of one list share the list.
    List {
        items: Arc<[usize]>,
        number: usize,
        range: std::ops::Range<usize>,
        base_url: Arc<str>,
        extra: Arc<Vec<(&'static str, Value)>>,
        per_page: usize,
        grouping: Grouping,
    },
    Tags(Value),
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
const CHANGES_PER_PAGE: usize = 50;

/// How a list page groups the items of its slice under headings.
#[derive(Clone, Copy, PartialEq)]
enum Grouping {
    None,
    /// `groups`: service lists by kind (`/services/`).
    ServiceKind,
    /// `records`: an organisation unit's records by section (`/org/ID/`).
    Section,
}

/// The orders the section lists and the home page show records in.
struct Lists {
    notices: Vec<usize>,
    meetings: Vec<usize>,
    /// Problems still on the wall: overdue first, then by deadline.
    wall: Vec<usize>,
    /// Closed problems, newest result first.
    echo: Vec<usize>,
    services: Vec<usize>,
    /// Notices in their 公示期, ending soonest first.
    active: Vec<usize>,
}

/// Everything needed to render any page of one build, owned, so that `serve` can keep it.
pub struct Prepared {
    pub site: Site,
    tera: Arc<Tera>,
    pub bodies: Vec<Arc<Rendered>>,
    /// Cards are made when first needed: `serve` shows one page without making 10,000 of them.
    cards: Arc<CardStore>,
    /// Per entry: its attachments as its page lists them.
    attachments: Vec<Value>,
    /// `_index.md` texts by folder: (title, HTML).
    intros: HashMap<String, (Option<String>, String)>,
    series_members: HashMap<String, Vec<(u32, usize)>>,
    folder_pages: HashMap<String, Vec<usize>>,
    lists: Lists,
    /// Per entry: its short permalink's code (`/p/CODE.html`), for the kinds that print.
    short: Vec<Option<String>>,
    site_value: Value,
    /// The page chrome (`partials/*.html`) by section and `nav_url`: rendered once each.
    chrome: Mutex<HashMap<(&'static str, String), Value>>,
    today: String,
    jobs: Vec<Job>,
    by_out: HashMap<String, usize>,
    /// Theme assets, static files and content assets: copied, not rendered.
    pub files: Files,
}

/// What `render::prepare` hands over besides the site.
pub(super) struct Parts {
    pub(super) tera: Arc<Tera>,
    pub(super) bodies: Vec<Arc<Rendered>>,
    pub(super) attachments: Vec<Value>,
    pub(super) intros: HashMap<String, (Option<String>, String)>,
    pub(super) files: Files,
}

/// This build's copy of the theme, with a `card_html` of its own: cards rendered for one build are
/// never shown in the next.
fn with_card_html(theme: &Arc<Tera>, cards: &Arc<CardStore>) -> Arc<Tera> {
    let mut tera = Tera::clone(theme);
    tera.register_function("card_html", CardHtml::new(theme.clone(), cards.clone()));
    Arc::new(tera)
}

fn parent_of(f: &ContentFile) -> &str {
    let dir = f.dir.as_str();
    if f.bundle {
        dir.rsplit_once('/').map_or("", |(p, _)| p)
    } else {
        dir
    }
}

/// `record.print_weight`: a rough height in CSS px of what a record's printed sheet shows
/// besides its template's fixed parts, as the default theme's print style sets them: the body
/// (`body_weight`), the title, the attachments, and a problem's measures, timeline and result.
/// Computed here once; in the templates, loops with `set_global` cost as much as the rest of a
/// problem page. Rounded up, so that it crosses the theme's whole-number thresholds exactly when
/// the unrounded sum does.
fn sheet_weight(record: &Value, body_weight: u32) -> u32 {
    let chars = |v: &Value| v.as_str().map_or(0, |s| s.chars().count()) as f64;
    let each = |key: &str, per_item: f64, per_char: f64, text: &dyn Fn(&Value) -> &Value| {
        record[key].as_array().map_or(0.0, |items| {
            items
                .iter()
                .map(|x| per_item + chars(text(x)) * per_char)
                .sum::<f64>()
        })
    };
    let timeline = each("timeline", 22.0, 0.4, &|t| &t["text"]);
    let measures = each("measures", 20.0, 0.4, &|m| m);
    let attachments = record["attachments"].as_array().map_or(0, Vec::len) as f64;
    let extra = timeline
        + measures
        + chars(&record["echo"]["result"]) * 0.45
        + chars(&record["title"]) * 3.0
        + attachments * 22.0
        // A 公示 changed during its period says so under its status, on paper too.
        + if record["ledger"]["changed_during_period"].is_string() {
            60.0
        } else {
            0.0
        };
    (f64::from(body_weight) + extra).ceil() as u32
}

impl Prepared {
    pub(super) fn new(site: Site, parts: Parts) -> Prepared {
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
                    let d =
                        |e: &Entry| e.as_problem().and_then(|p| p.echo.as_ref()).map(|x| x.date);
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
        let cards = Arc::new(CardStore::new(entries.iter().map(|e| e.url.as_str())));
        let mut prepared = Prepared {
            site_value: super::site_value(&site),
            chrome: Mutex::new(HashMap::new()),
            today: site.today.day.to_string(),
            tera: with_card_html(&parts.tera, &cards),
            cards,
            bodies: parts.bodies,
            attachments: parts.attachments,
            intros: parts.intros,
            files: parts.files,
            series_members,
            folder_pages,
            lists,
            short: shortlink::codes(&site),
            jobs: Vec::new(),
            by_out: HashMap::new(),
            site,
        };
        prepared.jobs = prepared.plan();
        prepared.by_out = prepared
            .jobs
            .iter()
            .enumerate()
            .map(|(i, j)| (j.out.clone(), i))
            .collect();
        prepared
    }

    /// A record as its page and the exports show it: its card and the long lists, made on each
    /// use and never kept.
    pub(super) fn full_of(&self, i: usize) -> Value {
        views::full(&self.site, &self.site.entries[i], self.card_of(i).clone())
    }

    /// A record as lists show it.
    pub(super) fn card_of(&self, i: usize) -> &Value {
        self.cards.get_or_init(i, || {
            views::card(&self.site, &self.site.entries[i], &self.bodies[i].summary)
        })
    }

    pub fn cards(&self) -> Cards<'_> {
        Cards(self)
    }

    fn cards_of(&self, v: &[usize]) -> Vec<Value> {
        v.iter().map(|&i| self.card_of(i).clone()).collect()
    }

    fn intro(&self, dir: &str) -> Value {
        match self.intros.get(dir) {
            Some((title, html)) => json!({"title": title, "html": html}),
            None => Value::Null,
        }
    }

    /// Every page of the site, in a stable order.
    fn plan(&self) -> Vec<Job> {
        let site = &self.site;
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
                    extra: Vec<(&'static str, Value)>,
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
                        extra: extra.clone(),
                        per_page,
                        grouping,
                    },
                });
            }
        };
        let per_page = site.config.paginate;
        let l = &self.lists;
        for (items, section, template, title) in [
            (&l.notices, "notices", "notices.html", "公示公告"),
            (&l.meetings, "meetings", "meetings.html", "会议记录"),
            (&l.wall, "problems", "problems.html", "问题墙"),
            (&l.echo, "echo", "echo.html", "回音壁"),
        ] {
            // The 回音壁 has no introduction of its own in output.md.
            let extra = if section == "echo" {
                vec![]
            } else {
                vec![("intro", self.intro(section))]
            };
            let base = format!("{section}/");
            list(
                &mut jobs,
                items.clone(),
                &base,
                template,
                title,
                section,
                extra,
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
        let kinds: Vec<Value> = ServiceKind::ALL
            .iter()
            .enumerate()
            .filter_map(|(rank, k)| {
                let first = services.iter().position(|&i| kind_rank(i) == Some(rank))?;
                let count = services
                    .iter()
                    .filter(|&&i| kind_rank(i) == Some(rank))
                    .count();
                let page = super::page_url(&services_url, first / services_per_page + 1);
                Some(
                    json!({"kind": k.code(), "kind_label": k.label(), "count": count,
                    "url": format!("{page}#kind-{}", k.code())}),
                )
            })
            .collect();
        list(
            &mut jobs,
            services,
            "services/",
            "services.html",
            "服务清单",
            "services",
            vec![
                ("intro", self.intro("services")),
                ("kinds", Value::Array(kinds)),
            ],
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
        let tag_value = |slug: &str, name: &str, count: usize| json!({"name": name, "slug": slug, "url": views::tag_url(&site.config, slug), "count": count});
        let mut tag_values: Vec<(usize, &str, Value)> = tags
            .iter()
            .map(|(slug, (name, v))| (v.len(), slug.as_str(), tag_value(slug, name, v.len())))
            .collect();
        tag_values.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        jobs.push(Job {
            out: "tags/index.html".into(),
            template: "tags.html",
            url: format!("{root}tags/"),
            title: "标签".into(),
            section: "",
            kind: PageKind::Tags(Value::Array(
                tag_values.into_iter().map(|(_, _, v)| v).collect(),
            )),
        });
        for (slug, (name, mut members)) in tags {
            members.sort_unstable_by_key(|&i| rank[i]);
            let tag = tag_value(&slug, &name, members.len());
            list(
                &mut jobs,
                members,
                &format!("tags/{slug}/"),
                "tag.html",
                &format!("标签：{name}"),
                "",
                vec![("tag", tag)],
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
            let unit_ref = |id: &str| json!({"id": id, "name": site.config.org_name(id), "url": format!("{root}org/{id}/")});
            let mut children: Vec<Value> = unit.children.iter().map(|c| unit_ref(c)).collect();
            children.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
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
                counts.push(json!({"type": ty, "type_label": label, "count": members.len()}));
                items.extend(members);
            }
            let unit = json!({"id": id, "name": unit.name, "url": format!("{root}org/{id}/"),
                "parent": unit.parent.as_deref().map(unit_ref), "children": children});
            let title = unit["name"].as_str().unwrap_or_default().to_string();
            list(
                &mut jobs,
                items,
                &format!("org/{id}/"),
                "org.html",
                &title,
                "",
                vec![
                    ("catalogue", accountability::unit_catalogue(site, id)),
                    ("unit", unit),
                    ("record_counts", Value::Array(counts)),
                ],
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
            for (url, number, range) in paginate(history.changes.len(), &base_url, CHANGES_PER_PAGE)
            {
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

    /// A record page's `record`: its card plus the body and the kind-specific detail.
    fn record_value(&self, i: usize) -> Value {
        let site = &self.site;
        let e = &site.entries[i];
        let mut record = self.full_of(i);
        let b = &self.bodies[i];
        let c = &e.rec.common;
        record["content"] = json!(b.html);
        record["attachments"] = self.attachments[i].clone();
        record["approval"] = json!(c.approval.as_ref().map(|a| json!({
            "reviewed_by": a.reviewed_by, "approved_by": a.approved_by, "approved_on": a.approved_on.to_string(),
        })));
        match &e.rec.body {
            Body::Notice(n) => {
                let rounds: Vec<Value> = match &n.series {
                    Some(series) if !e.redacted => self
                        .series_members
                        .get(series.as_str())
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                        .iter()
                        .map(|&(round, j)| {
                            let other = self.card_of(j);
                            json!({
                                "round": round, "title": other["title"], "url": other["url"],
                                "status": other["status"], "status_label": other["status_label"], "current": i == j,
                                "publicity": other["publicity"], "withdrawn": other["withdrawn"],
                            })
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                record["series_rounds"] = Value::Array(rounds);
            }
            Body::Meeting(_) => {
                let problems = match site.meeting_problems.get(&i) {
                    Some(v) if !e.redacted => self.cards_of(v),
                    _ => Vec::new(),
                };
                record["problems"] = Value::Array(problems);
            }
            Body::Problem(p) => {
                record["meeting"] = site
                    .problem_meeting
                    .get(&i)
                    .map_or(Value::Null, |&m| self.card_of(m).clone());
                let mut timeline = vec![
                    json!({"date": e.rec.date().map(|d| d.to_string()), "label": "上墙", "text": format!("问题上墙，完成时限 {}", crate::dates::zh(p.deadline))}),
                ];
                timeline.extend(
                    p.progress.iter().map(
                        |x| json!({"date": x.date.to_string(), "label": "进展", "text": x.text}),
                    ),
                );
                if let Some(echo) = &p.echo {
                    timeline.push(json!({"date": echo.date.to_string(), "label": p.status.label(), "text": echo.result}));
                }
                record["timeline"] = json!(if e.redacted { Vec::new() } else { timeline });
            }
            Body::Service(l) => {
                let mut groups: Vec<(Option<String>, Vec<Value>)> = Vec::new();
                if !e.redacted {
                    for item in &l.items {
                        let v = views::item(&site.config, item);
                        match groups.iter_mut().find(|(c, _)| *c == item.category) {
                            Some((_, items)) => items.push(v),
                            None => groups.push((item.category.clone(), vec![v])),
                        }
                    }
                }
                record["groups"] = json!(groups.into_iter().map(|(c, items)| json!({"category": c.unwrap_or_else(|| "其他".into()), "items": items})).collect::<Vec<_>>());
            }
            Body::Page => {
                // A folder's own page lists the pages inside the folder.
                let children: Vec<Value> = if e.rec.file.bundle {
                    let mut kids = self
                        .folder_pages
                        .get(e.rec.file.dir.as_str())
                        .cloned()
                        .unwrap_or_default();
                    kids.retain(|&k| k != i);
                    kids.sort_by(|&a, &b| {
                        site.entries[a]
                            .rec
                            .common
                            .title
                            .cmp(&site.entries[b].rec.common.title)
                    });
                    self.cards_of(&kids)
                } else {
                    Vec::new()
                };
                record["children"] = json!(children);
            }
        }
        // Paper: a QR code of a short address (the record's own or its short permalink), and a
        // code of the source file's content.
        if let Some(code) = &self.short[i] {
            let (path, _) = shortlink::qr_path(&site.config.root, &e.url, code);
            let short = site.config.absolute(&path);
            record["qr_svg"] = json!(qr::svg(&short));
            record["short_url"] = json!(short);
            record["print_code"] = json!(shortlink::content_code(&e.rec.file.source.text));
        }
        let history = site.history.of(&crate::ledger::record_path(&e.rec));
        // Paper names the version only when the page shows it: a change not yet recorded by
        // `publish` is no version of the ledger.
        if let Some(h) = history
            && record["print_code"].as_str() == Some(h.code.as_str())
        {
            record["print_version"] = json!(h.version);
        }
        record["ledger"] = json!(history);
        record["print_weight"] = json!(sheet_weight(&record, b.print_weight));
        record
    }

    /// The page's own variables, besides the site-wide ones.
    fn vars(&self, job: &Job) -> Vec<(&'static str, Value)> {
        let root = &self.site.config.root;
        let l = &self.lists;
        match &job.kind {
            PageKind::Record(i) => vec![("record", self.record_value(*i))],
            PageKind::List {
                items,
                number,
                range,
                base_url,
                extra,
                per_page,
                grouping,
            } => {
                let slice = &items[range.clone()];
                let mut vars = Vec::new();
                if *grouping != Grouping::None {
                    vars.push(self.groups_of(slice, *grouping));
                }
                let page = paginator(
                    self.cards_of(slice),
                    *number,
                    items.len(),
                    base_url,
                    *per_page,
                );
                vars.push(("paginator", page));
                vars.extend(extra.iter().cloned());
                vars
            }
            PageKind::Tags(tags) => vec![("tags", tags.clone())],
            PageKind::Home => {
                let recent_notices: Vec<usize> = l
                    .notices
                    .iter()
                    .copied()
                    .filter(|&i| !self.site.entries[i].is_active_notice())
                    .take(5)
                    .collect();
                let overdue: Vec<usize> = l
                    .wall
                    .iter()
                    .copied()
                    .filter(|&i| self.site.entries[i].problem.overdue)
                    .collect();
                let intro = self.intro("");
                let mut home = json!({
                    "intro_html": intro["html"].as_str().unwrap_or_default(),
                    "intro_title": intro["title"],
                    "stats": self.site.stats,
                    "catalogue": {
                        "items": self.site.catalogue.items.len(),
                        "summary": self.site.catalogue.summary,
                        "url": format!("{root}catalogue/"),
                        "dues": accountability::open_dues(&self.site, PeriodStatus::Current),
                        "done_dues": accountability::open_dues(&self.site, PeriodStatus::Done),
                    },
                    "block_size": HOME_BLOCK,
                    "active_total": l.active.len(),
                    "overdue_total": overdue.len(),
                    "service_total": l.services.len(),
                });
                let first = |v: &[usize], n: usize| v[..v.len().min(n)].to_vec();
                for (key, cards) in [
                    ("active_notices", first(&l.active, HOME_BLOCK)),
                    ("recent_notices", recent_notices),
                    ("overdue_problems", first(&overdue, HOME_BLOCK)),
                    ("recent_meetings", first(&l.meetings, 5)),
                    ("service_lists", first(&l.services, HOME_BLOCK)),
                    ("recent_echo", first(&l.echo, 3)),
                ] {
                    home[key] = Value::Array(self.cards_of(&cards));
                }
                vec![("home", home)]
            }
            PageKind::Kiosk => {
                let mut kiosk = json!({
                    "notices_url": format!("{root}notices/"), "problems_url": format!("{root}problems/"), "echo_url": format!("{root}echo/"),
                    "services_url": format!("{root}services/"), "meetings_url": format!("{root}meetings/"), "search_url": format!("{root}search/"),
                });
                kiosk["active_notices"] = Value::Array(self.cards_of(&l.active));
                vec![("kiosk", kiosk)]
            }
            PageKind::Catalogue => vec![(
                "catalogue",
                accountability::catalogue(&self.site, For::Page),
            )],
            PageKind::Stats => vec![("stats", accountability::stats(&self.site))],
            PageKind::Report(i) => vec![("report", accountability::report(&self.site, *i))],
            PageKind::Plain => Vec::new(),
            PageKind::Tombstone(t) => vec![("removed", json!(self.site.history.tombstones[*t]))],
            PageKind::Changes { number, range } => {
                let rows = &self.site.history.changes;
                let base_url = format!("{root}changes/");
                let mut page =
                    paginator(Vec::new(), *number, rows.len(), &base_url, CHANGES_PER_PAGE);
                if let Some(p) = page.as_object_mut() {
                    p.remove("items");
                }
                vec![(
                    "changes",
                    json!({
                        "number": number,
                        "total": rows.len(),
                        "rows": rows[range.clone()],
                        "paginator": page,
                    }),
                )]
            }
        }
    }

    /// A grouped list page's slice under its headings, in the order of the slice.
    fn groups_of(&self, slice: &[usize], grouping: Grouping) -> (&'static str, Value) {
        let mut groups: Vec<Value> = Vec::new();
        let mut last: Option<&'static str> = None;
        for &i in slice {
            let e = &self.site.entries[i];
            let (key, label, items_key) = match (grouping, &e.rec.body) {
                (Grouping::ServiceKind, Body::Service(s)) => {
                    (s.kind.code(), s.kind.label(), "lists")
                }
                _ => {
                    let (ty, label) = views::type_of(e.section());
                    (ty, label, "items")
                }
            };
            if last != Some(key) {
                let mut g = match grouping {
                    Grouping::ServiceKind => json!({"kind": key, "kind_label": label}),
                    _ => json!({"type": key, "type_label": label}),
                };
                g[items_key] = json!([]);
                groups.push(g);
                last = Some(key);
            }
            if let Some(Value::Array(v)) = groups.last_mut().map(|g| &mut g[items_key]) {
                v.push(self.card_of(i).clone());
            }
        }
        let name = if grouping == Grouping::ServiceKind {
            "groups"
        } else {
            "records"
        };
        (name, Value::Array(groups))
    }

    /// One page through its template.
    pub fn render(&self, job: &Job) -> Result<Vec<u8>, Box<Diagnostic>> {
        self.render_with(&mut self.shared_context(), job)
    }

    /// `render` for pages rendered one after another (`serve`'s check of every page, each worker
    /// of `render_all`): they share one site context instead of copying the site for each page.
    pub fn renderer(&self) -> impl FnMut(&Job) -> Result<Vec<u8>, Box<Diagnostic>> + '_ {
        let mut shared = self.shared_context();
        move |job| self.render_with(&mut shared, job)
    }

    /// What every page's context has in common. A build makes it once per worker rather than
    /// copying the site into each of 18,000 contexts.
    fn shared_context(&self) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_value);
        ctx.insert("today", &self.today);
        ctx
    }

    /// `render` with the shared context at hand: the page's own variables go in for this page
    /// and come out again afterwards.
    fn render_with(&self, shared: &mut Context, job: &Job) -> Result<Vec<u8>, Box<Diagnostic>> {
        let mut own = Map::new();
        own.insert("section".into(), json!(job.section));
        own.insert("page_url".into(), json!(job.url));
        own.insert(
            "permalink".into(),
            json!(self.site.config.absolute(&job.url)),
        );
        own.insert("page_title".into(), json!(job.title));
        own.insert("chrome".into(), self.chrome(job)?);
        for (k, v) in self.vars(job) {
            own.insert(k.into(), v);
        }
        let keys: Vec<String> = own.keys().cloned().collect();
        if let Ok(own) = Context::from_value(Value::Object(own)) {
            shared.extend(own);
        }
        let html = self.render_template(job.template, shared, &job.url);
        for key in &keys {
            shared.remove(key);
        }
        html
    }

    /// The theme's partials for a page: `{header, footer}` as HTML. They depend only on the
    /// site, the day, the section and which main-navigation page this is, so each is rendered
    /// once per section rather than on each of a big site's 18,000 pages.
    fn chrome(&self, job: &Job) -> Result<Value, Box<Diagnostic>> {
        let is_nav = |item: &Value| item["url"].as_str() == Some(job.url.as_str());
        let nav_url = match self.site_value["nav"].as_array() {
            Some(nav) if nav.iter().any(is_nav) => job.url.clone(),
            _ => String::new(),
        };
        let key = (job.section, nav_url);
        if let Some(chrome) = self.chrome.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(chrome);
        }
        let mut chrome = Map::new();
        for part in CHROME_PARTS {
            let template = format!("partials/{part}.html");
            let html = if self.tera.get_template_names().any(|t| t == template) {
                let mut ctx = self.shared_context();
                ctx.insert("section", key.0);
                ctx.insert("nav_url", &key.1);
                String::from_utf8_lossy(&self.render_template(&template, &ctx, &job.url)?)
                    .into_owned()
            } else {
                String::new()
            };
            chrome.insert(part.into(), Value::String(html));
        }
        let chrome = Value::Object(chrome);
        if let Ok(mut all) = self.chrome.lock() {
            all.insert(key, chrome.clone());
        }
        Ok(chrome)
    }

    fn render_template(
        &self,
        template: &str,
        ctx: &Context,
        url: &str,
    ) -> Result<Vec<u8>, Box<Diagnostic>> {
        // Written as bytes, so Tera does not check the whole page for UTF-8 again (everything
        // it writes is a `str`).
        let mut html = Vec::with_capacity(16 * 1024);
        let rendered = self.tera.render_to(template, ctx, &mut html);
        rendered.map(|()| html).map_err(|e| {
            Box::new(SourceFile::new(format!("templates/{template}"), "").error(
                "E-TEMPLATE-RENDER",
                Pos::START,
                format!(
                    "渲染 {url} 时模板出错：{}",
                    theme::tera_zh(&theme::error_chain(&e))
                ),
                "检查模板里用到的变量名（见主题 README 的上下文说明）",
            ))
        })
    }

    /// Every page of the site.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    pub fn page_count(&self) -> usize {
        self.jobs.len()
    }

    /// The page that goes to `out` (`notices/a/index.html`), if the site has one.
    pub fn job(&self, out: &str) -> Option<&Job> {
        self.by_out.get(out).map(|&i| &self.jobs[i])
    }

    /// Renders every page into `sink`; the diagnostics of the pages that failed.
    pub fn render_all(&self, sink: &dyn PageSink) -> Vec<Diagnostic> {
        // One `renderer` per worker thread, not per split (`map_init`): the splits below are
        // single pages, and each would copy the whole site.
        let renderers: Vec<Mutex<_>> = (0..rayon::current_num_threads())
            .map(|_| Mutex::new(self.renderer()))
            .collect();
        let render = |job: &Job| {
            let slot = rayon::current_thread_index().and_then(|t| renderers.get(t));
            match slot.and_then(|m| m.try_lock().ok()) {
                Some(mut render) => render(job),
                None => self.render(job),
            }
        };
        // One job per split: pages differ in cost by a thousandfold (an org page holds hundreds of
        // cards), and a run of them left to one thread kept the other idle at the end.
        self.jobs
            .par_iter()
            .with_max_len(1)
            .filter_map(|job| match render(job) {
                Ok(html) => {
                    sink.page(job.out.clone(), html);
                    None
                }
                Err(d) => Some(*d),
            })
            .collect()
    }

    /// Whether `generate` may make a file of this name, decided without making anything (for
    /// `serve`, whose missing pages must not make the search index): the exports', feeds' and
    /// ledger's names are fixed or follow the reports and short codes; the search index's chunks
    /// are named by a hash of their content, so any name below `search/` may be one.
    pub fn may_generate(&self, name: &str) -> bool {
        let site = &self.site;
        if name.starts_with("search/") {
            return true;
        }
        if name.starts_with("p/") {
            return site.entries.iter().zip(&self.short).any(|(e, code)| {
                code.as_ref().is_some_and(|c| {
                    shortlink::qr_path(&site.config.root, &e.url, c).1 && shortlink::file(c) == name
                })
            });
        }
        if let Some(year) = name
            .strip_prefix("data/report-")
            .and_then(|r| r.strip_suffix(".json"))
        {
            return site.reports.iter().any(|r| r.year.to_string() == year);
        }
        if let Some(schema) = name
            .strip_prefix("schema/")
            .and_then(|r| r.strip_suffix(".json"))
        {
            return feeds::SCHEMAS.iter().any(|(n, _)| *n == schema);
        }
        if let Some(dir) = name.strip_suffix("/feed.xml") {
            let sections = [Section::Notices, Section::Meetings, Section::Problems];
            return sections.iter().any(|s| s.dir() == dir)
                || (site.history.kept && dir == "changes");
        }
        matches!(
            name,
            "sitemap.xml"
                | "robots.txt"
                | "feed.xml"
                | "data/meetings.ics"
                | "open311/services.json"
                | "open311/requests.json"
                | "data/notices.json"
                | "data/meetings.json"
                | "data/problems.json"
                | "data/services.json"
                | "data/stats.json"
                | "data/catalogue.json"
        ) || (site.history.kept && name == "data/ledger.json")
    }

    /// Open-data exports, feeds and the search index: generated files, each made by one
    /// generator; they run one after another.
    pub fn generate(&self) -> Files {
        let collected = Mutex::new(Files::new());
        self.generate_into(&|files: Files| {
            if let Ok(mut all) = collected.lock() {
                all.extend(files);
            }
        });
        collected.into_inner().unwrap_or_default()
    }

    /// `generate`, handing each generator's files over as soon as it is done, so that a build
    /// writes them and lets them go instead of holding all of them until the end. The generators
    /// run one after another (each is parallel inside, and the pages keep both cores busy anyway),
    /// so that the memory the exports and the search index take at their peaks does not add up.
    fn generate_into(&self, done: &(dyn Fn(Files) + Sync)) {
        let site = &self.site;
        // The search index, the biggest, first: while it is made, the pages being rendered are
        // the records' own, and the lists have not yet filled `card_html`'s cards.
        search::add_search_index(site, &self.cards(), &self.bodies, &mut |path, data| {
            done(Files::from([(path, data)]));
        });
        let mut f = Files::new();
        exports::add_exports(site, &|i| self.full_of(i), &mut f);
        for (e, code) in site.entries.iter().zip(&self.short) {
            // A record whose own address is short enough is printed with it: no redirect.
            if let Some(code) = code
                && shortlink::qr_path(&site.config.root, &e.url, code).1
            {
                let html = shortlink::page(
                    &e.url,
                    &site.config.absolute(&e.url),
                    &format!("{} - {}", e.rec.common.title, site.config.title),
                    &site.config.language,
                );
                f.insert(shortlink::file(code), Data::Bytes(html.into_bytes()));
            }
        }
        done(f);
        let page_paths: Vec<String> = self.jobs.iter().map(|j| j.out.clone()).collect();
        done(feeds::feeds(site, &self.bodies, &page_paths, &self.files));
        if site.history.kept {
            done(feeds::ledger_files(site));
        }
    }

    /// Renders every page and generates every file into `sink` (cards first, in parallel, so
    /// no page waits on another's); returns the diagnostics of pages that failed.
    pub fn write_all(&self, sink: &dyn PageSink) -> Vec<Diagnostic> {
        (0..self.site.entries.len()).into_par_iter().for_each(|i| {
            self.card_of(i);
        });
        let write = |files: Files| {
            for (path, data) in files {
                if let Data::Bytes(bytes) = data {
                    sink.page(path, bytes);
                }
            }
        };
        let (failures, ()) = rayon::join(|| self.render_all(sink), || self.generate_into(&write));
        failures
    }
}

#[cfg(test)]
mod tests {
    use super::sheet_weight;
    use serde_json::json;

    #[test]
    fn sheet_weight_adds_title_attachments_and_a_problems_lists_to_the_body() {
        let problem = json!({
            "title": "南段路灯",                               // 4 × 3 = 12
            "attachments": [{"title": "a"}],                    // 22
            "measures": ["更换灯具", "检查线路"],               // 2 × (20 + 4 × 0.4) = 43.2
            "timeline": [{"text": "问题上墙"}, {"text": null}],  // 22 + 1.6 + 22 = 45.6
            "echo": {"result": "已修复"},                       // 3 × 0.45 = 1.35
        });
        // 100 + 12 + 22 + 43.2 + 45.6 + 1.35 = 224.15, rounded up.
        assert_eq!(sheet_weight(&problem, 100), 225);
        let notice = json!({"title": "公示", "attachments": []});
        assert_eq!(sheet_weight(&notice, 50), 56);
    }
}
