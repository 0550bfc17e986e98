//! Spreadsheets as tables (content.md §3.1): `.xlsx`, `.xls`, `.ods` (through calamine) and `.csv`
//! (UTF-8 with or without BOM, else GB18030) become a `Table` of what a reader of the sheet sees.
//!
//! What a reader does not see is not read into the table at all: hidden sheets are never chosen,
//! and hidden rows and columns are dropped here, before anything is checked or published. calamine
//! reads values (a formula's cached result) and sheet visibility but not hidden rows or columns,
//! so `xlsx` and `ods` read those from the file's own XML, and `xls` from the workbook's BIFF
//! records. A merged cell keeps its value once, in its
//! top-left cell, with the span it covers.

mod csv;
mod ods;
mod xls;
mod xlsx;

use calamine::{Data, Dimensions, Reader, SheetVisible};
use std::collections::BTreeSet;
use std::path::Path;

/// File extensions read as spreadsheets (lower case).
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xls", "ods", "csv"];

/// Spreadsheets larger than this are refused rather than read into memory.
const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// A sheet with more rows than this is not a list to publish as one table.
const MAX_ROWS: u32 = 100_000;

/// Whether a file name (or path) names a spreadsheet: such a file is read, never published.
pub fn is_spreadsheet(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e))
    })
}

/// The visible part of one sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The sheet's name as diagnostics show it (`第二批`); for a CSV, the file's stem, as a
    /// spreadsheet program names it.
    pub sheet: String,
    /// Visible rows that have something in them, in order; the first is the header.
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based row number in the sheet (hidden rows counted), as the program shows it.
    pub number: u32,
    /// One cell for each visible column, in order.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// 1-based column number in the sheet (hidden columns counted).
    pub col: u32,
    /// What the cell shows: text, a number without a spurious `.0`, a date as `2026-11-05`.
    pub text: String,
    pub span: Span,
}

/// Where a cell stands in a merged area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Single,
    /// The top-left cell of a merged area: how many visible rows and columns it covers.
    Merged {
        rows: u32,
        cols: u32,
    },
    /// Inside a merged area but not its top-left cell: publishes nothing.
    Covered,
}

impl Table {
    /// `第二批!C7` for a cell of this table.
    pub fn cell_name(&self, row: u32, col: u32) -> String {
        format!("{}!{}{row}", self.sheet, column_letters(col))
    }
}

/// `1` → `A`, `27` → `AA`.
pub fn column_letters(col: u32) -> String {
    let mut n = col.max(1);
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The text of a file a worker saved: UTF-8 (a BOM dropped), else GB18030 as Excel and Notepad
/// save it on a Chinese system.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    csv::decode(bytes)
}

/// Reads the sheet named `sheet` (the first visible one when `None`) of the spreadsheet at `path`.
/// The error is a Chinese sentence saying what is wrong.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Table, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let size = std::fs::metadata(path)
        .map_err(|_| "表格文件读不出来".to_string())?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "表格文件太大（超过 {} MB）",
            MAX_BYTES / 1024 / 1024
        ));
    }
    match ext.as_str() {
        "csv" => {
            if let Some(name) = sheet {
                return Err(format!("CSV 文件只有一张表，不能指定工作表「{name}」"));
            }
            let bytes = std::fs::read(path).map_err(|_| "表格文件读不出来".to_string())?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("CSV")
                .to_string();
            let grid = csv::parse(&csv::decode(&bytes)?);
            if grid.len() > MAX_ROWS as usize {
                return Err(format!("CSV 文件超过 {MAX_ROWS} 行，太大了"));
            }
            Ok(build(stem, grid, &Hidden::default(), &[]))
        }
        "xlsx" | "xls" | "ods" => read_workbook(path, &ext, sheet),
        _ => Err("不是能读的表格格式（xlsx、xls、ods、csv）".to_string()),
    }
}

/// Rows and columns (0-based) a reader of the sheet does not see.
#[derive(Debug, Default)]
struct Hidden {
    rows: BTreeSet<u32>,
    cols: BTreeSet<u32>,
}

/// What a workbook format tells beyond calamine's values: hidden rows and columns, merged areas.
#[derive(Debug, Default)]
struct Layout {
    hidden: Hidden,
    merged: Vec<Dimensions>,
    /// The first and last (row, column) holding a value, where the format tells it before the
    /// values are read (`.xlsx`).
    extent: Option<((u32, u32), (u32, u32))>,
}

/// calamine makes a dense grid of a sheet's used area: a hostile file with one value in A1 and
/// one in XFD1048576 would ask for hundreds of gigabytes. No list to publish is this large.
const MAX_CELLS: u64 = 2_000_000;

fn read_workbook(path: &Path, ext: &str, wanted: Option<&str>) -> Result<Table, String> {
    let unreadable = |_| "表格文件打不开，可能已损坏，或不是它的扩展名所说的格式".to_string();
    let mut book = calamine::open_workbook_auto(path).map_err(unreadable)?;
    let sheets = book.sheets_metadata().to_vec();
    let name = match wanted {
        Some(w) => {
            let found = sheets.iter().find(|s| s.name == w).ok_or_else(|| {
                let visible: Vec<&str> = sheets
                    .iter()
                    .filter(|s| s.visible == SheetVisible::Visible)
                    .map(|s| s.name.as_str())
                    .collect();
                format!(
                    "表格里没有名为「{w}」的工作表（有：{}）",
                    visible.join("、")
                )
            })?;
            if found.visible != SheetVisible::Visible {
                return Err(format!("工作表「{w}」是隐藏的，隐藏的工作表不公开"));
            }
            found.name.clone()
        }
        None => sheets
            .iter()
            .find(|s| s.visible == SheetVisible::Visible)
            .map(|s| s.name.clone())
            .ok_or_else(|| "表格里没有可见的工作表".to_string())?,
    };
    // Read first, so a sheet too large to hold is refused before calamine allocates it.
    let xlsx_layout = match ext {
        "xlsx" => Some(xlsx::layout(path, &name)?),
        _ => None,
    };
    if let Some(((r0, c0), (r1, c1))) = xlsx_layout.as_ref().and_then(|l| l.extent) {
        let cells = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
        if r1 >= MAX_ROWS || cells > MAX_CELLS {
            return Err(format!(
                "工作表「{name}」太大了（超过 {MAX_ROWS} 行或 {MAX_CELLS} 格）"
            ));
        }
    }
    let range = book
        .worksheet_range(&name)
        .map_err(|_| format!("工作表「{name}」读不出来"))?;
    if range.end().is_some_and(|(r, _)| r >= MAX_ROWS) {
        return Err(format!("工作表「{name}」超过 {MAX_ROWS} 行，太大了"));
    }
    let layout = match (ext, &mut book) {
        ("xlsx", _) => xlsx_layout.unwrap_or_default(),
        ("ods", _) => ods::layout(path, &name)?,
        // .xls: calamine gives merged areas; hidden rows and columns come from the sheet's own
        // records, found by the sheet's place in the workbook (calamine lists them in that order).
        (_, calamine::Sheets::Xls(book)) => {
            let index = sheets
                .iter()
                .position(|s| s.name == name)
                .ok_or_else(|| format!("工作表「{name}」读不出来"))?;
            let last_row = range.end().map_or(0, |(r, _)| r);
            Layout {
                hidden: xls::hidden(path, index)?.resolve(last_row),
                merged: book.merge_cells_by_sheet_name(&name).unwrap_or_default(),
                extent: None,
            }
        }
        _ => Layout::default(),
    };
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut grid: Vec<Vec<String>> = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let r = r0 as usize + i;
        if grid.len() <= r {
            grid.resize(r + 1, Vec::new());
        }
        let cells = &mut grid[r];
        cells.resize(c0 as usize, String::new());
        cells.extend(row.iter().map(cell_text));
    }
    Ok(build(name, grid, &layout.hidden, &layout.merged))
}

/// What a cell shows.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(true) => "TRUE".into(),
        Data::Bool(false) => "FALSE".into(),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if dt.is_duration() {
                number_text(dt.as_f64())
            } else if dt.as_f64() < 1.0 && dt.as_f64() >= 0.0 {
                format!("{h:02}:{mi:02}")
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
            }
        }
        Data::DateTimeIso(s) => s
            .strip_suffix("T00:00:00")
            .unwrap_or(s)
            .replacen('T', " ", 1),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// `12.0` → `12`, `0.1 + 0.2` → `0.3`: what a spreadsheet shows in a general-format cell.
fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let s = format!("{f:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The visible table of a grid of cell texts (`grid[row][col]`, 0-based).
fn build(sheet: String, grid: Vec<Vec<String>>, hidden: &Hidden, merged: &[Dimensions]) -> Table {
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    let covered = |r: u32, c: u32| merged.iter().find(|m| m.contains(r, c));
    // Rows with something visible in them (a value, or a part of a merged area).
    let visible_cols: Vec<u32> = (0..width as u32)
        .filter(|c| !hidden.cols.contains(c))
        .collect();
    let kept_rows: Vec<u32> = (0..grid.len() as u32)
        .filter(|r| !hidden.rows.contains(r))
        .filter(|&r| {
            visible_cols.iter().any(|&c| {
                let has_text = grid
                    .get(r as usize)
                    .and_then(|row| row.get(c as usize))
                    .is_some_and(|t| !t.is_empty());
                has_text || covered(r, c).is_some()
            })
        })
        .collect();
    // Columns with something in a kept row; empty ones at either edge are left out.
    let used = |c: u32| {
        kept_rows.iter().any(|&r| {
            grid.get(r as usize)
                .and_then(|row| row.get(c as usize))
                .is_some_and(|t| !t.is_empty())
                || covered(r, c).is_some()
        })
    };
    let first = visible_cols.iter().position(|&c| used(c));
    let last = visible_cols.iter().rposition(|&c| used(c));
    let cols: &[u32] = match (first, last) {
        (Some(a), Some(b)) => &visible_cols[a..=b],
        _ => &[],
    };
    let rows = kept_rows
        .iter()
        .map(|&r| Row {
            number: r + 1,
            cells: cols
                .iter()
                .map(|&c| {
                    let span = match covered(r, c) {
                        Some(m) if m.start == (r, c) => Span::Merged {
                            rows: kept_rows
                                .iter()
                                .filter(|&&k| k >= m.start.0 && k <= m.end.0)
                                .count() as u32,
                            cols: cols
                                .iter()
                                .filter(|&&k| k >= m.start.1 && k <= m.end.1)
                                .count() as u32,
                        },
                        Some(_) => Span::Covered,
                        None => Span::Single,
                    };
                    let text = match span {
                        Span::Covered => String::new(),
                        _ => grid
                            .get(r as usize)
                            .and_then(|row| row.get(c as usize))
                            .cloned()
                            .unwrap_or_default(),
                    };
                    Cell {
                        col: c + 1,
                        text,
                        span,
                    }
                })
                .collect(),
        })
        .collect();
    Table { sheet, rows }
}

/// `B7` → (6, 1), 0-based.
fn parse_cell_ref(s: &str) -> Option<(u32, u32)> {
    let s = s.replace('$', "");
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut col: u32 = 0;
    for c in letters.chars() {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(c.to_ascii_uppercase()) - u32::from('A') + 1)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn texts(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn spreadsheet_names() {
        assert!(is_spreadsheet("a/低保名单.xlsx"));
        assert!(is_spreadsheet("B.CSV"));
        assert!(is_spreadsheet("x.ods") && is_spreadsheet("x.xls"));
        assert!(!is_spreadsheet("x.xlsm") && !is_spreadsheet(".csv") && !is_spreadsheet("csv"));
        assert!(!is_spreadsheet("a.csv/readme.txt"));
    }

    #[test]
    fn column_letters_and_refs() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
        assert_eq!(parse_cell_ref("A1"), Some((0, 0)));
        assert_eq!(parse_cell_ref("$C$7"), Some((6, 2)));
        assert_eq!(parse_cell_ref("AA10"), Some((9, 26)));
        assert_eq!(parse_cell_ref("7"), None);
        assert_eq!(parse_cell_ref("A0"), None);
    }

    #[test]
    fn numbers_show_as_a_spreadsheet_shows_them() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(13812345678.0), "13812345678");
        assert_eq!(number_text(f64::NAN), "");
    }

    #[test]
    fn hidden_rows_and_columns_and_empty_edges_are_left_out() {
        let g = grid(&[
            &[],
            &["", "姓名", "身份证号", "金额"],
            &["", "张*明", "SECRET1", "300"],
            &["", "李*红", "SECRET2", "280"],
            &[],
            &["", "王*强", "SECRET3", "310"],
        ]);
        let hidden = Hidden {
            rows: [3].into(),
            cols: [2].into(),
        };
        let t = build("第一批".into(), g, &hidden, &[]);
        assert_eq!(
            texts(&t),
            vec![
                vec!["姓名", "金额"],
                vec!["张*明", "300"],
                vec!["王*强", "310"]
            ]
        );
        assert_eq!(
            t.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![2, 3, 6]
        );
        assert_eq!(t.rows[1].cells[1].col, 4);
        assert_eq!(t.cell_name(3, 4), "第一批!D3");
    }

    #[test]
    fn merged_area_publishes_once_with_visible_span() {
        let g = grid(&[
            &["类别", "名称", "备注"],
            &["助老", "助餐", "x"],
            &["", "助浴", "y"],
            &["", "hidden", "z"],
        ]);
        let hidden = Hidden {
            rows: [3].into(),
            cols: BTreeSet::new(),
        };
        let merged = [
            Dimensions::new((1, 0), (3, 0)),
            Dimensions::new((0, 1), (0, 2)),
        ];
        let t = build("S".into(), g, &hidden, &merged);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[1].cells[0].span, Span::Merged { rows: 2, cols: 1 });
        assert_eq!(t.rows[2].cells[0].span, Span::Covered);
        assert_eq!(t.rows[0].cells[1].span, Span::Merged { rows: 1, cols: 2 });
        assert_eq!(t.rows[0].cells[2].span, Span::Covered);
        assert_eq!(t.rows[0].cells[2].text, "");
    }
}
