//! What calamine does not tell of an `.ods` sheet: rows and columns with
//! `table:visibility="collapse"` (or `filter`), and merged areas (`table:number-rows-spanned`,
//! `table:number-columns-spanned`), read from `content.xml`.

use super::xlsx::attrs;
use super::{Hidden, Layout, MAX_ROWS};
use calamine::Dimensions;
use quick_xml::events::Event;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Columns a sheet can have.
const MAX_COLS: u32 = 16_384;

pub(super) fn layout(path: &Path, sheet: &str) -> Result<Layout, String> {
    let broken = || "表格文件打不开，可能已损坏，或不是它的扩展名所说的格式".to_string();
    let file = File::open(path).map_err(|_| broken())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|_| broken())?;
    let entry = zip.by_name("content.xml").map_err(|_| broken())?;
    read_content(BufReader::new(entry), sheet).map_err(|_| broken())
}

fn count(a: &std::collections::HashMap<String, String>, key: &str) -> u32 {
    a.get(key)
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

fn collapsed(a: &std::collections::HashMap<String, String>) -> bool {
    matches!(
        a.get("table:visibility").map(String::as_str),
        Some("collapse" | "filter")
    )
}

fn read_content<R: std::io::BufRead>(input: R, sheet: &str) -> Result<Layout, quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut layout = Layout::default();
    let mut hidden = Hidden::default();
    // Depth of `table:table` elements inside the wanted one (sub-tables are not counted).
    let mut inside: Option<u32> = None;
    let (mut row, mut col, mut row_repeat) = (0u32, 0u32, 1u32);
    loop {
        let event = reader.read_event_into(&mut buf)?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                let name = e.name();
                match (name.as_ref(), inside) {
                    ("table:table", Some(0)) => break,
                    ("table:table", Some(d)) => inside = Some(d - 1),
                    ("table:table-row", Some(0)) => {
                        row = row.saturating_add(row_repeat);
                    }
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        let name = e.name();
        match (name.as_ref(), inside) {
            ("table:table", None)
                if !empty && attrs(e).get("table:name").map(String::as_str) == Some(sheet) =>
            {
                inside = Some(0);
            }
            ("table:table", Some(d)) if !empty => inside = Some(d + 1),
            ("table:table-column", Some(0)) => {
                let a = attrs(e);
                let n = count(&a, "table:number-columns-repeated");
                if collapsed(&a) {
                    hidden.cols.extend(col..col.saturating_add(n).min(MAX_COLS));
                }
                col = col.saturating_add(n);
                // Columns come before rows; rows count their cells from 0.
            }
            ("table:table-row", Some(0)) => {
                let a = attrs(e);
                row_repeat = count(&a, "table:number-rows-repeated");
                if collapsed(&a) {
                    let end = row.saturating_add(row_repeat).min(MAX_ROWS);
                    hidden.rows.extend(row.min(end)..end);
                }
                col = 0;
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            ("table:table-cell" | "table:covered-table-cell", Some(0)) => {
                let a = attrs(e);
                let rows = count(&a, "table:number-rows-spanned");
                let cols = count(&a, "table:number-columns-spanned");
                if name.as_ref() == "table:table-cell" && (rows > 1 || cols > 1) {
                    layout.merged.push(Dimensions::new(
                        (row, col),
                        (row.saturating_add(rows - 1), col.saturating_add(cols - 1)),
                    ));
                }
                col = col.saturating_add(count(&a, "table:number-columns-repeated"));
            }
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
    fn reads_collapsed_rows_columns_and_spans() {
        let xml = r#"<office:document-content xmlns:office="o" xmlns:table="t">
<office:body><office:spreadsheet>
<table:table table:name="其他"><table:table-row table:visibility="collapse"/></table:table>
<table:table table:name="名单">
<table:table-column table:number-columns-repeated="2"/>
<table:table-column table:visibility="collapse"/>
<table:table-row><table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="1"/><table:covered-table-cell/><table:table-cell/></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
<table:table-row table:visibility="collapse"><table:table-cell table:number-columns-repeated="3"/></table:table-row>
</table:table>
</office:spreadsheet></office:body></office:document-content>"#;
        let layout = read_content(xml.as_bytes(), "名单").unwrap_or_default();
        assert_eq!(
            layout.hidden.cols.iter().copied().collect::<Vec<_>>(),
            vec![2]
        );
        assert_eq!(
            layout.hidden.rows.iter().copied().collect::<Vec<_>>(),
            vec![3]
        );
        assert_eq!(layout.merged, vec![Dimensions::new((0, 0), (0, 1))]);
    }
}
