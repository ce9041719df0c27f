"""Helpers of the GUI tests: sign in as one of the demo's people, and let the operations settle."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.services import demo, users
from app.services.context import Context
from app.ui import ops


def as_user(db, username: str) -> Context:
    """The demo lab's ``username``, signed in with the demo's password."""
    return Context(db, users.authenticate(db, username, demo.DEMO_PASSWORD))


def settle() -> None:
    """Every operation has ended (the runner went idle) and what their answers posted is handled."""
    assert ops.wait_idle()
    QCoreApplication.processEvents()
