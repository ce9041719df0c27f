"""Standard codes: parsing, normalisation, kinds, ordering, the version current on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from app.rules.standards import (
    ENTERPRISE,
    GROUP,
    GUIDANCE_NATIONAL,
    INDUSTRY,
    LOCAL,
    MANDATORY_NATIONAL,
    RECOMMENDED_NATIONAL,
    StandardCode,
    StandardCodeError,
    current_version,
    is_current,
    is_national_or_industry,
    kind_of,
    national_first,
    normalize_code,
    parse_code,
)


@pytest.mark.parametrize(
    ("text", "full", "kind"),
    [
        ("GB/T 14561-2019", "GB/T 14561-2019", RECOMMENDED_NATIONAL),
        ("GB/T14561-2019", "GB/T 14561-2019", RECOMMENDED_NATIONAL),
        ("gb/t 14561-2019", "GB/T 14561-2019", RECOMMENDED_NATIONAL),
        ("ＧＢ／Ｔ　１４５６１－２０１９", "GB/T 14561-2019", RECOMMENDED_NATIONAL),
        ("GB/T 14561—2019", "GB/T 14561-2019", RECOMMENDED_NATIONAL),
        ("GB/T 14561–2019", "GB/T 14561-2019", RECOMMENDED_NATIONAL),
        ("GB/T 14561－2019", "GB/T 14561-2019", RECOMMENDED_NATIONAL),
        ("  GB / T   14561 - 2019 ", "GB/T 14561-2019", RECOMMENDED_NATIONAL),
        ("GB 4706.1-2005", "GB 4706.1-2005", MANDATORY_NATIONAL),
        ("GB 4706.1-98", "GB 4706.1-1998", MANDATORY_NATIONAL),
        ("GB 4706.19", "GB 4706.19", MANDATORY_NATIONAL),
        ("GB/Z 18039.5-2003", "GB/Z 18039.5-2003", GUIDANCE_NATIONAL),
        ("QB/T 1234", "QB/T 1234", INDUSTRY),
        ("SN/T 1234.5-2020", "SN/T 1234.5-2020", INDUSTRY),
        ("JB 1234-2008", "JB 1234-2008", INDUSTRY),
        ("DB42/T 1234-2020", "DB42/T 1234-2020", LOCAL),
        ("DB 42/T 1234—2020", "DB42/T 1234-2020", LOCAL),
        ("DB42 123-2021", "DB42 123-2021", LOCAL),
        ("T/CAB 90030-2022", "T/CAB 90030-2022", GROUP),
        ("t/cab 90030－2022", "T/CAB 90030-2022", GROUP),
        ("Q/WHAB 0001-2024", "Q/WHAB 0001-2024", ENTERPRISE),
        ("Q/WHAB0001-2024", "Q/WHAB 0001-2024", ENTERPRISE),
    ],
)
def test_parse_and_normalise(text: str, full: str, kind: str) -> None:
    code = parse_code(text)
    assert code.full == full
    assert normalize_code(text) == full
    assert code.kind == kind == kind_of(text)


def test_parts_and_year() -> None:
    code = parse_code("GB 4706.1-98")
    assert (code.prefix, code.number, code.year) == ("GB", "4706.1", 1998)
    assert code.base == "GB 4706.1"
    assert parse_code("GB 4706.1-05").year == 2005
    assert parse_code("GB/T 14561").year is None
    assert parse_code("GB 4706.1") != parse_code("GB 4706.19")


@pytest.mark.parametrize("text", ["", "   ", "hello", "GB", "14561-2019", "GB/T 14561-3019", "DB/T 12", "GB/T-2019"])
def test_rejects_non_codes(text: str) -> None:
    with pytest.raises(StandardCodeError) as err:
        parse_code(text)
    assert "标准编号" in err.value.message


def test_national_first_orders_mandatory_recommended_then_industry_stably() -> None:
    codes = ["QB/T 1", "GB/T 2", "SN/T 3", "GB 4", "GB/T 5", "T/CAB 6", "Q/AB 7", "DB42/T 8", "GB/Z 9"]
    assert national_first(codes) == [
        "GB 4",
        "GB/T 2",
        "GB/T 5",
        "GB/Z 9",
        "QB/T 1",
        "SN/T 3",
        "DB42/T 8",
        "T/CAB 6",
        "Q/AB 7",
    ]
    assert is_national_or_industry("QB/T 1") and is_national_or_industry("GB 1")
    assert not is_national_or_industry("T/CAB 1") and not is_national_or_industry("Q/A 1")
    assert not is_national_or_industry("DB42/T 1")


@dataclass
class V:
    code: StandardCode
    effective: dt.date
    abolished: dt.date | None


def test_current_on_a_date_boundaries() -> None:
    d = dt.date
    assert is_current(d(2020, 7, 1), None, d(2020, 7, 1))  # effective that day
    assert not is_current(d(2020, 7, 1), None, d(2020, 6, 30))
    assert not is_current(d(2016, 1, 1), d(2024, 7, 1), d(2024, 7, 1))  # abolished that day
    assert is_current(d(2016, 1, 1), d(2024, 7, 1), d(2024, 6, 30))
    old = V(parse_code("GB/T 90001-2015"), d(2016, 1, 1), d(2024, 7, 1))
    new = V(parse_code("GB/T 90001-2023"), d(2024, 7, 1), None)
    other = V(parse_code("GB/T 90002-2023"), d(2020, 1, 1), None)
    versions = [old, new, other]
    assert current_version(versions, "GB/T 90001", d(2024, 6, 30)) is old
    assert current_version(versions, "GB/T 90001", d(2024, 7, 1)) is new
    assert current_version(versions, "GB/T 90001", d(2015, 1, 1)) is None


def test_the_version_index_agrees_with_the_definition() -> None:
    """The index (one per evaluation) answers like a scan of every version with ``is_current``."""
    import random

    from app.rules.standards import VersionIndex

    rng = random.Random(14)
    versions = []
    for n in range(40):
        for year in rng.sample(range(2000, 2026), rng.randint(1, 5)):
            effective = dt.date(year, rng.randint(1, 12), 1)
            abolished = effective + dt.timedelta(days=rng.randint(1, 4000)) if rng.random() < 0.6 else None
            versions.append(V(parse_code(f"GB/T {90000 + n}-{year}"), effective, abolished))
    rng.shuffle(versions)
    index = VersionIndex(versions)
    for _ in range(2000):
        base = f"GB/T {90000 + rng.randrange(42)}"
        on = dt.date(1999, 1, 1) + dt.timedelta(days=rng.randrange(10000))
        found = [v for v in versions if v.code.base == base and is_current(v.effective, v.abolished, on)]
        want = max(found, key=lambda v: (v.effective, v.code.year or 0)) if found else None
        assert index.current(base, on) is want
        assert current_version(versions, base, on) is want
    assert "GB/T 90000" in index and "GB/T 90041" not in index


def test_selection_looks_codes_up_instead_of_scanning_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: each undated code scanned the whole catalog (quadratic); now one index per evaluation.

    Counted, not timed: how often a version's base code is read while 400 codes without a year
    are resolved against 2,000 versions (a scan per code reads it 800,000 times).
    """
    from app.rules.commands import standard_command

    bases = [f"GB/T {20000 + n}" for n in range(400)]
    catalog = [
        {"code": f"{base}-{year}", "effective": f"{year}-01-01", "abolished": None,
         "items": {"x": {"requirement": {"op": "<=", "value": 1, "unit": "mg"}}}}
        for base in bases for year in (2001, 2005, 2009, 2013, 2017)
    ]
    payload = {"test_date": "2026-03-10", "declared": bases[:200], "similar_standards": bases[200:],
               "items": ["x"], "catalog": catalog}
    reads = 0
    base_of = StandardCode.base.fget

    def counting(self: StandardCode) -> str:
        nonlocal reads
        reads += 1
        return base_of(self)

    monkeypatch.setattr(StandardCode, "base", property(counting))
    out = standard_command(payload)
    assert out["items"][0]["basis"]["code"] == "GB/T 20000-2017"
    assert reads < 20 * (len(catalog) + len(bases)), reads
