"""核验: is a PDF someone brings in a document this lab issued, unchanged since?

Checked offline against the lab's own certificates (every key it has signed with): the PAdES
signature over the whole file, then the embedded verification payload — the same text as the QR
code on page 1 — signed by the same key. The answer is one of authentic, altered, not ours or
unsigned, in one line of Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.security import labkey as crypto
from app.security import payload as payloads
from app.services.labkey import trusted_certificates
from app.store.uow import UnitOfWork

#: exit codes of ``riskmon verify-report``
EXIT_CODES = {crypto.AUTHENTIC: 0, crypto.ALTERED: 1, crypto.UNSIGNED: 1, crypto.NOT_OURS: 2}
STATUS_LABELS = {crypto.AUTHENTIC: "真实", crypto.ALTERED: "已被改动", crypto.UNSIGNED: "未签名",
                 crypto.NOT_OURS: "不是本机构签发"}


@dataclass(frozen=True)
class ReportVerdict:
    status: str
    message: str
    kind: str = ""
    number: str = ""
    date: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def ok(self) -> bool:
        return self.status == crypto.AUTHENTIC

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.status, 1)

    @property
    def line(self) -> str:
        what = f"{self.kind} {self.number}（{self.date}）：" if self.number else ""
        return f"{self.label}：{what}{self.message}"


def verify_pdf(db: Any, pdf: bytes) -> ReportVerdict:
    """The verdict on ``pdf`` against this lab's certificates (no network)."""
    with UnitOfWork(db, actor="verify") as uow:
        trusted = trusted_certificates(uow.session)
    if not pdf.startswith(b"%PDF"):
        return ReportVerdict(crypto.ALTERED, "文件不是 PDF。")
    if not trusted:
        return ReportVerdict(crypto.NOT_OURS, "本机构没有签章密钥，无法核验任何签名。")
    verdict = crypto.verify_pdf(pdf, trusted)
    payload = payloads.extract(pdf)
    details = dict(kind=payload.kind, number=payload.number, date=payload.date) if payload else {}
    if verdict.status != crypto.AUTHENTIC:
        return ReportVerdict(verdict.status, verdict.message, **details)
    if payload is None:
        return ReportVerdict(crypto.ALTERED, "签名完好，但文件中没有核验信息（不是本程序签发的报告）。")
    if not any(payload.signed_by(cert) for cert in trusted):
        return ReportVerdict(crypto.ALTERED, "核验信息的签名不符：二维码内容被改动过。", **details)
    return ReportVerdict(crypto.AUTHENTIC, verdict.message, **details)
