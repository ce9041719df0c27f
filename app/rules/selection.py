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
# What a person sees for ``none`` wherever rule codes are shown: the code itself never reaches a user.
NO_BASIS_LABEL = "无判定依据（需专家组评价）"


# How the trace's codes are shown to people: the clause, and which of its cases where a clause has two.
RULE_LABELS = {
    R_NONE: NO_BASIS_LABEL,
    R_ENTERPRISE: "16.2（企业标准）",
    R_SIMILAR: "16.2（同类产品标准）",
    R_VERSION_EVIDENCE: "16.3（版本证据）",
    R_CLAIM: "16.1（明示的质量状况）",
}


def rule_label(rule: str) -> str:
    """A trace entry as shown to people: the clause (``16.1``, ``16.2（同类产品标准）``), or the words
    for ``none``; the codes of the JSON contract (``16.2-similar``) never reach a user."""
    return RULE_LABELS.get(rule, rule)


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


CHOSEN = "chosen"
REPLACED = "replaced"
REJECTED = "rejected"
NOT_COVERED = "未涵盖该项目"
# The steps in the order they act on an item; the candidates are listed in this order.
STEP_ORDER = (R_VERSION, R_DECLARED, R_ENTERPRISE, R_SIMILAR, R_MANDATORY, R_IMPORTANT, R_METHOD, R_CLAIM)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One standard or stated quality that a step judged for an item, for the 依据说明 view.

    Exactly one of ``code`` (a standard, the resolved version where there is one) and ``source``
    (a claim: label | instructions | advertising | sample) is set; ``outcome`` is chosen, replaced
    (chosen, then replaced by a later step) or rejected; ``reason`` is Chinese.
    """

    step: str
    outcome: str
    reason: str
    code: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        head: dict[str, Any] = {"code": self.code} if self.code is not None else {"source": self.source}
        return {**head, "step": self.step, "outcome": self.outcome, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ItemDecision:
    item: str
    rules: tuple[str, ...]
    basis: Basis | None
    method: Method | None
    grade: str | None = None  # the declared grade, when the basis came from a declaration that has one
    candidates: tuple[Candidate, ...] = ()  # every standard and claim the steps met, in step order

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "rules": list(self.rules),
            "basis": self.basis.to_dict() if self.basis else None,
            "method": self.method.to_dict() if self.method else None,
            "grade": self.grade,
            "requirement_text": self.basis.requirement.render() if self.basis else None,
            "candidates": [c.to_dict() for c in self.candidates],
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
    problem: str | None = None  # why no version could be used (entry is None), for the candidates
    role: str = ""  # 明示标准 | 公示的企业标准 | 同类产品标准


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
        return _Resolved(given, code, entry, None, role=role)

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
                    return _Resolved(given, code, None, None, problem=f"版本证据指明的 {value} 不在标准目录中", role=role)
                return _Resolved(given, code, entry, R_VERSION_EVIDENCE, role=role)

    current = index.current(code, date)
    if current is None:
        missing = "标准目录中没有该标准" if code.base not in index.versions else "没有检验日期现行有效的版本"
        warnings.add(f"{role} {given}：{missing}（检验日期 {date.isoformat()}）", code=given, rule=R_VERSION)
        return _Resolved(given, code, None, None, problem=f"{missing}（检验日期 {date.isoformat()}）", role=role)
    if code.year is not None:
        warnings.add(
            f"{role} {given} 不在标准目录中，按检验日期现行有效版本 {current.code_text}", code=given, rule=R_VERSION
        )
    return _Resolved(given, code, current, R_VERSION if evidence is not None else None, role=role)


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
        decisions.append(_decide(item, inp, declared, enterprise, similar_all, similar, mandatory, warnings))
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
    similar_named: list[_Resolved],
    similar: list[_Resolved],
    mandatory: list[_Resolved],
    warnings: _Warnings,
) -> ItemDecision:
    rules: list[str] = []
    basis: Basis | None = None
    method: Method | None = None
    grade: str | None = None  # the grade of the declaration the basis came from
    trail = _Trail(item)

    # Step 2: the base requirement (steps 1's 16.3 rules are listed when the base comes from it).
    if inp.declared:
        covering = _covering(declared, item, warnings)
        trail.unusable(declared, covering, R_DECLARED)
        if covering:
            chosen, spec = _strictest(covering, item, warnings, R_DECLARED)
            if chosen.rule:
                rules.append(chosen.rule)
            rules.append(R_DECLARED)
            basis, method, grade = _basis_of(chosen, spec), spec.method, chosen.grade
            trail.ranked(
                covering, (chosen, spec), R_DECLARED,
                f"明示标准{_version_note(chosen)}涵盖该项目（{_requirement_note(spec, chosen.grade)}），"
                "按第十六条第一款作为判定依据",
                rank=_versus,
            )
    elif enterprise is not None:
        covering = _covering([enterprise], item, warnings)
        trail.unusable([enterprise], covering, R_ENTERPRISE)
        if covering:
            chosen, spec = covering[0]
            rules.append(R_ENTERPRISE)
            basis, method = _basis_of(chosen, spec), spec.method
            trail.choose(chosen, R_ENTERPRISE, f"无明示标准，有证据表明执行已公示的企业标准，涵盖该项目（{_requirement_note(spec)}），"
                         "按第十六条第二款作为判定依据")
    else:
        covering = _covering(similar, item, warnings)
        trail.unusable(similar, covering, R_SIMILAR)
        if covering:
            chosen, spec = covering[0]
            rules.append(R_SIMILAR)
            basis, method = _basis_of(chosen, spec), spec.method
            trail.ranked(
                covering, (chosen, spec), R_SIMILAR,
                f"无明示标准，同类产品的{KIND_NAMES_ZH[chosen.code.kind]}涵盖该项目（{_requirement_note(spec)}），"
                "按第十六条第二款作为判定依据",
                rank=_national_first_reason,
            )

    # Step 3: a mandatory national standard replaces a missing or less strict requirement (17 (一)).
    gb_covering = _covering(mandatory, item, warnings)
    trail.unusable(mandatory, gb_covering, R_MANDATORY)
    if gb_covering:
        gb, gb_spec = _strictest(gb_covering, item, warnings, R_MANDATORY)
        replace = basis is None
        kept = ""  # why the mandatory standard does not replace the basis
        if basis is not None:
            verdict = stricter(gb_spec.requirement, basis.requirement)
            if verdict is None:
                warnings.add(
                    f"强制性国家标准 {gb.entry.code_text} 的要求（{gb_spec.requirement}）与现依据 "
                    f"{_basis_name(basis)}（{basis.requirement}）无法比较（单位不同或为文字要求），未替换，请人工判断",
                    item=item,
                    rule=R_MANDATORY,
                )
                kept = (f"要求（{gb_spec.requirement}）与现依据 {_basis_name(basis)}（{basis.requirement}）无法比较"
                        "（单位不同或为文字要求），未替换，须人工判断")
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
                kept = (f"要求（{gb_spec.requirement}）与现依据 {_basis_name(basis)}（{basis.requirement}）"
                        "的允许范围互不包含，未替换，须人工判断")
            else:
                kept = f"要求（{gb_spec.requirement}）不严于现依据 {_basis_name(basis)}（{basis.requirement}），不替换"
        for r, spec in gb_covering:
            if r is gb or trail.is_basis(r):
                continue
            trail.reject(r, R_MANDATORY, "强制性国家标准均适用，取其中最严格者；" + _versus(spec, (gb, gb_spec)))
        if replace:
            why = ("现依据缺少该项目" if basis is None
                   else f"严于现依据 {_basis_name(basis)}（{basis.requirement}）")
            trail.replace_basis(f"强制性国家标准 {gb.entry.code_text}", R_MANDATORY)
            trail.choose(gb, R_MANDATORY, f"强制性国家标准涵盖该项目（{_requirement_note(gb_spec, gb.grade)}），{why}，"
                         "按第十七条（一）作为判定依据")
            rules.append(R_MANDATORY)
            basis, method, grade = _basis_of(gb, gb_spec), gb_spec.method, gb.grade
        elif not trail.is_basis(gb):
            trail.reject(gb, R_MANDATORY, f"强制性国家标准{kept}")

    # Step 4: an important performance item still without a basis (17 (二)).
    if basis is None and item in inp.important_items:
        covering = _covering(similar, item, warnings)
        trail.unusable(similar, covering, R_IMPORTANT)
        if covering:
            chosen, spec = covering[0]
            rules.append(R_IMPORTANT)
            basis, method = _basis_of(chosen, spec), spec.method
            trail.ranked(
                covering, (chosen, spec), R_IMPORTANT,
                f"重要性能指标缺少依据，同类产品的{KIND_NAMES_ZH[chosen.code.kind]}涵盖该项目（{_requirement_note(spec)}），"
                "按第十七条（二）作为判定依据",
                rank=_national_first_reason,
            )

    # Step 5: an enterprise-defined method is replaced by a national or industry one (17 (三)).
    if method is not None and _method_is_enterprise(method):
        replacement = None
        for r, spec in _covering(similar, item, warnings):
            if spec.method is not None and not _method_is_enterprise(spec.method):
                replacement = spec.method
                trail.choose(
                    r, R_METHOD, f"检验方法 {method.code} 为企业自定方法，采用本标准的检验方法（{_method_name(spec.method)}），"
                    "按第十七条（三）替换", basis=False,
                )
                break
            trail.reject(r, R_METHOD, "未规定该项目的国家标准或行业标准检验方法")
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
            for claim in claims:
                trail.claim(claim, REJECTED, f"明示的质量状况（{claim.requirement}）没有可比较的标准依据，不能单独作为判定依据，须人工决定")
        else:
            best: Basis = basis
            winner: Claim | None = None
            verdicts: list[bool | None] = []
            for claim in claims:
                verdict = stricter(claim.requirement, best.requirement)
                verdicts.append(verdict)
                if verdict is None:
                    warnings.add(
                        f"明示的质量状况（{claim.source}：{claim.requirement}）与依据 {_basis_name(best)}"
                        f"（{best.requirement}）无法比较（单位不同或为文字要求），未采用",
                        item=item,
                        rule=R_CLAIM,
                    )
                elif verdict:
                    best, winner = ClaimBasis(source=claim.source, requirement=claim.requirement), claim
            if winner is not None:
                trail.replace_basis(f"明示的质量状况（{_claim_source(winner)}）", R_CLAIM)
            for claim, verdict in zip(claims, verdicts, strict=True):
                if claim is winner:
                    trail.claim(claim, CHOSEN, f"明示的质量状况（{claim.requirement}）严于依据 {_basis_name(basis)}"
                                f"（{basis.requirement}），按第十六条第一款以其为判定依据")
                elif verdict is None:
                    trail.claim(claim, REJECTED, f"明示的质量状况（{claim.requirement}）与当时的依据无法比较"
                                "（单位不同或为文字要求），未采用")
                elif stricter(claim.requirement, basis.requirement):
                    trail.claim(claim, REJECTED, f"明示的质量状况（{claim.requirement}）严于标准依据，"
                                f"但不如另一明示的质量状况（{best.requirement}）严格")
                else:
                    trail.claim(claim, REJECTED, f"明示的质量状况（{claim.requirement}）不严于依据 {_basis_name(basis)}"
                                f"（{basis.requirement}），不替换")
            if best is not basis:
                rules.append(R_CLAIM)
                basis, grade = best, None

    # Every standard named in the input is listed, also those no step had to use for this item.
    trail.unmet(inp, declared, enterprise, similar_named)

    # Step 7: nothing found.
    if basis is None:
        return ItemDecision(item=item, rules=(R_NONE,), basis=None, method=None, candidates=trail.candidates())
    return ItemDecision(item=item, rules=tuple(rules), basis=basis, method=method, grade=grade,
                        candidates=trail.candidates())


# ---------------------------------------------------------------------------------------------
# The candidates of an item (依据说明)

_STEP_RANK = {step: i for i, step in enumerate(STEP_ORDER)}
_CLAIM_SOURCES_ZH = {"label": "标识", "instructions": "说明书", "advertising": "广告宣传", "sample": "实物"}


def _claim_source(claim: Claim) -> str:
    return _CLAIM_SOURCES_ZH.get(claim.source, claim.source)


def _display_code(r: _Resolved) -> str:
    return r.entry.code_text if r.entry is not None else r.given


def _version_note(r: _Resolved) -> str:
    if r.entry is None or r.rule is None:
        return ""
    if r.rule == R_VERSION_EVIDENCE:
        return f"（{r.given} 按企业提供的版本证据确定为 {r.entry.code_text}，第十六条第三款）"
    return f"（{r.given} 无法识别版本，按检验日期现行有效的 {r.entry.code_text}，第十六条第三款）"


def _requirement_note(spec: ItemSpec, grade: str | None = None) -> str:
    where = f"第 {spec.clause} 条：" if spec.clause else ""
    graded = f"，明示等级 {grade}" if grade and spec.grades else ""
    return f"{where}{spec.requirement}{graded}"


def _method_name(method: Method) -> str:
    return f"{method.code} 第 {method.clause} 条" if method.clause else method.code


def _versus(spec: ItemSpec, best: tuple[_Resolved, ItemSpec]) -> str:
    """Why ``spec`` lost to ``best`` when the strictest is taken (ties: the first listed)."""
    b, bspec = best
    name = _display_code(b)
    if stricter(spec.requirement, bspec.requirement) is None:
        return f"要求（{spec.requirement}）与 {name}（{bspec.requirement}）无法比较（单位不同或为文字要求），按先后顺序采用 {name}"
    if same_allowed_set(spec.requirement, bspec.requirement):
        return f"要求（{spec.requirement}）与 {name} 相同，按先后顺序采用 {name}"
    if stricter(bspec.requirement, spec.requirement):
        return f"要求（{spec.requirement}）不如 {name}（{bspec.requirement}）严格"
    return f"要求（{spec.requirement}）与 {name}（{bspec.requirement}）互不包含，按先后顺序采用 {name}"


def _national_first_reason(spec: ItemSpec, best: tuple[_Resolved, ItemSpec]) -> str:
    del spec
    return f"同类产品标准按国家标准先于行业标准、GB 先于 GB/T 的顺序选用，采用 {_display_code(best[0])}"


def _unusable_reason(r: _Resolved, item: str) -> tuple[str | None, str]:
    """Why ``r`` gives no requirement for ``item``: (the step that says so, if not the one asking; reason)."""
    if r.entry is None:
        return R_VERSION, f"{r.role or '标准'}{r.problem or '无法确定版本'}，无法确定其技术要求"
    spec = r.entry.items.get(item)
    if spec is None:
        return None, NOT_COVERED
    known = "、".join(spec.grades)
    if r.grade is not None and spec.grades and r.grade not in spec.grades:
        return None, f"对该项目只规定了 {known} 的要求，没有明示等级“{r.grade}”的要求"
    return None, f"对该项目按等级（{known}）规定要求，未标明等级，无法确定要求"


class _Trail:
    """The candidates of one item, as the steps meet them (RULES.md §2, ``candidates``)."""

    def __init__(self, item: str) -> None:
        self.item = item
        self.entries: list[dict[str, Any]] = []
        self.met: set[str] = set()  # codes with an entry
        self.unusable_said: set[str] = set()  # codes already rejected for giving no requirement
        self.basis_entry: dict[str, Any] | None = None

    def _add(self, step: str, outcome: str, reason: str, *, code: str | None = None,
             source: str | None = None) -> dict[str, Any]:
        entry = {"code": code, "source": source, "step": step, "outcome": outcome, "reason": reason}
        self.entries.append(entry)
        if code is not None:
            self.met.add(code)
        return entry

    def is_basis(self, r: _Resolved) -> bool:
        return self.basis_entry is not None and self.basis_entry["code"] == _display_code(r)

    def choose(self, r: _Resolved, step: str, reason: str, *, basis: bool = True) -> None:
        entry = self._add(step, CHOSEN, reason, code=_display_code(r))
        if basis:
            self.basis_entry = entry

    def reject(self, r: _Resolved, step: str, reason: str) -> None:
        self._add(step, REJECTED, reason, code=_display_code(r))

    def claim(self, claim: Claim, outcome: str, reason: str) -> None:
        entry = self._add(R_CLAIM, outcome, reason, source=claim.source)
        if outcome == CHOSEN:
            self.basis_entry = entry

    def replace_basis(self, by: str, step: str) -> None:
        if self.basis_entry is not None:
            self.basis_entry["outcome"] = REPLACED
            gap = " " if by[-1:].isascii() else ""
            self.basis_entry["reason"] += f"；后被{by}{gap}替换（{step}）"
            self.basis_entry = None

    def unusable(self, considered: Sequence[_Resolved], covering: Sequence[tuple[_Resolved, ItemSpec]],
                 step: str) -> None:
        """Reject, once each, the considered standards that give no requirement for the item."""
        usable = {id(r) for r, _ in covering}
        for r in considered:
            code = _display_code(r)
            if id(r) in usable or code in self.unusable_said:
                continue
            self.unusable_said.add(code)
            own_step, reason = _unusable_reason(r, self.item)
            self.reject(r, own_step or step, reason)

    def ranked(self, covering: Sequence[tuple[_Resolved, ItemSpec]], chosen: tuple[_Resolved, ItemSpec], step: str,
               reason: str, *, rank) -> None:
        """The chosen one of several covering candidates, and each other with why it lost."""
        for r, spec in covering:
            if r is chosen[0]:
                self.choose(r, step, reason)
            else:
                self.reject(r, step, rank(spec, chosen))

    def unmet(self, inp: SelectionInput, declared: Sequence[_Resolved], enterprise: _Resolved | None,
              similar_named: Sequence[_Resolved]) -> None:
        """The named standards that no step judged for this item, with why they were not needed."""
        named = [(r, R_DECLARED) for r in declared]
        if enterprise is not None:
            named.append((enterprise, R_ENTERPRISE))
        named.extend((r, R_SIMILAR) for r in similar_named)
        for r, step in named:
            code = _display_code(r)
            if code in self.met:
                continue
            if r.entry is None or self.item not in r.entry.items:
                self.unusable([r], (), step)
            elif step == R_SIMILAR and not is_national_or_industry(r.code):
                self.reject(r, step, f"是{KIND_NAMES_ZH[r.code.kind]}，不是国家标准或行业标准，不能作为同类产品标准参照")
            elif step == R_ENTERPRISE:
                self.reject(r, step, "产品有明示标准，不采用企业标准（第十六条第二款仅适用于无明示标准的产品）")
            elif step == R_SIMILAR:
                why = "产品有明示标准" if inp.declared else "有证据表明执行已公示的企业标准"
                self.reject(r, step, f"{why}，同类产品标准只在第十七条（二）（三）的情形下参照，本项目无需参照")
            else:
                self.unusable([r], (), step)

    def candidates(self) -> tuple[Candidate, ...]:
        ordered = sorted(self.entries, key=lambda e: _STEP_RANK[e["step"]])  # stable: met order within a step
        return tuple(
            Candidate(step=e["step"], outcome=e["outcome"], reason=e["reason"], code=e["code"], source=e["source"])
            for e in ordered
        )


def _basis_name(basis: Basis) -> str:
    if isinstance(basis, StandardBasis):
        return basis.code
    return f"明示的质量状况（{basis.source}）"


__all__ = [
    "Candidate",
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
    "rule_label",
    "select_standards",
]
