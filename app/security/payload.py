"""The verification payload of an issued document: printed as a QR code on page 1 and embedded in
the PDF as ``verification.txt``.

Plain text a phone shows as it is::

    RISKMON-VERIFY 1
    类型：检验报告
    编号：2026-BG-0001
    日期：2026-11-30
    机构：荆楚产品质量检验检测中心（CMA 241712050999）
    摘要：<SHA-256 of the document's canonical content, hex>
    签名：<the lab key's signature over the lines above, base64>

The digest is over the document's *content* (number, sample, results, conclusion), not over the
PDF, which would be circular; the lab key signs the lines, so the printed code cannot be edited.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from app.errors import ValidationError
from app.security.labkey import LabSigner, b64, unb64, verify_bytes

HEADER = "RISKMON-VERIFY 1"
FILE_NAME = "verification.txt"
_KEYS = (("kind", "类型"), ("number", "编号"), ("date", "日期"), ("issuer", "机构"), ("digest", "摘要"))


def canonical_digest(content: Any) -> str:
    """SHA-256 (hex) of ``content`` as canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Payload:
    kind: str
    number: str
    date: str
    issuer: str
    digest: str
    signature: str = ""

    def body(self) -> str:
        return "\n".join([HEADER, *(f"{label}：{getattr(self, key)}" for key, label in _KEYS)])

    def text(self) -> str:
        return self.body() + f"\n签名：{self.signature}"

    def signed_by(self, cert: Any) -> bool:
        return bool(self.signature) and verify_bytes(cert, self.body().encode("utf-8"), unb64(self.signature))


def make(signer: LabSigner, *, kind: str, number: str, date: str, issuer: str, digest: str) -> Payload:
    unsigned = Payload(kind, number, date, issuer, digest)
    return Payload(kind, number, date, issuer, digest, b64(signer.sign_bytes(unsigned.body().encode("utf-8"))))


def parse(text: str) -> Payload:
    lines = [line.strip() for line in (text or "").strip().splitlines()]
    if not lines or lines[0] != HEADER:
        raise ValidationError("不是本程序生成的核验信息。")
    values: dict[str, str] = {}
    for line in lines[1:]:
        label, sep, value = line.partition("：")
        if sep:
            values[label] = value
    try:
        return Payload(*(values[label] for _key, label in _KEYS), values.get("签名", ""))
    except KeyError as exc:
        raise ValidationError(f"核验信息缺少“{exc.args[0]}”。") from exc


# --------------------------------------------------------------------------------------------
# In the PDF
# --------------------------------------------------------------------------------------------


def embed(writer: Any, payload: Payload) -> None:
    """Attach the payload to a pyHanko incremental writer as ``verification.txt``."""
    from pyhanko.pdf_utils import embed as pembed

    data = payload.text().encode("utf-8")
    spec = pembed.FileSpec(
        file_spec_string=FILE_NAME,
        embedded_data=pembed.EmbeddedFileObject.from_file_data(writer, data, mime_type="text/plain"),
        description="检验检测报告核验信息",
    )
    pembed.embed_file(writer, spec)


def extract(pdf: bytes) -> Payload | None:
    """The embedded payload of a PDF, or ``None`` when it has none."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        entries = list(reader.root["/Names"]["/EmbeddedFiles"]["/Names"])  # [] dereferences
    except Exception:  # noqa: BLE001 - no embedded files, or an unreadable structure: no payload
        return None
    for name, spec in zip(entries[::2], entries[1::2], strict=False):
        if str(name) != FILE_NAME:
            continue
        try:
            stream = spec.get_object()["/EF"]["/F"].get_object()
            return parse(stream.data.decode("utf-8"))
        except (KeyError, UnicodeDecodeError, ValidationError):
            return None
    return None
