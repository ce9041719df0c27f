"""An amendment of an issued result as tests need it done: asked for by a technician, then approved
by an authorised signatory (a second person, with their password)."""

from __future__ import annotations

from app.services import reports
from app.services.context import Context


def amend_approved(tech: Context, signatory: Context, password: str, result_id: int, version: int,
                   **kw) -> reports.AmendmentInfo:
    asked = reports.amend_result(tech, result_id, version, **kw)
    return reports.approve_amendment(signatory, asked.id, asked.version, password)
