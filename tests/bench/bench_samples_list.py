"""The sample list on 100,000 samples: opening, filtering and sorting, beside plain sqlite3.

Run: ``python tests/bench/bench_samples_list.py [--home DIR] [--samples N] [--no-gui]`` (or
``make bench``). The database is the demo lab with N generated samples (default 100,000), built
once with ``riskmon demo --samples N`` into DIR and reused by later runs: DIR is ``--home``, else
``RISKMON_BENCH_SAMPLES_HOME``, else a folder in the user cache directory. Building it takes a
while (every sample goes through the services and the audit log).

Each figure is the median of several runs of a service call of ``app.services.sample_list``
(``count`` and ``page``: SQLAlchemy Core through a unit of work, rows turned into dataclasses),
printed beside the *floor*: the very same SQL text and parameters run in this process with the
standard ``sqlite3`` module on one open connection, rows fetched as tuples. With ``--no-gui``
left out, the Qt table model is timed as well: from asking for a filter to the ``loaded``
signal, with the query on a worker thread. Peak memory is Python's (tracemalloc) during the
service calls, and the process's maximum resident set.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.services import demo, sample_list, tasks, users  # noqa: E402
from app.services.context import Context  # noqa: E402
from app.services.sample_list import SampleQuery  # noqa: E402
from app.store.db import DB_FILENAME, bootstrap  # noqa: E402

DEFAULT_SAMPLES = 100_000
PAGE = 200
RUNS = 7
ENV = "RISKMON_BENCH_SAMPLES_HOME"


def default_home(n: int) -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("riskmon")) / f"bench-samples-{n}"


def median_ms(runs: int, fn: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def open_database(home: Path, n: int):
    home.mkdir(parents=True, exist_ok=True)
    fresh = not (home / DB_FILENAME).exists()
    db = bootstrap(None, home=home)
    db.upgrade()
    if fresh:
        print(f"building the demo lab with {n:,} samples in {home} (once; later runs reuse it) …", flush=True)
        t0 = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 30 or done == total:
                last[0] = time.perf_counter()
                print(f"  {done:,} / {total:,}", flush=True)

        demo.load_demo(db, samples=n, actor="bench", progress=progress)
        print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
    user = users.authenticate(db, demo.DEMO_USER, demo.DEMO_PASSWORD)
    return db, Context(db, user)


class PlainSqlite:
    """The floor: the same statement text and parameters in the ``sqlite3`` module."""

    def __init__(self, path: Path, dialect) -> None:
        self.conn = sqlite3.connect(path)
        self.dialect = dialect

    def run(self, stmt) -> list[tuple]:
        compiled = stmt.compile(dialect=self.dialect)
        params = [_plain(compiled.params[k]) for k in compiled.positiontup]
        return self.conn.execute(str(compiled), params).fetchall()


def _plain(value):
    import datetime as dt

    return value.isoformat() if isinstance(value, dt.date) else value


def service_first_page(ctx: Context, query: SampleQuery, sort: str = sample_list.DEFAULT_SORT,
                       descending: bool = True) -> tuple[int, int]:
    """What the list does on opening or on a new filter: ``first_page`` (count, then the page)."""
    first = sample_list.first_page(ctx, query, sort, descending, PAGE)
    return first.total, len(first.rows)


def plain_first_page(plain: PlainSqlite, query: SampleQuery, sort: str = sample_list.DEFAULT_SORT,
                     descending: bool = True) -> tuple[int, int]:
    """The same two statements, with the same choice of plan, in plain sqlite3."""
    total = plain.run(sample_list.count_statement(query))[0][0]
    if not total:
        return 0, 0
    walk = not (query.words() and total < sample_list.SORT_BELOW)
    rows = plain.run(sample_list.page_statement(query, sort, descending, 0, PAGE, walk_index=walk))
    return total, len(rows)


def line(name: str, ours: float, floor: float, detail: str) -> None:
    ratio = ours / floor if floor > 0 else float("inf")
    print(f"{name:<44} {ours:9.1f} ms   sqlite3 {floor:8.1f} ms   ×{ratio:5.2f}   {detail}")


def gui_timings(ctx: Context, texts: list[str]) -> None:
    """The Qt model: from a new filter to the ``loaded`` signal (query on a worker thread)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from app.ui.models.sample_table import SampleTableModel

    app = QApplication.instance() or QApplication([sys.argv[0]])
    model = SampleTableModel(ctx, page_size=PAGE)
    done: list[int] = []
    model.loaded.connect(done.append)

    def until_loaded(start: Callable[[], None]) -> float:
        done.clear()
        t0 = time.perf_counter()
        start()
        while not done:
            QCoreApplication.processEvents()
            time.sleep(0.0005)
        return (time.perf_counter() - t0) * 1000

    print()
    print("Qt table model (SampleTableModel, operation on a worker, until the loaded signal):")
    ms = statistics.median(until_loaded(model.reload) for _ in range(RUNS))
    print(f"  {f'open, {model.total:,} rows':<40} {ms:9.1f} ms")
    for text in texts:
        ms = statistics.median(until_loaded(lambda t=text: model.set_query(SampleQuery(text=t))) for _ in range(RUNS))
        print(f"  {f'filter {text!r}, {model.total:,} rows':<40} {ms:9.1f} ms")
    # a burst of typing: only the last answer is shown, older ones are dropped
    burst = ["电", "电热", "电热水", "电热水壶"]
    t0 = time.perf_counter()
    done.clear()
    for text in burst:
        model.set_query(SampleQuery(text=text))
    while not done:
        QCoreApplication.processEvents()
        time.sleep(0.0005)
    ms = (time.perf_counter() - t0) * 1000
    print(f"  4 filters in a burst, last shown ({model.query.text!r}, {model.total:,} rows, "
          f"answers shown {len(done)}): {ms:7.1f} ms")
    from app.ui.ops import wait_idle

    wait_idle()  # the dropped answers still finish on their workers
    model.deleteLater()
    app.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help=f"folder of the benchmark database (or {ENV})")
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, help="generated samples when building")
    parser.add_argument("--no-gui", action="store_true", help="skip the Qt model timings")
    args = parser.parse_args(argv)
    os.environ.setdefault("RISKMON_FAST_PASSWORD_HASH", "1")
    home = Path(args.home or os.environ.get(ENV) or default_home(args.samples)).expanduser()
    db, ctx = open_database(home, args.samples)
    if db.sqlite_path is None:
        print("the benchmark compares with plain sqlite3: it needs a SQLite database")
        return 2
    plain = PlainSqlite(db.sqlite_path, db.engine.dialect)
    total = sample_list.count(ctx, SampleQuery())
    print(f"database: {db.sqlite_path} — {total:,} samples; page of {PAGE} rows; median of {RUNS} runs")
    print()

    # open: count + first page in the default order (newest sampling date first)
    everything = q = SampleQuery()
    ours, res = median_ms(RUNS, lambda: service_first_page(ctx, q))
    floor, res2 = median_ms(RUNS, lambda: plain_first_page(plain, q))
    assert res == res2, (res, res2)
    line("open the list (count + first page)", ours, floor, f"{res[0]:,} rows")

    texts = ["电热", "康泰", "武汉市江岸", "HBFX-2026-DQ-01-0123", "2026", "zzz"]
    for text in texts:
        q = SampleQuery(text=text)
        ours, res = median_ms(RUNS, lambda q=q: service_first_page(ctx, q))
        floor, res2 = median_ms(RUNS, lambda q=q: plain_first_page(plain, q))
        assert res == res2, (text, res, res2)
        line(f"filter {text!r} (count + first page)", ours, floor, f"{res[0]:,} rows")

    kettles = sample_list.page(ctx, SampleQuery(text="电热"), "number", False, 0, 1)
    if kettles:
        task_id = next(t.id for t in tasks.list_tasks(ctx) if t.data.number == kettles[0].task_number)
        q = SampleQuery(text="电热", task_id=task_id, place_type="physical_seller", status="received")
        ours, res = median_ms(RUNS, lambda: service_first_page(ctx, q))
        floor, res2 = median_ms(RUNS, lambda: plain_first_page(plain, q))
        line("text + task + place + status", ours, floor, f"{res[0]:,} rows")

    for sort, desc in [("number", False), ("product", False), ("sampled_party", False), ("status", True),
                       ("received_date", True)]:
        ours, res = median_ms(RUNS, lambda s=sort, d=desc: sample_list.page(ctx, everything, s, d, 0, PAGE))
        floor, res2 = median_ms(
            RUNS, lambda s=sort, d=desc: plain.run(sample_list.page_statement(everything, s, d, 0, PAGE))
        )
        assert [r.id for r in res] == [r[0] for r in res2]
        line(f"sort by {sort}{' desc' if desc else ''} (first page)", ours, floor, f"{len(res)} rows")

    deep = max(0, total - PAGE)
    for sort in ("sampling_date", "number"):
        ours, res = median_ms(RUNS, lambda s=sort: sample_list.page(ctx, SampleQuery(), s, True, deep, PAGE))
        floor, _ = median_ms(RUNS, lambda s=sort: plain.run(sample_list.page_statement(SampleQuery(), s, True, deep,
                                                                                        PAGE)))
        line(f"last page by {sort} (offset {deep:,})", ours, floor, f"{len(res)} rows")
    q = SampleQuery(text="电热")
    n = sample_list.count(ctx, q)
    ours, res = median_ms(RUNS, lambda: sample_list.page(ctx, q, "product", False, 20_000, PAGE, total=n))
    floor, _ = median_ms(RUNS, lambda: plain.run(sample_list.page_statement(q, "product", False, 20_000, PAGE)))
    line("filter '电热', sort by product, offset 20,000", ours, floor, f"{len(res)} rows")

    # memory, in a pass of its own (tracing allocations slows Python down, so not while timing)
    tracemalloc.start()
    service_first_page(ctx, SampleQuery())
    for text in texts:
        service_first_page(ctx, SampleQuery(text=text))
    for sort in ("product", "sampled_party", "status"):
        sample_list.page(ctx, SampleQuery(), sort, False, 0, PAGE)
    sample_list.page(ctx, SampleQuery(), "number", True, deep, PAGE)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"peak Python memory of open, filters, sorts and the last page (tracemalloc): {peak / 1e6:6.2f} MB "
          f"(still held after: {current / 1e6:.2f} MB)")
    print(f"process maximum resident set so far: {rss_mb:6.1f} MB")
    if not args.no_gui:
        gui_timings(ctx, ["电热", "康泰", "zzz"])
        print(f"process maximum resident set with Qt: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.1f} MB")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
