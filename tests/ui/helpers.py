"""Helpers of the GUI tests: sign in as one of the demo's people, and let the operations settle."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.services import demo, users
from app.services.context import Context
from app.ui import ops


def as_user(db, username: str) -> Context:
    """The demo lab's ``username``, signed in with the demo's password."""
    return Context(db, users.authenticate(db, username, demo.DEMO_PASSWORD))


def settle(qtbot, timeout: int = 30_000) -> None:
    """Every operation has ended (the runner went idle) and what their answers posted is handled.

    Events already posted are handled first, so that an action queued with a zero timer starts its
    operation; then, while operations run, it waits for the runner's ``idle`` signal and handles
    what the answers posted, again until that starts nothing more. The runner emits ``idle`` on
    the GUI thread while events are processed, so checking ``running_count()`` and then entering
    ``waitSignal`` cannot miss it. Fails the test if an operation is still running after
    ``timeout`` milliseconds."""
    QCoreApplication.processEvents()
    while ops.running_count():
        with qtbot.waitSignal(ops.runner.idle, timeout=timeout, raising=True):
            pass
        QCoreApplication.processEvents()

