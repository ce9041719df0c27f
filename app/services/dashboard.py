"""工作台: the Article 18 clock for every sample whose initial monitoring is complete and whose
results have not yet been reported, and what awaits attention.

The board costs what the open work costs, not what the history does: the samples whose clock runs
are read through a partial index (``ix_samples_open_clock``: completed, not reported), counted
there (the overdue ones up to the completion date whose deadline has passed, found once by
bisection), and shown a page at a time (:func:`deadline_page`); the samples and problems of each
open task are counted from the covering index ``ix_samples_task_id_problems_found``; the problem
samples awaiting a notice are the rows of ``notice_backlog``, which triggers keep
(:mod:`app.store.notice_backlog`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select, table

from app import clock
from app.rules import calendar as calendar_rules
from app.rules.calendar import clock_state  # noqa: F401 - the dashboard's traffic light, defined with the rule
from app.services.calendar import calendar_for
from app.services.context import Context
from app.services.worklist import deadline_bounds
from app.store import notice_backlog, tables
from app.store.queries import get_setting, open_clock
from app.store.types import utcnow


# ------------------------------------------------------------------- major hazards not reported yet
@dataclass(frozen=True)
class PendingHazard:
    """A hazard found and not reported yet, with the clock since its discovery."""

    id: int
    sample_id: int
    sample_number: str
    product_name: str
    found_at: dt.datetime
    hours: float
    limit_hours: float

    @property
    def overdue(self) -> bool:
        return self.hours > self.limit_hours


def limit_hours(session) -> float:
    try:
        value = float(get_setting(session, "hazard_report_hours"))
    except (TypeError, ValueError):
        value = 24.0
    return value if value > 0 else 24.0


def pending_hazards(session, now: dt.datetime | None = None, limit: int = 20) -> list[PendingHazard]:
    """Drafts, oldest discovery first (the index on ``status`` keeps this small)."""
    now = now or utcnow()
    hours_limit = limit_hours(session)
    rows = session.execute(
        select(_H.c.id, _H.c.sample_id, _S.c.number, _S.c.product_name, _H.c.found_at)
        .join(_S, _S.c.id == _H.c.sample_id)
        .where(_H.c.status == "draft").order_by(_H.c.found_at, _H.c.id).limit(limit)
    ).all()
    out = []
    for hid, sid, number, product, found in rows:
        f = found if found.tzinfo else found.replace(tzinfo=dt.UTC)
        out.append(PendingHazard(hid, sid, number, product, f, max(0.0, (now - f).total_seconds() / 3600),
                                 hours_limit))
    return out


@dataclass(frozen=True)
class DeadlineRow:
    sample_id: int
    sample_number: str
    task_number: str
    product_name: str
    completed: dt.date
    deadline: dt.date
    days_left: int  # working days after today up to the deadline; negative: working days late
    provisional: bool
    state: str  # overdue | due_soon | ok
    problems_found: bool


@dataclass(frozen=True)
class TaskCount:
    task_id: int
    number: str
    title: str
    planned: int
    sampled: int
    with_problems: int


@dataclass(frozen=True)
class Board:
    today: dt.date
    rows: tuple[DeadlineRow, ...]
    tasks: tuple[TaskCount, ...]
    awaiting_notification: int
    major_hazards_pending: int
    upload_failed: int = 0  # uploads to the provincial system that failed (retrying or waiting for a person)
    upload_attention: int = 0  # of those, the ones a person must handle (rejected, or exported by hand)
    #: major hazards found and not yet reported (Article 18 ¶3), oldest first, each with its clock
    pending_hazards: tuple[PendingHazard, ...] = ()
    #: every sample whose clock runs, and the overdue ones among them (``rows`` is the first page)
    open_total: int | None = None
    overdue_total: int | None = None

    @property
    def open_count(self) -> int:
        return len(self.rows) if self.open_total is None else self.open_total

    @property
    def overdue_count(self) -> int:
        if self.overdue_total is not None:
            return self.overdue_total
        return sum(1 for r in self.rows if r.state == "overdue")


_S, _T = tables.samples, tables.monitoring_tasks
_N, _H, _O = tables.notifications, tables.hazard_reports, tables.sync_outbox

PAGE = 100  # the deadline list's first page; the rest comes a page at a time (deadline_page)


def _open_clock():
    """The samples whose Article 18 clock runs: the WHERE of the partial index ix_samples_open_clock."""
    return open_clock()


def _deadline_rows(session, cal, n: int, today: dt.date, offset: int, limit: int) -> list[DeadlineRow]:
    # completion order is deadline order (a later completion never has an earlier deadline), so
    # pages follow one another without overlap: deadline, then completion date, then sample id
    q = (
        select(_S.c.id, _S.c.number, _T.c.number, _S.c.product_name, _S.c.completed_date, _S.c.problems_found)
        .join(_T, _T.c.id == _S.c.task_id)
        .where(*_open_clock())
        .order_by(_S.c.completed_date, _S.c.id)
        .offset(offset)
        .limit(limit)
    )
    rows = []
    for sid, number, task_number, product, completed, problems in session.execute(q):
        d = cal.deadline(completed, n)
        left = cal.working_days_left(d.deadline, today)
        rows.append(DeadlineRow(sid, number, task_number, product, completed, d.deadline, left, d.provisional,
                                clock_state(left, not calendar_rules.is_on_time(d.deadline, today)), bool(problems)))
    return rows


def deadline_page(ctx: Context, offset: int, limit: int | None = None, today: dt.date | None = None
                  ) -> list[DeadlineRow]:
    """Rows ``offset`` … ``offset + limit - 1`` (a :data:`PAGE` by default) of the board's deadline
    list (the list pages lazily)."""
    today = today or clock.today()
    limit = PAGE if limit is None else limit
    with ctx.reader() as unit:
        session = unit.conn
        n = int(get_setting(session, "deadline_working_days") or 5)
        return _deadline_rows(session, calendar_for(session), n, today, max(0, offset), max(0, limit))


def _awaiting_notification(session) -> int:
    """Problem samples whose report is issued and no notice of which was sent: the rows of the
    trigger-kept ``notice_backlog`` (the open ones only), or, in a database without it, the same
    count from the samples and notices (which reads every problem sample of the history)."""
    if notice_backlog.ready(session):
        return session.scalar(select(func.count()).select_from(table(notice_backlog.TABLE))) or 0
    notified = select(_N.c.id).where(_N.c.sample_id == _S.c.id, _N.c.sent_date.is_not(None))
    return session.scalar(
        select(func.count()).select_from(_S).where(
            _S.c.problems_found.is_(True),
            _S.c.status.in_(("approved", "reported")),
            ~notified.exists(),
        )
    ) or 0


def load_board(ctx: Context, today: dt.date | None = None, limit: int | None = None) -> Board:
    """The board, with the first ``limit`` (a :data:`PAGE`) rows of the deadline list."""
    today = today or clock.today()
    limit = PAGE if limit is None else limit
    with ctx.reader() as unit:
        session = unit.conn
        cal = calendar_for(session)
        n = int(get_setting(session, "deadline_working_days") or 5)
        rows = _deadline_rows(session, cal, n, today, 0, limit)
        open_total = session.scalar(select(func.count()).select_from(_S).where(*_open_clock())) or 0
        overdue_total = 0
        if open_total:
            overdue_before = deadline_bounds(cal, n, today).due_soon_from
            overdue_total = session.scalar(
                select(func.count()).select_from(_S).where(*_open_clock(), _S.c.completed_date < overdue_before)
            ) or 0
        counts = session.execute(
            select(
                _T.c.id,
                _T.c.number,
                _T.c.title,
                _T.c.batches_planned,
                func.count(_S.c.id),
                func.coalesce(func.sum(case((_S.c.problems_found.is_(True), 1), else_=0)), 0),
            )
            .select_from(_T)
            .outerjoin(_S, _S.c.task_id == _T.c.id)
            .where(_T.c.status.in_(("draft", "active")))
            .group_by(_T.c.id, _T.c.number, _T.c.title, _T.c.batches_planned)
            .order_by(_T.c.number)
        ).all()
        tasks = tuple(TaskCount(t, num, title, planned or 0, sampled, int(bad)) for t, num, title, planned, sampled, bad in counts)
        awaiting = _awaiting_notification(session)
        hazards = session.scalar(
            select(func.count()).select_from(_H).where(_H.c.status == "draft")
        ) or 0
        pending = tuple(pending_hazards(session))
        failed, attention = session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((_O.c.next_attempt_at.is_(None), 1), else_=0)), 0),
            ).where(_O.c.state == "failed")
        ).one()
    return Board(today, tuple(rows), tasks, int(awaiting), int(hazards), int(failed or 0), int(attention or 0),
                 pending, int(open_total), int(overdue_total))
