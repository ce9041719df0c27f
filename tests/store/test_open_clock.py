"""The samples whose Article 18 clock runs are read through the partial index made for them, also
where SQLite's statistics would send the planner elsewhere."""

from __future__ import annotations

from sqlalchemy import func, select, text

from app.store import tables
from app.store.queries import open_clock

S = tables.samples


def _plan(conn, statement) -> str:
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return " ".join(row[3] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


def test_the_open_clock_uses_its_partial_index_whatever_the_statistics_say(sqlite_db):
    with sqlite_db.engine.begin() as conn:
        # what ANALYZE wrote for a lab with 100,000 samples, a quarter of them open: reported_date
        # looks selective (139 rows a value), though its NULLs are every sample not yet reported
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'samples'")
        conn.exec_driver_sql("INSERT INTO sqlite_stat1 VALUES ('samples', 'ix_samples_open_clock', '25008 35 1'), "
                             "('samples', 'ix_samples_reported_date', '100000 139'), "
                             "('samples', 'ix_samples_completed_date', '100000 139')")
        conn.exec_driver_sql("ANALYZE sqlite_schema")  # the planner reads the statistics again
    with sqlite_db.engine.connect() as conn:
        plain = (S.c.completed_date.is_not(None), S.c.reported_date.is_(None))
        assert "ix_samples_open_clock" not in _plan(conn, select(func.count()).select_from(S).where(*plain))
        counted = select(func.count()).select_from(S).where(*open_clock())
        listed = select(S.c.id).where(*open_clock()).order_by(S.c.completed_date, S.c.id).limit(200)
        assert "USING INDEX ix_samples_open_clock" in _plan(conn, counted)
        plan = _plan(conn, listed)
        assert "USING INDEX ix_samples_open_clock" in plan and "TEMP B-TREE" not in plan
        assert "likelihood" in str(counted.compile(dialect=conn.dialect))


def test_elsewhere_the_open_clock_is_the_plain_condition():
    from sqlalchemy.dialects import postgresql

    sql = str(select(func.count()).select_from(S).where(*open_clock()).compile(dialect=postgresql.dialect()))
    assert "likelihood" not in sql and "samples.reported_date IS NULL" in sql
