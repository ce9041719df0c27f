"""批量录入 without empty space: the columns fill the grid's width (the short ones as wide as what they
show, the reason — the text typed at length — taking the rest) and the dialog is as large as its grid,
within the screen."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QHeaderView

from app.services import demo, documents, samples, testing, users
from app.services.context import Context
from tests.ui.helpers import settle

KETTLE = "HBFX-2026-DQ-01"
SHOTS = os.environ.get("RISKMON_SCREENSHOTS")


def _dialog(qtbot, demo_ctx, monkeypatch, width: int, height: int):
    from app.ui.dialogs import bulk_entry

    monkeypatch.setattr(bulk_entry, "screen_room", lambda _widget: QRect(0, 0, width, height))
    tech = Context(demo_ctx.db, users.authenticate(demo_ctx.db, "wangjian", demo.DEMO_PASSWORD))
    task_id = documents.task_id_by_number(tech, KETTLE)
    sid = documents.sample_id_by_number(tech, f"{KETTLE}-0006")
    testing.start_testing(tech, sid, samples.get_sample(tech, sid).version)
    dialog = bulk_entry.BulkEntryDialog(tech, task_id=task_id)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 2, timeout=10000)
    qtbot.waitUntil(lambda: dialog.table.horizontalHeader().length() <= dialog.table.viewport().width()
                    or width < 1000, timeout=5000)
    return dialog


def test_the_bulk_grid_fills_its_width_and_the_dialog_its_content(qtbot, demo_ctx, monkeypatch):
    from app.ui.dialogs.bulk_entry import FIT, REASON, REASON_WIDTH, SAMPLE

    dialog = _dialog(qtbot, demo_ctx, monkeypatch, 1280, 800)
    table, header = dialog.table, dialog.table.horizontalHeader()

    # the last section, the reason, stretches; the short columns fit what they show
    assert header.stretchLastSection() and header.logicalIndex(header.count() - 1) == REASON
    for column in FIT:
        assert header.sectionResizeMode(column) == QHeaderView.ResizeMode.ResizeToContents
        assert header.sectionSize(column) >= table.sizeHintForColumn(column)
    assert table.item(0, SAMPLE).text() == table.item(0, SAMPLE).toolTip()
    assert header.length() == table.viewport().width()  # no blank strip right of the last column
    assert header.sectionSize(REASON) >= REASON_WIDTH - 2
    assert table.horizontalScrollBar().maximum() == 0

    # the dialog as large as its grid: every row shown, no blank space under the last one
    assert dialog.width() <= 1280 and dialog.height() <= 800
    assert dialog.width() < 1180 and dialog.height() < 600  # smaller than the fixed size it had
    assert table.verticalScrollBar().maximum() == 0
    blank = table.viewport().height() - table.verticalHeader().length()
    assert 0 <= blank <= table.rowHeight(0)
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "bulk-entry-fit.png"))

    # an item of more samples (the rows as the service would send them): the dialog grows to show them
    rows, height = list(dialog.rows), dialog.height()
    more = [replace(rows[n % len(rows)], result_id=-n, sample_number=f"{KETTLE}-{n + 100:04d}") for n in range(8)]
    dialog._show_rows(more)
    qtbot.waitUntil(lambda: dialog.height() > height and table.verticalScrollBar().maximum() == 0, timeout=5000)
    assert header.length() == table.viewport().width() and dialog.height() <= 800
    assert table.viewport().height() - table.verticalHeader().length() <= table.rowHeight(0)
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "bulk-entry-more.png"))

    # widening the window gives the spare width to the reason, not to a blank strip
    before = header.sectionSize(REASON)
    dialog.resize(dialog.width() + 200, dialog.height())
    qtbot.waitUntil(lambda: header.sectionSize(REASON) >= before + 150, timeout=5000)
    assert header.length() == table.viewport().width()
    dialog.reject()


@pytest.mark.parametrize("size", [(800, 600), (1024, 300)])
def test_the_bulk_dialog_stays_within_a_small_screen(qtbot, demo_ctx, monkeypatch, size):
    """Where the grid is larger than the screen, the dialog takes the screen and the grid scrolls."""
    dialog = _dialog(qtbot, demo_ctx, monkeypatch, *size)
    frame = dialog.frameGeometry().size() - dialog.size()
    assert dialog.width() + frame.width() <= size[0] and dialog.height() + frame.height() <= size[1]
    assert dialog.width() >= min(dialog.minimumSizeHint().width(), size[0] - frame.width())
    dialog.reject()
