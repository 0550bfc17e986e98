//! Feeds, maps and open data (output.md): the real binary builds a fixture site at a fixed
//! `--now`, and every file is read back with a real parser — Atom with feed-rs plus an RFC 4287
//! structure check, XML with roxmltree, iCalendar with the icalendar crate plus an RFC 5545
//! line-level check, JSON exports against the schemas the site itself publishes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const NOW: &str = "2026-11-21";
const BASE: &str = "https://sq.example.cn/gongkai/";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// Every file of the fixture that is a feed or an export (nothing held back may appear in them).
const FEEDS_AND_EXPORTS: &[&str] = &[
    "feed.xml",
    "notices/feed.xml",
    "meetings/feed.xml",
    "problems/feed.xml",
    "data/notices.json",
    "data/meetings.json",
    "data/problems.json",
    "data/services.json",
    "data/stats.json",
    "data/meetings.ics",
    "open311/services.json",
    "open311/requests.json",
];

/// Titles, bodies, slugs and ids of the fixture's drafts, unapproved, unlisted and redacted records.
const HELD_BACK: &[&str] = &[
    "DRAFTMARK",
    "UNAPPROVEDMARK",
    "UNLISTMARK",
    "REDACTMARK",
    "REDACTMEETING",
    "REDACTBODY",
    "n-draft",
    "n-unapproved",
    "n-unlisted",
    "n-redacted",
    "m-draft",
    "m-redacted",
    "p-005",
    "p-006",
    "p-007",
    "P-005",
    "P-006",
    "P-007",
    "draft-list",
    "redacted-list",
];

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds-site")
}

fn run_build(root: &Path, out: &Path, extra: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .args(["--now", NOW])
        .arg("--output")
        .arg(out)
        .args(extra)
        .output()
        .expect("run gongkai");
    assert!(
        output.status.success(),
        "build of {} failed:\n{}",
        root.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The fixture built once per test run and shared by the read-only tests.
fn site() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("feeds-fixture-out");
        let _ = std::fs::remove_dir_all(&out);
        run_build(&fixture_root(), &out, &[]);
        out
    })
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

fn json(out: &Path, rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(out, rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// Every file below `dir`, as `/`-separated relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("below base");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse()
        .unwrap_or_else(|e| panic!("not an RFC 3339 instant: {s}: {e}"))
}

/// A parser's UTC instant as `2026-11-15 16:00:00 UTC`, to compare without naming its type.
fn shown<T: std::fmt::Display>(t: Option<T>) -> Option<String> {
    t.map(|t| t.to_string())
}

fn utc(s: &str) -> Option<String> {
    Some(format!("{s} UTC"))
}

// ---------------------------------------------------------------------------------------------
// Atom

fn atom_children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &str,
) -> Vec<roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(|c| c.has_tag_name((ATOM_NS, name)))
        .collect()
}

/// RFC 4287 §4.1 rules feed-rs does not enforce (it invents a missing id, ignores duplicates).
/// Returns the entries' permalinks in document order.
fn check_atom_structure(name: &str, text: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: not XML: {e}"));
    let feed = doc.root_element();
    assert!(
        feed.has_tag_name((ATOM_NS, "feed")),
        "{name}: root is not atom:feed"
    );
    for el in ["id", "title", "updated"] {
        assert_eq!(
            atom_children(feed, el).len(),
            1,
            "{name}: feed needs exactly one atom:{el}"
        );
    }
    // Entries carry no author, so the feed must (RFC 4287 §4.1.1).
    let authors = atom_children(feed, "author");
    assert_eq!(authors.len(), 1, "{name}: feed author");
    assert_eq!(
        atom_children(authors[0], "name").len(),
        1,
        "{name}: author name"
    );
    let links = atom_children(feed, "link");
    for rel in ["self", "alternate"] {
        let hits: Vec<_> = links
            .iter()
            .filter(|l| l.attribute("rel") == Some(rel))
            .collect();
        assert_eq!(hits.len(), 1, "{name}: one link rel={rel}");
        let href = hits[0].attribute("href").unwrap_or_default();
        assert!(
            href.starts_with(BASE),
            "{name}: {rel} link {href} not absolute under base_url"
        );
    }
    let updated = atom_children(feed, "updated")[0].text().unwrap_or_default();
    ts(updated);
    assert!(
        updated.ends_with("+08:00"),
        "{name}: feed updated {updated} not in the site's zone"
    );
    let mut ids = Vec::new();
    for entry in atom_children(feed, "entry") {
        for el in ["id", "title", "updated"] {
            assert_eq!(
                atom_children(entry, el).len(),
                1,
                "{name}: entry needs exactly one atom:{el}"
            );
        }
        for el in ["published", "summary"] {
            assert!(
                atom_children(entry, el).len() <= 1,
                "{name}: at most one atom:{el}"
            );
        }
        // No atom:content, so an alternate link is required (RFC 4287 §4.1.2).
        let alternate: Vec<_> = atom_children(entry, "link")
            .into_iter()
            .filter(|l| l.attribute("rel") == Some("alternate"))
            .collect();
        assert_eq!(alternate.len(), 1, "{name}: entry alternate link");
        for el in ["updated", "published"] {
            for n in atom_children(entry, el) {
                let t = n.text().unwrap_or_default();
                ts(t);
                assert!(
                    t.ends_with("+08:00"),
                    "{name}: {el} {t} not in the site's zone"
                );
            }
        }
        let id = atom_children(entry, "id")[0]
            .text()
            .unwrap_or_default()
            .to_string();
        assert!(
            id.starts_with(BASE),
            "{name}: entry id {id} not an absolute IRI under base_url"
        );
        assert_eq!(
            alternate[0].attribute("href"),
            Some(id.as_str()),
            "{name}: id is the permalink"
        );
        ids.push(id);
    }
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{name}: entry ids must be unique");
    ids
}

fn parse_feed(name: &str, text: &str) -> feed_rs::model::Feed {
    let feed =
        feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: feed-rs: {e}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom, "{name}");
    feed
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

#[test]
fn every_feed_is_atom_with_the_required_elements() {
    let out = site();
    let expected: [(&str, &str, Vec<&str>); 4] = [
        (
            "feed.xml",
            "",
            vec![
                "notices/n-announce/",
                "notices/n-active/",
                "meetings/m-timed/",
                "notices/n-withdrawn/",
                "problems/p-001/",
                "problems/p-004/",
                "problems/p-003/",
                "meetings/m-allday/",
                "problems/p-002/",
                "services/fuwu/",
            ],
        ),
        (
            "notices/feed.xml",
            "notices/",
            vec![
                "notices/n-announce/",
                "notices/n-active/",
                "notices/n-withdrawn/",
            ],
        ),
        (
            "meetings/feed.xml",
            "meetings/",
            vec!["meetings/m-timed/", "meetings/m-allday/"],
        ),
        (
            "problems/feed.xml",
            "problems/",
            vec![
                "problems/p-001/",
                "problems/p-004/",
                "problems/p-003/",
                "problems/p-002/",
            ],
        ),
    ];
    for (name, page, entries) in expected {
        let text = read(out, name);
        let ids = check_atom_structure(name, &text);
        let want: Vec<String> = entries.iter().map(|p| url(p)).collect();
        assert_eq!(ids, want, "{name}: entries, newest first");

        let feed = parse_feed(name, &text);
        assert_eq!(feed.id, url(name), "{name}: feed id is its own URL");
        let title = feed
            .title
            .as_ref()
            .map(|t| t.content.as_str())
            .unwrap_or_default();
        assert!(title.starts_with("测试社区公开栏"), "{name}: title {title}");
        assert!(feed.updated.is_some(), "{name}: updated");
        assert_eq!(
            feed.authors.first().and_then(|a| a.name.as_deref()),
            Some("测试街道测试社区")
        );
        assert_eq!(
            feed.authors.first().and_then(|a| a.email.as_deref()),
            Some("office@sq.example.cn")
        );
        let link = |rel: &str| {
            feed.links
                .iter()
                .find(|l| l.rel.as_deref() == Some(rel))
                .map(|l| l.href.clone())
        };
        assert_eq!(link("self"), Some(url(name)), "{name}: self link");
        assert_eq!(link("alternate"), Some(url(page)), "{name}: alternate link");
        assert_eq!(feed.entries.len(), want.len(), "{name}");
        for e in &feed.entries {
            assert!(
                e.title.is_some() && e.updated.is_some() && e.published.is_some(),
                "{name}: {}",
                e.id
            );
            assert!(
                e.summary.as_ref().is_some_and(|s| !s.content.is_empty()),
                "{name}: summary of {}",
                e.id
            );
            assert!(
                e.updated >= e.published,
                "{name}: {} updated before published",
                e.id
            );
        }
    }
}

#[test]
fn entries_carry_escaped_text_tags_and_record_times() {
    let out = site();
    let feed = parse_feed("feed.xml", &read(out, "feed.xml"));
    let entry = |path: &str| {
        feed.entries
            .iter()
            .find(|e| e.id == url(path))
            .unwrap_or_else(|| panic!("no entry for {path}"))
    };
    let active = entry("notices/n-active/");
    assert_eq!(
        active.title.as_ref().map(|t| t.content.as_str()),
        Some("关于5号楼加装电梯费用分摊的公示 & <试行>")
    );
    assert_eq!(
        active.summary.as_ref().map(|t| t.content.as_str()),
        Some("分摊方案\"按楼层系数\" & 'A<B>' 公示期内可提出意见。")
    );
    let cats: Vec<(String, Option<String>, Option<String>)> = active
        .categories
        .iter()
        .map(|c| (c.term.clone(), c.label.clone(), c.scheme.clone()))
        .collect();
    assert_eq!(
        cats,
        vec![
            (
                "jia-zhuang-dian-ti".to_string(),
                Some("加装电梯".to_string()),
                Some(url("tags/"))
            ),
            (
                "a-b-x".to_string(),
                Some("A&B <x>".to_string()),
                Some(url("tags/"))
            ),
        ]
    );
    assert_eq!(
        active.links.first().map(|l| l.href.clone()),
        Some(url("notices/n-active/"))
    );
    // `updated` is the record's updated day, `published` its date, both at midnight in Shanghai.
    assert_eq!(shown(active.published), utc("2026-11-15 16:00:00"));
    assert_eq!(shown(active.updated), utc("2026-11-17 16:00:00"));
    // A datetime `date` keeps its time.
    let announce = entry("notices/n-announce/");
    assert_eq!(shown(announce.published), utc("2026-11-19 01:00:00"));
    assert_eq!(announce.updated, announce.published);
    // The summary defaults to the body's first paragraph only.
    assert_eq!(
        announce.summary.as_ref().map(|t| t.content.as_str()),
        Some("因二次供水管道维修，11月25日9:00—15:00临时停水，请提前储水。")
    );
    let timed = entry("meetings/m-timed/");
    assert_eq!(shown(timed.published), utc("2026-11-12 06:30:00"));
    assert_eq!(shown(timed.updated), utc("2026-11-13 16:00:00"));
    // Dated events count as changes once they have happened: withdrawal, progress, echo …
    assert_eq!(
        shown(entry("notices/n-withdrawn/").updated),
        utc("2026-11-04 16:00:00")
    );
    assert_eq!(
        shown(entry("problems/p-003/").updated),
        utc("2026-11-07 16:00:00")
    );
    // … but a progress entry dated after --now does not.
    assert_eq!(
        shown(entry("problems/p-001/").updated),
        utc("2026-11-09 16:00:00")
    );
    // The feed changed when its newest entry did — not at the wall clock.
    assert_eq!(shown(feed.updated), utc("2026-11-19 01:00:00"));
    assert!(read(out, "feed.xml").contains("<updated>2026-11-19T09:00:00+08:00</updated>"));
    // Plain pages are not records of a kind and stay out.
    assert!(feed.entries.iter().all(|e| !e.id.contains("/about/")));
}

// ---------------------------------------------------------------------------------------------
// sitemap.xml, robots.txt

#[test]
fn sitemap_lists_every_page_with_absolute_urls_and_lastmod() {
    let out = site();
    let text = read(out, "sitemap.xml");
    let doc = roxmltree::Document::parse(&text).expect("sitemap is XML");
    let root = doc.root_element();
    assert!(root.has_tag_name((SITEMAP_NS, "urlset")));
    let mut urls: BTreeMap<String, String> = BTreeMap::new();
    for u in root.children().filter(|n| n.is_element()) {
        assert!(u.has_tag_name((SITEMAP_NS, "url")));
        let field = |name: &str| {
            u.children()
                .find(|c| c.has_tag_name((SITEMAP_NS, name)))
                .and_then(|c| c.text())
                .unwrap_or_else(|| panic!("url without {name}"))
                .to_string()
        };
        let (loc, lastmod) = (field("loc"), field("lastmod"));
        assert!(loc.starts_with(BASE), "{loc} not absolute under base_url");
        assert!(
            lastmod.parse::<jiff::civil::Date>().is_ok(),
            "lastmod {lastmod} is not a W3C date"
        );
        assert!(
            urls.insert(loc.clone(), lastmod).is_none(),
            "{loc} listed twice"
        );
    }
    // Exactly the pages the build wrote, less the short permalinks of paper (`p/CODE.html`), which
    // only send the browser on to a page listed under its own address.
    let pages: BTreeSet<String> = tree(out)
        .keys()
        .filter_map(|k| k.strip_suffix("index.html"))
        .filter(|dir| dir.is_empty() || dir.ends_with('/'))
        .filter(|dir| !dir.starts_with("p/"))
        .map(url)
        .collect();
    assert_eq!(urls.keys().cloned().collect::<BTreeSet<_>>(), pages);
    for page in [
        "",
        "notices/",
        "meetings/",
        "problems/",
        "echo/",
        "services/",
        "tags/",
        "tags/jia-zhuang-dian-ti/",
        "org/zongzhi/",
    ] {
        assert!(urls.contains_key(&url(page)), "sitemap lacks /{page}");
    }
    let lastmod = |p: &str| urls.get(&url(p)).map(String::as_str);
    assert_eq!(
        lastmod("notices/n-active/"),
        Some("2026-11-18"),
        "record page: its updated day"
    );
    assert_eq!(
        lastmod("problems/p-003/"),
        Some("2026-11-08"),
        "problem: its echo day"
    );
    assert_eq!(
        lastmod("about/"),
        Some("2026-09-15"),
        "plain page: its updated day"
    );
    assert_eq!(lastmod(""), Some(NOW), "list pages show today's figures");
    // A redacted page is still published; it changed the day its details came down.
    assert_eq!(lastmod("notices/n-redacted/"), Some("2026-11-01"));
    assert_eq!(lastmod("meetings/m-redacted/"), Some("2026-10-02"));
    for held in [
        "n-draft",
        "n-unapproved",
        "n-unlisted",
        "m-draft",
        "p-005",
        "p-007",
        "draft-list",
    ] {
        assert!(!text.contains(held), "sitemap lists held-back {held}");
    }

    let robots = read(out, "robots.txt");
    let lines: Vec<&str> = robots.lines().collect();
    assert!(
        lines.contains(&"User-agent: *") && lines.contains(&"Allow: /"),
        "{robots}"
    );
    assert!(
        lines.contains(&"Sitemap: https://sq.example.cn/gongkai/sitemap.xml"),
        "{robots}"
    );
}

// ---------------------------------------------------------------------------------------------
// iCalendar

/// RFC 5545 §3.1 line rules and §3.4/3.6 structure, independent of any parser's leniency.
/// Returns the unfolded content lines.
fn check_ics_lines(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).expect("ICS is UTF-8");
    assert!(text.ends_with("\r\n"), "ICS must end with CRLF");
    let mut physical: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(physical.pop(), Some(""));
    for (n, line) in physical.iter().enumerate() {
        assert!(!line.contains(['\r', '\n']), "line {n}: bare CR or LF");
        assert!(
            line.len() <= 75,
            "line {n} is {} octets: {line}",
            line.len()
        );
        assert!(!line.is_empty(), "line {n} is empty");
    }
    let mut logical: Vec<String> = Vec::new();
    for line in physical {
        match line.strip_prefix([' ', '\t']) {
            Some(rest) => logical
                .last_mut()
                .expect("continuation before any line")
                .push_str(rest),
            None => logical.push(line.to_string()),
        }
    }
    for line in &logical {
        let name_end = line
            .find([':', ';'])
            .unwrap_or_else(|| panic!("no name/value separator: {line}"));
        let name = &line[..name_end];
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "bad property name in {line}"
        );
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "control character in {line}"
        );
    }
    logical
}

struct Component {
    name: String,
    props: Vec<(String, String, String)>,
    children: Vec<Component>,
}

impl Component {
    fn all(&self, prop: &str) -> Vec<&(String, String, String)> {
        self.props.iter().filter(|p| p.0 == prop).collect()
    }
}

/// BEGIN/END nesting into a tree; name, parameters and value per property.
fn ics_tree(lines: &[String]) -> Component {
    let mut stack: Vec<Component> = Vec::new();
    let mut done = None;
    for line in lines {
        assert!(done.is_none(), "content after END:VCALENDAR: {line}");
        let colon = line.find(':').expect("value");
        let (head, value) = (&line[..colon], &line[colon + 1..]);
        let (name, params) = head.split_once(';').unwrap_or((head, ""));
        match name {
            "BEGIN" => stack.push(Component {
                name: value.to_string(),
                props: Vec::new(),
                children: Vec::new(),
            }),
            "END" => {
                let c = stack
                    .pop()
                    .unwrap_or_else(|| panic!("END:{value} without BEGIN"));
                assert_eq!(c.name, value, "END does not match BEGIN");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(c),
                    None => done = Some(c),
                }
            }
            _ => stack
                .last_mut()
                .unwrap_or_else(|| panic!("property outside any component: {line}"))
                .props
                .push((name.to_string(), params.to_string(), value.to_string())),
        }
    }
    assert!(stack.is_empty(), "unclosed components");
    let cal = done.expect("a VCALENDAR");
    assert_eq!(cal.name, "VCALENDAR");
    cal
}

fn check_ics_calendar(cal: &Component) -> Vec<&Component> {
    assert_eq!(cal.all("VERSION").len(), 1);
    assert_eq!(cal.all("VERSION")[0].2, "2.0");
    assert_eq!(cal.all("PRODID").len(), 1);
    let tzids: BTreeSet<&str> = cal
        .children
        .iter()
        .filter(|c| c.name == "VTIMEZONE")
        .map(|c| {
            assert_eq!(c.all("TZID").len(), 1, "VTIMEZONE needs one TZID");
            assert!(
                c.children
                    .iter()
                    .any(|o| o.name == "STANDARD" || o.name == "DAYLIGHT"),
                "empty VTIMEZONE"
            );
            for o in &c.children {
                for p in ["DTSTART", "TZOFFSETFROM", "TZOFFSETTO"] {
                    assert_eq!(o.all(p).len(), 1, "{} needs one {p}", o.name);
                }
            }
            c.all("TZID")[0].2.as_str()
        })
        .collect();
    let events: Vec<&Component> = cal.children.iter().filter(|c| c.name == "VEVENT").collect();
    let mut uids = BTreeSet::new();
    for e in &events {
        for p in ["UID", "DTSTAMP", "DTSTART"] {
            assert_eq!(e.all(p).len(), 1, "VEVENT needs exactly one {p}");
        }
        for p in [
            "SUMMARY",
            "LOCATION",
            "DESCRIPTION",
            "URL",
            "DTEND",
            "LAST-MODIFIED",
        ] {
            assert!(e.all(p).len() <= 1, "VEVENT has more than one {p}");
        }
        let stamp = &e.all("DTSTAMP")[0].2;
        assert!(
            stamp.len() == 16 && stamp.ends_with('Z'),
            "DTSTAMP {stamp} not UTC form"
        );
        let (_, params, value) = e.all("DTSTART")[0];
        if let Some(tzid) = params.strip_prefix("TZID=") {
            assert!(
                tzids.contains(tzid),
                "DTSTART names TZID {tzid} without a VTIMEZONE"
            );
            assert_eq!(value.len(), 15, "local DATE-TIME {value}");
        } else {
            assert_eq!(params, "VALUE=DATE");
            assert_eq!(value.len(), 8, "DATE {value}");
        }
        assert!(
            uids.insert(e.all("UID")[0].2.clone()),
            "UIDs must be unique"
        );
    }
    events
}

#[test]
fn meetings_ics_follows_rfc5545_and_parses() {
    use icalendar::{CalendarDateTime, Component as _, DatePerhapsTime, EventLike as _};
    let out = site();
    let bytes = std::fs::read(out.join("data/meetings.ics")).expect("meetings.ics");
    let lines = check_ics_lines(&bytes);
    assert!(
        bytes.windows(3).any(|w| w == b"\r\n "),
        "a long title must actually be folded"
    );
    let cal = ics_tree(&lines);
    let events = check_ics_calendar(&cal);
    assert_eq!(
        events.len(),
        2,
        "one event per published, unredacted meeting"
    );
    assert!(lines.contains(&"X-WR-TIMEZONE:Asia/Shanghai".to_string()));
    let uids: Vec<&str> = events.iter().map(|e| e.all("UID")[0].2.as_str()).collect();
    assert_eq!(
        uids,
        [
            "meeting-m-allday@gongkai.sq.example.cn",
            "meeting-m-timed@gongkai.sq.example.cn"
        ]
    );

    let text = String::from_utf8(bytes).expect("utf-8");
    let parsed: icalendar::Calendar = text.parse().expect("icalendar parses the file");
    let parsed_events: Vec<&icalendar::Event> = parsed
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    assert_eq!(parsed_events.len(), 2);
    let timed = parsed_events
        .iter()
        .find(|e| e.get_uid() == Some("meeting-m-timed@gongkai.sq.example.cn"))
        .expect("timed meeting");
    assert_eq!(
        timed.get_summary(),
        Some(
            "11月党建联席会议：冬季供暖保障、独居老人关爱与幸福路南段路灯整改进度通报（扩大会议）"
        )
    );
    // `;`, `,` and `\` survive escaping and unescaping.
    assert_eq!(
        timed.get_location(),
        Some("党群服务中心三楼会议室; 302室, 北侧 \\ 电梯旁")
    );
    let desc = timed.get_description().unwrap_or_default();
    assert!(
        desc.starts_with("会议主题：冬季供暖保障; 独居老人关爱, 路灯整改\n"),
        "{desc}"
    );
    assert!(
        desc.ends_with("https://sq.example.cn/gongkai/meetings/m-timed/"),
        "{desc}"
    );
    assert_eq!(
        timed.get_url(),
        Some("https://sq.example.cn/gongkai/meetings/m-timed/")
    );
    match timed.get_start() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
            assert_eq!(tzid, "Asia/Shanghai");
            assert_eq!(date_time.to_string(), "2026-11-12 14:30:00");
        }
        other => panic!("timed meeting starts {other:?}"),
    }
    // DTSTAMP is the record's last change (its `updated` day in Shanghai), not a build time.
    assert_eq!(shown(timed.get_timestamp()), utc("2026-11-13 16:00:00"));
    let allday = parsed_events
        .iter()
        .find(|e| e.get_uid() == Some("meeting-m-allday@gongkai.sq.example.cn"))
        .expect("all-day meeting");
    match allday.get_start() {
        Some(DatePerhapsTime::Date(d)) => assert_eq!(d.to_string(), "2026-10-10"),
        other => panic!("all-day meeting starts {other:?}"),
    }
    assert_eq!(allday.get_location(), None);
}

// ---------------------------------------------------------------------------------------------
// Open311

#[test]
fn open311_services_define_every_published_item() {
    let services = json(site(), "open311/services.json");
    let list = services.as_array().expect("array");
    let codes: Vec<&str> = list
        .iter()
        .map(|s| s["service_code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        [
            "fuwu.lao-nian-zhu-can",
            "fuwu.lao-nian-zhu-can-2",
            "fuwu.fa-lv-zi-xun"
        ]
    );
    for s in list {
        assert_eq!(s["metadata"], false);
        assert_eq!(s["type"], "blackbox");
        for key in ["service_name", "description", "keywords", "group"] {
            assert!(
                s[key].as_str().is_some_and(|v| !v.is_empty()),
                "{key} of {s}"
            );
        }
    }
    assert_eq!(list[0]["service_name"], "老年助餐");
    assert_eq!(list[0]["group"], "养老");
    assert_eq!(list[0]["keywords"], "服务清单,养老,低偿");
    let desc = list[0]["description"].as_str().unwrap_or_default();
    assert!(
        desc.starts_with("睦邻食堂午餐。") && desc.contains("服务对象：60岁以上老人"),
        "{desc}"
    );
    // Without a category, the list's title groups the item.
    assert_eq!(list[2]["group"], "2026年服务清单");
}

#[test]
fn open311_requests_are_the_problems() {
    let requests = json(site(), "open311/requests.json");
    let list = requests.as_array().expect("array");
    let by_id: BTreeMap<&str, &serde_json::Value> = list
        .iter()
        .map(|r| (r["service_request_id"].as_str().expect("id"), r))
        .collect();
    assert_eq!(
        by_id.keys().copied().collect::<Vec<_>>(),
        ["P-001", "P-002", "P-003", "P-004"]
    );
    let status: Vec<&str> = list
        .iter()
        .map(|r| r["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(status, ["open", "open", "closed", "closed"]);
    for r in list {
        for key in [
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
        ] {
            let v = r[key]
                .as_str()
                .unwrap_or_else(|| panic!("{key} missing in {r}"));
            assert!(v.ends_with("+08:00"), "{key} {v} not in the site's zone");
            ts(v);
        }
    }
    let p1 = by_id["P-001"];
    assert_eq!(p1["agency_responsible"], "第二网格党支部");
    assert_eq!(p1["requested_datetime"], "2026-11-01T00:00:00+08:00");
    assert_eq!(p1["updated_datetime"], "2026-11-10T00:00:00+08:00");
    assert_eq!(p1["expected_datetime"], "2026-12-31T23:59:59+08:00");
    assert_eq!(p1["address"], "5号楼1至3单元");
    assert_eq!(
        p1["status_notes"], "办理中：新增一个班组进场。",
        "latest progress up to today"
    );
    assert_eq!(p1["service_notice"], "增加施工班组；每周公示进度");
    let p3 = by_id["P-003"];
    assert_eq!(
        p3["status_notes"],
        "已办结：已更换路灯12盏; 恢复照明, 居民满意"
    );
    assert_eq!(p3["agency_responsible"], "街道城市管理办公室");
    assert_eq!(p3["updated_datetime"], "2026-11-08T00:00:00+08:00");
    assert_eq!(p3["expected_datetime"], "2026-11-15T23:59:59+08:00");
    assert_eq!(
        by_id["P-004"]["status_notes"],
        "已转办：已转区供水管理所办理"
    );
    assert_eq!(by_id["P-002"]["status_notes"], "待办理");
}

// ---------------------------------------------------------------------------------------------
// JSON Schemas

fn compile(schema: &serde_json::Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles (and meets its meta-schema)")
}

fn errors(v: &jsonschema::Validator, instance: &serde_json::Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_json_export_validates_against_its_published_schema() {
    let out = site();
    let files = tree(out);
    let data: BTreeSet<&str> = files
        .keys()
        .filter_map(|k| k.strip_prefix("data/")?.strip_suffix(".json"))
        .collect();
    assert_eq!(
        data,
        BTreeSet::from([
            "catalogue",
            "meetings",
            "notices",
            "problems",
            "report-2026",
            "services",
            "stats"
        ])
    );
    // Every year's report has the one `report` schema.
    let mut pairs: Vec<(String, String)> = data
        .iter()
        .map(|n| {
            let schema = if n.starts_with("report-") {
                "report"
            } else {
                n
            };
            (format!("data/{n}.json"), schema.to_string())
        })
        .collect();
    pairs.push(("open311/services.json".into(), "open311-services".into()));
    pairs.push(("open311/requests.json".into(), "open311-requests".into()));
    let published: BTreeSet<&str> = files
        .keys()
        .filter_map(|k| k.strip_prefix("schema/")?.strip_suffix(".json"))
        .collect();
    assert_eq!(
        published,
        pairs.iter().map(|p| p.1.as_str()).collect(),
        "one schema per JSON export"
    );
    for (export, name) in &pairs {
        let schema = json(out, &format!("schema/{name}.json"));
        assert_eq!(
            schema["$id"],
            url(&format!("schema/{name}.json")),
            "{name}: $id"
        );
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let instance = json(out, export);
        if let Some(items) = instance.as_array() {
            assert!(
                !items.is_empty(),
                "{export} is empty; validating it would prove nothing"
            );
        }
        let v = compile(&schema);
        assert_eq!(
            errors(&v, &instance),
            Vec::<String>::new(),
            "{export} against schema/{name}.json"
        );
    }
}

#[test]
fn schemas_reject_what_the_exports_must_not_carry() {
    let out = site();
    let schema = |name: &str| compile(&json(out, &format!("schema/{name}.json")));
    let mutate = |rel: &str, f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = json(out, rel);
        f(&mut v);
        v
    };
    let cases: Vec<(&str, serde_json::Value)> = vec![
        (
            "notices",
            mutate("data/notices.json", &|v| {
                v[0]["unexpected"] = serde_json::json!(1)
            }),
        ),
        (
            "notices",
            mutate("data/notices.json", &|v| {
                v[0]["date"] = serde_json::json!("21/11/2026")
            }),
        ),
        (
            "meetings",
            mutate("data/meetings.json", &|v| {
                v[0]["attendance"] = serde_json::json!({"expected": 3})
            }),
        ),
        (
            "problems",
            mutate("data/problems.json", &|v| {
                v[0]["status"] = serde_json::json!("done")
            }),
        ),
        // A closed problem must carry its echo.
        (
            "problems",
            mutate("data/problems.json", &|v| {
                v[2]["echo"] = serde_json::Value::Null
            }),
        ),
        (
            "services",
            mutate("data/services.json", &|v| {
                v[0]["items"] = serde_json::json!([])
            }),
        ),
        (
            "stats",
            mutate("data/stats.json", &|v| {
                v["problems"]["satisfaction"] = serde_json::json!(1.5)
            }),
        ),
        (
            "open311-services",
            mutate("open311/services.json", &|v| {
                v[0]["type"] = serde_json::json!("instant")
            }),
        ),
        (
            "open311-requests",
            mutate("open311/requests.json", &|v| {
                v[0]["status"] = serde_json::json!("pending")
            }),
        ),
    ];
    for (name, bad) in cases {
        assert!(
            !schema(name).is_valid(&bad),
            "schema/{name}.json accepted a broken export"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// What is held back, determinism, the 50-entry limit and other time zones

/// ICS lines may be folded mid-word: search the unfolded text.
fn searchable(rel: &str, text: String) -> String {
    if rel.ends_with(".ics") {
        text.replace("\r\n ", "")
    } else {
        text
    }
}

#[test]
fn held_back_records_appear_in_no_feed_or_export() {
    let out = site();
    for rel in FEEDS_AND_EXPORTS {
        let text = searchable(rel, read(out, rel));
        for mark in HELD_BACK {
            assert!(!text.contains(mark), "{rel} shows held-back `{mark}`");
        }
    }
    let sitemap = read(out, "sitemap.xml");
    for redacted in [
        "notices/n-redacted/",
        "meetings/m-redacted/",
        "problems/p-006/",
        "services/redacted-list/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{}</loc>", url(redacted))),
            "redacted page {redacted} belongs in the sitemap"
        );
    }
    // The same fixture built with --drafts shows the drafts: the markers above are live.
    let dir = tempfile::tempdir().expect("tempdir");
    let with_drafts = dir.path().join("out");
    run_build(&fixture_root(), &with_drafts, &["--drafts"]);
    assert!(read(&with_drafts, "feed.xml").contains("DRAFTMARK"));
    assert!(read(&with_drafts, "sitemap.xml").contains("notices/n-draft/"));
    assert!(read(&with_drafts, "open311/requests.json").contains("P-007"));
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_build(&fixture_root(), &a, &[]);
    run_build(&fixture_root(), &b, &[]);
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for rel in FEEDS_AND_EXPORTS
        .iter()
        .chain(&["sitemap.xml", "robots.txt"])
    {
        assert!(ta.contains_key(*rel), "{rel} not built");
    }
    let differing: Vec<&String> = ta
        .iter()
        .filter(|(k, v)| tb.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty(),
        "files differ between two builds: {differing:?}"
    );
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn main_feed_keeps_the_50_newest_and_times_follow_the_site_zone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    write(
        &root,
        "site.yaml",
        "title: NY 测试\ncommunity: 纽约测试社区\nbase_url: https://example.org\ntimezone: America/New_York\ncontact:\n  email: 不是邮箱\n",
    );
    let start: jiff::civil::Date = "2026-01-01".parse().expect("date");
    for i in 0..60i64 {
        let day = start.checked_add(jiff::Span::new().days(i)).expect("day");
        write(
            &root,
            &format!("content/notices/a-{i:02}.md"),
            &format!(
                "---\ntitle: 第{i}号公告\ndate: {day}\nkind: announcement\n---\n\n公告{i}。\n"
            ),
        );
    }
    write(
        &root,
        "content/meetings/summer.md",
        "---\ntitle: 夏季会议\ndate: 2026-07-04T10:00:00-04:00\nkind: 支委会\nlocation: Room 1\n---\n\n夏。\n",
    );
    write(
        &root,
        "content/meetings/winter.md",
        "---\ntitle: 冬季会议\ndate: 2026-12-05T19:00:00-05:00\nkind: 支委会\n---\n\n冬。\n",
    );
    // The site's own robots.txt wins over the generated one.
    write(&root, "static/robots.txt", "User-agent: *\nDisallow: /\n");
    let out = dir.path().join("out");
    run_build(&root, &out, &[]);

    let main = read(&out, "feed.xml");
    let ids = check_atom_structure_at(&main, "https://example.org/", "-05:00|-04:00");
    assert_eq!(ids.len(), 50);
    // The two meetings are the newest records, then the notices from 1 March back.
    assert_eq!(
        ids[..3],
        [
            "https://example.org/meetings/winter/",
            "https://example.org/meetings/summer/",
            "https://example.org/notices/a-59/"
        ]
    );
    assert_eq!(
        ids.last().map(String::as_str),
        Some("https://example.org/notices/a-12/")
    );
    assert!(
        ids.iter().any(|i| i.ends_with("/meetings/winter/"))
            && ids.iter().any(|i| i.ends_with("/meetings/summer/"))
    );
    let notices = read(&out, "notices/feed.xml");
    assert_eq!(
        check_atom_structure_at(&notices, "https://example.org/", "-05:00|-04:00").len(),
        60
    );
    let meetings = read(&out, "meetings/feed.xml");
    assert!(meetings.contains("<published>2026-07-04T10:00:00-04:00</published>"));
    assert!(meetings.contains("<published>2026-12-05T19:00:00-05:00</published>"));
    assert!(notices.contains("<published>2026-03-01T00:00:00-05:00</published>"));
    // An author email that is not an address is left out rather than making the feed invalid.
    assert!(!main.contains("<email>"));

    let ics = std::fs::read(out.join("data/meetings.ics")).expect("ics");
    let lines = check_ics_lines(&ics);
    let cal = ics_tree(&lines);
    assert_eq!(check_ics_calendar(&cal).len(), 2);
    let tz = cal
        .children
        .iter()
        .find(|c| c.name == "VTIMEZONE")
        .expect("VTIMEZONE");
    assert_eq!(tz.all("TZID")[0].2, "America/New_York");
    let observances: Vec<(String, String, String, String)> = tz
        .children
        .iter()
        .map(|o| {
            (
                o.name.clone(),
                o.all("DTSTART")[0].2.clone(),
                o.all("TZOFFSETFROM")[0].2.clone(),
                o.all("TZOFFSETTO")[0].2.clone(),
            )
        })
        .collect();
    let obs = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_string(), b.to_string(), c.to_string(), d.to_string())
    };
    assert_eq!(
        observances,
        vec![
            obs("DAYLIGHT", "20260308T020000", "-0500", "-0400"),
            obs("STANDARD", "20261101T020000", "-0400", "-0500"),
        ]
    );
    assert!(lines.contains(&"DTSTART;TZID=America/New_York:20260704T100000".to_string()));
    assert!(lines.contains(&"DTSTART;TZID=America/New_York:20261205T190000".to_string()));
    let parsed: icalendar::Calendar = String::from_utf8(ics)
        .expect("utf-8")
        .parse()
        .expect("parses");
    assert_eq!(
        parsed
            .components
            .iter()
            .filter(|c| c.as_event().is_some())
            .count(),
        2
    );

    assert_eq!(read(&out, "robots.txt"), "User-agent: *\nDisallow: /\n");
    assert!(read(&out, "sitemap.xml").contains("<loc>https://example.org/notices/a-00/</loc>"));
}

/// The structural Atom check for a site other than the fixture: every href under `base`, every
/// time in one of the `|`-separated offsets. Returns the entry ids.
fn check_atom_structure_at(text: &str, base: &str, offsets: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(text).expect("XML");
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM_NS, "feed")));
    let offsets: Vec<&str> = offsets.split('|').collect();
    let mut ids = Vec::new();
    for entry in atom_children(feed, "entry") {
        for el in ["id", "title", "updated"] {
            assert_eq!(
                atom_children(entry, el).len(),
                1,
                "entry needs exactly one atom:{el}"
            );
        }
        for el in ["updated", "published"] {
            let t = atom_children(entry, el)[0].text().unwrap_or_default();
            ts(t);
            assert!(
                offsets.iter().any(|o| t.ends_with(o)),
                "{el} {t} not in the site's zone"
            );
        }
        let id = atom_children(entry, "id")[0]
            .text()
            .unwrap_or_default()
            .to_string();
        assert!(id.starts_with(base), "{id}");
        ids.push(id);
    }
    parse_feed("feed", text);
    ids
}
