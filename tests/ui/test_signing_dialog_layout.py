"""The signing dialog at 1280×800: why a report is left unsigned is read whole in the 签署 column (the
text wraps and its row grows to it, the full text also in the tooltip), every listed report is seen
without scrolling, and the dialog fits the screen."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from app.services import demo, documents, reports, samples, users
from app.services.context import Context
from tests.ui.helpers import settle

KETTLE = "HBFX-2026-DQ-01"
SHOTS = os.environ.get("RISKMON_SCREENSHOTS")
# what a reviewer may be told about a report: the state and the duty, as the service words them
LONG = "报告当前状态为“已批准”，不能审核。不能审核自己编制的报告。请由另一位审核人审核，或先由签字人退回该报告后重新编制。"


def test_a_long_reason_in_the_signing_column_is_shown_whole(qtbot, demo_ctx):
    from app.ui.dialogs.signing import ReportSignDialog, SignItem

    tech = Context(demo_ctx.db, users.authenticate(demo_ctx.db, "wangjian", demo.DEMO_PASSWORD))
    sid = documents.sample_id_by_number(tech, f"{KETTLE}-0001")
    r = reports.compile_report(tech, sid, samples.get_sample(tech, sid).version)
    items = [SignItem(r.id, r.version, r.number, f"{KETTLE}-0001", "电热水壶", True),
             SignItem(r.id, r.version, "2026-BG-0098", f"{KETTLE}-0002", "电热水壶", False, "不能审核自己编制的报告。"),
             SignItem(r.id, r.version, "2026-BG-0099", f"{KETTLE}-0003", "不锈钢电热水壶", False, LONG),
             SignItem(r.id, r.version, "2026-BG-0100", f"{KETTLE}-0005", "电热水壶", True)]
    dialog = ReportSignDialog(demo_ctx, "review", items)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 800)
    dialog.show()
    settle(qtbot)
    qtbot.waitUntil(lambda: dialog.viewer.page_count() >= 1, timeout=10000)

    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 800  # fits a 1280×800 screen
    assert dialog.width() <= 1280 and dialog.height() <= 800

    table = dialog.list
    assert table.textElideMode() == Qt.TextElideMode.ElideNone and table.wordWrap()
    long_row = 2
    cell = table.item(long_row, 3)
    assert cell.text() == LONG and cell.toolTip() == LONG  # the full reason, also on hovering
    line = table.fontMetrics().lineSpacing()
    assert table.sizeHintForRow(long_row) > 2 * line  # at this width the reason takes several lines …
    assert table.rowHeight(long_row) >= table.sizeHintForRow(long_row)  # … and its row is as high as they are
    assert table.rowHeight(0) < table.rowHeight(long_row)  # a one-line row stays one line high
    # every report listed without scrolling, the signing column taking a fair share of the width
    assert table.verticalScrollBar().maximum() == 0
    assert table.viewport().height() >= table.verticalHeader().length()
    assert table.columnWidth(3) >= table.viewport().width() // 4
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "sign-long-reason.png"))
    dialog.reject()
