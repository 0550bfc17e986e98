//! QR codes of record URLs as small inline SVG elements.
//!
//! The symbol is exactly the one `qrcode::QrCode::new(text)` makes (automatic segment modes,
//! error-correction level M, the smallest version that fits, the mask with the lowest
//! ISO/IEC 18004 penalty), but built from the crate's low-level API: the crate scores the eight
//! masks with per-module bounds-checked look-ups, which made QR codes the most expensive part of a
//! build. Here the rows and columns are bit sets of 64-bit words: a mask is one XOR a line (its
//! pattern repeats every 12 modules), and each penalty rule is counted for a whole line at once
//! with shifts and popcounts, giving the crate's exact totals; with its tie-breaking (the first
//! lowest wins) the mask chosen, and so every module, is the same.
//!
//! The SVG holds the symbol as a small 1-bit PNG (a few hundred bytes as base 64): a `<path>` of
//! the runs of dark modules took 1.6 KB on every printable record page.

use qrcode::bits;
use qrcode::canvas::{Canvas, MaskPattern, Module};
use qrcode::ec::construct_codewords;
use qrcode::types::{Color, EcLevel, Version};

/// Light modules around the symbol, as the standard asks.
const QUIET_ZONE: usize = 4;

/// The rendered size is at least this many CSS pixels, a whole number of pixels per module.
const MIN_SIZE_PX: usize = 160;

/// The eight masks, in the order the crate tries them: on equal penalties the first one wins.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The 15-bit format information (already XOR-ed with 101010000010010) for error-correction
/// level M and masks 0 to 7: the crate's `FORMAT_INFOS_QR[mask]`, BCH(15,5) of `00 mmm`.
const FORMAT_INFO_M: [u16; 8] = [
    0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0,
];

/// Where the format bits go, most significant first: beside the top-left finder pattern
/// (`(x, y)`), and split between the top-right and bottom-left ones (negative: from the far edge).
const FORMAT_COORDS_MAIN: [(i32, i32); 15] = [
    (0, 8),
    (1, 8),
    (2, 8),
    (3, 8),
    (4, 8),
    (5, 8),
    (7, 8),
    (8, 8),
    (8, 7),
    (8, 5),
    (8, 4),
    (8, 3),
    (8, 2),
    (8, 1),
    (8, 0),
];
const FORMAT_COORDS_SIDE: [(i32, i32); 15] = [
    (8, -1),
    (8, -2),
    (8, -3),
    (8, -4),
    (8, -5),
    (8, -6),
    (8, -7),
    (-8, 8),
    (-7, 8),
    (-6, 8),
    (-5, 8),
    (-4, 8),
    (-3, 8),
    (-2, 8),
    (-1, 8),
];

/// The QR code of `text` as an `<svg>` element (no XML prolog), with a four-module quiet zone,
/// sized to at least 160×160 CSS px; empty when `text` is empty or too long for a QR code.
pub fn svg(text: &str) -> String {
    match Symbol::encode(text) {
        Some(symbol) => symbol.to_svg(),
        None => String::new(),
    }
}

/// A finished symbol: `width`×`width` modules, row by row, `true` for dark.
#[derive(Debug, PartialEq, Eq)]
struct Symbol {
    width: usize,
    dark: Vec<bool>,
}

impl Symbol {
    fn encode(text: &str) -> Option<Self> {
        if text.is_empty() {
            return None;
        }
        let ec_level = EcLevel::M;
        let bits = bits::encode_auto(text.as_bytes(), ec_level).ok()?;
        let version = bits.version();
        let data = bits.into_bytes();
        let (data_codewords, ec_codewords) = construct_codewords(&data, version, ec_level).ok()?;
        let mut canvas = Canvas::new(version, ec_level);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data_codewords, &ec_codewords);
        let width = usize::try_from(version.width()).ok()?;
        // `encode_auto` only makes normal QR codes, at most 177 modules wide; anything else (Micro
        // QR has other masks, format information and penalty) is left to the crate.
        let best = match version {
            Version::Normal(_) => best_mask(&canvas, width),
            Version::Micro(_) => None,
        };
        let dark = match best {
            Some((_, dark)) => dark,
            None => canvas
                .apply_best_mask()
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        };
        Some(Self { width, dark })
    }

    fn to_svg(&self) -> String {
        let n = self.width + 2 * QUIET_ZONE;
        let size = n * MIN_SIZE_PX.div_ceil(n);
        let png = self.to_png();
        let mut out = String::with_capacity(240 + png.len() * 4 / 3);
        out.push_str(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#);
        push_num(&mut out, n);
        out.push(' ');
        push_num(&mut out, n);
        out.push_str(r#"" width=""#);
        push_num(&mut out, size);
        out.push_str(r#"" height=""#);
        push_num(&mut out, size);
        out.push_str(r#"" role="img" aria-label="二维码"><image width=""#);
        push_num(&mut out, n);
        out.push_str(r#"" height=""#);
        push_num(&mut out, n);
        out.push_str(r#"" style="image-rendering:pixelated" href="data:image/png;base64,"#);
        base64(&mut out, &png);
        out.push_str(r#""/></svg>"#);
        out
    }

    /// The symbol with its quiet zone as a 1-bit greyscale PNG, [`PNG_SCALE`] pixels a module.
    /// A bitmap of a few hundred bytes is a third of the smallest path that draws the modules,
    /// and the symbol sits on every printable record page. The browser is asked not to smooth it
    /// (`image-rendering: pixelated`; its PDF then tells viewers the same), and a viewer that
    /// smooths it anyway blurs a quarter of a module at each edge, which a reader does not mind.
    fn to_png(&self) -> Vec<u8> {
        let w = self.width;
        let n = w + 2 * QUIET_ZONE;
        let px = n * PNG_SCALE;
        let stride = px.div_ceil(8);
        let mut data = vec![0xffu8; stride * px]; // 1 is white
        for (y, row) in self.dark.chunks_exact(w.max(1)).enumerate() {
            for (x, _) in row.iter().enumerate().filter(|(_, d)| **d) {
                for dy in 0..PNG_SCALE {
                    let line = ((y + QUIET_ZONE) * PNG_SCALE + dy) * stride;
                    for dx in 0..PNG_SCALE {
                        let col = (x + QUIET_ZONE) * PNG_SCALE + dx;
                        data[line + col / 8] &= !(0x80 >> (col % 8));
                    }
                }
            }
        }
        let mut out = Vec::new();
        let side = u32::try_from(px).unwrap_or(u32::MAX);
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        encoder.set_compression(png::Compression::High);
        encoder.set_filter(png::Filter::NoFilter);
        let written = encoder
            .write_header()
            .and_then(|mut writer| writer.write_image_data(&data));
        if written.is_err() {
            return Vec::new();
        }
        out
    }
}

/// Pixels a module in the PNG (see `to_png`).
const PNG_SCALE: usize = 4;

/// Appends `bytes` in base 64 with padding (RFC 4648).
fn base64(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for group in bytes.chunks(3) {
        let b = [
            group[0],
            *group.get(1).unwrap_or(&0),
            *group.get(2).unwrap_or(&0),
        ];
        let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(DIGITS[((v >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
}

/// Appends `n` in decimal.
fn push_num(out: &mut String, n: usize) {
    if n >= 10 {
        push_num(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// The mask the crate would choose for the drawn, unmasked `canvas` (the first with the lowest
/// penalty) and the symbol with it. `None` only for a width beyond version 40's.
fn best_mask(canvas: &Canvas, width: usize) -> Option<(usize, Vec<bool>)> {
    match width.div_ceil(64) {
        1 => Some(Planes::<1>::read(canvas, width).best_mask()),
        2 => Some(Planes::<2>::read(canvas, width).best_mask()),
        3 => Some(Planes::<3>::read(canvas, width).best_mask()),
        _ => None,
    }
}

/// Every mask's symbol and penalty, for the tests.
#[cfg(test)]
fn all_masks(canvas: &Canvas, width: usize) -> Vec<(Vec<bool>, u32)> {
    fn all<const N: usize>(planes: &Planes<N>) -> Vec<(Vec<bool>, u32)> {
        let (mut rows, mut cols) = (Vec::new(), Vec::new());
        (0..MASKS.len())
            .map(|mask| {
                planes.apply_mask(mask, &mut rows, &mut cols);
                (planes.to_dark(&rows), planes.penalty(&rows, &cols))
            })
            .collect()
    }
    match width.div_ceil(64) {
        1 => all(&Planes::<1>::read(canvas, width)),
        2 => all(&Planes::<2>::read(canvas, width)),
        _ => all(&Planes::<3>::read(canvas, width)),
    }
}

/// Mask patterns repeat every 12 modules across and down (`y / 2 % 2` has period 4, `x * y % 3`
/// period 3), so 12 rows (and 12 columns) of each cover any symbol up to 3 × 64 modules wide.
const PERIOD: usize = 12;
const MAX_WORDS: usize = 3;

/// `ROW_MASKS[mask][y % 12]` has bit `x` set where `mask` flips module `(x, y)`;
/// `COL_MASKS[mask][x % 12]` has bit `y` set for the same.
const ROW_MASKS: [[[u64; MAX_WORDS]; PERIOD]; 8] = mask_table(false);
const COL_MASKS: [[[u64; MAX_WORDS]; PERIOD]; 8] = mask_table(true);

/// Whether mask `mask` (0 to 7, the crate's `MaskPattern` numbers) flips module `(x, y)`.
const fn mask_flips(mask: usize, x: usize, y: usize) -> bool {
    match mask {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

const fn mask_table(columns: bool) -> [[[u64; MAX_WORDS]; PERIOD]; 8] {
    let mut table = [[[0; MAX_WORDS]; PERIOD]; 8];
    let mut mask = 0;
    while mask < 8 {
        let mut line = 0;
        while line < PERIOD {
            let mut i = 0;
            while i < 64 * MAX_WORDS {
                let (x, y) = if columns { (line, i) } else { (i, line) };
                if mask_flips(mask, x, y) {
                    table[mask][line][i / 64] |= 1 << (i % 64);
                }
                i += 1;
            }
            line += 1;
        }
        mask += 1;
    }
    table
}

/// One row or column of modules as a bit set, bit `i` (word `i / 64`) for module `i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Line<const N: usize>([u64; N]);

impl<const N: usize> Line<N> {
    const EMPTY: Self = Self([0; N]);

    /// Bits `0..len`.
    fn first(len: usize) -> Self {
        let mut words = [0; N];
        for (i, word) in words.iter_mut().enumerate() {
            let bits = len.saturating_sub(64 * i).min(64);
            *word = if bits == 64 {
                u64::MAX
            } else {
                (1 << bits) - 1
            };
        }
        Self(words)
    }

    fn from_table(words: &[u64; MAX_WORDS]) -> Self {
        let mut out = [0; N];
        out.copy_from_slice(&words[..N]);
        Self(out)
    }

    /// Sets bit `i` if `on`.
    fn or(&mut self, i: usize, on: bool) {
        self.0[i / 64] |= u64::from(on) << (i % 64);
    }

    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }

    fn set(&mut self, i: usize, on: bool) {
        let bit = 1 << (i % 64);
        if on {
            self.0[i / 64] |= bit;
        } else {
            self.0[i / 64] &= !bit;
        }
    }

    /// Bit `i` of the result is bit `i + k` (`1 <= k < 64`): module `i + k` seen from module `i`.
    fn after(self, k: u32) -> Self {
        let mut out = self.0.map(|word| word >> k);
        for (o, next) in out.iter_mut().zip(&self.0[1..]) {
            *o |= next << (64 - k);
        }
        Self(out)
    }

    /// Bit `i` of the result is bit `i - k` (`1 <= k < 64`), zero for `i < k`.
    fn before(self, k: u32) -> Self {
        let mut out = self.0.map(|word| word << k);
        for (o, previous) in out.iter_mut().skip(1).zip(&self.0) {
            *o |= previous >> (64 - k);
        }
        Self(out)
    }

    fn count(self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }
}

macro_rules! line_op {
    ($trait:ident, $method:ident, $assign:tt) => {
        impl<const N: usize> std::ops::$trait for Line<N> {
            type Output = Self;
            fn $method(self, other: Self) -> Self {
                let mut out = self.0;
                for (o, b) in out.iter_mut().zip(other.0) {
                    *o $assign b;
                }
                Self(out)
            }
        }
    };
}
line_op!(BitAnd, bitand, &=);
line_op!(BitOr, bitor, |=);
line_op!(BitXor, bitxor, ^=);

impl<const N: usize> std::ops::Not for Line<N> {
    type Output = Self;
    fn not(self) -> Self {
        Self(self.0.map(|w| !w))
    }
}

/// The unmasked symbol as bit sets, by rows and by columns, to mask and score whole lines at once.
struct Planes<const N: usize> {
    width: usize,
    row_colors: Vec<Line<N>>,
    row_maskable: Vec<Line<N>>,
    col_colors: Vec<Line<N>>,
    col_maskable: Vec<Line<N>>,
    /// Format-information modules as `(x, y)`, most significant bit first, twice over.
    format: [[(usize, usize); 15]; 2],
}

impl<const N: usize> Planes<N> {
    /// Reads the canvas once (`width` at most `64 * N`): functional patterns (and the reserved
    /// format area) are already `Masked`; data and error-correction modules are `Unmasked`, and
    /// any left `Empty` (remainder bits) are light data modules, as the crate's `Module::mask`
    /// treats them.
    fn read(canvas: &Canvas, width: usize) -> Self {
        let w = width;
        let mut planes = Self {
            width: w,
            row_colors: vec![Line::EMPTY; w],
            row_maskable: vec![Line::EMPTY; w],
            col_colors: vec![Line::EMPTY; w],
            col_maskable: vec![Line::EMPTY; w],
            format: [[(0, 0); 15]; 2],
        };
        for y in 0..w {
            for x in 0..w {
                // `width` came from an `i16` (at most 177), so the coordinates fit.
                let (color, maskable) = match canvas.get(x as i16, y as i16) {
                    Module::Empty => (Color::Light, true),
                    Module::Unmasked(c) => (c, true),
                    Module::Masked(c) => (c, false),
                };
                let dark = color == Color::Dark;
                planes.row_colors[y].or(x, dark);
                planes.row_maskable[y].or(x, maskable);
                planes.col_colors[x].or(y, dark);
                planes.col_maskable[x].or(y, maskable);
            }
        }
        let wrap = |v: i32| {
            if v < 0 {
                w - v.unsigned_abs() as usize
            } else {
                v as usize
            }
        };
        for (out, coords) in planes
            .format
            .iter_mut()
            .zip([FORMAT_COORDS_MAIN, FORMAT_COORDS_SIDE])
        {
            for (o, (x, y)) in out.iter_mut().zip(coords) {
                *o = (wrap(x), wrap(y));
            }
        }
        planes
    }

    fn best_mask(&self) -> (usize, Vec<bool>) {
        let (mut rows, mut cols) = (Vec::new(), Vec::new());
        let (mut best, mut best_score) = (0, u32::MAX);
        for mask in 0..MASKS.len() {
            self.apply_mask(mask, &mut rows, &mut cols);
            let score = self.penalty(&rows, &cols);
            if score < best_score {
                (best, best_score) = (mask, score);
            }
        }
        self.apply_mask(best, &mut rows, &mut cols);
        (best, self.to_dark(&rows))
    }

    /// The symbol with mask `mask` (0 to 7) and its format information, by rows and by columns.
    fn apply_mask(&self, mask: usize, rows: &mut Vec<Line<N>>, cols: &mut Vec<Line<N>>) {
        let mask = mask % MASKS.len();
        let lines = |colors: &[Line<N>],
                     maskable: &[Line<N>],
                     table: &[[u64; MAX_WORDS]; PERIOD],
                     out: &mut Vec<Line<N>>| {
            out.clear();
            out.extend(
                colors
                    .iter()
                    .zip(maskable)
                    .enumerate()
                    .map(|(i, (&c, &m))| c ^ (m & Line::from_table(&table[i % PERIOD]))),
            );
        };
        lines(&self.row_colors, &self.row_maskable, &ROW_MASKS[mask], rows);
        lines(&self.col_colors, &self.col_maskable, &COL_MASKS[mask], cols);
        let info = FORMAT_INFO_M[mask];
        for coords in &self.format {
            for (k, &(x, y)) in coords.iter().enumerate() {
                let on = info >> (14 - k) & 1 == 1;
                rows[y].set(x, on);
                cols[x].set(y, on);
            }
        }
        // The dark module at (8, width - 8) is functional, already dark in the colours.
    }

    fn to_dark(&self, rows: &[Line<N>]) -> Vec<bool> {
        rows.iter()
            .flat_map(|row| (0..self.width).map(move |x| row.get(x)))
            .collect()
    }

    /// The penalty of a masked symbol exactly as the qrcode crate's
    /// `Canvas::compute_total_penalty_scores` computes it for normal QR codes:
    /// - N1: each run of 5 + k modules of one colour in a row or column: 3 + k;
    /// - N2: each 2×2 block of one colour (overlapping ones counted): 3;
    /// - N3: each `#.###.#` in a row or column with four light modules (or the edge) on at least
    ///   one side: 40, less the 9 × 40 each direction always has from the finder patterns;
    /// - N4: |dark × 200 / all − 100| (the crate does not round to steps of 5 %).
    ///
    /// The crate adds these up in `u16`; they stay far below its range for real symbols.
    fn penalty(&self, rows: &[Line<N>], cols: &[Line<N>]) -> u32 {
        let w = self.width;
        let pairs = Line::first(w.saturating_sub(1)); // positions with a right-hand neighbour
        let (mut runs, mut finders) = (0, 0);
        for &line in rows.iter().chain(cols) {
            let (r, f) = line_penalty(line, pairs);
            runs += r;
            finders += f;
        }
        let mut blocks = 0;
        for (&top, &bottom) in rows.iter().zip(rows.iter().skip(1)) {
            let same_down = !(top ^ bottom);
            let same_across = !(top ^ top.after(1));
            blocks += (same_down & same_down.after(1) & same_across & pairs).count();
        }
        let dark: u32 = rows.iter().map(|row| row.count()).sum();
        let ratio = dark as usize * 200 / (w * w).max(1);
        let balance = ratio.abs_diff(100) as u32;
        runs + 3 * blocks + (40 * finders).saturating_sub(2 * 360) + balance
    }
}

/// Rule N1's score and rule N3's number of finder-like patterns of one row or column (modules
/// past the end are zero, that is light; `pairs` are the positions `0..width - 1`).
fn line_penalty<const N: usize>(line: Line<N>, pairs: Line<N>) -> (u32, u32) {
    // N1: a run of n >= 5 has n - 4 windows of five equal modules; add 2 at each run's start.
    let same = !(line ^ line.after(1)) & pairs;
    let five = same & same.after(1) & same.after(2) & same.after(3);
    let starts = five & !same.before(1);
    let runs = five.count() + 2 * starts.count();
    // N3: `#.###.#` starting here, unless dark modules lie within four on both sides.
    let pattern = line
        & !line.after(1)
        & line.after(2)
        & line.after(3)
        & line.after(4)
        & !line.after(5)
        & line.after(6);
    let dark_left = line.before(1) | line.before(2) | line.before(3) | line.before(4);
    let dark_right = line.after(7) | line.after(8) | line.after(9) | line.after(10);
    let finders = (pattern & !(dark_left & dark_right)).count();
    (runs, finders)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Percent-encodes `s` as a browser does for a URL path.
    fn percent_encode(s: &str) -> String {
        let mut out = String::new();
        for &b in s.as_bytes() {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    /// Many texts: short ASCII URLs and percent-encoded Chinese ones of up to ~600 bytes.
    fn corpus() -> Vec<String> {
        const HANZI: &str = "幸福里社区居民委员会党务公开财务收支季度公示关于征求意见的通知停水停电物业维修基金使用情况";
        let hanzi: Vec<char> = HANZI.chars().collect();
        let mut texts = vec![
            "a".to_string(),
            "https://example.cn/".to_string(),
            "https://xingfuli.example.cn/notices/2026-q3-caiwu/".to_string(),
            "HTTPS://EXAMPLE.CN/NOTICES/2026/".to_string(),
            "01234567890123456789".to_string(),
        ];
        for n in 0..150 {
            texts.push(format!("https://example.cn/notices/2026-xxxx-{n}/"));
        }
        let mut seed = 0x2545_f491_u64;
        for n in 0..200 {
            let mut title = String::new();
            for _ in 0..(1 + n % 66) {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                title.push(hanzi[(seed >> 33) as usize % hanzi.len()]);
            }
            texts.push(format!(
                "https://xingfuli.example.cn/notices/{}/",
                percent_encode(&title)
            ));
        }
        // Wider than 64 and 128 modules (two and three words a line), up to version 40.
        for len in [700, 1100, 1500, 2000, 2300] {
            texts.push(format!("https://example.cn/{}", "x%E5".repeat(len / 4)));
        }
        texts.push(format!("https://example.cn/{}", "x".repeat(2300)));
        texts
    }

    fn crate_symbol(text: &str) -> Symbol {
        let code = qrcode::QrCode::new(text.as_bytes()).expect("encodable");
        Symbol {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        }
    }

    fn crate_canvas(text: &str) -> Canvas {
        let bits = bits::encode_auto(text.as_bytes(), EcLevel::M).expect("encodable");
        let version = bits.version();
        let (data, ec) =
            construct_codewords(&bits.into_bytes(), version, EcLevel::M).expect("codewords");
        let mut canvas = Canvas::new(version, EcLevel::M);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        canvas
    }

    /// The crate's private `compute_total_penalty_scores` for normal QR codes, line for line,
    /// over its public `Canvas::get`.
    fn crate_penalty(c: &Canvas, width: i16) -> u16 {
        let adjacent = |horizontal: bool| {
            let mut total = 0u16;
            for i in 0..width {
                let get = |j| if horizontal { c.get(j, i) } else { c.get(i, j) };
                let mut last = Module::Empty;
                let mut len = 1u16;
                for m in (0..width).map(get).chain(Some(Module::Empty)) {
                    if m == last {
                        len += 1;
                    } else {
                        last = m;
                        if len >= 5 {
                            total += len - 2;
                        }
                        len = 1;
                    }
                }
            }
            total
        };
        let block = || {
            let mut total = 0u16;
            for i in 0..width - 1 {
                for j in 0..width - 1 {
                    let this = c.get(i, j);
                    if this == c.get(i + 1, j)
                        && this == c.get(i, j + 1)
                        && this == c.get(i + 1, j + 1)
                    {
                        total += 3;
                    }
                }
            }
            total
        };
        let finder = |horizontal: bool| {
            const PATTERN: [Color; 7] = [
                Color::Dark,
                Color::Light,
                Color::Dark,
                Color::Dark,
                Color::Dark,
                Color::Light,
                Color::Dark,
            ];
            let mut total = 0u16;
            for i in 0..width {
                let get =
                    |k| -> Color { if horizontal { c.get(k, i) } else { c.get(i, k) }.into() };
                for j in 0..width - 6 {
                    if (j..j + 7).map(get).ne(PATTERN.iter().copied()) {
                        continue;
                    }
                    let check = |k| 0 <= k && k < width && get(k) != Color::Light;
                    if !((j - 4)..j).any(check) || !((j + 7)..(j + 11)).any(check) {
                        total += 40;
                    }
                }
            }
            total - 360
        };
        let balance = || {
            let all = (width as usize) * (width as usize);
            let dark = (0..width)
                .flat_map(|y| (0..width).map(move |x| (x, y)))
                .filter(|&(x, y)| c.get(x, y).is_dark())
                .count();
            let ratio = dark * 200 / all;
            ratio.abs_diff(100) as u16
        };
        adjacent(true) + adjacent(false) + block() + finder(true) + finder(false) + balance()
    }

    #[test]
    fn same_symbol_and_penalties_as_the_qrcode_crate() {
        let mut chosen = [0usize; 8];
        let mut versions = std::collections::BTreeSet::new();
        for text in corpus() {
            let canvas = crate_canvas(&text);
            let expected = crate_symbol(&text);
            let w = expected.width;
            versions.insert(w);
            for (mask, (&pattern, (grid, score))) in
                MASKS.iter().zip(all_masks(&canvas, w)).enumerate()
            {
                let mut masked = canvas.clone();
                masked.apply_mask(pattern);
                let theirs: Vec<bool> = masked
                    .clone()
                    .into_colors()
                    .into_iter()
                    .map(|c| c == Color::Dark)
                    .collect();
                assert!(grid == theirs, "{text}: mask {mask} applied differently");
                assert_eq!(
                    score,
                    u32::from(crate_penalty(&masked, w as i16)),
                    "{text}: penalty of mask {mask}"
                );
            }
            let ours = Symbol::encode(&text).expect("encodable");
            assert_eq!(ours, expected, "{text}: not the crate's symbol");
            chosen[best_mask(&canvas, w).expect("normal width").0] += 1;
        }
        assert!(
            chosen.iter().all(|&n| n > 0),
            "every mask chosen at least once: {chosen:?}"
        );
        assert!(versions.len() >= 20, "many versions: {versions:?}");
        assert!(versions.contains(&177), "up to version 40: {versions:?}");
        assert!(
            versions.iter().any(|w| (65..=128).contains(w)),
            "two words a line: {versions:?}"
        );
    }

    /// Reads the PNG in the SVG back into a `n`×`n` bitmap of modules, checking that every
    /// module is `PNG_SCALE`×`PNG_SCALE` pixels of one colour.
    fn rasterise(svg: &str) -> (usize, Vec<bool>) {
        let view = svg.split("viewBox=\"0 0 ").nth(1).expect("viewBox");
        let n: usize = view
            .split(' ')
            .next()
            .expect("width")
            .parse()
            .expect("number");
        let b64 = svg
            .split("href=\"data:image/png;base64,")
            .nth(1)
            .expect("PNG");
        let b64 = &b64[..b64.find('"').expect("end of href")];
        let png = unbase64(b64);
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().expect("PNG header");
        let info = reader.info();
        assert_eq!(
            (info.color_type, info.bit_depth),
            (png::ColorType::Grayscale, png::BitDepth::One)
        );
        let px = n * PNG_SCALE;
        assert_eq!((info.width, info.height), (px as u32, px as u32));
        let mut data = vec![0; reader.output_buffer_size().expect("size")];
        reader.next_frame(&mut data).expect("PNG data");
        let stride = px.div_ceil(8);
        let dark = |x: usize, y: usize| data[y * stride + x / 8] & (0x80 >> (x % 8)) == 0;
        let mut bitmap = vec![false; n * n];
        for y in 0..px {
            for x in 0..px {
                let (mx, my) = (x / PNG_SCALE, y / PNG_SCALE);
                if x % PNG_SCALE == 0 && y % PNG_SCALE == 0 {
                    bitmap[my * n + mx] = dark(x, y);
                }
                assert_eq!(dark(x, y), bitmap[my * n + mx], "pixel ({x}, {y})");
            }
        }
        (n, bitmap)
    }

    fn unbase64(s: &str) -> Vec<u8> {
        const DIGITS: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in s.bytes().filter(|&c| c != b'=') {
            let v = DIGITS.iter().position(|&d| d == c).expect("base-64 digit");
            acc = (acc << 6) | v as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }

    #[test]
    fn base64_of_rfc_4648_examples() {
        for (raw, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            base64(&mut out, raw.as_bytes());
            assert_eq!(out, want);
            assert_eq!(unbase64(want), raw.as_bytes());
        }
    }

    #[test]
    fn the_image_draws_the_symbol_and_rqrr_reads_it() {
        let long = percent_encode(&"幸福里社区居民委员会财务公示".repeat(4));
        let texts = [
            "a".to_string(),
            "https://example.cn/notices/2026-xxxx-1/".to_string(),
            format!(
                "https://xingfuli.example.cn/notices/{}/",
                percent_encode("关于停水的通知")
            ),
            format!("https://xingfuli.example.cn/notices/{long}/"),
            format!(
                "https://xingfuli.example.cn/notices/{long}/{long}/{}/",
                &long[..120]
            ),
        ];
        for text in &texts {
            let svg = svg(text);
            assert!(
                svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "),
                "{svg}"
            );
            assert!(svg.ends_with("\"/></svg>") && !svg.contains("<?xml"));
            assert!(
                svg.contains(" style=\"image-rendering:pixelated\" "),
                "{svg}"
            );
            let symbol = Symbol::encode(text).expect("encodable");
            let (n, bitmap) = rasterise(&svg);
            assert_eq!(n, symbol.width + 2 * QUIET_ZONE);
            let size = format!(" width=\"{0}\" height=\"{0}\" ", n * 160usize.div_ceil(n));
            assert!(svg.contains(&size), "{size} in {svg}");
            for y in 0..n {
                for x in 0..n {
                    let inside = (QUIET_ZONE..n - QUIET_ZONE).contains(&x)
                        && (QUIET_ZONE..n - QUIET_ZONE).contains(&y);
                    let want =
                        inside && symbol.dark[(y - QUIET_ZONE) * symbol.width + x - QUIET_ZONE];
                    assert_eq!(bitmap[y * n + x], want, "{text}: module ({x}, {y})");
                }
            }
            let scale = 4;
            let mut image =
                rqrr::PreparedImage::prepare_from_greyscale(n * scale, n * scale, |x, y| {
                    if bitmap[(y / scale) * n + x / scale] {
                        0
                    } else {
                        255
                    }
                });
            let grids = image.detect_grids();
            assert_eq!(grids.len(), 1, "{text}: one code found");
            let (_, decoded) = grids[0].decode().expect("decodes");
            assert_eq!(&decoded, text, "{} bytes", text.len());
        }
    }

    #[test]
    fn small_output() {
        let svg = svg("https://xingfuli.example.cn/notices/2026-q3-caiwu/");
        let (n, _) = rasterise(&svg);
        assert_eq!(n, 33 + 2 * QUIET_ZONE, "a version-4 symbol");
        // The runs of dark modules as a path took 1.9 KB here.
        assert!(svg.len() < 900, "{} bytes", svg.len());
    }

    #[test]
    fn empty_or_too_long_gives_no_code() {
        assert_eq!(svg(""), "");
        assert_eq!(svg(&"x".repeat(5000)), "");
        assert_eq!(svg(&"幸".repeat(2000)), "");
        assert!(
            !svg(&"x".repeat(2000)).is_empty(),
            "a version-40 code still fits"
        );
    }
}
