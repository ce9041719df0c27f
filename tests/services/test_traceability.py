"""Traceability of the item (ISO/IEC 17025 7.8.2.1): the sampling-record number (抽样单编号, unique
within a task), the test category (检验类别) and the sample's condition at receipt (样品状态)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import ValidationError
from app.services import samples, tasks
from app.store.models import Sample
from tests.services.conftest import TODAY, audit_ok, confirmed_scheme, ready_task

SAMPLING = TODAY - dt.timedelta(days=5)
PRODUCER = samples.PartyInput("武汉市康泰电器有限公司", "91420100MA4K1A2B88")


def form(task_id: int, scheme_id: int | None, **kw) -> samples.SampleInput:
    base = dict(task_id=task_id, scheme_id=scheme_id, sampled=PRODUCER, product_name="电热水壶",
                sampling_date=SAMPLING, sampling_place="成品仓库", samplers=("王建", "刘洋"))
    base.update(kw)
    return samples.SampleInput(**base)


def count_samples(lab) -> int:
    with lab.tech.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Sample)) or 0


def test_the_fields_are_stored_and_read_back(lab):
    task_id, scheme_id = ready_task(lab)
    s = samples.register_sample(lab.tech, form(task_id, scheme_id, sampling_record_number=" CY-2026-0001 ",
                                               received_date=SAMPLING, condition_on_receipt="封样完好，封条无破损"))
    d = samples.get_sample(lab.tech, s.id).data
    assert d.sampling_record_number == "CY-2026-0001"
    assert d.test_category == "风险监测"  # the default
    assert d.condition_on_receipt == "封样完好，封条无破损"
    again = samples.update_sample(lab.tech, s.id, s.version, form(task_id, scheme_id, sampling_record_number="CY-2026-0001",
                                                                  test_category="复检", received_date=SAMPLING,
                                                                  condition_on_receipt="完好"))
    d = samples.get_sample(lab.tech, again.id).data
    assert (d.sampling_record_number, d.test_category, d.condition_on_receipt) == ("CY-2026-0001", "复检", "完好")
    assert audit_ok(lab.db)


def test_a_repeated_record_number_is_refused_naming_the_sample_that_has_it(lab):
    task_id, scheme_id = ready_task(lab)
    first = samples.register_sample(lab.tech, form(task_id, scheme_id, sampling_record_number="CY-0001"))
    with pytest.raises(ValidationError) as err:
        samples.register_sample(lab.tech, form(task_id, scheme_id, sampling_record_number="CY-0001"))
    message = err.value.errors["sampling_record_number"]
    assert "CY-0001" in message and first.number in message
    assert count_samples(lab) == 1
    # another sample may not take it either by an edit
    second = samples.register_sample(lab.tech, form(task_id, scheme_id, sampling_record_number="CY-0002"))
    with pytest.raises(ValidationError) as err:
        samples.update_sample(lab.tech, second.id, second.version,
                              form(task_id, scheme_id, sampling_record_number="CY-0001"))
    assert first.number in err.value.errors["sampling_record_number"]
    assert samples.get_sample(lab.tech, second.id).data.sampling_record_number == "CY-0002"
    # samples without a number do not collide; another task may use the same number
    samples.register_sample(lab.tech, form(task_id, scheme_id))
    samples.register_sample(lab.tech, form(task_id, scheme_id))
    other = tasks.create_task(lab.tech, tasks.TaskInput(number="T-02", title="另一任务", plan_year=TODAY.year))
    confirmed_scheme(lab, other.id)
    samples.register_sample(lab.tech, form(other.id, None, sampling_record_number="CY-0001"))
    assert count_samples(lab) == 5


def test_a_batch_refuses_a_number_repeated_in_the_batch_or_taken_in_the_task(lab):
    task_id, scheme_id = ready_task(lab)
    taken = samples.register_sample(lab.tech, form(task_id, scheme_id, sampling_record_number="CY-0009"))
    rows = [form(task_id, scheme_id, sampling_record_number="CY-0001"),
            form(task_id, scheme_id, sampling_record_number="CY-0001"),
            form(task_id, scheme_id, sampling_record_number="CY-0009")]
    with pytest.raises(ValidationError) as err:
        samples.register_samples(lab.tech, rows)
    e = err.value.errors
    assert e["row2.sampling_record_number"] == "第 2 行：抽样单编号“CY-0001”与第 1 行重复。"
    with pytest.raises(ValidationError) as err:
        samples.register_samples(lab.tech, [rows[0], rows[2]])
    assert taken.number in err.value.errors["row2.sampling_record_number"]
    assert count_samples(lab) == 1


def test_receiving_records_the_condition_and_needs_one(lab):
    task_id, scheme_id = ready_task(lab)
    s = samples.register_sample(lab.tech, form(task_id, scheme_id))
    for condition in ("", "   "):
        with pytest.raises(ValidationError) as err:
            samples.receive_sample(lab.tech, s.id, s.version, TODAY, condition)
        assert "样品状态" in err.value.errors["condition_on_receipt"]
    with pytest.raises(ValidationError) as err:
        samples.receive_sample(lab.tech, s.id, s.version, TODAY, "完" * 301)
    assert "300" in err.value.errors["condition_on_receipt"]
    assert samples.get_sample(lab.tech, s.id).status == "registered"
    done = samples.receive_sample(lab.tech, s.id, s.version, TODAY, " 样品完好，包装无破损 ")
    detail = samples.get_sample(lab.tech, done.id)
    assert detail.status == "received" and detail.data.received_date == TODAY
    assert detail.data.condition_on_receipt == "样品完好，包装无破损"


def test_the_form_checks_the_new_fields(lab):
    task_id, scheme_id = ready_task(lab)
    errors = samples.validate(form(task_id, scheme_id, sampling_record_number="X" * 65, test_category=" ",
                                   condition_on_receipt="完好"))
    assert "64" in errors["sampling_record_number"]
    assert "检验类别" in errors["test_category"]
    assert "收样日期" in errors["condition_on_receipt"]  # a condition is recorded at receipt
    assert samples.validate(form(task_id, scheme_id, received_date=SAMPLING, condition_on_receipt="完好")) == {}
    assert samples.CONDITION_CHOICES[0] == "完好" and samples.TEST_CATEGORIES[0] == "风险监测"
