//! No panic, ever: valid fixture records corrupted by a seeded pseudo-random mutator must give
//! exit 0 or 1 (in-process through `gongkai::pipeline::build::run` for speed, and through the real binary),
//! within a time bound. Also: output directories that would destroy the site are refused.

mod common;

use common::*;
use gongkai::pipeline::build::{Options, Outcome};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Per-run bound. Generous for a debug build on a busy machine; a hang or a runaway is far slower.
const RUN_BOUND: Duration = Duration::from_secs(30);
/// The runs that carry a 3 MB line.
const HUGE_BOUND: Duration = Duration::from_secs(90);

/// xorshift64*: deterministic, no crate needed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

/// Values that break YAML and the readers in different ways.
const NASTY_VALUES: &[&str] = &[
    "[",
    "{",
    "]",
    "}",
    "*a",
    "&a",
    "&a [*a]",
    "!!binary",
    "!!binary aGVsbG8=",
    "!!python/object:os.system",
    "!<tag:yaml.org,2002:str> x",
    "99999999999999999999999999999999",
    "-99999999999999999999",
    "18446744073709551616",
    "4294967296",
    "-1",
    "0",
    "1e999",
    "NaN",
    ".inf",
    "~",
    "null",
    "\"\"",
    "\"",
    "'",
    "|",
    ">-",
    "? x",
    "- x",
    "---",
    "...",
    "%YAML 1.2",
    "<<: *a",
    "{a: [b, {c: d}]}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]",
    "2026-02-29",
    "0000-01-01",
    "9999-12-31",
    "-2026-01-01",
    "+2026-01-01",
    "2026-11-21T25:61:00Z",
    "2026-11-21T09:00:00+99:00",
    "true",
    "公示",
    "已办结",
    "grid-1",
    "2026-10-lianxi",
    "../../../etc/passwd",
    "/etc/passwd",
    "13912345678",
    "11010519491231002X",
    "\u{202e}\u{200b}\u{feff}",
    "\t",
    "a: b: c",
    "#",
    "@",
    "`",
    "%",
];

/// Lines dropped into bodies that leave a record valid: odd markup, never a broken link.
const ODD_MARKUP: &[&str] = &[
    "[x](#)",
    "[x](https://example.cn/<script>)",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[^1]\n\n[^1]: [^1]",
    "[^x]: 脚注",
    "| a | b |\n|---|---|\n| 1 |",
    "```rust\nfn main() {\n```",
    "```\u{0}\n```",
    "~~~",
    "> > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > >",
    "- [ ] - [x] - [ ]",
    "<!--",
    "&#0; &#xD800; &#1114112;",
    "\u{0}\u{1}\u{7f}",
    "\r\r\n\r",
    "---",
    "***",
    "# # # #",
    "![](https://example.cn/a.png)",
];

/// Lines dropped into bodies that point at what does not exist (or must not be reached).
const BAD_LINKS: &[&str] = &[
    "[x](../../../../etc/passwd)",
    "[x](nowhere.md)",
    "[x](./)",
    "![](",
    "![x](%ZZ%)",
    "[x](%E4%B8%AD.md)",
    "[^x]: ![](missing.png)",
    "| a | b |\n|---|---|\n| [x](nowhere.md) |",
];

fn nested_emphasis() -> String {
    let mut s = "*".repeat(5000);
    s.push('x');
    s.push_str(&"*".repeat(5000));
    s
}

/// One mutation of a file's bytes.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, allow_huge: bool) -> &'static str {
    let lines = |b: &[u8]| -> Vec<Vec<u8>> {
        b.split_inclusive(|&c| c == b'\n')
            .map(<[u8]>::to_vec)
            .collect()
    };
    let kind = rng.below(if allow_huge { 15 } else { 14 });
    match kind {
        0 => {
            let at = rng.below(bytes.len() + 1);
            bytes.truncate(at);
            "truncate"
        }
        1..=3 => {
            let mut ls = lines(bytes);
            if ls.is_empty() {
                return "noop";
            }
            let i = rng.below(ls.len());
            let name = match kind {
                1 => {
                    ls.remove(i);
                    "delete line"
                }
                2 => {
                    let l = ls[i].clone();
                    ls.insert(i, l);
                    "duplicate line"
                }
                _ => {
                    let j = rng.below(ls.len());
                    ls.swap(i, j);
                    "swap lines"
                }
            };
            *bytes = ls.concat();
            name
        }
        4 => {
            let junk: &[&[u8]] = &[
                b"\0",
                b"\xff",
                b"\xfe\xff",
                b"\xc3",
                b"\xe4\xb8",
                b"\xed\xa0\x80",
                b"\xf4\x90\x80\x80",
                b"\x80\x80",
                b"\r",
                b"\t",
                b"\x1b[31m",
                b"\xef\xbb\xbf",
            ];
            let at = rng.below(bytes.len() + 1);
            let j = rng.pick(junk);
            bytes.splice(at..at, j.iter().copied());
            "insert bytes"
        }
        5 => {
            let mut ls = lines(bytes);
            if ls.is_empty() {
                return "noop";
            }
            let i = rng.below(ls.len());
            let prefix: &[u8] = match rng.below(4) {
                0 => b"  ",
                1 => b"\t",
                2 => b"     ",
                _ => {
                    let n = ls[i].iter().take_while(|&&c| c == b' ').count();
                    ls[i].drain(..n);
                    b""
                }
            };
            ls[i].splice(0..0, prefix.iter().copied());
            *bytes = ls.concat();
            "indentation"
        }
        6..=8 => {
            // Replace a value (what follows the first ": " of a line) with a nasty one.
            let mut ls = lines(bytes);
            let candidates: Vec<usize> = (0..ls.len())
                .filter(|&i| ls[i].windows(2).any(|w| w == b": "))
                .collect();
            if candidates.is_empty() {
                return "noop";
            }
            let i = *rng.pick(&candidates);
            let at = ls[i].windows(2).position(|w| w == b": ").unwrap_or(0) + 2;
            let v = rng.pick_str(NASTY_VALUES);
            ls[i].truncate(at);
            ls[i].extend_from_slice(v.as_bytes());
            ls[i].push(b'\n');
            *bytes = ls.concat();
            "nasty value"
        }
        9 => {
            // A list item or map entry where a scalar was.
            let mut ls = lines(bytes);
            if ls.len() < 2 {
                return "noop";
            }
            let i = 1 + rng.below(ls.len() - 1);
            let inserts: &[&[u8]] = &[
                b"  - x\n",
                b"  a: b\n",
                b"- \n",
                b": \n",
                b"title:\n",
                b"date:\n  - 2026-01-01\n",
                b"items:\n  - {}\n",
                b"echo: []\n",
                b"publicity: {start: 2026-01-01, working_days: 99999}\n",
                b"round: 99999999999\n",
                b"attendance: {expected: 4294967295, present: 4294967295, on_leave: 4294967295}\n",
            ];
            let ins = rng.pick(inserts);
            ls.insert(i, ins.to_vec());
            *bytes = ls.concat();
            "insert structure"
        }
        10 => {
            // Body garbage after the front matter (keeps the record parseable, so render runs).
            let mut s = String::from_utf8_lossy(bytes).into_owned();
            s.push('\n');
            s.push_str(if rng.below(2) == 0 {
                rng.pick_str(ODD_MARKUP)
            } else {
                rng.pick_str(BAD_LINKS)
            });
            s.push('\n');
            *bytes = s.into_bytes();
            "body markup"
        }
        11 => {
            let mut s = String::from_utf8_lossy(bytes).into_owned();
            s.push_str("\n\n");
            s.push_str(&nested_emphasis());
            s.push_str("\n\n");
            s.push_str(&"[".repeat(3000));
            s.push_str(&"](x)".repeat(10));
            *bytes = s.into_bytes();
            "deep markup"
        }
        12 => {
            // Remove the closing front-matter line, or add a stray one.
            let mut ls = lines(bytes);
            if let Some(i) = ls.iter().skip(1).position(|l| l.starts_with(b"---")) {
                ls.remove(i + 1);
            } else {
                ls.insert(0, b"---\n".to_vec());
            }
            *bytes = ls.concat();
            "front matter fence"
        }
        13 => {
            let lens = [1usize, 64, 4096, 100_000];
            let n = *rng.pick(&lens);
            let at = rng.below(bytes.len() + 1);
            let filler = if rng.below(2) == 0 {
                "好".repeat(n).into_bytes()
            } else {
                vec![b'9'; n]
            };
            bytes.splice(at..at, filler);
            "long run"
        }
        _ => {
            insert_huge_line(rng, bytes);
            "3 MB line"
        }
    }
}

/// A 3 MB line at a random line (under the 4 MB limit of a Markdown file). Bare (no key): in the
/// front matter a 3 MB scalar for the YAML parser, in the body a 3 MB paragraph for the renderer. (As a `summary:` value it would be
/// copied onto every list page, which is slow in a debug build without being a bug.)
fn insert_huge_line(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let mut ls: Vec<Vec<u8>> = bytes
        .split_inclusive(|&c| c == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    let i = rng.below(ls.len() + 1);
    let mut line = vec![b'x'; 3 << 20];
    line.push(b'\n');
    ls.insert(i, line);
    *bytes = ls.concat();
}

/// The files a mutation may hit: every Markdown file and site.yaml.
fn targets(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| {
            e.file_type().is_file()
                && (e.path().extension().is_some_and(|x| x == "md") || e.file_name() == "site.yaml")
        })
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

/// Mutates `count` random files of the site (site.yaml only now and then: it stops everything else).
fn corrupt(rng: &mut Rng, root: &Path, count: usize, allow_huge: bool) -> Vec<String> {
    let files = targets(root);
    let mut log = Vec::new();
    for _ in 0..count {
        let mut f = rng.pick(&files).clone();
        if f.ends_with("site.yaml") && rng.below(4) != 0 {
            f = rng.pick(&files).clone();
        }
        let mut bytes = std::fs::read(&f).expect("read");
        let what = mutate(rng, &mut bytes, allow_huge);
        std::fs::write(&f, &bytes).expect("write");
        log.push(format!(
            "{} ← {what}",
            f.strip_prefix(root).unwrap_or(&f).display()
        ));
    }
    log
}

enum Ran {
    Ok(usize),
    Errors(usize),
    BadNow,
}

/// `build::run` on another thread, with a panic caught and a time bound.
fn run_in_process(root: &Path, output: Option<PathBuf>, bound: Duration) -> Result<Ran, String> {
    let (tx, rx) = mpsc::channel();
    let opts = Options {
        root: root.to_path_buf(),
        output,
        now: Some(NOW.into()),
        drafts: false,
        base_url: None,
    };
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            gongkai::pipeline::build::run(&opts)
        }));
        let _ = tx.send(result.map(|o| match o {
            Outcome::Done { files, .. } => Ran::Ok(files),
            Outcome::Failed(diags) => Ran::Errors(diags.len()),
            Outcome::BadNow(_) => Ran::BadNow,
        }));
    });
    match rx.recv_timeout(bound) {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(panic)) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("PANIC: {msg}"))
        }
        Err(_) => Err(format!("no answer within {bound:?}")),
    }
}

#[test]
fn random_corruption_never_panics_in_process() {
    let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let (mut builds, mut mutations, mut ok, mut failed) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    let mut record = |name: String,
                      result: Result<Ran, String>,
                      took: Duration,
                      ok: &mut usize,
                      failed: &mut usize| {
        if took > slowest.0 {
            slowest = (took, name.clone());
        }
        match result {
            Ok(Ran::Ok(files)) => {
                assert!(files > 10, "{name}: a build writes its pages");
                *ok += 1;
            }
            Ok(Ran::Errors(n)) => {
                assert!(
                    n > 0,
                    "{name}: a failed build reports at least one diagnostic"
                );
                *failed += 1;
            }
            Ok(Ran::BadNow) => failures.push(format!("{name}: --now {NOW} refused")),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    };
    // Several files of a site corrupted at once, front matter and body alike.
    for round in 0..30 {
        let fixture_name = if round % 5 == 0 {
            "community"
        } else {
            "minimal"
        };
        let site = TempSite::from_fixture(fixture_name);
        let count = 4 + rng.below(6);
        let mut log = corrupt(&mut rng, &site.root(), count, false);
        if round == 17 {
            // Once for sure: a 3 MB paragraph at the end of a record's body.
            let f = site.path("content/about.md");
            let mut bytes = std::fs::read(&f).expect("read");
            bytes.extend_from_slice(b"\n\n");
            bytes.extend(std::iter::repeat_n(b'x', 3 << 20));
            bytes.push(b'\n');
            std::fs::write(&f, bytes).expect("write");
            log.push("content/about.md ← 3 MB paragraph".into());
        }
        mutations += log.len();
        let output = (round % 4 == 0).then(|| site.outside("out"));
        let bound = if log.iter().any(|l| l.contains("3 MB")) {
            HUGE_BOUND
        } else {
            RUN_BOUND
        };
        builds += 1;
        let t = Instant::now();
        let result = run_in_process(&site.root(), output, bound);
        let name = format!("round {round} ({fixture_name}):\n  {}", log.join("\n  "));
        record(name, result, t.elapsed(), &mut ok, &mut failed);
    }
    // Odd markup in every body of a site at once: the records stay valid, so everything renders.
    for round in 0..6 {
        let site = TempSite::from_fixture("community");
        for f in targets(&site.root())
            .into_iter()
            .filter(|f| !f.ends_with("site.yaml"))
        {
            let mut s = std::fs::read_to_string(&f).expect("read");
            for _ in 0..1 + rng.below(2) {
                s.push_str("\n\n");
                s.push_str(rng.pick_str(ODD_MARKUP));
                s.push('\n');
                mutations += 1;
            }
            std::fs::write(&f, s).expect("write");
        }
        let mut bound = RUN_BOUND;
        if round == 3 {
            // A 3 MB paragraph in a record that is otherwise fine: it is rendered and written.
            let f = site.path("content/about.md");
            let mut bytes = std::fs::read(&f).expect("read");
            bytes.extend_from_slice(b"\n\n");
            bytes.extend(std::iter::repeat_n(b'x', 3 << 20));
            bytes.push(b'\n');
            std::fs::write(&f, bytes).expect("write");
            mutations += 1;
            bound = HUGE_BOUND;
        }
        builds += 1;
        let t = Instant::now();
        let result = run_in_process(&site.root(), Some(site.outside("out")), bound);
        if round == 3 {
            let page = site.outside("out").join("about/index.html");
            let len = std::fs::metadata(&page).map(|m| m.len()).unwrap_or(0);
            assert!(
                len > 3 << 20,
                "the 3 MB paragraph is published ({len} bytes)"
            );
        }
        record(
            format!("markup round {round}"),
            result,
            t.elapsed(),
            &mut ok,
            &mut failed,
        );
    }
    eprintln!(
        "{builds} builds, {mutations} mutations: {ok} built, {failed} refused, in {:.1}s; slowest {:.1}s: {}",
        started.elapsed().as_secs_f64(),
        slowest.0.as_secs_f64(),
        slowest.1
    );
    assert!(
        failures.is_empty(),
        "{} runs went wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(mutations >= 300, "only {mutations} mutations");
    // The corpus must exercise both outcomes, or the test proves little.
    assert!(ok >= 3 && failed >= 15, "{ok} built, {failed} refused");
}

#[test]
fn random_corruption_never_panics_in_the_binary() {
    let mut rng = Rng::new(20_261_121);
    let mut failures = Vec::new();
    let mut codes = std::collections::BTreeMap::new();
    for round in 0..10 {
        let site = TempSite::from_fixture(if round % 2 == 0 {
            "minimal"
        } else {
            "community"
        });
        let huge = round == 5;
        let count = 2 + rng.below(4);
        let mut log = corrupt(&mut rng, &site.root(), count, false);
        if huge {
            let f = site.path("content/about.md");
            let mut b = std::fs::read(&f).expect("read");
            let mut line = b"\n".to_vec();
            line.extend(std::iter::repeat_n(b'y', 3 << 20));
            b.extend(line);
            std::fs::write(&f, b).expect("write");
            log.push("content/about.md ← 3 MB body line".into());
        }
        let out = site.outside("out");
        let root = site.root();
        let args = if round % 3 == 0 {
            vec![
                "--root".to_string(),
                root.display().to_string(),
                "check".into(),
                "--now".into(),
                NOW.into(),
                "--format".into(),
                "json".into(),
            ]
        } else {
            vec![
                "--root".to_string(),
                root.display().to_string(),
                "build".into(),
                "--now".into(),
                NOW.into(),
                "--output".into(),
                out.display().to_string(),
            ]
        };
        let r = run_with_timeout(&args, if huge { HUGE_BOUND } else { RUN_BOUND });
        *codes.entry(r.code).or_insert(0) += 1;
        let good = matches!(r.code, Some(0) | Some(1)) && !r.panicked() && !r.timed_out;
        if !good {
            failures.push(format!(
                "round {round}: {}\n  {}",
                r.describe(),
                log.join("\n  ")
            ));
        }
        if r.code == Some(1) && args[2] == "build" {
            assert!(
                !out.exists(),
                "round {round}: a failed build wrote {}",
                out.display()
            );
        }
        if args[2] == "check" && r.code.is_some() {
            // Whatever happened, the JSON is one array.
            parse_diags(&r.stdout);
        }
    }
    assert!(
        failures.is_empty(),
        "{} runs went wrong:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(codes.contains_key(&Some(1)), "{codes:?}");
}

#[test]
fn odd_site_layouts_never_panic() {
    type Setup = fn(&TempSite);
    let setups: &[(&str, Setup)] = &[
        ("site.yaml is a directory", |s| {
            s.remove("site.yaml");
            std::fs::create_dir_all(s.path("site.yaml")).expect("mkdir");
        }),
        ("content is a file", |s| {
            s.remove("content");
            s.write("content", "not a folder");
        }),
        ("no content at all", |s| {
            s.remove("content");
        }),
        ("NUL bytes in site.yaml", |s| {
            s.write_bytes(
                "site.yaml",
                b"title: \0\ncommunity: \0\nbase_url: https://x.cn/\0\n",
            );
        }),
        ("invalid UTF-8 site.yaml", |s| {
            s.write_bytes("site.yaml", b"title: \xff\xfe\n");
        }),
        ("a file named .md", |s| {
            s.write("content/notices/.md", "---\ntitle: x\n---\n");
        }),
        ("a Markdown file that is empty", |s| {
            s.write("content/notices/empty.md", "");
        }),
        ("only an opening fence", |s| {
            s.write("content/problems/fence.md", "---");
        }),
        ("CRLF and a BOM everywhere", |s| {
            for f in targets(&s.root()) {
                let t = std::fs::read_to_string(&f).expect("read");
                std::fs::write(&f, format!("\u{feff}{}", t.replace('\n', "\r\n"))).expect("write");
            }
        }),
        ("deeply nested folders", |s| {
            let deep = (0..60)
                .map(|i| format!("d{i}"))
                .collect::<Vec<_>>()
                .join("/");
            s.write(
                &format!("content/{deep}/page.md"),
                "---\ntitle: 深\n---\n\n[上](../page.md)\n",
            );
        }),
        (
            "an index.md outside a bundle folder and an _index.md with garbage",
            |s| {
                s.write("content/index.md", "---\ntitle: 首页？\n---\n");
                s.write("content/_index.md", "---\n[\n---\n");
            },
        ),
        ("a bundle without index.md and stray assets", |s| {
            s.write_bytes("content/notices/loose/photo.png", b"\x89PNG\r\n\x1a\n");
            s.write_bytes("content/x.bin", b"\0\0\0");
        }),
        ("holidays.yaml full of junk", |s| {
            s.write("holidays.yaml", "2026: [\n99999: x\n-5: {holidays: [a]}\n");
        }),
        ("templates/ with a broken template", |s| {
            s.write("templates/page.html", "{% block %}{{ record. }}");
        }),
        ("a theme that does not exist", |s| {
            s.edit("site.yaml", |t| format!("{t}theme: nowhere\n"));
        }),
        ("file names with spaces, newlines and Han", |s| {
            s.write("content/guide/a b.md", "---\ntitle: 空格\n---\n");
            s.write("content/guide/换\n行.md", "---\ntitle: 换行\n---\n");
            s.write("content/guide/%41%2F.md", "---\ntitle: 百分号\n---\n");
        }),
        ("a huge number of tiny records", |s| {
            for i in 0..300 {
                s.write(
                    &format!("content/guide/p{i}.md"),
                    &format!(
                        "---\ntitle: 第{i}页\ntags: [标签{}]\n---\n\n[下一页](p{}.md)\n",
                        i % 7,
                        (i + 1) % 300
                    ),
                );
            }
        }),
    ];
    let mut failures = Vec::new();
    for (name, setup) in setups {
        let site = TempSite::from_fixture("minimal");
        setup(&site);
        let out = site.outside("out");
        let r = site.build_into(&out, &[]);
        if !matches!(r.code, Some(0) | Some(1)) || r.panicked() {
            failures.push(format!("{name}: {}", r.describe()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------- output directories that must be refused

fn refused(site: &TempSite, out: &Path) {
    let before_site = snapshot(&site.root());
    let r = site.build_into(out, &[]);
    assert_eq!(
        r.code,
        Some(1),
        "output {} must be refused: {}",
        out.display(),
        r.describe()
    );
    assert!(r.stderr.contains("error["), "{}", r.describe());
    assert!(is_chinese(&r.stderr));
    let diff = snapshot_diff(&before_site, &snapshot(&site.root()));
    assert!(diff.is_empty(), "the site was changed: {diff:?}");
}

#[test]
fn output_equal_to_the_site_root_is_refused() {
    let site = TempSite::from_fixture("minimal");
    refused(&site, &site.root());
    // Also when written relative to the root through `..`.
    refused(&site, &site.root().join("content").join(".."));
}

#[test]
fn output_inside_content_or_static_is_refused() {
    let site = TempSite::from_fixture("minimal");
    std::fs::create_dir_all(site.path("static")).expect("mkdir");
    for inside in [
        "content",
        "content/out",
        "content/notices/out",
        "static/out",
    ] {
        refused(&site, &site.path(inside));
        if inside.ends_with("out") {
            assert!(!site.path(inside).exists(), "{inside} was created");
        }
    }
}

#[test]
fn output_containing_the_site_is_refused() {
    let site = TempSite::from_fixture("minimal");
    refused(&site, site.dir.path());
}

#[test]
fn output_that_is_another_site_is_refused() {
    let site = TempSite::from_fixture("minimal");
    let other = site.outside("other-site");
    copy_dir(&fixture("community"), &other);
    let before = snapshot(&other);
    refused(&site, &other);
    assert!(
        snapshot_diff(&before, &snapshot(&other)).is_empty(),
        "another site's folder was touched"
    );
}

#[test]
fn output_not_made_by_gongkai_is_refused_whatever_it_holds() {
    let site = TempSite::from_fixture("minimal");
    // Another generator's site: it has an index.html, but no marker of ours.
    let hugo = site.outside("public");
    std::fs::create_dir_all(hugo.join("posts")).expect("mkdir");
    std::fs::write(hugo.join("index.html"), "<h1>hugo</h1>").expect("write");
    std::fs::write(hugo.join("posts/a.html"), "a").expect("write");
    let before = snapshot(&hugo);
    refused(&site, &hugo);
    assert!(
        snapshot_diff(&before, &snapshot(&hugo)).is_empty(),
        "touched"
    );
    // What gongkai made it replaces, and an empty folder is fine.
    let ours = site.build_ok("ours", &[]);
    assert!(ours.join(".gongkai-output").is_file());
    site.build_ok("ours", &[]);
    std::fs::create_dir_all(site.outside("empty")).expect("mkdir");
    site.build_ok("empty", &[]);
}

#[test]
fn output_beside_the_site_is_fine_and_replaced_on_rebuild() {
    let site = TempSite::from_fixture("minimal");
    let out = site.build_ok("out", &[]);
    std::fs::write(out.join("stale.html"), "old").expect("write");
    let out = site.build_ok("out", &[]);
    assert!(
        !out.join("stale.html").exists(),
        "a rebuild replaces the whole output"
    );
    // The default output is output/ under the root.
    let root = site.root();
    let r = run([
        std::ffi::OsStr::new("--root"),
        root.as_os_str(),
        std::ffi::OsStr::new("build"),
        std::ffi::OsStr::new("--now"),
        std::ffi::OsStr::new(NOW),
    ]);
    r.assert_code(0);
    assert!(site.path("output/index.html").is_file());
    // …and building again does not pick up the output as content.
    let r = run([
        std::ffi::OsStr::new("--root"),
        root.as_os_str(),
        std::ffi::OsStr::new("build"),
        std::ffi::OsStr::new("--now"),
        std::ffi::OsStr::new(NOW),
    ]);
    r.assert_code(0);
}

#[test]
fn thousands_of_tags_on_one_record_are_refused_quickly_and_a_few_dozen_are_fine() {
    let site = TempSite::from_fixture("minimal");
    let many: String = (0..10_000).map(|i| format!("  - 标签{i}\n")).collect();
    site.write(
        "content/notices/tags.md",
        &format!("---\ntitle: 标签很多的公告\ndate: 2026-11-01\nkind: announcement\ntags:\n{many}---\n\n正文。\n"),
    );
    let (run, diags) = site.check();
    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert!(
        run.elapsed < std::time::Duration::from_secs(10),
        "{:?}",
        run.elapsed
    );
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{}", list(&diags));
    assert_eq!(errors[0].file, "content/notices/tags.md");
    assert!(errors[0].message.contains("50"), "{}", errors[0].message);

    // 40 tags: built; the record's page links all of them, a tag page's card only the first few.
    let forty: String = (0..40).map(|i| format!("  - 标签{i}\n")).collect();
    site.write(
        "content/notices/tags.md",
        &format!("---\ntitle: 标签很多的公告\ndate: 2026-11-01\nkind: announcement\ntags:\n{forty}---\n\n正文。\n"),
    );
    let out = site.build_ok("out", &[]);
    let page = read_out(&out, "notices/tags/index.html");
    assert!(page.contains("标签39"), "the record's page lists every tag");
    let data = read_json(&out, "data/notices.json");
    let record = data
        .as_array()
        .and_then(|a| a.iter().find(|n| n["slug"] == "tags"))
        .expect("exported");
    assert_eq!(
        record["tags"].as_array().map(Vec::len),
        Some(40),
        "exports carry every tag"
    );
    assert!(
        out.join("tags/biao-qian-39/index.html").is_file()
            || out.join("tags/biaoqian39/index.html").is_file()
    );
}

/// The content-size attacks of a single page, refused where they pass a limit, each with one error
/// of its own code and nothing else of the file: a table too large, a page of too many elements,
/// and a file at the size limit made of emphasis; and a file of 120 broken links lists 50 of them
/// and one line counting the rest.
#[test]
fn pages_over_a_size_limit_are_refused_at_the_place_with_one_error() {
    let site = TempSite::from_fixture("minimal");
    let front = "---\ntitle: 很大的公告\ndate: 2026-11-01\nkind: announcement\n---\n\n";
    let row = "|a|b|c|d|e|f|g|h|i|j|\n";
    // Header + 9,999 rows is 100,000 cells, the limit; the next row passes it at its first cell.
    let table = format!("{row}|-|-|-|-|-|-|-|-|-|-|\n{}|x|\n", row.repeat(9_999));
    site.write("content/notices/table.md", &format!("{front}{table}"));
    let many = "*a* ".repeat(200_001);
    site.write("content/notices/many.md", &format!("{front}{many}\n"));
    // At the size limit of a Markdown file (4 MB): refused by the element limit, not slowly built.
    let huge = "*a* ".repeat((4 * 1024 * 1024 - front.len() - 1) / 4);
    site.write("content/notices/huge.md", &format!("{front}{huge}\n"));
    // An embedded spreadsheet's cells count too: 10 columns × 10,001 rows.
    let csv: String = (0..10_001)
        .map(|i| format!("{i},a,b,c,d,e,f,g,h,i\n"))
        .collect();
    site.write("content/notices/sheet/list.csv", &csv);
    site.write(
        "content/notices/sheet/index.md",
        &format!("{front}名单如下：\n\n![名单](list.csv)\n"),
    );
    let links: String = (0..120)
        .map(|i| format!("[附件{i}](missing-{i}.pdf)\n\n"))
        .collect();
    site.write("content/notices/links.md", &format!("{front}{links}"));
    let (run, diags) = site.check();
    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert!(run.elapsed < HUGE_BOUND, "{:?}", run.elapsed);
    let of = |file: &str| -> Vec<&Diag> {
        diags
            .iter()
            .filter(|d| d.file == format!("content/notices/{file}"))
            .collect()
    };
    let t = of("table.md");
    assert_eq!(t.len(), 1, "{}", list(&diags));
    assert_eq!(
        (t[0].code.as_str(), t[0].line, t[0].column),
        ("E-TABLE-TOO-LARGE", 7 + 10_001, 2)
    );
    assert!(t[0].message.contains("100000"), "{}", t[0].message);
    // The paragraph and 199,999 emphases are the limit; the next emphasis passes it.
    for (file, column) in [("many.md", 4 * 199_999 + 1), ("huge.md", 4 * 199_999 + 1)] {
        let m = of(file);
        assert_eq!(m.len(), 1, "{file}: {}", list(&diags));
        assert_eq!(
            (m[0].code.as_str(), m[0].line, m[0].column),
            ("E-PAGE-TOO-LARGE", 7, column)
        );
        assert!(is_chinese(&m[0].help));
    }
    let sheet = of("sheet/index.md");
    assert_eq!(sheet.len(), 1, "{}", list(&diags));
    assert_eq!(
        (sheet[0].code.as_str(), sheet[0].line),
        ("E-TABLE-TOO-LARGE", 9)
    );
    let l = of("links.md");
    assert_eq!(l.len(), 51, "{}", list(&diags));
    assert!(l[..50].iter().all(|d| d.code == "E-LINK"));
    assert_eq!((l[0].line, l[49].line), (7, 7 + 2 * 49));
    assert_eq!((l[50].code.as_str(), l[50].line), ("E-MORE", 7 + 2 * 50));
    assert!(
        l[50]
            .message
            .contains("还有 70 个问题没有列出（70 个错误、0 个警告）"),
        "{}",
        l[50].message
    );
    // The text form ends with the count of what was listed.
    let text = common::run([
        std::ffi::OsStr::new("--root"),
        site.root().as_os_str(),
        std::ffi::OsStr::new("check"),
    ]);
    assert!(text.stderr.contains("error[E-MORE]"), "{}", text.stderr);
}
