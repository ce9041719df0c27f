"""Reading the Excel imports (openpyxl): the sampling, catalog and history sheets, checked row by row.

Import is all-or-nothing: ``read_sampling_rows`` / ``read_catalog_rows`` either return every
row, typed, or raise ``ImportRowsError`` listing EVERY bad row with its row number and the
reason in Chinese, so the caller imports nothing and the user can fix the file in one pass.
Only the data sheet of a template (``app.documents.excel.write_template``) is read back; its
columns are ``app.documents.excel_columns``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, WorkbookClosed

from app import clock
from app.documents.data import PlaceType
from app.documents.excel_columns import (
    CATALOG_COLUMNS,
    HISTORY_COLUMNS,
    OP_CHOICES,
    PLACE_CHOICES,
    SAMPLING_COLUMNS,
    SHEETS,
    Column,
)
from app.errors import ValidationError
from app.rules import uscc
from app.rules.errors import RuleInputError
from app.rules.requirements import Requirement, parse_requirement
from app.rules.standards import GRADES, StandardCodeError, normalize_grade, parse_code

MAX_ROWS = 200_000

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


#: the requirement types as written in 要求类型 (``OP_CHOICES`` and their other spellings) → the rules' ``op``
_OPS = {
    "≤": "<=", "<=": "<=", "不大于": "<=", "＜": "<", "<": "<", "小于": "<",
    "≥": ">=", ">=": ">=", "不小于": ">=", ">": ">", "＞": ">", "大于": ">",
    "=": "=", "＝": "=", "等于": "=", "范围": "range", "range": "range", "文字": "text", "text": "text",
}


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


class _Sheet:
    """One worksheet of an import, read with calamine (python-calamine: the workbook is parsed in
    native code, about nine times faster than openpyxl reading it cell by cell; openpyxl still
    writes the templates and exports). Its rows come numbered as Excel numbers them (calamine's row
    iterator starts at the sheet's first row, blank rows included); the header is the first row
    that is not blank."""

    def __init__(self, book, ws) -> None:
        self.book = book
        end = ws.end  # None: the sheet is empty (calamine's row iterator must not be asked then)
        self.rows = enumerate(ws.iter_rows() if end is not None else (), start=1)
        self.last_row = end[0] + 1 if end is not None else 0
        self.header_row = 0

    @property
    def total(self) -> int:
        """The rows after the header, as far as the sheet goes."""
        return max(self.last_row - self.header_row, 0)

    def close(self) -> None:
        try:
            self.book.close()
        except WorkbookClosed:
            pass

    def header(self) -> list | None:
        for n, values in self.rows:
            if not _blank(values):
                self.header_row = n
                return values
        return None

    def records(self, index: dict[str, int]):
        """(excel row number, {key: raw value}) for every non-empty row after the header. An empty
        cell is ``None``; a whole number is an ``int`` (as openpyxl reads it) unless it is too large
        to be exact, so that a long code typed as a number is still recognised as rounded."""
        limit = self.header_row + MAX_ROWS
        for n, values in self.rows:
            if _blank(values):
                continue
            if n > limit:
                raise ImportRowsError([], file_problem=f"一次最多导入 {MAX_ROWS} 行，请拆分文件")
            rec = {}
            width = len(values)
            for k, i in index.items():
                v = values[i] if i < width else None
                if v == "":
                    v = None
                elif type(v) is float and v.is_integer() and abs(v) < 1e15:
                    v = int(v)
                rec[k] = v
            yield n, rec


def _blank(values: list) -> bool:
    return all(v == "" or (isinstance(v, str) and not v.strip()) for v in values)


def _open_sheet(path: str | Path, kind: str, columns: tuple[Column, ...]) -> tuple[_Sheet, dict[str, int]]:
    p = Path(path)
    if not p.is_file():
        raise ImportRowsError([], file_problem=f"找不到文件：{p}")
    name = SHEETS[kind]
    try:
        book = CalamineWorkbook.from_path(p)
    except Exception as e:  # calamine raises its own errors and OSError for a file that is not a workbook
        raise ImportRowsError([], file_problem=f"无法读取 Excel 文件 {p.name}：请使用 .xlsx 格式（{type(e).__name__}）") from e
    if name not in book.sheet_names:
        book.close()
        raise ImportRowsError([], file_problem=f"文件中没有名为“{name}”的工作表，请使用本系统生成的模板")
    try:
        sheet = _Sheet(book, book.get_sheet_by_name(name))
    except Exception as e:  # a damaged sheet
        book.close()
        raise ImportRowsError([], file_problem=f"无法读取 Excel 文件 {p.name} 的工作表“{name}”（{type(e).__name__}）") from e
    header = sheet.header()
    if header is None:
        sheet.close()
        raise ImportRowsError([], file_problem=f"工作表“{name}”是空的")
    index: dict[str, int] = {}
    headers = [_text(h).lstrip("*") for h in header]
    for c in columns:
        if c.header in headers:
            index[c.key] = headers.index(c.header)
    missing = [c.header for c in columns if c.required and c.key not in index]
    if missing:
        sheet.close()
        raise ImportRowsError([], file_problem=f"工作表“{name}”缺少必需的列：{'、'.join(missing)}")
    return sheet, index


def read_sampling_rows(path: str | Path, *, today: date | None = None,
                       progress: Callable[[int, int], None] | None = None) -> list[SamplingRow]:
    """Read and validate the sampling import; every row or ``ImportRowsError`` listing every bad row.

    The sheet is read by calamine and validated one row at a time; ``progress(done, total)`` is
    called after each row, ``total`` being the sheet's rows after the header as the file states
    them (0 when it does not)."""
    today = today or clock.today()
    cols = {c.key: c for c in SAMPLING_COLUMNS}
    sheet, index = _open_sheet(path, "sampling", SAMPLING_COLUMNS)
    total = sheet.total
    out: list[SamplingRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    first_record_of: dict[str, int] = {}
    try:
        for n, rec in sheet.records(index):
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
        sheet.close()
    if problems:
        raise ImportRowsError(problems)
    if not out:
        raise ImportRowsError([], file_problem="工作表中没有任何数据行")
    return out


def read_catalog_rows(path: str | Path) -> list[CatalogRow]:
    """Read and validate the standard catalog import; every row or ``ImportRowsError``."""
    cols = {c.key: c for c in CATALOG_COLUMNS}
    sheet, index = _open_sheet(path, "catalog", CATALOG_COLUMNS)
    out: list[CatalogRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[tuple[str, str, str], int] = {}
    version_dates: dict[str, tuple[date, date | None, int]] = {}
    try:
        for n, rec in sheet.records(index):
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
        sheet.close()
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
    sheet, index = _open_sheet(path, "history", HISTORY_COLUMNS)
    out: list[HistoryRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[tuple[str, int, str, str], int] = {}
    try:
        for n, rec in sheet.records(index):
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
        sheet.close()
    if not out and not problems:
        raise ImportRowsError([], file_problem="工作表中没有任何数据行")
    return out, problems
