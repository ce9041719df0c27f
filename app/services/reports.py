"""检验报告: compile → review → approve (编制/审核/批准), amendments, and reporting to the regulator.

Nobody approves or reviews a report they compiled; review and approval need the signer's password
again. An approved result is never edited in place: an amendment keeps the original and the
reason, and a new report replaces the old one (ISO/IEC 17025 7.8.8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from app import clock
from app.errors import RiskmonError, ValidationError
from app.services import deliverables, permissions
from app.services._common import check_version, get_or_404
from app.services.context import Context
from app.services.hazard import hazard_banner
from app.services.records import AMENDMENT_STATUS_LABELS, REPORT_STATUS_LABELS, amendment_states, replaced_by
from app.services.records import current_report as _current_report
from app.services.testing import (
    PanelInfo,
    ResultsGrid,
    SampleClock,
    _apply_result,
    _clock,
    _grid,
    _panel_info,
    _parties,
    general_warnings,
    sample_allowed,
)
from app.services.users import signer_in, signer_still_in
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
    #: what happened to it since, in words: ``已由 R2 替代``, ``原报告 R 已被更正，替代报告待编制`` …
    state_note: str = ""
    #: review / return / approve for the user who asked (:func:`app.services.permissions.report_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def state_text(self) -> str:
        """The status with what happened since: ``已批准；原报告 R 已被更正，替代报告待编制``."""
        label = REPORT_STATUS_LABELS.get(self.status, self.status)
        return f"{label}；{self.state_note}" if self.state_note else label


def _name(session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    u = session.get(User, user_id)
    return u.display_name if u else ""


def _state_note(session, r: Report) -> str:
    if r.status == "superseded":
        return replaced_by(session, (r.id,)).get(r.id, "")
    if r.status == "approved" and r.kind == "test" and r.sample_id is not None:
        return amendment_states(session, (r.sample_id,)).get(r.sample_id, "")
    return ""


def _info(session, r: Report, user=None) -> ReportInfo:
    """The report as plain data; with ``user``, what that user may do with it now."""
    allowed = (permissions.report_actions(user, status=r.status, compiled_by_id=r.compiled_by_id, kind=r.kind)
               if user is not None else permissions.NONE)
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
        state_note=_state_note(session, r),
        allowed_actions=allowed,
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
    with ctx.uow() as uow:
        s = uow.session.get(Sample, sample_id)
        check_version(s, version, "该样品")
        sample_allowed(uow.session, ctx.user, s).require("compile")
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
                                 number=_report_number(uow.session, clock.today()))
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
        info = _info(uow.session, report, ctx.user)
        uow.commit()
    return info


def _signable(session, ctx: Context, action: str, report_id: int, version: int) -> Report:
    """The report to 审核 / 退回 / 批准 (``action``), checked by the permission model as the GUI shows it."""
    r = session.get(Report, report_id)
    check_version(r, version, "该报告")
    permissions.report_actions(ctx.user, status=r.status, compiled_by_id=r.compiled_by_id, kind=r.kind).require(action)
    return r


def _review_in(session, ctx: Context, report_id: int, version: int, signer: Callable[[], object], *,
               accept: bool, comment: str) -> ReportInfo:
    """The one review of one report inside the caller's unit of work (flushed, not committed):
    the checks, ``signer()`` (the signer read again in this transaction), then the change."""
    r = _signable(session, ctx, "review" if accept else "return", report_id, version)
    signer()
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
    session.flush()
    return _info(session, r, ctx.user)


def _approve_in(session, ctx: Context, report_id: int, version: int, signer: Callable[[], object], *,
                issue_notices: bool) -> ReportInfo:
    """The one approval of one report inside the caller's unit of work (flushed, not committed)."""
    r = _signable(session, ctx, "approve", report_id, version)
    signer()
    with session.no_autoflush:  # the approval and its frozen PDF are written as one change
        r.status = "approved"
        r.approved_by_id, r.approved_at = ctx.user.id, utcnow()
        if r.replaces is not None:
            r.replaces.status = "superseded"
        if r.sample is not None:
            r.sample.status = "reported" if r.sample.reported_date else "approved"
        deliverables.on_approved(session, r, issue_notices=issue_notices)
    session.flush()
    return _info(session, r, ctx.user)


def review_report(ctx: Context, report_id: int, version: int, password: str, *, accept: bool = True,
                  comment: str = "") -> ReportInfo:
    """审核, or return to the compiler with a comment."""
    ctx.require("reviewer", action="审核报告")
    with ctx.uow() as uow:
        # the roles and password as the database has them now
        info = _review_in(uow.session, ctx, report_id, version,
                          lambda: signer_in(uow.session, ctx, "reviewer", password), accept=accept, comment=comment)
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
        # the roles and password as the database has them now
        info = _approve_in(uow.session, ctx, report_id, version,
                           lambda: signer_in(uow.session, ctx, "signatory", password), issue_notices=issue_notices)
        uow.commit()
    return info


@dataclass(frozen=True)
class SignOutcome:
    """What became of one report of a batch signature: signed (``info``), or why not."""

    report_id: int
    number: str
    signed: bool
    reason: str = ""
    info: ReportInfo | None = None


def _sign_many(ctx: Context, role: str, ids_versions: Iterable[tuple[int, int]], password: str,
               one: Callable[..., ReportInfo]) -> list[SignOutcome]:
    pairs = list(dict.fromkeys((int(i), int(v)) for i, v in ids_versions))
    if not pairs:
        raise ValidationError("请先选择要签署的报告。")
    with ctx.uow() as uow:
        signer_in(uow.session, ctx, role, password)  # the password, once for the whole batch
        numbers = dict(uow.session.execute(
            select(Report.id, Report.number).where(Report.id.in_([i for i, _v in pairs]))).all())
    out: list[SignOutcome] = []
    for report_id, version in pairs:
        try:
            with ctx.uow() as uow:  # one report, one transaction: signed whole or not at all
                info = one(uow.session, ctx, report_id, version,
                           lambda uow=uow: signer_still_in(uow.session, ctx, role))
                uow.commit()
        except RiskmonError as exc:
            out.append(SignOutcome(report_id, numbers.get(report_id, str(report_id)), False, exc.message))
        else:
            out.append(SignOutcome(report_id, info.number, True, info=info))
    return out


def review_reports(ctx: Context, ids_versions: Iterable[tuple[int, int]], password: str, *, accept: bool = True,
                   comment: str = "") -> list[SignOutcome]:
    """审核 several reports with the password typed once: each report is reviewed (or returned) in
    its own transaction by the same code as :func:`review_report`; a report that may not be reviewed
    is listed with its reason while the others are signed. A wrong password signs none."""
    ctx.require("reviewer", action="审核报告")
    return _sign_many(ctx, "reviewer", ids_versions, password,
                      lambda session, c, i, v, signer: _review_in(session, c, i, v, signer, accept=accept,
                                                                   comment=comment))


def approve_reports(ctx: Context, ids_versions: Iterable[tuple[int, int]], password: str, *,
                    issue_notices: bool = False) -> list[SignOutcome]:
    """批准 several reports with the password typed once, each in its own transaction by the same
    code as :func:`approve_report` (its PDF frozen, its upload queued, with ``issue_notices`` the
    notices of a report that found problems); refused reports are listed with their reason."""
    ctx.require("signatory", action="批准报告")
    return _sign_many(ctx, "signatory", ids_versions, password,
                      lambda session, c, i, v, signer: _approve_in(session, c, i, v, signer,
                                                                    issue_notices=issue_notices))


def mark_reported(ctx: Context, sample_id: int, version: int, reported: dt.date) -> None:
    """The results went to the organising regulator (Article 18 ¶1): stops the clock."""
    with ctx.uow() as uow:
        s = uow.session.get(Sample, sample_id)
        check_version(s, version, "该样品")
        sample_allowed(uow.session, ctx.user, s).require("mark_reported")
        if reported < s.completed_date:
            raise ValidationError({"reported_date": "报送日期不能早于完成日期。"})
        if reported > clock.today():
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
        return [_info(uow.session, r, ctx.user) for r in uow.session.scalars(q)]


def get_report(ctx: Context, report_id: int) -> ReportInfo:
    with ctx.uow() as uow:
        return _info(uow.session, get_or_404(uow.session, Report, report_id, "该报告"), ctx.user)


# ----------------------------------------------------------------------------------- amendments
@dataclass(frozen=True)
class AmendmentInfo:
    id: int
    item: str
    original: dict
    amended: dict
    reason: str
    amended_by: str
    amended_at: dt.datetime  # asked for; once approved, when it took effect
    status: str = "approved"  # pending | approved | rejected
    version: int = 0
    amended_by_id: int | None = None
    decided_by: str = ""  # the signatory who approved or refused it
    decided_at: dt.datetime | None = None
    decision_comment: str = ""
    #: approve / refuse for the user who asked (:func:`app.services.permissions.amendment_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def status_label(self) -> str:
        return AMENDMENT_STATUS_LABELS.get(self.status, self.status)


def _amendment_allowed(user, r: ItemResult, a: ResultAmendment) -> permissions.Allowed:
    return permissions.amendment_actions(user, status=a.status, amended_by_id=a.amended_by_id,
                                         sample_status=r.sample.status)


def _amendment_info(session, r: ItemResult, a: ResultAmendment, user=None) -> AmendmentInfo:
    return AmendmentInfo(a.id, r.item, a.original, a.amended, a.reason, _name(session, a.amended_by_id), a.amended_at,
                         status=a.status, version=a.version, amended_by_id=a.amended_by_id,
                         decided_by=_name(session, a.decided_by_id), decided_at=a.decided_at,
                         decision_comment=a.decision_comment or "",
                         allowed_actions=_amendment_allowed(user, r, a) if user is not None else permissions.NONE)


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
    """更正 an issued result: asked for by a technician and kept ``pending`` — the result does not
    change until an authorised signatory other than the amender approves it
    (:func:`approve_amendment`); the original is kept with the reason, and the report is re-issued."""
    with ctx.uow() as uow:
        r = uow.session.get(ItemResult, result_id)
        check_version(r, version, "该检验结果")
        s = r.sample
        sample_allowed(uow.session, ctx.user, s).require("amend")
        if not amendment_reason.strip():
            raise ValidationError({"amendment_reason": "请写明更正原因。"})
        if any(a.status == "pending" for a in r.amendment_requests):
            raise ValidationError(f"项目“{r.item}”已有一项更正待授权签字人批准：请先批准或退回该更正。")
        original = _snapshot(r)
        probe = ItemResult(item=r.item, basis=r.basis, requirement=r.requirement)  # not in the session
        _apply_result(probe, value_text=value_text, unit=unit, judgement=judgement, reason=reason)
        amended = _snapshot(probe)
        if amended == original:
            raise ValidationError("更正后的结果与原结果相同。")
        a = ResultAmendment(result_id=r.id, original=original, amended=amended, reason=amendment_reason.strip(),
                            amended_by_id=ctx.user.id, status="pending")
        uow.session.add(a)
        uow.session.flush()
        info = _amendment_info(uow.session, r, a)
        uow.commit()
    return info


def _pending(session, ctx: Context, amendment_id: int, version: int, action: str) -> ResultAmendment:
    """The amendment to decide (``action`` "approve" or "refuse"), checked by the permission model."""
    a = get_or_404(session, ResultAmendment, amendment_id, "该更正")
    check_version(a, version, "该更正")
    _amendment_allowed(ctx.user, a.result, a).require(action)
    return a


def approve_amendment(ctx: Context, amendment_id: int, version: int, password: str) -> AmendmentInfo:
    """An authorised signatory, not the amender, approves a pending amendment with their password:
    the result takes the amended value, the issued report is marked amended and a replacement
    report is to be compiled (the sample goes back to 已完成)."""
    with ctx.uow() as uow:
        a = _pending(uow.session, ctx, amendment_id, version, "approve")
        r = a.result
        s = r.sample
        if _snapshot(r) != a.original:
            raise ValidationError("提出更正后该结果已有变化：请退回此更正，按现在的结果重新提出。")
        signer_in(uow.session, ctx, "signatory", password)  # the roles and password as the database has them now
        v = a.amended
        _apply_result(r, value_text=v.get("value_text") or "", unit=v.get("unit") or "",
                      judgement=v.get("judgement"), reason=v.get("judgement_reason") or "")
        now = utcnow()
        a.status, a.decided_by_id, a.decided_at = "approved", ctx.user.id, now
        a.amended_at = now  # it takes effect now: the replacement report lists what changed after its predecessor
        s.problems_found = any(x.judgement == "fail" for x in s.results)
        s.status = "completed"  # a new report replacing the approved one must be compiled
        current = _current_report(uow.session, s.id)
        if current is not None and current.status == "approved":
            s.notes = ((s.notes or "") + f"\n结果更正：{a.reason}（{ctx.user.display_name} 批准）").strip()
        uow.session.flush()
        info = _amendment_info(uow.session, r, a)
        uow.commit()
    return info


def reject_amendment(ctx: Context, amendment_id: int, version: int, password: str, comment: str) -> AmendmentInfo:
    """An authorised signatory, not the amender, refuses a pending amendment (with their password and
    a comment): the result and the issued report stay as they are."""
    with ctx.uow() as uow:
        a = _pending(uow.session, ctx, amendment_id, version, "refuse")
        if not comment.strip():
            raise ValidationError({"comment": "退回更正时请写明理由。"})
        signer_in(uow.session, ctx, "signatory", password)
        a.status, a.decided_by_id, a.decided_at = "rejected", ctx.user.id, utcnow()
        a.decision_comment = comment.strip()
        uow.session.flush()
        info = _amendment_info(uow.session, a.result, a)
        uow.commit()
    return info


def list_amendments(ctx: Context, sample_id: int) -> list[AmendmentInfo]:
    """Every amendment asked for on the sample's results (pending, approved, refused), oldest first."""
    with ctx.uow() as uow:
        s = get_or_404(uow.session, Sample, sample_id, "该样品")
        out = [_amendment_info(uow.session, r, a, ctx.user) for r in s.results for a in r.amendment_requests]
        return sorted(out, key=lambda a: a.id)


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
    #: the sample's state beyond its status, in words: an issued report amended and its replacement
    #: (``原报告 R 已被更正，替代报告待编制``), or an amendment waiting for a signatory
    state_note: str = ""
    #: the latest major-hazard record in one line: what was sent, to whom, how, the receipt
    hazard_summary: str = ""
    #: what the user who asked may do with the sample now (:func:`app.services.permissions.sample_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

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
            _info(session, r, ctx.user)
            for r in session.scalars(
                select(Report).where(Report.sample_id == s.id, Report.kind == "test").order_by(Report.id.desc())
            )
        ]
        current = next((r for r in history if r.status != "superseded"), None)
        amendments = tuple(_amendment_info(session, r, a, ctx.user) for r in s.results for a in r.amendment_requests)
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
            clock=_clock(session, s, today or clock.today()),
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
            state_note=amendment_states(session, (s.id,)).get(s.id, ""),
            hazard_summary=hazard_banner(session, s.id),
            allowed_actions=sample_allowed(session, ctx.user, s),
        )
