"""The durable outbox of uploads to the provincial information system (``sync_outbox``).

Final results and the analysis report must also be uploaded to 湖北省产品质量安全监督管理信息系统
(Article 18 ¶1). The use case that approves them calls :func:`enqueue` with its own session, so
the package is queued in the *same* transaction as the approval: either both are stored or
neither. The worker (:mod:`app.sync.worker`) sends the queue later, as often as needed, always
under the item's idempotency key, so the provincial side records each package exactly once.

States of an item::

    pending ──claim──▶ sending ──receipt──▶ accepted
       ▲                 │  │
       │   retryable error  └─permanent error─▶ failed (next_attempt_at NULL: a person must look)
       │                 ▼
       └──retry()──── failed (next_attempt_at set: tried again then, automatically)

    pending/failed ──cancel()──▶ cancelled
    pending/failed/cancelled ──confirm_delivered_by_hand()──▶ delivered_by_hand

``sending`` carries a lease in ``next_attempt_at``: when a worker dies mid-upload, the item is
claimed again after the lease and re-sent with the same key (the server answers with the first
receipt). The functions here other than :func:`enqueue` open their own unit of work and return
plain data for the GUI and the CLI.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from app.errors import ConflictError, NotFoundError, ValidationError
from app.store.models import (
    OUTBOX_KINDS,
    OUTBOX_STATES,
    HazardReport,
    MonitoringTask,
    Report,
    Sample,
    SyncOutbox,
)
from app.store.types import utcnow
from app.store.uow import UnitOfWork
from app.sync import mapping
from app.sync.gateway import FolderGateway
from app.sync.packages import package_of, validate_package

STATE_LABELS = {
    "pending": "待上传",
    "sending": "上传中",
    "accepted": "已接收",
    "failed": "失败",
    "cancelled": "已取消",
    "delivered_by_hand": "已手工上传",
    "superseded": "已被替代，不再上传",
}
KIND_LABELS = {
    "result": "结果",
    "notice": "告知书",
    "analysis_report": "分析报告",
    "task_results": "整任务结果（旧版）",
    "hazard": "重大风险隐患报告",
}
#: the letter that starts an idempotency key of each kind
KIND_KEY_CODES = {"result": "R", "notice": "N", "analysis_report": "A", "task_results": "T", "hazard": "H"}
#: ``last_error`` of an item written to a folder for upload by hand, awaiting confirmation
EXPORTED_PREFIX = "已导出供手工上传："


@dataclass(frozen=True)
class OutboxItem:
    """One queued upload, as plain data (no package bytes)."""

    id: int
    kind: str
    task_id: int | None
    report_id: int | None
    task_number: str | None
    report_number: str | None
    idempotency_key: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    receipt_number: str | None
    accepted_at: datetime | None
    package_sha256: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    sample_id: int | None = None
    sample_number: str | None = None
    note: str | None = None

    @property
    def state_label(self) -> str:
        if self.exported:
            return "待确认手工上传"
        if self.needs_attention:
            return "失败，需人工处理"
        if self.state == "failed":
            return "失败，等待重试"
        return STATE_LABELS.get(self.state, self.state)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def exported(self) -> bool:
        """Written to a folder for upload by hand; waits for the user's confirmation."""
        return self.state == "failed" and (self.last_error or "").startswith(EXPORTED_PREFIX)

    @property
    def needs_attention(self) -> bool:
        """Not retried automatically: rejected by the server, or exported for upload by hand."""
        return self.state == "failed" and self.next_attempt_at is None

    @property
    def done(self) -> bool:
        return self.state in ("accepted", "delivered_by_hand", "cancelled", "superseded")


# --------------------------------------------------------------------------------------------
# Enqueue (inside the caller's transaction)
# --------------------------------------------------------------------------------------------


def idempotency_key_for(kind: str, ref_id: int, package: bytes, *, lab: str = "") -> str:
    """A stable key for ``package`` of ``kind`` about record ``ref_id``.

    The same package queued twice gets the same key (and so one record at the province); an
    amended package is different bytes and gets a new key. ``lab`` (e.g. the CMA number) keeps
    keys of different laboratories apart on the provincial side.
    """
    if kind not in OUTBOX_KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    digest = hashlib.sha256(package).hexdigest()[:24]
    prefix = "".join(ch for ch in lab if ch.isascii() and ch.isalnum())[:20]
    short = KIND_KEY_CODES[kind]
    key = f"{prefix + '-' if prefix else ''}{short}{ref_id}-{digest}"
    return key


def enqueue(
    session: Session,
    kind: str,
    *,
    package: bytes,
    task_id: int | None = None,
    report_id: int | None = None,
    sample_id: int | None = None,
    ref_id: int | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    check_package: bool = True,
    lab: str = "",
    recipe: bytes | None = None,
) -> SyncOutbox:
    """Queue ``package`` for upload, in the caller's transaction (flushed, not committed).

    ``kind`` is ``result`` (one approved test report, needs ``report_id``), ``notice`` (notices
    issued later, needs ``report_id``), ``analysis_report`` (分析报告, needs ``report_id`` or
    ``task_id``) or ``task_results`` (a whole task, needs ``task_id``). Without
    ``idempotency_key`` one is derived from the package and ``ref_id`` (default: the report, else
    the task; :func:`idempotency_key_for`, with ``lab``, e.g. the CMA number). Queuing
    the same key with the same package again returns the existing item; with a different
    package it is refused. The package is checked like the provincial side will check it; a bad
    package is refused before anything is written. With ``recipe`` (how to make ``package``
    again from the stored documents) the item keeps the recipe instead of a copy of the package.
    """
    if kind not in OUTBOX_KINDS:
        raise ValidationError(f"未知的上传类型：{kind}", field="kind")
    if kind == "task_results" and task_id is None:
        raise ValidationError("上传最终风险监测结果时必须指明任务", field="task_id")
    if kind == "analysis_report" and task_id is None and report_id is None:
        raise ValidationError("上传分析报告时必须指明报告或任务", field="report_id")
    if kind in ("result", "notice") and report_id is None:
        raise ValidationError("上传结果或告知书时必须指明检验报告", field="report_id")
    if kind == "hazard" and (sample_id is None or ref_id is None):
        raise ValidationError("上传重大风险隐患报告时必须指明样品和报告", field="sample_id")
    if not isinstance(package, bytes | bytearray) or not package:
        raise ValidationError("上传包为空", field="package")
    package = bytes(package)
    if check_package:
        problems, _codes = validate_package(package)
        if problems:
            raise ValidationError("上传包未通过校验：" + "；".join(problems[:5]), field="package")
    if idempotency_key is None:
        ref = ref_id if ref_id is not None else (
            task_id if kind == "task_results" else (report_id if report_id is not None else task_id))
        idempotency_key = idempotency_key_for(kind, int(ref or 0), package, lab=lab)
    if not mapping.IDEMPOTENCY_KEY_RE.match(idempotency_key):
        raise ValidationError(
            "上传编号（幂等键）只能由 8–100 个字母、数字或 . _ : - 组成", field="idempotency_key"
        )
    digest = hashlib.sha256(package).hexdigest()
    existing = session.scalar(select(SyncOutbox).where(SyncOutbox.idempotency_key == idempotency_key))
    if existing is not None:
        if existing.package_sha256 == digest:
            return existing
        raise ValidationError("该上传编号已用于内容不同的上传包", field="idempotency_key")
    item = SyncOutbox(
        kind=kind,
        task_id=task_id,
        report_id=report_id,
        sample_id=sample_id,
        idempotency_key=idempotency_key,
        package=None if recipe is not None else package,
        recipe=recipe,
        package_sha256=digest,
        state="pending",
        attempts=0,
        next_attempt_at=now or utcnow(),
    )
    session.add(item)
    session.flush()
    return item


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _views(session: Session, rows: Iterable[SyncOutbox]) -> list[OutboxItem]:
    rows = list(rows)
    task_ids = {r.task_id for r in rows if r.task_id is not None}
    report_ids = {r.report_id for r in rows if r.report_id is not None}
    tasks = (
        dict(session.execute(select(MonitoringTask.id, MonitoringTask.number).where(MonitoringTask.id.in_(task_ids))).all())
        if task_ids
        else {}
    )
    reports = (
        dict(session.execute(select(Report.id, Report.number).where(Report.id.in_(report_ids))).all())
        if report_ids
        else {}
    )
    sample_ids = {r.sample_id for r in rows if r.sample_id is not None}
    samples = (
        dict(session.execute(select(Sample.id, Sample.number).where(Sample.id.in_(sample_ids))).all())
        if sample_ids
        else {}
    )
    return [
        OutboxItem(
            id=r.id,
            kind=r.kind,
            task_id=r.task_id,
            report_id=r.report_id,
            task_number=tasks.get(r.task_id) if r.task_id is not None else None,
            report_number=reports.get(r.report_id) if r.report_id is not None else None,
            idempotency_key=r.idempotency_key,
            state=r.state,
            attempts=r.attempts,
            next_attempt_at=r.next_attempt_at,
            last_error=r.last_error,
            receipt_number=r.receipt_number,
            accepted_at=r.accepted_at,
            package_sha256=r.package_sha256,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
            sample_id=r.sample_id,
            sample_number=samples.get(r.sample_id) if r.sample_id is not None else None,
            note=r.note,
        )
        for r in rows
    ]


def view(session: Session, item: SyncOutbox) -> OutboxItem:
    return _views(session, [item])[0]


def list_items(
    db: Any,
    *,
    states: Iterable[str] | None = None,
    kind: str | None = None,
    task_id: int | None = None,
    needs_attention: bool | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[OutboxItem]:
    """Queued and past uploads, newest first (plain data for the sync page and ``riskmon sync``)."""
    query = select(SyncOutbox)
    if states is not None:
        wanted = list(states)
        unknown = [s for s in wanted if s not in OUTBOX_STATES]
        if unknown:
            raise ValidationError(f"未知的状态：{'、'.join(unknown)}", field="states")
        query = query.where(SyncOutbox.state.in_(wanted))
    if kind is not None:
        query = query.where(SyncOutbox.kind == kind)
    if task_id is not None:
        query = query.where(SyncOutbox.task_id == task_id)
    if needs_attention is True:
        query = query.where(SyncOutbox.state == "failed", SyncOutbox.next_attempt_at.is_(None))
    query = query.order_by(SyncOutbox.id.desc()).limit(limit).offset(offset)
    with UnitOfWork(db, actor="sync") as uow:
        return _views(uow.session, uow.session.scalars(query))


def get_item(db: Any, item_id: int) -> OutboxItem:
    with UnitOfWork(db, actor="sync") as uow:
        return view(uow.session, _load(uow.session, item_id))


def get_package(db: Any, item_id: int) -> bytes:
    """The package bytes of an item (e.g. to save a copy)."""
    with UnitOfWork(db, actor="sync") as uow:
        return package_of(uow.session, _load(uow.session, item_id))


def counts(db: Any) -> dict[str, int]:
    """Items per state, plus ``needs_attention`` (rejected or exported, waiting for a person)."""
    with UnitOfWork(db, actor="sync") as uow:
        s = uow.session
        out = {state: 0 for state in OUTBOX_STATES}
        for state, n in s.execute(select(SyncOutbox.state, func.count()).group_by(SyncOutbox.state)).all():
            out[state] = int(n)
        out["needs_attention"] = int(
            s.scalar(
                select(func.count()).where(SyncOutbox.state == "failed", SyncOutbox.next_attempt_at.is_(None))
            )
            or 0
        )
        return out


# --------------------------------------------------------------------------------------------
# User actions
# --------------------------------------------------------------------------------------------


def _load(session: Session, item_id: int) -> SyncOutbox:
    item = session.get(SyncOutbox, item_id)
    if item is None:
        raise NotFoundError(f"找不到上传记录 {item_id}")
    return item


def _refuse_superseded(item: SyncOutbox) -> None:
    if item.state == "superseded":
        raise ValidationError("该上传项已被替代，不再上传" + (f"：{item.note}" if item.note else "。"))


def _check_version(item: SyncOutbox, expected_version: int | None) -> None:
    if expected_version is not None and item.version != expected_version:
        raise ConflictError("该上传记录已被修改（可能正在上传），请刷新后重试。")


def retry(
    db: Any, item_id: int, *, actor: str, now: datetime | None = None, expected_version: int | None = None
) -> OutboxItem:
    """Send a failed (or cancelled) item again as soon as the worker runs; attempts start over."""
    with UnitOfWork(db, actor=actor) as uow:
        item = _load(uow.session, item_id)
        _check_version(item, expected_version)
        if item.state == "sending":
            raise ValidationError("该上传正在进行中，请稍后再试")
        if item.state in ("accepted", "delivered_by_hand"):
            raise ValidationError("该上传已完成，不需要重试")
        _refuse_superseded(item)
        if item.state == "pending":
            item.next_attempt_at = now or utcnow()
        else:  # failed or cancelled
            item.state = "pending"
            item.attempts = 0
            item.last_error = None
            item.next_attempt_at = now or utcnow()
        uow.flush()
        result = view(uow.session, item)
        uow.commit()
        return result


def cancel(db: Any, item_id: int, *, actor: str, expected_version: int | None = None) -> OutboxItem:
    """Take a pending or failed item out of the queue (it stays listed as cancelled)."""
    with UnitOfWork(db, actor=actor) as uow:
        item = _load(uow.session, item_id)
        _check_version(item, expected_version)
        if item.state == "sending":
            raise ValidationError("该上传正在进行中，无法取消；请等待结果后再操作")
        if item.state in ("accepted", "delivered_by_hand"):
            raise ValidationError("该上传已被省级系统接收，不能取消")
        _refuse_superseded(item)
        if item.state != "cancelled":
            item.state = "cancelled"
            item.next_attempt_at = None
        uow.flush()
        result = view(uow.session, item)
        uow.commit()
        return result


def export_for_hand_delivery(db: Any, item_id: int, folder: str | Path, *, actor: str) -> Path:
    """Write the item's package to ``folder`` for upload by hand through the provincial portal.

    The item leaves the automatic queue (so it is not also sent online) and waits for
    :func:`confirm_delivered_by_hand`. Use :func:`retry` to send it online after all.
    """
    with UnitOfWork(db, actor=actor) as uow:
        item = _load(uow.session, item_id)
        if item.state == "sending":
            raise ValidationError("该上传正在进行中，请等待结果后再导出")
        if item.state in ("accepted", "delivered_by_hand"):
            raise ValidationError("该上传已完成，不需要再导出")
        _refuse_superseded(item)
        package = package_of(uow.session, item)
        meta = _meta(uow.session, item)
        gateway = FolderGateway(folder)
        receipt = gateway.upload(package, item.idempotency_key, meta)
        assert receipt.path is not None
        _mark_exported(item, receipt.path)
        uow.commit()
        return receipt.path


def _mark_exported(item: SyncOutbox, path: Path) -> None:
    item.state = "failed"
    item.next_attempt_at = None
    item.last_error = f"{EXPORTED_PREFIX}{path.name}，请在省级系统网页上传后确认"


def confirm_delivered_by_hand(
    db: Any,
    item_id: int,
    *,
    actor: str,
    receipt_number: str | None = None,
    now: datetime | None = None,
) -> OutboxItem:
    """The user uploaded the package through the provincial web portal: record it as delivered."""
    number = (receipt_number or "").strip() or None
    if number is not None and len(number) > 100:
        raise ValidationError("回执编号过长（最多 100 个字符）", field="receipt_number")
    with UnitOfWork(db, actor=actor) as uow:
        item = _load(uow.session, item_id)
        if item.state == "sending":
            raise ValidationError("该上传正在通过网络进行中，请等待结果后再确认")
        if item.state == "accepted":
            raise ValidationError(f"该上传已被省级系统在线接收（回执 {item.receipt_number}），无需手工确认")
        _refuse_superseded(item)
        if item.state != "delivered_by_hand":
            item.state = "delivered_by_hand"
            item.receipt_number = number
            item.accepted_at = now or utcnow()
            item.next_attempt_at = None
            item.last_error = None
        uow.flush()
        result = view(uow.session, item)
        uow.commit()
        return result


def _meta(session: Session, item: SyncOutbox) -> dict[str, Any]:
    """What the gateway sends beside the package (our names; ``mapping`` makes them wire names)."""
    return _metas(session, [item])[item.id]


def _number_query(key: Any, number: Any) -> Any:
    return select(key, number).where(key.in_(bindparam("ids", expanding=True)))


#: (id, number) of tasks, reports and hazard reports (by their outbox item) ``:ids``: built once
_NUMBER_QUERIES = {
    "task": _number_query(MonitoringTask.__table__.c.id, MonitoringTask.__table__.c.number),
    "report": _number_query(Report.__table__.c.id, Report.__table__.c.number),
    "hazard": _number_query(HazardReport.__table__.c.outbox_id, HazardReport.__table__.c.number),
}


def _metas(session: Session, items: list[SyncOutbox]) -> dict[int, dict[str, Any]]:
    task_ids = {i.task_id for i in items if i.task_id is not None}
    report_ids = {i.report_id for i in items if i.report_id is not None}
    tasks: dict[int, str] = {}
    reports: dict[int, str] = {}
    conn = session.connection()
    if task_ids:
        tasks = {k: v for k, v in conn.execute(_NUMBER_QUERIES["task"], {"ids": sorted(task_ids)})}
    if report_ids:
        reports = {k: v for k, v in conn.execute(_NUMBER_QUERIES["report"], {"ids": sorted(report_ids)})}
    hazard_ids = [i.id for i in items if i.kind == "hazard"]
    hazards: dict[int, str] = {}
    if hazard_ids:
        hazards = {k: v for k, v in conn.execute(_NUMBER_QUERIES["hazard"], {"ids": hazard_ids})}
    return {item.id: meta_of(item, tasks.get(item.task_id), reports.get(item.report_id), hazards.get(item.id))
            for item in items}


def meta_of(item: Any, task_number: str | None, report_number: str | None,
            hazard_number: str | None) -> dict[str, Any]:
    """The meta of ``item`` (kind, task and report ids, package hash) given the numbers it refers to."""
    meta: dict[str, Any] = {"kind": item.kind, "package_sha256": item.package_sha256}
    if item.task_id is not None:
        meta["task_number"] = task_number
    if item.report_id is not None:
        meta["report_number"] = report_number
    elif item.kind == "hazard":
        meta["report_number"] = hazard_number
    return meta


def next_due(db: Any) -> datetime | None:
    """When the worker next has something to do (None: nothing scheduled)."""
    with UnitOfWork(db, actor="sync") as uow:
        s = uow.session
        unscheduled = s.scalar(
            select(SyncOutbox.id).where(SyncOutbox.state == "pending", SyncOutbox.next_attempt_at.is_(None)).limit(1)
        )
        if unscheduled is not None:
            return utcnow()
        return s.scalar(
            select(func.min(SyncOutbox.next_attempt_at)).where(
                or_(
                    SyncOutbox.state.in_(("pending", "sending")),
                    (SyncOutbox.state == "failed") & SyncOutbox.next_attempt_at.is_not(None),
                )
            )
        )


def lease_until(now: datetime, lease_seconds: float) -> datetime:
    return now + timedelta(seconds=lease_seconds)
