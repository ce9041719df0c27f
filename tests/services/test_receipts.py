"""回执扫描件: a scan of a notice's signed receipt is kept with its delivery record (as an attachment
of the notice's sample), its type told by its bytes, its size limited; listed and opened again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app import clock
from app.errors import NotFoundError, ValidationError
from app.services import notifications, samples
from app.store.models import Attachment
from tests.services import test_notifications as _notices
from tests.services.conftest import audit_ok
from tests.services.test_notifications import _ctx, _task

demo_file = _notices.demo_file  # the demo lab's fixtures
lab = _notices.lab

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


def test_a_scan_is_kept_with_its_notice_and_listed_with_the_record(lab, tmp_path: Path):
    tech = _ctx(lab, "wangjian")
    rows = notifications.list_notifications(tech, _task(tech)).rows
    first, second = rows[0], rows[1]
    assert first.receipts == ()
    (tmp_path / "scan.jpeg").write_bytes(PNG)  # named .jpeg, but the bytes say PNG
    (tmp_path / "回执.pdf").write_bytes(PDF)
    png = notifications.add_receipt(tech, first.id, tmp_path / "scan.jpeg")
    pdf = notifications.add_receipt(tech, first.id, tmp_path / "回执.pdf")
    assert png.mime == "image/png" and png.filename.endswith(".png") and pdf.mime == "application/pdf"
    assert png.filename.startswith(f"送达回执-{first.id}-") and first.document_number in png.filename
    listed = {r.id: r for r in notifications.list_notifications(tech, _task(tech)).rows}
    assert [r.id for r in listed[first.id].receipts] == [png.id, pdf.id]
    assert listed[second.id].receipts == ()  # another addressee of the same sample has none
    assert [r.id for r in notifications.get_notification(tech, first.id).receipts] == [png.id, pdf.id]
    assert notifications.receipt_content(tech, pdf.id) == (pdf.filename, PDF)
    # it is an attachment of the sample (kind other), so the sample's form shows it too
    with tech.uow() as uow:
        att = uow.session.get(Attachment, png.id)
        assert (att.sample_id, att.kind) == (first.sample_id, "other")
    assert any(a.id == png.id for a in samples.get_sample(tech, first.sample_id).attachments)
    # the delivery record keeps listing it after the delivery is recorded
    saved = notifications.record_delivery(tech, first.id, first.version, sent_date=clock.today(), method="post")
    assert [r.id for r in saved.receipts] == [png.id, pdf.id]
    assert audit_ok(lab)


def test_what_is_not_a_scan_is_refused_before_anything_is_written(lab, tmp_path: Path, monkeypatch):
    tech = _ctx(lab, "wangjian")
    row = notifications.list_notifications(tech, _task(tech)).rows[0]
    (tmp_path / "note.pdf").write_bytes(b"just text, named .pdf")
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "photo.jpg").write_bytes(JPEG)
    with pytest.raises(ValidationError, match="不是 PDF、JPEG 或 PNG"):
        notifications.add_receipt(tech, row.id, tmp_path / "note.pdf")
    with pytest.raises(ValidationError, match="是空的"):
        notifications.add_receipt(tech, row.id, tmp_path / "empty.png")
    with pytest.raises(ValidationError, match="无法读取"):
        notifications.add_receipt(tech, row.id, tmp_path / "missing.png")
    monkeypatch.setattr(notifications, "ATTACHMENT_LIMIT", 32)
    with pytest.raises(ValidationError, match="超过"):
        notifications.add_receipt(tech, row.id, tmp_path / "photo.jpg")
    monkeypatch.undo()
    with pytest.raises(NotFoundError):
        notifications.add_receipt(tech, 999_999, tmp_path / "photo.jpg")
    with tech.uow() as uow:
        assert uow.session.scalars(select(Attachment).where(Attachment.filename.like("送达回执%"))).all() == []
    assert notifications.add_receipt(tech, row.id, tmp_path / "photo.jpg").mime == "image/jpeg"
    # an ordinary photo of the sample is not handed out as a receipt
    photo = samples.add_attachment(tech, row.sample_id, tmp_path / "photo.jpg")
    with pytest.raises(NotFoundError):
        notifications.receipt_content(tech, photo.id)
