//! A YAML tree that remembers where every key and value was written, so each mistake can be
//! reported at its own line and column, and every mistake of a file in one run.

use crate::diag::{Diagnostic, Pos, SourceFile, to_u32};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

pub mod keyboard;
mod messages;

pub use messages::PARSER_MESSAGES;

/// Deeper nesting than any front matter needs is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;
/// More nodes than any front matter needs is refused (a 10 MB flow list, say).
const MAX_NODES: usize = 200_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as written; `plain` is false when it was quoted or a block scalar.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

impl Node {
    /// The scalar's text, unless it is a plain null (`~`, `null`, empty).
    pub fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, plain } if !(*plain && is_null(text)) => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if is_null(text))
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// What kind of value this is, in Chinese, for "expected X, found Y" messages.
    pub fn kind_label(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "空值",
            Value::Scalar { .. } => "单个值",
            Value::Seq(_) => "列表",
            Value::Map(_) => "键值表",
        }
    }

    /// Free-form YAML (the `extra` maps) as JSON for templates.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Scalar { text, plain } => {
                if !*plain {
                    return serde_json::Value::String(text.clone());
                }
                if is_null(text) {
                    serde_json::Value::Null
                } else if let Some(b) = parse_bool(text) {
                    serde_json::Value::Bool(b)
                } else if let Ok(i) = text.parse::<i64>() {
                    serde_json::Value::from(i)
                } else if let Some(n) = text
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    serde_json::Value::Number(n)
                } else {
                    serde_json::Value::String(text.clone())
                }
            }
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, v)| (k.scalar().unwrap_or_default().to_string(), v.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn pos_of(span: &Span, line_offset: u32) -> Pos {
    Pos::new(
        to_u32(span.start.line()).saturating_add(line_offset),
        to_u32(span.start.col() + 1),
    )
}

enum Frame {
    Seq(Pos, Vec<Node>),
    Map(Pos, Vec<(Node, Node)>, Option<Node>),
}

/// A YAML double-quoted scalar: safe for any text (`:`, `#`, quotes, a leading `-` …), as
/// `gongkai new` and the 编辑台 write a value that would not read back as itself unquoted.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Control characters and YAML's other line breaks would end or corrupt the scalar.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Parses one YAML document. `line_offset` is added to every line (front matter starts below
/// the opening `---`). An empty document is `None`. A Chinese-keyboard mistake is reported as
/// itself, in place of whatever the parser would have made of it.
pub fn parse(
    file: &SourceFile,
    text: &str,
    line_offset: u32,
) -> Result<Option<Node>, Vec<Diagnostic>> {
    let mistakes = keyboard::always(file, text, line_offset);
    if !mistakes.is_empty() {
        return Err(mistakes);
    }
    let parsed = parse_events(file, text, line_offset);
    let broken = match &parsed {
        Err(d) => d.code == "E-YAML",
        Ok(root) => root.as_ref().is_some_and(|r| r.as_map().is_none()),
    };
    if broken && let Some(d) = keyboard::when_broken(file, text, line_offset) {
        return Err(vec![d]);
    }
    parsed.map_err(|d| vec![*d])
}

/// `parse`; and when its mistakes are only ones a Chinese keyboard makes that can be mended in
/// place without moving any other character (a full-width colon after a key, followed by a space
/// or the end of the line; a full-width space in the indentation), also the tree of the mended
/// text, so that the file's other mistakes are found in the same run. The mistakes are always
/// returned; the tree only when the mended text parses cleanly.
pub fn parse_mending(
    file: &SourceFile,
    text: &str,
    line_offset: u32,
) -> (Option<Node>, Vec<Diagnostic>) {
    let mistakes = match parse(file, text, line_offset) {
        Ok(root) => return (root, Vec::new()),
        Err(mistakes) => mistakes,
    };
    let Some(mended) = mend(text, line_offset, &mistakes) else {
        return (None, mistakes);
    };
    match parse(file, &mended, line_offset) {
        Ok(root) => (root, mistakes),
        Err(_) => (None, mistakes),
    }
}

/// `text` with every mistake of `mistakes` mended in place, or `None` when one of them is of a
/// kind that cannot be (or no mistake is a keyboard one at all).
fn mend(text: &str, line_offset: u32, mistakes: &[Diagnostic]) -> Option<String> {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    for d in mistakes {
        let index = usize::try_from(d.line.checked_sub(line_offset)?.checked_sub(1)?).ok()?;
        let line = lines.get_mut(index)?;
        let col = usize::try_from(d.column.checked_sub(1)?).ok()?;
        let mut chars: Vec<char> = line.chars().collect();
        match d.code {
            "E-YAML-FULLWIDTH-COLON" => {
                let followed = chars.get(col + 1).is_none_or(|c| *c == ' ');
                if chars.get(col) != Some(&'：') || !followed {
                    return None;
                }
                chars[col] = ':';
            }
            "E-YAML-FULLWIDTH-SPACE" => {
                let indent = chars.iter().take_while(|c| c.is_whitespace()).count();
                if !chars[..indent].contains(&'\u{3000}') {
                    return None;
                }
                for c in &mut chars[..indent] {
                    if *c == '\u{3000}' {
                        *c = ' ';
                    }
                }
            }
            _ => return None,
        }
        *line = chars.into_iter().collect();
    }
    Some(lines.join("\n"))
}

fn parse_events(
    file: &SourceFile,
    text: &str,
    line_offset: u32,
) -> Result<Option<Node>, Box<Diagnostic>> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    let mut nodes = 0usize;
    let error = |pos: Pos, message: String, help: &str| {
        Box::new(file.error("E-YAML", pos, message, help.to_string()))
    };
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            let marker = e.marker();
            let (message, help) = messages::translate(e.info());
            let (line, col) = messages::mistake_at(e.info(), text, marker.line(), marker.col() + 1);
            error(
                Pos::new(to_u32(line).saturating_add(line_offset), to_u32(col)),
                format!("YAML 写法有误：{message}"),
                help,
            )
        })?;
        let pos = pos_of(&span, line_offset);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(error(
                        pos,
                        "字段区里只能有一个 YAML 文档".into(),
                        "删除多余的 `---` 分隔行",
                    ));
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(error(
                    pos,
                    "不支持 YAML 别名（*name）".into(),
                    "把要重复的内容直接写出来",
                ));
            }
            Event::Scalar(text, style, _, _) => Node {
                value: Value::Scalar {
                    text: text.into_owned(),
                    plain: style == ScalarStyle::Plain,
                },
                pos,
            },
            Event::SequenceStart(_, _) | Event::MappingStart(_, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(pos, "YAML 嵌套层数过多".into(), "字段只需要几层缩进"));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(pos, Vec::new())
                } else {
                    Frame::Map(pos, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(p, items)) => Node {
                    value: Value::Seq(items),
                    pos: p,
                },
                Some(Frame::Map(p, entries, _)) => Node {
                    value: Value::Map(entries),
                    pos: p,
                },
                None => continue,
            },
            _ => continue,
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(error(
                pos,
                "YAML 内容过大".into(),
                "字段区只放字段，长内容写在正文里",
            ));
        }
        match stack.last_mut() {
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, pending)) => match pending.take() {
                None => {
                    if node.scalar().is_none() && !node.is_null() {
                        return Err(error(
                            node.pos,
                            "键必须是简单的名字".into(),
                            "写成 `键: 值` 的形式",
                        ));
                    }
                    *pending = Some(node);
                }
                Some(key) => {
                    let name = key.scalar().unwrap_or_default();
                    if entries
                        .iter()
                        .any(|(k, _)| k.scalar().unwrap_or_default() == name)
                    {
                        return Err(error(
                            key.pos,
                            format!("字段 `{name}` 写了两次"),
                            "每个字段只写一次，删除重复的一行",
                        ));
                    }
                    entries.push((key, node));
                }
            },
            None => root = Some(node),
        }
    }
    Ok(root)
}

/// A YAML map being read against a list of allowed keys.
pub struct Fields<'a> {
    pub file: &'a SourceFile,
    pub pos: Pos,
    entries: &'a [(Node, Node)],
    /// Keys written wrongly (a Chinese name, a typo) → the key they stand for: already reported,
    /// their values are read as that key's, so the key is not reported missing as well.
    renamed: Vec<(String, String)>,
}

/// The nearest allowed key to a misspelt one, if it is near enough to be a typo.
pub fn nearest<'k>(name: &str, allowed: &[&'k str]) -> Option<&'k str> {
    allowed
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

impl<'a> Fields<'a> {
    /// Checks that `node` is a map and that it uses only `allowed` keys; reports the rest.
    pub fn read(
        file: &'a SourceFile,
        node: &'a Node,
        allowed: &[&str],
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Fields<'a>> {
        let Some(entries) = node.as_map() else {
            diags.push(file.error(
                "E-FIELD-TYPE",
                node.pos,
                format!("{what}应当是键值表，这里是{}", node.kind_label()),
                "每行写成 `键: 值`，下一层缩进两个空格",
            ));
            return None;
        };
        let mut renamed = Vec::new();
        let written = |k: &str| entries.iter().any(|(n, _)| n.scalar() == Some(k));
        for (key, _) in entries {
            let name = key.scalar().unwrap_or_default();
            if allowed.contains(&name) {
                continue;
            }
            // `ｔｉｔｌｅ`: typed with the keyboard in full-width mode.
            let half: String = name
                .chars()
                .map(|c| match c {
                    '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                    c => c,
                })
                .collect();
            if half != name
                && let Some(k) = allowed.iter().find(|k| **k == half)
            {
                diags.push(file.error(
                    "E-FIELD-FULLWIDTH",
                    key.pos,
                    format!("字段名「{name}」是全角字母"),
                    format!("切换到半角（英文）输入后重新输入：{k}"),
                ));
                if !written(k) {
                    renamed.push((name.to_string(), (*k).to_string()));
                }
                continue;
            }
            if let Some(k) = keyboard::key_for_chinese(name, allowed) {
                diags.push(file.error(
                    "E-FIELD-CHINESE",
                    key.pos,
                    format!("字段名要写英文：「{name}」应写成 `{k}`"),
                    format!("把「{name}」改成 {k}，冒号后面的值不变"),
                ));
                if !written(k) {
                    renamed.push((name.to_string(), k.to_string()));
                }
                continue;
            }
            if let Some((k, zh)) = keyboard::key_for_chinese_like(name, allowed) {
                diags.push(file.error(
                    "E-FIELD-CHINESE",
                    key.pos,
                    format!("字段名要写英文：没有「{name}」这个字段"),
                    format!("是不是想写 `{k}`（{zh}）？把「{name}」改成 {k}"),
                ));
                if !written(k) {
                    renamed.push((name.to_string(), k.to_string()));
                }
                continue;
            }
            let near = nearest(name, allowed);
            let help = match near {
                Some(k) => format!("是不是想写 `{k}`？"),
                None => format!("{what}可用的字段：{}", keyboard::with_names(allowed)),
            };
            diags.push(file.error(
                "E-FIELD-UNKNOWN",
                key.pos,
                format!("{what}里没有字段 `{name}`"),
                help,
            ));
            if let Some(k) = near
                && !written(k)
            {
                renamed.push((name.to_string(), k.to_string()));
            }
        }
        Some(Fields {
            file,
            pos: node.pos,
            entries,
            renamed,
        })
    }

    /// The entry of `key`, or of the wrongly written key that stands for it.
    fn entry(&self, key: &str) -> Option<&'a (Node, Node)> {
        let written = self
            .renamed
            .iter()
            .find(|(_, k)| k == key)
            .map_or(key, |(w, _)| w.as_str());
        self.entries
            .iter()
            .find(|(k, _)| k.scalar() == Some(key))
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|(k, _)| k.scalar() == Some(written))
            })
    }

    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entry(key).map(|(_, v)| v).filter(|v| !v.is_null())
    }

    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.entry(key).map(|(k, _)| k.pos)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn missing(&self, key: &str, what: &str, help: &str) -> Diagnostic {
        self.file.error(
            "E-FIELD-MISSING",
            self.pos,
            format!("缺少必填字段 `{key}`（{what}）"),
            help.to_string(),
        )
    }

    pub fn type_error(&self, node: &Node, key: &str, expected: &str, help: &str) -> Diagnostic {
        self.file.error(
            "E-FIELD-TYPE",
            node.pos,
            format!(
                "字段 `{key}` 应当是{expected}，这里写的是{}",
                describe(node)
            ),
            help.to_string(),
        )
    }

    pub fn invalid(&self, node: &Node, message: String, help: &str) -> Diagnostic {
        self.file
            .error("E-FIELD-VALUE", node.pos, message, help.to_string())
    }

    /// A string value; any scalar counts (a title of `2026` is a string too).
    pub fn str(&self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
        let node = self.get(key)?;
        match node.scalar() {
            Some(s) => Some(s.to_string()),
            None => {
                diags.push(self.type_error(node, key, "一段文字", "写在同一行，例如 `键: 文字`"));
                None
            }
        }
    }

    pub fn req_str(
        &self,
        key: &str,
        what: &str,
        help: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        if !self.has(key) {
            diags.push(self.missing(key, what, help));
            return None;
        }
        let s = self.str(key, diags)?;
        if s.trim().is_empty() {
            diags.push(self.missing(key, what, help));
            return None;
        }
        Some(s)
    }

    pub fn bool(&self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<bool> {
        let node = self.get(key)?;
        let parsed = match &node.value {
            Value::Scalar { text, plain: true } => parse_bool(text),
            _ => None,
        };
        if parsed.is_none() {
            diags.push(self.type_error(
                node,
                key,
                "true 或 false",
                "写 `true`（是）或 `false`（否）",
            ));
        }
        parsed
    }

    pub fn int(&self, key: &str, min: i64, diags: &mut Vec<Diagnostic>) -> Option<i64> {
        let node = self.get(key)?;
        match node
            .scalar()
            .and_then(|s| half_width(s).parse::<i64>().ok())
        {
            Some(n) if n >= min => Some(n),
            Some(n) => {
                diags.push(self.invalid(
                    node,
                    format!("字段 `{key}` 不能小于 {min}，这里是 {n}"),
                    &format!("写一个不小于 {min} 的整数"),
                ));
                None
            }
            None => {
                diags.push(self.type_error(node, key, "整数", "只写阿拉伯数字，例如 `12`"));
                None
            }
        }
    }

    pub fn number(&self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<f64> {
        let node = self.get(key)?;
        match node
            .scalar()
            .and_then(|s| half_width(s).parse::<f64>().ok())
            .filter(|n| n.is_finite())
        {
            Some(n) => Some(n),
            None => {
                diags.push(self.type_error(node, key, "数字", "只写数字，例如 `12.5`"));
                None
            }
        }
    }

    pub fn str_list(&self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
        let node = self.get(key)?;
        let Some(items) = node.as_seq() else {
            diags.push(self.type_error(
                node,
                key,
                "列表",
                "每项一行，以 `- ` 开头，或写成 [甲, 乙]",
            ));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.scalar() {
                Some(s) => out.push(s.to_string()),
                None => diags.push(self.type_error(item, key, "文字列表", "列表每项写一段文字")),
            }
        }
        Some(out)
    }

    pub fn seq(&self, key: &str, help: &str, diags: &mut Vec<Diagnostic>) -> Option<&'a [Node]> {
        let node = self.get(key)?;
        match node.as_seq() {
            Some(items) => Some(items),
            None => {
                diags.push(self.type_error(node, key, "列表", help));
                None
            }
        }
    }

    /// A nested map read against its own allowed keys.
    pub fn map(
        &self,
        key: &str,
        allowed: &[&str],
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Fields<'a>> {
        let node = self.get(key)?;
        Fields::read(self.file, node, allowed, what, diags)
    }

    /// Every key present (for kinds whose allowed keys depend on another field).
    pub fn keys(&self) -> impl Iterator<Item = (&'a str, Pos)> + 'a {
        self.entries
            .iter()
            .map(|(k, _)| (k.scalar().unwrap_or_default(), k.pos))
    }
}

/// A number as a Chinese keyboard may type it (`１２`, `１２．５`), in ASCII.
fn half_width(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' | '．' | '－' | '＋' => {
                char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

/// A short, safe description of a value for messages: never more than a few characters.
fn describe(node: &Node) -> String {
    match node.scalar() {
        Some(s) => {
            let short: String = s.chars().take(20).collect();
            if short.len() < s.len() {
                format!("「{short}…」")
            } else {
                format!("「{short}」")
            }
        }
        None => node.kind_label().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t.md", text)
    }

    #[test]
    fn positions_are_one_based_with_offset() {
        let text = "title: 你好\ntags:\n  - 甲\n";
        let f = file(text);
        let root = parse(&f, text, 1).ok().flatten().expect("a map");
        let map = root.as_map().expect("map");
        assert_eq!(map[0].0.pos, Pos::new(2, 1));
        assert_eq!(map[0].1.pos, Pos::new(2, 8));
        let tags = map[1].1.as_seq().expect("seq");
        assert_eq!(tags[0].pos, Pos::new(4, 5));
    }

    #[test]
    fn syntax_error_has_position() {
        let text = "title: x\ntags: [甲, 乙\nx: 1\n";
        let err = parse(&file(text), text, 1)
            .expect_err("must fail")
            .remove(0);
        assert_eq!(err.code, "E-YAML");
        assert!(err.line >= 3);
    }

    /// Input that makes the parser give each kind of message it has, with what the message
    /// must say: every one is Chinese, with no word of the parser's English left.
    #[test]
    fn every_parser_error_reads_in_chinese() {
        let cases: &[(&str, &str)] = &[
            ("a: b\nc\nd: e\n", "冒号"),
            ("a: b: c\n", "「: 」"),
            ("a:\n  b: 1\n c: 2\n", "缩进"),
            ("a:\n  - 1\n  x: 2\n", "列表"),
            ("a: [1, 2\nb: 3\n", "方括号"),
            ("a: {x: 1\nb: 2\n", "括号"),
            ("a: \"x\\q\"\n", "反斜杠"),
            ("a: @x\n", "符号"),
            ("a: *x\n", "引用"),
            ("a: !<x\n", "标签"),
            ("a: \"x\" y\n", "提前结束"),
            ("%YAML x\n---\na: 1\n", "指令"),
            ("a: |0\n  x\n", "多行文字"),
            ("a: 1\n...\nb\n", "分隔行"),
            ("a: x\n- b\n", "缩进"),
            ("a: ]\n", "括号"),
        ];
        for (text, expected) in cases {
            let err = parse(&file(text), text, 0).expect_err(text).remove(0);
            assert!(err.code.starts_with("E-YAML"), "{text:?}: {}", err.code);
            assert!(
                err.message.contains(expected) || err.help.contains(expected),
                "{text:?}: {} / {}",
                err.message,
                err.help
            );
            assert!(!err.message.ends_with("YAML 写法有误"), "{text:?}");
            for part in [&err.message, &err.help] {
                assert_eq!(
                    messages::tests_support::english_word(part),
                    None,
                    "{text:?}: {part}"
                );
            }
        }
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let text = "a: 1\nb: 2\na: 3\n";
        let err = parse(&file(text), text, 0)
            .expect_err("duplicate")
            .remove(0);
        assert_eq!((err.line, err.column), (3, 1));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(100_000);
        assert!(parse(&file(&text), &text, 0).is_err());
    }

    #[test]
    fn aliases_are_refused() {
        let text = "a: &x 1\nb: *x\n";
        assert!(parse(&file(text), text, 0).is_err());
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let text = "titel: x\n";
        let f = file(text);
        let root = parse(&f, text, 0).ok().flatten().expect("map");
        let mut diags = Vec::new();
        Fields::read(&f, &root, &["title", "date"], "记录", &mut diags);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].help.contains("`title`"), "{}", diags[0].help);
    }

    #[test]
    fn fullwidth_letters_in_a_key() {
        let text = "ｔｉｔｌｅ: x\n";
        let f = file(text);
        let root = parse(&f, text, 0).ok().flatten().expect("map");
        let mut diags = Vec::new();
        let fields = Fields::read(&f, &root, &["title"], "记录", &mut diags).expect("map");
        assert_eq!(diags.len(), 1);
        assert_eq!(
            (diags[0].code, diags[0].line, diags[0].column),
            ("E-FIELD-FULLWIDTH", 1, 1)
        );
        assert!(diags[0].help.ends_with("title"), "{}", diags[0].help);
        assert_eq!(fields.str("title", &mut diags).as_deref(), Some("x"));
    }

    #[test]
    fn quoted_null_is_a_string() {
        let text = "a: 'null'\nb: null\n";
        let f = file(text);
        let root = parse(&f, text, 0).ok().flatten().expect("map");
        let map = root.as_map().expect("map");
        assert_eq!(map[0].1.scalar(), Some("null"));
        assert!(map[1].1.is_null());
    }

    #[test]
    fn typed_readers_report_wrong_types() {
        let text = "n: abc\nb: yes\nl: x\n";
        let f = file(text);
        let root = parse(&f, text, 0).ok().flatten().expect("map");
        let mut diags = Vec::new();
        let fields = Fields::read(&f, &root, &["n", "b", "l"], "记录", &mut diags).expect("map");
        assert_eq!(fields.int("n", 0, &mut diags), None);
        let text2 = "n: １２\n";
        let root2 = parse(&f, text2, 0).ok().flatten().expect("map");
        let mut none = Vec::new();
        let f2 = Fields::read(&f, &root2, &["n"], "记录", &mut none).expect("map");
        assert_eq!(f2.int("n", 0, &mut none), Some(12));
        assert!(none.is_empty());
        assert_eq!(fields.bool("b", &mut diags), None);
        assert_eq!(fields.str_list("l", &mut diags), None);
        let lines: Vec<u32> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![1, 2, 3]);
    }
}
