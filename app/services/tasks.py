"""风险监测任务 and 风险监测方案 (Article 14): tasks and the scheme's lifecycle.

A scheme is drafted and submitted for internal review (审核, by a reviewer other than the drafter,
signed with the reviewer's password), passed or returned with a comment, and then confirmed by
the authority that issued the task (确认): a lab user records the authority's document number,
date and file. Sampling waits for the confirmation. A confirmed scheme is changed by a revision: a
new version that goes through review and confirmation again while the confirmed one stays in
force. Every step is a :class:`~app.store.models.SchemeEvent`, shown in order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app import ruledata
from app.errors import ValidationError
from app.rules.standards import StandardCodeError, normalize_code
from app.services import permissions
from app.services._common import check_version, get_or_404, receipt_type
from app.services.catalog import unknown_codes_in
from app.services.context import Context
from app.services.users import signer_in
from app.store import audit
from app.store.models import (
    AUTHORITY_LEVELS,
    TASK_STATUSES,
    MonitoringTask,
    Sample,
    Scheme,
    SchemeEvent,
    SchemeItem,
    SchemeStandard,
    User,
)
from app.store.queries import lab_timezone, lab_today
from app.store.types import utcnow

AUTHORITY_LABELS = {"national": "国家级", "provincial": "省级", "municipal": "市（州）级", "county": "县级"}
TASK_STATUS_LABELS = {"draft": "草稿", "active": "进行中", "completed": "已完成", "closed": "已关闭"}
SCHEME_STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "已提交审核",
    "reviewed": "已通过内部审核",
    "returned": "已退回修改",
    "confirmed": "已经任务下达部门确认",
    "superseded": "已被新版本取代",
}
SCHEME_EVENT_LABELS = {
    "drafted": "拟定",
    "submitted": "提交审核",
    "returned": "退回修改",
    "reviewed": "审核通过",
    "confirmed": "任务下达部门确认",
    "revised": "修订",
    "superseded": "被新版本取代",
}
#: who may record the authority's confirmation: any lab user who works on tasks
CONFIRM_ROLES = permissions.CONFIRM_ROLES
CONFIRMATION_FILE_LIMIT = 10 * 1024 * 1024
COMMENT_MAX = 2000
#: a sample in these states has not been tested: it follows a revision of its scheme once confirmed
UNTESTED_SAMPLE_STATUSES = ("registered", "received")
MIGRATED_NOTE = "升级前的方案：此前的提交、退回记录只保留了最后一次。"
MIGRATED_CONFIRMATION = ("升级前的记录：方案由本机构在程序中“确认”，未登记任务下达部门的确认文号、日期和文件，"
                         "原件请查纸质档案。")


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
    #: edit / draft a scheme for the user who asked (:func:`app.services.permissions.task_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)


@dataclass(frozen=True)
class SchemeItemInput:
    name: str
    important: bool = False  # 重要性能指标
    unit: str = ""
    notes: str = ""
    #: 危害类别: a code of the hazard class table; None = the table's class for the item's name
    #: (:func:`default_hazard_class`), "" = not classified
    hazard_class: str | None = None


def hazard_class_choices() -> tuple[tuple[str, str, int], ...]:
    """The classes a scheme item may have: (code, name, severity 1–4), in the table's order."""
    table = ruledata.load_hazard_classes()
    return tuple((code, c["name"], int(c["severity"])) for code, c in table["classes"].items())


def default_hazard_class(item: str) -> str:
    """The class the hazard class table gives an item of this name ("" when it does not know it)."""
    return ruledata.hazard_class_of(item)


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
class SchemeEventInfo:
    """One step of a scheme's history (of any of its versions)."""

    id: int
    scheme_id: int
    revision: int
    kind: str
    at: dt.datetime  # in the lab's time zone
    actor: str
    comment: str = ""
    document_number: str = ""
    document_date: dt.date | None = None
    filename: str = ""
    size: int = 0

    @property
    def label(self) -> str:
        return SCHEME_EVENT_LABELS.get(self.kind, self.kind)

    @property
    def has_file(self) -> bool:
        return bool(self.filename)

    @property
    def text(self) -> str:
        """One line: when, which version, who, what, and the comment or the authority's document."""
        parts = [f"{self.at:%Y-%m-%d %H:%M}", f"第{self.revision}版", self.actor, self.label]
        line = " ".join(p for p in parts if p)
        extra = []
        if self.document_number:
            extra.append(f"文号 {self.document_number}")
        if self.document_date:
            extra.append(f"日期 {self.document_date.isoformat()}")
        if self.filename:
            extra.append(f"文件 {self.filename}")
        if self.comment:
            extra.append(self.comment)
        return line + ("：" + "；".join(extra) if extra else "")


@dataclass(frozen=True)
class SchemeInfo:
    id: int
    task_id: int
    version: int
    status: str
    data: SchemeInput
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    review_comment: str
    revision: int = 1  # 版本
    previous_id: int | None = None  # the version this one revises
    successor_id: int | None = None  # the revision of this version, if any
    drafted_by_id: int | None = None
    submitted_by_id: int | None = None
    authority_document: str = ""  # 确认文号
    authority_date: dt.date | None = None
    samples: int = 0  # samples registered under this version
    tested_samples: int = 0  # of which testing has started
    history: tuple[SchemeEventInfo, ...] = field(default=())  # of every version, in order
    warnings: tuple[str, ...] = field(default=())  # candidate standards missing from the catalog
    #: what the last action did beyond the status (e.g. which samples keep the old version)
    message: str = ""
    #: action → "" when the user who asked may take it now, else why not (see scheme_actions)
    actions: dict[str, str] = field(default_factory=dict)
    #: the same as :class:`~app.services.permissions.Action` values (:func:`app.services.permissions.scheme_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def status_label(self) -> str:
        return SCHEME_STATUS_LABELS.get(self.status, self.status)

    @property
    def in_force(self) -> bool:
        """The confirmed version samples are registered under now (现行)."""
        return self.status == "confirmed"

    @property
    def confirmation(self) -> SchemeEventInfo | None:
        """The authority's confirmation of this version, with its file."""
        return next((e for e in reversed(self.history) if e.scheme_id == self.id and e.kind == "confirmed"), None)

    def allowed(self, action: str) -> bool:
        return self.actions.get(action, "x") == ""


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


def _task_info(session, t: MonitoringTask, user=None) -> TaskInfo:
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
        allowed_actions=permissions.task_actions(user) if user is not None else permissions.NONE,
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
    permissions.task_actions(ctx.user).require("create")
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
        info = _task_info(uow.session, t, ctx.user)
        uow.commit()
    return info


def update_task(ctx: Context, task_id: int, version: int, data: TaskInput) -> TaskInfo:
    permissions.task_actions(ctx.user).require("edit")
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
        info = _task_info(uow.session, t, ctx.user)
        uow.commit()
    return info


def task_permissions(ctx: Context) -> permissions.Allowed:
    """Whether the signed-in user may create and edit tasks and draft schemes, and why not."""
    return permissions.task_actions(ctx.user)


def list_tasks(ctx: Context, *, include_closed: bool = True) -> list[TaskInfo]:
    with ctx.uow() as uow:
        q = select(MonitoringTask).order_by(MonitoringTask.plan_year.desc(), MonitoringTask.number)
        if not include_closed:
            q = q.where(MonitoringTask.status != "closed")
        return [_task_info(uow.session, t, ctx.user) for t in uow.session.scalars(q)]


def get_task(ctx: Context, task_id: int) -> TaskInfo:
    with ctx.uow() as uow:
        return _task_info(uow.session, get_or_404(uow.session, MonitoringTask, task_id, "该任务"), ctx.user)


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
    known = {code for code, _n, _s in hazard_class_choices()}
    unknown = [i.name.strip() for i in data.items if i.hazard_class and i.hazard_class not in known]
    if unknown:
        errors["hazard_class"] = f"检验项目 {'、'.join(unknown)} 的危害类别不在危害类别表中，请重新选择。"
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


def _apply_scheme(session, s: Scheme, data: SchemeInput) -> None:
    s.product = data.product.strip()
    old_items = {i.name: i for i in s.items}
    new_items = []
    for seq, it in enumerate(data.items):
        row = old_items.pop(it.name.strip(), None) or SchemeItem(name=it.name.strip())
        row.seq, row.important, row.unit, row.notes = seq, it.important, it.unit.strip() or None, it.notes.strip() or None
        chosen = default_hazard_class(row.name) if it.hazard_class is None else it.hazard_class
        row.hazard_class = chosen or None
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


def _user_name(session, user_id: int | None, cache: dict[int, str]) -> str:
    if user_id is None:
        return ""
    if user_id not in cache:
        user = session.get(User, user_id)
        cache[user_id] = user.display_name if user else ""
    return cache[user_id]


def _lineage(session, s: Scheme) -> list[Scheme]:
    """Every version of the scheme ``s`` belongs to, the first version first."""
    versions = list(session.scalars(select(Scheme).where(Scheme.task_id == s.task_id).order_by(Scheme.id)))
    by_id = {v.id: v for v in versions}
    root = s
    while root.previous_id is not None and root.previous_id in by_id:
        root = by_id[root.previous_id]
    following: dict[int, Scheme] = {v.previous_id: v for v in versions if v.previous_id is not None}
    chain = [root]
    while chain[-1].id in following:
        chain.append(following[chain[-1].id])
    return chain


def _successor(session, s: Scheme) -> Scheme | None:
    return session.scalar(select(Scheme).where(Scheme.previous_id == s.id).order_by(Scheme.id))


def _history(session, s: Scheme) -> tuple[SchemeEventInfo, ...]:
    """The steps of every version of the scheme, in the order they happened."""
    tz = lab_timezone(session)
    names: dict[int, str] = {}
    chain = _lineage(session, s)
    revisions = {v.id: v.revision for v in chain}
    events = session.scalars(
        select(SchemeEvent).where(SchemeEvent.scheme_id.in_(list(revisions))).order_by(SchemeEvent.at, SchemeEvent.id)
    )
    return tuple(
        SchemeEventInfo(
            id=e.id, scheme_id=e.scheme_id, revision=revisions[e.scheme_id], kind=e.kind,
            at=e.at.astimezone(tz), actor=_user_name(session, e.actor_id, names), comment=e.comment or "",
            document_number=e.document_number or "", document_date=e.document_date,
            filename=e.filename or "", size=e.size or 0,
        )
        for e in events
    )


def _scheme_info(s: Scheme, session=None, *, user=None, message: str = "") -> SchemeInfo:
    sampled = tested = 0
    successor = None
    if session is not None:
        sampled = session.scalar(select(func.count()).select_from(Sample).where(Sample.scheme_id == s.id)) or 0
        tested = session.scalar(select(func.count()).select_from(Sample).where(
            Sample.scheme_id == s.id, Sample.status.not_in(UNTESTED_SAMPLE_STATUSES))) or 0
        successor = _successor(session, s)
    info = SchemeInfo(
        id=s.id,
        task_id=s.task_id,
        version=s.version,
        status=s.status,
        data=SchemeInput(
            product=s.product,
            items=tuple(SchemeItemInput(i.name, bool(i.important), i.unit or "", i.notes or "", i.hazard_class or "")
                        for i in s.items),
            standards=tuple(SchemeStandardInput(x.code, x.role) for x in s.standards),
        ),
        submitted_at=s.submitted_at,
        reviewed_at=s.reviewed_at,
        confirmed_at=s.confirmed_at,
        review_comment=s.review_comment or "",
        revision=s.revision or 1,
        previous_id=s.previous_id,
        successor_id=successor.id if successor is not None else None,
        drafted_by_id=s.drafted_by_id,
        submitted_by_id=s.submitted_by_id,
        authority_document=s.authority_document or "",
        authority_date=s.authority_date,
        samples=sampled,
        tested_samples=tested,
        history=_history(session, s) if session is not None else (),
        warnings=catalog_warnings(session, s.standards) if session is not None else (),
        message=message,
    )
    if user is not None:
        allowed = _scheme_allowed(user, info)
        info = dataclasses.replace(info, allowed_actions=allowed,
                                   actions={n: "" if a.allowed else a.reason for n, a in allowed.items()})
    return info


# ----------------------------------------------------------------------------------- who may do what
def _scheme_allowed(user, s: SchemeInfo) -> permissions.Allowed:
    return permissions.scheme_actions(user, status=s.status, drafted_by_id=s.drafted_by_id,
                                      submitted_by_id=s.submitted_by_id, successor_id=s.successor_id)


def scheme_actions(user, s: SchemeInfo) -> dict[str, str]:
    """Each scheme action → "" when ``user`` may take it now, else why not (in Chinese): the
    permission model's :func:`app.services.permissions.scheme_actions`, which the GUI renders and
    the services enforce (:func:`_require_action`)."""
    return {n: "" if a.allowed else a.reason for n, a in _scheme_allowed(user, s).items()}


def _require_action(ctx: Context, session, s: Scheme, action: str) -> None:
    _scheme_allowed(ctx.user, _scheme_info(s, session)).require(action)


def _event(session, s: Scheme, kind: str, actor_id: int | None, at: dt.datetime, **values) -> SchemeEvent:
    e = SchemeEvent(scheme=s, kind=kind, actor_id=actor_id, at=at, **values)
    session.add(e)
    return e


# ----------------------------------------------------------------------------------- drafting
def create_scheme(ctx: Context, task_id: int, data: SchemeInput) -> SchemeInfo:
    permissions.task_actions(ctx.user).require("draft_scheme")
    errors = validate_scheme(data)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        s = Scheme(task_id=task_id, product=data.product.strip(), status="draft", revision=1,
                   drafted_by_id=ctx.user.id)
        uow.session.add(s)
        _apply_scheme(uow.session, s, data)
        _event(uow.session, s, "drafted", ctx.user.id, utcnow())
        uow.session.flush()
        info = _scheme_info(s, uow.session, user=ctx.user)
        uow.commit()
    return info


def update_scheme(ctx: Context, scheme_id: int, version: int, data: SchemeInput) -> SchemeInfo:
    errors = validate_scheme(data)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        s = uow.session.get(Scheme, scheme_id)
        check_version(s, version, "该方案")
        _require_action(ctx, uow.session, s, "edit")
        _apply_scheme(uow.session, s, data)
        info = _scheme_info(s, uow.session, user=ctx.user)
        uow.commit()
    return info


def list_schemes(ctx: Context, task_id: int) -> list[SchemeInfo]:
    """Every version of every scheme of the task, the newest version of each product first."""
    with ctx.uow() as uow:
        rows = list(uow.session.scalars(select(Scheme).where(Scheme.task_id == task_id).order_by(Scheme.id)))
        return [_scheme_info(s, uow.session, user=ctx.user) for s in rows]


def get_scheme(ctx: Context, scheme_id: int) -> SchemeInfo:
    with ctx.uow() as uow:
        return _scheme_info(get_or_404(uow.session, Scheme, scheme_id, "该方案"), uow.session, user=ctx.user)


# ----------------------------------------------------------------------------------- review
def submit_scheme(ctx: Context, scheme_id: int, version: int) -> SchemeInfo:
    """提交审核: the draft (or the returned scheme, changed) goes to internal review."""
    with ctx.uow() as uow:
        s = uow.session.get(Scheme, scheme_id)
        check_version(s, version, "该方案")
        _require_action(ctx, uow.session, s, "submit")
        now = utcnow()
        s.status = "submitted"
        s.submitted_by_id, s.submitted_at = ctx.user.id, now
        if s.drafted_by_id is None:
            s.drafted_by_id = ctx.user.id
        _event(uow.session, s, "submitted", ctx.user.id, now)
        uow.session.flush()
        info = _scheme_info(s, uow.session, user=ctx.user)
        uow.commit()
    return info


def review_scheme(ctx: Context, scheme_id: int, version: int, *, accept: bool, comment: str = "",
                  password: str) -> SchemeInfo:
    """内部审核 (方案评审): pass the submitted scheme, or return it for changes with a comment (a
    scheme that passed review may still be returned before the authority confirms it, e.g. when
    the authority asks for changes). Signed: the reviewer's password is checked in the database.
    The reviewer is neither the drafter nor the submitter."""
    comment = comment.strip()
    with ctx.uow() as uow:
        s = uow.session.get(Scheme, scheme_id)
        check_version(s, version, "该方案")
        _require_action(ctx, uow.session, s, "review" if accept else "return")
        if not accept and not comment:
            raise ValidationError({"comment": "退回方案时请写明修改意见。"})
        if len(comment) > COMMENT_MAX:
            raise ValidationError({"comment": f"意见不能超过 {COMMENT_MAX} 个字。"})
        signer_in(uow.session, ctx, "reviewer", password)  # the role and password as the database has them now
        now = utcnow()
        s.status = "reviewed" if accept else "returned"
        s.reviewed_by_id, s.reviewed_at = ctx.user.id, now
        s.review_comment = comment or None
        _event(uow.session, s, "reviewed" if accept else "returned", ctx.user.id, now, comment=comment or None)
        uow.session.flush()
        info = _scheme_info(s, uow.session, user=ctx.user)
        uow.commit()
    return info


# ----------------------------------------------------------------------------------- confirmation
@dataclass(frozen=True)
class ConfirmationInput:
    """任务下达部门的确认 as the lab received it: the authority's document number (文号), its date
    and the file (a scan or the PDF it sent: PDF, JPEG or PNG, at most ``CONFIRMATION_FILE_LIMIT``).
    ``file`` is read by the service; ``content``/``filename`` give the bytes directly instead."""

    document_number: str = ""
    document_date: dt.date | None = None
    file: Path | None = None
    content: bytes | None = None
    filename: str = ""


def _confirmation_file(data: ConfirmationInput) -> tuple[str, bytes, str] | str:
    """(filename, content, mime), or why the file cannot be taken."""
    if data.content is not None:
        name, content = Path(data.filename or "确认文件").name, data.content
    elif data.file is not None:
        path = Path(data.file)
        name = path.name
        try:
            with path.open("rb") as fh:
                content = fh.read(CONFIRMATION_FILE_LIMIT + 1)
        except OSError as exc:
            return f"无法读取文件 {name}：{exc.strerror or exc}"
    else:
        return "请选择任务下达部门的确认文件（PDF、JPEG 或 PNG）。"
    if not content:
        return f"文件 {name} 是空的。"
    if len(content) > CONFIRMATION_FILE_LIMIT:
        return f"文件 {name} 超过 {CONFIRMATION_FILE_LIMIT // (1024 * 1024)} MB，请压缩后再添加。"
    kind = receipt_type(content)
    if kind is None:
        return f"文件 {name} 不是 PDF、JPEG 或 PNG 文件：确认文件请存为这三种格式之一。"
    ext, mime = kind
    if Path(name).suffix.lower() not in {ext, ".jpeg" if ext == ".jpg" else ext}:
        name = Path(name).stem + ext
    return name[:255], content, mime


def confirm_scheme(ctx: Context, scheme_id: int, version: int, data: ConfirmationInput) -> SchemeInfo:
    """登记任务下达部门的确认 (Article 14: the scheme is confirmed by the authority that issued the
    task): after the internal review, a lab user records the authority's document number, date and
    file. A confirmed revision replaces the version before it (``superseded``); the samples of that
    version not yet tested follow the new version, the tested ones keep theirs."""
    number = data.document_number.strip()
    errors: dict[str, str] = {}
    if not number:
        errors["document_number"] = "请填写任务下达部门确认文件的文号。"
    elif len(number) > 100:
        errors["document_number"] = "文号不能超过 100 个字。"
    file = _confirmation_file(data)
    if isinstance(file, str):
        errors["file"] = file
    with ctx.uow() as uow:
        session = uow.session
        today = lab_today(session)
        if data.document_date is None:
            errors["document_date"] = "请填写确认日期（部门确认文件的日期）。"
        elif data.document_date > today:
            errors["document_date"] = f"确认日期不能晚于今天（{today.isoformat()}）。"
        s = session.get(Scheme, scheme_id)
        check_version(s, version, "该方案")
        _require_action(ctx, session, s, "confirm")
        if errors:
            raise ValidationError(errors)
        reviewed = s.reviewed_at.astimezone(lab_timezone(session)).date() if s.reviewed_at else None
        if reviewed is not None and data.document_date < reviewed:
            raise ValidationError({"document_date": f"确认日期不能早于内部审核通过的日期（{reviewed.isoformat()}）。"})
        assert not isinstance(file, str)
        filename, content, mime = file
        now = utcnow()
        s.status = "confirmed"
        s.confirmed_by_id, s.confirmed_at = ctx.user.id, now
        s.authority_document, s.authority_date = number, data.document_date
        note = None
        previous = s.previous
        if previous is not None and previous.status == "confirmed":
            previous.status = "superseded"
            moved = list(session.scalars(select(Sample).where(
                Sample.scheme_id == previous.id, Sample.status.in_(UNTESTED_SAMPLE_STATUSES))))
            kept = session.scalar(select(func.count()).select_from(Sample).where(
                Sample.scheme_id == previous.id, Sample.status.not_in(UNTESTED_SAMPLE_STATUSES))) or 0
            for sample in moved:
                sample.scheme_id = s.id
            parts = [f"第 {s.revision} 版确认后取代本版本"]
            if moved:
                parts.append(f"{len(moved)} 个尚未检验的样品改按第 {s.revision} 版")
            if kept:
                parts.append(f"{kept} 个已检验的样品仍按第 {previous.revision} 版")
            note = "；".join(parts) + "。"
            _event(session, previous, "superseded", ctx.user.id, now, comment=note)
        _event(session, s, "confirmed", ctx.user.id, now, document_number=number, document_date=data.document_date,
               filename=filename, mime=mime, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
               content=content)
        session.flush()
        info = _scheme_info(s, session, user=ctx.user, message=note or "")
        uow.commit()
    return info


def confirmation_file(ctx: Context, event_id: int) -> tuple[str, bytes]:
    """The file of a confirmation (its name and bytes), to open it."""
    with ctx.uow() as uow:
        e = get_or_404(uow.session, SchemeEvent, event_id, "该确认记录")
        if e.content is None:
            raise ValidationError("该记录没有附带文件。")
        return e.filename or "确认文件", bytes(e.content)


# ----------------------------------------------------------------------------------- revision
def revise_scheme(ctx: Context, scheme_id: int, version: int, reason: str = "") -> SchemeInfo:
    """修订方案: a new version (a copy of the confirmed one's items and standards) to change, submit,
    review and have confirmed again. The confirmed version stays in force until then; samples
    already tested under it keep it (the returned ``message`` says how many)."""
    reason = reason.strip()
    with ctx.uow() as uow:
        session = uow.session
        old = session.get(Scheme, scheme_id)
        check_version(old, version, "该方案")
        _require_action(ctx, session, old, "revise")
        if len(reason) > COMMENT_MAX:
            raise ValidationError({"reason": f"修订原因不能超过 {COMMENT_MAX} 个字。"})
        new = Scheme(task_id=old.task_id, product=old.product, status="draft", revision=(old.revision or 1) + 1,
                     previous_id=old.id, drafted_by_id=ctx.user.id)
        session.add(new)
        _apply_scheme(session, new, _scheme_info(old).data)
        now = utcnow()
        comment = f"由第 {old.revision} 版修订" + (f"：{reason}" if reason else "。")
        _event(session, new, "revised", ctx.user.id, now, comment=comment)
        tested = session.scalar(select(func.count()).select_from(Sample).where(
            Sample.scheme_id == old.id, Sample.status.not_in(UNTESTED_SAMPLE_STATUSES))) or 0
        waiting = session.scalar(select(func.count()).select_from(Sample).where(
            Sample.scheme_id == old.id, Sample.status.in_(UNTESTED_SAMPLE_STATUSES))) or 0
        parts = [f"已生成第 {new.revision} 版（草稿）。第 {old.revision} 版在新版本经任务下达部门确认前仍然有效"]
        if tested:
            parts.append(f"已按第 {old.revision} 版检验的 {tested} 个样品仍保留在第 {old.revision} 版")
        if waiting:
            parts.append(f"{waiting} 个尚未检验的样品在第 {new.revision} 版确认后改按新版本")
        session.flush()
        info = _scheme_info(new, session, user=ctx.user, message="；".join(parts) + "。")
        uow.commit()
    return info


# ----------------------------------------------------------------------------------- sampling
def _status_text(s: Scheme) -> str:
    return f"{SCHEME_STATUS_LABELS.get(s.status, s.status)}" + (f"，第 {s.revision} 版" if (s.revision or 1) > 1 else "")


def sampling_scheme(session, task: MonitoringTask, scheme_id: int | None, product: str = "") -> Scheme:
    """The scheme version a new sample of ``task`` is registered under: the confirmed version in
    force of the scheme chosen (``scheme_id``, any of its versions), or the task's only one (or the
    one for ``product``). Raises when the task's scheme is not confirmed yet (Article 14: sampling
    follows the authority's confirmation), naming the step that is missing."""
    schemes = list(session.scalars(select(Scheme).where(Scheme.task_id == task.id).order_by(Scheme.id)))
    if scheme_id is not None:
        chosen = next((s for s in schemes if s.id == scheme_id), None)
        if chosen is None:
            raise ValidationError({"scheme_id": "所选方案不属于该任务。"})
        chain = _lineage(session, chosen)
        in_force = [s for s in chain if s.status == "confirmed"]
        if in_force:
            return in_force[-1]
        latest = chain[-1]
        raise ValidationError({"scheme_id": _not_confirmed(latest)})
    in_force = [s for s in schemes if s.status == "confirmed"]
    if not in_force:
        if not schemes:
            raise ValidationError({"scheme_id": "该任务还没有监测方案：方案经内部审核并经任务下达部门确认后才能登记样品。"})
        latest = max(schemes, key=lambda s: (_STATUS_ORDER.get(s.status, 0), s.id))
        raise ValidationError({"scheme_id": _not_confirmed(latest)})
    if len(in_force) == 1:
        return in_force[0]
    for s in in_force:
        if product and s.product.strip() == product.strip():
            return s
    raise ValidationError({"scheme_id": "该任务有多个已确认的方案，请选择样品所属的方案。"})


def _not_confirmed(s: Scheme) -> str:
    return f"该任务的监测方案尚未经任务下达部门确认（当前：{_status_text(s)}），不能登记样品。"


#: how far along a scheme is, to name the most advanced one in a refusal
_STATUS_ORDER = {"draft": 1, "returned": 2, "submitted": 3, "reviewed": 4, "confirmed": 5, "superseded": 0}


# ----------------------------------------------------------------------------------- migration 0007
def upgrade_0007(connection: Any) -> None:
    """Data step of migration 0007, in its transaction: each existing scheme gets the history its
    columns still tell — drafted, submitted, reviewed or returned, and (for the schemes the old
    program marked "approved") confirmed, noted as taken over from the old record without the
    authority's document — and every sample registered without a scheme gets its task's current
    scheme (the confirmed one for its product, else the task's only or latest confirmed one, else
    the task's latest scheme)."""
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(bind=connection, autoflush=False, join_transaction_mode="rollback_only")
    audit.install(factory)
    session = factory()
    session.info["actor"] = "migration:0007"
    try:
        schemes = list(session.scalars(select(Scheme).order_by(Scheme.id)))
        with_events = set(session.scalars(select(SchemeEvent.scheme_id).distinct()))
        for s in schemes:
            if s.id in with_events:
                continue
            _event(session, s, "drafted", s.drafted_by_id, s.created_at, comment=MIGRATED_NOTE)
            if s.submitted_at is not None:
                _event(session, s, "submitted", s.submitted_by_id, s.submitted_at)
            if s.reviewed_at is not None:
                returned = s.status == "returned" or (s.submitted_at is not None and s.reviewed_at < s.submitted_at)
                _event(session, s, "returned" if returned else "reviewed", s.reviewed_by_id, s.reviewed_at,
                       comment=s.review_comment)
            if s.status == "confirmed":
                _event(session, s, "confirmed", s.confirmed_by_id, s.confirmed_at or s.updated_at,
                       comment=MIGRATED_CONFIRMATION)
        by_task: dict[int, list[Scheme]] = {}
        for s in schemes:
            by_task.setdefault(s.task_id, []).append(s)
        for sample in session.scalars(select(Sample).where(Sample.scheme_id.is_(None)).order_by(Sample.id)):
            options = by_task.get(sample.task_id) or []
            if not options:
                continue
            confirmed = [s for s in options if s.status == "confirmed"]
            same = [s for s in confirmed if s.product.strip() == (sample.product_name or "").strip()]
            sample.scheme_id = (same or confirmed or options)[-1].id
        session.flush()
    finally:
        session.close()
