"""Standard codes (标准编号): parsing, normalisation, kind, and the version current on a date.

Recognised forms (full-width characters, the dashes ``- — － –`` and stray spaces are
tolerated; two-digit years of old standards are read as 19xx, e.g. ``GB 4706.1-98`` → 1998)::

    GB 4706.1-2005      mandatory national (强制性国家标准)
    GB/T 14561-2019     recommended national (推荐性国家标准)
    GB/Z 12345-2010     guidance national (国家标准化指导性技术文件)
    QB/T 1234-2015      industry (行业标准), any two to four letters, with or without /T or /Z
    DB42/T 1234-2020    local (地方标准), DB + division code, with or without /T
    T/CAB 90030-2022    group (团体标准)
    Q/WHAB 0001-2024    enterprise (企业标准)

A declared code may carry a grade as labels print it (``GB/T 22849-2014 合格品``): see
:func:`split_grade`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

MANDATORY_NATIONAL = "mandatory_national"
RECOMMENDED_NATIONAL = "recommended_national"
GUIDANCE_NATIONAL = "guidance_national"
INDUSTRY = "industry"
LOCAL = "local"
GROUP = "group"
ENTERPRISE = "enterprise"

KINDS = (MANDATORY_NATIONAL, RECOMMENDED_NATIONAL, GUIDANCE_NATIONAL, INDUSTRY, LOCAL, GROUP, ENTERPRISE)
KIND_NAMES_ZH = {
    MANDATORY_NATIONAL: "强制性国家标准",
    RECOMMENDED_NATIONAL: "推荐性国家标准",
    GUIDANCE_NATIONAL: "国家标准化指导性技术文件",
    INDUSTRY: "行业标准",
    LOCAL: "地方标准",
    GROUP: "团体标准",
    ENTERPRISE: "企业标准",
}
# "National before industry, and among national mandatory GB before GB/T" (Article 16 ¶2).
_RANK = {kind: i for i, kind in enumerate(KINDS)}

_DASHES = "‐‑‒–—―−－﹣⁃"
_DASH_RE = re.compile(f"[{_DASHES}]")
_CODE_RE = re.compile(
    r"""^(?:
        (?P<gb>GB(?:/[TZ])?|GBZ(?:/T)?)
      | (?P<db>DB\d{2,6}(?:/[TZ])?)
      | (?P<tq>[TQ])/(?P<org>[A-Z0-9][A-Z0-9 ]*?)
      | (?P<ind>[A-Z]{2,4}(?:/[TZ])?)
    )\ ?(?P<number>\d+(?:\.\d+)*[A-Z]?)(?:-(?P<year>\d{4}|\d{2}))?$""",
    re.VERBOSE,
)


#: Grades (质量等级) a declared standard may carry, as labels print them (``spec/RULES.md`` §2).
GRADES = ("优等品", "一等品", "合格品", "一级", "二级", "三级", "A类", "B类", "C类")
_GRADE_ALT = "|".join(GRADES)
# at the last run of whitespace (ASCII or full-width: NFKC makes it a space) …
_GRADE_AFTER_SPACE_RE = re.compile(rf"^(?P<code>.*\S)\s+(?P<grade>{_GRADE_ALT})$")
# … or written straight after the year ("…-2014合格品")
_GRADE_AFTER_YEAR_RE = re.compile(rf"^(?P<code>.*[-{_DASHES}]\s*(?:\d{{4}}|\d{{2}}))(?P<grade>{_GRADE_ALT})$")


class StandardCodeError(ValueError):
    """A text that is not a standard code; ``message`` is Chinese."""

    def __init__(self, text: str, reason: str = "") -> None:
        self.text = text
        self.message = f"无法识别的标准编号 “{text}”" + (f"：{reason}" if reason else "")
        super().__init__(self.message)


@dataclass(frozen=True, slots=True, order=True)
class StandardCode:
    """A parsed code: ``prefix`` (``GB/T``, ``DB42/T``, ``T/CAB``), ``number`` (``4706.1``), ``year``."""

    prefix: str
    number: str
    year: int | None = None

    @property
    def base(self) -> str:
        """The code without its year: ``GB/T 14561``."""
        return f"{self.prefix} {self.number}"

    @property
    def full(self) -> str:
        """The normalised code: ``GB/T 14561-2019`` (no year when none was given)."""
        return f"{self.base}-{self.year}" if self.year is not None else self.base

    @property
    def kind(self) -> str:
        return kind_of_prefix(self.prefix)

    @property
    def is_national(self) -> bool:
        return self.kind in (MANDATORY_NATIONAL, RECOMMENDED_NATIONAL, GUIDANCE_NATIONAL)

    @property
    def is_mandatory_national(self) -> bool:
        return self.kind == MANDATORY_NATIONAL

    @property
    def is_industry(self) -> bool:
        return self.kind == INDUSTRY

    @property
    def is_enterprise(self) -> bool:
        return self.kind == ENTERPRISE

    def with_year(self, year: int | None) -> StandardCode:
        return StandardCode(self.prefix, self.number, year)

    def __str__(self) -> str:
        return self.full


def kind_of_prefix(prefix: str) -> str:
    if prefix in ("GB", "GBZ"):
        return MANDATORY_NATIONAL
    if prefix in ("GB/T", "GBZ/T"):
        return RECOMMENDED_NATIONAL
    if prefix == "GB/Z":
        return GUIDANCE_NATIONAL
    if prefix.startswith("DB"):
        return LOCAL
    if prefix.startswith("T/"):
        return GROUP
    if prefix.startswith("Q/"):
        return ENTERPRISE
    return INDUSTRY


def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = _DASH_RE.sub("-", s).upper()
    s = " ".join(s.split())
    s = re.sub(r"\s*([/\-.])\s*", r"\1", s)
    if s.startswith("GBT") and not s.startswith("GBT/"):  # a common slip for GB/T
        s = "GB/T" + s[3:]
    s = re.sub(r"^DB\s+(\d)", r"DB\1", s)
    return s


def _full_year(digits: str, original: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        return 1900 + year if year >= 50 else 2000 + year
    if not 1950 <= year <= 2100:
        raise StandardCodeError(original, f"年代号 {digits} 不合理")
    return year


def parse_code(text: str) -> StandardCode:
    """Parse and normalise a standard code; ``StandardCodeError`` when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise StandardCodeError(str(text), "为空")
    s = _clean(text)
    m = _CODE_RE.match(s)
    if not m:
        raise StandardCodeError(text.strip())
    if m["gb"]:
        prefix = m["gb"]
    elif m["db"]:
        prefix = m["db"]
    elif m["tq"]:
        org = " ".join(m["org"].split())
        if not any(c.isalpha() for c in org) and m["tq"] == "T":
            raise StandardCodeError(text.strip(), "团体标准应有团体代号")
        prefix = f"{m['tq']}/{org}"
    else:
        prefix = m["ind"]
        if prefix.split("/")[0] in ("GB", "DB"):
            raise StandardCodeError(text.strip())
    year = _full_year(m["year"], text.strip()) if m["year"] else None
    return StandardCode(prefix, m["number"], year)


def normalize_grade(text: str) -> str:
    """The comparison form of a grade: NFKC (``Ａ类`` → ``A类``), no spaces, Latin letters upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def split_grade(text: str) -> tuple[str, str | None]:
    """``"GB/T 22849-2014 合格品"`` → ``("GB/T 22849-2014", "合格品")``; no grade → ``(text, None)``.

    The grade is split at the last run of whitespace (ASCII or full-width) followed by one of
    ``GRADES``, or where it is written straight after the year (``"…-2014合格品"``). The code part
    is returned stripped, otherwise as given; the grade in its form in ``GRADES``.
    """
    if not isinstance(text, str):
        return text, None
    stripped = text.strip()
    normal = unicodedata.normalize("NFKC", stripped).upper()
    for rx in (_GRADE_AFTER_SPACE_RE, _GRADE_AFTER_YEAR_RE):
        m = rx.match(normal)
        if m:
            # NFKC keeps the length of these characters, so the code is cut from the text as given
            code = stripped[: len(m["code"])] if len(normal) == len(stripped) else m["code"]
            return code.rstrip(), m["grade"]
    return stripped, None


def parse_declared(text: str) -> tuple[StandardCode, str | None]:
    """A declared standard (明示标准) as printed: its code and its grade, if any.

    ``StandardCodeError`` when the code part is not a code; when a code is followed by a word
    that is not one of ``GRADES``, the message says so.
    """
    code_text, grade = split_grade(text)
    try:
        return parse_code(code_text), grade
    except StandardCodeError as exc:
        head, _, tail = str(text).strip().rpartition(" ")
        if grade is None and head.strip() and tail:
            try:
                parse_code(head)
            except StandardCodeError:
                pass
            else:
                raise StandardCodeError(
                    str(text).strip(), f"“{tail}”不是可识别的等级（应为 {'、'.join(GRADES)} 之一）"
                ) from None
        raise exc from None


def normalize_code(text: str) -> str:
    """``"ＧＢ／Ｔ　14561—2019"`` → ``"GB/T 14561-2019"``."""
    return parse_code(text).full


def kind_of(code: str | StandardCode) -> str:
    """One of ``KINDS``, from the code alone."""
    return (code if isinstance(code, StandardCode) else parse_code(code)).kind


def kind_rank(code: str | StandardCode) -> int:
    """0 for mandatory national, then recommended, guidance, industry, local, group, enterprise."""
    return _RANK[kind_of(code)]


def is_national_or_industry(code: str | StandardCode) -> bool:
    return kind_of(code) in (MANDATORY_NATIONAL, RECOMMENDED_NATIONAL, GUIDANCE_NATIONAL, INDUSTRY)


T = TypeVar("T")


def national_first(codes: Iterable[T], key=None) -> list[T]:
    """Stable order: national before industry, mandatory ``GB`` before ``GB/T`` (then the rest)."""
    items = list(codes)
    get = key or (lambda c: c)
    return sorted(items, key=lambda c: kind_rank(get(c)))


def is_current(effective: dt.date, abolished: dt.date | None, on: dt.date) -> bool:
    """A version is current on ``on`` when ``effective <= on`` and (not abolished or ``abolished > on``)."""
    return effective <= on and (abolished is None or abolished > on)


class Versioned(Protocol):
    code: StandardCode
    effective: dt.date
    abolished: dt.date | None


V = TypeVar("V", bound=Versioned)


class VersionIndex(Generic[V]):
    """Every version of every standard, by base code (``GB/T 14561``), each list sorted by
    (effective date, year). Built once per evaluation, it answers :meth:`current` with a binary
    search over one standard's versions instead of a scan of the whole catalog.
    """

    __slots__ = ("_by_base", "_effective")

    def __init__(self, versions: Iterable[V]) -> None:
        by_base: dict[str, list[V]] = {}
        for v in versions:
            by_base.setdefault(v.code.base, []).append(v)
        for found in by_base.values():
            found.sort(key=_version_key)
        self._by_base = by_base
        self._effective = {base: [v.effective for v in found] for base, found in by_base.items()}

    def __contains__(self, base: object) -> bool:
        return base in self._by_base

    def versions(self, base: str) -> Sequence[V]:
        """The versions of ``base``, oldest first."""
        return tuple(self._by_base.get(base, ()))

    def current(self, base: str, on: dt.date) -> V | None:
        """The version of ``base`` current on ``on``; the latest effective if several."""
        found = self._by_base.get(base)
        if not found:
            return None
        # versions in force by ``on`` are found[:i]; the latest of them not abolished by then
        for v in reversed(found[: bisect_right(self._effective[base], on)]):
            if v.abolished is None or v.abolished > on:
                return v
        return None


def _version_key(v: Versioned) -> tuple[dt.date, int]:
    return (v.effective, v.code.year or 0)


def current_version(versions: VersionIndex[V] | Sequence[V], base: str, on: dt.date) -> V | None:
    """The version of ``base`` (``GB/T 14561``) current on ``on``; the latest effective if several.

    Pass a :class:`VersionIndex` built once when asking about many codes; a plain sequence is
    indexed for this one question.
    """
    index = versions if isinstance(versions, VersionIndex) else VersionIndex(versions)
    return index.current(base, on)
