"""A second registration of the same sample (same sampled party, product, batch or production date
and sampling date, in the same task) is refused naming the first, unless a reason is given."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import ValidationError
from app.services import samples, tasks
from app.store.models import AuditLog, Sample
from tests.services.conftest import TODAY, audit_ok, confirmed_scheme, ready_task
from tests.services.test_workflow import SELLER, form


def count(lab) -> int:
    with lab.tech.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Sample)) or 0


def test_a_likely_duplicate_is_refused_naming_the_sample_already_registered(lab):
    task_id, scheme_id = ready_task(lab)
    first = samples.register_sample(lab.tech, form(task_id, scheme_id))
    with pytest.raises(samples.DuplicateSampleError) as err:
        samples.register_sample(lab.tech, form(task_id, scheme_id, brand="康泰 ", sampling_place="另一仓库"))
    assert isinstance(err.value, ValidationError) and err.value.existing == first.number
    assert first.number in err.value.message and "重复" in err.value.message
    assert count(lab) == 1
    # the same production date where neither has a batch number is the same lot as well
    dated = dict(batch_number="", production_date=TODAY - dt.timedelta(days=40))
    second = samples.register_sample(lab.tech, form(task_id, scheme_id, **dated))
    with pytest.raises(samples.DuplicateSampleError, match=second.number):
        samples.register_sample(lab.tech, form(task_id, scheme_id, **dated))


def test_what_tells_samples_apart_is_not_a_duplicate(lab):
    task_id, scheme_id = ready_task(lab)
    samples.register_sample(lab.tech, form(task_id, scheme_id))
    samples.register_sample(lab.tech, form(task_id, scheme_id, batch_number="20260816"))
    samples.register_sample(lab.tech, form(task_id, scheme_id, product_name="电热水瓶"))
    samples.register_sample(lab.tech, form(task_id, scheme_id, sampling_date=TODAY - dt.timedelta(days=9)))
    samples.register_sample(lab.tech, form(task_id, scheme_id, place_type="physical_seller", sampled=SELLER,
                                           nominal_producer=samples.PartyInput("佛山市顺德区美厨电器有限公司",
                                                                               "91440606MA51XY2N0L")))
    # nothing tells the lot (no batch number, no production date): not called a duplicate
    samples.register_sample(lab.tech, form(task_id, scheme_id, batch_number=""))
    samples.register_sample(lab.tech, form(task_id, scheme_id, batch_number=""))
    other = tasks.create_task(lab.tech, tasks.TaskInput(number="T-02", title="另一任务", plan_year=TODAY.year))
    confirmed_scheme(lab, other.id)
    samples.register_sample(lab.tech, form(other.id, None))
    assert count(lab) == 8


def test_registering_anyway_needs_a_reason_which_is_kept_in_the_notes_and_audited(lab):
    task_id, scheme_id = ready_task(lab)
    first = samples.register_sample(lab.tech, form(task_id, scheme_id))
    for empty in ("", "   "):
        with pytest.raises(ValidationError) as err:
            samples.register_sample(lab.tech, form(task_id, scheme_id), duplicate_reason=empty)
        assert err.value.errors == {"duplicate_reason": "请填写仍然登记的原因（为什么这不是重复登记）。"}
    assert count(lab) == 1
    again = samples.register_sample(lab.tech, form(task_id, scheme_id, notes="外包装有破损"),
                                    duplicate_reason=" 同批次两个不同型号，分别抽样 ")
    notes = samples.get_sample(lab.tech, again.id).data.notes
    assert notes.splitlines() == ["外包装有破损", f"{samples.DUPLICATE_NOTE}同批次两个不同型号，分别抽样（与样品 {first.number} 相似）"]
    with lab.tech.uow() as uow:
        logged = [str(after) for after in uow.session.scalars(select(AuditLog.after).where(
            AuditLog.table_name == "samples", AuditLog.row_id == again.id))]
    assert any("重复登记说明" in after for after in logged)
    assert audit_ok(lab.db)
    # a reason given where there is no duplicate is not written
    lone = samples.register_sample(lab.tech, form(task_id, scheme_id, batch_number="X-1"), duplicate_reason="以防万一")
    assert samples.get_sample(lab.tech, lone.id).data.notes == ""
