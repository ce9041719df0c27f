"""Issuing a document: the PDF as it is frozen, signed with the lab's key when the lab has one.

With a key, page 1 carries the QR code of the verification payload (the document's number and
date, a digest of its content, the key's signature over them), the payload is embedded in the
PDF, and the PDF gets a PAdES signature. Without a key, page 1 says 未签名.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from app.documents.data import AnalysisData, LabInfo, MonthlyData, NoticeData, TestReportData
from app.documents.hazard import HazardData
from app.security import payload as payloads
from app.security.labkey import LabSigner

D = TypeVar("D", TestReportData, NoticeData, AnalysisData, HazardData, MonthlyData)

KIND_LABELS = {"test": "检验报告", "notice": "告知书", "analysis": "风险监测分析报告",
               "hazard": "重大质量安全风险隐患报告", "monthly": "风险信息月报"}


def _issuer(lab: LabInfo) -> str:
    return f"{lab.name}（CMA {lab.cma_number}）" if lab.cma_number else lab.name


def content(data: TestReportData | NoticeData | AnalysisData | HazardData | MonthlyData) -> dict[str, Any]:
    """What the verification digest covers: the document's identity and its findings (not its
    layout, so the digest says what was certified)."""
    if isinstance(data, TestReportData):
        return {
            "kind": "test", "number": data.report_number, "sample": data.sample_number,
            "product": data.product_name, "issue_date": data.issue_date,
            "items": [[i.item, i.requirement_text, i.result_text, i.unit, i.judgement.value] for i in data.items],
            "conclusion": data.conclusion, "replaces": data.replaces_number,
        }
    if isinstance(data, NoticeData):
        return {
            "kind": "notice", "number": data.notice_number, "report": data.report_number,
            "addressee": data.addressee.name, "uscc": data.addressee.uscc, "issue_date": data.issue_date,
            "failed": [[i.item, i.requirement_text, i.result_text, i.unit] for i in data.failed_items],
        }
    if isinstance(data, HazardData):
        return {
            "kind": "hazard", "number": data.number, "sample": data.sample_number, "recipient": data.recipient,
            "issue_date": data.issue_date, "found_at": data.found_at.isoformat(), "description": data.description,
            "items": [[i.item, i.requirement, i.result, i.unit, i.judgement] for i in data.items],
            "reason": data.reason, "measures": data.measures,
        }
    if isinstance(data, MonthlyData):
        return {
            "kind": "monthly", "number": data.report_number, "period": f"{data.year:04d}-{data.month:02d}",
            "issue_date": data.issue_date,
            "entries": [[e.serial, e.received_date, e.source.value, e.product, e.description,
                         [k.value for k in e.key_risk]] for e in data.entries],
        }
    return {
        "kind": "analysis", "number": data.report_number, "task": data.task_number, "issue_date": data.issue_date,
        "tested": data.batches_tested, "problems": data.problem_batches,
        "level": data.risk.level.value if data.risk else None,
    }


def _number(data: TestReportData | NoticeData | AnalysisData | HazardData | MonthlyData,
            ) -> tuple[str, str, dt.date | None]:
    if isinstance(data, MonthlyData):
        return "monthly", data.report_number, data.issue_date
    if isinstance(data, HazardData):
        return "hazard", data.number, data.issue_date
    if isinstance(data, TestReportData):
        return "test", data.report_number, data.issue_date
    if isinstance(data, NoticeData):
        return "notice", data.notice_number, data.issue_date
    return "analysis", data.report_number, data.issue_date


def issue(data: D, render: Callable[[D], bytes], signer: LabSigner | None) -> bytes:
    """The frozen PDF of ``data``: signed with ``signer`` (QR code, embedded payload, PAdES), or
    marked 未签名 when the lab has no key (``signer`` ``None``)."""
    if signer is None:
        return render(replace(data, unsigned=True))
    kind, number, date = _number(data)
    payload = payloads.make(signer, kind=KIND_LABELS[kind], number=number, date=date.isoformat() if date else "",
                            issuer=_issuer(data.lab), digest=payloads.canonical_digest(content(data)))
    pdf = render(replace(data, verification=payload.text()))
    return signer.sign_pdf(pdf, payload=payload, reason=f"{KIND_LABELS[kind]} {number} 签发",
                           location=data.lab.address or "")
