"""Article 5: a member's employer matched with the parties by USCC, else by a normalised name."""

from __future__ import annotations

import pytest

from app.rules.commands import panel_command
from app.rules.errors import RuleInputError
from app.rules.panel import normalize_enterprise_name

OTHERS = [{"name": "张明", "affiliation": "武汉大学", "title": "教授"},
          {"name": "李华", "affiliation": "湖北省标准化与质量研究院", "title": "高级工程师"}]


def check(affiliation: str, party: str | dict, uscc: str | None = None) -> dict:
    third = {"name": "王芳", "affiliation": affiliation, "title": "工程师"}
    if uscc is not None:
        third["uscc"] = uscc
    return panel_command({"members": [*OTHERS, third], "parties": [party], "justification": None})


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("黄石裕润纺织品有限公司", "裕润纺织品"),
        ("黄石裕润纺织品", "裕润纺织品"),
        ("湖北省黄石市裕润纺织品有限公司", "裕润纺织品"),
        ("裕润纺织品（黄石）有限公司", "裕润纺织品"),
        ("裕润纺织品(黄石)股份有限公司", "裕润纺织品"),
        ("ＡＢＣ 科技 有限责任公司", "abc科技"),
        ("武汉钢铁集团有限公司", "武汉钢铁"),  # too little would be left without 武汉
        ("武汉大学", "武汉大学"),
        ("湖北大学", "湖北大学"),
        ("黄石市裕润有限公司", "黄石裕润"),  # the full form reads as the bare one
        ("大冶市华盛铜业有限公司", "华盛铜业"),
        ("阳新县华盛铜业分公司", "华盛铜业"),
        ("恩施土家族苗族自治州华龙食品厂", "华龙食品"),
        ("武汉中百超市有限公司", "中百超市"),  # 超市 is not a city
        ("东湖景区旅游管理有限公司", "东湖景区旅游管理"),  # an unknown long name is not guessed as a place
    ],
)
def test_normalised_names(text: str, normalised: str) -> None:
    assert normalize_enterprise_name(text) == normalised


@pytest.mark.parametrize(
    ("affiliation", "party", "conflict", "words"),
    [
        ("黄石裕润纺织品", "黄石裕润纺织品有限公司", True, ["实质相同", "裕润纺织品"]),
        ("黄石裕润纺织品有限公司", "黄石裕润纺织品", True, ["是当事企业"]),
        ("湖北省黄石市裕润纺织品有限公司", "黄石裕润纺织品有限公司", True, ["实质相同"]),
        ("裕润纺织品（黄石）有限公司", "黄石市裕润纺织品有限公司", True, ["实质相同"]),
        ("黄石裕润纺织品有限公司检测中心", "黄石裕润纺织品有限公司", True, ["是当事企业"]),
        ("裕润纺织品检测中心", "黄石裕润纺织品有限公司", True, ["名称相近", "包含"]),
        ("湖北某某电器有限公司", "湖北某某电器有限公司", True, ["是当事企业"]),
        ("湖北某某电器有限公司", "武汉某某电器有限公司", True, ["实质相同"]),
        ("武汉大学", "湖北大学", False, []),
        ("武汉大学", "黄石裕润纺织品有限公司", False, []),
        ("湖北省标准化与质量研究院", "湖北某某电器有限公司", False, []),
        ("黄石裕丰纺织品有限公司", "黄石裕润纺织品有限公司", False, []),
        ("裕润", "黄石裕润有限公司", False, []),  # too short to say
        ("", "黄石裕润纺织品有限公司", False, []),
    ],
)
def test_conflict_by_name(affiliation: str, party: str, conflict: bool, words: list[str]) -> None:
    out = check(affiliation, party)
    assert out["valid"] is not conflict
    assert out["problems"] == (["conflict_of_interest"] if conflict else [])
    reasons = [d["reason"] for d in out["details"] if d["code"] == "conflict_of_interest"]
    assert len(reasons) == (1 if conflict else 0)
    for w in words:
        assert w in reasons[0]


USCC_A = "91420200MA4KXXXX0A"
USCC_B = "91420200MA4KYYYY0B"


@pytest.mark.parametrize(
    ("affiliation", "uscc", "party", "conflict"),
    [
        ("某大学", USCC_A, {"name": "黄石裕润纺织品有限公司", "uscc": USCC_A}, True),  # the code decides
        ("黄石裕润纺织品", USCC_B, {"name": "黄石裕润纺织品有限公司", "uscc": USCC_A}, False),
        ("黄石裕润纺织品", USCC_A.lower(), {"name": "x", "uscc": f" {USCC_A} "}, True),
        ("黄石裕润纺织品", USCC_A, {"name": "黄石裕润纺织品有限公司", "uscc": None}, True),  # no code: by name
        ("黄石裕润纺织品", None, {"name": "黄石裕润纺织品有限公司", "uscc": USCC_A}, True),
        ("武汉大学", None, {"name": "黄石裕润纺织品有限公司", "uscc": USCC_A}, False),
    ],
)
def test_conflict_by_uscc(affiliation: str, uscc: str | None, party: dict, conflict: bool) -> None:
    out = check(affiliation, party, uscc)
    assert out["problems"] == (["conflict_of_interest"] if conflict else [])
    if conflict and uscc and party.get("uscc"):
        assert "统一社会信用代码" in out["details"][-1]["reason"]


def test_output_format_unchanged() -> None:
    out = check("黄石裕润纺织品", "黄石裕润纺织品有限公司")
    assert set(out) == {"valid", "problems", "warnings", "details"}
    assert out["details"] == [{"code": "conflict_of_interest", "member": "王芳", "reason": out["details"][0]["reason"]}]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"members": [{"name": "a", "affiliation": "b", "uscc": 3}]}, "members[0].uscc"),
        ({"members": [{"name": "a", "affiliation": "b"}], "parties": [3]}, "parties[0]"),
        ({"members": [{"name": "a", "affiliation": "b"}], "parties": [{"uscc": "x"}]}, "parties[0].name"),
    ],
)
def test_bad_uscc_input_names_the_field(payload: dict, field: str) -> None:
    with pytest.raises(RuleInputError) as err:
        panel_command(payload)
    assert err.value.field == field
