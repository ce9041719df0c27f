"""Choosing the basis standard of each test item (检验依据), Articles 16–17.

The steps, per item, in this order (each step that acts adds its clause to the item's trace):

1. Resolve versions (16 ¶3): a declared code without a year, or with a year the catalog does
   not hold, is the version current on the test date (``16.3``), unless ``version_evidence``
   names the version (``16.3-evidence``). Scheme standards resolve the same way, silently.
   A declared code may carry a grade (``GB/T 22849-2014 合格品``): the grade selects the
   item's per-grade requirement where the catalog has one, and is kept with the decision.
2. Base requirement: the strictest declared standard covering the item (``16.1``); with no
   declared standard, a published enterprise standard with evidence (``16.2-enterprise``);
   otherwise the same/similar product standard, national before industry, ``GB`` before
   ``GB/T`` (``16.2-similar``).
3. A mandatory national standard (``GB``) among the declared or scheme standards replaces a
   missing or less strict requirement (17 (一), ``17.1``).
4. An important performance item (重要性能指标) still without a basis takes it from the
   scheme standards (17 (二), ``17.2``).
5. An enterprise-defined method (``Q/…``) is replaced by the method of a national or industry
   scheme standard (17 (三), ``17.3``).
6. A stated quality (label, instructions, advertising, physical sample) stricter than the
   basis replaces it (16 ¶1, ``16.1-claim``).
7. No basis at the end: ``none`` — an expert panel (Article 5) or a person decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.rules._input import (
    as_date,
    as_list,
    as_object,
    as_opt_str,
    as_str,
    as_str_list,
    join,
    member,
)
from app.rules.errors import RuleInputError
from app.rules.requirements import Requirement, parse_requirement, same_allowed_set, stricter
from app.rules.standards import (
    KIND_NAMES_ZH,
    StandardCode,
    StandardCodeError,
    VersionIndex,
    is_current,
    is_national_or_industry,
    national_first,
    normalize_grade,
    parse_code,
    parse_declared,
    split_grade,
)

# Rule identifiers in the trace.
R_VERSION = "16.3"
R_VERSION_EVIDENCE = "16.3-evidence"
R_DECLARED = "16.1"
R_ENTERPRISE = "16.2-enterprise"
R_SIMILAR = "16.2-similar"
R_MANDATORY = "17.1"
R_IMPORTANT = "17.2"
R_METHOD = "17.3"
R_CLAIM = "16.1-claim"
R_NONE = "none"


# ---------------------------------------------------------------------------------------------
# Input


@dataclass(frozen=True, slots=True)
class Method:
    """A test method (检验方法): the standard's code as given and its clause."""

    code: str
    clause: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "clause": self.clause}


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """What one standard version says about one test item: clause, requirement and method.

    ``grades``: per-grade requirements (质量等级 → requirement); a declared grade picks its own,
    else ``requirement`` applies (which may then be absent: only the grades have one).
    """

    clause: str | None
    requirement: Requirement | None
    method: Method | None = None
    grades: Mapping[str, Requirement] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One version of one standard (标准版本), with its dates and the items it covers."""

    code: StandardCode
    code_text: str  # as given, for output
    effective: dt.date  # 实施日期
    abolished: dt.date | None  # 废止日期
    items: Mapping[str, ItemSpec]


@dataclass(frozen=True, slots=True)
class Claim:
    """A quality stated by the product itself (明示的质量状况), e.g. on its label."""

    item: str
    source: str  # label | instructions | advertising | sample
    requirement: Requirement


@dataclass(frozen=True, slots=True)
class SelectionInput:
    test_date: dt.date  # 检验日期
    declared: Sequence[str]  # 明示标准, as given
    items: Sequence[str]  # 检验项目
    catalog: Sequence[CatalogEntry]
    version_evidence: Mapping[str, str] = field(default_factory=dict)
    published_enterprise_standard: str | None = None  # 公示的企业标准 (with evidence)
    similar_standards: Sequence[str] = ()  # 同类/类似产品国家标准或行业标准 (scheme)
    important_items: Sequence[str] = ()  # 重要性能指标
    claims: Sequence[Claim] = ()


def _code(text: str, path: str) -> StandardCode:
    try:
        return parse_code(text)
    except StandardCodeError as exc:
        raise RuleInputError(path, exc.message) from None


def _clause(value: object, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return as_str(value, path, allow_empty=True) or None


def _method(value: object, path: str) -> Method | None:
    if value is None:
        return None
    obj = as_object(value, path)
    code = as_str(member(obj, "code", path), join(path, "code"))
    return Method(code=code, clause=_clause(obj.get("clause"), join(path, "clause")))


def _catalog_entry(value: object, path: str) -> CatalogEntry:
    obj = as_object(value, path)
    code_text = as_str(member(obj, "code", path), join(path, "code"))
    code = _code(code_text, join(path, "code"))
    effective = as_date(member(obj, "effective", path), join(path, "effective"))
    abolished_raw = member(obj, "abolished", path, required=False)
    abolished = None if abolished_raw is None else as_date(abolished_raw, join(path, "abolished"))
    if abolished is not None and abolished < effective:
        raise RuleInputError(join(path, "abolished"), f"废止日期 {abolished} 早于实施日期 {effective}")
    items_path = join(path, "items")
    items_obj = as_object(member(obj, "items", path), items_path)
    items: dict[str, ItemSpec] = {}
    for name, spec in items_obj.items():
        spath = f"{items_path}.{name}"
        sobj = as_object(spec, spath)
        grades = _grades(sobj.get("grades"), join(spath, "grades"))
        raw_requirement = member(sobj, "requirement", spath, required=not grades)
        items[name.strip()] = ItemSpec(
            clause=_clause(sobj.get("clause"), join(spath, "clause")),
            requirement=None if raw_requirement is None and grades else parse_requirement(
                raw_requirement, join(spath, "requirement")),
            method=_method(sobj.get("method"), join(spath, "method")),
            grades=grades,
        )
    return CatalogEntry(code, code_text, effective, abolished, items)


def _grades(value: object, path: str) -> dict[str, Requirement]:
    """``{"合格品": REQUIREMENT, ...}`` of a catalog item (absent or null: none)."""
    if value is None:
        return {}
    out: dict[str, Requirement] = {}
    for key, requirement in as_object(value, path).items():
        grade = normalize_grade(key) if isinstance(key, str) else ""
        if not grade:
            raise RuleInputError(path, "等级名称不能为空")
        if grade in out:
            raise RuleInputError(join(path, key), f"等级 {grade} 重复")
        out[grade] = parse_requirement(requirement, join(path, key))
    return out


def _declared(text: str, path: str) -> tuple[StandardCode, str | None]:
    """A declared code with its grade, if any (``spec/RULES.md`` §2)."""
    try:
        return parse_declared(text)
    except StandardCodeError as exc:
        raise RuleInputError(path, exc.message) from None


def parse_selection_input(payload: object) -> SelectionInput:
    """Read the ``riskmon rules standard`` input; ``RuleInputError`` names the offending field."""
    obj = as_object(payload, "")
    test_date = as_date(member(obj, "test_date", ""), "test_date")
    declared = as_str_list(member(obj, "declared", ""), "declared")
    for i, text in enumerate(declared):
        _declared(text, f"declared[{i}]")
    items = as_str_list(member(obj, "items", ""), "items")
    catalog_list = as_list(member(obj, "catalog", ""), "catalog")
    catalog = [_catalog_entry(v, f"catalog[{i}]") for i, v in enumerate(catalog_list)]
    seen: dict[str, int] = {}
    for i, entry in enumerate(catalog):
        if entry.code.full in seen:
            raise RuleInputError(f"catalog[{i}].code", f"{entry.code.full} 与 catalog[{seen[entry.code.full]}] 重复")
        seen[entry.code.full] = i

    evidence_raw = obj.get("version_evidence")
    evidence: dict[str, str] = {}
    if evidence_raw is not None:
        for key, value in as_object(evidence_raw, "version_evidence").items():
            kpath = f"version_evidence.{key}"
            _code(key, kpath)
            text = as_str(value, kpath)
            _code(text, kpath)
            evidence[key] = text

    enterprise = as_opt_str(obj.get("published_enterprise_standard"), "published_enterprise_standard")
    if enterprise is not None:
        _code(enterprise, "published_enterprise_standard")
    similar = as_str_list(obj.get("similar_standards") or [], "similar_standards")
    for i, text in enumerate(similar):
        _code(text, f"similar_standards[{i}]")
    important = as_str_list(obj.get("important_items") or [], "important_items")

    claims: list[Claim] = []
    for i, raw in enumerate(as_list(obj.get("claims") or [], "claims")):
        cpath = f"claims[{i}]"
        cobj = as_object(raw, cpath)
        claims.append(
            Claim(
                item=as_str(member(cobj, "item", cpath), join(cpath, "item")),
                source=as_str(member(cobj, "source", cpath), join(cpath, "source")),
                requirement=parse_requirement(member(cobj, "requirement", cpath), join(cpath, "requirement")),
            )
        )
    return SelectionInput(
        test_date=test_date,
        declared=declared,
        items=items,
        catalog=catalog,
        version_evidence=evidence,
        published_enterprise_standard=enterprise,
        similar_standards=similar,
        important_items=important,
        claims=claims,
    )


# ---------------------------------------------------------------------------------------------
# Output


@dataclass(frozen=True, slots=True)
class StandardBasis:
    """The basis is a clause of a standard version."""

    code: str
    clause: str | None
    requirement: Requirement

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "clause": self.clause, "requirement": self.requirement.to_dict()}


@dataclass(frozen=True, slots=True)
class ClaimBasis:
    """The basis is the product's own stated quality (16 ¶1, second sentence)."""

    source: str
    requirement: Requirement

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "requirement": self.requirement.to_dict()}


Basis = StandardBasis | ClaimBasis


@dataclass(frozen=True, slots=True)
class SelectionWarning:
    """Something a person must look at; ``reason`` is Chinese."""

    reason: str
    item: str | None = None
    code: str | None = None
    rule: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item, "code": self.code, "rule": self.rule, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ItemDecision:
    item: str
    rules: tuple[str, ...]
    basis: Basis | None
    method: Method | None
    grade: str | None = None  # the declared grade, when the basis came from a declaration that has one

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "rules": list(self.rules),
            "basis": self.basis.to_dict() if self.basis else None,
            "method": self.method.to_dict() if self.method else None,
            "grade": self.grade,
            "requirement_text": self.basis.requirement.render() if self.basis else None,
        }


@dataclass(frozen=True, slots=True)
class SelectionResult:
    items: tuple[ItemDecision, ...]
    warnings: tuple[SelectionWarning, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"items": [d.to_dict() for d in self.items], "warnings": [w.to_dict() for w in self.warnings]}


# ---------------------------------------------------------------------------------------------
# The rule


@dataclass(slots=True)
class _Resolved:
    given: str
    code: StandardCode
    entry: CatalogEntry | None
    rule: str | None  # 16.3 / 16.3-evidence for declared standards
    grade: str | None = None  # a declared grade (质量等级)


class _Warnings:
    def __init__(self) -> None:
        self.items: list[SelectionWarning] = []
        self._seen: set[SelectionWarning] = set()

    def add(self, reason: str, *, item: str | None = None, code: str | None = None, rule: str | None = None) -> None:
        w = SelectionWarning(reason=reason, item=item, code=code, rule=rule)
        if w not in self._seen:
            self._seen.add(w)
            self.items.append(w)


class _CatalogIndex:
    """The catalog indexed once per evaluation: by full code, and by base code and date."""

    def __init__(self, catalog: Sequence[CatalogEntry]) -> None:
        self.by_full = {e.code.full: e for e in catalog}
        self.versions: VersionIndex[CatalogEntry] = VersionIndex(catalog)

    def current(self, code: StandardCode, on: dt.date) -> CatalogEntry | None:
        return self.versions.current(code.base, on)


def _resolve_declared(
    given: str, inp: SelectionInput, index: _CatalogIndex, warnings: _Warnings
) -> _Resolved:
    """A declared standard, with its grade split off (``GB/T 22849-2014 合格品``)."""
    code_text, grade = split_grade(given)
    resolved = _resolve(
        given, inp, index, warnings, role="明示标准", evidence=inp.version_evidence, code_text=code_text
    )
    resolved.grade = grade
    return resolved


def _resolve(
    given: str,
    inp: SelectionInput,
    index: _CatalogIndex,
    warnings: _Warnings,
    *,
    role: str,
    evidence: Mapping[str, str] | None,
    code_text: str | None = None,
) -> _Resolved:
    code = parse_code(code_text if code_text is not None else given)
    date = inp.test_date
    if code.year is not None and code.full in index.by_full:
        entry = index.by_full[code.full]
        if not is_current(entry.effective, entry.abolished, date):
            current = index.current(code, date)
            state = (
                f"已于 {entry.abolished.isoformat()} 废止"
                if entry.abolished is not None and entry.abolished <= date
                else f"于 {entry.effective.isoformat()} 才实施"
            )
            hint = f"，检验日期现行有效版本为 {current.code_text}" if current else "，且没有现行有效版本"
            warnings.add(
                f"{role} {given} {state}（检验日期 {date.isoformat()}）{hint}；仍按{role}的版本，请人工确认",
                code=given,
            )
        return _Resolved(given, code, entry, None)

    if evidence is not None:
        for key, value in evidence.items():
            kcode = parse_code(key)
            if kcode.full == code.full or kcode.base == code.base:
                vcode = parse_code(value)
                entry = index.by_full.get(vcode.full)
                if vcode.base != code.base:
                    warnings.add(f"版本证据把 {given} 指向另一标准 {value}，未采用", code=given, rule=R_VERSION_EVIDENCE)
                    break
                if entry is None:
                    warnings.add(
                        f"版本证据指明的 {value} 不在标准目录中，无法确定 {given} 的技术要求",
                        code=given,
                        rule=R_VERSION_EVIDENCE,
                    )
                    return _Resolved(given, code, None, None)
                return _Resolved(given, code, entry, R_VERSION_EVIDENCE)

    current = index.current(code, date)
    if current is None:
        missing = "标准目录中没有该标准" if code.base not in index.versions else "没有检验日期现行有效的版本"
        warnings.add(f"{role} {given}：{missing}（检验日期 {date.isoformat()}）", code=given, rule=R_VERSION)
        return _Resolved(given, code, None, None)
    if code.year is not None:
        warnings.add(
            f"{role} {given} 不在标准目录中，按检验日期现行有效版本 {current.code_text}", code=given, rule=R_VERSION
        )
    return _Resolved(given, code, current, R_VERSION if evidence is not None else None)


def _strictest(
    candidates: Sequence[tuple[_Resolved, ItemSpec]], item: str, warnings: _Warnings, rule: str
) -> tuple[_Resolved, ItemSpec]:
    """The strictest candidate; ties (and incomparable ones) keep the earlier."""
    best = candidates[0]
    for cand in candidates[1:]:
        verdict = stricter(cand[1].requirement, best[1].requirement)
        if verdict is None:
            warnings.add(
                f"{cand[0].entry.code_text}（{cand[1].requirement}）与 {best[0].entry.code_text}"
                f"（{best[1].requirement}）的要求无法比较（单位不同或为文字要求），按先后顺序采用 {best[0].entry.code_text}",
                item=item,
                rule=rule,
            )
        elif verdict:
            best = cand
    return best


def select_standards(inp: SelectionInput) -> SelectionResult:
    """Apply Articles 16–17 to every item of ``inp``."""
    warnings = _Warnings()
    index = _CatalogIndex(inp.catalog)  # once per evaluation: each code is then a lookup, not a scan

    declared = [_resolve_declared(g, inp, index, warnings) for g in inp.declared]
    enterprise = (
        _resolve(inp.published_enterprise_standard, inp, index, warnings, role="公示的企业标准", evidence=None)
        if inp.published_enterprise_standard
        else None
    )
    similar_all = [_resolve(g, inp, index, warnings, role="同类产品标准", evidence=None) for g in inp.similar_standards]
    similar: list[_Resolved] = []
    for r in similar_all:
        if not is_national_or_industry(r.code):
            warnings.add(
                f"同类产品标准 {r.given} 是{KIND_NAMES_ZH[r.code.kind]}，不是国家标准或行业标准，未采用", code=r.given
            )
        elif r.entry is not None:
            similar.append(r)
    similar = national_first(similar, key=lambda r: r.code)
    mandatory: list[_Resolved] = []
    for r in [*declared, *similar]:
        if r.entry is not None and r.code.is_mandatory_national and all(m.entry is not r.entry for m in mandatory):
            mandatory.append(r)

    known_items = set(inp.items)
    for claim in inp.claims:
        if claim.item not in known_items:
            warnings.add(f"明示质量状况所述项目 {claim.item} 不在检验项目中，未使用", item=claim.item, rule=R_CLAIM)

    decisions: list[ItemDecision] = []
    seen: set[str] = set()
    for item in inp.items:
        if item in seen:
            continue
        seen.add(item)
        decisions.append(_decide(item, inp, declared, enterprise, similar, mandatory, warnings))
    return SelectionResult(tuple(decisions), tuple(warnings.items))


def _spec_for(r: _Resolved, item: str, warnings: _Warnings) -> ItemSpec | None:
    """What ``r`` requires of ``item``: the declared grade's requirement where the catalog has one,
    else the item's requirement; None when the standard does not cover the item (for that grade)."""
    if r.entry is None:
        return None
    spec = r.entry.items.get(item)
    if spec is None:
        return None
    if r.grade is not None and spec.grades:
        graded = spec.grades.get(r.grade)
        if graded is not None:
            return ItemSpec(spec.clause, graded, spec.method, spec.grades)
        known = "、".join(spec.grades)
        if spec.requirement is None:
            warnings.add(
                f"{r.entry.code_text} 对 {item} 只规定了 {known} 的要求，没有明示等级“{r.grade}”的要求，未采用",
                item=item,
                code=r.given,
            )
            return None
        warnings.add(
            f"{r.entry.code_text} 对 {item} 没有明示等级“{r.grade}”的单独要求（有 {known}），按通用要求",
            item=item,
            code=r.given,
        )
    if spec.requirement is None:
        warnings.add(
            f"{r.entry.code_text} 对 {item} 按等级（{'、'.join(spec.grades)}）规定要求，{r.given} 未标明等级，未采用",
            item=item,
            code=r.given,
        )
        return None
    return spec


def _covering(resolved: Sequence[_Resolved], item: str, warnings: _Warnings) -> list[tuple[_Resolved, ItemSpec]]:
    out = []
    for r in resolved:
        spec = _spec_for(r, item, warnings)
        if spec is not None:
            out.append((r, spec))
    return out


def _basis_of(r: _Resolved, spec: ItemSpec) -> StandardBasis:
    assert r.entry is not None and spec.requirement is not None
    return StandardBasis(code=r.entry.code_text, clause=spec.clause, requirement=spec.requirement)


def _method_is_enterprise(method: Method) -> bool:
    try:
        return parse_code(method.code).is_enterprise
    except StandardCodeError:
        return False


def _decide(
    item: str,
    inp: SelectionInput,
    declared: list[_Resolved],
    enterprise: _Resolved | None,
    similar: list[_Resolved],
    mandatory: list[_Resolved],
    warnings: _Warnings,
) -> ItemDecision:
    rules: list[str] = []
    basis: Basis | None = None
    method: Method | None = None
    grade: str | None = None  # the grade of the declaration the basis came from

    # Step 2: the base requirement (steps 1's 16.3 rules are listed when the base comes from it).
    if inp.declared:
        covering = _covering(declared, item, warnings)
        if covering:
            chosen, spec = _strictest(covering, item, warnings, R_DECLARED)
            if chosen.rule:
                rules.append(chosen.rule)
            rules.append(R_DECLARED)
            basis, method, grade = _basis_of(chosen, spec), spec.method, chosen.grade
    elif enterprise is not None:
        covering = _covering([enterprise], item, warnings)
        if covering:
            chosen, spec = covering[0]
            rules.append(R_ENTERPRISE)
            basis, method = _basis_of(chosen, spec), spec.method
    else:
        covering = _covering(similar, item, warnings)
        if covering:
            chosen, spec = covering[0]
            rules.append(R_SIMILAR)
            basis, method = _basis_of(chosen, spec), spec.method

    # Step 3: a mandatory national standard replaces a missing or less strict requirement (17 (一)).
    gb_covering = _covering(mandatory, item, warnings)
    if gb_covering:
        gb, gb_spec = _strictest(gb_covering, item, warnings, R_MANDATORY)
        replace = basis is None
        if basis is not None:
            verdict = stricter(gb_spec.requirement, basis.requirement)
            if verdict is None:
                warnings.add(
                    f"强制性国家标准 {gb.entry.code_text} 的要求（{gb_spec.requirement}）与现依据 "
                    f"{_basis_name(basis)}（{basis.requirement}）无法比较（单位不同或为文字要求），未替换，请人工判断",
                    item=item,
                    rule=R_MANDATORY,
                )
            elif verdict:
                replace = True
            elif not same_allowed_set(gb_spec.requirement, basis.requirement) and not stricter(
                basis.requirement, gb_spec.requirement
            ):
                warnings.add(
                    f"现依据 {_basis_name(basis)}（{basis.requirement}）与强制性国家标准 {gb.entry.code_text}"
                    f"（{gb_spec.requirement}）的允许范围互不包含，未替换，请人工判断",
                    item=item,
                    rule=R_MANDATORY,
                )
        if replace:
            rules.append(R_MANDATORY)
            basis, method, grade = _basis_of(gb, gb_spec), gb_spec.method, gb.grade

    # Step 4: an important performance item still without a basis (17 (二)).
    if basis is None and item in inp.important_items:
        covering = _covering(similar, item, warnings)
        if covering:
            chosen, spec = covering[0]
            rules.append(R_IMPORTANT)
            basis, method = _basis_of(chosen, spec), spec.method

    # Step 5: an enterprise-defined method is replaced by a national or industry one (17 (三)).
    if method is not None and _method_is_enterprise(method):
        replacement = next(
            (
                spec.method
                for _, spec in _covering(similar, item, warnings)
                if spec.method is not None and not _method_is_enterprise(spec.method)
            ),
            None,
        )
        if replacement is not None:
            rules.append(R_METHOD)
            method = replacement
        else:
            warnings.add(
                f"检验方法 {method.code} 为企业自定方法，同类产品的国家标准或行业标准中没有该项目的方法，暂保留，请人工确认",
                item=item,
                rule=R_METHOD,
            )

    # Step 6: a stated quality stricter than the basis replaces it (16 ¶1, second sentence).
    claims = [c for c in inp.claims if c.item == item]
    if claims:
        if basis is None:
            warnings.add(
                "有明示的质量状况，但没有可比较的标准依据，不能据此单独判定，请人工决定", item=item, rule=R_CLAIM
            )
        else:
            best: Basis = basis
            for claim in claims:
                verdict = stricter(claim.requirement, best.requirement)
                if verdict is None:
                    warnings.add(
                        f"明示的质量状况（{claim.source}：{claim.requirement}）与依据 {_basis_name(best)}"
                        f"（{best.requirement}）无法比较（单位不同或为文字要求），未采用",
                        item=item,
                        rule=R_CLAIM,
                    )
                elif verdict:
                    best = ClaimBasis(source=claim.source, requirement=claim.requirement)
            if best is not basis:
                rules.append(R_CLAIM)
                basis, grade = best, None

    # Step 7: nothing found.
    if basis is None:
        return ItemDecision(item=item, rules=(R_NONE,), basis=None, method=None)
    return ItemDecision(item=item, rules=tuple(rules), basis=basis, method=method, grade=grade)


def _basis_name(basis: Basis) -> str:
    if isinstance(basis, StandardBasis):
        return basis.code
    return f"明示的质量状况（{basis.source}）"


__all__ = [
    "CatalogEntry",
    "Claim",
    "ClaimBasis",
    "ItemDecision",
    "ItemSpec",
    "Method",
    "SelectionInput",
    "SelectionResult",
    "SelectionWarning",
    "StandardBasis",
    "parse_selection_input",
    "select_standards",
]
