"""HttpGateway against the real sandbox on 127.0.0.1, and FolderGateway on a temporary folder."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from app.sync import gateway as gw
from app.sync import mapping
from app.sync.gateway import FolderGateway, HttpGateway

from .conftest import DEMO_PASSWORD, DEMO_USER
from .helpers import corrupt_package, make_package

META = {"kind": "task_results", "task_number": "HBFX-2026-017（第二批）", "report_number": "R/1 2"}


def http(sandbox, *, password: str | None = DEMO_PASSWORD, read_timeout: float = 5.0, user: str = DEMO_USER):
    return HttpGateway(sandbox.url, user, lambda: password, connect_timeout=2.0, read_timeout=read_timeout)


def test_upload_returns_receipt_and_repeat_returns_the_first(sandbox):
    package = make_package(1)
    with http(sandbox) as g:
        first = g.upload(package, "key-0000000001", META)
        again = g.upload(package, "key-0000000001", META)
    assert mapping.RECEIPT_NUMBER_RE.match(first.receipt_number)
    assert first.duplicate is False and again.duplicate is True
    assert again.receipt_number == first.receipt_number
    assert first.status == "accepted" and first.accepted_at is not None
    assert first.extra["task_number"] == META["task_number"]  # non-ASCII meta survives the headers
    counts = sandbox.counts()
    assert counts["accepted"] == 1 and counts["duplicates_prevented"] == 1


def test_distinct_keys_get_consecutive_receipts(sandbox):
    with http(sandbox) as g:
        numbers = [g.upload(make_package(i), f"key-{i:010d}", META).receipt_number for i in range(3)]
    seqs = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]
    assert sandbox.counts()["accepted"] == 3


def test_query_by_key_and_by_receipt_number(sandbox):
    with http(sandbox) as g:
        receipt = g.upload(make_package(2), "key-query-0001", META)
        assert g.query("key-query-0001").receipt_number == receipt.receipt_number
        assert g.query(receipt_number=receipt.receipt_number).idempotency_key == "key-query-0001"
        assert g.query("key-unknown-0001") is None
        assert g.query(receipt_number="HBJG-2026-999999") is None


def test_invalid_package_is_rejected_permanently_with_server_reasons(sandbox):
    with http(sandbox) as g, pytest.raises(gw.UploadRejected) as info:
        g.upload(corrupt_package(3), "key-bad-000001", META)
    err = info.value
    assert not err.retryable and err.status == 400
    assert "hash_mismatch" in err.codes
    assert err.reasons and all(isinstance(r, str) for r in err.reasons)
    assert "拒收" in err.message
    assert sandbox.counts()["accepted"] == 0 and sandbox.counts()["rejected"] == 1


def test_not_a_zip_is_rejected(sandbox):
    with http(sandbox) as g, pytest.raises(gw.UploadRejected) as info:
        g.upload(b"not a zip at all", "key-bad-000002", META)
    assert "not_zip" in info.value.codes


def test_same_key_other_package_is_a_conflict(sandbox):
    with http(sandbox) as g:
        g.upload(make_package(4), "key-conflict-01", META)
        with pytest.raises(gw.IdempotencyConflict) as info:
            g.upload(make_package(5), "key-conflict-01", META)
    assert not info.value.retryable and info.value.status == 409
    assert sandbox.counts()["accepted"] == 1


def test_forbidden_account_is_permanent(tmp_path):
    from app.sync.sandbox import start_sandbox

    with start_sandbox(users={"viewer": "pw-123456"}, forbidden_users={"viewer"}) as sb:
        with http(sb, user="viewer", password="pw-123456") as g, pytest.raises(gw.Forbidden) as info:
            g.upload(make_package(6), "key-forbid-001", META)
    assert not info.value.retryable and info.value.status == 403


def test_server_error_is_retryable(sandbox):
    sandbox.faults.fail_rate = 1.0
    with http(sandbox) as g, pytest.raises(gw.ServerError) as info:
        g.upload(make_package(7), "key-500-000001", META)
    assert info.value.retryable and info.value.status == 500
    sandbox.faults.fail_rate = 0.0
    with http(sandbox) as g:
        assert g.upload(make_package(7), "key-500-000001", META).duplicate is False


def test_rate_limit_carries_retry_after(sandbox):
    sandbox.faults.rate_limit_rate = 1.0
    sandbox.faults.retry_after_seconds = 7
    with http(sandbox) as g, pytest.raises(gw.RateLimited) as info:
        g.upload(make_package(8), "key-429-000001", META)
    assert info.value.retryable and info.value.retry_after == 7


def test_dropped_connection_after_storing_is_retryable_and_the_retry_gets_the_first_receipt(sandbox):
    sandbox.faults.drop_rate = 1.0
    package = make_package(9)
    with http(sandbox) as g:
        with pytest.raises(gw.ConnectionLost) as info:
            g.upload(package, "key-drop-000001", META)
        assert info.value.retryable
        assert sandbox.counts()["accepted"] == 1  # the server did store it
        sandbox.faults.drop_rate = 0.0
        receipt = g.upload(package, "key-drop-000001", META)
    assert receipt.duplicate is True
    assert sandbox.counts()["accepted"] == 1


def test_read_timeout_is_retryable(sandbox):
    sandbox.faults.timeout_rate = 1.0
    sandbox.faults.hang_seconds = 1.0
    with http(sandbox, read_timeout=0.2) as g, pytest.raises(gw.GatewayTimeout) as info:
        g.upload(make_package(10), "key-timeout-001", META)
    assert info.value.retryable


def test_connection_refused_is_retryable(sandbox):
    url = sandbox.url
    sandbox.stop()
    g = HttpGateway(url, DEMO_USER, lambda: DEMO_PASSWORD, connect_timeout=1.0, read_timeout=1.0)
    with g, pytest.raises(gw.ConnectionLost):
        g.upload(make_package(11), "key-refused-01", META)


def test_expired_token_logs_in_again_once(tmp_path):
    import time

    from app.sync.sandbox import start_sandbox

    with start_sandbox(token_ttl=0.5) as sb, http(sb) as g:
        g.upload(make_package(12), "key-ttl-000001", META)
        logins = g.logins
        # The client renews a token after 90 % of its lifetime by itself; make it keep the old one
        # so that the server's refusal (401) is what makes it log in again.
        g._token_expires = float("inf")
        time.sleep(0.6)
        g.upload(make_package(13), "key-ttl-000002", META)
        assert g.logins == logins + 1
        assert sb.counts()["accepted"] == 2


def test_401_again_after_relogin_is_retryable(sandbox):
    sandbox.faults.expire_rate = 1.0
    with http(sandbox) as g:
        with pytest.raises(gw.AuthenticationExpired) as info:
            g.upload(make_package(14), "key-401-000001", META)
        assert g.logins == 2  # the first login, and exactly one more after the 401
    assert info.value.retryable and not info.value.stops_run


def test_wrong_password_stops_the_run(sandbox):
    with http(sandbox, password="wrong") as g, pytest.raises(gw.CredentialsRejected) as info:
        g.upload(make_package(15), "key-cred-000001", META)
    assert info.value.stops_run
    assert sandbox.counts()["accepted"] == 0


def test_no_password_stops_the_run_without_contacting_the_server(sandbox):
    with http(sandbox, password=None) as g, pytest.raises(gw.CredentialsUnavailable) as info:
        g.upload(make_package(16), "key-cred-000002", META)
    assert info.value.stops_run
    assert sandbox.counts()["requests"] == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7", 7.0), ("0", 0.0), ("-3", 0.0), ("junk", None), ("", None), (None, None), ("99999999", 6 * 3600.0)],
)
def test_parse_retry_after_seconds(value, expected):
    assert gw.parse_retry_after(value) == expected


def test_parse_retry_after_http_date():
    now = datetime(2026, 5, 1, 8, 0, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=120), usegmt=True)
    assert gw.parse_retry_after(header, now=now) == 120.0


def test_loopback_detection():
    assert gw.is_loopback_url("http://127.0.0.1:8765")
    assert gw.is_loopback_url("http://localhost/api")
    assert gw.is_loopback_url("http://[::1]:80")
    assert not gw.is_loopback_url("https://zljd.hubei.gov.cn")


def test_meta_round_trips_through_headers():
    meta = {"kind": "analysis_report", "task_number": "任务 A/B%1", "unknown": "x"}
    headers = mapping.meta_to_headers(meta)
    assert all(v.isascii() for v in headers.values())
    assert headers[mapping.META_HEADERS["kind"]] == "ANALYSIS"
    assert mapping.headers_to_meta(headers) == {"kind": "analysis_report", "task_number": "任务 A/B%1"}


# ---------------------------------------------------------------------------- FolderGateway
def test_folder_gateway_exports_then_confirms(tmp_path: Path):
    folder = tmp_path / "out"
    g = FolderGateway(folder)
    package = make_package(20)
    receipt = g.upload(package, "key-folder-0001", META)
    assert receipt.status == "exported" and receipt.receipt_number is None
    assert receipt.path is not None and receipt.path.read_bytes() == package
    assert receipt.path.name.endswith(".zip") and "监测结果" in receipt.path.name
    assert not [p for p in os.listdir(folder) if p.startswith(".tmp-")]
    assert g.query("key-folder-0001").status == "exported"

    confirmed = g.confirm("key-folder-0001", "HBJG-2026-000777")
    assert confirmed.status == "delivered_by_hand"
    assert confirmed.receipt_number == "HBJG-2026-000777" and confirmed.accepted_at is not None
    # Uploading again after the confirmation does not rewrite the file; it reports the first result.
    again = g.upload(package, "key-folder-0001", META)
    assert again.duplicate and again.status == "delivered_by_hand"
    assert g.query("key-folder-0001").receipt_number == "HBJG-2026-000777"
    assert g.query("key-other-0001") is None


def test_folder_gateway_confirm_without_export_fails(tmp_path: Path):
    with pytest.raises(gw.GatewayError):
        FolderGateway(tmp_path).confirm("key-missing-001")


def test_folder_gateway_unwritable_folder_is_a_permanent_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(gw.PermanentError) as info:
        FolderGateway(blocker / "sub").upload(make_package(21), "key-folder-0002", META)
    assert "导出文件夹" in info.value.message
