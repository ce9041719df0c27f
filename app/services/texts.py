"""How a result's requirement, basis and method read in Chinese — one wording for the testing
page, the documents and the exports. No use case here: every service may import it."""

from __future__ import annotations

from app.errors import ValidationError
from app.rules.requirements import parse_requirement

CLAIM_SOURCE_LABELS = {"label": "标识", "instructions": "说明书", "advertising": "广告宣传", "sample": "实物"}


def requirement_text(req: dict | None) -> str:
    if not req:
        return ""
    try:
        return parse_requirement(req).render()
    except ValidationError:
        return str(req)


def basis_text(basis: dict | None) -> str:
    if not basis:
        return "无"
    if "code" in basis:
        clause = basis.get("clause")
        code = f"{basis['code']} {basis['grade']}" if basis.get("grade") else basis["code"]
        return f"{code} 第 {clause} 条" if clause else code
    if basis.get("source") == "panel":
        return "专家组验证评价"
    source = CLAIM_SOURCE_LABELS.get(basis.get("source", ""), basis.get("source", ""))
    return f"产品{source}明示的质量状况"


def method_text(method: dict | None) -> str:
    if not method:
        return ""
    clause = method.get("clause")
    return f"{method['code']} {clause}" if clause else method["code"]
