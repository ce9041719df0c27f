"""Region names of enterprises (地区): Hubei's cities from the division digits of a USCC or a region
code, ``省外（…）`` outside Hubei. Shared by the documents and 风险研判 (``intelligence``)."""

from __future__ import annotations

from app import ruledata
from app.rules import uscc as uscc_rules

#: Province-level divisions (GB/T 2260, first two digits) and Hubei's prefectures (first four).
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}
#: from ``resources/rules/hubei_divisions.json`` (an administrator can update it)
HUBEI_PREFECTURES, HUBEI_COUNTY_CITIES, _HUBEI_OTHER = ruledata.load_hubei_divisions()


def region_name(division: str | None) -> str:
    """``武汉市`` for a Hubei division code, ``省外（广东省）`` outside Hubei, ``""`` when unknown."""
    if not division or len(division) < 2 or not division[:2].isdigit():
        return ""
    if division.startswith(uscc_rules.HUBEI_PREFIX):
        if division[:6] in HUBEI_COUNTY_CITIES:
            return HUBEI_COUNTY_CITIES[division[:6]]
        return HUBEI_PREFECTURES.get(division[:4], _HUBEI_OTHER if division[:4] == "4290" else "湖北省")
    return f"省外（{PROVINCES.get(division[:2], '其他')}）"
