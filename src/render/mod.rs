//! Records → pages: Markdown through pulldown-cmark, then every page of output.md through the
//! theme's Tera templates, in parallel. Produces the list of files `emit` writes.

pub mod exports;
pub mod feeds;
pub mod search;
pub mod theme;
pub mod views;

use crate::derive::{Entry, Site};
use crate::diag::{Diagnostic, Pos};
use crate::enums::ServiceKind;
use crate::load::{ContentFile, Loaded, Section};
use crate::markdown::{self, LinkKind, LinkTarget, RenderOptions};
use crate::model::{AssetPath, Body, normalize, resolve_asset};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tera::{Context, Tera};

/// What goes into one output file.
#[derive(Debug, Clone)]
pub enum Data {
    Bytes(Vec<u8>),
    Copy(PathBuf),
}

/// Output path below the output directory (`notices/a/index.html`) → content.
pub type Files = BTreeMap<String, Data>;

/// A record's rendered body and the text search and summaries use.
pub struct Rendered {
    pub html: String,
    pub text: String,
    pub summary: String,
}

/// Percent-encodes what a URL path may not carry as it is (Chinese file names, spaces).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where content assets are published: inside a bundle, beside its page; elsewhere, at their path.
struct AssetUrls<'a> {
    site: &'a Site,
    bundle_dirs: HashMap<&'a str, usize>,
    /// Every Markdown file that exists, valid or not, so a link to a record with its own errors
    /// is not reported a second time as broken.
    markdown_files: HashSet<&'a str>,
}

impl AssetUrls<'_> {
    fn url(&self, path: &AssetPath) -> (String, Option<(String, String)>) {
        let root = &self.site.config.root;
        match path {
            AssetPath::Static(p) => (format!("{root}{}", encode_path(p)), None),
            AssetPath::Content(p) => {
                let mut dir = p.as_str();
                while let Some(i) = dir.rfind('/') {
                    dir = &dir[..i];
                    if let Some(&e) = self.bundle_dirs.get(dir) {
                        let entry = &self.site.entries[e];
                        let rest = &p[dir.len() + 1..];
                        let out = format!(
                            "{}{rest}",
                            entry.url.strip_prefix(root.as_str()).unwrap_or(&entry.url)
                        );
                        return (
                            format!("{}{}", entry.url, encode_path(rest)),
                            Some((p.clone(), out)),
                        );
                    }
                }
                (
                    format!("{root}{}", encode_path(p)),
                    Some((p.clone(), p.clone())),
                )
            }
        }
    }
}

pub struct RenderInput<'a> {
    pub site: &'a Site,
    pub loaded: &'a Loaded,
    pub root: &'a std::path::Path,
    pub tera: &'a Tera,
    pub theme_statics: &'a BTreeMap<String, Vec<u8>>,
}

/// One Markdown file rendered with its links resolved: the body, the assets it needs copied, and a
/// diagnostic for every link whose target does not exist.
struct MarkdownBody {
    out: markdown::Rendered,
    copies: Vec<(String, String)>,
    diags: Vec<Diagnostic>,
}

fn render_markdown(input: &RenderInput, assets: &AssetUrls, file: &ContentFile) -> MarkdownBody {
    let site = input.site;
    let opts = RenderOptions {
        allow_raw_html: site.config.allow_raw_html,
    };
    let copies = RefCell::new(Vec::new());
    let resolve = |target: &str, kind: LinkKind| -> LinkTarget {
        // The Markdown stage has already percent-decoded the target.
        let target = target.to_string();
        let joined = if file.dir.is_empty() {
            target.clone()
        } else {
            format!("{}/{target}", file.dir)
        };
        let Some(norm) = normalize(&joined) else {
            return LinkTarget::Missing(format!("链接「{target}」超出了网站目录"));
        };
        if kind == LinkKind::Link && norm.ends_with(".md") {
            return match site.by_path.get(&norm) {
                Some(&i) => LinkTarget::Url(site.entries[i].url.clone()),
                None if site.unpublished.contains(&norm) => LinkTarget::Missing(format!(
                    "链接的记录「{target}」没有发布（草稿、未审批或已下架）"
                )),
                None if norm == "_index.md" => LinkTarget::Url(site.config.root.clone()),
                None if assets.markdown_files.contains(norm.as_str()) => {
                    LinkTarget::Url(site.config.root.clone())
                }
                None => LinkTarget::Missing(format!("找不到链接的记录「{target}」")),
            };
        }
        match resolve_asset(file, &target, input.loaded) {
            Ok(path) => {
                let (url, copy) = assets.url(&path);
                copies.borrow_mut().extend(copy);
                LinkTarget::Url(url)
            }
            Err(message) => LinkTarget::Missing(message),
        }
    };
    let root = &site.config.root;
    let root_relative = |t: &str| -> String {
        if t.starts_with(root.as_str()) {
            t.to_string()
        } else {
            format!("{root}{}", t.trim_start_matches('/'))
        }
    };
    let out = markdown::render(file.body(), &opts, &resolve, &root_relative);
    let diags = out
        .broken_links
        .iter()
        .map(|broken| {
            let pos: Pos = file.source.pos_of(file.body_offset + broken.offset);
            file.source.error(
                "E-LINK",
                pos,
                broken.message.clone(),
                "核对链接里的文件名和相对路径（../ 表示上一级文件夹）",
            )
        })
        .collect();
    MarkdownBody {
        out,
        copies: copies.into_inner(),
        diags,
    }
}

/// Renders every record body; reports broken links; returns the bodies and the assets to copy.
fn render_bodies(
    input: &RenderInput,
    assets: &AssetUrls,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Rendered>, BTreeMap<String, String>) {
    let copies = Mutex::new(BTreeMap::new());
    let results: Vec<(Rendered, Vec<Diagnostic>)> = input
        .site
        .entries
        .par_iter()
        .map(|e| {
            if e.redacted {
                let empty = Rendered {
                    html: String::new(),
                    text: String::new(),
                    summary: String::new(),
                };
                return (empty, Vec::new());
            }
            let file = &e.rec.file;
            let mut body = render_markdown(input, assets, file);
            for a in &e.rec.common.attachments {
                if let Ok(path) = resolve_asset(file, &a.file, input.loaded) {
                    body.copies.extend(assets.url(&path).1);
                }
            }
            if let Ok(mut all) = copies.lock() {
                all.extend(body.copies);
            }
            let summary = match &e.rec.common.summary {
                Some(s) => s.clone(),
                None => markdown::summarize(&body.out.first_paragraph, 120),
            };
            let rendered = Rendered {
                html: body.out.html,
                text: body.out.text,
                summary,
            };
            (rendered, body.diags)
        })
        .collect();
    let mut rendered = Vec::with_capacity(results.len());
    for (r, ds) in results {
        diags.extend(ds);
        rendered.push(r);
    }
    (rendered, copies.into_inner().unwrap_or_default())
}

/// The `_index.md` texts of the home page and the record sections: (title, HTML) by folder.
fn render_intros(
    input: &RenderInput,
    assets: &AssetUrls,
    copies: &mut BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, (Option<String>, String)> {
    let mut intros = HashMap::new();
    for page in &input.site.indexes {
        let body = render_markdown(input, assets, &page.file);
        diags.extend(body.diags);
        copies.extend(body.copies);
        intros.insert(page.file.dir.clone(), (page.title.clone(), body.out.html));
    }
    intros
}

fn date_desc(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    b.rec
        .date()
        .cmp(&a.rec.date())
        .then_with(|| a.slug.cmp(&b.slug))
}

/// The site-wide part of every context, built once.
fn site_value(site: &Site) -> Value {
    let c = &site.config;
    fn unit(c: &crate::config::SiteConfig, u: &crate::config::OrgUnit) -> Value {
        json!({"id": u.id, "name": u.name, "url": format!("{}org/{}/", c.root, u.id),
               "children": u.children.iter().map(|k| unit(c, k)).collect::<Vec<_>>()})
    }
    let nav: Vec<Value> = [
        ("home", "首页", ""),
        ("notices", "公示公告", "notices/"),
        ("problems", "问题墙", "problems/"),
        ("echo", "回音壁", "echo/"),
        ("meetings", "会议记录", "meetings/"),
        ("services", "服务清单", "services/"),
        ("search", "搜索", "search/"),
    ]
    .iter()
    .map(|(key, title, path)| json!({"key": key, "title": title, "url": format!("{}{path}", c.root)}))
    .collect();
    json!({
        "title": c.title,
        "community": c.community,
        "base_url": c.base_url,
        "root": c.root,
        "language": c.language,
        "timezone": c.timezone,
        "contact": c.contact,
        "kiosk": c.kiosk,
        "org": c.org.iter().map(|u| unit(c, u)).collect::<Vec<_>>(),
        "nav": nav,
        "extra": c.extra,
    })
}

/// Receives each page as soon as it is rendered (and each generated file: feeds, exports, search
/// index), so that a build never holds all of them at once.
pub trait PageSink: Sync {
    fn page(&self, path: String, html: Vec<u8>);
}

/// A page's own variables, built only when the page is rendered: a build never holds the
/// contexts of all pages at once.
type Vars<'a> = Box<dyn Fn() -> Vec<(&'static str, Value)> + Send + Sync + 'a>;

/// One page to render: where it goes, with which template, and its own context.
struct Job<'a> {
    out: String,
    template: &'static str,
    url: String,
    title: String,
    section: &'static str,
    vars: Vars<'a>,
}

fn page_path(url: &str, root: &str) -> String {
    let rel = url
        .strip_prefix(root)
        .unwrap_or(url)
        .trim_start_matches('/');
    format!("{rel}index.html")
}

/// Splits `total` items into pages at `per_page`: each page's URL (`BASE`, `BASE/page/2/`, …),
/// number, and range of items.
fn paginate(
    total: usize,
    base_url: &str,
    per_page: usize,
) -> Vec<(String, usize, std::ops::Range<usize>)> {
    let per_page = per_page.max(1);
    let pages = total.div_ceil(per_page).max(1);
    (1..=pages)
        .map(|n| {
            (
                page_url(base_url, n),
                n,
                (n - 1) * per_page..(n * per_page).min(total),
            )
        })
        .collect()
}

fn page_url(base_url: &str, n: usize) -> String {
    if n == 1 {
        base_url.to_string()
    } else {
        format!("{base_url}page/{n}/")
    }
}

/// The `paginator` a list template receives for page `number` of `total_items` items.
fn paginator(
    items: Vec<Value>,
    number: usize,
    total_items: usize,
    base_url: &str,
    per_page: usize,
) -> Value {
    let total_pages = total_items.div_ceil(per_page.max(1)).max(1);
    let url_of = |n: usize| page_url(base_url, n);
    let pages: Vec<Value> = (1..=total_pages)
        .map(|n| json!({"number": n, "url": url_of(n), "current": n == number}))
        .collect();
    json!({
        "items": items,
        "number": number,
        "total_pages": total_pages,
        "total_items": total_items,
        "previous_url": (number > 1).then(|| url_of(number - 1)),
        "next_url": (number < total_pages).then(|| url_of(number + 1)),
        "first_url": url_of(1),
        "pages": pages,
    })
}

fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build();
            match svg.find("<svg") {
                Some(i) => svg[i..].to_string(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

/// Renders every page into `sink`; returns the other files (assets, feeds, exports, search).
pub fn render_site(
    input: &RenderInput,
    diags: &mut Vec<Diagnostic>,
    sink: &dyn PageSink,
) -> Option<Files> {
    let site = input.site;
    let root = site.config.root.clone();
    let bundle_dirs: HashMap<&str, usize> = site
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.rec.file.bundle && !e.redacted)
        .map(|(i, e)| (e.rec.file.dir.as_str(), i))
        .collect();
    let markdown_files = input.loaded.files.iter().map(|f| f.rel.as_str()).collect();
    let assets = AssetUrls {
        site,
        bundle_dirs,
        markdown_files,
    };
    let (bodies, mut copies) = render_bodies(input, &assets, diags);
    let intros = render_intros(input, &assets, &mut copies, diags);
    let intro = |dir: &str| match intros.get(dir) {
        Some((title, html)) => json!({"title": title, "html": html}),
        None => Value::Null,
    };
    // A published bundle's folder is published with it, so its images and files work.
    for asset in &input.loaded.content_assets {
        if let Some(dir) = asset.rfind('/').map(|i| &asset[..i])
            && assets.bundle_dirs.contains_key(dir)
            && let (_, Some(c)) = assets.url(&AssetPath::Content(asset.clone()))
        {
            copies.insert(c.0, c.1);
        }
    }
    let cards: Vec<Value> = site
        .entries
        .par_iter()
        .zip(bodies.par_iter())
        .map(|(e, b)| {
            let c = views::card(site, e, &b.summary);
            if e.redacted { views::redact(c) } else { c }
        })
        .collect();
    let idx = |pred: &dyn Fn(&Entry) -> bool| -> Vec<usize> {
        (0..site.entries.len())
            .filter(|&i| pred(&site.entries[i]))
            .collect()
    };
    let sorted = |mut v: Vec<usize>, cmp: &dyn Fn(&Entry, &Entry) -> std::cmp::Ordering| {
        v.sort_by(|&a, &b| cmp(&site.entries[a], &site.entries[b]));
        v
    };
    let cards_of = |v: &[usize]| -> Vec<Value> { v.iter().map(|&i| cards[i].clone()).collect() };

    // Record pages. Rounds of a series and a folder's pages are looked up, not searched for.
    let mut series_members: HashMap<&str, Vec<(u32, usize)>> = HashMap::new();
    for (j, o) in site.entries.iter().enumerate() {
        if let Some(on) = o.as_notice()
            && let Some(series) = &on.series
        {
            series_members
                .entry(series.as_str())
                .or_default()
                .push((on.round.unwrap_or(0), j));
        }
    }
    for members in series_members.values_mut() {
        members.sort();
    }
    fn parent_of(f: &ContentFile) -> &str {
        let dir = f.dir.as_str();
        if f.bundle {
            dir.rsplit_once('/').map_or("", |(p, _)| p)
        } else {
            dir
        }
    }
    let mut folder_pages: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, o) in site.entries.iter().enumerate() {
        if o.section() == Section::Pages {
            folder_pages
                .entry(parent_of(&o.rec.file))
                .or_default()
                .push(j);
        }
    }
    let record_value = |i: usize| -> Value {
        let e = &site.entries[i];
        let mut record = cards[i].clone();
        let b = &bodies[i];
        let c = &e.rec.common;
        record["content"] = json!(b.html);
        record["attachments"] =
            if e.redacted {
                json!([])
            } else {
                json!(c.attachments.iter().filter_map(|a| {
                let path = resolve_asset(&e.rec.file, &a.file, input.loaded).ok()?;
                Some(json!({"title": a.title, "url": assets.url(&path).0, "file": a.file}))
            }).collect::<Vec<_>>())
            };
        record["approval"] = json!(c.approval.as_ref().map(|a| json!({
            "reviewed_by": a.reviewed_by, "approved_by": a.approved_by, "approved_on": a.approved_on.to_string(),
        })));
        match &e.rec.body {
            Body::Notice(n) => {
                let rounds: Vec<Value> = match &n.series {
                    Some(series) if !e.redacted => {
                        series_members
                            .get(series.as_str())
                            .map(Vec::as_slice)
                            .unwrap_or_default()
                            .iter()
                            .map(|&(round, j)| json!({
                                "round": round, "title": cards[j]["title"], "url": cards[j]["url"],
                                "status": cards[j]["status"], "status_label": cards[j]["status_label"], "current": i == j,
                                "publicity": cards[j]["publicity"], "withdrawn": cards[j]["withdrawn"],
                            }))
                            .collect()
                    }
                    _ => Vec::new(),
                };
                record["series_rounds"] = json!(rounds);
                record["qr_svg"] = json!(qr_svg(&site.config.absolute(&e.url)));
            }
            Body::Meeting(_) => {
                let problems = site
                    .meeting_problems
                    .get(&i)
                    .map(|v| cards_of(v))
                    .unwrap_or_default();
                record["problems"] = json!(if e.redacted { Vec::new() } else { problems });
            }
            Body::Problem(p) => {
                record["meeting"] = site
                    .problem_meeting
                    .get(&i)
                    .map_or(Value::Null, |&m| cards[m].clone());
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
                record["qr_svg"] = json!(qr_svg(&site.config.absolute(&e.url)));
            }
            Body::Service(l) => {
                let mut groups: Vec<(Option<String>, Vec<Value>)> = Vec::new();
                for item in &l.items {
                    let v = views::item(&site.config, item);
                    match groups.iter_mut().find(|(c, _)| *c == item.category) {
                        Some((_, items)) => items.push(v),
                        None => groups.push((item.category.clone(), vec![v])),
                    }
                }
                record["groups"] = if e.redacted {
                    json!([])
                } else {
                    json!(groups.into_iter().map(|(c, items)| json!({"category": c.unwrap_or_else(|| "其他".into()), "items": items})).collect::<Vec<_>>())
                };
            }
            Body::Page => {
                // A folder's own page lists the pages inside the folder.
                let folder = &e.rec.file.dir;
                let children: Vec<Value> = if e.rec.file.bundle {
                    let mut kids = folder_pages
                        .get(folder.as_str())
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
                    cards_of(&kids)
                } else {
                    Vec::new()
                };
                record["children"] = json!(children);
            }
        }
        record
    };
    // Declared after everything its closures borrow, so it is dropped first.
    let mut jobs = Vec::new();
    for (i, e) in site.entries.iter().enumerate() {
        let (template, section) = match &e.rec.body {
            Body::Notice(_) => ("notice.html", "notices"),
            Body::Meeting(_) => ("meeting.html", "meetings"),
            Body::Problem(_) => ("problem.html", "problems"),
            Body::Service(_) => ("service.html", "services"),
            Body::Page => ("page.html", ""),
        };
        let record_value = &record_value;
        jobs.push(Job {
            out: page_path(&e.url, &root),
            template,
            url: e.url.clone(),
            title: e.rec.common.title.clone(),
            section,
            vars: Box::new(move || vec![("record", record_value(i))]),
        });
    }

    // Lists.
    let list = |items: Vec<usize>,
                base: &str,
                template: &'static str,
                title: &str,
                section: &'static str,
                extra: Vec<(&'static str, Value)>| {
        let base_url = format!("{root}{base}");
        let per_page = site.config.paginate;
        let mut jobs = Vec::new();
        // The pages share one copy of the list.
        let items: Arc<[usize]> = items.into();
        let extra = Arc::new(extra);
        for (url, number, range) in paginate(items.len(), &base_url, per_page) {
            let (items, extra, base_url) = (items.clone(), extra.clone(), base_url.clone());
            jobs.push(Job {
                out: page_path(&url, &root),
                template,
                url,
                title: title.to_string(),
                section,
                vars: Box::new(move || {
                    let page = paginator(
                        cards_of(&items[range.clone()]),
                        number,
                        items.len(),
                        &base_url,
                        per_page,
                    );
                    let mut vars = vec![("paginator", page)];
                    vars.extend(extra.iter().cloned());
                    vars
                }),
            });
        }
        jobs
    };
    let notices = sorted(idx(&|e| e.section() == Section::Notices), &|a, b| {
        b.is_active_notice()
            .cmp(&a.is_active_notice())
            .then_with(|| date_desc(a, b))
    });
    jobs.extend(list(
        notices.clone(),
        "notices/",
        "notices.html",
        "公示公告",
        "notices",
        vec![("intro", intro("notices"))],
    ));
    let meetings = sorted(idx(&|e| e.section() == Section::Meetings), &date_desc);
    jobs.extend(list(
        meetings.clone(),
        "meetings/",
        "meetings.html",
        "会议记录",
        "meetings",
        vec![("intro", intro("meetings"))],
    ));
    let wall = sorted(
        idx(&|e| e.as_problem().is_some_and(|p| !p.status.is_closed())),
        &|a, b| {
            let (pa, pb) = (a.as_problem(), b.as_problem());
            b.problem
                .overdue
                .cmp(&a.problem.overdue)
                .then_with(|| pa.map(|p| p.deadline).cmp(&pb.map(|p| p.deadline)))
                .then_with(|| a.slug.cmp(&b.slug))
        },
    );
    jobs.extend(list(
        wall.clone(),
        "problems/",
        "problems.html",
        "问题墙",
        "problems",
        vec![("intro", intro("problems"))],
    ));
    let echo = sorted(
        idx(&|e| e.as_problem().is_some_and(|p| p.status.is_closed())),
        &|a, b| {
            let d = |e: &Entry| e.as_problem().and_then(|p| p.echo.as_ref()).map(|x| x.date);
            d(b).cmp(&d(a)).then_with(|| a.slug.cmp(&b.slug))
        },
    );
    jobs.extend(list(
        echo.clone(),
        "echo/",
        "echo.html",
        "回音壁",
        "echo",
        vec![],
    ));

    // Services grouped by kind.
    let services = sorted(idx(&|e| e.section() == Section::Services), &date_desc);
    let groups: Vec<Value> = ServiceKind::ALL
        .iter()
        .filter_map(|k| {
            let lists: Vec<Value> = services
                .iter()
                .filter(|&&i| matches!(&site.entries[i].rec.body, Body::Service(l) if l.kind == *k))
                .map(|&i| cards[i].clone())
                .collect();
            (!lists.is_empty())
                .then(|| json!({"kind": k.code(), "kind_label": k.label(), "lists": lists}))
        })
        .collect();
    jobs.push(Job {
        out: "services/index.html".into(),
        template: "services.html",
        url: format!("{root}services/"),
        title: "服务清单".into(),
        section: "services",
        vars: Box::new(move || vec![("groups", json!(groups)), ("intro", intro("services"))]),
    });

    // Tags.
    let mut tags: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, e) in site.entries.iter().enumerate() {
        for t in &e.rec.common.tags {
            let slug = crate::slug::slugify(t);
            let entry = tags.entry(slug).or_insert_with(|| (t.clone(), Vec::new()));
            // Members arrive in index order, so a tag repeated on one record is the last member.
            if entry.1.last() != Some(&i) {
                entry.1.push(i);
            }
        }
    }
    let mut tag_values: Vec<Value> = tags
        .iter()
        .map(|(slug, (name, v))| json!({"name": name, "slug": slug, "url": views::tag_url(&site.config, slug), "count": v.len()}))
        .collect();
    tag_values.sort_by(|a, b| {
        b["count"]
            .as_u64()
            .cmp(&a["count"].as_u64())
            .then_with(|| a["slug"].as_str().cmp(&b["slug"].as_str()))
    });
    jobs.push(Job {
        out: "tags/index.html".into(),
        template: "tags.html",
        url: format!("{root}tags/"),
        title: "标签".into(),
        section: "",
        vars: Box::new(move || vec![("tags", json!(tag_values))]),
    });
    for (slug, (name, members)) in &tags {
        let tag = json!({"name": name, "slug": slug, "url": views::tag_url(&site.config, slug), "count": members.len()});
        let members = sorted(members.clone(), &date_desc);
        jobs.extend(list(
            members,
            &format!("tags/{slug}/"),
            "tag.html",
            &format!("标签：{name}"),
            "",
            vec![("tag", tag)],
        ));
    }

    // Organisation units.
    for (id, unit) in &site.config.org_index {
        let unit_ref = |id: &str| json!({"id": id, "name": site.config.org_name(id), "url": format!("{root}org/{id}/")});
        let mut children: Vec<Value> = unit.children.iter().map(|c| unit_ref(c)).collect();
        children.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        let mut groups: Vec<(Section, Vec<usize>)> = Vec::new();
        for section in [
            Section::Notices,
            Section::Meetings,
            Section::Problems,
            Section::Services,
            Section::Pages,
        ] {
            let members = sorted(
                idx(&|e| {
                    e.section() == section
                        && (e.rec.common.org.as_deref() == Some(id.as_str())
                            || matches!(&e.rec.body, Body::Service(l) if l.items.iter().any(|it| it.org.as_deref() == Some(id.as_str()))))
                }),
                &date_desc,
            );
            if !members.is_empty() {
                groups.push((section, members));
            }
        }
        let value = json!({"id": id, "name": unit.name, "url": format!("{root}org/{id}/"),
            "parent": unit.parent.as_deref().map(unit_ref), "children": children});
        jobs.push(Job {
            out: format!("org/{id}/index.html"),
            template: "org.html",
            url: format!("{root}org/{id}/"),
            title: unit.name.clone(),
            section: "",
            vars: Box::new(move || {
                let groups: Vec<Value> = groups
                    .iter()
                    .map(|(section, members)| {
                        let (ty, label) = views::type_of(*section);
                        json!({"type": ty, "type_label": label, "items": cards_of(members)})
                    })
                    .collect();
                vec![("unit", value.clone()), ("records", json!(groups))]
            }),
        });
    }

    // Home, kiosk, search, 404.
    let active: Vec<usize> = sorted(idx(&|e| e.is_active_notice()), &|a, b| {
        let end = |e: &Entry| {
            e.as_notice()
                .and_then(|n| n.publicity.as_ref())
                .map(|p| p.end)
        };
        end(a).cmp(&end(b)).then_with(|| a.slug.cmp(&b.slug))
    });
    let recent_notices: Vec<usize> = notices
        .iter()
        .copied()
        .filter(|&i| !site.entries[i].is_active_notice())
        .take(5)
        .collect();
    let overdue: Vec<usize> = wall
        .iter()
        .copied()
        .filter(|&i| site.entries[i].problem.overdue)
        .collect();
    let home_active = active.clone();
    let home = move || {
        json!({
            "intro_html": intro("")["html"].as_str().unwrap_or_default(),
            "intro_title": intro("")["title"],
            "active_notices": cards_of(&home_active),
            "recent_notices": cards_of(&recent_notices),
            "stats": site.stats,
            "overdue_problems": cards_of(&overdue),
            "recent_meetings": cards_of(&meetings[..meetings.len().min(5)]),
            "service_lists": cards_of(&services),
            "recent_echo": cards_of(&echo[..echo.len().min(3)]),
        })
    };
    jobs.push(Job {
        out: "index.html".into(),
        template: "home.html",
        url: root.clone(),
        title: site.config.title.clone(),
        section: "home",
        vars: Box::new(move || vec![("home", home())]),
    });
    let kiosk_root = root.clone();
    let kiosk = move || {
        let root = &kiosk_root;
        json!({
            "active_notices": cards_of(&active),
            "notices_url": format!("{root}notices/"), "problems_url": format!("{root}problems/"), "echo_url": format!("{root}echo/"),
            "services_url": format!("{root}services/"), "meetings_url": format!("{root}meetings/"), "search_url": format!("{root}search/"),
        })
    };
    jobs.push(Job {
        out: "kiosk/index.html".into(),
        template: "kiosk.html",
        url: format!("{root}kiosk/"),
        title: "自助查询".into(),
        section: "",
        vars: Box::new(move || vec![("kiosk", kiosk())]),
    });
    jobs.push(Job {
        out: "search/index.html".into(),
        template: "search.html",
        url: format!("{root}search/"),
        title: "搜索".into(),
        section: "search",
        vars: Box::new(Vec::new),
    });
    jobs.push(Job {
        out: "404.html".into(),
        template: "404.html",
        url: format!("{root}404.html"),
        title: "页面不存在".into(),
        section: "",
        vars: Box::new(Vec::new),
    });

    // Render everything in parallel.
    let site_v = site_value(site);
    let today = site.today.day.to_string();
    let page_paths: Vec<String> = jobs.iter().map(|j| j.out.clone()).collect();
    let failures: Vec<Diagnostic> = jobs
        .into_par_iter()
        .filter_map(|job| {
            let mut ctx = Context::new();
            ctx.insert("site", &site_v);
            ctx.insert("today", &today);
            ctx.insert("section", job.section);
            ctx.insert("page_url", &job.url);
            ctx.insert("permalink", &site.config.absolute(&job.url));
            ctx.insert("page_title", &job.title);
            for (k, v) in (job.vars)() {
                ctx.insert(k, &v);
            }
            match input.tera.render(job.template, &ctx) {
                Ok(html) => {
                    sink.page(job.out.clone(), html.into_bytes());
                    None
                }
                Err(e) => Some(
                    crate::diag::SourceFile::new(format!("templates/{}", job.template), "").error(
                        "E-TEMPLATE-RENDER",
                        Pos::START,
                        format!(
                            "渲染 {} 时模板出错：{}",
                            job.url,
                            theme::error_chain(&e).replace('\n', "；")
                        ),
                        "检查模板里用到的变量名（见主题 README 的上下文说明）",
                    ),
                ),
            }
        })
        .collect();
    if !failures.is_empty() {
        diags.extend(failures);
        return None;
    }
    let mut files = Files::new();
    for (path, bytes) in input.theme_statics {
        files.insert(path.clone(), Data::Bytes(bytes.clone()));
    }
    files.insert(
        "theme/highlight.css".into(),
        Data::Bytes(markdown::highlight_css().into_bytes()),
    );
    for path in &input.loaded.static_files {
        files.insert(
            path.clone(),
            Data::Copy(input.root.join("static").join(path)),
        );
    }
    for (src, out) in copies {
        files.insert(out, Data::Copy(input.root.join("content").join(src)));
    }
    let generate = |files: &mut Files, add: &dyn Fn(&mut Files)| {
        // What a generator adds goes straight to the sink: a large site's exports and search
        // index are not all held at once.
        let before: HashSet<String> = files.keys().cloned().collect();
        add(files);
        let added: Vec<String> = files
            .keys()
            .filter(|k| !before.contains(*k))
            .cloned()
            .collect();
        for path in added {
            match files.remove(&path) {
                Some(Data::Bytes(bytes)) => sink.page(path, bytes),
                Some(other) => {
                    files.insert(path, other);
                }
                None => {}
            }
        }
    };
    generate(&mut files, &|f| exports::add_exports(site, &cards, f));
    // The rendered pages already went to the sink, so the sitemap is told their paths.
    generate(&mut files, &|f| {
        feeds::add_feeds(site, &bodies, &page_paths, f)
    });
    generate(&mut files, &|f| {
        search::add_search_index(site, &cards, &bodies, f)
    });
    Some(files)
}
