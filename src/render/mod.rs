//! Records → pages. `prepare` renders the Markdown bodies (reporting broken links) and gathers
//! the files to copy; `pages::Prepared` then renders any page of output.md through the theme's
//! Tera templates: all of them in parallel for a build, one at a time as `serve` is asked.

pub mod accountability;
pub mod card_html;
pub mod exports;
pub mod feeds;
pub mod pages;
pub mod qr;
pub mod search;
pub mod shortlink;
pub mod theme;
pub mod views;

use pages::Parts;
pub use pages::Prepared;

use crate::derive::{Entry, Site};
use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::images::{self, Images, Publish, Source};
use crate::load::{ContentFile, Loaded};
use crate::markdown::{self, ImageSize, LinkKind, LinkTarget, RenderOptions, percent_decode};
use crate::model::{AssetPath, normalize, resolve_asset};
use crate::privacy::{self, PiiKind};
use crate::sheet;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use tera::Tera;

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
    /// Rough height of the body on an A4 sheet in CSS px: the body's share of
    /// `record.print_weight` (`pages::sheet_weight` adds the rest of the sheet).
    pub print_weight: u32,
}

/// The body's share of a printed sheet's height: characters, table rows, paragraphs and list
/// items, weighted as the default theme's print style sets them. Computed here once rather than
/// by string filters in every template render.
fn print_weight(html: &str, text: &str) -> u32 {
    let count = |pat: &str| html.matches(pat).count() as f64 + 1.0;
    let chars = text.chars().count() as f64;
    let estimate = chars * 0.45 + count("<tr") * 27.0 + count("<p>") * 12.0 + count("<li") * 20.0;
    estimate.round() as u32
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
    /// Every published record's URL → its entry.
    page_urls: HashMap<&'a str, usize>,
    images: &'a Images,
    root_dir: &'a std::path::Path,
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

    /// A raster image's size and copies as published at `url`; `None` for anything else, and
    /// for an image that cannot be published (publishing it reports why).
    fn image_size(&self, path: &AssetPath, url: &str) -> Option<ImageSize> {
        let rel = match path {
            AssetPath::Static(p) => format!("static/{p}"),
            AssetPath::Content(p) => format!("content/{p}"),
        };
        if !images::is_raster(&rel) {
            return None;
        }
        let processed = self.images.get(&rel, &self.root_dir.join(&rel)).ok()?;
        let src = processed.src();
        let url_of = |width: u32| {
            if width == processed.full.width {
                url.to_string()
            } else {
                images::copy_name(url, width)
            }
        };
        let mut srcset: Vec<(String, u32)> = processed
            .smaller
            .iter()
            .map(|c| (url_of(c.width), c.width))
            .collect();
        if !srcset.is_empty() {
            srcset.push((url.to_string(), processed.full.width));
        }
        Some(ImageSize {
            src: url_of(src.width),
            width: src.width,
            height: src.height,
            srcset,
            sizes: images::SIZES,
        })
    }
}

impl AssetUrls<'_> {
    /// Whether a root-relative URL (already under the site's root) is something the site
    /// publishes: a record's page, a page the build makes, a file of `static/` or `content/`.
    fn published(&self, url: &str, loaded: &Loaded) -> Result<(), String> {
        let site = self.site;
        let path = url.split(['#', '?']).next().unwrap_or(url);
        let Some(rest) = path.strip_prefix(site.config.root.as_str()) else {
            return Ok(());
        };
        let rest = markdown::percent_decode(rest);
        let Some(norm) = normalize(&rest) else {
            return Err(format!("链接「{path}」超出了网站目录"));
        };
        if norm.is_empty()
            || norm == "index.html"
            || loaded.static_files.contains(&norm)
            || loaded.content_assets.contains(&norm)
            || norm
                .strip_prefix("static/")
                .is_some_and(|p| loaded.static_files.contains(p))
        {
            return Ok(());
        }
        let page = norm.strip_suffix("/index.html").unwrap_or(&norm);
        let top = page.split('/').next().unwrap_or_default();
        let sections = ["notices", "meetings", "problems", "services"];
        // The build's own pages (lists, tags, search, feeds, exports …) are not checked one by one,
        // except a record section's: `/notices/x/` must be a published notice.
        if crate::derive::RESERVED.contains(&top) && !sections.contains(&top) {
            return Ok(());
        }
        let mut parts = page.split('/');
        let second = parts.nth(1).unwrap_or_default();
        if sections.contains(&top) && (second.is_empty() || second == "page") {
            return Ok(());
        }
        let root = site.config.root.as_str();
        let wanted = format!("{root}{page}/");
        if self.page_urls.contains_key(wanted.as_str()) {
            return Ok(());
        }
        // A file inside a published bundle's folder.
        let full = format!("{root}{norm}");
        let mut cut = full.as_str();
        while let Some(i) = cut
            .get(..cut.len().saturating_sub(1))
            .and_then(|c| c.rfind('/'))
        {
            cut = &full[..=i];
            if let Some(&e) = self.page_urls.get(cut) {
                let file = &site.entries[e].rec.file;
                let inner = &full[cut.len()..];
                if file.bundle
                    && loaded
                        .content_assets
                        .contains(&format!("{}/{inner}", file.dir))
                {
                    return Ok(());
                }
                break;
            }
        }
        // A Markdown file that would be this page but is not published, or has its own errors
        // (reported there, not again here).
        let would_be = |rel: &str| {
            let stem = rel.strip_suffix(".md").unwrap_or(rel);
            let stem = stem.strip_suffix("/index").unwrap_or(stem);
            let path: Vec<String> = stem.split('/').map(crate::slug::slugify).collect();
            path.join("/") == page
        };
        if let Some(rel) = self
            .markdown_files
            .iter()
            .find(|rel| !site.by_path.contains_key(**rel) && would_be(rel))
        {
            return if site.unpublished.contains(*rel) {
                Err(format!(
                    "链接的页面「{path}」没有发布（草稿、未审批或已下架）"
                ))
            } else {
                Ok(())
            };
        }
        Err(format!(
            "网站里没有「{path}」：以 / 开头的链接要指向 static/ 里的文件（写成 /文件名）或网站里的页面"
        ))
    }
}

/// What the Markdown stage reads.
struct RenderInput<'a> {
    site: &'a Site,
    loaded: &'a Loaded,
    /// The site root: embedded spreadsheets are read from below it.
    root: &'a std::path::Path,
}

/// One Markdown file rendered with its links resolved: the body, the assets it needs copied, and a
/// diagnostic for every link whose target does not exist.
struct MarkdownBody {
    out: markdown::Rendered,
    copies: Vec<(String, String)>,
    diags: Vec<Diagnostic>,
}

fn render_markdown(
    input: &RenderInput,
    assets: &AssetUrls,
    file: &ContentFile,
    allow: &[PiiKind],
) -> MarkdownBody {
    let site = input.site;
    let opts = RenderOptions {
        allow_raw_html: site.config.allow_raw_html,
        qr: Some(markdown::QrLinks {
            root: &site.config.root,
            own: &site.config.base_url,
        }),
    };
    let copies = RefCell::new(Vec::new());
    let sheet_diags = RefCell::new(Vec::new());
    let resolve = |target: &str, kind: LinkKind| -> LinkTarget {
        // The Markdown stage has already percent-decoded the target.
        let target = target.to_string();
        let path_part = target.split('#').next().unwrap_or_default();
        if sheet::is_spreadsheet(path_part) {
            return match kind {
                LinkKind::Image => embed_sheet(input, file, &target, allow, &sheet_diags),
                LinkKind::Link => LinkTarget::Missing(format!(
                    "表格文件「{target}」不单独发布（隐藏的行、列和工作表会随文件公开）"
                )),
            };
        }
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
                let size = match kind {
                    LinkKind::Image => assets.image_size(&path, &url),
                    LinkKind::Link => None,
                };
                match size {
                    Some(size) => LinkTarget::Image(size),
                    None => LinkTarget::Url(url),
                }
            }
            Err(message) => LinkTarget::Missing(message),
        }
    };
    let root = &site.config.root;
    let root_relative = |t: &str| -> LinkTarget {
        let url = if t.starts_with(root.as_str()) {
            t.to_string()
        } else {
            format!("{root}{}", t.trim_start_matches('/'))
        };
        match assets.published(&url, input.loaded) {
            Ok(()) => LinkTarget::Url(url),
            Err(message) => LinkTarget::Missing(message),
        }
    };
    let out = markdown::render(file.body(), &opts, &resolve, &root_relative);
    if let Some(too_large) = out.too_large {
        let (code, offset, message, help) = match too_large {
            markdown::TooLarge::Elements(offset) => (
                "E-PAGE-TOO-LARGE",
                offset,
                format!(
                    "这一页的内容太多：段落、链接、强调、列表项等超过了 {} 个，到这里已经超出",
                    markdown::MAX_PAGE_ELEMENTS
                ),
                "把内容分成几条记录，或者把长的名单、明细做成表格文件（.xlsx）用 ![标题](文件名.xlsx) 嵌入",
            ),
            markdown::TooLarge::TableCells(offset) => (
                "E-TABLE-TOO-LARGE",
                offset,
                format!(
                    "这一页的表格太大：单元格超过了 {} 个，到这里已经超出",
                    markdown::MAX_TABLE_CELLS
                ),
                "去掉用不着的列，或者把表格分到几条记录里；很长的名单可以做成表格文件（.xlsx）嵌入",
            ),
        };
        let pos = file.source.pos_of(file.body_offset + offset);
        return MarkdownBody {
            out,
            copies: Vec::new(),
            diags: vec![file.source.error(code, pos, message, help)],
        };
    }
    let mut diags: Vec<Diagnostic> = out
        .broken_links
        .iter()
        .map(|broken| {
            let pos: Pos = file.source.pos_of(file.body_offset + broken.offset);
            let target = percent_decode(&broken.target);
            if sheet::is_spreadsheet(target.split(['#', '?']).next().unwrap_or_default()) {
                file.source.error(
                    "E-SHEET",
                    pos,
                    broken.message.clone(),
                    "嵌入表格写 ![表格标题](文件名.xlsx) 或 ![表格标题](文件名.xlsx#工作表名)；核对文件名和工作表名",
                )
            } else {
                file.source.error(
                    "E-LINK",
                    pos,
                    broken.message.clone(),
                    "核对链接里的文件名和相对路径（../ 表示上一级文件夹）",
                )
            }
        })
        .collect();
    for &offset in &out.missing_alt {
        diags.push(file.source.warning(
            "W-IMAGE-ALT",
            file.source.pos_of(file.body_offset + offset),
            "图片没有替代文字：看不见图片的居民（读屏软件）不知道图上是什么",
            "在 ![ ] 的方括号里写一句图片的内容，例如 ![居民议事会现场](photo.jpg)",
        ));
    }
    diags.extend(sheet_diags.into_inner());
    MarkdownBody {
        out,
        copies: copies.into_inner(),
        diags,
    }
}

/// A spreadsheet embedded by `![caption](target)`: its visible table, every cell checked for
/// personal numbers (content.md §4), each hit reported at the spreadsheet's row and column.
fn embed_sheet(
    input: &RenderInput,
    file: &ContentFile,
    target: &str,
    allow: &[PiiKind],
    diags: &RefCell<Vec<Diagnostic>>,
) -> LinkTarget {
    let (name, sheet_name) = match target.split_once('#') {
        Some((n, s)) if !s.is_empty() => (n, Some(s)),
        Some((n, _)) => (n, None),
        None => (target, None),
    };
    let (path, rel) = match resolve_asset(file, name, input.loaded) {
        Ok(AssetPath::Content(p)) => (input.root.join("content").join(&p), format!("content/{p}")),
        Ok(AssetPath::Static(p)) => (input.root.join("static").join(&p), format!("static/{p}")),
        Err(_) => return LinkTarget::Missing(format!("找不到表格文件「{name}」")),
    };
    let table = match sheet::read(&path, sheet_name) {
        Ok(t) => t,
        Err(why) => return LinkTarget::Missing(format!("表格「{name}」不能嵌入：{why}")),
    };
    let source = SourceFile::new(rel, "");
    let mut found = diags.borrow_mut();
    for row in &table.rows {
        for cell in &row.cells {
            for hit in privacy::scan(&cell.text) {
                if !allow.contains(&hit.kind) {
                    found.push(privacy::error(
                        &source,
                        Pos::new(row.number, cell.col),
                        &format!("{} ", table.cell_name(row.number, cell.col)),
                        &hit,
                    ));
                }
            }
        }
    }
    LinkTarget::Table(Arc::new(table))
}

/// Text files a browser shows as they are; each is published text (content.md §4).
const TEXT_EXTENSIONS: [&str; 5] = ["txt", "csv", "md", "json", "xml"];

/// Text files larger than this are not read for checking (nobody publishes such a notice).
const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

/// content.md §4 beyond bodies and front matter: the names of files and folders that become URLs
/// (record URLs, copied files, `static/`), and the text of published text files.
fn check_published_names_and_texts(
    input: &RenderInput,
    assets: &AssetUrls,
    copies: &BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) {
    let name_error = |source: &SourceFile, hit: &privacy::PiiHit| {
        let mut d = privacy::error(source, Pos::START, "文件或文件夹的名字（网址）里", hit);
        d.help = "给文件或文件夹改个不含号码的名字；记录也可以用 slug 另定网址".into();
        d
    };
    let root = &input.site.config.root;
    for e in &input.site.entries {
        let path = e.url.strip_prefix(root.as_str()).unwrap_or(&e.url);
        for hit in privacy::scan(&percent_decode(path)) {
            diags.push(name_error(&e.rec.file.source, &hit));
        }
    }
    let mut check = |rel: String, out: &str, disk: PathBuf, allow: &[PiiKind]| {
        let empty = SourceFile::new(rel.as_str(), "");
        for hit in privacy::scan(out) {
            diags.push(name_error(&empty, &hit));
        }
        let is_text = out
            .rsplit_once('.')
            .is_some_and(|(_, ext)| TEXT_EXTENSIONS.iter().any(|t| ext.eq_ignore_ascii_case(t)));
        let small = std::fs::metadata(&disk).is_ok_and(|m| m.len() <= MAX_TEXT_BYTES);
        if is_text
            && small
            && let Ok(bytes) = std::fs::read(&disk)
            && let Ok(text) = sheet::decode_text(&bytes)
        {
            privacy::check_text(&SourceFile::new(rel, text), allow, diags);
        }
    };
    for (src, out) in copies {
        // The record whose bundle holds the file: its privacy_allow applies to it.
        let allow = src
            .match_indices('/')
            .rev()
            .find_map(|(i, _)| assets.bundle_dirs.get(&src[..i]))
            .map_or(&[][..], |&i| {
                &input.site.entries[i].rec.common.privacy_allow[..]
            });
        let disk = input.root.join("content").join(src);
        check(format!("content/{src}"), out, disk, allow);
    }
    for path in &input.loaded.static_files {
        if !sheet::is_spreadsheet(path) {
            let disk = input.root.join("static").join(path);
            check(format!("static/{path}"), path, disk, &[]);
        }
    }
}

/// One record's body as rendered, with what rendering it found: kept by `serve` between builds.
#[derive(Clone)]
struct BodyOutcome {
    body: Arc<Rendered>,
    diags: Vec<Diagnostic>,
    copies: Vec<(String, String)>,
    /// The URLs of the links that leave the site, whose QR codes the build makes.
    qr_urls: Vec<String>,
}

/// Record bodies of an earlier build by content path, with the file text each came from; valid
/// while `world` (every record's path, URL and visibility, and what `ParseCache` keys on) holds.
#[derive(Default)]
pub struct BodyCache {
    world: u64,
    bodies: HashMap<String, (Arc<str>, bool, BodyOutcome)>,
}

fn render_body(input: &RenderInput, assets: &AssetUrls, e: &Entry) -> BodyOutcome {
    if e.redacted {
        let empty = Rendered {
            html: String::new(),
            text: String::new(),
            summary: String::new(),
            print_weight: 0,
        };
        return BodyOutcome {
            body: Arc::new(empty),
            diags: Vec::new(),
            copies: Vec::new(),
            qr_urls: Vec::new(),
        };
    }
    let file = &e.rec.file;
    let mut body = render_markdown(input, assets, file, &e.rec.common.privacy_allow);
    for a in &e.rec.common.attachments {
        if let Ok(path) = resolve_asset(file, &a.file, input.loaded) {
            body.copies.extend(assets.url(&path).1);
        }
    }
    let summary = match &e.rec.common.summary {
        Some(s) => s.clone(),
        None => markdown::summarize(&body.out.first_paragraph, 120),
    };
    // Every body is held until the last page is written: each in a buffer of its own size,
    // not in the one it grew in (up to twice as big; shrinking it in place frees nothing when
    // the allocator keeps a block that is still at least half used).
    let rendered = Rendered {
        print_weight: print_weight(&body.out.html, &body.out.text),
        html: body.out.html.as_str().to_owned(),
        text: body.out.text.as_str().to_owned(),
        summary,
    };
    BodyOutcome {
        body: Arc::new(rendered),
        diags: body.diags,
        copies: body.copies,
        qr_urls: body.out.qr_urls,
    }
}

/// Renders every record body (only the changed ones when `cache` holds the rest); reports broken
/// links; returns the bodies and the assets to copy, and adds the URLs that need a QR code to
/// `qr_urls`.
fn render_bodies(
    input: &RenderInput,
    assets: &AssetUrls,
    cache: Option<(u64, &mut BodyCache)>,
    qr_urls: &mut BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Arc<Rendered>>, BTreeMap<String, String>) {
    let cache = cache.map(|(world, c)| {
        if c.world != world {
            c.bodies.clear();
            c.world = world;
        }
        c
    });
    let known = cache.as_deref();
    let results: Vec<(BodyOutcome, bool)> = input
        .site
        .entries
        .par_iter()
        .map(|e| {
            let text = &e.rec.file.source.text;
            if let Some((old, redacted, outcome)) =
                known.and_then(|c| c.bodies.get(&e.rec.file.rel))
                && *redacted == e.redacted
                && (Arc::ptr_eq(old, text) || **old == **text)
            {
                return (outcome.clone(), false);
            }
            (render_body(input, assets, e), true)
        })
        .collect();
    if let Some(c) = cache {
        c.bodies
            .retain(|rel, _| input.site.by_path.contains_key(rel));
        for (e, (outcome, fresh)) in input.site.entries.iter().zip(&results) {
            if *fresh {
                let key = (e.rec.file.source.text.clone(), e.redacted, outcome.clone());
                c.bodies.insert(e.rec.file.rel.clone(), key);
            }
        }
    }
    let mut copies = BTreeMap::new();
    let mut bodies = Vec::with_capacity(results.len());
    for (outcome, _) in results {
        diags.extend(outcome.diags);
        copies.extend(outcome.copies);
        qr_urls.extend(outcome.qr_urls);
        bodies.push(outcome.body);
    }
    (bodies, copies)
}

/// The `_index.md` texts of the home page and the record sections: (title, HTML) by folder.
fn render_intros(
    input: &RenderInput,
    assets: &AssetUrls,
    copies: &mut BTreeMap<String, String>,
    qr_urls: &mut BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, (Option<String>, String)> {
    let mut intros = HashMap::new();
    for page in &input.site.indexes {
        let body = render_markdown(input, assets, &page.file, &[]);
        diags.extend(body.diags);
        copies.extend(body.copies);
        qr_urls.extend(body.out.qr_urls);
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
    // Only the pages a pager links to (the ends and three either side of this one): the full list
    // on every page of a list would make the list's pages quadratic in its length.
    let pages: Vec<Value> = (1..=total_pages)
        .filter(|&n| n == 1 || n == total_pages || n.abs_diff(number) <= 3)
        .map(|n| json!({"number": n, "url": url_of(n), "current": n == number}))
        .collect();
    let mut paginator = json!({
        "number": number,
        "total_pages": total_pages,
        "total_items": total_items,
        "previous_url": (number > 1).then(|| url_of(number - 1)),
        "next_url": (number < total_pages).then(|| url_of(number + 1)),
        "first_url": url_of(1),
        "pages": pages,
    });
    // Moved in, not through `json!`, which would copy every card once more.
    paginator["items"] = Value::Array(items);
    paginator
}

/// The cards of a build, by entry index (made on first use).
pub struct Cards<'a>(&'a Prepared);

impl std::ops::Index<usize> for Cards<'_> {
    type Output = Value;
    fn index(&self, i: usize) -> &Value {
        self.0.card_of(i)
    }
}

/// Markdown bodies, section introductions and the files to copy: everything of a build that
/// needs the loaded files; the pages themselves are rendered from the result.
pub fn prepare(
    site: Site,
    loaded: &Loaded,
    tera: Arc<Tera>,
    theme_statics: &BTreeMap<String, Vec<u8>>,
    images: &Images,
    cache: Option<(u64, &mut BodyCache)>,
    diags: &mut Vec<Diagnostic>,
) -> Prepared {
    // Images are read below the site root, as every file to publish is.
    let root = images.root();
    let parts = {
        let input = RenderInput {
            site: &site,
            loaded,
            root,
        };
        let bundle_dirs: HashMap<&str, usize> = site
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.rec.file.bundle && !e.redacted)
            .map(|(i, e)| (e.rec.file.dir.as_str(), i))
            .collect();
        let markdown_files = loaded.files.iter().map(|f| f.rel.as_str()).collect();
        let page_urls = site
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.url.as_str(), i))
            .collect();
        let assets = AssetUrls {
            site: &site,
            bundle_dirs,
            markdown_files,
            page_urls,
            images,
            root_dir: root,
        };
        let mut qr_urls = BTreeSet::new();
        let (bodies, mut copies) = render_bodies(&input, &assets, cache, &mut qr_urls, diags);
        let intros = render_intros(&input, &assets, &mut copies, &mut qr_urls, diags);
        // A published bundle's folder is published with it, so its images and files work.
        for asset in &loaded.content_assets {
            // A spreadsheet is published as its table only (content.md §3.1), never as a file.
            if sheet::is_spreadsheet(asset) {
                continue;
            }
            if let Some(dir) = asset.rfind('/').map(|i| &asset[..i])
                && assets.bundle_dirs.contains_key(dir)
                && let (_, Some(c)) = assets.url(&AssetPath::Content(asset.clone()))
            {
                copies.insert(c.0, c.1);
            }
        }
        let attachments = site
            .entries
            .iter()
            .map(|e| {
                if e.redacted {
                    return json!([]);
                }
                json!(e.rec.common.attachments.iter().filter_map(|a| {
                    let path = resolve_asset(&e.rec.file, &a.file, loaded).ok()?;
                    Some(json!({"title": a.title, "url": assets.url(&path).0, "file": a.file}))
                }).collect::<Vec<_>>())
            })
            .collect();
        // An attachment a browser would run is refused wherever it lives.
        let mut runnable = std::collections::BTreeSet::new();
        for e in site.entries.iter().filter(|e| !e.redacted) {
            for a in &e.rec.common.attachments {
                if let Ok(AssetPath::Static(p)) = resolve_asset(&e.rec.file, &a.file, loaded)
                    && images::is_runnable(&p)
                {
                    runnable.insert(format!("static/{p}"));
                }
            }
        }
        diags.extend(runnable.iter().map(|rel| images::runnable_error(rel)));
        check_published_names_and_texts(&input, &assets, &copies, diags);
        let mut files = Files::new();
        let mut publish = Vec::new();
        for (path, bytes) in theme_statics {
            publish.push(Publish {
                out: path.clone(),
                rel: format!("themes/{}/static/{path}", site.config.theme),
                source: Source::Bytes(bytes.clone()),
                from_content: false,
            });
        }
        files.insert(
            "theme/highlight.css".into(),
            Data::Bytes(markdown::highlight_css().into_bytes()),
        );
        for path in &loaded.static_files {
            if !sheet::is_spreadsheet(path) {
                publish.push(Publish {
                    out: path.clone(),
                    rel: format!("static/{path}"),
                    source: Source::File(root.join("static").join(path)),
                    from_content: false,
                });
            }
        }
        for (src, out) in copies {
            publish.push(Publish {
                out,
                source: Source::File(root.join("content").join(&src)),
                rel: format!("content/{src}"),
                from_content: true,
            });
        }
        images::publish(images, publish, &mut files, diags);
        // The QR codes the kiosk shows for links that leave the site (a static file of the same
        // name wins, as a static file of a page's name does).
        let codes: Vec<(String, Vec<u8>)> = qr_urls
            .par_iter()
            .map(|url| (markdown::qr_file(url), qr::svg(url).into_bytes()))
            .collect();
        for (name, svg) in codes {
            if !svg.is_empty() {
                files.entry(name).or_insert(Data::Bytes(svg));
            }
        }
        Parts {
            tera,
            bodies,
            attachments,
            intros,
            files,
        }
    };
    Prepared::new(site, parts)
}
