"""Charts for the reports (reportlab.graphics) with Chinese labels.

Chart labels are drawn as groups of per-font strings (see ``fonts.runs``), because a graphics
``String`` has one font and neither shipped font covers both Chinese and Latin. Axis numbers
use the Latin font.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from app.documents import fonts

PALETTE = (
    colors.HexColor("#4E79A7"),
    colors.HexColor("#E15759"),
    colors.HexColor("#F28E2B"),
    colors.HexColor("#76B7B2"),
    colors.HexColor("#59A14F"),
    colors.HexColor("#EDC948"),
    colors.HexColor("#B07AA1"),
    colors.HexColor("#9C755F"),
)
MONITORED = colors.HexColor("#A0B8D0")
PROBLEM = colors.HexColor("#D04A4A")


def label(x: float, y: float, text: str, size: float = 8, anchor: str = "start",
          color: colors.Color = colors.black) -> Group:
    """A mixed-font text label for a ``Drawing`` (anchor: start, middle, end)."""
    fonts.ensure_fonts()
    width = fonts.string_width(text, size)
    if anchor == "middle":
        x -= width / 2
    elif anchor == "end":
        x -= width
    g = Group()
    for font, s in fonts.runs(text):
        g.add(String(x, y, s, fontName=font, fontSize=size, fillColor=color))
        x += pdfmetrics.stringWidth(s, font, size)
    return g


def _drawing(width: float, height: float) -> Drawing:
    return Drawing(width, height, initialFontName=fonts.LATIN, initialFontSize=8)


def _fit(text: str, width: float, size: float) -> str:
    if fonts.string_width(text, size) <= width:
        return text
    while text and fonts.string_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _nice_max(v: int) -> int:
    if v <= 5:
        return 5
    for step in (2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000, 5000):
        if v <= step * 5:
            return -(-v // step) * step
    return v


def grouped_bars(
    categories: Sequence[str],
    monitored: Sequence[int],
    problem: Sequence[int],
    *,
    width: float,
    height: float = 150,
    title: str = "",
) -> Drawing:
    """Vertical bars: batches monitored and problem batches per category, with a legend."""
    d = _drawing(width, height)
    top = 20 if title else 6
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 30
    chart.width, chart.height = width - 44, height - 30 - top - 22
    chart.data = [list(monitored), list(problem)]
    chart.bars[0].fillColor = MONITORED
    chart.bars[1].fillColor = PROBLEM
    chart.bars.strokeColor = None
    chart.groupSpacing = 8
    chart.barSpacing = 1
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(int(max([*monitored, *problem, 1]) * 1.1) + 1)
    chart.valueAxis.valueStep = max(chart.valueAxis.valueMax // 5, 1)
    chart.valueAxis.labels.fontName = fonts.LATIN
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = ["" for _ in categories]
    chart.categoryAxis.labels.fontName = fonts.LATIN
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = fonts.LATIN
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    d.add(chart)
    n = max(len(categories), 1)
    slot = chart.width / n
    for i, name in enumerate(categories):
        d.add(label(chart.x + slot * (i + 0.5), chart.y - 12, _fit(name, slot - 2, 7.5), 7.5, "middle"))
    lx = chart.x + chart.width - 120
    ly = height - top - 10
    for color, text in ((MONITORED, "监测批次"), (PROBLEM, "问题批次")):
        d.add(Rect(lx, ly, 8, 8, fillColor=color, strokeColor=None))
        d.add(label(lx + 11, ly + 1, text, 7.5))
        lx += 60
    if title:
        d.add(label(width / 2, height - 12, title, 9, "middle"))
    return d


def horizontal_bars(
    names: Sequence[str],
    values: Sequence[int],
    *,
    width: float,
    title: str = "",
    bar_color: colors.Color = PROBLEM,
) -> Drawing:
    """Horizontal bars with the (Chinese) names on the left, largest first as given."""
    n = max(len(names), 1)
    row = 16
    top = 20 if title else 6
    height = top + n * row + 26
    d = _drawing(width, height)
    name_w = min(max((fonts.string_width(s, 8) for s in names), default=40) + 8, width * 0.4)
    chart = HorizontalBarChart()
    chart.x, chart.y = name_w, 20
    chart.width, chart.height = width - name_w - 20, n * row
    chart.data = [list(reversed(values))]
    chart.bars[0].fillColor = bar_color
    chart.bars.strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(int(max([*values, 1]) * 1.1) + 1)
    chart.valueAxis.valueStep = max(chart.valueAxis.valueMax // 5, 1)
    chart.valueAxis.labels.fontName = fonts.LATIN
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = ["" for _ in names]
    chart.categoryAxis.labels.fontName = fonts.LATIN
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = fonts.LATIN
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 7
    d.add(chart)
    for i, name in enumerate(reversed(names)):
        d.add(label(name_w - 4, chart.y + row * i + row / 2 - 3, _fit(name, name_w - 6, 8), 8, "end"))
    if title:
        d.add(label(width / 2, height - 12, title, 9, "middle"))
    return d


def pie(
    names: Sequence[str],
    values: Sequence[int],
    *,
    width: float,
    height: float = 140,
    title: str = "",
    unit: str = "批次",
) -> Drawing:
    """A pie with a legend of ``name  n 批次（p%）`` lines beside it."""
    d = _drawing(width, height)
    top = 20 if title else 6
    size = min(height - top - 10, width * 0.45)
    p = Pie()
    p.x, p.y = 14, (height - top - size) / 2
    p.width = p.height = size
    total = sum(values)
    data = list(values) if total else [1 for _ in values]
    p.data = data or [1]
    p.labels = None
    p.slices.strokeColor = colors.white
    p.slices.strokeWidth = 0.5
    p.simpleLabels = 1
    for i in range(len(p.data)):
        p.slices[i].fillColor = PALETTE[i % len(PALETTE)]
    if not total:
        for i in range(len(p.data)):
            p.slices[i].fillColor = colors.Color(0.85, 0.85, 0.85)
    d.add(p)
    lx = p.x + size + 20
    ly = p.y + size - 10
    for i, (name, v) in enumerate(zip(names, values, strict=False)):
        d.add(Rect(lx, ly - i * 15, 8, 8, fillColor=PALETTE[i % len(PALETTE)], strokeColor=None))
        share = f"（{v / total:.0%}）" if total else ""
        d.add(label(lx + 12, ly - i * 15 + 1, f"{name}  {v} {unit}{share}", 8))
    if title:
        d.add(label(width / 2, height - 12, title, 9, "middle"))
    return d


def rates_with_intervals(
    labels: Sequence[str],
    rates: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    width: float,
    height: float = 150,
    title: str = "",
) -> Drawing:
    """Problem rates (percent) as bars, one per round, each with its 95 % interval as a whisker;
    a round without data is left empty and labelled 数据不足."""
    from reportlab.graphics.shapes import Line

    d = _drawing(width, height)
    top = 20 if title else 6
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 30
    chart.width, chart.height = width - 44, height - 30 - top - 22
    values = [(r or 0.0) * 100 for r in rates]
    chart.data = [values or [0.0]]
    chart.bars[0].fillColor = MONITORED
    chart.bars.strokeColor = None
    chart.groupSpacing = 12
    peak = max([*(h * 100 for h in highs if h is not None), *values, 1.0])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = min(_nice_max(int(peak) + 1), 100)  # a rate is at most 100 %
    chart.valueAxis.valueStep = max(chart.valueAxis.valueMax // 5, 1)
    chart.valueAxis.labels.fontName = fonts.LATIN
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.categoryAxis.categoryNames = ["" for _ in labels]
    chart.categoryAxis.labels.fontName = fonts.LATIN
    d.add(chart)
    n = max(len(labels), 1)
    slot = chart.width / n
    scale = chart.height / chart.valueAxis.valueMax
    for i, name in enumerate(labels):
        cx = chart.x + slot * (i + 0.5)
        d.add(label(cx, chart.y - 12, _fit(name, slot - 2, 7.5), 7.5, "middle"))
        low, high, rate = lows[i], highs[i], rates[i]
        if rate is None or low is None or high is None:
            d.add(label(cx, chart.y + 4, "数据不足", 7, "middle", colors.Color(0.4, 0.4, 0.4)))
            continue
        y0, y1 = chart.y + low * 100 * scale, chart.y + high * 100 * scale
        for line in (Line(cx, y0, cx, y1), Line(cx - 4, y0, cx + 4, y0), Line(cx - 4, y1, cx + 4, y1)):
            line.strokeColor = PROBLEM
            line.strokeWidth = 0.8
            d.add(line)
        d.add(label(cx + 6, chart.y + rate * 100 * scale + 2, f"{rate * 100:.1f}%", 7))
    lx = chart.x + chart.width - 170
    ly = height - top - 10
    d.add(Rect(lx, ly, 8, 8, fillColor=MONITORED, strokeColor=None))
    d.add(label(lx + 11, ly + 1, "问题检出率", 7.5))
    d.add(Line(lx + 75, ly - 1, lx + 75, ly + 9, strokeColor=PROBLEM, strokeWidth=0.8))
    d.add(label(lx + 80, ly + 1, "95% 置信区间（Wilson）", 7.5))
    if title:
        d.add(label(width / 2, height - 12, title, 9, "middle"))
    return d
