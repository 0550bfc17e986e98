//! Writing a record as a careful person would: front-matter keys in content.md's order, block
//! YAML with two-space indents, text unquoted where YAML reads it back the same; on an existing
//! file only the keys whose values changed are rewritten, so comments, commented-out keys and the
//! formatting of everything else stay as they were; the body is untouched unless it was edited.
//! Files are written atomically: a temporary file in the same folder, synced, then renamed.

use super::form::{Field, Ty};
use crate::diag::SourceFile;
use serde_json::Value;
use std::io::Write;
use std::path::Path;

/// A value in YAML below `key` at `indent` spaces: the lines, without line ends.
pub fn emit(key: &str, ty: Ty, value: &Value, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match (ty, value) {
        (_, Value::Null) => {}
        (Ty::Obj(sub), Value::Object(map)) => {
            out.push(format!("{pad}{key}:"));
            emit_map(sub, map, indent + 2, out);
        }
        (Ty::List(sub), Value::Array(items)) => {
            out.push(format!("{pad}{key}:"));
            for item in items {
                let Value::Object(map) = item else {
                    out.push(format!("{pad}  - {}", scalar(Ty::Text, item)));
                    continue;
                };
                let mut lines = Vec::new();
                emit_map(sub, map, indent + 4, &mut lines);
                for (i, line) in lines.into_iter().enumerate() {
                    if i == 0 {
                        out.push(format!("{pad}  - {}", line.trim_start()));
                    } else {
                        out.push(line);
                    }
                }
            }
        }
        (Ty::StrList | Ty::Multi(_), Value::Array(items)) => {
            out.push(format!("{pad}{key}:"));
            for item in items {
                out.push(format!("{pad}  - {}", scalar(ty, item)));
            }
        }
        (ty, v) => out.push(format!("{pad}{key}: {}", scalar(ty, v))),
    }
}

fn emit_map(
    sub: &[Field],
    map: &serde_json::Map<String, Value>,
    indent: usize,
    out: &mut Vec<String>,
) {
    for field in sub {
        if let Some(v) = map.get(field.key) {
            emit(field.key, field.ty, v, indent, out);
        }
    }
    // Keys the form does not know, as text, after the known ones.
    for (k, v) in map {
        if !sub.iter().any(|f| f.key == k) {
            emit(k, Ty::Text, v, indent, out);
        }
    }
}

/// One scalar: enumerations by their Chinese label, numbers and dates as they are, text plain
/// when YAML reads it back as the same text, else double-quoted.
fn scalar(ty: Ty, v: &Value) -> String {
    match (ty, v) {
        (Ty::Enum(c), Value::String(s)) => {
            let label = c()
                .iter()
                .find(|(code, _)| code == s)
                .map_or(s.as_str(), |(_, l)| l);
            text(label)
        }
        (Ty::Multi(_), Value::String(s)) => text(s),
        (_, Value::Bool(b)) => b.to_string(),
        (Ty::Int | Ty::Number, Value::Number(n)) => n.to_string(),
        (Ty::Date, Value::String(s)) if crate::dates::parse_date(s).is_some() => s.clone(),
        (_, Value::String(s)) => text(s),
        (_, other) => text(&other.to_string()),
    }
}

/// Text as a YAML scalar: plain when the project's own YAML reader gives back exactly this text
/// as a plain string, otherwise double-quoted.
pub fn text(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        crate::yaml::quote(s)
    }
}

fn plain_ok(s: &str) -> bool {
    if s.is_empty()
        || s.trim() != s
        || s.chars().any(|c| {
            c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200b}' | '\u{3000}' | '：'
                )
        })
        || s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || crate::yaml::parse_bool(s).is_some()
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "~" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
        || s.parse::<f64>().is_ok()
        || crate::dates::parse_date(s).is_some()
    {
        return false;
    }
    let line = format!("k: {s}");
    match crate::yaml::parse(&SourceFile::new("x", line.as_str()), &line, 0) {
        Ok(Some(root)) => root.as_map().is_some_and(|m| {
            m.len() == 1
                && matches!(&m[0].1.value, crate::yaml::Value::Scalar { text, plain: true } if text == s)
        }),
        _ => false,
    }
}

/// A new file: every filled-in field in the form's order, then the body.
pub fn new_file(fields: &[Field], values: &serde_json::Map<String, Value>, body: &str) -> String {
    let mut lines = Vec::new();
    for field in fields {
        if let Some(v) = values.get(field.key) {
            emit(
                field.key,
                field.ty,
                &super::form::normalize(field.ty, v),
                0,
                &mut lines,
            );
        }
    }
    join(&lines, body)
}

fn join(lines: &[String], body: &str) -> String {
    let mut text = String::from("---\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    text.push_str("---\n");
    if !body.is_empty() {
        if !body.starts_with('\n') {
            text.push('\n');
        }
        text.push_str(body);
        if !body.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

/// Why an existing file cannot be edited through the form.
#[derive(Debug)]
pub struct Unreadable(pub String);

/// The first of a front matter's mistakes, which is enough to say why the form cannot read it.
fn first_message(mistakes: &[crate::diag::Diagnostic]) -> String {
    mistakes
        .first()
        .map(|d| d.message.clone())
        .unwrap_or_default()
}

/// A top-level key of an existing front matter: its name, and its lines (0-based, within the
/// front matter) from its key line to its last line of value; comment and blank lines after the
/// value belong to what follows.
struct Block {
    key: String,
    start: usize,
    end: usize,
}

/// The top-level keys of a front matter text, as the YAML reader finds them.
fn blocks(src: &SourceFile, fm: &str) -> Result<Vec<Block>, Unreadable> {
    let root = crate::yaml::parse(src, fm, 0).map_err(|d| Unreadable(first_message(&d)))?;
    let Some(root) = root else {
        return Ok(Vec::new());
    };
    let Some(map) = root.as_map() else {
        return Err(Unreadable("字段区不是“键: 值”的写法".into()));
    };
    let lines: Vec<&str> = fm.lines().collect();
    let starts: Vec<(String, usize)> = map
        .iter()
        .map(|(k, _)| {
            (
                k.scalar().unwrap_or_default().to_string(),
                (k.pos.line as usize).saturating_sub(1),
            )
        })
        .collect();
    // Each key on a line of its own, at its start: otherwise one key's lines hold another's.
    let one_a_line = map.iter().all(|(k, _)| k.pos.col == 1)
        && starts.windows(2).all(|w| w[0].1 < w[1].1)
        && starts.iter().all(|(_, s)| *s < lines.len());
    if !one_a_line {
        return Err(Unreadable(
            "字段区不是一行一个字段的写法（例如整个写成了 {…}），编辑台无法逐项修改".into(),
        ));
    }
    let mut out = Vec::new();
    for (i, (key, start)) in starts.iter().enumerate() {
        let next = starts.get(i + 1).map_or(lines.len(), |(_, s)| *s);
        let mut end = next.max(start + 1);
        while end > start + 1 {
            let l = lines.get(end - 1).copied().unwrap_or("").trim_end();
            if l.is_empty() || l.starts_with('#') {
                end -= 1;
            } else {
                break;
            }
        }
        out.push(Block {
            key: key.clone(),
            start: *start,
            end,
        });
    }
    Ok(out)
}

/// The values of an existing front matter as the form shows them, by key; keys the form does not
/// know are listed apart.
pub fn read_values(
    fields: &[Field],
    src: &SourceFile,
    fm: &str,
) -> Result<(serde_json::Map<String, Value>, Vec<String>), Unreadable> {
    let root = crate::yaml::parse(src, fm, 1).map_err(|d| Unreadable(first_message(&d)))?;
    let mut values = serde_json::Map::new();
    let mut unknown = Vec::new();
    if let Some(root) = root {
        for (k, v) in root.as_map().unwrap_or_default() {
            let key = k.scalar().unwrap_or_default();
            match fields.iter().find(|f| f.key == key) {
                Some(field) => {
                    let v = super::form::normalize(field.ty, &v.to_json());
                    values.insert(key.to_string(), v);
                }
                None => unknown.push(key.to_string()),
            }
        }
    }
    Ok((values, unknown))
}

/// An existing file with the form's values: each changed key rewritten in place, a removed key's
/// lines taken out, a new key put after the keys before it in content.md's order (in place of a
/// commented-out `# key:` line when there is one); everything else byte for byte as it was.
pub fn merge(
    fields: &[Field],
    old_text: &str,
    values: &serde_json::Map<String, Value>,
    body: &str,
) -> Result<String, Unreadable> {
    let (fm, body_offset) = crate::pipeline::load::split_front_matter(old_text);
    let Some(fm) = fm else {
        return Err(Unreadable("文件开头没有字段区".into()));
    };
    if !fm.closed {
        return Err(Unreadable("字段区没有结束的 --- 行".into()));
    }
    let src = SourceFile::new("x", fm.text.as_str());
    let blocks = blocks(&src, &fm.text)?;
    let (old_values, _) = read_values(fields, &src, &fm.text)?;
    let lines: Vec<String> = fm.text.lines().map(str::to_string).collect();
    // What each line of the old front matter becomes: itself, other lines, or nothing.
    let mut replaced: Vec<Option<Vec<String>>> = vec![None; lines.len()];
    let mut inserted_after: Vec<Vec<String>> = vec![Vec::new(); lines.len() + 1];
    let mut first_anchor: Option<usize> = None;
    for field in fields {
        let new = values
            .get(field.key)
            .map_or(Value::Null, |v| super::form::normalize(field.ty, v));
        let old = old_values.get(field.key).cloned().unwrap_or(Value::Null);
        let block = blocks.iter().find(|b| b.key == field.key);
        if new == old && (block.is_some() || new.is_null()) {
            continue;
        }
        let mut emitted = Vec::new();
        emit(field.key, field.ty, &new, 0, &mut emitted);
        if let Some(b) = block {
            // Keep the comment written after the key on its first line.
            if let (Some(first), Some(line)) = (emitted.first_mut(), lines.get(b.start)) {
                keep_comment(first, line);
            }
            replaced[b.start] = Some(emitted);
            for r in replaced.iter_mut().take(b.end).skip(b.start + 1) {
                *r = Some(Vec::new());
            }
            continue;
        }
        // A commented-out `# key:` line (as `gongkai new` writes them) is where it goes.
        if let Some(at) = commented_out(&lines, field.key, &replaced) {
            let mut end = at + 1;
            while end < lines.len() && lines[end].starts_with("#  ") {
                end += 1;
            }
            replaced[at] = Some(emitted);
            for r in replaced.iter_mut().take(end).skip(at + 1) {
                *r = Some(Vec::new());
            }
            continue;
        }
        // After the last key before it in the form's order that the file has.
        let order: Vec<&str> = fields.iter().map(|f| f.key).collect();
        let me = order.iter().position(|k| *k == field.key).unwrap_or(0);
        let before = blocks
            .iter()
            .filter(|b| {
                order
                    .iter()
                    .position(|k| *k == b.key)
                    .is_some_and(|i| i < me)
            })
            .map(|b| b.end)
            .max();
        match before {
            Some(end) => inserted_after[end].extend(emitted),
            None => {
                let at = *first_anchor.get_or_insert_with(|| {
                    blocks.iter().map(|b| b.start).min().unwrap_or(lines.len())
                });
                inserted_after[at].extend(emitted);
            }
        }
    }
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        // Lines that go before line i (inserted after the block that ends at i, or at the top).
        out.extend(inserted_after[i].iter().cloned());
        match &replaced[i] {
            Some(new) => out.extend(new.iter().cloned()),
            None => out.push(line.clone()),
        }
    }
    out.extend(inserted_after[lines.len()].iter().cloned());
    let old_body = &old_text[body_offset..];
    let same_body = old_body.replace("\r\n", "\n") == body.replace("\r\n", "\n");
    let head_end = old_text[..body_offset].len();
    let mut text = String::new();
    let bom = old_text.starts_with('\u{feff}');
    if bom {
        text.push('\u{feff}');
    }
    // A file written on Windows keeps its line ends.
    let nl = if fm.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    text.push_str("---");
    text.push_str(nl);
    for l in &out {
        text.push_str(l);
        text.push_str(nl);
    }
    text.push_str("---\n");
    if same_body {
        // The closing `---` line's own ending and everything after it, exactly as they were.
        let after_close = closing_rest(old_text, head_end);
        text.truncate(text.len() - "---\n".len());
        text.push_str("---");
        text.push_str(after_close);
        text.push_str(old_body);
    } else {
        if !body.is_empty() && !body.starts_with('\n') {
            text.push('\n');
        }
        text.push_str(body);
        if !body.is_empty() && !body.ends_with('\n') {
            text.push('\n');
        }
    }
    Ok(text)
}

/// What follows the closing `---` up to the body (its line end).
fn closing_rest(text: &str, body_offset: usize) -> &str {
    let head = &text[..body_offset];
    match head.trim_end_matches(['\n', '\r']).rfind("---") {
        Some(i) => &head[i + 3..],
        None => "\n",
    }
}

/// `# key:` at the start of a line not yet used.
fn commented_out(lines: &[String], key: &str, replaced: &[Option<Vec<String>>]) -> Option<usize> {
    let want = format!("# {key}:");
    lines
        .iter()
        .enumerate()
        .find(|(i, l)| l.starts_with(&want) && replaced[*i].is_none())
        .map(|(i, _)| i)
}

/// Puts the comment at the end of `old` (a YAML line) at the end of `new`, at the same column
/// when `new` is not longer, so comments lined up in a column stay lined up.
fn keep_comment(new: &mut String, old: &str) {
    use unicode_width::UnicodeWidthStr;
    let Some(comment) = inline_comment(old) else {
        return;
    };
    let hash = comment.trim_start();
    let column = old[..old.len() - hash.len()].width();
    let gap = column.saturating_sub(new.width()).max(1);
    new.push_str(&" ".repeat(gap));
    new.push_str(hash);
}

/// The `  # …` comment at the end of a YAML line, outside quotes.
fn inline_comment(line: &str) -> Option<&str> {
    let (mut single, mut double, mut prev_space) = (false, false, false);
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            '\\' if double => escaped = !escaped,
            '"' if !single && !escaped => double = !double,
            '\'' if !double => single = !single,
            '#' if !single && !double && prev_space => {
                let start = line[..i].trim_end().len();
                return Some(&line[start..]);
            }
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
        prev_space = c == ' ' || c == '\t';
    }
    None
}

/// Writes `text` to `path` atomically: a temporary file beside it, synced, renamed over it. A
/// crash at any moment leaves the old file or the new one, never half of either.
pub fn write_atomic(path: &Path, text: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A leading `.` keeps the temporary file out of builds that run meanwhile.
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(text)?;
        file.sync_all()?;
        drop(file);
        if std::env::var_os("GONGKAI_TEST_CRASH_BEFORE_RENAME").is_some() {
            // For the crash test: the process dies between the write and the rename.
            std::process::abort();
        }
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The content hash the form carries: a changed file on disk has another one.
pub fn hash(bytes: &[u8]) -> String {
    crate::digest::sha256_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::super::form::fields;
    use super::*;
    use crate::pipeline::load::Section;
    use serde_json::json;

    fn map(v: Value) -> serde_json::Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("not a map"),
        }
    }

    #[test]
    fn text_is_plain_only_when_it_reads_back_the_same() {
        assert_eq!(text("3号楼电梯异响"), "3号楼电梯异响");
        assert_eq!(text("2026"), "\"2026\"");
        assert_eq!(text("true"), "\"true\"");
        assert_eq!(text("- 一条"), "\"- 一条\"");
        assert_eq!(text("时间: 上午"), "\"时间: 上午\"");
        assert_eq!(text("电话：123"), "\"电话：123\"");
        assert_eq!(text("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn an_unchanged_key_keeps_its_comment_and_a_changed_one_its_inline_comment() {
        let old = "---\n# 标题写全称\ntitle: \"旧标题\"  # 标题（必填）\ndate: 2026-9-5\nid: 2026-001\nstatus: 办理中 # 状态\n# source: 居民反映  # 来源\n---\n\n正文\r\n";
        let f = fields(Section::Problems);
        let values = map(json!({
            "title": "旧标题", "date": "2026-09-05", "id": "2026-001",
            "status": "resolved", "source": "网格巡查"
        }));
        let out = merge(&f, old, &values, "\n正文\n").expect("merge");
        assert_eq!(
            out,
            "---\n# 标题写全称\ntitle: \"旧标题\"  # 标题（必填）\ndate: 2026-9-5\nid: 2026-001\nstatus: 已办结 # 状态\nsource: 网格巡查\n---\n\n正文\r\n"
        );
    }

    #[test]
    fn a_front_matter_in_one_flow_map_is_not_edited_piecemeal() {
        let old = "---\n{title: 标题, date: 2026-11-01}\n---\n";
        let f = fields(Section::Pages);
        let values = map(json!({"title": "新标题", "date": "2026-11-01"}));
        assert!(merge(&f, old, &values, "").is_err());
    }

    #[test]
    fn odd_line_ends_are_refused_not_a_panic() {
        let f = fields(Section::Pages);
        let values = map(json!({"title": "新"}));
        for old in [
            "---\rtitle: a\rdate: 2026-11-01\r---\r",
            "---\ntitle: a\rdate: 2026-11-01\n---\n",
            "---\ntitle: a\u{2028}date: 2026-11-01\n---\n",
            "---\ntitle: a\r\rdate: 2026-11-01\n---\n",
        ] {
            let _ = merge(&f, old, &values, "");
        }
    }

    #[test]
    fn comments_lined_up_in_a_column_stay_lined_up() {
        let old = "---\ntitle: \"x\"            # 标题（必填）\nid: 2026-016               # 编号\ndate: 2026-11-21           # 日期\nresponsible: {unit: a}\nmeasures: [a]\ndeadline: 2026-12-21       # 时限\nstatus: open               # 状态\n---\n";
        let f = fields(Section::Problems);
        let values = map(json!({
            "title": "x", "id": "2026-016", "date": "2026-11-21", "responsible": {"unit": "a"},
            "measures": ["a"], "deadline": "2026-12-21", "status": "resolved",
            "echo": {"date": "2026-11-22", "result": "好"}
        }));
        let out = merge(&f, old, &values, "").expect("merge");
        assert!(
            out.contains("\nstatus: 已办结             # 状态\necho:\n  date: 2026-11-22\n  result: 好\n---\n"),
            "{out}"
        );
    }

    #[test]
    fn a_new_key_goes_after_the_keys_before_it_and_a_removed_one_goes() {
        let old =
            "---\ntitle: 标题\ndate: 2026-11-01\nkind: 公告\ntags:\n  - 一\n  - 二\n---\n正文\n";
        let f = fields(Section::Notices);
        let values = map(json!({
            "title": "标题", "date": "2026-11-01", "kind": "announcement",
            "summary": "摘要", "category": "财务"
        }));
        let out = merge(&f, old, &values, "正文\n").expect("merge");
        assert_eq!(
            out,
            "---\ntitle: 标题\ndate: 2026-11-01\nsummary: 摘要\nkind: 公告\ncategory: 财务\n---\n正文\n"
        );
    }
}
