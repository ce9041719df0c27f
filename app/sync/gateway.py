"""Gateways to the provincial information system (湖北省产品质量安全监督管理信息系统).

* :class:`Gateway` — what the outbox worker needs: ``upload`` a package under an idempotency key
  and get a :class:`Receipt` (回执), or ``query`` the receipt of an earlier upload.
* :class:`HttpGateway` — the online interface (``docs/provincial-api.md``) over httpx.
* :class:`FolderGateway` — writes the package to a folder for upload by hand through the
  provincial web portal; it counts as delivered only after the user confirms it.

Errors are typed so that the worker knows what to do with them:

* :class:`RetryableError` (5xx, timeouts, dropped connections, 429, 401 after one re-login):
  try the same upload again later with the same idempotency key;
* :class:`PermanentError` (400 with the server's reasons, 403, 409 …, and a server certificate
  that cannot be verified — :class:`CertificateUnverified`): a person must look;
* :class:`CredentialsError` (no password, or the login itself refused): not the item's fault —
  stop the run and keep every item queued until the user fixes the account.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
import os
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import quote, urlsplit

from app import __version__, clock
from app.errors import OutputError, RiskmonError, ValidationError
from app.fileio import atomic_write_bytes, safe_file_name
from app.sync import mapping

PasswordProvider = Callable[[], "str | None"]

#: longest Retry-After we honour (a misbehaving server must not park an item for weeks)
MAX_RETRY_AFTER_SECONDS = 6 * 3600


# --------------------------------------------------------------------------------------------
# Receipts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """回执: the provincial system's acknowledgement of one upload.

    ``status`` is ``accepted`` for an online receipt, ``exported`` when a :class:`FolderGateway`
    wrote the package for upload by hand (no receipt number yet), ``delivered_by_hand`` once the
    user confirmed the hand upload.
    """

    receipt_number: str | None
    idempotency_key: str
    accepted_at: datetime | None
    duplicate: bool = False  # the server had accepted this key before: this is the first receipt
    status: Literal["accepted", "exported", "delivered_by_hand"] = "accepted"
    path: Path | None = None  # FolderGateway: the file written
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class GatewayError(RiskmonError):
    """A problem talking to the provincial system; ``message`` is short Chinese for the outbox."""

    retryable: bool = False
    #: the problem is the account or configuration, not the item: stop the run, keep items queued
    stops_run: bool = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        reasons: list[str] | tuple[str, ...] = (),
        codes: list[str] | tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.reasons = list(reasons)
        self.codes = list(codes)


class RetryableError(GatewayError):
    """Try the same upload again later, with the same idempotency key."""

    retryable = True


class ServerError(RetryableError):
    """HTTP 5xx (or a 2xx body we cannot read)."""


class GatewayTimeout(RetryableError):
    """Connect or read timeout: the server may or may not have stored the upload."""


class ConnectionLost(RetryableError):
    """Connection refused, reset or closed without an answer."""


class RateLimited(RetryableError):
    """HTTP 429; ``retry_after`` seconds when the server said."""


class AuthenticationExpired(RetryableError):
    """HTTP 401 again right after a fresh login."""


class PermanentError(GatewayError):
    """The server refused this upload; sending it again will not help. A person must look."""


class UploadRejected(PermanentError):
    """HTTP 400: the package failed the server's validation; ``reasons`` lists why."""


class Forbidden(PermanentError):
    """HTTP 403: this account may not upload this."""


class IdempotencyConflict(PermanentError):
    """HTTP 409: the idempotency key was used before for a different package."""


class CertificateUnverified(PermanentError):
    """The server's TLS certificate could not be verified (self-signed, expired, issued for another
    host, unknown issuer). Sending again cannot help until someone fixes the trust setup."""


class CredentialsError(GatewayError):
    """The account, not the item: stop the run and leave every item queued."""

    retryable = True
    stops_run = True


class CredentialsUnavailable(CredentialsError):
    """No password (no keyring and the user did not enter one)."""


class CredentialsRejected(CredentialsError):
    """The login itself was refused (wrong user name or password)."""


# --------------------------------------------------------------------------------------------
# The interface
# --------------------------------------------------------------------------------------------


@runtime_checkable
class Gateway(Protocol):
    def upload(self, package: bytes, idempotency_key: str, meta: dict[str, Any]) -> Receipt:
        """Deliver ``package``; the same key always yields the first receipt, never a second record."""
        ...

    def query(self, idempotency_key: str | None = None, *, receipt_number: str | None = None) -> Receipt | None:
        """The receipt of an earlier upload, or ``None`` when the server has none."""
        ...

    def close(self) -> None: ...


def package_sha256(package: bytes) -> str:
    return hashlib.sha256(package).hexdigest()


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), capped; else None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or clock.utcnow())).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(seconds, float(MAX_RETRY_AFTER_SECONDS)))


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _json_or_none(response: Any) -> dict[str, Any] | None:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_for_response(response: Any) -> GatewayError:
    """The typed error for a non-2xx response (``response`` is an ``httpx.Response``)."""
    status = response.status_code
    body = _json_or_none(response) or {}
    server_message = str(body.get(mapping.ERROR_MESSAGE) or "").strip()
    reasons = [str(r) for r in body.get(mapping.ERROR_REASONS) or []]
    codes = [str(c) for c in body.get(mapping.ERROR_REASON_CODES) or []]
    if status == 429:
        retry_after = parse_retry_after(response.headers.get(mapping.HEADER_RETRY_AFTER))
        wait = f"，约 {int(retry_after)} 秒后重试" if retry_after is not None else "，稍后自动重试"
        return RateLimited(f"省级系统请求过多（HTTP 429）{wait}", status=status, retry_after=retry_after)
    if status >= 500 or status in (408, 425):
        retry_after = parse_retry_after(response.headers.get(mapping.HEADER_RETRY_AFTER))
        return ServerError(
            f"省级系统暂时无法处理（HTTP {status}），稍后自动重试", status=status, retry_after=retry_after
        )
    if status == 401:
        return AuthenticationExpired("省级系统登录已失效，重新登录后仍被拒绝，稍后自动重试", status=status)
    if status == 403:
        detail = f"：{_short(server_message)}" if server_message else ""
        return Forbidden(f"省级系统拒绝访问（HTTP 403），该账号无权上传{detail}", status=status)
    if status == 409:
        return IdempotencyConflict(
            "省级系统报告幂等键冲突：同一编号已用于内容不同的上传包，请人工核对", status=status
        )
    if status == 413:
        return UploadRejected("上传包超过省级系统允许的大小（HTTP 413）", status=status)
    if status == 400 or status == 422:
        text = "；".join(reasons) if reasons else (server_message or "未说明原因")
        return UploadRejected(
            f"省级系统拒收（HTTP {status}）：{_short(text)}", status=status, reasons=reasons, codes=codes
        )
    detail = f"：{_short(server_message)}" if server_message else ""
    return PermanentError(f"省级系统返回无法处理的状态（HTTP {status}）{detail}", status=status)


#: what to do about a certificate the client cannot verify (shown with every such failure)
CERTIFICATE_HINT = "如省级系统使用内部证书，请将其根证书加入系统信任库，或设置 SSL_CERT_FILE 指向该证书文件。"

# OpenSSL verify codes (X509_V_ERR_*) → the reason in Chinese
_VERIFY_REASONS = {
    18: "自签名证书",  # DEPTH_ZERO_SELF_SIGNED_CERT
    19: "自签名证书",  # SELF_SIGNED_CERT_IN_CHAIN
    10: "证书已过期",  # CERT_HAS_EXPIRED
    9: "证书尚未生效",  # CERT_NOT_YET_VALID
    62: "主机名不匹配",  # HOSTNAME_MISMATCH
    64: "主机名不匹配",  # IP_ADDRESS_MISMATCH
    2: "颁发机构未知",  # UNABLE_TO_GET_ISSUER_CERT
    20: "颁发机构未知",  # UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    21: "颁发机构未知",  # UNABLE_TO_VERIFY_LEAF_SIGNATURE
    23: "证书已被吊销",  # CERT_REVOKED
    7: "证书签名无效",  # CERT_SIGNATURE_FAILURE
}
# the same from OpenSSL's (English) text, when only the text is left
_VERIFY_TEXTS = (
    ("self-signed", "自签名证书"),
    ("self signed", "自签名证书"),
    ("has expired", "证书已过期"),
    ("not yet valid", "证书尚未生效"),
    ("hostname mismatch", "主机名不匹配"),
    ("ip address mismatch", "主机名不匹配"),
    ("doesn't match", "主机名不匹配"),
    ("local issuer", "颁发机构未知"),
    ("unable to get issuer", "颁发机构未知"),
    ("unable to verify the first certificate", "颁发机构未知"),
    ("revoked", "证书已被吊销"),
)


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 20:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def certificate_problem(exc: BaseException) -> str | None:
    """The reason (Chinese) when ``exc`` — or what caused it — is a failed certificate check, else ``None``.

    httpx reports it as a ``ConnectError`` caused by ``ssl.SSLCertVerificationError``; the verify
    code names the reason, and the OpenSSL text (``CERTIFICATE_VERIFY_FAILED``) when only text is left.
    """
    chain = _exception_chain(exc)
    texts: list[str] = []
    for e in chain:
        if isinstance(e, ssl.SSLCertVerificationError):
            reason = _VERIFY_REASONS.get(getattr(e, "verify_code", None) or -1)
            if reason:
                return reason
            texts.insert(0, str(getattr(e, "verify_message", "") or ""))
        texts.append(str(e))
    text = " ".join(texts)
    lowered = text.lower()
    if not (
        any(isinstance(e, ssl.SSLCertVerificationError) for e in chain)
        or "certificate_verify_failed" in lowered
        or "certificate verify failed" in lowered
        or "hostname mismatch" in lowered
    ):
        return None
    for needle, reason in _VERIFY_TEXTS:
        if needle in lowered:
            return reason
    detail = next((t for t in texts if t.strip()), "")
    return f"证书校验未通过（{_short(detail, 160)}）" if detail else "证书校验未通过"


def certificate_message(reason: str, host: str | None = None) -> str:
    """The outbox's Chinese text for a certificate that could not be verified."""
    where = f"（证书不属于 {host}）" if host and reason == "主机名不匹配" else ""
    return f"证书无法验证：{reason}{where}。{CERTIFICATE_HINT}"


@functools.lru_cache(maxsize=1)
def _default_tls_context() -> Any:
    """One verifying TLS context per process (loading the CA bundle takes a noticeable moment).

    It trusts the operating system's trust store, where a lab's IT installs an internal root
    certificate (through ``truststore``: the Windows certificate store with group-policy roots, the
    macOS keychain, the distribution's CA bundle on Debian/UOS/Kylin), the certifi bundle as a
    fallback for a machine whose store is empty or out of date, and the file or folder named by
    ``SSL_CERT_FILE``/``SSL_CERT_DIR``. Host names and certificates are always checked.
    """
    import certifi

    try:
        import truststore

        context: Any = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:  # not installed (a source checkout without it): OpenSSL's view of the store
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        try:
            context.load_default_certs(ssl.Purpose.SERVER_AUTH)  # Windows: ROOT and CA
        except (OSError, ssl.SSLError):
            pass
    context.load_verify_locations(cafile=certifi.where())
    for variable, keyword in (("SSL_CERT_FILE", "cafile"), ("SSL_CERT_DIR", "capath")):
        value = os.environ.get(variable, "").strip()
        if not value:
            continue
        try:
            context.load_verify_locations(**{keyword: value})
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise ValidationError(f"环境变量 {variable} 指向的证书无法读取：{value}") from exc
    return context


class HttpGateway:
    """The online interface of ``docs/provincial-api.md`` over httpx (TLS verification on).

    ``password_provider`` is called when a login is needed (first use, or a 401); it returns the
    password or ``None`` (then :class:`CredentialsUnavailable`). Not shared between threads.
    """

    #: the provincial system refuses a body whose SHA-256 is not the ``X-Content-SHA256`` sent with
    #: it — the hash recorded when the item was queued — so the worker does not hash each package
    #: before sending it (``docs/provincial-api.md``); a folder for upload by hand checks nothing
    checks_sha256 = True

    def __init__(
        self,
        base_url: str,
        username: str,
        password_provider: PasswordProvider,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        verify: Any = True,
        trust_env: bool | None = None,
        transport: Any = None,
        user_agent: str | None = None,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self.username = username
        self._password_provider = password_provider
        self._token: str | None = None
        self._token_expires: float = 0.0
        self._lock = threading.Lock()
        timeout = httpx.Timeout(connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout)
        if verify is True:
            verify = _default_tls_context()  # certificate and host name checks on
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            verify=verify,
            trust_env=(not is_loopback_url(self.base_url)) if trust_env is None else trust_env,
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": user_agent or f"riskmon/{__version__}"},
        )
        self.logins = 0  # how many logins this gateway made (for tests and diagnostics)

    # ---- plumbing
    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, path: str, **kw: Any) -> Any:
        import httpx

        try:
            return self._client.request(method, path, **kw)
        except httpx.TimeoutException as exc:
            raise GatewayTimeout(f"连接省级系统超时（{type(exc).__name__}），稍后自动重试") from exc
        except (httpx.ConnectError, httpx.ProxyError) as exc:
            reason = certificate_problem(exc)
            if reason is not None:  # not a dropped line: retrying cannot help, a person must fix the trust
                raise CertificateUnverified(certificate_message(reason, urlsplit(self.base_url).hostname)) from exc
            raise ConnectionLost(f"与省级系统的连接中断（{type(exc).__name__}），稍后自动重试") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise ConnectionLost(f"与省级系统的连接中断（{type(exc).__name__}），稍后自动重试") from exc
        except httpx.UnsupportedProtocol as exc:
            raise PermanentError(f"省级系统地址无效：{self.base_url}") from exc
        except httpx.TransportError as exc:
            raise ConnectionLost(f"无法连接省级系统（{type(exc).__name__}），稍后自动重试") from exc

    def login(self) -> None:
        """Obtain a bearer token with the user name and password."""
        password = self._password_provider()
        if not password:
            self._token = None
            raise CredentialsUnavailable(
                f"没有省级系统账号 {self.username} 的密码：请在“设置 → 省级系统”中输入密码后再上传"
            )
        response = self._send("POST", mapping.LOGIN_PATH, json=mapping.login_body(self.username, password))
        self.logins += 1
        if response.status_code in (400, 401, 403):
            self._token = None
            raise CredentialsRejected(
                f"省级系统拒绝登录（HTTP {response.status_code}）：请核对账号 {self.username} 的用户名和密码",
                status=response.status_code,
            )
        if not 200 <= response.status_code < 300:
            raise error_for_response(response)
        body = _json_or_none(response) or {}
        token = body.get(mapping.TOKEN_FIELD)
        if not isinstance(token, str) or not token:
            raise ServerError("省级系统登录应答中没有令牌，稍后自动重试", status=response.status_code)
        try:
            expires_in = float(body.get(mapping.TOKEN_EXPIRES_IN) or 0)
        except (TypeError, ValueError):
            expires_in = 0.0
        self._token = token
        # Renew a little early; without a stated lifetime rely on the server's 401.
        self._token_expires = time.monotonic() + expires_in * 0.9 if expires_in > 0 else float("inf")

    def _auth_headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None or time.monotonic() >= self._token_expires:
                self.login()
            return {mapping.HEADER_AUTHORIZATION: f"Bearer {self._token}"}

    def _authorised(self, method: str, path: str, **kw: Any) -> Any:
        """Send with the token; on 401 log in again once and repeat once."""
        headers = dict(kw.pop("headers", {}) or {})
        response = self._send(method, path, headers={**headers, **self._auth_headers()}, **kw)
        if response.status_code == 401:
            with self._lock:
                self._token = None
            response = self._send(method, path, headers={**headers, **self._auth_headers()}, **kw)
        return response

    def _receipt(self, response: Any) -> Receipt:
        body = _json_or_none(response)
        try:
            fields = mapping.receipt_from_wire(body or {})
        except (KeyError, ValueError, TypeError) as exc:
            raise ServerError(
                f"省级系统应答无法识别（HTTP {response.status_code}），稍后自动重试", status=response.status_code
            ) from exc
        return Receipt(
            receipt_number=fields["receipt_number"],
            idempotency_key=fields["idempotency_key"],
            accepted_at=fields["accepted_at"],
            duplicate=fields["duplicate"],
            extra={"kind": fields["kind"], "task_number": fields["task_number"]},
        )

    # ---- the interface
    def upload(self, package: bytes, idempotency_key: str, meta: dict[str, Any]) -> Receipt:
        meta = {**meta, "package_sha256": meta.get("package_sha256") or package_sha256(package)}
        headers = {
            "Content-Type": mapping.PACKAGE_CONTENT_TYPE,
            mapping.HEADER_IDEMPOTENCY_KEY: idempotency_key,
            **mapping.meta_to_headers(meta),
        }
        response = self._authorised("POST", mapping.UPLOAD_PATH, content=package, headers=headers)
        if 200 <= response.status_code < 300:
            receipt = self._receipt(response)
            if receipt.idempotency_key != idempotency_key:
                raise ServerError("省级系统回执与上传编号不一致，稍后自动重试", status=response.status_code)
            return receipt
        raise error_for_response(response)

    def query(self, idempotency_key: str | None = None, *, receipt_number: str | None = None) -> Receipt | None:
        if receipt_number:
            path = mapping.RECEIPT_PATH.format(number=quote(receipt_number, safe=""))
        elif idempotency_key:
            path = mapping.UPLOAD_BY_KEY_PATH.format(key=quote(idempotency_key, safe=""))
        else:
            raise ValueError("query needs an idempotency key or a receipt number")
        response = self._authorised("GET", path)
        if response.status_code == 404:
            return None
        if 200 <= response.status_code < 300:
            return self._receipt(response)
        raise error_for_response(response)


# --------------------------------------------------------------------------------------------
# Folder (upload by hand)
# --------------------------------------------------------------------------------------------

KIND_LABELS = {"result": "监测结果", "notice": "告知书", "analysis_report": "分析报告", "task_results": "监测结果",
               "hazard": "重大风险隐患报告"}


def _safe_name(text: str) -> str:
    return safe_file_name(text)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through the one file writer (:mod:`app.fileio`): a temporary
    file in the same folder, fsync and rename; regular files only, the user's umask; a file-system
    error is an :class:`~app.errors.OutputError` whose message names the file or folder."""
    atomic_write_bytes(path, data)


class FolderGateway:
    """Writes each package to ``folder`` for upload by hand through the provincial web portal.

    ``upload`` returns a receipt with ``status="exported"`` and no number: nothing is delivered
    yet. After the user uploaded the file in the portal, :meth:`confirm` records it (with the
    portal's receipt number when there is one) and only then is it ``delivered_by_hand``. The
    record of each file is a small JSON file beside it (``<name>.zip.json``).
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def close(self) -> None:
        pass

    def file_name(self, idempotency_key: str, meta: dict[str, Any]) -> str:
        task = meta.get("task_number")
        label = KIND_LABELS.get(str(meta.get("kind")), "")
        tail = _safe_name(idempotency_key)[-12:]
        if task:
            report = meta.get("report_number")
            parts = [_safe_name(str(task)), label, _safe_name(str(report)) if report else "", tail]
            return "-".join(p for p in parts if p) + ".zip"
        return _safe_name(idempotency_key) + ".zip"

    def _record_path(self, zip_path: Path) -> Path:
        return zip_path.with_name(zip_path.name + ".json")

    def _find(self, idempotency_key: str) -> tuple[Path, dict[str, Any]] | None:
        if not self.folder.is_dir():
            return None
        for record_path in sorted(self.folder.glob("*.zip.json")):
            try:
                record = json.loads(record_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(record, dict) and record.get("idempotency_key") == idempotency_key:
                return record_path.with_name(record_path.name[: -len(".json")]), record
        return None

    def upload(self, package: bytes, idempotency_key: str, meta: dict[str, Any]) -> Receipt:
        found = self._find(idempotency_key)
        if found and found[1].get("delivered_at"):
            return self._receipt(found[0], found[1], duplicate=True)
        path = found[0] if found else self.folder / self.file_name(idempotency_key, meta)
        try:
            write_atomically(path, package)
            record = {
                "idempotency_key": idempotency_key,
                "file": path.name,
                "sha256": package_sha256(package),
                "size": len(package),
                "kind": meta.get("kind"),
                "task_number": meta.get("task_number"),
                "exported_at": mapping.format_timestamp(clock.utcnow()),
                "delivered_at": None,
                "receipt_number": None,
            }
            write_atomically(
                self._record_path(path), json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
            )
        except OutputError as exc:  # disk full, no permission, …: the writer's message names the folder
            raise PermanentError(f"无法写入导出文件夹：{exc.message}") from exc
        except OSError as exc:
            raise PermanentError(f"无法写入导出文件夹 {self.folder}：{exc.strerror or exc}") from exc
        return Receipt(None, idempotency_key, None, status="exported", path=path)

    def confirm(self, idempotency_key: str, receipt_number: str | None = None) -> Receipt:
        """The user says the file was uploaded through the portal (with the portal's number)."""
        found = self._find(idempotency_key)
        if found is None:
            raise GatewayError("导出文件夹中找不到该上传包，请先导出")
        path, record = found
        if not record.get("delivered_at"):
            record["delivered_at"] = mapping.format_timestamp(clock.utcnow())
            record["receipt_number"] = receipt_number or None
            write_atomically(
                self._record_path(path), json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
            )
        return self._receipt(path, record, duplicate=False)

    def _receipt(self, path: Path, record: dict[str, Any], *, duplicate: bool) -> Receipt:
        delivered = record.get("delivered_at")
        return Receipt(
            receipt_number=record.get("receipt_number"),
            idempotency_key=str(record["idempotency_key"]),
            accepted_at=mapping.parse_timestamp(delivered) if delivered else None,
            duplicate=duplicate,
            status="delivered_by_hand" if delivered else "exported",
            path=path,
        )

    def query(self, idempotency_key: str | None = None, *, receipt_number: str | None = None) -> Receipt | None:
        if idempotency_key is None:
            return None
        found = self._find(idempotency_key)
        if found is None:
            return None
        return self._receipt(found[0], found[1], duplicate=False)
