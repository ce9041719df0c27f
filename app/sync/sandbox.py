"""A local stand-in for the provincial information system, for demos, tests and benchmarks.

It speaks the contract of ``docs/provincial-api.md`` (see :mod:`app.sync.mapping`) on 127.0.0.1
only: login with fixed demo accounts, bearer tokens that expire, package upload with
validation, idempotency (a repeated key returns the first receipt, never a second record),
receipts ``HBJG-<year>-<000123>``, queries, and counters for tests. Its records are kept in a
SQLite file (``state_path``) so that a restart keeps them.

Faults can be injected to exercise the client: ``fail_rate`` (HTTP 500 before anything is
stored), ``latency_ms``, ``timeout_rate`` (store, then answer only after ``hang_seconds``),
``drop_rate`` (store, then close the connection without answering — the hard case for
idempotency), ``expire_rate`` (401, the token is dropped) and ``rate_limit_rate`` (429 with
``Retry-After``).

Run it with ``riskmon sandbox`` or ``python -m app.sync.sandbox --port 8765``; in tests use
:func:`start_sandbox`, which runs it in a thread and can stop and restart it on the same port.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import secrets
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from app import clock
from app.sync import mapping
from app.sync.packages import validate_upload

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_USERS = {"demo": "demo-password"}
CHINA_TZ = timezone(timedelta(hours=8))
MAX_PACKAGE_BYTES = 64 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


@dataclass
class Faults:
    """Injected faults; each rate is a probability per request (0 … 1)."""

    fail_rate: float = 0.0  # HTTP 500 before anything is stored
    latency_ms: int = 0  # added to every API request
    timeout_rate: float = 0.0  # upload stored, the answer comes only after hang_seconds
    hang_seconds: float = 5.0
    drop_rate: float = 0.0  # upload stored, connection closed without an answer
    expire_rate: float = 0.0  # 401 token_expired (the token is forgotten)
    rate_limit_rate: float = 0.0  # 429 with Retry-After
    retry_after_seconds: float = 1.0

    def update(self, values: dict[str, Any]) -> None:
        names = {f.name: f.type for f in fields(self)}
        for key, value in values.items():
            if key not in names:
                raise ValueError(f"unknown fault: {key}")
            setattr(self, key, type(getattr(self, key))(value))


@dataclass
class SandboxConfig:
    users: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_USERS))
    forbidden_users: frozenset[str] = frozenset()  # may log in but get 403 on upload
    token_ttl: float = 900.0  # seconds
    state_path: Path | None = None  # None: kept in memory only
    max_package_bytes: int = MAX_PACKAGE_BYTES
    faults: Faults = field(default_factory=Faults)
    seed: int | None = None
    verbose: bool = False


# --------------------------------------------------------------------------------------------
# State (persistent)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    idempotency_key: str
    receipt_number: str
    sha256: str
    size: int
    kind: str | None
    task_number: str | None
    username: str
    accepted_at: datetime


class SandboxState:
    """Accepted uploads and counters in SQLite (a file survives restarts; ``None`` = memory)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._closed = False
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(
                """
                CREATE TABLE IF NOT EXISTS uploads (
                    idempotency_key TEXT PRIMARY KEY,
                    receipt_number TEXT NOT NULL UNIQUE,
                    sha256 TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    kind TEXT,
                    task_number TEXT,
                    username TEXT NOT NULL,
                    accepted_at TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                """
            )

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def _bump(self, name: str, by: int = 1) -> int:
        self._db.execute(
            "INSERT INTO counters(name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
            (name, by),
        )
        return int(self._db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0])

    @staticmethod
    def _record(row: tuple[Any, ...]) -> Record:
        return Record(
            idempotency_key=row[0],
            receipt_number=row[1],
            sha256=row[2],
            size=int(row[3]),
            kind=row[4],
            task_number=row[5],
            username=row[6],
            accepted_at=mapping.parse_timestamp(row[7]),
        )

    _COLUMNS = "idempotency_key, receipt_number, sha256, size, kind, task_number, username, accepted_at"

    def accept(
        self, key: str, sha256: str, size: int, kind: str | None, task_number: str | None, username: str
    ) -> tuple[Record, bool]:
        """Store a new upload, or return the first record for ``key``; ``(record, duplicate)``."""
        with self._lock:
            if self._closed:
                raise ConnectionAbortedError("sandbox stopped")
            row = self._db.execute(
                f"SELECT {self._COLUMNS} FROM uploads WHERE idempotency_key = ?", (key,)
            ).fetchone()
            if row is not None:
                record = self._record(row)
                if record.sha256 == sha256:
                    self._db.execute("BEGIN IMMEDIATE")
                    self._bump("duplicates_prevented")
                    self._db.execute("COMMIT")
                return record, True
            now = clock.utcnow().replace(microsecond=0)
            year = now.astimezone(CHINA_TZ).year
            self._db.execute("BEGIN IMMEDIATE")
            try:
                seq = self._bump(f"seq:{year}")
                record = Record(
                    key, mapping.format_receipt_number(year, seq), sha256, size, kind, task_number, username, now
                )
                self._db.execute(
                    f"INSERT INTO uploads({self._COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, record.receipt_number, sha256, size, kind, task_number, username,
                     mapping.format_timestamp(now)),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return record, False

    def count_rejected(self) -> None:
        with self._lock:
            if not self._closed:
                self._bump("rejected")

    def by_key(self, key: str) -> Record | None:
        with self._lock:
            row = self._db.execute(f"SELECT {self._COLUMNS} FROM uploads WHERE idempotency_key = ?", (key,)).fetchone()
        return self._record(row) if row else None

    def by_receipt(self, number: str) -> Record | None:
        with self._lock:
            row = self._db.execute(f"SELECT {self._COLUMNS} FROM uploads WHERE receipt_number = ?", (number,)).fetchone()
        return self._record(row) if row else None

    def records(self) -> list[Record]:
        with self._lock:
            rows = self._db.execute(f"SELECT {self._COLUMNS} FROM uploads ORDER BY receipt_number").fetchall()
        return [self._record(r) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._lock:
            accepted = int(self._db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0])
            distinct = int(self._db.execute("SELECT COUNT(DISTINCT sha256) FROM uploads").fetchone()[0])
            counters = dict(self._db.execute("SELECT name, value FROM counters").fetchall())
        return {
            "accepted": accepted,
            "distinct_packages": distinct,
            "duplicates_prevented": int(counters.get("duplicates_prevented", 0)),
            "rejected": int(counters.get("rejected", 0)),
        }


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------


class _Dropped(Exception):
    """The handler closed the connection on purpose."""


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port: int, config: SandboxConfig) -> None:
        self.config = config
        self.state = SandboxState(config.state_path)
        self.random = random.Random(config.seed)
        self._random_lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}
        self._tokens_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.stats: dict[str, int] = {
            "requests": 0,
            "logins": 0,
            "faults_500": 0,
            "faults_timeout": 0,
            "faults_drop": 0,
            "faults_401": 0,
            "faults_429": 0,
        }
        self._stats_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    # connection tracking, so that stop() really cuts every open keep-alive connection
    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def cut_connections(self) -> None:
        with self._connections_lock:
            conns = list(self._connections)
            self._connections.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                conn.close()
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that resets its connection is normal here (timeouts, stops): no traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError | ValueError) and not self.config.verbose:
            return
        super().handle_error(request, client_address)

    # helpers for the handler
    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._random_lock:
            return self.random.random() < rate

    def bump(self, name: str) -> None:
        with self._stats_lock:
            self.stats[name] = self.stats.get(name, 0) + 1

    def issue_token(self, username: str) -> str:
        token = secrets.token_urlsafe(24)
        with self._tokens_lock:
            self._tokens[token] = (username, time.monotonic() + self.config.token_ttl)
        return token

    def user_for(self, token: str | None) -> str | None:
        if not token:
            return None
        with self._tokens_lock:
            entry = self._tokens.get(token)
            if entry is None:
                return None
            if time.monotonic() >= entry[1]:
                del self._tokens[token]
                return None
            return entry[0]

    def revoke(self, token: str | None) -> None:
        with self._tokens_lock:
            self._tokens.pop(token or "", None)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: SandboxServer
    server_version = "HBJG-Sandbox/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.config.verbose:
            super().log_message(format, *args)

    # ---- responses
    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: str, message: str, **kw: Any) -> None:
        headers = kw.pop("headers", None)
        self._json(status, mapping.error_body(code, message, **kw), headers)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise _Dropped

    def _read_body(self) -> bytes | None:
        length_text = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._error(411, mapping.ERR_BAD_REQUEST, "需要 Content-Length")
            self.close_connection = True
            return None
        try:
            length = int(length_text or 0)
        except ValueError:
            self._error(400, mapping.ERR_BAD_REQUEST, "Content-Length 无效")
            self.close_connection = True
            return None
        if length > self.server.config.max_package_bytes:
            self._error(413, mapping.ERR_VALIDATION, "上传包过大")
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def _bearer(self) -> str | None:
        value = self.headers.get(mapping.HEADER_AUTHORIZATION, "")
        if value.startswith("Bearer "):
            return value[len("Bearer ") :].strip()
        return None

    # ---- dispatch
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        try:
            self._route(method)
        except _Dropped:
            return
        except (ConnectionError, OSError, sqlite3.ProgrammingError):
            self.close_connection = True  # the client went away, or the sandbox is stopping

    def _route(self, method: str) -> None:
        path = urlsplit(self.path).path
        body = self._read_body() if method == "POST" else b""
        if body is None:
            return
        if path.startswith(f"{mapping.API_PREFIX}/_sandbox/"):
            self._control(method, path, body)
            return
        server = self.server
        server.bump("requests")
        faults = server.config.faults
        if faults.latency_ms > 0:
            time.sleep(faults.latency_ms / 1000.0)
        if server.roll(faults.fail_rate):
            server.bump("faults_500")
            self._error(500, mapping.ERR_INTERNAL, "模拟的服务器内部错误")
            return
        if server.roll(faults.rate_limit_rate):
            server.bump("faults_429")
            self._error(
                429,
                mapping.ERR_RATE_LIMITED,
                "请求过于频繁",
                headers={mapping.HEADER_RETRY_AFTER: str(int(faults.retry_after_seconds))},
            )
            return
        if method == "POST" and path == mapping.LOGIN_PATH:
            self._login(body)
            return
        token = self._bearer()
        user = server.user_for(token)
        if user is None:
            self._error(401, mapping.ERR_TOKEN_EXPIRED, "登录已失效，请重新登录")
            return
        if server.roll(faults.expire_rate):
            server.bump("faults_401")
            server.revoke(token)
            self._error(401, mapping.ERR_TOKEN_EXPIRED, "登录已失效，请重新登录")
            return
        if method == "POST" and path == mapping.UPLOAD_PATH:
            self._upload(user, body)
            return
        prefix_uploads = mapping.UPLOAD_BY_KEY_PATH.split("{", 1)[0]
        prefix_receipts = mapping.RECEIPT_PATH.split("{", 1)[0]
        if method == "GET" and path.startswith(prefix_uploads):
            record = server.state.by_key(unquote(path[len(prefix_uploads) :]))
            self._receipt_or_404(record)
            return
        if method == "GET" and path.startswith(prefix_receipts):
            record = server.state.by_receipt(unquote(path[len(prefix_receipts) :]))
            self._receipt_or_404(record)
            return
        self._error(404, mapping.ERR_NOT_FOUND, "没有这个接口")

    def _receipt_or_404(self, record: Record | None) -> None:
        if record is None:
            self._error(404, mapping.ERR_NOT_FOUND, "没有找到该上传记录")
        else:
            self._json(200, self._receipt_body(record, duplicate=False))

    @staticmethod
    def _receipt_body(record: Record, *, duplicate: bool) -> dict[str, Any]:
        return mapping.receipt_to_wire(
            receipt_number=record.receipt_number,
            idempotency_key=record.idempotency_key,
            accepted_at=record.accepted_at,
            duplicate=duplicate,
            kind=record.kind,
            task_number=record.task_number,
        )

    def _login(self, body: bytes) -> None:
        server = self.server
        try:
            data = json.loads(body.decode("utf-8"))
            username = str(data[mapping.LOGIN_USERNAME])
            password = str(data[mapping.LOGIN_PASSWORD])
        except (ValueError, UnicodeDecodeError, KeyError, TypeError):
            self._error(400, mapping.ERR_BAD_REQUEST, "登录请求格式错误")
            return
        expected = server.config.users.get(username)
        if expected is None or not secrets.compare_digest(expected.encode("utf-8"), password.encode("utf-8")):
            self._error(401, mapping.ERR_INVALID_CREDENTIALS, "用户名或密码错误")
            return
        server.bump("logins")
        token = server.issue_token(username)
        self._json(
            200,
            {mapping.TOKEN_FIELD: token, "token_type": "Bearer", mapping.TOKEN_EXPIRES_IN: int(server.config.token_ttl)},
        )

    def _upload(self, user: str, body: bytes) -> None:
        server = self.server
        if user in server.config.forbidden_users:
            self._error(403, mapping.ERR_FORBIDDEN, "该账号没有上传权限")
            return
        key = self.headers.get(mapping.HEADER_IDEMPOTENCY_KEY, "")
        if not mapping.IDEMPOTENCY_KEY_RE.match(key):
            self._error(400, mapping.ERR_BAD_REQUEST, "缺少或无效的 Idempotency-Key", reasons=["缺少或无效的 Idempotency-Key"], codes=["bad_key"])
            return
        meta = mapping.headers_to_meta(self.headers)
        digest = hashlib.sha256(body).hexdigest()
        declared = meta.get("package_sha256")
        if declared and declared.lower() != digest:
            server.state.count_rejected()
            self._error(
                400, mapping.ERR_VALIDATION, "上传包在传输中损坏", reasons=["上传包的 SHA-256 与请求头不符"], codes=["checksum_mismatch"]
            )
            return
        existing = server.state.by_key(key)
        if existing is None:
            problems, codes = validate_upload(body, meta.get("kind"))
            if problems:
                server.state.count_rejected()
                self._error(400, mapping.ERR_VALIDATION, "上传包未通过校验", reasons=problems, codes=codes)
                return
        record, duplicate = server.state.accept(key, digest, len(body), meta.get("kind"), meta.get("task_number"), user)
        if duplicate and record.sha256 != digest:
            self._error(409, mapping.ERR_IDEMPOTENCY_CONFLICT, "该 Idempotency-Key 已用于内容不同的上传包")
            return
        # The upload is stored: the faults below are the ones that leave the client in doubt.
        faults = server.config.faults
        if server.roll(faults.drop_rate):
            server.bump("faults_drop")
            self._drop()
        if server.roll(faults.timeout_rate):
            server.bump("faults_timeout")
            time.sleep(faults.hang_seconds)
        self._json(200 if duplicate else 201, self._receipt_body(record, duplicate=duplicate))

    def _control(self, method: str, path: str, body: bytes) -> None:
        server = self.server
        if method == "GET" and path == mapping.SANDBOX_COUNTS_PATH:
            with server._stats_lock:
                stats = dict(server.stats)
            self._json(200, {**server.state.counts(), **stats})
            return
        if method == "GET" and path == f"{mapping.API_PREFIX}/_sandbox/uploads":
            self._json(
                200,
                [
                    {**asdict(r), "accepted_at": mapping.format_timestamp(r.accepted_at)}
                    for r in server.state.records()
                ],
            )
            return
        if path == mapping.SANDBOX_FAULTS_PATH:
            if method == "POST":
                try:
                    server.config.faults.update(json.loads(body.decode("utf-8") or "{}"))
                except (ValueError, TypeError, UnicodeDecodeError) as exc:
                    self._error(400, mapping.ERR_BAD_REQUEST, str(exc))
                    return
            self._json(200, asdict(server.config.faults))
            return
        self._error(404, mapping.ERR_NOT_FOUND, "没有这个接口")


# --------------------------------------------------------------------------------------------
# Running it
# --------------------------------------------------------------------------------------------


class RunningSandbox:
    """A sandbox served from a background thread; ``stop()``/``restart()`` keep the same port."""

    def __init__(self, config: SandboxConfig, port: int = 0) -> None:
        self.config = config
        self._server: SandboxServer | None = None
        self._thread: threading.Thread | None = None
        self.port = port
        self.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def server(self) -> SandboxServer:
        if self._server is None:
            raise RuntimeError("sandbox is stopped")
        return self._server

    @property
    def state(self) -> SandboxState:
        return self.server.state

    @property
    def faults(self) -> Faults:
        return self.config.faults

    def start(self) -> None:
        if self._server is not None:
            return
        deadline = time.monotonic() + 5.0
        while True:
            try:
                server = SandboxServer(self.port, self.config)
                break
            except OSError:
                if self.port == 0 or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="riskmon-sandbox", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop like a crash: close the listener and cut every open connection at once."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.cut_connections()
        server.state.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def counts(self) -> dict[str, int]:
        server = self.server
        with server._stats_lock:
            stats = dict(server.stats)
        return {**server.state.counts(), **stats}

    def records(self) -> list[Record]:
        return self.server.state.records()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _config(
    *,
    fail_rate: float = 0.0,
    latency_ms: int = 0,
    state_path: str | Path | None = None,
    drop_rate: float = 0.0,
    timeout_rate: float = 0.0,
    hang_seconds: float = 5.0,
    expire_rate: float = 0.0,
    rate_limit_rate: float = 0.0,
    retry_after_seconds: float = 1.0,
    users: dict[str, str] | None = None,
    forbidden_users: frozenset[str] | set[str] = frozenset(),
    token_ttl: float = 900.0,
    seed: int | None = None,
    verbose: bool = False,
) -> SandboxConfig:
    for name, rate in (
        ("fail_rate", fail_rate),
        ("drop_rate", drop_rate),
        ("timeout_rate", timeout_rate),
        ("expire_rate", expire_rate),
        ("rate_limit_rate", rate_limit_rate),
    ):
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1")
    return SandboxConfig(
        users=dict(users) if users else dict(DEFAULT_USERS),
        forbidden_users=frozenset(forbidden_users),
        token_ttl=token_ttl,
        state_path=Path(state_path) if state_path else None,
        faults=Faults(
            fail_rate=fail_rate,
            latency_ms=int(latency_ms),
            timeout_rate=timeout_rate,
            hang_seconds=hang_seconds,
            drop_rate=drop_rate,
            expire_rate=expire_rate,
            rate_limit_rate=rate_limit_rate,
            retry_after_seconds=retry_after_seconds,
        ),
        seed=seed,
        verbose=verbose,
    )


def start_sandbox(port: int = 0, **options: Any) -> RunningSandbox:
    """Start a sandbox in a background thread (``port=0``: any free port); see :func:`serve`."""
    return RunningSandbox(_config(**options), port)


def serve(
    port: int = DEFAULT_PORT,
    fail_rate: float = 0.0,
    latency_ms: int = 0,
    state_path: str | Path | None = None,
    *,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
    **options: Any,
) -> int:
    """Serve the sandbox on 127.0.0.1:``port`` until ``stop`` is set or Ctrl+C; returns 0.

    ``ready(url)`` is called once the socket listens. Other options: ``drop_rate``,
    ``timeout_rate``, ``hang_seconds``, ``expire_rate``, ``rate_limit_rate``,
    ``retry_after_seconds``, ``users`` ({name: password}), ``forbidden_users``, ``token_ttl``,
    ``seed``, ``verbose``.
    """
    config = _config(fail_rate=fail_rate, latency_ms=latency_ms, state_path=state_path, **options)
    sandbox = RunningSandbox(config, port)
    try:
        if ready is not None:
            ready(sandbox.url)
        while not (stop is not None and stop.is_set()):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m app.sync.sandbox", description="省级系统本地模拟环境（仅 127.0.0.1）")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"端口（默认 {DEFAULT_PORT}；0 表示任意空闲端口）")
    p.add_argument("--fail-rate", type=float, default=0.0, help="返回 HTTP 500 的比例（0–1）")
    p.add_argument("--latency", type=int, default=0, metavar="MS", help="每个请求的附加延迟（毫秒）")
    p.add_argument("--state", default=None, help="保存记录的 SQLite 文件（默认仅在内存中）")
    p.add_argument("--drop-rate", type=float, default=0.0, help="保存后不应答直接断开连接的比例")
    p.add_argument("--timeout-rate", type=float, default=0.0, help="保存后延迟应答（超时）的比例")
    p.add_argument("--hang", type=float, default=5.0, metavar="SECONDS", help="超时故障的延迟秒数")
    p.add_argument("--expire-rate", type=float, default=0.0, help="返回 401（令牌失效）的比例")
    p.add_argument("--rate-limit-rate", type=float, default=0.0, help="返回 429 的比例")
    p.add_argument("--retry-after", type=float, default=1.0, help="429 时 Retry-After 的秒数")
    p.add_argument("--user", default="demo", help="演示账号（默认 demo）")
    p.add_argument("--password", default=DEFAULT_USERS["demo"], help="演示密码")
    p.add_argument("--token-ttl", type=float, default=900.0, help="令牌有效期（秒）")
    p.add_argument("--seed", type=int, default=None, help="故障随机数种子")
    p.add_argument("--verbose", action="store_true", help="打印每个请求")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def ready(url: str) -> None:
        print(f"READY {url}", flush=True)
        print(f"省级系统模拟环境已启动：{url}（账号 {args.user}），按 Ctrl+C 停止", file=sys.stderr, flush=True)

    try:
        return serve(
            args.port,
            args.fail_rate,
            args.latency,
            args.state,
            ready=ready,
            drop_rate=args.drop_rate,
            timeout_rate=args.timeout_rate,
            hang_seconds=args.hang,
            expire_rate=args.expire_rate,
            rate_limit_rate=args.rate_limit_rate,
            retry_after_seconds=args.retry_after,
            users={args.user: args.password},
            token_ttl=args.token_ttl,
            seed=args.seed,
            verbose=args.verbose,
        )
    except (OSError, ValueError) as exc:
        print(f"无法启动模拟环境：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
