"""The counts kept for 风险研判 (``risk_counts``) agree with the approved results they count — after
approvals, an amendment and its replacement report, a sampled party's region changed, and an
approval killed before its commit — on SQLite and PostgreSQL; ``db check`` finds a drift and
``db reindex`` repairs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.services import intelligence, reports, samples, testing
from app.store import risk_counts, search_index
from app.store.models import Enterprise, Report, Sample
from app.store.uow import UnitOfWork
from tests.services.amending import amend_approved
from tests.services.conftest import PASSWORD, TODAY, audit_ok
from tests.services.test_testing_more import _approved, _judge_all, _testing

ROOT = Path(__file__).resolve().parents[2]


def kept(db) -> dict[tuple, tuple[int, int]]:
    with db.engine.connect() as conn:
        return {tuple(r[:5]): (int(r[5]), int(r[6])) for r in conn.exec_driver_sql(risk_counts.KEPT)}


def counted(db) -> dict[tuple, tuple[int, int]]:
    with db.engine.connect() as conn:
        return {tuple(r[:5]): (int(r[5]), int(r[6])) for r in conn.exec_driver_sql(risk_counts.DEFINITION)}


def agree(db) -> dict[tuple, tuple[int, int]]:
    """The kept counts, after checking them against the base rows (and ``db check`` finding nothing)."""
    now = kept(db)
    assert now == counted(db)
    with db.engine.connect() as conn:
        assert risk_counts.check(conn) == []
    return now


def _reviewed(lab, task_id: int, scheme_id: int, leak: str = "0.31"):
    """A second sample of the task, tested and its report reviewed (awaiting approval)."""
    s, rows = _testing(lab, task_id, scheme_id, batch_number="20260901")
    _judge_all(lab, s, rows, leak=leak)
    testing.complete_initial_monitoring(lab.tech, s.id, testing.results_grid(lab.tech, s.id).sample_version, TODAY)
    r = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    return s, reports.review_report(lab.rev, r.id, r.version, PASSWORD)


def _categorised(lab, sample_id: int, category: str = "电热水壶") -> str:
    """Give the sample's task its product category (the round is its plan year)."""
    with UnitOfWork(lab.db, actor="test") as uow:
        uow.session.get(Sample, sample_id).task.product_category = category
        uow.commit()
    return category


def _task_of(lab, sample_id: int) -> tuple[int, int]:
    with UnitOfWork(lab.db, actor="test") as uow:
        s = uow.session.get(Sample, sample_id)
        return s.task_id, s.scheme_id


def test_counts_follow_approvals_amendments_and_a_changed_region(any_lab):
    lab = any_lab
    assert agree(lab.db) == {}
    s, r1 = _approved(lab)
    first = agree(lab.db)
    batch = [v for k, v in first.items() if k[1] == ""]
    assert batch == [(1, 1)]  # one batch tested, with a problem (泄漏电流 0.31 fails)
    leak = next(v for k, v in first.items() if k[1] == "泄漏电流")
    assert leak == (1, 1)

    # an amendment approved: the result in force changes, so do the counts, at once
    row = next(r for r in testing.results_grid(lab.tech, s.id).rows if r.item == "泄漏电流")
    amend_approved(lab.tech, lab.sig, PASSWORD, row.id, row.version, value_text="0.21",
                   amendment_reason="抄录错误")
    after = agree(lab.db)
    assert next(v for k, v in after.items() if k[1] == "泄漏电流") == (1, 0)

    # the replacement report approved (the first superseded): still one batch, not two
    r2 = reports.compile_report(lab.tech, s.id, samples.get_sample(lab.tech, s.id).version)
    r2 = reports.review_report(lab.rev, r2.id, r2.version, PASSWORD)
    reports.approve_report(lab.sig, r2.id, r2.version, PASSWORD)
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.get(Report, r1.id).status == "superseded"
    replaced = agree(lab.db)
    assert sum(v[0] for k, v in replaced.items() if k[1] == "") == 1

    # the sampled party moves to another city: its approved samples' counts move with it
    with UnitOfWork(lab.db, actor="test") as uow:
        party = uow.session.get(Enterprise, uow.session.get(Sample, s.id).sampled_party_id)
        old = party.region_code or (party.uscc or "")[2:8]
        party.region_code = "420600"  # 襄阳市
        uow.commit()
    moved = agree(lab.db)
    assert {k[2] for k in moved} == {"420600"} and old != "420600"
    result = intelligence.analyse(lab.tech, _categorised(lab, s.id))
    assert [g.label for g in result.regions.groups] == ["襄阳市"]
    assert sum(g.tested for g in result.sizes.groups) == 1  # and by the party's enterprise size
    assert (result.overall.tested, result.overall.problems) == (1, sum(v[1] for k, v in moved.items() if k[1] == ""))
    assert audit_ok(lab.db)


def test_db_check_finds_a_drift_and_reindex_repairs_it(any_lab):
    lab = any_lab
    _approved(lab)
    good = agree(lab.db)
    with lab.db.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {risk_counts.TABLE} SET tested = tested + 1 WHERE item = ''")
        conn.exec_driver_sql(f"DELETE FROM {risk_counts.TABLE} WHERE item = '外观'")
    with lab.db.engine.connect() as conn:
        found = search_index.check(conn)
    assert not found.ok and any("风险研判计数表与检验结果不一致" in p for p in found.problems)
    with lab.db.engine.begin() as conn:
        search_index.rebuild(conn)
    assert agree(lab.db) == good
    with lab.db.engine.connect() as conn:
        assert not any("风险研判" in p for p in search_index.check(conn).problems)


CHILD = r"""
import json, sys, time
from pathlib import Path

from sqlalchemy import event

from app.services import reports
from app.services.context import Context, CurrentUser
from app.store.db import bootstrap

home, report_id, version, password, user = sys.argv[1:6]
u = json.loads(user)
db = bootstrap(None, home=Path(home))
ctx = Context(db, CurrentUser(u["id"], u["username"], u["display_name"], frozenset(u["roles"])))

@event.listens_for(db.engine, "commit")
def _commit(conn):  # every write of the approval done, the triggers' included; the commit not yet
    print("commit", flush=True)
    time.sleep(300)  # killed here

reports.approve_report(ctx, int(report_id), int(version), password)
print("returned", flush=True)
"""


def test_an_approval_killed_before_its_commit_leaves_the_counts_as_they_were(lab):
    s1, _r1 = _approved(lab)
    task_id, scheme_id = _task_of(lab, s1.id)
    s2, r2 = _reviewed(lab, task_id, scheme_id, leak="0.05")
    before = agree(lab.db)
    home = Path(lab.db.engine.url.database).parent
    user = lab.sig.user
    lab.db.dispose()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), str(r2.id), str(r2.version), PASSWORD,
         json.dumps({"id": user.id, "username": user.username, "display_name": user.display_name,
                     "roles": sorted(user.roles)})],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = child.stdout.readline().strip()
        assert line == "commit", (line, child.stderr.read() if child.poll() is not None else "")
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.scalar(select(Report.status).where(Report.id == r2.id)) == "reviewed"
    assert agree(lab.db) == before  # nothing of the killed approval, the counts included

    reports.approve_report(lab.sig, r2.id, r2.version, PASSWORD)
    done = agree(lab.db)
    assert sum(v[0] for k, v in done.items() if k[1] == "") == 2
    assert sum(v[1] for k, v in done.items() if k[1] == "") == 1  # the second batch has no problem


def test_the_view_reads_the_kept_counts_not_the_results(lab):
    """The view's counts come from the kept table: changed behind the triggers' back (as a drift
    would), the view shows the drift — which ``db check`` finds and ``db reindex`` repairs."""
    s, _r = _approved(lab)
    category = _categorised(lab, s.id)
    assert intelligence.analyse(lab.tech, category).overall.tested == 1
    with lab.db.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {risk_counts.TABLE} SET tested = tested + 3 WHERE item = ''")
    assert intelligence.analyse(lab.tech, category).overall.tested == 4
    with lab.db.engine.begin() as conn:
        risk_counts.rebuild(conn)
    assert intelligence.analyse(lab.tech, category).overall.tested == 1
