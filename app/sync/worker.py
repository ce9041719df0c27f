"""The sender: claims due outbox items, uploads them, records receipts or schedules retries.

One pass (:func:`run_once`) claims the items that are due (``pending``, or ``failed`` with
``next_attempt_at`` reached, or ``sending`` whose lease ran out because a worker died), marks them
``sending`` with a lease, commits, and only then talks to the gateway — never with a database
transaction open. Each outcome is written in its own short transaction:

* a receipt → ``accepted`` with the receipt number (also when the server says it was a
  duplicate: the first receipt is the one that counts);
* a retryable error → ``failed`` with ``next_attempt_at`` after an exponential backoff with
  jitter (capped), or later when the server sent ``Retry-After``; the Chinese reason in
  ``last_error``;
* a permanent error → ``failed`` with no next attempt: a person must look (the server's reasons
  are in ``last_error``);
* a credentials problem (no password, login refused) → the item goes back untouched and the
  run stops, so the user can fix the account;
* a folder export → waits for the user to confirm the upload by hand.

Because every send carries the item's idempotency key, sending an item twice (the worker was
killed after the server stored it, the connection dropped, the lease ran out) never makes a
second record on the provincial side.

On PostgreSQL the claim uses ``SELECT … FOR UPDATE SKIP LOCKED`` so that several workstations can
run workers at once; on SQLite the single writer and the version column keep two claims apart.

The worker has one entry point, ``riskmon sync`` (``app.cli``); the GUI runs it on a thread through
``app.services.upload``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy import exc as sa_exc

from app.errors import ConflictError, DatabaseError, RiskmonError, ValidationError
from app.store.audit import record_updates
from app.store.models import SETTING_DEFAULTS, HazardReport, MonitoringTask, Report, Setting, SyncOutbox
from app.store.types import utcnow
from app.store.uow import UnitOfWork, raise_translated
from app.sync import outbox
from app.sync.gateway import (
    FolderGateway,
    Gateway,
    GatewayError,
    HttpGateway,
    PasswordProvider,
    Receipt,
    UploadRejected,
    is_loopback_url,
)
from app.sync.packages import in_query as _in_query
from app.sync.packages import packages_of as package_of_rows

log = logging.getLogger(__name__)

URL_ENV = "RISKMON_PROVINCIAL_URL"
USER_ENV = "RISKMON_PROVINCIAL_USER"
DEFAULT_ACTOR = "sync"


# --------------------------------------------------------------------------------------------
# Policy and results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try again. Defaults suit production; tests use fractions of a second."""

    base_delay: float = 30.0  # seconds before the second attempt
    max_delay: float = 3600.0  # backoff cap
    jitter: float = 0.25  # ± fraction of the delay, so many items do not retry in step
    # how long a claim lasts: > batch_size × (connect + read timeout), 10 × (10 s + 60 s); an item
    # whose worker died is sent again after it (a quarter of an hour)
    lease: float = 900.0
    batch_size: int = 10  # items claimed per transaction (each claim and receipt transaction costs
    # about what an upload's own HTTP work does: fewer, larger ones keep the worker within 2× of it)
    max_retry_after: float = 6 * 3600.0  # longest Retry-After honoured

    def delay(self, attempts: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt (1, 2, …)."""
        exponent = max(0, min(attempts - 1, 40))
        delay = min(self.max_delay, self.base_delay * (2**exponent))
        if self.jitter > 0:
            r = (rng or random).uniform(-self.jitter, self.jitter)
            delay = min(self.max_delay, delay * (1.0 + r))
        if retry_after is not None:
            delay = max(delay, min(float(retry_after), self.max_retry_after))
        return max(0.0, delay)


@dataclass(frozen=True)
class ItemOutcome:
    item_id: int
    outcome: str  # accepted | retry | failed | exported | released | superseded
    message: str | None = None
    receipt_number: str | None = None
    next_attempt_at: datetime | None = None


@dataclass
class SyncSummary:
    """What one run did (plain data for the GUI status line and ``riskmon sync``)."""

    claimed: int = 0
    accepted: int = 0
    duplicates: int = 0  # accepted with a receipt the server had issued before (a re-send)
    retry_scheduled: int = 0
    failed: int = 0  # permanently: a person must look
    exported: int = 0  # written to a folder, waiting for confirmation of the hand upload
    released: int = 0  # claimed but handed back untouched (stop requested, credentials problem)
    stopped: bool = False  # the run ended early (stop requested, credentials, database)
    stop_reason: str | None = None  # Chinese
    credentials_problem: bool = False  # ask the user for the password, then run again
    errors: list[str] = field(default_factory=list)  # Chinese, one per failed attempt (short)

    def merge(self, other: SyncSummary) -> None:
        for name in ("claimed", "accepted", "duplicates", "retry_scheduled", "failed", "exported", "released"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)
        if other.stopped:
            self.stopped = True
            self.stop_reason = other.stop_reason
            self.credentials_problem = self.credentials_problem or other.credentials_problem

    def describe(self) -> str:
        if self.claimed == 0 and not self.stopped:
            return "没有需要上传的内容。"
        parts = [f"本次处理 {self.claimed} 项：已接收 {self.accepted} 项"]
        if self.retry_scheduled:
            parts.append(f"稍后重试 {self.retry_scheduled} 项")
        if self.failed:
            parts.append(f"未被接收需人工处理 {self.failed} 项")
        if self.exported:
            parts.append(f"已导出待手工上传 {self.exported} 项")
        text = "，".join(parts) + "。"
        if self.stopped and self.stop_reason:
            text += f"已停止：{self.stop_reason}"
        return text


@dataclass(frozen=True)
class Claim:
    id: int
    idempotency_key: str
    package: bytes
    meta: dict[str, Any]
    attempts: int  # including this one
    version: int  # the row's version right after the claim
    previous_state: str
    previous_next_attempt_at: datetime | None
    lease_until: datetime  # after this another worker may take the item over
    # the row as the claim left it (with ``version``, ``state`` sending and ``next_attempt_at`` the
    # lease's end): what a receipt changes, so that it is written without reading the row again
    receipt_number: str | None = None
    accepted_at: datetime | None = None
    last_error: str | None = None


# --------------------------------------------------------------------------------------------
# Claiming and recording
# --------------------------------------------------------------------------------------------


def _due(now: datetime) -> Any:
    return or_(
        and_(
            SyncOutbox.state == "pending",
            or_(SyncOutbox.next_attempt_at.is_(None), SyncOutbox.next_attempt_at <= now),
        ),
        and_(
            # two comparisons rather than IN: a statement built once then needs no rendering per run
            or_(SyncOutbox.state == "failed", SyncOutbox.state == "sending"),
            SyncOutbox.next_attempt_at.is_not(None),
            SyncOutbox.next_attempt_at <= now,
        ),
    )


_OUTBOX = SyncOutbox.__table__


def _number_of(table: Any, key: Any) -> Any:
    """The ``number`` of the ``table`` row whose ``key`` column is ``key`` (a scalar subquery)."""
    return select(func.max(table.c.number)).where(key).scalar_subquery()


_TASKS, _REPORTS, _HAZARDS = MonitoringTask.__table__, Report.__table__, HazardReport.__table__
_CLAIM_COLUMNS = (
    _OUTBOX.c.id, _OUTBOX.c.kind, _OUTBOX.c.task_id, _OUTBOX.c.report_id, _OUTBOX.c.idempotency_key,
    _OUTBOX.c.package, _OUTBOX.c.recipe, _OUTBOX.c.package_sha256, _OUTBOX.c.state, _OUTBOX.c.attempts,
    _OUTBOX.c.next_attempt_at, _OUTBOX.c.version,
    _OUTBOX.c.receipt_number, _OUTBOX.c.accepted_at, _OUTBOX.c.last_error,
    # what the upload's meta names (outbox.meta_of), read with the claim
    _number_of(_TASKS, _TASKS.c.id == _OUTBOX.c.task_id).label("task_number"),
    _number_of(_REPORTS, _REPORTS.c.id == _OUTBOX.c.report_id).label("report_number"),
    _number_of(_HAZARDS, _HAZARDS.c.outbox_id == _OUTBOX.c.id).label("hazard_number"),
)


def _bookkeeping(conn: Any, item_id: int, version: int, **values: Any) -> None:
    """Change an item's delivery bookkeeping (not audited: ``models.NON_BUSINESS_COLUMNS``) if
    nobody changed the item since it was read; ``ConflictError`` otherwise."""
    _bookkeeping_many(conn, [(item_id, version, values)])


_BOOKKEEPING_STATEMENTS: dict[tuple[str, ...], Any] = {}


def _bookkeeping_statement(columns: tuple[str, ...]) -> Any:
    """``UPDATE sync_outbox SET version = :v_version, <columns> = :v_<column> … WHERE id = :b_id
    AND version = :b_version``, built once per set of columns (executed for many rows at once)."""
    statement = _BOOKKEEPING_STATEMENTS.get(columns)
    if statement is None:
        statement = _BOOKKEEPING_STATEMENTS[columns] = (
            update(_OUTBOX)
            .where(_OUTBOX.c.id == bindparam("b_id"), _OUTBOX.c.version == bindparam("b_version"))
            .values(version=bindparam("v_version"), **{c: bindparam(f"v_{c}") for c in columns})
        )
    return statement


def _bookkeeping_many(conn: Any, changes: list[tuple[int, int, dict[str, Any]]]) -> None:
    """:func:`_bookkeeping` for several items, ``(id, version read, values)`` each, in one
    statement per set of changed columns; ``ConflictError`` when any of them was changed since."""
    stamp = utcnow()
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for item_id, version, values in changes:
        values = {"updated_at": stamp, **values}
        params = {"b_id": item_id, "b_version": version, "v_version": version + 1,
                  **{f"v_{k}": v for k, v in values.items()}}
        groups.setdefault(tuple(sorted(values)), []).append(params)
    sane = conn.dialect.supports_sane_multi_rowcount
    for columns, params in groups.items():
        statement = _bookkeeping_statement(columns)
        batches = [params] if sane or len(params) == 1 else [[p] for p in params]
        for batch in batches:
            done = conn.execute(statement, batch)
            if done.rowcount != len(batch):
                raise ConflictError("上传记录已被其他工作站更新，请重试。")


#: the due items, most urgent first (``:now``, ``:limit``): built once
_CLAIM_QUERY = (
    select(*_CLAIM_COLUMNS)
    .where(_due(bindparam("now")))
    # a major hazard (Article 18 ¶3: reported at once) goes ahead of the queue
    .order_by(case((_OUTBOX.c.kind == "hazard", 0), else_=1),
              _OUTBOX.c.next_attempt_at.asc().nulls_first(), _OUTBOX.c.id)
    .limit(bindparam("limit"))
)
#: the same on PostgreSQL, where several workstations' workers skip each other's claims
_CLAIM_QUERY_LOCKING = _CLAIM_QUERY.with_for_update(skip_locked=True)


def claim_due(
    db: Any,
    *,
    now: datetime,
    limit: int,
    lease: float,
    lease_start: datetime | None = None,
    actor: str = DEFAULT_ACTOR,
) -> list[Claim]:
    """Mark up to ``limit`` items due at ``now`` ``sending`` and return them.

    The lease runs ``lease`` seconds from ``lease_start`` (default ``now``). Raises
    ``ConflictError`` when another worker changed one of them first (try again). Claiming is
    delivery bookkeeping: one transaction of plain statements, no audit entry (the receipt has one).
    The packages of the batch are made from their stored documents read together.
    """
    return _claim(db, now=now, limit=limit, lease=lease, lease_start=lease_start)[0]


def _claim(db: Any, *, now: datetime, limit: int, lease: float,
           lease_start: datetime | None = None, link: _Link | None = None,
           receiver_checks: bool = False) -> tuple[list[Claim], bool]:
    """:func:`claim_due`, and whether more items were due than it claimed (one row more is read:
    a pass that claimed every due item ends without a second, empty, claim transaction). On the
    pass's connection when ``link`` is given; ``receiver_checks``: the gateway's receiver checks
    each package against its recorded SHA-256 (``packages.packages_of``)."""
    with (link or _Link(db, keep=False)).transaction() as conn:
        query = _CLAIM_QUERY_LOCKING if getattr(db, "backend", "") == "postgresql" else _CLAIM_QUERY
        rows = list(conn.execute(query, {"now": now, "limit": limit + 1}))
        more = len(rows) > limit
        rows = rows[:limit]
        if not rows:
            return [], False
        lease_end = (lease_start or now) + timedelta(seconds=lease)
        claimed = []
        changes: list[tuple[int, int, dict[str, Any]]] = []
        for row, package in zip(rows, package_of_rows(conn, rows, receiver_checks=receiver_checks), strict=True):
            if isinstance(package, ValidationError):  # a stored document changed since it was queued
                changes.append((row.id, row.version, {"state": "failed", "next_attempt_at": None,
                                                      "last_error": package.message[:1000]}))
                continue
            changes.append((row.id, row.version, {"state": "sending", "attempts": (row.attempts or 0) + 1,
                                                  "next_attempt_at": lease_end}))
            claimed.append((row, package))
        _bookkeeping_many(conn, changes)
        claims = [
            Claim(
                id=row.id,
                idempotency_key=row.idempotency_key,
                package=package,
                meta=outbox.meta_of(row, row.task_number, row.report_number, row.hazard_number),
                attempts=(row.attempts or 0) + 1,
                version=row.version + 1,
                previous_state=row.state,
                previous_next_attempt_at=row.next_attempt_at,
                lease_until=lease_end,
                receipt_number=row.receipt_number,
                accepted_at=row.accepted_at,
                last_error=row.last_error,
            )
            for row, package in claimed
        ]
        return claims, more


class _Link:
    """The connection a pass writes its claims and receipts on: opened when first needed and kept
    for the pass (``keep``), so that each of its short transactions does not take a connection
    from the pool and give it back; closed at the end of the pass, and after a database error (a
    broken connection is not used again: the next transaction opens a new one). No transaction
    stays open between :meth:`transaction` blocks, so nothing is held while the worker uploads."""

    def __init__(self, db: Any, *, keep: bool = True) -> None:
        self.db, self.keep = db, keep
        self.conn: Any = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One transaction, committed when the block ends without an error: the claim and the
        receipts change rows with Core statements, no session needed. Database errors leave as
        :mod:`app.errors` exceptions, as from a unit of work."""
        try:
            if self.conn is None:
                self.conn = self.db.engine.connect()
            try:
                with self.conn.begin():
                    yield self.conn
            finally:
                if not self.keep:
                    self.close()
        except sa_exc.SQLAlchemyError as exc:
            self.close()
            raise_translated(exc, self.db)

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with contextlib.suppress(sa_exc.SQLAlchemyError):
                conn.close()


def _record(
    db: Any,
    claim: Claim,
    apply: Callable[[SyncOutbox], str],
    *,
    actor: str,
    tries: int = 3,
) -> str:
    """Load the item, let ``apply`` change it (returns the outcome name), commit; retry conflicts."""
    last: Exception | None = None
    for _ in range(tries):
        try:
            with UnitOfWork(db, actor=actor) as uow:
                item = uow.session.get(SyncOutbox, claim.id)
                if item is None:  # deleted meanwhile: nothing to record
                    return "superseded"
                outcome = apply(item)
                uow.commit()
                return outcome
        except ConflictError as exc:
            last = exc
            time.sleep(0.01)
    assert last is not None
    raise last


def _still_ours(item: SyncOutbox, claim: Claim) -> bool:
    return item.state == "sending" and item.version == claim.version


def record_receipt(db: Any, claim: Claim, receipt: Receipt, *, now: datetime, actor: str = DEFAULT_ACTOR) -> str:
    if receipt.status != "exported":
        return record_receipts(db, [(claim, receipt)], now=now, actor=actor)[0]

    def apply(item: SyncOutbox) -> str:
        if receipt.status == "exported":
            if not _still_ours(item, claim):
                return "superseded"
            outbox._mark_exported(item, receipt.path or Path(claim.idempotency_key))
            return "exported"
        if item.state in ("accepted", "delivered_by_hand"):
            return "accepted"  # recorded before (another worker, or by hand): keep the first
        # The server's receipt is the truth, whoever holds the claim now.
        item.state = "accepted" if receipt.status == "accepted" else "delivered_by_hand"
        item.receipt_number = receipt.receipt_number
        item.accepted_at = receipt.accepted_at or now
        item.next_attempt_at = None
        item.last_error = None
        return "accepted"

    return _record(db, claim, apply, actor=actor)


#: what a receipt changes (of the items :func:`_in_query` names)
_RECEIPT_QUERY = select(
    _OUTBOX.c.id, _OUTBOX.c.state, _OUTBOX.c.receipt_number, _OUTBOX.c.accepted_at,
    _OUTBOX.c.next_attempt_at, _OUTBOX.c.last_error, _OUTBOX.c.version,
)


class _Changed(Exception):
    """A row was changed since its claim: its receipt is written after reading it."""


def _receipt_values(receipt: Receipt, now: datetime) -> dict[str, Any]:
    return {
        "state": "accepted" if receipt.status == "accepted" else "delivered_by_hand",
        "receipt_number": receipt.receipt_number,
        "accepted_at": receipt.accepted_at or now,
        "next_attempt_at": None,
        "last_error": None,
    }


def _record_claimed(conn: Any, accepted: list[tuple[Claim, Receipt]], now: datetime, actor: str) -> None:
    """The receipts of items nobody changed since their claims (the usual case): each row is as its
    claim left it — ``version``, ``sending`` until the lease's end, and the claim read its other
    columns — so the audit entry's old values are known without reading the rows again. Raises
    :class:`_Changed` (the caller rolls back) when a row's version is no longer the claim's."""
    stamp = utcnow()
    entries: list[tuple[str, int, dict[str, Any], dict[str, Any]]] = []
    changes: list[tuple[int, int, dict[str, Any]]] = []
    for claim, receipt in accepted:
        old = {"state": "sending", "receipt_number": claim.receipt_number, "accepted_at": claim.accepted_at,
               "next_attempt_at": claim.lease_until, "last_error": claim.last_error}
        new = _receipt_values(receipt, now)
        changed = {k: v for k, v in new.items() if old[k] != v}
        changes.append((claim.id, claim.version, {"updated_at": stamp, **new}))
        entries.append(("sync_outbox", claim.id, {k: old[k] for k in changed},
                        {**changed, "version": claim.version + 1, "updated_at": stamp}))
    try:
        _bookkeeping_many(conn, changes)
    except ConflictError as exc:
        raise _Changed from exc
    record_updates(conn, actor, entries)


def record_receipts(db: Any, accepted: list[tuple[Claim, Receipt]], *, now: datetime,
                    actor: str = DEFAULT_ACTOR, link: _Link | None = None) -> list[str]:
    """The server's receipts, whoever holds the claims now, in one short transaction: each item's
    one audited change of an upload (plain statements, entries by ``audit.record_updates``).
    Returns ``accepted`` or ``superseded`` (the item is gone) per receipt. On the pass's
    connection when ``link`` is given."""
    link = link or _Link(db, keep=False)
    try:
        with link.transaction() as conn:
            _record_claimed(conn, accepted, now, actor)
        return ["accepted"] * len(accepted)
    except _Changed:
        pass  # rolled back: someone changed an item since its claim, read them all and decide
    last: Exception | None = None
    for _ in range(3):
        try:
            with link.transaction() as conn:
                ids = [claim.id for claim, _r in accepted]
                rows = {r.id: r for r in conn.execute(*_in_query(_RECEIPT_QUERY, _OUTBOX.c.id, ids))}
                outcomes: list[str] = []
                entries: list[tuple[str, int, dict[str, Any], dict[str, Any]]] = []
                changes: list[tuple[int, int, dict[str, Any]]] = []
                stamp = utcnow()
                for claim, receipt in accepted:
                    row = rows.get(claim.id)
                    if row is None:  # deleted meanwhile: nothing to record
                        outcomes.append("superseded")
                        continue
                    outcomes.append("accepted")
                    if row.state in ("accepted", "delivered_by_hand"):
                        continue  # recorded before (another worker, or by hand): keep the first
                    new = _receipt_values(receipt, now)
                    changed = {k: v for k, v in new.items() if getattr(row, k) != v}
                    changes.append((claim.id, row.version, {"updated_at": stamp, **new}))
                    entries.append(("sync_outbox", claim.id, {k: getattr(row, k) for k in changed},
                                    {**changed, "version": row.version + 1, "updated_at": stamp}))
                _bookkeeping_many(conn, changes)
                record_updates(conn, actor, entries)
            return outcomes
        except ConflictError as exc:
            last = exc
            time.sleep(0.01)
    assert last is not None
    raise last


def record_failure(
    db: Any,
    claim: Claim,
    error: GatewayError,
    *,
    now: datetime,
    policy: RetryPolicy,
    rng: random.Random | None = None,
    actor: str = DEFAULT_ACTOR,
) -> tuple[str, datetime | None]:
    when: list[datetime | None] = [None]

    def apply(item: SyncOutbox) -> str:
        if not _still_ours(item, claim):
            return "superseded"  # the lease ran out and someone else took over
        item.last_error = error.message[:1000]
        if error.retryable:
            delay = policy.delay(claim.attempts, error.retry_after, rng)
            item.state = "failed"
            item.next_attempt_at = when[0] = now + timedelta(seconds=delay)
            return "retry"
        item.state = "failed"
        item.next_attempt_at = None
        return "failed"

    return _record(db, claim, apply, actor=actor), when[0]


def release(
    db: Any, claim: Claim, *, now: datetime, message: str | None = None, actor: str = DEFAULT_ACTOR
) -> str:
    """Hand a claimed item back as it was (the attempt does not count)."""

    def apply(item: SyncOutbox) -> str:
        if not _still_ours(item, claim):
            return "superseded"
        item.state = "pending" if claim.previous_state == "sending" else claim.previous_state
        item.attempts = max(0, claim.attempts - 1)
        item.next_attempt_at = claim.previous_next_attempt_at or now
        if item.state == "pending" and item.next_attempt_at > now:
            item.next_attempt_at = now
        if message:
            item.last_error = message[:1000]
        return "released"

    return _record(db, claim, apply, actor=actor)


# --------------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------------


def _now_fn(now: datetime | Callable[[], datetime] | None) -> Callable[[], datetime]:
    if now is None:
        return utcnow
    if callable(now):
        return now
    fixed = now
    return lambda: fixed


def run_once(
    db: Any,
    gateway: Gateway,
    *,
    now: datetime | Callable[[], datetime] | None = None,
    stop: Callable[[], bool] | None = None,
    policy: RetryPolicy | None = None,
    progress: Callable[[ItemOutcome], None] | None = None,
    actor: str = DEFAULT_ACTOR,
    rng: random.Random | None = None,
    after_pass: Callable[[SyncSummary], None] | None = None,
) -> SyncSummary:
    """One pass over the items due at the start of the pass; each is attempted at most once.

    ``now`` fixes the clock (a datetime) or supplies it (a callable); ``stop()`` is polled
    between items (a stop hands the remaining claimed items back untouched); ``progress`` is
    called once per item with its outcome; ``after_pass(summary)`` once after a pass that
    attempted anything (the services sign an audit checkpoint there).
    """
    summary = _run_once(db, gateway, now=now, stop=stop, policy=policy, progress=progress, actor=actor, rng=rng)
    if after_pass is not None and summary.claimed:
        after_pass(summary)
    return summary


def _run_once(
    db: Any,
    gateway: Gateway,
    *,
    now: datetime | Callable[[], datetime] | None,
    stop: Callable[[], bool] | None,
    policy: RetryPolicy | None,
    progress: Callable[[ItemOutcome], None] | None,
    actor: str,
    rng: random.Random | None,
) -> SyncSummary:
    policy = policy or RetryPolicy()
    clock = _now_fn(now)
    stop = stop or (lambda: False)
    summary = SyncSummary()
    cutoff = clock()  # items rescheduled during this pass are due after it: no item twice
    link = _Link(db)  # the pass's claims and receipts share one connection
    # receipts are written down a few at a time across the pass's batches (see _Receipts)
    receipts = _Receipts(db, clock, summary, progress, actor=actor, link=link)
    try:
        _claim_and_send(db, gateway, clock, cutoff, stop, policy, summary, progress, receipts, actor=actor, rng=rng,
                        link=link)
    finally:
        try:
            receipts.flush()
        finally:
            link.close()
    return summary


def _claim_and_send(db: Any, gateway: Gateway, clock: Callable[[], datetime], cutoff: datetime,
                    stop: Callable[[], bool], policy: RetryPolicy, summary: SyncSummary,
                    progress: Callable[[ItemOutcome], None] | None, receipts: _Receipts, *, actor: str,
                    rng: random.Random | None, link: _Link) -> None:
    conflicts = busy = 0
    while not stop():
        try:
            claims, more = _claim(db, now=cutoff, limit=policy.batch_size, lease=policy.lease, lease_start=clock(),
                                  link=link, receiver_checks=getattr(gateway, "checks_sha256", False))
        except ConflictError:  # another worker claimed the same rows first
            conflicts += 1
            if conflicts > 20:
                summary.stopped, summary.stop_reason = True, "其他工作站正在同时上传，请稍后再试"
                break
            time.sleep(0.02 * conflicts)
            continue
        except DatabaseError as exc:  # busy (SQLite locked by another writer) or unreachable
            busy += 1
            if busy > 5:
                summary.stopped, summary.stop_reason = True, exc.message
                break
            time.sleep(0.1 * busy)
            continue
        if not claims:
            break
        summary.claimed += len(claims)
        for index, claim in enumerate(claims):
            if stop():
                receipts.flush()
                _release_all(db, claims[index:], clock(), summary, progress, actor=actor)
                summary.stopped, summary.stop_reason = True, "已按要求停止"
                return
            if clock() >= claim.lease_until:
                # Too late: another worker may own it by now. Leave it; whoever claims it next sends it.
                summary.claimed -= 1
                if progress is not None:
                    progress(ItemOutcome(claim.id, "superseded", "领取已过期"))
                continue
            outcome = _send_one(db, gateway, claim, clock, policy, summary, actor=actor, rng=rng,
                                receipts=receipts)
            if progress is not None:
                progress(outcome)
            receipts.flush_if_due()
            if summary.credentials_problem:
                receipts.flush()
                _release_all(db, claims[index + 1 :], clock(), summary, progress, actor=actor)
                return
        if not more:
            break  # that was every item due at the cutoff: no second (empty) claim transaction


#: the provincial system's code for a body whose SHA-256 is not the one the request declares
CHECKSUM_MISMATCH = "checksum_mismatch"


def _changed_document(db: Any, item_id: int) -> str | None:
    """Why the package of item ``item_id`` is not the one queued, naming the stored document that
    changed (its package made again and checked file by file), or None when it is the same."""
    try:
        with _Link(db, keep=False).transaction() as conn:
            row = conn.execute(select(_OUTBOX.c.package, _OUTBOX.c.recipe, _OUTBOX.c.package_sha256)
                               .where(_OUTBOX.c.id == item_id)).first()
            if row is None:
                return None
            result = package_of_rows(conn, [row])[0]
    except RiskmonError:
        return None
    return result.message if isinstance(result, ValidationError) else None


class _Receipts:
    """Receipts not yet written down: recorded together, a few at a time, in one transaction.

    Writing each receipt in its own transaction would cost more than the upload itself. Waiting is
    safe: an item whose receipt is lost (the process killed before it was recorded) stays claimed
    until its lease runs out and is then sent again under the same idempotency key, and the
    provincial system answers with the receipt it gave the first time (exactly once). The pass
    records them every ``MAX_ITEMS`` receipts or ``MAX_WAIT`` seconds, before it releases or
    stops, and at the end of the pass. ``progress`` hears of an item as soon as the provincial
    system accepted it, and once more only if its receipt could not be written down.
    """

    MAX_ITEMS = 20
    MAX_WAIT = 0.5  # seconds

    def __init__(self, db: Any, clock: Callable[[], datetime], summary: SyncSummary,
                 progress: Callable[[ItemOutcome], None] | None, *, actor: str, link: _Link | None = None) -> None:
        self.db, self.clock, self.summary, self.progress, self.actor = db, clock, summary, progress, actor
        self.link = link
        self.pending: list[tuple[Claim, Receipt]] = []
        self.since = 0.0

    def add(self, claim: Claim, receipt: Receipt) -> None:
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append((claim, receipt))

    def flush_if_due(self) -> None:
        if len(self.pending) >= self.MAX_ITEMS or (self.pending and time.monotonic() - self.since >= self.MAX_WAIT):
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        try:
            outcomes = record_receipts(self.db, pending, now=self.clock(), actor=self.actor, link=self.link)
        except RiskmonError as exc:
            # Could not write them down: the leases run out, the items are sent again with the same
            # keys and the server answers with these same receipts.
            log.warning("could not record %d receipts: %s", len(pending), exc)
            self.summary.errors.append(exc.message)
            outcomes = ["superseded"] * len(pending)
            message: str | None = exc.message
        else:
            message = None
        for (claim, receipt), outcome in zip(pending, outcomes, strict=True):
            if outcome == "accepted":
                self.summary.accepted += 1
                self.summary.duplicates += 1 if receipt.duplicate else 0
            elif self.progress is not None:  # it was reported accepted (by the province): say what became of it
                self.progress(ItemOutcome(claim.id, "superseded", message))


def _release_all(
    db: Any,
    claims: list[Claim],
    now: datetime,
    summary: SyncSummary,
    progress: Callable[[ItemOutcome], None] | None,
    *,
    actor: str,
) -> None:
    for claim in claims:
        try:
            release(db, claim, now=now, actor=actor)
        except RiskmonError as exc:  # the lease will bring it back
            log.warning("could not release outbox item %s: %s", claim.id, exc)
            continue
        summary.released += 1
        summary.claimed -= 1
        if progress is not None:
            progress(ItemOutcome(claim.id, "released"))


def _send_one(
    db: Any,
    gateway: Gateway,
    claim: Claim,
    clock: Callable[[], datetime],
    policy: RetryPolicy,
    summary: SyncSummary,
    *,
    actor: str,
    rng: random.Random | None,
    receipts: _Receipts | None = None,
) -> ItemOutcome:
    try:
        receipt = gateway.upload(claim.package, claim.idempotency_key, claim.meta)
    except GatewayError as exc:
        error: GatewayError = exc
    except Exception as exc:  # noqa: BLE001 - a bug must not lose the item: retry it later
        log.exception("unexpected error uploading outbox item %s", claim.id)
        error = GatewayError(f"上传时发生内部错误（{type(exc).__name__}），稍后自动重试")
        error.retryable = True
    else:
        if receipts is not None and receipt.status != "exported":
            receipts.add(claim, receipt)  # recorded with the next few, in one transaction
            return ItemOutcome(claim.id, "accepted", None, receipt.receipt_number)
        try:
            outcome = record_receipt(db, claim, receipt, now=clock(), actor=actor)
        except RiskmonError as exc:
            # Could not write it down: the lease runs out, the item is sent again with the same
            # key and the server answers with this same receipt.
            log.warning("could not record receipt for outbox item %s: %s", claim.id, exc)
            summary.errors.append(exc.message)
            return ItemOutcome(claim.id, "superseded", exc.message)
        if outcome == "exported":
            summary.exported += 1
        elif outcome == "accepted":
            summary.accepted += 1
            summary.duplicates += 1 if receipt.duplicate else 0
        return ItemOutcome(claim.id, outcome, None, receipt.receipt_number)

    if isinstance(error, UploadRejected) and CHECKSUM_MISMATCH in error.codes:
        # the body was not what was approved: say which stored document changed (the worker did not
        # hash the package itself, the provincial system did)
        changed = _changed_document(db, claim.id)
        if changed:
            error = UploadRejected(f"{changed}（{error.message}）", status=error.status, reasons=error.reasons,
                                   codes=error.codes)
    now = clock()
    if error.stops_run:
        summary.stopped, summary.stop_reason = True, error.message
        summary.credentials_problem = True
        try:
            release(db, claim, now=now, message=error.message, actor=actor)
        except RiskmonError as exc:
            log.warning("could not release outbox item %s: %s", claim.id, exc)
        else:
            summary.released += 1
            summary.claimed -= 1
        return ItemOutcome(claim.id, "released", error.message)
    summary.errors.append(error.message)
    try:
        outcome, when = record_failure(db, claim, error, now=now, policy=policy, rng=rng, actor=actor)
    except RiskmonError as exc:
        log.warning("could not record failure for outbox item %s: %s", claim.id, exc)
        return ItemOutcome(claim.id, "superseded", exc.message)
    if outcome == "retry":
        summary.retry_scheduled += 1
    elif outcome == "failed":
        summary.failed += 1
    return ItemOutcome(claim.id, outcome, error.message, None, when)


def run_forever(
    db: Any,
    gateway: Gateway,
    stop_event: threading.Event,
    *,
    policy: RetryPolicy | None = None,
    idle_interval: float = 30.0,
    wake_event: threading.Event | None = None,
    on_summary: Callable[[SyncSummary], None] | None = None,
    progress: Callable[[ItemOutcome], None] | None = None,
    actor: str = DEFAULT_ACTOR,
    after_pass: Callable[[SyncSummary], None] | None = None,
) -> SyncSummary:
    """Run passes until ``stop_event`` is set; sleep until the next item is due (at most
    ``idle_interval``) or ``wake_event`` is set (e.g. right after something was queued).

    Returns the totals. Stops by itself on a credentials problem (the totals say so): ask the
    user for the password, build a new gateway and call it again.
    """
    policy = policy or RetryPolicy()
    totals = SyncSummary()
    while not stop_event.is_set():
        summary = run_once(db, gateway, stop=stop_event.is_set, policy=policy, progress=progress, actor=actor,
                           after_pass=after_pass)
        totals.merge(summary)
        if on_summary is not None and (summary.claimed or summary.stopped):
            on_summary(summary)
        if summary.credentials_problem or stop_event.is_set():
            break
        wait = idle_interval
        if summary.stopped:  # database trouble: try again a little later
            wait = min(idle_interval, 5.0)
        else:
            try:
                due = outbox.next_due(db)
            except RiskmonError:
                due = None
            if due is not None:
                wait = max(0.0, min(idle_interval, (due - utcnow()).total_seconds()))
        _sleep(wait, stop_event, wake_event)
    totals.stopped = totals.stopped or stop_event.is_set()
    return totals


def _sleep(seconds: float, stop_event: threading.Event, wake_event: threading.Event | None) -> None:
    if wake_event is None:
        stop_event.wait(seconds)
        return
    deadline = time.monotonic() + seconds
    while not stop_event.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        if wake_event.wait(min(left, 0.2)):
            wake_event.clear()
            return


def drain(
    db: Any,
    gateway: Gateway,
    *,
    timeout: float,
    policy: RetryPolicy | None = None,
    stop: Callable[[], bool] | None = None,
    actor: str = DEFAULT_ACTOR,
    after_pass: Callable[[SyncSummary], None] | None = None,
) -> SyncSummary:
    """Run passes until nothing is scheduled any more (every item accepted, rejected, exported
    or cancelled), the deadline passes, or a credentials problem stops it."""
    policy = policy or RetryPolicy()
    stop = stop or (lambda: False)
    deadline = time.monotonic() + timeout
    totals = SyncSummary()
    while time.monotonic() < deadline and not stop():
        summary = run_once(db, gateway, stop=stop, policy=policy, actor=actor, after_pass=after_pass)
        totals.merge(summary)
        if summary.credentials_problem:
            break
        due = outbox.next_due(db)
        if due is None:
            break
        wait = (due - utcnow()).total_seconds()
        time.sleep(max(0.0, min(wait, deadline - time.monotonic(), 1.0)))
    return totals


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvincialSettings:
    url: str
    username: str


def provincial_settings(db: Any | None = None, environ: dict[str, str] | None = None) -> ProvincialSettings:
    """The provincial URL and user name: lab settings, overridden by ``RISKMON_PROVINCIAL_URL`` /
    ``RISKMON_PROVINCIAL_USER``."""
    env = os.environ if environ is None else environ
    url = str(SETTING_DEFAULTS.get("provincial_url") or "")
    user = str(SETTING_DEFAULTS.get("provincial_user") or "")
    if db is not None:
        with UnitOfWork(db, actor=DEFAULT_ACTOR) as uow:
            rows = dict(
                uow.session.execute(
                    select(Setting.key, Setting.value).where(Setting.key.in_(("provincial_url", "provincial_user")))
                ).all()
            )
        url = str(rows.get("provincial_url") or url)
        user = str(rows.get("provincial_user") or user)
    return ProvincialSettings(url=(env.get(URL_ENV) or url).strip(), username=(env.get(USER_ENV) or user).strip())


def gateway_from_settings(
    url: str,
    username: str,
    password_provider: PasswordProvider,
    *,
    connect_timeout: float = 10.0,
    read_timeout: float = 60.0,
    verify: Any = True,
) -> Gateway:
    """The gateway for a configured address.

    * ``https://…`` (or ``http://`` to this machine only, e.g. the sandbox): :class:`HttpGateway`;
    * ``file:///folder`` or ``folder:/path``: :class:`FolderGateway` (upload by hand).
    """
    url = (url or "").strip()
    if not url:
        raise ValidationError(
            f"尚未设置省级系统地址：请在“设置 → 省级系统”中填写，或设置环境变量 {URL_ENV}", field="provincial_url"
        )
    if url.startswith("folder:") or url.startswith("file://"):
        path = url.split(":", 1)[1] if url.startswith("folder:") else urlsplit(url).path
        if not path:
            raise ValidationError("导出文件夹地址不完整", field="provincial_url")
        return FolderGateway(Path(path))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(f"省级系统地址格式不正确：{url}（应以 https:// 开头）", field="provincial_url")
    if parts.scheme == "http" and not is_loopback_url(url):
        raise ValidationError(
            "省级系统地址必须使用 https://（只有本机模拟环境可以使用 http://），以免密码以明文传输",
            field="provincial_url",
        )
    if not username.strip():
        raise ValidationError(
            f"尚未设置省级系统用户名：请在“设置 → 省级系统”中填写，或设置环境变量 {USER_ENV}", field="provincial_user"
        )
    return HttpGateway(
        url,
        username.strip(),
        password_provider,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        verify=verify,
    )
