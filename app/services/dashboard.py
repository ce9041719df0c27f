"""工作台: the Article 18 clock for every sample whose initial monitoring is complete and whose
results have not yet been reported, and what awaits attention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.rules import calendar as calendar_rules
from app.rules.calendar import clock_state  # noqa: F401 - the dashboard's traffic light, defined with the rule
from app.services.calendar import calendar_for
from app.services.context import Context
from app.services.hazard import PendingHazard, pending_hazards
from app.store.models import HazardReport, MonitoringTask, Notification, Sample, SyncOutbox
from app.store.queries import get_setting


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

    @property
    def open_count(self) -> int:
        return len(self.rows)

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r.state == "overdue")


def load_board(ctx: Context, today: dt.date | None = None, limit: int = 500) -> Board:
    today = today or dt.date.today()
    with ctx.uow() as uow:
        session = uow.session
        cal = calendar_for(session)
        n = int(get_setting(session, "deadline_working_days") or 5)
        q = (
            select(Sample.id, Sample.number, MonitoringTask.number, Sample.product_name, Sample.completed_date,
                   Sample.problems_found)
            .join(MonitoringTask, MonitoringTask.id == Sample.task_id)
            .where(Sample.completed_date.is_not(None), Sample.reported_date.is_(None))
            .order_by(Sample.completed_date, Sample.id)
            .limit(limit)
        )
        rows = []
        for sid, number, task_number, product, completed, problems in session.execute(q):
            d = cal.deadline(completed, n)
            left = cal.working_days_left(d.deadline, today)
            rows.append(DeadlineRow(sid, number, task_number, product, completed, d.deadline, left, d.provisional,
                                    clock_state(left, not calendar_rules.is_on_time(d.deadline, today)), bool(problems)))
        rows.sort(key=lambda r: (r.deadline, r.sample_number))
        counts = session.execute(
            select(
                MonitoringTask.id,
                MonitoringTask.number,
                MonitoringTask.title,
                MonitoringTask.batches_planned,
                func.count(Sample.id),
                func.coalesce(func.sum(case((Sample.problems_found.is_(True), 1), else_=0)), 0),
            )
            .outerjoin(Sample, Sample.task_id == MonitoringTask.id)
            .where(MonitoringTask.status.in_(("draft", "active")))
            .group_by(MonitoringTask.id, MonitoringTask.number, MonitoringTask.title, MonitoringTask.batches_planned)
            .order_by(MonitoringTask.number)
        ).all()
        tasks = tuple(TaskCount(t, num, title, planned or 0, sampled, int(bad)) for t, num, title, planned, sampled, bad in counts)
        notified = select(Notification.sample_id).where(Notification.sent_date.is_not(None))
        awaiting = session.scalar(
            select(func.count()).select_from(Sample).where(
                Sample.problems_found.is_(True),
                Sample.status.in_(("approved", "reported")),
                Sample.id.not_in(notified),
            )
        ) or 0
        hazards = session.scalar(
            select(func.count()).select_from(HazardReport).where(HazardReport.status == "draft")
        ) or 0
        pending = tuple(pending_hazards(session))
        failed, attention = session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((SyncOutbox.next_attempt_at.is_(None), 1), else_=0)), 0),
            ).where(SyncOutbox.state == "failed")
        ).one()
    return Board(today, tuple(rows), tasks, int(awaiting), int(hazards), int(failed or 0), int(attention or 0),
                 pending)
