"""Importing the sampling list (抽样信息) from the app's Excel template, all or nothing.

``app.services.excel_import.read_sampling_rows`` checks the file row by row; each row is then mapped to
a :class:`~app.services.samples.SampleInput` and checked as the sampling form checks it, so the
user gets every bad row of the file with its Excel row number and column in one pass. The file is
streamed (openpyxl read-only) and the rows are checked against the database with set queries (one
per 500 values), never a query per row. Nothing is written unless every row is good and the
warnings — sample numbers running past the pattern's digits, more batches than the task planned,
rows that look like samples already registered — were shown and confirmed (:class:`ImportWarnings`;
the GUI checks first with :func:`check_sampling`, then :func:`register_plan`); then
:func:`app.services.samples.write_samples` registers them in one transaction, flushed in batches,
every sample through the session and so audited.

The lab numbers its samples by its own pattern (设置 → 样品编号规则), so the file's 样品编号 is
kept in the sample's notes as ``导入编号：…`` (with the remarks) and the result pairs it with the
number given. A file number already imported into the task, or equal to an existing sample number,
is refused. The sampling-record number (抽样单编号), test category, quantities with their unit
(``4 台``), lot size and seal numbers go to their own fields; a sampling-record number already
used in the task is refused naming the sample that has it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select

from app import clock
from app.documents.excel_columns import SAMPLING_COLUMNS
from app.errors import ValidationError
from app.services import samples as sample_service
from app.services.context import Context
from app.services.excel_import import ImportRowsError, RowProblem, SamplingRow, read_sampling_rows
from app.services.tasks import sampling_scheme
from app.store.models import MonitoringTask, Sample, SampleNumberCounter, Scheme
from app.store.queries import get_setting

IMPORT_MARK = "导入编号："
_HEADERS = {c.key: c.header for c in SAMPLING_COLUMNS}
#: SampleInput field (as ``samples.validate`` names it) → template column key
_FIELD_COLUMNS = {
    "task_id": "task_number",
    "place_type": "place_type",
    "sampled.name": "sampled_name",
    "sampled.uscc": "sampled_uscc",
    "nominal_producer.name": "nominal_name",
    "nominal_producer.uscc": "nominal_uscc",
    "platform_operator.name": "platform_name",
    "platform_operator.uscc": "platform_uscc",
    "shop_name": "shop_name",
    "shop_url": "shop_url",
    "order_number": "order_number",
    "logistics_number": "logistics_number",
    "product_name": "product_name",
    "samplers": "samplers",
    "sampling_date": "sampling_date",
    "production_date": "production_date",
    "sampling_place": "sampling_place",
    "sampling_record_number": "sampling_record_number",
    "test_category": "test_category",
    "test_quantity": "sample_quantity",
    "backup_quantity": "backup_quantity",
    "lot_size": "lot_size",
    "quantity_unit": "sample_quantity",
}
_MARK_RE = re.compile(re.escape(IMPORT_MARK) + r"(\S+)")
_CHUNK = 500  # values in one IN (…) of a check: well under every database's parameter limit


@dataclass(frozen=True)
class ImportedSample:
    row: int  # Excel row number
    file_number: str  # 样品编号 as in the file
    sample_id: int
    number: str  # the number the lab's pattern gave


@dataclass(frozen=True)
class ImportResult:
    task_number: str
    samples: tuple[ImportedSample, ...]

    @property
    def count(self) -> int:
        return len(self.samples)


def _column(field: str) -> str:
    return _HEADERS.get(_FIELD_COLUMNS.get(field, ""), "")


def _scheme_for(schemes: list[Scheme], product: str) -> int | None:
    """The task's confirmed scheme in force for the product (by name), else its only or latest one."""
    approved = [s for s in schemes if s.status == "confirmed"]
    for s in approved:
        if s.product.strip() == product.strip():
            return s.id
    return approved[-1].id if approved else None


def _notes(r: SamplingRow) -> str:
    parts = [f"{IMPORT_MARK}{r.sample_number}"]
    if isinstance(r.production_date, str) and r.production_date:
        parts.append(f"生产日期（标注）：{r.production_date}")
    if r.remarks:
        parts.append(f"备注：{r.remarks}")
    return "\n".join(parts)


def to_input(r: SamplingRow, task_id: int | None, scheme_id: int | None) -> sample_service.SampleInput:
    """One row of the template as the sampling form's data."""
    online = r.place_type.value == "e_platform"
    return sample_service.SampleInput(
        task_id=task_id,
        scheme_id=scheme_id,
        place_type=r.place_type.value,
        sampled=sample_service.PartyInput(r.sampled_name, r.sampled_uscc, r.sampled_address),
        nominal_producer=sample_service.PartyInput(r.nominal_name, r.nominal_uscc, r.nominal_address),
        platform_operator=(sample_service.PartyInput(r.platform_name, r.platform_uscc) if online
                           else sample_service.PartyInput()),
        shop_name=r.shop_name if online else "",
        shop_url=r.shop_url if online else "",
        order_number=r.order_number if online else "",
        logistics_number=r.logistics_number if online else "",
        product_name=r.product_name,
        brand=r.brand,
        model_spec=r.model_spec,
        batch_number=r.batch_number,
        production_date=r.production_date if isinstance(r.production_date, dt.date) else None,
        sampling_date=r.sampling_date,
        sampling_place=r.sampling_place,
        samplers=r.samplers,
        sampling_record_number=r.sampling_record_number,
        test_category=r.test_category or sample_service.DEFAULT_TEST_CATEGORY,
        test_quantity=r.test_quantity,
        backup_quantity=r.backup_quantity,
        lot_size=r.lot_size,
        quantity_unit=r.quantity_unit,
        seal_numbers=r.seal_numbers,
        notes=_notes(r),
    )


class ImportWarnings(ValidationError):
    """The file is good, but something deserves a look before it is registered — the numbering
    would run past the pattern's digits, the task would go beyond its planned batches, a row
    looks like a sample already registered. Nothing was written; ``warnings`` lists each, and the
    user confirms (``accept_warnings=True``) or changes the file."""

    def __init__(self, warnings: tuple[str, ...]) -> None:
        self.warnings = tuple(warnings)
        super().__init__("导入前请确认以下提醒（尚未导入任何数据）：\n" + "\n".join(self.warnings))


@dataclass(frozen=True)
class ImportPlan:
    """A file read and checked against the database, nothing written: what :func:`register_plan`
    registers, and the warnings to confirm first."""

    task_id: int
    task_number: str
    rows: tuple[SamplingRow, ...]
    warnings: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.rows)


#: a warning list names at most this many rows of one kind, then says how many more
WARNING_ROWS = 20


def _read(ctx: Context, path: str | Path, today: dt.date | None, progress) -> list[SamplingRow]:
    ctx.require("technician", action="导入抽样信息")
    return read_sampling_rows(path, today=today, progress=progress)


def _plan(session, rows: list[SamplingRow], task_id: int | None, today: dt.date | None,
          ) -> tuple[ImportPlan, list[sample_service.SampleInput], dict[int, str]]:
    """Check every row against the database with set queries (tasks, sample and sampling-record
    numbers, the scheme, likely duplicates), before anything is written: the plan, each row as the
    sampling form's data, and the notes to add to the rows registered despite a warning. Raises
    ``ImportRowsError`` listing every bad row."""
    problems: list[RowProblem] = []
    chosen = session.get(MonitoringTask, task_id) if task_id is not None else None
    if task_id is not None and chosen is None:
        raise ImportRowsError([], file_problem="所选监测任务不存在，未导入任何数据。")
    numbers = sorted({r.task_number for r in rows})
    tasks = {t.number: t for t in session.scalars(select(MonitoringTask).where(MonitoringTask.number.in_(numbers)))}
    if chosen is None:
        chosen = tasks.get(rows[0].task_number)
    task_number = chosen.number if chosen is not None else rows[0].task_number
    schemes = list(chosen.schemes) if chosen is not None else []
    if chosen is not None and not any(s.status == "confirmed" for s in schemes):
        try:  # Article 14: no sampling before the authority confirmed the scheme; says what is missing
            sampling_scheme(session, chosen, None)
        except ValidationError as exc:
            raise ImportRowsError([], file_problem=exc.message.rstrip("。") + "，未导入任何数据。") from None
    file_numbers = sorted({r.sample_number for r in rows})
    taken: set[str] = set()
    for start in range(0, len(file_numbers), _CHUNK):
        taken.update(session.scalars(select(Sample.number).where(
            Sample.number.in_(file_numbers[start:start + _CHUNK]))))
    imported: set[str] = set()
    records: dict[str, str] = {}  # 抽样单编号 already used in the task → that sample's number
    if chosen is not None:
        for notes in session.scalars(select(Sample.notes).where(
            Sample.task_id == chosen.id, Sample.notes.like(f"%{IMPORT_MARK}%")
        )):
            imported.update(_MARK_RE.findall(notes or ""))
        wanted = sorted({r.sampling_record_number for r in rows if r.sampling_record_number})
        for start in range(0, len(wanted), _CHUNK):
            records.update(session.execute(
                select(Sample.sampling_record_number, Sample.number).where(
                    Sample.task_id == chosen.id, Sample.sampling_record_number.in_(wanted[start:start + _CHUNK]))
            ).all())
    scheme_of: dict[str, int | None] = {}
    inputs: list[sample_service.SampleInput] = []
    for r in rows:
        col = _HEADERS["task_number"]
        if r.task_number not in tasks:
            problems.append(RowProblem(r.row, col, f"任务编号“{r.task_number}”不存在"))
        elif r.task_number != task_number:
            problems.append(RowProblem(r.row, col, f"任务编号“{r.task_number}”与导入的任务 {task_number} 不一致"
                                                   "（一个文件只能导入一个任务的样品）"))
        elif tasks[r.task_number].status == "closed":
            problems.append(RowProblem(r.row, col, f"任务 {r.task_number} 已关闭，不能再登记样品"))
        if r.sample_number in taken:
            problems.append(RowProblem(r.row, _HEADERS["sample_number"], f"样品编号“{r.sample_number}”已存在"))
        elif r.sample_number in imported:
            problems.append(RowProblem(r.row, _HEADERS["sample_number"],
                                       f"样品编号“{r.sample_number}”已从导入文件登记过，不能重复导入"))
        if r.sampling_record_number in records:
            problems.append(RowProblem(r.row, _HEADERS["sampling_record_number"],
                                       f"抽样单编号“{r.sampling_record_number}”已用于本任务的样品 "
                                       f"{records[r.sampling_record_number]}"))
        if r.product_name not in scheme_of:
            scheme_of[r.product_name] = _scheme_for(schemes, r.product_name)
        data = to_input(r, chosen.id if chosen is not None else None, scheme_of[r.product_name])
        for key, message in sample_service.validate(data, today).items():
            if key == "task_id":
                continue  # reported above with the row's task number
            problems.append(RowProblem(r.row, _column(key), message.rstrip("。")))
        inputs.append(data)
    if not problems and chosen is not None:
        refused, _schemes = sample_service.check_schemes(session, inputs)
        for i, (key, message) in refused.items():
            problems.append(RowProblem(rows[i].row, _column(key) or _HEADERS["product_name"], message.rstrip("。")))
    if problems:
        raise ImportRowsError(sorted(problems, key=lambda p: p.row))
    assert chosen is not None
    warnings, notes = _warnings(session, chosen, rows, inputs, today)
    return ImportPlan(chosen.id, task_number, tuple(rows), tuple(warnings)), inputs, notes


def _listed(lines: list[str]) -> list[str]:
    if len(lines) <= WARNING_ROWS:
        return lines
    return [*lines[:WARNING_ROWS], f"……另有 {len(lines) - WARNING_ROWS} 行同样情况"]


def _warnings(session, task: MonitoringTask, rows: list[SamplingRow], inputs: list[sample_service.SampleInput],
              today: dt.date | None) -> tuple[list[str], dict[int, str]]:
    """What the user confirms before the file is registered: the numbering running past the
    pattern's digits, the batches beyond the task's plan, rows that look like samples already
    registered (or like an earlier row); and the note each of those rows gets when confirmed."""
    n = len(rows)
    warnings: list[str] = []
    pattern = str(get_setting(session, "sample_number_pattern"))
    first = session.scalar(select(SampleNumberCounter.next_value).where(
        SampleNumberCounter.scope == f"sample:{task.id}")) or 1
    on = rows[-1].sampling_date or today or clock.today()
    over = sample_service.numbering_overflow(pattern, task, first, n, on)
    if over is not None:
        width, number = over
        warnings.append(
            f"样品编号将超出编号规则“{pattern}”的 {width} 位序号：本次导入的 {n:,} 个样品编号为 "
            f"{sample_service.format_number(pattern, task, first, on)} 至 "
            f"{sample_service.format_number(pattern, task, first + n - 1, on)}，从 {number} 起多出一位。"
            "如需保持位数，请先在 设置 → 样品编号规则 中调整。")
    if task.batches_planned:
        existing = session.scalar(select(func.count()).select_from(Sample).where(Sample.task_id == task.id)) or 0
        if existing + n > task.batches_planned:
            warnings.append(
                f"任务 {task.number} 计划抽样 {task.batches_planned:,} 批次，已登记 {existing:,} 批次，"
                f"本次导入 {n:,} 批次后共 {existing + n:,} 批次，超出计划 {existing + n - task.batches_planned:,} 批次。")
    notes: dict[int, str] = {}
    lines: list[str] = []
    for i, number in sorted(sample_service.find_duplicates(session, inputs).items()):
        lines.append(f"第{rows[i].row}行：与本任务已登记的样品 {number} 相似（同一被抽样单位、产品名称、批号或生产日期、"
                     "抽样日期），可能重复登记")
        notes[i] = f"{sample_service.DUPLICATE_NOTE}导入时确认不是重复登记（与样品 {number} 相似）"
    for i, j in sorted(sample_service.duplicates_among(inputs).items()):
        if i in notes:
            continue
        lines.append(f"第{rows[i].row}行：与文件第{rows[j].row}行相似（同一被抽样单位、产品名称、批号或生产日期、"
                     "抽样日期），可能重复登记")
        notes[i] = f"{sample_service.DUPLICATE_NOTE}导入时确认不是重复登记（与文件第{rows[j].row}行相似）"
    warnings.extend(_listed(lines))
    return warnings, notes


def _write(session, plan: ImportPlan, inputs: list[sample_service.SampleInput], notes: dict[int, str],
           today: dt.date | None, progress, done: int, total: int | None) -> ImportResult:
    for i, line in notes.items():
        data = inputs[i]
        inputs[i] = replace(data, notes="\n".join(p for p in (data.notes.strip(), line) if p))
    created = sample_service.write_samples(session, inputs, today=today or clock.today(), progress=progress,
                                           done=done, total=total)
    return ImportResult(plan.task_number, tuple(
        ImportedSample(r.row, r.sample_number, s.id, s.number) for r, s in zip(plan.rows, created, strict=True)
    ))


def check_sampling(ctx: Context, path: str | Path, *, task_id: int | None = None, today: dt.date | None = None,
                   progress: Callable[[int, int], None] | None = None) -> ImportPlan:
    """Read the file and check every row against the database, writing nothing: the plan with its
    warnings (to show and confirm), or ``ImportRowsError`` listing every bad row. ``progress``
    per row read."""
    rows = _read(ctx, path, today, progress)
    with ctx.uow() as uow:
        plan, _inputs, _notes = _plan(uow.session, rows, task_id, today)
    return plan


def register_plan(ctx: Context, plan: ImportPlan, *, today: dt.date | None = None, accept_warnings: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Register a checked file in one transaction, all or nothing. The rows are checked again in
    that transaction (the database may have changed since); a warning not in ``plan.warnings``, or
    any warning without ``accept_warnings``, is :class:`ImportWarnings` and nothing is written.
    ``progress`` per row registered."""
    ctx.require("technician", action="导入抽样信息")
    with ctx.uow() as uow:
        again, inputs, notes = _plan(uow.session, list(plan.rows), plan.task_id, today)
        new = tuple(w for w in again.warnings if w not in plan.warnings)
        if new or (again.warnings and not accept_warnings):
            raise ImportWarnings(new or again.warnings)
        result = _write(uow.session, again, inputs, notes, today, progress, 0, None)
        uow.commit()
    return result


def import_sampling(ctx: Context, path: str | Path, *, task_id: int | None = None, today: dt.date | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    accept_warnings: bool = False) -> ImportResult:
    """Register every sample of the file, or none: ``ImportRowsError`` lists every bad row, and
    :class:`ImportWarnings` what must be confirmed first (unless ``accept_warnings``).

    With ``task_id`` every row must name that task; without, each row's task is looked up by its
    number and all rows must name the same task. The file is streamed and checked with set
    queries, then the samples are registered in one transaction, flushed in batches (each sample
    audited). ``progress(done, total)`` per row: reading the file is the first half, registering
    the second.
    """
    reading = None if progress is None else (lambda done, n: progress(done, 2 * n))
    rows = _read(ctx, path, today, reading)
    with ctx.uow() as uow:
        plan, inputs, notes = _plan(uow.session, rows, task_id, today)
        if plan.warnings and not accept_warnings:
            raise ImportWarnings(plan.warnings)
        result = _write(uow.session, plan, inputs, notes, today, progress, len(rows), 2 * len(rows))
        uow.commit()
    return result
