"""跨轮次风险研判 as a section of a PDF report (Articles 12, 13), one layout for the analysis report
and the monthly risk-information report: the method paragraph, the rates of the category by round
with their Wilson 95 % intervals (table and chart), the trend test in words, the items with
problems by round, and the key-risk candidates found (重点风险信息候选)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether

from app.documents import charts
from app.documents.data import CrossRound
from app.documents.flow import BODY_W, Text, or_slash, spacer, table

NOTE_COLOR = colors.Color(0.3, 0.3, 0.3)


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _interval(low: float | None, high: float | None) -> str:
    return "数据不足" if low is None or high is None else f"{low * 100:.1f}%–{high * 100:.1f}%"


def story(c: CrossRound, heading: Flowable | None = None, *, chart_title: str = "") -> list[Flowable]:
    """The section of ``c`` under ``heading``; the method paragraph when ``c`` carries it. A
    category with no round says 数据不足 (its trend line) with no table or chart."""
    w = BODY_W
    out: list[Flowable] = [heading] if heading is not None else []
    if c.method:
        out.append(Text(c.method, 10, leading=16, indent=20, space_after=4, align="justify"))
    if not c.rounds:
        out.append(Text(f"{c.category}：{c.trend}。", 10.5, leading=17, indent=21, space_after=3))
        return out
    rows: list[list[object]] = [["轮次", "检验批次", "问题批次", "问题检出率", "95% 置信区间", "数据来源"]]
    for r in c.rounds:
        rate = "数据不足" if r.rate is None else _pct(r.rate)
        rows.append([r.label, str(r.tested), str(r.problems), rate, _interval(r.low, r.high), or_slash(r.source)])
    out.append(table(rows, (w * 0.14, w * 0.14, w * 0.14, w * 0.16, w * 0.24, w * 0.18), header_rows=1,
                     align=("left", "center", "center", "center", "center", "center")))
    out.append(spacer(4))
    out.append(KeepTogether([charts.rates_with_intervals(
        [r.label for r in c.rounds], [r.rate for r in c.rounds], [r.low for r in c.rounds],
        [r.high for r in c.rounds], width=w, title=chart_title or f"{c.category}各轮次问题检出率")]))
    out.append(Text(f"趋势检验结果：{c.trend}。", 10.5, leading=17, indent=21, space_before=4, space_after=3))
    if c.items:
        head = ["检验项目", *(r.label for r in c.rounds), "趋势检验"]
        n = len(c.rounds)
        first, last = w * 0.18, w * 0.34
        mid = (w - first - last) / max(n, 1)
        body: list[list[object]] = [head]
        body.extend([it.item, *it.rounds, it.trend] for it in c.items)
        out.append(Text("各项目不符合批次/检验批次：", 10, space_before=2, space_after=3))
        out.append(table(body, (first, *([mid] * n), last), header_rows=1, size=8.5,
                         align=("left", *(["center"] * n), "left")))
    out.append(Text("重点风险信息候选（第十二条）：", 10.5, bold=True, space_before=6, space_after=2))
    if c.candidates:
        for n_, line in enumerate(c.candidates, 1):
            out.append(Text(f"（{n_}）{line}", 10, leading=16, indent=0, space_after=2, align="justify"))
    else:
        out.append(Text("未发现达到条件的重点风险信息候选。", 10, leading=16, indent=21))
    for note in c.notes:
        out.append(Text(f"说明：{note}", 9, leading=14, space_before=2, color=NOTE_COLOR))
    return out
