"""The wire contract with the provincial information system, in one place.

湖北省产品质量安全监督管理信息系统 (Article 18 ¶1). No official interface specification has been
published to us, so this module describes the contract documented in ``docs/provincial-api.md``
and implemented by the local sandbox (``app.sync.sandbox``). When the real specification
arrives, this is the only module that should need to change: endpoint paths, header names,
JSON field names and the value codes on both sides.

Everything else in ``app.sync`` uses our own names (left-hand side of the tables below).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

# --------------------------------------------------------------------------------------------
# Endpoints (relative to the configured base URL)
# --------------------------------------------------------------------------------------------

API_PREFIX = "/api/v1"
LOGIN_PATH = f"{API_PREFIX}/auth/login"
UPLOAD_PATH = f"{API_PREFIX}/uploads"
UPLOAD_BY_KEY_PATH = f"{API_PREFIX}/uploads/{{key}}"  # GET: the receipt for an idempotency key
RECEIPT_PATH = f"{API_PREFIX}/receipts/{{number}}"  # GET: a receipt by its number
# Sandbox only (never called by the production client): counters and fault settings.
SANDBOX_COUNTS_PATH = f"{API_PREFIX}/_sandbox/counts"
SANDBOX_FAULTS_PATH = f"{API_PREFIX}/_sandbox/faults"

# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------

HEADER_IDEMPOTENCY_KEY = "Idempotency-Key"
HEADER_AUTHORIZATION = "Authorization"
HEADER_RETRY_AFTER = "Retry-After"
PACKAGE_CONTENT_TYPE = "application/zip"

#: our meta key -> request header. Values are percent-encoded UTF-8 (headers are Latin-1 only).
META_HEADERS: dict[str, str] = {
    "kind": "X-Upload-Kind",
    "task_number": "X-Task-Number",
    "report_number": "X-Report-Number",
    "package_sha256": "X-Content-SHA256",
    "lab_cma_number": "X-Lab-CMA",
}

#: our upload kind -> wire code
KIND_TO_WIRE: dict[str, str] = {
    "result": "RESULT",  # 最终风险监测结果: one approved test report
    "notice": "NOTICE",  # 告知书 issued after their report
    "analysis_report": "ANALYSIS",  # 分析报告
    "task_results": "RESULT",  # a whole task (schema 0001's packages, still accepted as RESULT)
    "hazard": "HAZARD",  # 重大质量安全风险隐患报告 (Article 18 ¶3), reported at once
}
WIRE_TO_KIND: dict[str, str] = {"RESULT": "result", "NOTICE": "notice", "ANALYSIS": "analysis_report",
                                "HAZARD": "hazard"}

# --------------------------------------------------------------------------------------------
# JSON bodies
# --------------------------------------------------------------------------------------------

LOGIN_USERNAME = "username"
LOGIN_PASSWORD = "password"
TOKEN_FIELD = "access_token"
TOKEN_EXPIRES_IN = "expires_in"  # seconds

#: our receipt field -> wire field
RECEIPT_FIELDS: dict[str, str] = {
    "receipt_number": "receipt_number",  # 回执编号, e.g. HBJG-2026-000123
    "idempotency_key": "idempotency_key",
    "accepted_at": "accepted_at",  # ISO 8601 UTC, "Z"
    "duplicate": "duplicate",  # true when the key had been accepted before
    "kind": "kind",
    "task_number": "task_number",
}

ERROR_CODE = "error"
ERROR_MESSAGE = "message"
ERROR_REASONS = "reasons"  # list of human-readable reasons (Chinese)
ERROR_REASON_CODES = "codes"  # list of stable codes, parallel to reasons

# Error codes the server sends in ``error``.
ERR_VALIDATION = "validation_failed"
ERR_INVALID_CREDENTIALS = "invalid_credentials"
ERR_TOKEN_EXPIRED = "token_expired"
ERR_FORBIDDEN = "forbidden"
ERR_IDEMPOTENCY_CONFLICT = "idempotency_conflict"
ERR_RATE_LIMITED = "rate_limited"
ERR_INTERNAL = "internal_error"
ERR_NOT_FOUND = "not_found"
ERR_BAD_REQUEST = "bad_request"

#: receipt numbers issued by the provincial system: HBJG-<year>-<6 digits>
RECEIPT_NUMBER_RE = re.compile(r"^HBJG-\d{4}-\d{6}$")
#: idempotency keys we send (and the sandbox accepts)
IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")


def format_receipt_number(year: int, seq: int) -> str:
    return f"HBJG-{year:04d}-{seq:06d}"


# --------------------------------------------------------------------------------------------
# Conversions
# --------------------------------------------------------------------------------------------


def encode_header_value(value: object) -> str:
    return quote(str(value), safe="-_.~:/ ")


def decode_header_value(value: str) -> str:
    return unquote(value)


def meta_to_headers(meta: dict[str, Any]) -> dict[str, str]:
    """Our upload meta (``kind``, ``task_number``…) as request headers; unknown keys are dropped."""
    headers: dict[str, str] = {}
    for key, value in meta.items():
        header = META_HEADERS.get(key)
        if header is None or value is None:
            continue
        if key == "kind":
            value = KIND_TO_WIRE.get(str(value), str(value))
        headers[header] = encode_header_value(value)
    return headers


def headers_to_meta(headers: Any) -> dict[str, str]:
    """Inverse of :func:`meta_to_headers` (the sandbox side); ``headers`` is any mapping."""
    meta: dict[str, str] = {}
    for key, header in META_HEADERS.items():
        raw = headers.get(header)
        if raw is None:
            continue
        value = decode_header_value(raw)
        if key == "kind":
            value = WIRE_TO_KIND.get(value, value)
        meta[key] = value
    return meta


def login_body(username: str, password: str) -> dict[str, str]:
    return {LOGIN_USERNAME: username, LOGIN_PASSWORD: password}


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def receipt_to_wire(
    *,
    receipt_number: str,
    idempotency_key: str,
    accepted_at: datetime,
    duplicate: bool,
    kind: str | None = None,
    task_number: str | None = None,
) -> dict[str, Any]:
    ours = {
        "receipt_number": receipt_number,
        "idempotency_key": idempotency_key,
        "accepted_at": format_timestamp(accepted_at),
        "duplicate": duplicate,
        "kind": KIND_TO_WIRE.get(kind, kind) if kind else None,
        "task_number": task_number,
    }
    return {RECEIPT_FIELDS[k]: v for k, v in ours.items()}


def receipt_from_wire(body: dict[str, Any]) -> dict[str, Any]:
    """A receipt body as our field names (raises ``KeyError``/``ValueError`` when malformed)."""
    number = body[RECEIPT_FIELDS["receipt_number"]]
    key = body[RECEIPT_FIELDS["idempotency_key"]]
    if not isinstance(number, str) or not number or not isinstance(key, str):
        raise ValueError("receipt without a number or key")
    kind = body.get(RECEIPT_FIELDS["kind"])
    return {
        "receipt_number": number,
        "idempotency_key": key,
        "accepted_at": parse_timestamp(str(body[RECEIPT_FIELDS["accepted_at"]])),
        "duplicate": bool(body.get(RECEIPT_FIELDS["duplicate"], False)),
        "kind": WIRE_TO_KIND.get(kind, kind) if kind else None,
        "task_number": body.get(RECEIPT_FIELDS["task_number"]),
    }


def error_body(code: str, message: str, reasons: list[str] | None = None, codes: list[str] | None = None):
    body: dict[str, Any] = {ERROR_CODE: code, ERROR_MESSAGE: message}
    if reasons is not None:
        body[ERROR_REASONS] = list(reasons)
        body[ERROR_REASON_CODES] = list(codes or [])
    return body
