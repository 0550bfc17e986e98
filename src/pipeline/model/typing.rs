//! Markdown typed on a Chinese keyboard: a link or image whose brackets or exclamation mark are
//! full-width is not a link at all, and would be published as odd text. A warning at the character.

use crate::diag::{Diagnostic, Pos, SourceFile, to_u32};

/// One warning per line whose link syntax uses a full-width `（`, `）`, `［`, `］` or `！`.
pub fn fullwidth_links(src: &SourceFile, body_offset: usize, diags: &mut Vec<Diagnostic>) {
    let body = src.text.get(body_offset..).unwrap_or_default();
    let first_line = src.pos_of(body_offset).line;
    let mut fenced = false;
    for (i, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let hit = [("]（", "（", "("), ("］(", "］", "]"), ("！[", "！", "!")]
            .iter()
            .filter_map(|(pattern, wrong, right)| {
                let at = line.find(pattern)?;
                // `！[`: only an image when a `](` follows.
                if *wrong == "！" && !line[at..].contains("](") {
                    return None;
                }
                let at = at + line[at..].find(wrong)?;
                Some((at, *wrong, *right))
            })
            .min();
        let Some((at, wrong, right)) = hit else {
            continue;
        };
        let col = to_u32(line[..at].chars().count() + 1);
        let what = if wrong == "！" { "图片" } else { "链接" };
        diags.push(src.warning(
            "W-MARKDOWN-FULLWIDTH",
            Pos::new(first_line + to_u32(i), col),
            format!("{what}的写法里用了中文符号「{wrong}」，这样不会变成{what}，会原样显示出来"),
            format!("切换到英文输入法，把「{wrong}」改成「{right}」，例如 [名单](mingdan.pdf)"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullwidth_link_syntax() {
        let text = "---\ntitle: x\n---\n\n见[名单]（mingdan.pdf）。\n\n```\n[a]（b）\n```\n！[照片](a.jpg) 和 ！注意\n";
        let src = SourceFile::new("a.md", text);
        let offset = text.find("\n\n").map_or(0, |i| i + 1);
        let mut diags = Vec::new();
        fullwidth_links(&src, offset, &mut diags);
        let at: Vec<(u32, u32)> = diags.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, vec![(5, 6), (10, 1)]);
        assert!(diags[0].help.contains("「(」"), "{}", diags[0].help);
    }
}
