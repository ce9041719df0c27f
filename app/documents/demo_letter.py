"""The demo lab's stand-in for an authority's letter confirming a monitoring scheme (方案确认函).

A real confirmation is a document the issuing authority sends; the demo lab needs a file to show
in a scheme's history, so this draws a one-page letter marked 演示 in large type.
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app import __version__
from app.documents import fonts
from app.documents.flow import _BUILD_LOCK


def confirmation_letter(authority: str, number: str, date: dt.date, lab: str, task: str, product: str,
                        revision: int = 1) -> bytes:
    """A PDF letter: ``authority`` confirms version ``revision`` of the scheme for ``product``."""
    fonts.ensure_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=True, pageCompression=1, lang="zh-CN")
    canvas.setTitle(f"{authority} {number}（演示）")
    canvas.setCreator(f"Riskmon {__version__}")
    fonts.seed(canvas._doc)
    width, height = A4
    canvas.setFillColor(colors.HexColor("#c62828"))
    fonts.draw_string(canvas, width / 2, height - 40 * mm, authority, 22, align="center", bold=True)
    canvas.setStrokeColor(colors.HexColor("#c62828"))
    canvas.setLineWidth(1.2)
    canvas.line(25 * mm, height - 50 * mm, width - 25 * mm, height - 50 * mm)
    canvas.setFillColor(colors.black)
    fonts.draw_string(canvas, width / 2, height - 60 * mm, number, 12, align="center")
    fonts.draw_string(canvas, width / 2, height - 78 * mm, f"关于{product}风险监测方案的确认函", 16, align="center",
                      bold=True)
    body = [
        f"{lab}：",
        f"    你单位报送的《{task}》{product}风险监测方案（第 {revision} 版）已收悉。",
        "    经审查，同意该方案，请按方案组织抽样、检验检测和结果上报工作。",
        "",
        f"{authority}",
        f"{date.year} 年 {date.month} 月 {date.day} 日",
    ]
    y = height - 95 * mm
    for i, line in enumerate(body):
        for piece in fonts.wrap(line, width - 50 * mm, 12) or ("",):
            x = width - 25 * mm if i >= 4 else 25 * mm
            fonts.draw_string(canvas, x, y, piece, 12, align="right" if i >= 4 else "left")
            y -= 8 * mm
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
    canvas.translate(width / 2, height / 2 - 40 * mm)
    canvas.rotate(30)
    fonts.draw_string(canvas, 0, 0, "演示", 120, align="center")
    canvas.restoreState()
    canvas.showPage()
    with _BUILD_LOCK:  # reportlab's TrueType subsetting reads the font file through shared state
        canvas.save()
    return buf.getvalue()
