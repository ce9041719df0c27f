"""Standard selection, Articles 16–17: each step, the trace order, ties, warnings, bad input."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.rules.commands import standard_command
from app.rules.errors import RuleInputError


def le(v: float, unit: str = "mA") -> dict:
    return {"op": "<=", "value": v, "unit": unit}


def spec(clause: str, requirement: dict, method_code: str, method_clause: str) -> dict:
    return {"clause": clause, "requirement": requirement, "method": {"code": method_code, "clause": method_clause}}


CATALOG: list[dict[str, Any]] = [
    {
        "code": "GB/T 80001-2015",
        "effective": "2016-01-01",
        "abolished": "2024-07-01",
        "items": {
            "泄漏电流": spec("5.8", le(0.3), "GB/T 80001-2015", "6.8"),
            "使用寿命": spec("5.9", {"op": ">=", "value": 800, "unit": "h"}, "GB/T 80001-2015", "6.9"),
        },
    },
    {
        "code": "GB/T 80001-2023",
        "effective": "2024-07-01",
        "abolished": None,
        "items": {
            "泄漏电流": spec("5.8", le(0.2), "GB/T 80001-2023", "6.8"),
            "使用寿命": spec("5.9", {"op": ">=", "value": 1000, "unit": "h"}, "GB/T 80001-2023", "6.9"),
            "额定功率": spec("5.3", {"op": "range", "low": -10, "high": 5, "unit": "%"}, "GB/T 80001-2023", "6.3"),
            "外观": spec("5.1", {"op": "text", "text": "表面应平整"}, "GB/T 80001-2023", "6.1"),
            "电压": spec("5.2", {"op": "range", "low": 200, "high": 240, "unit": "V"}, "GB/T 80001-2023", "6.2"),
            "噪声": spec("5.4", {"op": "<", "value": 60, "unit": "dB(A)"}, "GB/T 80001-2023", "6.4"),
            "硬度": spec("5.5", {"op": ">", "value": 50, "unit": "HRC"}, "GB/T 80001-2023", "6.5"),
        },
    },
    {
        "code": "GB 80010-2020",
        "effective": "2021-01-01",
        "abolished": None,
        "items": {
            "泄漏电流": spec("13.2", le(0.25), "GB 80010-2020", "13.2"),
            "温升": spec("11.8", {"op": "<=", "value": 65, "unit": "K"}, "GB 80010-2020", "11.8"),
            "额定功率": spec("10.1", {"op": "range", "low": -8, "high": 8, "unit": "%"}, "GB 80010-2020", "10.1"),
            "电压": spec("9.1", {"op": "range", "low": 0.2, "high": 0.24, "unit": "kV"}, "GB 80010-2020", "9.1"),
        },
    },
    {
        "code": "QB/T 80020-2019",
        "effective": "2019-10-01",
        "abolished": None,
        "items": {
            "耐久性": spec("5.10", {"op": ">=", "value": 10000, "unit": "次"}, "QB/T 80020-2019", "6.10"),
            "温升": spec("5.6", {"op": "<=", "value": 70, "unit": "K"}, "QB/T 80020-2019", "6.6"),
            "泄漏电流": spec("5.8", le(0.2), "QB/T 80020-2019", "6.8"),
        },
    },
    {
        "code": "T/CAB 80030-2022",
        "effective": "2022-05-01",
        "abolished": None,
        "items": {
            "泄漏电流": spec("4.2", le(0.1), "T/CAB 80030-2022", "5.2"),
            "使用寿命": spec("4.9", {"op": ">=", "value": 1000, "unit": "h"}, "T/CAB 80030-2022", "5.9"),
            "额定功率": spec("4.3", {"op": "range", "low": -10, "high": 5, "unit": "W"}, "T/CAB 80030-2022", "5.3"),
        },
    },
    {
        "code": "Q/WHAB 0001-2024",
        "effective": "2024-03-01",
        "abolished": None,
        "items": {
            "温升": spec("4.6", {"op": "<=", "value": 60, "unit": "K"}, "Q/WHAB 0001-2024", "5.6"),
            "噪声": spec("4.7", {"op": "<", "value": 55, "unit": "dB(A)"}, "Q/WHAB 0001-2024", "5.7"),
            "泄漏电流": spec("4.5", le(0.75), "Q/WHAB 0001-2024", "5.5"),
        },
    },
]


def case(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "test_date": "2026-03-10",
        "declared": [],
        "version_evidence": {},
        "published_enterprise_standard": None,
        "similar_standards": [],
        "important_items": [],
        "items": [],
        "claims": [],
        "catalog": copy.deepcopy(CATALOG),
    }
    base.update(kw)
    return base


def run(**kw: Any) -> tuple[dict[str, dict], list[dict]]:
    out = standard_command(case(**kw))
    return {d["item"]: d for d in out["items"]}, out["warnings"]


def warned(warnings: list[dict], item: str | None = None, *words: str) -> bool:
    return any((item is None or w["item"] == item) and all(x in w["reason"] for x in words) for w in warnings)


# --- step 1–2: declared standards -----------------------------------------------------------------


def test_declared_with_year_held_no_version_rule() -> None:
    items, warnings = run(declared=["GB/T 80001-2023"], items=["泄漏电流"])
    d = items["泄漏电流"]
    assert d["rules"] == ["16.1"]
    assert d["basis"] == {"code": "GB/T 80001-2023", "clause": "5.8", "requirement": le(0.2)}
    assert d["method"] == {"code": "GB/T 80001-2023", "clause": "6.8"}
    assert warnings == []


def test_declared_without_year_takes_current_version_16_3() -> None:
    items, _ = run(declared=["GB/T 80001"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["16.3", "16.1"]
    assert items["泄漏电流"]["basis"]["code"] == "GB/T 80001-2023"
    items, _ = run(declared=["GB/T 80001"], items=["泄漏电流"], test_date="2024-06-30")
    assert items["泄漏电流"]["basis"]["code"] == "GB/T 80001-2015"


def test_declared_with_unknown_year_takes_current_and_warns() -> None:
    items, warnings = run(declared=["GB/T 80001-2009"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["16.3", "16.1"]
    assert items["泄漏电流"]["basis"]["code"] == "GB/T 80001-2023"
    assert any(w["code"] == "GB/T 80001-2009" for w in warnings)


def test_version_evidence_names_the_version() -> None:
    items, _ = run(
        declared=["GB/T 80001"], version_evidence={"GB/T 80001": "GB/T 80001-2015"}, items=["泄漏电流"]
    )
    assert items["泄漏电流"]["rules"] == ["16.3-evidence", "16.1"]
    assert items["泄漏电流"]["basis"]["code"] == "GB/T 80001-2015"
    assert items["泄漏电流"]["method"] == {"code": "GB/T 80001-2015", "clause": "6.8"}


def test_version_evidence_for_unknown_version_warns_and_gives_no_basis() -> None:
    items, warnings = run(
        declared=["GB/T 80001"], version_evidence={"GB/T 80001": "GB/T 80001-2009"}, items=["使用寿命"]
    )
    assert items["使用寿命"]["rules"] == ["none"] and items["使用寿命"]["basis"] is None
    assert any(w["code"] == "GB/T 80001" and "GB/T 80001-2009" in w["reason"] for w in warnings)


def test_declared_abolished_before_test_date_is_kept_with_a_warning() -> None:
    items, warnings = run(declared=["GB/T 80001-2015"], items=["泄漏电流"])
    d = items["泄漏电流"]
    assert d["rules"] == ["16.1"]
    assert d["basis"]["code"] == "GB/T 80001-2015"
    assert any(
        w["code"] == "GB/T 80001-2015" and "废止" in w["reason"] and "GB/T 80001-2023" in w["reason"]
        for w in warnings
    )


def test_declared_without_current_version_warns() -> None:
    items, warnings = run(declared=["GB/T 80099"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["none"]
    assert any(w["code"] == "GB/T 80099" for w in warnings)
    items, warnings = run(declared=["GB/T 80001"], items=["泄漏电流"], test_date="2010-01-01")
    assert items["泄漏电流"]["rules"] == ["none"]
    assert any(w["code"] == "GB/T 80001" and "现行有效" in w["reason"] for w in warnings)


def test_several_declared_strictest_wins() -> None:
    items, _ = run(declared=["GB/T 80001-2023", "T/CAB 80030-2022"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["16.1"]
    assert items["泄漏电流"]["basis"]["code"] == "T/CAB 80030-2022"
    assert items["泄漏电流"]["method"] == {"code": "T/CAB 80030-2022", "clause": "5.2"}
    # And the version rule follows the chosen standard only.
    items, _ = run(declared=["GB/T 80001", "T/CAB 80030-2022"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["16.1"]
    items, _ = run(declared=["GB/T 80001-2023", "T/CAB 80030"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["16.3", "16.1"]


def test_several_declared_tie_takes_the_first_declared() -> None:
    items, _ = run(declared=["T/CAB 80030-2022", "GB/T 80001-2023"], items=["使用寿命"])
    assert items["使用寿命"]["basis"]["code"] == "T/CAB 80030-2022"
    items, _ = run(declared=["GB/T 80001-2023", "T/CAB 80030-2022"], items=["使用寿命"])
    assert items["使用寿命"]["basis"]["code"] == "GB/T 80001-2023"


def test_several_declared_incomparable_units_warn_and_keep_the_first() -> None:
    items, warnings = run(declared=["GB/T 80001-2023", "T/CAB 80030-2022"], items=["额定功率"])
    assert items["额定功率"]["basis"]["code"] == "GB/T 80001-2023"
    assert warned(warnings, "额定功率", "无法比较")


def test_declared_exist_but_none_covers_the_item() -> None:
    items, _ = run(declared=["GB/T 80001-2023"], similar_standards=["QB/T 80020-2019"], items=["耐久性"])
    assert items["耐久性"] == {**items["耐久性"], "rules": ["none"], "basis": None, "method": None}
    items, _ = run(
        declared=["GB/T 80001-2023"],
        similar_standards=["QB/T 80020-2019"],
        important_items=["耐久性"],
        items=["耐久性"],
    )
    assert items["耐久性"]["rules"] == ["17.2"]
    assert items["耐久性"]["basis"]["code"] == "QB/T 80020-2019"


# --- step 2: no declared standard ---------------------------------------------------------------


def test_similar_national_before_industry_and_gb_before_gbt() -> None:
    items, _ = run(similar_standards=["QB/T 80020-2019", "GB/T 80001-2023"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["16.2-similar"]
    assert items["泄漏电流"]["basis"]["code"] == "GB/T 80001-2023"
    items, _ = run(similar_standards=["QB/T 80020-2019", "GB/T 80001-2023", "GB 80010-2020"], items=["泄漏电流"])
    assert items["泄漏电流"]["basis"]["code"] == "GB 80010-2020"
    assert items["泄漏电流"]["rules"] == ["16.2-similar"]  # 17.1 finds the same requirement: no step


def test_similar_group_standard_is_not_used() -> None:
    items, warnings = run(similar_standards=["T/CAB 80030-2022"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["none"]
    assert any(w["code"] == "T/CAB 80030-2022" and "团体标准" in w["reason"] for w in warnings)


def test_similar_standard_without_year_resolves_silently() -> None:
    items, warnings = run(similar_standards=["GB/T 80001"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["16.2-similar"]
    assert items["泄漏电流"]["basis"]["code"] == "GB/T 80001-2023"
    assert warnings == []


def test_enterprise_standard_only_when_no_declared() -> None:
    items, _ = run(published_enterprise_standard="Q/WHAB 0001-2024", items=["噪声"])
    assert items["噪声"]["rules"] == ["16.2-enterprise"]
    items, _ = run(
        declared=["GB/T 80001-2023"], published_enterprise_standard="Q/WHAB 0001-2024", items=["噪声"]
    )
    assert items["噪声"]["rules"] == ["16.1"]
    assert items["噪声"]["basis"]["code"] == "GB/T 80001-2023"


def test_enterprise_standard_does_not_fall_back_to_similar_for_missing_items() -> None:
    items, _ = run(
        published_enterprise_standard="Q/WHAB 0001-2024",
        similar_standards=["GB/T 80001-2023"],
        items=["使用寿命"],
    )
    assert items["使用寿命"]["rules"] == ["none"]


# --- step 3: mandatory national standard --------------------------------------------------------


def test_mandatory_replaces_less_strict_and_method_follows() -> None:
    items, _ = run(declared=["GB/T 80001-2015"], similar_standards=["GB 80010-2020"], items=["泄漏电流"])
    d = items["泄漏电流"]
    assert d["rules"] == ["16.1", "17.1"]
    assert d["basis"] == {"code": "GB 80010-2020", "clause": "13.2", "requirement": le(0.25)}
    assert d["method"] == {"code": "GB 80010-2020", "clause": "13.2"}


def test_mandatory_after_version_rule_keeps_the_version_rule_first() -> None:
    items, _ = run(
        declared=["GB/T 80001"],
        version_evidence={"GB/T 80001": "GB/T 80001-2015"},
        similar_standards=["GB 80010-2020"],
        items=["泄漏电流"],
    )
    assert items["泄漏电流"]["rules"] == ["16.3-evidence", "16.1", "17.1"]


def test_mandatory_does_not_replace_stricter_basis() -> None:
    items, warnings = run(declared=["GB/T 80001-2023"], similar_standards=["GB 80010-2020"], items=["泄漏电流"])
    assert items["泄漏电流"]["rules"] == ["16.1"]
    assert items["泄漏电流"]["basis"]["code"] == "GB/T 80001-2023"
    assert warnings == []


def test_mandatory_fills_a_missing_item() -> None:
    items, _ = run(declared=["GB/T 80001-2023"], similar_standards=["GB 80010-2020"], items=["温升"])
    assert items["温升"]["rules"] == ["17.1"]
    assert items["温升"]["basis"]["code"] == "GB 80010-2020"


def test_mandatory_declared_counts_too() -> None:
    items, _ = run(declared=["GB/T 80001-2015", "GB 80010-2020"], items=["泄漏电流", "温升"])
    assert items["泄漏电流"]["rules"] == ["16.1"]  # the declared GB is the strictest declared
    assert items["泄漏电流"]["basis"]["code"] == "GB 80010-2020"
    assert items["温升"]["rules"] == ["16.1"]


def test_mandatory_incomparable_units_warn_and_keep() -> None:
    items, warnings = run(declared=["GB/T 80001-2023"], similar_standards=["GB 80010-2020"], items=["电压"])
    assert items["电压"]["rules"] == ["16.1"]
    assert items["电压"]["basis"]["code"] == "GB/T 80001-2023"
    assert warned(warnings, "电压", "无法比较", "GB 80010-2020")


def test_mandatory_overlapping_range_warns_and_keeps() -> None:
    items, warnings = run(declared=["GB/T 80001-2023"], similar_standards=["GB 80010-2020"], items=["额定功率"])
    assert items["额定功率"]["rules"] == ["16.1"]
    assert warned(warnings, "额定功率", "互不包含")


# --- step 5: enterprise-defined method ----------------------------------------------------------


def test_enterprise_method_replaced_from_national_before_industry() -> None:
    items, _ = run(
        published_enterprise_standard="Q/WHAB 0001-2024",
        similar_standards=["QB/T 80020-2019", "GB 80010-2020"],
        items=["温升"],
    )
    d = items["温升"]
    assert d["rules"] == ["16.2-enterprise", "17.3"]
    assert d["basis"]["code"] == "Q/WHAB 0001-2024"
    assert d["method"] == {"code": "GB 80010-2020", "clause": "11.8"}
    items, _ = run(
        published_enterprise_standard="Q/WHAB 0001-2024", similar_standards=["QB/T 80020-2019"], items=["温升"]
    )
    assert items["温升"]["method"] == {"code": "QB/T 80020-2019", "clause": "6.6"}


def test_enterprise_method_without_replacement_is_kept_with_a_warning() -> None:
    items, warnings = run(
        published_enterprise_standard="Q/WHAB 0001-2024", similar_standards=["GB 80010-2020"], items=["噪声"]
    )
    assert items["噪声"]["rules"] == ["16.2-enterprise"]
    assert items["噪声"]["method"] == {"code": "Q/WHAB 0001-2024", "clause": "5.7"}
    assert warned(warnings, "噪声", "企业自定")


def test_full_trace_order_version_declared_method_claim() -> None:
    items, _ = run(
        declared=["Q/WHAB 0001"],
        similar_standards=["QB/T 80020-2019"],
        items=["温升"],
        claims=[{"item": "温升", "source": "instructions", "requirement": {"op": "<=", "value": 55, "unit": "K"}}],
    )
    d = items["温升"]
    assert d["rules"] == ["16.3", "16.1", "17.3", "16.1-claim"]
    assert d["basis"] == {"source": "instructions", "requirement": {"op": "<=", "value": 55, "unit": "K"}}
    assert d["method"] == {"code": "QB/T 80020-2019", "clause": "6.6"}


# --- step 6: claims -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "claim", "replaced"),
    [
        ("泄漏电流", {"op": "<=", "value": 0.1, "unit": "mA"}, True),
        ("泄漏电流", {"op": "<=", "value": 0.2, "unit": "mA"}, False),  # same requirement
        ("泄漏电流", {"op": "<=", "value": 0.3, "unit": "mA"}, False),  # weaker
        ("泄漏电流", {"op": "<", "value": 0.2, "unit": "mA"}, True),  # open end is stricter
        ("泄漏电流", {"op": "=", "value": 0.1, "unit": "mA"}, True),
        ("泄漏电流", {"op": "range", "low": 0, "high": 0.15, "unit": "mA"}, True),
        ("使用寿命", {"op": ">=", "value": 2000, "unit": "h"}, True),
        ("使用寿命", {"op": ">", "value": 1000, "unit": "h"}, True),
        ("使用寿命", {"op": ">=", "value": 500, "unit": "h"}, False),
        ("噪声", {"op": "<=", "value": 60, "unit": "dB(A)"}, False),  # <60 is stricter than ≤60
        ("噪声", {"op": "<=", "value": 59, "unit": "dB(A)"}, True),
        ("硬度", {"op": ">=", "value": 50, "unit": "HRC"}, False),
        ("硬度", {"op": ">=", "value": 52, "unit": "HRC"}, True),
        ("额定功率", {"op": "range", "low": -5, "high": 5, "unit": "%"}, True),
        ("额定功率", {"op": "range", "low": -12, "high": 3, "unit": "%"}, False),  # overlapping
        ("外观", {"op": "text", "text": "表面应平整"}, False),
    ],
)
def test_claim_in_every_form(item: str, claim: dict, replaced: bool) -> None:
    items, _ = run(
        declared=["GB/T 80001-2023"], items=[item], claims=[{"item": item, "source": "label", "requirement": claim}]
    )
    d = items[item]
    if replaced:
        assert d["rules"] == ["16.1", "16.1-claim"]
        assert d["basis"] == {"source": "label", "requirement": claim}
        assert d["method"]["code"] == "GB/T 80001-2023"  # the method stays
    else:
        assert d["rules"] == ["16.1"]
        assert d["basis"]["code"] == "GB/T 80001-2023"


def test_claim_incomparable_warns() -> None:
    for claim in ({"op": "text", "text": "无毛刺"}, {"op": "<=", "value": 1, "unit": "A"}):
        items, warnings = run(
            declared=["GB/T 80001-2023"],
            items=["外观", "泄漏电流"],
            claims=[{"item": "外观", "source": "advertising", "requirement": claim}]
            + [{"item": "泄漏电流", "source": "sample", "requirement": claim}],
        )
        assert items["外观"]["rules"] == ["16.1"] and items["泄漏电流"]["rules"] == ["16.1"]
        assert warned(warnings, "外观", "无法比较") and warned(warnings, "泄漏电流", "无法比较")


def test_strictest_of_several_claims() -> None:
    claims = [
        {"item": "泄漏电流", "source": "label", "requirement": le(0.15)},
        {"item": "泄漏电流", "source": "advertising", "requirement": le(0.1)},
        {"item": "泄漏电流", "source": "instructions", "requirement": le(0.12)},
    ]
    items, _ = run(declared=["GB/T 80001-2023"], items=["泄漏电流"], claims=claims)
    assert items["泄漏电流"]["basis"] == {"source": "advertising", "requirement": le(0.1)}
    assert items["泄漏电流"]["rules"] == ["16.1", "16.1-claim"]


def test_claim_without_basis_warns_and_does_not_become_the_basis() -> None:
    items, warnings = run(
        declared=["GB/T 80001-2023"], items=["耐久性"], claims=[{"item": "耐久性", "source": "label", "requirement": le(1)}]
    )
    assert items["耐久性"]["rules"] == ["none"]
    assert warned(warnings, "耐久性")


def test_claim_for_an_item_not_tested_warns() -> None:
    _, warnings = run(
        declared=["GB/T 80001-2023"], items=["泄漏电流"], claims=[{"item": "甲醛", "source": "label", "requirement": le(1)}]
    )
    assert warned(warnings, "甲醛")


def test_items_in_input_order_and_deduplicated() -> None:
    out = standard_command(case(declared=["GB/T 80001-2023"], items=["外观", "泄漏电流", "外观"]))
    assert [d["item"] for d in out["items"]] == ["外观", "泄漏电流"]
    assert out["items"][1]["requirement_text"] == "≤0.2 mA"


# --- bad input ----------------------------------------------------------------------------------


def _bad(payload: object) -> RuleInputError:
    with pytest.raises(RuleInputError) as err:
        standard_command(payload)
    assert "\n" not in err.value.message
    return err.value


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda c: c.pop("test_date"), "test_date"),
        (lambda c: c.update(test_date="2026-02-30"), "test_date"),
        (lambda c: c.update(test_date=20260310), "test_date"),
        (lambda c: c.pop("items"), "items"),
        (lambda c: c.update(items="泄漏电流"), "items"),
        (lambda c: c.update(declared=["GB/T 80001", "not a code"]), "declared[1]"),
        (lambda c: c.update(declared=[3]), "declared[0]"),
        (lambda c: c.pop("catalog"), "catalog"),
        (lambda c: c["catalog"][2].update(code="???"), "catalog[2].code"),
        (lambda c: c["catalog"][1].update(effective="soon"), "catalog[1].effective"),
        (lambda c: c["catalog"][0].update(abolished="2010-01-01"), "catalog[0].abolished"),
        (lambda c: c["catalog"][1].pop("items"), "catalog[1].items"),
        (lambda c: c["catalog"][1]["items"]["外观"].pop("requirement"), "catalog[1].items.外观.requirement"),
        (
            lambda c: c["catalog"][1]["items"]["外观"]["requirement"].update(op="about"),
            "catalog[1].items.外观.requirement.op",
        ),
        (lambda c: c["catalog"].append(copy.deepcopy(c["catalog"][0])), "catalog[6].code"),
        (lambda c: c.update(similar_standards="GB 1"), "similar_standards"),
        (lambda c: c.update(published_enterprise_standard=5), "published_enterprise_standard"),
        (lambda c: c.update(version_evidence={"GB/T 80001": 2015}), "version_evidence.GB/T 80001"),
        (lambda c: c.update(claims=[{"item": "x", "source": "label"}]), "claims[0].requirement"),
        (
            lambda c: c.update(claims=[{"item": "x", "source": "label", "requirement": {"op": "<=", "value": "a"}}]),
            "claims[0].requirement.value",
        ),
    ],
)
def test_bad_input_names_the_field(mutate, field: str) -> None:
    payload = case(declared=["GB/T 80001"], items=["泄漏电流"])
    mutate(payload)
    err = _bad(payload)
    assert err.field == field
    assert field in err.message


@pytest.mark.parametrize("payload", [[], "text", 3, None])
def test_payload_must_be_an_object(payload: object) -> None:
    err = _bad(payload)
    assert "JSON 对象" in err.message
