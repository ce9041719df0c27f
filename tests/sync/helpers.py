"""Test helpers: valid export packages, an in-memory keyring."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


def make_package(n: int, *, size: int = 2000) -> bytes:
    """A small, valid export package whose content depends on ``n`` (the documents layer's writer)."""
    from app.documents.data import LabInfo, PackageAnalysis, PackageManifestData, PackageTask
    from app.documents.package import package_bytes

    task_number = f"HBFX-2026-{n:04d}"
    body = (f"%PDF-1.4 report {n} ".encode() * (size // 20 + 1))[:size]
    files = {"analysis/" + task_number + "-分析报告.pdf": body}
    data = PackageManifestData(
        lab=LabInfo(name="湖北省某某产品质量监督检验研究院", cma_number="231700000000"),
        task=PackageTask(
            number=task_number,
            title="2026年电热水壶质量安全风险监测",
            issuing_authority="湖北省市场监督管理局",
            product_category="电热水壶",
            plan_year=2026,
        ),
        samples=(),
        analysis=PackageAnalysis(file=next(iter(files))),
        created_at=datetime(2026, 10, 9, 2, 30, tzinfo=UTC),
    )
    return package_bytes(data, files)


def corrupt_package(n: int) -> bytes:
    """A package whose file does not match the manifest's SHA-256."""
    good = make_package(n)
    src = zipfile.ZipFile(io.BytesIO(good))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "manifest.json":
                data = data[:-1] + bytes([data[-1] ^ 1])
            zf.writestr(info.filename, data)
    return buf.getvalue()


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict (tests never touch the real one)."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.values[(service, username)]
        except KeyError:
            raise PasswordDeleteError("no such password") from None
