"""A small chart of problem rates by round with their Wilson 95 % intervals, painted with QPainter
(no QtCharts): one point per round, a vertical bar for its interval, a line through the rounds
with samples, and 数据不足 (No data) under a round without any."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui import style

LINE = style.colour(style.CHART_LINE)
RISING = style.colour(style.RISING)
INTERVAL = style.colour(style.CHART_INTERVAL)
GRID = style.colour(style.CHART_GRID)
AXIS = style.colour(style.CHART_AXIS)
HISTORY = style.colour(style.CHART_HISTORY)


@dataclass(frozen=True)
class Point:
    """One round: ``rate``/``low``/``high`` are None when nothing was tested."""

    label: str
    tested: int
    problems: int
    rate: float | None
    low: float | None
    high: float | None
    imported: bool = False  # imported history (drawn hollow)


def _nice_top(value: float) -> float:
    """The axis top: the interval's highest point rounded up to 5 %, 10 %, 20 % … (at least 5 %)."""
    for top in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0):
        if value <= top:
            return top
    return 1.0


class RateChart(QWidget):
    """Problem rates by round; ``set_series(title, points, rising)``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rate_chart")
        self.title = ""
        self.points: list[Point] = []
        self.rising = False
        self.empty_text = ""
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return QSize(480, 240)

    def set_series(self, title: str, points: list[Point], rising: bool = False, empty_text: str = "") -> None:
        self.title = title
        self.points = list(points)
        self.rising = rising
        self.empty_text = empty_text
        self.update()

    # -- geometry
    def _plot(self) -> QRectF:
        fm = self.fontMetrics()
        left = fm.horizontalAdvance("100%") + 14
        top = fm.height() + 12
        bottom = fm.height() * 2 + 12
        return QRectF(left, top, max(10.0, self.width() - left - 14), max(10.0, self.height() - top - bottom))

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), Qt.GlobalColor.white)
        fm = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(AXIS)
        p.drawText(QRectF(8, 4, self.width() - 16, fm.height() + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        p.setFont(self.font())
        plot = self._plot()
        if not self.points:
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            p.end()
            return
        # the axis follows the rates, not the widest interval: a round of one sample has an interval
        # up to ~80 %; such an interval is cut at the top and marked with an arrow
        rates = [pt.rate for pt in self.points if pt.rate is not None]
        highs = [pt.high for pt in self.points if pt.high is not None and pt.tested >= 20]
        top = _nice_top(max([0.05, *(r * 1.5 for r in rates), *highs]))
        # grid and y labels
        steps = 5
        for i in range(steps + 1):
            value = top * i / steps
            y = plot.bottom() - plot.height() * i / steps
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(AXIS)
            text = f"{value * 100:.0f}%" if top >= 0.1 else f"{value * 100:.1f}%"
            p.drawText(QRectF(0, y - fm.height() / 2, plot.left() - 6, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        p.setPen(QPen(AXIS, 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        n = len(self.points)
        slot = plot.width() / n

        def x_of(i: int) -> float:
            return plot.left() + slot * (i + 0.5)

        def y_of(v: float) -> float:
            return plot.bottom() - plot.height() * min(v, top) / top

        colour = RISING if self.rising else LINE
        # intervals
        for i, pt in enumerate(self.points):
            if pt.low is None or pt.high is None:
                continue
            x = x_of(i)
            p.setPen(QPen(INTERVAL, 2))
            p.drawLine(QPointF(x, y_of(pt.low)), QPointF(x, y_of(pt.high)))
            for v in (pt.low, pt.high):
                if v <= top:
                    p.drawLine(QPointF(x - 5, y_of(v)), QPointF(x + 5, y_of(v)))
            if pt.high > top:  # cut: an arrow head at the top
                y = y_of(top)
                p.drawLine(QPointF(x - 5, y + 6), QPointF(x, y))
                p.drawLine(QPointF(x + 5, y + 6), QPointF(x, y))
        # the line through rounds with samples
        path = QPainterPath()
        started = False
        for i, pt in enumerate(self.points):
            if pt.rate is None:
                continue
            point = QPointF(x_of(i), y_of(pt.rate))
            if started:
                path.lineTo(point)
            else:
                path.moveTo(point)
                started = True
        p.setPen(QPen(colour, 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        # points, x labels
        for i, pt in enumerate(self.points):
            x = x_of(i)
            if pt.rate is not None:
                p.setPen(QPen(colour, 2))
                p.setBrush(Qt.GlobalColor.white if pt.imported else colour)
                p.drawEllipse(QPointF(x, y_of(pt.rate)), 4.5, 4.5)
                label = f"{pt.rate * 100:.1f}%"
                p.setPen(AXIS)
                p.drawText(QRectF(x + 7, y_of(pt.rate) - fm.height(), slot / 2 + 30, fm.height()),
                           Qt.AlignmentFlag.AlignLeft, label)
            p.setPen(AXIS)
            p.drawText(QRectF(x - slot / 2, plot.bottom() + 4, slot, fm.height()), Qt.AlignmentFlag.AlignHCenter,
                       pt.label)
            sub = f"{pt.problems}/{pt.tested}" if pt.tested else QCoreApplication.translate("RateChart", "No data")
            p.setPen(HISTORY if pt.imported or not pt.tested else AXIS)
            p.drawText(QRectF(x - slot / 2, plot.bottom() + 4 + fm.height(), slot, fm.height()),
                       Qt.AlignmentFlag.AlignHCenter, sub)
        p.end()
