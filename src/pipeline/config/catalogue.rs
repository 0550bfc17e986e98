//! `catalogue:` of site.yaml: the 公开目录 (content.md §6) — what must be published, by whom and
//! how often. Everything that can be checked without the records is checked here; whether a
//! `category` is known needs the records and is checked in `derive::catalogue`.

use super::{OrgEntry, OrgUnit};
use crate::dates::parse_date;
use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::enums::{Every, NoticeKind, ServiceKind};
use crate::pipeline::load::Section;
use crate::yaml::{Fields, Node, nearest};
use jiff::civil::Date;
use std::collections::{HashMap, HashSet};

const CATALOGUE_KEYS: &[&str] = &["preset", "items"];
const ITEM_KEYS: &[&str] = &[
    "id",
    "name",
    "match",
    "every",
    "within_days",
    "org",
    "level",
    "from",
];
const MATCH_KEYS: &[&str] = &["section", "kind", "category", "tag"];
const SECTIONS: &[&str] = &["meetings", "notices", "problems", "services"];
pub const PRESETS: &[&str] = &["三会一课"];

/// What records an item counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub section: Section,
    /// Normalised: a notice's or list's kind code, or the meeting kind as written in meeting_kinds.
    pub kind: Option<String>,
    pub category: Option<String>,
    /// Where `category` was written, for the check against the records.
    pub category_pos: Pos,
    pub tag: Option<String>,
}

/// One item of the catalogue.
#[derive(Debug, Clone)]
pub struct CatalogueItem {
    pub id: String,
    pub name: String,
    pub matcher: Match,
    pub every: Every,
    pub within_days: u32,
    /// The units that each owe it, in org-tree order; `""` is the community itself when the org
    /// tree has no single top unit.
    pub units: Vec<String>,
    pub from: Option<Date>,
    /// Where the item is written (for a preset item: the `preset:` line).
    pub pos: Pos,
    pub preset: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub items: Vec<CatalogueItem>,
    /// site.yaml, for the diagnostics derive reports at an item's line.
    pub source: Option<SourceFile>,
}

/// The unit a record without `org` belongs to: the single top unit of the org tree, or the
/// community itself (`""`) when there are none or several.
pub fn root_unit(org: &[OrgUnit]) -> &str {
    match org {
        [only] => &only.id,
        _ => "",
    }
}

/// Every unit with its depth (root = 0), in org-tree order.
pub fn units_by_level(org: &[OrgUnit]) -> Vec<(&str, u32)> {
    fn walk<'a>(units: &'a [OrgUnit], depth: u32, out: &mut Vec<(&'a str, u32)>) {
        for u in units {
            out.push((&u.id, depth));
            walk(&u.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    match org {
        [only] => walk(std::slice::from_ref(only), 0, &mut out),
        _ => {
            out.push(("", 0));
            walk(org, 1, &mut out);
        }
    }
    out
}

/// Whose a unit owes: the `org:` list, a `level:`, or the root.
enum Owers {
    Units(Vec<String>),
    Level(u32),
    Root,
}

/// The 三会一课 preset: (id, meeting kind, every, level; None = the root).
const SANHUI_YIKE: &[(&str, &str, Every, Option<u32>)] = &[
    ("dangyuan-dahui", "党员大会", Every::Quarter, Some(1)),
    ("zhiweihui", "支委会", Every::Month, Some(1)),
    ("dangke", "党课", Every::Quarter, Some(1)),
    ("zhuti-dangri", "主题党日", Every::Month, Some(1)),
    ("dangxiaozu", "党小组会", Every::Month, Some(2)),
    ("lianxi", "党建联席会议", Every::Month, None),
    ("zuzhi-shenghuohui", "组织生活会", Every::Year, None),
];

fn resolve_owers(org: &[OrgUnit], owers: &Owers) -> Vec<String> {
    match owers {
        Owers::Units(ids) => {
            let order = units_by_level(org);
            let mut v: Vec<String> = order
                .iter()
                .filter(|(id, _)| ids.iter().any(|x| x == id))
                .map(|(id, _)| id.to_string())
                .collect();
            v.dedup();
            v
        }
        Owers::Level(n) => units_by_level(org)
            .into_iter()
            .filter(|(_, l)| l == n)
            .map(|(id, _)| id.to_string())
            .collect(),
        Owers::Root => vec![root_unit(org).to_string()],
    }
}

pub fn read_catalogue(
    f: &Fields,
    org: &[OrgUnit],
    org_index: &HashMap<String, OrgEntry>,
    meeting_kinds: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Catalogue {
    let mut cat = Catalogue {
        items: Vec::new(),
        source: Some(f.file.clone()),
    };
    let Some(c) = f.map("catalogue", CATALOGUE_KEYS, "catalogue ", diags) else {
        return cat;
    };
    let mut preset_items = Vec::new();
    if let Some(node) = c.get("preset") {
        match node.scalar().map(str::trim) {
            Some("三会一课") => {
                for &(id, kind, every, level) in SANHUI_YIKE {
                    if !meeting_kinds.iter().any(|k| k == kind) {
                        diags.push(c.file.error(
                            "E-CATALOGUE-PRESET",
                            node.pos,
                            format!("预设「三会一课」要用会议类型「{kind}」，但 meeting_kinds 里没有它"),
                            format!("在 meeting_kinds 里加上「{kind}」，或在 items 里写一个 id 为 {id} 的事项替换它"),
                        ));
                        continue;
                    }
                    let owers = level.map_or(Owers::Root, Owers::Level);
                    preset_items.push(CatalogueItem {
                        id: id.to_string(),
                        name: kind.to_string(),
                        matcher: Match {
                            section: Section::Meetings,
                            kind: Some(kind.to_string()),
                            category: None,
                            category_pos: node.pos,
                            tag: None,
                        },
                        every,
                        within_days: 0,
                        units: resolve_owers(org, &owers),
                        from: None,
                        pos: node.pos,
                        preset: true,
                    });
                }
            }
            other => {
                let written = other.unwrap_or_default();
                let help = match nearest(written, PRESETS) {
                    Some(p) => format!("是不是想写 `{p}`？"),
                    None => format!("可用的预设：{}", PRESETS.join("、")),
                };
                diags.push(c.file.error(
                    "E-CATALOGUE-PRESET",
                    node.pos,
                    format!("没有名为「{written}」的公开目录预设"),
                    help,
                ));
            }
        }
    }
    let mut own: Vec<CatalogueItem> = Vec::new();
    if let Some(items) = c.seq(
        "items",
        "items 是公开事项的列表，每项写 id、name、match、every",
        diags,
    ) {
        let mut seen: HashSet<String> = HashSet::new();
        for node in items {
            let Some(item) = read_item(c.file, node, org, org_index, meeting_kinds, diags) else {
                continue;
            };
            if !seen.insert(item.id.clone()) {
                diags.push(c.file.error(
                    "E-CATALOGUE-ID",
                    item.pos,
                    format!("公开事项编号 `{}` 重复了", item.id),
                    "每个事项的 id 必须不同；要替换预设里的事项，只写一次同样的 id",
                ));
                continue;
            }
            own.push(item);
        }
    }
    // Items with a preset item's id replace it, in its place; the site's other items follow.
    for p in preset_items {
        match own.iter().position(|o| o.id == p.id) {
            Some(i) => cat.items.push(own.remove(i)),
            None => cat.items.push(p),
        }
    }
    cat.items.extend(own);
    cat
}

fn read_item(
    file: &SourceFile,
    node: &Node,
    org: &[OrgUnit],
    org_index: &HashMap<String, OrgEntry>,
    meeting_kinds: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Option<CatalogueItem> {
    let before = diags.len();
    let f = Fields::read(file, node, ITEM_KEYS, "公开事项 ", diags)?;
    let id = f.req_str(
        "id",
        "事项编号",
        "例如 id: caiwu（小写字母、数字和 -）",
        diags,
    );
    if let Some(id) = &id
        && !super::is_org_id(id)
        && let Some(n) = f.get("id")
    {
        diags.push(f.invalid(
            n,
            format!("公开事项编号只能用小写英文字母、数字和 -：{id}"),
            "例如 id: caiwu",
        ));
    }
    let name = f.req_str("name", "事项名称", "例如 name: 财务收支公开", diags);
    let matcher = match f.map("match", MATCH_KEYS, "match ", diags) {
        Some(m) => read_match(&m, meeting_kinds, diags),
        None => {
            if !f.has("match") {
                diags.push(f.missing(
                    "match",
                    "哪些记录算数",
                    "例如 match: {section: notices, category: 财务}",
                ));
            }
            None
        }
    };
    let every = match f.get("every") {
        None => {
            diags.push(f.missing(
                "every",
                "多久公开一次",
                "写 month、quarter、half_year 或 year",
            ));
            None
        }
        Some(n) => {
            let parsed = n.scalar().and_then(Every::parse);
            if parsed.is_none() {
                diags.push(f.invalid(
                    n,
                    format!("不认识的公开周期：{}", n.scalar().unwrap_or(n.kind_label())),
                    &format!("写其中之一：{}", Every::choices()),
                ));
            }
            parsed
        }
    };
    let within_days = f.int("within_days", 0, diags).unwrap_or(0);
    let within_days = u32::try_from(within_days.min(3660)).unwrap_or(0);
    let from = f.get("from").and_then(|n| {
        let d = n.scalar().and_then(parse_date);
        if d.is_none() {
            diags.push(f.invalid(
                n,
                "from 不是有效的日期".into(),
                "日期写成 2026-01-01 的形式",
            ));
        }
        d
    });
    let owers = read_owers(&f, org_index, diags)?;
    let units = resolve_owers(org, &owers);
    if let (Owers::Level(n), Some(node)) = (&owers, f.get("level"))
        && units.is_empty()
    {
        diags.push(f.invalid(
            node,
            format!("组织树里没有第 {n} 层的单元"),
            "level 是组织树里的层级：总支（根）是 0，支部是 1，党小组是 2",
        ));
    }
    if diags.len() > before {
        return None;
    }
    Some(CatalogueItem {
        id: id?,
        name: name?,
        matcher: matcher?,
        every: every?,
        within_days,
        units,
        from,
        pos: node.pos,
        preset: false,
    })
}

fn read_owers(
    f: &Fields,
    org_index: &HashMap<String, OrgEntry>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Owers> {
    match (f.get("org"), f.get("level")) {
        (Some(_), Some(level)) => {
            diags.push(f.invalid(
                level,
                "org 和 level 只能写一个".into(),
                "写 org: [单元编号, …] 指定单元，或写 level: N 指定组织树的一层",
            ));
            None
        }
        (Some(node), None) => {
            // `org: zongzhi` is read as a list of one.
            let items: Vec<&Node> = match node.as_seq() {
                Some(items) => items.iter().collect(),
                None => vec![node],
            };
            if items.is_empty() {
                diags.push(f.invalid(
                    node,
                    "org 是空的：没有单元要公开这一事项".into(),
                    "写上应当公开的单元，例如 org: [zongzhi]；或去掉 org，由根单元公开",
                ));
            }
            let mut ids = Vec::new();
            let mut known: Vec<&str> = org_index.keys().map(String::as_str).collect();
            known.sort_unstable();
            for item in items {
                let Some(id) = item.scalar() else {
                    diags.push(f.type_error(item, "org", "组织单元编号", "例如 org: [zongzhi]"));
                    continue;
                };
                if org_index.contains_key(id) {
                    ids.push(id.to_string());
                } else {
                    let help = match nearest(id, &known) {
                        Some(k) => format!("是不是想写 `{k}`？"),
                        None if known.is_empty() => "site.yaml 的 org 里还没有组织单元".into(),
                        None => format!("可用的单元编号：{}", known.join("、")),
                    };
                    diags.push(f.file.error(
                        "E-CATALOGUE-UNIT",
                        item.pos,
                        format!("找不到组织单元 `{id}`"),
                        help,
                    ));
                }
            }
            Some(Owers::Units(ids))
        }
        (None, Some(_)) => f
            .int("level", 0, diags)
            .map(|n| Owers::Level(u32::try_from(n.min(64)).unwrap_or(0))),
        (None, None) => Some(Owers::Root),
    }
}

fn read_match(m: &Fields, meeting_kinds: &[String], diags: &mut Vec<Diagnostic>) -> Option<Match> {
    let before = diags.len();
    let section = match m.get("section") {
        None => {
            diags.push(m.missing(
                "section",
                "记录所在的栏目",
                &format!("写其中之一：{}", SECTIONS.join("、")),
            ));
            None
        }
        Some(node) => {
            let s = node.scalar().map(str::trim).unwrap_or_default();
            if SECTIONS.contains(&s) {
                Some(Section::from_dir(s))
            } else {
                let help = match nearest(s, SECTIONS) {
                    Some(k) => format!("是不是想写 `{k}`？"),
                    None => format!("写其中之一：{}", SECTIONS.join("、")),
                };
                diags.push(m.file.error(
                    "E-CATALOGUE-MATCH",
                    node.pos,
                    format!("match 里的栏目「{s}」不存在"),
                    help,
                ));
                None
            }
        }
    };
    let kind = m.get("kind").and_then(|node| {
        let written = node.scalar().map(str::trim).unwrap_or_default();
        let (found, choices) = match section? {
            Section::Meetings => (
                meeting_kinds
                    .iter()
                    .find(|k| k.as_str() == written)
                    .cloned(),
                meeting_kinds.join("、"),
            ),
            Section::Notices => (
                NoticeKind::parse(written).map(|k| k.code().to_string()),
                NoticeKind::choices(),
            ),
            Section::Services => (
                ServiceKind::parse(written).map(|k| k.code().to_string()),
                ServiceKind::choices(),
            ),
            _ => (None, "问题墙的记录没有 kind，去掉这一行".to_string()),
        };
        if found.is_none() {
            diags.push(m.file.error(
                "E-CATALOGUE-MATCH",
                node.pos,
                format!("match 里的类型「{written}」不是这个栏目的类型"),
                format!("写其中之一：{choices}"),
            ));
        }
        found
    });
    let category = m.str("category", diags);
    if category.is_some()
        && section.is_some_and(|s| s != Section::Notices)
        && let Some(node) = m.get("category")
    {
        diags.push(m.file.error(
            "E-CATALOGUE-MATCH",
            node.pos,
            "只有公示公告（notices）有 category".to_string(),
            "去掉 category，或写 section: notices",
        ));
    }
    let tag = m.str("tag", diags);
    if diags.len() > before {
        return None;
    }
    Some(Match {
        section: section?,
        kind,
        category_pos: m.get("category").map_or(m.pos, |n| n.pos),
        category,
        tag,
    })
}

#[cfg(test)]
mod tests {
    use crate::diag::SourceFile;
    use crate::enums::Every;
    use crate::pipeline::config::load_site;

    const HEAD: &str = "title: T\ncommunity: C\nbase_url: https://x.cn/\norg:\n  - id: zz\n    name: 总支\n    children:\n      - id: g1\n        name: 一支部\n        children:\n          - id: g1-a\n            name: 一组\n      - id: g2\n        name: 二支部\n";

    fn load(
        catalogue: &str,
    ) -> Result<crate::pipeline::config::SiteConfig, Vec<crate::diag::Diagnostic>> {
        let text = format!("{HEAD}{catalogue}");
        load_site(&SourceFile::new("site.yaml", text.as_str()), None)
    }

    #[test]
    fn preset_owes_by_level_and_site_items_replace_by_id() {
        let c = load("catalogue:\n  preset: 三会一课\n  items:\n    - id: zhiweihui\n      name: 支委会\n      match: {section: meetings, kind: 支委会}\n      every: quarter\n      level: 1\n    - id: caiwu\n      name: 财务收支公开\n      match: {section: notices, category: 财务, kind: 公开}\n      every: quarter\n      within_days: 15\n      org: [zz]\n      from: 2026-01-01\n").expect("valid");
        let ids: Vec<&str> = c.catalogue.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "dangyuan-dahui",
                "zhiweihui",
                "dangke",
                "zhuti-dangri",
                "dangxiaozu",
                "lianxi",
                "zuzhi-shenghuohui",
                "caiwu"
            ]
        );
        let by = |id: &str| c.catalogue.items.iter().find(|i| i.id == id).expect(id);
        assert_eq!(by("zhiweihui").every, Every::Quarter);
        assert!(!by("zhiweihui").preset);
        assert_eq!(by("dangke").units, ["g1", "g2"]);
        assert_eq!(by("dangxiaozu").units, ["g1-a"]);
        assert_eq!(by("lianxi").units, ["zz"]);
        assert_eq!(by("caiwu").within_days, 15);
        assert_eq!(by("caiwu").matcher.kind.as_deref(), Some("disclosure"));
        assert_eq!(
            by("caiwu").from.map(|d| d.to_string()).as_deref(),
            Some("2026-01-01")
        );
    }

    /// The errors in line order.
    fn errors(catalogue: &str) -> Vec<(&'static str, u32, u32, String)> {
        let mut v: Vec<_> = load(catalogue)
            .expect_err("invalid")
            .into_iter()
            .map(|d| (d.code, d.line, d.column, d.help))
            .collect();
        v.sort_by_key(|e| (e.1, e.2));
        v
    }

    #[test]
    fn every_mistake_is_reported_at_its_line() {
        // Line 15 is `catalogue:`.
        let errs = errors("catalogue:\n  preset: 三会一可\n  itmes: []\n");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!((errs[0].0, errs[0].1), ("E-CATALOGUE-PRESET", 16));
        assert!(errs[0].3.contains("三会一课"));
        assert_eq!((errs[1].0, errs[1].1), ("E-FIELD-UNKNOWN", 17));
        assert!(errs[1].3.contains("`items`"));

        let errs = errors(
            "catalogue:\n  items:\n    - id: a\n      name: A\n      match: {section: notice, kind: x}\n      every: weekly\n      org: [g3]\n      within_day: 3\n",
        );
        let got: Vec<(&str, u32)> = errs.iter().map(|e| (e.0, e.1)).collect();
        assert_eq!(
            got,
            [
                ("E-CATALOGUE-MATCH", 19),
                ("E-FIELD-VALUE", 20),
                ("E-CATALOGUE-UNIT", 21),
                ("E-FIELD-UNKNOWN", 22),
            ],
            "{errs:?}"
        );
        assert!(errs[0].3.contains("`notices`"));
        assert!(errs[1].3.contains("month"));
        assert!(errs[2].3.contains("`g1`") || errs[2].3.contains("`g2`"));
        assert!(errs[3].3.contains("`within_days`"));
    }

    #[test]
    fn unknown_kind_duplicate_id_and_level_without_units() {
        let errs = errors(
            "catalogue:\n  items:\n    - id: a\n      name: A\n      match: {section: meetings, kind: 周例会}\n      every: month\n    - id: b\n      name: B\n      match: {section: notices}\n      every: year\n      level: 5\n    - id: b\n      name: B2\n      match: {section: problems}\n      every: year\n",
        );
        let got: Vec<(&str, u32)> = errs.iter().map(|e| (e.0, e.1)).collect();
        assert_eq!(
            got,
            [("E-CATALOGUE-MATCH", 19), ("E-FIELD-VALUE", 25),],
            "{errs:?}"
        );
        let errs = errors(
            "catalogue:\n  items:\n    - id: b\n      name: B\n      match: {section: problems}\n      every: year\n    - id: b\n      name: B2\n      match: {section: problems}\n      every: year\n",
        );
        assert_eq!((errs[0].0, errs[0].1), ("E-CATALOGUE-ID", 21), "{errs:?}");
        let errs = errors(
            "catalogue:\n  items:\n    - id: c\n      name: C\n      match: {section: problems}\n      every: year\n      org: []\n",
        );
        assert_eq!(
            errs.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
            [("E-FIELD-VALUE", 21)]
        );
    }

    #[test]
    fn several_top_units_sit_under_the_community_and_empty_levels_owe_nothing() {
        let text = "title: T\ncommunity: C\nbase_url: https://x.cn/\norg:\n  - id: a\n    name: 甲支部\n  - id: b\n    name: 乙支部\ncatalogue:\n  preset: 三会一课\n";
        let c = load_site(&SourceFile::new("site.yaml", text), None).expect("valid");
        assert_eq!(super::root_unit(&c.org), "");
        assert_eq!(super::units_by_level(&c.org), [("", 0), ("a", 1), ("b", 1)]);
        let by = |id: &str| c.catalogue.items.iter().find(|i| i.id == id).expect(id);
        assert_eq!(by("lianxi").units, [""]);
        assert_eq!(by("zhiweihui").units, ["a", "b"]);
        assert!(by("dangxiaozu").units.is_empty());
        // Without an org tree, the community is the root and owes the root's items.
        let text = "title: T\ncommunity: C\nbase_url: https://x.cn/\ncatalogue:\n  items:\n    - id: x\n      name: X\n      match: {section: notices}\n      every: month\n";
        let c = load_site(&SourceFile::new("site.yaml", text), None).expect("valid");
        assert_eq!(c.catalogue.items[0].units, [""]);
    }

    #[test]
    fn a_preset_kind_missing_from_meeting_kinds_is_an_error_at_the_preset() {
        let errs = errors("meeting_kinds: [支委会]\ncatalogue:\n  preset: 三会一课\n");
        assert!(
            errs.iter()
                .all(|e| e.0 == "E-CATALOGUE-PRESET" && e.1 == 17),
            "{errs:?}"
        );
        assert_eq!(errs.len(), 6, "every kind but 支委会: {errs:?}");
    }
}
