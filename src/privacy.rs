//! Personal-information scanning (content.md §4): resident ID numbers, mainland mobile numbers and
//! bank card numbers in text that is about to be published.
//!
//! Numbers are found as people write them: digit groups (ASCII or full-width) joined by one
//! space, hyphen, dot or no-break space each, with zero-width characters anywhere ignored. A
//! neighbouring ASCII letter does not hide a number (`Tel13812345678` is still a mobile number);
//! only the ID number's check character X takes part. Nothing here ever keeps or returns a whole
//! number: callers get byte offsets and a masked form.

use crate::diag::{Diagnostic, Pos, SourceFile};
use crate::yaml::{Node, Value};

/// The types of personal information that must not be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    IdNumber,
    Mobile,
    BankCard,
}

impl PiiKind {
    pub const ALL: [PiiKind; 3] = [PiiKind::IdNumber, PiiKind::Mobile, PiiKind::BankCard];

    /// The code used in front matter (`privacy_allow`) and exports.
    pub fn code(self) -> &'static str {
        match self {
            PiiKind::IdNumber => "id_number",
            PiiKind::Mobile => "mobile",
            PiiKind::BankCard => "bank_card",
        }
    }

    /// The Chinese label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::IdNumber => "身份证号",
            PiiKind::Mobile => "手机号",
            PiiKind::BankCard => "银行卡号",
        }
    }

    /// Accepts either the code or the label, as every enumerated value does (content.md preamble).
    pub fn parse(s: &str) -> Option<PiiKind> {
        PiiKind::ALL
            .into_iter()
            .find(|k| k.code() == s || k.label() == s)
    }
}

/// One number found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiHit {
    pub kind: PiiKind,
    /// Byte offset in the scanned text where the number starts.
    pub start: usize,
    /// Byte offset just past the number (separators between its groups included).
    pub end: usize,
    /// Display form: first 3 and last 2 characters kept, the rest '*', without separators and
    /// in ASCII digits.
    pub masked: String,
}

/// GB 11643 weights for the first 17 characters of a resident ID number.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for (weighted sum mod 11).
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The ASCII digit a character stands for: `0`–`9` and full-width `０`–`９`.
fn digit_of(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8),
        '０'..='９' => u8::try_from(u32::from(c) - u32::from('０'))
            .ok()
            .map(|d| b'0' + d),
        _ => None,
    }
}

/// Invisible characters that can sit between digits without separating them.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// How two digit groups are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    /// Space, no-break space, narrow no-break space, ideographic space.
    Space,
    /// Hyphen or dot: serial numbers and dates are chained with these.
    Tight,
}

fn join_of(c: char) -> Option<Join> {
    match c {
        ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{3000}' => Some(Join::Space),
        '-' | '.' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{FF0D}' | '\u{FF0E}' => {
            Some(Join::Tight)
        }
        _ => None,
    }
}

/// A maximal run of digits (invisible characters inside ignored).
#[derive(Debug)]
struct Group {
    /// ASCII digits.
    digits: Vec<u8>,
    /// Byte offset of each digit, and where the group ends.
    offsets: Vec<usize>,
    end: usize,
    /// Byte offset past a check character X written right after the group.
    x_end: Option<usize>,
    /// How this group is joined to the one before it (None for the chain's first).
    join: Option<Join>,
}

/// The character starting at byte `i`, skipping invisible ones: (char, its start, its end).
fn visible_at(text: &str, mut i: usize) -> Option<(char, usize, usize)> {
    loop {
        let c = text.get(i..)?.chars().next()?;
        if is_invisible(c) {
            i += c.len_utf8();
        } else {
            return Some((c, i, i + c.len_utf8()));
        }
    }
}

/// Reads the chain of groups starting with the digit at byte `start`.
fn read_chain(text: &str, start: usize) -> Vec<Group> {
    let mut chain = Vec::new();
    let mut i = start;
    let mut join = None;
    loop {
        let mut g = Group {
            digits: Vec::new(),
            offsets: Vec::new(),
            end: i,
            x_end: None,
            join,
        };
        while let Some((c, at, next)) = visible_at(text, i) {
            let Some(d) = digit_of(c) else { break };
            g.digits.push(d);
            g.offsets.push(at);
            g.end = next;
            i = next;
        }
        i = g.end;
        // An X right after the digits is an ID number's check character, unless more digits follow.
        if let Some((c, _, next)) = visible_at(text, i)
            && matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
            && visible_at(text, next).is_none_or(|(c, _, _)| digit_of(c).is_none())
        {
            g.x_end = Some(next);
        }
        let has_x = g.x_end.is_some();
        chain.push(g);
        if has_x {
            return chain;
        }
        // One separator, then a digit: the number goes on.
        let Some((c, _, next)) = visible_at(text, i) else {
            return chain;
        };
        let Some(j) = join_of(c) else { return chain };
        match visible_at(text, next) {
            Some((d, at, _)) if digit_of(d).is_some() => {
                join = Some(j);
                i = at;
            }
            _ => return chain,
        }
    }
}

/// Every hit in `text`, in order of position. Never returns the whole number anywhere except via start/end.
pub fn scan(text: &str) -> Vec<PiiHit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while let Some((start, c)) = text.get(i..).and_then(|rest| {
        rest.char_indices()
            .find(|&(_, c)| digit_of(c).is_some())
            .map(|(k, c)| (i + k, c))
    }) {
        let chain = read_chain(text, start);
        let next = chain
            .last()
            .map_or(start + c.len_utf8(), |g| g.x_end.unwrap_or(g.end));
        find_in_chain(text, &chain, &mut hits);
        i = next.max(start + c.len_utf8());
    }
    hits
}

/// The numbers in one chain: from each group, the longest run of whole groups that is one.
fn find_in_chain(text: &str, chain: &[Group], hits: &mut Vec<PiiHit>) {
    let mut i = 0;
    while i < chain.len() {
        let mut found = None;
        let mut total = 0;
        let mut last = i;
        while last < chain.len() && total + chain[last].digits.len() <= 19 {
            total += chain[last].digits.len();
            last += 1;
        }
        for j in (i..last).rev() {
            if let Some(hit) = number_of(text, &chain[i..=j]) {
                found = Some((j, hit));
                break;
            }
        }
        match found {
            Some((j, hit)) if standalone(text, chain, i, j) => {
                hits.push(hit);
                i = j + 1;
            }
            _ => i += 1,
        }
    }
}

/// A number in the middle of a hyphen- or dot-joined chain (12-138-1234-5678-9) is a serial
/// number, not a phone; a `+86-` before it is only the country code.
fn standalone(text: &str, chain: &[Group], i: usize, j: usize) -> bool {
    let before_ok =
        i == 0 || chain[i].join != Some(Join::Tight) || (i == 1 && country_code(text, &chain[0]));
    let after_ok = chain.get(j + 1).is_none_or(|g| g.join != Some(Join::Tight));
    before_ok && after_ok
}

/// `+86` written right before the group's digits.
fn country_code(text: &str, g: &Group) -> bool {
    g.digits == b"86"
        && g.offsets
            .first()
            .is_some_and(|&at| at > 0 && text.get(..at).is_some_and(|s| s.ends_with('+')))
}

/// `+86` glued to the number: `+8613812345678`.
fn glued_country_code(text: &str, g: &Group) -> bool {
    g.digits.starts_with(b"86")
        && g.offsets
            .first()
            .is_some_and(|&at| at > 0 && text.get(..at).is_some_and(|s| s.ends_with('+')))
}

/// The hit the groups make together, if they are one number.
fn number_of(text: &str, groups: &[Group]) -> Option<PiiHit> {
    let first = groups.first()?;
    let last = groups.last()?;
    // Grouped writing keeps groups of three or more digits (the last may be two): 192.168.1.10 and
    // lists of small numbers are not phone or card numbers.
    if groups.len() > 1 {
        let (head, _) = groups.split_at(groups.len() - 1);
        if head.iter().any(|g| g.digits.len() < 3) || last.digits.len() < 2 {
            return None;
        }
    }
    let digits: Vec<u8> = groups
        .iter()
        .flat_map(|g| g.digits.iter().copied())
        .collect();
    let start = *first.offsets.first()?;
    let make = |kind, start, end, shown: &[u8]| PiiHit {
        kind,
        start,
        end,
        masked: mask(shown),
    };
    if digits.len() == 17
        && let Some(x_end) = last.x_end
    {
        let mut with_x = digits.clone();
        with_x.push(b'X');
        return is_id_number(&with_x).then(|| make(PiiKind::IdNumber, start, x_end, &with_x));
    }
    let end = last.end;
    match digits.len() {
        18 if is_id_number(&digits) => Some(make(PiiKind::IdNumber, start, end, &digits)),
        // The shape of an ID number with a wrong check digit is a mistyped ID, not a bank card.
        18 if id_shape(&digits) => None,
        15 if is_old_id_number(&digits) => Some(make(PiiKind::IdNumber, start, end, &digits)),
        11 if is_mobile(&digits) => Some(make(PiiKind::Mobile, start, end, &digits)),
        // "+8613812345678": the country code is glued on, the number behind it is still a mobile.
        13 if groups.len() == 1 && glued_country_code(text, first) => {
            let rest = digits.get(2..)?;
            let at = *first.offsets.get(2)?;
            is_mobile(rest).then(|| make(PiiKind::Mobile, at, end, rest))
        }
        16..=19 if luhn_ok(&digits) => Some(make(PiiKind::BankCard, start, end, &digits)),
        _ => None,
    }
}

/// `text` with every personal number's digits hidden except the first 3 and last 2, separators
/// and everything else kept in place, so a quoted line keeps its shape.
pub fn mask_text(text: &str) -> String {
    let hits = scan(text);
    if hits.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for hit in hits {
        let (Some(before), Some(span)) = (text.get(last..hit.start), text.get(hit.start..hit.end))
        else {
            continue;
        };
        out.push_str(before);
        let total = span
            .chars()
            .filter(|&c| digit_of(c).is_some() || matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ'))
            .count();
        let mut k = 0;
        for c in span.chars() {
            if digit_of(c).is_some() || matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ') {
                k += 1;
                if k <= 3 || k + 2 > total {
                    out.push(c);
                } else if c.is_ascii() {
                    out.push('*');
                } else {
                    out.push('＊');
                }
            } else {
                out.push(c);
            }
        }
        last = hit.end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

/// The error for a personal number found at `pos`; `place` says where (`这里`, `第二批!C7`, 文件名).
pub fn error(source: &SourceFile, pos: Pos, place: &str, hit: &PiiHit) -> Diagnostic {
    source.error(
        "E-PRIVACY",
        pos,
        format!(
            "{place}有{}（{}），公开内容不能包含个人信息",
            hit.kind.label(),
            hit.masked
        ),
        match hit.kind {
            PiiKind::Mobile => {
                "手机号请打码，例如 138****1234；确需公开时在 privacy_allow 里写 mobile".to_string()
            }
            k => format!("删除这个号码；确需公开时在 privacy_allow 里写 {}", k.code()),
        },
    )
}

/// Every string of a YAML document (front matter, site.yaml) checked. A `contact` map or string
/// may carry a mobile number — it is how residents reach a worker — but never an ID or card number.
pub fn check_yaml(src: &SourceFile, root: &Node, allow: &[PiiKind], diags: &mut Vec<Diagnostic>) {
    scan_node(root, false, &mut |node, text, contact| {
        for hit in scan(text) {
            if allow.contains(&hit.kind) || (contact && hit.kind == PiiKind::Mobile) {
                continue;
            }
            let pos = scalar_pos(src, node, text, hit.start);
            diags.push(error(src, pos, "这里", &hit));
        }
    });
}

fn scan_node(node: &Node, contact: bool, visit: &mut dyn FnMut(&Node, &str, bool)) {
    match &node.value {
        Value::Scalar { text, .. } => visit(node, text, contact),
        Value::Seq(items) => items.iter().for_each(|n| scan_node(n, contact, visit)),
        Value::Map(entries) => {
            for (k, v) in entries {
                let is_contact = k.scalar() == Some("contact");
                scan_node(v, contact || is_contact, visit);
            }
        }
    }
}

/// Where inside a scalar a hit is: exact when the scalar is written on one line as it reads,
/// else the scalar's own start.
fn scalar_pos(src: &SourceFile, node: &Node, text: &str, byte: usize) -> Pos {
    let (Some(line), Some(before)) = (src.line_text(node.pos.line), text.get(..byte)) else {
        return node.pos;
    };
    let start_char = usize::try_from(node.pos.col.saturating_sub(1)).unwrap_or(0);
    let rest: String = line.chars().skip(start_char).collect();
    let quote = usize::from(rest.starts_with(['"', '\'']));
    let unquoted: String = rest.chars().skip(quote).collect();
    if unquoted.starts_with(before) {
        let offset = quote + before.chars().count();
        Pos::new(node.pos.line, node.pos.col + crate::diag::to_u32(offset))
    } else {
        node.pos
    }
}

/// Every hit of a published text file (`.txt`, `.md`, …) reported at its line and column.
pub fn check_text(src: &SourceFile, allow: &[PiiKind], diags: &mut Vec<Diagnostic>) {
    for hit in scan(&src.text) {
        if !allow.contains(&hit.kind) {
            diags.push(error(src, src.pos_of(hit.start), "这里", &hit));
        }
    }
}

/// Mainland mobile: 11 digits, 1 then 3–9.
fn is_mobile(d: &[u8]) -> bool {
    d.len() == 11
        && d.iter().all(u8::is_ascii_digit)
        && d.first() == Some(&b'1')
        && matches!(d.get(1), Some(b'3'..=b'9'))
}

/// 18-character resident ID number: GB 11643 check character and a plausible birth date.
fn is_id_number(s: &[u8]) -> bool {
    let (Some(body), Some(&check)) = (s.get(..17), s.get(17)) else {
        return false;
    };
    if !id_shape(s) {
        return false;
    }
    let sum: u32 = body
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let expected = ID_CHECK.get((sum % 11) as usize).copied();
    expected == Some(check.to_ascii_uppercase())
}

/// 18 characters that look like an ID number whatever the check character: 17 digits, a region
/// code, a plausible birth date.
fn id_shape(s: &[u8]) -> bool {
    let Some(body) = s.get(..17) else {
        return false;
    };
    s.len() == 18
        && body.iter().all(u8::is_ascii_digit)
        && matches!(s.first(), Some(b'1'..=b'9'))
        && birth_date(s.get(6..10), s.get(10..12), s.get(12..14))
}

/// The old 15-digit form: region code, YYMMDD birth date in the 1900s, sequence; no check digit.
fn is_old_id_number(s: &[u8]) -> bool {
    let region = s.get(..2).and_then(number);
    s.len() == 15
        && s.iter().all(u8::is_ascii_digit)
        && region.is_some_and(|r| (11..=82).contains(&r))
        && s.get(6..8)
            .and_then(number)
            .is_some_and(|yy| birth_date_of(1900 + yy, s.get(8..10), s.get(10..12)))
}

fn birth_date(year: Option<&[u8]>, month: Option<&[u8]>, day: Option<&[u8]>) -> bool {
    year.and_then(number)
        .is_some_and(|y| (1900..=2099).contains(&y) && birth_date_of(y, month, day))
}

fn birth_date_of(year: u32, month: Option<&[u8]>, day: Option<&[u8]>) -> bool {
    let (Some(month), Some(day)) = (month.and_then(number), day.and_then(number)) else {
        return false;
    };
    matches!(
        (i16::try_from(year), i8::try_from(month), i8::try_from(day)),
        (Ok(y), Ok(m), Ok(d)) if jiff::civil::Date::new(y, m, d).is_ok()
    )
}

fn number(d: &[u8]) -> Option<u32> {
    d.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit()
            .then(|| acc.saturating_mul(10).saturating_add(u32::from(c - b'0')))
    })
}
/// Luhn check over ASCII digits (rightmost digit is the check digit).
fn luhn_ok(d: &[u8]) -> bool {
    if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let v = u32::from(c - b'0');
            if i % 2 == 1 {
                let v2 = v * 2;
                if v2 > 9 { v2 - 9 } else { v2 }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// First 3 and last 2 characters kept; at least the middle is always hidden.
fn mask(s: &[u8]) -> String {
    let n = s.len();
    if n <= 5 {
        // Cannot happen for real hits (≥ 11 chars); hide everything rather than reveal it.
        return "*".repeat(n);
    }
    let mut out = String::with_capacity(n);
    out.extend(s.iter().take(3).map(|&c| char::from(c)));
    out.extend(std::iter::repeat_n('*', n - 5));
    out.extend(s.iter().skip(n - 2).map(|&c| char::from(c)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Synthetic numbers with valid check digits (not real people/cards).
    const ID: &str = "11010519491231002X"; // GB 11643 textbook example
    const ID_DIGIT: &str = "110105198001011238";
    const CARD16: &str = "4111111111111111";
    const CARD19: &str = "6222021234567890128";

    /// 17 digits plus their GB 11643 check character.
    fn with_check(body: &str) -> String {
        let sum: u32 = body
            .bytes()
            .zip(ID_WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        format!("{body}{}", char::from(ID_CHECK[(sum % 11) as usize]))
    }

    fn kinds(text: &str) -> Vec<PiiKind> {
        scan(text).into_iter().map(|h| h.kind).collect()
    }

    /// The scanned span of each hit.
    fn spans(text: &str) -> Vec<&str> {
        scan(text)
            .into_iter()
            .map(|h| text.get(h.start..h.end).unwrap_or("<bad span>"))
            .collect()
    }

    #[test]
    fn kind_codes_labels_and_parse_roundtrip() {
        assert_eq!(PiiKind::IdNumber.code(), "id_number");
        assert_eq!(PiiKind::Mobile.code(), "mobile");
        assert_eq!(PiiKind::BankCard.code(), "bank_card");
        assert_eq!(PiiKind::IdNumber.label(), "身份证号");
        assert_eq!(PiiKind::Mobile.label(), "手机号");
        assert_eq!(PiiKind::BankCard.label(), "银行卡号");
        for k in PiiKind::ALL {
            assert_eq!(PiiKind::parse(k.code()), Some(k));
            assert_eq!(PiiKind::parse(k.label()), Some(k));
        }
        assert_eq!(PiiKind::parse("phone"), None);
        assert_eq!(PiiKind::parse(""), None);
        assert_eq!(PiiKind::parse("Mobile"), None);
    }

    #[test]
    fn test_fixtures_are_valid() {
        assert!(is_id_number(ID.as_bytes()));
        assert!(is_id_number(ID_DIGIT.as_bytes()));
        assert!(luhn_ok(CARD16.as_bytes()));
        assert!(luhn_ok(CARD19.as_bytes()));
        assert!(!luhn_ok(b"4111111111111112"));
    }

    #[test]
    fn id_number_with_x_found_and_masked() {
        let text = format!("身份证号：{ID}。");
        let hits = scan(&text);
        assert_eq!(hits.len(), 1);
        let h = &hits[0];
        assert_eq!(h.kind, PiiKind::IdNumber);
        assert_eq!(&text[h.start..h.end], ID);
        assert_eq!(h.masked, "110*************2X");
        assert!(!h.masked.contains(ID));
    }

    #[test]
    fn id_number_lowercase_x() {
        let text = "11010519491231002x";
        assert_eq!(kinds(text), vec![PiiKind::IdNumber]);
        assert_eq!(spans(text), vec![text]);
    }

    #[test]
    fn id_number_digit_check_is_not_reported_as_card() {
        assert_eq!(kinds(&format!("证件{ID_DIGIT}号")), vec![PiiKind::IdNumber]);
    }

    #[test]
    fn id_number_wrong_check_digit_is_not_an_id() {
        assert!(!kinds("110105194912310022").contains(&PiiKind::IdNumber));
        assert!(kinds("11010519491231002Y").is_empty());
        assert!(
            kinds("110105194912310029")
                .iter()
                .all(|k| *k != PiiKind::IdNumber)
        );
    }

    #[test]
    fn id_number_needs_plausible_birth_date() {
        // Valid check digit computed for an impossible date must still be refused.
        for body in [
            "11010518991231002",
            "11010519491301002",
            "11010519490230002",
            "11010521000101002",
        ] {
            let id = with_check(body);
            assert!(!is_id_number(id.as_bytes()), "{id}");
        }
        // Leap day is fine in a leap year.
        assert!(is_id_number(with_check("11010520000229002").as_bytes()));
        assert_eq!(with_check("11010519491231002"), ID);
    }

    #[test]
    fn id_x_followed_by_digit_is_not_an_id() {
        assert!(!kinds(&format!("{ID}5")).contains(&PiiKind::IdNumber));
    }

    #[test]
    fn mobile_plain_found() {
        let text = "联系电话13812345678，欢迎来电";
        let hits = scan(text);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].kind, PiiKind::Mobile);
        assert_eq!(&text[hits[0].start..hits[0].end], "13812345678");
        assert_eq!(hits[0].masked, "138******78");
    }

    #[test]
    fn mobile_next_to_ascii_letters_still_found() {
        assert_eq!(kinds("Tel13812345678"), vec![PiiKind::Mobile]);
        assert_eq!(kinds("13812345678abc"), vec![PiiKind::Mobile]);
    }

    #[test]
    fn mobile_prefix_rules() {
        assert!(kinds("12812345678").is_empty());
        assert!(kinds("10012345678").is_empty());
        assert!(kinds("23812345678").is_empty());
        for second in b'3'..=b'9' {
            let n = format!("1{}812345678", char::from(second));
            assert_eq!(kinds(&n), vec![PiiKind::Mobile], "{n}");
        }
    }

    #[test]
    fn masked_mobile_is_not_a_hit() {
        assert!(scan("请拨打138****1234咨询").is_empty());
        assert!(scan("138-****-1234").is_empty());
    }

    #[test]
    fn mobile_wrong_length_is_not_a_hit() {
        assert!(scan("1381234567").is_empty());
        assert!(scan("138123456789").is_empty());
    }

    #[test]
    fn grouped_mobile_found_with_whole_span() {
        for text in [
            "电话：138-1234-5678。",
            "电话 138 1234 5678 联系",
            "(139 8765-4321)",
        ] {
            let hits = scan(text);
            assert_eq!(hits.len(), 1, "{text}");
            let h = &hits[0];
            assert_eq!(h.kind, PiiKind::Mobile);
            let span = &text[h.start..h.end];
            assert_eq!(span.len(), 13, "{span}");
            assert!(span.starts_with("13"), "{span}");
            assert!(!h.masked.contains('-') && !h.masked.contains(' '));
            assert_eq!(h.masked.len(), 11);
        }
        assert_eq!(spans("a138-1234-5678b"), vec!["138-1234-5678"]);
    }

    #[test]
    fn grouped_mobile_rejects_odd_shapes() {
        assert!(scan("138--1234-5678").is_empty());
        assert!(scan("138-1234-56789").is_empty());
        assert!(scan("1380-1234-5678").is_empty());
        assert!(scan("12-138-1234-5678").is_empty());
        assert!(scan("138-1234-5678-9").is_empty());
        assert!(scan("118-1234-5678").is_empty());
    }

    #[test]
    fn country_code_forms() {
        assert_eq!(spans("+8613812345678"), vec!["13812345678"]);
        assert_eq!(spans("+86-138-1234-5678"), vec!["138-1234-5678"]);
        assert_eq!(spans("+86 138 1234 5678"), vec!["138 1234 5678"]);
        // Without '+' a 13-digit run is just a long number.
        assert!(scan("8613812345678").is_empty());
    }

    #[test]
    fn landline_and_dates_are_not_hits() {
        assert!(scan("办公电话021-5555-1234").is_empty());
        assert!(scan("(010) 6512 3456").is_empty());
        assert!(scan("2026-11-21 09:30 召开会议").is_empty());
        assert!(scan("2026年11月21日").is_empty());
        assert!(scan("2026-11-21T09:30:00+08:00").is_empty());
        assert!(scan("编号 2026-017，共 12 户").is_empty());
    }

    #[test]
    fn bank_card_found() {
        let text = format!("卡号{CARD16}。");
        let hits = scan(&text);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].kind, PiiKind::BankCard);
        assert_eq!(&text[hits[0].start..hits[0].end], CARD16);
        assert_eq!(hits[0].masked, "411***********11");
        assert_eq!(kinds(CARD19), vec![PiiKind::BankCard]);
        assert_eq!(scan(CARD19)[0].masked, "622**************28");
    }

    #[test]
    fn bank_card_needs_luhn_and_length() {
        assert!(scan("4111111111111112").is_empty());
        // 15 digits, Luhn-valid
        assert!(luhn_ok(b"378282246310005"));
        assert!(scan("378282246310005").is_empty());
    }

    #[test]
    fn long_runs_are_not_hits() {
        // 20 digits that contain valid card/mobile numbers inside.
        assert!(scan(&format!("{CARD16}0000")).is_empty());
        assert!(scan(&format!("1{CARD19}")).is_empty());
        assert!(scan("138123456781381234567813812345678").is_empty());
        assert!(scan(&format!("{ID_DIGIT}00")).is_empty());
    }

    #[test]
    fn multiple_hits_in_order_with_char_boundaries() {
        let text = format!("张三，身份证{ID}，电话13912345678；卡号{CARD16}，备用 138-1234-5678。");
        let hits = scan(&text);
        let got: Vec<PiiKind> = hits.iter().map(|h| h.kind).collect();
        assert_eq!(
            got,
            vec![
                PiiKind::IdNumber,
                PiiKind::Mobile,
                PiiKind::BankCard,
                PiiKind::Mobile
            ]
        );
        for w in hits.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
        for h in &hits {
            assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
            assert!(h.masked.contains('*'));
        }
    }

    #[test]
    fn masked_never_contains_whole_number() {
        let text = format!("{ID} {ID_DIGIT} 13812345678 {CARD16} {CARD19} 138-1234-5678");
        let hits = scan(&text);
        assert_eq!(hits.len(), 6);
        for h in hits {
            let whole = &text[h.start..h.end];
            assert_ne!(h.masked, whole);
            assert!(!h.masked.contains(whole));
            assert_eq!(h.masked.chars().filter(|c| *c != '*').count(), 5);
            assert!(!format!("{h:?}").contains(whole));
        }
    }

    #[test]
    fn mask_of_short_input_hides_everything() {
        assert_eq!(mask(b"12345"), "*****");
        assert_eq!(mask(b""), "");
        assert_eq!(mask(b"123456"), "123*56");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let inputs = [
            "",
            "1",
            "-",
            "+",
            "+86",
            "+86-",
            "138-",
            "138-1234-",
            "138 1234 567",
            "17位数字12345678901234567X",
            "\u{10FFFF}1381234567８",
            "１３８１２３４５６７８",
            "x1\u{0}2",
        ];
        for s in inputs {
            for h in scan(s) {
                assert!(h.start < h.end && h.end <= s.len());
            }
        }
        assert_eq!(kinds("１３８１２３４５６７８"), vec![PiiKind::Mobile]);
    }

    #[test]
    fn grouped_with_any_separator_found_whole() {
        for text in [
            "卡号 6222 0212 3456 7890 128 请核对",
            "卡号6222-0212-3456-7890-128",
            "卡号6222.0212.3456.7890.128",
            "卡号6222\u{00A0}0212\u{00A0}3456\u{00A0}7890\u{00A0}128",
            "卡号6222\u{202F}0212\u{202F}3456\u{202F}7890\u{202F}128",
        ] {
            let hits = scan(text);
            assert_eq!(hits.len(), 1, "{text}");
            assert_eq!(hits[0].kind, PiiKind::BankCard, "{text}");
            assert_eq!(hits[0].masked, "622**************28");
            let span = &text[hits[0].start..hits[0].end];
            assert!(span.starts_with("6222") && span.ends_with("128"), "{span}");
        }
        assert_eq!(kinds("138.1234.5678"), vec![PiiKind::Mobile]);
        assert_eq!(kinds("138\u{00A0}1234\u{00A0}5678"), vec![PiiKind::Mobile]);
        assert_eq!(kinds("110105 19491231 002X"), vec![PiiKind::IdNumber]);
    }

    #[test]
    fn zero_width_characters_do_not_hide_a_number() {
        for zw in ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'] {
            let text = format!("电话138{zw}1234{zw}5678。");
            let hits = scan(&text);
            assert_eq!(hits.len(), 1, "{zw:?}");
            assert_eq!(hits[0].kind, PiiKind::Mobile);
            assert_eq!(hits[0].masked, "138******78");
            assert!(text[hits[0].start..hits[0].end].ends_with("5678"));
            let split = format!("1{zw}1{zw}0105194912310{zw}02X");
            assert_eq!(kinds(&split), vec![PiiKind::IdNumber], "{zw:?}");
        }
    }

    #[test]
    fn full_width_digits_and_x() {
        let text = "身份证１１０１０５１９４９１２３１００２Ｘ。";
        let hits = scan(text);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].kind, PiiKind::IdNumber);
        assert_eq!(hits[0].masked, "110*************2X");
        assert_eq!(
            &text[hits[0].start..hits[0].end],
            "１１０１０５１９４９１２３１００２Ｘ"
        );
        assert_eq!(
            kinds("１１０１０５１９４９１２３１００２ｘ"),
            vec![PiiKind::IdNumber]
        );
        assert_eq!(
            kinds("４１１１１１１１１１１１１１１１"),
            vec![PiiKind::BankCard]
        );
        // Full-width and ASCII mixed, in groups.
        assert_eq!(kinds("１３８ 1234 ５６７８"), vec![PiiKind::Mobile]);
    }

    #[test]
    fn old_fifteen_digit_id_needs_a_birth_date() {
        // 110105 491231 002: born 1949-12-31.
        assert_eq!(kinds("旧证110105491231002号"), vec![PiiKind::IdNumber]);
        assert_eq!(kinds("110105 491231 002"), vec![PiiKind::IdNumber]);
        assert_eq!(scan("110105491231002")[0].masked, "110**********02");
        // Month 13, day 32, 30 February: not a birth date.
        assert!(scan("110105491331002").is_empty());
        assert!(scan("110105491232002").is_empty());
        assert!(scan("110105490230002").is_empty());
        // No region code starts with 0 or 9.
        assert!(scan("010105491231002").is_empty());
        assert!(scan("910105491231002").is_empty());
    }

    #[test]
    fn id_shape_with_wrong_check_digit_is_not_a_bank_card() {
        // 18 digits, valid birth date, wrong check digit (right one is X) — and Luhn-valid.
        let wrong = "110105198001010001"; // right check digit: 8
        assert!(luhn_ok(wrong.as_bytes()), "fixture must pass Luhn");
        assert!(!is_id_number(wrong.as_bytes()));
        assert!(scan(wrong).is_empty());
        assert!(scan("110105 19800101 0001").is_empty());
        // 18 digits whose "birth date" (1234-56-78) is impossible are a card number.
        let card = "622202123456789012";
        assert!(luhn_ok(card.as_bytes()));
        assert_eq!(kinds(card), vec![PiiKind::BankCard]);
    }

    #[test]
    fn two_numbers_side_by_side_are_both_found() {
        assert_eq!(
            kinds("13812345678 13912345678"),
            vec![PiiKind::Mobile, PiiKind::Mobile]
        );
        assert_eq!(kinds("共 3 户 12 13812345678"), vec![PiiKind::Mobile]);
    }

    #[test]
    fn small_groups_are_not_joined_into_numbers() {
        assert!(scan("192.168.1.100").is_empty());
        assert!(scan("1 3 8 1 2 3 4 5 6 7 8").is_empty());
        assert!(scan("第 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 项").is_empty());
        assert!(scan("2026.11.21 09:30").is_empty());
        assert!(scan("138--1234-5678").is_empty());
    }

    #[test]
    fn mask_text_keeps_shape_and_hides_digits() {
        assert_eq!(mask_text("电话 138-1234-5678。"), "电话 138-****-**78。");
        assert_eq!(
            mask_text("１３８１２３４５６７８"),
            "１３８＊＊＊＊＊＊７８"
        );
        assert_eq!(mask_text("无号码"), "无号码");
        let t = "卡 6222\u{200B}0212 3456 7890 128";
        let m = mask_text(t);
        assert!(
            !m.contains("0212") && !m.contains("3456") && !m.contains("7890"),
            "{m}"
        );
    }
}
