//! The 编辑台 (`gongkai serve --edit`): a form editor in the browser for every record kind, served
//! by `serve` below `/__gongkai/edit/`.
//!
//! The page (`assets/`) lists the site's records, draws a form per kind from `form`, checks the
//! would-be file with the same pipeline as `gongkai check` (`check`), previews the body with the
//! build's Markdown renderer, saves through `save` (keys in content.md's order, changed keys
//! rewritten in place, atomic) and takes uploads into the record's folder (`upload`).
//!
//! Safety: the server answers only loopback Hosts and its own Origin (its `Guard`); every API
//! request carries the session's random token, which only the page knows; every path is checked
//! to stay inside `content/` (or `static/` for reading), symbolic links included.

mod check;
pub mod form;
pub mod save;
mod upload;

use crate::pipeline::load::Section;
use crate::serve::EditHandler;
use form::Field;
use hyper::body::Bytes;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

const INDEX_HTML: &str = include_str!("assets/index.html");
const EDIT_JS: &str = include_str!("assets/edit.js");
const EDIT_CSS: &str = include_str!("assets/edit.css");

/// The header that carries the session's token.
pub const TOKEN_HEADER: &str = "x-gongkai-token";

/// The editor of one site for one run of `serve`.
pub struct Editor {
    root: PathBuf,
    token: String,
    now: Option<String>,
    /// One change to the files at a time.
    writing: Mutex<()>,
    /// What the checks as a person types keep from one to the next.
    checks: Mutex<crate::pipeline::build::Cache>,
}

/// The handler `serve` calls for every request below `/__gongkai/edit/`.
pub fn handler(root: &Path, now: Option<String>) -> EditHandler {
    let editor = Arc::new(Editor {
        root: root.to_path_buf(),
        token: new_token(),
        now,
        writing: Mutex::new(()),
        checks: Mutex::new(crate::pipeline::build::Cache::default()),
    });
    Arc::new(move |req| editor.answer(req))
}

/// 32 hex digits from the system's random source (or, failing that, from the std library's
/// randomly seeded hasher and the clock).
fn new_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    crate::digest::hex(&bytes)
}

/// A JSON answer.
fn reply(status: StatusCode, value: &Value) -> Response<Vec<u8>> {
    let mut res = Response::new(value.to_string().into_bytes());
    *res.status_mut() = status;
    set(&mut res, "content-type", "application/json; charset=utf-8");
    set(&mut res, "x-content-type-options", "nosniff");
    res
}

fn refuse(status: StatusCode, message: &str) -> Response<Vec<u8>> {
    reply(status, &json!({ "error": message }))
}

fn set(res: &mut Response<Vec<u8>>, name: &'static str, value: &str) {
    if let Ok(v) = hyper::header::HeaderValue::from_str(value) {
        res.headers_mut().insert(name, v);
    }
}

fn asset(kind: &str, body: &str) -> Response<Vec<u8>> {
    let mut res = Response::new(body.as_bytes().to_vec());
    set(&mut res, "content-type", kind);
    set(&mut res, "x-content-type-options", "nosniff");
    res
}

/// The query parameter `name`, percent-decoded.
fn param(req: &Request<Bytes>, name: &str) -> Option<String> {
    let query = req.uri().query()?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| crate::markdown::percent_decode(&v.replace('+', " ")).into_owned())
    })
}

/// Constant-time comparison, so the token cannot be guessed a character at a time.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Editor {
    fn answer(&self, req: Request<Bytes>) -> Response<Vec<u8>> {
        let path = req.uri().path().to_string();
        let Some(rest) = path.strip_prefix(crate::serve::EDIT_PREFIX) else {
            let mut res = Response::new(Vec::new());
            *res.status_mut() = StatusCode::FOUND;
            set(&mut res, "location", crate::serve::EDIT_PREFIX);
            return res;
        };
        match (req.method(), rest) {
            (&Method::GET | &Method::HEAD, "") => self.page(),
            (&Method::GET | &Method::HEAD, "assets/edit.js") => {
                asset("text/javascript; charset=utf-8", EDIT_JS)
            }
            (&Method::GET | &Method::HEAD, "assets/edit.css") => {
                asset("text/css; charset=utf-8", EDIT_CSS)
            }
            // The preview's images: an <img> sends no token; reading is guarded by Host.
            (&Method::GET | &Method::HEAD, "file") => self.file(&req),
            (_, api) if api.starts_with("api/") => {
                let given = req
                    .headers()
                    .get(TOKEN_HEADER)
                    .map(|v| v.as_bytes())
                    .unwrap_or_default();
                if !same(given, self.token.as_bytes()) {
                    return refuse(
                        StatusCode::FORBIDDEN,
                        "请求缺少编辑台的口令，或口令不对：请从 gongkai serve --edit 打开的编辑台页面操作，刷新页面后再试。",
                    );
                }
                self.api(&req, &api["api/".len()..])
            }
            _ => refuse(StatusCode::NOT_FOUND, "编辑台没有这个地址。"),
        }
    }

    fn page(&self) -> Response<Vec<u8>> {
        let html = INDEX_HTML.replace("{{TOKEN}}", &self.token);
        let mut res = asset("text/html; charset=utf-8", &html);
        set(
            &mut res,
            "content-security-policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        );
        set(&mut res, "referrer-policy", "no-referrer");
        res
    }

    fn api(&self, req: &Request<Bytes>, name: &str) -> Response<Vec<u8>> {
        let post = req.method() == Method::POST;
        let get = req.method() == Method::GET || req.method() == Method::HEAD;
        match name {
            "list" if get => self.list(),
            "schema" if get => self.schema(req),
            "record" if get => self.record(req),
            "check" if post => self.with_json(req, |v| self.check(&v)),
            "preview" if post => self.with_json(req, |v| self.preview(&v)),
            "save" if post => self.with_json(req, |v| self.save(&v)),
            "upload" if post => self.upload(req),
            "list" | "schema" | "record" | "check" | "preview" | "save" | "upload" => refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "这个地址不接受这种请求方法。",
            ),
            _ => refuse(StatusCode::NOT_FOUND, "编辑台没有这个地址。"),
        }
    }

    fn with_json(
        &self,
        req: &Request<Bytes>,
        then: impl FnOnce(Value) -> Response<Vec<u8>>,
    ) -> Response<Vec<u8>> {
        match serde_json::from_slice::<Value>(req.body()) {
            Ok(v @ Value::Object(_)) => then(v),
            _ => refuse(
                StatusCode::BAD_REQUEST,
                "请求的内容不是编辑台能读的格式（JSON）。",
            ),
        }
    }

    fn site_config(&self) -> Option<crate::pipeline::config::SiteConfig> {
        let text = std::fs::read_to_string(self.root.join("site.yaml")).ok()?;
        crate::pipeline::config::load_site(
            &crate::diag::SourceFile::new("site.yaml", text.as_str()),
            None,
        )
        .ok()
    }

    /// Every record and page, by kind, with its title, file and whether it is a draft.
    fn list(&self) -> Response<Vec<u8>> {
        let loaded = crate::pipeline::load::load(&self.root, None);
        let mut kinds: Vec<Value> = Vec::new();
        for (section, name, label) in form::KINDS {
            let mut records: Vec<(String, Value)> = loaded
                .files
                .iter()
                .filter(|f| f.section == *section && !f.is_index)
                .map(|f| {
                    let (title, date, draft) = headline(f);
                    (
                        date.clone().unwrap_or_default(),
                        json!({
                            "path": f.source.rel,
                            "title": title,
                            "date": date,
                            "draft": draft,
                        }),
                    )
                })
                .collect();
            records.sort_by(|a, b| b.0.cmp(&a.0));
            kinds.push(json!({
                "name": name,
                "label": label,
                "records": records.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
            }));
        }
        reply(StatusCode::OK, &json!({ "kinds": kinds }))
    }

    /// A kind's form, with the site's own choices (org units, meeting kinds, meetings).
    fn schema(&self, req: &Request<Bytes>) -> Response<Vec<u8>> {
        let Some(section) = param(req, "kind").and_then(|k| form::section_of(&k)) else {
            return refuse(StatusCode::BAD_REQUEST, "没有这种记录。");
        };
        let config = self.site_config();
        let mut orgs = Vec::new();
        if let Some(c) = &config {
            flatten_org(&c.org, 0, &mut orgs);
        }
        let today = config.as_ref().map(|c| {
            self.now
                .as_deref()
                .and_then(|n| crate::dates::Today::parse(n, &c.tz))
                .unwrap_or_else(|| crate::dates::Today::from_clock(&c.tz))
                .day
        });
        let mut defaults = serde_json::Map::new();
        if let Some(day) = today.filter(|_| section != Section::Pages) {
            defaults.insert("date".into(), json!(day.to_string()));
            if section == Section::Problems {
                let id = crate::scaffold::next_problem_id(
                    &self.root.join("content/problems"),
                    day.year(),
                );
                defaults.insert("id".into(), json!(id));
            }
        }
        let meeting_kinds: Vec<String> = config.map(|c| c.meeting_kinds).unwrap_or_default();
        let meetings: Vec<Value> = crate::pipeline::load::load(&self.root, None)
            .files
            .iter()
            .filter(|f| f.section == Section::Meetings && !f.is_index)
            .map(|f| {
                let (title, date, _) = headline(f);
                json!([f.stem, format!("{}　{}", date.unwrap_or_default(), title)])
            })
            .collect();
        reply(
            StatusCode::OK,
            &json!({
                "kind": form::section_name(section),
                "label": form::section_label(section),
                "fields": form::schema_json(&form::fields(section)),
                "orgs": orgs,
                "meeting_kinds": meeting_kinds,
                "meetings": meetings,
                "defaults": defaults,
            }),
        )
    }

    /// An existing record as the form shows it: its values, body, unknown keys and hash.
    fn record(&self, req: &Request<Bytes>) -> Response<Vec<u8>> {
        let (full, rel) = match self.content_path(param(req, "path").as_deref(), true) {
            Ok(p) => p,
            Err(res) => return res,
        };
        let Ok(bytes) = std::fs::read(&full) else {
            return refuse(
                StatusCode::NOT_FOUND,
                "找不到这个文件，可能已被移走或删除。",
            );
        };
        let Ok(text) = String::from_utf8(bytes.clone()) else {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "这个文件不是 UTF-8 编码的文本，请先用编辑器另存为 UTF-8。",
            );
        };
        let file = crate::pipeline::load::content_file(&rel, text.clone());
        let fields = form::fields(file.section);
        // A file the form cannot read is opened as its text, to be put right by hand with the
        // check's help.
        let raw = |why: &str| {
            reply(
                StatusCode::OK,
                &json!({
                    "path": format!("content/{rel}"),
                    "kind": form::section_name(file.section),
                    "raw": text,
                    "unreadable": why,
                    "hash": save::hash(&bytes),
                }),
            )
        };
        let Some(fm) = file.front_matter.as_ref().filter(|fm| fm.closed) else {
            return raw("这个文件开头没有完整的字段区（两行 --- 之间的字段）");
        };
        let (values, unknown) = match save::read_values(&fields, &file.source, &fm.text)
            .and_then(|v| save::merge(&fields, &text, &v.0, file.body()).map(|_| v))
        {
            Ok(v) => v,
            Err(save::Unreadable(why)) => return raw(&why),
        };
        reply(
            StatusCode::OK,
            &json!({
                "path": format!("content/{rel}"),
                "kind": form::section_name(file.section),
                "values": values,
                "body": file.body(),
                "unknown": unknown,
                "hash": save::hash(&bytes),
                "bundle": file.bundle,
                "files": bundle_files(&full, file.bundle),
            }),
        )
    }

    /// A file below `content/` or `static/`, for the preview's images.
    fn file(&self, req: &Request<Bytes>) -> Response<Vec<u8>> {
        let given = param(req, "path").unwrap_or_default();
        let full = match safe_path(&self.root, &given, &["content", "static"]) {
            Ok(p) => p,
            Err(why) => return refuse(StatusCode::FORBIDDEN, &why),
        };
        let Ok(bytes) = std::fs::read(&full) else {
            return refuse(StatusCode::NOT_FOUND, "找不到这个文件。");
        };
        let kind = match given
            .rsplit('.')
            .next()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("png") => "image/png",
            Some("webp") => "image/webp",
            Some("gif") => "image/gif",
            // Photos only: the preview needs nothing else, and a spreadsheet's hidden columns
            // stay on the disk.
            _ => return refuse(StatusCode::FORBIDDEN, "编辑台只为预览提供照片。"),
        };
        let mut res = Response::new(bytes);
        set(&mut res, "content-type", kind);
        set(&mut res, "x-content-type-options", "nosniff");
        res
    }

    /// A `content/…` path from the request, checked: the full path and the part below `content/`.
    fn content_path(
        &self,
        given: Option<&str>,
        markdown: bool,
    ) -> Result<(PathBuf, String), Response<Vec<u8>>> {
        let given = given.unwrap_or_default();
        let full = safe_path(&self.root, given, &["content"])
            .map_err(|why| refuse(StatusCode::FORBIDDEN, &why))?;
        if markdown && !given.ends_with(".md") {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "编辑台只能编辑 content/ 里的 .md 文件。",
            ));
        }
        let rel = given.trim_start_matches("content/").to_string();
        Ok((full, rel))
    }

    fn check(&self, v: &Value) -> Response<Vec<u8>> {
        let draft = match self.draft(v) {
            Ok(d) => d,
            Err(res) => return res,
        };
        let mut cache = self.checks.lock().unwrap_or_else(|e| e.into_inner());
        let result = check::quick(
            &self.root,
            self.now.as_deref(),
            &draft.rel,
            &draft.text,
            &mut cache,
        );
        reply(StatusCode::OK, &check::json(&result, &draft.text))
    }

    fn preview(&self, v: &Value) -> Response<Vec<u8>> {
        let body = v.get("body").and_then(Value::as_str).unwrap_or_default();
        let dir = v
            .get("path")
            .and_then(Value::as_str)
            .and_then(|p| safe_path(&self.root, p, &["content"]).ok().map(|_| p))
            .map(|p| p.rsplit_once('/').map_or("content", |(d, _)| d).to_string())
            .unwrap_or_else(|| "content".to_string());
        let allow_raw_html = self.site_config().is_some_and(|c| c.allow_raw_html);
        let html = check::preview(&self.root, &dir, body, allow_raw_html);
        reply(StatusCode::OK, &json!({ "html": html }))
    }

    fn save(&self, v: &Value) -> Response<Vec<u8>> {
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let draft = match self.draft(v) {
            Ok(d) => d,
            Err(res) => return res,
        };
        let full = self.root.join("content").join(&draft.rel);
        let on_disk = std::fs::read(&full).ok();
        if let Some(conflict) = draft.conflict(on_disk.as_deref()) {
            return conflict;
        }
        let result = check::run(&self.root, self.now.as_deref(), &draft.rel, &draft.text);
        let wants_draft = says_draft(&draft.text);
        if result.errors > 0 && !wants_draft {
            let mut answer = check::json(&result, &draft.text);
            answer["error"] = json!(format!(
                "有 {} 处错误，这样发布网站会生成失败，所以没有保存。请按字段旁的提示改正；暂时改不了，可以勾选“草稿”保存，草稿不会发布。",
                result.errors
            ));
            return reply(StatusCode::UNPROCESSABLE_ENTITY, &answer);
        }
        if let Err(e) = save::write_atomic(&full, draft.text.as_bytes()) {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("保存失败：{}；原来的文件没有改动。", crate::diag::io_zh(&e)),
            );
        }
        let mut answer = check::json(&result, &draft.text);
        answer["saved"] = json!(true);
        answer["path"] = json!(format!("content/{}", draft.rel));
        answer["hash"] = json!(save::hash(draft.text.as_bytes()));
        answer["created"] = json!(on_disk.is_none());
        if !wants_draft && let Some(root) = self.site_config().map(|c| c.root) {
            answer["url"] = json!(format!("{root}{}", record_path(&draft.rel, &draft.text)));
        }
        reply(StatusCode::OK, &answer)
    }

    fn upload(&self, req: &Request<Bytes>) -> Response<Vec<u8>> {
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let (full, rel) = match self.content_path(param(req, "path").as_deref(), true) {
            Ok(p) => p,
            Err(res) => return res,
        };
        let name = param(req, "name").unwrap_or_default();
        upload::run(
            &self.root,
            self.now.as_deref(),
            &full,
            &rel,
            &name,
            req.body(),
        )
    }

    /// The file a form's values would make: where, and its text.
    fn draft(&self, v: &Value) -> Result<Draft, Response<Vec<u8>>> {
        let empty = serde_json::Map::new();
        let values = v.get("values").and_then(Value::as_object).unwrap_or(&empty);
        let body = v.get("body").and_then(Value::as_str).unwrap_or_default();
        let base = v.get("base").and_then(Value::as_object);
        let base_body = v.get("base_body").and_then(Value::as_str);
        let hash = v.get("hash").and_then(Value::as_str).map(str::to_string);
        if let (Some(raw), Some(path)) = (
            v.get("raw").and_then(Value::as_str),
            v.get("path").and_then(Value::as_str),
        ) {
            let (_, rel) = self.content_path(Some(path), true)?;
            return Ok(Draft {
                rel,
                text: raw.to_string(),
                hash,
            });
        }
        match v
            .get("path")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty())
        {
            Some(path) => {
                let (full, rel) = self.content_path(Some(path), true)?;
                let section = crate::pipeline::load::content_file(&rel, String::new()).section;
                let fields = form::fields(section);
                let old = std::fs::read(&full)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok());
                let Some(old) = old else {
                    // A new file whose name the page already chose (saved once, then renamed
                    // away, say): written afresh.
                    return Ok(Draft {
                        rel,
                        text: save::new_file(&fields, values, body),
                        hash,
                    });
                };
                // Only what this form changed since it was opened goes onto the file as it is
                // now: a key another hand changed meanwhile keeps that change.
                let mut effective = values.clone();
                let mut body = body.to_string();
                if let Some(base) = base {
                    let (fm, offset) = crate::pipeline::load::split_front_matter(&old);
                    let disk = fm.and_then(|fm| {
                        save::read_values(
                            &fields,
                            &crate::diag::SourceFile::new("x", fm.text.as_str()),
                            &fm.text,
                        )
                        .ok()
                    });
                    if let Some((disk, _)) = disk {
                        effective = disk.clone();
                        for field in &fields {
                            let mine = values
                                .get(field.key)
                                .map_or(Value::Null, |x| form::normalize(field.ty, x));
                            let was = base
                                .get(field.key)
                                .map_or(Value::Null, |x| form::normalize(field.ty, x));
                            if mine != was {
                                effective.insert(field.key.to_string(), mine);
                            }
                        }
                    }
                    if base_body
                        .is_some_and(|b| b.replace("\r\n", "\n") == body.replace("\r\n", "\n"))
                    {
                        body = old[offset..].to_string();
                    }
                }
                let text = save::merge(&fields, &old, &effective, &body).map_err(|e| {
                    refuse(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &format!(
                            "这个文件的字段区有错误，编辑台无法保存：{}。请先用文本编辑器改正。",
                            e.0
                        ),
                    )
                })?;
                Ok(Draft { rel, text, hash })
            }
            None => {
                let kind = v.get("kind").and_then(Value::as_str).unwrap_or_default();
                let Some(section) = form::section_of(kind) else {
                    return Err(refuse(StatusCode::BAD_REQUEST, "没有这种记录。"));
                };
                let fields = form::fields(section);
                let rel = upload::new_name(&self.root, section, values);
                // The kind's folder too must lead nowhere outside content/.
                self.content_path(Some(&format!("content/{rel}")), true)?;
                Ok(Draft {
                    rel,
                    text: save::new_file(&fields, values, body),
                    hash: None,
                })
            }
        }
    }
}

/// What a save would write.
struct Draft {
    /// Below `content/`.
    rel: String,
    text: String,
    /// The hash of the file when the form was opened (none for a new record).
    hash: Option<String>,
}

impl Draft {
    /// A refusal when the file on disk is not the one the form was opened on.
    fn conflict(&self, on_disk: Option<&[u8]>) -> Option<Response<Vec<u8>>> {
        let changed = match (on_disk, &self.hash) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(bytes), Some(h)) => save::hash(bytes) != *h,
        };
        if !changed {
            return None;
        }
        let disk = on_disk.map(|b| String::from_utf8_lossy(b).into_owned());
        Some(reply(
            StatusCode::CONFLICT,
            &json!({
                "error": "这个文件在你打开之后被别人（或别的程序）改过了。为了不丢掉任何一边的内容，这次没有保存。下面是两个版本：可以把你的修改合并到磁盘上的新版本，或者放弃你的修改。",
                "disk": disk,
                "disk_hash": on_disk.map(save::hash),
                "mine": self.text,
            }),
        ))
    }
}

/// Where a record is published below the site's root, by output.md's rules: its `slug`, a
/// problem's `id` or its file's stem, made ASCII; a plain page under its folders.
fn record_path(rel: &str, text: &str) -> String {
    use crate::slug::slugify;
    let file = crate::pipeline::load::content_file(rel, text.to_string());
    let field = |key: &str| {
        let fm = file.front_matter.as_ref()?;
        let root = crate::yaml::parse(&file.source, &fm.text, 1)
            .ok()
            .flatten()?;
        let map = root.as_map()?;
        map.iter()
            .find(|(k, _)| k.scalar() == Some(key))
            .and_then(|(_, v)| v.scalar().map(str::to_string))
    };
    let raw = field("slug")
        .or_else(|| {
            (file.section == Section::Problems)
                .then(|| field("id"))
                .flatten()
        })
        .unwrap_or_else(|| file.stem.clone());
    let slug = match slugify(&raw) {
        s if s.is_empty() => "record".to_string(),
        s => s,
    };
    if file.section != Section::Pages {
        return format!("{}/{slug}/", file.section.dir());
    }
    let mut dirs: Vec<&str> = file.dir.split('/').filter(|d| !d.is_empty()).collect();
    if file.bundle {
        dirs.pop();
    }
    let mut path: String = dirs.iter().map(|d| format!("{}/", slugify(d))).collect();
    path.push_str(&slug);
    path.push('/');
    path
}

/// The files beside a bundle's `index.md`, for the attachments' file names.
fn bundle_files(index: &Path, bundle: bool) -> Vec<String> {
    let Some(dir) = index.parent().filter(|_| bundle) else {
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n != "index.md" && !crate::pipeline::load::ignored(n))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Whether a file's text says `draft: true`.
fn says_draft(text: &str) -> bool {
    let (fm, _) = crate::pipeline::load::split_front_matter(text);
    fm.is_some_and(|fm| {
        crate::pipeline::model::front_matter_says_draft(
            &crate::diag::SourceFile::new("x", fm.text.as_str()),
            &fm.text,
        )
    })
}

/// Title, date and draft flag of a file, read from its front matter for the list.
fn headline(f: &crate::pipeline::load::ContentFile) -> (String, Option<String>, bool) {
    let root = f
        .front_matter
        .as_ref()
        .and_then(|fm| crate::yaml::parse(&f.source, &fm.text, 1).ok().flatten());
    let get = |key: &str| {
        root.as_ref()
            .and_then(|r| r.as_map())
            .and_then(|m| m.iter().find(|(k, _)| k.scalar() == Some(key)))
            .and_then(|(_, v)| v.scalar().map(str::to_string))
    };
    let title = get("title").unwrap_or_else(|| f.stem.clone());
    let date = get("date").map(|d| crate::dates::parse_date(&d).map_or(d, |d| d.to_string()));
    let draft = get("draft").and_then(|d| crate::yaml::parse_bool(&d)) == Some(true);
    (title, date, draft)
}

fn flatten_org(units: &[crate::pipeline::config::OrgUnit], depth: usize, out: &mut Vec<Value>) {
    for u in units {
        out.push(json!([u.id, u.name, depth]));
        flatten_org(&u.children, depth + 1, out);
    }
}

/// `given` (a `/`-separated path from the site root) as a full path, if it stays inside one of
/// `tops` (`content`, `static`): no `..`, no absolute path, no hidden or odd names, and no
/// symbolic link on the way that leads outside.
pub fn safe_path(root: &Path, given: &str, tops: &[&str]) -> Result<PathBuf, String> {
    let outside = || {
        format!(
            "「{given}」不在网站的 {} 文件夹里，编辑台不能读写。",
            tops.join("/、")
        )
    };
    if given.is_empty()
        || given.contains('\\')
        || given.contains('\0')
        || given.contains(':')
        || given.starts_with('/')
    {
        return Err(outside());
    }
    let mut parts = given.split('/');
    let top = parts.next().unwrap_or_default();
    if !tops.contains(&top) {
        return Err(outside());
    }
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty()
        || rest
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == ".." || p.starts_with('.'))
    {
        return Err(outside());
    }
    let path = root.join(given);
    if path
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Err(outside());
    }
    // Symbolic links: the deepest existing ancestor, resolved, must be inside the top folder.
    let top_dir = std::fs::canonicalize(root.join(top)).map_err(|_| outside())?;
    let mut probe = path.clone();
    loop {
        if let Ok(meta) = std::fs::symlink_metadata(&probe) {
            let real = std::fs::canonicalize(&probe).map_err(|_| outside())?;
            if !real.starts_with(&top_dir) || (probe == path && meta.file_type().is_symlink()) {
                return Err(outside());
            }
            break;
        }
        if !probe.pop() {
            return Err(outside());
        }
    }
    Ok(path)
}

/// For the unit tests and the page: a form's fields by key.
pub fn field<'a>(fields: &'a [Field], key: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_content_and_static() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/notices")).expect("mkdir");
        std::fs::create_dir_all(root.join("static")).expect("mkdir");
        assert!(safe_path(root, "content/notices/a.md", &["content"]).is_ok());
        for bad in [
            "content/../site.yaml",
            "content/notices/../../x.md",
            "/etc/passwd",
            "site.yaml",
            "static/a.png",
            "content/.git/config",
            "content\\..\\x.md",
            "content//a.md",
            "content",
            "",
        ] {
            assert!(safe_path(root, bad, &["content"]).is_err(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/tmp", root.join("content/out")).expect("symlink");
            assert!(safe_path(root, "content/out/x.md", &["content"]).is_err());
            assert!(safe_path(root, "content/out", &["content"]).is_err());
        }
    }

    #[test]
    fn tokens_differ_and_compare_exactly() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(same(a.as_bytes(), a.as_bytes()));
        assert!(!same(a.as_bytes(), b.as_bytes()));
        assert!(!same(b"", a.as_bytes()));
    }
}
