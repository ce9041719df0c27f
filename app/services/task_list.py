"""The monitoring task list (监测任务列表): counting, filtering, sorting and paging in SQL.

Like :mod:`app.services.sample_list`, the desktop list asks :func:`count` for the number of
tasks a filter gives and :func:`page` for the rows it shows. Both are SQLAlchemy Core selects of
only the list's columns; the number of samples taken (已抽样) and of schemes (方案) of each task
are correlated sub-selects, so sorting by them is done by the database too. Every order ends with
the task id, so pages never overlap or skip rows when values tie.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.sql import Select

from app.errors import ValidationError
from app.services._common import like_pattern, search_words
from app.services.context import Context
from app.services.tasks import TaskInfo, TaskInput
from app.store.models import MonitoringTask, Sample, Scheme

#: The columns the list can be sorted by.
SORT_KEYS = (
    "number",
    "title",
    "authority",
    "level",
    "year",
    "planned",
    "sampled",
    "schemes",
    "sampling_deadline",
    "report_deadline",
    "status",
)
DEFAULT_SORT = "year"
LEVELS = ("national", "provincial", "municipal", "county")  # 国家级 … 县级, highest first
STATUSES = ("draft", "active", "completed", "closed")  # in the order of the work
PAGE_LIMIT_MAX = 5000
TEXT_MAX = 100


@dataclass(frozen=True)
class TaskQuery:
    """What the list shows: the text filter, closed tasks or not, one plan year or any."""

    text: str = ""
    include_closed: bool = True
    plan_year: int | None = None

    def words(self) -> list[str]:
        return search_words(self.text, TEXT_MAX)  # no NUL or other control character reaches SQL


@dataclass(frozen=True)
class TaskRow:
    """One line of the list (with what the task dialogs need, so a line opens without a query)."""

    id: int
    version: int
    number: str
    title: str
    issuing_authority: str
    authority_level: str  # the key; the list shows its label
    product_category: str
    plan_year: int | None
    batches_planned: int | None
    sampled: int  # samples registered under the task
    schemes: int
    sampling_deadline: dt.date | None
    report_deadline: dt.date | None
    status: str  # the key; the list shows its label
    notes: str
    objection_authority: str = ""  # 异议受理单位 (empty: the issuing authority)

    def info(self) -> TaskInfo:
        """The row as the :class:`~app.services.tasks.TaskInfo` the task and scheme dialogs take."""
        return TaskInfo(
            id=self.id,
            version=self.version,
            data=TaskInput(
                number=self.number,
                title=self.title,
                issuing_authority=self.issuing_authority,
                authority_level=self.authority_level,
                product_category=self.product_category,
                plan_year=self.plan_year,
                batches_planned=self.batches_planned,
                sampling_deadline=self.sampling_deadline,
                report_deadline=self.report_deadline,
                status=self.status,
                notes=self.notes,
                objection_authority=self.objection_authority,
            ),
            sampled=self.sampled,
            schemes=self.schemes,
        )


def _is_postgres(ctx: Context) -> bool:
    return getattr(ctx.db, "backend", "sqlite") == "postgresql"


def _conditions(query: TaskQuery, postgres: bool) -> list[ColumnElement[bool]]:
    t = MonitoringTask.__table__.c
    conds: list[ColumnElement[bool]] = []
    if not query.include_closed:
        conds.append(t.status != "closed")
    if query.plan_year is not None:
        conds.append(t.plan_year == query.plan_year)
    for word in query.words():
        pattern = like_pattern(word)
        columns = (t.number, t.title, t.issuing_authority, t.product_category)
        if postgres:
            conds.append(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
        else:
            conds.append(or_(*(c.like(pattern, escape="\\") for c in columns)))
    return conds


def _sampled():
    s = Sample.__table__.c
    t = MonitoringTask.__table__.c
    return select(func.count()).select_from(Sample.__table__).where(s.task_id == t.id).scalar_subquery()


def _schemes():
    s = Scheme.__table__.c
    t = MonitoringTask.__table__.c
    return select(func.count()).select_from(Scheme.__table__).where(s.task_id == t.id).scalar_subquery()


def count_statement(query: TaskQuery, postgres: bool = False) -> Select:
    stmt = select(func.count()).select_from(MonitoringTask.__table__)
    conds = _conditions(query, postgres)
    return stmt.where(and_(*conds)) if conds else stmt


def page_statement(query: TaskQuery, sort_key: str = DEFAULT_SORT, descending: bool = True, offset: int = 0,
                   limit: int = 200, postgres: bool = False) -> Select:
    if sort_key not in SORT_KEYS:
        raise ValidationError(f"不能按“{sort_key}”排序。")
    t = MonitoringTask.__table__.c
    sampled = _sampled()
    schemes = _schemes()
    key = {
        "number": t.number,
        "title": t.title,
        "authority": t.issuing_authority,
        "level": case({v: i for i, v in enumerate(LEVELS)}, value=t.authority_level, else_=len(LEVELS)),
        "year": t.plan_year,
        "planned": t.batches_planned,
        "sampled": sampled,
        "schemes": schemes,
        "sampling_deadline": t.sampling_deadline,
        "report_deadline": t.report_deadline,
        "status": case({v: i for i, v in enumerate(STATUSES)}, value=t.status, else_=len(STATUSES)),
    }[sort_key]
    # Empty values sort where the database puts NULL by default (SQLite first ascending,
    # PostgreSQL last ascending); the id breaks ties on both.
    order = [key.desc(), t.id.desc()] if descending else [key.asc(), t.id.asc()]
    stmt = select(
        t.id, t.version, t.number, t.title, t.issuing_authority, t.authority_level, t.product_category,
        t.plan_year, t.batches_planned, sampled, schemes, t.sampling_deadline, t.report_deadline, t.status,
        t.notes, t.objection_authority,
    ).select_from(MonitoringTask.__table__)
    conds = _conditions(query, postgres)
    if conds:
        stmt = stmt.where(and_(*conds))
    return stmt.order_by(*order).offset(offset).limit(limit)


def count(ctx: Context, query: TaskQuery) -> int:
    """How many tasks the filter gives."""
    with ctx.uow() as uow:
        return int(uow.session.execute(count_statement(query, _is_postgres(ctx))).scalar_one())


def page(ctx: Context, query: TaskQuery, sort_key: str = DEFAULT_SORT, descending: bool = True,
         offset: int = 0, limit: int = 200, *, total: int | None = None) -> list[TaskRow]:
    """Rows ``offset`` … ``offset + limit - 1`` of the filtered list in the given order.

    ``total`` is accepted for the table model's sake (the sample list uses it to choose a plan).
    """
    if offset < 0 or limit < 0:
        raise ValidationError("分页参数不能为负数。")
    stmt = page_statement(query, sort_key, descending, offset, min(limit, PAGE_LIMIT_MAX), _is_postgres(ctx))
    with ctx.uow() as uow:
        rows = uow.session.execute(stmt).all()
    return [
        TaskRow(
            id=r[0],
            version=r[1],
            number=r[2],
            title=r[3],
            issuing_authority=r[4] or "",
            authority_level=r[5] or "provincial",
            product_category=r[6] or "",
            plan_year=r[7],
            batches_planned=r[8],
            sampled=int(r[9] or 0),
            schemes=int(r[10] or 0),
            sampling_deadline=r[11],
            report_deadline=r[12],
            status=r[13],
            notes=r[14] or "",
            objection_authority=r[15] or "",
        )
        for r in rows
    ]
