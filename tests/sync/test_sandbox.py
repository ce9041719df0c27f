"""The sandbox itself: persistence across restarts, the process entry point, validation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.sync import mapping
from app.sync.gateway import HttpGateway
from app.sync.packages import validate_package
from app.sync.sandbox import start_sandbox

from .conftest import DEMO_PASSWORD, DEMO_USER
from .helpers import corrupt_package, make_package

ROOT = Path(__file__).resolve().parents[2]


def _gateway(url: str) -> HttpGateway:
    return HttpGateway(url, DEMO_USER, lambda: DEMO_PASSWORD, connect_timeout=2.0, read_timeout=5.0)


def test_restart_keeps_records_and_the_receipt_sequence(tmp_path: Path):
    state = tmp_path / "state.sqlite3"
    sb = start_sandbox(state_path=state)
    try:
        with _gateway(sb.url) as g:
            first = g.upload(make_package(1), "key-restart-01", {"kind": "task_results"})
            sb.restart()  # same port, same file; the token is gone with the old process state
            again = g.upload(make_package(1), "key-restart-01", {"kind": "task_results"})
            second = g.upload(make_package(2), "key-restart-02", {"kind": "task_results"})
            assert g.logins == 2
    finally:
        sb.stop()
    assert again.duplicate and again.receipt_number == first.receipt_number
    assert int(second.receipt_number[-6:]) == int(first.receipt_number[-6:]) + 1
    with start_sandbox(state_path=state) as sb2:
        counts = sb2.counts()
        assert counts["accepted"] == 2 and counts["duplicates_prevented"] == 1
        assert [r.idempotency_key for r in sb2.records()] == ["key-restart-01", "key-restart-02"]


def test_stop_cuts_open_keep_alive_connections(tmp_path: Path):
    sb = start_sandbox(state_path=tmp_path / "s.sqlite3")
    with httpx.Client(base_url=sb.url, trust_env=False, timeout=2.0) as client:
        assert client.get(mapping.SANDBOX_COUNTS_PATH).status_code == 200
        sb.stop()
        with pytest.raises(httpx.TransportError):
            client.get(mapping.SANDBOX_COUNTS_PATH)


def test_unauthenticated_upload_is_401_and_unknown_path_404(sandbox):
    with httpx.Client(base_url=sandbox.url, trust_env=False) as client:
        r = client.post(mapping.UPLOAD_PATH, content=make_package(3), headers={"Idempotency-Key": "key-noauth-01"})
        assert r.status_code == 401 and r.json()[mapping.ERROR_CODE] == mapping.ERR_TOKEN_EXPIRED
        token = client.post(mapping.LOGIN_PATH, json={"username": DEMO_USER, "password": DEMO_PASSWORD}).json()
        auth = {"Authorization": f"Bearer {token[mapping.TOKEN_FIELD]}"}
        assert client.get("/api/v1/nothing", headers=auth).status_code == 404
        r = client.post(mapping.UPLOAD_PATH, content=make_package(3), headers=auth)  # no key
        assert r.status_code == 400
        r = client.post(
            mapping.UPLOAD_PATH,
            content=make_package(3),
            headers={**auth, "Idempotency-Key": "key-sha-00001", "X-Content-SHA256": "0" * 64},
        )
        assert r.status_code == 400 and r.json()[mapping.ERROR_REASON_CODES] == ["checksum_mismatch"]
    assert sandbox.counts()["accepted"] == 0


def test_fault_settings_can_be_changed_over_http(sandbox):
    with httpx.Client(base_url=sandbox.url, trust_env=False) as client:
        r = client.post(mapping.SANDBOX_FAULTS_PATH, json={"fail_rate": 1.0})
        assert r.status_code == 200 and r.json()["fail_rate"] == 1.0
        assert client.post(mapping.LOGIN_PATH, json={"username": "demo", "password": "x"}).status_code == 500
        assert client.post(mapping.SANDBOX_FAULTS_PATH, json={"nonsense": 1}).status_code == 400
    assert sandbox.counts()["faults_500"] == 1


def test_fault_rates_are_roughly_honoured(sandbox):
    sandbox.faults.fail_rate = 1 / 3
    with httpx.Client(base_url=sandbox.url, trust_env=False) as client:
        codes = [client.get(mapping.UPLOAD_BY_KEY_PATH.format(key="k")).status_code for _ in range(300)]
    failures = codes.count(500)
    assert 60 <= failures <= 140  # binomial(300, 1/3): mean 100, sd ≈ 8


def test_packages_are_checked_by_the_documents_verifier():
    assert validate_package(make_package(5)) == ([], [])
    assert "hash_mismatch" in validate_package(corrupt_package(5))[1]


def test_rates_outside_zero_to_one_are_refused():
    with pytest.raises(ValueError):
        start_sandbox(fail_rate=1.5)


def _spawn(state: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.sync.sandbox", "--port", "0", "--state", str(state), "--seed", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("READY "):
        proc.kill()
        raise AssertionError(f"sandbox did not start: {line!r}")
    return proc, line.split()[1]


def test_the_process_entry_point_survives_a_kill(tmp_path: Path):
    state = tmp_path / "proc.sqlite3"
    proc, url = _spawn(state)
    try:
        with _gateway(url) as g:
            first = g.upload(make_package(6), "key-process-01", {"kind": "task_results"})
    finally:
        proc.kill()
        proc.wait(timeout=10)
    proc, url = _spawn(state)
    try:
        with _gateway(url) as g:
            again = g.upload(make_package(6), "key-process-01", {"kind": "task_results"})
        with httpx.Client(base_url=url, trust_env=False) as client:
            counts = client.get(mapping.SANDBOX_COUNTS_PATH).json()
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert again.duplicate and again.receipt_number == first.receipt_number
    assert counts["accepted"] == 1 and counts["duplicates_prevented"] == 1


def test_the_upload_kind_must_match_what_the_package_carries(sandbox):
    with _gateway(sandbox.url) as g:
        from app.sync.gateway import UploadRejected

        with pytest.raises(UploadRejected) as caught:  # a whole-task package sent as NOTICE
            g.upload(make_package(4), "key-kind-00001", {"kind": "notice"})
        assert caught.value.codes == ["kind_mismatch"] and "不符" in caught.value.reasons[0]
        assert g.upload(make_package(4), "key-kind-00002", {"kind": "result"}).receipt_number
    assert sandbox.counts()["accepted"] == 1
