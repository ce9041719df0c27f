"""The standards catalog: every known version of every standard, with its items' requirements.

The selection rules (Articles 16–17, ``app.rules.selection``) read it in the JSON shape of
``spec/RULES.md`` §2; :func:`catalog_entries` produces that shape from the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.rules.requirements import parse_requirement
from app.rules.standards import GRADES, StandardCodeError, kind_of, normalize_grade, parse_code
from app.services import permissions
from app.services._common import check_version, like_pattern, search_text
from app.services.context import Context
from app.services.office_text import decode_office_text
from app.store.models import Standard, StandardItem


@dataclass(frozen=True)
class StandardItemInput:
    item: str
    clause: str = ""
    requirement: dict | None = None  # RULES.md §2 requirement object
    method_code: str = ""
    method_clause: str = ""
    #: per-grade requirements (质量等级 → requirement object), chosen by a declared grade such as
    #: "GB/T 22849-2014 合格品"; ``requirement`` applies to a declaration without (another) grade
    grades: dict | None = None


@dataclass(frozen=True)
class StandardInput:
    code: str
    title: str = ""
    effective: dt.date | None = None
    abolished: dt.date | None = None
    items: tuple[StandardItemInput, ...] = ()


@dataclass(frozen=True)
class StandardInfo:
    id: int
    version: int
    code: str
    base_code: str
    kind: str
    title: str
    effective: dt.date | None
    abolished: dt.date | None
    items: tuple[StandardItemInput, ...]


def validate_standard(data: StandardInput, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        code = parse_code(data.code)
        if code.year is None:
            errors[prefix + "code"] = f"标准编号 {data.code} 缺少年代号（如 -2019）。"
    except StandardCodeError as exc:
        errors[prefix + "code"] = exc.message
    if data.effective and data.abolished and data.abolished <= data.effective:
        errors[prefix + "abolished"] = "废止日期应晚于实施日期。"
    seen: set[str] = set()
    for n, it in enumerate(data.items, start=1):
        name = it.item.strip()
        if not name:
            errors[f"{prefix}items.{n}"] = f"第 {n} 个项目缺少名称。"
            continue
        if name in seen:
            errors[f"{prefix}items.{n}"] = f"项目“{name}”重复。"
        seen.add(name)
        if it.requirement is not None:
            try:
                parse_requirement(it.requirement, f"items.{n}.requirement")
            except ValidationError as exc:
                errors[f"{prefix}items.{n}"] = f"项目“{name}”的技术要求有误：{exc.message}"
        problem = grades_problem(it.grades)
        if problem:
            errors[f"{prefix}items.{n}"] = f"项目“{name}”的{problem}"
        if it.method_code.strip():
            try:
                parse_code(it.method_code)
            except StandardCodeError as exc:
                errors[f"{prefix}items.{n}"] = f"项目“{name}”的检验方法：{exc.message}"
    return errors


def grades_problem(grades: dict | None) -> str | None:
    """What is wrong with an item's per-grade requirements (one of ``GRADES`` each), or None."""
    seen: set[str] = set()
    for grade, requirement in (grades or {}).items():
        key = normalize_grade(str(grade))
        if key not in GRADES:
            return f"等级“{grade}”无效，应为 {'、'.join(GRADES)} 之一。"
        if key in seen:
            return f"等级“{key}”重复。"
        seen.add(key)
        try:
            parse_requirement(requirement, "requirement")
        except ValidationError as exc:
            return f"{grade}的技术要求有误：{exc.message}"
    return None


def _info(s: Standard) -> StandardInfo:
    return StandardInfo(
        id=s.id,
        version=s.version,
        code=s.code,
        base_code=s.base_code,
        kind=s.kind,
        title=s.title or "",
        effective=s.effective,
        abolished=s.abolished,
        items=tuple(
            StandardItemInput(i.item, i.clause or "", i.requirement, i.method_code or "", i.method_clause or "",
                              dict(i.grades) if i.grades else None)
            for i in s.items
        ),
    )


def _apply(s: Standard, data: StandardInput) -> None:
    code = parse_code(data.code)
    s.code = code.full
    s.base_code = code.base
    s.kind = kind_of(code)
    s.title = data.title.strip() or None
    s.effective = data.effective
    s.abolished = data.abolished
    existing = {i.item: i for i in s.items}
    rows = []
    for it in data.items:
        row = existing.pop(it.item.strip(), None) or StandardItem(item=it.item.strip())
        row.clause = it.clause.strip() or None
        row.requirement = it.requirement
        row.grades = {normalize_grade(str(k)): v for k, v in it.grades.items()} if it.grades else None
        row.method_code = parse_code(it.method_code).full if it.method_code.strip() else None
        row.method_clause = it.method_clause.strip() or None
        rows.append(row)
    s.items = rows


def catalog_permissions(ctx: Context) -> permissions.Allowed:
    """What the user may do with the standards catalog (:func:`app.services.permissions.catalog_actions`)."""
    return permissions.catalog_actions(ctx.user)


def save_standard(ctx: Context, data: StandardInput, *, standard_id: int | None = None,
                  version: int | None = None) -> StandardInfo:
    permissions.catalog_actions(ctx.user).require("edit")
    errors = validate_standard(data)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        code = parse_code(data.code).full
        clash = uow.session.scalar(select(Standard).where(Standard.code == code))
        if standard_id is None:
            if clash is not None:
                raise ValidationError({"code": f"标准 {code} 已在标准库中。"})
            s = Standard()
            uow.session.add(s)
        else:
            s = uow.session.get(Standard, standard_id)
            check_version(s, version, "该标准")
            if clash is not None and clash.id != standard_id:
                raise ValidationError({"code": f"标准 {code} 已在标准库中。"})
        _apply(s, data)
        uow.session.flush()
        info = _info(s)
        uow.commit()
    return info


def import_standards(ctx: Context, rows: Iterable[StandardInput], *, replace: bool = True, progress=None) -> int:
    """Import many standards, all or nothing. An existing code is updated when ``replace``."""
    permissions.catalog_actions(ctx.user).require("import")
    rows = list(rows)
    errors: dict[str, str] = {}
    codes: dict[str, int] = {}
    for n, data in enumerate(rows, start=1):
        for key, msg in validate_standard(data).items():
            errors[f"{n}.{key}"] = f"第 {n} 条（{data.code}）：{msg}"
        try:
            code = parse_code(data.code).full
        except StandardCodeError:
            continue
        if code in codes:
            errors[f"{n}.code"] = f"第 {n} 条：标准 {code} 与第 {codes[code]} 条重复。"
        codes[code] = n
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        existing = {
            s.code: s
            for s in uow.session.scalars(
                select(Standard).options(selectinload(Standard.items)).where(Standard.code.in_(list(codes)))
            )
        }
        for n, data in enumerate(rows, start=1):
            code = parse_code(data.code).full
            s = existing.get(code)
            if s is not None and not replace:
                raise ValidationError(f"标准 {code} 已在标准库中。")
            if s is None:
                s = Standard()
                uow.session.add(s)
            _apply(s, data)
            if progress:
                progress(n, len(rows))
        uow.commit()
    return len(rows)


def list_standards(ctx: Context, text: str = "") -> list[StandardInfo]:
    with ctx.uow() as uow:
        q = select(Standard).options(selectinload(Standard.items)).order_by(Standard.base_code, Standard.code)
        text = search_text(text)
        if text:
            like = like_pattern(text)
            q = q.where(or_(Standard.code.ilike(like, escape="\\"), Standard.title.ilike(like, escape="\\")))
        return [_info(s) for s in uow.session.scalars(q)]


def delete_standard(ctx: Context, standard_id: int, version: int) -> None:
    permissions.catalog_actions(ctx.user).require("delete")
    with ctx.uow() as uow:
        s = uow.session.get(Standard, standard_id)
        check_version(s, version, "该标准")
        uow.session.delete(s)
        uow.commit()


def catalog_entries(session, base_codes: Iterable[str] | None = None) -> list[dict]:
    """The catalog in the shape of RULES.md §2 (``code, effective, abolished, items``).

    With ``base_codes`` only the versions of those standards (and of the methods they cite are
    not needed: methods travel as codes).
    """
    q = select(Standard).options(selectinload(Standard.items)).order_by(Standard.id)
    if base_codes is not None:
        bases = sorted(set(base_codes))
        if not bases:
            return []
        q = q.where(Standard.base_code.in_(bases))
    out = []
    for s in session.scalars(q):
        items = {}
        for i in s.items:
            entry: dict = {"clause": i.clause or "", "requirement": i.requirement}
            if i.grades:
                entry["grades"] = i.grades
            if i.method_code:
                entry["method"] = {"code": i.method_code, "clause": i.method_clause or ""}
            items[i.item] = entry
        out.append(
            {
                "code": s.code,
                "title": s.title or "",
                "effective": (s.effective or dt.date(1900, 1, 1)).isoformat(),
                "abolished": s.abolished.isoformat() if s.abolished else None,
                "items": items,
            }
        )
    return out


# ----------------------------------------------------------------------------------- scheme checks
def unknown_codes_in(session, codes: Iterable[str]) -> list[str]:
    """The codes (normalised) the catalog does not hold: a code with its year must be that version,
    a code without a year needs any version of the standard. Unparseable codes are skipped."""
    wanted: list = []
    for text in codes:
        try:
            wanted.append(parse_code(text))
        except StandardCodeError:
            continue
    if not wanted:
        return []
    full = set(session.scalars(select(Standard.code).where(Standard.code.in_([c.full for c in wanted if c.year]))))
    bases = set(session.scalars(select(Standard.base_code).where(Standard.base_code.in_([c.base for c in wanted]))))
    return [c.full for c in wanted if (c.full not in full if c.year else c.base not in bases)]


def unknown_codes(ctx: Context, codes: Iterable[str]) -> list[str]:
    with ctx.uow() as uow:
        return unknown_codes_in(uow.session, list(codes))


# ----------------------------------------------------------------------------------- file import
#: Columns of the CSV import, one row per standard version × item (the Excel template's headers
#: are accepted as well); an item with per-grade requirements has one more row per grade, with
#: ``grade`` (等级) filled in (RULES.md §2: the catalog's ``grades``).
CSV_COLUMNS = (
    "code", "title", "effective", "abolished", "item", "grade", "clause", "op", "value", "low", "high", "unit",
    "text", "method_code", "method_clause",
)
CSV_REQUIRED = ("code", "effective", "item", "op")
CSV_HEADERS_ZH = {
    "标准编号": "code", "标准名称": "title", "实施日期": "effective", "废止日期": "abolished", "检验项目": "item",
    "条款": "clause", "要求类型": "op", "限值": "value", "下限": "low", "上限": "high", "单位": "unit",
    "文字要求": "text", "检验方法标准编号": "method_code", "方法条款": "method_clause", "等级": "grade",
}
COLUMN_LABELS = {v: k for k, v in CSV_HEADERS_ZH.items()}
_OPS = {
    "<=": "<=", "≤": "<=", "不大于": "<=", "<": "<", "＜": "<", "小于": "<",
    ">=": ">=", "≥": ">=", "不小于": ">=", ">": ">", "＞": ">", "大于": ">",
    "=": "=", "＝": "=", "等于": "=", "range": "range", "范围": "range", "text": "text", "文字": "text",
}
_DATE_FORMATS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
MAX_IMPORT_ROWS = 200_000


class CatalogImportError(ValidationError):
    """The file was rejected and nothing imported; ``problems`` lists every bad row."""

    def __init__(self, problems: list[tuple[int, str, str]], *, file_problem: str = "") -> None:
        self.problems = tuple(problems)  # (line, column key or "", message)
        self.bad_rows = tuple(sorted({line for line, _, _ in problems if line}))
        lines = [
            (f"第{line}行" if line else "文件") + (f"“{COLUMN_LABELS.get(col, col)}”" if col else "") + f"：{msg}"
            for line, col, msg in problems
        ]
        head = file_problem or f"导入失败：共 {len(self.bad_rows)} 行有错误，未导入任何数据。请修改后重新导入。"
        super().__init__(head + ("\n" + "\n".join(lines) if lines else ""))
        self.errors = {f"row {line}" + (f".{col}" if col else ""): text
                       for (line, col, _), text in zip(problems, lines, strict=True)}


def _parse_date(text: str) -> dt.date | None:
    for rx in _DATE_FORMATS:
        m = rx.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def _number(text: str) -> tuple[float | int | None, str | None]:
    text = text.strip().replace("－", "-").replace("＋", "+")
    if not text:
        return None, None
    try:
        num = float(text)
    except ValueError:
        return None, f"“{text}”不是数字"
    if num != num or num in (float("inf"), float("-inf")):
        return None, f"“{text}”不是有限的数字"
    return (int(num) if num.is_integer() and "." not in text and "e" not in text.lower() else num), None


def _decode(raw: bytes, name: str) -> str:
    decoded = decode_office_text(raw)
    if decoded is None:
        raise CatalogImportError([], file_problem=f"无法识别 {name} 的文字编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV。")
    return decoded[0]


def _csv_reader(text: str):
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def read_catalog_csv(path: str | Path, progress=None) -> list[StandardInput]:
    """Read the CSV import: every row checked, all standards returned, or ``CatalogImportError``
    listing every bad row (line numbers as in a text editor, the header is line 1)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise CatalogImportError([], file_problem=f"找不到文件：{p}") from None
    except OSError as exc:
        raise CatalogImportError([], file_problem=f"无法读取 {p.name}：{exc.strerror or exc}") from None
    text = _decode(raw, p.name)
    reader = _csv_reader(text)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CatalogImportError([], file_problem=f"{p.name} 不是有效的 CSV 文件：{exc}") from None
    if not header or not any(h.strip() for h in header):
        raise CatalogImportError([], file_problem=f"{p.name} 是空的。")
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        key = h.strip().lstrip("*").strip()
        key = CSV_HEADERS_ZH.get(key, key.lower())
        if key in CSV_COLUMNS and key not in index:
            index[key] = i
    missing = [c for c in CSV_REQUIRED if c not in index]
    if missing:
        raise CatalogImportError(
            [], file_problem=f"{p.name} 缺少必需的列：{'、'.join(missing)}（第 1 行应为列名："
                             f"{','.join(CSV_COLUMNS)}）。",
        )
    problems: list[tuple[int, str, str]] = []
    order: list[str] = []
    heads: dict[str, tuple[str, dt.date, dt.date | None, int]] = {}
    items: dict[str, dict[str, StandardItemInput]] = {}
    first_item_line: dict[tuple[str, str, str], int] = {}
    records = 0
    total = max(text.count("\n"), 1)
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            records += 1
            if records > MAX_IMPORT_ROWS:
                raise CatalogImportError([], file_problem=f"一次最多导入 {MAX_IMPORT_ROWS} 行，请拆分文件。")
            if progress and records % 200 == 0:
                progress(line, total)
            v = {k: (" ".join(values[i].replace("\u3000", " ").split()) if i < len(values) else "")
                 for k, i in index.items()}
            for k in CSV_COLUMNS:
                v.setdefault(k, "")
            bad: list[tuple[int, str, str]] = []
            for k in CSV_REQUIRED:
                if not v[k]:
                    bad.append((line, k, "必填，不能为空"))
            code = method = ""
            if v["code"]:
                try:
                    parsed = parse_code(v["code"])
                except StandardCodeError as exc:
                    bad.append((line, "code", exc.message))
                else:
                    code = parsed.full
                    if parsed.year is None:
                        bad.append((line, "code", f"标准编号“{v['code']}”应带年代号（标准库记录每一个版本）"))
            if v["method_code"]:
                try:
                    method = parse_code(v["method_code"]).full
                except StandardCodeError as exc:
                    bad.append((line, "method_code", exc.message))
            effective = abolished = None
            if v["effective"]:
                effective = _parse_date(v["effective"])
                if effective is None:
                    bad.append((line, "effective", f"“{v['effective']}”不是有效日期（例如 2020-07-01）"))
            if v["abolished"]:
                abolished = _parse_date(v["abolished"])
                if abolished is None:
                    bad.append((line, "abolished", f"“{v['abolished']}”不是有效日期（例如 2024-07-01）"))
                elif effective and abolished <= effective:
                    bad.append((line, "abolished", f"废止日期 {abolished} 应晚于实施日期 {effective}"))
            requirement = None
            op = _OPS.get(v["op"].lower()) if v["op"] else None
            if v["op"] and op is None:
                bad.append((line, "op", f"“{v['op']}”不是有效的要求类型，应为 <=、<、>=、>、=、range、text"
                                        "（或 ≤、≥、范围、文字）之一"))
            elif op == "text":
                if not v["text"]:
                    bad.append((line, "text", "要求类型为“文字”时必须填写文字要求"))
                else:
                    requirement = {"op": "text", "text": v["text"]}
            elif op:
                nums = {}
                for k in ("value", "low", "high"):
                    nums[k], problem = _number(v[k])
                    if problem:
                        bad.append((line, k, problem))
                if op == "range":
                    if nums["low"] is None or nums["high"] is None:
                        if not any(c in ("low", "high") for _, c, _ in bad):
                            bad.append((line, "low", "要求类型为“范围”时必须填写下限和上限"))
                    elif nums["low"] > nums["high"]:
                        bad.append((line, "low", f"下限 {nums['low']} 大于上限 {nums['high']}"))
                    else:
                        requirement = {"op": "range", "low": nums["low"], "high": nums["high"], "unit": v["unit"]}
                elif nums["value"] is None:
                    if not any(c == "value" for _, c, _ in bad):
                        bad.append((line, "value", f"要求类型为“{v['op']}”时必须填写限值"))
                else:
                    requirement = {"op": op, "value": nums["value"], "unit": v["unit"]}
            if requirement is not None:
                try:
                    parse_requirement(requirement)
                except ValidationError as exc:
                    bad.append((line, "op", exc.message))
            if code and effective and not any(c in ("effective", "abolished") for _, c, _ in bad):
                head = heads.get(code)
                if head is None:
                    heads[code] = (v["title"], effective, abolished, line)
                elif (head[1], head[2]) != (effective, abolished):
                    bad.append((line, "effective", f"同一标准版本 {code} 的实施/废止日期与第{head[3]}行不一致"))
                elif v["title"] and head[0] and v["title"] != head[0]:
                    bad.append((line, "title", f"同一标准版本 {code} 的名称与第{head[3]}行不一致"))
            grade = normalize_grade(v["grade"]) if v["grade"] else ""
            if grade and grade not in GRADES:
                bad.append((line, "grade", f"“{v['grade']}”不是有效的等级，应为 {'、'.join(GRADES)} 之一，"
                                           "或留空（通用要求）"))
            if code and v["item"]:
                key = (code, v["item"], grade)
                if key in first_item_line:
                    what = f"等级“{grade}”" if grade else "通用要求"
                    bad.append((line, "item", f"标准 {code} 的检验项目“{v['item']}”的{what}与第{first_item_line[key]}行重复"))
                else:
                    first_item_line[key] = line
            if bad:
                problems.extend(bad)
                continue
            if code not in items:
                order.append(code)
                items[code] = {}
            if v["title"] and not heads[code][0]:
                heads[code] = (v["title"], *heads[code][1:])
            _add_row(items[code], v["item"], grade, requirement, v["clause"], method, v["method_clause"])
    except csv.Error as exc:
        raise CatalogImportError([(reader.line_num, "", f"CSV 格式错误：{exc}")]) from None
    if problems:
        raise CatalogImportError(problems)
    if not order:
        raise CatalogImportError([], file_problem=f"{p.name} 中没有任何数据行。")
    return [StandardInput(code, heads[code][0], heads[code][1], heads[code][2], tuple(items[code].values()))
            for code in order]


def _add_row(items: dict[str, StandardItemInput], item: str, grade: str, requirement: dict | None,
             clause: str, method: str, method_clause: str) -> None:
    """One import row (CSV or Excel) into its item: the general requirement (no grade) or one
    grade's requirement. The clause and method come from the first row of the item that gives them."""
    old = items.get(item) or StandardItemInput(item)
    items[item] = StandardItemInput(
        item=old.item,
        clause=old.clause or clause,
        requirement=old.requirement if grade else requirement,
        method_code=old.method_code or method,
        method_clause=old.method_clause if old.method_code else method_clause,
        grades={**(old.grades or {}), grade: requirement} if grade else old.grades,
    )


def standards_from_excel_rows(rows) -> list[StandardInput]:
    """Group the Excel reader's rows (``app.services.excel_import.CatalogRow``) into standards; graded
    rows become their item's ``grades`` as in the CSV import."""
    order: list[str] = []
    heads: dict[str, tuple[str, dt.date | None, dt.date | None]] = {}
    items: dict[str, dict[str, StandardItemInput]] = {}
    for r in rows:
        if r.code not in items:
            order.append(r.code)
            items[r.code] = {}
            heads[r.code] = (r.title, r.effective, r.abolished)
        elif r.title and not heads[r.code][0]:
            heads[r.code] = (r.title, *heads[r.code][1:])
        _add_row(items[r.code], r.item, r.grade, r.requirement.to_dict(), r.clause, r.method_code, r.method_clause)
    return [StandardInput(code, *heads[code], items=tuple(items[code].values())) for code in order]


def read_catalog_file(path: str | Path, progress=None) -> list[StandardInput]:
    """An .xlsx (the 标准目录 template) or .csv import file, checked row by row, all or nothing."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return read_catalog_csv(p, progress)
    if suffix in (".xlsx", ".xlsm"):
        # deferred: openpyxl loads only when a catalog spreadsheet is read
        from app.services.excel_import import read_catalog_rows

        return standards_from_excel_rows(read_catalog_rows(p))
    raise CatalogImportError([], file_problem=f"不支持的文件类型 {suffix or '（无扩展名）'}：请使用 .xlsx 模板或 .csv 文件。")


@dataclass(frozen=True)
class ImportSummary:
    standards: int
    items: int
    codes: tuple[str, ...]


def import_catalog_file(ctx: Context, path: str | Path, *, replace: bool = True, progress=None) -> ImportSummary:
    """Read and import a catalog file in one go: nothing is written unless every row is good.

    ``progress(done, total)`` is called while reading and importing; if it raises (the user
    cancelled), the transaction is rolled back.
    """
    permissions.catalog_actions(ctx.user).require("import")
    rows = read_catalog_file(path, progress)
    if progress:
        progress(0, len(rows))
    import_standards(ctx, rows, replace=replace, progress=progress)
    return ImportSummary(len(rows), sum(len(r.items) for r in rows), tuple(parse_code(r.code).full for r in rows))


def write_catalog_template(path: str | Path) -> Path:
    """The Excel import template (标准目录), for the user to fill in."""
    # deferred: openpyxl loads only when a spreadsheet is written
    from app.documents.excel import write_template

    return write_template("catalog", path)
