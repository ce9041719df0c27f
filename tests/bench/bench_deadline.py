"""Time 100,000 five-working-day deadlines against the floor of a plain date loop.

Run: ``python tests/bench/bench_deadline.py`` (or ``make bench``). The floor is a loop over the
same dates that only adds 7 calendar days with ``datetime``; both are measured in this run (best
of 5). Goal: a deadline costs at most ``GOAL`` times the floor's date addition (the dashboard and the
work list compute one per open sample); the exit status is 1 when it costs more.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.ruledata import default_calendar  # noqa: E402

N = 100_000
GOAL = 60.0  # deadline / floor; about 20× on an idle machine


def best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    rng = random.Random(20260930)
    start = dt.date(2020, 1, 1).toordinal()
    end = dt.date(2026, 12, 20).toordinal()
    dates = [dt.date.fromordinal(rng.randint(start, end)) for _ in range(N)]

    t0 = time.perf_counter()
    cal = default_calendar()
    cal.deadline(dates[0])  # builds the index for the first year touched
    first = time.perf_counter() - t0
    for d in dates[:1000]:  # and the rest of the span, once
        cal.deadline(d)

    week = dt.timedelta(days=7)

    def floor() -> None:
        for d in dates:
            d + week

    deadline = cal.deadline

    def deadlines() -> None:
        for d in dates:
            deadline(d, 5)

    t_floor = best_of(5, floor)
    t_dead = best_of(5, deadlines)
    print(f"calendar + first deadline (cold): {first * 1000:8.1f} ms")
    print(f"{N:,} deadlines:                   {t_dead * 1000:8.1f} ms  ({t_dead / N * 1e6:.2f} µs each)")
    print(f"floor, {N:,} × (date + 7 days):    {t_floor * 1000:8.1f} ms")
    ratio = t_dead / t_floor
    met = ratio <= GOAL
    print(f"ratio deadline / floor:            {ratio:8.1f}×  (goal ≤ {GOAL:.0f}×, baseline: the floor above): "
          f"{'GOAL MET' if met else 'GOAL MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
