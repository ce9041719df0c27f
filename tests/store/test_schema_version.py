"""Opening a database reads its version with one plain query: the migrations' graph comes from the
files' ``revision`` lines, alembic is imported by ``db upgrade`` only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.errors import DatabaseError
from app.resources import migrations_path
from app.store import db as dbmod
from app.store.db import Database, head_revision, known_revisions

ROOT = Path(__file__).resolve().parents[2]


def _alembic_script() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    return ScriptDirectory.from_config(cfg)


def test_the_revision_lines_give_alembics_own_graph_and_head() -> None:
    script = _alembic_script()
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision: rev.down_revision for rev in script.walk_revisions()}


def test_status_without_alembic(sqlite_db: Database) -> None:
    assert sqlite_db.schema_status().state == "current"
    assert sqlite_db.current_revision() == head_revision()
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert sqlite_db.schema_status().state == "behind"
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    status = sqlite_db.schema_status()
    assert status.state == "newer" and status.current == "f00d"
    with pytest.raises(DatabaseError, match="比本程序新"):
        sqlite_db.check_schema()
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    assert sqlite_db.schema_status().state == "missing" and sqlite_db.current_revision() is None


def test_a_branched_set_of_migrations_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_text("revision: str = 'a'\ndown_revision: str | None = None\n", encoding="utf-8")
    (versions / "b.py").write_text('revision = "b"\ndown_revision = "a"\n', encoding="utf-8")
    (versions / "c.py").write_text('revision = "c"\ndown_revision = "a"\n', encoding="utf-8")
    monkeypatch.setattr(dbmod, "migrations_path", lambda: tmp_path)
    assert known_revisions() == {"a": None, "b": "a", "c": "a"}
    with pytest.raises(DatabaseError, match="重新安装"):
        head_revision()


def test_opening_and_checking_a_database_imports_no_alembic(sqlite_db: Database) -> None:
    code = (
        "import sys\n"
        "from app.store.db import bootstrap\n"
        f"db = bootstrap({str(sqlite_db.url)!r}, home=__import__('pathlib').Path({str(sqlite_db.home)!r}))\n"
        "db.check_schema()\n"
        "assert db.upgrade() is None\n"  # already current: nothing to migrate
        "db.dispose()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
