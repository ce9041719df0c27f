"""Standard selection over a large catalog: 20,000 versions, 4,000 codes without a year.

Run: ``python tests/bench/bench_catalog_index.py`` (or ``make bench``). Issue 14: with a scan of
the whole catalog per undated code (``standards.current_version``), this input took about a
minute; the evaluation now builds one index of the versions and must finish in under 2 s of wall
time (the exit status is 1 when it does not). Reading the JSON and checking every field of the
input is timed and printed too, for information: it is linear in the size of the input.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.rules.selection import parse_selection_input, select_standards  # noqa: E402

VERSIONS_PER_STANDARD = 5
STANDARDS = 4_000  # 20,000 versions
ITEMS = [f"项目{i:02d}" for i in range(20)]
GOAL_SECONDS = 2.0


def payload(seed: int = 14) -> dict:
    """4,000 standards with 5 versions each (most abolished by the next), 20 items per version;
    half of the standards declared without a year, the other half listed by the scheme."""
    rng = random.Random(seed)
    catalog = []
    bases = []
    for n in range(STANDARDS):
        base = f"{('GB', 'GB/T', 'QB/T', 'FZ/T')[n % 4]} {10000 + n}"
        bases.append(base)
        years = sorted(rng.sample(range(1995, 2025), VERSIONS_PER_STANDARD))
        for k, year in enumerate(years):
            effective = f"{year}-{rng.randint(1, 12):02d}-01"
            abolished = None
            if k + 1 < len(years) and rng.random() < 0.8:
                abolished = f"{years[k + 1]}-{rng.randint(1, 12):02d}-01"
            items = {
                item: {"clause": f"5.{rng.randint(1, 20)}",
                       "requirement": {"op": "<=", "value": round(rng.uniform(0.1, 100), 2), "unit": "mg/kg"},
                       "method": {"code": f"{base}-{year}", "clause": f"6.{rng.randint(1, 20)}"}}
                for item in ITEMS
            }
            catalog.append({"code": f"{base}-{year}", "title": "某产品通用技术条件", "effective": effective,
                            "abolished": abolished if abolished and abolished > effective else None, "items": items})
    half = STANDARDS // 2
    return {"test_date": "2026-03-10", "declared": bases[:half], "similar_standards": bases[half:],
            "important_items": ITEMS[:5], "items": ITEMS, "claims": [], "catalog": catalog}


def main() -> int:
    text = json.dumps(payload(), ensure_ascii=False)
    t0 = time.perf_counter()
    data = json.loads(text)
    inp = parse_selection_input(data)
    t_parse = time.perf_counter() - t0

    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(3):
        w0, c0 = time.perf_counter(), time.process_time()
        result = select_standards(inp)  # builds the index once, then resolves every code
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    assert result is not None and len(result.items) == len(ITEMS)
    undated = len(inp.declared) + len(inp.similar_standards)
    print(f"input: {len(text.encode()) / 1e6:.1f} MB, {len(inp.catalog):,} catalog versions, "
          f"{undated:,} codes without a year, {len(ITEMS)} items")
    print(f"read and check the input (information): {t_parse * 1000:8.1f} ms wall")
    print(f"evaluation (index + selection):         {best_wall * 1000:8.1f} ms wall, {best_cpu * 1000:8.1f} ms CPU")
    print(f"goal:                                   {GOAL_SECONDS * 1000:8.1f} ms wall")
    print("baseline:                               about 60,000 ms wall (a scan of the catalog per undated "
          "code, before issue 14)")
    print(f"ratio evaluation / goal:                {best_wall / GOAL_SECONDS:8.2f}")
    if best_wall >= GOAL_SECONDS:
        print("MISSED: the evaluation of the 20,000-version input took 2 s or more", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
