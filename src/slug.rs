//! ASCII URL slugs and pinyin initials (output.md "Slugs"; the kiosk's initials keypad).

use pinyin::{ToPinyin, ToPinyinMulti};

/// Most variants `initials_variants` returns; polyphonic text multiplies fast.
const MAX_VARIANTS: usize = 16;

/// URL slug: Han characters become toneless pinyin syllables joined by '-', ASCII letters lower-cased,
/// ASCII digits kept, anything else becomes '-', runs of '-' collapse, '-' trimmed from both ends.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(p) = c.to_pinyin() {
            // A syllable always stands alone between separators, even next to digits ("3号" → "3-hao").
            push_dash(&mut out);
            push_ascii_syllable(&mut out, p.plain());
            push_dash(&mut out);
        } else {
            push_dash(&mut out);
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Pinyin initials for kiosk search: each Han char → first letter of its (most common) toneless pinyin, upper-case;
/// ASCII letters upper-cased and digits kept; everything else dropped. "5号楼加装电梯" → "5HLJZDT".
pub fn initials(s: &str) -> String {
    s.chars().filter_map(primary_initial).collect()
}

/// All initials variants for polyphonic characters (e.g. 长 → C or Z, 行 → X or H), capped at 16 variants, first = initials(s).
///
/// Variants that differ from `initials(s)` in fewer characters come first: a visitor who guesses a
/// reading wrong usually does so for one character, and the cap must not crowd those out.
pub fn initials_variants(s: &str) -> Vec<String> {
    let base: Vec<char> = s.chars().filter_map(primary_initial).collect();
    // (position in `base`, other letters that position may take)
    let mut alternatives: Vec<(usize, Vec<char>)> = Vec::new();
    let mut pos = 0;
    for c in s.chars() {
        let Some(first) = primary_initial(c) else {
            continue;
        };
        let mut others: Vec<char> = Vec::new();
        if let Some(multi) = c.to_pinyin_multi() {
            for p in multi {
                // No let-chains: the crate's rust-version is 1.85.
                match syllable_initial(p.plain()) {
                    Some(l) if l != first && !others.contains(&l) => others.push(l),
                    _ => {}
                }
            }
        }
        if !others.is_empty() {
            alternatives.push((pos, others));
        }
        pos += 1;
    }

    let mut out = Vec::new();
    // Enumerate by number of changed positions: 0, 1, 2, … until the cap is reached.
    for changes in 0..=alternatives.len() {
        if out.len() >= MAX_VARIANTS {
            break;
        }
        let mut current = base.clone();
        collect_variants(&alternatives, 0, changes, &mut current, &mut out);
    }
    out
}

/// Appends every variant that changes exactly `changes` of `alts[from..]`, stopping at the cap.
fn collect_variants(
    alts: &[(usize, Vec<char>)],
    from: usize,
    changes: usize,
    current: &mut Vec<char>,
    out: &mut Vec<String>,
) {
    if out.len() >= MAX_VARIANTS {
        return;
    }
    if changes == 0 {
        out.push(current.iter().collect());
        return;
    }
    // Too few positions left to make the remaining changes: nothing to find below here.
    if alts.len().saturating_sub(from) < changes {
        return;
    }
    for i in from..alts.len() {
        if alts.len() - i < changes {
            break;
        }
        let (pos, letters) = &alts[i];
        let Some(slot) = current.get(*pos).copied() else {
            continue;
        };
        for &l in letters {
            if let Some(c) = current.get_mut(*pos) {
                *c = l;
            }
            collect_variants(alts, i + 1, changes - 1, current, out);
            if out.len() >= MAX_VARIANTS {
                break;
            }
        }
        if let Some(c) = current.get_mut(*pos) {
            *c = slot;
        }
        if out.len() >= MAX_VARIANTS {
            return;
        }
    }
}

/// The keypad letter for one character, or None when the character is dropped.
fn primary_initial(c: char) -> Option<char> {
    if c.is_ascii_alphabetic() {
        Some(c.to_ascii_uppercase())
    } else if c.is_ascii_digit() {
        Some(c)
    } else {
        c.to_pinyin().and_then(|p| syllable_initial(p.plain()))
    }
}

/// First letter of a toneless syllable, upper-case ASCII (ê → E; no syllable starts with ü).
fn syllable_initial(syllable: &str) -> Option<char> {
    syllable.chars().next().and_then(ascii_letter)
}

/// Toneless pinyin still has ü and ê; URLs and the keypad need plain ASCII (ü is written v by convention).
fn ascii_letter(c: char) -> Option<char> {
    match c {
        'ü' | 'Ü' => Some('V'),
        'ê' | 'Ê' => Some('E'),
        c if c.is_ascii_alphabetic() => Some(c.to_ascii_uppercase()),
        _ => None,
    }
}

fn push_ascii_syllable(out: &mut String, syllable: &str) {
    for c in syllable.chars() {
        match ascii_letter(c) {
            Some(l) => out.push(l.to_ascii_lowercase()),
            // Not expected in the data, but anything non-ASCII must not reach a URL.
            None => push_dash(out),
        }
    }
}

/// Pushes a separator unless it would lead the slug or double one already there.
fn push_dash(out: &mut String) {
    if !out.is_empty() && !out.ends_with('-') {
        out.push('-');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_han_becomes_pinyin_syllables() {
        assert_eq!(slugify("幸福里社区"), "xing-fu-li-she-qu");
    }

    #[test]
    fn slugify_mixes_digits_and_han() {
        assert_eq!(slugify("3号楼 电梯"), "3-hao-lou-dian-ti");
        assert_eq!(slugify("5号楼加装电梯"), "5-hao-lou-jia-zhuang-dian-ti");
    }

    #[test]
    fn slugify_keeps_problem_ids() {
        assert_eq!(slugify("2026-017"), "2026-017");
    }

    #[test]
    fn slugify_ascii_lowercases_and_separates() {
        assert_eq!(slugify("About Us!"), "about-us");
        assert_eq!(slugify("Hello_World.md"), "hello-world-md");
        assert_eq!(slugify("already-a-slug"), "already-a-slug");
    }

    #[test]
    fn slugify_collapses_and_trims_dashes() {
        assert_eq!(slugify("--"), "");
        assert_eq!(slugify(""), "");
        assert_eq!(slugify("  a -- b  "), "a-b");
        assert_eq!(slugify("!!!幸福!!!"), "xing-fu");
        assert_eq!(slugify("a---b"), "a-b");
    }

    #[test]
    fn slugify_han_next_to_ascii_letters() {
        assert_eq!(slugify("A栋"), "a-dong");
        assert_eq!(slugify("党建ABC联席"), "dang-jian-abc-lian-xi");
    }

    #[test]
    fn slugify_u_umlaut_is_ascii() {
        // 绿 is lü in toneless pinyin; URLs get the conventional v.
        assert_eq!(slugify("绿地"), "lv-di");
        assert_eq!(slugify("女"), "nv");
    }

    #[test]
    fn slugify_non_ascii_non_han_becomes_dash() {
        assert_eq!(slugify("café"), "caf");
        assert_eq!(slugify("x😀y"), "x-y");
        // Full-width punctuation and letters are not ASCII.
        assert_eq!(slugify("关于（我们）"), "guan-yu-wo-men");
        assert_eq!(slugify("ＡＢ"), "");
    }

    #[test]
    fn slugify_output_is_always_url_safe() {
        let inputs = [
            "幸福里社区党务居务公开",
            "欸嗯〇",
            "\u{10FFFF}\u{0}\t\n",
            "Ü ü ê",
            "2026年11月21日",
            "𠀀𪚥",
        ];
        for s in inputs {
            let slug = slugify(s);
            assert!(
                slug.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{s:?} → {slug:?}"
            );
            assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{slug:?}");
            assert!(!slug.contains("--"), "{slug:?}");
        }
    }

    #[test]
    fn slugify_is_idempotent() {
        for s in ["幸福里社区", "About Us!", "3号楼 电梯", "绿地"] {
            let once = slugify(s);
            assert_eq!(slugify(&once), once);
        }
    }

    #[test]
    fn initials_example() {
        assert_eq!(initials("5号楼加装电梯"), "5HLJZDT");
    }

    #[test]
    fn initials_ascii_and_dropped_characters() {
        assert_eq!(initials("About Us!"), "ABOUTUS");
        assert_eq!(initials("2026-017"), "2026017");
        assert_eq!(initials("（公示）"), "GS");
        assert_eq!(initials(""), "");
        assert_eq!(initials("😀—！"), "");
    }

    #[test]
    fn initials_use_most_common_reading() {
        assert_eq!(initials("幸福里社区"), "XFLSQ");
        // 长 reads zhang first in the data; 银行 → Y X (xing first).
        assert_eq!(initials("长"), "Z");
        assert_eq!(initials("绿"), "L");
    }

    #[test]
    fn variants_start_with_initials() {
        for s in ["5号楼加装电梯", "长行", "幸福里社区", "abc", ""] {
            let v = initials_variants(s);
            assert_eq!(
                v.first().map(String::as_str),
                Some(initials(s).as_str()),
                "{s}"
            );
        }
    }

    #[test]
    fn variants_cover_polyphonic_readings() {
        let v = initials_variants("长");
        assert!(v.contains(&"C".to_string()), "{v:?}");
        assert!(v.contains(&"Z".to_string()), "{v:?}");
        let v = initials_variants("银行");
        assert!(v.contains(&"YH".to_string()), "{v:?}");
        assert!(v.contains(&"YX".to_string()), "{v:?}");
        let v = initials_variants("长行");
        for want in ["ZX", "CX", "ZH", "CH"] {
            assert!(v.contains(&want.to_string()), "{want} missing from {v:?}");
        }
    }

    #[test]
    fn variants_without_polyphones_are_one() {
        assert_eq!(initials_variants("社楼"), vec!["SL".to_string()]);
        assert_eq!(initials_variants("A1"), vec!["A1".to_string()]);
        assert_eq!(initials_variants(""), vec![String::new()]);
    }

    #[test]
    fn variants_are_distinct_same_length_and_capped() {
        let s = "长长长长长长长长行行行行行行行行重重重重";
        let v = initials_variants(s);
        assert_eq!(v.len(), MAX_VARIANTS);
        let base = initials(s);
        for x in &v {
            assert_eq!(x.chars().count(), base.chars().count());
        }
        let mut sorted = v.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), v.len(), "duplicates in {v:?}");
    }

    #[test]
    fn variants_prefer_single_changes() {
        // Every variant after the first within the cap differs in exactly one place here,
        // because there are more than 15 single-change variants available.
        let s = "长长长长长长长长长长长长长长长长长长";
        let v = initials_variants(s);
        let base: Vec<char> = initials(s).chars().collect();
        assert_eq!(v.len(), MAX_VARIANTS);
        for x in v.iter().skip(1) {
            let diff = x.chars().zip(base.iter()).filter(|(a, b)| a != *b).count();
            assert_eq!(diff, 1, "{x}");
        }
    }

    #[test]
    fn variants_long_input_is_fast_and_bounded() {
        let s = "长行重乐".repeat(2000);
        let v = initials_variants(&s);
        assert_eq!(v.len(), MAX_VARIANTS);
        assert_eq!(v[0], initials(&s));
    }
}
