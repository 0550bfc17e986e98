//! Feeds, maps and open data beyond `/data/*.json` (output.md): Atom feeds, `sitemap.xml`,
//! `robots.txt`, `data/meetings.ics`, the Open311 GeoReport v2 files and the JSON Schemas of
//! every JSON export.
//!
//! XML and iCalendar are written by hand (no runtime dependency). Everything is a function of the
//! records and the build's "today" only, so a fixed `--now` gives byte-identical output.
//! Redacted records appear in no feed or export (content.md §2); their page stays in the sitemap.

use super::{Data, Files, Rendered};
use crate::pipeline::config::SiteConfig;
use crate::pipeline::derive::links::encode_path;
use crate::pipeline::derive::{Entry, Site};
use crate::pipeline::load::Section;
use crate::pipeline::model::Body;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// output.md: `/feed.xml` carries the 50 newest records.
const FEED_LIMIT: usize = 50;
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The JSON Schemas published under `/schema/`, one per JSON export (name → schema text).
pub const SCHEMAS: &[(&str, &str)] = &[
    ("notices", include_str!("../../../schema/notices.json")),
    ("meetings", include_str!("../../../schema/meetings.json")),
    ("problems", include_str!("../../../schema/problems.json")),
    ("services", include_str!("../../../schema/services.json")),
    ("stats", include_str!("../../../schema/stats.json")),
    ("catalogue", include_str!("../../../schema/catalogue.json")),
    ("report", include_str!("../../../schema/report.json")),
    (
        "open311-services",
        include_str!("../../../schema/open311-services.json"),
    ),
    (
        "open311-requests",
        include_str!("../../../schema/open311-requests.json"),
    ),
];

/// The feeds, the sitemap, robots.txt and the other generated files. `pages`: the output paths
/// of the rendered HTML pages; `copied`: the static and content files the build copies, which
/// the sitemap also lists and whose robots.txt wins over ours.
pub fn feeds(site: &Site, bodies: &[Arc<Rendered>], pages: &[String], copied: &Files) -> Files {
    let mut files = Files::new();
    let times: Vec<Times> = site.entries.iter().map(|e| times_of(site, e)).collect();
    let ctx = Ctx {
        site,
        bodies,
        times: &times,
    };
    files.insert("sitemap.xml".into(), bytes(sitemap(&ctx, pages, copied)));
    // A site's own static/robots.txt (e.g. to keep crawlers out of an intranet copy) wins.
    if !copied.contains_key("robots.txt") {
        files.insert("robots.txt".into(), bytes(robots(&site.config)));
    }

    files.insert("feed.xml".into(), bytes(atom(&ctx, None)));
    for section in [Section::Notices, Section::Meetings, Section::Problems] {
        files.insert(
            format!("{}/feed.xml", section.dir()),
            bytes(atom(&ctx, Some(section))),
        );
    }
    files.insert("data/meetings.ics".into(), bytes(ics(&ctx)));
    files.insert(
        "open311/services.json".into(),
        json_bytes(&open311_services(site)),
    );
    files.insert(
        "open311/requests.json".into(),
        json_bytes(&open311_requests(&ctx)),
    );
    for (name, text) in SCHEMAS {
        // `$id` is where this site publishes the schema; spliced in as text to keep the authored
        // layout (a unit test proves every embedded schema is a JSON object).
        let id = ascii_uri(
            &site
                .config
                .absolute(&format!("{}schema/{name}.json", site.config.root)),
        );
        if let Some(rest) = text.trim_start().strip_prefix('{') {
            files.insert(
                format!("schema/{name}.json"),
                bytes(format!("{{\n  \"$id\": {},{rest}", json!(id))),
            );
        }
    }
    files
}

/// The publication ledger's open data: `data/ledger.json` (every entry's line and hash, so the
/// chain can be rechecked) and `changes/feed.xml` (Atom, the newest recorded versions).
pub fn ledger_files(site: &Site) -> Files {
    let history = &site.history;
    let c = &site.config;
    let tz = &c.tz;
    let self_url = ascii_uri(&c.absolute(&format!("{}changes/feed.xml", c.root)));
    let page_url = ascii_uri(&c.absolute(&format!("{}changes/", c.root)));
    let rows = &history.changes[..history.changes.len().min(FEED_LIMIT)];
    let time_of = |t: &str| {
        t.parse::<Timestamp>()
            .map_or_else(|_| rfc3339(site.today.instant, tz), |ts| rfc3339(ts, tz))
    };
    let updated = rows
        .first()
        .map_or_else(|| rfc3339(site.today.instant, tz), |r| time_of(&r.time));
    let mut out = feed_head(
        c,
        &self_url,
        &page_url,
        &format!("{} · 修改记录", c.title),
        &updated,
    );
    for r in rows {
        let url = ascii_uri(&c.absolute(&r.url));
        let what = if r.changed.is_empty() {
            r.action_label.to_string()
        } else {
            format!("{}：{}", r.action_label, r.changed.join("、"))
        };
        out.push_str("  <entry>\n");
        out.push_str(&format!(
            "    <id>{}</id>\n",
            xml(&format!("{url}#v{}-{}", r.version, r.seq))
        ));
        out.push_str(&format!(
            "    <title>{}</title>\n",
            xml(&format!(
                "{}（第{}版，{}）",
                r.title, r.version, r.action_label
            ))
        ));
        out.push_str(&format!("    <updated>{}</updated>\n", time_of(&r.time)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&url)
        ));
        out.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml(&format!("{what}。校验码 {}", r.code))
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    Files::from([
        ("data/ledger.json".to_string(), json_bytes(&history.export)),
        ("changes/feed.xml".to_string(), bytes(out)),
    ])
}

/// An Atom feed's opening: its id (`self_url`), title, the community as subtitle and author,
/// `updated`, the links to itself and to its page, and the generator.
fn feed_head(c: &SiteConfig, self_url: &str, page_url: &str, title: &str, updated: &str) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml(&c.language)
    ));
    out.push_str(&format!("  <id>{}</id>\n", xml(self_url)));
    out.push_str(&format!("  <title>{}</title>\n", xml(title)));
    out.push_str(&format!("  <subtitle>{}</subtitle>\n", xml(&c.community)));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(page_url)
    ));
    out.push_str("  <author>\n");
    out.push_str(&format!("    <name>{}</name>\n", xml(&c.community)));
    out.push_str(&format!(
        "    <uri>{}</uri>\n",
        xml(&ascii_uri(&c.base_url))
    ));
    if let Some(email) = c.contact.email.as_deref().filter(|e| plausible_email(e)) {
        out.push_str(&format!("    <email>{}</email>\n", xml(email.trim())));
    }
    out.push_str("  </author>\n");
    out.push_str(&format!(
        "  <generator version=\"{VERSION}\">gongkai</generator>\n"
    ));
    out
}

struct Ctx<'a> {
    site: &'a Site,
    bodies: &'a [Arc<Rendered>],
    /// Same index as `site.entries`.
    times: &'a [Times],
}

/// When a record was published and last changed, as feeds, the sitemap and the calendar say it.
#[derive(Debug, Clone, Copy)]
struct Times {
    /// `date`: its instant when one was written, else the day's start in the site's zone.
    published: Option<Timestamp>,
    /// The latest of `date`, `updated` and the dated events that have happened by today
    /// (a problem's progress and echo, a notice's withdrawal): each is a substantive change.
    updated: Option<Timestamp>,
    /// The sitemap's day: `updated`, or for a redacted page the day its details came down.
    lastmod: Option<Date>,
}

fn times_of(site: &Site, e: &Entry) -> Times {
    let tz = &site.config.tz;
    let today = site.today.day;
    let published = e
        .rec
        .common
        .date
        .map(|d| d.instant.unwrap_or_else(|| day_start(d.day, tz)));
    let mut changes: Vec<Date> = e.rec.common.updated.into_iter().collect();
    let happened = |d: &Date| *d <= today;
    match &e.rec.body {
        Body::Problem(p) => {
            changes.extend(p.progress.iter().map(|x| x.date).filter(happened));
            changes.extend(p.echo.iter().map(|x| x.date).filter(happened));
        }
        Body::Notice(n) => changes.extend(n.withdrawn.iter().map(|w| w.date).filter(happened)),
        _ => {}
    }
    let updated = changes
        .into_iter()
        .map(|d| day_start(d, tz))
        .chain(published)
        .max();
    let mut lastmod = updated.map(|t| t.to_zoned(tz.clone()).date());
    if e.redacted
        && let Some(down) = e.rec.common.expires.and_then(|d| d.tomorrow().ok())
    {
        lastmod = Some(lastmod.map_or(down, |l| l.max(down)));
    }
    Times {
        published,
        updated,
        lastmod,
    }
}

fn day_start(d: Date, tz: &TimeZone) -> Timestamp {
    d.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// RFC 3339 with the site zone's offset, e.g. `2026-11-12T14:30:00+08:00`.
fn rfc3339(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn bytes(s: String) -> Data {
    Data::Bytes(s.into_bytes())
}

/// An array one compact item a line (as the exports of `data/`), anything else pretty-printed.
fn json_bytes(value: &Value) -> Data {
    if let Value::Array(items) = value {
        return Data::Bytes(super::exports::json_lines(items.iter()));
    }
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    Data::Bytes(out)
}

/// Percent-encodes what may not stand in a URI as it is (non-ASCII, spaces, quotes), leaving `%`
/// alone so an already-encoded `base_url` stays as written.
fn ascii_uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The published records a feed or export may show: not redacted, in the given section.
fn listed(site: &Site, section: Option<Section>) -> impl Iterator<Item = (usize, &Entry)> {
    site.entries.iter().enumerate().filter(move |(_, e)| {
        !e.redacted
            && match section {
                Some(s) => e.section() == s,
                None => e.section() != Section::Pages,
            }
    })
}

// ---------------------------------------------------------------------------------------------
// XML

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes text and attribute values alike; drops characters XML 1.0 cannot carry at all
/// (a stray control character from YAML must not make the whole feed unparseable).
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// RFC 5322 addr-spec, roughly: Atom's `email` must be one, and site.yaml does not check it.
fn plausible_email(s: &str) -> bool {
    let s = s.trim();
    s.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !s
                .chars()
                .any(|c| c.is_whitespace() || "<>()[]\\,;:\"".contains(c))
    }) && s.matches('@').count() == 1
}

// ---------------------------------------------------------------------------------------------
// Atom 1.0 (RFC 4287)

fn atom(ctx: &Ctx, section: Option<Section>) -> String {
    let site = ctx.site;
    let c = &site.config;
    let tz = &c.tz;
    let (path, title, page) = match section {
        Some(s) => {
            let label = super::views::type_of(s).1;
            (
                format!("{}/feed.xml", s.dir()),
                format!("{} · {label}", c.title),
                format!("{}/", s.dir()),
            )
        }
        None => ("feed.xml".to_string(), c.title.clone(), String::new()),
    };
    let self_url = ascii_uri(&c.absolute(&format!("{}{path}", c.root)));
    let page_url = ascii_uri(&c.absolute(&format!("{}{page}", c.root)));
    // Newest first by publication; the URL breaks ties so the order never depends on input order.
    let mut items: Vec<(usize, Timestamp, Timestamp)> = listed(site, section)
        .filter_map(|(i, _)| Some((i, ctx.times[i].published?, ctx.times[i].updated?)))
        .collect();
    items.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| site.entries[a.0].url.cmp(&site.entries[b.0].url))
    });
    if section.is_none() {
        items.truncate(FEED_LIMIT);
    }
    // The feed changed when its newest entry did; an empty feed falls back to the build's today.
    let updated = items
        .iter()
        .map(|x| x.2)
        .max()
        .unwrap_or(site.today.instant);

    let mut out = feed_head(c, &self_url, &page_url, &title, &rfc3339(updated, tz));
    let tags_url = ascii_uri(&c.absolute(&format!("{}tags/", c.root)));
    for (i, published, updated) in items {
        let e = &site.entries[i];
        let link = ascii_uri(&c.absolute(&e.url));
        out.push_str("  <entry>\n");
        // The permalink: unique, stable while the record keeps its slug, and where a reader goes.
        out.push_str(&format!("    <id>{}</id>\n", xml(&link)));
        out.push_str(&format!(
            "    <title>{}</title>\n",
            xml(&e.rec.common.title)
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&link)
        ));
        out.push_str(&format!(
            "    <published>{}</published>\n",
            rfc3339(published, tz)
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            rfc3339(updated, tz)
        ));
        let summary = ctx
            .bodies
            .get(i)
            .map(|b| b.summary.trim())
            .unwrap_or_default();
        if !summary.is_empty() {
            out.push_str(&format!(
                "    <summary type=\"text\">{}</summary>\n",
                xml(summary)
            ));
        }
        let mut seen = HashSet::new();
        for tag in &e.rec.common.tags {
            let slug = crate::slug::slugify(tag);
            // term + scheme = the tag's page; tags that slug alike are one category.
            if seen.insert(slug.clone()) {
                out.push_str(&format!(
                    "    <category term=\"{}\" scheme=\"{}\" label=\"{}\"/>\n",
                    xml(&slug),
                    xml(&tags_url),
                    xml(tag)
                ));
            }
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// sitemap.xml and robots.txt

/// Every HTML page (`…/index.html`), rendered or copied; a record page's `lastmod` is its last
/// change, every other page shows figures of the build's today and so carries today.
fn sitemap(ctx: &Ctx, pages: &[String], copied: &Files) -> String {
    let site = ctx.site;
    let c = &site.config;
    let record_days: HashMap<String, Date> = site
        .entries
        .iter()
        .zip(ctx.times)
        .filter_map(|(e, t)| {
            let rel = e
                .url
                .strip_prefix(c.root.as_str())
                .unwrap_or(&e.url)
                .trim_start_matches('/');
            Some((format!("{rel}index.html"), t.lastmod?))
        })
        .collect();
    let mut urls: Vec<(String, Date)> = pages
        .iter()
        .chain(copied.keys())
        .collect::<BTreeSet<&String>>()
        .into_iter()
        .filter(|k| *k == "index.html" || k.ends_with("/index.html"))
        .map(|k| {
            let dir = &k[..k.len() - "index.html".len()];
            let url = ascii_uri(&c.absolute(&format!("{}{}", c.root, encode_path(dir))));
            (url, record_days.get(k).copied().unwrap_or(site.today.day))
        })
        .collect();
    urls.sort();
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, day) in urls {
        out.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n    <lastmod>{day}</lastmod>\n  </url>\n",
            xml(&url)
        ));
    }
    out.push_str("</urlset>\n");
    out
}

fn robots(c: &SiteConfig) -> String {
    let sitemap = ascii_uri(&c.absolute(&format!("{}sitemap.xml", c.root)));
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n")
}

// ---------------------------------------------------------------------------------------------
// iCalendar (RFC 5545)

/// TEXT value escaping (RFC 5545 §3.3.11); other control characters cannot be carried at all.
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded so no physical line exceeds 75 octets (the leading space of a
/// continuation counts) and never inside a UTF-8 character; CRLF-terminated.
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += n;
    }
    out.push_str("\r\n");
}

/// A parameter value, quoted when it holds a character that would end it.
fn ics_param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control() && *c != '"').collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

fn ics_utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// `+0800`, or `+053000`-style when the offset has seconds (RFC 5545 UTC-OFFSET).
fn ics_offset(o: Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// The site's zone as a VTIMEZONE covering `lo..=hi`: the observance in force at `lo`, then every
/// transition up to `hi` (RFC 5545 §3.6.5; each onset is local time in the offset it replaces).
fn vtimezone(out: &mut String, name: &str, tz: &TimeZone, lo: Timestamp, hi: Timestamp) {
    ics_line(out, "BEGIN:VTIMEZONE");
    ics_line(out, &format!("TZID:{}", ics_text(name)));
    let before = |t: Timestamp| tz.to_offset(t.checked_sub(1.second()).unwrap_or(t));
    let mut observances: Vec<(Timestamp, Offset, Offset, String, bool)> = Vec::new();
    let first = lo.checked_add(1.second()).unwrap_or(lo);
    match tz.preceding(first).next() {
        Some(t) => observances.push((
            t.timestamp(),
            before(t.timestamp()),
            t.offset(),
            t.abbreviation().to_string(),
            t.dst().is_dst(),
        )),
        None => {
            let info = tz.to_offset_info(lo);
            let onset = Date::constant(1970, 1, 1)
                .to_zoned(TimeZone::fixed(info.offset()))
                .map_or(lo, |z| z.timestamp());
            observances.push((
                onset,
                info.offset(),
                info.offset(),
                info.abbreviation().to_string(),
                info.dst().is_dst(),
            ));
        }
    }
    // Bounded: a zone changes a couple of times a year at most; a corrupt range must not loop on.
    for t in tz
        .following(lo)
        .take_while(|t| t.timestamp() <= hi)
        .take(1000)
    {
        if observances.iter().all(|o| o.0 != t.timestamp()) {
            observances.push((
                t.timestamp(),
                before(t.timestamp()),
                t.offset(),
                t.abbreviation().to_string(),
                t.dst().is_dst(),
            ));
        }
    }
    for (onset, from, to, abbr, dst) in observances {
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        ics_line(out, &format!("BEGIN:{kind}"));
        ics_line(
            out,
            &format!(
                "DTSTART:{}",
                from.to_datetime(onset).strftime("%Y%m%dT%H%M%S")
            ),
        );
        ics_line(out, &format!("TZOFFSETFROM:{}", ics_offset(from)));
        ics_line(out, &format!("TZOFFSETTO:{}", ics_offset(to)));
        if !abbr.is_empty() {
            ics_line(out, &format!("TZNAME:{}", ics_text(&abbr)));
        }
        ics_line(out, &format!("END:{kind}"));
    }
    ics_line(out, "END:VTIMEZONE");
}

/// `host[:port]` of base_url, for UIDs.
fn host_of(c: &SiteConfig) -> &str {
    let rest = c
        .base_url
        .split_once("://")
        .map_or(c.base_url.as_str(), |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

fn ics(ctx: &Ctx) -> String {
    let site = ctx.site;
    let c = &site.config;
    let tz = &c.tz;
    let mut meetings: Vec<usize> = listed(site, Some(Section::Meetings))
        .filter(|(_, e)| e.rec.common.date.is_some())
        .map(|(i, _)| i)
        .collect();
    meetings.sort_by(|&a, &b| {
        let (ea, eb) = (&site.entries[a], &site.entries[b]);
        ctx.times[a]
            .published
            .cmp(&ctx.times[b].published)
            .then_with(|| ea.url.cmp(&eb.url))
    });
    let timed: Vec<Timestamp> = meetings
        .iter()
        .filter_map(|&i| site.entries[i].rec.common.date?.instant)
        .collect();
    let label = super::views::type_of(Section::Meetings).1;
    // UIDs: slug + site, so a sub-path site sharing a host with another still has its own.
    let uid_site = {
        let path = c.root.trim_matches('/').replace('/', ".");
        if path.is_empty() {
            host_of(c).to_string()
        } else {
            format!("{path}.{}", host_of(c))
        }
    };

    let mut out = String::new();
    ics_line(&mut out, "BEGIN:VCALENDAR");
    ics_line(&mut out, "VERSION:2.0");
    ics_line(
        &mut out,
        &format!("PRODID:-//gongkai//gongkai {VERSION}//ZH"),
    );
    ics_line(&mut out, "CALSCALE:GREGORIAN");
    ics_line(
        &mut out,
        &format!("NAME:{}", ics_text(&format!("{} · {label}", c.title))),
    );
    ics_line(
        &mut out,
        &format!(
            "X-WR-CALNAME:{}",
            ics_text(&format!("{} · {label}", c.title))
        ),
    );
    ics_line(
        &mut out,
        &format!(
            "X-WR-CALDESC:{}",
            ics_text(&format!("{}的{label}", c.community))
        ),
    );
    ics_line(
        &mut out,
        &format!("X-WR-TIMEZONE:{}", ics_text(&c.timezone)),
    );
    ics_line(
        &mut out,
        &format!(
            "URL:{}",
            ascii_uri(&c.absolute(&format!("{}meetings/", c.root)))
        ),
    );
    ics_line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:P1D");
    ics_line(&mut out, "X-PUBLISHED-TTL:P1D");
    if let (Some(&lo), Some(&hi)) = (timed.iter().min(), timed.iter().max()) {
        vtimezone(&mut out, &c.timezone, tz, lo, hi);
    }
    for i in meetings {
        let e = &site.entries[i];
        let Body::Meeting(m) = &e.rec.body else {
            continue;
        };
        let Some(date) = e.rec.common.date else {
            continue;
        };
        let link = ascii_uri(&c.absolute(&e.url));
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(
            &mut out,
            &format!(
                "UID:{}",
                ics_text(&format!("meeting-{}@{uid_site}", e.slug))
            ),
        );
        // No METHOD, so DTSTAMP is the event's last change (RFC 5545 §3.8.7.2), not a build time.
        let changed = ctx.times[i].updated.unwrap_or(site.today.instant);
        ics_line(&mut out, &format!("DTSTAMP:{}", ics_utc(changed)));
        ics_line(&mut out, &format!("LAST-MODIFIED:{}", ics_utc(changed)));
        match date.instant {
            Some(t) => {
                let local = t
                    .to_zoned(tz.clone())
                    .datetime()
                    .strftime("%Y%m%dT%H%M%S")
                    .to_string();
                ics_line(
                    &mut out,
                    &format!("DTSTART;TZID={}:{local}", ics_param(&c.timezone)),
                );
            }
            None => {
                ics_line(
                    &mut out,
                    &format!("DTSTART;VALUE=DATE:{}", date.day.strftime("%Y%m%d")),
                );
                if let Ok(next) = date.day.tomorrow() {
                    ics_line(
                        &mut out,
                        &format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")),
                    );
                }
            }
        }
        ics_line(
            &mut out,
            &format!("SUMMARY:{}", ics_text(&e.rec.common.title)),
        );
        if let Some(loc) = m.location.as_deref().filter(|l| !l.trim().is_empty()) {
            ics_line(&mut out, &format!("LOCATION:{}", ics_text(loc)));
        }
        let mut desc = Vec::new();
        if let Some(theme) = m.theme.as_deref().filter(|t| !t.trim().is_empty()) {
            desc.push(format!("会议主题：{theme}"));
        }
        if let Some(s) = ctx
            .bodies
            .get(i)
            .map(|b| b.summary.trim())
            .filter(|s| !s.is_empty())
        {
            desc.push(s.to_string());
        }
        desc.push(link.clone());
        ics_line(
            &mut out,
            &format!("DESCRIPTION:{}", ics_text(&desc.join("\n"))),
        );
        let mut cats = vec![m.kind.clone()];
        for t in &e.rec.common.tags {
            if !cats.contains(t) {
                cats.push(t.clone());
            }
        }
        let cats: Vec<String> = cats.iter().map(|x| ics_text(x)).collect();
        ics_line(&mut out, &format!("CATEGORIES:{}", cats.join(",")));
        ics_line(&mut out, &format!("URL:{link}"));
        ics_line(&mut out, "CLASS:PUBLIC");
        ics_line(&mut out, "STATUS:CONFIRMED");
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

// ---------------------------------------------------------------------------------------------
// Open311 GeoReport v2

/// Every item of every published list as a service definition. Codes are `LIST.ITEM` slugs, so
/// they survive reordering a list; a clash within a list gets `-2`, `-3` ….
fn open311_services(site: &Site) -> Value {
    let mut lists: Vec<&Entry> = listed(site, Some(Section::Services))
        .map(|(_, e)| e)
        .collect();
    lists.sort_by(|a, b| a.slug.cmp(&b.slug));
    let mut out = Vec::new();
    for e in lists {
        let Body::Service(l) = &e.rec.body else {
            continue;
        };
        let mut codes = HashSet::new();
        for (n, item) in l.items.iter().enumerate() {
            let base = match crate::slug::slugify(&item.name) {
                s if s.is_empty() => format!("{}.item-{}", e.slug, n + 1),
                s => format!("{}.{s}", e.slug),
            };
            let mut code = base.clone();
            let mut k = 2;
            while !codes.insert(code.clone()) {
                code = format!("{base}-{k}");
                k += 1;
            }
            // Open311 has no fields for these; they go into the description residents read.
            let facts = [
                ("服务对象", item.target.clone()),
                ("地点", item.location.clone()),
                ("时间", item.hours.clone()),
                ("收费", item.fee.map(|f| f.label().to_string())),
                (
                    "提供方",
                    item.provider.clone().or_else(|| l.provider.clone()),
                ),
                ("联系", item.contact.clone()),
            ];
            let facts: Vec<String> = facts
                .into_iter()
                .filter_map(|(k, v)| Some(format!("{k}：{}", v?)))
                .collect();
            let mut desc = item
                .description
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_string();
            if !facts.is_empty() {
                if !desc.is_empty() && !desc.ends_with(['。', '！', '？', '；', '.']) {
                    desc.push('。');
                }
                desc.push_str(&facts.join("；"));
                desc.push('。');
            }
            let keywords: Vec<String> = {
                let mut k: Vec<String> = Vec::new();
                let candidates = [
                    Some(l.kind.label().to_string()),
                    item.category.clone(),
                    item.fee.map(|f| f.label().to_string()),
                ];
                for word in candidates.into_iter().flatten() {
                    // A comma would split one keyword into two.
                    let word = word.replace([',', '，'], " ").trim().to_string();
                    if !word.is_empty() && !k.contains(&word) {
                        k.push(word);
                    }
                }
                k
            };
            out.push(json!({
                "service_code": code,
                "service_name": item.name,
                "description": if desc.is_empty() { e.rec.common.title.clone() } else { desc },
                // Nothing can be submitted to a static site: no attributes to describe, no ids returned.
                "metadata": false,
                "type": "blackbox",
                "keywords": keywords.join(","),
                "group": item.category.clone().unwrap_or_else(|| e.rec.common.title.clone()),
            }));
        }
    }
    json!(out)
}

/// Every published, unredacted problem as a service request, by id.
fn open311_requests(ctx: &Ctx) -> Value {
    let site = ctx.site;
    let tz = &site.config.tz;
    let mut problems: Vec<(usize, &Entry)> = listed(site, Some(Section::Problems)).collect();
    problems.sort_by(|a, b| {
        let id = |e: &Entry| e.as_problem().map(|p| p.id.clone());
        id(a.1).cmp(&id(b.1))
    });
    let mut out = Vec::new();
    for (i, e) in problems {
        let Some(p) = e.as_problem() else { continue };
        let closed = p.status.is_closed();
        let notes = match (
            &p.echo,
            p.progress.iter().rev().find(|x| x.date <= site.today.day),
        ) {
            (Some(echo), _) => format!("{}：{}", p.status.label(), echo.result),
            (None, Some(last)) => format!("{}：{}", p.status.label(), last.text),
            (None, None) => p.status.label().to_string(),
        };
        let summary = ctx
            .bodies
            .get(i)
            .map(|b| b.summary.trim())
            .filter(|s| !s.is_empty());
        // A deadline is a day: met until the day's end, so that is the expected instant.
        let expected = p
            .deadline
            .at(23, 59, 59, 0)
            .to_zoned(tz.clone())
            .ok()
            .map(|z| z.timestamp());
        out.push(json!({
            "service_request_id": p.id,
            "status": if closed { "closed" } else { "open" },
            "status_notes": notes,
            "service_name": e.rec.common.title,
            "service_code": Value::Null,
            "description": summary.unwrap_or(&e.rec.common.title),
            "agency_responsible": p.responsible.unit,
            "service_notice": p.measures.join("；"),
            "requested_datetime": ctx.times[i].published.map(|t| rfc3339(t, tz)),
            "updated_datetime": ctx.times[i].updated.map(|t| rfc3339(t, tz)),
            "expected_datetime": expected.map(|t| rfc3339(t, tz)),
            "address": p.location,
            "address_id": Value::Null,
            "zipcode": Value::Null,
            "lat": Value::Null,
            "long": Value::Null,
            "media_url": Value::Null,
        }));
    }
    json!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_illegal_characters() {
        assert_eq!(xml("a&b<c>\"d'\u{1}e"), "a&amp;b&lt;c&gt;&quot;d&apos;e");
        assert_eq!(xml("公示\t期"), "公示\t期");
    }

    #[test]
    fn ics_text_escapes_rfc5545_specials() {
        assert_eq!(ics_text("a\\b;c,d\r\ne\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
        assert_eq!(ics_text("会议：主题"), "会议：主题");
    }

    #[test]
    fn folding_keeps_lines_within_75_octets_and_characters_whole() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "幸福里社区党务居务公开".repeat(6));
        ics_line(&mut out, &line);
        assert!(out.ends_with("\r\n"));
        let physical: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 1);
        for (n, l) in physical.iter().enumerate() {
            assert!(l.len() <= 75, "line {n} has {} octets", l.len());
            if n > 0 {
                assert!(l.starts_with(' '));
            }
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    #[test]
    fn offsets_and_params() {
        assert_eq!(ics_offset(Offset::constant(8)), "+0800");
        assert_eq!(ics_offset(Offset::constant(-5)), "-0500");
        assert_eq!(
            ics_offset(Offset::from_seconds(19_800 + 1_800 + 7).unwrap_or(Offset::UTC)),
            "+060007"
        );
        assert_eq!(ics_param("Asia/Shanghai"), "Asia/Shanghai");
        assert_eq!(ics_param("a;b"), "\"a;b\"");
    }

    #[test]
    fn uri_encoding_leaves_percent_and_ascii() {
        assert_eq!(
            ascii_uri("https://x.cn/社区/a%20b/"),
            "https://x.cn/%E7%A4%BE%E5%8C%BA/a%20b/"
        );
    }

    #[test]
    fn email_check() {
        assert!(plausible_email("xingfuli@example.cn"));
        assert!(!plausible_email("请致电 021-5555"));
        assert!(!plausible_email("a@b@c.cn"));
    }

    #[test]
    fn embedded_schemas_parse_as_objects() {
        for (name, text) in SCHEMAS {
            let v: Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("schema {name}: {e}"));
            assert!(v.is_object(), "{name}");
            assert_eq!(
                v["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{name}"
            );
        }
    }

    #[test]
    fn shanghai_vtimezone_has_one_standard_observance() {
        let tz = TimeZone::get("Asia/Shanghai").expect("bundled");
        let lo: Timestamp = "2026-01-01T00:00:00Z".parse().expect("ts");
        let hi: Timestamp = "2026-12-01T00:00:00Z".parse().expect("ts");
        let mut out = String::new();
        vtimezone(&mut out, "Asia/Shanghai", &tz, lo, hi);
        assert_eq!(out.matches("BEGIN:STANDARD").count(), 1);
        assert!(!out.contains("DAYLIGHT"));
        assert!(out.contains("TZOFFSETTO:+0800"));
    }

    #[test]
    fn new_york_vtimezone_covers_each_transition_in_range() {
        let tz = TimeZone::get("America/New_York").expect("bundled");
        let lo: Timestamp = "2026-01-10T00:00:00Z".parse().expect("ts");
        let hi: Timestamp = "2026-12-10T00:00:00Z".parse().expect("ts");
        let mut out = String::new();
        vtimezone(&mut out, "America/New_York", &tz, lo, hi);
        // In force at lo (EST since Nov 2025), then EDT in March and EST in November.
        assert_eq!(out.matches("BEGIN:STANDARD").count(), 2);
        assert_eq!(out.matches("BEGIN:DAYLIGHT").count(), 1);
        assert!(out.contains("DTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400"));
    }
}
