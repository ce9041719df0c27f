"""Sign-in (登录): argon2 password hashes, and the throttle on failed passwords (登录失败锁定).

A successful sign-in reads and writes with Core statements on a plain connection, its changes
audited as a session's flush would record them, so that the program starts without loading the
ORM; counting a failure goes through a unit of work. ``app.services.users`` (accounts, roles,
signatures' password checks) uses the same hasher and throttle.
"""

from __future__ import annotations

import math
import os
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, select, update

from app.errors import ConflictError, DatabaseError, RiskmonError
from app.services.context import CurrentUser
from app.store import audit
from app.store.tables import login_throttle as _THROTTLE
from app.store.tables import users as _USERS
from app.store.types import utcnow
from app.store.uow import CoreUnit, UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.store.models import LoginThrottle


def _make_hasher() -> PasswordHasher:
    """argon2id with the library's RFC 9106 defaults; the test suite (and only it) may ask for the
    cheapest parameters through ``RISKMON_FAST_PASSWORD_HASH=1`` to keep hundreds of sign-ins fast."""
    if os.environ.get("RISKMON_FAST_PASSWORD_HASH") == "1":
        from argon2.profiles import CHEAPEST

        return PasswordHasher.from_parameters(CHEAPEST)
    return PasswordHasher()


_hasher = _make_hasher()


class AuthenticationError(RiskmonError):
    """Wrong user name or password, or the account is disabled."""


class LoginLocked(AuthenticationError):
    """Too many failed passwords in a row for this user name: refused until ``retry_after`` seconds pass."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


#: Failed passwords in a row for one user name before it is locked (登录失败锁定).
THROTTLE_FREE_FAILURES = 5
#: The lock after the 5th failure; each further failure doubles it, up to the maximum.
THROTTLE_FIRST_DELAY_S = 5
THROTTLE_MAX_DELAY_S = 15 * 60


def has_users(db) -> bool:
    with CoreUnit(db, actor="system") as unit:
        return bool(unit.conn.scalar(select(func.count()).select_from(_USERS)))


# ----------------------------------------------------------------- sign-in and its throttle (登录失败锁定)
def throttle_delay(failures: int) -> int | None:
    """Seconds a user name stays locked after its ``failures``-th failed password in a row (None: not
    locked): 5 s after the 5th, then 10 s, 20 s, 40 s … never more than 15 minutes."""
    if failures < THROTTLE_FREE_FAILURES:
        return None
    doublings = min(failures - THROTTLE_FREE_FAILURES, 20)
    return min(THROTTLE_FIRST_DELAY_S * 2**doublings, THROTTLE_MAX_DELAY_S)


def wait_text(seconds: float) -> str:
    """“5 秒” below a minute, else whole minutes rounded up (“3 分钟”)."""
    secs = max(1, math.ceil(seconds))
    return f"{secs} 秒" if secs < 60 else f"{math.ceil(secs / 60)} 分钟"


def _locked_message(seconds: float) -> str:
    return f"登录失败次数过多，请在 {wait_text(seconds)}后重试。"


def _throttle_key(username: str | None) -> str:
    return (username or "").strip()[:64]  # the column's length: a longer name is never a user's


def _throttle_row(session: Session, key: str, *, lock: bool = False) -> LoginThrottle | None:
    # deferred: counting a failure goes through a session (the ORM), which sign-in does not need
    from app.store.models import LoginThrottle

    q = select(LoginThrottle).where(LoginThrottle.username == key)
    return session.scalar(q.with_for_update() if lock else q)


def _refuse_if_locked(session: Session | Connection, key: str) -> None:
    """Raise :class:`LoginLocked` while ``key`` is locked (without looking at any password);
    ``session``: a session, or a connection (sign-in reads with Core statements)."""
    locked_until = session.scalar(select(_THROTTLE.c.locked_until).where(_THROTTLE.c.username == key))
    if locked_until is not None:
        left = (locked_until - utcnow()).total_seconds()
        if left > 0:
            raise LoginLocked(_locked_message(left), math.ceil(left))


def _record_failure(db, key: str, *, actor: str) -> int | None:
    """Count one failed password for ``key`` in a unit of work of its own (committed even though the
    caller goes on to raise); returns the lock it now carries in seconds, if any.

    Two workstations failing at once lose no count: on PostgreSQL the row is locked while it is
    counted; on SQLite the version check turns a lost update into a conflict, and the count is
    simply taken again (as is a second first failure racing on the unique user name)."""
    # deferred: a failure is counted through a session (the ORM), which a successful sign-in does not load
    from app.store.models import LoginThrottle

    attempts = 4
    for attempt in range(attempts):
        try:
            with UnitOfWork(db, actor=actor) as uow:
                row = _throttle_row(uow.session, key, lock=True)
                if row is None:
                    row = LoginThrottle(username=key, failures=0)
                    uow.session.add(row)
                now = utcnow()
                row.failures = (row.failures or 0) + 1
                row.last_failure_at = now
                delay = throttle_delay(row.failures)
                row.locked_until = now + timedelta(seconds=delay) if delay else None
                uow.commit()
                return delay
        except (ConflictError, DatabaseError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    return None  # not reached


def _failure_text(base: str, delay: int | None) -> str:
    return base + (_locked_message(delay) if delay else "")


_NO_USER_HASH: list[str] = []


def _no_user_hash() -> str:
    """A hash to verify against when the name is unknown, so that answering takes as long either way."""
    if not _NO_USER_HASH:
        _NO_USER_HASH.append(_hasher.hash(os.urandom(16).hex()))
    return _NO_USER_HASH[0]


def authenticate(db, username: str, password: str) -> CurrentUser:
    """登录: the user name and password, throttled per user name (existing or not) in the database.

    While the name is locked it is refused at once, the password unchecked. A wrong password is
    counted (audited as ``login:<name>``) before the error is raised; from the 5th in a row the
    name is locked for 5 s, then 10 s, 20 s … 15 min at most. A successful sign-in clears the count.

    Read and written with Core statements on a plain connection, its changes audited as a session's
    flush records them (the sign-in time, a new hash, the cleared count): the program starts
    without loading the ORM."""
    key = _throttle_key(username)
    if not key:
        raise AuthenticationError("用户名或密码错误。")
    actor = f"login:{key}"
    with CoreUnit(db, actor=actor) as unit:
        _refuse_if_locked(unit.conn, key)
        row = unit.conn.execute(select(_USERS.c.id, _USERS.c.password_hash).where(_USERS.c.username == key)).first()
        user_id, stored = (row.id, row.password_hash) if row is not None else (None, None)
    # argon2 runs outside any transaction: no lock is held while it works
    if not _verify(stored or _no_user_hash(), password) or user_id is None:
        raise AuthenticationError(_failure_text("用户名或密码错误。", _record_failure(db, key, actor=actor)))
    with CoreUnit(db, actor=key) as unit:
        conn = unit.conn
        user = conn.execute(select(_USERS).where(_USERS.c.id == user_id).with_for_update()).first()
        if user is None or (user.password_hash != stored and not _verify(user.password_hash, password)):
            raise AuthenticationError("用户名或密码错误。")  # changed or removed meanwhile
        if not user.active:
            raise AuthenticationError("该账号已停用，请联系管理员。")
        stamp = utcnow()
        new: dict[str, Any] = {"last_login_at": stamp}
        if _hasher.check_needs_rehash(user.password_hash):
            new["password_hash"] = _hasher.hash(password)
        changed = {k: v for k, v in new.items() if getattr(user, k) != v}
        done = conn.execute(update(_USERS).where(_USERS.c.id == user.id, _USERS.c.version == user.version)
                            .values(**new, version=user.version + 1, updated_at=stamp))
        if done.rowcount != 1:
            raise ConflictError()
        audit.record_updates(conn, key, [("users", user.id, {k: getattr(user, k) for k in changed},
                                          {**changed, "version": user.version + 1, "updated_at": stamp})])
        throttle = conn.execute(select(_THROTTLE).where(_THROTTLE.c.username == key).with_for_update()).first()
        if throttle is not None:
            conn.execute(delete(_THROTTLE).where(_THROTTLE.c.id == throttle.id))
            audit.record_deletes(conn, key, "login_throttle", [(throttle.id, dict(throttle._mapping))])
        current = CurrentUser(id=user.id, username=user.username, display_name=user.display_name,
                              roles=frozenset(user.roles or ()))
        unit.commit()
    return current


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


