"""The bench's work list on 检验与判定, the 待我处理 inbox, the counts in the navigation bar, and a
scanned label typed into a page's search box — against the demo lab."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import reports, samples, testing, worklist
from app.services.worklist import WorkQuery
from tests.ui.helpers import as_user, settle
from tests.ui.test_testing import make_page

pytestmark = pytest.mark.usefixtures("no_windows_left_over")


@pytest.fixture(autouse=True)
def _no_saved_filter():
    """The work list starts from no saved filter (another test may have left one in QSettings)."""
    from app.ui.application import settings
    from app.ui.pages.worklist import SETTINGS

    settings().remove(SETTINGS)


def shown(page) -> list[worklist.WorkRow]:
    return page.worklist.rows()


def test_the_page_opens_on_the_work_list_and_filters_it(qtbot, lab_db):  # noqa: F811
    tech = as_user(lab_db, "wangjian")
    page = make_page(qtbot, tech)
    page.refresh()  # as the window does when the page is shown
    settle(qtbot)
    assert page.views.currentWidget() is page.worklist and page.work is None
    view = page.worklist
    assert view.who.currentData() is True  # a technician starts on their own samples
    mine = worklist.list_work(tech, WorkQuery(mine=True))
    assert [r.id for r in shown(page)] == [r.id for r in mine] and mine
    assert {r.status for r in mine} <= set(worklist.WORK_STATUSES)
    assert "样品" in view.count_label.text() and str(len(mine)) in view.count_label.text()
    # the demo's waiting samples of both technicians
    view.who.setCurrentIndex(view.who.findData(False))
    settle(qtbot)
    everything = worklist.list_work(tech, WorkQuery())
    assert [r.id for r in shown(page)] == [r.id for r in everything] and len(everything) > len(mine)
    statuses = {r.status for r in everything}
    assert {"received", "testing", "completed"} <= statuses
    # completed first, by deadline, the overdue one on top and red
    assert everything[0].state == "overdue"
    deadline_col = view.model.column_of("deadline")
    brush = view.model.data(view.model.index(0, deadline_col), Qt.ItemDataRole.BackgroundRole)
    assert brush.color().name() == "#f8d0d0"
    assert view.model.headerData(0, Qt.Orientation.Horizontal) == "样品编号"
    # status and deadline colour filters
    view.status.setCurrentIndex(view.status.findData("testing"))
    settle(qtbot)
    assert shown(page) and {r.status for r in shown(page)} == {"testing"}
    view.status.setCurrentIndex(0)
    view.deadline.setCurrentIndex(view.deadline.findData("overdue"))
    settle(qtbot)
    assert shown(page) and {r.state for r in shown(page)} == {"overdue"}
    view.deadline.setCurrentIndex(view.deadline.findData("none"))
    settle(qtbot)
    assert {r.status for r in shown(page)} <= {"received", "testing"}
    # double-click opens the sample in the detail view; Esc goes back to the list
    target = shown(page)[0]
    rect = view.table.visualRect(view.model.index(0, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot)
    assert page.views.currentWidget() is page.detail and page.work.sample_id == target.id
    assert page.picker.text() == target.number
    page.list_button.click()
    settle(qtbot)
    assert page.views.currentWidget() is page.worklist
    page.refresh()  # shown again: the list, not the sample
    settle(qtbot)
    assert page.views.currentWidget() is page.worklist


def test_the_inbox_shows_a_reviewer_the_compiled_report_and_opens_it(qtbot, lab_db):  # noqa: F811
    from app.ui.main_window import MainWindow

    tech = as_user(lab_db, "wangjian")
    sid = next(c.id for c in testing.find_samples(tech, "", statuses=("completed",)))
    report = reports.compile_report(tech, sid, samples.get_sample(tech, sid).version)
    window = MainWindow(as_user(lab_db, "chenjing"))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    settle(qtbot)
    # the navigation bar counts what waits (off the GUI thread)
    before = window.counts.inbox
    inbox = window.show_page("inbox")
    settle(qtbot)
    assert before == inbox.box.total == inbox.table.rowCount() and inbox.box.counts["review"] == 1
    assert window.nav.item(window._keys.index("inbox")).text() == f"待我处理  ({before})"
    assert inbox.table.item(0, 0).text() == "待审核报告" and report.number in inbox.table.item(0, 1).text()
    assert "待审核报告 1" in inbox.summary.text()
    assert {inbox.table.item(r, 0).text() for r in range(1, before)} <= {"待送达告知书"}  # the demo's notices
    inbox.open_row(0)
    settle(qtbot)
    testing_page = window.page("testing")
    assert window.stack.currentWidget() is testing_page
    assert testing_page.work.sample_id == sid and testing_page.review_button.isEnabled()
    # the technician who compiled it is not asked to review it; the count follows a change
    tech_window = MainWindow(tech)
    qtbot.addWidget(tech_window)
    settle(qtbot)
    tech_inbox = tech_window.page("inbox")
    tech_inbox.refresh()
    settle(qtbot)
    assert not [i for i in tech_inbox.items if i.kind == "review"]
    reports.review_report(as_user(lab_db, "chenjing"), report.id, report.version, "demo1234")
    from app.ui.ops import bus

    bus.changed.emit({"report"})
    qtbot.waitUntil(lambda: window.counts.inbox == before - 1, timeout=5000)
    settle(qtbot)
    assert window.nav.item(window._keys.index("inbox")).text() == f"待我处理  ({before - 1})"


def test_a_scanned_label_opens_its_sample_and_an_unknown_code_says_so(qtbot, lab_db):  # noqa: F811
    from app.ui.main_window import MainWindow

    tech = as_user(lab_db, "wangjian")
    target = testing.find_samples(tech, "", statuses=("received",))[0]
    window = MainWindow(tech)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    page = window.show_page("samples")
    settle(qtbot)
    qtbot.keyClicks(page.filter, target.number)  # a keyboard-wedge reader types the label, then Enter
    qtbot.keyClick(page.filter, Qt.Key.Key_Return)
    settle(qtbot)
    testing_page = window.page("testing")
    assert window.stack.currentWidget() is testing_page and testing_page.work.sample_id == target.id
    assert page.filter.text() == ""  # the samples list is not left filtered on one number
    # an unknown code, in the testing page's own box this time
    missing = target.number[:-4] + "9999"
    testing_page.picker.setText(missing)
    qtbot.keyClick(testing_page.picker, Qt.Key.Key_Return)
    settle(qtbot)
    assert window.scan_message.text() == f"未找到样品编号 {missing}"
    assert testing_page.work.sample_id == target.id  # nothing else changed
    # ordinary words in a search box still filter as before
    page = window.show_page("samples")
    page.filter.setText("电热")
    qtbot.keyClick(page.filter, Qt.Key.Key_Return)
    settle(qtbot)
    assert window.stack.currentWidget() is page and page.filter.text() == "电热"


def test_the_navigation_counts_are_read_off_the_gui_thread(qtbot, lab_db, monkeypatch):  # noqa: F811
    """The counts beside 检验与判定 and 待我处理 are queried on a worker, at start and after a change."""
    import threading

    from app.ui.main_window import MainWindow
    from app.ui.ops import bus

    threads = []
    real = worklist.counts

    def counts(ctx):
        threads.append(threading.current_thread())
        return real(ctx)

    monkeypatch.setattr(worklist, "counts", counts)
    window = MainWindow(as_user(lab_db, "chenjing"))
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    assert threads and threading.main_thread() not in threads
    assert window.counts is not None and window.counts.inbox >= 1
    before = len(threads)
    bus.changed.emit({"report"})
    qtbot.waitUntil(lambda: len(threads) > before, timeout=10000)
    settle(qtbot)
    assert threading.main_thread() not in threads
