"""What the 检验与判定 and 专家评价 pages need from the services: the sample picker, a sample's
Article 18 clock, the page's snapshot of a sample, panel lists and conflicts, and the rule that an
approved result changes only by amendment."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ConflictError, ValidationError
from app.services import reports, samples, testing
from tests.services.amending import amend_approved
from tests.services.conftest import PASSWORD, TODAY, ready_task
from tests.services.test_workflow import OUT_OF_PROVINCE, SAMPLING, SELLER, form

MEMBERS = [testing.PanelMemberInput(n, a, "教授", f"{n}的意见") for n, a in
           (("张明", "武汉大学"), ("李华", "湖北标准院"), ("周平", "华中科技大学"))]


def _register(lab, task_id, scheme_id, **kw):
    base = dict(place_type="physical_seller", sampled=SELLER, nominal_producer=OUT_OF_PROVINCE,
                received_date=SAMPLING + dt.timedelta(days=1))
    base.update(kw)
    return samples.register_sample(lab.tech, form(task_id, scheme_id, **base))


def _testing(lab, task_id, scheme_id, **kw):
    s = _register(lab, task_id, scheme_id, **kw)
    test_date = kw.get("received_date", SAMPLING + dt.timedelta(days=1)) + dt.timedelta(days=1)
    grid = testing.start_testing(lab.tech, s.id, s.version, test_date)
    return s, {r.item: r for r in grid.rows}


def _judge_all(lab, s, rows, leak="0.31"):
    testing.record_result(lab.tech, rows["泄漏电流"].id, rows["泄漏电流"].version, value_text=leak)
    testing.record_result(lab.tech, rows["额定功率"].id, rows["额定功率"].version, value_text="1.0")
    testing.record_result(lab.tech, rows["外观"].id, rows["外观"].version, value_text="平整", judgement="pass",
                          reason="目测平整")
    testing.record_panel(lab.tech, s.id, "噪声", members=MEMBERS, conclusion="无明显风险", finding="pass")


def _approved(lab, completed=TODAY):
    task_id, scheme_id = ready_task(lab)
    s, rows = _testing(lab, task_id, scheme_id)
    _judge_all(lab, s, rows)
    testing.complete_initial_monitoring(lab.tech, s.id, testing.results_grid(lab.tech, s.id).sample_version, completed)
    r = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    r = reports.review_report(lab.rev, r.id, r.version, PASSWORD)
    r = reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    return s, r


def test_the_picker_finds_samples_by_number_or_product(any_lab):
    lab = any_lab
    task_id, scheme_id = ready_task(lab)
    a = _register(lab, task_id, scheme_id)
    b = _register(lab, task_id, scheme_id, product_name="养生壶")
    c = _register(lab, task_id, scheme_id, received_date=None, batch_number="20260816")
    assert [x.number for x in testing.find_samples(lab.tech, "t-01")] == [c.number, b.number, a.number]
    # the exact number comes first, then the others that contain it
    assert testing.find_samples(lab.tech, a.number)[0].id == a.id
    assert [x.id for x in testing.find_samples(lab.tech, "养生")] == [b.id]
    assert testing.find_samples(lab.tech, "%") == []  # a wildcard typed by the user is a literal
    assert testing.find_samples(lab.tech, "T_01") == []
    assert {x.id for x in testing.find_samples(lab.tech, "", statuses=("received",))} == {a.id, b.id}
    assert len(testing.find_samples(lab.tech, "", limit=2)) == 2
    choice = testing.find_samples(lab.tech, c.number)[0]
    assert (choice.status, choice.task_number, choice.product_name) == ("registered", "T-01", "电热水壶")


def test_the_clock_of_one_sample(any_lab):
    lab = any_lab
    task_id, scheme_id = ready_task(lab)
    sampling = dt.date(2026, 9, 20)
    s, rows = _testing(lab, task_id, scheme_id, sampling_date=sampling, received_date=dt.date(2026, 9, 21))
    assert testing.sample_clock(lab.tech, s.id) is None
    preview = testing.reporting_deadline(lab.tech, dt.date(2026, 9, 30))
    assert (preview.deadline, preview.working_days, preview.provisional) == (dt.date(2026, 10, 13), 5, False)
    _judge_all(lab, s, rows)
    grid = testing.results_grid(lab.tech, s.id)
    testing.complete_initial_monitoring(lab.tech, s.id, grid.sample_version, dt.date(2026, 9, 30))
    # RULES.md §1: Oct 1–7 off; Oct 8, 9, 10 (Saturday, adjusted), 12, 13
    clock = testing.sample_clock(lab.tech, s.id, today=dt.date(2026, 10, 9))
    assert (clock.deadline, clock.working_days, clock.provisional) == (dt.date(2026, 10, 13), 5, False)
    assert (clock.days_left, clock.state, clock.on_time) == (3, "ok", None)
    assert testing.sample_clock(lab.tech, s.id, today=dt.date(2026, 10, 12)).state == "due_soon"
    late = testing.sample_clock(lab.tech, s.id, today=dt.date(2026, 10, 14))
    assert (late.days_left, late.state) == (-1, "overdue")
    reports.mark_reported(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version, dt.date(2026, 10, 15))
    done = testing.sample_clock(lab.tech, s.id, today=TODAY)
    assert (done.state, done.reported, done.on_time, done.days_left) == ("reported", dt.date(2026, 10, 15), False, -2)


def test_the_page_snapshot_of_a_sample(any_lab):
    lab = any_lab
    task_id, scheme_id = ready_task(lab)
    # a declared standard the catalog does not know: a warning that names no item
    s, rows = _testing(lab, task_id, scheme_id, declared_standards=("GB/T 90001", "QB/T 77777"))
    work = reports.sample_work(lab.tech, s.id)
    assert work.status == "testing" and work.clock is None and work.report is None
    assert any("QB/T 77777" in w for w in work.grid.warnings)
    assert testing.results_grid(lab.tech, s.id).warnings == work.grid.warnings
    assert work.parties == (SELLER.name, OUT_OF_PROVINCE.name)
    assert testing.panel_parties(lab.tech, s.id) == list(work.parties)
    _judge_all(lab, s, rows)
    testing.complete_initial_monitoring(lab.tech, s.id, testing.results_grid(lab.tech, s.id).sample_version, TODAY)
    r = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    reports.review_report(lab.rev, r.id, r.version, PASSWORD, accept=False, comment="泄漏电流请复核")
    work = reports.sample_work(lab.tech, s.id)
    assert work.report.status == "draft" and work.return_comment == "泄漏电流请复核"
    assert work.report.compiled_by_id == lab.tech.user.id and not work.has_approved_report
    assert work.clock.completed == TODAY and work.clock.state in ("ok", "due_soon")
    (panel,) = work.panels
    assert (panel.item, panel.finding, panel.created_by, panel.sample_number) == ("噪声", "pass", "TECH", s.number)
    r = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    assert r.id == work.report.id  # the returned draft is compiled again, with the same number
    r = reports.review_report(lab.rev, r.id, r.version, PASSWORD)
    reports.approve_report(lab.sig, r.id, r.version, PASSWORD)
    work = reports.sample_work(lab.tech, s.id)
    assert work.has_approved_report and work.return_comment == ""
    assert (work.report.reviewed_by_id, work.report.approved_by_id) == (lab.rev.user.id, lab.sig.user.id)


def test_panels_are_listed_with_their_sample_and_filtered(any_lab):
    lab = any_lab
    task_id, scheme_id = ready_task(lab)
    s1, rows1 = _testing(lab, task_id, scheme_id)
    s2, rows2 = _testing(lab, task_id, scheme_id, product_name="养生壶")
    testing.record_panel(lab.tech, s1.id, "噪声", members=MEMBERS, conclusion="无风险", finding="pass")
    others = [*MEMBERS[:2], testing.PanelMemberInput("吴刚", "中国计量大学", "研究员")]
    testing.record_panel(lab.tech2, s2.id, "噪声", members=others, conclusion="噪声偏大", finding="fail")
    newest, oldest = testing.list_panels(lab.tech)
    assert (newest.sample_number, newest.finding, newest.created_by) == (s2.number, "fail", "TECH2")
    assert [m.name for m in oldest.members] == ["张明", "李华", "周平"] and oldest.members[0].opinion == "张明的意见"
    assert [p.sample_id for p in testing.list_panels(lab.tech, text="吴刚")] == [s2.id]
    assert [p.sample_id for p in testing.list_panels(lab.tech, text="华中科技")] == [s1.id]
    assert [p.sample_id for p in testing.list_panels(lab.tech, text="养生")] == [s2.id]
    assert len(testing.list_panels(lab.tech, text="噪声")) == 2
    assert [p.sample_id for p in testing.list_panels(lab.tech, s1.id)] == [s1.id]
    assert testing.list_panels(lab.tech, text="nobody") == []


def test_a_panel_recorded_meanwhile_is_a_conflict(lab):
    task_id, scheme_id = ready_task(lab)
    s, rows = _testing(lab, task_id, scheme_id)
    seen = rows["噪声"].version
    testing.record_panel(lab.tech, s.id, "噪声", members=MEMBERS, conclusion="甲的结论", finding="pass",
                         result_version=seen)
    with pytest.raises(ConflictError):
        testing.record_panel(lab.tech2, s.id, "噪声", members=MEMBERS, conclusion="乙的结论", finding="fail",
                             result_version=seen)
    (panel,) = testing.list_panels(lab.tech, s.id)
    assert panel.conclusion == "甲的结论"


def test_approved_results_change_only_by_amendment(lab):
    s, r1 = _approved(lab)
    rows = {r.item: r for r in testing.results_grid(lab.tech, s.id).rows}
    amend_approved(lab.tech, lab.sig, PASSWORD, rows["泄漏电流"].id, rows["泄漏电流"].version, value_text="0.21",
                   amendment_reason="抄录错误")
    # the sample waits for its replacement report: no way back to in-place editing
    with pytest.raises(ValidationError, match="更正"):
        testing.reopen_testing(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version, "再改一处")
    # a second amendment before the new report is compiled is still an amendment
    amend_approved(lab.tech, lab.sig, PASSWORD, rows["额定功率"].id, rows["额定功率"].version, value_text="12",
                   amendment_reason="功率复测")
    r2 = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    assert r2.amendment_reason == "抄录错误；功率复测"
    rows = {r.item: r for r in testing.results_grid(lab.tech, s.id).rows}
    with pytest.raises(ValidationError, match="退回"):  # the replacement is being signed
        reports.amend_result(lab.tech, rows["外观"].id, rows["外观"].version, value_text="有毛刺", judgement="fail",
                             reason="毛刺", amendment_reason="复看")
    history = reports.sample_work(lab.tech, s.id).amendments
    assert [a.reason for a in history] == ["功率复测", "抄录错误"]  # newest first
    assert history[0].original["judgement"] == "pass" and history[0].amended["judgement"] == "fail"


def test_unapproved_results_are_not_amended(lab):
    task_id, scheme_id = ready_task(lab)
    s, rows = _testing(lab, task_id, scheme_id)
    row = testing.record_result(lab.tech, rows["泄漏电流"].id, rows["泄漏电流"].version, value_text="0.1")
    with pytest.raises(ValidationError, match="直接修改"):
        reports.amend_result(lab.tech, row.id, row.version, value_text="0.2", amendment_reason="x")
