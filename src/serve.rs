//! `gongkai serve`: builds the site into memory, serves it over HTTP (loopback by default) under
//! base_url's path, watches the site, rebuilds on a change and tells open pages to reload over
//! Server-Sent Events. A change that breaks the site keeps the last good build on the wire and
//! shows the diagnostics in the terminal and as an overlay in the browser.
//!
//! Endpoints of the server itself, outside the site: `/__gongkai/events` (the event stream),
//! `/__gongkai/status` (JSON: generation, ok, diagnostics, their text) and `/__gongkai/live.js`
//! (the script injected into served HTML pages; `build` output never carries it).

use crate::build::{self, Cache, Options, Outcome};
use crate::diag::{Diagnostic, Severity, render_json, render_text};
use crate::render::{Data, Files, Prepared};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
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

/// The last good build, ready to render any of its pages, and what has been made of it so far:
/// a page is rendered when it is first asked for, so an edit is served without waiting for the
/// rest of the site.
struct Good {
    /// The URL path the site lives under.
    root: String,
    site: Option<Prepared>,
    /// Pages rendered so far, by output path.
    pages: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    /// Feeds, exports and the search index, made on the first request that needs them.
    generated: OnceLock<Files>,
}

impl Good {
    fn new(root: String, site: Option<Prepared>) -> Good {
        Good {
            root,
            site,
            pages: Mutex::new(HashMap::new()),
            generated: OnceLock::new(),
        }
    }

    fn generated(&self) -> Option<&Files> {
        let site = self.site.as_ref()?;
        Some(self.generated.get_or_init(|| site.generate()))
    }

    /// Whether the build has an output file of this name. Static files and pages are known
    /// without making anything; only a name that is neither makes the generated files.
    fn has(&self, name: &str) -> bool {
        let Some(site) = &self.site else {
            return false;
        };
        site.files.contains_key(name)
            || site.job(name).is_some()
            || self.generated().is_some_and(|g| g.contains_key(name))
    }

    /// The contents of an output file, rendering a page if it is one. A static file of a
    /// page's name wins, as it does on disk.
    fn contents(&self, name: &str) -> Option<Result<Arc<Vec<u8>>, Box<Diagnostic>>> {
        let site = self.site.as_ref()?;
        if let Some(data) = site.files.get(name) {
            return Some(Ok(Arc::new(bytes_of(data))));
        }
        if let Some(job) = site.job(name) {
            if let Some(page) = lock(&self.pages).get(name) {
                return Some(Ok(page.clone()));
            }
            return Some(site.render(job).map(|html| {
                let page = Arc::new(html);
                lock(&self.pages).insert(name.to_string(), page.clone());
                page
            }));
        }
        let data = self.generated()?.get(name)?;
        Some(Ok(Arc::new(bytes_of(data))))
    }
}

/// A lock that a panicking request thread cannot take down with it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
    /// Counts the changes seen on disk, bumped as soon as one arrives: a background check of
    /// the previous build stops when it moves.
    changes: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
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
    let mut cache = Cache::default();
    let (good, failure) = match build::prepare_in_memory(&opts, &mut cache) {
        Err(Outcome::BadNow(s)) => {
            eprintln!(
                "错误：--now 的值「{s}」不是日期；写成 2026-11-21 或 2026-11-21T09:00:00+08:00"
            );
            return ExitCode::from(2);
        }
        Ok((site, diags)) => {
            print_diags(&diags);
            println!(
                "已生成 {} 条记录（{} 个页面），用时 {:.2} 秒",
                site.site.entries.len(),
                site.page_count(),
                started.elapsed().as_secs_f64()
            );
            (Good::new(site.site.config.root.clone(), Some(site)), None)
        }
        Err(outcome) => {
            let diags = match outcome {
                Outcome::Failed(d) => d,
                _ => Vec::new(),
            };
            print_diags(&diags);
            eprintln!("网站有错误，改正后会自动重新生成。");
            (
                Good::new(site_root(root), None),
                Some(Arc::new(failure_of(&diags))),
            )
        }
    };
    let listener = match TcpListener::bind((bind, port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("错误：无法监听 {bind}:{port}：{}", crate::diag::io_zh(&e));
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
        changes: AtomicU64::new(0),
    });
    verify_in_background(&shared, 1);
    let (tx, events) = std::sync::mpsc::channel();
    let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            let _ = tx.send(event);
        }
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            eprintln!("错误：无法监视文件变化：{}", notify_zh(&e));
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
        "网站预览：http://{host}:{port}{}  （按 Ctrl+C 停止）",
        shared.lock().good.root
    );
    let _ = std::io::stdout().flush();
    rebuild_loop(root, &opts, &mut cache, &events, &mut watcher, &shared);
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
        eprintln!("警告：无法监视 {}：{}", root.display(), notify_zh(&e));
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
    cache: &mut Cache,
    events: &Receiver<notify::Event>,
    watcher: &mut notify::RecommendedWatcher,
    shared: &Arc<Shared>,
) {
    let root_abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let is_relevant = |e: &notify::Event| relevant(e, root) || relevant(e, &root_abs);
    while let Ok(first) = events.recv() {
        if !is_relevant(&first) {
            continue;
        }
        shared.changes.fetch_add(1, Ordering::Relaxed);
        let mut new_dirs = new_site_dirs(&first, root, &root_abs);
        let mut burst = vec![first];
        let started = Instant::now();
        loop {
            match events.recv_timeout(QUIET) {
                Ok(e) => {
                    new_dirs.extend(new_site_dirs(&e, root, &root_abs));
                    burst.push(e);
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if started.elapsed() > MAX_WAIT {
                break;
            }
        }
        // A folder created after start (templates/, say) is watched from now on.
        for dir in new_dirs {
            let _ = watcher.watch(&dir, RecursiveMode::Recursive);
        }
        if let Some(rels) = edited_markdown(&burst, &[root, &root_abs]) {
            cache.contents_edited(rels);
        }
        rebuild(opts, cache, shared);
    }
}

/// The Markdown files below `content/` (`/`-separated) whose contents a burst of events
/// changed, when that is all the burst did: a save in place. `None` when it may have done more
/// (created, removed or renamed a file, touched anything else, lost events), and the rebuild
/// walks the site again. Events of files the walk leaves out (an editor's hidden swap file) are
/// left out here too.
fn edited_markdown(burst: &[notify::Event], roots: &[&Path]) -> Option<Vec<String>> {
    use notify::event::{AccessKind, AccessMode, ModifyKind};
    let mut rels: Vec<String> = Vec::new();
    for event in burst {
        if event.need_rescan() {
            return None;
        }
        let left_out = |p: &PathBuf| {
            p.file_name()
                .is_some_and(|n| crate::load::ignored(&n.to_string_lossy()))
        };
        if event.paths.iter().all(left_out) && !event.paths.is_empty() {
            continue;
        }
        match event.kind {
            EventKind::Access(AccessKind::Open(_) | AccessKind::Read) => continue,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => {}
            _ => return None,
        }
        if event.paths.is_empty() {
            return None;
        }
        for path in &event.paths {
            let below = roots
                .iter()
                .find_map(|r| path.strip_prefix(r.join("content")).ok())?;
            let rel = below
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<Vec<_>>>()?
                .join("/");
            if !rel.ends_with(".md") {
                return None;
            }
            if !rels.contains(&rel) {
                rels.push(rel);
            }
        }
    }
    Some(rels)
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

fn rebuild(opts: &Options, cache: &mut Cache, shared: &Arc<Shared>) {
    let started = Instant::now();
    let outcome = build::prepare_in_memory(opts, cache);
    let ms = started.elapsed().as_millis();
    let mut state = shared.lock();
    state.generation += 1;
    let generation = state.generation;
    let mut replaced = None;
    let good = match outcome {
        Ok((site, diags)) => {
            print_diags(&diags);
            println!(
                "已重新生成 {} 条记录（{} 个页面），用时 {ms} 毫秒",
                site.site.entries.len(),
                site.page_count()
            );
            let good = Arc::new(Good::new(site.site.config.root.clone(), Some(site)));
            replaced = Some(std::mem::replace(&mut state.good, good));
            state.failure = None;
            true
        }
        Err(outcome) => {
            let diags = match outcome {
                Outcome::Failed(d) => d,
                _ => Vec::new(),
            };
            print_diags(&diags);
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            eprintln!(
                "发现 {errors} 个错误（用时 {ms} 毫秒）；浏览器里继续显示上一次成功生成的网站。"
            );
            state.failure = Some(Arc::new(failure_of(&diags)));
            false
        }
    };
    let _ = std::io::stdout().flush();
    drop(state);
    shared.changed.notify_all();
    // The previous build, unless a page being served still holds it: freed off this thread.
    if let Some(old) = replaced {
        build::drop_in_background(old);
    }
    if good {
        verify_in_background(shared, generation);
    }
}

/// Renders every page of the build of `generation` on one background thread, so that a
/// template that fails on some page is reported (terminal and overlay) though nobody opened
/// that page; then makes the feeds and search index. Stops as soon as the site changes again.
fn verify_in_background(shared: &Arc<Shared>, generation: u64) {
    let shared = shared.clone();
    let change = shared.changes.load(Ordering::Relaxed);
    std::thread::spawn(move || {
        let good = shared.lock().good.clone();
        let Some(site) = &good.site else {
            return;
        };
        let stale = || shared.changes.load(Ordering::Relaxed) != change;
        let mut failures = Vec::new();
        let mut render = site.renderer();
        for job in site.jobs() {
            if stale() {
                return;
            }
            if let Err(d) = render(job) {
                failures.push(*d);
            }
        }
        if stale() {
            return;
        }
        if failures.is_empty() {
            good.generated();
            return;
        }
        print_diags(&failures);
        let mut state = shared.lock();
        if state.generation != generation {
            return;
        }
        eprintln!(
            "有 {} 个页面的模板出错；浏览器里继续显示能生成的页面。",
            failures.len()
        );
        state.generation += 1;
        state.failure = Some(Arc::new(failure_of(&failures)));
        drop(state);
        shared.changed.notify_all();
    });
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

/// `has` tells whether the build has an output file of a name (`notices/a/index.html`).
fn find(root: &str, path: &str, has: &dyn Fn(&str) -> bool) -> Found {
    let Some(rel) = path
        .strip_prefix(root)
        .or_else(|| path.strip_prefix(root.trim_end_matches('/')))
    else {
        return if path == "/" {
            Found::Redirect(root.to_string())
        } else {
            Found::Missing
        };
    };
    let decoded = crate::markdown::percent_decode(rel).into_owned();
    let trimmed = decoded.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        let index = format!("{trimmed}index.html");
        return if has(&index) {
            Found::File(index)
        } else {
            Found::Missing
        };
    }
    let Some(norm) = crate::model::normalize(trimmed) else {
        return Found::Missing;
    };
    if has(&norm) {
        Found::File(norm)
    } else if has(&format!("{norm}/index.html")) {
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
            let found = find(&good.root, path, &|name| good.has(name));
            let (status, name, body) = match found {
                Found::Redirect(to) => {
                    let location = format!("Location: {to}\r\n");
                    respond(&mut stream, "302 Found", "text/plain; charset=utf-8", &location, b"", head_only);
                    return;
                }
                Found::File(name) => match good.contents(&name) {
                    Some(Ok(body)) => ("200 OK", name, body.to_vec()),
                    Some(Err(d)) => {
                        // Shown in the page; the background check puts it in the overlay too.
                        let mut text = String::new();
                        crate::markdown::escape_html(&mut text, &render_text(&d));
                        let page = format!("<!doctype html><meta charset=\"utf-8\"><title>模板出错</title><body><pre>{text}</pre></body>");
                        ("500 Internal Server Error", "error.html".to_string(), page.into_bytes())
                    }
                    None => ("404 Not Found", name, Vec::new()),
                },
                Found::Missing => match good.contents("404.html") {
                    Some(Ok(body)) => ("404 Not Found", "404.html".to_string(), body.to_vec()),
                    // No good build yet: a bare page that still carries the overlay.
                    _ => ("404 Not Found", "404.html".to_string(), "<!doctype html><meta charset=\"utf-8\"><title>gongkai</title><body><p>网站还没有生成成功。</p></body>".as_bytes().to_vec()),
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

/// The file watcher's errors, in Chinese.
fn notify_zh(e: &notify::Error) -> String {
    match &e.kind {
        notify::ErrorKind::Io(io) => crate::diag::io_zh(io),
        notify::ErrorKind::PathNotFound => "文件或文件夹不存在".to_string(),
        notify::ErrorKind::MaxFilesWatch => {
            "要监视的文件太多，超过了系统的上限（Linux 上可调大 fs.inotify.max_user_watches）"
                .to_string()
        }
        _ => "系统错误".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_files_under_the_site_path() {
        let files = [
            "index.html",
            "notices/a/index.html",
            "theme/site.css",
            "404.html",
        ];
        let has = |name: &str| files.contains(&name);
        let find = |path: &str| find("/sub/", path, &has);
        assert!(matches!(find("/sub/"), Found::File(f) if f == "index.html"));
        assert!(matches!(find("/sub/notices/a/"), Found::File(f) if f == "notices/a/index.html"));
        assert!(matches!(find("/sub/notices/a"), Found::Redirect(to) if to == "/sub/notices/a/"));
        assert!(matches!(find("/sub/theme/site.css"), Found::File(_)));
        assert!(matches!(find("/"), Found::Redirect(to) if to == "/sub/"));
        assert!(matches!(find("/notices/a/"), Found::Missing));
        assert!(matches!(find("/sub/../etc/passwd"), Found::Missing));
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
    fn only_saves_in_place_of_markdown_below_content_skip_the_walk() {
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind};
        let roots: &[&Path] = &[Path::new("site"), Path::new("/abs/site")];
        let ev = |kind: EventKind, p: &str| notify::Event::new(kind).add_path(PathBuf::from(p));
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let swap = ev(data, "/abs/site/content/notices/.a.md.swp");
        assert_eq!(
            edited_markdown(
                &[
                    ev(data, "site/content/notices/a.md"),
                    swap,
                    ev(data, "site/content/notices/_draft.md"),
                    ev(closed, "/abs/site/content/notices/a.md"),
                    ev(data, "/abs/site/content/b.md"),
                ],
                roots
            ),
            Some(vec!["notices/a.md".to_string(), "b.md".to_string()])
        );
        let create = EventKind::Create(CreateKind::File);
        assert_eq!(
            edited_markdown(&[ev(create, "site/content/c.md")], roots),
            None
        );
        assert_eq!(
            edited_markdown(&[ev(data, "site/content/img.png")], roots),
            None
        );
        assert_eq!(edited_markdown(&[ev(data, "site/site.yaml")], roots), None);
        assert_eq!(
            edited_markdown(&[ev(data, "site/templates/page.html")], roots),
            None
        );
        let lost = ev(data, "site/content/a.md").set_flag(notify::event::Flag::Rescan);
        assert_eq!(edited_markdown(&[lost], roots), None);
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
