//! What the ledger shows residents: each record's versions with what changed (fields by their
//! Chinese names, the body's changed passages), `/changes/`, the pages of records taken down, and
//! `data/ledger.json`, from which anyone can recheck the chain.
//!
//! Stored texts are published only through the passages and values shown here, and only for
//! records whose details are still published: a redacted record's history keeps its dates, an
//! unlisted record's history is not published at all. Personal numbers in old versions are
//! masked (and warned about): a version recorded before a number was noticed must not publish it.

use super::{Action, Ledger, LedgerEntry};
use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::pipeline::derive::Site;
use crate::pipeline::load::split_front_matter;
use crate::pipeline::model::Body;
use crate::privacy::{self, PiiKind};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A field that changed between two versions.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldChange {
    pub key: String,
    pub label: String,
    /// The value's text as written (lists joined with `；`); empty when the field was absent.
    pub before: String,
    pub after: String,
}

/// A run of the body that changed: the paragraphs taken out and those put in their place.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Passage {
    pub removed: Vec<String>,
    pub added: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub version: u32,
    /// The day it was recorded (`YYYY-MM-DD`) and the full time.
    pub date: String,
    pub time: String,
    pub action: Action,
    pub action_label: &'static str,
    /// The first 8 hex digits of the version's SHA-256: printed on paper, checkable online.
    pub code: String,
    pub sha256: String,
    pub fields: Vec<FieldChange>,
    pub passages: Vec<Passage>,
    /// Attachments added, removed or replaced, by file name.
    pub attachments_changed: Vec<String>,
}

/// A record page's `record.ledger`.
#[derive(Debug, Clone, Serialize)]
pub struct RecordHistory {
    /// 第N版 of what is recorded last.
    pub version: u32,
    pub code: String,
    pub first_published: String,
    pub last_changed: String,
    /// A 公示 changed after its period began: the day of the latest such change.
    pub changed_during_period: Option<String>,
    /// Oldest first.
    pub versions: Vec<VersionView>,
}

/// A record taken down after publication: its page keeps its title and dates.
#[derive(Debug, Clone, Serialize)]
pub struct Tombstone {
    pub path: String,
    pub url: String,
    pub title: String,
    pub first_published: String,
    pub removed_on: String,
    pub version: u32,
}

/// One line of `/changes/` and its feed.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub seq: u64,
    pub date: String,
    pub time: String,
    pub url: String,
    pub title: String,
    pub version: u32,
    pub action: Action,
    pub action_label: &'static str,
    pub code: String,
    /// The Chinese names of the fields that changed, and 正文 when the body did.
    pub changed: Vec<String>,
}

/// Everything the ledger adds to a build.
#[derive(Debug, Default)]
pub struct SiteHistory {
    /// The site keeps a ledger (it has been published with `gongkai publish`).
    pub kept: bool,
    /// Record file (`content/…`) → its history.
    pub records: HashMap<String, RecordHistory>,
    /// Newest first.
    pub changes: Vec<ChangeRow>,
    pub tombstones: Vec<Tombstone>,
    /// `data/ledger.json`.
    pub export: Value,
}

impl SiteHistory {
    pub fn of(&self, path: &str) -> Option<&RecordHistory> {
        self.records.get(path)
    }
}

/// The Chinese name of a front-matter key, as content.md calls it.
pub fn field_label(key: &str, body: &Body) -> String {
    let label = match (key, body) {
        ("kind", Body::Meeting(_)) => "会议类型",
        ("kind", Body::Notice(_)) => "公开类型",
        ("kind", Body::Service(_)) => "清单类型",
        ("kind", _) => "类型",
        ("title", _) => "标题",
        ("date", Body::Meeting(_)) => "会议日期",
        ("date", Body::Problem(_)) => "上墙日期",
        ("date", _) => "日期",
        ("updated", _) => "更新日期",
        ("slug", _) => "网址",
        ("summary", _) => "摘要",
        ("tags", _) => "标签",
        ("org", _) => "所属组织",
        ("draft", _) => "草稿",
        ("attachments", _) => "附件",
        ("approval", _) => "审核审批",
        ("expires", _) => "到期日",
        ("after_expiry", _) => "到期后处理",
        ("privacy_allow", _) => "个人信息例外",
        ("extra", _) => "其他信息",
        ("theme", _) => "会议主题",
        ("location", _) => "地点",
        ("host", _) => "主持人",
        ("recorder", _) => "记录人",
        ("attendance", _) => "出席情况",
        ("participants", _) => "参会单位",
        ("decisions", _) => "议定事项",
        ("category", _) => "类别",
        ("publicity", _) => "公示期",
        ("contact", _) => "意见反馈联系方式",
        ("series", _) => "系列",
        ("round", _) => "轮次",
        ("withdrawn", _) => "撤回",
        ("id", _) => "编号",
        ("source", _) => "来源",
        ("meeting", _) => "提出问题的会议",
        ("responsible", _) => "责任主体",
        ("measures", _) => "整改措施",
        ("deadline", _) => "完成时限",
        ("status", _) => "办理状态",
        ("progress", _) => "办理进展",
        ("echo", _) => "回音壁结果",
        ("provider", _) => "提供方",
        ("items", _) => "清单条目",
        ("items_from", _) => "清单表格",
        _ => return key.to_string(),
    };
    label.to_string()
}

/// A top-level key of a front matter with its value's text: the rest of its line, and the lines
/// below it (a nested map or a list), in the order written.
struct Field {
    key: String,
    inline: String,
    block: Vec<String>,
}

impl Field {
    /// The whole value as one line of text (lists joined with `；`).
    fn text(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if !self.inline.is_empty() {
            parts.push(&self.inline);
        }
        parts.extend(
            self.block
                .iter()
                .map(|l| l.trim().trim_start_matches("- ").trim()),
        );
        parts.join("；")
    }

    /// A nested map written one `key: value` a line: its entries.
    fn map(&self) -> Option<Vec<(&str, &str)>> {
        if !self.inline.is_empty() || self.block.is_empty() {
            return None;
        }
        let indent = |l: &str| l.len() - l.trim_start().len();
        let first = indent(&self.block[0]);
        self.block
            .iter()
            .map(|l| {
                let t = l.trim();
                if indent(l) != first || t.starts_with('-') {
                    return None;
                }
                t.split_once(':').map(|(k, v)| (k.trim(), v.trim()))
            })
            .collect()
    }
}

fn fields_of(front: &str) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    for line in front.lines() {
        let trimmed = line.trim_end();
        if trimmed.trim_start().starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let top_level = !line.starts_with([' ', '\t', '-']);
        match (top_level, trimmed.split_once(':')) {
            (true, Some((key, rest))) => out.push(Field {
                key: key.trim().trim_matches(['"', '\'']).to_string(),
                inline: rest.trim().to_string(),
                block: Vec::new(),
            }),
            _ => {
                if let Some(field) = out.last_mut() {
                    field.block.push(trimmed.to_string());
                }
            }
        }
    }
    out
}

/// The Chinese name of a key inside a map field (`contact.name`, `publicity.start` …).
fn sub_label(key: &str) -> &str {
    match key {
        "name" => "联系人",
        "phone" => "电话",
        "address" => "地址",
        "email" => "邮箱",
        "start" => "开始日期",
        "end" => "结束日期",
        "working_days" => "工作日数",
        "unit" => "单位",
        "person" => "责任人",
        "expected" => "应到",
        "present" => "实到",
        "on_leave" => "请假",
        "date" => "日期",
        "result" => "结果",
        "reason" => "原因",
        "evaluation" => "评价",
        "reviewed_by" => "审核",
        "approved_by" => "审批",
        "approved_on" => "批准日期",
        other => other,
    }
}

fn field_changes(old: &str, new: &str, body: &Body) -> Vec<FieldChange> {
    let (old, new) = (fields_of(old), fields_of(new));
    let find = |fields: &[Field], k: &str| fields.iter().position(|f| f.key == k);
    let mut keys: Vec<&str> = new.iter().map(|f| f.key.as_str()).collect();
    keys.extend(
        old.iter()
            .map(|f| f.key.as_str())
            .filter(|k| find(&new, k).is_none()),
    );
    let mut out = Vec::new();
    for k in keys {
        let (was, now) = (
            find(&old, k).map(|i| &old[i]),
            find(&new, k).map(|i| &new[i]),
        );
        let label = field_label(k, body);
        // A map on both sides: only the entries that changed, each by its own name.
        if let (Some(a), Some(b)) = (was.and_then(Field::map), now.and_then(Field::map)) {
            let mut subkeys: Vec<&str> = b.iter().map(|(k, _)| *k).collect();
            subkeys.extend(
                a.iter()
                    .map(|(k, _)| *k)
                    .filter(|k| !b.iter().any(|(x, _)| x == k)),
            );
            for sk in subkeys {
                let get = |m: &[(&str, &str)]| {
                    m.iter().find(|(x, _)| *x == sk).map(|(_, v)| v.to_string())
                };
                let (before, after) = (get(&a), get(&b));
                if before != after {
                    out.push(FieldChange {
                        key: format!("{k}.{sk}"),
                        label: format!("{label}·{}", sub_label(sk)),
                        before: before.unwrap_or_default(),
                        after: after.unwrap_or_default(),
                    });
                }
            }
            continue;
        }
        let (before, after) = (was.map(Field::text), now.map(Field::text));
        if before != after {
            out.push(FieldChange {
                key: k.to_string(),
                label,
                before: before.unwrap_or_default(),
                after: after.unwrap_or_default(),
            });
        }
    }
    out
}

/// The body's non-blank lines: a Chinese paragraph is one line, a table row is one line, so a
/// changed name in a 名单 shows as that row alone.
fn paragraphs(body: &str) -> Vec<String> {
    body.lines()
        .map(|p| readable_line(p.trim()))
        .filter(|p| !p.is_empty())
        .collect()
}

/// A table row as a resident reads it (`| 民族 | 汉族 |` → `民族 ｜ 汉族`); other lines as written.
fn readable_line(line: &str) -> String {
    match line.strip_prefix('|').and_then(|l| l.strip_suffix('|')) {
        Some(cells) => cells
            .split('|')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ｜ "),
        None => line.to_string(),
    }
}

/// Longest common subsequence of two line lists; past this many cells it gives up and shows the
/// whole body as replaced (bodies are a few hundred lines; this bounds a hostile one).
const MAX_DIFF_CELLS: usize = 4_000_000;

fn passages(old: &str, new: &str) -> Vec<Passage> {
    let (a, b) = (paragraphs(old), paragraphs(new));
    if a == b {
        return Vec::new();
    }
    if a.len().saturating_mul(b.len()) > MAX_DIFF_CELLS {
        return vec![Passage {
            removed: a,
            added: b,
        }];
    }
    // lcs[i][j]: the LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    let mut current = Passage {
        removed: Vec::new(),
        added: Vec::new(),
    };
    let mut flush = |p: &mut Passage| {
        if !p.removed.is_empty() || !p.added.is_empty() {
            out.push(std::mem::replace(
                p,
                Passage {
                    removed: Vec::new(),
                    added: Vec::new(),
                },
            ));
        }
    };
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            flush(&mut current);
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            current.added.push(b[j].clone());
            j += 1;
        } else {
            current.removed.push(a[i].clone());
            i += 1;
        }
    }
    flush(&mut current);
    out
}

/// Masks the personal numbers a record does not allow, in text taken from a stored version.
fn mask_pii(text: &str, allow: &[PiiKind]) -> (String, Vec<PiiKind>) {
    let hits: Vec<_> = privacy::scan(text)
        .into_iter()
        .filter(|h| !allow.contains(&h.kind))
        .collect();
    if hits.is_empty() {
        return (text.to_string(), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut kinds = Vec::new();
    for h in hits {
        if h.start < at {
            continue;
        }
        out.push_str(&text[at..h.start]);
        out.push_str(&h.masked);
        at = h.end;
        kinds.push(h.kind);
    }
    out.push_str(&text[at..]);
    (out, kinds)
}

fn day_of(time: &str) -> String {
    time.get(..10).unwrap_or(time).to_string()
}

fn short(sha: &str) -> String {
    sha.get(..8).unwrap_or(sha).to_string()
}

/// A stored text split into front matter and body.
fn split(text: &str) -> (String, &str) {
    let (front, offset) = split_front_matter(text);
    (
        front.map(|f| f.text.to_string()).unwrap_or_default(),
        text.get(offset..).unwrap_or_default(),
    )
}

/// Builds the site's history from a verified ledger. `withheld`: record files unlisted after
/// expiry, whose history is not published.
pub fn history(
    ledger: &Ledger,
    site: &Site,
    withheld: &HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> SiteHistory {
    let by_path = ledger.by_path();
    let published: HashMap<String, usize> = site
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (super::record_path(&e.rec), i))
        .collect();
    let taken_urls: HashSet<&str> = site.entries.iter().map(|e| e.url.as_str()).collect();
    let mut out = SiteHistory {
        kept: true,
        ..SiteHistory::default()
    };
    let mut warned: HashSet<&str> = HashSet::new();
    // Per entry index: the fields and body changes, for `/changes/`.
    let mut changed_of: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut paths: Vec<&&str> = by_path.keys().collect();
    paths.sort();
    for path in paths {
        let idx = &by_path[*path];
        if withheld.contains(*path) {
            continue;
        }
        let current = published.get(*path).map(|&i| &site.entries[i]);
        let redacted = current.is_some_and(|e| e.redacted);
        let (body_kind, allow) = match current {
            Some(e) => (&e.rec.body, e.rec.common.privacy_allow.as_slice()),
            None => (&Body::Page, &[][..]),
        };
        let mut versions: Vec<VersionView> = Vec::new();
        let mut previous: Option<&LedgerEntry> = None;
        for &i in idx {
            let entry = &ledger.entries[i];
            if entry.action == Action::Remove {
                changed_of.insert(i, Vec::new());
                continue;
            }
            let mut fields = Vec::new();
            let mut body_passages = Vec::new();
            let mut attachments_changed = Vec::new();
            if let Some(prev) =
                previous.filter(|p| p.sha256 != entry.sha256 || p.attachments != entry.attachments)
            {
                let text = |sha: &str| ledger.texts.get(sha).map_or("", String::as_str);
                let ((old_front, old_body), (new_front, new_body)) =
                    (split(text(&prev.sha256)), split(text(&entry.sha256)));
                fields = field_changes(&old_front, &new_front, body_kind);
                body_passages = passages(old_body, new_body);
                let names = |v: &[super::FileHash]| -> BTreeMap<String, String> {
                    v.iter()
                        .map(|a| (a.file.clone(), a.sha256.clone()))
                        .collect()
                };
                let (was, now) = (names(&prev.attachments), names(&entry.attachments));
                for f in was
                    .keys()
                    .chain(now.keys().filter(|k| !was.contains_key(*k)))
                {
                    if was.get(f) != now.get(f) {
                        let name = f.rsplit('/').next().unwrap_or(f);
                        attachments_changed.push(name.to_string());
                    }
                }
            }
            let mut changed: Vec<String> = fields.iter().map(|f| f.label.clone()).collect();
            if !body_passages.is_empty() {
                changed.push("正文".into());
            }
            if !attachments_changed.is_empty() && !changed.iter().any(|c| c == "附件") {
                changed.push("附件".into());
            }
            changed_of.insert(i, changed);
            if redacted {
                fields.clear();
                body_passages.clear();
                attachments_changed.clear();
            } else {
                // Old versions may hold a number that was later taken out: mask it.
                let mut found: Vec<PiiKind> = Vec::new();
                let mut mask = |s: &mut String| {
                    let (masked, kinds) = mask_pii(s, allow);
                    *s = masked;
                    found.extend(kinds);
                };
                for f in &mut fields {
                    mask(&mut f.before);
                    mask(&mut f.after);
                }
                for p in &mut body_passages {
                    p.removed.iter_mut().for_each(&mut mask);
                    p.added.iter_mut().for_each(&mut mask);
                }
                if let Some(kind) = found.first()
                    && warned.insert(prev_sha(previous, entry))
                {
                    let rel = format!("{}/{}.md", super::VERSIONS, prev_sha(previous, entry));
                    diags.push(SourceFile::new(rel, "").warning(
                        "W-LEDGER-PII",
                        Pos::START,
                        format!(
                            "{} 的旧版本里有{}，修改记录里已遮盖显示",
                            entry.path,
                            kind.label()
                        ),
                        "台账不能改动；确认现在的记录里已经没有这个号码即可",
                    ));
                }
            }
            versions.push(VersionView {
                version: entry.version,
                date: day_of(&entry.time),
                time: entry.time.clone(),
                action: entry.action,
                action_label: entry.action.label(),
                code: short(&entry.sha256),
                sha256: entry.sha256.clone(),
                fields,
                passages: body_passages,
                attachments_changed,
            });
            previous = Some(entry);
        }
        let last = &ledger.entries[idx[idx.len() - 1]];
        let first_published = versions.first().map(|v| v.date.clone()).unwrap_or_default();
        match current {
            Some(e) => {
                let Some(latest) = versions.last() else {
                    continue;
                };
                let changed_during_period = e
                    .as_notice()
                    .filter(|_| e.notice.status.is_some())
                    .and_then(|n| n.publicity.as_ref())
                    .and_then(|p| {
                        versions
                            .iter()
                            .skip(1)
                            .filter(|v| v.date.as_str() >= p.start.to_string().as_str())
                            .map(|v| v.date.clone())
                            .next_back()
                    });
                out.records.insert(
                    path.to_string(),
                    RecordHistory {
                        version: latest.version,
                        code: latest.code.clone(),
                        first_published,
                        last_changed: latest.date.clone(),
                        changed_during_period,
                        versions,
                    },
                );
            }
            None if last.action == Action::Remove && !taken_urls.contains(last.url.as_str()) => {
                out.tombstones.push(Tombstone {
                    path: path.to_string(),
                    url: last.url.clone(),
                    title: last.title.clone(),
                    first_published,
                    removed_on: day_of(&last.time),
                    version: last.version,
                });
            }
            None => {}
        }
    }
    for (i, changed) in changed_of.into_iter().rev() {
        let e = &ledger.entries[i];
        out.changes.push(ChangeRow {
            seq: e.seq,
            date: day_of(&e.time),
            time: e.time.clone(),
            url: e.url.clone(),
            title: e.title.clone(),
            version: e.version,
            action: e.action,
            action_label: e.action.label(),
            code: short(&e.sha256),
            changed,
        });
    }
    out.export = export(ledger, withheld);
    out
}

fn prev_sha<'a>(previous: Option<&'a LedgerEntry>, entry: &'a LedgerEntry) -> &'a str {
    previous.map_or(entry.sha256.as_str(), |p| p.sha256.as_str())
}

/// `data/ledger.json`: every line as written with its hash, so that the chain can be rechecked
/// with `sha256sum`; the lines of unlisted records are withheld, their hashes kept.
fn export(ledger: &Ledger, withheld: &HashSet<String>) -> Value {
    let entries: Vec<Value> = ledger
        .entries
        .iter()
        .zip(&ledger.lines)
        .zip(&ledger.hashes)
        .map(|((e, line), hash)| {
            if withheld.contains(&e.path) {
                json!({"seq": e.seq, "hash": hash, "withheld": true})
            } else {
                json!({"seq": e.seq, "hash": hash, "line": line})
            }
        })
        .collect();
    json!({
        "algorithm": "sha256",
        "genesis": super::GENESIS,
        "head": ledger.head(),
        "count": ledger.entries.len(),
        "entries": entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_reads_top_level_keys_with_their_blocks() {
        let front = "title: 甲\n# 注释\nmeasures:\n  - 一\n  - 二\npublicity: {start: 2026-11-01, end: 2026-11-07}\n";
        let fields: Vec<(String, String)> = fields_of(front)
            .iter()
            .map(|f| (f.key.clone(), f.text()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("title".to_string(), "甲".to_string()),
                ("measures".to_string(), "一；二".to_string()),
                (
                    "publicity".to_string(),
                    "{start: 2026-11-01, end: 2026-11-07}".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_changed_map_names_only_the_entries_that_changed() {
        let old = "contact:\n  name: 张建国\n  phone: 021-5555-1201\n";
        let new = "contact:\n  name: 李建国\n  phone: 021-5555-1201\n";
        let notice = Body::Page;
        assert_eq!(
            field_changes(old, new, &notice),
            vec![FieldChange {
                key: "contact.name".into(),
                label: "意见反馈联系方式·联系人".into(),
                before: "张建国".into(),
                after: "李建国".into()
            }]
        );
    }

    #[test]
    fn field_changes_name_fields_in_chinese_and_keep_both_values() {
        let changes = field_changes(
            "title: 甲\ndeadline: 2026-11-30\n",
            "title: 甲\ndeadline: 2026-12-31\nsource: 居民反映\n",
            &Body::Page,
        );
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    key: "deadline".into(),
                    label: "完成时限".into(),
                    before: "2026-11-30".into(),
                    after: "2026-12-31".into()
                },
                FieldChange {
                    key: "source".into(),
                    label: "来源".into(),
                    before: "".into(),
                    after: "居民反映".into()
                },
            ]
        );
    }

    #[test]
    fn passages_show_only_the_changed_paragraphs() {
        let old = "第一段。\n\n| 张三 | 低保 |\n| 王五 | 低保 |\n\n第三段。\n";
        let new = "第一段。\n\n| 李四 | 低保 |\n| 王五 | 低保 |\n\n第三段。\n\n补充说明。\n";
        assert_eq!(
            passages(old, new),
            vec![
                Passage {
                    removed: vec!["张三 ｜ 低保".into()],
                    added: vec!["李四 ｜ 低保".into()]
                },
                Passage {
                    removed: vec![],
                    added: vec!["补充说明。".into()]
                },
            ]
        );
        assert!(passages(old, old).is_empty());
    }

    #[test]
    fn personal_numbers_in_old_text_are_masked() {
        let (masked, kinds) = mask_pii("联系 13812345678 办理", &[]);
        assert!(!masked.contains("13812345678"), "{masked}");
        assert!(masked.starts_with("联系 ") && masked.ends_with(" 办理"));
        assert_eq!(kinds, vec![PiiKind::Mobile]);
        let (kept, none) = mask_pii("联系 13812345678", &[PiiKind::Mobile]);
        assert_eq!(kept, "联系 13812345678");
        assert!(none.is_empty());
    }
}
