//! Open data under `/data/`: the same facts the pages show, for tools (output.md's exports table).
//! Redacted records are left out entirely (content.md §2: nothing in exports).

use super::{Data, Files};
use crate::pipeline::derive::{Entry, Site, round4};
use crate::pipeline::model::Body;
use serde::Serialize;
use serde_json::{Value, json};

fn date_desc(site: &Site, pred: impl Fn(&Entry) -> bool) -> Vec<usize> {
    let mut v: Vec<usize> = (0..site.entries.len())
        .filter(|&i| !site.entries[i].redacted && pred(&site.entries[i]))
        .collect();
    v.sort_by(|&a, &b| {
        let (ea, eb) = (&site.entries[a], &site.entries[b]);
        eb.rec
            .date()
            .cmp(&ea.rec.date())
            .then_with(|| ea.slug.cmp(&eb.slug))
    });
    v
}

/// A record as its page shows it (`Prepared::full_of`): made on each call.
pub type Records<'a> = dyn Fn(usize) -> Value + Sync + 'a;

fn problem_id(site: &Site, i: usize) -> Option<&str> {
    site.entries[i].as_problem().map(|p| p.id.as_str())
}

fn json_file(value: &impl Serialize) -> Data {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    Data::Bytes(bytes)
}

/// A JSON array of records, made and written one record at a time: a 10,000-record export is
/// never held as one `Value` (several times the size of its text) beside the pages being built.
/// One record a line, each compact: a reader or `grep` still sees a record at a time, without
/// the indentation that made a third of the text of the pretty-printed exports.
fn json_list(order: Vec<usize>, item: impl Fn(usize) -> Value) -> Data {
    Data::Bytes(json_lines(order.into_iter().map(item)))
}

/// `items` as a JSON array of one compact item a line (an empty array is `[]`).
pub fn json_lines<T: Serialize>(items: impl Iterator<Item = T>) -> Vec<u8> {
    let mut out = b"[".to_vec();
    let mut first = true;
    for v in items {
        out.extend_from_slice(if first { b"\n" } else { b",\n" });
        first = false;
        if serde_json::to_writer(&mut out, &v).is_err() {
            out.extend_from_slice(b"null");
        }
    }
    out.extend_from_slice(if first { b"]\n" } else { b"\n]\n" });
    out
}

pub fn notices(site: &Site, records: &Records) -> Data {
    json_list(date_desc(site, |e| e.as_notice().is_some()), |i| {
        let c = &records(i);
        json!({
            "slug": c["slug"], "url": c["permalink"], "title": c["title"], "kind": c["kind"], "kind_label": c["kind_label"],
            "category": c["category"], "date": c["date"],
            "publicity": c["publicity"].as_object().map(|p| json!({"start": p["start"], "end": p["end"], "working_days": p["working_days"]})),
            "status": c["status"], "status_label": c["status_label"], "days_left": c["days_left"],
            "contact": c["contact"], "series": c["series"], "round": c["round"], "withdrawn": c["withdrawn"],
            "tags": c["tags"].as_array().map(|t| t.iter().map(|x| x["name"].clone()).collect::<Vec<_>>()),
            "org": c["org"]["id"],
        })
    })
}

pub fn meetings(site: &Site, records: &Records) -> Data {
    json_list(
        date_desc(site, |e| matches!(e.rec.body, Body::Meeting(_))),
        |i| {
            let c = &records(i);
            let mut problems: Vec<Value> = site
                .meeting_problems
                .get(&i)
                .map(|v| {
                    v.iter()
                        .filter(|&&p| !site.entries[p].redacted)
                        .map(|&p| json!(problem_id(site, p)))
                        .collect()
                })
                .unwrap_or_default();
            problems.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            json!({
                "slug": c["slug"], "url": c["permalink"], "title": c["title"], "kind": c["kind"], "date": c["date"],
                "datetime": site.entries[i].rec.common.date.and_then(|d| d.instant).map(|t| t.to_string()),
                "theme": c["theme"], "location": c["location"], "host": c["host"], "recorder": c["recorder"],
                "attendance": c["attendance"].as_object().map(|a| json!({"expected": a["expected"], "present": a["present"], "on_leave": a["on_leave"]})),
                "participants": c["participants"], "decisions": c["decisions"], "problems": problems,
                "org": c["org"]["id"],
            })
        },
    )
}

pub fn problems(site: &Site, records: &Records) -> Data {
    let mut idx: Vec<usize> = (0..site.entries.len())
        .filter(|&i| !site.entries[i].redacted && site.entries[i].as_problem().is_some())
        .collect();
    idx.sort_by(|&a, &b| problem_id(site, a).cmp(&problem_id(site, b)));
    json_list(idx, |i| {
        let c = &records(i);
        let meeting = site
            .problem_meeting
            .get(&i)
            .map(|&m| site.entries[m].slug.clone());
        json!({
            "id": c["id"], "url": c["permalink"], "title": c["title"], "date": c["date"], "source": c["source"],
            "org": c["org"]["id"], "meeting": meeting, "location": c["location"],
            "responsible": c["responsible"], "measures": c["measures"], "deadline": c["deadline"],
            "status": c["status"], "status_label": c["status_label"], "closed": c["closed"],
            "overdue": c["overdue"], "days_overdue": c["days_overdue"], "progress": c["progress"], "echo": c["echo"],
            "on_time": c["on_time"], "satisfaction": c["satisfaction"],
        })
    })
}

pub fn services(site: &Site, records: &Records) -> Data {
    json_list(
        date_desc(site, |e| matches!(e.rec.body, Body::Service(_))),
        |i| {
            let c = &records(i);
            let items: Vec<Value> = c["items"]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .map(|it| {
                            let mut it = it.clone();
                            it["org"] = it["org"]["id"].clone();
                            if let Some(b) = it["budget"].as_f64() {
                                it["budget"] = json!(round4(b));
                            }
                            it
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "slug": c["slug"], "url": c["permalink"], "title": c["title"], "kind": c["kind"], "kind_label": c["kind_label"],
                "date": c["date"], "provider": c["provider"], "org": c["org"]["id"], "items": items,
            })
        },
    )
}

pub fn add_exports(site: &Site, records: &Records, files: &mut Files) {
    files.insert("data/notices.json".into(), notices(site, records));
    files.insert("data/meetings.json".into(), meetings(site, records));
    files.insert("data/problems.json".into(), problems(site, records));
    files.insert("data/services.json".into(), services(site, records));
    files.insert("data/stats.json".into(), json_file(&json!(site.stats)));
    files.insert(
        "data/catalogue.json".into(),
        // Through a map, whose keys are in order, as every export's are.
        json_file(&super::views::to_value(super::accountability::catalogue(
            site,
            super::accountability::For::Export,
        ))),
    );
    for (i, r) in site.reports.iter().enumerate() {
        files.insert(
            format!("data/report-{}.json", r.year),
            json_file(&super::views::to_value(super::accountability::report(
                site, i,
            ))),
        );
    }
}
