"""The candidates of each item (RULES.md §2, ``candidates``): every standard named in the input and
every claim, in step order, with the step that judged it, the outcome and a Chinese reason."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules.commands import standard_command
from app.rules.selection import NOT_COVERED, STEP_ORDER

from .test_selection import CATALOG, le, spec

OUTCOMES = {"chosen", "replaced", "rejected"}
BASIS_RULES = {"16.1", "16.2-enterprise", "16.2-similar", "17.1", "17.2", "16.1-claim"}


def run(**kw: Any) -> dict[str, dict]:
    payload: dict[str, Any] = {
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
    payload.update(kw)
    return {d["item"]: d for d in standard_command(payload)["items"]}


def brief(d: dict) -> list[tuple[str, str, str]]:
    return [(c.get("code") or c.get("source"), c["step"], c["outcome"]) for c in d["candidates"]]


def reason(d: dict, code: str, step: str | None = None) -> str:
    return next(c["reason"] for c in d["candidates"] if c.get("code") == code and (step is None or c["step"] == step))


# --- table: each step, what it lists ------------------------------------------------------------

TABLE = [
    pytest.param(
        {"declared": ["GB/T 80001-2023"], "items": ["泄漏电流"]},
        "泄漏电流",
        [("GB/T 80001-2023", "16.1", "chosen")],
        id="one-declared",
    ),
    pytest.param(
        {"declared": ["GB/T 80001"], "items": ["泄漏电流"]},
        "泄漏电流",
        [("GB/T 80001-2023", "16.1", "chosen")],
        id="declared-version-resolved",
    ),
    pytest.param(
        {"declared": ["GB/T 80001-2023", "T/CAB 80030-2022"], "items": ["泄漏电流"]},
        "泄漏电流",
        [("GB/T 80001-2023", "16.1", "rejected"), ("T/CAB 80030-2022", "16.1", "chosen")],
        id="declared-strictest",
    ),
    pytest.param(
        {"declared": ["GB/T 80001-2023", "GB 80010-2020"], "items": ["泄漏电流"]},
        "泄漏电流",
        [("GB/T 80001-2023", "16.1", "chosen"), ("GB 80010-2020", "16.1", "rejected"),
         ("GB 80010-2020", "17.1", "rejected")],
        id="declared-gb-less-strict",
    ),
    pytest.param(
        {"declared": ["GB/T 80001-2023"], "similar_standards": ["GB 80010-2020"], "items": ["温升"]},
        "温升",
        [("GB/T 80001-2023", "16.1", "rejected"), ("GB 80010-2020", "17.1", "chosen")],
        id="mandatory-fills-missing",
    ),
    pytest.param(
        {"declared": ["GB/T 80001-2015"], "similar_standards": ["GB 80010-2020"], "items": ["泄漏电流"],
         "test_date": "2023-03-10"},
        "泄漏电流",
        [("GB/T 80001-2015", "16.1", "replaced"), ("GB 80010-2020", "17.1", "chosen")],
        id="mandatory-replaces",
    ),
    pytest.param(
        {"similar_standards": ["QB/T 80020-2019", "GB/T 80001-2023", "T/CAB 80030-2022"], "items": ["泄漏电流"]},
        "泄漏电流",
        [("GB/T 80001-2023", "16.2-similar", "chosen"), ("QB/T 80020-2019", "16.2-similar", "rejected"),
         ("T/CAB 80030-2022", "16.2-similar", "rejected")],
        id="similar-national-first-group-rejected",
    ),
    pytest.param(
        {"published_enterprise_standard": "Q/WHAB 0001-2024", "similar_standards": ["GB 80010-2020", "QB/T 80020-2019"],
         "items": ["温升"]},
        "温升",
        [("Q/WHAB 0001-2024", "16.2-enterprise", "chosen"), ("QB/T 80020-2019", "16.2-similar", "rejected"),
         ("GB 80010-2020", "17.1", "rejected"), ("GB 80010-2020", "17.3", "chosen")],
        id="enterprise-method-replaced",
    ),
    pytest.param(
        {"declared": ["GB/T 80001-2023"], "published_enterprise_standard": "Q/WHAB 0001-2024", "items": ["泄漏电流"]},
        "泄漏电流",
        [("GB/T 80001-2023", "16.1", "chosen"), ("Q/WHAB 0001-2024", "16.2-enterprise", "rejected")],
        id="enterprise-ignored-with-declared",
    ),
    pytest.param(
        {"declared": ["GB/T 80001-2023"], "similar_standards": ["QB/T 80020-2019"], "important_items": ["耐久性"],
         "items": ["耐久性"]},
        "耐久性",
        [("GB/T 80001-2023", "16.1", "rejected"), ("QB/T 80020-2019", "17.2", "chosen")],
        id="important-item",
    ),
    pytest.param(
        {"declared": ["GB/T 80001-2023"], "items": ["耐久性"],
         "claims": [{"item": "耐久性", "source": "label", "requirement": {"op": ">=", "value": 1, "unit": "次"}}]},
        "耐久性",
        [("GB/T 80001-2023", "16.1", "rejected"), ("label", "16.1-claim", "rejected")],
        id="no-basis-claim-rejected",
    ),
    pytest.param(
        {"declared": ["GB/T 80001-2023"], "items": ["泄漏电流"],
         "claims": [{"item": "泄漏电流", "source": "label", "requirement": le(0.15)},
                    {"item": "泄漏电流", "source": "advertising", "requirement": le(0.1)},
                    {"item": "泄漏电流", "source": "sample", "requirement": le(0.5)}]},
        "泄漏电流",
        [("GB/T 80001-2023", "16.1", "replaced"), ("label", "16.1-claim", "rejected"),
         ("advertising", "16.1-claim", "chosen"), ("sample", "16.1-claim", "rejected")],
        id="strictest-claim",
    ),
    pytest.param(
        {"declared": ["GB/T 99999"], "items": ["泄漏电流"]},
        "泄漏电流",
        [("GB/T 99999", "16.3", "rejected")],
        id="declared-unknown",
    ),
]


@pytest.mark.parametrize(("payload", "item", "expected"), TABLE)
def test_candidates_table(payload: dict, item: str, expected: list) -> None:
    assert brief(run(**payload)[item]) == expected


def test_reasons_say_why() -> None:
    d = run(declared=["GB/T 80001-2023", "T/CAB 80030-2022"], items=["泄漏电流"])["泄漏电流"]
    assert "不如 T/CAB 80030-2022" in reason(d, "GB/T 80001-2023") and "严格" in reason(d, "GB/T 80001-2023")
    assert "第十六条第一款" in reason(d, "T/CAB 80030-2022") and "≤0.1 mA" in reason(d, "T/CAB 80030-2022")

    d = run(declared=["GB/T 80001-2023"], similar_standards=["GB 80010-2020"], items=["温升"])["温升"]
    assert reason(d, "GB/T 80001-2023") == NOT_COVERED
    assert "第十七条（一）" in reason(d, "GB 80010-2020") and "缺少该项目" in reason(d, "GB 80010-2020")

    d = run(declared=["GB/T 80001-2015"], similar_standards=["GB 80010-2020"], items=["泄漏电流"],
            test_date="2023-03-10")["泄漏电流"]
    assert "后被强制性国家标准 GB 80010-2020 替换" in reason(d, "GB/T 80001-2015")

    d = run(similar_standards=["T/CAB 80030-2022"], items=["泄漏电流"])["泄漏电流"]
    assert "团体标准" in reason(d, "T/CAB 80030-2022")

    d = run(declared=["GB/T 80001"], items=["泄漏电流"])["泄漏电流"]
    assert "现行有效" in reason(d, "GB/T 80001-2023") and "第十六条第三款" in reason(d, "GB/T 80001-2023")

    d = run(declared=["GB/T 99999"], items=["泄漏电流"])["泄漏电流"]
    assert "标准目录中没有该标准" in reason(d, "GB/T 99999")


def test_grade_missing_in_the_catalog_is_said() -> None:
    catalog = copy.deepcopy(CATALOG)
    catalog.append({"code": "GB/T 22849-2014", "effective": "2015-01-01", "abolished": None,
                    "items": {"起球": {"clause": "4.1", "grades": {"一等品": {"op": ">=", "value": 3, "unit": "级"}}}}})
    d = run(declared=["GB/T 22849-2014 合格品"], items=["起球"], catalog=catalog)["起球"]
    assert brief(d) == [("GB/T 22849-2014", "16.1", "rejected")]
    assert "合格品" in d["candidates"][0]["reason"]


def test_existing_fields_unchanged_and_candidates_last() -> None:
    d = run(declared=["GB/T 80001-2023"], items=["泄漏电流"])["泄漏电流"]
    assert list(d) == ["item", "rules", "basis", "method", "grade", "requirement_text", "candidates"]
    assert set(d["candidates"][0]) == {"code", "step", "outcome", "reason"}


def test_none_item_still_lists_what_was_rejected() -> None:
    d = run(declared=["GB/T 80001-2023"], similar_standards=["QB/T 80020-2019"], items=["耐久性"])["耐久性"]
    assert d["rules"] == ["none"] and d["basis"] is None
    assert {c["outcome"] for c in d["candidates"]} == {"rejected"}
    assert [c["code"] for c in d["candidates"]] == ["GB/T 80001-2023", "QB/T 80020-2019"]


# --- properties ---------------------------------------------------------------------------------

ITEMS = ("A", "B", "C")
CODES = ("GB 1001-2020", "GB/T 1002-2019", "QB/T 1003-2018", "T/XH 1004-2021", "Q/AB 1005-2024", "GB 1006-2022")


@st.composite
def selection_inputs(draw) -> dict[str, Any]:
    req = st.builds(lambda v, u: le(v, u), st.sampled_from([1, 2, 3]), st.sampled_from(["mA", "mA", "K"]))
    catalog = []
    for code in CODES:
        items = draw(st.lists(st.sampled_from(ITEMS), unique=True, max_size=3))
        method = draw(st.sampled_from([code, "Q/AB 1005-2024"]))
        catalog.append({"code": code, "effective": "2020-01-01", "abolished": None,
                        "items": {i: spec("5.1", draw(req), method, "6.1") for i in items}})
    pick = st.lists(st.sampled_from([*CODES, "GB/T 1099"]), unique=True, max_size=4)
    claims = draw(st.lists(st.builds(lambda i, s, r: {"item": i, "source": s, "requirement": r},
                                     st.sampled_from(ITEMS), st.sampled_from(["label", "sample", "advertising"]), req),
                           max_size=4))
    return {
        "test_date": "2026-03-10",
        "declared": draw(pick),
        "version_evidence": {},
        "published_enterprise_standard": draw(st.sampled_from([None, "Q/AB 1005-2024"])),
        "similar_standards": draw(pick),
        "important_items": draw(st.lists(st.sampled_from(ITEMS), unique=True)),
        "items": list(ITEMS),
        "claims": claims,
        "catalog": catalog,
    }


@settings(max_examples=300, deadline=None)
@given(selection_inputs())
def test_candidate_properties(payload: dict[str, Any]) -> None:
    out = standard_command(payload)
    catalog = {e["code"]: e for e in payload["catalog"]}
    named = [*payload["declared"], *([payload["published_enterprise_standard"]] if payload["published_enterprise_standard"]
                                     else []), *payload["similar_standards"]]
    for d in out["items"]:
        cands = d["candidates"]
        for c in cands:
            assert c["outcome"] in OUTCOMES and c["step"] in STEP_ORDER and c["reason"].strip()
            assert ("code" in c) != ("source" in c)
        # in step order
        ranks = [STEP_ORDER.index(c["step"]) for c in cands]
        assert ranks == sorted(ranks)
        # every named standard at least once; one lacking the item is rejected as not covering it, never chosen
        codes = [c.get("code") for c in cands]
        for code in named:
            assert code in codes
            if code in catalog and d["item"] not in catalog[code]["items"]:
                mine = [c for c in cands if c.get("code") == code]
                assert any(c["outcome"] == "rejected" and c["reason"] == NOT_COVERED for c in mine)
                assert all(c["outcome"] == "rejected" for c in mine)
        # every claim of the item exactly once
        claims = [c for c in payload["claims"] if c["item"] == d["item"]]
        assert len([c for c in cands if "source" in c]) == len(claims)
        # one chosen basis, the basis of the output; each replaced one was a basis before
        chosen = [c for c in cands if c["outcome"] == "chosen" and c["step"] != "17.3"]
        if d["basis"] is None:
            assert chosen == [] and d["rules"] == ["none"]
        else:
            assert len(chosen) == 1
            basis = d["basis"]
            assert chosen[0].get("code", chosen[0].get("source")) == basis.get("code", basis.get("source"))
            replaced = [c for c in cands if c["outcome"] == "replaced"]
            assert len(replaced) + 1 == len([r for r in d["rules"] if r in BASIS_RULES])
        method_chosen = [c for c in cands if c["outcome"] == "chosen" and c["step"] == "17.3"]
        assert len(method_chosen) == (1 if "17.3" in d["rules"] else 0)
        if method_chosen:
            assert method_chosen[0]["code"] == d["method"]["code"]
