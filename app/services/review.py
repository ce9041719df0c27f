"""What a reviewer or signatory reads before signing a report (审核/批准 in context): the report's
PDF as it would be issued, its nonconforming items (不符合项目), and for a replacing report the
amended results against the originals with the reason and who asked and approved, and the report
it replaces (ISO/IEC 17025 7.8.8).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.services._common import get_or_404
from app.services.context import Context
from app.services.documents import test_report_pdf
from app.services.documents.analysis import report_pdf as analysis_pdf
from app.services.reports import AmendmentInfo, ReportInfo, _amendment_info, _info
from app.services.texts import basis_text, requirement_text
from app.store.models import ItemResult, Report, Sample


@dataclass(frozen=True)
class NonconformingItem:
    """One item judged 不合格: what was required and what was found."""

    sample_number: str
    item: str
    requirement: str
    result: str  # the value with its unit
    basis: str
    reason: str = ""  # the tester's reason, for a text requirement


@dataclass(frozen=True)
class ReviewContext:
    report: ReportInfo
    sample_number: str
    product_name: str
    task_number: str
    pdf: bytes  # the report as it would be issued (marked not approved until it is)
    items_total: int  # test items the report covers
    nonconforming: tuple[NonconformingItem, ...]
    #: for a replacing report: the amendments approved since the report it replaces was approved
    changes: tuple[AmendmentInfo, ...]
    replaces_number: str
    amendment_reason: str

    @property
    def is_amendment(self) -> bool:
        return bool(self.replaces_number)


def _result_text(r: ItemResult) -> str:
    value = r.value_text or "—"
    return f"{value} {r.unit}".strip() if r.unit and r.unit not in value else value


def _failed(results, sample_number: str) -> list[NonconformingItem]:
    return [
        NonconformingItem(sample_number, r.item, requirement_text(r.requirement), _result_text(r), basis_text(r.basis),
                          r.judgement_reason or "")
        for r in sorted(results, key=lambda x: x.id)
        if r.judgement == "fail"
    ]


def review_context(ctx: Context, report_id: int) -> ReviewContext:
    """The report to sign with its PDF, nonconforming items and, when it replaces another, the changes."""
    with ctx.uow() as uow:
        session = uow.session
        r = get_or_404(session, Report, report_id, "该报告")
        info = _info(session, r)
        s = r.sample
        changes: list[AmendmentInfo] = []
        if r.kind == "test" and s is not None:
            results = list(s.results)
            nonconforming = _failed(results, s.number)
            previous = r.replaces
            if previous is not None:
                since = previous.approved_at
                changes = sorted(
                    (_amendment_info(session, res, a) for res in results for a in res.amendments
                     if since is None or a.amended_at >= since),
                    key=lambda a: (a.amended_at, a.id),
                )
            total = len(results)
        else:  # the task's analysis report: the failed items of the task's approved test reports
            nonconforming, total = [], 0
            approved = session.scalars(
                select(Sample).join(Report, Report.sample_id == Sample.id)
                .where(Sample.task_id == r.task_id, Report.kind == "test", Report.status == "approved")
                .order_by(Sample.number)
            ).unique()
            for sample in approved:
                nonconforming += _failed(sample.results, sample.number)
                total += len(sample.results)
        kind, sample_id = r.kind, r.sample_id
        head = (s.number if s else "", s.product_name if s else "",
                (r.task.number if r.task else (s.task.number if s and s.task else "")))
    pdf = test_report_pdf(ctx, sample_id) if kind == "test" and sample_id is not None else analysis_pdf(ctx, report_id)
    return ReviewContext(
        report=info, sample_number=head[0], product_name=head[1], task_number=head[2], pdf=pdf, items_total=total,
        nonconforming=tuple(nonconforming), changes=tuple(changes), replaces_number=info.replaces_number,
        amendment_reason=info.amendment_reason,
    )
