//! Where everything a record links to lives, decided from the derived site before anything is
//! rendered: a relative link to another record's file, a file beside a record (a bundle's folder
//! is published with the record), a file of `static/`, and whether a root-relative link points at
//! something the site publishes. The render stage asks here; it never resolves a path itself.

use super::{Entry, Site};
use crate::markdown::percent_decode;
use crate::pipeline::load::{ContentFile, Loaded};
use crate::pipeline::model::{AssetPath, normalize, resolve_asset};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Percent-encodes what a URL path may not carry as it is (Chinese file names, spaces).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The site's addresses, borrowed from the derived site and the loaded files.
pub struct Links<'a> {
    site: &'a Site,
    loaded: &'a Loaded,
    /// A published bundle's folder → its entry.
    bundle_dirs: HashMap<&'a str, usize>,
    /// Every Markdown file that exists, valid or not, so a link to a record with its own errors
    /// is not reported a second time as broken.
    markdown_files: HashSet<&'a str>,
    /// Every published record's URL → its entry.
    page_urls: HashMap<&'a str, usize>,
}

/// What a relative link or image in a record's body points at.
pub enum Target {
    /// Another record's page, or the home page.
    Page(String),
    /// A file: where it is, and (`Links::url`) where it is published.
    Asset(AssetPath),
    /// Nothing the site publishes, and why, in words for the person who wrote it.
    Missing(String),
}

/// `{title, url, file}`: an attachment as a record's page lists it.
#[derive(Serialize)]
pub struct Attachment {
    pub title: String,
    pub url: String,
    pub file: String,
}

impl<'a> Links<'a> {
    pub fn new(site: &'a Site, loaded: &'a Loaded) -> Links<'a> {
        let bundle_dirs = site
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.rec.file.bundle && !e.redacted)
            .map(|(i, e)| (e.rec.file.dir.as_str(), i))
            .collect();
        let markdown_files = loaded.files.iter().map(|f| f.rel.as_str()).collect();
        let page_urls = site
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.url.as_str(), i))
            .collect();
        Links {
            site,
            loaded,
            bundle_dirs,
            markdown_files,
            page_urls,
        }
    }

    /// The entry whose published bundle is this folder.
    pub fn bundle(&self, dir: &str) -> Option<usize> {
        self.bundle_dirs.get(dir).copied()
    }

    /// A file named in `file`'s front matter or body, relative to its folder or `/`-rooted.
    pub fn asset(&self, file: &ContentFile, name: &str) -> Result<AssetPath, String> {
        resolve_asset(file, name, self.loaded)
    }

    /// A relative link (`page_link`: a link, not an image) written in `file`, already
    /// percent-decoded.
    pub fn relative(&self, file: &ContentFile, target: &str, page_link: bool) -> Target {
        let site = self.site;
        let joined = if file.dir.is_empty() {
            target.to_string()
        } else {
            format!("{}/{target}", file.dir)
        };
        let Some(norm) = normalize(&joined) else {
            return Target::Missing(format!("链接「{target}」超出了网站目录"));
        };
        if page_link && norm.ends_with(".md") {
            return match site.by_path.get(&norm) {
                Some(&i) => Target::Page(site.entries[i].url.clone()),
                None if site.unpublished.contains(&norm) => Target::Missing(format!(
                    "链接的记录「{target}」没有发布（草稿、未审批或已下架）"
                )),
                None if norm == "_index.md" => Target::Page(site.config.root.clone()),
                None if self.markdown_files.contains(norm.as_str()) => {
                    Target::Page(site.config.root.clone())
                }
                None => Target::Missing(format!("找不到链接的记录「{target}」")),
            };
        }
        match self.asset(file, target) {
            Ok(path) => Target::Asset(path),
            Err(message) => Target::Missing(message),
        }
    }

    /// A record's attachments as its page lists them: those that resolve (the others are
    /// reported where the record is read); none when the record is redacted.
    pub fn attachments(&self, e: &Entry) -> Vec<Attachment> {
        if e.redacted {
            return Vec::new();
        }
        e.rec
            .common
            .attachments
            .iter()
            .filter_map(|a| {
                let path = self.asset(&e.rec.file, &a.file).ok()?;
                Some(Attachment {
                    title: a.title.clone(),
                    url: self.url(&path).0,
                    file: a.file.clone(),
                })
            })
            .collect()
    }

    /// Where an asset is published: its URL, and for a content file the copy to make
    /// (source below `content/`, path below the output folder).
    pub fn url(&self, path: &AssetPath) -> (String, Option<(String, String)>) {
        let root = &self.site.config.root;
        match path {
            AssetPath::Static(p) => (format!("{root}{}", encode_path(p)), None),
            AssetPath::Content(p) => {
                let mut dir = p.as_str();
                while let Some(i) = dir.rfind('/') {
                    dir = &dir[..i];
                    if let Some(&e) = self.bundle_dirs.get(dir) {
                        let entry = &self.site.entries[e];
                        let rest = &p[dir.len() + 1..];
                        let out = format!(
                            "{}{rest}",
                            entry.url.strip_prefix(root.as_str()).unwrap_or(&entry.url)
                        );
                        return (
                            format!("{}{}", entry.url, encode_path(rest)),
                            Some((p.clone(), out)),
                        );
                    }
                }
                (
                    format!("{root}{}", encode_path(p)),
                    Some((p.clone(), p.clone())),
                )
            }
        }
    }

    /// Whether a root-relative URL (already under the site's root) is something the site
    /// publishes: a record's page, a page the build makes, a file of `static/` or `content/`.
    pub fn published(&self, url: &str) -> Result<(), String> {
        let loaded = self.loaded;
        let site = self.site;
        let path = url.split(['#', '?']).next().unwrap_or(url);
        let Some(rest) = path.strip_prefix(site.config.root.as_str()) else {
            return Ok(());
        };
        let rest = percent_decode(rest);
        let Some(norm) = normalize(&rest) else {
            return Err(format!("链接「{path}」超出了网站目录"));
        };
        if norm.is_empty()
            || norm == "index.html"
            || loaded.static_files.contains(&norm)
            || loaded.content_assets.contains(&norm)
            || norm
                .strip_prefix("static/")
                .is_some_and(|p| loaded.static_files.contains(p))
        {
            return Ok(());
        }
        let page = norm.strip_suffix("/index.html").unwrap_or(&norm);
        let top = page.split('/').next().unwrap_or_default();
        let sections = ["notices", "meetings", "problems", "services"];
        // The build's own pages (lists, tags, search, feeds, exports …) are not checked one by one,
        // except a record section's: `/notices/x/` must be a published notice.
        if crate::pipeline::derive::RESERVED.contains(&top) && !sections.contains(&top) {
            return Ok(());
        }
        let mut parts = page.split('/');
        let second = parts.nth(1).unwrap_or_default();
        if sections.contains(&top) && (second.is_empty() || second == "page") {
            return Ok(());
        }
        let root = site.config.root.as_str();
        let wanted = format!("{root}{page}/");
        if self.page_urls.contains_key(wanted.as_str()) {
            return Ok(());
        }
        // A file inside a published bundle's folder.
        let full = format!("{root}{norm}");
        let mut cut = full.as_str();
        while let Some(i) = cut
            .get(..cut.len().saturating_sub(1))
            .and_then(|c| c.rfind('/'))
        {
            cut = &full[..=i];
            if let Some(&e) = self.page_urls.get(cut) {
                let file = &site.entries[e].rec.file;
                let inner = &full[cut.len()..];
                if file.bundle
                    && loaded
                        .content_assets
                        .contains(&format!("{}/{inner}", file.dir))
                {
                    return Ok(());
                }
                break;
            }
        }
        // A Markdown file that would be this page but is not published, or has its own errors
        // (reported there, not again here).
        let would_be = |rel: &str| {
            let stem = rel.strip_suffix(".md").unwrap_or(rel);
            let stem = stem.strip_suffix("/index").unwrap_or(stem);
            let path: Vec<String> = stem.split('/').map(crate::slug::slugify).collect();
            path.join("/") == page
        };
        if let Some(rel) = self
            .markdown_files
            .iter()
            .find(|rel| !site.by_path.contains_key(**rel) && would_be(rel))
        {
            return if site.unpublished.contains(*rel) {
                Err(format!(
                    "链接的页面「{path}」没有发布（草稿、未审批或已下架）"
                ))
            } else {
                Ok(())
            };
        }
        Err(format!(
            "网站里没有「{path}」：以 / 开头的链接要指向 static/ 里的文件（写成 /文件名）或网站里的页面"
        ))
    }
}
