"""The risk-information register (Articles 10–12), its monthly grouping (Article 11) and the
proposed warning level of a task (Articles 19–20), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import ConflictError, PermissionDenied, ValidationError
from app.services import lab as lab_service
from app.services import risk, samples
from app.store.models import RiskInformation, RiskInformationSample, RiskProposal, Sample
from tests.services.conftest import TODAY, audit_ok, ready_task

PRODUCER = samples.PartyInput(name="武汉市康泰电器有限公司", uscc="91420100MA4K1A2B88")


def register(lab, task_id: int, scheme_id: int, batch: str) -> samples.SampleSummary:
    return samples.register_sample(
        lab.tech,
        samples.SampleInput(
            task_id=task_id, scheme_id=scheme_id, place_type="producer", sampled=PRODUCER, product_name="电热水壶",
            batch_number=batch, sampling_date=TODAY - dt.timedelta(days=5), sampling_place="成品仓库",
            samplers=("王建", "刘洋"),
        ),
    )


def entry(**kw) -> risk.RiskInfoInput:
    base = dict(received_date=TODAY, source=2, title="消费者投诉电热水壶外壳带电", product="电热水壶", region="武汉市")
    base.update(kw)
    return risk.RiskInfoInput(**base)


def count(db, model) -> int:
    from app.store.uow import UnitOfWork

    with UnitOfWork(db, actor="test") as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_an_entry_with_key_reasons_and_linked_samples(any_lab):
    lab = any_lab
    task_id, scheme_id = ready_task(lab)
    a = register(lab, task_id, scheme_id, "B1")
    b = register(lab, task_id, scheme_id, "B2")
    info = risk.create_info(
        lab.tech, entry(key_risk=True, key_reasons=(4, 1), sample_numbers=(a.number, " ", a.number, b.number))
    )
    assert info.data.key_reasons == (1, 4)
    assert [s.number for s in info.samples] == sorted([a.number, b.number])
    assert info.samples[0].task_number == "T-01"
    assert info.source_label == "消费者投诉、举报的"
    assert info.key_reason_labels[1] == "消费者和社会高度关注的"
    assert info.created_by == "TECH"

    listed = risk.list_info(lab.rev, key_risk=True)
    assert [i.id for i in listed] == [info.id]
    assert listed[0].data.sample_numbers == info.data.sample_numbers

    # unlink one sample, drop the key flag: the link row goes, the sample stays
    updated = risk.update_info(lab.rev, info.id, info.version, entry(sample_numbers=(b.number,), status="assessing"))
    assert updated.data.sample_numbers == (b.number,) and updated.data.key_reasons == ()
    assert updated.status_label == "研判中"
    assert count(lab.db, RiskInformationSample) == 1 and count(lab.db, Sample) == 2
    with pytest.raises(ConflictError):
        risk.update_info(lab.tech, info.id, info.version, entry())
    assert audit_ok(lab.db)


def test_bad_input_names_every_field_and_writes_nothing(any_lab):
    lab = any_lab
    with pytest.raises(ValidationError) as err:
        risk.create_info(
            lab.tech,
            risk.RiskInfoInput(received_date=TODAY + dt.timedelta(days=1), source=10, title=" ", key_risk=True),
        )
    assert set(err.value.errors) == {"received_date", "source", "title", "key_reasons"}
    with pytest.raises(ValidationError) as err:
        risk.create_info(lab.tech, entry(key_reasons=(2,)))
    assert "只有列为重点风险信息" in err.value.errors["key_reasons"]
    with pytest.raises(ValidationError) as err:
        risk.create_info(lab.tech, entry(key_risk=True, key_reasons=(8,)))
    assert "key_reasons" in err.value.errors
    with pytest.raises(ValidationError) as err:
        risk.create_info(lab.tech, entry(sample_numbers=("NO-SUCH-1", "NO-SUCH-2")))
    assert err.value.errors == {"samples": "找不到样品编号：NO-SUCH-1、NO-SUCH-2。"}
    with pytest.raises(ValidationError) as err:
        risk.create_info(lab.tech, entry(source=None, sample_numbers=("NO-SUCH-1",)))
    assert set(err.value.errors) == {"source", "samples"}
    with pytest.raises(PermissionDenied):
        risk.create_info(lab.sig, entry())
    assert count(lab.db, RiskInformation) == 0


def test_filters_and_the_monthly_grouping(any_lab):
    lab = any_lab
    lab_service.save_lab(lab.admin, name="荆楚检验中心", cma_number="241712050999", address="", phone="", version=None)
    risk.create_info(lab.tech, entry(received_date=dt.date(2025, 3, 31), source=8, title="三月最后一天"))
    first = risk.create_info(lab.tech, entry(received_date=dt.date(2025, 4, 1), source=2, title="四月一日投诉"))
    key = risk.create_info(
        lab.tech,
        entry(received_date=dt.date(2025, 4, 15), source=5, title="技术机构发现帽绳问题", key_risk=True,
              key_reasons=(1, 4), product="儿童服装"),
    )
    risk.create_info(lab.tech, entry(received_date=dt.date(2025, 4, 30), source=2, title="四月三十日投诉"))
    risk.create_info(lab.tech, entry(received_date=dt.date(2025, 5, 1), source=2, title="五月"))

    april = risk.list_info(lab.tech, year=2025, month=4)
    assert [i.data.title for i in april] == ["四月三十日投诉", "技术机构发现帽绳问题", "四月一日投诉"]
    assert [i.id for i in risk.list_info(lab.tech, year=2025, month=4, source=5)] == [key.id]
    assert len(risk.list_info(lab.tech, year=2025, month=4, key_risk=False)) == 2
    assert len(risk.list_info(lab.tech, year=2025)) == 5
    assert [i.id for i in risk.list_info(lab.tech, text="帽绳")] == [key.id]
    assert [i.id for i in risk.list_info(lab.tech, text="儿童")] == [key.id]

    month = risk.monthly_data(lab.tech, 2025, 4)
    assert month.period == "2025年4月" and month.total == 3 and month.key_total == 1
    assert (month.lab_name, month.cma_number) == ("荆楚检验中心", "241712050999")
    assert [e.serial for e in month.entries] == ["202504-001", "202504-002", "202504-003"]
    assert month.entries[0].id == first.id
    assert [g.source for g in month.by_source] == list(range(1, 10))
    by_source = {g.source: g for g in month.by_source}
    assert by_source[2].count == 2 and by_source[5].count == 1 and by_source[8].count == 0
    assert by_source[5].key_count == 1 and by_source[5].clause == "第十条（五）"
    assert [e.title for e in month.key_entries] == ["技术机构发现帽绳问题"]
    reasons = {r.reason: r.count for r in month.by_key_reason}
    assert reasons == {1: 1, 2: 0, 3: 0, 4: 1, 5: 0, 6: 0, 7: 0}
    december = risk.monthly_data(lab.tech, 2025, 12)
    assert december.total == 0 and len(december.by_source) == 9
    with pytest.raises(ValidationError):
        risk.monthly_data(lab.tech, 2025, 13)


@pytest.mark.parametrize(
    ("severity", "probability", "urgency", "scope", "frequency", "duration", "level", "numeral", "risk_class"),
    [
        (4, ">1/100", "normal", "single", 0.05, "new", 2, "Ⅱ", "S"),
        (4, ">1/100", "urgent", "single", 0.05, "new", 1, "Ⅰ", "S"),
        (2, ">1/1000", "normal", "single", 0.1, "new", 3, "Ⅲ", "H"),
        (2, ">1/1000", "normal", "industry", 0.4, "new", 2, "Ⅱ", "H"),
        (1, ">1/10", "normal", "single", 0, "new", 4, "Ⅳ", "M"),
        (1, ">1/10", "normal", "single", 0, "persistent", 3, "Ⅲ", "M"),
    ],
)
def test_grades_of_the_risk_md_examples(severity, probability, urgency, scope, frequency, duration, level, numeral,
                                        risk_class):
    g = risk.grade_factors(risk.ProposalFactors(severity, probability, urgency, scope, frequency, duration))
    assert (g.level_number, g.numeral, g.risk) == (level, numeral, risk_class)
    assert g.color == {1: "red", 2: "orange", 3: "yellow", 4: "blue"}[level]
    assert g.model_name and g.model_version


def test_raising_factors_are_explained_in_words_not_codes():
    g = risk.grade_factors(risk.ProposalFactors(2, ">1/1000", "urgent", "industry", 0.4, "persistent"))
    assert "紧急程度：紧急（+1）" in g.reasons
    assert "影响范围：行业性/系统性（+1）" in g.reasons and "持续时间：持续存在（+1）" in g.reasons
    assert not any(code in r for r in g.reasons for code in ("urgent", "industry", "persistent"))
    # a grade saved before the labels were used reads in words as well
    from app.rules.risk import reason_zh

    assert reason_zh("紧急程度：urgent（+1）") == "紧急程度：紧急（+1）"
    assert reason_zh("发生频率：0.4 ≥ 0.3（+1）") == "发生频率：0.4 ≥ 0.3（+1）"


def test_bad_factors_name_the_field():
    with pytest.raises(ValidationError) as err:
        risk.grade_factors(risk.ProposalFactors(severity=5, probability=">1/100"))
    assert "severity" in err.value.errors
    with pytest.raises(ValidationError) as err:
        risk.grade_factors(risk.ProposalFactors(severity=2, probability=">1/100", frequency=1.5))
    assert "frequency" in err.value.errors


def test_frequency_from_the_task_and_a_saved_proposal(any_lab):
    lab = any_lab
    task_id, scheme_id = ready_task(lab)
    made = [register(lab, task_id, scheme_id, f"B{n}") for n in range(4)]
    assert risk.task_frequency(lab.tech, task_id).tested == 0
    from app.store.uow import UnitOfWork

    # three batches finished initial monitoring, one of them with problems; one still in test
    with UnitOfWork(lab.db, actor="test") as uow:
        for n, s in enumerate(made[:3]):
            row = uow.session.get(Sample, s.id)
            row.completed_date = TODAY
            row.problems_found = n == 0
        uow.session.get(Sample, made[3].id).problems_found = True
        uow.commit()
    freq = risk.task_frequency(lab.tech, task_id)
    assert (freq.tested, freq.problems, freq.frequency) == (3, 1, 0.3333)

    first = risk.save_proposal(lab.tech, task_id, risk.ProposalFactors(4, ">1/100", "normal", "single", 0.05, "new"),
                               confirmed=risk.FACTORS)
    assert (first.level_number, first.numeral, first.name, first.color) == (2, "Ⅱ", "严重", "orange")
    assert first.notice == "风险警示通报" and first.risk == "S" and first.proposed_by == "TECH"
    second = risk.save_proposal(lab.rev, task_id, risk.ProposalFactors(4, ">1/100", "urgent", "single",
                                                                       freq.frequency, "new"), note="已有伤害报告",
                                confirmed=risk.FACTORS)
    assert second.level_number == 1 and second.note == "已有伤害报告"
    assert [p.id for p in risk.list_proposals(lab.tech, task_id)] == [second.id, first.id]
    assert risk.latest_proposal(lab.tech, task_id).id == second.id
    with lab.tech.uow() as uow:
        stored = uow.session.get(RiskProposal, first.id)
        assert stored.level == 2 and stored.model_version == first.model_version
        assert stored.factors["frequency"] == 0.05 and stored.factors["risk"] == "S"
    with pytest.raises(PermissionDenied):
        risk.save_proposal(lab.sig, task_id, risk.ProposalFactors(1, ">1/10"), confirmed=risk.FACTORS)
    assert audit_ok(lab.db)
