"""The whole path of one sample through the services: register → test → judge → panel → complete →
compile → review → approve → amend, with the rules and the roles enforced on the way."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from app.errors import ConflictError, PermissionDenied, ValidationError
from app.services import dashboard, reports, samples, tasks, testing
from app.services.users import AuthenticationError
from tests.services.amending import amend_approved
from tests.services.conftest import PASSWORD, TODAY, audit_ok, ready_task

SAMPLING = TODAY - dt.timedelta(days=10)


def party(name: str, uscc: str) -> samples.PartyInput:
    return samples.PartyInput(name=name, uscc=uscc)


PRODUCER = party("武汉市康泰电器有限公司", "91420100MA4K1A2B88")
SELLER = party("武汉市江岸区顺和家电商行", "92420102MA4K0ABC8E")
OUT_OF_PROVINCE = party("佛山市顺德区美厨电器有限公司", "91440606MA51XY2N0L")
PLATFORM = party("杭州某某网络科技有限公司", "91330100MA27ABCD4M")


def form(task_id: int, scheme_id: int, **kw) -> samples.SampleInput:
    base = dict(
        task_id=task_id, scheme_id=scheme_id, place_type="producer", sampled=PRODUCER, product_name="电热水壶",
        brand="康泰", model_spec="KT-1718", batch_number="20260815", declared_standards=("GB/T 90001",),
        sampling_date=SAMPLING, sampling_place="成品仓库", samplers=("王建", "刘洋"), test_quantity="3",
        backup_quantity="3",
    )
    base.update(kw)
    return samples.SampleInput(**base)


def test_validation_reports_every_bad_field_and_writes_nothing(lab):
    task_id, scheme_id = ready_task(lab)
    bad = form(
        task_id, scheme_id, place_type="e_platform", sampled=party("某网店", "92420102MA4K0ABC8F"),
        samplers=("王建",), sampling_date=TODAY + dt.timedelta(days=1), test_quantity="abc",
    )
    with pytest.raises(ValidationError) as err:
        samples.register_sample(lab.tech, bad)
    e = err.value.errors
    assert "第 18 位校验码" in e["sampled.uscc"]
    assert e["samplers"] == "抽样人员不得少于 2 人。"
    assert "nominal_producer.name" in e and "platform_operator.name" in e
    for key in ("shop_name", "shop_url", "order_number", "logistics_number", "sampling_date", "test_quantity"):
        assert key in e, key
    assert samples.check_uscc("91420100MA4K1A2B88") is None
    assert samples.check_uscc("91420100MA4K1A2B89")
    with lab.tech.uow() as uow:
        from sqlalchemy import func, select

        from app.store.models import Enterprise, Sample

        assert uow.session.scalar(select(func.count()).select_from(Sample)) == 0
        assert uow.session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_dates_must_be_in_order():
    assert samples.check_dates(dt.date(2026, 3, 5), dt.date(2026, 3, 4), None, None) == {
        "received_date": "收样日期不能早于抽样日期（2026-03-05）。"
    }
    assert samples.check_dates(dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 3)) == {}
    assert "completed_date" in samples.check_dates(dt.date(2026, 3, 1), None, dt.date(2026, 3, 5), dt.date(2026, 3, 4))


def test_one_sample_of_each_place_type_and_numbers_from_the_pattern(lab):
    task_id, scheme_id = ready_task(lab)
    a = samples.register_sample(lab.tech, form(task_id, scheme_id))
    b = samples.register_sample(
        lab.tech, form(task_id, scheme_id, place_type="physical_seller", sampled=SELLER, nominal_producer=OUT_OF_PROVINCE)
    )
    c = samples.register_sample(
        lab.tech2,
        form(task_id, scheme_id, place_type="e_platform", sampled=SELLER, nominal_producer=OUT_OF_PROVINCE,
             platform_operator=PLATFORM, shop_name="旗舰店", shop_url="https://shop.example.com/1",
             order_number="DD1", logistics_number="SF1", unpacking_evidence="拆封录像", sampling_place="",
             batch_number="20260901"),
    )
    assert [a.number, b.number, c.number] == ["T-01-0001", "T-01-0002", "T-01-0003"]
    detail = samples.get_sample(lab.tech, c.id)
    assert detail.data.platform_operator.name == PLATFORM.name
    assert detail.data.shop_url == "https://shop.example.com/1"
    # a producer sample is its own nominal producer
    assert samples.get_sample(lab.tech, a.id).data.nominal_producer.uscc == PRODUCER.uscc
    with pytest.raises(PermissionDenied):
        samples.register_sample(lab.rev, form(task_id, scheme_id))
    assert audit_ok(lab.db)


_OTHER_BATCHES = itertools.count(2)


def _tested_sample(lab, task: tuple[int, int] | None = None):
    """A sample under test in a new task, or in ``task`` (task id, scheme id)."""
    task_id, scheme_id = task or ready_task(lab)
    # another sample of the same task comes from another batch (the same one would be a duplicate)
    batch = {"batch_number": f"20260815-{next(_OTHER_BATCHES)}"} if task else {}
    s = samples.register_sample(
        lab.tech,
        form(task_id, scheme_id, place_type="physical_seller", sampled=SELLER, nominal_producer=OUT_OF_PROVINCE,
             received_date=SAMPLING + dt.timedelta(days=1), **batch),
    )
    grid = testing.start_testing(lab.tech, s.id, s.version, SAMPLING + dt.timedelta(days=2))
    return s, {r.item: r for r in grid.rows}


def test_basis_comes_from_the_rules_with_its_trace(lab):
    _, rows = _tested_sample(lab)
    # declared GB/T 90001 without year: the version current on the test date (16.3), then 16.1
    assert rows["额定功率"].rule_trace == ("16.3", "16.1")
    assert rows["额定功率"].basis["code"] == "GB/T 90001-2023"
    assert "第十六条第三款" in rows["额定功率"].explanation
    # not in the declared standard: the mandatory GB covers it (17.1)
    assert rows["泄漏电流"].rule_trace == ("17.1",)
    assert rows["泄漏电流"].basis_text == "GB 90010-2020 第 13.2 条"
    # no standard covers it: no basis, an expert panel is needed
    assert rows["噪声"].basis is None and rows["噪声"].needs_panel


def test_results_are_judged_and_the_clock_starts_at_completion(lab):
    s, rows = _tested_sample(lab)
    r = testing.record_result(lab.tech, rows["泄漏电流"].id, rows["泄漏电流"].version, value_text="0.31")
    assert r.judgement == "fail"
    r = testing.record_result(lab.tech, rows["额定功率"].id, rows["额定功率"].version, value_text="-3.5")
    assert r.judgement == "pass"
    with pytest.raises(ValidationError) as err:
        testing.record_result(lab.tech, rows["额定功率"].id, r.version, value_text="abc")
    assert "不是数值" in err.value.errors["value"]
    with pytest.raises(ValidationError) as err:  # a text requirement needs a judgement and a reason
        testing.record_result(lab.tech, rows["外观"].id, rows["外观"].version, value_text="有毛刺")
    assert set(err.value.errors) == {"judgement", "reason"}
    testing.record_result(lab.tech, rows["外观"].id, rows["外观"].version, value_text="有毛刺", judgement="fail",
                          reason="焊缝处有毛刺")
    with pytest.raises(ValidationError, match="专家组"):
        testing.record_result(lab.tech, rows["噪声"].id, rows["噪声"].version, value_text="50")

    # expert panel: two members without justification is refused; a conflicted member too
    two = [testing.PanelMemberInput("张明", "武汉大学", "教授"), testing.PanelMemberInput("李华", "湖北标准院", "高工")]
    with pytest.raises(ValidationError, match="不少于 3 人"):
        testing.record_panel(lab.tech, s.id, "噪声", members=two, conclusion="无明显风险", finding="pass")
    conflicted = [*two, testing.PanelMemberInput("周平", OUT_OF_PROVINCE.name, "工程师")]
    with pytest.raises(ValidationError, match="利益冲突"):
        testing.record_panel(lab.tech, s.id, "噪声", members=conflicted, conclusion="无明显风险", finding="pass")
    with pytest.raises(ValidationError, match="尚未判定"):
        testing.complete_initial_monitoring(lab.tech, s.id, testing.results_grid(lab.tech, s.id).sample_version, TODAY)
    testing.record_panel(lab.tech, s.id, "噪声", members=two, conclusion="无明显风险", finding="pass",
                         justification="该领域专家仅两人可约")
    grid = testing.results_grid(lab.tech, s.id)
    assert grid.all_judged
    completed = TODAY - dt.timedelta(days=1)
    grid = testing.complete_initial_monitoring(lab.tech, s.id, grid.sample_version, completed)
    assert grid.status == "completed"
    board = dashboard.load_board(lab.tech, today=TODAY)
    (row,) = board.rows
    assert row.sample_number == s.number and row.problems_found
    assert row.completed == completed and row.deadline > completed
    assert row.state in ("ok", "due_soon")


def _completed(lab, task: tuple[int, int] | None = None):
    s, rows = _tested_sample(lab, task)
    for item, value in (("泄漏电流", "0.31"), ("额定功率", "1.0")):
        testing.record_result(lab.tech, rows[item].id, rows[item].version, value_text=value)
    testing.record_result(lab.tech, rows["外观"].id, rows["外观"].version, value_text="平整", judgement="pass",
                          reason="目测平整")
    members = [testing.PanelMemberInput(n, "某大学") for n in ("甲", "乙", "丙")]
    testing.record_panel(lab.tech, s.id, "噪声", members=members, conclusion="无风险", finding="pass")
    grid = testing.results_grid(lab.tech, s.id)
    testing.complete_initial_monitoring(lab.tech, s.id, grid.sample_version, TODAY)
    return s


def test_compile_review_approve_by_different_people(lab):
    s = _completed(lab)
    report = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    assert report.status == "compiled" and report.number.endswith("-0001")
    with pytest.raises(PermissionDenied):  # a technician cannot approve
        reports.approve_report(lab.tech, report.id, report.version, PASSWORD)
    with pytest.raises(AuthenticationError):
        reports.review_report(lab.rev, report.id, report.version, "wrong password")
    with pytest.raises(ValidationError, match="须先审核"):
        reports.approve_report(lab.sig, report.id, report.version, PASSWORD)
    report = reports.review_report(lab.rev, report.id, report.version, PASSWORD)
    report = reports.approve_report(lab.sig, report.id, report.version, PASSWORD)
    assert (report.status, report.compiled_by, report.reviewed_by, report.approved_by) == ("approved", "TECH", "REV", "SIG")
    assert samples.get_sample(lab.tech, s.id).status == "approved"


def test_nobody_approves_a_report_they_compiled(lab):
    s = _completed(lab)
    from app.services import users
    from app.services.context import Context, CurrentUser

    info = users.create_user_unchecked(lab.db, actor="t", username="allround", display_name="全能",
                                       roles=["technician", "reviewer", "signatory"], password=PASSWORD)
    me = Context(lab.db, CurrentUser(info.id, info.username, info.display_name, frozenset(info.roles)))
    report = reports.compile_report(me, s.id, samples.get_sample(me, s.id).version)
    with pytest.raises(PermissionDenied, match="自己编制"):
        reports.review_report(me, report.id, report.version, PASSWORD)
    report = reports.review_report(lab.rev, report.id, report.version, PASSWORD)
    with pytest.raises(PermissionDenied, match="自己编制"):
        reports.approve_report(me, report.id, report.version, PASSWORD)


def test_amendment_keeps_the_original_and_a_new_report_replaces_the_old(lab):
    s = _completed(lab)
    r1 = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    r1 = reports.review_report(lab.rev, r1.id, r1.version, PASSWORD)
    r1 = reports.approve_report(lab.sig, r1.id, r1.version, PASSWORD)
    row = next(r for r in testing.results_grid(lab.tech, s.id).rows if r.item == "泄漏电流")
    with pytest.raises(ValidationError, match="更正"):
        testing.record_result(lab.tech, row.id, row.version, value_text="0.2")
    with pytest.raises(ValidationError):
        reports.amend_result(lab.tech, row.id, row.version, value_text="0.21", amendment_reason=" ")
    a = amend_approved(lab.tech, lab.sig, PASSWORD, row.id, row.version, value_text="0.21", amendment_reason="抄录错误")
    assert a.original["value_text"] == "0.31" and a.original["judgement"] == "fail"
    assert a.amended["value_text"] == "0.21" and a.amended["judgement"] == "pass"
    r2 = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    assert r2.number != r1.number and r2.replaces_number == r1.number and r2.amendment_reason == "抄录错误"
    r2 = reports.review_report(lab.rev, r2.id, r2.version, PASSWORD)
    reports.approve_report(lab.sig, r2.id, r2.version, PASSWORD)
    assert reports.get_report(lab.tech, r1.id).status == "superseded"
    assert [x.reason for x in reports.list_amendments(lab.tech, s.id)] == ["抄录错误"]
    assert audit_ok(lab.db)


def test_stale_edit_is_a_conflict_not_a_lost_update(any_lab):
    lab = any_lab
    task = tasks.create_task(lab.tech, tasks.TaskInput(number="X-1", title="原名称"))
    seen_by_a = tasks.get_task(lab.tech, task.id)
    seen_by_b = tasks.get_task(lab.tech2, task.id)
    tasks.update_task(lab.tech, task.id, seen_by_a.version, tasks.TaskInput(number="X-1", title="甲改的"))
    with pytest.raises(ConflictError, match="其他用户修改"):
        tasks.update_task(lab.tech2, task.id, seen_by_b.version, tasks.TaskInput(number="X-1", title="乙改的"))
    assert tasks.get_task(lab.tech, task.id).data.title == "甲改的"


def test_scheme_review_needs_another_person(lab):
    task = tasks.create_task(lab.tech, tasks.TaskInput(number="S-1", title="方案"))
    both = tasks.create_scheme(lab.tech, task.id, tasks.SchemeInput("产品", (tasks.SchemeItemInput("A"),)))
    both = tasks.submit_scheme(lab.tech, both.id, both.version)
    with pytest.raises(ValidationError, match="修改意见"):
        tasks.review_scheme(lab.rev, both.id, both.version, accept=False, password=PASSWORD)
    back = tasks.review_scheme(lab.rev, both.id, both.version, accept=False, comment="补充项目", password=PASSWORD)
    assert back.status == "returned" and back.review_comment == "补充项目"
    with pytest.raises(ValidationError, match="重复"):
        tasks.update_scheme(lab.tech, back.id, back.version,
                            tasks.SchemeInput("产品", (tasks.SchemeItemInput("A"), tasks.SchemeItemInput("A"))))


def test_batch_registration_numbers_follow_single_ones(lab):
    task_id, scheme_id = ready_task(lab)
    one = samples.register_sample(lab.tech, form(task_id, scheme_id))
    batch = samples.register_samples(lab.tech, [form(task_id, scheme_id, batch_number=f"B{i}") for i in range(3)])
    two = samples.register_sample(lab.tech, form(task_id, scheme_id, batch_number="B3"))
    assert [one.number, *[b.number for b in batch], two.number] == [f"T-01-000{i}" for i in range(1, 6)]
    with pytest.raises(ValidationError) as err:  # one bad row: nothing is written, the row is named
        samples.register_samples(lab.tech, [form(task_id, scheme_id), form(task_id, scheme_id, samplers=("王建",))])
    assert "第 2 行" in err.value.message
    assert samples.register_sample(lab.tech, form(task_id, scheme_id, batch_number="B4")).number == "T-01-0006"
