"""Checking an export package before it is queued (and, in the sandbox, when it arrives).

``app.documents.package.verify_package`` is the one authority on the format
(``docs/package-format.md``); this module adapts its report to the upload layer.
"""

from __future__ import annotations

from app.documents.package import verify_package


def validate_package(data: bytes) -> tuple[list[str], list[str]]:
    """(problems, codes) of a package; both empty when it is acceptable."""
    report = verify_package(data)
    return list(report.problems), list(report.codes)


#: the package kinds (manifest ``package_kind``) each upload kind may carry
KIND_PACKAGES = {"result": ("result", "task"), "task_results": ("result", "task"), "notice": ("notice",),
                 "analysis_report": ("analysis", "task")}


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

