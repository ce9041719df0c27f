"""检验报告: the test report of one sample (A4, reportlab).

Every page carries the lab name and the unique report number in its header and
"第 x 页 共 y 页" in its footer. Page 1 describes the sample, the parties (for e-commerce
samples: the platform operator, the shop, the URL and the order), the basis standards, the
conclusion and the 编制/审核/批准 sign-off, kept on one page with the conclusion; the items table
follows, splitting across pages with its header row repeated. Annexes (附页) follow the items: the
expert panels' evaluations (members, date, opinion) that panel rows refer to, and for an amended
report the 更正说明 with the original values of the rows it marks. The report closes with an end mark.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from app.documents import fonts, images
from app.documents._io import atomic_write_bytes
from app.documents.data import ItemLine, Judgement, PanelLine, PartyInfo, PlaceType, TestReportData
from app.documents.flow import (
    BODY_W,
    FAIL_COLOR,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    Meta,
    Text,
    TitleBlock,
    build_pdf,
    draw_confidential,
    draw_page_number,
    draw_verification,
    fmt_date,
    info_table,
    minus_signs,
    or_slash,
    spacer,
    table,
)
from app.documents.wording import objection_sentence
from app.errors import ValidationError

STATEMENTS = (
    "检验结果仅对所检样品负责。",
    "未经本机构书面批准，不得部分复制本报告。",
    "本报告无编制、审核、批准人签字，或未加盖本机构检验检测专用章无效；报告涂改无效。",
)
END_MARK = "—— 报告结束（以下空白）——"
ITEM_HEADERS = ("序号", "检验项目", "标准要求", "检验结果", "单位", "单项判定", "依据条款")
_ITEM_COLS = tuple(w * mm for w in (9, 35, 32, 22, 15, 15, 42))
AMENDED_MARK = "*"  # beside the number of a row the amended report changed
AMENDED_BG = colors.Color(1.0, 0.96, 0.85)
_ANNEX_NUMS = "一二三四五六七八九"


CONFIDENTIALITY = "本报告所涉风险监测信息，未经组织风险监测的市场监管部门同意，任何单位和个人不得擅自公开。"
CMA_W, CMA_H = 24 * mm, 17 * mm  # the CMA mark's box, top left of page 1 (the QR code's size on the right)
SEAL_SIZE = 38 * mm  # 检验检测专用章: a round seal of about 38–42 mm
SIGNATURE_W, SIGNATURE_H = 24 * mm, 9 * mm


def statements(d: TestReportData) -> tuple[str, ...]:
    """The declaration: the fixed statements, then where to object — in the words of the notices —
    and, for a confidential report, that it may not be made public (Article 8)."""
    objection = objection_sentence(d.objection_days, d.objection_to or "本机构", d.objection_contact,
                                   received="本报告")
    return (*STATEMENTS, objection, *((CONFIDENTIALITY,) if d.confidential else ()))


def missing_marks(d: TestReportData) -> str:
    """What the report lacks to be valid by its own declaration, said plainly: the seal, and the
    signatures of those who signed off (e.g. ``本报告未加盖检验检测专用章；审核人未签名。``)."""
    s = d.signoff
    unsigned = [role for role, name, image in (("编制人", s.compiled_by, s.compiled_signature),
                                               ("审核人", s.reviewed_by, s.reviewed_signature),
                                               ("批准人", s.approved_by, s.approved_signature))
                if name and image is None]
    parts = [] if d.seal is not None else ["本报告未加盖检验检测专用章"]
    if unsigned:
        parts.append(f"{'、'.join(unsigned)}未签名")
    return "；".join(parts) + "。" if parts else ""


def _annexes(d: TestReportData) -> dict[str, str]:
    """The annexes the report has, by kind (``panels``, ``amendments``): ``附页一`` …"""
    kinds = [k for k, present in (("panels", d.panels), ("amendments", d.amendments)) if present]
    return {k: f"附页{_ANNEX_NUMS[n]}" for n, k in enumerate(kinds)}


def _check(data: TestReportData) -> None:
    problems: dict[str, str] = {}
    if not data.report_number.strip():
        problems["report_number"] = "检验报告缺少报告编号"
    if not data.lab.name.strip():
        problems["lab.name"] = "检验报告缺少检验检测机构名称"
    if not data.items:
        problems["items"] = "检验报告没有任何检验项目"
    if data.replaces_number and not data.amendment_reason.strip():
        problems["amendment_reason"] = f"替代 {data.replaces_number} 号报告的修改报告必须写明修改原因"
    if data.objection_days <= 0:
        problems["objection_days"] = "异议或复检申请期限必须是正整数天数"
    _amendment_check(data, problems)
    if problems:
        raise ValidationError(problems)


def _party_rows(label: str, party: PartyInfo | None) -> list[list[object]]:
    if party is None:
        return [[label, "/", "统一社会信用代码", "/"]]
    rows: list[list[object]] = [[label, party.name, "统一社会信用代码", or_slash(party.uscc)]]
    if party.address:
        rows.append(["地址", party.address, "", ""])
    return rows


def _info_table(d: TestReportData) -> Flowable:
    w = BODY_W
    cols = (26 * mm, w / 2 - 26 * mm, 28 * mm, w / 2 - 28 * mm)
    rows: list[list[object]] = [
        ["产品名称", d.product_name, "样品编号", d.sample_number],
        ["商标", or_slash(d.brand), "规格型号", or_slash(d.model_spec)],
        ["生产日期/批号", or_slash(" / ".join(p for p in (fmt_date(d.production_date, ""), d.batch_number) if p)),
         "检验类别", or_slash(d.test_category)],
        ["抽样场所类型", d.place_type.label, "抽样日期", fmt_date(d.sampling_date)],
        ["抽样地点", or_slash(d.sampling_place), "抽样单编号", or_slash(d.sampling_record_number)],
        ["抽样基数", or_slash(d.lot_size), "样品数量", or_slash(d.sample_quantity)],
        ["抽样人员", or_slash("、".join(d.samplers)), "封条编号", or_slash("、".join(d.seal_numbers))],
        ["收样日期", fmt_date(d.received_date), "样品状态", or_slash(d.sample_state)],
        ["检验日期", "/" if not d.test_start else f"{fmt_date(d.test_start)}至{fmt_date(d.test_end, '')}", "", ""],
    ]
    sampled_label = "被抽样生产者" if d.place_type is PlaceType.PRODUCER else "被抽样单位"
    for label, party in (
        (sampled_label, d.sampled),
        ("标称生产企业", d.nominal_producer),
    ):
        rows.extend(_party_rows(label, party))
    if d.place_type is PlaceType.E_PLATFORM:
        rows.extend(_party_rows("电商平台经营者", d.platform_operator))
        shop = d.online_shop
        rows.append(["网店名称", or_slash(shop.shop_name if shop else ""), "订单号",
                     or_slash(shop.order_number if shop else "")])
        rows.append(["网址", or_slash(shop.url if shop else ""), "", ""])
    rows.append(["任务名称", or_slash(d.task_title), "任务编号", or_slash(d.task_number)])
    if d.task_source:
        rows.append(["任务来源", d.task_source, "", ""])
    rows.append(["检验依据", or_slash("；".join(d.basis_standards)), "", ""])
    return info_table(rows, cols)


def _conclusion_table(d: TestReportData) -> Flowable:
    """检验结论 and 备注: the rows that close the information table, kept on a page with the sign-off."""
    w = BODY_W
    cols = (26 * mm, w / 2 - 26 * mm, 28 * mm, w / 2 - 28 * mm)
    rows: list[list[object]] = [["检验结论", d.conclusion, "", ""], ["备注", or_slash(d.remarks), "", ""]]
    return info_table(rows, cols, row_padding={0: 5.5})


def _item_row(n: int, it: ItemLine, annexes: dict[str, str], amended: bool) -> list[object]:
    name = it.item + ("（专家组评价）" if it.expert_panel else "")
    basis = it.basis_text or "/"
    if it.method_code and (it.method_code, it.method_clause) != (it.basis_code, it.basis_clause):
        basis += f"\n方法：{' '.join(p for p in (it.method_code, it.method_clause) if p)}"
    result = minus_signs(or_slash(it.result_text))
    if it.expert_panel and "panels" in annexes:
        result = f"见{annexes['panels']}"
        basis = f"专家组验证评价（第五条），见{annexes['panels']}"
    verdict: object = it.judgement.label
    if it.judgement is Judgement.FAIL:
        verdict = Text(it.judgement.label, 9, align="center", color=FAIL_COLOR, bold=True)
    number = f"{n}{AMENDED_MARK}" if amended else str(n)
    return [number, name, minus_signs(or_slash(it.requirement_text)), result, or_slash(it.unit), verdict, basis]


def _items_table(d: TestReportData) -> Flowable:
    annexes = _annexes(d)
    changed = {a.item for a in d.amendments}
    rows: list[list[object]] = [list(ITEM_HEADERS)]
    rows.extend(_item_row(n, it, annexes, it.item in changed) for n, it in enumerate(d.items, 1))
    marked = [r for r, it in enumerate(d.items, 1) if it.item in changed]
    align = ("center", "left", "center", "center", "center", "center", "left")
    return table(rows, _ITEM_COLS, header_rows=1, align=align,
                 backgrounds=[(r, 0, len(ITEM_HEADERS) - 1, AMENDED_BG) for r in marked])


def _notes(d: TestReportData) -> list[Flowable]:
    """Footnotes of the items table: the amended rows' mark and the panel annex."""
    annexes = _annexes(d)
    notes = []
    if "amendments" in annexes:
        notes.append(f"序号后标“{AMENDED_MARK}”并加底色的项目为本报告更正的检验结果；更正前的结果、更正原因、"
                     f"更正人和日期见{annexes['amendments']}“更正说明”。")
    if "panels" in annexes:
        notes.append(f"标“专家组评价”的项目无法实施检验检测，由专家组验证评价（第五条）；专家组成员、评价日期和"
                     f"专家组意见见{annexes['panels']}“专家组验证评价”。")
    if not notes:
        return []
    if len(notes) == 1:
        return [Text(f"注：{notes[0]}", 8.5, leading=12, space_before=4)]
    return [Text("注：", 8.5, leading=12, space_before=4),
            *(Text(f"{n}. {t}", 8.5, leading=12) for n, t in enumerate(notes, 1))]


def _annex_heading(label: str, title: str) -> list[Flowable]:
    return [CondPageBreak(60 * mm), Text(f"{label}　{title}", 12, bold=True, space_before=12, space_after=4)]


def _panel_annex(label: str, panels: tuple[PanelLine, ...]) -> list[Flowable]:
    out = _annex_heading(label, "专家组验证评价")
    w = BODY_W
    for n, p in enumerate(panels, 1):
        info = [
            ["检验项目", p.item, "评价日期", fmt_date(p.evaluated_on)],
            ["专家组意见", p.conclusion, "", ""],
            ["单项判定", p.judgement.label, "专家人数", f"{len(p.members)}人"],
        ]
        if p.justification:
            info.insert(2, ["评价依据及说明", p.justification, "", ""])
        members: list[list[object]] = [["序号", "姓名", "工作单位", "职称", "个人意见"]]
        members.extend([str(k), m.name, or_slash(m.affiliation), or_slash(m.title), or_slash(m.opinion)]
                       for k, m in enumerate(p.members, 1))
        block: list[Flowable] = [
            Text(f"{n}. {p.item}", 10, bold=True, space_before=4 if n > 1 else 0, space_after=3),
            info_table(info, (26 * mm, w / 2 - 26 * mm, 22 * mm, w / 2 - 22 * mm)),
            spacer(4),
            table(members, tuple(x * mm for x in (10, 22, 58, 25, 55)), header_rows=1,
                  align=("center", "center", "left", "center", "left")),
        ]
        out.append(KeepTogether(block))
    return out


def _value(result: str, unit: str) -> str:
    return minus_signs(or_slash(result)) + (f" {unit}" if unit and result else "")


def _amendment_annex(label: str, d: TestReportData) -> list[Flowable]:
    out = _annex_heading(label, "更正说明")
    out.append(Text(f"本报告替代 {d.replaces_number} 号报告。下表列出本报告更正的检验结果及其在原报告中的结果和判定；"
                    "未列出的内容与原报告相同。", 9, leading=13, space_after=4))
    rows: list[list[object]] = [["序号", "检验项目", "原结果", "原判定", "更正后结果", "更正后判定", "更正原因", "更正人",
                                 "更正日期"]]
    for n, a in enumerate(d.amendments, 1):
        rows.append([str(n), a.item, _value(a.original_result, a.original_unit), a.original_judgement.label,
                     _value(a.amended_result, a.amended_unit), a.amended_judgement.label, or_slash(a.reason),
                     or_slash(a.amended_by), fmt_date(a.amended_on)])
    out.append(table(rows, tuple(x * mm for x in (9, 24, 17, 13, 17, 13, 33, 16, 28)), header_rows=1, size=8.5,
                     align=("center", "left", "center", "center", "center", "center", "left", "center", "center")))
    return out


def _amendment_check(d: TestReportData, problems: dict[str, str]) -> None:
    if d.amendments and not d.replaces_number:
        problems["amendments"] = "只有替代原报告的更正报告才能列出更正说明"
    items = {it.item for it in d.items}
    for a in d.amendments:
        if a.item not in items:
            problems[f"amendments.{a.item}"] = f"更正说明中的项目“{a.item}”不在本报告的检验项目中"
    for p in d.panels:
        if p.item not in items:
            problems[f"panels.{p.item}"] = f"专家组评价的项目“{p.item}”不在本报告的检验项目中"


class _Signed(Flowable):
    """``编制：王建`` with the person's signature image beside the typed name (when there is one)."""

    def __init__(self, label: str, name: str, signature: bytes | None) -> None:
        super().__init__()
        self.text = f"{label}：{or_slash(name)}"
        self.signature = signature if name else None
        self.size = 9

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = SIGNATURE_H if self.signature is not None else self.size * 1.35
        return self.width, self.height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        middle = y + self.height / 2
        fonts.draw_string(canvas, x, middle - self.size * 0.35, self.text, self.size)
        if self.signature is not None:
            left = x + fonts.string_width(self.text, self.size) + 2 * mm
            images.draw(canvas, self.signature, left, middle, min(SIGNATURE_W, x + self.width - left), SIGNATURE_H,
                        anchor="w")


class _IssueDate(Flowable):
    """签发日期, right-aligned, with the lab's seal (检验检测专用章) over it when the lab has one."""

    def __init__(self, issue_date, seal: bytes | None) -> None:
        super().__init__()
        self.text = f"签发日期：{fmt_date(issue_date)}"
        self.date_text = fmt_date(issue_date)
        self.seal = seal
        self.size = 10
        self.spaceBefore = 6

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width, self.height = availWidth, self.size * 1.35
        return self.width, self.height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        base = y + self.height * 0.25
        right = x + self.width
        fonts.draw_string(canvas, right, base, self.text, self.size, align="right")
        if self.seal is not None:  # pressed over the date, the date across its lower half; ink lets it show
            centre = min(right - fonts.string_width(self.date_text, self.size) / 2, right - SEAL_SIZE / 2 + 2 * mm)
            canvas.saveState()
            canvas.setFillAlpha(0.85)
            images.draw(canvas, self.seal, centre, base + 5 * mm, SEAL_SIZE, SEAL_SIZE, anchor="c")
            canvas.restoreState()


def _signoff(d: TestReportData) -> Flowable:
    s = d.signoff
    cells: list[list[object]] = [
        [_Signed("编制", s.compiled_by, s.compiled_signature), _Signed("审核", s.reviewed_by, s.reviewed_signature),
         _Signed("批准", s.approved_by, s.approved_signature)],
        [f"日期：{fmt_date(s.compiled_at)}", f"日期：{fmt_date(s.reviewed_at)}", f"日期：{fmt_date(s.approved_at)}"],
    ]
    t = table(cells, (BODY_W / 3,) * 3, grid=False)
    block: list[Flowable] = [t, _IssueDate(d.issue_date, d.seal)]
    missing = missing_marks(d)
    if missing:  # no claim of validity the page cannot back
        block.append(Text(missing, 8.5, align="right", color=FAIL_COLOR, space_before=2))
    return KeepTogether(block)


def _unkept(f: Flowable) -> list[Flowable]:
    """The content of a ``KeepTogether`` (one nested in another measures as infinitely tall)."""
    return list(f._content) if isinstance(f, KeepTogether) else [f]


def build_story(d: TestReportData) -> list[Flowable]:
    story: list[Flowable] = [
        # the title between the CMA mark (left) and the verification QR code (right)
        TitleBlock([
            Text("检 验 报 告", 22, align="center", bold=True, space_after=4),
            Text(d.task_title or "产品质量安全风险监测", 11, align="center", space_after=2, title=True),
            Text(d.lab.name, 9, align="center"),
        ], min_height=29 * mm if (d.verification or d.unsigned or d.cma_mark is not None) else 0),
        spacer(6),
    ]
    if d.replaces_number:
        notice = Text(f"本报告替代 {d.replaces_number} 号报告，原报告作废。修改原因：{d.amendment_reason}", 9,
                      color=FAIL_COLOR)
        story.append(table([[notice]], (BODY_W,), grid=False, box=(1, FAIL_COLOR)))
        story.append(spacer(6))
    story.append(_info_table(d))
    # the conclusion and the sign-off are one block: never a sign-off alone on the next page
    story.append(KeepTogether([_conclusion_table(d), spacer(8), *_unkept(_signoff(d))]))
    story.append(spacer(6))
    story.append(Text("声明", 9, bold=True, space_after=2))
    for n, s in enumerate(statements(d), 1):
        story.append(Text(f"{n}. {s}", 8.5, leading=12))
    story.append(spacer(10))
    story.append(CondPageBreak(45 * mm))  # do not strand the heading with one or two rows
    story.append(Text("检验结果", 12, bold=True, space_after=4))
    story.append(_items_table(d))
    story.extend(_notes(d))
    annexes = _annexes(d)
    if "panels" in annexes:
        story.extend(_panel_annex(annexes["panels"], d.panels))
    if "amendments" in annexes:
        story.extend(_amendment_annex(annexes["amendments"], d))
    story.append(Text(END_MARK, 9, align="center", space_before=8))
    return story


def _decorator(d: TestReportData):
    header_left = d.lab.name
    header_right = f"报告编号：{d.report_number}"
    footer_bits = "　".join(p for p in (d.lab.address and f"地址：{d.lab.address}",
                                        d.lab.phone and f"电话：{d.lab.phone}") if p)

    def decorate(c: Canvas, page: int, total: int) -> None:
        y = PAGE_H - 15 * mm
        if d.confidential:
            draw_confidential(c, y=PAGE_H - 9 * mm)
        fonts.draw_string(c, MARGIN_X, y, header_left, 9)
        fonts.draw_string(c, PAGE_W - MARGIN_X, y, header_right, 9, align="right")
        c.setLineWidth(0.6)
        c.line(MARGIN_X, y - 3, PAGE_W - MARGIN_X, y - 3)
        c.line(MARGIN_X, 17 * mm, PAGE_W - MARGIN_X, 17 * mm)
        if footer_bits:
            fonts.draw_string(c, PAGE_W / 2, 7 * mm, footer_bits, 7.5, align="center")
        draw_page_number(c, page, total, size=9)
        if page == 1:
            draw_verification(c, d.verification, unsigned=d.unsigned)
            if d.cma_mark is not None:
                _draw_cma(c, d)
        if page == 1 and d.replaces_number:
            fonts.draw_string(c, PAGE_W - MARGIN_X, y - 12, f"替代 {d.replaces_number}", 8, align="right")

    return decorate


def _draw_cma(c: Canvas, d: TestReportData) -> None:
    """The CMA mark at the top left of page 1's body, the certificate number under it."""
    top = PAGE_H - MARGIN_TOP
    assert d.cma_mark is not None
    w, h = images.fit(d.cma_mark, CMA_W, CMA_H)
    images.draw(c, d.cma_mark, MARGIN_X + (CMA_W - w) / 2, top - h, CMA_W, CMA_H)
    if d.lab.cma_number:
        fonts.draw_string(c, MARGIN_X + CMA_W / 2, top - h - 3 * mm, d.lab.cma_number, 7, align="center")


def render_test_report(data: TestReportData) -> bytes:
    """The report as PDF bytes. Raises ``ValidationError`` (Chinese) for unusable data."""
    _check(data)
    meta = Meta(title=f"检验报告 {data.report_number}", author=data.lab.name,
                subject=f"{data.product_name} {data.sample_number}", keywords=data.report_number)
    return build_pdf(build_story(data), meta, _decorator(data))


def write_test_report(data: TestReportData, path: str | Path) -> Path:
    """Render and write the report atomically; returns the path."""
    return atomic_write_bytes(path, render_test_report(data))
