"""Who is acting, on which database: what every service call receives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.errors import PermissionDenied, ValidationError
from app.services._common import clean_pending_text, refused_control_character

ROLES = ("technician", "reviewer", "signatory", "administrator")
ROLE_LABELS = {
    "technician": "检验员",  # lab technician
    "reviewer": "审核人",  # 审核
    "signatory": "授权签字人",  # 批准
    "administrator": "管理员",
}


@dataclass(frozen=True)
class CurrentUser:
    id: int | None
    username: str
    display_name: str
    roles: frozenset[str] = field(default_factory=frozenset)

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def label(self) -> str:
        return f"{self.display_name}（{self.username}）" if self.display_name != self.username else self.username


SYSTEM = CurrentUser(id=None, username="system", display_name="系统", roles=frozenset(ROLES))


class Context:
    """The database and the signed-in user; ``uow()`` opens one unit of work as that user."""

    def __init__(self, db, user: CurrentUser) -> None:
        self.db = db
        self.user = user

    def uow(self):
        return _service_unit_of_work()(self.db, actor=self.user.username)

    def reader(self):
        """A transaction on a plain connection for a call that reads with Core statements only
        (the work list, the counts, the dashboard): no session, so the ORM is not loaded for it
        (:class:`app.store.uow.CoreUnit`; ``.conn`` answers ``execute``/``scalar`` as a session)."""
        # deferred: SQLAlchemy loads with the first call, so importing Context stays light
        from app.store.uow import CoreUnit

        return CoreUnit(self.db, actor=self.user.username)

    def require(self, *roles: str, action: str = "执行此操作") -> None:
        """At least one of ``roles`` is needed for ``action`` (administrators are not implied)."""
        if not any(self.user.has(r) for r in roles):
            names = "或".join(ROLE_LABELS.get(r, r) for r in roles)
            raise PermissionDenied(f"只有{names}才能{action}。")

_SERVICE_UOW: type | None = None


def _service_unit_of_work() -> type:
    """The unit of work of a service call: before each flush, every text value set in it is
    cleaned of NUL and other control characters (``_common.clean_pending_text``), so that no form
    or import can store what PostgreSQL refuses or the document writers choke on."""
    global _SERVICE_UOW
    if _SERVICE_UOW is None:
        # deferred: SQLAlchemy and the unit of work load with the first call, so importing Context stays light
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        from app.store.uow import UnitOfWork

        def clean_service_text(session, flush_context, instances) -> None:  # type: ignore[no-untyped-def]
            if session.info.get("service_call"):
                clean_pending_text(session, flush_context, instances)

        # listened to once for every session (not once per call: a listener added to each
        # session cost a read-only call as much as one of its queries)
        event.listen(Session, "before_flush", clean_service_text)

        class ServiceUnitOfWork(UnitOfWork):
            def __enter__(self) -> UnitOfWork:
                uow = super().__enter__()
                self.session.info["service_call"] = True
                return uow

            def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
                super().__exit__(exc_type, exc, tb)
                if exc is not None and refused_control_character(exc):
                    # a lookup with text no form cleaned (PostgreSQL refuses NUL even to compare)
                    raise ValidationError("输入的内容含有不可见的控制字符（如 NUL），请删除后重试。") from exc

        _SERVICE_UOW = ServiceUnitOfWork
    return _SERVICE_UOW


def role_names(roles: Iterable[str]) -> str:
    return "、".join(ROLE_LABELS.get(r, r) for r in roles)
