//! CSV as Excel and WPS write it: UTF-8 (a BOM or none) or, from Excel on a Chinese system,
//! GB18030/GBK without a BOM; fields quoted with `"` where they hold a comma, quote or line break.

/// The text of a CSV file: UTF-8 if it is valid UTF-8 (a BOM dropped), else GB18030.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err("CSV 文件既不是 UTF-8 也不是 GBK/GB18030 编码，读不出来".to_string());
    }
    Ok(text.into_owned())
}

/// Records → fields (RFC 4180, with bare LF or CR line ends accepted). Outer spaces of a field
/// are dropped as a spreadsheet shows them.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    // Whether the current record has begun (so a trailing newline adds no empty record).
    let mut started = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
                started = true;
            }
            ',' => {
                row.push(std::mem::take(&mut field).trim().to_string());
                started = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                row.push(std::mem::take(&mut field).trim().to_string());
                rows.push(std::mem::take(&mut row));
                started = false;
            }
            _ => {
                field.push(c);
                started = true;
            }
        }
    }
    if started || !field.is_empty() || !row.is_empty() {
        row.push(field.trim().to_string());
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_line_ends() {
        let text = "名称,说明\r\n\"助餐, 助浴\",\"他说\"\"好\"\"\"\n\"两\n行\",x\rlast,\n";
        assert_eq!(
            parse(text),
            vec![
                vec!["名称", "说明"],
                vec!["助餐, 助浴", "他说\"好\""],
                vec!["两\n行", "x"],
                vec!["last", ""],
            ]
        );
        assert_eq!(parse(""), Vec::<Vec<String>>::new());
        assert_eq!(parse("a"), vec![vec!["a"]]);
        assert_eq!(parse("\"unterminated"), vec![vec!["unterminated"]]);
    }

    #[test]
    fn encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").as_deref(), Ok("a,b"));
        let (gbk, _, _) = encoding_rs::GB18030.encode("名称,收费\n助餐,低偿\n");
        assert_eq!(decode(&gbk).as_deref(), Ok("名称,收费\n助餐,低偿\n"));
        assert!(decode(&[0xFF, 0xFF, 0x30]).is_err());
    }
}
