//! The publication ledger (content.md §7): every published version of every record, in a chain
//! of SHA-256 hashes that makes a quiet rewrite of history show.
//!
//! On disk, at the site root, and diff-friendly so that a site kept in Git reviews cleanly:
//!
//! ```text
//! ledger/ledger.jsonl          one JSON object a line, one line a version (or a removal)
//! ledger/versions/SHA256.md    the text of each recorded version, named by its own hash
//! ```
//!
//! Each line's `prev` is the SHA-256 of the previous line's exact bytes (without its newline);
//! the first line's is 64 zeros. `sha256sum` recomputes both: a line's hash, and a stored text's
//! name. An edited, reordered or removed line breaks the chain at the first entry after it.
//!
//! Only `gongkai publish` writes here ([`append`]); `build` and `check` only [`read`] it.

pub mod history;

use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::digest::sha256_hex;
use crate::pipeline::derive::{Entry, Site};
use crate::pipeline::load::Loaded;
use crate::pipeline::model::{AssetPath, Record, resolve_asset};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const DIR: &str = "ledger";
pub const FILE: &str = "ledger/ledger.jsonl";
const VERSIONS: &str = "ledger/versions";
const LOCK: &str = "ledger/.lock";
/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// First published.
    New,
    /// A new version of a record published before (also one published again after removal).
    Change,
    /// No longer published: the file was removed, or made a draft, or held back by approval.
    Remove,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::New => "首次发布",
            Action::Change => "修改",
            Action::Remove => "撤下",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileHash {
    /// Relative to the site root (`content/notices/a/名单.pdf`, `static/files/x.pdf`).
    pub file: String,
    pub sha256: String,
}

/// One line of `ledger.jsonl`. Field order is the order written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    /// 1-based position in the ledger.
    pub seq: u64,
    /// SHA-256 of the previous line's bytes; [`GENESIS`] for the first.
    pub prev: String,
    /// When `publish` recorded it (its `--now`), RFC 3339 in the site's time zone.
    pub time: String,
    pub action: Action,
    /// The record's file, relative to the site root (`content/notices/a.md`).
    pub path: String,
    pub url: String,
    pub title: String,
    /// 第N版: the number of this version (a removal keeps the last one's).
    pub version: u32,
    /// SHA-256 of the record's file; its text is `ledger/versions/SHA256.md`.
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<FileHash>,
}

/// A ledger read and verified.
#[derive(Debug, Default)]
pub struct Ledger {
    pub entries: Vec<LedgerEntry>,
    /// Each entry's line as it stands in the file.
    pub lines: Vec<String>,
    /// SHA-256 of each line: the next entry's `prev`.
    pub hashes: Vec<String>,
    /// The stored text of each recorded version, by its SHA-256: read and checked once, by `read`.
    pub texts: HashMap<String, String>,
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Ledger {
    pub fn head(&self) -> &str {
        self.hashes.last().map_or(GENESIS, String::as_str)
    }

    /// Per record file, the indices of its entries in order.
    pub fn by_path(&self) -> HashMap<&str, Vec<usize>> {
        let mut map: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            map.entry(e.path.as_str()).or_default().push(i);
        }
        map
    }

    /// The stored text of a version, read from `ledger/versions/`, if it is there unaltered.
    pub fn stored_text(root: &Path, sha256: &str) -> Option<String> {
        if !is_hash(sha256) {
            return None;
        }
        let bytes = std::fs::read(root.join(VERSIONS).join(format!("{sha256}.md"))).ok()?;
        (sha256_hex(&bytes) == sha256)
            .then(|| String::from_utf8(bytes).ok())
            .flatten()
    }
}

/// Reads and verifies the ledger. `Ok(None)`: the site keeps no ledger (nothing was ever
/// published with `gongkai publish`). `Err`: the first entry that breaks the chain, as one error.
pub fn read(root: &Path) -> Result<Option<Ledger>, Box<Diagnostic>> {
    let text = match std::fs::read(root.join(FILE)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return Err(Box::new(SourceFile::new(FILE, "").error(
                    "E-LEDGER-BROKEN",
                    Pos::START,
                    "发布台账 ledger/ledger.jsonl 不是 UTF-8 文本，已被改动",
                    "台账只能由 gongkai publish 写入：用版本库（如 Git）恢复原来的 ledger/ 目录",
                )));
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) => {
            return Err(Box::new(SourceFile::new(FILE, "").error(
                "E-LEDGER-BROKEN",
                Pos::START,
                "读不了发布台账 ledger/ledger.jsonl",
                "检查文件的读取权限",
            )));
        }
    };
    let source = SourceFile::new(FILE, text.as_str());
    let mut ledger = Ledger::default();
    // Per record file: its last version number, and whether it was last removed.
    let mut history: HashMap<String, (u32, bool)> = HashMap::new();
    for (i, line) in text.split_terminator('\n').enumerate() {
        let n = i + 1;
        let at = Pos::new(u32::try_from(n).unwrap_or(u32::MAX), 1);
        let broken = |what: String| {
            Box::new(source.error(
                "E-LEDGER-BROKEN",
                at,
                format!("发布台账第 {n} 条{what}：台账被改动过，这一条之后的历史不能再信任"),
                "台账只能由 gongkai publish 追加，不能手工修改、删除或调换：用版本库（如 Git）恢复原来的 ledger/ 目录",
            ))
        };
        let entry: LedgerEntry = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(_) => return Err(broken("读不出来（不是一条完整的台账记录）".into())),
        };
        if entry.seq != n as u64 {
            return Err(broken(format!(
                "的序号是 {}，应为 {n}（有条目被删除或调换了顺序）",
                entry.seq
            )));
        }
        if n == 1 && entry.prev != GENESIS {
            return Err(broken("的上一条哈希应为 64 个 0（它是第一条）".into()));
        }
        if entry.prev != ledger.head() {
            // The entry before is the one that no longer hashes to what this one recorded.
            let before = n - 1;
            return Err(Box::new(source.error(
                "E-LEDGER-BROKEN",
                Pos::new(u32::try_from(before).unwrap_or(u32::MAX), 1),
                format!(
                    "发布台账第 {before} 条的内容与第 {n} 条记下的哈希对不上：第 {before} 条被改动过，这一条起的历史不能再信任"
                ),
                "台账只能由 gongkai publish 追加，不能手工修改、删除或调换：用版本库（如 Git）恢复原来的 ledger/ 目录",
            )));
        }
        if !is_hash(&entry.sha256) || entry.attachments.iter().any(|a| !is_hash(&a.sha256)) {
            return Err(broken("的哈希值不是 64 位十六进制数".into()));
        }
        let (last, was_removed) = history.get(&entry.path).copied().unwrap_or((0, false));
        let expected = match entry.action {
            Action::New if last == 0 => 1,
            Action::Change if last > 0 => last + 1,
            Action::Remove if last > 0 && !was_removed => last,
            _ => 0,
        };
        if expected == 0 || entry.version != expected {
            return Err(broken(format!(
                "（{} 第 {} 版，{}）与这条记录之前的历史不符",
                entry.path,
                entry.version,
                entry.action.label()
            )));
        }
        if entry.action != Action::Remove && !ledger.texts.contains_key(&entry.sha256) {
            let Some(text) = Ledger::stored_text(root, &entry.sha256) else {
                return Err(broken(format!(
                    "存档的文本 ledger/versions/{}.md 缺失或被改动",
                    entry.sha256
                )));
            };
            ledger.texts.insert(entry.sha256.clone(), text);
        }
        history.insert(
            entry.path.clone(),
            (expected, entry.action == Action::Remove),
        );
        ledger.hashes.push(sha256_hex(line.as_bytes()));
        ledger.lines.push(line.to_string());
        ledger.entries.push(entry);
    }
    Ok(Some(ledger))
}

/// What a published record is now: its file's hash and its attachments'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordState {
    pub sha256: String,
    pub attachments: Vec<FileHash>,
}

/// The record's path relative to the site root, as the ledger names it.
pub fn record_path(r: &Record) -> String {
    format!("content/{}", r.file.rel)
}

pub fn state_of(root: &Path, loaded: &Loaded, r: &Record) -> RecordState {
    let mut attachments: Vec<FileHash> = r
        .common
        .attachments
        .iter()
        .filter_map(|a| {
            let rel = match resolve_asset(&r.file, &a.file, loaded).ok()? {
                AssetPath::Content(p) => format!("content/{p}"),
                AssetPath::Static(p) => format!("static/{p}"),
            };
            let bytes = std::fs::read(root.join(&rel)).ok()?;
            Some(FileHash {
                file: rel,
                sha256: sha256_hex(&bytes),
            })
        })
        .collect();
    attachments.sort_by(|a, b| a.file.cmp(&b.file));
    attachments.dedup();
    RecordState {
        sha256: sha256_hex(r.file.source.text.as_bytes()),
        attachments,
    }
}

/// Whether the record's file or attachments differ from its last recorded version (or it was
/// never recorded, or was recorded as removed).
pub fn is_unrecorded(ledger: &Ledger, entries: &[usize], state: &RecordState) -> bool {
    match entries.last().map(|&i| &ledger.entries[i]) {
        Some(last) => {
            last.action == Action::Remove
                || last.sha256 != state.sha256
                || last.attachments != state.attachments
        }
        None => true,
    }
}

/// Warnings for published records whose current file was never recorded by `publish`.
pub fn unrecorded_warnings(
    ledger: &Ledger,
    site: &Site,
    states: &[RecordState],
) -> Vec<Diagnostic> {
    let by_path = ledger.by_path();
    site.entries
        .iter()
        .zip(states)
        .filter_map(|(e, state)| {
            let path = record_path(&e.rec);
            let entries = by_path.get(path.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            if !is_unrecorded(ledger, entries, state) {
                return None;
            }
            let (message, help) = if entries.is_empty() {
                (
                    "这条记录还没有登记进发布台账".to_string(),
                    "确认无误后运行 gongkai publish，把它登记为第 1 版".to_string(),
                )
            } else {
                (
                    format!(
                        "这条记录（或它的附件）在第 {} 版登记之后又改动过，改动还没有登记",
                        ledger.entries[entries[entries.len() - 1]].version
                    ),
                    "确认改动无误后运行 gongkai publish，登记为新的版本；居民会在修改记录里看到改了什么"
                        .to_string(),
                )
            };
            Some(e.rec.file.source.warning(
                "W-LEDGER-UNRECORDED",
                Pos::START,
                message,
                help,
            ))
        })
        .collect()
}

/// The entries `publish` appends: a version for each new or changed published record, a removal
/// for each recorded record no longer published. `withheld`: paths of records unlisted after
/// expiry, which are neither versioned nor marked removed (their title is not to be published).
pub fn plan_entries(
    ledger: &Ledger,
    site: &Site,
    states: &[RecordState],
    withheld: &std::collections::HashSet<String>,
    time: &str,
) -> Vec<LedgerEntry> {
    let by_path = ledger.by_path();
    let mut out = Vec::new();
    let mut published: BTreeMap<String, (&Entry, &RecordState)> = BTreeMap::new();
    for (e, state) in site.entries.iter().zip(states) {
        published.insert(record_path(&e.rec), (e, state));
    }
    for (path, (e, state)) in &published {
        let entries = by_path.get(path.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        if !is_unrecorded(ledger, entries, state) {
            continue;
        }
        let last_version = entries.last().map_or(0, |&i| ledger.entries[i].version);
        out.push(LedgerEntry {
            seq: 0,
            prev: String::new(),
            time: time.to_string(),
            action: if entries.is_empty() {
                Action::New
            } else {
                Action::Change
            },
            path: path.clone(),
            url: e.url.clone(),
            title: e.rec.common.title.clone(),
            version: last_version + 1,
            sha256: state.sha256.clone(),
            attachments: state.attachments.clone(),
        });
    }
    let mut gone: Vec<(&str, &LedgerEntry)> = by_path
        .iter()
        .filter(|(path, _)| !published.contains_key(**path) && !withheld.contains(**path))
        .filter_map(|(path, idx)| idx.last().map(|&i| (*path, &ledger.entries[i])))
        .filter(|(_, last)| last.action != Action::Remove)
        .collect();
    gone.sort_by(|a, b| a.0.cmp(b.0));
    for (_, last) in gone {
        out.push(LedgerEntry {
            seq: 0,
            prev: String::new(),
            time: time.to_string(),
            action: Action::Remove,
            attachments: Vec::new(),
            ..last.clone()
        });
    }
    out
}

/// Holds the ledger's lock: another `publish` waits until this one is done.
pub struct Lock(#[allow(dead_code)] std::fs::File);

pub fn lock(root: &Path) -> std::io::Result<Lock> {
    std::fs::create_dir_all(root.join(VERSIONS))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join(LOCK))?;
    file.lock()?;
    Ok(Lock(file))
}

/// Appends `new` (numbered and chained here) with the text of each version, under `_lock`. Each
/// file is written to a temporary name, flushed and renamed into place, texts first: an
/// interrupted run leaves the ledger as it was, never a half-written line or an entry whose text
/// is missing.
pub fn append(
    root: &Path,
    ledger: &Ledger,
    texts: &HashMap<String, String>,
    new: Vec<LedgerEntry>,
    _lock: &Lock,
) -> std::io::Result<usize> {
    let versions = root.join(VERSIONS);
    for entry in new.iter().filter(|e| e.action != Action::Remove) {
        if ledger.texts.contains_key(&entry.sha256) {
            continue;
        }
        let target = versions.join(format!("{}.md", entry.sha256));
        let Some(text) = texts.get(&entry.sha256) else {
            return Err(std::io::Error::other("missing version text"));
        };
        write_atomically(&target, text.as_bytes())?;
    }
    let mut head = ledger.head().to_string();
    let mut seq = ledger.entries.len() as u64;
    let mut out: String = ledger.lines.iter().map(|l| format!("{l}\n")).collect();
    for mut entry in new.into_iter() {
        seq += 1;
        entry.seq = seq;
        entry.prev = head;
        let line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        head = sha256_hex(line.as_bytes());
        out.push_str(&line);
        out.push('\n');
    }
    let count = (seq - ledger.entries.len() as u64) as usize;
    if count == 0 {
        return Ok(0);
    }
    write_atomically(&root.join(FILE), out.as_bytes())?;
    Ok(count)
}

/// Writes `bytes` beside `target`, flushes them and renames them into place.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = target.with_file_name(format!(".{name}.tmp"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, target)
}

/// The site root's ledger folder.
pub fn dir(root: &Path) -> PathBuf {
    root.join(DIR)
}
