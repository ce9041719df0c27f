"""The task export package for upload by hand (docs/package-format.md).

Assembled from the documents as issued — the stored PDFs of the approved test reports, the
frozen notices and the approved analysis report — never rendered again, and streamed to disk
one file at a time (each file's stored SHA-256 is checked as it is written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.documents.data import (
    PackageAnalysis,
    PackageManifestData,
    PackageNotification,
    PackageSample,
    PackageTask,
    PartyInfo,
    PartyRole,
)
from app.documents.package import safe_file_name, write_package, write_package_to
from app.errors import ValidationError
from app.services._common import get_or_404
from app.services.context import Context
from app.services.documents._common import _lab, _local_date, _tz
from app.services.documents.analysis import analysis_from_record
from app.services.documents.test_report import _test_report
from app.services.integrity import manifest_checkpoint
from app.services.labkey import signer_for
from app.services.records import approved_analysis
from app.store.models import MonitoringTask, Notification, Report, Sample


@dataclass(frozen=True)
class PackageContents:
    """What a task package holds: for messages and tests."""

    samples: tuple[str, ...]
    notices: int
    analysis: bool


# ----------------------------------------------------------------------------------- entry names
def report_file_name(report_number: str) -> str:
    return f"reports/{safe_file_name(report_number)}.pdf"


def notice_file_name(sample_number: str, n: int) -> str:
    """``notices/<sample number>-<n>.pdf``, n = the notice's place among its report's notices."""
    return f"notices/{safe_file_name(sample_number)}-{n}.pdf"


def analysis_file_name(task_number: str) -> str:
    return f"analysis/{safe_file_name(task_number)}-分析报告.pdf"


def package_task(task: MonitoringTask | None) -> PackageTask:
    if task is None:
        raise ValidationError("该报告不属于任何监测任务，不能上传。")
    return PackageTask(task.number, task.title, task.issuing_authority or "", task.product_category or "",
                       task.plan_year)


def notice_entry(n: Notification, sample_number: str, file: str | None, tz: Any) -> PackageNotification:
    """A notification record as a manifest entry (the party as notified, the date it was issued)."""
    party = PartyInfo(
        name=n.recipient_name,
        uscc=(n.enterprise.uscc or "") if n.enterprise is not None else "",
        roles=tuple(PartyRole(r) for r in (n.roles or ())),
        out_of_province=bool(n.out_of_province),
    )
    return PackageNotification(sample_number=sample_number, party=party,
                               issue_date=_local_date(n.issued_at, tz), file=file)


def aware(ts: dt.datetime | None) -> dt.datetime | None:
    if ts is not None and ts.tzinfo is None:
        return ts.replace(tzinfo=dt.UTC)
    return ts


# ----------------------------------------------------------------------------------- the task package
def _approved_samples(session: Session, task_id: int) -> list[tuple[Sample, Report]]:
    rows = session.execute(
        select(Sample, Report).join(Report, Report.sample_id == Sample.id)
        .where(Sample.task_id == task_id, Report.kind == "test", Report.status == "approved")
        .order_by(Sample.number, Report.id)
        .options(selectinload(Sample.results), selectinload(Sample.sampled_party),
                 selectinload(Sample.nominal_producer), selectinload(Sample.platform_operator))
    ).all()
    latest: dict[int, tuple[Sample, Report]] = {}
    for s, r in rows:
        latest[s.id] = (s, r)  # ordered by report id: the newest approved report wins
    return list(latest.values())


Reader = Callable[[], bytes]


def _stored(session: Session, model: Any, ident: int, what: str) -> Reader:
    def read() -> bytes:
        data = session.scalar(select(model.pdf).where(model.id == ident))
        if data is None:
            raise ValidationError(f"{what}没有保存的 PDF。")
        return bytes(data)

    return read


def package_parts(session: Session, task_id: int
                  ) -> tuple[PackageManifestData, dict[str, tuple[int, str, Reader]], PackageContents]:
    """The manifest data and the listing (name → size, SHA-256, reader of the stored bytes) of a
    task's export package: the approved samples with their issued test reports and notices, and
    the approved analysis report when there is one. ``created_at`` is the latest approval or
    issue, so the same records give the same package."""
    task = get_or_404(session, MonitoringTask, task_id, "该任务")
    approved = _approved_samples(session, task.id)
    if not approved:
        raise ValidationError(f"任务 {task.number} 还没有已批准的检验报告，无法生成导出包。")
    tz = _tz(session)
    report_ids = [r.id for _, r in approved]
    sizes = dict(session.execute(select(Report.id, func.length(Report.pdf)).where(Report.id.in_(report_ids))).all())
    notices = list(session.scalars(
        select(Notification).where(Notification.report_id.in_(report_ids))
        .options(selectinload(Notification.enterprise)).order_by(Notification.report_id, Notification.id)))
    notice_sizes = dict(session.execute(
        select(Notification.id, func.length(Notification.pdf)).where(Notification.report_id.in_(report_ids))).all())
    by_report: dict[int, list[Notification]] = {}
    for n in notices:
        by_report.setdefault(n.report_id or 0, []).append(n)
    listing: dict[str, tuple[int, str, Reader]] = {}
    samples: list[PackageSample] = []
    entries: list[PackageNotification] = []
    stamps: list[dt.datetime] = []
    for s, report in approved:
        if report.file_sha256 is None or not sizes.get(report.id):
            raise ValidationError(f"检验报告 {report.number} 没有保存批准时的 PDF，无法导出。")
        name = report_file_name(report.number)
        listing[name] = (int(sizes[report.id]), report.file_sha256,
                         _stored(session, Report, report.id, f"检验报告 {report.number} "))
        samples.append(PackageSample.from_report(_test_report(session, s, report), name))
        stamps.extend(t for t in (aware(report.approved_at),) if t is not None)
        for k, n in enumerate(by_report.get(report.id, ()), 1):
            if n.file_sha256 is None or not notice_sizes.get(n.id):
                raise ValidationError(f"告知书 {n.document_number or n.id} 没有保存出具时的 PDF，请先在告知页预览一次。")
            nname = notice_file_name(s.number, k)
            listing[nname] = (int(notice_sizes[n.id]), n.file_sha256,
                              _stored(session, Notification, n.id, f"告知书 {n.document_number} "))
            entries.append(notice_entry(n, s.number, nname, tz))
            stamps.extend(t for t in (aware(n.issued_at),) if t is not None)
    analysis = None
    a = approved_analysis(session, task.id)
    if a is not None and a.file_sha256:
        aname = analysis_file_name(task.number)
        size = int(session.scalar(select(func.length(Report.pdf)).where(Report.id == a.id)) or 0)
        listing[aname] = (size, a.file_sha256, _stored(session, Report, a.id, f"分析报告 {a.number} "))
        risk = analysis_from_record(session, a).risk
        analysis = PackageAnalysis(aname, risk.level if risk else None, risk.model_name if risk else "",
                                   risk.model_version if risk else "")
        stamps.extend(t for t in (aware(a.approved_at),) if t is not None)
    manifest = PackageManifestData(
        lab=_lab(session), task=package_task(task), samples=tuple(samples), notifications=tuple(entries),
        analysis=analysis, created_at=max(stamps) if stamps else None, package_kind="task",
        audit_checkpoint=manifest_checkpoint(session),
    )
    return manifest, listing, PackageContents(tuple(s.sample_number for s in samples), len(entries),
                                              analysis is not None)


@dataclass(frozen=True)
class PackageExport:
    path: Path
    contents: PackageContents


def export_task_package(ctx: Context, task_id: int, folder: str | Path) -> PackageExport:
    """Write ``<task number>.zip`` into ``folder`` (atomically, streamed) and return where and what."""
    with ctx.uow() as uow:
        task = get_or_404(uow.session, MonitoringTask, task_id, "该任务")
        manifest, listing, contents = package_parts(uow.session, task_id)
        out = Path(folder) / f"{safe_file_name(task.number)}.zip"
        signer = signer_for(uow.session)  # the manifest is signed with the lab's key, if it has one
        try:
            write_package(manifest, listing, out, signer)
        except OSError as exc:
            raise ValidationError(f"无法写入导出包 {out}：{exc.strerror or exc}") from exc
    return PackageExport(out, contents)


def build_task_package(session: Session, task_id: int) -> bytes:
    """The task's export package as bytes, read through ``session`` (for tests and small tasks)."""
    import io

    manifest, listing, _ = package_parts(session, task_id)
    buf = io.BytesIO()
    write_package_to(manifest, listing, buf, signer_for(session))
    return buf.getvalue()
