"""Checking an export package before it is queued (and, in the sandbox, when it arrives).

``app.documents.package.verify_package`` is the one authority on the format
(``docs/package-format.md``); this module adapts its report to the upload layer.
"""

from __future__ import annotations

from typing import Any

from app.documents.package import verify_package
from app.errors import ValidationError


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


def stored_documents(session: Any, refs: list[tuple[str, int]]) -> dict[tuple[str, int], bytes]:
    """The stored bytes a package recipe names (issued reports' and notices' PDFs), read with one
    query per kind of record."""
    from sqlalchemy import select

    from app.store.models import HazardReport, Notification, Report

    out: dict[tuple[str, int], bytes] = {}
    conn = session.connection()
    for source, model in (("report", Report), ("notice", Notification), ("hazard", HazardReport)):
        ids = sorted({i for s, i in refs if s == source})
        if ids:
            for ident, data in conn.execute(select(model.id, model.pdf).where(model.id.in_(ids))):
                if data is not None:
                    out[source, ident] = bytes(data)
    return out


def package_of(session: Any, item: Any) -> bytes:
    """The bytes an outbox item uploads: its stored package, or the package its recipe makes from
    the stored documents — refused (``ValidationError``) when that is not exactly what was queued."""
    import hashlib

    from app.documents.package import PackageRecipe, assemble

    if item.package is not None:
        return bytes(item.package)
    if item.recipe is None:
        raise ValidationError("该上传记录没有保存上传包内容")
    recipe = PackageRecipe.decode(item.recipe)
    stored = stored_documents(session, [(source, ident) for _n, source, ident, _z, _h in recipe.files])

    def read(source: str, ident: int) -> bytes:
        if (source, ident) not in stored:
            raise ValidationError(f"上传包所需的已保存文件（{source} {ident}）不存在。")
        return stored[source, ident]

    package = assemble(recipe, read)
    if item.package_sha256 and hashlib.sha256(package).hexdigest() != item.package_sha256:
        raise ValidationError("上传包所依据的已保存文件与入队时不符（SHA-256 不同），请人工核对。")
    return package
