"""风险监测任务 and 风险监测方案 (Article 14): tasks, schemes, their review and approval."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.errors import ValidationError
from app.rules.standards import StandardCodeError, normalize_code
from app.services._common import check_version, get_or_404
from app.services.catalog import unknown_codes_in
from app.services.context import Context
from app.store.models import (
    AUTHORITY_LEVELS,
    TASK_STATUSES,
    MonitoringTask,
    Sample,
    Scheme,
    SchemeItem,
    SchemeStandard,
    User,
)
from app.store.types import utcnow

AUTHORITY_LABELS = {"national": "国家级", "provincial": "省级", "municipal": "市（州）级", "county": "县级"}
TASK_STATUS_LABELS = {"draft": "草稿", "active": "进行中", "completed": "已完成", "closed": "已关闭"}
SCHEME_STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "已提交",
    "reviewed": "已评审",
    "approved": "已确认",
    "rejected": "退回修改",
}


@dataclass(frozen=True)
class TaskInput:
    number: str = ""
    title: str = ""
    issuing_authority: str = ""
    authority_level: str = "provincial"
    product_category: str = ""
    plan_year: int | None = None
    batches_planned: int | None = None
    sampling_deadline: dt.date | None = None
    report_deadline: dt.date | None = None
    status: str = "active"
    notes: str = ""
    #: 异议受理单位: where parties send objections and re-test applications; empty: the issuing authority
    objection_authority: str = ""


@dataclass(frozen=True)
class TaskInfo:
    id: int
    version: int
    data: TaskInput
    sampled: int
    schemes: int


@dataclass(frozen=True)
class SchemeItemInput:
    name: str
    important: bool = False  # 重要性能指标
    unit: str = ""
    notes: str = ""


@dataclass(frozen=True)
class SchemeStandardInput:
    code: str
    role: str = "similar"  # similar | mandatory


@dataclass(frozen=True)
class SchemeInput:
    product: str = ""
    items: tuple[SchemeItemInput, ...] = ()
    standards: tuple[SchemeStandardInput, ...] = ()


@dataclass(frozen=True)
class SchemeInfo:
    id: int
    task_id: int
    version: int
    status: str
    data: SchemeInput
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    approved_at: dt.datetime | None
    review_comment: str
    history: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())  # candidate standards missing from the catalog


# ----------------------------------------------------------------------------------- tasks
def validate_task(data: TaskInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.number.strip():
        errors["number"] = "请填写任务编号。"
    if not data.title.strip():
        errors["title"] = "请填写任务名称。"
    if data.authority_level not in AUTHORITY_LEVELS:
        errors["authority_level"] = "请选择下达部门级别。"
    if data.status not in TASK_STATUSES:
        errors["status"] = "未知的任务状态。"
    if data.plan_year is not None and not 2000 <= data.plan_year <= 2100:
        errors["plan_year"] = "计划年度应为 2000～2100 之间的年份。"
    if data.batches_planned is not None and data.batches_planned < 0:
        errors["batches_planned"] = "计划批次不能为负数。"
    if data.sampling_deadline and data.report_deadline and data.report_deadline < data.sampling_deadline:
        errors["report_deadline"] = "报告截止日期不能早于抽样截止日期。"
    if len(data.objection_authority.strip()) > 200:
        errors["objection_authority"] = "异议受理单位名称不能超过 200 个字。"
    return errors


def _task_info(session, t: MonitoringTask) -> TaskInfo:
    sampled = session.scalar(select(func.count()).select_from(Sample).where(Sample.task_id == t.id)) or 0
    return TaskInfo(
        id=t.id,
        version=t.version,
        data=TaskInput(
            number=t.number,
            title=t.title,
            issuing_authority=t.issuing_authority or "",
            authority_level=t.authority_level or "provincial",
            product_category=t.product_category or "",
            plan_year=t.plan_year,
            batches_planned=t.batches_planned,
            sampling_deadline=t.sampling_deadline,
            report_deadline=t.report_deadline,
            status=t.status,
            notes=t.notes or "",
            objection_authority=t.objection_authority or "",
        ),
        sampled=sampled,
        schemes=len(t.schemes),
    )


def _apply_task(t: MonitoringTask, data: TaskInput) -> None:
    t.number = data.number.strip()
    t.title = data.title.strip()
    t.issuing_authority = data.issuing_authority.strip() or None
    t.authority_level = data.authority_level
    t.product_category = data.product_category.strip() or None
    t.plan_year = data.plan_year
    t.batches_planned = data.batches_planned
    t.sampling_deadline = data.sampling_deadline
    t.report_deadline = data.report_deadline
    t.status = data.status
    t.notes = data.notes.strip() or None
    t.objection_authority = data.objection_authority.strip() or None


def create_task(ctx: Context, data: TaskInput) -> TaskInfo:
    ctx.require("technician", "administrator", action="新建监测任务")
    errors = validate_task(data)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        exists = uow.session.scalar(select(MonitoringTask.id).where(MonitoringTask.number == data.number.strip()))
        if exists:
            raise ValidationError({"number": f"任务编号 {data.number.strip()} 已存在。"})
        t = MonitoringTask()
        _apply_task(t, data)
        uow.session.add(t)
        uow.session.flush()
        info = _task_info(uow.session, t)
        uow.commit()
    return info


def update_task(ctx: Context, task_id: int, version: int, data: TaskInput) -> TaskInfo:
    ctx.require("technician", "administrator", action="修改监测任务")
    errors = validate_task(data)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        t = uow.session.get(MonitoringTask, task_id)
        check_version(t, version, "该任务")
        if data.number.strip() != t.number:
            clash = uow.session.scalar(
                select(MonitoringTask.id).where(MonitoringTask.number == data.number.strip())
            )
            if clash:
                raise ValidationError({"number": f"任务编号 {data.number.strip()} 已存在。"})
        _apply_task(t, data)
        uow.session.flush()
        info = _task_info(uow.session, t)
        uow.commit()
    return info


def list_tasks(ctx: Context, *, include_closed: bool = True) -> list[TaskInfo]:
    with ctx.uow() as uow:
        q = select(MonitoringTask).order_by(MonitoringTask.plan_year.desc(), MonitoringTask.number)
        if not include_closed:
            q = q.where(MonitoringTask.status != "closed")
        return [_task_info(uow.session, t) for t in uow.session.scalars(q)]


def get_task(ctx: Context, task_id: int) -> TaskInfo:
    with ctx.uow() as uow:
        return _task_info(uow.session, get_or_404(uow.session, MonitoringTask, task_id, "该任务"))


# ----------------------------------------------------------------------------------- schemes
def validate_scheme(data: SchemeInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.product.strip():
        errors["product"] = "请填写监测产品。"
    names = [i.name.strip() for i in data.items]
    if not names:
        errors["items"] = "方案至少要有一个检验项目。"
    elif any(not n for n in names):
        errors["items"] = "检验项目名称不能为空。"
    elif len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        errors["items"] = f"检验项目重复：{'、'.join(dup)}。"
    codes = []
    for s in data.standards:
        try:
            codes.append(normalize_code(s.code))
        except StandardCodeError as exc:
            errors["standards"] = exc.message
            break
        if s.role not in ("similar", "mandatory"):
            errors["standards"] = "候选标准的类别应为“同类产品标准”或“强制性标准”。"
            break
    if len(set(codes)) != len(codes):
        errors["standards"] = "候选标准重复。"
    return errors


def catalog_warnings(session, standards) -> tuple[str, ...]:
    """A warning for each candidate standard the standards catalog does not hold."""
    return tuple(
        f"候选标准 {code} 不在标准库中：判定时无法引用它的技术要求和检验方法，请先在标准库中添加。"
        for code in unknown_codes_in(session, [x.code for x in standards])
    )


def scheme_warnings(ctx: Context, data: SchemeInput) -> list[str]:
    """For the scheme editor: which candidate standards are not in the catalog."""
    with ctx.uow() as uow:
        return list(catalog_warnings(uow.session, data.standards))


def _scheme_info(s: Scheme, session=None) -> SchemeInfo:
    return SchemeInfo(
        id=s.id,
        task_id=s.task_id,
        version=s.version,
        status=s.status,
        data=SchemeInput(
            product=s.product,
            items=tuple(SchemeItemInput(i.name, bool(i.important), i.unit or "", i.notes or "") for i in s.items),
            standards=tuple(SchemeStandardInput(x.code, x.role) for x in s.standards),
        ),
        submitted_at=s.submitted_at,
        reviewed_at=s.reviewed_at,
        approved_at=s.approved_at,
        review_comment=s.review_comment or "",
        history=_history(session, s) if session is not None else (),
        warnings=catalog_warnings(session, s.standards) if session is not None else (),
    )


def _history(session, s: Scheme) -> tuple[str, ...]:
    """Who submitted, reviewed and approved the scheme, and when (local time)."""
    from app.timezones import shanghai

    tz = shanghai()
    earlier = s.submitted_at is not None and s.reviewed_at is not None and s.reviewed_at < s.submitted_at
    review = "退回修改" if s.status == "rejected" or earlier else "评审通过"
    steps = [
        (s.submitted_at, s.submitted_by_id, "提交评审"),
        (s.reviewed_at, s.reviewed_by_id, review),
        (s.approved_at, s.approved_by_id, "确认"),
    ]
    out = []
    for at, user_id, what in sorted((x for x in steps if x[0] is not None), key=lambda x: x[0]):
        user = session.get(User, user_id) if user_id else None
        out.append(f"{at.astimezone(tz):%Y-%m-%d %H:%M} {user.display_name if user else ''} {what}".replace("  ", " "))
    return tuple(out)


def _apply_scheme(session, s: Scheme, data: SchemeInput) -> None:
    s.product = data.product.strip()
    old_items = {i.name: i for i in s.items}
    new_items = []
    for seq, it in enumerate(data.items):
        row = old_items.pop(it.name.strip(), None) or SchemeItem(name=it.name.strip())
        row.seq, row.important, row.unit, row.notes = seq, it.important, it.unit.strip() or None, it.notes.strip() or None
        new_items.append(row)
    s.items = new_items
    old_std = {x.code: x for x in s.standards}
    new_std = []
    for seq, st in enumerate(data.standards):
        code = normalize_code(st.code)
        row = old_std.pop(code, None) or SchemeStandard(code=code)
        row.seq, row.role = seq, st.role
        new_std.append(row)
    s.standards = new_std
    session.flush()


def create_scheme(ctx: Context, task_id: int, data: SchemeInput) -> SchemeInfo:
    ctx.require("technician", action="拟定监测方案")
    errors = validate_scheme(data)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        s = Scheme(task_id=task_id, product=data.product.strip(), status="draft")
        uow.session.add(s)
        _apply_scheme(uow.session, s, data)
        info = _scheme_info(s, uow.session)
        uow.commit()
    return info


def update_scheme(ctx: Context, scheme_id: int, version: int, data: SchemeInput) -> SchemeInfo:
    ctx.require("technician", action="修改监测方案")
    errors = validate_scheme(data)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        s = uow.session.get(Scheme, scheme_id)
        check_version(s, version, "该方案")
        if s.status not in ("draft", "rejected"):
            raise ValidationError("方案已提交评审，不能再修改；请评审人退回后修改。")
        _apply_scheme(uow.session, s, data)
        s.status = "draft"
        info = _scheme_info(s, uow.session)
        uow.commit()
    return info


def list_schemes(ctx: Context, task_id: int) -> list[SchemeInfo]:
    with ctx.uow() as uow:
        return [
            _scheme_info(s, uow.session)
            for s in uow.session.scalars(select(Scheme).where(Scheme.task_id == task_id).order_by(Scheme.id))
        ]


def get_scheme(ctx: Context, scheme_id: int) -> SchemeInfo:
    with ctx.uow() as uow:
        return _scheme_info(get_or_404(uow.session, Scheme, scheme_id, "该方案"), uow.session)


def _transition(ctx: Context, scheme_id: int, version: int, allowed_from: tuple[str, ...], to: str,
                comment: str | None = None) -> SchemeInfo:
    with ctx.uow() as uow:
        s = uow.session.get(Scheme, scheme_id)
        check_version(s, version, "该方案")
        if s.status not in allowed_from:
            label = SCHEME_STATUS_LABELS.get(s.status, s.status)
            raise ValidationError(f"方案当前状态为“{label}”，不能执行此操作。")
        now = utcnow()
        if to == "submitted":
            s.submitted_by_id, s.submitted_at = ctx.user.id, now
        elif to in ("reviewed", "rejected"):
            if s.submitted_by_id == ctx.user.id:
                raise ValidationError("方案评审须由提交人以外的人员进行。")
            s.reviewed_by_id, s.reviewed_at = ctx.user.id, now
        elif to == "approved":
            s.approved_by_id, s.approved_at = ctx.user.id, now
        if comment is not None:
            s.review_comment = comment.strip() or None
        s.status = to
        uow.session.flush()
        info = _scheme_info(s, uow.session)
        uow.commit()
    return info


def submit_scheme(ctx: Context, scheme_id: int, version: int) -> SchemeInfo:
    ctx.require("technician", action="提交方案")
    return _transition(ctx, scheme_id, version, ("draft", "rejected"), "submitted")


def review_scheme(ctx: Context, scheme_id: int, version: int, *, accept: bool, comment: str = "") -> SchemeInfo:
    """方案评审: accept, or send back for changes with a comment."""
    ctx.require("reviewer", action="评审方案")
    if not accept and not comment.strip():
        raise ValidationError({"comment": "退回方案时请写明修改意见。"})
    return _transition(ctx, scheme_id, version, ("submitted",), "reviewed" if accept else "rejected", comment)


def approve_scheme(ctx: Context, scheme_id: int, version: int) -> SchemeInfo:
    """方案确认 after review (the task's organiser confirms; recorded by the signatory)."""
    ctx.require("signatory", action="确认方案")
    return _transition(ctx, scheme_id, version, ("reviewed",), "approved")
