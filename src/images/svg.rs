//! An SVG is a document a browser runs, not a picture: opened on its own it runs its scripts and
//! loads what it references. One is published only when it has none of that (content.md §3.2).

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// What makes an SVG unsafe, and the byte offset in its text where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsafe {
    pub offset: usize,
    /// In Chinese: what was found.
    pub what: String,
}

/// The first thing in `text` that a browser would run or fetch, if any.
pub fn check(text: &str) -> Result<(), Unsafe> {
    let mut reader = Reader::from_str(text);
    // In a `<style>` element: its text so far and where it started.
    let mut style: Option<(usize, String)> = None;
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(_) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(offset);
                return Err(Unsafe {
                    offset: at.min(text.len()),
                    what: "不是格式正确的 SVG（XML 写法有误，例如标签没有闭合）".into(),
                });
            }
        };
        let found = |what: String| Err(Unsafe { offset, what });
        match event {
            Event::Start(e) => {
                if let Some(what) = element(&e) {
                    return found(what);
                }
                if e.local_name().as_ref().eq_ignore_ascii_case("style") {
                    style = Some((offset, String::new()));
                }
            }
            Event::Empty(e) => {
                if let Some(what) = element(&e) {
                    return found(what);
                }
            }
            Event::End(_) => {
                if let Some((at, css)) = style.take()
                    && let Some(what) = css_reference(&css)
                {
                    return Err(Unsafe { offset: at, what });
                }
            }
            Event::Text(t) => {
                if let Some((_, css)) = style.as_mut() {
                    css.push_str(t.as_ref());
                }
            }
            Event::CData(t) => {
                if let Some((_, css)) = style.as_mut() {
                    css.push_str(t.as_ref());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, css)) = style.as_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => css.push(c),
                        _ => css.push_str(named_entity(r.as_ref())),
                    }
                }
            }
            Event::DocType(d) if d.as_ref().to_ascii_lowercase().contains("<!entity") => {
                return found("DOCTYPE 里定义了实体（可引用外部文件）".into());
            }
            Event::PI(_) => {
                return found("含有处理指令（如 xml-stylesheet，会加载外部文件）".into());
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Why an element is unsafe: what it is, or one of its attributes.
fn element(e: &BytesStart) -> Option<String> {
    let name = e.local_name().as_ref().to_ascii_lowercase();
    match name.as_str() {
        "script" => return Some("含有 <script> 脚本".into()),
        "foreignobject" => return Some("含有 <foreignObject>（可嵌入网页内容）".into()),
        "iframe" | "embed" | "object" => return Some(format!("含有 <{name}>")),
        _ => {}
    }
    for attr in e.attributes().with_checks(false) {
        let Ok(attr) = attr else {
            return Some("属性写法有误".into());
        };
        let key = attr.key.local_name().as_ref().to_ascii_lowercase();
        let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => attr.value.to_string(),
        };
        if key.starts_with("on") {
            return Some(format!("含有事件属性 {key}（点击、加载时会运行脚本）"));
        }
        if key == "href" && !value.trim_start().starts_with('#') {
            return Some(format!("引用了外部内容「{}」", short(&value)));
        }
        // <set attributeName="href" to="javascript:…"> swaps a link's target in after the check.
        if key == "attributename" {
            let target = value.trim().to_ascii_lowercase();
            let target = target.rsplit(':').next().unwrap_or_default();
            if target == "href" || target.starts_with("on") {
                return Some(format!("用动画改写 {target} 属性"));
            }
        }
        if let Some(what) = css_reference(&value) {
            return Some(what);
        }
    }
    None
}

/// A `url(…)` that points outside the file, or an `@import`, in CSS text or an attribute value.
fn css_reference(css: &str) -> Option<String> {
    let squeezed: String = css
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if squeezed.contains('\\') && (squeezed.contains("url") || squeezed.contains('@')) {
        return Some("样式里有转义字符，无法确认没有外部引用".into());
    }
    if squeezed.contains("@import") {
        return Some("样式里用 @import 加载外部文件".into());
    }
    let mut rest = squeezed.as_str();
    while let Some(i) = rest.find("url(") {
        rest = &rest[i + 4..];
        let target = rest.trim_start_matches(['"', '\'']);
        if !target.starts_with('#') {
            let end = target.find(')').unwrap_or(target.len());
            return Some(format!("样式引用了外部内容「{}」", short(&target[..end])));
        }
    }
    None
}

fn named_entity(name: &str) -> &'static str {
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
}

/// A reference shown in a message: at most 60 characters of it.
fn short(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn what(svg: &str) -> String {
        check(svg).err().map(|u| u.what).unwrap_or_default()
    }

    #[test]
    fn a_plain_drawing_passes() {
        let svg = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
  <defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>
  <style>.a { fill: url(#g); }</style>
  <rect class="a" width="10" height="10" fill="url('#g')"/><use xlink:href="#g"/>
</svg>"##;
        assert_eq!(check(svg), Ok(()));
    }

    #[test]
    fn scripts_handlers_foreign_objects_and_references_are_found() {
        let cases = [
            (r#"<svg><script>alert(1)</script></svg>"#, "<script>"),
            (r#"<svg><SCRIPT>alert(1)</SCRIPT></svg>"#, "<script>"),
            (r#"<svg onload="alert(1)"/>"#, "onload"),
            (r#"<svg><rect ONCLICK="x()"/></svg>"#, "onclick"),
            (
                r#"<svg><foreignObject><p>x</p></foreignObject></svg>"#,
                "foreignObject",
            ),
            (
                r#"<svg><image href="https://t.example/p.png"/></svg>"#,
                "https://t.example/p.png",
            ),
            (
                r#"<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>"#,
                "javascript:",
            ),
            (
                r#"<svg><rect style="fill:url(http://t.example/x)"/></svg>"#,
                "http://t.example/x",
            ),
            (
                r#"<svg><rect fill="URL( 'https://t.example/x' )"/></svg>"#,
                "https://t.example/x",
            ),
            (
                r#"<svg><style>@import url(x.css);</style></svg>"#,
                "@import",
            ),
            (
                r#"<svg><style>rect{fill:url(//t.example/x)}</style></svg>"#,
                "//t.example/x",
            ),
            (
                r#"<svg><style>@&#105;mport "x.css";</style></svg>"#,
                "@import",
            ),
            (
                r#"<svg><a><set attributeName="href" to="javascript:alert(1)"/></a></svg>"#,
                "href",
            ),
            (r#"<?xml-stylesheet href="x.css"?><svg/>"#, "处理指令"),
            (
                r#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>"#,
                "实体",
            ),
            (r#"<svg><rect"#, "XML"),
        ];
        for (svg, expected) in cases {
            let found = what(svg);
            assert!(found.contains(expected), "{svg}: {found}");
        }
    }

    #[test]
    fn the_offset_points_at_the_element() {
        let svg = "<svg>\n  <script>x</script>\n</svg>";
        assert_eq!(check(svg).err().map(|u| u.offset), Some(8));
    }
}
