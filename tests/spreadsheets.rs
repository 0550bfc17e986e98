//! Spreadsheets (content.md §3.1) and personal numbers everywhere (§4), on sites built by the real
//! binary. Workbooks are written at test time by a real writer (rust_xlsxwriter); CSV files in
//! GB18030 are encoded with encoding_rs; one workbook saved by openpyxl is committed as a fixture.

mod common;

use common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

/// Valid GB 11643 ID numbers (synthetic, checked by hand with the weights 7 9 10 5 8 4 2 1 6 3 7 9
/// 10 5 8 4 2 and the check table 1 0 X 9 8 7 6 5 4 3 2).
const ID1: &str = "11010519491231002X";
const ID2: &str = "110105198001011238";
const ID3: &str = "310104197506150010";
const MOBILE: &str = "13812345678";

const SITE: &str = "title: 测试社区党务居务公开\ncommunity: 测试社区\nbase_url: https://x.cn/\norg:\n  - id: zongzhi\n    name: 测试社区党总支\n";

fn site() -> TempSite {
    let s = TempSite::empty();
    s.write("site.yaml", SITE);
    s
}

fn notice(body: &str) -> String {
    format!("---\ntitle: 低保名单公示\ndate: 2026-11-16\nkind: announcement\n---\n\n{body}\n")
}

/// A 低保 list as a worker keeps it: a hidden first sheet, a hidden column of ID numbers, a hidden
/// row, a merged cell, a formula with its cached result, a date, and a second sheet.
fn dibao_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let draft = wb.add_worksheet();
    draft.set_name("底稿").unwrap();
    draft.write_string(0, 0, "身份证号").unwrap();
    draft.write_string(1, 0, ID3).unwrap();
    draft.set_hidden(true);

    let s = wb.add_worksheet();
    s.set_name("第一批").unwrap();
    // Excel keeps the active sheet visible; the hidden one is first in the book.
    s.set_active(true);
    for (c, h) in [
        "序号",
        "姓名",
        "身份证号",
        "家庭人数",
        "月补助（元）",
        "核定日期",
        "备注",
    ]
    .iter()
    .enumerate()
    {
        s.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        (1.0, "张*明", ID1, 3.0, "300"),
        (2.0, "王*芳", ID2, 2.0, "200"),
        (3.0, "李*红", ID3, 1.0, "100"),
        (4.0, "赵*强", ID1, 4.0, "400"),
    ];
    for (i, (n, name, id, people, pay)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        s.write_number(r, 0, *n).unwrap();
        s.write_string(r, 1, *name).unwrap();
        s.write_string(r, 2, *id).unwrap();
        s.write_number(r, 3, *people).unwrap();
        s.write_formula(
            r,
            4,
            Formula::new(format!("=D{}*100", r + 1)).set_result(*pay),
        )
        .unwrap();
        let d = ExcelDateTime::from_ymd(2026, 11, 5 + i as u8).unwrap();
        s.write_datetime_with_format(r, 5, &d, &date).unwrap();
    }
    s.write_string(3, 6, "隐藏行备注").unwrap();
    s.merge_range(1, 6, 2, 6, "第一网格", &Format::new())
        .unwrap();
    s.set_column_hidden(2).unwrap();
    s.set_row_hidden(3).unwrap();

    let s2 = wb.add_worksheet();
    s2.set_name("第二批").unwrap();
    s2.write_string(0, 0, "姓名").unwrap();
    s2.write_string(0, 1, "家庭人数").unwrap();
    s2.write_string(1, 0, "孙*丽").unwrap();
    s2.write_number(1, 1, 2.0).unwrap();

    let s3 = wb.add_worksheet();
    s3.set_name("第三批").unwrap();
    s3.write_string(0, 0, "姓名").unwrap();
    s3.write_string(0, 2, "联系电话").unwrap();
    s3.write_string(6, 0, "周*杰").unwrap();
    s3.write_string(6, 2, MOBILE).unwrap();
    wb.save_to_buffer().unwrap()
}

/// The element holding the embedded table with this caption.
fn table_html(page: &str, caption: &str) -> String {
    let start =
        format!("<div class=\"table-wrap table-scroll\" role=\"region\" aria-label=\"{caption}\"");
    let at = page
        .find(&start)
        .unwrap_or_else(|| panic!("no table {caption} in page"));
    let end = page[at..].find("</div>").expect("closed") + at + "</div>".len();
    page[at..end].to_string()
}

/// Every file of the output as text (lossy), with its path.
fn all_output(out: &std::path::Path) -> Vec<(String, String)> {
    snapshot(out)
        .into_iter()
        .map(|(p, b)| (p, String::from_utf8_lossy(&b).into_owned()))
        .collect()
}

#[test]
fn xlsx_embeds_the_first_visible_sheet_without_hidden_parts() {
    let s = site();
    s.write_bytes("content/notices/dibao/dibao-q4.xlsx", &dibao_xlsx());
    s.write(
        "content/notices/dibao/index.md",
        &notice("名单如下：\n\n![2026年第四季度低保名单](dibao-q4.xlsx)\n\n![第二批](dibao-q4.xlsx#第二批)\n\n如有异议请反映。"),
    );
    // Under static/ a spreadsheet is not copied either; other files are.
    s.write("static/files/mingdan.csv", "姓名\n张*明\n");
    s.write("static/files/readme.txt", "说明\n");
    let out = s.build_ok("out", &[]);
    assert!(out.join("files/readme.txt").exists());
    assert!(!out.join("files/mingdan.csv").exists());
    let page = read_out(&out, "notices/dibao/index.html");
    let table = table_html(&page, "2026年第四季度低保名单");
    assert_eq!(
        table,
        "<div class=\"table-wrap table-scroll\" role=\"region\" aria-label=\"2026年第四季度低保名单\" tabindex=\"0\">\
<table class=\"sheet\"><caption>2026年第四季度低保名单</caption>\
<thead><tr><th scope=\"col\">序号</th><th scope=\"col\">姓名</th><th scope=\"col\">家庭人数</th>\
<th scope=\"col\">月补助（元）</th><th scope=\"col\">核定日期</th><th scope=\"col\">备注</th></tr></thead>\
<tbody><tr><td>1</td><td>张*明</td><td>3</td><td>300</td><td>2026-11-05</td><td rowspan=\"2\">第一网格</td></tr>\
<tr><td>2</td><td>王*芳</td><td>2</td><td>200</td><td>2026-11-06</td></tr>\
<tr><td>4</td><td>赵*强</td><td>4</td><td>400</td><td>2026-11-08</td><td></td></tr></tbody></table></div>"
    );
    let second = table_html(&page, "第二批");
    assert!(
        second.contains("<th scope=\"col\">姓名</th><th scope=\"col\">家庭人数</th>"),
        "{second}"
    );
    assert!(second.contains("<td>孙*丽</td><td>2</td>"), "{second}");
    // Text around the table stays in paragraphs of its own; no table inside a <p>.
    assert!(page.contains("<p>名单如下：</p>"), "{page}");
    assert!(!page.contains("<p><div"), "{page}");

    // Nothing hidden anywhere: not the ID column, not the hidden row, not the hidden sheet.
    for (path, text) in all_output(&out) {
        for secret in [ID1, ID2, ID3, "李*红", "隐藏行备注", "底稿"] {
            assert!(!text.contains(secret), "{secret} published in {path}");
        }
        assert!(!path.ends_with(".xlsx"), "spreadsheet copied: {path}");
    }
}

fn gb18030(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn services(front: &str) -> String {
    format!(
        "---\ntitle: 社区服务清单\ndate: 2026-01-01\nkind: services\n{front}---\n\n社区提供的服务。\n"
    )
}

#[test]
fn items_from_gb18030_csv_with_chinese_headers() {
    let s = site();
    let csv = "名称,类别,收费,联系方式,说明,所属组织\r\n老年助餐,助老,低偿,13912345678,\"每天中午, 11:00 开始\",zongzhi\r\n理发,便民,free,,,\r\n";
    let bytes = gb18030(csv);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "fixture must not be UTF-8"
    );
    s.write_bytes("content/services/fuwu/fuwu.csv", &bytes);
    s.write(
        "content/services/fuwu/index.md",
        &services("items_from: fuwu.csv\n"),
    );
    let out = s.build_ok("out", &[]);
    let page = read_out(&out, "services/fuwu/index.html");
    assert!(page.contains("老年助餐") && page.contains("理发"), "{page}");
    assert!(
        page.contains("每天中午, 11:00 开始"),
        "quoted field: {page}"
    );
    assert!(
        page.contains("低偿") && page.contains("无偿"),
        "fee labels: {page}"
    );
    assert!(!out.join("services/fuwu/fuwu.csv").exists());
}

#[test]
fn items_from_utf8_bom_csv_with_english_headers() {
    let s = site();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend("name,fee,category\n健康讲座,paid,健康\n".as_bytes());
    s.write_bytes("content/services/jk/list.csv", &bytes);
    s.write(
        "content/services/jk/index.md",
        &services("items_from: list.csv\n"),
    );
    let out = s.build_ok("out", &[]);
    let page = read_out(&out, "services/jk/index.html");
    assert!(page.contains("健康讲座") && page.contains("有偿"), "{page}");
}

#[test]
fn items_from_cells_are_validated_at_row_and_column() {
    let s = site();
    let csv = "名称,收费,所属组织,预算,受益人数,状态\n助餐,很便宜,zongzhi,1,2,planned\n,低偿,nowhere,x,3.5,done\n";
    s.write_bytes("content/services/xm/xm.csv", &gb18030(csv));
    s.write(
        "content/services/xm/index.md",
        &services("items_from: xm.csv\n").replace("kind: services", "kind: projects"),
    );
    let (run, diags) = s.check();
    run.assert_code(1);
    let got: Vec<(String, u32, u32, String)> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.file.clone(), d.line, d.column, d.code.clone()))
        .collect();
    let f = "content/services/xm/xm.csv".to_string();
    assert_eq!(
        got,
        vec![
            (f.clone(), 2, 2, "E-SHEET-CELL".into()),
            (f.clone(), 3, 1, "E-SHEET-CELL".into()),
            (f.clone(), 3, 3, "E-SHEET-CELL".into()),
            (f.clone(), 3, 4, "E-SHEET-CELL".into()),
            (f.clone(), 3, 5, "E-SHEET-CELL".into()),
            (f.clone(), 3, 6, "E-SHEET-CELL".into()),
        ],
        "{}",
        list(&diags)
    );
    let fee = &diags[0];
    assert!(fee.message.starts_with("xm!B2 "), "{}", fee.message);
    assert!(fee.help.contains("低偿"), "{}", fee.help);
    assert!(is_chinese(&fee.message));
}

#[test]
fn items_from_header_mistakes() {
    let s = site();
    s.write_bytes(
        "content/services/a/a.csv",
        "名称,收费标准\n助餐,低偿\n".as_bytes(),
    );
    s.write(
        "content/services/a/index.md",
        &services("items_from: a.csv\n"),
    );
    s.write_bytes(
        "content/services/b/b.csv",
        "类别,收费\n助老,低偿\n".as_bytes(),
    );
    s.write(
        "content/services/b/index.md",
        &services("items_from: b.csv\n"),
    );
    s.write_bytes("content/services/c/c.csv", "名称\n助餐\n".as_bytes());
    s.write(
        "content/services/c/index.md",
        &services("items_from: c.csv\nitems:\n  - name: 助餐\n"),
    );
    let (run, diags) = s.check();
    run.assert_code(1);
    let find = |file: &str| {
        diags
            .iter()
            .find(|d| d.file == file)
            .unwrap_or_else(|| panic!("nothing for {file}: {}", list(&diags)))
    };
    let a = find("content/services/a/a.csv");
    assert_eq!((a.line, a.column), (1, 2));
    assert!(
        a.message.contains("a!B1") && a.message.contains("收费标准"),
        "{}",
        a.message
    );
    assert!(a.help.contains("「收费」（fee）"), "{}", a.help);
    let b = find("content/services/b/index.md");
    assert_eq!(b.code, "E-SHEET");
    assert!(b.message.contains("名称"), "{}", b.message);
    let c = find("content/services/c/index.md");
    assert!(c.message.contains("items_from"), "{}", c.message);
}

// ------------------------------------------------------------------ personal information (§4)

/// `check` in JSON and in text, and a failed `build` over an earlier output: every form a hit can
/// be echoed in. Returns the JSON diagnostics and everything printed.
fn refused(s: &TempSite) -> (Vec<Diag>, String) {
    let (run, diags) = s.check();
    run.assert_code(1);
    let root = s.root();
    let text = common::run([
        std::ffi::OsStr::new("--root"),
        root.as_os_str(),
        std::ffi::OsStr::new("check"),
        std::ffi::OsStr::new("--now"),
        std::ffi::OsStr::new(NOW),
    ]);
    text.assert_code(1);
    let printed = format!(
        "{}\n{}\n{}\n{}",
        run.stdout, run.stderr, text.stdout, text.stderr
    );
    (diags, printed)
}

/// No run of 6 or more of the number's digits, in any spacing, was printed.
#[track_caller]
fn not_echoed(printed: &str, number: &str) {
    let digits: String = number.chars().filter(char::is_ascii_alphanumeric).collect();
    let squeezed: String = printed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '\u{00A0}' | '\u{200B}'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
            c => c,
        })
        .collect();
    for w in digits.as_bytes().windows(6) {
        let part = std::str::from_utf8(w).unwrap_or_default();
        assert!(
            !squeezed.contains(part),
            "{part} of a personal number printed:\n{printed}"
        );
    }
}

fn at<'d>(diags: &'d [Diag], file: &str, line: u32, column: u32) -> &'d Diag {
    diags
        .iter()
        .find(|d| d.code == "E-PRIVACY" && d.file == file && (d.line, d.column) == (line, column))
        .unwrap_or_else(|| panic!("no E-PRIVACY at {file}:{line}:{column}:\n{}", list(diags)))
}

#[test]
fn a_personal_number_in_a_cell_is_refused_at_its_row_and_column_and_the_output_kept() {
    let s = site();
    s.write_bytes("content/notices/dibao/dibao-q4.xlsx", &dibao_xlsx());
    s.write(
        "content/notices/dibao/index.md",
        &notice("![名单](dibao-q4.xlsx)"),
    );
    let out = s.build_ok("out", &[]);
    let before = snapshot(&out);
    s.write(
        "content/notices/dibao/index.md",
        &notice("![名单](dibao-q4.xlsx)\n\n![第三批](dibao-q4.xlsx#第三批)"),
    );
    let (diags, printed) = refused(&s);
    let d = at(&diags, "content/notices/dibao/dibao-q4.xlsx", 7, 3);
    assert!(d.message.contains("第三批!C7"), "{}", d.message);
    assert!(
        d.message.contains("手机号") && d.message.contains("138******78"),
        "{}",
        d.message
    );
    not_echoed(&printed, MOBILE);
    let failed = s.build_into(&out, &[]);
    failed.assert_code(1);
    not_echoed(&format!("{}{}", failed.stdout, failed.stderr), MOBILE);
    assert!(
        snapshot_diff(&before, &snapshot(&out)).is_empty(),
        "previous output changed"
    );
}

#[test]
fn hidden_sheet_named_is_refused() {
    let s = site();
    s.write_bytes("content/notices/dibao/dibao-q4.xlsx", &dibao_xlsx());
    s.write(
        "content/notices/dibao/index.md",
        &notice("![底稿](dibao-q4.xlsx#底稿)"),
    );
    let (diags, printed) = refused(&s);
    let d = diags.iter().find(|d| d.code == "E-SHEET").expect("E-SHEET");
    assert_eq!(
        (d.file.as_str(), d.line),
        ("content/notices/dibao/index.md", 7)
    );
    assert!(d.message.contains("隐藏"), "{}", d.message);
    not_echoed(&printed, ID3);
}

#[test]
fn a_spreadsheet_attachment_is_refused() {
    let s = site();
    s.write_bytes("content/notices/dibao/dibao-q4.xlsx", &dibao_xlsx());
    s.write(
        "content/notices/dibao/index.md",
        &notice("见附件。").replace(
            "kind: announcement\n",
            "kind: announcement\nattachments:\n  - file: dibao-q4.xlsx\n    title: 名单\n",
        ),
    );
    let (run, diags) = s.check();
    run.assert_code(1);
    let d = diags
        .iter()
        .find(|d| d.code == "E-SHEET-ATTACH")
        .expect("E-SHEET-ATTACH");
    assert_eq!((d.line, d.column), (6, 11), "{}", list(&diags));
}

#[test]
fn personal_numbers_in_every_form_and_place() {
    let s = site();
    // site.yaml: a card number written in groups.
    s.write(
        "site.yaml",
        &format!("{SITE}extra:\n  donate: 捐款 6222 0212 3456 7890 128\n"),
    );
    // A contact may carry a mobile number but never an ID number.
    s.write(
        "content/notices/a.md",
        "---\ntitle: 公示\ndate: 2026-11-16\nkind: announcement\ncontact:\n  name: 李四\n  phone: 13912345678\n  address: 身份证 11010519491231002X\n---\n\n正文。\n",
    );
    // A body with a zero-width space and full-width digits.
    s.write(
        "content/notices/b.md",
        "---\ntitle: 通知\ndate: 2026-11-16\nkind: notification\n---\n\n电话 138\u{200B}1234\u{200B}5678，证件 ３１０１０４１９７５０６１５００１０。\n",
    );
    // A text attachment in a bundle; a 15-digit ID with a valid birth date.
    s.write(
        "content/notices/c/index.md",
        "---\ntitle: 公开\ndate: 2026-11-16\nkind: disclosure\n---\n\n见附件。\n",
    );
    s.write(
        "content/notices/c/mingxi.txt",
        "名单\n王五 110105491231002\n",
    );
    let (diags, printed) = refused(&s);
    let site_hit = at(&diags, "site.yaml", 8, 14);
    assert!(
        site_hit.message.contains("银行卡号"),
        "{}",
        site_hit.message
    );
    not_echoed(&printed, "6222021234567890128");
    // A site.yaml with mistakes stops the build before the content is read.
    s.write("site.yaml", SITE);
    let (diags, printed) = refused(&s);
    let contact = at(&diags, "content/notices/a.md", 8, 16);
    assert!(contact.message.contains("身份证号"), "{}", contact.message);
    assert!(
        !diags
            .iter()
            .any(|d| d.file == "content/notices/a.md" && d.line == 7),
        "a mobile in contact is allowed:\n{}",
        list(&diags)
    );
    assert!(
        at(&diags, "content/notices/b.md", 7, 4)
            .message
            .contains("手机号")
    );
    assert!(
        at(&diags, "content/notices/b.md", 7, 21)
            .message
            .contains("身份证号")
    );
    assert!(
        at(&diags, "content/notices/c/mingxi.txt", 2, 4)
            .message
            .contains("身份证号")
    );
    for n in [
        "6222021234567890128",
        "11010519491231002X",
        "13812345678",
        ID3,
        "110105491231002",
    ] {
        not_echoed(&printed, n);
    }
}

#[test]
fn a_personal_number_in_a_file_name_is_refused_without_echo() {
    let s = site();
    s.write(
        "content/notices/13812345678-gongshi.md",
        "---\ntitle: 公示\ndate: 2026-11-16\nkind: announcement\n---\n\n正文。\n",
    );
    s.write(
        "content/notices/d/index.md",
        "---\ntitle: 公开\ndate: 2026-11-16\nkind: disclosure\n---\n\n![照片](13912345678.png)\n",
    );
    s.write_bytes("content/notices/d/13912345678.png", b"\x89PNG\r\n\x1a\n");
    let (diags, printed) = refused(&s);
    let masked: Vec<&Diag> = diags.iter().filter(|d| d.code == "E-PRIVACY").collect();
    assert!(
        masked
            .iter()
            .any(|d| d.file == "content/notices/138******78-gongshi.md"),
        "{}",
        list(&diags)
    );
    assert!(
        masked
            .iter()
            .any(|d| d.file == "content/notices/d/139******78.png"),
        "{}",
        list(&diags)
    );
    assert!(
        printed.contains("--> content/notices/138******78-gongshi.md:1:1"),
        "{printed}"
    );
    not_echoed(&printed, "13812345678");
    not_echoed(&printed, "13912345678");
}

#[test]
fn an_openpyxl_workbook_reads_like_an_excel_one() {
    // Saved by openpyxl 3.1.5 (tests/fixtures/sheets/make_openpyxl.py), committed: hidden column
    // C with ID numbers, hidden row 4, merged B6:D6 across the hidden column, a hidden sheet.
    let s = site();
    let bytes = std::fs::read(fixture("sheets/openpyxl.xlsx")).expect("fixture");
    s.write_bytes("content/notices/w/list.xlsx", &bytes);
    s.write("content/notices/w/index.md", &notice("![名单](list.xlsx)"));
    let out = s.build_ok("out", &[]);
    let page = read_out(&out, "notices/w/index.html");
    let table = table_html(&page, "名单");
    assert_eq!(
        table,
        "<div class=\"table-wrap table-scroll\" role=\"region\" aria-label=\"名单\" tabindex=\"0\">\
<table class=\"sheet\"><caption>名单</caption>\
<thead><tr><th scope=\"col\">序号</th><th scope=\"col\">姓名</th><th scope=\"col\">金额</th></tr></thead>\
<tbody><tr><td>1</td><td>张*明</td><td>300</td></tr>\
<tr><td>2</td><td>王*芳</td><td>280.5</td></tr>\
<tr><td>4</td><td colspan=\"2\">合计见下</td></tr></tbody></table></div>"
    );
    for (path, text) in all_output(&out) {
        assert!(
            !text.contains(ID1) && !text.contains("李*红"),
            "hidden data in {path}"
        );
    }
}

#[test]
fn an_xls_workbook_leaves_out_hidden_rows_and_columns() {
    // Saved by xlwt 1.3.0 (tests/fixtures/sheets/make_xlwt.py), committed: a BIFF8 `.xls` whose
    // first sheet 底稿 is hidden; 名单 hides column C (ID numbers) and row 4, with B6:D6 merged
    // across the hidden column; 第二批 hides column B (ID numbers) and row 3.
    let s = site();
    let bytes = std::fs::read(fixture("sheets/xlwt.xls")).expect("fixture");
    s.write_bytes("content/notices/x/list.xls", &bytes);
    s.write(
        "content/notices/x/index.md",
        &notice("![名单](list.xls)\n\n![第二批](list.xls#第二批)"),
    );
    let out = s.build_ok("out", &[]);
    let page = read_out(&out, "notices/x/index.html");
    assert_eq!(
        table_html(&page, "名单"),
        "<div class=\"table-wrap table-scroll\" role=\"region\" aria-label=\"名单\" tabindex=\"0\">\
<table class=\"sheet\"><caption>名单</caption>\
<thead><tr><th scope=\"col\">序号</th><th scope=\"col\">姓名</th><th scope=\"col\">金额</th></tr></thead>\
<tbody><tr><td>1</td><td>张*明</td><td>300</td></tr>\
<tr><td>2</td><td>王*芳</td><td>280.5</td></tr>\
<tr><td>4</td><td colspan=\"2\">合计见下</td></tr></tbody></table></div>"
    );
    assert_eq!(
        table_html(&page, "第二批"),
        "<div class=\"table-wrap table-scroll\" role=\"region\" aria-label=\"第二批\" tabindex=\"0\">\
<table class=\"sheet\"><caption>第二批</caption>\
<thead><tr><th scope=\"col\">姓名</th><th scope=\"col\">户数</th></tr></thead>\
<tbody><tr><td>赵*强</td><td>2</td></tr>\
<tr><td>孙*伟</td><td>5</td></tr></tbody></table></div>"
    );
    for (path, text) in all_output(&out) {
        for secret in [ID1, ID2, ID3, "李*红", "钱*兰", "身份证号"] {
            assert!(!text.contains(secret), "{secret} published in {path}");
        }
        assert!(!path.ends_with(".xls"), "spreadsheet copied: {path}");
    }
    // The hidden sheet is refused by name, like an .xlsx one.
    s.write(
        "content/notices/x/index.md",
        &notice("![底稿](list.xls#底稿)"),
    );
    let (diags, printed) = refused(&s);
    let d = diags.iter().find(|d| d.code == "E-SHEET").expect("E-SHEET");
    assert!(d.message.contains("隐藏"), "{}", d.message);
    not_echoed(&printed, ID3);
}

#[test]
fn a_broken_xls_is_refused_in_chinese() {
    // The fixture cut short: the compound file's sectors are missing. Refused, never read as a
    // sheet with nothing hidden.
    let s = site();
    let bytes = std::fs::read(fixture("sheets/xlwt.xls")).expect("fixture");
    s.write_bytes("content/notices/x/list.xls", &bytes[..bytes.len() / 2]);
    s.write("content/notices/x/index.md", &notice("![名单](list.xls)"));
    let (diags, _) = refused(&s);
    let d = diags.iter().find(|d| d.code == "E-SHEET").expect("E-SHEET");
    assert!(d.message.contains("表格文件打不开"), "{}", d.message);
}

#[test]
fn serve_reads_an_edited_spreadsheet_again() {
    use gongkai::pipeline::build::{Cache, Options, prepare_in_memory};
    let s = site();
    s.write_bytes(
        "content/services/fuwu/fuwu.csv",
        &gb18030("名称,收费\n老年助餐,低偿\n"),
    );
    s.write(
        "content/services/fuwu/index.md",
        &services("items_from: fuwu.csv\n"),
    );
    s.write_bytes(
        "content/notices/n/a.csv",
        "事项,金额\n路灯维修,120\n".as_bytes(),
    );
    s.write("content/notices/n/index.md", &notice("![支出](a.csv)"));
    let opts = Options {
        root: s.root(),
        output: None,
        now: Some(NOW.to_string()),
        drafts: false,
        base_url: None,
    };
    let mut cache = Cache::default();
    let page = |cache: &mut Cache, out: &str| {
        let Ok((prepared, _)) = prepare_in_memory(&opts, cache) else {
            panic!("build failed");
        };
        let job = prepared.job(out).expect("page");
        String::from_utf8(prepared.render(job).expect("renders")).expect("utf-8")
    };
    assert!(page(&mut cache, "services/fuwu/index.html").contains("老年助餐"));
    assert!(page(&mut cache, "notices/n/index.html").contains("路灯维修"));
    s.write_bytes(
        "content/services/fuwu/fuwu.csv",
        &gb18030("名称,收费\n老年助餐,低偿\n上门理发,有偿\n"),
    );
    s.write_bytes(
        "content/notices/n/a.csv",
        "事项,金额\n楼道照明更换,360\n".as_bytes(),
    );
    assert!(page(&mut cache, "services/fuwu/index.html").contains("上门理发"));
    let notice_page = page(&mut cache, "notices/n/index.html");
    assert!(notice_page.contains("楼道照明更换") && !notice_page.contains("路灯维修"));
}

/// A minimal OpenDocument spreadsheet, as LibreOffice lays one out: a collapsed column holding ID
/// numbers, a collapsed row, a cell spanning two columns, a hidden sheet.
fn ods() -> Vec<u8> {
    use std::io::Write;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3">
<office:automatic-styles>
<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>
<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
<table:table table:name="名单" table:style-name="ta1">
<table:table-column/><table:table-column table:visibility="collapse"/><table:table-column/>
<table:table-row><table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>身份证号</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>人数</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>张*明</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>{ID1}</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell></table:table-row>
<table:table-row table:visibility="collapse"><table:table-cell office:value-type="string"><text:p>李*红</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>{ID2}</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string" table:number-columns-spanned="3"><text:p>合计见下</text:p></table:table-cell><table:covered-table-cell/><table:covered-table-cell/></table:table-row>
</table:table>
<table:table table:name="底稿" table:style-name="ta2">
<table:table-row><table:table-cell office:value-type="string"><text:p>{ID3}</text:p></table:table-cell></table:table-row>
</table:table>
</office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn ods_collapsed_rows_and_columns_are_left_out() {
    let s = site();
    s.write_bytes("content/notices/o/list.ods", &ods());
    s.write("content/notices/o/index.md", &notice("![名单](list.ods)"));
    let out = s.build_ok("out", &[]);
    let table = table_html(&read_out(&out, "notices/o/index.html"), "名单");
    assert_eq!(
        table,
        "<div class=\"table-wrap table-scroll\" role=\"region\" aria-label=\"名单\" tabindex=\"0\">\
<table class=\"sheet\"><caption>名单</caption>\
<thead><tr><th scope=\"col\">姓名</th><th scope=\"col\">人数</th></tr></thead>\
<tbody><tr><td>张*明</td><td>3</td></tr><tr><td colspan=\"2\">合计见下</td></tr></tbody></table></div>"
    );
    for (path, text) in all_output(&out) {
        for secret in [ID1, ID2, ID3, "李*红"] {
            assert!(!text.contains(secret), "{secret} published in {path}");
        }
    }
}

#[test]
fn items_from_cells_are_privacy_checked_even_with_a_bad_header() {
    let s = site();
    let csv = format!("名称,联系方式,备注栏\n助餐,{MOBILE},无\n理发,{ID1},身份证 {ID2}\n");
    s.write_bytes("content/services/p/p.csv", &gb18030(&csv));
    s.write(
        "content/services/p/index.md",
        &services("items_from: p.csv\n"),
    );
    // A link (not an embed) to a spreadsheet would publish nothing: refused.
    s.write("content/notices/l/index.md", &notice("[下载名单](p.xlsx)"));
    s.write_bytes("content/notices/l/p.xlsx", &dibao_xlsx());
    let (diags, printed) = refused(&s);
    let f = "content/services/p/p.csv";
    assert!(
        diags
            .iter()
            .any(|d| d.file == f && (d.line, d.column) == (1, 3) && d.code == "E-SHEET-CELL")
    );
    // The mobile in the contact column is allowed; the ID numbers are not, in any column.
    assert!(
        !diags
            .iter()
            .any(|d| d.file == f && (d.line, d.column) == (2, 2)),
        "{}",
        list(&diags)
    );
    assert!(at(&diags, f, 3, 2).message.contains("p!B3 有身份证号"));
    assert!(at(&diags, f, 3, 3).message.contains("p!C3 有身份证号"));
    let link = diags
        .iter()
        .find(|d| d.file == "content/notices/l/index.md")
        .expect("link refused");
    assert_eq!(
        (link.code.as_str(), link.line, link.column),
        ("E-SHEET", 7, 1)
    );
    not_echoed(&printed, ID1);
    not_echoed(&printed, ID2);
}

#[test]
fn a_sheet_too_large_to_hold_is_refused_not_allocated() {
    // Two values at opposite corners: a dense grid of the used area would be 17 billion cells.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "名称").unwrap();
    ws.write_string(1_048_575, 16_383, "角落").unwrap();
    let s = site();
    s.write_bytes(
        "content/notices/big/big.xlsx",
        &wb.save_to_buffer().unwrap(),
    );
    s.write("content/notices/big/index.md", &notice("![大表](big.xlsx)"));
    let (run, diags) = s.check();
    run.assert_code(1);
    let d = diags.iter().find(|d| d.code == "E-SHEET").expect("E-SHEET");
    assert!(d.message.contains("太大"), "{}", d.message);
}
