"""The standards catalog: every known version of every standard, with its items' requirements.

The selection rules (Articles 16–17, ``app.rules.selection``) read it in the JSON shape of
``spec/RULES.md`` §2; :func:`catalog_entries` produces that shape from the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.rules.requirements import parse_requirement
from app.rules.standards import StandardCodeError, kind_of, parse_code
from app.services._common import check_version, get_or_404
from app.services.context import Context
from app.store.models import Standard, StandardItem


@dataclass(frozen=True)
class StandardItemInput:
    item: str
    clause: str = ""
    requirement: dict | None = None  # RULES.md §2 requirement object
    method_code: str = ""
    method_clause: str = ""


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

    def current_on(self, day: dt.date) -> bool:
        return (self.effective is None or self.effective <= day) and (self.abolished is None or self.abolished > day)


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
        if it.method_code.strip():
            try:
                parse_code(it.method_code)
            except StandardCodeError as exc:
                errors[f"{prefix}items.{n}"] = f"项目“{name}”的检验方法：{exc.message}"
    return errors


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
            StandardItemInput(i.item, i.clause or "", i.requirement, i.method_code or "", i.method_clause or "")
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
        row.method_code = parse_code(it.method_code).full if it.method_code.strip() else None
        row.method_clause = it.method_clause.strip() or None
        rows.append(row)
    s.items = rows


def save_standard(ctx: Context, data: StandardInput, *, standard_id: int | None = None,
                  version: int | None = None) -> StandardInfo:
    ctx.require("technician", "administrator", action="维护标准库")
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
    ctx.require("technician", "administrator", action="导入标准库")
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
        if text.strip():
            like = f"%{text.strip()}%"
            q = q.where(or_(Standard.code.ilike(like), Standard.title.ilike(like)))
        return [_info(s) for s in uow.session.scalars(q)]


def get_standard(ctx: Context, standard_id: int) -> StandardInfo:
    with ctx.uow() as uow:
        return _info(get_or_404(uow.session, Standard, standard_id, "该标准"))


def delete_standard(ctx: Context, standard_id: int, version: int) -> None:
    ctx.require("administrator", action="删除标准")
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
