"""检验与判定: the basis of each item (Articles 16–17), results, judgement, expert panels (Article 5),
completion of initial monitoring (starts the Article 18 clock). Major hazards: ``app.services.hazard``.

The basis is chosen by ``app.rules.selection`` — the same function ``riskmon rules standard``
runs — from the sample's declared standards and claims, the scheme's candidate standards and
important items, and the standards catalog. The result keeps the basis, the method and the rule
trace, so a reviewer sees why.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import case, or_, select
from sqlalchemy.orm import selectinload

from app import clock
from app.errors import ValidationError
from app.rules import calendar as calendar_rules
from app.rules import panel as panel_rules
from app.rules.calendar import DeadlineResult, clock_state
from app.rules.requirements import allows, parse_requirement
from app.rules.selection import R_NONE, parse_selection_input, rule_label, select_standards
from app.rules.standards import StandardCodeError, parse_code, parse_declared
from app.services import permissions
from app.services._common import check_version, get_or_404, like_pattern, search_text
from app.services.calendar import calendar_for
from app.services.catalog import catalog_entries
from app.services.context import Context
from app.services.samples import check_dates
from app.services.texts import CLAIM_SOURCE_LABELS, basis_text, method_text, requirement_text  # noqa: F401 - also read as testing.*
from app.store.models import (
    ItemResult,
    MonitoringTask,
    PanelEvaluation,
    PanelMember,
    Report,
    Sample,
    Scheme,
    User,
)
from app.store.queries import get_setting
from app.store.types import utcnow

RULE_EXPLANATIONS = {
    "16.1": "第十六条第一款：依据产品明示的质量标准",
    "16.1-claim": "第十六条第一款：标识、说明、广告或实物表明的质量状况高于明示标准，以其为判定依据",
    "16.2-enterprise": "第十六条第二款：有证据表明执行已公示的企业标准",
    "16.2-similar": "第十六条第二款：无明示标准，参照同类或类似产品国家标准、行业标准",
    "16.3": "第十六条第三款：无法识别标准版本，按现行有效标准",
    "16.3-evidence": "第十六条第三款：企业提供了标准版本的有效证据",
    "17.1": "第十七条（一）：缺失强制性国家标准项目或要求低于强制性标准，依据强制性国家标准",
    "17.2": "第十七条（二）：缺失重要性能指标，参照国家标准或行业标准",
    "17.3": "第十七条（三）：企业标准采用自定检验方法，参照国家标准或行业标准的方法",
    "none": "须由专家组验证评价（第五条）或人工决定",
    "5": "第五条：无法实施检验检测，由专家组验证评价",
}
OUTCOME_LABELS = {"chosen": "采用", "replaced": "采用后被替换", "rejected": "未采用"}
JUDGEMENT_LABELS = {"pass": "符合", "fail": "不符合", "undetermined": "不判定", "panel": "专家组评价"}
EDITABLE = ("registered", "received", "testing", "completed")


@dataclass(frozen=True)
class ResultRow:
    id: int
    version: int
    item: str
    important: bool
    requirement: dict | None
    requirement_text: str
    numeric: bool  # the requirement is a number or range: judged automatically
    basis: dict | None
    basis_text: str
    method_text: str
    rule_trace: tuple[str, ...]
    explanation: str  # the trace in words, for the side panel / tooltip
    trace_text: str  # the trace in one line, with the declared grade where it applied
    warnings: tuple[str, ...]
    value_text: str
    unit: str
    judgement: str | None
    judgement_reason: str
    needs_panel: bool
    panel_id: int | None
    amendments: int


@dataclass(frozen=True)
class ResultsGrid:
    sample_id: int
    sample_number: str
    sample_version: int
    status: str
    product_name: str
    test_started_date: dt.date | None
    completed_date: dt.date | None
    rows: tuple[ResultRow, ...]
    warnings: tuple[str, ...]

    @property
    def all_judged(self) -> bool:
        return bool(self.rows) and all(r.judgement for r in self.rows)


@dataclass(frozen=True)
class PanelMemberInput:
    name: str
    affiliation: str = ""
    title: str = ""
    opinion: str = ""


@dataclass(frozen=True)
class PanelInfo:
    id: int
    sample_id: int
    item: str
    members: tuple[PanelMemberInput, ...]
    conclusion: str
    justification: str
    finding: str  # "pass" 未发现问题 | "fail" 发现问题 | "" (the item was re-planned since)
    sample_number: str = ""
    product_name: str = ""
    created_by: str = ""
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class SampleChoice:
    """One line of the sample picker."""

    id: int
    number: str
    product_name: str
    status: str
    task_number: str


@dataclass(frozen=True)
class SampleClock:
    """The Article 18 clock of one sample: report within ``working_days`` working days of completion."""

    completed: dt.date
    working_days: int
    deadline: dt.date
    provisional: bool  # the deadline's year has no official holiday notice yet
    days_left: int  # working days after today up to the deadline; negative: working days late
    state: str  # overdue | due_soon | ok | reported
    reported: dt.date | None
    on_time: bool | None  # None until reported


# ----------------------------------------------------------------------------------- texts
def _graded_step(trace, grade: str | None) -> int | None:
    """Where the declared grade took effect: the last step that took a declared standard's basis."""
    if not grade:
        return None
    steps = [i for i, rule in enumerate(trace) if rule in ("16.1", "17.1")]
    return steps[-1] if steps else None


def explain(trace, grade: str | None = None) -> str:
    """The trace in words; the declared grade is named at the step whose basis it chose."""
    at = _graded_step(trace, grade)
    return "\n".join(
        f"{rule_label(rule)}：{RULE_EXPLANATIONS.get(rule, rule)}" + (f"（明示等级：{grade}）" if i == at else "")
        for i, rule in enumerate(trace)
    )


def trace_text(trace, grade: str | None = None) -> str:
    """The trace in one line, ``16.3 → 16.1（合格品）``."""
    at = _graded_step(trace, grade)
    return " → ".join(f"{rule_label(rule)}（{grade}）" if i == at else rule_label(rule) for i, rule in enumerate(trace))


def _is_numeric(req: dict | None) -> bool:
    return bool(req) and req.get("op") != "text"


def _row(r: ItemResult, important: set[str], panels: dict[str, int]) -> ResultRow:
    trace = tuple(r.rule_trace or ())
    return ResultRow(
        id=r.id,
        version=r.version,
        item=r.item,
        important=r.item in important,
        requirement=r.requirement,
        requirement_text=requirement_text(r.requirement),
        numeric=_is_numeric(r.requirement),
        basis=r.basis,
        basis_text=basis_text(r.basis),
        method_text=method_text(r.method),
        rule_trace=trace,
        explanation=explain(trace, (r.basis or {}).get("grade")),
        trace_text=trace_text(trace, (r.basis or {}).get("grade")),
        warnings=tuple(str(w.get("reason", w)) if isinstance(w, dict) else str(w) for w in (r.warnings or ())),
        value_text=r.value_text or "",
        unit=r.unit or "",
        judgement=r.judgement,
        judgement_reason=r.judgement_reason or "",
        needs_panel=r.basis is None or (r.basis or {}).get("source") == "panel",
        panel_id=panels.get(r.item),
        amendments=len(r.amendments),
    )


def _grid(session, s: Sample, warnings: tuple[str, ...] = ()) -> ResultsGrid:
    important = {i.name for i in s.scheme.items if i.important} if s.scheme else set()
    panels = {p.item: p.id for p in s.panel_evaluations}
    return ResultsGrid(
        sample_id=s.id,
        sample_number=s.number,
        sample_version=s.version,
        status=s.status,
        product_name=s.product_name,
        test_started_date=s.test_started_date,
        completed_date=s.completed_date,
        rows=tuple(_row(r, important, panels) for r in s.results),
        warnings=warnings,
    )


# ----------------------------------------------------------------------------------- the basis
def selection_payload(session, s: Sample, test_date: dt.date) -> dict:
    """The Articles 16–17 input for a sample, in the JSON shape of ``riskmon rules standard``."""
    scheme: Scheme | None = s.scheme
    items = [i.name for i in scheme.items] if scheme else [r.item for r in s.results]
    similar = [x.code for x in scheme.standards] if scheme else []
    important = [i.name for i in scheme.items if i.important] if scheme else []
    bases = set()
    for code in s.declared_standards or ():
        try:
            bases.add(parse_declared(code)[0].base)  # "GB/T 22849-2014 合格品": the standard, not the grade
        except StandardCodeError:
            continue
    for code in [*similar, *([s.published_enterprise_standard] if s.published_enterprise_standard else [])]:
        try:
            bases.add(parse_code(code).base)
        except StandardCodeError:
            continue
    return {
        "test_date": test_date.isoformat(),
        "declared": list(s.declared_standards or ()),
        "version_evidence": dict(s.version_evidence or {}),
        "published_enterprise_standard": s.published_enterprise_standard,
        "similar_standards": similar,
        "important_items": important,
        "items": items,
        "claims": list(s.claims or ()),
        "catalog": catalog_entries(session, bases),
    }


def start_testing(ctx: Context, sample_id: int, version: int, test_date: dt.date | None = None) -> ResultsGrid:
    """Choose the basis of every scheme item (Articles 16–17) and open the results grid.

    Items that already have a value keep their basis; the others are (re)planned, so a catalog
    correction made before testing is picked up.
    """
    test_date = test_date or clock.today()
    with ctx.uow() as uow:
        s = uow.session.get(Sample, sample_id)
        check_version(s, version, "该样品")
        sample_allowed(uow.session, ctx.user, s).require("start")
        if s.scheme is None:
            raise ValidationError("该样品没有关联监测方案，无法确定检验项目。")
        errors = check_dates(s.sampling_date, s.received_date, test_date, s.completed_date)
        if test_date > clock.today():
            errors["test_started_date"] = "检验日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)
        payload = selection_payload(uow.session, s, test_date)
        result = select_standards(parse_selection_input(payload))
        existing = {r.item: r for r in s.results}
        units = {i.name: i.unit for i in s.scheme.items}
        per_item_warnings: dict[str, list] = {}
        general: list[str] = []
        for w in result.warnings:
            if w.item:
                per_item_warnings.setdefault(w.item, []).append(w.to_dict())
            else:
                general.append(w.reason)
        rows = []
        for seq, decision in enumerate(result.items):
            r = existing.pop(decision.item, None)
            if r is None:
                r = ItemResult(item=decision.item)
            elif r.value_text or r.judgement:
                r.seq = seq
                rows.append(r)
                continue
            d = decision.to_dict()
            r.seq = seq
            # the declared grade travels with the basis it chose (RULES.md §2)
            r.basis = {**d["basis"], "grade": d["grade"]} if d["basis"] and d["grade"] else d["basis"]
            r.method = d["method"]
            r.requirement = d["basis"]["requirement"] if d["basis"] else None
            r.rule_trace = list(decision.rules)
            r.warnings = per_item_warnings.get(decision.item, [])
            r.unit = (r.requirement or {}).get("unit") or units.get(decision.item) or None
            rows.append(r)
        for stale in existing.values():  # items no longer in the scheme and never tested
            if not (stale.value_text or stale.judgement):
                uow.session.delete(stale)
            else:
                rows.append(stale)
        s.results = rows
        s.test_started_date = s.test_started_date or test_date
        s.status = "testing"
        uow.session.flush()
        grid = _grid(uow.session, s, tuple(general))
        uow.commit()
    return grid


def results_grid(ctx: Context, sample_id: int) -> ResultsGrid:
    """The results of a sample, with the general (not item-bound) warnings of its basis selection."""
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        return _grid(uow.session, s, general_warnings(uow.session, s))


def general_warnings(session, s: Sample) -> tuple[str, ...]:
    """The warnings of the Articles 16–17 selection that name no item (e.g. a declared standard the
    catalog does not hold), worked out again for the date testing started: they are not stored with
    the results, and the catalog may have been corrected since."""
    if s.test_started_date is None or s.scheme is None:
        return ()
    try:
        result = select_standards(parse_selection_input(selection_payload(session, s, s.test_started_date)))
    except (ValidationError, ValueError):
        return ()
    return tuple(dict.fromkeys(w.reason for w in result.warnings if not w.item))


@dataclass(frozen=True)
class BasisCandidate:
    """One line of the 依据说明 view: a standard or a stated quality that a step of Articles 16–17
    judged for the item (RULES.md §2, ``candidates``)."""

    name: str  # the standard's code, or e.g. 产品标识明示的质量状况 for a claim
    step: str  # the rule code of the step that judged it (16.1, 17.1, …)
    step_text: str  # that step in words
    outcome: str  # chosen | replaced | rejected
    outcome_text: str  # 采用 | 采用后被替换 | 未采用
    reason: str
    step_label: str = ""  # the step as people read it (16.2（同类产品标准）), never the code


@dataclass(frozen=True)
class BasisExplanation:
    """Why an item has its basis: every candidate in step order, for the 依据说明 view."""

    sample_id: int
    item: str
    basis_text: str
    method_text: str
    trace_text: str  # the stored trace, ``none`` in words
    candidates: tuple[BasisCandidate, ...]
    note: str = ""  # when the candidates cannot be worked out, or differ from the stored basis


def _candidate(c: dict) -> BasisCandidate:
    if c.get("code") is not None:
        name = str(c["code"])
    else:
        source = CLAIM_SOURCE_LABELS.get(c.get("source") or "", c.get("source") or "")
        name = f"产品{source}明示的质量状况"
    step = str(c["step"])
    return BasisCandidate(
        name=name,
        step=step,
        step_text=RULE_EXPLANATIONS.get(step, step),
        outcome=str(c["outcome"]),
        outcome_text=OUTCOME_LABELS.get(c["outcome"], str(c["outcome"])),
        reason=str(c["reason"]),
        step_label=rule_label(step),
    )


def _same_basis(stored: dict | None, chosen: dict | None) -> bool:
    if (stored or {}).get("source") == "panel":  # a panel replaced a missing basis
        return chosen is None
    keys = ("code", "clause", "source")
    return (stored is None) == (chosen is None) and all((stored or {}).get(k) == (chosen or {}).get(k) for k in keys)


def basis_explanation(ctx: Context, sample_id: int, item: str) -> BasisExplanation:
    """The 依据说明 of one item: the candidates of the Articles 16–17 selection, worked out again by the
    same rule function that chose the stored basis (they are not stored with the result), for the date
    testing started. When that no longer gives the stored basis (the catalog was corrected since, or the
    item was planned on another date) the note says so: the stored basis is the one that counts."""
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        r = next((x for x in s.results if x.item == item), None)
        if r is None:
            raise ValidationError(f"该样品没有检验项目“{item}”。")
        trace = tuple(r.rule_trace or ())
        stored = dict(r.basis) if r.basis is not None else None
        grade = (stored or {}).get("grade")
        head = {
            "sample_id": s.id,
            "item": r.item,
            "basis_text": basis_text(r.basis) if r.basis is not None else rule_label(R_NONE),
            "method_text": method_text(r.method),
            "trace_text": trace_text(trace, grade),
        }
        if s.test_started_date is None or s.scheme is None:
            return BasisExplanation(**head, candidates=(), note="尚未开始检验：还没有按第十六、十七条选择判定依据。")
        try:
            result = select_standards(parse_selection_input(selection_payload(uow.session, s, s.test_started_date)))
        except ValidationError:
            return BasisExplanation(**head, candidates=(),
                                    note="标准目录或样品的标准信息有误，无法推算依据说明，请先核对标准目录。")
    decision = next((d for d in result.items if d.item == item), None)
    if decision is None:
        return BasisExplanation(**head, candidates=(), note="该项目已不在监测方案中，无法推算依据说明。")
    d = decision.to_dict()
    note = ""
    if tuple(t for t in trace if t != "5") != decision.rules or not _same_basis(stored, d["basis"]):
        note = ("按当前标准目录和检验开始日期重新推算的结果与本项目已存的判定依据不一致（标准目录可能已更正，"
                "或依据是在另一日期选定的）；判定以已存的依据为准。")
    return BasisExplanation(**head, candidates=tuple(_candidate(c) for c in d["candidates"]), note=note)


# ----------------------------------------------------------------------------------- picker, clock
def _like(text: str) -> str:
    return like_pattern(text)


def find_samples(ctx: Context, text: str = "", *, statuses: tuple[str, ...] | None = None,
                 limit: int = 20) -> list[SampleChoice]:
    """The sample picker: samples whose number (or product name) contains ``text``, an exact number
    first, then by number; at most ``limit``."""
    text = search_text(text)
    with ctx.uow() as uow:
        q = select(Sample.id, Sample.number, Sample.product_name, Sample.status, MonitoringTask.number).join(
            MonitoringTask, MonitoringTask.id == Sample.task_id
        )
        if text:
            pattern = _like(text)
            q = q.where(or_(Sample.number.ilike(pattern, escape="\\"),
                            Sample.product_name.ilike(pattern, escape="\\")))
        if statuses:
            q = q.where(Sample.status.in_(statuses))
        order = [Sample.number.desc()]
        if text:
            order.insert(0, case((Sample.number == text, 0), else_=1))
        q = q.order_by(*order).limit(limit)
        return [SampleChoice(*row) for row in uow.session.execute(q)]


def _clock(session, s: Sample, today: dt.date) -> SampleClock | None:
    if s.completed_date is None:
        return None
    n = int(get_setting(session, "deadline_working_days") or 5)
    cal = calendar_for(session)
    d = cal.deadline(s.completed_date, n)
    if s.reported_date is not None:
        left = cal.working_days_left(d.deadline, s.reported_date)
        on_time = calendar_rules.is_on_time(d.deadline, s.reported_date)  # Article 18 ¶1: on or before the day
        state = "reported"
    else:
        left = cal.working_days_left(d.deadline, today)
        on_time = None
        state = clock_state(left, not calendar_rules.is_on_time(d.deadline, today))
    return SampleClock(s.completed_date, n, d.deadline, d.provisional, left, state, s.reported_date, on_time)


def reporting_deadline(ctx: Context, completed: dt.date) -> DeadlineResult:
    """The reporting deadline that completing initial monitoring on ``completed`` would set (Article 18 ¶1),
    with the lab's number of working days and its holiday calendar — for a preview before confirming."""
    with ctx.uow() as uow:
        n = int(get_setting(uow.session, "deadline_working_days") or 5)
        return calendar_for(uow.session).deadline(completed, n)


def sample_clock(ctx: Context, sample_id: int, today: dt.date | None = None) -> SampleClock | None:
    """The sample's reporting deadline (Article 18 ¶1), or None before initial monitoring is complete.
    Once reported, ``days_left`` counts from the reported date (negative: reported late)."""
    with ctx.uow() as uow:
        return _clock(uow.session, get_or_404(uow.session, Sample, sample_id, "该样品"), today or clock.today())


# ----------------------------------------------------------------------------------- results
def parse_value(text: str) -> float | None:
    t = (text or "").strip().replace("，", ".").replace("−", "-").replace("－", "-")
    if not t:
        return None
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def auto_judgement(requirement: dict | None, value_text: str, unit: str | None) -> str | None:
    """"pass"/"fail" for a numeric requirement and a numeric value; None when a person must judge."""
    if not _is_numeric(requirement):
        return None
    value = parse_value(value_text)
    if value is None:
        return None
    req = parse_requirement(requirement)
    req_unit = requirement.get("unit") or ""
    if unit and req_unit and unit.strip() != req_unit:
        return None
    return "pass" if allows(req, value) else "fail"


def record_result(ctx: Context, result_id: int, version: int, *, value_text: str, unit: str = "",
                  judgement: str | None = None, reason: str = "") -> ResultRow:
    """Enter one item's result. A numeric requirement is judged automatically; a text requirement
    needs the tester's judgement and reason."""
    with ctx.uow() as uow:
        r = _record_in(uow.session, ctx, result_id, version, value_text=value_text, unit=unit, judgement=judgement,
                       reason=reason)
        s = r.sample
        uow.session.flush()
        important = {i.name for i in s.scheme.items if i.important} if s.scheme else set()
        row = _row(r, important, {p.item: p.id for p in s.panel_evaluations})
        uow.commit()
    return row


def _record_in(session, ctx: Context, result_id: int, version: int, *, value_text: str, unit: str,
               judgement: str | None, reason: str) -> ItemResult:
    """One result entered in the caller's unit of work, with every check of :func:`record_result`."""
    r = session.get(ItemResult, result_id)
    check_version(r, version, "该检验结果")
    s = r.sample
    sample_allowed(session, ctx.user, s).require("enter_result")
    _apply_result(r, value_text=value_text, unit=unit, judgement=judgement, reason=reason)
    r.tested_by_id, r.tested_at = ctx.user.id, utcnow()
    return r


# ----------------------------------------------------------------------------------- bulk entry
@dataclass(frozen=True)
class BulkRow:
    """One sample under test that has the item: a line of the bulk entry grid (批量录入)."""

    result_id: int
    version: int
    sample_id: int
    sample_number: str
    product_name: str
    requirement: dict | None
    requirement_text: str
    numeric: bool  # judged automatically from the value (:func:`auto_judgement`)
    required_unit: str
    value_text: str
    unit: str
    judgement: str | None
    judgement_reason: str


@dataclass(frozen=True)
class BulkEntry:
    result_id: int
    version: int
    value_text: str
    unit: str = ""
    judgement: str | None = None
    reason: str = ""


def _enterable(basis: dict | None) -> bool:
    """A result a technician enters (of a sample under test): it has a basis, not an expert panel's."""
    return basis is not None and basis.get("source") != "panel"


def bulk_items(ctx: Context, task_id: int) -> list[str]:
    """The test items of the task's samples under test, for the bulk entry grid's item choice."""
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        rows = uow.session.execute(
            select(ItemResult.item, ItemResult.basis).join(Sample, Sample.id == ItemResult.sample_id)
            .where(Sample.task_id == task_id, Sample.status == "testing")
        ).all()
    return sorted({item for item, basis in rows if _enterable(basis)})


def bulk_rows(ctx: Context, task_id: int, item: str) -> list[BulkRow]:
    """The task's samples under test that have ``item``, in sample-number order."""
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        found = uow.session.execute(
            select(ItemResult, Sample.number, Sample.product_name).join(Sample, Sample.id == ItemResult.sample_id)
            .where(Sample.task_id == task_id, ItemResult.item == item, Sample.status == "testing")
            .order_by(Sample.number)
        ).all()
        return [
            BulkRow(
                result_id=r.id, version=r.version, sample_id=r.sample_id, sample_number=number, product_name=product,
                requirement=r.requirement, requirement_text=requirement_text(r.requirement),
                numeric=_is_numeric(r.requirement), required_unit=(r.requirement or {}).get("unit") or "",
                value_text=r.value_text or "", unit=r.unit or "", judgement=r.judgement,
                judgement_reason=r.judgement_reason or "",
            )
            for r, number, product in found
            if _enterable(r.basis)
        ]


def enter_results_bulk(ctx: Context, item: str, entries: list[BulkEntry]) -> list[ResultRow]:
    """批量录入: one item's results of many samples, all or nothing. Every entry goes through the
    checks of :func:`record_result`; if any is refused, nothing is saved and the
    :class:`ValidationError` maps each refused entry's result id (as text) to its message."""
    permissions.bench_actions(ctx.user).require("bulk_entry")
    if not entries:
        raise ValidationError("没有要保存的检验结果。")
    errors: dict[str, str] = {}
    with ctx.uow() as uow:
        saved: list[ItemResult] = []
        for e in entries:
            try:
                r = _record_in(uow.session, ctx, e.result_id, e.version, value_text=e.value_text, unit=e.unit,
                               judgement=e.judgement, reason=e.reason)
            except ValidationError as exc:
                r = uow.session.get(ItemResult, e.result_id)
                who = f"样品 {r.sample.number}：" if r is not None else ""
                errors[str(e.result_id)] = who + exc.message
                continue
            if r.item != item:
                errors[str(e.result_id)] = f"样品 {r.sample.number} 的该行不是项目“{item}”。"
                continue
            saved.append(r)
        if errors:
            raise ValidationError(errors)  # the unit of work is not committed: nothing is saved
        uow.session.flush()
        out = []
        for r in saved:
            s = r.sample
            important = {i.name for i in s.scheme.items if i.important} if s.scheme else set()
            out.append(_row(r, important, {p.item: p.id for p in s.panel_evaluations}))
        uow.commit()
    return out


def _apply_result(r: ItemResult, *, value_text: str, unit: str, judgement: str | None, reason: str) -> None:
    value_text = (value_text or "").strip()
    errors: dict[str, str] = {}
    if r.basis is None:
        raise ValidationError(f"项目“{r.item}”没有判定依据，请组织专家组验证评价（第五条）。")
    if (r.basis or {}).get("source") == "panel":
        raise ValidationError(f"项目“{r.item}”已由专家组验证评价，不能再录入检验结果。")
    if not value_text:
        errors["value"] = "请填写检验结果。"
    numeric = _is_numeric(r.requirement)
    if numeric:
        value = parse_value(value_text)
        if value_text and value is None:
            errors["value"] = f"“{value_text}”不是数值；该项目的要求为 {requirement_text(r.requirement)}。"
        req_unit = (r.requirement or {}).get("unit") or ""
        if unit.strip() and req_unit and unit.strip() != req_unit:
            errors["unit"] = f"单位应为 {req_unit}（标准要求的单位），请换算后录入。"
        if errors:
            raise ValidationError(errors)
        auto = auto_judgement(r.requirement, value_text, unit or req_unit)
        if judgement and judgement != auto:
            raise ValidationError({"judgement": "数值项目按标准要求自动判定，不能手工改判。"})
        r.value_num, r.judgement = value, auto
        r.judgement_reason = None
        r.unit = req_unit or unit.strip() or None
    else:
        if judgement not in ("pass", "fail", "undetermined"):
            errors["judgement"] = "文字要求的项目请选择判定结论。"
        if not reason.strip():
            errors["reason"] = "请写明判定理由。"
        if errors:
            raise ValidationError(errors)
        r.value_num = parse_value(value_text)
        r.judgement, r.judgement_reason = judgement, reason.strip()
        r.unit = unit.strip() or None
    r.value_text = value_text


# ----------------------------------------------------------------------------------- expert panel
def check_panel(members: list[PanelMemberInput], parties: list[str], justification: str | None) -> dict:
    """The Article 5 check of ``app.rules.panel`` ({valid, problems, warnings, details})."""
    return panel_rules.check_panel(
        [panel_rules.Member(m.name.strip(), m.affiliation.strip(), m.title.strip()) for m in members],
        parties,
        (justification or "").strip() or None,
    )


PANEL_PROBLEMS = {
    "too_few_members": "专家组成员原则上不少于 3 人；少于 3 人时请写明理由。",
    "duplicate_member": "专家组成员姓名重复。",
    "conflict_of_interest": "有专家来自被抽样企业或标称生产企业，存在利益冲突。",
}


def panel_parties(ctx: Context, sample_id: int) -> list[str]:
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        return _parties(s)


def _parties(s: Sample) -> list[str]:
    names = []
    for e in (s.sampled_party, s.nominal_producer, s.platform_operator):
        if e is not None and e.name not in names:
            names.append(e.name)
    return names


def record_panel(ctx: Context, sample_id: int, item: str, *, members: list[PanelMemberInput], conclusion: str,
                 finding: str, justification: str = "", result_version: int | None = None) -> PanelInfo:
    """专家组验证评价 of an item that cannot be tested; ``finding`` is "pass" (no problem) or "fail".

    ``result_version`` is the version of the item's result row the form was opened on: an
    evaluation recorded meanwhile by someone else is then a conflict, not silently replaced."""
    errors: dict[str, str] = {}
    if not conclusion.strip():
        errors["conclusion"] = "请填写专家组结论。"
    if finding not in ("pass", "fail"):
        errors["finding"] = "请选择评价结论：未发现问题或发现问题。"
    if any(not m.name.strip() for m in members):
        errors["members"] = "专家姓名不能为空。"
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        sample_allowed(uow.session, ctx.user, s).require("record_panel")
        if errors:
            raise ValidationError(errors)
        check = check_panel(members, _parties(s), justification)
        if not check["valid"]:
            raise ValidationError(
                {"members": "；".join(PANEL_PROBLEMS.get(p, p).rstrip("。") for p in check["problems"]) + "。"}
            )
        r = next((x for x in s.results if x.item == item), None)
        if r is None:
            raise ValidationError(f"样品没有检验项目“{item}”。")
        check_version(r, result_version, f"项目“{item}”的结果")
        if r.basis is not None and (r.basis or {}).get("source") != "panel":
            raise ValidationError(f"项目“{item}”有判定依据，应实施检验，不需要专家组评价。")
        old = next((p for p in s.panel_evaluations if p.item == item), None)
        if old is not None:
            uow.session.delete(old)
            uow.session.flush()
        ev = PanelEvaluation(
            sample_id=s.id,
            item=item,
            conclusion=conclusion.strip(),
            justification=justification.strip() or None,
            created_by_id=ctx.user.id,
            members=[
                PanelMember(seq=i, name=m.name.strip(), affiliation=m.affiliation.strip() or None,
                            title=m.title.strip() or None, opinion=m.opinion.strip() or None)
                for i, m in enumerate(members)
            ],
        )
        uow.session.add(ev)
        uow.session.flush()
        r.basis = {"source": "panel", "evaluation_id": ev.id}
        r.method = {"code": "专家组验证评价", "clause": None}
        r.rule_trace = [*[t for t in (r.rule_trace or []) if t != "5"], "5"]
        r.value_text = "专家组验证评价"
        r.judgement = finding
        r.judgement_reason = conclusion.strip()
        r.tested_by_id, r.tested_at = ctx.user.id, utcnow()
        uow.session.flush()
        info = _panel_info(ev, finding, s.number, s.product_name, ctx.user.display_name)
        uow.commit()
    return info


def _panel_info(ev: PanelEvaluation, finding: str, sample_number: str = "", product_name: str = "",
                created_by: str = "") -> PanelInfo:
    return PanelInfo(
        id=ev.id,
        sample_id=ev.sample_id,
        item=ev.item,
        members=tuple(PanelMemberInput(m.name, m.affiliation or "", m.title or "", m.opinion or "") for m in ev.members),
        conclusion=ev.conclusion,
        justification=ev.justification or "",
        finding=finding,
        sample_number=sample_number,
        product_name=product_name,
        created_by=created_by,
        created_at=ev.created_at,
    )


def list_panels(ctx: Context, sample_id: int | None = None, *, text: str = "", limit: int = 1000) -> list[PanelInfo]:
    """Expert panel evaluations, newest first; ``text`` filters on the sample number, product, item,
    a member's name or affiliation."""
    text = search_text(text)
    with ctx.uow() as uow:
        q = (
            select(PanelEvaluation, Sample.number, Sample.product_name, ItemResult.judgement, User.display_name)
            .join(Sample, Sample.id == PanelEvaluation.sample_id)
            .outerjoin(ItemResult, (ItemResult.sample_id == PanelEvaluation.sample_id)
                       & (ItemResult.item == PanelEvaluation.item))
            .outerjoin(User, User.id == PanelEvaluation.created_by_id)
            .options(selectinload(PanelEvaluation.members))
            .order_by(PanelEvaluation.id.desc())
            .limit(limit)
        )
        if sample_id is not None:
            q = q.where(PanelEvaluation.sample_id == sample_id)
        if text:
            pattern = _like(text)
            by_member = select(PanelMember.evaluation_id).where(
                or_(PanelMember.name.ilike(pattern, escape="\\"), PanelMember.affiliation.ilike(pattern, escape="\\"))
            )
            q = q.where(or_(Sample.number.ilike(pattern, escape="\\"), Sample.product_name.ilike(pattern, escape="\\"),
                            PanelEvaluation.item.ilike(pattern, escape="\\"), PanelEvaluation.id.in_(by_member)))
        return [
            _panel_info(ev, judgement if judgement in ("pass", "fail") else "", number, product, creator or "")
            for ev, number, product, judgement, creator in uow.session.execute(q)
        ]


# ----------------------------------------------------------------------------------- completion
def complete_initial_monitoring(ctx: Context, sample_id: int, version: int, completed: dt.date) -> ResultsGrid:
    """初次风险监测完成: every item judged; the date starts the five-working-day clock (Article 18)."""
    with ctx.uow() as uow:
        s = uow.session.get(Sample, sample_id)
        check_version(s, version, "该样品")
        sample_allowed(uow.session, ctx.user, s).require("complete")
        errors = check_dates(s.sampling_date, s.received_date, s.test_started_date, completed)
        if completed > clock.today():
            errors["completed_date"] = "完成日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)
        s.completed_date = completed
        s.problems_found = any(r.judgement == "fail" for r in s.results)
        s.status = "completed"
        uow.session.flush()
        grid = _grid(uow.session, s)
        uow.commit()
    return grid


def reopen_testing(ctx: Context, sample_id: int, version: int, reason: str) -> ResultsGrid:
    """Back to testing before a report is compiled (e.g. a value was mistyped)."""
    with ctx.uow() as uow:
        s = uow.session.get(Sample, sample_id)
        check_version(s, version, "该样品")
        sample_allowed(uow.session, ctx.user, s).require("reopen")
        if not reason.strip():
            raise ValidationError({"reason": "请写明退回原因。"})
        s.status = "testing"
        s.completed_date = None
        s.notes = ((s.notes or "") + f"\n退回检验：{reason.strip()}").strip()
        uow.session.flush()
        grid = _grid(uow.session, s)
        uow.commit()
    return grid


def sample_allowed(session, user, s: Sample) -> permissions.Allowed:
    """What ``user`` may do with sample ``s`` now (:func:`app.services.permissions.sample_actions`)."""
    return permissions.sample_actions(
        user,
        status=s.status,
        items=len(s.results),
        open_items=[r.item for r in s.results if not r.judgement],
        has_approved_report=_has_approved_report(session, s.id),
        pending_amendment=any(a.status == "pending" for r in s.results for a in r.amendment_requests),
        completed=s.completed_date is not None,
    )


def _has_approved_report(session, sample_id: int) -> bool:
    """An approved test report exists: the results were issued and may only be amended."""
    return session.scalar(
        select(Report.id).where(Report.sample_id == sample_id, Report.kind == "test", Report.status == "approved")
        .limit(1)
    ) is not None


# major hazards (Article 18 ¶3) are records of their own: app.services.hazard

