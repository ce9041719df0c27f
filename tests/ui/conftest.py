"""GUI tests: one QApplication for the session (offscreen), a fresh database per test."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# machine-local UI state (QSettings) goes to a scratch folder, never the developer's own
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="riskmon-test-config-")


@pytest.fixture(scope="session")
def riskmon_app(qapp):
    from app.ui.application import create_application

    return create_application()


@pytest.fixture
def demo_ctx(sqlite_db, riskmon_app):
    """The demo lab, signed in as its administrator."""
    from app.services import demo, users
    from app.services.context import Context

    demo.load_demo(sqlite_db, actor="test")
    user = users.authenticate(sqlite_db, demo.DEMO_USER, demo.DEMO_PASSWORD)
    return Context(sqlite_db, user)


@pytest.fixture(autouse=True)
def _riskmon_application(riskmon_app):
    """Every GUI test runs in the application as the program sets it up (fonts, translations, and
    garbage collection on the GUI thread only)."""
    return riskmon_app


@pytest.fixture(autouse=True)
def _nobody_signed_in(monkeypatch):
    """A main window built by one test names its user for the preferences; the next test starts
    with nobody signed in."""
    from app.ui import application

    monkeypatch.setattr(application, "_signed_in", "")


@pytest.fixture(autouse=True)
def _column_states_written():
    """Column widths a test changed are written when it ends (they are otherwise written once the
    header is quiet), so that the next test reads the settings as they stand."""
    yield
    from app.ui import widgets

    widgets.flush_column_state()


@pytest.fixture(autouse=True)
def export_notices(monkeypatch):
    """The Article 8 question before an export is answered "export" and kept here (title, text), so
    that no modal dialog waits; a test sets ``export_notices.answer = False`` to cancel."""
    from app.ui.dialogs import export_notice

    class Asked(list):
        answer = True

    asked = Asked()

    def ask(_parent, title: str, text: str) -> bool:
        asked.append((title, text))
        return asked.answer

    monkeypatch.setattr(export_notice, "ask", ask)
    return asked


# The demo lab is loaded once per run and copied for every test: each test still gets its own database.
@pytest.fixture(scope="session")
def _demo_file(_sqlite_template, tmp_path_factory):
    from app.services import demo
    from app.store.db import DB_FILENAME, bootstrap

    home = tmp_path_factory.mktemp("demo-lab")
    shutil.copyfile(_sqlite_template, home / DB_FILENAME)
    database = bootstrap(None, home=home)
    demo.load_demo(database, actor="test")
    database.dispose()
    return home / DB_FILENAME


@pytest.fixture
def lab_file(_demo_file):
    """The database file ``lab_db`` copies: the demo lab. A test module overrides this fixture to
    start from another lab (its own session-scoped copy of the demo, changed)."""
    return _demo_file


@pytest.fixture
def lab_db(lab_file, tmp_path, riskmon_app):
    """A copy of ``lab_file`` for this test; operations still running are waited for before it goes."""
    from app.store.db import DB_FILENAME, bootstrap
    from app.ui import ops

    shutil.copyfile(lab_file, tmp_path / DB_FILENAME)
    database = bootstrap(None, home=tmp_path)
    yield database
    ops.wait_idle()
    database.dispose()


@pytest.fixture
def no_windows_left_over():
    """Windows of earlier tests are closed with deleteLater; delete them now, so that their pages no
    longer answer the change bus of this test; at the end, wait for the operations still running."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from app.ui import ops

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    yield
    ops.wait_idle()
