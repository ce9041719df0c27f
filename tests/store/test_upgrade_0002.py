"""Upgrading a database the previous release (schema 0001) built, on SQLite and on PostgreSQL.

The fixture ``fixtures/demo_0001.json.gz`` is the demo lab as release 67488fb left it (see
``fixtures/make_demo_0001.py``): the kettle task has two approved test reports and two whole-task
upload items (``task_results``): the first, holding report 1, was accepted by the province with a
receipt; the second, holding reports 1 and 2, still waits. Notices of report 1 were issued
without their letters being stored.

Its rows go into an empty database created at revision 0001 (the same code for both backends,
values converted by the reflected column types), then :meth:`Database.upgrade` runs migration
0002 with its data step (:func:`app.services.deliverables.upgrade_0002`).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import gzip
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    LargeBinary,
    MetaData,
    Numeric,
    func,
    insert,
    select,
    text,
)

from app.documents.package import verify_package
from app.errors import ValidationError
from app.store import search_index
from app.store.db import Database, _alembic_config, bootstrap, head_revision
from app.store.models import AuditLog, Base, Notification, Report, SyncOutbox
from app.store.uow import UnitOfWork

FIXTURE = Path(__file__).parent / "fixtures" / "demo_0001.json.gz"


@functools.cache
def _fixture() -> dict[str, Any]:
    return json.loads(gzip.decompress(FIXTURE.read_bytes()))


def _fixture_rows(table: str) -> list[dict[str, Any]]:
    t = _fixture()["tables"][table]
    return [dict(zip(t["columns"], row, strict=True)) for row in t["rows"]]


# ---- an old database from the fixture ----------------------------------------------------------


def _create_at_0001(database: Database) -> None:
    """The schema of revision 0001 only, with the program's own Alembic configuration."""
    with database.engine.connect() as conn, conn.begin():
        command.upgrade(_alembic_config(conn), "0001")
    assert database.current_revision() == "0001"


def _convert(value: Any, coltype: Any, dialect: str) -> Any:
    """A fixture value (plain JSON) as the Python value the reflected column type takes."""
    if value is None:
        return None
    if isinstance(coltype, LargeBinary):
        return base64.b64decode(value)
    if isinstance(coltype, DateTime):
        ts = dt.datetime.fromisoformat(value)
        assert ts.tzinfo is not None
        # as UTCDateTime stores it: naive UTC in SQLite, timestamptz in PostgreSQL
        return ts.astimezone(dt.UTC).replace(tzinfo=None) if dialect == "sqlite" else ts
    if isinstance(coltype, Date):
        return dt.date.fromisoformat(value)
    if isinstance(coltype, Float):
        return float(value)
    if isinstance(coltype, Numeric):
        return Decimal(value)
    if isinstance(coltype, Boolean):
        return bool(value)
    return value  # integers, text, JSON values


def _load_fixture(database: Database) -> None:
    """Every fixture row into the (empty, revision 0001) database, ids as they were."""
    tables = _fixture()["tables"]
    dialect = database.engine.dialect.name
    meta = MetaData()
    with database.engine.begin() as conn:
        meta.reflect(conn)
        assert set(tables) == set(meta.tables) - {"alembic_version"}
        for table in meta.sorted_tables:  # parents first
            if table.name not in tables:
                continue
            data = tables[table.name]
            assert set(data["columns"]) == set(table.c.keys()), table.name
            if not data["rows"]:
                continue
            types = [table.c[name].type for name in data["columns"]]
            rows = [
                {name: _convert(v, t, dialect) for name, v, t in zip(data["columns"], row, types, strict=True)}
                for row in data["rows"]
            ]
            conn.execute(insert(table), rows)
        if dialect == "postgresql":  # the ids were given: the sequences start after them
            for table in meta.sorted_tables:
                if "id" in table.c and table.c.id.primary_key:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at revision 0001 holding the fixture's rows."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_empty_url")
    database = bootstrap(url, home=tmp_path)
    try:
        _create_at_0001(database)
        _load_fixture(database)
        yield database
    finally:
        database.dispose()


# ---- helpers ---------------------------------------------------------------------------------


def _outbox(database: Database) -> dict[int, dict[str, Any]]:
    with database.engine.connect() as conn:
        table = Base.metadata.tables["sync_outbox"]
        return {r["id"]: dict(r) for r in conn.execute(select(table).order_by(table.c.id)).mappings()}


def _report_numbers(package: bytes) -> list[str]:
    check = verify_package(package)
    assert check.ok, check.problems
    return list(check.manifest["report_numbers"])


def _ts(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value is not None else None


def _context(database: Database):
    from app.services import users
    from app.services.context import Context

    return Context(database, users.authenticate(database, "wangjian", _fixture()["demo_password"]))


# ---- the upgrade ---------------------------------------------------------------------------------


def test_the_fixture_is_what_the_upgrade_must_handle() -> None:
    """Guards the fixture itself: one accepted and one pending whole-task item, two approved
    reports, notices without letters."""
    assert _fixture()["revision"] == "0001"
    items = _fixture_rows("sync_outbox")
    assert [(i["kind"], i["state"]) for i in items] == [("task_results", "accepted"), ("task_results", "pending")]
    assert items[0]["receipt_number"] == _fixture()["receipt_number"]
    approved = [r for r in _fixture_rows("reports") if r["kind"] == "test" and r["status"] == "approved"]
    assert len(approved) == 2 and all(r["pdf"] for r in approved)
    received = _report_numbers(base64.b64decode(items[0]["package"]))
    assert received == [approved[0]["number"]]
    assert sorted(_report_numbers(base64.b64decode(items[1]["package"]))) == sorted(r["number"] for r in approved)
    notices = _fixture_rows("notifications")
    assert notices and all("pdf" not in n for n in notices)  # the old schema had no letters


def test_upgrade_of_a_0001_database(old_db: Database) -> None:
    database = old_db
    old_items = {i["id"]: i for i in _fixture_rows("sync_outbox")}
    accepted_id, pending_id = sorted(old_items)
    received = set(_report_numbers(base64.b64decode(old_items[accepted_id]["package"])))
    old_reports = {r["id"]: r for r in _fixture_rows("reports")}
    old_audit = _fixture_rows("audit_log")
    status = database.schema_status()
    assert (status.state, status.current) == ("behind", "0001")

    backup = database.upgrade()

    # ---- the schema is the newest, exactly as the models describe it
    if database.is_sqlite:
        assert backup is not None and backup.is_file()  # the old file was kept first
    else:
        assert backup is None  # PostgreSQL relies on the transaction
    assert database.current_revision() == head_revision()
    database.check_schema()
    with database.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": search_index.include_name}), Base.metadata) == []

    items = _outbox(database)

    # ---- the accepted whole-task item is history: every column as it was
    accepted = items[accepted_id]
    old = old_items[accepted_id]
    assert (accepted["kind"], accepted["state"], accepted["receipt_number"]) == (
        "task_results", "accepted", _fixture()["receipt_number"])
    assert bytes(accepted["package"]) == base64.b64decode(old["package"])
    assert accepted["package_sha256"] == old["package_sha256"] == hashlib.sha256(accepted["package"]).hexdigest()
    for column in ("idempotency_key", "attempts", "task_id", "report_id", "version", "last_error"):
        assert accepted[column] == old[column], column
    for column in ("accepted_at", "created_at", "updated_at", "next_attempt_at"):
        got = accepted[column]
        assert (got.replace(tzinfo=dt.UTC) if got is not None and got.tzinfo is None else got) == _ts(old[column])
    assert accepted["note"] is None and accepted["sample_id"] is None

    # ---- the pending whole-task item is superseded, with a note saying why; never sent
    pending = items[pending_id]
    assert pending["state"] == "superseded" and pending["next_attempt_at"] is None
    assert pending["note"] and "逐份报告" in pending["note"]
    assert bytes(pending["package"]) == base64.b64decode(old_items[pending_id]["package"])
    assert pending["receipt_number"] is None

    # ---- one new "result" item per approved report the province has not received
    approved = [r for r in old_reports.values() if r["kind"] == "test" and r["status"] == "approved"]
    expected = sorted(r["id"] for r in approved if r["number"] not in received)
    assert expected and len(expected) < len(approved)  # the fixture has both cases
    new = {i: row for i, row in items.items() if i not in old_items}
    assert all(row["kind"] == "result" for row in new.values())
    assert sorted(row["report_id"] for row in new.values()) == expected  # exactly one each, none for report 1
    with UnitOfWork(database, actor="test") as uow:
        for row in new.values():
            report = uow.session.get(Report, row["report_id"])
            assert (row["state"], row["attempts"], row["task_id"], row["sample_id"]) == (
                "pending", 0, report.task_id, report.sample_id)
            assert row["next_attempt_at"] is not None and row["note"] is None
            assert row["idempotency_key"].startswith("241712050999-")  # the demo lab's CMA number
            assert row["package"] is None and row["recipe"]  # made again from the stored PDFs
            from app.sync.packages import package_of
            package = package_of(uow.session, uow.session.get(SyncOutbox, row["id"]))
            assert row["package_sha256"] == hashlib.sha256(package).hexdigest()
            check = verify_package(package)
            assert check.ok, check.problems
            assert check.manifest["package_kind"] == "result"
            assert check.manifest["report_numbers"] == [report.number]
            # the report exactly as frozen at its approval by the previous release
            frozen = base64.b64decode(old_reports[report.id]["pdf"])
            assert bytes(report.pdf) == frozen
            assert report.file_sha256 == old_reports[report.id]["file_sha256"] == hashlib.sha256(frozen).hexdigest()
            (sample,) = check.manifest["samples"]
            with zipfile.ZipFile(io.BytesIO(package)) as zf:
                assert zf.read(sample["report_file"]) == frozen

        # ---- every notice has its letter frozen
        notices = list(uow.session.scalars(select(Notification).order_by(Notification.id)))
        assert len(notices) == len(_fixture_rows("notifications"))
        for n in notices:
            assert n.pdf is not None and bytes(n.pdf).startswith(b"%PDF"), n.document_number
            assert n.file_sha256 == hashlib.sha256(bytes(n.pdf)).hexdigest()
            assert n.issued_at is not None
        # the letters of the report the province received are the very ones it received: the
        # migration takes them from the accepted package
        with zipfile.ZipFile(io.BytesIO(bytes(accepted["package"]))) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            sent = sorted(hashlib.sha256(zf.read(e["file"])).hexdigest() for e in manifest["notifications"])
        received_ids = {r["id"] for r in approved if r["number"] in received}
        assert sent and sorted(n.file_sha256 for n in notices if n.report_id in received_ids) == sent

        # ---- the audit chain verifies; the old entries are untouched; the migration is in it
        from app.store.audit import verify_chain

        chain = verify_chain(uow.session)
        assert chain.ok, chain.message()
        assert chain.count > len(old_audit)
        first = list(uow.session.scalars(select(AuditLog).order_by(AuditLog.seq).limit(len(old_audit))))
        assert [(e.seq, e.hash) for e in first] == [(e["seq"], e["hash"]) for e in old_audit]
        by_migration = set(uow.session.execute(
            select(AuditLog.table_name, AuditLog.action).where(AuditLog.actor == "migration:0002")).all())
        assert {t for t, _ in by_migration} >= {"sync_outbox", "notifications"}

    # ---- the program works on the upgraded data
    from app.services import notifications, reports, upload

    ctx = _context(database)
    listed = reports.list_reports(ctx)
    assert {r.id: (r.number, r.status) for r in listed} == {
        r["id"]: (r["number"], r["status"]) for r in old_reports.values()}
    assert all(r.has_pdf for r in listed if r.status == "approved")
    rows = {r.id: r for r in upload.list_uploads(ctx)}
    assert set(rows) == set(items)
    assert (rows[accepted_id].state_label, rows[accepted_id].receipt_number) == ("已接收", _fixture()["receipt_number"])
    gone = rows[pending_id]
    assert gone.superseded and gone.state_label == "已被替代，不再上传" and gone.note == pending["note"]
    assert gone.task_number == "HBFX-2026-DQ-01" and not gone.can_retry and not gone.can_cancel
    with pytest.raises(ValidationError, match="不再上传"):
        upload.retry(ctx, pending_id)
    for item_id in new:
        row = rows[item_id]
        assert (row.kind_label, row.state_label) == ("结果", "待上传")
        assert row.report_number and row.sample_number
    assert [r.id for r in upload.list_uploads(ctx, which="open")] == sorted(new, reverse=True)
    counts = upload.upload_counts(ctx)
    assert (counts["accepted"], counts["superseded"], counts["pending"]) == (1, 1, len(new))
    # a notice's letter is the frozen one
    task_id = old_items[accepted_id]["task_id"]
    listed_notices = notifications.list_notifications(ctx, task_id).rows
    assert len(listed_notices) == len(notices)
    with UnitOfWork(database, actor="test") as uow:
        for info in listed_notices:
            assert notifications.notice_pdf(ctx, info.id) == bytes(uow.session.get(Notification, info.id).pdf)

    # ---- upgrading again changes nothing
    with database.engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(AuditLog))
    assert database.upgrade() is None
    assert _outbox(database).keys() == items.keys()
    with database.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditLog)) == before
    from tests.services.conftest import audit_ok

    assert audit_ok(database)


def test_an_item_exported_for_upload_by_hand_is_kept_for_its_confirmation(old_db: Database) -> None:
    """The lab may already have uploaded it through the portal: it is neither superseded nor its
    reports queued again, and its receipt can still be recorded after the upgrade."""
    from app.services import upload
    from app.sync.outbox import EXPORTED_PREFIX

    database = old_db
    _, pending_id = sorted(i["id"] for i in _fixture_rows("sync_outbox"))
    marker = f"{EXPORTED_PREFIX}HBFX-2026-DQ-01-监测结果.zip，请在省级系统网页上传后确认"
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE sync_outbox SET state = 'failed', next_attempt_at = NULL, last_error = :e "
                          "WHERE id = :id"), {"e": marker, "id": pending_id})
    database.upgrade()
    items = _outbox(database)
    assert items[pending_id]["state"] == "failed" and items[pending_id]["last_error"] == marker
    assert [i for i in items.values() if i["kind"] == "result"] == []  # nothing sent twice
    row = upload.confirm_delivered_by_hand(_context(database), pending_id, "HBJG-2026-000500")
    assert (row.state, row.receipt_number) == ("delivered_by_hand", "HBJG-2026-000500")
