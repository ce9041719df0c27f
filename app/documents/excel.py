"""Excel workbooks (openpyxl): import templates, validated import, ledger and results export.

Import is all-or-nothing: ``read_sampling_rows`` / ``read_catalog_rows`` either return every
row, typed, or raise ``ImportRowsError`` listing EVERY bad row with its row number and the
reason in Chinese, so the caller imports nothing and the user can fix the file in one pass.

Templates (``write_template("sampling" | "catalog", path)``) have a data sheet with Chinese
headers, drop-down lists (place type, requirement type), text-formatted code columns (so Excel
does not turn an 18-digit USCC into a rounded number), an instructions sheet (说明) and an
example sheet (示例); only the data sheet is read back.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app import clock
from app.documents._io import atomic_write_with, output_target
from app.documents.data import Judgement, LedgerRow, PlaceType, TestReportData
from app.errors import ValidationError
from app.rules import uscc
from app.rules.errors import RuleInputError
from app.rules.publication import ARTICLE_8, MARK
from app.rules.requirements import Requirement, parse_requirement
from app.rules.standards import GRADES, StandardCodeError, normalize_grade, parse_code

MAX_ROWS = 200_000
TEMPLATE_ROWS = 2000  # rows that carry the drop-down lists and formats

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="4E79A7")
_REQUIRED_FILL = PatternFill("solid", fgColor="C0504D")
_WRAP = Alignment(wrap_text=True, vertical="top")


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad row: ``row`` is the Excel row number (1-based, the header is row 1)."""

    row: int
    column: str  # Chinese header, or "" for a whole-row problem
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{'“' + self.column + '”' if self.column else ''}：{self.message}"


class ImportRowsError(ValidationError):
    """The file was rejected; nothing was imported. ``problems`` lists every bad row."""

    def __init__(self, problems: Sequence[RowProblem], *, file_problem: str = "") -> None:
        self.problems = tuple(problems)
        rows = sorted({p.row for p in self.problems if p.row})
        lines = [str(p) for p in self.problems]
        head = file_problem or f"导入失败：共 {len(rows)} 行有错误，未导入任何数据。请修改后重新导入。"
        message = head + ("\n" + "\n".join(lines) if lines else "")
        super().__init__(message)
        self.errors = {(f"row {p.row}" if p.row else "file") + (f".{p.column}" if p.column else ""): str(p)
                       for p in self.problems}
        self.bad_rows = tuple(rows)


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text | code | date | date_or_text | number | choice
    choices: tuple[str, ...] = ()
    width: int = 16
    note: str = ""


PLACE_CHOICES = tuple(p.label for p in PlaceType)

SAMPLING_COLUMNS: tuple[Column, ...] = (
    Column("sample_number", "样品编号", True, "code", width=16, note="本机构唯一的样品编号"),
    Column("task_number", "任务编号", True, "code", width=16, note="下达任务的编号"),
    Column("product_name", "产品名称", True, width=14),
    Column("brand", "商标", width=10),
    Column("model_spec", "规格型号", width=16),
    Column("batch_number", "批号", False, "code", width=12),
    Column("production_date", "生产日期", False, "date_or_text", width=12, note="日期，或标注的文字（如 2026年5月）"),
    Column("place_type", "抽样场所类型", True, "choice", PLACE_CHOICES, width=12, note="下拉选择：生产企业、实体店、电商平台"),
    Column("sampling_date", "抽样日期", True, "date", width=12, note="不得晚于今天"),
    Column("sampling_place", "抽样地点", False, width=24),
    Column("sampling_record_number", "抽样单编号", False, "code", width=16, note="抽样单上的编号，同一任务内不得重复"),
    Column("test_category", "检验类别", False, width=10, note="留空为“风险监测”；复检样品填“复检”"),
    Column("samplers", "抽样人员", True, width=14, note="至少 2 人，姓名之间用顿号“、”分隔"),
    Column("sample_quantity", "样品数量", False, width=12, note="检验样品的数量和单位，如 4 台"),
    Column("backup_quantity", "备用样品数量", False, width=12, note="备用样品的数量，单位同样品数量，如 4 台"),
    Column("lot_size", "抽样基数", False, width=12, note="抽样时该批产品的数量，单位同样品数量，如 200 台"),
    Column("seal_numbers", "封条编号", False, "code", width=18, note="多个编号之间用顿号“、”分隔"),
    Column("sampled_name", "被抽样单位名称", True, width=24),
    Column("sampled_uscc", "被抽样单位统一社会信用代码", True, "code", width=22, note="18 位，GB 32100-2015"),
    Column("sampled_address", "被抽样单位地址", False, width=28),
    Column("nominal_name", "标称生产企业名称", False, width=24, note="实体店、电商平台抽样时必填"),
    Column("nominal_uscc", "标称生产企业统一社会信用代码", False, "code", width=22, note="标签上有则填写"),
    Column("nominal_address", "标称生产企业地址", False, width=28),
    Column("platform_name", "电商平台经营者名称", False, width=22, note="电商平台抽样时必填"),
    Column("platform_uscc", "电商平台经营者统一社会信用代码", False, "code", width=22, note="电商平台抽样时必填"),
    Column("shop_name", "网店名称", False, width=20, note="电商平台抽样时必填"),
    Column("shop_url", "网址", False, width=30, note="电商平台抽样时必填，以 http:// 或 https:// 开头"),
    Column("order_number", "订单号", False, "code", width=22, note="电商平台抽样时必填"),
    Column("logistics_number", "物流单号", False, "code", width=18),
    Column("remarks", "备注", False, width=24),
)

OP_CHOICES = ("≤", "<", "≥", ">", "=", "范围", "文字")
_OPS = {
    "≤": "<=", "<=": "<=", "不大于": "<=", "＜": "<", "<": "<", "小于": "<",
    "≥": ">=", ">=": ">=", "不小于": ">=", ">": ">", "＞": ">", "大于": ">",
    "=": "=", "＝": "=", "等于": "=", "范围": "range", "range": "range", "文字": "text", "text": "text",
}

CATALOG_COLUMNS: tuple[Column, ...] = (
    Column("code", "标准编号", True, "code", width=18, note="带年代号，如 GB 4706.19-2008"),
    Column("title", "标准名称", False, width=30),
    Column("effective", "实施日期", True, "date", width=12),
    Column("abolished", "废止日期", False, "date", width=12, note="现行有效的留空"),
    Column("item", "检验项目", True, width=18),
    Column("grade", "等级", False, "choice", GRADES, width=10,
           note="通用要求留空；分等级的要求每个等级另填一行（同一检验项目），下拉选择等级"),
    Column("clause", "条款", False, "code", width=8),
    Column("op", "要求类型", True, "choice", OP_CHOICES, width=10,
           note="下拉选择：≤ < ≥ > = 填“限值”；范围 填“下限”“上限”；文字 填“文字要求”"),
    Column("value", "限值", False, "number", width=10),
    Column("low", "下限", False, "number", width=10),
    Column("high", "上限", False, "number", width=10),
    Column("unit", "单位", False, width=10),
    Column("text", "文字要求", False, width=30),
    Column("method_code", "检验方法标准编号", False, "code", width=18),
    Column("method_clause", "方法条款", False, "code", width=10),
)

#: 往期监测数据: earlier rounds' counts per category, year, item and region (the cross-round analysis)
HISTORY_COLUMNS: tuple[Column, ...] = (
    Column("category", "产品类别", True, width=16, note="与监测任务的“产品类别”一致，如 电热水壶"),
    Column("year", "年度", True, "number", width=8, note="计划年度（轮次），如 2024"),
    Column("item", "检验项目", False, width=18,
           note="留空：该地区该年度的批次合计（问题批次数）；填写：该项目的检验批次数和不合格批次数"),
    Column("region", "地区", True, width=14, note="被抽样单位所在的市（州），如 襄阳市；省外企业填“省外”"),
    Column("tested", "检验批次数", True, "number", width=10, note="非负整数"),
    Column("problems", "问题批次数", True, "number", width=10, note="非负整数，不大于检验批次数"),
)

SHEETS = {"sampling": "抽样信息", "catalog": "标准目录", "history": "往期监测数据"}


# --------------------------------------------------------------------------- typed rows


@dataclass(frozen=True, slots=True)
class SamplingRow:
    """One sample read from the sampling import (抽样信息). ``row`` is its Excel row number."""

    row: int
    sample_number: str
    task_number: str
    product_name: str
    place_type: PlaceType
    sampling_date: date
    samplers: tuple[str, ...]
    sampled_name: str
    sampled_uscc: str
    brand: str = ""
    model_spec: str = ""
    batch_number: str = ""
    production_date: date | str | None = None
    sampling_place: str = ""
    sampling_record_number: str = ""  # 抽样单编号
    test_category: str = ""  # 检验类别; empty: 风险监测
    sample_quantity: str = ""  # as written, e.g. "4 台"
    test_quantity: str = ""  # 检验样品数量, the number of ``sample_quantity`` ("4")
    backup_quantity: str = ""  # 备用样品数量 ("4")
    lot_size: str = ""  # 抽样基数 ("200")
    quantity_unit: str = ""  # the unit of the three ("台")
    seal_numbers: tuple[str, ...] = ()  # 封条编号
    sampled_address: str = ""
    nominal_name: str = ""
    nominal_uscc: str = ""
    nominal_address: str = ""
    platform_name: str = ""
    platform_uscc: str = ""
    shop_name: str = ""
    shop_url: str = ""
    order_number: str = ""
    logistics_number: str = ""
    remarks: str = ""


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """One standard version × test item read from the catalog import (标准目录).

    ``requirement`` is the rules' ``Requirement`` (``app.rules.requirements``); ``code`` and
    ``method_code`` are normalised (``GB/T 14561-2019``). ``grade`` (one of ``GRADES``) makes the
    row one grade's requirement for its item (the catalog's ``grades``); empty, the general one.
    """

    row: int
    code: str
    effective: date
    item: str
    requirement: Requirement
    title: str = ""
    abolished: date | None = None
    clause: str = ""
    method_code: str = ""
    method_clause: str = ""
    grade: str = ""


def catalog_to_rules(rows: Iterable[CatalogRow]) -> list[dict[str, Any]]:
    """Group rows into the rule contract's ``catalog`` list (one entry per standard version)."""
    by_code: dict[str, dict[str, Any]] = {}
    for r in rows:
        std = by_code.setdefault(r.code, {
            "code": r.code, "effective": r.effective.isoformat(),
            "abolished": r.abolished.isoformat() if r.abolished else None, "items": {},
        })
        entry = std["items"].setdefault(r.item, {"clause": "", "requirement": None})
        entry["clause"] = entry["clause"] or r.clause
        if r.method_code and "method" not in entry:
            entry["method"] = {"code": r.method_code, "clause": r.method_clause}
        if r.grade:
            entry.setdefault("grades", {})[r.grade] = r.requirement.to_dict()
        else:
            entry["requirement"] = r.requirement.to_dict()
    return list(by_code.values())


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One row of the history import (往期监测数据): ``item`` empty for all items of the region."""

    row: int
    category: str
    year: int
    item: str
    region: str
    tested: int
    problems: int


# --------------------------------------------------------------------------- validation helpers


def check_uscc(code: str) -> str | None:
    """``None`` when ``code`` is a valid USCC (GB 32100-2015), else the reason in Chinese."""
    result = uscc.validate(code)
    return None if result.valid else result.reason or "不是有效的统一社会信用代码"


def _parse_code(text: str) -> tuple[str | None, str | None]:
    """(normalised standard code, error)."""
    try:
        code = parse_code(text)
    except StandardCodeError as e:
        return None, e.message
    return code.full, None


_DATE_RES = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: object) -> date | None:
    """A date from a cell: a date, a datetime, text (2026-05-20, 2026/5/20, 2026年5月20日,
    20260520) or an Excel serial number. ``None`` when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000 and float(value).is_integer():  # an Excel serial day number
            return _EXCEL_EPOCH + timedelta(days=int(value))
        value = str(int(value)) if float(value).is_integer() else str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    for rx in _DATE_RES:
        m = rx.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if type(value) is str and value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value  # already as the normalisation below leaves it (no other whitespace is printable)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).replace("\u3000", " ").split())


def _code_text(value: object) -> tuple[str, str | None]:
    """Text of a code column; a large number means Excel already rounded it."""
    if isinstance(value, float) and abs(value) >= 1e15:
        return _text(value), "该单元格被 Excel 当作数字并已丢失精度，请将该列设为“文本”格式后重新录入"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return str(value), None
    return _text(value), None


_NAME_SPLIT = re.compile(r"[、，,；;/\s]+")


def _number(value: object) -> tuple[float | int | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, "应为数字"
    if isinstance(value, int | float):
        return value, None
    text = str(value).strip().replace("，", ".").replace("－", "-").replace("＋", "+")
    try:
        num = float(text)
    except ValueError:
        return None, f"“{text}”不是数字"
    return (int(num) if num.is_integer() and "." not in text and "e" not in text.lower() else num), None


_QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)\s*([^\d\s.]\S{0,15})?$")


def parse_quantity(value: object) -> tuple[str, str] | None:
    """``"4 台"`` → ``("4", "台")``; a bare number has no unit; ``None`` when it is neither."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "", ""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value < 0:
            return None
        return (str(int(value)) if float(value).is_integer() else str(value)), ""
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", _text(value).strip())  # 1,000 台
    m = _QUANTITY.match(text)
    if not m:
        return None
    return m[1], (m[2] or "")


# --------------------------------------------------------------------------- reading


def _open_sheet(path: str | Path, kind: str, columns: tuple[Column, ...]):
    p = Path(path)
    if not p.is_file():
        raise ImportRowsError([], file_problem=f"找不到文件：{p}")
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a non-xlsx file
        raise ImportRowsError([], file_problem=f"无法读取 Excel 文件 {p.name}：请使用 .xlsx 格式（{type(e).__name__}）") from e
    name = SHEETS[kind]
    if name not in wb.sheetnames:
        wb.close()
        raise ImportRowsError([], file_problem=f"文件中没有名为“{name}”的工作表，请使用本系统生成的模板")
    ws = wb[name]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        wb.close()
        raise ImportRowsError([], file_problem=f"工作表“{name}”是空的")
    index: dict[str, int] = {}
    headers = [_text(h).lstrip("*") for h in header]
    for c in columns:
        if c.header in headers:
            index[c.key] = headers.index(c.header)
    missing = [c.header for c in columns if c.required and c.key not in index]
    if missing:
        wb.close()
        raise ImportRowsError([], file_problem=f"工作表“{name}”缺少必需的列：{'、'.join(missing)}")
    return wb, rows, index


def _iter_records(rows, index: dict[str, int]):
    """(excel row number, {key: raw value}) for every non-empty row after the header."""
    for n, values in enumerate(rows, start=2):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if n > MAX_ROWS + 1:
            raise ImportRowsError([], file_problem=f"一次最多导入 {MAX_ROWS} 行，请拆分文件")
        rec = {k: (values[i] if i < len(values) else None) for k, i in index.items()}
        yield n, rec


def read_sampling_rows(path: str | Path, *, today: date | None = None,
                       progress: Callable[[int, int], None] | None = None) -> list[SamplingRow]:
    """Read and validate the sampling import; every row or ``ImportRowsError`` listing every bad row.

    The sheet is streamed (openpyxl read-only), one row at a time; ``progress(done, total)`` is
    called after each row, ``total`` being the sheet's rows after the header as the file states
    them (0 when it does not)."""
    today = today or clock.today()
    cols = {c.key: c for c in SAMPLING_COLUMNS}
    wb, rows, index = _open_sheet(path, "sampling", SAMPLING_COLUMNS)
    total = max((wb[SHEETS["sampling"]].max_row or 1) - 1, 0)
    out: list[SamplingRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    first_record_of: dict[str, int] = {}
    try:
        for n, rec in _iter_records(rows, index):
            if progress is not None:
                progress(n - 1, max(total, n - 1))
            bad: list[RowProblem] = []

            def err(key: str, msg: str, n: int = n, bad: list[RowProblem] = bad) -> None:
                bad.append(RowProblem(n, cols[key].header if key else "", msg))

            v: dict[str, Any] = {}
            for c in SAMPLING_COLUMNS:
                raw = rec.get(c.key)
                if c.kind == "code":
                    text, problem = _code_text(raw)
                    if problem:
                        err(c.key, problem)
                    v[c.key] = text
                elif c.kind in ("date", "date_or_text"):
                    v[c.key] = raw
                else:
                    v[c.key] = _text(raw)
                if c.required and (raw is None or (v[c.key] if c.kind not in ("date", "date_or_text")
                                                   else _text(raw)) == ""):
                    err(c.key, "必填，不能为空")
            required_missing = {p.column for p in bad}

            place: PlaceType | None = None
            if v["place_type"]:
                try:
                    place = PlaceType.from_label(v["place_type"])
                except ValueError:
                    err("place_type", f"“{v['place_type']}”不是有效的抽样场所类型，应为{'、'.join(PLACE_CHOICES)}之一")
            sampling_date = None
            if rec.get("sampling_date") not in (None, ""):
                sampling_date = parse_date(rec["sampling_date"])
                if sampling_date is None:
                    err("sampling_date", f"“{_text(rec['sampling_date'])}”不是有效日期（例如 2026-05-20）")
                elif sampling_date > today:
                    err("sampling_date", f"抽样日期 {sampling_date:%Y-%m-%d} 晚于今天")
            production: date | str | None = None
            raw_prod = rec.get("production_date")
            if raw_prod not in (None, ""):
                production = parse_date(raw_prod) or _text(raw_prod)
                if isinstance(production, date) and sampling_date and production > sampling_date:
                    err("production_date", f"生产日期 {production:%Y-%m-%d} 晚于抽样日期 {sampling_date:%Y-%m-%d}")
            samplers = tuple(s for s in _NAME_SPLIT.split(v["samplers"]) if s)
            if v["samplers"] and len(set(samplers)) < 2:
                err("samplers", f"抽样人员至少 2 人，现为 {len(set(samplers))} 人（姓名之间用顿号分隔）")
            for key in ("sampled_uscc", "nominal_uscc", "platform_uscc"):
                if v[key] and cols[key].header not in required_missing:
                    reason = check_uscc(v[key])
                    if reason:
                        err(key, f"“{v[key]}”不是有效的统一社会信用代码：{reason}")
                    else:
                        v[key] = v[key].strip().upper()
            if place in (PlaceType.PHYSICAL_SELLER, PlaceType.E_PLATFORM) and not v["nominal_name"]:
                err("nominal_name", f"{place.label}抽样时必须填写标称生产企业（第十八条需告知标称生产企业）")
            if place is PlaceType.E_PLATFORM:
                for key in ("platform_name", "platform_uscc", "shop_name", "shop_url", "order_number"):
                    if not v[key]:
                        err(key, "电商平台抽样时必填")
                if v["shop_url"] and not re.match(r"^https?://\S+$", v["shop_url"], re.I):
                    err("shop_url", f"“{v['shop_url']}”不是有效网址，应以 http:// 或 https:// 开头")
            quantities: dict[str, str] = {}
            units: dict[str, str] = {}
            for key in ("sample_quantity", "backup_quantity", "lot_size"):
                parsed = parse_quantity(rec.get(key))
                if parsed is None:
                    err(key, f"“{v[key]}”应写作数量加单位，如 4 台")
                    continue
                quantities[key], unit = parsed
                if unit:
                    units[key] = unit
            unit = units.get("sample_quantity") or next(iter(units.values()), "")
            for key, other in units.items():
                if other != unit:
                    err(key, f"单位“{other}”与样品数量的单位“{unit}”不一致（一个样品只记一种计量单位）")
            record = v["sampling_record_number"]
            if record:
                if len(record) > 64:
                    err("sampling_record_number", "抽样单编号不能超过 64 个字符")
                elif record in first_record_of:
                    err("sampling_record_number", f"抽样单编号“{record}”与第{first_record_of[record]}行重复")
                else:
                    first_record_of[record] = n
            if len(v["test_category"]) > 32:
                err("test_category", "检验类别不能超过 32 个字符")
            seals = tuple(x for x in re.split(r"[、，,；;\s]+", v["seal_numbers"]) if x)
            sn = v["sample_number"]
            if sn:
                if len(sn) > 64:
                    err("sample_number", "样品编号不能超过 64 个字符")
                if sn in first_row_of:
                    err("sample_number", f"样品编号“{sn}”与第{first_row_of[sn]}行重复")
                else:
                    first_row_of[sn] = n
            if bad:
                problems.extend(bad)
                continue
            assert place is not None and sampling_date is not None
            out.append(SamplingRow(
                row=n, sample_number=sn, task_number=v["task_number"], product_name=v["product_name"],
                place_type=place, sampling_date=sampling_date, samplers=samplers, sampled_name=v["sampled_name"],
                sampled_uscc=v["sampled_uscc"], brand=v["brand"], model_spec=v["model_spec"],
                batch_number=v["batch_number"], production_date=production, sampling_place=v["sampling_place"],
                sampling_record_number=record, test_category=v["test_category"],
                sample_quantity=v["sample_quantity"], test_quantity=quantities.get("sample_quantity", ""),
                backup_quantity=quantities.get("backup_quantity", ""), lot_size=quantities.get("lot_size", ""),
                quantity_unit=unit, seal_numbers=seals,
                sampled_address=v["sampled_address"], nominal_name=v["nominal_name"],
                nominal_uscc=v["nominal_uscc"], nominal_address=v["nominal_address"],
                platform_name=v["platform_name"], platform_uscc=v["platform_uscc"], shop_name=v["shop_name"],
                shop_url=v["shop_url"], order_number=v["order_number"], logistics_number=v["logistics_number"],
                remarks=v["remarks"],
            ))
    finally:
        wb.close()
    if problems:
        raise ImportRowsError(problems)
    if not out:
        raise ImportRowsError([], file_problem="工作表中没有任何数据行")
    return out


def read_catalog_rows(path: str | Path) -> list[CatalogRow]:
    """Read and validate the standard catalog import; every row or ``ImportRowsError``."""
    cols = {c.key: c for c in CATALOG_COLUMNS}
    wb, rows, index = _open_sheet(path, "catalog", CATALOG_COLUMNS)
    out: list[CatalogRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[tuple[str, str, str], int] = {}
    version_dates: dict[str, tuple[date, date | None, int]] = {}
    try:
        for n, rec in _iter_records(rows, index):
            bad: list[RowProblem] = []

            def err(key: str, msg: str, n: int = n, bad: list[RowProblem] = bad) -> None:
                bad.append(RowProblem(n, cols[key].header if key else "", msg))

            text = {k: (_code_text(rec.get(k))[0] if cols[k].kind == "code" else _text(rec.get(k))) for k in cols}
            for c in CATALOG_COLUMNS:
                if c.required and text[c.key] == "":
                    err(c.key, "必填，不能为空")
            code = method_code = ""
            if text["code"]:
                parsed, problem = _parse_code(text["code"])
                if problem:
                    err("code", problem)
                else:
                    code = parsed or ""
                    if "-" not in code.split(" ")[-1]:
                        err("code", f"标准编号“{text['code']}”应带年代号（目录记录每一个版本）")
            if text["method_code"]:
                parsed, problem = _parse_code(text["method_code"])
                if problem:
                    err("method_code", problem)
                else:
                    method_code = parsed or ""
            effective = abolished = None
            if text["effective"]:
                effective = parse_date(rec.get("effective"))
                if effective is None:
                    err("effective", f"“{text['effective']}”不是有效日期")
            if text["abolished"]:
                abolished = parse_date(rec.get("abolished"))
                if abolished is None:
                    err("abolished", f"“{text['abolished']}”不是有效日期")
                elif effective and abolished <= effective:
                    err("abolished", f"废止日期 {abolished:%Y-%m-%d} 应晚于实施日期 {effective:%Y-%m-%d}")
            requirement = None
            op = _OPS.get(text["op"]) if text["op"] else None
            if text["op"] and op is None:
                err("op", f"“{text['op']}”不是有效的要求类型，应为{'、'.join(OP_CHOICES)}之一")
            if op:
                raw: dict[str, Any] = {"op": op, "unit": text["unit"]}
                number_ok = True
                for key in ("value", "low", "high"):
                    num, problem = _number(rec.get(key))
                    if problem:
                        err(key, problem)
                        number_ok = False
                    raw[key] = num
                if op == "text":
                    raw = {"op": "text", "text": text["text"]}
                    if not text["text"]:
                        err("text", "要求类型为“文字”时必须填写文字要求")
                        number_ok = False
                elif op == "range":
                    raw.pop("value")
                    for key in ("low", "high"):
                        if raw[key] is None and number_ok:
                            err(key, "要求类型为“范围”时必须填写下限和上限")
                            number_ok = False
                else:
                    raw.pop("low")
                    raw.pop("high")
                    if raw["value"] is None and number_ok:
                        err("value", f"要求类型为“{text['op']}”时必须填写限值")
                        number_ok = False
                if number_ok:
                    try:
                        requirement = parse_requirement(raw)
                    except RuleInputError as e:
                        err("op", e.reason)
            if code and effective:
                seen = version_dates.get(code)
                if seen and (seen[0], seen[1]) != (effective, abolished):
                    err("effective", f"同一标准版本“{code}”的实施/废止日期与第{seen[2]}行不一致")
                elif not seen:
                    version_dates[code] = (effective, abolished, n)
            grade = normalize_grade(text["grade"]) if text["grade"] else ""
            if grade and grade not in GRADES:
                err("grade", f"“{text['grade']}”不是有效的等级，应为{'、'.join(GRADES)}之一，或留空（通用要求）")
            if code and text["item"]:
                key = (code, text["item"], grade)
                if key in first_row_of:
                    what = f"等级“{grade}”" if grade else ""
                    err("item", f"标准“{code}”的检验项目“{text['item']}”{what}与第{first_row_of[key]}行重复")
                else:
                    first_row_of[key] = n
            if bad:
                problems.extend(bad)
                continue
            assert effective is not None and requirement is not None
            out.append(CatalogRow(row=n, code=code, effective=effective, item=text["item"], requirement=requirement,
                                  title=text["title"], abolished=abolished, clause=text["clause"],
                                  method_code=method_code, method_clause=text["method_clause"], grade=grade))
    finally:
        wb.close()
    if problems:
        raise ImportRowsError(problems)
    if not out:
        raise ImportRowsError([], file_problem="工作表中没有任何数据行")
    return out


def _whole_number(value: object) -> tuple[int | None, str | None]:
    """A non-negative whole number from a cell (``12``, ``12.0``, ``"12"``)."""
    number, problem = _number(value)
    if problem:
        return None, problem.replace("不是数字", "不是整数").replace("应为数字", "应为整数")
    if number is None:
        return None, None
    if isinstance(number, float):
        if not number.is_integer():
            return None, f"{number:g} 不是整数"
        number = int(number)
    if number < 0:
        return None, f"{number} 为负数"
    return number, None


def read_history_rows(path: str | Path, *, first_year: int = 1990, last_year: int | None = None) -> list[HistoryRow]:
    """Read and check the history import; every row or ``ImportRowsError`` listing every bad row."""
    out, problems = check_history_rows(path, first_year=first_year, last_year=last_year)
    if problems:
        raise ImportRowsError(problems)
    return out


def check_history_rows(path: str | Path, *, first_year: int = 1990,
                       last_year: int | None = None) -> tuple[list[HistoryRow], list[RowProblem]]:
    """The good rows of the history import and the problems of the others.

    Each row's own content is checked here (required cells, whole numbers, the year, problems not
    above tested, a row repeated); whether the category and region are known is the caller's, who
    lists its problems with these in one pass. A file that cannot be read raises ``ImportRowsError``."""
    last_year = last_year or clock.today().year
    cols = {c.key: c for c in HISTORY_COLUMNS}
    wb, rows, index = _open_sheet(path, "history", HISTORY_COLUMNS)
    out: list[HistoryRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[tuple[str, int, str, str], int] = {}
    try:
        for n, rec in _iter_records(rows, index):
            bad: list[RowProblem] = []

            def err(key: str, msg: str, n: int = n, bad: list[RowProblem] = bad) -> None:
                bad.append(RowProblem(n, cols[key].header if key else "", msg))

            text = {k: _text(rec.get(k)) for k in ("category", "item", "region")}
            numbers: dict[str, int | None] = {}
            for c in HISTORY_COLUMNS:
                if c.required and (rec.get(c.key) is None or _text(rec.get(c.key)) == ""):
                    err(c.key, "必填，不能为空")
            for key in ("year", "tested", "problems"):
                value, problem = _whole_number(rec.get(key))
                if problem:
                    err(key, problem)
                numbers[key] = value
            year = numbers["year"]
            if year is not None and not first_year <= year <= last_year:
                err("year", f"年度 {year} 不在 {first_year}～{last_year} 之间")
            tested, found = numbers["tested"], numbers["problems"]
            if tested is not None and found is not None and found > tested:
                err("problems", f"问题批次数 {found} 大于检验批次数 {tested}")
            for key, limit in (("category", 200), ("item", 200), ("region", 100)):
                if len(text[key]) > limit:
                    err(key, f"不能超过 {limit} 个字")
            if not bad and year is not None:
                key4 = (text["category"], year, text["item"], text["region"])
                if key4 in first_row_of:
                    err("", f"与第{first_row_of[key4]}行的产品类别、年度、检验项目和地区相同")
                else:
                    first_row_of[key4] = n
            if bad:
                problems.extend(bad)
                continue
            assert year is not None and tested is not None and found is not None
            out.append(HistoryRow(n, text["category"], year, text["item"], text["region"], tested, found))
    finally:
        wb.close()
    if not out and not problems:
        raise ImportRowsError([], file_problem="工作表中没有任何数据行")
    return out, problems


# --------------------------------------------------------------------------- writing


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

