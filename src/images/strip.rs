//! Metadata removed without touching the pixels: for an image published at its own size and
//! already upright, the compressed data is kept byte for byte and only the metadata goes.
//! JPEG, PNG and WebP through img-parts; GIF by walking its blocks (img-parts does not read GIF).
//! Each keeps a short list of what an image needs to be shown and drops everything else, so
//! metadata in a segment or chunk we have never heard of goes too.

use img_parts::Bytes;
use img_parts::jpeg::{Jpeg, JpegSegment};
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{ImageEXIF, riff::RiffChunk};

/// The image without EXIF, XMP, IPTC, comments and text; `None` when it cannot be parsed.
pub fn strip(format: image::ImageFormat, bytes: &[u8]) -> Option<Vec<u8>> {
    match format {
        image::ImageFormat::Jpeg => jpeg(bytes),
        image::ImageFormat::Png => png(bytes),
        image::ImageFormat::WebP => webp(bytes),
        image::ImageFormat::Gif => gif(bytes),
        _ => None,
    }
}

fn jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut jpeg = Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).ok()?;
    jpeg.segments_mut()
        .retain(|s| keep_jpeg_segment(s.marker(), s.contents()));
    // img-parts keeps everything after the first scan as it is: later scans of a progressive
    // JPEG, but also comments between them and whatever a phone appends after the end (MPF
    // pictures, each with its own EXIF). Walk it and keep the scans only.
    let segments = jpeg.segments_mut();
    let last = segments.last()?;
    if last.has_entropy() {
        // img-parts has no getter for a segment's entropy data: encode the segment and skip its
        // marker, length and contents.
        let encoded = last.clone().encoder().bytes();
        let entropy = jpeg_scans(encoded.get(4 + last.contents().len()..)?)?;
        let (marker, contents) = (last.marker(), last.contents().clone());
        let n = segments.len();
        segments[n - 1] = JpegSegment::new_with_entropy(marker, contents, entropy);
    }
    Some(jpeg.encoder().bytes().to_vec())
}

/// Segments before the first scan that a decoder needs: frame, tables, restart interval, JFIF,
/// the ICC profile (colours stay right) and Adobe's (it says how the colours are stored).
fn keep_jpeg_segment(marker: u8, contents: &[u8]) -> bool {
    match marker {
        0xE0 => contents.starts_with(b"JFIF\0"),
        0xE2 => contents.starts_with(b"ICC_PROFILE\0"),
        0xEE => contents.starts_with(b"Adobe"),
        // APP1 (EXIF, XMP), the other APPn (IPTC in APP13, maker data), comments.
        0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
        _ => true,
    }
}

/// Entropy-coded data after the first scan header, up to and including the image's end marker:
/// further scans and their tables are kept, comments and APPn segments between scans dropped,
/// everything after the end marker dropped.
fn jpeg_scans(data: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    let mut start = 0;
    while i + 1 < data.len() {
        if data[i] != 0xFF {
            i += 1;
            continue;
        }
        let marker = data[i + 1];
        match marker {
            // Stuffed zero, restart markers and fill bytes belong to the scan.
            0x00 | 0xD0..=0xD7 | 0xFF => i += if marker == 0xFF { 1 } else { 2 },
            0xD9 => {
                out.extend_from_slice(&data[start..i + 2]);
                return Some(Bytes::from(out));
            }
            _ => {
                let len = usize::from(u16::from_be_bytes([*data.get(i + 2)?, *data.get(i + 3)?]));
                let end = i + 2 + len;
                if end > data.len() || len < 2 {
                    return None;
                }
                out.extend_from_slice(&data[start..i]);
                if keep_jpeg_segment(marker, &data[i + 4..end]) {
                    out.extend_from_slice(&data[i..end]);
                }
                i = end;
                start = end;
            }
        }
    }
    // No end marker: a truncated file; decoders show what there is, so keep the scans as they are.
    out.extend_from_slice(&data[start..]);
    Some(Bytes::from(out))
}

fn png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut png = Png::from_bytes(Bytes::copy_from_slice(bytes)).ok()?;
    // Critical chunks, colour and transparency, physical size and APNG animation. Not kept:
    // eXIf, tEXt, iTXt, zTXt, tIME and any private chunk.
    const KEEP: [&[u8; 4]; 17] = [
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
        b"cICP", b"bKGD", b"hIST", b"pHYs", b"acTL", b"fcTL", b"fdAT",
    ];
    png.chunks_mut().retain(|c| KEEP.contains(&&c.kind()));
    Some(png.encoder().bytes().to_vec())
}

fn webp(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut webp = WebP::from_bytes(Bytes::copy_from_slice(bytes)).ok()?;
    const KEEP: [&[u8; 4]; 7] = [
        b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
    ];
    webp.chunks_mut()
        .retain(|c: &RiffChunk| KEEP.contains(&&c.id()));
    // Also rewrites the VP8X flags to say no EXIF and no XMP follow.
    webp.set_exif(None);
    Some(webp.encoder().bytes().to_vec())
}

/// A GIF's blocks, keeping the header, colour tables, frames, their graphic controls and the
/// looping extension; comments, XMP and other application extensions are dropped.
fn gif(bytes: &[u8]) -> Option<Vec<u8>> {
    let header = bytes.get(..13)?;
    if !header.starts_with(b"GIF87a") && !header.starts_with(b"GIF89a") {
        return None;
    }
    let packed = header[10];
    let mut i = 13 + color_table_len(packed);
    let mut out = bytes.get(..i)?.to_vec();
    loop {
        match *bytes.get(i)? {
            0x3B => {
                out.push(0x3B);
                return Some(out);
            }
            0x21 => {
                let label = *bytes.get(i + 1)?;
                let end = skip_sub_blocks(bytes, i + 2)?;
                let first = bytes.get(i + 3..).unwrap_or_default();
                let keep = match label {
                    0xF9 | 0x01 => true,
                    0xFF => first.starts_with(b"NETSCAPE2.0") || first.starts_with(b"ANIMEXTS1.0"),
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(&bytes[i..end]);
                }
                i = end;
            }
            0x2C => {
                let descriptor = bytes.get(i..i + 10)?;
                let data = i + 10 + color_table_len(descriptor[9]);
                // LZW minimum code size, then the data's sub-blocks.
                let end = skip_sub_blocks(bytes, data + 1)?;
                out.extend_from_slice(&bytes[i..end]);
                i = end;
            }
            _ => return None,
        }
    }
}

fn color_table_len(packed: u8) -> usize {
    if packed & 0x80 != 0 {
        3 << ((packed & 0x07) + 1)
    } else {
        0
    }
}

/// The offset just past a run of sub-blocks (each a length byte and data, ended by length 0).
fn skip_sub_blocks(bytes: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let len = usize::from(*bytes.get(i)?);
        i += 1 + len;
        if len == 0 {
            return Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_scans_stop_at_the_end_marker_and_drop_comments_between_scans() {
        // scan data, a comment, a table, more scan data with a stuffed 0xFF, the end marker,
        // then an appended picture with EXIF.
        let mut data = vec![0x11, 0x22];
        data.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x05, b'a', b'b', b'c']);
        data.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x03, 0x09]);
        data.extend_from_slice(&[0x33, 0xFF, 0x00, 0xFF, 0xD0, 0x44]);
        data.extend_from_slice(&[0xFF, 0xD9]);
        data.extend_from_slice(b"\xFF\xD8\xFF\xE1\x00\x08Exif\0\0");
        let kept = jpeg_scans(&data).expect("parsed");
        let want: &[u8] = &[
            0x11, 0x22, 0xFF, 0xC4, 0x00, 0x03, 0x09, 0x33, 0xFF, 0x00, 0xFF, 0xD0, 0x44, 0xFF,
            0xD9,
        ];
        assert_eq!(&kept[..], want);
    }

    #[test]
    fn a_jpeg_keeps_its_pixels_and_loses_exif_comments_and_what_follows_its_end() {
        let img = image::RgbImage::from_fn(16, 8, |x, y| {
            image::Rgb([(x * 15) as u8, (y * 30) as u8, 90])
        });
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .expect("encodes");
        let mut phone = jpeg[..2].to_vec();
        phone.extend_from_slice(b"\xFF\xE1\x00\x0EExif\0\0GPS!!!");
        phone.extend_from_slice(b"\xFF\xFE\x00\x07owner");
        phone.extend_from_slice(&jpeg[2..]);
        phone.extend_from_slice(b"\xFF\xD8\xFF\xE1\x00\x08Exif\0\0");
        let out = strip(image::ImageFormat::Jpeg, &phone).expect("parsed");
        for leak in [&b"Exif"[..], b"GPS", b"owner"] {
            assert!(!out.windows(leak.len()).any(|w| w == leak), "{leak:?} left");
        }
        assert!(out.ends_with(&[0xFF, 0xD9]));
        let pixels = |b: &[u8]| image::load_from_memory(b).expect("decodes").to_rgb8();
        assert!(pixels(&out) == pixels(&jpeg));
    }

    #[test]
    fn gif_comment_and_xmp_go_and_the_loop_stays() {
        let mut gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
        gif.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        gif.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00");
        gif.extend_from_slice(b"\x21\xFE\x08GPS 31.2\x00");
        gif.extend_from_slice(b"\x21\xFF\x0BXMP DataXMP\x04<x/>\x00");
        gif.extend_from_slice(b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00");
        gif.push(0x3B);
        let out = strip(image::ImageFormat::Gif, &gif).expect("parsed");
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains("GPS") && !text.contains("XMP"), "{text}");
        assert!(text.contains("NETSCAPE2.0"));
        assert!(image::load_from_memory(&out).is_ok());
    }

    #[test]
    fn a_truncated_gif_is_not_parsed() {
        assert!(
            strip(
                image::ImageFormat::Gif,
                b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xFE"
            )
            .is_none()
        );
    }
}
