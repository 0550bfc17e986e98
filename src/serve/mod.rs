//! `gongkai serve`: builds the site into memory, serves it over HTTP (loopback by default) under
//! base_url's path, watches the site, rebuilds on a change and tells open pages to reload over
//! Server-Sent Events. A change that breaks the site keeps the last good build on the wire and
//! shows the diagnostics in the terminal and as an overlay in the browser.
//!
//! Endpoints of the server itself, outside the site: `/__gongkai/events` (the event stream),
//! `/__gongkai/status` (JSON: generation, ok, diagnostics, their text) and `/__gongkai/live.js`
//! (the script injected into served HTML pages; `build` output never carries it). Requests below
//! `/__gongkai/edit/` go to an [`EditHandler`] when one is given.
//!
//! The seams: `site` (the last good build and its lazily rendered pages), `watch` (file events
//! and the rebuild loop), `live` (events and status), `http` (the hyper server, its limits and
//! the request guard). Nothing here prints: what the person should read goes to a [`Report`],
//! which `cmd` words and prints.

mod http;
mod live;
mod site;
mod watch;

pub use http::{
    EDIT_PREFIX, EditHandler, Guard, HEAD_TIMEOUT, MAX_BODY, MAX_CONNECTIONS, MAX_HEAD,
};

use crate::diag::{Diagnostic, Severity, render_json, render_text};
use crate::pipeline::build::{self, Cache, Options, Outcome};
use site::Good;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// What `serve` is asked to do.
pub struct Settings {
    pub root: PathBuf,
    /// The address to listen on (`127.0.0.1`, `::1`, `0.0.0.0` …).
    pub bind: String,
    /// 0: any free port.
    pub port: u16,
    pub now: Option<String>,
    pub drafts: bool,
    /// Answers requests below `/__gongkai/edit/` (the 编辑台).
    pub edit: Option<EditHandler>,
}

/// What happens, for the person at the terminal; `cmd` words it.
pub enum Event<'a> {
    /// A build's diagnostics (errors and warnings), each to print.
    Diagnostics(&'a [Diagnostic]),
    /// The first build succeeded.
    Built {
        records: usize,
        pages: usize,
        secs: f64,
    },
    /// The first build failed; the server runs all the same and rebuilds on the next change.
    FirstBuildFailed,
    /// The server listens: `url` is the site's address; `exposed` when the address is not a
    /// loopback one, so that other machines can reach it.
    Listening { url: &'a str, exposed: bool },
    Rebuilt {
        records: usize,
        pages: usize,
        ms: u128,
    },
    /// A rebuild failed; the last good build stays on the wire.
    RebuildFailed { errors: usize, ms: u128 },
    /// Pages of a good build failed to render in the background check.
    PagesFailed { count: usize },
    /// A folder or file could not be watched; changes to it are not seen.
    WatchFailed { path: &'a Path, error: String },
}

/// Where events go; called from the rebuild loop and background threads.
pub type Report = Arc<dyn Fn(Event<'_>) + Send + Sync>;

/// Why `serve` could not start.
#[derive(Debug)]
pub enum ServeError {
    /// `--now` is not a date.
    BadNow(String),
    /// The address could not be listened on.
    Bind { addr: String, error: std::io::Error },
    /// The file watcher (or the server's runtime) could not start; the text is Chinese.
    Start(String),
}

/// The last rebuild's diagnostics when it failed.
struct Failure {
    json: String,
    text: String,
}

impl Failure {
    fn of(diags: &[Diagnostic]) -> Failure {
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
}

struct State {
    /// Bumped by every rebuild, good or not; pages and event streams compare it.
    generation: u64,
    good: Arc<Good>,
    failure: Option<Arc<Failure>>,
}

/// What the rebuild loop and the server share.
struct Shared {
    state: Mutex<State>,
    /// Told the new generation after every change of `state`; event streams wait on it.
    rebuilt: tokio::sync::watch::Sender<u64>,
    /// Counts the changes seen on disk, bumped as soon as one arrives: a background check of
    /// the previous build stops when it moves.
    changes: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        site::lock(&self.state)
    }
}

/// Builds, serves and rebuilds until the process is stopped; returns only when it cannot
/// start (or when the file watcher goes away).
pub fn run(settings: Settings, report: Report) -> Result<(), ServeError> {
    let root = settings.root.as_path();
    let opts = Options {
        root: root.to_path_buf(),
        output: None,
        now: settings.now.clone(),
        drafts: settings.drafts,
        base_url: None,
    };
    let started = Instant::now();
    let mut cache = Cache::default();
    let (good, failure) = match build::prepare_in_memory(&opts, &mut cache) {
        Err(Outcome::BadNow(s)) => return Err(ServeError::BadNow(s)),
        Ok((site, diags)) => {
            report(Event::Diagnostics(&diags));
            report(Event::Built {
                records: site.site.entries.len(),
                pages: site.page_count(),
                secs: started.elapsed().as_secs_f64(),
            });
            (Good::new(site.site.config.root.clone(), Some(site)), None)
        }
        Err(outcome) => {
            let diags = match outcome {
                Outcome::Failed(d) => d,
                _ => Vec::new(),
            };
            report(Event::Diagnostics(&diags));
            report(Event::FirstBuildFailed);
            (
                Good::new(site_root(root), None),
                Some(Arc::new(Failure::of(&diags))),
            )
        }
    };
    let bind = settings.bind.as_str();
    let listener = std::net::TcpListener::bind((bind, settings.port))
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|error| ServeError::Bind {
            addr: format!("{bind}:{}", settings.port),
            error,
        })?;
    let local = listener.local_addr().map_err(|error| ServeError::Bind {
        addr: format!("{bind}:{}", settings.port),
        error,
    })?;
    let root_path = good.root.clone();
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            generation: 1,
            good: Arc::new(good),
            failure,
        }),
        rebuilt: tokio::sync::watch::Sender::new(1),
        changes: AtomicU64::new(0),
    });
    watch::verify_in_background(&shared, 1, &report);
    let (tx, events) = std::sync::mpsc::channel();
    let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            let _ = tx.send(event);
        }
    });
    let mut watcher = watcher
        .map_err(|e| ServeError::Start(format!("无法监视文件变化：{}", watch::notify_zh(&e))))?;
    watch::watch(&mut watcher, root, &report);

    let loopback = local.ip().is_loopback();
    let app = Arc::new(http::App {
        shared: shared.clone(),
        guard: Guard {
            port: local.port(),
            loopback,
        },
        edit: settings.edit,
    });
    // One thread for the whole server: connections are cheap tasks on it, and the slow work
    // (rendering a page, the editor's saves) goes to tokio's blocking threads.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            ServeError::Start(format!("无法启动预览服务器：{}", crate::diag::io_zh(&e)))
        })?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            match tokio::net::TcpListener::from_std(listener) {
                Ok(listener) => http::accept_loop(listener, app).await,
                Err(_) => std::future::pending().await,
            }
        });
    });

    let host = if bind.contains(':') {
        format!("[{bind}]")
    } else {
        bind.to_string()
    };
    let url = format!("http://{host}:{}{root_path}", local.port());
    report(Event::Listening {
        url: &url,
        exposed: !loopback,
    });
    watch::rebuild_loop(
        root,
        &opts,
        &mut cache,
        &events,
        &mut watcher,
        &shared,
        &report,
    );
    Ok(())
}

/// The URL path the site lives under (base_url's path), so local links work as published.
fn site_root(root: &Path) -> String {
    std::fs::read_to_string(root.join("site.yaml"))
        .ok()
        .and_then(|t| {
            crate::pipeline::config::load_site(&crate::diag::SourceFile::new("site.yaml", t), None)
                .ok()
        })
        .map_or_else(|| "/".to_string(), |c| c.root)
}
