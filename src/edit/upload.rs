//! New records' file names, and uploads of photos, spreadsheets and PDFs into a record's folder.
//!
//! A record kept as a single `NAME.md` becomes a bundle `NAME/index.md` on its first upload (its
//! URL stays the same), unless another file links to `NAME.md`: then nothing is moved and the
//! upload is refused with what to do. The uploaded file goes through the same rules as a build:
//! a file name with a personal number, a HEIC photo, a file a browser would run, an image that
//! cannot be read or a spreadsheet with a personal number in a visible cell is refused and not
//! kept.

use super::{check, form, refuse, reply, save};
use crate::pipeline::load::Section;
use hyper::{Response, StatusCode};
use serde_json::{Value, json};
use std::path::Path;

/// Photos larger than this are refused (a phone photo is 3–8 MB).
pub const MAX_PHOTO: usize = 20 * 1024 * 1024;
/// Spreadsheets larger than this are refused.
pub const MAX_SHEET: usize = 10 * 1024 * 1024;
/// PDFs larger than this are refused.
pub const MAX_PDF: usize = 30 * 1024 * 1024;

/// Where a new record of `section` goes (below `content/`): named like `gongkai new` names
/// them, from its date and title (a problem by its id), and never over an existing file.
pub fn new_name(root: &Path, section: Section, values: &serde_json::Map<String, Value>) -> String {
    let text = |k: &str| {
        values
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
            .to_string()
    };
    let slug = crate::scaffold::short_slug(&text("title"));
    let date = crate::dates::parse_date(&text("date"));
    let stem = match section {
        Section::Problems => {
            let id = text("id");
            if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                id
            } else {
                slug.clone()
            }
        }
        Section::Pages => slug.clone(),
        _ => match date {
            Some(d) => crate::scaffold::dated_stem(d, &slug),
            None => slug.clone(),
        },
    };
    let stem = if stem.is_empty() {
        "xin-jilu".to_string()
    } else {
        stem
    };
    let dir = match section {
        Section::Pages => String::new(),
        s => format!("{}/", s.dir()),
    };
    let content = root.join("content");
    let taken = |name: &str| {
        content.join(format!("{dir}{name}.md")).exists()
            || content.join(format!("{dir}{name}")).exists()
    };
    let mut name = stem.clone();
    let mut n = 2;
    while taken(&name) {
        name = format!("{stem}-{n}");
        n += 1;
    }
    format!("{dir}{name}.md")
}

/// What a file may be uploaded as, by its extension.
enum Kind {
    Photo,
    Sheet,
    Pdf,
}

/// Takes `bytes` as `name` into the folder of the record at `content/REL`.
pub fn run(
    root: &Path,
    now: Option<&str>,
    record: &Path,
    rel: &str,
    name: &str,
    bytes: &[u8],
) -> Response<Vec<u8>> {
    let name = name.trim();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = match ext.as_str() {
        "jpg" | "jpeg" | "png" | "webp" | "gif" => Kind::Photo,
        "xlsx" | "xls" | "ods" | "csv" => Kind::Sheet,
        "pdf" => Kind::Pdf,
        "heic" | "heif" | "hif" => {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "这是 HEIC/HEIF 格式的照片，大多数浏览器打不开：在手机相册里“导出为 JPEG”，或在相机设置里选“兼容性最佳”后重新拍摄，再上传。",
            );
        }
        _ if crate::images::is_runnable(name) => {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "网页和脚本文件（.html、.js 等）会在浏览器里运行，不能上传；请另存为 PDF 再上传。",
            );
        }
        _ => {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "只能上传照片（.jpg、.png、.webp、.gif）、表格（.xlsx、.xls、.ods、.csv）和 PDF 文件。",
            );
        }
    };
    let (limit, what) = match kind {
        Kind::Photo => (MAX_PHOTO, "照片"),
        Kind::Sheet => (MAX_SHEET, "表格"),
        Kind::Pdf => (MAX_PDF, "PDF 文件"),
    };
    if bytes.len() > limit {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "{what}太大（{:.1} MB），上限是 {} MB；照片可以在手机上选“较小尺寸”再发送。",
                bytes.len() as f64 / 1024.0 / 1024.0,
                limit / 1024 / 1024
            ),
        );
    }
    if bytes.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "上传的文件是空的。");
    }
    if matches!(kind, Kind::Photo) && is_heif(bytes) {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "这张照片其实是 HEIC/HEIF 格式（只是扩展名写成了别的），大多数浏览器打不开：在手机相册里“导出为 JPEG”再上传。",
        );
    }
    let name = match file_name(name) {
        Ok(n) => n,
        Err(why) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &why),
    };
    let Ok(text) = std::fs::read_to_string(record) else {
        return refuse(
            StatusCode::NOT_FOUND,
            "先保存这条记录（可以存为草稿），再上传文件。",
        );
    };
    // The record's folder: a single file becomes a bundle first.
    let (rel, moved) = match to_bundle(root, rel) {
        Ok(r) => r,
        Err(why) => return refuse(StatusCode::CONFLICT, &why),
    };
    let folder_rel = rel
        .trim_end_matches("index.md")
        .trim_end_matches('/')
        .to_string();
    let folder = root.join("content").join(&folder_rel);
    let mut stored = name.clone();
    let (stem, dot_ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), format!(".{e}")),
        None => (name.clone(), String::new()),
    };
    let mut n = 2;
    while folder.join(&stored).exists() {
        stored = format!("{stem}-{n}{dot_ext}");
        n += 1;
    }
    let target = folder.join(&stored);
    if let Err(e) = save::write_atomic(&target, bytes) {
        return refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("上传失败：{}。", crate::diag::io_zh(&e)),
        );
    }
    // The build's own checks of the file, as if the body already showed it.
    let snippet = match kind {
        Kind::Photo => format!("![{}]({})", caption(&stem), stored),
        Kind::Sheet => format!("![{}]({})", caption(&stem), stored),
        Kind::Pdf => format!("[{}]({})", caption(&stem), stored),
    };
    let probe = format!("{}\n\n{snippet}\n", text.trim_end());
    let checked = check::run(root, now, &rel, &probe);
    let upload_path = format!("content/{folder_rel}/{stored}");
    let refused: Vec<&crate::diag::Diagnostic> = checked
        .diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error && d.file == upload_path)
        .collect();
    if !refused.is_empty() {
        let _ = std::fs::remove_file(&target);
        let reasons: Vec<String> = refused
            .iter()
            .map(|d| format!("{}（{}）", d.message, d.help))
            .collect();
        let mut answer = json!({
            "error": format!("这个文件不能发布，没有保存：{}", reasons.join("；")),
        });
        if moved {
            answer["path"] = json!(format!("content/{rel}"));
            answer["hash"] = json!(save::hash(text.as_bytes()));
        }
        return reply(StatusCode::UNPROCESSABLE_ENTITY, &answer);
    }
    let warnings: Vec<Value> = checked
        .diags
        .iter()
        .filter(|d| d.file == upload_path)
        .map(|d| json!({"message": d.message, "help": d.help}))
        .collect();
    reply(
        StatusCode::OK,
        &json!({
            "file": stored,
            "markdown": snippet,
            "attachment": matches!(kind, Kind::Pdf),
            "path": format!("content/{rel}"),
            "hash": save::hash(text.as_bytes()),
            "moved": moved,
            "warnings": warnings,
            "kind": form::section_name(crate::pipeline::load::content_file(&rel, String::new()).section),
        }),
    )
}

/// An uploaded file's name as it may be kept: no folders, nothing hidden, no personal number.
fn file_name(name: &str) -> Result<String, String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if base.is_empty()
        || base.starts_with('.')
        || base.starts_with('_')
        || base
            .chars()
            .any(|c| c.is_control() || "<>:\"|?*#%".contains(c))
    {
        return Err(format!(
            "文件名「{}」不能用：不要以 . 或 _ 开头，也不要含有 < > : \" | ? * # % 这些符号；改个名字再上传。",
            crate::privacy::mask_text(base)
        ));
    }
    if !crate::privacy::scan(base).is_empty() {
        return Err(
            "文件名里有身份证号、手机号或银行卡号，文件名会出现在网址里，会被公开：改个名字再上传。"
                .into(),
        );
    }
    Ok(base.to_string())
}

/// The caption a snippet starts with: the file's name without its extension.
fn caption(stem: &str) -> String {
    stem.replace(['[', ']'], "")
}

/// `ftyp` with a HEIF brand at byte 4.
fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() > 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1"
        )
}

/// The record at `content/REL` as a bundle: already one, or moved from `NAME.md` to
/// `NAME/index.md` when nothing else links to `NAME.md`. Returns the new REL and whether it moved.
fn to_bundle(root: &Path, rel: &str) -> Result<(String, bool), String> {
    let file = crate::pipeline::load::content_file(rel, String::new());
    if file.bundle {
        return Ok((rel.to_string(), false));
    }
    if file.is_index || rel.ends_with("/_index.md") || rel == "_index.md" {
        return Err(
            "栏目首页（_index.md）没有自己的文件夹，不能上传文件；请把文件放进 static/。".into(),
        );
    }
    let stem_md = format!("{}.md", file.stem);
    let content = root.join("content");
    let folder = if file.dir.is_empty() {
        file.stem.clone()
    } else {
        format!("{}/{}", file.dir, file.stem)
    };
    if content.join(&folder).exists() {
        return Err(format!(
            "要把这条记录改成文件夹形式（{folder}/index.md）才能放附件，但 content/{folder} 已经存在；请先处理这个同名文件夹。"
        ));
    }
    let linking: Vec<String> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| e.path() != content.join(rel))
        .filter(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains(&stem_md)))
        .filter_map(|e| {
            e.path()
                .strip_prefix(root)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    if !linking.is_empty() {
        return Err(format!(
            "上传文件要把这条记录改成文件夹形式（{folder}/index.md），但 {} 链接到了 {stem_md}，改了会断链。请把照片或表格放进 static/，用 /文件名 引用。",
            linking.join("、")
        ));
    }
    std::fs::create_dir(content.join(&folder))
        .and_then(|()| std::fs::rename(content.join(rel), content.join(&folder).join("index.md")))
        .map_err(|e| {
            format!(
                "无法建立文件夹 content/{folder}：{}",
                crate::diag::io_zh(&e)
            )
        })?;
    Ok((format!("{folder}/index.md"), true))
}
