//! Text left from `gongkai init` or `gongkai new` (示例社区, 待填写 …) and a `base_url` on an
//! example domain: not mistakes a build stops for, but they would be published, so each is a
//! warning at the line it is on.

use crate::diag::{Diagnostic, Pos, SourceFile, to_u32};

/// Words the scaffold writes that a real site never says.
const SAMPLE_WORDS: &[&str] = &["示例", "待填写"];

/// Where `word` stands as a sample name in `text`: `示例社区`, `示例路1号`, but not the ordinary
/// 示例 of a guide (`填表示例见附件`, `示例图`).
fn sample_at(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(at, _)| at).find(|&at| {
        let next = text[at + word.len()..].chars().next();
        word != "示例"
            || next.is_some_and(|c| !"图表文如见：:）)，。、；".contains(c) && !c.is_whitespace())
    })
}

/// Domains reserved for examples (RFC 2606 and their Chinese cousins) and this machine.
fn is_example_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or_default();
    [
        "example.com",
        "example.cn",
        "example.org",
        "example.net",
        "example.com.cn",
    ]
    .iter()
    .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || host == "localhost"
        || host.starts_with("127.")
}

/// Where the YAML of a file is (lines, 1-based, inclusive), so its comments are skipped.
#[derive(Debug, Clone, Copy)]
pub struct YamlLines {
    pub first: u32,
    pub last: u32,
}

/// One warning per line that still holds sample text. Comment lines of the YAML are skipped:
/// they are not published.
pub fn sample_text(src: &SourceFile, yaml: Option<YamlLines>, diags: &mut Vec<Diagnostic>) {
    for (i, line) in src.text.lines().enumerate() {
        let number = to_u32(i + 1);
        let in_yaml = yaml.is_some_and(|y| (y.first..=y.last).contains(&number));
        let text = if in_yaml {
            if line.trim_start().starts_with('#') {
                continue;
            }
            line.split(" #").next().unwrap_or(line)
        } else {
            line
        };
        let Some((at, word)) = SAMPLE_WORDS
            .iter()
            .filter_map(|w| sample_at(text, w).map(|at| (at, *w)))
            .min()
        else {
            continue;
        };
        let shown: String = text[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .take(12)
            .collect();
        let col = to_u32(text[..at].chars().count() + 1);
        let help = if word == "示例" {
            "换成本社区的真实名称和内容，再发布"
        } else {
            "填上真实内容；暂时不需要的可选字段可以删掉这一行"
        };
        diags.push(src.warning(
            "W-PLACEHOLDER",
            Pos::new(number, col),
            format!("这里还是示例文字「{shown}」，会原样发布到网站上"),
            help,
        ));
    }
}

/// `base_url` in site.yaml still on an example domain.
pub fn example_base_url(src: &SourceFile, diags: &mut Vec<Diagnostic>) {
    for (i, line) in src.text.lines().enumerate() {
        let Some(value) = line.strip_prefix("base_url:") else {
            continue;
        };
        let value_at = line.len() - value.trim_start().len();
        let url = value.split(" #").next().unwrap_or(value).trim();
        let url = url.trim_matches(['"', '\'']);
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default();
        if is_example_host(host) {
            diags.push(src.warning(
                "W-EXAMPLE-DOMAIN",
                Pos::new(to_u32(i + 1), to_u32(line[..value_at].chars().count() + 1)),
                format!("base_url 还是示例网址「{url}」，链接、订阅和二维码都会指向它"),
                "发布前改成网站的真实网址，例如 base_url: https://gongkai.xingfuli.cn/",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_words_outside_comments() {
        let src = SourceFile::new(
            "a.md",
            "---\ntitle: 示例社区服务清单\n# name: 示例\nunit: 待填写 # 待填写\n---\n\n欢迎来到示例社区。\n",
        );
        let mut diags = Vec::new();
        sample_text(&src, Some(YamlLines { first: 2, last: 4 }), &mut diags);
        let at: Vec<(u32, u32)> = diags.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, vec![(2, 8), (4, 7), (7, 5)]);
        assert!(
            diags[0].message.contains("「示例社区服务清单」"),
            "{}",
            diags[0].message
        );
        let guide = SourceFile::new("g.md", "填表示例见附件，示例图如下。\n");
        let mut none = Vec::new();
        sample_text(&guide, None, &mut none);
        assert!(none.is_empty(), "{none:?}");
    }

    #[test]
    fn example_domains() {
        for (text, hit) in [
            ("base_url: https://example.cn/\n", true),
            ("base_url: https://xingfuli.example.cn/sub/  # 地址\n", true),
            ("base_url: 'http://localhost:1111/'\n", true),
            ("base_url: https://gongkai.xingfuli.cn/\n", false),
            ("base_url: https://myexample.cn/\n", false),
        ] {
            let mut diags = Vec::new();
            example_base_url(&SourceFile::new("site.yaml", text), &mut diags);
            assert_eq!(diags.len(), usize::from(hit), "{text}");
            if hit {
                assert_eq!((diags[0].line, diags[0].column), (1, 11));
            }
        }
    }
}
