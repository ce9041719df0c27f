"""The unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY``: 1 registering authority, 2 entity
type, 3–8 the administrative division (Hubei: ``42xxxx``), 9–17 the organization code
(GB 11714), 18 the check character. Validity rests on the character set, the length, the
digits of the division and the check character; the organization code's own check digit is
only reported (``org_code_check``), since codes issued in the field do not all pass it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
HUBEI_PREFIX = "42"


def normalize(code: str) -> str:
    """Trim surrounding spaces and upper-case."""
    return code.strip().upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (``c = 31 − Σ mod 31``, 31 → 0)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    c = 31 - total % 31
    return CHARSET[0 if c == 31 else c]


def org_code_check_character(first8: str) -> str | None:
    """GB 11714 check character of an organization code's first 8 characters (None if not computable)."""
    total = 0
    for ch, w in zip(first8, ORG_WEIGHTS, strict=True):
        if ch.isdigit():
            v = int(ch)
        elif "A" <= ch <= "Z":
            v = ord(ch) - ord("A") + 10
        else:
            return None
        total += v * w
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


@dataclass(frozen=True, slots=True)
class UsccResult:
    valid: bool
    code: str
    reason: str | None = None
    division: str | None = None
    org_code: str | None = None
    org_code_check: bool | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def in_hubei(self) -> bool | None:
        return None if self.division is None else self.division.startswith(HUBEI_PREFIX)

    def to_dict(self) -> dict[str, Any]:
        if not self.valid:
            return {"valid": False, "code": self.code, "reason": self.reason}
        return {
            "valid": True,
            "code": self.code,
            "division": self.division,
            "in_hubei": self.in_hubei,
            "org_code": self.org_code,
            "org_code_check": self.org_code_check,
            "warnings": list(self.warnings),
        }


@functools.lru_cache(maxsize=8192)  # an import names the same few hundred enterprises many times
def validate(code: str) -> UsccResult:
    """Check a code; the reason of an invalid one names the position or the check that failed."""
    s = normalize(code)
    if len(s) != 18:
        return UsccResult(False, s, f"长度应为 18 位，实际为 {len(s)} 位")
    for i, ch in enumerate(s, start=1):
        if ch not in _VALUE:
            extra = "（不使用 I、O、S、V、Z）" if ch in "IOSVZ" else ""
            return UsccResult(False, s, f"第 {i} 位字符 “{ch}” 不是统一社会信用代码允许的字符{extra}")
    division = s[2:8]
    for i, ch in enumerate(division, start=3):
        if not ch.isdigit():
            return UsccResult(False, s, f"第 {i} 位应为数字（第 3–8 位为登记管理机关行政区划码），实际为 “{ch}”")
    expected = check_character(s[:17])
    if s[17] != expected:
        return UsccResult(False, s, f"第 18 位校验码应为 “{expected}”，实际为 “{s[17]}”")
    org = s[8:17]
    org_expected = org_code_check_character(org[:8])
    org_ok = org_expected == org[8]
    warnings = () if org_ok else (f"组织机构代码 {org} 的校验位不符合 GB 11714（应为 “{org_expected}”）",)
    return UsccResult(True, s, None, division, org, org_ok, warnings)


def division_of(code: str) -> str | None:
    """Characters 3–8 when they are six digits (whatever the check character), else None."""
    s = normalize(code)
    division = s[2:8]
    return division if len(division) == 6 and division.isdigit() else None
