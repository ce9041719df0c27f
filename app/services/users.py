"""Users and roles (sign-in itself and its throttle: ``app.services.signin``).

Roles: technician 检验员, reviewer 审核人, signatory 授权签字人 (approves and signs reports),
administrator 管理员 (lab details, users, calendar, settings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import (
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from app.services._common import check_version
from app.services.context import ROLE_LABELS, ROLES, Context, CurrentUser
from app.services.signin import (  # noqa: F401 - sign-in and its throttle, re-exported for the callers of this module
    THROTTLE_FIRST_DELAY_S,
    THROTTLE_FREE_FAILURES,
    THROTTLE_MAX_DELAY_S,
    AuthenticationError,
    LoginLocked,
    _failure_text,
    _hasher,
    _record_failure,
    _refuse_if_locked,
    _throttle_key,
    _throttle_row,
    _verify,
    authenticate,
    has_users,
    throttle_delay,
    wait_text,
)
from app.store.models import LoginThrottle, User
from app.store.types import utcnow
from app.store.uow import UnitOfWork

MIN_PASSWORD_LENGTH = 8
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,32}$")


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    version: int
    last_login_at: datetime | None


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def _info(u: User) -> UserInfo:
    return UserInfo(
        id=u.id,
        username=u.username,
        display_name=u.display_name,
        roles=tuple(u.roles or ()),
        active=bool(u.active),
        version=u.version,
        last_login_at=u.last_login_at,
    )


def _current(u: User) -> CurrentUser:
    return CurrentUser(id=u.id, username=u.username, display_name=u.display_name, roles=frozenset(u.roles or ()))


def validate_new_user(username: str, display_name: str, roles, password: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not USERNAME_RE.match(username or ""):
        errors["username"] = "用户名须为 2～32 位字母、数字、下划线、点或连字符。"
    if not (display_name or "").strip():
        errors["display_name"] = "请填写姓名。"
    roles = list(roles or [])
    if not roles:
        errors["roles"] = "请至少选择一个角色。"
    elif bad := [r for r in roles if r not in ROLES]:
        errors["roles"] = f"未知的角色：{'、'.join(bad)}。"
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"密码至少 {MIN_PASSWORD_LENGTH} 位。"
    return errors


def _create(uow: UnitOfWork, username: str, display_name: str, roles, password: str) -> User:
    errors = validate_new_user(username, display_name, roles, password)
    if "username" not in errors and uow.session.scalar(
        select(func.count()).select_from(User).where(User.username == username)
    ):
        errors = {"username": f"用户名 {username} 已存在。", **errors}
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        display_name=display_name.strip(),
        roles=sorted(set(roles), key=ROLES.index),
        password_hash=_hasher.hash(password),
        active=True,
    )
    uow.session.add(user)
    uow.session.flush()
    return user


def create_user_unchecked(db, *, actor: str, username: str, display_name: str, roles, password: str) -> UserInfo:
    """Without anyone's authority: for the demo lab and tests only (the command line uses
    :func:`create_first_user` or an administrator's :func:`create_user`)."""
    with UnitOfWork(db, actor=actor) as uow:
        user = _create(uow, username, display_name, roles, password)
        info = _info(user)
        uow.commit()
    return info


def create_first_user(db, *, actor: str, username: str, display_name: str, roles, password: str) -> UserInfo:
    """``riskmon user add`` on a database without any user (bootstrap): the first account must be an
    administrator, who then adds everyone else. Refused once any user exists."""
    with UnitOfWork(db, actor=actor) as uow:
        if uow.session.scalar(select(func.count()).select_from(User)):
            raise PermissionDenied("数据库中已有用户：添加用户或修改角色须由管理员授权（--admin 管理员用户名）。")
        if "administrator" not in set(roles or ()):
            raise ValidationError({"roles": "数据库中还没有用户：第一个用户须有管理员角色（--role administrator），"
                                            "以便由其添加其他用户。"})
        info = _info(_create(uow, username, display_name, roles, password))
        uow.commit()
    return info


def create_first_administrator(db, *, username: str, display_name: str, password: str) -> CurrentUser:
    """First start of a new lab: only while no user exists."""
    with UnitOfWork(db, actor=username) as uow:
        if uow.session.scalar(select(func.count()).select_from(User)):
            raise ValidationError("已经存在用户，请用管理员账号登录后再添加用户。")
        user = _create(uow, username, display_name, ["administrator", "technician", "reviewer", "signatory"], password)
        current = _current(user)
        uow.commit()
    return current


def list_users_unchecked(db) -> list[UserInfo]:
    with UnitOfWork(db, actor="system") as uow:
        return [_info(u) for u in uow.session.scalars(select(User).order_by(User.username))]


# ----------------------------------------------------------------- who acts, read in the transaction
def _actor_row(session: Session, ctx: Context, *, refused: str) -> User:
    """The acting user's row, locked until the transaction ends (``SELECT … FOR UPDATE`` on
    PostgreSQL: a demotion or deactivation waits for the signature, or the signature sees it)."""
    if ctx.user.id is None:
        raise PermissionDenied(f"未以本人账号登录（系统身份），{refused}")
    user = session.scalar(select(User).where(User.id == ctx.user.id).with_for_update())
    if user is None:
        raise AuthenticationError(f"当前账号已不存在，{refused}")
    if not user.active:
        raise AuthenticationError(f"该账号已停用，{refused}请联系管理员。")
    return user


def acting_admin(session: Session, ctx: Context, action: str) -> User:
    """The signed-in administrator as the database has them now, inside the caller's unit of work:
    refused when the account was deactivated or lost the administrator role since sign-in."""
    user = _actor_row(session, ctx, refused=f"不能{action}。")
    if not user.has_role("administrator"):
        raise PermissionDenied(f"您的账号已不再具有管理员角色，不能{action}。")
    return user


def signer_in(session: Session, ctx: Context, role: str, password: str) -> User:
    """The one check before a signature (审核/批准) is written, inside the signing unit of work.

    Reads the signer's row there (locked on PostgreSQL) and requires: a real account (not the
    command line's system identity), still active, holding ``role`` in the database (not merely
    in the :class:`Context`), not locked by failed passwords, and ``password`` matching the stored
    hash. Call it before writing anything: on a wrong password the caller's session is rolled back
    and the failure is counted in its own unit of work, like a failed sign-in."""
    user = signer_still_in(session, ctx, role)
    if not _verify(user.password_hash, password):
        username = user.username
        session.rollback()  # nothing of the signature, and no lock, outlives the refusal
        delay = _record_failure(ctx.db, _throttle_key(username), actor=ctx.user.username)
        raise AuthenticationError(_failure_text("密码错误，未签署。", delay))
    return user


def signer_still_in(session: Session, ctx: Context, role: str) -> User:
    """:func:`signer_in` without the password, for the second and later signatures of one batch
    whose password :func:`signer_in` checked once (审核/批准 of several reports): inside each
    signing unit of work the account is read again — real, active, holding ``role``, not locked."""
    user = _actor_row(session, ctx, refused="未签署。")
    if not user.has_role(role):
        raise PermissionDenied(f"您的账号已不再具有{ROLE_LABELS.get(role, role)}角色，未签署。")
    _refuse_if_locked(session, _throttle_key(user.username))
    return user


def confirm_password(ctx: Context, password: str, role: str | None = None) -> None:
    """Password re-entry before signing (审核/批准), e.g. as the signing dialog's check: raises if it is
    wrong (counted like a failed sign-in), the account is locked or disabled, or lacks ``role``.
    The signing service checks all of it again in its own transaction (:func:`signer_in`)."""
    with ctx.uow() as uow:
        user = _actor_row(uow.session, ctx, refused="未签署。")
        if role is not None and not user.has_role(role):
            raise PermissionDenied(f"您的账号已不再具有{ROLE_LABELS.get(role, role)}角色，未签署。")
        key = _throttle_key(user.username)
        _refuse_if_locked(uow.session, key)
        stored = user.password_hash
    if not _verify(stored, password):
        raise AuthenticationError(_failure_text("密码错误，未签署。", _record_failure(ctx.db, key, actor=ctx.user.username)))


@dataclass(frozen=True)
class LoginLockInfo:
    username: str
    failures: int  # failed passwords in a row
    last_failure_at: datetime | None
    locked_until: datetime | None  # None, or in the past: the next failure locks it again

    @property
    def locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > utcnow()


def list_login_locks(ctx: Context) -> list[LoginLockInfo]:
    """User names (existing or not) locked now, or locked before and not yet cleared by a success."""
    ctx.require("administrator", action="查看登录锁定")
    with ctx.uow() as uow:
        acting_admin(uow.session, ctx, "查看登录锁定")
        rows = uow.session.scalars(
            select(LoginThrottle).where(LoginThrottle.failures >= THROTTLE_FREE_FAILURES)
            .order_by(LoginThrottle.username)
        )
        return [LoginLockInfo(r.username, r.failures, r.last_failure_at, r.locked_until) for r in rows]


def unlock_login(ctx: Context, username: str) -> bool:
    """解除登录锁定: the administrator clears a user name's failed passwords; False when none were counted."""
    ctx.require("administrator", action="解除登录锁定")
    with ctx.uow() as uow:
        acting_admin(uow.session, ctx, "解除登录锁定")
        row = _throttle_row(uow.session, _throttle_key(username), lock=True)
        if row is None:
            return False
        uow.session.delete(row)
        uow.commit()
    return True


# ----------------------------------------------------------------- administration (设置 → 用户)
# Each change re-reads the administrator inside its own transaction (:func:`acting_admin`): a role
# or an account taken away since sign-in stops it, whatever the Context still says.
def list_users(ctx: Context) -> list[UserInfo]:
    ctx.require("administrator", action="管理用户")
    with ctx.uow() as uow:
        acting_admin(uow.session, ctx, "管理用户")
        return [_info(u) for u in uow.session.scalars(select(User).order_by(User.username))]


def create_user(ctx: Context, *, username: str, display_name: str, roles, password: str) -> UserInfo:
    ctx.require("administrator", action="添加用户")
    with ctx.uow() as uow:
        acting_admin(uow.session, ctx, "添加用户")
        info = _info(_create(uow, username, display_name, roles, password))
        uow.commit()
    return info


def update_user(ctx: Context, user_id: int, *, version: int, display_name: str, roles, active: bool) -> UserInfo:
    ctx.require("administrator", action="修改用户")
    with ctx.uow() as uow:
        acting_admin(uow.session, ctx, "修改用户")
        # locked before the audit chain is: a signature holding this row finishes first, no deadlock
        user = uow.session.get(User, user_id, with_for_update=True)
        if user is None:
            raise NotFoundError("该用户不存在。")
        errors = validate_new_user(user.username, display_name, roles, None)
        if errors:
            raise ValidationError(errors)
        if user.id == ctx.user.id and ("administrator" not in roles or not active):
            raise ValidationError("不能取消自己的管理员角色或停用自己的账号。")
        check_version(user, version, "该用户")
        user.display_name = display_name.strip()
        user.roles = sorted(set(roles), key=ROLES.index)
        user.active = active
        uow.session.flush()
        info = _info(user)
        uow.commit()
    return info


def set_password(ctx: Context, user_id: int, new_password: str) -> None:
    if user_id != ctx.user.id:
        ctx.require("administrator", action="重置他人的密码")
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError({"password": f"密码至少 {MIN_PASSWORD_LENGTH} 位。"})
    with ctx.uow() as uow:
        if user_id != ctx.user.id:
            acting_admin(uow.session, ctx, "重置他人的密码")
        else:
            _actor_row(uow.session, ctx, refused="不能修改密码。")
        user = uow.session.get(User, user_id, with_for_update=True)
        if user is None:
            raise NotFoundError("该用户不存在。")
        user.password_hash = _hasher.hash(new_password)
        uow.commit()


# ----------------------------------------------------------------- one's own account (设置 → 我的账号)
def get_me(ctx: Context) -> UserInfo:
    with ctx.uow() as uow:
        user = uow.session.get(User, ctx.user.id) if ctx.user.id is not None else None
        if user is None:
            raise NotFoundError("当前用户不存在。")
        return _info(user)


def change_own_password(ctx: Context, current: str, new_password: str) -> None:
    """Any user: the current password, then the new one (at least 8 characters)."""
    if ctx.user.id is None:
        raise NotFoundError("当前用户不存在。")
    errors: dict[str, str] = {}
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        errors["new_password"] = f"新密码至少 {MIN_PASSWORD_LENGTH} 位。"
    elif new_password == current:
        errors["new_password"] = "新密码不能与当前密码相同。"
    with ctx.uow() as uow:
        user = uow.session.get(User, ctx.user.id)
        if user is None or not user.active:
            raise NotFoundError("当前用户不存在或已停用。")
        key = _throttle_key(user.username)
        _refuse_if_locked(uow.session, key)  # the current password is guessed no faster than at sign-in
        if _verify(user.password_hash, current):
            if errors:
                raise ValidationError(errors)
            user.password_hash = _hasher.hash(new_password)
            uow.commit()
            return
    delay = _record_failure(ctx.db, key, actor=ctx.user.username)
    raise ValidationError({"current_password": _failure_text("当前密码不正确。", delay), **errors})
