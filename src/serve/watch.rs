//! Watching the site and rebuilding it: a burst of file events becomes one rebuild, which
//! replaces the last good build (or records why it failed) and wakes every open page; a
//! background pass renders every page of a good build so that a failing template is reported.

use super::site::Good;
use super::{Event, Failure, Report, Shared};
use crate::diag::Severity;
use crate::pipeline::build::{self, Cache, Options, Outcome};
use notify::{EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// What the site watches (cli.md): two files at the root and four folders.
const WATCHED_FILES: &[&str] = &["site.yaml", "holidays.yaml"];
const WATCHED_DIRS: &[&str] = &["content", "static", "templates", "themes"];
/// A burst of file events (an editor's save, a `git checkout`) is one change once it is quiet this long.
const QUIET: Duration = Duration::from_millis(15);
/// A steady stream of events still gets a rebuild this often.
const MAX_WAIT: Duration = Duration::from_millis(300);

/// Watches the root's own files (not recursively: the output and anything else there are not
/// the site) and each of the site's folders that exists.
pub(super) fn watch(watcher: &mut notify::RecommendedWatcher, root: &Path, report: &Report) {
    if let Err(e) = watcher.watch(root, RecursiveMode::NonRecursive) {
        report(Event::WatchFailed {
            path: root,
            error: notify_zh(&e),
        });
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
pub(super) fn rebuild_loop(
    root: &Path,
    opts: &Options,
    cache: &mut Cache,
    events: &Receiver<notify::Event>,
    watcher: &mut notify::RecommendedWatcher,
    shared: &Arc<Shared>,
    report: &Report,
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
        rebuild(opts, cache, shared, report);
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
                .is_some_and(|n| crate::pipeline::load::ignored(&n.to_string_lossy()))
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

fn rebuild(opts: &Options, cache: &mut Cache, shared: &Arc<Shared>, report: &Report) {
    let started = Instant::now();
    let outcome = build::prepare_in_memory(opts, cache);
    let ms = started.elapsed().as_millis();
    let mut state = shared.lock();
    state.generation += 1;
    let generation = state.generation;
    let mut replaced = None;
    let good = match outcome {
        Ok((site, diags)) => {
            report(Event::Diagnostics(&diags));
            report(Event::Rebuilt {
                records: site.site.entries.len(),
                pages: site.page_count(),
                ms,
            });
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
            report(Event::Diagnostics(&diags));
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            report(Event::RebuildFailed { errors, ms });
            state.failure = Some(Arc::new(Failure::of(&diags)));
            false
        }
    };
    drop(state);
    shared.rebuilt.send_replace(generation);
    // The previous build, unless a page being served still holds it: freed off this thread.
    if let Some(old) = replaced {
        build::drop_in_background(old);
    }
    if good {
        verify_in_background(shared, generation, report);
    }
}

/// Renders every page of the build of `generation` on one background thread, so that a
/// template that fails on some page is reported (terminal and overlay) though nobody opened
/// that page; then makes the feeds and search index. Stops as soon as the site changes again.
pub(super) fn verify_in_background(shared: &Arc<Shared>, generation: u64, report: &Report) {
    let shared = shared.clone();
    let report = report.clone();
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
        report(Event::Diagnostics(&failures));
        let mut state = shared.lock();
        if state.generation != generation {
            return;
        }
        report(Event::PagesFailed {
            count: failures.len(),
        });
        state.generation += 1;
        let generation = state.generation;
        state.failure = Some(Arc::new(Failure::of(&failures)));
        drop(state);
        shared.rebuilt.send_replace(generation);
    });
}

/// The file watcher's errors, in Chinese.
pub(super) fn notify_zh(e: &notify::Error) -> String {
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
