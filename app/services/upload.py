"""上报同步: uploading the final results and the analysis report to 湖北省产品质量安全监督管理信息系统
(Article 18 ¶1), as use cases for the GUI and the command line.

* Queuing happens in the approval's own transaction (:mod:`app.services.deliverables`): one
  small item per approved report, so an approval and its queued upload are stored together or
  not at all.
* The functions here take a :class:`~app.services.context.Context`, check the user's roles and
  return plain data: the queue with states and receipts (:func:`overview`), retry, cancel,
  export for upload by hand and its confirmation, one sending pass (:func:`sync_once`), and the
  provincial password in the OS keyring (never in plaintext).

The sending itself is :mod:`app.sync.worker`; the wire format is ``docs/provincial-api.md``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import ConflictError, ValidationError
from app.services import permissions
from app.services.context import Context
from app.services.integrity import checkpoint_if_due
from app.store.queries import lab_timezone
from app.store.uow import UnitOfWork
from app.sync import outbox, worker
from app.sync.credentials import (
    CredentialsStoreError,
    CredentialStore,
    KeyringStatus,
    SessionPasswords,
)

# the upload layer's types the GUI uses, handed on here: the GUI reaches sync only through services
from app.sync.worker import ItemOutcome, RetryPolicy, SyncSummary  # noqa: F401

#: who may send, retry, export and confirm uploads (reviewers only look)
OPERATE_ROLES = permissions.OPERATE_ROLES
#: taking approved results out of the queue is a decision for a signatory or the administrator
CANCEL_ROLES = permissions.CANCEL_ROLES
#: the lab's provincial account password in this workstation's keyring
PASSWORD_ROLES = permissions.PASSWORD_ROLES

FILTERS = ("all", "open", "attention", "done")



# --------------------------------------------------------------------------------------------
# Plain data for the page and the command line
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadRow:
    """One queued or past upload as the 上报同步 page shows it (times in the lab's time zone)."""

    id: int
    version: int
    kind: str
    kind_label: str
    task_id: int | None
    task_number: str
    report_id: int | None
    report_number: str
    state: str
    state_label: str
    attempts: int
    next_attempt_at: dt.datetime | None  # only while waiting to be sent (pending, failed with a retry)
    last_error: str
    receipt_number: str
    accepted_at: dt.datetime | None
    created_at: dt.datetime
    idempotency_key: str
    needs_attention: bool  # rejected, or exported and waiting for the hand upload to be confirmed
    exported: bool
    sample_number: str = ""
    note: str = ""  # e.g. why the item was superseded
    #: retry / cancel / export / confirm / package for the user who asked
    #: (:func:`app.services.permissions.upload_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def done(self) -> bool:
        return self.state in ("accepted", "delivered_by_hand", "cancelled")

    @property
    def superseded(self) -> bool:
        return self.state == "superseded"

    @property
    def can_retry(self) -> bool:
        return self.state in ("failed", "cancelled")

    @property
    def can_cancel(self) -> bool:
        return self.state in ("pending", "failed")

    @property
    def can_export(self) -> bool:
        return self.state in ("pending", "failed", "cancelled")

    @property
    def can_confirm(self) -> bool:
        return self.state in ("pending", "failed", "cancelled")


@dataclass(frozen=True)
class SyncOverview:
    """Everything the 上报同步 page shows, read at once."""

    rows: tuple[UploadRow, ...]
    counts: dict[str, int] = field(hash=False)  # per state, plus ``needs_attention``
    url: str  # the provincial address in use (settings, or RISKMON_PROVINCIAL_URL)
    username: str
    problem: str | None  # why uploading cannot start (address missing or unsafe, no user name)
    keyring: KeyringStatus
    can_operate: bool
    can_cancel: bool
    can_manage_password: bool
    timezone: str
    #: send / save_password / delete_password (:func:`app.services.permissions.upload_queue_actions`)
    allowed_actions: permissions.Allowed = field(default=permissions.NONE, compare=False)

    @property
    def configured(self) -> bool:
        return bool(self.url) and self.problem is None

    @property
    def failed(self) -> int:
        return self.counts.get("failed", 0)


def _tz(db: Any) -> dt.tzinfo:
    with UnitOfWork(db, actor="sync") as uow:
        return lab_timezone(uow.session)


def _local(ts: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.UTC)
    return ts.astimezone(tz)


def _row(item: outbox.OutboxItem, tz: dt.tzinfo, user=None) -> UploadRow:
    waiting = item.state == "pending" or (item.state == "failed" and item.next_attempt_at is not None)
    return UploadRow(
        id=item.id,
        version=item.version,
        kind=item.kind,
        kind_label=item.kind_label,
        task_id=item.task_id,
        task_number=item.task_number or "",
        report_id=item.report_id,
        report_number=item.report_number or "",
        state=item.state,
        state_label=item.state_label,
        attempts=item.attempts,
        next_attempt_at=_local(item.next_attempt_at, tz) if waiting else None,
        last_error=item.last_error or "",
        receipt_number=item.receipt_number or "",
        accepted_at=_local(item.accepted_at, tz),
        created_at=_local(item.created_at, tz) or item.created_at,
        idempotency_key=item.idempotency_key,
        needs_attention=item.needs_attention,
        exported=item.exported,
        sample_number=item.sample_number or "",
        note=item.note or "",
        allowed_actions=(permissions.upload_actions(user, state=item.state, note=item.note or "")
                         if user is not None else permissions.NONE),
    )


def _matches(row: UploadRow, which: str, text: str) -> bool:
    if which == "open" and row.state not in ("pending", "sending", "failed"):
        return False
    if which == "attention" and not row.needs_attention:
        return False
    if which == "done" and not row.done:
        return False
    if text:
        haystack = " ".join((row.task_number, row.report_number, row.sample_number, row.receipt_number,
                             row.kind_label)).lower()
        return text.lower() in haystack
    return True


def configuration_problem(url: str, username: str) -> str | None:
    """Why no gateway can be made for ``url``/``username`` (Chinese), or ``None`` when it can."""
    try:
        gateway = worker.gateway_from_settings(url, username, lambda: None)
    except ValidationError as exc:
        return exc.message
    gateway.close()
    return None


@dataclass(frozen=True)
class Connection:
    """The provincial address and account in use, and why they cannot be used (if so)."""

    url: str
    username: str
    problem: str | None

    @property
    def configured(self) -> bool:
        return bool(self.url) and self.problem is None


def connection(ctx: Context) -> Connection:
    """Settings, with ``RISKMON_PROVINCIAL_URL``/``RISKMON_PROVINCIAL_USER`` overriding them."""
    settings = worker.provincial_settings(ctx.db)
    problem = configuration_problem(settings.url, settings.username) if settings.url else None
    return Connection(settings.url, settings.username, problem)


def list_uploads(ctx: Context, *, which: str = "all", text: str = "", limit: int = 500) -> list[UploadRow]:
    """The newest ``limit`` uploads, filtered: ``which`` is ``all``, ``open`` (waiting or failed),
    ``attention`` (a person must act) or ``done``; ``text`` matches task, report or receipt number."""
    if which not in FILTERS:
        raise ValidationError(f"未知的筛选条件：{which}", field="which")
    tz = _tz(ctx.db)
    rows = [_row(i, tz, ctx.user) for i in outbox.list_items(ctx.db, limit=limit)]
    return [r for r in rows if _matches(r, which, text.strip())]


def get_upload(ctx: Context, item_id: int) -> UploadRow:
    return _row(outbox.get_item(ctx.db, item_id), _tz(ctx.db), ctx.user)


def upload_counts(ctx: Context) -> dict[str, int]:
    """Items per state, plus ``needs_attention`` (for the dashboard and the page header)."""
    return outbox.counts(ctx.db)


def overview(
    ctx: Context, *, which: str = "all", text: str = "", limit: int = 500, store: CredentialStore | None = None
) -> SyncOverview:
    """The queue, the counts, the configuration and the keyring's status, for the 上报同步 page."""
    rows = list_uploads(ctx, which=which, text=text, limit=limit)
    conn = connection(ctx)
    status = (store or CredentialStore()).status
    return SyncOverview(
        rows=tuple(rows),
        counts=outbox.counts(ctx.db),
        url=conn.url,
        username=conn.username,
        problem=conn.problem,
        keyring=status,
        can_operate=_has_any(ctx, OPERATE_ROLES),
        can_cancel=_has_any(ctx, CANCEL_ROLES),
        can_manage_password=_has_any(ctx, PASSWORD_ROLES),
        timezone=str(_tz(ctx.db)),
        allowed_actions=permissions.upload_queue_actions(ctx.user),
    )


def _has_any(ctx: Context, roles: tuple[str, ...]) -> bool:
    return any(ctx.user.has(r) for r in roles)


def _require(ctx: Context, item_id: int, action: str, version: int | None = None) -> None:
    """Refuse ``action`` on the item as the page shows it refused (the permission model); the
    outbox checks the state again in its own transaction."""
    item = outbox.get_item(ctx.db, item_id)
    if version is not None and item.version != version:
        raise ConflictError("该上传记录已被修改（可能正在上传），请刷新后重试。")
    permissions.upload_actions(ctx.user, state=item.state, note=item.note or "").require(action)


# --------------------------------------------------------------------------------------------
# User actions on one item
# --------------------------------------------------------------------------------------------


def retry(ctx: Context, item_id: int, version: int | None = None) -> UploadRow:
    """Send a failed, exported or cancelled item again at the next pass (attempts start over)."""
    _require(ctx, item_id, "retry", version)
    item = outbox.retry(ctx.db, item_id, actor=ctx.user.username, expected_version=version)
    return _row(item, _tz(ctx.db), ctx.user)


def cancel(ctx: Context, item_id: int, version: int | None = None) -> UploadRow:
    """Take a waiting or failed item out of the queue (it stays listed as cancelled)."""
    _require(ctx, item_id, "cancel", version)
    item = outbox.cancel(ctx.db, item_id, actor=ctx.user.username, expected_version=version)
    return _row(item, _tz(ctx.db), ctx.user)


def export_for_hand_delivery(ctx: Context, item_id: int, folder: str | Path) -> Path:
    """Write the item's package into ``folder`` for upload by hand through the provincial portal;
    the item then waits for :func:`confirm_delivered_by_hand` (it is not also sent online)."""
    _require(ctx, item_id, "export")
    target = Path(folder)
    if not str(folder).strip() or not target.is_dir():
        raise ValidationError(f"导出文件夹不存在：{folder}", field="folder")
    try:
        return outbox.export_for_hand_delivery(ctx.db, item_id, target, actor=ctx.user.username)
    except OSError as exc:
        raise ValidationError(f"无法写入导出文件夹 {target}：{exc.strerror or exc}", field="folder") from exc


def confirm_delivered_by_hand(ctx: Context, item_id: int, receipt_number: str = "") -> UploadRow:
    """The package was uploaded through the provincial web portal; ``receipt_number`` is the
    portal's receipt (回执编号), if it gave one."""
    _require(ctx, item_id, "confirm")
    item = outbox.confirm_delivered_by_hand(
        ctx.db, item_id, actor=ctx.user.username, receipt_number=receipt_number
    )
    return _row(item, _tz(ctx.db), ctx.user)


def package_bytes(ctx: Context, item_id: int) -> bytes:
    """The queued package itself (to keep a copy)."""
    _require(ctx, item_id, "package")
    return outbox.get_package(ctx.db, item_id)


# --------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------


def password_provider(
    username: str,
    *,
    password: str | None = None,
    session: SessionPasswords | None = None,
    store: CredentialStore | None = None,
    prompt: Callable[[str], str | None] | None = None,
) -> Callable[[], str | None]:
    """Where the gateway gets the password when it logs in, in this order: ``password`` (given
    on the command line's standard input), this session's (typed in this run, so a new password
    wins over a stale one in the keyring), the OS keyring, then ``prompt(username)``."""

    def provide() -> str | None:
        if password:
            return password
        if session is not None:
            value = session.get(username)
            if value:
                return value
        try:
            value = (store if store is not None else CredentialStore()).get_password(username)
        except CredentialsStoreError:  # locked or broken keyring: ask instead
            value = None
        if value:
            return value
        if prompt is not None:
            value = prompt(username)
            if value and session is not None:
                session.set(username, value)
            return value or None
        return None

    return provide


def open_gateway(
    db: Any,
    *,
    password: str | None = None,
    session: SessionPasswords | None = None,
    store: CredentialStore | None = None,
    prompt: Callable[[str], str | None] | None = None,
    url: str | None = None,
    username: str | None = None,
    connect_timeout: float = 10.0,
    read_timeout: float = 60.0,
) -> Any:
    """The gateway for the configured provincial address (settings, ``RISKMON_PROVINCIAL_URL`` and
    ``RISKMON_PROVINCIAL_USER`` overriding them). Raises ``ValidationError`` in Chinese when the
    address or user name is missing, or the address is plain http to another machine."""
    settings = worker.provincial_settings(db)
    url = (url or settings.url).strip()
    username = (username or settings.username).strip()
    provider = password_provider(username, password=password, session=session, store=store, prompt=prompt)
    return worker.gateway_from_settings(
        url, username, provider, connect_timeout=connect_timeout, read_timeout=read_timeout
    )


def sync_once(
    ctx: Context,
    *,
    gateway: Any | None = None,
    password: str | None = None,
    session: SessionPasswords | None = None,
    store: CredentialStore | None = None,
    prompt: Callable[[str], str | None] | None = None,
    policy: worker.RetryPolicy | None = None,
    progress: Callable[[worker.ItemOutcome], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> worker.SyncSummary:
    """One pass over the due uploads (上传一次). Without ``gateway``, one is opened from the
    settings (see :func:`open_gateway`) and closed afterwards."""
    permissions.upload_queue_actions(ctx.user).require("send")
    own = gateway is None
    if gateway is None:
        gateway = open_gateway(ctx.db, password=password, session=session, store=store, prompt=prompt)
    try:
        return worker.run_once(
            ctx.db, gateway, policy=policy, progress=progress, stop=stop, actor=sync_actor(ctx),
            after_pass=checkpoint_after_upload(ctx),
        )
    finally:
        if own:
            gateway.close()


def run_forever(
    ctx: Context,
    gateway: Any,
    stop: threading.Event,
    *,
    policy: worker.RetryPolicy | None = None,
    idle_interval: float = 30.0,
    wake: threading.Event | None = None,
    on_summary: Callable[[worker.SyncSummary], None] | None = None,
    progress: Callable[[worker.ItemOutcome], None] | None = None,
) -> worker.SyncSummary:
    """The background uploader (the GUI's thread): passes until ``stop`` is set, as this user
    and with an audit checkpoint after a pass that sent anything (see ``app.sync.worker.run_forever``)."""
    return worker.run_forever(
        ctx.db, gateway, stop, policy=policy, idle_interval=idle_interval, wake_event=wake,
        on_summary=on_summary, progress=progress, actor=sync_actor(ctx), after_pass=checkpoint_after_upload(ctx),
    )


def drain(
    ctx: Context,
    gateway: Any,
    *,
    timeout: float,
    policy: worker.RetryPolicy | None = None,
    stop: Callable[[], bool] | None = None,
) -> worker.SyncSummary:
    """Passes until nothing is scheduled any more, ``timeout`` seconds pass or a credentials
    problem stops it (see ``app.sync.worker.drain``), as this user."""
    permissions.upload_queue_actions(ctx.user).require("send")
    return worker.drain(ctx.db, gateway, timeout=timeout, policy=policy, stop=stop, actor=sync_actor(ctx),
                        after_pass=checkpoint_after_upload(ctx))


def checkpoint_after_upload(ctx: Context) -> Callable[[worker.SyncSummary], None]:
    """What the worker calls after a pass that sent anything: an audit checkpoint signed with
    the lab key when it unlocks without asking (``app.services.integrity``)."""
    def after(_summary: worker.SyncSummary) -> None:
        checkpoint_if_due(ctx.db, actor=sync_actor(ctx), reason="upload")

    return after


def sync_actor(ctx: Context) -> str:
    """The audit log's actor for uploads started by this user."""
    return f"sync:{ctx.user.username}"[:64]


def outcome_line(outcome: worker.ItemOutcome, row: UploadRow | None = None) -> str:
    """One line (Chinese) about what happened to one item in a pass."""
    what = f"第 {outcome.item_id} 项"
    if row is not None and row.task_number:
        what = f"任务 {row.task_number} 的{row.kind_label}（第 {row.id} 项）"
    if outcome.outcome == "accepted":
        receipt = outcome.receipt_number or (row.receipt_number if row else "")
        return f"{what}：省级系统已接收" + (f"，回执编号 {receipt}" if receipt else "")
    if outcome.outcome == "retry":
        when = ""
        if row is not None and row.next_attempt_at is not None:
            when = f"，{row.next_attempt_at:%m-%d %H:%M:%S} 自动重试"
        return f"{what}：{outcome.message or '上传失败'}{when}"
    if outcome.outcome == "failed":
        return f"{what}：未被接收，需人工处理：{outcome.message or ''}"
    if outcome.outcome == "exported":
        return f"{what}：已导出供手工上传"
    if outcome.outcome == "released":
        return f"{what}：未上传，仍在队列中" + (f"（{outcome.message}）" if outcome.message else "")
    return f"{what}：{outcome.message or '由其他上传进程处理'}"


# --------------------------------------------------------------------------------------------
# The provincial password in the keyring
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PasswordInfo:
    username: str
    available: bool  # a secure keyring exists on this machine
    message: str | None  # Chinese, when not available
    saved: bool | None  # a password is stored for ``username`` (None: could not tell)


def keyring_status(store: CredentialStore | None = None) -> KeyringStatus:
    """Whether this machine can keep the password (flag + Chinese message when it cannot)."""
    return (store or CredentialStore()).status


def password_info(ctx: Context, *, store: CredentialStore | None = None) -> PasswordInfo:
    store = store or CredentialStore()
    username = worker.provincial_settings(ctx.db).username
    saved: bool | None = False
    if store.available and username:
        try:
            saved = store.get_password(username) is not None
        except CredentialsStoreError:
            saved = None
    return PasswordInfo(username, store.available, store.unavailable_message, saved)


def _username(ctx: Context) -> str:
    username = worker.provincial_settings(ctx.db).username
    if not username:
        raise ValidationError(
            f"尚未设置省级系统用户名：请在“设置 → 省级系统”中填写，或设置环境变量 {worker.USER_ENV}",
            field="provincial_user",
        )
    return username


def save_password(ctx: Context, password: str, *, store: CredentialStore | None = None) -> PasswordInfo:
    """Keep the provincial password in the OS keyring (refused when no secure keyring exists)."""
    permissions.upload_queue_actions(ctx.user).require("save_password")
    if not password:
        raise ValidationError("密码不能为空", field="password")
    store = store or CredentialStore()
    username = _username(ctx)
    store.set_password(username, password)
    return PasswordInfo(username, True, None, True)


def forget_password(ctx: Context, *, store: CredentialStore | None = None) -> bool:
    """Remove the stored provincial password; ``False`` when there was none."""
    permissions.upload_queue_actions(ctx.user).require("delete_password")
    store = store or CredentialStore()
    return store.delete_password(_username(ctx))
