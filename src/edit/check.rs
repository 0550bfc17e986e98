//! The same checks as `gongkai check`, run on the site as it would be with the form's file in
//! place of the one on disk (nothing is written), and each diagnostic of that file given the
//! field it concerns; the body's preview through the build's Markdown renderer.

use crate::diag::{Diagnostic, Severity};
use crate::pipeline::build::{self, Cache, Options, Outcome};
use serde_json::{Value, json};
use std::path::Path;

pub struct Checked {
    /// Diagnostics of the file and of the files in its folder.
    pub diags: Vec<Diagnostic>,
    pub errors: usize,
    /// Said when the check itself could not run (a bad `--now`).
    pub trouble: Option<String>,
}

/// Checks the site with `text` at `content/REL`, every check of `gongkai check`. Drafts are
/// built, so that a draft's mistakes count as errors here: they are what would stop it from
/// being published.
pub fn run(root: &Path, now: Option<&str>, rel: &str, text: &str) -> Checked {
    run_with(root, now, rel, text, None)
}

/// `run` as a person types: with a cache kept between checks, and without rendering every page
/// through the theme (`build::check_in_memory`); a save runs the whole `run`.
pub fn quick(root: &Path, now: Option<&str>, rel: &str, text: &str, cache: &mut Cache) -> Checked {
    run_with(root, now, rel, text, Some(cache))
}

fn run_with(
    root: &Path,
    now: Option<&str>,
    rel: &str,
    text: &str,
    cache: Option<&mut Cache>,
) -> Checked {
    let opts = Options {
        root: root.to_path_buf(),
        output: None,
        now: now.map(str::to_string),
        drafts: true,
        base_url: None,
    };
    let file = format!("content/{rel}");
    let folder = match rel.rsplit_once('/') {
        Some((dir, "index.md")) => Some(format!("content/{dir}/")),
        _ => None,
    };
    let outcome = match cache {
        Some(cache) => build::check_in_memory(&opts, cache, rel, text),
        None => Err(build::check_with(&opts, rel, text)),
    };
    let all = match outcome {
        Ok(d) | Err(Outcome::Failed(d) | Outcome::Done { diags: d, .. }) => d,
        Err(Outcome::BadNow(s)) => {
            return Checked {
                diags: Vec::new(),
                errors: 0,
                trouble: Some(format!("--now 的值「{s}」不是日期")),
            };
        }
    };
    let diags: Vec<Diagnostic> = all
        .into_iter()
        .filter(|d| d.file == file || folder.as_ref().is_some_and(|f| d.file.starts_with(f)))
        .collect();
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    Checked {
        diags,
        errors,
        trouble: None,
    }
}

/// The diagnostics for the page, each with the field it concerns: the top-level key whose lines
/// hold it, `body` below the front matter, `file` for the file as a whole; a diagnostic of a
/// file in the record's folder goes to `attachments` when it is attached, else to `body`.
pub fn json(c: &Checked, text: &str) -> Value {
    let (fm, body_offset) = crate::pipeline::load::split_front_matter(text);
    let body_line = text[..body_offset.min(text.len())].lines().count() as u32 + 1;
    // (key, first line, last line) in file lines (line 1 is the opening `---`).
    let mut keys: Vec<(String, u32)> = Vec::new();
    if let Some(fm) = &fm {
        for (i, line) in fm.text.lines().enumerate() {
            let starts_key = line
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-');
            if starts_key && let Some((k, _)) = line.split_once(':') {
                keys.push((k.trim().to_string(), i as u32 + 2));
            }
        }
    }
    let tree = fm.as_ref().and_then(|fm| {
        crate::yaml::parse(
            &crate::diag::SourceFile::new("x", fm.text.as_str()),
            &fm.text,
            1,
        )
        .ok()
        .flatten()
    });
    let list: Vec<Value> = c
        .diags
        .iter()
        .map(|d| {
            // Where inside a field, as `progress.1.date`, for a message on a nested line.
            let at = (d.file.ends_with(".md") && d.line < body_line)
                .then(|| tree.as_ref().and_then(|t| locate(t, d.line, "")))
                .flatten();
            let field = if !d.file.ends_with(".md") {
                let name = d.file.rsplit('/').next().unwrap_or_default();
                if text.contains(&format!("file: {name}")) {
                    "attachments".to_string()
                } else {
                    "body".to_string()
                }
            } else if let Some(key) = missing_key(&d.file, &d.message, &keys) {
                key
            } else if d.line >= body_line && fm.is_some() {
                "body".to_string()
            } else {
                keys.iter()
                    .rev()
                    .find(|(_, line)| *line <= d.line)
                    .map_or_else(|| "file".to_string(), |(k, _)| k.clone())
            };
            json!({
                "field": field,
                "at": at.filter(|a| a.starts_with(&format!("{field}."))),
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
                "help": d.help,
                "file": d.file,
                "line": d.line,
                "column": d.column,
            })
        })
        .collect();
    json!({
        "diagnostics": list,
        "errors": c.errors,
        "ok": c.errors == 0 && c.trouble.is_none(),
        "trouble": c.trouble,
    })
}

/// The deepest key or list item written on `line`, as a dotted path (`progress.1.date`).
fn locate(node: &crate::yaml::Node, line: u32, prefix: &str) -> Option<String> {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    if let Some(map) = node.as_map() {
        for (k, v) in map {
            let path = join(k.scalar().unwrap_or_default());
            if let Some(deeper) = locate(v, line, &path) {
                return Some(deeper);
            }
            if k.pos.line == line {
                return Some(path);
            }
        }
    } else if let Some(items) = node.as_seq() {
        for (i, item) in items.iter().enumerate() {
            let path = join(&i.to_string());
            if let Some(deeper) = locate(item, line, &path) {
                return Some(deeper);
            }
            if item.pos.line == line {
                return Some(path);
            }
        }
    }
    None
}

/// A field of the form named in a message (`` `measures` ``, `（contact）`) that the file does not
/// have: a missing field is reported at the file's first line, but belongs beside the field to
/// fill in.
fn missing_key(file: &str, message: &str, keys: &[(String, u32)]) -> Option<String> {
    let rel = file.strip_prefix("content/")?;
    let section = crate::pipeline::load::content_file(rel, String::new()).section;
    let fields = super::form::fields(section);
    message
        .split(['`', '（', '）', '(', ')'])
        .skip(1)
        .step_by(2)
        .find(|word| fields.iter().any(|f| f.key == *word) && !keys.iter().any(|(k, _)| k == word))
        .map(str::to_string)
}

/// The body as the build renders it; relative images show from the editor's file endpoint, a
/// spreadsheet as the table a build embeds.
pub fn preview(root: &Path, dir: &str, body: &str, allow_raw_html: bool) -> String {
    use crate::markdown::{LinkKind, LinkTarget, RenderOptions};
    // A preview is not a kiosk page: links keep their address, no QR file is made.
    let opts = RenderOptions {
        allow_raw_html,
        qr: None,
    };
    let resolve = |target: &str, kind: LinkKind| -> LinkTarget {
        let (path, sheet) = match target.split_once('#') {
            Some((p, s)) => (p, Some(s)),
            None => (target, None),
        };
        let path = crate::markdown::percent_decode(path).into_owned();
        let rel = crate::pipeline::model::normalize(&format!("{dir}/{path}"));
        let Some(rel) = rel else {
            return LinkTarget::Missing("不在网站里".into());
        };
        let Ok(full) = super::safe_path(root, &rel, &["content", "static"]) else {
            return LinkTarget::Missing("不在网站里".into());
        };
        if kind == LinkKind::Image && crate::sheet::is_spreadsheet(&rel) {
            return match crate::sheet::read(&full, sheet) {
                Ok(table) => LinkTarget::Table(std::sync::Arc::new(table)),
                Err(why) => LinkTarget::Missing(why),
            };
        }
        if !full.exists() {
            return LinkTarget::Missing("找不到这个文件".into());
        }
        LinkTarget::Url(format!(
            "{}file?path={}",
            crate::serve::EDIT_PREFIX,
            crate::pipeline::derive::links::encode_path(&rel)
        ))
    };
    let root_relative = |target: &str| LinkTarget::Url(target.to_string());
    crate::markdown::render(body, &opts, &resolve, &root_relative).html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read_dir").flatten() {
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).expect("copy");
            }
        }
    }

    fn said(c: &Checked) -> Vec<(String, String, u32)> {
        let mut v: Vec<_> = c
            .diags
            .iter()
            .map(|d| (d.code.to_string(), d.file.clone(), d.line))
            .collect();
        v.sort();
        v
    }

    /// The checks while typing (cached, no theme rendering) say what the whole check says about
    /// the file, edit after edit.
    #[test]
    fn the_quick_check_agrees_with_the_whole_check() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal"),
            root,
        );
        let rel = "problems/2026-009.md";
        let good = "---\ntitle: 楼道灯\ndate: 2026-11-01\nid: 2026-009\nresponsible:\n  unit: 物业\nmeasures:\n  - 换灯\ndeadline: 2026-12-01\nstatus: open\n---\n\n正文。\n";
        let texts = [
            good.to_string(),
            good.replace("deadline: 2026-12-01", "deadline: 2026-10-01"),
            good.replace("id: 2026-009", "id: 2026-001"),
            good.replace("正文。", "见[会议](../meetings/nothing.md)。"),
            good.replace("measures:\n  - 换灯\n", ""),
            good.replace("title: 楼道灯", "title：楼道灯"),
            good.replace("status: open", "status: resolved"),
            good.to_string(),
        ];
        let mut cache = Cache::default();
        for text in &texts {
            let whole = run(root, Some("2026-11-21"), rel, text);
            let fast = quick(root, Some("2026-11-21"), rel, text, &mut cache);
            assert_eq!(said(&fast), said(&whole), "{text}");
            assert_eq!(fast.errors, whole.errors, "{text}");
        }
        assert!(run(root, Some("2026-11-21"), rel, &texts[1]).errors > 0);
    }
}
