//! `gongkai serve`: builds the site into memory, serves it over HTTP (loopback by default) under
//! base_url's path, watches the site, rebuilds on a change and tells open pages to reload over
//! Server-Sent Events. A change that breaks the site keeps the last good build on the wire and
//! shows the diagnostics in the terminal and as an overlay in the browser.
//!
//! Endpoints of the server itself, outside the site: `/__gongkai/events` (the event stream),
//! `/__gongkai/status` (JSON: generation, ok, diagnostics, their text) and `/__gongkai/live.js`
//! (the script injected into served HTML pages; `build` output never carries it).

use crate::build::{self, Options, Outcome};
use crate::diag::{Diagnostic, Severity, render_json, render_text};
use crate::render::{Data, Files};
use notify::{EventKind, RecursiveMode, Watcher};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What the site watches (cli.md): two files at the root and four folders.
const WATCHED_FILES: &[&str] = &["site.yaml", "holidays.yaml"];
const WATCHED_DIRS: &[&str] = &["content", "static", "templates", "themes"];
/// A burst of file events (an editor's save, a `git checkout`) is one change once it is quiet this long.
const QUIET: Duration = Duration::from_millis(15);
/// A steady stream of events still gets a rebuild this often.
const MAX_WAIT: Duration = Duration::from_millis(300);
/// An idle event stream sends a comment this often, so a closed tab ends its thread.
const KEEPALIVE: Duration = Duration::from_secs(15);

const LIVE_JS: &str = include_str!("serve_live.js");

/// The last good build: every output file, and the URL path the site lives under.
struct Good {
    files: Files,
    root: String,
}

/// The last rebuild's diagnostics when it failed.
struct Failure {
    json: String,
    text: String,
}

struct State {
    /// Bumped by every rebuild, good or not; pages and event streams compare it.
    generation: u64,
    good: Arc<Good>,
    failure: Option<Arc<Failure>>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking request thread must not take the server down with it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub fn run(root: &Path, bind: &str, port: u16, now: Option<String>, drafts: bool) -> ExitCode {
    let opts = Options {
        root: root.to_path_buf(),
        output: None,
        now,
        drafts,
        base_url: None,
    };
    let started = Instant::now();
    let (good, failure) = match build::run_in_memory(&opts) {
        (Outcome::BadNow(s), _) => {
            eprintln!(
                "error: --now 的值「{s}」不是日期；写成 2026-11-21 或 2026-11-21T09:00:00+08:00"
            );
            return ExitCode::from(2);
        }
        (
            Outcome::Done {
                diags,
                records,
                files,
            },
            Some(out),
        ) => {
            print_diags(&diags);
            println!(
                "built {records} records into {files} files in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            (
                Good {
                    files: out,
                    root: site_root(root),
                },
                None,
            )
        }
        (outcome, _) => {
            let diags = match outcome {
                Outcome::Failed(d) => d,
                _ => Vec::new(),
            };
            print_diags(&diags);
            eprintln!("网站有错误，改正后会自动重新生成。");
            (
                Good {
                    files: Files::new(),
                    root: site_root(root),
                },
                Some(Arc::new(failure_of(&diags))),
            )
        }
    };
    let listener = match TcpListener::bind((bind, port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: 无法监听 {bind}:{port}：{e}");
            return ExitCode::from(2);
        }
    };
    let port = listener.local_addr().map_or(port, |a| a.port());
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            generation: 1,
            good: Arc::new(good),
            failure,
        }),
        changed: Condvar::new(),
    });
    let (tx, events) = std::sync::mpsc::channel();
    let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            let _ = tx.send(event);
        }
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: 无法监视文件变化：{e}");
            return ExitCode::FAILURE;
        }
    };
    watch(&mut watcher, root);
    {
        let shared = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || handle(stream, &shared));
            }
        });
    }
    let host = if bind.contains(':') {
        format!("[{bind}]")
    } else {
        bind.to_string()
    };
    println!(
        "serving at http://{host}:{port}{}  (Ctrl+C 停止)",
        shared.lock().good.root
    );
    let _ = std::io::stdout().flush();
    rebuild_loop(root, &opts, &events, &mut watcher, &shared);
    ExitCode::SUCCESS
}

/// The URL path the site lives under (base_url's path), so local links work as published.
fn site_root(root: &Path) -> String {
    std::fs::read_to_string(root.join("site.yaml"))
        .ok()
        .and_then(|t| {
            crate::config::load_site(&crate::diag::SourceFile::new("site.yaml", t), None).ok()
        })
        .map_or_else(|| "/".to_string(), |c| c.root)
}

fn print_diags(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}", render_text(d));
    }
}

fn failure_of(diags: &[Diagnostic]) -> Failure {
    let shown: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let text = shown
        .iter()
        .map(|d| render_text(d))
        .collect::<Vec<_>>()
        .join("\n");
    let owned: Vec<Diagnostic> = shown.into_iter().cloned().collect();
    Failure {
        json: render_json(&owned),
        text,
    }
}

/// Watches the root's own files (not recursively: the output and anything else there are not
/// the site) and each of the site's folders that exists.
fn watch(watcher: &mut notify::RecommendedWatcher, root: &Path) {
    if let Err(e) = watcher.watch(root, RecursiveMode::NonRecursive) {
        eprintln!("warning: 无法监视 {}：{e}", root.display());
    }
    for dir in WATCHED_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            let _ = watcher.watch(&path, RecursiveMode::Recursive);
        }
    }
}

/// Whether an event can change the site: a path below a watched folder or one of the watched
/// files, not an editor's swap or backup file, and not a mere read.
fn relevant(event: &notify::Event, root: &Path) -> bool {
    if matches!(
        event.kind,
        EventKind::Access(notify::event::AccessKind::Open(_))
            | EventKind::Access(notify::event::AccessKind::Read)
    ) {
        return false;
    }
    event.paths.iter().any(|p| {
        let Ok(rel) = p.strip_prefix(root) else {
            return false;
        };
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name.starts_with(".#")
        {
            return false;
        }
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        WATCHED_FILES.contains(&first.as_str()) || WATCHED_DIRS.contains(&first.as_str())
    })
}

/// Waits for a change, lets its burst of events settle, rebuilds, and wakes every page.
fn rebuild_loop(
    root: &Path,
    opts: &Options,
    events: &Receiver<notify::Event>,
    watcher: &mut notify::RecommendedWatcher,
    shared: &Shared,
) {
    let root_abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let is_relevant = |e: &notify::Event| relevant(e, root) || relevant(e, &root_abs);
    while let Ok(first) = events.recv() {
        if !is_relevant(&first) {
            continue;
        }
        let mut new_dirs = new_site_dirs(&first, root, &root_abs);
        let burst = Instant::now();
        loop {
            match events.recv_timeout(QUIET) {
                Ok(e) => new_dirs.extend(new_site_dirs(&e, root, &root_abs)),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if burst.elapsed() > MAX_WAIT {
                break;
            }
        }
        // A folder created after start (templates/, say) is watched from now on.
        for dir in new_dirs {
            let _ = watcher.watch(&dir, RecursiveMode::Recursive);
        }
        rebuild(root, opts, shared);
    }
}

/// Site folders (content/, templates/ …) that an event shows were just created at the root.
fn new_site_dirs(event: &notify::Event, root: &Path, root_abs: &Path) -> Vec<PathBuf> {
    if !matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(notify::event::ModifyKind::Name(_))
    ) {
        return Vec::new();
    }
    event
        .paths
        .iter()
        .filter(|p| p.is_dir())
        .filter(|p| p.parent().is_some_and(|d| d == root || d == root_abs))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| WATCHED_DIRS.iter().any(|w| n == *w))
        })
        .cloned()
        .collect()
}

fn rebuild(root: &Path, opts: &Options, shared: &Shared) {
    let started = Instant::now();
    let (outcome, files) = build::run_in_memory(opts);
    let ms = started.elapsed().as_millis();
    let mut state = shared.lock();
    state.generation += 1;
    match (outcome, files) {
        (
            Outcome::Done {
                diags,
                records,
                files: count,
            },
            Some(files),
        ) => {
            print_diags(&diags);
            println!("rebuilt {records} records into {count} files in {ms} ms");
            state.good = Arc::new(Good {
                files,
                root: site_root(root),
            });
            state.failure = None;
        }
        (outcome, _) => {
            let diags = match outcome {
                Outcome::Failed(d) => d,
                _ => Vec::new(),
            };
            print_diags(&diags);
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            eprintln!("发现 {errors} 个错误（{ms} ms）；浏览器里继续显示上一次成功生成的网站。");
            state.failure = Some(Arc::new(failure_of(&diags)));
        }
    }
    let _ = std::io::stdout().flush();
    drop(state);
    shared.changed.notify_all();
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// What a request path under the site's root path names among the output files.
enum Found {
    File(String),
    /// A folder asked for without its closing `/`: the browser must be sent there, so that
    /// the page's relative links resolve.
    Redirect(String),
    Missing,
}

fn find(good: &Good, path: &str) -> Found {
    let Some(rel) = path
        .strip_prefix(good.root.as_str())
        .or_else(|| path.strip_prefix(good.root.trim_end_matches('/')))
    else {
        return if path == "/" {
            Found::Redirect(good.root.clone())
        } else {
            Found::Missing
        };
    };
    let decoded = crate::markdown::percent_decode(rel).into_owned();
    let trimmed = decoded.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        let index = format!("{trimmed}index.html");
        return if good.files.contains_key(&index) {
            Found::File(index)
        } else {
            Found::Missing
        };
    }
    let Some(norm) = crate::model::normalize(trimmed) else {
        return Found::Missing;
    };
    if good.files.contains_key(&norm) {
        Found::File(norm)
    } else if good.files.contains_key(&format!("{norm}/index.html")) {
        Found::Redirect(format!("{path}/"))
    } else {
        Found::Missing
    }
}

fn bytes_of(data: &Data) -> Vec<u8> {
    match data {
        Data::Bytes(b) => b.clone(),
        // Static files and attachments are read when asked for: they are copied, not built.
        Data::Copy(src) => std::fs::read(src).unwrap_or_default(),
    }
}

/// Adds the live-reload script to an HTML page, just before `</body>` (or at the end).
fn inject(html: Vec<u8>, generation: u64) -> Vec<u8> {
    let tag =
        format!("<script src=\"/__gongkai/live.js\" data-generation=\"{generation}\"></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    extra: &str,
    body: &[u8],
    head_only: bool,
) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if !head_only {
        let _ = stream.write_all(body);
    }
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut line = String::new();
    {
        let mut reader = BufReader::new(&stream);
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let mut header = String::new();
        while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
            header.clear();
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            "Allow: GET, HEAD\r\n",
            b"",
            false,
        );
        return;
    }
    let head_only = method == "HEAD";
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        "/__gongkai/events" => events(stream, shared, query),
        "/__gongkai/live.js" => respond(
            &mut stream,
            "200 OK",
            "text/javascript; charset=utf-8",
            "",
            LIVE_JS.as_bytes(),
            head_only,
        ),
        "/__gongkai/status" => {
            let (generation, failure) = {
                let s = shared.lock();
                (s.generation, s.failure.clone())
            };
            let body = match failure {
                Some(f) => format!(
                    "{{\"generation\":{generation},\"ok\":false,\"diagnostics\":{},\"text\":{}}}",
                    f.json,
                    serde_json::Value::String(f.text.clone())
                ),
                None => format!(
                    "{{\"generation\":{generation},\"ok\":true,\"diagnostics\":[],\"text\":\"\"}}"
                ),
            };
            respond(
                &mut stream,
                "200 OK",
                "application/json; charset=utf-8",
                "",
                body.as_bytes(),
                head_only,
            );
        }
        _ => {
            let (good, generation) = {
                let s = shared.lock();
                (s.good.clone(), s.generation)
            };
            let (status, name, body) = match find(&good, path) {
                Found::Redirect(to) => {
                    let location = format!("Location: {to}\r\n");
                    respond(&mut stream, "302 Found", "text/plain; charset=utf-8", &location, b"", head_only);
                    return;
                }
                Found::File(name) => {
                    let body = good.files.get(&name).map(bytes_of).unwrap_or_default();
                    ("200 OK", name, body)
                }
                Found::Missing => match good.files.get("404.html") {
                    Some(d) => ("404 Not Found", "404.html".to_string(), bytes_of(d)),
                    // No good build yet: a bare page that still carries the overlay.
                    None => ("404 Not Found", "404.html".to_string(), "<!doctype html><meta charset=\"utf-8\"><title>gongkai</title><body><p>网站还没有生成成功。</p></body>".as_bytes().to_vec()),
                },
            };
            let kind = content_type(&name);
            let body = if kind.starts_with("text/html") {
                inject(body, generation)
            } else {
                body
            };
            respond(&mut stream, status, kind, "", &body, head_only);
        }
    }
}

/// The event stream: `reload` after a good rebuild, `failed` after a broken one. A page passes
/// the generation it was built from, so a rebuild between its load and this request is not missed.
fn events(mut stream: TcpStream, shared: &Shared, query: &str) {
    let since = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse::<u64>().ok());
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut seen = since.unwrap_or_else(|| shared.lock().generation);
    loop {
        let message = {
            let state = shared.lock();
            let (state, _) = shared
                .changed
                .wait_timeout_while(state, KEEPALIVE, |s| s.generation <= seen)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if state.generation > seen {
                seen = state.generation;
                let event = if state.failure.is_some() {
                    "failed"
                } else {
                    "reload"
                };
                format!("event: {event}\ndata: {seen}\n\n")
            } else {
                ": keepalive\n\n".to_string()
            }
        };
        if stream
            .write_all(message.as_bytes())
            .and_then(|()| stream.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good(root: &str) -> Good {
        let mut files = Files::new();
        for f in [
            "index.html",
            "notices/a/index.html",
            "theme/site.css",
            "404.html",
        ] {
            files.insert(f.into(), Data::Bytes(b"x".to_vec()));
        }
        Good {
            files,
            root: root.into(),
        }
    }

    #[test]
    fn finds_files_under_the_site_path() {
        let g = good("/sub/");
        assert!(matches!(find(&g, "/sub/"), Found::File(f) if f == "index.html"));
        assert!(
            matches!(find(&g, "/sub/notices/a/"), Found::File(f) if f == "notices/a/index.html")
        );
        assert!(
            matches!(find(&g, "/sub/notices/a"), Found::Redirect(to) if to == "/sub/notices/a/")
        );
        assert!(matches!(find(&g, "/sub/theme/site.css"), Found::File(_)));
        assert!(matches!(find(&g, "/"), Found::Redirect(to) if to == "/sub/"));
        assert!(matches!(find(&g, "/notices/a/"), Found::Missing));
        assert!(matches!(find(&g, "/sub/../etc/passwd"), Found::Missing));
    }

    #[test]
    fn script_goes_before_the_closing_body_tag() {
        let out = inject(b"<html><body><p>x</p></body></html>".to_vec(), 3);
        let out = String::from_utf8(out).expect("utf-8");
        assert!(
            out.ends_with("data-generation=\"3\"></script></body></html>"),
            "{out}"
        );
    }

    #[test]
    fn editor_files_and_other_folders_are_not_changes() {
        let root = Path::new("/site");
        let ev = |p: &str| {
            notify::Event::new(EventKind::Modify(notify::event::ModifyKind::Any))
                .add_path(PathBuf::from(p))
        };
        assert!(relevant(&ev("/site/content/notices/a.md"), root));
        assert!(relevant(&ev("/site/site.yaml"), root));
        assert!(!relevant(&ev("/site/output/index.html"), root));
        assert!(!relevant(&ev("/site/content/.a.md.swp"), root));
        assert!(!relevant(&ev("/site/content/a.md~"), root));
    }
}
