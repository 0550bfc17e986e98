//! The mistakes a Chinese keyboard (or text copied from Word) makes in YAML, found by reading the
//! text line by line before the parser does, so that each is named for what it is, at its own
//! character, instead of the parser's confused account of what follows from it.

use crate::diag::{Diagnostic, Pos, SourceFile, to_u32};

/// Chinese names people write for keys, from content.md: key → names. A name may stand for
/// several keys (日期); the one allowed where it is written is chosen by the caller.
pub const CHINESE_NAMES: &[(&str, &[&str])] = &[
    ("title", &["标题", "题目", "名称"]),
    (
        "date",
        &[
            "日期",
            "发布日期",
            "会议日期",
            "上墙日期",
            "时间",
            "办结日期",
            "撤回日期",
            "进展日期",
        ],
    ),
    ("updated", &["更新日期", "更新于", "更新"]),
    ("slug", &["网址", "网址名", "链接名"]),
    ("summary", &["摘要", "简介", "概要"]),
    ("tags", &["标签"]),
    ("org", &["组织", "所属组织", "组织单元"]),
    ("draft", &["草稿"]),
    ("attachments", &["附件"]),
    ("approval", &["审批", "审核审批"]),
    ("reviewed_by", &["审核人", "审核"]),
    ("approved_by", &["审批人"]),
    ("approved_on", &["审批日期"]),
    ("expires", &["到期", "到期日期", "有效期至", "截止"]),
    ("after_expiry", &["到期后"]),
    ("privacy_allow", &["允许公开"]),
    ("extra", &["其他", "扩展"]),
    (
        "kind",
        &[
            "类型",
            "种类",
            "会议类型",
            "会议种类",
            "公开类型",
            "清单类型",
        ],
    ),
    ("theme", &["主题", "会议主题"]),
    ("location", &["地点", "位置", "会议地点"]),
    ("host", &["主持人", "主持"]),
    ("recorder", &["记录人", "记录"]),
    ("attendance", &["出席", "出席情况", "参会情况", "到会情况"]),
    ("expected", &["应到", "应到人数"]),
    ("present", &["实到", "实到人数"]),
    ("on_leave", &["请假", "请假人数"]),
    (
        "participants",
        &["参加单位", "参会单位", "参与单位", "共建单位"],
    ),
    ("decisions", &["决议", "决定事项", "议定事项"]),
    ("item", &["事项", "议题"]),
    ("decision", &["决定", "决议结果"]),
    ("votes", &["表决", "表决情况", "投票"]),
    ("for", &["赞成", "同意"]),
    ("against", &["反对"]),
    ("abstain", &["弃权"]),
    ("category", &["类别", "分类"]),
    ("publicity", &["公示期", "公示时间"]),
    ("start", &["开始", "开始日期", "开始时间"]),
    ("end", &["结束", "结束日期", "结束时间"]),
    ("working_days", &["工作日", "工作日数"]),
    ("contact", &["联系方式", "联系人", "意见反馈"]),
    ("name", &["姓名", "名称", "联系人"]),
    ("phone", &["电话", "联系电话", "手机"]),
    ("address", &["地址"]),
    ("email", &["邮箱", "电子邮箱", "电子邮件"]),
    ("series", &["系列"]),
    ("round", &["轮次", "第几轮"]),
    ("withdrawn", &["撤回", "已撤回"]),
    ("reason", &["原因", "撤回原因", "理由"]),
    ("id", &["编号"]),
    ("source", &["来源", "问题来源"]),
    ("meeting", &["会议", "来源会议"]),
    ("responsible", &["责任主体", "责任单位"]),
    ("unit", &["单位", "责任单位"]),
    ("person", &["责任人"]),
    ("measures", &["整改措施", "措施"]),
    ("deadline", &["完成时限", "时限", "截止日期", "期限"]),
    ("status", &["状态", "办理状态"]),
    ("progress", &["办理进展", "进展"]),
    ("text", &["内容", "进展内容"]),
    ("echo", &["回音壁", "回音", "办理结果"]),
    ("result", &["结果", "办理结果"]),
    ("evaluation", &["评价", "群众评价", "居民评价"]),
    ("satisfied", &["满意"]),
    ("basically", &["基本满意"]),
    ("unsatisfied", &["不满意"]),
    ("provider", &["提供方", "提供单位"]),
    ("items", &["条目", "清单条目", "项目"]),
    ("items_from", &["表格", "来自表格"]),
    ("file", &["文件", "文件名"]),
    ("target", &["服务对象", "对象"]),
    ("hours", &["时间", "服务时间", "开放时间"]),
    ("fee", &["收费"]),
    ("description", &["说明", "描述"]),
    ("budget", &["预算"]),
    ("funding", &["资金来源"]),
    ("beneficiaries", &["受益人数"]),
    // site.yaml
    ("community", &["社区", "社区名称"]),
    ("base_url", &["网址", "网站地址", "网站网址"]),
    ("language", &["语言"]),
    ("timezone", &["时区"]),
    ("meeting_kinds", &["会议类型列表", "会议种类列表"]),
    ("paginate", &["每页条数", "每页"]),
    ("require_approval", &["需要审批", "要求审批"]),
    ("allow_raw_html", &["允许网页代码"]),
    ("kiosk", &["触摸屏", "一体机"]),
    ("idle_seconds", &["空闲秒数"]),
    ("rotate_seconds", &["轮播秒数"]),
    ("children", &["下级", "下级组织"]),
    ("holidays", &["节假日", "放假"]),
    ("workdays", &["调休上班", "补班"]),
];

/// Keys with their first Chinese name, for a list a person reads: `title（标题）、date（日期）`.
pub fn with_names(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| {
            match CHINESE_NAMES
                .iter()
                .find(|(key, _)| key == k)
                .and_then(|(_, n)| n.first())
            {
                Some(name) => format!("{k}（{name}）"),
                None => (*k).to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The English key for a Chinese name, among `allowed` (the keys of the map it is written in).
pub fn key_for_chinese<'k>(name: &str, allowed: &[&'k str]) -> Option<&'k str> {
    let name = name.trim();
    CHINESE_NAMES
        .iter()
        .filter(|(_, names)| names.contains(&name))
        .find_map(|(key, _)| allowed.iter().find(|k| *k == key).copied())
}

/// For a Chinese key that is no known name: the allowed key whose Chinese name is nearest, with
/// that name (`完成时间` → `deadline`, 完成时限), if near enough to be meant.
pub fn key_for_chinese_like<'k>(
    name: &str,
    allowed: &[&'k str],
) -> Option<(&'k str, &'static str)> {
    if name.is_ascii() {
        return None;
    }
    CHINESE_NAMES
        .iter()
        .filter_map(|(key, names)| Some((allowed.iter().find(|k| *k == key).copied()?, *names)))
        .flat_map(|(key, names)| names.iter().map(move |n| (key, *n)))
        .map(|(key, n)| (strsim::normalized_levenshtein(name, n), key, n))
        .filter(|(score, _, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, key, n)| (key, n))
}

/// The key a Chinese name stands for anywhere, when it stands for only one.
fn only_key_for(name: &str) -> Option<&'static str> {
    let mut keys = CHINESE_NAMES
        .iter()
        .filter(|(_, names)| names.contains(&name))
        .map(|(key, _)| *key);
    let first = keys.next()?;
    keys.next().is_none().then_some(first)
}

/// The first key a Chinese name stands for, when it stands for several.
fn any_key_for(name: &str) -> Option<&'static str> {
    CHINESE_NAMES
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|(key, _)| *key)
}

/// One line of the YAML text as the checks see it.
struct Line<'a> {
    /// 1-based line number in the file.
    number: u32,
    text: &'a str,
}

impl Line<'_> {
    /// 1-based column of a byte offset.
    fn col(&self, byte: usize) -> u32 {
        to_u32(self.text.get(..byte).map_or(0, |s| s.chars().count()) + 1)
    }
}

/// The lines that hold keys and values: not comments, not the inside of a `|` or `>` block.
fn structural_lines(text: &str, line_offset: u32) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        let indent = text.len() - text.trim_start_matches(' ').len();
        if let Some(parent) = block {
            if text.trim().is_empty() || indent > parent {
                continue;
            }
            block = None;
        }
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let head = trimmed
            .split(" #")
            .next()
            .unwrap_or(trimmed)
            .trim_end()
            .trim_end_matches(['+', '-', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        if head.ends_with(": |")
            || head.ends_with(": >")
            || head.ends_with("- |")
            || head.ends_with("- >")
            || head == "|"
            || head == ">"
        {
            block = Some(indent);
        }
        out.push(Line {
            number: to_u32(i + 1).saturating_add(line_offset),
            text,
        });
    }
    out
}

/// Spaces that are not spaces to YAML, as text copied from Word or a web page brings them.
fn odd_space_name(c: char) -> Option<&'static str> {
    match c {
        '\u{a0}' | '\u{202f}' => Some("不换行空格"),
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => Some("零宽空格"),
        '\u{2000}'..='\u{200a}' | '\u{205f}' => Some("特殊宽度的空格"),
        _ => None,
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{3000}' || odd_space_name(c).is_some()
}

/// What a list item was marked with instead of `-`.
const LIST_MARKERS: &[char] = &['－', '—', '–', '―', '•', '·', '●', '・'];

/// Where a line's content starts after indentation and `- ` list markers, as a byte offset.
fn content_start(text: &str) -> usize {
    let mut at = text.len() - text.trim_start_matches(is_blank).len();
    while let Some(rest) = text.get(at..) {
        if let Some(after) = rest.strip_prefix("- ") {
            at = text.len() - after.trim_start_matches(' ').len();
        } else {
            break;
        }
    }
    at
}

/// A key as the content format writes them: lower-case English with `_`.
fn is_field_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_ascii_key(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A Chinese name as people write a key: a few characters, no spaces or punctuation.
fn looks_like_chinese_key(s: &str) -> bool {
    let n = s.chars().count();
    (1..=10).contains(&n) && s.chars().all(|c| c.is_alphanumeric() || c == '_') && !s.is_ascii()
}

/// A line with its mistake fixed, for the help text; long lines are cut.
fn shown(line: &str) -> String {
    let line = line.trim();
    let cut: String = line.chars().take(40).collect();
    if cut.len() < line.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// Mistakes that are mistakes wherever they are: a tab, a full-width or an invisible space in
/// the indentation, a list item marked with a Chinese dash or bullet, a full-width colon after a
/// key (English, or a known Chinese name), a full-width or invisible space around a key's colon.
/// Each is a mistake of its own line, whatever the rest says, so every line's is reported (the
/// first on each line: what follows it on that line is not to be trusted).
pub fn always(file: &SourceFile, text: &str, line_offset: u32) -> Vec<Diagnostic> {
    structural_lines(text, line_offset)
        .iter()
        .filter_map(|line| line_mistake(file, line))
        .collect()
}

/// The first mistake of one line that is a mistake wherever it is.
fn line_mistake(file: &SourceFile, line: &Line<'_>) -> Option<Diagnostic> {
    {
        let t = line.text;
        // The indentation (and what follows list markers).
        let start = content_start(t);
        for (at, c) in t.char_indices().take_while(|(at, _)| *at < start) {
            let pos = Pos::new(line.number, line.col(at));
            if c == '\t' {
                return Some(file.error(
                    "E-YAML-TAB",
                    pos,
                    "缩进里有制表符（Tab 键打出的空白），这里的缩进只能用空格",
                    "删掉制表符，改用空格缩进：同一层左对齐，下一层多两个空格",
                ));
            }
            if c == '\u{3000}' {
                return Some(file.error(
                    "E-YAML-FULLWIDTH-SPACE",
                    pos,
                    "缩进里有全角空格「　」，这里的缩进只能用半角空格",
                    "删掉全角空格，切换到英文输入法后用空格键缩进",
                ));
            }
            if let Some(name) = odd_space_name(c) {
                return Some(odd_space(file, pos, name, "缩进里"));
            }
        }
        let content = t.get(start..).unwrap_or_default();
        if let Some(marker) = content.chars().next().filter(|c| LIST_MARKERS.contains(c)) {
            let item = content
                .get(marker.len_utf8()..)
                .unwrap_or_default()
                .trim_start_matches(is_blank);
            return Some(file.error(
                "E-YAML-LIST-MARKER",
                Pos::new(line.number, line.col(start)),
                format!("列表项用了「{marker}」开头，列表要用英文减号「-」加一个空格"),
                format!("改成：- {}", shown(item)),
            ));
        }
        let ascii_colon = content.find(':');
        if let Some(fw) = content.find('：')
            && ascii_colon.is_none_or(|c| c > fw)
        {
            let key = content.get(..fw).unwrap_or_default().trim_end();
            // Every key of the format is lower-case English; a list item's text may well say
            // `APP：…` or `1：…`, so those wait for the parser to fail (`when_broken`).
            let in_item = t.get(..start).is_some_and(|i| i.contains('-'));
            if is_field_name(key) && !in_item {
                let value = content.get(fw + '：'.len_utf8()..).unwrap_or_default();
                return Some(fullwidth_colon(file, line, start + fw, key, key, value));
            }
            // A key's Chinese name before the colon (`责任单位：物业`) is as sure a sign.
            if !in_item && let Some(english) = only_key_for(key).or_else(|| any_key_for(key)) {
                let value = content.get(fw + '：'.len_utf8()..).unwrap_or_default();
                return Some(fullwidth_colon(file, line, start + fw, key, english, value));
            }
        }
        if let Some(c) = ascii_colon {
            let key = content.get(..c).unwrap_or_default();
            let after = content.get(c + 1..).unwrap_or_default();
            // `title　: x`: a full-width or odd space between the key and its colon.
            let bare = key.trim_end_matches(is_blank);
            if bare.len() < key.len()
                && is_ascii_key(bare)
                && let Some((at, ch)) = key[bare.len()..].char_indices().find(|(_, ch)| *ch != ' ')
            {
                let pos = Pos::new(line.number, line.col(start + bare.len() + at));
                return Some(match odd_space_name(ch) {
                    Some(name) => odd_space(file, pos, name, "字段名后面"),
                    None => file.error(
                        "E-YAML-FULLWIDTH-SPACE",
                        pos,
                        format!("`{bare}` 和冒号之间有全角空格「　」"),
                        format!(
                            "删掉这个空格：{bare}: {}",
                            shown(after.trim_start_matches(is_blank))
                        ),
                    ),
                });
            }
            if is_ascii_key(key)
                && let Some(name) = after.chars().next().and_then(odd_space_name)
            {
                let pos = Pos::new(line.number, line.col(start + c + 1));
                return Some(odd_space(file, pos, name, "冒号后面"));
            }
            if is_ascii_key(key) && after.starts_with('\u{3000}') {
                return Some(file.error(
                    "E-YAML-FULLWIDTH-SPACE",
                    Pos::new(line.number, line.col(start + c + 1)),
                    format!("`{key}:` 后面是全角空格「　」，冒号后面要用半角空格"),
                    format!(
                        "把全角空格换成半角空格（切换到英文输入法再按空格）：{key}: {}",
                        shown(after.trim_start_matches(['\u{3000}', ' ']))
                    ),
                ));
            }
        }
    }
    None
}

fn odd_space(file: &SourceFile, pos: Pos, name: &str, place: &str) -> Diagnostic {
    file.error(
        "E-YAML-ODD-SPACE",
        pos,
        format!("{place}有一个看起来像空格的特殊字符（{name}），常见于从 Word 或网页复制来的文字"),
        "删掉它，用键盘重新输入一个普通空格（英文输入法下的空格键）",
    )
}

fn fullwidth_colon(
    file: &SourceFile,
    line: &Line,
    at: usize,
    written: &str,
    key: &str,
    value: &str,
) -> Diagnostic {
    let value = value.trim_start_matches([' ', '\u{3000}']);
    let keys: Vec<&str> = CHINESE_NAMES
        .iter()
        .filter(|(_, names)| names.contains(&written))
        .map(|(k, _)| *k)
        .collect();
    let (also, fixed) = match keys.as_slice() {
        _ if written == key => (String::new(), format!("{key}: {value}")),
        [] | [_] => (
            format!("，键名也要写英文的 `{key}`"),
            format!("{key}: {value}"),
        ),
        many => (
            format!("，键名也要写英文（`{}` 中的一个）", many.join("` 或 `")),
            format!("{written}: {value}"),
        ),
    };
    file.error(
        "E-YAML-FULLWIDTH-COLON",
        Pos::new(line.number, line.col(at)),
        format!("`{written}` 后面是全角冒号「：」，字段名和值之间要用英文冒号「:」"),
        format!("把「：」改成英文冒号加一个空格{also}：{}", shown(&fixed)),
    )
}

/// Mistakes that are only mistakes because the YAML did not parse (or gave no map): a full-width
/// colon after a Chinese key, a missing space after a colon, quotes that do not pair up, Chinese
/// quotes used as YAML quotes. The first one found.
pub fn when_broken(file: &SourceFile, text: &str, line_offset: u32) -> Option<Diagnostic> {
    let lines = structural_lines(text, line_offset);
    let mut indents = Indents::default();
    for (index, line) in lines.iter().enumerate() {
        let t = line.text;
        let start = content_start(t);
        let content = t.get(start..).unwrap_or_default();
        let ascii_colon = content.find(':');
        if let Some(d) = indents.next(file, line, start, content) {
            return Some(d);
        }
        if let Some(fw) = content.find('：')
            && ascii_colon.is_none_or(|c| c > fw)
        {
            let written = content.get(..fw).unwrap_or_default().trim_end();
            let year = written.len() <= 4
                && !written.is_empty()
                && written.bytes().all(|b| b.is_ascii_digit());
            if looks_like_chinese_key(written) || is_ascii_key(written) || year {
                let key = only_key_for(written).unwrap_or(written);
                let value = content.get(fw + '：'.len_utf8()..).unwrap_or_default();
                return Some(fullwidth_colon(file, line, start + fw, written, key, value));
            }
        }
        // Where the value starts: after `key: `, or the whole content of a list item.
        let (value_at, key) = match ascii_colon {
            Some(c) if is_ascii_key(content.get(..c).unwrap_or_default()) => {
                let key = content.get(..c).unwrap_or_default();
                let after = content.get(c + 1..).unwrap_or_default();
                if let Some(first) = after.chars().next()
                    && !matches!(first, ' ' | '\t' | '/' | ':')
                    && !after.starts_with("//")
                {
                    return Some(file.error(
                        "E-YAML-COLON-SPACE",
                        Pos::new(line.number, line.col(start + c)),
                        format!("`{key}:` 的冒号后面缺少空格"),
                        format!("冒号后面加一个空格：{key}: {}", shown(after)),
                    ));
                }
                let skipped = after.len() - after.trim_start().len();
                (start + c + 1 + skipped, Some(key))
            }
            _ => (start, None),
        };
        let value = t.get(value_at..).unwrap_or_default();
        let later = lines.get(index + 1..).unwrap_or_default();
        if let Some(d) = quote_mistake(file, line, value_at, value, key, later) {
            return Some(d);
        }
    }
    None
}

/// The indentation of the key lines seen so far, to name a key indented more than the one above
/// it (which has a value of its own, so nothing can be nested under it) or less than any level.
#[derive(Default)]
struct Indents {
    levels: Vec<usize>,
    /// The last key line: its indentation, its key, and whether it opens a nested block.
    prev: Option<(usize, String, bool)>,
}

impl Indents {
    fn next(
        &mut self,
        file: &SourceFile,
        line: &Line,
        start: usize,
        content: &str,
    ) -> Option<Diagnostic> {
        let t = line.text;
        let plain_indent = t
            .get(..start)
            .is_some_and(|i| i.chars().all(|c| c == ' ' || c == '-'));
        let key = content.find(':').and_then(|c| {
            let key = content.get(..c)?;
            let after = content.get(c + 1..)?;
            (is_ascii_key(key) && (after.is_empty() || after.starts_with(' ')))
                .then_some((key, after))
        });
        let (Some((key, after)), true) = (key, plain_indent) else {
            self.prev = None;
            return None;
        };
        let item = t.get(..start).is_some_and(|i| i.contains('-'));
        let mut found = None;
        if let Some((prev_indent, prev_key, opens)) = &self.prev
            && !item
        {
            if start > *prev_indent && !opens {
                found = Some(file.error(
                    "E-YAML-INDENT",
                    Pos::new(line.number, line.col(*prev_indent)),
                    format!(
                        "`{key}` 比上一行的 `{prev_key}` 多缩进了 {} 个空格，而 `{prev_key}` 已经有值，下面不能再套字段",
                        start - prev_indent
                    ),
                    format!("同一层的字段左边对齐：把 `{key}` 移到和 `{prev_key}` 同一列"),
                ));
            } else if start < *prev_indent && !self.levels.contains(&start) {
                found = Some(file.error(
                    "E-YAML-INDENT",
                    Pos::new(line.number, 1),
                    format!("`{key}` 的缩进（{start} 个空格）和上面哪一层字段都对不齐"),
                    "同一层的字段左边对齐，下一层比上一层多缩进两个空格",
                ));
            }
        }
        while self.levels.last().is_some_and(|l| *l > start) {
            self.levels.pop();
        }
        if self.levels.last() != Some(&start) {
            self.levels.push(start);
        }
        let value = after.split(" #").next().unwrap_or(after).trim();
        let opens = value.is_empty() || value.starts_with(['|', '>', '&']);
        self.prev = Some((start, key.to_string(), opens));
        found
    }
}

fn quote_mistake(
    file: &SourceFile,
    line: &Line,
    value_at: usize,
    value: &str,
    key: Option<&str>,
    later: &[Line],
) -> Option<Diagnostic> {
    let first = value.chars().next()?;
    let pos = Pos::new(line.number, line.col(value_at));
    let rest = value.get(first.len_utf8()..).unwrap_or_default();
    let prefix = key.map(|k| format!("{k}: ")).unwrap_or_default();
    match first {
        '"' | '\'' if let Some(end) = rest.find(first) => {
            // `"关于"停水"的通知"`: the quote inside ends the text early.
            let after = rest.get(end + 1..).unwrap_or_default().trim();
            if after.is_empty()
                || after.starts_with('#')
                || (first == '\'' && after.starts_with('\''))
            {
                return None;
            }
            let fixed = format!("{prefix}'{}'", value.trim_end().replace('\'', "''"));
            Some(file.error(
                "E-YAML-QUOTE-INNER",
                Pos::new(line.number, line.col(value_at + first.len_utf8() + end)),
                format!("文字里的英文引号「{first}」把开头的引号提前结束了"),
                if first == '"' {
                    format!("整段外面改用英文单引号：{}", shown(&fixed))
                } else {
                    "文字里的英文单引号写两遍（''），或者整段外面改用英文双引号".to_string()
                },
            ))
        }
        '"' | '\'' => {
            // A later line closes it only with an odd number of quotes: an even number is a pair
            // of its own (`summary: "x"`).
            let closed = later.iter().any(|l| l.text.matches(first).count() % 2 == 1);
            if closed {
                return None;
            }
            let (open_cn, close_cn) = if first == '"' {
                ('“', '”')
            } else {
                ('‘', '’')
            };
            let inner = rest.trim_end().trim_end_matches([open_cn, close_cn]);
            let fixed = format!("{prefix}{first}{inner}{first}");
            if let Some(wrong) = rest
                .trim_end()
                .chars()
                .last()
                .filter(|c| [open_cn, close_cn].contains(c))
            {
                // At the wrong closing quote: that is the key pressed in Chinese mode.
                let at = value_at + value.trim_end().len() - wrong.len_utf8();
                Some(file.error(
                    "E-YAML-QUOTE-MISMATCH",
                    Pos::new(line.number, line.col(at)),
                    format!("引号不成对：以英文引号「{first}」开头，却以中文引号「{wrong}」结尾"),
                    format!("开头和结尾用同一种英文引号：{}", shown(&fixed)),
                ))
            } else {
                Some(file.error(
                    "E-YAML-QUOTE-UNCLOSED",
                    pos,
                    format!("这里的英文引号「{first}」没有结束"),
                    format!("在文字末尾补上「{first}」：{}", shown(&fixed)),
                ))
            }
        }
        '[' | '{' => {
            // `title: [紧急] 楼道堆物`: a bracket meant as text opens a YAML list or map.
            let close = if first == '[' { ']' } else { '}' };
            let v = value.split(" #").next().unwrap_or(value).trim_end();
            // Closed on the next line (the parser names its indentation), or closed and followed
            // by a comment without a space before it (the parser names that): not this mistake.
            if v.ends_with(close)
                || v.contains(&format!("{close}#"))
                || later
                    .first()
                    .is_some_and(|l| l.text.starts_with([' ', '\t']) || l.text.contains(close))
            {
                return None;
            }
            let what = if first == '[' {
                "方括号列表"
            } else {
                "花括号键值表"
            };
            if !v.contains(close) {
                // `tags: [甲, 乙`: a list meant as one, left open.
                return Some(file.error(
                    "E-YAML",
                    pos,
                    format!("{what}没有用「{close}」结束"),
                    format!(
                        "在末尾补上「{close}」：{}",
                        shown(&format!("{prefix}{v}{close}"))
                    ),
                ));
            }
            let fixed = format!("{prefix}'{}'", value.trim_end().replace('\'', "''"));
            Some(file.error(
                "E-YAML",
                pos,
                format!("以「{first}」开头的文字被当成了{what}"),
                format!("整段文字用英文引号括起来：{}", shown(&fixed)),
            ))
        }
        '“' | '‘' | '”' | '’' => {
            let fixed = format!("{prefix}'{}'", value.trim_end().replace('\'', "''"));
            Some(file.error(
                "E-YAML-CURLY-QUOTE",
                pos,
                format!("中文引号「{first}」不能当作 YAML 的引号，这段文字因此读不通"),
                format!(
                    "要让中文引号显示出来，就在整段外面加英文单引号：{}",
                    shown(&fixed)
                ),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Option<(&'static str, u32, u32, String)> {
        let f = SourceFile::new("t.md", format!("---\n{text}---\n"));
        always(&f, text, 1)
            .into_iter()
            .next()
            .or_else(|| when_broken(&f, text, 1))
            .map(|d| (d.code, d.line, d.column, d.help))
    }

    #[test]
    fn fullwidth_colon_after_an_english_key() {
        let (code, line, col, help) = first("title: 电梯\ndeadline：2026-10-31\n").expect("found");
        assert_eq!((code, line, col), ("E-YAML-FULLWIDTH-COLON", 3, 9));
        assert!(help.ends_with("deadline: 2026-10-31"), "{help}");
    }

    #[test]
    fn fullwidth_colon_inside_a_value_is_fine() {
        assert_eq!(first("title: 会议：关于电梯\nsummary: 时间：周五\n"), None);
        let f = SourceFile::new("t.md", "");
        assert!(always(&f, "measures:\n  - APP：上线报修\n  - step：清理\n", 0).is_empty());
    }

    #[test]
    fn fullwidth_colon_after_a_chinese_key_names_the_english_key() {
        let (code, line, col, help) = first("title: x\n完成时限：2026-12-31\n").expect("found");
        assert_eq!((code, line, col), ("E-YAML-FULLWIDTH-COLON", 3, 5));
        assert!(help.contains("deadline: 2026-12-31"), "{help}");
        // Nested, where the parser would read the line as a value: still named.
        let f = SourceFile::new("t.md", "");
        let d = always(&f, "responsible:\n  责任单位：物业\n", 0)
            .into_iter()
            .next()
            .expect("found");
        assert_eq!((d.code, d.line, d.column), ("E-YAML-FULLWIDTH-COLON", 2, 7));
    }

    #[test]
    fn every_line_with_its_own_mistake_is_reported() {
        let f = SourceFile::new("t.md", "");
        let found: Vec<_> = always(
            &f,
            "title：电梯\nsource: x\nlocation:　楼道\n\tunit: y\n",
            0,
        )
        .into_iter()
        .map(|d| (d.code, d.line))
        .collect();
        assert_eq!(
            found,
            [
                ("E-YAML-FULLWIDTH-COLON", 1),
                ("E-YAML-FULLWIDTH-SPACE", 3),
                ("E-YAML-TAB", 4)
            ]
        );
    }

    #[test]
    fn tabs_and_fullwidth_spaces_in_indentation() {
        let hit = first("responsible:\n\tunit: 物业\n").expect("tab");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-TAB", 3, 1));
        let hit = first("responsible:\n  　unit: 物业\n").expect("space");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-FULLWIDTH-SPACE", 3, 3));
        let hit = first("title:　电梯\n").expect("after colon");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-FULLWIDTH-SPACE", 2, 7));
        // Inside a block of text, a tab is the text's own business.
        assert_eq!(first("summary: |\n  甲\n  \t乙\n"), None);
    }

    #[test]
    fn quotes() {
        let hit = first("title: x\nsummary: \"关于电梯”\n").expect("mismatch");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-QUOTE-MISMATCH", 3, 15));
        assert!(hit.3.ends_with("summary: \"关于电梯\""), "{}", hit.3);
        let hit = first("title: \"关于电梯\nsummary: \"x\"\n").expect("unclosed before a pair");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-QUOTE-UNCLOSED", 2, 8));
        let hit = first("title: '关于电梯\ndate: 2026-01-01\n").expect("unclosed");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-QUOTE-UNCLOSED", 2, 8));
        let hit = first("title: “通知: 停水”\n").expect("curly");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-CURLY-QUOTE", 2, 8));
        assert!(hit.3.ends_with("title: '“通知: 停水”'"), "{}", hit.3);
    }

    #[test]
    fn copied_from_word() {
        let hit = first("responsible:\n\u{a0}\u{a0}unit: 物业\n").expect("nbsp");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-ODD-SPACE", 3, 1));
        let hit = first("title:\u{a0}电梯\n").expect("nbsp after colon");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-ODD-SPACE", 2, 7));
        let hit = first("title　: 电梯\n").expect("space before colon");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-FULLWIDTH-SPACE", 2, 6));
        let hit = first("measures:\n  － 清理堆物\n").expect("list marker");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-LIST-MARKER", 3, 3));
        assert!(hit.3.ends_with("- 清理堆物"), "{}", hit.3);
        let hit = first("title: \"关于\"停水\"的通知\"\n").expect("inner quote");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-QUOTE-INNER", 2, 11));
        assert!(
            hit.3.ends_with("title: '\"关于\"停水\"的通知\"'"),
            "{}",
            hit.3
        );
        assert_eq!(first("title: 'it''s'\nsummary: \"a\" # note\n"), None);
    }

    #[test]
    fn indentation() {
        let hit = first("title: x\n  summary: y\n").expect("over-indented");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-INDENT", 3, 1));
        assert!(
            hit.3.contains("`summary`") && hit.3.contains("`title`"),
            "{}",
            hit.3
        );
        let hit = first("responsible:\n  unit: x\n person: y\n").expect("misaligned");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-INDENT", 4, 1));
        // Nested maps and list items of maps are fine.
        assert_eq!(
            first(
                "a:\n  b: 1\n  c:\n    d: 2\ne:\n  - name: x\n    category: y\n  - name: z\nf: 1\n"
            ),
            None
        );
    }

    #[test]
    fn brackets_meant_as_text() {
        let hit = first("title: [紧急] 楼道堆物\n").expect("bracket");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML", 2, 8));
        assert!(hit.3.ends_with("title: '[紧急] 楼道堆物'"), "{}", hit.3);
        let hit = first("tags: [甲, 乙\nsummary: x\n").expect("unclosed");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML", 2, 7));
        assert!(hit.3.ends_with("tags: [甲, 乙]"), "{}", hit.3);
    }

    #[test]
    fn missing_space_after_colon() {
        let hit = first("title:关于电梯\n").expect("found");
        assert_eq!((hit.0, hit.1, hit.2), ("E-YAML-COLON-SPACE", 2, 6));
        assert_eq!(first("base_url: https://a.cn/\n"), None);
    }

    #[test]
    fn chinese_names_resolve_among_allowed_keys() {
        assert_eq!(
            key_for_chinese("完成时限", &["title", "deadline"]),
            Some("deadline")
        );
        assert_eq!(key_for_chinese("日期", &["date", "text"]), Some("date"));
        assert_eq!(key_for_chinese("完成时限", &["title"]), None);
        assert_eq!(
            key_for_chinese_like("完成时间", &["title", "deadline"]),
            Some(("deadline", "完成时限"))
        );
        assert_eq!(key_for_chinese_like("备注", &["title", "deadline"]), None);
    }
}
