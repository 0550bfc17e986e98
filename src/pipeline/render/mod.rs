//! Records → every output file. `prepare` renders the Markdown bodies (links resolved by
//! `derive::links`, broken ones reported) and gathers the files to copy into a `Prepared`, the
//! context every step below reads: `plan` lays out every page, `context` makes a page's typed
//! variables (`views`), `pages` renders them through the theme's Tera templates, and the
//! `generate` module's generators (the pages, the search index, the exports, the feeds, the
//! short links, the ledger's files) make every file: all of them for a build, one page at a
//! time as `serve` is asked.

pub mod accountability;
pub mod card_html;
mod context;
pub mod exports;
pub mod feeds;
pub mod generate;
pub mod pages;
pub mod plan;
pub mod qr;
pub mod search;
pub mod shortlink;
pub mod theme;
pub mod views;

pub use crate::pipeline::output::{Data, Files, PageSink};
use pages::Parts;
pub use pages::Prepared;

use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::images::{self, Images, Publish, Source};
use crate::markdown::{self, ImageSize, LinkKind, LinkTarget, RenderOptions, percent_decode};
use crate::pipeline::derive::links::{Links, Target};
use crate::pipeline::derive::{Entry, Site};
use crate::pipeline::load::{ContentFile, Loaded};
use crate::pipeline::model::AssetPath;
use crate::privacy::{self, PiiKind};
use crate::sheet;
use rayon::prelude::*;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use tera::Tera;

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

/// The derived site's addresses, and the published images' sizes for `<img>`.
struct AssetUrls<'a> {
    links: Links<'a>,
    images: &'a Images,
    root_dir: &'a std::path::Path,
}

impl AssetUrls<'_> {
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
                LinkKind::Image => {
                    embed_sheet(input, &assets.links, file, &target, allow, &sheet_diags)
                }
                LinkKind::Link => LinkTarget::Missing(format!(
                    "表格文件「{target}」不单独发布（隐藏的行、列和工作表会随文件公开）"
                )),
            };
        }
        match assets.links.relative(file, &target, kind == LinkKind::Link) {
            Target::Page(url) => LinkTarget::Url(url),
            Target::Asset(path) => {
                let (url, copy) = assets.links.url(&path);
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
            Target::Missing(message) => LinkTarget::Missing(message),
        }
    };
    let root = &site.config.root;
    let root_relative = |t: &str| -> LinkTarget {
        let url = if t.starts_with(root.as_str()) {
            t.to_string()
        } else {
            format!("{root}{}", t.trim_start_matches('/'))
        };
        match assets.links.published(&url) {
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
    links: &Links,
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
    let (path, rel) = match links.asset(file, name) {
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
            .find_map(|(i, _)| assets.links.bundle(&src[..i]))
            .map_or(&[][..], |i| {
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
        if let Ok(path) = assets.links.asset(file, &a.file) {
            body.copies.extend(assets.links.url(&path).1);
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

pub(crate) fn page_url(base_url: &str, n: usize) -> String {
    if n == 1 {
        base_url.to_string()
    } else {
        format!("{base_url}page/{n}/")
    }
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
        let assets = AssetUrls {
            links: Links::new(&site, loaded),
            images,
            root_dir: root,
        };
        let mut qr_urls = BTreeSet::new();
        let (bodies, mut copies) = render_bodies(&input, &assets, cache, &mut qr_urls, diags);
        let intros = render_intros(&input, &assets, &mut copies, &mut qr_urls, diags);
        bundle_copies(&input, &assets.links, &mut copies);
        let attachments = site
            .entries
            .iter()
            .map(|e| assets.links.attachments(e))
            .collect();
        refuse_runnable_attachments(&input, &assets.links, diags);
        check_published_names_and_texts(&input, &assets, &copies, diags);
        let files = files_to_publish(&input, theme_statics, images, copies, &qr_urls, diags);
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

/// A published bundle's folder is published with it, so its images and files work.
fn bundle_copies(input: &RenderInput, links: &Links, copies: &mut BTreeMap<String, String>) {
    for asset in &input.loaded.content_assets {
        // A spreadsheet is published as its table only (content.md §3.1), never as a file.
        if sheet::is_spreadsheet(asset) {
            continue;
        }
        if let Some(dir) = asset.rfind('/').map(|i| &asset[..i])
            && links.bundle(dir).is_some()
            && let (_, Some(c)) = links.url(&AssetPath::Content(asset.clone()))
        {
            copies.insert(c.0, c.1);
        }
    }
}

/// An attachment a browser would run is refused wherever it lives.
fn refuse_runnable_attachments(input: &RenderInput, links: &Links, diags: &mut Vec<Diagnostic>) {
    let mut runnable = BTreeSet::new();
    for e in input.site.entries.iter().filter(|e| !e.redacted) {
        for a in &e.rec.common.attachments {
            if let Ok(AssetPath::Static(p)) = links.asset(&e.rec.file, &a.file)
                && images::is_runnable(&p)
            {
                runnable.insert(format!("static/{p}"));
            }
        }
    }
    diags.extend(runnable.iter().map(|rel| images::runnable_error(rel)));
}

/// The files a build copies rather than renders: the theme's assets, `static/`, the content
/// files records publish (images processed on the way), and the kiosk's QR codes.
fn files_to_publish(
    input: &RenderInput,
    theme_statics: &BTreeMap<String, Vec<u8>>,
    images: &Images,
    copies: BTreeMap<String, String>,
    qr_urls: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Files {
    let root = input.root;
    let mut files = Files::new();
    let mut publish = Vec::new();
    for (path, bytes) in theme_statics {
        publish.push(Publish {
            out: path.clone(),
            rel: format!("themes/{}/static/{path}", input.site.config.theme),
            source: Source::Bytes(bytes.clone()),
            from_content: false,
        });
    }
    files.insert(
        "theme/highlight.css".into(),
        Data::Bytes(markdown::highlight_css().into_bytes()),
    );
    for path in &input.loaded.static_files {
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
    files
}
