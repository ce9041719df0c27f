"""A small lab for service tests: one user per role, and helpers to build a task ready to sample."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from app import clock
from app.services import catalog, tasks, users
from app.services import lab as lab_service
from app.services.context import Context, CurrentUser
from app.store.uow import UnitOfWork

PASSWORD = "correct horse"
TODAY = clock.today()

STANDARDS = [
    catalog.StandardInput(
        code="GB 90010-2020", title="安全（测试）", effective=dt.date(2021, 1, 1),
        items=(
            catalog.StandardItemInput("泄漏电流", "13.2", {"op": "<=", "value": 0.25, "unit": "mA"}, "GB 90010-2020", "13.2"),
            catalog.StandardItemInput("温升", "11.8", {"op": "<=", "value": 65, "unit": "K"}, "GB 90010-2020", "11.8"),
        ),
    ),
    catalog.StandardInput(
        code="GB/T 90001-2015", title="性能（测试）", effective=dt.date(2016, 1, 1), abolished=dt.date(2024, 7, 1),
        items=(catalog.StandardItemInput("额定功率", "5.2", {"op": "range", "low": -15, "high": 10, "unit": "%"},
                                         "GB/T 90001-2015", "6.2"),),
    ),
    catalog.StandardInput(
        code="GB/T 90001-2023", title="性能（测试）", effective=dt.date(2024, 7, 1),
        items=(
            catalog.StandardItemInput("额定功率", "5.3", {"op": "range", "low": -10, "high": 5, "unit": "%"},
                                      "GB/T 90001-2023", "6.3"),
            catalog.StandardItemInput("外观", "5.1", {"op": "text", "text": "表面应平整"}, "GB/T 90001-2023", "6.1"),
        ),
    ),
]


def make_lab(db) -> SimpleNamespace:
    def ctx(username: str, roles: list[str]) -> Context:
        info = users.create_user_unchecked(db, actor="test", username=username, display_name=username.upper(),
                                           roles=roles, password=PASSWORD)
        return Context(db, CurrentUser(info.id, info.username, info.display_name, frozenset(info.roles)))

    ns = SimpleNamespace(
        db=db,
        tech=ctx("tech", ["technician"]),
        tech2=ctx("tech2", ["technician"]),
        rev=ctx("rev", ["reviewer"]),
        sig=ctx("sig", ["signatory"]),
        admin=ctx("boss", ["administrator"]),
    )
    # an approval builds the task's upload package, which names the lab: the lab is set up
    lab_service.save_lab(ns.admin, name="测试检验中心", cma_number="241712050001", address="", phone="", version=None)
    return ns


@pytest.fixture
def lab(sqlite_db) -> SimpleNamespace:
    return make_lab(sqlite_db)


@pytest.fixture
def any_lab(db) -> SimpleNamespace:
    """The same lab on SQLite and on PostgreSQL."""
    return make_lab(db)


def ready_task(lab) -> tuple[int, int]:
    """A task with a confirmed scheme and the test catalog: (task id, scheme id)."""
    catalog.import_standards(lab.tech, STANDARDS)
    task = tasks.create_task(lab.tech, tasks.TaskInput(number="T-01", title="电热水壶风险监测", plan_year=TODAY.year,
                                                        batches_planned=10))
    scheme = tasks.create_scheme(
        lab.tech, task.id,
        tasks.SchemeInput(
            product="电热水壶",
            items=(tasks.SchemeItemInput("泄漏电流", unit="mA"), tasks.SchemeItemInput("额定功率", important=True),
                   tasks.SchemeItemInput("外观", important=True), tasks.SchemeItemInput("噪声")),
            standards=(tasks.SchemeStandardInput("GB 90010-2020", "mandatory"),
                       tasks.SchemeStandardInput("GB/T 90001-2023", "similar")),
        ),
    )
    scheme = tasks.submit_scheme(lab.tech, scheme.id, scheme.version)
    scheme = tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=True, password=PASSWORD)
    scheme = confirm(lab, scheme)
    return task.id, scheme.id


#: the first bytes of a PDF: enough for the confirmation file's sniffing
PDF = b"%PDF-1.4\n% test\n"


def lab_day(db) -> dt.date:
    """Today in the lab's time zone (the services' "today")."""
    from app.store.queries import lab_today

    with UnitOfWork(db, actor="test") as uow:
        return lab_today(uow.session)


def confirmed_scheme(lab, task_id: int, product: str = "电热水壶", items: tuple[str, ...] = ("外观",)) -> int:
    """A scheme for ``product`` drafted, reviewed and confirmed, so the task can be sampled: its id."""
    scheme = tasks.create_scheme(lab.tech, task_id, tasks.SchemeInput(
        product=product, items=tuple(tasks.SchemeItemInput(i) for i in items)))
    scheme = tasks.submit_scheme(lab.tech, scheme.id, scheme.version)
    scheme = tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=True, password=PASSWORD)
    return confirm(lab, scheme).id


def confirm(lab, scheme, number: str = "鄂市监质函〔2026〕1号"):
    """The issuing authority's confirmation of a reviewed scheme, recorded by the technician."""
    return tasks.confirm_scheme(lab.tech, scheme.id, scheme.version, tasks.ConfirmationInput(
        document_number=number, document_date=lab_day(lab.db), content=PDF, filename="确认函.pdf"))


def audit_ok(db) -> bool:
    """The chain holds and every business row is what the log says (nothing written around it)."""
    from app.store.audit import verify_chain, verify_rows

    with UnitOfWork(db, actor="test") as uow:
        rows = verify_rows(uow.session)
        assert not rows, [m.message() for m in rows]
        return verify_chain(uow.session).ok
