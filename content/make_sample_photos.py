#!/usr/bin/env python3
"""Draws the sample photos of content/cases: 4 a case, 1200x900 JPEG, at most 120 KB each.

The sample cases are invented, so are their photos: each is a scene drawn from its file name's first word
(city, port, factory, dashboard, servers, network, hall, classroom, app, field), in colours seeded by the case id.
Deterministic: the same names give the same pictures. Needs Pillow (pip install pillow).

Usage: python3 content/make_sample_photos.py [content/cases]
"""
import hashlib
import io
import math
import random
import re
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

W, H = 1200, 900
MAX_BYTES = 120 * 1024
PALETTES = [
    ((12, 44, 92), (38, 120, 200), (255, 196, 87)),
    ((20, 60, 70), (40, 160, 150), (250, 230, 120)),
    ((40, 24, 70), (120, 80, 200), (255, 150, 120)),
    ((18, 30, 40), (70, 110, 140), (120, 220, 255)),
    ((60, 30, 20), (200, 110, 60), (255, 230, 180)),
]


def lerp(a, b, t):
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b))


def gradient(draw, top, bottom, y0=0, y1=H):
    for y in range(y0, y1):
        draw.line([(0, y), (W, y)], fill=lerp(top, bottom, (y - y0) / max(1, y1 - y0 - 1)))


def skyline(d, r, base, colour, lit, dense=1.0):
    x = -20
    while x < W:
        w = r.randint(40, 110)
        h = r.randint(120, 420) * dense
        d.rectangle([x, base - h, x + w, base], fill=colour)
        for wy in range(int(base - h + 12), base - 10, 22):
            for wx in range(x + 8, x + w - 10, 16):
                if r.random() < 0.45:
                    d.rectangle([wx, wy, wx + 7, wy + 10], fill=lit)
        x += w + r.randint(2, 14)


def city(d, r, p):
    gradient(d, p[0], p[1], 0, 600)
    d.ellipse([880, 120, 980, 220], fill=p[2])
    skyline(d, r, 600, lerp(p[0], (0, 0, 0), 0.5), p[2])
    gradient(d, lerp(p[1], (0, 0, 0), 0.4), p[0], 600, H)
    for y in range(610, H, 14):
        x = r.randint(0, W)
        d.line([(x, y), (x + r.randint(40, 160), y)], fill=lerp(p[2], p[1], 0.5), width=2)


def port(d, r, p):
    gradient(d, (150, 190, 230), (220, 235, 245), 0, 520)
    gradient(d, p[1], p[0], 520, H)
    for i in range(4):
        x = 120 + i * 260
        d.rectangle([x, 180, x + 24, 560], fill=(210, 60, 40))
        d.rectangle([x - 80, 180, x + 200, 206], fill=(210, 60, 40))
        d.line([(x + 12, 206), (x + 150, 380)], fill=(60, 60, 60), width=3)
    colours = [(200, 60, 50), (40, 110, 180), (230, 170, 40), (60, 150, 80), (220, 220, 220)]
    for row in range(5):
        for col in range(22):
            x, y = 20 + col * 54, 700 - row * 30
            d.rectangle([x, y, x + 50, y + 26], fill=r.choice(colours), outline=(30, 30, 30))


def factory(d, r, p):
    gradient(d, (225, 228, 232), (180, 186, 194))
    for i in range(8):
        x = i * 160 - 40
        d.polygon([(x, 0), (x + 160, 0), (x + 120, 160), (x + 40, 160)], fill=(200, 205, 212))
        d.rectangle([x + 70, 0, x + 90, 120], fill=p[2])
    d.rectangle([0, 560, W, 640], fill=(70, 80, 90))
    for i in range(12):
        x = 30 + i * 100
        d.rectangle([x, 480, x + 70, 560], fill=lerp(p[1], (255, 255, 255), r.random() * 0.4), outline=(40, 40, 40))
    for i in range(5):
        x = 100 + i * 230
        d.rectangle([x, 300, x + 20, 560], fill=(240, 160, 30))
        d.line([(x + 10, 300), (x + 90, 230), (x + 150, 330)], fill=(240, 160, 30), width=14)
    d.rectangle([0, 640, W, H], fill=(120, 128, 136))
    for x in range(0, W, 80):
        d.line([(x, 640), (x - 200, H)], fill=(150, 156, 162), width=2)


def dashboard(d, r, p):
    d.rectangle([0, 0, W, H], fill=lerp(p[0], (0, 0, 0), 0.6))
    for (x0, y0, x1, y1) in [(30, 30, 580, 430), (620, 30, 1170, 430), (30, 470, 380, 870), (420, 470, 1170, 870)]:
        d.rectangle([x0, y0, x1, y1], fill=lerp(p[0], (0, 0, 0), 0.3), outline=p[1], width=2)
        d.rectangle([x0 + 16, y0 + 16, x0 + 160, y0 + 28], fill=p[1])
    n = 14
    for i in range(n):
        h = r.randint(40, 330)
        x = 50 + i * 37
        d.rectangle([x, 410 - h, x + 24, 410], fill=lerp(p[1], p[2], i / n))
    pts = []
    v = 250
    for i in range(40):
        v = max(80, min(400, v + r.randint(-40, 40)))
        pts.append((640 + i * 13, 430 - v * 0.9))
    d.line(pts, fill=p[2], width=4)
    cx, cy, rad = 205, 680, 140
    start = 0
    for i in range(5):
        ext = r.randint(40, 110)
        d.pieslice([cx - rad, cy - rad, cx + rad, cy + rad], start, start + ext, fill=lerp(p[1], p[2], i / 5))
        start += ext
    d.ellipse([cx - 70, cy - 70, cx + 70, cy + 70], fill=lerp(p[0], (0, 0, 0), 0.3))
    for i in range(9):
        y = 520 + i * 38
        w = r.randint(200, 700)
        d.rectangle([450, y, 450 + w, y + 18], fill=lerp(p[1], (255, 255, 255), 0.2))


def servers(d, r, p):
    gradient(d, (20, 24, 32), (50, 56, 70))
    for i in range(7):
        x = 40 + i * 165
        d.rectangle([x, 80, x + 140, 820], fill=(30, 34, 42), outline=(90, 96, 110), width=3)
        for y in range(100, 800, 26):
            d.rectangle([x + 10, y, x + 130, y + 20], fill=(45, 50, 60))
            for k in range(3):
                if r.random() < 0.6:
                    d.ellipse([x + 100 + k * 9, y + 7, x + 106 + k * 9, y + 13], fill=r.choice([p[2], (80, 230, 120), p[1]]))
    d.polygon([(0, 820), (W, 820), (W, H), (0, H)], fill=(70, 76, 90))


def network(d, r, p):
    gradient(d, p[0], lerp(p[0], (0, 0, 0), 0.5))
    for _ in range(14):
        x, y = r.randint(0, W), r.randint(0, H)
        d.ellipse([x - 120, y - 80, x + 120, y + 80], fill=lerp(p[0], p[1], 0.25))
    nodes = [(r.randint(60, W - 60), r.randint(60, H - 60)) for _ in range(36)]
    for i, a in enumerate(nodes):
        near = sorted(nodes, key=lambda b: (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)[1:4]
        for b in near:
            d.line([a, b], fill=lerp(p[1], p[2], 0.3), width=2)
    for i, (x, y) in enumerate(nodes):
        s = 8 if i % 5 else 18
        d.ellipse([x - s, y - s, x + s, y + s], fill=p[2] if i % 5 == 0 else p[1], outline=(255, 255, 255))


def hall(d, r, p):
    gradient(d, (235, 232, 226), (200, 196, 188), 0, 560)
    d.rectangle([0, 560, W, H], fill=(170, 160, 150))
    for x in range(0, W, 120):
        d.line([(x, 560), (x * 1.6 - 360, H)], fill=(150, 140, 130), width=2)
    d.rectangle([200, 60, 1000, 330], fill=lerp(p[0], (0, 0, 0), 0.3), outline=(60, 60, 60), width=6)
    for i in range(6):
        d.rectangle([230 + i * 125, 100 + (i % 2) * 40, 330 + i * 125, 300], fill=lerp(p[1], p[2], i / 6))
    for i in range(5):
        x = 80 + i * 230
        d.rectangle([x, 430, x + 180, 560], fill=(240, 240, 238), outline=(120, 120, 120), width=3)
        d.rectangle([x + 60, 380, x + 120, 430], fill=(60, 70, 80))
        person(d, x + 90, 700, lerp(p[1], (0, 0, 0), r.random() * 0.5))


def person(d, x, y, colour):
    d.ellipse([x - 22, y - 150, x + 22, y - 106], fill=(230, 195, 160))
    d.rounded_rectangle([x - 38, y - 104, x + 38, y], radius=18, fill=colour)


def classroom(d, r, p):
    gradient(d, (245, 240, 228), (225, 218, 200), 0, 600)
    d.rectangle([0, 600, W, H], fill=(160, 120, 80))
    d.rectangle([150, 60, 1050, 360], fill=(40, 70, 60), outline=(120, 90, 50), width=10)
    for i in range(5):
        d.line([(200, 110 + i * 50), (200 + r.randint(300, 780), 110 + i * 50)], fill=(230, 230, 220), width=4)
    for row in range(2):
        for col in range(5):
            x, y = 130 + col * 230, 620 + row * 170
            person(d, x, y, lerp(p[1], p[2], r.random()))
            d.rectangle([x - 80, y - 40, x + 80, y - 20], fill=(120, 85, 50))
            d.rectangle([x - 30, y - 62, x + 30, y - 40], fill=(30, 30, 40))


def app(d, r, p):
    gradient(d, lerp(p[1], (255, 255, 255), 0.6), lerp(p[0], (255, 255, 255), 0.3))
    d.rounded_rectangle([410, 40, 790, 860], radius=48, fill=(20, 20, 24))
    d.rounded_rectangle([428, 90, 772, 810], radius=14, fill=(250, 250, 252))
    d.rectangle([428, 90, 772, 190], fill=p[1])
    for i in range(6):
        y = 220 + i * 95
        d.rounded_rectangle([450, y, 750, y + 75], radius=12, fill=lerp(p[2], (255, 255, 255), 0.7))
        d.ellipse([465, y + 15, 510, y + 60], fill=lerp(p[1], p[2], i / 6))
        d.rectangle([530, y + 22, 530 + r.randint(90, 200), y + 34], fill=(90, 90, 100))
    qr = r.getrandbits(64)
    for k in range(64):
        if qr >> k & 1:
            d.rectangle([120 + (k % 8) * 22, 300 + (k // 8) * 22, 140 + (k % 8) * 22, 320 + (k // 8) * 22], fill=(20, 20, 20))


def field(d, r, p):
    gradient(d, (140, 190, 235), (230, 240, 245), 0, 380)
    for i in range(12):
        y0 = 380 + i * 45
        d.polygon([(0, y0), (W, y0 - 20), (W, y0 + 25), (0, y0 + 45)], fill=lerp((90, 150, 60), (150, 190, 80), (i % 3) / 3))
    for x in [260, 700, 1000]:
        d.rectangle([x, 240, x + 10, 520], fill=(90, 90, 90))
        d.rectangle([x - 50, 230, x + 60, 270], fill=(220, 225, 230), outline=(60, 60, 60))
        d.polygon([(x - 60, 220), (x + 70, 200), (x + 70, 215), (x - 60, 235)], fill=(40, 60, 110))


SCENES = {f.__name__: f for f in [city, port, factory, dashboard, servers, network, hall, classroom, app, field]}


def draw_photo(case_id, file_name):
    seed = int(hashlib.sha256(f"{case_id}/{file_name}".encode()).hexdigest()[:16], 16)
    r = random.Random(seed)
    palette = PALETTES[int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % len(PALETTES)]
    scene = SCENES.get(file_name.split("-")[0], network)
    img = Image.new("RGB", (W, H))
    scene(ImageDraw.Draw(img), r, palette)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    for quality in (82, 74, 66, 58, 50):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        if buf.tell() <= MAX_BYTES:
            return buf.getvalue()
    raise SystemExit(f"{case_id}/{file_name}: cannot fit in {MAX_BYTES} bytes")


def main():
    cases = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "cases")
    for index in sorted(cases.glob("*/index.md")):
        names = re.findall(r"^\s*-\s*file:\s*(\S+)\s*$", index.read_text(encoding="utf-8"), re.M)
        for name in names:
            (index.parent / name).write_bytes(draw_photo(index.parent.name, name))
        print(f"{index.parent.name}: {len(names)} photos")


if __name__ == "__main__":
    main()
