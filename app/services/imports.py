"""Importing the sampling list (抽样信息) from the app's Excel template, all or nothing.

``app.documents.excel.read_sampling_rows`` checks the file row by row; each row is then mapped to
a :class:`~app.services.samples.SampleInput` and checked as the sampling form checks it, so the
user gets every bad row of the file with its Excel row number and column in one pass. Nothing is
written unless every row is good; then :func:`app.services.samples.register_samples` registers
them in one transaction.

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
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.documents.excel import SAMPLING_COLUMNS, ImportRowsError, RowProblem, SamplingRow, read_sampling_rows
from app.errors import ValidationError
from app.services import samples as sample_service
from app.services.context import Context
from app.services.tasks import sampling_scheme
from app.store.models import MonitoringTask, Sample, Scheme

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


def import_sampling(ctx: Context, path: str | Path, *, task_id: int | None = None, today: dt.date | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Register every sample of the file, or none: ``ImportRowsError`` lists every bad row.

    With ``task_id`` every row must name that task; without, each row's task is looked up by its
    number and all rows must name the same task.
    """
    ctx.require("technician", action="导入抽样信息")
    rows = read_sampling_rows(path, today=today)
    problems: list[RowProblem] = []
    with ctx.uow() as uow:
        session = uow.session
        chosen = session.get(MonitoringTask, task_id) if task_id is not None else None
        if task_id is not None and chosen is None:
            raise ImportRowsError([], file_problem="所选监测任务不存在，未导入任何数据。")
        numbers = sorted({r.task_number for r in rows})
        tasks = {t.number: t for t in session.scalars(select(MonitoringTask).where(MonitoringTask.number.in_(numbers)))}
        if chosen is None:
            chosen = tasks.get(rows[0].task_number)
        inputs: list[sample_service.SampleInput] = []
        task_number = chosen.number if chosen is not None else rows[0].task_number
        schemes = list(chosen.schemes) if chosen is not None else []
        if chosen is not None and not any(s.status == "confirmed" for s in schemes):
            try:  # Article 14: no sampling before the authority confirmed the scheme; says what is missing
                sampling_scheme(session, chosen, None)
            except ValidationError as exc:
                raise ImportRowsError([], file_problem=exc.message.rstrip("。") + "，未导入任何数据。") from None
        file_numbers = [r.sample_number for r in rows]
        taken = set(session.scalars(select(Sample.number).where(Sample.number.in_(file_numbers))))
        imported: set[str] = set()
        records: dict[str, str] = {}  # 抽样单编号 already used in the task → that sample's number
        if chosen is not None:
            for notes in session.scalars(select(Sample.notes).where(
                Sample.task_id == chosen.id, Sample.notes.like(f"%{IMPORT_MARK}%")
            )):
                imported.update(_MARK_RE.findall(notes or ""))
            wanted = sorted({r.sampling_record_number for r in rows if r.sampling_record_number})
            for start in range(0, len(wanted), 500):
                records.update(session.execute(
                    select(Sample.sampling_record_number, Sample.number).where(
                        Sample.task_id == chosen.id, Sample.sampling_record_number.in_(wanted[start:start + 500]))
                ).all())
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
            data = to_input(r, chosen.id if chosen is not None else None, _scheme_for(schemes, r.product_name))
            for key, message in sample_service.validate(data, today).items():
                if key == "task_id":
                    continue  # reported above with the row's task number
                problems.append(RowProblem(r.row, _column(key), message.rstrip("。")))
            inputs.append(data)
    if problems:
        raise ImportRowsError(sorted(problems, key=lambda p: p.row))
    created = sample_service.register_samples(ctx, inputs, today=today, progress=progress)
    return ImportResult(task_number, tuple(
        ImportedSample(r.row, r.sample_number, s.id, s.number) for r, s in zip(rows, created, strict=True)
    ))
