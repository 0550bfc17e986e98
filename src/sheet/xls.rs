//! What calamine does not tell of an `.xls` sheet (Excel 97–2003, BIFF8, and BIFF5 before it):
//! its hidden rows and columns. They are read from the workbook's own records: the file is an OLE
//! compound file (read with `cfb`) whose `Workbook` (BIFF5: `Book`) stream is a list of records,
//! each a 2-byte type, a 2-byte length and its data (MS-XLS 2.1.4).
//!
//! - `BoundSheet8` (0x0085), in the workbook's globals, one a sheet in the order calamine lists
//!   them: the offset of the sheet's own `BOF` in the stream.
//! - `Row` (0x0208) in the sheet: option flags at byte 12, bit 5 `fDyZero`, the row is hidden
//!   (Excel sets it for a hidden row and a row filtered out alike).
//! - `ColInfo` (0x007D): columns `colFirst..=colLast`, width at byte 4, options at byte 8, bit 0
//!   `fHidden`; a column of width 0 is hidden too.
//! - `DefaultRowHeight` (0x0225): bit 1 `fDyZero` hides every row without a `Row` record of its
//!   own.

use super::Hidden;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const ROW: u16 = 0x0208;
const COLINFO: u16 = 0x007D;
const DEFAULTROWHEIGHT: u16 = 0x0225;

/// Columns a BIFF8 sheet can have.
const MAX_COLS: u32 = 256;

/// The stream is never larger than the file, which `read` has limited already; this bounds a
/// compound file that claims otherwise.
const MAX_STREAM: u64 = 64 * 1024 * 1024;

/// What an `.xls` sheet hides.
#[derive(Debug, Default)]
pub(super) struct XlsHidden {
    pub hidden: Hidden,
    /// Set when the sheet hides rows by default: then every row not in `rows_with_record` is
    /// hidden as well.
    pub rows_hidden_by_default: bool,
    pub rows_with_record: BTreeSet<u32>,
}

impl XlsHidden {
    /// The hidden rows and columns for a sheet whose rows run `0..=last_row`.
    pub fn resolve(mut self, last_row: u32) -> Hidden {
        if self.rows_hidden_by_default {
            for r in 0..=last_row {
                if !self.rows_with_record.contains(&r) {
                    self.hidden.rows.insert(r);
                }
            }
        }
        self.hidden
    }
}

/// The hidden rows and columns of the `index`-th sheet (in the order of the workbook's sheet
/// records, which is calamine's order) of the `.xls` file at `path`. A file whose records cannot
/// be followed is an error, never a sheet with nothing hidden.
pub(super) fn hidden(path: &Path, index: usize) -> Result<XlsHidden, String> {
    let broken = || "表格文件打不开，可能已损坏，或不是它的扩展名所说的格式".to_string();
    let mut file = cfb::open(path).map_err(|_| broken())?;
    let name = if file.is_stream("/Workbook") {
        "/Workbook"
    } else {
        "/Book"
    };
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(|_| broken())?
        .take(MAX_STREAM)
        .read_to_end(&mut stream)
        .map_err(|_| broken())?;
    sheet_hidden(&stream, index).ok_or_else(broken)
}

/// One record: its type and data.
fn records(stream: &[u8], from: usize) -> impl Iterator<Item = Option<(u16, &[u8])>> + '_ {
    let mut at = from;
    std::iter::from_fn(move || {
        if at >= stream.len() {
            return None;
        }
        let head = stream.get(at..at + 4);
        let Some(head) = head else {
            at = stream.len();
            return Some(None);
        };
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = stream.get(at + 4..at + 4 + len);
        at = match data {
            Some(_) => at + 4 + len,
            None => stream.len(),
        };
        Some(data.map(|d| (typ, d)))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

fn sheet_hidden(stream: &[u8], index: usize) -> Option<XlsHidden> {
    // The globals substream: from the first BOF to its EOF.
    let mut offsets = Vec::new();
    for record in records(stream, 0) {
        let (typ, data) = record?;
        match typ {
            BOUNDSHEET => {
                let pos = data.get(0..4)?;
                offsets.push(u32::from_le_bytes([pos[0], pos[1], pos[2], pos[3]]) as usize);
            }
            EOF => break,
            _ => {}
        }
    }
    let start = *offsets.get(index)?;
    let mut out = XlsHidden::default();
    // Depth of the substreams inside the sheet's (an embedded chart has its own BOF…EOF).
    let mut depth = 0u32;
    for (n, record) in records(stream, start).enumerate() {
        let (typ, data) = record?;
        match (typ, depth) {
            (BOF, _) if n == 0 => {}
            // The sheet's stream must start with its BOF, or the offset points elsewhere.
            (_, _) if n == 0 => return None,
            (BOF, d) => depth = d + 1,
            (EOF, 0) => return Some(out),
            (EOF, d) => depth = d - 1,
            (ROW, 0) => {
                let row = u32::from(u16_at(data, 0)?);
                let flags = u16_at(data, 12)?;
                out.rows_with_record.insert(row);
                if flags & 0x0020 != 0 {
                    out.hidden.rows.insert(row);
                }
            }
            (COLINFO, 0) => {
                let first = u32::from(u16_at(data, 0)?);
                let last = u32::from(u16_at(data, 2)?).min(MAX_COLS - 1);
                let width = u16_at(data, 4)?;
                let options = u16_at(data, 8)?;
                if options & 0x0001 != 0 || width == 0 {
                    out.hidden.cols.extend(first..=last);
                }
            }
            (DEFAULTROWHEIGHT, 0) => {
                out.rows_hidden_by_default = u16_at(data, 0)? & 0x0002 != 0;
            }
            _ => {}
        }
    }
    // The stream ended before the sheet's EOF.
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn row(n: u16, flags: u16) -> Vec<u8> {
        let mut d = vec![0; 16];
        d[0..2].copy_from_slice(&n.to_le_bytes());
        d[12..14].copy_from_slice(&flags.to_le_bytes());
        record(ROW, &d)
    }

    fn colinfo(first: u16, last: u16, width: u16, options: u16) -> Vec<u8> {
        let mut d = vec![0; 12];
        d[0..2].copy_from_slice(&first.to_le_bytes());
        d[2..4].copy_from_slice(&last.to_le_bytes());
        d[4..6].copy_from_slice(&width.to_le_bytes());
        d[8..10].copy_from_slice(&options.to_le_bytes());
        record(COLINFO, &d)
    }

    /// A stream of globals with two sheets, the second with `body`.
    fn stream(body: &[Vec<u8>]) -> Vec<u8> {
        let first: Vec<u8> = [record(BOF, &[0; 16]), row(0, 0x20), record(EOF, &[])].concat();
        let mut sheet = vec![record(BOF, &[0; 16])];
        sheet.extend(body.iter().cloned());
        sheet.push(record(EOF, &[]));
        let sheet = sheet.concat();
        let bound = |pos: u32| {
            let mut d = pos.to_le_bytes().to_vec();
            d.extend([0, 0, 1, 0, b'S']);
            record(BOUNDSHEET, &d)
        };
        // Globals: BOF, two BoundSheet8 records (fixed size), EOF.
        let globals_len = 20 + 2 * 13 + 4;
        let first_at = globals_len as u32;
        let second_at = first_at + first.len() as u32;
        let globals = [
            record(BOF, &[0; 16]),
            bound(first_at),
            bound(second_at),
            record(EOF, &[]),
        ]
        .concat();
        assert_eq!(globals.len(), globals_len);
        [globals, first, sheet].concat()
    }

    #[test]
    fn hidden_rows_and_columns_of_the_sheet_asked_for() {
        let s = stream(&[
            row(1, 0),
            row(3, 0x20),
            colinfo(2, 2, 2000, 1),
            colinfo(4, 5, 0, 0),
            colinfo(6, 6, 2000, 0),
            // An embedded chart's substream: its records are not the sheet's.
            record(BOF, &[0; 16]),
            row(7, 0x20),
            record(EOF, &[]),
            row(8, 0x20),
        ]);
        let h = sheet_hidden(&s, 1).expect("reads");
        assert_eq!(h.hidden.rows, [3, 8].into());
        assert_eq!(h.hidden.cols, [2, 4, 5].into());
        assert!(!h.rows_hidden_by_default);
        let first = sheet_hidden(&s, 0).expect("reads");
        assert_eq!(first.hidden.rows, [0].into());
        assert!(sheet_hidden(&s, 2).is_none());
    }

    #[test]
    fn rows_hidden_by_default_unless_they_have_a_record() {
        let s = stream(&[record(DEFAULTROWHEIGHT, &[2, 0, 0xFF, 0]), row(1, 0)]);
        let h = sheet_hidden(&s, 1).expect("reads");
        assert_eq!(h.resolve(3).rows, [0, 2, 3].into());
    }

    #[test]
    fn broken_streams_are_refused_not_read_as_nothing_hidden() {
        let s = stream(&[row(3, 0x20)]);
        // Cut inside the sheet: its EOF is missing.
        assert!(sheet_hidden(&s[..s.len() - 6], 1).is_none());
        // A sheet offset that does not point at a BOF.
        let mut bad = s.clone();
        bad[24] = bad[24].wrapping_add(1);
        assert!(sheet_hidden(&bad, 0).is_none());
        // A short Row record.
        assert!(sheet_hidden(&stream(&[record(ROW, &[3, 0])]), 1).is_none());
        assert!(sheet_hidden(&[], 0).is_none());
    }
}
