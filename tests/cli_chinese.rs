//! The command line speaks Chinese: `--help` of the binary and of every command, a mistake on the
//! command line (exit 2), the build's summary line, and `explain` for every code.

mod common;

use common::*;

/// clap's own English words that must not appear in any help or command-line error.
const CLAP_WORDS: &[&str] = &[
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Print help",
    "Print version",
    "possible values",
    "default",
    "error:",
    "For more information",
    "tip:",
    "unexpected",
    "unrecognized",
    "required",
];

fn assert_no_clap_english(text: &str) {
    for w in CLAP_WORDS {
        assert!(!text.contains(w), "English {w:?} in:\n{text}");
    }
}

#[test]
fn help_of_the_binary_and_every_command_is_chinese() {
    let commands = [
        "build", "serve", "check", "new", "init", "explain", "publish",
    ];
    let top = run(["--help"]);
    top.assert_code(0);
    assert!(
        top.stdout.contains("用法：gongkai [选项] <命令>"),
        "{}",
        top.stdout
    );
    for c in commands {
        assert!(
            top.stdout.contains(&format!("  {c} ")),
            "{c} listed: {}",
            top.stdout
        );
    }
    assert_no_clap_english(&top.stdout);
    for c in commands {
        for flag in ["--help", "-h"] {
            let r = run([c, flag]);
            r.assert_code(0);
            assert!(
                r.stdout.contains(&format!("用法：gongkai {c}")),
                "{c}: {}",
                r.stdout
            );
            assert!(r.stdout.contains("显示这段帮助"), "{c}: {}", r.stdout);
            assert!(is_chinese(&r.stdout), "{c}");
            assert_no_clap_english(&r.stdout);
        }
    }
    let v = run(["--version"]);
    v.assert_code(0);
    assert!(v.stdout.starts_with("gongkai "), "{}", v.stdout);
}

/// The commands the binary lists under 命令：in its help.
fn listed_commands(top_help: &str) -> Vec<String> {
    let section = top_help
        .split_once("\n命令：\n")
        .map(|(_, rest)| rest)
        .expect("a 命令： section");
    section
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// The ASCII words a help text may hold besides the commands: what a person types. Values of
/// options and arguments, the names of the site's files, folders and fields the help points to.
const TYPED: &[&str] = &[
    "gongkai",
    "text",
    "json",
    "meeting",
    "notice",
    "problem",
    "service",
    "page",
    "site.yaml",
    "content/",
    "static/",
    "output/",
    "ledger/",
    "draft",
    "true",
    "base_url",
];

/// Every piece of a help text with an ASCII letter in it that is not a command, a flag (`--now`,
/// `-h`), a value or name from `TYPED`, a diagnostic code (`E-FIELD-MISSING`), a date or time
/// (`2026-11-21T09:00:00+08:00`) or an example address (`https://…`).
fn stray_ascii_words(help: &str, commands: &[String]) -> Vec<String> {
    let separators = |c: char| {
        c.is_whitespace()
            || "（）「」“”：；，、。[]<>|()\"'".contains(c)
            || !c.is_ascii() && !c.is_alphanumeric()
            || ('\u{4e00}'..='\u{9fff}').contains(&c)
    };
    help.split(separators)
        .map(|t| t.trim_end_matches(['.', ':', ',', ';']))
        .filter(|t| t.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|t| {
            let is_flag = t.starts_with('-');
            let is_code = t
                .strip_prefix("E-")
                .or_else(|| t.strip_prefix("W-"))
                .is_some_and(|rest| {
                    rest.chars()
                        .all(|c| c.is_ascii_uppercase() || c == '-' || c.is_ascii_digit())
                });
            // A full address, or a path typed after the site's address (`/__gongkai/edit/`).
            let is_address = t.contains("://") || t.starts_with('/');
            // A date or time typed as a value: `2026-11-21T09:00:00+08:00`.
            let is_number = t.starts_with(|c: char| c.is_ascii_digit());
            !(is_flag
                || is_number
                || is_code
                || is_address
                || TYPED.contains(t)
                || commands.iter().any(|c| c == t))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn help_has_chinese_headings_and_no_ascii_word_but_what_a_person_types() {
    let top = run(["--help"]);
    top.assert_code(0);
    let commands = listed_commands(&top.stdout);
    assert_eq!(
        commands,
        [
            "build", "serve", "check", "new", "init", "explain", "publish"
        ],
        "{}",
        top.stdout
    );
    let mut helps = vec![("gongkai --help".to_string(), top.stdout.clone())];
    helps.push(("gongkai -h".to_string(), run(["-h"]).stdout));
    for c in &commands {
        for flag in ["--help", "-h"] {
            let r = run([c.as_str(), flag]);
            r.assert_code(0);
            assert!(r.stderr.is_empty(), "{c} {flag}: {}", r.stderr);
            helps.push((format!("gongkai {c} {flag}"), r.stdout));
        }
    }
    for (what, help) in &helps {
        assert!(help.contains("\n用法：gongkai"), "{what}:\n{help}");
        assert!(help.contains("\n选项：\n"), "{what}:\n{help}");
        assert!(help.contains("显示这段帮助"), "{what}:\n{help}");
        // No heading of clap's own, in any language: a line ending in an ASCII colon.
        for line in help.lines() {
            assert!(!line.trim_end().ends_with(':'), "{what}: heading {line:?}");
        }
        let stray = stray_ascii_words(help, &commands);
        assert!(stray.is_empty(), "{what}: English {stray:?} in\n{help}");
    }
    assert!(top.stdout.contains("\n命令：\n"));
    for c in ["new", "init", "explain"] {
        let r = run([c, "--help"]);
        assert!(r.stdout.contains("\n参数：\n"), "{c}:\n{}", r.stdout);
    }
    let r = run(["build", "--help"]);
    assert!(!r.stdout.contains("参数："), "{}", r.stdout);
    // The check itself finds English.
    assert_eq!(
        stray_ascii_words("选项：\n  --now <日期>  Print help, see E-YAML", &commands),
        ["Print", "help", "see"]
    );
}

#[test]
fn a_wrong_command_line_is_told_in_chinese_with_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["chek"], "没有「chek」这个命令；是不是想写 check？"),
        (&["build", "--outptu", "x"], "不认识「--outptu」这个选项"),
        (&["check", "--format", "xml"], "可以写：text、json"),
        (&["new"], "缺少 <种类>"),
        (&["new", "meating", "标题"], "meating"),
        (&[], "缺少命令"),
        (&["serve", "--port", "http"], "--port"),
        (&["init"], "缺少 <目录>"),
    ];
    for (args, says) in cases {
        let r = run(args.iter().copied());
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.describe());
        assert!(r.stderr.starts_with("错误："), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(says),
            "{args:?} should say {says:?}: {}",
            r.stderr
        );
        assert_no_clap_english(&r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn the_summary_line_is_the_one_cli_md_shows() {
    let site = TempSite::from_fixture("minimal");
    let out = site.outside("out");
    let r = site.build_into(&out, &[]);
    r.assert_code(0);
    let last = r.stdout.lines().last().unwrap_or_default();
    // 已生成 10000 条记录，共 23418 个文件，用时 0.84 秒
    let rest = last.strip_prefix("已生成 ").expect(last);
    let (records, rest) = rest.split_once(" 条记录，共 ").expect(last);
    let (files, rest) = rest.split_once(" 个文件，用时 ").expect(last);
    let seconds = rest.strip_suffix(" 秒").expect(last);
    assert_eq!(records, "5", "{last}");
    assert!(files.parse::<usize>().is_ok_and(|n| n > 10), "{last}");
    assert!(seconds.parse::<f64>().is_ok(), "{last}");
    let (check, _) = site.check();
    check.assert_code(0);
}

#[test]
fn explain_knows_every_code() {
    for c in gongkai::diag::explain::CODES {
        let r = run(["explain", c.code]);
        r.assert_code(0);
        assert!(r.stdout.starts_with(c.code), "{}", r.stdout);
        assert!(r.stdout.contains("错误的写法：") && r.stdout.contains("正确的写法："));
        assert!(
            r.stdout
                .contains(c.wrong.lines().next().unwrap_or_default())
        );
        assert!(is_chinese(&r.stdout));
    }
    // Lower case works too; an unknown code lists close ones and exits 2.
    let r = run(["explain", "e-yaml-tab"]);
    r.assert_code(0);
    let r = run(["explain", "E-YAML-COLON"]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(
        r.stderr.contains("没有「E-YAML-COLON」这个代码"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("E-YAML-FULLWIDTH-COLON"), "{}", r.stderr);
}
