"""Expert panels (专家组), Article 5.

> 无法实施检验检测的，由专家组对产品质量安全状况进行验证评价。专家组成员原则上不少于 3 人。

Problems: ``too_few_members`` (fewer than 3 distinct members and no justification; with a
justification it is only the warning ``below_three_justified``), ``duplicate_member`` (the same
name twice), ``conflict_of_interest`` (a member works for the sampled or nominal enterprise).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from app.rules._input import as_list, as_object, as_opt_str, as_str, as_str_list, join, member

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


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def check_panel(members: list[Member], parties: list[str], justification: str | None) -> dict[str, Any]:
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
    party_keys = [(p, _key(p)) for p in parties if _key(p)]
    for m in members:
        aff = _key(m.affiliation)
        hit = next((p for p, pk in party_keys if aff and (aff == pk or pk in aff)), None)
        if hit is not None:
            if CONFLICT_OF_INTEREST not in problems:
                problems.append(CONFLICT_OF_INTEREST)
            details.append(
                {"code": CONFLICT_OF_INTEREST, "member": m.name, "reason": f"专家 {m.name} 的工作单位 {m.affiliation} 是当事企业 {hit}"}
            )
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
            )
        )
    parties = as_str_list(member(obj, "parties", "", required=False, default=[]) or [], "parties")
    justification = as_opt_str(obj.get("justification"), "justification")
    return check_panel(members, parties, justification)
