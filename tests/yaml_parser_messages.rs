//! Every message saphyr-parser 0.3 can give (read from its `scanner.rs`, `parser.rs` and
//! `input.rs`) is fed by a real input through `gongkai check`: each reachable one reaches the
//! person as one Chinese diagnostic at the line of the mistake, with no English word of the
//! parser's. First each input is given to the parser itself, to prove it is the input that gives
//! that message; the messages no input reaches are listed in `UNREACHABLE` with the reason.

mod common;

use common::*;

/// Where the YAML of a case goes.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// Between the `---` lines of `content/notices/case.md`: file line = YAML line + 1.
    FrontMatter,
    /// The whole of `site.yaml`, for what needs the start of a YAML stream (directives, `...`).
    SiteYaml,
}

struct Case {
    /// The parser's message for this input.
    parser: &'static str,
    place: Place,
    yaml: &'static str,
    /// The line of the file the person is told.
    line: u32,
    /// The code of the one diagnostic (`E-YAML`, or the Chinese-keyboard check that names the
    /// mistake before the parser sees it).
    code: &'static str,
    /// Part of the Chinese message.
    says: &'static str,
}

const fn fm(
    parser: &'static str,
    yaml: &'static str,
    line: u32,
    code: &'static str,
    says: &'static str,
) -> Case {
    Case {
        parser,
        place: Place::FrontMatter,
        yaml,
        line,
        code,
        says,
    }
}

const fn site(
    parser: &'static str,
    yaml: &'static str,
    line: u32,
    code: &'static str,
    says: &'static str,
) -> Case {
    Case {
        parser,
        place: Place::SiteYaml,
        yaml,
        line,
        code,
        says,
    }
}

const SITE: &str = "title: 测试社区党务居务公开\ncommunity: 测试社区\nbase_url: https://x.cn/\norg:\n  - id: zongzhi\n    name: 测试社区党总支\n";

/// 300 nested `[`: the parser counts flow levels in a byte.
const RECURSION: &str = "tags: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[";

const CASES: &[Case] = &[
    fm(
        "simple key expect ':'",
        "title: 通知\nsummary\ndate: 2026-11-16",
        3,
        "E-YAML",
        "冒号",
    ),
    site(
        "simple key expected",
        "title: 测试社区\ntags:\n  - 甲\n  乙",
        4,
        "E-YAML",
        "冒号",
    ),
    fm(
        "mapping values are not allowed in this context",
        "title: 通知\nsummary: 甲: 乙",
        3,
        "E-YAML",
        "「: 」",
    ),
    fm(
        "while parsing a block mapping, did not find expected key",
        "title: 通知\nextra:\n  a: 1\n b: 2",
        5,
        "E-YAML-INDENT",
        "缩进",
    ),
    fm(
        "while parsing a block collection, did not find expected '-' indicator",
        "title: 通知\ntags:\n  - 甲\n  乙: 1",
        5,
        "E-YAML",
        "「- 」",
    ),
    fm(
        "block sequence entries are not allowed in this context",
        "title: - 通知",
        2,
        "E-YAML",
        "列表",
    ),
    fm(
        "invalid indentation",
        "title: 通知\nextra:\n  b: [\n c]",
        5,
        "E-YAML",
        "缩进",
    ),
    fm(
        "invalid indentation in quoted scalar",
        "title: \"通\n知\"",
        2,
        "E-YAML",
        "缩进",
    ),
    fm(
        "invalid indentation in flow construct",
        "tags: [甲,\n乙]",
        3,
        "E-YAML",
        "缩进不够",
    ),
    fm(
        "wrongly indented line in block scalar",
        "title: 通知\nsummary: |\n    \n  甲",
        5,
        "E-YAML",
        "缩进",
    ),
    fm(
        "tab cannot be used as indentation",
        "title: 通知\nextra:\n  b: \"甲\n\t乙\"",
        5,
        "E-YAML-TAB",
        "制表符",
    ),
    fm(
        "tabs disallowed in this context",
        "title: 通知\n? \tx",
        3,
        "E-YAML",
        "制表符",
    ),
    fm(
        "tabs disallowed within this context (block indentation)",
        "tags: [\n\t甲]",
        3,
        "E-YAML-TAB",
        "制表符",
    ),
    fm(
        "while scanning a plain scalar, found a tab",
        "summary: 甲\n\t乙",
        3,
        "E-YAML-TAB",
        "制表符",
    ),
    fm(
        "a block scalar content cannot start with a tab",
        "summary: |\n\t甲",
        3,
        "E-YAML-TAB",
        "制表符",
    ),
    fm(
        "':' must be followed by a valid YAML whitespace",
        "extra:\n  a:\t-b",
        3,
        "E-YAML",
        "冒号后面缺少空格",
    ),
    fm(
        "'-' must be followed by a valid YAML whitespace",
        "tags:\n  -\t- 甲",
        3,
        "E-YAML",
        "「-」后面缺少空格",
    ),
    site(
        "expected whitespace",
        "title: 测试社区\n?",
        2,
        "E-YAML",
        "空格",
    ),
    fm(
        "while scanning a quoted scalar, found unexpected end of stream",
        "title: 通知\nsummary: \"甲",
        3,
        "E-YAML-QUOTE-UNCLOSED",
        "没有结束",
    ),
    fm(
        "while scanning a quoted scalar, found unexpected document indicator",
        "title: \"甲\n...\n乙\"",
        2,
        "E-YAML",
        "引号没有结束",
    ),
    fm(
        "invalid trailing content after double-quoted scalar",
        "title: \"甲\" 乙",
        2,
        "E-YAML-QUOTE-INNER",
        "引号",
    ),
    fm(
        "while parsing a quoted scalar, found unknown escape character",
        "title: \"甲\\q\"",
        2,
        "E-YAML",
        "反斜杠",
    ),
    fm(
        "while parsing a quoted scalar, found invalid Unicode character escape code",
        "title: \"\\uD800\"",
        2,
        "E-YAML",
        "反斜杠",
    ),
    fm(
        "while parsing a quoted scalar, did not find expected hexadecimal number",
        "title: \"\\u12G4\"",
        2,
        "E-YAML",
        "反斜杠",
    ),
    fm(
        "while parsing a flow sequence, expected ',' or ']'",
        "title: 通知\ntags: [甲 乙: 丙, 丁}",
        3,
        "E-YAML",
        "方括号",
    ),
    fm(
        "while parsing a flow mapping, did not find expected ',' or '}'",
        "title: 通知\nextra: {甲: 乙",
        3,
        "E-YAML",
        "花括号",
    ),
    fm(
        "misplaced bracket",
        "title: 通知\nextra: {甲: 乙}]",
        3,
        "E-YAML",
        "花括号",
    ),
    fm(
        "':' may not precede any of `[{` in flow mapping",
        "title: 通知\nextra: {a:[b]}",
        3,
        "E-YAML",
        "冒号",
    ),
    fm(
        "illegal placement of ':' indicator",
        "title: 通知\ntags: [甲\n : 乙]",
        4,
        "E-YAML",
        "冒号的位置不对",
    ),
    fm(
        "mapping keys are not allowed in this context",
        "title: 通知\nsummary: ? 乙",
        3,
        "E-YAML",
        "「? 」",
    ),
    fm(
        "plain scalar cannot start with '-' followed by ,[]{}",
        "title: 通知\ntags: [-, 乙]",
        3,
        "E-YAML",
        "「-」",
    ),
    fm(
        "\"-\" is only valid inside a block",
        "title: 通知\ntags: [- 乙]",
        3,
        "E-YAML",
        "「-」",
    ),
    fm(
        "found unprintable character",
        "title: 通知\0",
        2,
        "E-YAML",
        "控制字符",
    ),
    fm(
        "a byte order mark must not appear inside a document",
        "title: 通\u{feff}知",
        2,
        "E-YAML",
        "字节顺序标记",
    ),
    fm(
        "comment intercepting the multiline text",
        "title: 通知 # 注\n  第二行",
        2,
        "E-YAML",
        "注释",
    ),
    fm(
        "comments must be separated from other tokens by whitespace",
        "title: 通知\ntags: [甲, 乙]# 备注",
        3,
        "E-YAML",
        "注释前面缺少空格",
    ),
    fm(
        "recursion limit exceeded",
        RECURSION,
        2,
        "E-YAML",
        "没有用「]」结束",
    ),
    fm(
        "while parsing a node, did not find expected node content",
        "title: 通知\ntags: [, 甲]",
        3,
        "E-YAML",
        "缺少内容",
    ),
    fm(
        "invalid content after document end marker",
        "title: 通知\n... 完",
        3,
        "E-YAML",
        "分隔行",
    ),
    fm(
        "while parsing node, found unknown anchor",
        "title: *重要* 通知",
        2,
        "E-YAML",
        "引用",
    ),
    fm(
        "while scanning an anchor or alias, did not find expected alphabetic or numeric character",
        "title: & 通知",
        2,
        "E-YAML",
        "引用",
    ),
    fm(
        "while scanning a block scalar, found an indentation indicator equal to 0",
        "summary: |0\n  甲",
        2,
        "E-YAML",
        "多行文字",
    ),
    fm(
        "while scanning a block scalar, did not find expected comment or line break",
        "summary: | 见下文\n  甲",
        2,
        "E-YAML",
        "多行文字",
    ),
    fm(
        "unexpected character: `@'",
        "title: @通知",
        2,
        "E-YAML",
        "符号",
    ),
    fm(
        "the handle wasn't declared",
        "title: !x!a 通知",
        2,
        "E-YAML",
        "标签",
    ),
    fm(
        "while parsing a tag, did not find expected tag URI",
        "title: !x!甲 通知",
        2,
        "E-YAML",
        "标签",
    ),
    fm(
        "while scanning a verbatim tag, did not find the expected '>'",
        "title: !<tag:a 通知",
        2,
        "E-YAML",
        "标签",
    ),
    fm(
        "while parsing a tag, found an invalid escape sequence",
        "title: !a%G1 通知",
        2,
        "E-YAML",
        "标签",
    ),
    fm(
        "while parsing a tag, found an incorrect leading UTF-8 byte",
        "title: !a%FF 通知",
        2,
        "E-YAML",
        "标签",
    ),
    fm(
        "while parsing a tag, found an incorrect trailing UTF-8 byte",
        "title: !a%C3%41 通知",
        2,
        "E-YAML",
        "标签",
    ),
    fm(
        "while parsing a tag, found an invalid UTF-8 codepoint",
        "title: !a%ED%A0%80 通知",
        2,
        "E-YAML",
        "标签",
    ),
    fm(
        "while scanning a tag, did not find expected whitespace or line break",
        "title: !甲 通知",
        2,
        "E-YAML",
        "标签",
    ),
    site(
        "did not find expected <document start>",
        "%备注 名单\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "missing explicit document end marker before directive",
        "title: 测试社区\n%YAML 1.2\n---\ncommunity: 测试社区",
        2,
        "E-YAML",
        "「%」",
    ),
    site(
        "while scanning a directive, could not find expected directive name",
        "%\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "while scanning a directive, did not find expected comment or line break",
        "%YAML 1.1 x\n---\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "while scanning a directive, found unexpected non-alphabetical character",
        "%A\u{feff}\n---\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "while scanning a YAML directive, did not find expected digit or '.' character",
        "%YAML 1a\n---\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "while scanning a YAML directive, did not find expected version number",
        "%YAML a.1\n---\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "while scanning a YAML directive, found extremely long version number",
        "%YAML 1234567890.1\n---\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "duplicate version directive",
        "%YAML 1.1\n%YAML 1.1\n---\ntitle: 测试社区",
        2,
        "E-YAML",
        "「%」",
    ),
    site(
        "the TAG directive must only be given at most once per handle in the same document",
        "%TAG ! tag:a:\n%TAG ! tag:b:\n---\ntitle: 测试社区",
        2,
        "E-YAML",
        "「%」",
    ),
    site(
        "while parsing a tag directive, did not find expected '!'",
        "%TAG !x tag:a:\n---\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "while scanning a tag, did not find expected '!'",
        "%TAG a tag:a:\n---\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "invalid global tag character",
        "%TAG !x! ,a\n---\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
    site(
        "while scanning TAG, did not find expected whitespace or line break",
        "%TAG !x! tag:{\n---\ntitle: 测试社区",
        1,
        "E-YAML",
        "「%」",
    ),
];

/// The messages of saphyr-parser 0.3 that no input given to `Parser::next_event` reaches, and why.
const UNREACHABLE: &[(&str, &str)] = &[
    (
        "invalid indentation for anchor",
        "an anchor alone at column 0 inside a block collection is a required simple key: the next \
         line fails first with 'simple key expect ':'' (tried: `key:\n- a\n&x\n- b`, G9HC)",
    ),
    (
        "unexpected end of plain scalar",
        "every character that would end a plain scalar before its first character is taken \
         earlier: `#` right after a token is 'comments must be separated…', a byte order mark is \
         'a byte order mark must not appear…', `---`/`...` at column 0 are document markers",
    ),
    (
        "did not find expected next token",
        "next_token after fetch_more_tokens, which always leaves a token or returns an error",
    ),
    (
        "unexpected eof",
        "the scanner stops without an error only after StreamEnd, after which the parser asks \
         for no token",
    ),
    (
        "did not find expected <document-start>",
        "given by Parser::load (load_document) only; gongkai reads events with next_event",
    ),
    (
        "did not find expected <stream-start>",
        "the scanner's first token is always StreamStart",
    ),
    (
        "found incompatible YAML document",
        "commented out in parser.rs (any %YAML version is accepted)",
    ),
    (
        "while parsing anchor, found duplicated anchor",
        "commented out in parser.rs (a repeated anchor replaces the earlier one)",
    ),
    (
        "unexpected character: `%'",
        "`%` at column 0 starts a directive, and after anything else on a line it is part of the \
         text; '`' goes through the same arm as `@`, which is fed",
    ),
];

/// The text the parser is given: a front matter is read up to the line break before its closing
/// `---`; `site.yaml` is the whole file.
fn parsed_text(c: &Case) -> String {
    match c.place {
        Place::FrontMatter => format!("{}\n", c.yaml),
        Place::SiteYaml => c.yaml.to_string(),
    }
}

/// The first error the parser gives for `yaml`: its message.
fn parser_error(yaml: &str) -> Option<String> {
    let mut parser = saphyr_parser::Parser::new_from_str(yaml);
    while let Some(event) = parser.next_event() {
        if let Err(e) = event {
            return Some(e.info().to_string());
        }
    }
    None
}

#[test]
fn each_input_gives_its_parser_message() {
    for c in CASES {
        let got = parser_error(&parsed_text(c));
        assert_eq!(got.as_deref(), Some(c.parser), "input {:?}", c.yaml);
    }
}

#[test]
fn every_parser_message_is_fed_or_said_unreachable() {
    let mut covered: Vec<&str> = CASES.iter().map(|c| c.parser).collect();
    covered.extend(UNREACHABLE.iter().map(|(m, _)| *m));
    // '`' takes the arm of `@`, which is fed.
    covered.push("unexpected character: ``'");
    for m in gongkai::yaml::PARSER_MESSAGES {
        assert!(covered.contains(m), "no input and no reason for {m:?}");
    }
    for m in &covered {
        assert!(
            gongkai::yaml::PARSER_MESSAGES.contains(m),
            "{m:?} is not a message of the parser"
        );
    }
}

/// A run of two or more ASCII letters that is not a word a person meets anyway: YAML, BOM, Word,
/// Tab, and the keys the message shows in examples.
fn english_word(text: &str) -> Option<String> {
    const ALLOWED: &[&str] = &[
        "YAML", "BOM", "Word", "Tab", "title", "summary", "tags", "extra",
    ];
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

#[test]
fn each_reaches_a_person_as_one_chinese_diagnostic_at_its_line() {
    let mut failures = Vec::new();
    for c in CASES {
        let s = TempSite::empty();
        let file = match c.place {
            Place::FrontMatter => {
                s.write("site.yaml", SITE);
                s.write(
                    "content/notices/case.md",
                    &format!("---\n{}\n---\n\n正文。\n", c.yaml),
                );
                "content/notices/case.md"
            }
            Place::SiteYaml => {
                s.write("site.yaml", c.yaml);
                "site.yaml"
            }
        };
        let (run, diags) = s.check();
        let ok = run.code == Some(1)
            && match diags.as_slice() {
                [d] => {
                    d.file == file
                        && d.line == c.line
                        && d.code == c.code
                        && d.message.contains(c.says)
                        && english_word(&d.message).is_none()
                        && english_word(&d.help).is_none()
                        && is_chinese(&d.help)
                }
                _ => false,
            };
        if !ok {
            failures.push(format!(
                "{:?}: expected one {} at {file}:{} saying {:?}, got\n{}",
                c.parser,
                c.code,
                c.line,
                c.says,
                list(&diags)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
