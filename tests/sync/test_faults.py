"""No upload lost or recorded twice under faults: the real sandbox on 127.0.0.1, the real worker.

* 200 queued uploads with the sandbox failing a third of the requests, dropping connections after
  it stored the upload, answering too late, expiring tokens, rate limiting, and being restarted
  in the middle of the run;
* a worker process killed with SIGKILL in the middle of a run, then started again.

In both, the sandbox's own records prove each package was accepted exactly once, and the outbox
holds the same receipts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.store.models import MonitoringTask
from app.store.uow import UnitOfWork
from app.sync import outbox, worker
from app.sync.gateway import HttpGateway
from app.sync.sandbox import RunningSandbox, start_sandbox
from app.sync.worker import RetryPolicy

from .conftest import DEMO_PASSWORD, DEMO_USER
from .test_outbox import rows

ROOT = Path(__file__).resolve().parents[2]
N = 200


def queue_many(db, n: int) -> None:
    """``n`` uploads, one per task, as the approvals of ``n`` tasks would queue them."""
    from .helpers import make_package

    with UnitOfWork(db, actor="tester") as uow:
        tasks = [MonitoringTask(number=f"HBFX-2026-{i:04d}", title="风险监测任务") for i in range(n)]
        uow.session.add_all(tasks)
        uow.flush()
        for i, task in enumerate(tasks):
            outbox.enqueue(uow.session, "task_results", task_id=task.id, package=make_package(i, size=600))
        uow.commit()


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def assert_exactly_once(db, sandbox: RunningSandbox, n: int) -> None:
    items = rows(db)
    assert len(items) == n
    assert [i.state for i in items] == ["accepted"] * n, {i.state for i in items}
    assert len({i.idempotency_key for i in items}) == n
    assert len({i.receipt_number for i in items}) == n  # no receipt recorded twice
    records = sandbox.records()
    counts = sandbox.counts()
    assert counts["accepted"] == n and counts["distinct_packages"] == n  # the server's own count
    assert len(records) == n
    assert {r.idempotency_key: r.receipt_number for r in records} == {
        i.idempotency_key: i.receipt_number for i in items
    }


@pytest.mark.slow
def test_200_uploads_survive_failures_drops_timeouts_and_a_restart(db, tmp_path: Path):
    queue_many(db, N)
    sandbox = start_sandbox(
        state_path=tmp_path / "province.sqlite3",
        seed=2026,
        fail_rate=1 / 3,
        drop_rate=0.1,
        timeout_rate=0.04,
        hang_seconds=0.3,
        expire_rate=0.02,
        rate_limit_rate=0.02,
        retry_after_seconds=0,
    )
    policy = RetryPolicy(base_delay=0.02, max_delay=0.1, jitter=0.5, lease=2.0, batch_size=10)
    result: dict[str, worker.SyncSummary] = {}

    def run() -> None:
        gateway = HttpGateway(sandbox.url, DEMO_USER, lambda: DEMO_PASSWORD, connect_timeout=1.0, read_timeout=0.15)
        with gateway:
            result["summary"] = worker.drain(db, gateway, timeout=70, policy=policy)

    thread = threading.Thread(target=run)
    try:
        thread.start()
        wait_for(lambda: sandbox.counts()["accepted"] >= N // 3, 40, "a third of the uploads")
        before_restart = sandbox.counts()
        sandbox.stop()  # the provincial side goes down in the middle of the run …
        time.sleep(0.3)
        sandbox.start()  # … and comes back on the same port with its records
        thread.join(80)
        assert not thread.is_alive()
        # every kind of fault really happened
        for fault in ("faults_500", "faults_drop", "faults_timeout", "faults_401", "faults_429"):
            assert before_restart[fault] + sandbox.counts()[fault] > 0, fault
        assert_exactly_once(db, sandbox, N)
        summary = result["summary"]
        assert summary.accepted == N and summary.failed == 0 and summary.retry_scheduled > 0
        # uploads the server had stored while the client saw an error were answered with the first receipt
        assert sandbox.counts()["duplicates_prevented"] > 0 and summary.duplicates > 0
        assert max(i.attempts for i in rows(db)) > 1
    finally:
        sandbox.stop()


def _db_url(db) -> str:
    return db.url.render_as_string(hide_password=False)


def _spawn_worker(db, sandbox_url: str, home: Path, *mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "RISKMON_TEST_SANDBOX_PASSWORD": DEMO_PASSWORD}
    env.pop(worker.URL_ENV, None)
    env.pop(worker.USER_ENV, None)
    args = [
        sys.executable, "-m", "app",
        "--database-url", _db_url(db), "--home", str(home), "sync",
        "--url", sandbox_url, "--user", DEMO_USER, "--password-env", "RISKMON_TEST_SANDBOX_PASSWORD",
        "--lease", "1.0", "--base-delay", "0.02", "--max-delay", "0.2", "--batch", "10",
        "--connect-timeout", "1", "--read-timeout", "0.8", *mode,
    ]  # fmt: skip
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_worker_process_killed_mid_run_loses_nothing_and_duplicates_nothing(db, tmp_path: Path):
    n = 80
    queue_many(db, n)
    sandbox = start_sandbox(state_path=tmp_path / "province.sqlite3", seed=5, latency_ms=10, drop_rate=0.05)
    home = tmp_path / "home"
    try:
        first = _spawn_worker(db, sandbox.url, home, "--once")
        try:
            wait_for(lambda: sandbox.counts()["accepted"] >= 20, 40, "the worker to get going")
        finally:
            os.kill(first.pid, signal.SIGKILL)
            first.communicate(timeout=10)
        assert first.returncode == -signal.SIGKILL
        killed_at = sandbox.counts()["accepted"]
        assert killed_at < n  # it really died in the middle
        assert any(i.state != "accepted" for i in rows(db))

        second = _spawn_worker(db, sandbox.url, home, "--drain", "60")
        out, err = second.communicate(timeout=90)
        assert second.returncode == 0, err
        assert "已接收" in out
        assert_exactly_once(db, sandbox, n)
    finally:
        sandbox.stop()
