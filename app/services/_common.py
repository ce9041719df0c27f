"""Small helpers shared by the services."""

from __future__ import annotations

from app.errors import ConflictError, NotFoundError


def check_version(obj, version: int | None, what: str = "该记录") -> None:
    """Optimistic concurrency across the GUI's read → edit → save.

    The GUI holds no session, so it hands back the ``version`` it showed; if the row changed
    since, the user must reload instead of overwriting someone else's work.
    """
    if obj is None:
        raise NotFoundError(f"{what}已被删除。")
    if version is not None and obj.version != version:
        raise ConflictError(f"{what}已被其他用户修改（版本 {version} → {obj.version}），请刷新后重新操作。")


def get_or_404(session, model, ident, what: str):
    obj = session.get(model, ident)
    if obj is None:
        raise NotFoundError(f"{what}不存在或已被删除。")
    return obj
