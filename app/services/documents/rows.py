"""The reports page's rows: a task's samples with their current test report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from app.services import permissions
from app.services._common import get_or_404
from app.services.context import Context
from app.services.records import REPORT_STATUS_LABELS, amendment_states
from app.services.sample_list import STATUS_LABELS as SAMPLE_STATUS_LABELS
from app.store.models import (
    MonitoringTask,
    Report,
    Sample,
)


@dataclass(frozen=True)
class SampleReportRow:
    """One sample of a task as the reports page lists it."""

    sample_id: int
    sample_number: str
    product_name: str
    place_type: str
    status: str
    status_label: str
    report_id: int | None
    report_number: str
    report_status: str
    report_status_label: str
    problems_found: bool
    completed_date: dt.date | None
    #: an issued report amended, and where its replacement is (``原报告 R 已被更正，替代报告待编制``)
    state_note: str = ""
    report_version: int | None = None
    #: review / return / approve of the report for the user who asked (app.services.permissions)
    report_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def has_report(self) -> bool:
        return self.report_id is not None

    @property
    def approved(self) -> bool:
        return self.report_status == "approved"


def task_report_rows(ctx: Context, task_id: int) -> list[SampleReportRow]:
    """The task's samples with their current test report (number and status), in number order."""
    with ctx.uow() as uow:
        get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        samples = list(uow.session.execute(
            select(Sample.id, Sample.number, Sample.product_name, Sample.place_type, Sample.status,
                   Sample.problems_found, Sample.completed_date)
            .where(Sample.task_id == task_id).order_by(Sample.number)
        ).all())
        reports: dict[int, tuple[int, str, str]] = {}
        signing: dict[int, tuple[int, permissions.Allowed]] = {}
        if samples:
            for sid, rid, number, status, version, compiled_by in uow.session.execute(
                select(Report.sample_id, Report.id, Report.number, Report.status, Report.version,
                       Report.compiled_by_id)
                .join(Sample, Sample.id == Report.sample_id)
                .where(Sample.task_id == task_id, Report.kind == "test", Report.status != "superseded")
                .order_by(Report.id)
            ):
                reports[sid] = (rid, number, status)
                signing[sid] = (version, permissions.report_actions(ctx.user, status=status,
                                                                    compiled_by_id=compiled_by))
        notes = amendment_states(uow.session, reports)
    out = []
    for sid, number, product, place, status, problems, completed in samples:
        rid, rnumber, rstatus = reports.get(sid, (None, "", ""))
        note = notes.get(sid, "")
        label = SAMPLE_STATUS_LABELS.get(status, status)
        out.append(SampleReportRow(
            sample_id=sid, sample_number=number, product_name=product, place_type=place, status=status,
            status_label=f"{label}（{note}）" if note else label, report_id=rid, report_number=rnumber,
            report_status=rstatus, report_status_label=REPORT_STATUS_LABELS.get(rstatus, ""),
            problems_found=bool(problems) and completed is not None, completed_date=completed, state_note=note,
            report_version=signing[sid][0] if sid in signing else None,
            report_actions=signing[sid][1] if sid in signing else permissions.NONE,
        ))
    return out
