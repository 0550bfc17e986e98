//! The manual in `docs/` is a gongkai site and builds with the real binary: no errors, every
//! chapter published under the URL its file gives it, every internal link resolved, and every
//! chapter reachable from the manual's home page.

mod common;

use common::*;
use std::collections::{BTreeSet, VecDeque};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The manual's chapters: output page and the title its `<h1>` must carry.
const CHAPTERS: &[(&str, &str)] = &[
    ("index.html", "gongkai 使用手册"),
    ("kuaisu-shangshou/index.html", "快速上手"),
    ("jilu/index.html", "记录的共同写法"),
    ("jilu/huiyi/index.html", "会议记录"),
    ("jilu/gongshi/index.html", "公示、公告、通知、公开"),
    ("jilu/wentiqiang/index.html", "问题墙与回音壁"),
    ("jilu/qingdan/index.html", "服务清单"),
    ("jilu/putong/index.html", "普通页面"),
    ("biaoge-zhaopian/index.html", "表格与照片"),
    ("geren-xinxi/index.html", "个人信息保护"),
    ("gongkai-mulu/index.html", "公开目录"),
    ("taizhang/index.html", "发布台账与修改记录"),
    ("jiejiari/index.html", "节假日 holidays.yaml"),
    ("wangzhan-shezhi/index.html", "网站设置 site.yaml"),
    ("mingling/index.html", "命令"),
    ("errors/index.html", "错误与警告"),
    ("errors/codes/index.html", "全部错误和警告"),
    ("zhuti/index.html", "主题"),
    ("fabu/index.html", "发布上线"),
];

fn docs_root() -> PathBuf {
    repo_root().join("docs")
}

fn manual() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = kept_dir("docs-site-").join("out");
        let root = docs_root();
        let r = run([
            OsStr::new("--root"),
            root.as_os_str(),
            OsStr::new("build"),
            OsStr::new("--now"),
            OsStr::new(NOW),
            OsStr::new("--output"),
            out.as_os_str(),
        ]);
        r.assert_code(0);
        assert!(
            !r.stderr.contains("error[") && !r.stdout.contains("error["),
            "the manual builds without errors: {}",
            r.describe()
        );
        out
    })
}

/// The text of the first `<h1>` of a page, tags removed.
fn h1(html: &str) -> String {
    let start = html.find("<h1").expect("an <h1>");
    let open_end = start + html[start..].find('>').expect("<h1 …>") + 1;
    let close = open_end + html[open_end..].find("</h1>").expect("</h1>");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[open_end..close].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(text.trim())
}

/// The output file a root-relative link leads to, if it is one.
fn target_file(out: &Path, link: &str) -> Option<PathBuf> {
    let target = link.split(['#', '?']).next().unwrap_or_default();
    let rel = percent_decode(target.strip_prefix('/')?);
    Some(if rel.is_empty() || rel.ends_with('/') {
        out.join(&rel).join("index.html")
    } else {
        out.join(&rel)
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn the_manual_checks_without_errors() {
    let root = docs_root();
    let r = run([
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("check"),
        OsStr::new("--now"),
        OsStr::new(NOW),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    r.assert_code(0);
    let diags = parse_diags(&r.stdout);
    let errors: Vec<Diag> = diags.into_iter().filter(Diag::is_error).collect();
    assert!(
        errors.is_empty(),
        "errors in the manual:\n{}",
        list(&errors)
    );
}

#[test]
fn every_chapter_is_published_with_its_title() {
    let out = manual();
    for (rel, title) in CHAPTERS {
        let file = out.join(rel);
        assert!(file.is_file(), "{rel} is missing from the manual's output");
        assert_eq!(h1(&read_out(out, rel)), *title, "title of {rel}");
    }
}

#[test]
fn links_between_chapters_were_checked_and_rewritten() {
    // Chapters link to each other by their `.md` files, so that the build checks each link; none
    // may reach the output as a link to a Markdown file.
    let out = manual();
    let mut left = Vec::new();
    let mut between_chapters = 0;
    for (rel, _) in CHAPTERS {
        let html = read_out(out, rel);
        // The chapter's own text, not the header's navigation.
        let body = html
            .find("class=\"prose")
            .map_or("", |start| &html[start..]);
        for link in links(body) {
            if link.ends_with(".md") || link.contains(".md#") {
                left.push(format!("{rel}: {link}"));
            }
            if is_internal(&link)
                && CHAPTERS
                    .iter()
                    .any(|(r, _)| Some(out.join(r)) == target_file(out, &link))
            {
                between_chapters += 1;
            }
        }
    }
    assert!(
        left.is_empty(),
        "links to Markdown files:\n{}",
        left.join("\n")
    );
    assert!(
        between_chapters >= 50,
        "only {between_chapters} links between chapters"
    );
}

#[test]
fn internal_links_resolve_to_published_files() {
    let out = manual();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (path, html) in text_files(out, ".html") {
        for link in links(&html) {
            if !is_internal(&link) {
                continue;
            }
            checked += 1;
            match target_file(out, &link) {
                Some(file) if file.is_file() => {}
                Some(_) => broken.push(format!("{path}: {link}")),
                None => broken.push(format!("{path}: {link} is not root-relative")),
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(checked > 300, "only {checked} internal links");
    assert!(
        broken.is_empty(),
        "{} broken internal links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn every_chapter_is_reachable_from_the_home_page() {
    let out = manual();
    let chapters: BTreeSet<PathBuf> = CHAPTERS.iter().map(|(r, _)| out.join(r)).collect();
    let mut seen = BTreeSet::from([out.join("index.html")]);
    let mut queue = VecDeque::from([out.join("index.html")]);
    while let Some(page) = queue.pop_front() {
        let html = std::fs::read_to_string(&page).expect("page");
        for link in links(&html) {
            if !is_internal(&link) {
                continue;
            }
            if let Some(file) = target_file(out, &link)
                && chapters.contains(&file)
                && seen.insert(file.clone())
            {
                queue.push_back(file);
            }
        }
    }
    let unreached: Vec<_> = chapters.difference(&seen).collect();
    assert!(
        unreached.is_empty(),
        "chapters no link leads to: {unreached:?}"
    );
}

#[test]
fn the_page_of_every_code_is_what_explain_says() {
    // docs/content/errors/codes.md is `gongkai explain --all`: a code added to the program without
    // regenerating the page fails here (regenerate: gongkai explain --all > docs/content/errors/codes.md).
    let run = run(["explain", "--all"]);
    run.assert_code(0);
    let page =
        std::fs::read_to_string(docs_root().join("content/errors/codes.md")).expect("codes.md");
    assert!(
        page == run.stdout,
        "docs/content/errors/codes.md is out of date: run gongkai explain --all > docs/content/errors/codes.md"
    );
    for code in [
        "E-YAML-FULLWIDTH-COLON",
        "E-LEDGER-BROKEN",
        "W-CATALOGUE-MISSING",
        "E-SHEET",
        "E-IMAGE-HEIC",
    ] {
        assert!(page.contains(&format!("## {code}（")), "{code} missing");
    }
}
