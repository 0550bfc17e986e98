//! The whole pipeline, config → load → model → derive → render → emit, for `build` and `check`.

use crate::calendar::Calendar;
use crate::dates::Today;
use crate::diag::{Diagnostic, Diagnostics, Pos, Severity, SourceFile};
use crate::images::{CacheMode, ImageStats, Images};
use crate::ledger::{self, Ledger, RecordState, history};
use crate::pipeline::cache;
use crate::pipeline::config::{self, SiteConfig};
use crate::pipeline::derive;
use crate::pipeline::emit;
use crate::pipeline::load;
use crate::pipeline::model;
use crate::pipeline::output::{Files, PageSink};
use crate::pipeline::render::{self, Prepared, theme};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::Tera;

pub struct Options {
    pub root: PathBuf,
    /// None: check only, write nothing.
    pub output: Option<PathBuf>,
    pub now: Option<String>,
    pub drafts: bool,
    pub base_url: Option<String>,
}

pub enum Outcome {
    /// The site has errors (or could not be written); nothing was written.
    Failed(Vec<Diagnostic>),
    Done {
        diags: Vec<Diagnostic>,
        records: usize,
        files: usize,
        /// Images processed afresh and taken from the cache.
        images: ImageStats,
        /// Of `files`, those whose bytes were the previous output's, kept as they were.
        kept: usize,
        /// The inputs were those of the last build into this output, which is as that build
        /// left it: nothing was built or written (`build_cache`).
        unchanged: bool,
    },
    /// `--now` could not be read: a command-line mistake.
    BadNow(String),
}

/// The configuration, and the text it was read from.
fn read_site_config(
    root: &Path,
    base_url: Option<&str>,
) -> Result<(SiteConfig, String), Vec<Diagnostic>> {
    let path = root.join("site.yaml");
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => config::load_site(&SourceFile::new("site.yaml", text.as_str()), base_url)
                .map(|c| (c, text)),
            Err(_) => Err(vec![SourceFile::new("site.yaml", "").error(
                "E-ENCODING",
                Pos::START,
                "site.yaml 不是 UTF-8 编码的文本",
                "用编辑器另存为 UTF-8 编码",
            )]),
        },
        Err(_) => Err(vec![SourceFile::new("site.yaml", "").error(
            "E-NO-SITE",
            Pos::START,
            format!("在 {} 里找不到 site.yaml", root.display()),
            "在网站根目录运行，或用 --root 指定网站目录；新建网站可用 gongkai init 目录名",
        )]),
    }
}

/// A stage of the pipeline, for a progress line while a long build runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Load,
    Parse { files: usize },
    Render { records: usize },
    Write,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stage::Load => write!(f, "读取文件"),
            Stage::Parse { files } => write!(f, "解析 {files} 个文件"),
            Stage::Render { records } => write!(f, "生成 {records} 条记录的页面"),
            Stage::Write => write!(f, "写入输出目录"),
        }
    }
}

pub fn run(opts: &Options) -> Outcome {
    run_with(opts, &|_| {})
}

/// `run`, telling `progress` as each stage starts.
pub fn run_with(opts: &Options, progress: &dyn Fn(Stage)) -> Outcome {
    let Some(output) = &opts.output else {
        return check_only(opts, progress, None);
    };
    if let Err(e) = emit::check_output_dir(&opts.root, output) {
        return write_failed(Vec::new(), output, e);
    }
    let output_path = emit::stable_path(output);
    let key = cache::input_key(opts, &output_path);
    if let Some(key) = &key
        && let Some(last) = cache::unchanged(&opts.root, &output_path, key)
    {
        return Outcome::Done {
            diags: last.warnings,
            records: last.records,
            files: last.files,
            images: ImageStats::default(),
            kept: last.files,
            unchanged: true,
        };
    }
    // Pages go straight into a fresh directory beside the output, swapped in only at the end.
    let staging = match emit::Staging::new(output) {
        Ok(s) => s,
        Err(e) => return write_failed(Vec::new(), output, e),
    };
    let built = match pipeline(opts, progress, &staging, None) {
        Ok(built) => built,
        Err(outcome) => return outcome,
    };
    progress(Stage::Write);
    let outcome = match staging.finish(&built.files) {
        Ok(written) => built.done(written),
        Err(e) => write_failed(built.diags, output, e),
    };
    if let (
        Some(key),
        Outcome::Done {
            diags,
            records,
            files,
            ..
        },
    ) = (&key, &outcome)
    {
        cache::store(&opts.root, &output_path, key, *records, *files, diags);
    }
    outcome
}

/// What `serve` keeps from one build to the next, so that an edit re-reads, re-parses and
/// re-renders only what it touched.
#[derive(Default)]
pub struct Cache {
    files: load::FileCache,
    parsed: model::ParseCache,
    bodies: render::BodyCache,
    /// The compiled theme, with the template texts it was compiled from.
    theme: Option<CompiledTheme>,
}

impl Cache {
    /// Tells the next build that since the last one only these Markdown files' contents changed
    /// (paths below `content/`), as `serve`'s file events show.
    pub fn contents_edited(&mut self, rels: Vec<String>) {
        self.files.contents_edited(rels);
    }
}

type CompiledTheme = (BTreeMap<String, (String, String)>, Arc<Tera>);

/// A build short of rendering its pages, for `serve`, which renders a page when it is asked
/// for: the prepared site and its warnings, or the outcome that stopped it.
pub fn prepare_in_memory(
    opts: &Options,
    cache: &mut Cache,
) -> Result<(Prepared, Vec<Diagnostic>), Outcome> {
    let front = front(opts, &|_| {}, Some(cache), false, None)?;
    if front.diags.has_errors() {
        return Err(Outcome::Failed(front.diags.into_sorted()));
    }
    Ok((front.prepared, front.diags.into_sorted()))
}

struct Discard;

impl PageSink for Discard {
    fn page(&self, _: String, _: Vec<u8>) {}
}

/// What a build that found no error produced besides the pages it handed to its sink.
struct Built {
    files: Files,
    records: usize,
    diags: Vec<Diagnostic>,
    images: ImageStats,
}

impl Built {
    fn done(self, written: emit::Written) -> Outcome {
        Outcome::Done {
            records: self.records,
            files: self.files.len() + written.pages,
            diags: self.diags,
            images: self.images,
            kept: written.kept,
            unchanged: false,
        }
    }
}

fn write_failed(mut diags: Vec<Diagnostic>, output: &Path, e: emit::EmitError) -> Outcome {
    diags.push(SourceFile::new(output.display().to_string(), "").error(
        "E-WRITE",
        Pos::START,
        e.0,
        "检查输出目录的位置和写入权限",
    ));
    Outcome::Failed(sorted(Diagnostics::new(), diags))
}

/// config → load → model → derive → render, pages into `sink`.
fn pipeline(
    opts: &Options,
    progress: &dyn Fn(Stage),
    sink: &dyn PageSink,
    overlay: Option<(&str, &str)>,
) -> Result<Built, Outcome> {
    let Front {
        mut prepared,
        mut diags,
        images,
        ..
    } = front(opts, progress, None, false, overlay)?;
    // With errors already found, pages are rendered only for their diagnostics.
    if diags.has_errors() {
        diags.extend(prepared.render_all(&Discard));
        return Err(Outcome::Failed(diags.into_sorted()));
    }
    diags.extend(prepared.write_all(sink));
    if diags.has_errors() {
        return Err(Outcome::Failed(diags.into_sorted()));
    }
    let built = Built {
        records: prepared.site.entries.len(),
        files: std::mem::take(&mut prepared.files),
        diags: diags.into_sorted(),
        images,
    };
    drop_in_background(prepared);
    Ok(built)
}

/// Frees `value` on a thread of its own. Freeing a big site's records, cards and contexts takes
/// a tenth of a second on one core, and nothing needs to wait for it: a build goes on to swap its
/// output in (and a one-shot build then exits without waiting), `serve` goes on to answer.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started, the closure, and `value` with it, is dropped right here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// A site read, checked and ready to render, with everything found on the way.
struct Front {
    prepared: Prepared,
    diags: Diagnostics,
    images: ImageStats,
    /// For `publish`: the ledger as read and each published record's state, same index as
    /// `prepared.site.entries`, and the record files unlisted after expiry.
    ledger: Option<LedgerView>,
}

struct LedgerView {
    states: Vec<RecordState>,
    withheld: HashSet<String>,
}

/// What the configuration stage reads: `site.yaml`, the day, the holiday calendar.
struct Settings {
    config: SiteConfig,
    /// The texts they were read from, which the parse cache's key includes.
    config_text: String,
    holidays_text: Option<String>,
    today: Today,
    calendar: Calendar,
}

/// config → load → model → derive → Markdown bodies. Stops early (`Err`) only when nothing can
/// be rendered: an unreadable site.yaml, a bad `--now`, a theme that does not compile.
fn front(
    opts: &Options,
    progress: &dyn Fn(Stage),
    mut cache: Option<&mut Cache>,
    publishing: bool,
    overlay: Option<(&str, &str)>,
) -> Result<Front, Outcome> {
    let mut diags = Diagnostics::new();
    let settings = read_settings(opts, &mut diags)?;
    progress(Stage::Load);
    let mut loaded = load::load(&opts.root, cache.as_deref_mut().map(|c| &mut c.files));
    if let Some((rel, text)) = overlay {
        loaded.overlay(rel, text.to_string());
    }
    progress(Stage::Parse {
        files: loaded.files.len(),
    });
    let mut ds: Vec<Diagnostic> = loaded.diags.clone();
    let parse_world = parse_world(opts, &settings, &loaded);
    let model = {
        let ctx = model::Context {
            config: &settings.config,
            root: &opts.root,
            calendar: &settings.calendar,
            loaded: &loaded,
        };
        let parse_cache = cache.as_deref_mut().map(|c| (parse_world, &mut c.parsed));
        model::build_model(&ctx, parse_cache, &mut ds)
    };
    if !opts.drafts {
        drafts_not_built(&loaded, &mut ds);
    }
    let today = settings.today;
    let withheld: HashSet<String> = model
        .records
        .iter()
        .filter(|r| derive::is_unlisted(r, today.day))
        .map(|r| ledger::record_path(r))
        .collect();
    let mut site = derive::derive(model, settings.config, today, opts.drafts, &mut ds);
    let ledger = read_ledger(
        &opts.root, &loaded, &mut site, withheld, publishing, &mut ds,
    );
    let theme = theme::load_theme(&opts.root, &site.config.theme, &mut ds);
    let tera = match cache.as_deref_mut() {
        Some(Cache {
            theme: Some((templates, tera)),
            ..
        }) if *templates == theme.templates => Some(tera.clone()),
        _ => theme::compile(&theme, &mut ds).map(Arc::new),
    };
    diags.extend(ds);
    // Rendering goes on past record errors so broken links are reported in the same run.
    let Some(tera) = tera else {
        return Err(Outcome::Failed(diags.into_sorted()));
    };
    progress(Stage::Render {
        records: site.entries.len(),
    });
    let link_world = link_world(opts, parse_world, &site, &loaded, cache.is_some());
    let mut ds = Vec::new();
    // `check` writes nothing, not even the image cache; `build` and `serve` keep their work.
    let image_cache = if opts.output.is_some() || cache.is_some() {
        CacheMode::ReadWrite
    } else {
        CacheMode::ReadOnly
    };
    let images = Images::new(&opts.root, image_cache);
    let body_cache = cache.as_deref_mut().map(|c| (link_world, &mut c.bodies));
    let prepared = render::prepare(
        site,
        &loaded,
        tera.clone(),
        &theme.statics,
        &images,
        body_cache,
        &mut ds,
    );
    diags.extend(ds);
    if let Some(c) = cache {
        c.theme = Some((theme.templates, tera));
    }
    Ok(Front {
        prepared,
        diags,
        images: images.stats(),
        ledger,
    })
}

/// The configuration stage: `site.yaml` (with the sample texts and example address a new site
/// still carries), the day the build is for, and the holiday calendar.
fn read_settings(opts: &Options, diags: &mut Diagnostics) -> Result<Settings, Outcome> {
    let (config, config_text) = match read_site_config(&opts.root, opts.base_url.as_deref()) {
        Ok(c) => c,
        Err(ds) => return Err(Outcome::Failed(sorted(Diagnostics::new(), ds))),
    };
    let src = SourceFile::new("site.yaml", config_text.as_str());
    let mut ds = Vec::new();
    let yaml = model::leftovers::YamlLines {
        first: 1,
        last: u32::MAX,
    };
    model::leftovers::sample_text(&src, Some(yaml), &mut ds);
    if opts.base_url.is_none() {
        model::leftovers::example_base_url(&src, &mut ds);
    }
    diags.extend(ds);
    let today = match &opts.now {
        Some(s) => match Today::parse(s, &config.tz) {
            Some(t) => t,
            None => return Err(Outcome::BadNow(s.clone())),
        },
        None => Today::from_clock(&config.tz),
    };
    let mut calendar = Calendar::builtin();
    let holidays_text = std::fs::read_to_string(opts.root.join("holidays.yaml")).ok();
    if let Some(text) = &holidays_text {
        let ds = config::load_holidays(
            &SourceFile::new("holidays.yaml", text.as_str()),
            &mut calendar,
        );
        calendar.incomplete = ds.iter().any(|d| d.severity == Severity::Error);
        diags.extend(ds);
    }
    Ok(Settings {
        config,
        config_text,
        holidays_text,
        today,
        calendar,
    })
}

/// What parsing a record reads besides its own file: the configuration, the calendar, which
/// files exist, and the spreadsheets records read. The parse cache is valid while it holds.
fn parse_world(opts: &Options, settings: &Settings, loaded: &load::Loaded) -> u64 {
    fingerprint(|h| {
        (
            &settings.config_text,
            &settings.holidays_text,
            &opts.base_url,
        )
            .hash(h);
        for f in &loaded.files {
            f.rel.hash(h);
        }
        (&loaded.content_assets, &loaded.static_files).hash(h);
        // Records read spreadsheets (`items_from`, embedded tables): an edited one is a new world.
        for (dir, files) in [
            ("content", &loaded.content_assets),
            ("static", &loaded.static_files),
        ] {
            for rel in files.iter().filter(|r| crate::sheet::is_spreadsheet(r)) {
                let meta = std::fs::metadata(opts.root.join(dir).join(rel));
                meta.ok().map(|m| (m.len(), m.modified().ok())).hash(h);
            }
        }
    })
}

/// What a body's links resolve against: every record's path, URL and visibility, and (for
/// `serve`, the only one that keeps bodies) the images whose sizes the bodies carry. The body
/// cache is valid while it holds.
fn link_world(
    opts: &Options,
    parse_world: u64,
    site: &derive::Site,
    loaded: &load::Loaded,
    keeps_bodies: bool,
) -> u64 {
    fingerprint(|h| {
        (parse_world, site.today.day, opts.drafts).hash(h);
        for e in &site.entries {
            (&e.rec.file.rel, &e.url, e.redacted).hash(h);
        }
        let mut unpublished: Vec<&String> = site.unpublished.iter().collect();
        unpublished.sort();
        unpublished.hash(h);
        // A body's <img> carries its image's size: a photo replaced under the same name must
        // render the bodies again.
        if keeps_bodies {
            let rasters = (loaded.content_assets.iter().map(|p| ("content", p)))
                .chain(loaded.static_files.iter().map(|p| ("static", p)))
                .filter(|(_, p)| crate::images::is_raster(p));
            for (dir, p) in rasters {
                let stamp = std::fs::metadata(opts.root.join(dir).join(p))
                    .ok()
                    .map(|m| (m.len(), m.modified().ok()));
                (p, stamp).hash(h);
            }
        }
    })
}

/// A draft (`draft: true`) is not published unless drafts are built, so its own mistakes do not
/// stop the site: they are warnings that say the draft will not be published until corrected.
/// This is how the 编辑台 keeps a record that does not build yet, and it is never published.
fn drafts_not_built(loaded: &load::Loaded, ds: &mut [Diagnostic]) {
    // Only a file with an error can be a draft to excuse: the others' front matter is not read
    // a second time (`gongkai new` writes `draft: false` into every file).
    let erring: HashSet<&str> = ds
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.file.as_str())
        .collect();
    if erring.is_empty() {
        return;
    }
    let drafts: HashSet<String> = loaded
        .files
        .iter()
        .filter(|f| erring.contains(f.source.rel.as_str()))
        .filter(|f| {
            f.front_matter
                .as_ref()
                .is_some_and(|fm| model::front_matter_says_draft(&f.source, &fm.text))
        })
        .map(|f| f.source.rel.clone())
        .collect();
    if drafts.is_empty() {
        return;
    }
    for d in ds.iter_mut() {
        if d.severity == Severity::Error && drafts.contains(&d.file) {
            d.severity = Severity::Warning;
            d.message.push_str("（这是草稿，改正之前不会发布）");
        }
    }
}

/// `check` of the site as it would be with the Markdown file at `rel` (below `content/`) holding
/// `text`: every check of `gongkai check`, with nothing written, the file itself included.
pub fn check_with(opts: &Options, rel: &str, text: &str) -> Outcome {
    check_only(opts, &|_| {}, Some((rel, text)))
}

/// Every stage but writing: the site's diagnostics, with `overlay` (a content file's would-be
/// text) in place of the file on disk.
fn check_only(opts: &Options, progress: &dyn Fn(Stage), overlay: Option<(&str, &str)>) -> Outcome {
    match pipeline(opts, progress, &Discard, overlay) {
        Ok(built) => built.done(emit::Written { pages: 0, kept: 0 }),
        Err(outcome) => outcome,
    }
}

/// `check_with` for the 编辑台's checks as a person types: with `serve`'s kind of cache, so only
/// the file being edited is read and parsed again, and without rendering every page through the
/// theme (the save runs `check_with`, which does). The diagnostics of config, load, model, derive
/// and the Markdown bodies, links included.
pub fn check_in_memory(
    opts: &Options,
    cache: &mut Cache,
    rel: &str,
    text: &str,
) -> Result<Vec<Diagnostic>, Outcome> {
    let front = front(opts, &|_| {}, Some(cache), false, Some((rel, text)))?;
    let diags = front.diags.into_sorted();
    drop_in_background(front.prepared);
    Ok(diags)
}

/// Reads and verifies the ledger and gives the site its history. Records are hashed only where
/// the site keeps a ledger (or is being published): a site without one pays nothing.
fn read_ledger(
    root: &Path,
    loaded: &load::Loaded,
    site: &mut derive::Site,
    withheld: HashSet<String>,
    publishing: bool,
    ds: &mut Vec<Diagnostic>,
) -> Option<LedgerView> {
    let ledger = match ledger::read(root) {
        Ok(Some(l)) => l,
        Ok(None) if publishing => Ledger::default(),
        Ok(None) => return None,
        Err(d) => {
            ds.push(*d);
            return None;
        }
    };
    let states: Vec<RecordState> = site
        .entries
        .par_iter()
        .map(|e| ledger::state_of(root, loaded, &e.rec))
        .collect();
    if !ledger.entries.is_empty() {
        ds.extend(ledger::unrecorded_warnings(&ledger, site, &states));
        site.history = Arc::new(history::history(&ledger, site, &withheld, ds));
    }
    Some(LedgerView { states, withheld })
}

/// `gongkai publish`: records each new or changed published record as a new version, then builds.
/// Nothing is recorded when the site has errors. Returns how many entries were recorded.
pub fn publish(opts: &Options, progress: &dyn Fn(Stage)) -> (usize, Outcome) {
    let front = match front(opts, &|_| {}, None, true, None) {
        Ok(f) => f,
        Err(outcome) => return (0, outcome),
    };
    if front.diags.has_errors() {
        return (0, Outcome::Failed(front.diags.into_sorted()));
    }
    let site = &front.prepared.site;
    let failed = |message: String| {
        let d = SourceFile::new(ledger::FILE, "").error(
            "E-LEDGER-WRITE",
            Pos::START,
            message,
            "检查网站目录的写入权限和磁盘空间，再运行一次 gongkai publish",
        );
        (0, Outcome::Failed(vec![d]))
    };
    // Another `publish` of the same site waits here; the ledger is read again under the lock.
    let lock = match ledger::lock(&opts.root) {
        Ok(l) => l,
        Err(_) => return failed("无法锁定发布台账 ledger/".into()),
    };
    let Some(view) = front.ledger else {
        return failed("读不了发布台账".into());
    };
    let ledger = match ledger::read(&opts.root) {
        Ok(l) => l.unwrap_or_default(),
        Err(d) => return (0, Outcome::Failed(vec![*d])),
    };
    let time = site
        .today
        .instant
        .to_zoned(site.config.tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    let new = ledger::plan_entries(&ledger, site, &view.states, &view.withheld, &time);
    let texts: HashMap<String, String> = site
        .entries
        .iter()
        .zip(&view.states)
        .map(|(e, state)| (state.sha256.clone(), e.rec.file.source.text.to_string()))
        .collect();
    let recorded = match ledger::append(&opts.root, &ledger, &texts, new, &lock) {
        Ok(n) => n,
        Err(_) => return failed("写发布台账时出错，台账没有改动".into()),
    };
    drop(lock);
    (recorded, run_with(opts, progress))
}

fn fingerprint(feed: impl FnOnce(&mut DefaultHasher)) -> u64 {
    let mut h = DefaultHasher::new();
    feed(&mut h);
    h.finish()
}

fn sorted(mut diags: Diagnostics, more: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.extend(more);
    diags.into_sorted()
}
