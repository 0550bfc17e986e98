//! What calamine does not tell of an `.xlsx` sheet: its hidden rows (`<row r="6" hidden="1">`),
//! hidden columns (`<col min="3" max="3" hidden="1">`) and merged areas (`<mergeCell ref="A1:B2">`),
//! read from `xl/worksheets/sheetN.xml`, found by name through `xl/workbook.xml` and its
//! relationships.

use super::{Hidden, Layout, parse_cell_ref};
use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Workbook and relationship parts are small; a larger one is not a real workbook.
const MAX_PART_BYTES: u64 = 16 * 1024 * 1024;

type Archive = zip::ZipArchive<BufReader<File>>;

fn broken() -> String {
    "表格文件打不开，可能已损坏，或不是它的扩展名所说的格式".to_string()
}

pub(super) fn layout(path: &Path, sheet: &str) -> Result<Layout, String> {
    let file = File::open(path).map_err(|_| broken())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|_| broken())?;
    let part = sheet_part(&mut zip, sheet)?;
    let entry = zip.by_name(&part).map_err(|_| broken())?;
    read_sheet(BufReader::new(entry)).map_err(|_| broken())
}

/// Attributes of an element by qualified name (`r:id`), values unescaped.
pub(super) fn attrs(e: &BytesStart) -> HashMap<String, String> {
    e.attributes()
        .filter_map(Result::ok)
        .filter_map(|a| {
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()?
                .into_owned();
            Some((a.key.as_ref().to_string(), value))
        })
        .collect()
}

fn read_part(zip: &mut Archive, name: &str) -> Result<String, String> {
    let entry = zip.by_name(name).map_err(|_| broken())?;
    let mut text = String::new();
    entry
        .take(MAX_PART_BYTES)
        .read_to_string(&mut text)
        .map_err(|_| broken())?;
    Ok(text)
}

/// Every start or empty element of a small XML part, with its attributes.
fn elements(xml: &str) -> Vec<(String, HashMap<String, String>)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                out.push((e.local_name().as_ref().to_string(), attrs(&e)));
            }
            Ok(Event::Eof) | Err(_) => return out,
            Ok(_) => {}
        }
    }
}

/// `xl/worksheets/sheet2.xml` for the sheet named `sheet`.
fn sheet_part(zip: &mut Archive, sheet: &str) -> Result<String, String> {
    let workbook = read_part(zip, "xl/workbook.xml")?;
    let rid = elements(&workbook)
        .into_iter()
        .find(|(name, a)| name == "sheet" && a.get("name").map(String::as_str) == Some(sheet))
        .and_then(|(_, a)| {
            a.into_iter()
                .find(|(k, _)| k == "r:id" || k.ends_with(":id"))
                .map(|(_, v)| v)
        })
        .ok_or_else(broken)?;
    let rels = read_part(zip, "xl/_rels/workbook.xml.rels")?;
    let target = elements(&rels)
        .into_iter()
        .find(|(name, a)| name == "Relationship" && a.get("Id") == Some(&rid))
        .and_then(|(_, mut a)| a.remove("Target"))
        .ok_or_else(broken)?;
    Ok(match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => crate::pipeline::model::normalize(&format!("xl/{target}")).ok_or_else(broken)?,
    })
}

fn is_true(v: Option<&String>) -> bool {
    matches!(v.map(String::as_str), Some("1" | "true"))
}

fn read_sheet<R: std::io::BufRead>(input: R) -> Result<Layout, quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut layout = Layout::default();
    let mut hidden = Hidden::default();
    // Rows without `r` follow the one before.
    let mut next_row: u32 = 0;
    loop {
        let event = reader.read_event_into(&mut buf)?;
        // A cell with content (`<c r="B7">…</c>`; a styled empty cell is `<c r="B7" s="1"/>`).
        if let Event::Start(e) = &event
            && e.local_name().as_ref() == "c"
            && let Some((r, c)) = attrs(e).get("r").and_then(|r| parse_cell_ref(r))
        {
            let (lo, hi) = layout.extent.get_or_insert(((r, c), (r, c)));
            *lo = (lo.0.min(r), lo.1.min(c));
            *hi = (hi.0.max(r), hi.1.max(c));
        }
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "row" => {
                    let a = attrs(&e);
                    let r = a
                        .get("r")
                        .and_then(|r| r.parse::<u32>().ok())
                        .and_then(|r| r.checked_sub(1))
                        .unwrap_or(next_row);
                    if is_true(a.get("hidden")) {
                        hidden.rows.insert(r);
                    }
                    next_row = r.saturating_add(1);
                }
                "col" => {
                    let a = attrs(&e);
                    let num = |k: &str| a.get(k).and_then(|v| v.parse::<u32>().ok());
                    if let (Some(min), Some(max)) = (num("min"), num("max"))
                        && is_true(a.get("hidden"))
                        && min >= 1
                        // A hidden range to the sheet's last column (XFD = 16384) is common.
                        && max <= 16_384
                    {
                        hidden.cols.extend((min - 1)..max);
                    }
                }
                "mergeCell" => {
                    let a = attrs(&e);
                    if let Some((from, to)) = a.get("ref").and_then(|r| r.split_once(':'))
                        && let (Some(s), Some(t)) = (parse_cell_ref(from), parse_cell_ref(to))
                    {
                        layout.merged.push(Dimensions::new(s, t));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    layout.hidden = hidden;
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hidden_rows_columns_and_merges() {
        let xml = r#"<?xml version="1.0"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<cols><col min="1" max="1" width="9"/><col min="3" max="4" hidden="1" width="0"/></cols>
<sheetData>
<row r="1"><c r="A1"><v>1</v></c></row>
<row r="6" hidden="1"><c r="A6"><v>1</v></c></row>
<row hidden="true"/>
</sheetData>
<mergeCells count="1"><mergeCell ref="A2:B3"/></mergeCells>
</worksheet>"#;
        let layout = read_sheet(xml.as_bytes()).unwrap_or_default();
        assert_eq!(
            layout.hidden.cols.iter().copied().collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert_eq!(
            layout.hidden.rows.iter().copied().collect::<Vec<_>>(),
            vec![5, 6]
        );
        assert_eq!(layout.merged, vec![Dimensions::new((1, 0), (2, 1))]);
        assert_eq!(layout.extent, Some(((0, 0), (5, 0))));
    }
}
