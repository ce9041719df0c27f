"""Benchmark: N uploads (default 1,000) to the provincial-system sandbox on 127.0.0.1.

The sandbox runs in its own process. The full path: the package is queued in the outbox (SQLite, one transaction per approval), the
worker claims it, uploads it through ``HttpGateway`` with its idempotency key and records the
receipt. The floor, measured in the same run against the same sandbox: a bare ``httpx`` POST of
the same body with a bearer token and a fresh idempotency key, one after another on one
connection (the server does the same work: checks, validation, storing the receipt). A second
floor is the bookkeeping every upload needs at least once: one audited one-row update in its own
unit of work (the worker writes each item twice, the claim being shared by a batch of 20).

    python tests/bench/bench_sync.py [N]
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx  # noqa: E402

from app.store.db import bootstrap  # noqa: E402
from app.store.models import MonitoringTask  # noqa: E402
from app.store.uow import UnitOfWork  # noqa: E402
from app.sync import mapping, outbox, worker  # noqa: E402
from app.sync.gateway import HttpGateway  # noqa: E402

USER, PASSWORD = "demo", "demo-password"


def make_package(n: int, size: int = 20_000) -> bytes:
    """A valid export package of about ``size`` bytes (a stand-in PDF of an analysis report)."""
    number = f"HBFX-2026-{n:05d}"
    body = b"%PDF-1.4\n" + random.Random(n).randbytes(size)  # PDF streams are compressed: no gain from deflate
    name = f"analysis/{number}-分析报告.pdf"
    from datetime import UTC, datetime

    from app.documents.data import LabInfo, PackageAnalysis, PackageManifestData, PackageTask
    from app.documents.package import package_bytes

    data = PackageManifestData(
        lab=LabInfo(name="湖北省某某产品质量监督检验研究院", cma_number="231700000000"),
        task=PackageTask(number=number, title="风险监测任务", plan_year=2026),
        samples=(),
        analysis=PackageAnalysis(file=name),
        created_at=datetime(2026, 10, 9, 2, 30, tzinfo=UTC),
    )
    return package_bytes(data, {name: body})


def start_sandbox_process(state: Path) -> tuple[subprocess.Popen[str], str]:
    """The sandbox in its own process (so it does not share the client's interpreter lock)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.sync.sandbox", "--port", "0", "--state", str(state)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("READY "):
        proc.kill()
        raise SystemExit(f"the sandbox did not start: {line!r}")
    return proc, line.split()[1]


def floor_posts(url: str, packages: list[bytes]) -> float:
    with httpx.Client(base_url=url, trust_env=False, timeout=30) as client:
        token = client.post(mapping.LOGIN_PATH, json=mapping.login_body(USER, PASSWORD)).json()[mapping.TOKEN_FIELD]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": mapping.PACKAGE_CONTENT_TYPE}
        t0 = time.perf_counter()
        for i, body in enumerate(packages):
            r = client.post(mapping.UPLOAD_PATH, content=body, headers={**headers, "Idempotency-Key": f"floor-{i:08d}"})
            if r.status_code != 201:
                raise SystemExit(f"floor upload {i} failed: HTTP {r.status_code} {r.text[:200]}")
        return time.perf_counter() - t0


def floor_audited_writes(db, n: int) -> float:
    """``n`` one-row updates, each in its own unit of work (with its audit-log entry)."""
    with UnitOfWork(db, actor="bench") as uow:
        task = MonitoringTask(number="BENCH-WRITE", title="写入基准")
        uow.session.add(task)
        uow.commit()
        task_id = task.id
    t0 = time.perf_counter()
    for i in range(n):
        with UnitOfWork(db, actor="bench") as uow:
            uow.session.get(MonitoringTask, task_id).notes = str(i)
            uow.commit()
    return time.perf_counter() - t0


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    packages = [make_package(i) for i in range(n)]
    size = statistics.mean(len(p) for p in packages)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        db = bootstrap(None, home=home)
        db.upgrade()
        sandbox, url = start_sandbox_process(home / "province.sqlite3")
        try:
            t0 = time.perf_counter()
            for i, package in enumerate(packages):
                with UnitOfWork(db, actor="bench") as uow:
                    task = MonitoringTask(number=f"HBFX-2026-{i:05d}", title="风险监测任务")
                    uow.session.add(task)
                    uow.flush()
                    outbox.enqueue(uow.session, "task_results", task_id=task.id, package=package)
                    uow.commit()
            t_enqueue = time.perf_counter() - t0

            gateway = HttpGateway(url, USER, lambda: PASSWORD)
            t0 = time.perf_counter()
            summary = worker.run_once(db, gateway, policy=worker.RetryPolicy(batch_size=20))
            t_send = time.perf_counter() - t0
            gateway.close()
            accepted = httpx.get(url + mapping.SANDBOX_COUNTS_PATH, trust_env=False).json()["accepted"]
            if summary.accepted != n or accepted != n:
                raise SystemExit(f"not every upload was accepted: {summary.describe()} (sandbox: {accepted})")

            t_floor = floor_posts(url, packages)
            t_write = floor_audited_writes(db, n)
        finally:
            sandbox.terminate()
            sandbox.wait(10)
            db.dispose()

    per = lambda t: t / n * 1000  # noqa: E731
    print(f"{n} uploads of {size / 1024:.1f} KiB packages to the sandbox on 127.0.0.1 (SQLite outbox)")
    print(f"  queue in the approving transaction (task row + enqueue + package check): {per(t_enqueue):7.2f} ms/upload")
    print(f"  worker: claim, upload with idempotency key, record receipt:             {per(t_send):7.2f} ms/upload")
    print(f"  floor: bare httpx POST of the same body, same sandbox:                   {per(t_floor):7.2f} ms/upload")
    print(f"  floor of the bookkeeping: one audited one-row update in its own transaction: {per(t_write):7.2f} ms")
    print(f"  ratio worker / POST floor: {t_send / t_floor:.2f}x;  worker / (POST + audited update): "
          f"{t_send / (t_floor + t_write):.2f}x;  queue + worker / POST floor: {(t_enqueue + t_send) / t_floor:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
