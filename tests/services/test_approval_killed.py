"""An approval killed at any moment leaves either the approval with everything it stores (the frozen
PDF, the sample's notices, the queued ``result`` item) or none of it; the file stays a sound database.

Once: an SQLite database with the service-test lab and a reviewed test report of a problem sample
waiting for approval. Then per run: a copy of that file, a new Python process that approves the
report through ``reports.approve_report`` (with ``issue_notices``, as the GUI may ask) and is
killed with SIGKILL after a delay, and the checks on the copy.

The first run is killed only once the call returned: it measures (in the child, from just before
the call) when the approval's transaction starts committing and when the call returns. The other
runs are killed at fractions of that time after the child starts the approval, a few tenths of a
millisecond after it says its transaction starts committing (the engine's ``commit`` event, just
before the DBAPI commit; the session's ``after_commit`` says it is over), and after it returned.
The child's own lines then tell where each kill landed (before, during or after the commit): a
kill before the commit must leave nothing, one after it everything, one during it either; across
the runs both outcomes must be seen. (Process start-up and the approval's time vary a lot on a
busy machine, so the lines decide, not the delays.)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.documents.package import verify_package
from app.store.db import DB_FILENAME, bootstrap
from app.store.models import Notification, Report, Sample, SyncOutbox
from app.store.uow import UnitOfWork
from tests.services.conftest import PASSWORD, audit_ok, make_lab

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys, time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services import reports
from app.services.context import Context, CurrentUser
from app.store.db import bootstrap

home, report_id, version, password, user = sys.argv[1:6]
u = json.loads(user)
db = bootstrap(None, home=Path(home))
db.check_schema()
ctx = Context(db, CurrentUser(u["id"], u["username"], u["display_name"], frozenset(u["roles"])))
t0 = time.perf_counter()

@event.listens_for(db.engine, "commit")
def _commit(conn):  # just before the DBAPI commit
    print(f"commit {time.perf_counter() - t0:.6f}", flush=True)

@event.listens_for(Session, "after_commit")
def _committed(session):  # just after it
    print(f"committed {time.perf_counter() - t0:.6f}", flush=True)

print("go", flush=True)
t0 = time.perf_counter()
reports.approve_report(ctx, int(report_id), int(version), password, issue_notices=True)
print(f"done {time.perf_counter() - t0:.6f}", flush=True)
time.sleep(300)  # waits to be killed: every run ends with SIGKILL
"""


@dataclass
class Run:
    plan: str  # when the kill was meant to land
    killed_at: float  # s after "go"
    lines: list[str]
    outcome: str = ""  # "approved" or "untouched"
    commits: int = 1  # how many transactions a whole approval commits (the calibration says)

    def seen(self, word: str) -> int:
        return sum(1 for line in self.lines if line.split()[0] == word)

    @property
    def stage(self) -> str:
        """How far the child got before the kill; the approval's transaction is its last commit."""
        if self.seen("done"):
            return "after return"
        if self.seen("commit") < self.commits:
            return "before commit"
        if self.seen("committed") < self.commits:
            return "during commit"
        return "after commit"


@pytest.fixture(scope="module")
def waiting(_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """A database file with a reviewed test report (of a problem sample) waiting for approval."""
    from tests.services.test_upload import reviewed

    home = tmp_path_factory.mktemp("approval-template")
    shutil.copyfile(_sqlite_template, home / DB_FILENAME)
    db = bootstrap(None, home=home)
    try:
        lab = make_lab(db)
        report, sample_id = reviewed(lab)
        with UnitOfWork(db, actor="test") as uow:
            assert uow.session.get(Sample, sample_id).problems_found  # so the approval issues notices
        sig = lab.sig.user
        user = {"id": sig.id, "username": sig.username, "display_name": sig.display_name,
                "roles": sorted(sig.roles)}
    finally:
        db.dispose()  # the last connection checkpoints the WAL into the file
    return SimpleNamespace(home=home, report_id=report.id, version=report.version, sample_id=sample_id,
                           user=json.dumps(user))


def _copy(waiting: SimpleNamespace, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for suffix in ("", "-wal"):
        src = waiting.home / (DB_FILENAME + suffix)
        if src.exists():
            shutil.copyfile(src, dest / (DB_FILENAME + suffix))
    return dest


def _run(waiting: SimpleNamespace, home: Path, anchor: str, offset: float) -> tuple[list[str], float]:
    """Approve in a new process and SIGKILL it ``offset`` s after the child says ``anchor``: "go" (it
    starts the approval), "commit" (the approval's transaction starts committing), "done" (the call
    returned). Returns the child's lines and when the kill was sent (s after "go")."""
    env = dict(os.environ, RISKMON_FAST_PASSWORD_HASH="1", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), str(waiting.report_id), str(waiting.version), PASSWORD,
         waiting.user],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    try:
        first = proc.stdout.readline().strip()
        start = time.perf_counter()
        if first != "go":
            proc.kill()
            raise AssertionError(f"the child did not start: {first!r} {proc.stderr.read()[-3000:]}")
        while anchor != "go":
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"the child ended early: {lines} {proc.stderr.read()[-3000:]}")
            lines.append(line.strip())
            if line.split()[0] == anchor:
                break
        if offset > 0:
            time.sleep(offset)  # not a busy wait: the child needs the CPU more than we do
        killed_at = time.perf_counter() - start
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr.read()[-3000:])
        lines.extend(line.strip() for line in proc.stdout.read().splitlines())
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    return lines, killed_at


def _check(waiting: SimpleNamespace, home: Path) -> str:
    """All or nothing in the copy at ``home``, which opens and checks out. Returns the outcome."""
    with sqlite3.connect(home / DB_FILENAME) as raw:  # recovers the WAL the killed process left
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()
    db = bootstrap(None, home=home)
    try:
        db.check_schema()
        with UnitOfWork(db, actor="test") as uow:
            s = uow.session
            report = s.get(Report, waiting.report_id)
            sample = s.get(Sample, waiting.sample_id)
            items = list(s.scalars(select(SyncOutbox).order_by(SyncOutbox.id)))
            notices = list(s.scalars(select(Notification).where(Notification.sample_id == sample.id)))
            if report.status == "approved":
                outcome = "approved"
                assert report.approved_at is not None and sample.status == "approved"
                assert report.pdf is not None and report.file_sha256 == hashlib.sha256(report.pdf).hexdigest()
                assert notices and all(n.pdf is not None and n.report_id == report.id for n in notices)
                assert [(i.kind, i.report_id, i.sample_id, i.state) for i in items] == [
                    ("result", report.id, sample.id, "pending")]
                assert items[0].package is None and items[0].recipe  # no second copy of the PDFs
                from app.sync.packages import package_of
                package = package_of(s, items[0])
                check = verify_package(package)
                assert check.ok, check.problems
                assert check.manifest["report_numbers"] == [report.number]
                assert len(check.manifest["notifications"]) == len(notices)  # issued with the approval
                with zipfile.ZipFile(io.BytesIO(package)) as zf:
                    assert zf.read(check.manifest["samples"][0]["report_file"]) == bytes(report.pdf)
            else:
                outcome = "untouched"
                assert report.status == "reviewed" and report.approved_at is None and report.approved_by_id is None
                assert sample.status == "reviewed"
                assert report.pdf is None and report.file_sha256 is None
                assert items == [] and notices == []
        assert audit_ok(db)
        if outcome == "untouched":  # nothing is left locked or half-done: the approval goes through now
            from app.services import reports
            from app.services.context import Context, CurrentUser

            u = json.loads(waiting.user)
            ctx = Context(db, CurrentUser(u["id"], u["username"], u["display_name"], frozenset(u["roles"])))
            reports.approve_report(ctx, waiting.report_id, waiting.version, PASSWORD, issue_notices=True)
            with UnitOfWork(db, actor="test") as uow:
                assert [i.kind for i in uow.session.scalars(select(SyncOutbox))] == ["result"]
            assert audit_ok(db)
    finally:
        db.dispose()
    return outcome


def test_a_killed_approval_stores_all_or_nothing(waiting: SimpleNamespace, tmp_path: Path) -> None:
    # calibration: a whole approval, killed once it returned
    home = _copy(waiting, tmp_path / "run-0")
    lines, killed_at = _run(waiting, home, "done", 0.0)
    commits = [float(line.split()[1]) for line in lines if line.startswith("commit ")]
    commit = commits[-1]
    done = float(next(line for line in lines if line.startswith("done ")).split()[1])
    runs = [Run("calibration", killed_at, lines, _check(waiting, home), len(commits))]
    assert runs[0].outcome == "approved"

    plans = [("go", 0.0), ("go", 0.3 * commit), ("go", 0.7 * commit), ("go", 0.95 * commit),
             ("commit", 0.0), ("commit", 0.0002), ("commit", 0.0005), ("commit", 0.001), ("commit", 0.003),
             ("done", 0.05)]
    for n, (anchor, offset) in enumerate(plans, 1):
        home = _copy(waiting, tmp_path / f"run-{n}")
        lines, killed_at = _run(waiting, home, anchor, offset)
        run = Run(f"{anchor}+{offset * 1000:.1f}ms", killed_at, lines, commits=len(commits))
        try:
            run.outcome = _check(waiting, home)
            if run.stage in ("after commit", "after return"):  # committed: everything is there
                assert run.outcome == "approved"
            if run.stage == "before commit":
                assert run.outcome == "untouched"
        except AssertionError as exc:
            raise AssertionError(f"run {n} ({run.plan}), killed {killed_at * 1000:.2f} ms after the start "
                                 f"({run.stage}), the child said {lines}: {exc}") from exc
        runs.append(run)

    summary = "\n".join(f"  {r.plan:>16}  killed at {r.killed_at * 1000:8.2f} ms  {r.stage:>13}  {r.outcome}"
                        for r in runs)
    print(f"\ncalibration: commit at {commit * 1000:.2f} ms, done at {done * 1000:.2f} ms\n{summary}")
    assert {r.outcome for r in runs} == {"approved", "untouched"}, summary
    assert {r.stage for r in runs} >= {"before commit", "after return"}, summary
