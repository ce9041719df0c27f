"""Each scheme item has a hazard class (危害类别): by default the table's class for its name, set or
cleared by a person in the scheme, kept by a revision, and read by the risk-level proposal, whose
severity suggestion names the scheme as its source."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.services import catalog, reports, risk_evidence, samples, tasks, testing
from tests.services.conftest import PASSWORD, STANDARDS, TODAY, confirm
from tests.services.test_testing_more import _judge_all, _testing


def _scheme(lab, items: tuple[tasks.SchemeItemInput, ...]) -> tuple[int, tasks.SchemeInfo]:
    catalog.import_standards(lab.tech, STANDARDS)
    task = tasks.create_task(lab.tech, tasks.TaskInput(number="T-01", title="电热水壶风险监测", plan_year=TODAY.year,
                                                        batches_planned=10))
    scheme = tasks.create_scheme(lab.tech, task.id, tasks.SchemeInput(
        product="电热水壶", items=items,
        standards=(tasks.SchemeStandardInput("GB 90010-2020", "mandatory"),
                   tasks.SchemeStandardInput("GB/T 90001-2023", "similar"))))
    return task.id, scheme


ITEMS = (tasks.SchemeItemInput("泄漏电流", unit="mA"), tasks.SchemeItemInput("额定功率", important=True),
         tasks.SchemeItemInput("外观", important=True), tasks.SchemeItemInput("噪声"))


def _classes(info: tasks.SchemeInfo) -> dict[str, str | None]:
    return {i.name: i.hazard_class for i in info.data.items}


def test_items_default_from_the_table_and_a_person_may_set_or_clear_them(lab):
    _task, scheme = _scheme(lab, ITEMS)
    got = _classes(scheme)
    assert got["泄漏电流"] == "electric_shock" == tasks.default_hazard_class("泄漏电流")
    assert got["噪声"] == tasks.default_hazard_class("噪声")  # "" when the table does not know it
    changed = tasks.SchemeInput(product="电热水壶", items=(
        tasks.SchemeItemInput("泄漏电流", unit="mA", hazard_class="fire"),
        tasks.SchemeItemInput("额定功率", important=True, hazard_class=""),
        tasks.SchemeItemInput("外观", important=True), tasks.SchemeItemInput("噪声", hazard_class="mechanical")),
        standards=scheme.data.standards)
    scheme = tasks.update_scheme(lab.tech, scheme.id, scheme.version, changed)
    assert _classes(scheme) == {"泄漏电流": "fire", "额定功率": "", "外观": tasks.default_hazard_class("外观"),
                                "噪声": "mechanical"}
    with pytest.raises(ValidationError, match="危害类别不在危害类别表中"):
        tasks.update_scheme(lab.tech, scheme.id, scheme.version, tasks.SchemeInput(
            product="电热水壶", items=(tasks.SchemeItemInput("泄漏电流", hazard_class="no_such_class"),)))
    assert _classes(tasks.get_scheme(lab.tech, scheme.id))["泄漏电流"] == "fire"  # nothing written

    # a revision of the confirmed scheme keeps every class as set
    scheme = tasks.submit_scheme(lab.tech, scheme.id, scheme.version)
    scheme = tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=True, password=PASSWORD)
    scheme = confirm(lab, scheme)
    revised = tasks.revise_scheme(lab.tech, scheme.id, scheme.version, "增加项目")
    assert revised.revision == 2 and _classes(revised) == _classes(scheme)


def test_the_proposal_suggests_severity_from_the_schemes_class(lab):
    # 泄漏电流 would be 触电 (4) by the table; the scheme says 锐利边缘 (2) for this product
    items = (tasks.SchemeItemInput("泄漏电流", unit="mA", hazard_class="sharp_edges"), *ITEMS[1:])
    task_id, scheme = _scheme(lab, items)
    scheme = tasks.submit_scheme(lab.tech, scheme.id, scheme.version)
    scheme = tasks.review_scheme(lab.rev, scheme.id, scheme.version, accept=True, password=PASSWORD)
    scheme = confirm(lab, scheme)
    s, rows = _testing(lab, task_id, scheme.id)
    _judge_all(lab, s, rows)  # 泄漏电流 0.31 fails
    testing.complete_initial_monitoring(lab.tech, s.id, testing.results_grid(lab.tech, s.id).sample_version, TODAY)
    r = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    r = reports.review_report(lab.rev, r.id, r.version, PASSWORD)
    reports.approve_report(lab.sig, r.id, r.version, PASSWORD)

    ev = risk_evidence.proposal_evidence(lab.tech, task_id)
    leak = next(i for i in ev.items if i.item == "泄漏电流")
    assert (leak.hazard_class, leak.severity, leak.origin) == ("sharp_edges", 2, "scheme")
    severity = ev.get("severity")
    assert severity.suggested == 2
    assert "监测方案" in severity.source and "“泄漏电流”（方案）" in severity.source
    # a person may still choose another class in the proposal
    assert ev.severity_for({"泄漏电流": "electric_shock"}).suggested == 4
