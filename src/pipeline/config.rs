//! `site.yaml` → `SiteConfig`, and `holidays.yaml` → the working-day calendar.

pub mod catalogue;

use crate::calendar::{Calendar, YearDays};
use crate::dates::{DayError, read_day};
use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::yaml::{self, Fields, Node};
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub const DEFAULT_MEETING_KINDS: &[&str] = &[
    "党员大会",
    "支委会",
    "党小组会",
    "党课",
    "主题党日",
    "党建联席会议",
    "民主生活会",
    "组织生活会",
    "居民议事会",
    "居民代表会议",
    "其他",
];

const SITE_KEYS: &[&str] = &[
    "title",
    "community",
    "base_url",
    "language",
    "timezone",
    "theme",
    "contact",
    "org",
    "meeting_kinds",
    "paginate",
    "require_approval",
    "allow_raw_html",
    "kiosk",
    "catalogue",
    "extra",
];

#[derive(Debug, Clone, Default, Serialize)]
pub struct Contact {
    pub phone: Option<String>,
    pub address: Option<String>,
    pub hours: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Kiosk {
    pub idle_seconds: u32,
    pub rotate_seconds: u32,
}

#[derive(Debug, Clone)]
pub struct OrgUnit {
    pub id: String,
    pub name: String,
    pub children: Vec<OrgUnit>,
}

/// A unit as looked up by id: its name and its parent's id.
#[derive(Debug, Clone)]
pub struct OrgEntry {
    pub name: String,
    pub parent: Option<String>,
    pub children: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    pub community: String,
    /// Absolute, always ending with `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub root: String,
    pub language: String,
    pub timezone: String,
    pub tz: TimeZone,
    pub theme: String,
    pub contact: Contact,
    pub org: Vec<OrgUnit>,
    pub org_index: HashMap<String, OrgEntry>,
    pub meeting_kinds: Vec<String>,
    pub paginate: usize,
    pub require_approval: bool,
    pub allow_raw_html: bool,
    pub kiosk: Kiosk,
    /// The 公开目录 (content.md §6); empty when site.yaml has none.
    pub catalogue: catalogue::Catalogue,
    pub extra: serde_json::Value,
}

impl SiteConfig {
    pub fn org_name(&self, id: &str) -> Option<&str> {
        self.org_index.get(id).map(|e| e.name.as_str())
    }

    /// An absolute URL for a root-relative one.
    pub fn absolute(&self, url: &str) -> String {
        let origin_end = self.base_url.len() - self.root.len();
        format!("{}{}", &self.base_url[..origin_end], url)
    }
}

/// `https://host/path` → (`https://host/path/`, `/path/`), or None when not an absolute http(s) URL.
pub fn split_base_url(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if !host_ok || path.contains(['?', '#', ' ', '"', '<', '>']) {
        return None;
    }
    let mut root = path.to_string();
    if !root.ends_with('/') {
        root.push('/');
    }
    let base = format!("{}{}", &url[..url.len() - rest.len() + host.len()], root);
    Some((base, root))
}

pub fn load_site(
    file: &SourceFile,
    base_url_override: Option<&str>,
) -> Result<SiteConfig, Vec<Diagnostic>> {
    // A Chinese keyboard's mistakes are reported, and the rest of the file is still checked.
    let (root, mut diags) = yaml::parse_mending(file, &file.text, 0);
    let root = match root {
        Some(root) => root,
        None if diags.is_empty() => {
            return Err(vec![file.error(
                "E-SITE-EMPTY",
                Pos::START,
                "site.yaml 是空的",
                "至少写上 title、community 和 base_url 三个字段",
            )]);
        }
        None => return Err(diags),
    };
    // Titles, names, `extra`: all of it is published (content.md §4).
    crate::privacy::check_yaml(file, &root, &[], &mut diags);
    let Some(f) = Fields::read(file, &root, SITE_KEYS, "site.yaml ", &mut diags) else {
        return Err(diags);
    };
    let title = f.req_str(
        "title",
        "网站标题",
        "例如 title: 幸福里社区党务居务公开",
        &mut diags,
    );
    let community = f.req_str(
        "community",
        "社区名称",
        "例如 community: 幸福里社区",
        &mut diags,
    );
    let base = match base_url_override {
        Some(u) => split_base_url(u).or_else(|| {
            diags.push(file.error(
                "E-BASE-URL",
                Pos::START,
                format!("--base-url 不是完整的网址：{u}"),
                "写成 https://example.cn/ 这样以 http:// 或 https:// 开头的网址",
            ));
            None
        }),
        None => f
            .req_str(
                "base_url",
                "网站地址",
                "例如 base_url: https://xingfuli.example.cn/",
                &mut diags,
            )
            .and_then(|u| {
                let split = split_base_url(&u);
                if split.is_none()
                    && let Some(node) = f.get("base_url")
                {
                    diags.push(f.invalid(
                        node,
                        format!("base_url 不是完整的网址：{u}"),
                        "写成 https://example.cn/ 这样以 http:// 或 https:// 开头的网址",
                    ));
                }
                split
            }),
    };
    let language = f
        .str("language", &mut diags)
        .unwrap_or_else(|| "zh-CN".into());
    let timezone = f
        .str("timezone", &mut diags)
        .unwrap_or_else(|| "Asia/Shanghai".into());
    let tz = match TimeZone::get(&timezone) {
        Ok(tz) => Some(tz),
        Err(_) => {
            if let Some(node) = f.get("timezone") {
                diags.push(f.invalid(
                    node,
                    format!("不认识的时区：{timezone}"),
                    "写 IANA 时区名，例如 timezone: Asia/Shanghai",
                ));
            }
            None
        }
    };
    let theme = f
        .str("theme", &mut diags)
        .unwrap_or_else(|| "default".into());
    let theme_ok = !theme.is_empty()
        && theme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !theme_ok && let Some(node) = f.get("theme") {
        diags.push(f.invalid(
            node,
            format!("主题名只能用英文字母、数字、- 和 _：{theme}"),
            "例如 theme: default",
        ));
    }
    let contact = read_contact(&f, &mut diags);
    let (org, org_index) = read_org(&f, &mut diags);
    let meeting_kinds = f
        .str_list("meeting_kinds", &mut diags)
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| {
            DEFAULT_MEETING_KINDS
                .iter()
                .map(|s| s.to_string())
                .collect()
        });
    let paginate = f.int("paginate", 1, &mut diags).unwrap_or(20);
    let require_approval = f.bool("require_approval", &mut diags).unwrap_or(false);
    let allow_raw_html = f.bool("allow_raw_html", &mut diags).unwrap_or(false);
    let kiosk = read_kiosk(&f, &mut diags);
    let catalogue = catalogue::read_catalogue(&f, &org, &org_index, &meeting_kinds, &mut diags);
    let extra = f
        .get("extra")
        .map_or(serde_json::Value::Null, Node::to_json);

    match (title, community, base, tz) {
        (Some(title), Some(community), Some((base_url, root)), Some(tz)) if diags.is_empty() => {
            Ok(SiteConfig {
                title,
                community,
                base_url,
                root,
                language,
                timezone,
                tz,
                theme,
                contact,
                org,
                org_index,
                meeting_kinds,
                paginate: usize::try_from(paginate).unwrap_or(20).min(100_000),
                require_approval,
                allow_raw_html,
                kiosk,
                catalogue,
                extra,
            })
        }
        _ => Err(diags),
    }
}

fn read_contact(f: &Fields, diags: &mut Vec<Diagnostic>) -> Contact {
    let Some(c) = f.map(
        "contact",
        &["phone", "address", "hours", "email"],
        "contact ",
        diags,
    ) else {
        return Contact::default();
    };
    Contact {
        phone: c.str("phone", diags),
        address: c.str("address", diags),
        hours: c.str("hours", diags),
        email: c.str("email", diags),
    }
}

fn read_kiosk(f: &Fields, diags: &mut Vec<Diagnostic>) -> Kiosk {
    let mut kiosk = Kiosk {
        idle_seconds: 120,
        rotate_seconds: 20,
    };
    if let Some(k) = f.map(
        "kiosk",
        &["idle_seconds", "rotate_seconds"],
        "kiosk ",
        diags,
    ) {
        if let Some(n) = k.int("idle_seconds", 5, diags) {
            kiosk.idle_seconds = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(n) = k.int("rotate_seconds", 1, diags) {
            kiosk.rotate_seconds = u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    kiosk
}

pub fn is_org_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn read_org(f: &Fields, diags: &mut Vec<Diagnostic>) -> (Vec<OrgUnit>, HashMap<String, OrgEntry>) {
    let mut index = HashMap::new();
    let Some(items) = f.seq("org", "org 是组织单元的列表，每项写 id 和 name", diags)
    else {
        return (Vec::new(), index);
    };
    let units = read_units(f.file, items, None, &mut index, diags);
    (units, index)
}

fn read_units(
    file: &SourceFile,
    items: &[Node],
    parent: Option<&str>,
    index: &mut HashMap<String, OrgEntry>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<OrgUnit> {
    let mut units = Vec::new();
    for item in items {
        let Some(u) = Fields::read(file, item, &["id", "name", "children"], "组织单元 ", diags)
        else {
            continue;
        };
        let id = u.req_str(
            "id",
            "单元编号",
            "例如 id: grid-1（小写字母、数字和 -）",
            diags,
        );
        let name = u.req_str("name", "单元名称", "例如 name: 第一网格党支部", diags);
        let (Some(id), Some(name)) = (id, name) else {
            continue;
        };
        if !is_org_id(&id) {
            if let Some(node) = u.get("id") {
                diags.push(u.invalid(
                    node,
                    format!("组织单元编号只能用小写英文字母、数字和 -：{id}"),
                    "例如 id: grid-1",
                ));
            }
            continue;
        }
        if index.contains_key(&id) {
            if let Some(node) = u.get("id") {
                diags.push(u.invalid(
                    node,
                    format!("组织单元编号 `{id}` 重复了"),
                    "每个单元的 id 必须不同",
                ));
            }
            continue;
        }
        index.insert(
            id.clone(),
            OrgEntry {
                name: name.clone(),
                parent: parent.map(str::to_string),
                children: Vec::new(),
            },
        );
        if let Some(p) = parent.and_then(|p| index.get_mut(p)) {
            p.children.push(id.clone());
        }
        let children = match u.seq("children", "children 是下级单元的列表", diags) {
            Some(kids) => read_units(file, kids, Some(&id), index, diags),
            None => Vec::new(),
        };
        units.push(OrgUnit { id, name, children });
    }
    units
}

/// `holidays.yaml`: `YEAR: {holidays: [...], workdays: [...]}` layered over the built-in calendar.
pub fn load_holidays(file: &SourceFile, calendar: &mut Calendar) -> Vec<Diagnostic> {
    // As in site.yaml: a keyboard's mistakes do not hide the file's others.
    let (root, mut diags) = yaml::parse_mending(file, &file.text, 0);
    let Some(root) = root else {
        return diags;
    };
    let Some(years) = root.as_map() else {
        diags.push(file.error(
            "E-HOLIDAYS",
            root.pos,
            "holidays.yaml 应当按年份分组",
            "写成 `2027:` 下面再写 holidays: [...] 和 workdays: [...]",
        ));
        return diags;
    };
    let mut parsed: BTreeMap<i16, YearDays> = BTreeMap::new();
    for (key, value) in years {
        let year = key
            .scalar()
            .and_then(|s| s.trim().parse::<i16>().ok())
            .filter(|y| (1900..=2200).contains(y));
        let Some(year) = year else {
            diags.push(file.error("E-HOLIDAYS", key.pos, "这里应当是年份", "例如 2027:"));
            continue;
        };
        let Some(f) = Fields::read(file, value, &["holidays", "workdays"], "年份 ", &mut diags)
        else {
            continue;
        };
        let mut days = YearDays::default();
        for (key, list) in [
            ("holidays", &mut days.holidays),
            ("workdays", &mut days.workdays),
        ] {
            let Some(items) = f.seq(
                key,
                "写成日期列表，例如 [2027-10-01, 2027-10-02]",
                &mut diags,
            ) else {
                continue;
            };
            for item in items {
                match read_day(item.scalar().unwrap_or_default()) {
                    Ok(d) if d.year() == year => list.push(d),
                    Ok(_) => diags.push(f.invalid(
                        item,
                        format!("日期不在 {year} 年里"),
                        "把它移到对应年份下面",
                    )),
                    Err(e) => {
                        let (message, help) = e.explain();
                        diags.push(if e == DayError::NotADate {
                            f.invalid(item, "这不是有效的日期".into(), &help)
                        } else {
                            f.file.error("E-DATE-IMPOSSIBLE", item.pos, message, help)
                        });
                    }
                }
            }
        }
        parsed.insert(year, days);
    }
    for (year, days) in parsed {
        calendar.set_year(year, days);
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        load_site(&SourceFile::new("site.yaml", text), None)
    }

    #[test]
    fn base_url_split() {
        assert_eq!(
            split_base_url("https://a.cn"),
            Some(("https://a.cn/".into(), "/".into()))
        );
        assert_eq!(
            split_base_url("http://a.cn:8080/sub/dir"),
            Some(("http://a.cn:8080/sub/dir/".into(), "/sub/dir/".into()))
        );
        assert_eq!(split_base_url("a.cn/x"), None);
        assert_eq!(split_base_url("https:///x"), None);
    }

    #[test]
    fn minimal_site_has_defaults() {
        let c = load("title: T\ncommunity: C\nbase_url: https://x.cn/sq\n").expect("valid");
        assert_eq!(c.root, "/sq/");
        assert_eq!(c.absolute("/sq/notices/"), "https://x.cn/sq/notices/");
        assert_eq!(c.paginate, 20);
        assert_eq!(c.timezone, "Asia/Shanghai");
        assert_eq!(c.meeting_kinds.len(), 11);
        assert_eq!(c.kiosk.idle_seconds, 120);
    }

    #[test]
    fn unknown_key_and_missing_fields_reported_together() {
        let errs = load("title: T\nbase_ur: https://x.cn/\npaginate: 0\n").expect_err("invalid");
        let codes: Vec<_> = errs.iter().map(|d| d.code).collect();
        assert!(codes.contains(&"E-FIELD-UNKNOWN"), "{codes:?}");
        assert!(codes.contains(&"E-FIELD-MISSING"), "{codes:?}");
        assert!(codes.contains(&"E-FIELD-VALUE"), "{codes:?}");
        let unknown = errs
            .iter()
            .find(|d| d.code == "E-FIELD-UNKNOWN")
            .expect("one");
        assert!(unknown.help.contains("base_url"));
        assert_eq!(unknown.line, 2);
    }

    #[test]
    fn org_tree_ids_unique_and_indexed() {
        let c = load(
            "title: T\ncommunity: C\nbase_url: https://x.cn/\norg:\n  - id: zz\n    name: 总支\n    children:\n      - id: g1\n        name: 一网格\n",
        )
        .expect("valid");
        assert_eq!(
            c.org_index.get("g1").and_then(|e| e.parent.as_deref()),
            Some("zz")
        );
        let errs = load(
            "title: T\ncommunity: C\nbase_url: https://x.cn/\norg:\n  - id: zz\n    name: A\n  - id: zz\n    name: B\n  - id: Bad_Id\n    name: C\n",
        )
        .expect_err("dup");
        assert_eq!(errs.len(), 2);
    }

    #[test]
    fn bad_timezone_refused() {
        let errs = load("title: T\ncommunity: C\nbase_url: https://x.cn/\ntimezone: Mars/Base\n")
            .expect_err("bad");
        assert_eq!(errs[0].line, 4);
    }
}
