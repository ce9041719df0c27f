"""设置 page: who sees the users administration, adding a user, the calendar import that refuses a
bad line, the live number-pattern preview, one's own password, and the interface language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QGroupBox

from app import clock
from app.services import calendar as calendar_service
from app.services import lab as lab_service
from app.services import users
from app.services.context import Context
from tests.ui.helpers import settle


def open_page(qtbot, ctx: Context):
    from app.ui.pages.settings import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded > 0, timeout=10000)
    settle(qtbot)
    return page


def as_user(ctx: Context, username: str) -> Context:
    return Context(ctx.db, users.authenticate(ctx.db, username, "demo1234"))


def test_a_technician_sees_only_their_own_account(qtbot, demo_ctx):
    tech = as_user(demo_ctx, "wangjian")
    page = open_page(qtbot, tech)
    assert page.users_admin is None and page.findChild(QGroupBox, "users_admin") is None
    assert page.add_user() is None
    assert page.tabs.tabText(1) == "我的账号"
    assert page.findChild(QGroupBox, "my_account") is not None
    # lab-wide values are shown read-only
    assert page.lab_name.text() == lab_service.get_lab(tech).name and page.lab_name.isReadOnly()
    assert not page.lab_form.save_button.isVisible() and not page.numbers_form.save_button.isVisibleTo(page)

    page.current_password.setText("wrong one")
    page.new_password.setText("brand new pass")
    page.new_password2.setText("brand new pass")
    page.change_password()
    settle(qtbot)
    assert "当前密码不正确" in page.password_form.error_text.text()
    assert page.new_password.text() == "brand new pass"  # nothing typed is lost
    page.current_password.setText("demo1234")
    page.change_password()
    settle(qtbot)
    assert page.current_password.text() == "" and page.password_form.status.text()
    assert users.authenticate(demo_ctx.db, "wangjian", "brand new pass").username == "wangjian"


def test_the_administrator_adds_a_user(qtbot, demo_ctx):
    page = open_page(qtbot, demo_ctx)
    assert page.users_admin is not None
    assert {u.username for u in page.users} >= {"admin", "wangjian", "chenjing", "zhaomin"}
    dialog = page.add_user()
    dialog.username.setText("sunli")
    dialog.display_name.setText("孙丽")
    dialog.password.setText("12345678")
    dialog.password2.setText("12345678")
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "请至少选择一个角色" in dialog.error_text.text()
    dialog.roles["technician"].setChecked(True)
    dialog.roles["reviewer"].setChecked(True)
    dialog.save()
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: any(u.username == "sunli" for u in page.users), timeout=10000)
    row = next(r for r in range(page.user_table.rowCount()) if page.user_table.item(r, 0).text() == "sunli")
    assert page.user_table.item(row, 2).text() == "检验员、审核人"

    # and turns the account off again
    page.user_table.selectRow(row)
    edit = page.edit_user()
    assert edit.username.isReadOnly()
    edit.active.setChecked(False)
    edit.save()
    settle(qtbot)
    assert edit.result() == QDialog.DialogCode.Accepted
    assert not next(u for u in users.list_users(demo_ctx) if u.username == "sunli").active
    with pytest.raises(users.AuthenticationError, match="已停用"):
        users.authenticate(demo_ctx.db, "sunli", "12345678")


def test_the_user_dialog_shows_every_problem_at_once(qtbot, demo_ctx):
    page = open_page(qtbot, demo_ctx)
    dialog = page.add_user()
    dialog.username.setText("x")
    dialog.password.setText("short")
    dialog.password2.setText("other")
    dialog.save()
    settle(qtbot)
    text = dialog.error_text.text()
    for part in ("用户名须为", "请填写姓名", "请至少选择一个角色", "密码至少", "两次"):
        assert part in text, text
    marked = {w.objectName() for w in dialog.errors._marked}
    assert marked == {"username", "display_name", "roles", "password", "password2"}
    assert dialog.isVisible() and "sunli" not in {u.username for u in users.list_users(demo_ctx)}
    # a name that exists already is said together with the other problems (the service checks it)
    dialog.username.setText("wangjian")
    dialog.display_name.setText("王健")
    dialog.roles["technician"].setChecked(True)
    dialog.password.setText("12345678")
    dialog.password2.setText("12345678")
    dialog.save()
    settle(qtbot)
    assert "已存在" in dialog.error_text.text() and dialog.isVisible()


def test_lab_cma_number_and_provincial_address_are_checked(qtbot, demo_ctx):
    page = open_page(qtbot, demo_ctx)
    page.cma.setText("CMA-0001")
    page.save_lab()
    settle(qtbot)
    assert "12 位数字" in page.lab_form.error_text.text()
    assert lab_service.get_lab(demo_ctx).cma_number == "241712050999"  # unchanged
    page.provincial_url.setText("http://sjjg.example.cn/api")
    page.provincial_user.setText("")
    page.save_provincial()
    settle(qtbot)
    text = page.provincial_form.error_text.text()
    assert "https://" in text and "用户名" in text
    assert lab_service.get_settings(demo_ctx)["provincial_url"] == ""
    page.provincial_url.setText("http://127.0.0.1:8765")
    page.provincial_user.setText("demo")
    page.save_provincial()
    settle(qtbot)
    assert lab_service.get_settings(demo_ctx)["provincial_url"] == "http://127.0.0.1:8765"


def test_a_calendar_import_with_a_bad_line_changes_nothing(qtbot, demo_ctx, tmp_path: Path):
    from app.ui.dialogs.catalog_dialogs import ProblemsDialog

    page = open_page(qtbot, demo_ctx)
    year = calendar_service.known_years(demo_ctx)[1]
    page.cal_year.setValue(year)
    settle(qtbot)
    before = calendar_service.year_days(demo_ctx, year)
    assert page.days == before[0]
    bad = tmp_path / "notice.csv"
    bad.write_text(f"date,kind,name\n{year}-05-06,holiday,劳动节\n{year}-02-30,holiday,春节\n{year}-05-07,rest,x\n",
                   encoding="utf-8")
    page.import_calendar(bad)
    settle(qtbot)
    assert isinstance(page.dialog, ProblemsDialog)
    text = page.dialog.text.toPlainText()
    assert "第 3 行" in text and "第 4 行" in text and "第 2 行" not in text
    assert calendar_service.year_days(demo_ctx, year) == before

    good = tmp_path / "notice.json"
    good.write_text(f'[{{"date": "{year}-05-06", "kind": "holiday", "name": "劳动节"}}]', encoding="utf-8")
    shown = []
    page.show_message = lambda title, text: shown.append(text)
    page.import_calendar(good)
    settle(qtbot)
    qtbot.waitUntil(lambda: any(d.date == dt.date(year, 5, 6) for d in page.days), timeout=10000)
    assert shown
    row = next(r for r, d in enumerate(page.days) if d.date == dt.date(year, 5, 6))
    page.day_table.selectRow(row)
    assert page.remove_day_button.isEnabled()


def test_the_calendar_tab_shows_each_years_notice_and_marks_a_year_complete(qtbot, demo_ctx, tmp_path: Path):
    """Issue 14: a partial import is 已录入（不完整，暂定）; the administrator marks the notice complete."""
    page = open_page(qtbot, demo_ctx)
    qtbot.waitUntil(lambda: len(page.years) > 0, timeout=10000)
    states = {int(page.year_table.item(r, 0).text()): page.year_table.item(r, 1).text()
              for r in range(page.year_table.rowCount())}
    assert states[2020] == "官方" and states[2031] == "推定（暂定）"

    page.cal_year.setValue(2031)
    settle(qtbot)
    partial = tmp_path / "may.csv"
    partial.write_text("date,kind,name\n2031-05-05,holiday,劳动节\n", encoding="utf-8")
    shown = []
    page.show_message = lambda title, text: shown.append(text)
    page.import_calendar(partial)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.cal_state.text() == "已录入（不完整，暂定）", timeout=10000)
    assert "暂定" in page.cal_note.text() and page.complete_button.isEnabled()
    assert page.complete_button.text() == "通知已完整录入"
    qtbot.waitUntil(lambda: any(y.year == 2031 and y.state == "partial" for y in page.years), timeout=10000)

    asked = []
    page.confirm = lambda title, text: asked.append(text) or True
    page.mark_complete()
    settle(qtbot)
    qtbot.waitUntil(lambda: page.cal_state.text() == "已录入（完整）", timeout=10000)
    assert "2031" in asked[0] and not page.provisional
    assert page.complete_button.text() == "通知未完整录入"
    assert calendar_service.year_days(demo_ctx, 2031).state == "complete"

    # a full-notice import marks its own year and shows it
    full = tmp_path / "2032.csv"
    full.write_text("date,kind,name\n2032-01-01,holiday,元旦\n2032-10-08,workday,国庆节调休上班\n", encoding="utf-8")
    page.import_complete.setChecked(True)
    page.import_calendar(full)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.cal_year.value() == 2032 and page.cal_state.text() == "已录入（完整）",
                    timeout=10000)
    assert "2032 年的放假通知已标记为完整录入" in shown[-1]


def test_a_technician_cannot_mark_a_notice_complete(qtbot, demo_ctx):
    page = open_page(qtbot, as_user(demo_ctx, "wangjian"))
    assert not page.complete_button.isVisibleTo(page) and not page.import_complete.isVisibleTo(page)


def test_the_pattern_preview_updates(qtbot, demo_ctx):
    page = open_page(qtbot, demo_ctx)
    assert page.sample_preview.text() == "HBFX-2026-DQ-01-0001"
    page.sample_pattern.setText("{task}/{year}-{seq:03d}")
    assert page.sample_preview.text() == f"HBFX-2026-DQ-01/{clock.today().year}-001"
    assert page.numbers_form.save_button.isEnabled()
    page.sample_pattern.setText("FX-{seq:04d}")
    assert "{task}" in page.sample_preview.text() and not page.numbers_form.save_button.isEnabled()
    assert page.sample_pattern.styleSheet()
    page.sample_pattern.setText("{task}-{seq:05d}")
    page.report_pattern.setText("BG{year}{month:02d}-{seq:03d}")
    assert page.report_preview.text().startswith(f"BG{clock.today().year}")
    page.save_patterns()
    settle(qtbot)
    values = lab_service.get_settings(demo_ctx)
    assert values["sample_number_pattern"] == "{task}-{seq:05d}"
    assert values["report_number_pattern"] == "BG{year}{month:02d}-{seq:03d}"


def test_language_and_provincial_connection(qtbot, demo_ctx, monkeypatch):
    from app.ui.application import settings

    page = open_page(qtbot, demo_ctx)
    qtbot.waitUntil(lambda: page.keyring is not None or "：" in page.keyring_note.text(), timeout=10000)
    page.language.setCurrentIndex(page.language.findData("en"))
    assert settings().value("ui/language") == "en"
    assert "English" in page.language_note.text()
    page.language.setCurrentIndex(page.language.findData("zh_CN"))
    assert settings().value("ui/language") == "zh_CN"

    page.provincial_url.setText("ftp://example")
    page.save_provincial()
    settle(qtbot)
    assert "https://" in page.provincial_form.error_text.text()
    page.provincial_url.setText("https://sjjg.example.cn/api")
    page.provincial_user.setText("jc-lab")
    page.save_provincial()
    settle(qtbot)
    assert lab_service.get_settings(demo_ctx)["provincial_user"] == "jc-lab"

    # with no secure keyring the warning is shown and nothing can be saved
    from app.sync.credentials import NO_KEYRING_MESSAGE, KeyringStatus

    page._show_keyring(KeyringStatus(False, "fail Keyring", NO_KEYRING_MESSAGE))
    assert page.keyring_note.text() == NO_KEYRING_MESSAGE and not page.keyring_save.isEnabled()
    # with one, the password goes to it (an in-memory keyring here)
    stored = {}

    class MemoryStore:  # the upload service's keyring, in memory here
        def set_password(self, username, password):
            stored[username] = password

    monkeypatch.setattr("app.services.upload.CredentialStore", MemoryStore)
    page._show_keyring(KeyringStatus(True, "memory", None))
    assert page.keyring_save.isEnabled()
    page.provincial_password.setText("s3cret")
    page.save_keyring_password()
    settle(qtbot)
    assert stored == {"jc-lab": "s3cret"} and page.provincial_password.text() == ""


def test_the_provincial_password_follows_the_permission_model(qtbot, demo_ctx, monkeypatch):
    """A technician sees the save button disabled with the service's reason; forced, the service refuses."""
    from app.errors import PermissionDenied
    from app.services import demo, users
    from app.services.context import Context
    from app.sync.credentials import KeyringStatus

    tech = Context(demo_ctx.db, users.authenticate(demo_ctx.db, "wangjian", demo.DEMO_PASSWORD))
    page = open_page(qtbot, tech)
    page._show_keyring(KeyringStatus(True, "memory", None))
    assert not page.keyring_save.isEnabled()
    assert page.keyring_save.toolTip() == "只有管理员才能保存省级系统密码。"
    failures = []
    monkeypatch.setattr(page, "_keyring_failed", failures.append)
    page.provincial_password.setText("s3cret")
    page.save_keyring_password()  # as if the button were enabled: the service still refuses
    settle(qtbot)
    assert len(failures) == 1 and isinstance(failures[0], PermissionDenied)
