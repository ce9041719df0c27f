"""告知书: the notification of a problem sample to one party (Article 18 ¶2).

One letter per notified party — the sampled producer or seller, the nominal producer
(标称生产企业) and, for platform samples, the platform operator (电商平台经营者). The wording
follows the party's role. The letter tells the party of its right to object or apply for a
re-test within the stated number of days and where; it may ask for rectification feedback
(Article 23 (一)); when ``confidential`` it is marked 内部资料 注意保密 (Article 8). The objection
clause is the one the test report's declaration prints (``app.documents.wording``). A notice
re-issued for an amended report names the notice it replaces and restarts the objection period.

``write_notices`` renders a batch into a folder, atomically per file, with a progress callback
and a cancel check, for the GUI's background operation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether

from app.documents import fonts
from app.documents._io import safe_file_name, write_files
from app.documents.data import NoticeData, PartyRole, PlaceType
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
    draw_page_number,
    draw_verification,
    fmt_date,
    info_table,
    minus_signs,
    or_slash,
    spacer,
    table,
)
from app.documents.wording import objection_sentence, reissue_sentence
from app.errors import ValidationError

TITLE = "产品质量安全风险监测结果告知书"
REGULATION = "《湖北省工业产品质量安全风险监测预警与处置管理暂行办法》"
BODY_SIZE = 10.5
BODY_LEADING = 17.5
COMPACT_LEADING = 15.5
_ITEM_COLS = tuple(w * mm for w in (10, 38, 34, 26, 16, 46))

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def _check(d: NoticeData) -> None:
    problems: dict[str, str] = {}
    if not d.notice_number.strip():
        problems["notice_number"] = "告知书缺少编号"
    if not d.addressee.name.strip():
        problems["addressee.name"] = "告知书缺少被告知单位名称"
    if not d.failed_items:
        problems["failed_items"] = f"告知书 {d.notice_number} 没有不符合项目：未发现问题的样品不需要告知"
    if d.objection_days <= 0:
        problems["objection_days"] = "异议或复检申请期限必须是正整数天数"
    if problems:
        raise ValidationError(problems)


def _how_sampled(d: NoticeData) -> str:
    """The sentence fragment that says how the product relates to the addressee."""
    roles = set(d.addressee.roles)
    shop = d.online_shop.shop_name if d.online_shop and d.online_shop.shop_name else ""
    where = f"{fmt_date(d.sampling_date, '')}" + (f"在{d.sampling_place}" if d.sampling_place else "")
    if PartyRole.SAMPLED_PRODUCER in roles:
        return f"{where}在你单位抽取的你单位生产的"
    if PartyRole.SAMPLED_SELLER in roles:
        if d.place_type is PlaceType.E_PLATFORM:
            own = "（你单位亦为标称生产企业）" if PartyRole.NOMINAL_PRODUCER in roles else ""
            return f"{fmt_date(d.sampling_date, '')}通过电商平台在你单位经营的网店{('“' + shop + '”') if shop else ''}购买的{own}"
        own = "标称由你单位生产的" if PartyRole.NOMINAL_PRODUCER in roles else ""
        return f"{where}在你单位抽取的{own}"
    if PartyRole.NOMINAL_PRODUCER in roles:
        if d.place_type is PlaceType.E_PLATFORM:
            return (f"{fmt_date(d.sampling_date, '')}通过电商平台在{d.sampled.name}"
                    + (f"（网店“{shop}”）" if shop else "") + "购买的标称由你单位生产的")
        return f"{fmt_date(d.sampling_date, '')}在{d.sampled.name}抽取的标称由你单位生产的"
    if PartyRole.PLATFORM_OPERATOR in roles:
        return f"{fmt_date(d.sampling_date, '')}在你单位经营的电商平台上，从平台内经营者{d.sampled.name}" + (
            f"（网店“{shop}”）" if shop else "") + "购买的"
    return f"{where}抽取的"


def _sample_table(d: NoticeData) -> Flowable:
    w = BODY_W
    cols = (26 * mm, w / 2 - 26 * mm, 26 * mm, w / 2 - 26 * mm)
    rows: list[list[object]] = [
        ["产品名称", d.product_name, "商标", or_slash(d.brand)],
        ["规格型号", or_slash(d.model_spec), "生产日期/批号",
         or_slash(" / ".join(p for p in (fmt_date(d.production_date, ""), d.batch_number) if p))],
        ["抽样日期", fmt_date(d.sampling_date), "抽样场所类型", d.place_type.label],
        ["抽样地点", or_slash(d.sampling_place), "抽样单编号", or_slash(d.sampling_record_number)],
        ["被抽样单位", d.sampled.name, "", ""],
        ["标称生产企业", d.nominal_producer.name if d.nominal_producer else "/", "", ""],
    ]
    if d.place_type is PlaceType.E_PLATFORM:
        rows.append(["电商平台经营者", d.platform_operator.name if d.platform_operator else "/", "", ""])
        shop = d.online_shop
        if shop:
            rows.append(["网店名称", or_slash(shop.shop_name), "订单号", or_slash(shop.order_number)])
            if shop.url:
                rows.append(["网址", shop.url, "", ""])
    rows.append(["检验报告编号", d.report_number, "", ""])
    rows.append(["检验依据", or_slash("；".join(d.basis_standards)), "", ""])
    return info_table(rows, cols)


def _items_table(d: NoticeData) -> Flowable:
    rows: list[list[object]] = [["序号", "不符合项目", "标准要求", "检验结果", "单位", "依据标准及条款"]]
    for n, it in enumerate(d.failed_items, 1):
        rows.append([str(n), it.item, minus_signs(or_slash(it.requirement_text)), minus_signs(or_slash(it.result_text)),
                     or_slash(it.unit), it.basis_text or "/"])
    return table(rows, _ITEM_COLS, header_rows=1,
                 align=("center", "left", "center", "center", "center", "left"))


def build_story(d: NoticeData, *, compact: bool = False) -> list[Flowable]:
    """The letter; ``compact`` sets the body tighter (for a letter that would otherwise spill its
    closing block onto a second page)."""
    a = d.addressee
    leading = COMPACT_LEADING if compact else BODY_LEADING
    gap = 0.5 if compact else 1.0
    who = d.issuer + (f"（受{d.on_behalf_of}委托）" if d.on_behalf_of else "")
    heading = [
        Text(TITLE, 18, align="center", bold=True, space_after=4),
        Text(f"编号：{d.notice_number}", 10, align="right"),
    ]
    if d.replaces_notice:
        heading.append(Text(f"（替代编号为 {d.replaces_notice} 的告知书）", 9, align="right", space_before=2))
    story: list[Flowable] = [
        # the title beside the verification QR code (top right, drawn by the page decorator)
        TitleBlock(heading, min_height=29 * mm if (d.verification or d.unsigned) else 0),
        spacer(8 * gap),
        Text(f"{a.name}" + (f"（统一社会信用代码：{a.uscc}）" if a.uscc else "") + "：", BODY_SIZE, space_after=4),
    ]
    task = f"在{d.task_title}中，" if d.task_title else "在产品质量安全风险监测中，"
    body = (
        f"{task}{who}对{_how_sampled(d)}{d.product_name}进行了抽样检验。经{d.lab.name}检验"
        f"（检验报告编号：{d.report_number}），该批次产品存在下表所列不符合项目。你单位在本次风险监测中的身份为："
        f"{a.roles_label or '相关单位'}。依据{REGULATION}第十八条规定，现将风险监测结果告知你单位。"
    )
    story.append(Text(body, BODY_SIZE, leading=leading, indent=2 * BODY_SIZE, space_after=6 * gap, align="justify"))
    story.append(_sample_table(d))
    story.append(spacer(6 * gap))
    story.append(Text("不符合项目", BODY_SIZE, bold=True, space_after=3))
    story.append(_items_table(d))
    story.append(spacer(8 * gap))
    paras: list[str] = []
    if d.replaces_notice or d.replaces_report:
        paras.append(reissue_sentence(d.replaces_notice, d.replaces_report, d.report_number))
    paras.append(objection_sentence(d.objection_days, d.objection_to or d.issuer, d.objection_contact,
                                    received="本告知书"))
    if d.feedback_days:
        if PartyRole.PLATFORM_OPERATOR in a.roles and len(a.roles) == 1:
            paras.append(
                f"请你单位督促平台内经营者对问题产品采取下架等有效措施消除质量安全隐患或者降低风险，"
                f"并于收到本告知书之日起{d.feedback_days}日内将处理情况书面反馈{d.issuer}。"
            )
        else:
            paras.append(
                f"请你单位认真分析原因，采取有效措施消除质量安全隐患或者降低风险，"
                f"并于收到本告知书之日起{d.feedback_days}日内将整改落实情况书面反馈{d.issuer}。"
            )
    if d.confidential:
        paras.append("本告知书所涉风险监测信息，未经组织风险监测的市场监管部门同意，任何单位和个人不得擅自公开。")
    body_paras: list[Flowable] = [Text(p, BODY_SIZE, leading=leading, indent=2 * BODY_SIZE, space_after=2 * gap,
                                       align="justify") for p in paras]
    if d.contact_person or d.contact_phone:
        body_paras.append(Text(f"联系人：{or_slash(d.contact_person)}　　联系电话：{or_slash(d.contact_phone)}",
                               BODY_SIZE, leading=leading, indent=2 * BODY_SIZE, space_before=2 * gap))
    signature = [
        spacer(14 * gap),
        Text(f"{d.issuer}（盖章）", BODY_SIZE, align="right", leading=BODY_LEADING),
        Text(fmt_date(d.issue_date), BODY_SIZE, align="right", leading=BODY_LEADING),
    ]
    story.extend(body_paras[:-1])
    story.append(KeepTogether([body_paras[-1], *signature]))  # the seal never stands alone on a page
    return story


def _decorator(d: NoticeData, pages: list[int] | None = None):
    right = f"告知书编号：{d.notice_number}"

    def decorate(c: Canvas, page: int, total: int) -> None:
        if page == 1 and pages is not None:
            pages.append(total)
        y = PAGE_H - 12 * mm
        if d.confidential:
            draw_confidential(c, y=y)
        fonts.draw_string(c, PAGE_W - MARGIN_X, y, right, 9, align="right")
        draw_page_number(c, page, total)
        if page == 1:
            draw_verification(c, d.verification, unsigned=d.unsigned)

    return decorate


def render_notice(data: NoticeData) -> bytes:
    """The notice as PDF bytes. Raises ``ValidationError`` (Chinese) for unusable data."""
    _check(data)
    meta = Meta(title=f"{TITLE} {data.notice_number}", author=data.issuer,
                subject=f"{data.addressee.name} {data.product_name}", keywords=data.report_number)
    pages: list[int] = []
    pdf = build_pdf(build_story(data), meta, _decorator(data, pages))
    if pages[0] > 1:  # e.g. a re-issued notice: try the tighter setting before giving it a second page
        tight_pages: list[int] = []
        tight = build_pdf(build_story(data, compact=True), meta, _decorator(data, tight_pages))
        if tight_pages[0] < pages[0]:
            return tight
    return pdf


def default_file_name(data: NoticeData) -> str:
    """``<notice number>-<addressee>.pdf`` made safe for every file system."""
    return safe_file_name(f"{data.notice_number}-{data.addressee.name}") + ".pdf"


def write_notices(
    notices: Sequence[NoticeData],
    folder: str | Path,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    file_name: Callable[[NoticeData], str] | None = None,
) -> list[Path]:
    """Render every notice into ``folder`` (created if needed) and return the paths written.

    All notices are checked first, so bad data stops the batch before any file is written
    (``ValidationError`` listing every bad notice). Each file is written atomically (temporary
    file, then rename). ``progress(done, total)`` is called after each file; ``cancelled()`` is
    asked before each one and, when it returns true, the batch stops: the files already written
    stay (each is complete) and their paths are returned.
    """
    problems: dict[str, str] = {}
    for n, d in enumerate(notices, 1):
        try:
            _check(d)
        except ValidationError as e:
            problems[f"notices[{n - 1}]"] = f"第{n}份告知书（{d.notice_number or '无编号'}）：{e.message}"
    if problems:
        raise ValidationError(problems)
    namer = file_name or default_file_name
    return write_files([(namer(d), lambda d=d: render_notice(d)) for d in notices], folder,
                       progress=progress, cancelled=cancelled)
