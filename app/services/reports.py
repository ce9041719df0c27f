"""检验报告: compile → review → approve (编制/审核/批准), amendments, and reporting to the regulator.

Nobody approves or reviews a report they compiled; review and approval need the signer's password
again. An approved result is never edited in place: an amendment keeps the original and the
reason, and a new report replaces the old one (ISO/IEC 17025 7.8.8).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.errors import PermissionDenied, ValidationError
from app.services import deliverables
from app.services._common import check_version, get_or_404
from app.services.context import Context
from app.services.hazard import hazard_banner
from app.services.records import REPORT_STATUS_LABELS
from app.services.records import current_report as _current_report
from app.services.testing import (
    PanelInfo,
    ResultsGrid,
    SampleClock,
    _apply_result,
    _clock,
    _grid,
    _has_approved_report,
    _panel_info,
    _parties,
    general_warnings,
)
from app.services.users import signer_in
from app.store.models import ItemResult, Report, ResultAmendment, Sample, User
from app.store.queries import get_setting
from app.store.queries import next_sequence as next_value
from app.store.types import utcnow

RETURN_MARK = "报告退回："  # the line a reviewer's return comment is kept on in the sample's notes


@dataclass(frozen=True)
class ReportInfo:
    id: int
    version: int
    kind: str
    number: str
    status: str
    sample_id: int | None
    sample_number: str
    task_id: int | None
    compiled_by: str
    compiled_at: dt.datetime | None
    reviewed_by: str
    reviewed_at: dt.datetime | None
    approved_by: str
    approved_at: dt.datetime | None
    replaces_number: str
    amendment_reason: str
    compiled_by_id: int | None = None
    reviewed_by_id: int | None = None
    approved_by_id: int | None = None
    return_comment: str = ""  # the reviewer's, while the report is back with its compiler
    has_pdf: bool = False  # the issued PDF is stored (frozen)


def _name(session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    u = session.get(User, user_id)
    return u.display_name if u else ""


def _info(session, r: Report) -> ReportInfo:
    return ReportInfo(
        id=r.id,
        version=r.version,
        kind=r.kind,
        number=r.number,
        status=r.status,
        sample_id=r.sample_id,
        sample_number=r.sample.number if r.sample else "",
        task_id=r.task_id,
        compiled_by=_name(session, r.compiled_by_id),
        compiled_at=r.compiled_at,
        reviewed_by=_name(session, r.reviewed_by_id),
        reviewed_at=r.reviewed_at,
        approved_by=_name(session, r.approved_by_id),
        approved_at=r.approved_at,
        replaces_number=r.replaces.number if r.replaces else "",
        amendment_reason=r.amendment_reason or "",
        compiled_by_id=r.compiled_by_id,
        reviewed_by_id=r.reviewed_by_id,
        approved_by_id=r.approved_by_id,
        return_comment=(r.return_comment or "") if r.status == "draft" else "",
        has_pdf=r.file_sha256 is not None,
    )


def _report_number(session, on: dt.date) -> str:
    pattern = str(get_setting(session, "report_number_pattern"))
    seq = next_value(session, f"report:{on.year}")
    try:
        return pattern.format(year=on.year, month=on.month, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(f"报告编号规则“{pattern}”无效。") from exc


def compile_report(ctx: Context, sample_id: int, version: int) -> ReportInfo:
    """编制: the sample's initial monitoring is complete; draw the report number."""
    ctx.require("technician", action="编制报告")
    with ctx.uow() as uow:
        s = uow.session.get(Sample, sample_id)
        check_version(s, version, "该样品")
        if s.status != "completed":
            raise ValidationError("只有已完成初次风险监测的样品才能编制报告。")
        previous = uow.session.scalar(
            select(Report)
            .where(Report.sample_id == sample_id, Report.kind == "test", Report.status == "approved")
            .order_by(Report.id.desc())
        )
        draft = uow.session.scalar(
            select(Report).where(
                Report.sample_id == sample_id, Report.kind == "test", Report.status.in_(("draft", "compiled"))
            )
        )
        report = draft or Report(kind="test", sample_id=s.id, task_id=s.task_id,
                                 number=_report_number(uow.session, dt.date.today()))
        if previous is not None and report.replaces_id is None:
            report.replaces_id = previous.id
            reasons = [
                a.reason
                for res in s.results
                for a in res.amendments
                if previous.approved_at is None or a.amended_at >= previous.approved_at
            ]
            report.amendment_reason = "；".join(dict.fromkeys(reasons)) or None
        report.status = "compiled"
        report.compiled_by_id, report.compiled_at = ctx.user.id, utcnow()
        report.reviewed_by_id = report.reviewed_at = report.approved_by_id = report.approved_at = None
        uow.session.add(report)
        s.status = "compiled"
        uow.session.flush()
        info = _info(uow.session, report)
        uow.commit()
    return info


def review_report(ctx: Context, report_id: int, version: int, password: str, *, accept: bool = True,
                  comment: str = "") -> ReportInfo:
    """审核, or return to the compiler with a comment."""
    ctx.require("reviewer", action="审核报告")
    with ctx.uow() as uow:
        r = uow.session.get(Report, report_id)
        check_version(r, version, "该报告")
        if r.status != "compiled":
            raise ValidationError(f"报告当前状态为“{REPORT_STATUS_LABELS[r.status]}”，不能审核。")
        if r.compiled_by_id == ctx.user.id:
            raise PermissionDenied("不能审核自己编制的报告。")
        signer_in(uow.session, ctx, "reviewer", password)  # the roles and password as the database has them now
        if accept:
            r.status = "reviewed"
            r.reviewed_by_id, r.reviewed_at = ctx.user.id, utcnow()
            if r.sample is not None:
                r.sample.status = "reviewed"
        else:
            if not comment.strip():
                raise ValidationError({"comment": "退回报告时请写明意见。"})
            r.status = "draft"
            r.return_comment = comment.strip()
            if r.sample is not None:
                r.sample.status = "completed"
                r.sample.notes = ((r.sample.notes or "") + f"\n{RETURN_MARK}{comment.strip()}").strip()
        uow.session.flush()
        info = _info(uow.session, r)
        uow.commit()
    return info


def approve_report(ctx: Context, report_id: int, version: int, password: str, *,
                   issue_notices: bool = False) -> ReportInfo:
    """批准 by an authorised signatory who did not compile it; the report it replaces is superseded.

    In the same transaction the report's PDF is frozen and its upload queued
    (:func:`app.services.deliverables.on_approved`); with ``issue_notices`` a test report that
    found problems also issues the sample's notices, which then travel in the report's upload."""
    ctx.require("signatory", action="批准报告")
    with ctx.uow() as uow:
        r = uow.session.get(Report, report_id)
        check_version(r, version, "该报告")
        if r.status != "reviewed":
            raise ValidationError(f"报告当前状态为“{REPORT_STATUS_LABELS[r.status]}”，须先审核再批准。")
        if r.compiled_by_id == ctx.user.id:
            raise PermissionDenied("不能批准自己编制的报告。")
        signer_in(uow.session, ctx, "signatory", password)  # the roles and password as the database has them now
        with uow.session.no_autoflush:  # the approval and its frozen PDF are written as one change
            r.status = "approved"
            r.approved_by_id, r.approved_at = ctx.user.id, utcnow()
            if r.replaces is not None:
                r.replaces.status = "superseded"
            if r.sample is not None:
                r.sample.status = "reported" if r.sample.reported_date else "approved"
            deliverables.on_approved(uow.session, r, issue_notices=issue_notices)
        uow.session.flush()
        info = _info(uow.session, r)
        uow.commit()
    return info


def mark_reported(ctx: Context, sample_id: int, version: int, reported: dt.date) -> None:
    """The results went to the organising regulator (Article 18 ¶1): stops the clock."""
    ctx.require("technician", "reviewer", "signatory", action="登记报送日期")
    with ctx.uow() as uow:
        s = uow.session.get(Sample, sample_id)
        check_version(s, version, "该样品")
        if s.completed_date is None:
            raise ValidationError("样品尚未完成初次风险监测。")
        if reported < s.completed_date:
            raise ValidationError({"reported_date": "报送日期不能早于完成日期。"})
        if reported > dt.date.today():
            raise ValidationError({"reported_date": "报送日期不能晚于今天。"})
        s.reported_date = reported
        if s.status == "approved":
            s.status = "reported"
        uow.commit()


def list_reports(ctx: Context, *, sample_id: int | None = None, task_id: int | None = None,
                 status: str | None = None) -> list[ReportInfo]:
    with ctx.uow() as uow:
        q = select(Report).order_by(Report.id.desc())
        if sample_id is not None:
            q = q.where(Report.sample_id == sample_id)
        if task_id is not None:
            q = q.where(Report.task_id == task_id)
        if status is not None:
            q = q.where(Report.status == status)
        return [_info(uow.session, r) for r in uow.session.scalars(q)]


def get_report(ctx: Context, report_id: int) -> ReportInfo:
    with ctx.uow() as uow:
        return _info(uow.session, get_or_404(uow.session, Report, report_id, "该报告"))


# ----------------------------------------------------------------------------------- amendments
@dataclass(frozen=True)
class AmendmentInfo:
    id: int
    item: str
    original: dict
    amended: dict
    reason: str
    amended_by: str
    amended_at: dt.datetime


# an approved result is amended while its sample waits for (or has) its replacement report compiled
AMENDABLE = ("completed", "approved", "reported")


def _snapshot(r: ItemResult) -> dict:
    return {
        "value_text": r.value_text,
        "unit": r.unit,
        "judgement": r.judgement,
        "judgement_reason": r.judgement_reason,
    }


def amend_result(ctx: Context, result_id: int, version: int, *, value_text: str, unit: str = "",
                 judgement: str | None = None, reason: str = "", amendment_reason: str) -> AmendmentInfo:
    """更正 an approved result: the original is kept with the reason; the report must be re-issued."""
    ctx.require("technician", action="更正检验结果")
    if not amendment_reason.strip():
        raise ValidationError({"amendment_reason": "请写明更正原因。"})
    with ctx.uow() as uow:
        r = uow.session.get(ItemResult, result_id)
        check_version(r, version, "该检验结果")
        s = r.sample
        if not _has_approved_report(uow.session, s.id):
            raise ValidationError("只有已批准的结果才需要更正；未批准的结果可直接修改。")
        if s.status not in AMENDABLE:
            raise ValidationError("替代报告正在审核或批准中：请先由审核人退回该报告，再更正结果。")
        original = _snapshot(r)
        _apply_result(r, value_text=value_text, unit=unit, judgement=judgement, reason=reason)
        amended = _snapshot(r)
        if amended == original:
            raise ValidationError("更正后的结果与原结果相同。")
        a = ResultAmendment(result_id=r.id, original=original, amended=amended, reason=amendment_reason.strip(),
                            amended_by_id=ctx.user.id)
        uow.session.add(a)
        s.problems_found = any(x.judgement == "fail" for x in s.results)
        s.status = "completed"  # a new report replacing the approved one must be compiled
        current = _current_report(uow.session, s.id)
        if current is not None and current.status == "approved":
            s.notes = ((s.notes or "") + f"\n结果更正：{amendment_reason.strip()}").strip()
        uow.session.flush()
        info = AmendmentInfo(a.id, r.item, original, amended, a.reason, ctx.user.display_name, a.amended_at)
        uow.commit()
    return info


def list_amendments(ctx: Context, sample_id: int) -> list[AmendmentInfo]:
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        out = []
        for r in s.results:
            for a in r.amendments:
                out.append(AmendmentInfo(a.id, r.item, a.original, a.amended, a.reason,
                                         _name(uow.session, a.amended_by_id), a.amended_at))
        return out



# ----------------------------------------------------------------------------------- the testing page
@dataclass(frozen=True)
class SampleWork:
    """Everything the 检验与判定 page shows of one sample, read in one unit of work."""

    grid: ResultsGrid
    task_number: str
    place_type: str
    parties: tuple[str, ...]  # sampled party, nominal producer, platform operator (Article 5 conflicts)
    clock: SampleClock | None
    report: ReportInfo | None  # the current test report (not superseded), if any
    reports: tuple[ReportInfo, ...]  # every test report of the sample, newest first
    has_approved_report: bool  # results were issued: changes are amendments
    amendments: tuple[AmendmentInfo, ...]
    panels: tuple[PanelInfo, ...]
    reported_date: dt.date | None
    major_hazard: bool
    major_hazard_note: str
    major_hazard_reported_at: dt.datetime | None
    return_comment: str  # the reviewer's comment when the report was returned to its compiler
    #: the latest major-hazard record in one line: what was sent, to whom, how, the receipt
    hazard_summary: str = ""

    @property
    def sample_id(self) -> int:
        return self.grid.sample_id

    @property
    def status(self) -> str:
        return self.grid.status


def sample_work(ctx: Context, sample_id: int, today: dt.date | None = None) -> SampleWork:
    with ctx.uow() as uow:
        session = uow.session
        s = get_or_404(session, Sample, sample_id, "该样品")
        grid = _grid(session, s, general_warnings(session, s))
        history = [
            _info(session, r)
            for r in session.scalars(
                select(Report).where(Report.sample_id == s.id, Report.kind == "test").order_by(Report.id.desc())
            )
        ]
        current = next((r for r in history if r.status != "superseded"), None)
        amendments = tuple(
            AmendmentInfo(a.id, r.item, a.original, a.amended, a.reason, _name(session, a.amended_by_id), a.amended_at)
            for r in s.results
            for a in r.amendments
        )
        returned = ""
        if current is not None and current.status == "draft":
            marks = [line for line in (s.notes or "").splitlines() if line.startswith(RETURN_MARK)]
            returned = marks[-1][len(RETURN_MARK):] if marks else ""
        panels = tuple(
            _panel_info(ev, next((x.judgement or "" for x in s.results if x.item == ev.item), ""), s.number,
                        s.product_name, _name(session, ev.created_by_id))
            for ev in s.panel_evaluations
        )
        return SampleWork(
            grid=grid,
            task_number=s.task.number if s.task else "",
            place_type=s.place_type,
            parties=tuple(_parties(s)),
            clock=_clock(session, s, today or dt.date.today()),
            report=current,
            reports=tuple(history),
            has_approved_report=any(r.status == "approved" for r in history),
            amendments=tuple(sorted(amendments, key=lambda a: (a.amended_at, a.id), reverse=True)),
            panels=panels,
            reported_date=s.reported_date,
            major_hazard=bool(s.major_hazard),
            major_hazard_note=s.major_hazard_note or "",
            major_hazard_reported_at=s.major_hazard_reported_at,
            return_comment=returned,
            hazard_summary=hazard_banner(session, s.id),
        )
