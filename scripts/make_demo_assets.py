#!/usr/bin/env python3
"""Draw the demo lab's document images once: resources/demo/*.png (committed).

    .venv/bin/python scripts/make_demo_assets.py

A CMA mark, the lab's seal (检验检测专用章) and a signature per demo user, each plainly marked
演示 (demonstration): they are not any real lab's marks and must never appear on a real report.
Pillow (which reportlab depends on) draws them with the fonts the program ships; ``riskmon demo``
stores them in the demo database (``app.services.demo``).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "demo"
CJK = ROOT / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
LATIN_BOLD = ROOT / "resources" / "fonts" / "VeraBd.ttf"
RED = (200, 16, 26, 255)
BLUE = (16, 60, 150, 255)
INK = (20, 30, 80, 255)


def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def centred(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, f, fill) -> None:
    draw.text(xy, text, font=f, fill=fill, anchor="mm")


def cma_mark() -> Image.Image:
    """A plain stand-in for the CMA mark: the letters in a frame, and 演示 under them."""
    im = Image.new("RGBA", (480, 340), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((12, 12, 468, 250), radius=36, outline=BLUE, width=14)
    centred(d, (240, 134), "CMA", font(LATIN_BOLD, 150), BLUE)
    centred(d, (240, 300), "演示标志 非正式", font(CJK, 54), RED)
    return im


def _char(ch: str, f, fill, angle: float) -> Image.Image:
    size = int(f.size * 1.6)
    tile = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((size / 2, size / 2), ch, font=f, fill=fill, anchor="mm")
    return tile.rotate(angle, resample=Image.Resampling.BICUBIC)


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.382
        a = math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(a), cy - radius * math.sin(a)))
    return points


def seal(name: str) -> Image.Image:
    """A round red seal: the lab's name around the top, a star, 演示 and 检验检测专用章."""
    name = name.replace("（演示）", "")  # 演示 stands in the middle, large
    n = 640
    im = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    c = n / 2
    d.ellipse((16, 16, n - 16, n - 16), outline=RED, width=18)
    d.polygon(_star(c, c - 20, 86), fill=RED)
    f = font(CJK, 66)
    chars = list(name)
    span = 210.0  # degrees the name covers, centred at the top
    radius = c - 90
    for k, ch in enumerate(chars):
        a = 90 + span / 2 - k * span / max(len(chars) - 1, 1)  # degrees, counter-clockwise from +x
        x = c + radius * math.cos(math.radians(a))
        y = c - radius * math.sin(math.radians(a))
        tile = _char(ch, f, RED, a - 90)
        im.alpha_composite(tile, (int(x - tile.width / 2), int(y - tile.height / 2)))
    centred(d, (c, c + 88), "演 示", font(CJK, 64), RED)
    centred(d, (c, c + 170), "检验检测专用章", font(CJK, 50), RED)
    return im


def signature(name: str) -> Image.Image:
    """A signature stand-in: the name written slanted in blue-black ink, a small red 演示 after it."""
    f = font(CJK, 96)
    tile = Image.new("RGBA", (480, 170), (0, 0, 0, 0))
    d = ImageDraw.Draw(tile)
    end = 30 + f.getlength(name)
    d.text((30, 85), name, font=f, fill=INK, anchor="lm")
    d.line((34, 140, end + 10, 128), fill=INK, width=5)
    slanted = tile.transform(tile.size, Image.Transform.AFFINE, (1, 0.28, -30, 0, 1, 0),
                             resample=Image.Resampling.BICUBIC).rotate(6, resample=Image.Resampling.BICUBIC)
    ImageDraw.Draw(slanted).text((end + 40, 150), "演示", font=font(CJK, 30), fill=RED, anchor="lb")
    return slanted.crop(slanted.getbbox())


def main() -> int:
    defs = json.loads((ROOT / "db" / "demo_lab.json").read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    written = [("cma_mark.png", cma_mark()), ("seal.png", seal(defs["lab"]["name"]))]
    written += [(f"signature-{u['username']}.png", signature(u["display_name"])) for u in defs["users"]]
    for name, image in written:
        path = OUT / name
        image.save(path, optimize=True)
        print(f"{path.relative_to(ROOT)}: {image.width}×{image.height}, {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
