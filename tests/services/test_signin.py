"""Sign-in with Core statements: what it writes (the sign-in time, a stronger hash, the cleared
count) is audited exactly as a session's flush records it."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.services import signin, users
from app.store.audit import to_json_value
from app.store.models import AuditLog, LoginThrottle, User
from app.store.uow import UnitOfWork
from tests.services.conftest import PASSWORD, audit_ok


def _entries_since(db, seq: int) -> list[tuple[str, str, str, dict | None, dict | None]]:
    with UnitOfWork(db, actor="test") as uow:
        return [(e.actor, e.action, e.table_name, e.before, e.after)
                for e in uow.session.scalars(select(AuditLog).where(AuditLog.seq > seq).order_by(AuditLog.seq))]


def _head(db) -> int:
    with UnitOfWork(db, actor="test") as uow:
        return uow.session.scalar(select(AuditLog.seq).order_by(AuditLog.seq.desc()).limit(1)) or 0


def test_a_sign_in_after_failed_passwords_records_the_time_and_clears_the_count(any_lab):
    lab = any_lab
    for _ in range(2):
        with pytest.raises(signin.AuthenticationError):
            signin.authenticate(lab.db, "tech", "wrong password")
    with UnitOfWork(lab.db, actor="test") as uow:
        before = uow.session.scalar(select(User).where(User.username == "tech"))
        throttle = uow.session.scalar(select(LoginThrottle).where(LoginThrottle.username == "tech"))
        old_time, old_version = before.last_login_at, before.version
        counted = {c.name: to_json_value(getattr(throttle, c.key)) for c in LoginThrottle.__table__.columns}
    assert counted["failures"] == 2
    head = _head(lab.db)
    user = signin.authenticate(lab.db, "tech", PASSWORD)
    assert user.username == "tech" and "technician" in user.roles
    with UnitOfWork(lab.db, actor="test") as uow:
        after = uow.session.get(User, user.id)
        assert uow.session.scalar(select(LoginThrottle).where(LoginThrottle.username == "tech")) is None
        assert after.version == old_version + 1 and after.last_login_at is not None
        entries = _entries_since(lab.db, head)
        assert entries == [
            ("tech", "update", "users", {"last_login_at": to_json_value(old_time)},
             {"last_login_at": to_json_value(after.last_login_at), "version": old_version + 1,
              "updated_at": to_json_value(after.updated_at)}),
            ("tech", "delete", "login_throttle", counted, None),
        ]
    assert audit_ok(lab.db)  # every row is what the log says


def test_a_hash_made_with_weaker_parameters_is_made_again_at_sign_in_and_audited_redacted(lab):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with UnitOfWork(lab.db, actor="test") as uow:
        uow.session.scalar(select(User).where(User.username == "rev")).password_hash = weak
        uow.commit()
    assert signin._hasher.check_needs_rehash(weak)
    head = _head(lab.db)
    signin.authenticate(lab.db, "rev", PASSWORD)
    [(actor, action, table, before, after)] = _entries_since(lab.db, head)
    assert (actor, action, table) == ("rev", "update", "users")
    assert set(before) == {"last_login_at", "password_hash"} and before["password_hash"].startswith("sha256:")
    assert after["password_hash"].startswith("sha256:") and after["password_hash"] != before["password_hash"]
    with UnitOfWork(lab.db, actor="test") as uow:
        stored = uow.session.scalar(select(User.password_hash).where(User.username == "rev"))
    assert stored != weak and not signin._hasher.check_needs_rehash(stored)
    assert users.authenticate(lab.db, "rev", PASSWORD).username == "rev"  # the same sign-in, through users


def test_a_sign_in_is_refused_for_a_disabled_account_and_writes_nothing(lab):
    with UnitOfWork(lab.db, actor="test") as uow:
        uow.session.scalar(select(User).where(User.username == "tech2")).active = False
        uow.commit()
    head = _head(lab.db)
    with pytest.raises(signin.AuthenticationError, match="已停用"):
        signin.authenticate(lab.db, "tech2", PASSWORD)
    assert _entries_since(lab.db, head) == []
