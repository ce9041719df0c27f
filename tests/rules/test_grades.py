"""Declared codes with a grade (质量等级), spec/RULES.md §2 and issue 14: "GB/T 22849-2014 合格品", the way
textile labels print it, used to make the whole evaluation exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.rules.commands import standard_command
from app.rules.errors import RuleInputError
from app.rules.standards import split_grade

from .helpers import assert_usage_error, run_rules


def le(v: float, unit: str = "mg/kg") -> dict:
    return {"op": "<=", "value": v, "unit": unit}


CATALOG: list[dict[str, Any]] = [
    {
        "code": "GB/T 22849-2014", "effective": "2014-12-01", "abolished": None,
        "items": {
            # one requirement per grade, and the general one
            "耐洗色牢度": {"clause": "5.1", "requirement": {"op": ">=", "value": 3, "unit": "级"},
                          "grades": {"优等品": {"op": ">=", "value": 4, "unit": "级"},
                                     "一等品": {"op": ">=", "value": 3.5, "unit": "级"},
                                     "合格品": {"op": ">=", "value": 3, "unit": "级"}},
                          "method": {"code": "GB/T 3921-2008", "clause": "A"}},
            # only per grade
            "起球": {"clause": "5.2", "grades": {"优等品": {"op": ">=", "value": 3.5, "unit": "级"},
                                              "合格品": {"op": ">=", "value": 3, "unit": "级"}}},
            "pH值": {"clause": "5.3", "requirement": {"op": "range", "low": 4.0, "high": 8.5, "unit": ""}},
        },
    },
    {
        "code": "GB 18401-2010", "effective": "2011-08-01", "abolished": None,
        "items": {
            "甲醛含量": {"clause": "6.1", "grades": {"A类": le(20), "B类": le(75), "C类": le(300)},
                      "method": {"code": "GB/T 2912.1-2009", "clause": ""}},
            "pH值": {"clause": "6.1", "grades": {"A类": {"op": "range", "low": 4.0, "high": 8.5, "unit": ""},
                                               "B类": {"op": "range", "low": 4.0, "high": 8.5, "unit": ""},
                                               "C类": {"op": "range", "low": 4.0, "high": 9.0, "unit": ""}}},
        },
    },
    {
        "code": "FZ/T 73020-2019", "effective": "2019-10-01", "abolished": None,
        "items": {"甲醛含量": {"clause": "4.1", "requirement": le(300)}},
    },
]


def evaluate(**kw: Any) -> tuple[dict[str, dict], list[dict]]:
    payload: dict[str, Any] = {"test_date": "2026-03-10", "declared": [], "items": [], "catalog": CATALOG}
    payload.update(kw)
    out = standard_command(json.loads(json.dumps(payload)))
    return {d["item"]: d for d in out["items"]}, out["warnings"]


@pytest.mark.parametrize(
    ("text", "code", "grade"),
    [
        ("GB/T 22849-2014 合格品", "GB/T 22849-2014", "合格品"),
        ("GB/T 22849-2014合格品", "GB/T 22849-2014", "合格品"),
        ("GB/T 22849-2014\u3000一等品", "GB/T 22849-2014", "一等品"),
        ("  GB/T 22849-2014   优等品 ", "GB/T 22849-2014", "优等品"),
        ("GB 18401-2010 B类", "GB 18401-2010", "B类"),
        ("GB 18401-2010 Ｂ类", "GB 18401-2010", "B类"),
        ("GB 18401-2010C类", "GB 18401-2010", "C类"),
        ("QB/T 1234-98 一级", "QB/T 1234-98", "一级"),
        ("GB/T 22849 二级", "GB/T 22849", "二级"),
        ("ＧＢ／Ｔ　22849—2014 三级", "ＧＢ／Ｔ　22849—2014", "三级"),
        ("GB/T 22849-2014", "GB/T 22849-2014", None),
        ("GB/T 22849合格品", "GB/T 22849合格品", None),  # no space and no year: not split
        ("GB/T 22849-2014 特等品", "GB/T 22849-2014 特等品", None),
        ("GB 1-2010 一级 二级", "GB 1-2010 一级", "二级"),  # the last run of whitespace
    ],
)
def test_split_grade(text: str, code: str, grade: str | None) -> None:
    assert split_grade(text) == (code, grade)


def test_a_graded_declaration_is_evaluated_and_selects_its_grade() -> None:
    items, warnings = evaluate(declared=["GB/T 22849-2014 一等品"], items=["耐洗色牢度", "起球", "pH值"])
    d = items["耐洗色牢度"]
    assert d["rules"] == ["16.1"] and d["grade"] == "一等品"
    assert d["basis"] == {"code": "GB/T 22849-2014", "clause": "5.1",
                          "requirement": {"op": ">=", "value": 3.5, "unit": "级"}}
    assert d["method"] == {"code": "GB/T 3921-2008", "clause": "A"}
    # an item with no requirement for this grade and no general one: not covered, with a reason
    assert items["起球"]["rules"] == ["none"] and items["起球"]["grade"] is None
    assert any(w["item"] == "起球" and "一等品" in w["reason"] for w in warnings)
    # an item without grades: the general requirement, the grade still kept
    assert items["pH值"]["rules"] == ["16.1"] and items["pH值"]["grade"] == "一等品"
    assert items["pH值"]["basis"]["requirement"]["high"] == 8.5


def test_grade_written_after_the_year_and_without_a_year() -> None:
    items, _ = evaluate(declared=["GB/T 22849-2014合格品"], items=["起球"])
    assert items["起球"]["grade"] == "合格品" and items["起球"]["basis"]["requirement"]["value"] == 3
    items, _ = evaluate(declared=["GB/T 22849 优等品"], items=["起球"])
    assert items["起球"]["rules"] == ["16.3", "16.1"] and items["起球"]["grade"] == "优等品"
    assert items["起球"]["basis"] == {"code": "GB/T 22849-2014", "clause": "5.2",
                                      "requirement": {"op": ">=", "value": 3.5, "unit": "级"}}


def test_a_grade_the_catalog_lacks_falls_back_to_the_general_requirement_with_a_warning() -> None:
    items, warnings = evaluate(declared=["GB/T 22849-2014 二级"], items=["耐洗色牢度"])
    assert items["耐洗色牢度"]["basis"]["requirement"]["value"] == 3 and items["耐洗色牢度"]["grade"] == "二级"
    assert any(w["item"] == "耐洗色牢度" and "二级" in w["reason"] and "通用要求" in w["reason"] for w in warnings)


def test_without_a_grade_the_general_requirement_and_no_grade() -> None:
    items, warnings = evaluate(declared=["GB/T 22849-2014"], items=["耐洗色牢度", "起球"])
    assert items["耐洗色牢度"]["basis"]["requirement"]["value"] == 3 and items["耐洗色牢度"]["grade"] is None
    assert items["起球"]["rules"] == ["none"]
    assert any(w["item"] == "起球" and "未标明等级" in w["reason"] for w in warnings)


def test_mandatory_class_takes_part_in_17_1_with_its_grade() -> None:
    # GB 18401 B类 (≤75) is stricter than the declared industry standard (≤300): step 2 already takes
    # the strictest declaration, and the mandatory step keeps it.
    items, _ = evaluate(declared=["FZ/T 73020-2019", "GB 18401-2010 B类"], items=["甲醛含量"])
    d = items["甲醛含量"]
    assert d["rules"] == ["16.1"] and d["grade"] == "B类" and d["basis"]["requirement"] == le(75)
    # declared only the industry standard; the mandatory class comes from the scheme, without a grade:
    # only grades are given for the item, so it cannot apply, and the reason says so
    items, warnings = evaluate(declared=["FZ/T 73020-2019"], similar_standards=["GB 18401-2010"], items=["甲醛含量"])
    assert items["甲醛含量"]["rules"] == ["16.1"] and items["甲醛含量"]["grade"] is None
    assert any("GB 18401-2010" in w["reason"] and "未标明等级" in w["reason"] for w in warnings)
    # the class declared with an industry standard that does not cover the item: 17.1 fills it
    items, _ = evaluate(declared=["GB/T 22849-2014 合格品", "GB 18401-2010 A类"], items=["甲醛含量"])
    assert items["甲醛含量"]["rules"] == ["16.1"] and items["甲醛含量"]["grade"] == "A类"


def test_17_1_replacing_the_basis_brings_the_mandatory_declarations_grade() -> None:
    catalog = [*CATALOG, {"code": "FZ/T 81007-2022", "effective": "2022-10-01", "abolished": None,
                          "items": {"甲醛含量": {"clause": "4", "requirement": le(75)}}}]
    # declared FZ/T (≤75) and GB 18401 C类 (≤300): FZ/T is the strictest declaration; GB C类 is less
    # strict, so nothing is replaced and the grade is not the item's (the basis is not the GB's)
    items, _ = evaluate(declared=["FZ/T 81007-2022", "GB 18401-2010 C类"], items=["甲醛含量"], catalog=catalog)
    assert items["甲醛含量"]["basis"]["code"] == "FZ/T 81007-2022" and items["甲醛含量"]["grade"] is None


def test_a_claim_replacing_the_basis_drops_the_grade() -> None:
    items, _ = evaluate(
        declared=["GB/T 22849-2014 合格品"], items=["耐洗色牢度"],
        claims=[{"item": "耐洗色牢度", "source": "label", "requirement": {"op": ">=", "value": 4.5, "unit": "级"}}],
    )
    assert items["耐洗色牢度"]["rules"] == ["16.1", "16.1-claim"] and items["耐洗色牢度"]["grade"] is None


@pytest.mark.parametrize(
    ("mutate", "field", "word"),
    [
        (lambda p: p.update(declared=["GB/T 22849-2014 特等品"]), "declared[0]", "特等品"),
        (lambda p: p["catalog"][0]["items"]["起球"].update(grades=[1]), "catalog[0].items.起球.grades", "对象"),
        (lambda p: p["catalog"][0]["items"]["起球"].update(grades={"合格品": {"op": "<="}}),
         "catalog[0].items.起球.grades.合格品.value", ""),
        (lambda p: p["catalog"][0]["items"]["起球"].update(grades={" ": {"op": "text", "text": "x"}}),
         "catalog[0].items.起球.grades", "等级"),
        (lambda p: p["catalog"][0]["items"]["起球"].pop("grades"), "catalog[0].items.起球.requirement", "缺少"),
    ],
)
def test_bad_grades_name_the_field(mutate, field: str, word: str) -> None:
    payload: dict[str, Any] = json.loads(json.dumps(
        {"test_date": "2026-03-10", "declared": ["GB/T 22849-2014 合格品"], "items": ["起球"], "catalog": CATALOG}))
    mutate(payload)
    with pytest.raises(RuleInputError) as err:
        standard_command(payload)
    assert err.value.field == field and word in err.value.message


def test_the_command_accepts_a_graded_declaration(tmp_path: Path) -> None:
    payload = {"test_date": "2026-03-10", "declared": ["GB/T 22849-2014 合格品"], "items": ["耐洗色牢度"],
               "catalog": CATALOG}
    run = run_rules(["standard", "-"], tmp_path, stdin=json.dumps(payload, ensure_ascii=False))
    assert run.returncode == 0, run.stderr
    item = run.json()["items"][0]
    assert item["grade"] == "合格品" and item["rules"] == ["16.1"]
    bad = dict(payload, declared=["GB/T 22849-2014 特等品"])
    assert_usage_error(run_rules(["standard", "-"], tmp_path, stdin=json.dumps(bad, ensure_ascii=False)),
                       "declared[0]", "特等品")
