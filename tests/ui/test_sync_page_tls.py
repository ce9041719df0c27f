"""The 上报同步 page when the provincial server's certificate cannot be verified: each item is tried
once and then shows 失败，需人工处理 with the reason and what to do, and nothing is retried on its own."""

from __future__ import annotations

from app.services import lab as lab_service
from app.sync.gateway import CERTIFICATE_HINT, _default_tls_context
from tests.sync.tls import https_sandbox, issue
from tests.ui import test_sync_page as base
from tests.ui.helpers import settle
from tests.ui.test_sync_page import (
    DEMO_PASSWORD,
    DEMO_USER,
    LAST_ERROR,
    SERVICE,
    STATE,
    TRIES,
    WHEN,
    as_user,
    cell,
)

# the sync page's fixtures: the demo lab without its hazard upload, the page with its uploader stopped at the end
_clean, _sync_demo_file, lab_file, open_page = base._clean, base._sync_demo_file, base.lab_file, base.open_page


def test_a_self_signed_provincial_server_shows_why_and_waits_for_a_person(
    qtbot, lab_db, memory_keyring, open_page, tmp_path, monkeypatch
):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    _default_tls_context.cache_clear()
    memory_keyring.set_password(SERVICE, DEMO_USER, DEMO_PASSWORD)
    with https_sandbox(tmp_path, issue("zljd.self-signed.test")) as (url, server):
        lab_service.save_settings(as_user(lab_db, "admin"), {"provincial_url": url, "provincial_user": DEMO_USER})
        page = open_page(as_user(lab_db, "wangjian"))
        qtbot.waitUntil(lambda: len(page.rows) == 2 and all(r.state == "failed" for r in page.rows), timeout=15000)
        settle(qtbot)
        assert server.state.counts()["accepted"] == 0
    expected = f"证书无法验证：自签名证书。{CERTIFICATE_HINT}"
    for r in range(2):
        assert cell(page, r, STATE) == "失败，需人工处理"
        assert cell(page, r, TRIES) == "1" and cell(page, r, WHEN) == ""
        assert cell(page, r, LAST_ERROR) == expected
    assert all(row.next_attempt_at is None for row in page.rows)
    page.table.setCurrentCell(0, 0)
    assert page.detail_error.text() == expected and page.detail_state.text() == "失败，需人工处理"
    assert "ConnectError" not in page.message.text() and "连接中断" not in page.message.text()
    qtbot.waitUntil(lambda: "未被接收需人工处理 2 项" in page.message.text(), timeout=10000)
    assert page.retry_button.isEnabled()  # once the certificate is trusted, a person sends it again
    assert page.password_dialog is None  # not an account problem: nobody is asked for the password
    _default_tls_context.cache_clear()
