"""样品标签: labels for the sample portions, with the sample number as a QR code and as Code 128.

One label per portion: a sample with a test and a backup portion (检验样品 and 备用样品) gets two
labels, marked 测试样 and 备份样; a sample with one portion gets one label without a mark. Each
label holds the number (QR code, Code 128 bar code and text), the product name, the task number
and the sampling date. Two layouts:

* ``sheet``: A4 label sheets of 3 × 8 labels of 70 × 37 mm (no gap between labels, 0.5 mm
  above and below), filled row by row; ``first_position`` skips labels already used on the
  first sheet;
* ``printer``: one 60 × 40 mm page per label, for a label printer.

A number that is not plain ASCII (Code 128 cannot encode it) gets the QR code only. Pure
reportlab with the shipped CJK font; the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app import __version__
from app.documents import fonts
from app.documents.flow import _BUILD_LOCK, draw_qr
from app.errors import ValidationError

SHEET = "sheet"
PRINTER = "printer"
LAYOUTS = (SHEET, PRINTER)
LAYOUT_LABELS = {SHEET: "A4 标签纸（3 × 8，70 × 37 mm）", PRINTER: "标签打印机（60 × 40 mm）"}

SHEET_COLUMNS, SHEET_ROWS = 3, 8
SHEET_LABEL_W, SHEET_LABEL_H = 70 * mm, 37 * mm
SHEET_TOP = (A4[1] - SHEET_ROWS * SHEET_LABEL_H) / 2  # 0.5 mm above and below the labels
SHEET_LEFT = (A4[0] - SHEET_COLUMNS * SHEET_LABEL_W) / 2
PER_SHEET = SHEET_COLUMNS * SHEET_ROWS
PRINTER_W, PRINTER_H = 60 * mm, 40 * mm

PAD = 2.5 * mm  # inside each label: printers and cutters are not exact
MIN_SIZE = 5.0  # pt: the smallest text drawn
MAX_BAR = 0.33 * mm  # widest Code 128 module (narrower when the number is long)

TEST_PORTION = "测试样"
BACKUP_PORTION = "备份样"


@dataclass(frozen=True)
class SampleLabel:
    """What one sample's labels show; ``portions`` is (测试样, 备份样) when it has both."""

    number: str
    product_name: str
    task_number: str
    sampling_date: dt.date | None
    portions: tuple[str, ...] = ()


def _portion_labels(labels: Sequence[SampleLabel]) -> list[tuple[SampleLabel, str]]:
    out: list[tuple[SampleLabel, str]] = []
    for label in labels:
        for portion in label.portions or ("",):
            out.append((label, portion))
    return out


_NO_LINE_START = frozenset("、，。；：？！）》」』】〕’”…·")


def _codable(number: str) -> bool:
    return bool(number) and all(32 <= ord(c) < 127 for c in number)


def _fit(text: str, size: float, width: float) -> tuple[str, float]:
    """``text`` at ``size`` or smaller (down to MIN_SIZE) to fit ``width``, then cut with "…"."""
    while size > MIN_SIZE and fonts.string_width(text, size) > width:
        size = max(MIN_SIZE, size - 0.5)
    return _cut(text, size, width), size


def _cut(text: str, size: float, width: float) -> str:
    """``text`` cut (ending in "…") to fit ``width`` at ``size``."""
    if fonts.string_width(text, size) <= width:
        return text
    while text and fonts.string_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, size: float, width: float, lines: int) -> list[str]:
    """``text`` broken at any character into at most ``lines`` lines of ``width`` (the last cut with "…")."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines:
        if fonts.string_width(rest, size) <= width:
            out.append(rest)
            rest = ""
            break
        n = len(rest)
        while n > 1 and fonts.string_width(rest[:n], size) > width:
            n -= 1
        if n > 1 and rest[n] in _NO_LINE_START:  # no line starts with a closing mark
            n -= 1
        out.append(rest[:n])
        rest = rest[n:]
    if rest and out:
        out[-1] = _cut(out[-1] + rest, size, width)
    return out


def _barcode(number: str, width: float, height: float) -> Code128:
    probe = Code128(number, barWidth=1, barHeight=height, lquiet=10, rquiet=10, humanReadable=False)
    bar = min(MAX_BAR, width / probe.width)  # probe.width: modules, quiet zones included
    return Code128(number, barWidth=bar, barHeight=height, lquiet=10 * bar, rquiet=10 * bar, humanReadable=False)


def draw_label(canvas: Canvas, x: float, y: float, w: float, h: float, label: SampleLabel, portion: str = "") -> None:
    """One label in the box at ``x``, ``y`` (bottom left) of ``w`` × ``h``."""
    inner_w, inner_h = w - 2 * PAD, h - 2 * PAD
    left, bottom, top = x + PAD, y + PAD, y + h - PAD
    has_bar = _codable(label.number)
    bar_h = 0.26 * h if has_bar else 0.0
    gap = 1.5 * mm if has_bar else 0.0
    qr = min(inner_h - bar_h - gap, 0.42 * inner_w)
    canvas.saveState()
    draw_qr(canvas, label.number, left, top - qr, qr)
    if has_bar:
        bar = _barcode(label.number, inner_w, bar_h)
        bar.drawOn(canvas, left + (inner_w - bar.width) / 2, bottom)
    # the text beside the QR code, top down
    tx = left + qr + 2 * mm
    tw = x + w - PAD - tx
    th = qr
    canvas.setFillColor(colors.black)
    lines: list[tuple[str, float, bool]] = []
    number, size = _fit(label.number, 9.5, tw)
    if fonts.string_width(label.number, MIN_SIZE) > tw:  # a very long number: on two lines, not cut
        lines += [(part, MIN_SIZE, True) for part in _wrap(label.number, MIN_SIZE, tw, 2)]
    else:
        lines.append((number, size, True))
    product_size = 8.0
    for part in _wrap(label.product_name, product_size, tw, 2):
        lines.append((part, product_size, False))
    for text in (f"任务 {label.task_number}",
                 f"抽样 {label.sampling_date.isoformat()}" if label.sampling_date else "抽样日期 /"):
        lines.append((*_fit(text, 7, tw), False))
    mark_h = 0.0
    if portion:
        mark_size = 9.0
        mark_h = mark_size * 1.5
    total = sum(s * 1.2 for _, s, _ in lines) + mark_h
    scale = min(1.0, th / total) if total else 1.0
    cursor = top
    if portion:
        size = 9.0 * scale
        box_w = fonts.string_width(portion, size) + 3 * mm * scale
        box_h = size * 1.35
        canvas.setLineWidth(0.8)
        canvas.rect(tx, cursor - box_h, box_w, box_h, stroke=1, fill=0)
        fonts.draw_string(canvas, tx + 1.5 * mm * scale, cursor - box_h + size * 0.3, portion, size, bold=True)
        cursor -= mark_h * scale
    for text, size, bold in lines:
        size *= scale
        cursor -= size * 1.2
        fonts.draw_string(canvas, tx, cursor + size * 0.22, text, size, bold=bold)
    canvas.restoreState()


def _canvas(buf: io.BytesIO, pagesize: tuple[float, float], title: str) -> Canvas:
    fonts.ensure_fonts()
    canvas = Canvas(buf, pagesize=pagesize, invariant=True, pageCompression=1, lang="zh-CN")
    canvas.setTitle(title)
    canvas.setAuthor("Riskmon")
    canvas.setCreator(f"Riskmon {__version__}")
    canvas.setProducer(f"Riskmon {__version__} (reportlab)")
    fonts.seed(canvas._doc)
    return canvas


def labels_pdf(labels: Sequence[SampleLabel], layout: str = SHEET, *, first_position: int = 1,
               title: str = "样品标签") -> bytes:
    """The labels of ``labels`` (one per portion) in ``layout``; ``first_position`` (1–24, sheet
    layout only) is the first free label of the first sheet, counted row by row."""
    if layout not in LAYOUTS:
        raise ValidationError("未知的标签版式。")
    if not labels:
        raise ValidationError("请先选择要打印标签的样品。")
    if layout == SHEET and not 1 <= first_position <= PER_SHEET:
        raise ValidationError(f"起始位置应在 1 到 {PER_SHEET} 之间。")
    items = _portion_labels(labels)
    buf = io.BytesIO()
    if layout == PRINTER:
        canvas = _canvas(buf, (PRINTER_W, PRINTER_H), title)
        for label, portion in items:
            draw_label(canvas, 0, 0, PRINTER_W, PRINTER_H, label, portion)
            canvas.showPage()
    else:
        canvas = _canvas(buf, A4, title)
        slot = first_position - 1
        for label, portion in items:
            if slot == PER_SHEET:
                canvas.showPage()
                slot = 0
            row, column = divmod(slot, SHEET_COLUMNS)
            x = SHEET_LEFT + column * SHEET_LABEL_W
            y = A4[1] - SHEET_TOP - (row + 1) * SHEET_LABEL_H
            draw_label(canvas, x, y, SHEET_LABEL_W, SHEET_LABEL_H, label, portion)
            slot += 1
        canvas.showPage()
    with _BUILD_LOCK:  # reportlab's TrueType subsetting reads the font file through shared state
        canvas.save()
    return buf.getvalue()
