"""Importing sampling rows in bulk: warnings listed before anything is written, all or nothing,
progress per row, cancel, likely duplicates, and the audit of every sample registered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import clock
from app.documents.excel import write_template
from app.documents.excel_columns import SAMPLING_COLUMNS, SHEETS
from app.services import imports, samples
from app.services.excel_import import ImportRowsError
from app.store.models import MonitoringTask, Sample, SampleNumberCounter
from app.store.uow import UnitOfWork
from tests.services.conftest import audit_ok, ready_task

HEADER = {c.key: c.header for c in SAMPLING_COLUMNS}
SELLER, PRODUCER = "92420102MA4K0ABC8E", "91420500MA49H7J808"


def _row(n: int, **changes) -> dict:
    row = {
        "sample_number": f"IM-{n:03d}", "task_number": "T-01", "product_name": "电热水壶", "brand": "康泰",
        "batch_number": f"B{n:03d}", "place_type": "实体店", "sampling_date": clock.today() - dt.timedelta(days=3),
        "sampling_place": "武汉市江岸区解放大道 1 号", "samplers": "王建、刘洋",
        "sampled_name": "武汉市江岸区顺和家电商行", "sampled_uscc": SELLER,
        "nominal_name": "宜昌鑫达家电有限公司", "nominal_uscc": PRODUCER,
    }
    row.update(changes)
    return row


def _workbook(path: Path, rows: list[dict]) -> Path:
    write_template("sampling", path)
    wb = load_workbook(path)
    ws = wb[SHEETS["sampling"]]
    headers = [c.value.lstrip("*") if isinstance(c.value, str) else c.value for c in ws[1]]
    key_of = {h: k for k, h in HEADER.items()}
    for r in rows:
        ws.append([r.get(key_of.get(h, ""), None) for h in headers])
    wb.save(path)
    return path


def _count(db, task_id: int) -> int:
    with UnitOfWork(db, actor="test") as uow:
        return uow.session.scalar(select(func.count()).select_from(Sample).where(Sample.task_id == task_id))


def _near_overflow(db, task_id: int, next_value: int = 9_998) -> None:
    """The task's counter close to the pattern's four digits ({task}-{seq:04d})."""
    with UnitOfWork(db, actor="test") as uow:
        uow.session.add(SampleNumberCounter(scope=f"sample:{task_id}", next_value=next_value))
        uow.commit()


def test_numbering_overflow_and_the_plan_are_warnings_listed_before_anything_is_written(any_lab, tmp_path):
    lab = any_lab  # SQLite and PostgreSQL
    task_id, _scheme = ready_task(lab)  # 10 batches planned
    _near_overflow(lab.db, task_id)
    path = _workbook(tmp_path / "many.xlsx", [_row(n) for n in range(1, 12)])
    with pytest.raises(imports.ImportWarnings) as caught:
        imports.import_sampling(lab.tech, path, task_id=task_id)
    warnings = caught.value.warnings
    assert len(warnings) == 2
    assert "4 位序号" in warnings[0] and "T-01-9998 至 T-01-10008" in warnings[0] and "从 T-01-10000 起" in warnings[0]
    assert "计划抽样 10 批次" in warnings[1] and "超出计划 1 批次" in warnings[1]
    assert "尚未导入任何数据" in caught.value.message
    assert _count(lab.db, task_id) == 0
    with UnitOfWork(lab.db, actor="test") as uow:  # no number drawn either
        assert uow.session.scalar(select(SampleNumberCounter.next_value).where(
            SampleNumberCounter.scope == f"sample:{task_id}")) == 9_998

    result = imports.import_sampling(lab.tech, path, task_id=task_id, accept_warnings=True)
    assert result.count == 11 and _count(lab.db, task_id) == 11
    assert [s.number for s in result.samples][-3:] == ["T-01-10006", "T-01-10007", "T-01-10008"]
    assert audit_ok(lab.db)


def test_check_then_register_confirms_the_warnings_shown(lab, tmp_path):
    task_id, _scheme = ready_task(lab)
    path = _workbook(tmp_path / "plan.xlsx", [_row(n) for n in range(1, 12)])
    plan = imports.check_sampling(lab.tech, path, task_id=task_id)
    assert plan.count == 11 and len(plan.warnings) == 1 and "超出计划 1 批次" in plan.warnings[0]
    assert _count(lab.db, task_id) == 0
    with pytest.raises(imports.ImportWarnings):
        imports.register_plan(lab.tech, plan)  # not confirmed
    _near_overflow(lab.db, task_id)  # meanwhile: a warning the user was not shown
    with pytest.raises(imports.ImportWarnings) as caught:
        imports.register_plan(lab.tech, plan, accept_warnings=True)
    assert len(caught.value.warnings) == 1 and "4 位序号" in caught.value.warnings[0]
    assert _count(lab.db, task_id) == 0
    again = imports.check_sampling(lab.tech, path, task_id=task_id)
    assert len(again.warnings) == 2
    assert imports.register_plan(lab.tech, again, accept_warnings=True).count == 11


def test_a_bad_row_still_imports_nothing_even_with_warnings_accepted(lab, tmp_path):
    task_id, _scheme = ready_task(lab)
    rows = [_row(n) for n in range(1, 12)]
    rows[6]["sampled_uscc"] = "92420102MA4K0ABC8X"  # wrong check character
    path = _workbook(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ImportRowsError) as caught:
        imports.import_sampling(lab.tech, path, task_id=task_id, accept_warnings=True)
    assert caught.value.bad_rows == (8,)  # Excel row 8: the seventh data row
    assert _count(lab.db, task_id) == 0


def test_progress_is_reported_per_row_reading_then_registering(lab, tmp_path):
    task_id, _scheme = ready_task(lab)
    path = _workbook(tmp_path / "five.xlsx", [_row(n) for n in range(1, 6)])
    calls: list[tuple[int, int]] = []
    imports.import_sampling(lab.tech, path, task_id=task_id, progress=lambda d, t: calls.append((d, t)))
    assert [d for d, _t in calls] == list(range(1, 11))  # 5 rows read, then 5 registered
    assert {t for _d, t in calls} == {10}


def test_cancel_while_registering_writes_nothing(any_lab, tmp_path, monkeypatch):
    lab = any_lab  # SQLite and PostgreSQL
    task_id, _scheme = ready_task(lab)
    monkeypatch.setattr(samples, "FLUSH_BATCH", 2)  # some batches are flushed before the cancel
    path = _workbook(tmp_path / "cancel.xlsx", [_row(n) for n in range(1, 8)])

    class Cancelled(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done == total - 1:
            raise Cancelled

    with pytest.raises(Cancelled):
        imports.import_sampling(lab.tech, path, task_id=task_id, progress=progress)
    assert _count(lab.db, task_id) == 0
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.scalar(select(func.count()).select_from(SampleNumberCounter)) == 0
    assert audit_ok(lab.db)
    result = imports.import_sampling(lab.tech, path, task_id=task_id)  # batches of 2: all seven, audited
    assert result.count == 7 and len({s.sample_id for s in result.samples}) == 7
    assert audit_ok(lab.db)


def test_rows_like_registered_samples_or_each_other_are_warnings(any_lab, tmp_path):
    lab = any_lab  # SQLite and PostgreSQL
    task_id, scheme_id = ready_task(lab)
    first = imports.import_sampling(lab.tech, _workbook(tmp_path / "one.xlsx", [_row(1)]), task_id=task_id)
    existing = first.samples[0].number
    path = _workbook(tmp_path / "dups.xlsx", [
        _row(2, batch_number="B001"),  # the lot of the sample registered above
        _row(3, batch_number="B777"),
        _row(4, batch_number="B777"),  # the lot of the row above
        _row(5, batch_number="B005"),
    ])
    with pytest.raises(imports.ImportWarnings) as caught:
        imports.import_sampling(lab.tech, path, task_id=task_id)
    assert caught.value.warnings == (
        f"第2行：与本任务已登记的样品 {existing} 相似（同一被抽样单位、产品名称、批号或生产日期、抽样日期），可能重复登记",
        "第4行：与文件第3行相似（同一被抽样单位、产品名称、批号或生产日期、抽样日期），可能重复登记",
    )
    assert _count(lab.db, task_id) == 1
    result = imports.import_sampling(lab.tech, path, task_id=task_id, accept_warnings=True)
    notes = [samples.get_sample(lab.tech, s.sample_id).data.notes for s in result.samples]
    assert f"{samples.DUPLICATE_NOTE}导入时确认不是重复登记（与样品 {existing} 相似）" in notes[0]
    assert samples.DUPLICATE_NOTE not in notes[1] and samples.DUPLICATE_NOTE not in notes[3]
    assert "与文件第3行相似" in notes[2]


def test_the_register_is_read_once_and_kept_current(lab, tmp_path):
    task_id, _scheme = ready_task(lab)
    rows = [_row(n, sampled_address=f"武汉市地址{n}") for n in range(1, 5)]
    result = imports.import_sampling(lab.tech, _workbook(tmp_path / "reg.xlsx", rows), task_id=task_id)
    details = [samples.get_sample(lab.tech, s.sample_id).data for s in result.samples]
    assert {d.sampled.uscc for d in details} == {SELLER} and {d.nominal_producer.uscc for d in details} == {PRODUCER}
    assert details[-1].sampled.address == "武汉市地址4"  # the last row's, as single registrations leave it
    with UnitOfWork(lab.db, actor="test") as uow:
        assert uow.session.get(MonitoringTask, task_id).number == "T-01"
    assert audit_ok(lab.db)


def test_sequence_width_and_overflow():
    task = MonitoringTask(number="T", title="")
    on = dt.date(2026, 5, 1)
    assert samples.sequence_width("{task}-{seq:04d}") == 4
    assert samples.sequence_width("{task}-{seq}") is None
    assert samples.numbering_overflow("{task}-{seq:04d}", task, 1, 9_999, on) is None
    assert samples.numbering_overflow("{task}-{seq:04d}", task, 9_990, 20, on) == (4, "T-10000")
    assert samples.numbering_overflow("{year}{seq:3d}", task, 1_000, 1, on) == (3, "20261000")


def test_the_command_lists_the_warnings_and_imports_with_yes(lab, tmp_path, capsys):
    from app.cli import main

    task_id, _scheme = ready_task(lab)
    path = _workbook(tmp_path / "cli.xlsx", [_row(n) for n in range(1, 12)])
    url = str(lab.db.url)
    assert main(["--database-url", url, "import", "sampling", str(path), "--task", "T-01"]) == 2
    out, err = capsys.readouterr()
    assert "导入前请确认以下提醒" in out and "超出计划 1 批次" in out
    assert "有 1 条提醒需要确认，未导入任何数据：核对无误后加 --yes 重新运行。" in err
    assert _count(lab.db, task_id) == 0
    assert main(["--database-url", url, "import", "sampling", str(path), "--task", "T-01", "--yes"]) == 0
    out, _err = capsys.readouterr()
    assert "已导入 11 个样品到任务 T-01" in out and _count(lab.db, task_id) == 11
