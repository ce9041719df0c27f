"""Sentences more than one document must say in the same words.

The test report's declaration and every notice of it tell the party where to object or apply for
a re-test; the words come from :func:`objection_sentence` so the two can never disagree.
"""

from __future__ import annotations


def objection_route(to: str, contact: str = "") -> str:
    """``向湖北省市场监督管理局书面提出异议或申请复检（可经…转交；地址：…）``."""
    return f"向{to}书面提出异议或申请复检" + (f"（{contact}）" if contact else "")


def objection_sentence(days: int, to: str, contact: str = "", *, received: str) -> str:
    """The objection clause: within ``days`` days of receiving ``received`` (本报告, 本告知书), to ``to``.

    >>> objection_sentence(15, "湖北省市场监督管理局", received="本报告")
    '如对检验结果有异议，可自收到本报告之日起15日内，向湖北省市场监督管理局书面提出异议或申请复检；逾期未提出的，视为对检验结果无异议。'
    """
    return (f"如对检验结果有异议，可自收到{received}之日起{days}日内，{objection_route(to, contact)}；"
            "逾期未提出的，视为对检验结果无异议。")


def reissue_sentence(replaces_notice: str, replaces_report: str, report_number: str) -> str:
    """What a notice re-issued for an amended report says first: what it replaces, and that the
    objection period runs again from its receipt."""
    because = f"检验报告{replaces_report}已更正为检验报告{report_number}，" if replaces_report else ""
    if replaces_notice:
        return (f"{because}本告知书替代{replaces_notice}号告知书，原告知书作废；"
                "异议或复检申请期限自收到本告知书之日起重新计算。")
    return f"{because}现依据更正后的检验报告告知你单位；异议或复检申请期限自收到本告知书之日起计算。"
