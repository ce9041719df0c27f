"""Entry points the CLI wires: ``riskmon sync`` (the worker's only entry point), the sandbox's ``serve``,
gateway settings."""

from __future__ import annotations

import ssl
import threading
from pathlib import Path

import httpx
import pytest

from app import cli
from app.services import upload
from app.sync import mapping, worker
from app.sync.gateway import FolderGateway, HttpGateway, _default_tls_context
from app.sync.sandbox import serve

from .conftest import DEMO_PASSWORD
from .test_outbox import add_task, queue, rows


def _args(db, *extra: str) -> list[str]:
    return ["--database-url", db.url.render_as_string(hide_password=False), "--home", str(Path(db.home)), "sync",
            *extra]


def test_sync_once_uploads_and_prints_a_summary(sqlite_db, sandbox, monkeypatch, capsys):
    task_id = add_task(sqlite_db)
    queue(sqlite_db, task_id, 3)
    monkeypatch.setenv("SANDBOX_PW", DEMO_PASSWORD)
    monkeypatch.setenv(worker.URL_ENV, sandbox.url)
    monkeypatch.setenv(worker.USER_ENV, "demo")
    code = cli.main(_args(sqlite_db, "--password-env", "SANDBOX_PW", "--once"))
    out = capsys.readouterr().out
    assert code == 0 and "已接收 3 项" in out
    assert all(r.state == "accepted" for r in rows(sqlite_db))


def test_sync_without_a_url_says_what_to_set(sqlite_db, monkeypatch, capsys):
    monkeypatch.delenv(worker.URL_ENV, raising=False)
    code = cli.main(_args(sqlite_db, "--once"))
    err = capsys.readouterr().err
    assert code == 2 and "省级系统地址" in err and worker.URL_ENV in err


def test_sync_with_a_wrong_password_exits_3_and_keeps_the_items(sqlite_db, sandbox, monkeypatch, capsys):
    task_id = add_task(sqlite_db)
    queue(sqlite_db, task_id, 2)
    monkeypatch.setenv("SANDBOX_PW", "wrong")
    code = cli.main(_args(sqlite_db, "--url", sandbox.url, "--user", "demo", "--password-env", "SANDBOX_PW", "--once"))
    assert code == 3 and "用户名和密码" in capsys.readouterr().out
    assert [r.state for r in rows(sqlite_db)] == ["pending", "pending"]


def test_serve_runs_until_stopped(tmp_path: Path):
    stop = threading.Event()
    urls: list[str] = []
    ready = threading.Event()

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    thread = threading.Thread(
        target=serve, kwargs={"port": 0, "state_path": tmp_path / "s.sqlite3", "ready": on_ready, "stop": stop}
    )
    thread.start()
    try:
        assert ready.wait(10)
        assert urls[0].startswith("http://127.0.0.1:")
        with httpx.Client(base_url=urls[0], trust_env=False) as client:
            assert client.get(mapping.SANDBOX_COUNTS_PATH).json()["accepted"] == 0
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    with pytest.raises(httpx.TransportError), httpx.Client(trust_env=False, timeout=1) as client:
        client.get(urls[0] + mapping.SANDBOX_COUNTS_PATH)


def test_tls_verification_is_on_by_default():
    context = _default_tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_folder_url_gives_a_folder_gateway(tmp_path: Path):
    g = worker.gateway_from_settings((tmp_path / "hand").as_uri(), "", lambda: None)
    assert isinstance(g, FolderGateway) and g.folder == tmp_path / "hand"
    g2 = worker.gateway_from_settings("https://zljd.example.cn/", " lab01 ", lambda: "x")
    assert isinstance(g2, HttpGateway) and g2.username == "lab01" and g2.base_url == "https://zljd.example.cn"
    g2.close()


def test_open_gateway_takes_the_password_from_the_keyring(sqlite_db, sandbox, memory_keyring, monkeypatch):
    from app.sync.credentials import CredentialStore

    monkeypatch.setenv(worker.URL_ENV, sandbox.url)
    monkeypatch.setenv(worker.USER_ENV, "demo")
    CredentialStore().set_password("demo", DEMO_PASSWORD)
    asked: list[str] = []
    gateway = upload.open_gateway(sqlite_db, prompt=lambda user: asked.append(user) or None)
    with gateway:
        gateway.login()
    assert asked == [] and gateway.logins == 1


def test_open_gateway_asks_once_per_session_without_a_keyring(sqlite_db, sandbox, monkeypatch):
    from keyring.backends import fail

    from app.sync.credentials import CredentialStore, SessionPasswords

    monkeypatch.setenv(worker.URL_ENV, sandbox.url)
    monkeypatch.setenv(worker.USER_ENV, "demo")
    session = SessionPasswords()
    asked: list[str] = []

    def prompt(user: str) -> str:
        asked.append(user)
        return DEMO_PASSWORD

    for _ in range(2):
        gateway = upload.open_gateway(
            sqlite_db, prompt=prompt, store=CredentialStore(backend=fail.Keyring()), session=session
        )
        with gateway:
            gateway.login()
    assert asked == ["demo"]
