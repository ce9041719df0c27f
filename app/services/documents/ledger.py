"""样品台账 of a task."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.documents.data import (
    LedgerRow,
    PlaceType,
)
from app.errors import ValidationError
from app.services._common import get_or_404
from app.services.calendar import calendar_for
from app.services.context import Context
from app.services.documents._common import _report_numbers
from app.services.documents.package import _approved_samples
from app.services.documents.test_report import _test_report
from app.services.publication import export_mark
from app.services.records import amendment_states
from app.services.sample_list import STATUS_LABELS as SAMPLE_STATUS_LABELS
from app.store.models import (
    MonitoringTask,
    Notification,
    Report,
    Sample,
)
from app.store.queries import get_setting, lab_today


def _ledger(session: Session, task: MonitoringTask, today: dt.date | None = None) -> list[LedgerRow]:
    samples = list(session.scalars(
        select(Sample).where(Sample.task_id == task.id).order_by(Sample.number)
        .options(selectinload(Sample.results), selectinload(Sample.sampled_party),
                 selectinload(Sample.nominal_producer), selectinload(Sample.platform_operator))
    ))
    ids = {s.id for s in samples}
    numbers = _report_numbers(session, ids)
    # 告知单位数: the notices issued for the sample's report in force (a replaced report's letters were
    # issued again with its amendment), and how many of them were delivered
    issued: Counter[int] = Counter()
    delivered: Counter[int] = Counter()
    if ids:
        for sid, n, n_sent in session.execute(
            select(Notification.sample_id, func.count(Notification.id), func.count(Notification.sent_date))
            .outerjoin(Report, Report.id == Notification.report_id)
            .where(Notification.sample_id.in_(ids), Notification.issued_at.is_not(None),
                   or_(Notification.report_id.is_(None), Report.status != "superseded"))
            .group_by(Notification.sample_id)
        ):
            issued[sid], delivered[sid] = int(n), int(n_sent)
    notes = amendment_states(session, ids)  # an issued report amended: the ledger says so
    cal = calendar_for(session)
    days = int(get_setting(session, "deadline_working_days") or 5)
    rows = []
    for s in samples:
        deadline = None
        provisional = False
        if s.completed_date is not None:
            d = cal.deadline(s.completed_date, days)
            deadline, provisional = d.deadline, d.provisional
        done = s.completed_date is not None
        rows.append(LedgerRow(
            sample_number=s.number,
            task_number=task.number,
            product_name=s.product_name,
            place_type=PlaceType(s.place_type),
            sampled_name=s.sampled_party.name if s.sampled_party else "",
            sampling_date=s.sampling_date,
            brand=s.brand or "",
            model_spec=s.model_spec or "",
            batch_number=s.batch_number or "",
            sampled_uscc=(s.sampled_party.uscc or "") if s.sampled_party else "",
            nominal_producer_name=s.nominal_producer.name if s.nominal_producer else "",
            platform_operator_name=s.platform_operator.name if s.platform_operator else "",
            shop_name=s.shop_name or "",
            received_date=s.received_date,
            status=SAMPLE_STATUS_LABELS.get(s.status, s.status) + (f"（{notes[s.id]}）" if s.id in notes else ""),
            completed_date=s.completed_date,
            deadline=deadline,
            deadline_provisional=provisional,
            reported_date=s.reported_date,
            report_number=numbers.get(s.id, ""),
            problems_found=bool(s.problems_found) if done else None,
            failed_items=tuple(r.item for r in s.results if r.judgement == "fail") if done else (),
            notified_parties=issued[s.id],
            delivered_parties=delivered[s.id],
            remarks="重大质量安全风险隐患" if s.major_hazard else "",
            as_of=today,
        ))
    return rows


def ledger_rows(ctx: Context, task_id: int, *, today: dt.date | None = None) -> list[LedgerRow]:
    """样品台账 of a task, in sample-number order, as of ``today`` (the lab's today by default): a
    sample whose reporting deadline passed without a report is marked late."""
    with ctx.uow() as uow:
        today = today or lab_today(uow.session)
        return _ledger(uow.session, get_or_404(uow.session, MonitoringTask, task_id, "该任务"), today)


def write_ledger(ctx: Context, task_id: int, path: str | Path, *, public: bool = False) -> Path:
    """The ledger as .xlsx, marked 内部资料 注意保密 with Article 8 on every printed page; ``public``
    (a publication-ready copy naming the consent instead) only for a task with a 公开同意 record."""
    # deferred: openpyxl loads only when a spreadsheet is written
    from app.documents.excel import write_sample_ledger

    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        mark = export_mark(uow.session, task, "样品台账", public=public)
        rows = _ledger(uow.session, task, lab_today(uow.session))
    return write_sample_ledger(rows, path, title=mark.title, confidential=mark.confidential, note=mark.consent)


def write_results(ctx: Context, task_id: int, path: str | Path, *, public: bool = False) -> Path:
    """检验结果汇总 of the task's approved test reports (one row per item), marked as :func:`write_ledger`."""
    # deferred: openpyxl loads only when a spreadsheet is written
    from app.documents.excel import write_results as write_results_xlsx

    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        mark = export_mark(uow.session, task, "检验结果汇总", public=public)
        reports = [_test_report(uow.session, s, r) for s, r in _approved_samples(uow.session, task.id)]
        if not reports:
            raise ValidationError(f"任务 {task.number} 还没有已批准的检验报告，没有可导出的检验结果。")
    return write_results_xlsx(reports, path, title=mark.title, confidential=mark.confidential, note=mark.consent)
