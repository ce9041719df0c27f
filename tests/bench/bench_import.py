"""Excel import of 10,000 sampling rows (``riskmon import sampling FILE.xlsx --task …``) beside openpyxl
reading the same file.

Run: ``python tests/bench/bench_import.py [--home DIR] [--rows N] [--runs R]`` (or ``make bench``; never
part of ``make test``). Built once into DIR (``--home``, else ``RISKMON_BENCH_IMPORT_HOME``, else a folder
in the user cache directory) and reused: a lab database whose task has its scheme drafted, reviewed
and confirmed by the authority through the services (sampling is refused before that), and the app's
own sampling template (``riskmon template sampling``) filled with N rows — producers, physical sellers
and e-commerce platforms, a few hundred enterprises with valid USCCs, every traceability column.

Each run starts two fresh subprocesses, alternated: the *subject* copies the database and runs
``app.services.imports.import_sampling`` on the file (read, validate, warnings accepted, register
every sample through the session with its audit entries, commit), counting progress reports; the
*baseline* opens the file with openpyxl in read-only mode and touches every cell's value. CPU (user +
system) and peak RSS come from the child's own rusage (``os.wait4``), wall from spawn to exit.

Goals: subject CPU (minimum over the alternated runs: the machine is shared) at most ``GOAL`` × the
baseline's, and its peak RSS under ``RSS_MB`` MB;
the exit status is 1 when either is missed. Baseline before this work: 10 s CPU (28.5 s wall),
252–390 MB, 6.7 × openpyxl.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GOAL = 2.0
RSS_MB = 200
DEFAULT_ROWS = 10_000
RUNS = 3
ENV = "RISKMON_BENCH_IMPORT_HOME"
TASK = "HBFX-2026-DQ-09"
PRODUCT = "电热水壶"
PASSWORD = "bench import 1"
PDF = b"%PDF-1.4\n% confirmation\n"
PLACES = ("生产企业", "实体店", "电商平台")
CITIES = ("420102", "420106", "420111", "420500", "420600", "420700", "420800", "421000", "421100", "421200")


def default_home(n: int) -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("riskmon")) / f"bench-import-{n}"


def uscc(kind: str, division: str, k: int) -> str:
    """A valid 统一社会信用代码 (GB 32100 check character; the organisation code's too)."""
    from app.rules.uscc import check_character, org_code_check_character

    org8 = f"{k:08d}"
    first17 = f"{kind}{division}{org8}{org_code_check_character(org8)}"
    return first17 + check_character(first17)


# --------------------------------------------------------------------------- building
def build(home: Path, n: int) -> None:
    os.environ["RISKMON_FAST_PASSWORD_HASH"] = "1"  # sign-ins are not what is measured
    from openpyxl import load_workbook

    from app.documents.excel import write_template
    from app.documents.excel_columns import SAMPLING_COLUMNS, SHEETS
    from app.services import lab as lab_service
    from app.services import tasks, users
    from app.services.context import Context, CurrentUser
    from app.store.db import DB_FILENAME, bootstrap
    from app.store.queries import lab_today

    home.mkdir(parents=True, exist_ok=True)
    db = bootstrap(None, home=home)
    try:
        db.upgrade()

        def ctx(name: str, roles: list[str]) -> Context:
            info = users.create_user_unchecked(db, actor="bench", username=name, display_name=name, roles=roles,
                                               password=PASSWORD)
            return Context(db, CurrentUser(info.id, info.username, info.display_name, frozenset(info.roles)))

        tech, rev, admin = ctx("tech", ["technician"]), ctx("rev", ["reviewer"]), ctx("boss", ["administrator"])
        lab_service.save_lab(admin, name="基准检验中心", cma_number="241712050001", address="", phone="", version=None)
        task = tasks.create_task(tech, tasks.TaskInput(number=TASK, title=f"{PRODUCT}风险监测（基准）", plan_year=2026,
                                                       batches_planned=30))
        scheme = tasks.create_scheme(tech, task.id, tasks.SchemeInput(
            product=PRODUCT, items=(tasks.SchemeItemInput("泄漏电流", unit="mA"), tasks.SchemeItemInput("外观"))))
        scheme = tasks.submit_scheme(tech, scheme.id, scheme.version)
        scheme = tasks.review_scheme(rev, scheme.id, scheme.version, accept=True, password=PASSWORD)
        with db.unit_of_work("bench") as uow:
            today = lab_today(uow.session)
        tasks.confirm_scheme(tech, scheme.id, scheme.version, tasks.ConfirmationInput(
            document_number="鄂市监质函〔2026〕9号", document_date=today, content=PDF, filename="确认函.pdf"))
    finally:
        db.dispose()
    import sqlite3

    with sqlite3.connect(home / DB_FILENAME) as conn:  # one file to copy per run
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (home / "today").write_text(today.isoformat(), encoding="utf-8")

    path = home / "sampling.xlsx"
    write_template("sampling", path)
    wb = load_workbook(path)
    ws = wb[SHEETS["sampling"]]
    headers = [str(c.value).lstrip("*") if c.value is not None else None for c in ws[1]]
    key_of = {c.header: c.key for c in SAMPLING_COLUMNS}
    producers = [(f"湖北{k:03d}电器制造有限公司", uscc("91", CITIES[k % len(CITIES)], 10_000 + k)) for k in range(200)]
    sellers = [(f"武汉市{k:03d}家电商行", uscc("92", CITIES[k % len(CITIES)], 20_000 + k)) for k in range(500)]
    platforms = [(f"电商平台{k}有限公司", uscc("91", "420100", 30_000 + k)) for k in range(5)]
    for k in range(n):
        place = PLACES[k % 3]
        sampled = producers[k % len(producers)] if place == "生产企业" else sellers[k % len(sellers)]
        nominal = producers[(k * 7) % len(producers)]
        sampling = today - dt.timedelta(days=1 + k % 200)
        values = {
            "sample_number": f"DR-{k + 1:05d}", "task_number": TASK, "product_name": PRODUCT,
            "brand": f"品牌{k % 50}", "model_spec": f"SWF-{k % 30}", "batch_number": f"B{k:06d}",
            "production_date": sampling - dt.timedelta(days=30), "place_type": place, "sampling_date": sampling,
            "sampling_place": "武汉市江岸区解放大道 1 号", "samplers": "王建、刘洋",
            "sampled_name": sampled[0], "sampled_uscc": sampled[1], "sampled_address": "湖北省武汉市",
            "nominal_name": "" if place == "生产企业" else nominal[0],
            "nominal_uscc": "" if place == "生产企业" else nominal[1],
            "sampling_record_number": f"CY-{k + 1:06d}", "test_category": "风险监测",
            "sample_quantity": "4 台", "backup_quantity": "4 台", "lot_size": "120 台",
            "seal_numbers": f"FT-{k}-1、FT-{k}-2", "remarks": "",
        }
        if place == "电商平台":
            platform = platforms[k % len(platforms)]
            values.update(platform_name=platform[0], platform_uscc=platform[1], shop_name=f"旗舰店{k % 40}",
                          shop_url=f"https://shop.example.cn/{k % 40}", order_number=f"DD{k:010d}",
                          logistics_number=f"SF{k:012d}")
        ws.append([values.get(key_of.get(h or ""), None) for h in headers])
    wb.save(path)


# --------------------------------------------------------------------------- the children
def child_openpyxl(path: str) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for _value in row:
                cells += 1
    wb.close()
    print(f"cells {cells}", flush=True)


def child_import(home: str, path: str) -> None:
    from app.services import imports
    from app.services.context import Context, CurrentUser
    from app.store.db import bootstrap
    from app.store.models import MonitoringTask, User

    db = bootstrap(None, home=Path(home))
    try:
        with db.unit_of_work("bench") as uow:
            task_id = uow.session.query(MonitoringTask.id).filter_by(number=TASK).scalar()
            tech_id = uow.session.query(User.id).filter_by(username="tech").scalar()
        ctx = Context(db, CurrentUser(tech_id, "tech", "tech", frozenset({"technician"})))
        reports = [0, 0]

        def progress(done: int, total: int) -> None:
            reports[0] += 1
            reports[1] = done

        today = dt.date.fromisoformat((Path(home) / "today").read_text(encoding="utf-8"))
        result = imports.import_sampling(ctx, path, task_id=task_id, today=today, progress=progress,
                                         accept_warnings=True)
        print(f"imported {result.count} progress {reports[0]} last {reports[1]}", flush=True)
    finally:
        db.dispose()


# --------------------------------------------------------------------------- the parent
def run_child_wait4(args: list[str]) -> tuple[float, float, float, str]:
    """(CPU s, wall s, peak RSS MB, stdout) of one fresh child, from its own rusage."""
    env = dict(os.environ)
    env.pop("RISKMON_FAST_PASSWORD_HASH", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, __file__, *args], stdout=out, stderr=err, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, problem = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {args}\n{text}\n{problem[-4000:]}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, text.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--child-openpyxl", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--child-import", nargs=2, metavar=("HOME", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_openpyxl:
        child_openpyxl(args.child_openpyxl)
        return 0
    if args.child_import:
        child_import(*args.child_import)
        return 0

    from app.store.db import DB_FILENAME

    home = args.home or (Path(os.environ[ENV]) if os.environ.get(ENV) else default_home(args.rows))
    if not (home / "sampling.xlsx").exists():
        print(f"building a lab and a {args.rows:,}-row sampling file in {home} (once) …", flush=True)
        t0 = time.perf_counter()
        build(home, args.rows)
        print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
    path = home / "sampling.xlsx"
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows)")
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    base: list[tuple[float, float, float]] = []
    subject: list[tuple[float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="riskmon-bench-import-") as tmp:
        for i in range(args.runs):  # alternated, so a burst of load hits both
            cpu, wall, rss, _ = run_child_wait4(["--child-openpyxl", str(path)])
            base.append((cpu, wall, rss))
            run_home = Path(tmp) / f"run{i}"
            run_home.mkdir()
            shutil.copy(home / DB_FILENAME, run_home / DB_FILENAME)
            shutil.copy(home / "today", run_home / "today")
            cpu, wall, rss, text = run_child_wait4(["--child-import", str(run_home), str(path)])
            subject.append((cpu, wall, rss))
            print(f"  run {i + 1}: openpyxl {base[-1][0]:.2f} s CPU; import {cpu:.2f} s CPU, {wall:.2f} s wall, "
                  f"{rss:.0f} MB — {text}", flush=True)
            shutil.rmtree(run_home)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def fig(rows: list[tuple[float, float, float]], i: int) -> tuple[float, float]:
        values = [r[i] for r in rows]
        return min(values), statistics.median(values)

    print(f"{'':28}{'CPU min':>9}{'CPU med':>9}{'wall min':>9}{'wall med':>9}{'RSS MB':>8}")
    for name, rows in (("openpyxl read-only, all cells", base), ("import_sampling", subject)):
        c, w = fig(rows, 0), fig(rows, 1)
        print(f"{name:28}{c[0]:9.2f}{c[1]:9.2f}{w[0]:9.2f}{w[1]:9.2f}{max(r[2] for r in rows):8.0f}")
    ratio = fig(subject, 0)[0] / fig(base, 0)[0]
    peak = max(r[2] for r in subject)
    ok = ratio <= GOAL and peak < RSS_MB
    print(f"CPU ratio {ratio:.2f}× (minimum over the alternated runs, the machine being shared; of the medians "
          f"{fig(subject, 0)[1] / fig(base, 0)[1]:.2f}×) (goal ≤ {GOAL:g}×; before this work 6.7×), peak RSS {peak:.0f} MB "
          f"(goal < {RSS_MB} MB; before 252–390 MB)")
    print("PASS" if ok else "MISS: " + "; ".join(
        m for m, bad in ((f"CPU {ratio:.2f}× > {GOAL:g}×", ratio > GOAL),
                         (f"RSS {peak:.0f} MB ≥ {RSS_MB} MB", peak >= RSS_MB)) if bad))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
