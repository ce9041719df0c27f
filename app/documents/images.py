"""Images the documents carry (the CMA mark, the lab's seal, signatures): checked once when the lab
stores them, drawn on the page keeping their proportions.

Only PNG and JPEG are accepted, at most :data:`MAX_BYTES`, and only when reportlab (through Pillow)
decodes the whole image: a file that passes :func:`inspect` draws.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.errors import ValidationError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4000 * 4000
PNG = "image/png"
JPEG = "image/jpeg"
_MAGIC = ((b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
#: near-white of an image without transparency is left out when it is drawn over text (a seal
#: scanned on white paper): a colour-key mask (r, g, b ranges)
_WHITE_KEY = [235, 255, 235, 255, 235, 255]


@dataclass(frozen=True)
class ImageInfo:
    media_type: str
    width: int  # pixels
    height: int
    transparent: bool  # has an alpha channel or a transparent colour


def media_type(content: bytes) -> str | None:
    """``image/png`` or ``image/jpeg`` by the file's first bytes; ``None`` for anything else."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    return None


def inspect(content: bytes, what: str = "图片", *, field: str | None = None) -> ImageInfo:
    """Check an image before it is stored; ``ValidationError`` (Chinese, naming ``what``) when it is
    empty, over 2 MB, not PNG or JPEG, damaged, or of absurd size."""
    def refuse(message: str) -> ValidationError:
        return ValidationError({field: message} if field else message)

    if not content:
        raise refuse(f"{what}是空文件，请选择 PNG 或 JPEG 图片。")
    if len(content) > MAX_BYTES:
        raise refuse(f"{what}有 {len(content) / 1024 / 1024:.1f} MB，超过 2 MB 的上限，请缩小后再上传。")
    kind = media_type(content)
    if kind is None:
        raise refuse(f"{what}不是 PNG 或 JPEG 图片，请另存为 PNG（推荐，可带透明背景）或 JPEG 后再上传。")
    try:
        reader = ImageReader(io.BytesIO(content))
        width, height = reader.getSize()
        if width <= 0 or height <= 0:
            raise ValueError("empty image")
        if width * height > MAX_PIXELS:
            raise refuse(f"{what}尺寸过大（{width}×{height} 像素），请缩小到 4000×4000 像素以内。")
        reader.getRGBData()  # decodes every pixel: a truncated or damaged file fails here
        image = getattr(reader, "_image", None)
        transparent = image is not None and (image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info)
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a damaged file
        raise refuse(f"{what}已损坏或无法读取，请重新导出为 PNG 或 JPEG 后再上传。") from exc
    return ImageInfo(kind, int(width), int(height), bool(transparent))


DPI = 200  # drawn images are resampled to this: enough for a printed seal or signature, and the PDF stays small


def fit(content: bytes, max_w: float, max_h: float) -> tuple[float, float]:
    """The drawn size (points) of the image inside ``max_w`` × ``max_h``, proportions kept."""
    w, h = _decoded(content).size
    scale = min(max_w / w, max_h / h)
    return w * scale, h * scale


def draw(canvas: Canvas, content: bytes, x: float, y: float, max_w: float, max_h: float, *,
         anchor: str = "sw") -> tuple[float, float]:
    """Draw the image inside a ``max_w`` × ``max_h`` box at ``(x, y)`` (``anchor``: which point of the
    box ``(x, y)`` is — ``sw`` lower left, ``c`` centre, ``w`` middle of the left side), proportions
    kept, resampled to :data:`DPI`; transparent parts stay transparent, and the white of an image
    without transparency does not cover what is under it. Returns the drawn size."""
    w, h = fit(content, max_w, max_h)
    if anchor == "c":
        x, y = x - w / 2, y - h / 2
    elif anchor == "w":
        y = y - h / 2
    image = _resampled(content, round(w / 72 * DPI), round(h / 72 * DPI))
    transparent = image.mode == "RGBA"
    canvas.drawImage(ImageReader(image), x, y, w, h, mask="auto" if transparent else _WHITE_KEY)
    return w, h


@functools.lru_cache(maxsize=32)
def _decoded(content: bytes):
    """The image as Pillow decodes it, RGB or RGBA (a few are drawn on every report: kept)."""
    image = ImageReader(io.BytesIO(content))._image
    image.load()
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _uniform_background(image):
    """The colour of the invisible pixels set to the average visible colour: a one-colour seal or
    signature then compresses to almost nothing in the PDF (its shape is in the alpha channel)."""
    from PIL import Image, ImageStat

    alpha = image.getchannel("A")
    visible = alpha.point(lambda v: 255 if v else 0)
    if visible.getbbox() is None:
        return image
    rgb = image.convert("RGB")
    colour = tuple(round(c) for c in ImageStat.Stat(rgb, mask=visible).mean)
    flat = Image.composite(rgb, Image.new("RGB", image.size, colour), visible)
    flat.putalpha(alpha)
    return flat


@functools.lru_cache(maxsize=64)
def _resampled(content: bytes, width_px: int, height_px: int):
    from PIL import Image

    image = _decoded(content)
    if image.width > width_px and image.height > height_px:
        image = image.resize((max(width_px, 1), max(height_px, 1)), Image.Resampling.LANCZOS)
    return _uniform_background(image) if image.mode == "RGBA" else image
