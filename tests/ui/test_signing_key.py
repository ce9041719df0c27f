"""The lab's signing key in the GUI: 设置 → 签章密钥 (generate as administrator, not as a technician,
unlock with a wrong then the right password), the key asked for once before an approval signs (and
cancelling signs nothing), a KeyLocked that reaches a page shown as its message, and 核验报告 on the
报告与告知 page (真实 for a signed report, 已被改动 once a byte is flipped)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog

from app.security import labkey as crypto
from app.services import demo, documents, labkey, reports, samples, testing, verify
from app.services.context import Context
from app.store.models import Report
from app.store.uow import UnitOfWork
from app.sync.credentials import CredentialStore
from app.ui.dialogs.unlock_key import UnlockKeyDialog, current_dialog
from tests.sync.helpers import MemoryKeyring
from tests.ui.helpers import as_user, settle

KEY_PASSWORD = "lab-key-password"
KETTLE = "HBFX-2026-DQ-01"


# ------------------------------------------------------------------------------------- fixtures
@pytest.fixture(autouse=True)
def _clean_key_state(monkeypatch, no_windows_left_over):
    """Nothing unlocked leaks between tests; no password from the environment."""
    monkeypatch.delenv(labkey.PASSWORD_ENV, raising=False)
    labkey._unlocked.clear()
    yield
    labkey._unlocked.clear()


@pytest.fixture(autouse=True)
def key_keyring(monkeypatch) -> MemoryKeyring:
    """The key's password is remembered in memory, never in this machine's keyring."""
    backend = MemoryKeyring()
    monkeypatch.setattr(labkey, "_keyring",
                        lambda store: store or CredentialStore(service=labkey.KEYRING_SERVICE, backend=backend))
    return backend

    QCoreApplication.processEvents()


def locked_lab_key(db) -> labkey.KeyInfo:
    """The lab's own key with a password (the active key), not unlocked on this workstation."""
    info = labkey.create_key(as_user(db, "admin"), KEY_PASSWORD)
    labkey._unlocked.clear()
    return info


def key_tab(qtbot, ctx: Context):
    from app.ui.pages.settings import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.refresh()
    page.key_tab.refresh()
    qtbot.waitUntil(lambda: page.key_tab.loaded > 0, timeout=10000)
    settle(qtbot)
    assert page.tabs.tabText(page.tabs.indexOf(page.key_tab)) == "签章密钥"
    return page.key_tab


# ------------------------------------------------------------------------------------- 设置 → 签章密钥
def test_the_administrator_generates_a_key_that_replaces_the_demo_key(qtbot, lab_db, key_keyring):
    admin = as_user(lab_db, "admin")
    tab = key_tab(qtbot, admin)
    # the demo key: marked, with the warning, and unlocked without asking (the program knows its password)
    assert tab.active is not None and tab.active.demo
    assert tab.demo_warning.isVisibleTo(tab) and "不得" in tab.demo_warning.text()
    assert tab.kind.text() == "演示密钥" and tab.state.text().startswith("已解锁")
    assert tab.create_button.isEnabled() and tab.import_button.isEnabled()
    assert tab.table.rowCount() == 0

    dialog = tab.create_key()
    dialog.password.setText("short")
    dialog.password2.setText("short")
    dialog.submit()
    assert "至少 8 个字符" in dialog.error.text() and dialog.isVisible()
    dialog.password.setText(KEY_PASSWORD)
    dialog.password2.setText(KEY_PASSWORD + "x")
    dialog.submit()
    assert "两次输入的密码不一致" in dialog.error.text() and dialog.isVisible()
    assert dialog.password.text() == KEY_PASSWORD  # nothing typed is lost
    dialog.password2.setText(KEY_PASSWORD)
    dialog.remember.setChecked(True)
    assert dialog.remember.text() == "在本机记住密码"
    dialog.submit()
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: tab.active is not None and not tab.active.demo, timeout=10000)

    created = labkey.key_status(admin)
    assert created.fingerprint == tab.active.fingerprint and created.unlocked and not created.demo
    assert not tab.demo_warning.isVisibleTo(tab) and tab.state.text().startswith("已解锁")
    assert "已生成" in tab.status.text()
    assert key_keyring.values[(labkey.KEYRING_SERVICE, created.fingerprint)] == KEY_PASSWORD
    # the demo key stays, inactive, so that what it signed can still be verified
    assert tab.table.rowCount() == 1 and tab.table.item(0, 1).text() == "演示密钥"


def test_a_technician_cannot_generate_or_import_a_key_but_can_unlock_it(qtbot, lab_db):
    locked_lab_key(lab_db)
    tech = as_user(lab_db, "wangjian")
    tab = key_tab(qtbot, tech)
    assert not tab.create_button.isEnabled() and not tab.import_button.isEnabled()
    assert "管理员" in tab.create_button.toolTip()
    assert tab.create_key() is None and tab.import_key() is None
    assert "管理员" in tab.status.text()
    assert tab.unlock_button.isEnabled()
    assert tab.state.text().startswith("未解锁")

    # even past the buttons, the service refuses: the message is shown in the dialog
    from app.ui.pages.settings_key import CreateKeyDialog

    dialog = CreateKeyDialog(tech, tab.active, tab)
    dialog.password.setText("another-password")
    dialog.password2.setText("another-password")
    dialog.submit()
    settle(qtbot)
    assert "只有管理员才能生成签章密钥" in dialog.error.text()
    assert len(labkey.list_keys(tech)) == 2


def test_a_wrong_unlock_password_is_shown_and_the_right_one_unlocks(qtbot, lab_db, key_keyring):
    info = locked_lab_key(lab_db)
    tech = as_user(lab_db, "wangjian")
    tab = key_tab(qtbot, tech)
    assert tab.active.fingerprint == info.fingerprint and not tab.active.unlocked
    dialog = tab.unlock_key()
    assert isinstance(dialog, UnlockKeyDialog)
    dialog.submit()
    assert dialog.error.text() == "请输入签章密钥的密码。"
    dialog.password.setText("wrong password")
    dialog.submit()
    settle(qtbot)
    assert dialog.isVisible() and dialog.error.text() == "签章密钥的密码不正确。"
    assert dialog.password.text() == "wrong password"
    assert not labkey.key_status(tech).unlocked

    dialog.password.setText(KEY_PASSWORD)
    dialog.submit()
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: tab.active is not None and tab.active.unlocked, timeout=10000)
    assert tab.state.text().startswith("已解锁") and "已解锁" in tab.status.text()
    assert labkey.ensure_unlocked(tech)
    assert not key_keyring.values  # not asked to remember


def test_without_a_keyring_the_key_is_unlocked_for_the_session_only(qtbot, lab_db, monkeypatch):
    from keyring.backends.fail import Keyring as NoKeyring

    locked_lab_key(lab_db)
    monkeypatch.setattr(labkey, "_keyring", lambda store: store or CredentialStore(
        service=labkey.KEYRING_SERVICE, backend=NoKeyring()))
    tech = as_user(lab_db, "wangjian")
    tab = key_tab(qtbot, tech)
    dialog = tab.unlock_key()
    dialog.password.setText(KEY_PASSWORD)
    dialog.remember.setChecked(True)
    dialog.submit()
    settle(qtbot)
    # unlocked, but not remembered: said in the dialog, which then goes on
    assert dialog.isVisible() and "本次会话" in dialog.error.text() and "签章密钥的密码不会保存" in dialog.error.text()
    assert not dialog.remember.isEnabled() and dialog.ok.text() == "继续"
    assert labkey.key_status(tech).unlocked
    dialog.submit()
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "本次会话" in tab.status.text()


# ------------------------------------------------------------------------------------- before signing
def _reviewed(lab_db, product: str = "") -> tuple[Context, int, reports.ReportInfo]:
    """A completed sample without problems, its report compiled and reviewed."""
    tech = as_user(lab_db, "wangjian")
    sid = next(c.id for c in testing.find_samples(tech, product, statuses=("completed",))
               if not any(r.judgement == "fail" for r in testing.results_grid(tech, c.id).rows))
    report = reports.compile_report(tech, sid, samples.get_sample(tech, sid).version)
    report = reports.review_report(as_user(lab_db, "chenjing"), report.id, report.version, demo.DEMO_PASSWORD)
    return tech, sid, report


def _testing_page(qtbot, ctx: Context, sid: int):
    from app.ui.pages.testing import TestingPage

    page = TestingPage(ctx)
    qtbot.addWidget(page)
    page.resize(1130, 760)
    page.show()
    page.open(sample_id=sid)
    settle(qtbot)
    assert page.work is not None and page.work.sample_id == sid
    return page


def _approve(qtbot, page) -> None:
    """批准 with the signatory's own password (the sign dialog), as the page asks for it."""
    page.approve()
    page.dialog.password.setText(demo.DEMO_PASSWORD)
    page.dialog._ok()
    settle(qtbot)


def _stored_pdf(db, report_id: int) -> bytes | None:
    with UnitOfWork(db, actor="test") as uow:
        pdf = uow.session.get(Report, report_id).pdf
        return bytes(pdf) if pdf is not None else None


def test_the_key_is_asked_for_once_before_an_approval_signs(qtbot, lab_db):
    info = locked_lab_key(lab_db)
    tech, sid, report = _reviewed(lab_db)
    sig = as_user(lab_db, "zhaomin")
    page = _testing_page(qtbot, sig, sid)
    _approve(qtbot, page)
    dialog = current_dialog(page)
    assert dialog is not None and page.dialog is None  # the sign dialog closed, the key is asked for
    assert info.subject in dialog.findChild(type(dialog.info), "key_subject").text()
    assert reports.get_report(tech, report.id).status == "reviewed"  # nothing signed yet
    dialog.password.setText("wrong password")
    dialog.submit()
    settle(qtbot)
    assert dialog.error.text() == "签章密钥的密码不正确。"
    assert reports.get_report(tech, report.id).status == "reviewed"
    dialog.password.setText(KEY_PASSWORD)
    dialog.submit()
    settle(qtbot)
    assert page.work.report.status == "approved" and not page.message.text()
    verdict = verify.verify_pdf(lab_db, _stored_pdf(lab_db, report.id))
    assert verdict.status == crypto.AUTHENTIC and verdict.number == report.number
    assert labkey.key_status(sig).fingerprint == info.fingerprint

    # once per session: the next approval signs without asking
    _, other_sid, other = _reviewed(lab_db)
    page.open(sample_id=other_sid)
    settle(qtbot)
    _approve(qtbot, page)
    assert current_dialog(page) is None
    assert reports.get_report(tech, other.id).status == "approved"
    assert verify.verify_pdf(lab_db, _stored_pdf(lab_db, other.id)).ok


def test_cancelling_the_key_dialog_approves_nothing(qtbot, lab_db):
    locked_lab_key(lab_db)
    tech, sid, report = _reviewed(lab_db)
    page = _testing_page(qtbot, as_user(lab_db, "zhaomin"), sid)
    _approve(qtbot, page)
    dialog = current_dialog(page)
    assert dialog is not None
    dialog.reject()
    settle(qtbot)
    assert current_dialog(page) is None
    assert reports.get_report(tech, report.id).status == "reviewed"
    assert _stored_pdf(lab_db, report.id) is None
    assert not page.message.text()  # cancelled: no error either
    assert page.work.report.status == "reviewed" and page.approve_button.isEnabled()


def test_a_locked_key_that_reaches_a_page_is_shown_as_its_message(qtbot, lab_db, monkeypatch):
    import app.ui.pages.testing as testing_page

    locked_lab_key(lab_db)
    tech, sid, report = _reviewed(lab_db)
    monkeypatch.setattr(testing_page, "ensure_key_unlocked", lambda ctx, parent, proceed, *a, **kw: proceed())
    page = _testing_page(qtbot, as_user(lab_db, "zhaomin"), sid)
    _approve(qtbot, page)
    assert "签章密钥尚未解锁" in page.message.text()
    assert reports.get_report(tech, report.id).status == "reviewed"


def _reports_page(qtbot, ctx: Context):
    from app.ui.pages.reports import ReportsPage

    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1130, 760)
    page.show()
    page.refresh()
    settle(qtbot)
    page.task_box.setCurrentIndex(page.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith))
    settle(qtbot)
    return page


def test_the_export_package_asks_for_the_key_and_is_signed(qtbot, lab_db, tmp_path: Path, monkeypatch):
    locked_lab_key(lab_db)
    page = _reports_page(qtbot, as_user(lab_db, "wangjian"))
    monkeypatch.setattr(page, "ask_folder", lambda caption: str(tmp_path))
    page.export_package()
    settle(qtbot)
    dialog = current_dialog(page)
    assert dialog is not None
    dialog.reject()
    settle(qtbot)
    assert not list(tmp_path.glob("*.zip"))  # cancelled: nothing written

    page.export_package()
    settle(qtbot)
    dialog = current_dialog(page)
    dialog.password.setText(KEY_PASSWORD)
    dialog.submit()
    settle(qtbot)
    [package] = tmp_path.glob("*.zip")
    assert "manifest.sig" in zipfile.ZipFile(package).namelist()
    assert str(package) in page.status.text()


# ------------------------------------------------------------------------------------- 核验报告
def test_the_verify_dialog_shows_authentic_and_altered(qtbot, demo_ctx, tmp_path: Path):
    page = _reports_page(qtbot, demo_ctx)
    assert page.verify_button.isEnabled() and page.verify_button.text() == "核验报告…"
    [row] = [r for r in page.rows if r.approved]
    pdf = documents.test_report_pdf(demo_ctx, row.sample_id)
    good = tmp_path / "brought-in.pdf"
    good.write_bytes(pdf)
    page.verify_report(good)
    settle(qtbot)
    dialog = page.verify_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.status.text() == "真实" and "#2e7d32" in dialog.status.styleSheet()
    assert dialog.line.text().startswith("真实：")
    assert dialog.fields["number"].text() == row.report_number and dialog.fields["kind"].text() == "检验报告"
    assert dialog.fields["date"].text()
    dialog.reject()

    altered = bytearray(pdf)
    at = pdf.index(b"/Producer")
    altered[at + 12] ^= 0x01
    bad = tmp_path / "altered.pdf"
    bad.write_bytes(bytes(altered))
    page.verify_report(bad)
    settle(qtbot)
    dialog = page.verify_dialog
    assert dialog.status.text() == "已被改动" and "#c62828" in dialog.status.styleSheet()
    assert dialog.line.text().startswith("已被改动：")
    dialog.reject()

    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_bytes(b"hello")
    page.verify_report(not_pdf)
    settle(qtbot)
    assert page.verify_dialog.status.text() == "已被改动" and "不是 PDF" in page.verify_dialog.line.text()
    page.verify_dialog.reject()
