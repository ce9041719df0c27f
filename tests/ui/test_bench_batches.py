"""A day at the bench in batches, on the demo lab: the approve dialog shows the report and its
nonconforming items, several reports are signed with one password, the notices of the chosen samples
are listed before they are written, and one item is entered for many samples in a grid."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import demo, documents, reports, samples, testing, users
from app.services.context import Context
from tests.ui.helpers import settle

KETTLE = "HBFX-2026-DQ-01"
SHOTS = os.environ.get("RISKMON_SCREENSHOTS")  # a folder: the tests also save their screenshots there


def _ctx(db, name: str) -> Context:
    return Context(db, users.authenticate(db, name, demo.DEMO_PASSWORD))


def _shot(widget, name: str, *, full: bool = True) -> None:
    """``full``: at 1280×800; otherwise at the size the widget took (a dialog sized to its content)."""
    if SHOTS:
        import time

        if full:
            widget.resize(1280, 800)
        end = time.monotonic() + 1.5  # the PDF view renders its pages in the background
        while time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.05)
        widget.grab().save(str(Path(SHOTS) / name))


def _compile(ctx, number: str) -> reports.ReportInfo:
    sid = documents.sample_id_by_number(ctx, number)
    return reports.compile_report(ctx, sid, samples.get_sample(ctx, sid).version)


def _page(qtbot, ctx):
    from app.ui.pages.reports import ReportsPage

    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    p.refresh()
    settle(qtbot)
    p.task_box.setCurrentIndex(p.task_box.findText(KETTLE, Qt.MatchFlag.MatchStartsWith))
    settle(qtbot)
    return p


def _select(page, *numbers: str) -> None:
    page.samples.clearSelection()
    for number in numbers:
        for r in range(page.samples.rowCount()):
            if page.samples.item(r, 0).text() == number:
                page.samples.selectionModel().select(
                    page.samples.model().index(r, 0),
                    page.samples.selectionModel().SelectionFlag.Select | page.samples.selectionModel().SelectionFlag.Rows)


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = users._verify

    def verify(stored, password):
        calls.append(password)
        return real(stored, password)

    monkeypatch.setattr(users, "_verify", verify)
    return calls


def test_the_approve_dialog_shows_the_report_and_its_nonconforming_items(qtbot, demo_ctx):
    db = demo_ctx.db
    tech, rev = _ctx(db, "wangjian"), _ctx(db, "chenjing")
    r = _compile(tech, f"{KETTLE}-0001")  # found problems
    reports.review_report(rev, r.id, r.version, demo.DEMO_PASSWORD)
    page = _page(qtbot, _ctx(db, "zhaomin"))
    _select(page, f"{KETTLE}-0001")
    assert page.approve_button.isEnabled() and not page.review_button.isEnabled()
    dialog = page.sign_reports("approve")
    settle(qtbot)
    assert dialog.viewer.page_count() >= 1 and r.number in dialog.viewer.title.text()
    assert dialog.nonconforming.rowCount() >= 1
    items = [dialog.nonconforming.item(i, 0).text() for i in range(dialog.nonconforming.rowCount())]
    failed = [x.item for x in testing.results_grid(tech, r.sample_id).rows if x.judgement == "fail"]
    assert items == sorted(failed, key=items.index) and set(items) == set(failed)
    assert "不符合项目" in dialog.nonconforming_label.text()
    assert not dialog.changes_box.isVisible()  # not an amendment
    _shot(dialog, "approve-dialog.png")

    dialog.password.setText("wrong")
    dialog._ok()
    assert dialog.isVisible() and "密码错误" in dialog.error.text()
    dialog.password.setText(demo.DEMO_PASSWORD)
    dialog._ok()
    settle(qtbot)
    assert reports.get_report(tech, r.id).status == "approved"
    assert r.number in page.status.text()


def test_several_reports_are_reviewed_with_the_password_asked_once(qtbot, demo_ctx, counted):
    db = demo_ctx.db
    tech = _ctx(db, "wangjian")
    a, b = _compile(tech, f"{KETTLE}-0001"), _compile(tech, f"{KETTLE}-0002")
    own = _compile(demo_ctx, f"{KETTLE}-0003")  # the administrator is technician and reviewer
    page = _page(qtbot, demo_ctx)
    _select(page, f"{KETTLE}-0001", f"{KETTLE}-0002", f"{KETTLE}-0003")
    assert page.review_button.isEnabled()
    assert "不能审核自己编制的报告" in page.review_button.toolTip()
    dialog = page.sign_reports("review")
    settle(qtbot)
    assert dialog.list.rowCount() == 3 and dialog.ok_button.text() == "签署 2 份报告"
    assert "不能审核自己编制的报告" in dialog.list.item(2, 3).text()
    dialog.list.selectRow(1)
    settle(qtbot)
    assert dialog.viewer.page_count() >= 1 and b.number in dialog.viewer.title.text()
    _shot(dialog, "multi-sign.png")

    counted.clear()
    dialog.password.setText(demo.DEMO_PASSWORD)
    dialog._ok()
    settle(qtbot)
    assert len(counted) == 2  # the dialog's check and the service's, however many reports
    assert [reports.get_report(tech, x.id).status for x in (a, b, own)] == ["reviewed", "reviewed", "compiled"]
    assert [o.signed for o in page.sign_outcomes] == [True, True, False]
    assert own.number in page.status.text() and "不能审核自己编制的报告" in page.status.text()
    assert page.outcome_box.isVisible()
    page.outcome_box.close()


def test_the_notice_confirmation_lists_the_files_before_writing(qtbot, demo_ctx, tmp_path: Path, monkeypatch):
    db = demo_ctx.db
    tech, rev, sig = _ctx(db, "wangjian"), _ctx(db, "chenjing"), _ctx(db, "zhaomin")
    r = _compile(tech, f"{KETTLE}-0001")
    r = reports.review_report(rev, r.id, r.version, demo.DEMO_PASSWORD)
    reports.approve_report(sig, r.id, r.version, demo.DEMO_PASSWORD)
    page = _page(qtbot, tech)
    _select(page, f"{KETTLE}-0001")
    folder = tmp_path / "letters"
    monkeypatch.setattr(page, "ask_folder", lambda caption: str(folder))
    page.generate_notices()
    settle(qtbot)
    dialog = page.notice_dialog
    assert dialog.isVisible()
    files = [[dialog.files.item(i, c).text() for c in range(5)] for i in range(dialog.files.rowCount())]
    assert files and {f[0] for f in files} == {f"{KETTLE}-0001"}  # the chosen sample only
    assert all(f[3].endswith(".pdf") and f[1] in f[3] for f in files)
    assert str(folder) in dialog.summary.text() and not folder.exists()  # nothing written yet
    assert dialog.samples.count() == 2  # the other approved problem sample can be ticked too
    dialog.accept()
    settle(qtbot)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f[3] for f in files)


def test_the_bulk_grid_moves_down_on_enter_and_marks_a_bad_value(qtbot, demo_ctx, monkeypatch):
    from PySide6.QtCore import QRect

    from app.ui.dialogs import bulk_entry
    from app.ui.dialogs.bulk_entry import VALUE, BulkEntryDialog

    monkeypatch.setattr(bulk_entry, "screen_room", lambda _w: QRect(0, 0, 1280, 800))  # the screenshots' screen

    tech = _ctx(demo_ctx.db, "wangjian")
    task_id = documents.task_id_by_number(tech, KETTLE)
    # a second sample under test: start testing the received one
    sid = documents.sample_id_by_number(tech, f"{KETTLE}-0006")
    testing.start_testing(tech, sid, samples.get_sample(tech, sid).version)
    dialog = BulkEntryDialog(tech, task_id=task_id)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)
    item = next(i for i in testing.bulk_items(tech, task_id)
                if len(testing.bulk_rows(tech, task_id, i)) >= 2 and testing.bulk_rows(tech, task_id, i)[0].numeric)
    dialog.item_box.setCurrentText(item)
    settle(qtbot)
    rows = testing.bulk_rows(tech, task_id, item)
    assert dialog.table.rowCount() == len(rows) >= 2

    dialog.table.setCurrentCell(0, VALUE)
    dialog.table.editItem(dialog.table.item(0, VALUE))
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "abc")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert dialog.table.currentRow() == 1 and dialog.table.currentColumn() == VALUE  # Enter moved down
    editor = QApplication.focusWidget()
    good = rows[1].requirement.get("value", rows[1].requirement.get("high", 1))
    qtbot.keyClicks(editor, str(good))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert dialog.table.item(0, VALUE).text() == "abc"
    assert dialog.problem(0) == "不是数值" and dialog.table.item(0, VALUE).background().color().name() == "#f8d0d0"
    assert dialog.table.item(1, 5).text() in ("符合", "不符合")  # judged as typed, by the service's rule
    _shot(dialog, "bulk-entry.png", full=False)

    dialog.save()
    settle(qtbot)
    assert "不是数值" in dialog.message.text() or rows[0].sample_number in dialog.message.text()
    assert [r.value_text for r in testing.bulk_rows(tech, task_id, item)] == [r.value_text for r in rows]  # nothing

    dialog.table.setCurrentCell(0, VALUE)
    dialog.skip_current()
    assert dialog.problem(0) == ""
    dialog.save()
    settle(qtbot)
    after = testing.bulk_rows(tech, task_id, item)
    assert after[1].value_text == str(good) and after[0].value_text == rows[0].value_text
    assert after[1].judgement == testing.auto_judgement(rows[1].requirement, str(good), rows[1].required_unit)
