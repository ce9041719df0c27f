"""重大质量安全风险隐患报告: a major hazard found in a sample, reported at once (Article 18 ¶3).

One page, addressed to the organising authority (组织风险监测的市场监管部门): the lab, the task,
the sample, the items concerned with their results, what was found, the measures taken, who
found it and when. Issued like every other document (``app.services.documents.issue``): signed
with the lab's key (QR code) when the lab has one, else marked 未签名; a preview before it is
reported carries 草稿.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether

from app.documents import fonts
from app.documents.data import LabInfo
from app.documents.flow import (
    BODY_W,
    FAIL_COLOR,
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
    info_table,
    minus_signs,
    or_slash,
    spacer,
    table,
)
from app.errors import ValidationError

TITLE = "重大质量安全风险隐患报告"
REGULATION = "《湖北省工业产品质量安全风险监测预警与处置管理暂行办法》"
BODY_SIZE = 10.5
LEADING = 16.5
_ITEM_COLS = tuple(w * mm for w in (10, 44, 38, 34, 18, 30))
#: how a hazard report went out (``HazardReport.method``)
METHOD_LABELS = {"upload": "上传省级系统", "phone": "电话", "hand": "当面或书面送达"}
JUDGEMENT_LABELS = {"fail": "不符合", "panel": "专家组评价", "pass": "符合", "undetermined": "不判定"}


@dataclass(frozen=True, slots=True)
class HazardItem:
    """One item concerned: its result as the bench recorded it."""

    item: str
    requirement: str = ""
    result: str = ""
    unit: str = ""
    judgement: str = ""  # fail | panel | …


@dataclass(frozen=True)
class HazardData:
    """What the letter says. ``found_at``/``reported_at`` are local times (the lab's zone)."""

    number: str
    lab: LabInfo
    recipient: str  # the organising authority
    sample_number: str
    product_name: str
    description: str
    found_by: str
    found_at: datetime
    issue_date: date
    task_number: str = ""
    task_title: str = ""
    brand: str = ""
    model_spec: str = ""
    batch_number: str = ""
    production_date: date | str | None = None
    sampling_date: date | None = None
    sampled: str = ""  # 被抽样单位
    nominal_producer: str = ""  # 标称生产企业
    items: tuple[HazardItem, ...] = ()
    reason: str = ""  # why, when no item is nonconforming
    measures: str = ""
    reported_by: str = ""
    method: str = ""  # upload | phone | hand
    contact_person: str = ""  # who was told, for phone / by hand
    contact_phone: str = ""  # the lab's
    draft: bool = False
    verification: str = ""
    unsigned: bool = False


def _check(d: HazardData) -> None:
    problems: dict[str, str] = {}
    if not d.number.strip():
        problems["number"] = "报告缺少编号"
    if not d.recipient.strip():
        problems["recipient"] = "请填写接收报告的市场监管部门（组织风险监测的部门）"
    if not d.description.strip():
        problems["description"] = "请描述发现的重大质量安全风险隐患"
    if not d.items and not d.reason.strip():
        problems["reason"] = "该样品没有不符合或专家组评价的项目，请说明判定为重大风险隐患的理由"
    if problems:
        raise ValidationError(problems)


def _when(ts: datetime | None) -> str:
    return f"{ts.year}年{ts.month}月{ts.day}日 {ts:%H:%M}" if ts else "/"


def _sample_table(d: HazardData) -> Flowable:
    cols = (26 * mm, BODY_W / 2 - 26 * mm, 26 * mm, BODY_W / 2 - 26 * mm)
    rows: list[list[object]] = [
        ["任务编号", or_slash(d.task_number), "样品编号", d.sample_number],
        ["任务名称", or_slash(d.task_title), "", ""],
        ["产品名称", d.product_name, "商标", or_slash(d.brand)],
        ["规格型号", or_slash(d.model_spec), "生产日期/批号",
         or_slash(" / ".join(p for p in (fmt_date(d.production_date, ""), d.batch_number) if p))],
        ["被抽样单位", or_slash(d.sampled), "抽样日期", fmt_date(d.sampling_date)],
        ["标称生产企业", or_slash(d.nominal_producer), "", ""],
    ]
    return info_table(rows, cols)


def _items_table(d: HazardData) -> Flowable:
    rows: list[list[object]] = [["序号", "项目", "标准要求", "检验结果", "单位", "判定"]]
    for n, it in enumerate(d.items, 1):
        rows.append([str(n), it.item, minus_signs(or_slash(it.requirement)), minus_signs(or_slash(it.result)),
                     or_slash(it.unit), JUDGEMENT_LABELS.get(it.judgement, it.judgement or "/")])
    return table(rows, _ITEM_COLS, header_rows=1, align=("center", "left", "center", "center", "center", "center"))


def build_story(d: HazardData) -> list[Flowable]:
    story: list[Flowable] = [
        TitleBlock([Text(TITLE, 18, align="center", bold=True, space_after=4),
                    Text(f"编号：{d.number}", 10, align="right")],
                   min_height=29 * mm if (d.verification or d.unsigned) else 0),
        spacer(6),
        Text(f"{d.recipient}：", BODY_SIZE, space_after=4),
        Text(f"依据{REGULATION}第十八条第三款，{d.lab.name}在{'“' + d.task_title + '”' if d.task_title else '风险监测'}"
             f"检验中发现下列样品存在重大质量安全风险隐患，现立即报告如下。", BODY_SIZE, leading=LEADING,
             indent=2 * BODY_SIZE, space_after=6, align="justify"),
        _sample_table(d),
        spacer(6),
    ]
    if d.items:
        story.append(Text("涉及项目及检验结果", BODY_SIZE, bold=True, space_after=3))
        story.append(_items_table(d))
    else:
        story.append(Text("涉及项目：无不符合或专家组评价的项目。判定理由：" + d.reason, BODY_SIZE, leading=LEADING,
                          color=FAIL_COLOR))
    if d.items and d.reason:
        story.append(Text("判定理由：" + d.reason, BODY_SIZE, leading=LEADING, space_before=4))
    story.append(spacer(6))
    story.append(Text("一、风险隐患情况", BODY_SIZE, bold=True, space_after=2))
    story.append(Text(d.description, BODY_SIZE, leading=LEADING, indent=2 * BODY_SIZE, align="justify",
                      space_after=4))
    story.append(Text("二、已采取的措施", BODY_SIZE, bold=True, space_after=2))
    story.append(Text(d.measures or "无。", BODY_SIZE, leading=LEADING, indent=2 * BODY_SIZE, align="justify",
                      space_after=4))
    story.append(Text("三、发现与报告", BODY_SIZE, bold=True, space_after=2))
    line = f"发现人：{or_slash(d.found_by)}　　发现时间：{_when(d.found_at)}"
    story.append(Text(line, BODY_SIZE, leading=LEADING, indent=2 * BODY_SIZE))
    how = METHOD_LABELS.get(d.method, "")
    line2 = f"报告人：{or_slash(d.reported_by)}" + (f"　　报告方式：{how}" if how else "")
    if d.contact_person:
        line2 += f"　　接报人：{d.contact_person}"
    story.append(Text(line2, BODY_SIZE, leading=LEADING, indent=2 * BODY_SIZE))
    story.append(Text("请组织风险监测的市场监管部门及时研判处置。本报告所涉风险监测信息，未经同意不得擅自公开。",
                      BODY_SIZE, leading=LEADING, indent=2 * BODY_SIZE, space_before=4, align="justify"))
    contact = f"联系电话：{d.contact_phone}" if d.contact_phone else ""
    story.append(KeepTogether([
        spacer(12),
        Text(f"{d.lab.name}（盖章）", BODY_SIZE, align="right", leading=LEADING),
        Text(fmt_date(d.issue_date), BODY_SIZE, align="right", leading=LEADING),
        *([Text(contact, 9, align="right", leading=LEADING)] if contact else []),
    ]))
    return story


def _decorator(d: HazardData):
    def decorate(c: Canvas, page: int, total: int) -> None:
        y = PAGE_H - 12 * mm
        draw_confidential(c, y=y)
        fonts.draw_string(c, PAGE_W - MARGIN_X, y, f"报告编号：{d.number}", 9, align="right")
        draw_page_number(c, page, total)
        if page == 1:
            draw_verification(c, d.verification, unsigned=d.unsigned)
        if d.draft:
            draw_draft_mark(c, "预览")

    return decorate


def render_hazard(data: HazardData) -> bytes:
    """The report as PDF bytes. Raises ``ValidationError`` (Chinese) for unusable data."""
    _check(data)
    meta = Meta(title=f"{TITLE} {data.number}", author=data.lab.name,
                subject=f"{data.sample_number} {data.product_name}", keywords=data.recipient)
    return build_pdf(build_story(data), meta, _decorator(data))
