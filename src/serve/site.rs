//! The last good build as the server sees it: output names, pages rendered when first asked for,
//! and how a request path maps onto them.

use crate::diag::Diagnostic;
use crate::pipeline::output::{Data, Files};
use crate::pipeline::render::Prepared;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// The last good build, ready to render any of its pages, and what has been made of it so far:
/// a page is rendered when it is first asked for, so an edit is served without waiting for the
/// rest of the site.
pub(super) struct Good {
    /// The URL path the site lives under.
    pub root: String,
    pub site: Option<Prepared>,
    /// Pages rendered so far, by output path.
    pages: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    /// Feeds, exports and the search index, made on the first request that needs them.
    generated: OnceLock<Files>,
}

impl Good {
    pub fn new(root: String, site: Option<Prepared>) -> Good {
        Good {
            root,
            site,
            pages: Mutex::new(HashMap::new()),
            generated: OnceLock::new(),
        }
    }

    pub fn generated(&self) -> Option<&Files> {
        let site = self.site.as_ref()?;
        Some(self.generated.get_or_init(|| site.generate()))
    }

    /// Whether the build has an output file of this name. Static files and pages are known
    /// without making anything; the generated files are made only for a name that the plan
    /// says one of them may have, so a missing page never makes the search index.
    pub fn has(&self, name: &str) -> bool {
        let Some(site) = &self.site else {
            return false;
        };
        site.files.contains_key(name)
            || site.job(name).is_some()
            || (site.may_generate(name) && self.generated().is_some_and(|g| g.contains_key(name)))
    }

    /// The contents of an output file, rendering a page if it is one. A static file of a
    /// page's name wins, as it does on disk.
    pub fn contents(&self, name: &str) -> Option<Result<Arc<Vec<u8>>, Box<Diagnostic>>> {
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
        if !site.may_generate(name) {
            return None;
        }
        let data = self.generated()?.get(name)?;
        Some(Ok(Arc::new(bytes_of(data))))
    }
}

/// A lock that a panicking request cannot take down with it.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(super) fn content_type(path: &str) -> &'static str {
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
pub(super) enum Found {
    File(String),
    /// A folder asked for without its closing `/`: the browser must be sent there, so that
    /// the page's relative links resolve. Always a path on this site (one leading `/`).
    Redirect(String),
    Missing,
}

/// `has` tells whether the build has an output file of a name (`notices/a/index.html`).
pub(super) fn find(root: &str, path: &str, has: &dyn Fn(&str) -> bool) -> Found {
    let Some(rel) = path
        .strip_prefix(root)
        .or_else(|| path.strip_prefix(root.trim_end_matches('/')))
    else {
        return if path == "/" {
            redirect(root.to_string())
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
    let Some(norm) = crate::pipeline::model::normalize(trimmed) else {
        return Found::Missing;
    };
    if has(&norm) {
        Found::File(norm)
    } else if has(&format!("{norm}/index.html")) {
        // Built from the name found, not from the request: `//evil.example/x` must not come
        // back as a `Location` that leaves the site.
        redirect(format!(
            "{root}{}/",
            crate::pipeline::derive::links::encode_path(&norm)
        ))
    } else {
        Found::Missing
    }
}

/// A redirect to a path on this site, or nothing when the path could be read as another host
/// (`//host`, `/\host`).
fn redirect(to: String) -> Found {
    let mut chars = to.chars();
    match (chars.next(), chars.next()) {
        (Some('/'), Some('/' | '\\')) => Found::Missing,
        (Some('/'), _) => Found::Redirect(to),
        _ => Found::Missing,
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
pub(super) fn inject(html: Vec<u8>, generation: u64) -> Vec<u8> {
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
    fn a_redirect_never_leaves_the_site() {
        let files = ["evil.example/x/index.html", "中文/index.html"];
        let has = |name: &str| files.contains(&name);
        for path in [
            "//evil.example/x",
            "/%2F%2Fevil.example/x",
            "/%2fevil.example/x",
            "///evil.example/x",
            "/./evil.example/x",
        ] {
            match find("/", path, &has) {
                Found::Redirect(to) => assert_eq!(to, "/evil.example/x/", "{path}"),
                _ => panic!("{path}: the folder is on the site, so a redirect is expected"),
            }
        }
        assert!(
            matches!(find("/", "/%E4%B8%AD%E6%96%87", &has), Found::Redirect(to) if to == "/%E4%B8%AD%E6%96%87/")
        );
        assert!(matches!(redirect("//evil".into()), Found::Missing));
        assert!(matches!(redirect("/\\evil".into()), Found::Missing));
        assert!(matches!(redirect("evil".into()), Found::Missing));
    }

    /// The fixture with feeds, prepared as `serve` prepares it.
    fn prepared() -> Prepared {
        let opts = crate::pipeline::build::Options {
            root: std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/feeds-site"),
            output: None,
            now: Some("2026-11-21".to_string()),
            drafts: false,
            base_url: None,
        };
        match crate::pipeline::build::prepare_in_memory(
            &opts,
            &mut crate::pipeline::build::Cache::default(),
        ) {
            Ok((site, _)) => site,
            Err(_) => panic!("the fixture builds"),
        }
    }

    #[test]
    fn a_missing_page_does_not_make_the_generated_files() {
        let good = Good::new("/".to_string(), Some(prepared()));
        assert!(!good.has("no-such-page/index.html"));
        assert!(!good.has("no-such-page"));
        assert!(good.contents("no-such-page/index.html").is_none());
        assert!(
            good.generated.get().is_none(),
            "a 404 must not make the search index, feeds and exports"
        );
        assert!(good.has("feed.xml"), "a generated file is still found");
        assert!(good.generated.get().is_some());
    }

    #[test]
    fn every_generated_name_is_known_to_the_plan() {
        let site = prepared();
        let files = site.generate();
        assert!(files.contains_key("sitemap.xml") && files.contains_key("data/notices.json"));
        assert!(files.keys().any(|k| k.starts_with("search/")));
        for name in files.keys() {
            assert!(site.may_generate(name), "{name} is made but not planned");
        }
        for name in [
            "index.html",
            "notices/index.html",
            "no-such-page/index.html",
            "data/other.json",
            "p/nosuchcode.html",
            "schema/other.json",
            "tags/feed.xml",
        ] {
            assert!(!site.may_generate(name), "{name}");
        }
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
}
