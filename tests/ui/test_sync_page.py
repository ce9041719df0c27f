"""The 上报同步 page against the demo lab and the provincial sandbox on 127.0.0.1: the background
uploader asks for the password once, sends the demo's approved results and every new approval, and
the receipts appear; a failing upload shows its error and is retried; packages go out by hand and
are confirmed with the portal's receipt; roles decide which buttons work; the dashboard counts
failures."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from app.services import demo, reports, samples
from app.services import lab as lab_service
from app.services.context import Context
from app.store.models import MonitoringTask, Sample
from app.store.uow import UnitOfWork
from app.sync.sandbox import RunningSandbox
from app.sync.worker import RetryPolicy
from app.ui.ops import bus
from tests.services.amending import amend_approved
from tests.ui.helpers import as_user, settle

DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"
SERVICE = "riskmon-provincial"
KETTLE = "HBFX-2026-DQ-01"
# table columns (SyncPage.COLUMNS)
ID, TASK, KIND, REPORT, SAMPLE, STATE, TRIES, WHEN, RECEIPT, LAST_ERROR = range(10)


@pytest.fixture(autouse=True)
def _clean(monkeypatch, no_windows_left_over):
    """No window of an earlier test answers the change bus; the address comes from the settings."""
    monkeypatch.delenv("RISKMON_PROVINCIAL_URL", raising=False)
    monkeypatch.delenv("RISKMON_PROVINCIAL_USER", raising=False)


@pytest.fixture(scope="session")
def _sync_demo_file(_demo_file, tmp_path_factory):
    from app.store.db import DB_FILENAME, bootstrap

    home = tmp_path_factory.mktemp("sync-demo-lab")
    shutil.copyfile(_demo_file, home / DB_FILENAME)
    database = bootstrap(None, home=home)
    _without_the_hazard_item(database)
    database.dispose()
    return home / DB_FILENAME


def _without_the_hazard_item(database) -> None:
    """These tests are about the page's mechanics on the demo's report items (its approved result
    and the notices issued after it). The demo's major-hazard report, which goes first, is left out
    of their queue; its upload is tested in tests/services/test_hazard.py and tests/e2e."""
    from app.store.models import HazardReport, SyncOutbox

    with UnitOfWork(database, actor="test") as uow:
        for item in uow.session.scalars(select(SyncOutbox).where(SyncOutbox.kind == "hazard")):
            for h in uow.session.scalars(select(HazardReport).where(HazardReport.outbox_id == item.id)):
                h.outbox_id = None
            uow.session.flush()
            uow.session.delete(item)
        uow.commit()


@pytest.fixture
def lab_file(_sync_demo_file):
    """``lab_db`` (tests/ui/conftest.py) is the demo lab without its major-hazard upload."""
    return _sync_demo_file


@pytest.fixture
def sandbox_options() -> dict:
    return {"seed": 11}


@pytest.fixture
def open_page(qtbot, lab_db) -> Iterator[Callable[..., object]]:
    """Opens the page; at the end its uploader is stopped before the database goes away."""
    from app.ui.pages.sync import SyncPage

    pages = []

    def make(ctx: Context, *, policy: RetryPolicy | None = None) -> SyncPage:
        page = SyncPage(ctx)
        page.runner.policy = policy or RetryPolicy(base_delay=3600, jitter=0)  # no retry on its own here
        page.runner.idle_interval = 60.0  # only a wake (approval, retry) makes it look again soon
        qtbot.addWidget(page)
        page.resize(1200, 720)
        page.show()
        page.refresh()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.runner.stop(wait=10)
    settle(qtbot)


def connect(db, sandbox: RunningSandbox) -> None:
    lab_service.save_settings(as_user(db, "admin"), {"provincial_url": sandbox.url, "provincial_user": DEMO_USER})


def approve_another(db) -> str:
    """Compile, review and approve one more completed kettle sample, as the demo's people do."""
    with UnitOfWork(db, actor="test") as uow:
        sample_id = uow.session.scalar(
            select(Sample.id).join(MonitoringTask, MonitoringTask.id == Sample.task_id)
            .where(MonitoringTask.number == KETTLE, Sample.status == "completed").order_by(Sample.id).limit(1)
        )
    tech, reviewer, signatory = (as_user(db, u) for u in ("wangjian", "chenjing", "zhaomin"))
    report = reports.compile_report(tech, sample_id, samples.get_sample(tech, sample_id).version)
    report = reports.review_report(reviewer, report.id, report.version, demo.DEMO_PASSWORD)
    report = reports.approve_report(signatory, report.id, report.version, demo.DEMO_PASSWORD)
    return report.number


def cell(page, row: int, col: int) -> str:
    item = page.table.item(row, col)
    return item.text() if item is not None else ""



# ----------------------------------------------------------------------------------------------


def test_the_page_asks_for_the_password_once_and_shows_the_receipts(qtbot, lab_db, sandbox, memory_keyring,
                                                                     open_page):
    connect(lab_db, sandbox)
    page = open_page(as_user(lab_db, "admin"))
    # the demo's approved results and the notices issued after them are queued; the uploader starts and needs
    # the password
    qtbot.waitUntil(lambda: page.password_dialog is not None and page.password_dialog.isVisible(), timeout=10000)
    dialog = page.password_dialog
    assert DEMO_USER in dialog.findChild(QLabel, "account").text() and sandbox.url in dialog.findChild(
        QLabel, "account").text()
    # a secure keyring, and an administrator (known once the page has read its view, if the dialog came first)
    qtbot.waitUntil(dialog.save.isEnabled, timeout=5000)
    # the runner asks for the password as it stops: the label follows once it has stopped (its own signal)
    qtbot.waitUntil(lambda: page.runner_label.text() == "后台上传已暂停，等待输入省级系统密码。", timeout=5000)
    dialog.accept()  # nothing typed: the dialog stays and says so
    assert dialog.error.text() == "请输入密码。" and page.password_dialog is dialog
    dialog.password.setText("not-the-password")
    dialog.accept()
    # refused: asked again at once, since the user just typed it, with the reason
    qtbot.waitUntil(lambda: page.password_dialog is not None and page.password_dialog is not dialog, timeout=10000)
    dialog = page.password_dialog
    assert dialog.reason.isVisibleTo(dialog) and dialog.reason.text()
    assert sandbox.counts()["accepted"] == 0
    dialog.password.setText(DEMO_PASSWORD)
    dialog.save.setChecked(True)
    dialog.accept()

    qtbot.waitUntil(lambda: len(page.rows) == 2 and all(r.receipt_number for r in page.rows), timeout=15000)
    settle(qtbot)
    assert cell(page, 0, TASK) == KETTLE and cell(page, 0, STATE) == "已接收"
    assert [cell(page, r, KIND) for r in range(2)] == ["告知书", "结果"]
    assert cell(page, 0, RECEIPT).startswith("HBJG-") and cell(page, 0, RECEIPT) == page.detail_receipt.text()
    assert memory_keyring.values[(SERVICE, DEMO_USER)] == DEMO_PASSWORD  # saved where it was asked to be
    assert page.runner.is_running() and "后台上传已开启" in page.runner_label.text()

    # another approval: the uploader is woken by the change bus and sends it right away
    number = approve_another(lab_db)
    bus.changed.emit({"sample", "report"})
    qtbot.waitUntil(lambda: len(page.rows) == 3 and all(r.receipt_number for r in page.rows), timeout=15000)
    settle(qtbot)
    receipts = {cell(page, r, RECEIPT) for r in range(page.table.rowCount())}
    assert len(receipts) == 3 and all(r.startswith("HBJG-") for r in receipts)
    newest = page.rows[0]
    assert newest.report_number == number and sandbox.counts()["accepted"] == 3
    assert cell(page, 0, REPORT) == number and cell(page, 0, KIND) == "结果"
    assert "已接收 3" in page.counts_label.text()

    # "sync now" with nothing due says so; nothing is sent twice
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text() == "没有需要上传的内容。", timeout=10000)
    assert sandbox.counts()["accepted"] == 3 and sandbox.counts()["duplicates_prevented"] == 0

    page.close()  # closing stops the uploader
    assert page.runner.wait_stopped(10)


def test_a_failing_upload_shows_its_error_and_is_retried(qtbot, lab_db, sandbox, memory_keyring, open_page):
    connect(lab_db, sandbox)
    memory_keyring.set_password(SERVICE, DEMO_USER, DEMO_PASSWORD)  # kept from an earlier session
    sandbox.faults.update({"fail_rate": 1.0})
    page = open_page(as_user(lab_db, "wangjian"))
    qtbot.waitUntil(lambda: len(page.rows) == 2 and all(r.state == "failed" for r in page.rows), timeout=15000)
    settle(qtbot)
    assert page.password_dialog is None  # the keyring had it: nobody was asked
    assert cell(page, 0, STATE) == "失败，等待重试" and "HTTP 500" in cell(page, 0, LAST_ERROR)
    assert "HTTP 500" in page.detail_error.text() and page.rows[0].next_attempt_at is not None
    assert page.table.item(0, STATE).background().color().name() == "#ffe2b8"
    assert page.table.item(0, WHEN).toolTip().startswith("下次尝试：")
    assert "失败 2" in page.counts_label.text()

    sandbox.faults.update({"fail_rate": 0.0})
    assert page.retry_button.isEnabled() and not page.cancel_button.isEnabled()  # a technician cannot cancel
    qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.rows) and page.rows[0].state == "accepted", timeout=15000)
    settle(qtbot)
    assert cell(page, 0, RECEIPT).startswith("HBJG-") and cell(page, 0, LAST_ERROR) == ""
    assert page.table.item(0, WHEN).toolTip().startswith("接收时间：")
    assert sandbox.counts()["accepted"] == 1 and page.rows[1].state == "failed"  # only the one retried


def test_export_for_upload_by_hand_then_confirm_with_the_portal_receipt(qtbot, lab_db, tmp_path, open_page,
                                                                       export_notices):
    page = open_page(as_user(lab_db, "admin"))  # no provincial address: nothing runs in the background
    qtbot.waitUntil(lambda: bool(page.rows), timeout=10000)
    settle(qtbot)
    assert not page.runner.is_running() and "尚未设置省级系统地址" in page.connection_label.text()
    assert cell(page, 0, STATE) == "待上传" and not page.retry_button.isEnabled()

    asked = []
    page.confirm = lambda title, text: asked.append(text) or False
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert asked and page.rows[0].state == "pending"  # said no: nothing changed
    page.confirm = lambda title, text: True
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.rows[0].state == "cancelled", timeout=10000)
    settle(qtbot)
    assert cell(page, 0, STATE) == "已取消" and page.retry_button.isEnabled()

    page.choose_folder = lambda: str(tmp_path)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.rows[0].exported, timeout=10000)
    settle(qtbot)
    (written,) = tmp_path.glob(f"{KETTLE}-*.zip")
    assert str(written) in page.message.text()
    # asked once, naming the package and quoting Article 8; the package says it is confidential
    from app.rules.publication import ARTICLE_8

    [(_title, text)] = export_notices
    assert "供手工上传的上传包" in text and KETTLE in text and ARTICLE_8 in text
    with zipfile.ZipFile(written) as zf:
        assert json.loads(zf.read("manifest.json"))["confidential"] is True
    assert cell(page, 0, STATE) == "待确认手工上传" and page.confirm_button.isEnabled()

    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    dialog = page.hand_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.receipt.setText("HBJG-2026-900001")
    dialog.accept()
    qtbot.waitUntil(lambda: page.rows[0].state == "delivered_by_hand", timeout=10000)
    settle(qtbot)
    assert cell(page, 0, STATE) == "已手工上传" and cell(page, 0, RECEIPT) == "HBJG-2026-900001"
    assert not page.export_button.isEnabled() and not page.cancel_button.isEnabled()


def test_a_reviewer_only_looks(qtbot, lab_db, sandbox, memory_keyring, open_page):
    connect(lab_db, sandbox)
    page = open_page(as_user(lab_db, "chenjing"))
    qtbot.waitUntil(lambda: bool(page.rows), timeout=10000)
    # the uploader tried and found no password; a reviewer is not asked for the lab's account
    qtbot.waitUntil(lambda: "密码" in page.message.text(), timeout=10000)
    settle(qtbot)
    # the runner stops on its own thread: the label follows when its running_changed signal arrives
    qtbot.waitUntil(lambda: page.runner_label.text() == "后台上传已暂停，等待输入省级系统密码。", timeout=5000)
    assert page.password_dialog is None and not page.runner.is_running()
    buttons = (page.sync_button, page.retry_button, page.cancel_button, page.export_button, page.confirm_button,
               page.password_button)
    assert not any(b.isEnabled() for b in buttons)
    assert cell(page, 0, TASK) == KETTLE and cell(page, 0, STATE) == "待上传"


def test_without_a_secure_keyring_the_password_is_asked_once_and_never_saved(qtbot, lab_db, sandbox, open_page):
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    connect(lab_db, sandbox)
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        page = open_page(as_user(lab_db, "admin"))
        qtbot.waitUntil(lambda: page.password_dialog is not None, timeout=10000)
        dialog = page.password_dialog
        note = dialog.findChild(QLabel, "keyring_note")
        assert not dialog.save.isEnabled() and "不会保存" in note.text()
        dialog.reject()
        settle(qtbot)
        assert page.password_dialog is None and "未输入密码" in page.message.text()
        assert page.keyring_label.isVisible() and "不会保存" in page.keyring_label.text()
        # started again in the background: no second question in this session
        page.runner.start()
        qtbot.waitUntil(lambda: not page.runner.is_running(), timeout=10000)
        settle(qtbot)
        assert page.password_dialog is None
        # the user asks for it: "sync now" asks, then sends
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.password_dialog is not None, timeout=10000)
        page.password_dialog.password.setText(DEMO_PASSWORD)
        page.password_dialog.accept()
        qtbot.waitUntil(lambda: bool(page.rows) and page.rows[0].receipt_number != "", timeout=15000)
        assert "已接收 1 项" in page.message.text() or page.rows[0].state == "accepted"
    finally:
        keyring.set_keyring(previous)


def test_the_dashboard_counts_failed_uploads(qtbot, lab_db, sandbox):
    from app.services import upload
    from app.ui.pages.dashboard import DashboardPage

    connect(lab_db, sandbox)
    sandbox.faults.update({"fail_rate": 1.0})
    summary = upload.sync_once(as_user(lab_db, "wangjian"), password=DEMO_PASSWORD)
    assert summary.retry_scheduled == 2  # the demo's approved result and the notices issued after it
    page = DashboardPage(as_user(lab_db, "admin"))
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.board is not None, timeout=10000)
    assert page.cards["uploads"].text() == "2"
    assert page.cards["uploads"].toolTip() == "其中 0 项需人工处理（被拒收，或已导出待手工上传）"


def _amend_and_reapprove(db) -> tuple[str, str, str]:
    """An approved kettle result is amended and the replacing report approved (with its notices): the
    unsent items of the report it replaces are superseded. Returns (old number, new number, sample)."""
    from app.services import testing

    tech, reviewer, signatory = (as_user(db, u) for u in ("wangjian", "chenjing", "zhaomin"))
    sid = next(c.id for c in testing.find_samples(tech, "", statuses=("reported",)))
    old = reports.list_reports(tech, sample_id=sid)[0]
    row = next(r for r in testing.results_grid(tech, sid).rows if r.item == "泄漏电流")
    amend_approved(tech, signatory, demo.DEMO_PASSWORD, row.id, row.version, value_text="0.15",
                   amendment_reason="抄录错误")
    report = reports.compile_report(tech, sid, samples.get_sample(tech, sid).version)
    report = reports.review_report(reviewer, report.id, report.version, demo.DEMO_PASSWORD)
    report = reports.approve_report(signatory, report.id, report.version, demo.DEMO_PASSWORD, issue_notices=True)
    return old.number, report.number, samples.get_sample(tech, sid).number


def test_the_list_shows_what_each_upload_is_and_a_superseded_one_greyed_with_its_reason(qtbot, lab_db, open_page):
    from app.services import analysis_reports, tasks

    old, new, sample = _amend_and_reapprove(lab_db)
    tech, reviewer, signatory = (as_user(lab_db, u) for u in ("wangjian", "chenjing", "zhaomin"))
    kettle = next(t.id for t in tasks.list_tasks(tech) if t.data.number == KETTLE)
    analysis = analysis_reports.compile_analysis(tech, kettle)
    analysis = reports.review_report(reviewer, analysis.id, analysis.version, demo.DEMO_PASSWORD)
    reports.approve_report(signatory, analysis.id, analysis.version, demo.DEMO_PASSWORD)

    page = open_page(as_user(lab_db, "admin"))  # no provincial address: nothing is sent
    page.which.setCurrentIndex(page.which.findData("all"))
    qtbot.waitUntil(lambda: len(page.rows) == 4, timeout=10000)
    settle(qtbot)
    listed = [[cell(page, r, c) for c in (TASK, KIND, REPORT, SAMPLE, STATE)] for r in range(4)]
    assert listed == [
        [KETTLE, "分析报告", f"{KETTLE}-FX", "", "待上传"],
        [KETTLE, "结果", new, sample, "待上传"],
        [KETTLE, "告知书", old, sample, "已被替代，不再上传"],
        [KETTLE, "结果", old, sample, "已被替代，不再上传"],
    ]
    note = f"报告 {old} 已被更正报告 {new} 替代，本项不再上传。"
    for r in (2, 3):
        assert cell(page, r, LAST_ERROR) == note and page.table.item(r, STATE).toolTip() == note
        assert page.table.item(r, REPORT).foreground().color().name() == "#808080"  # greyed
    assert page.table.item(1, REPORT).foreground().color().name() != "#808080"
    assert "已被替代 2" in page.counts_label.text()

    # nothing can be done with a superseded upload; the reason is in the details
    assert page.select_item(page.rows[3].id)
    settle(qtbot)
    actions = (page.retry_button, page.cancel_button, page.export_button, page.confirm_button)
    assert not any(b.isEnabled() for b in actions)
    assert "已被替代" in page.retry_button.toolTip()
    assert page.detail_note.isVisibleTo(page) and page.detail_note.text() == note
    assert old in page.detail_report.text() and sample in page.detail_report.text()
    page.confirm = lambda title, text: True
    page.cancel()  # even past the disabled button: nothing happens
    settle(qtbot)
    assert page.rows[3].state == "superseded"
    # the replacing report's upload can be worked with
    assert page.select_item(page.rows[1].id)
    settle(qtbot)
    assert page.cancel_button.isEnabled() and page.export_button.isEnabled()
    assert not page.detail_note.isVisibleTo(page) and "已被替代" not in page.retry_button.toolTip()

    # superseded uploads are listed only under "all"
    page.which.setCurrentIndex(page.which.findData("open"))
    qtbot.waitUntil(lambda: len(page.rows) == 2, timeout=10000)
    assert not any(r.superseded for r in page.rows)
    # the filter finds uploads by sample number
    page.which.setCurrentIndex(page.which.findData("all"))
    page.filter.setText(sample)
    page.refresh()
    qtbot.waitUntil(lambda: len(page.rows) == 3, timeout=10000)
    assert all(r.sample_number == sample for r in page.rows)
    page.filter.clear()  # the filter is remembered (QSettings): later pages start unfiltered
    page.refresh()
    settle(qtbot)
