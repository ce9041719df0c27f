"""GUI tests: one QApplication for the session (offscreen), a fresh database per test."""

from __future__ import annotations

import os
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
