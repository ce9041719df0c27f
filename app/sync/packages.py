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


_IN_QUERIES: dict[tuple[int, int, int], Any] = {}


def in_query(query: Any, column: Any, ids: list[int]) -> tuple[Any, dict[str, int]]:
    """``query`` restricted to ``column IN (ids)``, and its parameters: the statement is built
    once per number of ids (up to 64; an expanding parameter beyond), so that running it again
    costs neither building nor rendering SQL. ``query`` and ``column`` are long-lived (module
    level): the cache knows them by identity."""
    n = len(ids)
    if n > 64:
        from sqlalchemy import bindparam

        key = (id(query), id(column), 0)
        if key not in _IN_QUERIES:
            _IN_QUERIES[key] = query.where(column.in_(bindparam("ids", expanding=True)))
        return _IN_QUERIES[key], {"ids": ids}
    key = (id(query), id(column), n)
    statement = _IN_QUERIES.get(key)
    if statement is None:
        from sqlalchemy import bindparam

        statement = _IN_QUERIES[key] = query.where(column.in_([bindparam(f"id{i}") for i in range(n)]))
    return statement, {f"id{i}": ident for i, ident in enumerate(ids)}


_DOCUMENT_QUERIES: dict[str, Any] = {}


def _document_query(source: str) -> tuple[Any, Any]:
    """``SELECT id, pdf FROM <source's table>`` and its ``id`` column."""
    if source not in _DOCUMENT_QUERIES:
        from sqlalchemy import select

        # deferred: the models (and SQLAlchemy) load with the first query, not with the package format
        from app.store.models import HazardReport, Notification, Report

        table = {"report": Report, "notice": Notification, "hazard": HazardReport}[source].__table__
        _DOCUMENT_QUERIES[source] = (select(table.c.id, table.c.pdf), table.c.id)
    return _DOCUMENT_QUERIES[source]


_SOURCES = ("report", "notice", "hazard")
_DOCUMENTS_STATEMENTS: dict[tuple[int, ...], Any] = {}


def _documents_statement(counts: tuple[int, ...]) -> Any:
    """``SELECT <kind>, id, pdf FROM reports WHERE id IN (…) UNION ALL … notifications …`` for
    ``counts[k]`` ids of each kind of record in ``_SOURCES`` (parameters ``<kind><n>``): one
    statement for all the stored documents of a claimed batch, built once per shape."""
    statement = _DOCUMENTS_STATEMENTS.get(counts)
    if statement is None:
        from sqlalchemy import bindparam, literal, select, union_all

        parts = []
        for source, n in zip(_SOURCES, counts, strict=True):
            if n:
                query, column = _document_query(source)
                table = column.table
                parts.append(select(literal(source).label("source"), table.c.id, table.c.pdf)
                             .where(column.in_([bindparam(f"{source}{i}") for i in range(n)])))
        statement = _DOCUMENTS_STATEMENTS[counts] = parts[0] if len(parts) == 1 else union_all(*parts)
    return statement


def stored_documents(session: Any, refs: list[tuple[str, int]]) -> dict[tuple[str, int], bytes]:
    """The stored bytes a package recipe names (issued reports' and notices' PDFs), read with one
    statement (``session``: a session or a connection); one query per kind of record beyond 64
    records of a kind."""
    from sqlalchemy import Connection

    out: dict[tuple[str, int], bytes] = {}
    conn = session if isinstance(session, Connection) else session.connection()
    ids = {source: sorted({i for s, i in refs if s == source}) for source in _SOURCES}
    if not any(ids.values()):
        return out
    if all(len(v) <= 64 for v in ids.values()):
        params = {f"{source}{n}": ident for source in _SOURCES for n, ident in enumerate(ids[source])}
        for source, ident, data in conn.execute(_documents_statement(tuple(len(ids[s]) for s in _SOURCES)), params):
            if data is not None:
                out[source, ident] = bytes(data)
        return out
    for source in _SOURCES:
        if ids[source]:
            for ident, data in conn.execute(*in_query(*_document_query(source), ids[source])):
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


def packages_of(session: Any, items: list[Any], *, receiver_checks: bool = False) -> list[bytes | ValidationError]:
    """:func:`package_of` for several items, their stored documents read together (one query per
    kind of record for all of them); per item its package, or the ``ValidationError`` that
    refuses it. ``receiver_checks``: the packages go to the provincial system, which refuses a
    body whose SHA-256 is not the one recorded when the item was queued (sent with it): they are
    not hashed here as well (``formats.package.assemble``)."""
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
                out.append(assemble(recipe, read, package_sha256=item.package_sha256 or None,
                                    receiver_checks=receiver_checks and bool(item.package_sha256)))
            except ValidationError as exc:
                out.append(exc)
    return out
