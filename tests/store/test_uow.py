"""Unit of work: commit/rollback, error translation, optimistic concurrency, counters."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select, text

from app.errors import ConflictError, DatabaseError, ValidationError
from app.store.db import Database
from app.store.models import SETTING_DEFAULTS, MonitoringTask, Sample, Setting
from app.store.queries import all_settings, get_setting, next_sequence, set_setting
from app.store.uow import UnitOfWork, translate_error


def _task(number: str = "T-1") -> MonitoringTask:
    return MonitoringTask(number=number, title="电器产品风险监测")


def _sample(task: MonitoringTask, number: str = "T-1-0001") -> Sample:
    return Sample(task=task, number=number, place_type="producer", product_name="电热水壶")


def _numbers(db: Database) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(MonitoringTask.number).order_by(MonitoringTask.number)))


def test_commit_persists_and_no_commit_rolls_back(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(_task("T-1"))
        uow.commit()
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(_task("T-2"))
        uow.flush()  # written inside the transaction, never committed
    with pytest.raises(KeyError), UnitOfWork(db, "alice") as uow:
        uow.session.add(_task("T-3"))
        uow.flush()
        raise KeyError("boom")  # an error in the use case: rolled back, error passes through
    assert _numbers(db) == ["T-1"]


def test_session_outside_block_is_an_error(db: Database) -> None:
    uow = UnitOfWork(db, "alice")
    with pytest.raises(RuntimeError):
        _ = uow.session


def test_duplicate_unique_field_is_a_validation_error(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        task = _task()
        uow.session.add(_sample(task))
        uow.commit()
    with UnitOfWork(db, "bob") as uow:
        uow.session.add(_task("T-1"))
        with pytest.raises(ValidationError, match="任务编号已存在") as info:
            uow.commit()
    assert info.value.field == "number"
    with UnitOfWork(db, "bob") as uow:
        task = uow.session.scalar(select(MonitoringTask))
        uow.session.add(_sample(task, "T-1-0001"))
        with pytest.raises(ValidationError, match="样品编号已存在"):
            uow.commit()


def test_error_raised_by_autoflush_inside_block_is_translated(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(_task("T-1"))
        uow.commit()
    with pytest.raises(ValidationError, match="任务编号已存在"), UnitOfWork(db, "bob") as uow:
        uow.session.add(_task("T-1"))
        uow.session.scalars(select(MonitoringTask)).all()  # autoflush hits the unique key


def test_foreign_key_check_and_not_null(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(Sample(task_id=999, number="X", place_type="producer", product_name="p"))
        with pytest.raises(ValidationError, match="引用的记录不存在"):
            uow.commit()
    with UnitOfWork(db, "alice") as uow:
        s = _sample(_task())
        s.status = "lost"
        uow.session.add(s)
        with pytest.raises(ValidationError, match="取值不在允许范围内.*status"):
            uow.commit()
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(MonitoringTask(number="T-9"))
        with pytest.raises(ValidationError, match="必填项缺少：title") as info:
            uow.commit()
        assert info.value.field == "title"


def test_concurrent_edit_second_commit_conflicts(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(_sample(_task()))
        uow.commit()
    with UnitOfWork(db, "alice") as first, UnitOfWork(db, "bob") as second:
        a = first.session.scalar(select(Sample))
        b = second.session.scalar(select(Sample))
        assert a.version == b.version == 1
        a.brand = "甲牌"
        b.brand = "乙牌"
        b.sampling_date = date(2026, 3, 1)
        first.commit()
        with pytest.raises(ConflictError, match="已被其他用户修改"):
            second.commit()
    with db.session() as s:
        sample = s.scalar(select(Sample))
        assert (sample.brand, sample.sampling_date, sample.version) == ("甲牌", None, 2)


def test_concurrent_delete_and_edit_conflicts(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        uow.session.add(_task())
        uow.commit()
    with UnitOfWork(db, "alice") as first, UnitOfWork(db, "bob") as second:
        a = first.session.scalar(select(MonitoringTask))
        b = second.session.scalar(select(MonitoringTask))
        first.session.delete(a)
        first.commit()
        b.title = "改名"
        with pytest.raises(ConflictError):
            second.commit()
    assert _numbers(db) == []


@pytest.mark.postgres
def test_postgresql_lost_connection_is_a_database_error(pg_db: Database) -> None:
    with pytest.raises(DatabaseError, match="数据库连接失败"), UnitOfWork(pg_db, "alice") as uow:
        pid = uow.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with pg_db.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        uow.session.execute(text("SELECT 1"))


def test_translate_locked_and_unknown_errors() -> None:
    import sqlite3

    locked = sa_exc.OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
    assert isinstance(translate_error(locked), DatabaseError)
    assert "数据库正忙" in translate_error(locked).message  # type: ignore[union-attr]
    assert translate_error(sa_exc.ProgrammingError("x", {}, Exception("syntax error"))) is None
    assert translate_error(ValueError("not ours")) is None


# ---- settings and counters ----------------------------------------------------------------------


def test_settings_defaults_and_overrides(db: Database) -> None:
    with UnitOfWork(db, "admin") as uow:
        assert get_setting(uow.session, "deadline_working_days") == 5
        set_setting(uow.session, "sample_number_pattern", "HB-{task}-{seq:05d}")
        with pytest.raises(ValidationError, match="未知的设置项"):
            set_setting(uow.session, "no_such_key", 1)
        uow.commit()
    with UnitOfWork(db, "admin") as uow:
        values = all_settings(uow.session)
        assert values["sample_number_pattern"] == "HB-{task}-{seq:05d}"
        assert set(values) == set(SETTING_DEFAULTS)
        assert len(uow.session.scalars(select(Setting)).all()) == 1  # only the override stored


def test_next_sequence_per_scope(db: Database) -> None:
    drawn = []
    for scope in ["T-1", "T-1", "T-2", "T-1"]:
        with UnitOfWork(db, "alice") as uow:
            drawn.append(next_sequence(uow.session, scope))
            uow.commit()
    assert drawn == [1, 2, 1, 3]
    with UnitOfWork(db, "alice") as uow:
        assert next_sequence(uow.session, "T-1") == 4
        # not committed: the number is not used up
    with UnitOfWork(db, "alice") as uow:
        assert next_sequence(uow.session, "T-1") == 4


def test_next_sequence_is_unique_under_concurrency(db: Database) -> None:
    with UnitOfWork(db, "alice") as uow:
        next_sequence(uow.session, "T-1")  # the counter exists: workers only advance it
        uow.commit()
    drawn: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        try:
            for _ in range(5):
                with UnitOfWork(db, name) as uow:
                    value = next_sequence(uow.session, "T-1")
                    uow.commit()
                with lock:
                    drawn.append(value)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"user{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(drawn) == list(range(2, 22))
