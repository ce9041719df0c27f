"""The Article 18 deliverable on a fresh demo lab, through the services the GUI calls: approve two
more reports, amend one of them before anything is sent, compile, review and approve the analysis,
then upload to the sandbox. The province ends with exactly one accepted upload per report in force
(the demo's, the untouched new one, the amending one), one for the analysis report and one per
notice item, each with its own receipt — and nothing for the superseded report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.services import analysis_reports, demo, documents, reports, samples, testing, upload, users
from app.services.context import Context
from app.store.db import DB_FILENAME, bootstrap
from app.sync.credentials import CredentialStore
from app.sync.sandbox import start_sandbox
from tests.services.amending import amend_approved
from tests.sync.helpers import MemoryKeyring

KETTLE = "HBFX-2026-DQ-01"


@pytest.fixture
def lab(_sqlite_template, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("RISKMON_PROVINCIAL_URL", raising=False)
    monkeypatch.delenv("RISKMON_PROVINCIAL_USER", raising=False)
    shutil.copyfile(_sqlite_template, tmp_path / DB_FILENAME)
    database = bootstrap(None, home=tmp_path)
    demo.load_demo(database, actor="test")
    yield database
    database.dispose()


def _ctx(db, name: str) -> Context:
    return Context(db, users.authenticate(db, name, demo.DEMO_PASSWORD))


def _approve(db, sample_id: int, *, issue_notices: bool = False) -> reports.ReportInfo:
    tech, rev, sig = _ctx(db, "wangjian"), _ctx(db, "chenjing"), _ctx(db, "zhaomin")
    r = reports.compile_report(tech, sample_id, samples.get_sample(tech, sample_id).version)
    r = reports.review_report(rev, r.id, r.version, demo.DEMO_PASSWORD)
    return reports.approve_report(sig, r.id, r.version, demo.DEMO_PASSWORD, issue_notices=issue_notices)


def test_the_demo_lab_delivers_one_upload_per_report_in_force(lab, tmp_path: Path):
    db = lab
    tech, rev, sig, admin = (_ctx(db, n) for n in ("wangjian", "chenjing", "zhaomin", "admin"))
    task_id = documents.task_id_by_number(tech, KETTLE)
    rows = documents.task_report_rows(tech, task_id)
    demo_report = next(r for r in rows if r.approved)
    waiting = [r for r in rows if r.status == "completed"]
    assert len(waiting) >= 2
    untouched = _approve(db, waiting[0].sample_id, issue_notices=True)
    to_amend = _approve(db, waiting[1].sample_id, issue_notices=True)

    # amend the second before anything is sent
    grid = testing.results_grid(tech, to_amend.sample_id)
    row = next(r for r in grid.rows if r.item == "外观")  # judged by a person: the judgement is amended
    amend_approved(tech, sig, demo.DEMO_PASSWORD, row.id, row.version, value_text="壶身有明显划痕",
                   judgement="fail" if row.judgement != "fail" else "pass", reason="复核",
                   amendment_reason="复核后更正判定")
    amending = _approve(db, to_amend.sample_id, issue_notices=True)
    assert amending.replaces_number == to_amend.number

    a = analysis_reports.compile_analysis(tech, task_id)
    a = reports.review_report(rev, a.id, a.version, demo.DEMO_PASSWORD)
    a = reports.approve_report(sig, a.id, a.version, demo.DEMO_PASSWORD)

    queue = upload.list_uploads(admin)
    superseded = [r for r in queue if r.superseded]
    assert {r.report_number for r in superseded} == {to_amend.number}
    assert all(to_amend.number in r.note and amending.number in r.note for r in superseded)
    pending = [r for r in queue if r.state == "pending"]

    with start_sandbox(port=0, state_path=tmp_path / "sandbox.sqlite3") as sandbox:
        from app.services import lab as lab_service

        lab_service.save_settings(admin, {"provincial_url": sandbox.url, "provincial_user": "demo"})
        store = CredentialStore(backend=MemoryKeyring())
        summary = upload.sync_once(tech, password="demo-password", store=store)
        assert summary.accepted == len(pending) and summary.credentials_problem is False
        again = upload.sync_once(tech, password="demo-password", store=store)
        assert again.claimed == 0
        records = sandbox.records()
        counts = sandbox.counts()

    done = [r for r in upload.list_uploads(admin) if r.state == "accepted"]
    in_force = {demo_report.report_number, untouched.number, amending.number}
    results = [r for r in done if r.kind == "result"]
    assert {r.report_number for r in results} == in_force and len(results) == 3
    assert [r.report_number for r in done if r.kind == "analysis_report"] == [a.number]
    notice_items = [r for r in done if r.kind == "notice"]
    assert {r.report_number for r in notice_items} == {demo_report.report_number}  # issued after approval
    assert not any(r.report_number == to_amend.number for r in done)
    receipts = [r.receipt_number for r in done]
    assert [r.kind for r in done if r.kind == "hazard"] == ["hazard"]  # the demo's major hazard, sent first
    assert len(set(receipts)) == len(receipts) == len(records) == counts["accepted"] == 6
    assert counts["duplicates_prevented"] == 0
