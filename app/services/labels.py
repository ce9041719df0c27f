"""样品标签: the labels of the samples chosen in the list, as one PDF (see ``app.documents.labels``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.documents import labels as label_documents
from app.documents.labels import LAYOUT_LABELS, LAYOUTS, PRINTER, SHEET, SampleLabel
from app.errors import NotFoundError, ValidationError
from app.services.context import Context
from app.store.models import Sample

__all__ = ["LAYOUTS", "LAYOUT_LABELS", "MAX_SAMPLES", "PRINTER", "SHEET", "sample_labels", "sample_labels_pdf"]

#: the most samples whose labels are made at once (a few hundred sheets)
MAX_SAMPLES = 2000


def _has(quantity: Decimal | None) -> bool:
    return quantity is not None and quantity > 0


def _label(s: Sample) -> SampleLabel:
    both = _has(s.test_quantity) and _has(s.backup_quantity)
    portions = (label_documents.TEST_PORTION, label_documents.BACKUP_PORTION) if both else ()
    return SampleLabel(s.number, s.product_name, s.task.number if s.task else "", s.sampling_date, portions)


def sample_labels(ctx: Context, sample_ids: Sequence[int]) -> list[SampleLabel]:
    """The label data of the samples, by sample number; a sample that no longer exists is named."""
    ids = list(dict.fromkeys(int(i) for i in sample_ids))
    if not ids:
        raise ValidationError("请先选择要打印标签的样品。")
    if len(ids) > MAX_SAMPLES:
        raise ValidationError(f"一次最多打印 {MAX_SAMPLES} 个样品的标签，请分批打印。")
    with ctx.uow() as uow:
        found: list[Sample] = []
        for start in range(0, len(ids), 500):  # under the database's parameter limit
            found += uow.session.scalars(
                select(Sample).where(Sample.id.in_(ids[start:start + 500])).options(selectinload(Sample.task))
            )
        if len(found) != len(ids):
            raise NotFoundError(f"所选样品中有 {len(ids) - len(found)} 个已不存在，请刷新列表后重试。")
        return [_label(s) for s in sorted(found, key=lambda s: s.number)]


def sample_labels_pdf(ctx: Context, sample_ids: Sequence[int], layout: str = SHEET, *,
                      first_position: int = 1) -> bytes:
    """The labels of the samples (one per portion: 测试样 and 备份样 when it has both) in ``layout``
    (``sheet``: A4 sheets of 3 × 8 labels of 70 × 37 mm; ``printer``: one 60 × 40 mm page each)."""
    if layout not in LAYOUTS:
        raise ValidationError("未知的标签版式。")
    return label_documents.labels_pdf(sample_labels(ctx, sample_ids), layout, first_position=first_position)
