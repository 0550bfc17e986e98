//! The context each page's template receives, built only when that page is rendered: a record
//! page's `record`, a list page's `paginator` and groups, the home page's blocks.

use super::accountability::{self, For};
use super::plan::{CHANGES_PER_PAGE, Grouping, Job, PageKind};
use super::views::page::{
    Changes, Groups, Home, HomeCatalogue, Intro, KindGroup, KioskView, ListExtra, ListVars,
    PageVars, TypeGroup, paginator,
};
use super::views::{
    ApprovalView, Iso, ItemGroup, Paper, RecordLinks, RecordPage, RoundView, TimelineStep,
};
use super::{Cards, Prepared, qr, shortlink, views};
use crate::enums::PeriodStatus;
use crate::pipeline::model::Body;
use serde_json::{Value, json};

/// At most this many cards in one block of the home page; each block links to its full list, so
/// the home page stays light at any size of site (output.md "Page weight").
const HOME_BLOCK: usize = 6;

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

    fn cards_of(&self, v: &[usize]) -> Vec<&Value> {
        v.iter().map(|&i| self.card_of(i)).collect()
    }

    fn intro(&self, dir: &str) -> Option<Intro<'_>> {
        self.intros.get(dir).map(|(title, html)| Intro {
            title: title.as_deref(),
            html,
        })
    }

    /// A record page's `record`: its full view plus what its own page adds.
    fn record_value(&self, i: usize) -> Value {
        let site = &self.site;
        let e = &site.entries[i];
        let b = &self.bodies[i];
        let links = match &e.rec.body {
            Body::Notice(n) => RecordLinks::Notice {
                series_rounds: match &n.series {
                    Some(series) if !e.redacted => self
                        .plan
                        .series_members
                        .get(series.as_str())
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                        .iter()
                        .map(|&(round, j)| {
                            let other = self.card_of(j);
                            RoundView {
                                round,
                                title: &other["title"],
                                url: &other["url"],
                                status: &other["status"],
                                status_label: &other["status_label"],
                                current: i == j,
                                publicity: &other["publicity"],
                                withdrawn: &other["withdrawn"],
                            }
                        })
                        .collect(),
                    _ => Vec::new(),
                },
            },
            Body::Meeting(_) => RecordLinks::Meeting {
                problems: match site.meeting_problems.get(&i) {
                    Some(v) if !e.redacted => v.iter().map(|&j| self.card_of(j)).collect(),
                    _ => Vec::new(),
                },
            },
            Body::Problem(p) => RecordLinks::Problem {
                meeting: site.problem_meeting.get(&i).map(|&m| self.card_of(m)),
                timeline: if e.redacted {
                    Vec::new()
                } else {
                    let raised = TimelineStep {
                        date: e.rec.date().map(Iso),
                        label: "上墙",
                        text: format!("问题上墙，完成时限 {}", crate::dates::zh(p.deadline)).into(),
                    };
                    let progress = p.progress.iter().map(|x| TimelineStep {
                        date: Some(Iso(x.date)),
                        label: "进展",
                        text: x.text.as_str().into(),
                    });
                    let closed = p.echo.as_ref().map(|echo| TimelineStep {
                        date: Some(Iso(echo.date)),
                        label: p.status.label(),
                        text: echo.result.as_str().into(),
                    });
                    std::iter::once(raised)
                        .chain(progress)
                        .chain(closed)
                        .collect()
                },
            },
            Body::Service(l) => {
                let mut groups: Vec<ItemGroup> = Vec::new();
                if !e.redacted {
                    for item in &l.items {
                        let category = item.category.as_deref().unwrap_or("其他");
                        let view = views::item(&site.config, item);
                        match groups.iter_mut().find(|g| g.category == category) {
                            Some(g) => g.items.push(view),
                            None => groups.push(ItemGroup {
                                category,
                                items: vec![view],
                            }),
                        }
                    }
                }
                RecordLinks::Service { groups }
            }
            Body::Page => RecordLinks::Page {
                // A folder's own page lists the pages inside the folder.
                children: if e.rec.file.bundle {
                    let mut kids = self
                        .plan
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
                    kids.iter().map(|&k| self.card_of(k)).collect()
                } else {
                    Vec::new()
                },
            },
        };
        // Paper: a QR code of a short address (the record's own or its short permalink), and a
        // code of the source file's content.
        let paper = self.plan.short[i].as_ref().map(|code| {
            let (path, _) = shortlink::qr_path(&site.config.root, &e.url, code);
            let short = site.config.absolute(&path);
            Paper {
                qr_svg: qr::svg(&short),
                short_url: short,
                print_code: shortlink::content_code(&e.rec.file.source.text),
            }
        });
        let ledger = site.history.of(&crate::ledger::record_path(&e.rec));
        // Paper names the version only when the page shows it: a change not yet recorded by
        // `publish` is no version of the ledger.
        let print_version = ledger
            .filter(|h| paper.as_ref().is_some_and(|p| p.print_code == h.code))
            .map(|h| h.version);
        let page = RecordPage {
            content: &b.html,
            attachments: &self.attachments[i],
            approval: e.rec.common.approval.as_ref().map(|a| ApprovalView {
                reviewed_by: &a.reviewed_by,
                approved_by: &a.approved_by,
                approved_on: Iso(a.approved_on),
            }),
            links,
            paper,
            print_version,
            ledger,
        };
        let mut record = self.full_of(i);
        if let (Some(obj), Value::Object(more)) = (record.as_object_mut(), views::to_value(page)) {
            obj.extend(more);
        }
        record["print_weight"] = json!(sheet_weight(&record, b.print_weight));
        record
    }

    /// The page's own variables, besides the site-wide ones.
    pub(super) fn vars<'a>(&'a self, job: &'a Job) -> PageVars<'a> {
        let root = &self.site.config.root;
        let l = &self.plan.lists;
        match &job.kind {
            PageKind::Record(i) => PageVars::Record {
                record: self.record_value(*i),
            },
            PageKind::List {
                items,
                number,
                range,
                base_url,
                intro,
                extra,
                per_page,
                grouping,
            } => {
                let slice = &items[range.clone()];
                PageVars::List(ListVars {
                    paginator: paginator(
                        Some(self.cards_of(slice)),
                        *number,
                        items.len(),
                        base_url,
                        *per_page,
                    ),
                    intro: intro.map(|dir| self.intro(dir)),
                    groups: self.groups_of(slice, *grouping),
                    catalogue: match &**extra {
                        ListExtra::Unit { unit, .. } => {
                            Some(accountability::unit_catalogue(&self.site, &unit.id))
                        }
                        _ => None,
                    },
                    extra,
                })
            }
            PageKind::Tags(tags) => PageVars::Tags { tags },
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
                let first = |v: &[usize], n: usize| self.cards_of(&v[..v.len().min(n)]);
                PageVars::Home {
                    home: Home {
                        intro_html: intro.as_ref().map_or("", |i| i.html),
                        intro_title: intro.and_then(|i| i.title),
                        stats: &self.site.stats,
                        catalogue: HomeCatalogue {
                            items: self.site.catalogue.items.len(),
                            summary: &self.site.catalogue.summary,
                            url: format!("{root}catalogue/"),
                            dues: accountability::open_dues(&self.site, PeriodStatus::Current),
                            done_dues: accountability::open_dues(&self.site, PeriodStatus::Done),
                        },
                        block_size: HOME_BLOCK,
                        active_total: l.active.len(),
                        overdue_total: overdue.len(),
                        service_total: l.services.len(),
                        active_notices: first(&l.active, HOME_BLOCK),
                        recent_notices: self.cards_of(&recent_notices),
                        overdue_problems: first(&overdue, HOME_BLOCK),
                        recent_meetings: first(&l.meetings, 5),
                        service_lists: first(&l.services, HOME_BLOCK),
                        recent_echo: first(&l.echo, 3),
                    },
                }
            }
            PageKind::Kiosk => PageVars::Kiosk {
                kiosk: KioskView {
                    notices_url: format!("{root}notices/"),
                    problems_url: format!("{root}problems/"),
                    echo_url: format!("{root}echo/"),
                    services_url: format!("{root}services/"),
                    meetings_url: format!("{root}meetings/"),
                    search_url: format!("{root}search/"),
                    active_notices: self.cards_of(&l.active),
                },
            },
            PageKind::Catalogue => PageVars::Catalogue {
                catalogue: accountability::catalogue(&self.site, For::Page),
            },
            PageKind::Stats => PageVars::Stats {
                stats: accountability::stats(&self.site),
            },
            PageKind::Report(i) => PageVars::Report {
                report: accountability::report(&self.site, *i),
            },
            PageKind::Plain => PageVars::Plain {},
            PageKind::Tombstone(t) => PageVars::Tombstone {
                removed: &self.site.history.tombstones[*t],
            },
            PageKind::Changes { number, range } => {
                let rows = &self.site.history.changes;
                let base_url = format!("{root}changes/");
                PageVars::Changes {
                    changes: Changes {
                        number: *number,
                        total: rows.len(),
                        rows: &rows[range.clone()],
                        paginator: paginator(
                            None,
                            *number,
                            rows.len(),
                            &base_url,
                            CHANGES_PER_PAGE,
                        ),
                    },
                }
            }
        }
    }

    /// A grouped list page's slice under its headings, in the order of the slice.
    fn groups_of(&self, slice: &[usize], grouping: Grouping) -> Option<Groups<'_>> {
        let entries = &self.site.entries;
        match grouping {
            Grouping::None => None,
            Grouping::ServiceKind => {
                let mut groups: Vec<KindGroup> = Vec::new();
                for &i in slice {
                    let Body::Service(s) = &entries[i].rec.body else {
                        continue;
                    };
                    if groups.last().is_none_or(|g| g.kind != s.kind.code()) {
                        groups.push(KindGroup {
                            kind: s.kind.code(),
                            kind_label: s.kind.label(),
                            lists: Vec::new(),
                        });
                    }
                    if let Some(g) = groups.last_mut() {
                        g.lists.push(self.card_of(i));
                    }
                }
                Some(Groups::ByKind(groups))
            }
            Grouping::Section => {
                let mut groups: Vec<TypeGroup> = Vec::new();
                for &i in slice {
                    let (type_, type_label) = views::type_of(entries[i].section());
                    if groups.last().is_none_or(|g| g.type_ != type_) {
                        groups.push(TypeGroup {
                            type_,
                            type_label,
                            items: Vec::new(),
                        });
                    }
                    if let Some(g) = groups.last_mut() {
                        g.items.push(self.card_of(i));
                    }
                }
                Some(Groups::ByType(groups))
            }
        }
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
