"""Operations: a service call runs on a worker thread, its result comes back on the GUI thread.

After Anki's ``aqt.operations``: views never hold a database session; they start an operation
with a plain function, get plain data back through a signal, and refresh when the
``changed`` signal of :data:`bus` says something they show was written.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    """Raised inside an operation when the user pressed 取消."""


class ChangeBus(QObject):
    """``changed(kinds)``: a set of names of what was written (e.g. {"sample", "result"})."""

    changed = Signal(object)


bus = ChangeBus()


class Progress:
    """Handed to long operations: report progress and check for cancellation."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def __call__(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self._signals.progress.emit(int(done), int(total))

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, signals: _Signals) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs, self.signals = fn, args, kwargs, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            try:
                result = self.fn(*self.args, **self.kwargs)
            except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread
                self.signals.failed.emit(exc)
            else:
                self.signals.done.emit(result)
        finally:
            # let go of the signals only once this thread is done with them: deleted from the GUI
            # thread when its answer was handled, they could go while this thread was still
            # returning from the emit (a crash, rarely); posted after the answer, they go after it
            self.signals.deleteLater()


class OperationRunner(QObject):
    """Counts the operations started and ended. ``idle`` is emitted when the last running one has
    ended, after its answer was handled (an operation that the answer starts keeps it busy)."""

    idle = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.started = 0
        self.ended = 0


runner = OperationRunner()
_running: set[_Signals] = set()


def running_count() -> int:
    return len(_running)


def wait_idle(timeout: float = 30.0, settle: float = 0.05) -> bool:
    """Process events until no operation runs and none starts for ``settle`` seconds (an answer
    often starts the next operation, e.g. a view asking for its next page). For screenshots and
    tests; returns False if work is still running after ``timeout``. Tests that can wait for an
    operation's own signal (or the runner's ``idle``) should do that instead.

    It polls rather than blocking in a nested event loop: the sleeps hand the interpreter to the
    worker threads, which must finish releasing an operation before the GUI thread closes its
    progress dialog (a nested loop that held on deadlocked there)."""
    end = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        if _running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= settle:
            return True
        time.sleep(0.005)
    return not _running


def run_op(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    progress_title: str | None = None,
    on_cancel: Callable[[], None] | None = None,
    parent: QWidget | None = None,
    **kwargs: Any,
) -> _Signals:
    """Run ``fn(*args, **kwargs)`` on the thread pool.

    With ``progress_title``, ``fn`` gets a keyword ``progress`` (a :class:`Progress`) and a
    modal progress dialog with a 取消 button is shown; cancelling raises :class:`Cancelled`
    inside ``fn`` at its next progress report; ``on_cancel`` is called then, not ``on_error``.
    Errors go to ``on_error`` or, by default, to the application's exception hook.
    """
    # Owned by the application object (C++ side), deleted by deleteLater on the GUI thread: a Python
    # wrapper freed by the garbage collector on a worker thread must never delete a QObject there.
    signals = _Signals(QCoreApplication.instance())
    _running.add(signals)
    runner.started += 1
    dialog: QProgressDialog | None = None
    if progress_title is not None:
        progress = Progress(signals)
        kwargs["progress"] = progress
        dialog = QProgressDialog(progress_title, QCoreApplication.translate("Ops", "Cancel"), 0, 0, parent)
        dialog.setWindowTitle(progress_title)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        # 取消 reaches the operation through a function holding only its event, never a method of the
        # Progress: PySide undoes a method's connection when its object is freed, and the Progress is
        # freed on the worker thread, where that undoing deadlocks with the dialog closing here
        cancel = progress.cancel_event
        dialog.canceled.connect(lambda: cancel.set())

        def _progress(done: int, total: int) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)

        signals.progress.connect(_progress)

    def _finish() -> None:
        _running.discard(signals)
        runner.ended += 1
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()

    def _answered() -> None:
        if not _running:
            runner.idle.emit()

    @Slot(object)
    def _done(result: Any) -> None:
        _finish()
        try:
            if on_done is not None:
                on_done(result)
        finally:
            _answered()

    @Slot(object)
    def _failed(exc: BaseException) -> None:
        _finish()
        try:
            if isinstance(exc, Cancelled):
                if on_cancel is not None:
                    on_cancel()
                return
            if on_error is not None:
                on_error(exc)
            else:
                sys.excepthook(type(exc), exc, exc.__traceback__)
        finally:
            _answered()

    def _lost(*_args: Any) -> None:
        # deleted with its answer still queued (deletions flushed at once, as closing a window can):
        # the answer is not delivered, but the operation has ended and must not keep the runner busy
        if signals in _running:
            _finish()
            _answered()

    signals.done.connect(_done)
    signals.failed.connect(_failed)
    signals.destroyed.connect(_lost)
    QThreadPool.globalInstance().start(_Job(fn, args, kwargs, signals))
    return signals
