"""Article 8 at the command line: each export says on stderr what left the lab and that it may not be
made public (stdout keeps the path for scripts); ``--public`` is refused — one line, nothing
written — until the task has a 公开同意 record, and then gives a copy without the mark."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app import clock
from app.rules.publication import ARTICLE_8, MARK
from tests.e2e.test_cli_roundtrip import KETTLE, one_line_failure, run


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-article8")
    proc = run(home, "demo")
    assert proc.returncode == 0, proc.stderr
    return home


def _record_consent(home: Path) -> str:
    from app.services import demo, documents, publication, users
    from app.services.context import Context
    from app.store.db import bootstrap

    db = bootstrap(None, home=home)
    try:
        admin = Context(db, users.authenticate(db, demo.DEMO_USER, demo.DEMO_PASSWORD))
        consent = publication.record_consent(admin, documents.task_id_by_number(admin, KETTLE),
                                             authority="湖北省市场监督管理局", document_number="鄂市监质函〔2026〕12号",
                                             consent_date=clock.today() - dt.timedelta(days=1))
        return consent.line
    finally:
        db.dispose()


def test_exports_name_what_left_and_carry_article_8(home: Path, tmp_path: Path):
    ledger = tmp_path / "台账.xlsx"
    proc = run(home, "ledger", "--task", KETTLE, "--out", str(ledger))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(ledger)
    assert f"任务 {KETTLE} 的样品台账" in proc.stderr and ARTICLE_8 in proc.stderr and MARK in proc.stderr
    ws = load_workbook(ledger).active
    assert ws.oddHeader.center.text == MARK and ws.oddFooter.left.text == ARTICLE_8

    results = tmp_path / "结果.xlsx"
    proc = run(home, "results", "--task", KETTLE, "--out", str(results))
    assert proc.returncode == 0, proc.stderr
    assert "检验结果汇总" in proc.stderr and ARTICLE_8 in proc.stderr
    ws = load_workbook(results).active
    assert ws.oddHeader.left.text == f"检验结果汇总 · 任务 {KETTLE}" and ws.max_row > 1

    proc = run(home, "export-package", "--task", KETTLE, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(Path(proc.stdout.strip())) as zf:
        assert json.loads(zf.read("manifest.json"))["confidential"] is True
    assert "导出包" in proc.stderr and ARTICLE_8 in proc.stderr


def test_public_copies_only_with_a_consent_on_record(home: Path, tmp_path: Path):
    public = tmp_path / "公开台账.xlsx"
    for command in ("ledger", "results"):
        one_line_failure(run(home, command, "--task", KETTLE, "--out", str(public), "--public"), "没有公开同意记录")
        assert not public.exists()
    line = _record_consent(home)
    proc = run(home, "ledger", "--task", KETTLE, "--out", str(public), "--public")
    assert proc.returncode == 0, proc.stderr
    assert "可公开版本" in proc.stderr and line in proc.stderr and MARK not in proc.stderr
    ws = load_workbook(public).active
    assert not ws.oddHeader.center.text and ws.oddFooter.left.text == line
