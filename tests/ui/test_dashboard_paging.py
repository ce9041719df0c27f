"""工作台: the deadline list at any size — counts from SQL, rows a page at a time."""

from __future__ import annotations


def test_the_dashboard_deadline_list_pages_lazily(qtbot, demo_ctx, monkeypatch):
    """The board brings the counts and the first page; the rest of the deadline list comes a page at
    a time, in the board's order, without repeating a row."""
    from app.services import dashboard as dashboard_service
    from app.ui.pages.dashboard import DashboardPage

    full = dashboard_service.load_board(demo_ctx, limit=10_000)
    assert full.open_count >= 2 and full.open_count == len(full.rows)
    monkeypatch.setattr(dashboard_service, "PAGE", 1)
    assert len(dashboard_service.load_board(demo_ctx).rows) == 1
    page = DashboardPage(demo_ctx)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.board is not None and page.table.rowCount() == full.open_count, timeout=10000)
    assert page.cards["open"].text() == str(full.open_count)
    shown = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    assert shown == [r.sample_number for r in full.rows]


def test_a_shown_list_that_is_full_asks_for_the_next_page_only_when_scrolled(qtbot, demo_ctx, monkeypatch):
    """A shown deadline list whose first page fills its view asks for no second page until the
    last rows come into view (at start-up the view is not laid out yet when the rows arrive)."""
    from app.services import dashboard as dashboard_service
    from app.ui.pages.dashboard import DashboardPage
    from tests.ui.helpers import settle

    full = dashboard_service.load_board(demo_ctx, limit=10_000)
    assert full.open_count >= 4
    monkeypatch.setattr(dashboard_service, "PAGE", 2)
    asked = []
    real = dashboard_service.deadline_page
    monkeypatch.setattr(dashboard_service, "deadline_page", lambda *a, **k: asked.append(a[1]) or real(*a, **k))
    page = DashboardPage(demo_ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.table.verticalHeader().setMinimumSectionSize(1)
    page.table.verticalHeader().setDefaultSectionSize(500)  # two rows more than fill the view
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.board is not None, timeout=10000)
    settle(qtbot)
    assert page.table.rowCount() == 2 and asked == []
    bar = page.table.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())  # the end comes into view: the next page is asked for
    qtbot.waitUntil(lambda: page.table.rowCount() == 4, timeout=10000)
    assert asked[0] == 2
    settle(qtbot)
