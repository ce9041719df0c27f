"""The provincial upload as the workflow, the GUI and the command line use it: an approval queues the
task's package in its own transaction; the queue is sent to the sandbox on 127.0.0.1 with receipts,
failures are shown and retried, packages go out by hand and are confirmed, the password stays in
the keyring (never in plaintext), and every action checks the user's roles."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app import clock
from app.documents.package import verify_package
from app.errors import PermissionDenied, ValidationError
from app.services import dashboard, reports, samples, upload
from app.services import lab as lab_service
from app.store.models import Report, Sample, SyncOutbox
from app.store.queries import set_setting
from app.store.uow import UnitOfWork
from app.sync import outbox
from app.sync.credentials import CredentialsStoreError, CredentialStore
from app.sync.sandbox import RunningSandbox
from tests.services.conftest import PASSWORD, audit_ok
from tests.services.test_workflow import _completed
from tests.sync.helpers import MemoryKeyring

DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"


@pytest.fixture(autouse=True)
def _no_provincial_env(monkeypatch):
    """The provincial address comes from the lab's settings in these tests, not the environment."""
    monkeypatch.delenv("RISKMON_PROVINCIAL_URL", raising=False)
    monkeypatch.delenv("RISKMON_PROVINCIAL_USER", raising=False)


@pytest.fixture
def sandbox_options() -> dict:
    return {"seed": 3}


@pytest.fixture
def store() -> CredentialStore:
    """An in-memory keyring: the tests never touch the machine's own."""
    return CredentialStore(backend=MemoryKeyring())


def reviewed(lab, task: tuple[int, int] | None = None):
    """A sample whose report waits for approval: (report info, sample id); in a new task, or in
    ``task`` (task id, scheme id)."""
    s = _completed(lab, task)
    r = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    r = reports.review_report(lab.rev, r.id, r.version, PASSWORD)
    return r, s.id


def approved(lab, task: tuple[int, int] | None = None):
    r, sample_id = reviewed(lab, task)
    return reports.approve_report(lab.sig, r.id, r.version, PASSWORD), sample_id


def outbox_rows(db) -> list[SyncOutbox]:
    with UnitOfWork(db, actor="test") as uow:
        rows = list(uow.session.scalars(select(SyncOutbox).order_by(SyncOutbox.id)))
        uow.session.expunge_all()
        return rows


def point_at(lab, sandbox: RunningSandbox) -> None:
    lab_service.save_settings(lab.admin, {"provincial_url": sandbox.url, "provincial_user": DEMO_USER})


# ------------------------------------------------------------------------------------- queuing


def test_approval_queues_one_result_item_for_the_report_in_the_same_transaction(any_lab):
    lab = any_lab
    report, sample_id = reviewed(lab)
    assert outbox_rows(lab.db) == []
    approved_report = reports.approve_report(lab.sig, report.id, report.version, PASSWORD)

    # read back through a new connection: the approval and its queued upload are both stored
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.get(Report, report.id).status == "approved"
        (item,) = uow.session.scalars(select(SyncOutbox))
        assert (item.kind, item.task_id, item.report_id, item.sample_id, item.state, item.attempts) == (
            "result", approved_report.task_id, report.id, sample_id, "pending", 0)
        assert item.idempotency_key.startswith("241712050001-R")  # the lab's CMA number keeps labs apart
        assert item.package is None and item.recipe  # the item keeps a recipe, not a second copy
        item_id = item.id
    package = outbox.get_package(lab.db, item_id)
    check = verify_package(package)
    assert check.ok, check.problems
    assert check.manifest["report_numbers"] == [approved_report.number]
    assert check.manifest["lab"]["cma_number"] == "241712050001"
    assert check.manifest["package_kind"] == "result"
    with UnitOfWork(lab.db, actor="test") as uow:  # the package carries the report as frozen at approval
        frozen = bytes(uow.session.get(Report, report.id).pdf)
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        assert zf.read(check.manifest["samples"][0]["report_file"]) == frozen

    (row,) = upload.list_uploads(lab.tech)
    assert (row.state_label, row.kind_label, row.task_number, row.report_number, row.sample_number) == (
        "待上传", "结果", "T-01", approved_report.number, approved_report.sample_number)
    assert row.next_attempt_at is not None and row.next_attempt_at.utcoffset() == dt.timedelta(hours=8)
    assert row.can_cancel and not row.can_retry and not row.receipt_number
    assert audit_ok(lab.db)


def _fail_building(monkeypatch):
    from app.services import deliverables

    def broken(session, report):
        raise ValidationError("报告模板损坏，无法生成上传包")

    monkeypatch.setattr(deliverables, "result_package", broken)


def _bad_package(monkeypatch):
    from app.services import deliverables

    real = deliverables.result_package

    def tampered(session, report):
        built = real(session, report)
        data = bytearray(built.package)
        data[len(data) // 2] ^= 0xFF  # one flipped byte somewhere in the ZIP
        return deliverables.Built(bytes(data), built.recipe)

    monkeypatch.setattr(deliverables, "result_package", tampered)


def _fail_after_queuing(monkeypatch):
    real = outbox.enqueue

    def enqueue_then_fail(session, *args, **kw):
        item = real(session, *args, **kw)
        assert item.id is not None  # the row was written (flushed) …
        raise OSError("磁盘已满")  # … and then something went wrong before the commit

    monkeypatch.setattr(outbox, "enqueue", enqueue_then_fail)


@pytest.mark.parametrize("failure", [_fail_building, _bad_package, _fail_after_queuing])
def test_a_failure_while_building_or_queuing_rolls_the_approval_back(any_lab, monkeypatch, failure):
    lab = any_lab
    report, sample_id = reviewed(lab)
    with monkeypatch.context() as patch:
        failure(patch)
        with pytest.raises((ValidationError, OSError)):
            reports.approve_report(lab.sig, report.id, report.version, PASSWORD)
    # nothing half written: the report still waits for approval, the sample too, the queue is empty
    assert reports.get_report(lab.tech, report.id).status == "reviewed"
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.get(Sample, sample_id).status == "reviewed"
        assert uow.session.scalar(select(func.count()).select_from(SyncOutbox)) == 0
    assert audit_ok(lab.db)
    # once the fault is gone the same approval goes through, with its upload queued
    reports.approve_report(lab.sig, report.id, report.version, PASSWORD)
    assert [r.kind for r in outbox_rows(lab.db)] == ["result"]


def test_an_approved_analysis_report_queues_its_own_item(lab):
    from app.services import analysis_reports

    test_report, _ = approved(lab)
    a = analysis_reports.compile_analysis(lab.tech, test_report.task_id)
    a = reports.review_report(lab.rev, a.id, a.version, PASSWORD)
    a = reports.approve_report(lab.sig, a.id, a.version, PASSWORD)
    rows = upload.list_uploads(lab.tech)
    assert [(r.kind, r.kind_label, r.report_number) for r in rows] == [
        ("analysis_report", "分析报告", a.number), ("result", "结果", test_report.number)]
    manifest = verify_package(outbox.get_package(lab.db, rows[0].id)).manifest
    assert manifest["analysis"]["file"] == "analysis/T-01-分析报告.pdf"
    assert (manifest["package_kind"], manifest["samples"]) == ("analysis", [])
    from app.services import monthly_reports
    from app.store.queries import lab_today

    with UnitOfWork(lab.db, actor="test") as uow:
        today = lab_today(uow.session)
    m = monthly_reports.compile_monthly(lab.tech, today.year, today.month)  # monthly reports are not uploaded
    m = reports.review_report(lab.rev, m.id, m.version, PASSWORD)
    m = reports.approve_report(lab.sig, m.id, m.version, PASSWORD)
    assert m.status == "approved"
    assert [r.kind for r in upload.list_uploads(lab.tech)] == ["analysis_report", "result"]


def test_the_demo_lab_comes_with_its_approved_results_queued(sqlite_db):
    from app.services import demo, users
    from app.services.context import Context

    demo.load_demo(sqlite_db, actor="test")
    ctx = Context(sqlite_db, users.authenticate(sqlite_db, "wangjian", demo.DEMO_PASSWORD))
    rows = upload.list_uploads(ctx)
    # the reported major hazard goes first (Article 18 ¶3: at once), then the approved report and
    # the notices issued after its approval
    assert [(r.task_number, r.kind, r.state) for r in rows] == [
        ("WHFX-2026-FZ-03", "hazard", "pending"),
        ("HBFX-2026-DQ-01", "notice", "pending"), ("HBFX-2026-DQ-01", "result", "pending")]
    assert rows[1].report_number == rows[2].report_number  # the notices issued after the approval
    for row in rows:
        assert verify_package(outbox.get_package(sqlite_db, row.id)).ok


# ------------------------------------------------------------------------------------- sending


def test_sync_gets_receipts_and_never_sends_twice(any_lab, sandbox, store):
    lab = any_lab
    approved(lab)
    point_at(lab, sandbox)
    seen = []
    summary = upload.sync_once(lab.tech, password=DEMO_PASSWORD, store=store, progress=seen.append)
    assert (summary.claimed, summary.accepted, summary.credentials_problem) == (1, 1, False)
    (row,) = upload.list_uploads(lab.tech)
    assert row.state == "accepted" and row.state_label == "已接收"
    assert row.receipt_number.startswith(f"HBJG-{clock.today().year}-")
    assert row.accepted_at is not None and row.next_attempt_at is None
    assert [o.receipt_number for o in seen] == [row.receipt_number]
    assert row.receipt_number in upload.outcome_line(seen[0], row)
    assert sandbox.counts()["accepted"] == 1

    again = upload.sync_once(lab.tech, password=DEMO_PASSWORD, store=store)
    assert again.claimed == 0 and again.describe() == "没有需要上传的内容。"
    counts = sandbox.counts()
    assert counts["accepted"] == 1 and counts["duplicates_prevented"] == 0
    assert upload.upload_counts(lab.tech)["accepted"] == 1
    assert audit_ok(lab.db)


def test_a_failing_upload_shows_its_error_and_can_be_retried(any_lab, sandbox, store):
    lab = any_lab
    approved(lab)
    point_at(lab, sandbox)
    sandbox.faults.update({"fail_rate": 1.0})
    summary = upload.sync_once(lab.tech, password=DEMO_PASSWORD, store=store)
    assert summary.retry_scheduled == 1 and "HTTP 500" in summary.errors[0]
    (row,) = upload.list_uploads(lab.tech, which="open")
    assert row.state == "failed" and row.state_label == "失败，等待重试" and "HTTP 500" in row.last_error
    assert row.attempts == 1 and row.next_attempt_at is not None and row.can_retry
    assert upload.list_uploads(lab.tech, which="attention") == []
    board = dashboard.load_board(lab.tech)
    assert (board.upload_failed, board.upload_attention) == (1, 0)
    # not due yet: a pass now leaves it alone
    assert upload.sync_once(lab.tech, password=DEMO_PASSWORD, store=store).claimed == 0

    sandbox.faults.update({"fail_rate": 0.0})
    with pytest.raises(PermissionDenied):  # a reviewer only looks
        upload.retry(lab.rev, row.id, row.version)
    row = upload.retry(lab.tech, row.id, row.version)
    assert (row.state, row.attempts, row.last_error) == ("pending", 0, "")
    summary = upload.sync_once(lab.tech, password=DEMO_PASSWORD, store=store)
    assert summary.accepted == 1
    row = upload.get_upload(lab.tech, row.id)
    assert row.state == "accepted" and row.receipt_number
    assert dashboard.load_board(lab.tech).upload_failed == 0


def test_a_wrong_or_missing_password_keeps_everything_queued(any_lab, sandbox, store):
    lab = any_lab
    approved(lab)
    point_at(lab, sandbox)
    summary = upload.sync_once(lab.tech, password="wrong", store=store)
    assert summary.credentials_problem and summary.accepted == 0 and summary.stop_reason
    summary = upload.sync_once(lab.tech, store=store)  # no password anywhere, nobody to ask
    assert summary.credentials_problem
    (row,) = upload.list_uploads(lab.tech)
    assert (row.state, row.attempts) == ("pending", 0)
    # a password typed for the session wins over a stale one in the keyring
    store.set_password(DEMO_USER, "stale")
    from app.sync.credentials import SessionPasswords

    session = SessionPasswords()
    session.set(DEMO_USER, DEMO_PASSWORD)
    assert upload.sync_once(lab.tech, session=session, store=store).accepted == 1


def test_the_address_must_be_usable_before_anything_is_sent(lab, store):
    approved(lab)
    view = upload.overview(lab.tech, store=store)
    assert not view.configured and view.url == "" and view.problem is None
    with pytest.raises(ValidationError, match="尚未设置省级系统地址"):
        upload.sync_once(lab.tech, password="x", store=store)
    with pytest.raises(ValidationError, match="https://"):  # refused in the settings …
        lab_service.save_settings(lab.admin, {"provincial_url": "http://upload.example.com", "provincial_user": "lab"})
    with UnitOfWork(lab.db, actor="test") as uow:  # … and, stored by an older version, refused when used
        set_setting(uow.session, "provincial_url", "http://upload.example.com")
        set_setting(uow.session, "provincial_user", "lab")
        uow.commit()
    view = upload.overview(lab.tech, store=store)
    assert not view.configured and "https://" in view.problem
    with pytest.raises(ValidationError, match="https://"):
        upload.sync_once(lab.tech, password="x", store=store)
    assert upload.list_uploads(lab.tech)[0].state == "pending"


def test_the_environment_overrides_the_settings(lab, sandbox, store, monkeypatch):
    approved(lab)
    monkeypatch.setenv("RISKMON_PROVINCIAL_URL", sandbox.url)
    monkeypatch.setenv("RISKMON_PROVINCIAL_USER", DEMO_USER)
    view = upload.overview(lab.tech, store=store)
    assert view.configured and view.url == sandbox.url and view.username == DEMO_USER
    assert upload.sync_once(lab.tech, password=DEMO_PASSWORD, store=store).accepted == 1


# ------------------------------------------------------------------------------------- by hand


def test_export_for_hand_upload_then_confirm_with_the_portal_receipt(any_lab, sandbox, store, tmp_path):
    lab = any_lab
    approved(lab)
    point_at(lab, sandbox)
    (row,) = upload.list_uploads(lab.tech)
    with pytest.raises(ValidationError, match="不存在"):
        upload.export_for_hand_delivery(lab.tech, row.id, tmp_path / "missing")
    with pytest.raises(PermissionDenied):
        upload.export_for_hand_delivery(lab.rev, row.id, tmp_path)
    path = upload.export_for_hand_delivery(lab.tech, row.id, tmp_path)
    assert path.parent == tmp_path and path.name.startswith("T-01-") and verify_package(path).ok
    row = upload.get_upload(lab.tech, row.id)
    assert row.exported and row.needs_attention and row.state_label == "待确认手工上传"
    assert upload.list_uploads(lab.tech, which="attention") == [row]
    assert dashboard.load_board(lab.tech).upload_attention == 1
    # exported items are not also sent online
    assert upload.sync_once(lab.tech, password=DEMO_PASSWORD, store=store).claimed == 0
    assert sandbox.counts()["accepted"] == 0

    row = upload.confirm_delivered_by_hand(lab.tech, row.id, " HBJG-PORTAL-0042 ")
    assert (row.state, row.state_label, row.receipt_number) == ("delivered_by_hand", "已手工上传", "HBJG-PORTAL-0042")
    assert row.accepted_at is not None and row.done and not row.can_cancel
    assert upload.list_uploads(lab.tech, text="portal") == [row]
    assert upload.list_uploads(lab.tech, which="open") == []
    with pytest.raises(ValidationError, match="已被省级系统接收"):
        upload.cancel(lab.sig, row.id)
    assert audit_ok(lab.db)


def test_only_signatories_and_administrators_cancel(lab):
    approved(lab)
    (row,) = upload.list_uploads(lab.tech)
    with pytest.raises(PermissionDenied, match="授权签字人或管理员"):
        upload.cancel(lab.tech, row.id, row.version)
    row = upload.cancel(lab.sig, row.id, row.version)
    assert row.state == "cancelled" and row.can_retry and row.done
    with pytest.raises(ValidationError, match="未知的筛选条件"):
        upload.list_uploads(lab.tech, which="everything")
    from app.errors import ConflictError

    with pytest.raises(ConflictError):  # a stale view cannot act on a changed item
        upload.retry(lab.tech, row.id, row.version - 1)
    assert upload.retry(lab.tech, row.id, row.version).state == "pending"


# ------------------------------------------------------------------------------------- password


def test_the_password_is_kept_in_the_keyring_by_an_administrator(lab, store):
    lab_service.save_settings(lab.admin, {"provincial_user": "lab01"})
    assert upload.password_info(lab.tech, store=store).saved is False
    with pytest.raises(PermissionDenied):
        upload.save_password(lab.tech, "secret", store=store)
    with pytest.raises(ValidationError):
        upload.save_password(lab.admin, "", store=store)
    upload.save_password(lab.admin, "secret", store=store)
    assert store.get_password("lab01") == "secret"
    info = upload.password_info(lab.tech, store=store)
    assert info.available and info.saved and info.username == "lab01"
    assert upload.forget_password(lab.admin, store=store) is True
    assert upload.forget_password(lab.admin, store=store) is False
    assert store.get_password("lab01") is None


def test_without_a_secure_keyring_the_password_is_never_stored(lab):
    from keyring.backends.fail import Keyring as NoKeyring

    lab_service.save_settings(lab.admin, {"provincial_user": "lab01"})
    store = CredentialStore(backend=NoKeyring())
    status = upload.keyring_status(store)
    assert not status.available and "不会保存" in status.message
    info = upload.password_info(lab.tech, store=store)
    assert not info.available and info.saved is False and info.message == status.message
    with pytest.raises(CredentialsStoreError, match="不会保存"):
        upload.save_password(lab.admin, "secret", store=store)
    assert not upload.overview(lab.tech, store=store).keyring.available


def _change_stored_report_pdf(db, report_id: int) -> str:
    """Change the stored PDF of a report behind the program's back (same size, other bytes), as an
    edit of the database file would; returns the report's number."""
    with db.engine.begin() as conn:
        number, pdf = conn.execute(select(Report.__table__.c.number, Report.__table__.c.pdf)
                                   .where(Report.__table__.c.id == report_id)).one()
        pdf = bytes(pdf)
        conn.execute(Report.__table__.update().where(Report.__table__.c.id == report_id)
                     .values(pdf=pdf[:-6] + b"%EOF!\n"))
    return number


def test_a_stored_document_changed_since_approval_is_refused_and_named(any_lab, sandbox, store, tmp_path):
    """The worker does not hash each package before sending it: the provincial system refuses a body
    whose SHA-256 is not the one recorded at approval (sent with it). A report PDF changed behind the
    program's back is therefore never accepted, and the item, refused for good, names the file; to a
    folder for upload by hand (nobody checks there) it is not written at all."""
    lab = any_lab
    report, _sample_id = approved(lab)
    number = _change_stored_report_pdf(lab.db, report.id)
    point_at(lab, sandbox)
    summary = upload.sync_once(lab.tech, password=DEMO_PASSWORD, store=store)
    assert (summary.claimed, summary.accepted, summary.failed) == (1, 0, 1)
    (row,) = upload.list_uploads(lab.tech, which="attention")
    assert row.state == "failed" and row.next_attempt_at is None
    assert f"reports/{number}.pdf" in row.last_error and "SHA-256" in row.last_error, row.last_error
    counts = sandbox.counts()
    assert counts["accepted"] == 0 and counts["rejected"] == 1

    # the same item to a folder: refused before anything is written
    from app.sync import worker
    from app.sync.gateway import FolderGateway

    row = upload.retry(lab.tech, row.id, row.version)
    folder = tmp_path / "hand"
    summary = worker.run_once(lab.db, FolderGateway(folder))
    assert summary.exported == 0
    assert not folder.exists() or not any(folder.iterdir())
    (row,) = upload.list_uploads(lab.tech, which="attention")
    assert f"reports/{number}.pdf" in row.last_error, row.last_error
