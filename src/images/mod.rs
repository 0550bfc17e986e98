//! The files of a site that need more than a copy before they are published (content.md §3.2):
//! raster images lose their metadata (EXIF with GPS, XMP, IPTC, comments) after their EXIF
//! orientation is applied, photos wider than 1,600 px become 480/960/1,600 px copies, SVGs with
//! anything a browser would run are refused, and so are attachments a browser would run.
//!
//! Work on an image is keyed by the SHA-256 of its bytes and the processing parameters and kept in
//! `.gongkai/cache/images/` at the site root, so an unchanged photo is hashed, not decoded, on the
//! next build; the output is copied from that cache, so cached and fresh results are the same
//! bytes.

pub mod strip;
pub mod svg;

use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::pipeline::output::{Data, Files};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A photo wider than this is published as copies of these widths, never at full size.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
const MAX_WIDTH: u32 = 1600;
const JPEG_QUALITY: u8 = 82;
/// Everything besides the source bytes that decides a result: change it when the processing
/// changes, so old cache entries are not used.
const PARAMS: &str = "gongkai-images 1; widths 480,960,1600; jpeg 82; triangle; png default adaptive; webp lossless; icc kept";
/// Where results are kept, below the site root. The walk leaves dot folders out.
pub const CACHE_DIR: &str = ".gongkai/cache/images";

/// The width of the copy an `<img>` names in `src`.
const SRC_WIDTH: u32 = 960;
/// How wide a body image is shown: the full width of a phone, at most the reading column.
pub const SIZES: &str = "(max-width: 52rem) 100vw, 52rem";

/// Names that a browser would run if it opened them: never published from content.
const RUNNABLE: [&str; 5] = ["html", "htm", "xhtml", "js", "mjs"];
const RASTER: [&str; 6] = ["jpg", "jpeg", "jpe", "png", "webp", "gif"];
const HEIC: [&str; 4] = ["heic", "heif", "hif", "heics"];
/// Image formats nobody reads for us here, which carry metadata of their own.
const UNSUPPORTED: [&str; 6] = ["tif", "tiff", "bmp", "avif", "jxl", "dng"];

fn extension(name: &str) -> String {
    let file = name.rsplit('/').next().unwrap_or(name);
    match file.rfind('.') {
        Some(i) if i > 0 => file[i + 1..].to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// `.html`, `.js` and the like: a file a browser runs rather than shows.
pub fn is_runnable(name: &str) -> bool {
    RUNNABLE.contains(&extension(name).as_str())
}

/// Whether the file is (by its name) a raster image that is processed before publishing.
pub fn is_raster(name: &str) -> bool {
    RASTER.contains(&extension(name).as_str())
}

/// The name of the copy `width` px wide: `a/photo.jpg` → `a/photo-480w.jpg`. Works on paths and
/// on percent-encoded URLs alike, since the extension is ASCII.
pub fn copy_name(name: &str, width: u32) -> String {
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[slash..].rfind('.') {
        Some(i) if i > 0 => {
            let dot = slash + i;
            format!("{}-{width}w{}", &name[..dot], &name[dot..])
        }
        _ => format!("{name}-{width}w"),
    }
}

/// One size of a published image.
#[derive(Debug, Clone)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub data: Data,
}

/// An image as published: the file at its own path, and the smaller copies beside it.
#[derive(Debug, Clone)]
pub struct Processed {
    /// At the image's own path: the image itself, or its 1,600 px copy when it is wider.
    pub full: Rendition,
    /// Narrowest first; empty when the image is published at one size.
    pub smaller: Vec<Rendition>,
}

impl Processed {
    /// The copy an `<img>` shows by default.
    pub fn src(&self) -> &Rendition {
        self.smaller
            .iter()
            .find(|c| c.width == SRC_WIDTH)
            .unwrap_or(&self.full)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageError {
    pub code: &'static str,
    pub message: String,
    pub help: &'static str,
}

impl ImageError {
    /// The decoder's reason, said in Chinese (its own words are English and technical).
    fn undecodable(e: image::ImageError) -> ImageError {
        match e {
            image::ImageError::Limits(_) => ImageError::broken("图片的像素尺寸太大"),
            _ => ImageError::broken("文件损坏或不完整"),
        }
    }

    fn broken(why: impl std::fmt::Display) -> ImageError {
        ImageError {
            code: "E-IMAGE-BROKEN",
            message: format!("这个图片文件打不开（{why}），不能发布"),
            help: "用手机相册或画图软件重新导出为 JPEG 或 PNG",
        }
    }

    fn heic() -> ImageError {
        ImageError {
            code: "E-IMAGE-HEIC",
            message: "这是 HEIC/HEIF 格式的照片，大多数浏览器打不开".into(),
            help: "在手机相册里“导出为 JPEG”，或在相机设置里选“兼容性最佳”后重新拍摄，再放进网站",
        }
    }

    fn unsupported(ext: &str) -> ImageError {
        ImageError {
            code: "E-IMAGE-FORMAT",
            message: format!("不支持 .{ext} 格式的图片：无法确认其中没有拍摄位置等信息"),
            help: "另存为 JPEG 或 PNG 再放进网站；扫描的文件请存为 PDF",
        }
    }

    pub fn diagnostic(&self, rel: &str) -> Diagnostic {
        SourceFile::new(rel, "").error(self.code, Pos::START, self.message.clone(), self.help)
    }
}

/// How a build may use the cache: `check` reads it but writes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMode {
    ReadWrite,
    ReadOnly,
}

/// How many images a build processed and how many it took from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageStats {
    pub encoded: usize,
    pub cached: usize,
}

type Outcome = Result<Arc<Processed>, ImageError>;

/// The images of one build: each processed once, however many pages and passes ask for it.
pub struct Images {
    /// The site root: images are read below it, and the cache kept there.
    root: PathBuf,
    cache_dir: PathBuf,
    mode: CacheMode,
    done: Mutex<HashMap<String, Arc<OnceLock<Outcome>>>>,
    encoded: AtomicUsize,
    cached: AtomicUsize,
}

impl Images {
    /// Nothing is read or created until an image is asked for.
    pub fn new(root: &Path, mode: CacheMode) -> Images {
        Images {
            root: root.to_path_buf(),
            cache_dir: root.join(CACHE_DIR),
            mode,
            done: Mutex::new(HashMap::new()),
            encoded: AtomicUsize::new(0),
            cached: AtomicUsize::new(0),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn stats(&self) -> ImageStats {
        ImageStats {
            encoded: self.encoded.load(Ordering::Relaxed),
            cached: self.cached.load(Ordering::Relaxed),
        }
    }

    /// The raster image `rel` (a path below the site root) as published.
    pub fn get(&self, rel: &str, path: &Path) -> Outcome {
        self.get_with(rel, || std::fs::read(path))
    }

    fn get_with(&self, rel: &str, read: impl FnOnce() -> std::io::Result<Vec<u8>>) -> Outcome {
        let cell = match self.done.lock() {
            Ok(mut done) => done.entry(rel.to_string()).or_default().clone(),
            Err(_) => Arc::new(OnceLock::new()),
        };
        cell.get_or_init(|| {
            let ext = extension(rel);
            if HEIC.contains(&ext.as_str()) {
                return Err(ImageError::heic());
            }
            if UNSUPPORTED.contains(&ext.as_str()) {
                return Err(ImageError::unsupported(&ext));
            }
            let bytes = read().map_err(|e| ImageError {
                code: "E-READ",
                message: format!("无法读取图片：{}", e.kind()),
                help: "检查文件是否存在、能否打开",
            })?;
            self.process(&bytes).map(Arc::new)
        })
        .clone()
    }

    fn process(&self, bytes: &[u8]) -> Result<Processed, ImageError> {
        let key = cache_key(bytes);
        if let Some(p) = self.read_cache(&key) {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(p);
        }
        let fresh = process(bytes)?;
        self.encoded.fetch_add(1, Ordering::Relaxed);
        if self.mode == CacheMode::ReadWrite
            && let Some(p) = self.write_cache(&key, &fresh)
        {
            return Ok(p);
        }
        let copy = |(width, height, bytes): (u32, u32, Vec<u8>)| Rendition {
            width,
            height,
            data: Data::Bytes(bytes),
        };
        Ok(Processed {
            full: copy(fresh.full),
            smaller: fresh.smaller.into_iter().map(copy).collect(),
        })
    }

    fn entry_path(&self, key: &str, part: &str) -> PathBuf {
        self.cache_dir.join(format!("{key}-{part}"))
    }

    /// A cache entry is `KEY-meta` (one line a size: `full W H`, then `W H` for each smaller copy)
    /// and `KEY-full`, `KEY-480` … beside it. The meta file is written last.
    fn read_cache(&self, key: &str) -> Option<Processed> {
        let meta = std::fs::read_to_string(self.entry_path(key, "meta")).ok()?;
        let mut full = None;
        let mut smaller = Vec::new();
        for line in meta.lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            let (part, w, h) = match parts.as_slice() {
                ["full", w, h] => ("full".to_string(), w, h),
                [w, h] => (w.to_string(), w, h),
                _ => return None,
            };
            let path = self.entry_path(key, &part);
            if !path.is_file() {
                return None;
            }
            let copy = Rendition {
                width: w.parse().ok()?,
                height: h.parse().ok()?,
                data: Data::Copy(path),
            };
            if part == "full" {
                full = Some(copy);
            } else {
                smaller.push(copy);
            }
        }
        Some(Processed {
            full: full?,
            smaller,
        })
    }

    fn write_cache(&self, key: &str, fresh: &Fresh) -> Option<Processed> {
        std::fs::create_dir_all(&self.cache_dir).ok()?;
        let write = |part: &str, bytes: &[u8]| -> Option<PathBuf> {
            let path = self.entry_path(key, part);
            // Unique per write: two threads may process two files with the same bytes at once.
            static WRITES: AtomicUsize = AtomicUsize::new(0);
            let n = WRITES.fetch_add(1, Ordering::Relaxed);
            let tmp = self.entry_path(key, &format!("{part}.tmp{}-{n}", std::process::id()));
            std::fs::write(&tmp, bytes).ok()?;
            std::fs::rename(&tmp, &path).ok()?;
            Some(path)
        };
        let (w, h, bytes) = &fresh.full;
        let mut meta = format!("full {w} {h}\n");
        let full = Rendition {
            width: *w,
            height: *h,
            data: Data::Copy(write("full", bytes)?),
        };
        let mut smaller = Vec::new();
        for (w, h, bytes) in &fresh.smaller {
            meta.push_str(&format!("{w} {h}\n"));
            smaller.push(Rendition {
                width: *w,
                height: *h,
                data: Data::Copy(write(&w.to_string(), bytes)?),
            });
        }
        write("meta", meta.as_bytes())?;
        Some(Processed { full, smaller })
    }
}

fn cache_key(bytes: &[u8]) -> String {
    crate::digest::sha256_hex_of(&[PARAMS.as_bytes(), &[0], bytes])
}

/// A freshly processed image: (width, height, bytes) of the full file and of each smaller copy.
struct Fresh {
    full: (u32, u32, Vec<u8>),
    smaller: Vec<(u32, u32, Vec<u8>)>,
}

/// HEIF's `ftyp` brands (HEIC photos from phones, and HEIF image sequences).
fn is_heif(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp")
        && bytes.get(8..12).is_some_and(|brand| {
            [
                b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1",
                b"msf1",
            ]
            .contains(&brand.try_into().unwrap_or(&[0; 4]))
        })
}

/// Decodes the image to check it and to learn its orientation and size; strips it without
/// re-encoding when it is upright and small enough, otherwise turns and scales it and encodes
/// it again (which writes no metadata at all).
fn process(bytes: &[u8]) -> Result<Fresh, ImageError> {
    if is_heif(bytes) {
        return Err(ImageError::heic());
    }
    let format = image::guess_format(bytes)
        .map_err(|_| ImageError::broken("不是 JPEG、PNG、WebP 或 GIF 图片"))?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif
    ) {
        let name = format.extensions_str().first().copied().unwrap_or("未知");
        return Err(ImageError::unsupported(name));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(image::Limits::default());
    let mut decoder = reader.into_decoder().map_err(ImageError::undecodable)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let mut img = DynamicImage::from_decoder(decoder).map_err(ImageError::undecodable)?;
    img.apply_orientation(orientation);
    let (width, height) = (img.width(), img.height());
    // A GIF is kept as it is (an animation would lose its frames); only its metadata goes.
    let keep_pixels = format == ImageFormat::Gif
        || (orientation == Orientation::NoTransforms && width <= MAX_WIDTH);
    if keep_pixels {
        let stripped =
            strip::strip(format, bytes).ok_or_else(|| ImageError::broken("文件结构有误"))?;
        return Ok(Fresh {
            full: (width, height, stripped),
            smaller: Vec::new(),
        });
    }
    let encode =
        |img: &DynamicImage| encode(img, format, icc.clone()).map_err(ImageError::undecodable);
    if width <= MAX_WIDTH {
        return Ok(Fresh {
            full: (width, height, encode(&img)?),
            smaller: Vec::new(),
        });
    }
    // Each copy is scaled from the next larger one: as sharp, and a fraction of the work.
    let mut copies = Vec::new();
    let mut from = img;
    for &w in WIDTHS.iter().rev() {
        let h = scaled_height(width, height, w);
        let copy = from.resize_exact(w, h, image::imageops::FilterType::Triangle);
        copies.push((w, h, encode(&copy)?));
        from = copy;
    }
    let full = copies.remove(0);
    copies.reverse();
    Ok(Fresh {
        full,
        smaller: copies,
    })
}

fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    let h = (u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width).max(1);
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

fn encode(
    img: &DynamicImage,
    format: ImageFormat,
    icc: Option<Vec<u8>>,
) -> image::ImageResult<Vec<u8>> {
    use image::codecs::{jpeg::JpegEncoder, png, png::PngEncoder, webp::WebPEncoder};
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => {
            let img = match img {
                DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => img.clone(),
                _ => DynamicImage::ImageRgb8(img.to_rgb8()),
            };
            let mut enc = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            if let Some(icc) = icc {
                let _ = enc.set_icc_profile(icc);
            }
            img.write_with_encoder(enc)?;
        }
        ImageFormat::WebP => {
            let img = match img {
                DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => img.clone(),
                _ => DynamicImage::ImageRgba8(img.to_rgba8()),
            };
            let mut enc = WebPEncoder::new_lossless(&mut out);
            if let Some(icc) = icc {
                let _ = enc.set_icc_profile(icc);
            }
            img.write_with_encoder(enc)?;
        }
        _ => {
            let mut enc = PngEncoder::new_with_quality(
                &mut out,
                png::CompressionType::Default,
                png::FilterType::Adaptive,
            );
            if let Some(icc) = icc {
                let _ = enc.set_icc_profile(icc);
            }
            img.write_with_encoder(enc)?;
        }
    }
    Ok(out)
}

/// A file to publish: where it goes below the output, and what it is made from.
pub struct Publish {
    pub out: String,
    /// Path below the site root, as diagnostics name it (`content/…`, `static/…`).
    pub rel: String,
    pub source: Source,
    /// From `content/`: written by whoever writes records, so a runnable file is refused.
    pub from_content: bool,
}

pub enum Source {
    File(PathBuf),
    /// A theme's static file, already in memory.
    Bytes(Vec<u8>),
}

impl Source {
    fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Source::File(p) => std::fs::read(p),
            Source::Bytes(b) => Ok(b.clone()),
        }
    }

    fn data(self) -> Data {
        match self {
            Source::File(p) => Data::Copy(p),
            Source::Bytes(b) => Data::Bytes(b),
        }
    }
}

/// Every file as it goes out: images processed (in parallel), SVGs and runnable files checked.
/// A file that may not go out is left out and reported.
pub fn publish(
    images: &Images,
    list: Vec<Publish>,
    files: &mut Files,
    diags: &mut Vec<Diagnostic>,
) {
    let results: Vec<Published> = list
        .into_par_iter()
        .map(|p| publish_one(images, p))
        .collect();
    let mut copies = Vec::new();
    for r in results {
        match r {
            Ok(mut out) => {
                // The file itself first; its smaller copies never replace a file of the site.
                let first = out.remove(0);
                files.insert(first.0, first.1);
                copies.extend(out);
            }
            Err(d) => diags.push(*d),
        }
    }
    for (out, data) in copies {
        files.entry(out).or_insert(data);
    }
}

/// A file's outputs (its own path first, then its smaller copies), or why it may not go out.
type Published = Result<Vec<(String, Data)>, Box<Diagnostic>>;

fn publish_one(images: &Images, p: Publish) -> Published {
    let ext = extension(&p.rel);
    if p.from_content && is_runnable(&p.rel) {
        return Err(Box::new(runnable_error(&p.rel)));
    }
    if ext == "svg" {
        let bytes = p.source.read().map_err(|e| {
            let unreadable = ImageError {
                code: "E-READ",
                message: format!("无法读取：{}", e.kind()),
                help: "检查文件是否存在、能否打开",
            };
            Box::new(unreadable.diagnostic(&p.rel))
        })?;
        let Ok(text) = String::from_utf8(bytes) else {
            let file = SourceFile::new(p.rel.as_str(), "");
            return Err(Box::new(svg_error(&file, 0, "不是 UTF-8 编码的文本")));
        };
        if let Err(u) = svg::check(&text) {
            let file = SourceFile::new(p.rel.as_str(), text);
            return Err(Box::new(svg_error(&file, u.offset, &u.what)));
        }
        return Ok(vec![(p.out, Data::Bytes(text.into_bytes()))]);
    }
    let image_like =
        is_raster(&p.rel) || HEIC.contains(&ext.as_str()) || UNSUPPORTED.contains(&ext.as_str());
    if !image_like {
        return Ok(vec![(p.out, p.source.data())]);
    }
    let processed = match &p.source {
        Source::File(path) => images.get(&p.rel, path),
        Source::Bytes(b) => images.get_with(&p.rel, || Ok(b.clone())),
    }
    .map_err(|e| Box::new(e.diagnostic(&p.rel)))?;
    let mut out = vec![(p.out.clone(), processed.full.data.clone())];
    for c in &processed.smaller {
        out.push((copy_name(&p.out, c.width), c.data.clone()));
    }
    Ok(out)
}

pub fn runnable_error(rel: &str) -> Diagnostic {
    SourceFile::new(rel, "").error(
        "E-RUNNABLE-FILE",
        Pos::START,
        "网页或脚本文件（.html、.js 等）不能作为附件发布：浏览器会运行它",
        "请附 PDF：把内容另存为 PDF 再附上，或把文字写进记录正文",
    )
}

fn svg_error(file: &SourceFile, offset: usize, what: &str) -> Diagnostic {
    file.error(
        "E-SVG-UNSAFE",
        file.pos_of(offset),
        format!("这个 SVG 图片不能发布：{what}"),
        "用绘图软件导出为不含脚本和外部链接的 SVG，或导出为 PNG",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_names_go_before_the_extension() {
        assert_eq!(
            copy_name("meetings/a/photo.jpg", 480),
            "meetings/a/photo-480w.jpg"
        );
        assert_eq!(
            copy_name("/m/%E5%9B%BE.v2.png", 960),
            "/m/%E5%9B%BE.v2-960w.png"
        );
        assert_eq!(copy_name("a.b/photo", 480), "a.b/photo-480w");
    }

    #[test]
    fn heights_keep_the_aspect_ratio_rounded() {
        assert_eq!(scaled_height(3024, 4032, 1600), 2133);
        assert_eq!(scaled_height(4032, 3024, 480), 360);
        assert_eq!(scaled_height(5000, 1, 480), 1);
    }

    #[test]
    fn heif_is_known_by_its_bytes() {
        assert!(is_heif(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"));
        assert!(!is_heif(b"\xFF\xD8\xFF\xE0"));
        assert_eq!(
            process(b"\0\0\0\x18ftypheic\0\0\0\0").err().map(|e| e.code),
            Some("E-IMAGE-HEIC")
        );
    }

    #[test]
    fn formats_we_cannot_clean_are_refused_by_name_before_reading() {
        let dir = tempfile::tempdir().expect("tmp");
        let images = Images::new(dir.path(), CacheMode::ReadOnly);
        let never_read = || -> std::io::Result<Vec<u8>> { panic!("read") };
        let code = |name: &str| images.get_with(name, never_read).err().map(|e| e.code);
        assert_eq!(code("static/scan.TIFF"), Some("E-IMAGE-FORMAT"));
        assert_eq!(code("content/a/IMG_1.heic"), Some("E-IMAGE-HEIC"));
        // A TIFF named .jpg is found by its bytes.
        let tiff = images.get_with("content/a/x.jpg", || Ok(b"II*\0\x08\0\0\0".to_vec()));
        assert_eq!(tiff.err().map(|e| e.code), Some("E-IMAGE-FORMAT"));
        assert_eq!(images.stats(), ImageStats::default());
    }

    #[test]
    fn runnable_names() {
        assert!(is_runnable("a/b.HTML"));
        assert!(is_runnable("x.mjs"));
        assert!(!is_runnable("x.pdf"));
        assert!(!is_runnable(".js"));
    }
}
