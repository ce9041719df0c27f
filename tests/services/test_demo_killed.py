"""``riskmon demo`` is all or nothing: killed midway (SIGKILL, at a hook point — not after a delay)
it leaves the database as empty as it was, and the next ``riskmon demo`` loads the whole lab.

Each run forks this test process; the child wraps a step of the demo so that it kills itself there,
then runs ``app.cli.main(["demo", "--samples", "60"])`` on a database already upgraded."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pytest

from app import cli

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                                reason="needs fork and SIGKILL (POSIX)")

SAMPLES = "60"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _install_kill(where: str) -> None:
    """In the child: die at ``where``."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from app.services import demo, samples

    if where == "fixed-samples":  # the 5th of the demo lab's own samples, in the middle of its work
        real_sample = demo._demo_sample
        calls = [0]

        def sample(*a, **kw):
            calls[0] += 1
            if calls[0] == 5:
                _die()
            return real_sample(*a, **kw)

        demo._demo_sample = sample
    elif where == "generated":  # the generated samples are written, the lab is not finished
        real_register = samples.register_samples

        def register(*a, **kw):
            out = real_register(*a, **kw)
            _die()
            return out

        samples.register_samples = register
    elif where == "commit":  # everything written, just before the COMMIT
        event.listen(Engine, "commit", lambda conn: _die())
    else:  # pragma: no cover
        raise AssertionError(where)


def _killed_demo(home: Path, where: str) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            _install_kill(where)
            cli.main(["--home", str(home), "demo", "--samples", SAMPLES])
        finally:
            os._exit(99)  # not killed: the hook never fired
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("users", "monitoring_tasks", "samples", "reports", "audit_log", "lab_keys")}


@pytest.mark.parametrize("where", ["fixed-samples", "generated", "commit"])
def test_demo_killed_midway_leaves_nothing_and_runs_again(where: str, tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    assert cli.main(["--home", str(home), "db", "upgrade"]) == 0
    path = home / "riskmon.db"
    empty = _counts(path)
    assert set(empty.values()) == {0}

    assert _killed_demo(home, where) == signal.SIGKILL
    assert _counts(path) == empty  # not a user, not a sample, not an audit entry

    capsys.readouterr()
    assert cli.main(["--home", str(home), "demo", "--samples", SAMPLES]) == 0
    assert "70 个样品" in capsys.readouterr().out
    after = _counts(path)
    assert after["samples"] == 70 and after["users"] == 5 and after["monitoring_tasks"] == 2
    assert cli.main(["--home", str(home), "audit", "verify"]) == 0, capsys.readouterr()
