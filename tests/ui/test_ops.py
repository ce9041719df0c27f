"""Operations: the runner says ``idle`` once the last running operation has ended and its answer was
handled, and ``wait_idle`` waits on it rather than on a quiet period."""

from __future__ import annotations

import threading

from app.ui import ops


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
