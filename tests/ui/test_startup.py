"""Start-up pays for what the first window shows: pages built when first shown, the heavy libraries
(PDF, Excel, signing, migrations) imported where they are used, the password checked on a worker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from app.services import demo as demo_service
from app.services import users
from tests.ui.helpers import settle

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "openpyxl", "python_calamine", "reportlab", "pyhanko", "cryptography", "PIL")


def test_only_the_first_page_is_built_at_start(qtbot, demo_ctx):
    from app.ui.main_window import PAGE_KEYS, MainWindow

    window = MainWindow(demo_ctx, lab_name="荆楚")
    qtbot.addWidget(window)
    window.show()
    assert window.built_pages() == ["dashboard"]
    assert window.stack.count() == len(PAGE_KEYS)
    page = window.show_page("samples")
    assert window.built_pages() == ["dashboard", "samples"]
    assert window.stack.currentWidget() is page and page.objectName() == "page_samples"
    settings = window.page("settings")  # built on request, not shown
    assert settings.objectName() == "page_settings" and window.stack.currentWidget() is page
    assert window.page("settings") is settings  # once
    window.nav.setCurrentRow(PAGE_KEYS.index("settings"))
    assert window.stack.currentWidget() is settings
    settle(qtbot)


def test_the_gui_start_imports_no_heavy_library():
    code = (
        "import sys\n"
        "import app.ui.main as m\n"
        "m._load_data_layer()\n"
        "import app.cli, app.ui.application, app.ui.dialogs.login\n"
        "m._prepare_main_window()\n"
        f"print(sorted({{n.split('.')[0] for n in sys.modules}} & set({HEAVY!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_window_code_loads_while_the_password_is_checked(qtbot, demo_ctx):
    from app.ui.dialogs.login import LoginDialog

    calls = []
    dialog = LoginDialog(lambda u, p: users.authenticate(demo_ctx.db, u, p), lab_name="实验室",
                         prepare=lambda: calls.append(dialog.ok.isEnabled()))
    qtbot.addWidget(dialog)
    dialog.username.setText("zhaomin")
    dialog.password.setText("wrong password")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert calls == [False]  # during the check, the button off
    settle(qtbot)
    dialog.password.setText(demo_service.DEMO_PASSWORD)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert calls == [False]  # once
    assert dialog.user is not None and dialog.result() == dialog.DialogCode.Accepted


def test_signing_in_and_showing_the_first_page_load_no_orm(sqlite_db, tmp_path):
    """Sign-in, the lab's name, the dashboard with its data and the navigation's counts read and
    write with Core statements: the ORM (SQLAlchemy's and the mapped classes) is not loaded until a
    page that needs it is opened."""
    demo_service.load_demo(sqlite_db, actor="test")
    code = (
        "import sys\n"
        "import app.ui.main as m\n"
        "m._load_data_layer()\n"
        "from app.ui.application import create_application\n"
        "from app.services import lab, signin\n"
        "from app.services.context import Context\n"
        "from app.store.db import bootstrap\n"
        "from app.ui import ops\n"
        "qapp = create_application(sys.argv[:1])\n"
        f"db = bootstrap(None, home={str(tmp_path)!r})\n"
        f"user = signin.authenticate(db, {demo_service.DEMO_USER!r}, {demo_service.DEMO_PASSWORD!r})\n"
        "m._prepare_main_window()\n"
        "from app.ui.main_window import MainWindow\n"
        "window = MainWindow(Context(db, user), lab_name=lab.lab_name_unchecked(db))\n"
        "window.show()\n"
        "for _ in range(3):\n"
        "    qapp.processEvents()\n"
        "    ops.wait_idle(30)\n"
        "board = window.page('dashboard').board\n"
        "print(board is not None and board.open_count > 0, window.counts is not None,\n"
        "      sorted(n for n in ('sqlalchemy.orm', 'app.store.models') if n in sys.modules))\n"
        "window.close()\n"
        "db.dispose()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True True []", out.stdout + out.stderr[-2000:]
