//! The YAML parser's own messages, in Chinese. Every message saphyr-parser can give is listed,
//! so none reaches a person untranslated; an unknown one (a newer parser) gets a general sentence.

/// What the parser said (`info`) → what is wrong, and what to do, in Chinese.
pub fn translate(info: &str) -> (&'static str, &'static str) {
    const INDENT: &str = "检查这一行和上一行的缩进：同一层的字段要左对齐，下一层多缩进两个空格";
    const QUOTES: &str = "检查引号是否成对：用英文引号 \"…\" 或 '…'，开头和结尾各一个";
    const COLON: &str = "每行写成 `键: 值`：英文冒号，冒号后面一个空格";
    const SPECIAL: &str =
        "这段文字以 YAML 的特殊符号开头，整段用英文引号括起来，例如 title: '* 通知'";
    if info.starts_with("unexpected character:") {
        return ("这里有一个 YAML 不认识的符号", SPECIAL);
    }
    match info {
        "simple key expect ':'" | "simple key expected" => {
            ("这一行缺少键和值之间的英文冒号「:」", COLON)
        }
        "mapping values are not allowed in this context" => (
            "这里不能再出现「: 」：一行只能写一个 `键: 值`",
            "如果文字本身含有「: 」，整段用英文引号括起来，例如 title: '通知: 停水'；否则检查上一行的缩进",
        ),
        "while parsing a block mapping, did not find expected key" => {
            ("这一行的缩进和上面的字段对不齐", INDENT)
        }
        "while parsing a block collection, did not find expected '-' indicator" => (
            "列表里的这一行没有以「- 」开头，或者缩进不对",
            "列表每项一行，以「- 」开头，各项左对齐",
        ),
        "block sequence entries are not allowed in this context" => (
            "这里不能开始一个「- 」列表",
            "列表写在字段的下一行，比字段多缩进两个空格；或者在冒号后换行",
        ),
        "invalid indentation" | "invalid indentation for anchor" => ("缩进不对", INDENT),
        "invalid indentation in quoted scalar" => (
            "引号里的文字换行后缩进不够",
            "换行后的文字要比字段名多缩进；或者把整段写在一行",
        ),
        "invalid indentation in flow construct" => (
            "方括号或花括号里的内容换行后缩进不够",
            "换行后的内容要比字段名多缩进；或者写在一行里",
        ),
        "wrongly indented line in block scalar" => (
            "多行文字（| 或 >）里有一行缩进不够",
            "多行文字的每一行都要比字段名多缩进两个空格",
        ),
        "tab cannot be used as indentation"
        | "tabs disallowed in this context"
        | "tabs disallowed within this context (block indentation)"
        | "while scanning a plain scalar, found a tab"
        | "a block scalar content cannot start with a tab" => (
            "这里用了制表符，YAML 的缩进只能用空格",
            "删掉制表符，改用空格缩进，每层两个空格",
        ),
        "while scanning a quoted scalar, found unexpected end of stream" => {
            ("引号没有结束", QUOTES)
        }
        "while scanning a quoted scalar, found unexpected document indicator" => {
            ("引号里的文字遇到了 `---` 行，引号没有结束", QUOTES)
        }
        "invalid trailing content after double-quoted scalar" => (
            "引号结束后又写了别的文字",
            "整段文字都放进引号里，或者去掉引号",
        ),
        "while parsing a quoted scalar, found unknown escape character"
        | "while parsing a quoted scalar, found invalid Unicode character escape code"
        | "while parsing a quoted scalar, did not find expected hexadecimal number" => (
            "英文双引号里的反斜杠「\\」后面跟了无法识别的字符",
            "改用英文单引号 '…' 括起来，或者把「\\」写成「\\\\」",
        ),
        "while parsing a flow sequence, expected ',' or ']'" => (
            "方括号列表 [ … ] 没有写对",
            "写成 [甲, 乙]：各项用英文逗号分开，最后用「]」结束",
        ),
        "while parsing a flow mapping, did not find expected ',' or '}'" => (
            "花括号 { … } 没有写对",
            "写成 {键: 值, 键: 值}：用英文逗号分开，最后用「}」结束",
        ),
        "misplaced bracket" => (
            "这里的括号不成对",
            "检查 [ ] 和 { } 是否成对；文字里的括号可以整段用英文引号括起来",
        ),
        "':' may not precede any of `[{` in flow mapping" => (
            "花括号里冒号后面缺少空格",
            "写成 {键: 值}，冒号后面一个空格",
        ),
        "':' must be followed by a valid YAML whitespace" => ("冒号后面缺少空格", COLON),
        "'-' must be followed by a valid YAML whitespace" => (
            "列表项的「-」后面缺少空格",
            "列表每项写成「- 内容」，「-」后面一个空格",
        ),
        "illegal placement of ':' indicator" => (
            "冒号的位置不对",
            "检查上面的方括号「[」或花括号「{」是否已经结束；文字里含冒号时整段用英文引号括起来",
        ),
        "mapping keys are not allowed in this context" => (
            "这里不能写「? 」开头的键",
            "每行写成 `键: 值`；文字以「?」开头时整段用英文引号括起来",
        ),
        "plain scalar cannot start with '-' followed by ,[]{}"
        | "\"-\" is only valid inside a block" => ("文字以「-」开头，被当成了列表符号", SPECIAL),
        "unexpected end of plain scalar" => ("文字在这里意外结束", SPECIAL),
        "expected whitespace" => ("这里缺少一个空格", COLON),
        "found unprintable character" => (
            "这里有一个看不见的控制字符",
            "删掉这个字符（常见于从 Word 或网页复制来的文字），重新输入这一段",
        ),
        "a byte order mark must not appear inside a document" => (
            "文字中间有一个看不见的字节顺序标记（BOM）",
            "删掉这个看不见的字符，重新输入这一段",
        ),
        "comments must be separated from other tokens by whitespace" => (
            "「#」紧跟在引号或括号后面，注释前面缺少空格",
            "注释（# 开头）前面要空一格，例如 tags: [甲, 乙] # 备注；「#」是文字的一部分时，把它放进引号里",
        ),
        "comment intercepting the multiline text" => (
            "多行文字中间插进了一行注释（# 开头）",
            "删掉这行注释，或者把整段文字用英文引号括起来",
        ),
        "recursion limit exceeded" => ("嵌套层数过多", "字段只需要几层缩进"),
        "while parsing a node, did not find expected node content" => (
            "这里缺少内容",
            "冒号后面写上值，或者删掉多余的符号（如单独的「,」「]」「}」）",
        ),
        "did not find expected next token" | "unexpected eof" => (
            "文件在这里意外结束",
            "检查引号、方括号和花括号是否都已经结束",
        ),
        // After `%` lines (0.3.3), or content after a `...` line (0.3.4).
        "did not find expected <document start>" => (
            "以「%」开头的行被当成了 YAML 指令，或者 `...` 行后面还有字段",
            "文字以「%」开头时整段用英文引号括起来，例如 summary: '%50 已完成'；字段中间不要写 `---` 或 `...` 行",
        ),
        "invalid content after document end marker"
        | "did not find expected <document-start>"
        | "did not find expected <stream-start>"
        | "found incompatible YAML document" => (
            "字段中间出现了 `---` 或 `...` 这样的分隔行",
            "字段区只在开头和结尾各写一行 ---，中间不要再写",
        ),
        "while parsing anchor, found duplicated anchor"
        | "while parsing node, found unknown anchor"
        | "while scanning an anchor or alias, did not find expected alphabetic or numeric character" => {
            (
                "「&」或「*」开头的文字被当成了 YAML 的引用",
                "整段文字用英文引号括起来，例如 title: '*重要* 通知'",
            )
        }
        "while scanning a block scalar, found an indentation indicator equal to 0"
        | "while scanning a block scalar, did not find expected comment or line break" => (
            "多行文字的「|」或「>」后面写了别的内容",
            "「|」或「>」单独放在冒号后面，文字从下一行开始，多缩进两个空格",
        ),
        "missing explicit document end marker before directive"
        | "while scanning a directive, could not find expected directive name"
        | "while scanning a directive, did not find expected comment or line break"
        | "while scanning a directive, found unexpected non-alphabetical character"
        | "while scanning a YAML directive, did not find expected digit or '.' character"
        | "while scanning a YAML directive, did not find expected version number"
        | "while scanning a YAML directive, found extremely long version number"
        | "duplicate version directive"
        | "the TAG directive must only be given at most once per handle in the same document"
        | "while parsing a tag directive, did not find expected '!'"
        // These three come of a `%TAG` line only.
        | "while scanning a tag, did not find expected '!'"
        | "invalid global tag character"
        | "while scanning TAG, did not find expected whitespace or line break" => (
            "以「%」开头的行被当成了 YAML 指令",
            "文字以「%」开头时整段用英文引号括起来，例如 summary: '%50 已完成'",
        ),
        "the handle wasn't declared"
        | "while scanning a tag, did not find expected whitespace or line break"
        | "while scanning a verbatim tag, did not find the expected '>'"
        | "while parsing a tag, did not find expected tag URI"
        | "while parsing a tag, found an incorrect leading UTF-8 byte"
        | "while parsing a tag, found an incorrect trailing UTF-8 byte"
        | "while parsing a tag, found an invalid UTF-8 codepoint"
        | "while parsing a tag, found an invalid escape sequence" => (
            "以「!」开头的文字被当成了 YAML 标签",
            "文字以「!」开头时整段用英文引号括起来，例如 title: '!紧急通知'",
        ),
        _ => (
            "YAML 写法有误",
            "检查这一行的缩进、冒号后的空格和引号是否成对",
        ),
    }
}

/// Where the mistake a message is about stands, for the messages the parser gives only once it has
/// read past it: `(line, column)`, 1-based, in `text`; otherwise where the parser stopped.
pub fn mistake_at(info: &str, text: &str, line: usize, col: usize) -> (usize, usize) {
    let lines: Vec<&str> = text.split('\n').collect();
    let at = |n: usize| lines.get(n.wrapping_sub(1)).copied().unwrap_or_default();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let is_content = |l: &str| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    };
    match info {
        // A key without its colon is noticed when the next line starts, or the text ends: it is
        // the content line above, or, when that continues a line of text, the line it continues.
        "simple key expect ':'" | "simple key expected" => {
            let before = at(line)
                .chars()
                .take(col.saturating_sub(1))
                .collect::<String>();
            if !before.trim().is_empty() {
                return (line, col);
            }
            let Some(mut key) = (1..line).rev().find(|&n| is_content(at(n))) else {
                return (line, col);
            };
            while let Some(above) = (1..key).rev().find(|&n| is_content(at(n))) {
                let a = at(above).trim_end();
                let continued = indent(a) < indent(at(key))
                    && !a.contains(": ")
                    && !a.ends_with(':')
                    && !a.trim_start().starts_with('-');
                if !continued {
                    break;
                }
                key = above;
            }
            (key, indent(at(key)) + 1)
        }
        // Reported at what follows the `%` lines (or the `...` line): the line that starts it.
        "did not find expected <document start>" => (1..line)
            .rev()
            .find(|&n| at(n).starts_with('%') || at(n).starts_with("..."))
            .map_or((line, col), |n| (n, 1)),
        _ => (line, col),
    }
}

/// Every message saphyr-parser 0.3 can give, as written in its `scanner.rs`, `parser.rs` and
/// `input.rs` (`unexpected character` with one of the characters it names). The unit test below
/// translates each; `tests/yaml_parser_messages.rs` feeds each one an input can reach.
pub const PARSER_MESSAGES: &[&str] = &[
    "simple key expect ':'",
    "simple key expected",
    "mapping values are not allowed in this context",
    "while parsing a block mapping, did not find expected key",
    "while parsing a block collection, did not find expected '-' indicator",
    "block sequence entries are not allowed in this context",
    "invalid indentation",
    "invalid indentation for anchor",
    "invalid indentation in quoted scalar",
    "invalid indentation in flow construct",
    "wrongly indented line in block scalar",
    "tab cannot be used as indentation",
    "tabs disallowed in this context",
    "tabs disallowed within this context (block indentation)",
    "while scanning a plain scalar, found a tab",
    "a block scalar content cannot start with a tab",
    "while scanning a quoted scalar, found unexpected end of stream",
    "while scanning a quoted scalar, found unexpected document indicator",
    "invalid trailing content after double-quoted scalar",
    "while parsing a quoted scalar, found unknown escape character",
    "while parsing a quoted scalar, found invalid Unicode character escape code",
    "while parsing a quoted scalar, did not find expected hexadecimal number",
    "while parsing a flow sequence, expected ',' or ']'",
    "while parsing a flow mapping, did not find expected ',' or '}'",
    "misplaced bracket",
    "':' may not precede any of `[{` in flow mapping",
    "':' must be followed by a valid YAML whitespace",
    "'-' must be followed by a valid YAML whitespace",
    "illegal placement of ':' indicator",
    "mapping keys are not allowed in this context",
    "plain scalar cannot start with '-' followed by ,[]{}",
    "\"-\" is only valid inside a block",
    "unexpected end of plain scalar",
    "expected whitespace",
    "found unprintable character",
    "a byte order mark must not appear inside a document",
    "comment intercepting the multiline text",
    "comments must be separated from other tokens by whitespace",
    "recursion limit exceeded",
    "while parsing a node, did not find expected node content",
    "did not find expected next token",
    "unexpected eof",
    "invalid content after document end marker",
    "did not find expected <document start>",
    "did not find expected <document-start>",
    "did not find expected <stream-start>",
    "missing explicit document end marker before directive",
    "found incompatible YAML document",
    "while parsing anchor, found duplicated anchor",
    "while parsing node, found unknown anchor",
    "while scanning an anchor or alias, did not find expected alphabetic or numeric character",
    "while scanning a block scalar, found an indentation indicator equal to 0",
    "while scanning a block scalar, did not find expected comment or line break",
    "while scanning a directive, could not find expected directive name",
    "while scanning a directive, did not find expected comment or line break",
    "while scanning a directive, found unexpected non-alphabetical character",
    "while scanning a YAML directive, did not find expected digit or '.' character",
    "while scanning a YAML directive, did not find expected version number",
    "while scanning a YAML directive, found extremely long version number",
    "duplicate version directive",
    "the TAG directive must only be given at most once per handle in the same document",
    "while parsing a tag directive, did not find expected '!'",
    "the handle wasn't declared",
    "while scanning a tag, did not find expected '!'",
    "while scanning a tag, did not find expected whitespace or line break",
    "while scanning TAG, did not find expected whitespace or line break",
    "while scanning a verbatim tag, did not find the expected '>'",
    "while parsing a tag, did not find expected tag URI",
    "while parsing a tag, found an incorrect leading UTF-8 byte",
    "while parsing a tag, found an incorrect trailing UTF-8 byte",
    "while parsing a tag, found an invalid UTF-8 codepoint",
    "while parsing a tag, found an invalid escape sequence",
    "invalid global tag character",
    "unexpected character: `@'",
    "unexpected character: ``'",
    "unexpected character: `%'",
];

#[cfg(test)]
mod tests {
    use super::*;

    use super::tests_support::english_word as has_english_word;

    #[test]
    fn every_parser_message_has_its_own_chinese_text() {
        for info in PARSER_MESSAGES {
            let (message, help) = translate(info);
            assert_ne!(
                message, "YAML 写法有误",
                "{info} falls back to the general text"
            );
            assert_eq!(has_english_word(message), None, "{info} → {message}");
            assert_eq!(has_english_word(help), None, "{info} → {help}");
        }
    }

    #[test]
    fn a_key_without_its_colon_is_placed_on_its_own_line() {
        let text = "title: 通知\nsummary 甲\n  乙\n\n# 注\ndate: 2026-11-16\n";
        // Noticed at `date` (line 6), written on line 2, continued on line 3.
        assert_eq!(mistake_at("simple key expect ':'", text, 6, 1), (2, 1));
        let text = "extra:\n  a 1\nb: 2\n";
        assert_eq!(mistake_at("simple key expect ':'", text, 3, 1), (2, 3));
        // At the end of the text.
        let text = "tags:\n  - 甲\n  乙\n";
        assert_eq!(mistake_at("simple key expected", text, 4, 1), (3, 3));
        // Noticed inside a line: that is the place.
        assert_eq!(mistake_at("simple key expected", "a b ? c\n", 1, 5), (1, 5));
        assert_eq!(mistake_at("invalid indentation", text, 3, 2), (3, 2));
    }

    #[test]
    fn a_missing_document_start_is_placed_at_the_percent_line() {
        let text = "%备注 名单\ntitle: 测试社区\n";
        assert_eq!(
            mistake_at("did not find expected <document start>", text, 2, 1),
            (1, 1)
        );
    }
}

/// For tests here and elsewhere: a word of English left in a message a person reads.
#[cfg(test)]
pub(crate) mod tests_support {
    /// The first run of two or more ASCII letters that is not one of the few names a person
    /// meets anyway (YAML, BOM, Word, and keys shown in examples).
    pub(crate) fn english_word(text: &str) -> Option<String> {
        const ALLOWED: &[&str] = &["YAML", "BOM", "Word", "title", "summary", "tags"];
        let mut word = String::new();
        for c in text.chars().chain([' ']) {
            if c.is_ascii_alphabetic() {
                word.push(c);
            } else {
                if word.len() >= 2 && !ALLOWED.contains(&word.as_str()) {
                    return Some(word);
                }
                word.clear();
            }
        }
        None
    }
}
