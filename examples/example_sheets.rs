//! Writes the example community's spreadsheet, as a worker's Excel file would be:
//!
//! ```text
//! cargo run --example example_sheets
//! ```
//!
//! `content/notices/2026-dibao-sanbang.xlsx`: the 第三榜 of the 低保 list, embedded in its notice
//! by `![…](2026-dibao-sanbang.xlsx)`. It carries what a real list carries and the site must not
//! publish: a hidden column for the office's own ID check (masked here — the example holds no ID
//! numbers, not even hidden ones; the tests use valid ones), a hidden row (a withdrawn
//! application), a hidden sheet (the review notes); and what it must publish right: a merged
//! cell, a total computed by a formula with its cached value, a date.

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, XlsxError};

fn main() -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let s = wb.add_worksheet();
    s.set_name("第三榜")?;
    let header = [
        "序号",
        "户主",
        "身份证号（内部核对）",
        "所在网格",
        "保障人数",
        "拟保障金额（元/月）",
        "审核日期",
    ];
    for (c, h) in header.iter().enumerate() {
        s.write_string(0, c as u16, *h)?;
    }
    let rows = [
        ("王某某", "3101**********0021", "第一网格", 2.0, 2150.0),
        ("陈某某", "3101**********0043", "第一网格", 1.0, 1420.0),
        ("赵某某", "3101**********0065", "第二网格", 1.0, 1300.0),
        ("刘某某", "3101**********0087", "第二网格", 3.0, 2860.0),
        ("周某某", "3101**********0109", "第三网格", 2.0, 1980.0),
    ];
    let mut n = 0.0;
    for (i, (name, id, grid, people, money)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        // 赵某某 withdrew the application: the row stays in the file, hidden.
        if *name != "赵某某" {
            n += 1.0;
            s.write_number(r, 0, n)?;
        }
        s.write_string(r, 1, *name)?;
        s.write_string(r, 2, *id)?;
        s.write_string(r, 3, *grid)?;
        s.write_number(r, 4, *people)?;
        s.write_number(r, 5, *money)?;
        let day = ExcelDateTime::from_ymd(2026, 11, 12)?;
        s.write_datetime_with_format(r, 6, &day, &date)?;
    }
    s.set_row_hidden(3)?;
    s.set_column_hidden(2)?;
    // 合计 spans 序号 to 所在网格; the total is a formula, saved with its value as Excel saves it.
    s.merge_range(6, 0, 6, 3, "合计（4户）", &Format::new())?;
    s.write_formula(6, 4, Formula::new("=E2+E3+E5+E6").set_result("8"))?;
    s.write_formula(6, 5, Formula::new("=F2+F3+F5+F6").set_result("8410"))?;
    s.set_active(true);

    let notes = wb.add_worksheet();
    notes.set_name("审核底稿")?;
    notes.write_string(0, 0, "街道审核意见")?;
    notes.write_string(1, 0, "赵某某：本人申请撤回，不再公示。")?;
    notes.set_hidden(true);

    wb.save("content/notices/2026-dibao-sanbang.xlsx")
}
