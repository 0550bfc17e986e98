//! A build writes only the files whose bytes changed, and a build whose inputs and output are as
//! the last build left them does nothing: the real binary on a small site, with each file's
//! inode and modification time telling whether it was written again.

#![cfg(unix)]

mod common;

use common::*;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Every file below `dir` with its inode, modification time (ns) and bytes.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i128, Vec<u8>)> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk output");
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).expect("below");
        let meta = entry.metadata().expect("stat");
        let mtime = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
        let bytes = std::fs::read(entry.path()).expect("read");
        out.insert(
            rel.to_string_lossy().into_owned(),
            (meta.ino(), mtime, bytes),
        );
    }
    out
}

/// The files written again (another inode or time) between two stamps, and the files whose
/// bytes differ; a file only in one of them counts as both.
fn rewritten_and_changed(
    before: &BTreeMap<String, (u64, i128, Vec<u8>)>,
    after: &BTreeMap<String, (u64, i128, Vec<u8>)>,
) -> (Vec<String>, Vec<String>) {
    let mut rewritten = Vec::new();
    let mut changed = Vec::new();
    for (rel, (ino, mtime, bytes)) in after {
        match before.get(rel) {
            Some((i, m, b)) => {
                if (i, m) != (ino, mtime) {
                    rewritten.push(rel.clone());
                }
                if b != bytes {
                    changed.push(rel.clone());
                }
            }
            None => {
                rewritten.push(rel.clone());
                changed.push(rel.clone());
            }
        }
    }
    (rewritten, changed)
}

const UNCHANGED: &str = "没有变化，输出保持不变";

#[track_caller]
fn build(site: &TempSite, out: &Path, extra: &[&str]) -> Run {
    let run = site.build_into(out, extra);
    run.assert_code(0);
    assert!(run.stdout.contains("已生成 "), "{}", run.describe());
    run
}

#[test]
fn an_unchanged_rebuild_writes_nothing_and_says_so() {
    let site = TempSite::from_fixture("community");
    let out = site.outside("out");
    let first = build(&site, &out, &[]);
    assert!(!first.stdout.contains(UNCHANGED), "{}", first.describe());
    let before = stamps(&out);
    assert!(before.len() > 100, "{} files", before.len());
    let again = build(&site, &out, &[]);
    assert!(again.stdout.contains(UNCHANGED), "{}", again.describe());
    // The summary line is the same, and still the last line.
    let last = |r: &Run| r.stdout.lines().last().unwrap_or_default().to_string();
    let cut = |l: String| l.split("，用时").next().unwrap_or_default().to_string();
    assert_eq!(cut(last(&first)), cut(last(&again)));
    assert_eq!(
        stamps(&out),
        before,
        "an unchanged rebuild touched the output"
    );
    assert!(
        site.path(".gongkai/cache/build").is_dir(),
        "the record lives with the site's other caches"
    );
}

#[test]
fn a_changed_file_rewrites_only_the_pages_that_depend_on_it() {
    let site = TempSite::from_fixture("community");
    let out = site.outside("out");
    build(&site, &out, &[]);
    let before = stamps(&out);
    site.edit("content/meetings/2026-10-lianxi.md", |t| {
        format!("{t}\n会后补充：下次联席会议定在十二月。\n")
    });
    let run = build(&site, &out, &[]);
    assert!(!run.stdout.contains(UNCHANGED), "{}", run.describe());
    assert!(
        run.stdout.contains("写入有改动的文件 "),
        "{}",
        run.describe()
    );
    let after = stamps(&out);
    let (rewritten, changed) = rewritten_and_changed(&before, &after);
    assert!(
        changed
            .iter()
            .any(|p| p == "meetings/2026-10-lianxi/index.html"),
        "{changed:?}"
    );
    // Exactly the files whose bytes changed were written; every other file is the old one.
    assert_eq!(rewritten, changed, "files written with the same bytes");
    assert!(
        changed.len() * 5 < after.len(),
        "{} of {} files changed: {changed:?}",
        changed.len(),
        after.len()
    );
    for untouched in [
        "index.html",
        "problems/2026-001/index.html",
        "theme/site.css",
    ] {
        assert_eq!(before.get(untouched), after.get(untouched), "{untouched}");
    }
    // A removed record's pages go; nothing else of the output is left behind.
    assert_eq!(
        before.keys().filter(|k| !after.contains_key(*k)).count(),
        before
            .keys()
            .filter(|k| k.starts_with("search/") && !after.contains_key(*k))
            .count(),
        "only the search index's old chunk folder may go"
    );
}

#[test]
fn now_options_holidays_and_a_damaged_output_each_build_again() {
    let site = TempSite::from_fixture("community");
    let out = site.outside("out");
    build(&site, &out, &[]);
    let rebuilds = |extra: &[&str], why: &str| {
        let run = build(&site, &out, extra);
        assert!(!run.stdout.contains(UNCHANGED), "{why}: {}", run.describe());
        let again = build(&site, &out, extra);
        assert!(
            again.stdout.contains(UNCHANGED),
            "{why}, again: {}",
            again.describe()
        );
    };
    // Another day: statuses change, so pages do.
    let before = snapshot(&out);
    rebuilds(&["--now", "2026-12-05"], "--now");
    assert_ne!(snapshot(&out), before, "a later --now changes the pages");
    rebuilds(&["--now", "2026-12-05T10:00:00+08:00"], "--now with a time");
    rebuilds(&["--now", "2026-12-05", "--drafts"], "--drafts");
    rebuilds(
        &[
            "--now",
            "2026-12-05",
            "--base-url",
            "https://gongkai.example.org/",
        ],
        "--base-url",
    );
    site.write("holidays.yaml", "2027:\n  holidays:\n    - 2027-01-01\n");
    rebuilds(&["--now", "2026-12-05"], "holidays.yaml");
    // A file of the output changed, removed, or added by hand; the whole output removed.
    std::fs::write(out.join("index.html"), "changed by hand").expect("write");
    rebuilds(&["--now", "2026-12-05"], "an edited output file");
    assert!(read_out(&out, "index.html").contains("<!DOCTYPE html>"));
    std::fs::remove_file(out.join("about/index.html")).expect("rm");
    rebuilds(&["--now", "2026-12-05"], "a removed output file");
    assert!(out.join("about/index.html").is_file());
    std::fs::write(out.join("stray.txt"), "x").expect("write");
    rebuilds(&["--now", "2026-12-05"], "an added output file");
    assert!(!out.join("stray.txt").exists());
    std::fs::remove_dir_all(&out).expect("rm -r");
    rebuilds(&["--now", "2026-12-05"], "a removed output");
    assert!(out.join("index.html").is_file());
    // Deleting the record is always safe: the next build is a full one.
    std::fs::remove_dir_all(site.path(".gongkai/cache/build")).expect("rm -r");
    rebuilds(&["--now", "2026-12-05"], "no record");
}

#[test]
fn a_failed_build_leaves_the_output_and_its_files_as_they_were() {
    let site = TempSite::from_fixture("community");
    let out = site.outside("out");
    build(&site, &out, &[]);
    let before = stamps(&out);
    site.edit("content/meetings/2026-10-lianxi.md", |t| {
        t.replacen("title:", "titel:", 1)
    });
    let run = site.build_into(&out, &[]);
    run.assert_code(1);
    assert_eq!(stamps(&out), before, "a failed build touched the output");
    // Put right, the site builds; a warning is shown again by a build that has nothing to do.
    site.edit("content/meetings/2026-10-lianxi.md", |t| {
        format!("{}\n联系人：待填写\n", t.replacen("titel:", "title:", 1))
    });
    let fixed = build(&site, &out, &[]);
    assert!(
        fixed.stderr.contains("W-PLACEHOLDER"),
        "{}",
        fixed.describe()
    );
    let again = build(&site, &out, &[]);
    assert!(again.stdout.contains(UNCHANGED), "{}", again.describe());
    assert_eq!(fixed.stderr, again.stderr, "the same warnings, shown again");
}

/// Without `--now`, today is the site's day by the clock: a second build the same day does
/// nothing. (A build just before midnight and one just after differ in the day: both build.)
#[test]
fn without_now_an_unchanged_rebuild_the_same_day_does_nothing() {
    let site = TempSite::from_fixture("minimal");
    let out = site.outside("out");
    let args = [
        "--root".to_string(),
        site.root().display().to_string(),
        "build".into(),
        "--output".into(),
        out.display().to_string(),
    ];
    let first = run(&args);
    first.assert_code(0);
    assert!(!first.stdout.contains(UNCHANGED), "{}", first.describe());
    let before = stamps(&out);
    let again = run(&args);
    again.assert_code(0);
    if again.stdout.contains(UNCHANGED) {
        assert_eq!(stamps(&out), before);
    } else {
        // The site's midnight fell between the two runs: the next one is the same day.
        let third = run(&args);
        assert!(third.stdout.contains(UNCHANGED), "{}", third.describe());
    }
}
