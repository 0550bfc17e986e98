//! `serve` keeps what it read, parsed and rendered between rebuilds. These tests change one thing
//! at a time and check that every page that depends on it changes with it, and nothing stale is
//! kept: the cache is only a shortcut to the same site a fresh build makes.

mod common;

use common::{NOW, TempSite};
use gongkai::diag::Diagnostic;
use gongkai::pipeline::build::{Cache, Options, Outcome, prepare_in_memory};
use gongkai::pipeline::render::Prepared;

fn options(site: &TempSite) -> Options {
    Options {
        root: site.root(),
        output: None,
        now: Some(NOW.to_string()),
        drafts: false,
        base_url: None,
    }
}

fn prepare(site: &TempSite, cache: &mut Cache) -> Result<Prepared, Vec<Diagnostic>> {
    match prepare_in_memory(&options(site), cache) {
        Ok((prepared, _warnings)) => Ok(prepared),
        Err(Outcome::Failed(diags)) => Err(diags),
        Err(_) => panic!("unexpected outcome"),
    }
}

/// The diagnostics of a build that must fail.
fn errors(site: &TempSite, cache: &mut Cache, why: &str) -> Vec<Diagnostic> {
    match prepare(site, cache) {
        Ok(_) => panic!("the build should fail: {why}"),
        Err(diags) => diags,
    }
}

fn page(prepared: &Prepared, out: &str) -> String {
    let job = prepared.job(out).unwrap_or_else(|| panic!("no page {out}"));
    let html = prepared.render(job).expect("renders");
    String::from_utf8(html).expect("utf-8")
}

/// The same site built from scratch, for comparison.
fn fresh(site: &TempSite, out: &str) -> String {
    page(&prepare(site, &mut Cache::default()).expect("builds"), out)
}

const MEETING: &str = "meetings/2026-10-lianxi/index.html";
const MEETING_FILE: &str = "content/meetings/2026-10-lianxi.md";

#[test]
fn an_edited_record_is_read_again_and_the_others_are_unchanged() {
    let site = TempSite::from_fixture("community");
    let mut cache = Cache::default();
    let first = prepare(&site, &mut cache).expect("builds");
    let about_before = page(&first, "about/index.html");
    assert!(page(&first, MEETING).contains("和平路南段环境整治"));

    site.edit(MEETING_FILE, |t| format!("{t}\n会后补记：路灯已报修。\n"));
    let second = prepare(&site, &mut cache).expect("builds");
    let meeting = page(&second, MEETING);
    assert!(meeting.contains("会后补记：路灯已报修。"), "{meeting}");
    assert_eq!(meeting, fresh(&site, MEETING));
    assert_eq!(page(&second, "about/index.html"), about_before);

    // A title change reaches the lists that show the record, not only its own page.
    site.edit(MEETING_FILE, |t| {
        t.replace("title: 10月党建联席会议", "title: 十月联席会议")
    });
    let third = prepare(&site, &mut cache).expect("builds");
    assert!(page(&third, "meetings/index.html").contains("十月联席会议"));
    assert!(page(&third, "org/zongzhi/index.html").contains("十月联席会议"));
}

#[test]
fn a_configuration_change_reaches_records_that_did_not_change() {
    let site = TempSite::from_fixture("community");
    let mut cache = Cache::default();
    prepare(&site, &mut cache).expect("builds");
    let original = site.read("site.yaml");

    // Removing an organisation unit makes the unchanged record that names it an error.
    site.edit("site.yaml", |t| {
        t.replace("      - id: grid-2\n        name: 第二网格党支部\n", "")
    });
    let diags = errors(&site, &mut cache, "grid-2 is gone");
    assert!(
        diags
            .iter()
            .any(|d| d.file == "content/meetings/2026-09-dangri.md"),
        "{diags:?}"
    );

    // Renaming one shows on the unchanged pages of its records.
    site.write(
        "site.yaml",
        &original.replace("name: 和平里社区党总支", "name: 和平里社区党委"),
    );
    let renamed = prepare(&site, &mut cache).expect("builds again");
    assert!(page(&renamed, MEETING).contains("和平里社区党委"));
    assert_eq!(page(&renamed, MEETING), fresh(&site, MEETING));
}

#[test]
fn a_new_holiday_moves_an_unchanged_working_day_period() {
    let site = TempSite::from_fixture("community");
    let mut cache = Cache::default();
    let out = "notices/n-tiaoxiu/index.html";
    let before = page(&prepare(&site, &mut cache).expect("builds"), out);

    // 10-09, the second day of its period, becomes a day off.
    site.write(
        "holidays.yaml",
        "2026:\n  holidays: [2026-10-09]\n  workdays: [2026-10-10]\n",
    );
    let after = page(&prepare(&site, &mut cache).expect("builds"), out);
    assert_ne!(after, before, "the period's end moved");
    assert_eq!(after, fresh(&site, out));
}

#[test]
fn links_follow_records_that_appear_and_disappear() {
    let site = TempSite::from_fixture("community");
    let mut cache = Cache::default();
    site.write(
        "content/notices/n-link.md",
        "---\ntitle: 引用另一条公告\ndate: 2026-11-01\nkind: notification\n---\n\n详见[补充说明](n-later.md)。\n",
    );
    let diags = errors(&site, &mut cache, "the link is broken");
    assert!(
        diags
            .iter()
            .any(|d| d.code == "E-LINK" && d.file == "content/notices/n-link.md"),
        "{diags:?}"
    );

    // The linking file is untouched; the link resolves once its target exists.
    site.write(
        "content/notices/n-later.md",
        "---\ntitle: 补充说明\ndate: 2026-11-02\nkind: notification\n---\n\n补充的内容。\n",
    );
    let linked = prepare(&site, &mut cache).expect("builds");
    assert!(page(&linked, "notices/n-link/index.html").contains("href=\"/notices/n-later/\""));

    // And breaks again when the target goes.
    site.remove("content/notices/n-later.md");
    let diags = errors(&site, &mut cache, "broken again");
    assert!(diags.iter().any(|d| d.code == "E-LINK"), "{diags:?}");
}

#[test]
fn a_photo_replaced_under_its_name_gives_its_new_size() {
    let site = TempSite::from_fixture("images/site");
    let bundle = "content/meetings/2026-11-yishihui";
    let page_path = "meetings/2026-11-yishihui/index.html";
    let mut cache = Cache::default();
    let first = prepare(&site, &mut cache).expect("builds");
    assert!(page(&first, page_path).contains("width=\"400\" height=\"300\" alt=\"小图\""));

    // small.webp becomes the 160×120 GIF's size: the body is rendered again.
    let smaller = std::fs::read(site.path(&format!("{bundle}/anim.gif"))).expect("read");
    let mut webp = Vec::new();
    image::load_from_memory(&smaller)
        .expect("decodes")
        .write_to(
            &mut std::io::Cursor::new(&mut webp),
            image::ImageFormat::WebP,
        )
        .expect("encodes");
    site.write_bytes(&format!("{bundle}/small.webp"), &webp);
    let second = prepare(&site, &mut cache).expect("builds");
    let html = page(&second, page_path);
    assert!(
        html.contains("width=\"160\" height=\"120\" alt=\"小图\""),
        "{html}"
    );
    assert_eq!(html, fresh(&site, page_path));
}
