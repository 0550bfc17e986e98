//! Photos and files a browser would run (content.md §3.2), on a fixture site whose photos were
//! written by Pillow with the metadata a phone writes (tests/support/make_image_fixtures.py):
//! camera, owner and GPS position in EXIF, XMP, comments, and a portrait photo stored sideways
//! with EXIF orientation 6.

mod common;

use common::*;
use image::ImageDecoder;
use std::path::Path;

const BUNDLE: &str = "content/meetings/2026-11-yishihui";
const PAGE: &str = "meetings/2026-11-yishihui/index.html";

fn site() -> TempSite {
    TempSite::from_fixture("images/site")
}

/// Strings that the fixtures' metadata holds and no published image may.
const LEAKS: [&[u8]; 7] = [
    b"Exif\0\0",
    b"Xiaomi",
    b"Redmi",
    b"Zhang Wei",
    b"xmpmeta",
    b"31.2275N",
    b"GPS 31",
];

/// Every published raster image, by path below the output.
fn published_images(out: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot(out)
        .into_iter()
        .filter(|(k, _)| {
            [".jpg", ".png", ".webp", ".gif"]
                .iter()
                .any(|e| k.ends_with(e))
        })
        .collect()
}

/// What metadata an image still carries, by reading its structure.
fn metadata_left(name: &str, bytes: &[u8]) -> Vec<String> {
    use img_parts::Bytes;
    let mut left = Vec::new();
    for leak in LEAKS {
        if bytes.windows(leak.len()).any(|w| w == leak) {
            left.push(format!("bytes {:?}", String::from_utf8_lossy(leak)));
        }
    }
    let data = Bytes::copy_from_slice(bytes);
    if name.ends_with(".jpg") {
        let jpeg = img_parts::jpeg::Jpeg::from_bytes(data).expect("a JPEG");
        for s in jpeg.segments() {
            // APP1 EXIF/XMP, APP13 IPTC, COM comments.
            if [0xE1, 0xED, 0xFE].contains(&s.marker()) {
                left.push(format!("segment {:02X}", s.marker()));
            }
        }
    } else if name.ends_with(".png") {
        let png = img_parts::png::Png::from_bytes(data).expect("a PNG");
        for c in png.chunks() {
            if [b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"].contains(&&c.kind()) {
                left.push(format!("chunk {}", String::from_utf8_lossy(&c.kind())));
            }
        }
    } else if name.ends_with(".webp") {
        let webp = img_parts::webp::WebP::from_bytes(data).expect("a WebP");
        for c in webp.chunks() {
            if [b"EXIF", b"XMP "].contains(&&c.id()) {
                left.push(format!("chunk {}", String::from_utf8_lossy(&c.id())));
            }
        }
    }
    left
}

fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("decodes");
    (img.width(), img.height())
}

fn orientation(bytes: &[u8]) -> image::metadata::Orientation {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .expect("format");
    let mut decoder = reader.into_decoder().expect("decoder");
    decoder.orientation().expect("orientation")
}

#[test]
fn the_fixtures_really_carry_metadata() {
    // Without this the next test would prove nothing.
    let dir = fixture("images/site").join(BUNDLE);
    for name in [
        "portrait.jpg",
        "landscape.jpg",
        "chart.png",
        "small.webp",
        "anim.gif",
    ] {
        let bytes = std::fs::read(dir.join(name)).expect("fixture");
        assert!(
            !metadata_left(name, &bytes).is_empty(),
            "{name} has no metadata"
        );
    }
    let portrait = std::fs::read(dir.join("portrait.jpg")).expect("fixture");
    assert_eq!(dimensions(&portrait), (2400, 1800), "stored sideways");
    assert_eq!(
        orientation(&portrait),
        image::metadata::Orientation::Rotate90
    );
}

#[test]
fn published_images_carry_no_metadata_and_stand_upright() {
    let site = site();
    let out = site.build_ok("out", &[]);
    let images = published_images(&out);
    let names: Vec<&str> = images.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "images/banner.jpg",
            "meetings/2026-11-yishihui/anim.gif",
            "meetings/2026-11-yishihui/chart.png",
            "meetings/2026-11-yishihui/landscape.jpg",
            "meetings/2026-11-yishihui/portrait-480w.jpg",
            "meetings/2026-11-yishihui/portrait-960w.jpg",
            "meetings/2026-11-yishihui/portrait.jpg",
            "meetings/2026-11-yishihui/small.webp",
        ]
    );
    for (name, bytes) in &images {
        let left = metadata_left(name, bytes);
        assert!(left.is_empty(), "{name} still carries {left:?}");
        if !name.ends_with(".gif") {
            assert_eq!(
                orientation(bytes),
                image::metadata::Orientation::NoTransforms,
                "{name}"
            );
        }
    }
    let get = |name: &str| {
        &images
            .iter()
            .find(|(k, _)| k.ends_with(name))
            .expect(name)
            .1
    };
    // 1800×2400 once upright: the copy at its own path is 1,600 px wide, never the original.
    assert_eq!(dimensions(get("/portrait.jpg")), (1600, 2133));
    assert_eq!(dimensions(get("/portrait-960w.jpg")), (960, 1280));
    assert_eq!(dimensions(get("/portrait-480w.jpg")), (480, 640));
    assert_eq!(dimensions(get("/chart.png")), (200, 320));
    assert_eq!(dimensions(get("/small.webp")), (400, 300));
    assert_eq!(dimensions(get("/anim.gif")), (160, 120));
    // Upright: the sky (blue) at the top, the ground (green) at the bottom.
    for name in ["/portrait.jpg", "/portrait-480w.jpg", "/chart.png"] {
        let img = image::load_from_memory(get(name))
            .expect("decodes")
            .to_rgb8();
        let (w, h) = img.dimensions();
        let top = img.get_pixel(w / 2, 2).0;
        let bottom = img.get_pixel(w / 2, h - 3).0;
        assert!(top[2] > top[0] + 60, "{name}: top {top:?} is not sky");
        assert!(
            bottom[1] > bottom[2] + 30,
            "{name}: bottom {bottom:?} is not ground"
        );
    }
    // Upright and narrow: the very same pixels, only the metadata gone.
    let source = std::fs::read(site.path(&format!("{BUNDLE}/landscape.jpg"))).expect("source");
    let a = image::load_from_memory(&source).expect("decodes").to_rgb8();
    let b = image::load_from_memory(get("/landscape.jpg"))
        .expect("decodes")
        .to_rgb8();
    assert!(a == b, "landscape.jpg was re-encoded");
    // The GIF keeps both frames.
    let gif =
        image::codecs::gif::GifDecoder::new(std::io::Cursor::new(get("/anim.gif"))).expect("gif");
    use image::AnimationDecoder;
    assert_eq!(gif.into_frames().count(), 2);
}

#[test]
fn img_tags_have_their_size_and_copies_and_nothing_is_enlarged() {
    let site = site();
    let out = site.build_ok("out", &[]);
    let page = read_out(&out, PAGE);
    let m = "/meetings/2026-11-yishihui/";
    let portrait = format!(
        "<img src=\"{m}portrait-960w.jpg\" srcset=\"{m}portrait-480w.jpg 480w, {m}portrait-960w.jpg 960w, {m}portrait.jpg 1600w\" sizes=\"(max-width: 52rem) 100vw, 52rem\" width=\"960\" height=\"1280\" alt=\"居民议事会现场\" loading=\"lazy\">"
    );
    assert!(page.contains(&portrait), "{page}");
    for tag in [
        format!(
            "<img src=\"{m}landscape.jpg\" width=\"1200\" height=\"900\" alt=\"\" loading=\"lazy\">"
        ),
        format!(
            "<img src=\"{m}chart.png\" width=\"200\" height=\"320\" alt=\"电梯费用分摊示意\" title=\"分摊示意\" loading=\"lazy\">"
        ),
        format!(
            "<img src=\"{m}small.webp\" width=\"400\" height=\"300\" alt=\"小图\" loading=\"lazy\">"
        ),
        format!(
            "<img src=\"{m}anim.gif\" width=\"160\" height=\"120\" alt=\"动图\" loading=\"lazy\">"
        ),
    ] {
        assert!(page.contains(&tag), "missing {tag}");
    }
    let notice = read_out(&out, "notices/2026-11-gonggao/index.html");
    assert!(
        notice.contains(
            "<img src=\"/images/banner.jpg\" width=\"640\" height=\"480\" alt=\"社区横幅\" loading=\"lazy\">"
        ),
        "a static/ image named from the site root gets its size too"
    );
    // No copy wider than its image, no copies of images 1,600 px wide or less.
    let files = snapshot(&out);
    for name in ["small", "landscape", "chart", "anim"] {
        assert!(
            !files
                .keys()
                .any(|k| k.contains(&format!("{name}-")) && k.contains("0w.")),
            "{name} got copies"
        );
    }
}

#[test]
fn an_image_without_alt_text_is_a_warning_at_the_image() {
    let site = site();
    let (run, diags) = site.check();
    run.assert_code(0);
    let alt: Vec<&Diag> = diags.iter().filter(|d| d.code == "W-IMAGE-ALT").collect();
    assert_eq!(alt.len(), 1, "{}", list(&diags));
    assert_eq!(
        (alt[0].file.as_str(), alt[0].line, alt[0].column),
        (&*format!("{BUNDLE}/index.md"), 15, 1)
    );
    assert!(is_chinese(&alt[0].message) && is_chinese(&alt[0].help));
    // `check` writes nothing, not even the image cache.
    assert!(!site.path(".gongkai").exists());
}

#[test]
fn a_second_build_reencodes_nothing_and_cached_and_fresh_are_the_same_bytes() {
    let site = site();
    let first = site.build_into(&site.outside("one"), &[]);
    first.assert_code(0);
    assert!(
        first
            .stdout
            .contains("图片 6 张：新处理 6 张，沿用缓存 0 张"),
        "{}",
        first.describe()
    );
    assert!(site.path(".gongkai/cache/images").is_dir());
    let second = site.build_into(&site.outside("two"), &[]);
    second.assert_code(0);
    assert!(
        second
            .stdout
            .contains("图片 6 张：新处理 0 张，沿用缓存 6 张"),
        "{}",
        second.describe()
    );
    let one = snapshot(&site.outside("one"));
    assert_eq!(
        snapshot_diff(&one, &snapshot(&site.outside("two"))),
        Vec::<String>::new()
    );
    // Without the cache, the same bytes again.
    std::fs::remove_dir_all(site.path(".gongkai")).expect("rm cache");
    let third = site.build_into(&site.outside("three"), &[]);
    assert!(third.stdout.contains("新处理 6 张"), "{}", third.describe());
    assert_eq!(
        snapshot_diff(&one, &snapshot(&site.outside("three"))),
        Vec::<String>::new()
    );
    // Work is keyed by content: a photo replaced by another one already seen is not redone; a
    // changed file is, and only it.
    std::fs::copy(
        site.path(&format!("{BUNDLE}/landscape.jpg")),
        site.path(&format!("{BUNDLE}/portrait.jpg")),
    )
    .expect("replace the photo");
    let mut banner = std::fs::read(site.path("static/images/banner.jpg")).expect("read");
    banner.extend_from_slice(b"appended after the end");
    site.write_bytes("static/images/banner.jpg", &banner);
    let fourth = site.build_into(&site.outside("four"), &[]);
    assert!(
        fourth
            .stdout
            .contains("图片 6 张：新处理 1 张，沿用缓存 5 张"),
        "{}",
        fourth.describe()
    );
    let page = read_out(&site.outside("four"), PAGE);
    assert!(
        page.contains("portrait.jpg\" width=\"1200\" height=\"900\""),
        "{page}"
    );
}

#[test]
fn a_site_without_images_does_no_image_work() {
    let site = TempSite::from_fixture("minimal");
    let run = site.build_into(&site.outside("out"), &[]);
    run.assert_code(0);
    assert!(!run.stdout.contains("图片"), "{}", run.describe());
    // No image cache; the build cache's record is the only thing kept.
    assert!(!site.path(".gongkai/cache/images").exists());
    let kept: Vec<_> = std::fs::read_dir(site.path(".gongkai/cache"))
        .expect("the build cache")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(kept, ["build"]);
}

#[test]
fn hostile_files_are_refused_at_their_file_and_the_old_output_stays() {
    let site = site();
    let out = site.build_ok("out", &[]);
    let before = snapshot(&out);
    let hostile = fixture("images/hostile");
    for entry in std::fs::read_dir(&hostile).expect("ls") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = std::fs::read(entry.path()).expect("read");
        site.write_bytes(&format!("{BUNDLE}/{name}"), &bytes);
    }
    // An attachment under static/ is refused as well; other static files are the site's own.
    site.write_bytes(
        "static/files/tongzhi.html",
        &std::fs::read(hostile.join("notice.html")).expect("read"),
    );
    site.edit("content/notices/2026-11-gonggao.md", |s| {
        s.replace(
            "kind: announcement\n",
            "kind: announcement\nattachments:\n  - file: /files/tongzhi.html\n    title: 通知原文\n",
        )
    });
    let run = site.build_into(&out, &[]);
    run.assert_code(1);
    assert_eq!(
        snapshot_diff(&before, &snapshot(&out)),
        Vec::<String>::new()
    );

    let (_, diags) = site.check();
    let mut got: Vec<(String, String, u32, u32)> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let file = d.file.rsplit('/').next().unwrap_or_default().to_string();
            (d.code.clone(), file, d.line, d.column)
        })
        .collect();
    got.sort();
    let want = [
        ("E-IMAGE-BROKEN", "broken.jpg", 1, 1),
        ("E-IMAGE-BROKEN", "fake.png", 1, 1),
        ("E-IMAGE-HEIC", "IMG_0001.HEIC", 1, 1),
        ("E-IMAGE-HEIC", "IMG_0002.jpg", 1, 1),
        ("E-RUNNABLE-FILE", "notice.html", 1, 1),
        ("E-RUNNABLE-FILE", "tongzhi.html", 1, 1),
        ("E-RUNNABLE-FILE", "tool.js", 1, 1),
        ("E-SVG-UNSAFE", "foreign.svg", 2, 3),
        ("E-SVG-UNSAFE", "onload.svg", 1, 1),
        ("E-SVG-UNSAFE", "script.svg", 3, 3),
        ("E-SVG-UNSAFE", "tracker.svg", 2, 3),
    ];
    let want: Vec<(String, String, u32, u32)> = want
        .iter()
        .map(|(c, f, l, col)| (c.to_string(), f.to_string(), *l, *col))
        .collect();
    assert_eq!(got, want, "{}", list(&diags));
    for d in diags.iter().filter(|d| d.is_error()) {
        assert!(
            is_chinese(&d.message) && is_chinese(&d.help),
            "{}",
            d.short()
        );
    }
    let heic = diags
        .iter()
        .find(|d| d.code == "E-IMAGE-HEIC")
        .expect("heic");
    assert!(heic.help.contains("JPEG"), "{}", heic.short());
    let html = diags
        .iter()
        .find(|d| d.code == "E-RUNNABLE-FILE")
        .expect("html");
    assert!(html.help.contains("请附 PDF"), "{}", html.short());
    let attached = diags
        .iter()
        .find(|d| d.file.ends_with("tongzhi.html"))
        .expect("attachment");
    assert_eq!(attached.file, "static/files/tongzhi.html");

    // The benign SVG alone goes out, as it was.
    for name in [
        "IMG_0001.HEIC",
        "IMG_0002.jpg",
        "broken.jpg",
        "fake.png",
        "notice.html",
        "tool.js",
        "foreign.svg",
        "onload.svg",
        "script.svg",
        "tracker.svg",
    ] {
        site.remove(&format!("{BUNDLE}/{name}"));
    }
    site.remove("static/files/tongzhi.html");
    site.edit("content/notices/2026-11-gonggao.md", |s| {
        s.replace(
            "attachments:\n  - file: /files/tongzhi.html\n    title: 通知原文\n",
            "",
        )
    });
    let out = site.build_ok("out", &[]);
    assert_eq!(
        std::fs::read(out.join("meetings/2026-11-yishihui/benign.svg")).expect("published"),
        std::fs::read(hostile.join("benign.svg")).expect("fixture")
    );
}

#[test]
fn every_page_sends_a_script_policy_and_runs_no_inline_script() {
    let site = site();
    let out = site.build_ok("out", &[]);
    let pages = text_files(&out, ".html");
    assert!(pages.len() > 10);
    assert!(pages.iter().any(|(k, _)| k == "kiosk/index.html"));
    for (path, html) in &pages {
        assert!(
            html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self';"),
            "{path} has no policy"
        );
        let mut rest = html.as_str();
        while let Some(i) = rest.find("<script") {
            let tag = &rest[i..i + rest[i..].find('>').expect("tag ends")];
            assert!(tag.contains(" src=\""), "{path}: inline script {tag}");
            rest = &rest[i + tag.len()..];
        }
    }
    assert!(out.join("theme/early.js").is_file());
}
