"""The document data contract: immutable, typed, coerced from plain values."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.documents import examples
from app.documents.data import (
    InfoSource,
    ItemLine,
    Judgement,
    KeyRiskCriterion,
    Measure,
    PartyInfo,
    PartyRole,
    PlaceType,
    RiskInfoEntry,
    RiskLevel,
    TestReportData,
)


def test_lists_become_tuples_and_strings_become_enums():
    party = PartyInfo("某公司", roles=["sampled_seller", "nominal_producer"])
    assert party.roles == (PartyRole.SAMPLED_SELLER, PartyRole.NOMINAL_PRODUCER)
    assert party.roles_label == "被抽样销售者、标称生产企业"
    item = ItemLine("泄漏电流", judgement="fail", rule_trace=["16.1", "17.1"])
    assert item.judgement is Judgement.FAIL and item.rule_trace == ("16.1", "17.1")
    base = examples.test_report()
    data = TestReportData(**{**{f.name: getattr(base, f.name) for f in dataclasses.fields(base)},
                             "items": [item], "place_type": "physical_seller", "samplers": ["甲", "乙"]})
    assert isinstance(data.items, tuple) and data.place_type is PlaceType.PHYSICAL_SELLER
    assert data.samplers == ("甲", "乙")
    hash(data)  # frozen and hashable all the way down
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.report_number = "x"  # type: ignore[misc]
    assert data.problems_found and data.failed_items == (item,)


def test_place_type_labels_and_aliases():
    assert [p.label for p in PlaceType] == ["生产企业", "实体店", "电商平台"]
    assert PlaceType.from_label(" 电商平台 ") is PlaceType.E_PLATFORM
    assert PlaceType.from_label("e_platform") is PlaceType.E_PLATFORM
    assert PlaceType.from_label("销售者") is PlaceType.PHYSICAL_SELLER
    with pytest.raises(ValueError):
        PlaceType.from_label("超市")


def test_levels_sources_criteria_and_measures_follow_the_regulation():
    assert [(lv.level_name, lv.color, lv.notice) for lv in RiskLevel] == [
        ("特别严重", "red", "风险警示公告"), ("严重", "orange", "风险警示通报"),
        ("较严重", "yellow", "风险警示通告"), ("一般", "blue", "风险提示通告")]
    assert len(InfoSource) == 9 and InfoSource.INJURY.clause == "第十条（六）"
    assert len(KeyRiskCriterion) == 7
    assert len(Measure) == 6
    entry = RiskInfoEntry("1", date(2026, 6, 1), 2, "产品", "描述", key_risk=[1])
    assert entry.source is InfoSource.CONSUMER_COMPLAINT and entry.is_key
