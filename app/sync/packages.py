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
