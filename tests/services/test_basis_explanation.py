"""依据说明 through the service: the candidates of an item worked out by the same rule function that
chose the stored basis; a stored basis the rules no longer give is said, and ``none`` is never shown."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from app.services import samples, testing
from app.store.models import ItemResult
from app.store.uow import UnitOfWork
from tests.services.conftest import ready_task
from tests.services.test_workflow import SAMPLING, form


def started(lab):
    task_id, scheme_id = ready_task(lab)
    s = samples.register_sample(lab.tech, form(task_id, scheme_id, received_date=SAMPLING + dt.timedelta(days=1)))
    grid = testing.start_testing(lab.tech, s.id, s.version, SAMPLING + dt.timedelta(days=2))
    return s.id, {r.item: r for r in grid.rows}


def test_candidates_in_step_order_with_reasons(lab):
    sid, rows = started(lab)
    e = testing.basis_explanation(lab.tech, sid, "额定功率")
    assert e.basis_text == rows["额定功率"].basis_text and e.trace_text == "16.3 → 16.1" and e.note == ""
    assert [(c.name, c.step, c.outcome_text) for c in e.candidates] == [
        ("GB/T 90001-2023", "16.1", "采用"),
        ("GB 90010-2020", "17.1", "未采用"),
    ]
    assert e.candidates[0].step_text.startswith("第十六条第一款") and "第十六条第三款" in e.candidates[0].reason
    assert e.candidates[1].reason == "未涵盖该项目"

    e = testing.basis_explanation(lab.tech, sid, "泄漏电流")
    assert [(c.name, c.step, c.outcome) for c in e.candidates] == [
        ("GB/T 90001-2023", "16.1", "rejected"),
        ("GB 90010-2020", "17.1", "chosen"),
    ]


def test_an_item_without_basis_says_so_in_words(lab):
    sid, rows = started(lab)
    row = rows["噪声"]
    assert row.rule_trace == ("none",) and row.trace_text == "无判定依据（需专家组评价）"
    assert row.explanation.startswith("无判定依据（需专家组评价）：")
    e = testing.basis_explanation(lab.tech, sid, "噪声")
    assert e.basis_text == "无判定依据（需专家组评价）" and e.trace_text == "无判定依据（需专家组评价）"
    assert {c.outcome for c in e.candidates} == {"rejected"} and len(e.candidates) == 2
    texts = [e.basis_text, e.trace_text, *(x for c in e.candidates for x in (c.name, c.step, c.step_text, c.reason))]
    assert not any(t == "none" or t.startswith("none") for t in texts)


def test_a_stored_basis_the_rules_no_longer_give_is_said(lab):
    sid, _ = started(lab)
    # as if the item had been planned against another catalog: the stored basis counts, and the view says so
    with UnitOfWork(lab.db, actor="test") as uow:
        r = uow.session.query(ItemResult).filter_by(sample_id=sid, item="额定功率").one()
        r.basis = {**r.basis, "code": "GB/T 90001-2015", "clause": "5.2"}
        uow.commit()
    e = testing.basis_explanation(lab.tech, sid, "额定功率")
    assert "不一致" in e.note and "以已存的依据为准" in e.note
    assert e.basis_text.startswith("GB/T 90001-2015")  # what is stored, not what is worked out now
    assert e.candidates  # and what the rules give now, to compare


def test_an_item_the_sample_does_not_have(lab):
    sid, _ = started(lab)
    with pytest.raises(ValidationError) as err:
        testing.basis_explanation(lab.tech, sid, "不存在的项目")
    assert "没有检验项目" in err.value.message
