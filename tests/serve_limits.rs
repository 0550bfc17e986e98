//! `gongkai serve` against hostile or careless clients: the real binary on a free loopback port,
//! talked to over raw TCP. A huge request line, hundreds of idle connections, a Host header of
//! another site (DNS rebinding), a path that would turn a folder redirect into a link to another
//! host, and methods other than GET/HEAD. Waits are bounded; the bounds are generous because the
//! machine running the tests is shared.

mod common;

use common::copy_dir;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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

/// `serve` on a free port, on a copy of the minimal fixture (inside `dir`).
fn start(dir: &Path) -> Server {
    start_with(dir, "127.0.0.1").0
}

/// `serve --bind ADDR` on a free port; also what it wrote to stderr before it said where it is.
fn start_with(dir: &Path, bind: &str) -> (Server, String) {
    let root = dir.join("site");
    copy_dir(&common::fixture("minimal"), &root);
    let mut child = Command::new(common::bin())
        .arg("--root")
        .arg(&root)
        .args(["serve", "--port", "0", "--bind", bind, "--now", common::NOW])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gongkai serve");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    let (err_tx, err_rx) = mpsc::channel();
    // Both read the whole time, so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = err_tx.send(line);
        }
    });
    let mut server = Server { child, port: 0 };
    let deadline = Instant::now() + WAIT;
    let prefix = format!("网站预览：http://{bind}:");
    while Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        if let Some(rest) = line.strip_prefix(&prefix) {
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            server.port = port.parse().expect("port");
            // The warning is written before the address; give the other pipe a moment.
            std::thread::sleep(Duration::from_millis(200));
            let said: Vec<String> = err_rx.try_iter().collect();
            return (server, said.join("\n"));
        }
    }
    panic!("gongkai serve did not start within {WAIT:?}");
}

/// Sends `request` as it is and reads the whole answer (the server closes after it, since every
/// request here says `Connection: close` or is refused).
fn raw(port: u16, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

fn get(port: u16, path: &str, host: &str) -> (u16, String) {
    raw(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

/// A line of the server process's /proc status (`VmHWM`, in kB).
#[cfg(target_os = "linux")]
fn proc_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("field in /proc status")
}

#[test]
fn a_400_mb_request_line_is_refused_early_and_memory_stays_flat() {
    let dir = tempfile::tempdir().expect("tmp");
    let server = start(dir.path());
    let port = server.port;
    assert_eq!(get(port, "/", "127.0.0.1").0, 200);
    #[cfg(target_os = "linux")]
    let peak_before = proc_kb(server.child.id(), "VmHWM");

    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut writer = stream.try_clone().expect("clone");
    // Streamed in 64 KiB pieces: the test itself never holds more than one.
    let sender = std::thread::spawn(move || {
        let total: u64 = 400 * 1024 * 1024;
        let piece = vec![b'a'; 64 * 1024];
        let mut sent: u64 = 0;
        if writer.write_all(b"GET /").is_err() {
            return sent;
        }
        while sent < total {
            if writer.write_all(&piece).is_err() {
                break;
            }
            sent += piece.len() as u64;
        }
        let _ = writer.write_all(b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        let _ = writer.shutdown(Shutdown::Write);
        sent
    });
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            // A reset (the server closed with our bytes unread) ends the connection too.
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!("no answer and no close: {e}"),
        }
    }
    let closed_after = started.elapsed();
    let _ = stream.shutdown(Shutdown::Both);
    let sent = sender.join().expect("sender");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "refused as too large: {answer}"
    );
    assert!(
        closed_after < Duration::from_secs(20),
        "closed quickly, not after reading it all: {closed_after:?}"
    );
    assert!(
        sent < 64 * 1024 * 1024,
        "the server stopped reading long before 400 MB: {sent} bytes went out"
    );
    #[cfg(target_os = "linux")]
    {
        let peak_after = proc_kb(server.child.id(), "VmHWM");
        assert!(
            peak_after < peak_before + 32 * 1024,
            "memory stays flat: peak {peak_before} kB before, {peak_after} kB after"
        );
    }

    // Many headers that add up past the limit: refused with 431 as well.
    let many: String = (0..2000)
        .map(|i| format!("X-Filler-{i}: {i:0>20}\r\n"))
        .collect();
    let (status, _) = raw(
        port,
        &format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}Connection: close\r\n\r\n"),
    );
    assert_eq!(status, 431);

    // And the server still answers.
    let (status, page) = get(port, "/about/", "127.0.0.1");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("测试社区位于测试街道"));
}

#[test]
fn three_hundred_idle_connections_do_not_lock_out_the_next_client() {
    let dir = tempfile::tempdir().expect("tmp");
    let server = start(dir.path());
    let port = server.port;
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).expect("connect idle"))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // Beyond the cap, connections wait in the system's queue instead of each taking a socket
    // (and, before, a thread) in the server.
    #[cfg(target_os = "linux")]
    {
        let fds = std::fs::read_dir(format!("/proc/{}/fd", server.child.id()))
            .expect("fds")
            .count();
        assert!(fds < 290, "at most 256 connections held at once: {fds} fds");
    }
    let started = Instant::now();
    let (status, page) = get(port, "/about/", "127.0.0.1");
    let took = started.elapsed();
    assert_eq!(status, 200, "{page}");
    assert!(
        took < Duration::from_secs(15),
        "served once idle connections timed out: {took:?}"
    );
    // An idle connection is closed by the server: it reads the end, not a hang.
    let mut first = &idle[0];
    first
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut buf = [0u8; 64];
    match first.read(&mut buf) {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("an idle connection was not closed: {e}"),
    }
    drop(idle);
}

#[test]
fn a_closed_event_stream_frees_its_connection_at_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let server = start(dir.path());
    let port = server.port;
    // As many open tabs as there are connection slots, listening for reloads.
    let streams: Vec<TcpStream> = (0..256)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            s.write_all(b"GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .expect("send");
            s
        })
        .collect();
    let mut last = &streams[255];
    last.set_read_timeout(Some(WAIT)).expect("timeout");
    let mut buf = [0u8; 15];
    last.read_exact(&mut buf)
        .expect("the last stream is answered");
    assert_eq!(&buf, b"HTTP/1.1 200 OK");
    drop(streams);
    // Sooner than the 15 s keepalive: the server sees the close itself.
    let started = Instant::now();
    let (status, _) = get(port, "/about/", "127.0.0.1");
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn only_this_servers_host_names_are_answered() {
    let dir = tempfile::tempdir().expect("tmp");
    let server = start(dir.path());
    let port = server.port;
    for host in [
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_string(),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(get(port, "/about/", &host).0, 200, "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("localhost.evil.example:{port}"),
    ] {
        let (status, page) = get(port, "/about/", &host);
        assert_eq!(status, 421, "{host}: {page}");
        assert!(!page.contains("测试社区"), "{host}: nothing of the site");
        assert_eq!(get(port, "/__gongkai/status", &host).0, 421, "{host}");
    }
    // A request without any Host is refused too.
    let (status, _) = raw(port, "GET /about/ HTTP/1.0\r\n\r\n");
    assert!(status == 400 || status == 421, "{status}");
    // A page of another site may not talk to this one.
    let (status, _) = raw(
        port,
        &format!(
            "GET /__gongkai/status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(status, 421);
}

#[test]
fn a_folder_redirect_never_leaves_the_site() {
    let dir = tempfile::tempdir().expect("tmp");
    let server = start(dir.path());
    let port = server.port;
    assert!(
        get(port, "/about", "127.0.0.1")
            .1
            .contains("Location: /about/\r\n")
    );
    for path in [
        "//about",
        "///about",
        "/%2F%2Fabout",
        "/%2fabout",
        "/./about",
    ] {
        let (status, answer) = get(port, path, "127.0.0.1");
        let location = answer
            .lines()
            .find_map(|l| l.strip_prefix("Location: "))
            .unwrap_or_default();
        assert_eq!(status, 302, "{path}: {answer}");
        assert_eq!(location, "/about/", "{path}: a path on this site");
    }
    for path in [
        "/\\about",
        "//evil.example/x",
        "/%5Cevil.example",
        "//evil.example",
    ] {
        let (status, answer) = get(port, path, "127.0.0.1");
        assert!(
            !answer.contains("Location:"),
            "{path}: no redirect at all ({status}): {answer}"
        );
        assert_ne!(status, 200, "{path}");
    }
    // The site's own Chinese 404 page.
    let (status, page) = get(port, "/no-such-page/", "127.0.0.1");
    assert_eq!(status, 404);
    assert!(page.contains("<h1>找不到这个页面</h1>"), "{page}");
}

#[test]
fn only_get_and_head_read_the_site() {
    let dir = tempfile::tempdir().expect("tmp");
    let server = start(dir.path());
    let port = server.port;
    let (status, head) = raw(
        port,
        "HEAD /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert!(!head.contains("测试社区"), "HEAD sends no body: {head}");
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let (status, answer) = raw(
            port,
            &format!(
                "{method} /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
            ),
        );
        assert_eq!(status, 405, "{method}: {answer}");
        assert!(answer.contains("Allow: GET, HEAD\r\n"), "{answer}");
    }
    // Without an editor, its prefix is just a missing page.
    assert_eq!(get(port, "/__gongkai/edit/", "127.0.0.1").0, 404);
}

#[test]
fn a_bind_beyond_loopback_is_warned_about_and_answers_any_host() {
    let dir = tempfile::tempdir().expect("tmp");
    let (server, said) = start_with(&dir.path().join("a"), "127.0.0.1");
    assert!(!said.contains("警告"), "loopback needs no warning: {said}");
    drop(server);
    let (server, said) = start_with(&dir.path().join("b"), "0.0.0.0");
    assert!(
        said.contains(
            "警告：--bind 的地址不是本机回环地址，同一网络里的其他电脑也能打开这个预览网站"
        ),
        "{said}"
    );
    // Reached from other machines by their own name for it.
    let (status, page) = get(server.port, "/about/", "192.168.1.5");
    assert_eq!(status, 200, "{page}");
}
