"""Helpers of the GUI tests: sign in as one of the demo's people, and let the operations settle."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QThreadPool

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
        _workers_let_go(timeout)
        QCoreApplication.processEvents()


def _workers_let_go(timeout: int) -> None:
    """The answers are handled, but a worker may still be returning from emitting one: its
    operation's signal object, which the answer handed to ``deleteLater``, must not be deleted
    (by the next pass of the event loop, or a test flushing deferred deletes) while the worker
    is still inside it. Waits, without handling events, until the pool's threads are free."""
    pool = QThreadPool.globalInstance()
    end = time.monotonic() + timeout / 1000
    while pool.activeThreadCount():
        if time.monotonic() > end:
            raise AssertionError(f"the worker threads are still busy after {timeout} ms")
        time.sleep(0.001)
