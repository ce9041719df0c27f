"""The Article 18 deliverable: one upload item per approved report, frozen notices (in the report's
item when issued with the approval, their own item when issued later), amendments that supersede
what was not sent, and the analysis report as a record with its own workflow and upload."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.documents.package import verify_package
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.services import analysis_reports, documents, notifications, reports, samples, testing, upload
from app.store.models import Notification, Report, SyncOutbox
from app.store.uow import UnitOfWork
from app.sync import outbox
from tests.services.amending import amend_approved
from tests.services.conftest import PASSWORD, audit_ok
from tests.services.test_upload import approved, outbox_rows, reviewed


def _task_of(lab, sample_id: int) -> tuple[int, int]:
    s = samples.get_sample(lab.tech, sample_id)
    return s.data.task_id, s.data.scheme_id


def _manifest(db, item_id: int) -> dict:
    check = verify_package(outbox.get_package(db, item_id))
    assert check.ok, check.problems
    return check.manifest


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


# ------------------------------------------------------------------------------------- notices
def test_notices_issued_with_the_approval_travel_in_the_reports_item(any_lab):
    lab = any_lab
    r, sample_id = reviewed(lab)
    report = reports.approve_report(lab.sig, r.id, r.version, PASSWORD, issue_notices=True)
    (item,) = outbox_rows(lab.db)
    assert (item.kind, item.report_id) == ("result", report.id)
    m = _manifest(lab.db, item.id)
    assert len(m["notifications"]) >= 1 and m["package_kind"] == "result"
    listed = notifications.list_notifications(lab.tech, report.task_id)
    assert len(listed.rows) == len(m["notifications"]) and listed.awaiting == ()
    with zipfile.ZipFile(io.BytesIO(outbox.get_package(lab.db, item.id))) as zf:
        for n, row in zip(m["notifications"], listed.rows, strict=True):
            assert zf.read(n["file"]) == notifications.notice_pdf(lab.tech, row.id)  # the frozen letter
    assert audit_ok(lab.db)


def test_notices_issued_later_are_their_own_small_item(lab):
    report, sample_id = approved(lab)
    notifications.create_notifications(lab.tech, sample_id)
    notifications.create_notifications(lab.tech, sample_id)  # issued once: no second item
    items = outbox_rows(lab.db)
    assert [(i.kind, i.report_id, i.sample_id) for i in items] == [
        ("result", report.id, sample_id), ("notice", report.id, sample_id)]
    m = _manifest(lab.db, items[1].id)
    assert m["package_kind"] == "notice"
    assert [s["report_file"] for s in m["samples"]] == [None]  # the report went in its own item
    assert m["report_numbers"] == [report.number] and len(m["notifications"]) >= 1
    rows = upload.list_uploads(lab.tech)
    assert [r.kind_label for r in rows] == ["告知书", "结果"]


def test_a_notice_is_frozen_when_issued(lab):
    report, sample_id = approved(lab)
    [first, *_] = notifications.create_notifications(lab.tech, sample_id)
    letter = notifications.notice_pdf(lab.tech, first.id)
    # later edits to the lab do not change a letter already issued
    from app.services import lab as lab_service
    lab_service.save_lab(lab.admin, name="改名后的检验中心", cma_number="241712050001", address="", phone="",
                         version=lab_service.get_lab(lab.admin).version)
    assert notifications.notice_pdf(lab.tech, first.id) == letter
    with UnitOfWork(lab.db, actor="test") as uow:
        n = uow.session.get(Notification, first.id)
        assert n.issued_at is not None and n.file_sha256 and bytes(n.pdf) == letter


# ------------------------------------------------------------------------------------- amendments
def _amend_and_approve(lab, sample_id: int, *, value: str = "0.20") -> reports.ReportInfo:
    grid = testing.results_grid(lab.tech, sample_id)
    [row] = [r for r in grid.rows if r.item == "泄漏电流"]
    amend_approved(lab.tech, lab.sig, PASSWORD, row.id, row.version, value_text=value, amendment_reason="仪器校准后复测")
    r = reports.compile_report(lab.tech, sample_id, samples.get_sample(lab.tech, sample_id).version)
    r = reports.review_report(lab.rev, r.id, r.version, PASSWORD)
    return reports.approve_report(lab.sig, r.id, r.version, PASSWORD)


def test_an_amendment_before_sending_supersedes_the_unsent_item(any_lab):
    lab = any_lab
    first, sample_id = approved(lab)
    notifications.create_notifications(lab.tech, sample_id)
    amended = _amend_and_approve(lab, sample_id)
    items = outbox_rows(lab.db)
    assert [(i.kind, i.report_id, i.state) for i in items] == [
        ("result", first.id, "superseded"), ("notice", first.id, "superseded"), ("result", amended.id, "pending")]
    assert all(first.number in i.note and amended.number in i.note for i in items[:2])
    m = _manifest(lab.db, items[2].id)
    assert m["samples"][0]["replaces_number"] == first.number
    rows = upload.list_uploads(lab.tech)
    assert [r.state for r in upload.list_uploads(lab.tech, which="open")] == ["pending"]
    superseded = [r for r in rows if r.superseded]
    assert len(superseded) == 2 and all(r.state_label == "已被替代，不再上传" and r.note for r in superseded)
    with pytest.raises(ValidationError, match="已被替代，不再上传"):
        upload.retry(lab.tech, superseded[0].id)
    assert audit_ok(lab.db)


def test_an_item_already_accepted_is_not_superseded(lab):
    first, sample_id = approved(lab)
    (item,) = outbox_rows(lab.db)
    outbox.confirm_delivered_by_hand(lab.db, item.id, actor="test", receipt_number="HBJG-2026-000001")
    amended = _amend_and_approve(lab, sample_id)
    items = outbox_rows(lab.db)
    assert [(i.report_id, i.state) for i in items] == [(first.id, "delivered_by_hand"), (amended.id, "pending")]


# ------------------------------------------------------------------------------------- approval cost
def test_approving_reads_nothing_of_the_other_samples(lab, monkeypatch):
    """The approval renders that sample's own documents and builds one small package, whatever
    the task holds: the whole-task package builder is never called."""
    _, first = approved(lab)
    from app.services.documents import package as task_package

    def forbidden(*a, **k):
        raise AssertionError("the approval must not build the task's package")

    monkeypatch.setattr(task_package, "package_parts", forbidden)
    second, _ = approved(lab, _task_of(lab, first))
    items = outbox_rows(lab.db)
    assert [i.report_id for i in items][-1] == second.id
    assert _manifest(lab.db, items[-1].id)["report_numbers"] == [second.number]


# ------------------------------------------------------------------------------------- analysis report
def test_the_analysis_report_is_compiled_reviewed_and_approved_by_different_people(any_lab):
    lab = any_lab
    r, _ = reviewed(lab)
    task_id = r.task_id
    work = analysis_reports.task_analysis(lab.tech, task_id)
    assert not work.can_compile and "还没有已批准的检验报告" in work.compile_reason
    with pytest.raises(ValidationError, match="还没有已批准的检验报告"):
        analysis_reports.compile_analysis(lab.tech, task_id)
    # a draft can be previewed at any time: marked 草稿 on every page
    draft = documents.analysis_pdf(lab.tech, task_id)
    pages = PdfReader(io.BytesIO(draft)).pages
    assert all("草稿" in p.extract_text() for p in pages)

    reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    with pytest.raises(PermissionDenied):
        analysis_reports.compile_analysis(lab.rev, task_id)
    a = analysis_reports.compile_analysis(lab.tech, task_id)
    assert (a.kind, a.status, a.number) == ("analysis", "compiled", "T-01-FX")
    assert outbox_rows(lab.db)[-1].kind == "result"  # nothing queued before approval
    with pytest.raises(PermissionDenied):
        reports.approve_report(lab.tech, a.id, a.version, PASSWORD)  # a technician does not approve
    with pytest.raises(ValidationError, match="须先审核"):
        reports.approve_report(lab.sig, a.id, a.version, PASSWORD)
    returned = reports.review_report(lab.rev, a.id, a.version, PASSWORD, accept=False, comment="请补充区域分析")
    assert (returned.status, returned.return_comment) == ("draft", "请补充区域分析")
    with pytest.raises(ConflictError):
        analysis_reports.compile_analysis(lab.tech, task_id, a.version)  # the page showed a stale version
    a = analysis_reports.compile_analysis(lab.tech, task_id, returned.version)
    assert a.number == "T-01-FX" and a.return_comment == ""
    a = reports.review_report(lab.rev, a.id, a.version, PASSWORD)
    assert not analysis_reports.task_analysis(lab.tech, task_id).can_compile  # waits for approval
    a = reports.approve_report(lab.sig, a.id, a.version, PASSWORD)
    assert (a.status, a.compiled_by, a.reviewed_by, a.approved_by, a.has_pdf) == (
        "approved", "TECH", "REV", "SIG", True)

    item = outbox_rows(lab.db)[-1]
    assert (item.kind, item.report_id, item.state) == ("analysis_report", a.id, "pending")
    m = _manifest(lab.db, item.id)
    assert m["package_kind"] == "analysis" and m["analysis"]["file"]
    pdf = documents.analysis_pdf(lab.tech, task_id)
    with zipfile.ZipFile(io.BytesIO(outbox.get_package(lab.db, item.id))) as zf:
        assert zf.read(m["analysis"]["file"]) == pdf  # the frozen PDF, byte for byte
    text = _text(pdf).replace(" ", "")
    assert "草稿" not in text and "TECH" in text and "REV" in text and "SIG" in text
    assert audit_ok(lab.db)


def test_the_analysis_counts_only_approved_results_and_is_frozen_when_compiled(lab):
    first, sample_id = approved(lab)
    waiting, _ = reviewed(lab, _task_of(lab, sample_id))  # a second sample whose report is not approved
    data = documents.analysis_data(lab.tech, first.task_id)
    assert (data.batches_tested, data.problem_batches, data.draft) == (1, 1, True)
    a = analysis_reports.compile_analysis(lab.tech, first.task_id)
    reports.approve_report(lab.sig, waiting.id, waiting.version, PASSWORD)
    # the compiled analysis keeps what was compiled …
    assert documents.analysis_data(lab.tech, first.task_id).batches_tested == 1
    # … until it is compiled again
    a = analysis_reports.compile_analysis(lab.tech, first.task_id, a.version)
    assert documents.analysis_data(lab.tech, first.task_id).batches_tested == 2


def test_nobody_approves_their_own_analysis_and_an_amendment_replaces_it(lab):
    report, _ = approved(lab)
    task_id = report.task_id
    a = analysis_reports.compile_analysis(lab.tech, task_id)
    a = reports.review_report(lab.rev, a.id, a.version, PASSWORD)
    from app.services.context import Context, CurrentUser
    both = Context(lab.db, CurrentUser(lab.tech.user.id, "tech", "TECH", frozenset({"technician", "signatory"})))
    with pytest.raises(PermissionDenied, match="自己编制"):
        reports.approve_report(both, a.id, a.version, PASSWORD)
    a = reports.approve_report(lab.sig, a.id, a.version, PASSWORD)
    work = analysis_reports.task_analysis(lab.tech, task_id)
    assert work.can_compile and work.needs_reason
    with pytest.raises(ValidationError, match="更正原因"):
        analysis_reports.compile_analysis(lab.tech, task_id, a.version)
    b = analysis_reports.compile_analysis(lab.tech, task_id, a.version, reason="风险等级建议调整")
    assert (b.number, b.replaces_number, b.amendment_reason) == ("T-01-FX-2", "T-01-FX", "风险等级建议调整")
    # until the replacement is approved, the approved one is what the lab has issued
    assert documents.analysis_pdf(lab.tech, task_id)[:5] == b"%PDF-"
    b = reports.review_report(lab.rev, b.id, b.version, PASSWORD)
    b = reports.approve_report(lab.sig, b.id, b.version, PASSWORD)
    assert reports.get_report(lab.tech, a.id).status == "superseded"
    kinds = [(i.kind, i.report_id, i.state) for i in outbox_rows(lab.db) if i.kind == "analysis_report"]
    assert kinds == [("analysis_report", a.id, "superseded"), ("analysis_report", b.id, "pending")]
    history = analysis_reports.task_analysis(lab.tech, task_id).history
    assert [h.number for h in history] == ["T-01-FX-2", "T-01-FX"]


# ------------------------------------------------------------------------------------- export from stored bytes
def test_the_task_package_reads_the_stored_documents_and_renders_nothing(lab, tmp_path, monkeypatch):
    report, sample_id = approved(lab)
    notifications.create_notifications(lab.tech, sample_id)
    import app.documents.notice as notice_doc
    import app.documents.test_report as report_doc

    def no_render(*a, **k):
        raise AssertionError("the package must carry the stored documents, not new renderings")

    monkeypatch.setattr(report_doc, "render_test_report", no_render)
    monkeypatch.setattr(notice_doc, "render_notice", no_render)
    result = documents.export_task_package(lab.tech, report.task_id, tmp_path)
    check = verify_package(result.path)
    assert check.ok and check.manifest["package_kind"] == "task"
    with zipfile.ZipFile(result.path) as zf, UnitOfWork(lab.db, actor="test") as uow:
        stored = bytes(uow.session.get(Report, report.id).pdf)
        assert zf.read(check.manifest["samples"][0]["report_file"]) == stored
        letters = {bytes(n.pdf) for n in uow.session.scalars(select(Notification))}
        assert {zf.read(n["file"]) for n in check.manifest["notifications"]} == letters


def test_a_stored_document_that_no_longer_matches_its_hash_stops_the_export(lab, tmp_path):
    report, _ = approved(lab)
    with UnitOfWork(lab.db, actor="test") as uow:
        r = uow.session.get(Report, report.id)
        r.file_sha256 = "0" * 64
        uow.commit()
    with pytest.raises(ValidationError, match="校验值不符"):
        documents.export_task_package(lab.tech, report.task_id, tmp_path)
    assert not list(tmp_path.glob("*.zip*")) and not list(tmp_path.glob("*.tmp*"))  # nothing half written


def test_outbox_items_name_their_sample(lab):
    report, sample_id = approved(lab)
    with UnitOfWork(lab.db, actor="test") as uow:
        item = uow.session.scalar(select(SyncOutbox))
        assert item.sample_id == sample_id


# ------------------------------------------------------------------------------------- a conflicting key
def test_a_409_for_changed_content_needs_a_person_and_changes_nothing_else(lab, tmp_path):
    from app.services import lab as lab_service
    from app.sync.credentials import CredentialStore
    from app.sync.gateway import HttpGateway
    from app.sync.sandbox import start_sandbox
    from tests.sync.helpers import MemoryKeyring, make_package

    report, _ = approved(lab)
    (item,) = outbox_rows(lab.db)
    with start_sandbox(port=0, state_path=tmp_path / "sandbox.sqlite3") as sandbox:
        # the province already holds other content under this item's key
        with HttpGateway(sandbox.url, "demo", lambda: "demo-password") as g:
            g.upload(make_package(99), item.idempotency_key, {"kind": "result"})
        lab_service.save_settings(lab.admin, {"provincial_url": sandbox.url, "provincial_user": "demo"})
        summary = upload.sync_once(lab.tech, password="demo-password", store=CredentialStore(backend=MemoryKeyring()))
        assert summary.accepted == 0
    (row,) = upload.list_uploads(lab.tech)
    assert row.state == "failed" and row.needs_attention and row.state_label == "失败，需人工处理"
    assert "内容不同" in row.last_error and row.receipt_number == ""
    assert reports.get_report(lab.tech, report.id).status == "approved"  # the approval stands
    assert audit_ok(lab.db)


def test_the_item_keeps_a_recipe_and_a_changed_document_is_caught_before_sending(lab, tmp_path):
    """The queued item holds no second copy of the PDFs: the package is made again from the stored
    documents when it is sent — and a stored document changed since refuses to go out."""
    from app.services import lab as lab_service
    from app.sync.credentials import CredentialStore
    from app.sync.sandbox import start_sandbox
    from tests.sync.helpers import MemoryKeyring

    report, _ = approved(lab)
    with UnitOfWork(lab.db, actor="test") as uow:
        item = uow.session.scalar(select(SyncOutbox))
        assert item.package is None and len(item.recipe) < 8_000
        item_id = item.id
    first = outbox.get_package(lab.db, item_id)
    assert outbox.get_package(lab.db, item_id) == first  # made again: the same bytes, the same key
    with UnitOfWork(lab.db, actor="test") as uow:
        r = uow.session.get(Report, report.id)
        r.pdf = bytes(r.pdf) + b"%"
        uow.commit()
    with pytest.raises(ValidationError, match="校验值不符"):
        outbox.get_package(lab.db, item_id)
    with start_sandbox(port=0, state_path=tmp_path / "sandbox.sqlite3") as sandbox:
        lab_service.save_settings(lab.admin, {"provincial_url": sandbox.url, "provincial_user": "demo"})
        upload.sync_once(lab.tech, password="demo-password", store=CredentialStore(backend=MemoryKeyring()))
        assert sandbox.counts()["requests"] <= 1  # at most the login: nothing was uploaded
    (row,) = upload.list_uploads(lab.tech)
    assert row.state == "failed" and row.needs_attention and "校验值不符" in row.last_error
