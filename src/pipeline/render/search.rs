//! The static search index (output.md "Search" and "Kiosk"; read by `themes/default/static/theme/search.js`).
//!
//! # Why a hand-built index
//!
//! The rule is 100% recall on substrings: a query of two or more Han characters finds every record
//! that contains it as written, even across word boundaries (南段|路灯 → 段路灯). Pagefind (also with
//! its `extended` feature) segments Chinese into words with ICU's dictionary segmenter, both when
//! indexing and when querying; a query that the segmenter cuts differently from the text (段路灯 is
//! not a word, 南段 and 路灯 are) finds nothing, so it cannot meet the rule. It would also pull in a
//! large dependency tree (actix, ICU data, …) for a two-core build machine. So the index is built
//! here, with one tokenizer that `search.js` mirrors exactly.
//!
//! # Design
//!
//! * **Text.** A record's searchable text is its title, then (after a gap) its body's plain text and
//!   the fields a reader sees on its page: tags; a meeting's theme, location, host, participants and
//!   decisions; a problem's id, source, location, 责任主体, measures, progress and result; a service
//!   list's provider and its items' name, category, provider, target, location, hours, description
//!   and funding; a notice's category and withdrawal reason. Drafts, unpublished and unlisted
//!   records are not in `site.entries`; redacted ones are skipped here.
//! * **Normalizing** (`norm_char`): full-width ASCII → half-width, U+3000 → space, A–Z → a–z. It maps
//!   one character to one character, so offsets in the normalized text are offsets in the original.
//! * **Tokens.** Characters are *indexed* when they are a–z, 0–9 or Han (`is_indexed`). Every pair
//!   of adjacent indexed characters is a token (a bigram) and is stored with every position where
//!   it starts. A query is split at non-indexed characters into terms; a term of length L ≥ 2 is
//!   covered by the bigrams at offsets 0, 2, 4, … (plus L−2 when L is odd), and it occurs at `s`
//!   exactly when each covering bigram occurs at `s + offset`. So the positional postings alone
//!   answer a query exactly — 100 % recall *and* precision — and Latin letters and digits (`pdf`, `12345`) work the same way as Han. Title positions are
//!   `0..len(title)`; the rest starts at `base` (one more than the longest title), so a hit at a
//!   position below `base` is a title hit (ranked first) and no term spans title and body.
//!   Positions stop at [`MAX_POS`] (134 million characters into a record).
//! * **Initials** (kiosk keypad). For titles containing Han characters, the variants of
//!   `slug::initials_variants` (polyphones: up to 16 readings) are joined with `|` and indexed the
//!   same way as bigrams under a `#` prefix (`#jz`, `#zd`, …), so `JZDT` finds 加装电梯. The most
//!   common reading sits at position 0, the other readings from `base` on, so matches of the
//!   common reading rank first.
//! * **Chunks.** Tokens are sorted (code-point order) and packed into binary chunk files of about
//!   [`TOKEN_CHUNK_BYTES`] (a very common bigram gets a chunk of its own); a query fetches only the
//!   chunks holding its covering bigrams, cheapest first. When at most one page of candidates is
//!   left it checks the rest of a long term against those records' text (which it shows anyway);
//!   when a long query of very common words would pass a postings budget, it stops and checks
//!   each page of candidates against their text as it is shown. Either way recall stays 100% and
//!   a query on a 10,000-record site stays far below 600 KB (tests/search.rs measures it).
//! * **Records.** Ids are assigned newest first (the tie-break within a rank). A record's display
//!   data sits in JSON arrays of about [`DOC_CHUNK_BYTES`] by id range, each stored zlib-compressed
//!   as `dN.bin` (search.js inflates it), fetched only for the results shown: `u` url, `t` title, `d` date, `x` the rest of the searchable text (for the
//!   snippet and the text checks), `i` the title's initials aligned with its characters (`.` for
//!   none), `p` `[start, end]` and `w` withdrawal date of a 公示, `dl` deadline and `cl` closed of a
//!   problem (so gongkai.js can refresh statuses).
//! * **`search/meta.json`**: `version`, `dir` (chunks live in `search/<dir>/`, named by a hash of
//!   their content so they can be cached forever), `count`, `base`, `tokens` (each postings
//!   chunk's first token), `ts` (each postings chunk's size in 2 KiB steps, one base-64 digit),
//!   `dn` (how many records each record chunk holds, one digit), `groups` (type, kind, status,
//!   overdue and labels) and `g` (each record's group, `width` digits) — so the kind and status
//!   filters and their counts need no further download.
//!
//! Both kinds of chunk are stored as zlib data (RFC 1950). Chunk format (`tN.bin`, inflated):
//! `varint count`, then per token `varint len, UTF-8 bytes, varint len,
//! postings`; postings: `varint docs`, then per record `varint (id − next expected id), varint n,
//! n positions` (first absolute, the rest as gaps). Varints are unsigned LEB128. Base-64 digits
//! are `0-9A-Za-z-_`.

use super::Cards;
use super::{Data, Rendered};
use crate::pipeline::derive::Site;
use crate::pipeline::model::Body;
use foldhash::fast::FixedState;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// Target size of one postings chunk (one very common bigram alone may be bigger).
pub const TOKEN_CHUNK_BYTES: usize = 16 * 1024;
/// Target size of one record-data chunk (a page of results fetches a few). 8 KB rather than 4:
/// half as many files to write (2,700 rather than 5,300 at 10,000 records), for about 6% more
/// download on the heaviest query of the large-site test.
pub const DOC_CHUNK_BYTES: usize = 8 * 1024;
/// Records whose tokens are collected in parallel at a time (bounds memory on large sites).
const BATCH: usize = 256;
/// The digits of the one-character codes in `meta.json` (base 64).
const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
/// Most records in one record-data chunk (one base-64 digit in `meta.json`).
const MAX_DOCS_PER_CHUNK: usize = 63;
/// Format version, bumped when search.js must change with it.
const VERSION: u32 = 2;

/// The one-to-one normalization shared with search.js: full-width ASCII → ASCII, ideographic space
/// → space, ASCII upper case → lower case.
pub fn norm_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Han characters: 〇, CJK Unified Ideographs (with Extension A and B–H) and compatibility ideographs.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3007}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{323AF}')
}

/// Characters that take part in tokens (after `norm_char`).
pub fn is_indexed(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || is_han(c)
}

/// The text of a record that search finds besides its title: body, then the visible fields.
fn record_text(site: &Site, i: usize, body: &str) -> String {
    let e = &site.entries[i];
    let opt = |o: &Option<String>| -> String { o.clone().unwrap_or_default() };
    let mut parts: Vec<String> = vec![body.to_string()];
    match &e.rec.body {
        Body::Notice(n) => {
            parts.push(opt(&n.category));
            if let Some(w) = &n.withdrawn {
                parts.push(w.reason.clone());
            }
        }
        Body::Meeting(m) => {
            parts.extend([opt(&m.theme), opt(&m.location), opt(&m.host)]);
            parts.extend(m.participants.iter().cloned());
            for d in &m.decisions {
                parts.push(d.item.clone());
                parts.push(d.decision.clone());
            }
        }
        Body::Problem(p) => {
            parts.extend([
                p.id.clone(),
                opt(&p.source),
                opt(&p.location),
                p.responsible.unit.clone(),
                opt(&p.responsible.person),
            ]);
            parts.extend(p.measures.iter().cloned());
            parts.extend(p.progress.iter().map(|x| x.text.clone()));
            if let Some(echo) = &p.echo {
                parts.push(echo.result.clone());
            }
        }
        Body::Service(l) => {
            parts.push(opt(&l.provider));
            for it in &l.items {
                parts.extend([
                    it.name.clone(),
                    opt(&it.category),
                    opt(&it.provider),
                    opt(&it.target),
                    opt(&it.location),
                    opt(&it.hours),
                    opt(&it.description),
                    opt(&it.funding),
                ]);
            }
        }
        Body::Page => {}
    }
    parts.extend(e.rec.common.tags.iter().cloned());
    // One line per value; the line breaks are not indexed, so no term spans two values.
    parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Initials aligned with the title: one letter/digit per character that has one, '.' otherwise.
fn aligned_initials(title_norm: &str) -> String {
    title_norm
        .chars()
        .map(|c| {
            crate::slug::initials(&c.to_string())
                .chars()
                .next()
                .map_or('.', |l| l.to_ascii_lowercase())
        })
        .collect()
}

/// A token: its namespace (0 = text bigram, 1 = initials bigram) above its two characters.
/// Indexed characters are all below U+40000, so each takes [`CHAR_BITS`] and a key 37 bits.
type Key = u64;
const CHAR_BITS: u32 = 18;
const CHAR_MASK: u64 = (1 << CHAR_BITS) - 1;
const NS_SHIFT: u32 = 2 * CHAR_BITS;

/// One place of a token in a record: the key above the position's [`POS_BITS`], so that sorting
/// the plain numbers groups a record's tokens and puts each token's positions in order (one
/// `u64` compare instead of a pair's: the sort is a third of the index's work).
type Occurrence = u64;
const POS_BITS: u32 = 27;
/// The last position that fits; text beyond it (a record of more than 134 million characters)
/// is not indexed.
const MAX_POS: u32 = (1 << POS_BITS) - 1;

fn key(ns: u64, a: char, b: char) -> Key {
    debug_assert!(u64::from(a) <= CHAR_MASK && u64::from(b) <= CHAR_MASK);
    (ns << NS_SHIFT) | (u64::from(a) << CHAR_BITS) | u64::from(b)
}

fn key_string(k: Key) -> String {
    let ns = k >> NS_SHIFT;
    let a = char::from_u32(((k >> CHAR_BITS) & CHAR_MASK) as u32).unwrap_or('\u{FFFD}');
    let b = char::from_u32((k & CHAR_MASK) as u32).unwrap_or('\u{FFFD}');
    let mut s = String::new();
    if ns == 1 {
        s.push('#');
    }
    s.push(a);
    s.push(b);
    s
}

fn occurrence(k: Key, pos: u32) -> Occurrence {
    (k << POS_BITS) | u64::from(pos)
}

fn split_occurrence(o: Occurrence) -> (Key, u32) {
    (o >> POS_BITS, (o & u64::from(MAX_POS)) as u32)
}

/// Adds the bigrams of `text` (normalized here) starting at `offset`.
fn bigrams(text: &str, offset: u32, ns: u64, out: &mut Vec<Occurrence>) {
    let mut prev: Option<char> = None;
    for (i, c) in text.chars().enumerate() {
        let c = norm_char(c);
        let cur = is_indexed(c).then_some(c);
        if let (Some(a), Some(b)) = (prev, cur) {
            let Some(pos) = u32::try_from(i - 1)
                .ok()
                .and_then(|i| offset.checked_add(i))
                .filter(|&p| p <= MAX_POS)
            else {
                return;
            };
            out.push(occurrence(key(ns, a, b), pos));
        }
        prev = cur;
    }
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[derive(Default)]
struct Postings {
    docs: u64,
    next: u64,
    bytes: Vec<u8>,
}

/// One searchable record, before ids are assigned: what sorts it and what its entry in the
/// record-data chunks needs besides its text, borrowed from the site and the cards where they
/// hold it.
struct Doc<'a> {
    entry: usize,
    title: &'a str,
    /// The title's initials aligned with its characters, for a title with Han characters.
    initials: Option<String>,
    date: Option<&'a str>,
    url: &'a str,
    /// What makes the record's group in meta.json: its type, kind and status with their
    /// labels, and whether it is overdue.
    group: ([&'a Value; 6], bool),
}

/// The fields of a card that make its group, in the order of `Doc::group`.
const GROUP_FIELDS: [&str; 6] = [
    "type",
    "type_label",
    "kind",
    "kind_label",
    "status",
    "status_label",
];

static NULL: Value = Value::Null;

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// A chunk into the directory's hash: its length, then its bytes.
fn fnv_chunk(h: &mut u64, chunk: &[u8]) {
    fnv(h, &(chunk.len() as u64).to_le_bytes());
    fnv(h, chunk);
}

fn fnv(h: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *h ^= u64::from(*b);
        *h = h.wrapping_mul(0x100_0000_01b3);
    }
}

/// Writes the search index through `emit`, file by file. The record-data chunks are made twice,
/// once for the directory's hash and once to be written, rather than held: at 10,000 records they
/// are 33 MB, and the index is made while the pages render, at the build's peak of memory. For
/// the same reason the chunks are compressed a few at a time as they are made; only the
/// compressed postings chunks are held, until the directory's name is known.
pub fn add_search_index(
    site: &Site,
    cards: &Cards,
    bodies: &[Arc<Rendered>],
    emit: &mut dyn FnMut(String, Data),
) {
    // Records, newest first (ids in this order make "newest first" the tie-break for free).
    let mut docs: Vec<Doc> = (0..site.entries.len())
        .into_par_iter()
        .filter(|&i| !site.entries[i].redacted)
        .map(|i| {
            let e = &site.entries[i];
            let c = &cards[i];
            let title = e.rec.common.title.as_str();
            let initials = title.chars().any(is_han).then(|| {
                let title_norm: String = title.chars().map(norm_char).collect();
                aligned_initials(&title_norm)
            });
            Doc {
                entry: i,
                title,
                initials,
                date: c.get("date").and_then(Value::as_str),
                url: &e.url,
                group: (
                    GROUP_FIELDS.map(|k| c.get(k).unwrap_or(&NULL)),
                    c.get("overdue").and_then(Value::as_bool).unwrap_or(false),
                ),
            }
        })
        .collect();
    docs.sort_by(|a, b| {
        a.date
            .is_none()
            .cmp(&b.date.is_none())
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| a.url.cmp(b.url))
    });

    let base = docs
        .iter()
        .map(|d| d.title.chars().count())
        .max()
        .unwrap_or(0) as u32
        + 1;

    // Groups: the filterable facts of a record, one code per record in meta.json.
    let mut groups: Vec<([&Value; 6], bool)> = Vec::new();
    let mut group_of: Vec<usize> = Vec::with_capacity(docs.len());
    for d in &docs {
        let g = match groups.iter().position(|g| *g == d.group) {
            Some(g) => g,
            None => {
                groups.push(d.group);
                groups.len() - 1
            }
        };
        group_of.push(g);
    }
    let groups: Vec<Value> = groups
        .iter()
        .map(|(fields, overdue)| {
            let mut group: serde_json::Map<String, Value> = GROUP_FIELDS
                .iter()
                .zip(fields)
                .map(|(k, v)| (k.to_string(), (*v).clone()))
                .collect();
            group.insert("overdue".into(), Value::Bool(*overdue));
            Value::Object(group)
        })
        .collect();
    let width = if groups.len() <= 64 {
        1
    } else if groups.len() <= 4096 {
        2
    } else {
        3
    };
    let mut group_codes = String::with_capacity(docs.len() * width);
    for &g in &group_of {
        for k in (0..width).rev() {
            group_codes.push(char::from(ALPHABET[(g >> (6 * k)) & 63]));
        }
    }

    // Postings, built in id order batch by batch; the record-data chunks are hashed on the way.
    // Keys are small integers: a fast fixed hash, not the default DoS-resistant one.
    let mut postings: HashMap<Key, Postings, FixedState> = HashMap::default();
    let mut doc_hash = DocChunks::default();
    let mut docs_fnv = FNV_START;
    for (batch_no, batch) in docs.chunks(BATCH).enumerate() {
        let lists: Vec<(Vec<Occurrence>, String)> = batch
            .par_iter()
            .map(|d| {
                let mut toks = Vec::new();
                bigrams(d.title, 0, 0, &mut toks);
                // Made again for the record-data chunks rather than kept: 10,000 records' text.
                let rest = record_text(site, d.entry, &bodies[d.entry].text);
                bigrams(&rest, base, 0, &mut toks);
                let data = doc_data(site, cards, d, &rest);
                if d.initials.is_some() {
                    let title_norm: String = d.title.chars().map(norm_char).collect();
                    let mut variants: Vec<String> = crate::slug::initials_variants(&title_norm)
                        .into_iter()
                        .map(|v| v.to_ascii_lowercase())
                        .collect();
                    variants.dedup();
                    // The most common reading at 0, the other readings from `base` on (ranked after it).
                    if let Some((first, others)) = variants.split_first() {
                        bigrams(first, 0, 1, &mut toks);
                        bigrams(&others.join("|"), base, 1, &mut toks);
                    }
                }
                toks.sort_unstable();
                toks.dedup();
                (toks, data)
            })
            .collect();
        for (j, (toks, data)) in lists.into_iter().enumerate() {
            doc_hash.push(data, &mut |chunk| fnv_chunk(&mut docs_fnv, &chunk));
            let id = (batch_no * BATCH + j) as u64;
            let mut k = 0;
            while k < toks.len() {
                let token = split_occurrence(toks[k]).0;
                let mut end = k;
                while end < toks.len() && split_occurrence(toks[end]).0 == token {
                    end += 1;
                }
                let p = postings.entry(token).or_default();
                varint(&mut p.bytes, id - p.next);
                varint(&mut p.bytes, (end - k) as u64);
                let mut last = 0u32;
                for (n, &o) in toks[k..end].iter().enumerate() {
                    let pos = split_occurrence(o).1;
                    varint(
                        &mut p.bytes,
                        u64::from(if n == 0 { pos } else { pos - last }),
                    );
                    last = pos;
                }
                p.docs += 1;
                p.next = id + 1;
                k = end;
            }
        }
    }
    doc_hash.finish(&mut |chunk| fnv_chunk(&mut docs_fnv, &chunk));
    let doc_counts = doc_hash.counts;

    // The directory's hash: everything meta.json says of the chunks, then the postings chunks'
    // plain bytes as each is packed, then the record-data chunks' hash made above.
    let mut hash = FNV_START;
    fnv(&mut hash, &base.to_le_bytes());
    fnv(&mut hash, group_codes.as_bytes());
    fnv(&mut hash, doc_counts.as_bytes());

    // In the order of the tokens as strings: `#` initials first, then code-point order.
    let mut tokens: Vec<(Key, Postings)> = postings.into_iter().collect();
    tokens.sort_unstable_by_key(|&(k, _)| (k >> NS_SHIFT == 0, k));

    // Pack tokens into chunks, stored zlib-compressed (the hash is of their plain bytes); a few
    // plain chunks at a time are compressed in parallel and let go, only the stored ones wait
    // for the directory's name.
    let mut token_chunks: Vec<Vec<u8>> = Vec::new();
    let mut plain = Compressor::default();
    let mut first_tokens: Vec<String> = Vec::new();
    let mut body: Vec<u8> = Vec::new();
    let mut count = 0u64;
    let mut flush = |body: &mut Vec<u8>, count: &mut u64, plain: &mut Compressor| {
        let mut chunk = Vec::with_capacity(body.len() + 4);
        varint(&mut chunk, *count);
        chunk.append(body);
        fnv_chunk(&mut hash, &chunk);
        plain.push(chunk, &mut |c| token_chunks.push(c));
        *count = 0;
    };
    // Each token's postings are dropped as soon as they are in a chunk.
    for (k, p) in tokens {
        let token = key_string(k);
        let mut entry = Vec::with_capacity(p.bytes.len() + 16);
        varint(&mut entry, token.len() as u64);
        entry.extend_from_slice(token.as_bytes());
        let mut blob = Vec::with_capacity(p.bytes.len() + 4);
        varint(&mut blob, p.docs);
        blob.extend_from_slice(&p.bytes);
        drop(p);
        varint(&mut entry, blob.len() as u64);
        entry.extend_from_slice(&blob);
        if count > 0 && body.len() + entry.len() > TOKEN_CHUNK_BYTES {
            flush(&mut body, &mut count, &mut plain);
        }
        if count == 0 {
            first_tokens.push(token);
        }
        body.extend_from_slice(&entry);
        count += 1;
    }
    if count > 0 {
        flush(&mut body, &mut count, &mut plain);
    }
    plain.finish(&mut |c| token_chunks.push(c));

    fnv(&mut hash, &docs_fnv.to_le_bytes());
    let dir = format!("{:012x}", hash >> 16);

    // One character per postings chunk: its size as stored in 2 KiB steps (capped at 63), so a
    // query can fetch the cheapest bigrams first and keep to its budget.
    let token_sizes: String = token_chunks
        .iter()
        .map(|c| char::from(ALPHABET[c.len().div_ceil(2048).min(63)]))
        .collect();
    let meta = json!({
        "version": VERSION,
        "dir": dir,
        "count": docs.len(),
        "base": base,
        "tokens": first_tokens,
        "ts": token_sizes,
        "dn": doc_counts,
        "groups": groups,
        "width": width,
        "g": group_codes,
    });
    emit(
        "search/meta.json".into(),
        Data::Bytes(meta.to_string().into_bytes()),
    );
    for (n, c) in token_chunks.into_iter().enumerate() {
        emit(format!("search/{dir}/t{n}.bin"), Data::Bytes(c));
    }
    // The record data again, now packed; a few chunks at a time are compressed in parallel and
    // written, so that the whole of it is never held.
    let mut chunks = DocChunks::default();
    let mut packed = Compressor::default();
    let mut n = 0usize;
    let mut write = |chunk: Vec<u8>| {
        emit(format!("search/{dir}/d{n}.bin"), Data::Bytes(chunk));
        n += 1;
    };
    for batch in docs.chunks(BATCH) {
        let data: Vec<String> = batch
            .par_iter()
            .map(|d| {
                doc_data(
                    site,
                    cards,
                    d,
                    &record_text(site, d.entry, &bodies[d.entry].text),
                )
            })
            .collect();
        for doc in data {
            chunks.push(doc, &mut |chunk| packed.push(chunk, &mut write));
        }
    }
    chunks.finish(&mut |chunk| packed.push(chunk, &mut write));
    packed.finish(&mut write);
}

/// Plain chunks waiting to be compressed: [`Compressor::BATCH`] of them at a time are compressed
/// in parallel and handed on in order, so that neither all the plain nor all the compressed
/// chunks are ever held at once.
#[derive(Default)]
struct Compressor {
    waiting: Vec<Vec<u8>>,
}

impl Compressor {
    /// Enough chunks for both threads to stay busy, few enough to be a small part of the index.
    const BATCH: usize = 64;

    fn push(&mut self, chunk: Vec<u8>, done: &mut dyn FnMut(Vec<u8>)) {
        self.waiting.push(chunk);
        if self.waiting.len() == Self::BATCH {
            self.finish(done);
        }
    }

    fn finish(&mut self, done: &mut dyn FnMut(Vec<u8>)) {
        let compressed: Vec<Vec<u8>> = self.waiting.par_iter().map(|c| zlib(c)).collect();
        self.waiting.clear();
        for c in compressed {
            done(c);
        }
    }
}

/// A chunk as zlib data (RFC 1950), which search.js inflates: the records' text is half of the
/// index, and Chinese prose takes less than half its size so (a third of the synthetic
/// 10,000-record site's repetitive text); postings take about 60%.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// One record's entry in the record-data chunks: URL, title, date, text, and what its status
/// is computed from.
fn doc_data(site: &Site, cards: &Cards, d: &Doc, rest: &str) -> String {
    let e = &site.entries[d.entry];
    let c = &cards[d.entry];
    let mut data = DocData {
        u: d.url,
        t: d.title,
        d: d.date,
        x: rest,
        i: d.initials.as_deref(),
        ..DocData::default()
    };
    match &e.rec.body {
        Body::Notice(_) if !c["publicity"].is_null() => {
            data.p = Some([&c["publicity"]["start"], &c["publicity"]["end"]]);
            data.w = c["withdrawn"]["date"].as_str();
        }
        Body::Problem(_) => {
            data.dl = Some(&c["deadline"]);
            data.cl = Some(&c["closed"]);
        }
        _ => {}
    }
    serde_json::to_string(&data).unwrap_or_default()
}

/// What `doc_data` writes, borrowed rather than copied into a `Value` (a record's whole text is
/// in `x`). The fields are in the order of their names, as a JSON object's keys were before, so
/// that the chunks, and the directory named by their hash, stay the same.
#[derive(serde::Serialize, Default)]
struct DocData<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cl: Option<&'a Value>,
    d: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dl: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    i: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<[&'a Value; 2]>,
    t: &'a str,
    u: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<&'a str>,
    x: &'a str,
}

/// Packs records' entries, in id order, into JSON arrays of about `DOC_CHUNK_BYTES`.
#[derive(Default)]
struct DocChunks {
    current: Vec<String>,
    len: usize,
    /// One character per chunk: how many records it holds (1..=63), so the directory stays small.
    counts: String,
}

impl DocChunks {
    fn push(&mut self, doc: String, done: &mut dyn FnMut(Vec<u8>)) {
        if !self.current.is_empty()
            && (self.len + doc.len() > DOC_CHUNK_BYTES || self.current.len() == MAX_DOCS_PER_CHUNK)
        {
            self.flush(done);
        }
        self.len += doc.len() + 1;
        self.current.push(doc);
    }

    fn finish(&mut self, done: &mut dyn FnMut(Vec<u8>)) {
        if !self.current.is_empty() {
            self.flush(done);
        }
    }

    fn flush(&mut self, done: &mut dyn FnMut(Vec<u8>)) {
        self.counts.push(char::from(ALPHABET[self.current.len()]));
        done(format!("[{}]", self.current.join(",")).into_bytes());
        self.current.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_is_one_to_one() {
        let s = "ＰＤＦ　５号楼ABC加装";
        let n: String = s.chars().map(norm_char).collect();
        assert_eq!(n, "pdf 5号楼abc加装");
        assert_eq!(n.chars().count(), s.chars().count());
    }

    #[test]
    fn bigrams_skip_separators_and_keep_positions() {
        let mut out = Vec::new();
        bigrams("南段路灯，PDF", 10, 0, &mut out);
        let got: Vec<(String, u32)> = out
            .iter()
            .map(|&o| {
                let (k, p) = split_occurrence(o);
                (key_string(k), p)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("南段".into(), 10),
                ("段路".into(), 11),
                ("路灯".into(), 12),
                ("pd".into(), 15),
                ("df".into(), 16)
            ]
        );
    }

    #[test]
    fn occurrences_keep_the_largest_characters_and_stop_at_the_last_position() {
        let han = '\u{323AF}';
        assert!(is_indexed(han));
        let o = occurrence(key(1, han, 'z'), MAX_POS);
        assert_eq!(split_occurrence(o), (key(1, han, 'z'), MAX_POS));
        assert_eq!(key_string(split_occurrence(o).0), format!("#{han}z"));
        // "abcd" from MAX_POS − 1: ab and bc fit, cd would start past the last position.
        let mut out = Vec::new();
        bigrams("abcd", MAX_POS - 1, 0, &mut out);
        let positions: Vec<u32> = out.iter().map(|&o| split_occurrence(o).1).collect();
        assert_eq!(positions, vec![MAX_POS - 1, MAX_POS]);
    }

    #[test]
    fn initials_tokens_are_prefixed_and_sort_first() {
        assert_eq!(key_string(key(1, 'j', 'z')), "#jz");
        assert!(key_string(key(1, 'z', 'z')) < key_string(key(0, '0', '0')));
    }

    #[test]
    fn aligned_initials_follow_the_title() {
        assert_eq!(aligned_initials("5号楼·加装电梯"), "5hl.jzdt");
    }
}
