"""风险监测分析报告: the task-level analysis report (Articles 18–20, 23).

Counts of batches and problems by test item, region, place type and enterprise size (tables
and charts), the failed items with their basis, the analysis text, the proposed warning level
with its colour, publication type and the model's factors (the institution proposes, the
regulator decides), and the recommended measures from Article 23's list.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from app.documents import charts, cross_round, fonts
from app.documents._io import atomic_write_bytes
from app.documents.data import AnalysisData, CountRow, RiskFactor, RiskProposal
from app.documents.flow import (
    BODY_W,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    Meta,
    Text,
    TitleBlock,
    build_pdf,
    draw_confidential,
    draw_draft_mark,
    draw_page_number,
    draw_verification,
    fmt_date,
    minus_signs,
    or_slash,
    spacer,
    table,
)
from app.errors import ValidationError

LEVEL_COLORS = {
    "red": colors.HexColor("#D32F2F"),
    "orange": colors.HexColor("#F57C00"),
    "yellow": colors.HexColor("#FBC02D"),
    "blue": colors.HexColor("#1976D2"),
}
_LEVEL_TEXT = {"yellow": colors.black}
TOTAL_BG = colors.Color(0.95, 0.95, 0.95)
_SECTION_NUMS = "一二三四五六七八九十"


def _with_unit(value: str, unit: str) -> str:
    """A value or numeric requirement with its unit (this table has no unit column): ``−12.5 %``."""
    value = minus_signs(value)
    if unit and value[-1:].isdigit():
        return f"{value} {unit}"
    return value


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _check(d: AnalysisData) -> None:
    problems: dict[str, str] = {}
    if not d.report_number.strip():
        problems["report_number"] = "分析报告缺少报告编号"
    if d.problem_batches > d.batches_tested:
        problems["problem_batches"] = f"问题批次（{d.problem_batches}）不能多于检验批次（{d.batches_tested}）"
    for name, rows in (("by_region", d.by_region), ("by_place_type", d.by_place_type),
                       ("by_enterprise_size", d.by_enterprise_size)):
        for r in rows:
            if r.problem > r.batches or r.batches < 0 or r.problem < 0:
                problems[f"{name}.{r.label}"] = f"“{r.label}”的问题批次（{r.problem}）与监测批次（{r.batches}）不符"
    for it in d.by_item:
        if it.failed > it.tested or it.failed < 0:
            problems[f"by_item.{it.item}"] = f"项目“{it.item}”的不符合批次（{it.failed}）多于检验批次（{it.tested}）"
    if problems:
        raise ValidationError(problems)


class _Sections:
    def __init__(self) -> None:
        self.n = 0

    def heading(self, title: str) -> Text:
        self.n += 1
        return Text(f"{_SECTION_NUMS[self.n - 1]}、{title}", 12, bold=True, space_before=10, space_after=5)


def _count_table(rows: tuple[CountRow, ...], first: str) -> Flowable:
    body: list[list[object]] = [[first, "监测批次", "问题批次", "问题检出率"]]
    for r in rows:
        body.append([r.label, str(r.batches), str(r.problem), _pct(r.rate)])
    tb = sum(r.batches for r in rows)
    tp = sum(r.problem for r in rows)
    body.append(["合计", str(tb), str(tp), _pct(tp / tb if tb else 0.0)])
    return table(body, (BODY_W * 0.4, BODY_W * 0.2, BODY_W * 0.2, BODY_W * 0.2), header_rows=1,
                 align=("left", "center", "center", "center"),
                 backgrounds=[(-1, 0, 3, TOTAL_BG)])


_RISK_SIZE = 10  # the level, its factors, their evidence and the caveat: one type size


def _risk_block(r: RiskProposal) -> list[Flowable]:
    """The proposed level as one table with the factors and the evidence each was confirmed on."""
    fill = LEVEL_COLORS.get(r.color, colors.grey)
    text_color = _LEVEL_TEXT.get(r.color, colors.white)
    colour_name = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}.get(r.color, r.color)
    level = Text(f"{r.level.value}级　{r.name}（{colour_name}）", _RISK_SIZE, bold=True, color=text_color)
    rows: list[list[object]] = [["项目", "取值", "依据"],
                                ["建议预警等级", level, "由下列分级因素按分级模型计算"]]
    rows.extend([f.name, f.value, or_slash(f.source)] for f in r.factors)
    rows.append(["建议发布形式", r.notice, "第二十条"])
    rows.append(["分级模型", f"{r.model_name}（版本 {r.model_version}）", "/"])
    out: list[Flowable] = [table(rows, (BODY_W * 0.17, BODY_W * 0.28, BODY_W * 0.55), header_rows=1,
                                 size=_RISK_SIZE, align=("left", "left", "left"),
                                 backgrounds=[(1, 1, 1, fill)])]
    if r.rationale:
        out.append(Text(f"研判说明：{r.rationale}", _RISK_SIZE, leading=16, space_before=4))
    out.append(_caveat())
    return out


def _caveat() -> Text:
    return Text("注：预警等级由本机构依据风险监测结果及上述证据提出建议，最终等级由组织风险监测的市场监管部门研判确定。"
                "风险监测信息未经组织风险监测的市场监管部门同意不得擅自公开。", _RISK_SIZE, leading=16, space_before=4)


def _pending_block(pending: tuple[RiskFactor, ...]) -> list[Flowable]:
    """No proposal saved: 未研判, and the factors still to decide with the evidence so far."""
    out: list[Flowable] = [
        Text("风险预警等级：未研判。", _RISK_SIZE, bold=True, leading=16),
        Text("本任务尚未保存经技术人员逐项确认的风险预警等级建议，本报告不给出预警等级。以下分级因素尚待确认"
             "（依据为系统汇集的证据，仅供研判参考；发生概率须由技术人员评估选择）。", _RISK_SIZE, leading=16,
             space_after=4),
    ]
    if pending:
        rows: list[list[object]] = [["待确认的分级因素", "状态", "现有依据"]]
        rows.extend([f.name, f.value, or_slash(f.source)] for f in pending)
        out.append(table(rows, (BODY_W * 0.17, BODY_W * 0.28, BODY_W * 0.55), header_rows=1, size=_RISK_SIZE,
                         align=("left", "left", "left")))
    out.append(_caveat())
    return out


def build_story(d: AnalysisData) -> list[Flowable]:
    s = _Sections()
    story: list[Flowable] = [
        # the title beside the verification QR code (top right, drawn by the page decorator)
        TitleBlock([
            Text(d.task_title, 14, align="center", bold=True, space_after=2, title=True),
            Text("风险监测分析报告", 20, align="center", bold=True, space_after=4),
            Text(f"{d.lab.name}　报告编号：{d.report_number}", 9, align="center"),
        ], min_height=29 * mm if (d.verification or d.unsigned) else 0),
        spacer(10),
    ]
    story.append(s.heading("概述"))
    if d.summary:
        story.append(Text(d.summary, 10.5, leading=17, indent=21, space_after=5, align="justify"))
    period = "/" if not d.period_start else f"{fmt_date(d.period_start)}至{fmt_date(d.period_end, '')}"
    info = [
        ["任务名称", d.task_title, "任务编号", or_slash(d.task_number)],
        ["下达单位", or_slash(d.issuing_authority), "产品类别", or_slash(d.product_category)],
        ["抽样时间", period, "计划批次", str(d.batches_planned or "/")],
        ["抽样批次", str(d.batches_sampled), "检验批次", str(d.batches_tested)],
        ["问题批次", str(d.problem_batches), "问题检出率", _pct(d.problem_rate)],
    ]
    w = BODY_W
    story.append(table(info, (22 * mm, w / 2 - 22 * mm, 22 * mm, w / 2 - 22 * mm), label_cols=(0, 2)))

    if d.by_item:
        story.append(s.heading("问题项目统计"))
        rows: list[list[object]] = [["检验项目", "检验批次", "不符合批次", "不符合率", "依据标准及条款"]]
        for it in d.by_item:
            rows.append([it.item, str(it.tested), str(it.failed), _pct(it.rate), or_slash(it.basis)])
        story.append(table(rows, (w * 0.28, w * 0.13, w * 0.14, w * 0.13, w * 0.32), header_rows=1,
                           align=("left", "center", "center", "center", "left")))
        story.append(spacer(4))
        story.append(KeepTogether([charts.horizontal_bars([i.item for i in d.by_item], [i.failed for i in d.by_item],
                                                          width=w, title="各项目不符合批次")]))
    for title, rows_, first, kind in (
        ("地区分布", d.by_region, "地区", "bars"),
        ("抽样场所分布", d.by_place_type, "抽样场所类型", "pie"),
        ("企业规模分布", d.by_enterprise_size, "企业规模", "bars"),
    ):
        if not rows_:
            continue
        block: list[Flowable] = [s.heading(title), _count_table(rows_, first), spacer(4)]
        if kind == "pie":
            block.append(charts.pie([r.label for r in rows_], [r.problem for r in rows_], width=w,
                                    title=f"问题批次按{first}分布"))
        else:
            block.append(charts.grouped_bars([r.label for r in rows_], [r.batches for r in rows_],
                                             [r.problem for r in rows_], width=w, title=f"按{first}统计"))
        story.append(KeepTogether(block))
    if d.failed_items:
        story.append(CondPageBreak(40 * mm))
        story.append(s.heading("不符合项目明细"))
        rows = [["序号", "样品编号", "企业", "地区", "检验项目", "检验结果", "标准要求", "依据标准及条款"]]
        for n, f in enumerate(d.failed_items, 1):
            rows.append([str(n), f.sample_number, f.enterprise, or_slash(f.region), f.item,
                         _with_unit(f.result_text, f.unit), _with_unit(or_slash(f.requirement_text), f.unit),
                         " ".join(p for p in (f.basis_code, f.basis_clause) if p) or "/"])
        cols = tuple(x * mm for x in (8, 31, 26, 14, 22, 17, 20, 32))  # room for a task-style sample number
        story.append(table(rows, cols, header_rows=1, size=8,
                           align=("center", "left", "left", "left", "left", "center", "center", "left")))
    if d.analysis_paragraphs:
        story.append(s.heading("风险分析"))
        for p in d.analysis_paragraphs:
            story.append(Text(p, 10.5, leading=17, indent=21, space_after=3, align="justify"))
    if d.cross_round is not None:
        story.append(CondPageBreak(90 * mm))
        story.extend(cross_round.story(d.cross_round, s.heading(f"跨轮次风险研判（{d.cross_round.category}）")))
    story.append(CondPageBreak(70 * mm))
    story.append(s.heading("风险预警等级建议"))
    if d.risk is not None:
        story.extend(_risk_block(d.risk))
    elif d.risk_pending:
        story.extend(_pending_block(d.risk_pending))
    else:
        story.append(Text("本次监测未提出风险预警等级建议。", 10.5, leading=17, indent=21))
    story.append(s.heading("处理措施建议"))
    if not d.measures:
        story.append(Text("无。", 10.5, leading=17, indent=21))
    for n, m in enumerate(d.measures, 1):
        text = f"（{n}）{m.measure.label}（{m.measure.clause}）"
        story.append(Text(text, 10.5, leading=17, indent=0, space_after=1))
        if m.detail:
            story.append(Text(m.detail, 10, leading=16, indent=21, space_after=3, color=colors.Color(0.15, 0.15, 0.15)))
    so = d.signoff
    sign = [
        [f"编制：{or_slash(so.compiled_by)}", f"审核：{or_slash(so.reviewed_by)}", f"批准：{or_slash(so.approved_by)}"],
        [f"日期：{fmt_date(so.compiled_at)}", f"日期：{fmt_date(so.reviewed_at)}", f"日期：{fmt_date(so.approved_at)}"],
    ]
    story.append(KeepTogether([
        spacer(14),
        table(sign, (BODY_W / 3,) * 3, grid=False),
        Text(f"{d.lab.name}", 10.5, align="right", space_before=10),
        Text(fmt_date(d.issue_date), 10.5, align="right"),
    ]))
    return story


def _decorator(d: AnalysisData):
    right = f"报告编号：{d.report_number}"

    def decorate(c: Canvas, page: int, total: int) -> None:
        y = PAGE_H - 12 * mm
        if d.confidential:
            draw_confidential(c, y=y)
        else:
            fonts.draw_string(c, MARGIN_X, y, d.lab.name, 9)
        fonts.draw_string(c, PAGE_W - MARGIN_X, y, right, 9, align="right")
        draw_page_number(c, page, total)
        if page == 1:
            draw_verification(c, d.verification, unsigned=d.unsigned)
        if d.draft:
            draw_draft_mark(c)

    return decorate


def render_analysis(data: AnalysisData) -> bytes:
    """The analysis report as PDF bytes. Raises ``ValidationError`` (Chinese) for inconsistent counts."""
    _check(data)
    meta = Meta(title=f"风险监测分析报告 {data.report_number}", author=data.lab.name, subject=data.task_title,
                keywords=data.task_number)
    return build_pdf(build_story(data), meta, _decorator(data))


def write_analysis(data: AnalysisData, path: str | Path) -> Path:
    return atomic_write_bytes(path, render_analysis(data))
