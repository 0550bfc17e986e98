//! `gongkai serve` end to end: the real binary on a free loopback port, serving a temporary copy
//! of a small site under a base_url path; an edit shows up, a broken edit keeps the last good page
//! while the diagnostics are exposed for the overlay, and the next good edit recovers. No timing
//! is asserted here (that is the benchmark's job); every wait is bounded.

mod common;

use common::copy_dir;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Generous: the machine running the tests is shared with other builds.
const WAIT: Duration = Duration::from_secs(60);

/// Kills the server when the test ends, however it ends.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` on a free port; `path` is where it must say the site is (base_url's path).
fn start(root: &Path, path: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["--root"])
        .arg(root)
        .args(["serve", "--port", "0", "--now", "2026-11-21"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start gongkai serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    // Reads the whole time, so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut server = Server { child, port: 0 };
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        if let Some(rest) = line.strip_prefix("网站预览：http://127.0.0.1:") {
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            assert!(
                rest[port.len()..].starts_with(&format!("{path} ")),
                "served under base_url's path: {line}"
            );
            server.port = port.parse().expect("port");
            return server;
        }
    }
    panic!("gongkai serve did not start within {WAIT:?}");
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

fn get(port: u16, path: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// Polls `path` until `done` holds for its response, or fails after `WAIT`.
fn poll(port: u16, path: &str, what: &str, done: impl Fn(&Response) -> bool) -> Response {
    let deadline = Instant::now() + WAIT;
    loop {
        let r = get(port, path);
        if done(&r) {
            return r;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: still not seen after {WAIT:?}; last response: {}",
            r.body
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn status(port: u16) -> serde_json::Value {
    serde_json::from_str(&get(port, "/__gongkai/status").body).expect("status is JSON")
}

/// A copy of the minimal fixture inside `dir`.
fn minimal_site(dir: &Path) -> PathBuf {
    let root = dir.join("site");
    copy_dir(&common::fixture("minimal"), &root);
    root
}

#[test]
fn serves_rebuilds_and_survives_a_broken_edit() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = minimal_site(dir.path());
    let site_yaml = root.join("site.yaml");
    let config = std::fs::read_to_string(&site_yaml).expect("site.yaml");
    std::fs::write(
        &site_yaml,
        config.replace("base_url: https://x.cn/", "base_url: https://x.cn/sub/"),
    )
    .expect("write");
    let about = root.join("content/about.md");

    let server = start(&root, "/sub/");
    let port = server.port;

    let page = get(port, "/sub/about/");
    assert_eq!(page.status, 200, "{}", page.head);
    assert!(page.body.contains("测试社区位于测试街道"), "{}", page.body);
    assert!(
        page.body.contains("/__gongkai/live.js"),
        "the live-reload script is injected into served pages"
    );
    assert!(
        page.body.contains("href=\"/sub/"),
        "links carry base_url's path"
    );
    let root_page = get(port, "/");
    assert_eq!(root_page.status, 302);
    assert!(
        root_page.head.contains("Location: /sub/"),
        "{}",
        root_page.head
    );
    assert_eq!(
        get(port, "/sub/about").status,
        302,
        "a folder without its slash is redirected"
    );
    assert_eq!(get(port, "/sub/no-such-page/").status, 404);
    assert!(get(port, "/__gongkai/live.js").body.contains("EventSource"));
    assert_eq!(status(port)["ok"], true);

    // A page listening for events hears of the next rebuild.
    let generation = status(port)["generation"].as_u64().expect("generation");
    let mut events = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    events.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(
        events,
        "GET /__gongkai/events?since={generation} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .expect("send");

    std::fs::write(
        &about,
        "---\ntitle: 关于我们\n---\n\n第一次修改：社区新增了议事厅。\n",
    )
    .expect("edit");
    poll(port, "/sub/about/", "the edit", |r| {
        r.body.contains("社区新增了议事厅")
    });
    let mut stream = BufReader::new(events);
    let mut line = String::new();
    let deadline = Instant::now() + WAIT;
    while !line.starts_with("event: reload") {
        assert!(Instant::now() < deadline, "no reload event");
        line.clear();
        assert!(
            stream.read_line(&mut line).expect("event stream") > 0,
            "event stream closed"
        );
    }

    // A broken record: the last good page stays, the diagnostics are exposed for the overlay.
    std::fs::write(
        &about,
        "---\ntitle: 关于我们\ntitel: 拼错的键\n---\n\n第二次修改，不该出现。\n",
    )
    .expect("break");
    let failed = poll(port, "/__gongkai/status", "the failure", |r| {
        r.body.contains("\"ok\":false")
    });
    let failed: serde_json::Value = serde_json::from_str(&failed.body).expect("JSON");
    let diags = failed["diagnostics"].as_array().expect("diagnostics");
    assert!(
        diags
            .iter()
            .any(|d| d["file"] == "content/about.md" && d["severity"] == "error"),
        "{failed}"
    );
    assert!(
        failed["text"]
            .as_str()
            .is_some_and(|t| t.contains("content/about.md")),
        "{failed}"
    );
    let still = get(port, "/sub/about/");
    assert_eq!(still.status, 200);
    assert!(
        still.body.contains("社区新增了议事厅"),
        "the last good build is still served"
    );
    assert!(!still.body.contains("不该出现"));

    // The next good edit clears it.
    std::fs::write(
        &about,
        "---\ntitle: 关于我们\n---\n\n第三次修改：议事厅每周三开放。\n",
    )
    .expect("fix");
    poll(port, "/sub/about/", "the recovery", |r| {
        r.body.contains("议事厅每周三开放")
    });
    assert_eq!(status(port)["ok"], true);
    drop(server);
}

#[test]
fn a_template_that_fails_on_a_page_nobody_opened_is_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = minimal_site(dir.path());
    // A site's own page template that only fails when it renders a page.
    std::fs::create_dir_all(root.join("templates")).expect("mkdir");
    std::fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}{{ record.no_such_field.deeper }}{% endblock content %}",
    )
    .expect("write");

    let server = start(&root, "/");
    let port = server.port;
    // Pages render when asked for; the background check finds the failure on its own.
    let failed = poll(port, "/__gongkai/status", "the template failure", |r| {
        r.body.contains("\"ok\":false")
    });
    assert!(failed.body.contains("E-TEMPLATE-RENDER"), "{}", failed.body);
    assert!(
        failed.body.contains("templates/page.html"),
        "{}",
        failed.body
    );
    let page = get(port, "/about/");
    assert_eq!(page.status, 500, "{}", page.head);
    assert!(page.body.contains("no_such_field"), "{}", page.body);

    std::fs::remove_file(root.join("templates/page.html")).expect("remove");
    poll(port, "/about/", "the theme's own template", |r| {
        r.status == 200
    });
    poll(port, "/__gongkai/status", "the recovery", |r| {
        r.body.contains("\"ok\":true")
    });
    drop(server);
}

#[test]
fn saves_in_place_and_new_or_removed_files_all_reach_the_browser() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = minimal_site(dir.path());
    let server = start(&root, "/");
    let port = server.port;

    // A save in place: the rebuild re-reads that file alone.
    let about = root.join("content/about.md");
    std::fs::write(&about, "---\ntitle: 关于我们\n---\n\n原地保存的第一版。\n").expect("edit");
    poll(port, "/about/", "the edit in place", |r| {
        r.body.contains("原地保存的第一版")
    });

    // A new file: the rebuild must look at the whole tree again.
    let new_page = root.join("content/xinzeng.md");
    std::fs::write(&new_page, "---\ntitle: 新增页面\n---\n\n新建的页面。\n").expect("create");
    poll(port, "/xinzeng/", "the new page", |r| {
        r.status == 200 && r.body.contains("新建的页面")
    });
    // Then saved in place again: the new file is known to the next quick rebuild.
    std::fs::write(&new_page, "---\ntitle: 新增页面\n---\n\n又改了一次。\n").expect("edit");
    poll(port, "/xinzeng/", "the edit of the new page", |r| {
        r.body.contains("又改了一次")
    });
    // And another file's edit still shows after all that.
    std::fs::write(&about, "---\ntitle: 关于我们\n---\n\n原地保存的第二版。\n").expect("edit");
    poll(port, "/about/", "the second edit in place", |r| {
        r.body.contains("原地保存的第二版")
    });

    // A removed file is gone.
    std::fs::remove_file(&new_page).expect("remove");
    poll(port, "/xinzeng/", "the removal", |r| r.status == 404);
    drop(server);
}

/// The kiosk's QR code of a link that leaves the site is a file of the build, so `serve` has it
/// too, and a link added by an edit gets its code on the next rebuild.
#[test]
fn serves_the_qr_code_files_of_links_that_leave_the_site() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = minimal_site(dir.path());
    let about = root.join("content/about.md");
    let text = std::fs::read_to_string(&about).expect("about.md");
    std::fs::write(
        &about,
        format!("{text}\n见[中国政府网](https://www.gov.cn/)。\n"),
    )
    .expect("write");
    let server = start(&root, "/");
    let qr_of = |html: &str| {
        let at = html.find(" data-qr=\"").expect("a link with data-qr") + " data-qr=\"".len();
        html[at..].split('"').next().unwrap_or_default().to_string()
    };
    let page = get(server.port, "/about/");
    assert_eq!(page.status, 200);
    let first = qr_of(&page.body);
    assert!(
        first.starts_with("/qr/") && first.ends_with(".svg"),
        "{first}"
    );
    let svg = get(server.port, &first);
    assert_eq!(svg.status, 200, "{first}");
    assert!(svg.head.contains("image/svg+xml"), "{}", svg.head);
    assert!(
        svg.body
            .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    );
    std::fs::write(
        &about,
        format!("{text}\n见[共产党员网](https://www.12371.cn/)。\n"),
    )
    .expect("write");
    let page = poll(server.port, "/about/", "the edited link", |r| {
        r.body.contains("12371.cn")
    });
    let second = qr_of(&page.body);
    assert_ne!(first, second);
    assert_eq!(get(server.port, &second).status, 200, "{second}");
    assert_eq!(
        get(server.port, &first).status,
        404,
        "the old code goes with its link"
    );
}
