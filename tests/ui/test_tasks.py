"""监测任务 page: a task and its scheme through the dialogs, submitted, returned, resubmitted, reviewed,
confirmed by the issuing authority and revised by the demo lab's people; the standards catalog import; the risk-level proposal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QDialog

from app.services import catalog as catalog_service
from app.services import risk as risk_service
from app.services import tasks as task_service
from app.services import users
from app.services.context import Context
from tests.ui.helpers import settle


def as_user(ctx: Context, username: str) -> Context:
    return Context(ctx.db, users.authenticate(ctx.db, username, "demo1234"))


def open_page(qtbot, ctx: Context):
    from app.ui.pages.tasks import TasksPage

    page = TasksPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.tabs.setCurrentIndex(0)
    before = page.loaded
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded > before, timeout=10000)
    settle(qtbot)
    return page


def show_task(qtbot, page, task_id: int, scheme_id: int | None = None) -> None:
    page.filter.clear()
    page.show_closed.setChecked(True)
    before = page.details_loaded
    page.open(task_id=task_id, scheme_id=scheme_id)
    qtbot.waitUntil(lambda: page.current_task_id() == task_id and page.details_loaded > before, timeout=10000)
    settle(qtbot)
    if scheme_id is not None:
        assert page.select_scheme(scheme_id)


def saved(qtbot, dialog) -> None:
    settle(qtbot)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    settle(qtbot)


def test_task_and_scheme_return_resubmit_review_confirm_revise(qtbot, demo_ctx, monkeypatch, tmp_path: Path):
    tech = as_user(demo_ctx, "wangjian")
    page = open_page(qtbot, tech)
    assert page.new_task_button.isEnabled() and not page.review_button.isEnabled()

    # a task: a missing number is marked, what was typed stays
    dialog = page.new_task()
    dialog.title.setText("2026年电动自行车充电器风险监测")
    dialog.authority.setText("湖北省市场监督管理局")
    dialog.category.setText("电子电器")
    dialog.batches.setValue(20)
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "请填写任务编号" in dialog.error_text.text()
    assert dialog.number.styleSheet() and dialog.title.text() == "2026年电动自行车充电器风险监测"
    dialog.number.setText("HBFX-2026-CD-07")
    dialog.report_deadline.set_date(dt.date(2026, 12, 31))
    dialog.save()
    saved(qtbot, dialog)
    task = dialog.saved
    assert task.data.batches_planned == 20 and task.data.report_deadline == dt.date(2026, 12, 31)
    qtbot.waitUntil(lambda: page.current_task_id() == task.id, timeout=10000)

    # its scheme: items with the important flag and units, one candidate standard not in the catalog
    dialog = page.new_scheme()
    assert dialog is not None
    dialog.product.setText("电动自行车充电器")
    dialog.set_item(0, "输出电压", important=True, unit="V", hazard_class="electric_shock")
    dialog.set_item(dialog.add_item(), "绝缘电阻", unit="MΩ")  # its class by the table
    dialog.set_item(dialog.add_item(), "标志说明")
    hazard = dialog.items.cellWidget(2, dialog.ITEM_HAZARD)
    assert hazard.currentText() == "按危害类别表" and hazard.findText("触电（4）") > 0
    hazard.setCurrentIndex(hazard.findData(""))  # not classified, whatever the table says
    dialog.set_standard(dialog.add_standard(), "GB 90010-2020", "mandatory")
    dialog.set_standard(dialog.add_standard(), "gb/t 99999—2021", "similar")
    checks = dialog.checks
    dialog.check_catalog()
    qtbot.waitUntil(lambda: dialog.checks > checks, timeout=10000)
    assert dialog.unknown == {"GB/T 99999-2021"}
    assert "GB/T 99999-2021" in dialog.catalog_note.text()
    assert dialog.standards.item(0, dialog.STD_CATALOG).text() != dialog.standards.item(1, dialog.STD_CATALOG).text()
    dialog.save()
    saved(qtbot, dialog)
    scheme = dialog.saved
    assert [i.important for i in scheme.data.items] == [True, False, False]
    assert [i.hazard_class for i in scheme.data.items] == [
        "electric_shock", task_service.default_hazard_class("绝缘电阻"), ""]
    assert scheme.data.items[1].unit == "MΩ" and scheme.data.standards[1].code == "GB/T 99999-2021"
    assert len(scheme.warnings) == 1
    show_task(qtbot, page, task.id, scheme.id)
    assert page.submit_button.isEnabled() and not page.confirm_button.isEnabled()
    assert "内部审核" in page.confirm_button.toolTip()  # a disabled action says why
    assert "GB/T 99999-2021" in page.scheme_detail.toPlainText()

    asked = []
    monkeypatch.setattr(page, "confirm", lambda title, text: asked.append(text) or True)
    page.submit_scheme()
    settle(qtbot)
    assert task_service.get_scheme(tech, scheme.id).status == "submitted"
    assert "GB/T 99999-2021" in asked[0]  # the warning is repeated before submitting

    # the reviewer returns it: the comment is required, the password signs
    reviewer_page = open_page(qtbot, as_user(demo_ctx, "chenjing"))
    show_task(qtbot, reviewer_page, task.id, scheme.id)
    assert reviewer_page.review_button.isEnabled() and reviewer_page.return_button.isEnabled()
    assert not reviewer_page.submit_button.isEnabled() and not reviewer_page.new_scheme_button.isEnabled()
    review = reviewer_page.return_scheme()
    review.password.setText("demo1234")
    review.return_scheme()
    settle(qtbot)
    assert review.isVisible() and "修改意见" in review.error_text.text()
    review.comment.setPlainText("请补充候选标准的版本依据。")
    review.password.setText("wrong")
    review.return_scheme()
    settle(qtbot)
    assert review.isVisible() and "密码错误" in review.error_text.text()
    review.password.setText("demo1234")
    review.return_scheme()
    saved(qtbot, review)
    assert task_service.get_scheme(tech, scheme.id).status == "returned"

    # the technician sees the comment in the history, changes and resubmits it
    show_task(qtbot, page, task.id, scheme.id)
    assert page.submit_button.isEnabled() and not page.review_button.isEnabled()
    history = page.scheme_history
    assert history.topLevelItem(history.topLevelItemCount() - 1).text(history.DETAIL) == "请补充候选标准的版本依据。"
    edit = page.edit_scheme()
    assert not edit.read_only and edit.history.topLevelItemCount() == 3
    edit.standards.selectRow(1)
    edit.remove_std_button.click()
    edit.save()
    saved(qtbot, edit)
    assert edit.saved.warnings == () and edit.saved.status == "returned"
    show_task(qtbot, page, task.id, scheme.id)
    page.submit_scheme()
    settle(qtbot)

    # the drafter may not review; the reviewer passes it, signed
    assert not page.review_button.isEnabled()
    show_task(qtbot, reviewer_page, task.id, scheme.id)
    review = reviewer_page.review_scheme()
    review.comment.setPlainText("同意报送任务下达部门确认。")
    review.password.setText("demo1234")
    review.accept_scheme()
    saved(qtbot, review)

    # the technician records the issuing authority's confirmation with its file
    show_task(qtbot, page, task.id, scheme.id)
    assert page.confirm_button.isEnabled() and not page.revise_button.isEnabled()
    dialog = page.confirm_scheme()
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "文号" in dialog.error_text.text() and "确认文件" in dialog.error_text.text()
    letter = tmp_path / "确认函.pdf"
    letter.write_bytes(b"%PDF-1.4\n% the authority's letter\n")
    dialog.document_number.setText("鄂市监质函〔2026〕88号")
    dialog.file.setText(str(letter))
    dialog.save()
    saved(qtbot, dialog)
    final = task_service.get_scheme(tech, scheme.id)
    assert final.status == "confirmed" and final.authority_document == "鄂市监质函〔2026〕88号"
    assert [(h.actor, h.kind) for h in final.history] == [
        ("王建", "drafted"), ("王建", "submitted"), ("陈静", "returned"), ("王建", "submitted"),
        ("陈静", "reviewed"), ("王建", "confirmed")]
    show_task(qtbot, page, task.id, scheme.id)
    assert not page.submit_button.isEnabled() and "修订方案" in page.submit_button.toolTip()
    assert "鄂市监质函〔2026〕88号" in page.scheme_detail.toPlainText()
    opened = []
    monkeypatch.setattr(page.scheme_history, "open_file", opened.append)
    last = page.scheme_history.topLevelItem(page.scheme_history.topLevelItemCount() - 1)
    assert "确认函.pdf" in last.text(page.scheme_history.DETAIL)
    page.scheme_history.itemDoubleClicked.emit(last, 0)
    settle(qtbot)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened[0].read_bytes() == letter.read_bytes()
    view = page.edit_scheme()
    assert view.read_only and not view.save_button.isVisible()
    view.reject()

    # a revision: a new version drafted; the confirmed one stays in force
    assert page.revise_button.isEnabled()
    dialog = page.revise_scheme()
    dialog.reason.setPlainText("增加绝缘电阻的试验电压")
    dialog.save()
    saved(qtbot, dialog)
    revision = dialog.saved
    assert revision.revision == 2 and revision.status == "draft" and revision.previous_id == scheme.id
    assert "第 1 版在新版本经任务下达部门确认前仍然有效" in page.scheme_message.text()
    show_task(qtbot, page, task.id, revision.id)
    assert page.submit_button.isEnabled() and page.scheme_table.item(0, 1).text() == "第2版"
    assert "现行" in page.scheme_table.item(1, 2).text()  # version 1, still in force
    assert [h.kind for h in page.current_scheme().history][-1] == "revised"


def _catalog_page(qtbot, ctx):
    page = open_page(qtbot, ctx)
    page.tabs.setCurrentWidget(page.catalog)
    qtbot.waitUntil(lambda: page.catalog.loaded > 0, timeout=10000)
    settle(qtbot)
    return page.catalog


def test_catalog_import_with_a_bad_row_imports_nothing_and_lists_it(qtbot, demo_ctx, tmp_path: Path, monkeypatch):
    from openpyxl import load_workbook

    from app.ui.dialogs.catalog_dialogs import ProblemsDialog

    panel = _catalog_page(qtbot, as_user(demo_ctx, "wangjian"))
    before = len(catalog_service.list_standards(demo_ctx))
    panel.write_template(tmp_path / "catalog.xlsx")
    monkeypatch.setattr(panel, "show_message", lambda *a: None)
    settle(qtbot)
    wb = load_workbook(tmp_path / "catalog.xlsx")
    ws = wb["标准目录"]
    ws.append(["GB 98001-2024", "充电器安全", dt.date(2025, 1, 1), None, "输出电压", None, "5.1", "≤", 60, None, None, "V"])
    ws.append(["GB 98001-2024", "充电器安全", dt.date(2025, 1, 1), None, "绝缘电阻", None, "5.2", "≥", "很大", None, None,
               "MΩ"])
    ws.append(["GB 98001-2024", "充电器安全", dt.date(2025, 1, 1), None, "标志", None, "6", "文字", None, None, None, None,
               "应清晰"])
    wb.save(tmp_path / "catalog.xlsx")

    panel.import_catalog(tmp_path / "catalog.xlsx")
    settle(qtbot)
    qtbot.waitUntil(lambda: panel.import_error is not None, timeout=10000)
    assert isinstance(panel.dialog, ProblemsDialog)
    problems = panel.dialog.text.toPlainText()
    assert "第3行" in problems and "第2行" not in problems and "第4行" not in problems
    assert len(catalog_service.list_standards(demo_ctx)) == before

    csv = tmp_path / "catalog.csv"
    csv.write_text(
        "code,title,effective,abolished,item,clause,op,value,low,high,unit,text,method_code,method_clause\n"
        "GB 98001-2024,充电器安全,2025-01-01,,输出电压,5.1,<=,60,,,V,,,\n"
        "GB 98001-2024,充电器安全,2025-01-01,,绝缘电阻,5.2,>=,2,,,MΩ,,,\n",
        encoding="utf-8",
    )
    panel.import_catalog(csv)
    settle(qtbot)
    qtbot.waitUntil(lambda: panel.imported is not None, timeout=10000)
    assert panel.imported.standards == 1 and panel.imported.items == 2
    panel.filter.setText("98001")
    qtbot.waitUntil(lambda: [s.code for s in panel.standards] == ["GB 98001-2024"], timeout=10000)
    panel.table.selectRow(0)
    assert panel.items.rowCount() == 2 and panel.items.item(1, 2).text() == "≥2 MΩ"
    panel.filter.clear()


def test_a_standard_through_its_dialog(qtbot, demo_ctx):
    panel = _catalog_page(qtbot, demo_ctx)
    dialog = panel.new_standard()
    dialog.code.setText("GB 98002")
    dialog.set_item(0, "输出电压", "<=", value="abc", unit="V")
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "年代号" in dialog.error_text.text()
    dialog.code.setText("GB 98002-2024")
    dialog.effective.set_date(dt.date(2024, 7, 1))
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "输出电压" in dialog.error_text.text()  # the limit is not a number
    dialog.set_item(0, "输出电压", "<=", value="60", unit="V", method="GB 98002-2024", method_clause="7.1")
    dialog.set_item(dialog.add_item(), "外观", "text", text="表面无裂纹")
    dialog.save()
    saved(qtbot, dialog)
    info = dialog.saved
    assert info.items[0].requirement == {"op": "<=", "value": 60, "unit": "V"}
    assert info.items[1].requirement == {"op": "text", "text": "表面无裂纹"}
    assert info.items[0].method_code == "GB 98002-2024"


def test_a_standard_with_per_grade_requirements(qtbot, demo_ctx):
    """RULES.md §2: an item may carry one requirement per grade beside its general one."""
    panel = _catalog_page(qtbot, demo_ctx)
    dialog = panel.new_standard()
    dialog.code.setText("GB/T 98022-2024")
    dialog.effective.set_date(dt.date(2024, 7, 1))
    dialog.set_item(0, "起球", ">=", clause="5.2", value="3", unit="级", method="GB/T 4802.1-2008")
    dialog.set_item(dialog.add_item(), "起球", ">=", value="4", unit="级", grade="优等品")
    dialog.set_item(dialog.add_item(), "耐洗色牢度", ">=", clause="5.1", value="3.5", unit="级", grade="一等品")
    dialog.save()
    saved(qtbot, dialog)
    items = {i.item: i for i in dialog.saved.items}
    assert items["起球"].requirement == {"op": ">=", "value": 3, "unit": "级"}
    assert items["起球"].grades == {"优等品": {"op": ">=", "value": 4, "unit": "级"}}
    assert items["起球"].method_code == "GB/T 4802.1-2008"
    assert items["耐洗色牢度"].requirement is None and items["耐洗色牢度"].clause == "5.1"
    assert items["耐洗色牢度"].grades == {"一等品": {"op": ">=", "value": 3.5, "unit": "级"}}

    panel.filter.setText("98022")
    qtbot.waitUntil(lambda: [s.code for s in panel.standards] == ["GB/T 98022-2024"], timeout=10000)
    panel.table.selectRow(0)
    shown = {panel.items.item(r, 0).text(): panel.items.item(r, 2).text() for r in range(panel.items.rowCount())}
    assert shown["起球"] == "≥3 级；优等品：≥4 级" and shown["耐洗色牢度"] == "一等品：≥3.5 级"
    # the edit dialog shows one row per grade, and saves the same thing back
    edit = panel.edit_standard()
    assert edit.items.rowCount() == 3
    assert edit.items.cellWidget(1, edit.GRADE).currentData() == "优等品"
    assert edit.data().items == dialog.saved.items
    edit.reject()
    panel.filter.clear()


def test_risk_proposal_shows_sources_and_requires_confirmation(qtbot, demo_ctx):
    from app.services import risk_evidence
    from app.ui.pages.tasks import TasksPage

    page = open_page(qtbot, demo_ctx)
    assert isinstance(page, TasksPage)
    task = next(t for t in task_service.list_tasks(demo_ctx) if t.data.number == "HBFX-2026-DQ-01")
    show_task(qtbot, page, task.id)
    dialog = page.propose_risk()
    qtbot.waitUntil(lambda: dialog.evidence is not None, timeout=10000)
    evidence = risk_evidence.proposal_evidence(demo_ctx, task.id)
    # every factor shows its source; the suggestions are filled in, the probability is not
    for f in evidence.factors:
        assert dialog.sources[f.factor].text() == f.source
    assert "泄漏电流" in dialog.sources["urgency"].text()
    assert dialog.urgency.currentData() == "urgent" and dialog.severity.currentData() == 4
    assert dialog.probability.currentIndex() == -1 and dialog.grade is None
    assert dialog.level_label.text() == "未研判" and not dialog.save_button.isEnabled()
    assert dialog.items_table.rowCount() == len(evidence.items)

    dialog.set_factors(risk_service.ProposalFactors(4, ">1/100", "normal", "single", 0.05, "new"))
    assert "Ⅱ" in dialog.level_label.text() and "严重" in dialog.level_label.text()
    assert "#ef6c00" in dialog.level_label.styleSheet()  # orange
    assert "风险警示通报" in dialog.notice_label.text()
    assert dialog.grade.model_version in dialog.model_label.text()
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("urgent"))
    assert dialog.level_label.text().startswith("Ⅰ")  # urgent raises S to Ⅰ
    assert dialog.reasons_label.text() == "紧急程度：紧急（+1）"  # the factor's word, not its code
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("normal"))
    # a level alone is not enough: each factor must be confirmed
    assert not dialog.save_button.isEnabled() and dialog.save_button.toolTip() == "请先逐项确认分级因素"
    for f in risk_service.FACTORS[:-1]:
        dialog.confirms[f].setChecked(True)
    assert not dialog.save_button.isEnabled()
    dialog.confirms["duration"].setChecked(True)
    assert dialog.save_button.isEnabled()
    dialog.note.setPlainText("按 RISK.md 示例")
    dialog.save()
    saved(qtbot, dialog)
    assert dialog.saved.level_number == 2
    qtbot.waitUntil(lambda: page.proposals and page.proposals[0].id == dialog.saved.id, timeout=10000)
    assert page.proposal_table.item(0, 1).text() == "Ⅱ级（严重）"
    latest = risk_service.latest_proposal(demo_ctx, task.id)
    assert latest.note == "按 RISK.md 示例"
    sources = latest.factors["sources"]
    assert sources["probability"] == "由技术人员评估选定。"
    assert "未采用提示值" in sources["urgency"]  # the evidence said urgent; normal was chosen


def test_the_task_list_fetches_pages_lazily_and_sorts_and_filters_in_sql(qtbot, demo_ctx):
    from PySide6.QtCore import Qt

    from app.services import task_list
    from app.ui.pages.tasks import TasksPage

    for i in range(60):
        task_service.create_task(demo_ctx, task_service.TaskInput(
            number=f"LZ-{i:03d}", title=f"分页任务 {i}", plan_year=2020, batches_planned=(i * 7) % 13,
        ))
    page = TasksPage(demo_ctx, page_size=10)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.tabs.setCurrentIndex(0)
    page.filter.clear()
    page.show_closed.setChecked(True)
    page.show()
    before = page.loaded
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded > before, timeout=10000)
    settle(qtbot)
    model = page.model
    total = task_list.count(demo_ctx, task_list.TaskQuery())
    assert model.total == total > 60
    assert model.cached_pages() == [0]  # only the first page was read
    assert page.current_task_id() == task_list.page(demo_ctx, task_list.TaskQuery(), "year", True, 0, 1)[0].id

    # scrolling to the end reads the last pages, not the ones in between
    last_page = (total - 1) // 10
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: last_page in model.cached_pages(), timeout=5000)
    settle(qtbot)
    assert not {1, 2, 3} & set(model.cached_pages())
    last = task_list.page(demo_ctx, task_list.TaskQuery(), "year", True, total - 1, 1)[0]
    assert model.row_at(total - 1) == last

    # a header click sorts in SQL: the model starts again from the first page of the new order
    before = page.loaded
    page.table.sortByColumn(model.column_of("planned"), Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.loaded > before, timeout=10000)
    settle(qtbot)
    assert (model.sort_key, model.descending) == ("planned", False)
    assert model.cached_pages() == [0]
    expected = task_list.page(demo_ctx, task_list.TaskQuery(), "planned", False, 0, 10)
    assert [model.row_at(r) for r in range(10)] == expected
    assert model.data(model.index(0, model.column_of("planned"))) == (
        "" if expected[0].batches_planned is None else str(expected[0].batches_planned)
    )

    # the filter box becomes the query (after a short pause in typing)
    before = page.loaded
    page.filter.setText("lz-05")
    qtbot.waitUntil(lambda: page.loaded > before, timeout=10000)
    settle(qtbot)
    assert model.query.text == "lz-05" and model.total == 10
    assert task_list.count(demo_ctx, model.query) == 10
    shown = {model.row_at(r).number for r in range(model.total)}
    assert shown == {f"LZ-{i:03d}" for i in range(50, 60)}
    assert page.current_task().data.number in shown


def test_the_objection_authority_is_set_in_the_task_dialog_and_kept_when_the_task_is_edited(qtbot, demo_ctx):
    tech = as_user(demo_ctx, "wangjian")
    page = open_page(qtbot, tech)
    dialog = page.new_task()
    assert dialog.objection.placeholderText() == "留空则为下达任务的部门"
    dialog.number.setText("HBFX-2026-YY-01")
    dialog.title.setText("2026年电吹风风险监测")
    dialog.authority.setText("湖北省市场监督管理局")
    dialog.objection.setText("湖北省市场监督管理局产品质量安全监督管理处")
    dialog.save()
    saved(qtbot, dialog)
    task = dialog.saved
    assert task.data.objection_authority == "湖北省市场监督管理局产品质量安全监督管理处"

    # opened again from the list (whose rows are read in SQL), the field shows it and a save keeps it
    show_task(qtbot, page, task.id)
    dialog = page.edit_task()
    assert dialog.objection.text() == "湖北省市场监督管理局产品质量安全监督管理处"
    dialog.notes.setPlainText("改了备注")
    dialog.save()
    saved(qtbot, dialog)
    assert task_service.get_task(tech, task.id).data.objection_authority == "湖北省市场监督管理局产品质量安全监督管理处"

    dialog = page.edit_task()
    dialog.objection.setText("某" * 201)
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible() and "异议受理单位" in dialog.error_text.text()
