"""Outbox and worker on SQLite and PostgreSQL, against the real sandbox on 127.0.0.1."""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import NotFoundError, ValidationError
from app.store.models import MonitoringTask, Report, Setting, SyncOutbox
from app.store.types import utcnow
from app.store.uow import UnitOfWork
from app.sync import outbox, worker
from app.sync.gateway import FolderGateway, HttpGateway
from app.sync.worker import RetryPolicy

from .conftest import DEMO_PASSWORD, DEMO_USER
from .helpers import corrupt_package, make_package

FAST = RetryPolicy(base_delay=10.0, max_delay=80.0, jitter=0.25, lease=30.0, batch_size=5)


def add_task(db, number: str = "HBFX-2026-017") -> int:
    with UnitOfWork(db, actor="tester") as uow:
        task = MonitoringTask(number=number, title="2026年电热水壶质量安全风险监测")
        uow.session.add(task)
        uow.commit()
        return task.id


def queue(db, task_id: int, n: int, *, start: int = 0, package=make_package) -> list[int]:
    ids = []
    with UnitOfWork(db, actor="tester") as uow:
        for i in range(start, start + n):
            item = outbox.enqueue(uow.session, "task_results", task_id=task_id, package=package(i))
            ids.append(item.id)
        uow.commit()
    return ids


def http(sandbox, password: str | None = DEMO_PASSWORD, read_timeout: float = 5.0) -> HttpGateway:
    return HttpGateway(sandbox.url, DEMO_USER, lambda: password, connect_timeout=2.0, read_timeout=read_timeout)


def rows(db) -> list[outbox.OutboxItem]:
    return sorted(outbox.list_items(db, limit=100_000), key=lambda item: item.id)


# ---------------------------------------------------------------------------- enqueue
def test_enqueue_is_part_of_the_callers_transaction(db):
    task_id = add_task(db)
    with pytest.raises(RuntimeError), UnitOfWork(db, actor="tester") as uow:
        outbox.enqueue(uow.session, "task_results", task_id=task_id, package=make_package(1))
        raise RuntimeError("the approval failed after the package was queued")
    assert rows(db) == []
    queue(db, task_id, 1)
    [item] = outbox.list_items(db)
    assert item.state == "pending" and item.task_number == "HBFX-2026-017"
    assert item.kind_label == "整任务结果（旧版）" and item.state_label == "待上传"
    assert item.next_attempt_at is not None and item.package_sha256


def test_enqueue_same_package_twice_is_one_item_and_a_different_package_under_the_key_is_refused(db):
    task_id = add_task(db)
    with UnitOfWork(db, actor="tester") as uow:
        a = outbox.enqueue(uow.session, "task_results", task_id=task_id, package=make_package(1))
        b = outbox.enqueue(uow.session, "task_results", task_id=task_id, package=make_package(1))
        assert a.id == b.id
        with pytest.raises(ValidationError):
            outbox.enqueue(
                uow.session, "task_results", task_id=task_id, package=make_package(2), idempotency_key=a.idempotency_key
            )
        uow.commit()
    assert len(rows(db)) == 1


def test_enqueue_rejects_bad_input_before_writing(db):
    task_id = add_task(db)
    with UnitOfWork(db, actor="tester") as uow:
        s = uow.session
        with pytest.raises(ValidationError, match="未通过校验"):
            outbox.enqueue(s, "task_results", task_id=task_id, package=corrupt_package(1))
        with pytest.raises(ValidationError):
            outbox.enqueue(s, "task_results", package=make_package(1))  # no task
        with pytest.raises(ValidationError):
            outbox.enqueue(s, "monthly", task_id=task_id, package=make_package(1))
        with pytest.raises(ValidationError):
            outbox.enqueue(s, "task_results", task_id=task_id, package=b"")
        with pytest.raises(ValidationError):
            outbox.enqueue(s, "task_results", task_id=task_id, package=make_package(1), idempotency_key="bad key!")
        uow.commit()
    assert rows(db) == []


def test_analysis_report_item_names_its_report(db):
    task_id = add_task(db)
    with UnitOfWork(db, actor="tester") as uow:
        report = Report(kind="analysis", task_id=task_id, number="FX-2026-017-分析")
        uow.session.add(report)
        uow.flush()
        outbox.enqueue(uow.session, "analysis_report", report_id=report.id, task_id=task_id, package=make_package(3))
        uow.commit()
    [item] = outbox.list_items(db)
    assert item.report_number == "FX-2026-017-分析" and item.kind_label == "分析报告"


def test_idempotency_keys_are_stable_and_distinct():
    p1, p2 = make_package(1), make_package(2)
    assert outbox.idempotency_key_for("task_results", 5, p1) == outbox.idempotency_key_for("task_results", 5, p1)
    keys = {
        outbox.idempotency_key_for("task_results", 5, p1),
        outbox.idempotency_key_for("task_results", 5, p2),
        outbox.idempotency_key_for("analysis_report", 5, p1),
        outbox.idempotency_key_for("task_results", 6, p1),
        outbox.idempotency_key_for("task_results", 5, p1, lab="CMA 2317"),
    }
    assert len(keys) == 5


# ---------------------------------------------------------------------------- worker: happy path
def test_run_once_uploads_everything_and_records_the_receipts(db, sandbox):
    task_id = add_task(db)
    queue(db, task_id, 12)
    seen = []
    with http(sandbox) as g:
        summary = worker.run_once(db, g, policy=FAST, progress=seen.append)
    assert summary.claimed == 12 and summary.accepted == 12 and summary.duplicates == 0
    assert [o.outcome for o in seen] == ["accepted"] * 12
    server = {r.idempotency_key: r.receipt_number for r in sandbox.records()}
    ours = {r.idempotency_key: r.receipt_number for r in rows(db)}
    assert ours == server and len(set(ours.values())) == 12
    assert all(r.state == "accepted" and r.attempts == 1 and r.accepted_at for r in rows(db))
    assert "已接收 12 项" in summary.describe()
    with http(sandbox) as g:
        assert worker.run_once(db, g, policy=FAST).claimed == 0


def test_retryable_failure_backs_off_exponentially_with_jitter_and_is_retried_later(db, sandbox):
    task_id = add_task(db)
    [item_id] = queue(db, task_id, 1)
    sandbox.faults.fail_rate = 1.0
    t0 = utcnow()
    with http(sandbox) as g:
        s1 = worker.run_once(db, g, now=t0, policy=FAST)
        [r] = rows(db)
        assert s1.retry_scheduled == 1 and r.state == "failed" and r.attempts == 1
        assert "HTTP 500" in r.last_error
        d1 = (r.next_attempt_at - t0).total_seconds()
        assert 7.5 <= d1 <= 12.5
        # Not due yet: nothing happens.
        assert worker.run_once(db, g, now=t0 + timedelta(seconds=5), policy=FAST).claimed == 0
        t1 = t0 + timedelta(seconds=13)
        worker.run_once(db, g, now=t1, policy=FAST)
        [r] = rows(db)
        d2 = (r.next_attempt_at - t1).total_seconds()
        assert r.attempts == 2 and 15.0 <= d2 <= 25.0
        t = t1
        for _ in range(5):  # the cap holds
            t = r.next_attempt_at
            worker.run_once(db, g, now=t, policy=FAST)
            [r] = rows(db)
        assert (r.next_attempt_at - t).total_seconds() <= 80.0
        sandbox.faults.fail_rate = 0.0
        worker.run_once(db, g, now=r.next_attempt_at, policy=FAST)
    [r] = rows(db)
    assert r.state == "accepted" and r.attempts == 8 and r.last_error is None
    assert outbox.get_item(db, item_id).receipt_number == sandbox.records()[0].receipt_number


def test_retry_after_is_honoured(db, sandbox):
    task_id = add_task(db)
    queue(db, task_id, 1)
    sandbox.faults.rate_limit_rate = 1.0
    sandbox.faults.retry_after_seconds = 600
    t0 = utcnow()
    with http(sandbox) as g:
        worker.run_once(db, g, now=t0, policy=FAST)
    [r] = rows(db)
    assert r.state == "failed" and (r.next_attempt_at - t0).total_seconds() >= 600
    assert "429" in r.last_error


def test_permanent_rejection_waits_for_a_person_with_the_servers_reasons(db, sandbox):
    task_id = add_task(db)
    with UnitOfWork(db, actor="tester") as uow:
        outbox.enqueue(uow.session, "task_results", task_id=task_id, package=corrupt_package(1), check_package=False)
        uow.commit()
    with http(sandbox) as g:
        summary = worker.run_once(db, g, policy=FAST)
    assert summary.failed == 1
    [item] = outbox.list_items(db)
    assert item.state == "failed" and item.needs_attention and item.next_attempt_at is None
    assert "拒收" in item.last_error and "SHA-256" in item.last_error
    assert item.state_label == "失败，需人工处理"
    assert outbox.counts(db)["needs_attention"] == 1
    with http(sandbox) as g:  # never retried automatically
        assert worker.run_once(db, g, now=utcnow() + timedelta(days=30), policy=FAST).claimed == 0


def test_credentials_problem_stops_the_run_and_leaves_items_queued(db, sandbox):
    task_id = add_task(db)
    queue(db, task_id, 7)
    with http(sandbox, password="wrong") as g:
        summary = worker.run_once(db, g, policy=FAST)
    assert summary.credentials_problem and summary.stopped and "用户名和密码" in summary.stop_reason
    assert summary.claimed == 0 and summary.released == 5  # the first batch, handed back
    assert all(r.state == "pending" and r.attempts == 0 for r in rows(db))
    assert sandbox.counts()["accepted"] == 0
    with http(sandbox) as g:
        assert worker.run_once(db, g, policy=FAST).accepted == 7


def test_stop_hands_back_the_rest_of_the_batch(db, sandbox):
    task_id = add_task(db)
    queue(db, task_id, 5)
    done = []

    def progress(outcome):
        done.append(outcome)

    with http(sandbox) as g:
        summary = worker.run_once(db, g, policy=FAST, progress=progress, stop=lambda: len(done) >= 2)
    assert summary.accepted == 2 and summary.released == 3 and summary.stopped
    states = sorted(r.state for r in rows(db))
    assert states == ["accepted"] * 2 + ["pending"] * 3


def test_a_dead_workers_claim_is_taken_over_after_the_lease(db, sandbox):
    task_id = add_task(db)
    queue(db, task_id, 1)
    t0 = utcnow()
    claims = worker.claim_due(db, now=t0, limit=10, lease=30)  # and then the worker "dies"
    assert len(claims) == 1 and rows(db)[0].state == "sending"
    with http(sandbox) as g:
        assert worker.run_once(db, g, now=t0 + timedelta(seconds=10), policy=FAST).claimed == 0
        summary = worker.run_once(db, g, now=t0 + timedelta(seconds=31), policy=FAST)
    assert summary.accepted == 1
    [r] = rows(db)
    assert r.state == "accepted" and r.attempts == 2


def test_a_late_worker_cannot_overwrite_the_new_owner_but_its_receipt_still_counts(db, sandbox):
    task_id = add_task(db)
    queue(db, task_id, 1)
    t0 = utcnow()
    [old] = worker.claim_due(db, now=t0, limit=10, lease=30)
    [new] = worker.claim_due(db, now=t0 + timedelta(seconds=31), limit=10, lease=30)
    from app.sync.gateway import ServerError

    outcome, _ = worker.record_failure(db, old, ServerError("x"), now=t0, policy=FAST)
    assert outcome == "superseded" and rows(db)[0].state == "sending"
    with http(sandbox) as g:
        receipt = g.upload(old.package, old.idempotency_key, old.meta)
    assert worker.record_receipt(db, old, receipt, now=t0) == "accepted"
    assert rows(db)[0].state == "accepted"
    # The new owner's later failure does not undo the acceptance.
    assert worker.record_failure(db, new, ServerError("y"), now=t0, policy=FAST)[0] == "superseded"
    assert rows(db)[0].state == "accepted" and rows(db)[0].receipt_number == receipt.receipt_number


def test_two_workers_at_once_never_send_the_same_item(db, sandbox):
    task_id = add_task(db)
    queue(db, task_id, 40)
    policy = RetryPolicy(base_delay=0.01, max_delay=0.05, lease=30.0, batch_size=3)
    results: list[worker.SyncSummary] = []

    def run() -> None:
        with http(sandbox) as g:
            results.append(worker.drain(db, g, timeout=30, policy=policy))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r.accepted for r in results) == 40
    counts = sandbox.counts()
    assert counts["accepted"] == 40 and counts["duplicates_prevented"] == 0  # no item was sent twice
    assert all(r.state == "accepted" and r.attempts == 1 for r in rows(db))


# ---------------------------------------------------------------------------- user actions
def test_retry_cancel_and_their_refusals(db, sandbox):
    task_id = add_task(db)
    a, b = queue(db, task_id, 2)
    item = outbox.cancel(db, a, actor="zhang")
    assert item.state == "cancelled" and item.done
    with http(sandbox) as g:
        assert worker.run_once(db, g, policy=FAST).accepted == 1  # only b
    with pytest.raises(ValidationError):
        outbox.cancel(db, b, actor="zhang")  # accepted
    with pytest.raises(ValidationError):
        outbox.retry(db, b, actor="zhang")
    again = outbox.retry(db, a, actor="zhang")
    assert again.state == "pending" and again.attempts == 0
    with http(sandbox) as g:
        assert worker.run_once(db, g, policy=FAST).accepted == 1
    with pytest.raises(NotFoundError):
        outbox.retry(db, 99999, actor="zhang")


def test_actions_on_an_item_being_sent_are_refused(db):
    task_id = add_task(db)
    [a] = queue(db, task_id, 1)
    worker.claim_due(db, now=utcnow(), limit=5, lease=30)
    for action in (
        lambda: outbox.cancel(db, a, actor="zhang"),
        lambda: outbox.retry(db, a, actor="zhang"),
        lambda: outbox.confirm_delivered_by_hand(db, a, actor="zhang"),
    ):
        with pytest.raises(ValidationError, match="进行中"):
            action()


def test_stale_version_is_a_conflict(db):
    from app.errors import ConflictError

    task_id = add_task(db)
    [a] = queue(db, task_id, 1)
    seen = outbox.get_item(db, a)
    outbox.cancel(db, a, actor="li")
    with pytest.raises(ConflictError):
        outbox.retry(db, a, actor="zhang", expected_version=seen.version)


def test_export_for_hand_delivery_then_confirm(db, sandbox, tmp_path: Path):
    task_id = add_task(db)
    [a, b] = queue(db, task_id, 2)
    path = outbox.export_for_hand_delivery(db, a, tmp_path / "hand", actor="zhang")
    assert path.read_bytes() == outbox.get_package(db, a)
    item = outbox.get_item(db, a)
    assert item.exported and item.needs_attention and item.state_label == "待确认手工上传"
    with http(sandbox) as g:  # the exported item is not also sent online
        assert worker.run_once(db, g, policy=FAST).accepted == 1
    assert {r.idempotency_key for r in sandbox.records()} == {outbox.get_item(db, b).idempotency_key}
    done = outbox.confirm_delivered_by_hand(db, a, actor="zhang", receipt_number=" HBJG-2026-000900 ")
    assert done.state == "delivered_by_hand" and done.receipt_number == "HBJG-2026-000900" and done.accepted_at
    with pytest.raises(ValidationError):
        outbox.confirm_delivered_by_hand(db, b, actor="zhang")  # accepted online already
    with pytest.raises(ValidationError):
        outbox.export_for_hand_delivery(db, a, tmp_path / "hand", actor="zhang")


def test_worker_with_a_folder_gateway_exports_and_waits_for_confirmation(db, tmp_path: Path):
    task_id = add_task(db)
    queue(db, task_id, 3)
    summary = worker.run_once(db, FolderGateway(tmp_path / "out"), policy=FAST)
    assert summary.exported == 3 and summary.accepted == 0
    assert len(list((tmp_path / "out").glob("*.zip"))) == 3
    items = outbox.list_items(db)
    assert all(i.exported for i in items)
    assert outbox.list_items(db, needs_attention=True) == items
    assert worker.run_once(db, FolderGateway(tmp_path / "out"), now=utcnow() + timedelta(days=1)).claimed == 0


def test_list_filters_counts_and_next_due(db, sandbox):
    task_id = add_task(db)
    queue(db, task_id, 3)
    assert outbox.next_due(db) is not None
    with http(sandbox) as g:
        worker.run_once(db, g, policy=FAST)
    assert outbox.next_due(db) is None
    queue(db, task_id, 2, start=10)
    c = outbox.counts(db)
    assert c["accepted"] == 3 and c["pending"] == 2 and c["needs_attention"] == 0
    assert len(outbox.list_items(db, states=["pending"])) == 2
    assert len(outbox.list_items(db, task_id=task_id, limit=4)) == 4
    with pytest.raises(ValidationError):
        outbox.list_items(db, states=["bogus"])


# ---------------------------------------------------------------------------- policy and settings
def test_retry_policy_delay():
    p = RetryPolicy(base_delay=2.0, max_delay=60.0, jitter=0.0)
    assert [p.delay(n) for n in (1, 2, 3, 4, 5, 6, 7, 50)] == [2, 4, 8, 16, 32, 60, 60, 60]
    assert p.delay(1, retry_after=30) == 30
    assert p.delay(1, retry_after=10**9) == p.max_retry_after
    jittery = RetryPolicy(base_delay=10.0, max_delay=1000.0, jitter=0.5)
    rng = random.Random(3)
    values = [jittery.delay(1, rng=rng) for _ in range(200)]
    assert min(values) >= 5.0 and max(values) <= 15.0 and len(set(values)) > 100


def test_gateway_from_settings():
    provide = lambda: "pw"  # noqa: E731
    assert isinstance(worker.gateway_from_settings("https://zljd.example.cn", "u", provide), HttpGateway)
    assert isinstance(worker.gateway_from_settings("http://127.0.0.1:8765", "u", provide), HttpGateway)
    assert isinstance(worker.gateway_from_settings("folder:/tmp/x", "", provide), FolderGateway)
    for url, user in (("", "u"), ("http://zljd.example.cn", "u"), ("ftp://x", "u"), ("https://x.cn", " ")):
        with pytest.raises(ValidationError):
            worker.gateway_from_settings(url, user, provide)


def test_provincial_settings_from_the_database_and_the_environment(db):
    assert worker.provincial_settings(db, environ={}) == worker.ProvincialSettings("", "")
    with UnitOfWork(db, actor="admin") as uow:
        uow.session.add(Setting(key="provincial_url", value="https://zljd.example.cn"))
        uow.session.add(Setting(key="provincial_user", value="lab01"))
        uow.commit()
    assert worker.provincial_settings(db, environ={}) == worker.ProvincialSettings("https://zljd.example.cn", "lab01")
    env = {worker.URL_ENV: "http://127.0.0.1:9", worker.USER_ENV: "demo"}
    assert worker.provincial_settings(db, environ=env) == worker.ProvincialSettings("http://127.0.0.1:9", "demo")


def test_outbox_changes_are_audited(db, sandbox):
    from app.store.models import AuditLog

    task_id = add_task(db)
    [a] = queue(db, task_id, 1)
    outbox.cancel(db, a, actor="zhang")
    with UnitOfWork(db, actor="tester") as uow:
        actors = list(
            uow.session.scalars(
                select(AuditLog.actor).where(AuditLog.table_name == "sync_outbox", AuditLog.row_id == a)
            )
        )
        assert uow.session.scalar(select(func.count()).select_from(SyncOutbox)) == 1
    assert actors == ["tester", "zhang"]


def test_lab_prefix_keeps_keys_ascii(db):
    key = outbox.idempotency_key_for("result", 1, make_package(1), lab="湖北 CMA-2317")
    assert key.startswith("CMA2317-R1-")
    assert outbox.idempotency_key_for("notice", 7, make_package(1)).startswith("N7-")
    assert outbox.idempotency_key_for("task_results", 1, make_package(1)).startswith("T1-")
    task_id = add_task(db)
    with UnitOfWork(db, actor="tester") as uow:
        item = outbox.enqueue(uow.session, "task_results", task_id=task_id, package=make_package(1), lab="231700000000")
        uow.commit()
    assert item.idempotency_key.startswith(f"231700000000-T{task_id}-")


def test_run_forever_wakes_on_request_and_stops_on_request(sqlite_db, sandbox):
    db = sqlite_db
    task_id = add_task(db)
    stop, wake = threading.Event(), threading.Event()
    summaries: list[worker.SyncSummary] = []
    result: list[worker.SyncSummary] = []

    def run() -> None:
        with http(sandbox) as g:
            result.append(
                worker.run_forever(db, g, stop, policy=FAST, idle_interval=30, wake_event=wake, on_summary=summaries.append)
            )

    thread = threading.Thread(target=run)
    thread.start()
    try:
        queue(db, task_id, 3)
        wake.set()  # queued: do not wait for the idle interval
        deadline = time.monotonic() + 20
        while sandbox.counts()["accepted"] < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sandbox.counts()["accepted"] == 3
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert result[0].accepted == 3 and sum(s.accepted for s in summaries) == 3
    assert all(r.state == "accepted" for r in rows(db))


def test_run_forever_returns_on_a_credentials_problem(sqlite_db, sandbox):
    task_id = add_task(sqlite_db)
    queue(sqlite_db, task_id, 1)
    with http(sandbox, password=None) as g:
        totals = worker.run_forever(sqlite_db, g, threading.Event(), policy=FAST, idle_interval=30)
    assert totals.credentials_problem and "密码" in totals.stop_reason
    assert rows(sqlite_db)[0].state == "pending"


def test_an_item_whose_lease_ran_out_before_its_turn_is_not_sent(db, sandbox):
    task_id = add_task(db)
    queue(db, task_id, 3)
    t0 = utcnow()
    times = iter([t0, t0])  # the pass's cutoff and the claim; then the clock jumps past the lease

    def clock():
        return next(times, t0 + timedelta(seconds=31))

    policy = RetryPolicy(base_delay=1, max_delay=2, lease=30, batch_size=5)
    seen = []
    with http(sandbox) as g:
        summary = worker.run_once(db, g, now=clock, policy=policy, progress=seen.append)
        assert summary.claimed == 0 and [o.outcome for o in seen] == ["superseded"] * 3
        assert sandbox.counts()["requests"] == 0
        assert all(r.state == "sending" for r in rows(db))
        summary = worker.run_once(db, g, now=t0 + timedelta(seconds=31), policy=policy)
    assert summary.accepted == 3 and all(r.attempts == 2 for r in rows(db))


def test_a_receipt_is_written_from_its_claim_with_the_entry_a_read_of_the_row_gives(db, sandbox):
    """A receipt is written without reading the item again when nobody changed it since its claim:
    the audit entry's old values are the claimed row's, exactly what reading it would give."""
    from app.store.audit import to_json_value
    from app.store.models import AuditLog

    task_id = add_task(db)
    [item_id] = queue(db, task_id, 1)
    t0 = utcnow()
    [claim] = worker.claim_due(db, now=t0, limit=10, lease=30)
    with UnitOfWork(db, actor="tester") as uow:
        row = uow.session.get(SyncOutbox, item_id)
        claimed = {k: to_json_value(getattr(row, k)) for k in
                   ("state", "receipt_number", "accepted_at", "next_attempt_at", "last_error", "version")}
    assert claimed["state"] == "sending" and claimed["version"] == claim.version
    with http(sandbox) as g:
        receipt = g.upload(claim.package, claim.idempotency_key, claim.meta)
    assert worker.record_receipts(db, [(claim, receipt)], now=t0, actor="sync") == ["accepted"]
    with UnitOfWork(db, actor="tester") as uow:
        entry = uow.session.scalars(select(AuditLog).where(AuditLog.table_name == "sync_outbox",
                                                           AuditLog.row_id == item_id)
                                    .order_by(AuditLog.seq.desc())).first()
        row = uow.session.get(SyncOutbox, item_id)
        assert entry.actor == "sync" and entry.action == "update"
        assert entry.before == {k: claimed[k] for k in ("state", "receipt_number", "accepted_at", "next_attempt_at")}
        assert entry.after == {"state": "accepted", "receipt_number": receipt.receipt_number,
                               "accepted_at": to_json_value(row.accepted_at), "next_attempt_at": None,
                               "version": claim.version + 1, "updated_at": to_json_value(row.updated_at)}
        assert row.state == "accepted" and row.version == claim.version + 1


def test_a_pass_claims_and_records_on_one_connection(db, sandbox):
    """The claims and receipts of a pass share one connection (no pool round trip per transaction),
    and the pass gives it back when it ends."""
    from sqlalchemy import event

    task_id = add_task(db)
    queue(db, task_id, 12)
    checkouts: list[int] = []
    checkins: list[int] = []
    on_out, on_in = (lambda *_a: checkouts.append(1)), (lambda *_a: checkins.append(1))
    event.listen(db.engine, "checkout", on_out)
    event.listen(db.engine, "checkin", on_in)
    try:
        with http(sandbox) as g:
            summary = worker.run_once(db, g, policy=FAST)  # batches of 5: three claims, receipts between
    finally:
        event.remove(db.engine, "checkout", on_out)
        event.remove(db.engine, "checkin", on_in)
    assert summary.accepted == 12
    assert len(checkouts) == len(checkins) == 1
