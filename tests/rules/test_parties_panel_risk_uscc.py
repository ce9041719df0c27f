"""Article 18 ¶2 notification, Article 5 expert panels, Articles 19–20 risk level, GB 32100 USCC."""

from __future__ import annotations

import copy
import random

import pytest

from app.errors import RiskmonError
from app.ruledata import load_risk_model
from app.rules.commands import notify_command, panel_command, risk_command, uscc_command
from app.rules.errors import RuleInputError
from app.rules.risk import validate_model
from app.rules.uscc import CHARSET, check_character, org_code_check_character, validate


def make_uscc(division: str, body: str = "MA4K0AB1X", head: str = "91") -> str:
    first17 = head + division + body
    return first17 + check_character(first17)


HB_SELLER = make_uscc("420102")
HB_PRODUCER = make_uscc("420100", "MA4F00001")
GD_PRODUCER = make_uscc("440606", "MA51XY2N3")
ZJ_PLATFORM = make_uscc("330100", "MA27ABCD1")


def party(name: str, code: str) -> dict:
    return {"name": name, "uscc": code}


# --- notification (Article 18 ¶2) -----------------------------------------------------------------


def test_producer_place_notifies_the_sampled_producer_only() -> None:
    out = notify_command(
        {
            "problems_found": True,
            "place": "producer",
            "sampled": party("湖北某电器", HB_PRODUCER),
            "nominal_producer": party("广东某电器", GD_PRODUCER),
        }
    )
    assert out["notify"] == [
        {"roles": ["sampled_producer"], "name": "湖北某电器", "uscc": HB_PRODUCER, "out_of_province": False}
    ]


def test_physical_seller_notifies_seller_and_nominal_producer() -> None:
    out = notify_command(
        {
            "problems_found": True,
            "place": "physical_seller",
            "sampled": party("武汉某商行", HB_SELLER),
            "nominal_producer": party("广东某电器", GD_PRODUCER),
        }
    )
    assert [(n["roles"], n["out_of_province"]) for n in out["notify"]] == [
        (["sampled_seller"], False),
        (["nominal_producer"], True),
    ]


def test_e_platform_order_and_provinces() -> None:
    out = notify_command(
        {
            "problems_found": True,
            "place": "e_platform",
            "platform_operator": party("某网络科技", ZJ_PLATFORM),
            "nominal_producer": party("湖北某电器", HB_PRODUCER),
            "sampled": party("某网店", GD_PRODUCER.lower() + " "),
        }
    )
    assert [n["roles"] for n in out["notify"]] == [["sampled_seller"], ["nominal_producer"], ["platform_operator"]]
    assert [n["out_of_province"] for n in out["notify"]] == [True, False, True]
    assert out["notify"][0]["uscc"] == GD_PRODUCER  # normalised


def test_same_uscc_notified_once_with_all_roles() -> None:
    out = notify_command(
        {
            "problems_found": True,
            "place": "e_platform",
            "sampled": party("某旗舰店", HB_PRODUCER),
            "nominal_producer": party("湖北某电器", HB_PRODUCER),
            "platform_operator": party("某网络科技", ZJ_PLATFORM),
        }
    )
    assert [n["roles"] for n in out["notify"]] == [["sampled_seller", "nominal_producer"], ["platform_operator"]]
    assert out["notify"][0]["name"] == "某旗舰店"


def test_no_problem_no_notice_and_no_parties_needed() -> None:
    assert notify_command({"problems_found": False, "place": "e_platform"})["notify"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"problems_found": True, "place": "e_platform", "sampled": party("a", HB_SELLER),
          "nominal_producer": party("b", GD_PRODUCER)}, "platform_operator"),
        ({"problems_found": True, "place": "physical_seller", "sampled": party("a", HB_SELLER)}, "nominal_producer"),
        ({"problems_found": True, "place": "producer"}, "sampled"),
        ({"problems_found": True, "place": "shop", "sampled": party("a", HB_SELLER)}, "place"),
        ({"problems_found": "yes", "place": "producer", "sampled": party("a", HB_SELLER)}, "problems_found"),
        ({"place": "producer", "sampled": party("a", HB_SELLER)}, "problems_found"),
        ({"problems_found": True, "place": "producer", "sampled": {"name": "a"}}, "sampled.uscc"),
        ({"problems_found": True, "place": "producer", "sampled": party("a", "91AB")}, "sampled.uscc"),
        ({"problems_found": True, "place": "producer", "sampled": {"uscc": HB_SELLER}}, "sampled.name"),
        ({"problems_found": True, "place": "producer", "sampled": "a"}, "sampled"),
    ],
)
def test_notify_bad_input_names_the_field(payload: dict, field: str) -> None:
    with pytest.raises(RuleInputError) as err:
        notify_command(payload)
    assert err.value.field == field and field in err.value.message


def test_notify_warns_about_a_bad_check_character() -> None:
    bad = HB_SELLER[:-1] + ("0" if HB_SELLER[-1] != "0" else "1")
    out = notify_command({"problems_found": True, "place": "producer", "sampled": party("a", bad)})
    assert out["notify"][0]["out_of_province"] is False
    assert out["warnings"] and "第 18 位" in out["warnings"][0]


# --- expert panel (Article 5) ----------------------------------------------------------------------


def member(name: str, affiliation: str = "武汉大学", title: str = "教授") -> dict:
    return {"name": name, "affiliation": affiliation, "title": title}


def test_three_independent_members_are_valid() -> None:
    out = panel_command(
        {"members": [member("张明"), member("李华"), member("王芳")], "parties": ["湖北某电器有限公司"], "justification": None}
    )
    assert out["valid"] is True and out["problems"] == [] and out["warnings"] == []


def test_two_members_without_and_with_justification() -> None:
    payload = {"members": [member("张明"), member("李华")], "parties": [], "justification": None}
    out = panel_command(payload)
    assert (out["valid"], out["problems"], out["warnings"]) == (False, ["too_few_members"], [])
    payload["justification"] = "该领域省内仅有两名专家"
    out = panel_command(payload)
    assert (out["valid"], out["problems"], out["warnings"]) == (True, [], ["below_three_justified"])
    payload["justification"] = "   "
    assert panel_command(payload)["problems"] == ["too_few_members"]


def test_duplicate_and_conflict_in_order() -> None:
    out = panel_command(
        {
            "members": [
                member("张明"),
                member("张明 "),
                member("李华", "湖北某电器有限公司"),
                member("王芳", "湖北某电器有限公司技术中心"),
            ],
            "parties": ["湖北某电器有限公司", "武汉某商行"],
            "justification": None,
        }
    )
    assert out["valid"] is False
    assert out["problems"] == ["duplicate_member", "conflict_of_interest"]
    assert [d["member"] for d in out["details"] if d["code"] == "conflict_of_interest"] == ["李华", "王芳"]


def test_duplicates_do_not_count_twice() -> None:
    out = panel_command({"members": [member("张明"), member("张明"), member("李华")], "parties": [], "justification": None})
    assert out["problems"] == ["too_few_members", "duplicate_member"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"parties": []}, "members"),
        ({"members": {"name": "x"}}, "members"),
        ({"members": [{"affiliation": "x"}]}, "members[0].name"),
        ({"members": [member("a"), {"name": "b"}]}, "members[1].affiliation"),
        ({"members": [member("a")], "parties": "x"}, "parties"),
        ({"members": [member("a")], "justification": 3}, "justification"),
    ],
)
def test_panel_bad_input(payload: dict, field: str) -> None:
    with pytest.raises(RuleInputError) as err:
        panel_command(payload)
    assert err.value.field == field and field in err.value.message


# --- risk level (Articles 19–20) ---------------------------------------------------------------------

MODEL = load_risk_model()


def factors(sev, prob, urg="normal", scope="single", freq=0.0, dur="new") -> dict:
    return {"severity": sev, "probability": prob, "urgency": urg, "scope": scope, "frequency": freq, "duration": dur}


@pytest.mark.parametrize(
    ("f", "risk", "level", "name", "color", "notice"),
    [
        (factors(4, ">1/100", freq=0.05), "S", "II", "严重", "orange", "风险警示通报"),
        (factors(4, ">1/100", urg="urgent", freq=0.05), "S", "I", "特别严重", "red", "风险警示公告"),
        (factors(2, ">1/1000", freq=0.1), "H", "III", "较严重", "yellow", "风险警示通告"),
        (factors(2, ">1/1000", scope="industry", freq=0.4), "H", "II", "严重", "orange", "风险警示通报"),
        (factors(1, ">1/10"), "M", "IV", "一般", "blue", "风险提示通告"),
        (factors(1, ">1/10", dur="persistent"), "M", "III", "较严重", "yellow", "风险警示通告"),
    ],
)
def test_risk_md_examples(f: dict, risk: str, level: str, name: str, color: str, notice: str) -> None:
    out = risk_command(f, MODEL)
    assert (out["factors"]["risk"], out["level"], out["name"], out["color"], out["notice"]) == (
        risk,
        level,
        name,
        color,
        notice,
    )
    assert out["model"] == {"name": MODEL["name"], "version": MODEL["version"]}


def test_points_raise_and_caps() -> None:
    # L with all four points: two steps from IV to II, never I without S.
    out = risk_command(factors(1, "<=1/1000000", "urgent", "regional", 0.3, "persistent"), MODEL)
    assert (out["factors"]["risk"], out["factors"]["points"], out["level"]) == ("L", 4, "II")
    # frequency threshold is inclusive
    assert risk_command(factors(1, ">1/10", freq=0.3), MODEL)["level"] == "III"
    assert risk_command(factors(1, ">1/10", freq=0.29), MODEL)["level"] == "IV"
    # S with two points stays at I
    assert risk_command(factors(4, ">1/2", "urgent", "industry"), MODEL)["level"] == "I"


def test_every_matrix_cell_gives_a_level_within_the_caps() -> None:
    for prob in MODEL["probabilities"]:
        for sev in (1, 2, 3, 4):
            for urg, scope, freq, dur in [("normal", "single", 0, "new"), ("urgent", "industry", 1, "persistent")]:
                out = risk_command(factors(sev, prob, urg, scope, freq, dur), MODEL)
                assert out["level"] in ("I", "II", "III", "IV")
                if out["level"] == "I":
                    assert out["factors"]["risk"] == "S"


def test_model_is_data() -> None:
    model = copy.deepcopy(MODEL)
    model["version"] = "test-2"
    model["notices"]["IV"] = "提示"
    model["points"]["frequency"]["threshold"] = 0.5
    out = risk_command(factors(1, ">1/10", freq=0.4), model)
    assert (out["level"], out["notice"], out["model"]["version"]) == ("IV", "提示", "test-2")


def test_broken_model_is_rejected() -> None:
    model = copy.deepcopy(MODEL)
    del model["matrix"][">1/2"]
    with pytest.raises(RiskmonError) as err:
        validate_model(model)
    assert ">1/2" in err.value.message


@pytest.mark.parametrize(
    ("f", "field"),
    [
        ({**factors(5, ">1/10")}, "severity"),
        ({**factors("4", ">1/10")}, "severity"),
        ({**factors(2.5, ">1/10")}, "severity"),
        ({**factors(2, "1/10")}, "probability"),
        ({**factors(2, ">1/10", urg="very")}, "urgency"),
        ({**factors(2, ">1/10", scope="global")}, "scope"),
        ({**factors(2, ">1/10", freq=1.5)}, "frequency"),
        ({**factors(2, ">1/10", freq="0.1")}, "frequency"),
        ({**factors(2, ">1/10", dur="old")}, "duration"),
        ({k: v for k, v in factors(2, ">1/10").items() if k != "scope"}, "scope"),
    ],
)
def test_risk_bad_input(f: dict, field: str) -> None:
    with pytest.raises(RuleInputError) as err:
        risk_command(f, MODEL)
    assert err.value.field == field and field in err.value.message


def test_probability_spelling_is_tolerated() -> None:
    assert risk_command(factors(4, "> 1/100"), MODEL)["level"] == "II"
    assert risk_command(factors(4, "≤1/1000000"), MODEL)["factors"]["probability"] == "<=1/1000000"


# --- USCC (GB 32100-2015) --------------------------------------------------------------------------------


def test_uscc_valid_example() -> None:
    code, out = uscc_command("914403001922038216")
    assert code == 0
    assert out["valid"] is True and out["division"] == "440300" and out["in_hubei"] is False
    assert out["org_code"] == "192203821" and out["org_code_check"] is True


def test_uscc_lower_case_and_spaces() -> None:
    code, out = uscc_command("  " + HB_SELLER.lower() + " ")
    assert code == 0 and out["code"] == HB_SELLER and out["in_hubei"] is True


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("914403001922038217", ["第 18 位", "6"]),
        ("91440300192203821", ["长度"]),
        ("9144030019220382161", ["长度"]),
        ("91440300192203821I", ["第 18 位", "I"]),
        ("9O4403001922038216", ["第 2 位", "O"]),
        ("", ["长度"]),
    ],
)
def test_uscc_invalid(code: str, words: list[str]) -> None:
    status, out = uscc_command(code)
    assert status == 1 and out["valid"] is False
    for w in words:
        assert w in out["reason"]


def test_uscc_division_must_be_digits() -> None:
    code = make_uscc("42A102")
    status, out = uscc_command(code)
    assert status == 1 and "第 5 位" in out["reason"]


def test_uscc_org_code_check_only_warns() -> None:
    code = make_uscc("420100", "MA4F00001")  # organization check character should be 8
    status, out = uscc_command(code)
    assert status == 0 and out["org_code_check"] is False and out["warnings"]
    assert org_code_check_character("MA4F0000") == "8"
    assert org_code_check_character("19220382") == "1"


def test_uscc_random_codes_round_trip() -> None:
    rng = random.Random(32100)
    for _ in range(500):
        first17 = rng.choice("159") + rng.choice("123") + "".join(rng.choice("0123456789") for _ in range(6))
        first17 += "".join(rng.choice(CHARSET) for _ in range(9))
        code = first17 + check_character(first17)
        assert validate(code).valid
        wrong = next(c for c in CHARSET if c != code[-1])
        assert not validate(code[:-1] + wrong).valid
