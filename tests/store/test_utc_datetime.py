"""UTCDateTime reads SQLite's stored text as UTC, by its fast path and by the generic one alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text

from app.store.types import UTCDateTime


@pytest.fixture
def table():
    engine = create_engine("sqlite://")
    meta = MetaData()
    t = Table("t", meta, Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))
    meta.create_all(engine)
    with engine.begin() as conn:
        yield conn, t


def test_written_values_read_back_aware_and_equal(table):
    conn, t = table
    written = [datetime(2026, 11, 30, 8, 31, 5, 123456, tzinfo=UTC),
               datetime(2026, 12, 1, 0, 30, tzinfo=timezone(timedelta(hours=8))),  # stored as UTC
               datetime(2026, 1, 1, tzinfo=UTC)]
    conn.execute(insert(t), [{"id": i, "at": v} for i, v in enumerate(written)])
    read = [conn.execute(select(t.c.at).where(t.c.id == i)).scalar_one() for i in range(len(written))]
    assert read == written
    assert all(v.tzinfo is UTC for v in read)


@pytest.mark.parametrize("stored, expected", [
    ("2026-11-30 08:31:05.123456", datetime(2026, 11, 30, 8, 31, 5, 123456, tzinfo=UTC)),
    ("2026-11-30 08:31:05", datetime(2026, 11, 30, 8, 31, 5, tzinfo=UTC)),
    ("2026-11-30T08:31:05", datetime(2026, 11, 30, 8, 31, 5, tzinfo=UTC)),  # written by hand or a migration
    (None, None),
])
def test_stored_text_forms(table, stored, expected):
    conn, t = table
    conn.execute(text("INSERT INTO t (id, at) VALUES (1, :v)"), {"v": stored})
    assert conn.execute(select(t.c.at)).scalar_one() == expected
