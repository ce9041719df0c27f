"""The 检验与判定 page against the demo lab: results and their judgement, expert panels, completion and
the Article 18 clock, compile → review → approve with the password, conflicts, amendments, hazards."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import clock
from app.services import calendar, demo, reports, samples, testing, users
from app.services.context import Context
from app.ui.style import FIELD_ERROR
from tests.ui.helpers import as_user, settle

TODAY = clock.today()

pytestmark = pytest.mark.usefixtures("no_windows_left_over")


def sample_id(ctx: Context, status: str, product: str = "") -> int:
    return next(c.id for c in testing.find_samples(ctx, product, statuses=(status,)))


def make_page(qtbot, ctx: Context, sid: int | None = None):
    from app.ui.pages.testing import TestingPage

    page = TestingPage(ctx)
    qtbot.addWidget(page)
    page.resize(1130, 760)
    page.show()
    if sid is not None:
        page.open(sample_id=sid)
        settle(qtbot)
        assert page.work is not None and page.work.sample_id == sid
    return page


def cell(page, item: str, column: str):
    from app.ui.pages.testing import COLUMNS

    row = next(i for i, r in enumerate(page.work.grid.rows) if r.item == item)
    return page.table.item(row, COLUMNS.index(column))


def stored(ctx: Context, sid: int, item: str) -> testing.ResultRow:
    return next(r for r in testing.results_grid(ctx, sid).rows if r.item == item)


def test_a_failing_value_is_judged_at_once_and_a_text_item_needs_a_reason(qtbot, lab_db):
    tech = as_user(lab_db, "wangjian")
    sid = sample_id(tech, "testing")
    page = make_page(qtbot, tech, sid)
    page.select_item("热效率")
    assert page.requirement_label.text().startswith("≥")
    assert "第十七条" in page.explanation.text() or "第十六条" in page.explanation.text()
    assert page.judgement.isHidden() and not page.auto_judgement.isHidden()
    qtbot.keyClicks(page.value, "70")
    # judged as typed, before anything is saved
    assert page.auto_judgement.text() == "不符合" and page.auto_judgement.property("judgement") == "fail"
    assert "✎" in cell(page, "热效率", "item").text()
    qtbot.keyClick(page.value, Qt.Key.Key_Return)  # save, then on to the next item
    settle(qtbot)
    judged = cell(page, "热效率", "judgement")
    assert judged.text() == "不符合" and judged.background().color().name() == "#f8d0d0"
    assert stored(tech, sid, "热效率").judgement == "fail"
    assert page.current_row().item == "耐久性" and page.value.hasFocus()
    qtbot.keyClicks(page.value, "abc")
    assert page.auto_judgement.text() == "不是数值"

    page.select_item("外观")
    assert not page.judgement.isHidden() and page.reason.isEnabled()
    page.value.insert("焊缝有毛刺")
    page.judgement.setCurrentIndex(page.judgement.findData("fail"))
    page.save()
    settle(qtbot)
    assert page.edit_error.text() == "请写明判定理由。"
    assert page.reason.styleSheet() == FIELD_ERROR
    assert page.value.text() == "焊缝有毛刺"  # nothing typed is lost
    assert stored(tech, sid, "外观").judgement is None
    page.reason.insert("壶身焊缝处有毛刺")
    page.save()
    settle(qtbot)
    assert cell(page, "外观", "judgement").text() == "不符合"
    row = stored(tech, sid, "外观")
    assert (row.judgement, row.judgement_reason) == ("fail", "壶身焊缝处有毛刺")
    # the page's buttons follow the status: complete only when every item is judged
    assert not page.complete_button.isEnabled()


def test_an_item_without_a_basis_goes_to_an_expert_panel(qtbot, lab_db):
    from app.ui.dialogs.panel_dialog import PanelDialog

    tech = as_user(lab_db, "wangjian")
    sid = sample_id(tech, "received", "儿童睡衣")
    page = make_page(qtbot, tech, sid)
    assert page.start_button.isEnabled() and not page.panel_button.isEnabled()
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    page.dialog.submit()
    settle(qtbot)
    assert page.work.status == "testing" and page.dialog is None
    page.select_item("阻燃性能")
    assert "专家组" in cell(page, "阻燃性能", "basis").text()
    assert not page.save_button.isEnabled() and page.panel_button.isEnabled()
    page.open_panel()
    dialog = page.dialog
    assert isinstance(dialog, PanelDialog)
    sampled = page.work.parties[0]
    dialog.set_member(0, "张明", "武汉纺织大学", "教授", "风险低")
    dialog.set_member(1, "李华", "湖北省纤维检验局", "高级工程师", "同意")
    dialog.conclusion.setPlainText("无适用方法，经评价未发现明显风险。")
    dialog.no_problem.setChecked(True)
    assert "不少于 3 人" in dialog.check_label.text()  # live, before saving
    dialog.submit()
    settle(qtbot)
    assert "不少于 3 人" in dialog.error.text() and dialog.isVisible()
    dialog.set_member(2, "周平", sampled, "工程师", "同意")
    assert "当事企业" in dialog.check_label.text()
    assert dialog.members.item(2, 1).background().color().name() == "#f8d0d0"
    dialog.submit()
    settle(qtbot)
    assert "利益冲突" in dialog.error.text() and dialog.isVisible()
    assert testing.list_panels(tech, sid) == []
    dialog.set_member(2, "周平", "华中科技大学", "副教授", "建议补充试验方法")
    assert "无利益冲突" in dialog.check_label.text()
    dialog.submit()
    settle(qtbot)
    assert dialog.result() == dialog.DialogCode.Accepted and page.dialog is None
    assert cell(page, "阻燃性能", "judgement").text() == "符合"
    (panel,) = testing.list_panels(tech, sid)
    assert [m.name for m in panel.members] == ["张明", "李华", "周平"] and panel.members[2].opinion == "建议补充试验方法"
    page.select_item("阻燃性能")
    assert "张明" in page.panel_summary.text() and page.panel_button.text() == "修改专家组评价…"


def _judge_the_rest(ctx: Context, sid: int) -> None:
    for row in testing.results_grid(ctx, sid).rows:
        if row.judgement:
            continue
        if row.numeric:
            req = row.requirement
            value = req.get("value", req.get("low"))
            testing.record_result(ctx, row.id, row.version, value_text=str(value))
        else:
            testing.record_result(ctx, row.id, row.version, value_text="符合要求", judgement="pass", reason="目测")


def test_completion_starts_the_clock_and_shows_the_deadline(qtbot, lab_db):
    tech = as_user(lab_db, "wangjian")
    sid = sample_id(tech, "testing")
    page = make_page(qtbot, tech, sid)
    assert not page.complete_button.isEnabled() and "开始计算" in page.clock.text()
    _judge_the_rest(tech, sid)
    page.refresh()
    settle(qtbot)
    assert page.complete_button.isEnabled()
    qtbot.mouseClick(page.complete_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    settle(qtbot)
    expected = calendar.working_calendar(tech).deadline(TODAY, 5).deadline
    assert dialog.preview.text() == f"须于 {expected.isoformat()} 前报送监管部门"  # before confirming
    dialog.set_date(TODAY + dt.timedelta(days=1))
    dialog.submit()
    settle(qtbot)
    assert "晚于今天" in dialog.error.text() and page.work.status == "testing"
    dialog.set_date(TODAY)
    dialog.submit()
    settle(qtbot)
    assert page.work.status == "completed"
    assert expected.isoformat() in page.clock.text() and "个工作日" in page.clock.text()
    assert page.work.clock.deadline == expected
    assert page.compile_button.isEnabled() and page.reopen_button.isEnabled()
    assert not page.save_button.isEnabled()  # completed results are not edited in place
    # registering the reporting date stops the clock
    qtbot.mouseClick(page.reported_button, Qt.MouseButton.LeftButton)
    page.dialog.set_date(TODAY - dt.timedelta(days=30))
    page.dialog.submit()
    settle(qtbot)
    assert "不能早于完成日期" in page.dialog.error.text()
    page.dialog.set_date(TODAY)
    page.dialog.submit()
    settle(qtbot)
    assert "报送" in page.clock.text() and page.work.clock.on_time is True


def _sign(qtbot, page, password: str) -> None:
    page.dialog.password.setText(password)
    page.dialog._ok()
    settle(qtbot)


def test_compile_review_and_approve_by_three_people_with_their_passwords(qtbot, lab_db):
    tech, rev, sig = (as_user(lab_db, u) for u in ("wangjian", "chenjing", "zhaomin"))
    sid = sample_id(tech, "completed", "不锈钢")
    compiler = make_page(qtbot, tech, sid)
    assert compiler.compile_button.isEnabled()
    assert not compiler.review_button.isEnabled() and not compiler.approve_button.isEnabled()
    qtbot.mouseClick(compiler.compile_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert compiler.report_fields["status"].text() == "已编制，待审核"
    assert compiler.report_fields["compiled"].text().startswith("王建")
    assert not compiler.compile_button.isEnabled()

    reviewer = make_page(qtbot, rev, sid)
    assert reviewer.review_button.isEnabled() and not reviewer.approve_button.isEnabled()
    assert not reviewer.save_button.isEnabled()  # a reviewer enters no results
    # returned with a comment: back to the compiler
    reviewer.review()
    reviewer.dialog.back.setChecked(True)
    _sign(qtbot, reviewer, demo.DEMO_PASSWORD)
    assert "写明" in reviewer.dialog.error.text() and reviewer.dialog.isVisible()
    reviewer.dialog.comment.setPlainText("热效率请复核")
    _sign(qtbot, reviewer, demo.DEMO_PASSWORD)
    assert reviewer.work.report.status == "draft" and reviewer.report_fields["returned"].text() == "热效率请复核"
    compiler.refresh()
    settle(qtbot)
    assert compiler.report_fields["status"].text() == "已退回编制人" and compiler.compile_button.isEnabled()
    compiler.compile_report()
    settle(qtbot)

    reviewer.refresh()
    settle(qtbot)
    reviewer.review()
    _sign(qtbot, reviewer, "wrong password")
    assert reviewer.dialog.error.text() == "密码错误，未签署。" and reviewer.dialog.isVisible()
    assert reports.list_reports(tech, sample_id=sid)[0].status == "compiled"  # nothing signed
    _sign(qtbot, reviewer, demo.DEMO_PASSWORD)
    assert reviewer.dialog is None and reviewer.work.report.status == "reviewed"

    approver = make_page(qtbot, sig, sid)
    assert approver.approve_button.isEnabled() and not approver.review_button.isEnabled()
    approver.approve()
    _sign(qtbot, approver, "demo12345")
    assert approver.dialog.error.text() == "密码错误，未签署。"
    assert reports.list_reports(tech, sample_id=sid)[0].status == "reviewed"
    _sign(qtbot, approver, demo.DEMO_PASSWORD)
    report = approver.work.report
    assert (report.status, report.compiled_by, report.reviewed_by, report.approved_by) == ("approved", "王建", "陈静", "赵敏")
    fields = approver.report_fields
    assert fields["status"].text() == "已批准"
    assert fields["approved"].text().startswith("赵敏") and str(TODAY.year) in fields["approved"].text()
    assert fields["reviewed"].text().startswith("陈静")
    assert not approver.approve_button.isEnabled()


def test_the_compiler_cannot_approve(qtbot, lab_db):
    info = users.create_user_unchecked(lab_db, actor="test", username="allround", display_name="全能",
                                       roles=["technician", "signatory"], password=demo.DEMO_PASSWORD)
    me = as_user(lab_db, info.username)
    sid = sample_id(me, "completed", "不锈钢")
    page = make_page(qtbot, me, sid)
    page.compile_report()
    settle(qtbot)
    report = page.work.report
    reports.review_report(as_user(lab_db, "chenjing"), report.id, report.version, demo.DEMO_PASSWORD)
    page.refresh()
    settle(qtbot)
    assert page.work.report.status == "reviewed"
    assert not page.approve_button.isEnabled()
    assert page.approve_button.toolTip().endswith("不能批准自己编制的报告。")  # the service's reason
    page._sign("approve")  # even past the disabled button, the service refuses
    _sign(qtbot, page, demo.DEMO_PASSWORD)
    assert page.message.text() == "不能批准自己编制的报告。"
    assert reports.get_report(me, report.id).status == "reviewed"


def _reviewed(lab_db, tech: Context, sid: int) -> reports.ReportInfo:
    report = reports.compile_report(tech, sid, samples.get_sample(tech, sid).version)
    return reports.review_report(as_user(lab_db, "chenjing"), report.id, report.version, demo.DEMO_PASSWORD)


def _problem_sample(tech: Context, product: str) -> int:
    """A completed sample of ``product`` with an item judged as failing."""
    return next(c.id for c in testing.find_samples(tech, product, statuses=("completed",))
                if any(r.judgement == "fail" for r in testing.results_grid(tech, c.id).rows))


def test_approving_a_report_that_found_problems_issues_its_notices_when_asked(qtbot, lab_db):
    from app.services import notifications, upload

    tech, sig = as_user(lab_db, "wangjian"), as_user(lab_db, "zhaomin")
    sid = _problem_sample(tech, "儿童连帽卫衣")
    report = _reviewed(lab_db, tech, sid)
    task_id = samples.get_sample(tech, sid).data.task_id
    page = make_page(qtbot, sig, sid)
    assert page.problems_found()
    page.approve()
    option = page.dialog.option
    assert option is not None and option.isVisibleTo(page.dialog)
    assert option.text() == "同时出具告知书（第十八条第二款）" and option.isChecked()  # checked by default
    _sign(qtbot, page, demo.DEMO_PASSWORD)
    assert page.dialog is None and page.work.report.status == "approved"
    data = notifications.list_notifications(tech, task_id)
    issued = [n for n in data.rows if n.sample_id == sid]
    assert len(issued) >= 2 and all(n.report_id == report.id and n.report_current for n in issued)
    assert page.work.grid.sample_number not in data.awaiting
    # the notices travel in the report's own upload: no separate notice item
    items = [r for r in upload.overview(tech).rows if r.report_id == report.id]
    assert [r.kind for r in items] == ["result"]


def test_the_testing_page_signs_in_the_dialog_that_shows_the_report_in_context(qtbot, lab_db):
    """审核 and 批准 on the testing page open the one signing dialog of test reports: the report's
    PDF, its nonconforming items; approving it from there signs exactly that report."""
    from app.ui.dialogs.signing import ReportSignDialog

    tech, rev, sig = as_user(lab_db, "wangjian"), as_user(lab_db, "chenjing"), as_user(lab_db, "zhaomin")
    sid = _problem_sample(tech, "不锈钢")
    report = reports.compile_report(tech, sid, samples.get_sample(tech, sid).version)
    failed = {r.item for r in testing.results_grid(tech, sid).rows if r.judgement == "fail"}

    reviewer = make_page(qtbot, rev, sid)
    reviewer.review()
    settle(qtbot)
    dialog = reviewer.dialog
    assert isinstance(dialog, ReportSignDialog) and dialog.mode == "review"
    assert dialog.list.rowCount() == 1 and dialog.list.item(0, 0).text() == report.number
    assert dialog.viewer.page_count() >= 1 and report.number in dialog.viewer.title.text()
    assert {dialog.nonconforming.item(i, 0).text() for i in range(dialog.nonconforming.rowCount())} == failed
    assert "不符合项目" in dialog.nonconforming_label.text() and not dialog.changes_box.isVisible()
    _sign(qtbot, reviewer, demo.DEMO_PASSWORD)
    assert reviewer.dialog is None and reviewer.work.report.status == "reviewed"

    approver = make_page(qtbot, sig, sid)
    approver.approve()
    settle(qtbot)
    dialog = approver.dialog
    assert isinstance(dialog, ReportSignDialog) and dialog.mode == "approve" and dialog.ok_button.isEnabled()
    assert dialog.nonconforming.rowCount() == len(failed) and dialog.option is not None
    _sign(qtbot, approver, demo.DEMO_PASSWORD)
    assert approver.dialog is None and approver.work.report.status == "approved"


def test_the_signing_dialog_lists_the_reason_a_report_may_not_be_signed(qtbot, lab_db):
    info = users.create_user_unchecked(lab_db, actor="test", username="selfrev", display_name="自审",
                                       roles=["technician", "reviewer"], password=demo.DEMO_PASSWORD)
    me = as_user(lab_db, info.username)
    sid = sample_id(me, "completed", "不锈钢")
    reports.compile_report(me, sid, samples.get_sample(me, sid).version)
    page = make_page(qtbot, me, sid)
    assert not page.review_button.isEnabled()
    page._sign("review")  # past the disabled button: the dialog names the reason and signs nothing
    settle(qtbot)
    assert page.dialog.list.item(0, 3).text() == "不能审核自己编制的报告。"
    assert not page.dialog.ok_button.isEnabled()
    page.dialog.reject()


def test_approving_without_the_notices_leaves_them_to_the_reports_page(qtbot, lab_db):
    from app.services import notifications

    tech, sig = as_user(lab_db, "wangjian"), as_user(lab_db, "zhaomin")
    sid = _problem_sample(tech, "不锈钢")
    _reviewed(lab_db, tech, sid)
    task_id = samples.get_sample(tech, sid).data.task_id
    page = make_page(qtbot, sig, sid)
    page.approve()
    page.dialog.option.setChecked(False)
    _sign(qtbot, page, demo.DEMO_PASSWORD)
    assert page.work.report.status == "approved"
    data = notifications.list_notifications(tech, task_id)
    assert not [n for n in data.rows if n.sample_id == sid]
    assert page.work.grid.sample_number in data.awaiting  # approved, found problems, no notice yet

    # a sample without problems is approved without the choice
    clean = next(c.id for c in testing.find_samples(tech, "", statuses=("completed",))
                 if not any(r.judgement == "fail" for r in testing.results_grid(tech, c.id).rows))
    _reviewed(lab_db, tech, clean)
    other = make_page(qtbot, sig, clean)
    assert not other.problems_found()
    other.approve()
    assert other.dialog.option is None
    _sign(qtbot, other, demo.DEMO_PASSWORD)
    assert other.work.report.status == "approved"


def test_a_stale_edit_is_a_conflict_and_reload_keeps_what_was_typed(qtbot, lab_db):
    first, second = as_user(lab_db, "wangjian"), as_user(lab_db, "liuyang")
    sid = sample_id(first, "testing")
    page = make_page(qtbot, second, sid)
    page.select_item("额定功率")
    qtbot.keyClicks(page.value, "1.5")
    seen = stored(first, sid, "额定功率")
    testing.record_result(first, seen.id, seen.version, value_text="2.0")  # another workstation, first
    page.save()
    settle(qtbot)
    assert "其他用户修改" in page.message.text() and page.message.reload_button.isVisible()
    assert stored(first, sid, "额定功率").value_text == "2.0"  # not overwritten
    qtbot.mouseClick(page.message.reload_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert cell(page, "额定功率", "value").text() == "2.0"
    assert page.current_row().item == "额定功率" and page.value.text() == "1.5"
    assert page.message.text() == ""
    page.save()  # saved deliberately over the change now seen
    settle(qtbot)
    assert stored(first, sid, "额定功率").value_text == "1.5" and page.message.text() == ""


def test_an_approved_result_is_amended_with_a_reason_and_the_history_shows_it(qtbot, lab_db):
    tech = as_user(lab_db, "wangjian")
    sid = sample_id(tech, "reported")
    page = make_page(qtbot, tech, sid)
    page.select_item("泄漏电流")
    original = page.value.text()
    assert page.save_button.text() == "更正结果" and page.amendment_reason.isVisible()
    assert page.history.rowCount() == 0
    page.value.setText("0.15")
    page.save()
    settle(qtbot)
    assert page.amendment_reason.styleSheet() == FIELD_ERROR and page.history.rowCount() == 0
    page.amendment_reason.insert("抄录错误")
    page.save()
    settle(qtbot)
    assert page.history.rowCount() == 1
    texts = [page.history.item(0, c).text() for c in range(7)]
    assert texts[1] == "泄漏电流" and texts[2].startswith(original) and texts[3].startswith("0.15")
    assert texts[4] == "抄录错误" and texts[5] == "王建" and texts[6] == "待授权签字人批准"
    assert page.tabs.tabText(1) == "更正记录（1）"
    # asked for, not yet in effect: a signatory other than the amender approves it
    assert "授权签字人" in page.message.text()
    assert page.work.status == "reported" and not page.compile_button.isEnabled()
    assert "结果更正待授权签字人批准" in page.header.text()
    page.history.selectRow(0)
    assert not page.approve_amendment_button.isEnabled()  # a technician does not approve
    assert not page.reopen_button.isEnabled()  # issued results change only by amendment

    signer = make_page(qtbot, as_user(lab_db, "zhaomin"), sid)
    signer.tabs.setCurrentIndex(1)
    signer.history.selectRow(0)
    assert signer.approve_amendment_button.isEnabled() and signer.refuse_amendment_button.isEnabled()
    signer.decide_amendment(True)
    _sign(qtbot, signer, "wrong password")
    assert signer.dialog.error.text() == "密码错误，未签署。"
    assert reports.list_amendments(tech, sid)[0].status == "pending"  # nothing signed
    _sign(qtbot, signer, demo.DEMO_PASSWORD)
    assert signer.dialog is None and signer.work.status == "completed"
    assert signer.history.item(0, 6).text() == "已批准（赵敏）"
    old = signer.work.reports[0].number
    assert f"原报告 {old} 已被更正，替代报告待编制" in signer.header.text()
    assert f"原报告 {old} 已被更正，替代报告待编制" in signer.report_fields["status"].text()
    page.refresh()
    settle(qtbot)
    assert page.work.status == "completed" and page.compile_button.isEnabled()
    assert [a.reason for a in reports.list_amendments(tech, sid)] == ["抄录错误"]


def test_a_major_hazard_is_recorded_then_reported_and_leaves_the_dashboard(qtbot, lab_db):
    from app.services import hazard
    from app.ui.pages.dashboard import DashboardPage

    tech = as_user(lab_db, "wangjian")
    sid = sample_id(tech, "registered")
    page = make_page(qtbot, tech, sid)
    assert page.hazard_button.isEnabled() and page.hazard.text() == ""
    qtbot.mouseClick(page.hazard_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    dialog = page.dialog
    assert dialog is not None and dialog.findChild(type(dialog.error), "no_items") is not None  # nothing tested
    assert dialog.recipient.text()  # the task's issuing authority
    dialog.submit()
    assert dialog.description.styleSheet() == FIELD_ERROR and dialog.error.text()
    dialog.description.setPlainText("外包装标注适用年龄与产品不符，小零件易脱落，存在窒息风险")
    dialog.submit()
    assert dialog.reason.styleSheet() == FIELD_ERROR  # no item: the reason is required
    dialog.reason.setPlainText("小零件拉力试验前即已脱落，危及儿童安全")
    dialog.preview()
    settle(qtbot)
    assert dialog.viewer.page_count() == 1 and dialog.error.text() == ""
    dialog.save()  # found: not reported yet
    settle(qtbot)
    assert page.dialog is None and "待上报" in page.hazard.text()

    board = DashboardPage(tech)
    qtbot.addWidget(board)
    board.resize(1100, 700)
    board.show()
    board.refresh()
    settle(qtbot)
    assert board.cards["hazards"].text() == "1" and f"hazard:{sid}" in board.hazard_list.text()
    opened = []
    board.hazard_opened.connect(lambda s_id: (opened.append(s_id), page.open(sample_id=s_id, hazard=True)))
    board.hazard_list.linkActivated.emit(f"hazard:{sid}")
    settle(qtbot)
    settle(qtbot)
    assert opened == [sid]
    dialog = page.dialog
    assert dialog is not None and "窒息" in dialog.description.toPlainText()  # the draft, reopened
    dialog.set_method("phone")
    dialog.submit()
    settle(qtbot)
    assert page.dialog is dialog and dialog.contact.styleSheet() == FIELD_ERROR  # who was told?
    dialog.contact.setText("省市场监管局质量监督处 刘处长")
    dialog.receipt.setText("电话登记号 0520-07")
    dialog.submit()
    settle(qtbot)
    settle(qtbot)
    assert page.dialog is None
    banner = page.hazard.text()
    assert "电话" in banner and "刘处长" in banner and "0520-07" in banner and "已于" in banner
    (record,) = hazard.sample_hazards(tech, sid)
    assert record.reported and record.method == "phone"
    board.refresh()
    settle(qtbot)
    assert board.cards["hazards"].text() == "0" and board.hazard_list.text() == ""
    reviewer_page = make_page(qtbot, as_user(lab_db, "zhaomin"), sid)
    assert reviewer_page.hazard_button.isEnabled() and not reviewer_page.start_button.isEnabled()


def test_the_picker_opens_a_sample_by_number(qtbot, lab_db):
    tech = as_user(lab_db, "wangjian")
    page = make_page(qtbot, tech)
    assert page.work is None and not page.compile_button.isEnabled()
    target = testing.find_samples(tech, "", statuses=("testing",))[0]
    page.picker.setText(target.number[-6:])  # several match the tail of a number? open the only one
    qtbot.keyClick(page.picker, Qt.Key.Key_Return)
    settle(qtbot)
    assert page.work is not None and page.work.sample_id == target.id
    page.picker.setText("no such sample")
    page.open_typed()
    settle(qtbot)
    assert "没有" in page.message.text() and page.work.sample_id == target.id


def test_the_last_sample_waits_in_the_picker_and_a_sample_opened_from_another_page_wins(qtbot, lab_db):
    from app.ui.application import settings

    tech = as_user(lab_db, "wangjian")
    last = testing.find_samples(tech, "", statuses=("testing",))[0]
    wanted = sample_id(tech, "registered")
    settings().setValue("testing/last_sample", last.number)
    page = make_page(qtbot, tech)
    page.refresh()  # shown: the work list, with the sample worked on last time in the picker (Enter opens it)
    settle(qtbot)
    assert page.work is None and page.views.currentWidget() is page.worklist
    assert page.picker.text() == last.number
    page.open_typed()
    settle(qtbot)
    assert page.work.sample_id == last.id
    other = make_page(qtbot, tech)
    other.refresh()  # as MainWindow.go does: show the page, then open the sample asked for
    other.open(sample_id=wanted)
    settle(qtbot)
    assert other.work.sample_id == wanted and other.picker.text() == other.work.grid.sample_number


def test_the_buttons_render_the_permission_model(qtbot, lab_db, monkeypatch):
    """A technician sees 批准 disabled with the service's reason; the signatory enabled; and the
    buttons change when the permission model does (the page keeps no copy of the rules)."""
    from app.services import permissions

    tech, sig = as_user(lab_db, "wangjian"), as_user(lab_db, "zhaomin")
    sid = sample_id(tech, "completed", "不锈钢")
    report = _reviewed(lab_db, tech, sid)
    page = make_page(qtbot, tech, sid)
    assert page.work.report.status == "reviewed"
    assert not page.approve_button.isEnabled()
    assert page.approve_button.toolTip().endswith("只有授权签字人才能批准报告。")
    assert not page.review_button.isEnabled() and page.review_button.toolTip().endswith("只有审核人才能审核报告。")
    signer = make_page(qtbot, sig, sid)
    assert signer.approve_button.isEnabled() and signer.approve_button.toolTip() == signer.tr(
        "Approve the reviewed report (批准)")
    assert not signer.compile_button.isEnabled()
    assert signer.compile_button.toolTip().endswith("只有检验员才能编制报告。")

    real = permissions.report_actions

    def frozen(user, **facts):
        out = dict(real(user, **facts))
        out["approve"] = permissions.Action("approve", False, "测试：批准已冻结。", "state")
        return permissions.Allowed(out.values())

    monkeypatch.setattr(permissions, "report_actions", frozen)
    signer.refresh()
    settle(qtbot)
    assert not signer.approve_button.isEnabled() and signer.approve_button.toolTip().endswith("测试：批准已冻结。")
    with pytest.raises(Exception, match="测试：批准已冻结。"):  # and the service refuses with the same words
        reports.approve_report(sig, report.id, report.version, demo.DEMO_PASSWORD)
    monkeypatch.setattr(permissions, "sample_actions",
                        lambda user, **facts: permissions.Allowed(
                            permissions.Action(a, True) for a in permissions.SAMPLE_ACTIONS))
    page.refresh()
    settle(qtbot)
    assert page.start_button.isEnabled() and page.reopen_button.isEnabled()  # whatever the model says
