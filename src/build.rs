//! The whole pipeline, config → load → model → derive → render → emit, for `build` and `check`.

use crate::calendar::Calendar;
use crate::config::{self, SiteConfig};
use crate::dates::Today;
use crate::derive;
use crate::diag::{Diagnostic, Diagnostics, Pos, SourceFile};
use crate::emit;
use crate::load;
use crate::model;
use crate::render::{self, Data, Files, PageSink, RenderInput, theme};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    },
    /// `--now` could not be read: a command-line mistake.
    BadNow(String),
}

fn read_site_config(root: &Path, base_url: Option<&str>) -> Result<SiteConfig, Vec<Diagnostic>> {
    let path = root.join("site.yaml");
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => config::load_site(&SourceFile::new("site.yaml", text), base_url),
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
        return match pipeline(opts, progress, &Discard) {
            Ok(built) => built.done(0),
            Err(outcome) => outcome,
        };
    };
    if let Err(e) = emit::check_output_dir(&opts.root, output) {
        return write_failed(Vec::new(), output, e);
    }
    // Pages go straight into a fresh directory beside the output, swapped in only at the end.
    let staging = match emit::Staging::new(output) {
        Ok(s) => s,
        Err(e) => return write_failed(Vec::new(), output, e),
    };
    let built = match pipeline(opts, progress, &staging) {
        Ok(built) => built,
        Err(outcome) => return outcome,
    };
    progress(Stage::Write);
    match staging.finish(&built.files) {
        Ok(pages) => built.done(pages),
        Err(e) => write_failed(built.diags, output, e),
    }
}

/// A build kept in memory, pages included, for `serve`: the outcome and, when it succeeded,
/// every output file.
pub fn run_in_memory(opts: &Options) -> (Outcome, Option<Files>) {
    let pages = Collect::default();
    match pipeline(opts, &|_| {}, &pages) {
        Ok(mut built) => {
            let pages = pages.0.into_inner().unwrap_or_default();
            // Pages first, so that a static file of the same name wins, as it does on disk.
            let mut files: Files = pages
                .into_iter()
                .map(|(path, html)| (path, Data::Bytes(html)))
                .collect();
            files.append(&mut built.files);
            let count = files.len();
            (built.done(count), Some(files))
        }
        Err(outcome) => (outcome, None),
    }
}

struct Discard;

impl PageSink for Discard {
    fn page(&self, _: String, _: Vec<u8>) {}
}

#[derive(Default)]
struct Collect(Mutex<Vec<(String, Vec<u8>)>>);

impl PageSink for Collect {
    fn page(&self, path: String, html: Vec<u8>) {
        if let Ok(mut pages) = self.0.lock() {
            pages.push((path, html));
        }
    }
}

/// What a build that found no error produced besides the pages it handed to its sink.
struct Built {
    files: Files,
    records: usize,
    diags: Vec<Diagnostic>,
}

impl Built {
    fn done(self, pages: usize) -> Outcome {
        Outcome::Done {
            records: self.records,
            files: self.files.len() + pages,
            diags: self.diags,
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
) -> Result<Built, Outcome> {
    let mut diags = Diagnostics::new();
    let config = match read_site_config(&opts.root, opts.base_url.as_deref()) {
        Ok(c) => c,
        Err(ds) => return Err(Outcome::Failed(sorted(diags, ds))),
    };
    let today = match &opts.now {
        Some(s) => match Today::parse(s, &config.tz) {
            Some(t) => t,
            None => return Err(Outcome::BadNow(s.clone())),
        },
        None => Today::from_clock(&config.tz),
    };
    let mut calendar = Calendar::builtin();
    let holidays = opts.root.join("holidays.yaml");
    if let Ok(text) = std::fs::read_to_string(&holidays) {
        diags.extend(config::load_holidays(
            &SourceFile::new("holidays.yaml", text),
            &mut calendar,
        ));
    }
    progress(Stage::Load);
    let loaded = load::load(&opts.root);
    progress(Stage::Parse {
        files: loaded.files.len(),
    });
    let mut ds: Vec<Diagnostic> = loaded.diags.clone();
    let ctx = model::Context {
        config: &config,
        calendar: &calendar,
        loaded: &loaded,
    };
    let model = model::build_model(&ctx, &mut ds);
    let site = derive::derive(model, config, today, opts.drafts, &mut ds);
    let theme = theme::load_theme(&opts.root, &site.config.theme, &mut ds);
    let tera = theme::compile(&theme, &mut ds);
    diags.extend(ds);
    // Rendering goes on past record errors so broken links are reported in the same run.
    let Some(tera) = tera else {
        return Err(Outcome::Failed(diags.into_sorted()));
    };
    progress(Stage::Render {
        records: site.entries.len(),
    });
    let mut ds = Vec::new();
    let input = RenderInput {
        site: &site,
        loaded: &loaded,
        root: &opts.root,
        tera: &tera,
        theme_statics: &theme.statics,
    };
    // With errors already found, pages are rendered only for their diagnostics.
    let sink = if diags.has_errors() { &Discard } else { sink };
    let files = render::render_site(&input, &mut ds, sink);
    diags.extend(ds);
    match files {
        Some(files) if !diags.has_errors() => Ok(Built {
            files,
            records: site.entries.len(),
            diags: diags.into_sorted(),
        }),
        _ => Err(Outcome::Failed(diags.into_sorted())),
    }
}

fn sorted(mut diags: Diagnostics, more: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.extend(more);
    diags.into_sorted()
}
