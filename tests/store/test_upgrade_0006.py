"""Migration 0006's data step (:func:`app.services.hazard.upgrade_0006`) on a database made at 0005:
a sample flagged ``major_hazard`` with ``major_hazard_reported_at`` becomes a reported hazard record,
one flagged but not reported a draft, an unflagged one none; and 0010's data step sends a monthly
report compiled before it (nothing frozen) back to its compiler. Both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from app.services.hazard import MIGRATED_NOTE
from app.services.monthly_reports import RECOMPILE_NOTE
from app.store.db import Database, _alembic_config, bootstrap, head_revision
from app.store.models import HazardReport, Report
from app.store.uow import UnitOfWork

REPORTED_AT = dt.datetime(2026, 9, 3, 6, 30, tzinfo=dt.UTC)

_SAMPLE = (
    "INSERT INTO samples (task_id, number, status, place_type, product_name, declared_standards, version_evidence, "
    "claims, samplers, seal_numbers, problems_found, major_hazard, major_hazard_note, major_hazard_reported_at, "
    "test_category, version, created_at, updated_at) VALUES (1, :number, 'completed', 'producer', '儿童连帽卫衣', "
    "'[]', '[]', '[]', '[\"王建\", \"刘洋\"]', '[]', :problems, :hazard, :note, :reported, 'risk', 1, :now, :now)"
)
_RESULT = (
    "INSERT INTO item_results (sample_id, item, seq, value_text, judgement, rule_trace, warnings, version, "
    "created_at, updated_at) SELECT id, '绳带要求', 1, '帽子带有可抽出的绳带', 'fail', '[]', '[]', 1, :now, :now "
    "FROM samples WHERE number = 'S-1'"
)


def _check(url: str | None, home: Path) -> None:
    database: Database = bootstrap(url, home=home)
    try:
        with database.engine.connect() as conn, conn.begin():
            command.upgrade(_alembic_config(conn), "0005")
        now = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
        with database.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO monitoring_tasks (number, title, status, issuing_authority, version, created_at, "
                "updated_at) VALUES ('T-1', '儿童服装风险监测', 'active', '武汉市市场监督管理局', 1, :now, :now)"),
                {"now": now})
            for number, hazard, note, reported, problems in (
                ("S-1", True, "帽绳存在勒颈风险", REPORTED_AT, True),
                ("S-2", True, "", None, False),
                ("S-3", False, None, None, False),
            ):
                conn.execute(text(_SAMPLE), {"number": number, "hazard": hazard, "note": note, "reported": reported,
                                             "problems": problems, "now": now})
            conn.execute(text(_RESULT), {"now": now})
            conn.execute(text(
                "INSERT INTO reports (kind, period, number, status, version, created_at, updated_at) VALUES "
                "('monthly', '2026-08', 'YB-2026-08', 'compiled', 1, :now, :now), "
                "('monthly', '2026-07', 'YB-2026-07', 'approved', 1, :now, :now)"), {"now": now})
        database.upgrade()
        assert database.current_revision() == head_revision()
        with UnitOfWork(database, actor="test") as uow:
            hazards = {h.sample.number: h for h in uow.session.scalars(select(HazardReport))}
            assert set(hazards) == {"S-1", "S-2"}
            reported = hazards["S-1"]
            assert (reported.status, reported.description, reported.recipient, reported.receipt) == (
                "reported", "帽绳存在勒颈风险", "武汉市市场监督管理局", MIGRATED_NOTE)
            assert reported.reported_at == REPORTED_AT and reported.found_at == REPORTED_AT
            assert [i["item"] for i in reported.affected_items] == ["绳带要求"] and reported.reason is None
            draft = hazards["S-2"]
            assert (draft.status, draft.reported_at, draft.description) == ("draft", None, "（原记录未描述）")
            assert draft.affected_items == [] and draft.reason  # no nonconforming item: the reason says so
            assert reported.sample.major_hazard_reported_at == REPORTED_AT  # the sample's columns stay
            monthly = {r.number: r for r in uow.session.scalars(select(Report).where(Report.kind == "monthly"))}
            assert (monthly["YB-2026-08"].status, monthly["YB-2026-08"].return_comment) == ("draft", RECOMPILE_NOTE)
            assert monthly["YB-2026-07"].status == "approved"  # issued before: left as it was
        with database.engine.connect() as conn:  # what the data steps wrote is in the audit log, as theirs
            logged = set(conn.execute(text("SELECT actor, action, table_name FROM audit_log")).all())
        assert ("migration:0006", "insert", "hazard_reports") in logged
        assert ("migration:0010", "update", "reports") in logged
    finally:
        database.dispose()


def test_sqlite_0006_hazards_from_flagged_samples(tmp_path: Path) -> None:
    _check(None, tmp_path)


@pytest.mark.postgres
def test_postgresql_0006_hazards_from_flagged_samples(pg_empty_url: str, tmp_path: Path) -> None:
    _check(pg_empty_url, tmp_path)
