"""The 专家评价 page: every expert panel evaluation with its members and opinions; open the sample."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import testing
from app.ui import ops
from tests.ui.helpers import settle

pytestmark = pytest.mark.usefixtures("no_windows_left_over")


def test_panels_are_listed_filtered_and_open_their_sample(qtbot, demo_ctx):
    from app.ui.main_window import MainWindow

    window = MainWindow(demo_ctx, lab_name="荆楚")
    qtbot.addWidget(window)
    window.show()
    page = window.go("panels")
    page.filter.clear()
    page.refresh()
    settle(qtbot)
    expected = testing.list_panels(demo_ctx)
    assert len(expected) >= 2 and page.table.rowCount() == len(expected)
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert headers[:5] == ["样品编号", "产品", "项目", "专家组成员", "评价结论"]
    first = expected[0]
    assert page.table.item(0, 0).text() == first.sample_number
    assert page.table.item(0, 3).text() == "、".join(m.name for m in first.members)
    assert page.table.item(0, 4).text() == "未发现问题"
    # the members with their opinions, the conclusion
    assert page.members.rowCount() == len(first.members)
    assert page.members.item(0, 3).text() == first.members[0].opinion
    assert page.conclusion.text() == first.conclusion
    assert page.count.text() == f"共 {len(expected)} 项评价"

    target = expected[1]
    qtbot.keyClicks(page.filter, target.sample_number[-4:])
    qtbot.keyClick(page.filter, Qt.Key.Key_Return)
    settle(qtbot)
    assert [page.table.item(r, 0).text() for r in range(page.table.rowCount())] == [target.sample_number]
    page.filter.setText("nobody at all")
    page.refresh()
    settle(qtbot)
    assert page.table.rowCount() == 0 and not page.open_button.isEnabled()
    page.filter.setText(target.sample_number[-4:])
    page.refresh()
    settle(qtbot)

    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    testing_page = window.stack.currentWidget()
    assert testing_page is window.page("testing")
    assert testing_page.work.sample_id == target.sample_id
    assert testing_page.current_row().item == target.item  # the evaluated item is in the editor
    assert target.members[0].name in testing_page.panel_summary.text()


def test_a_new_evaluation_appears_without_reloading(qtbot, demo_ctx):
    from app.ui.pages.panels import PanelsPage

    page = PanelsPage(demo_ctx)
    qtbot.addWidget(page)
    page.filter.clear()
    page.refresh()
    settle(qtbot)
    before = page.table.rowCount()
    sid = testing.find_samples(demo_ctx, "儿童睡衣", statuses=("received",))[0].id
    grid = testing.start_testing(demo_ctx, sid, testing.results_grid(demo_ctx, sid).sample_version)
    no_basis = [r for r in grid.rows if r.needs_panel]
    members = [testing.PanelMemberInput(n, "某大学", "教授", "同意") for n in ("甲", "乙", "丙")]
    testing.record_panel(demo_ctx, sid, no_basis[0].item, members=members, conclusion="无明显风险", finding="fail")
    ops.bus.changed.emit({"panel"})
    settle(qtbot)
    assert page.table.rowCount() == before + 1
    assert page.table.item(0, 4).text() == "发现问题" and page.table.item(0, 6).text() == "周主任"
