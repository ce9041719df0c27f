"""A provincial server whose certificate cannot be verified (self-signed, expired, issued for another
host, unknown issuer) is not a dropped line: the item is tried once and then waits for a person, with
the reason in Chinese and what to do about it. Against the real sandbox served over HTTPS on 127.0.0.1."""

from __future__ import annotations

import io
import ssl
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from app import cli
from app.store.types import utcnow
from app.sync import outbox, worker
from app.sync.gateway import (
    CERTIFICATE_HINT,
    CertificateUnverified,
    ConnectionLost,
    HttpGateway,
    _default_tls_context,
    certificate_problem,
)
from app.sync.worker import RetryPolicy

from .conftest import DEMO_PASSWORD, DEMO_USER
from .test_outbox import add_task, queue
from .tls import https_sandbox, issue, trusting

FAST = RetryPolicy(base_delay=10.0, max_delay=80.0, jitter=0.0, lease=30.0, batch_size=5)


@pytest.fixture(autouse=True)
def _no_trust_from_the_environment(monkeypatch):
    """The default context is built afresh for each test, without a trust file from the environment."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    _default_tls_context.cache_clear()
    yield
    _default_tls_context.cache_clear()


def gateway(url: str, verify: object = True) -> HttpGateway:
    return HttpGateway(url, DEMO_USER, lambda: DEMO_PASSWORD, connect_timeout=5.0, read_timeout=5.0, verify=verify)


def test_a_self_signed_server_is_tried_once_then_waits_for_a_person(db, tmp_path: Path):
    task_id = add_task(db)
    [item_id] = queue(db, task_id, 1)
    with https_sandbox(tmp_path, issue("zljd.self-signed.test")) as (url, server):
        # what the CLI and the GUI build: settings → gateway with verification on
        t0 = utcnow()
        with worker.gateway_from_settings(url, DEMO_USER, lambda: DEMO_PASSWORD) as g:
            summary = worker.run_once(db, g, now=t0, policy=FAST)
        assert server.state.counts()["accepted"] == 0
    assert summary.failed == 1 and summary.retry_scheduled == 0
    [item] = outbox.list_items(db)
    assert item.id == item_id and item.state == "failed" and item.attempts == 1
    assert item.next_attempt_at is None and item.needs_attention and item.state_label == "失败，需人工处理"
    assert item.last_error == f"证书无法验证：自签名证书。{CERTIFICATE_HINT}"
    assert "ConnectError" not in item.last_error and "连接中断" not in item.last_error
    assert "SSL_CERT_FILE" in item.last_error and "根证书" in item.last_error
    assert outbox.counts(db)["needs_attention"] == 1
    assert summary.errors == [item.last_error] and "需人工处理 1 项" in summary.describe()
    # never picked up again on its own, however long one waits
    with gateway("https://127.0.0.1:9") as g:
        assert worker.run_once(db, g, now=t0 + timedelta(days=30), policy=FAST).claimed == 0


@pytest.mark.parametrize(
    ("case", "reason"),
    [("expired", "证书已过期"), ("other_host", "主机名不匹配"), ("unknown_issuer", "颁发机构未知")],
)
def test_each_certificate_problem_is_named(tmp_path: Path, case: str, reason: str):
    ca = issue("湖北省测试根证书", hosts=(), is_ca=True)
    if case == "expired":
        server_cert, verify = issue("zljd.test", ca=ca, expired=True), trusting(ca)
    elif case == "other_host":
        server_cert, verify = issue("zljd.other.test", hosts=("zljd.other.test",), ca=ca), trusting(ca)
    else:  # signed by a root nobody here trusts
        server_cert, verify = issue("zljd.test", ca=ca), trusting(issue("另一个根证书", hosts=(), is_ca=True))
    with https_sandbox(tmp_path, server_cert) as (url, server), gateway(url, verify) as g:
        with pytest.raises(CertificateUnverified) as caught:
            g.login()
        assert server.state.counts()["accepted"] == 0
    error = caught.value
    assert not error.retryable and not error.stops_run
    assert error.message.startswith(f"证书无法验证：{reason}") and error.message.endswith(CERTIFICATE_HINT)
    if case == "other_host":
        assert "证书不属于 127.0.0.1" in error.message


def test_the_same_certificate_in_ssl_cert_file_is_trusted(db, tmp_path: Path, monkeypatch):
    """What the hint says works: the internal certificate named by SSL_CERT_FILE is trusted."""
    cert = issue("zljd.internal.test")
    cert_path, _ = cert.write(tmp_path, "internal-root")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    _default_tls_context.cache_clear()
    task_id = add_task(db)
    queue(db, task_id, 1)
    with https_sandbox(tmp_path, cert) as (url, server):
        with worker.gateway_from_settings(url, DEMO_USER, lambda: DEMO_PASSWORD) as g:
            summary = worker.run_once(db, g, policy=FAST)
        assert server.state.counts()["accepted"] == 1
    assert summary.accepted == 1
    [item] = outbox.list_items(db)
    assert item.state == "accepted" and item.receipt_number.startswith("HBJG-")
    _default_tls_context.cache_clear()
    # the default trust (certifi and the system's store) still verifies: nothing switched off
    context = _default_tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_an_unreadable_ssl_cert_file_is_a_plain_chinese_configuration_error(tmp_path: Path, monkeypatch):
    from app.errors import ValidationError
    from app.services import upload

    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    _default_tls_context.cache_clear()
    with pytest.raises(ValidationError, match="SSL_CERT_FILE"):
        worker.gateway_from_settings("https://zljd.example.cn", DEMO_USER, lambda: None)
    assert "SSL_CERT_FILE" in (upload.configuration_problem("https://zljd.example.cn", DEMO_USER) or "")


def test_only_certificate_failures_are_recognised():
    verify_error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    verify_error.verify_code, verify_error.verify_message = 18, "self-signed certificate"
    wrapped = httpx.ConnectError("handshake failed")
    wrapped.__cause__ = verify_error
    assert certificate_problem(wrapped) == "自签名证书"
    text_only = httpx.ConnectError(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)"
    )
    assert certificate_problem(text_only) == "证书已过期"
    assert certificate_problem(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] odd")).startswith("证书校验未通过")
    assert certificate_problem(httpx.ConnectError("[Errno 111] Connection refused")) is None
    assert certificate_problem(httpx.ConnectError("[SSL: WRONG_VERSION_NUMBER] wrong version number")) is None
    # a refused connection is still a dropped line: retried
    with gateway("https://127.0.0.1:9") as g, pytest.raises(ConnectionLost) as caught:
        g.login()
    assert caught.value.retryable


def test_riskmon_sync_prints_the_reason(sqlite_db, tmp_path: Path, monkeypatch, capsys):
    task_id = add_task(sqlite_db)
    queue(sqlite_db, task_id, 1)
    sqlite_db.dispose()
    with https_sandbox(tmp_path, issue("zljd.self-signed.test")) as (url, _server):
        monkeypatch.setattr("sys.stdin", io.StringIO(DEMO_PASSWORD + "\n"))
        code = cli.main(["--home", str(tmp_path), "sync", "--once", "--password-stdin", "--url", url,
                         "--user", DEMO_USER])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in out + err
    assert "HBFX-2026-017" in out and "未被接收，需人工处理：证书无法验证：自签名证书" in out
    assert CERTIFICATE_HINT in out and "需人工处理 1 项" in out
    assert "稍后自动重试" not in out



def test_the_os_trust_store_is_asked_and_certifi_is_the_fallback(tmp_path: Path, monkeypatch):
    """truststore verifies against the operating system's store (Windows certificate store, the
    distribution's CA bundle); certifi's roots are trusted as well, with every check on."""
    import certifi
    import truststore

    context = _default_tls_context()
    assert isinstance(context, truststore.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert _default_tls_context() is context  # built once per process
    # a root that only the certifi bundle holds is trusted
    root = issue("certifi 中的根证书", hosts=(), is_ca=True)
    bundle, _ = root.write(tmp_path, "bundle")
    monkeypatch.setattr(certifi, "where", lambda: str(bundle))
    _default_tls_context.cache_clear()
    with https_sandbox(tmp_path, issue("127.0.0.1", ca=root)) as (url, _server), gateway(url) as g:
        g.login()
    assert g.logins == 1
