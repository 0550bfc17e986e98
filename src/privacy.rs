//! Personal-information scanning (content.md §4): resident ID numbers, mainland mobile numbers and
//! bank card numbers in text that is about to be published.
//!
//! Numbers are found as maximal runs of ASCII digits. A neighbouring ASCII letter does not hide a
//! number (`Tel13812345678` is still a mobile number); only the ID number's check character X takes
//! part in a run. Nothing here ever keeps or returns a whole number: callers get byte offsets and a
//! masked form.

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
    /// Byte offset just past the number (separators of a grouped mobile number included).
    pub end: usize,
    /// Display form: first 3 and last 2 characters kept, the rest '*'.
    pub masked: String,
}

/// GB 11643 weights for the first 17 characters of a resident ID number.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for (weighted sum mod 11).
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// Every hit in `text`, in order of position. Never returns the whole number anywhere except via start/end.
pub fn scan(text: &str) -> Vec<PiiHit> {
    // Work on bytes: every byte we match is ASCII, and bytes of multi-byte UTF-8 characters are
    // ≥ 0x80, so they never look like digits, letters or separators and offsets stay on char boundaries.
    let b = text.as_bytes();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_digit(b, i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while is_digit(b, end) {
            end += 1;
        }
        if let Some(hit) = grouped_mobile(b, start, end) {
            i = hit.end;
            hits.push(hit);
            continue;
        }
        if let Some(hit) = single_run(b, start, end) {
            i = hit.end;
            hits.push(hit);
            continue;
        }
        i = end;
    }
    hits
}

/// A hit made of the one digit run `b[start..end]` (plus an ID's trailing X).
fn single_run(b: &[u8], start: usize, end: usize) -> Option<PiiHit> {
    let digits = b.get(start..end)?;

    // 17 digits + X: the X belongs to the number, but it must not itself run on into more digits.
    if digits.len() == 17 && matches!(b.get(end), Some(b'X' | b'x')) && !is_digit(b, end + 1) {
        let with_x = b.get(start..end + 1)?;
        if is_id_number(with_x) {
            return Some(hit(PiiKind::IdNumber, b, start, end + 1));
        }
    }
    if digits.len() == 18 && is_id_number(digits) {
        return Some(hit(PiiKind::IdNumber, b, start, end));
    }
    if digits.len() == 11 && is_mobile(digits) {
        return Some(hit(PiiKind::Mobile, b, start, end));
    }
    // "+8613812345678": the country code is glued on, the number behind it is still a mobile.
    if digits.len() == 13
        && start > 0
        && b.get(start - 1) == Some(&b'+')
        && digits.starts_with(b"86")
        && is_mobile(digits.get(2..)?)
    {
        return Some(hit(PiiKind::Mobile, b, start + 2, end));
    }
    if (16..=19).contains(&digits.len()) && luhn_ok(digits) {
        return Some(hit(PiiKind::BankCard, b, start, end));
    }
    None
}

/// A mobile number written in 3-4-4 groups (`138-1234-5678`, `138 1234 5678`) whose first group is
/// the run `b[start..end]`.
fn grouped_mobile(b: &[u8], start: usize, end: usize) -> Option<PiiHit> {
    if end - start != 3 {
        return None;
    }
    let g2 = end + 1;
    let g3 = g2 + 5;
    let stop = g3 + 4;
    let shape = is_sep(b, end)
        && (g2..g2 + 4).all(|k| is_digit(b, k))
        && is_sep(b, g2 + 4)
        && (g3..stop).all(|k| is_digit(b, k))
        && !is_digit(b, stop);
    if !shape {
        return None;
    }
    // Not the middle of a longer dash-joined chain such as a serial number 12-138-1234-5678-9,
    // except after a country code: +86-138-1234-5678.
    let dash_before = start >= 2 && b.get(start - 1) == Some(&b'-') && is_digit(b, start - 2);
    let after_country_code = start >= 4 && b.get(start - 4..start) == Some(b"+86-".as_slice());
    if dash_before && !after_country_code {
        return None;
    }
    if b.get(stop) == Some(&b'-') && is_digit(b, stop + 1) {
        return None;
    }
    let digits: Vec<u8> = b
        .get(start..stop)?
        .iter()
        .copied()
        .filter(u8::is_ascii_digit)
        .collect();
    if !is_mobile(&digits) {
        return None;
    }
    Some(PiiHit {
        kind: PiiKind::Mobile,
        start,
        end: stop,
        masked: mask(&digits),
    })
}

fn hit(kind: PiiKind, b: &[u8], start: usize, end: usize) -> PiiHit {
    PiiHit {
        kind,
        start,
        end,
        masked: mask(b.get(start..end).unwrap_or_default()),
    }
}

fn is_digit(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

fn is_sep(b: &[u8], i: usize) -> bool {
    matches!(b.get(i), Some(b'-' | b' '))
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
    if s.len() != 18 || !body.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = body
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let expected = ID_CHECK.get((sum % 11) as usize).copied();
    if expected != Some(check.to_ascii_uppercase()) {
        return false;
    }
    // Characters 7–14 are the birth date YYYYMMDD.
    let field = |r: std::ops::Range<usize>| s.get(r).and_then(number);
    let (Some(year), Some(month), Some(day)) = (field(6..10), field(10..12), field(12..14)) else {
        return false;
    };
    (1900..=2099).contains(&year)
        && matches!(
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
        assert!(scan("138-123-45678").is_empty());
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
        assert!(scan("１３８１２３４５６７８").is_empty());
    }
}
