//! `items_from:` (content.md §2 services, §3.1): a service list's items read from a spreadsheet
//! beside the record. The header row names the item keys in English or by their Chinese names;
//! every cell is validated as the YAML field would be and checked for personal numbers, each
//! mistake reported at the spreadsheet's `PATH:ROW:COL` with the sheet and cell (`第二批!C7`).

use super::kinds::ServiceItem;
use super::{AssetPath, Context, resolve_asset};
use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::enums::{Fee, ProjectStatus, ServiceKind};
use crate::pipeline::load::ContentFile;
use crate::privacy::{self, PiiKind};
use crate::sheet::{self, Table};
use crate::yaml::{Fields, Node};

/// Item keys and their Chinese names (content.md §2 services).
const KEYS: [(&str, &str); 14] = [
    ("name", "名称"),
    ("category", "类别"),
    ("provider", "提供方"),
    ("target", "服务对象"),
    ("location", "地点"),
    ("hours", "时间"),
    ("contact", "联系方式"),
    ("fee", "收费"),
    ("description", "说明"),
    ("org", "所属组织"),
    ("status", "状态"),
    ("budget", "预算"),
    ("funding", "资金来源"),
    ("beneficiaries", "受益人数"),
];

const PROJECT_KEYS: [&str; 4] = ["status", "budget", "funding", "beneficiaries"];

/// The key a header cell names, by its English key (any case) or its Chinese name.
fn key_of(header: &str) -> Option<&'static str> {
    let h = header.trim();
    KEYS.iter()
        .find(|(k, zh)| k.eq_ignore_ascii_case(h) || *zh == h)
        .map(|(k, _)| *k)
}

fn chinese_name(key: &str) -> &'static str {
    KEYS.iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, zh)| zh)
}

/// Reads the items of `items_from: FILE[#sheet]`; `None` when the spreadsheet cannot be used
/// (already reported).
pub fn read(
    file: &ContentFile,
    f: &Fields,
    node: &Node,
    ctx: &Context,
    kind: Option<ServiceKind>,
    allow: &[PiiKind],
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<ServiceItem>> {
    let Some(target) = node.scalar().map(str::trim).filter(|s| !s.is_empty()) else {
        diags.push(f.invalid(
            node,
            "items_from 要写表格文件名".into(),
            "例如 items_from: fuwu.csv 或 items_from: fuwu.xlsx#服务清单",
        ));
        return None;
    };
    let (name, sheet_name) = match target.split_once('#') {
        Some((n, s)) => (n, Some(s).filter(|s| !s.is_empty())),
        None => (target, None),
    };
    if !sheet::is_spreadsheet(name) {
        diags.push(f.invalid(
            node,
            format!("「{name}」不是表格文件（xlsx、xls、ods、csv）"),
            "items_from 只能写表格文件，例如 items_from: fuwu.csv",
        ));
        return None;
    }
    let (path, rel) = match resolve_asset(file, name, ctx.loaded) {
        Ok(AssetPath::Content(p)) => (ctx.root.join("content").join(&p), format!("content/{p}")),
        Ok(AssetPath::Static(p)) => (ctx.root.join("static").join(&p), format!("static/{p}")),
        Err(message) => {
            diags.push(f.file.error(
                "E-SHEET",
                node.pos,
                message,
                "把表格文件放在记录旁边（写成文件夹 NAME/index.md 的形式），并核对文件名",
            ));
            return None;
        }
    };
    let table = match sheet::read(&path, sheet_name) {
        Ok(t) => t,
        Err(why) => {
            diags.push(f.file.error(
                "E-SHEET",
                node.pos,
                format!("表格「{name}」读不出来：{why}"),
                "用 Excel 或 WPS 打开核对后另存；工作表名写在 # 后面",
            ));
            return None;
        }
    };
    let source = SourceFile::new(rel, "");
    let reader = SheetItems {
        table: &table,
        source: &source,
        ctx,
        kind,
        allow,
    };
    // Every cell, whatever else is wrong with the sheet: personal numbers are their own mistake.
    reader.check_privacy(diags);
    if table.rows.len() == 1 {
        diags.push(f.invalid(
            node,
            format!("表格「{name}」里没有清单条目（表头下面没有行）"),
            "在表头下面每行写一项",
        ));
        return None;
    }
    // A list whose every row has a mistake has those mistakes reported, not one more.
    reader
        .items(f, node, diags)
        .filter(|items| !items.is_empty())
}

struct SheetItems<'a> {
    table: &'a Table,
    source: &'a SourceFile,
    ctx: &'a Context<'a>,
    kind: Option<ServiceKind>,
    allow: &'a [PiiKind],
}

impl SheetItems<'_> {
    fn error(&self, row: u32, col: u32, what: String, help: impl Into<String>) -> Diagnostic {
        let cell = self.table.cell_name(row, col);
        self.source.error(
            "E-SHEET-CELL",
            Pos::new(row, col),
            format!("{cell} {what}"),
            help,
        )
    }

    /// The columns' keys from the header row, reporting unknown and repeated headers.
    fn header(&self, diags: &mut Vec<Diagnostic>) -> Option<Vec<Option<&'static str>>> {
        let row = self.table.rows.first()?;
        let mut keys: Vec<Option<&'static str>> = Vec::new();
        let mut ok = true;
        for cell in &row.cells {
            let text = cell.text.trim();
            if text.is_empty() {
                keys.push(None);
                continue;
            }
            match key_of(text) {
                Some(k) if keys.contains(&Some(k)) => {
                    ok = false;
                    diags.push(self.error(
                        row.number,
                        cell.col,
                        format!("表头「{text}」重复了"),
                        "每个字段只写一列",
                    ));
                    keys.push(None);
                }
                Some(k) => {
                    if self.kind.is_some_and(|k| k != ServiceKind::Projects)
                        && PROJECT_KEYS.contains(&k)
                    {
                        diags.push(self.source.warning(
                            "W-PROJECT-FIELD",
                            Pos::new(row.number, cell.col),
                            format!(
                                "{} 列「{text}」只用于项目清单（kind: projects）",
                                self.table.cell_name(row.number, cell.col)
                            ),
                            "删除这一列，或把清单类型改为 projects",
                        ));
                    }
                    keys.push(Some(k));
                }
                None => {
                    ok = false;
                    let all: Vec<&str> = KEYS.iter().flat_map(|(k, zh)| [*k, *zh]).collect();
                    let help = match crate::yaml::nearest(text, &all).and_then(key_of) {
                        Some(k) => format!("是不是想写「{}」（{k}）？", chinese_name(k)),
                        None => format!(
                            "表头可以写：{}",
                            KEYS.iter()
                                .map(|(k, zh)| format!("{zh}（{k}）"))
                                .collect::<Vec<_>>()
                                .join("、")
                        ),
                    };
                    diags.push(self.error(
                        row.number,
                        cell.col,
                        format!("表头「{text}」不是清单条目的字段"),
                        help,
                    ));
                    keys.push(None);
                }
            }
        }
        ok.then_some(keys)
    }

    fn items(
        &self,
        f: &Fields,
        node: &Node,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<ServiceItem>> {
        let Some(keys) = self.header(diags) else {
            if self.table.rows.is_empty() {
                diags.push(f.invalid(
                    node,
                    "表格是空的".into(),
                    "第一行写表头（名称、类别、收费……），下面每行一项",
                ));
            }
            return None;
        };
        if !keys.contains(&Some("name")) {
            diags.push(f.file.error(
                "E-SHEET",
                node.pos,
                format!("表格「{}」的表头没有「名称」（name）列", self.table.sheet),
                "在表头写一列「名称」，每行写服务或项目的名称",
            ));
            return None;
        }
        let mut items = Vec::new();
        for row in self.table.rows.iter().skip(1) {
            let mut item = ServiceItem {
                name: String::new(),
                category: None,
                provider: None,
                target: None,
                location: None,
                hours: None,
                contact: None,
                fee: None,
                description: None,
                org: None,
                status: None,
                budget: None,
                funding: None,
                beneficiaries: None,
            };
            let mut row_ok = true;
            for (cell, key) in row.cells.iter().zip(&keys) {
                let text = cell.text.trim();
                let Some(key) = key else { continue };
                if text.is_empty() {
                    if *key == "name" {
                        row_ok = false;
                        diags.push(self.error(
                            row.number,
                            cell.col,
                            "名称是空的".into(),
                            "每一项都要写名称；不要的行请删除",
                        ));
                    }
                    continue;
                }
                let value = text.to_string();
                let mut bad = |what: String, help: String| {
                    row_ok = false;
                    diags.push(self.error(row.number, cell.col, what, help));
                };
                match *key {
                    "name" => item.name = value,
                    "category" => item.category = Some(value),
                    "provider" => item.provider = Some(value),
                    "target" => item.target = Some(value),
                    "location" => item.location = Some(value),
                    "hours" => item.hours = Some(value),
                    "contact" => item.contact = Some(value),
                    "description" => item.description = Some(value),
                    "funding" => item.funding = Some(value),
                    "fee" => match Fee::parse(text) {
                        Some(v) => item.fee = Some(v),
                        None => bad(
                            format!("收费方式「{text}」不是可用的值"),
                            format!("可以写：{}", Fee::choices()),
                        ),
                    },
                    "status" => match ProjectStatus::parse(text) {
                        Some(v) => item.status = Some(v),
                        None => bad(
                            format!("项目状态「{text}」不是可用的值"),
                            format!("可以写：{}", ProjectStatus::choices()),
                        ),
                    },
                    "budget" => match text.parse::<f64>() {
                        Ok(b) if b.is_finite() && b >= 0.0 => item.budget = Some(b),
                        _ => bad(
                            format!("预算「{text}」不是非负的数"),
                            "写预算金额（万元），例如 12.5".into(),
                        ),
                    },
                    "beneficiaries" => match text.parse::<u64>() {
                        Ok(n) => item.beneficiaries = Some(n),
                        Err(_) => bad(
                            format!("受益人数「{text}」不是整数"),
                            "写人数，例如 120".into(),
                        ),
                    },
                    "org" => {
                        if self.ctx.config.org_index.contains_key(text) {
                            item.org = Some(value);
                        } else {
                            let known: Vec<&str> = self
                                .ctx
                                .config
                                .org_index
                                .keys()
                                .map(String::as_str)
                                .collect();
                            let help = match crate::yaml::nearest(text, &known) {
                                Some(k) => {
                                    format!("是不是想写 `{k}`？组织单元在 site.yaml 的 org 里定义")
                                }
                                None => "写 site.yaml 里 org 定义的单元 id".to_string(),
                            };
                            bad(format!("找不到组织单元 `{text}`"), help);
                        }
                    }
                    _ => {}
                }
            }
            if row_ok && !item.name.is_empty() {
                items.push(item);
            }
        }
        Some(items)
    }

    /// Every cell is published text (content.md §4); a contact cell may hold a mobile number.
    fn check_privacy(&self, diags: &mut Vec<Diagnostic>) {
        let contact_cols: Vec<u32> = self.table.rows.first().map_or_else(Vec::new, |header| {
            header
                .cells
                .iter()
                .filter(|c| key_of(&c.text) == Some("contact"))
                .map(|c| c.col)
                .collect()
        });
        for (i, row) in self.table.rows.iter().enumerate() {
            for cell in &row.cells {
                let contact = i > 0 && contact_cols.contains(&cell.col);
                for hit in privacy::scan(&cell.text) {
                    if self.allow.contains(&hit.kind) || (contact && hit.kind == PiiKind::Mobile) {
                        continue;
                    }
                    diags.push(privacy::error(
                        self.source,
                        Pos::new(row.number, cell.col),
                        &format!("{} ", self.table.cell_name(row.number, cell.col)),
                        &hit,
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_english_or_chinese() {
        assert_eq!(key_of("名称"), Some("name"));
        assert_eq!(key_of(" Fee "), Some("fee"));
        assert_eq!(key_of("受益人数"), Some("beneficiaries"));
        assert_eq!(key_of("收费标准"), None);
        assert_eq!(chinese_name("org"), "所属组织");
    }
}
