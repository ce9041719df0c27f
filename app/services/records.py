"""Report records as the other services read them: the current report of a sample or a task.

The lowest of the report modules: ``reports`` (the workflow), ``documents`` (the documents) and
``deliverables`` (freezing and queuing) all read reports through these functions, so none of them
needs to import another in a circle.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import ItemResult, Report, ResultAmendment

REPORT_STATUS_LABELS = {
    "draft": "草稿",
    "compiled": "已编制",
    "reviewed": "已审核",
    "approved": "已批准",
    "superseded": "已被替代",
}
AMENDMENT_STATUS_LABELS = {"pending": "待批准", "approved": "已批准", "rejected": "已退回"}
#: where a replacement report is, in the words of an amended sample's state
_REPLACEMENT_STEP = {"draft": "已退回编制人", "compiled": "待审核", "reviewed": "待批准"}


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


def amendment_states(session: Session, sample_ids) -> dict[int, str]:
    """What became of the issued report of each sample whose results are being amended, in words
    (only samples with something to say): ``原报告 R 已被更正，替代报告待编制``, ``… 替代报告 R2 待审核``,
    or ``结果更正待授权签字人批准``. One query for reports and one for amendments, whatever the count."""
    ids = sorted({int(i) for i in sample_ids})
    if not ids:
        return {}
    reports: dict[int, list[tuple[int, str, str, object]]] = {}
    # found by sample (its index); the kind is checked here: a condition on it in SQL let SQLite,
    # without statistics, read every test report of the lab through the kind index instead
    for sid, rid, number, status, approved_at, kind in session.execute(
        select(Report.sample_id, Report.id, Report.number, Report.status, Report.approved_at, Report.kind)
        .where(Report.sample_id.in_(ids)).order_by(Report.id)
    ):
        if kind == "test":
            reports.setdefault(sid, []).append((rid, number, status, approved_at))
    pending: set[int] = set()
    applied: dict[int, list[object]] = {}
    for sid, status, at in session.execute(
        select(ItemResult.sample_id, ResultAmendment.status, ResultAmendment.amended_at)
        .join(ItemResult, ItemResult.id == ResultAmendment.result_id)
        .where(ItemResult.sample_id.in_(ids), ResultAmendment.status.in_(("pending", "approved")))
    ):
        if status == "pending":
            pending.add(sid)
        else:
            applied.setdefault(sid, []).append(at)
    out: dict[int, str] = {}
    for sid, rows in reports.items():
        in_force = next((r for r in reversed(rows) if r[2] == "approved"), None)
        if in_force is None:
            continue
        rid, number, _status, approved_at = in_force
        amended = any(approved_at is None or at > approved_at for at in applied.get(sid, ()))
        parts = []
        if amended:
            replacement = next((r for r in reversed(rows) if r[0] > rid and r[2] in _REPLACEMENT_STEP), None)
            parts.append(f"原报告 {number} 已被更正，替代报告 {replacement[1]} {_REPLACEMENT_STEP[replacement[2]]}"
                         if replacement else f"原报告 {number} 已被更正，替代报告待编制")
        if sid in pending:
            parts.append("另有结果更正待授权签字人批准" if amended else
                         f"结果更正待授权签字人批准（原报告 {number} 仍有效）")
        if parts:
            out[sid] = "；".join(parts)
    return out


def replaced_by(session: Session, report_ids) -> dict[int, str]:
    """For superseded reports: ``已由 R2 替代`` (the number of the report that replaced each)."""
    ids = sorted({int(i) for i in report_ids})
    if not ids:
        return {}
    return {
        old: f"已由 {number} 替代"
        for old, number in session.execute(
            select(Report.replaces_id, Report.number)
            .where(Report.replaces_id.in_(ids), Report.status == "approved").order_by(Report.id)
        )
    }
