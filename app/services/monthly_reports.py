"""风险信息月报 as an issued record (Article 11: 风险信息报送实行月报制).

Compiling freezes the month's risk-information register (a snapshot of its entries, with their
即时报送); review and approval are :func:`app.services.reports.review_report` /
:func:`~app.services.reports.approve_report` — different people, the signer's password again —
and approval freezes the PDF and the Excel workbook. Each sending (报送: date, recipient, method,
receipt) is a :class:`~app.store.models.ReportSubmission`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.documents.codec import snapshot, to_plain
from app.documents.flow import fmt_date
from app.errors import ValidationError
from app.fileio import atomic_write_bytes
from app.services import permissions
from app.services._common import check_version, get_or_404
from app.services.context import Context
from app.services.documents._common import MONTHLY_REPORTED_TO, _local_date, _tz
from app.services.documents.monthly import (
    MONTHLY_NUMBER,
    _entries,
    check_month,
    compute_monthly,
    current_monthly,
    monthly_from_record,
)
from app.services.records import REPORT_STATUS_LABELS
from app.services.reports import ReportInfo, _info, _name
from app.store import audit
from app.store.models import Report, ReportSubmission
from app.store.queries import lab_today
from app.store.types import utcnow

#: why a monthly report compiled before migration 0010 went back to its compiler
RECOMPILE_NOTE = "升级后须重新编制：编制时冻结当月风险信息登记。"


def upgrade_0010(connection: Any) -> None:
    """Data step of migration 0010, in its transaction: a monthly report compiled or reviewed before
    this revision froze nothing to sign, so it goes back to its compiler to be compiled again."""
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(bind=connection, autoflush=False, join_transaction_mode="rollback_only")
    audit.install(factory)
    session = factory()
    session.info["actor"] = "migration:0010"
    try:
        for r in session.scalars(select(Report).where(Report.kind == "monthly",
                                                      Report.status.in_(("compiled", "reviewed")))):
            if r.snapshot is None:
                r.status = "draft"
                r.reviewed_by_id = r.reviewed_at = None
                r.return_comment = RECOMPILE_NOTE
        session.flush()
    finally:
        session.close()


# --------------------------------------------------------------------------------------------
# The workflow
# --------------------------------------------------------------------------------------------

SUBMISSION_METHOD_LABELS = {"upload": "上传省级系统", "email": "电子邮件", "post": "邮寄", "hand": "当面送达",
                            "other": "其他"}


@dataclass(frozen=True)
class SubmissionInfo:
    """One 报送 of an issued monthly report."""

    id: int
    version: int
    report_number: str
    submitted_on: dt.date
    recipient: str
    method: str
    receipt: str
    note: str
    recorded_by: str

    @property
    def method_label(self) -> str:
        return SUBMISSION_METHOD_LABELS.get(self.method, self.method)

    @property
    def text(self) -> str:
        """``2026年12月3日 以电子邮件报送湖北省市场监督管理局，回执：…``"""
        receipt = f"，回执：{self.receipt}" if self.receipt else "，回执未记录"
        return f"{fmt_date(self.submitted_on)} 以{self.method_label}报送{self.recipient}{receipt}"


@dataclass(frozen=True)
class MonthlyWork:
    """What the reports page shows of one month's report."""

    year: int
    month: int
    register_entries: int  # the month's register entries now
    current: ReportInfo | None  # the month's report in force or in progress
    history: tuple[ReportInfo, ...]  # every report of the month, newest first
    submissions: tuple[SubmissionInfo, ...]  # 报送 of the report in force, oldest first
    can_compile: bool
    compile_reason: str  # why not, in Chinese ("" when it can)
    needs_reason: bool  # compiling now replaces an approved report: a reason is required
    compiled_entries: int | None = None  # entries frozen in the current report
    register_changed: bool = False  # the register has changed since the current report was compiled
    default_recipient: str = ""
    #: compile / review / return / approve / submit for the user who asked
    #: (:func:`app.services.permissions.monthly_report_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def status_label(self) -> str:
        return REPORT_STATUS_LABELS.get(self.current.status, "") if self.current else "未编制"

    @property
    def can_submit(self) -> bool:
        return self.current is not None and self.current.status == "approved"


def _period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _allowed(user, current: Report | None, why: str) -> permissions.Allowed:
    return permissions.monthly_report_actions(
        user, status=current.status if current is not None else None,
        compiled_by_id=current.compiled_by_id if current is not None else None, compile_refusal=why,
        number=current.number if current is not None else "")


def _submission_info(session, s: ReportSubmission) -> SubmissionInfo:
    return SubmissionInfo(s.id, s.version, s.report.number, s.submitted_on, s.recipient, s.method,
                          s.receipt or "", s.note or "", _name(session, s.recorded_by_id))


def _compile_state(session, year: int, month: int, today: dt.date) -> tuple[bool, str, bool, Report | None]:
    current = current_monthly(session, year, month)
    if (year, month) > (today.year, today.month):
        return False, f"{year}年{month}月尚未到来，不能编制该月的风险信息月报。", False, current
    if current is not None and current.status == "reviewed":
        return False, f"月报 {current.number} 已审核，正等待批准；不能重新编制。", False, current
    return True, "", current is not None and current.status == "approved", current


def _frozen_entries(report: Report | None) -> list[Any] | None:
    if report is None or not isinstance(report.snapshot, dict):
        return None
    data = report.snapshot.get("data") or {}
    return list(data.get("entries") or [])


def month_work(ctx: Context, year: int, month: int, *, today: dt.date | None = None) -> MonthlyWork:
    """The month's report: where it stands, its history and its 报送 records, and whether it can be
    compiled now (a month still to come cannot)."""
    if not 1 <= month <= 12:
        raise ValidationError({"month": f"月份“{month}”无效，应为 1～12。"})
    with ctx.uow() as uow:
        s = uow.session
        today = today or lab_today(s)
        can, why, needs_reason, current = _compile_state(s, year, month, today)
        history = tuple(_info(s, r) for r in s.scalars(
            select(Report).where(Report.kind == "monthly", Report.period == _period(year, month))
            .order_by(Report.id.desc())))
        future = (year, month) > (today.year, today.month)
        entries = [] if future else _entries(s, year, month)
        frozen = _frozen_entries(current)
        changed = frozen is not None and frozen != to_plain(tuple(entries))
        submissions: tuple[SubmissionInfo, ...] = ()
        if current is not None and current.status == "approved":
            submissions = tuple(_submission_info(s, x) for x in current.submissions)
        return MonthlyWork(year, month, len(entries), _info(s, current) if current is not None else None, history,
                           submissions, can, why, needs_reason,
                           compiled_entries=len(frozen) if frozen is not None else None,
                           register_changed=changed, default_recipient=MONTHLY_REPORTED_TO,
                           allowed_actions=_allowed(ctx.user, current, why))


def _number(session, year: int, month: int) -> str:
    base = MONTHLY_NUMBER.format(year=year, month=month)
    n = int(session.scalar(select(func.count(Report.id)).where(Report.kind == "monthly",
                                                               Report.period == _period(year, month))) or 0)
    number = base if n == 0 else f"{base}-{n + 1}"
    while session.scalar(select(Report.id).where(Report.number == number)) is not None:
        n += 1
        number = f"{base}-{n + 1}"
    return number


def compile_monthly(ctx: Context, year: int, month: int, version: int | None = None, *, reason: str = "",
                    today: dt.date | None = None) -> ReportInfo:
    """填报 (编制) the month's report: freeze the month's risk-information register as it stands now
    (every entry with its 即时报送). ``version`` is the current report's, when there is one (a stale
    page gets a conflict). Compiling again before approval refreshes the snapshot; after approval
    it starts a replacing report and needs ``reason``. A month still to come is refused."""
    _allowed(ctx.user, None, "").require("compile")  # the role, before anything is read
    with ctx.uow() as uow:
        s = uow.session
        today = today or lab_today(s)
        check_month(year, month, today)
        can, why, needs_reason, current = _compile_state(s, year, month, today)
        if current is not None:
            check_version(current, version, "该月报")
        _allowed(ctx.user, current, why).require("compile")
        if needs_reason and not reason.strip():
            raise ValidationError({"reason": f"月报 {current.number} 已批准：重新编制将替代它，请写明更正原因。"})
        if current is None or current.status == "approved":
            report = Report(kind="monthly", period=_period(year, month), number=_number(s, year, month))
            if current is not None:
                report.replaces_id = current.id
                report.amendment_reason = reason.strip()
            s.add(report)
        else:
            report = current
        report.snapshot = snapshot(compute_monthly(s, year, month, today))
        report.status = "compiled"
        report.compiled_by_id, report.compiled_at = ctx.user.id, utcnow()
        report.reviewed_by_id = report.reviewed_at = report.approved_by_id = report.approved_at = None
        report.return_comment = None
        s.flush()
        info = _info(s, report)
        uow.commit()
    return info


def record_submission(ctx: Context, report_id: int, *, submitted_on: dt.date, recipient: str, method: str,
                      receipt: str = "", note: str = "", today: dt.date | None = None) -> SubmissionInfo:
    """报送: the approved monthly report went to ``recipient`` on ``submitted_on`` by ``method``, with
    the receipt (回执) when there is one. Every problem is reported before anything is written."""
    permissions.monthly_report_actions(ctx.user, status="approved").require("submit")  # the role first
    with ctx.uow() as uow:
        s = uow.session
        r = get_or_404(s, Report, report_id, "该月报")
        if r.kind != "monthly":
            raise ValidationError("该报告不是风险信息月报。")
        _allowed(ctx.user, r, "").require("submit")
        today = today or lab_today(s)
        errors: dict[str, str] = {}
        approved_on = _local_date(r.approved_at, _tz(s))
        if submitted_on is None:
            errors["submitted_on"] = "请填写报送日期。"
        elif submitted_on > today:
            errors["submitted_on"] = "报送日期不能晚于今天。"
        elif approved_on is not None and submitted_on < approved_on:
            errors["submitted_on"] = f"报送日期不能早于月报的批准日期（{approved_on:%Y-%m-%d}）。"
        if not recipient.strip():
            errors["recipient"] = "请填写报送对象（接收月报的部门）。"
        elif len(recipient.strip()) > 200:
            errors["recipient"] = "报送对象不能超过 200 个字。"
        if method not in SUBMISSION_METHOD_LABELS:
            errors["method"] = "请选择报送方式（上传省级系统、电子邮件、邮寄、当面送达或其他）。"
        if len(receipt.strip()) > 200:
            errors["receipt"] = "回执不能超过 200 个字。"
        if errors:
            raise ValidationError(errors)
        sub = ReportSubmission(report_id=r.id, submitted_on=submitted_on, recipient=recipient.strip(), method=method,
                               receipt=receipt.strip() or None, note=note.strip() or None, recorded_by_id=ctx.user.id)
        s.add(sub)
        s.flush()
        info = _submission_info(s, sub)
        uow.commit()
    return info


def report_pdf(ctx: Context, report_id: int) -> bytes:
    """One monthly report of the history: frozen bytes when approved, else rendered as recorded (草稿)."""
    # deferred: reportlab loads only when a PDF is made
    from app.documents.monthly import render_monthly

    with ctx.uow() as uow:
        report = get_or_404(uow.session, Report, report_id, "该月报")
        if report.kind != "monthly":
            raise ValidationError("该报告不是风险信息月报。")
        if report.pdf is not None and report.status in ("approved", "superseded"):
            return bytes(report.pdf)
        data = monthly_from_record(uow.session, report)
    return render_monthly(data)


def write_report(ctx: Context, report_id: int, path: str | Path) -> Path:
    """One monthly report as ``.pdf`` or ``.xlsx``: the frozen copy when approved, else the draft."""
    # deferred: reportlab loads only when the report is written
    from app.documents.monthly import write_monthly_excel

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValidationError("月报文件应以 .pdf 或 .xlsx 结尾。", field="out")
    if suffix == ".pdf":
        return atomic_write_bytes(path, report_pdf(ctx, report_id))
    with ctx.uow() as uow:
        report = get_or_404(uow.session, Report, report_id, "该月报")
        if report.kind != "monthly":
            raise ValidationError("该报告不是风险信息月报。")
        if report.workbook is not None and report.status in ("approved", "superseded"):
            return atomic_write_bytes(path, bytes(report.workbook))
        data = monthly_from_record(uow.session, report)
    return write_monthly_excel(data, path)
