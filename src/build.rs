//! The whole pipeline, config → load → model → derive → render → emit, for `build` and `check`.

use crate::calendar::Calendar;
use crate::config::{self, SiteConfig};
use crate::dates::Today;
use crate::derive;
use crate::diag::{Diagnostic, Diagnostics, Pos, SourceFile};
use crate::emit;
use crate::load;
use crate::model;
use crate::render::{self, RenderInput, theme};
use std::path::{Path, PathBuf};

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

pub fn run(opts: &Options) -> Outcome {
    let t0 = std::time::Instant::now();
    let tick = |s: &str| eprintln!("TIMING {s} {:?} {}", t0.elapsed(), std::fs::read_to_string("/proc/self/status").unwrap_or_default().lines().filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS")).collect::<Vec<_>>().join(" "));
    let mut diags = Diagnostics::new();
    let config = match read_site_config(&opts.root, opts.base_url.as_deref()) {
        Ok(c) => c,
        Err(ds) => return Outcome::Failed(sorted(diags, ds)),
    };
    let today = match &opts.now {
        Some(s) => match Today::parse(s, &config.tz) {
            Some(t) => t,
            None => return Outcome::BadNow(s.clone()),
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
    tick("config");
    let loaded = load::load(&opts.root);
    tick("load");
    let mut ds: Vec<Diagnostic> = loaded.diags.clone();
    let ctx = model::Context {
        config: &config,
        calendar: &calendar,
        loaded: &loaded,
    };
    let model = model::build_model(&ctx, &mut ds);
    tick("model");
    let site = derive::derive(model, config, today, opts.drafts, &mut ds);
    tick("derive");
    let theme = theme::load_theme(&opts.root, &site.config.theme, &mut ds);
    let tera = theme::compile(&theme, &mut ds);
    diags.extend(ds);
    // Rendering goes on past record errors so broken links are reported in the same run.
    let Some(tera) = tera else {
        return Outcome::Failed(diags.into_sorted());
    };
    let mut ds = Vec::new();
    let input = RenderInput {
        site: &site,
        loaded: &loaded,
        root: &opts.root,
        tera: &tera,
        theme_statics: &theme.statics,
    };
    let files = render::render_site(&input, &mut ds);
    tick("render");
    diags.extend(ds);
    let files = match files {
        Some(f) if !diags.has_errors() => f,
        _ => return Outcome::Failed(diags.into_sorted()),
    };
    if let Some(output) = &opts.output {
        let result = emit::check_output_dir(&opts.root, output)
            .and_then(|()| emit::write_site(&files, output));
        if let Err(e) = result {
            diags.push(SourceFile::new(output.display().to_string(), "").error(
                "E-WRITE",
                Pos::START,
                e.0,
                "检查输出目录的位置和写入权限",
            ));
            return Outcome::Failed(diags.into_sorted());
        }
    }
    Outcome::Done {
        records: site.entries.len(),
        files: files.len(),
        diags: diags.into_sorted(),
    }
}

fn sorted(mut diags: Diagnostics, more: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.extend(more);
    diags.into_sorted()
}
