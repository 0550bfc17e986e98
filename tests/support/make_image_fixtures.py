#!/usr/bin/env python3
"""Writes the photos of tests/fixtures/images/ (and, with --example, the example community's
meeting photo) with Pillow, with the metadata a phone really writes: EXIF camera, owner and GPS
position, orientation, XMP and comments. Run from the repository root:

    pip install pillow
    python3 tests/support/make_image_fixtures.py [--example]
"""
import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "tests/fixtures/images/site"
BUNDLE = SITE / "content/meetings/2026-11-yishihui"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="31,13.63N"/>'
       b'</rdf:RDF></x:xmpmeta>')


def exif(orientation=1):
    e = Image.Exif()
    e[0x010F] = "Xiaomi"             # Make
    e[0x0110] = "Redmi Note 12"      # Model
    e[0x013B] = "Zhang Wei"          # Artist
    e[0x0131] = "MIUI Camera"        # Software
    e[0x0112] = orientation
    gps = e.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (IFDRational(31), IFDRational(13), IFDRational(3780, 100))
    gps[3] = "E"
    gps[4] = (IFDRational(121), IFDRational(28), IFDRational(1250, 100))
    return e


def scene(w, h):
    """An upright picture: sky at the top, a building, people, green ground at the bottom."""
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    horizon = int(h * 0.62)
    for y in range(horizon):
        t = y / horizon
        d.line([(0, y), (w, y)], fill=(int(90 + 80 * t), int(150 + 60 * t), 235))
    for y in range(horizon, h):
        t = (y - horizon) / (h - horizon)
        d.line([(0, y), (w, y)], fill=(60, int(150 - 50 * t), 60))
    d.ellipse([w * 0.75, h * 0.06, w * 0.9, h * 0.06 + w * 0.15], fill=(255, 220, 120))
    d.rectangle([w * 0.12, h * 0.3, w * 0.55, horizon], fill=(200, 80, 70))
    for i in range(4):
        x = w * (0.16 + 0.09 * i)
        d.rectangle([x, h * 0.36, x + w * 0.05, h * 0.36 + w * 0.05], fill=(250, 240, 200))
    d.rectangle([w * 0.1, h * 0.27, w * 0.57, h * 0.3], fill=(183, 28, 28))
    for i in range(7):
        x = w * (0.08 + 0.12 * i)
        y = horizon + (h - horizon) * 0.25
        d.ellipse([x, y, x + w * 0.05, y + w * 0.05], fill=(240, 200, 170))
        d.rectangle([x - w * 0.01, y + w * 0.05, x + w * 0.06, y + w * 0.16], fill=(40 + 25 * i, 60, 140))
    return img


def save_phone_jpeg(path, upright_w, upright_h, quality):
    """Stored sideways with orientation 6, as a phone held upright saves it."""
    stored = scene(upright_w, upright_h).rotate(90, expand=True)
    stored.save(path, "JPEG", quality=quality, exif=exif(6), comment=b"Shot at Xingfuli 31.2275N", xmp=XMP)


def main():
    if "--example" in sys.argv:
        out = ROOT / "content/meetings/2026-05-yishihui/heying.jpg"
        out.parent.mkdir(parents=True, exist_ok=True)
        save_phone_jpeg(out, 3024, 4032, 70)
        print(out, out.stat().st_size)
        return
    BUNDLE.mkdir(parents=True, exist_ok=True)
    (SITE / "static/images").mkdir(parents=True, exist_ok=True)
    # Portrait phone photo: wider than 1,600 px once upright, so published as copies.
    save_phone_jpeg(BUNDLE / "portrait.jpg", 1800, 2400, 35)
    # Upright and narrow: published with its bytes, metadata removed.
    scene(1200, 900).save(BUNDLE / "landscape.jpg", "JPEG", quality=40, exif=exif(1),
                          comment=b"GPS 31.2275N 121.4701E", xmp=XMP)
    # PNG with an eXIf chunk saying "turn right", and text chunks.
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    info.add_text("Comment", "GPS 31.2275N 121.4701E")
    info.add_itxt("Author", "Zhang Wei")
    scene(200, 320).rotate(90, expand=True).save(BUNDLE / "chart.png", "PNG", exif=exif(6), pnginfo=info)
    # WebP with EXIF and XMP.
    scene(400, 300).save(BUNDLE / "small.webp", "WEBP", quality=50, exif=exif(1), xmp=XMP)
    # Two-frame GIF with a comment.
    frames = [scene(160, 120).convert("P"), scene(160, 120).transpose(Image.FLIP_LEFT_RIGHT).convert("P")]
    frames[0].save(BUNDLE / "anim.gif", save_all=True, append_images=frames[1:], loop=0, duration=500,
                   comment=b"GPS 31.2275N 121.4701E by Zhang Wei")
    # static/: a photo with GPS, upright.
    scene(640, 480).save(SITE / "static/images/banner.jpg", "JPEG", quality=40, exif=exif(1))
    for p in sorted(SITE.rglob("*")):
        if p.is_file() and p.suffix != ".md" and p.suffix != ".yaml":
            print(p.relative_to(ROOT), p.stat().st_size)


main()
