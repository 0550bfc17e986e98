//! The generators of a build: every output file is made by exactly one, each behind the same small
//! trait (mdBook's `Renderer` is the model). The pages, the search index, the open-data exports,
//! the short permalinks, the feeds and sitemap, and the ledger's files all read the one
//! `Prepared` and hand each file to a sink as soon as it is made.

use super::pages::Pages;
use super::{Data, Files, PageSink, Prepared, exports, feeds, search, shortlink};
use crate::diag::Diagnostic;
use crate::pipeline::load::Section;
use rayon::prelude::*;
use std::sync::Mutex;

/// One family of output files.
pub trait Generator: Sync {
    /// Its name, for a reader of a profile or a benchmark.
    fn name(&self) -> &'static str;
    /// Whether it may make a file of this name (below the output folder), decided without making
    /// anything: `serve` must not make the search index to answer a missing page.
    fn may_make(&self, cx: &Prepared, name: &str) -> bool;
    /// Makes its files into `sink`; the diagnostics of what could not be made.
    fn generate(&self, cx: &Prepared, sink: &dyn PageSink) -> Vec<Diagnostic>;
}

/// The generators besides the pages, in the order a build runs them: one after another (each is
/// parallel inside, and the pages keep both cores busy meanwhile), so that the memory the
/// exports and the search index take at their peaks does not add up. The search index, the
/// biggest, first: while it is made, the pages being rendered are the records' own, and the
/// lists have not yet filled `card_html`'s cards.
const FILES: [&dyn Generator; 5] = [&SearchIndex, &Exports, &ShortLinks, &Feeds, &Ledger];

impl Prepared {
    /// Whether a generator other than the pages may make a file of this name (`serve`).
    pub fn may_generate(&self, name: &str) -> bool {
        FILES.iter().any(|g| g.may_make(self, name))
    }

    /// Every generated file but the pages, held in memory (`serve`).
    pub fn generate(&self) -> Files {
        let collected = Collect(Mutex::new(Files::new()));
        for g in FILES {
            g.generate(self, &collected);
        }
        collected.0.into_inner().unwrap_or_default()
    }

    /// Renders every page and generates every file into `sink` (cards first, in parallel, so
    /// no page waits on another's); returns the diagnostics of what failed.
    pub fn write_all(&self, sink: &dyn PageSink) -> Vec<Diagnostic> {
        (0..self.site.entries.len()).into_par_iter().for_each(|i| {
            self.card_of(i);
        });
        let (mut failures, others) = rayon::join(
            || Pages.generate(self, sink),
            || {
                FILES
                    .iter()
                    .flat_map(|g| g.generate(self, sink))
                    .collect::<Vec<_>>()
            },
        );
        failures.extend(others);
        failures
    }

    /// Renders every page into `sink` and nothing else (a check that the theme renders).
    pub fn render_all(&self, sink: &dyn PageSink) -> Vec<Diagnostic> {
        Pages.generate(self, sink)
    }
}

/// A sink that keeps what it is given.
struct Collect(Mutex<Files>);

impl PageSink for Collect {
    fn page(&self, path: String, bytes: Vec<u8>) {
        if let Ok(mut all) = self.0.lock() {
            all.insert(path, Data::Bytes(bytes));
        }
    }
}

/// Hands every file of `files` to `sink` (what is copied, not made, is not a generator's).
fn hand_over(files: Files, sink: &dyn PageSink) {
    for (path, data) in files {
        if let Data::Bytes(bytes) = data {
            sink.page(path, bytes);
        }
    }
}

/// `search/`: the index's chunks, named by a hash of their content.
struct SearchIndex;

impl Generator for SearchIndex {
    fn name(&self) -> &'static str {
        "search"
    }

    fn may_make(&self, _: &Prepared, name: &str) -> bool {
        // The chunks are named by their content, so any name below `search/` may be one.
        name.starts_with("search/")
    }

    fn generate(&self, cx: &Prepared, sink: &dyn PageSink) -> Vec<Diagnostic> {
        search::add_search_index(&cx.site, &cx.cards(), &cx.bodies, &mut |path, data| {
            hand_over(Files::from([(path, data)]), sink);
        });
        Vec::new()
    }
}

/// `/data/*.json`: every record kind, the statistics, the catalogue and the annual reports.
struct Exports;

const EXPORT_FILES: [&str; 6] = [
    "data/notices.json",
    "data/meetings.json",
    "data/problems.json",
    "data/services.json",
    "data/stats.json",
    "data/catalogue.json",
];

impl Generator for Exports {
    fn name(&self) -> &'static str {
        "exports"
    }

    fn may_make(&self, cx: &Prepared, name: &str) -> bool {
        if let Some(year) = name
            .strip_prefix("data/report-")
            .and_then(|r| r.strip_suffix(".json"))
        {
            return cx.site.reports.iter().any(|r| r.year.to_string() == year);
        }
        EXPORT_FILES.contains(&name)
    }

    fn generate(&self, cx: &Prepared, sink: &dyn PageSink) -> Vec<Diagnostic> {
        let mut files = Files::new();
        exports::add_exports(&cx.site, &|i| cx.full_of(i), &mut files);
        hand_over(files, sink);
        Vec::new()
    }
}

/// `/p/CODE.html`: the short permalinks paper carries when a record's own address is too long.
struct ShortLinks;

impl Generator for ShortLinks {
    fn name(&self) -> &'static str {
        "short links"
    }

    fn may_make(&self, cx: &Prepared, name: &str) -> bool {
        let site = &cx.site;
        name.starts_with("p/")
            && site.entries.iter().zip(&cx.plan.short).any(|(e, code)| {
                code.as_ref().is_some_and(|c| {
                    shortlink::qr_path(&site.config.root, &e.url, c).1 && shortlink::file(c) == name
                })
            })
    }

    fn generate(&self, cx: &Prepared, sink: &dyn PageSink) -> Vec<Diagnostic> {
        let site = &cx.site;
        for (e, code) in site.entries.iter().zip(&cx.plan.short) {
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
                sink.page(shortlink::file(code), html.into_bytes());
            }
        }
        Vec::new()
    }
}

/// The feeds, the sitemap, `robots.txt`, the meetings' calendar, Open311 and the JSON schemas.
struct Feeds;

impl Generator for Feeds {
    fn name(&self) -> &'static str {
        "feeds"
    }

    fn may_make(&self, _: &Prepared, name: &str) -> bool {
        if let Some(schema) = name
            .strip_prefix("schema/")
            .and_then(|r| r.strip_suffix(".json"))
        {
            return feeds::SCHEMAS.iter().any(|(n, _)| *n == schema);
        }
        if let Some(dir) = name.strip_suffix("/feed.xml") {
            let sections = [Section::Notices, Section::Meetings, Section::Problems];
            return sections.iter().any(|s| s.dir() == dir);
        }
        matches!(
            name,
            "sitemap.xml"
                | "robots.txt"
                | "feed.xml"
                | "data/meetings.ics"
                | "open311/services.json"
                | "open311/requests.json"
        )
    }

    fn generate(&self, cx: &Prepared, sink: &dyn PageSink) -> Vec<Diagnostic> {
        let page_paths: Vec<String> = cx.jobs().iter().map(|j| j.out.clone()).collect();
        hand_over(
            feeds::feeds(&cx.site, &cx.bodies, &page_paths, &cx.files),
            sink,
        );
        Vec::new()
    }
}

/// `/changes/feed.xml` and `/data/ledger.json`, where the site keeps a ledger.
struct Ledger;

impl Generator for Ledger {
    fn name(&self) -> &'static str {
        "ledger"
    }

    fn may_make(&self, cx: &Prepared, name: &str) -> bool {
        cx.site.history.kept && matches!(name, "changes/feed.xml" | "data/ledger.json")
    }

    fn generate(&self, cx: &Prepared, sink: &dyn PageSink) -> Vec<Diagnostic> {
        if cx.site.history.kept {
            hand_over(feeds::ledger_files(&cx.site), sink);
        }
        Vec::new()
    }
}
