"""设置 → 印章与签名: the CMA mark, the lab's seal and signatures, stored checked (PNG or JPEG, readable,
at most 2 MB) by an administrator only, and placed on the test report."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.services import lab_assets
from app.store.models import LabAsset
from tests.services.conftest import audit_ok


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (120, 60), mode: str = "RGBA") -> bytes:
    im = Image.new(mode, size, (200, 16, 26, 255) if mode == "RGBA" else (200, 16, 26))
    buf = io.BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


def stored(lab) -> int:
    with lab.admin.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(LabAsset)) or 0


def test_the_administrator_stores_replaces_and_removes_the_marks(lab):
    png, jpeg = image_bytes(), image_bytes("JPEG", mode="RGB")
    cma = lab_assets.save_asset(lab.admin, "cma_mark", png)
    assert (cma.kind, cma.media_type, cma.size, cma.user_id) == ("cma_mark", "image/png", len(png), None)
    lab_assets.save_asset(lab.admin, "seal", jpeg)
    sig = lab_assets.save_asset(lab.admin, "signature", png, user_id=lab.sig.user.id)
    assert sig.user_id == lab.sig.user.id
    listed = lab_assets.list_assets(lab.admin)
    assert listed.cma_mark == cma and listed.seal.media_type == "image/jpeg"
    by_name = {s.username: s for s in listed.signers}
    assert set(by_name) == {"tech", "tech2", "rev", "sig"}  # the administrator alone signs no report
    assert by_name["sig"].signature == sig and by_name["rev"].signature is None
    # replacing keeps one row per mark
    lab_assets.save_asset(lab.admin, "cma_mark", jpeg)
    assert lab_assets.asset_content(lab.admin, "cma_mark") == jpeg
    assert stored(lab) == 3
    lab_assets.remove_asset(lab.admin, "signature", user_id=lab.sig.user.id)
    assert lab_assets.asset_content(lab.admin, "signature", lab.sig.user.id) is None
    with pytest.raises(NotFoundError):
        lab_assets.remove_asset(lab.admin, "signature", user_id=lab.sig.user.id)
    assert stored(lab) == 2 and audit_ok(lab.db)


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "空文件"),
    (b"GIF89a" + b"\0" * 64, "不是 PNG 或 JPEG"),
    (b"%PDF-1.7\n" + b"\0" * 64, "不是 PNG 或 JPEG"),
    (image_bytes()[:60], "已损坏"),  # a PNG cut short
    (image_bytes("JPEG", mode="RGB")[:150], "已损坏"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 2 * 1024 * 1024, "超过 2 MB"),
])
def test_a_bad_image_is_refused_with_one_clear_message_and_nothing_is_stored(lab, content, expected):
    with pytest.raises(ValidationError) as err:
        lab_assets.save_asset(lab.admin, "seal", content)
    assert expected in err.value.errors["content"]
    assert "检验检测专用章" in err.value.message  # says which image
    assert stored(lab) == 0


def test_a_file_over_2_mb_is_refused_before_it_is_read(lab, tmp_path: Path):
    big = tmp_path / "seal.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as err:
        lab_assets.save_asset_file(lab.admin, "seal", big)
    assert "seal.png" in err.value.message and "超过 2 MB" in err.value.message
    with pytest.raises(ValidationError) as err:
        lab_assets.save_asset_file(lab.admin, "seal", tmp_path / "missing.png")
    assert "无法读取文件 missing.png" in err.value.message
    good = tmp_path / "cma.jpg"
    good.write_bytes(image_bytes("JPEG", mode="RGB"))
    assert lab_assets.save_asset_file(lab.admin, "cma_mark", good).media_type == "image/jpeg"
    assert stored(lab) == 1


def test_only_an_administrator_changes_them_and_signatures_belong_to_signers(lab):
    png = image_bytes()
    with pytest.raises(PermissionDenied):
        lab_assets.save_asset(lab.sig, "signature", png, user_id=lab.sig.user.id)
    with pytest.raises(PermissionDenied):
        lab_assets.remove_asset(lab.tech, "seal")
    with pytest.raises(ValidationError) as err:
        lab_assets.save_asset(lab.admin, "signature", png)
    assert "请选择签名所属的人员" in err.value.message
    with pytest.raises(ValidationError) as err:
        lab_assets.save_asset(lab.admin, "signature", png, user_id=lab.admin.user.id)
    assert "不参与报告的编制、审核或批准" in err.value.message
    with pytest.raises(ValidationError):
        lab_assets.save_asset(lab.admin, "seal", png, user_id=lab.sig.user.id)
    with pytest.raises(ValidationError):
        lab_assets.save_asset(lab.admin, "logo", png)
    assert stored(lab) == 0


def test_report_marks_reads_the_marks_and_the_signers_signatures(lab):
    png, other = image_bytes(), image_bytes(size=(90, 30))
    lab_assets.save_asset(lab.admin, "seal", png)
    lab_assets.save_asset(lab.admin, "signature", png, user_id=lab.tech.user.id)
    lab_assets.save_asset(lab.admin, "signature", other, user_id=lab.rev.user.id)
    with lab.admin.uow() as uow:
        marks = lab_assets.report_marks(uow.session, (lab.tech.user.id, lab.sig.user.id, None))
    assert marks.cma_mark is None and marks.seal == png
    assert marks.signatures == {lab.tech.user.id: png}  # only the signers asked for
