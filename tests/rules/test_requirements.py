"""Requirement algebra: allowed sets, strictness as proper inclusion, boundaries, rendering."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules.errors import RuleInputError
from app.rules.requirements import (
    Requirement,
    allows,
    format_number,
    parse_requirement,
    same_allowed_set,
    stricter,
)

UNITS = ("mg/m3", "%")
values = st.integers(min_value=-6, max_value=6)


@st.composite
def requirements(draw) -> Requirement:
    kind = draw(st.sampled_from(["<=", "<", ">=", ">", "=", "range", "text"]))
    if kind == "text":
        return Requirement(op="text", text=draw(st.sampled_from(["表面平整", "无裂纹"])))
    unit = draw(st.sampled_from(UNITS))
    if kind == "range":
        low = draw(values)
        high = draw(st.integers(min_value=low, max_value=7))
        return Requirement(op="range", unit=unit, low=low, high=high)
    return Requirement(op=kind, unit=unit, value=draw(values))


probe_points = [x / 2 for x in range(-16, 17)]  # every integer and half-integer around the values


def allowed_points(r: Requirement) -> set[float]:
    return {x for x in probe_points if allows(r, x)}


@settings(max_examples=100, deadline=None)
@given(requirements())
def test_irreflexive(a: Requirement) -> None:
    assert stricter(a, a) is False


@settings(max_examples=100, deadline=None)
@given(requirements(), requirements())
def test_asymmetric(a: Requirement, b: Requirement) -> None:
    if stricter(a, b):
        assert stricter(b, a) is False


@settings(max_examples=100, deadline=None)
@given(requirements(), requirements(), requirements())
def test_transitive(a: Requirement, b: Requirement, c: Requirement) -> None:
    if stricter(a, b) and stricter(b, c):
        assert stricter(a, c) is True


@settings(max_examples=100, deadline=None)
@given(requirements(), requirements())
def test_none_exactly_for_incomparable(a: Requirement, b: Requirement) -> None:
    verdict = stricter(a, b)
    if a.is_text or b.is_text:
        expected_none = not (a.is_text and b.is_text and a.text == b.text)
    else:
        expected_none = a.unit != b.unit
    assert (verdict is None) == expected_none
    assert (stricter(b, a) is None) == expected_none


@settings(max_examples=100, deadline=None)
@given(requirements(), requirements())
def test_stricter_agrees_with_the_allowed_values(a: Requirement, b: Requirement) -> None:
    """On the integer and half-integer grid, a stricter requirement allows a subset of values."""
    if a.is_text or b.is_text or a.unit != b.unit:
        return
    pa, pb = allowed_points(a), allowed_points(b)
    if stricter(a, b):
        assert pa <= pb
    if pa < pb:  # a proper subset on the grid can only come from a proper subset of sets
        assert stricter(a, b) is True
    if same_allowed_set(a, b):
        assert pa == pb and not stricter(a, b) and not stricter(b, a)


def req(d: dict) -> Requirement:
    return parse_requirement(d)


@pytest.mark.parametrize(
    ("spec", "inside", "outside"),
    [
        ({"op": "<=", "value": 5, "unit": "K"}, [5, 4.999, -100], [5.001, 6]),
        ({"op": "<", "value": 5, "unit": "K"}, [4.999, -100], [5, 6]),
        ({"op": ">=", "value": 5, "unit": "K"}, [5, 5.001, 1e9], [4.999]),
        ({"op": ">", "value": 5, "unit": "K"}, [5.001], [5, 4]),
        ({"op": "=", "value": 5, "unit": "K"}, [5, 5.0], [4.999, 5.001]),
        ({"op": "range", "low": -10, "high": 5, "unit": "%"}, [-10, 5, 0, -9.99], [-10.01, 5.01]),
    ],
)
def test_boundaries(spec: dict, inside: list[float], outside: list[float]) -> None:
    r = req(spec)
    for x in inside:
        assert allows(r, x), (spec, x)
    for x in outside:
        assert not allows(r, x), (spec, x)


def test_open_and_closed_ends_decide_strictness() -> None:
    le5, lt5 = req({"op": "<=", "value": 5, "unit": "K"}), req({"op": "<", "value": 5, "unit": "K"})
    assert stricter(lt5, le5) is True and stricter(le5, lt5) is False
    ge5, gt5 = req({"op": ">=", "value": 5, "unit": "K"}), req({"op": ">", "value": 5, "unit": "K"})
    assert stricter(gt5, ge5) is True and stricter(ge5, gt5) is False
    eq5 = req({"op": "=", "value": 5, "unit": "K"})
    assert stricter(eq5, le5) is True and stricter(eq5, ge5) is True
    assert stricter(eq5, lt5) is False and stricter(lt5, eq5) is False
    point = req({"op": "range", "low": 5, "high": 5, "unit": "K"})
    assert same_allowed_set(point, eq5) and not stricter(point, eq5) and not stricter(eq5, point)
    r = req({"op": "range", "low": 0, "high": 5, "unit": "K"})
    assert stricter(r, le5) is True
    assert stricter(r, lt5) is False  # 5 is allowed by the range, not by <5
    assert stricter(req({"op": "range", "low": 0, "high": 4.9, "unit": "K"}), lt5) is True


def test_overlapping_ranges_are_neither_stricter() -> None:
    a = req({"op": "range", "low": -10, "high": 5, "unit": "%"})
    b = req({"op": "range", "low": -8, "high": 8, "unit": "%"})
    assert stricter(a, b) is False and stricter(b, a) is False
    assert same_allowed_set(a, b) is False


def test_units_compare_after_normalisation() -> None:
    a = req({"op": "<=", "value": 0.05, "unit": "mg/m³"})
    b = req({"op": "<=", "value": 0.1, "unit": " mg/m3"})
    assert stricter(a, b) is True
    assert stricter(a, req({"op": "<=", "value": 0.1, "unit": "mg/L"})) is None


def test_text_requirements() -> None:
    t1 = req({"op": "text", "text": "表面应平整"})
    assert stricter(t1, req({"op": "text", "text": "表面应平整"})) is False
    assert stricter(t1, req({"op": "text", "text": "无毛刺"})) is None
    assert stricter(t1, req({"op": "<=", "value": 1, "unit": "mm"})) is None
    with pytest.raises(RuleInputError):
        allows(t1, 1)


def test_allows_checks_unit_and_value() -> None:
    r = req({"op": "<=", "value": 0.25, "unit": "mA"})
    assert allows(r, 0.25, unit="mA")
    with pytest.raises(RuleInputError):
        allows(r, 0.1, unit="A")
    with pytest.raises(RuleInputError):
        allows(r, float("nan"))


@pytest.mark.parametrize(
    ("spec", "text"),
    [
        ({"op": "<=", "value": 0.05, "unit": "mg/m3"}, "≤0.05 mg/m3"),
        ({"op": "<", "value": 10.0, "unit": "K"}, "<10 K"),
        ({"op": ">=", "value": 10000, "unit": "次"}, "≥10000 次"),
        ({"op": ">", "value": 1e-05, "unit": "mm"}, ">0.00001 mm"),
        ({"op": "=", "value": 220, "unit": "V"}, "=220 V"),
        ({"op": "range", "low": -10, "high": 5, "unit": "%"}, "-10～5 %"),
        ({"op": "range", "low": 1.5, "high": 2.5, "unit": ""}, "1.5～2.5"),
        ({"op": "text", "text": "表面应平整，无裂纹"}, "表面应平整，无裂纹"),
    ],
)
def test_render(spec: dict, text: str) -> None:
    assert req(spec).render() == text


def test_to_dict_round_trips_numbers_as_given() -> None:
    for spec in (
        {"op": "<=", "value": 0.05, "unit": "mg/m3"},
        {"op": "range", "low": -10, "high": 5, "unit": "%"},
        {"op": "text", "text": "表面应平整"},
    ):
        assert req(spec).to_dict() == spec
    assert format_number(10.0) == "10"


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"value": 1, "unit": "K"}, "requirement.op"),
        ({"op": "~", "value": 1}, "requirement.op"),
        ({"op": "<=", "unit": "K"}, "requirement.value"),
        ({"op": "<=", "value": "1", "unit": "K"}, "requirement.value"),
        ({"op": "<=", "value": True, "unit": "K"}, "requirement.value"),
        ({"op": "range", "low": 5, "high": 1, "unit": "K"}, "requirement.low"),
        ({"op": "range", "low": 1, "unit": "K"}, "requirement.high"),
        ({"op": "text"}, "requirement.text"),
        ({"op": "<=", "value": 1, "unit": 3}, "requirement.unit"),
    ],
)
def test_bad_requirements_name_the_field(spec: dict, field: str) -> None:
    with pytest.raises(RuleInputError) as err:
        parse_requirement(spec)
    assert err.value.field == field
    assert field in err.value.message
    assert "\n" not in err.value.message


def test_op_aliases() -> None:
    assert req({"op": "≤", "value": 1, "unit": "K"}).op == "<="
    assert req({"op": "≥", "value": 1, "unit": "K"}).op == ">="


def test_functions_accept_the_json_dicts() -> None:
    assert stricter({"op": "<=", "value": 1, "unit": "K"}, {"op": "<=", "value": 2, "unit": "K"}) is True
    assert allows({"op": "range", "low": 1, "high": 2, "unit": "K"}, 2) is True
    with pytest.raises(RuleInputError):
        stricter({"op": "?"}, {"op": "<=", "value": 2, "unit": "K"})
