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
    let commands = ["build", "serve", "check", "new", "init", "explain"];
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
