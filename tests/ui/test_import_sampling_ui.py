"""导入抽样单 from the sampling page: checked on a worker, warnings confirmed before anything is
written, every bad row listed, progress shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from app import clock
from app.documents.excel import write_template
from app.documents.excel_columns import SAMPLING_COLUMNS, SHEETS
from app.services import documents
from app.ui.dialogs.import_sampling import SamplingImport
from tests.ui.helpers import settle

KETTLE = "HBFX-2026-DQ-01"  # 30 batches planned
HEADER = {c.key: c.header for c in SAMPLING_COLUMNS}


def _workbook(path: Path, n: int, **changes) -> Path:
    write_template("sampling", path)
    wb = load_workbook(path)
    ws = wb[SHEETS["sampling"]]
    key_of = {h: k for k, h in HEADER.items()}
    headers = [c.value.lstrip("*") if isinstance(c.value, str) else c.value for c in ws[1]]
    for i in range(1, n + 1):
        row = {
            "sample_number": f"GUI-{i:03d}", "task_number": KETTLE, "product_name": "电热水壶", "batch_number": f"G{i}",
            "place_type": "实体店", "sampling_date": clock.today() - dt.timedelta(days=2),
            "sampling_place": "武汉市", "samplers": "王建、刘洋", "sampled_name": "武汉市江岸区顺和家电商行",
            "sampled_uscc": "92420102MA4K0ABC8E", "nominal_name": "宜昌鑫达家电有限公司",
            "nominal_uscc": "91420500MA49H7J808", **changes,
        }
        ws.append([row.get(key_of.get(h, ""), None) for h in headers])
    wb.save(path)
    return path


def _page(qtbot, demo_ctx):
    from app.ui.pages.samples import SamplesPage

    page = SamplesPage(demo_ctx)
    qtbot.addWidget(page)
    page.refresh()  # as when the page is shown
    qtbot.waitUntil(lambda: page.task_filter.count() > 1, timeout=10000)
    page.task_filter.setCurrentIndex(page.task_filter.findData(documents.task_id_by_number(demo_ctx, KETTLE)))
    settle(qtbot)
    return page


def _count(demo_ctx) -> int:
    return len(documents.task_report_rows(demo_ctx, documents.task_id_by_number(demo_ctx, KETTLE)))


def test_the_warnings_are_confirmed_before_anything_is_written(qtbot, demo_ctx, tmp_path, monkeypatch):
    page = _page(qtbot, demo_ctx)
    before = _count(demo_ctx)
    path = _workbook(tmp_path / "many.xlsx", 30)  # beyond the 30 batches planned
    asked = []
    monkeypatch.setattr(SamplingImport, "confirm", lambda self, plan: asked.append(plan.warnings) or False)
    flow = page.import_sampling(str(path))
    assert flow is not None
    declined = []
    flow.finished.connect(lambda result: declined.append(result))
    qtbot.waitUntil(lambda: bool(declined), timeout=60000)  # the import's own end, not a quiet moment
    settle(qtbot, timeout=60_000)
    assert len(asked) == 1 and "超出计划" in asked[0][0]
    assert flow.result is None and _count(demo_ctx) == before  # declined: nothing written

    progress = []
    monkeypatch.setattr(SamplingImport, "confirm", lambda self, plan: True)
    flow = page.import_sampling(str(path))
    flow.finished.connect(lambda result: progress.append(result))
    qtbot.waitUntil(lambda: bool(progress), timeout=60000)
    settle(qtbot, timeout=60_000)
    assert progress and progress[0].count == 30 and _count(demo_ctx) == before + 30
    assert page.message.text() == f"已导入 30 个样品到任务 {KETTLE}。"


def test_every_bad_row_is_listed_and_nothing_imported(qtbot, demo_ctx, tmp_path, monkeypatch):
    page = _page(qtbot, demo_ctx)
    before = _count(demo_ctx)
    shown = []

    def exec_(box):
        shown.append((box.text(), box.informativeText(), box.detailedText()))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    page.import_sampling(str(_workbook(tmp_path / "bad.xlsx", 20, samplers="王建")))
    settle(qtbot, timeout=60_000)
    [(text, informative, detailed)] = shown
    assert text.startswith("导入失败：共 20 行有错误，未导入任何数据")
    assert informative.count("\n") == 15 and "另有 5 条" in informative  # 15 listed, the rest in the details
    assert detailed.count("抽样人员至少 2 人") == 20
    assert _count(demo_ctx) == before


def test_a_task_must_be_chosen_first(qtbot, demo_ctx):
    from app.ui.pages.samples import SamplesPage

    page = SamplesPage(demo_ctx)
    qtbot.addWidget(page)
    assert page.import_sampling("whatever.xlsx") is None
    assert page.message.text() == "请先在任务列表中选择要导入的任务。"
    settle(qtbot)


def test_cancel_while_reading_imports_nothing_and_a_new_import_can_start(qtbot, demo_ctx, tmp_path, monkeypatch):
    page = _page(qtbot, demo_ctx)
    before = _count(demo_ctx)
    path = _workbook(tmp_path / "cancel.xlsx", 200)
    ended = []
    asked = []
    monkeypatch.setattr(SamplingImport, "confirm", lambda self, plan: asked.append(plan) or False)
    flow = page.import_sampling(str(path))
    flow.finished.connect(lambda result: ended.append(result))
    [dialog] = page.findChildren(QProgressDialog)
    dialog.canceled.emit()  # 取消, as the button does
    qtbot.waitUntil(lambda: bool(ended), timeout=60000)  # the import's own end, not a quiet moment
    settle(qtbot, timeout=60_000)
    assert ended == [None] and not asked  # cancelled while reading: no question asked
    assert page.importing is None and _count(demo_ctx) == before
    monkeypatch.setattr(SamplingImport, "confirm", lambda self, plan: True)
    again = page.import_sampling(str(path))
    assert again is not flow
    done = []
    again.finished.connect(lambda result: done.append(result))
    qtbot.waitUntil(lambda: bool(done), timeout=60000)
    settle(qtbot, timeout=60_000)
    assert again.result is not None and _count(demo_ctx) == before + 200
