//! Raw content files → typed records, with every mistake of every file reported.

mod items_from;
mod kinds;
pub mod leftovers;
pub mod typing;

pub use kinds::*;

use crate::calendar::Calendar;
use crate::dates::{DateValue, DayError, day_error, parse_date_value, read_day};
use crate::diag::{Diagnostic, Pos, Severity, SourceFile};
use crate::enums::AfterExpiry;
use crate::pipeline::config::SiteConfig;
use crate::pipeline::load::{ContentFile, Loaded, Section};
use crate::privacy::{self, PiiKind};
use crate::yaml::{self, Fields, Node};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

pub const COMMON_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "slug",
    "summary",
    "tags",
    "org",
    "draft",
    "attachments",
    "approval",
    "expires",
    "after_expiry",
    "privacy_allow",
    "extra",
];

#[derive(Debug, Clone)]
pub struct Attachment {
    pub file: String,
    pub title: String,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Approval {
    pub reviewed_by: String,
    pub approved_by: String,
    pub approved_on: Date,
}

/// The fields every record shares (content.md §2).
#[derive(Debug, Clone)]
pub struct Common {
    pub title: String,
    pub date: Option<DateValue>,
    pub updated: Option<Date>,
    pub slug: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub org: Option<String>,
    pub draft: bool,
    pub attachments: Vec<Attachment>,
    /// Present only when complete.
    pub approval: Option<Approval>,
    pub expires: Option<Date>,
    pub after_expiry: AfterExpiry,
    pub privacy_allow: Vec<PiiKind>,
    pub extra: serde_json::Value,
}

#[derive(Debug, Clone)]
pub enum Body {
    Meeting(Meeting),
    Notice(Notice),
    Problem(Problem),
    Service(ServiceList),
    Page,
}

/// Tags one record may carry.
pub const MAX_TAGS: usize = 50;

#[derive(Debug, Clone)]
pub struct Record {
    pub file: ContentFile,
    pub common: Common,
    pub body: Body,
}

impl Record {
    pub fn date(&self) -> Option<Date> {
        self.common.date.map(|d| d.day)
    }
}

/// A section's or the home page's own text (`_index.md`).
#[derive(Debug, Clone)]
pub struct IndexPage {
    pub file: ContentFile,
    pub title: Option<String>,
    pub extra: serde_json::Value,
}

pub struct Model {
    /// Shared with `serve`'s cache, so an unchanged record is not copied on every rebuild.
    pub records: Vec<Arc<Record>>,
    pub indexes: Vec<IndexPage>,
    /// Files that could not be read as records: left out of checks that span files, so their
    /// one mistake causes no other errors elsewhere.
    pub failed: Vec<ContentFile>,
}

/// What a record's front matter may refer to outside itself.
pub struct Context<'a> {
    pub config: &'a SiteConfig,
    /// The site root, for spreadsheets read by `items_from`.
    pub root: &'a std::path::Path,
    pub calendar: &'a Calendar,
    pub loaded: &'a Loaded,
}

/// Files parsed by an earlier build, with what parsing them gave, valid while `world` (the site's
/// configuration, calendar and file list, which parsing also reads) stays the same.
#[derive(Default)]
pub struct ParseCache {
    world: u64,
    files: HashMap<String, (Arc<str>, ParseOutcome)>,
}

type ParseOutcome = (Option<Parsed>, Vec<Diagnostic>);

/// Parses every file; with `serve`'s cache, again only the files whose text changed since it was
/// filled. `cache` is `(world fingerprint, cache)`.
pub fn build_model(
    ctx: &Context,
    cache: Option<(u64, &mut ParseCache)>,
    diags: &mut Vec<Diagnostic>,
) -> Model {
    let cache = cache.map(|(world, c)| {
        if c.world != world {
            c.files.clear();
            c.world = world;
        }
        c
    });
    let known = cache.as_deref();
    let results: Vec<(Option<Parsed>, Vec<Diagnostic>, bool)> = ctx
        .loaded
        .files
        .par_iter()
        .map(|file| {
            if let Some((text, (parsed, ds))) = known.and_then(|c| c.files.get(&file.rel))
                && (Arc::ptr_eq(text, &file.source.text) || **text == *file.source.text)
            {
                return (parsed.clone(), ds.clone(), false);
            }
            let mut ds = Vec::new();
            let parsed = parse_file(file, ctx, &mut ds);
            (parsed, ds, true)
        })
        .collect();
    if let Some(c) = cache {
        let present: HashSet<&str> = ctx.loaded.files.iter().map(|f| f.rel.as_str()).collect();
        c.files.retain(|rel, _| present.contains(rel.as_str()));
        for (file, (parsed, ds, fresh)) in ctx.loaded.files.iter().zip(&results) {
            if *fresh {
                c.files.insert(
                    file.rel.clone(),
                    (file.source.text.clone(), (parsed.clone(), ds.clone())),
                );
            }
        }
    }
    let mut model = Model {
        records: Vec::new(),
        indexes: Vec::new(),
        failed: Vec::new(),
    };
    for (file, (parsed, ds, _)) in ctx.loaded.files.iter().zip(results) {
        diags.extend(ds);
        match parsed {
            Some(Parsed::Record(r)) => model.records.push(r),
            Some(Parsed::Index(i)) => model.indexes.push(*i),
            None => model.failed.push(file.clone()),
        }
    }
    model
}

#[derive(Clone)]
pub enum Parsed {
    Record(Arc<Record>),
    Index(Box<IndexPage>),
}

fn parse_file(file: &ContentFile, ctx: &Context, diags: &mut Vec<Diagnostic>) -> Option<Parsed> {
    let before = diags.len();
    let parsed = parse_record_file(file, ctx, diags);
    // Sample text is looked for only in a file with no other mistake: one mistake, one message.
    if parsed.is_some()
        && !diags[before..]
            .iter()
            .any(|d| d.severity == Severity::Error)
    {
        let yaml = file.front_matter.as_ref().map(|fm| leftovers::YamlLines {
            first: 2,
            last: crate::diag::to_u32(fm.text.lines().count() + 1),
        });
        leftovers::sample_text(&file.source, yaml, diags);
        typing::fullwidth_links(&file.source, file.body_offset, diags);
    }
    parsed
}

fn parse_record_file(
    file: &ContentFile,
    ctx: &Context,
    diags: &mut Vec<Diagnostic>,
) -> Option<Parsed> {
    let src = &file.source;
    if file.is_index {
        return parse_index(file, diags).map(|i| Parsed::Index(Box::new(i)));
    }
    let Some(fm) = &file.front_matter else {
        if let Some(d) = wrong_dashes(src, 0).filter(|d| d.line == 1) {
            diags.push(d);
            return None;
        }
        diags.push(src.error(
            "E-NO-FRONT-MATTER",
            Pos::START,
            "文件开头缺少字段区（两行 --- 之间的 title 等字段）",
            "在第一行写 ---，接着写 title: 标题 等字段，再写一行 --- 后开始正文",
        ));
        return None;
    };
    if !fm.closed {
        if let Some(d) = wrong_dashes(src, 1) {
            diags.push(d);
            return None;
        }
        diags.push(src.error(
            "E-FRONT-MATTER-OPEN",
            Pos::START,
            "字段区没有结束的 `---` 行",
            "在字段写完后单独写一行 ---，正文从下一行开始",
        ));
        return None;
    }
    // A Chinese keyboard's mistakes are reported, and the rest of the file is still checked.
    let (root, mistakes) = yaml::parse_mending(src, &fm.text, 1);
    let parsed = match (root, mistakes.is_empty()) {
        (Some(root), _) => Ok(Some(root)),
        (None, true) => Ok(None),
        (None, false) => Err(Vec::new()),
    };
    diags.extend(mistakes);
    let root = match parsed {
        Ok(Some(root)) => root,
        Ok(None) => {
            diags.push(src.error(
                "E-FIELD-MISSING",
                Pos::new(2, 1),
                "字段区是空的，缺少必填字段 `title`（标题）",
                "在两行 --- 之间写上 title: 标题",
            ));
            return None;
        }
        Err(mistakes) => {
            diags.extend(mistakes);
            return None;
        }
    };
    let (allowed, what) = kinds::allowed_keys(file.section);
    let f = Fields::read(src, &root, &allowed, what, diags)?;
    let common = read_common(file, &f, ctx, diags);
    let body = match file.section {
        Section::Meetings => kinds::read_meeting(&f, ctx, diags).map(Body::Meeting),
        Section::Notices => kinds::read_notice(&f, ctx, diags).map(Body::Notice),
        Section::Problems => {
            kinds::read_problem(&f, common.as_ref().and_then(|c| c.date), diags).map(Body::Problem)
        }
        Section::Services => {
            let allow = privacy_allow_as_written(&f);
            kinds::read_service(file, &f, ctx, &allow, diags).map(Body::Service)
        }
        Section::Pages => Some(Body::Page),
    };
    // Personal numbers are reported even when another field is wrong: an independent mistake.
    let allow = match &common {
        Some(c) => c.privacy_allow.clone(),
        None => privacy_allow_as_written(&f),
    };
    check_privacy(file, &root, &allow, diags);
    let common = common?;
    Some(Parsed::Record(Arc::new(Record {
        file: file.clone(),
        common,
        body: body?,
    })))
}

/// A `---` line typed with the wrong dashes (——, －－－, ——— from a Chinese keyboard, or two or
/// four hyphens), from line `skip` + 1 on: the first such line.
fn wrong_dashes(src: &SourceFile, skip: usize) -> Option<Diagnostic> {
    const DASHES: &[char] = &['-', '—', '－', '–', '―', '─', '━', '﹣'];
    let (i, line) = src.text.lines().enumerate().skip(skip).find(|(_, l)| {
        let t = l.trim().trim_start_matches('\u{feff}');
        t.chars().count() >= 2 && t != "---" && t.chars().all(|c| DASHES.contains(&c))
    })?;
    let written = line.trim().trim_start_matches('\u{feff}');
    let col = line
        .chars()
        .take_while(|c| c.is_whitespace() || *c == '\u{feff}')
        .count()
        + 1;
    Some(src.error(
        "E-FRONT-MATTER-DASH",
        Pos::new(crate::diag::to_u32(i + 1), crate::diag::to_u32(col)),
        format!("分隔行写成了「{written}」，字段区的开头和结尾要各写一行三个英文减号 ---"),
        "切换到英文输入法，这一行只写 ---（三个减号，前后不要有别的字）",
    ))
}

fn parse_index(file: &ContentFile, diags: &mut Vec<Diagnostic>) -> Option<IndexPage> {
    let src = &file.source;
    let mut page = IndexPage {
        file: file.clone(),
        title: None,
        extra: serde_json::Value::Null,
    };
    let Some(fm) = &file.front_matter else {
        return Some(page);
    };
    if !fm.closed {
        diags.push(src.error(
            "E-FRONT-MATTER-OPEN",
            Pos::START,
            "字段区没有结束的 `---` 行",
            "在字段写完后单独写一行 ---",
        ));
        return None;
    }
    match yaml::parse(src, &fm.text, 1) {
        Ok(Some(root)) => {
            let f = Fields::read(src, &root, &["title", "extra"], "_index.md ", diags)?;
            page.title = f.str("title", diags);
            page.extra = f
                .get("extra")
                .map_or(serde_json::Value::Null, Node::to_json);
            check_privacy(file, &root, &[], diags);
        }
        Ok(None) => {}
        Err(mistakes) => {
            diags.extend(mistakes);
            return None;
        }
    }
    Some(page)
}

pub fn read_date(f: &Fields, key: &str, diags: &mut Vec<Diagnostic>) -> Option<Date> {
    let node = f.get(key)?;
    let text = node.scalar().unwrap_or_default();
    match read_day(text) {
        Ok(d) => Some(d),
        Err(e) => {
            diags.push(date_error(f, node, key, e));
            None
        }
    }
}

/// A day that does not exist is named as such; anything else is shown the forms a date takes.
pub fn date_error(f: &Fields, node: &Node, key: &str, e: DayError) -> Diagnostic {
    let (message, help) = e.explain();
    match e {
        DayError::NotADate => f.type_error(node, key, "日期", &help),
        _ => f.file.error(
            "E-DATE-IMPOSSIBLE",
            node.pos,
            format!("字段 `{key}` 的日期不存在：{message}"),
            help,
        ),
    }
}

/// Whether a file's front matter says `draft: true` (read on its own, so that a draft whose other
/// fields are wrong is still known as one).
pub fn front_matter_says_draft(src: &SourceFile, text: &str) -> bool {
    if !text.contains("draft") {
        return false;
    }
    let Ok(Some(root)) = yaml::parse(src, text, 1) else {
        return false;
    };
    root.as_map().is_some_and(|m| {
        m.iter().any(|(k, v)| {
            k.scalar() == Some("draft") && v.scalar().and_then(yaml::parse_bool) == Some(true)
        })
    })
}

fn read_common(
    file: &ContentFile,
    f: &Fields,
    ctx: &Context,
    diags: &mut Vec<Diagnostic>,
) -> Option<Common> {
    let title = f.req_str(
        "title",
        "标题",
        "例如 title: 关于5号楼加装电梯的公示",
        diags,
    );
    let date = match f.get("date") {
        Some(node) => match node
            .scalar()
            .and_then(|s| parse_date_value(s, &ctx.config.tz))
        {
            Some(d) => Some(d),
            None => {
                let e = day_error(node.scalar().unwrap_or_default());
                diags.push(match e {
                    DayError::NotADate => f.type_error(
                        node,
                        "date",
                        "日期",
                        "写成 2026-11-05（也可以写 2026/11/5 或 2026年11月5日），或带时间的 2026-11-05T14:30:00+08:00",
                    ),
                    _ => date_error(f, node, "date", e),
                });
                None
            }
        },
        None => {
            if file.section != Section::Pages {
                diags.push(f.missing("date", "日期", "例如 date: 2026-11-05"));
            }
            None
        }
    };
    let updated = read_date(f, "updated", diags);
    let slug = f.str("slug", diags);
    if let (Some(s), Some(node)) = (&slug, f.get("slug"))
        && crate::slug::slugify(s).is_empty()
    {
        diags.push(f.invalid(
            node,
            "slug 里至少要有一个字母、数字或汉字".into(),
            "例如 slug: dianti-gongshi",
        ));
    }
    let summary = f.str("summary", diags);
    let mut tags = f.str_list("tags", diags).unwrap_or_default();
    if let Some(node) = f.get("tags")
        && tags.len() > MAX_TAGS
    {
        // Each tag is a page listing the record: thousands on one record made thousands of pages.
        diags.push(f.invalid(
            node,
            format!(
                "一条记录最多写 {MAX_TAGS} 个标签，这里写了 {} 个",
                tags.len()
            ),
            "标签用来把同类记录归在一起，挑最要紧的几个写上即可",
        ));
        tags.truncate(MAX_TAGS);
    }
    if let Some(items) = f.get("tags").and_then(Node::as_seq) {
        for (tag, node) in tags.iter().zip(items) {
            if crate::slug::slugify(tag).is_empty() {
                diags.push(f.invalid(
                    node,
                    format!("标签「{tag}」里没有字母、数字或汉字"),
                    "标签写成 加装电梯 这样的词",
                ));
            }
        }
    }
    let org = read_org_ref(f, "org", ctx, diags);
    let draft = f.bool("draft", diags).unwrap_or(false);
    let attachments = read_attachments(file, f, ctx, diags);
    let approval = read_approval(f, ctx, diags);
    let expires = read_date(f, "expires", diags);
    let after_expiry = match f.get("after_expiry") {
        Some(node) => match node.scalar().and_then(AfterExpiry::parse) {
            Some(a) => a,
            None => {
                diags.push(f.invalid(
                    node,
                    "after_expiry 的值不对".into(),
                    &format!("可以写：{}", AfterExpiry::choices()),
                ));
                AfterExpiry::Keep
            }
        },
        None => AfterExpiry::Keep,
    };
    if after_expiry != AfterExpiry::Keep
        && expires.is_none()
        && let Some(pos) = f.key_pos("after_expiry")
    {
        diags.push(f.file.warning(
            "W-EXPIRY",
            pos,
            "写了 after_expiry 却没有写 expires，不会生效",
            "加上 expires: 2026-12-31 这样的日期",
        ));
    }
    let privacy_allow = match f.get("privacy_allow") {
        Some(_) => {
            let mut kinds = Vec::new();
            for item in f
                .seq("privacy_allow", "写成列表，例如 [mobile]", diags)
                .unwrap_or_default()
            {
                match item.scalar().and_then(PiiKind::parse) {
                    Some(k) => kinds.push(k),
                    None => diags.push(f.invalid(
                        item,
                        "privacy_allow 只能列出 id_number、mobile、bank_card".into(),
                        "例如 privacy_allow: [mobile]",
                    )),
                }
            }
            kinds
        }
        None => Vec::new(),
    };
    let extra = f
        .get("extra")
        .map_or(serde_json::Value::Null, Node::to_json);
    Some(Common {
        title: title?,
        date,
        updated,
        slug,
        summary,
        tags,
        org,
        draft,
        attachments,
        approval,
        expires,
        after_expiry,
        privacy_allow,
        extra,
    })
}

pub fn read_org_ref(
    f: &Fields,
    key: &str,
    ctx: &Context,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let id = f.str(key, diags)?;
    if ctx.config.org_index.contains_key(&id) {
        return Some(id);
    }
    let known: Vec<&str> = ctx.config.org_index.keys().map(String::as_str).collect();
    let help = match crate::yaml::nearest(&id, &known) {
        Some(k) => format!("是不是想写 `{k}`？组织单元在 site.yaml 的 org 里定义"),
        None if known.is_empty() => "site.yaml 里还没有定义 org 组织树".to_string(),
        None => {
            let mut ids = known.clone();
            ids.sort_unstable();
            format!("可用的单元：{}", ids.join("、"))
        }
    };
    if let Some(node) = f.get(key) {
        diags.push(f.invalid(node, format!("找不到组织单元 `{id}`"), &help));
    }
    None
}

fn read_attachments(
    file: &ContentFile,
    f: &Fields,
    ctx: &Context,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Attachment> {
    let mut out = Vec::new();
    let help = "写成列表，每项 {file: 文件名, title: 显示的名称}";
    for item in f.seq("attachments", help, diags).unwrap_or_default() {
        let Some(a) = Fields::read(f.file, item, &["file", "title"], "附件 ", diags) else {
            continue;
        };
        let Some(name) = a.req_str("file", "附件文件", "例如 file: mingxi.pdf", diags) else {
            continue;
        };
        let title = a
            .str("title", diags)
            .unwrap_or_else(|| name.rsplit('/').next().unwrap_or(&name).to_string());
        let pos = a.get("file").map_or(item.pos, |n| n.pos);
        // A spreadsheet may hold hidden rows, columns and sheets: only its table is published.
        if crate::sheet::is_spreadsheet(&name) {
            diags.push(f.file.error(
                "E-SHEET-ATTACH",
                pos,
                format!("表格文件「{name}」不能作为附件发布（隐藏的行、列和工作表会随文件公开）"),
                format!("在正文里写 ![表格标题]({name}) 把它嵌入为表格，或另存为 PDF 作附件"),
            ));
            continue;
        }
        match resolve_asset(file, &name, ctx.loaded) {
            Ok(_) => out.push(Attachment {
                file: name,
                title,
                pos,
            }),
            Err(message) => diags.push(f.file.error(
                "E-ATTACHMENT",
                pos,
                message,
                "把文件放进记录所在的文件夹（或 static/ 里，写成 /files/名称），并核对文件名",
            )),
        }
    }
    out
}

/// Where a file named in a record lives: below `content/` (`Content`) or `static/` (`Static`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetPath {
    Content(String),
    Static(String),
}

/// Resolves a relative or `/`-rooted file name against the record's folder or `static/`;
/// anything that climbs out of the site is refused.
pub fn resolve_asset(file: &ContentFile, name: &str, loaded: &Loaded) -> Result<AssetPath, String> {
    let name = name.trim();
    if name.is_empty() || name.contains('\\') || name.contains(':') {
        return Err(format!("附件路径「{name}」写法不对"));
    }
    if let Some(rest) = name.strip_prefix('/') {
        let rest = rest.strip_prefix("static/").unwrap_or(rest);
        let norm = normalize(rest).ok_or_else(|| format!("附件路径「{name}」超出了网站目录"))?;
        return if loaded.static_files.contains(&norm) {
            Ok(AssetPath::Static(norm))
        } else {
            Err(format!("在 static/ 里找不到附件「{name}」"))
        };
    }
    let joined = if file.dir.is_empty() {
        name.to_string()
    } else {
        format!("{}/{name}", file.dir)
    };
    let norm = normalize(&joined).ok_or_else(|| format!("附件路径「{name}」超出了网站目录"))?;
    if loaded.content_assets.contains(&norm) {
        return Ok(AssetPath::Content(norm));
    }
    if let Some(rest) = norm
        .strip_prefix("static/")
        .or_else(|| name.strip_prefix("static/"))
        && loaded.static_files.contains(rest)
    {
        return Ok(AssetPath::Static(rest.to_string()));
    }
    Err(format!("找不到附件「{name}」"))
}

/// `a/./b/../c` → `a/c`; None when `..` climbs above the start.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn read_approval(f: &Fields, ctx: &Context, diags: &mut Vec<Diagnostic>) -> Option<Approval> {
    let keys = ["reviewed_by", "approved_by", "approved_on"];
    let Some(a) = f.map("approval", &keys, "approval ", diags) else {
        if ctx.config.require_approval
            && let Some(pos) = f.key_pos("title")
        {
            diags.push(f.file.warning(
                "W-UNAPPROVED",
                pos,
                "本站要求审批（require_approval），这条记录没有 approval，不会发布",
                "审核、审批后加上 approval: {reviewed_by: 审核人, approved_by: 审批人, approved_on: 2026-11-05}",
            ));
        }
        return None;
    };
    let reviewed_by = a.str("reviewed_by", diags).filter(|s| !s.trim().is_empty());
    let approved_by = a.str("approved_by", diags).filter(|s| !s.trim().is_empty());
    let approved_on = read_date(&a, "approved_on", diags);
    match (reviewed_by, approved_by, approved_on) {
        (Some(reviewed_by), Some(approved_by), Some(approved_on)) => Some(Approval {
            reviewed_by,
            approved_by,
            approved_on,
        }),
        _ => {
            if ctx.config.require_approval {
                diags.push(f.file.warning(
                    "W-UNAPPROVED",
                    a.pos,
                    "approval 不完整（需要 reviewed_by、approved_by、approved_on），这条记录不会发布",
                    "把审核人、审批人和审批日期都写上",
                ));
            }
            None
        }
    }
}

/// `privacy_allow` without reporting its mistakes again (read_common already did).
fn privacy_allow_as_written(f: &Fields) -> Vec<PiiKind> {
    f.get("privacy_allow")
        .and_then(Node::as_seq)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.scalar().and_then(PiiKind::parse))
                .collect()
        })
        .unwrap_or_default()
}

/// content.md §4: no ID, mobile or bank-card number in published text unless allowed.
fn check_privacy(file: &ContentFile, root: &Node, allow: &[PiiKind], diags: &mut Vec<Diagnostic>) {
    let src = &file.source;
    privacy::check_yaml(src, root, allow, diags);
    for hit in privacy::scan(file.body()) {
        if !allow.contains(&hit.kind) {
            diags.push(privacy::error(
                src,
                src.pos_of(file.body_offset + hit.start),
                "这里",
                &hit,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_refuses_climbing_out() {
        assert_eq!(normalize("a/./b/../c"), Some("a/c".into()));
        assert_eq!(normalize("../x"), None);
        assert_eq!(normalize("a/../../x"), None);
    }
}
