"""风险监测分析报告 as a record (Article 18 ¶1): compile → review → approve, like a test report.

Compiling freezes a snapshot of the task as it stands — its *approved* results, the notices
actually issued and the saved risk-level proposal — so the reviewer and the signatory sign what
was compiled, whatever happens to the task afterwards. Review and approval are
:func:`app.services.reports.review_report` / :func:`~app.services.reports.approve_report` (the
same people rules and re-authentication as a test report); approval freezes the PDF and queues
the upload. A change after approval is a new analysis report that replaces the approved one
(the original is kept, with the reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.documents.codec import snapshot
from app.errors import ValidationError
from app.services import permissions
from app.services._common import check_version, get_or_404
from app.services.context import Context
from app.services.documents.analysis import compute_analysis
from app.services.records import REPORT_STATUS_LABELS, current_analysis
from app.services.reports import ReportInfo, _info
from app.store.models import MonitoringTask, Report
from app.store.types import utcnow

ANALYSIS_NUMBER = "{task}-FX"  # 分析报告编号; amendments add -2, -3 …


@dataclass(frozen=True)
class AnalysisWork:
    """What the reports page shows of a task's analysis report."""

    task_id: int
    task_number: str
    approved_reports: int  # approved test reports in force: what a compile would count
    current: ReportInfo | None  # the analysis report in force or in progress
    history: tuple[ReportInfo, ...]  # every analysis report of the task, newest first
    can_compile: bool
    compile_reason: str  # why not, in Chinese ("" when it can)
    needs_reason: bool  # compiling now replaces an approved report: a reason is required
    #: compile / review / return / approve for the user who asked
    #: (:func:`app.services.permissions.analysis_report_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def status_label(self) -> str:
        return REPORT_STATUS_LABELS.get(self.current.status, "") if self.current else "未编制"


def _allowed(user, current: Report | None, why: str) -> permissions.Allowed:
    return permissions.analysis_report_actions(
        user, status=current.status if current is not None else None,
        compiled_by_id=current.compiled_by_id if current is not None else None, compile_refusal=why)


def _approved_count(session, task_id: int) -> int:
    return int(session.scalar(
        select(func.count(Report.id)).where(Report.task_id == task_id, Report.kind == "test",
                                            Report.status == "approved")
    ) or 0)


def _compile_state(session, task: MonitoringTask) -> tuple[bool, str, bool, Report | None]:
    current = current_analysis(session, task.id)
    if _approved_count(session, task.id) == 0:
        return False, f"任务 {task.number} 还没有已批准的检验报告，不能编制分析报告。", False, current
    if current is not None and current.status == "reviewed":
        return False, f"分析报告 {current.number} 已审核，正等待批准；不能重新编制。", False, current
    return True, "", current is not None and current.status == "approved", current


def task_analysis(ctx: Context, task_id: int) -> AnalysisWork:
    with ctx.uow() as uow:
        s = uow.session
        task = get_or_404(s, MonitoringTask, task_id, "该任务")
        can, why, needs_reason, current = _compile_state(s, task)
        history = tuple(_info(s, r) for r in s.scalars(
            select(Report).where(Report.task_id == task.id, Report.kind == "analysis").order_by(Report.id.desc())))
        return AnalysisWork(task.id, task.number, _approved_count(s, task.id),
                            _info(s, current) if current is not None else None, history, can, why, needs_reason,
                            allowed_actions=_allowed(ctx.user, current, why))


def _number(session, task: MonitoringTask) -> str:
    base = ANALYSIS_NUMBER.format(task=task.number)
    n = int(session.scalar(select(func.count(Report.id)).where(Report.task_id == task.id,
                                                               Report.kind == "analysis")) or 0)
    number = base if n == 0 else f"{base}-{n + 1}"
    while session.scalar(select(Report.id).where(Report.number == number)) is not None:
        n += 1
        number = f"{base}-{n + 1}"
    return number


def compile_analysis(ctx: Context, task_id: int, version: int | None = None, *, reason: str = "",
                     today: dt.date | None = None) -> ReportInfo:
    """编制 the task's analysis report: freeze what the task's approved results, issued notices
    and saved risk-level proposal say now. ``version`` is the current analysis report's, when
    there is one (a stale page gets a conflict). Compiling again before approval refreshes the
    snapshot; after approval it starts a replacing report and needs ``reason``."""
    _allowed(ctx.user, None, "").require("compile")  # the role, before anything is read
    with ctx.uow() as uow:
        s = uow.session
        task = get_or_404(s, MonitoringTask, task_id, "该任务")
        can, why, needs_reason, current = _compile_state(s, task)
        if current is not None:
            check_version(current, version, "该分析报告")
        _allowed(ctx.user, current, why).require("compile")
        if needs_reason and not reason.strip():
            raise ValidationError({"reason": f"分析报告 {current.number} 已批准：重新编制将替代它，请写明更正原因。"})
        if current is None or current.status == "approved":
            report = Report(kind="analysis", task_id=task.id, number=_number(s, task))
            if current is not None:
                report.replaces_id = current.id
                report.amendment_reason = reason.strip()
            s.add(report)
        else:
            report = current
        report.snapshot = snapshot(compute_analysis(s, task, today))
        report.status = "compiled"
        report.compiled_by_id, report.compiled_at = ctx.user.id, utcnow()
        report.reviewed_by_id = report.reviewed_at = report.approved_by_id = report.approved_at = None
        report.return_comment = None
        s.flush()
        info = _info(s, report)
        uow.commit()
    return info
