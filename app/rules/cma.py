"""The number of the lab's inspection-body accreditation certificate (检验检测机构资质认定证书编号, CMA).

12 digits: 1–2 the last two digits of the year of issue, 3–4 the issuing authority (00 国家认监委,
01–31 the provincial market regulators; 湖北 17), 5–6 the field (专业领域类别), 7–8 the
supervising sector (行业主管部门), 9–12 the serial number from 0001. E.g. ``241712050999``:
issued 2024 by Hubei, field 12, sector 05, serial 0999. The field and sector codes are only
required to be digits, since their lists have grown over time.
"""

from __future__ import annotations

LENGTH = 12
HUBEI_AUTHORITY = "17"
AUTHORITIES = range(0, 32)  # 00 国家认监委, 01 北京 … 31 新疆
EXAMPLE = "241712050999"


def normalize(number: str) -> str:
    """Trim spaces (also inside: ``2417 1205 0999`` as printed under the mark) and full-width digits."""
    text = "".join((number or "").split())
    return text.translate({ord("０") + i: ord("0") + i for i in range(10)})


def problem(number: str) -> str | None:
    """Why ``number`` is not a CMA certificate number (Chinese), or None; empty is not checked."""
    n = normalize(number)
    if not n:
        return None
    hint = f"（共 12 位数字：前 2 位为发证年份，第 3–4 位为发证机关代码，末 4 位为流水号，例如 {EXAMPLE}）。"
    if not (n.isascii() and n.isdigit()):
        return "CMA 证书编号只能由数字组成" + hint
    if len(n) != LENGTH:
        return f"CMA 证书编号应为 {LENGTH} 位数字，“{n}”为 {len(n)} 位" + hint
    if int(n[2:4]) not in AUTHORITIES:
        return f"CMA 证书编号第 3–4 位是发证机关代码（00–31），“{n}”为 {n[2:4]}" + hint
    if n[8:] == "0000":
        return f"CMA 证书编号末 4 位是流水号，从 0001 开始，“{n}”为 0000" + hint
    return None
