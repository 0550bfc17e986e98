//! The publication ledger (content.md §7) through the real binary: a 公示 changed three times on
//! three days, a record taken down, the pages and exports that show it, the chain rechecked here
//! independently, every kind of tampering refused at the right entry, and builds that stay pure.

mod common;

use common::*;
use sha2::{Digest, Sha256};
use std::ffi::OsStr;
use std::path::Path;

const SITE: &str =
    "title: 台账测试社区公开\ncommunity: 台账测试社区\nbase_url: https://ledger.test/\n";

const NOTICE: &str = "---
title: 关于低保对象的公示
date: 2026-11-01
kind: publicity
category: 低保
publicity:
  start: 2026-11-02
  end: 2026-11-13
contact:
  name: 王芳
  phone: 021-5555-1201
---

经居民委员会审核，下列家庭拟纳入低保：

| 户主 | 人口 |
|---|---|
| 张*明 | 3 |
| 李*华 | 2 |

公示期内如有异议，请与社区联系。
";

const PROBLEM: &str = "---
title: 5号楼路灯不亮
id: 2026-031
date: 2026-10-20
responsible: {unit: 物业公司}
measures: [更换灯具]
deadline: 2026-11-30
status: open
---

居民反映5号楼门口路灯不亮。
";

fn site() -> TempSite {
    let site = TempSite::empty();
    site.write("site.yaml", SITE)
        .write("content/notices/dibao.md", NOTICE)
        .write("content/problems/ludeng.md", PROBLEM)
        .write(
            "content/about.md",
            "---\ntitle: 关于我们\n---\n\n本社区的公开网站。\n",
        );
    site
}

fn publish(site: &TempSite, now: &str, out: &Path) -> Run {
    let root = site.root();
    run([
        OsStr::new("--root"),
        root.as_os_str(),
        OsStr::new("publish"),
        OsStr::new("--output"),
        out.as_os_str(),
        OsStr::new("--now"),
        OsStr::new(now),
    ])
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn lines(site: &TempSite) -> Vec<String> {
    site.read("ledger/ledger.jsonl")
        .lines()
        .map(str::to_string)
        .collect()
}

/// Publishes the story every test below starts from; returns the last output directory.
fn published_three_times(site: &TempSite) -> std::path::PathBuf {
    publish(site, "2026-11-01", &site.outside("v1")).assert_code(0);
    // A name in the list changes during the 公示期.
    site.edit("content/notices/dibao.md", |t| {
        t.replace("| 李*华 | 2 |", "| 赵*强 | 4 |")
    });
    let (_, diags) = site.check_at("2026-11-03");
    let unrecorded: Vec<_> = diags
        .iter()
        .filter(|d| d.code == "W-LEDGER-UNRECORDED")
        .collect();
    assert_eq!(unrecorded.len(), 1, "{}", list(&diags));
    assert_eq!(unrecorded[0].file, "content/notices/dibao.md");
    assert!(!unrecorded[0].is_error());
    publish(site, "2026-11-03", &site.outside("v2")).assert_code(0);
    // Then the objection phone.
    site.edit("content/notices/dibao.md", |t| {
        t.replace("021-5555-1201", "021-5555-1299")
    });
    publish(site, "2026-11-05", &site.outside("v3")).assert_code(0);
    // The problem is taken down.
    site.remove("content/problems/ludeng.md");
    let out = site.outside("v4");
    publish(site, "2026-11-06T10:00:00+08:00", &out).assert_code(0);
    out
}

#[test]
fn versions_dates_and_changes_show_on_the_pages() {
    let site = site();
    let out = published_three_times(&site);

    let entries = lines(&site);
    // 3 records first published, 2 changes of the notice, 1 removal.
    assert_eq!(entries.len(), 6, "{entries:#?}");

    let page = read_out(&out, "notices/dibao/index.html");
    assert!(page.contains("第3版"), "version missing");
    assert!(
        page.contains("2026年11月01日") || page.contains("2026年11月1日"),
        "first published date"
    );
    assert!(
        page.contains("公示期内有修改"),
        "changed-during-period note missing"
    );
    // Version 2 shows the changed row only; version 3 the phone, by its Chinese name.
    assert!(page.contains("李*华 ｜ 2</del>"), "removed row");
    assert!(page.contains("赵*强 ｜ 4</ins>"), "added row");
    assert!(
        !page.contains("张*明 ｜ 3</del>"),
        "an unchanged row is shown as changed"
    );
    assert!(page.contains("意见反馈联系方式·电话"), "field label");
    assert!(page.contains("021-5555-1201") && page.contains("021-5555-1299"));

    // Unchanged records: version 1, no change rows.
    let about = read_out(&out, "about/index.html");
    assert!(about.contains("第1版"));
    assert!(!about.contains("<del>"));

    // The removed problem keeps a page with its title and the day it came down, nothing more.
    let tomb = read_out(&out, "problems/2026-031/index.html");
    assert!(tomb.contains("5号楼路灯不亮"));
    assert!(tomb.contains("已撤下"));
    assert!(tomb.contains("2026-11-06"));
    assert!(
        !tomb.contains("居民反映5号楼门口路灯不亮"),
        "tombstone shows the body"
    );

    // /changes/ lists every version, newest first; its feed too.
    let changes = read_out(&out, "changes/index.html");
    let first = changes.find("5号楼路灯不亮").expect("removal listed");
    let older = changes.find("关于我们").expect("first publication listed");
    assert!(first < older, "newest first");
    let feed = read_out(&out, "changes/feed.xml");
    assert_eq!(feed.matches("<entry>").count(), 6);
}

#[test]
fn the_exported_chain_rechecks_independently() {
    let site = site();
    let out = published_three_times(&site);
    let data = read_json(&out, "data/ledger.json");
    let entries = data["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 6);
    let mut prev = "0".repeat(64);
    for (i, e) in entries.iter().enumerate() {
        let line = e["line"].as_str().expect("line");
        assert_eq!(
            sha256(line.as_bytes()),
            e["hash"],
            "hash of entry {}",
            i + 1
        );
        let parsed: serde_json::Value = serde_json::from_str(line).expect("line is JSON");
        assert_eq!(parsed["prev"], prev.as_str(), "chain at entry {}", i + 1);
        assert_eq!(parsed["seq"], i as u64 + 1);
        if parsed["action"] != "remove" {
            let sha = parsed["sha256"].as_str().expect("sha256");
            let text = std::fs::read(site.path(&format!("ledger/versions/{sha}.md")))
                .expect("stored text");
            assert_eq!(sha256(&text), sha, "stored text of entry {}", i + 1);
        }
        prev = e["hash"].as_str().expect("hash").to_string();
    }
    assert_eq!(data["head"], prev.as_str());
    // The ledger file on disk is the same lines.
    assert_eq!(
        lines(&site),
        entries
            .iter()
            .map(|e| e["line"].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    );
    // The stored texts themselves are never published.
    assert!(!out.join("ledger").exists());
}

#[test]
fn tampering_is_refused_at_the_first_bad_entry() {
    let site = site();
    published_three_times(&site);
    let original = site.read("ledger/ledger.jsonl");
    let set = |lines: Vec<String>| {
        site.write("ledger/ledger.jsonl", &(lines.join("\n") + "\n"));
    };
    let expect_broken = |what: &str, line: u32| {
        let (run, diags) = site.check_at("2026-11-07");
        assert_eq!(run.code, Some(1), "{what}: {}", run.describe());
        let broken: Vec<_> = diags
            .iter()
            .filter(|d| d.code == "E-LEDGER-BROKEN")
            .collect();
        assert_eq!(broken.len(), 1, "{what}: {}", list(&diags));
        assert_eq!(broken[0].file, "ledger/ledger.jsonl", "{what}");
        assert_eq!(broken[0].line, line, "{what}: {}", list(&diags));
        assert!(is_chinese(&broken[0].message));
        // One mistake, one diagnostic: no unrecorded-change warnings on top of it.
        assert!(
            !diags.iter().any(|d| d.code == "W-LEDGER-UNRECORDED"),
            "{what}: {}",
            list(&diags)
        );
        site.write("ledger/ledger.jsonl", &original);
    };

    // An old entry edited (a title), keeping valid JSON.
    let mut l = lines(&site);
    l[2] = l[2].replace("5号楼路灯不亮", "5号楼路灯已修好");
    assert_ne!(l, lines(&site));
    set(l);
    expect_broken("edited entry 3", 3);

    // Two entries swapped.
    let mut l = lines(&site);
    l.swap(2, 3);
    set(l);
    expect_broken("swapped entries 3 and 4", 3);

    // An entry deleted.
    let mut l = lines(&site);
    l.remove(3);
    set(l);
    expect_broken("deleted entry 4", 4);

    // A stored text edited.
    let v2 = serde_json::from_str::<serde_json::Value>(&lines(&site)[3]).expect("entry 4");
    let sha = v2["sha256"].as_str().expect("sha").to_string();
    let rel = format!("ledger/versions/{sha}.md");
    let text = site.read(&rel);
    site.write(&rel, &text.replace("赵*强", "钱*强"));
    expect_broken("edited stored text of entry 4", 4);
    site.write(&rel, &text);

    // Untouched again: no error.
    let (run, _) = site.check_at("2026-11-07");
    run.assert_code(0);
}

#[test]
fn a_site_with_errors_records_nothing_and_builds_stay_pure() {
    let site = site();
    publish(&site, "2026-11-01", &site.outside("v1")).assert_code(0);
    let before = site.read("ledger/ledger.jsonl");
    let versions = std::fs::read_dir(site.path("ledger/versions"))
        .expect("versions")
        .count();
    site.edit("content/notices/dibao.md", |t| {
        t.replace("date: 2026-11-01", "date: 2026-13-01")
    });
    let run = publish(&site, "2026-11-02", &site.outside("bad"));
    assert_eq!(run.code, Some(1), "{}", run.describe());
    assert_eq!(site.read("ledger/ledger.jsonl"), before);
    assert_eq!(
        std::fs::read_dir(site.path("ledger/versions"))
            .expect("versions")
            .count(),
        versions
    );
    assert!(!site.outside("bad").exists());

    // build and check never write the ledger, and the same site, ledger and --now give the same bytes.
    site.edit("content/notices/dibao.md", |t| {
        t.replace("date: 2026-13-01", "date: 2026-11-01")
    });
    // Recorded as it is: paper names the version beside the content code.
    let recorded = site.outside("recorded");
    site.build_into(&recorded, &["--now", "2026-11-04"])
        .assert_code(0);
    assert!(read_out(&recorded, "notices/dibao/index.html").contains("（第1版）"));
    // A change not recorded yet is no version of the ledger: paper does not claim one.
    site.edit("content/notices/dibao.md", |t| t.replace("张*明", "张*民"));
    let a = site.outside("a");
    let b = site.outside("b");
    site.build_into(&a, &["--now", "2026-11-04"]).assert_code(0);
    site.build_into(&b, &["--now", "2026-11-04"]).assert_code(0);
    assert_eq!(site.read("ledger/ledger.jsonl"), before);
    assert!(snapshot_diff(&snapshot(&a), &snapshot(&b)).is_empty());
    let page = read_out(&a, "notices/dibao/index.html");
    assert!(
        page.contains("第1版"),
        "the page still says which version was recorded"
    );
    assert!(
        !page.contains("（第1版）"),
        "an unrecorded change printed as a version"
    );
}

#[test]
fn redaction_and_unlisting_reach_the_history() {
    let site = site();
    site.write(
        "content/notices/linshi.md",
        "---\ntitle: 临时救助公示\ndate: 2026-11-01\nkind: announcement\nexpires: 2026-11-10\nafter_expiry: redact\n---\n\n受助人：孙*丽，救助金额 2000 元。\n",
    )
    .write(
        "content/notices/mingdan.md",
        "---\ntitle: 困难家庭名单\ndate: 2026-11-01\nkind: announcement\nexpires: 2026-11-10\nafter_expiry: unlist\n---\n\n周*平 一户。\n",
    );
    publish(&site, "2026-11-01", &site.outside("v1")).assert_code(0);
    site.edit("content/notices/linshi.md", |t| {
        t.replace("2000 元", "2500 元")
    });
    site.edit("content/notices/mingdan.md", |t| {
        t.replace("周*平 一户", "周*平、吴*兰 两户")
    });
    publish(&site, "2026-11-03", &site.outside("v2")).assert_code(0);

    // After expiry: the redacted record keeps its versions and dates, not what changed.
    let out = site.outside("after");
    publish(&site, "2026-11-20", &out).assert_code(0);
    let page = read_out(&out, "notices/linshi/index.html");
    assert!(page.contains("第2版"));
    assert!(
        !page.contains("2500") && !page.contains("2000"),
        "redacted text in the history"
    );

    // The unlisted record: no page, no tombstone, no row, no line in the export; its hash stays.
    assert!(!out.join("notices/mingdan/index.html").exists());
    let all: String = text_files(&out, "html")
        .into_iter()
        .chain(text_files(&out, "xml"))
        .chain(text_files(&out, "json"))
        .map(|(_, t)| t)
        .collect();
    assert!(!all.contains("困难家庭名单"), "unlisted title published");
    assert!(!all.contains("吴*兰"), "unlisted text published");
    let data = read_json(&out, "data/ledger.json");
    let withheld: Vec<_> = data["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["withheld"] == true)
        .collect();
    assert_eq!(
        withheld.len(),
        2,
        "both versions of the unlisted record withheld"
    );
    assert!(
        withheld
            .iter()
            .all(|e| e["hash"].as_str().is_some_and(|h| h.len() == 64))
    );
    // Unlisting records no removal: the ledger is not asked to name it again.
    assert!(
        !site
            .read("ledger/ledger.jsonl")
            .contains("\"action\":\"remove\"")
    );
}

#[test]
fn personal_numbers_in_old_versions_are_not_published() {
    let site = site();
    site.write(
        "content/notices/lianxi.md",
        "---\ntitle: 志愿者招募通知\ndate: 2026-11-01\nkind: notification\nprivacy_allow: [mobile]\n---\n\n报名请联系志愿者队长 13812345678。\n",
    );
    publish(&site, "2026-11-01", &site.outside("v1")).assert_code(0);
    site.write(
        "content/notices/lianxi.md",
        "---\ntitle: 志愿者招募通知\ndate: 2026-11-01\nkind: notification\n---\n\n报名请到社区服务中心登记。\n",
    );
    let out = site.outside("v2");
    let run = publish(&site, "2026-11-02", &out);
    run.assert_code(0);
    assert!(!run.stderr.contains("13812345678") && !run.stdout.contains("13812345678"));
    assert!(run.stderr.contains("W-LEDGER-PII"), "{}", run.describe());
    let page = read_out(&out, "notices/lianxi/index.html");
    assert!(page.contains("<del>"), "the changed line is shown");
    assert!(
        !page.contains("13812345678"),
        "an old version's number is published"
    );
}

#[test]
fn concurrent_publish_runs_do_not_interleave() {
    let site = site();
    publish(&site, "2026-11-01", &site.outside("v1")).assert_code(0);
    site.edit("content/about.md", |t| {
        t.replace("公开网站", "公开网站，欢迎监督")
    });
    let root = site.root();
    let spawn = |out: &str| {
        std::process::Command::new(bin())
            .arg("--root")
            .arg(&root)
            .args(["publish", "--now", "2026-11-02", "--output"])
            .arg(site.outside(out))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn")
    };
    let (mut a, mut b) = (spawn("a"), spawn("b"));
    assert!(a.wait().expect("wait a").success());
    assert!(b.wait().expect("wait b").success());
    let entries = lines(&site);
    assert_eq!(
        entries.len(),
        4,
        "the change is recorded once: {entries:#?}"
    );
    let (run, _) = site.check_at("2026-11-02");
    run.assert_code(0);
}
