"""Sign-in throttling as a person meets it: the sign-in dialog says how long to wait, and the
administrator's 设置 → 用户 lists the locked user names and unlocks one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox

from app.services import demo as demo_service
from app.services import users
from tests.ui.helpers import settle


def _fail(db, name: str, times: int) -> None:
    for _ in range(times):
        try:
            users.authenticate(db, name, "not the password")
        except users.AuthenticationError:
            pass


def test_the_sign_in_dialog_says_how_long_to_wait(qtbot, demo_ctx):
    from app.ui.dialogs.login import LoginDialog

    dialog = LoginDialog(lambda u, p: users.authenticate(demo_ctx.db, u, p), lab_name="实验室")
    qtbot.addWidget(dialog)
    dialog.username.setText("zhaomin")
    for _ in range(users.THROTTLE_FREE_FAILURES - 1):
        dialog.password.setText("nope nope")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        settle(qtbot)
        assert dialog.error.text() == "用户名或密码错误。"
    dialog.password.setText("nope nope")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.error.text() == "用户名或密码错误。登录失败次数过多，请在 5 秒后重试。"
    dialog.password.setText(demo_service.DEMO_PASSWORD)  # the right password, while locked
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.error.text().startswith("登录失败次数过多，请在 ") and dialog.error.text().endswith("秒后重试。")
    assert dialog.user is None and dialog.result() != dialog.DialogCode.Accepted


def test_the_administrator_unlocks_a_locked_user_name(qtbot, demo_ctx):
    from app.ui.pages.settings import SettingsPage

    _fail(demo_ctx.db, "zhaomin", users.THROTTLE_FREE_FAILURES)
    page = SettingsPage(demo_ctx)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded > 0 and bool(page.locks), timeout=10000)
    settle(qtbot)
    assert page.lock_table.rowCount() == 1
    assert [page.lock_table.item(0, c).text() for c in range(2)] == ["zhaomin", "5"]
    headers = [page.lock_table.horizontalHeaderItem(c).text() for c in range(3)]
    assert headers == ["用户名", "连续失败次数", "锁定至"]
    assert not page.unlock_button.isEnabled()  # nothing chosen yet
    page.lock_table.selectRow(0)
    assert page.unlock_button.isEnabled() and page.unlock_button.text() == "解除锁定"
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.lock_table.rowCount() == 0, timeout=10000)
    settle(qtbot)
    assert page.lock_status.text() == "zhaomin 已可重新登录。"
    assert users.authenticate(demo_ctx.db, "zhaomin", demo_service.DEMO_PASSWORD).username == "zhaomin"


def test_a_technician_sees_no_locks(qtbot, demo_ctx):
    from app.services.context import Context
    from app.ui.pages.settings import SettingsPage

    tech = users.authenticate(demo_ctx.db, "wangjian", demo_service.DEMO_PASSWORD)
    page = SettingsPage(Context(demo_ctx.db, tech))
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded > 0, timeout=10000)
    settle(qtbot)
    assert page.findChild(QGroupBox, "login_locks") is None and page.users_admin is None
