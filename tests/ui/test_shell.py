"""Sign-in, first start and the main window with the deadline dashboard."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLineEdit

from app.services import dashboard as dashboard_service
from app.services import demo as demo_service
from app.services import users
from tests.ui.helpers import settle


def test_first_start_creates_the_administrator(qtbot, sqlite_db, riskmon_app):
    from app.ui.dialogs.login import FirstRunDialog

    created = []

    def create(u, n, p):
        info = users.create_first_administrator(sqlite_db, username=u, display_name=n, password=p)
        created.append(info)
        return info

    dialog = FirstRunDialog(create_admin=create, load_demo=lambda: None)
    qtbot.addWidget(dialog)
    dialog.findChild(QLineEdit, "display_name").setText("周主任")
    dialog.findChild(QLineEdit, "password").setText("short")
    dialog.findChild(QLineEdit, "password2").setText("short")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "至少 8 位" in dialog.error.text() and not created
    # what was typed is still there after the error
    assert dialog.findChild(QLineEdit, "display_name").text() == "周主任"
    dialog.findChild(QLineEdit, "password").setText("long enough")
    dialog.findChild(QLineEdit, "password2").setText("long enough")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.user.has("administrator") and dialog.user.display_name == "周主任"
    assert users.has_users(sqlite_db)


def test_sign_in_refuses_a_wrong_password(qtbot, demo_ctx):
    from app.ui.dialogs.login import LoginDialog

    dialog = LoginDialog(lambda u, p: users.authenticate(demo_ctx.db, u, p), lab_name="实验室")
    qtbot.addWidget(dialog)
    dialog.username.setText("zhaomin")
    dialog.password.setText("nope")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert not dialog.ok.isEnabled()  # checked on a worker: no second press meanwhile
    settle(qtbot)
    assert dialog.error.text() == "用户名或密码错误。"
    assert dialog.user is None and dialog.ok.isEnabled()
    dialog.password.setText(demo_service.DEMO_PASSWORD)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.user is not None and dialog.user.username == "zhaomin"


def test_dashboard_shows_each_clock_colour(qtbot, demo_ctx):
    from app.ui.main_window import MainWindow

    window = MainWindow(demo_ctx, lab_name="荆楚")
    qtbot.addWidget(window)
    window.show()
    page = window.page("dashboard")
    qtbot.waitUntil(lambda: page.board is not None, timeout=10000)
    settle(qtbot)
    table = page.table
    states = {table.item(r, 0).text(): table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(table.rowCount())}
    assert {"overdue", "due_soon", "ok"} <= set(states.values())
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[:5] == ["样品编号", "任务", "产品", "完成日期", "报送期限"]
    assert window.nav.item(0).text() == "工作台" and window.nav.count() == 10
    # the card counts the rows the table marks overdue (the demo's deadline list fits on its first page)
    assert table.rowCount() < dashboard_service.PAGE
    overdue_rows = sum(1 for r in range(table.rowCount()) if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "overdue")
    assert page.cards["overdue"].text() == str(overdue_rows)


def test_screenshot_command_renders_the_dashboard(tmp_path: Path):
    out = tmp_path / "shot.png"
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--home", str(tmp_path / "home"), "gui", "--demo", "--screenshot", str(out)],
        capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert image.width() >= 1000 and image.height() >= 600
    # the overdue row's red is on the picture
    colours = {image.pixelColor(x, y).name() for x in range(200, 900, 7) for y in range(150, 420, 3)}
    assert "#f8d0d0" in colours and "#d5f0d5" in colours


def test_a_second_window_on_the_same_sqlite_file_is_refused(tmp_path: Path, riskmon_app):
    import sqlite3

    import pytest

    from app.config import Paths
    from app.errors import AlreadyRunningError
    from app.store.db import bootstrap
    from app.store.lock import InstanceLock
    from app.ui.main import _run

    paths = Paths(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'riskmon.db'}")
    first = bootstrap(paths.database_url, home=tmp_path)
    first.upgrade()
    first.dispose()
    with sqlite3.connect(tmp_path / "riskmon.db") as conn:
        before = list(conn.iterdump())
    with InstanceLock(tmp_path / "riskmon.db"):  # the first window
        with pytest.raises(AlreadyRunningError, match="另一个 Riskmon 窗口"):
            _run(riskmon_app, paths, demo=False, screenshot=None, page=None)
    with sqlite3.connect(tmp_path / "riskmon.db") as conn:
        assert list(conn.iterdump()) == before
