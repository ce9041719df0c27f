"""Helpers shared by the document modules: the lab, time zone, parties, regions, item lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.documents.data import (
    ItemLine,
    Judgement,
    LabInfo,
    PartyInfo,
    PartyRole,
)
from app.errors import NotFoundError, ValidationError
from app.rules import uscc as uscc_rules
from app.rules.requirements import normalize_unit, parse_requirement
from app.services.context import Context

# province names and Hubei's divisions (shared with 风险研判), imported here for the documents
from app.services.regions import HUBEI_COUNTY_CITIES, HUBEI_PREFECTURES, PROVINCES, region_name  # noqa: F401
from app.services.texts import basis_text, requirement_text
from app.store.models import (
    Enterprise,
    ItemResult,
    MonitoringTask,
    Report,
    Sample,
    Standard,
    User,
)
from app.store.queries import lab_timezone, organisation

OBJECTION_DAYS = 15  # 异议或复检申请期限（日）
MONTHLY_REPORTED_TO = "湖北省市场监督管理局"  # 月报报送单位
NOTICE_NUMBER = "GZ-{report}-{n}"  # 告知书编号: the report number and the party's place in Article 18's order

_JUDGEMENTS = {"pass": Judgement.PASS, "fail": Judgement.FAIL, "undetermined": Judgement.NOT_JUDGED}
_SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
_SIZE_ORDER = ("large", "medium", "small", "micro", None)




# ----------------------------------------------------------------------------------- small helpers
def _lab(session: Session) -> LabInfo:
    org = organisation(session)
    if org is None or not org.name:
        raise ValidationError("尚未设置本机构信息（设置 → 本机构），无法出具文件。")
    return LabInfo(name=org.name, cma_number=org.cma_number or "", address=org.address or "", phone=org.phone or "")


def objection_route(task: MonitoringTask | None, lab: LabInfo) -> tuple[str, str]:
    """异议受理: where a party objects or applies for a re-test, and how to reach it — the same for the
    test report's declaration and every notice of the sample.

    The task's objection authority (异议受理单位), else its issuing authority, else the lab itself.
    When it is an authority, the lab's address and phone follow as the way to hand it in.
    """
    authority = ((task.objection_authority or "").strip() or (task.issuing_authority or "").strip()) if task else ""
    contact = "，".join(p for p in (lab.address and f"地址：{lab.address}", lab.phone and f"电话：{lab.phone}") if p)
    if not authority or authority == lab.name:
        return lab.name, contact
    return authority, (f"可经{lab.name}转交；{contact}" if contact else "")


def _tz(session: Session) -> dt.tzinfo:
    return lab_timezone(session)


def _local_date(ts: dt.datetime | None, tz: dt.tzinfo) -> dt.date | None:
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.UTC)
    return ts.astimezone(tz).date()


def _user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def out_of_province(code: str | None) -> bool:
    """A USCC whose division (characters 3–8) is outside Hubei (Article 23 (二)); False when unknown."""
    division = uscc_rules.division_of(code or "")
    return division is not None and not division.startswith(uscc_rules.HUBEI_PREFIX)


def _enterprise_region(e: Enterprise | None) -> str:
    if e is None:
        return ""
    return region_name(e.region_code or (e.uscc or "")[2:8])


def _sampled_role(place: str) -> PartyRole:
    return PartyRole.SAMPLED_PRODUCER if place == "producer" else PartyRole.SAMPLED_SELLER


def _sample_parties(s: Sample) -> list[tuple[Enterprise, list[PartyRole]]]:
    """The sample's enterprises with their roles, sampled party first (one entry per enterprise)."""
    out: list[tuple[Enterprise, list[PartyRole]]] = []
    named = [(s.sampled_party, _sampled_role(s.place_type)), (s.nominal_producer, PartyRole.NOMINAL_PRODUCER)]
    if s.place_type == "e_platform":
        named.append((s.platform_operator, PartyRole.PLATFORM_OPERATOR))
    for ent, role in named:
        if ent is None:
            continue
        for known, roles in out:
            if known.id == ent.id:
                roles.append(role)
                break
        else:
            out.append((ent, [role]))
    return out


def _party(ent: Enterprise, roles: Iterable[PartyRole] = ()) -> PartyInfo:
    return PartyInfo(
        name=ent.name,
        uscc=ent.uscc or "",
        address=ent.address or "",
        roles=tuple(roles),
        out_of_province=out_of_province(ent.uscc),
        contact=ent.contact or "",
        phone=ent.phone or "",
    )


def _sample_by_number(session: Session, number: str) -> Sample:
    s = session.scalar(select(Sample).where(Sample.number == number.strip()))
    if s is None:
        raise NotFoundError(f"找不到样品编号“{number}”。")
    return s


def _task_by_number(session: Session, number: str) -> MonitoringTask:
    t = session.scalar(select(MonitoringTask).where(MonitoringTask.number == number.strip()))
    if t is None:
        raise NotFoundError(f"找不到任务编号“{number}”。")
    return t


def task_id_by_number(ctx: Context, number: str) -> int:
    with ctx.uow() as uow:
        return _task_by_number(uow.session, number).id


def sample_id_by_number(ctx: Context, number: str) -> int:
    with ctx.uow() as uow:
        return _sample_by_number(uow.session, number).id


# ----------------------------------------------------------------------------------- items and conclusion
def _is_panel(r: ItemResult) -> bool:
    return (r.basis or {}).get("source") == "panel"


def _as_issued(r: ItemResult, report: Report) -> dict[str, Any] | None:
    """The result as the approved ``report`` issued it, when it was amended afterwards (the
    amendment keeps the original); None when the result is unchanged since."""
    if report.status != "approved" or report.approved_at is None:
        return None
    later = [a for a in r.amendments if a.amended_at is not None and a.amended_at > report.approved_at]
    return dict(min(later, key=lambda a: (a.amended_at, a.id)).original) if later else None


def requirement_and_unit(req: dict | None, unit: str) -> tuple[str, str]:
    """The requirement and the unit as an items table with a unit column shows them: the unit once.

    A numeric requirement in the result's unit is printed without it (``≤0.2`` beside ``mA``); a
    result recorded without a unit takes the requirement's for the column. A requirement in
    another unit than the result keeps its own.
    """
    text = requirement_text(req)
    if not req or req.get("op") == "text":
        return text, unit
    try:
        parsed = parse_requirement(req)
    except ValidationError:
        return text, unit
    if not parsed.unit:
        return text, unit
    if not unit.strip():
        unit = parsed.unit
    if normalize_unit(parsed.unit) == normalize_unit(unit):
        text = dataclasses.replace(parsed, unit="").render()
    return text, unit


def item_line(r: ItemResult, issued: dict[str, Any] | None = None) -> ItemLine:
    """One result as the documents show it; ``issued`` overrides the value, unit and judgement with
    those of an amendment's original (see :func:`_as_issued`)."""
    issued = issued or {}
    basis = r.basis or {}
    panel = _is_panel(r)
    if "code" in basis:
        basis_code, basis_clause = str(basis["code"]), str(basis.get("clause") or "")
    elif basis and not panel:  # a claim on the label, instructions, advertising or the sample itself
        basis_code, basis_clause = basis_text(basis), ""
    else:
        basis_code, basis_clause = "", ""
    method = r.method or {}
    method_code = "" if panel else str(method.get("code") or "")
    method_clause = "" if panel else str(method.get("clause") or "")
    judgement = _JUDGEMENTS.get(issued.get("judgement", r.judgement) or "", Judgement.NOT_JUDGED)
    requirement, unit = requirement_and_unit(r.requirement, issued.get("unit", r.unit) or "")
    return ItemLine(
        item=r.item,
        requirement_text=requirement,
        result_text=issued.get("value_text", r.value_text) or "",
        unit=unit,
        judgement=judgement,
        basis_code=basis_code,
        basis_clause=basis_clause,
        method_code=method_code,
        method_clause=method_clause,
        rule_trace=tuple(str(x) for x in (r.rule_trace or ())),
        expert_panel=panel,
        note=(issued.get("judgement_reason", r.judgement_reason) or "") if panel else "",
    )


def _quoted(names: Iterable[str]) -> str:
    return "".join(f"“{n}”" for n in names)


def conclusion_text(items: Iterable[ItemLine]) -> str:
    """检验结论 in Chinese, naming the failed items, the panel evaluations and the items not judged."""
    items = list(items)
    failed = [i.item for i in items if i.judgement is Judgement.FAIL]
    unjudged = [i.item for i in items if i.judgement is Judgement.NOT_JUDGED]
    panel = [i.item for i in items if i.expert_panel]
    if failed:
        text = f"经抽样检验，所检项目中{_quoted(failed)}不符合检验依据的要求"
        text += "，其余所检项目符合要求。" if len(failed) + len(unjudged) < len(items) else "。"
    else:
        text = "经抽样检验，所检项目符合检验依据的要求。" if len(unjudged) < len(items) else "经抽样检验，所检项目均仅提供检验数据。"
    if unjudged and len(unjudged) < len(items):
        text += f"{_quoted(unjudged)}无判定依据，仅提供检验数据，不作判定。"
    if panel:
        text += f"其中{_quoted(panel)}无法实施检验检测，由专家组验证评价（第五条）。"
    return text


def _basis_standards(session: Session, items: Iterable[ItemLine]) -> tuple[str, ...]:
    codes: list[str] = []
    for it in items:
        for code in (it.basis_code, it.method_code):
            if code and code[:1].isascii() and code not in codes and not code.startswith("专家组"):
                codes.append(code)
    if not codes:
        return ()
    titles = {s.code: s.title for s in session.scalars(select(Standard).where(Standard.code.in_(codes)))}
    return tuple(f"{c}《{titles[c]}》" if titles.get(c) else c for c in codes)

def _report_numbers(session: Session, sample_ids: set[int]) -> dict[int, str]:
    if not sample_ids:
        return {}
    rows = session.execute(
        select(Report.sample_id, Report.number).where(Report.sample_id.in_(sample_ids), Report.kind == "test",
                                                      Report.status != "superseded").order_by(Report.id)
    ).all()
    return {sid: number for sid, number in rows}
