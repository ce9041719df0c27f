"""Checking an export package before it is queued (and, in the sandbox, when it arrives).

``app.formats.package.verify_package`` is the one authority on the format
(``docs/package-format.md``); this module adapts its report to the upload layer.
"""

from __future__ import annotations

from typing import Any

from app.errors import ValidationError
from app.formats.package import PackageRecipe, assemble, verify_package


def validate_package(data: bytes) -> tuple[list[str], list[str]]:
    """(problems, codes) of a package; both empty when it is acceptable."""
    report = verify_package(data)
    return list(report.problems), list(report.codes)


#: the package kinds (manifest ``package_kind``) each upload kind may carry
KIND_PACKAGES = {"result": ("result", "task"), "task_results": ("result", "task"), "notice": ("notice",),
                 "analysis_report": ("analysis", "task"), "hazard": ("hazard",)}


def validate_upload(data: bytes, kind: str | None) -> tuple[list[str], list[str]]:
    """:func:`validate_package`, and the upload kind matches what the package says it carries."""
    report = verify_package(data)
    problems, codes = list(report.problems), list(report.codes)
    declared = (report.manifest or {}).get("package_kind") or "task"
    allowed = KIND_PACKAGES.get(kind or "", ())
    if report.manifest is not None and kind and declared not in allowed:
        problems.append(f"上传类型 {kind} 与上传包内容（{declared}）不符")
        codes.append("kind_mismatch")
    return problems, codes


_DOCUMENT_QUERIES: dict[str, Any] = {}


def _document_query(source: str) -> Any:
    """``SELECT id, pdf FROM <source's table> WHERE id IN (:ids)``, built once per source."""
    query = _DOCUMENT_QUERIES.get(source)
    if query is None:
        from sqlalchemy import bindparam, select

        from app.store.models import HazardReport, Notification, Report

        table = {"report": Report, "notice": Notification, "hazard": HazardReport}[source].__table__
        query = _DOCUMENT_QUERIES[source] = (
            select(table.c.id, table.c.pdf).where(table.c.id.in_(bindparam("ids", expanding=True))))
    return query


def stored_documents(session: Any, refs: list[tuple[str, int]]) -> dict[tuple[str, int], bytes]:
    """The stored bytes a package recipe names (issued reports' and notices' PDFs), read with one
    query per kind of record."""
    out: dict[tuple[str, int], bytes] = {}
    conn = session.connection()
    for source in ("report", "notice", "hazard"):
        ids = sorted({i for s, i in refs if s == source})
        if ids:
            for ident, data in conn.execute(_document_query(source), {"ids": ids}):
                if data is not None:
                    out[source, ident] = bytes(data)
    return out


def package_of(session: Any, item: Any) -> bytes:
    """The bytes an outbox item uploads: its stored package, or the package its recipe makes from
    the stored documents — refused (``ValidationError``) when that is not exactly what was queued."""
    result = packages_of(session, [item])[0]
    if isinstance(result, ValidationError):
        raise result
    return result


def packages_of(session: Any, items: list[Any]) -> list[bytes | ValidationError]:
    """:func:`package_of` for several items, their stored documents read together (one query per
    kind of record for all of them); per item its package, or the ``ValidationError`` that
    refuses it."""
    recipes: list[PackageRecipe | ValidationError | None] = []
    for item in items:
        if item.package is not None:
            recipes.append(None)
        elif item.recipe is None:
            recipes.append(ValidationError("该上传记录没有保存上传包内容"))
        else:
            try:
                recipes.append(PackageRecipe.decode(item.recipe))
            except ValidationError as exc:
                recipes.append(exc)
    refs = [(source, ident) for r in recipes if isinstance(r, PackageRecipe)
            for _n, source, ident, _z, _h in r.files]
    stored = stored_documents(session, refs) if refs else {}

    def read(source: str, ident: int) -> bytes:
        if (source, ident) not in stored:
            raise ValidationError(f"上传包所需的已保存文件（{source} {ident}）不存在。")
        return stored[source, ident]

    out: list[bytes | ValidationError] = []
    for item, recipe in zip(items, recipes, strict=True):
        if recipe is None:
            out.append(bytes(item.package))
        elif isinstance(recipe, ValidationError):
            out.append(recipe)
        else:
            try:
                # checked against the SHA-256 recorded when the item was queued (each file's own
                # hash only when no package hash was recorded)
                out.append(assemble(recipe, read, package_sha256=item.package_sha256 or None))
            except ValidationError as exc:
                out.append(exc)
    return out
