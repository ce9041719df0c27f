"""Append-only, hash-chained audit log of every change to a business record.

Session events do the work, so no use case can forget it:

* ``before_flush``: on PostgreSQL, take a transaction-scoped advisory lock before the first
  write of the transaction, so two workstations append to the chain one after the other and
  never fork it (on SQLite the writer already holds the database write lock). Deleted objects
  get their columns loaded, so their last state can be recorded.
* ``after_flush``: for every row the flush inserted, updated or deleted (new/dirty/deleted with
  their attribute history), append an entry through the session's connection:
  ``seq, at, actor, action, table_name, row_id, before, after, prev_hash, hash`` with
  ``hash = sha256(prev_hash + canonical JSON of the other fields)``.
* ``do_orm_execute``: bulk INSERT/UPDATE/DELETE statements on audited tables are refused —
  they would change rows without an entry. Change objects through the session instead.

What is recorded: an insert's ``after`` holds every column; an update's ``before``/``after``
hold the changed columns (``after`` also carries the new ``version`` and ``updated_at``); a
delete's ``before`` holds every column. Bytes appear as ``"sha256:<hex>"``, dates and
timestamps as ISO text, decimals as text; password hashes only as the sha256 of the hash.

The one writer that uses Core statements on an audited table is the upload worker
(``app.sync.worker``): claiming, failures and releases change only the outbox's delivery
bookkeeping (``NON_BUSINESS_COLUMNS``), which is not recorded, and a receipt is recorded with
:func:`record_updates` in the receipts' own transaction.

JSON columns are compared by reassignment: mutate a copy and assign it (``s.claims = [...]``);
an in-place ``append`` is not seen by SQLAlchemy, so neither the UPDATE nor the entry happens.

:func:`verify_chain` re-reads the log in order and names the first entry that is missing or
does not match its hash. (Removing entries at the very end of the chain cannot be told from a
shorter history; the signed checkpoints of ``app.services.integrity`` detect that.)
:func:`verify_rows` compares every business row with what its entries add up to.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, DateTime, Float, Numeric, event, insert, inspect, select, text

from app.store.tables import AUDITED_TABLES, NON_BUSINESS_COLUMNS, NON_BUSINESS_TABLES, metadata

if TYPE_CHECKING:  # the session events need the ORM; appending entries with Core statements does not
    from sqlalchemy.orm import Session, sessionmaker
    from sqlalchemy.orm.state import InstanceState
from app.store.types import utcnow

GENESIS_HASH = "0" * 64
BOOKKEEPING_COLUMNS = frozenset({"version", "updated_at"})
#: Columns whose value must not be kept for ever: recorded as the sha256 of the value only.
REDACTED_COLUMNS = frozenset({("users", "password_hash")})
SYSTEM_ACTOR = "system"
_PG_AUDIT_LOCK = 0x52_49_53_4B_4D_4F_4E_02  # "RISKMON" + 2
_audit_table = metadata.tables["audit_log"]
#: the chain's last entry, and the statement that appends entries (built once: every flush uses them)
_HEAD = select(_audit_table.c.seq, _audit_table.c.hash).order_by(_audit_table.c.seq.desc()).limit(1)
_APPEND = insert(_audit_table)
_TABLE_ORDER = {t.name: i for i, t in enumerate(metadata.sorted_tables)}


# --------------------------------------------------------------------------------------------
# Serialisation and hashing
# --------------------------------------------------------------------------------------------


_PLAIN = frozenset({type(None), bool, int, str})


def to_json_value(value: Any) -> Any:
    """A JSON-safe, stable form of a column value."""
    if type(value) in _PLAIN or isinstance(value, bool | int | str):  # the exact types first: most values
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(v) for v in value]
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(
    prev_hash: str,
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    table_name: str,
    row_id: int,
    before: Any,
    after: Any,
) -> str:
    """``sha256(prev_hash + canonical JSON of the entry fields)`` as hex."""
    body = canonical_json(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(),
            "actor": actor,
            "action": action,
            "table_name": table_name,
            "row_id": row_id,
            "before": before,
            "after": after,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Session events
# --------------------------------------------------------------------------------------------


def install(factory: sessionmaker[Session]) -> None:
    """Attach the audit listeners to every session ``factory`` makes."""
    if getattr(factory, "_riskmon_audit", False):
        return
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _refuse_bulk_dml)
    factory._riskmon_audit = True  # type: ignore[attr-defined]


def actor_of(session: Session) -> str:
    return str(session.info.get("actor") or SYSTEM_ACTOR)


def _recorded(table: str, column: str, value: Any) -> Any:
    """The JSON form of a column value as the log keeps it."""
    if value is not None and (table, column) in REDACTED_COLUMNS:
        return "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()
    return to_json_value(value)


def _column_keys(state: InstanceState[Any]) -> list[tuple[str, str]]:
    """(attribute key, column name) of the mapped columns."""
    return [(prop.key, prop.columns[0].name) for prop in state.mapper.column_attrs]


def _is_audited(state: InstanceState[Any]) -> bool:
    return state.mapper.local_table.name in AUDITED_TABLES  # type: ignore[union-attr]


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if not (session.new or session.dirty or session.deleted):
        return
    _lock_chain(session)
    _fetch_unknown_old_values(session)
    for obj in list(session.deleted):
        state = inspect(obj)
        if not _is_audited(state):
            continue
        unloaded = state.unloaded
        for key, _name in _column_keys(state):
            if key in unloaded:
                getattr(obj, key)  # load it now: after the flush the row is gone


def _fetch_unknown_old_values(session: Session) -> None:
    """Read from the database the old value of columns changed without being loaded first.

    A deferred column (attachment content, report PDF) or an expired one can be assigned
    without SQLAlchemy knowing what it replaces; the row still holds it until the flush.
    """
    stash: dict[InstanceState[Any], dict[str, Any]] = {}
    for obj in session.dirty:
        state = inspect(obj)
        if not _is_audited(state) or not state.identity:
            continue
        unknown = []
        for key, _name in _column_keys(state):
            hist = state.attrs[key].history
            if hist.added and not hist.deleted and not hist.unchanged:
                unknown.append(key)
        if not unknown:
            continue
        mapper = state.mapper
        cols = [mapper.get_property(k).columns[0] for k in unknown]
        pk = mapper.primary_key
        row = session.connection().execute(
            select(*cols).where(*[c == v for c, v in zip(pk, state.identity, strict=True)])
        ).first()
        if row is not None:
            stash[state] = dict(zip(unknown, row, strict=True))
    session.info["_audit_old"] = stash


def _lock_chain(session: Session) -> None:
    """PostgreSQL: serialise appends to the chain across workstations (held to commit)."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    tx = session.get_transaction()
    if session.info.get("_audit_lock_tx") is tx:
        return
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    session.info["_audit_lock_tx"] = tx


def _after_flush(session: Session, flush_context: Any) -> None:
    new = {inspect(o) for o in session.new}
    old_values = session.info.pop("_audit_old", None) or {}
    changes: list[tuple[int, int, str, str, int, Any, Any]] = []
    for state, (isdelete, listonly) in list(flush_context.states.items()):
        if listonly or not _is_audited(state):
            continue
        table = state.mapper.local_table.name  # type: ignore[union-attr]
        order = _TABLE_ORDER.get(table, 0)
        if isdelete:
            row_id = _row_id(state)
            before = {
                name: _recorded(table, name, state.dict[key])
                for key, name in _column_keys(state)
                if key in state.dict
            }
            changes.append((1, -order, table, "delete", row_id, before, None))
        elif state in new:
            after = {name: _recorded(table, name, _current(state, key)) for key, name in _column_keys(state)}
            changes.append((0, order, table, "insert", _row_id(state), None, after))
        else:
            entry = _update_entry(state, table, old_values)
            if entry is not None:
                changes.append((0, order, table, "update", _row_id(state), *entry))
    if not changes:
        return
    changes.sort(key=lambda c: (c[0], c[1], c[4]))
    append_entries(session.connection(), actor_of(session), [c[2:] for c in changes])


def _lock_chain_core(conn: Connection) -> None:
    """:func:`_lock_chain` for entries appended with Core statements (held to commit)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})


def record_updates(conn: Connection, actor: str, updates: list[tuple[str, int, dict[str, Any], dict[str, Any]]]) -> None:
    """The entries of updates made with Core statements (the upload worker's receipts): for each
    ``(table, row id, before, after)`` — column name → old and new value, ``after`` also carrying
    the new ``version`` and ``updated_at`` — in the form a flush through the session records."""
    if not updates:
        return
    _lock_chain_core(conn)
    append_entries(conn, actor, [
        (table, "update", row_id,
         {k: _recorded(table, k, v) for k, v in before.items()},
         {k: _recorded(table, k, v) for k, v in after.items()})
        for table, row_id, before, after in updates
    ])


def record_deletes(conn: Connection, actor: str, table: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """The entries of rows deleted with Core statements (a cleared sign-in count): for each
    ``(row id, column name → value it had)`` the entry a flush through the session records."""
    if not rows:
        return
    _lock_chain_core(conn)
    append_entries(conn, actor, [(table, "delete", row_id, {k: _recorded(table, k, v) for k, v in values.items()}, None)
                                 for row_id, values in rows])


def record_inserts(conn: Connection, actor: str, table: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """The entries of rows inserted with Core statements (a bulk registration): for each
    ``(row id, column name → value as stored)`` the entry a flush through the session records."""
    if not rows:
        return
    _lock_chain_core(conn)
    redacted = {column for t, column in REDACTED_COLUMNS if t == table}
    plain = _PLAIN

    def recorded(values: dict[str, Any]) -> dict[str, Any]:  # most values are kept as they are
        return {k: v if type(v) in plain and k not in redacted else _recorded(table, k, v)
                for k, v in values.items()}

    append_entries(conn, actor, [(table, "insert", row_id, None, recorded(values)) for row_id, values in rows])


def append_entries(conn: Connection, actor: str, changes: list[tuple[str, str, int, Any, Any]]) -> None:
    """Append ``(table, action, row_id, before, after)`` entries to the chain, in that order."""
    if not changes:
        return
    head = conn.execute(_HEAD).first()
    seq, prev = (head[0], head[1]) if head else (0, GENESIS_HASH)
    at = utcnow()
    rows = []
    for table, action, row_id, before, after in changes:
        seq += 1
        digest = entry_hash(
            prev,
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            table_name=table,
            row_id=row_id,
            before=before,
            after=after,
        )
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "table_name": table,
                "row_id": row_id,
                "before": before,
                "after": after,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    conn.execute(_APPEND, rows)


def _row_id(state: InstanceState[Any]) -> int:
    if state.identity:
        return int(state.identity[0])
    return int(state.dict["id"])


def _current(state: InstanceState[Any], key: str) -> Any:
    if key in state.dict:
        return state.dict[key]
    return getattr(state.obj(), key)


def _update_entry(
    state: InstanceState[Any], table: str, old_values: dict[InstanceState[Any], dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    known_old = old_values.get(state, {})
    for key, name in _column_keys(state):
        if name in BOOKKEEPING_COLUMNS:
            continue
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        if hist.deleted:
            old = _recorded(table, name, hist.deleted[0])
        else:
            old = _recorded(table, name, known_old.get(key))
        new = _recorded(table, name, hist.added[0]) if hist.added else None
        if old == new:
            continue
        before[name] = old
        after[name] = new
    if not after:
        return None
    for key, name in _column_keys(state):
        if name in BOOKKEEPING_COLUMNS and key in state.dict:
            after[name] = to_json_value(state.dict[key])
    return before, after


def _refuse_bulk_dml(orm_execute_state: Any) -> None:
    if not (orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    table = getattr(orm_execute_state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in AUDITED_TABLES or name == "audit_log":
        raise RuntimeError(
            f"bulk {type(orm_execute_state.statement).__name__} on {name!r} would bypass the audit "
            "log: load the objects and change them through the session instead"
        )


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # entries checked
    first_bad_seq: int | None = None
    reason: str | None = None  # Chinese, for the user, e.g. "内容与哈希不符（记录被修改）"
    head_hash: str = GENESIS_HASH

    def message(self) -> str:
        if self.ok:
            return f"审计日志完整：共 {self.count} 条记录，哈希链校验通过。"
        return f"审计日志校验失败：第 {self.first_bad_seq} 条审计记录：{self.reason}。"


def verify_chain(session: Session, *, batch: int = 2000, since: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain from the first entry and report the first one that does not check out.

    With ``since = (seq, hash)`` (a signed checkpoint) the walk starts after that entry, whose
    stored hash must still be ``hash``; ``count`` then counts the entries after it.
    """
    t = _audit_table
    cols = [t.c.seq, t.c.at, t.c.actor, t.c.action, t.c.table_name, t.c.row_id, t.c.before, t.c.after]
    conn = session.connection()
    expected_seq = 1
    prev = GENESIS_HASH
    count = 0
    last = 0
    if since is not None and since[0] > 0:
        # the checkpoint's own entry: still there, still the signed hash, and its content still hashes to it
        r = conn.execute(select(*cols, t.c.prev_hash, t.c.hash).where(t.c.seq == since[0])).first()
        if r is None:
            return VerifyResult(False, 0, since[0], "已签名检查点所指的记录缺失（记录被删除）", since[1])
        try:
            digest = entry_hash(r.prev_hash, seq=r.seq, at=r.at, actor=r.actor, action=r.action,
                                table_name=r.table_name, row_id=r.row_id, before=r.before, after=r.after)
        except (TypeError, ValueError):
            digest = None
        if r.hash != since[1] or digest != since[1]:
            return VerifyResult(False, 0, since[0], "与已签名检查点的哈希不符（日志被改写）", since[1])
        expected_seq, prev, last = since[0] + 1, since[1], since[0]
    while True:
        rows = conn.execute(
            select(*cols, t.c.prev_hash, t.c.hash).where(t.c.seq > last).order_by(t.c.seq).limit(batch)
        ).all()
        if not rows:
            break
        for r in rows:
            if r.seq != expected_seq:
                return VerifyResult(False, count, expected_seq, "记录缺失（已被删除或序号被改动）", prev)
            if r.prev_hash != prev:
                return VerifyResult(False, count, r.seq, "前序哈希与上一条记录不符（链条被改动）", prev)
            try:
                digest = entry_hash(
                    prev,
                    seq=r.seq,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    table_name=r.table_name,
                    row_id=r.row_id,
                    before=r.before,
                    after=r.after,
                )
            except (TypeError, ValueError):
                digest = None
            if digest != r.hash:
                return VerifyResult(False, count, r.seq, "内容与哈希不符（记录被修改）", prev)
            prev = r.hash
            count += 1
            expected_seq += 1
            last = r.seq
    return VerifyResult(True, count, None, None, prev)


# --------------------------------------------------------------------------------------------
# Business rows against the log
# --------------------------------------------------------------------------------------------

#: Business tables: every audited table except the few that are not records (README,
#: "Reliability"). Their rows must be exactly what the log's entries add up to.
BUSINESS_TABLES = tuple(
    t.name for t in metadata.sorted_tables if t.name in AUDITED_TABLES and t.name not in NON_BUSINESS_TABLES
)
_MISSING = object()


@dataclass(frozen=True)
class RowMismatch:
    """A business row that is not what the audit log says it is."""

    table: str
    row_id: int
    kind: str  # "edited" (columns differ), "unlogged" (row not in the log), "deleted" (row gone)
    fields: tuple[str, ...] = ()

    def message(self) -> str:
        where = f"表 {self.table} 第 {self.row_id} 行"
        if self.kind == "edited":
            return f"{where}：字段 {'、'.join(self.fields)} 与审计日志记录的值不符（被直接修改）"
        if self.kind == "unlogged":
            return f"{where}：审计日志中没有这一行的新增记录（被直接插入）"
        return f"{where}：审计日志记录该行存在，但数据库中已没有（被直接删除）"


def _same(column: Any, logged: Any, current: Any) -> bool:
    if logged == current:
        return True
    if logged is None or current is None:
        return False
    try:
        if isinstance(column.type, Numeric | Float):
            return Decimal(str(logged)) == Decimal(str(current))
        if isinstance(column.type, DateTime):
            return datetime.fromisoformat(str(logged)) == datetime.fromisoformat(str(current))
    except (ArithmeticError, ValueError, TypeError):
        return False
    return False


def _images(conn: Connection, table: str) -> dict[int, dict[str, Any]]:
    """Each row of ``table`` as the log's entries add up to (insert, then updates; deletes drop)."""
    t = _audit_table
    images: dict[int, dict[str, Any]] = {}
    result = conn.execute(
        select(t.c.action, t.c.row_id, t.c.after).where(t.c.table_name == table).order_by(t.c.seq)
    )
    for action, row_id, after in result:
        if action == "insert":
            images[row_id] = dict(after or {})
        elif action == "update":
            images.setdefault(row_id, {}).update(after or {})
        else:
            images.pop(row_id, None)
    return images


def _table_differences(conn: Connection, table: str) -> list[tuple[RowMismatch, dict[str, Any], dict[str, Any]]]:
    """(mismatch, what the log says, what the row holds) for each row of ``table`` that differs."""
    tbl = metadata.tables[table]
    skip = NON_BUSINESS_COLUMNS.get(table, frozenset())
    images = _images(conn, table)
    found: list[tuple[RowMismatch, dict[str, Any], dict[str, Any]]] = []
    for row in conn.execute(select(tbl).order_by(tbl.c.id)).mappings():
        row_id = int(row["id"])
        current = {c.name: _recorded(table, c.name, row[c.name]) for c in tbl.columns}
        image = images.pop(row_id, None)
        if image is None:
            found.append((RowMismatch(table, row_id, "unlogged"), {}, current))
            continue
        fields = tuple(
            c.name
            for c in tbl.columns
            if c.name not in skip and not _same(c, image.get(c.name, _MISSING), current[c.name])
        )
        if fields:
            logged = {f: image.get(f) for f in fields}
            found.append((RowMismatch(table, row_id, "edited", fields), logged, {f: current[f] for f in fields}))
    for row_id, image in sorted(images.items()):
        found.append((RowMismatch(table, row_id, "deleted"), image, {}))
    return found


def verify_rows(session: Session, *, limit: int = 50) -> list[RowMismatch]:
    """Business rows whose current state is not their latest audit after-image (at most ``limit``)."""
    conn = session.connection()
    out: list[RowMismatch] = []
    for table in BUSINESS_TABLES:
        out.extend(m for m, _l, _c in _table_differences(conn, table))
        if len(out) >= limit:
            return out[:limit]
    return out


def record_unlogged_changes(conn: Connection, actor: str) -> int:
    """Append entries for every business row the log does not account for; returns how many.

    A migration changes rows without the session (new columns with defaults, data steps): this
    records what it did, as ``actor`` (``migration:<revision>``), so the log and the tables agree
    again and the change itself is in the chain. Only schema upgrades call it.
    """
    _lock_chain_core(conn)
    changes: list[tuple[str, str, int, Any, Any]] = []
    for table in BUSINESS_TABLES:
        for mismatch, logged, current in _table_differences(conn, table):
            if mismatch.kind == "unlogged":
                changes.append((table, "insert", mismatch.row_id, None, current))
            elif mismatch.kind == "edited":
                changes.append((table, "update", mismatch.row_id, logged, current))
            else:
                changes.append((table, "delete", mismatch.row_id, logged, None))
    append_entries(conn, actor, changes)
    return len(changes)
