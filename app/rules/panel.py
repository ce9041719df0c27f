"""Expert panels (专家组), Article 5.

> 无法实施检验检测的，由专家组对产品质量安全状况进行验证评价。专家组成员原则上不少于 3 人。

Problems: ``too_few_members`` (fewer than 3 distinct members and no justification; with a
justification it is only the warning ``below_three_justified``), ``duplicate_member`` (the same
name twice), ``conflict_of_interest`` (a member works for the sampled or nominal enterprise).

A member's employer (工作单位) is matched with each party by unified social credit code when both
are given, else by name: the same name, the same *normalised* name (NFKC, no spaces or brackets and
what they hold, no leading province/city/county, no company form such as 有限公司), or one normalised
name holding the other when the shorter has at least four characters. Near matches are flagged and
said, for a person to judge; they are never passed silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from app.rules._input import as_list, as_object, as_opt_str, as_str, join, member

MIN_MEMBERS = 3
TOO_FEW_MEMBERS = "too_few_members"
BELOW_THREE_JUSTIFIED = "below_three_justified"
DUPLICATE_MEMBER = "duplicate_member"
CONFLICT_OF_INTEREST = "conflict_of_interest"


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    affiliation: str  # 工作单位
    title: str  # 职称
    uscc: str | None = None  # 工作单位的统一社会信用代码, when known


@dataclass(frozen=True, slots=True)
class Party:
    """A sampled or nominal enterprise (被抽样单位、标称生产企业)."""

    name: str
    uscc: str | None = None


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


# Province-level names (bare form first, then the full forms that end in it), Hubei's cities,
# prefectures and a few districts whose names are longer than two characters. A full form
# (湖北省, 武汉市) is read as its bare form (湖北, 武汉) first.
_PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门",
)
_HUBEI_PLACES = (
    "武汉", "黄石", "十堰", "宜昌", "襄阳", "鄂州", "荆门", "孝感", "荆州", "黄冈", "咸宁", "随州", "恩施", "仙桃",
    "潜江", "天门", "神农架", "大冶", "阳新", "丹江口", "宜都", "枝江", "当阳", "老河口", "枣阳", "宜城", "钟祥",
    "京山", "应城", "安陆", "汉川", "石首", "松滋", "监利", "洪湖", "麻城", "武穴", "赤壁", "广水", "利川",
    "东西湖", "西塞山", "黄石港", "汉阳", "江岸", "江汉", "硚口", "武昌", "青山", "洪山", "蔡甸", "江夏", "黄陂",
    "新洲", "汉南",
)
_PLACES = tuple(sorted({*_PROVINCES, *_HUBEI_PLACES}, key=len, reverse=True))  # longest first
_ADMIN_SUFFIXES = (
    "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "土家族苗族自治州", "自治州", "林区", "新区",
    "省", "市", "区", "县",
)
# Any other division: two Chinese characters and 省/市/区/县 (大冶市, 阳新县); longer unknown names are
# not guessed at (东湖景区… is not a place).
_GENERAL_DIVISION = re.compile(r"^[\u4e00-\u9fff]{2}[省市区县]")
_COMPANY_FORMS = (
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "分公司", "总公司", "公司", "集团", "总厂", "分厂", "厂",
)
_BRACKETS = re.compile(r"[(\[【〔{<《][^)\]】〕}>》]*[)\]】〕}>》]")
MIN_REMAINDER = 3  # a place is stripped only when at least this much of the name is left
MIN_CONTAINED = 4  # one normalised name inside the other counts when the shorter is this long


def normalize_enterprise_name(text: str) -> str:
    """The comparable core of an enterprise or employer name (企业名称的字号与行业部分).

    ``黄石市裕润纺织品有限公司`` and ``裕润纺织品（黄石）有限公司`` both give ``裕润纺织品``. A place is
    stripped from the front only when at least three characters are left (``武汉大学`` stays whole).
    """
    name = _BRACKETS.sub("", "".join(unicodedata.normalize("NFKC", text).split())).casefold()
    for _ in range(4):  # company forms at the end: 集团有限公司 → 集团 → ""
        form = next((f for f in _COMPANY_FORMS if name.endswith(f) and len(name) - len(f) >= 2), None)
        if form is None:
            break
        name = name[: -len(form)]
    for _ in range(4):  # places at the front: 湖北省武汉市… → 武汉市… → …
        split = _split_place(name)
        if split is None:
            break
        place, rest = split
        if len(rest) < MIN_REMAINDER:
            name = place + rest  # too little left to strip: the full form reads as the bare one (黄石市裕润 → 黄石裕润)
            break
        name = rest
    return name


def _split_place(name: str) -> tuple[str, str] | None:
    """(the place as a bare name, the rest) when ``name`` starts with a place."""
    for place in _PLACES:
        if name.startswith(place):
            rest = name[len(place):]
            suffix = next((x for x in _ADMIN_SUFFIXES if rest.startswith(x)), "")
            return place, rest[len(suffix):]
    m = _GENERAL_DIVISION.match(name)
    return (name[: m.end()], name[m.end():]) if m else None


def _uscc_key(code: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", code or "").split()).upper()


def conflict_reason(member: Member, party: Party) -> str | None:
    """Why ``member``'s employer is ``party`` (Chinese), or None when it is not."""
    m_code, p_code = _uscc_key(member.uscc), _uscc_key(party.uscc)
    if m_code and p_code:
        if m_code == p_code:
            return f"专家 {member.name} 的工作单位（统一社会信用代码 {m_code}）是当事企业 {party.name}"
        return None
    aff, pk = _key(member.affiliation), _key(party.name)
    if not aff or not pk:
        return None
    if aff == pk or (len(pk) >= MIN_CONTAINED and pk in aff):
        return f"专家 {member.name} 的工作单位 {member.affiliation} 是当事企业 {party.name}"
    a, p = normalize_enterprise_name(member.affiliation), normalize_enterprise_name(party.name)
    if len(a) >= 2 and a == p:
        return (f"专家 {member.name} 的工作单位 {member.affiliation} 与当事企业 {party.name} 名称实质相同"
                f"（除去地名和企业组织形式均为“{a}”），视为利益冲突，请核实")
    short, long_ = sorted((a, p), key=len)
    if len(short) >= MIN_CONTAINED and short in long_:
        return (f"专家 {member.name} 的工作单位 {member.affiliation} 与当事企业 {party.name} 名称相近"
                f"（“{long_}”包含“{short}”），视为利益冲突，请核实")
    return None


def check_panel(members: list[Member], parties: list[str | Party], justification: str | None) -> dict[str, Any]:
    problems: list[str] = []
    warnings: list[str] = []
    details: list[dict[str, Any]] = []
    names = [_key(m.name) for m in members]
    distinct = len(set(names))
    if distinct < MIN_MEMBERS:
        if justification:
            warnings.append(BELOW_THREE_JUSTIFIED)
            details.append({"code": BELOW_THREE_JUSTIFIED, "reason": f"专家组仅 {distinct} 人，少于 3 人，已说明理由"})
        else:
            problems.append(TOO_FEW_MEMBERS)
            details.append({"code": TOO_FEW_MEMBERS, "reason": f"专家组仅 {distinct} 人，原则上不少于 3 人，且未说明理由"})
    seen: set[str] = set()
    for m, key in zip(members, names, strict=True):
        if key in seen:
            if DUPLICATE_MEMBER not in problems:
                problems.append(DUPLICATE_MEMBER)
            details.append({"code": DUPLICATE_MEMBER, "member": m.name, "reason": f"专家 {m.name} 重复列出"})
        seen.add(key)
    named_parties = [p if isinstance(p, Party) else Party(p) for p in parties]
    named_parties = [p for p in named_parties if _key(p.name) or _uscc_key(p.uscc)]
    for m in members:
        reason = next((r for p in named_parties if (r := conflict_reason(m, p)) is not None), None)
        if reason is not None:
            if CONFLICT_OF_INTEREST not in problems:
                problems.append(CONFLICT_OF_INTEREST)
            details.append({"code": CONFLICT_OF_INTEREST, "member": m.name, "reason": reason})
    return {"valid": not problems, "problems": problems, "warnings": warnings, "details": details}


def panel_from_payload(payload: object) -> dict[str, Any]:
    obj = as_object(payload, "")
    members: list[Member] = []
    for i, raw in enumerate(as_list(member(obj, "members", ""), "members")):
        path = f"members[{i}]"
        mobj = as_object(raw, path)
        members.append(
            Member(
                name=as_str(member(mobj, "name", path), join(path, "name")),
                affiliation=as_str(member(mobj, "affiliation", path), join(path, "affiliation"), allow_empty=True),
                title=as_str(mobj.get("title") or "", join(path, "title"), allow_empty=True),
                uscc=as_opt_str(mobj.get("uscc"), join(path, "uscc")),
            )
        )
    parties: list[str | Party] = []
    for i, raw in enumerate(as_list(member(obj, "parties", "", required=False, default=[]) or [], "parties")):
        path = f"parties[{i}]"
        if isinstance(raw, str):
            parties.append(raw)
        else:  # {"name", "uscc"}: a party with its unified social credit code
            pobj = as_object(raw, path)
            parties.append(Party(name=as_str(member(pobj, "name", path), join(path, "name"), allow_empty=True),
                                 uscc=as_opt_str(pobj.get("uscc"), join(path, "uscc"))))
    justification = as_opt_str(obj.get("justification"), "justification")
    return check_panel(members, parties, justification)
