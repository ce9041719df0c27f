"""Column widths are remembered (QSettings) on every list page: a column a person widens keeps its
width when the page is built again, e.g. the next time the program starts."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView

from tests.ui.helpers import settle


def _samples(ctx):
    from app.ui.pages.samples import SamplesPage

    p = SamplesPage(ctx)
    return p, p.table


def _worklist(ctx):
    from app.ui.pages.worklist import WorkListView

    p = WorkListView(ctx)
    return p, p.table


def _inbox(ctx):
    from app.ui.pages.worklist import InboxPage

    p = InboxPage(ctx)
    return p, p.table


def _results(ctx):
    from app.ui.pages.testing import TestingPage

    p = TestingPage(ctx)
    return p, p.table


def _tasks(ctx):
    from app.ui.pages.tasks import TasksPage

    p = TasksPage(ctx)
    return p, p.table


def _catalog(ctx):
    from app.ui.pages.tasks import CatalogPanel

    p = CatalogPanel(ctx)
    return p, p.table


def _reports(ctx):
    from app.ui.pages.reports import ReportsPage

    p = ReportsPage(ctx)
    return p, p.samples


def _notices(ctx):
    from app.ui.pages.reports import ReportsPage

    p = ReportsPage(ctx)
    return p, p.notice_table


def _sync(ctx):
    from app.ui.pages.sync import SyncPage

    p = SyncPage(ctx)
    p.runner.stop(wait=10)
    return p, p.table


def _risk(ctx):
    from app.ui.pages.risk import RiskPage

    p = RiskPage(ctx)
    return p, p.table


def _panels(ctx):
    from app.ui.pages.panels import PanelsPage

    p = PanelsPage(ctx)
    return p, p.table


def _audit(ctx):
    from app.ui.pages.settings_audit import AuditTab

    p = AuditTab(ctx)
    return p, p.table


def _dashboard(ctx):
    from app.ui.pages.dashboard import DashboardPage

    p = DashboardPage(ctx)
    p.refresh()
    return p, p.table


def _dashboard_tasks(ctx):
    from app.ui.pages.dashboard import DashboardPage

    p = DashboardPage(ctx)
    p.refresh()
    return p, p.tasks


PAGES = {"samples": _samples, "worklist": _worklist, "inbox": _inbox, "results": _results, "tasks": _tasks,
         "catalog": _catalog, "reports": _reports, "notices": _notices, "sync": _sync, "risk": _risk,
         "panels": _panels, "audit": _audit, "dashboard": _dashboard, "dashboard_tasks": _dashboard_tasks}


def _delete(page) -> None:
    """The page closed and deleted now (as the main window lets go of a page it rebuilds)."""
    page.close()
    page.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _built(qtbot, build, ctx, *, owned_by_test: bool = False):
    page, table = build(ctx)
    if not owned_by_test:  # a page the test deletes itself is not left to the teardown to close
        qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    settle(qtbot)
    assert isinstance(table, QAbstractItemView)
    return page, table


@pytest.mark.parametrize("name", list(PAGES))
def test_a_widened_column_keeps_its_width_when_the_page_is_built_again(qtbot, demo_ctx, name):
    page, table = _built(qtbot, PAGES[name], demo_ctx, owned_by_test=True)
    header = table.horizontalHeader()
    column = next(c for c in range(header.count())
                  if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Interactive and not header.isSectionHidden(c)
                  and c != header.count() - 1)
    wanted = header.sectionSize(column) + 37
    header.resizeSection(column, wanted)
    assert header.sectionSize(column) == wanted
    settle(qtbot)  # what the resize asked for (a page of rows) has come back
    _delete(page)
    del page, table, header
    gc.collect()

    again, table = _built(qtbot, PAGES[name], demo_ctx)
    assert table.horizontalHeader().sectionSize(column) == wanted
    again.close()
    settle(qtbot)


def test_each_person_at_a_workstation_keeps_their_own_widths(qtbot, demo_ctx):
    from app.ui import application

    application.set_signed_in("wangjian")
    page, table = _built(qtbot, _samples, demo_ctx)
    header = table.horizontalHeader()
    before = header.sectionSize(1)
    header.resizeSection(1, before + 53)
    page.close()

    application.set_signed_in("liuyang")  # a colleague signs in at the same workstation
    other, table = _built(qtbot, _samples, demo_ctx)
    assert table.horizontalHeader().sectionSize(1) == before
    other.close()

    application.set_signed_in("wangjian")
    again, table = _built(qtbot, _samples, demo_ctx)
    assert table.horizontalHeader().sectionSize(1) == before + 53
    again.close()
    settle(qtbot)


def test_the_dashboard_fits_its_short_columns_once_then_keeps_the_persons_widths(qtbot, demo_ctx):
    """工作台: the first time, the short columns take the width of what they show and the product the
    rest; a column the signed-in person narrows stays so when the board is built and filled again."""
    from app.ui import application

    application.set_signed_in("zhaomin")
    page, table = _built(qtbot, _dashboard, demo_ctx, owned_by_test=True)
    header = table.horizontalHeader()
    assert table.rowCount() >= 2
    assert header.sectionResizeMode(2) == QHeaderView.ResizeMode.Stretch
    assert header.sectionSize(0) >= table.sizeHintForColumn(0) > 0  # the sample numbers whole
    header.resizeSection(0, 60)
    settle(qtbot)
    _delete(page)
    del page, table, header
    gc.collect()

    again, table = _built(qtbot, _dashboard, demo_ctx)
    header = table.horizontalHeader()
    assert table.rowCount() >= 2 and header.sectionSize(0) == 60  # not fitted to the contents again
    assert header.sectionResizeMode(2) == QHeaderView.ResizeMode.Stretch
    again.close()
    settle(qtbot)


def test_column_widths_are_written_together_once_the_header_is_quiet(qtbot):
    """A table sizing its columns emits a resize per column: the settings file is written once for
    them, when the header is quiet (or the program closes), and a table built meanwhile already
    gets the new widths."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from app.ui import widgets
    from app.ui.application import settings

    def table() -> QTableView:
        view = QTableView()
        view.setModel(QStandardItemModel(2, 4, view))
        qtbot.addWidget(view)
        return view

    first = table()
    assert widgets.remember_columns(first.horizontalHeader(), "quiet/test") is False
    writes = []
    widgets._column_state_changed, original = (
        lambda key, state: (writes.append(key), original(key, state))[1], widgets._column_state_changed)
    try:
        for c in range(4):
            first.setColumnWidth(c, 50 + 10 * c)
    finally:
        widgets._column_state_changed = original
    assert len(writes) == 4  # four changes…
    assert settings().value("columns/quiet/test") is None  # …none written yet
    second = table()
    assert widgets.remember_columns(second.horizontalHeader(), "quiet/test") is True
    assert [second.columnWidth(c) for c in range(4)] == [50, 60, 70, 80]
    qtbot.waitUntil(lambda: settings().value("columns/quiet/test") is not None, timeout=3000)  # then once
    assert not widgets._pending_columns
