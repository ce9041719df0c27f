"""Shared test fixtures.

Database fixtures
-----------------
* ``sqlite_db``: a fresh, upgraded SQLite :class:`~app.store.db.Database` in ``tmp_path``
  (copied from a template migrated once per test run, so it is quick).
* ``pg_db``: the same on PostgreSQL, in a schema of its own created and migrated once per test
  run; every table is emptied (and its ids restarted) before each test. Skipped, saying why, when
  ``RISKMON_TEST_PG_URL`` is not set (``scripts/test-postgres.sh`` prints the URL).
* ``db``: parametrised over both (``["sqlite", "postgresql"]``), for tests that must hold on
  both backends.
* ``pg_empty_url``: the URL of a new, empty PostgreSQL schema (for migration tests).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Cheap argon2 parameters for the many sign-ins of the suite (production uses RFC 9106 defaults).
os.environ.setdefault("RISKMON_FAST_PASSWORD_HASH", "1")

PG_URL_ENV = "RISKMON_TEST_PG_URL"
PG_SKIP_REASON = (
    f"{PG_URL_ENV} is not set: PostgreSQL tests skipped (start a server with scripts/test-postgres.sh "
    "and export the URL it prints)"
)


def pg_schema_url(base_url: str, schema: str) -> str:
    """``base_url`` with every connection's search_path set to ``schema``."""
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def _pg_admin(base_url: str, sql: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(base_url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_stale_schemas(base_url: str) -> None:
    """Drop test schemas left behind by test runs that were killed (their process is gone)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(base_url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.begin() as conn:
            names = conn.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rmt\\_%'")
            ).scalars()
            for name in list(names):
                pid = name.split("_")[-2]
                if pid.isdigit() and not _pid_alive(int(pid)):
                    conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    url = os.environ.get(PG_URL_ENV)
    if not url:
        pytest.skip(PG_SKIP_REASON)
    _drop_stale_schemas(url)
    return url


@pytest.fixture
def pg_empty_url(pg_base_url: str) -> Iterator[str]:
    schema = f"rmt_e_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    _pg_admin(pg_base_url, f'CREATE SCHEMA "{schema}"')
    try:
        yield pg_schema_url(pg_base_url, schema)
    finally:
        _pg_admin(pg_base_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session")
def _pg_template_url(pg_base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from app.store.db import bootstrap

    schema = f"rmt_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    _pg_admin(pg_base_url, f'CREATE SCHEMA "{schema}"')
    url = pg_schema_url(pg_base_url, schema)
    try:
        database = bootstrap(url, home=tmp_path_factory.mktemp("pg-home"))
        database.upgrade()
        database.dispose()
        yield url
    finally:
        _pg_admin(pg_base_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _pg_reset_sql(metadata) -> str:
    """Empty every table and restart its id sequence (much faster than TRUNCATE on tiny tables)."""
    stmts = [f'DELETE FROM "{t.name}"' for t in reversed(metadata.sorted_tables)]
    for t in metadata.sorted_tables:
        if "id" in t.c and t.c.id.primary_key:
            stmts.append(f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), 1, false)")
    return "; ".join(stmts)


@pytest.fixture
def pg_db(_pg_template_url: str, tmp_path: Path) -> Iterator[object]:
    from app.store.db import bootstrap
    from app.store.models import Base

    database = bootstrap(_pg_template_url, home=tmp_path)
    with database.engine.begin() as conn:
        conn.exec_driver_sql(_pg_reset_sql(Base.metadata))
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.store.db import DB_FILENAME, bootstrap

    home = tmp_path_factory.mktemp("sqlite-template")
    database = bootstrap(None, home=home)
    database.upgrade()
    database.dispose()  # the last connection closes: WAL is checkpointed into the file
    return home / DB_FILENAME


@pytest.fixture
def sqlite_db(_sqlite_template: Path, tmp_path: Path) -> Iterator[object]:
    from app.store.db import DB_FILENAME, bootstrap

    shutil.copyfile(_sqlite_template, tmp_path / DB_FILENAME)
    database = bootstrap(None, home=tmp_path)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> object:
    """A fresh, upgraded database on each backend in turn."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def lab_clock(monkeypatch: pytest.MonkeyPatch):
    """The program's clock frozen at a moment given on the lab's wall clock (Asia/Shanghai), on a
    machine whose own zone is UTC: ``lab_clock(dt.datetime(2026, 6, 15, 0, 30))`` returns the
    frozen UTC moment. Only ``app.clock`` is frozen, so anything that still read the machine's
    clock would see another day and show up."""
    import datetime as dt
    import time

    from app import clock
    from app.timezones import zone

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(clock, "_lab_zone_name", "Asia/Shanghai")

    def freeze(wall: dt.datetime) -> dt.datetime:
        moment = wall.replace(tzinfo=zone("Asia/Shanghai")).astimezone(dt.UTC)
        monkeypatch.setattr(clock, "_source", lambda: moment)
        return moment

    yield freeze
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def memory_keyring() -> Iterator[object]:
    """keyring's process-wide backend replaced by an in-memory one for the test: the machine's own
    keyring is never touched."""
    import keyring

    from tests.sync.helpers import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def sandbox_options() -> dict:
    """Options of :func:`app.sync.sandbox.start_sandbox` for the ``sandbox`` fixture; a test module
    overrides this fixture to give its own (seed, hang_seconds, …)."""
    return {}


@pytest.fixture
def sandbox(tmp_path: Path, sandbox_options: dict) -> Iterator[object]:
    """The provincial-system sandbox on 127.0.0.1 (any free port), state in ``tmp_path``."""
    from app.sync.sandbox import start_sandbox

    running = start_sandbox(port=0, state_path=tmp_path / "sandbox.sqlite3", **sandbox_options)
    try:
        yield running
    finally:
        running.stop()
