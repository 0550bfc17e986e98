//! The site and page parts of the template contract: what every template receives (`site`), and
//! each kind of page's own variables (themes/default/README.md, "Context every template receives"
//! and "Page-specific context").

use crate::ledger::history::{ChangeRow, Tombstone};
use crate::pipeline::config::{Contact, Kiosk, OrgUnit, SiteConfig};
use crate::pipeline::derive::Stats;
use crate::pipeline::derive::catalogue::Summary;
use crate::pipeline::derive::wall::Report;
use crate::pipeline::render::accountability::{
    CatalogueView, ItemView as CatalogueItem, StatsView,
};
use serde::Serialize;
use serde_json::{Map, Value};

/// `site`: the same on every page, serialised once a build.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub community: &'a str,
    pub base_url: &'a str,
    pub root: &'a str,
    pub language: &'a str,
    pub timezone: &'a str,
    pub contact: &'a Contact,
    pub kiosk: &'a Kiosk,
    pub org: Vec<UnitTree<'a>>,
    pub nav: Vec<NavItem>,
    pub extra: &'a Value,
}

/// A unit of the organisation tree with its children.
#[derive(Serialize)]
pub struct UnitTree<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
    pub children: Vec<UnitTree<'a>>,
}

/// One entry of the main navigation.
#[derive(Serialize)]
pub struct NavItem {
    pub key: &'static str,
    pub title: &'static str,
    pub url: String,
}

/// The main sections, in the order the navigation shows them: (key, title, path).
const NAV: [(&str, &str, &str); 7] = [
    ("home", "首页", ""),
    ("notices", "公示公告", "notices/"),
    ("problems", "问题墙", "problems/"),
    ("echo", "回音壁", "echo/"),
    ("meetings", "会议记录", "meetings/"),
    ("services", "服务清单", "services/"),
    ("search", "搜索", "search/"),
];

pub fn site(c: &SiteConfig) -> SiteView<'_> {
    fn unit<'a>(c: &'a SiteConfig, u: &'a OrgUnit) -> UnitTree<'a> {
        UnitTree {
            id: &u.id,
            name: &u.name,
            url: format!("{}org/{}/", c.root, u.id),
            children: u.children.iter().map(|k| unit(c, k)).collect(),
        }
    }
    SiteView {
        title: &c.title,
        community: &c.community,
        base_url: &c.base_url,
        root: &c.root,
        language: &c.language,
        timezone: &c.timezone,
        contact: &c.contact,
        kiosk: &c.kiosk,
        org: c.org.iter().map(|u| unit(c, u)).collect(),
        nav: NAV
            .iter()
            .map(|&(key, title, path)| NavItem {
                key,
                title,
                url: format!("{}{path}", c.root),
            })
            .collect(),
        extra: &c.extra,
    }
}

/// What every page has besides `site` and `today`.
#[derive(Serialize)]
pub struct PageView<'a> {
    /// The `nav` key this page belongs to, or "".
    pub section: &'static str,
    pub page_url: &'a str,
    pub permalink: String,
    pub page_title: &'a str,
    /// `{header, footer}`: the rendered partials.
    pub chrome: Value,
    #[serde(flatten)]
    pub vars: PageVars<'a>,
}

impl PageView<'_> {
    /// The context as a map: the typed parts serialised; the values already built (a record's
    /// `record`, the rendered `chrome`) moved in, not copied once more through serde.
    pub fn into_map(mut self) -> Map<String, Value> {
        let chrome = std::mem::take(&mut self.chrome);
        let record = match &mut self.vars {
            PageVars::Record { record } => Some(std::mem::take(record)),
            _ => None,
        };
        // A struct always serialises to a map.
        let mut map = match super::to_value(&self) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        map.insert("chrome".into(), chrome);
        if let Some(record) = record {
            map.insert("record".into(), record);
        }
        map
    }
}

/// A page's own variables, by kind of page. Cards are the lists' own values, borrowed.
#[derive(Serialize)]
#[serde(untagged)]
pub enum PageVars<'a> {
    Record { record: Value },
    List(ListVars<'a>),
    Tags { tags: &'a [TagCount] },
    Home { home: Home<'a> },
    Kiosk { kiosk: KioskView<'a> },
    Catalogue { catalogue: CatalogueView<'a> },
    Stats { stats: StatsView<'a> },
    Report { report: &'a Report },
    Plain {},
    Tombstone { removed: &'a Tombstone },
    Changes { changes: Changes<'a> },
}

/// One page of a paginated list.
#[derive(Serialize)]
pub struct ListVars<'a> {
    pub paginator: Paginator<'a>,
    /// The section's own text: present on the section lists, null when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intro: Option<Option<Intro<'a>>>,
    #[serde(flatten)]
    pub groups: Option<Groups<'a>>,
    #[serde(flatten)]
    pub extra: &'a ListExtra,
    /// `/org/ID/`: the catalogue items the unit owes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<Vec<CatalogueItem<'a>>>,
}

/// `{title, html}` of a folder's `_index.md`.
#[derive(Serialize)]
pub struct Intro<'a> {
    pub title: Option<&'a str>,
    pub html: &'a str,
}

/// `paginator`: one page of a list, and the pages a pager links to.
#[derive(Serialize)]
pub struct Paginator<'a> {
    pub number: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    pub first_url: String,
    pub pages: Vec<PageLink>,
    /// The cards of this page (absent from `changes.paginator`, whose rows are its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<&'a Value>>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// A grouped list page's slice under its headings.
#[derive(Serialize)]
pub enum Groups<'a> {
    /// `/services/`: lists by kind.
    #[serde(rename = "groups")]
    ByKind(Vec<KindGroup<'a>>),
    /// `/org/ID/`: records by type.
    #[serde(rename = "records")]
    ByType(Vec<TypeGroup<'a>>),
}

#[derive(Serialize)]
pub struct KindGroup<'a> {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub lists: Vec<&'a Value>,
}

#[derive(Serialize)]
pub struct TypeGroup<'a> {
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub type_label: &'static str,
    pub items: Vec<&'a Value>,
}

/// What a list shows besides its items, planned with the list.
#[derive(Serialize)]
#[serde(untagged)]
pub enum ListExtra {
    Nothing {},
    /// `/services/`: every kind of the whole list, and where it begins.
    Services {
        kinds: Vec<KindCount>,
    },
    /// `/tags/SLUG/`.
    Tag {
        tag: TagCount,
    },
    /// `/org/ID/`.
    Unit {
        unit: UnitView,
        record_counts: Vec<TypeCount>,
    },
}

#[derive(Serialize)]
pub struct KindCount {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub count: usize,
    pub url: String,
}

#[derive(Serialize)]
pub struct TypeCount {
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub type_label: &'static str,
    pub count: usize,
}

/// `{name, slug, url, count}`: a tag and how many records carry it.
#[derive(Serialize)]
pub struct TagCount {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
}

/// An organisation unit's page: itself, its parent and its children.
#[derive(Serialize)]
pub struct UnitView {
    pub id: String,
    pub name: String,
    pub url: String,
    pub parent: Option<UnitRef>,
    pub children: Vec<UnitRef>,
}

#[derive(Serialize)]
pub struct UnitRef {
    pub id: String,
    pub name: Option<String>,
    pub url: String,
}

/// `home`: every block bounded, with the size of the full list it links to.
#[derive(Serialize)]
pub struct Home<'a> {
    pub intro_html: &'a str,
    pub intro_title: Option<&'a str>,
    pub stats: &'a Stats,
    pub catalogue: HomeCatalogue<'a>,
    pub block_size: usize,
    pub active_total: usize,
    pub overdue_total: usize,
    pub service_total: usize,
    pub active_notices: Vec<&'a Value>,
    pub recent_notices: Vec<&'a Value>,
    pub overdue_problems: Vec<&'a Value>,
    pub recent_meetings: Vec<&'a Value>,
    pub service_lists: Vec<&'a Value>,
    pub recent_echo: Vec<&'a Value>,
}

#[derive(Serialize)]
pub struct HomeCatalogue<'a> {
    /// How many catalogue items (0: the site has no 公开目录).
    pub items: usize,
    pub summary: &'a Summary,
    pub url: String,
    /// The due days of the periods whose window holds today, still owed / already done.
    pub dues: Vec<String>,
    pub done_dues: Vec<String>,
}

#[derive(Serialize)]
pub struct KioskView<'a> {
    pub notices_url: String,
    pub problems_url: String,
    pub echo_url: String,
    pub services_url: String,
    pub meetings_url: String,
    pub search_url: String,
    pub active_notices: Vec<&'a Value>,
}

/// `changes`: one page of the ledger's rows, newest first.
#[derive(Serialize)]
pub struct Changes<'a> {
    pub number: usize,
    pub total: usize,
    pub rows: &'a [ChangeRow],
    pub paginator: Paginator<'a>,
}

/// The page `number` of a list of `total_items` at `per_page`, at `base_url`.
pub fn paginator<'a>(
    items: Option<Vec<&'a Value>>,
    number: usize,
    total_items: usize,
    base_url: &str,
    per_page: usize,
) -> Paginator<'a> {
    let total_pages = total_items.div_ceil(per_page.max(1)).max(1);
    let url_of = |n: usize| crate::pipeline::render::page_url(base_url, n);
    // Only the pages a pager links to (the ends and three either side of this one): the full list
    // on every page of a list would make the list's pages quadratic in its length.
    let pages = (1..=total_pages)
        .filter(|&n| n == 1 || n == total_pages || n.abs_diff(number) <= 3)
        .map(|n| PageLink {
            number: n,
            url: url_of(n),
            current: n == number,
        })
        .collect();
    Paginator {
        number,
        total_pages,
        total_items,
        previous_url: (number > 1).then(|| url_of(number - 1)),
        next_url: (number < total_pages).then(|| url_of(number + 1)),
        first_url: url_of(1),
        pages,
        items,
    }
}
