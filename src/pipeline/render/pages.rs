//! Rendering a planned page through the theme's Tera templates: the site-wide context made once
//! per worker, the page chrome once per section, a page's own variables (`context`) per page.
//! A build renders all of them in parallel (`Pages`); `serve` renders a page when a browser asks
//! for it, so an edit never waits for 18,000 pages.

use super::card_html::{CardHtml, CardStore};
use super::generate::Generator;
use super::plan::{self, Job, Plan};
use super::views::{self, page::PageView};
use super::{Files, PageSink, Rendered, theme};
use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::pipeline::derive::Site;
use crate::pipeline::derive::links::Attachment;
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tera::{Context, Tera};

/// The theme's partials every page gets, rendered once per section (`Prepared::chrome`).
const CHROME_PARTS: [&str; 2] = ["header", "footer"];

/// Everything needed to render any page of one build, owned, so that `serve` can keep it: the
/// render stage's counterpart of mdBook's `RenderContext`, which every `Generator` reads.
pub struct Prepared {
    pub site: Site,
    pub plan: Plan,
    tera: Arc<Tera>,
    pub bodies: Vec<Arc<Rendered>>,
    /// Cards are made when first needed: `serve` shows one page without making 10,000 of them.
    pub(super) cards: Arc<CardStore>,
    /// Per entry: its attachments as its page lists them.
    pub(super) attachments: Vec<Vec<Attachment>>,
    /// `_index.md` texts by folder: (title, HTML).
    pub(super) intros: HashMap<String, (Option<String>, String)>,
    site_value: Value,
    /// The page chrome (`partials/*.html`) by section and `nav_url`: rendered once each.
    chrome: Mutex<HashMap<(&'static str, String), Value>>,
    today: String,
    /// Theme assets, static files and content assets: copied, not rendered.
    pub files: Files,
}

/// What `render::prepare` hands over besides the site.
pub(super) struct Parts {
    pub(super) tera: Arc<Tera>,
    pub(super) bodies: Vec<Arc<Rendered>>,
    pub(super) attachments: Vec<Vec<Attachment>>,
    pub(super) intros: HashMap<String, (Option<String>, String)>,
    pub(super) files: Files,
}

/// This build's copy of the theme, with a `card_html` of its own: cards rendered for one build are
/// never shown in the next.
fn with_card_html(theme: &Arc<Tera>, cards: &Arc<CardStore>) -> Arc<Tera> {
    let mut tera = Tera::clone(theme);
    tera.register_function("card_html", CardHtml::new(theme.clone(), cards.clone()));
    Arc::new(tera)
}

impl Prepared {
    pub(super) fn new(site: Site, parts: Parts) -> Prepared {
        let cards = Arc::new(CardStore::new(site.entries.iter().map(|e| e.url.as_str())));
        Prepared {
            plan: plan::plan(&site),
            site_value: views::to_value(views::page::site(&site.config)),
            chrome: Mutex::new(HashMap::new()),
            today: site.today.day.to_string(),
            tera: with_card_html(&parts.tera, &cards),
            cards,
            bodies: parts.bodies,
            attachments: parts.attachments,
            intros: parts.intros,
            files: parts.files,
            site,
        }
    }

    /// One page through its template.
    pub fn render(&self, job: &Job) -> Result<Vec<u8>, Box<Diagnostic>> {
        self.render_with(&mut self.shared_context(), job)
    }

    /// `render` for pages rendered one after another (`serve`'s check of every page, each worker
    /// of `render_all`): they share one site context instead of copying the site for each page.
    pub fn renderer(&self) -> impl FnMut(&Job) -> Result<Vec<u8>, Box<Diagnostic>> + '_ {
        let mut shared = self.shared_context();
        move |job| self.render_with(&mut shared, job)
    }

    /// What every page's context has in common. A build makes it once per worker rather than
    /// copying the site into each of 18,000 contexts.
    fn shared_context(&self) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_value);
        ctx.insert("today", &self.today);
        ctx
    }

    /// The whole context `job`'s template receives, as data: what the theme contract documents
    /// (themes/default/README.md), and what its test reads.
    pub fn context_of(&self, job: &Job) -> Result<Value, Box<Diagnostic>> {
        let mut context = self.page_view(job)?.into_map();
        context.insert("site".into(), self.site_value.clone());
        context.insert("today".into(), Value::String(self.today.clone()));
        Ok(Value::Object(context))
    }

    fn page_view<'a>(&'a self, job: &'a Job) -> Result<PageView<'a>, Box<Diagnostic>> {
        Ok(PageView {
            section: job.section,
            page_url: &job.url,
            permalink: self.site.config.absolute(&job.url),
            page_title: &job.title,
            chrome: self.chrome(job)?,
            vars: self.vars(job),
        })
    }

    /// `render` with the shared context at hand: the page's own variables go in for this page
    /// and come out again afterwards.
    fn render_with(&self, shared: &mut Context, job: &Job) -> Result<Vec<u8>, Box<Diagnostic>> {
        let page = self.page_view(job)?;
        // A struct always serialises to a map.
        let own = page.into_map();
        let keys: Vec<String> = own.keys().cloned().collect();
        if let Ok(own) = Context::from_value(Value::Object(own)) {
            shared.extend(own);
        }
        let html = self.render_template(job.template, shared, &job.url);
        for key in &keys {
            shared.remove(key);
        }
        html
    }

    /// The theme's partials for a page: `{header, footer}` as HTML. They depend only on the
    /// site, the day, the section and which main-navigation page this is, so each is rendered
    /// once per section rather than on each of a big site's 18,000 pages.
    fn chrome(&self, job: &Job) -> Result<Value, Box<Diagnostic>> {
        let is_nav = |item: &Value| item["url"].as_str() == Some(job.url.as_str());
        let nav_url = match self.site_value["nav"].as_array() {
            Some(nav) if nav.iter().any(is_nav) => job.url.clone(),
            _ => String::new(),
        };
        let key = (job.section, nav_url);
        if let Some(chrome) = self.chrome.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(chrome);
        }
        let mut chrome = Map::new();
        for part in CHROME_PARTS {
            let template = format!("partials/{part}.html");
            let html = if self.tera.get_template_names().any(|t| t == template) {
                let mut ctx = self.shared_context();
                ctx.insert("section", key.0);
                ctx.insert("nav_url", &key.1);
                String::from_utf8_lossy(&self.render_template(&template, &ctx, &job.url)?)
                    .into_owned()
            } else {
                String::new()
            };
            chrome.insert(part.into(), Value::String(html));
        }
        let chrome = Value::Object(chrome);
        if let Ok(mut all) = self.chrome.lock() {
            all.insert(key, chrome.clone());
        }
        Ok(chrome)
    }

    fn render_template(
        &self,
        template: &str,
        ctx: &Context,
        url: &str,
    ) -> Result<Vec<u8>, Box<Diagnostic>> {
        // Written as bytes, so Tera does not check the whole page for UTF-8 again (everything
        // it writes is a `str`).
        let mut html = Vec::with_capacity(16 * 1024);
        let rendered = self.tera.render_to(template, ctx, &mut html);
        rendered.map(|()| html).map_err(|e| {
            Box::new(SourceFile::new(format!("templates/{template}"), "").error(
                "E-TEMPLATE-RENDER",
                Pos::START,
                format!(
                    "渲染 {url} 时模板出错：{}",
                    theme::tera_zh(&theme::error_chain(&e))
                ),
                "检查模板里用到的变量名（见主题 README 的上下文说明）",
            ))
        })
    }

    /// Every page of the site.
    pub fn jobs(&self) -> &[Job] {
        &self.plan.jobs
    }

    pub fn page_count(&self) -> usize {
        self.plan.jobs.len()
    }

    /// The page that goes to `out` (`notices/a/index.html`), if the site has one.
    pub fn job(&self, out: &str) -> Option<&Job> {
        self.plan.job(out)
    }
}

/// Every page of `plan`, through the theme.
pub struct Pages;

impl Generator for Pages {
    fn name(&self) -> &'static str {
        "pages"
    }

    fn may_make(&self, cx: &Prepared, name: &str) -> bool {
        cx.job(name).is_some()
    }

    /// Renders every page into `sink`; the diagnostics of the pages that failed.
    fn generate(&self, cx: &Prepared, sink: &dyn PageSink) -> Vec<Diagnostic> {
        // One `renderer` per worker thread, not per split (`map_init`): the splits below are
        // single pages, and each would copy the whole site.
        let renderers: Vec<Mutex<_>> = (0..rayon::current_num_threads())
            .map(|_| Mutex::new(cx.renderer()))
            .collect();
        let render = |job: &Job| {
            let slot = rayon::current_thread_index().and_then(|t| renderers.get(t));
            match slot.and_then(|m| m.try_lock().ok()) {
                Some(mut render) => render(job),
                None => cx.render(job),
            }
        };
        // One job per split: pages differ in cost by a thousandfold (an org page holds hundreds of
        // cards), and a run of them left to one thread kept the other idle at the end.
        cx.jobs()
            .par_iter()
            .with_max_len(1)
            .filter_map(|job| match render(job) {
                Ok(html) => {
                    sink.page(job.out.clone(), html);
                    None
                }
                Err(d) => Some(*d),
            })
            .collect()
    }
}
