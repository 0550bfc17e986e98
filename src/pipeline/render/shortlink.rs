//! Short addresses for paper (output.md "Print"): a printed notice, problem or meeting carries a
//! QR code of an address whose path is at most 24 characters, short enough for a small code that
//! scans from a metre away. That is the record's own address when it is short enough (a problem's
//! `/problems/2026-011/`), else its short permalink `/p/CODE.html`: one small file, not a folder
//! with an `index.html` (a folder and a file take two blocks of the disk each, 80 MB at 10,000
//! records), that sends the browser on to the record (a meta refresh, and a link for those that
//! ignore it); every static host serves it as it is. The sheet also carries a short hash of the
//! record's source file, so a reader can tell two printings of different texts apart.

use crate::markdown::escape_html;
use crate::pipeline::derive::Site;
use crate::pipeline::model::Body;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// Digits and lower-case letters without 0, i, l and o, which are misread for one another when
/// typed off paper.
const ALPHABET: &[u8; 32] = b"123456789abcdefghjkmnpqrstuvwxyz";

/// Characters of a code; a code that is taken gets one more until it is free.
const CODE_LEN: usize = 6;

/// Per entry: its short code, for the kinds that print (notices, problems, meetings). Made from
/// the record's URL, not its text, so that a code on paper keeps working after an edit; entries
/// are taken in their stable order, so a collision resolves the same way in every build.
pub fn codes(site: &Site) -> Vec<Option<String>> {
    let mut taken: HashSet<String> = HashSet::new();
    site.entries
        .iter()
        .map(|e| {
            if !matches!(
                e.rec.body,
                Body::Notice(_) | Body::Problem(_) | Body::Meeting(_)
            ) {
                return None;
            }
            let digest = Sha256::digest(e.url.as_bytes());
            let chars: String = base32(&digest);
            let mut len = CODE_LEN;
            while len < chars.len() && taken.contains(&chars[..len]) {
                len += 1;
            }
            let code = chars[..len].to_string();
            taken.insert(code.clone());
            Some(code)
        })
        .collect()
}

/// Longest path a printed QR code carries (output.md "Print").
pub const MAX_PATH: usize = 24;

/// What the QR code of a printing record carries: the record's own root-relative `url` when it is
/// at most [`MAX_PATH`] characters, else the short permalink of `code` under `root`. The second
/// value says whether that is a short permalink, whose redirect file the build writes.
pub fn qr_path(root: &str, url: &str, code: &str) -> (String, bool) {
    if url.chars().count() <= MAX_PATH {
        (url.to_string(), false)
    } else {
        (format!("{root}{}", file(code)), true)
    }
}

/// The output file of a short permalink, relative to the output root.
pub fn file(code: &str) -> String {
    format!("p/{code}.html")
}

/// The first 8 hex digits of the SHA-256 of a record's source file.
pub fn content_code(text: &str) -> String {
    let mut hex = crate::digest::sha256_hex(text.as_bytes());
    hex.truncate(8);
    hex
}

/// 5 bits a character, from the top; bits left over at the end are dropped.
fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    out
}

/// The default theme's Content-Security-Policy (base.html), which every page of the site sends.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; object-src 'none'; base-uri 'self'; form-action 'self'";

/// The redirect file of a short permalink: `target` is the record's root-relative URL, `absolute`
/// its full one. As small as a valid page can be, with the policy every page of the site sends.
pub fn page(target: &str, absolute: &str, title: &str, language: &str) -> String {
    let mut t = String::new();
    escape_html(&mut t, title);
    let mut href = String::new();
    escape_html(&mut href, target);
    let mut canonical = String::new();
    escape_html(&mut canonical, absolute);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{language}\">\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={href}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <title>{t}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n\
         <p>正在打开本页。如未自动跳转，请点击：<a href=\"{href}\">{t}</a></p>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_reads_five_bits_at_a_time() {
        // 00000 000|01 00010 0: 0 → '1', 1 → '2', 2 → '3'.
        assert_eq!(base32(&[0x00, 0x44]), "123");
        assert_eq!(base32(&[0xff]), "z");
    }

    #[test]
    fn content_code_is_the_first_eight_hex_digits_of_sha256() {
        // SHA-256("abc") = ba7816bf 8f01cfea …
        assert_eq!(content_code("abc"), "ba7816bf");
    }

    #[test]
    fn the_redirect_page_escapes_and_points_at_the_record() {
        let html = page("/notices/a/", "https://x.cn/notices/a/", "A&B<", "zh-CN");
        assert!(html.contains("<meta http-equiv=\"refresh\" content=\"0; url=/notices/a/\">"));
        assert!(html.contains("<a href=\"/notices/a/\">A&amp;B&lt;</a>"));
        assert!(html.contains("<link rel=\"canonical\" href=\"https://x.cn/notices/a/\">"));
    }

    #[test]
    fn a_short_own_address_is_printed_as_it_is_a_long_one_by_its_code() {
        let own = "/problems/2026-011/";
        assert_eq!(qr_path("/", own, "abc234"), (own.to_string(), false));
        // 24 characters exactly: still the record's own.
        let edge = "/meetings/2024-01-00001/";
        assert_eq!(edge.len(), MAX_PATH);
        assert!(!qr_path("/", edge, "abc234").1);
        let long = "/notices/2026-11-dangyuan-gongshi/";
        assert_eq!(
            qr_path("/", long, "abc234"),
            ("/p/abc234.html".to_string(), true)
        );
        assert_eq!(
            qr_path("/xingfuli/", "/xingfuli/notices/2026-q3-caiwu/", "abc234").0,
            "/xingfuli/p/abc234.html"
        );
    }
}
