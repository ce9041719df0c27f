"""依据说明 on the 检验与判定 page (every candidate standard of an item, in step order, and why), ``none``
never shown as a code, and the expert-panel dialog whose messages follow the input as it is now."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.errors import ValidationError
from app.ui.dialogs.basis_dialog import BasisDialog
from app.ui.dialogs.panel_dialog import PanelDialog

from .helpers import as_user, settle
from .test_testing import cell, make_page, sample_id

pytestmark = pytest.mark.usefixtures("no_windows_left_over")

NO_BASIS = "无判定依据（需专家组评价）"


def open_candidates(qtbot, page, item: str) -> BasisDialog:
    page.select_item(item)
    assert page.candidates_button.isEnabled()
    qtbot.mouseClick(page.candidates_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    dialog = page.dialog
    assert isinstance(dialog, BasisDialog) and dialog.isVisible()
    return dialog


def test_the_candidates_of_an_item_in_step_order(qtbot, lab_db):
    tech = as_user(lab_db, "wangjian")
    sid = sample_id(tech, "testing")
    page = make_page(qtbot, tech, sid)
    dialog = open_candidates(qtbot, page, "泄漏电流")
    assert dialog.windowTitle() == "依据说明"
    rows = dialog.rows()
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    # every standard named for the sample is there; the last step's standard is the one taken
    assert rows[-1][1:4] == ("GB 90010-2020", "17.1", "采用")
    assert "第十七条（一）" in rows[-1][4]
    assert all(r[3] == "未采用" for r in rows[:-1]) and any(r[4] == "未涵盖该项目" for r in rows)
    assert dialog.findChild(type(dialog.note), "basis").text() == cell(page, "泄漏电流", "basis").text()
    assert dialog.note.isHidden()
    # the step's clause in words on the step cell
    assert dialog.table.item(len(rows) - 1, 2).toolTip().startswith("第十七条（一）")
    # no code of the JSON contract (16.2-similar, 16.2-enterprise …) is shown: the clause and its case
    assert not any("-" in r[2] for r in rows), rows
    assert any(r[2] == "16.2（同类产品标准）" for r in rows), rows
    dialog.reject()
    assert page.dialog is None


def test_no_basis_is_said_in_words_never_as_a_code(qtbot, lab_db):
    tech = as_user(lab_db, "wangjian")
    sid = sample_id(tech, "received", "儿童睡衣")
    page = make_page(qtbot, tech, sid)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    page.dialog.submit()
    settle(qtbot)
    assert page.work.status == "testing"
    assert cell(page, "阻燃性能", "rules").text() == NO_BASIS
    assert cell(page, "阻燃性能", "basis").text() == NO_BASIS
    page.select_item("阻燃性能")
    assert page.basis_label.text() == NO_BASIS and page.explanation.text().startswith(NO_BASIS)
    texts = [page.table.item(r, c).text() for r in range(page.table.rowCount()) for c in range(page.table.columnCount())]
    assert "none" not in " ".join(texts)
    dialog = open_candidates(qtbot, page, "阻燃性能")
    rows = dialog.rows()
    assert rows and {r[3] for r in rows} == {"未采用"}
    assert dialog.findChild(type(dialog.note), "trace").text() == NO_BASIS
    assert "none" not in " ".join(x for r in rows for x in r)


def test_panel_dialog_messages_follow_the_input(qtbot):
    dialog = PanelDialog("S-0001", "阻燃性能", ["黄石裕润纺织品有限公司"])
    qtbot.addWidget(dialog)
    dialog.set_member(0, "张明", "武汉纺织大学", "教授")
    dialog.set_member(1, "李华", "湖北省纤维检验局", "高级工程师")
    # the employer written without its company form is the sampled party all the same
    dialog.set_member(2, "周平", "黄石裕润纺织品", "工程师")
    assert "当事企业" in dialog.check_label.text() and "利益冲突" in dialog.check_label.text()
    assert dialog.members.item(2, 1).background().color().name() == "#f8d0d0"
    dialog.fail(ValidationError({"members": "有专家来自被抽样企业或标称生产企业，存在利益冲突。"}))
    assert "利益冲突" in dialog.error.text()
    dialog.set_member(2, "周平", "华中科技大学", "副教授")
    assert dialog.check_label.text() == "专家 3 人，无利益冲突。"
    assert dialog.error.text() == "" and dialog.members.styleSheet() == ""
    assert dialog.members.item(2, 1).background().style() == Qt.BrushStyle.NoBrush
    # an error about the conclusion goes as soon as the conclusion is written
    dialog.fail(ValidationError({"conclusion": "请填写专家组结论。"}))
    assert dialog.error.text() == "请填写专家组结论。"
    dialog.conclusion.setPlainText("未发现明显风险。")
    assert dialog.error.text() == ""
