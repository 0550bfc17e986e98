//! Tera templates and static files of the theme: the built-in default, a site's `themes/NAME/`
//! instead of it, and a site's own `templates/FILE` over single files.

use crate::diag::{Diagnostic, Pos, SourceFile};
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::Path;
use tera::{Tera, Value};

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme's files: template name → (path for messages, text), static path → bytes.
pub struct Theme {
    pub templates: BTreeMap<String, (String, String)>,
    pub statics: BTreeMap<String, Vec<u8>>,
}

fn collect_dir(dir: &Dir<'_>, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    for f in dir.files() {
        let rel = f.path().strip_prefix(prefix).unwrap_or(f.path());
        out.push((
            rel.to_string_lossy().replace('\\', "/"),
            f.contents().to_vec(),
        ));
    }
    for d in dir.dirs() {
        collect_dir(d, prefix, out);
    }
}

fn read_disk_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if let (Ok(rel), Ok(bytes)) = (entry.path().strip_prefix(dir), std::fs::read(entry.path()))
        {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, bytes));
        }
    }
    out
}

pub fn load_theme(root: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Theme {
    let mut theme = Theme {
        templates: BTreeMap::new(),
        statics: BTreeMap::new(),
    };
    let disk = root.join("themes").join(name);
    let (templates, statics, prefix) = if disk.is_dir() {
        (
            read_disk_dir(&disk.join("templates")),
            read_disk_dir(&disk.join("static")),
            format!("themes/{name}/"),
        )
    } else {
        if name != "default" {
            let file = SourceFile::new(
                "site.yaml",
                std::fs::read_to_string(root.join("site.yaml")).unwrap_or_default(),
            );
            let line = file
                .text
                .lines()
                .position(|l| l.trim_start().starts_with("theme:"))
                .map_or(1, |i| i + 1);
            diags.push(file.error(
                "E-THEME",
                Pos::new(crate::diag::to_u32(line), 1),
                format!("找不到主题 `{name}`"),
                format!(
                    "把主题放在 themes/{name}/（含 templates/ 和 static/），或写 theme: default"
                ),
            ));
        }
        let mut t = Vec::new();
        let mut s = Vec::new();
        if let Some(d) = DEFAULT_THEME.get_dir("templates") {
            collect_dir(d, "templates", &mut t);
        }
        if let Some(d) = DEFAULT_THEME.get_dir("static") {
            collect_dir(d, "static", &mut s);
        }
        (t, s, "themes/default/".to_string())
    };
    let built_in = !disk.is_dir();
    for (rel, bytes) in templates {
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        if built_in {
            text = unindent(&text);
        }
        theme
            .templates
            .insert(rel.clone(), (format!("{prefix}templates/{rel}"), text));
    }
    for (rel, bytes) in read_disk_dir(&root.join("templates")) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        theme
            .templates
            .insert(rel.clone(), (format!("templates/{rel}"), text));
    }
    theme.statics.extend(statics);
    theme
}

/// The built-in theme's template text without the indentation of its lines. The templates are
/// indented to be read; the pages they make need none of it (a line break and the spaces after it
/// show as one space, as the break alone does), and on a 10,000-record site it was 600 bytes on
/// every record page. Lines stay where they are, so a position in a template still points at its
/// line; no template of the built-in theme has `<pre>` or `<textarea>`, where spaces would show.
fn unindent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(line.trim_start_matches([' ', '\t']));
    }
    out
}

/// `--> 3:5` in Tera's parse errors, so a template mistake points at its line.
fn tera_pos(message: &str) -> Pos {
    let Some(i) = message.find("--> ") else {
        return Pos::START;
    };
    let mut nums = message[i + 4..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    let line = nums.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let col = nums.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    Pos::new(line, col)
}

pub fn error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push('\n');
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Tera's account of a template error, in Chinese: the kinds it has, with the names it gives;
/// its parser's position lines are left out (the diagnostic carries the position).
pub fn tera_zh(chain: &str) -> String {
    let quoted = |line: &str, open: char, close: char| -> String {
        line.split_once(open)
            .and_then(|(_, rest)| rest.split_once(close))
            .map(|(name, _)| name.to_string())
            .unwrap_or_default()
    };
    let mut out: Vec<String> = Vec::new();
    for line in chain.lines().map(str::trim).filter(|l| !l.is_empty()) {
        // Our own filters and functions already speak Chinese.
        let said = if line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            line.to_string()
        } else if line.starts_with("Failed to render") {
            format!("渲染模板 {} 失败", quoted(line, '\'', '\''))
        } else if line.starts_with("Failed to parse") {
            format!("模板 {} 有语法错误", quoted(line, '\'', '\''))
        } else if line.starts_with("Variable") && line.contains("not found in context") {
            format!("模板里用到的变量 `{}` 不存在", quoted(line, '`', '`'))
        } else if let Some(kind) = [
            ("Template '", "找不到模板"),
            ("Filter '", "没有这个过滤器："),
            ("Test '", "没有这个测试："),
            ("Function '", "没有这个函数："),
        ]
        .iter()
        .find(|(p, _)| line.starts_with(p) && line.ends_with("not found"))
        {
            format!("{}{}", kind.1, quoted(line, '\'', '\''))
        } else if line.starts_with("Filter call") || line.starts_with("Function call") {
            format!("调用 {} 出错", quoted(line, '\'', '\''))
        } else if line.starts_with("= expected") || line.starts_with("expected") {
            "这里的写法不符合模板语法：检查 {{ }}、{% %}、引号和括号是否成对，标签是否拼写正确"
                .to_string()
        } else if line.starts_with("-->")
            || line.starts_with('|')
            || line.chars().next().is_some_and(|c| c.is_ascii_digit())
        {
            continue;
        } else {
            "模板出错".to_string()
        };
        if !out.contains(&said) {
            out.push(said);
        }
    }
    if out.is_empty() {
        "模板出错".to_string()
    } else {
        out.join("；")
    }
}

pub fn compile(theme: &Theme, diags: &mut Vec<Diagnostic>) -> Option<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml", ".svg"]);
    // Tera's default also escapes `/`, which turns every URL into `&#x2F;…`: valid, but unreadable.
    tera.set_escape_fn(escape_html);
    tera.register_filter("zh_date", zh_date);
    tera.register_filter("zh_time", ZhTime);
    tera.register_filter("pct", pct_filter);
    tera.register_filter("tel", tel_filter);
    let cards: Vec<(String, String)> = if theme.templates.contains_key("macros.html") {
        super::card_html::templates().collect()
    } else {
        Vec::new()
    };
    let mut raw: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|(name, (_, text))| (name.as_str(), text.as_str()))
        .collect();
    raw.extend(
        cards
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str())),
    );
    if let Err(e) = tera.add_raw_templates(raw) {
        // Parsed again one by one, so that each broken template is reported with its own file.
        let mut broken = false;
        for (name, (path, text)) in &theme.templates {
            if let Err(e) = tera::Template::new(name, None, text) {
                let chain = error_chain(&e);
                let file = SourceFile::new(path.clone(), text.clone());
                diags.push(file.error(
                    "E-TEMPLATE",
                    tera_pos(&chain),
                    format!("模板有语法错误：{}", tera_zh(&chain)),
                    "按 Tera 模板语法修改这一处",
                ));
                broken = true;
            }
        }
        if !broken {
            diags.push(SourceFile::new("templates/", "").error(
                "E-TEMPLATE",
                Pos::START,
                format!("模板无法组合：{}", tera_zh(&error_chain(&e))),
                "检查 extends、import 和 include 引用的模板名",
            ));
        }
        return None;
    }
    Some(tera)
}

/// Tera's escape function: the same escaping as the Markdown stage uses.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    crate::markdown::escape_html(&mut out, input);
    out
}

fn zh_date(value: &Value, _: &std::collections::HashMap<String, Value>) -> tera::Result<Value> {
    Ok(match value.as_str().and_then(crate::dates::parse_date) {
        Some(d) => Value::String(crate::dates::zh(d)),
        None => Value::String(value.as_str().unwrap_or_default().to_string()),
    })
}

/// `"2026-11-21" | zh_time` → `<time datetime="2026-11-21">2026年11月21日</time>`; null → empty.
/// A filter rather than a macro: lists show several dates per card, and a Tera macro call costs
/// a stack frame, copied arguments and a string of its own.
struct ZhTime;

impl tera::Filter for ZhTime {
    fn filter(
        &self,
        value: &Value,
        _: &std::collections::HashMap<String, Value>,
    ) -> tera::Result<Value> {
        let text = value.as_str().unwrap_or_default();
        Ok(Value::String(match crate::dates::parse_date(text) {
            Some(d) => format!("<time datetime=\"{d}\">{}</time>", crate::dates::zh(d)),
            None => escape_html(text),
        }))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

fn pct_filter(value: &Value, _: &std::collections::HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(value.as_f64().map_or_else(
        || "—".to_string(),
        crate::pipeline::derive::pct,
    )))
}

/// `"010-6512 3456" | tel` → `01065123456`, for `href="tel:…"`; empty when the text is not a
/// phone number (a name, "工作日上午"), so a template can test it before making a link.
fn tel_filter(value: &Value, _: &std::collections::HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(tel(value.as_str().unwrap_or_default())))
}

/// Digits (and a leading `+`) of a phone number written with spaces or hyphens: at least eight
/// characters, starting and ending with a digit; anything else is not a number to dial.
fn tel(text: &str) -> String {
    let body = text.strip_prefix('+').unwrap_or(text);
    let b = body.as_bytes();
    let dialable = b.len() >= 8
        && b.first().is_some_and(u8::is_ascii_digit)
        && b.last().is_some_and(u8::is_ascii_digit)
        && b.iter()
            .all(|c| c.is_ascii_digit() || *c == b' ' || *c == b'-');
    if !dialable {
        return String::new();
    }
    let prefix = if body.len() < text.len() { "+" } else { "" };
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    format!("{prefix}{digits}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_templates_lose_their_indentation_only() {
        assert_eq!(
            unindent("<ul>\n  <li>a</li>\n\t<li>b</li>\n</ul>\n"),
            "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
        );
        assert_eq!(unindent("a  b\n  "), "a  b\n");
        for file in DEFAULT_THEME
            .get_dir("templates")
            .into_iter()
            .flat_map(|d| d.files().chain(d.dirs().flat_map(|d| d.files())))
        {
            let text = file.contents_utf8().unwrap_or_default();
            assert!(
                !text.contains("<pre") && !text.contains("<textarea"),
                "{}: spaces at the start of a line would show",
                file.path().display()
            );
        }
    }

    #[test]
    fn tera_errors_read_in_chinese() {
        let parse = tera::Template::new("page.html", None, "<h1>{{ page.title </h1>")
            .err()
            .map(|e| tera_zh(&error_chain(&e)))
            .unwrap_or_default();
        assert!(parse.contains("不符合模板语法"), "{parse}");
        assert!(!parse.contains("expected"), "{parse}");
        let mut t = tera::Tera::default();
        let _ = t.add_raw_template("a.html", "{{ page.titel }}");
        let render = t
            .render("a.html", &tera::Context::new())
            .err()
            .map(|e| tera_zh(&error_chain(&e)))
            .unwrap_or_default();
        assert_eq!(
            render,
            "渲染模板 a.html 失败；模板里用到的变量 `page.titel` 不存在"
        );
    }

    use super::*;

    #[test]
    fn tel_keeps_the_digits_of_a_phone_number_and_nothing_of_other_text() {
        assert_eq!(tel("010-6512 3456"), "01065123456");
        assert_eq!(tel("+86 10 6512 3456"), "+861065123456");
        assert_eq!(tel("12345678"), "12345678");
        assert_eq!(tel("1234567"), "", "seven characters: too short to dial");
        assert_eq!(tel("王老师"), "");
        assert_eq!(tel("6512 3456 转 8"), "");
        assert_eq!(tel("-6512 3456"), "");
        assert_eq!(tel("6512 3456-"), "");
        assert_eq!(tel(""), "");
    }

    #[test]
    fn zh_time_makes_a_time_element_and_nothing_of_null() {
        use tera::Filter;
        let args = std::collections::HashMap::new();
        let time = |v: Value| ZhTime.filter(&v, &args).expect("filter");
        assert_eq!(
            time(Value::String("2026-11-21".into())),
            Value::String("<time datetime=\"2026-11-21\">2026年11月21日</time>".into())
        );
        assert_eq!(time(Value::Null), Value::String(String::new()));
        // Not a date: shown as text, escaped, since the filter's output is not escaped again.
        assert_eq!(
            time(Value::String("<b>".into())),
            Value::String("&lt;b&gt;".into())
        );
        assert!(ZhTime.is_safe());
    }

    #[test]
    fn default_theme_is_embedded_and_compiles() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut diags = Vec::new();
        let theme = load_theme(dir.path(), "default", &mut diags);
        assert!(theme.templates.contains_key("base.html"));
        assert!(compile(&theme, &mut diags).is_some(), "{diags:?}");
        assert!(diags.is_empty());
    }

    #[test]
    fn site_template_overrides_one_file_and_errors_point_at_it() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
        std::fs::write(dir.path().join("templates/404.html"), "ok\n{% if %}\n").expect("write");
        let mut diags = Vec::new();
        let theme = load_theme(dir.path(), "default", &mut diags);
        assert_eq!(
            theme.templates.get("404.html").map(|t| t.0.as_str()),
            Some("templates/404.html")
        );
        assert!(compile(&theme, &mut diags).is_none());
        assert_eq!(diags[0].file, "templates/404.html");
        assert_eq!(diags[0].line, 2);
    }

    #[test]
    fn escaping_keeps_urls_readable_and_quotes_safe() {
        assert_eq!(
            escape_html("/a/b?x=1&y=<\"'>"),
            "/a/b?x=1&amp;y=&lt;&quot;&#39;&gt;"
        );
    }

    #[test]
    fn zh_date_filter() {
        let v = zh_date(&Value::String("2026-11-05".into()), &Default::default()).expect("ok");
        assert_eq!(v, Value::String("2026年11月5日".into()));
    }
}
