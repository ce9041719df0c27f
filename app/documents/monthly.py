"""风险信息月报: the monthly risk-information report of a monitoring-collection station.

Article 11: 风险信息报送实行月报制，重大质量安全风险信息及时报送. The report lists the month's
risk information by source (Article 10's nine sources, all shown, zeros included), flags key
risk information (重点风险信息, Article 12) with when it was reported at once, and is written as
PDF (``render_monthly``) and as an Excel workbook (``write_monthly_excel``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from app import clock
from app.documents import cross_round, fonts
from app.documents._io import atomic_write_bytes, atomic_write_with
from app.documents.data import InfoSource, MonthlyData, RiskInfoEntry
from app.documents.flow import (
    BODY_W,
    FAIL_COLOR,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    Grid,
    Meta,
    Text,
    TitleBlock,
    build_pdf,
    draw_confidential,
    draw_draft_mark,
    draw_page_number,
    draw_verification,
    fmt_date,
    or_slash,
    spacer,
    table,
)
from app.errors import ValidationError
from app.rules.publication import ARTICLE_8

TITLE = "产品质量安全风险信息月报"
ENTRY_HEADERS = ("编号", "采集日期", "信息来源", "产品", "风险信息摘要", "地区/企业", "重点风险", "处理情况")
_ENTRY_COLS = tuple(x * mm for x in (20, 26, 19, 16, 37, 21, 11, 20))  # a date (2026年11月10日) on one line


def _fmt_when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = clock.local(value) if value.tzinfo else value
        return f"{local:%Y-%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


def _cn_when(value: datetime | date | None) -> str:
    """``2026年5月3日 14:05`` (GB/T 9704 dates) for the PDF; the workbook keeps ISO (``_fmt_when``)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = clock.local(value) if value.tzinfo else value
        return f"{fmt_date(local.date())} {local:%H:%M}"
    return fmt_date(value)


def _check(d: MonthlyData) -> None:
    problems: dict[str, str] = {}
    seen: set[str] = set()
    for e in d.entries:
        if e.received_date.year != d.year or e.received_date.month != d.month:
            problems[f"entries.{e.serial}"] = (f"风险信息 {e.serial} 的采集日期 {e.received_date:%Y-%m-%d} "
                                               f"不在 {d.title_period} 内")
        if e.serial in seen:
            problems[f"entries.{e.serial}.serial"] = f"风险信息编号 {e.serial} 重复"
        seen.add(e.serial)
    if problems:
        raise ValidationError(problems)


def source_counts(d: MonthlyData) -> list[tuple[InfoSource, int, int]]:
    """``(source, entries, key entries)`` for all nine sources of Article 10, in order."""
    all_ = Counter(e.source for e in d.entries)
    key = Counter(e.source for e in d.entries if e.is_key)
    return [(s, all_[s], key[s]) for s in InfoSource]


def _entry_row(e: RiskInfoEntry) -> list[object]:
    where = "／".join(p for p in (e.region, e.enterprise) if p) or "/"
    key: object = "否"
    if e.is_key:
        key = Text("是", 8, align="center", color=FAIL_COLOR, bold=True)
    return [e.serial, fmt_date(e.received_date), e.source.label, e.product, e.description, where, key,
            or_slash(e.handling)]


def build_story(d: MonthlyData) -> list[Flowable]:
    story: list[Flowable] = [
        # the title beside the verification QR code (top right, drawn by the page decorator)
        TitleBlock([
            Text(TITLE, 18, align="center", bold=True, space_after=2, title=True),
            Text(f"（{d.title_period}）", 12, align="center", space_after=4),
        ], min_height=29 * mm if (d.verification or d.unsigned) else 0),
        spacer(6),
    ]
    w = BODY_W
    # a record is dated when it is approved (出具); until then it says so. The sending itself (报送) is
    # recorded with the report, not printed in it.
    issued = "批准后出具" if d.draft else fmt_date(d.issue_date)
    info = [
        ["报送单位", d.station_name, "站点类型", d.station_kind.label],
        ["报送对象", or_slash(d.reported_to), "月报编号", or_slash(d.report_number)],
        ["检验检测机构", d.lab.name, "出具日期", issued],
    ]
    story.append(table(info, (24 * mm, w / 2 - 24 * mm, 20 * mm, w / 2 - 20 * mm), label_cols=(0, 2)))
    story.append(Text("一、总体情况", 12, bold=True, space_before=10, space_after=4))
    n_key = len(d.key_entries)
    overview = d.summary or f"本月共采集产品质量安全风险信息{len(d.entries)}条，其中重点风险信息{n_key}条。"
    if not d.entries:
        overview = d.summary or "本月未采集到产品质量安全风险信息（零报告）。"
    story.append(Text(overview, 10.5, leading=17, indent=21, space_after=4, align="justify"))
    rows: list[list[object]] = [["信息来源（第十条）", "条数", "其中重点风险信息"]]
    for s, n, k in source_counts(d):
        rows.append([f"（{'一二三四五六七八九'[s.value - 1]}）{s.label}", str(n), str(k)])
    rows.append(["合计", str(len(d.entries)), str(n_key)])
    story.append(table(rows, (w * 0.6, w * 0.2, w * 0.2), header_rows=1, align=("left", "center", "center"),
                       backgrounds=[(-1, 0, 2, colors.Color(0.95, 0.95, 0.95))]))

    story.append(Text("二、重点风险信息（第十二条）", 12, bold=True, space_before=10, space_after=4))
    if not d.key_entries:
        story.append(Text("本月无重点风险信息。", 10.5, leading=17, indent=21))
    for e in d.key_entries:
        crit = "；".join(c.label for c in e.key_risk)
        block = [
            Text(f"{e.serial}　{e.product}：{e.description}", 10, leading=16, bold=False, space_before=2),
            Text(f"列为重点的情形：{crit}", 9.5, leading=15, indent=21, color=FAIL_COLOR),
            Text(f"即时报送：{immediate_text(e)}　处理情况：{or_slash(e.handling)}", 9.5, leading=15, indent=21),
        ]
        story.append(KeepTogether(block))

    detail = "三"
    if d.cross_round_compiled:
        story.extend(cross_round_section(d))
        detail = "四"
    story.append(Text(f"{detail}、风险信息明细", 12, bold=True, space_before=10, space_after=4))
    tail = [spacer(14), *signoff(d)]
    if d.confidential:  # Article 8, under the sign-off as the test report and the notice carry it
        tail.append(Text(ARTICLE_8, 8.5, leading=13, space_before=6, color=colors.Color(0.3, 0.3, 0.3)))
    if d.entries:
        rows = [list(ENTRY_HEADERS)]
        rows.extend(_entry_row(e) for e in d.entries)
        entries = table(rows, _ENTRY_COLS, header_rows=1, size=8,
                        align=("left", "center", "left", "left", "left", "left", "center", "left"))
        story.append(_TableThenSignoff(entries, tail))
    else:
        story.append(KeepTogether([Text("无。", 10.5, leading=17, indent=21), *tail]))
    return story


def cross_round_section(d: MonthlyData) -> list[Flowable]:
    """三、跨轮次风险研判: the method once, then each category of the month's work as the analysis
    report prints its own (:mod:`app.documents.cross_round`); 数据不足 when there is nothing to compare."""
    out: list[Flowable] = [CondPageBreak(60 * mm),
                           Text("三、跨轮次风险研判（第十二条、第十三条）", 12, bold=True, space_before=10, space_after=4)]
    if d.cross_round_method:
        out.append(Text(d.cross_round_method, 10, leading=16, indent=20, space_after=4, align="justify"))
    if not d.cross_rounds:
        out.append(Text(NO_CATEGORY, 10.5, leading=17, indent=21))
    for n, c in enumerate(d.cross_rounds, 1):
        sub = Text(f"（{_CN_NUMS[n - 1] if n <= len(_CN_NUMS) else n}）{c.category}", 11, bold=True,
                   space_before=6, space_after=3)
        out.append(CondPageBreak(70 * mm))
        out.extend(cross_round.story(c, sub))
    return out


_CN_NUMS = "一二三四五六七八九十"


class _TableThenSignoff(Flowable):
    """A table followed by the sign-off, which never stands alone on a page: where both do not fit,
    the table breaks early so that its last rows (under the repeated header) go over with it."""

    def __init__(self, grid: Grid, tail: list[Flowable]) -> None:
        super().__init__()
        self.grid = grid
        self.tail = tail
        self._tail_h = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        _w, h = self.grid.wrap(availWidth, availHeight)
        self._tail_h = sum(f.wrap(availWidth, availHeight)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                           for f in self.tail)
        self.width, self.height = availWidth, h + self._tail_h
        return self.width, self.height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        top = y + self.height
        self.grid.drawOn(canvas, x, top - self.grid.height)
        top -= self.grid.height
        for f in self.tail:
            top -= f.getSpaceBefore() + f.height
            f.drawOn(canvas, x, top)
            top -= f.getSpaceAfter()

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        g = self.grid
        heights = g._row_heights()
        head = g.header_rows
        used = sum(heights[:head])
        k = head  # the rows that stay on this page: never all of them
        while k < len(g.rows) - 1 and used + heights[k] <= availHeight:
            used += heights[k]
            k += 1
        if k == head:
            return []  # not even one row fits here: all of it on the next page
        kw = dict(header_rows=head, grid=g.grid, box=g.box)
        first = Grid(g.rows[:k], g.col_widths, **kw)
        rest = Grid(g.rows[:head] + g.rows[k:], g.col_widths, **kw)
        return [first, _TableThenSignoff(rest, self.tail)]


BLANK_NAME = "＿＿＿＿＿＿＿＿"  # a line to sign on by hand
BLANK_DATE = "　　　　年　　月　　日"


def immediate_text(e: RiskInfoEntry, *, iso: bool = False) -> str:
    """即时报送 of a key entry in words: when, to whom, how (and the hazard record it went with), or
    that none is on record."""
    when = (_fmt_when if iso else _cn_when)(e.reported_at)
    if not when:
        return "" if iso else "未记录（重大质量安全风险信息应及时报送）"
    how = f"以{e.reported_how}" if e.reported_how else ""
    text = f"{when}，{how}报送{e.reported_to}" if e.reported_to else f"{when}{'，' + how + '报送' if how else ''}"
    return f"{text}（{e.reported_via}）" if e.reported_via else text


def signoff_rows(d: MonthlyData) -> list[tuple[str, str, str]]:
    """(role, name, date) of the sign-off: 填报人, 审核人 and 批准人 of a record, each with a date (or
    填报人 and 审核批准 of a report made without review); a name or date not on record is left blank
    to be signed and dated by hand."""
    if d.reviewed_by or d.draft:
        return [
            ("填报人", d.compiled_by, fmt_date(d.compiled_on, "")),
            ("审核人", d.reviewed_by, fmt_date(d.reviewed_on, "")),
            ("批准人", d.approved_by, fmt_date(d.approved_on, "")),
        ]
    return [
        ("填报人", d.compiled_by, fmt_date(d.compiled_on, "")),
        ("审核批准", d.approved_by, fmt_date(d.approved_on, "")),
    ]


def signoff(d: MonthlyData) -> list[Flowable]:
    """The sign-off block: who filled the report in and who reviewed and approved it, and when."""
    w = BODY_W
    rows = [[f"{role}：{name or BLANK_NAME}", f"日期：{day or BLANK_DATE}"] for role, name, day in signoff_rows(d)]
    return [Text("填报与审核", 10.5, bold=True, space_after=4),
            table(rows, (w * 0.55, w * 0.45), grid=False, row_padding={0: 3, 1: 3})]


def _decorator(d: MonthlyData):
    right = f"{d.station_name}　{d.title_period}"

    def decorate(c: Canvas, page: int, total: int) -> None:
        y = PAGE_H - 12 * mm
        if d.confidential:
            draw_confidential(c, y=y)
        fonts.draw_string(c, PAGE_W - MARGIN_X, y, right, 8.5, align="right")
        draw_page_number(c, page, total)
        if page == 1:
            draw_verification(c, d.verification, unsigned=d.unsigned)
        if d.draft:
            draw_draft_mark(c)

    return decorate


def render_monthly(data: MonthlyData) -> bytes:
    """The monthly report as PDF bytes. Raises ``ValidationError`` for entries outside the month."""
    _check(data)
    meta = Meta(title=f"{TITLE} {data.title_period}", author=data.lab.name, subject=data.station_name,
                keywords=data.report_number)
    return build_pdf(build_story(data), meta, _decorator(data))


#: the cross-round section of a month without any product category's work
NO_CATEGORY = "本月没有涉及产品类别的监测工作，跨轮次研判数据不足。"


def write_monthly_pdf(data: MonthlyData, path: str | Path) -> Path:
    return atomic_write_bytes(path, render_monthly(data))


def write_monthly_excel(data: MonthlyData, path: str | Path) -> Path:
    """The monthly report as an .xlsx workbook: 月报 (entries) and 来源统计 (by source)."""
    return atomic_write_with(path, lambda out: write_monthly_excel_to(data, out))


def write_monthly_excel_to(data: MonthlyData, out) -> None:
    """The workbook of :func:`write_monthly_excel` written to an open binary file (the frozen copy)."""
    _check(data)
    # deferred: openpyxl loads only when a workbook is written
    from app.documents.excel import mark_sheet, mark_workbook, new_workbook, style_header_row

    wb = new_workbook()
    ws = wb.active
    ws.title = "月报"
    ws.append([f"{TITLE}（{data.title_period}）"])
    ws.append(["报送单位", data.station_name, "站点类型", data.station_kind.label])
    ws.append(["报送对象", data.reported_to, "月报编号", data.report_number])
    ws.append(["出具日期", "批准后出具" if data.draft else data.issue_date])
    for role, name, day in signoff_rows(data):
        ws.append([role, name, "日期", day])
    ws.append([])
    headers = [*ENTRY_HEADERS[:6], "重点风险情形（第十二条）", "即时报送（时间、对象、方式）", ENTRY_HEADERS[7]]
    ws.append(headers)
    header_row = ws.max_row
    style_header_row(ws, header_row)
    for e in data.entries:
        ws.append([
            e.serial, e.received_date, e.source.label, e.product, e.description,
            "／".join(p for p in (e.region, e.enterprise) if p),
            "；".join(c.label for c in e.key_risk), immediate_text(e, iso=True), e.handling,
        ])
    for row in ws.iter_rows(min_row=header_row + 1, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    ws["B4"].number_format = "yyyy-mm-dd"
    widths = (18, 12, 20, 14, 44, 24, 30, 34, 20)
    for i, wdt in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = wdt
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)

    title = f"{TITLE}（{data.title_period}）" + ("（草稿）" if data.draft else "")
    mark_workbook(wb, title=title, confidential=data.confidential)
    mark_sheet(ws, title=title, confidential=data.confidential, pages=True)

    ws2 = wb.create_sheet("来源统计")
    ws2.append(["信息来源（第十条）", "条数", "其中重点风险信息"])
    style_header_row(ws2, 1)
    for s, n, k in source_counts(data):
        ws2.append([s.label, n, k])
    ws2.append(["合计", len(data.entries), len(data.key_entries)])
    ws2.column_dimensions["A"].width = 36
    ws2.column_dimensions["C"].width = 18
    mark_sheet(ws2, title=title, confidential=data.confidential, pages=True)
    if data.cross_round_compiled:
        _cross_round_sheet(wb, data, title)
    wb.save(out)


def _cross_round_sheet(wb, data: MonthlyData, title: str) -> None:
    """跨轮次研判: the PDF's section as rows — per category, the rounds with their rates and Wilson
    intervals, the trend in words, each item by round and the key-risk candidates found."""
    # deferred: openpyxl loads only when a workbook is written
    from app.documents.excel import mark_sheet, style_header_row

    ws = wb.create_sheet("跨轮次研判")
    ws.append(["跨轮次风险研判"])
    if data.cross_round_method:
        ws.append([data.cross_round_method])
    if not data.cross_rounds:
        ws.append([NO_CATEGORY])
    for c in data.cross_rounds:
        ws.append([])
        ws.append([f"产品类别：{c.category}", c.trend])
        ws.append(["轮次", "检验批次", "问题批次", "问题检出率", "95% 区间下限", "95% 区间上限", "来源"])
        style_header_row(ws, ws.max_row)
        for r in c.rounds:
            ws.append([r.label, r.tested, r.problems, r.rate, r.low, r.high, r.source])
            for cell in ws[ws.max_row][3:6]:
                cell.number_format = "0.0%"
        if c.items:
            ws.append(["检验项目", *(r.label for r in c.rounds), "趋势"])
            style_header_row(ws, ws.max_row)
            for it in c.items:
                ws.append([it.item, *it.rounds, it.trend])
        for line in c.candidates:
            ws.append(["重点风险信息候选", line])
        for line in c.notes:
            ws.append(["说明", line])
    ws.column_dimensions["A"].width = 30
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 16
    mark_sheet(ws, title=title, confidential=data.confidential, pages=True)
