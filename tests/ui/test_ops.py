"""Operations: the runner says ``idle`` once the last running operation has ended and its answer was
handled, and ``wait_idle`` waits on it rather than on a quiet period."""

from __future__ import annotations

import threading

from app.ui import ops
from tests.ui.helpers import settle


def test_idle_follows_the_last_answer_and_an_answer_that_starts_work_keeps_it_busy(qtbot):
    release = threading.Event()
    answers: list[object] = []

    def second(value: int) -> None:
        answers.append(value)

    def first(value: int) -> None:
        answers.append(value)
        ops.run_op(lambda: release.wait(10) and 2, on_done=second)

    started, ended = ops.runner.started, ops.runner.ended
    idles: list[int] = []

    def on_idle() -> None:
        idles.append(len(answers))

    ops.runner.idle.connect(on_idle)
    try:
        ops.run_op(lambda: 1, on_done=first)
        qtbot.waitUntil(lambda: answers == [1], timeout=5000)
        assert ops.running_count() == 1 and not idles  # the answer started the next operation
        with qtbot.waitSignal(ops.runner.idle, timeout=5000):
            release.set()
        assert answers == [1, 2] and idles == [2]
        assert (ops.runner.started - started, ops.runner.ended - ended) == (2, 2)
    finally:
        ops.runner.idle.disconnect(on_idle)


def test_wait_idle_returns_when_the_work_has_ended_and_says_so_when_it_has_not(qtbot):
    release = threading.Event()
    done: list[object] = []
    ops.run_op(lambda: release.wait(10), on_done=done.append)
    assert ops.wait_idle(timeout=0.2) is False and not done
    release.set()
    assert ops.wait_idle(timeout=5) is True and done == [True] and ops.running_count() == 0


def test_a_failed_operation_ends_too(qtbot):
    errors: list[BaseException] = []

    def fail() -> None:
        raise ValueError("no")

    with qtbot.waitSignal(ops.runner.idle, timeout=5000):
        ops.run_op(fail, on_error=errors.append)
    assert [str(e) for e in errors] == ["no"]



def test_an_answered_operation_lets_go_of_its_signals_only_after_its_thread_has(qtbot):
    """The signals of an operation are deleted after its worker thread is done with them: deleting
    them as soon as the answer is handled (and flushing deletions at once, as closing a window
    does) could free them while the thread was still returning from the emit — a crash, rarely."""
    from PySide6.QtCore import QCoreApplication, QEvent

    answers: list[int] = []

    def answered(value: int) -> None:
        answers.append(value)

    for i in range(200):
        ops.run_op(_identity, i, on_done=answered)
        qtbot.waitUntil(lambda n=i + 1: len(answers) == n, timeout=5000)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert answers == list(range(200))
    settle(qtbot)
    assert ops.running_count() == 0


def test_the_bindings_lost_references_cannot_bring_down_the_program(qtbot):
    """PySide6 6.12.0 takes a reference of None from every void call and of True from every emit: a
    few thousand calls and the interpreter aborts. The application makes them immortal (measured
    first); a long day's worth of calls then leaves them alive."""
    import sys

    from PySide6.QtCore import QObject, Signal

    from app.ui import qt_compat

    class Emitter(QObject):
        progress = Signal(int, int)

    emitter = Emitter()
    seen: list[int] = []
    emitter.progress.connect(lambda done, _total: seen.append(done))
    if sys.version_info < (3, 12) and qt_compat.binding_drops_references():
        assert qt_compat.install()
        assert sys.getrefcount(None) > 1 << 39 and sys.getrefcount(True) > 1 << 39
    for i in range(20_000):  # more than None's and True's own counts in a fresh program
        emitter.progress.emit(i, 20_000)
        emitter.setObjectName("x")
    assert len(seen) == 20_000


def _identity(value: int) -> int:
    return value


def test_an_operation_whose_answer_is_dropped_with_its_signals_still_ends(qtbot):
    """Flushing deletions at once (as closing a window can) may delete an operation's signals while
    its answer is still queued: the answer is lost, but the operation ends, so the runner goes idle
    and nothing waits for it for ever."""
    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

    answers: list[int] = []
    ops.run_op(_identity, 7, on_done=answers.append)
    assert QThreadPool.globalInstance().waitForDone(5000)  # answered and let go, nothing handled yet
    with qtbot.waitSignal(ops.runner.idle, timeout=5000):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert ops.running_count() == 0 and answers == []
    settle(qtbot)
