"""Excel workbooks (openpyxl): import templates, ledger and results export.

Templates (``write_template("sampling" | "catalog", path)``) have a data sheet with Chinese
headers, drop-down lists (place type, requirement type), text-formatted code columns (so Excel
does not turn an 18-digit USCC into a rounded number), an instructions sheet (说明) and an
example sheet (示例); only the data sheet is read back (``app.services.excel_import``). The
columns both sides lay out are ``app.documents.excel_columns``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.documents._io import atomic_write_with, output_target
from app.documents.data import Judgement, LedgerRow, TestReportData
from app.documents.excel_columns import CATALOG_COLUMNS, HISTORY_COLUMNS, SAMPLING_COLUMNS, SHEETS, Column
from app.errors import ValidationError
from app.rules.publication import ARTICLE_8, MARK
from app.rules.standards import GRADES

TEMPLATE_ROWS = 2000  # rows that carry the drop-down lists and formats

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="4E79A7")
_REQUIRED_FILL = PatternFill("solid", fgColor="C0504D")
_WRAP = Alignment(wrap_text=True, vertical="top")


def new_workbook() -> Workbook:
    return Workbook()


def style_header_row(ws, row: int, required: Sequence[bool] | None = None) -> None:
    for i, cell in enumerate(ws[row]):
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if required and i < len(required) and required[i] else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = 30


_SAMPLING_EXAMPLES: tuple[dict[str, object], ...] = (
    {"sample_number": "FX2026-0001", "task_number": "HBFX-2026-017", "product_name": "电热水壶", "brand": "美某",
     "model_spec": "SWF17E-1 1.7L 1800W", "batch_number": "20260512", "production_date": date(2026, 5, 12),
     "place_type": "电商平台", "sampling_date": date(2026, 5, 20), "sampling_place": "网络购买",
     "sampling_record_number": "CY-2026-017-0001", "test_category": "风险监测", "samplers": "陈立、赵敏",
     "sample_quantity": "2 台", "backup_quantity": "2 台", "lot_size": "50 台", "seal_numbers": "FT20260520001",
     "sampled_name": "武汉市某某家电商行", "sampled_uscc": "92420102MA4K0AB1X4", "sampled_address": "武汉市江岸区解放大道 1 号",
     "nominal_name": "佛山市某某电器有限公司", "nominal_uscc": "91440606MA51XY2N3X",
     "nominal_address": "广东省佛山市顺德区北滘镇工业大道 8 号", "platform_name": "某某网络科技有限公司",
     "platform_uscc": "91330100MA27ABCD1C", "shop_name": "某某电器官方旗舰店",
     "shop_url": "https://item.example-mall.com/item.htm?id=681234567890", "order_number": "3398127746610293847",
     "logistics_number": "SF1409876543210", "remarks": "开箱过程已录像"},
    {"sample_number": "FX2026-0002", "task_number": "HBFX-2026-017", "product_name": "电热水壶", "brand": "九某",
     "model_spec": "K15-F1 1.5L", "batch_number": "B2604", "production_date": "2026年4月", "place_type": "生产企业",
     "sampling_date": date(2026, 5, 21), "sampling_place": "武汉市蔡甸区常福工业园 6 号成品仓库",
     "sampling_record_number": "CY-2026-017-0002", "test_category": "风险监测", "samplers": "陈立、赵敏",
     "sample_quantity": "2 台", "backup_quantity": "2 台", "lot_size": "300 台",
     "seal_numbers": "FT20260521001、FT20260521002",
     "sampled_name": "湖北某某厨具制造有限公司", "sampled_uscc": "91420100MA4KXY7121",
     "sampled_address": "湖北省武汉市蔡甸区常福工业园 6 号"},
)

_CATALOG_EXAMPLES: tuple[dict[str, object], ...] = (
    {"code": "GB 4706.19-2008", "title": "家用和类似用途电器的安全 液体加热器的特殊要求", "effective": date(2009, 12, 1),
     "item": "泄漏电流", "clause": "13.2", "op": "≤", "value": 0.75, "unit": "mA", "method_code": "GB 4706.19-2008",
     "method_clause": "13.2"},
    {"code": "GB/T 14561-2019", "title": "消费类电器产品能效", "effective": date(2020, 7, 1), "item": "额定功率",
     "clause": "5.3", "op": "范围", "low": -10, "high": 5, "unit": "%", "method_code": "GB/T 14561-2019",
     "method_clause": "6.3"},
    {"code": "GB 4706.19-2008", "title": "家用和类似用途电器的安全 液体加热器的特殊要求", "effective": date(2009, 12, 1),
     "item": "标志和说明", "clause": "7", "op": "文字", "text": "应符合标准第7章的规定"},
)

_HISTORY_EXAMPLES: tuple[dict[str, object], ...] = (
    {"category": "电热水壶", "year": 2024, "item": "", "region": "武汉市", "tested": 24, "problems": 3},
    {"category": "电热水壶", "year": 2024, "item": "泄漏电流", "region": "武汉市", "tested": 24, "problems": 1},
    {"category": "电热水壶", "year": 2024, "item": "", "region": "襄阳市", "tested": 10, "problems": 2},
    {"category": "电热水壶", "year": 2024, "item": "泄漏电流", "region": "襄阳市", "tested": 10, "problems": 0},
)

_INSTRUCTIONS = {
    "sampling": (
        "抽样信息导入模板 使用说明",
        "1. 在“抽样信息”工作表中每行填写一个样品，第 1 行为列名，请勿修改或删除列名。",
        "2. 红色列名为必填项；“示例”工作表中的数据仅供参考，不会被导入。",
        "3. 抽样场所类型请用下拉列表选择：生产企业、实体店、电商平台。",
        "4. 实体店抽样须填写标称生产企业；电商平台抽样须另填电商平台经营者及其统一社会信用代码、网店名称、网址和订单号"
        "（《湖北省工业产品质量安全风险监测预警与处置管理暂行办法》第十八条）。",
        "5. 统一社会信用代码、订单号等编号列已设为文本格式，请勿改为数字格式，以免 Excel 截断长数字。",
        "6. 日期请填写为日期格式或 2026-05-20 形式的文字；抽样人员至少 2 人，姓名之间用顿号“、”分隔。",
        "7. 样品数量、备用样品数量、抽样基数写作数量加单位（如 4 台），三者单位相同；抽样单编号在同一任务内不得重复；"
        "检验类别留空即为“风险监测”；样品状态在收样时登记，不在本表填写。",
        "8. 导入时逐行检查，任何一行有错误则整个文件不导入，并列出所有错误行及原因，修改后重新导入即可。",
    ),
    "history": (
        "往期监测数据导入模板 使用说明",
        "1. 在“往期监测数据”工作表中每行填写一个产品类别、一个年度（轮次）、一个地区的检验批次数和问题批次数。",
        "2. “检验项目”留空的一行是该地区该年度的批次合计：问题批次数为存在任一问题的批次数；填写检验项目的一行是"
        "该项目的检验批次数和不合格批次数。同一产品类别、年度、检验项目和地区只填一行。",
        "3. 产品类别须与本机构监测任务的“产品类别”一致；地区填被抽样单位所在的市（州），如 武汉市、襄阳市、"
        "恩施土家族苗族自治州、仙桃市，省外企业填“省外”。",
        "4. 批次数为非负整数，问题批次数不得大于检验批次数；年度为已开展监测的年份。",
        "5. 系统中已有监测任务记录的年度以系统记录为准，不能再导入；已导入的年度须先删除再重新导入。",
        "6. 导入时逐行检查，任何一行有错误则整个文件不导入，并列出所有错误行及原因。",
    ),
    "catalog": (
        "标准目录导入模板 使用说明",
        "1. 在“标准目录”工作表中每行填写一个标准版本的一个检验项目的技术要求；同一标准的多个项目分行填写。",
        "2. 标准编号须带年代号（如 GB 4706.19-2008）；同一标准的不同版本分别填写，现行有效的版本“废止日期”留空。",
        "3. 要求类型请用下拉列表选择：≤ < ≥ > = 时填写“限值”；“范围”时填写“下限”和“上限”（含两端）；"
        "“文字”时填写“文字要求”。",
        "4. 分等级的技术要求：“等级”留空的一行为通用要求；同一检验项目每个等级另填一行，用下拉列表选择等级"
        f"（{'、'.join(GRADES)}），填写该等级的要求类型和限值。",
        "5. 红色列名为必填项；“示例”工作表中的数据仅供参考，不会被导入。",
        "6. 导入时逐行检查，任何一行有错误则整个文件不导入，并列出所有错误行及原因。",
    ),
}


def _fill_data_sheet(ws, columns: tuple[Column, ...], rows: Iterable[dict[str, object]], *, with_validation: bool) -> None:
    ws.append([c.header for c in columns])
    style_header_row(ws, 1, [c.required for c in columns])
    ws.freeze_panes = "A2"
    for i, c in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = c.width
        if c.kind == "code":
            ws.column_dimensions[letter].number_format = "@"
        elif c.kind == "date":
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
    n = 1
    for rec in rows:
        n += 1
        for i, c in enumerate(columns, start=1):
            value = rec.get(c.key)
            cell = ws.cell(row=n, column=i, value=value)
            if c.kind == "code":
                cell.number_format = "@"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    if with_validation:
        last = TEMPLATE_ROWS + 1
        for i, c in enumerate(columns, start=1):
            letter = get_column_letter(i)
            rng = f"{letter}2:{letter}{last}"
            if c.kind == "choice":
                dv = DataValidation(type="list", formula1='"' + ",".join(c.choices) + '"', allow_blank=not c.required,
                                    showErrorMessage=True, errorTitle="输入无效",
                                    error=f"请从下拉列表中选择{c.header}", promptTitle=c.header, prompt=c.note[:250],
                                    showInputMessage=bool(c.note))
                dv.add(rng)
                ws.add_data_validation(dv)
            elif c.kind == "date":
                dv = DataValidation(type="date", operator="between", formula1="DATE(1950,1,1)", formula2="DATE(2100,12,31)",
                                    allow_blank=True, showErrorMessage=True, errorTitle="日期无效",
                                    error="请输入有效日期，例如 2026-05-20")
                dv.add(rng)
                ws.add_data_validation(dv)


def write_template(kind: str, path: str | Path) -> Path:
    """An .xlsx import template: ``kind`` is ``"sampling"`` (抽样信息), ``"catalog"`` (标准目录) or
    ``"history"`` (往期监测数据)."""
    if kind not in SHEETS:
        raise ValidationError(f"未知的模板类型“{kind}”，应为 sampling、catalog 或 history", field="kind")
    columns = {"sampling": SAMPLING_COLUMNS, "catalog": CATALOG_COLUMNS, "history": HISTORY_COLUMNS}[kind]
    examples = {"sampling": _SAMPLING_EXAMPLES, "catalog": _CATALOG_EXAMPLES, "history": _HISTORY_EXAMPLES}[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS[kind]
    _fill_data_sheet(ws, columns, (), with_validation=True)

    info = wb.create_sheet("说明")
    lines = _INSTRUCTIONS[kind]
    info.append([lines[0]])
    info["A1"].font = Font(bold=True, size=14)
    for line in lines[1:]:
        info.append([line])
    info.append([])
    info.append(["列名", "是否必填", "说明"])
    style_header_row(info, info.max_row)
    for c in columns:
        info.append([c.header, "必填" if c.required else "", c.note])
    info.column_dimensions["A"].width = 30
    info.column_dimensions["B"].width = 10
    info.column_dimensions["C"].width = 90
    for row in info.iter_rows(min_row=2, max_row=len(lines)):
        for cell in row:
            cell.alignment = _WRAP

    ex = wb.create_sheet("示例")
    _fill_data_sheet(ex, columns, examples, with_validation=False)
    return atomic_write_with(path, wb.save)


CONFIDENTIAL_HEADER = MARK
PAGE_FOOTER = "第 &P 页 共 &N 页"


def _hf(text: str) -> str:
    """Text for an Excel header or footer: ``&`` starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


def mark_sheet(ws, *, title: str = "", confidential: bool = True, note: str = "", pages: bool = False) -> None:
    """Header and footer of every printed page of ``ws`` (a normal or a streamed sheet; both keep
    ``oddHeader``/``oddFooter``): ``title`` — what the sheet is — at the top left; when
    ``confidential`` 内部资料 注意保密 in red at the top centre and the sentence of Article 8 at the
    bottom left; otherwise ``note`` (the consent a publication-ready copy rests on) there; with
    ``pages`` 第 x 页 共 y 页 at the bottom right."""
    if title:
        ws.oddHeader.left.text = _hf(title)
        ws.oddHeader.left.size = 9
    if confidential:
        ws.oddHeader.center.text = MARK
        ws.oddHeader.center.color = "C00000"
        ws.oddHeader.center.size = 12
    footer = ARTICLE_8 if confidential else note
    if footer:
        ws.oddFooter.left.text = _hf(footer)
        ws.oddFooter.left.size = 8
    if pages:
        ws.oddFooter.right.text = PAGE_FOOTER
        ws.oddFooter.right.size = 8


def mark_workbook(wb: Workbook, *, title: str = "", confidential: bool = True, note: str = "") -> None:
    """The same in the file's properties (shown by Excel and WPS under 文件 → 属性), so that a reader
    who never prints it is told too."""
    props = wb.properties
    if title:
        props.title = title
    props.subject = MARK if confidential else "可公开版本"
    props.description = ARTICLE_8 if confidential else note
    props.keywords = MARK if confidential else ""


def write_rows(path: str | Path, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
               widths: Sequence[int] = (), date_cols: Sequence[int] = (), *, confidential: bool = True,
               for_print: bool = False, title: str = "", note: str = "") -> Path:
    """A plain one-sheet export in openpyxl's streaming (write-only) mode, for large tables.

    ``for_print``: an autofilter on the header row, the header row repeated on every printed page,
    landscape A4 fitted to the page width, 第 x 页 共 y 页 in the footer. ``confidential`` (the
    default: monitoring information leaves the lab only so, Article 8): every printed page headed
    内部资料 注意保密 with the sentence of Article 8 at its foot; ``title`` names the export on every
    page; ``note`` is what a publication-ready copy (not ``confidential``) says instead."""
    output_target(path)  # a device, a folder, … is refused before any row is written
    wb = Workbook(write_only=True)
    mark_workbook(wb, title=title or sheet, confidential=confidential, note=note)
    ws = wb.create_sheet(sheet)
    ws.freeze_panes = "A2"
    if for_print:
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    mark_sheet(ws, title=title or sheet, confidential=confidential, note=note, pages=for_print)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    ws.append(header_cells)
    date_set = set(date_cols)
    n = 0  # rows written, for the autofilter
    for values in rows:
        n += 1
        if date_set:
            out = []
            for i, v in enumerate(values):
                if i in date_set and isinstance(v, date):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = "yyyy-mm-dd"
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)
        else:
            ws.append(list(values))
    if for_print:  # written after the rows: the streamed sheet's filter covers every one of them
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
    try:
        return atomic_write_with(path, wb.save)
    except BaseException:
        _discard(wb)
        raise


def _discard(wb: Workbook) -> None:
    """Close a streamed (write-only) workbook that could not be saved: its sheets' XML streams are
    finished and their temporary files removed now, so that nothing is printed ("Exception ignored
    in …") when they are garbage-collected later."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


LEDGER_HEADERS = (
    "样品编号", "任务编号", "产品名称", "商标", "规格型号", "批号", "抽样场所类型", "被抽样单位", "被抽样单位统一社会信用代码",
    "标称生产企业", "电商平台经营者", "网店名称", "抽样日期", "收样日期", "状态", "初次监测完成日", "报送期限", "报送日期",
    "是否按期", "报告编号", "检验结论", "不符合项目", "告知单位数", "已送达单位数", "备注",
)


def _yes_no(v: bool | None) -> str:
    return "" if v is None else ("是" if v else "否")


def ledger_values(r: LedgerRow) -> list[object]:
    deadline: object = r.deadline
    if r.deadline is not None and r.deadline_provisional:
        deadline = f"{r.deadline:%Y-%m-%d}（暂定）"
    conclusion = "" if r.problems_found is None else ("存在问题" if r.problems_found else "未发现问题")
    return [
        r.sample_number, r.task_number, r.product_name, r.brand, r.model_spec, r.batch_number, r.place_type.label,
        r.sampled_name, r.sampled_uscc, r.nominal_producer_name, r.platform_operator_name, r.shop_name,
        r.sampling_date, r.received_date, r.status, r.completed_date, deadline, r.reported_date, _yes_no(r.on_time),
        r.report_number, conclusion, "、".join(r.failed_items), r.notified_parties, r.delivered_parties, r.remarks,
    ]


def write_sample_ledger(rows: Iterable[LedgerRow], path: str | Path, *, title: str = "样品台账",
                        confidential: bool = True, note: str = "") -> Path:
    """样品台账 as .xlsx (streamed, so 100,000 rows are fine), ready to filter and print: an autofilter,
    the header row on every printed page, and 内部资料 注意保密 at the top of each with Article 8 at
    its foot — or, for a publication-ready copy (``confidential`` false), the consent ``note``."""
    widths = (16, 16, 14, 10, 16, 12, 12, 24, 22, 24, 22, 20, 12, 12, 10, 14, 16, 12, 8, 18, 12, 24, 10, 12, 20)
    return write_rows(path, "样品台账", LEDGER_HEADERS, (ledger_values(r) for r in rows), widths,
                      date_cols=(12, 13, 15, 16, 17), confidential=confidential, for_print=True, title=title,
                      note=note)


RESULT_HEADERS = (
    "报告编号", "样品编号", "产品名称", "抽样场所类型", "被抽样单位", "标称生产企业", "序号", "检验项目", "标准要求", "检验结果",
    "单位", "单项判定", "依据标准", "依据条款", "检验方法标准", "方法条款", "标准选择依据（条款）", "专家组评价", "签发日期",
)


def result_values(reports: Iterable[TestReportData]) -> Iterable[list[object]]:
    for rep in reports:
        nominal = rep.nominal_producer.name if rep.nominal_producer else ""
        for n, it in enumerate(rep.items, 1):
            yield [
                rep.report_number, rep.sample_number, rep.product_name, rep.place_type.label, rep.sampled.name, nominal,
                n, it.item, it.requirement_text, it.result_text, it.unit,
                it.judgement.label if it.judgement is not Judgement.NOT_JUDGED else "不判定",
                it.basis_code, it.basis_clause, it.method_code, it.method_clause, it.trace_text,
                "是" if it.expert_panel else "", rep.issue_date,
            ]


def write_results(reports: Iterable[TestReportData], path: str | Path, *, title: str = "检验结果汇总",
                  confidential: bool = True, note: str = "") -> Path:
    """检验结果汇总: one row per test item of every report, marked as :func:`write_sample_ledger` is."""
    widths = (18, 14, 14, 12, 24, 24, 6, 24, 20, 12, 8, 10, 18, 8, 18, 8, 16, 10, 12)
    return write_rows(path, "检验结果", RESULT_HEADERS, result_values(reports), widths, date_cols=(18,),
                      confidential=confidential, for_print=True, title=title, note=note)

