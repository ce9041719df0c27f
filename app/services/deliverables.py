"""What an approval or an issue leaves behind: frozen documents and their queued upload.

Article 18 ¶1 makes the final results and the analysis report the lab's deliverable to
湖北省产品质量安全监督管理信息系统; Article 18 ¶2 the notices to the parties. The upload unit is the
approved report:

* approving a test report freezes its PDF (and, when asked, issues and freezes the sample's
  notices) and queues one ``result`` item holding that report, the notices issued with it and
  the structured results — nothing else of the task is read or rendered;
* notices issued later are frozen and queued as one ``notice`` item linked to their report;
* approving an analysis report freezes its PDF and queues one ``analysis_report`` item;
* an amending report supersedes the still-unsent items of the report it replaces (they are
  never sent; ``note`` says why).

Every function here runs in its caller's transaction (the approval's or the issue's), so a
document, its frozen bytes and its queued upload are stored together or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.documents import notice as notice_doc  # the module: render_notice is looked up when called
from app.documents.data import (
    AnalysisData,
    PackageAnalysis,
    PackageManifestData,
    PackageNotification,
    PackageSample,
)
from app.documents.package import package_with_recipe
from app.errors import ValidationError
from app.rules import uscc as uscc_rules
from app.services.documents._common import _lab, _local_date, _tz
from app.services.documents.analysis import analysis_from_record
from app.services.documents.issue import issue
from app.services.documents.monthly import monthly_from_record
from app.services.documents.notices import _notices, _sample_parties
from app.services.documents.package import (
    analysis_file_name,
    aware,
    notice_entry,
    notice_file_name,
    package_task,
    report_file_name,
)
from app.services.documents.test_report import _test_report, store_report_pdf
from app.services.integrity import manifest_checkpoint
from app.services.labkey import signer_for
from app.store import audit
from app.store.models import Notification, Report, Sample, SyncOutbox
from app.store.queries import organisation
from app.store.types import utcnow
from app.sync import outbox

#: items of a replaced report that can still be kept from being sent
UNSENT_STATES = ("pending", "failed", "cancelled")


# --------------------------------------------------------------------------------------------
# Frozen documents
# --------------------------------------------------------------------------------------------


def _signer(session: Session) -> Any:
    """The lab's unlocked key, ``None`` when the lab has none; :class:`~app.services.labkey.KeyLocked`
    (and so nothing issued) when it has one this workstation has not unlocked."""
    return signer_for(session)


def freeze_test_report(session: Session, report: Report, signer: Any = None) -> bytes:
    """The approved test report's PDF, rendered, signed and stored once (``pdf``, ``file_sha256``)."""
    if report.pdf is not None:
        return bytes(report.pdf)
    return store_report_pdf(session, report, signer)


def issue_notices(session: Session, sample: Sample, report: Report, *, queue: bool = True,
                  signer: Any = False) -> list[Notification]:
    """告知书 of the sample's approved ``report`` (Article 18 ¶2): one record per party, each with
    its letter rendered and frozen now. Returns the records (the existing ones when already
    issued; none when no problem was found).

    With ``queue``, notices issued after the report's own upload item was queued go to the
    province as one ``notice`` item of their own; notices issued in the approval itself travel in
    the report's item instead.
    """
    if report.kind != "test" or report.status != "approved":
        raise ValidationError(f"样品 {sample.number} 的检验报告尚未批准，不能出具告知书。")
    existing = list(session.scalars(
        select(Notification).where(Notification.sample_id == sample.id, Notification.report_id == report.id)
        .order_by(Notification.id)
    ))
    if existing:
        return existing
    if signer is False:  # not given: the lab's key, if it has one
        signer = _signer(session)
    now = utcnow()
    issued_on = _local_date(now, _tz(session))
    enterprises = {uscc_rules.normalize(ent.uscc or ""): ent for ent, _ in _sample_parties(sample)}
    created: list[Notification] = []
    for notice in _notices(session, sample, report, issued_on=issued_on):
        pdf = issue(notice, notice_doc.render_notice, signer)
        ent = enterprises.get(notice.addressee.uscc)
        n = Notification(
            sample_id=sample.id,
            report_id=report.id,
            enterprise_id=ent.id if ent else None,
            recipient_name=notice.addressee.name,
            roles=[r.value for r in notice.addressee.roles],
            out_of_province=notice.addressee.out_of_province,
            document_number=notice.notice_number,
            confidential=notice.confidential,
            issued_at=now,
            pdf=pdf,
            file_sha256=hashlib.sha256(pdf).hexdigest(),
        )
        session.add(n)
        created.append(n)
    session.flush()
    if created and queue and _result_item(session, report.id) is not None:
        enqueue_notices(session, report, created)
    return created


def _result_item(session: Session, report_id: int) -> SyncOutbox | None:
    return session.scalar(
        select(SyncOutbox).where(SyncOutbox.report_id == report_id, SyncOutbox.kind == "result").limit(1)
    )


def frozen_notice_pdf(session: Session, n: Notification) -> bytes:
    """The letter as issued. A notice issued before letters were frozen is frozen on first use."""
    if n.pdf is not None:
        return bytes(n.pdf)
    _freeze_legacy_notice(session, n)
    assert n.pdf is not None
    return bytes(n.pdf)


def _freeze_legacy_notice(session: Session, n: Notification) -> None:
    if n.report is None or n.report.status not in ("approved", "superseded"):
        raise ValidationError(f"告知书 {n.document_number or ''} 所依据的检验报告未批准，无法出具。")
    data = next((d for d in _notices(session, n.sample, n.report, check_status=False)
                 if d.notice_number == n.document_number), None)
    if data is None:
        raise ValidationError(f"样品 {n.sample.number} 的告知对象已变化，无法重现告知书 {n.document_number}。")
    pdf = notice_doc.render_notice(data)
    n.pdf = pdf
    n.file_sha256 = hashlib.sha256(pdf).hexdigest()
    if n.issued_at is None:  # when the record was made: the letter keeps the date it always carried
        n.issued_at = n.created_at or n.report.approved_at
    session.flush()


# --------------------------------------------------------------------------------------------
# Packages of one report
# --------------------------------------------------------------------------------------------


def _sample_entry(session: Session, report: Report, report_file: str | None) -> PackageSample:
    assert report.sample is not None
    return PackageSample.from_report(_test_report(session, report.sample, report), report_file)


@dataclass(frozen=True)
class Built:
    """An upload's package, and the recipe to make it again from the stored documents."""

    package: bytes
    recipe: bytes


Files = dict[str, tuple[bytes, str, int]]  # entry name → (bytes, where they are stored, row id)


def _built(session: Session, manifest: PackageManifestData, files: Files) -> Built:
    """The package, its manifest signed with the lab's key when the lab has one."""
    from dataclasses import replace

    manifest = replace(manifest, audit_checkpoint=manifest_checkpoint(session))
    package, recipe = package_with_recipe(manifest, files, _signer(session))
    return Built(package, recipe.encode())


def _notice_parts(session: Session, report: Report, notices: list[Notification], tz: Any
                  ) -> tuple[list[PackageNotification], Files]:
    """Entries and files of ``notices``, numbered by their place among all the report's notices."""
    all_ids = list(session.scalars(
        select(Notification.id).where(Notification.report_id == report.id).order_by(Notification.id)))
    sample_number = report.sample.number if report.sample else ""
    entries: list[PackageNotification] = []
    files: Files = {}
    for n in notices:
        name = notice_file_name(sample_number, all_ids.index(n.id) + 1)
        files[name] = (frozen_notice_pdf(session, n), "notice", n.id)
        entries.append(notice_entry(n, sample_number, name, tz))
    return entries, files


def result_package(session: Session, report: Report) -> Built:
    """One approved test report: its frozen PDF, the notices issued for it so far, the results."""
    tz = _tz(session)
    name = report_file_name(report.number)
    files: Files = {name: (freeze_test_report(session, report), "report", report.id)}
    notices = list(session.scalars(
        select(Notification).where(Notification.report_id == report.id).order_by(Notification.id)))
    entries, notice_files = _notice_parts(session, report, notices, tz)
    files.update(notice_files)
    manifest = PackageManifestData(
        lab=_lab(session), task=package_task(report.task), samples=(_sample_entry(session, report, name),),
        notifications=tuple(entries), created_at=aware(report.approved_at), package_kind="result",
    )
    return _built(session, manifest, files)


def notice_package(session: Session, report: Report, notices: list[Notification]) -> Built:
    """Notices issued after their report was queued; the sample entry names the report."""
    tz = _tz(session)
    entries, files = _notice_parts(session, report, notices, tz)
    issued = max((aware(n.issued_at) for n in notices if n.issued_at is not None), default=None)
    manifest = PackageManifestData(
        lab=_lab(session), task=package_task(report.task), samples=(_sample_entry(session, report, None),),
        notifications=tuple(entries), created_at=issued, package_kind="notice",
    )
    return _built(session, manifest, files)


def analysis_package(session: Session, report: Report, data: AnalysisData, pdf: bytes) -> Built:
    """The approved analysis report of a task."""
    name = analysis_file_name(report.task.number if report.task else report.number)
    risk = data.risk
    manifest = PackageManifestData(
        lab=_lab(session), task=package_task(report.task), samples=(),
        analysis=PackageAnalysis(name, risk.level if risk else None, risk.model_name if risk else "",
                                 risk.model_version if risk else ""),
        created_at=aware(report.approved_at), package_kind="analysis",
    )
    return _built(session, manifest, {name: (pdf, "report", report.id)})


# --------------------------------------------------------------------------------------------
# Queuing
# --------------------------------------------------------------------------------------------


def lab_key(session: Session) -> str:
    """What keeps this lab's idempotency keys apart at the province: the CMA number, else the name."""
    org = organisation(session)
    if org is None:
        return ""
    return (org.cma_number or org.name or "").strip()


def supersede_unsent(session: Session, replaced: Report, by: Report) -> list[SyncOutbox]:
    """Keep the unsent items of ``replaced`` from going out: ``by`` replaces that report."""
    items = list(session.scalars(
        select(SyncOutbox).where(SyncOutbox.report_id == replaced.id, SyncOutbox.state.in_(UNSENT_STATES))
    ))
    for item in items:
        item.state = "superseded"
        item.next_attempt_at = None
        item.note = f"报告 {replaced.number} 已被更正报告 {by.number} 替代，本项不再上传。"
    session.flush()
    return items


def on_test_report_approved(session: Session, report: Report, *, issue: bool = False) -> SyncOutbox:
    """In the approval's transaction: freeze the report (and, with ``issue``, its notices) and
    queue its ``result`` item; the unsent items of the report it replaces are superseded."""
    signer = _signer(session)
    freeze_test_report(session, report, signer)
    if issue and report.sample is not None and report.sample.problems_found:
        issue_notices(session, report.sample, report, queue=False, signer=signer)
    if report.replaces is not None:
        supersede_unsent(session, report.replaces, report)
    built = result_package(session, report)
    return outbox.enqueue(session, "result", package=built.package, recipe=built.recipe, task_id=report.task_id,
                          report_id=report.id, sample_id=report.sample_id, lab=lab_key(session))


def enqueue_notices(session: Session, report: Report, notices: list[Notification]) -> SyncOutbox:
    """Queue notices issued after their report's upload as one ``notice`` item."""
    first = min(n.id for n in notices)
    built = notice_package(session, report, notices)
    return outbox.enqueue(session, "notice", package=built.package, recipe=built.recipe,
                          task_id=report.task_id, report_id=report.id, sample_id=report.sample_id,
                          ref_id=first, lab=lab_key(session))


def on_analysis_approved(session: Session, report: Report) -> SyncOutbox:
    """In the approval's transaction: freeze the analysis report and queue its upload."""
    # deferred: reportlab loads only when a PDF is made
    from app.documents.analysis import render_analysis

    data = analysis_from_record(session, report)
    pdf = issue(data, render_analysis, _signer(session))
    report.pdf = pdf
    report.file_sha256 = hashlib.sha256(pdf).hexdigest()
    if report.replaces is not None:
        supersede_unsent(session, report.replaces, report)
    session.flush()
    built = analysis_package(session, report, data, pdf)
    return outbox.enqueue(session, "analysis_report", package=built.package, recipe=built.recipe,
                          task_id=report.task_id, report_id=report.id, lab=lab_key(session))


def on_monthly_approved(session: Session, report: Report) -> None:
    """In the approval's transaction: freeze the monthly report's PDF (signed with the lab's key when
    it has one) and its Excel workbook, both made from the register as compiled. Nothing is queued:
    the monthly report goes to the regulator, and each sending is recorded (``report_submissions``)."""
    import io

    # deferred: reportlab loads only when a PDF is made
    from app.documents.monthly import render_monthly, write_monthly_excel_to

    data = monthly_from_record(session, report)
    pdf = issue(data, render_monthly, _signer(session))
    buf = io.BytesIO()
    write_monthly_excel_to(data, buf)
    report.pdf, report.file_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    report.workbook = buf.getvalue()
    report.workbook_sha256 = hashlib.sha256(report.workbook).hexdigest()


def on_approved(session: Session, report: Report, *, issue_notices: bool = False) -> SyncOutbox | None:
    """What approving ``report`` leaves behind (see the module's docstring); ``None`` for a report
    kind that is not uploaded (the monthly report goes to the regulator, not the system: its PDF
    and workbook are frozen)."""
    if report.kind == "test" and report.task_id is not None:
        return on_test_report_approved(session, report, issue=issue_notices)
    if report.kind == "analysis":
        return on_analysis_approved(session, report)
    if report.kind == "monthly":
        on_monthly_approved(session, report)
    return None


# --------------------------------------------------------------------------------------------
# Schema 0002: existing records
# --------------------------------------------------------------------------------------------


def _maybe_received(item: SyncOutbox) -> bool:
    exported = item.state == "failed" and (item.last_error or "").startswith(outbox.EXPORTED_PREFIX)
    return item.state in ("accepted", "delivered_by_hand", "sending") or exported


def upgrade_0002(connection: Any) -> None:
    """Data step of migration 0002, in its transaction: freeze the letters of existing notices
    (the letter the province received, when a received whole-task package holds it), and replace
    whole-task items not yet sent by one item per approved report the province has not received.
    Accepted whole-task items and their receipts stay as history; items exported for upload by
    hand or cut off mid-upload are kept as they are (the province may hold them)."""
    import io
    import json
    import zipfile

    from sqlalchemy.orm import sessionmaker

    # joins the migration's transaction (commits and closes leave it to the migration); audited
    factory = sessionmaker(bind=connection, autoflush=False, join_transaction_mode="rollback_only")
    audit.install(factory)
    session = factory()
    session.info["actor"] = "migration:0002"
    try:
        received: set[str] = set()
        sent_letters: dict[tuple[str, str], bytes] = {}  # (report number, addressee) → the letter sent
        old = list(session.scalars(select(SyncOutbox).where(SyncOutbox.kind == "task_results")
                                   .order_by(SyncOutbox.id)))
        for item in old:
            # received, or possibly received: uploaded by hand and waiting for its confirmation, or
            # cut off mid-upload (the province may hold it): kept as they are, their reports not
            # queued again
            if not _maybe_received(item) or item.package is None:
                continue
            try:
                with zipfile.ZipFile(io.BytesIO(bytes(item.package))) as zf:
                    manifest = json.loads(zf.read("manifest.json"))
                    received.update(manifest.get("report_numbers") or ())
                    numbers = {s.get("sample_number"): s.get("report_number") for s in manifest.get("samples") or ()}
                    for entry in manifest.get("notifications") or ():
                        if entry.get("file"):
                            key = (numbers.get(entry.get("sample_number")), (entry.get("party") or {}).get("name"))
                            sent_letters[key] = zf.read(entry["file"])  # type: ignore[index]
            except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
                continue
        # every notice's letter frozen: the one the province received when there is one, else as issued
        for n in session.scalars(select(Notification).where(Notification.pdf.is_(None)).order_by(Notification.id)):
            letter = sent_letters.get((n.report.number if n.report else None, n.recipient_name))
            if letter is not None:
                n.pdf, n.file_sha256 = letter, hashlib.sha256(letter).hexdigest()
                n.issued_at = n.issued_at or n.created_at
                continue
            try:
                _freeze_legacy_notice(session, n)
            except ValidationError:
                pass  # its parties changed since: frozen on first use, with a message then
        session.flush()
        tasks = set()
        for item in old:
            if item.state in ("pending", "failed") and not _maybe_received(item):
                item.state = "superseded"
                item.next_attempt_at = None
                item.note = "升级后改为逐份报告上传：本任务的整包由每份已批准报告各自的上传项替代。"
                tasks.add(item.task_id)
        session.flush()
        for task_id in sorted(t for t in tasks if t is not None):
            reports = session.scalars(
                select(Report).where(Report.task_id == task_id, Report.kind == "test", Report.status == "approved")
                .order_by(Report.id))
            for report in reports:
                if report.number in received or _result_item(session, report.id) is not None:
                    continue
                built = result_package(session, report)
                outbox.enqueue(session, "result", package=built.package, recipe=built.recipe, task_id=task_id,
                               report_id=report.id, sample_id=report.sample_id, lab=lab_key(session))
        session.flush()
    finally:
        session.close()
