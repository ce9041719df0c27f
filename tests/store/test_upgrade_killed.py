"""``riskmon db upgrade`` killed between any two DDL statements leaves the SQLite file as it was
(same revision, same tables, same rows) — never half-migrated — and the next ``db upgrade`` says
what happened and finishes the job.

A test-only hook counts the DDL statements the process executes (SQLAlchemy's
``before_cursor_execute``) and kills the process with SIGKILL just before the N-th one
(``RISKMON_TEST_KILL_AT_DDL=N``), or just before the migration's COMMIT (``commit``). Most runs
fork this (already imported) test process, which then runs ``app.cli.main([... "db", "upgrade"])``;
two run ``python -c`` in a new interpreter, as a user would.

Migration 0001 on a new file is killed at every third DDL statement; migration 0005 on the demo lab
at revision 0004 (made at the head, then migrated down) at each of its statements and at the commit.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.store.db import UPGRADE_MARKER_SUFFIX, bootstrap, head_revision

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                                reason="needs fork and SIGKILL (POSIX)")

HOOK = r'''
import os, re, signal
from sqlalchemy import event
from sqlalchemy.engine import Engine

_DDL = re.compile(r"\s*(CREATE|ALTER|DROP)\b", re.I)
_AT = os.environ.get("RISKMON_TEST_KILL_AT_DDL", "")
_seen = [0]

def _die():
    os.kill(os.getpid(), signal.SIGKILL)

@event.listens_for(Engine, "before_cursor_execute")
def _before(conn, cursor, statement, parameters, context, executemany):
    if _DDL.match(statement):
        _seen[0] += 1
        if _AT.isdigit() and _seen[0] == int(_AT):
            _die()

@event.listens_for(Engine, "commit")
def _commit(conn):
    if _AT == "commit":
        _die()
'''

CHILD = HOOK + r'''
import sys
from app.cli import main
sys.exit(main(sys.argv[1:]))
'''


def _killed_upgrade_forked(url: str, kill_at: str) -> int:
    """Fork; the child installs the hook and runs ``db upgrade``. Returns the signal it died of."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.environ["RISKMON_TEST_KILL_AT_DDL"] = kill_at
            exec(compile(HOOK, "<kill-hook>", "exec"), {})  # noqa: S102 - the test's own hook
            code = cli.main(["--database-url", url, "--home", str(Path(url[10:]).parent), "db", "upgrade"])
        finally:
            os._exit(99)  # not killed: the hook never fired
        os._exit(code)  # pragma: no cover
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)


def _killed_upgrade_subprocess(url: str, kill_at: str) -> int:
    env = dict(os.environ, RISKMON_TEST_KILL_AT_DDL=kill_at, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", CHILD, "--database-url", url, "--home", str(Path(url[10:]).parent),
                           "db", "upgrade"], env=env, cwd=ROOT, capture_output=True, timeout=300)
    return -proc.returncode


#: a comma between two column or constraint definitions (not one inside parentheses)
_TOP_COMMA = re.compile(r",\s*(?![^()]*\))")


def _schema(path: Path) -> set[tuple[str, str, tuple[str, ...]]]:
    """(type, name, definitions in its SQL) of everything in the file. The definitions are sorted and
    taken apart at their commas: a table that a batch migration recreated lists its constraints in an
    order that varies between runs, and columns added by ALTER TABLE share a line where a recreated
    table gives each its own."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    return {(t, n, tuple(sorted(part.strip() for part in _TOP_COMMA.split(_body(q)) if part.strip())))
            for t, n, q in rows}


def _body(sql: str | None) -> str:
    """The statement without quotes around names and without its closing parenthesis (which follows
    whichever definition happens to come last)."""
    return re.sub(r"\s*\)\s*$", "", (sql or "").replace('"', ""))


def _revision(path: Path) -> str | None:
    with sqlite3.connect(path) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone():
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def _rows(path: Path, like: Path | None = None) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, per table (alembic_version left out). With ``like``, the
    tables and columns of that file only: what an upgrade must leave as it was (the columns later
    migrations add are not part of it)."""
    out = {}
    with sqlite3.connect(like or path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        columns = {t: [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    with sqlite3.connect(path) as conn:
        for table in tables:
            if table == "alembic_version" or table.startswith("sqlite_"):
                continue
            digest = hashlib.sha256()
            n = 0
            names = ", ".join(f'"{c}"' for c in columns[table])
            try:
                rows = conn.execute(f'SELECT {names} FROM "{table}" ORDER BY rowid').fetchall()
            except sqlite3.OperationalError:  # a WITHOUT ROWID table (the text index's): key order
                rows = conn.execute(f'SELECT {names} FROM "{table}"').fetchall()
            for row in rows:
                digest.update(repr(row).encode())
                n += 1
            out[table] = (n, digest.hexdigest())
    return out


def _upgrade_again(url: str, home: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert cli.main(["--database-url", url, "--home", str(home), "db", "upgrade"]) == 0
    return capsys.readouterr().err


@pytest.fixture(scope="module")
def reference_schema(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str, str]]:
    path = tmp_path_factory.mktemp("reference") / "riskmon.db"
    db = bootstrap(f"sqlite:///{path}", home=path.parent)
    try:
        db.upgrade()
    finally:
        db.dispose()
    return _schema(path)


def _check_new_file(tmp_path: Path, kill_at: str, reference: set, capsys, *, subprocess_run: bool = False,
                    again: bool = True) -> None:
    folder = tmp_path / f"kill-{kill_at}"
    folder.mkdir()
    path = folder / "riskmon.db"
    url = f"sqlite:///{path}"
    died = (_killed_upgrade_subprocess if subprocess_run else _killed_upgrade_forked)(url, kill_at)
    assert died == signal.SIGKILL, f"kill at {kill_at}: the process was not killed ({died})"
    marker = folder / ("riskmon.db" + UPGRADE_MARKER_SUFFIX)
    # as before: a new, empty database — not a few of the tables
    assert _schema(path) == set(), f"kill at {kill_at}: half-migrated file"
    assert _revision(path) is None
    assert marker.exists()
    if not again:
        return
    err = _upgrade_again(url, folder, capsys)
    assert "被中断" in err and "已全部撤销" in err, err
    assert not marker.exists()
    assert _revision(path) == head_revision()
    assert _schema(path) == reference


def test_migration_0001_killed_at_every_third_ddl_statement(tmp_path: Path, reference_schema, capsys) -> None:
    total = sum(1 for t, _, _ in reference_schema if t in ("table", "index"))
    points = [*range(1, total + 1, 3), "commit"]
    for i, at in enumerate(points):  # the next upgrade is run after a few of them (it takes a while)
        _check_new_file(tmp_path, str(at), reference_schema, capsys, again=i % 8 == 0 or at == "commit")


def test_migration_0001_killed_in_a_new_interpreter(tmp_path: Path, reference_schema, capsys) -> None:
    _check_new_file(tmp_path, "40", reference_schema, capsys, subprocess_run=True)


# ---- 0005 on a lab with data --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_0004(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo lab at revision 0004."""
    from alembic import command

    from app.services import demo
    from app.store.db import _alembic_config

    path = tmp_path_factory.mktemp("demo0004") / "riskmon.db"
    db = bootstrap(f"sqlite:///{path}", home=path.parent)
    try:
        db.upgrade()
        demo.load_demo(db, actor="test")
        with db.engine.connect() as conn:
            # later migrations rebuild tables that others point at: keys are not checked on the way down
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            with conn.begin():
                # what 0004 cannot hold: the demo's queued major-hazard report (an outbox kind of 0006)
                conn.exec_driver_sql("DELETE FROM sync_outbox WHERE kind = 'hazard'")
                command.downgrade(_alembic_config(conn), "0004")
    finally:
        db.dispose()
    assert _revision(path) == "0004"
    return path


@pytest.mark.parametrize("kill_at", ["1", "2", "3", "commit"])
def test_migration_0005_killed_on_the_demo_lab(kill_at: str, demo_0004: Path, reference_schema, tmp_path: Path,
                                               capsys) -> None:
    path = tmp_path / "riskmon.db"
    shutil.copyfile(demo_0004, path)
    url = f"sqlite:///{path}"
    schema, rows = _schema(path), _rows(path)
    run = _killed_upgrade_subprocess if kill_at == "2" else _killed_upgrade_forked
    assert run(url, kill_at) == signal.SIGKILL
    # as before: revision, tables and every row
    assert _revision(path) == "0004"
    assert _schema(path) == schema
    assert _rows(path) == rows
    marker = tmp_path / ("riskmon.db" + UPGRADE_MARKER_SUFFIX)
    assert marker.exists()
    backup = re.search(r'"backup": "([^"]+)"', marker.read_text(encoding="utf-8"))
    assert backup and Path(backup[1]).is_file()  # made under the write lock, before any DDL
    err = _upgrade_again(url, tmp_path, capsys)
    assert f"0004 → {head_revision()}" in err and "被中断" in err, err
    assert not marker.exists()
    assert _revision(path) == head_revision()
    assert _schema(path) == reference_schema
    after = _rows(path, like=demo_0004)
    # the data is untouched, but for what the later migrations rewrite on purpose (schemes get their
    # lifecycle) and the audit entries they append for it — the old entries stay as they were
    rewritten = {"schemes", "audit_log"}
    assert {t: after[t] for t in rows if t not in rewritten} == {t: v for t, v in rows.items() if t not in rewritten}
    with sqlite3.connect(path) as conn:
        digest = hashlib.sha256()
        for row in conn.execute("SELECT * FROM audit_log WHERE seq <= ? ORDER BY rowid", (rows["audit_log"][0],)):
            digest.update(repr(row).encode())
        migration_actors = {a for (a,) in conn.execute(
            "SELECT DISTINCT actor FROM audit_log WHERE seq > ?", (rows["audit_log"][0],))}
    assert digest.hexdigest() == rows["audit_log"][1]
    assert all(a.startswith("migration:") for a in migration_actors), migration_actors
    assert _rows(path)["login_throttle"][0] == 0 and _rows(path)["audit_checkpoints"][0] == 0
