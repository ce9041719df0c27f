"""Users, roles and sign-in (argon2 password hashes).

Roles: technician 检验员, reviewer 审核人, signatory 授权签字人 (approves and signs reports),
administrator 管理员 (lab details, users, calendar, settings).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from app.errors import NotFoundError, RiskmonError, ValidationError
from app.services._common import check_version
from app.services.context import ROLE_LABELS, ROLES, Context, CurrentUser
from app.store.models import User
from app.store.uow import UnitOfWork

MIN_PASSWORD_LENGTH = 8
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,32}$")


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
    if errors:
        raise ValidationError(errors)
    exists = uow.session.scalar(select(func.count()).select_from(User).where(User.username == username))
    if exists:
        raise ValidationError({"username": f"用户名 {username} 已存在。"})
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


def has_users(db) -> bool:
    with UnitOfWork(db, actor="system") as uow:
        return bool(uow.session.scalar(select(func.count()).select_from(User)))


def create_user_unchecked(db, *, actor: str, username: str, display_name: str, roles, password: str) -> UserInfo:
    """For the command line run by whoever administers the machine, and for first start."""
    with UnitOfWork(db, actor=actor) as uow:
        user = _create(uow, username, display_name, roles, password)
        info = _info(user)
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


def authenticate(db, username: str, password: str) -> CurrentUser:
    with UnitOfWork(db, actor=username or "anonymous") as uow:
        user = uow.session.scalar(select(User).where(User.username == (username or "").strip()))
        if user is None or not _verify(user.password_hash, password):
            raise AuthenticationError("用户名或密码错误。")
        if not user.active:
            raise AuthenticationError("该账号已停用，请联系管理员。")
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = datetime.now(UTC)
        current = _current(user)
        uow.commit()
    return current


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def confirm_password(ctx: Context, password: str) -> None:
    """Password re-entry before signing (审核/批准): raises if it is wrong."""
    with ctx.uow() as uow:
        user = uow.session.get(User, ctx.user.id)
        if user is None or not user.active or not _verify(user.password_hash, password):
            raise AuthenticationError("密码错误，未签署。")


# ----------------------------------------------------------------- administration (设置 → 用户)
def list_users(ctx: Context) -> list[UserInfo]:
    ctx.require("administrator", action="管理用户")
    return list_users_unchecked(ctx.db)


def create_user(ctx: Context, *, username: str, display_name: str, roles, password: str) -> UserInfo:
    ctx.require("administrator", action="添加用户")
    with ctx.uow() as uow:
        info = _info(_create(uow, username, display_name, roles, password))
        uow.commit()
    return info


def update_user(ctx: Context, user_id: int, *, version: int, display_name: str, roles, active: bool) -> UserInfo:
    ctx.require("administrator", action="修改用户")
    with ctx.uow() as uow:
        user = uow.session.get(User, user_id)
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
        user = uow.session.get(User, user_id)
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
        if not _verify(user.password_hash, current):
            errors = {"current_password": "当前密码不正确。", **errors}
        if errors:
            raise ValidationError(errors)
        user.password_hash = _hasher.hash(new_password)
        uow.commit()
