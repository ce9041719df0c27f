"""Who must be told of problems found (告知), Article 18 ¶2.

> 风险监测结果表明存在问题的，……告知被抽检生产者、销售者。在实体销售者处抽样的，应当告知
> 产品标称生产企业，在电商平台抽样的，还应同时告知产品标称生产企业和电商平台经营者。

The list is in the order: the sampled party, the nominal producer (标称生产企业), the platform
operator (电商平台经营者). Parties with the same USCC are told once, at the first place, with
all their roles. A party registered outside Hubei (USCC division not ``42…``) is marked
``out_of_province`` (Article 23 (二): case leads go to that province's regulator).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.rules import uscc as uscc_rules
from app.rules._input import as_bool, as_choice, as_object, as_str, join, member
from app.rules.errors import RuleInputError, describe

PLACES = ("producer", "physical_seller", "e_platform")  # 抽样场所: 生产者 | 实体销售者 | 电商平台
ROLE_SAMPLED_PRODUCER = "sampled_producer"  # 被抽样生产者
ROLE_SAMPLED_SELLER = "sampled_seller"  # 被抽样销售者
ROLE_NOMINAL_PRODUCER = "nominal_producer"  # 标称生产企业
ROLE_PLATFORM_OPERATOR = "platform_operator"  # 电商平台经营者

PARTY_NAMES_ZH = {"sampled": "被抽样单位", "nominal_producer": "标称生产企业", "platform_operator": "电商平台经营者"}


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    uscc: str  # 统一社会信用代码, normalised


@dataclass(frozen=True, slots=True)
class Notice:
    roles: tuple[str, ...]
    name: str
    uscc: str
    out_of_province: bool

    def to_dict(self) -> dict[str, Any]:
        return {"roles": list(self.roles), "name": self.name, "uscc": self.uscc, "out_of_province": self.out_of_province}


def required_parties(place: str) -> list[tuple[str, str]]:
    """(input key, role) of the parties the place requires, in notification order."""
    if place == "producer":
        return [("sampled", ROLE_SAMPLED_PRODUCER)]
    if place == "physical_seller":
        return [("sampled", ROLE_SAMPLED_SELLER), ("nominal_producer", ROLE_NOMINAL_PRODUCER)]
    return [
        ("sampled", ROLE_SAMPLED_SELLER),
        ("nominal_producer", ROLE_NOMINAL_PRODUCER),
        ("platform_operator", ROLE_PLATFORM_OPERATOR),
    ]


def parties_to_notify(place: str, parties: dict[str, Party]) -> list[Notice]:
    """The notices for a sample from ``place`` whose monitoring found problems."""
    merged: dict[str, list[Any]] = {}
    order: list[str] = []
    for key, role in required_parties(place):
        party = parties[key]
        if party.uscc in merged:
            merged[party.uscc][0].append(role)
        else:
            merged[party.uscc] = [[role], party]
            order.append(party.uscc)
    notices = []
    for code in order:
        roles, party = merged[code]
        division = uscc_rules.division_of(code)
        notices.append(Notice(tuple(roles), party.name, code, not (division or "").startswith("42")))
    return notices


def _party(obj: Any, key: str) -> Party:
    if key not in obj or obj[key] is None:
        raise RuleInputError(key, f"抽样场所要求告知{PARTY_NAMES_ZH[key]}，但输入中缺少 {key}")
    pobj = as_object(obj[key], key)
    name = as_str(member(pobj, "name", key), join(key, "name"))
    raw = as_str(member(pobj, "uscc", key), join(key, "uscc"))
    code = uscc_rules.normalize(raw)
    if len(code) != 18 or uscc_rules.division_of(code) is None:
        raise RuleInputError(
            join(key, "uscc"), f"统一社会信用代码 {describe(raw)} 应为 18 位且第 3–8 位为行政区划数字"
        )
    return Party(name, code)


def notify_from_payload(payload: object) -> dict[str, Any]:
    obj = as_object(payload, "")
    problems = as_bool(member(obj, "problems_found", ""), "problems_found")
    place = as_choice(member(obj, "place", ""), "place", PLACES)
    if not problems:
        return {"notify": [], "warnings": []}
    parties = {key: _party(obj, key) for key, _ in required_parties(place)}
    warnings = []
    for key, party in parties.items():
        result = uscc_rules.validate(party.uscc)
        if not result.valid:
            warnings.append(f"{PARTY_NAMES_ZH[key]} {party.name} 的统一社会信用代码无效：{result.reason}")
    return {"notify": [n.to_dict() for n in parties_to_notify(place, parties)], "warnings": warnings}
