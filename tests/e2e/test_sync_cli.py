"""The provincial upload from the command line, as a user runs it: ``riskmon demo`` (whose approved
results are already queued), ``riskmon sandbox`` in its own process on a free port of 127.0.0.1,
then ``riskmon sync`` with the address and user from the environment and the password on standard
input — receipts come back, a second run sends nothing twice, Ctrl+C and SIGTERM (a service manager)
stop cleanly."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

KETTLE = "HBFX-2026-DQ-01"
DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"
RECEIPT = re.compile(r"回执编号 (HBJG-\d{4}-\d{6})")

pytestmark = [
    pytest.mark.slow,  # a dozen program starts
    pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to child processes"),
]

#: what the demo lab has queued on first start: its major-hazard report, one report's result and
#: the notices issued after that report's approval
DEMO_QUEUED = 3


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "RISKMON_HOME": str(home), "RISKMON_FAST_PASSWORD_HASH": "1", **extra}
    for name in ("RISKMON_DATABASE_URL", "RISKMON_PROVINCIAL_URL", "RISKMON_PROVINCIAL_USER"):
        if name not in extra:
            env.pop(name, None)
    return env


def riskmon(home: Path, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], input=stdin, capture_output=True, text=True,
        env=environment(home, **env), timeout=180,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _default_signals() -> None:
    """In the child: Ctrl+C and SIGTERM as in a terminal, even where the test runner was started with
    SIGINT ignored (a background job of a non-interactive shell)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def popen(args: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, preexec_fn=_default_signals, **kw)


def start_sandbox(home: Path, port: int, *extra: str) -> tuple[subprocess.Popen, str]:
    proc = popen(["sandbox", "--port", str(port), *extra], environment(home))
    first = proc.stdout.readline()  # printed once the socket listens
    match = re.search(r"http://127\.0\.0\.1:(\d+)", first)
    assert match, (first, proc.poll())
    return proc, match.group(0)


def interrupt(proc: subprocess.Popen, signum: int = signal.SIGINT, timeout: float = 30) -> tuple[int, str, str]:
    """Send ``signum`` and wait for the exit; a process still running after ``timeout`` is killed and
    the test fails (never left behind)."""
    proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"still running {timeout} s after signal {signum}:\n{out}\n{err}")
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("sync-home")
    proc = riskmon(home, "demo")
    assert proc.returncode == 0, proc.stderr
    return home


@pytest.fixture
def sandbox(home: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    proc, url = start_sandbox(home, free_port())
    try:
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def counts(url: str) -> dict[str, int]:
    return httpx.get(f"{url}/api/v1/_sandbox/counts", timeout=10).json()


def test_demo_results_reach_the_sandbox_once_with_their_receipt(home: Path, sandbox):
    proc, url = sandbox
    env = {"RISKMON_PROVINCIAL_URL": url, "RISKMON_PROVINCIAL_USER": DEMO_USER}
    listed = riskmon(home, "sync", "--list")
    assert listed.returncode == 0 and "待上传" in listed.stdout and KETTLE in listed.stdout

    # a wrong password: exit 3, nothing sent, the item still queued
    wrong = riskmon(home, "sync", "--once", "--password-stdin", stdin="not-the-password\n", **env)
    assert wrong.returncode == 3, wrong.stdout + wrong.stderr
    assert "Traceback" not in wrong.stderr and "密码" in wrong.stderr
    assert counts(url)["accepted"] == 0 and "仍在队列中" in wrong.stdout

    first = riskmon(home, "sync", "--once", "--password-stdin", stdin=DEMO_PASSWORD + "\n", **env)
    assert first.returncode == 0, first.stdout + first.stderr
    # the major-hazard report (first: Article 18 ¶3), the report's result item and its notices' item
    receipts = RECEIPT.findall(first.stdout)
    assert len(set(receipts)) == DEMO_QUEUED, first.stdout
    assert KETTLE in first.stdout and f"已接收 {DEMO_QUEUED} 项" in first.stdout and "重大风险隐患报告" in first.stdout
    assert counts(url)["accepted"] == DEMO_QUEUED

    again = riskmon(home, "sync", "--once", "--password-stdin", stdin=DEMO_PASSWORD + "\n", **env)
    assert again.returncode == 0 and "没有需要上传的内容" in again.stdout
    after = counts(url)
    assert after["accepted"] == DEMO_QUEUED and after["duplicates_prevented"] == 0
    listed = riskmon(home, "sync", "--list")
    assert all(r in listed.stdout for r in receipts) and "已接收" in listed.stdout

    # Ctrl+C stops the sandbox cleanly; it kept its records in the data folder, so a restart knows them
    code, out, err = interrupt(proc)
    assert code == 0 and "Traceback" not in err and "已停止" in err
    assert (home / "sandbox" / "provincial-sandbox.sqlite3").is_file()
    again_proc, again_url = start_sandbox(home, free_port())
    try:
        assert counts(again_url)["accepted"] == DEMO_QUEUED
    finally:
        interrupt(again_proc)


def test_without_an_address_sync_says_what_to_set(home: Path):
    proc = riskmon(home, "sync", "--once", "--password-stdin", stdin="x\n")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("riskmon: ") and "尚未设置省级系统地址" in line and "RISKMON_PROVINCIAL_URL" in line
    plain = riskmon(home, "sync", "--once", "--password-stdin", stdin="x\n",
                    RISKMON_PROVINCIAL_URL="http://upload.example.com", RISKMON_PROVINCIAL_USER="lab")
    assert plain.returncode == 2 and "https://" in plain.stderr


def test_continuous_sync_stops_cleanly_on_ctrl_c(home: Path, sandbox):
    _proc, url = sandbox
    proc = start_sync(home, url)
    time.sleep(0.5)
    code, out, err = interrupt(proc)
    assert code == 0, out + err
    assert "已停止上传" in out and "Traceback" not in err


def start_sync(home: Path, url: str) -> subprocess.Popen:
    proc = popen(["sync", "--password-stdin", "--idle", "0.2"],
                 environment(home, RISKMON_PROVINCIAL_URL=url, RISKMON_PROVINCIAL_USER=DEMO_USER),
                 stdin=subprocess.PIPE)
    proc.stdin.write(DEMO_PASSWORD + "\n")
    proc.stdin.flush()
    assert "Ctrl+C" in proc.stderr.readline()  # running
    return proc


def test_continuous_sync_stops_cleanly_on_sigterm_when_idle(home: Path, sandbox):
    _proc, url = sandbox
    proc = start_sync(home, url)
    time.sleep(0.5)
    started = time.monotonic()
    code, out, err = interrupt(proc, signal.SIGTERM, timeout=15)
    assert code == 0, out + err
    assert time.monotonic() - started < 10
    assert "已停止上传" in out and "收到停止信号" in err and "Traceback" not in err


def test_sigterm_during_an_upload_finishes_or_releases_it(tmp_path: Path):
    """systemctl stop while an item is on the wire: the process exits 0 promptly; every item is
    either accepted with its receipt or back in the queue (none left 上传中), and the next run sends
    the rest with nothing recorded twice."""
    home = tmp_path / "home"
    assert riskmon(home, "demo").returncode == 0
    sandbox, url = start_sandbox(home, free_port(), "--latency", "1500")  # each request 1.5 s
    try:
        proc = start_sync(home, url)
        time.sleep(2.0)  # signed in; the first upload is on the wire
        started = time.monotonic()
        code, out, err = interrupt(proc, signal.SIGTERM, timeout=30)
        assert code == 0, out + err
        assert time.monotonic() - started < 15
        assert "Traceback" not in err and "收到停止信号" in err and "已停止上传" in out
        listed = riskmon(home, "sync", "--list")
        assert "上传中" not in listed.stdout, listed.stdout
        accepted = counts(url)["accepted"]
        assert listed.stdout.count("已接收") == accepted < DEMO_QUEUED, listed.stdout
        rest = riskmon(home, "sync", "--once", "--password-stdin", stdin=DEMO_PASSWORD + "\n",
                       RISKMON_PROVINCIAL_URL=url, RISKMON_PROVINCIAL_USER=DEMO_USER)
        assert rest.returncode == 0, rest.stdout + rest.stderr
        after = counts(url)
        assert after["accepted"] == DEMO_QUEUED and after["duplicates_prevented"] == 0
    finally:
        interrupt(sandbox)
