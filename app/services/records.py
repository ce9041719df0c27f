"""Report records as the other services read them: the current report of a sample or a task.

The lowest of the report modules: ``reports`` (the workflow), ``documents`` (the documents) and
``deliverables`` (freezing and queuing) all read reports through these functions, so none of them
needs to import another in a circle.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import Report

REPORT_STATUS_LABELS = {
    "draft": "草稿",
    "compiled": "已编制",
    "reviewed": "已审核",
    "approved": "已批准",
    "superseded": "已被替代",
}


def current_report(session: Session, sample_id: int) -> Report | None:
    """The sample's test report in force or in progress (the newest that is not superseded)."""
    return session.scalar(
        select(Report)
        .where(Report.sample_id == sample_id, Report.kind == "test", Report.status != "superseded")
        .order_by(Report.id.desc())
        .limit(1)
    )


def current_analysis(session: Session, task_id: int) -> Report | None:
    """The task's analysis report in force or in progress (the newest that is not superseded)."""
    return session.scalar(
        select(Report)
        .where(Report.task_id == task_id, Report.kind == "analysis", Report.status != "superseded")
        .order_by(Report.id.desc())
        .limit(1)
    )


def approved_analysis(session: Session, task_id: int) -> Report | None:
    """The task's analysis report in force: the newest approved one."""
    return session.scalar(
        select(Report)
        .where(Report.task_id == task_id, Report.kind == "analysis", Report.status == "approved")
        .order_by(Report.id.desc())
        .limit(1)
    )
