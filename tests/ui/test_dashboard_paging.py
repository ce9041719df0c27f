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
