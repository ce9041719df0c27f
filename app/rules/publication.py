"""Article 8: monitoring information is not made public without the organising regulator's consent.

《办法》第八条: 组织风险监测的市场监管部门根据监测结果及风险程度，可以向社会发布风险监测或预警信息。
未经组织风险监测的市场监管部门同意，任何单位和个人不得擅自公开风险监测信息。

So everything that leaves the lab carries the mark 内部资料 注意保密 and the sentence of Article 8,
unless the organising regulator's consent to publication (公开同意: authority, document number,
date) is on record for the task — then a publication-ready copy without the mark may be made.
"""

from __future__ import annotations

import datetime as dt

#: the mark at the top of every page (PDF) or printed sheet (Excel)
MARK = "内部资料 注意保密"
#: the second sentence of Article 8, word for word, with its source
ARTICLE_8 = "未经组织风险监测的市场监管部门同意，任何单位和个人不得擅自公开风险监测信息（《办法》第八条）。"

MAX_AUTHORITY = 100
MAX_DOCUMENT_NUMBER = 64
MAX_NOTE = 500


def consent_problems(authority: str, document_number: str, consent_date: dt.date | None, *,
                     today: dt.date, note: str = "") -> dict[str, str]:
    """Every problem of a consent record (公开同意), keyed by field; empty when it can be saved."""
    errors: dict[str, str] = {}
    if not (authority or "").strip():
        errors["authority"] = "请填写同意公开的市场监管部门（组织风险监测的部门）。"
    elif len(authority.strip()) > MAX_AUTHORITY:
        errors["authority"] = f"部门名称不能超过 {MAX_AUTHORITY} 个字符。"
    if not (document_number or "").strip():
        errors["document_number"] = "请填写同意公开的文件文号（如 鄂市监质函〔2026〕12号）。"
    elif len(document_number.strip()) > MAX_DOCUMENT_NUMBER:
        errors["document_number"] = f"文号不能超过 {MAX_DOCUMENT_NUMBER} 个字符。"
    if consent_date is None:
        errors["consent_date"] = "请填写同意公开的日期。"
    elif consent_date > today:
        errors["consent_date"] = f"同意日期 {consent_date:%Y-%m-%d} 晚于今天，请核对。"
    if len((note or "").strip()) > MAX_NOTE:
        errors["note"] = f"说明不能超过 {MAX_NOTE} 个字符。"
    return errors


def consent_line(authority: str, document_number: str, consent_date: dt.date) -> str:
    """What a publication-ready copy says instead of the mark: whose consent, which document, when."""
    return f"经{authority}同意公开（{document_number}，{consent_date:%Y-%m-%d}，《办法》第八条）"
