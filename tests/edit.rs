//! The 编辑台's HTTP API against the real binary (`gongkai serve --edit` on a free loopback port,
//! a copy of the minimal fixture): the token, Host and Origin, paths outside the site, saving
//! compared with hand-written files, conflicts, a crash in the middle of a save, drafts, uploads.

mod common;

use common::copy_dir;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);
const PROBLEM: &str = "content/problems/2026-001-ludeng.md";

struct Server {
    child: Child,
    port: u16,
    root: PathBuf,
    token: String,
    site: common::TempSite,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    start_env(&[])
}

/// `serve --edit` on a copy of the minimal fixture; the token read from the page.
fn start_env(env: &[(&str, &str)]) -> Server {
    let site = common::TempSite::from_fixture("minimal");
    let root = site.root();
    let mut cmd = Command::new(common::bin());
    cmd.arg("--root")
        .arg(&root)
        .args(["serve", "--edit", "--port", "0", "--now", common::NOW])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start gongkai serve --edit");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut server = Server {
        child,
        port: 0,
        root,
        token: String::new(),
        site,
    };
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        if let Some(rest) = line.strip_prefix("编辑台：http://127.0.0.1:") {
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            server.port = port.parse().expect("port");
            let (status, page) = server.send("GET", "/__gongkai/edit/", &[], b"");
            assert_eq!(status, 200, "{page}");
            let at = page
                .find("name=\"gongkai-edit-token\" content=\"")
                .expect("token")
                + 35;
            server.token = page[at..at + 32].to_string();
            return server;
        }
    }
    panic!("gongkai serve --edit did not start within {WAIT:?}");
}

impl Server {
    /// One request; `headers` may replace Host. Returns status and body.
    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let mut head = format!("{method} {path} HTTP/1.1\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: 127.0.0.1:{}\r\n", self.port));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        stream.write_all(head.as_bytes()).expect("send");
        stream.write_all(body).expect("send body");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = answer
            .split_once("\r\n\r\n")
            .map_or(String::new(), |(_, b)| b.to_string());
        (status, body)
    }

    fn api(&self, method: &str, name: &str, body: &[u8]) -> (u16, serde_json::Value) {
        let (status, text) = self.send(
            method,
            &format!("/__gongkai/edit/api/{name}"),
            &[("X-Gongkai-Token", &self.token)],
            body,
        );
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        (status, json)
    }

    fn post(&self, name: &str, json: serde_json::Value) -> (u16, serde_json::Value) {
        self.api("POST", name, json.to_string().as_bytes())
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_default()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn open(&self, rel: &str) -> serde_json::Value {
        let (status, json) = self.api("GET", &format!("record?path={rel}"), b"");
        assert_eq!(status, 200, "{json}");
        json
    }
}

fn message(json: &serde_json::Value) -> &str {
    json["error"].as_str().unwrap_or_default()
}

#[test]
fn edit_is_refused_on_an_address_other_machines_reach() {
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(&common::fixture("minimal"), dir.path());
    let out = Command::new(common::bin())
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--edit", "--bind", "0.0.0.0", "--port", "0"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--edit") && err.contains("本机"), "{err}");
    assert!(common::is_chinese(&err), "{err}");
}

#[test]
fn requests_without_the_token_or_from_elsewhere_change_nothing() {
    let s = start();
    let before = s.read(PROBLEM);
    let save = serde_json::json!({
        "path": PROBLEM, "values": {"title": "改掉了"}, "body": "", "hash": "x"
    })
    .to_string();
    // No token, a wrong token.
    let (status, body) = s.send("POST", "/__gongkai/edit/api/save", &[], save.as_bytes());
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("口令"), "{body}");
    let (status, _) = s.send(
        "POST",
        "/__gongkai/edit/api/save",
        &[("X-Gongkai-Token", "0123456789abcdef0123456789abcdef")],
        save.as_bytes(),
    );
    assert_eq!(status, 403);
    let (status, _) = s.send("GET", "/__gongkai/edit/api/list", &[], b"");
    assert_eq!(status, 403, "reading needs the token too");
    // With the token but from another site (Origin), or through another name (Host).
    let token = s.token.clone();
    for headers in [
        vec![
            ("X-Gongkai-Token", token.as_str()),
            ("Origin", "http://evil.example"),
        ],
        vec![("X-Gongkai-Token", token.as_str()), ("Origin", "null")],
        vec![
            ("X-Gongkai-Token", token.as_str()),
            ("Host", "evil.example:1111"),
        ],
    ] {
        let (status, body) = s.send(
            "POST",
            "/__gongkai/edit/api/save",
            &headers,
            save.as_bytes(),
        );
        assert_eq!(status, 421, "{headers:?}: {body}");
    }
    assert_eq!(s.read(PROBLEM), before);
    // The page itself is refused through another name as well: its token stays on this machine.
    let (status, page) = s.send("GET", "/__gongkai/edit/", &[("Host", "evil.example")], b"");
    assert_eq!(status, 421);
    assert!(!page.contains(&s.token));
}

#[test]
fn paths_outside_content_are_refused() {
    let s = start();
    std::fs::write(s.root.join("secret.md"), "---\ntitle: x\n---\n").expect("write");
    for path in [
        "content/../site.yaml",
        "content/../secret.md",
        "content/problems/../../secret.md",
        "/etc/passwd",
        "site.yaml",
        "content%2F..%2Fsecret.md",
    ] {
        let (status, json) = s.api("GET", &format!("record?path={path}"), b"");
        assert_eq!(status, 403, "{path}: {json}");
        assert!(common::is_chinese(message(&json)), "{json}");
        let (status, _) = s.send(
            "GET",
            &format!("/__gongkai/edit/file?path={path}"),
            &[],
            b"",
        );
        assert_eq!(status, 403, "file {path}");
    }
    let (status, json) = s.post(
        "save",
        serde_json::json!({"path": "content/../secret.md", "values": {"title": "x"}, "body": ""}),
    );
    assert_eq!(status, 403, "{json}");
    assert_eq!(s.read("secret.md"), "---\ntitle: x\n---\n");
    #[cfg(unix)]
    {
        // A symbolic link inside content/ that leads out of it.
        let outside = s.root.parent().expect("parent").join("outside");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::write(outside.join("x.md"), "---\ntitle: 外面\n---\n").expect("write");
        std::os::unix::fs::symlink(&outside, s.root.join("content/link")).expect("symlink");
        let (status, _) = s.api("GET", "record?path=content/link/x.md", b"");
        assert_eq!(status, 403);
        let (status, _) = s.post(
            "save",
            serde_json::json!({"path": "content/link/x.md", "values": {"title": "改"}, "body": "", "hash": "x"}),
        );
        assert_eq!(status, 403);
        assert_eq!(
            std::fs::read_to_string(outside.join("x.md")).expect("read"),
            "---\ntitle: 外面\n---\n"
        );
        // A kind's folder that is a link out of the site: a new record is not written there.
        std::fs::remove_dir_all(s.root.join("content/services")).expect("rm");
        std::os::unix::fs::symlink(&outside, s.root.join("content/services")).expect("symlink");
        let (status, json) = s.post(
            "save",
            serde_json::json!({"kind": "services", "values": {"title": "清单", "date": "2026-11-01", "kind": "services", "items": [{"name": "助餐"}]}, "body": ""}),
        );
        assert_eq!(status, 403, "{json}");
        let names: Vec<_> = std::fs::read_dir(&outside).expect("dir").collect();
        assert_eq!(names.len(), 1, "only x.md outside");
    }
}

#[test]
fn a_new_problem_is_written_as_a_person_would() {
    let s = start();
    let (status, json) = s.post(
        "save",
        serde_json::json!({
            "kind": "problems",
            "values": {
                "title": "3号楼电梯异响",
                "date": "2026-11-20",
                "id": "2026-002",
                "source": "居民反映",
                "responsible": {"unit": "物业公司", "person": "王经理"},
                "measures": ["联系维保单位检修", "检修期间张贴告示"],
                "deadline": "2026-12-20",
                "status": "in_progress",
                "progress": [{"date": "2026-11-21", "text": "维保单位已到场：更换导靴"}],
                "tags": ["电梯"],
                "org": "grid-1",
                "draft": false
            },
            "body": "3号楼电梯运行时有异响。\n"
        }),
    );
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["path"], "content/problems/2026-002.md");
    assert_eq!(json["url"], "/problems/2026-002/");
    let expected = "---
title: 3号楼电梯异响
date: 2026-11-20
tags:
  - 电梯
org: grid-1
id: 2026-002
source: 居民反映
responsible:
  unit: 物业公司
  person: 王经理
measures:
  - 联系维保单位检修
  - 检修期间张贴告示
deadline: 2026-12-20
status: 办理中
progress:
  - date: 2026-11-21
    text: \"维保单位已到场：更换导靴\"
---

3号楼电梯运行时有异响。
";
    assert_eq!(s.read("content/problems/2026-002.md"), expected);
    s.site.check().0.assert_code(0);
}

#[test]
fn an_edit_rewrites_only_the_changed_keys() {
    let s = start();
    let original = "---
# 问题墙：南段路灯
title: 南段路灯不亮   # 标题
id: 2026-001
date: 2026/10/15
meeting: 2026-10-lianxi
responsible: {unit: 城市管理办公室}
measures:
  - 检修线路   # 第一条
deadline: 2026-12-15
status: in_progress  # 办理状态
# echo:
#   date: 2026-11-21
---

南段有9盏路灯不亮。
";
    s.write(PROBLEM, original);
    let opened = s.open(PROBLEM);
    let mut values = opened["values"].clone();
    values["status"] = "resolved".into();
    values["echo"] = serde_json::json!({
        "date": "2026-11-20", "result": "已更换电缆，全部恢复照明",
        "evaluation": {"satisfied": 12, "basically": 3, "unsatisfied": 1}
    });
    let (status, json) = s.post(
        "save",
        serde_json::json!({
            "path": PROBLEM, "values": values, "body": opened["body"],
            "hash": opened["hash"], "base": opened["values"], "base_body": opened["body"]
        }),
    );
    assert_eq!(status, 200, "{json}");
    let expected = "---
# 问题墙：南段路灯
title: 南段路灯不亮   # 标题
id: 2026-001
date: 2026/10/15
meeting: 2026-10-lianxi
responsible: {unit: 城市管理办公室}
measures:
  - 检修线路   # 第一条
deadline: 2026-12-15
status: 已办结       # 办理状态
echo:
  date: 2026-11-20
  result: 已更换电缆，全部恢复照明
  evaluation:
    satisfied: 12
    basically: 3
    unsatisfied: 1
---

南段有9盏路灯不亮。
";
    assert_eq!(s.read(PROBLEM), expected);
}

#[test]
fn a_file_changed_on_disk_since_it_was_opened_is_not_overwritten() {
    let s = start();
    let opened = s.open(PROBLEM);
    // Someone else edits the file meanwhile.
    let theirs = s
        .read(PROBLEM)
        .replace("status: in_progress", "status: open");
    s.write(PROBLEM, &theirs);
    let mut values = opened["values"].clone();
    values["title"] = "南段路灯不亮（已督办）".into();
    let request = serde_json::json!({
        "path": PROBLEM, "values": values, "body": opened["body"],
        "hash": opened["hash"], "base": opened["values"], "base_body": opened["body"]
    });
    let (status, json) = s.post("save", request.clone());
    assert_eq!(status, 409, "{json}");
    assert_eq!(s.read(PROBLEM), theirs, "nothing overwritten");
    assert_eq!(json["disk"], theirs.as_str());
    assert!(json["mine"].as_str().unwrap_or_default().contains("已督办"));
    assert!(common::is_chinese(message(&json)));
    // Merged onto the version on disk: both changes are kept.
    let mut again = request;
    again["hash"] = json["disk_hash"].clone();
    let (status, json) = s.post("save", again);
    assert_eq!(status, 200, "{json}");
    let merged = s.read(PROBLEM);
    assert!(merged.contains("title: 南段路灯不亮（已督办）"), "{merged}");
    assert!(merged.contains("status: open"), "{merged}");
}

#[test]
fn a_crash_between_writing_and_renaming_leaves_the_file_as_it_was() {
    let s = start_env(&[("GONGKAI_TEST_CRASH_BEFORE_RENAME", "1")]);
    let before = s.read(PROBLEM);
    let opened = s.open(PROBLEM);
    let mut values = opened["values"].clone();
    values["title"] = "改到一半".into();
    let (status, _) = s.post(
        "save",
        serde_json::json!({"path": PROBLEM, "values": values, "body": opened["body"], "hash": opened["hash"]}),
    );
    assert_eq!(status, 0, "the server died without answering");
    let mut child = s;
    let code = child.child.wait().expect("wait");
    assert!(!code.success(), "{code:?}");
    assert_eq!(child.read(PROBLEM), before, "the original file is intact");
    // The new text sits in a hidden temporary file, which a build ignores.
    let leftovers: Vec<String> = std::fs::read_dir(child.root.join("content/problems"))
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "2026-001-ludeng.md")
        .collect();
    assert!(
        leftovers.iter().all(|n| n.starts_with('.')),
        "{leftovers:?}"
    );
    child.site.check().0.assert_code(0);
}

#[test]
fn a_record_that_would_not_build_is_saved_only_as_a_draft() {
    let s = start();
    let values = serde_json::json!({
        "title": "楼道堆物", "date": "2026-11-20", "id": "2026-003",
        "responsible": {"unit": "物业公司"}, "deadline": "2026-11-01", "status": "open"
    });
    let (status, json) = s.post(
        "check",
        serde_json::json!({"kind": "problems", "values": values, "body": ""}),
    );
    assert_eq!(status, 200);
    let fields: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| d["field"].as_str().unwrap_or_default())
        .collect();
    assert!(fields.contains(&"measures"), "{json}");
    // A message about one part of a field says which part.
    let (_, json) = s.post(
        "check",
        serde_json::json!({"kind": "meetings", "values": {
            "title": "支委会", "date": "2026-11-20", "kind": "支委会",
            "attendance": {"expected": 5, "present": 6}
        }, "body": ""}),
    );
    let d = &json["diagnostics"][0];
    assert_eq!(d["field"], "attendance", "{json}");
    assert_eq!(d["at"], "attendance.present", "{json}");
    assert!(fields.contains(&"deadline"), "{json}");
    let (status, json) = s.post(
        "save",
        serde_json::json!({"kind": "problems", "values": values, "body": ""}),
    );
    assert_eq!(status, 422, "{json}");
    assert!(message(&json).contains("草稿"), "{json}");
    assert!(!s.root.join("content/problems/2026-003.md").exists());
    let mut draft = values.clone();
    draft["draft"] = true.into();
    let (status, json) = s.post(
        "save",
        serde_json::json!({"kind": "problems", "values": draft, "body": ""}),
    );
    assert_eq!(status, 200, "{json}");
    assert!(
        s.read("content/problems/2026-003.md")
            .contains("draft: true\n")
    );
    // The site still builds; the draft's mistakes are warnings and it is not published.
    let (run, diags) = s.site.check();
    run.assert_code(0);
    assert!(
        diags
            .iter()
            .any(|d| d.file == "content/problems/2026-003.md" && !d.is_error()),
        "{}",
        common::list(&diags)
    );
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

#[test]
fn uploads_go_into_the_records_folder_through_the_builds_rules() {
    let s = start();
    let photo = png(40, 30);
    let (status, json) = s.api(
        "POST",
        &format!("upload?path={PROBLEM}&name=xianchang.png"),
        &photo,
    );
    assert_eq!(status, 200, "{json}");
    // The single file became a bundle; the photo is in its folder.
    assert_eq!(json["path"], "content/problems/2026-001-ludeng/index.md");
    assert_eq!(json["markdown"], "![xianchang](xianchang.png)");
    assert!(!s.root.join(PROBLEM).exists());
    assert_eq!(
        std::fs::read(
            s.root
                .join("content/problems/2026-001-ludeng/xianchang.png")
        )
        .expect("photo"),
        photo
    );
    let bundle = "content/problems/2026-001-ludeng/index.md";
    // The form offers the folder's files for an attachment's name.
    assert_eq!(
        s.open(bundle)["files"],
        serde_json::json!(["xianchang.png"])
    );
    // Refused: HEIC, a page a browser would run, a personal number in the name, a path.
    for (name, bytes) in [
        ("IMG_0001.HEIC", photo.clone()),
        ("tongzhi.html", b"<script>alert(1)</script>".to_vec()),
        ("11010519491231002X.png", photo.clone()),
    ] {
        let (status, json) = s.api("POST", &format!("upload?path={bundle}&name={name}"), &bytes);
        assert_eq!(status, 422, "{name}: {json}");
        assert!(common::is_chinese(message(&json)), "{json}");
        assert!(!message(&json).contains("11010519491231002X"), "{json}");
    }
    let (status, json) = s.api(
        "POST",
        &format!("upload?path={bundle}&name=..%2F..%2Fevil.png"),
        &photo,
    );
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["file"], "evil.png");
    assert!(!s.root.join("content/evil.png").exists());
    // A spreadsheet with an ID number in a visible cell is refused and not kept.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").expect("cell");
    sheet.write_string(0, 1, "身份证号").expect("cell");
    sheet.write_string(1, 0, "张三").expect("cell");
    sheet
        .write_string(1, 1, "11010519491231002X")
        .expect("cell");
    let bytes = book.save_to_buffer().expect("xlsx");
    let (status, json) = s.api(
        "POST",
        &format!("upload?path={bundle}&name=mingdan.xlsx"),
        &bytes,
    );
    assert_eq!(status, 422, "{json}");
    assert!(!message(&json).contains("11010519491231002X"), "{json}");
    assert!(
        !s.root
            .join("content/problems/2026-001-ludeng/mingdan.xlsx")
            .exists()
    );
    // The preview may read the photo, not the spreadsheets or the record.
    let (status, _) = s.send(
        "GET",
        "/__gongkai/edit/file?path=content/problems/2026-001-ludeng/xianchang.png",
        &[],
        b"",
    );
    assert_eq!(status, 200);
    let (status, _) = s.send(
        "GET",
        "/__gongkai/edit/file?path=content/problems/2026-001-ludeng/index.md",
        &[],
        b"",
    );
    assert_eq!(status, 403);
    // Too large.
    let big = vec![0u8; 21 * 1024 * 1024];
    let (status, json) = s.api("POST", &format!("upload?path={bundle}&name=big.jpg"), &big);
    assert_eq!(status, 413, "{json}");
}

/// Saves a new record of `kind` and returns the path it was written to.
fn create(s: &Server, kind: &str, values: serde_json::Value, body: &str) -> String {
    let (status, json) = s.post(
        "save",
        serde_json::json!({"kind": kind, "values": values, "body": body}),
    );
    assert_eq!(status, 200, "{kind}: {json}");
    json["path"].as_str().expect("path").to_string()
}

#[test]
fn every_kind_is_written_as_a_person_would() {
    let s = start();
    let meeting = create(
        &s,
        "meetings",
        serde_json::json!({
            "title": "11月党建联席会议", "date": "2026-11-18", "org": "zongzhi",
            "kind": "党建联席会议", "theme": "楼道堆物整治", "location": "社区党群服务中心",
            "host": "李书记", "recorder": "王明",
            "attendance": {"expected": 12, "present": 11, "on_leave": 1},
            "participants": ["幸福里物业服务中心", "派出所社区警务室"],
            "decisions": [{"item": "楼道堆物集中清理", "decision": "11月底前完成",
                           "votes": {"for": 11, "against": 0, "abstain": 0}}]
        }),
        "会议由李书记主持。\n",
    );
    assert!(
        meeting.starts_with("content/meetings/2026-11-18-"),
        "{meeting}"
    );
    assert_eq!(
        s.read(&meeting),
        "---
title: 11月党建联席会议
date: 2026-11-18
org: zongzhi
kind: 党建联席会议
theme: 楼道堆物整治
location: 社区党群服务中心
host: 李书记
recorder: 王明
attendance:
  expected: 12
  present: 11
  on_leave: 1
participants:
  - 幸福里物业服务中心
  - 派出所社区警务室
decisions:
  - item: 楼道堆物集中清理
    decision: 11月底前完成
    votes:
      for: 11
      against: 0
      abstain: 0
---

会议由李书记主持。
"
    );
    let service = create(
        &s,
        "services",
        serde_json::json!({
            "title": "社区服务清单", "date": "2026-11-01", "kind": "services",
            "provider": "幸福里社区居委会",
            "items": [
                {"name": "老年助餐", "category": "养老", "target": "60岁以上老人",
                 "hours": "每天11:00-12:30", "fee": "low_cost", "contact": "021-5555-0000"},
                {"name": "法律咨询", "fee": "无偿", "description": "每月第一个周六上午"}
            ]
        }),
        "",
    );
    assert_eq!(
        s.read(&service),
        "---
title: 社区服务清单
date: 2026-11-01
kind: 服务清单
provider: 幸福里社区居委会
items:
  - name: 老年助餐
    category: 养老
    target: 60岁以上老人
    hours: 每天11:00-12:30
    contact: 021-5555-0000
    fee: 低偿
  - name: 法律咨询
    fee: 无偿
    description: 每月第一个周六上午
---
"
    );
    let notice = create(
        &s,
        "notices",
        serde_json::json!({
            "title": "关于停水的通知", "date": "2026-11-20", "kind": "notification",
            "withdrawn": {"date": "2026-11-21", "reason": "施工推迟，另行通知"}
        }),
        "因管道施工停水。\n",
    );
    assert_eq!(
        s.read(&notice),
        "---
title: 关于停水的通知
date: 2026-11-20
kind: 通知
withdrawn:
  date: 2026-11-21
  reason: 施工推迟，另行通知
---

因管道施工停水。
"
    );
    let page = create(
        &s,
        "pages",
        serde_json::json!({"title": "办事指南", "summary": "居民办事: 先看这里"}),
        "## 居住证\n\n带上身份证。\n",
    );
    assert_eq!(page, "content/ban-shi-zhi-nan.md");
    // Once the server has rebuilt, the page is served where the save said it would be.
    let deadline = Instant::now() + WAIT;
    loop {
        let (status, html) = s.send("GET", "/ban-shi-zhi-nan/", &[], b"");
        if status == 200 && html.contains("办事指南") {
            break;
        }
        assert!(Instant::now() < deadline, "{status}: {html}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        s.read(&page),
        "---
title: 办事指南
summary: \"居民办事: 先看这里\"
---

## 居住证

带上身份证。
"
    );
    // The site builds with all of them, and the list shows them by kind.
    let (run, diags) = s.site.check();
    run.assert_code(0);
    assert!(
        diags
            .iter()
            .all(|d| ![&meeting, &service, &notice, &page].contains(&&d.file)),
        "{}",
        common::list(&diags)
    );
    let (status, list) = s.api("GET", "list", b"");
    assert_eq!(status, 200);
    let kinds = list["kinds"].as_array().expect("kinds");
    for (name, path) in [
        ("meetings", &meeting),
        ("services", &service),
        ("notices", &notice),
        ("pages", &page),
    ] {
        let kind = kinds.iter().find(|k| k["name"] == name).expect("kind");
        assert!(
            kind["records"]
                .as_array()
                .expect("records")
                .iter()
                .any(|r| r["path"] == path.as_str()),
            "{name}: {kind}"
        );
    }
}

#[test]
fn a_file_the_form_cannot_read_opens_as_its_text_and_is_put_right() {
    let s = start();
    let broken = "---\ntitle：南段路灯不亮\nid: 2026-001\n---\n\n正文\n";
    s.write(PROBLEM, broken);
    let opened = s.open(PROBLEM);
    assert_eq!(opened["raw"], broken, "{opened}");
    assert!(common::is_chinese(
        opened["unreadable"].as_str().unwrap_or_default()
    ));
    // The check names the mistake at its line.
    let (status, json) = s.post("check", serde_json::json!({"path": PROBLEM, "raw": broken}));
    assert_eq!(status, 200);
    let first = &json["diagnostics"][0];
    assert_eq!(first["line"], 2, "{json}");
    assert_eq!(first["severity"], "error", "{json}");
    // Still broken: not saved.
    let (status, _) = s.post(
        "save",
        serde_json::json!({"path": PROBLEM, "raw": broken, "hash": opened["hash"]}),
    );
    assert_eq!(status, 422);
    let fixed = "---\ntitle: 南段路灯不亮\nid: 2026-001\ndate: 2026-10-15\nresponsible:\n  unit: 城市管理办公室\nmeasures:\n  - 检修线路\ndeadline: 2026-12-15\nstatus: in_progress\n---\n\n正文\n";
    let (status, json) = s.post(
        "save",
        serde_json::json!({"path": PROBLEM, "raw": fixed, "hash": opened["hash"]}),
    );
    assert_eq!(status, 200, "{json}");
    assert_eq!(s.read(PROBLEM), fixed);
    // Now the form reads it.
    let opened = s.open(PROBLEM);
    assert_eq!(opened["values"]["status"], "in_progress", "{opened}");
}

#[test]
fn careless_or_hostile_requests_get_chinese_answers_and_the_server_stays() {
    let s = start();
    let weird = serde_json::json!({
        "title": [1, 2], "date": {"a": 1}, "id": 2026, "measures": "一\n二",
        "responsible": "物业", "progress": [1, "a", null, {"date": []}],
        "echo": [], "status": {"x": 1}, "deadline": 1e300, "draft": "是",
        "tags": {"a": "b"}, "unknown_key": "x"
    });
    for name in ["check", "save"] {
        let (status, json) = s.post(
            name,
            serde_json::json!({"kind": "problems", "values": weird, "body": 5}),
        );
        assert!(status == 200 || status == 422, "{name}: {status} {json}");
    }
    for body in [
        &b"not json"[..],
        b"[1,2]",
        b"\"x\"",
        b"",
        b"{\"kind\": \"nothing\"}",
    ] {
        let (status, json) = s.api("POST", "save", body);
        assert_eq!(status, 400, "{json}");
        assert!(common::is_chinese(message(&json)), "{json}");
    }
    let (status, _) = s.api(
        "POST",
        "upload?path=content/problems/2026-001-ludeng.md&name=",
        b"x",
    );
    assert_eq!(status, 422);
    let (status, _) = s.api("DELETE", "save", b"");
    assert_eq!(status, 405);
    let (status, _) = s.api("GET", "nothing", b"");
    assert_eq!(status, 404);
    let (status, json) = s.api("GET", "list", b"");
    assert_eq!(status, 200, "still serving: {json}");
}
