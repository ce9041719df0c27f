"""风险研判 of one category at 1, 3 and 10 rounds × 10,000 and 100,000 samples a round: the view's
service call (``app.services.intelligence.analyse``) must finish in under 300 ms of CPU.

Run: ``python tests/bench/bench_intelligence.py [--home DIR] [--sizes 10000,100000] [--rounds 1,3,10]``
(or ``make bench``). One database holds every case, each a product category of its own (tasks
one per plan year; each sample with an approved test report and five item results, spread over
Hubei's cities, enterprise sizes and the three place types, the problem rate rising by round). It
is built once into DIR (``--home``, else ``RISKMON_BENCH_INTEL_HOME``, else a folder in the user
cache directory) in SQL (a numbers table, ``INSERT … SELECT``: 1.5 million samples and 7.7
million results in a few minutes), its trigger-kept tables then rebuilt from the rows
(``search_index.rebuild``, as ``riskmon db reindex`` does), and reused by later runs.

Subject: ``analyse`` (the counts kept by :mod:`app.store.risk_counts`, the statistics on them).
Baseline: the same counts from the base rows — the ``GROUP BY`` over samples, reports and item
results of the category that the view ran before the counts were kept — in plain ``sqlite3``;
its result is compared with the kept counts. Baseline and subject alternate after a warm-up; CPU
(``time.process_time``: SQLite runs in this process) and wall time, min and median. The goal is
absolute: < 300 ms CPU (min of the runs; the machine is shared) at every size, 10 × 100,000
included; the exit status is 1 on a miss.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.services import intelligence  # noqa: E402
from app.services.context import SYSTEM, Context  # noqa: E402
from app.store import risk_counts, search_index  # noqa: E402
from app.store.db import DB_FILENAME, bootstrap  # noqa: E402

GOAL_CPU_MS = 300.0
RUNS = 5
LAYOUT = 2  # bump when the generated data changes: a new folder is built
ITEMS = ("泄漏电流", "温升", "额定功率", "热效率", "外观")
DIVISIONS = ("420100", "420200", "420300", "420500", "420600", "420700", "420800", "420900", "421000", "421100",
             "421200", "421300", "422800", "429004", "440600", "330100")
SIZES = ("large", "medium", "small", "micro")
PLACES = ("producer", "physical_seller", "e_platform")
ENTERPRISES = 2000
ENV = "RISKMON_BENCH_INTEL_HOME"
NOW = "2026-01-01 00:00:00+00:00"


def category(rounds: int, per_round: int) -> str:
    return f"电热水壶（{rounds}轮×{per_round}）"


def build(path: Path, cases: list[tuple[int, int]]) -> None:
    """Everything in SQL on one connection, the trigger-kept tables rebuilt at the end."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    top = max(n for _r, n in cases)
    with conn:
        conn.executemany(
            "INSERT INTO enterprises (id, name, uscc, size, version, created_at, updated_at) VALUES (?,?,?,?,1,?,?)",
            [(i + 1, f"企业{i + 1:04d}", f"92{DIVISIONS[i % len(DIVISIONS)]}B{i:09d}", SIZES[i % len(SIZES)], NOW, NOW)
             for i in range(ENTERPRISES)])
        conn.execute("CREATE TEMP TABLE nums (n INTEGER PRIMARY KEY)")
        conn.execute(f"WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n + 1 < {top}) "
                     "INSERT INTO temp.nums SELECT n FROM c")
        conn.execute("CREATE TEMP TABLE items (seq INTEGER PRIMARY KEY, item TEXT)")
        conn.executemany("INSERT INTO temp.items VALUES (?, ?)", list(enumerate(ITEMS)))
    # the triggers are left out while the rows go in; the tables they keep are rebuilt below
    with conn:
        for name in (*risk_counts.SQLITE_TRIGGERS, *(f"{t}_{op}" for t in ("samples_fts", "enterprises_fts")
                                                    for op in ("ai", "au", "ad")),
                     "notice_backlog_samples_ai", "notice_backlog_samples_au", "notice_backlog_samples_ad"):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    task_id = sample_id = item_id = 0
    for rounds, per_round in cases:
        cat = category(rounds, per_round)
        for r in range(rounds):
            year = 2026 - rounds + r + 1
            task_id += 1
            permille = 40 + 4 * r  # 4.0 % rising by 0.4 % a round
            with conn:
                conn.execute(
                    "INSERT INTO monitoring_tasks (id, number, title, product_category, plan_year, status, version, "
                    "created_at, updated_at) VALUES (?,?,?,?,?,'closed',1,?,?)",
                    (task_id, f"BENCH-{task_id}-{year}", f"{year}年{cat}风险监测", cat, year, NOW, NOW))
                conn.execute(
                    "INSERT INTO samples (id, task_id, number, status, place_type, sampled_party_id, product_name, "
                    "problems_found, major_hazard, declared_standards, version_evidence, claims, samplers, "
                    "seal_numbers, test_category, version, created_at, updated_at) "
                    f"SELECT ? + n + 1, ?, 'B' || ? || '-' || n, 'approved', CASE n % 3 WHEN 0 THEN '{PLACES[0]}' "
                    f"WHEN 1 THEN '{PLACES[1]}' ELSE '{PLACES[2]}' END, (n * 7919) % {ENTERPRISES} + 1, '电热水壶', "
                    "(abs(random()) % 1000) < ?, 0, '[]', '{}', '[]', '[]', '[]', '风险监测', 1, ?, ? "
                    "FROM temp.nums WHERE n < ?",
                    (sample_id, task_id, task_id, permille, NOW, NOW, per_round))
                conn.execute(
                    "INSERT INTO reports (id, kind, sample_id, task_id, number, status, version, created_at, "
                    "updated_at) SELECT id, 'test', id, task_id, 'R' || number, 'approved', 1, ?, ? FROM samples "
                    "WHERE task_id = ?", (NOW, NOW, task_id))
                conn.execute(
                    "INSERT INTO item_results (id, sample_id, item, seq, judgement, rule_trace, warnings, version, "
                    "created_at, updated_at) SELECT ? + (s.id - ? - 1) * 5 + i.seq + 1, s.id, i.item, i.seq, "
                    "CASE WHEN s.problems_found AND s.id % 5 = i.seq THEN 'fail' ELSE 'pass' END, '[]', '[]', 1, ?, ? "
                    "FROM samples s, temp.items i WHERE s.task_id = ?",
                    (item_id, sample_id, NOW, NOW, task_id))
            sample_id += per_round
            item_id += per_round * len(ITEMS)
        print(f"  {cat}: {rounds} rounds × {per_round:,} samples", flush=True)
    conn.close()


def baseline_counts(conn: sqlite3.Connection, cat: str) -> dict[tuple, tuple[int, int]]:
    """The view's counts from the base rows (what it ran before the counts were kept)."""
    approved = ("s.id IN (SELECT r.sample_id FROM reports r WHERE r.kind = 'test' AND r.status = 'approved' "
                "AND r.task_id IN (SELECT id FROM monitoring_tasks WHERE product_category = :c "
                "AND plan_year IS NOT NULL))")
    out: dict[tuple, tuple[int, int]] = {}
    for year, place, division, size, n, k in conn.execute(
            "SELECT t.plan_year, s.place_type, coalesce(e.region_code, substr(e.uscc, 3, 6), ''), "
            "coalesce(e.size, ''), count(*), sum(s.problems_found) FROM samples s "
            "JOIN monitoring_tasks t ON t.id = s.task_id LEFT JOIN enterprises e ON e.id = s.sampled_party_id "
            f"WHERE t.product_category = :c AND t.plan_year IS NOT NULL AND {approved} "
            "GROUP BY 1, 2, 3, 4", {"c": cat}):
        out[(year, "", place, division, size)] = (n, k)
    for year, item, n, k in conn.execute(
            "SELECT t.plan_year, i.item, count(*), sum(i.judgement = 'fail') FROM item_results i "
            "JOIN samples s ON s.id = i.sample_id JOIN monitoring_tasks t ON t.id = s.task_id "
            f"WHERE t.product_category = :c AND t.plan_year IS NOT NULL AND i.judgement IS NOT NULL AND {approved} "
            "GROUP BY 1, 2", {"c": cat}):
        out[(year, item)] = (n, k)
    return out


def _ms(f) -> tuple[float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    f()
    return (time.process_time() - c0) * 1000, (time.perf_counter() - w0) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help=f"folder of the benchmark database (or {ENV})")
    parser.add_argument("--sizes", default="10000,100000", help="samples a round, comma-separated")
    parser.add_argument("--rounds", default="1,3,10", help="rounds, comma-separated")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    round_counts = [int(x) for x in args.rounds.split(",") if x.strip()]
    cases = [(r, n) for n in sizes for r in round_counts]
    if args.home or os.environ.get(ENV):
        home = Path(args.home or os.environ[ENV]).expanduser()
    else:
        from platformdirs import user_cache_dir

        tag = "_".join(f"{r}x{n}" for r, n in cases)
        home = Path(user_cache_dir("riskmon")) / f"bench-intel-v{LAYOUT}-{tag}"
    home.mkdir(parents=True, exist_ok=True)
    fresh = not (home / DB_FILENAME).exists()
    db = bootstrap(None, home=home)
    db.upgrade()
    if fresh:
        total = sum(r * n for r, n in cases)
        print(f"building {len(cases)} categories, {total:,} samples in {home} (once) …", flush=True)
        t0 = time.perf_counter()
        build(home / DB_FILENAME, cases)
        with db.maintenance() as conn:
            search_index.rebuild(conn)
        with sqlite3.connect(home / DB_FILENAME) as conn:
            conn.execute("ANALYZE")
        print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
    ctx = Context(db, SYSTEM)
    raw = sqlite3.connect(home / DB_FILENAME)
    print(__doc__.split("\n\n")[0])
    print(f"goal: CPU < {GOAL_CPU_MS:.0f} ms (min of {RUNS}) at every size; baseline: the same counts from the base "
          "rows in plain sqlite3 (the view's query before the counts were kept)")
    print(f"  {'case':<28} {'subject CPU/wall ms (min, median)':<36} {'baseline CPU/wall ms (min, median)':<36} "
          f"{'ratio':>7}  result")
    misses = []
    for rounds, per_round in cases:
        cat = category(rounds, per_round)
        result = intelligence.analyse(ctx, cat)  # warm the pool and the page cache
        baseline_counts(raw, cat)
        subj, base = [], []
        for _ in range(RUNS):
            subj.append(_ms(lambda cat=cat: intelligence.analyse(ctx, cat)))
            base.append(_ms(lambda cat=cat: baseline_counts(raw, cat)))
        counted = baseline_counts(raw, cat)
        tested = sum(v[0] for k, v in counted.items() if len(k) == 5)
        problems = sum(v[1] for k, v in counted.items() if len(k) == 5)
        same = (result.overall.tested, result.overall.problems) == (tested, problems) and all(
            (s.tested, s.problems) == (sum(v[0] for k, v in counted.items() if len(k) == 2 and k[1] == s.item),
                                       sum(v[1] for k, v in counted.items() if len(k) == 2 and k[1] == s.item))
            for s in result.items)
        s_cpu, b_cpu = min(c for c, _w in subj), min(c for c, _w in base)
        ok = s_cpu < GOAL_CPU_MS and same
        if not ok:
            misses.append(cat)

        def fmt(xs):
            cpu, wall = [c for c, _w in xs], [w for _c, w in xs]
            return f"{min(cpu):7.1f}/{min(wall):7.1f}, {statistics.median(cpu):7.1f}/{statistics.median(wall):7.1f}"

        label = f"{rounds:>2} rounds × {per_round:>7,}"
        print(f"  {label:<28} {fmt(subj):<36} {fmt(base):<36} ×{b_cpu / max(s_cpu, 0.001):6.0f}  "
              f"{'met' if ok else 'MISSED'}{'' if same else ' (counts differ from the base rows)'}"
              f"  [{result.overall.tested:,} tested, {len(result.candidates)} candidates: "
              f"{result.overall.trend.text}]", flush=True)
    raw.close()
    db.dispose()
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    if misses:
        print("GOAL MISSED: " + "、".join(misses))
        return 1
    print("GOALS MET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
